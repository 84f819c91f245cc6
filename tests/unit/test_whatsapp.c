/* Unit tests for the WhatsApp connector's pure parts: character counting, shortening,
 * splitting, rendering by option count, webhook signatures, timestamps, webhook parsing and
 * the retry classification. */
#include "harness.h"
#include "log.h"
#include "wa_internal.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

static json_t *body_json(const struct lk_wa_msgs *m, size_t i)
{
    return json_loads(m->bodies[i], 0, NULL);
}

static const char *jstr(json_t *root, const char *path)
{
    /* path: dot-separated keys, numbers index arrays */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = root;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && v;
         k = strtok_r(NULL, ".", &save))
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
    return json_string_value(v);
}

static void test_units_and_shorten(void)
{
    subtest("units and shorten");
    ok(lk_wa_units("abc", 3) == 3, "ascii");
    ok(lk_wa_units("é", strlen("é")) == 1, "2-byte char is 1");
    ok(lk_wa_units("😀", strlen("😀")) == 2, "emoji counts 2 units");
    char *s = lk_wa_shorten("Rekam KTP-el baru untuk warga", 20);
    ok(lk_wa_units(s, strlen(s)) <= 20, "shortened fits: %s", s);
    ok(strstr(s, "\xE2\x80\xA6") != NULL, "ends with ellipsis: %s", s);
    ok(lk_utf8_valid(s, strlen(s)), "valid UTF-8");
    free(s);
    s = lk_wa_shorten("ééééééééééééééééééééééééé", 10);
    ok(lk_utf8_valid(s, strlen(s)) && lk_wa_units(s, strlen(s)) == 10, "multi-byte cut: %s", s);
    free(s);
    s = lk_wa_shorten("😀😀😀😀😀😀😀😀", 5);
    ok(lk_utf8_valid(s, strlen(s)) && lk_wa_units(s, strlen(s)) <= 5, "emoji cut: %s", s);
    free(s);
    s = lk_wa_shorten("Pendek", 20);
    ok(strcmp(s, "Pendek") == 0, "short title unchanged");
    free(s);
}

static void check_parts(const char *text, size_t max, size_t want_min, const char *what)
{
    struct lk_wa_span *sp;
    size_t n = lk_wa_split(text, max, &sp);
    ok(n >= want_min, "%s: %zu parts", what, n);
    size_t total_nonspace = 0, parts_nonspace = 0;
    for (const char *p = text; *p; p++)
        total_nonspace += !strchr(" \n\t\r", *p);
    for (size_t i = 0; i < n; i++) {
        const char *s = text + sp[i].start;
        size_t len = sp[i].end - sp[i].start;
        ok(lk_wa_units(s, len) <= max, "%s: part %zu fits (%zu units)", what, i,
           lk_wa_units(s, len));
        ok(lk_utf8_valid(s, len), "%s: part %zu valid UTF-8", what, i);
        ok(len > 0, "%s: part %zu not empty", what, i);
        for (size_t k = 0; k < len; k++)
            parts_nonspace += !strchr(" \n\t\r", s[k]);
    }
    ok(parts_nonspace == total_nonspace, "%s: nothing lost (%zu vs %zu)", what, parts_nonspace,
       total_nonspace);
    free(sp);
}

static void test_split(void)
{
    subtest("split");
    struct lk_wa_span *sp;
    ok(lk_wa_split("", 10, &sp) == 0, "empty text: no part");
    free(sp);
    ok(lk_wa_split("  \n ", 10, &sp) == 0, "blank text: no part");
    free(sp);
    /* paragraph first */
    const char *t = "Paragraf satu.\n\nParagraf dua yang panjang.";
    size_t n = lk_wa_split(t, 30, &sp);
    ok(n == 2 && strncmp(t + sp[0].start, "Paragraf satu.", sp[0].end - sp[0].start) == 0,
       "cut at the paragraph");
    free(sp);
    /* sentence next */
    t = "Kalimat satu. Kalimat dua. Kalimat tiga.";
    n = lk_wa_split(t, 30, &sp);
    ok(n == 2 && sp[0].end - sp[0].start == strlen("Kalimat satu. Kalimat dua."),
       "cut at the sentence end");
    free(sp);
    /* word next */
    t = "kata kata kata kata kata kata kata";
    n = lk_wa_split(t, 12, &sp);
    ok(n == 4, "cut at words, two a part: %zu", n);
    for (size_t i = 0; i < n; i++)
        ok(t[sp[i].end] == ' ' || t[sp[i].end] == '\0', "word boundary %zu", i);
    free(sp);
    /* code point last */
    check_parts("ééééééééééééééééééééééééééééééééééééééééééééééééé", 7, 7, "no spaces");
    check_parts("😀😀😀😀😀😀😀😀😀😀😀", 5, 5, "emoji only");

    /* 4,000 characters with multi-byte letters and emoji: 2 parts at 4096 units is not
     * guaranteed (emoji count 2), and every part fits */
    struct lk_buf b = {0};
    for (int i = 0; i < 400; i++)
        lk_buf_puts(&b, i % 7 == 6 ? "Selamat 😀 pagi.\n\n" : "Warga ké-é kota. ");
    check_parts(b.data, LK_WA_TEXT_MAX, 2, "4000 chars multi-byte");
    check_parts(b.data, LK_WA_INTERACTIVE_MAX, 7, "4000 chars at 1024");
    lk_buf_free(&b);
}

static struct lk_out menu(size_t n, const char *text, int long_titles)
{
    struct lk_out o = {.kind = LK_OUT_MENU, .text = (char *)text, .n_options = n, .message_id = 7};
    o.options = calloc(n, sizeof *o.options);
    for (size_t i = 0; i < n; i++) {
        o.options[i].id = lk_sprintf("ktp.start/opt%zu", i + 1);
        o.options[i].title = long_titles
                                 ? lk_sprintf("Pilihan nomor %zu yang judulnya sangat panjang sekali", i + 1)
                                 : lk_sprintf("Pilihan %zu", i + 1);
    }
    return o;
}

static void menu_free(struct lk_out *o)
{
    for (size_t i = 0; i < o->n_options; i++) {
        free(o->options[i].id);
        free(o->options[i].title);
    }
    free(o->options);
}

static void test_render(void)
{
    subtest("render text");
    char hello[] = "Halo, ada yang bisa dibantu? https://dukcapil.go.id";
    struct lk_out t = {.kind = LK_OUT_TEXT, .text = hello, .message_id = 1};
    struct lk_wa_msgs m;
    lk_wa_render(&t, "id", "6281234567890", &m);
    ok(m.n == 1, "one text message");
    json_t *j = body_json(&m, 0);
    ok(jstr(j, "type") && !strcmp(jstr(j, "type"), "text"), "type text");
    ok(jstr(j, "to") && !strcmp(jstr(j, "to"), "6281234567890"), "to the phone number");
    ok(json_is_true(json_object_get(json_object_get(j, "text"), "preview_url")), "link preview");
    json_decref(j);
    lk_wa_msgs_clear(&m);

    subtest("render to a business-scoped user id");
    lk_wa_render(&t, "id", "ID.1502576394655843", &m);
    j = body_json(&m, 0);
    ok(!json_object_get(j, "to") && jstr(j, "recipient") &&
           !strcmp(jstr(j, "recipient"), "ID.1502576394655843"), "recipient field");
    json_decref(j);
    lk_wa_msgs_clear(&m);

    subtest("render menus by option count");
    size_t counts[] = {1, 3, 4, 10, 11, 25};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        struct lk_out o = menu(counts[c], "Layanan KTP-el. Silakan pilih:", c % 2);
        lk_wa_render(&o, "id", "6281234567890", &m);
        ok(m.n == 1, "%zu options: one message (%zu)", counts[c], m.n);
        j = body_json(&m, m.n - 1);
        if (counts[c] <= 3) {
            ok(!strcmp(jstr(j, "interactive.type"), "button"), "%zu: buttons", counts[c]);
            json_t *btns = json_object_get(json_object_get(json_object_get(j, "interactive"),
                                                           "action"), "buttons");
            ok(json_array_size(btns) == counts[c], "button count");
            const char *title = jstr(j, "interactive.action.buttons.0.reply.title");
            ok(title && lk_wa_units(title, strlen(title)) <= LK_WA_BUTTON_TITLE, "title fits");
            ok(!strcmp(jstr(j, "interactive.action.buttons.0.reply.id"), "ktp.start/opt1"),
               "stable id");
        } else if (counts[c] <= 10) {
            ok(!strcmp(jstr(j, "interactive.type"), "list"), "%zu: list", counts[c]);
            json_t *rows = json_object_get(
                json_array_get(json_object_get(json_object_get(json_object_get(j, "interactive"),
                                                               "action"), "sections"), 0),
                "rows");
            ok(json_array_size(rows) == counts[c], "row count");
            const char *title = jstr(j, "interactive.action.sections.0.rows.0.title");
            ok(title && lk_wa_units(title, strlen(title)) <= LK_WA_ROW_TITLE, "row title fits");
            const char *btn = jstr(j, "interactive.action.button");
            ok(btn && lk_wa_units(btn, strlen(btn)) <= LK_WA_LIST_BUTTON, "button label fits");
            ok(!strcmp(jstr(j, "interactive.action.sections.0.rows.0.id"), "ktp.start/opt1"),
               "stable row id");
        } else {
            ok(!strcmp(jstr(j, "type"), "text"), "%zu: numbered text", counts[c]);
            const char *body = jstr(j, "text.body");
            ok(body && strstr(body, "1. Pilihan") && strstr(body, "11. Pilihan"),
               "numbered options");
        }
        json_decref(j);
        lk_wa_msgs_clear(&m);
        menu_free(&o);
    }

    subtest("long title in a list keeps the full text as description");
    struct lk_out o = menu(5, "Pilih:", 1);
    lk_wa_render(&o, "en", "6281234567890", &m);
    j = body_json(&m, 0);
    const char *d = jstr(j, "interactive.action.sections.0.rows.0.description");
    ok(d && strstr(d, "Pilihan nomor 1"), "description holds the full title");
    ok(!strcmp(jstr(j, "interactive.action.button"), "See options"), "English label");
    json_decref(j);
    lk_wa_msgs_clear(&m);
    menu_free(&o);

    subtest("long text with buttons: split, options only on the last part");
    struct lk_buf b = {0};
    for (int i = 0; i < 300; i++)
        lk_buf_puts(&b, "Syarat rekam KTP-el: bawa KK asli. ");
    o = menu(2, b.data, 0);
    lk_wa_render(&o, "id", "6281234567890", &m);
    ok(m.n >= 3, "several parts: %zu", m.n);
    for (size_t i = 0; i < m.n; i++) {
        j = body_json(&m, i);
        int last = i + 1 == m.n;
        ok(!strcmp(jstr(j, "type"), last ? "interactive" : "text"), "part %zu type", i);
        const char *body = last ? jstr(j, "interactive.body.text") : jstr(j, "text.body");
        ok(body && lk_wa_units(body, strlen(body)) <= (last ? 1024u : 4096u), "part %zu fits", i);
        json_decref(j);
    }
    lk_wa_msgs_clear(&m);
    menu_free(&o);
    lk_buf_free(&b);

    subtest("duplicate titles after shortening fall back to a list");
    o = menu(2, "Pilih", 0);
    free(o.options[0].title);
    free(o.options[1].title);
    o.options[0].title = lk_strdup("Perpanjangan dokumen kependudukan A");
    o.options[1].title = lk_strdup("Perpanjangan dokumen kependudukan B");
    lk_wa_render(&o, "id", "6281234567890", &m);
    j = body_json(&m, 0);
    ok(!strcmp(jstr(j, "interactive.type"), "list"), "list, not buttons with equal titles");
    json_decref(j);
    lk_wa_msgs_clear(&m);
    menu_free(&o);

    subtest("over-long option id");
    o = menu(2, "Pilih", 0);
    free(o.options[1].id);
    o.options[1].id = calloc(300, 1);
    memset(o.options[1].id, 'x', 299);
    lk_wa_render(&o, "id", "6281234567890", &m);
    j = body_json(&m, 0);
    ok(!strcmp(jstr(j, "interactive.action.buttons.1.reply.id"), "lk#2"), "stand-in id");
    json_decref(j);
    lk_wa_msgs_clear(&m);
    menu_free(&o);
}

static char *sign(const char *secret, const char *body)
{
    unsigned char mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, strlen(body),
         mac, &n);
    struct lk_buf b = {0};
    lk_buf_puts(&b, "sha256=");
    for (unsigned i = 0; i < n; i++)
        lk_buf_printf(&b, "%02x", mac[i]);
    return lk_buf_take(&b);
}

static void test_signature(void)
{
    subtest("signature");
    const char *body = "{\"object\":\"whatsapp_business_account\"}";
    char *sig = sign("rahasia", body);
    ok(lk_wa_signature_ok("rahasia", body, strlen(body), sig), "right signature");
    ok(!lk_wa_signature_ok("lain", body, strlen(body), sig), "other secret");
    ok(!lk_wa_signature_ok("rahasia", body, strlen(body) - 1, sig), "body changed");
    ok(!lk_wa_signature_ok("rahasia", body, strlen(body), NULL), "missing header");
    ok(!lk_wa_signature_ok("rahasia", body, strlen(body), "sha1=abc"), "wrong scheme");
    ok(!lk_wa_signature_ok("", body, strlen(body), sig), "empty secret never passes");
    for (char *p = sig + 7; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    ok(lk_wa_signature_ok("rahasia", body, strlen(body), sig), "upper-case hex");
    sig[strlen(sig) - 1] = 'g';
    ok(!lk_wa_signature_ok("rahasia", body, strlen(body), sig), "not hex");
    free(sig);
}

static void test_timestamp(void)
{
    subtest("timestamps");
    ok(lk_wa_timestamp_ms("1767261600") == 1767261600000LL, "seconds");
    ok(lk_wa_timestamp_ms("1767261600123") == 1767261600123LL, "milliseconds");
    ok(lk_wa_timestamp_ms("abc") == 0, "not a number");
    ok(lk_wa_timestamp_ms(NULL) == 0, "missing");
}

static const char batch[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":["
    "{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":"
    "\"whatsapp\",\"metadata\":{\"phone_number_id\":\"111\"},"
    "\"contacts\":[{\"profile\":{\"name\":\"Siti\"},\"wa_id\":\"6281\"}],\"messages\":["
    "{\"from\":\"6281\",\"id\":\"wamid.A\",\"timestamp\":\"1767261600\",\"type\":\"text\","
    "\"text\":{\"body\":\"halo 😀\"}},"
    "{\"from\":\"6281\",\"id\":\"wamid.B\",\"timestamp\":1767261600123,\"type\":\"interactive\","
    "\"interactive\":{\"type\":\"button_reply\",\"button_reply\":{\"id\":\"ktp.start/baru\","
    "\"title\":\"Rekam baru\"}}},"
    "{\"from\":\"6281\",\"id\":\"wamid.C\",\"timestamp\":\"1767261601\",\"type\":\"interactive\","
    "\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"lk#4\","
    "\"title\":\"Empat\"}}},"
    "{\"from\":\"6281\",\"id\":\"wamid.D\",\"type\":\"button\",\"button\":{\"payload\":\"cek\","
    "\"text\":\"Cek status\"}},"
    "{\"from\":\"6281\",\"id\":\"wamid.E\",\"type\":\"image\",\"image\":{\"caption\":\"ini\"}},"
    "{\"from\":\"6281\",\"id\":\"wamid.F\",\"type\":\"reaction\",\"reaction\":{\"emoji\":\"👍\"}},"
    "{\"from\":\"6281\",\"id\":\"wamid.G\",\"type\":\"system\",\"system\":{\"body\":\"x\"}},"
    "{\"from\":\"6281\",\"id\":\"wamid.H\",\"type\":\"hologram\"},"
    "{\"from\":\"6281\",\"type\":\"text\",\"text\":{\"body\":\"tanpa id\"}}"
    "]}}]},"
    "{\"id\":\"2\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":"
    "{\"phone_number_id\":\"111\"},\"contacts\":[{\"user_id\":\"ID.999\"}],\"messages\":["
    "{\"from_user_id\":\"ID.999\",\"id\":\"wamid.I\",\"type\":\"text\",\"text\":{\"body\":\"hai\"}}],"
    "\"statuses\":[{\"id\":\"wamid.out1\",\"status\":\"failed\",\"timestamp\":\"1767261700\","
    "\"recipient_id\":\"6281\",\"errors\":[{\"code\":131047,\"title\":\"Re-engagement message\"}]},"
    "{\"id\":\"wamid.out2\",\"status\":\"read\"}]}}]},"
    "{\"id\":\"3\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":"
    "{\"phone_number_id\":\"999\"},\"messages\":[{\"from\":\"1\",\"id\":\"wamid.X\","
    "\"type\":\"text\",\"text\":{\"body\":\"bukan nomor kita\"}}]}}]}"
    "]}";

static void test_parse(void)
{
    subtest("parse");
    const char *numbers[] = {"111", NULL};
    struct lk_wa_webhook w;
    struct lk_error err;
    ok(lk_wa_parse(batch, strlen(batch), numbers, &w, &err) == LK_OK, "parses");
    ok(w.n_msgs == 9, "nine messages (one without id skipped): %zu", w.n_msgs);
    ok(w.n_statuses == 2, "two statuses");
    ok(w.skipped == 2, "skipped: no id, other number (%d)", w.skipped);
    if (w.n_msgs == 9) {
        ok(!strcmp(w.msgs[0].text, "halo 😀") && !w.msgs[0].kind && w.msgs[0].feed, "text");
        ok(w.msgs[0].at_ms == 1767261600000LL, "seconds timestamp");
        ok(w.msgs[1].at_ms == 1767261600123LL, "milliseconds timestamp");
        ok(!strcmp(w.msgs[1].choice_id, "ktp.start/baru"), "button reply id");
        ok(!w.msgs[2].choice_id && !strcmp(w.msgs[2].text, "4"), "stand-in id as number");
        ok(!strcmp(w.msgs[3].choice_id, "cek") && !strcmp(w.msgs[3].text, "Cek status"),
           "template button payload");
        ok(!strcmp(w.msgs[4].kind, "image") && w.msgs[4].feed, "image fed with kind");
        ok(!strcmp(w.msgs[5].kind, "reaction") && !w.msgs[5].feed, "reaction not fed");
        ok(!strcmp(w.msgs[6].kind, "system") && !w.msgs[6].feed, "system not fed");
        ok(!strcmp(w.msgs[7].kind, "hologram") && w.msgs[7].feed, "unknown type fed");
        ok(!strcmp(w.msgs[8].from, "ID.999") && w.msgs[8].feed, "business-scoped sender");
        ok(w.msgs[0].payload && strstr(w.msgs[0].payload, "wamid.A"), "payload kept");
    }
    if (w.n_statuses == 2) {
        ok(!strcmp(w.statuses[0].status, "failed") && w.statuses[0].error &&
               !strncmp(w.statuses[0].error, "131047", 6), "failed status with code");
        ok(!strcmp(w.statuses[1].status, "read") && !w.statuses[1].error, "read status");
    }
    lk_wa_webhook_clear(&w);

    ok(lk_wa_parse("not json", 8, numbers, &w, &err) == LK_ERR, "malformed refused");
    ok(lk_wa_parse("[1]", 3, numbers, &w, &err) == LK_ERR, "array refused");
    const char *odd = "{\"entry\":[{\"changes\":[{\"value\":5},{\"value\":{\"messages\":7}}]},3]}";
    ok(lk_wa_parse(odd, strlen(odd), numbers, &w, &err) == LK_OK && w.n_msgs == 0,
       "odd shapes survive");
    lk_wa_webhook_clear(&w);
}

static void test_retry(void)
{
    subtest("retry classification");
    ok(lk_wa_retryable(0, 0), "network error");
    ok(lk_wa_retryable(500, 0) && lk_wa_retryable(503, 2), "5xx");
    ok(lk_wa_retryable(429, 0), "HTTP 429");
    ok(lk_wa_retryable(400, 130429) && lk_wa_retryable(400, 131056) &&
           lk_wa_retryable(400, 4) && lk_wa_retryable(400, 80007), "throttling codes");
    ok(!lk_wa_retryable(400, 131047), "24-hour window: permanent");
    ok(!lk_wa_retryable(401, 190), "expired token: permanent");
    ok(!lk_wa_retryable(400, 131026), "undeliverable: permanent");
    ok(!lk_wa_retryable(400, 100), "invalid parameter: permanent");
}

int main(void)
{
    lk_log_set_level(LK_LOG_QUIET);
    test_units_and_shorten();
    test_split();
    test_render();
    test_signature();
    test_timestamp();
    test_parse();
    test_retry();
    return th_report();
}
