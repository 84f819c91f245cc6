/* Hot reload through the engine's own watcher: a changed flow file is picked up by
 * lk_engine_tick (inotify) and the new text appears; a broken file is refused with
 * file:line in the log while the old set stays live; a conversation in progress goes on;
 * every message row records the flow version it ran on. Also the office methods (status,
 * ticket) committing with the turn. */
#include "engine.h"
#include "harness.h"
#include "log.h"
#include "store.h"
#include "store_office.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], flows[300], db[300], logpath[300];

static void write_file(const char *name, const char *text)
{
    char path[512], tmp[520];
    snprintf(path, sizeof path, "%s/%s", flows, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", flows, name);
    FILE *f = fopen(tmp, "w");
    fputs(text, f);
    fclose(f);
    rename(tmp, path);  /* as editors save: the watcher sees IN_MOVED_TO */
}

static const char *flow_v1 =
    "return flow {\n"
    "  id = 'main',\n"
    "  start = menu { 'Pilih:', { 'Info', go = 'info' }, { 'Tanya', go = 'tanya' } },\n"
    "  info = say { 'Teks lama.', go = 'start' },\n"
    "  tanya = ask { 'Nama?', save = 'nama', go = 'halo' },\n"
    "  halo = say { 'Halo {nama}.', go = 'start' },\n"
    "}\n";

static const char *flow_v2 =
    "return flow {\n"
    "  id = 'main',\n"
    "  start = menu { 'Pilih:', { 'Info', go = 'info' }, { 'Tanya', go = 'tanya' } },\n"
    "  info = say { 'Teks baru.', go = 'start' },\n"
    "  tanya = ask { 'Nama?', save = 'nama', go = 'halo' },\n"
    "  halo = say { 'Halo {nama}, versi baru.', go = 'start' },\n"
    "}\n";

static const char *flow_broken =
    "return flow {\n"
    "  id = 'main',\n"
    "  start = menu { 'Pilih:', { 'Info', go = 'info' } }\n"
    "  info = say { 'Rusak.' },\n"
    "}\n";

/* One citizen turn; returns the reply as plain text (static buffer). */
static const char *turn(struct lk_engine *e, const char *who, const char *text)
{
    static char out[4096];
    struct lk_event ev = {.channel = "test", .address = who, .text = text};
    struct lk_reply r;
    struct lk_error err;
    out[0] = '\0';
    if (lk_conv_feed(e, &ev, NULL, NULL, &r, &err) != LK_OK)
        return out;
    lk_store_wait(lk_engine_store(e), r.ticket, 10000);
    for (size_t i = 0; i < r.n_outs; i++) {
        char *s = lk_out_plain(&r.outs[i]);
        strncat(out, s, sizeof out - strlen(out) - 2);
        strcat(out, "\n");
        free(s);
    }
    lk_reply_clear(&r);
    return out;
}

/* Lets the watcher see the change: ticks past the settle delay on a moved clock. */
static void settle(struct lk_engine *e, int64_t *clock)
{
    lk_engine_tick(e);            /* reads the inotify events */
    *clock += 1000;
    lk_clock_set(*clock);
    lk_engine_tick(e);            /* reloads */
}

struct versions {
    int64_t seen[8];
    size_t n;
};

static int collect_version(const struct lk_message_row *m, void *ud)
{
    struct versions *v = ud;
    for (size_t i = 0; i < v->n; i++)
        if (v->seen[i] == m->flow_version)
            return 0;
    if (v->n < 8)
        v->seen[v->n++] = m->flow_version;
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[65536];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

/* The engine on the test's flow folder and database. */
static struct lk_engine *open_engine(void)
{
    struct lk_engine_options opt = {.flows_dir = flows, .db_path = db, .sync_full = 0};
    struct lk_error err;
    struct lk_engine *e = lk_engine_new(&opt, &err);
    ok(e != NULL, "engine: %s", e ? "" : err.text);
    return e;
}

static void test_reload(void)
{
    subtest("hot reload");
    int64_t clock = 1796000000000;  /* fixed, moved by hand */
    lk_clock_set(clock);
    write_file("main.lua", flow_v1);
    struct lk_engine *e = open_engine();
    if (!e)
        return;
    int64_t v1 = lk_engine_flow_version(e);
    turn(e, "a", "halo");
    turn(e, "b", "halo");
    ok(strstr(turn(e, "a", "1"), "Teks lama."), "old text before the change");
    ok(strstr(turn(e, "b", "2"), "Nama?"), "a second citizen waits at a question");

    write_file("main.lua", flow_v2);
    settle(e, &clock);
    int64_t v2 = lk_engine_flow_version(e);
    ok(v2 != v1, "the version changed after the edit");
    ok(strstr(turn(e, "a", "1"), "Teks baru."), "the new text appears without a restart");
    ok(strstr(turn(e, "b", "Sari"), "Halo Sari, versi baru."),
       "the conversation in progress continues on the new set");

    /* a broken edit: refused, logged with file:line, the live set stays */
    int saved = dup(STDERR_FILENO);
    int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    close(fd);
    lk_log_set_level(LK_LOG_INFO);
    write_file("main.lua", flow_broken);
    settle(e, &clock);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    lk_log_set_level(LK_LOG_QUIET);
    ok(lk_engine_flow_version(e) == v2, "a broken set is refused; the live version stays");
    ok(strstr(turn(e, "a", "1"), "Teks baru."), "citizens still get the live set");
    const char *log = slurp(logpath);
    ok(strstr(log, "main.lua:4:") != NULL, "the refusal is logged with file:line: %s", log);
    ok(strstr(log, "alur lama tetap dipakai") != NULL, "the log says the old set stays");

    /* fixed again: picked up */
    write_file("main.lua", flow_v1);
    settle(e, &clock);
    ok(strstr(turn(e, "a", "1"), "Teks lama."), "a fixed file is picked up again");

    /* every message row carries the version it ran on */
    struct versions vs = {{0}, 0};
    struct lk_message_filter f = {0, 0, 0};
    lk_store_each_message(lk_engine_store(e), &f, collect_version, &vs);
    int has_v1 = 0, has_v2 = 0;
    for (size_t i = 0; i < vs.n; i++) {
        has_v1 |= vs.seen[i] == v1;
        has_v2 |= vs.seen[i] == v2;
    }
    ok(has_v1 && has_v2 && vs.n == 2, "messages record versions v1 and v2 (%zu versions)", vs.n);
    lk_engine_free(e);
    lk_clock_set(0);
}

static const char *office_flow =
    "return flow {\n"
    "  id = 'main',\n"
    "  start = run(function(c)\n"
    "    local s = c:status(c.text)\n"
    "    if s then c:say('Tahap: ' .. s.stage) return nil end\n"
    "    c.vars.no = c:ticket { category = 'Lainnya', description = 'NIK 3374101205900001 "
    "salah', contact = '0812' }\n"
    "    return 'tiket'\n"
    "  end),\n"
    "  tiket = say { 'Tiket {no}.' },\n"
    "}\n";

static int count_ticket(const struct lk_office_ticket *t, void *ud)
{
    int *n = ud;
    (*n)++;
    ok(strstr(t->description, "3374101205900001") == NULL, "the ticket text has the NIK masked");
    return 0;
}

static void test_office(void)
{
    subtest("office methods");
    write_file("main.lua", office_flow);
    struct lk_error err;
    struct lk_engine *e = open_engine();
    if (!e)
        return;
    struct lk_office_status *rows = lk_xcalloc(1, sizeof *rows);
    rows[0] = (struct lk_office_status){lk_strdup("KTP-1-2"), NULL, NULL, NULL,
                                        lk_strdup("Dicetak"), NULL, NULL};
    struct lk_batch *b = lk_batch_new();
    lk_office_batch_statuses(b, rows, 1, 0, 1);
    lk_store_wait(lk_engine_store(e), lk_store_submit(lk_engine_store(e), b), 10000);
    ok(strstr(turn(e, "s", "ktp 1 2"), "Tahap: Dicetak"), "status found by its number");
    const char *t1 = turn(e, "t", "tidak ada");
    ok(strstr(t1, "Tiket ADU-") != NULL, "a ticket number is shown: %s", t1);
    const char *t2 = turn(e, "u", "tidak ada");
    ok(strstr(t2, "-0002.") != NULL, "the next ticket gets the next number: %s", t2);
    int n = 0;
    lk_office_each_ticket(lk_engine_store(e), "open", count_ticket, &n, &err);
    ok(n == 2, "both tickets committed with their turns (%d)", n);
    lk_engine_free(e);
}

int main(void)
{
    lk_log_set_level(LK_LOG_QUIET);
    snprintf(dir, sizeof dir, "/tmp/loket-reload-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    snprintf(flows, sizeof flows, "%s/flows", dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(logpath, sizeof logpath, "%s/log.txt", dir);
    mkdir(flows, 0700);
    test_reload();
    snprintf(db, sizeof db, "%s/o.db", dir);
    test_office();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return th_report();
}
