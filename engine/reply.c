/* The neutral outputs of a turn (include/engine.h): releasing them and showing them as
 * plain text with numbered options, as the CLI, the tests and text-only channels do. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

void lk_reply_clear(struct lk_reply *r)
{
    for (size_t i = 0; i < r->n_outs; i++) {
        struct lk_out *o = &r->outs[i];
        free(o->option_text);
        free(o->options);
        free(o->text);
    }
    free(r->outs);
    free(r->lang);
    memset(r, 0, sizeof *r);
}

char *lk_out_plain(const struct lk_out *o)
{
    struct lk_buf b = {0};
    lk_buf_puts(&b, o->text ? o->text : "");
    for (size_t i = 0; i < o->n_options; i++)
        lk_buf_printf(&b, "\n%zu. %s", i + 1, o->options[i].title);
    return lk_buf_take(&b);
}
