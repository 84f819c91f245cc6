/* The store's syncer: durability off the writer's path. With synchronous=FULL SQLite
 * syncs the WAL inside every COMMIT, and the writer can do nothing else meanwhile. Here
 * the writer's connection commits with synchronous=NORMAL (frames written, not synced)
 * and goes on with the next group, while this thread syncs the WAL file and only then
 * advances the committed ticket that releases replies. A sync covers every frame written
 * before it started, so one sync serves all the commits that landed while the last was
 * running. What a released reply stands on is on disk, as with FULL; SQLite's own syncs
 * (WAL header after a restart, checkpoints) are unchanged. */
#include "log.h"
#include "loket.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RETRY_FIRST_MS 10
#define RETRY_MAX_MS 1000

/* Syncs the WAL until it works: the error is logged once, and once more when it clears.
 * Replies wait meanwhile, as they do for a COMMIT that keeps failing. A sync that fails
 * means a failing disk: Linux may drop the pages it could not write, so a later sync that
 * succeeds does not prove they reached the disk; the error line is for the operator. */
static void sync_wal(struct lk_store *st)
{
    int delay_ms = RETRY_FIRST_MS, failures = 0;
    while (fdatasync(st->wal_fd) != 0) {
        if (failures++ == 0)
            lk_error("store: cannot sync %s-wal: %s; retrying, replies wait meanwhile",
                     st->path, strerror(errno));
        lk_sleep_ms(delay_ms);
        delay_ms = delay_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : delay_ms * 2;
    }
    if (failures)
        lk_warn("store: syncing %s-wal recovered after %d retries", st->path, failures);
}

void lk_store_release(struct lk_store *st, uint64_t t)
{
    pthread_mutex_lock(&st->mu);
    atomic_store(&st->committed, t);
    void (*cb)(void *) = st->on_commit;
    void *ud = st->on_commit_ud;
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->mu);
    if (cb)
        cb(ud);
}

static void *syncer_main(void *arg)
{
    pthread_setname_np(pthread_self(), "loket-sync");
    struct lk_store *st = arg;
    uint64_t synced = atomic_load(&st->committed);
    pthread_mutex_lock(&st->mu);
    for (;;) {
        while (st->written == synced && !st->sync_stopping)
            pthread_cond_wait(&st->wrote, &st->mu);
        if (st->written == synced)
            break;                       /* stopping, and everything written is synced */
        uint64_t t = st->written;
        pthread_mutex_unlock(&st->mu);
        sync_wal(st);
        lk_store_release(st, t);
        synced = t;
        pthread_mutex_lock(&st->mu);
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

int lk_store_syncer_start(struct lk_store *st)
{
    char wal[4096];
    const char *why = NULL;
    if (!st->sync_full || snprintf(wal, sizeof wal, "%s-wal", st->path) >= (int)sizeof wal)
        return -1;
    /* The WAL exists: the connection is in WAL mode and has committed the migrations. */
    st->wal_fd = open(wal, O_RDWR | O_CLOEXEC);
    if (st->wal_fd < 0)
        why = strerror(errno);
    else if (sqlite3_exec(st->wdb, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
        why = sqlite3_errmsg(st->wdb);
    if (!why) {
        pthread_cond_init(&st->wrote, NULL);
        st->written = atomic_load(&st->committed);
        if (pthread_create(&st->syncer, NULL, syncer_main, st) == 0) {
            st->syncer_running = 1;
            return 0;
        }
        pthread_cond_destroy(&st->wrote);
        sqlite3_exec(st->wdb, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
        why = "no thread";
    }
    lk_warn("store: no separate WAL sync for %s (%s); every COMMIT syncs instead", st->path,
            why);
    if (st->wal_fd >= 0)
        close(st->wal_fd);
    st->wal_fd = -1;
    return -1;
}

void lk_store_syncer_written(struct lk_store *st, uint64_t t)
{
    pthread_mutex_lock(&st->mu);
    st->written = t;
    pthread_cond_signal(&st->wrote);
    pthread_mutex_unlock(&st->mu);
}

void lk_store_syncer_stop(struct lk_store *st)
{
    if (!st->syncer_running)
        return;
    pthread_mutex_lock(&st->mu);
    st->sync_stopping = 1;
    pthread_cond_signal(&st->wrote);
    pthread_mutex_unlock(&st->mu);
    pthread_join(st->syncer, NULL);
    pthread_cond_destroy(&st->wrote);
    close(st->wal_fd);
    st->wal_fd = -1;
    st->syncer_running = 0;
}
