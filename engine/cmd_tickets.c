/* loket tickets: lists the complaint tickets citizens filed through the flows, for staff
 * who follow them up. Read-only. */
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "log.h"
#include "store_office.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket tickets [--status open] [--db FILE] [--flows DIR]\n\n"
          "Menampilkan pengaduan warga: nomor tiket, waktu, kategori, status, kontak, isi.\n"
          "Lists citizens' complaint tickets: number, time, category, status, contact, text.\n\n"
          "  --status S  hanya tiket berstatus S (misalnya open) / only tickets with status S\n"
          "  --db FILE   basis data / database (default data/loket.db)\n"
          "  --flows DIR alur, untuk zona waktu kantor / flows, for the office's timezone "
          "(default flows)\n", out);
}

struct listing {
    size_t n;
};

static int print_ticket(const struct lk_office_ticket *t, void *ud)
{
    struct listing *l = ud;
    char at[40];
    time_t secs = (time_t)(t->created_ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    strftime(at, sizeof at, "%Y-%m-%d %H:%M %Z", &tm);
    printf("%s  %s  %-6s  %s\n", t->number, at, t->status ? t->status : "-",
           t->category ? t->category : "-");
    printf("    kontak/contact: %s\n", t->anonymous ? "anonim / anonymous"
                                       : t->contact ? t->contact : "-");
    printf("    %s\n", t->description ? t->description : "");
    l->n++;
    return 0;
}

int lk_cmd_tickets(int argc, char **argv)
{
    const char *db = "data/loket.db", *status = NULL, *flows = "flows";
    for (int i = 1; i < argc; i++) {
        if (lk_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        if (!lk_opt(argc, argv, &i, "--db", &db) && !lk_opt(argc, argv, &i, "--status", &status) &&
            !lk_opt(argc, argv, &i, "--flows", &flows)) {
            fprintf(stderr, "loket tickets: opsi tidak dikenal / unknown option '%s'\n\n",
                    argv[i]);
            usage(stderr);
            return 2;
        }
    }
    lk_log_set_level(LK_LOG_WARN);
    lk_engine_use_timezone(flows);
    struct lk_error err;
    struct lk_store_options so = {.path = db, .read_only = 1};
    struct lk_store *st = lk_store_open(&so, &err);
    if (!st) {
        fprintf(stderr, "loket tickets: %s\n", err.text);
        return 1;
    }
    struct listing l = {0};
    int rc = lk_office_each_ticket(st, status, print_ticket, &l, &err);
    lk_store_close(st);
    if (rc != LK_OK) {
        fprintf(stderr, "loket tickets: %s\n", err.text);
        return 1;
    }
    printf("%zu tiket%s%s / %zu tickets\n", l.n, status ? " berstatus " : "", status ? status : "",
           l.n);
    return 0;
}
