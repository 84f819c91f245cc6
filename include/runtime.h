/* The flow runtime: runs a conversation from a node until it waits for the citizen (a
 * menu or a question) or ends, and feeds a citizen's input to the node it waits at.
 * Collects the neutral outputs of the turn. Lua code (run nodes, check functions) runs in
 * the flow set's sandbox; a failure there is reported, never propagated. Knows nothing of
 * the store or of channels. */
#ifndef LOKET_RUNTIME_H
#define LOKET_RUNTIME_H

#include "engine.h"
#include "flow.h"
#include <jansson.h>

/* Where a conversation stands during a turn. */
struct lk_position {
    struct lk_node *waiting;   /* NULL: not waiting anywhere */
    json_t *vars;              /* object */
    json_t *history;           /* array of "flow.node" waited at before */
    char lang[3];              /* "id" or "en" */
    int misunderstood;         /* unrecognised inputs in a row */
    int handoff;               /* 1 once a handoff node ran this turn */
    int flagged;               /* 1 once a run node flagged the conversation */
    char *handoff_reason;
};

/* One turn's outputs and context. */
struct lk_turn {
    struct lk_flowset *fs;
    struct lk_position *pos;
    const char *channel;
    const char *input;         /* what the citizen typed this turn (may be NULL) */
    int64_t conversation_id;
    void *ud;                  /* the engine, for lapi modules */
    struct lk_out *outs;
    size_t n_outs;
    int failed;                /* a Lua step failed; the apology was emitted */
    size_t max_vars_bytes;
    struct lk_batch *batch;    /* the turn's writes: lapi modules add rows that must commit
                                  with the reply (a complaint ticket); may be NULL */
    void (*trace)(const char *flow, const char *node, void *ud);  /* may be NULL */
    void *trace_ud;
};

void lk_turn_say(struct lk_turn *t, enum lk_out_kind kind, const char *text);
/* Emits the node's prompt with its options (menu). */
void lk_turn_prompt(struct lk_turn *t, const struct lk_node *n);
void lk_turn_free_outs(struct lk_turn *t);

/* Runs from node n until the conversation waits or ends. */
void lk_runtime_enter(struct lk_turn *t, struct lk_node *n);
/* Feeds input (text and/or a button's option id) to the node the conversation waits at.
 * Returns 1 when understood (and the conversation moved on), 0 when not (nothing
 * emitted: the caller decides how to re-prompt). */
int lk_runtime_input(struct lk_turn *t, const char *text, const char *choice_id);
/* The best keyword entry for text across all flows (or only flow 'only' when not NULL),
 * or NULL; *score (may be NULL) grows by 100 for each word of the phrase matched, and is
 * LK_KEYWORD_ALONE for an alone keyword the message is made of. */
#define LK_KEYWORD_ALONE 10000
struct lk_node *lk_runtime_keyword(struct lk_flowset *fs, const char *text, const char *only,
                                   int *score);
/* The same for a text already read into words. */
struct lk_node *lk_runtime_keyword_words(struct lk_flowset *fs, const struct lk_words *in,
                                         const char *only, int *score);

/* Text with {var} and {data.field} filled in; values shaped like a NIK are masked. */
char *lk_runtime_interpolate(struct lk_turn *t, const char *text);

/* "flow.node" of a node, newly allocated. */
char *lk_node_path(const struct lk_node *n);

/* For lapi modules: the turn a C function called from a run node belongs to, and a way to
 * add methods to the context table 'c' that run functions receive (call from an opener). */
struct lk_turn *lk_runtime_current(lua_State *L);
void lk_runtime_add_method(lua_State *L, const char *name, lua_CFunction f);
/* Sandbox opener for the runtime's own context methods (c:say, c:handoff, c:flag). */
void lk_runtime_open(lua_State *L, void *ud);

#endif
