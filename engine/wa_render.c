/* WhatsApp rendering: turns one neutral output (text or menu) into Graph API message
 * bodies within the Cloud API's limits: reply buttons, a list, or numbered text; long text
 * split at the gentlest boundary that fits; titles shortened with an ellipsis. Pure: no
 * I/O, no state. Sending and persisting the bodies is whatsapp.c's and wa_sender.c's. */
#include "wa_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Bytes in the UTF-8 sequence starting with c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    if (c >= 0xF0 && c < 0xF8)
        return 4;
    if (c >= 0xE0)
        return c < 0xF0 ? 3 : 1;
    if (c >= 0xC0)
        return 2;
    return 1;
}

/* Advances over one character at s[i] (never past n); adds its units to *units. */
static size_t next_char(const char *s, size_t i, size_t n, size_t *units)
{
    size_t k = seq_len((unsigned char)s[i]);
    if (i + k > n)
        k = 1;
    *units += k == 4 ? 2 : 1;
    return i + k;
}

size_t lk_wa_units(const char *s, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n;)
        i = next_char(s, i, n, &u);
    return u;
}

/* Largest byte length <= n of s whose units are <= max, at a character boundary. */
static size_t fit_prefix(const char *s, size_t n, size_t max)
{
    size_t u = 0, i = 0;
    while (i < n) {
        size_t uu = u;
        size_t j = next_char(s, i, n, &uu);
        if (uu > max)
            break;
        u = uu;
        i = j;
    }
    return i;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *lk_wa_shorten(const char *s, size_t max)
{
    if (!s)
        return lk_strdup("");
    size_t n = strlen(s);
    if (lk_wa_units(s, n) <= max)
        return lk_strdup(s);
    size_t keep = max ? fit_prefix(s, n, max - 1) : 0;
    while (keep > 0 && is_space(s[keep - 1]))
        keep--;
    return lk_sprintf("%.*s\xE2\x80\xA6", (int)keep, s); /* U+2026 */
}

/* Where to cut s[0..lim): after the last paragraph break, else after the last sentence end
 * or line break, else at the last space, else at lim. Never 0. */
static size_t cut_point(const char *s, size_t lim, size_t n)
{
    for (size_t i = lim; i-- > 1;)
        if (s[i] == '\n' && s[i - 1] == '\n')
            return i - 1;
    for (size_t i = lim; i-- > 1;) {
        if (s[i] == '\n')
            return i;
        if ((s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?') && is_space(s[i]))
            return i;
    }
    if (lim < n && is_space(s[lim]))
        return lim;
    for (size_t i = lim; i-- > 1;)
        if (is_space(s[i]))
            return i;
    return lim;
}

size_t lk_wa_split(const char *text, size_t max, struct lk_wa_span **spans)
{
    size_t n = text ? strlen(text) : 0, count = 0, cap = 0, pos = 0;
    *spans = NULL;
    if (max == 0)
        max = 1;
    for (;;) {
        while (pos < n && is_space(text[pos]))
            pos++;
        if (pos >= n)
            break;
        const char *s = text + pos;
        size_t rest = n - pos, end;
        if (lk_wa_units(s, rest) <= max) {
            end = rest;
        } else {
            size_t lim = fit_prefix(s, rest, max);
            if (lim == 0)
                lim = seq_len((unsigned char)s[0]) <= rest ? seq_len((unsigned char)s[0]) : 1;
            end = cut_point(s, lim, rest);
        }
        size_t e = end;
        while (e > 0 && is_space(s[e - 1]))
            e--;
        if (e == 0)
            e = end; /* cannot happen: s[0] is not a space */
        if (count == cap) {
            cap = cap ? cap * 2 : 4;
            *spans = lk_xrealloc(*spans, cap * sizeof **spans);
        }
        (*spans)[count].start = pos;
        (*spans)[count].end = pos + e;
        count++;
        pos += end;
    }
    return count;
}

/* ---- Graph API bodies ---- */

static int is_phone(const char *r)
{
    if (!r || !*r)
        return 0;
    for (const char *p = r; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

static json_t *envelope(const char *recipient, const char *type)
{
    json_t *m = json_object();
    json_object_set_new(m, "messaging_product", json_string("whatsapp"));
    json_object_set_new(m, "recipient_type", json_string("individual"));
    /* A business-scoped user id (no phone number known) goes in "recipient". */
    json_object_set_new(m, is_phone(recipient) ? "to" : "recipient",
                        json_string(recipient ? recipient : ""));
    json_object_set_new(m, "type", json_string(type));
    return m;
}

static void push_body(struct lk_wa_msgs *out, json_t *m)
{
    char *s = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    if (!s)
        abort();
    out->bodies = lk_xrealloc(out->bodies, (out->n + 1) * sizeof *out->bodies);
    out->bodies[out->n++] = lk_strdup(s);
    free(s);
}

static void push_text(struct lk_wa_msgs *out, const char *recipient, const char *s, size_t n)
{
    json_t *m = envelope(recipient, "text");
    json_t *t = json_object();
    int link = memmem(s, n, "http://", 7) || memmem(s, n, "https://", 8);
    json_object_set_new(t, "preview_url", json_boolean(link));
    json_object_set_new(t, "body", json_stringn(s, n));
    json_object_set_new(m, "text", t);
    push_body(out, m);
}

/* Sends text as text messages, all but its last 'tail_max' units when tail is wanted:
 * returns the span left for the interactive body (empty when the text is blank). */
static struct lk_wa_span push_text_parts(struct lk_wa_msgs *out, const char *recipient,
                                         const char *text, size_t tail_max)
{
    struct lk_wa_span *sp, last = {0, 0};
    size_t k = lk_wa_split(text, LK_WA_TEXT_MAX, &sp);
    for (size_t i = 0; i + 1 < k || (i < k && !tail_max); i++)
        push_text(out, recipient, text + sp[i].start, sp[i].end - sp[i].start);
    if (tail_max && k > 0) {
        last = sp[k - 1];
        const char *s = text + last.start;
        size_t n = last.end - last.start;
        if (lk_wa_units(s, n) > tail_max) {
            /* Only the final piece that fits goes with the options. */
            char *copy = lk_strndup(s, n);
            struct lk_wa_span *sub;
            size_t m = lk_wa_split(copy, tail_max, &sub);
            push_text(out, recipient, s, sub[m - 2].end);
            last.end = last.start + sub[m - 1].end;
            last.start += sub[m - 1].start;
            free(sub);
            free(copy);
        }
    }
    free(sp);
    return last;
}

char *lk_wa_option_id(const struct lk_out_option *opt, size_t index, size_t max)
{
    if (opt->id && *opt->id && strlen(opt->id) <= max)
        return lk_strdup(opt->id);
    return lk_sprintf("lk#%zu", index + 1);
}

static int titles_unique(const struct lk_out *o, size_t max)
{
    int ok = 1;
    char **t = lk_xcalloc(o->n_options, sizeof *t);
    for (size_t i = 0; i < o->n_options; i++) {
        t[i] = lk_wa_shorten(o->options[i].title, max);
        for (size_t j = 0; j < i && ok; j++)
            ok = strcmp(t[i], t[j]) != 0 && t[i][0];
    }
    for (size_t i = 0; i < o->n_options; i++)
        free(t[i]);
    free(t);
    return ok && o->n_options && o->options[0].title && o->options[0].title[0];
}

static json_t *interactive_body(const char *text, struct lk_wa_span sp, int en)
{
    json_t *b = json_object();
    if (sp.end > sp.start)
        json_object_set_new(b, "text", json_stringn(text + sp.start, sp.end - sp.start));
    else
        json_object_set_new(b, "text", json_string(en ? "Please choose:" : "Silakan pilih:"));
    return b;
}

static void push_buttons(struct lk_wa_msgs *out, const struct lk_out *o, const char *r,
                         struct lk_wa_span sp, int en)
{
    json_t *m = envelope(r, "interactive"), *in = json_object(), *btns = json_array();
    for (size_t i = 0; i < o->n_options; i++) {
        char *id = lk_wa_option_id(&o->options[i], i, LK_WA_BUTTON_ID);
        char *title = lk_wa_shorten(o->options[i].title, LK_WA_BUTTON_TITLE);
        json_array_append_new(btns, json_pack("{s:s, s:{s:s, s:s}}", "type", "reply", "reply",
                                              "id", id, "title", title));
        free(id);
        free(title);
    }
    json_object_set_new(in, "type", json_string("button"));
    json_object_set_new(in, "body", interactive_body(o->text, sp, en));
    json_object_set_new(in, "action", json_pack("{s:o}", "buttons", btns));
    json_object_set_new(m, "interactive", in);
    push_body(out, m);
}

static void push_list(struct lk_wa_msgs *out, const struct lk_out *o, const char *r,
                      struct lk_wa_span sp, int en)
{
    json_t *m = envelope(r, "interactive"), *in = json_object(), *rows = json_array();
    for (size_t i = 0; i < o->n_options; i++) {
        const struct lk_out_option *opt = &o->options[i];
        char *id = lk_wa_option_id(opt, i, LK_WA_ROW_ID);
        char *title = lk_wa_shorten(opt->title, LK_WA_ROW_TITLE);
        json_t *row = json_pack("{s:s, s:s}", "id", id, "title", title);
        /* A shortened title without a description shows in full as the description. */
        const char *desc = opt->description && *opt->description ? opt->description
                           : strcmp(title, opt->title ? opt->title : "") ? opt->title
                                                                         : NULL;
        if (desc) {
            char *d = lk_wa_shorten(desc, LK_WA_ROW_DESC);
            json_object_set_new(row, "description", json_string(d));
            free(d);
        }
        json_array_append_new(rows, row);
        free(id);
        free(title);
    }
    json_object_set_new(in, "type", json_string("list"));
    json_object_set_new(in, "body", interactive_body(o->text, sp, en));
    json_t *section = json_pack("{s:s, s:o}", "title", en ? "Options" : "Pilihan", "rows", rows);
    json_object_set_new(in, "action", json_pack("{s:s, s:[o]}", "button",
                                                en ? "See options" : "Lihat pilihan",
                                                "sections", section));
    json_object_set_new(m, "interactive", in);
    push_body(out, m);
}

/* More options than a list holds: numbered text, the options in the last part. */
static void push_numbered(struct lk_wa_msgs *out, const struct lk_out *o, const char *r, int en)
{
    struct lk_buf opts = {0};
    for (size_t i = 0; i < o->n_options; i++)
        lk_buf_printf(&opts, "%zu. %s\n", i + 1, o->options[i].title ? o->options[i].title : "");
    lk_buf_puts(&opts, en ? "\nReply with the number of your choice."
                          : "\nBalas dengan angka pilihan Anda.");
    size_t ou = lk_wa_units(opts.data, opts.len);
    if (ou + 2 >= LK_WA_TEXT_MAX) { /* the options alone are too long: text, then options */
        push_text_parts(out, r, o->text, 0);
        push_text_parts(out, r, opts.data, 0);
        lk_buf_free(&opts);
        return;
    }
    struct lk_wa_span last = push_text_parts(out, r, o->text, LK_WA_TEXT_MAX - ou - 2);
    struct lk_buf b = {0};
    if (last.end > last.start) {
        lk_buf_append(&b, o->text + last.start, last.end - last.start);
        lk_buf_puts(&b, "\n\n");
    }
    lk_buf_append(&b, opts.data, opts.len);
    push_text(out, r, b.data, b.len);
    lk_buf_free(&b);
    lk_buf_free(&opts);
}

void lk_wa_render(const struct lk_out *o, const char *lang, const char *recipient,
                  struct lk_wa_msgs *out)
{
    int en = lang && strcmp(lang, "en") == 0;
    out->bodies = NULL;
    out->n = 0;
    const char *text = o->text ? o->text : "";
    if (o->kind != LK_OUT_MENU || o->n_options == 0) {
        push_text_parts(out, recipient, text, 0);
        return;
    }
    struct lk_out m = *o;
    m.text = (char *)text;
    if (o->n_options <= LK_WA_BUTTONS_MAX && titles_unique(o, LK_WA_BUTTON_TITLE))
        push_buttons(out, &m, recipient, push_text_parts(out, recipient, text,
                                                         LK_WA_INTERACTIVE_MAX), en);
    else if (o->n_options <= LK_WA_LIST_ROWS)
        push_list(out, &m, recipient, push_text_parts(out, recipient, text,
                                                      LK_WA_INTERACTIVE_MAX), en);
    else
        push_numbered(out, &m, recipient, en);
}

void lk_wa_msgs_clear(struct lk_wa_msgs *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->bodies[i]);
    free(m->bodies);
    m->bodies = NULL;
    m->n = 0;
}
