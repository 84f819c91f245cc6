/* The sandbox: the only place a lua_State is created. It owns the capped allocator, the
 * curated environment flows see, the per-step instruction budget, the size caps on the C
 * string functions the budget cannot interrupt, and the turning of any error object into
 * text. What the flows may call beyond the standard subset is added by openers
 * (lapi_*.c).
 *
 * What flow code sees: base functions without collectgarbage, dofile, loadfile, rawset and
 * warn; string (without dump, pack, packsize, unpack), table, math, utf8; os.time, os.date,
 * os.clock (os.time() and os.date(fmt) read the engine clock, lk_now_ms). No io, package,
 * require, debug or coroutine. print writes one debug line to the log ("lua: file:line:
 * ..."). load compiles text only; without an env argument the chunk reads the base
 * environment and cannot set globals. setmetatable refuses metatables with __gc
 * (finalizers run with hooks off). Every library table is a read-only view (rawget on it
 * finds nothing; pairs works), and so is _G; getmetatable("") hands out a read-only view of
 * the string metatable.
 *
 * The budget of a step counts VM instructions, plus one unit per 256 bytes allocated, plus
 * the estimated work of library loops a hook cannot interrupt (pattern matching, plain
 * find, table.insert/remove/move/sort/unpack/concat, string.byte, utf8.len/codepoint/
 * offset). Patterns whose estimated cost is too high for their subject are refused with an
 * error before matching. Not bounded per instruction: the VM's own work on one huge value
 * (comparing two long strings, copying a vararg list of a million values); the memory cap
 * bounds those.
 *
 * Flows run on the state's main thread; the hook is set on that thread only. */
#ifndef LOKET_SANDBOX_H
#define LOKET_SANDBOX_H

#include "loket.h"
#include <lua.h>

struct lk_sandbox;  /* opaque */

struct lk_sandbox_limits {
    size_t memory_bytes;      /* cap on the whole state while flow code runs or compiles
                                 (host code between calls is not refused); default 64 MiB
                                 when 0 */
    long instructions;        /* per step (one lk_sandbox_call); default 1,000,000 when 0 */
    size_t max_string;        /* largest string string.rep/format/gsub and table.concat may
                                 make; default 1 MiB when 0 */
};

/* An opener adds names to the environment every flow file sees: it is called with that
 * base environment table on top of the stack and must leave the stack as it found it.
 * Plain tables it adds (and tables inside them) become read-only views afterwards; tables
 * that carry a metatable, and userdata, are the opener's to protect (set __metatable). */
typedef void (*lk_sandbox_opener)(lua_State *L, void *ud);

/* Creates the state with base, table, string, math, utf8 and os.time/date/clock only;
 * runs the openers (NULL-terminated array, may be NULL), then makes the base environment,
 * the library tables and the string metatable read-only. Openers run in protected mode:
 * a Lua error in one makes this return NULL with the reason in err. */
struct lk_sandbox *lk_sandbox_new(const struct lk_sandbox_limits *lim,
                                  const lk_sandbox_opener *openers, void *ud,
                                  struct lk_error *err);
void lk_sandbox_free(struct lk_sandbox *sb);
lua_State *lk_sandbox_state(struct lk_sandbox *sb);

/* Compiles 'size' bytes of Lua source as text only (never bytecode) under the name
 * 'chunkname' (shown in messages, e.g. "flows/ktp.lua"), with a fresh environment table
 * whose reads fall back to the base environment; runs it under the budget. On success
 * pushes the chunk's first result and returns LK_OK; the file's environment is then
 * read-only (assigning a global raises an error that says to use a local variable). On
 * failure pushes nothing, returns LK_ERR or LK_ELIMIT and puts "file:line: message" in
 * err. File-level locals and the contents of tables stay writable: the runtime must not
 * rely on them being reset between conversations. */
int lk_sandbox_load(struct lk_sandbox *sb, const char *source, size_t size,
                    const char *chunkname, struct lk_error *err);

/* Calls the function below nargs arguments on the stack (lua_pcall shape) under a fresh
 * instruction budget; the kill is sticky: a pcall inside the flow cannot swallow it.
 * Returns LK_OK, LK_ERR (a Lua error) or LK_ELIMIT (instruction budget or memory cap);
 * on failure the stack is as before the function was pushed, err holds the reason as
 * text ("file:line: message"), produced without running any metamethod. After a memory
 * failure the state has been fully collected and is usable. A C function called from flow
 * code may call this again (nested): the nested call shares the outer step's budget, and
 * a kill inside it stays in force until the outermost call returns. */
int lk_sandbox_call(struct lk_sandbox *sb, int nargs, int nresults, struct lk_error *err);

/* Bytes the state holds now. */
size_t lk_sandbox_memory(struct lk_sandbox *sb);

/* Text for the value at idx without running metamethods or allocating: strings (cut on a
 * UTF-8 boundary to fit), numbers, booleans; anything else as "(error object is a table
 * value)". Returns buf. */
const char *lk_sandbox_totext(lua_State *L, int idx, char *buf, size_t size);

#endif
