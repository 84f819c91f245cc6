/* Staff-facing warnings beyond what loading finds: what WhatsApp cannot show as typed,
 * and options that citizens' input would match ambiguously. */
#ifndef LOKET_LINT_H
#define LOKET_LINT_H

#include "flow.h"

void lk_lint(struct lk_flowset *fs, struct lk_diags *d);

#endif
