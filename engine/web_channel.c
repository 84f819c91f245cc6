/* The website chat channel: the widget's WebSocket protocol on /ws. It owns the
 * per-connection state (session, reply queue, rate bucket), the Origin check and the
 * per-address cap, turning JSON frames into lk_events and lk_outs into frames, and
 * holding every reply until its turn is committed. It does not own the lws context, the
 * HTTP side or the engine (server.c wires those); the frame format is docs/protocol.md. */
#include "web_channel.h"
#include "log.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUEUED    256   /* frames waiting for one client before it counts as stuck */
#define FRAME_FIRST_BYTES 900  /* a frame buffer's first size: a menu of eight options fits */
#define TOKEN_BYTES   16    /* 128 bits */
#define MAX_CID       64
#define PEER_BUCKETS  256
#define BUCKET_MS     10000

/* One queued server->client frame; the payload follows the struct after LWS_PRE bytes. */
struct frame {
    struct frame *next;
    uint64_t ticket;        /* send once lk_store_committed() >= ticket; 0: at once */
    size_t len;
};
#define FRAME_DATA(f) ((unsigned char *)((f) + 1) + LWS_PRE)

/* Open WebSockets per client address. */
struct peer {
    struct peer *next;
    unsigned count;
    char ip[48];
};

/* A turn whose client message id must not run twice while it is being committed. */
struct inflight {
    struct inflight *next;
    uint64_t ticket;
    char ext[96];
};

/* Per-session data: one WebSocket connection. */
struct pss {
    struct lws *wsi;
    struct pss *all_prev, *all_next;     /* every connection */
    struct pss *wait_prev, *wait_next;   /* head frame waits for a commit */
    struct frame *head, *tail;
    struct peer *peer;
    char *rx;                            /* a message arriving in fragments */
    size_t rxlen;
    int64_t bucket_ms;                   /* rate bucket: start of the current refill */
    uint16_t nqueued;
    uint16_t tokens;
    uint16_t close_code;                 /* close after the queue drains */
    unsigned waiting : 1, has_session : 1, hello : 1, closing : 1, limited : 1, english : 1;
    char addr[65];                       /* hex SHA-256 of the session token */
};

/* Per-vhost data: the channel. */
struct lk_web {
    struct lk_engine *engine;
    struct lk_store *store;
    struct lk_web_limits lim;
    struct pss *all, *waiting;
    struct peer *peers[PEER_BUCKETS];
    struct inflight *inflight, *inflight_tail;
    size_t queued, connections;
    uint64_t last_ticket;
    uint64_t released;                   /* commits whose frames were sent */
    int draining;
};

/* ---- bilingual errors ---- */

struct err_text {
    const char *code, *id, *en;
};
static const struct err_text errors[] = {
    {"invalid_json", "Pesan tidak dapat dibaca (bukan JSON yang sah).",
     "The message could not be read (invalid JSON)."},
    {"invalid_utf8", "Pesan berisi karakter yang tidak sah (bukan UTF-8).",
     "The message contains invalid characters (not UTF-8)."},
    {"bad_request", "Pesan tidak lengkap atau jenisnya tidak dikenal.",
     "The message is incomplete or of an unknown type."},
    {"binary_unsupported", "Hanya pesan teks yang diterima.", "Only text messages are accepted."},
    {"rate_limited",
     "Mohon maaf, pesan Anda terlalu cepat. Tunggu beberapa detik, lalu kirim lagi ya.",
     "Sorry, messages are arriving too fast. Please wait a few seconds and send again."},
    {"too_many_connections",
     "Terlalu banyak sambungan dari alamat Anda. Tutup tab lain, lalu coba lagi.",
     "Too many connections from your address. Close other tabs and try again."},
    {"shutting_down", "Layanan sedang dimulai ulang. Silakan coba lagi sebentar lagi.",
     "The service is restarting. Please try again in a moment."},
    {"internal", "Maaf, terjadi gangguan pada layanan. Silakan coba lagi.",
     "Sorry, something went wrong on our side. Please try again."},
    {"too_slow", "Sambungan terlalu lambat menerima pesan.",
     "The connection is not reading its messages."},
};

static const struct err_text *error_text(const char *code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (!strcmp(errors[i].code, code))
            return &errors[i];
    return &errors[0];
}

/* ---- JSON output ---- */

/* A frame is built in an lk_buf that starts with room for the struct and LWS_PRE; most bot
 * messages (text and a menu's options) fit its first allocation. */
static void frame_begin(struct lk_buf *b)
{
    static const char zero[sizeof(struct frame) + LWS_PRE];
    memset(b, 0, sizeof *b);
    lk_buf_reserve(b, FRAME_FIRST_BYTES);
    lk_buf_append(b, zero, sizeof zero);
}

static struct frame *frame_end(struct lk_buf *b, uint64_t ticket)
{
    size_t len = b->len - sizeof(struct frame) - LWS_PRE;
    struct frame *f = (struct frame *)(void *)lk_buf_take(b);
    f->next = NULL;
    f->ticket = ticket;
    f->len = len;
    return f;
}

/* ---- the queue: replies leave in order, each once its ticket is committed ---- */

static struct lk_web *web_of(struct lws *wsi)
{
    const struct lws_protocols *p = lws_get_protocol(wsi);
    return p ? p->user : NULL;
}

static void wait_add(struct lk_web *w, struct pss *p)
{
    if (p->waiting)
        return;
    p->waiting = 1;
    p->wait_prev = NULL;
    p->wait_next = w->waiting;
    if (w->waiting)
        w->waiting->wait_prev = p;
    w->waiting = p;
}

static void wait_remove(struct lk_web *w, struct pss *p)
{
    if (!p->waiting)
        return;
    if (p->wait_prev)
        p->wait_prev->wait_next = p->wait_next;
    else
        w->waiting = p->wait_next;
    if (p->wait_next)
        p->wait_next->wait_prev = p->wait_prev;
    p->waiting = 0;
    p->wait_prev = p->wait_next = NULL;
}

/* Arms the connection for its head frame: writable now, or waiting for the commit. */
static void arm(struct lk_web *w, struct pss *p)
{
    if (!p->head)
        return;
    if (p->head->ticket <= lk_store_committed(w->store)) {
        wait_remove(w, p);
        lws_callback_on_writable(p->wsi);
    } else {
        wait_add(w, p);
    }
}

static void enqueue(struct lk_web *w, struct pss *p, struct frame *f)
{
    if (p->tail)
        p->tail->next = f;
    else
        p->head = f;
    p->tail = f;
    p->nqueued++;
    w->queued++;
    if (p->head == f)
        arm(w, p);
}

static void close_after_queue(struct pss *p, uint16_t code)
{
    if (!p->closing) {
        p->closing = 1;
        p->close_code = code;
    }
    lws_callback_on_writable(p->wsi);
}

static void send_error(struct lk_web *w, struct pss *p, const char *code)
{
    const struct err_text *t = error_text(code);
    struct lk_buf b;
    frame_begin(&b);
    lk_buf_puts(&b, "{\"type\":\"error\",\"code\":");
    lk_buf_json(&b, t->code);
    lk_buf_puts(&b, ",\"text\":");
    lk_buf_json(&b, t->id);
    lk_buf_puts(&b, ",\"text_en\":");
    lk_buf_json(&b, t->en);
    lk_buf_puts(&b, "}");
    enqueue(w, p, frame_end(&b, 0));
}

static void send_simple(struct lk_web *w, struct pss *p, const char *json, uint64_t ticket)
{
    struct lk_buf b;
    frame_begin(&b);
    lk_buf_puts(&b, json);
    enqueue(w, p, frame_end(&b, ticket));
}

/* RFC 6455 header of a server frame (FIN, text, not masked) for a payload of len bytes;
 * returns its size, at most 10. */
static size_t frame_header(unsigned char *h, size_t len)
{
    h[0] = 0x81;
    if (len < 126) {
        h[1] = (unsigned char)len;
        return 2;
    }
    if (len <= 0xffff) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        return 4;
    }
    h[1] = 127;
    for (int i = 0; i < 8; i++)
        h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

/* Hands bytes of whole frames to lws as they are. lws sends what the socket takes and
 * keeps the rest in its own output buffer, which it drains before anything else it
 * sends; its return value then counts earlier bytes, so only a negative one is failure. */
static int write_raw(struct pss *p, unsigned char *data, size_t len)
{
    return lws_write(p->wsi, data, len, LWS_WRITE_RAW) < 0 ? -1 : 0;
}

/* A frame too big to share the send buffer goes alone, in a buffer of its own. */
static int write_big(struct pss *p, const struct frame *f)
{
    unsigned char *buf = lk_xmalloc(LWS_PRE + 10 + f->len);
    size_t n = frame_header(buf + LWS_PRE, f->len);
    memcpy(buf + LWS_PRE + n, FRAME_DATA(f), f->len);
    int rc = write_raw(p, buf + LWS_PRE, n + f->len);
    free(buf);
    return rc;
}

/* Writes every committed frame at the head of the queue, in order. Frames due together
 * (a turn's messages, a session frame before them) leave in one send, each with its
 * header written here. As lws buffers what the socket cannot take yet, this may run
 * outside the connection's WRITEABLE callback, as soon as a commit lands. Once lws holds
 * unsent bytes (a client that does not read), the rest waits in the queue for WRITEABLE,
 * where MAX_QUEUED still counts it. -1: the socket failed. */
static int send_committed(struct lk_web *w, struct pss *p)
{
    unsigned char out[LWS_PRE + 4096];
    unsigned char *data = out + LWS_PRE;
    size_t used = 0, room = sizeof out - LWS_PRE;
    uint64_t done = lk_store_committed(w->store);
    struct frame *f;
    int rc = 0;

    while (rc == 0 && (f = p->head) && f->ticket <= done && !lws_partial_buffered(p->wsi)) {
        if (used && used + 10 + f->len > room) {
            rc = write_raw(p, data, used);
            used = 0;
            continue;                        /* the socket may be full now */
        }
        if (10 + f->len > room) {
            rc = write_big(p, f);
        } else {
            used += frame_header(data + used, f->len);
            memcpy(data + used, FRAME_DATA(f), f->len);
            used += f->len;
        }
        p->head = f->next;
        if (!p->head)
            p->tail = NULL;
        p->nqueued--;
        w->queued--;
        free(f);
    }
    if (rc == 0 && used)
        rc = write_raw(p, data, used);
    if (rc == 0)
        arm(w, p);                           /* what is left: due (socket full) or waiting */
    return rc;
}

/* Sends what the latest commits released, on every connection that waits for one. Runs
 * when the writer signals a commit and after each received message, so a reply leaves
 * within the service round that saw its commit rather than after the round. */
static void release_committed(struct lk_web *w)
{
    uint64_t done = lk_store_committed(w->store);
    if (done == w->released)
        return;
    w->released = done;
    struct pss *p = w->waiting, *next;
    for (; p; p = next) {
        next = p->wait_next;
        if (p->head && p->head->ticket > done)
            continue;
        wait_remove(w, p);
        if (p->closing)
            lws_callback_on_writable(p->wsi);
        else if (send_committed(w, p))
            lws_set_timeout(p->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
    }
    while (w->inflight && w->inflight->ticket <= done) {
        struct inflight *in = w->inflight;
        w->inflight = in->next;
        free(in);
    }
    if (!w->inflight)
        w->inflight_tail = NULL;
}

static int on_writable(struct lk_web *w, struct pss *p)
{
    size_t before = p->nqueued;
    if (send_committed(w, p))
        return -1;
    if (!p->closing || p->head)
        return 0;
    if (before) {
        lws_callback_on_writable(p->wsi);  /* the close goes in a callback of its own */
        return 0;
    }
    static const char why[] = "sampai jumpa / goodbye";
    lws_close_reason(p->wsi, (enum lws_close_status)p->close_code, (unsigned char *)why,
                     sizeof why - 1);
    return -1;
}

/* ---- per-address cap ---- */

static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct peer *peer_get(struct lk_web *w, const char *ip)
{
    struct peer **slot = &w->peers[hash_str(ip) % PEER_BUCKETS], *pe;
    for (pe = *slot; pe; pe = pe->next)
        if (!strcmp(pe->ip, ip))
            return pe;
    pe = lk_xcalloc(1, sizeof *pe);
    snprintf(pe->ip, sizeof pe->ip, "%s", ip);
    pe->next = *slot;
    *slot = pe;
    return pe;
}

static void peer_put(struct lk_web *w, struct peer *pe)
{
    if (!pe || --pe->count)
        return;
    struct peer **slot = &w->peers[hash_str(pe->ip) % PEER_BUCKETS];
    while (*slot != pe)
        slot = &(*slot)->next;
    *slot = pe->next;
    free(pe);
}

/* ---- sessions ---- */

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The conversation address of a token: hex SHA-256, so the token is never stored. */
static int token_address(const char *token, char addr[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        return LK_ERR;
    hex_encode(md, 32, addr);
    return LK_OK;
}

static int token_wellformed(const char *t)
{
    size_t n = strlen(t);
    if (n != 2 * TOKEN_BYTES)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
            return 0;
    return 1;
}

static void send_session(struct lk_web *w, struct pss *p, const char *token, int resumed)
{
    struct lk_buf b;
    frame_begin(&b);
    lk_buf_puts(&b, "{\"type\":\"session\",\"token\":");
    lk_buf_json(&b, token);
    lk_buf_printf(&b, ",\"resumed\":%s}", resumed ? "true" : "false");
    enqueue(w, p, frame_end(&b, 0));
}

static int new_session(struct lk_web *w, struct pss *p)
{
    unsigned char raw[TOKEN_BYTES];
    char token[2 * TOKEN_BYTES + 1];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return LK_ERR;
    hex_encode(raw, sizeof raw, token);
    if (token_address(token, p->addr))
        return LK_ERR;
    p->has_session = 1;
    send_session(w, p, token, 0);
    return LK_OK;
}

/* Options from a stored payload ({"options":[{"id","title"}...]}), or nothing. */
static void history_payload(struct lk_buf *b, json_t *root)
{
    json_t *opts = json_object_get(root, "options");
    const char *kind = json_string_value(json_object_get(root, "kind"));
    if (kind) {
        lk_buf_puts(b, ",\"kind\":");
        lk_buf_json(b, kind);
    }
    if (json_is_array(opts) && json_array_size(opts)) {
        size_t i;
        json_t *o;
        lk_buf_puts(b, ",\"options\":[");
        json_array_foreach(opts, i, o) {
            const char *id = json_string_value(json_object_get(o, "id"));
            const char *title = json_string_value(json_object_get(o, "title"));
            if (!id || !title)
                continue;
            lk_buf_puts(b, b->data[b->len - 1] == '[' ? "{\"id\":" : ",{\"id\":");
            lk_buf_json(b, id);
            lk_buf_puts(b, ",\"title\":");
            lk_buf_json(b, title);
            lk_buf_puts(b, "}");
        }
        lk_buf_puts(b, "]");
    }
}

struct history_ctx {
    struct lk_buf *b;
    const char *addr;
    json_t *last_options;  /* options of the latest bot message, to name a later choice */
    int n;
};

/* An inbound choice is stored as its option id; show the option's title instead. */
static const char *choice_title(const struct history_ctx *h, const char *text)
{
    size_t i;
    json_t *o;
    json_array_foreach(h->last_options, i, o) {
        const char *id = json_string_value(json_object_get(o, "id"));
        if (id && text && !strcmp(id, text))
            return json_string_value(json_object_get(o, "title"));
    }
    return NULL;
}

static int history_row(const struct lk_message_row *m, void *ud)
{
    struct history_ctx *h = ud;
    struct lk_buf *b = h->b;
    const char *text = m->text ? m->text : "";
    if (m->direction == LK_IN) {
        const char *title = choice_title(h, m->text);
        text = title ? title : text;
    }
    lk_buf_puts(b, h->n++ ? ",{\"from\":" : "{\"from\":");
    lk_buf_puts(b, m->direction == LK_IN ? "\"user\"" : "\"bot\"");
    lk_buf_printf(b, ",\"id\":%lld,\"at\":%lld,\"text\":", (long long)m->id, (long long)m->at_ms);
    lk_buf_json(b, text);
    if (m->direction == LK_OUT) {
        json_t *root = m->payload ? json_loads(m->payload, 0, NULL) : NULL;
        history_payload(b, root);
        json_t *opts = json_object_get(root, "options");
        if (json_is_array(opts) && json_array_size(opts)) {
            json_decref(h->last_options);
            h->last_options = json_incref(opts);
        }
        json_decref(root);
    }
    size_t pre = 17;  /* external ids of web messages are "<16 hex of address>:<cid>" */
    if (m->direction == LK_IN && m->external_id && strlen(m->external_id) > pre &&
        !strncmp(m->external_id, h->addr, pre - 1)) {
        lk_buf_puts(b, ",\"cid\":");
        lk_buf_json(b, m->external_id + pre);
    }
    lk_buf_puts(b, "}");
    return 0;
}

static void send_history(struct lk_web *w, struct pss *p, int64_t conversation_id, int limit)
{
    struct lk_buf b;
    struct history_ctx h = {&b, p->addr, NULL, 0};
    struct lk_message_filter f = {conversation_id, 0, limit};
    frame_begin(&b);
    lk_buf_puts(&b, "{\"type\":\"history\",\"messages\":[");
    if (limit > 0)
        lk_store_each_message(w->store, &f, history_row, &h);
    json_decref(h.last_options);
    lk_buf_puts(&b, "]}");
    enqueue(w, p, frame_end(&b, 0));
}

static void on_hello(struct lk_web *w, struct pss *p, json_t *msg)
{
    const char *token = json_string_value(json_object_get(msg, "token"));
    json_t *jh = json_object_get(msg, "history");
    int limit = json_is_integer(jh) ? (int)json_integer_value(jh) : w->lim.history;
    struct lk_conversation_row row;

    if (p->has_session) {
        send_error(w, p, "bad_request");
        return;
    }
    p->hello = 1;
    const char *lang = json_string_value(json_object_get(msg, "lang"));
    p->english = lang && !strcmp(lang, "en");
    if (limit < 0 || limit > 200)
        limit = w->lim.history;
    memset(&row, 0, sizeof row);
    if (token && token_wellformed(token) && !token_address(token, p->addr) &&
        lk_store_find_conversation(w->store, "web", p->addr, &row) == LK_OK) {
        p->has_session = 1;
        send_session(w, p, token, 1);
        send_history(w, p, row.id, limit);
        lk_conversation_row_clear(&row);
        return;
    }
    if (new_session(w, p))
        send_error(w, p, "internal");
}

/* ---- turns ---- */

static int cid_valid(const char *cid)
{
    size_t n = strlen(cid);
    if (!n || n > MAX_CID)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = cid[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static const struct inflight *inflight_find(const struct lk_web *w, const char *ext)
{
    for (const struct inflight *in = w->inflight; in; in = in->next)
        if (!strcmp(in->ext, ext))
            return in;
    return NULL;
}

static void inflight_add(struct lk_web *w, const char *ext, uint64_t ticket)
{
    struct inflight *in = lk_xcalloc(1, sizeof *in);
    snprintf(in->ext, sizeof in->ext, "%s", ext);
    in->ticket = ticket;
    if (w->inflight_tail)
        w->inflight_tail->next = in;
    else
        w->inflight = in;
    w->inflight_tail = in;
}

static void send_ack(struct lk_web *w, struct pss *p, const char *cid, int dup, uint64_t ticket)
{
    struct lk_buf b;
    frame_begin(&b);
    lk_buf_puts(&b, "{\"type\":\"ack\",\"cid\":");
    lk_buf_json(&b, cid);
    lk_buf_printf(&b, ",\"duplicate\":%s}", dup ? "true" : "false");
    enqueue(w, p, frame_end(&b, ticket));
}

static void send_out(struct lk_web *w, struct pss *p, const struct lk_out *o, uint64_t ticket,
                     int64_t at)
{
    struct lk_buf b;
    frame_begin(&b);
    lk_buf_puts(&b, "{\"type\":\"message\",\"text\":");
    lk_buf_json(&b, o->text ? o->text : "");
    lk_buf_puts(&b, ",\"kind\":\"");
    lk_buf_puts(&b, lk_out_kind_name(o->kind));
    lk_buf_puts(&b, "\",\"id\":");
    lk_buf_int(&b, o->message_id);
    lk_buf_puts(&b, ",\"at\":");
    lk_buf_int(&b, at);
    lk_out_options_json(&b, o);
    lk_buf_puts(&b, "}");
    enqueue(w, p, frame_end(&b, ticket));
}

/* A repeated client message id: already committed, or still being committed. */
static int is_duplicate(struct lk_web *w, struct pss *p, const char *cid, const char *ext)
{
    const struct inflight *in = inflight_find(w, ext);
    if (in) {
        send_ack(w, p, cid, 1, in->ticket);
        return 1;
    }
    if (lk_store_has_external_id(w->store, "web", ext)) {
        send_ack(w, p, cid, 1, 0);
        return 1;
    }
    return 0;
}

static void on_turn(struct lk_web *w, struct pss *p, const char *text, const char *choice,
                    const char *cid)
{
    char ext[96];
    struct lk_reply reply;
    struct lk_error err;

    if (!p->has_session && new_session(w, p)) {
        send_error(w, p, "internal");
        return;
    }
    if (cid) {
        snprintf(ext, sizeof ext, "%.16s:%s", p->addr, cid);
        if (is_duplicate(w, p, cid, ext))
            return;
    }
    if (p->hello)
        send_simple(w, p, "{\"type\":\"typing\"}", 0);

    struct lk_event ev = {.channel = "web", .address = p->addr, .text = text,
                          .choice_id = choice, .external_id = cid ? ext : NULL,
                          .lang = p->english ? "en" : NULL};
    memset(&reply, 0, sizeof reply);
    if (lk_conv_feed(w->engine, &ev, NULL, NULL, &reply, &err) != LK_OK) {
        lk_warn("web: giliran ditolak / turn refused: %s", err.text);
        send_error(w, p, "internal");
        lk_reply_clear(&reply);
        return;
    }
    if (reply.ticket > w->last_ticket)
        w->last_ticket = reply.ticket;
    if (cid) {
        inflight_add(w, ext, reply.ticket);
        send_ack(w, p, cid, 0, reply.ticket);
    }
    int64_t at = lk_now_ms();
    for (size_t i = 0; i < reply.n_outs; i++)
        send_out(w, p, &reply.outs[i], reply.ticket, at);
    lk_reply_clear(&reply);
}

/* ---- incoming messages ---- */

/* 1 when the connection may send one more message now (token bucket per 10 s). */
static int rate_ok(struct lk_web *w, struct pss *p)
{
    if (w->lim.rate <= 0)
        return 1;
    int64_t now = lk_now_ms();
    if (now - p->bucket_ms >= BUCKET_MS / w->lim.rate) {
        int64_t add = (now - p->bucket_ms) * w->lim.rate / BUCKET_MS;
        int64_t t = p->tokens + add;
        p->tokens = (uint16_t)(t > w->lim.rate ? w->lim.rate : t);
        p->bucket_ms = t > w->lim.rate ? now : p->bucket_ms + add * BUCKET_MS / w->lim.rate;
    }
    if (p->tokens) {
        p->tokens--;
        p->limited = 0;
        return 1;
    }
    if (!p->limited)
        send_error(w, p, "rate_limited");
    p->limited = 1;
    return 0;
}

static void on_message(struct lk_web *w, struct pss *p, const char *data, size_t len)
{
    if (!lk_utf8_valid(data, len)) {
        send_error(w, p, "invalid_utf8");
        close_after_queue(p, LWS_CLOSE_STATUS_INVALID_PAYLOAD);
        return;
    }
    if (!rate_ok(w, p))
        return;
    json_t *msg = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
    const char *type = json_string_value(json_object_get(msg, "type"));
    const char *cid = json_string_value(json_object_get(msg, "cid"));
    const char *text = json_string_value(json_object_get(msg, "text"));
    const char *id = json_string_value(json_object_get(msg, "id"));

    if (!json_is_object(msg))
        send_error(w, p, "invalid_json");
    else if (cid && !cid_valid(cid))
        send_error(w, p, "bad_request");
    else if (type && !strcmp(type, "hello"))
        on_hello(w, p, msg);
    else if (w->draining)
        send_error(w, p, "shutting_down");
    else if (type && !strcmp(type, "message") && text && *text)
        on_turn(w, p, text, NULL, cid);
    else if (type && !strcmp(type, "choice") && id && *id)
        on_turn(w, p, NULL, id, cid);
    else
        send_error(w, p, "bad_request");
    json_decref(msg);
}

static int on_receive(struct lk_web *w, struct pss *p, const char *in, size_t len)
{
    size_t rest = lws_remaining_packet_payload(p->wsi);
    int final = lws_is_final_fragment(p->wsi) && !rest;

    if (p->closing)
        return 0;
    if (lws_frame_is_binary(p->wsi)) {
        send_error(w, p, "binary_unsupported");
        close_after_queue(p, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE);
        return 0;
    }
    if (p->rxlen + len + rest > w->lim.max_message) {
        static const char why[] = "pesan terlalu panjang / message too big";
        lws_close_reason(p->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)why,
                         sizeof why - 1);
        return -1;
    }
    if (final && !p->rx) {  /* the usual case: the whole message in one piece */
        on_message(w, p, in, len);
        return 0;
    }
    if (!p->rx)
        p->rx = lk_xmalloc(w->lim.max_message);
    memcpy(p->rx + p->rxlen, in, len);
    p->rxlen += len;
    if (final) {
        on_message(w, p, p->rx, p->rxlen);
        free(p->rx);
        p->rx = NULL;
        p->rxlen = 0;
    }
    return 0;
}

/* ---- connection life ---- */

static int origin_allowed(struct lk_web *w, struct lws *wsi)
{
    char origin[256];
    if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0)
        return 1;  /* not a browser: no page to protect */
    if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <= 0)
        return 0;
    for (size_t i = 0; i < w->lim.n_origins; i++)
        if (!strcmp(w->lim.origins[i], "*") || !strcasecmp(w->lim.origins[i], origin))
            return 1;
    lk_info("web: Origin ditolak / refused: %s", origin);
    return 0;
}

static int on_filter(struct lk_web *w, struct lws *wsi)
{
    char uri[16];
    if (w->draining)
        return -1;
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 || strcmp(uri, "/ws"))
        return -1;
    return origin_allowed(w, wsi) ? 0 : -1;
}

static void on_established(struct lk_web *w, struct pss *p, struct lws *wsi)
{
    char ip[48] = "";
    memset(p, 0, sizeof *p);
    p->wsi = wsi;
    p->bucket_ms = lk_now_ms();
    p->tokens = (uint16_t)(w->lim.rate > 0 ? w->lim.rate : 0);
    p->all_next = w->all;
    if (w->all)
        w->all->all_prev = p;
    w->all = p;
    w->connections++;
    lws_get_peer_simple(wsi, ip, sizeof ip);
    p->peer = peer_get(w, ip);
    p->peer->count++;
    if (w->lim.max_conns_per_ip > 0 && p->peer->count > (unsigned)w->lim.max_conns_per_ip) {
        send_error(w, p, "too_many_connections");
        close_after_queue(p, LWS_CLOSE_STATUS_POLICY_VIOLATION);
    }
}

static void on_closed(struct lk_web *w, struct pss *p)
{
    if (!p->wsi)
        return;
    wait_remove(w, p);
    while (p->head) {
        struct frame *f = p->head;
        p->head = f->next;
        w->queued--;
        free(f);
    }
    free(p->rx);
    if (p->all_prev)
        p->all_prev->all_next = p->all_next;
    else
        w->all = p->all_next;
    if (p->all_next)
        p->all_next->all_prev = p->all_prev;
    peer_put(w, p->peer);
    w->connections--;
    memset(p, 0, sizeof *p);
}

static int web_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                        void *in, size_t len)
{
    struct lk_web *w = web_of(wsi);
    struct pss *p = user;

    if (!w)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return on_filter(w, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        on_established(w, p, wsi);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (on_receive(w, p, in, len))
            return -1;
        if (p->nqueued > MAX_QUEUED) {
            send_error(w, p, "too_slow");
            close_after_queue(p, LWS_CLOSE_STATUS_POLICY_VIOLATION);
        }
        release_committed(w);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_writable(w, p);
    case LWS_CALLBACK_CLOSED:
        on_closed(w, p);
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        release_committed(w);
        return 0;
    default:
        return 0;
    }
}

/* ---- the channel ---- */

struct lk_web *lk_web_new(struct lk_engine *e, const struct lk_web_limits *lim)
{
    struct lk_web *w = lk_xcalloc(1, sizeof *w);
    w->engine = e;
    w->store = lk_engine_store(e);
    w->lim = *lim;
    if (!w->lim.max_message)
        w->lim.max_message = 4096;
    if (w->lim.rate > 60000)
        w->lim.rate = 60000;
    return w;
}

void lk_web_free(struct lk_web *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < PEER_BUCKETS; i++)
        while (w->peers[i]) {
            struct peer *pe = w->peers[i];
            w->peers[i] = pe->next;
            free(pe);
        }
    while (w->inflight) {
        struct inflight *in = w->inflight;
        w->inflight = in->next;
        free(in);
    }
    free(w);
}

struct lws_protocols lk_web_protocol(struct lk_web *w)
{
    /* Most citizen messages fit in 1 KiB; longer ones arrive in pieces and are put
     * together in on_receive. A small buffer keeps an idle connection small. */
    return (struct lws_protocols){.name = "loket-web", .callback = web_callback,
                                  .per_session_data_size = sizeof(struct pss),
                                  .rx_buffer_size = 1024, .user = w};
}

void lk_web_drain(struct lk_web *w)
{
    w->draining = 1;
}

size_t lk_web_queued(const struct lk_web *w)
{
    return w->queued;
}

uint64_t lk_web_last_ticket(const struct lk_web *w)
{
    return w->last_ticket;
}

size_t lk_web_connections(const struct lk_web *w)
{
    return w->connections;
}

void lk_web_close_all(struct lk_web *w)
{
    for (struct pss *p = w->all; p; p = p->all_next)
        close_after_queue(p, LWS_CLOSE_STATUS_GOINGAWAY);
}
