/* The writer's SQLite VFS: the platform's own, except that appends to the WAL are gathered
 * in memory and reach the file in a few large writes a commit. SQLite writes each WAL frame
 * as two writes (a 24-byte header, then the page), so a group commit of a hundred frames
 * used to be two hundred system calls. The gathered bytes are written out as soon as a
 * commit frame is complete, and before any read, sync, size query, truncation or write
 * elsewhere, so nothing can see a committed frame that is not in the file. Rewrites of
 * earlier frames go straight through. Syncing stays with SQLite and store_sync.c. */
#include "log.h"
#include "store_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define VFS_NAME "loket-walbuf"
#define BUF_BYTES (256 * 1024)
#define WRITE_MAX (64 * 1024)           /* the unix VFS writes less than 128 KiB a call */
#define FRAME_HEADER 24                 /* WAL frame header; bytes 4-7: pages after a commit */

struct wal_file {
    sqlite3_file base;                  /* pMethods = &wal_methods */
    sqlite3_file *real;                 /* the platform's file, right after this struct */
    char *buf;                          /* NULL: every write goes straight through */
    size_t len;
    sqlite3_int64 start;                /* file offset of buf[0] */
    sqlite3_int64 end;                  /* end of the furthest write since the WAL's header */
    int commit_pending;                 /* a commit frame's header is in buf; its page is next */
};

static sqlite3_vfs *platform_vfs;
static sqlite3_vfs walbuf_vfs;
static const sqlite3_io_methods wal_methods;

static struct wal_file *wal(sqlite3_file *pFile)
{
    return (struct wal_file *)pFile;
}

static int flush(struct wal_file *f)
{
    int rc = SQLITE_OK;
    for (size_t done = 0; done < f->len && rc == SQLITE_OK; done += WRITE_MAX) {
        size_t n = f->len - done < WRITE_MAX ? f->len - done : WRITE_MAX;
        rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
                                       f->start + (sqlite3_int64)done);
    }
    f->len = 0;                         /* on error the COMMIT fails and writes them again */
    f->commit_pending = 0;
    return rc;
}

static int write_through(struct wal_file *f, const void *p, int n, sqlite3_int64 off)
{
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, p, n, off);
}

static int is_commit_header(const void *p, int n)
{
    const unsigned char *z = p;
    return n == FRAME_HEADER && (z[4] | z[5] | z[6] | z[7]) != 0;
}

/* Appends at the end of the WAL are gathered; the WAL header (offset 0) starts the file
 * over; a write below the end rewrites an earlier frame and goes straight through. */
static int wal_write(sqlite3_file *pFile, const void *p, int n, sqlite3_int64 off)
{
    struct wal_file *f = wal(pFile);
    int gathered = f->len > 0 && off == f->start + (sqlite3_int64)f->len;
    if (off == 0)
        f->end = 0;
    if (!f->buf || (!gathered && off < f->end) || (size_t)n > WRITE_MAX) {
        f->end = off + n > f->end ? off + n : f->end;
        return write_through(f, p, n, off);
    }
    int finishes_commit = f->commit_pending;
    int rc = SQLITE_OK;
    if ((!gathered || f->len + (size_t)n > BUF_BYTES) && (rc = flush(f)) != SQLITE_OK)
        return rc;
    if (f->len == 0)
        f->start = off;
    memcpy(f->buf + f->len, p, (size_t)n);
    f->len += (size_t)n;
    f->end = off + n > f->end ? off + n : f->end;
    if (finishes_commit)
        return flush(f);
    f->commit_pending = is_commit_header(p, n);
    return SQLITE_OK;
}

static int wal_read(sqlite3_file *pFile, void *p, int n, sqlite3_int64 off)
{
    struct wal_file *f = wal(pFile);
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, p, n, off);
}

static int wal_truncate(sqlite3_file *pFile, sqlite3_int64 size)
{
    struct wal_file *f = wal(pFile);
    int rc = flush(f);
    if (size < f->end)
        f->end = size;
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wal_sync(sqlite3_file *pFile, int flags)
{
    struct wal_file *f = wal(pFile);
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wal_file_size(sqlite3_file *pFile, sqlite3_int64 *pSize)
{
    struct wal_file *f = wal(pFile);
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, pSize);
}

static int wal_close(sqlite3_file *pFile)
{
    struct wal_file *f = wal(pFile);
    int rc = flush(f);
    free(f->buf);
    f->buf = NULL;
    int rc_close = f->real->pMethods->xClose(f->real);
    return rc != SQLITE_OK ? rc : rc_close;
}

static int wal_lock(sqlite3_file *pFile, int lock)
{
    return wal(pFile)->real->pMethods->xLock(wal(pFile)->real, lock);
}

static int wal_unlock(sqlite3_file *pFile, int lock)
{
    return wal(pFile)->real->pMethods->xUnlock(wal(pFile)->real, lock);
}

static int wal_check_reserved(sqlite3_file *pFile, int *pResOut)
{
    return wal(pFile)->real->pMethods->xCheckReservedLock(wal(pFile)->real, pResOut);
}

static int wal_file_control(sqlite3_file *pFile, int op, void *pArg)
{
    struct wal_file *f = wal(pFile);
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, pArg);
}

static int wal_sector_size(sqlite3_file *pFile)
{
    return wal(pFile)->real->pMethods->xSectorSize(wal(pFile)->real);
}

static int wal_device_characteristics(sqlite3_file *pFile)
{
    return wal(pFile)->real->pMethods->xDeviceCharacteristics(wal(pFile)->real);
}

/* Version 1: a WAL file has no shared memory and is never memory-mapped. */
static const sqlite3_io_methods wal_methods = {
    .iVersion = 1,
    .xClose = wal_close,
    .xRead = wal_read,
    .xWrite = wal_write,
    .xTruncate = wal_truncate,
    .xSync = wal_sync,
    .xFileSize = wal_file_size,
    .xLock = wal_lock,
    .xUnlock = wal_unlock,
    .xCheckReservedLock = wal_check_reserved,
    .xFileControl = wal_file_control,
    .xSectorSize = wal_sector_size,
    .xDeviceCharacteristics = wal_device_characteristics,
};

/* Every file but the WAL is the platform's own, opened in the space SQLite gave us. */
static int vfs_open(sqlite3_vfs *pVfs, const char *zName, sqlite3_file *pFile, int flags,
                    int *pOutFlags)
{
    (void)pVfs;
    if (!(flags & SQLITE_OPEN_WAL))
        return platform_vfs->xOpen(platform_vfs, zName, pFile, flags, pOutFlags);
    struct wal_file *f = wal(pFile);
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    int rc = platform_vfs->xOpen(platform_vfs, zName, f->real, flags, pOutFlags);
    if (rc != SQLITE_OK)
        return rc;
    f->buf = malloc(BUF_BYTES);         /* without it the file still works, unbuffered */
    f->base.pMethods = &wal_methods;
    return SQLITE_OK;
}

static void register_vfs(void)
{
    platform_vfs = sqlite3_vfs_find(NULL);
    if (!platform_vfs)
        return;
    walbuf_vfs = *platform_vfs;         /* pAppData too: the platform's methods read it */
    walbuf_vfs.pNext = NULL;
    walbuf_vfs.zName = VFS_NAME;
    walbuf_vfs.szOsFile = (int)sizeof(struct wal_file) + platform_vfs->szOsFile;
    walbuf_vfs.xOpen = vfs_open;
    if (sqlite3_vfs_register(&walbuf_vfs, 0) != SQLITE_OK)
        platform_vfs = NULL;
}

const char *lk_store_walbuf_vfs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_vfs);
    return platform_vfs ? VFS_NAME : NULL;
}

/* After each COMMIT nothing may be left behind: if a SQLite version ever wrote a commit
 * frame differently, the gathering stops for good on this file, with one error line. */
void lk_store_walbuf_check(sqlite3 *db)
{
    sqlite3_file *pFile = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &pFile) != SQLITE_OK ||
        !pFile || pFile->pMethods != &wal_methods)
        return;
    struct wal_file *f = wal(pFile);
    if (f->len == 0)
        return;
    lk_error("store: a COMMIT left %zu bytes of WAL frames unwritten; writing them and "
             "gathering no more", f->len);
    flush(f);
    free(f->buf);
    f->buf = NULL;
}
