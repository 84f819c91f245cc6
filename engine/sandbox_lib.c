/* The standard libraries flows see (string, table, math, utf8, os.clock/date/time) and
 * bounded versions of the C functions whose loops the count hook cannot interrupt: size
 * caps on string.rep/format/gsub and table.concat, the pattern cost model, and the work
 * each charges to the step. The budget and its kill, the base functions and the read-only
 * environment around these are sandbox.c's. */
#include "sandbox_lib.h"
#include "loket.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

/* The sandbox's budget, as handed over by sandbox_lib_open (the same for every state). */
static const struct sandbox_budget *budget;

#define PATTERN_STEPS       64       /* estimated matching steps per budget unit */
#define PATTERN_COST_MAX    5e7      /* estimated matching steps one call may cost */

/* ---- Clock -------------------------------------------------------------------------- */

/* os.time() and os.date(fmt) read the engine clock, so conversation tests can fix it. */
static int l_os_time(lua_State *L)
{
    if (!lua_isnoneornil(L, 1))
        return sandbox_call_orig(L);
    lua_pushinteger(L, (lua_Integer)(lk_now_ms() / 1000));
    return 1;
}

static int l_os_date(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_isnil(L, 2)) {
        lua_pushinteger(L, (lua_Integer)(lk_now_ms() / 1000));
        lua_replace(L, 2);
    }
    return sandbox_call_orig(L);
}

/* ---- Bounded string functions ------------------------------------------------------- */

static int too_long(lua_State *L, const char *fn, lua_Number len)
{
    lua_Integer max = (lua_Integer)budget->max_string(L);
    return luaL_error(L, "%s: hasil terlalu panjang (%f byte, maksimum %I) / result too long "
                      "(%f bytes, at most %I)", fn, len, max, len, max);
}

/* Position 'pos' (1-based, negative from the end) as an offset into a string of 'len'. */
static size_t start_offset(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos - 1;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 0;
    return len + (size_t)pos;
}

static int l_rep(lua_State *L)
{
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    size_t max = budget->max_string(L);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if ((lua_Unsigned)n > (max + lsep) / (l + lsep))
        return too_long(L, "string.rep", (lua_Number)n * (lua_Number)(l + lsep));
    size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, total);     /* buffer */
    for (; n > 1; n--) {
        memcpy(p, s, l);
        p += l;
        memcpy(p, sep, lsep);
        p += lsep;
    }
    memcpy(p, s, l);
    luaL_pushresultsize(&b, total);                 /* result */
    return 1;
}

static int l_format(lua_State *L)
{
    size_t total = 0, max = budget->max_string(L);
    for (int i = 1, n = lua_gettop(L); i <= n; i++)
        if (lua_type(L, i) == LUA_TSTRING)
            total += lua_rawlen(L, i);
    if (total > max)
        return too_long(L, "string.format", (lua_Number)total);
    sandbox_call_orig(L);                                   /* args, result */
    if (lua_rawlen(L, -1) > max)
        return too_long(L, "string.format", (lua_Number)lua_rawlen(L, -1));
    return 1;
}

/* The pattern cost model. Matching tries each start position (one when anchored); at a
 * start, a quantified single class can expand at most over the longest run of bytes it
 * matches in the subject, '?' tries two ways, %b and back-references scan up to the whole
 * subject. The product of these factors, times the number of pattern items, bounds the
 * steps of the backtracking matcher. A quantifier that ends the pattern succeeds the
 * first time it is reached, so it adds linear work only. */

static int class_matches(int c, int cl)
{
    int res;
    switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    default: return cl == c;
    }
    return isupper(cl) ? !res : res;
}

/* One byte against the class [p, ep) ('.', %x, [set] or a literal). Over-approximating is
 * safe here: it only makes the estimate larger. */
static int single_matches(int c, const char *p, const char *ep)
{
    if (*p == '.')
        return 1;
    if (*p == '%')
        return class_matches(c, (unsigned char)p[1]);
    if (*p != '[')
        return (unsigned char)*p == c;
    int sig = 1;
    const char *end = ep - 1; /* the closing ']' */
    if (p[1] == '^')
        sig = 0, p++;
    while (++p < end) {
        if (*p == '%') {
            p++;
            if (class_matches(c, (unsigned char)*p))
                return sig;
        } else if (p[1] == '-' && p + 2 < end) {
            p += 2;
            if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p)
                return sig;
        } else if ((unsigned char)*p == c) {
            return sig;
        }
    }
    return !sig;
}

/* End of the single class at p, or NULL when malformed (the matcher will say why). */
static const char *class_end(const char *p, const char *pe)
{
    if (*p == '%')
        return p + 1 < pe ? p + 2 : NULL;
    if (*p++ != '[')
        return p;
    if (*p == '^')
        p++;
    do {
        if (p >= pe)
            return NULL;
        if (*p++ == '%' && p < pe)
            p++;
    } while (*p != ']');
    return p + 1;
}

/* Longest run of subject bytes the class [p, ep) matches. */
static size_t max_run(const char *s, size_t n, const char *p, const char *ep)
{
    if (*p == '.')
        return n;
    unsigned char in[256];
    for (int c = 0; c < 256; c++)
        in[c] = (unsigned char)single_matches(c, p, ep);
    size_t best = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = in[(unsigned char)s[i]] ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

static int only_closers(const char *p, const char *pe)
{
    while (p < pe && *p == ')')
        p++;
    return p == pe;
}

/* Estimated steps to match p[0..lp) against s[0..n); anchor_ok when a leading '^' anchors. */
static double pattern_cost(const char *s, size_t n, const char *p, size_t lp, int anchor_ok)
{
    const char *pe = p + lp;
    double cost = (double)n + 1, scanned = 0;
    int items = 1;
    if (anchor_ok && p < pe && *p == '^')
        cost = 1, p++;
    while (p < pe && cost * items <= PATTERN_COST_MAX && scanned <= PATTERN_COST_MAX) {
        items++;
        if (*p == '(' || *p == ')' || (*p == '$' && p + 1 == pe)) {
            p++;
        } else if (*p == '%' && p + 1 < pe && p[1] == 'b') {
            cost *= (double)n + 1;
            p += 4;
        } else if (*p == '%' && p + 1 < pe && p[1] == 'f') {
            if (!(p = class_end(p + 2, pe)))
                return 0;
        } else if (*p == '%' && p + 1 < pe && p[1] >= '0' && p[1] <= '9') {
            cost *= (double)n + 1;
            p += 2;
        } else {
            const char *ep = class_end(p, pe);
            if (!ep)
                return 0;
            if (ep < pe && *ep == '?') {
                cost *= 2;
                ep++;
            } else if (ep < pe && (*ep == '*' || *ep == '+' || *ep == '-')) {
                if (!only_closers(ep + 1, pe)) {
                    cost *= (double)max_run(s, n, p, ep) + 1;
                    scanned += (double)n;
                }
                ep++;
            }
            p = ep;
        }
    }
    return cost * items + scanned;
}

/* Raises unless matching is cheap enough by construction; charges the estimate. */
static void check_pattern(lua_State *L, const char *s, size_t n, const char *p, size_t lp,
                          int anchor_ok)
{
    double cost = pattern_cost(s, n, p, lp, anchor_ok);
    if (cost > PATTERN_COST_MAX)
        luaL_error(L, "pola terlalu rumit untuk teks %I byte; sederhanakan pola atau pendekkan "
                   "teks / pattern too complex for a %I-byte subject; simplify the pattern or "
                   "shorten the text", (lua_Integer)n, (lua_Integer)n);
    budget->charge(L, (lua_Integer)(cost / PATTERN_STEPS));
}

static int no_specials(const char *p, size_t lp)
{
    for (size_t i = 0; i < lp; i++)
        if (p[i] && strchr("^$*+?.([%-", p[i]))
            return 0;
    return 1;
}

/* string.find: plain searches use memmem (linear); patterns are checked first. */
static int l_find(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (!lua_toboolean(L, 4) && !no_specials(p, lp)) {
        check_pattern(L, s + init, ls - init, p, lp, 1);
        return sandbox_call_orig(L);
    }
    budget->charge(L, (lua_Integer)((ls - init) / SCAN_BYTES));
    const char *hit = memmem(s + init, ls - init, p, lp);
    if (!hit) {
        luaL_pushfail(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
    lua_pushinteger(L, (lua_Integer)(hit - s + lp));
    return 2;
}

/* string.match, string.gmatch: the pattern is checked against the subject from init;
 * upvalue 2 says whether a leading '^' anchors (not in gmatch). */
static int l_match(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    if (init <= ls)
        check_pattern(L, s + init, ls - init, p, lp,
                      (int)lua_tointeger(L, lua_upvalueindex(2)));
    return sandbox_call_orig(L);
}

/* The replacement function gsub gets instead of a table or function (upvalue 1): it keeps
 * the total size of the replacements (upvalue 2) within max_string. */
static int l_gsub_repl(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));          /* captures, repl */
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushvalue(L, 1);
        lua_gettable(L, -2);                        /* captures, repl, value */
    } else {
        lua_insert(L, 1);                           /* repl, captures */
        lua_call(L, n, 1);                          /* value */
    }
    size_t len = lua_type(L, -1) == LUA_TSTRING ? lua_rawlen(L, -1) : 64;
    lua_Integer total = lua_tointeger(L, lua_upvalueindex(2)) + (lua_Integer)len;
    if ((size_t)total > budget->max_string(L))
        return too_long(L, "string.gsub", (lua_Number)total);
    lua_pushinteger(L, total);
    lua_replace(L, lua_upvalueindex(2));
    return 1;
}

static int l_gsub(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    check_pattern(L, s, ls, p, lp, 1);
    int tr = lua_type(L, 3);
    if (tr == LUA_TTABLE || tr == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        lua_pushinteger(L, 0);
        lua_pushcclosure(L, l_gsub_repl, 2);        /* args, counting repl */
        lua_replace(L, 3);
    }
    sandbox_call_orig(L);                                   /* args, result, count */
    if (lua_rawlen(L, -2) > budget->max_string(L) && lua_rawlen(L, -2) > ls)
        return too_long(L, "string.gsub", (lua_Number)lua_rawlen(L, -2));
    return 2;
}

/* ---- Bounded table functions -------------------------------------------------------- */

static int l_concat(lua_State *L)
{
    size_t lsep, total = 0, max = budget->max_string(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    lua_Integer last = luaL_opt(L, luaL_checkinteger, 4, luaL_len(L, 1));
    luaL_Buffer b;
    luaL_buffinit(L, &b);                           /* args, buffer */
    if (i <= last)
        budget->charge(L, (lua_Integer)((lua_Unsigned)last - (lua_Unsigned)i));
    for (; i <= last; i++) {
        size_t l;
        lua_geti(L, 1, i);                          /* args, buffer, value */
        if (!lua_isstring(L, -1))
            return luaL_error(L, "invalid value (at index %I) in table for 'concat'", i);
        lua_tolstring(L, -1, &l);
        total += l + (i < last ? lsep : 0);
        if (total > max)
            return too_long(L, "table.concat", (lua_Number)total);
        luaL_addvalue(&b);                          /* args, buffer */
        if (i == last)
            break;
        luaL_addlstring(&b, sep, lsep);
    }
    luaL_pushresult(&b);                            /* args, result */
    return 1;
}

enum work { W_INSERT, W_REMOVE, W_SORT, W_MOVE, W_UNPACK, W_RANGE, W_TEXT };

static lua_Integer span(lua_Integer from, lua_Integer to)
{
    return to >= from ? (lua_Integer)((lua_Unsigned)to - (lua_Unsigned)from) : 0;
}

static lua_Integer clamp_pos(lua_Integer pos, size_t len)
{
    if (pos < 0)
        pos += (lua_Integer)len + 1;
    return pos < 1 ? 1 : pos > (lua_Integer)len ? (lua_Integer)len : pos;
}

/* Upper bound of the elements a library loop will touch; reads arguments only. */
static lua_Integer work_of(lua_State *L, enum work kind)
{
    size_t len;
    lua_Integer n, i;
    switch (kind) {
    case W_INSERT: /* shifts only with a position */
        if (lua_gettop(L) != 3 || lua_type(L, 1) != LUA_TTABLE)
            return 0;
        return span(luaL_checkinteger(L, 2), luaL_len(L, 1));
    case W_REMOVE:
        if (lua_type(L, 1) != LUA_TTABLE)
            return 0;
        n = luaL_len(L, 1);
        return span(luaL_optinteger(L, 2, n), n);
    case W_SORT:
        n = lua_type(L, 1) == LUA_TTABLE ? luaL_len(L, 1) : 0;
        for (i = 1; (n >> i) > 0 && i < 62; i++) {
        }
        return n > LUA_MAXINTEGER / 64 ? LUA_MAXINTEGER : n * i;
    case W_MOVE:
        return span(luaL_checkinteger(L, 2), luaL_checkinteger(L, 3));
    case W_UNPACK:
        i = luaL_optinteger(L, 2, 1);
        return span(i, luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1)));
    case W_RANGE:
        luaL_checklstring(L, 1, &len);
        i = luaL_optinteger(L, 2, 1);
        n = luaL_optinteger(L, 3, i);
        return span(clamp_pos(i, len), clamp_pos(n, len));
    case W_TEXT: /* a scan of the string argument */
        return lua_type(L, 1) == LUA_TSTRING
                   ? (lua_Integer)(lua_rawlen(L, 1) / SCAN_BYTES) : 0;
    }
    return 0;
}

/* A library function whose loop the hook cannot interrupt: charges its work (kind in
 * upvalue 2), then runs the original (upvalue 1). */
static int l_charged(lua_State *L)
{
    budget->charge(L, work_of(L, (enum work)lua_tointeger(L, lua_upvalueindex(2))));
    return sandbox_call_orig(L);
}

/* ---- Registering the libraries ------------------------------------------------------ */

static const char *const string_names[] = {
    "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "rep",
    "reverse", "sub", "upper", NULL};
static const char *const table_names[] = {
    "concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL};
static const char *const math_names[] = {
    "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge",
    "log", "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random",
    "randomseed", "sin", "sqrt", "tan", "tointeger", "type", "ult", NULL};
static const char *const utf8_names[] = {
    "char", "charpattern", "codes", "codepoint", "len", "offset", NULL};
static const char *const os_names[] = {"clock", "date", "time", NULL};

/* tonumber scans its string argument in one C loop. */
static const struct sandbox_wrap base_wraps[] = {
    {"tonumber", l_charged, W_TEXT}, {NULL, NULL, 0}};
static const struct sandbox_wrap string_wraps[] = {
    {"byte", l_charged, W_RANGE}, {"find", l_find, 0}, {"format", l_format, 0},
    {"gmatch", l_match, 0}, {"gsub", l_gsub, 0}, {"match", l_match, 1}, {NULL, NULL, 0}};
static const struct sandbox_wrap table_wraps[] = {
    {"insert", l_charged, W_INSERT}, {"remove", l_charged, W_REMOVE}, {"sort", l_charged, W_SORT},
    {"move", l_charged, W_MOVE}, {"unpack", l_charged, W_UNPACK}, {NULL, NULL, 0}};
static const struct sandbox_wrap utf8_wraps[] = {
    {"codepoint", l_charged, W_RANGE}, {"len", l_charged, W_TEXT},
    {"offset", l_charged, W_TEXT}, {NULL, NULL, 0}};
static const struct sandbox_wrap os_wraps[] = {
    {"date", l_os_date, 0}, {"time", l_os_time, 0}, {NULL, NULL, 0}};

static const luaL_Reg string_own[] = {{"rep", l_rep}, {NULL, NULL}};
static const luaL_Reg table_own[] = {{"concat", l_concat}, {NULL, NULL}};

struct library {
    const char *name;
    lua_CFunction open;
    const char *const *names;
    const struct sandbox_wrap *wraps;
    const luaL_Reg *own;    /* replacements written here */
};

static const struct library libraries[] = {
    {"string", luaopen_string, string_names, string_wraps, string_own},
    {"table", luaopen_table, table_names, table_wraps, table_own},
    {"math", luaopen_math, math_names, NULL, NULL},
    {"utf8", luaopen_utf8, utf8_names, utf8_wraps, NULL},
    {"os", luaopen_os, os_names, os_wraps, NULL},
};

void sandbox_lib_copy(lua_State *L, int from, const char *const *names)
{
    for (; *names; names++) {
        lua_getfield(L, from, *names);              /* dst, value */
        lua_setfield(L, -2, *names);                /* dst */
    }
}

void sandbox_lib_wrap(lua_State *L, const struct sandbox_wrap *w)
{
    for (; w && w->name; w++) {
        lua_getfield(L, -1, w->name);               /* dst, orig */
        lua_pushinteger(L, w->arg);                 /* dst, orig, arg */
        lua_pushcclosure(L, w->fn, 2);              /* dst, wrapped */
        lua_setfield(L, -2, w->name);               /* dst */
    }
}

void sandbox_lib_open(lua_State *L, const struct sandbox_budget *b)
{
    budget = b;
    int base = lua_gettop(L);
    sandbox_lib_wrap(L, base_wraps);
    for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++) {
        const struct library *lib = &libraries[i];
        luaL_requiref(L, lib->name, lib->open, 0); /* base, lib */
        lua_newtable(L);                            /* base, lib, copy */
        sandbox_lib_copy(L, -2, lib->names);
        sandbox_lib_wrap(L, lib->wraps);
        if (lib->own)
            luaL_setfuncs(L, lib->own, 0);
        lua_setfield(L, base, lib->name);           /* base, lib */
        lua_pop(L, 1);                              /* base */
    }
}
