/* The office area of the Lua context 'c' that run functions receive: application status
 * lookups, complaint tickets that commit with the turn, and the citizen's recent messages
 * (for a handoff summary). SQL is store_office.c's; this file only turns it into Lua. */
#ifndef LOKET_LAPI_OFFICE_H
#define LOKET_LAPI_OFFICE_H

#include <lua.h>

/* Sandbox opener: adds c:status, c:status_nik, c:ticket, c:recent and c:route. */
void lk_lapi_office_open(lua_State *L, void *ud);

#endif
