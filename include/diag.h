/* Findings about flow files (errors and warnings with file and line), as the loader,
 * the settings reader and the linter report them to staff. */
#ifndef LOKET_DIAG_H
#define LOKET_DIAG_H

#include <stddef.h>

/* One finding of the checker. */
struct lk_diag {
    int is_error;                     /* 0: warning */
    char *file;
    int line;
    char *text;                       /* "node 'x': Indonesian / English" */
};

struct lk_diags {
    struct lk_diag *items;
    size_t n, n_errors;
};
void lk_diags_free(struct lk_diags *d);
void lk_diags_add(struct lk_diags *d, int is_error, const char *file, int line,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
