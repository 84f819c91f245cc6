/* The engine handle: opens the store, loads the flow set, keeps the conversation cache,
 * reloads flows when their files change (only a set that passes the check replaces the
 * live one) and does the periodic housekeeping. A turn itself is conversation.c's job. */
#include "engine_internal.h"
#include "lapi_office.h"
#include "log.h"
#include "match.h"
#include "runtime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define RELOAD_SETTLE_MS 300
#define EVICT_EVERY_MS 60000

/* Lua-visible areas beyond the DSL, in a fixed order. */
static const lk_sandbox_opener engine_openers[] = {lk_runtime_open, lk_lapi_office_open, NULL};

const lk_sandbox_opener *lk_engine_openers(void)
{
    return engine_openers;
}

void lk_engine_use_timezone(const char *flows_dir)
{
    struct lk_diags d = {0};
    struct lk_flow_options fo = {.openers = engine_openers};
    struct lk_flowset *fs = lk_flowset_load(flows_dir, &fo, &d);
    lk_diags_free(&d);
    if (fs)
        lk_settings_use_timezone(&fs->settings);
    lk_flowset_free(fs);
}

static void log_diags(const struct lk_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct lk_diag *x = &d->items[i];
        lk_log(x->is_error ? LK_LOG_ERROR : LK_LOG_DEBUG, "%s:%d: %s", x->file, x->line,
               x->text);
    }
}

/* Loads the flow set; on failure err holds the first error as file:line: text. */
static struct lk_flowset *load_flows(struct lk_engine *e, struct lk_error *err)
{
    struct lk_diags d = {0};
    struct lk_flowset *fs = lk_flowset_load(e->flows_dir, &e->flow_opt, &d);
    log_diags(&d);
    if (!fs) {
        for (size_t i = 0; i < d.n; i++)
            if (d.items[i].is_error) {
                lk_error_set(err, "%s:%d: %s", d.items[i].file, d.items[i].line,
                             d.items[i].text);
                break;
            }
    }
    lk_diags_free(&d);
    return fs;
}

static void watch_flows(struct lk_engine *e)
{
    e->watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (e->watch_fd < 0)
        return;
    if (inotify_add_watch(e->watch_fd, e->flows_dir,
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                              IN_CREATE) < 0) {
        close(e->watch_fd);
        e->watch_fd = -1;
    }
}

struct lk_engine *lk_engine_new(const struct lk_engine_options *opt, struct lk_error *err)
{
    struct lk_engine *e = lk_xcalloc(1, sizeof *e);
    e->watch_fd = -1;
    e->input_words = lk_words_new(NULL);
    e->route_words = lk_words_new(NULL);
    e->flows_dir = lk_strdup(opt->flows_dir ? opt->flows_dir : "flows");
    e->flow_opt = (struct lk_flow_options){opt->lua_memory_bytes, opt->lua_instructions,
                                           engine_openers, e};
    e->max_vars_bytes = opt->max_vars_bytes ? opt->max_vars_bytes : 16 * 1024;
    e->trace = opt->trace;
    e->trace_ud = opt->trace_ud;
    e->fs = load_flows(e, err);
    if (!e->fs)
        goto fail;
    lk_settings_use_timezone(&e->fs->settings);
    struct lk_store_options so = {.path = opt->db_path ? opt->db_path : "data/loket.db",
                                  .sync_full = opt->sync_full,
                                  .group_delay_us = opt->group_delay_us};
    e->store = lk_store_open(&so, err);
    if (!e->store)
        goto fail;
    watch_flows(e);
    return e;
fail:
    lk_engine_free(e);
    return NULL;
}

void lk_engine_free(struct lk_engine *e)
{
    if (!e)
        return;
    lk_store_close(e->store);
    lk_conv_cache_free(&e->convs);
    lk_flowset_free(e->fs);
    if (e->watch_fd >= 0)
        close(e->watch_fd);
    free(e->flows_dir);
    lk_words_free(e->input_words);
    lk_words_free(e->route_words);
    free(e);
}

struct lk_store *lk_engine_store(struct lk_engine *e)
{
    return e->store;
}

int lk_engine_reload(struct lk_engine *e, struct lk_error *err)
{
    struct lk_flowset *fs = load_flows(e, err);
    if (!fs) {
        lk_error("alur baru ditolak, alur lama tetap dipakai / new flows refused, the live "
                 "set stays: %s", err->text);
        return LK_ERR;
    }
    if (!lk_settings_timezone_in_use(&fs->settings))
        lk_warn("zona waktu baru berlaku setelah Loket dijalankan ulang / a new timezone takes "
                "effect when Loket is restarted");   /* setenv is unsafe beside other threads */
    lk_flowset_free(e->fs);
    e->fs = fs;
    lk_info("alur dimuat ulang / flows reloaded: %zu alur, versi %lld", fs->n_flows,
            (long long)fs->version);
    return LK_OK;
}

/* Drains inotify events; returns 1 when any arrived. */
static int flows_changed(struct lk_engine *e)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int seen = 0;
    while (e->watch_fd >= 0 && read(e->watch_fd, buf, sizeof buf) > 0)
        seen = 1;
    return seen;
}

void lk_engine_tick(struct lk_engine *e)
{
    int64_t now = lk_now_ms();
    if (flows_changed(e))
        e->reload_due_ms = now + RELOAD_SETTLE_MS;
    if (e->reload_due_ms && now >= e->reload_due_ms) {
        struct lk_error err;
        e->reload_due_ms = 0;
        lk_engine_reload(e, &err);
    }
    if (now >= e->next_evict_ms) {
        int64_t idle = (int64_t)e->fs->settings.expiry_minutes * 2 * 60000;
        lk_conv_cache_evict(&e->convs, now - idle, lk_store_committed(e->store));
        e->next_evict_ms = now + EVICT_EVERY_MS;
    }
}

int64_t lk_engine_flow_version(struct lk_engine *e)
{
    return e->fs->version;
}

int lk_engine_flow_count(struct lk_engine *e)
{
    return (int)e->fs->n_flows;
}
