/* Unit tests for the store: real SQLite files in a temporary directory. Migrations,
 * group commit, durability across reopen, duplicate and failing batches, busy and full
 * retries, refusal of corrupt, truncated and unwritable files, reads, read-only mode, the
 * writer's gathered WAL writes. */
#include "harness.h"
#include "log.h"
#include "loket.h"
#include "store.h"
#include "store_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/loket-store-XXXXXX";

static char *tpath(const char *name)
{
    return lk_sprintf("%s/%s", tmpdir, name);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct lk_store *open_path(const char *path, int sync_full, struct lk_error *err)
{
    struct lk_store_options opt = {.path = path, .sync_full = sync_full};
    return lk_store_open(&opt, err);
}

static int64_t count(struct lk_store *st, const char *zSql)
{
    sqlite3_stmt *pStmt;
    int64_t n = -1;
    if (sqlite3_prepare_v2(lk_store_reader(st), zSql, -1, &pStmt, NULL) != SQLITE_OK)
        return -2;
    if (sqlite3_step(pStmt) == SQLITE_ROW)
        n = sqlite3_column_int64(pStmt, 0);
    sqlite3_finalize(pStmt);
    return n;
}

static void put_linked(struct lk_batch *b, int64_t id, const char *address, int64_t at,
                       int64_t last_message_id)
{
    char vars[64], channel[] = "test", flow[] = "ktp", node[] = "start", lang[] = "id",
         history[] = "[]", status[] = "active";
    snprintf(vars, sizeof vars, "{\"n\":%lld}", (long long)at);
    struct lk_conversation_row c = {
        .id = id, .channel = channel, .address = (char *)address, .flow = flow, .node = node,
        .vars = vars, .lang = lang, .history = history, .status = status, .flow_version = 3,
        .created_ms = 1000, .updated_ms = at, .misunderstood = 1,
        .last_message_id = last_message_id,
    };
    lk_batch_put_conversation(b, &c);
}

static void put_conversation(struct lk_batch *b, int64_t id, const char *address, int64_t at)
{
    put_linked(b, id, address, at, 0);
}

/* Adds a message after 'prev' in its conversation and returns its id. */
static int64_t add_linked(struct lk_store *st, struct lk_batch *b, int64_t conv, int64_t prev,
                          enum lk_direction dir, const char *text, int64_t at, const char *ext)
{
    struct lk_message m = {
        .id = lk_store_next_message_id(st), .conversation_id = conv, .channel = "test",
        .direction = dir, .text = text, .flow = "ktp", .node = "start", .flow_version = 3,
        .at_ms = at, .external_id = ext, .prev_id = prev,
    };
    lk_batch_add_message(b, &m);
    return m.id;
}

static void add_message(struct lk_store *st, struct lk_batch *b, int64_t conv,
                        enum lk_direction dir, const char *text, int64_t at, const char *ext)
{
    add_linked(st, b, conv, 0, dir, text, at, ext);
}

/* One turn: what the citizen typed, what the bot said, where the conversation stands. */
static struct lk_batch *turn(struct lk_store *st, int64_t conv, int64_t at)
{
    char address[32];
    snprintf(address, sizeof address, "62812%06lld", (long long)conv);
    struct lk_batch *b = lk_batch_new();
    add_message(st, b, conv, LK_IN, "min mau bikin ktp gmn", at, NULL);
    add_message(st, b, conv, LK_OUT, "Layanan KTP-el. Silakan pilih:", at, NULL);
    put_conversation(b, conv, address, at);
    return b;
}

static int64_t user_version(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *pStmt;
    int64_t v = -1;
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &pStmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(pStmt) == SQLITE_ROW)
            v = sqlite3_column_int64(pStmt, 0);
        sqlite3_finalize(pStmt);
    }
    sqlite3_close(db);
    return v;
}

static void test_migrations(void)
{
    subtest("migrations from an empty file, reopen keeps the schema");
    struct lk_error err;
    char *path = tpath("new/sub/loket.db");
    struct lk_store *st = open_path(path, 1, &err);
    ok(st != NULL, "open with missing parent directories: %s", err.text);
    if (!st)
        goto done;
    int version = lk_store_schema_version(st);
    ok(version >= 1, "schema version %d", version);
    ok(count(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                 "('conversations', 'messages', 'handoffs')") == 3, "core tables exist");
    int64_t cookie = count(st, "PRAGMA schema_version");
    lk_store_close(st);
    ok(user_version(path) == version, "user_version is %d", version);

    st = open_path(path, 1, &err);
    ok(st != NULL, "reopen: %s", err.text);
    if (!st)
        goto done;
    ok(lk_store_schema_version(st) == version, "same version after reopen");
    ok(count(st, "PRAGMA schema_version") == cookie, "no schema change on reopen");
    lk_store_close(st);
done:
    free(path);
}

static void test_empty_file(void)
{
    subtest("an existing empty file is migrated");
    struct lk_error err;
    char *path = tpath("empty.db");
    close(open(path, O_CREAT | O_WRONLY, 0644));
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open empty file: %s", err.text);
    if (st)
        ok(lk_store_schema_version(st) == user_version(path), "version matches");
    lk_store_close(st);
    free(path);
}

static atomic_int commits_seen;

static void on_commit(void *ud)
{
    atomic_fetch_add(&commits_seen, 1);
    *(int *)ud = 1;
}

static void test_group_commit(void)
{
    subtest("group commit, reopen keeps every committed turn, on_commit");
    struct lk_error err;
    char *path = tpath("group.db");
    struct lk_store *st = open_path(path, 1, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int hook = 0;
    lk_store_on_commit(st, on_commit, &hook);
    int64_t conv[100];
    for (int i = 0; i < 100; i++)
        conv[i] = lk_store_next_conversation_id(st);
    uint64_t t = 0;
    for (int i = 0; i < 10000; i++)
        t = lk_store_submit(st, turn(st, conv[i % 100], 2000 + i));
    ok(t == 10000, "tickets count batches: %llu", (unsigned long long)t);
    ok(lk_store_wait(st, t, 30000) == LK_OK, "last ticket committed");
    ok(lk_store_committed(st) == t, "committed is the last ticket");
    struct lk_store_stats s;
    lk_store_stats(st, &s);
    ok(s.batches == 10000 && s.dropped == 0, "batches %llu dropped %llu",
       (unsigned long long)s.batches, (unsigned long long)s.dropped);
    ok(s.commits > 0 && s.commits <= 500, "10000 batches in %llu transactions",
       (unsigned long long)s.commits);
    ok(count(st, "SELECT count(*) FROM messages") == 20000, "20000 messages");
    ok(count(st, "SELECT count(*) FROM conversations") == 100, "100 conversations");
    lk_store_close(st);
    /* Once a durable step: the syncer's one sync may cover several transactions. */
    ok(hook == 1 && atomic_load(&commits_seen) >= 1 &&
           atomic_load(&commits_seen) <= (int)s.commits,
       "on_commit called %d times for %llu transactions", atomic_load(&commits_seen),
       (unsigned long long)s.commits);

    st = open_path(path, 1, &err);
    ok(st != NULL, "reopen: %s", err.text);
    if (!st)
        goto done;
    ok(count(st, "SELECT count(*) FROM messages") == 20000, "20000 messages after reopen");
    struct lk_conversation_row row = {0};
    ok(lk_store_get_conversation(st, conv[7], &row) == LK_OK, "get conversation");
    ok(row.updated_ms == 2000 + 9907 && strcmp(row.vars, "{\"n\":11907}") == 0 &&
           strcmp(row.address, "62812000008") == 0 && row.created_ms == 1000 &&
           row.flow_version == 3 && row.misunderstood == 1 && strcmp(row.node, "start") == 0,
       "last upsert wins: %lld %s %s", (long long)row.updated_ms, row.vars, row.address);
    lk_conversation_row_clear(&row);
    ok(lk_store_find_conversation(st, "test", "62812000008", &row) == LK_OK &&
           row.id == conv[7], "find by channel and address");
    lk_conversation_row_clear(&row);
    ok(lk_store_find_conversation(st, "web", "62812000008", &row) == LK_ENOTFOUND,
       "other channel not found");
    ok(lk_store_next_message_id(st) == 20001, "message ids continue after MAX(id)");
    ok(lk_store_next_conversation_id(st) == 101, "conversation ids continue after MAX(id)");
    lk_store_close(st);
done:
    free(path);
}

static void test_wait_timeout(void)
{
    subtest("lk_store_wait times out");
    struct lk_error err;
    char *path = tpath("wait.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    double t0 = now_s();
    ok(lk_store_wait(st, lk_store_committed(st) + 1, 50) == LK_EBUSY, "never-submitted ticket");
    double dt = now_s() - t0;
    ok(dt >= 0.045 && dt < 2.0, "waited %.3f s", dt);
    ok(lk_store_wait(st, 0, 0) == LK_OK, "ticket 0 is committed");
    lk_store_close(st);
done:
    free(path);
}

static int fail_fn(void *db, void *arg)
{
    return SQLITE_CONSTRAINT;
}

static int freed_args;

static void free_arg(void *arg)
{
    freed_args++;
    free(arg);
}

static void test_duplicates_and_failures(void)
{
    subtest("duplicate external id ignored; a failing batch is dropped alone");
    struct lk_error err;
    char *path = tpath("dup.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t c = lk_store_next_conversation_id(st);
    struct lk_batch *b = turn(st, c, 10);
    add_message(st, b, c, LK_IN, "1", 11, "wamid.A");
    lk_store_submit(st, b);
    b = lk_batch_new();
    add_message(st, b, c, LK_IN, "1 again", 12, "wamid.A");
    add_message(st, b, c, LK_IN, "other channel", 12, NULL);
    lk_store_submit(st, b);
    /* the middle batch of three fails in its fn; a fourth breaks a foreign key */
    uint64_t t1 = lk_store_submit(st, turn(st, c, 20));
    b = turn(st, c, 30);
    lk_batch_add_handoff(b, c, "operator", "asked for a human", 30);
    lk_batch_add_fn(b, fail_fn, lk_strdup("arg"), free_arg);
    lk_store_submit(st, b);
    b = lk_batch_new();
    add_message(st, b, 999999, LK_IN, "no such conversation", 35, NULL);
    lk_store_submit(st, b);
    uint64_t t3 = lk_store_submit(st, turn(st, c, 40));
    ok(lk_store_wait(st, t3, 10000) == LK_OK, "all tickets advance");
    ok(t3 == t1 + 3, "tickets in order");
    struct lk_store_stats s;
    lk_store_stats(st, &s);
    ok(s.dropped == 2, "two batches dropped: %llu", (unsigned long long)s.dropped);
    ok(count(st, "SELECT count(*) FROM messages WHERE external_id = 'wamid.A'") == 1,
       "duplicate delivery stored once");
    ok(count(st, "SELECT count(*) FROM messages WHERE text = 'other channel'") == 1,
       "rest of the duplicate's batch kept");
    ok(lk_store_has_external_id(st, "test", "wamid.A") == 1, "has_external_id");
    ok(lk_store_has_external_id(st, "whatsapp", "wamid.A") == 0, "per channel");
    ok(count(st, "SELECT count(*) FROM messages WHERE created_at IN (20, 40)") == 4,
       "neighbours committed");
    ok(count(st, "SELECT count(*) FROM messages WHERE created_at IN (30, 35)") == 0,
       "failed batches left nothing");
    ok(count(st, "SELECT count(*) FROM handoffs") == 0, "no handoff from the failed batch");
    ok(count(st, "SELECT updated_at FROM conversations") == 40, "conversation at last turn");
    lk_store_close(st);
    ok(freed_args == 1, "fn arg freed once");
done:
    free(path);
}

static void test_batch_arena(void)
{
    subtest("batches: many ops, long strings, handoffs, freeing unsubmitted");
    struct lk_error err;
    char *path = tpath("arena.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t c = lk_store_next_conversation_id(st);
    char *big = lk_xmalloc(20000);
    memset(big, 'x', 19999);
    big[19999] = '\0';
    struct lk_batch *b = lk_batch_new();
    for (int i = 0; i < 40; i++)
        add_message(st, b, c, LK_OUT, i % 10 == 3 ? big : "pesan yang agak panjang ....", i,
                    NULL);
    put_conversation(b, c, "addr", 50);
    lk_batch_add_handoff(b, c, "operator", big, 50);
    uint64_t t = lk_store_submit(st, b);
    ok(lk_store_wait(st, t, 10000) == LK_OK, "committed");
    ok(count(st, "SELECT count(*) FROM messages") == 40, "40 messages");
    ok(count(st, "SELECT sum(length(text)) FROM messages") == 4 * 19999 + 36 * 28,
       "texts intact");
    ok(count(st, "SELECT length(summary) FROM handoffs WHERE status = 'waiting'") == 19999,
       "handoff intact, waiting");
    b = lk_batch_new();
    add_message(st, b, c, LK_OUT, big, 1, NULL);
    lk_batch_add_fn(b, fail_fn, lk_strdup("arg"), free_arg);
    freed_args = 0;
    lk_batch_free(b);
    ok(freed_args == 1, "lk_batch_free releases fn args");
    lk_batch_free(NULL);
    free(big);
    lk_store_close(st);
done:
    free(path);
}

struct collect {
    int n;
    int64_t at[64];
    char text[64][32];
    int stop_after;
};

static int collect_cb(const struct lk_message_row *m, void *ud)
{
    struct collect *c = ud;
    c->at[c->n] = m->at_ms;
    snprintf(c->text[c->n], sizeof c->text[0], "%s|%s|%s", m->text ? m->text : "",
             m->direction == LK_OUT ? "out" : "in", m->address ? m->address : "");
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static void test_each_message(void)
{
    subtest("each_message: time order, conversation, since, limit");
    struct lk_error err;
    char *path = tpath("read.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t a = lk_store_next_conversation_id(st), b2 = lk_store_next_conversation_id(st);
    struct lk_batch *b = lk_batch_new();
    /* ids out of time order on purpose: the order is created_at, then id */
    static const int64_t at[] = {500, 100, 300, 200, 400, 300};
    int64_t last[2] = {0, 0};
    for (int i = 0; i < 6; i++) {
        char text[16];
        snprintf(text, sizeof text, "m%d", i);
        last[i % 2] = add_linked(st, b, i % 2 ? b2 : a, last[i % 2], i % 3 ? LK_IN : LK_OUT,
                                 text, at[i], NULL);
    }
    put_linked(b, a, "A", 0, last[0]);
    put_linked(b, b2, "B", 0, last[1]);
    ok(lk_store_wait(st, lk_store_submit(st, b), 10000) == LK_OK, "committed");

    struct collect c = {0};
    ok(lk_store_each_message(st, NULL, collect_cb, &c) == LK_OK, "all");
    ok(c.n == 6 && c.at[0] == 100 && c.at[1] == 200 && c.at[2] == 300 && c.at[3] == 300 &&
           c.at[4] == 400 && c.at[5] == 500, "time order");
    ok(strcmp(c.text[2], "m2|in|A") == 0 && strcmp(c.text[3], "m5|in|B") == 0 &&
           strcmp(c.text[5], "m0|out|A") == 0, "ties by id, address joined: %s %s %s",
       c.text[2], c.text[3], c.text[5]);

    struct lk_message_filter f = {.conversation_id = b2};
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 3 && c.at[0] == 100 && c.at[1] == 200 && c.at[2] == 300, "one conversation");

    f = (struct lk_message_filter){.limit = 2};
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 2 && c.at[0] == 400 && c.at[1] == 500, "last 2, in time order");

    f = (struct lk_message_filter){.conversation_id = a, .since_ms = 250, .limit = 5};
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 3 && c.at[0] == 300 && c.at[2] == 500, "since in a conversation");
    /* A conversation's last N are the N it stored last (m2, m4), shown in time order. */
    f.limit = 2;
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 2 && strcmp(c.text[0], "m2|in|A") == 0 && strcmp(c.text[1], "m4|in|A") == 0,
       "since and limit in a conversation: %s %s", c.text[0], c.text[1]);

    /* A batch that never committed leaves a link to nothing: the walk reads back past it. */
    b = lk_batch_new();
    int64_t lost = lk_store_next_message_id(st);
    last[0] = add_linked(st, b, a, lost, LK_IN, "after a lost batch", 600, NULL);
    put_linked(b, a, "A", 600, last[0]);
    ok(lk_store_wait(st, lk_store_submit(st, b), 10000) == LK_OK, "committed after a gap");
    f = (struct lk_message_filter){.conversation_id = a};
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 4 && c.at[0] == 300 && c.at[3] == 600, "the walk crosses the gap: %d", c.n);
    f.limit = 2;
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 2 && c.at[0] == 400 && c.at[1] == 600, "last 2 across the gap");

    f = (struct lk_message_filter){.since_ms = 300};
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 2 && c.at[0] == 300 && c.at[1] == 300, "since, callback stops early");
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, NULL, collect_cb, &c);
    ok(c.n == 7, "statement reusable after an early stop");
    lk_store_close(st);
done:
    free(path);
}

/* A file as version 3 left it: messages found through an index on conversation_id. */
static int make_version_3(const char *path)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "CREATE INDEX messages_conversation ON messages(conversation_id, id);"
                          "ALTER TABLE messages DROP COLUMN prev_id;"
                          "ALTER TABLE conversations DROP COLUMN last_message_id;"
                          "PRAGMA user_version = 3;",
                          NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static void test_chain_migration(void)
{
    subtest("migration 4 links a version-3 file's messages and drops its index");
    struct lk_error err;
    char *path = tpath("v3.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t conv[3];
    for (int i = 0; i < 3; i++)
        conv[i] = lk_store_next_conversation_id(st);
    uint64_t t = 0;
    for (int i = 0; i < 9; i++)       /* three turns each, interleaved */
        t = lk_store_submit(st, turn(st, conv[i % 3], 100 + i));
    ok(lk_store_wait(st, t, 10000) == LK_OK, "committed");
    lk_store_close(st);
    ok(make_version_3(path) == SQLITE_OK, "made a version-3 file");

    st = open_path(path, 0, &err);
    ok(st != NULL, "reopen migrates: %s", err.text);
    if (!st)
        goto done;
    ok(lk_store_schema_version(st) >= 4, "version %d", lk_store_schema_version(st));
    ok(count(st, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_conversation'") == 0,
       "index dropped");
    ok(count(st, "SELECT count(*) FROM messages WHERE prev_id IS NULL") == 3,
       "one first message a conversation");
    struct lk_message_filter f = {.conversation_id = conv[1]};
    struct collect c = {0};
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 6 && c.at[0] == 101 && c.at[2] == 104 && c.at[5] == 107 &&
           strcmp(c.text[4], "min mau bikin ktp gmn|in|628120") == 0,
       "a conversation's six messages in order: %d", c.n);
    f.limit = 3;
    memset(&c, 0, sizeof c);
    lk_store_each_message(st, &f, collect_cb, &c);
    ok(c.n == 3 && c.at[0] == 104 && c.at[2] == 107, "its last three");
    lk_store_close(st);
done:
    free(path);
}

static int read_file(const char *path, char *buf, size_t cap, size_t *n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, cap);
    close(fd);
    *n = r < 0 ? 0 : (size_t)r;
    return r < 0 ? -1 : 0;
}

static void test_corrupt(void)
{
    subtest("corrupt and truncated files are refused and left untouched");
    struct lk_error err;
    char *path = tpath("random.db");
    char bytes[8192], after[8192 + 1];
    srand(42);
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (char)(rand() & 0xff);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ok(write(fd, bytes, sizeof bytes) == (ssize_t)sizeof bytes, "write random bytes");
    close(fd);
    struct lk_store *st = open_path(path, 1, &err);
    ok(st == NULL, "random bytes refused");
    ok(strstr(err.text, "Berkas basis data rusak atau bukan basis data SQLite") &&
           strstr(err.text, "The database file is corrupt or not an SQLite database") &&
           strstr(err.text, path), "bilingual message: %s", err.text);
    size_t n;
    ok(read_file(path, after, sizeof after, &n) == 0 && n == sizeof bytes &&
           memcmp(bytes, after, n) == 0, "file untouched");
    lk_store_close(st);
    free(path);

    /* a real database with some pages, cut in half */
    path = tpath("truncated.db");
    st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t c = lk_store_next_conversation_id(st);
    uint64_t t = 0;
    for (int i = 0; i < 500; i++)
        t = lk_store_submit(st, turn(st, c, i));
    lk_store_wait(st, t, 10000);
    lk_store_close(st);
    struct stat sb;
    stat(path, &sb);
    off_t half = sb.st_size / 2;
    ok(sb.st_size > 8 * 4096, "database has %lld bytes", (long long)sb.st_size);
    ok(truncate(path, half) == 0, "truncate");
    st = open_path(path, 0, &err);
    ok(st == NULL && strstr(err.text, "rusak") && strstr(err.text, "corrupt"),
       "truncated file refused: %s", err.text);
    lk_store_close(st);
    stat(path, &sb);
    ok(sb.st_size == half, "size unchanged");
    struct lk_store_options ro = {.path = path, .read_only = 1};
    st = lk_store_open(&ro, &err);
    ok(st == NULL && strstr(err.text, "corrupt"), "refused read-only too: %s", err.text);
    lk_store_close(st);

    /* a short file with a wrong header */
    free(path);
    path = tpath("short.db");
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ok(write(fd, "hello", 5) == 5, "write");
    close(fd);
    st = open_path(path, 0, &err);
    ok(st == NULL && strstr(err.text, "corrupt"), "short file refused");
    lk_store_close(st);
    ok(read_file(path, after, sizeof after, &n) == 0 && n == 5, "short file untouched");
done:
    free(path);
}

static void test_newer_schema(void)
{
    subtest("a database from a newer Loket is refused");
    struct lk_error err;
    char *path = tpath("newer.db");
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 999", NULL, NULL, NULL);
    sqlite3_close(db);
    struct lk_store *st = open_path(path, 1, &err);
    ok(st == NULL && strstr(err.text, "lebih baru") && strstr(err.text, "newer Loket"),
       "refused: %s", err.text);
    lk_store_close(st);
    ok(user_version(path) == 999, "left as it was");
    free(path);
}

static void test_unwritable(void)
{
    subtest("unwritable paths fail cleanly");
    struct lk_error err;
    char *file = tpath("plain-file");
    close(open(file, O_CREAT | O_WRONLY, 0644));
    char *path = lk_sprintf("%s/sub.db", file);
    struct lk_store *st = open_path(path, 1, &err);
    ok(st == NULL && strstr(err.text, "Tidak dapat") && strstr(err.text, "Cannot"),
       "path under a regular file: %s", err.text);
    lk_store_close(st);
    free(path);
    path = lk_sprintf("%s/deeper/sub.db", file);
    st = open_path(path, 1, &err);
    ok(st == NULL && strstr(err.text, "Cannot create the directory"), "deeper: %s", err.text);
    lk_store_close(st);
    free(path);

    st = open_path(tmpdir, 1, &err);
    ok(st == NULL && strstr(err.text, "Cannot open"), "a directory: %s", err.text);
    lk_store_close(st);
    st = open_path("/proc/loket-no-such/x.db", 1, &err);
    ok(st == NULL && err.text[0], "under /proc: %s", err.text);
    lk_store_close(st);
    st = open_path("", 1, &err);
    ok(st == NULL && err.text[0], "empty path: %s", err.text);
    free(file);
}

static void test_read_only(void)
{
    subtest("read-only mode");
    struct lk_error err;
    char *path = tpath("ro.db");
    struct lk_store_options opt = {.path = path, .read_only = 1};
    struct lk_store *st = lk_store_open(&opt, &err);
    ok(st == NULL && strstr(err.text, "does not exist"), "missing file: %s", err.text);
    struct stat sb;
    ok(stat(path, &sb) != 0, "not created");

    st = open_path(path, 0, &err);
    if (!st)
        goto done;
    int64_t c = lk_store_next_conversation_id(st);
    lk_store_wait(st, lk_store_submit(st, turn(st, c, 5)), 10000);
    lk_store_close(st);

    st = lk_store_open(&opt, &err);
    ok(st != NULL, "open read-only: %s", err.text);
    if (!st)
        goto done;
    ok(lk_store_schema_version(st) == user_version(path), "schema version");
    ok(count(st, "SELECT count(*) FROM messages") == 2, "reads work");
    struct lk_conversation_row row = {0};
    ok(lk_store_get_conversation(st, c, &row) == LK_OK, "get conversation");
    lk_conversation_row_clear(&row);
    ok(sqlite3_exec(lk_store_reader(st), "DELETE FROM messages", NULL, NULL, NULL) ==
           SQLITE_READONLY, "writes refused by SQLite");
    ok(lk_store_submit(st, turn(st, c, 6)) == 0, "submit refused");
    lk_store_close(st);
done:
    free(path);
}

static void test_busy(void)
{
    subtest("a locked database: tickets wait, then commit");
    struct lk_error err;
    char *path = tpath("busy.db");
    struct lk_store *st = open_path(path, 1, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    lk_store_set_busy_timeout(st, 20);
    sqlite3 *other;
    sqlite3_open(path, &other);
    ok(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK, "lock taken");
    int64_t c = lk_store_next_conversation_id(st);
    uint64_t before = lk_store_committed(st);
    uint64_t t = lk_store_submit(st, turn(st, c, 1));
    lk_store_submit(st, turn(st, c, 2));
    ok(lk_store_wait(st, t, 300) == LK_EBUSY, "not committed while locked");
    ok(lk_store_committed(st) == before, "ticket did not advance");
    struct lk_store_stats s;
    lk_store_stats(st, &s);
    ok(s.retries >= 2, "retried %llu times", (unsigned long long)s.retries);
    ok(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL) == SQLITE_OK, "lock released");
    sqlite3_close(other);
    ok(lk_store_wait(st, t + 1, 10000) == LK_OK, "committed after release");
    ok(count(st, "SELECT count(*) FROM messages") == 4, "both turns stored");
    lk_store_stats(st, &s);
    ok(s.dropped == 0, "nothing dropped");
    lk_store_close(st);
done:
    free(path);
}

static atomic_int disk_full, full_calls;

static int full_fn(void *db, void *arg)
{
    atomic_fetch_add(&full_calls, 1);
    return atomic_load(&disk_full) ? SQLITE_FULL : SQLITE_OK;
}

static void test_full(void)
{
    subtest("disk full: the group is retried whole until it clears");
    struct lk_error err;
    char *path = tpath("full.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t c = lk_store_next_conversation_id(st);
    atomic_store(&disk_full, 1);
    uint64_t t1 = lk_store_submit(st, turn(st, c, 1));
    struct lk_batch *b = turn(st, c, 2);
    lk_batch_add_fn(b, full_fn, NULL, NULL);
    uint64_t t2 = lk_store_submit(st, b);
    uint64_t t3 = lk_store_submit(st, turn(st, c, 3));
    ok(lk_store_wait(st, t1, 200) == LK_EBUSY, "neighbour waits with its group");
    ok(lk_store_committed(st) < t1, "nothing committed");
    ok(atomic_load(&full_calls) >= 2, "fn retried: %d", atomic_load(&full_calls));
    atomic_store(&disk_full, 0);
    ok(lk_store_wait(st, t3, 10000) == LK_OK && t3 == t2 + 1, "all committed after");
    ok(count(st, "SELECT count(*) FROM messages") == 6, "every turn stored once");
    struct lk_store_stats s;
    lk_store_stats(st, &s);
    ok(s.dropped == 0 && s.retries >= 1, "retries %llu", (unsigned long long)s.retries);
    lk_store_close(st);
done:
    free(path);
}

static void test_close_drains(void)
{
    subtest("close commits everything queued");
    struct lk_error err;
    char *path = tpath("drain.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t c = lk_store_next_conversation_id(st);
    for (int i = 0; i < 3000; i++)
        lk_store_submit(st, turn(st, c, i));
    lk_store_close(st);
    st = open_path(path, 0, &err);
    ok(st && count(st, "SELECT count(*) FROM messages") == 6000, "all 3000 turns stored");
    lk_store_close(st);
done:
    free(path);
}

/* 1 when this process has a thread of that name (/proc/self/task/N/comm). */
static int has_thread(const char *name)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d))) {
        char path[300], comm[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (f && fgets(comm, sizeof comm, f))
            found = strncmp(comm, name, strlen(name)) == 0 && comm[strlen(name)] == '\n';
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

/* With synchronous=FULL the WAL is synced by a thread of its own; what it reports
 * committed is there after the process is killed without closing anything. */
static void test_syncer_kill(void)
{
    subtest("synchronous=FULL: a separate sync, committed turns survive SIGKILL");
    struct lk_error err;
    char *path = tpath("kill.db");
    struct lk_store *st = open_path(path, 0, &err);
    ok(st && !has_thread("loket-sync"), "NORMAL: no sync thread");
    lk_store_close(st);

    int fds[2];
    if (pipe(fds) != 0) {
        ok(0, "pipe");
        goto done;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        struct lk_store *cst = open_path(path, 1, &err);
        uint64_t t = 0;
        int64_t c = cst ? lk_store_next_conversation_id(cst) : 0;
        for (int i = 0; cst && i < 500; i++)
            t = lk_store_submit(cst, turn(cst, c, i));
        char verdict = cst && lk_store_wait(cst, t, 30000) == LK_OK ? 'n' : 'x';
        if (verdict == 'n' && has_thread("loket-sync"))
            verdict = 's';
        if (write(fds[1], &verdict, 1) != 1)
            _exit(2);
        for (;;)
            pause();                     /* killed here, the store still open */
    }
    close(fds[1]);
    char verdict = 0;
    ok(read(fds[0], &verdict, 1) == 1 && verdict == 's', "child: sync thread, all committed (%c)",
       verdict ? verdict : '-');
    close(fds[0]);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    st = open_path(path, 1, &err);
    ok(st && count(st, "SELECT count(*) FROM messages") == 1000,
       "the 500 committed turns are there after SIGKILL");
    lk_store_close(st);
done:
    free(path);
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Checkpoints run beside the writer; the WAL is copied back and starts over, so it stays
 * bounded while turns keep coming, and nothing is lost on the way. */
static void test_checkpoints(void)
{
    subtest("checkpoints beside the writer keep the WAL bounded");
    struct lk_error err;
    char *path = tpath("ckpt.db"), *wal = lk_sprintf("%s-wal", path);
    struct lk_store_options opt = {.path = path, .sync_full = 1, .checkpoint_frames = 64};
    struct lk_store *st = lk_store_open(&opt, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int64_t conv[50];
    for (int i = 0; i < 50; i++)
        conv[i] = lk_store_next_conversation_id(st);
    long biggest = 0;
    uint64_t t = 0;
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 50; i++)
            t = lk_store_submit(st, turn(st, conv[i], round * 50 + i));
        lk_store_wait(st, t, 30000);     /* one group a round, as under steady load */
        long sz = file_size(wal);
        biggest = sz > biggest ? sz : biggest;
    }
    ok(lk_store_committed(st) == t, "all 10000 turns committed");
    ok(has_thread("loket-ckpt"), "by a thread of their own");
    /* 4 checkpoints of 64 frames of 4 KiB, plus the groups written while a lagging bulk
     * pass runs (2-4.7 MB seen); without checkpoints it grows to 33 MB here */
    printf("# WAL at most %ld bytes\n", biggest);
    ok(biggest > 0 && biggest < 8 * 1024 * 1024, "WAL stayed small: at most %ld bytes", biggest);
    ok(count(st, "SELECT count(*) FROM messages") == 20000, "20000 messages");
    lk_store_close(st);
    ok(file_size(wal) <= 0, "WAL removed at close");
    st = open_path(path, 0, &err);
    ok(st && count(st, "SELECT count(*) FROM messages") == 20000, "all there after reopen");
    lk_store_close(st);
done:
    free(wal);
    free(path);
}

/* ---- the writer's VFS: WAL appends gathered into one write a commit ---- */

static int64_t write_calls(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    long long n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "syscw: %lld", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

static int wal_frames_now;

static int note_wal(void *arg, sqlite3 *db, const char *zDb, int nFrame)
{
    (void)arg, (void)db, (void)zDb;
    wal_frames_now = nFrame;
    return SQLITE_OK;
}

static sqlite3 *open_wal_db(const char *path, const char *zVfs, int cache_pages)
{
    sqlite3 *db = NULL;
    char zSql[300];
    snprintf(zSql, sizeof zSql,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=%d;"
             " PRAGMA wal_autocheckpoint=0;"
             " CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, k INTEGER, v BLOB);"
             " CREATE INDEX IF NOT EXISTS t_k ON t(k);", cache_pages);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, zVfs) != SQLITE_OK ||
        sqlite3_exec(db, zSql, NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* 'rows' rows of 'bytes' bytes each, keys scattered, in one transaction. */
static int insert_rows(sqlite3 *db, int rows, int bytes, int seed)
{
    char zSql[160];
    snprintf(zSql, sizeof zSql,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
             " INSERT INTO t(k, v) SELECT (i * 7919 + %d) %% 100003, randomblob(%d) FROM n",
             rows, seed, bytes);
    return sqlite3_exec(db, zSql, NULL, NULL, NULL);
}

static int64_t query_one(sqlite3 *db, const char *zSql)
{
    sqlite3_stmt *pStmt;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL) != SQLITE_OK)
        return -2;
    if (sqlite3_step(pStmt) == SQLITE_ROW)
        n = sqlite3_column_int64(pStmt, 0);
    sqlite3_finalize(pStmt);
    return n;
}

/* Write system calls of 100 commits of 40 frames or so, through the VFS named. */
static int64_t writes_for_commits(const char *path, const char *zVfs)
{
    sqlite3 *db = open_wal_db(path, zVfs, 2000);
    if (!db)
        return -1;
    int64_t before = write_calls();
    for (int i = 0; i < 100; i++)
        if (insert_rows(db, 40, 3000, i) != SQLITE_OK)
            before = -1;
    int64_t n = before < 0 ? -1 : write_calls() - before;
    sqlite3_close(db);
    return n;
}

static void test_walbuf(void)
{
    subtest("writer's VFS: a commit's WAL frames reach the file in few writes, before "
            "anyone can see them");
    const char *vfs = lk_store_walbuf_vfs();
    ok(vfs != NULL, "VFS registered");
    if (!vfs)
        return;
    char *path = tpath("walbuf.db"), *wal = lk_sprintf("%s-wal", path);
    char *plain = tpath("walplain.db");
    sqlite3 *w = open_wal_db(path, vfs, 2000);
    sqlite3 *r = NULL;
    sqlite3_open_v2(path, &r, SQLITE_OPEN_READONLY, NULL);
    ok(w && r, "writer through the VFS, reader through the platform's");
    if (!w || !r)
        goto done;
    sqlite3_wal_hook(w, note_wal, NULL);
    int bad = 0, rows = 0;
    for (int i = 0; i < 200 && !bad; i++) {
        bad |= insert_rows(w, 1 + i % 30, 1500 + 97 * i, i) != SQLITE_OK;
        rows += 1 + i % 30;
        /* the commit's frames are in the file now, not only in the writer's memory */
        long want = 32 + (long)wal_frames_now * (4096 + 24);
        bad |= file_size(wal) < want;
        bad |= query_one(r, "SELECT count(*) FROM t") != rows;
        if (bad)
            printf("# commit %d: WAL %ld bytes, %d frames, reader: %lld rows of %d\n", i,
                   file_size(wal), wal_frames_now,
                   (long long)query_one(r, "SELECT count(*) FROM t"), rows);
    }
    ok(!bad, "after each of 200 commits the WAL holds its frames and the reader sees its rows");

    /* A tiny cache makes SQLite spill pages into the WAL mid-transaction and write them
     * again at the commit (earlier frames rewritten): those go straight through. */
    sqlite3_exec(w, "PRAGMA cache_size=2; BEGIN;", NULL, NULL, NULL);
    for (int i = 0; i < 20; i++)
        insert_rows(w, 50, 700, 1000 + i);
    sqlite3_exec(w, "UPDATE t SET k = k + 1 WHERE id % 3 = 0", NULL, NULL, NULL);
    ok(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL) == SQLITE_OK, "a spilling transaction commits");
    ok(query_one(r, "SELECT count(*) FROM t") == rows + 1000, "the reader sees all its rows");
    sqlite3_close(r);
    r = NULL;
    sqlite3_open_v2(path, &r, SQLITE_OPEN_READWRITE, NULL);
    ok(r && sqlite3_wal_checkpoint_v2(r, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK,
       "another connection copies the WAL into the database");
    ok(query_one(r, "SELECT count(*) FROM t WHERE length(v) > 0") == rows + 1000 &&
           query_one(r, "SELECT count(*) FROM pragma_integrity_check"
                        " WHERE integrity_check = 'ok'") == 1,
       "integrity check ok, every row there");

    int64_t gathered = writes_for_commits(path, vfs), direct = writes_for_commits(plain, NULL);
    printf("# write calls for 100 commits: %lld gathered, %lld direct\n", (long long)gathered,
           (long long)direct);
    ok(gathered > 0 && direct > 0 && gathered * 5 < direct,
       "at most a fifth of the write calls: %lld against %lld", (long long)gathered,
       (long long)direct);
done:
    sqlite3_close(w);
    sqlite3_close(r);
    free(plain);
    free(wal);
    free(path);
}

static void test_throughput(void)
{
    subtest("throughput, synchronous=FULL");
    struct lk_error err;
    char *path = tpath("speed.db");
    struct lk_store *st = open_path(path, 1, &err);
    ok(st != NULL, "open: %s", err.text);
    if (!st)
        goto done;
    int n = getenv("LOKET_STORE_TURNS") ? atoi(getenv("LOKET_STORE_TURNS")) : 20000;
    int64_t conv[1000];
    for (int i = 0; i < 1000; i++)
        conv[i] = lk_store_next_conversation_id(st);
    double t0 = now_s();
    uint64_t t = 0;
    for (int i = 0; i < n; i++)
        t = lk_store_submit(st, turn(st, conv[i % 1000], i));
    ok(lk_store_wait(st, t, -1) == LK_OK, "committed");
    double dt = now_s() - t0;
    struct lk_store_stats s;
    lk_store_stats(st, &s);
    printf("# %d turns in %.3f s: %.0f turns/s, %llu transactions\n", n, dt, n / dt,
           (unsigned long long)s.commits);
    lk_store_close(st);
done:
    free(path);
}

static void remove_tree(void)
{
    char *cmd = lk_sprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    free(cmd);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_migrations();
    test_chain_migration();
    test_empty_file();
    test_group_commit();
    test_wait_timeout();
    test_duplicates_and_failures();
    test_batch_arena();
    test_each_message();
    test_corrupt();
    test_newer_schema();
    test_unwritable();
    test_read_only();
    test_busy();
    test_full();
    test_close_drains();
    test_syncer_kill();
    test_checkpoints();
    test_walbuf();
    test_throughput();
    remove_tree();
    return th_report();
}
