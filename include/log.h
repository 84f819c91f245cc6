/* The process log: one line per event on stderr, with time and level. Every line passes
 * through the NIK mask, so a citizen's national ID number never lands in a log in full. */
#ifndef LOKET_LOG_H
#define LOKET_LOG_H

enum lk_log_level { LK_LOG_DEBUG, LK_LOG_INFO, LK_LOG_WARN, LK_LOG_ERROR, LK_LOG_QUIET };

void lk_log_set_level(enum lk_log_level level);
void lk_log(enum lk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define lk_debug(...) lk_log(LK_LOG_DEBUG, __VA_ARGS__)
#define lk_info(...)  lk_log(LK_LOG_INFO, __VA_ARGS__)
#define lk_warn(...)  lk_log(LK_LOG_WARN, __VA_ARGS__)
#define lk_error(...) lk_log(LK_LOG_ERROR, __VA_ARGS__)

/* Masks, in place, every run of 16 digits (spaces, dots and dashes between digits
 * allowed) as the first 4 digits, 8 stars and the last 4: 3374********0001. */
void lk_mask_nik(char *s);

#endif
