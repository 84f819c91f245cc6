/* Plain HTTP for `loket serve`: the demo page at /, the widget's files under /widget/
 * and the health check at /healthz. Files are read once at start into memory and served
 * with their content type, an ETag, Cache-Control and a few safety headers. It does not
 * know the WebSocket protocol or the WhatsApp webhook (mounted beside it by server.c). */
#include "http_static.h"
#include "log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES     64
#define MAX_FILE_SIZE (1024 * 1024)
#define CHUNK         4096

struct file {
    char path[128];          /* URL path: "/", "/widget/loket.js" */
    const char *type;
    const char *cache;
    char etag[24];
    unsigned char *data;
    size_t len;
};

struct lk_http {
    struct lk_engine *engine;
    char *db_path;
    struct file files[MAX_FILES];
    size_t n_files;
    int refuse;
};

/* Per-session data: one HTTP transaction. */
struct http_pss {
    const struct file *f;    /* static file, or NULL for a generated body */
    char *body;              /* generated body (healthz, errors) */
    size_t len, sent;
};

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".json", "application/json"},
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return NULL;
}

static int read_whole(const char *path, unsigned char **data, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp)
        return LK_ERR;
    if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_SIZE) {
        fclose(fp);
        return LK_ERR;
    }
    *data = lk_xmalloc((size_t)st.st_size + 1);
    *len = fread(*data, 1, (size_t)st.st_size, fp);
    fclose(fp);
    return LK_OK;
}

static void add_file(struct lk_http *h, const char *url, const char *fs_path, const char *cache)
{
    struct file *f;
    const char *type = type_of(fs_path);
    if (!type || h->n_files == MAX_FILES)
        return;
    f = &h->files[h->n_files];
    if (read_whole(fs_path, &f->data, &f->len))
        return;
    snprintf(f->path, sizeof f->path, "%s", url);
    f->type = type;
    f->cache = cache;
    uint64_t hash = 1469598103934665603ull;  /* FNV-1a of the content */
    for (size_t i = 0; i < f->len; i++)
        hash = (hash ^ f->data[i]) * 1099511628211ull;
    snprintf(f->etag, sizeof f->etag, "\"%016llx\"", (unsigned long long)hash);
    h->n_files++;
}

static int load_dir(struct lk_http *h, const char *dir, struct lk_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) {
        lk_error_set(err, "folder widget tidak bisa dibuka / cannot open widget folder: %s", dir);
        return LK_ERR;
    }
    while ((de = readdir(d))) {
        char fs[1200], url[160];
        if (de->d_name[0] == '.' || strlen(de->d_name) > 100)
            continue;
        snprintf(fs, sizeof fs, "%s/%s", dir, de->d_name);
        if (!strcmp(de->d_name, "demo.html")) {
            add_file(h, "/", fs, "no-cache");
        } else {
            snprintf(url, sizeof url, "/widget/%.100s", de->d_name);
            add_file(h, url, fs, "public, max-age=300, must-revalidate");
        }
    }
    closedir(d);
    for (size_t i = 0; i < h->n_files; i++)
        if (!strcmp(h->files[i].path, "/"))
            return LK_OK;
    lk_error_set(err, "halaman demo tidak ada / demo page missing: %s/demo.html", dir);
    return LK_ERR;
}

static const struct file *find_file(const struct lk_http *h, const char *url)
{
    if (!strcmp(url, "/index.html"))
        url = "/";
    for (size_t i = 0; i < h->n_files; i++)
        if (!strcmp(h->files[i].path, url))
            return &h->files[i];
    return NULL;
}

/* ---- responses ---- */

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
                      unsigned char *end)
{
    return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                       (const unsigned char *)value, (int)strlen(value), p, end);
}

static int start_response(struct lws *wsi, unsigned status, const char *type, size_t len,
                          const char *cache, const char *etag, int is_html)
{
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start;
    unsigned char *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, status, type, (lws_filepos_t)len, &p, end) ||
        add_header(wsi, "cache-control:", cache, &p, end) ||
        add_header(wsi, "x-content-type-options:", "nosniff", &p, end) ||
        add_header(wsi, "referrer-policy:", "no-referrer", &p, end) ||
        (etag && add_header(wsi, "etag:", etag, &p, end)))
        return -1;
    if (is_html &&
        (add_header(wsi, "content-security-policy:",
                    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
                    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
                    &p, end) ||
         add_header(wsi, "x-frame-options:", "SAMEORIGIN", &p, end)))
        return -1;
    return lws_finalize_write_http_header(wsi, start, &p, end);
}

/* The database counts as writable when the file and its folder (WAL, journal) are. */
static int db_writable(const char *path)
{
    char dir[1024];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (!dir[0])
        snprintf(dir, sizeof dir, "/");
    return access(path, W_OK) == 0 && access(dir, W_OK) == 0;
}

static char *healthz_body(struct lk_http *h, unsigned *status)
{
    int writable = db_writable(h->db_path);
    *status = writable ? 200 : 503;
    return lk_sprintf("{\"status\":\"%s\",\"flows\":%d,\"flow_version\":%lld,"
                      "\"database\":\"%s\"}\n",
                      writable ? "ok" : "degraded", lk_engine_flow_count(h->engine),
                      (long long)lk_engine_flow_version(h->engine),
                      writable ? "writable" : "not writable");
}

static int on_http(struct lk_http *h, struct http_pss *s, struct lws *wsi, const char *uri)
{
    unsigned status = 200;
    const char *type = "application/json";
    int head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;

    free(s->body);  /* a keep-alive connection's earlier transaction */
    memset(s, 0, sizeof *s);
    if (!head && lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
        status = 405;
        s->body = lk_strdup("{\"error\":\"method not allowed\"}\n");
    } else if (!strcmp(uri, "/healthz")) {
        s->body = healthz_body(h, &status);
    } else if ((s->f = find_file(h, uri))) {
        char inm[32];
        if (lws_hdr_copy(wsi, inm, sizeof inm, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 &&
            !strcmp(inm, s->f->etag)) {
            if (start_response(wsi, 304, s->f->type, 0, s->f->cache, s->f->etag, 0))
                return -1;
            return lws_http_transaction_completed(wsi) ? -1 : 0;
        }
        if (start_response(wsi, 200, s->f->type, s->f->len, s->f->cache, s->f->etag,
                           !strcmp(s->f->path, "/")))
            return -1;
        s->len = head ? 0 : s->f->len;
        if (!s->len)
            return lws_http_transaction_completed(wsi) ? -1 : 0;
        lws_callback_on_writable(wsi);
        return 0;
    } else {
        status = 404;
        s->body = lk_strdup("{\"error\":\"not found\",\"pesan\":\"halaman tidak ada\"}\n");
    }
    s->len = strlen(s->body);
    if (start_response(wsi, status, type, s->len, "no-store", NULL, 0))
        return -1;
    if (head)
        s->len = 0;
    if (!s->len)
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    lws_callback_on_writable(wsi);
    return 0;
}

/* One chunk per WRITEABLE; the last one finishes the transaction. */
static int on_http_writable(struct http_pss *s, struct lws *wsi)
{
    unsigned char buf[LWS_PRE + CHUNK];
    const unsigned char *src = s->f ? s->f->data : (const unsigned char *)s->body;
    size_t n = s->len - s->sent;
    if (!src || s->sent >= s->len)
        return 0;
    if (n > CHUNK)
        n = CHUNK;
    memcpy(buf + LWS_PRE, src + s->sent, n);
    s->sent += n;
    int last = s->sent == s->len;
    if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
        return -1;
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    const struct lws_protocols *proto = lws_get_protocol(wsi);
    struct lk_http *h = proto ? proto->user : NULL;
    struct http_pss *s = user;

    switch (reason) {
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
        return h && h->refuse ? -1 : 0;
    case LWS_CALLBACK_HTTP:
        return h ? on_http(h, s, wsi, in) : -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return s ? on_http_writable(s, wsi) : 0;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (s) {
            free(s->body);
            s->body = NULL;
            s->f = NULL;
        }
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

struct lk_http *lk_http_new(struct lk_engine *e, const char *widget_dir, const char *db_path,
                            struct lk_error *err)
{
    struct lk_http *h = lk_xcalloc(1, sizeof *h);
    h->engine = e;
    h->db_path = lk_strdup(db_path);
    if (widget_dir && load_dir(h, widget_dir, err)) {
        lk_http_free(h);
        return NULL;
    }
    return h;
}

void lk_http_free(struct lk_http *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_files; i++)
        free(h->files[i].data);
    free(h->db_path);
    free(h);
}

struct lws_protocols lk_http_protocol(struct lk_http *h)
{
    return (struct lws_protocols){.name = "loket-http", .callback = http_callback,
                                  .per_session_data_size = sizeof(struct http_pss), .user = h};
}

void lk_http_refuse_new(struct lk_http *h, int on)
{
    h->refuse = on;
}
