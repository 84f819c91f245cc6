/* The store's writer: batches (a turn's writes, copied into an arena), the queue, and
 * the thread that commits them in groups, one transaction a group and one savepoint a
 * batch, retrying the group on busy/full/I-O errors and dropping a batch alone on any
 * other. Schema, open and reads are store.c's. */
#include "log.h"
#include "loket.h"
#include "store.h"
#include "store_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const lk_store_writer_sql[W_COUNT] = {
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
        " status, flow_version, created_at, updated_at, misunderstood, last_message_id)"
        " VALUES(?1, ?2, ?3, ?4, ?5, coalesce(?6, '{}'), coalesce(?7, 'id'),"
        " coalesce(?8, '[]'), coalesce(?9, 'active'), ?10, ?11, ?12, ?13, nullif(?14, 0))"
        " ON CONFLICT(id) DO UPDATE SET flow = excluded.flow, node = excluded.node,"
        " vars = excluded.vars, lang = excluded.lang, history = excluded.history,"
        " status = excluded.status, flow_version = excluded.flow_version,"
        " updated_at = excluded.updated_at, misunderstood = excluded.misunderstood,"
        " last_message_id = excluded.last_message_id",
    /* Only a repeated external id is ignored; any other violation is an error. */
    [W_ADD_MESSAGE] =
        "INSERT INTO messages(id, conversation_id, channel, direction, text, payload, flow,"
        " node, flow_version, created_at, external_id, status, prev_id)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, nullif(?13, 0))"
        " ON CONFLICT(channel, external_id) WHERE external_id IS NOT NULL DO NOTHING",
    [W_ADD_HANDOFF] =
        "INSERT INTO handoffs(conversation_id, reason, summary, created_at)"
        " VALUES(?1, ?2, ?3, ?4)",
};

#define GROUP_MAX 2048           /* batches in one transaction at most */
#define RETRY_FIRST_MS 10
#define RETRY_MAX_MS 1000
#define RETRY_NOW (-100)         /* a dropped batch took the transaction with it */
#define RETRY_CAREFUL (-101)     /* a batch failed: redo the group a savepoint a batch */
#define BATCH_INLINE_OPS 4
#define BATCH_INLINE_BYTES 2048
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
 * turn (a conversation and two or three messages, ~1 KiB) fits the inline bytes, and its
 * batch comes from the free list below, so it costs no allocation. */
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

/* Spent batches wait in a free list for the next turns instead of going back to malloc:
 * a turn's batch is too big for malloc's per-thread caches and is freed on the writer
 * thread, so each malloc and free would take the arena's lock. 256 cover most of a group
 * at a thousand busy conversations and keep 0.7 MiB at most when all is quiet. */
#define POOL_MAX 256
static struct {
    pthread_mutex_t mu;
    struct lk_batch *head;
    int n;
} pool = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

static void batch_init(struct lk_batch *b)
{
    b->next = NULL;
    b->ticket = 0;
    b->nops = 0;
    b->cap_ops = BATCH_INLINE_OPS;
    b->dropped = 0;
    b->ops = b->inline_ops;
    b->pos = b->inline_bytes;
    b->end = b->inline_bytes + sizeof b->inline_bytes;
    b->chunks = NULL;
}

struct lk_batch *lk_batch_new(void)
{
    pthread_mutex_lock(&pool.mu);
    struct lk_batch *b = pool.head;
    if (b) {
        pool.head = b->next;
        pool.n--;
    }
    pthread_mutex_unlock(&pool.mu);
    if (!b)
        b = lk_xmalloc(sizeof *b);
    batch_init(b);
    return b;
}

/* Frees what the batch holds beyond its own block. */
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

/* Gives a list of spent batches to the free list, freeing those beyond its room. */
static void batches_recycle(struct lk_batch *list)
{
    struct lk_batch *keep = NULL, *keep_last = NULL;
    int n_keep = 0;
    pthread_mutex_lock(&pool.mu);
    int room = POOL_MAX - pool.n;
    pthread_mutex_unlock(&pool.mu);
    while (list) {
        struct lk_batch *b = list;
        list = b->next;
        if (n_keep >= room) {
            lk_batch_free(b);
            continue;
        }
        batch_clear(b);
        b->next = keep;
        keep = b;
        if (!keep_last)
            keep_last = b;
        n_keep++;
    }
    if (!keep)
        return;
    pthread_mutex_lock(&pool.mu);
    keep_last->next = pool.head;
    pool.head = keep;
    pool.n += n_keep;
    pthread_mutex_unlock(&pool.mu);
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

/* ---- statements for each kind of op ---- */

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
    sqlite3_bind_int64(pStmt, 14, c->last_message_id);
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
    sqlite3_bind_int64(pStmt, 13, m->prev_id);
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

/* ---- groups, savepoints, retries ---- */

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
 * transaction may be left for the caller to roll back. The first attempt runs without
 * savepoints (they cost 10-15 % of the writer); only when a batch fails is the group
 * done again carefully, one savepoint a batch, so the failing batch is dropped alone. */
static int write_group(struct lk_store *st, struct lk_batch *first, int n, int careful)
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
        rc = careful ? write_batch(st, b) : write_ops(st, b);
        if (rc != SQLITE_OK)
            return careful || is_transient(rc) ? rc : RETRY_CAREFUL;
    }
    return step_reset(st->w[W_COMMIT]);
}

/* Commits the group, retrying with backoff until it goes through: the error is logged
 * once, and once more when it clears. */
static void commit_group(struct lk_store *st, struct lk_batch *first, int n)
{
    int delay_ms = RETRY_FIRST_MS, retries = 0, careful = 0;
    for (;;) {
        int rc = write_group(st, first, n, careful);
        if (rc == SQLITE_OK)
            break;
        careful |= rc == RETRY_CAREFUL;
        if (rc == RETRY_CAREFUL)
            rc = RETRY_NOW;
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
        lk_sleep_ms(delay_ms);
        delay_ms = delay_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : delay_ms * 2;
    }
    if (retries)
        lk_warn("store: writes to %s recovered after %d retries", st->path, retries);
}

/* Counts the group, hands its last ticket on (to the syncer, or straight to the waiters
 * when every COMMIT syncs), frees it. */
static void finish_group(struct lk_store *st, struct lk_batch *first, int n)
{
    struct lk_batch *last = first;
    for (int i = 1; i < n; i++)
        last = last->next;
    pthread_mutex_lock(&st->mu);
    st->stats.commits++;
    st->stats.batches += (uint64_t)n;
    pthread_mutex_unlock(&st->mu);
    if (st->syncer_running)
        lk_store_syncer_written(st, last->ticket);
    else
        lk_store_release(st, last->ticket);
    batches_recycle(first);
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

/* SQLite's WAL hook, called inside each COMMIT; replaces the autocheckpoint. */
static int on_wal(void *arg, sqlite3 *db, const char *zDb, int nFrame)
{
    (void)db;
    (void)zDb;
    ((struct lk_store *)arg)->wal_frames = nFrame;
    return SQLITE_OK;
}

static void *writer_main(void *arg)
{
    pthread_setname_np(pthread_self(), "loket-writer");
    struct lk_store *st = arg;
    sqlite3_wal_hook(st->wdb, on_wal, st);
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
        lk_store_walbuf_check(st->wdb);
        finish_group(st, first, n);
        lk_store_checkpoint(st);
        pthread_mutex_lock(&st->mu);
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

/* ---- the interface: submit, wait, hooks ---- */

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

int lk_store_writer_start(struct lk_store *st, struct lk_error *err)
{
    lk_store_syncer_start(st);           /* without it, each COMMIT syncs */
    lk_store_checkpointer_start(st);     /* without it, the writer checkpoints alone */
    int rc = pthread_create(&st->writer, NULL, writer_main, st);
    if (rc != 0) {
        lk_store_syncer_stop(st);
        lk_store_checkpointer_stop(st);
        lk_error_set(err, "Tidak dapat memulai penulis basis data: %s / Cannot start the "
                          "database writer: %s", strerror(rc), strerror(rc));
        return LK_ERR;
    }
    st->writer_running = 1;
    return LK_OK;
}

void lk_store_writer_stop(struct lk_store *st)
{
    if (st->writer_running) {
        pthread_mutex_lock(&st->mu);
        st->stopping = 1;
        pthread_cond_signal(&st->work);
        pthread_mutex_unlock(&st->mu);
        pthread_join(st->writer, NULL);
        st->writer_running = 0;
    }
    lk_store_syncer_stop(st);
    lk_store_checkpointer_stop(st);
}
