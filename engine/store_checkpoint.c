/* The store's checkpoints: copying the WAL back into the database file. A checkpoint
 * copies pages and syncs the database file, tens of milliseconds; done by the writer it
 * would hold every reply back that long. So a thread of its own copies the WAL on a
 * connection of its own whenever it has grown by ckpt_frames, while the writer goes
 * on committing (a bulk; in passes while the writer adds frames faster than one pass
 * copies them). Only when the WAL has reached 4 times that does the writer copy the
 * short rest itself between two groups: then the WAL is copied whole and starts again
 * from its beginning at the next transaction instead of growing. PASSIVE throughout:
 * never waits for a reader; what cannot be copied now goes next time.
 *
 * SQLite syncs the database file only after a checkpoint that reached the end of the WAL,
 * which with the writer busy is the writer's tail: that sync then had to write out every
 * page the bulks had copied since, 20-50 ms with the writer stopped. So the checkpointer
 * syncs the file itself after each bulk, and the tail's sync is left with the tail. */
#include "log.h"
#include "loket.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define RESTARTS_EVERY 4         /* checkpoints; the writer copies the rest at the 4th */
#define TAIL_FRAMES 256          /* at most this much is left for the writer to copy */
#define BULK_PASSES 4
#define CKPT_NICE 10

enum { BULK_IDLE, BULK_RUNNING, BULK_DONE };

/* One PASSIVE checkpoint; returns how many frames the WAL held when it began. */
static int passive(struct lk_store *st, sqlite3 *db)
{
    int frames = 0;
    int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        lk_warn("store: checkpoint of %s: %s (code %d)", st->path, sqlite3_errmsg(db), rc);
    return frames;
}

/* The bulk: passes until what the writer added during the last one is a short tail,
 * then the pages copied are written out, off the writer's path. */
static void bulk(struct lk_store *st)
{
    for (int pass = 0; pass < BULK_PASSES; pass++) {
        int copied = passive(st, st->cdb);
        if (atomic_load(&st->wal_frames) - copied <= TAIL_FRAMES)
            break;
    }
    if (fdatasync(st->db_fd) != 0)
        lk_warn("store: cannot sync %s: %s", st->path, strerror(errno));
}

static void *checkpointer_main(void *arg)
{
    pthread_setname_np(pthread_self(), "loket-ckpt");
    /* Background work: turns and syncs go first when the cores are busy (on Linux the nice
     * value is a thread's own). It still gets its share, so the WAL stays bounded. */
    setpriority(PRIO_PROCESS, (id_t)gettid(), CKPT_NICE);
    struct lk_store *st = arg;
    pthread_mutex_lock(&st->mu);
    for (;;) {
        while (st->bulk != BULK_RUNNING && !st->ckpt_stopping)
            pthread_cond_wait(&st->bulk_wanted, &st->mu);
        if (st->ckpt_stopping)
            break;
        pthread_mutex_unlock(&st->mu);
        bulk(st);
        pthread_mutex_lock(&st->mu);
        st->bulk = BULK_DONE;
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

void lk_store_checkpoint(struct lk_store *st)
{
    int frames = atomic_load(&st->wal_frames);
    if (!st->ckpt_running) {
        if (frames >= st->ckpt_frames) {
            passive(st, st->wdb);
            atomic_store(&st->wal_frames, 0);
        }
        return;
    }
    int tail = 0;
    pthread_mutex_lock(&st->mu);
    if (st->bulk == BULK_DONE) {
        st->bulk = BULK_IDLE;
        tail = frames >= RESTARTS_EVERY * st->ckpt_frames;
        if (tail)
            st->bulk_from = 0;
    } else if (st->bulk == BULK_IDLE && frames >= st->bulk_from + st->ckpt_frames) {
        st->bulk = BULK_RUNNING;
        st->bulk_from = frames;
        pthread_cond_signal(&st->bulk_wanted);
    }
    pthread_mutex_unlock(&st->mu);
    if (tail) {
        passive(st, st->wdb);            /* what was committed during the bulk */
        atomic_store(&st->wal_frames, 0);
    }
}

int lk_store_checkpointer_start(struct lk_store *st)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    const char *why = NULL;
    if (sqlite3_open_v2(st->path, &st->cdb, flags, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(st->cdb, 1000);
    /* A connection learns the file is in WAL mode when it first reads it. */
    if (sqlite3_exec(st->cdb, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    st->db_fd = open(st->path, O_RDONLY | O_CLOEXEC);  /* fdatasync needs no write access */
    if (st->db_fd < 0) {
        why = strerror(errno);
        goto fail;
    }
    pthread_cond_init(&st->bulk_wanted, NULL);
    if (pthread_create(&st->checkpointer, NULL, checkpointer_main, st) == 0) {
        st->ckpt_running = 1;
        return 0;
    }
    pthread_cond_destroy(&st->bulk_wanted);
    close(st->db_fd);
fail:
    lk_warn("store: checkpoints of %s run on the writer (%s)", st->path,
            why ? why : st->cdb ? sqlite3_errmsg(st->cdb) : "out of memory");
    sqlite3_close(st->cdb);
    st->cdb = NULL;
    return -1;
}

void lk_store_checkpointer_stop(struct lk_store *st)
{
    if (!st->ckpt_running)
        return;
    pthread_mutex_lock(&st->mu);
    st->ckpt_stopping = 1;
    pthread_cond_signal(&st->bulk_wanted);
    pthread_mutex_unlock(&st->mu);
    pthread_join(st->checkpointer, NULL);
    pthread_cond_destroy(&st->bulk_wanted);
    close(st->db_fd);
    sqlite3_close(st->cdb);
    st->cdb = NULL;
    st->ckpt_running = 0;
}
