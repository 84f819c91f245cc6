/* The settings of a flow set: global command words, the standard texts the engine says
 * on its own (apology, expiry, re-prompt, help...), the session expiry, the main flow and
 * the human route. Defaults in Bahasa Indonesia and English; a settings{} file overrides
 * any of them. */
#ifndef LOKET_SETTINGS_H
#define LOKET_SETTINGS_H

#include "flow.h"
#include <lua.h>

void lk_settings_defaults(struct lk_settings *s);
/* Reads the settings{} table at idx over the current values. */
void lk_settings_read(struct lk_settings *s, lua_State *L, int idx, struct lk_diags *d,
                      const char *file);
/* Reads every command word once for matching (after the settings are final). */
void lk_settings_compile(struct lk_settings *s);
void lk_settings_free(struct lk_settings *s);

/* Names used in settings files: "restart", "back", ...; "error", "expired", ... */
const char *lk_command_name(enum lk_command c);
const char *lk_message_name(enum lk_message_key k);

#endif
