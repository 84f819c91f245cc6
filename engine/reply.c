/* The neutral outputs of a turn (include/engine.h): releasing them, showing them as
 * plain text with numbered options, as the CLI, the tests and text-only channels do, and
 * the JSON pieces the transcript and the web channel share. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

void lk_reply_clear(struct lk_reply *r)
{
    for (size_t i = 0; i < r->n_outs; i++) {
        struct lk_out *o = &r->outs[i];
        free(o->option_text);
        free(o->options_json);
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

const char *lk_out_kind_name(enum lk_out_kind k)
{
    switch (k) {
    case LK_OUT_MENU: return "menu";
    case LK_OUT_HANDOFF: return "handoff";
    case LK_OUT_END: return "end";
    default: return "text";
    }
}

void lk_out_render_options(struct lk_out *o)
{
    if (!o->n_options || o->options_json)
        return;
    struct lk_buf json = {0}, *b = &json;
    lk_buf_reserve(b, 16 + 96 * o->n_options);   /* a usual menu in one allocation */
    lk_buf_puts(b, ",\"options\":[");
    for (size_t i = 0; i < o->n_options; i++) {
        const struct lk_out_option *op = &o->options[i];
        lk_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        lk_buf_json(b, op->id ? op->id : "");
        lk_buf_puts(b, ",\"title\":");
        lk_buf_json(b, op->title ? op->title : "");
        if (op->description) {
            lk_buf_puts(b, ",\"description\":");
            lk_buf_json(b, op->description);
        }
        lk_buf_puts(b, "}");
    }
    lk_buf_puts(b, "]");
    o->options_json = lk_buf_take(b);
}

void lk_out_options_json(struct lk_buf *b, const struct lk_out *o)
{
    if (o->options_json)
        lk_buf_puts(b, o->options_json);
}
