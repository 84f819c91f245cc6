/* A loaded flow set: every flow file (flows/NAME.lua) compiled in one sandbox and turned into C
 * structures (flows, nodes, options, targets resolved), plus the settings (global
 * commands, standard messages) and the data tables (office facts). A set is immutable
 * once loaded; a reload builds a new set. flow.c loads and checks; runtime.c steps. */
#ifndef LOKET_FLOW_H
#define LOKET_FLOW_H

#include "loket.h"
#include "diag.h"
#include "sandbox.h"
#include "settings.h"

enum lk_node_kind { LK_NODE_SAY, LK_NODE_ASK, LK_NODE_MENU, LK_NODE_RUN, LK_NODE_HANDOFF,
                    LK_NODE_END };

struct lk_node;
struct lk_flow;

struct lk_option {
    char *id;                 /* "flow.node:key", stable for buttons */
    struct lk_text title, desc;
    char *go;                 /* target as written */
    struct lk_node *target;   /* resolved */
    char **keywords;          /* extra words that pick this option */
    size_t n_keywords;
    const char **phrases;     /* title(s) + keywords, for the matcher */
    size_t n_phrases;
};

struct lk_node {
    char *name;
    enum lk_node_kind kind;
    struct lk_flow *flow;
    int line;
    struct lk_text *texts;    /* say: messages; ask/menu/handoff/end: the prompt first */
    size_t n_texts;
    char *go;                 /* next node as written; NULL: none */
    struct lk_node *next;     /* resolved */
    char *save;               /* ask: variable name */
    int validator;            /* ask: enum lk_validator or -1 */
    int check_ref;            /* ask: Lua check function (registry ref) or LUA_NOREF */
    struct lk_text retry;     /* ask: text when the answer does not pass */
    struct lk_option *options;
    size_t n_options;
    char *other;              /* menu: where a text matching no option goes, as written;
                                 NULL: a re-prompt */
    struct lk_node *other_next;  /* resolved */
    int fn_ref;               /* run: Lua function (registry ref) */
    struct lk_node **run_targets;  /* run: nodes its source names in quotes ("start"): where
                                      it may go, for the checker and the graph */
    size_t n_run_targets;
    char *reason;             /* handoff: why, for the officer */
};

struct lk_words;

struct lk_keyword {
    char *phrase;
    struct lk_words *words;   /* the phrase read once, for matching */
    char *go;                 /* NULL: the flow's start */
    struct lk_node *target;
    int alone;                /* names the node only when the message is the phrase alone
                                 (give or take fillers: "sip kak", not "sip, yang baru") */
};

struct lk_flow {
    char *id;
    struct lk_text title;
    char *file;
    int line;
    struct lk_node *nodes;    /* sorted by line */
    size_t n_nodes;
    struct lk_node *start;
    struct lk_keyword *keywords;
    size_t n_keywords;
};

struct lk_flowset {
    struct lk_sandbox *sb;
    struct lk_flow *flows;
    size_t n_flows;
    struct lk_settings settings;
    int data_ref;                     /* registry ref: table of data tables by id */
    int64_t version;                  /* hash of every file's content */
    struct lk_flow *main;
};

struct lk_flow_options {
    size_t memory_bytes;               /* sandbox caps; 0 = defaults */
    long instructions;
    const lk_sandbox_opener *openers;  /* Lua-visible areas beyond the DSL (NULL-terminated;
                                          may be NULL) */
    void *opener_ud;
};

/* Loads every *.lua file of dir (sorted by name). Returns the set, or NULL when any error
 * was found; every finding (errors and warnings) goes to diags. */
struct lk_flowset *lk_flowset_load(const char *dir, const struct lk_flow_options *opt,
                                   struct lk_diags *diags);
void lk_flowset_free(struct lk_flowset *fs);

struct lk_flow *lk_flowset_flow(struct lk_flowset *fs, const char *id);
struct lk_node *lk_flow_node(struct lk_flow *f, const char *name);
/* Resolves "node", "flow" (its start) or "flow.node" as seen from flow 'from' (may be
 * NULL). NULL when unknown. */
struct lk_node *lk_flowset_resolve(struct lk_flowset *fs, struct lk_flow *from,
                                   const char *target);

/* The text in a language ("en" picks English when present). */
const char *lk_text_get(const struct lk_text *t, const char *lang);

#endif
