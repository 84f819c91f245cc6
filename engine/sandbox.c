/* The sandbox: the only place a lua_State is created. It owns the capped allocator, the
 * per-step work budget and its sticky kill, the base functions, the read-only environment
 * flows see, each flow file's own environment, calling, and turning any error object into
 * text without running metamethods. The library subset (string, table, math, utf8, os) and
 * its bounded functions are sandbox_lib.c's; the rest flows may call comes from openers
 * (lapi_*.c). It does not know flows, nodes or conversations. */
#include "sandbox.h"
#include "log.h"
#include "sandbox_lib.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MEMORY      (64u << 20)
#define DEFAULT_BUDGET      1000000L
#define DEFAULT_MAX_STRING  (1u << 20)
#define HOOK_STEP           1000     /* instructions between two budget checks */
#define ALLOC_UNIT_SHIFT    8        /* one budget unit per 256 bytes allocated in a step */
#define LOCKED              "read-only"

#define MSG_BUDGET "langkah ini terlalu lama, batas instruksi habis / step took too long, " \
                   "instruction limit reached"
#define MSG_MEMORY "memori habis, batas memori Lua tercapai / out of memory, Lua memory " \
                   "limit reached"

enum kill { KILL_NONE, KILL_BUDGET, KILL_MEMORY };

struct lk_sandbox {
    lua_State *L;
    struct lk_sandbox_limits lim;
    size_t used;            /* bytes the state holds */
    long remaining;         /* budget units left in this step */
    int hook_step;          /* count-hook period */
    int depth;              /* nested lk_sandbox_call; > 0 while flow code runs */
    int compiling;          /* the memory cap also holds while a file is compiled */
    int refused;            /* the last growing allocation was refused */
    enum kill killed;       /* sticky until the outermost call returns */
    char kill_msg[512];     /* "file:line: message" of the kill or the last refusal */
    char err_where[256];    /* "file:line: " of the last error object that is no string */
};

/* Registry keys (their addresses). */
static const char budget_key = 0, memory_key = 0, base_key = 0;

static struct lk_sandbox *sandbox_of(lua_State *L)
{
    return *(struct lk_sandbox **)lua_getextraspace(L);
}

/* ---- Locating, killing, charging ---------------------------------------------------- */

/* Writes "file:line: " for the first Lua function at or above 'level' into buf; "" when
 * there is none. Reads the call stack only; never allocates. */
static size_t where(lua_State *L, int level, char *buf, size_t size)
{
    lua_Debug ar;
    for (int i = level; i < level + 32 && lua_getstack(L, i, &ar); i++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            int n = snprintf(buf, size, "%s:%d: ", ar.short_src, ar.currentline);
            return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
        }
    }
    buf[0] = '\0';
    return 0;
}

static void budget_hook(lua_State *L, lua_Debug *ar);

/* Ends the step: from now on every instruction raises, until the outermost call returns.
 * Safe inside the allocator (lua_sethook only sets flags, as in lua.c's signal handler);
 * 'locate' asks for the position now, otherwise the hook records it at its first firing. */
static void kill(struct lk_sandbox *sb, enum kill kind, int locate)
{
    if (sb->killed)
        return;
    sb->killed = kind;
    sb->kill_msg[0] = '\0';
    if (locate) {
        size_t n = where(sb->L, 0, sb->kill_msg, sizeof sb->kill_msg);
        snprintf(sb->kill_msg + n, sizeof sb->kill_msg - n, "%s",
                 kind == KILL_MEMORY ? MSG_MEMORY : MSG_BUDGET);
    }
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, 1);
}

/* Raises the kill's fixed error object (kept in the registry, so raising allocates
 * nothing). Does not return. */
static int raise_kill(lua_State *L, struct lk_sandbox *sb)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX,
                sb->killed == KILL_MEMORY ? &memory_key : &budget_key); /* message */
    return lua_error(L);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    struct lk_sandbox *sb = sandbox_of(L);
    if (!sb->killed) {
        sb->remaining -= sb->hook_step;
        if (sb->remaining > 0)
            return;
        kill(sb, KILL_BUDGET, 0);
    }
    if (!sb->kill_msg[0]) {
        lua_getinfo(L, "Sl", ar);
        snprintf(sb->kill_msg, sizeof sb->kill_msg, "%s:%d: %s", ar->short_src,
                 ar->currentline, sb->killed == KILL_MEMORY ? MSG_MEMORY : MSG_BUDGET);
    }
    raise_kill(L, sb);
}

static void sandbox_charge(lua_State *L, lua_Integer units)
{
    struct lk_sandbox *sb = sandbox_of(L);
    if (sb->depth == 0 || units <= 0)
        return;
    if (!sb->killed && units < sb->remaining) {
        sb->remaining -= (long)units;
        return;
    }
    sb->remaining = 0;
    kill(sb, KILL_BUDGET, 1);
    raise_kill(L, sb);
}

static size_t sandbox_max_string(lua_State *L)
{
    return sandbox_of(L)->lim.max_string;
}

static const struct sandbox_budget budget = {sandbox_charge, sandbox_max_string};

/* Records where an allocation was refused: lauxlib's buffers raise an ordinary error on
 * the first refusal, which still ends the step as LK_ELIMIT if nothing is granted after. */
static void note_refusal(struct lk_sandbox *sb)
{
    size_t n = where(sb->L, 0, sb->kill_msg, sizeof sb->kill_msg);
    snprintf(sb->kill_msg + n, sizeof sb->kill_msg - n, "%s", MSG_MEMORY);
}

/* The lua_Alloc. Growth is refused past the cap while flow code runs or compiles; frees
 * and shrinks always succeed. A refusal repeated right after Lua's emergency collection
 * is real exhaustion and kills the step; bytes allocated in a step are charged to it. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct lk_sandbox *sb = ud;
    if (!ptr)
        osize = 0; /* osize is then the kind of object */
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    int grows = nsize > osize;
    if (grows && (sb->depth > 0 || sb->compiling) &&
        (sb->used > sb->lim.memory_bytes || nsize - osize > sb->lim.memory_bytes - sb->used)) {
        if (sb->depth > 0 && sb->refused)
            kill(sb, KILL_MEMORY, 1);
        else if (sb->depth > 0 && !sb->killed)
            note_refusal(sb);
        sb->refused = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p && !grows)
        p = ptr; /* a failed shrink keeps the larger block */
    if (!p)
        return NULL;
    sb->used = sb->used - osize + nsize;
    if (grows) {
        sb->refused = 0;
        if (sb->depth > 0) {
            sb->remaining -= (long)((nsize - osize) >> ALLOC_UNIT_SHIFT);
            if (sb->remaining <= 0)
                kill(sb, KILL_BUDGET, 0);
        }
    }
    return p;
}

static int panic(lua_State *L)
{
    char buf[256];
    lk_error("Lua panic (unprotected error): %s", lk_sandbox_totext(L, -1, buf, sizeof buf));
    return 0; /* Lua aborts */
}

/* ---- Error text --------------------------------------------------------------------- */

const char *lk_sandbox_totext(lua_State *L, int idx, char *buf, size_t size)
{
    size_t len;
    const char *s;
    if (size == 0)
        return buf;
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        len = lk_utf8_cut(s, len, size - 1);
        memcpy(buf, s, len);
        buf[len] = '\0';
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            snprintf(buf, size, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
        else
            snprintf(buf, size, LUA_NUMBER_FMT, (LUAI_UACNUMBER)lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN:
        snprintf(buf, size, "%s", lua_toboolean(L, idx) ? "true" : "false");
        break;
    default:
        snprintf(buf, size, "(error object is a %s value)",
                 lua_typename(L, lua_type(L, idx)));
    }
    return buf;
}

/* The message handler. It allocates nothing, so it works at the memory cap, and runs no
 * metamethod: the error object stays as it is, where a non-string one was raised is noted
 * for the text, and a short traceback goes to the debug log. */
static int msghandler(lua_State *L)
{
    struct lk_sandbox *sb = sandbox_of(L);
    sb->err_where[0] = '\0';
    if (lua_type(L, 1) != LUA_TSTRING)
        where(L, 1, sb->err_where, sizeof sb->err_where);
    char tb[512];
    size_t len = 0;
    lua_Debug ar;
    for (int i = 1; i < 8 && lua_getstack(L, i, &ar) && len < sizeof tb; i++) {
        lua_getinfo(L, "Sln", &ar);
        int n = snprintf(tb + len, sizeof tb - len, "%s%s:%d%s%s", i > 1 ? " < " : "",
                         ar.short_src, ar.currentline, ar.name ? " " : "",
                         ar.name ? ar.name : "");
        len += n > 0 ? (size_t)n : 0;
    }
    if (len)
        lk_debug("lua traceback: %s", tb);
    lua_settop(L, 1);
    return 1;
}

/* Puts the text of the error object on top into err. */
static void error_text(struct lk_sandbox *sb, struct lk_error *err)
{
    if (!err)
        return;
    size_t n = 0;
    if (lua_type(sb->L, -1) != LUA_TSTRING)
        n = (size_t)snprintf(err->text, sizeof err->text, "%s", sb->err_where);
    lk_sandbox_totext(sb->L, -1, err->text + n, sizeof err->text - n);
}

/* ---- Calling ------------------------------------------------------------------------ */

static void arm(struct lk_sandbox *sb)
{
    sb->killed = KILL_NONE;
    sb->refused = 0;
    sb->kill_msg[0] = '\0';
    sb->remaining = sb->lim.instructions;
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, sb->hook_step);
}

/* Turns the outcome of a protected call into a result code; on failure the stack is cut
 * back to below the function ('fn'). */
static int finish(struct lk_sandbox *sb, int status, int fn, struct lk_error *err)
{
    lua_State *L = sb->L;
    enum kill killed = sb->killed;
    if (status == LUA_OK && !killed)
        return LK_OK;
    int memory = killed == KILL_MEMORY || (!killed && (status == LUA_ERRMEM || sb->refused));
    if ((killed || memory) && sb->kill_msg[0])
        lk_error_set(err, "%s", sb->kill_msg);
    else if (killed || memory)
        lk_error_set(err, "%s", memory ? MSG_MEMORY : MSG_BUDGET);
    else
        error_text(sb, err);
    lua_settop(L, fn - 1);
    if (sb->depth == 0) {
        sb->killed = KILL_NONE;
        if (memory)
            lua_gc(L, LUA_GCCOLLECT);
    }
    return killed || memory ? LK_ELIMIT : LK_ERR;
}

int lk_sandbox_call(struct lk_sandbox *sb, int nargs, int nresults, struct lk_error *err)
{
    lua_State *L = sb->L;
    int fn = lua_gettop(L) - nargs;
    if (sb->killed || !lua_checkstack(L, 1)) /* a nested call after the kill; no room */
        return finish(sb, LUA_ERRMEM, fn, err);
    lua_pushcfunction(L, msghandler); /* fn, args, handler */
    lua_insert(L, fn);                /* handler, fn, args */
    if (sb->depth++ == 0)
        arm(sb);
    int status = lua_pcall(L, nargs, nresults, fn); /* handler, results | handler, error */
    if (--sb->depth == 0)
        lua_sethook(L, NULL, 0, 0);
    lua_remove(L, fn); /* results | error */
    return finish(sb, status, fn, err);
}

/* ---- Read-only views ---------------------------------------------------------------- */

/* __newindex of a read-only library table; upvalue 1 is its name. */
static int l_table_readonly(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    return luaL_error(L, "tabel '%s' hanya-baca, tidak bisa diubah / table '%s' is read-only",
                      name, name);
}

/* __newindex of a flow file's environment once the file has loaded. */
static int l_global_readonly(lua_State *L)
{
    char key[64];
    lk_sandbox_totext(L, 2, key, sizeof key);
    return luaL_error(L,
                      "variabel global '%s' tidak bisa diubah di sini; pakai variabel lokal: "
                      "local %s = ... / cannot set global '%s' here; use a local variable: "
                      "local %s = ...",
                      key, key, key, key);
}

/* The iterator of a read-only view: next over the real table (upvalue 1), which it never
 * hands out. */
static int l_view_next(lua_State *L)
{
    lua_settop(L, 2);                               /* view, key */
    if (lua_next(L, lua_upvalueindex(1)))           /* view, key, value */
        return 2;
    lua_pushnil(L);
    return 1;
}

/* __pairs of a read-only view; upvalue 1 is its iterator. */
static int l_view_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));          /* view, next */
    lua_pushvalue(L, 1);
    lua_pushnil(L);                                 /* view, next, view, nil */
    return 3;
}

/* [-0, +1] Pushes a read-only view of the table at idx: an empty table whose locked
 * metatable reads from the real one and refuses every write. */
static void push_view(lua_State *L, int idx, const char *name)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);                               /* view */
    lua_createtable(L, 0, 4);                      /* view, mt */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, l_table_readonly, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, l_view_next, 1);
    lua_pushcclosure(L, l_view_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);                       /* view */
}

/* [-0, +1] Pushes the read-only view of the table at idx, made once per table (the map
 * real -> view is the table at 'seen'). Plain tables inside it are replaced by their views
 * first; tables that carry a metatable are their owner's to protect and stay as they are. */
static void push_frozen(lua_State *L, int idx, int seen, const char *name)
{
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, seen) != LUA_TNIL)           /* view */
        return;
    lua_pop(L, 1);
    luaL_checkstack(L, 6, "tables nested too deep");
    push_view(L, idx, name);                       /* view */
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -2);
    lua_rawset(L, seen);                           /* view */
    lua_pushnil(L);                                /* view, key */
    while (lua_next(L, idx)) {                     /* view, key, value */
        if (lua_type(L, -1) == LUA_TTABLE && !lua_getmetatable(L, -1)) {
            const char *sub = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : name;
            push_frozen(L, -1, seen, sub);         /* view, key, value, subview */
            lua_pushvalue(L, -3);
            lua_insert(L, -2);                     /* view, key, value, key, subview */
            lua_rawset(L, idx);                    /* view, key, value */
        } else if (lua_type(L, -1) == LUA_TTABLE) {
            lua_pop(L, 1);                         /* view, key, value */
        }
        lua_pop(L, 1);                             /* view, key */
    }
}

/* ---- Base functions ----------------------------------------------------------------- */

static void append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
    if (*len + 1 >= size)
        return;
    if (n > size - 1 - *len)
        n = lk_utf8_cut(s, n, size - 1 - *len);
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

/* print: one debug log line "lua: file:line: a<TAB>b". */
static int l_print(lua_State *L)
{
    char line[1024];
    size_t len = where(L, 1, line, sizeof line);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t l;
        const char *s = luaL_tolstring(L, i, &l); /* args, text */
        if (i > 1)
            append(line, sizeof line, &len, "\t", 1);
        append(line, sizeof line, &len, s, l);
        lua_pop(L, 1);
    }
    lk_debug("lua: %s", line);
    return 0;
}

/* setmetatable without __gc: finalizers run with hooks off, out of the budget's reach. */
static int l_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc tidak diizinkan di flow / __gc is not allowed in flows");
        lua_pop(L, 1);
    }
    return sandbox_call_orig(L);
}

/* The message handler xpcall gets instead of the flow's (upvalue 1). A kill raised by the
 * hook reaches the handler while hooks are off, so after the kill no handler code may run:
 * the kill's error passes through untouched. */
static int l_xpcall_handler(lua_State *L)
{
    if (sandbox_of(L)->killed)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));          /* error, handler */
    lua_insert(L, 1);                               /* handler, error */
    lua_call(L, lua_gettop(L) - 1, 1);              /* result */
    return 1;
}

static int l_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, l_xpcall_handler, 1);
    lua_replace(L, 2);                              /* f, guarded handler, args */
    return sandbox_call_orig(L);
}

/* load(chunk [, name [, mode [, env]]]): text only; without an env argument the chunk
 * reads the base environment and cannot set globals (upvalue 2). */
static int l_load(lua_State *L)
{
    int has_env = !lua_isnone(L, 4);
    if (lua_type(L, 1) == LUA_TSTRING) /* comments are scanned without allocating */
        sandbox_charge(L, (lua_Integer)(lua_rawlen(L, 1) / SCAN_BYTES));
    lua_settop(L, 4);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    if (!has_env) {
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_replace(L, 4);
    }
    return sandbox_call_orig(L);
}

/* ---- Building the environment ------------------------------------------------------- */

static const char *const base_names[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
    "rawget", "rawlen", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
    "load", "_VERSION", NULL};
static const struct sandbox_wrap base_wraps[] = {
    {"setmetatable", l_setmetatable, 0}, {"xpcall", l_xpcall, 0}, {NULL, NULL, 0}};

/* [-0, +1] Pushes a table that reads the table at idx and refuses global writes. */
static void push_readonly_env(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);                                /* env */
    lua_createtable(L, 0, 3);                       /* env, mt */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_global_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);                        /* env */
}

/* [-0, +1] Opens the allowed subset into a new base environment and pushes it. */
static void open_base(lua_State *L)
{
    luaL_requiref(L, "_G", luaopen_base, 0);       /* G0 */
    lua_newtable(L);                                /* G0, base */
    sandbox_lib_copy(L, -2, base_names);
    sandbox_lib_wrap(L, base_wraps);
    lua_pushcfunction(L, l_print);
    lua_setfield(L, -2, "print");
    lua_getfield(L, -2, "load");                    /* G0, base, orig load */
    push_readonly_env(L, -2);                       /* G0, base, orig load, load env */
    lua_pushcclosure(L, l_load, 2);
    lua_setfield(L, -2, "load");                    /* G0, base */
    sandbox_lib_open(L, &budget);                            /* G0, base */
    lua_remove(L, -2);                              /* base */
}

/* The string metatable: __index is the read-only string view; getmetatable("") hands out
 * a read-only view of the metatable, never the metatable. Expects base at 'base'. */
static void lock_string_metatable(lua_State *L, int base)
{
    lua_createtable(L, 0, 2);                       /* mt */
    lua_getfield(L, base, "string");
    lua_setfield(L, -2, "__index");
    push_view(L, -1, "string metatable");           /* mt, view */
    lua_setfield(L, -2, "__metatable");             /* mt */
    lua_pushliteral(L, "");                         /* mt, "" */
    lua_insert(L, -2);                              /* "", mt */
    lua_setmetatable(L, -2);                        /* "" */
    lua_pop(L, 1);
}

struct build {
    const lk_sandbox_opener *openers;
    void *ud;
};

/* Protected: builds the base environment, runs the openers, locks everything. */
static int build(lua_State *L)
{
    const struct build *b = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_pushstring(L, MSG_BUDGET);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &budget_key);
    lua_pushstring(L, MSG_MEMORY);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &memory_key);
    open_base(L);                                   /* base */
    lua_pushvalue(L, 1);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE); /* drop the full libraries */
    for (const lk_sandbox_opener *o = b->openers; o && *o; o++) {
        (*o)(L, b->ud);
        lua_settop(L, 1);
    }
    lua_newtable(L);                                /* base, seen */
    push_frozen(L, 1, 2, "_G");                     /* base, seen, view */
    lua_setfield(L, 1, "_G");                       /* base, seen */
    lock_string_metatable(L, 1);
    lua_pushvalue(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &base_key);
    return 0;
}

struct lk_sandbox *lk_sandbox_new(const struct lk_sandbox_limits *lim,
                                  const lk_sandbox_opener *openers, void *ud,
                                  struct lk_error *err)
{
    struct lk_sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) {
        lk_error_set(err, "sandbox: out of memory");
        return NULL;
    }
    if (lim)
        sb->lim = *lim;
    if (!sb->lim.memory_bytes)
        sb->lim.memory_bytes = DEFAULT_MEMORY;
    if (sb->lim.instructions <= 0)
        sb->lim.instructions = DEFAULT_BUDGET;
    if (!sb->lim.max_string)
        sb->lim.max_string = DEFAULT_MAX_STRING;
    sb->hook_step = sb->lim.instructions < HOOK_STEP ? (int)sb->lim.instructions : HOOK_STEP;
    sb->L = lua_newstate(sandbox_alloc, sb);
    if (!sb->L) {
        lk_error_set(err, "sandbox: cannot create the Lua state");
        free(sb);
        return NULL;
    }
    *(struct lk_sandbox **)lua_getextraspace(sb->L) = sb;
    lua_atpanic(sb->L, panic);
    struct build b = {openers, ud};
    lua_pushcfunction(sb->L, build);
    lua_pushlightuserdata(sb->L, &b);
    if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK) {
        char buf[512];
        lk_error_set(err, "sandbox: %s", lk_sandbox_totext(sb->L, -1, buf, sizeof buf));
        lk_sandbox_free(sb);
        return NULL;
    }
    return sb;
}

void lk_sandbox_free(struct lk_sandbox *sb)
{
    if (!sb)
        return;
    lua_close(sb->L);
    free(sb);
}

lua_State *lk_sandbox_state(struct lk_sandbox *sb)
{
    return sb->L;
}

size_t lk_sandbox_memory(struct lk_sandbox *sb)
{
    return sb->used;
}

/* ---- Loading flow files ------------------------------------------------------------- */

/* [-0, +2] Pushes the metatable and the environment of one flow file: reads fall back to
 * the file's globals, then to the base; writes go to the file's globals until its
 * metatable's __newindex is replaced when the load is over. */
static void push_file_env(lua_State *L)
{
    lua_createtable(L, 0, 3);                       /* mt */
    lua_newtable(L);                                /* mt, globals */
    lua_createtable(L, 0, 1);                       /* mt, globals, gmt */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &base_key);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);                        /* mt, globals */
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");
    lua_setfield(L, -2, "__newindex");              /* mt */
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
    lua_newtable(L);                                /* mt, env */
    lua_pushvalue(L, -2);
    lua_setmetatable(L, -2);
}

/* Compiles text only, leaving the chunk on the stack; on failure sets err. */
static int compile(struct lk_sandbox *sb, const char *source, size_t size,
                   const char *chunkname, struct lk_error *err)
{
    lua_State *L = sb->L;
    char name[512];
    snprintf(name, sizeof name, "%s%s", (*chunkname == '@' || *chunkname == '=') ? "" : "@",
             chunkname);
    sb->compiling = 1;
    int status = luaL_loadbufferx(L, source, size, name, "t"); /* chunk | message */
    sb->compiling = 0;
    if (status == LUA_OK)
        return LK_OK;
    char buf[900];
    lk_sandbox_totext(L, -1, buf, sizeof buf);
    lua_pop(L, 1);
    if (size > 0 && source[0] == LUA_SIGNATURE[0])
        lk_error_set(err, "%s: bukan file teks Lua (bytecode tidak diizinkan) / not a Lua text "
                     "file (binary chunks are not allowed)", name + 1);
    else if (status == LUA_ERRSYNTAX) /* Lua put "file:line:" in front */
        lk_error_set(err, "%s", buf);
    else
        lk_error_set(err, "%s: %s", name + 1, buf);
    if (status == LUA_ERRMEM) {
        lua_gc(L, LUA_GCCOLLECT);
        return LK_ELIMIT;
    }
    return LK_ERR;
}

int lk_sandbox_load(struct lk_sandbox *sb, const char *source, size_t size,
                    const char *chunkname, struct lk_error *err)
{
    lua_State *L = sb->L;
    int rc = compile(sb, source, size, chunkname, err);
    if (rc != LK_OK)
        return rc;                                  /* chunk */
    push_file_env(L);                               /* chunk, mt, env */
    lua_setupvalue(L, -3, 1);                       /* chunk, mt */
    lua_insert(L, -2);                              /* mt, chunk */
    rc = lk_sandbox_call(sb, 0, 1, err);            /* mt, result | mt */
    if (rc != LK_OK) {
        lua_pop(L, 1);
        return rc;
    }
    lua_pushcfunction(L, l_global_readonly);
    lua_setfield(L, -3, "__newindex");              /* mt, result */
    lua_remove(L, -2);                              /* result */
    return LK_OK;
}
