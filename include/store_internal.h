/* Private to the store's own files: store.c (schema, migrations, open and close, reads),
 * store_writer.c (batches, the queue, the writer thread), store_sync.c (the thread that
 * syncs the WAL), store_checkpoint.c (checkpoints) and store_walbuf.c (the writer's VFS).
 * Nothing else in the engine includes it (the store's unit test does); other modules see
 * only store.h. */
#ifndef LOKET_STORE_INTERNAL_H
#define LOKET_STORE_INTERNAL_H

#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

/* The writer's statements (SQL in store_writer.c), prepared by store.c at open. */
enum {
    W_BEGIN, W_COMMIT, W_ROLLBACK, W_SAVEPOINT, W_RELEASE, W_ROLLBACK_TO,
    W_PUT_CONVERSATION, W_ADD_MESSAGE, W_ADD_HANDOFF, W_COUNT
};
extern const char *const lk_store_writer_sql[W_COUNT];

/* The reader's statements (SQL in store.c). */
enum {
    R_FIND_CONVERSATION, R_GET_CONVERSATION, R_HAS_EXTERNAL_ID, R_MESSAGES, R_MESSAGES_LAST,
    R_CONV_MESSAGES, R_COUNT
};

struct lk_store {
    char *path;
    int read_only, sync_full, delay_us, ckpt_frames;
    _Atomic int busy_ms;                 /* wanted busy timeout */
    int writer_busy_ms;                  /* the one the writer's connection has */
    _Atomic int wal_frames;              /* WAL size after the writer's last commit */
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
    /* store_sync.c: with sync_full, COMMIT runs with synchronous=NORMAL and the syncer
     * makes each commit durable (fdatasync of the WAL) before it counts as committed. */
    pthread_cond_t wrote;                /* syncer: written advanced, or sync_stopping */
    uint64_t written;                    /* last ticket of a COMMIT that returned */
    int wal_fd, sync_stopping, syncer_running;
    pthread_t syncer;
    /* store_checkpoint.c: the bulk of each checkpoint on a thread and connection of its
     * own; the writer copies the tail. */
    sqlite3 *cdb;
    int db_fd;                           /* the database file, synced after each bulk */
    pthread_cond_t bulk_wanted;          /* checkpointer: bulk became running, or stopping */
    int bulk, bulk_from, ckpt_stopping, ckpt_running;
    pthread_t checkpointer;
    void (*on_commit)(void *ud);
    void *on_commit_ud;
    struct lk_store_stats stats;
};

/* The writer connection's VFS (store_walbuf.c): the platform's, with the WAL's appends
 * gathered into one write a commit. Returns its name, NULL when it cannot be registered.
 * Check: after each COMMIT, that nothing of it was left unwritten. */
const char *lk_store_walbuf_vfs(void);
void lk_store_walbuf_check(sqlite3 *db);

/* Starts the writer thread; stops it after committing everything queued (nothing when
 * it never started). */
int lk_store_writer_start(struct lk_store *st, struct lk_error *err);
void lk_store_writer_stop(struct lk_store *st);

/* Tickets up to t are committed and durable: wakes the waiters, tells the hook. */
void lk_store_release(struct lk_store *st, uint64_t t);

/* The syncer (store_sync.c). Start: 0 when it runs and the writer may commit without
 * syncing; -1 when it cannot (the writer then keeps synchronous=FULL). Written: the
 * writer's COMMIT of tickets up to t returned. Stop: after syncing all that was written. */
int lk_store_syncer_start(struct lk_store *st);
void lk_store_syncer_written(struct lk_store *st, uint64_t t);
void lk_store_syncer_stop(struct lk_store *st);

/* The checkpointer (store_checkpoint.c). Start: 0 when its thread runs, -1 when the
 * writer checkpoints alone. Checkpoint: the writer's part, after each group. */
int lk_store_checkpointer_start(struct lk_store *st);
void lk_store_checkpointer_stop(struct lk_store *st);
void lk_store_checkpoint(struct lk_store *st);

#endif
