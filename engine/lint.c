/* Warnings for staff beyond loading: per node, what WhatsApp cannot show as typed
 * (button and list-row title lengths, more than 10 options, body over 1024 characters). */
#include "lint.h"

#include <string.h>

static void lint_node(const struct lk_node *n, struct lk_diags *d)
{
    const char *file = n->flow->file;
    if (n->kind == LK_NODE_MENU && n->n_options > 10)
        lk_diags_add(d, 0, file, n->line,
                     "node '%s': %zu pilihan; WhatsApp hanya menampilkan 10 dalam daftar, "
                     "sisanya jadi teks bernomor / %zu options; WhatsApp lists show 10, the "
                     "rest becomes numbered text", n->name, n->n_options, n->n_options);
    for (size_t i = 0; i < n->n_options; i++) {
        size_t len = lk_utf8_len(n->options[i].title.id ? n->options[i].title.id : "");
        size_t limit = n->n_options <= 3 ? 20 : 24;
        if (len > limit && n->n_options <= 10)
            lk_diags_add(d, 0, file, n->line,
                         "node '%s': judul pilihan '%s' %zu huruf; WhatsApp memotong di %zu / "
                         "option title is %zu characters; WhatsApp cuts at %zu", n->name,
                         n->options[i].title.id, len, limit, len, limit);
    }
    for (size_t i = 0; i < n->n_texts; i++) {
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
