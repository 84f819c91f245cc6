/* `loket serve`: reads the configuration file and the flags into lk_server_config and
 * runs the server. Flags win over the file; the file wins over the defaults. Nothing
 * here serves anything (server.c). */
#include "cli.h"
#include "loket.h"
#include "server.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Pemakaian / usage: loket serve [pilihan / options]\n"
    "\n"
    "Menjalankan layanan: halaman demo dan widget chat (HTTP + WebSocket), serta webhook\n"
    "WhatsApp bila LOKET_WA_* diisi.\n"
    "Runs the service: demo page and chat widget (HTTP + WebSocket), and the WhatsApp\n"
    "webhook when LOKET_WA_* is set.\n"
    "\n"
    "  --listen ALAMAT:PORT     alamat dan port / address and port (127.0.0.1:8080)\n"
    "  --flows FOLDER           folder alur / flows folder (flows)\n"
    "  --db BERKAS              database SQLite / SQLite file (data/loket.db)\n"
    "  --config BERKAS          berkas pengaturan `kunci = nilai` / settings file\n"
    "  --origin URL             Origin yang boleh membuka widget; boleh diulang, '*' = semua\n"
    "                           allowed page Origin; repeatable, '*' = any\n"
    "                           (bawaan / default: alamat --listen sendiri / the listen address)\n"
    "  --max-message BYTE       ukuran pesan terbesar / largest message (4096)\n"
    "  --rate N                 pesan per sambungan per 10 detik, 0 = tanpa batas\n"
    "                           messages per connection per 10 s, 0 = no limit (20)\n"
    "  --max-conns-per-ip N     sambungan per alamat klien, 0 = tanpa batas\n"
    "                           connections per client address, 0 = no limit (64)\n"
    "  --ping DETIK             ping setelah sekian detik diam, putus setelah 2x\n"
    "                           ping after idle seconds, hang up after twice that (30)\n"
    "  --history N              pesan lama yang dikirim saat melanjutkan / messages on resume (20)\n"
    "  --widget-dir FOLDER      berkas widget dan halaman demo / widget files (web-widget)\n"
    "  --sync full|normal       full: tiap balasan tahan mati listrik (bawaan)\n"
    "                           full: every reply survives power loss (default)\n"
    "  -h, --help               bantuan ini / this help\n"
    "\n"
    "Berkas pengaturan / settings file (contoh / example):\n"
    "  listen = 0.0.0.0:8080\n"
    "  origin = https://disdukcapil.example.go.id\n"
    "  rate = 20\n";

static int fail(const char *msg, const char *arg)
{
    fprintf(stderr, "loket serve: %s: %s\n", msg, arg ? arg : "");
    fprintf(stderr, "Lihat / see: loket serve --help\n");
    return -1;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* "ADDR:PORT", "[v6]:PORT", ":PORT" or "PORT". */
static int parse_listen(struct lk_server_config *c, const char *v)
{
    const char *colon = strrchr(v, ':');
    long port;
    if (!colon) {
        if (parse_int(v, 1, 65535, &port))
            return fail("port tidak sah / invalid port", v);
        c->port = (int)port;
        return 0;
    }
    if (parse_int(colon + 1, 1, 65535, &port))
        return fail("port tidak sah / invalid port", v);
    size_t n = (size_t)(colon - v);
    if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
        v++;
        n -= 2;
    }
    if (n >= sizeof c->host)
        return fail("alamat terlalu panjang / address too long", v);
    if (n)
        snprintf(c->host, sizeof c->host, "%.*s", (int)n, v);
    c->port = (int)port;
    return 0;
}

static int add_origin(struct lk_server_config *c, const char *v)
{
    char o[512];
    size_t n;
    if (c->n_origins == LK_SERVER_MAX_ORIGINS)
        return fail("terlalu banyak origin / too many origins", v);
    snprintf(o, sizeof o, "%s", v);
    n = strlen(o);
    while (n && o[n - 1] == '/')  /* an Origin has no path: accept "https://x.id/" */
        o[--n] = '\0';
    if (!n || (strcmp(o, "*") && !strstr(o, "://")))
        return fail("origin harus seperti / must look like https://contoh.go.id", v);
    c->origins[c->n_origins++] = lk_strdup(o);
    return 0;
}

static int set_path(char *dst, size_t cap, const char *v)
{
    if (!*v || strlen(v) >= cap)
        return fail("jalur tidak sah / invalid path", v);
    snprintf(dst, cap, "%s", v);
    return 0;
}

/* One setting by name, from a flag (without "--") or a settings-file key. */
static int set_option(struct lk_server_config *c, const char *key, const char *v)
{
    long n;
    if (!strcmp(key, "listen"))
        return parse_listen(c, v);
    if (!strcmp(key, "flows"))
        return set_path(c->flows_dir, sizeof c->flows_dir, v);
    if (!strcmp(key, "db"))
        return set_path(c->db_path, sizeof c->db_path, v);
    if (!strcmp(key, "widget-dir") || !strcmp(key, "widget_dir")) {
        c->widget_dir_set = 1;
        return set_path(c->widget_dir, sizeof c->widget_dir, v);
    }
    if (!strcmp(key, "origin") || !strcmp(key, "origins")) {
        char buf[4096], *save = NULL;
        snprintf(buf, sizeof buf, "%s", v);
        for (char *t = strtok_r(buf, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
            if (add_origin(c, t))
                return -1;
        return 0;
    }
    if (!strcmp(key, "sync")) {
        if (strcmp(v, "full") && strcmp(v, "normal"))
            return fail("sync harus / must be full|normal", v);
        c->sync_full = !strcmp(v, "full");
        return 0;
    }
    if (!strcmp(key, "max-message") || !strcmp(key, "max_message")) {
        if (parse_int(v, 64, 1 << 20, &n))
            return fail("ukuran tidak sah (64..1048576) / invalid size", v);
        c->max_message = (size_t)n;
        return 0;
    }
    struct {
        const char *name, *alt;
        int *dst;
        long hi;
    } ints[] = {{"rate", "rate", &c->rate, 60000},
                {"max-conns-per-ip", "max_conns_per_ip", &c->max_conns_per_ip, 1000000},
                {"ping", "ping", &c->ping_s, 3600},
                {"history", "history", &c->history, 200}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (strcmp(key, ints[i].name) && strcmp(key, ints[i].alt))
            continue;
        if (parse_int(v, 0, ints[i].hi, &n))
            return fail("angka tidak sah / invalid number", v);
        *ints[i].dst = (int)n;
        return 0;
    }
    return fail("pilihan tidak dikenal / unknown option", key);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int read_config(struct lk_server_config *c, const char *path)
{
    char line[4096];
    int lineno = 0, rc = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return fail("berkas pengaturan tidak bisa dibuka / cannot open settings file", path);
    while (!rc && fgets(line, sizeof line, fp)) {
        lineno++;
        char *s = trim(line), *eq;
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (!(eq = strchr(s, '='))) {
            fprintf(stderr, "loket serve: %s:%d: baris tanpa '=' / line without '='\n", path,
                    lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        if (set_option(c, trim(s), trim(eq + 1))) {
            fprintf(stderr, "loket serve: di / in %s:%d\n", path, lineno);
            rc = -1;
        }
    }
    fclose(fp);
    return rc;
}

static int parse_args(struct lk_server_config *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)  /* the file first, so flags override it */
        if (!strcmp(argv[i], "--config") && i + 1 < argc && read_config(c, argv[i + 1]))
            return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        char key[64];
        if (strncmp(a, "--", 2))
            return fail("argumen tidak dikenal / unexpected argument", a);
        const char *eq = strchr(a, '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq ? (size_t)(eq - a - 2) : strlen(a + 2)),
                 a + 2);
        if (eq)
            v = eq + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        else
            return fail("nilai kurang / missing value for", a);
        if (!strcmp(key, "config"))
            continue;
        if (set_option(c, key, v))
            return -1;
    }
    return 0;
}

int lk_cmd_serve(int argc, char **argv)
{
    struct lk_server_config c;
    int rc;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 0;
        }
    lk_server_config_defaults(&c);
    if (parse_args(&c, argc, argv)) {
        lk_server_config_free(&c);
        return 2;
    }
    rc = lk_server_run(&c);
    lk_server_config_free(&c);
    return rc;
}
