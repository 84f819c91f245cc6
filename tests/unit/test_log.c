/* Unit tests for the process log (log.c): NIKs masked in every line, and a call site that
 * logs in a flood gives BURST_LINES lines a second, then a count on its next line. The log
 * goes to stderr, so each test reads it back from a temporary file put in its place. */
#include "harness.h"
#include "log.h"
#include "loket.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Runs fn with stderr sent to a temporary file; returns what was written (static). */
static const char *captured(void (*fn)(void))
{
    static char text[64 * 1024];
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    return text;
}

static int count_lines(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void log_nik(void)
{
    lk_info("cek status NIK 3201011501900003 dan / and 3374 1012 0590 9991");
}

static void test_nik_masked(void)
{
    subtest("NIKs are masked");
    const char *out = captured(log_nik);
    ok(strstr(out, "3201********0003") && strstr(out, "3374 **** **** 9991"), "masked: %s", out);
    ok(!strstr(out, "01150190"), "no middle digits: %s", out);
}

/* Waits for the start of the next second, so a burst is not split by the clock. */
static void next_second(void)
{
    int64_t second = lk_now_ms() / 1000;
    while (lk_now_ms() / 1000 == second)
        usleep(2000);
}

/* One call site, as a flood of refused connections would hit it. */
static void refuse(int i)
{
    lk_warn("refused connection %d", i);
}

static void flood(void)
{
    next_second();
    for (int i = 0; i < 100; i++)
        refuse(i);
    lk_warn("another place logs %d", 1);
    next_second();
    refuse(100);
}

static void test_flood_limited(void)
{
    subtest("a flood from one call site: 20 lines a second, then a count");
    const char *out = captured(flood);
    ok(count_lines(out, "refused connection") == 21, "20 lines, then 1 in the next second: %d",
       count_lines(out, "refused connection"));
    ok(strstr(out, "refused connection 19\n") && !strstr(out, "refused connection 20\n"),
       "the first 20 of the burst are the ones logged");
    ok(strstr(out, "refused connection 100 (dan / and 80 baris serupa dilewati"),
       "the next line counts the 80 skipped: %s", strstr(out, "refused connection 100"));
    ok(strstr(out, "another place logs 1"), "another call site is not held back");
}

int main(void)
{
    lk_log_set_level(LK_LOG_INFO);
    test_nik_masked();
    test_flood_limited();
    return th_report();
}
