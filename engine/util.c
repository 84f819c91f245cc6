/* Small shared helpers: error buffers, the injectable clock, allocation that aborts on
 * exhaustion, UTF-8 checks and a growable buffer. No module logic lives here. */
#include "loket.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void lk_error_set(struct lk_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

void lk_error_clear(struct lk_error *err)
{
    if (err)
        err->text[0] = '\0';
}

static int64_t fixed_now_ms = -1; /* -1: not yet read from LOKET_NOW */

static int64_t parse_loket_now(const char *s)
{
    struct tm tm = {0};
    if (!s || !*s)
        return 0;
    if (strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) || strptime(s, "%Y-%m-%d %H:%M", &tm)) {
        tm.tm_isdst = -1;
        return (int64_t)mktime(&tm) * 1000;
    }
    return strtoll(s, NULL, 10);
}

void lk_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int64_t lk_now_ms(void)
{
    if (fixed_now_ms < 0)
        fixed_now_ms = parse_loket_now(getenv("LOKET_NOW"));
    if (fixed_now_ms > 0)
        return fixed_now_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lk_clock_set(int64_t ms)
{
    fixed_now_ms = ms;
}

static void out_of_memory(void)
{
    fputs("loket: kehabisan memori / out of memory\n", stderr);
    abort();
}

void *lk_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *lk_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *lk_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *lk_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = lk_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *lk_strdup(const char *s)
{
    return s ? lk_strndup(s, strlen(s)) : NULL;
}

char *lk_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = lk_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return len;
}

int lk_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t len = utf8_seq(p + i, n - i);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

size_t lk_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t lk_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void lk_buf_grow(struct lk_buf *b, size_t n)
{
    size_t need = b->len + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        b->cap = cap > need ? cap : need;
        b->data = lk_xrealloc(b->data, b->cap);
    }
}

void lk_buf_printf(struct lk_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof small) {
        lk_buf_append(b, small, (size_t)n);
        return;
    }
    char *big = lk_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    lk_buf_append(b, big, (size_t)n);
    free(big);
}

void lk_buf_int(struct lk_buf *b, int64_t v)
{
    char digits[24], *p = digits + sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    lk_buf_append(b, p, (size_t)(digits + sizeof digits - p));
}

/* Nonzero when one of the eight bytes in w is below 0x20, a '"' or a '\\': the bytes a
 * JSON string must escape. Exact, whatever the other bytes are. */
static uint64_t json_special(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    return ((w - ones * 0x20) | (quote - ones) | (backslash - ones)) & ~w & highs;
}

/* Copies s as a quoted JSON string. Eight bytes are checked at a time: bot messages are
 * long and rarely need an escape. */
void lk_buf_json(struct lk_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s), i = 0, run = 0;
    lk_buf_reserve(b, n + 2);            /* the usual string goes in without regrowing */
    lk_buf_append(b, "\"", 1);
    while (i < n) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8), !json_special(w))) {
            i += 8;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        lk_buf_append(b, s + run, i - run);
        run = ++i;
        char esc[7] = {'\\', (char)c, 0};
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
        }
        lk_buf_puts(b, esc);
    }
    lk_buf_append(b, s + run, n - run);
    lk_buf_append(b, "\"", 1);
}

void lk_buf_reset(struct lk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *lk_buf_take(struct lk_buf *b)
{
    char *s = b->data ? b->data : lk_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void lk_buf_free(struct lk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
