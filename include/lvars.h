/* A conversation's variables between their two shapes: a JSON object at rest (saved with
 * every turn) and a Lua table while a run node works on them. */
#ifndef LOKET_LVARS_H
#define LOKET_LVARS_H

#include "loket.h"
#include <jansson.h>
#include <lua.h>

/* Pushes v as a Lua value (objects and arrays as tables, null as nil). */
void lk_vars_push(lua_State *L, json_t *v);
/* The table at idx as a JSON object (new reference), or NULL with err set when it holds
 * what cannot be saved (functions, cycles, non-string keys) or its JSON text would exceed
 * max_bytes. */
json_t *lk_vars_from_lua(lua_State *L, int idx, size_t max_bytes, struct lk_error *err);

#endif
