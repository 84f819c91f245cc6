/* Private to sandbox.c and sandbox_lib.c. sandbox.c lends the library functions the step's
 * budget and the string cap (struct sandbox_budget, handed over when it opens them);
 * sandbox_lib.c gives back the library subset and the helpers that copy and wrap fields of
 * a library table. Nothing else includes this. */
#ifndef LOKET_SANDBOX_LIB_H
#define LOKET_SANDBOX_LIB_H

#include <lua.h>
#include <stddef.h>

#define SCAN_BYTES 16 /* bytes scanned (plain find, tonumber...) per budget unit */

/* A field replaced by a closure over its original. */
struct sandbox_wrap {
    const char *name;
    lua_CFunction fn;   /* gets the original as upvalue 1 */
    int arg;            /* upvalue 2 */
};

/* Calls the original C function kept as upvalue 1 on the current frame. */
static inline int sandbox_call_orig(lua_State *L)
{
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* What the library functions need from the sandbox that opens them. */
struct sandbox_budget {
    /* Charges 'units' of work done by a C function to the step's budget; raises the kill
     * when the budget cannot pay for it (before the work is done). */
    void (*charge)(lua_State *L, lua_Integer units);
    /* The largest string a library function may make (lk_sandbox_limits.max_string). */
    size_t (*max_string)(lua_State *L);
};

/* ---- sandbox_lib.c ---- */

/* Copies the listed fields of the table at 'from' into the table on top. */
void sandbox_lib_copy(lua_State *L, int from, const char *const *names);

/* Replaces fields of the table on top by closures over their originals; w ends with a
 * NULL name and may be NULL. */
void sandbox_lib_wrap(lua_State *L, const struct sandbox_wrap *w);

/* [-0, +0] With the base environment on top: charges base.tonumber for its scan and adds
 * the allowed subset of string, table, math, utf8 and os, with bounded versions of the
 * functions whose loops the count hook cannot interrupt. */
void sandbox_lib_open(lua_State *L, const struct sandbox_budget *budget);

#endif
