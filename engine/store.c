/* The store: all SQLite. This file owns the schema and its numbered migrations, opening
 * (checks, settings, prepared statements), closing, and the reads on the reader
 * connection; store_writer.c owns batches and the writer thread that commits them.
 * It knows nothing of flows or channels. Tables of other modules (WhatsApp outbox, office
 * tickets) get their migrations listed here but are written by their own store_*.c
 * through lk_batch_add_fn and read through lk_store_reader. */
#include "store.h"
#include "store_internal.h"
#include "store_office.h"
#include "wa_internal.h"
#include "log.h"
#include "loket.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- schema ---- */

static const char migration_core[] =
    "CREATE TABLE conversations(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  channel TEXT NOT NULL,\n"
    "  address TEXT NOT NULL,\n"
    "  flow TEXT,\n"
    "  node TEXT,\n"
    "  vars TEXT NOT NULL DEFAULT '{}',\n"
    "  lang TEXT NOT NULL DEFAULT 'id',\n"
    "  history TEXT NOT NULL DEFAULT '[]',\n"
    "  status TEXT NOT NULL DEFAULT 'active',\n"
    "  flow_version INTEGER NOT NULL DEFAULT 0,\n"
    "  created_at INTEGER NOT NULL,\n"
    "  updated_at INTEGER NOT NULL,\n"
    "  misunderstood INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE(channel, address));\n"
    "CREATE TABLE messages(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
    "  channel TEXT NOT NULL,\n"
    "  direction TEXT NOT NULL CHECK(direction IN ('in', 'out')),\n"
    "  text TEXT,\n"
    "  payload TEXT,\n"
    "  flow TEXT,\n"
    "  node TEXT,\n"
    "  flow_version INTEGER NOT NULL DEFAULT 0,\n"
    "  created_at INTEGER NOT NULL,\n"
    "  external_id TEXT,\n"
    "  status TEXT,\n"
    "  error TEXT);\n"
    "CREATE UNIQUE INDEX messages_external ON messages(channel, external_id)\n"
    "  WHERE external_id IS NOT NULL;\n"
    "CREATE INDEX messages_conversation ON messages(conversation_id, id);\n"
    "CREATE INDEX messages_created ON messages(created_at);\n"
    "CREATE TABLE handoffs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,\n"
    "  reason TEXT,\n"
    "  summary TEXT,\n"
    "  status TEXT NOT NULL DEFAULT 'waiting',\n"
    "  created_at INTEGER NOT NULL);\n"
    "CREATE INDEX handoffs_conversation ON handoffs(conversation_id);\n"
    "CREATE INDEX handoffs_status ON handoffs(status, id);\n";

/* A conversation's messages are found by walking back from its last one along prev_id,
 * not by an index on conversation_id: such an index takes each turn's entry at a random
 * place, so every busy conversation dirtied a page of its own in every group commit. */
static const char migration_message_chain[] =
    "ALTER TABLE messages ADD COLUMN prev_id INTEGER;\n"
    "ALTER TABLE conversations ADD COLUMN last_message_id INTEGER;\n"
    "UPDATE messages SET prev_id = (SELECT max(p.id) FROM messages p\n"
    "  WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id);\n"
    "UPDATE conversations SET last_message_id =\n"
    "  (SELECT max(id) FROM messages WHERE conversation_id = conversations.id);\n"
    "DROP INDEX messages_conversation;\n";

/* Migration i+1 is migrations[i]; PRAGMA user_version says how many have run. Append new
 * ones at the end, one line each (SQL inline, or a string defined beside the code that
 * owns the tables); never edit, reorder or remove one that has shipped. */
static const char *const migrations[] = {
    migration_core, /* 1: conversations, messages, handoffs */
    lk_wa_schema_sql, /* 2: WhatsApp inbox/outbox (store_wa.c) */
    lk_office_schema_sql, /* 3: office tables: tickets, application statuses (store_office.c) */
    migration_message_chain, /* 4: messages linked by prev_id in place of an index */
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

#define DEFAULT_DELAY_US 500
#define DEFAULT_BUSY_MS 5000
#define DEFAULT_CKPT_FRAMES 8192

#define CONVERSATION_COLUMNS                                                               \
    "SELECT id, channel, address, flow, node, vars, lang, history, status, flow_version,"   \
    " created_at, updated_at, misunderstood, coalesce(last_message_id, 0) FROM conversations"
#define MESSAGE_COLUMNS                                                                    \
    "SELECT m.id, m.conversation_id, m.channel, c.address, m.direction, m.text, m.payload," \
    " m.flow, m.node, m.external_id, m.status, m.flow_version, m.created_at"
#define WITH_ADDRESS " LEFT JOIN conversations c ON c.id = m.conversation_id"
/* ?2 since, ?3 limit; "last N" reads backwards then turns around. */
#define LAST_N(inner) "SELECT * FROM (" inner " ORDER BY 13 DESC, 1 DESC LIMIT ?3) ORDER BY 13, 1"
#define ALL_WHERE MESSAGE_COLUMNS " FROM messages m" WITH_ADDRESS " WHERE m.created_at >= ?2"
/* Conversation ?1's last ?3 messages (all if ?3 is 0) since ?2: from its last message back
 * along prev_id. A link is followed by reading back from it to the conversation's first
 * message at or before it: the linked message itself, or the one before a batch that was
 * dropped for an error. */
#define AT_OR_BEFORE(id)                                                                   \
    "(SELECT p.id FROM messages p WHERE p.conversation_id = ?1 AND p.id <= " id           \
    " ORDER BY p.id DESC LIMIT 1)"
#define CONV_CHAIN                                                                         \
    "WITH RECURSIVE chain(id, n) AS ("                                                      \
    " SELECT " AT_OR_BEFORE("c.last_message_id") ", 1 FROM conversations c WHERE c.id = ?1" \
    " UNION ALL SELECT " AT_OR_BEFORE("m.prev_id") ", chain.n + 1"                        \
    " FROM chain JOIN messages m ON m.id = chain.id WHERE ?3 <= 0 OR chain.n < ?3) "
#define CONV_MESSAGES                                                                      \
    CONV_CHAIN MESSAGE_COLUMNS " FROM chain CROSS JOIN messages m ON m.id = chain.id"      \
    WITH_ADDRESS " WHERE m.conversation_id = ?1 AND m.created_at >= ?2 ORDER BY 13, 1"

static const char *const reader_sql[R_COUNT] = {
    [R_FIND_CONVERSATION] = CONVERSATION_COLUMNS " WHERE channel = ?1 AND address = ?2",
    [R_GET_CONVERSATION] = CONVERSATION_COLUMNS " WHERE id = ?1",
    [R_HAS_EXTERNAL_ID] = "SELECT 1 FROM messages WHERE channel = ?1 AND external_id = ?2",
    [R_MESSAGES] = ALL_WHERE " ORDER BY 13, 1",
    [R_MESSAGES_LAST] = LAST_N(ALL_WHERE),
    [R_CONV_MESSAGES] = CONV_MESSAGES,
};

/* ---- open: checks before SQLite touches the file ---- */

static void set_corrupt(struct lk_error *err, const char *path, const char *detail)
{
    lk_error_set(err,
                 "Berkas basis data rusak atau bukan basis data SQLite: %s (%s); berkas tidak "
                 "diubah, pulihkan dari cadangan atau pindahkan. / The database file is corrupt "
                 "or not an SQLite database: %s (%s); the file was left untouched, restore it "
                 "from a backup or move it aside.",
                 path, detail, path, detail);
}

static void set_cannot_open(struct lk_error *err, const char *path, const char *detail)
{
    lk_error_set(err, "Tidak dapat membuka basis data %s: %s / Cannot open the database %s: %s",
                 path, detail, path, detail);
}

/* mkdir -p of the directory part of path. */
static int make_parent_dirs(const char *path, struct lk_error *err)
{
    char *dir = lk_strdup(path);
    int ret = LK_OK;
    for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        struct stat sb;
        if (mkdir(dir, 0755) != 0 && (errno != EEXIST || stat(dir, &sb) != 0 ||
                                      !S_ISDIR(sb.st_mode))) {
            const char *why = errno == EEXIST ? strerror(ENOTDIR) : strerror(errno);
            lk_error_set(err,
                         "Tidak dapat membuat direktori %s untuk basis data: %s / Cannot create "
                         "the directory %s for the database: %s",
                         dir, why, dir, why);
            ret = LK_ERR;
            break;
        }
        *p = '/';
    }
    free(dir);
    return ret;
}

/* 1 when the file starts with SQLite's magic or is empty, 0 when not, -1 (errno) when
 * it cannot be read. */
static int has_sqlite_header(const char *path)
{
    static const char magic[16] = "SQLite format 3";
    char head[sizeof magic];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, head, sizeof head);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n < 0)
        return -1;
    return n == 0 || (n == (ssize_t)sizeof head && memcmp(head, magic, sizeof magic) == 0);
}

/* An existing file must be a regular file that is empty or starts with SQLite's magic. */
static int check_file(const char *path, int must_exist, struct lk_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT && !must_exist)
            return LK_OK;
        if (errno == ENOENT)
            lk_error_set(err, "Berkas basis data tidak ada: %s / The database file does not "
                              "exist: %s", path, path);
        else
            set_cannot_open(err, path, strerror(errno));
        return LK_ERR;
    }
    int ok = S_ISREG(sb.st_mode) ? has_sqlite_header(path) : -1;
    if (ok == 1)
        return LK_OK;
    if (!S_ISREG(sb.st_mode))
        set_cannot_open(err, path, "bukan berkas biasa / not a regular file");
    else if (ok < 0)
        set_cannot_open(err, path, strerror(errno));
    else
        set_corrupt(err, path, "no SQLite header");
    return LK_ERR;
}

static int open_connection(struct lk_store *st, int flags, const char *zVfs, sqlite3 **pDb,
                           struct lk_error *err)
{
    int rc = sqlite3_open_v2(st->path, pDb, flags, zVfs);
    if (rc != SQLITE_OK) {
        set_cannot_open(err, st->path, *pDb ? sqlite3_errmsg(*pDb) : sqlite3_errstr(rc));
        return LK_ERR;
    }
    sqlite3_extended_result_codes(*pDb, 1);
    sqlite3_db_config(*pDb, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_busy_timeout(*pDb, st->busy_ms);
    return LK_OK;
}

/* PRAGMA quick_check: reads every page once, refuses a corrupt or truncated file. */
static int check_integrity(sqlite3 *db, const char *path, struct lk_error *err)
{
    sqlite3_stmt *pStmt = NULL;
    char detail[256];
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &pStmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(pStmt);
    if (rc == SQLITE_ROW) {
        const char *z = (const char *)sqlite3_column_text(pStmt, 0);
        rc = z && strcmp(z, "ok") == 0 ? SQLITE_OK : SQLITE_CORRUPT;
        snprintf(detail, sizeof detail, "%s", z ? z : "?");
    } else {
        snprintf(detail, sizeof detail, "%s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(pStmt);
    if (rc == SQLITE_OK || rc == SQLITE_DONE)
        return LK_OK;
    if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        set_corrupt(err, path, detail);
    else
        set_cannot_open(err, path, detail);
    return LK_ERR;
}

/* ---- open: the writer's connection, its settings and migrations ---- */

static int query_int(sqlite3 *db, const char *zSql, int64_t *out)
{
    sqlite3_stmt *pStmt;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(pStmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(pStmt, 0);
        rc = SQLITE_OK;
    }
    sqlite3_reset(pStmt);
    sqlite3_finalize(pStmt);
    return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}

static int set_pragmas(struct lk_store *st, struct lk_error *err)
{
    char zSql[220];
    /* The WAL grows to about four checkpoints before it starts over (store_checkpoint.c),
     * a little more while the checkpoints lag behind; beyond this SQLite truncates it. */
    long long wal_limit = (long long)st->ckpt_frames * 4096 * 6;
    snprintf(zSql, sizeof zSql,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
             " PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
             " PRAGMA journal_size_limit=%lld;",
             st->sync_full ? "FULL" : "NORMAL", wal_limit);
    char mode[16] = "";
    sqlite3_stmt *pStmt;
    if (sqlite3_exec(st->wdb, zSql, NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(st->wdb, "PRAGMA journal_mode", -1, &pStmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(pStmt) == SQLITE_ROW)
            snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(pStmt, 0));
        sqlite3_finalize(pStmt);
    }
    if (strcmp(mode, "wal") == 0)
        return LK_OK;
    set_cannot_open(err, st->path, mode[0] ? "WAL mode refused" : sqlite3_errmsg(st->wdb));
    return LK_ERR;
}

static void set_newer(struct lk_error *err, const char *path, int64_t version)
{
    lk_error_set(err, "Basis data %s dibuat oleh Loket yang lebih baru (skema %lld, program ini "
                      "mengenal %d) / The database %s was made by a newer Loket (schema %lld, "
                      "this program knows %d)",
                 path, (long long)version, N_MIGRATIONS, path, (long long)version, N_MIGRATIONS);
}

/* Runs migrations version+1 .. N_MIGRATIONS inside the caller's transaction. */
static int apply_migrations(sqlite3 *db, int version)
{
    int rc = SQLITE_OK;
    for (; version < N_MIGRATIONS && rc == SQLITE_OK; version++) {
        char zSql[64];
        snprintf(zSql, sizeof zSql, "PRAGMA user_version=%d", version + 1);
        rc = sqlite3_exec(db, migrations[version], NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, zSql, NULL, NULL, NULL);
    }
    return rc;
}

/* Runs the pending migrations in one transaction: the file is at the old version or the
 * new one, never between. */
static int migrate(struct lk_store *st, struct lk_error *err)
{
    int64_t version = 0;
    int rc = sqlite3_exec(st->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = query_int(st->wdb, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK && version > N_MIGRATIONS) {
        set_newer(err, st->path, version);
        sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
        return LK_ERR;
    }
    if (rc == SQLITE_OK && version > 0 && version < N_MIGRATIONS)
        lk_info("store: memperbarui skema %s dari %lld ke %d; basis data besar butuh beberapa "
                "detik per juta pesan / upgrading the schema of %s from %lld to %d; a large "
                "database takes a few seconds per million messages",
                st->path, (long long)version, N_MIGRATIONS, st->path, (long long)version,
                N_MIGRATIONS);
    if (rc == SQLITE_OK)
        rc = apply_migrations(st->wdb, (int)version);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->wdb, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        lk_error_set(err, "Migrasi skema basis data %s gagal: %s / Migrating the schema of the "
                          "database %s failed: %s",
                     st->path, sqlite3_errmsg(st->wdb), st->path, sqlite3_errmsg(st->wdb));
        if (!sqlite3_get_autocommit(st->wdb))
            sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
        return LK_ERR;
    }
    if (version != N_MIGRATIONS)
        lk_info("store: %s migrated from schema %d to %d", st->path, (int)version, N_MIGRATIONS);
    st->schema_version = N_MIGRATIONS;
    return LK_OK;
}

static int prepare_all(struct lk_store *st, sqlite3 *db, const char *const *zSql, int n,
                       sqlite3_stmt **out, struct lk_error *err)
{
    for (int i = 0; i < n; i++) {
        if (sqlite3_prepare_v3(db, zSql[i], -1, SQLITE_PREPARE_PERSISTENT, &out[i], NULL) !=
            SQLITE_OK) {
            lk_error_set(err, "Skema basis data %s tidak sesuai: %s / The database %s does not "
                              "have the expected schema: %s",
                         st->path, sqlite3_errmsg(db), st->path, sqlite3_errmsg(db));
            return LK_ERR;
        }
    }
    return LK_OK;
}

static int open_writer(struct lk_store *st, struct lk_error *err)
{
    if (make_parent_dirs(st->path, err) || check_file(st->path, 0, err))
        return LK_ERR;
    /* Only the writer thread uses this connection once open: no mutex. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (open_connection(st, flags, lk_store_walbuf_vfs(), &st->wdb, err))
        return LK_ERR;
    if (sqlite3_db_readonly(st->wdb, "main") != 0) {
        lk_error_set(err, "Basis data tidak dapat ditulis: %s; periksa izin berkas dan "
                          "direktorinya / The database cannot be written: %s; check the "
                          "permissions of the file and its directory",
                     st->path, st->path);
        return LK_ERR;
    }
    if (check_integrity(st->wdb, st->path, err) || set_pragmas(st, err) || migrate(st, err))
        return LK_ERR;
    return prepare_all(st, st->wdb, lk_store_writer_sql, W_COUNT, st->w, err);
}

/* The reader: read-only always, serialized (store_*.c files may read from their own
 * threads with their own statements). In read_only mode it is the only connection. */
static int open_reader(struct lk_store *st, struct lk_error *err)
{
    if (st->read_only && check_file(st->path, 1, err))
        return LK_ERR;
    if (open_connection(st, SQLITE_OPEN_READONLY, NULL, &st->rdb, err))
        return LK_ERR;
    if (st->read_only) {
        int64_t version = 0;
        if (check_integrity(st->rdb, st->path, err))
            return LK_ERR;
        if (query_int(st->rdb, "PRAGMA user_version", &version) != SQLITE_OK || version < 1) {
            lk_error_set(err, "Basis data %s belum punya skema Loket; jalankan mesinnya sekali "
                              "/ The database %s has no Loket schema yet; run the engine once",
                         st->path, st->path);
            return LK_ERR;
        }
        st->schema_version = (int)version;
    }
    return prepare_all(st, st->rdb, reader_sql, R_COUNT, st->r, err);
}

static void init_ids(struct lk_store *st)
{
    int64_t conv = 0, msg = 0;
    query_int(st->rdb, "SELECT coalesce(max(id), 0) FROM conversations", &conv);
    query_int(st->rdb, "SELECT coalesce(max(id), 0) FROM messages", &msg);
    atomic_store(&st->next_conversation_id, conv);
    atomic_store(&st->next_message_id, msg);
}

/* Once per process, before SQLite initialises: no global memory statistics, which
 * would take a mutex on every allocation. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void init_sync(struct lk_store *st)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->work, &attr);
    pthread_cond_init(&st->done, &attr);
    pthread_condattr_destroy(&attr);
}

static struct lk_store *store_new(const struct lk_store_options *opt)
{
    struct lk_store *st = lk_xcalloc(1, sizeof *st);
    st->path = lk_strdup(opt->path);
    st->read_only = opt->read_only;
    st->sync_full = opt->sync_full;
    st->delay_us = opt->group_delay_us ? opt->group_delay_us : DEFAULT_DELAY_US;
    st->ckpt_frames = opt->checkpoint_frames > 0 ? opt->checkpoint_frames : DEFAULT_CKPT_FRAMES;
    st->busy_ms = st->writer_busy_ms = DEFAULT_BUSY_MS;
    init_sync(st);
    return st;
}

struct lk_store *lk_store_open(const struct lk_store_options *opt, struct lk_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    lk_error_clear(err);
    if (!opt || !opt->path || !opt->path[0]) {
        lk_error_set(err, "Jalur basis data kosong / The database path is empty");
        return NULL;
    }
    pthread_once(&once, configure_sqlite);
    struct lk_store *st = store_new(opt);
    if (!st->read_only && open_writer(st, err))
        goto fail;
    if (open_reader(st, err))
        goto fail;
    init_ids(st);
    if (!st->read_only && lk_store_writer_start(st, err))
        goto fail;
    return st;
fail:
    lk_store_close(st);
    return NULL;
}

static void close_connection(struct lk_store *st, sqlite3 *db, sqlite3_stmt **pStmts, int n)
{
    for (int i = 0; i < n; i++)
        sqlite3_finalize(pStmts[i]);
    if (db && sqlite3_close(db) != SQLITE_OK)
        lk_error("store: closing %s: %s", st->path, sqlite3_errmsg(db));
}

void lk_store_close(struct lk_store *st)
{
    if (!st)
        return;
    lk_store_writer_stop(st);
    close_connection(st, st->rdb, st->r, R_COUNT);
    close_connection(st, st->wdb, st->w, W_COUNT);  /* last: checkpoints the WAL */
    pthread_cond_destroy(&st->work);
    pthread_cond_destroy(&st->done);
    pthread_mutex_destroy(&st->mu);
    free(st->path);
    free(st);
}

void lk_store_set_busy_timeout(struct lk_store *st, int ms)
{
    atomic_store(&st->busy_ms, ms);
    sqlite3_busy_timeout(st->rdb, ms);
}

int lk_store_schema_version(struct lk_store *st)
{
    return st->schema_version;
}

int64_t lk_store_next_conversation_id(struct lk_store *st)
{
    return atomic_fetch_add(&st->next_conversation_id, 1) + 1;
}

int64_t lk_store_next_message_id(struct lk_store *st)
{
    return atomic_fetch_add(&st->next_message_id, 1) + 1;
}

void *lk_store_reader(struct lk_store *st)
{
    return st->rdb;
}

/* ---- reads ---- */

static void bind_text(sqlite3_stmt *pStmt, int i, const char *z)
{
    sqlite3_bind_text(pStmt, i, z, -1, SQLITE_STATIC);
}

void lk_conversation_row_clear(struct lk_conversation_row *row)
{
    if (!row)
        return;
    free(row->channel);
    free(row->address);
    free(row->flow);
    free(row->node);
    free(row->vars);
    free(row->lang);
    free(row->history);
    free(row->status);
    memset(row, 0, sizeof *row);
}

static char *column_strdup(sqlite3_stmt *pStmt, int i)
{
    return lk_strdup((const char *)sqlite3_column_text(pStmt, i));
}

static int fetch_conversation(struct lk_store *st, sqlite3_stmt *pStmt,
                              struct lk_conversation_row *row)
{
    int ret = LK_ENOTFOUND, rc = sqlite3_step(pStmt);
    if (rc == SQLITE_ROW) {
        row->id = sqlite3_column_int64(pStmt, 0);
        row->channel = column_strdup(pStmt, 1);
        row->address = column_strdup(pStmt, 2);
        row->flow = column_strdup(pStmt, 3);
        row->node = column_strdup(pStmt, 4);
        row->vars = column_strdup(pStmt, 5);
        row->lang = column_strdup(pStmt, 6);
        row->history = column_strdup(pStmt, 7);
        row->status = column_strdup(pStmt, 8);
        row->flow_version = sqlite3_column_int64(pStmt, 9);
        row->created_ms = sqlite3_column_int64(pStmt, 10);
        row->updated_ms = sqlite3_column_int64(pStmt, 11);
        row->misunderstood = sqlite3_column_int(pStmt, 12);
        row->last_message_id = sqlite3_column_int64(pStmt, 13);
        ret = LK_OK;
    } else if (rc != SQLITE_DONE) {
        lk_error("store: reading a conversation from %s: %s", st->path, sqlite3_errmsg(st->rdb));
        ret = LK_ERR;
    }
    sqlite3_reset(pStmt);
    return ret;
}

int lk_store_find_conversation(struct lk_store *st, const char *channel, const char *address,
                               struct lk_conversation_row *row)
{
    sqlite3_stmt *pStmt = st->r[R_FIND_CONVERSATION];
    bind_text(pStmt, 1, channel);
    bind_text(pStmt, 2, address);
    return fetch_conversation(st, pStmt, row);
}

int lk_store_get_conversation(struct lk_store *st, int64_t id, struct lk_conversation_row *row)
{
    sqlite3_stmt *pStmt = st->r[R_GET_CONVERSATION];
    sqlite3_bind_int64(pStmt, 1, id);
    return fetch_conversation(st, pStmt, row);
}

static void read_message(sqlite3_stmt *pStmt, struct lk_message_row *m)
{
    m->id = sqlite3_column_int64(pStmt, 0);
    m->conversation_id = sqlite3_column_int64(pStmt, 1);
    m->channel = (const char *)sqlite3_column_text(pStmt, 2);
    m->address = (const char *)sqlite3_column_text(pStmt, 3);
    const char *dir = (const char *)sqlite3_column_text(pStmt, 4);
    m->direction = dir && strcmp(dir, "out") == 0 ? LK_OUT : LK_IN;
    m->text = (const char *)sqlite3_column_text(pStmt, 5);
    m->payload = (const char *)sqlite3_column_text(pStmt, 6);
    m->flow = (const char *)sqlite3_column_text(pStmt, 7);
    m->node = (const char *)sqlite3_column_text(pStmt, 8);
    m->external_id = (const char *)sqlite3_column_text(pStmt, 9);
    m->status = (const char *)sqlite3_column_text(pStmt, 10);
    m->flow_version = sqlite3_column_int64(pStmt, 11);
    m->at_ms = sqlite3_column_int64(pStmt, 12);
}

int lk_store_each_message(struct lk_store *st, const struct lk_message_filter *f,
                          int (*cb)(const struct lk_message_row *m, void *ud), void *ud)
{
    static const struct lk_message_filter all = {0, 0, 0};
    if (!f)
        f = &all;
    sqlite3_stmt *pStmt = st->r[f->conversation_id ? R_CONV_MESSAGES
                                : f->limit > 0 ? R_MESSAGES_LAST : R_MESSAGES];
    sqlite3_bind_int64(pStmt, 1, f->conversation_id);
    sqlite3_bind_int64(pStmt, 2, f->since_ms);
    sqlite3_bind_int(pStmt, 3, f->limit);
    int rc;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        struct lk_message_row m;
        read_message(pStmt, &m);
        if (cb(&m, ud)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        lk_error("store: reading messages from %s: %s", st->path, sqlite3_errmsg(st->rdb));
    sqlite3_reset(pStmt);
    return rc == SQLITE_DONE ? LK_OK : LK_ERR;
}

int lk_store_has_external_id(struct lk_store *st, const char *channel, const char *external_id)
{
    if (!channel || !external_id)
        return 0;
    sqlite3_stmt *pStmt = st->r[R_HAS_EXTERNAL_ID];
    bind_text(pStmt, 1, channel);
    bind_text(pStmt, 2, external_id);
    int rc = sqlite3_step(pStmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        lk_error("store: looking up a message id in %s: %s", st->path, sqlite3_errmsg(st->rdb));
    sqlite3_reset(pStmt);
    return rc == SQLITE_ROW;
}
