/* The flow DSL's constructors, visible to flow files. They only tag a table with its kind
 * and the line it was written on, so that the loader (flow.c, flow_read.c) can read every
 * flow as data and name file and line in its findings. The validators are the C ones of
 * validate.c. */
#include "lapi_flow.h"
#include "validate.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Sets t.__kind and t.__line on the table at idx (the caller's line). */
static void tag(lua_State *L, int idx, const char *kind)
{
    lua_Debug ar;
    int line = 0;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
        line = ar.currentline;
    lua_pushstring(L, kind);
    lua_setfield(L, idx, LK_KIND_FIELD);
    lua_pushinteger(L, line);
    lua_setfield(L, idx, LK_LINE_FIELD);
}

/* kind{...} or kind "text": returns the tagged table. */
static int construct(lua_State *L, const char *kind)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_createtable(L, 1, 2);      /* new node */
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 1);
    }
    luaL_argexpected(L, lua_type(L, 1) == LUA_TTABLE, 1, "table { ... }");
    lua_settop(L, 1);
    tag(L, 1, kind);
    return 1;
}

static int l_flow(lua_State *L) { return construct(L, "flow"); }
static int l_say(lua_State *L) { return construct(L, "say"); }
static int l_ask(lua_State *L) { return construct(L, "ask"); }
static int l_menu(lua_State *L) { return construct(L, "menu"); }
static int l_handoff(lua_State *L) { return construct(L, "handoff"); }
static int l_done(lua_State *L) { return construct(L, "done"); }
static int l_settings(lua_State *L) { return construct(L, "settings"); }
static int l_data(lua_State *L) { return construct(L, "data"); }

/* run(function(c) ... return "next" end) */
static int l_run(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_createtable(L, 0, 3);          /* node */
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "fn");
    tag(L, lua_gettop(L), "run");
    return 1;
}

static int validate_with(lua_State *L, enum lk_validator v)
{
    const char *s = luaL_checkstring(L, 1);
    char *out = lk_validate(v, s);
    if (!out) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, out);
    free(out);
    return 1;
}

static int l_valid_number(lua_State *L) { return validate_with(L, LK_VALID_NUMBER); }
static int l_valid_yesno(lua_State *L) { return validate_with(L, LK_VALID_YESNO); }
static int l_valid_date(lua_State *L) { return validate_with(L, LK_VALID_DATE); }
static int l_valid_phone(lua_State *L) { return validate_with(L, LK_VALID_PHONE); }
static int l_valid_email(lua_State *L) { return validate_with(L, LK_VALID_EMAIL); }
static int l_valid_nik(lua_State *L) { return validate_with(L, LK_VALID_NIK); }

/* Indexed by enum lk_validator. */
static const lua_CFunction validator_funcs[LK_VALID__COUNT] = {
    l_valid_number, l_valid_yesno, l_valid_date, l_valid_phone, l_valid_email, l_valid_nik,
};

static int l_mask_nik(lua_State *L)
{
    char *m = lk_nik_mask(luaL_checkstring(L, 1));
    lua_pushstring(L, m);
    free(m);
    return 1;
}

int lk_lapi_flow_validator(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING)
        return lk_validator_by_name(lua_tostring(L, idx));
    lua_CFunction f = lua_tocfunction(L, idx);
    for (int v = 0; f && v < LK_VALID__COUNT; v++)
        if (validator_funcs[v] == f)
            return v;
    return -1;
}

static const luaL_Reg dsl_funcs[] = {
    {"flow", l_flow}, {"say", l_say}, {"ask", l_ask}, {"menu", l_menu},
    {"run", l_run}, {"handoff", l_handoff}, {"done", l_done}, {"settings", l_settings},
    {"data", l_data}, {"mask_nik", l_mask_nik}, {NULL, NULL},
};

void lk_lapi_flow_open(lua_State *L, void *ud)
{
    (void)ud;
    luaL_setfuncs(L, dsl_funcs, 0);                /* base env */
    lua_createtable(L, 0, LK_VALID__COUNT);        /* valid */
    for (int v = 0; v < LK_VALID__COUNT; v++) {
        lua_pushcfunction(L, validator_funcs[v]);
        lua_setfield(L, -2, lk_validator_name(v));
    }
    lua_setfield(L, -2, "valid");                  /* base env */
}
