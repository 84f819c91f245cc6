/* The process log: timestamped lines on stderr, NIK-masked. Thread-safe (one write per
 * line). Owns nothing else; modules decide what to log. */
#include "log.h"
#include "loket.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum lk_log_level min_level = LK_LOG_INFO;

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

void lk_log(enum lk_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level || level >= LK_LOG_QUIET)
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
    char line[2200];
    int n = snprintf(line, sizeof line, "%s %s %s\n", stamp, names[level], msg);
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nowhere left to report it */
    }
}
