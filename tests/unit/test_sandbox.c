/* Unit tests for the sandbox: the curated environment, read-only tables, text-only loading,
 * the instruction budget and its sticky kill, the memory cap, the size and work caps on
 * the C library functions, and error text that never runs a metamethod. */
#include "harness.h"
#include "log.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <string.h>
#include <time.h>

static struct lk_error err;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads 'src' as flows/t.lua; the chunk must return a function, which is then called once
 * with no arguments. On LK_OK the first result is left on the stack. */
static int step(struct lk_sandbox *sb, const char *src)
{
    lk_error_clear(&err);
    int rc = lk_sandbox_load(sb, src, strlen(src), "flows/t.lua", &err);
    if (rc != LK_OK)
        return rc;
    return lk_sandbox_call(sb, 0, 1, &err);
}

/* Runs 'body' as the body of a step function; 1 when it returned true. */
static int truthy(struct lk_sandbox *sb, const char *body)
{
    char src[4096];
    snprintf(src, sizeof src, "return function() %s end", body);
    if (step(sb, src) != LK_OK) {
        printf("# %s -> %s\n", body, err.text);
        return 0;
    }
    lua_State *L = lk_sandbox_state(sb);
    int ok = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return ok;
}

/* Runs 'body'; returns the result code and leaves the message in err. */
static int run(struct lk_sandbox *sb, const char *body)
{
    char src[4096];
    snprintf(src, sizeof src, "return function() %s end", body);
    int rc = step(sb, src);
    if (rc == LK_OK)
        lua_pop(lk_sandbox_state(sb), 1);
    return rc;
}

static void test_blocked(struct lk_sandbox *sb)
{
    static const char *const blocked[] = {
        "io", "os.execute", "os.exit", "os.getenv", "os.remove", "os.rename", "os.tmpname",
        "package", "require", "dofile", "loadfile", "string.dump", "debug",
        "collectgarbage", "coroutine", "rawset", "warn", "string.pack", NULL};
    subtest("blocked names");
    for (const char *const *b = blocked; *b; b++) {
        char body[128];
        snprintf(body, sizeof body, "return %s == nil", *b);
        ok(truthy(sb, body), "%s should be nil", *b);
    }
    ok(run(sb, "io.open('/etc/passwd')") == LK_ERR, "io.open");
    ok(run(sb, "os.execute('true')") == LK_ERR, "os.execute");
    ok(truthy(sb, "return type(print) == 'function' and type(pcall) == 'function' "
                  "and type(string.format) == 'function' and type(math.floor) == 'function' "
                  "and type(utf8.char) == 'function' and type(table.concat) == 'function'"),
       "allowed names present");

    subtest("os.time/date/clock");
    lk_clock_set(1700000000000LL);
    ok(truthy(sb, "return os.time() == 1700000000"), "os.time follows the engine clock");
    ok(truthy(sb, "return os.date('!%Y-%m-%d') == '2023-11-14'"), "os.date");
    ok(truthy(sb, "return os.date('*t', 0).year >= 1969"), "os.date *t");
    ok(truthy(sb, "return os.time({year=2024, month=1, day=1, hour=12}) > 0"), "os.time{}");
    ok(truthy(sb, "return type(os.clock()) == 'number'"), "os.clock");
    lk_clock_set(0);
}

static int write_chunk(lua_State *L, const void *p, size_t sz, void *ud)
{
    luaL_addlstring((luaL_Buffer *)ud, p, sz);
    return 0;
}

static void test_bytecode(struct lk_sandbox *sb)
{
    subtest("bytecode refused");
    lua_State *P = luaL_newstate();
    luaL_Buffer b;
    luaL_loadstring(P, "return function() return 42 end"); /* chunk */
    luaL_buffinit(P, &b);
    lua_pushvalue(P, -2);
    lua_dump(P, write_chunk, &b, 0);
    lua_pop(P, 1);
    luaL_pushresult(&b);                                    /* chunk, bytes */
    size_t len;
    const char *bytes = lua_tolstring(P, -1, &len);

    lua_State *L = lk_sandbox_state(sb);
    int top = lua_gettop(L);
    int rc = lk_sandbox_load(sb, bytes, len, "flows/bin.lua", &err);
    ok(rc == LK_ERR, "binary chunk refused (%d)", rc);
    ok(strstr(err.text, "flows/bin.lua") && strstr(err.text, "binary"), "message: %s", err.text);
    ok(lua_gettop(L) == top, "stack unchanged");

    const char *src = "return function(b) local f, msg = load(b) return f == nil and msg end";
    ok(lk_sandbox_load(sb, src, strlen(src), "flows/t.lua", &err) == LK_OK, "load flow");
    lua_pushlstring(L, bytes, len);
    ok(lk_sandbox_call(sb, 1, 1, &err) == LK_OK, "call: %s", err.text);
    ok(lua_type(L, -1) == LUA_TSTRING && strstr(lua_tostring(L, -1), "binary"),
       "load() in a flow refuses bytecode");
    lua_pop(L, 1);
    lua_close(P);

    subtest("load is text-only with a read-only env");
    ok(truthy(sb, "return load('return 1 + 1')() == 2"), "load text");
    ok(truthy(sb, "return load('return string.rep(\"a\", 2)')() == 'aa'"), "load sees base");
    ok(truthy(sb, "local ok, e = pcall(load('x = 1')) return not ok and e:find('local') ~= nil"),
       "load()ed chunk cannot set globals");
    ok(truthy(sb, "local t = {} load('y = 5', 'c', 'b', t)() return t.y == 5"),
       "explicit env is used");
}

static void test_budget(struct lk_sandbox *sb)
{
    subtest("instruction budget");
    lua_State *L = lk_sandbox_state(sb);
    int top = lua_gettop(L);
    double t0 = now_s();
    ok(run(sb, "while true do end") == LK_ELIMIT, "endless loop: %s", err.text);
    ok(strstr(err.text, "flows/t.lua:1:") && strstr(err.text, "instruction limit"),
       "kill message: %s", err.text);
    ok(run(sb, "while true do pcall(function() while true do end end) end") == LK_ELIMIT,
       "pcall cannot swallow the kill");
    ok(run(sb, "for i = 1, 1e9 do xpcall(function() while true do end end, "
               "function() while true do end end) end") == LK_ELIMIT, "nor xpcall");
    ok(run(sb, "local t = setmetatable({}, {__close = function() while true do end end}) "
               "while true do local x <close> = t end") == LK_ELIMIT, "nor __close");
    ok(run(sb, "local n = 0 while true do local ok = pcall(error, 'x') n = n + 1 end")
       == LK_ELIMIT, "nor error loops");
    ok(run(sb, "local s = '' for i = 1, 1e6 do s = s .. 'xxxxxxxxxx' end") == LK_ELIMIT,
       "quadratic concatenation is charged");
    ok(now_s() - t0 < 5, "kills are quick (%.2fs)", now_s() - t0);
    ok(run(sb, "local n = 0 for i = 1, 1000 do n = n + i end return n") == LK_OK,
       "budget resets for the next call: %s", err.text);
    ok(lua_gettop(L) == top, "stack balanced");
}

static void test_memory(void)
{
    subtest("memory cap");
    struct lk_sandbox_limits lim = {.memory_bytes = 8u << 20, .instructions = 100000000};
    struct lk_sandbox *sb = lk_sandbox_new(&lim, NULL, NULL, &err);
    ok(sb != NULL, "new: %s", err.text);
    size_t base = lk_sandbox_memory(sb);
    ok(run(sb, "local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end") == LK_ELIMIT,
       "table growth: %s", err.text);
    ok(strstr(err.text, "memory"), "reported as memory: %s", err.text);
    ok(lk_sandbox_memory(sb) < base + (1u << 20), "collected afterwards (%zu -> %zu)", base,
       lk_sandbox_memory(sb));
    ok(truthy(sb, "return ('ab'):rep(3) == 'ababab'"), "usable afterwards");
    ok(run(sb, "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000000) .. i end")
       == LK_ELIMIT, "string.rep bomb: %s", err.text);
    ok(truthy(sb, "return #table.concat({'a', 'b'}) == 2"), "usable afterwards");
    ok(run(sb, "local t = {} while true do pcall(function() t[#t + 1] = ('x'):rep(500000) .. #t "
               "end) end") == LK_ELIMIT, "pcall cannot swallow memory exhaustion");
    ok(strstr(err.text, "memory"), "reported as memory: %s", err.text);
    ok(run(sb, "return 1") == LK_OK, "usable afterwards");
    lk_sandbox_free(sb);

    sb = lk_sandbox_new(NULL, NULL, NULL, &err);
    ok(run(sb, "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000000) .. i end")
       == LK_ELIMIT, "default limits: string.rep bomb: %s", err.text);
    ok(run(sb, "local t = {} local i = 0 while true do i = i + 1 t[i] = i end") == LK_ELIMIT,
       "default limits: table growth: %s", err.text);
    ok(truthy(sb, "return 1 + 1 == 2"), "usable afterwards");
    lk_sandbox_free(sb);
}

static void test_recursion(struct lk_sandbox *sb)
{
    subtest("deep recursion");
    int rc = run(sb, "local function f() return 1 + f() end return f()");
    ok(rc == LK_ERR || rc == LK_ELIMIT, "Lua recursion ends in an error: %s", err.text);
    rc = run(sb, "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) "
                 "return t.x");
    ok(rc == LK_ERR && strstr(err.text, "stack overflow"), "__index recursion: %s", err.text);
    rc = run(sb, "local function f(s) return (s:gsub('.', f)) end return f('ab')");
    ok(rc == LK_ERR && strstr(err.text, "overflow"), "gsub recursion: %s", err.text);
    rc = run(sb, "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) "
                 "return tostring(t)");
    ok(rc == LK_ERR && strstr(err.text, "overflow"), "__tostring recursion: %s", err.text);
    rc = run(sb, "local function f() return pcall(f) end return f()");
    ok(rc == LK_OK || rc == LK_ERR, "pcall recursion: %d", rc);
    rc = run(sb, "local t = {} t = setmetatable(t, {__lt = function(a, b) return a < b end}) "
                 "return t < t");
    ok(rc == LK_ERR, "__lt recursion: %s", err.text);
    rc = run(sb, "local function f() return xpcall(f, f) end return f()");
    ok(rc == LK_OK || rc == LK_ERR, "xpcall recursion: %d", rc);
    rc = run(sb, "local t = setmetatable({}, {__concat = function(a, b) return a .. b end}) "
                 "return t .. 'x'");
    ok(rc == LK_ERR && strstr(err.text, "overflow"), "__concat recursion: %s", err.text);
    rc = run(sb, "local function f(a, b) table.sort({3, 2, 1}, f) return a < b end "
                 "return f(1, 2)");
    ok(rc == LK_ERR && strstr(err.text, "overflow"), "sort comparator recursion: %s", err.text);
    rc = run(sb, "local t = setmetatable({}, {__tostring = function(t) print(t) return 'x' end}) "
                 "print(t)");
    ok(rc == LK_ERR && strstr(err.text, "overflow"), "print recursion: %s", err.text);
    rc = run(sb, "local function r() return load(r) end return r()");
    ok(rc == LK_OK || rc == LK_ERR, "load reader recursion: %d %s", rc, err.text);
    ok(truthy(sb, "return true"), "usable afterwards");
}

static void test_errors(struct lk_sandbox *sb)
{
    subtest("error objects");
    double t0 = now_s();
    ok(run(sb, "error(setmetatable({}, {__tostring = function() while true do end end, "
               "__name = 'X'}))") == LK_ERR, "looping __tostring: %s", err.text);
    ok(strstr(err.text, "(error object is a table value)") != NULL, "text: %s", err.text);
    ok(strstr(err.text, "flows/t.lua:1:") != NULL, "located: %s", err.text);
    ok(now_s() - t0 < 1, "no hang");
    ok(run(sb, "error(nil)") == LK_ERR && strstr(err.text, "nil value"), "nil: %s", err.text);
    ok(run(sb, "error({})") == LK_ERR && strstr(err.text, "table value"), "{}: %s", err.text);
    ok(run(sb, "error(42)") == LK_ERR && strstr(err.text, "42"), "42: %s", err.text);
    ok(run(sb, "error('boom')") == LK_ERR && !strcmp(err.text, "flows/t.lua:1: boom"),
       "string: %s", err.text);

    lua_State *L = lk_sandbox_state(sb);
    char buf[64];
    ok(luaL_dostring(L, "return setmetatable({}, {__tostring = function() while true do end "
                        "end})") == LUA_OK, "host code runs");
    ok(!strcmp(lk_sandbox_totext(L, -1, buf, sizeof buf), "(error object is a table value)"),
       "totext table: %s", buf);
    lua_pop(L, 1);
    lua_pushinteger(L, 7);
    ok(!strcmp(lk_sandbox_totext(L, -1, buf, sizeof buf), "7"), "totext int");
    lua_pop(L, 1);
    lua_pushstring(L, "\xc3\xa9\xc3\xa9\xc3\xa9");
    lk_sandbox_totext(L, -1, buf, 4);
    ok(!strcmp(buf, "\xc3\xa9"), "totext cuts on a UTF-8 boundary");
    lua_pop(L, 1);

    subtest("file:line messages");
    const char *bad = "local x = 1\nx = = 2\n";
    ok(lk_sandbox_load(sb, bad, strlen(bad), "flows/ktp.lua", &err) == LK_ERR, "syntax error");
    ok(strstr(err.text, "flows/ktp.lua:2:") != NULL, "syntax message: %s", err.text);
    const char *rt = "return function()\n  local x\n  return x.y\nend";
    ok(lk_sandbox_load(sb, rt, strlen(rt), "flows/ktp.lua", &err) == LK_OK, "load");
    ok(lk_sandbox_call(sb, 0, 1, &err) == LK_ERR, "runtime error");
    ok(strstr(err.text, "flows/ktp.lua:3:") == err.text, "runtime message: %s", err.text);
    ok(lua_gettop(L) == 0, "stack empty (%d)", lua_gettop(L));
}

static void test_readonly(struct lk_sandbox *sb)
{
    subtest("read-only tables");
    ok(run(sb, "string.x = 1") == LK_ERR && strstr(err.text, "read-only"), "string.x: %s",
       err.text);
    ok(run(sb, "string.rep = nil") == LK_ERR, "string.rep = nil");
    ok(run(sb, "math.pi = 3") == LK_ERR, "math.pi");
    ok(run(sb, "table.insert = print") == LK_ERR, "table.insert");
    ok(run(sb, "os.time = nil") == LK_ERR, "os.time");
    ok(run(sb, "_G.print = nil") == LK_ERR, "_G.print");
    ok(run(sb, "getmetatable('').__index = {}") == LK_ERR, "string metatable __index");
    ok(run(sb, "getmetatable('').__index.upper = nil") == LK_ERR, "string via metatable");
    ok(run(sb, "getmetatable('').__add = function() end") == LK_ERR, "string metatable __add");
    ok(run(sb, "setmetatable(string, {})") == LK_ERR, "setmetatable on a library");
    ok(truthy(sb, "return getmetatable('').__index == string"), "getmetatable('') is a view");
    ok(truthy(sb, "return getmetatable(string) == 'read-only'"), "library metatable locked");
    ok(truthy(sb, "local n = 0 for k in pairs(string) do n = n + 1 end return n >= 10"),
       "pairs over a library");
    ok(truthy(sb, "for _, x in ipairs({pairs(string)}) do if type(x) == 'table' then "
                  "if pcall(function() x.rep = 1 end) then return false end end end "
                  "return ('a'):rep(2) == 'aa'"), "pairs hands out no writable table");
    ok(truthy(sb, "local n = 0 for k, v in pairs(getmetatable('')) do n = n + 1 "
                  "assert(not pcall(function() v.x = 1 end)) end return n == 2"),
       "nor does pairs over the string metatable view");
    ok(truthy(sb, "return ('x'):upper() == 'X'"), "string methods");
    ok(run(sb, "setmetatable({}, {__gc = function() end})") == LK_ERR, "__gc refused");

    subtest("flow file environment");
    const char *src = "greeting = 'halo'\n"
                      "local function hi() return greeting .. '!' end\n"
                      "return function(w)\n  if w then counter = 1 end\n  return hi()\nend\n";
    lua_State *L = lk_sandbox_state(sb);
    ok(lk_sandbox_load(sb, src, strlen(src), "flows/env.lua", &err) == LK_OK, "load: %s",
       err.text);
    lua_pushvalue(L, -1);
    ok(lk_sandbox_call(sb, 0, 1, &err) == LK_OK && !strcmp(lua_tostring(L, -1), "halo!"),
       "globals set at load are readable");
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    ok(lk_sandbox_call(sb, 1, 1, &err) == LK_ERR, "writing a global after load fails");
    ok(strstr(err.text, "flows/env.lua:4:") && strstr(err.text, "local counter") &&
           strstr(err.text, "pakai variabel lokal"), "message: %s", err.text);
    ok(run(sb, "_ENV.x = 1") == LK_ERR, "_ENV.x");
    ok(truthy(sb, "return greeting == nil"), "files do not share globals");
    ok(truthy(sb, "return getmetatable(_ENV) == 'read-only'"), "env metatable locked");
}

static void test_patterns(struct lk_sandbox *sb)
{
    subtest("patterns: catastrophic ones refused quickly");
    static const char *const bombs[] = {
        "return ('a'):rep(30000):find('.-.-.-.-b')",
        "return ('a'):rep(30000):match('(.-)(.-)(.-)x')",
        "return ('a'):rep(30000):gsub('a*a*a*b', '')",
        "for w in ('a'):rep(30000):gmatch('.-.-.-x') do end",
        "return ('a'):rep(30000):find('a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?b')",
        "return ('('):rep(30000):find('%b()%b()')",
        "return ('a'):rep(30000):match('^(a*)a*%1$')",
        "return ('a'):rep(100000):find('.*.*b')",
        NULL};
    for (const char *const *b = bombs; *b; b++) {
        double t0 = now_s();
        int rc = run(sb, *b);
        ok(rc == LK_ERR || rc == LK_ELIMIT, "%s refused", *b);
        ok(now_s() - t0 < 1, "%s took %.2fs", *b, now_s() - t0);
    }
    ok(run(sb, "return ('a'):rep(30000):find('.-.-.-.-b')") == LK_ERR &&
           strstr(err.text, "pattern too complex"), "clear message: %s", err.text);

    subtest("patterns: ordinary ones work");
    ok(truthy(sb, "return ('3374010101900001'):match('^%d+$') == '3374010101900001'"),
       "%%d+ on a NIK");
    ok(truthy(sb, "return ('NIK saya 3374010101900001 ya'):match('%d+') == '3374010101900001'"),
       "%%d+ inside text");
    ok(truthy(sb, "local s, n = ('a b  c'):gsub('%s+', '_') return s == 'a_b_c' and n == 2"),
       "gsub on a short string");
    ok(truthy(sb, "return ('  halo  '):match('^%s*(.-)%s*$') == 'halo'"), "trim");
    ok(truthy(sb, "local s = ('kata '):rep(2000) return #s:match('^%s*(.-)%s*$') == 9999"),
       "trim of 10 KB");
    ok(truthy(sb, "local s = ('x y '):rep(20000) local r, n = s:gsub('%s+', ' ') "
                  "return n == 40000"), "gsub over 80 KB");
    ok(truthy(sb, "local a, b, c = ('f(a(b)c)'):find('(%b())') return a == 2 and c == '(a(b)c)'"),
       "%%b");
    ok(truthy(sb, "return ('THE (quick) fox'):find('%f[%a]%a+%f[%A]') == 1"), "%%f");
    ok(truthy(sb, "local n = 0 for w in ('satu dua tiga'):gmatch('%a+') do n = n + 1 end "
                  "return n == 3"), "gmatch");
    ok(truthy(sb, "return ('hello world'):gsub('o', {o = '0'}) == 'hell0 w0rld'"), "gsub table");
    ok(truthy(sb, "return ('abc'):gsub('%w', function(c) return c:upper() end) == 'ABC'"),
       "gsub function");
    ok(truthy(sb, "return ('a.b'):find('.', 1, true) == 2"), "plain find");
    ok(truthy(sb, "return ('abc'):find('') == 1 and ('abc'):find('', 10) == nil"), "empty find");
    ok(truthy(sb, "return ('abcabc'):find('c', -2) == 6"), "negative init");
    ok(truthy(sb, "local s = ('a'):rep(1000000) return s:find(('a'):rep(500000) .. 'b', 1, true) "
                  "== nil"), "plain find is linear");
    ok(truthy(sb, "return ('key=val'):match('(%w+)=(%w+)') == 'key'"), "captures");
    ok(truthy(sb, "return ('[x]'):find('[]]') == 3 and ('a-b'):find('[%-]') == 2"), "sets");
    ok(run(sb, "return ('x'):find('%')") == LK_ERR && strstr(err.text, "malformed"),
       "malformed pattern reported by Lua: %s", err.text);
    ok(run(sb, "return ('x'):find('[a')") == LK_ERR, "missing ]");
}

static void test_caps(struct lk_sandbox *sb)
{
    subtest("size caps");
    double t0 = now_s();
    ok(run(sb, "return ('x'):rep(2^20 + 1)") == LK_ERR && strstr(err.text, "too long"),
       "string.rep over max_string: %s", err.text);
    ok(truthy(sb, "return #('x'):rep(2^20) == 2^20"), "string.rep at max_string");
    ok(truthy(sb, "return (''):rep(1e18) == ''"), "empty rep with a huge count");
    ok(run(sb, "return ('ab'):rep(2^62, ',')") == LK_ERR, "huge rep with separator");
    ok(truthy(sb, "return ('ab'):rep(3, ',') == 'ab,ab,ab'"), "rep with separator");
    ok(run(sb, "local s = ('x'):rep(600000) return string.format('%s%s', s, s)") == LK_ERR,
       "format over max_string");
    ok(run(sb, "local s = ('\\0'):rep(600000) return string.format('%q', s)") == LK_ERR,
       "format %%q over max_string");
    ok(truthy(sb, "return string.format('%d-%s', 5, 'a') == '5-a'"), "format");
    ok(run(sb, "local s = ('x'):rep(600000) return table.concat({s, s})") == LK_ERR,
       "concat over max_string");
    ok(truthy(sb, "return table.concat({1, 'b', 3}, ',') == '1,b,3'"), "concat");
    ok(truthy(sb, "return table.concat({'a', 'b', 'c'}, '', 2, 3) == 'bc'"), "concat range");
    ok(truthy(sb, "return table.concat({}) == ''"), "concat empty");
    ok(run(sb, "return table.concat({1, {}})") == LK_ERR, "concat invalid value");
    ok(run(sb, "local s = ('x'):rep(1000) return (('y'):rep(2000)):gsub('y', s)") == LK_ERR,
       "gsub result over max_string");
    ok(run(sb, "local s = ('x'):rep(1000) return (('y'):rep(2000)):gsub('y', "
               "function() return s end)") == LK_ERR, "gsub function result over max_string");

    subtest("work caps on library loops");
    ok(run(sb, "table.insert(setmetatable({}, {__len = function() return 2^50 end}), 1, 1)")
       == LK_ELIMIT, "insert with a lying __len: %s", err.text);
    ok(run(sb, "table.remove(setmetatable({}, {__len = function() return 2^50 end}), 1)")
       == LK_ELIMIT, "remove with a lying __len");
    ok(truthy(sb, "local t = setmetatable({}, {__len = function() return 2^50 end}) "
                  "table.insert(t, 'x') return rawget(t, 2^50 + 1) == 'x'"), "append is O(1)");
    ok(truthy(sb, "local t = {} for i = 1, 100000 do table.insert(t, i) end "
                  "for i = 1, 50000 do table.remove(t) end return #t == 50000"),
       "appending and popping in a loop stay cheap");
    ok(run(sb, "table.move({}, 1, 2^40, 1, {})") == LK_ELIMIT, "huge move");
    ok(run(sb, "table.sort(setmetatable({}, {__len = function() return 2^30 end, "
               "__index = rawlen}))") == LK_ELIMIT, "huge sort");
    ok(run(sb, "return table.concat(setmetatable({}, {__index = rawlen}), '', 1, 2^40)")
       == LK_ELIMIT, "huge concat");
    ok(run(sb, "local s = ('x'):rep(2^20) for i = 1, 1e6 do local t = {s:byte(1, -1)} end")
       == LK_ELIMIT, "string.byte loop");
    ok(run(sb, "local s = (' '):rep(2^20) for i = 1, 1e6 do tonumber(s) end") == LK_ELIMIT,
       "tonumber loop");
    ok(run(sb, "local s = '--' .. ('x'):rep(2^20) for i = 1, 1e6 do load(s) end")
       == LK_ELIMIT, "load loop");
    ok(run(sb, "local s = ('a'):rep(2^20) for i = 1, 1e6 do s:find('b', 1, true) end")
       == LK_ELIMIT, "plain find loop");
    ok(run(sb, "local s = ('a'):rep(2000) for i = 1, 1e6 do s:find('a-b') end") == LK_ELIMIT,
       "pattern loop");
    ok(now_s() - t0 < 5, "all quick (%.2fs)", now_s() - t0);
    ok(truthy(sb, "local t = {3, 1, 2} table.sort(t) table.insert(t, 1, 0) table.remove(t) "
                  "return table.concat(t, ',') == '0,1,2' and select('#', table.unpack(t)) == 3"),
       "table functions work");
    ok(truthy(sb, "return utf8.len('héé') == 3 and utf8.codepoint('é') == 233"), "utf8");
}

static struct lk_sandbox *nested_sb;

static int l_hello(lua_State *L)
{
    lua_pushfstring(L, "halo, %s", luaL_checkstring(L, 1));
    return 1;
}

/* call_back(f): runs f through a nested lk_sandbox_call, as a lapi may. */
static int l_call_back(lua_State *L)
{
    struct lk_error e;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_pushvalue(L, 1);
    int rc = lk_sandbox_call(nested_sb, 0, 1, &e);
    if (rc != LK_OK)
        return luaL_error(L, "%s", e.text);
    return 1;
}

static void open_test_api(lua_State *L, void *ud)
{
    static const luaL_Reg funcs[] = {{"hello", l_hello}, {"call_back", l_call_back}, {NULL, NULL}};
    luaL_setfuncs(L, funcs, 0);
    lua_newtable(L);
    lua_pushstring(L, (const char *)ud);
    lua_setfield(L, -2, "name");
    lua_newtable(L);
    lua_pushinteger(L, 16);
    lua_setfield(L, -2, "nik_digits");
    lua_setfield(L, -2, "rules");
    lua_setfield(L, -2, "valid");
}

static void test_openers(void)
{
    subtest("openers");
    static const lk_sandbox_opener openers[] = {open_test_api, NULL};
    static char name[] = "ktp";
    struct lk_sandbox *sb = lk_sandbox_new(NULL, openers, name, &err);
    ok(sb != NULL, "new: %s", err.text);
    nested_sb = sb;
    ok(truthy(sb, "return hello('Budi') == 'halo, Budi'"), "opener function visible");
    ok(truthy(sb, "return valid.name == 'ktp' and valid.rules.nik_digits == 16"),
       "opener table visible");
    ok(run(sb, "valid.name = 'x'") == LK_ERR, "opener table is read-only");
    ok(run(sb, "valid.rules.nik_digits = 1") == LK_ERR, "nested opener table is read-only");
    ok(run(sb, "hello = nil") == LK_ERR, "opener names cannot be replaced");
    ok(truthy(sb, "return call_back(function() return 5 end) == 5"), "nested call");
    ok(run(sb, "while true do pcall(call_back, function() while true do end end) end")
       == LK_ELIMIT, "nested kill stays sticky: %s", err.text);
    ok(truthy(sb, "return call_back(function() return 1 end) == 1"), "usable afterwards");
    lk_sandbox_free(sb);
    lk_sandbox_free(NULL);
}

int main(void)
{
    lk_log_set_level(LK_LOG_QUIET);
    struct lk_sandbox *sb = lk_sandbox_new(NULL, NULL, NULL, &err);
    ok(sb != NULL, "new: %s", err.text);
    ok(lk_sandbox_memory(sb) > 0, "memory accounted");
    test_blocked(sb);
    test_bytecode(sb);
    test_budget(sb);
    test_recursion(sb);
    test_errors(sb);
    test_readonly(sb);
    test_patterns(sb);
    test_caps(sb);
    ok(truthy(sb, "print('halo', 1, nil, {}) return true"), "print");
    lk_sandbox_free(sb);
    test_memory();
    test_openers();
    return th_report();
}
