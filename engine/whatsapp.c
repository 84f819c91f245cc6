/* The WhatsApp hotline connector: the /whatsapp/webhook HTTP protocol (verify handshake,
 * signed POSTs answered 200 only once their messages are committed to the inbox), running
 * each new inbox message through the engine with the reply's outbox rows in the same turn,
 * and handing committed outbox rows to the sender thread. Everything here runs on the lws
 * service thread. Rendering, parsing, sending and SQL live in wa_*.c and store_wa.c. */
#include "whatsapp.h"
#include "log.h"
#include "wa_internal.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FEED_BUDGET   256                        /* turns per wake, then the loop breathes */
#define KEEP_INBOX_MS (8LL * 24 * 3600 * 1000)   /* de-duplication window: Meta retries 7 days */
#define PRUNE_EVERY_MS (3600LL * 1000)
#define STOP_GRACE_MS 2000

/* A webhook POST whose rows are on their way to the disk, then being fed. */
struct inbatch {
    struct inbatch *next;
    uint64_t ticket;
    struct lk_wa_webhook w;
    struct lws *wsi;            /* held response; NULL once answered or gone */
    size_t fed;                 /* messages handled so far */
};

/* One turn's outbox jobs, sent once the turn is committed. */
struct outbatch {
    struct outbatch *next;
    uint64_t ticket;
    struct lk_wa_job **jobs;
    size_t n, cap;
    int stored;                 /* set on the writer thread */
};

/* Per-session data: one HTTP transaction on the webhook. */
struct session {
    struct lk_buf body;
    struct inbatch *held;       /* waiting for its commit */
    char *resp;                 /* response body */
    int code;
    unsigned is_post : 1, too_big : 1, respond : 1, headers_sent : 1;
};

struct lk_whatsapp {
    struct lk_engine *engine;
    struct lk_store *store;
    struct lws_context *ctx;
    pthread_mutex_t ctx_lock;   /* the sender thread wakes the loop through ctx */
    char **numbers;             /* accepted phone_number_ids, NULL-terminated */
    char *app_secret, *verify_token, *token, *graph_url;
    struct lk_wa_sender_options sopt;
    struct lk_wa_sender *sender;
    int mark_read;
    int64_t next_outbox_id;
    int64_t last_prune_ms;
    struct inbatch *in_head, *in_tail;
    struct outbatch *out_head, *out_tail;
};

/* ---- configuration ---- */

static char *env_dup(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? lk_strdup(v) : NULL;
}

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    long n = strtol(v, &end, 10);
    return *end ? def : n;
}

static char **split_numbers(const char *s)
{
    size_t n = 0;
    char **v = lk_xcalloc(strlen(s) + 2, sizeof *v);
    char *copy = lk_strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        v[n++] = lk_strdup(t);
    free(copy);
    return v;
}

static void wipe(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

static void config_free(struct lk_whatsapp *wa)
{
    for (char **p = wa->numbers; p && *p; p++)
        free(*p);
    free(wa->numbers);
    wipe(wa->app_secret);
    wipe(wa->verify_token);
    wipe(wa->token);
    free(wa->graph_url);
}

struct lk_whatsapp *lk_whatsapp_new(struct lk_engine *e, struct lk_error *err)
{
    lk_error_clear(err);
    char *pnid = env_dup("LOKET_WA_PHONE_NUMBER_ID"), *token = env_dup("LOKET_WA_TOKEN");
    char *secret = env_dup("LOKET_WA_APP_SECRET"), *verify = env_dup("LOKET_WA_VERIFY_TOKEN");
    if (!pnid && !token && !secret && !verify)
        return NULL; /* not configured: off */
    const char *missing = !secret ? "LOKET_WA_APP_SECRET" : !pnid ? "LOKET_WA_PHONE_NUMBER_ID"
                          : !token ? "LOKET_WA_TOKEN" : !verify ? "LOKET_WA_VERIFY_TOKEN" : NULL;
    if (missing) {
        lk_error_set(err, "WhatsApp: %s belum diisi; tanpa itu konektor tidak berjalan / "
                          "%s is not set; the connector cannot run without it",
                     missing, missing);
        free(pnid);
        wipe(token);
        wipe(secret);
        wipe(verify);
        return NULL;
    }
    struct lk_whatsapp *wa = lk_xcalloc(1, sizeof *wa);
    wa->engine = e;
    wa->store = lk_engine_store(e);
    wa->numbers = split_numbers(pnid);
    free(pnid);
    wa->token = token;
    wa->app_secret = secret;
    wa->verify_token = verify;
    wa->graph_url = env_dup("LOKET_WA_GRAPH_URL");
    if (!wa->graph_url)
        wa->graph_url = lk_strdup("https://graph.facebook.com/v21.0");
    wa->mark_read = env_long("LOKET_WA_MARK_READ", 0) != 0;
    const char *rate = getenv("LOKET_WA_RATE");
    wa->sopt.rate = rate && *rate ? strtod(rate, NULL) : 80.0;
    wa->sopt.concurrency = (int)env_long("LOKET_WA_CONCURRENCY", 16);
    wa->sopt.timeout_ms = (int)env_long("LOKET_WA_TIMEOUT_MS", 15000);
    wa->sopt.retry_base_ms = (int)env_long("LOKET_WA_RETRY_BASE_MS", 500);
    wa->sopt.retry_max_ms = (int)env_long("LOKET_WA_RETRY_MAX_MS", 60000);
    if (!wa->numbers[0]) {
        lk_error_set(err, "WhatsApp: LOKET_WA_PHONE_NUMBER_ID kosong / is empty");
        config_free(wa);
        free(wa);
        return NULL;
    }
    pthread_mutex_init(&wa->ctx_lock, NULL);
    return wa;
}

/* ---- waking the service loop ---- */

static void wake(void *ud)
{
    struct lk_whatsapp *wa = ud;
    pthread_mutex_lock(&wa->ctx_lock);
    if (wa->ctx)
        lws_cancel_service(wa->ctx);
    pthread_mutex_unlock(&wa->ctx_lock);
}

/* ---- turns ---- */

struct turn {
    struct lk_whatsapp *wa;
    const struct lk_wa_inbound *m;
    struct outbatch *ob;
    int hooked;
};

static void ob_add(struct outbatch *ob, struct lk_wa_job *j)
{
    if (ob->n == ob->cap) {
        ob->cap = ob->cap ? ob->cap * 2 : 4;
        ob->jobs = lk_xrealloc(ob->jobs, ob->cap * sizeof *ob->jobs);
    }
    ob->jobs[ob->n++] = j;
}

static struct lk_wa_job *job_new(struct lk_whatsapp *wa, const struct lk_wa_inbound *m,
                                 int64_t message_id, char *body)
{
    struct lk_wa_job *j = lk_xcalloc(1, sizeof *j);
    j->outbox_id = ++wa->next_outbox_id;
    j->message_id = message_id;
    j->phone_number_id = lk_strdup(m->phone_number_id);
    j->recipient = lk_strdup(m->from);
    j->body = body;
    return j;
}

/* Renders one output into outbox jobs of the turn. */
static void render_out(struct turn *t, const struct lk_out *o, const char *lang)
{
    struct lk_wa_msgs msgs;
    lk_wa_render(o, lang, t->m->from, &msgs);
    for (size_t k = 0; k < msgs.n; k++) {
        ob_add(t->ob, job_new(t->wa, t->m, o->message_id, msgs.bodies[k]));
        msgs.bodies[k] = NULL;
    }
    lk_wa_msgs_clear(&msgs);
}

/* Texts of one turn waiting to travel together. */
struct pending {
    struct lk_buf text;
    int64_t message_id;   /* the last of them, for the delivery status */
};

static void flush_pending(struct turn *t, struct pending *p, const char *lang)
{
    if (!p->text.len)
        return;
    struct lk_out o = {.kind = LK_OUT_TEXT, .text = p->text.data, .message_id = p->message_id};
    render_out(t, &o, lang);
    lk_buf_free(&p->text);
}

static void join_text(struct pending *p, const char *text)
{
    if (p->text.len)
        lk_buf_puts(&p->text, "\n\n");
    lk_buf_puts(&p->text, text ? text : "");
}

/* Consecutive texts of a turn travel as one WhatsApp message, in front of the menu that
 * follows when the whole still fits an interactive body: the citizen gets one message
 * instead of three, and the number's send rate goes that much further. */
static void render_turn(struct turn *t, const struct lk_reply *r)
{
    struct pending p = {{0}, 0};
    for (size_t i = 0; i < r->n_outs; i++) {
        const struct lk_out *o = &r->outs[i];
        size_t len = lk_utf8_len(o->text ? o->text : "");
        size_t have = p.text.len ? lk_utf8_len(p.text.data) + 2 : 0;
        if (!o->n_options) {
            if (have + len > LK_WA_TEXT_MAX)
                flush_pending(t, &p, r->lang);
            join_text(&p, o->text);
            p.message_id = o->message_id;
        } else if (have && have + len <= LK_WA_INTERACTIVE_MAX) {
            join_text(&p, o->text);
            struct lk_out merged = *o;
            merged.text = p.text.data;
            render_out(t, &merged, r->lang);
            lk_buf_free(&p.text);
        } else {
            flush_pending(t, &p, r->lang);
            render_out(t, o, r->lang);
        }
    }
    flush_pending(t, &p, r->lang);
}

/* The turn's batch before it is submitted: render the outputs into outbox rows. */
static void turn_hook(struct lk_batch *b, const struct lk_reply *r, void *ud)
{
    struct turn *t = ud;
    render_turn(t, r);
    lk_wa_batch_turn(b, t->m->wamid, t->ob->jobs, t->ob->n, lk_now_ms(), &t->ob->stored);
    t->hooked = 1;
}

static void out_append(struct lk_whatsapp *wa, struct outbatch *ob)
{
    if (wa->out_tail)
        wa->out_tail->next = ob;
    else
        wa->out_head = ob;
    wa->out_tail = ob;
}

static void outbatch_free(struct outbatch *ob)
{
    for (size_t i = 0; i < ob->n; i++)
        lk_wa_job_free(ob->jobs[i]);
    free(ob->jobs);
    free(ob);
}

static void mark_read(struct lk_whatsapp *wa, const struct lk_wa_inbound *m)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp", "status", "read",
                          "message_id", m->wamid);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    struct lk_wa_job *j = lk_xcalloc(1, sizeof *j);
    j->phone_number_id = lk_strdup(m->phone_number_id);
    j->recipient = lk_strdup(m->from);
    j->body = lk_strdup(s);
    free(s);
    lk_wa_sender_push(wa->sender, j);
}

/* Runs one new inbox message through the flows; its replies wait for the turn's commit. */
static void feed(struct lk_whatsapp *wa, const struct lk_wa_inbound *m)
{
    struct lk_event ev = {.channel = "whatsapp", .address = m->from, .text = m->text,
                          .choice_id = m->choice_id, .kind = m->kind,
                          .external_id = m->wamid, .payload = m->payload};
    struct outbatch *ob = lk_xcalloc(1, sizeof *ob);
    struct turn t = {wa, m, ob, 0};
    struct lk_reply reply;
    struct lk_error err;
    memset(&reply, 0, sizeof reply);
    lk_error_clear(&err);
    if (wa->mark_read && wa->sender)
        mark_read(wa, m);
    int rc = lk_conv_feed(wa->engine, &ev, turn_hook, &t, &reply, &err);
    if (rc != LK_OK)
        lk_warn("whatsapp: pesan %s tidak dapat diproses / message not processed: %s",
                m->wamid, err.text);
    if (rc != LK_OK || !t.hooked) { /* no turn committed: still mark the inbox row done */
        struct lk_batch *b = lk_batch_new();
        lk_wa_batch_turn(b, m->wamid, NULL, 0, lk_now_ms(), NULL);
        ob->ticket = lk_store_submit(wa->store, b);
        for (size_t i = 0; i < ob->n; i++)
            lk_wa_job_free(ob->jobs[i]);
        ob->n = 0;
        ob->stored = 1;
    } else {
        ob->ticket = reply.ticket;
    }
    lk_reply_clear(&reply);
    out_append(wa, ob);
}

/* ---- the service-thread pump: commits seen, responses released, turns fed ---- */

static void respond(struct lws *wsi, struct session *ss, int code, const char *body)
{
    ss->code = code;
    free(ss->resp);
    ss->resp = lk_strdup(body ? body : "");
    ss->respond = 1;
    lws_callback_on_writable(wsi);
}

static void inbatch_free(struct inbatch *b)
{
    lk_wa_webhook_clear(&b->w);
    free(b);
}

/* Answers every webhook whose rows are committed (before any turn is fed). */
static void answer_committed(struct lk_whatsapp *wa, uint64_t done)
{
    for (struct inbatch *b = wa->in_head; b && b->ticket <= done; b = b->next)
        if (b->wsi) {
            struct session *ss = lws_wsi_user(b->wsi);
            ss->held = NULL;
            respond(b->wsi, ss, b->w.stored ? 200 : 500, b->w.stored ? "OK" : "");
            b->wsi = NULL;
        }
}

/* Feeds the committed webhooks' new messages, at most *budget turns. */
static int feed_committed(struct lk_whatsapp *wa, uint64_t done, int *budget)
{
    answer_committed(wa, done);
    while (wa->in_head && wa->in_head->ticket <= done) {
        struct inbatch *b = wa->in_head;
        for (; b->w.stored && b->fed < b->w.n_msgs; b->fed++) {
            const struct lk_wa_inbound *m = &b->w.msgs[b->fed];
            if (!m->is_new || !m->feed)
                continue;
            if ((*budget)-- <= 0)
                return 1;
            feed(wa, m);
        }
        wa->in_head = b->next;
        if (!wa->in_head)
            wa->in_tail = NULL;
        inbatch_free(b);
    }
    return 0;
}

static void release_jobs(struct lk_whatsapp *wa, uint64_t done)
{
    while (wa->out_head && wa->out_head->ticket <= done) {
        struct outbatch *ob = wa->out_head;
        wa->out_head = ob->next;
        if (!wa->out_head)
            wa->out_tail = NULL;
        if (!ob->stored && ob->n)
            lk_error("whatsapp: %zu balasan tidak tersimpan, tidak dikirim / replies not "
                     "stored, not sent", ob->n);
        for (size_t i = 0; i < ob->n; i++)
            if (ob->stored && wa->sender)
                lk_wa_sender_push(wa->sender, ob->jobs[i]);
            else
                lk_wa_job_free(ob->jobs[i]);
        ob->n = 0;
        outbatch_free(ob);
    }
}

static void record_results(struct lk_whatsapp *wa)
{
    struct lk_wa_result *res;
    size_t n = wa->sender ? lk_wa_sender_take(wa->sender, &res) : 0;
    if (!n)
        return;
    struct lk_batch *b = lk_batch_new();
    lk_wa_batch_results(b, res, n, lk_now_ms());
    lk_store_submit(wa->store, b);
}

static void prune(struct lk_whatsapp *wa)
{
    int64_t now = lk_now_ms();
    if (now - wa->last_prune_ms < PRUNE_EVERY_MS)
        return;
    wa->last_prune_ms = now;
    struct lk_batch *b = lk_batch_new();
    lk_wa_batch_prune(b, now - KEEP_INBOX_MS);
    lk_store_submit(wa->store, b);
}

static void pump(struct lk_whatsapp *wa)
{
    int budget = FEED_BUDGET;
    release_jobs(wa, lk_store_committed(wa->store));
    if (feed_committed(wa, lk_store_committed(wa->store), &budget))
        wake(wa); /* more to feed: come back after the loop has served others */
    release_jobs(wa, lk_store_committed(wa->store));
    record_results(wa);
    prune(wa);
}

/* ---- HTTP ---- */

static void session_reset(struct session *ss)
{
    lk_buf_free(&ss->body);
    free(ss->resp);
    memset(ss, 0, sizeof *ss);
}

static void peer(struct lws *wsi, char *buf, size_t n)
{
    buf[0] = '\0';
    lws_get_peer_simple(wsi, buf, n);
}

static int on_verify(struct lk_whatsapp *wa, struct lws *wsi, struct session *ss)
{
    char mode[32], token[256], challenge[256];
    const char *m = lws_get_urlarg_by_name(wsi, "hub.mode=", mode, sizeof mode);
    const char *t = lws_get_urlarg_by_name(wsi, "hub.verify_token=", token, sizeof token);
    const char *c = lws_get_urlarg_by_name(wsi, "hub.challenge=", challenge, sizeof challenge);
    size_t tl = t ? strlen(t) : 0, vl = strlen(wa->verify_token);
    int ok = m && strcmp(m, "subscribe") == 0 && c && tl == vl &&
             CRYPTO_memcmp(t, wa->verify_token, vl) == 0;
    if (!ok) {
        char ip[64];
        peer(wsi, ip, sizeof ip);
        lk_warn("whatsapp: verifikasi webhook ditolak (token salah) dari %s / webhook "
                "verification refused (wrong token)", ip);
        respond(wsi, ss, 403, "Forbidden");
        return 0;
    }
    lk_info("whatsapp: webhook terverifikasi / webhook verified");
    respond(wsi, ss, 200, c);
    return 0;
}

static int on_http(struct lk_whatsapp *wa, struct lws *wsi, struct session *ss)
{
    session_reset(ss);
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI))
        return on_verify(wa, wsi, ss);
    if (!lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI)) {
        respond(wsi, ss, 405, "Method Not Allowed");
        return 0;
    }
    ss->is_post = 1;
    char cl[32] = "";
    if (lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
        strtoull(cl, NULL, 10) > LK_WA_BODY_LIMIT) {
        lk_warn("whatsapp: webhook terlalu besar / webhook too large (%s bytes)", cl);
        if (lws_return_http_status(wsi, 413, NULL) || lws_http_transaction_completed(wsi))
            return -1;
        return 0;
    }
    return 0;
}

static int on_body(struct session *ss, const void *in, size_t len)
{
    if (ss->too_big || ss->body.len + len > LK_WA_BODY_LIMIT) {
        ss->too_big = 1;
        lk_buf_free(&ss->body);
        return 0;
    }
    lk_buf_append(&ss->body, in, len);
    return 0;
}

static char *signature_header(struct lws *wsi)
{
    static const char *const names[] = {"x-hub-signature-256:", "X-Hub-Signature-256:"};
    for (size_t i = 0; i < 2; i++) {
        int n = lws_hdr_custom_length(wsi, names[i], (int)strlen(names[i]));
        if (n > 0 && n < 256) {
            char *v = lk_xmalloc((size_t)n + 1);
            if (lws_hdr_custom_copy(wsi, v, n + 1, names[i], (int)strlen(names[i])) >= 0)
                return v;
            free(v);
        }
    }
    return NULL;
}

static void in_append(struct lk_whatsapp *wa, struct inbatch *b)
{
    if (wa->in_tail)
        wa->in_tail->next = b;
    else
        wa->in_head = b;
    wa->in_tail = b;
}

static int on_body_done(struct lk_whatsapp *wa, struct lws *wsi, struct session *ss)
{
    char ip[64];
    if (ss->too_big) {
        lk_warn("whatsapp: webhook melebihi 3 MB ditolak / webhook over 3 MB refused");
        respond(wsi, ss, 413, "Payload Too Large");
        return 0;
    }
    char *sig = signature_header(wsi);
    const char *body = ss->body.data ? ss->body.data : "";
    if (!lk_wa_signature_ok(wa->app_secret, body, ss->body.len, sig)) {
        peer(wsi, ip, sizeof ip);
        lk_warn("whatsapp: webhook dari %s ditolak: tanda tangan %s / webhook refused: %s "
                "signature", ip, sig ? "salah" : "tidak ada", sig ? "bad" : "missing");
        respond(wsi, ss, sig ? 403 : 401, sig ? "Forbidden" : "Unauthorized");
        free(sig);
        return 0;
    }
    free(sig);
    struct inbatch *b = lk_xcalloc(1, sizeof *b);
    struct lk_error err;
    if (lk_wa_parse(body, ss->body.len, (const char *const *)wa->numbers, &b->w, &err)) {
        lk_warn("whatsapp: %s", err.text);
        free(b);
        respond(wsi, ss, 400, "Bad Request");
        return 0;
    }
    lk_buf_free(&ss->body);
    if (b->w.n_msgs == 0 && b->w.n_statuses == 0) {
        inbatch_free(b);
        respond(wsi, ss, 200, "OK");
        return 0;
    }
    struct lk_batch *batch = lk_batch_new();
    lk_wa_batch_webhook(batch, &b->w, lk_now_ms());
    b->ticket = lk_store_submit(wa->store, batch);
    b->wsi = wsi;
    ss->held = b;
    in_append(wa, b);
    return 0;
}

static int on_writeable(struct lws *wsi, struct session *ss)
{
    unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start,
                                      *end = buf + sizeof buf - 1;
    if (!ss->respond)
        return 0;
    size_t n = strlen(ss->resp);
    if (!ss->headers_sent) {
        if (lws_add_http_common_headers(wsi, (unsigned)ss->code, "text/plain", n, &p, end) ||
            lws_finalize_write_http_header(wsi, start, &p, end))
            return -1;
        ss->headers_sent = 1;
        if (n) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    } else if (n) {
        unsigned char *out = lk_xmalloc(LWS_PRE + n);
        memcpy(out + LWS_PRE, ss->resp, n);
        int w = lws_write(wsi, out + LWS_PRE, n, LWS_WRITE_HTTP_FINAL);
        free(out);
        if (w != (int)n)
            return -1;
    }
    session_reset(ss);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static void on_closed(struct session *ss)
{
    if (ss->held)
        ss->held->wsi = NULL; /* Meta will retry; the rows are de-duplicated */
    session_reset(ss);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    const struct lws_protocols *pr = lws_get_protocol(wsi);
    struct lk_whatsapp *wa = pr ? pr->user : NULL;
    struct session *ss = user;
    if (!wa)
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return on_http(wa, wsi, ss);
    case LWS_CALLBACK_HTTP_BODY:
        return on_body(ss, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return on_body_done(wa, wsi, ss);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return on_writeable(wsi, ss);
    case LWS_CALLBACK_CLOSED_HTTP:
        if (ss)
            on_closed(ss);
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        pump(wa);
        return 0;
    case LWS_CALLBACK_PROTOCOL_DESTROY: /* the context goes: the sender must not wake it */
        pthread_mutex_lock(&wa->ctx_lock);
        wa->ctx = NULL;
        pthread_mutex_unlock(&wa->ctx_lock);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

struct lws_protocols lk_whatsapp_protocol(struct lk_whatsapp *wa)
{
    return (struct lws_protocols){.name = "loket-whatsapp", .callback = callback,
                                  .per_session_data_size = sizeof(struct session),
                                  .user = wa};
}

/* ---- start and stop ---- */

static void resume_job(struct lk_wa_job *j, void *ud)
{
    struct lk_whatsapp *wa = ud;
    lk_wa_sender_push(wa->sender, j);
}

int lk_whatsapp_start(struct lk_whatsapp *wa, struct lws_context *ctx, struct lk_error *err)
{
    if (!wa)
        return LK_OK;
    pthread_mutex_lock(&wa->ctx_lock);
    wa->ctx = ctx;
    pthread_mutex_unlock(&wa->ctx_lock);
    wa->sopt.graph_url = wa->graph_url;
    wa->sopt.token = wa->token;
    wa->sender = lk_wa_sender_new(&wa->sopt, wake, wa, err);
    if (!wa->sender)
        return LK_ERR;
    void *rdb = lk_store_reader(wa->store);
    wa->next_outbox_id = lk_wa_store_max_outbox_id(rdb);
    struct inbatch *b = lk_xcalloc(1, sizeof *b);
    if (lk_wa_store_pending_outbox(rdb, resume_job, wa) ||
        lk_wa_store_pending_inbox(rdb, &b->w)) {
        lk_error_set(err, "WhatsApp: kotak keluar/masuk tidak terbaca / outbox or inbox "
                          "unreadable (database at schema %d)",
                     lk_store_schema_version(wa->store));
        inbatch_free(b);
        return LK_ERR;
    }
    if (b->w.n_msgs) {
        lk_info("whatsapp: %zu pesan masuk tertunda diproses / pending inbound messages "
                "resumed", b->w.n_msgs);
        in_append(wa, b); /* ticket 0: already committed */
    } else {
        inbatch_free(b);
    }
    lk_info("whatsapp: aktif / on: nomor / number %s, Graph API %s, %g pesan/detik / msg/s",
            wa->numbers[0], wa->graph_url, wa->sopt.rate);
    prune(wa);
    wake(wa);
    return LK_OK;
}

void lk_whatsapp_free(struct lk_whatsapp *wa)
{
    if (!wa)
        return;
    pthread_mutex_lock(&wa->ctx_lock);
    wa->ctx = NULL;
    pthread_mutex_unlock(&wa->ctx_lock);
    if (wa->sender) {
        lk_wa_sender_stop(wa->sender, STOP_GRACE_MS); /* unsent jobs stay in the outbox */
        record_results(wa);
        lk_wa_sender_free(wa->sender, 0);
        wa->sender = NULL;
    }
    /* The writer may still be filling the batches' rows: let it finish first. */
    struct lk_batch *b = lk_batch_new();
    lk_wa_batch_finish(b);
    uint64_t t = lk_store_submit(wa->store, b);
    if (lk_store_wait(wa->store, t, 10000) != LK_OK)
        lk_warn("whatsapp: penyimpanan lambat saat berhenti / store slow at stop");
    while (wa->in_head) {
        struct inbatch *ib = wa->in_head;
        wa->in_head = ib->next;
        inbatch_free(ib);
    }
    while (wa->out_head) {
        struct outbatch *ob = wa->out_head;
        wa->out_head = ob->next;
        outbatch_free(ob);
    }
    config_free(wa);
    pthread_mutex_destroy(&wa->ctx_lock);
    free(wa);
}
