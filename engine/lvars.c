/* Conversation variables between JSON (at rest) and Lua (inside a run node). Depth and
 * size are capped so a flow cannot make a conversation's saved state grow without bound.
 * No metamethod runs while converting. */
#include "lvars.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define MAX_DEPTH 8

static void push_value(lua_State *L, json_t *v, int depth)
{
    if (depth > MAX_DEPTH || !lua_checkstack(L, 4)) {
        lua_pushnil(L);
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *item;
        lua_createtable(L, 0, (int)json_object_size(v));
        json_object_foreach(v, key, item) {
            push_value(L, item, depth + 1);
            lua_setfield(L, -2, key);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *item;
        lua_createtable(L, (int)json_array_size(v), 0);
        json_array_foreach(v, i, item) {
            push_value(L, item, depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(v));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        lua_pushboolean(L, json_is_true(v));
        break;
    default:
        lua_pushnil(L);
    }
}

void lk_vars_push(lua_State *L, json_t *v)
{
    if (!v) {
        lua_newtable(L);
        return;
    }
    push_value(L, v, 0);
}

static json_t *to_json(lua_State *L, int idx, int depth, struct lk_error *err);

/* 1 when the table at idx is a non-empty sequence 1..n with nothing else. */
static int is_sequence(lua_State *L, int idx)
{
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
    if (n == 0)
        return 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
    }
    return count == n;
}

static json_t *sequence_to_json(lua_State *L, int idx, int depth, struct lk_error *err)
{
    json_t *out = json_array();
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        json_t *item = to_json(L, lua_gettop(L), depth + 1, err);
        lua_pop(L, 1);
        if (!item) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, item);
    }
    return out;
}

/* Adds t[key] = item (the key is at -2, the value at -1) to the object. */
static int set_member(lua_State *L, json_t *out, json_t *item, struct lk_error *err)
{
    if (lua_type(L, -2) == LUA_TSTRING) {
        json_object_set_new(out, lua_tostring(L, -2), item);
        return 1;
    }
    if (lua_type(L, -2) == LUA_TNUMBER) {
        lua_pushvalue(L, -2);
        json_object_set_new(out, lua_tostring(L, -1), item);
        lua_pop(L, 1);
        return 1;
    }
    json_decref(item);
    lk_error_set(err, "variabel hanya boleh berkunci teks / variables need text keys");
    return 0;
}

static json_t *table_to_json(lua_State *L, int idx, int depth, struct lk_error *err)
{
    if (is_sequence(L, idx))
        return sequence_to_json(L, idx, depth, err);
    json_t *out = json_object();
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        json_t *item = to_json(L, lua_gettop(L), depth + 1, err);
        if (!item || !set_member(L, out, item, err)) {
            lua_pop(L, 2);
            json_decref(out);
            return NULL;
        }
        lua_pop(L, 1);
    }
    return out;
}

static json_t *to_json(lua_State *L, int idx, int depth, struct lk_error *err)
{
    if (depth > MAX_DEPTH || !lua_checkstack(L, 4)) {
        lk_error_set(err, "variabel terlalu bertingkat / variables nested too deeply");
        return NULL;
    }
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return json_stringn_nocheck(s, n);
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return json_integer((json_int_t)lua_tointeger(L, idx));
        return isfinite(lua_tonumber(L, idx)) ? json_real(lua_tonumber(L, idx)) : json_null();
    case LUA_TBOOLEAN:
        return json_boolean(lua_toboolean(L, idx));
    case LUA_TTABLE:
        return table_to_json(L, idx, depth, err);
    default:
        lk_error_set(err, "variabel berisi %s yang tidak bisa disimpan / variables hold a %s, "
                     "which cannot be saved", luaL_typename(L, idx), luaL_typename(L, idx));
        return NULL;
    }
}

json_t *lk_vars_from_lua(lua_State *L, int idx, size_t max_bytes, struct lk_error *err)
{
    idx = lua_absindex(L, idx);
    if (lua_isnil(L, idx))
        return json_object();
    if (lua_type(L, idx) != LUA_TTABLE) {
        lk_error_set(err, "c.vars harus tabel / c.vars must be a table");
        return NULL;
    }
    json_t *v = table_to_json(L, idx, 0, err);
    if (v && json_is_array(v)) {
        json_decref(v);
        lk_error_set(err, "c.vars harus tabel bernama / c.vars must be a table with names");
        return NULL;
    }
    size_t size = v ? json_dumpb(v, NULL, 0, JSON_COMPACT) : 0;
    if (v && max_bytes && size > max_bytes) {
        json_decref(v);
        lk_error_set(err, "variabel percakapan melebihi batas %zu byte / conversation variables "
                     "exceed %zu bytes", max_bytes, max_bytes);
        return NULL;
    }
    return v;
}
