/* The engine as the channels see it: flows + store + conversations behind one handle.
 * A channel turns transport input into a neutral lk_event, calls lk_conv_feed on the
 * engine thread, and renders the neutral outputs of the reply for its transport once
 * the reply's ticket is committed (lk_store_committed(lk_engine_store(e)) >= ticket).
 * Everything here runs on one thread (the server's service thread, or the CLI's). */
#ifndef LOKET_ENGINE_H
#define LOKET_ENGINE_H

#include "loket.h"
#include "sandbox.h"
#include "store.h"

struct lk_engine;  /* opaque */

struct lk_engine_options {
    const char *flows_dir;     /* default "flows" */
    const char *db_path;       /* default "data/loket.db" */
    int sync_full;             /* store durability; 1 = survives power loss (default) */
    int group_delay_us;        /* store group commit window; 0 = default */
    size_t lua_memory_bytes;   /* sandbox caps; 0 = defaults */
    long lua_instructions;
    size_t max_vars_bytes;     /* cap on a conversation's saved variables (JSON); 0 = 16 KiB */
    /* Called with every node a turn enters (loket test's coverage); may be NULL. */
    void (*trace)(const char *flow, const char *node, void *ud);
    void *trace_ud;
};

/* The Lua-visible areas the engine's flows see beyond the DSL (NULL-terminated), for
 * tools that load flows without an engine (loket check) so they load the same way. */
const lk_sandbox_opener *lk_engine_openers(void);
/* Takes the office's timezone from the flows' settings, for tools that read or write times
 * without running the flows (tests' clocks, tickets, transcripts); nothing when they do not
 * load. */
void lk_engine_use_timezone(const char *flows_dir);

struct lk_engine *lk_engine_new(const struct lk_engine_options *opt, struct lk_error *err);
/* Flushes the store and frees everything. NULL is fine. */
void lk_engine_free(struct lk_engine *e);
struct lk_store *lk_engine_store(struct lk_engine *e);

/* Loads the flow directory again; swaps the new set in only if it passes the same check
 * as `loket check`, otherwise keeps the live set and explains why in err (file:line).
 * Conversations in progress continue on the new set. */
int lk_engine_reload(struct lk_engine *e, struct lk_error *err);
/* Housekeeping, called by the server about twice a second on the engine thread: picks up
 * changed flow files (hot reload, inotify) and forgets idle conversations from memory. */
void lk_engine_tick(struct lk_engine *e);
/* Version (content hash) and number of flows of the live set. */
int64_t lk_engine_flow_version(struct lk_engine *e);
int lk_engine_flow_count(struct lk_engine *e);

/* ---- one turn ---- */

struct lk_event {
    const char *channel;      /* "web", "whatsapp", "cli", "test" */
    const char *address;      /* who, within the channel: session key, phone number (wa_id) */
    const char *text;         /* what the citizen typed; may be NULL when choice_id is set */
    const char *choice_id;    /* id of a menu option chosen by button/list; may be NULL */
    const char *kind;         /* NULL or "text"; else a non-text message ("image", "location",
                                 "sticker", ...): logged, answered with what the hotline handles */
    const char *external_id;  /* the channel's message id, stored for de-duplication */
    const char *payload;      /* raw structured input as JSON text to keep; may be NULL */
    const char *lang;         /* "en": a conversation that starts with this event starts in
                                 English; NULL or anything else: Bahasa Indonesia */
};

enum lk_out_kind {
    LK_OUT_TEXT,     /* text */
    LK_OUT_MENU,     /* text + options */
    LK_OUT_HANDOFF,  /* text; the conversation now waits for a human officer */
    LK_OUT_END       /* text; the conversation ended */
};

struct lk_out_option {
    char *id;            /* stable: "flow.node/target" style, the same on every channel */
    char *title;         /* in the conversation's language */
    char *description;   /* may be NULL */
};

struct lk_out {
    enum lk_out_kind kind;
    char *text;
    struct lk_out_option *options;
    size_t n_options;
    int64_t message_id;  /* the row in messages */
    char *option_text;   /* owns the strings of options, one block for them all */
    char *options_json;  /* the options as JSON members, ,"options":[...]; NULL: none */
};

struct lk_reply {
    int64_t conversation_id;
    uint64_t ticket;     /* release the outputs once this ticket is committed */
    char *lang;          /* "id" or "en" */
    struct lk_out *outs;
    size_t n_outs;
};
void lk_reply_clear(struct lk_reply *r);

/* Called with the turn's batch before it is submitted, so a channel can add rows that
 * must commit with the turn (an outbox entry, an inbox mark). */
typedef void (*lk_turn_hook)(struct lk_batch *b, const struct lk_reply *r, void *ud);

/* Runs one citizen event through global commands, the flows and the store. Always fills
 * 'out' with at least one output (an apology when something broke) and returns LK_OK;
 * returns an error only when the event itself is unusable (no channel/address). The
 * hook (may be NULL) sees the batch before submission. */
int lk_conv_feed(struct lk_engine *e, const struct lk_event *ev, lk_turn_hook hook,
                 void *hook_ud, struct lk_reply *out, struct lk_error *err);

/* Renders an output as plain text with numbered options ("1. Rekam KTP-el baru"), as the
 * CLI, the tests and a text-only channel show it. Newly allocated. */
char *lk_out_plain(const struct lk_out *o);

/* An output's kind as its JSON name: "text", "menu", "handoff" or "end". */
const char *lk_out_kind_name(enum lk_out_kind k);

/* Renders the output's options as ,"options":[{"id":..,"title":..[,"description":..]},..]
 * into options_json, once (NULL without options): the form both the stored transcript and
 * the web widget's frames use, so each copies it instead of writing it again. */
void lk_out_render_options(struct lk_out *o);
/* Appends the rendered options, if any. */
void lk_out_options_json(struct lk_buf *b, const struct lk_out *o);

#endif
