/* Reading a flow file's result: the tables the DSL built (a flow with its nodes, options
 * and keywords, or a data table) become the set's C structures, with findings for what is
 * missing or malformed, in Bahasa Indonesia first and English second. Loading the files,
 * resolving targets and checking reachability are flow.c's; settings.c reads settings. */
#include "flow_read.h"
#include "lapi_flow.h"
#include "match.h"
#include "settings.h"
#include "validate.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading Lua values ---- */

static int field_line(lua_State *L, int idx)
{
    lua_getfield(L, idx, LK_LINE_FIELD);
    int line = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return line;
}

/* The kind tag of the table at idx, or NULL. Valid while the table is on the stack. */
static const char *field_kind(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE)
        return NULL;
    lua_getfield(L, idx, LK_KIND_FIELD);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1);
    return k;
}

static char *string_field(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    char *s = lua_type(L, -1) == LUA_TSTRING ? lk_strdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* A text is "string" or { "string", en = "string" }. Returns 1 when found. */
static int read_text(lua_State *L, int idx, struct lk_text *t)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        t->id = lk_strdup(lua_tostring(L, idx));
        return 1;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        return 0;
    lua_rawgeti(L, idx, 1);
    int found = lua_type(L, -1) == LUA_TSTRING;
    if (found)
        t->id = lk_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (found)
        t->en = string_field(L, idx, "en");
    return found;
}

static int read_text_field(lua_State *L, int idx, const char *key, struct lk_text *t)
{
    lua_getfield(L, idx, key);
    int found = read_text(L, -1, t);
    lua_pop(L, 1);
    return found;
}

static void text_free(struct lk_text *t)
{
    free(t->id);
    free(t->en);
    t->id = t->en = NULL;
}

/* Strings of the list at t[key] (or t itself when key is NULL), positional part only. */
static char **string_list(lua_State *L, int idx, const char *key, size_t *n)
{
    char **list = NULL;
    *n = 0;
    if (key)
        lua_getfield(L, idx, key);
    else
        lua_pushvalue(L, idx);
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= len; i++) {
            lua_rawgeti(L, -1, i);
            if (lua_type(L, -1) == LUA_TSTRING) {
                list = lk_xrealloc(list, (*n + 1) * sizeof *list);
                list[(*n)++] = lk_strdup(lua_tostring(L, -1));
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return list;
}

void string_list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* ---- nodes ---- */

static void add_text(struct lk_node *n, const struct lk_text *t)
{
    n->texts = lk_xrealloc(n->texts, (n->n_texts + 1) * sizeof *n->texts);
    n->texts[n->n_texts++] = *t;
}

static void read_option(struct flow_reader *r, int idx, struct lk_node *n, const char *flow_id)
{
    lua_State *L = r->L;
    struct lk_option o = {0};
    read_text(L, idx, &o.title);
    read_text_field(L, idx, "desc", &o.desc);
    o.go = string_field(L, idx, "go");
    o.keywords = string_list(L, idx, "keywords", &o.n_keywords);
    char *key = string_field(L, idx, "id");
    o.id = lk_sprintf("%s.%s:%s", flow_id, n->name, key ? key : o.go ? o.go : "");
    free(key);
    for (size_t i = 0; i < n->n_options; i++)
        if (strcmp(n->options[i].id, o.id) == 0) {
            char *unique = lk_sprintf("%s-%zu", o.id, n->n_options + 1);
            free(o.id);
            o.id = unique;
            break;
        }
    if (!o.title.id)
        lk_diags_add(r->diags, 1, r->file, n->line,
                     "node '%s': pilihan ke-%zu tidak punya judul / option %zu has no title",
                     n->name, n->n_options + 1, n->n_options + 1);
    if (!o.go)
        lk_diags_add(r->diags, 1, r->file, n->line,
                     "node '%s': pilihan '%s' tidak punya tujuan (go = \"...\") / option '%s' "
                     "has no target (go = \"...\")", n->name, o.title.id ? o.title.id : "?",
                     o.title.id ? o.title.id : "?");
    o.phrases = lk_xcalloc(2 + o.n_keywords, sizeof *o.phrases);
    if (o.title.id)
        o.phrases[o.n_phrases++] = o.title.id;
    if (o.title.en)
        o.phrases[o.n_phrases++] = o.title.en;
    for (size_t i = 0; i < o.n_keywords; i++)
        o.phrases[o.n_phrases++] = o.keywords[i];
    n->options = lk_xrealloc(n->options, (n->n_options + 1) * sizeof *n->options);
    n->options[n->n_options++] = o;
}

/* Positional entries: strings and { "text", en = } tables are texts, tables with go are
 * options (menu). */
static void read_positional(struct flow_reader *r, int idx, struct lk_node *n, const char *flow_id)
{
    lua_State *L = r->L;
    lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, idx, i);
        int is_option = 0;
        if (lua_type(L, -1) == LUA_TTABLE) {
            lua_getfield(L, -1, "go");
            is_option = !lua_isnil(L, -1);
            lua_pop(L, 1);
        }
        struct lk_text t = {0};
        if (is_option || (n->kind == LK_NODE_MENU && i > 1 && lua_type(L, -1) == LUA_TTABLE))
            read_option(r, lua_gettop(L), n, flow_id);
        else if (read_text(L, -1, &t))
            add_text(n, &t);
        else
            lk_diags_add(r->diags, 1, r->file, n->line,
                         "node '%s': isi ke-%lld bukan teks / entry %lld is not text",
                         n->name, (long long)i, (long long)i);
        lua_pop(L, 1);
    }
    char *en = string_field(L, idx, "en");
    if (en && n->n_texts > 0 && !n->texts[0].en)
        n->texts[0].en = en;
    else
        free(en);
}

static int node_kind(const char *k, enum lk_node_kind *kind)
{
    static const struct { const char *name; enum lk_node_kind kind; } kinds[] = {
        {"say", LK_NODE_SAY}, {"ask", LK_NODE_ASK}, {"menu", LK_NODE_MENU},
        {"run", LK_NODE_RUN}, {"handoff", LK_NODE_HANDOFF}, {"done", LK_NODE_END},
    };
    for (size_t i = 0; k && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(k, kinds[i].name) == 0) {
            *kind = kinds[i].kind;
            return 1;
        }
    return 0;
}

static void read_ask(struct flow_reader *r, int idx, struct lk_node *n)
{
    lua_State *L = r->L;
    n->save = string_field(L, idx, "save");
    if (!n->save)
        lk_diags_add(r->diags, 1, r->file, n->line,
                     "node '%s': ask perlu save = \"nama_variabel\" / ask needs save = "
                     "\"variable_name\"", n->name);
    read_text_field(L, idx, "retry", &n->retry);
    lua_getfield(L, idx, "check");
    if (lua_type(L, -1) == LUA_TFUNCTION && lk_lapi_flow_validator(L, -1) < 0) {
        n->check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return;
    }
    if (!lua_isnil(L, -1)) {
        n->validator = lk_lapi_flow_validator(L, -1);
        if (n->validator < 0)
            lk_diags_add(r->diags, 1, r->file, n->line,
                         "node '%s': check tidak dikenal; pakai valid.nik, valid.date, "
                         "valid.phone, valid.email, valid.number, valid.yesno atau fungsi / "
                         "unknown check", n->name);
    }
    lua_pop(L, 1);
}

/* Reads the node table at idx named 'name' into n. */
static void read_node(struct flow_reader *r, int idx, const char *name, struct lk_flow *f,
                      struct lk_node *n)
{
    lua_State *L = r->L;
    memset(n, 0, sizeof *n);
    n->name = lk_strdup(name);
    n->flow = f;
    n->line = field_line(L, idx);
    n->validator = -1;
    n->check_ref = n->fn_ref = LUA_NOREF;
    node_kind(field_kind(L, idx), &n->kind);
    n->go = string_field(L, idx, "go");
    if (n->kind == LK_NODE_RUN) {
        lua_getfield(L, idx, "fn");
        n->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return;
    }
    read_positional(r, idx, n, f->id);
    if (n->kind == LK_NODE_ASK)
        read_ask(r, idx, n);
    if (n->kind == LK_NODE_HANDOFF)
        n->reason = string_field(L, idx, "reason");
    if (n->kind == LK_NODE_MENU)
        n->other = string_field(L, idx, "other");
    if ((n->kind == LK_NODE_SAY || n->kind == LK_NODE_ASK || n->kind == LK_NODE_MENU) &&
        n->n_texts == 0)
        lk_diags_add(r->diags, 1, r->file, n->line,
                     "node '%s': tidak ada teks untuk ditampilkan / no text to show", name);
    if (n->kind == LK_NODE_MENU && n->n_options == 0)
        lk_diags_add(r->diags, 1, r->file, n->line,
                     "node '%s': menu tanpa pilihan / menu without options", name);
}

static void node_free(lua_State *L, struct lk_node *n)
{
    free(n->name);
    free(n->go);
    free(n->other);
    free(n->save);
    free(n->reason);
    text_free(&n->retry);
    for (size_t i = 0; i < n->n_texts; i++)
        text_free(&n->texts[i]);
    free(n->texts);
    for (size_t i = 0; i < n->n_options; i++) {
        struct lk_option *o = &n->options[i];
        free(o->id);
        free(o->go);
        text_free(&o->title);
        text_free(&o->desc);
        string_list_free(o->keywords, o->n_keywords);
        free(o->phrases);
    }
    free(n->options);
    free(n->run_targets);
    if (L) {
        luaL_unref(L, LUA_REGISTRYINDEX, n->check_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, n->fn_ref);
    }
}

/* ---- flows ---- */

static int valid_name(const char *s)
{
    if (!s || !*s || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9')))
            return 0;
    return 1;
}

static int by_line(const void *a, const void *b)
{
    const struct lk_node *x = a, *y = b;
    return x->line != y->line ? x->line - y->line : strcmp(x->name, y->name);
}

static void read_keywords(struct flow_reader *r, int idx, struct lk_flow *f)
{
    lua_State *L = r->L;
    lua_getfield(L, idx, "keywords");
    if (lua_type(L, -1) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, -1, i);
        size_t n = 0;
        char **phrases = lua_type(L, -1) == LUA_TTABLE ? string_list(L, -1, NULL, &n)
                                                       : string_list(L, -2, NULL, &n);
        char *go = lua_type(L, -1) == LUA_TTABLE ? string_field(L, -1, "go") : NULL;
        int alone = 0;
        if (lua_type(L, -1) == LUA_TTABLE) {
            lua_getfield(L, -1, "alone");
            alone = lua_toboolean(L, -1);
            lua_pop(L, 1);
        }
        if (lua_type(L, -1) == LUA_TSTRING) {
            string_list_free(phrases, n);
            phrases = lk_xmalloc(sizeof *phrases);
            phrases[0] = lk_strdup(lua_tostring(L, -1));
            n = 1;
        }
        for (size_t k = 0; k < n; k++) {
            f->keywords = lk_xrealloc(f->keywords, (f->n_keywords + 1) * sizeof *f->keywords);
            f->keywords[f->n_keywords++] =
                (struct lk_keyword){.phrase = phrases[k], .go = lk_strdup(go), .alone = alone};
        }
        free(phrases);
        free(go);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static const char *const flow_fields[] = {"id", "title", "keywords", LK_KIND_FIELD,
                                          LK_LINE_FIELD, NULL};

static int is_flow_field(const char *key)
{
    for (const char *const *k = flow_fields; *k; k++)
        if (strcmp(*k, key) == 0)
            return 1;
    return 0;
}

/* Walks the flow table's fields: every table field that is not a known flow field is a
 * node. */
static void read_nodes(struct flow_reader *r, int idx, struct lk_flow *f)
{
    lua_State *L = r->L;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING || is_flow_field(lua_tostring(L, -2))) {
            lua_pop(L, 1);
            continue;
        }
        const char *name = lua_tostring(L, -2);
        enum lk_node_kind kind;
        if (!node_kind(field_kind(L, -1), &kind)) {
            lk_diags_add(r->diags, 1, r->file, f->line,
                         "alur '%s': '%s' bukan node (say, ask, menu, run, handoff, done) / "
                         "'%s' is not a node", f->id, name, name);
        } else if (!valid_name(name)) {
            lk_diags_add(r->diags, 1, r->file, field_line(L, -1),
                         "nama node '%s' tidak sah: pakai huruf, angka dan _ / invalid node "
                         "name", name);
        } else {
            f->nodes = lk_xrealloc(f->nodes, (f->n_nodes + 1) * sizeof *f->nodes);
            read_node(r, lua_gettop(L), name, f, &f->nodes[f->n_nodes++]);
        }
        lua_pop(L, 1);
    }
}

static void read_flow(struct flow_reader *r, int idx)
{
    lua_State *L = r->L;
    struct lk_flowset *fs = r->fs;
    struct lk_flow f = {0};
    f.file = lk_strdup(r->file);
    f.line = field_line(L, idx);
    f.id = string_field(L, idx, "id");
    if (!valid_name(f.id)) {
        lk_diags_add(r->diags, 1, r->file, f.line,
                     "alur tanpa id yang sah (id = \"ktp\") / flow without a valid id");
        free(f.id);
        f.id = lk_strdup("?");
    }
    if (!read_text_field(L, idx, "title", &f.title))
        f.title.id = lk_strdup(f.id);
    read_keywords(r, idx, &f);
    read_nodes(r, idx, &f);
    /* node pointers are fixed from here on: re-point nodes at the flow after the copy */
    qsort(f.nodes, f.n_nodes, sizeof *f.nodes, by_line);
    fs->flows = lk_xrealloc(fs->flows, (fs->n_flows + 1) * sizeof *fs->flows);
    fs->flows[fs->n_flows++] = f;
}

void flow_free(lua_State *L, struct lk_flow *f)
{
    for (size_t i = 0; i < f->n_nodes; i++)
        node_free(L, &f->nodes[i]);
    free(f->nodes);
    for (size_t i = 0; i < f->n_keywords; i++) {
        free(f->keywords[i].phrase);
        free(f->keywords[i].go);
        lk_words_free(f->keywords[i].words);
    }
    free(f->keywords);
    free(f->id);
    free(f->file);
    text_free(&f->title);
}

static void read_data(struct flow_reader *r, int idx)
{
    lua_State *L = r->L;
    char *id = string_field(L, idx, "id");
    if (!valid_name(id)) {
        lk_diags_add(r->diags, 1, r->file, field_line(L, idx),
                     "data tanpa id yang sah (id = \"kantor\") / data without a valid id");
        free(id);
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->fs->data_ref);  /* data tables */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, id);
    lua_pop(L, 1);
    free(id);
}

/* ---- a file's result ---- */

void flow_read_file(struct flow_reader *r, int idx)
{
    lua_State *L = r->L;
    const char *kind = field_kind(L, idx);
    if (kind && strcmp(kind, "flow") == 0)
        read_flow(r, idx);
    else if (kind && strcmp(kind, "settings") == 0)
        lk_settings_read(&r->fs->settings, L, idx, r->diags, r->file);
    else if (kind && strcmp(kind, "data") == 0)
        read_data(r, idx);
    else
        lk_diags_add(r->diags, 1, r->file, 0,
                     "berkas harus diakhiri 'return flow { ... }', 'return settings { ... }' "
                     "atau 'return data { ... }' / the file must return flow{}, settings{} or "
                     "data{}");
}
