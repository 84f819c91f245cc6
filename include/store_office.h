/* The office's own tables in the store: application statuses (imported by staff from a
 * CSV export of their system) and complaint tickets (created by the flows). Writes go
 * through a batch (lk_batch_add_fn) so they commit with the turn or the import; reads use
 * the store's reader connection. SQL lives in store_office.c only. */
#ifndef LOKET_STORE_OFFICE_H
#define LOKET_STORE_OFFICE_H

#include "store.h"

/* Schema for the store's migration list (migration 3). */
extern const char lk_office_schema_sql[];

/* One application's status, as imported. Strings owned by the struct. */
struct lk_office_status {
    char *number;       /* registration number as staff wrote it ("KTP-250310-0042") */
    char *nik;          /* 16 digits or NULL */
    char *birth_date;   /* "YYYY-MM-DD" or NULL */
    char *service;      /* "KTP-el", "Akta kelahiran"... or NULL */
    char *stage;        /* "Sedang dicetak", "Selesai, siap diambil"... */
    char *date;         /* date of the stage as written, or NULL */
    char *note;         /* extra advice for the citizen, or NULL */
};
void lk_office_status_clear(struct lk_office_status *s);

/* The lookup key of a registration number: letters and digits only, upper case
 * ("ktp 250310-0042" -> "KTP2503100042"). Newly allocated. */
char *lk_office_number_key(const char *number);

/* Reads (reader connection). LK_OK with *out filled, LK_ENOTFOUND, or LK_ERR with the
 * reason in err (for example a database that has no office tables yet). */
int lk_office_status_find(struct lk_store *st, const char *number,
                          struct lk_office_status *out, struct lk_error *err);
int lk_office_status_find_nik(struct lk_store *st, const char *nik, const char *birth_date,
                              struct lk_office_status *out, struct lk_error *err);

/* Adds the rows to the batch: upsert by registration number, or (replace) delete every
 * row first. Takes ownership of 'rows' (an array of n). */
void lk_office_batch_statuses(struct lk_batch *b, struct lk_office_status *rows, size_t n,
                              int replace, int64_t now_ms);

/* A complaint ticket. */
struct lk_office_ticket {
    int64_t id;
    const char *number;         /* "ADU-261127-0007" */
    int64_t conversation_id;
    const char *channel;
    const char *category;
    const char *description;
    const char *contact;        /* NULL: none given */
    int anonymous;
    const char *status;         /* "open", "closed"... */
    int64_t created_ms;
};

/* Largest ticket id committed so far (0 when none), or -1 with err set. */
int64_t lk_office_max_ticket_id(struct lk_store *st, struct lk_error *err);
/* "ADU-YYMMDD-NNNN" for ticket id on the day of at_ms (local time). Newly allocated. */
char *lk_office_ticket_number(int64_t id, int64_t at_ms);
/* Adds the ticket to the batch; copies what it is given. */
void lk_office_batch_ticket(struct lk_batch *b, const struct lk_office_ticket *t);
/* Calls cb for each ticket (oldest first), only those with 'status' when not NULL; cb
 * returns non-zero to stop. LK_OK or LK_ERR with err set. */
int lk_office_each_ticket(struct lk_store *st, const char *status,
                          int (*cb)(const struct lk_office_ticket *t, void *ud), void *ud,
                          struct lk_error *err);

#endif
