/* In-process engine benchmark: drives many conversations through a menu flow and a
 * question flow with durable group commit, and prints turns per second, the time from
 * a turn's start to its commit (p50/p99), the CPU time of a turn, and memory per idle
 * conversation. usage: engine_bench [CONVERSATIONS] [ROUNDS] [FLOWS_DIR] */
#include "engine.h"
#include "log.h"
#include "store.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *script[] = {
    "halo", "1", "1", "2", "kembali", "menu", "2", "3374101205909991", "12-05-1990",
    "0812 3456 7890", "1", "3", "menu",
};
#define SCRIPT_LEN (sizeof script / sizeof script[0])

/* Commit times by ticket, written by the writer thread's hook. */
static int64_t *commit_ns;
static size_t n_tickets;
static uint64_t last_seen;
static struct lk_store *store;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_commit(void *ud)
{
    (void)ud;
    uint64_t c = lk_store_committed(store);
    int64_t t = now_ns();
    for (uint64_t k = last_seen + 1; k <= c && k < n_tickets; k++)
        commit_ns[k] = t;
    last_seen = c;
}

static long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int convs = argc > 1 ? atoi(argv[1]) : 10000;
    int rounds = argc > 2 ? atoi(argv[2]) : 26;
    const char *flows = argc > 3 ? argv[3] : "bench/flows";
    char dir[] = "/tmp/loket-bench-XXXXXX", db[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(db, sizeof db, "%s/bench.db", dir);
    lk_log_set_level(LK_LOG_WARN);
    int sync_full = !(argc > 4 && strcmp(argv[4], "normal") == 0);
    struct lk_engine_options opt = {.flows_dir = flows, .db_path = db, .sync_full = sync_full};
    struct lk_error err;
    struct lk_engine *e = lk_engine_new(&opt, &err);
    if (!e) {
        fprintf(stderr, "engine_bench: %s\n", err.text);
        return 1;
    }
    store = lk_engine_store(e);
    size_t turns = (size_t)convs * (size_t)rounds;
    n_tickets = turns + 2;
    commit_ns = calloc(n_tickets, sizeof *commit_ns);
    int64_t *start_ns = calloc(n_tickets, sizeof *start_ns);
    int64_t *cpu_ns = calloc(turns, sizeof *cpu_ns);
    lk_store_on_commit(store, on_commit, NULL);
    char (*addr)[24] = calloc((size_t)convs, sizeof *addr);
    for (int c = 0; c < convs; c++)
        snprintf(addr[c], sizeof addr[c], "62812%07d", c);

    long rss0 = rss_kib();
    size_t heap0 = mallinfo2().uordblks;
    int64_t t0 = now_ns();
    size_t k = 0;
    for (int r = 0; r < rounds; r++)
        for (int c = 0; c < convs; c++, k++) {
            struct lk_event ev = {.channel = "bench", .address = addr[c],
                                  .text = script[r % SCRIPT_LEN]};
            struct lk_reply rep;
            int64_t s = now_ns();
            lk_conv_feed(e, &ev, NULL, NULL, &rep, &err);
            cpu_ns[k] = now_ns() - s;
            if (rep.ticket < n_tickets)
                start_ns[rep.ticket] = s;
            lk_reply_clear(&rep);
        }
    while (lk_store_wait(store, turns, 1000) != LK_OK)
        ;
    int64_t t1 = now_ns();
    usleep(200000);
    long rss1 = rss_kib();
    size_t heap1 = mallinfo2().uordblks;

    int64_t *lat = calloc(turns, sizeof *lat);
    size_t n_lat = 0;
    for (size_t t = 1; t <= turns && t < n_tickets; t++)
        if (commit_ns[t] && start_ns[t])
            lat[n_lat++] = commit_ns[t] - start_ns[t];
    qsort(lat, n_lat, sizeof *lat, cmp64);
    qsort(cpu_ns, turns, sizeof *cpu_ns, cmp64);
    double secs = (double)(t1 - t0) / 1e9;
    printf("engine: %d conversations x %d turns = %zu turns, every turn committed "
           "(WAL, synchronous=%s)\n", convs, rounds, turns, sync_full ? "FULL" : "NORMAL");
    printf("  throughput      %.0f turns/s (%.2f s)\n", (double)turns / secs, secs);
    printf("  turn to commit  p50 %.3f ms  p99 %.3f ms\n", lat[n_lat / 2] / 1e6,
           lat[n_lat * 99 / 100] / 1e6);
    printf("  turn CPU        p50 %.1f us  p99 %.1f us\n", cpu_ns[turns / 2] / 1e3,
           cpu_ns[turns * 99 / 100] / 1e3);
    printf("  memory          %.2f KiB heap per idle conversation (%zu -> %zu KiB in use; "
           "RSS %ld -> %ld KiB, peak of the queue included)\n",
           (double)(heap1 - heap0) / 1024 / convs, heap0 / 1024, heap1 / 1024, rss0, rss1);
    lk_engine_free(e);
    free(lat);
    free(cpu_ns);
    free(start_ns);
    free(commit_ns);
    free(addr);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
