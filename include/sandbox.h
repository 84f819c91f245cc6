/* The sandbox: the only place a lua_State is created. It owns the capped allocator, the
 * curated environment flows see, the per-step instruction budget, the size caps on the C
 * string functions the budget cannot interrupt, and the turning of any error object into
 * text. What the flows may call beyond the standard subset is added by openers
 * (lapi_*.c). */
#ifndef LOKET_SANDBOX_H
#define LOKET_SANDBOX_H

#include "loket.h"
#include <lua.h>

struct lk_sandbox;  /* opaque */

struct lk_sandbox_limits {
    size_t memory_bytes;      /* cap on the whole state; default 64 MiB when 0 */
    long instructions;        /* per step (one lk_sandbox_call); default 1,000,000 when 0 */
    size_t max_string;        /* largest string string.rep/format/concat helpers may make;
                                 default 1 MiB when 0 */
};

/* An opener adds names to the environment every flow file sees: it is called with that
 * base environment table on top of the stack and must leave the stack as it found it. */
typedef void (*lk_sandbox_opener)(lua_State *L, void *ud);

/* Creates the state with base, table, string, math, utf8 and os.time/date/clock only;
 * runs the openers (NULL-terminated array, may be NULL), then makes the base environment,
 * the library tables and the string metatable read-only. */
struct lk_sandbox *lk_sandbox_new(const struct lk_sandbox_limits *lim,
                                  const lk_sandbox_opener *openers, void *ud,
                                  struct lk_error *err);
void lk_sandbox_free(struct lk_sandbox *sb);
lua_State *lk_sandbox_state(struct lk_sandbox *sb);

/* Compiles 'size' bytes of Lua source as text only (never bytecode) under the name
 * 'chunkname' (shown in messages, e.g. "flows/ktp.lua"), with a fresh environment table
 * whose reads fall back to the base environment; runs it under the budget. On success
 * pushes the chunk's first result and returns LK_OK; the file's environment is then
 * read-only. On failure pushes nothing, returns LK_ERR or LK_ELIMIT and puts
 * "file:line: message" in err. */
int lk_sandbox_load(struct lk_sandbox *sb, const char *source, size_t size,
                    const char *chunkname, struct lk_error *err);

/* Calls the function below nargs arguments on the stack (lua_pcall shape) under a fresh
 * instruction budget; the kill is sticky: a pcall inside the flow cannot swallow it.
 * Returns LK_OK, LK_ERR (a Lua error) or LK_ELIMIT (instruction budget or memory cap);
 * on failure the stack is as before the function was pushed, err holds the reason as
 * text ("file:line: message"), produced without running any metamethod. */
int lk_sandbox_call(struct lk_sandbox *sb, int nargs, int nresults, struct lk_error *err);

/* Bytes the state holds now. */
size_t lk_sandbox_memory(struct lk_sandbox *sb);

/* Text for the value at idx without running metamethods ("(error object is a table)"). */
const char *lk_sandbox_totext(lua_State *L, int idx, char *buf, size_t size);

#endif
