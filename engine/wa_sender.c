/* The Graph API sender: one thread with a libcurl multi handle (keep-alive connections,
 * bounded concurrency) that sends outbox jobs one at a time per citizen, in order, at a
 * configurable rate per business number, retrying with exponential backoff and jitter on
 * network errors, 5xx, 429 and throttling codes, and reporting each outcome back. It does
 * not touch the database: whatsapp.c persists jobs before pushing them and records results. */
#include "wa_internal.h"
#include "log.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct node {               /* a queued job */
    struct lk_wa_job *job;
    struct node *next;
};

struct number;

struct citizen {            /* jobs for one (business number, recipient), in order */
    char *key;
    struct number *num;
    struct node *head, *tail;
    int inflight;
    int64_t not_before;     /* backing off until then (monotonic ms) */
    struct citizen *hnext;  /* hash chain */
    struct citizen *lnext;  /* ready or delayed list */
};

struct number {             /* a business number: its rate and its ready citizens */
    char *pnid;
    double tokens;
    int64_t refilled;
    struct citizen *ready, *ready_tail;
    struct number *next;
};

struct request {            /* one transfer in flight */
    struct citizen *c;
    CURL *h;
    struct lk_buf resp;
    struct request *prev, *next;
};

struct lk_wa_sender {
    struct lk_wa_sender_options opt;
    char *graph_url;
    struct curl_slist *headers;
    void (*notify)(void *ud);
    void *notify_ud;
    pthread_t thread;
    CURLM *multi;

    pthread_mutex_t mu;     /* guards incoming, results, stop */
    struct node *in_head, *in_tail;
    struct lk_wa_result *results;
    size_t n_results, cap_results;
    int stop, joined;
    int64_t stop_deadline;

    /* sender thread only */
    struct citizen **buckets;
    size_t n_buckets, n_citizens;
    struct number *numbers;
    struct citizen *delayed;
    struct request *requests;  /* in flight */
    int inflight;
    CURL **idle;               /* finished handles kept for the next request */
    int n_idle;
    unsigned seed;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lk_wa_job_free(struct lk_wa_job *j)
{
    if (!j)
        return;
    free(j->phone_number_id);
    free(j->recipient);
    free(j->body);
    free(j);
}

void lk_wa_result_clear(struct lk_wa_result *r)
{
    free(r->wamid);
    free(r->error);
    r->wamid = r->error = NULL;
}

int lk_wa_retryable(long http_status, long code)
{
    switch (code) {
    case 4:       /* application request limit */
    case 80007:   /* WhatsApp Business Account rate limit */
    case 130429:  /* Cloud API throughput reached */
    case 131056:  /* pair rate limit: too many messages to this citizen */
    case 2:       /* temporary downtime or overload */
    case 131016:  /* service unavailable */
    case 133004:  /* server temporarily unavailable */
        return 1;
    default:
        break;
    }
    return http_status == 0 || http_status == 429 || http_status >= 500;
}

/* ---- citizens: a small chained hash table ---- */

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void grow(struct lk_wa_sender *s)
{
    size_t n = s->n_buckets ? s->n_buckets * 2 : 1024;
    struct citizen **b = lk_xcalloc(n, sizeof *b);
    for (size_t i = 0; i < s->n_buckets; i++)
        for (struct citizen *c = s->buckets[i], *next; c; c = next) {
            next = c->hnext;
            size_t k = hash(c->key) & (n - 1);
            c->hnext = b[k];
            b[k] = c;
        }
    free(s->buckets);
    s->buckets = b;
    s->n_buckets = n;
}

static struct number *number_for(struct lk_wa_sender *s, const char *pnid)
{
    for (struct number *n = s->numbers; n; n = n->next)
        if (strcmp(n->pnid, pnid) == 0)
            return n;
    struct number *n = lk_xcalloc(1, sizeof *n);
    n->pnid = lk_strdup(pnid);
    n->tokens = 1;
    n->refilled = mono_ms();
    n->next = s->numbers;
    s->numbers = n;
    return n;
}

static struct citizen *citizen_for(struct lk_wa_sender *s, const struct lk_wa_job *j)
{
    char *key = lk_sprintf("%s\x1f%s", j->phone_number_id, j->recipient);
    if (s->n_citizens >= s->n_buckets)
        grow(s);
    size_t k = hash(key) & (s->n_buckets - 1);
    for (struct citizen *c = s->buckets[k]; c; c = c->hnext)
        if (strcmp(c->key, key) == 0) {
            free(key);
            return c;
        }
    struct citizen *c = lk_xcalloc(1, sizeof *c);
    c->key = key;
    c->num = number_for(s, j->phone_number_id);
    c->hnext = s->buckets[k];
    s->buckets[k] = c;
    s->n_citizens++;
    return c;
}

static void citizen_drop(struct lk_wa_sender *s, struct citizen *c)
{
    size_t k = hash(c->key) & (s->n_buckets - 1);
    struct citizen **pp = &s->buckets[k];
    while (*pp != c)
        pp = &(*pp)->hnext;
    *pp = c->hnext;
    s->n_citizens--;
    free(c->key);
    free(c);
}

static void make_ready(struct citizen *c)
{
    struct number *n = c->num;
    c->lnext = NULL;
    if (n->ready_tail)
        n->ready_tail->lnext = c;
    else
        n->ready = c;
    n->ready_tail = c;
}

/* Queues a job behind its citizen's others; a citizen with nothing pending becomes ready. */
static void enqueue(struct lk_wa_sender *s, struct lk_wa_job *j)
{
    struct citizen *c = citizen_for(s, j);
    struct node *nd = lk_xmalloc(sizeof *nd);
    nd->job = j;
    nd->next = NULL;
    int idle = !c->head;
    if (c->tail)
        c->tail->next = nd;
    else
        c->head = nd;
    c->tail = nd;
    if (idle)
        make_ready(c); /* idle: neither in flight, nor listed, nor backing off */
}

/* ---- results back to the engine thread ---- */

static void post(struct lk_wa_sender *s, enum lk_wa_result_kind kind, const struct lk_wa_job *j,
                 char *wamid, char *error)
{
    if (!j->outbox_id) { /* mark as read: best effort, nothing to record */
        free(wamid);
        free(error);
        return;
    }
    pthread_mutex_lock(&s->mu);
    if (s->n_results == s->cap_results) {
        s->cap_results = s->cap_results ? s->cap_results * 2 : 64;
        s->results = lk_xrealloc(s->results, s->cap_results * sizeof *s->results);
    }
    int was_empty = s->n_results == 0;
    s->results[s->n_results++] = (struct lk_wa_result){kind, j->outbox_id, j->message_id,
                                                       j->attempts, wamid, error};
    pthread_mutex_unlock(&s->mu);
    if (was_empty && s->notify)
        s->notify(s->notify_ud);
}

size_t lk_wa_sender_take(struct lk_wa_sender *s, struct lk_wa_result **out)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->n_results;
    *out = s->results;
    s->results = NULL;
    s->n_results = s->cap_results = 0;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* ---- transfers ---- */

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    struct request *r = ud;
    size_t n = size * nmemb;
    if (r->resp.len + n <= 65536)
        lk_buf_append(&r->resp, p, n);
    return n;
}

static void start(struct lk_wa_sender *s, struct citizen *c)
{
    struct lk_wa_job *j = c->head->job;
    struct request *r = lk_xcalloc(1, sizeof *r);
    char *url = lk_sprintf("%s/%s/messages", s->graph_url, j->phone_number_id);
    r->c = c;
    r->h = s->n_idle ? s->idle[--s->n_idle] : curl_easy_init();
    if (!r->h)
        abort();
    curl_easy_setopt(r->h, CURLOPT_URL, url);
    curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, j->body);
    curl_easy_setopt(r->h, CURLOPT_POSTFIELDSIZE, (long)strlen(j->body));
    curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
    curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, (long)s->opt.timeout_ms);
    curl_easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(s->opt.timeout_ms < 5000 ? s->opt.timeout_ms : 5000));
    curl_easy_setopt(r->h, CURLOPT_TCP_KEEPALIVE, 1L);
    free(url);
    r->next = s->requests;
    if (s->requests)
        s->requests->prev = r;
    s->requests = r;
    c->inflight = 1;
    s->inflight++;
    curl_multi_add_handle(s->multi, r->h);
}

/* What the Graph API answered: the new message id, or an error code and text. */
static void read_answer(const struct lk_buf *resp, char **wamid, long *code, char **text)
{
    json_t *root = resp->len ? json_loadb(resp->data, resp->len, 0, NULL) : NULL;
    const char *id = json_string_value(
        json_object_get(json_array_get(json_object_get(root, "messages"), 0), "id"));
    *wamid = id ? lk_strdup(id) : NULL;
    json_t *e = json_object_get(root, "error");
    *code = (long)json_integer_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    const char *det =
        json_string_value(json_object_get(json_object_get(e, "error_data"), "details"));
    *text = e ? lk_sprintf("%s%s%s", msg ? msg : "", det ? ": " : "", det ? det : "") : NULL;
    json_decref(root);
}

static int64_t backoff_ms(struct lk_wa_sender *s, int attempts)
{
    int64_t d = s->opt.retry_base_ms;
    for (int i = 1; i < attempts && d < s->opt.retry_max_ms; i++)
        d *= 2;
    if (d > s->opt.retry_max_ms)
        d = s->opt.retry_max_ms;
    return d / 2 + (int64_t)(rand_r(&s->seed) % (unsigned)(d / 2 + 1)); /* jitter */
}

static void finish_job(struct lk_wa_sender *s, struct citizen *c)
{
    struct node *nd = c->head;
    c->head = nd->next;
    if (!c->head)
        c->tail = NULL;
    lk_wa_job_free(nd->job);
    free(nd);
    if (c->head)
        make_ready(c);
    else
        citizen_drop(s, c);
}

static void done(struct lk_wa_sender *s, struct request *r, CURLcode cc)
{
    struct citizen *c = r->c;
    struct lk_wa_job *j = c->head->job;
    long http = 0, code = 0;
    char *wamid = NULL, *text = NULL;
    curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &http);
    if (cc != CURLE_OK)
        http = 0;
    else
        read_answer(&r->resp, &wamid, &code, &text);
    c->inflight = 0;
    s->inflight--;
    j->attempts++;
    if (cc == CURLE_OK && http >= 200 && http < 300) {
        free(text);
        post(s, LK_WA_SENT, j, wamid, NULL);
        finish_job(s, c);
        return;
    }
    char *err = cc != CURLE_OK ? lk_sprintf("%s", curl_easy_strerror(cc))
                               : lk_sprintf("HTTP %ld, %ld %s", http, code, text ? text : "");
    free(text);
    free(wamid);
    if (j->outbox_id && lk_wa_retryable(http, code)) {
        if (j->attempts == 1 || j->attempts % 10 == 0)
            lk_warn("whatsapp: kirim ke Graph API gagal, dicoba lagi / send failed, retrying "
                    "(outbox %lld, attempt %d): %s", (long long)j->outbox_id, j->attempts, err);
        post(s, LK_WA_RETRY, j, NULL, err);
        c->not_before = mono_ms() + backoff_ms(s, j->attempts);
        c->lnext = s->delayed;
        s->delayed = c;
        return;
    }
    if (j->outbox_id)
        lk_error("whatsapp: pesan tidak terkirim, berhenti / message not sent, giving up "
                 "(outbox %lld): %s", (long long)j->outbox_id, err);
    post(s, LK_WA_FAILED, j, NULL, err);
    finish_job(s, c);
}

static void request_free(struct lk_wa_sender *s, struct request *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        s->requests = r->next;
    if (r->next)
        r->next->prev = r->prev;
    curl_multi_remove_handle(s->multi, r->h);
    /* a handle is costly to make; the multi handle keeps the connections either way */
    if (s->n_idle < s->opt.concurrency) {
        curl_easy_reset(r->h);
        s->idle[s->n_idle++] = r->h;
    } else {
        curl_easy_cleanup(r->h);
    }
    lk_buf_free(&r->resp);
    free(r);
}

static void reap(struct lk_wa_sender *s)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct request *r;
        CURL *h = m->easy_handle;
        CURLcode cc = m->data.result;
        curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&r);
        done(s, r, cc);
        request_free(s, r);
    }
}

/* ---- the loop ---- */

static void take_incoming(struct lk_wa_sender *s)
{
    pthread_mutex_lock(&s->mu);
    struct node *nd = s->in_head;
    s->in_head = s->in_tail = NULL;
    pthread_mutex_unlock(&s->mu);
    while (nd) {
        struct node *next = nd->next;
        enqueue(s, nd->job);
        free(nd);
        nd = next;
    }
}

/* Moves citizens whose backoff is over to ready; returns ms until the next one is due. */
static int64_t wake_delayed(struct lk_wa_sender *s, int64_t now)
{
    int64_t next = 1000;
    struct citizen **pp = &s->delayed;
    while (*pp) {
        struct citizen *c = *pp;
        if (c->not_before <= now) {
            *pp = c->lnext;
            make_ready(c);
        } else {
            if (c->not_before - now < next)
                next = c->not_before - now;
            pp = &c->lnext;
        }
    }
    return next;
}

/* Starts what the concurrency and the rates allow; returns ms until tokens refill. */
static int64_t dispatch(struct lk_wa_sender *s, int64_t now)
{
    int64_t wait = 1000;
    double rate = s->opt.rate, burst = rate > 10 ? rate / 10 : 1;
    for (struct number *n = s->numbers; n; n = n->next) {
        if (rate > 0) {
            n->tokens += (double)(now - n->refilled) * rate / 1000.0;
            if (n->tokens > burst)
                n->tokens = burst;
        }
        n->refilled = now;
        while (n->ready && s->inflight < s->opt.concurrency && (rate <= 0 || n->tokens >= 1)) {
            struct citizen *c = n->ready;
            n->ready = c->lnext;
            if (!n->ready)
                n->ready_tail = NULL;
            n->tokens -= rate > 0;
            start(s, c);
        }
        if (n->ready && rate > 0 && n->tokens < 1) {
            int64_t w = (int64_t)((1 - n->tokens) * 1000.0 / rate) + 1;
            if (w < wait)
                wait = w;
        }
    }
    return wait;
}

/* At stop: transfers in flight are abandoned (their jobs stay pending in the outbox). */
static void drop_all(struct lk_wa_sender *s)
{
    while (s->requests)
        request_free(s, s->requests);
    for (size_t i = 0; i < s->n_buckets; i++)
        for (struct citizen *c = s->buckets[i], *next; c; c = next) {
            next = c->hnext;
            for (struct node *nd = c->head, *nn; nd; nd = nn) {
                nn = nd->next;
                lk_wa_job_free(nd->job);
                free(nd);
            }
            free(c->key);
            free(c);
        }
}

static void *run(void *arg)
{
    struct lk_wa_sender *s = arg;
    for (;;) {
        take_incoming(s);
        int64_t now = mono_ms();
        pthread_mutex_lock(&s->mu);
        int stop = s->stop;
        int64_t deadline = s->stop_deadline;
        pthread_mutex_unlock(&s->mu);
        if (stop && (s->inflight == 0 || now >= deadline))
            break;
        int64_t wait = wake_delayed(s, now);
        if (!stop) {
            int64_t w = dispatch(s, now);
            if (w < wait)
                wait = w;
        }
        int running;
        curl_multi_perform(s->multi, &running);
        reap(s);
        if (stop && deadline - now < wait)
            wait = deadline - now > 0 ? deadline - now : 1;
        curl_multi_poll(s->multi, NULL, 0, (int)(wait > 0 ? wait : 1), NULL);
        curl_multi_perform(s->multi, &running);
        reap(s);
    }
    return NULL;
}

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct lk_wa_sender *lk_wa_sender_new(const struct lk_wa_sender_options *opt,
                                      void (*notify)(void *ud), void *ud,
                                      struct lk_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, global_init);
    struct lk_wa_sender *s = lk_xcalloc(1, sizeof *s);
    s->opt = *opt;
    if (s->opt.concurrency <= 0)
        s->opt.concurrency = 16;
    if (s->opt.timeout_ms <= 0)
        s->opt.timeout_ms = 15000;
    if (s->opt.retry_base_ms <= 0)
        s->opt.retry_base_ms = 500;
    if (s->opt.retry_max_ms < s->opt.retry_base_ms)
        s->opt.retry_max_ms = s->opt.retry_base_ms * 120;
    s->graph_url = lk_strdup(opt->graph_url);
    size_t n = strlen(s->graph_url);
    while (n && s->graph_url[n - 1] == '/')
        s->graph_url[--n] = '\0';
    char *auth = lk_sprintf("Authorization: Bearer %s", opt->token);
    s->headers = curl_slist_append(NULL, auth);
    s->headers = curl_slist_append(s->headers, "Content-Type: application/json");
    s->headers = curl_slist_append(s->headers, "Expect:");
    memset(auth, 0, strlen(auth)); /* keep the token out of stray memory */
    free(auth);
    s->notify = notify;
    s->notify_ud = ud;
    s->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)s;
    s->opt.graph_url = s->graph_url;
    s->opt.token = NULL;
    pthread_mutex_init(&s->mu, NULL);
    s->multi = curl_multi_init();
    s->idle = lk_xcalloc((size_t)s->opt.concurrency, sizeof *s->idle);
    curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)s->opt.concurrency);
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->opt.concurrency);
    grow(s);
    if (!s->multi || pthread_create(&s->thread, NULL, run, s) != 0) {
        lk_error_set(err, "whatsapp: pengirim tidak dapat dimulai / sender cannot start");
        if (s->multi)
            curl_multi_cleanup(s->multi);
        curl_slist_free_all(s->headers);
        pthread_mutex_destroy(&s->mu);
        free(s->buckets);
        free(s->idle);
        free(s->graph_url);
        free(s);
        return NULL;
    }
    return s;
}

void lk_wa_sender_push(struct lk_wa_sender *s, struct lk_wa_job *j)
{
    struct node *nd = lk_xmalloc(sizeof *nd);
    nd->job = j;
    nd->next = NULL;
    pthread_mutex_lock(&s->mu);
    int was_empty = !s->in_head;
    if (s->in_tail)
        s->in_tail->next = nd;
    else
        s->in_head = nd;
    s->in_tail = nd;
    pthread_mutex_unlock(&s->mu);
    if (was_empty)
        curl_multi_wakeup(s->multi);
}

void lk_wa_sender_stop(struct lk_wa_sender *s, int grace_ms)
{
    pthread_mutex_lock(&s->mu);
    int joined = s->joined;
    s->stop = 1;
    s->joined = 1;
    s->stop_deadline = mono_ms() + grace_ms;
    pthread_mutex_unlock(&s->mu);
    if (joined)
        return;
    curl_multi_wakeup(s->multi);
    pthread_join(s->thread, NULL);
}

void lk_wa_sender_free(struct lk_wa_sender *s, int grace_ms)
{
    if (!s)
        return;
    lk_wa_sender_stop(s, grace_ms);
    drop_all(s);
    while (s->n_idle)
        curl_easy_cleanup(s->idle[--s->n_idle]);
    free(s->idle);
    curl_multi_cleanup(s->multi);
    for (struct number *n = s->numbers, *next; n; n = next) {
        next = n->next;
        free(n->pnid);
        free(n);
    }
    for (struct node *nd = s->in_head, *next; nd; nd = next) {
        next = nd->next;
        lk_wa_job_free(nd->job);
        free(nd);
    }
    for (size_t i = 0; i < s->n_results; i++)
        lk_wa_result_clear(&s->results[i]);
    free(s->results);
    curl_slist_free_all(s->headers);
    pthread_mutex_destroy(&s->mu);
    free(s->buckets);
    free(s->graph_url);
    free(s);
}
