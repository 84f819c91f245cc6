/* Loading and checking a flow set: compiles every flow file (flows/NAME.lua) in one
 * sandbox, resolves targets, checks reachability and reports findings with file and line,
 * in Bahasa Indonesia first and English second. Reading a file's tables into C structures
 * is flow_read.c's; stepping through a flow is runtime.c's; the standard texts and
 * commands live in settings.c. */
#include "flow_read.h"
#include "lapi_flow.h"
#include "match.h"
#include "settings.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FLOW_FILE (1024 * 1024)

const char *lk_text_get(const struct lk_text *t, const char *lang)
{
    if (lang && strcmp(lang, "en") == 0 && t->en)
        return t->en;
    return t->id ? t->id : "";
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

static void load_file(struct flow_reader *r, const char *path, uint64_t *hash)
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
    flow_read_file(r, top);
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
        if (n->other)
            n->other_next = resolve_or_report(fs, f, n->other, n->line, what, d);
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

static void check_duplicate_ids(struct lk_flowset *fs, struct lk_diags *d)
{
    for (size_t i = 1; i < fs->n_flows; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(fs->flows[i].id, fs->flows[k].id) == 0 && strcmp(fs->flows[i].id, "?")) {
                lk_diags_add(d, 1, fs->flows[i].file, fs->flows[i].line,
                             "id alur '%s' dipakai dua kali (juga di %s) / duplicate flow id "
                             "'%s' (also in %s)", fs->flows[i].id, fs->flows[k].file,
                             fs->flows[i].id, fs->flows[k].file);
                break;
            }
}

static void link_flows(struct lk_flowset *fs, struct lk_diags *d)
{
    check_duplicate_ids(fs, d);
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
        if (n->other_next && top < n_all)
            stack[top++] = n->other_next;
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
    struct flow_reader r = {fs, diags, lk_sandbox_state(fs->sb), NULL};
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
