/* The store: all SQLite. Owns the schema and its numbered migrations, the prepared
 * statements, the writer thread that commits submitted batches in groups (one transaction
 * a group, one savepoint a batch), and the reader connection for the engine thread.
 * It knows nothing of flows or channels. Tables of other modules (WhatsApp outbox, office
 * tickets) get their migrations listed here but are written by their own store_*.c
 * through lk_batch_add_fn and read through lk_store_reader. */
#include "store.h"
#include "store_office.h"
#include "wa_internal.h"
#include "log.h"
#include "loket.h"

#include <assert.h>
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

/* Migration i+1 is migrations[i]; PRAGMA user_version says how many have run. Append new
 * ones at the end, one line each (SQL inline, or a string defined beside the code that
 * owns the tables); never edit, reorder or remove one that has shipped. */
static const char *const migrations[] = {
    migration_core, /* 1: conversations, messages, handoffs */
    lk_wa_schema_sql, /* 2: WhatsApp inbox/outbox (store_wa.c) */
    lk_office_schema_sql, /* 3: office tables: tickets, application statuses (store_office.c) */
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

enum {
    W_BEGIN, W_COMMIT, W_ROLLBACK, W_SAVEPOINT, W_RELEASE, W_ROLLBACK_TO,
    W_PUT_CONVERSATION, W_ADD_MESSAGE, W_ADD_HANDOFF, W_COUNT
};
static const char *const writer_sql[W_COUNT] = {
    [W_BEGIN] = "BEGIN IMMEDIATE",
    [W_COMMIT] = "COMMIT",
    [W_ROLLBACK] = "ROLLBACK",
    [W_SAVEPOINT] = "SAVEPOINT batch",
    [W_RELEASE] = "RELEASE batch",
    [W_ROLLBACK_TO] = "ROLLBACK TO batch",
    /* The identity of a conversation (id, channel, address, created_at) never changes,
     * so an update leaves the (channel, address) index alone. */
    [W_PUT_CONVERSATION] =
        "INSERT INTO conversations(id, channel, address, flow, node, vars, lang, history,"
        " status, flow_version, created_at, updated_at, misunderstood)"
        " VALUES(?1, ?2, ?3, ?4, ?5, coalesce(?6, '{}'), coalesce(?7, 'id'),"
        " coalesce(?8, '[]'), coalesce(?9, 'active'), ?10, ?11, ?12, ?13)"
        " ON CONFLICT(id) DO UPDATE SET flow = excluded.flow, node = excluded.node,"
        " vars = excluded.vars, lang = excluded.lang, history = excluded.history,"
        " status = excluded.status, flow_version = excluded.flow_version,"
        " updated_at = excluded.updated_at, misunderstood = excluded.misunderstood",
    /* Only a repeated external id is ignored; any other violation is an error. */
    [W_ADD_MESSAGE] =
        "INSERT INTO messages(id, conversation_id, channel, direction, text, payload, flow,"
        " node, flow_version, created_at, external_id, status)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        " ON CONFLICT(channel, external_id) WHERE external_id IS NOT NULL DO NOTHING",
    [W_ADD_HANDOFF] =
        "INSERT INTO handoffs(conversation_id, reason, summary, created_at)"
        " VALUES(?1, ?2, ?3, ?4)",
};

#define CONVERSATION_COLUMNS                                                               \
    "SELECT id, channel, address, flow, node, vars, lang, history, status, flow_version,"   \
    " created_at, updated_at, misunderstood FROM conversations"
#define MESSAGE_COLUMNS                                                                    \
    "SELECT m.id, m.conversation_id, m.channel, c.address, m.direction, m.text, m.payload," \
    " m.flow, m.node, m.external_id, m.status, m.flow_version, m.created_at"              \
    " FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id"
/* ?1 conversation, ?2 since, ?3 limit; "last N" reads backwards then turns around. */
#define LAST_N(inner) "SELECT * FROM (" inner " ORDER BY 13 DESC, 1 DESC LIMIT ?3) ORDER BY 13, 1"
#define ALL_WHERE MESSAGE_COLUMNS " WHERE m.created_at >= ?2"
#define CONV_WHERE MESSAGE_COLUMNS " WHERE m.conversation_id = ?1 AND m.created_at >= ?2"

enum {
    R_FIND_CONVERSATION, R_GET_CONVERSATION, R_HAS_EXTERNAL_ID, R_MESSAGES, R_MESSAGES_LAST,
    R_CONV_MESSAGES, R_CONV_MESSAGES_LAST, R_COUNT
};
static const char *const reader_sql[R_COUNT] = {
    [R_FIND_CONVERSATION] = CONVERSATION_COLUMNS " WHERE channel = ?1 AND address = ?2",
    [R_GET_CONVERSATION] = CONVERSATION_COLUMNS " WHERE id = ?1",
    [R_HAS_EXTERNAL_ID] = "SELECT 1 FROM messages WHERE channel = ?1 AND external_id = ?2",
    [R_MESSAGES] = ALL_WHERE " ORDER BY 13, 1",
    [R_MESSAGES_LAST] = LAST_N(ALL_WHERE),
    [R_CONV_MESSAGES] = CONV_WHERE " ORDER BY 13, 1",
    [R_CONV_MESSAGES_LAST] = LAST_N(CONV_WHERE),
};

/* ---- batches ---- */

#define GROUP_MAX 2048           /* batches in one transaction at most */
#define DEFAULT_DELAY_US 1000
#define DEFAULT_BUSY_MS 5000
#define RETRY_FIRST_MS 10
#define RETRY_MAX_MS 1000
#define RETRY_NOW (-100)         /* a dropped batch took the transaction with it */
#define BATCH_INLINE_OPS 4
#define BATCH_INLINE_BYTES 768
#define CHUNK_BYTES 4096

enum op_kind { OP_CONVERSATION, OP_MESSAGE, OP_HANDOFF, OP_FN };

struct op {
    enum op_kind kind;
    union {
        struct lk_message msg;
        struct lk_conversation_row conv;
        struct {
            int64_t conversation_id, at_ms;
            const char *reason, *summary;
        } handoff;
        struct {
            lk_batch_fn fn;
            void *arg;
            void (*free_arg)(void *);
        } fn;
    } u;
};

/* Strings are copied into an arena: the inline bytes first, then 4 KiB chunks. A usual
 * turn (a conversation and two messages) costs one allocation. */
struct chunk {
    struct chunk *next;
    char data[];
};

struct lk_batch {
    struct lk_batch *next;   /* queue link */
    uint64_t ticket;
    int nops, cap_ops;
    int dropped;             /* rolled back for a permanent error; skipped on retry */
    struct op *ops;          /* inline_ops until it outgrows them */
    char *pos, *end;         /* free part of the current arena block */
    struct chunk *chunks;
    struct op inline_ops[BATCH_INLINE_OPS];
    char inline_bytes[BATCH_INLINE_BYTES];
};

struct lk_store {
    char *path;
    int read_only, sync_full, delay_us;
    _Atomic int busy_ms;                 /* wanted busy timeout */
    int writer_busy_ms;                  /* the one the writer's connection has */
    int schema_version;
    sqlite3 *wdb, *rdb;                  /* writer's and reader's connections */
    sqlite3_stmt *w[W_COUNT], *r[R_COUNT];
    _Atomic int64_t next_conversation_id, next_message_id;

    pthread_mutex_t mu;                  /* guards everything below */
    pthread_cond_t work;                 /* writer: batches queued, or stopping */
    pthread_cond_t done;                 /* waiters: committed advanced */
    struct lk_batch *head, *tail;
    int queued;
    uint64_t submitted;
    _Atomic uint64_t committed;          /* written under mu, read anywhere */
    int stopping, writer_running;
    pthread_t writer;
    void (*on_commit)(void *ud);
    void *on_commit_ud;
    struct lk_store_stats stats;
};

/* Batches are built on one thread and freed on the writer; recycling them spares the
 * allocator that hand-over. The pool is process-wide and bounded; lk_store_close empties it. */
#define POOL_MAX 4096
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lk_batch *pool;
static int pool_len;

struct lk_batch *lk_batch_new(void)
{
    pthread_mutex_lock(&pool_mu);
    struct lk_batch *b = pool;
    if (b) {
        pool = b->next;
        pool_len--;
    }
    pthread_mutex_unlock(&pool_mu);
    if (!b)
        b = lk_xmalloc(sizeof *b);
    b->next = NULL;
    b->ticket = 0;
    b->nops = 0;
    b->cap_ops = BATCH_INLINE_OPS;
    b->dropped = 0;
    b->ops = b->inline_ops;
    b->pos = b->inline_bytes;
    b->end = b->inline_bytes + sizeof b->inline_bytes;
    b->chunks = NULL;
    return b;
}

/* Frees what the batch holds, not the batch. */
static void batch_clear(struct lk_batch *b)
{
    for (int i = 0; i < b->nops; i++)
        if (b->ops[i].kind == OP_FN && b->ops[i].u.fn.free_arg)
            b->ops[i].u.fn.free_arg(b->ops[i].u.fn.arg);
    if (b->ops != b->inline_ops)
        free(b->ops);
    while (b->chunks) {
        struct chunk *c = b->chunks;
        b->chunks = c->next;
        free(c);
    }
}

void lk_batch_free(struct lk_batch *b)
{
    if (!b)
        return;
    batch_clear(b);
    free(b);
}

/* Clears a list of batches and returns them to the pool, freeing what does not fit. */
static void batch_recycle(struct lk_batch *first)
{
    for (struct lk_batch *b = first; b; b = b->next)
        batch_clear(b);
    pthread_mutex_lock(&pool_mu);
    while (first && pool_len < POOL_MAX) {
        struct lk_batch *next = first->next;
        first->next = pool;
        pool = first;
        pool_len++;
        first = next;
    }
    pthread_mutex_unlock(&pool_mu);
    while (first) {
        struct lk_batch *next = first->next;
        free(first);
        first = next;
    }
}

static void pool_drain(void)
{
    pthread_mutex_lock(&pool_mu);
    struct lk_batch *b = pool;
    pool = NULL;
    pool_len = 0;
    pthread_mutex_unlock(&pool_mu);
    while (b) {
        struct lk_batch *next = b->next;
        free(b);
        b = next;
    }
}

static char *chunk_new(struct lk_batch *b, size_t n)
{
    struct chunk *c = lk_xmalloc(sizeof *c + n);
    c->next = b->chunks;
    b->chunks = c;
    return c->data;
}

static char *batch_strdup(struct lk_batch *b, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d;
    if ((size_t)(b->end - b->pos) >= n) {
        d = b->pos;
        b->pos += n;
    } else if (n > CHUNK_BYTES / 4) {
        d = chunk_new(b, n);             /* a big string gets a block of its own */
    } else {
        d = chunk_new(b, CHUNK_BYTES);
        b->pos = d + n;
        b->end = d + CHUNK_BYTES;
    }
    memcpy(d, s, n);
    return d;
}

static struct op *batch_op(struct lk_batch *b, enum op_kind kind)
{
    if (b->nops == b->cap_ops) {
        size_t cap = (size_t)b->cap_ops * 2;
        if (b->ops == b->inline_ops) {
            b->ops = lk_xmalloc(cap * sizeof *b->ops);
            memcpy(b->ops, b->inline_ops, sizeof b->inline_ops);
        } else {
            b->ops = lk_xrealloc(b->ops, cap * sizeof *b->ops);
        }
        b->cap_ops = (int)cap;
    }
    struct op *o = &b->ops[b->nops++];
    o->kind = kind;
    return o;
}

void lk_batch_add_message(struct lk_batch *b, const struct lk_message *m)
{
    struct lk_message *d = &batch_op(b, OP_MESSAGE)->u.msg;
    *d = *m;
    d->channel = batch_strdup(b, m->channel);
    d->text = batch_strdup(b, m->text);
    d->payload = batch_strdup(b, m->payload);
    d->flow = batch_strdup(b, m->flow);
    d->node = batch_strdup(b, m->node);
    d->external_id = batch_strdup(b, m->external_id);
    d->status = batch_strdup(b, m->status);
}

void lk_batch_put_conversation(struct lk_batch *b, const struct lk_conversation_row *c)
{
    struct lk_conversation_row *d = &batch_op(b, OP_CONVERSATION)->u.conv;
    *d = *c;
    d->channel = batch_strdup(b, c->channel);
    d->address = batch_strdup(b, c->address);
    d->flow = batch_strdup(b, c->flow);
    d->node = batch_strdup(b, c->node);
    d->vars = batch_strdup(b, c->vars);
    d->lang = batch_strdup(b, c->lang);
    d->history = batch_strdup(b, c->history);
    d->status = batch_strdup(b, c->status);
}

void lk_batch_add_handoff(struct lk_batch *b, int64_t conversation_id, const char *reason,
                          const char *summary, int64_t at_ms)
{
    struct op *o = batch_op(b, OP_HANDOFF);
    o->u.handoff.conversation_id = conversation_id;
    o->u.handoff.at_ms = at_ms;
    o->u.handoff.reason = batch_strdup(b, reason);
    o->u.handoff.summary = batch_strdup(b, summary);
}

void lk_batch_add_fn(struct lk_batch *b, lk_batch_fn fn, void *arg, void (*free_arg)(void *))
{
    struct op *o = batch_op(b, OP_FN);
    o->u.fn.fn = fn;
    o->u.fn.arg = arg;
    o->u.fn.free_arg = free_arg;
}

/* ---- the writer: statements for each kind of op ---- */

static int step_reset(sqlite3_stmt *pStmt)
{
    int rc = sqlite3_step(pStmt);
    sqlite3_reset(pStmt);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Strings live in the batch until the statement is reset, so nothing is copied. */
static void bind_text(sqlite3_stmt *pStmt, int i, const char *z)
{
    sqlite3_bind_text(pStmt, i, z, -1, SQLITE_STATIC);
}

static int write_conversation(struct lk_store *st, const struct lk_conversation_row *c)
{
    sqlite3_stmt *pStmt = st->w[W_PUT_CONVERSATION];
    sqlite3_bind_int64(pStmt, 1, c->id);
    bind_text(pStmt, 2, c->channel);
    bind_text(pStmt, 3, c->address);
    bind_text(pStmt, 4, c->flow);
    bind_text(pStmt, 5, c->node);
    bind_text(pStmt, 6, c->vars);
    bind_text(pStmt, 7, c->lang);
    bind_text(pStmt, 8, c->history);
    bind_text(pStmt, 9, c->status);
    sqlite3_bind_int64(pStmt, 10, c->flow_version);
    sqlite3_bind_int64(pStmt, 11, c->created_ms);
    sqlite3_bind_int64(pStmt, 12, c->updated_ms);
    sqlite3_bind_int(pStmt, 13, c->misunderstood);
    return step_reset(pStmt);
}

static int write_message(struct lk_store *st, const struct lk_message *m)
{
    sqlite3_stmt *pStmt = st->w[W_ADD_MESSAGE];
    sqlite3_bind_int64(pStmt, 1, m->id);
    sqlite3_bind_int64(pStmt, 2, m->conversation_id);
    bind_text(pStmt, 3, m->channel);
    bind_text(pStmt, 4, m->direction == LK_OUT ? "out" : "in");
    bind_text(pStmt, 5, m->text);
    bind_text(pStmt, 6, m->payload);
    bind_text(pStmt, 7, m->flow);
    bind_text(pStmt, 8, m->node);
    sqlite3_bind_int64(pStmt, 9, m->flow_version);
    sqlite3_bind_int64(pStmt, 10, m->at_ms);
    bind_text(pStmt, 11, m->external_id);
    bind_text(pStmt, 12, m->status);
    return step_reset(pStmt);
}

static int write_op(struct lk_store *st, const struct op *o)
{
    sqlite3_stmt *pStmt;
    switch (o->kind) {
    case OP_CONVERSATION:
        return write_conversation(st, &o->u.conv);
    case OP_MESSAGE:
        return write_message(st, &o->u.msg);
    case OP_HANDOFF:
        pStmt = st->w[W_ADD_HANDOFF];
        sqlite3_bind_int64(pStmt, 1, o->u.handoff.conversation_id);
        bind_text(pStmt, 2, o->u.handoff.reason);
        bind_text(pStmt, 3, o->u.handoff.summary);
        sqlite3_bind_int64(pStmt, 4, o->u.handoff.at_ms);
        return step_reset(pStmt);
    case OP_FN:
        return o->u.fn.fn(st->wdb, o->u.fn.arg);
    }
    return SQLITE_MISUSE;
}

/* Conversation rows first, so the other ops of the batch may refer to them. */
static int write_ops(struct lk_store *st, const struct lk_batch *b)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < b->nops; i++) {
            if ((b->ops[i].kind == OP_CONVERSATION) != (pass == 0))
                continue;
            int rc = write_op(st, &b->ops[i]);
            if (rc != SQLITE_OK)
                return rc;
        }
    }
    return SQLITE_OK;
}

/* ---- the writer: groups, savepoints, retries ---- */

/* Errors that say nothing about the batch itself: the group is retried later. */
static int is_transient(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
        return 1;
    }
    return 0;
}

static const char *describe(sqlite3 *db, int rc)
{
    return sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

static void drop_batch(struct lk_store *st, struct lk_batch *b, int rc)
{
    lk_error("store: batch %llu rolled back and dropped (not retried): %s (code %d)",
             (unsigned long long)b->ticket, describe(st->wdb, rc), rc);
    b->dropped = 1;
    pthread_mutex_lock(&st->mu);
    st->stats.dropped++;
    pthread_mutex_unlock(&st->mu);
}

/* Runs one batch inside its savepoint. A permanent error rolls the batch back alone;
 * a transient one is returned for the whole group to retry. */
static int write_batch(struct lk_store *st, struct lk_batch *b)
{
    int rc = step_reset(st->w[W_SAVEPOINT]);
    if (rc != SQLITE_OK)
        return rc;
    rc = write_ops(st, b);
    if (rc == SQLITE_OK)
        return step_reset(st->w[W_RELEASE]);
    if (is_transient(rc))
        return rc;
    drop_batch(st, b, rc);
    if (sqlite3_get_autocommit(st->wdb))
        return RETRY_NOW;
    rc = step_reset(st->w[W_ROLLBACK_TO]);
    if (rc == SQLITE_OK)
        rc = step_reset(st->w[W_RELEASE]);
    return rc;
}

/* One attempt at a group: SQLITE_OK once committed, else an error and an open
 * transaction may be left for the caller to roll back. */
static int write_group(struct lk_store *st, struct lk_batch *first, int n)
{
    int busy_ms = atomic_load(&st->busy_ms);
    if (busy_ms != st->writer_busy_ms)
        sqlite3_busy_timeout(st->wdb, st->writer_busy_ms = busy_ms);
    int rc = step_reset(st->w[W_BEGIN]);
    if (rc != SQLITE_OK)
        return rc;
    struct lk_batch *b = first;
    for (int i = 0; i < n; i++, b = b->next) {
        if (b->dropped)
            continue;
        rc = write_batch(st, b);
        if (rc != SQLITE_OK)
            return rc;
    }
    return step_reset(st->w[W_COMMIT]);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Commits the group, retrying with backoff until it goes through: the error is logged
 * once, and once more when it clears. */
static void commit_group(struct lk_store *st, struct lk_batch *first, int n)
{
    int delay_ms = RETRY_FIRST_MS, retries = 0;
    for (;;) {
        int rc = write_group(st, first, n);
        if (rc == SQLITE_OK)
            break;
        if (rc != RETRY_NOW && retries == 0)
            lk_error("store: cannot commit to %s: %s (code %d); retrying, turns wait meanwhile",
                     st->path, describe(st->wdb, rc), rc);
        if (!sqlite3_get_autocommit(st->wdb))
            step_reset(st->w[W_ROLLBACK]);
        if (rc == RETRY_NOW)
            continue;
        retries++;
        pthread_mutex_lock(&st->mu);
        st->stats.retries++;
        pthread_mutex_unlock(&st->mu);
        sleep_ms(delay_ms);
        delay_ms = delay_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : delay_ms * 2;
    }
    if (retries)
        lk_warn("store: writes to %s recovered after %d retries", st->path, retries);
}

/* Advances the ticket, wakes the waiters, tells the hook, frees the group. */
static void finish_group(struct lk_store *st, struct lk_batch *first, int n)
{
    struct lk_batch *last = first;
    for (int i = 1; i < n; i++)
        last = last->next;
    pthread_mutex_lock(&st->mu);
    atomic_store(&st->committed, last->ticket);
    st->stats.commits++;
    st->stats.batches += (uint64_t)n;
    void (*cb)(void *) = st->on_commit;
    void *ud = st->on_commit_ud;
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->mu);
    if (cb)
        cb(ud);
    batch_recycle(first);
}

static void deadline_after(struct timespec *ts, int64_t us)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    int64_t ns = ts->tv_nsec + (us % 1000000) * 1000;
    ts->tv_sec += (time_t)(us / 1000000 + ns / 1000000000);
    ts->tv_nsec = (long)(ns % 1000000000);
}

/* With mu held and something queued: waits up to the group delay for more, then
 * detaches up to GROUP_MAX batches from the queue. */
static struct lk_batch *take_group(struct lk_store *st, int *n)
{
    if (st->delay_us > 0 && !st->stopping) {
        struct timespec deadline;
        deadline_after(&deadline, st->delay_us);
        while (st->queued < GROUP_MAX && !st->stopping)
            if (pthread_cond_timedwait(&st->work, &st->mu, &deadline) == ETIMEDOUT)
                break;
    }
    struct lk_batch *first = st->head, *last = first;
    *n = st->queued < GROUP_MAX ? st->queued : GROUP_MAX;
    for (int i = 1; i < *n; i++)
        last = last->next;
    st->head = last->next;
    if (!st->head)
        st->tail = NULL;
    last->next = NULL;
    st->queued -= *n;
    return first;
}

static void *writer_main(void *arg)
{
    struct lk_store *st = arg;
    pthread_mutex_lock(&st->mu);
    for (;;) {
        while (!st->head && !st->stopping)
            pthread_cond_wait(&st->work, &st->mu);
        if (!st->head)
            break;                       /* stopping, and everything is committed */
        int n;
        struct lk_batch *first = take_group(st, &n);
        pthread_mutex_unlock(&st->mu);
        commit_group(st, first, n);
        finish_group(st, first, n);
        pthread_mutex_lock(&st->mu);
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

uint64_t lk_store_submit(struct lk_store *st, struct lk_batch *b)
{
    if (st->read_only) {
        lk_error("store: %s is open read-only; a batch of writes was dropped", st->path);
        lk_batch_free(b);
        return 0;
    }
    b->next = NULL;
    pthread_mutex_lock(&st->mu);
    uint64_t t = b->ticket = ++st->submitted;
    if (st->tail)
        st->tail->next = b;
    else
        st->head = b;
    st->tail = b;
    st->queued++;
    /* The writer sleeps on an empty queue, or gathers until the group is full. */
    if (st->queued == 1 || st->queued == GROUP_MAX)
        pthread_cond_signal(&st->work);
    pthread_mutex_unlock(&st->mu);
    return t;
}

uint64_t lk_store_committed(struct lk_store *st)
{
    return atomic_load(&st->committed);
}

int lk_store_wait(struct lk_store *st, uint64_t t, int timeout_ms)
{
    if (atomic_load(&st->committed) >= t)
        return LK_OK;
    struct timespec deadline;
    if (timeout_ms >= 0)
        deadline_after(&deadline, (int64_t)timeout_ms * 1000);
    int ret = LK_OK;
    pthread_mutex_lock(&st->mu);
    while (atomic_load(&st->committed) < t) {
        if (timeout_ms < 0) {
            pthread_cond_wait(&st->done, &st->mu);
        } else if (pthread_cond_timedwait(&st->done, &st->mu, &deadline) == ETIMEDOUT) {
            ret = atomic_load(&st->committed) >= t ? LK_OK : LK_EBUSY;
            break;
        }
    }
    pthread_mutex_unlock(&st->mu);
    return ret;
}

void lk_store_on_commit(struct lk_store *st, void (*cb)(void *ud), void *ud)
{
    pthread_mutex_lock(&st->mu);
    st->on_commit = cb;
    st->on_commit_ud = ud;
    pthread_mutex_unlock(&st->mu);
}

void lk_store_stats(struct lk_store *st, struct lk_store_stats *out)
{
    pthread_mutex_lock(&st->mu);
    *out = st->stats;
    pthread_mutex_unlock(&st->mu);
}

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

/* An existing file must be a regular file that is empty or starts with SQLite's magic. */
static int check_file(const char *path, int must_exist, struct lk_error *err)
{
    static const char magic[16] = "SQLite format 3";
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT && !must_exist)
            return LK_OK;
        if (errno == ENOENT) {
            lk_error_set(err, "Berkas basis data tidak ada: %s / The database file does not "
                              "exist: %s", path, path);
            return LK_ERR;
        }
        set_cannot_open(err, path, strerror(errno));
        return LK_ERR;
    }
    if (!S_ISREG(sb.st_mode)) {
        set_cannot_open(err, path, "bukan berkas biasa / not a regular file");
        return LK_ERR;
    }
    char head[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_cannot_open(err, path, strerror(errno));
        return LK_ERR;
    }
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n != 0 && (n != (ssize_t)sizeof head || memcmp(head, magic, sizeof magic) != 0)) {
        set_corrupt(err, path, "no SQLite header");
        return LK_ERR;
    }
    return LK_OK;
}

static int open_connection(struct lk_store *st, int flags, sqlite3 **pDb, struct lk_error *err)
{
    int rc = sqlite3_open_v2(st->path, pDb, flags | SQLITE_OPEN_NOMUTEX, NULL);
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
    char zSql[200];
    snprintf(zSql, sizeof zSql,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
             " PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
             " PRAGMA journal_size_limit=67108864;",
             st->sync_full ? "FULL" : "NORMAL");
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

/* Runs the pending migrations in one transaction: the file is at the old version or the
 * new one, never between. */
static int migrate(struct lk_store *st, struct lk_error *err)
{
    int64_t version = 0;
    int rc = sqlite3_exec(st->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = query_int(st->wdb, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK)
        goto fail;
    if (version > N_MIGRATIONS) {
        lk_error_set(err, "Basis data %s dibuat oleh Loket yang lebih baru (skema %lld, program "
                          "ini mengenal %d) / The database %s was made by a newer Loket "
                          "(schema %lld, this program knows %d)",
                     st->path, (long long)version, N_MIGRATIONS, st->path, (long long)version,
                     N_MIGRATIONS);
        sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
        return LK_ERR;
    }
    int from = (int)version;
    for (; version < N_MIGRATIONS && rc == SQLITE_OK; version++) {
        char zSql[64];
        snprintf(zSql, sizeof zSql, "PRAGMA user_version=%d", (int)version + 1);
        rc = sqlite3_exec(st->wdb, migrations[version], NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(st->wdb, zSql, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK || (rc = sqlite3_exec(st->wdb, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
        goto fail;
    if (from != N_MIGRATIONS)
        lk_info("store: %s migrated from schema %d to %d", st->path, from, N_MIGRATIONS);
    st->schema_version = N_MIGRATIONS;
    return LK_OK;
fail:
    lk_error_set(err, "Migrasi skema basis data %s gagal: %s / Migrating the schema of the "
                      "database %s failed: %s",
                 st->path, sqlite3_errmsg(st->wdb), st->path, sqlite3_errmsg(st->wdb));
    if (!sqlite3_get_autocommit(st->wdb))
        sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
    return LK_ERR;
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
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (open_connection(st, flags, &st->wdb, err))
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
    return prepare_all(st, st->wdb, writer_sql, W_COUNT, st->w, err);
}

/* The reader: read-only always. In read_only mode it is the only connection. */
static int open_reader(struct lk_store *st, struct lk_error *err)
{
    if (st->read_only && check_file(st->path, 1, err))
        return LK_ERR;
    if (open_connection(st, SQLITE_OPEN_READONLY, &st->rdb, err))
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

struct lk_store *lk_store_open(const struct lk_store_options *opt, struct lk_error *err)
{
    lk_error_clear(err);
    if (!opt || !opt->path || !opt->path[0]) {
        lk_error_set(err, "Jalur basis data kosong / The database path is empty");
        return NULL;
    }
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    struct lk_store *st = lk_xcalloc(1, sizeof *st);
    st->path = lk_strdup(opt->path);
    st->read_only = opt->read_only;
    st->sync_full = opt->sync_full;
    st->delay_us = opt->group_delay_us ? opt->group_delay_us : DEFAULT_DELAY_US;
    st->busy_ms = st->writer_busy_ms = DEFAULT_BUSY_MS;
    init_sync(st);
    if (!st->read_only && open_writer(st, err))
        goto fail;
    if (open_reader(st, err))
        goto fail;
    init_ids(st);
    if (!st->read_only) {
        int rc = pthread_create(&st->writer, NULL, writer_main, st);
        if (rc != 0) {
            lk_error_set(err, "Tidak dapat memulai penulis basis data: %s / Cannot start the "
                              "database writer: %s", strerror(rc), strerror(rc));
            goto fail;
        }
        st->writer_running = 1;
    }
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
    if (st->writer_running) {
        pthread_mutex_lock(&st->mu);
        st->stopping = 1;
        pthread_cond_signal(&st->work);
        pthread_mutex_unlock(&st->mu);
        pthread_join(st->writer, NULL);
    }
    close_connection(st, st->rdb, st->r, R_COUNT);
    close_connection(st, st->wdb, st->w, W_COUNT);  /* last: checkpoints the WAL */
    pthread_cond_destroy(&st->work);
    pthread_cond_destroy(&st->done);
    pthread_mutex_destroy(&st->mu);
    free(st->path);
    free(st);
    pool_drain();
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
    int which = f->conversation_id ? R_CONV_MESSAGES : R_MESSAGES;
    sqlite3_stmt *pStmt = st->r[which + (f->limit > 0)];
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
