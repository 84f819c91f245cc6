/* WhatsApp webhooks in: the X-Hub-Signature-256 check and the parse of a webhook body into
 * inbound messages and delivery statuses, every entry and change routed by its own
 * metadata.phone_number_id. Pure: what is kept, fed or answered is whatsapp.c's. */
#include "wa_internal.h"
#include "log.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int lk_wa_signature_ok(const char *secret, const void *body, size_t n, const char *header)
{
    unsigned char want[32], got[EVP_MAX_MD_SIZE];
    unsigned int got_len = 0;
    if (!secret || !*secret || !header || strncmp(header, "sha256=", 7) != 0)
        return 0;
    const char *hex = header + 7;
    if (strlen(hex) != 64)
        return 0;
    for (int i = 0; i < 32; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        want[i] = (unsigned char)(hi << 4 | lo);
    }
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), body, n, got, &got_len) ||
        got_len != 32)
        return 0;
    return CRYPTO_memcmp(want, got, 32) == 0;
}

int64_t lk_wa_timestamp_ms(const char *s)
{
    if (!s)
        return 0;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > INT64_MAX / 100)
            return 0;
        v = v * 10 + (*s - '0');
    }
    if (*s || v <= 0)
        return 0;
    /* Seconds until the year 5138; beyond that the number must be milliseconds. */
    return v < 100000000000LL ? v * 1000 : v;
}

static int64_t json_timestamp_ms(json_t *t)
{
    if (json_is_integer(t)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(t));
        return lk_wa_timestamp_ms(buf);
    }
    return lk_wa_timestamp_ms(json_string_value(t));
}

static char *dup_str(json_t *v)
{
    const char *s = json_string_value(v);
    return s ? lk_strndup(s, json_string_length(v)) : NULL;
}

static char *get_str(json_t *obj, const char *key)
{
    return dup_str(json_object_get(obj, key));
}

static int number_accepted(const char *const *numbers, const char *pnid)
{
    if (!numbers)
        return 1;
    for (; *numbers; numbers++)
        if (pnid && strcmp(*numbers, pnid) == 0)
            return 1;
    return 0;
}

/* The citizen behind a message: phone number, else business-scoped user id. */
static char *sender_of(json_t *msg, json_t *contacts)
{
    char *s = get_str(msg, "from");
    if (!s || !*s) {
        free(s);
        s = get_str(msg, "from_user_id");
    }
    if ((!s || !*s) && json_array_size(contacts) == 1) {
        free(s);
        json_t *c = json_array_get(contacts, 0);
        s = get_str(c, "wa_id");
        if (!s || !*s) {
            free(s);
            s = get_str(c, "user_id");
        }
    }
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
}

/* A chosen option: its stable id, unless it is our "lk#N" stand-in for an id too long. */
static void set_choice(struct lk_wa_inbound *in, json_t *reply)
{
    char *id = get_str(reply, "id");
    in->text = get_str(reply, "title");
    if (id && strncmp(id, "lk#", 3) == 0) {
        free(in->text);
        in->text = lk_strdup(id + 3);
        free(id);
        return;
    }
    in->choice_id = id;
}

/* Fills what the engine sees from the message's type-specific object. */
static void read_content(struct lk_wa_inbound *in, json_t *msg)
{
    const char *t = in->type;
    json_t *sub = json_object_get(msg, t);
    in->feed = 1;
    if (strcmp(t, "text") == 0) {
        in->text = get_str(sub, "body");
    } else if (strcmp(t, "interactive") == 0) {
        const char *it = json_string_value(json_object_get(sub, "type"));
        if (it && strcmp(it, "button_reply") == 0)
            set_choice(in, json_object_get(sub, "button_reply"));
        else if (it && strcmp(it, "list_reply") == 0)
            set_choice(in, json_object_get(sub, "list_reply"));
        else
            in->kind = lk_strdup("interactive");
    } else if (strcmp(t, "button") == 0) { /* template quick-reply button */
        in->text = get_str(sub, "text");
        in->choice_id = get_str(sub, "payload");
        if (in->choice_id && !*in->choice_id) {
            free(in->choice_id);
            in->choice_id = NULL;
        }
    } else if (strcmp(t, "reaction") == 0 || strcmp(t, "system") == 0) {
        in->kind = lk_strdup(t);
        in->feed = 0; /* a reaction needs no answer; a system notice is not a citizen's */
    } else {
        /* image, audio, video, document, sticker, location, contacts, unsupported, ... */
        in->kind = lk_strdup(t);
        in->text = get_str(sub, "caption");
    }
    if (!in->kind && !in->text && !in->choice_id)
        in->kind = lk_strdup(t); /* a text without body: treat like an unknown message */
}

static void add_message(struct lk_wa_webhook *w, json_t *msg, json_t *contacts,
                        const char *pnid)
{
    const char *id = json_string_value(json_object_get(msg, "id"));
    if (!id || !*id) {
        w->skipped++;
        lk_warn("whatsapp: pesan tanpa id diabaikan / message without id skipped");
        return;
    }
    w->msgs = lk_xrealloc(w->msgs, (w->n_msgs + 1) * sizeof *w->msgs);
    struct lk_wa_inbound *in = &w->msgs[w->n_msgs++];
    memset(in, 0, sizeof *in);
    in->wamid = lk_strdup(id);
    in->phone_number_id = lk_strdup(pnid);
    in->from = sender_of(msg, contacts);
    const char *type = json_string_value(json_object_get(msg, "type"));
    in->type = lk_strdup(type && *type ? type : "unknown");
    in->at_ms = json_timestamp_ms(json_object_get(msg, "timestamp"));
    char *payload = json_dumps(msg, JSON_COMPACT);
    in->payload = lk_strdup(payload);
    free(payload);
    read_content(in, msg);
    if (!in->from) {
        in->feed = 0;
        in->from = lk_strdup("");
        lk_warn("whatsapp: pesan %s tanpa pengirim dicatat saja / message without sender "
                "recorded only", in->wamid);
    }
}

static void add_status(struct lk_wa_webhook *w, json_t *st)
{
    const char *id = json_string_value(json_object_get(st, "id"));
    const char *status = json_string_value(json_object_get(st, "status"));
    if (!id || !status) {
        w->skipped++;
        return;
    }
    w->statuses = lk_xrealloc(w->statuses, (w->n_statuses + 1) * sizeof *w->statuses);
    struct lk_wa_status *s = &w->statuses[w->n_statuses++];
    memset(s, 0, sizeof *s);
    s->wamid = lk_strdup(id);
    s->status = lk_strdup(status);
    s->recipient = get_str(st, "recipient_id");
    if (!s->recipient)
        s->recipient = get_str(st, "recipient_user_id");
    s->at_ms = json_timestamp_ms(json_object_get(st, "timestamp"));
    json_t *e = json_array_get(json_object_get(st, "errors"), 0);
    if (e) {
        const char *title = json_string_value(json_object_get(e, "title"));
        const char *det = json_string_value(
            json_object_get(json_object_get(e, "error_data"), "details"));
        s->error = lk_sprintf("%lld %s%s%s",
                              (long long)json_integer_value(json_object_get(e, "code")),
                              title ? title : "", det ? ": " : "", det ? det : "");
    }
}

static void read_change(struct lk_wa_webhook *w, json_t *change, const char *const *numbers)
{
    json_t *value = json_object_get(change, "value");
    const char *field = json_string_value(json_object_get(change, "field"));
    if (!json_is_object(value) || (field && strcmp(field, "messages") != 0)) {
        if (field)
            lk_info("whatsapp: perubahan '%s' diabaikan / change ignored", field);
        w->skipped += !json_is_object(value);
        return;
    }
    const char *pnid = json_string_value(
        json_object_get(json_object_get(value, "metadata"), "phone_number_id"));
    json_t *msgs = json_object_get(value, "messages");
    json_t *sts = json_object_get(value, "statuses");
    if (!pnid || !number_accepted(numbers, pnid)) {
        size_t n = json_array_size(msgs) + json_array_size(sts);
        w->skipped += (int)n;
        lk_warn("whatsapp: %zu item untuk nomor %s yang tidak dikonfigurasi diabaikan / items "
                "for an unconfigured number skipped", n, pnid ? pnid : "(tanpa id)");
        return;
    }
    json_t *contacts = json_object_get(value, "contacts"), *v;
    size_t i;
    json_array_foreach(msgs, i, v)
        add_message(w, v, contacts, pnid);
    json_array_foreach(sts, i, v)
        add_status(w, v);
    json_array_foreach(json_object_get(value, "errors"), i, v)
        lk_warn("whatsapp: galat dari Meta / error from Meta: %lld %s",
                (long long)json_integer_value(json_object_get(v, "code")),
                json_string_value(json_object_get(v, "title")) ?
                    json_string_value(json_object_get(v, "title")) : "");
}

int lk_wa_parse(const char *body, size_t n, const char *const *numbers,
                struct lk_wa_webhook *out, struct lk_error *err)
{
    json_error_t je;
    memset(out, 0, sizeof *out);
    json_t *root = json_loadb(body, n, 0, &je);
    if (!json_is_object(root)) {
        lk_error_set(err, "isi webhook bukan objek JSON / webhook body is not a JSON object "
                          "(line %d: %s)", je.line, root ? "not an object" : je.text);
        json_decref(root);
        return LK_ERR;
    }
    const char *object = json_string_value(json_object_get(root, "object"));
    if (object && strcmp(object, "whatsapp_business_account") != 0)
        lk_warn("whatsapp: objek webhook '%s' tidak dikenal / unknown webhook object", object);
    json_t *entry, *change;
    size_t i, j;
    json_array_foreach(json_object_get(root, "entry"), i, entry)
        json_array_foreach(json_object_get(entry, "changes"), j, change)
            read_change(out, change, numbers);
    json_decref(root);
    return LK_OK;
}

void lk_wa_webhook_clear(struct lk_wa_webhook *w)
{
    for (size_t i = 0; i < w->n_msgs; i++) {
        struct lk_wa_inbound *m = &w->msgs[i];
        free(m->wamid);
        free(m->phone_number_id);
        free(m->from);
        free(m->type);
        free(m->kind);
        free(m->text);
        free(m->choice_id);
        free(m->payload);
    }
    for (size_t i = 0; i < w->n_statuses; i++) {
        struct lk_wa_status *s = &w->statuses[i];
        free(s->wamid);
        free(s->status);
        free(s->recipient);
        free(s->error);
    }
    free(w->msgs);
    free(w->statuses);
    memset(w, 0, sizeof *w);
}
