/* loket graph FLOW: draws one flow as Graphviz DOT (default) or Mermaid, so staff can see
 * its tree: a box per node (kind and the start of its text), an arrow per option, 'go',
 * keyword and the places a run node may go (dashed). Nodes of other flows appear as
 * grey boxes. Loads the flows exactly as the engine does; changes nothing. */
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "flow.h"
#include "log.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_CHARS 48

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket graph ALUR [--flows DIR] [--mermaid]\n\n"
          "Menggambar satu alur sebagai Graphviz DOT (bawaan) atau Mermaid.\n"
          "Draws one flow as Graphviz DOT (default) or Mermaid.\n\n"
          "  --flows DIR   folder alur / flow folder (default flows)\n"
          "  --mermaid     keluarkan Mermaid, bukan DOT / print Mermaid instead of DOT\n\n"
          "Contoh / examples:\n"
          "  loket graph ktp | dot -Tsvg > ktp.svg\n"
          "  loket graph main --mermaid\n", out);
}

static const char *kind_name(enum lk_node_kind k)
{
    static const char *const names[] = {"say", "ask", "menu", "run", "handoff", "done"};
    return names[k];
}

/* The first line of the node's first text, cut at LABEL_CHARS characters. */
static char *summary(const struct lk_node *n)
{
    const char *t = n->n_texts ? n->texts[0].id : n->kind == LK_NODE_RUN ? "(kode / code)" : "";
    size_t len = strcspn(t, "\n");
    size_t cut = lk_utf8_cut(t, len, LABEL_CHARS);
    return lk_sprintf("%.*s%s", (int)cut, t, cut < len ? "…" : "");
}

/* Text with the characters a DOT or Mermaid label cannot hold replaced. */
static char *escape(const char *s, int mermaid)
{
    struct lk_buf b = {0};
    for (; *s; s++) {
        if (*s == '"')
            lk_buf_puts(&b, mermaid ? "#quot;" : "\\\"");
        else if (*s == '\\')
            lk_buf_puts(&b, mermaid ? "/" : "\\\\");
        else if (*s == '\n')
            lk_buf_puts(&b, mermaid ? " " : "\\n");
        else if (mermaid && (*s == '<' || *s == '>' || *s == '|'))
            lk_buf_puts(&b, " ");
        else
            lk_buf_append(&b, s, 1);
    }
    lk_buf_puts(&b, "");
    return lk_buf_take(&b);
}

/* An identifier both formats accept: flow_node. */
static char *node_id(const struct lk_node *n)
{
    return lk_sprintf("%s__%s", n->flow->id, n->name);
}

struct drawer {
    const struct lk_flow *flow;
    int mermaid;
    const struct lk_node **foreign;  /* nodes of other flows already declared */
    size_t n_foreign;
};

static void declare(struct drawer *d, const struct lk_node *n)
{
    char *id = node_id(n), *sum = summary(n), *label;
    if (n->flow != d->flow)
        label = lk_sprintf("%s.%s", n->flow->id, n->name);
    else
        label = lk_sprintf("%s (%s)%s%s", n->name, kind_name(n->kind), *sum ? "\n" : "", sum);
    char *esc = escape(label, d->mermaid);
    if (d->mermaid) {
        printf("  %s[\"%s\"]\n", id, esc);
        if (n->flow != d->flow)
            printf("  style %s fill:#eee,stroke:#999,stroke-dasharray:4\n", id);
    } else {
        static const char *const shapes[] = {"box", "parallelogram", "box", "hexagon",
                                             "house", "doublecircle"};
        printf("  %s [label=\"%s\", shape=%s%s];\n", id, esc, shapes[n->kind],
               n->flow != d->flow ? ", style=\"dashed,filled\", fillcolor=\"#eeeeee\""
               : n->kind == LK_NODE_MENU ? ", style=\"rounded,filled\", fillcolor=\"#e8f0fe\""
                                         : "");
    }
    free(id);
    free(sum);
    free(label);
    free(esc);
}

/* Declares a node of another flow the first time an arrow points at it. */
static void declare_foreign(struct drawer *d, const struct lk_node *n)
{
    if (n->flow == d->flow)
        return;
    for (size_t i = 0; i < d->n_foreign; i++)
        if (d->foreign[i] == n)
            return;
    d->foreign = lk_xrealloc(d->foreign, (d->n_foreign + 1) * sizeof *d->foreign);
    d->foreign[d->n_foreign++] = n;
    declare(d, n);
}

static void edge(struct drawer *d, const char *from, const struct lk_node *to,
                 const char *label, int dashed)
{
    declare_foreign(d, to);
    char *id = node_id(to), *esc = label ? escape(label, d->mermaid) : NULL;
    if (d->mermaid)
        printf("  %s %s%s%s%s %s\n", from, dashed ? "-.->" : "-->", esc ? "|\"" : "",
               esc ? esc : "", esc ? "\"|" : "", id);
    else
        printf("  %s -> %s [%s%s%s%s];\n", from, id, esc ? "label=\"" : "", esc ? esc : "",
               esc ? "\"" : "", dashed ? (esc ? ", style=dashed" : "style=dashed") : "");
    free(id);
    free(esc);
}

static void node_edges(struct drawer *d, const struct lk_node *n)
{
    char *from = node_id(n);
    for (size_t k = 0; k < n->n_options; k++)
        if (n->options[k].target) {
            char *label = lk_sprintf("%zu. %s", k + 1, n->options[k].title.id);
            edge(d, from, n->options[k].target, label, 0);
            free(label);
        }
    if (n->next)
        edge(d, from, n->next, NULL, 0);
    if (n->other_next)
        edge(d, from, n->other_next, "teks lain / other text", 0);
    for (size_t k = 0; k < n->n_run_targets; k++)
        edge(d, from, n->run_targets[k], NULL, 1);
    free(from);
}

/* Keyword phrases grouped by target: one dashed arrow from a "keywords" box each. */
static void keyword_edges(struct drawer *d)
{
    const struct lk_flow *f = d->flow;
    if (!f->n_keywords)
        return;
    if (d->mermaid)
        printf("  kw((\"kata kunci\"))\n");
    else
        printf("  kw [label=\"kata kunci / keywords\", shape=note];\n");
    for (size_t i = 0; i < f->n_keywords; i++) {
        const struct lk_node *t = f->keywords[i].target;
        size_t j = 0;
        while (j < i && f->keywords[j].target != t)
            j++;
        if (!t || j < i)
            continue;  /* no target, or drawn with an earlier phrase */
        struct lk_buf b = {0};
        size_t shown = 0;
        for (size_t k = i; k < f->n_keywords && shown < 3; k++)
            if (f->keywords[k].target == t)
                lk_buf_printf(&b, "%s%s", shown++ ? ", " : "", f->keywords[k].phrase);
        lk_buf_puts(&b, "");
        char *label = lk_buf_take(&b);
        edge(d, "kw", t, label, 1);
        free(label);
    }
}

static void draw(const struct lk_flow *f, int mermaid)
{
    struct drawer d = {f, mermaid, NULL, 0};
    if (mermaid)
        printf("flowchart TD\n");
    else
        printf("digraph \"%s\" {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
               "  edge [fontname=\"Helvetica\", fontsize=9];\n", f->id);
    for (size_t i = 0; i < f->n_nodes; i++)
        declare(&d, &f->nodes[i]);
    for (size_t i = 0; i < f->n_nodes; i++)
        node_edges(&d, &f->nodes[i]);
    keyword_edges(&d);
    if (!mermaid)
        printf("}\n");
    free(d.foreign);
}

int lk_cmd_graph(int argc, char **argv)
{
    const char *dir = "flows", *id = NULL;
    int mermaid = 0;
    for (int i = 1; i < argc; i++) {
        if (lk_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        if (lk_opt(argc, argv, &i, "--flows", &dir))
            continue;
        if (strcmp(argv[i], "--mermaid") == 0) {
            mermaid = 1;
        } else if (argv[i][0] != '-' && !id) {
            id = argv[i];
        } else {
            fprintf(stderr, "loket graph: opsi tidak dikenal / unknown option '%s'\n\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!id) {
        fprintf(stderr, "loket graph: sebutkan alurnya, misalnya 'loket graph ktp' / name a flow, "
                        "for example 'loket graph ktp'\n\n");
        usage(stderr);
        return 2;
    }
    lk_log_set_level(LK_LOG_QUIET);
    struct lk_diags diags = {0};
    struct lk_flow_options fo = {.openers = lk_engine_openers()};
    struct lk_flowset *fs = lk_flowset_load(dir, &fo, &diags);
    int rc = 0;
    if (!fs) {
        fprintf(stderr, "loket graph: alur belum bisa dimuat; jalankan 'loket check %s' / the "
                        "flows do not load; run 'loket check %s'\n", dir, dir);
        rc = 1;
    } else if (!lk_flowset_flow(fs, id)) {
        fprintf(stderr, "loket graph: alur '%s' tidak ada. Yang ada / available:", id);
        for (size_t i = 0; i < fs->n_flows; i++)
            fprintf(stderr, " %s", fs->flows[i].id);
        fprintf(stderr, "\n");
        rc = 1;
    } else {
        draw(lk_flowset_flow(fs, id), mermaid);
    }
    lk_diags_free(&diags);
    lk_flowset_free(fs);
    return rc;
}
