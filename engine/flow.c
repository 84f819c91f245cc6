/* Loading and checking a flow set: compiles every flow file (flows/NAME.lua) in one sandbox, reads
 * the tables the DSL built into C structures, resolves targets and reports findings with
 * file and line, in Bahasa Indonesia first and English second. Stepping through a flow is
 * runtime.c's job; the standard texts and commands live in settings.c. */
#include "flow.h"
#include "lapi_flow.h"
#include "match.h"
#include "settings.h"
#include "validate.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FLOW_FILE (1024 * 1024)

/* What the loader keeps while reading one file. */
struct reader {
    struct lk_flowset *fs;
    struct lk_diags *diags;
    lua_State *L;
    const char *file;
};

const char *lk_text_get(const struct lk_text *t, const char *lang)
{
    if (lang && strcmp(lang, "en") == 0 && t->en)
        return t->en;
    return t->id ? t->id : "";
}

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

static void string_list_free(char **list, size_t n)
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

static void read_option(struct reader *r, int idx, struct lk_node *n, const char *flow_id)
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
static void read_positional(struct reader *r, int idx, struct lk_node *n, const char *flow_id)
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

static void read_ask(struct reader *r, int idx, struct lk_node *n)
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
static void read_node(struct reader *r, int idx, const char *name, struct lk_flow *f,
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

static void read_keywords(struct reader *r, int idx, struct lk_flow *f)
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
        if (lua_type(L, -1) == LUA_TSTRING) {
            string_list_free(phrases, n);
            phrases = lk_xmalloc(sizeof *phrases);
            phrases[0] = lk_strdup(lua_tostring(L, -1));
            n = 1;
        }
        for (size_t k = 0; k < n; k++) {
            f->keywords = lk_xrealloc(f->keywords, (f->n_keywords + 1) * sizeof *f->keywords);
            f->keywords[f->n_keywords++] = (struct lk_keyword){.phrase = phrases[k], .go = lk_strdup(go)};
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
static void read_nodes(struct reader *r, int idx, struct lk_flow *f)
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

static void read_flow(struct reader *r, int idx)
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
    if (lk_flowset_flow(fs, f.id))
        lk_diags_add(r->diags, 1, r->file, f.line,
                     "id alur '%s' dipakai dua kali / duplicate flow id '%s'", f.id, f.id);
    if (!read_text_field(L, idx, "title", &f.title))
        f.title.id = lk_strdup(f.id);
    read_keywords(r, idx, &f);
    read_nodes(r, idx, &f);
    /* node pointers are fixed from here on: re-point nodes at the flow after the copy */
    qsort(f.nodes, f.n_nodes, sizeof *f.nodes, by_line);
    fs->flows = lk_xrealloc(fs->flows, (fs->n_flows + 1) * sizeof *fs->flows);
    fs->flows[fs->n_flows++] = f;
}

static void flow_free(lua_State *L, struct lk_flow *f)
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

static void read_data(struct reader *r, int idx)
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

/* ---- files ---- */

static char *read_file(const char *path, size_t *size, struct lk_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        lk_error_set(err, "tidak bisa dibuka / cannot be opened");
        return NULL;
    }
    char *buf = lk_xmalloc(MAX_FLOW_FILE + 1);
    *size = fread(buf, 1, MAX_FLOW_FILE + 1, fp);
    fclose(fp);
    if (*size > MAX_FLOW_FILE) {
        free(buf);
        lk_error_set(err, "berkas terlalu besar (lebih dari 1 MB) / file too large");
        return NULL;
    }
    buf[*size] = '\0';
    return buf;
}

/* Splits "file:line: message" from the sandbox into a finding. */
static void add_lua_error(struct lk_diags *d, const char *file, const char *msg)
{
    size_t flen = strlen(file);
    int line = 0;
    if (strncmp(msg, file, flen) == 0 && msg[flen] == ':') {
        char *end;
        line = (int)strtol(msg + flen + 1, &end, 10);
        if (*end == ':')
            msg = end + 1 + (end[1] == ' ');
    }
    lk_diags_add(d, 1, file, line, "%s", msg);
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void load_file(struct reader *r, const char *path, uint64_t *hash)
{
    struct lk_error err;
    size_t size;
    char *src = read_file(path, &size, &err);
    if (!src) {
        lk_diags_add(r->diags, 1, path, 0, "%s", err.text);
        return;
    }
    *hash = fnv1a(fnv1a(*hash, path, strlen(path)), src, size);
    int rc = lk_sandbox_load(r->fs->sb, src, size, path, &err);
    free(src);
    if (rc != LK_OK) {
        add_lua_error(r->diags, path, err.text);
        return;
    }
    int top = lua_gettop(r->L);
    const char *kind = field_kind(r->L, top);
    if (kind && strcmp(kind, "flow") == 0)
        read_flow(r, top);
    else if (kind && strcmp(kind, "settings") == 0)
        lk_settings_read(&r->fs->settings, r->L, top, r->diags, path);
    else if (kind && strcmp(kind, "data") == 0)
        read_data(r, top);
    else
        lk_diags_add(r->diags, 1, path, 0,
                     "berkas harus diakhiri 'return flow { ... }', 'return settings { ... }' "
                     "atau 'return data { ... }' / the file must return flow{}, settings{} or "
                     "data{}");
    lua_settop(r->L, top - 1);
}

static int ends_with_lua(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".lua") == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of the dir's *.lua paths. */
static char **list_flow_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    char **paths = NULL;
    *n = 0;
    if (!d)
        return NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (!ends_with_lua(e->d_name))
            continue;
        paths = lk_xrealloc(paths, (*n + 1) * sizeof *paths);
        paths[(*n)++] = lk_sprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(paths, *n, sizeof *paths, cmp_names);
    return paths;
}

/* ---- lookup and resolution ---- */

struct lk_flow *lk_flowset_flow(struct lk_flowset *fs, const char *id)
{
    for (size_t i = 0; id && i < fs->n_flows; i++)
        if (strcmp(fs->flows[i].id, id) == 0)
            return &fs->flows[i];
    return NULL;
}

struct lk_node *lk_flow_node(struct lk_flow *f, const char *name)
{
    for (size_t i = 0; f && name && i < f->n_nodes; i++)
        if (strcmp(f->nodes[i].name, name) == 0)
            return &f->nodes[i];
    return NULL;
}

struct lk_node *lk_flowset_resolve(struct lk_flowset *fs, struct lk_flow *from,
                                   const char *target)
{
    if (!target)
        return NULL;
    const char *dot = strchr(target, '.');
    if (dot) {
        char *fid = lk_strndup(target, (size_t)(dot - target));
        struct lk_flow *f = lk_flowset_flow(fs, fid);
        free(fid);
        return lk_flow_node(f, dot + 1);
    }
    struct lk_node *n = lk_flow_node(from, target);
    if (n)
        return n;
    struct lk_flow *f = lk_flowset_flow(fs, target);
    return f ? f->start : NULL;
}

static struct lk_node *resolve_or_report(struct lk_flowset *fs, struct lk_flow *f,
                                         const char *target, int line, const char *what,
                                         struct lk_diags *d)
{
    struct lk_node *n = lk_flowset_resolve(fs, f, target);
    if (!n)
        lk_diags_add(d, 1, f->file, line,
                     "%s: tujuan '%s' tidak ada. Periksa ejaan nama node atau alur / unknown "
                     "target '%s'", what, target, target);
    return n;
}

static void resolve_flow(struct lk_flowset *fs, struct lk_flow *f, struct lk_diags *d)
{
    for (size_t i = 0; i < f->n_nodes; i++) {
        struct lk_node *n = &f->nodes[i];
        char what[160];
        snprintf(what, sizeof what, "node '%s'", n->name);
        if (n->go)
            n->next = resolve_or_report(fs, f, n->go, n->line, what, d);
        for (size_t k = 0; k < n->n_options; k++)
            if (n->options[k].go)
                n->options[k].target = resolve_or_report(fs, f, n->options[k].go, n->line,
                                                         what, d);
    }
    for (size_t k = 0; k < f->n_keywords; k++)
        f->keywords[k].target = f->keywords[k].go
            ? resolve_or_report(fs, f, f->keywords[k].go, f->line, "keywords", d)
            : f->start;
}

static void link_flows(struct lk_flowset *fs, struct lk_diags *d)
{
    for (size_t i = 0; i < fs->n_flows; i++) {
        struct lk_flow *f = &fs->flows[i];
        for (size_t k = 0; k < f->n_nodes; k++)
            f->nodes[k].flow = f;
        f->start = lk_flow_node(f, "start");
        if (!f->start && strcmp(f->id, "?") != 0)
            lk_diags_add(d, 1, f->file, f->line,
                         "alur '%s' tidak punya node 'start' / flow '%s' has no 'start' node",
                         f->id, f->id);
    }
    for (size_t i = 0; i < fs->n_flows; i++)
        resolve_flow(fs, &fs->flows[i], d);
}

/* Marks every node reachable from r (iterative over an explicit stack). */
static void mark_from(struct lk_node *r, char *seen, struct lk_node *base_of_all[],
                      size_t n_all)
{
    struct lk_node **stack = lk_xmalloc((n_all + 1) * sizeof *stack);
    size_t top = 0;
    if (r)
        stack[top++] = r;
    while (top) {
        struct lk_node *n = stack[--top];
        size_t ix = 0;
        while (ix < n_all && base_of_all[ix] != n)
            ix++;
        if (ix == n_all || seen[ix])
            continue;
        seen[ix] = 1;
        if (n->next)
            stack[top++] = n->next;
        for (size_t k = 0; k < n->n_options && top < n_all; k++)
            if (n->options[k].target)
                stack[top++] = n->options[k].target;
        for (size_t k = 0; k < n->n_run_targets && top < n_all; k++)
            stack[top++] = n->run_targets[k];
    }
    free(stack);
}

/* Warns about nodes nothing leads to (a run node's returned target cannot be seen). */
static void check_reachable(struct lk_flowset *fs, struct lk_diags *d)
{
    size_t n_all = 0;
    for (size_t i = 0; i < fs->n_flows; i++)
        n_all += fs->flows[i].n_nodes;
    struct lk_node **all = lk_xmalloc((n_all + 1) * sizeof *all);
    char *seen = lk_xcalloc(n_all + 1, 1);
    size_t k = 0;
    int has_run = 0;
    for (size_t i = 0; i < fs->n_flows; i++)
        for (size_t j = 0; j < fs->flows[i].n_nodes; j++) {
            all[k++] = &fs->flows[i].nodes[j];
            has_run |= fs->flows[i].nodes[j].kind == LK_NODE_RUN;
        }
    for (size_t i = 0; i < fs->n_flows; i++) {
        mark_from(fs->flows[i].start, seen, all, n_all);
        for (size_t j = 0; j < fs->flows[i].n_keywords; j++)
            mark_from(fs->flows[i].keywords[j].target, seen, all, n_all);
    }
    mark_from(fs->settings.human_node, seen, all, n_all);
    for (size_t i = 0; i < n_all; i++)
        if (!seen[i])
            lk_diags_add(d, 0, all[i]->flow->file, all[i]->line,
                         "node '%s' tidak pernah dicapai%s / node '%s' is unreachable%s",
                         all[i]->name, has_run ? " (kecuali lewat run)" : "", all[i]->name,
                         has_run ? " (unless a run node returns it)" : "");
    free(all);
    free(seen);
}

/* Adds the node a quoted word in a run function names, once. */
static void add_run_target(struct lk_flowset *fs, struct lk_node *n, const char *word)
{
    struct lk_node *t = lk_flowset_resolve(fs, n->flow, word);
    for (size_t i = 0; t && i < n->n_run_targets; i++)
        if (n->run_targets[i] == t)
            return;
    if (!t)
        return;
    n->run_targets = lk_xrealloc(n->run_targets, (n->n_run_targets + 1) * sizeof *t);
    n->run_targets[n->n_run_targets++] = t;
}

/* Scans lines first..last of src for quoted strings naming nodes. */
static void scan_run_source(struct lk_flowset *fs, struct lk_node *n, const char *src, int first,
                            int last)
{
    int line = 1;
    for (const char *p = src; *p && line <= last; p++) {
        if (*p == '\n') {
            line++;
            continue;
        }
        if (line < first || (*p != '"' && *p != '\''))
            continue;
        const char *end = strchr(p + 1, *p);
        const char *nl = strchr(p + 1, '\n');
        if (!end || (nl && nl < end) || end - p > 128) {
            continue;
        }
        char *word = lk_strndup(p + 1, (size_t)(end - p - 1));
        add_run_target(fs, n, word);
        free(word);
        p = end;
    }
}

/* Where each run node may go, read from the quoted names in its source lines: a run
 * node's returned target cannot be known before it runs, but its text says it. */
static void find_run_targets(struct lk_flowset *fs)
{
    lua_State *L = lk_sandbox_state(fs->sb);
    for (size_t i = 0; i < fs->n_flows; i++) {
        struct lk_flow *f = &fs->flows[i];
        char *src = NULL;
        for (size_t k = 0; k < f->n_nodes; k++) {
            struct lk_node *n = &f->nodes[k];
            if (n->kind != LK_NODE_RUN || n->fn_ref == LUA_NOREF)
                continue;
            struct lk_error err;
            size_t size;
            if (!src && !(src = read_file(f->file, &size, &err)))
                break;
            lua_Debug ar;
            lua_rawgeti(L, LUA_REGISTRYINDEX, n->fn_ref);      /* fn */
            if (lua_type(L, -1) == LUA_TFUNCTION && lua_getinfo(L, ">S", &ar))
                scan_run_source(fs, n, src, ar.linedefined, ar.lastlinedefined);
            else
                lua_pop(L, 1);
        }
        free(src);
    }
}

static void compile_words(struct lk_flowset *fs)
{
    for (size_t i = 0; i < fs->n_flows; i++)
        for (size_t k = 0; k < fs->flows[i].n_keywords; k++)
            fs->flows[i].keywords[k].words = lk_words_new(fs->flows[i].keywords[k].phrase);
    lk_settings_compile(&fs->settings);
}

static void finish(struct lk_flowset *fs, struct lk_diags *d, const char *dir)
{
    link_flows(fs, d);
    compile_words(fs);
    find_run_targets(fs);
    fs->main = lk_flowset_flow(fs, fs->settings.main_flow);
    if (!fs->main && fs->n_flows)
        lk_diags_add(d, 1, dir, 0,
                     "alur utama '%s' tidak ditemukan (flow { id = \"%s\", ... }) / main flow "
                     "'%s' not found", fs->settings.main_flow, fs->settings.main_flow,
                     fs->settings.main_flow);
    if (fs->settings.human) {
        fs->settings.human_node = lk_flowset_resolve(fs, fs->main, fs->settings.human);
        if (!fs->settings.human_node)
            lk_diags_add(d, 1, dir, 0, "settings: human = '%s' tidak ada / unknown target",
                         fs->settings.human);
    }
    check_reachable(fs, d);
}

/* The DSL first, then the caller's openers. */
static lk_sandbox_opener *all_openers(const struct lk_flow_options *opt)
{
    size_t n = 0;
    while (opt && opt->openers && opt->openers[n])
        n++;
    lk_sandbox_opener *all = lk_xcalloc(n + 2, sizeof *all);
    all[0] = lk_lapi_flow_open;
    for (size_t i = 0; i < n; i++)
        all[i + 1] = opt->openers[i];
    return all;
}

struct lk_flowset *lk_flowset_load(const char *dir, const struct lk_flow_options *opt,
                                   struct lk_diags *diags)
{
    struct lk_error err;
    size_t n_files;
    char **files = list_flow_files(dir, &n_files);
    if (!files) {
        lk_diags_add(diags, 1, dir, 0,
                     "tidak ada berkas alur *.lua di folder ini / no *.lua flow files here");
        return NULL;
    }
    struct lk_sandbox_limits sl = {opt ? opt->memory_bytes : 0, opt ? opt->instructions : 0, 0};
    lk_sandbox_opener *openers = all_openers(opt);
    struct lk_flowset *fs = lk_xcalloc(1, sizeof *fs);
    fs->sb = lk_sandbox_new(&sl, openers, opt ? opt->opener_ud : NULL, &err);
    free(openers);
    lk_settings_defaults(&fs->settings);
    if (!fs->sb) {
        lk_diags_add(diags, 1, dir, 0, "%s", err.text);
        goto fail;
    }
    struct reader r = {fs, diags, lk_sandbox_state(fs->sb), NULL};
    lua_newtable(r.L);
    fs->data_ref = luaL_ref(r.L, LUA_REGISTRYINDEX);
    uint64_t hash = 14695981039346656037ULL;
    size_t errors_before = diags->n_errors;
    for (size_t i = 0; i < n_files; i++) {
        r.file = files[i];
        load_file(&r, files[i], &hash);
    }
    fs->version = (int64_t)(hash >> 1);
    finish(fs, diags, dir);
    if (diags->n_errors > errors_before)
        goto fail;
    string_list_free(files, n_files);
    return fs;
fail:
    string_list_free(files, n_files);
    lk_flowset_free(fs);
    return NULL;
}

void lk_flowset_free(struct lk_flowset *fs)
{
    if (!fs)
        return;
    lua_State *L = fs->sb ? lk_sandbox_state(fs->sb) : NULL;
    for (size_t i = 0; i < fs->n_flows; i++)
        flow_free(L, &fs->flows[i]);
    free(fs->flows);
    lk_settings_free(&fs->settings);
    lk_sandbox_free(fs->sb);
    free(fs);
}
