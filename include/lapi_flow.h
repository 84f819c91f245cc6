/* The flow DSL as Lua sees it: flow{}, say{}, ask{}, menu{}, run(), handoff{}, done{},
 * settings{}, data{}, the valid.* validators and mask_nik(). Each constructor only tags
 * its table with its kind and source line; flow_read.c reads the tables. */
#ifndef LOKET_LAPI_FLOW_H
#define LOKET_LAPI_FLOW_H

#include <lua.h>

/* Sandbox opener: adds the DSL to the base environment on top of the stack. */
void lk_lapi_flow_open(lua_State *L, void *ud);

/* The validator a value on the stack stands for (valid.nik, "nik"), or -1. */
int lk_lapi_flow_validator(lua_State *L, int idx);

#define LK_KIND_FIELD "__kind"
#define LK_LINE_FIELD "__line"

#endif
