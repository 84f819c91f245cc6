/* loket: reads the subcommand and hands over to it. No logic lives here. */
#include "cli.h"
#include "loket.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"serve", lk_cmd_serve, "jalankan layanan (web, WhatsApp) / run the service"},
    {"chat", lk_cmd_chat, "bicara dengan alur di terminal / talk to the flows in a terminal"},
    {"check", lk_cmd_check, "periksa berkas alur / lint the flow files"},
    {"test", lk_cmd_test, "jalankan tes percakapan / run the conversation tests"},
    {"graph", lk_cmd_graph, "gambar alur (DOT, Mermaid) / draw a flow"},
    {"transcripts", lk_cmd_transcripts, "ekspor percakapan / export transcripts"},
    {"import", lk_cmd_import, "muat data (status permohonan) / import data"},
    {"tickets", lk_cmd_tickets, "daftar pengaduan / list complaint tickets"},
};

static void usage(FILE *out)
{
    fprintf(out, "Loket %s — mesin percakapan layanan publik / public-service conversation "
                 "engine\n\nPemakaian / usage: loket PERINTAH [opsi]\n\n", LK_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n'loket PERINTAH --help' menjelaskan tiap perintah / explains each command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("loket %s\n", LK_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "loket: perintah tidak dikenal / unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
