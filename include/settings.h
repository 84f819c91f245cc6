/* The settings of a flow set: global command words, the standard texts the engine says
 * on its own (apology, expiry, re-prompt, help...), the session expiry, the main flow and
 * the human route. Defaults in Bahasa Indonesia and English; a settings{} file overrides
 * any of them. */
#ifndef LOKET_SETTINGS_H
#define LOKET_SETTINGS_H

#include "diag.h"
#include "loket.h"
#include <lua.h>

struct lk_words;
struct lk_node;

/* A text in Bahasa Indonesia with an optional English version. */
struct lk_text {
    char *id;
    char *en;   /* NULL: use id */
};

enum lk_command {
    LK_CMD_RESTART, LK_CMD_BACK, LK_CMD_CANCEL, LK_CMD_HELP, LK_CMD_HUMAN,
    LK_CMD_ENGLISH, LK_CMD_INDONESIAN, LK_CMD__COUNT
};

enum lk_message_key {
    LK_MSG_ERROR, LK_MSG_EXPIRED, LK_MSG_NOT_UNDERSTOOD, LK_MSG_OFFER_HUMAN, LK_MSG_REMOVED,
    LK_MSG_CANCELLED, LK_MSG_HELP, LK_MSG_HANDOFF, LK_MSG_HANDOFF_WAITING, LK_MSG_NON_TEXT,
    LK_MSG_TOO_LONG, LK_MSG_NO_BACK, LK_MSG_RETRY, LK_MSG_LANG, LK_MSG__COUNT
};

struct lk_settings {
    char **commands[LK_CMD__COUNT];   /* NULL-terminated word lists */
    size_t n_commands[LK_CMD__COUNT];
    struct lk_words **command_words[LK_CMD__COUNT];  /* the same, read once */
    struct lk_text messages[LK_MSG__COUNT];
    int expiry_minutes;
    char *main_flow;                  /* flow a new conversation starts in ("main") */
    char *human;                      /* target of the human command; NULL: built-in */
    char *timezone;                   /* TZ value for the office's clock; NULL: the system's */
    struct lk_node *human_node;
};

void lk_settings_defaults(struct lk_settings *s);
/* Reads the settings{} table at idx over the current values. */
void lk_settings_read(struct lk_settings *s, lua_State *L, int idx, struct lk_diags *d,
                      const char *file);
/* Reads every command word once for matching (after the settings are final). */
void lk_settings_compile(struct lk_settings *s);
void lk_settings_free(struct lk_settings *s);
/* Makes the settings' timezone the process's local time, for os.date, office hours and log
 * lines; without one the system's stays. */
void lk_settings_use_timezone(const struct lk_settings *s);
/* 1 when the process already keeps the settings' timezone (or they name none). */
int lk_settings_timezone_in_use(const struct lk_settings *s);

/* Names used in settings files: "restart", "back", ...; "error", "expired", ... */
const char *lk_command_name(enum lk_command c);
const char *lk_message_name(enum lk_message_key k);

#endif
