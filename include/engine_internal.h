/* What engine.c and conversation.c share behind include/engine.h. */
#ifndef LOKET_ENGINE_INTERNAL_H
#define LOKET_ENGINE_INTERNAL_H

#include "conv_cache.h"
#include "engine.h"
#include "flow.h"

struct lk_engine {
    char *flows_dir;
    struct lk_store *store;
    struct lk_flowset *fs;
    struct lk_conv_cache convs;
    struct lk_flow_options flow_opt;
    struct lk_words *input_words; /* each turn's input read into words, reused */
    struct lk_words *route_words; /* c:route's text read into words, reused */
    size_t max_vars_bytes;
    int watch_fd;              /* inotify on flows_dir, -1 when unavailable */
    int64_t reload_due_ms;     /* a change was seen; reload at this time (0: none) */
    int64_t next_evict_ms;
    int64_t office_ticket_id;  /* last complaint ticket id handed out (lapi_office.c) */
    void (*trace)(const char *flow, const char *node, void *ud);
    void *trace_ud;
};

#endif
