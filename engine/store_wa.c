/* The WhatsApp connector's tables: the inbox (de-duplication by message id, messages not
 * yet run through the flows), the outbox (every reply before it is sent, and what the Graph
 * API said) and the delivery statuses. Writes run as batch functions on the store's writer
 * thread; reads use the reader connection at start. The schema itself is migration 2 in
 * store.c's list. Deciding what to write is whatsapp.c's. */
#include "wa_internal.h"
#include "log.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Status order: a late "sent" must not undo "read"; failed wins. */
#define RANK(x) "CASE " x " WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 " \
                "WHEN 'played' THEN 4 WHEN 'failed' THEN 9 ELSE 0 END"

const char lk_wa_schema_sql[] =
    "CREATE TABLE wa_inbox(\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  wamid TEXT NOT NULL UNIQUE,\n"
    "  phone_number_id TEXT NOT NULL,\n"
    "  sender TEXT NOT NULL,\n"
    "  type TEXT NOT NULL,\n"
    "  kind TEXT,\n"
    "  text TEXT,\n"
    "  choice_id TEXT,\n"
    "  payload TEXT,\n"
    "  sent_at INTEGER NOT NULL DEFAULT 0,\n"
    "  received_at INTEGER NOT NULL,\n"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending', 'done')));\n"
    "CREATE INDEX wa_inbox_pending ON wa_inbox(seq) WHERE state = 'pending';\n"
    "CREATE INDEX wa_inbox_received ON wa_inbox(received_at);\n"
    "CREATE TABLE wa_outbox(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  message_id INTEGER,\n"
    "  inbox_wamid TEXT,\n"
    "  phone_number_id TEXT NOT NULL,\n"
    "  recipient TEXT NOT NULL,\n"
    "  body TEXT NOT NULL,\n"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending', 'sent', 'failed')),\n"
    "  attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  wamid TEXT,\n"
    "  status TEXT,\n"
    "  error TEXT,\n"
    "  created_at INTEGER NOT NULL,\n"
    "  updated_at INTEGER NOT NULL);\n"
    "CREATE INDEX wa_outbox_pending ON wa_outbox(id) WHERE state = 'pending';\n"
    "CREATE UNIQUE INDEX wa_outbox_wamid ON wa_outbox(wamid) WHERE wamid IS NOT NULL;\n"
    "CREATE INDEX wa_outbox_message ON wa_outbox(message_id);\n"
    "CREATE TABLE wa_statuses(\n"
    "  wamid TEXT PRIMARY KEY,\n"
    "  status TEXT NOT NULL,\n"
    "  error TEXT,\n"
    "  recipient TEXT,\n"
    "  at INTEGER NOT NULL,\n"
    "  updated_at INTEGER NOT NULL) WITHOUT ROWID;\n";

enum {
    W_IN_INSERT, W_IN_DONE, W_OUT_INSERT, W_MSG_QUEUED, W_OUT_RESULT, W_MSG_SENT,
    W_MSG_FAILED, W_ST_UPSERT, W_ST_OUTBOX, W_ST_MESSAGE, W_ST_EXISTS, W_PRUNE_IN, W_PRUNE_ST,
    W_COUNT
};

static const char *const writer_sql[W_COUNT] = {
    [W_IN_INSERT] = "INSERT OR IGNORE INTO wa_inbox(wamid, phone_number_id, sender, type, "
                    "kind, text, choice_id, payload, sent_at, received_at, state) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
    [W_IN_DONE] = "UPDATE wa_inbox SET state = 'done' WHERE wamid = ?",
    [W_OUT_INSERT] = "INSERT INTO wa_outbox(id, message_id, inbox_wamid, phone_number_id, "
                     "recipient, body, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
    [W_MSG_QUEUED] = "UPDATE messages SET status = 'queued' WHERE id = ? AND status IS NULL",
    [W_OUT_RESULT] = "UPDATE wa_outbox SET state = ?2, attempts = ?3, "
                     "wamid = COALESCE(?4, wamid), error = ?5, updated_at = ?6 WHERE id = ?1",
    [W_MSG_SENT] = "UPDATE messages SET external_id = COALESCE(external_id, ?2), "
                   "status = CASE WHEN status IS NULL OR status = 'queued' THEN 'sent' "
                   "ELSE status END WHERE id = ?1",
    [W_MSG_FAILED] = "UPDATE messages SET status = 'failed', error = ?2 WHERE id = ?1",
    [W_ST_UPSERT] = "INSERT INTO wa_statuses(wamid, status, error, recipient, at, updated_at) "
                    "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(wamid) DO UPDATE SET "
                    "status = excluded.status, error = COALESCE(excluded.error, error), "
                    "at = excluded.at, updated_at = excluded.updated_at "
                    "WHERE " RANK("excluded.status") " >= " RANK("status"),
    [W_ST_OUTBOX] = "UPDATE wa_outbox SET status = s.status, "
                    "error = COALESCE(s.error, wa_outbox.error) "
                    "FROM wa_statuses AS s WHERE s.wamid = ?1 AND wa_outbox.wamid = ?1",
    [W_ST_MESSAGE] = "UPDATE messages SET status = s.status, "
                     "error = COALESCE(s.error, messages.error) "
                     "FROM wa_statuses AS s, wa_outbox AS o "
                     "WHERE s.wamid = ?1 AND o.wamid = ?1 AND messages.id = o.message_id "
                     "AND " RANK("s.status") " >= " RANK("messages.status"),
    [W_ST_EXISTS] = "SELECT 1 FROM wa_statuses WHERE wamid = ?",
    [W_PRUNE_IN] = "DELETE FROM wa_inbox WHERE state = 'done' AND received_at < ?",
    [W_PRUNE_ST] = "DELETE FROM wa_statuses WHERE updated_at < ?",
};

/* The writer's statements, prepared once on first use (only the writer thread calls the
 * batch functions) and finalized by the connector's last batch. */
static struct {
    sqlite3 *db;
    sqlite3_stmt *s[W_COUNT];
} cache;

static sqlite3_stmt *stmt(sqlite3 *db, int i)
{
    if (cache.db != db) {
        memset(&cache, 0, sizeof cache); /* another store: the old one is closed */
        cache.db = db;
    }
    if (!cache.s[i] && sqlite3_prepare_v3(db, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                          &cache.s[i], NULL) != SQLITE_OK) {
        lk_error("whatsapp: store: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return cache.s[i];
}

static int run(sqlite3_stmt *p)
{
    int rc = sqlite3_step(p);
    sqlite3_reset(p);
    sqlite3_clear_bindings(p);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void bind_text(sqlite3_stmt *p, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(p, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(p, i);
}

/* Applies the stored status of wamid to its outbox row and transcript message. */
static int apply_status(sqlite3 *db, const char *wamid)
{
    sqlite3_stmt *po = stmt(db, W_ST_OUTBOX), *pm = stmt(db, W_ST_MESSAGE);
    if (!po || !pm)
        return SQLITE_ERROR;
    bind_text(po, 1, wamid);
    int rc = run(po);
    if (rc == SQLITE_OK) {
        bind_text(pm, 1, wamid);
        rc = run(pm);
    }
    return rc;
}

/* ---- the webhook: inbox rows and statuses ---- */

struct webhook_arg {
    struct lk_wa_webhook *w;
    int64_t now_ms;
};

static int insert_inbound(sqlite3 *db, const struct lk_wa_inbound *m, int64_t now_ms)
{
    sqlite3_stmt *p = stmt(db, W_IN_INSERT);
    if (!p)
        return SQLITE_ERROR;
    bind_text(p, 1, m->wamid);
    bind_text(p, 2, m->phone_number_id);
    bind_text(p, 3, m->from ? m->from : "");
    bind_text(p, 4, m->type);
    bind_text(p, 5, m->kind);
    bind_text(p, 6, m->text);
    bind_text(p, 7, m->choice_id);
    bind_text(p, 8, m->payload);
    sqlite3_bind_int64(p, 9, m->at_ms);
    sqlite3_bind_int64(p, 10, now_ms);
    bind_text(p, 11, m->feed ? "pending" : "done");
    return run(p);
}

static int write_status(sqlite3 *db, const struct lk_wa_status *s, int64_t now_ms)
{
    sqlite3_stmt *p = stmt(db, W_ST_UPSERT);
    if (!p)
        return SQLITE_ERROR;
    bind_text(p, 1, s->wamid);
    bind_text(p, 2, s->status);
    bind_text(p, 3, s->error);
    bind_text(p, 4, s->recipient);
    sqlite3_bind_int64(p, 5, s->at_ms ? s->at_ms : now_ms);
    sqlite3_bind_int64(p, 6, now_ms);
    int rc = run(p);
    return rc == SQLITE_OK ? apply_status(db, s->wamid) : rc;
}

static int webhook_fn(void *db, void *argp)
{
    struct webhook_arg *a = argp;
    struct lk_wa_webhook *w = a->w;
    int rc = SQLITE_OK;
    for (size_t i = 0; i < w->n_msgs && rc == SQLITE_OK; i++) {
        rc = insert_inbound(db, &w->msgs[i], a->now_ms);
        w->msgs[i].is_new = rc == SQLITE_OK && sqlite3_changes(db) == 1;
    }
    for (size_t i = 0; i < w->n_statuses && rc == SQLITE_OK; i++)
        rc = write_status(db, &w->statuses[i], a->now_ms);
    w->stored = rc == SQLITE_OK;
    return rc;
}

void lk_wa_batch_webhook(struct lk_batch *b, struct lk_wa_webhook *w, int64_t now_ms)
{
    struct webhook_arg *a = lk_xmalloc(sizeof *a);
    a->w = w;
    a->now_ms = now_ms;
    lk_batch_add_fn(b, webhook_fn, a, free);
}

/* ---- a turn: inbox row done, outbox rows in ---- */

struct turn_arg {
    char *wamid;
    struct lk_wa_job **jobs;
    size_t n;
    int64_t now_ms;
    int *stored;
};

static int turn_fn(void *db, void *argp)
{
    struct turn_arg *a = argp;
    sqlite3_stmt *pd = stmt(db, W_IN_DONE), *po = stmt(db, W_OUT_INSERT),
                 *pq = stmt(db, W_MSG_QUEUED);
    if (!pd || !po || !pq)
        return SQLITE_ERROR;
    int rc = SQLITE_OK;
    if (a->wamid) {
        bind_text(pd, 1, a->wamid);
        rc = run(pd);
    }
    for (size_t i = 0; i < a->n && rc == SQLITE_OK; i++) {
        const struct lk_wa_job *j = a->jobs[i];
        sqlite3_bind_int64(po, 1, j->outbox_id);
        if (j->message_id)
            sqlite3_bind_int64(po, 2, j->message_id);
        bind_text(po, 3, a->wamid);
        bind_text(po, 4, j->phone_number_id);
        bind_text(po, 5, j->recipient);
        bind_text(po, 6, j->body);
        sqlite3_bind_int64(po, 7, a->now_ms);
        sqlite3_bind_int64(po, 8, a->now_ms);
        rc = run(po);
        if (rc == SQLITE_OK && j->message_id) {
            sqlite3_bind_int64(pq, 1, j->message_id);
            rc = run(pq);
        }
    }
    if (a->stored)
        *a->stored = rc == SQLITE_OK;
    return rc;
}

static void turn_free(void *argp)
{
    struct turn_arg *a = argp;
    free(a->wamid);
    free(a->jobs);
    free(a);
}

void lk_wa_batch_turn(struct lk_batch *b, const char *wamid, struct lk_wa_job **jobs,
                      size_t n, int64_t now_ms, int *stored)
{
    struct turn_arg *a = lk_xcalloc(1, sizeof *a);
    a->wamid = lk_strdup(wamid);
    a->jobs = n ? lk_xmalloc(n * sizeof *jobs) : NULL;
    if (n)
        memcpy(a->jobs, jobs, n * sizeof *jobs);
    a->n = n;
    a->now_ms = now_ms;
    a->stored = stored;
    lk_batch_add_fn(b, turn_fn, a, turn_free);
}

/* ---- what the sender reports ---- */

struct results_arg {
    struct lk_wa_result *res;
    size_t n;
    int64_t now_ms;
};

static int result_fn(sqlite3 *db, const struct lk_wa_result *r, int64_t now_ms)
{
    static const char *const state[] = {[LK_WA_SENT] = "sent", [LK_WA_FAILED] = "failed",
                                        [LK_WA_RETRY] = "pending"};
    sqlite3_stmt *p = stmt(db, W_OUT_RESULT);
    if (!p)
        return SQLITE_ERROR;
    sqlite3_bind_int64(p, 1, r->outbox_id);
    bind_text(p, 2, state[r->kind]);
    sqlite3_bind_int(p, 3, r->attempts);
    bind_text(p, 4, r->wamid);
    bind_text(p, 5, r->error);
    sqlite3_bind_int64(p, 6, now_ms);
    int rc = run(p);
    if (rc != SQLITE_OK || !r->message_id || r->kind == LK_WA_RETRY)
        return rc;
    p = stmt(db, r->kind == LK_WA_SENT ? W_MSG_SENT : W_MSG_FAILED);
    if (!p)
        return SQLITE_ERROR;
    sqlite3_bind_int64(p, 1, r->message_id);
    bind_text(p, 2, r->kind == LK_WA_SENT ? r->wamid : r->error);
    rc = run(p);
    /* A status webhook may have come before we learnt the wamid. */
    if (rc == SQLITE_OK && r->kind == LK_WA_SENT && r->wamid) {
        sqlite3_stmt *pe = stmt(db, W_ST_EXISTS);
        if (!pe)
            return SQLITE_ERROR;
        bind_text(pe, 1, r->wamid);
        int found = sqlite3_step(pe) == SQLITE_ROW;
        sqlite3_reset(pe);
        sqlite3_clear_bindings(pe);
        if (found)
            rc = apply_status(db, r->wamid);
    }
    return rc;
}

static int results_fn(void *db, void *argp)
{
    struct results_arg *a = argp;
    int rc = SQLITE_OK;
    for (size_t i = 0; i < a->n && rc == SQLITE_OK; i++)
        if (a->res[i].outbox_id)
            rc = result_fn(db, &a->res[i], a->now_ms);
    return rc;
}

static void results_free(void *argp)
{
    struct results_arg *a = argp;
    for (size_t i = 0; i < a->n; i++)
        lk_wa_result_clear(&a->res[i]);
    free(a->res);
    free(a);
}

void lk_wa_batch_results(struct lk_batch *b, struct lk_wa_result *res, size_t n,
                         int64_t now_ms)
{
    struct results_arg *a = lk_xmalloc(sizeof *a);
    a->res = res;
    a->n = n;
    a->now_ms = now_ms;
    lk_batch_add_fn(b, results_fn, a, results_free);
}

/* ---- housekeeping ---- */

static int prune_fn(void *db, void *argp)
{
    int64_t before = *(int64_t *)argp;
    sqlite3_stmt *pi = stmt(db, W_PRUNE_IN), *ps = stmt(db, W_PRUNE_ST);
    if (!pi || !ps)
        return SQLITE_ERROR;
    sqlite3_bind_int64(pi, 1, before);
    int rc = run(pi);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(ps, 1, before);
        rc = run(ps);
    }
    return rc;
}

void lk_wa_batch_prune(struct lk_batch *b, int64_t before_ms)
{
    int64_t *arg = lk_xmalloc(sizeof *arg);
    *arg = before_ms;
    lk_batch_add_fn(b, prune_fn, arg, free);
}

static int finish_fn(void *db, void *arg)
{
    (void)arg;
    if (cache.db == db) {
        for (int i = 0; i < W_COUNT; i++)
            sqlite3_finalize(cache.s[i]);
        memset(&cache, 0, sizeof cache);
    }
    return SQLITE_OK;
}

void lk_wa_batch_finish(struct lk_batch *b)
{
    lk_batch_add_fn(b, finish_fn, NULL, NULL);
}

/* ---- reads at start (reader connection, engine thread) ---- */

static sqlite3_stmt *prepare(sqlite3 *db, const char *zSql)
{
    sqlite3_stmt *p = NULL;
    if (sqlite3_prepare_v2(db, zSql, -1, &p, NULL) != SQLITE_OK) {
        lk_error("whatsapp: store: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return p;
}

static char *col_dup(sqlite3_stmt *p, int i)
{
    const unsigned char *s = sqlite3_column_text(p, i);
    return s ? lk_strdup((const char *)s) : NULL;
}

int64_t lk_wa_store_max_outbox_id(void *reader)
{
    sqlite3_stmt *p = prepare(reader, "SELECT COALESCE(MAX(id), 0) FROM wa_outbox");
    int64_t v = p && sqlite3_step(p) == SQLITE_ROW ? sqlite3_column_int64(p, 0) : 0;
    sqlite3_finalize(p);
    return v;
}

int lk_wa_store_pending_outbox(void *reader, void (*cb)(struct lk_wa_job *j, void *ud),
                               void *ud)
{
    sqlite3_stmt *p = prepare(reader, "SELECT id, message_id, phone_number_id, recipient, "
                                      "body, attempts FROM wa_outbox "
                                      "WHERE state = 'pending' ORDER BY id");
    if (!p)
        return LK_ERR;
    int rc;
    while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
        struct lk_wa_job *j = lk_xcalloc(1, sizeof *j);
        j->outbox_id = sqlite3_column_int64(p, 0);
        j->message_id = sqlite3_column_int64(p, 1);
        j->phone_number_id = col_dup(p, 2);
        j->recipient = col_dup(p, 3);
        j->body = col_dup(p, 4);
        j->attempts = sqlite3_column_int(p, 5);
        cb(j, ud);
    }
    sqlite3_finalize(p);
    return rc == SQLITE_DONE ? LK_OK : LK_ERR;
}

int lk_wa_store_pending_inbox(void *reader, struct lk_wa_webhook *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *p = prepare(reader, "SELECT wamid, phone_number_id, sender, type, kind, "
                                      "text, choice_id, payload, sent_at FROM wa_inbox "
                                      "WHERE state = 'pending' ORDER BY seq");
    if (!p)
        return LK_ERR;
    int rc;
    while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
        out->msgs = lk_xrealloc(out->msgs, (out->n_msgs + 1) * sizeof *out->msgs);
        struct lk_wa_inbound *m = &out->msgs[out->n_msgs++];
        memset(m, 0, sizeof *m);
        m->wamid = col_dup(p, 0);
        m->phone_number_id = col_dup(p, 1);
        m->from = col_dup(p, 2);
        m->type = col_dup(p, 3);
        m->kind = col_dup(p, 4);
        m->text = col_dup(p, 5);
        m->choice_id = col_dup(p, 6);
        m->payload = col_dup(p, 7);
        m->at_ms = sqlite3_column_int64(p, 8);
        m->feed = 1;
        m->is_new = 1;
    }
    out->stored = 1;
    sqlite3_finalize(p);
    return rc == SQLITE_DONE ? LK_OK : LK_ERR;
}
