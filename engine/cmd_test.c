/* loket test: runs the conversation tests kept beside the flows (DIR/tests/NAME.test) through
 * the real conversation path (lk_engine_new, lk_conv_feed, lk_store_wait) with a
 * throw-away database per test, reports every failure with file, line, expected and
 * actual text, lists the nodes no test reached, and ends with "N passed, N failed".
 *
 * The format, for staff (docs/panduan-alur.md explains it with examples):
 *   # comment                      ignored
 *   === name                       starts a test; each test is a new citizen
 *   > text                         what the citizen types
 *   < text                         the bot's reply to the last '>' contains text
 *                                  (upper/lower case ignored)
 *   <= text                        one message of that reply is exactly text
 *   < /pattern/                    the reply matches the pattern (POSIX extended regex,
 *                                  case ignored)
 *   <! text                        the reply does NOT contain text
 *   @waktu 2026-11-30 10:00        the clock for what follows (@time); default Monday
 *                                  2026-11-30 10:00, inside office hours
 *   @saluran whatsapp              the channel (@channel); default "test"
 *   @status data.csv               loads application statuses (path relative to the test
 *                                  file) into the test's database
 * Directives before the first '===' apply to every test of the file. */
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "flow.h"
#include "log.h"
#include "office_csv.h"
#include "runtime.h"

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIME "2026-11-30 10:00"

enum check_kind { CHECK_PART, CHECK_EXACT, CHECK_PATTERN, CHECK_NOT };

struct check {
    enum check_kind kind;
    int line;
    char *text;
};

struct step {
    int line;
    char *input;
    struct check *checks;
    size_t n_checks;
};

/* Settings that directives change: per file, copied into each test. */
struct context {
    int64_t now_ms;
    char *channel;
    char *status_csv;   /* resolved path, or NULL */
};

struct test {
    char *name;
    int line;
    struct context ctx;
    struct step *steps;
    size_t n_steps;
    char *error;        /* a line the parser could not read: the test fails with it */
};

struct suite {
    const char *flows_dir;
    int verbose;
    int passed, failed;
    char **reached;     /* "flow.node" entered by any test */
    size_t n_reached;
    char tmpdir[64];
    int db_seq;
};

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket test [DIR | FILE.test ...] [--flows DIR] [-v]\n\n"
          "Menjalankan tes percakapan DIR/tests/*.test (default DIR: flows) lewat jalur\n"
          "percakapan yang sebenarnya dengan basis data sementara. Setiap kegagalan disebut\n"
          "berkas, baris, yang diharapkan dan jawaban sebenarnya. Di akhir: node yang belum\n"
          "dicapai tes mana pun, lalu 'N passed, N failed'. Keluar 1 bila ada yang gagal.\n"
          "Runs the conversation tests DIR/tests/*.test (default DIR: flows) through the real\n"
          "conversation path with a throw-away database. Each failure names file, line,\n"
          "expected and actual text. Ends with the nodes no test reached and 'N passed,\n"
          "N failed'. Exits 1 on any failure.\n\n"
          "  --flows DIR   folder alur untuk berkas .test yang disebut / flows for named files\n"
          "  -v            tampilkan setiap tes / show every test\n\n"
          "Format berkas .test / file format:\n"
          "  # komentar               comment\n"
          "  === judul tes            starts a test (a new citizen) / mulai tes baru\n"
          "  > teks warga             what the citizen types / yang diketik warga\n"
          "  < sebagian jawaban       reply contains this (case ignored) / jawaban memuat ini\n"
          "  <= jawaban persis        one message is exactly this / satu pesan persis ini\n"
          "  < /pola/                 reply matches the regex / jawaban cocok dengan pola\n"
          "  <! teks                  reply does NOT contain this / jawaban TIDAK memuat ini\n"
          "  @waktu 2026-11-30 10:00  clock (default Monday 10:00) / jam (bawaan Senin 10.00)\n"
          "  @saluran whatsapp        channel / saluran (default test)\n"
          "  @status data.csv         load statuses / muat status permohonan\n", out);
}

/* ---- parsing ---- */

static char *skip_blanks(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static int64_t parse_time(const char *s)
{
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%d %H:%M", &tm);
    if (!end)
        end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
    if (!end)
        return -1;
    if (*end == ':')
        end = strptime(end + 1, "%S", &tm);
    if (!end || *skip_blanks((char *)end))
        return -1;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

/* The path of 'name' relative to the directory of 'file'. */
static char *beside(const char *file, const char *name)
{
    const char *slash = strrchr(file, '/');
    if (name[0] == '/' || !slash)
        return lk_strdup(name);
    return lk_sprintf("%.*s/%s", (int)(slash - file), file, name);
}

/* Applies a directive line ("@waktu ..."); NULL, or what is wrong with it. */
static const char *directive(struct context *ctx, const char *file, char *line)
{
    char *name = line + 1, *arg = name;
    while (*arg && *arg != ' ' && *arg != '\t')
        arg++;
    if (*arg)
        *arg++ = '\0';
    arg = skip_blanks(arg);
    if (!strcmp(name, "waktu") || !strcmp(name, "time")) {
        int64_t ms = parse_time(arg);
        if (ms < 0)
            return "waktu harus seperti 2026-11-30 10:00 / time must look like 2026-11-30 10:00";
        ctx->now_ms = ms;
    } else if (!strcmp(name, "saluran") || !strcmp(name, "channel")) {
        if (!*arg)
            return "saluran kosong / empty channel";
        free(ctx->channel);
        ctx->channel = lk_strdup(arg);
    } else if (!strcmp(name, "status")) {
        if (!*arg)
            return "@status perlu nama berkas CSV / @status needs a CSV file name";
        free(ctx->status_csv);
        ctx->status_csv = beside(file, arg);
    } else {
        return "perintah @ tidak dikenal (pakai @waktu, @saluran, @status) / unknown directive";
    }
    return NULL;
}

static void context_copy(struct context *dst, const struct context *src)
{
    dst->now_ms = src->now_ms;
    dst->channel = lk_strdup(src->channel);
    dst->status_csv = lk_strdup(src->status_csv);
}

static void context_free(struct context *c)
{
    free(c->channel);
    free(c->status_csv);
}

static void test_free(struct test *t)
{
    for (size_t i = 0; i < t->n_steps; i++) {
        for (size_t k = 0; k < t->steps[i].n_checks; k++)
            free(t->steps[i].checks[k].text);
        free(t->steps[i].checks);
        free(t->steps[i].input);
    }
    free(t->steps);
    free(t->name);
    free(t->error);
    context_free(&t->ctx);
}

static void add_check(struct test *t, enum check_kind kind, int line, const char *text)
{
    struct step *s = &t->steps[t->n_steps - 1];
    s->checks = lk_xrealloc(s->checks, (s->n_checks + 1) * sizeof *s->checks);
    s->checks[s->n_checks++] = (struct check){kind, line, lk_strdup(text)};
}

static void fail_parse(struct test *t, int line, const char *why)
{
    if (!t->error)
        t->error = lk_sprintf("baris %d: %s", line, why);
}

/* One line inside a test. */
static void test_line(struct test *t, const char *file, int line, char *s)
{
    const char *why;
    if (s[0] == '@') {
        if ((why = directive(&t->ctx, file, s)))
            fail_parse(t, line, why);
    } else if (s[0] == '>') {
        t->steps = lk_xrealloc(t->steps, (t->n_steps + 1) * sizeof *t->steps);
        t->steps[t->n_steps++] = (struct step){line, lk_strdup(s[1] == ' ' ? s + 2 : s + 1),
                                               NULL, 0};
    } else if (s[0] == '<' && t->n_steps == 0) {
        fail_parse(t, line, "'<' sebelum ada '>' / '<' before any '>'");
    } else if (s[0] == '<') {
        enum check_kind kind = s[1] == '=' ? CHECK_EXACT : s[1] == '!' ? CHECK_NOT : CHECK_PART;
        char *text = skip_blanks(s + 1 + (kind != CHECK_PART));
        size_t len = strlen(text);
        if (kind == CHECK_PART && len >= 2 && text[0] == '/' && text[len - 1] == '/') {
            text[len - 1] = '\0';
            text++;
            kind = CHECK_PATTERN;
        }
        if (!*text)
            fail_parse(t, line, "'<' tanpa teks / '<' without text");
        else
            add_check(t, kind, line, text);
    } else {
        fail_parse(t, line, "baris tidak dikenal: awali dengan >, <, @, # atau === / unknown "
                            "line: start it with >, <, @, # or ===");
    }
}

/* Reads a .test file into tests (appended). LK_ERR when it cannot be read. */
static int parse_file(const char *path, struct test **tests, size_t *n)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return LK_ERR;
    struct context file_ctx = {parse_time(DEFAULT_TIME), lk_strdup("test"), NULL};
    struct test *cur = NULL;
    char *buf = NULL;
    size_t cap = 0;
    int line = 0;
    while (getline(&buf, &cap, fp) >= 0) {
        line++;
        rtrim(buf);
        char *s = skip_blanks(buf);
        if (!*s || s[0] == '#')
            continue;
        if (strncmp(s, "===", 3) == 0) {
            *tests = lk_xrealloc(*tests, (*n + 1) * sizeof **tests);
            cur = &(*tests)[(*n)++];
            memset(cur, 0, sizeof *cur);
            cur->name = lk_strdup(skip_blanks(s + 3));
            cur->line = line;
            context_copy(&cur->ctx, &file_ctx);
        } else if (cur) {
            test_line(cur, path, line, s);
        } else if (s[0] == '@') {
            const char *why = directive(&file_ctx, path, s);
            if (why)
                fprintf(stderr, "%s:%d: %s\n", path, line, why);
        } else {
            fprintf(stderr, "%s:%d: baris di luar tes diabaikan (mulai tes dengan === judul) / "
                            "line outside a test ignored\n", path, line);
        }
    }
    free(buf);
    fclose(fp);
    context_free(&file_ctx);
    return LK_OK;
}

/* ---- running ---- */

static void trace_node(const char *flow, const char *node, void *ud)
{
    struct suite *s = ud;
    char *path = lk_sprintf("%s.%s", flow, node);
    for (size_t i = 0; i < s->n_reached; i++)
        if (strcmp(s->reached[i], path) == 0) {
            free(path);
            return;
        }
    s->reached = lk_xrealloc(s->reached, (s->n_reached + 1) * sizeof *s->reached);
    s->reached[s->n_reached++] = path;
}

/* The whole reply as the CLI shows it: one message a block, options numbered. */
static char *reply_text(const struct lk_reply *r)
{
    struct lk_buf b = {0};
    for (size_t i = 0; i < r->n_outs; i++) {
        char *s = lk_out_plain(&r->outs[i]);
        if (i)
            lk_buf_puts(&b, "\n");
        lk_buf_puts(&b, s);
        free(s);
    }
    lk_buf_puts(&b, "");
    return lk_buf_take(&b);
}

static int exact_message(const struct lk_reply *r, const char *want)
{
    int found = 0;
    for (size_t i = 0; i < r->n_outs && !found; i++) {
        char *s = lk_out_plain(&r->outs[i]);
        rtrim(s);
        found = strcmp(s, want) == 0;
        free(s);
    }
    return found;
}

/* NULL when the check holds, else what went wrong (allocated). */
static char *run_check(const struct check *c, const struct lk_reply *r, const char *all)
{
    regex_t re;
    int ok;
    switch (c->kind) {
    case CHECK_PART:
        return strcasestr(all, c->text) ? NULL : lk_sprintf("harus memuat / must contain");
    case CHECK_NOT:
        return strcasestr(all, c->text) ? lk_sprintf("tidak boleh memuat / must not contain")
                                        : NULL;
    case CHECK_EXACT:
        return exact_message(r, c->text) ? NULL
                                         : lk_sprintf("harus ada pesan persis / needs a message "
                                                      "exactly");
    case CHECK_PATTERN:
        if (regcomp(&re, c->text, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
            return lk_sprintf("pola tidak sah / invalid pattern");
        ok = regexec(&re, all, 0, NULL, 0) == 0;
        regfree(&re);
        return ok ? NULL : lk_sprintf("harus cocok dengan pola / must match the pattern");
    }
    return NULL;
}

static void append_indented(struct lk_buf *out, const char *text)
{
    const char *p = text;
    if (!*p)
        lk_buf_puts(out, "    | (tidak ada jawaban / no reply)\n");
    while (*p) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        lk_buf_printf(out, "    | %.*s\n", len, p);
        p += len + (nl != NULL);
    }
}

static int load_statuses(struct lk_engine *e, const char *csv, char **why)
{
    struct lk_office_status *rows;
    struct lk_diags bad = {0};
    struct lk_error err;
    size_t n;
    if (lk_office_csv_read(csv, &rows, &n, &bad, &err) != LK_OK) {
        *why = lk_strdup(err.text);
        lk_diags_free(&bad);
        return LK_ERR;
    }
    if (bad.n)
        *why = lk_sprintf("%s:%d: %s", bad.items[0].file, bad.items[0].line, bad.items[0].text);
    lk_diags_free(&bad);
    struct lk_batch *b = lk_batch_new();
    lk_office_batch_statuses(b, rows, n, 1, lk_now_ms());
    uint64_t ticket = lk_store_submit(lk_engine_store(e), b);
    lk_store_wait(lk_engine_store(e), ticket, 30000);
    return *why ? LK_ERR : LK_OK;
}

/* Runs the steps; returns 1 when every check held, else 0 with the details in out. */
static int run_steps(struct suite *s, struct test *t, struct lk_engine *e, struct lk_buf *out)
{
    char address[32];
    snprintf(address, sizeof address, "warga-%d", s->db_seq);
    for (size_t i = 0; i < t->n_steps; i++) {
        struct step *st = &t->steps[i];
        struct lk_event ev = {.channel = t->ctx.channel, .address = address, .text = st->input};
        struct lk_reply r;
        struct lk_error err;
        if (lk_conv_feed(e, &ev, NULL, NULL, &r, &err) != LK_OK) {
            lk_buf_printf(out, "  baris/line %d: %s\n", st->line, err.text);
            return 0;
        }
        lk_store_wait(lk_engine_store(e), r.ticket, 30000);
        char *all = reply_text(&r), *why = NULL;
        size_t k = 0;
        while (k < st->n_checks && !(why = run_check(&st->checks[k], &r, all)))
            k++;
        if (why) {
            lk_buf_printf(out, "  baris/line %d: > %s\n  baris/line %d: %s:\n    %s\n"
                               "  jawaban bot / actual reply:\n", st->line, st->input,
                          st->checks[k].line, why, st->checks[k].text);
            append_indented(out, all);
        }
        free(all);
        free(why);
        lk_reply_clear(&r);
        if (k < st->n_checks)
            return 0;
    }
    return 1;
}

static void remove_db(const char *path)
{
    char *wal = lk_sprintf("%s-wal", path), *shm = lk_sprintf("%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
}

/* Builds the test's engine and runs it; 1 when it passed. Failures go to out. */
static int run_in_engine(struct suite *s, struct test *t, const char *db, struct lk_buf *out)
{
    struct lk_engine_options opt = {.flows_dir = s->flows_dir, .db_path = db, .sync_full = 0,
                                     .group_delay_us = -1, .trace = trace_node, .trace_ud = s};
    struct lk_error err;
    char *why = NULL;
    int ok = 0;
    if (t->error) {
        lk_buf_printf(out, "  %s\n", t->error);
        return 0;
    }
    if (t->n_steps == 0) {
        lk_buf_puts(out, "  tes tanpa baris '>' / a test without '>' lines\n");
        return 0;
    }
    lk_clock_set(t->ctx.now_ms);
    struct lk_engine *e = lk_engine_new(&opt, &err);
    if (!e) {
        lk_buf_printf(out, "  alur tidak bisa dimuat / flows do not load: %s\n", err.text);
        return 0;
    }
    if (t->ctx.status_csv && load_statuses(e, t->ctx.status_csv, &why) != LK_OK)
        lk_buf_printf(out, "  @status: %s\n", why);
    else
        ok = run_steps(s, t, e, out);
    lk_engine_free(e);
    free(why);
    return ok;
}

static int run_test(struct suite *s, const char *file, struct test *t)
{
    char *db = lk_sprintf("%s/t%d.db", s->tmpdir, ++s->db_seq);
    struct lk_buf out = {0};
    int ok = run_in_engine(s, t, db, &out);
    char *details = lk_buf_take(&out);
    if (!ok)
        printf("GAGAL / FAIL %s:%d: %s\n%s\n", file, t->line, t->name, details);
    else if (s->verbose)
        printf("ok   %s:%d: %s\n", file, t->line, t->name);
    free(details);
    remove_db(db);
    free(db);
    return ok;
}

static int run_file(struct suite *s, const char *path)
{
    struct test *tests = NULL;
    size_t n = 0;
    if (parse_file(path, &tests, &n) != LK_OK) {
        printf("GAGAL / FAIL %s: tidak bisa dibaca / cannot be read\n", path);
        s->failed++;
        return LK_ERR;
    }
    for (size_t i = 0; i < n; i++) {
        if (run_test(s, path, &tests[i]))
            s->passed++;
        else
            s->failed++;
        test_free(&tests[i]);
    }
    free(tests);
    lk_clock_set(0);
    return LK_OK;
}

/* ---- coverage ---- */

static int was_reached(const struct suite *s, const char *path)
{
    for (size_t i = 0; i < s->n_reached; i++)
        if (strcmp(s->reached[i], path) == 0)
            return 1;
    return 0;
}

static void report_coverage(struct suite *s)
{
    struct lk_diags d = {0};
    struct lk_flow_options fo = {.openers = lk_engine_openers()};
    struct lk_flowset *fs = lk_flowset_load(s->flows_dir, &fo, &d);
    lk_diags_free(&d);
    if (!fs)
        return;
    size_t total = 0, missed = 0;
    for (size_t i = 0; i < fs->n_flows; i++)
        for (size_t k = 0; k < fs->flows[i].n_nodes; k++) {
            struct lk_node *n = &fs->flows[i].nodes[k];
            char *path = lk_node_path(n);
            total++;
            if (!was_reached(s, path)) {
                if (!missed++)
                    printf("\nNode yang belum dicapai tes mana pun / nodes no test reached:\n");
                printf("  %s:%d: %s\n", n->flow->file, n->line, path);
            }
            free(path);
        }
    printf("\nCakupan node / node coverage: %zu dari/of %zu node (%zu%%)\n", total - missed,
           total, total ? (total - missed) * 100 / total : 0);
    lk_flowset_free(fs);
}

/* ---- files ---- */

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.test paths of dir/tests. */
static char **test_files(const char *dir, size_t *n)
{
    char *tdir = lk_sprintf("%s/tests", dir);
    DIR *d = opendir(tdir);
    char **paths = NULL;
    *n = 0;
    for (struct dirent *ent; d && (ent = readdir(d));) {
        if (ent->d_name[0] == '.' || !ends_with(ent->d_name, ".test"))
            continue;
        paths = lk_xrealloc(paths, (*n + 1) * sizeof *paths);
        paths[(*n)++] = lk_sprintf("%s/%s", tdir, ent->d_name);
    }
    if (d)
        closedir(d);
    free(tdir);
    if (*n)
        qsort(paths, *n, sizeof *paths, cmp_str);
    return paths;
}

/* flows dir of a named test file: the parent of its folder ("flows/tests/x.test"). */
static char *flows_of(const char *file)
{
    char *dir = lk_strdup(file);
    char *slash = strrchr(dir, '/');
    if (!slash) {
        free(dir);
        return lk_strdup("..");
    }
    *slash = '\0';
    slash = strrchr(dir, '/');
    if (!slash) {
        free(dir);
        return lk_strdup(".");
    }
    *slash = '\0';
    return dir;
}

int lk_cmd_test(int argc, char **argv)
{
    struct suite s = {.flows_dir = NULL};
    const char *flows_opt = NULL, *dir = "flows";
    char **files = NULL;
    size_t n_files = 0;
    int named = 0;
    for (int i = 1; i < argc; i++) {
        if (lk_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        if (lk_opt(argc, argv, &i, "--flows", &flows_opt))
            continue;
        if (strcmp(argv[i], "-v") == 0) {
            s.verbose = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "loket test: opsi tidak dikenal / unknown option '%s'\n\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (ends_with(argv[i], ".test")) {
            files = lk_xrealloc(files, (n_files + 1) * sizeof *files);
            files[n_files++] = lk_strdup(argv[i]);
            named = 1;
        } else {
            dir = argv[i];
        }
    }
    char *flows = lk_strdup(flows_opt ? flows_opt : named ? NULL : dir);
    if (!flows)
        flows = flows_of(files[0]);
    s.flows_dir = flows;
    if (!named)
        files = test_files(flows, &n_files);
    lk_log_set_level(LK_LOG_ERROR);
    lk_engine_use_timezone(flows);   /* @waktu is read in the office's timezone */
    /* throw-away databases in memory-backed /dev/shm when there is one: no disk syncs */
    snprintf(s.tmpdir, sizeof s.tmpdir, "/dev/shm/loket-test-XXXXXX");
    if (!mkdtemp(s.tmpdir))
        snprintf(s.tmpdir, sizeof s.tmpdir, "/tmp/loket-test-XXXXXX");
    if (access(s.tmpdir, F_OK) != 0 && !mkdtemp(s.tmpdir)) {
        fprintf(stderr, "loket test: tidak bisa membuat folder sementara / cannot create a "
                        "temporary folder\n");
        return 1;
    }
    if (!n_files)
        printf("Tidak ada berkas tes di %s/tests / no test files in %s/tests\n", flows, flows);
    for (size_t i = 0; i < n_files; i++) {
        run_file(&s, files[i]);
        free(files[i]);
    }
    free(files);
    rmdir(s.tmpdir);
    if (s.passed + s.failed)
        report_coverage(&s);
    for (size_t i = 0; i < s.n_reached; i++)
        free(s.reached[i]);
    free(s.reached);
    free(flows);
    printf("%d passed, %d failed\n", s.passed, s.failed);
    return s.failed || !(s.passed + s.failed) ? 1 : 0;
}
