/* Findings about flow files: a growable list of errors and warnings with file and line. */
#include "diag.h"
#include "loket.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lk_diags_add(struct lk_diags *d, int is_error, const char *file, int line,
                  const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    d->items = lk_xrealloc(d->items, (d->n + 1) * sizeof *d->items);
    d->items[d->n++] = (struct lk_diag){is_error, lk_strdup(file), line, lk_strdup(text)};
    if (is_error)
        d->n_errors++;
}

void lk_diags_free(struct lk_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].text);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}
