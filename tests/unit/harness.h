/* A tiny test harness (sds testhelp.h / h2o t/00unit shape): ok(), subtest(), and one
 * summary line "N passed, N failed" that tests/run.sh adds up. */
#ifndef LOKET_HARNESS_H
#define LOKET_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

static int th_passed, th_failed;
static const char *th_subtest = "";

#define subtest(name) (th_subtest = (name), printf("# %s\n", th_subtest))

#define ok(cond, ...)                                                                   \
    do {                                                                                \
        if (cond) {                                                                     \
            th_passed++;                                                                \
        } else {                                                                        \
            th_failed++;                                                                \
            printf("not ok: %s: %s:%d: ", th_subtest, __FILE__, __LINE__);             \
            printf(__VA_ARGS__);                                                        \
            printf("\n");                                                               \
        }                                                                               \
    } while (0)

static inline int th_report(void)
{
    printf("%d passed, %d failed\n", th_passed, th_failed);
    return th_failed ? 1 : 0;
}

#endif
