/* One turn of a conversation: finds or creates the conversation for (channel, address),
 * applies session expiry, a removed node and the global commands, feeds the event to the
 * flow runtime, and writes the whole turn (inbound message, replies, new position,
 * handoff) to the store as one batch. Replies are the caller's to release once the
 * batch's ticket is committed. */
#include "engine_internal.h"
#include "log.h"
#include "match.h"
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT_BYTES 4096

/* ---- the conversation and its position ---- */

static struct lk_conv *conv_get(struct lk_engine *e, const struct lk_event *ev)
{
    const char *channel = ev->channel, *address = ev->address;
    struct lk_conv *c = lk_conv_cache_find(&e->convs, channel, address);
    if (c)
        return c;
    c = lk_xcalloc(1, sizeof *c);
    if (lk_store_find_conversation(e->store, channel, address, &c->row) != LK_OK) {
        int64_t now = lk_now_ms();
        c->row = (struct lk_conversation_row){
            .id = lk_store_next_conversation_id(e->store), .channel = lk_strdup(channel),
            .address = lk_strdup(address), .vars = lk_strdup("{}"),
            .lang = lk_strdup(ev->lang && !strcmp(ev->lang, "en") ? "en" : "id"),
            .history = lk_strdup("[]"), .status = lk_strdup("active"), .created_ms = now,
            .updated_ms = now};
    }
    lk_conv_cache_insert(&e->convs, c);
    return c;
}

static json_t *parse_json(const char *text, int want_array)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (want_array ? json_is_array(v) : json_is_object(v))
        return v;
    json_decref(v);
    return want_array ? json_array() : json_object();
}

/* A position is kept as JSON. Its usual shapes, no variables yet and a history of node
 * paths, are read and written here directly: jansson's general reader and writer cost
 * more than the rest of a turn's bookkeeping. Any other text goes through jansson. */
static json_t *parse_vars(const char *text)
{
    return text && strcmp(text, "{}") == 0 ? json_object() : parse_json(text, 0);
}

static json_t *parse_history(const char *text)
{
    json_t *a = json_array();
    const char *p = text;
    if (!p || *p++ != '[')
        goto general;
    if (p[0] == ']' && !p[1])
        return a;
    for (;;) {
        if (*p++ != '"')
            goto general;
        const char *s = p;
        for (; *p != '"'; p++)
            if ((unsigned char)*p < 0x20 || *p == '\\')
                goto general;            /* an escape, a control byte or the end */
        if (json_array_append_new(a, json_stringn(s, (size_t)(p - s))) != 0)
            goto general;                /* not UTF-8 */
        p++;
        if (p[0] == ']' && !p[1])
            return a;
        if (*p++ != ',')
            goto general;
    }
general:
    json_decref(a);
    return parse_json(text, 1);
}

static char *dump_vars(const json_t *vars)
{
    return json_object_size(vars) ? json_dumps(vars, JSON_COMPACT) : lk_strdup("{}");
}

static char *dump_history(const json_t *history)
{
    struct lk_buf b = {0};
    size_t i;
    json_t *v;
    lk_buf_append(&b, "[", 1);
    json_array_foreach(history, i, v) {
        const char *s = json_string_value(v);
        if (!s || strlen(s) != json_string_length(v)) {
            lk_buf_free(&b);
            return json_dumps(history, JSON_COMPACT);
        }
        if (i)
            lk_buf_append(&b, ",", 1);
        lk_buf_json(&b, s);
    }
    lk_buf_append(&b, "]", 1);
    return lk_buf_take(&b);
}

/* Fills pos from the row; *removed set when the row names a node the flows no longer
 * have. */
static void position_load(struct lk_flowset *fs, const struct lk_conversation_row *row,
                          struct lk_position *pos, int *removed)
{
    memset(pos, 0, sizeof *pos);
    struct lk_flow *f = lk_flowset_flow(fs, row->flow);
    pos->waiting = row->node ? lk_flow_node(f, row->node) : NULL;
    if (pos->waiting && pos->waiting->kind != LK_NODE_MENU && pos->waiting->kind != LK_NODE_ASK)
        pos->waiting = NULL;
    *removed = row->node && !pos->waiting;
    pos->vars = parse_vars(row->vars);
    pos->history = parse_history(row->history);
    snprintf(pos->lang, sizeof pos->lang, "%s", row->lang && strcmp(row->lang, "en") == 0
                                                     ? "en" : "id");
    pos->misunderstood = row->misunderstood;
}

static void position_free(struct lk_position *pos)
{
    json_decref(pos->vars);
    json_decref(pos->history);
    free(pos->handoff_reason);
}

static void replace(char **dst, char *value)
{
    free(*dst);
    *dst = value;
}

/* Sets *dst to a copy of value (may be NULL), keeping *dst when it already says that. */
static void set_copy(char **dst, const char *value)
{
    if (!*dst || !value || strcmp(*dst, value) != 0)
        replace(dst, value ? lk_strdup(value) : NULL);
}

static void position_store(const struct lk_position *pos, struct lk_conversation_row *row)
{
    set_copy(&row->flow, pos->waiting ? pos->waiting->flow->id : NULL);
    set_copy(&row->node, pos->waiting ? pos->waiting->name : NULL);
    replace(&row->vars, dump_vars(pos->vars));
    replace(&row->history, dump_history(pos->history));
    set_copy(&row->lang, pos->lang);
    row->misunderstood = pos->misunderstood;
    if (pos->flagged)
        set_copy(&row->status, "flagged");
    else if (pos->handoff)
        set_copy(&row->status, "handoff");
}

/* ---- the engine's own replies ---- */

static const char *msg(struct lk_turn *t, enum lk_message_key k)
{
    return lk_text_get(&t->fs->settings.messages[k], t->pos->lang);
}

static void reprompt(struct lk_turn *t)
{
    if (t->pos->waiting)
        lk_turn_prompt(t, t->pos->waiting);
}

static void start_over(struct lk_turn *t)
{
    t->pos->waiting = NULL;
    json_array_clear(t->pos->history);
    t->pos->misunderstood = 0;
    if (t->fs->main)
        lk_runtime_enter(t, t->fs->main->start);
}

static void go_back(struct lk_turn *t)
{
    size_t n = json_array_size(t->pos->history);
    struct lk_node *prev = NULL;
    while (n > 0 && !prev) {
        prev = lk_flowset_resolve(t->fs, NULL, json_string_value(json_array_get(t->pos->history,
                                                                                n - 1)));
        json_array_remove(t->pos->history, --n);
    }
    if (!prev) {
        lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_NO_BACK));
        reprompt(t);
        return;
    }
    t->pos->waiting = NULL;
    lk_runtime_enter(t, prev);
}

static void to_human(struct lk_turn *t)
{
    struct lk_node *h = t->fs->settings.human_node;
    if (h) {
        t->pos->waiting = NULL;
        lk_runtime_enter(t, h);
        return;
    }
    lk_turn_say(t, LK_OUT_HANDOFF, msg(t, LK_MSG_HANDOFF));
    t->pos->handoff = 1;
    t->pos->handoff_reason = lk_strdup("petugas");
    t->pos->waiting = NULL;
}

static void set_language(struct lk_turn *t, const char *lang)
{
    snprintf(t->pos->lang, sizeof t->pos->lang, "%s", lang);
    lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_LANG));
    if (t->pos->waiting)
        reprompt(t);
    else
        start_over(t);
}

/* The global command the input's words are, or -1. */
static int find_command(const struct lk_settings *s, const struct lk_words *in)
{
    for (int c = 0; c < LK_CMD__COUNT; c++)
        if (lk_words_command(in, s->command_words[c], s->n_commands[c]))
            return c;
    return -1;
}

static void run_command(struct lk_turn *t, struct lk_conv *conv, int cmd)
{
    switch ((enum lk_command)cmd) {
    case LK_CMD_RESTART:
        set_copy(&conv->row.status, "active");
        start_over(t);
        break;
    case LK_CMD_BACK:
        go_back(t);
        break;
    case LK_CMD_CANCEL:
        set_copy(&conv->row.status, "active");
        lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_CANCELLED));
        start_over(t);
        break;
    case LK_CMD_HELP:
        lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_HELP));
        reprompt(t);
        break;
    case LK_CMD_HUMAN:
        to_human(t);
        break;
    case LK_CMD_ENGLISH:
        set_language(t, "en");
        break;
    case LK_CMD_INDONESIAN:
        set_language(t, "id");
        break;
    default:
        break;
    }
}

static void not_understood(struct lk_turn *t)
{
    t->pos->misunderstood++;
    lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_NOT_UNDERSTOOD));
    if (t->pos->misunderstood >= 2)
        lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_OFFER_HUMAN));
    reprompt(t);
}

/* A conversation's first message goes to the main flow's start when that is a run node:
 * it greets (a salam first) and may route the request itself with c:route. */
static int first_message(const struct lk_turn *t, const struct lk_conv *conv)
{
    return conv->row.created_ms == conv->row.updated_ms && !t->pos->waiting && t->fs->main &&
           t->fs->main->start->kind == LK_NODE_RUN;
}

/* The flow keyword the input's words name, or NULL; *score as lk_runtime_keyword's. */
static struct lk_node *keyword(struct lk_turn *t, const struct lk_words *in, int *score)
{
    *score = 0;
    return t->input ? lk_runtime_keyword_words(t->fs, in, NULL, score) : NULL;
}

/* What the flows make of the input (read into words as in): the waiting node's answer, a
 * keyword, or a re-prompt. */
static void answer(struct lk_turn *t, const struct lk_words *in, const struct lk_event *ev,
                   int first)
{
    const char *text = t->input;
    struct lk_node *at = t->pos->waiting, *kw = NULL;
    int score = 0;
    /* words at a menu (not a number or a button) may name another flow's keyword ("kia itu
     * wajib gk sih" at "Anything else?") or a phrase of two or more words ("ktp hilang"):
     * either says more than one menu word */
    int looked = !first && at && at->kind == LK_NODE_MENU && text && !ev->choice_id &&
                 !lk_match_number(text);
    if (looked)
        kw = keyword(t, in, &score);
    /* a message that is only "ok" or "halo" is the menu's answer when an option takes it */
    int keyword_wins = kw && score != LK_KEYWORD_ALONE &&
                       (score >= 200 || kw->flow != at->flow);
    if (!keyword_wins && lk_runtime_input(t, text, ev->choice_id))
        return;
    if (!looked && !first)
        kw = keyword(t, in, &score);
    if (kw) {
        t->pos->misunderstood = 0;
        t->pos->waiting = at && at->kind == LK_NODE_MENU ? at : NULL;
        lk_runtime_enter(t, kw);
    } else if (!t->pos->waiting) {
        start_over(t);
    } else if (at && at->other_next && text && !ev->choice_id) {  /* the menu takes text */
        t->pos->misunderstood = 0;
        lk_runtime_enter(t, at->other_next);
    } else {
        not_understood(t);
    }
}

/* The node the citizen waited at is gone from the flows: say so, go to its flow's start. */
static void node_removed(struct lk_turn *t, const struct lk_conv *conv)
{
    lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_REMOVED));
    struct lk_flow *f = lk_flowset_flow(t->fs, conv->row.flow);
    t->pos->waiting = NULL;
    lk_runtime_enter(t, f && f->start ? f->start : t->fs->main->start);
}

/* The heart of a turn: what to do with the event, in order of precedence. */
static void dispatch(struct lk_turn *t, struct lk_conv *conv, const struct lk_event *ev,
                     int removed)
{
    if (ev->kind && strcmp(ev->kind, "text") != 0 && !ev->choice_id) {
        lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_NON_TEXT));
        return;
    }
    struct lk_words *in = ((struct lk_engine *)t->ud)->input_words;
    lk_words_read(in, t->input);         /* once a turn, for commands and keywords */
    int cmd = t->input ? find_command(&t->fs->settings, in) : -1;
    if (cmd >= 0)
        run_command(t, conv, cmd);
    else if (removed)
        node_removed(t, conv);
    else if (strcmp(conv->row.status, "handoff") == 0 || strcmp(conv->row.status, "flagged") == 0)
        lk_turn_say(t, LK_OUT_TEXT, msg(t, LK_MSG_HANDOFF_WAITING));
    else
        answer(t, in, ev, first_message(t, conv));
}

/* ---- input hygiene ---- */

/* A copy of the citizen's text: invalid UTF-8 bytes replaced, cut at MAX_INPUT_BYTES on a
 * character boundary. *cut set when it was too long. */
static char *clean_input(const char *text, int *cut)
{
    if (!text)
        return NULL;
    size_t len = strlen(text);
    *cut = len > MAX_INPUT_BYTES;
    len = lk_utf8_cut(text, len, MAX_INPUT_BYTES);
    char *s = lk_strndup(text, len);
    for (size_t i = 0; i < len;) {
        size_t j = i + 1;
        while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80 && j - i < 4)
            j++;
        if (!lk_utf8_valid(s + i, j - i))
            memset(s + i, '?', j - i);
        i = j;
    }
    return s;
}

/* ---- the turn's writes ---- */

/* The output's structured form for the transcript: {"kind":..,"options":[{id,title}]}. */
static void out_payload(struct lk_buf *b, const struct lk_out *o)
{
    lk_buf_reset(b);
    lk_buf_puts(b, "{\"kind\":\"");
    lk_buf_puts(b, lk_out_kind_name(o->kind));
    lk_buf_puts(b, "\"");
    lk_out_options_json(b, o);
    lk_buf_puts(b, "}");
}

static void add_messages(struct lk_engine *e, struct lk_batch *b, struct lk_conv *conv,
                         const struct lk_event *ev, const char *text, struct lk_turn *t,
                         int64_t now)
{
    const struct lk_node *at = t->pos->waiting;
    struct lk_message m = {
        .id = lk_store_next_message_id(e->store), .conversation_id = conv->row.id,
        .channel = ev->channel, .direction = LK_IN, .text = text ? text : ev->choice_id,
        .payload = ev->payload, .flow = conv->row.flow, .node = conv->row.node,
        .flow_version = e->fs->version, .at_ms = now, .external_id = ev->external_id,
        .prev_id = conv->row.last_message_id};
    lk_batch_add_message(b, &m);
    struct lk_buf payload = {0};
    lk_buf_reserve(&payload, 500);           /* a menu's options, without regrowing */
    for (size_t i = 0; i < t->n_outs; i++) {
        out_payload(&payload, &t->outs[i]);
        t->outs[i].message_id = lk_store_next_message_id(e->store);
        m = (struct lk_message){
            .id = t->outs[i].message_id, .conversation_id = conv->row.id,
            .channel = ev->channel, .direction = LK_OUT, .text = t->outs[i].text,
            .payload = payload.data, .flow = at ? at->flow->id : NULL, .node = at ? at->name : NULL,
            .flow_version = e->fs->version, .at_ms = now, .prev_id = m.id};
        lk_batch_add_message(b, &m);
    }
    conv->row.last_message_id = m.id;
    lk_buf_free(&payload);
}

static void add_handoff(struct lk_batch *b, struct lk_conv *conv, struct lk_position *pos,
                        int64_t now)
{
    if (!pos->handoff && !pos->flagged)
        return;
    char *summary = lk_sprintf("alur %s; variabel %s", conv->row.flow ? conv->row.flow : "-",
                               conv->row.vars);
    lk_mask_nik(summary);
    lk_batch_add_handoff(b, conv->row.id, pos->handoff_reason ? pos->handoff_reason : "petugas",
                         summary, now);
    free(summary);
}

static void fill_reply(struct lk_reply *out, struct lk_turn *t, struct lk_conv *conv)
{
    memset(out, 0, sizeof *out);
    out->conversation_id = conv->row.id;
    out->lang = lk_strdup(t->pos->lang);
    out->outs = t->outs;
    out->n_outs = t->n_outs;
    t->outs = NULL;
    t->n_outs = 0;
}

int lk_conv_feed(struct lk_engine *e, const struct lk_event *ev, lk_turn_hook hook,
                 void *hook_ud, struct lk_reply *out, struct lk_error *err)
{
    if (!ev->channel || !*ev->channel || !ev->address || !*ev->address) {
        lk_error_set(err, "peristiwa tanpa kanal atau alamat / event without channel or address");
        return LK_ERR;
    }
    int64_t now = lk_now_ms();
    struct lk_conv *conv = conv_get(e, ev);
    int cut = 0, removed;
    char *text = clean_input(ev->text, &cut);
    struct lk_position pos;
    position_load(e->fs, &conv->row, &pos, &removed);
    struct lk_node *waiting_before = pos.waiting;
    struct lk_batch *b = lk_batch_new();
    struct lk_turn t = {.fs = e->fs, .pos = &pos, .channel = ev->channel, .input = text,
                        .conversation_id = conv->row.id, .ud = e,
                        .max_vars_bytes = e->max_vars_bytes, .batch = b,
                        .trace = e->trace, .trace_ud = e->trace_ud};
    int expired = (conv->row.node || strcmp(conv->row.status, "active") != 0) &&
                  now - conv->row.updated_ms > (int64_t)e->fs->settings.expiry_minutes * 60000;
    if (cut)
        lk_turn_say(&t, LK_OUT_TEXT, msg(&t, LK_MSG_TOO_LONG));
    if (expired) {
        lk_turn_say(&t, LK_OUT_TEXT, msg(&t, LK_MSG_EXPIRED));
        json_object_clear(pos.vars);
        set_copy(&conv->row.status, "active");
        pos.waiting = NULL;
        removed = 0;
        start_over(&t);
    } else {
        dispatch(&t, conv, ev, removed);
    }
    if (t.failed) {  /* back to where the citizen stood before this turn */
        pos.waiting = waiting_before;
        json_decref(pos.vars);
        pos.vars = parse_vars(conv->row.vars);
    }
    add_messages(e, b, conv, ev, text, &t, now);
    position_store(&pos, &conv->row);
    conv->row.updated_ms = now;
    lk_batch_put_conversation(b, &conv->row);
    add_handoff(b, conv, &pos, now);
    fill_reply(out, &t, conv);
    if (hook)
        hook(b, out, hook_ud);
    out->ticket = conv->last_ticket = lk_store_submit(e->store, b);
    free(text);
    position_free(&pos);
    return LK_OK;
}
