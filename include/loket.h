/* Common ground for every module: result codes, the caller-owned error buffer,
 * the clock (injectable for tests) and a few string helpers. */
#ifndef LOKET_H
#define LOKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

#define LK_OK        0
#define LK_ERR      -1   /* generic failure; details in struct lk_error */
#define LK_ENOMEM   -2
#define LK_EBUSY    -3   /* database locked or disk full: retry later */
#define LK_ENOTFOUND -4
#define LK_ELIMIT   -5   /* a sandbox or size limit was hit */

#define LK_VERSION "0.1.0"

/* Error text goes to a buffer the caller owns (jansson's json_error_t shape), so the CLI,
 * the log and the staff tools can all show it. */
struct lk_error {
    char text[1024];
};

void lk_error_set(struct lk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lk_error_clear(struct lk_error *err);

/* Milliseconds since the Unix epoch. Tests fix the clock with lk_clock_set() or the
 * environment variable LOKET_NOW (ISO "2026-11-27T10:00:00" local time, or epoch ms). */
int64_t lk_now_ms(void);
void lk_clock_set(int64_t ms);        /* 0 returns to the real clock */
/* Sleeps ms milliseconds (the real clock), resuming after signals. */
void lk_sleep_ms(int ms);

/* Strings. lk_strdup(NULL) is NULL. All abort on out-of-memory. */
char *lk_strdup(const char *s);
char *lk_strndup(const char *s, size_t n);
char *lk_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *lk_xmalloc(size_t n);
void *lk_xcalloc(size_t n, size_t size);
void *lk_xrealloc(void *p, size_t n);

/* UTF-8: 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int lk_utf8_valid(const char *s, size_t n);
/* Largest length <= max that does not cut a UTF-8 sequence in half. */
size_t lk_utf8_cut(const char *s, size_t len, size_t max);
/* Number of code points in a valid UTF-8 string. */
size_t lk_utf8_len(const char *s);

/* Growable byte buffer, NUL-terminated after every append. The appends are inline: a
 * reply frame is built from a few dozen small pieces. */
struct lk_buf {
    char *data;
    size_t len, cap;
};
void lk_buf_grow(struct lk_buf *b, size_t n);     /* lk_buf_reserve's reallocation */

static inline void lk_buf_reserve(struct lk_buf *b, size_t n)  /* room for n more bytes */
{
    if (b->len + n + 1 > b->cap)
        lk_buf_grow(b, n);
}

static inline void lk_buf_append(struct lk_buf *b, const char *s, size_t n)
{
    lk_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void lk_buf_puts(struct lk_buf *b, const char *s)
{
    lk_buf_append(b, s, strlen(s));
}

void lk_buf_printf(struct lk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes and escapes; UTF-8 passes through). */
void lk_buf_json(struct lk_buf *b, const char *s);
void lk_buf_int(struct lk_buf *b, int64_t v);   /* decimal, as printf's %lld */
void lk_buf_reset(struct lk_buf *b);   /* empty again, keeping its memory */
char *lk_buf_take(struct lk_buf *b);   /* NUL-terminated; the buffer is reset */
void lk_buf_free(struct lk_buf *b);

#endif
