/* The server of `loket serve`: builds the engine, the lws context with one vhost (HTTP,
 * the widget's WebSocket, the WhatsApp webhook when configured), wakes the service
 * thread on every store commit, ticks the engine twice a second, and on SIGTERM/SIGINT
 * drains, flushes and closes. What the protocols say lives in http_static.c,
 * web_channel.c and whatsapp*.c; argument parsing in cmd_serve.c. */
#include "server.h"
#include "engine.h"
#include "http_static.h"
#include "log.h"
#include "web_channel.h"
#include "whatsapp.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TICK_US        (500 * LWS_US_PER_MS)
#define DRAIN_MS       5000   /* longest wait for queued replies at shutdown */
#define CLOSE_MS       2000   /* longest wait for sockets to close at shutdown */

struct server {
    const struct lk_server_config *cfg;
    struct lk_engine *engine;
    struct lk_web *web;
    struct lk_http *http;
    struct lk_whatsapp *wa;
    struct lws_context *ctx;
    pthread_mutex_t ctx_lock;    /* guards ctx for the store's writer thread */
    lws_sorted_usec_list_t tick;
    const char *origins[LK_SERVER_MAX_ORIGINS + 4];
    char *origin_buf[LK_SERVER_MAX_ORIGINS + 4];
    size_t n_origins;
    struct lws_protocols protocols[4];
    struct lws_http_mount wa_mount;
    lws_retry_bo_t retry;
    char widget_path[1100];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;  /* poll() returns EINTR; the tick catches a near miss */
}

void lk_server_config_defaults(struct lk_server_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->host, sizeof c->host, "127.0.0.1");
    c->port = 8080;
    snprintf(c->flows_dir, sizeof c->flows_dir, "flows");
    snprintf(c->db_path, sizeof c->db_path, "data/loket.db");
    snprintf(c->widget_dir, sizeof c->widget_dir, "web-widget");
    c->max_message = 4096;
    c->rate = 20;
    c->max_conns_per_ip = 64;
    c->ping_s = 30;
    c->history = 20;
    c->sync_full = 1;
}

void lk_server_config_free(struct lk_server_config *c)
{
    for (size_t i = 0; i < c->n_origins; i++)
        free(c->origins[i]);
    c->n_origins = 0;
}

/* Called after each commit, on the store's sync thread (or its writer without one).
 * lws_cancel_service() is the one thread-safe lws call; the service thread then gets
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED, which lws 4.1.6 sends to every protocol of the vhost
 * (checked: http, web and whatsapp each get it once per wake), so the WhatsApp protocol
 * needs no forwarding. */
static void on_commit(void *ud)
{
    struct server *s = ud;
    pthread_mutex_lock(&s->ctx_lock);
    if (s->ctx)
        lws_cancel_service(s->ctx);
    pthread_mutex_unlock(&s->ctx_lock);
}

static void on_tick(lws_sorted_usec_list_t *sul)
{
    struct server *s = lws_container_of(sul, struct server, tick);
    if (!stop_requested)
        lk_engine_tick(s->engine);
    lws_sul_schedule(s->ctx, 0, &s->tick, on_tick, TICK_US);
}

static void lws_log_line(int level, const char *line)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    buf[strcspn(buf, "\n")] = '\0';
    lk_log(level == LLL_ERR ? LK_LOG_ERROR : LK_LOG_WARN, "lws: %s", buf);
}

static void add_origin(struct server *s, char *o)
{
    if (s->n_origins < sizeof s->origins / sizeof s->origins[0]) {
        s->origin_buf[s->n_origins] = o;
        s->origins[s->n_origins++] = o;
    } else {
        free(o);
    }
}

/* Given origins, or the listen address's own: a loopback or wildcard listener also
 * accepts its localhost / 127.0.0.1 / [::1] spellings. */
static void build_origins(struct server *s)
{
    const struct lk_server_config *c = s->cfg;
    const char *h = c->host;
    if (c->n_origins) {
        for (size_t i = 0; i < c->n_origins; i++)
            add_origin(s, lk_strdup(c->origins[i]));
        return;
    }
    int local = !strcmp(h, "127.0.0.1") || !strcmp(h, "localhost") || !strcmp(h, "::1") ||
                !strcmp(h, "0.0.0.0") || !strcmp(h, "::");
    if (!local)
        add_origin(s, strchr(h, ':') ? lk_sprintf("http://[%s]:%d", h, c->port)
                                      : lk_sprintf("http://%s:%d", h, c->port));
    if (local) {
        add_origin(s, lk_sprintf("http://127.0.0.1:%d", c->port));
        add_origin(s, lk_sprintf("http://localhost:%d", c->port));
        add_origin(s, lk_sprintf("http://[::1]:%d", c->port));
    }
    if (c->port == 80)
        add_origin(s, lk_sprintf("http://%s", local ? "localhost" : h));
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int is_dir(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The widget folder: as given; by default ./web-widget, else the one beside the
 * executable (a checkout run from elsewhere); NULL when there is none (health only). */
static const char *widget_dir(const struct lk_server_config *c, char *buf, size_t cap)
{
    char exe[1024];
    ssize_t n;
    if (c->widget_dir_set || is_dir(c->widget_dir))
        return c->widget_dir;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(buf, cap, "%s/web-widget", exe);
        if (is_dir(buf))
            return buf;
    }
    lk_warn("folder widget tidak ada / no widget folder (%s): hanya / only /ws dan /healthz",
            c->widget_dir);
    return NULL;
}

static struct lws_context *make_context(struct server *s)
{
    static const struct lws_protocol_vhost_options pvo_default = {NULL, NULL, "default", "1"};
    static const struct lws_protocol_vhost_options pvo_web = {NULL, &pvo_default, "loket-web",
                                                              ""};
    const struct lk_server_config *c = s->cfg;
    struct lws_context_creation_info info;
    int n = 0;

    s->protocols[n++] = lk_http_protocol(s->http);
    s->protocols[n++] = lk_web_protocol(s->web);
    if (s->wa) {
        s->protocols[n++] = lk_whatsapp_protocol(s->wa);
        memset(&s->wa_mount, 0, sizeof s->wa_mount);
        s->wa_mount.mountpoint = "/whatsapp/webhook";
        s->wa_mount.mountpoint_len = (unsigned char)strlen(s->wa_mount.mountpoint);
        s->wa_mount.origin = s->protocols[n - 1].name;
        s->wa_mount.origin_protocol = LWSMPRO_CALLBACK;
    }
    memset(&s->protocols[n], 0, sizeof s->protocols[n]);

    memset(&s->retry, 0, sizeof s->retry);
    s->retry.secs_since_valid_ping = (uint16_t)c->ping_s;
    s->retry.secs_since_valid_hangup = (uint16_t)(c->ping_s * 2);

    memset(&info, 0, sizeof info);
    info.port = c->port;
    info.iface = (!strcmp(c->host, "0.0.0.0") || !strcmp(c->host, "::")) ? NULL
                 : !strcmp(c->host, "localhost")                          ? "127.0.0.1"
                                                                          : c->host;
    info.protocols = s->protocols;
    info.pvo = &pvo_web;
    info.mounts = s->wa ? &s->wa_mount : NULL;
    info.vhost_name = "loket";
    info.retry_and_idle_policy = c->ping_s > 0 ? &s->retry : NULL;
    info.timeout_secs = 20;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 * !strchr(c->host, ':');
    return lws_create_context(&info);
}

static void print_banner(struct server *s)
{
    const struct lk_server_config *c = s->cfg;
    const char *shown = (!strcmp(c->host, "0.0.0.0") || !strcmp(c->host, "::")) ? "127.0.0.1"
                                                                                 : c->host;
    printf("Loket %s siap / ready: %d alur / flows dari / from %s, database %s\n", LK_VERSION,
           lk_engine_flow_count(s->engine), c->flows_dir, c->db_path);
    printf("Kanal aktif / channels on: web%s\n", s->wa ? ", whatsapp" : "");
    char clock[40];
    time_t now = time(NULL);
    struct tm tm;
    strftime(clock, sizeof clock, "%Y-%m-%d %H:%M %Z", localtime_r(&now, &tm));
    printf("Jam kantor / office clock: %s\n", clock);
    printf("Buka di peramban / open in a browser: http://%s%s%s:%d/\n",
           strchr(shown, ':') ? "[" : "", shown, strchr(shown, ':') ? "]" : "", c->port);
    printf("Hentikan dengan Ctrl+C / stop with Ctrl+C\n");
    fflush(stdout);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Services the loop until done(s) or the deadline. */
static void service_until(struct server *s, int (*done)(struct server *), int ms)
{
    int64_t end = mono_ms() + ms;
    while (!done(s) && mono_ms() < end)
        if (lws_service(s->ctx, 0) < 0)
            break;
}

static int replies_sent(struct server *s)
{
    return lk_web_queued(s->web) == 0;
}

static int sockets_closed(struct server *s)
{
    return lk_web_connections(s->web) == 0;
}

/* Stop taking work, let committed replies out, close every socket. */
static void shut_down(struct server *s)
{
    struct lk_store *st = lk_engine_store(s->engine);
    lk_info("berhenti / stopping: %zu sambungan / connections", lk_web_connections(s->web));
    lk_http_refuse_new(s->http, 1);
    lk_web_drain(s->web);
    if (lk_store_wait(st, lk_web_last_ticket(s->web), DRAIN_MS) != LK_OK)
        lk_warn("penyimpanan lambat / store slow: sebagian balasan tidak terkirim / "
                "some replies not sent");
    lws_cancel_service(s->ctx);
    service_until(s, replies_sent, DRAIN_MS);
    lk_web_close_all(s->web);
    service_until(s, sockets_closed, CLOSE_MS);
}

static int start(struct server *s, struct lk_error *err)
{
    const struct lk_server_config *c = s->cfg;
    struct lk_engine_options eo = {.flows_dir = c->flows_dir, .db_path = c->db_path,
                                   .sync_full = c->sync_full};
    s->engine = lk_engine_new(&eo, err);
    if (!s->engine)
        return LK_ERR;
    s->wa = lk_whatsapp_new(s->engine, err);
    if (!s->wa && err->text[0])
        return LK_ERR;
    s->http = lk_http_new(s->engine, widget_dir(c, s->widget_path, sizeof s->widget_path),
                          c->db_path, err);
    if (!s->http)
        return LK_ERR;
    build_origins(s);
    struct lk_web_limits lim = {.origins = s->origins, .n_origins = s->n_origins,
                                .max_message = c->max_message, .rate = c->rate,
                                .max_conns_per_ip = c->max_conns_per_ip, .history = c->history};
    s->web = lk_web_new(s->engine, &lim);
    s->ctx = make_context(s);
    if (!s->ctx) {
        lk_error_set(err,
                     "tidak bisa mendengarkan di / cannot listen on %s:%d (port sudah dipakai? / "
                     "port already in use?)",
                     c->host, c->port);
        return LK_ERR;
    }
    lk_store_on_commit(lk_engine_store(s->engine), on_commit, s);
    if (s->wa && lk_whatsapp_start(s->wa, s->ctx, err))
        return LK_ERR;
    lws_sul_schedule(s->ctx, 0, &s->tick, on_tick, TICK_US);
    return LK_OK;
}

static void teardown(struct server *s)
{
    if (s->ctx) {
        lws_sul_cancel(&s->tick);
        pthread_mutex_lock(&s->ctx_lock);
        struct lws_context *ctx = s->ctx;
        s->ctx = NULL;
        pthread_mutex_unlock(&s->ctx_lock);
        lws_context_destroy(ctx);
    }
    lk_whatsapp_free(s->wa);
    lk_web_free(s->web);
    lk_http_free(s->http);
    lk_engine_free(s->engine);  /* commits what is left, then closes the database */
    for (size_t i = 0; i < s->n_origins; i++)
        free(s->origin_buf[i]);
}

int lk_server_run(const struct lk_server_config *c)
{
    struct server s;
    struct lk_error err;
    struct sigaction sa;
    int rc = 0;

    memset(&s, 0, sizeof s);
    lk_error_clear(&err);
    s.cfg = c;
    pthread_mutex_init(&s.ctx_lock, NULL);
    raise_fd_limit();
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_line);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (start(&s, &err)) {
        fprintf(stderr, "loket serve: %s\n", err.text);
        rc = 1;
    } else {
        print_banner(&s);
        while (!stop_requested)
            if (lws_service(s.ctx, 0) < 0)
                break;
        shut_down(&s);
    }
    teardown(&s);
    pthread_mutex_destroy(&s.ctx_lock);
    if (!rc)
        printf("Loket berhenti dengan rapi / stopped cleanly\n");
    return rc;
}
