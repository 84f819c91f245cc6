/* The store: everything Loket keeps, in one SQLite file. It owns the schema and its
 * numbered migrations, the prepared statements, the single writer thread that commits
 * turns in groups (beside it one thread syncs the WAL, another checkpoints it), and a
 * reader connection for the engine thread and the staff tools.
 * It knows nothing of flows or channels; callers hand it rows. A server database would
 * slot in behind this same interface. */
#ifndef LOKET_STORE_H
#define LOKET_STORE_H

#include "loket.h"
#include <stdint.h>

struct lk_store;   /* opaque */
struct lk_batch;   /* one turn's writes, committed atomically; opaque */

struct lk_store_options {
    const char *path;        /* SQLite file; parent directory is created if missing */
    int sync_full;           /* 1 (the configuration's default): a group counts as committed
                                once its WAL pages are synced, so it survives power loss;
                                0: synchronous=NORMAL, survives a process crash only. A
                                zeroed struct means NORMAL. */
    int group_delay_us;      /* longest a turn waits for company before its group commits
                                (default 500 when 0; negative: no wait) */
    int read_only;           /* staff tools that only read: no writer thread, no migration;
                                the file must exist */
    int checkpoint_frames;   /* WAL pages between checkpoints (default 8192 when 0): large
                                enough that pages every group rewrites (conversation rows,
                                the messages-by-conversation index) are copied back once per
                                checkpoint, not once per group; the WAL starts over every
                                fourth one, so it stays under 4 times this */
};

/* Opens (creating if needed) and migrates the database, starts the writer thread.
 * Refuses, with a clear message in err, a file that is not a database, is corrupt or
 * truncated, or a path that cannot be written. Never replaces a bad file. */
struct lk_store *lk_store_open(const struct lk_store_options *opt, struct lk_error *err);
/* Commits everything submitted, stops the writer, closes. NULL is fine. While the
 * database refuses writes (locked, disk full) the writer keeps retrying, and close waits
 * with it: nothing submitted is thrown away. */
void lk_store_close(struct lk_store *st);

/* How long a statement waits for another connection's lock before it counts as busy
 * (5000 ms from open). The reader takes it at once, the writer from its next group.
 * Call from the thread that reads. */
void lk_store_set_busy_timeout(struct lk_store *st, int ms);

/* Schema version after migrations (PRAGMA user_version). */
int lk_store_schema_version(struct lk_store *st);

/* Ids are handed out by the process (one writer per database), so a caller knows a row's
 * id before the row is committed. */
int64_t lk_store_next_conversation_id(struct lk_store *st);
int64_t lk_store_next_message_id(struct lk_store *st);

/* ---- writes: build a batch, submit it, wait (or be told) until it is committed ---- */

enum lk_direction { LK_IN = 0, LK_OUT = 1 };

struct lk_message {
    int64_t id;               /* from lk_store_next_message_id */
    int64_t conversation_id;
    const char *channel;      /* "web", "whatsapp", "cli", "test" */
    enum lk_direction direction;
    const char *text;         /* what was typed or shown; may be NULL */
    const char *payload;      /* structured form as JSON text (options, media); may be NULL */
    const char *flow, *node;  /* where the conversation stood; may be NULL */
    int64_t flow_version;
    int64_t at_ms;
    const char *external_id;  /* channel's own id (wamid...), unique per channel; may be NULL */
    const char *status;       /* outbound delivery status ("queued", "sent", ...); may be NULL */
    int64_t prev_id;          /* the conversation's message before this one; 0 for its first */
};

struct lk_conversation_row {
    int64_t id;
    char *channel, *address;
    char *flow, *node;        /* node NULL: not waiting anywhere (new or ended) */
    char *vars;               /* JSON object text */
    char *lang;               /* "id" or "en" */
    char *history;            /* JSON array of earlier waiting nodes ("flow.node"), for "back" */
    char *status;             /* "active", "handoff", "closed", "flagged" */
    int64_t flow_version;
    int64_t created_ms, updated_ms;
    int misunderstood;        /* unrecognised inputs in a row */
    int64_t last_message_id;  /* its latest message, where the chain of prev_id starts; 0 none */
};
/* Frees the strings of a row filled by lk_store_find/get_conversation and zeroes it. */
void lk_conversation_row_clear(struct lk_conversation_row *row);

struct lk_batch *lk_batch_new(void);
void lk_batch_free(struct lk_batch *b);  /* only for a batch never submitted */
/* Each add copies what it is given; the caller keeps its strings. Within a batch the
 * writer puts conversation rows first, then the rest in the order added, so a message may
 * name a conversation put in the same batch (messages and handoffs must refer to an
 * existing conversation). A message whose (channel, external_id) is already stored is
 * skipped silently: a duplicate delivery is not an error. */
void lk_batch_add_message(struct lk_batch *b, const struct lk_message *m);
void lk_batch_put_conversation(struct lk_batch *b, const struct lk_conversation_row *c);
void lk_batch_add_handoff(struct lk_batch *b, int64_t conversation_id, const char *reason,
                          const char *summary, int64_t at_ms);
/* Extension point for store_*.c files that own other tables: fn runs on the writer
 * thread inside the group's transaction with the writer's connection (a sqlite3 *).
 * Return 0, or an SQLite result code, with every statement it stepped reset. A busy,
 * locked, full or I/O error makes the whole group retry (fn runs again); any other error
 * rolls this batch back alone and drops it (logged). free_arg (may be NULL) releases arg
 * afterwards, on the writer thread. */
typedef int (*lk_batch_fn)(void *db, void *arg);
void lk_batch_add_fn(struct lk_batch *b, lk_batch_fn fn, void *arg, void (*free_arg)(void *));

/* Queues the batch for the writer. Takes ownership of 'b'. Returns the batch's ticket:
 * tickets increase by one per batch; ticket t is durable once lk_store_committed() >= t.
 * A batch dropped for a permanent error also advances the ticket (see lk_store_stats).
 * A read-only store drops the batch with an error in the log and returns 0. */
uint64_t lk_store_submit(struct lk_store *st, struct lk_batch *b);
uint64_t lk_store_committed(struct lk_store *st);
/* Blocks until ticket t is committed; LK_OK, or LK_EBUSY after timeout_ms (<0: forever). */
int lk_store_wait(struct lk_store *st, uint64_t t, int timeout_ms);
/* Called once committed tickets advance (e.g. lws_cancel_service), on the thread that
 * syncs the WAL, or on the writer when each COMMIT syncs itself. */
void lk_store_on_commit(struct lk_store *st, void (*cb)(void *ud), void *ud);

/* What the writer has done since open: for tests, the bench and the status page. */
struct lk_store_stats {
    uint64_t commits;   /* transactions committed (one per group) */
    uint64_t batches;   /* batches whose ticket has advanced, dropped ones included */
    uint64_t dropped;   /* batches rolled back alone after a permanent error */
    uint64_t retries;   /* group attempts repeated after a busy/full/I/O error */
};
void lk_store_stats(struct lk_store *st, struct lk_store_stats *out);

/* ---- reads (reader connection; call from one thread at a time) ---- */

/* LK_OK and *row filled (overwritten, not freed first: clear it before reuse), or
 * LK_ENOTFOUND, or LK_ERR (logged). */
int lk_store_find_conversation(struct lk_store *st, const char *channel, const char *address,
                               struct lk_conversation_row *row);
int lk_store_get_conversation(struct lk_store *st, int64_t id, struct lk_conversation_row *row);

struct lk_message_row {
    int64_t id, conversation_id;
    const char *channel, *address;
    enum lk_direction direction;
    const char *text, *payload, *flow, *node, *external_id, *status;
    int64_t flow_version, at_ms;
};
struct lk_message_filter {
    int64_t conversation_id;  /* 0: all */
    int64_t since_ms;         /* 0: from the start */
    int limit;                /* 0: no limit; otherwise the last 'limit' rows */
};
/* Calls cb for each committed message in time order (created_at, then id); cb returns
 * non-zero to stop. The row's strings live until cb returns; cb may call the other read
 * functions but not lk_store_each_message. LK_OK or LK_ERR (logged). */
int lk_store_each_message(struct lk_store *st, const struct lk_message_filter *f,
                          int (*cb)(const struct lk_message_row *m, void *ud), void *ud);
/* 1 when a message with this external id exists for the channel (committed), else 0. */
int lk_store_has_external_id(struct lk_store *st, const char *channel, const char *external_id);

/* The reader connection (a sqlite3 *), for store_*.c files with tables of their own. */
void *lk_store_reader(struct lk_store *st);

#endif
