/* The process log: timestamped lines on stderr, NIK-masked, at most BURST_LINES a second
 * from one call site (a flood of refused connections or forged webhooks cannot fill the
 * disk; what was skipped is counted on that site's next line). Thread-safe (one write per
 * line). Owns nothing else; modules decide what to log. */
#include "log.h"
#include "loket.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BURST_LINES 20   /* lines a second from one call site, then only a count */
#define SITES 64

static enum lk_log_level min_level = LK_LOG_INFO;

/* One call site (its format string) and its lines in the current second. */
struct site {
    const char *fmt;
    int64_t second;
    unsigned lines, skipped;
};
static struct site sites[SITES];
static pthread_mutex_t sites_lock = PTHREAD_MUTEX_INITIALIZER;

void lk_log_set_level(enum lk_log_level level)
{
    min_level = level;
}

/* Counts the digits of a NIK-shaped run starting at s; stops at 16 digits. Separators
 * (space, dot, dash) are allowed only between digits. Returns bytes consumed or 0. */
static size_t nik_run(const char *s, size_t *digits)
{
    size_t i = 0, d = 0;
    while (s[i] && d < 16) {
        if (isdigit((unsigned char)s[i])) {
            d++, i++;
        } else if ((s[i] == ' ' || s[i] == '.' || s[i] == '-') && d > 0 &&
                   isdigit((unsigned char)s[i + 1])) {
            i++;
        } else {
            break;
        }
    }
    *digits = d;
    return i;
}

void lk_mask_nik(char *s)
{
    for (size_t i = 0; s[i];) {
        if (!isdigit((unsigned char)s[i]) || (i > 0 && isdigit((unsigned char)s[i - 1]))) {
            i++;
            continue;
        }
        size_t digits, len = nik_run(s + i, &digits);
        if (digits == 16 && !isdigit((unsigned char)s[i + len])) {
            size_t seen = 0;
            for (size_t j = i; j < i + len; j++) {
                if (!isdigit((unsigned char)s[j]))
                    continue;
                if (seen >= 4 && seen < 12)
                    s[j] = '*';
                seen++;
            }
        }
        i += len ? len : 1;
    }
}

/* 1 when this call site has had its BURST_LINES this second; else 0, with *skipped set to
 * the lines it skipped in its last busy second (0 if none). Two sites sharing a slot just
 * take turns; the count may then start over. */
static int over_burst(const char *fmt, unsigned *skipped)
{
    int64_t second = lk_now_ms() / 1000;
    struct site *s = &sites[((uintptr_t)fmt >> 3) % SITES];
    int over;
    *skipped = 0;
    pthread_mutex_lock(&sites_lock);
    if (s->fmt != fmt || s->second != second) {
        if (s->fmt == fmt)
            *skipped = s->skipped;
        *s = (struct site){.fmt = fmt, .second = second};
    }
    over = ++s->lines > BURST_LINES;
    s->skipped += (unsigned)over;
    pthread_mutex_unlock(&sites_lock);
    return over;
}

void lk_log(enum lk_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    unsigned skipped;
    if (level < min_level || level >= LK_LOG_QUIET || over_burst(fmt, &skipped))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    lk_mask_nik(msg);

    char stamp[32];
    time_t now = (time_t)(lk_now_ms() / 1000);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    char line[2300], more[160] = "";
    if (skipped)
        snprintf(more, sizeof more,
                 " (dan / and %u baris serupa dilewati sebelumnya / similar lines skipped before)",
                 skipped);
    int n = snprintf(line, sizeof line, "%s %s %s%s\n", stamp, names[level], msg, more);
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nowhere left to report it */
    }
}
