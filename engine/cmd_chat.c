/* loket chat: talk to the flows in a terminal through the same conversation and store
 * path the channels use. Reads lines from stdin (works piped), prints the replies with
 * numbered options once each turn is committed. */
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_LINE (100 * 1024)

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket chat [--flows DIR] [--db FILE] [--as ALAMAT]\n\n"
          "Bicara dengan alur di terminal; ketik pesan lalu Enter. Bisa juga lewat pipa.\n"
          "Talk to the flows in a terminal; type a message and press Enter. Works piped.\n\n"
          "  --flows DIR   folder alur / flow folder (default flows)\n"
          "  --db FILE     basis data / database (default data/loket.db)\n"
          "  --as ALAMAT   identitas warga / the citizen's address (default terminal)\n",
          out);
}

static void print_reply(const struct lk_reply *r)
{
    for (size_t i = 0; i < r->n_outs; i++) {
        char *s = lk_out_plain(&r->outs[i]);
        printf("%s\n", s);
        free(s);
    }
    fflush(stdout);
}

/* Reads one line of any length, keeping at most MAX_LINE bytes. NULL at end of input. */
static char *read_line(FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, in);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n > MAX_LINE)
        line[MAX_LINE] = '\0';
    return line;
}

static int chat_loop(struct lk_engine *e, const char *address)
{
    int tty = isatty(STDIN_FILENO);
    for (;;) {
        if (tty)
            fputs("> ", stdout), fflush(stdout);
        char *line = read_line(stdin);
        if (!line)
            return 0;
        struct lk_event ev = {.channel = "cli", .address = address, .text = line};
        struct lk_reply r;
        struct lk_error err;
        if (lk_conv_feed(e, &ev, NULL, NULL, &r, &err) == LK_OK) {
            if (lk_store_wait(lk_engine_store(e), r.ticket, 30000) != LK_OK)
                fprintf(stderr, "loket: giliran belum tersimpan, basis data sibuk atau penuh / "
                                "turn not saved yet: database busy or full\n");
            print_reply(&r);
            lk_reply_clear(&r);
        } else {
            fprintf(stderr, "loket: %s\n", err.text);
        }
        free(line);
    }
}

int lk_cmd_chat(int argc, char **argv)
{
    struct lk_engine_options opt = {.flows_dir = "flows", .db_path = "data/loket.db",
                                     .sync_full = 1};
    const char *address = "terminal";
    for (int i = 1; i < argc; i++) {
        if (lk_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        if (!lk_opt(argc, argv, &i, "--flows", &opt.flows_dir) &&
            !lk_opt(argc, argv, &i, "--db", &opt.db_path) &&
            !lk_opt(argc, argv, &i, "--as", &address)) {
            fprintf(stderr, "loket chat: opsi tidak dikenal / unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    lk_log_set_level(LK_LOG_WARN);
    struct lk_error err;
    struct lk_engine *e = lk_engine_new(&opt, &err);
    if (!e) {
        fprintf(stderr, "loket chat: %s\n", err.text);
        return 1;
    }
    int rc = chat_loop(e, address);
    lk_engine_free(e);
    return rc;
}
