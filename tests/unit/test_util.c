/* Unit tests for the shared helpers in util.c: the growable buffer and its JSON string
 * writer, checked against jansson's reader. */
#include "harness.h"
#include "loket.h"

#include <jansson.h>
#include <string.h>

/* 1 when s written by lk_buf_json reads back, with jansson, as exactly s. */
static int round_trips(const char *s)
{
    struct lk_buf b = {0};
    lk_buf_json(&b, s);
    json_error_t jerr;
    json_t *v = json_loads(b.data, JSON_DECODE_ANY, &jerr);
    int same = json_is_string(v) && json_string_length(v) == strlen(s) &&
               strcmp(json_string_value(v), s) == 0;
    if (!same)
        printf("# %s -> %s (%s)\n", s, b.data, v ? "read" : jerr.text);
    json_decref(v);
    lk_buf_free(&b);
    return same;
}

static void test_json_escapes(void)
{
    subtest("JSON strings: escapes");
    struct lk_buf b = {0};
    lk_buf_json(&b, "a\"b\\c\nd\te\rf\x01g</script>");
    ok(strcmp(b.data, "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g</script>\"") == 0, "escaped: %s",
       b.data);
    lk_buf_reset(&b);
    lk_buf_json(&b, "");
    ok(strcmp(b.data, "\"\"") == 0, "empty string: %s", b.data);
    lk_buf_reset(&b);
    lk_buf_puts(&b, "x=");
    lk_buf_json(&b, "Selamat pagi, Bapak/Ibu. Silakan pilih layanan 😀");
    ok(strcmp(b.data, "x=\"Selamat pagi, Bapak/Ibu. Silakan pilih layanan 😀\"") == 0,
       "appended, long text and UTF-8 unchanged: %s", b.data);
    lk_buf_free(&b);
}

/* Every byte that needs an escape, at every offset of strings around the 8-byte steps,
 * among plain ASCII and multi-byte characters. */
static void test_json_every_offset(void)
{
    subtest("JSON strings: every special byte at every offset");
    const char *fill[] = {"abcdefghijklmnopqrstuvwxyz0123", "é€ñ😀ab é€ñ😀ab"};
    int bad = 0, n = 0;
    for (int special = 1; special < 0x80; special++) {
        if (special >= 0x20 && special != '"' && special != '\\' && special != 0x7f)
            continue;
        for (size_t f = 0; f < 2; f++)
            for (size_t len = 1; len <= strlen(fill[f]); len++) {
                if (((unsigned char)fill[f][len] & 0xC0) == 0x80)
                    continue;            /* cut only between characters */
                for (size_t at = 0; at <= len; at++) {
                    char s[64];
                    memcpy(s, fill[f], len);
                    s[len] = '\0';
                    if (at < len && (unsigned char)s[at] >= 0x80)
                        continue;        /* keep multi-byte characters whole */
                    if (at < len)
                        s[at] = (char)special;
                    n++;
                    bad += !round_trips(s);
                }
            }
    }
    ok(bad == 0 && n > 2000, "%d of %d strings read back as written", n - bad, n);
}

static void test_int(void)
{
    subtest("decimal integers");
    struct lk_buf b = {0};
    const int64_t v[] = {0, 7, -7, 1764288000123, INT64_MAX, INT64_MIN};
    const char *want[] = {"0", "7", "-7", "1764288000123", "9223372036854775807",
                          "-9223372036854775808"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        lk_buf_reset(&b);
        lk_buf_puts(&b, "id:");
        lk_buf_int(&b, v[i]);
        ok(strncmp(b.data, "id:", 3) == 0 && strcmp(b.data + 3, want[i]) == 0 &&
               b.len == 3 + strlen(want[i]), "%s", b.data);
    }
    lk_buf_free(&b);
}

int main(void)
{
    test_int();
    test_json_escapes();
    test_json_every_offset();
    return th_report();
}
