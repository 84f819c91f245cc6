/* Conversations end to end through the real engine: real flow files in a temp folder,
 * a real SQLite file. Expiry, global commands, a removed node, a restart in the middle
 * of a flow, failures inside Lua, matching, variables and masking. */
#include "engine.h"
#include "harness.h"
#include "log.h"
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[256], flows[300], db[300];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", flows, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static const char *MAIN_FLOW =
    "return flow {\n"
    "  id = 'main', title = 'Menu',\n"
    "  start = menu { { 'Pilih layanan:', en = 'Choose a service:' },\n"
    "    { 'KTP-el', go = 'ktp' },\n"
    "    { 'Kartu Keluarga', en = 'Family card', go = 'kk' },\n"
    "    { 'Loop', go = 'loop' }, { 'Bom memori', go = 'bom' }, { 'Besar', go = 'besar' } },\n"
    "  kk = say { 'Info KK. GRATIS.', go = 'start' },\n"
    "  loop = run(function(c) while true do end end),\n"
    "  bom = run(function(c) local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end end),\n"
    "  besar = run(function(c) c.vars.big = string.rep('y', 100000) return 'start' end),\n"
    "}\n";

static const char *KTP_FLOW =
    "return flow {\n"
    "  id = 'ktp', title = 'KTP', keywords = { 'ktp', { 'ktp hilang', go = 'hilang' } },\n"
    "  start = menu { 'Layanan KTP:', { 'Rekam baru', go = 'baru' },\n"
    "    { 'KTP hilang', go = 'hilang' }, { 'Cek NIK', go = 'nik' } },\n"
    "  baru = say { 'Syarat rekam: umur 17, bawa KK.', go = 'start' },\n"
    "  hilang = say { 'KTP hilang: surat polisi dan KK.', go = 'start' },\n"
    "  nik = ask { 'Ketik NIK:', save = 'nik', check = valid.nik, retry = 'NIK salah.',\n"
    "    go = 'nik_ok' },\n"
    "  nik_ok = say { 'NIK {nik} diterima.', go = 'tanya_nama' },\n"
    "  tanya_nama = ask { 'Nama?', save = 'nama', go = 'halo' },\n"
    "  halo = run(function(c) c:say('Halo ' .. c.vars.nama) c.vars.sapa = true return 'start' end),\n"
    "}\n";

static struct lk_engine *open_engine(void)
{
    struct lk_engine_options opt = {.flows_dir = flows, .db_path = db, .sync_full = 0};
    struct lk_error err;
    struct lk_engine *e = lk_engine_new(&opt, &err);
    if (!e)
        printf("engine: %s\n", err.text);
    return e;
}

/* Feeds text as 'who' and returns every output as plain text joined by newlines. */
static char *say_as(struct lk_engine *e, const char *who, const char *text, const char *choice)
{
    struct lk_event ev = {.channel = "test", .address = who, .text = text, .choice_id = choice};
    struct lk_reply r;
    struct lk_error err;
    if (lk_conv_feed(e, &ev, NULL, NULL, &r, &err) != LK_OK)
        return strdup("");
    lk_store_wait(lk_engine_store(e), r.ticket, 10000);
    struct lk_buf b = {0};
    for (size_t i = 0; i < r.n_outs; i++) {
        char *s = lk_out_plain(&r.outs[i]);
        lk_buf_puts(&b, s);
        lk_buf_puts(&b, "\n");
        free(s);
    }
    lk_reply_clear(&r);
    return lk_buf_take(&b);
}

static int says(struct lk_engine *e, const char *who, const char *text, const char *want)
{
    char *out = say_as(e, who, text, NULL);
    int found = strstr(out, want) != NULL;
    if (!found)
        printf("  input '%.60s' -> '%s' (wanted '%s')\n", text, out, want);
    free(out);
    return found;
}

static long long db_count(const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    long long n = -1;
    sqlite3_open(db, &h);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

static void test_menu_and_matching(struct lk_engine *e)
{
    subtest("menu, matching, keywords");
    ok(says(e, "a", "halo", "1. KTP-el"), "a greeting shows the main menu");
    ok(says(e, "a", "2", "Info KK"), "a number picks an option");
    ok(says(e, "a", "no 2 kak", "Info KK"), "'no 2 kak' picks option 2");
    ok(says(e, "a", "KARTU KELUARGA!!", "Info KK"), "option words, caps and punctuation");
    ok(says(e, "a", "ktp sy ilang gmn", "surat polisi"), "keyword phrase with slang enters a node");
    ok(says(e, "a", "rekam baru", "Syarat rekam"), "words of an option in the KTP menu");
    ok(says(e, "a", "zzz qqq", "belum mengerti"), "unknown input gets a re-prompt");
    ok(says(e, "a", "xyz", "PETUGAS"), "a second miss offers a human");
    ok(says(e, "a", "1", "Syarat rekam"), "the menu still works after misses");
    char *out = say_as(e, "a", NULL, "ktp.start:hilang");
    ok(strstr(out, "surat polisi") != NULL, "a button id picks its option: %s", out);
    free(out);
    out = say_as(e, "a", NULL, "main.start:kk");
    ok(strstr(out, "Info KK") != NULL, "a button of an earlier menu still works: %s", out);
    free(out);
}

static void test_ask_and_vars(struct lk_engine *e)
{
    subtest("ask, validators, variables, masking");
    ok(says(e, "b", "ktp", "Layanan KTP"), "keyword enters the KTP flow");
    ok(says(e, "b", "3", "Ketik NIK"), "ask shows its question");
    ok(says(e, "b", "12345", "NIK salah"), "invalid NIK gets the retry text");
    char *out = say_as(e, "b", "3374 1012 0590 9991", NULL);
    ok(strstr(out, "3374********9991") != NULL, "NIK accepted and masked: %s", out);
    ok(strstr(out, "33741012") == NULL, "the full NIK is never echoed");
    free(out);
    ok(says(e, "b", "Siti", "Halo Siti"), "run reads a saved variable and says");
    ok(db_count("select count(*) from conversations where vars like '%\"sapa\":true%'") >= 1,
       "variables set in run are saved");
}

static void test_commands(struct lk_engine *e)
{
    subtest("global commands");
    says(e, "c", "halo", "Pilih");
    says(e, "c", "1", "Layanan KTP");
    ok(says(e, "c", "kembali", "Pilih layanan"), "back returns to the previous menu");
    says(e, "c", "1", "Layanan KTP");
    ok(says(e, "c", "menu", "Pilih layanan"), "menu restarts");
    ok(says(e, "c", "bantuan", "Perintah"), "help explains the commands");
    ok(says(e, "c", "english", "Choose a service"), "english switches language");
    ok(says(e, "c", "bahasa indonesia", "Pilih layanan"), "and back to Indonesian");
    ok(says(e, "c", "batal", "dibatalkan"), "cancel");
    ok(says(e, "c", "mau ngomong sm petugas aja", "petugas"), "asking for a human");
    ok(db_count("select count(*) from handoffs") >= 1, "a handoff request is stored");
    ok(says(e, "c", "halo?", "diteruskan ke petugas"), "while waiting for a human the bot says so");
    ok(says(e, "c", "menu", "Pilih layanan"), "menu takes the citizen back to the bot");
}

static void test_failures(struct lk_engine *e)
{
    subtest("failures inside Lua");
    says(e, "d", "halo", "Pilih");
    ok(says(e, "d", "3", "Maaf, terjadi gangguan"), "an endless loop ends with an apology");
    ok(says(e, "d", "2", "Info KK"), "the conversation is back at the menu");
    ok(says(e, "d", "4", "Maaf, terjadi gangguan"), "a memory bomb ends with an apology");
    ok(says(e, "d", "5", "Maaf, terjadi gangguan"), "variables over the size cap are refused");
    ok(says(e, "d", "2", "Info KK"), "the next turn goes on from the menu");
    ok(db_count("select count(*) from conversations where address = 'd' and length(vars) > 1000")
           == 0, "the stored row holds none of the refused variables");
    ok(says(e, "x", "halo", "Pilih"), "another conversation is unaffected");
    char bad[] = {'h', (char)0xff, (char)0xfe, 'i', 0};
    char *out = say_as(e, "d", bad, NULL);
    ok(out[0] != '\0', "invalid UTF-8 gets an answer");
    free(out);
    char *big = malloc(100 * 1024 + 1);
    memset(big, 'a', 100 * 1024);
    big[100 * 1024] = 0;
    ok(says(e, "d", big, "terlalu panjang"), "a 100 KB line is cut with a notice");
    free(big);
    ok(db_count("select max(length(text)) from messages where direction='in'") <= 4096,
       "stored input is capped");
}

static void test_expiry(struct lk_engine *e)
{
    subtest("expiry");
    int64_t now = lk_now_ms();
    lk_clock_set(now);
    says(e, "f", "halo", "Pilih");
    says(e, "f", "1", "Layanan KTP");
    lk_clock_set(now + 31 * 60000);
    ok(says(e, "f", "2", "sudah berakhir"), "after 31 minutes the session starts fresh");
    lk_clock_set(now + 40 * 60000);
    ok(says(e, "f", "2", "Info KK"), "and goes on normally");
    lk_clock_set(0);
}

static void test_restart_and_removed_node(void)
{
    subtest("restart in the middle of a flow, removed node");
    struct lk_engine *e = open_engine();
    says(e, "g", "halo", "Pilih");
    says(e, "g", "1", "Layanan KTP");
    says(e, "g", "3", "Ketik NIK");
    lk_engine_free(e);
    e = open_engine();
    ok(e && says(e, "g", "3374101205909991", "diterima"), "after a restart the ask continues");
    says(e, "h", "ktp", "Layanan KTP");
    lk_engine_free(e);
    write_file("ktp.lua", "return flow { id = 'ktp', title = 'KTP',\n"
                          "  mulai = say { 'x', go = 'start' },\n"
                          "  start = menu { 'KTP baru saja:', { 'Info', go = 'info' } },\n"
                          "  info = say { 'Info KTP.', go = 'start' } }\n");
    e = open_engine();
    char *out = say_as(e, "g", "apa", NULL);
    ok(strstr(out, "sudah diperbarui") && strstr(out, "KTP baru saja"),
       "a removed node: told, and taken to the flow's start: %s", out);
    free(out);
    ok(says(e, "h", "1", "Info KTP"), "a conversation at a node that still exists goes on");
    lk_engine_free(e);
}

/* The settings' timezone is the office's clock whatever the machine's is; an unknown one
 * keeps the flows from loading. */
static void test_timezone(void)
{
    subtest("the settings' timezone is the office's clock");
    setenv("TZ", "UTC0", 1);
    tzset();
    write_file("jam.lua", "return flow { id = 'jam', title = 'Jam', keywords = { 'jam berapa' },\n"
                          "  start = run(function(c) c:say('Pukul ' .. os.date('%H:%M %Z')) end) }\n");
    write_file("settings.lua", "return settings { timezone = 'wit' }\n");
    lk_clock_set(1764462600000);  /* 2025-11-30 00:30 UTC */
    struct lk_engine *e = open_engine();
    ok(e && says(e, "tz", "jam berapa", "Pukul 09:30 WIT"), "00:30 UTC is 09:30 in WIT");
    write_file("settings.lua", "return settings { timezone = 'WITA' }\n");
    struct lk_error rerr;
    ok(e && lk_engine_reload(e, &rerr) == LK_OK && says(e, "tz2", "jam berapa", "Pukul 09:30 WIT"),
       "a reload keeps the zone the process started with (setenv beside threads)");
    lk_engine_free(e);
    write_file("settings.lua", "return settings { timezone = 'Asia/Makassar' }\n");
    e = open_engine();
    ok(e && says(e, "tz", "jam berapa", "Pukul 08:30 WITA"), "a tz database name");
    lk_engine_free(e);
    write_file("settings.lua", "return settings { timezone = 'Mars/Olympus' }\n");
    struct lk_engine_options opt = {.flows_dir = flows, .db_path = db};
    struct lk_error err;
    e = lk_engine_new(&opt, &err);
    ok(!e && strstr(err.text, "settings.lua") && strstr(err.text, "Mars/Olympus"),
       "an unknown timezone is refused, naming it: %s", e ? "(opened)" : err.text);
    lk_engine_free(e);
    lk_clock_set(0);
    char path[512];
    snprintf(path, sizeof path, "%s/settings.lua", flows);
    unlink(path);
    snprintf(path, sizeof path, "%s/jam.lua", flows);
    unlink(path);
}

/* After every conversation above (interleaved, some across restarts and reloads), each
 * message links to its conversation's message before it, and each conversation to its
 * last: the links the store walks to read a conversation's history. */
static void test_message_links(void)
{
    subtest("each message links to the one before it in its conversation");
    ok(db_count("select count(*) from messages") > 50, "many messages stored");
    ok(db_count("select count(*) from messages m where prev_id is not (select max(p.id) from"
                " messages p where p.conversation_id = m.conversation_id and p.id < m.id)") == 0,
       "every prev_id is the conversation's message before");
    ok(db_count("select count(*) from conversations c where last_message_id is not (select"
                " max(id) from messages m where m.conversation_id = c.id)") == 0,
       "every last_message_id is the conversation's last message");
}

static void db_exec(const char *sql)
{
    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_exec(h, sql, NULL, NULL, NULL);
    sqlite3_close(h);
}

/* A stored position in shapes the engine does not write itself (spaces, escapes) is read
 * all the same, and written back as JSON. */
static void test_stored_position(void)
{
    subtest("stored position in other JSON shapes");
    struct lk_engine *e = open_engine();
    says(e, "p", "halo", "Pilih");
    says(e, "p", "1", "Layanan KTP");
    lk_engine_free(e);
    ok(db_count("select count(*) from conversations where address = 'p'"
                " and history like '[\"%\"]' and vars = '{}'") == 1,
       "history stored as a JSON array of node paths, no variables");
    db_exec("update conversations set history = ' ' || replace(replace(history, '.', '\\u002e'),"
            " ',', ' , ') || ' ', vars = '{ \"nama\" : \"Siti\" }' where address = 'p'");
    ok(db_count("select count(*) from conversations where address = 'p'"
                " and history like '%\\u002e%'") == 1, "the row now holds escapes");
    e = open_engine();
    ok(says(e, "p", "kembali", "Pilih layanan"), "back goes by the history read from it");
    lk_engine_free(e);
    ok(db_count("select count(*) from conversations where address = 'p' and json_valid(history)"
                " and json_type(history) = 'array' and vars = '{\"nama\":\"Siti\"}'") == 1,
       "and the position is written back as JSON, the variables kept");
}

static void test_reload(void)
{
    subtest("reload");
    struct lk_engine *e = open_engine();
    int64_t v1 = lk_engine_flow_version(e);
    write_file("kk.lua", "return flow { id = 'kk', start = say { 'x', go = 'nowhere' } }\n");
    struct lk_error err;
    ok(lk_engine_reload(e, &err) != LK_OK, "a set with an unknown target is refused");
    ok(strstr(err.text, "kk.lua") && strstr(err.text, "nowhere"), "naming file and target: %s",
       err.text);
    ok(lk_engine_flow_version(e) == v1, "the live set stays");
    write_file("kk.lua", "return flow { id = 'kk', start = say { 'KK baru.' } }\n");
    ok(lk_engine_reload(e, &err) == LK_OK, "a good set is taken: %s", err.text);
    ok(lk_engine_flow_version(e) != v1, "with a new version");
    lk_engine_free(e);
}

int main(void)
{
    lk_log_set_level(LK_LOG_QUIET);
    snprintf(dir, sizeof dir, "/tmp/loket-conv-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    snprintf(flows, sizeof flows, "%s/flows", dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    mkdir(flows, 0755);
    write_file("main.lua", MAIN_FLOW);
    write_file("ktp.lua", KTP_FLOW);
    struct lk_engine *e = open_engine();
    ok(e != NULL, "engine opens");
    if (!e)
        return th_report();
    test_menu_and_matching(e);
    test_ask_and_vars(e);
    test_commands(e);
    test_failures(e);
    test_expiry(e);
    lk_engine_free(e);
    test_stored_position();
    test_restart_and_removed_node();
    test_reload();
    test_message_links();
    test_timezone();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    return th_report();
}
