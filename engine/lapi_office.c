/* Lua-visible office methods on the run context 'c':
 *   c:status(number)            -> { number, service, stage, date, note } or nil
 *   c:status_nik(nik, birth)    -> the same, found by NIK together with the date of birth
 *   c:ticket{ category, description, contact, anonymous } -> ticket number ("ADU-...")
 *   c:recent(n)                 -> the citizen's last n messages before this one
 *   c:route(text [, flow])      -> "flow.node" the flows' keywords give for text, or nil
 * Tickets are added to the turn's batch, so they commit with the reply that shows their
 * number. The store's SQL lives in store_office.c; the engine owns the ticket counter. */
#include "lapi_office.h"
#include "engine_internal.h"
#include "log.h"
#include "match.h"
#include "runtime.h"
#include "store_office.h"
#include "validate.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELD_BYTES 2000

static struct lk_engine *engine_of(lua_State *L, struct lk_turn *t)
{
    if (!t->ud)
        luaL_error(L, "tidak ada mesin untuk giliran ini / no engine for this turn");
    return t->ud;
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (!value)
        return;
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

/* Pushes the status as a table (NIK left out: flows never need to show it). */
static void push_status(lua_State *L, const struct lk_office_status *s)
{
    lua_createtable(L, 0, 5);                      /* status */
    set_string(L, "number", s->number);
    set_string(L, "service", s->service);
    set_string(L, "stage", s->stage);
    set_string(L, "date", s->date);
    set_string(L, "note", s->note);
}

/* Pushes the lookup's result: the table, or nil when not found or broken (logged). */
static int status_result(lua_State *L, int rc, struct lk_office_status *s,
                         const struct lk_error *err)
{
    if (rc == LK_OK)
        push_status(L, s);
    else
        lua_pushnil(L);
    if (rc == LK_ERR)
        lk_error("cek status: %s", err->text);
    lk_office_status_clear(s);
    return 1;
}

/* c:status("KTP-250310-0042") */
static int l_status(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *number = luaL_checkstring(L, 2);
    struct lk_engine *e = engine_of(L, lk_runtime_current(L));
    struct lk_office_status s = {0};
    struct lk_error err;
    int rc = lk_office_status_find(e->store, number, &s, &err);
    return status_result(L, rc, &s, &err);
}

/* c:status_nik(nik, birth_date): both are normalised first (spaces in the NIK, any date
 * spelling the date validator knows). */
static int l_status_nik(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkstring(L, 2);
    luaL_checkstring(L, 3);
    struct lk_engine *e = engine_of(L, lk_runtime_current(L));
    char *nik = lk_validate(LK_VALID_NIK, lua_tostring(L, 2));
    char *birth = lk_validate(LK_VALID_DATE, lua_tostring(L, 3));
    struct lk_office_status s = {0};
    struct lk_error err;
    int rc = nik && birth ? lk_office_status_find_nik(e->store, nik, birth, &s, &err)
                          : LK_ENOTFOUND;
    free(nik);
    free(birth);
    return status_result(L, rc, &s, &err);
}

/* The string field 'key' of the table at idx, cut to MAX_FIELD_BYTES, or NULL. */
static char *table_string(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    char *s = NULL;
    if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
        size_t len;
        const char *z = lua_tolstring(L, -1, &len);
        s = lk_strndup(z, lk_utf8_cut(z, len, MAX_FIELD_BYTES));
    }
    lua_pop(L, 1);
    return s;
}

/* c:ticket{ category = "...", description = "...", contact = "...", anonymous = true } */
static int l_ticket(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    struct lk_turn *t = lk_runtime_current(L);
    struct lk_engine *e = engine_of(L, t);
    if (!t->batch)
        return luaL_error(L, "pengaduan hanya bisa dibuat dalam percakapan / tickets need a "
                             "conversation");
    if (e->office_ticket_id == 0) {
        struct lk_error err;
        int64_t max = lk_office_max_ticket_id(e->store, &err);
        if (max < 0)
            return luaL_error(L, "pengaduan tidak bisa disimpan / cannot store tickets: %s",
                              err.text);
        e->office_ticket_id = max;
    }
    lua_getfield(L, 2, "anonymous");
    int anonymous = lua_toboolean(L, -1);
    lua_pop(L, 1);
    char *category = table_string(L, 2, "category"), *desc = table_string(L, 2, "description");
    char *contact = anonymous ? NULL : table_string(L, 2, "contact");
    if (desc)
        lk_mask_nik(desc);
    int64_t now = lk_now_ms(), id = ++e->office_ticket_id;
    char *number = lk_office_ticket_number(id, now);
    struct lk_office_ticket tk = {id, number, t->conversation_id, t->channel,
                                  category ? category : "lainnya", desc ? desc : "", contact,
                                  anonymous, "open", now};
    lk_office_batch_ticket(t->batch, &tk);
    lua_pushstring(L, number);                     /* number */
    free(number);
    free(category);
    free(desc);
    free(contact);
    return 1;
}

struct recent {
    lua_State *L;
    lua_Integer n;
};

static int add_recent(const struct lk_message_row *m, void *ud)
{
    struct recent *r = ud;
    if (m->direction != LK_IN || !m->text || !*m->text)
        return 0;
    char *text = lk_strdup(m->text);
    lk_mask_nik(text);
    lua_pushstring(r->L, text);
    lua_rawseti(r->L, -2, ++r->n);                 /* list */
    free(text);
    return 0;
}

/* c:recent(n): up to n of the citizen's earlier messages, oldest first, NIKs masked. */
static int l_recent(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer want = luaL_optinteger(L, 2, 3);
    luaL_argcheck(L, want > 0 && want <= 20, 2, "1..20");
    struct lk_turn *t = lk_runtime_current(L);
    struct lk_engine *e = engine_of(L, t);
    struct lk_message_filter f = {t->conversation_id, 0, (int)want * 2};
    struct recent r = {L, 0};
    lua_newtable(L);                               /* list */
    if (lk_store_each_message(e->store, &f, add_recent, &r) != LK_OK)
        return 1;
    while (r.n > want) {                           /* keep the last 'want' */
        for (lua_Integer i = 1; i < r.n; i++) {
            lua_rawgeti(L, -1, i + 1);
            lua_rawseti(L, -2, i);
        }
        lua_pushnil(L);
        lua_rawseti(L, -2, r.n--);
    }
    return 1;
}

/* c:route(text [, flow]): where the keywords (of one flow, or all) would send text, so an
 * entry node can jump straight to what a citizen asked ("mau bikin ktp" -> "ktp.baru"). */
static int l_route(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *text = luaL_checkstring(L, 2);
    const char *only = luaL_optstring(L, 3, NULL);
    struct lk_turn *t = lk_runtime_current(L);
    struct lk_engine *e = t->ud;         /* none when a flow's tests run it */
    struct lk_node *best;
    if (e) {
        lk_words_read(e->route_words, text);
        best = lk_runtime_keyword_words(t->fs, e->route_words, only, NULL);
    } else {
        best = lk_runtime_keyword(t->fs, text, only, NULL);
    }
    if (!best) {
        lua_pushnil(L);
        return 1;
    }
    char *path = lk_node_path(best);
    lua_pushstring(L, path);                       /* "flow.node" */
    free(path);
    return 1;
}

static const luaL_Reg office_methods[] = {
    {"status", l_status}, {"status_nik", l_status_nik}, {"ticket", l_ticket},
    {"recent", l_recent}, {"route", l_route}, {NULL, NULL},
};

void lk_lapi_office_open(lua_State *L, void *ud)
{
    (void)ud;
    for (const luaL_Reg *m = office_methods; m->name; m++)
        lk_runtime_add_method(L, m->name, m->func);
}
