/* The flow runtime: steps a conversation through nodes until it waits or ends, feeds the
 * citizen's input to the node it waits at, fills {placeholders}, and calls Lua (run nodes,
 * check functions) through the sandbox with a context table 'c'. A Lua failure becomes an
 * apology for the citizen and a log line naming flow, node and reason. */
#include "runtime.h"
#include "log.h"
#include "lvars.h"
#include "match.h"
#include "validate.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOPS 64        /* nodes entered in one turn before it counts as a loop */
#define MAX_HISTORY 10

static char methods_key, turn_key;

static void interpolate_into(struct lk_turn *t, const char *text, struct lk_buf *b);

/* ---- outputs ---- */

static struct lk_out *new_out(struct lk_turn *t, enum lk_out_kind kind, const char *text)
{
    t->outs = lk_xrealloc(t->outs, (t->n_outs + 1) * sizeof *t->outs);
    struct lk_out *o = &t->outs[t->n_outs++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->text = lk_runtime_interpolate(t, text);
    return o;
}

void lk_turn_say(struct lk_turn *t, enum lk_out_kind kind, const char *text)
{
    new_out(t, kind, text);
}

void lk_turn_prompt(struct lk_turn *t, const struct lk_node *n)
{
    const char *lang = t->pos->lang;
    for (size_t i = 0; i + 1 < n->n_texts; i++)
        new_out(t, LK_OUT_TEXT, lk_text_get(&n->texts[i], lang));
    const char *last = n->n_texts ? lk_text_get(&n->texts[n->n_texts - 1], lang) : "";
    if (n->kind != LK_NODE_MENU) {
        new_out(t, LK_OUT_TEXT, last);
        return;
    }
    struct lk_out *o = new_out(t, LK_OUT_MENU, last);
    o->options = lk_xcalloc(n->n_options, sizeof *o->options);
    o->n_options = n->n_options;
    /* The options' strings one after another, each with its NUL, in one block: a menu of
     * ten costs one allocation instead of twenty. */
    struct lk_buf strings = {0};
    lk_buf_reserve(&strings, 512);
    for (size_t i = 0; i < n->n_options; i++) {
        const struct lk_option *op = &n->options[i];
        const char *id = op->id ? op->id : "";
        lk_buf_append(&strings, id, strlen(id) + 1);
        interpolate_into(t, lk_text_get(&op->title, lang), &strings);
        lk_buf_append(&strings, "", 1);
        if (op->desc.id) {
            interpolate_into(t, lk_text_get(&op->desc, lang), &strings);
            lk_buf_append(&strings, "", 1);
        }
    }
    char *p = o->option_text = lk_buf_take(&strings);
    for (size_t i = 0; i < n->n_options; i++) {
        struct lk_out_option *oo = &o->options[i];
        oo->id = p;
        p += strlen(p) + 1;
        oo->title = p;
        p += strlen(p) + 1;
        if (n->options[i].desc.id) {
            oo->description = p;
            p += strlen(p) + 1;
        }
    }
    lk_out_render_options(o);
}

void lk_turn_free_outs(struct lk_turn *t)
{
    struct lk_reply r = {.outs = t->outs, .n_outs = t->n_outs};
    lk_reply_clear(&r);
    t->outs = NULL;
    t->n_outs = 0;
}

char *lk_node_path(const struct lk_node *n)
{
    size_t flow_len = strlen(n->flow->id), name_len = strlen(n->name);
    char *path = lk_xmalloc(flow_len + name_len + 2);
    memcpy(path, n->flow->id, flow_len);
    path[flow_len] = '.';
    memcpy(path + flow_len + 1, n->name, name_len + 1);
    return path;
}

/* ---- placeholders ---- */

/* Value of data.<table>.<field> as text, or NULL. No metamethods run. */
static char *data_value(struct lk_flowset *fs, const char *name)
{
    lua_State *L = lk_sandbox_state(fs->sb);
    const char *dot = strchr(name, '.');
    if (!dot)
        return NULL;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fs->data_ref);       /* data */
    lua_pushlstring(L, name, (size_t)(dot - name));
    lua_rawget(L, -2);                                     /* data, table */
    char *out = NULL;
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushstring(L, dot + 1);
        lua_rawget(L, -2);                                 /* data, table, value */
        if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
            out = lk_strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return out;
}

static char *var_value(struct lk_turn *t, const char *name)
{
    json_t *v = json_object_get(t->pos->vars, name);
    if (json_is_string(v))
        return lk_strdup(json_string_value(v));
    if (json_is_integer(v))
        return lk_sprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return lk_sprintf("%g", json_real_value(v));
    if (json_is_boolean(v))
        return lk_strdup(json_is_true(v) ? "ya" : "tidak");
    return data_value(t->fs, name);
}

/* Appends text with its placeholders filled in to b. */
static void interpolate_into(struct lk_turn *t, const char *text, struct lk_buf *b)
{
    const char *p = text ? text : "";
    while (*p) {
        const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
        if (!open || !close || close - open > 64) {
            lk_buf_puts(b, p);
            break;
        }
        lk_buf_append(b, p, (size_t)(open - p));
        char *name = lk_strndup(open + 1, (size_t)(close - open - 1));
        char *value = var_value(t, name);
        if (value) {
            lk_mask_nik(value);
            lk_buf_puts(b, value);
        } else if (strchr(name, ' ') || !*name) {
            lk_buf_append(b, open, (size_t)(close - open + 1));  /* not a placeholder */
        }
        free(value);
        free(name);
        p = close + 1;
    }
}

char *lk_runtime_interpolate(struct lk_turn *t, const char *text)
{
    struct lk_buf b = {0};
    interpolate_into(t, text, &b);
    return lk_buf_take(&b);
}

/* ---- Lua context ---- */

void lk_runtime_add_method(lua_State *L, const char *name, lua_CFunction f)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &methods_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &methods_key);
    }
    lua_pushcfunction(L, f);
    lua_setfield(L, -2, name);                             /* methods */
    lua_pop(L, 1);
}

struct lk_turn *lk_runtime_current(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &turn_key);
    struct lk_turn *t = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!t)
        luaL_error(L, "hanya bisa dipakai di dalam run / only usable inside run");
    return t;
}

/* c:say("text") */
static int l_ctx_say(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *text = luaL_checkstring(L, 2);
    lk_turn_say(lk_runtime_current(L), LK_OUT_TEXT, text);
    return 0;
}

/* c:handoff("reason"): the conversation waits for a human officer. */
static int l_ctx_handoff(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct lk_turn *t = lk_runtime_current(L);
    t->pos->handoff = 1;
    free(t->pos->handoff_reason);
    t->pos->handoff_reason = lk_strdup(luaL_optstring(L, 2, "run"));
    return 0;
}

/* c:flag("reason"): marks the conversation for a supervisor. */
static int l_ctx_flag(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct lk_turn *t = lk_runtime_current(L);
    t->pos->flagged = 1;
    free(t->pos->handoff_reason);
    t->pos->handoff_reason = lk_strdup(luaL_optstring(L, 2, "flag"));
    return 0;
}

void lk_runtime_open(lua_State *L, void *ud)
{
    (void)ud;
    lk_runtime_add_method(L, "say", l_ctx_say);
    lk_runtime_add_method(L, "handoff", l_ctx_handoff);
    lk_runtime_add_method(L, "flag", l_ctx_flag);
}

/* Pushes the context table c for a call from node n. */
static void push_context(struct lk_turn *t, const struct lk_node *n)
{
    lua_State *L = lk_sandbox_state(t->fs->sb);
    lua_createtable(L, 0, 8);                              /* c */
    lk_vars_push(L, t->pos->vars);
    lua_setfield(L, -2, "vars");
    lua_pushstring(L, t->pos->lang);
    lua_setfield(L, -2, "lang");
    lua_pushstring(L, t->channel ? t->channel : "");
    lua_setfield(L, -2, "channel");
    lua_pushstring(L, t->input ? t->input : "");
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, lk_now_ms() / 1000);
    lua_setfield(L, -2, "now");
    lua_pushinteger(L, t->conversation_id);
    lua_setfield(L, -2, "conversation");
    lua_pushstring(L, n->flow->id);
    lua_setfield(L, -2, "flow");
    lua_rawgeti(L, LUA_REGISTRYINDEX, t->fs->data_ref);
    lua_setfield(L, -2, "data");
    lua_createtable(L, 0, 1);                              /* c, mt */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &methods_key);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);                               /* c */
}

/* Reads c.vars and c.lang back after a call. The context is at idx. */
static int pull_context(struct lk_turn *t, int idx, struct lk_error *err)
{
    lua_State *L = lk_sandbox_state(t->fs->sb);
    lua_getfield(L, idx, "vars");
    json_t *vars = lk_vars_from_lua(L, -1, t->max_vars_bytes, err);
    lua_pop(L, 1);
    if (!vars)
        return LK_ERR;
    json_decref(t->pos->vars);
    t->pos->vars = vars;
    lua_getfield(L, idx, "lang");
    const char *lang = lua_tostring(L, -1);
    if (lang && (strcmp(lang, "en") == 0 || strcmp(lang, "id") == 0))
        memcpy(t->pos->lang, lang, 3);
    lua_pop(L, 1);
    return LK_OK;
}

static void fail(struct lk_turn *t, const struct lk_node *n, const char *reason)
{
    lk_error("alur %s, node %s: %s", n->flow->id, n->name, reason);
    if (!t->failed)
        lk_turn_say(t, LK_OUT_TEXT, lk_text_get(&t->fs->settings.messages[LK_MSG_ERROR],
                                                t->pos->lang));
    t->failed = 1;
}

/* Calls the function with registry ref 'ref' as f(arg, c) or f(c) when arg is NULL. Leaves
 * its result on the stack and returns the context's index, or 0 on failure. */
static int call_lua(struct lk_turn *t, const struct lk_node *n, int ref, const char *arg)
{
    lua_State *L = lk_sandbox_state(t->fs->sb);
    struct lk_error err;
    push_context(t, n);
    int ctx = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    if (arg)
        lua_pushstring(L, arg);
    lua_pushvalue(L, ctx);
    lua_pushlightuserdata(L, t);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &turn_key);
    int rc = lk_sandbox_call(t->fs->sb, arg ? 2 : 1, 1, &err);
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &turn_key);
    if (rc == LK_OK && pull_context(t, ctx, &err) == LK_OK)
        return ctx;
    fail(t, n, err.text);
    lua_settop(L, ctx - 1);
    return 0;
}

/* A run node: returns the node to go on to; NULL with *end set when the flow ends. */
static struct lk_node *run_node(struct lk_turn *t, struct lk_node *n, int *end)
{
    lua_State *L = lk_sandbox_state(t->fs->sb);
    int ctx = call_lua(t, n, n->fn_ref, NULL);
    if (!ctx)
        return NULL;
    struct lk_node *next = NULL;
    if (lua_isnil(L, -1) || lua_isboolean(L, -1)) {
        *end = 1;
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        next = lk_flowset_resolve(t->fs, n->flow, lua_tostring(L, -1));
        if (!next) {
            char why[256];
            snprintf(why, sizeof why, "run mengembalikan tujuan yang tidak ada / run returned "
                     "an unknown target '%.100s'", lua_tostring(L, -1));
            fail(t, n, why);
        }
    } else {
        fail(t, n, "run harus mengembalikan nama node atau nil / run must return a node name "
                   "or nil");
    }
    lua_settop(L, ctx - 1);
    return next;
}

/* ---- stepping ---- */

static void wait_at(struct lk_turn *t, struct lk_node *n)
{
    struct lk_position *pos = t->pos;
    if (pos->waiting && pos->waiting != n) {
        char *path = lk_node_path(pos->waiting);
        json_array_append_new(pos->history, json_string(path));
        free(path);
        while (json_array_size(pos->history) > MAX_HISTORY)
            json_array_remove(pos->history, 0);
    }
    pos->waiting = n;
}

static void say_texts(struct lk_turn *t, const struct lk_node *n, enum lk_out_kind kind)
{
    for (size_t i = 0; i < n->n_texts; i++)
        lk_turn_say(t, kind, lk_text_get(&n->texts[i], t->pos->lang));
}

/* One node: emits what it shows; returns the next node to enter, or NULL to stop. */
static struct lk_node *step(struct lk_turn *t, struct lk_node *n)
{
    int end = 0;
    if (t->trace)
        t->trace(n->flow->id, n->name, t->trace_ud);
    switch (n->kind) {
    case LK_NODE_SAY:
        say_texts(t, n, LK_OUT_TEXT);
        end = !n->next;
        break;
    case LK_NODE_MENU:
    case LK_NODE_ASK:
        lk_turn_prompt(t, n);
        wait_at(t, n);
        return NULL;
    case LK_NODE_RUN: {
        struct lk_node *next = run_node(t, n, &end);
        if (next || t->failed)
            return next;
        break;
    }
    case LK_NODE_HANDOFF:
        if (n->n_texts)
            say_texts(t, n, LK_OUT_HANDOFF);
        else
            lk_turn_say(t, LK_OUT_HANDOFF,
                        lk_text_get(&t->fs->settings.messages[LK_MSG_HANDOFF], t->pos->lang));
        t->pos->handoff = 1;
        free(t->pos->handoff_reason);
        t->pos->handoff_reason = n->reason ? lk_runtime_interpolate(t, n->reason)
                                           : lk_strdup(n->flow->id);
        end = !n->next;
        break;
    case LK_NODE_END:
        say_texts(t, n, LK_OUT_END);
        end = 1;
        break;
    }
    if (end) {
        wait_at(t, NULL);
        return NULL;
    }
    return n->next;
}

void lk_runtime_enter(struct lk_turn *t, struct lk_node *n)
{
    struct lk_node *first = n;
    for (int hops = 0; n && !t->failed; hops++) {
        if (hops == MAX_HOPS) {
            fail(t, first, "lebih dari 64 node dalam satu giliran (putaran tanpa henti?) / "
                           "more than 64 nodes in one turn (an endless loop?)");
            return;
        }
        n = step(t, n);
    }
}

/* ---- input ---- */

static const struct lk_option *option_by_id(struct lk_flowset *fs, const struct lk_node *at,
                                            const char *id)
{
    for (size_t i = 0; at && i < at->n_options; i++)
        if (strcmp(at->options[i].id, id) == 0)
            return &at->options[i];
    /* a button from an earlier menu: "flow.node:key" */
    const char *colon = strchr(id, ':');
    if (!colon || colon - id > 200)
        return NULL;
    char *path = lk_strndup(id, (size_t)(colon - id));
    struct lk_node *n = lk_flowset_resolve(fs, NULL, path);
    free(path);
    return n && n != at ? option_by_id(fs, n, id) : NULL;
}

static int menu_input(struct lk_turn *t, struct lk_node *n, const char *text)
{
    struct lk_match_item items[64];
    size_t count = n->n_options < 64 ? n->n_options : 64;
    for (size_t i = 0; i < count; i++)
        items[i] = (struct lk_match_item){n->options[i].id, n->options[i].phrases,
                                          n->options[i].n_phrases};
    int ix = lk_match_menu(text, items, count);
    if (ix < 0)
        return 0;
    lk_runtime_enter(t, n->options[ix].target);
    return 1;
}

/* Validates an answer; returns the normal form (allocated) or NULL. */
static char *check_answer(struct lk_turn *t, struct lk_node *n, const char *text)
{
    if (n->validator >= 0)
        return lk_validate((enum lk_validator)n->validator, text);
    if (n->check_ref == LUA_NOREF)
        return lk_strdup(text);
    lua_State *L = lk_sandbox_state(t->fs->sb);
    int ctx = call_lua(t, n, n->check_ref, text);
    if (!ctx)
        return NULL;
    char *v = NULL;
    if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
        v = lk_strdup(lua_tostring(L, -1));
    else if (lua_toboolean(L, -1))
        v = lk_strdup(text);
    lua_settop(L, ctx - 1);
    return v;
}

static int ask_input(struct lk_turn *t, struct lk_node *n, const char *text)
{
    char *value = check_answer(t, n, text);
    if (t->failed)
        return 1;
    if (!value) {
        t->pos->misunderstood++;
        const struct lk_text *retry = n->retry.id ? &n->retry
                                                  : &t->fs->settings.messages[LK_MSG_RETRY];
        lk_turn_say(t, LK_OUT_TEXT, lk_text_get(retry, t->pos->lang));
        if (t->pos->misunderstood >= 3)
            lk_turn_say(t, LK_OUT_TEXT, lk_text_get(&t->fs->settings.messages[LK_MSG_HELP],
                                                    t->pos->lang));
        return 1;
    }
    json_object_set_new(t->pos->vars, n->save, json_string(value));
    free(value);
    t->pos->misunderstood = 0;
    if (n->next) {
        lk_runtime_enter(t, n->next);
    } else {
        wait_at(t, NULL);
    }
    return 1;
}

int lk_runtime_input(struct lk_turn *t, const char *text, const char *choice_id)
{
    struct lk_node *n = t->pos->waiting;
    if (choice_id) {
        const struct lk_option *o = option_by_id(t->fs, n, choice_id);
        if (o && o->target) {
            t->pos->misunderstood = 0;
            lk_runtime_enter(t, o->target);
            return 1;
        }
    }
    if (!n || !text)
        return 0;
    if (n->kind == LK_NODE_ASK)
        return ask_input(t, n, text);
    if (n->kind == LK_NODE_MENU && menu_input(t, n, text)) {
        t->pos->misunderstood = 0;
        return 1;
    }
    return 0;
}

struct lk_node *lk_runtime_keyword_words(struct lk_flowset *fs, const struct lk_words *in,
                                         const char *only, int *score)
{
    struct lk_node *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < fs->n_flows; i++) {
        const struct lk_flow *f = &fs->flows[i];
        for (size_t k = 0; (!only || strcmp(f->id, only) == 0) && k < f->n_keywords; k++) {
            const struct lk_keyword *kw = &f->keywords[k];
            int s = !kw->alone ? lk_words_phrase(in, kw->words)
                    : lk_words_alone(in, kw->words) ? LK_KEYWORD_ALONE : 0;
            if (s > best_score && kw->target) {
                best_score = s;
                best = kw->target;
            }
        }
    }
    if (score)
        *score = best_score;
    return best;
}

struct lk_node *lk_runtime_keyword(struct lk_flowset *fs, const char *text, const char *only,
                                   int *score)
{
    if (!text) {
        if (score)
            *score = 0;
        return NULL;
    }
    struct lk_words *in = lk_words_new(text);
    struct lk_node *best = lk_runtime_keyword_words(fs, in, only, score);
    lk_words_free(in);
    return best;
}
