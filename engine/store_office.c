/* The office tables: application statuses and complaint tickets. Owns their schema
 * (migration 3 in store.c's list) and every statement on them. Writes run on the store's
 * writer thread through lk_batch_add_fn, inside the group's transaction; reads use the
 * reader connection on the caller's thread. Knows nothing of flows or Lua. */
#include "store_office.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char lk_office_schema_sql[] =
    "CREATE TABLE office_status(\n"
    "  key TEXT PRIMARY KEY,\n"
    "  number TEXT NOT NULL,\n"
    "  nik TEXT,\n"
    "  birth_date TEXT,\n"
    "  service TEXT,\n"
    "  stage TEXT NOT NULL,\n"
    "  stage_date TEXT,\n"
    "  note TEXT,\n"
    "  imported_at INTEGER NOT NULL);\n"
    "CREATE INDEX office_status_nik ON office_status(nik, birth_date);\n"
    "CREATE TABLE office_tickets(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  number TEXT NOT NULL UNIQUE,\n"
    "  conversation_id INTEGER,\n"
    "  channel TEXT,\n"
    "  category TEXT NOT NULL,\n"
    "  description TEXT NOT NULL,\n"
    "  contact TEXT,\n"
    "  anonymous INTEGER NOT NULL DEFAULT 0,\n"
    "  status TEXT NOT NULL DEFAULT 'open',\n"
    "  created_at INTEGER NOT NULL);\n"
    "CREATE INDEX office_tickets_status ON office_tickets(status, id);\n";

static const char status_columns[] =
    "number, nik, birth_date, service, stage, stage_date, note";

void lk_office_status_clear(struct lk_office_status *s)
{
    free(s->number);
    free(s->nik);
    free(s->birth_date);
    free(s->service);
    free(s->stage);
    free(s->date);
    free(s->note);
    memset(s, 0, sizeof *s);
}

char *lk_office_number_key(const char *number)
{
    size_t n = number ? strlen(number) : 0, k = 0;
    char *key = lk_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        if (isalnum((unsigned char)number[i]))
            key[k++] = (char)toupper((unsigned char)number[i]);
    key[k] = '\0';
    return key;
}

/* ---- reads ---- */

static char *column_text(sqlite3_stmt *pStmt, int i)
{
    const unsigned char *z = sqlite3_column_text(pStmt, i);
    return z ? lk_strdup((const char *)z) : NULL;
}

static int prepare(struct lk_store *st, const char *zSql, sqlite3_stmt **ppStmt,
                   struct lk_error *err)
{
    sqlite3 *db = lk_store_reader(st);
    if (!db || sqlite3_prepare_v2(db, zSql, -1, ppStmt, NULL) != SQLITE_OK) {
        lk_error_set(err, "basis data belum punya tabel kantor (jalankan 'loket serve' atau "
                          "'loket import' sekali) / the database has no office tables yet: %s",
                     db ? sqlite3_errmsg(db) : "no reader");
        return LK_ERR;
    }
    return LK_OK;
}

/* Steps a status query and fills out from its first row. */
static int status_row(sqlite3_stmt *pStmt, struct lk_office_status *out, struct lk_error *err)
{
    int rc = sqlite3_step(pStmt);
    if (rc == SQLITE_ROW) {
        *out = (struct lk_office_status){column_text(pStmt, 0), column_text(pStmt, 1),
                                         column_text(pStmt, 2), column_text(pStmt, 3),
                                         column_text(pStmt, 4), column_text(pStmt, 5),
                                         column_text(pStmt, 6)};
        rc = LK_OK;
    } else if (rc == SQLITE_DONE) {
        rc = LK_ENOTFOUND;
    } else {
        lk_error_set(err, "%s", sqlite3_errstr(rc));
        rc = LK_ERR;
    }
    sqlite3_finalize(pStmt);
    return rc;
}

int lk_office_status_find(struct lk_store *st, const char *number,
                          struct lk_office_status *out, struct lk_error *err)
{
    char zSql[160];
    sqlite3_stmt *pStmt;
    snprintf(zSql, sizeof zSql, "SELECT %s FROM office_status WHERE key = ?1", status_columns);
    if (prepare(st, zSql, &pStmt, err) != LK_OK)
        return LK_ERR;
    char *key = lk_office_number_key(number);
    sqlite3_bind_text(pStmt, 1, key, -1, SQLITE_TRANSIENT);
    free(key);
    return status_row(pStmt, out, err);
}

int lk_office_status_find_nik(struct lk_store *st, const char *nik, const char *birth_date,
                              struct lk_office_status *out, struct lk_error *err)
{
    char zSql[200];
    sqlite3_stmt *pStmt;
    snprintf(zSql, sizeof zSql, "SELECT %s FROM office_status WHERE nik = ?1 AND "
                                "birth_date = ?2 ORDER BY imported_at DESC, rowid DESC",
             status_columns);
    if (prepare(st, zSql, &pStmt, err) != LK_OK)
        return LK_ERR;
    sqlite3_bind_text(pStmt, 1, nik, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(pStmt, 2, birth_date, -1, SQLITE_TRANSIENT);
    return status_row(pStmt, out, err);
}

int64_t lk_office_max_ticket_id(struct lk_store *st, struct lk_error *err)
{
    sqlite3_stmt *pStmt;
    if (prepare(st, "SELECT coalesce(max(id), 0) FROM office_tickets", &pStmt, err) != LK_OK)
        return -1;
    int64_t id = -1;
    if (sqlite3_step(pStmt) == SQLITE_ROW)
        id = sqlite3_column_int64(pStmt, 0);
    else
        lk_error_set(err, "%s", sqlite3_errmsg(lk_store_reader(st)));
    sqlite3_finalize(pStmt);
    return id;
}

int lk_office_each_ticket(struct lk_store *st, const char *status,
                          int (*cb)(const struct lk_office_ticket *t, void *ud), void *ud,
                          struct lk_error *err)
{
    sqlite3_stmt *pStmt;
    if (prepare(st, "SELECT id, number, conversation_id, channel, category, description, "
                    "contact, anonymous, status, created_at FROM office_tickets "
                    "WHERE ?1 IS NULL OR status = ?1 ORDER BY id", &pStmt, err) != LK_OK)
        return LK_ERR;
    sqlite3_bind_text(pStmt, 1, status, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        struct lk_office_ticket t = {
            sqlite3_column_int64(pStmt, 0), (const char *)sqlite3_column_text(pStmt, 1),
            sqlite3_column_int64(pStmt, 2), (const char *)sqlite3_column_text(pStmt, 3),
            (const char *)sqlite3_column_text(pStmt, 4),
            (const char *)sqlite3_column_text(pStmt, 5),
            (const char *)sqlite3_column_text(pStmt, 6), sqlite3_column_int(pStmt, 7),
            (const char *)sqlite3_column_text(pStmt, 8), sqlite3_column_int64(pStmt, 9)};
        if (cb(&t, ud)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        lk_error_set(err, "%s", sqlite3_errstr(rc));
    sqlite3_finalize(pStmt);
    return rc == SQLITE_DONE ? LK_OK : LK_ERR;
}

char *lk_office_ticket_number(int64_t id, int64_t at_ms)
{
    time_t secs = (time_t)(at_ms / 1000);
    struct tm tm;
    char day[16];
    localtime_r(&secs, &tm);
    strftime(day, sizeof day, "%y%m%d", &tm);
    return lk_sprintf("ADU-%s-%04lld", day, (long long)id);
}

/* ---- writes (writer thread) ---- */

static void bind_opt(sqlite3_stmt *pStmt, int i, const char *z)
{
    if (z && *z)
        sqlite3_bind_text(pStmt, i, z, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(pStmt, i);
}

/* Prepares on the writer's connection; SQLITE_PREPARE_PERSISTENT because the writer's
 * connection lives long, but each use finalizes, keeping this file free of caches. */
static int wprepare(sqlite3 *db, const char *zSql, sqlite3_stmt **ppStmt)
{
    return sqlite3_prepare_v3(db, zSql, -1, 0, ppStmt, NULL);
}

struct status_job {
    struct lk_office_status *rows;
    size_t n;
    int replace;
    int64_t now_ms;
};

static void status_job_free(void *arg)
{
    struct status_job *j = arg;
    for (size_t i = 0; i < j->n; i++)
        lk_office_status_clear(&j->rows[i]);
    free(j->rows);
    free(j);
}

static int write_statuses(void *dbv, void *arg)
{
    sqlite3 *db = dbv;
    struct status_job *j = arg;
    sqlite3_stmt *pStmt = NULL;
    int rc = SQLITE_OK;
    if (j->replace)
        rc = sqlite3_exec(db, "DELETE FROM office_status", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = wprepare(db, "INSERT INTO office_status(key, number, nik, birth_date, service, "
                          "stage, stage_date, note, imported_at) "
                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                          "ON CONFLICT(key) DO UPDATE SET number = excluded.number, "
                          "nik = excluded.nik, birth_date = excluded.birth_date, "
                          "service = excluded.service, stage = excluded.stage, "
                          "stage_date = excluded.stage_date, note = excluded.note, "
                          "imported_at = excluded.imported_at", &pStmt);
    for (size_t i = 0; rc == SQLITE_OK && i < j->n; i++) {
        const struct lk_office_status *s = &j->rows[i];
        char *key = lk_office_number_key(s->number);
        sqlite3_bind_text(pStmt, 1, key, -1, SQLITE_TRANSIENT);
        free(key);
        bind_opt(pStmt, 2, s->number);
        bind_opt(pStmt, 3, s->nik);
        bind_opt(pStmt, 4, s->birth_date);
        bind_opt(pStmt, 5, s->service);
        bind_opt(pStmt, 6, s->stage);
        bind_opt(pStmt, 7, s->date);
        bind_opt(pStmt, 8, s->note);
        sqlite3_bind_int64(pStmt, 9, j->now_ms);
        rc = sqlite3_step(pStmt);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(pStmt);
    }
    sqlite3_finalize(pStmt);
    return rc;
}

void lk_office_batch_statuses(struct lk_batch *b, struct lk_office_status *rows, size_t n,
                              int replace, int64_t now_ms)
{
    struct status_job *j = lk_xmalloc(sizeof *j);
    *j = (struct status_job){rows, n, replace, now_ms};
    lk_batch_add_fn(b, write_statuses, j, status_job_free);
}

/* A ticket with its own copies of the strings. */
struct ticket_job {
    struct lk_office_ticket t;
    char *strings[6];
};

static void ticket_job_free(void *arg)
{
    struct ticket_job *j = arg;
    for (size_t i = 0; i < 6; i++)
        free(j->strings[i]);
    free(j);
}

static int write_ticket(void *dbv, void *arg)
{
    const struct lk_office_ticket *t = &((struct ticket_job *)arg)->t;
    sqlite3_stmt *pStmt;
    int rc = wprepare(dbv, "INSERT INTO office_tickets(id, number, conversation_id, channel, "
                           "category, description, contact, anonymous, status, created_at) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &pStmt);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(pStmt, 1, t->id);
    bind_opt(pStmt, 2, t->number);
    sqlite3_bind_int64(pStmt, 3, t->conversation_id);
    bind_opt(pStmt, 4, t->channel);
    bind_opt(pStmt, 5, t->category);
    sqlite3_bind_text(pStmt, 6, t->description ? t->description : "", -1, SQLITE_STATIC);
    bind_opt(pStmt, 7, t->contact);
    sqlite3_bind_int(pStmt, 8, t->anonymous);
    bind_opt(pStmt, 9, t->status ? t->status : "open");
    sqlite3_bind_int64(pStmt, 10, t->created_ms);
    rc = sqlite3_step(pStmt);
    sqlite3_finalize(pStmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void lk_office_batch_ticket(struct lk_batch *b, const struct lk_office_ticket *t)
{
    struct ticket_job *j = lk_xcalloc(1, sizeof *j);
    j->t = *t;
    const char **fields[6] = {&j->t.number, &j->t.channel, &j->t.category, &j->t.description,
                              &j->t.contact, &j->t.status};
    for (size_t i = 0; i < 6; i++) {
        j->strings[i] = lk_strdup(*fields[i]);
        *fields[i] = j->strings[i];
    }
    lk_batch_add_fn(b, write_ticket, j, ticket_job_free);
}
