/* The website chat channel: the widget's WebSocket protocol on /ws (docs/protocol.md).
 * server.c creates it, mounts its lws protocol and tells it when to drain and close;
 * everything about frames, sessions and limits stays behind this header. All functions
 * run on the lws service thread. */
#ifndef LOKET_WEB_CHANNEL_H
#define LOKET_WEB_CHANNEL_H

#include "engine.h"
#include <libwebsockets.h>

struct lk_web;  /* opaque */

struct lk_web_limits {
    const char *const *origins;  /* allowed Origin header values ("http://host:port");
                                    "*" allows any; a request without Origin (not a
                                    browser) is always allowed */
    size_t n_origins;
    size_t max_message;          /* largest client message in bytes (default 4096) */
    int rate;                    /* messages per connection per 10 s; 0 = no limit */
    int max_conns_per_ip;        /* open WebSockets per client address; 0 = no limit */
    int history;                 /* messages sent back on resume (default 20) */
};

struct lk_web *lk_web_new(struct lk_engine *e, const struct lk_web_limits *lim);
/* After every connection has closed. NULL is fine. */
void lk_web_free(struct lk_web *w);
/* The protocol to list in the vhost (its .user points at w); the default protocol for
 * WebSocket upgrades, which it accepts on /ws only. */
struct lws_protocols lk_web_protocol(struct lk_web *w);

/* Shutdown, in this order: stop taking new connections and new turns; wait until every
 * queued reply has gone out (lk_web_queued() == 0); close every socket (1001). */
void lk_web_drain(struct lk_web *w);
size_t lk_web_queued(const struct lk_web *w);
uint64_t lk_web_last_ticket(const struct lk_web *w);
void lk_web_close_all(struct lk_web *w);
size_t lk_web_connections(const struct lk_web *w);

#endif
