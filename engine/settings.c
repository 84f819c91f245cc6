/* Settings of a flow set: defaults for the global commands and the engine's own texts,
 * reading a settings{} file over them, and the office's timezone. Knows nothing of
 * conversations. */
#include "settings.h"
#include "match.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

static const char *const command_names[LK_CMD__COUNT] = {
    "restart", "back", "cancel", "help", "human", "english", "indonesian",
};

static const char *const default_words[LK_CMD__COUNT][12] = {
    {"menu", "mulai", "start", "mulai lagi", "menu utama", "main menu", "restart", NULL},
    {"kembali", "back", "balik", "sebelumnya", NULL},
    {"batal", "cancel", "batalkan", "stop", NULL},
    {"bantuan", "help", "panduan", NULL},
    {"operator", "petugas", "cs", "admin", "customer service", "manusia", "orang",
     "agent", "human", "staf", NULL},
    {"english", "bahasa inggris", "in english", NULL},
    {"bahasa indonesia", "indonesia", "indonesian", NULL},
};

static const char *const message_names[LK_MSG__COUNT] = {
    "error", "expired", "not_understood", "offer_human", "removed", "cancelled", "help",
    "handoff", "handoff_waiting", "non_text", "too_long", "no_back", "retry", "language",
};

static const char *const default_messages[LK_MSG__COUNT][2] = {
    {"Maaf, terjadi gangguan pada layanan kami. Silakan coba lagi sebentar lagi, atau ketik "
     "MENU untuk kembali ke menu utama.",
     "Sorry, something went wrong on our side. Please try again shortly, or type MENU for "
     "the main menu."},
    {"Sesi Anda sebelumnya sudah berakhir karena lama tidak aktif. Kita mulai lagi dari awal "
     "ya.",
     "Your previous session ended after a while without activity. Let's start again."},
    {"Maaf, saya belum mengerti. Silakan pilih salah satu nomor di bawah ini.",
     "Sorry, I did not understand. Please choose one of the numbers below."},
    {"Sepertinya saya belum bisa membantu. Ketik PETUGAS untuk bicara dengan petugas kami.",
     "It seems I cannot help with that. Type OPERATOR to talk to one of our officers."},
    {"Maaf, bagian layanan yang tadi sedang Anda buka sudah diperbarui. Kita mulai lagi dari "
     "awal layanan ini.",
     "Sorry, the part of the service you were in has been updated. Let's start this service "
     "again."},
    {"Baik, dibatalkan.", "OK, cancelled."},
    {"Ketik nomor pilihan atau tulis pertanyaan Anda. Perintah: MENU (menu utama), KEMBALI "
     "(langkah sebelumnya), BATAL (batalkan), PETUGAS (bicara dengan petugas), ENGLISH "
     "(English).",
     "Type the number of an option or write your question. Commands: MENU (main menu), BACK "
     "(previous step), CANCEL, OPERATOR (talk to an officer), BAHASA INDONESIA."},
    {"Baik, percakapan Anda kami teruskan ke petugas. Mohon tunggu, petugas akan membalas di "
     "sini.",
     "All right, we are passing your conversation to an officer. Please wait, they will "
     "reply here."},
    {"Pesan Anda sudah kami terima dan diteruskan ke petugas. Ketik MENU untuk kembali ke "
     "layanan otomatis.",
     "We have received your message and passed it to an officer. Type MENU to return to the "
     "automatic service."},
    {"Maaf, layanan ini baru bisa membaca pesan teks. Silakan ketik pertanyaan Anda.",
     "Sorry, this service can only read text messages. Please type your question."},
    {"Pesan Anda terlalu panjang; hanya bagian awalnya yang kami baca.",
     "Your message is too long; we only read its beginning."},
    {"Tidak ada langkah sebelumnya.", "There is no previous step."},
    {"Maaf, jawaban belum sesuai. Silakan coba lagi.",
     "Sorry, that answer does not fit. Please try again."},
    {"Baik, kita lanjutkan dalam Bahasa Indonesia.", "All right, we will continue in English."},
};

const char *lk_command_name(enum lk_command c)
{
    return command_names[c];
}

const char *lk_message_name(enum lk_message_key k)
{
    return message_names[k];
}

static void free_compiled(struct lk_settings *s, enum lk_command c)
{
    for (size_t i = 0; s->command_words[c] && i < s->n_commands[c]; i++)
        lk_words_free(s->command_words[c][i]);
    free(s->command_words[c]);
    s->command_words[c] = NULL;
}

void lk_settings_compile(struct lk_settings *s)
{
    for (int c = 0; c < LK_CMD__COUNT; c++) {
        free_compiled(s, (enum lk_command)c);
        s->command_words[c] = lk_xcalloc(s->n_commands[c] + 1, sizeof *s->command_words[c]);
        for (size_t i = 0; i < s->n_commands[c]; i++)
            s->command_words[c][i] = lk_words_new(s->commands[c][i]);
    }
}

static void set_words(struct lk_settings *s, enum lk_command c, char **words, size_t n)
{
    free_compiled(s, c);
    for (size_t i = 0; i < s->n_commands[c]; i++)
        free(s->commands[c][i]);
    free(s->commands[c]);
    s->commands[c] = words;
    s->n_commands[c] = n;
}

void lk_settings_defaults(struct lk_settings *s)
{
    memset(s, 0, sizeof *s);
    for (int c = 0; c < LK_CMD__COUNT; c++) {
        size_t n = 0;
        while (default_words[c][n])
            n++;
        char **words = lk_xcalloc(n + 1, sizeof *words);
        for (size_t i = 0; i < n; i++)
            words[i] = lk_strdup(default_words[c][i]);
        set_words(s, (enum lk_command)c, words, n);
    }
    for (int k = 0; k < LK_MSG__COUNT; k++) {
        s->messages[k].id = lk_strdup(default_messages[k][0]);
        s->messages[k].en = lk_strdup(default_messages[k][1]);
    }
    s->expiry_minutes = 30;
    s->main_flow = lk_strdup("main");
}

static void read_commands(struct lk_settings *s, lua_State *L, int idx)
{
    for (int c = 0; c < LK_CMD__COUNT; c++) {
        lua_getfield(L, idx, command_names[c]);
        if (lua_type(L, -1) == LUA_TTABLE) {
            size_t n = (size_t)lua_rawlen(L, -1), k = 0;
            char **words = lk_xcalloc(n + 1, sizeof *words);
            for (size_t i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, (lua_Integer)i);
                if (lua_type(L, -1) == LUA_TSTRING)
                    words[k++] = lk_strdup(lua_tostring(L, -1));
                lua_pop(L, 1);
            }
            set_words(s, (enum lk_command)c, words, k);
        }
        lua_pop(L, 1);
    }
}

static void read_messages(struct lk_settings *s, lua_State *L, int idx)
{
    for (int k = 0; k < LK_MSG__COUNT; k++) {
        lua_getfield(L, idx, message_names[k]);
        const char *id = NULL, *en = NULL;
        if (lua_type(L, -1) == LUA_TSTRING) {
            id = lua_tostring(L, -1);
        } else if (lua_type(L, -1) == LUA_TTABLE) {
            lua_rawgeti(L, -1, 1);
            lua_getfield(L, -2, "en");
            id = lua_tostring(L, -2);
            en = lua_tostring(L, -1);
            lua_pop(L, 2);  /* still referenced by the table on the stack */
        }
        if (id) {
            free(s->messages[k].id);
            free(s->messages[k].en);
            s->messages[k].id = lk_strdup(id);
            s->messages[k].en = lk_strdup(en);
        }
        lua_pop(L, 1);
    }
}

static void replace_string(lua_State *L, int idx, const char *key, char **dst)
{
    lua_getfield(L, idx, key);
    if (lua_type(L, -1) == LUA_TSTRING) {
        free(*dst);
        *dst = lk_strdup(lua_tostring(L, -1));
    }
    lua_pop(L, 1);
}

/* Indonesia's three zones keep no daylight saving time, so a fixed POSIX rule is exact and
 * needs no tz database on the machine. */
static const struct {
    const char *name, *rule;
} zones[] = {{"WIB", "WIB-7"}, {"WITA", "WITA-8"}, {"WIT", "WIT-9"}, {"UTC", "UTC0"}};

/* The TZ value for a timezone setting: WIB, WITA, WIT, UTC, or a name in the system's tz
 * database ("Asia/Jayapura"); NULL when it is none of those. */
static char *timezone_rule(const char *name)
{
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        if (strcasecmp(name, zones[i].name) == 0)
            return lk_strdup(zones[i].rule);
    if (!*name || name[0] == '/' || strstr(name, ".."))
        return NULL;
    char *path = lk_sprintf("/usr/share/zoneinfo/%s", name);
    struct stat sb;
    int found = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    free(path);
    return found ? lk_strdup(name) : NULL;
}

static void read_timezone(struct lk_settings *s, lua_State *L, int idx, struct lk_diags *d,
                          const char *file)
{
    lua_getfield(L, idx, "timezone");
    char *rule = lua_type(L, -1) == LUA_TSTRING ? timezone_rule(lua_tostring(L, -1)) : NULL;
    if (rule) {
        free(s->timezone);
        s->timezone = rule;
    } else if (!lua_isnil(L, -1)) {
        lk_diags_add(d, 1, file, 0,
                     "settings: timezone '%s' tidak dikenal; pakai WIB, WITA, WIT, UTC atau "
                     "nama seperti Asia/Jakarta / unknown timezone; use WIB, WITA, WIT, UTC or "
                     "a name such as Asia/Jakarta",
                     luaL_tolstring(L, -1, NULL));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

int lk_settings_timezone_in_use(const struct lk_settings *s)
{
    const char *now = getenv("TZ");
    return !s->timezone || (now && strcmp(now, s->timezone) == 0);
}

void lk_settings_use_timezone(const struct lk_settings *s)
{
    if (lk_settings_timezone_in_use(s))
        return;
    setenv("TZ", s->timezone, 1);
    tzset();
}

void lk_settings_read(struct lk_settings *s, lua_State *L, int idx, struct lk_diags *d,
                      const char *file)
{
    lua_getfield(L, idx, "commands");
    if (lua_type(L, -1) == LUA_TTABLE)
        read_commands(s, L, lua_gettop(L));
    lua_pop(L, 1);
    lua_getfield(L, idx, "messages");
    if (lua_type(L, -1) == LUA_TTABLE)
        read_messages(s, L, lua_gettop(L));
    lua_pop(L, 1);
    lua_getfield(L, idx, "expiry_minutes");
    if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0 && lua_tointeger(L, -1) < 100000)
        s->expiry_minutes = (int)lua_tointeger(L, -1);
    else if (!lua_isnil(L, -1))
        lk_diags_add(d, 1, file, 0, "settings: expiry_minutes harus bilangan bulat positif / "
                                    "must be a positive whole number");
    lua_pop(L, 1);
    replace_string(L, idx, "main", &s->main_flow);
    replace_string(L, idx, "human", &s->human);
    read_timezone(s, L, idx, d, file);
}

void lk_settings_free(struct lk_settings *s)
{
    for (int c = 0; c < LK_CMD__COUNT; c++)
        set_words(s, (enum lk_command)c, NULL, 0);
    for (int k = 0; k < LK_MSG__COUNT; k++) {
        free(s->messages[k].id);
        free(s->messages[k].en);
    }
    free(s->main_flow);
    free(s->human);
    free(s->timezone);
}
