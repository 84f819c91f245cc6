/* Inside the WhatsApp connector: the interfaces between its files. wa_render.c turns neutral
 * outputs into Graph API message bodies, wa_webhook.c verifies and parses webhook POSTs,
 * wa_sender.c sends outbox jobs to the Graph API on its own thread, store_wa.c owns the
 * connector's tables. whatsapp.c ties them to lws and the engine. Nothing outside the
 * connector (and its unit tests) includes this header. */
#ifndef LOKET_WA_INTERNAL_H
#define LOKET_WA_INTERNAL_H

#include "engine.h"
#include "store.h"
#include <stddef.h>
#include <stdint.h>

/* ---- limits of the Cloud API, in characters as WhatsApp counts them ---- */
#define LK_WA_TEXT_MAX        4096  /* text message body */
#define LK_WA_INTERACTIVE_MAX 1024  /* body of reply buttons and list messages */
#define LK_WA_BUTTONS_MAX     3
#define LK_WA_BUTTON_TITLE    20
#define LK_WA_BUTTON_ID       256
#define LK_WA_LIST_ROWS       10
#define LK_WA_ROW_TITLE       24
#define LK_WA_ROW_DESC        72
#define LK_WA_ROW_ID          200
#define LK_WA_LIST_BUTTON     20
#define LK_WA_BODY_LIMIT      (3u * 1024 * 1024)  /* Meta batches webhooks up to 3 MB */

/* ---- rendering (wa_render.c): pure ---- */

/* Length as WhatsApp counts it: UTF-16 code units (a character outside the BMP, such as
 * most emoji, counts 2). Counting this way never exceeds a limit that counts code points. */
size_t lk_wa_units(const char *s, size_t n);
/* s shortened to at most max units at a character boundary, ending in "…" when cut.
 * Newly allocated. */
char *lk_wa_shorten(const char *s, size_t max);

struct lk_wa_span {
    size_t start, end; /* byte offsets into the split text */
};
/* Splits text into parts of at most max units, cutting at the last paragraph break,
 * else sentence end or line break, else space, else character boundary that fits.
 * Whitespace at the cuts is dropped. Returns the number of spans (0 for blank text);
 * *spans is newly allocated. */
size_t lk_wa_split(const char *text, size_t max, struct lk_wa_span **spans);

/* One rendered output: Graph API message bodies (JSON text) to send in order. */
struct lk_wa_msgs {
    char **bodies;
    size_t n;
};
/* Renders a neutral output for recipient (a phone number goes in "to", a business-scoped
 * user id in "recipient"). lang "id" (default) or "en" picks the few words the connector
 * adds. Menus: up to 3 options reply buttons, up to 10 a list, more numbered text; long
 * text is split, options only on the last part. */
void lk_wa_render(const struct lk_out *o, const char *lang, const char *recipient,
                  struct lk_wa_msgs *out);
void lk_wa_msgs_clear(struct lk_wa_msgs *m);
/* The option id as sent (ids longer than WhatsApp takes become "lk#N", answered as the
 * number N). Newly allocated. */
char *lk_wa_option_id(const struct lk_out_option *opt, size_t index, size_t max);

/* ---- webhooks (wa_webhook.c): pure ---- */

/* 1 when header is "sha256=" + the hex HMAC-SHA256 of body under secret (constant-time). */
int lk_wa_signature_ok(const char *secret, const void *body, size_t n, const char *header);
/* A webhook timestamp (seconds or milliseconds, as text) in milliseconds; 0 if unusable. */
int64_t lk_wa_timestamp_ms(const char *s);

struct lk_wa_inbound {      /* one message from a citizen */
    char *wamid;            /* message id, the de-duplication key */
    char *phone_number_id;  /* the business number it reached */
    char *from;             /* wa_id (phone number) or business-scoped user id */
    char *type;             /* the webhook's type: text, interactive, image, ... */
    char *kind;             /* NULL for text and choices, else what the engine logs */
    char *text;             /* typed text, chosen option's title, or caption */
    char *choice_id;        /* stable option id from a button or list reply */
    char *payload;          /* the message object as JSON, for the transcript */
    int64_t at_ms;          /* when the citizen sent it */
    int feed;               /* 1: run through the flows; 0: recorded only */
    int is_new;             /* set on the writer thread: 0 for a duplicate */
};
struct lk_wa_status {       /* delivery status of a message we sent */
    char *wamid, *status, *recipient;
    char *error;            /* "131047 Re-engagement message: ..." for failed; else NULL */
    int64_t at_ms;
};
struct lk_wa_webhook {
    struct lk_wa_inbound *msgs;
    size_t n_msgs;
    struct lk_wa_status *statuses;
    size_t n_statuses;
    int skipped;            /* items dropped as malformed or for another number */
    int stored;             /* set on the writer thread once its rows are written */
};
/* Parses a webhook body. numbers: the accepted phone_number_ids (NULL-terminated); a
 * change for any other number is skipped and logged. Malformed items are skipped and
 * counted; returns LK_ERR only when the body is not a JSON object. */
int lk_wa_parse(const char *body, size_t n, const char *const *numbers,
                struct lk_wa_webhook *out, struct lk_error *err);
void lk_wa_webhook_clear(struct lk_wa_webhook *w);

/* ---- outbox jobs and the sender (wa_sender.c) ---- */

struct lk_wa_job {          /* one Graph API call */
    int64_t outbox_id;      /* 0: not persisted (mark as read) */
    int64_t message_id;     /* transcript row it renders; 0 if none */
    char *phone_number_id, *recipient, *body;
    int attempts;
};
void lk_wa_job_free(struct lk_wa_job *j);

enum lk_wa_result_kind { LK_WA_SENT, LK_WA_FAILED, LK_WA_RETRY };
struct lk_wa_result {
    enum lk_wa_result_kind kind;
    int64_t outbox_id, message_id;
    int attempts;
    char *wamid;            /* SENT */
    char *error;            /* FAILED / RETRY: "HTTP 500", "131047 ...", "timeout" */
};
void lk_wa_result_clear(struct lk_wa_result *r);

struct lk_wa_sender_options {
    const char *graph_url;  /* ".../v21.0" */
    const char *token;
    double rate;            /* messages per second per business number; <= 0: no limit */
    int concurrency;        /* requests in flight */
    int timeout_ms;         /* per request */
    int retry_base_ms, retry_max_ms;
};
struct lk_wa_sender;
/* Starts the sender thread. notify(ud) is called from that thread when results wait. */
struct lk_wa_sender *lk_wa_sender_new(const struct lk_wa_sender_options *opt,
                                      void (*notify)(void *ud), void *ud,
                                      struct lk_error *err);
/* Queues a job; jobs for one recipient are sent one at a time, in push order.
 * Takes ownership of 'j'. Thread-safe. */
void lk_wa_sender_push(struct lk_wa_sender *s, struct lk_wa_job *j);
/* Moves the waiting results to *out (newly allocated array); returns how many. */
size_t lk_wa_sender_take(struct lk_wa_sender *s, struct lk_wa_result **out);
/* Waits up to grace_ms for requests in flight, then stops the thread; results stay to be
 * taken. Jobs not sent stay pending in the outbox for the next start. */
void lk_wa_sender_stop(struct lk_wa_sender *s, int grace_ms);
/* Stops (if not yet) and frees, dropping untaken results. NULL is fine. */
void lk_wa_sender_free(struct lk_wa_sender *s, int grace_ms);
/* Classifies a Graph API answer: 1 when worth retrying (network, 5xx, 429, throttling). */
int lk_wa_retryable(long http_status, long error_code);

/* ---- the connector's tables (store_wa.c) ---- */

/* Schema for the store's migration list (migration 2). */
extern const char lk_wa_schema_sql[];

/* Inserts the webhook's messages into the inbox (setting is_new) and applies its statuses.
 * 'w' must live until the batch commits; the caller keeps it. */
void lk_wa_batch_webhook(struct lk_batch *b, struct lk_wa_webhook *w, int64_t now_ms);
/* One turn done: marks the inbox row, adds the outbox rows. The jobs stay the caller's and
 * must not change until the batch commits; *stored is set on the writer thread once the
 * rows are written. */
void lk_wa_batch_turn(struct lk_batch *b, const char *wamid, struct lk_wa_job **jobs,
                      size_t n, int64_t now_ms, int *stored);
/* Records what the sender reports. Takes ownership of 'res'. */
void lk_wa_batch_results(struct lk_batch *b, struct lk_wa_result *res, size_t n,
                         int64_t now_ms);
/* Forgets inbox rows done before 'before_ms' (de-duplication window) and old statuses. */
void lk_wa_batch_prune(struct lk_batch *b, int64_t before_ms);
/* Releases the writer's cached statements: the last batch the connector submits. */
void lk_wa_batch_finish(struct lk_batch *b);

/* Reader side, at start: largest outbox id, pending outbox rows and pending inbox rows in
 * order. The callbacks take ownership of what they are given. */
int64_t lk_wa_store_max_outbox_id(void *reader);
int lk_wa_store_pending_outbox(void *reader, void (*cb)(struct lk_wa_job *j, void *ud),
                               void *ud);
int lk_wa_store_pending_inbox(void *reader, struct lk_wa_webhook *out);

#endif
