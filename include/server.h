/* `loket serve`: one process, one lws service thread, serving HTTP (demo page, widget,
 * health), the widget's WebSocket and, when configured, the WhatsApp webhook. */
#ifndef LOKET_SERVER_H
#define LOKET_SERVER_H

#include "loket.h"
#include <stddef.h>

#define LK_SERVER_MAX_ORIGINS 32

struct lk_server_config {
    char host[256];           /* listen address, default 127.0.0.1 */
    int port;                 /* default 8080 */
    char flows_dir[1024];     /* default "flows" */
    char db_path[1024];       /* default "data/loket.db" */
    char widget_dir[1024];    /* default "web-widget" here, else beside the executable */
    int widget_dir_set;       /* given explicitly: a missing folder is an error */
    char *origins[LK_SERVER_MAX_ORIGINS];  /* allowed Origins; none given: same host */
    size_t n_origins;
    size_t max_message;       /* bytes, default 4096 */
    int rate;                 /* messages per connection per 10 s, default 20; 0 = off */
    int max_conns_per_ip;     /* default 64; 0 = off */
    int ping_s;               /* idle seconds before a ping, default 30; hang up after 2x */
    int history;              /* messages sent on resume, default 20 */
    int sync_full;            /* 1 (default): every commit survives power loss */
};

void lk_server_config_defaults(struct lk_server_config *c);
void lk_server_config_free(struct lk_server_config *c);
/* Runs until SIGTERM/SIGINT, then shuts down cleanly. Returns the exit code. */
int lk_server_run(const struct lk_server_config *c);

#endif
