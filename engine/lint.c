/* Warnings for staff beyond loading: per node, what WhatsApp cannot show as typed
 * (button and list-row title lengths, more than 10 options, body over 1024 characters),
 * and options a citizen's words would pick ambiguously (typing one option's title or
 * keyword picks another option, or none). */
#include "lint.h"
#include "match.h"

#include <string.h>

#define MAX_LINT_OPTIONS 64

/* Types each option's title and keywords into the menu, as a citizen would, and warns
 * when that does not pick the option itself. */
static void lint_ambiguous(const struct lk_node *n, struct lk_diags *d)
{
    struct lk_match_item items[MAX_LINT_OPTIONS];
    size_t count = n->n_options < MAX_LINT_OPTIONS ? n->n_options : MAX_LINT_OPTIONS;
    for (size_t i = 0; i < count; i++)
        items[i] = (struct lk_match_item){n->options[i].id, n->options[i].phrases,
                                          n->options[i].n_phrases};
    for (size_t i = 0; i < count; i++) {
        const struct lk_option *o = &n->options[i];
        for (size_t p = 0; p < o->n_phrases; p++) {
            int got = lk_match_menu(o->phrases[p], items, count);
            if (got == (int)i || lk_match_number(o->phrases[p]))
                continue;
            if (got >= 0)
                lk_diags_add(d, 0, n->flow->file, n->line,
                             "node '%s': warga yang mengetik '%s' mendapat pilihan '%s', bukan "
                             "'%s'; bedakan kata-katanya / typing '%s' picks option '%s', not "
                             "'%s'", n->name, o->phrases[p], n->options[got].title.id,
                             o->title.id, o->phrases[p], n->options[got].title.id, o->title.id);
            else
                lk_diags_add(d, 0, n->flow->file, n->line,
                             "node '%s': warga yang mengetik '%s' tidak mendapat pilihan '%s' "
                             "(%s); bedakan kata-katanya / typing '%s' does not pick option "
                             "'%s' (%s)", n->name, o->phrases[p], o->title.id,
                             got == LK_MATCH_AMBIGUOUS ? "tertukar dengan pilihan lain"
                                                       : "tidak dikenali",
                             o->phrases[p], o->title.id,
                             got == LK_MATCH_AMBIGUOUS ? "ambiguous" : "not recognised");
            break;  /* one finding per option is enough */
        }
    }
}

static void lint_node(const struct lk_node *n, struct lk_diags *d)
{
    const char *file = n->flow->file;
    if (n->kind == LK_NODE_MENU)
        lint_ambiguous(n, d);
    if (n->kind == LK_NODE_MENU && n->n_options > 10)
        lk_diags_add(d, 0, file, n->line,
                     "node '%s': %zu pilihan; WhatsApp hanya menampilkan 10 dalam daftar, "
                     "sisanya jadi teks bernomor / %zu options; WhatsApp lists show 10, the "
                     "rest becomes numbered text", n->name, n->n_options, n->n_options);
    for (size_t i = 0; i < n->n_options; i++) {
        if (n->options[i].title.id && !n->options[i].title.en)
            lk_diags_add(d, 0, file, n->line, "node '%s': pilihan '%s' tanpa versi Inggris / "
                         "option without an English version", n->name, n->options[i].title.id);
        size_t len = lk_utf8_len(n->options[i].title.id ? n->options[i].title.id : "");
        size_t limit = n->n_options <= 3 ? 20 : 24;
        if (len > limit && n->n_options <= 10)
            lk_diags_add(d, 0, file, n->line,
                         "node '%s': judul pilihan '%s' %zu huruf; WhatsApp memotong di %zu / "
                         "option title is %zu characters; WhatsApp cuts at %zu", n->name,
                         n->options[i].title.id, len, limit, len, limit);
    }
    for (size_t i = 0; i < n->n_texts; i++) {
        if (n->texts[i].id && !n->texts[i].en)
            lk_diags_add(d, 0, file, n->line,
                         "node '%s': teks tanpa versi Inggris (en = \"...\"); warga yang "
                         "memakai bahasa Inggris membacanya dalam bahasa Indonesia / text "
                         "without an English version", n->name);
        size_t len = lk_utf8_len(n->texts[i].id ? n->texts[i].id : "");
        if (n->kind == LK_NODE_MENU && len > 1024)
            lk_diags_add(d, 0, file, n->line,
                         "node '%s': teks %zu huruf; WhatsApp hanya memuat 1024 bersama tombol "
                         "/ text is %zu characters; WhatsApp allows 1024 with buttons",
                         n->name, len, len);
    }
}

void lk_lint(struct lk_flowset *fs, struct lk_diags *d)
{
    for (size_t i = 0; i < fs->n_flows; i++)
        for (size_t k = 0; k < fs->flows[i].n_nodes; k++)
            lint_node(&fs->flows[i].nodes[k], d);
}
