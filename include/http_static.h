/* The plain HTTP side of `loket serve`: the demo page at /, the widget files under
 * /widget/, and /healthz. Files are read once at start from the widget directory and
 * served from memory with their content type, an ETag and Cache-Control. */
#ifndef LOKET_HTTP_STATIC_H
#define LOKET_HTTP_STATIC_H

#include "engine.h"
#include <libwebsockets.h>

struct lk_http;  /* opaque */

/* Reads widget_dir (loket.js, loket.css, demo.html and other assets). NULL with err set
 * when the directory or the demo page cannot be read. widget_dir NULL: /healthz only. */
struct lk_http *lk_http_new(struct lk_engine *e, const char *widget_dir, const char *db_path,
                            struct lk_error *err);
void lk_http_free(struct lk_http *h);
/* Protocol 0 of the vhost: serves every HTTP request no mount takes. */
struct lws_protocols lk_http_protocol(struct lk_http *h);
/* While set, new TCP connections are refused (shutdown). */
void lk_http_refuse_new(struct lk_http *h, int on);

#endif
