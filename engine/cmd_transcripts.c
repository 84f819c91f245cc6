/* loket transcripts: exports messages from the store as CSV (default) or JSON, for
 * operators who read conversations or move them elsewhere. Read-only. */
#include "cli.h"
#include "cli_opts.h"
#include "engine.h"
#include "log.h"
#include "store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket transcripts [--db FILE] [--conversation ID] [--since TANGGAL]\n"
          "                                   [--format csv|json] [--flows DIR]\n\n"
          "Mengekspor pesan (masuk dan keluar) ke keluaran standar.\n"
          "Exports messages (in and out) to standard output.\n\n"
          "  --db FILE          basis data / database (default data/loket.db)\n"
          "  --conversation ID  hanya satu percakapan / one conversation only\n"
          "  --since TANGGAL    sejak / since YYYY-MM-DD or \"YYYY-MM-DD HH:MM\" (office time)\n"
          "  --format csv|json  default csv\n"
          "  --flows DIR        alur, untuk zona waktu kantor / flows, for the office's timezone\n"
          "                     (default flows)\n", out);
}

static void iso_time(int64_t ms, char *buf, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static void csv_field(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static int print_csv(const struct lk_message_row *m, void *ud)
{
    (void)ud;
    char at[40];
    iso_time(m->at_ms, at, sizeof at);
    printf("%lld,%lld,", (long long)m->id, (long long)m->conversation_id);
    csv_field(m->channel);
    printf(",%s,%s,", m->direction == LK_IN ? "in" : "out", at);
    csv_field(m->flow);
    putchar(',');
    csv_field(m->node);
    printf(",%lld,", (long long)m->flow_version);
    csv_field(m->text);
    putchar(',');
    csv_field(m->payload);
    putchar(',');
    csv_field(m->external_id);
    putchar(',');
    csv_field(m->status);
    putchar('\n');
    return 0;
}

static int print_json(const struct lk_message_row *m, void *ud)
{
    int *first = ud;
    char at[40];
    iso_time(m->at_ms, at, sizeof at);
    json_t *o = json_pack("{s:I, s:I, s:s?, s:s, s:s, s:s?, s:s?, s:I, s:s?, s:s?, s:s?}",
                          "id", (json_int_t)m->id, "conversation", (json_int_t)m->conversation_id,
                          "channel", m->channel, "direction", m->direction == LK_IN ? "in" : "out",
                          "at", at, "flow", m->flow, "node", m->node,
                          "flow_version", (json_int_t)m->flow_version, "text", m->text,
                          "external_id", m->external_id, "status", m->status);
    json_t *payload = m->payload ? json_loads(m->payload, 0, NULL) : NULL;
    if (payload)
        json_object_set_new(o, "payload", payload);
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    printf("%s\n  %s", *first ? "" : ",", s);
    *first = 0;
    free(s);
    json_decref(o);
    return 0;
}

static int parse_since(const char *s, int64_t *ms)
{
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%d %H:%M", &tm);
    if (!end) {
        memset(&tm, 0, sizeof tm);
        end = strptime(s, "%Y-%m-%d", &tm);
    }
    if (!end || *end)
        return -1;
    tm.tm_isdst = -1;
    *ms = (int64_t)mktime(&tm) * 1000;
    return 0;
}

struct transcript_args {
    const char *db, *format, *flows, *since;
    struct lk_message_filter filter;
};

static int parse_args(int argc, char **argv, struct transcript_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (lk_is_help(argv[i])) {
            usage(stdout);
            exit(0);
        } else if (lk_opt(argc, argv, &i, "--db", &a->db) ||
                   lk_opt(argc, argv, &i, "--format", &a->format) ||
                   lk_opt(argc, argv, &i, "--flows", &a->flows) ||
                   lk_opt(argc, argv, &i, "--since", &a->since)) {
        } else if (lk_opt(argc, argv, &i, "--conversation", &v)) {
            a->filter.conversation_id = strtoll(v, NULL, 10);
        } else {
            fprintf(stderr, "loket transcripts: opsi tidak dikenal / unknown option '%s'\n",
                    argv[i]);
            return -1;
        }
    }
    if (strcmp(a->format, "csv") != 0 && strcmp(a->format, "json") != 0) {
        fprintf(stderr, "loket transcripts: --format csv atau json / csv or json\n");
        return -1;
    }
    lk_engine_use_timezone(a->flows);   /* --since and the times shown are office time */
    if (a->since && parse_since(a->since, &a->filter.since_ms) != 0) {
        fprintf(stderr, "loket transcripts: tanggal tidak dikenal / unknown date '%s' "
                        "(YYYY-MM-DD)\n", a->since);
        return -1;
    }
    return 0;
}

int lk_cmd_transcripts(int argc, char **argv)
{
    struct transcript_args a = {.db = "data/loket.db", .format = "csv", .flows = "flows"};
    if (parse_args(argc, argv, &a) != 0)
        return 2;
    lk_log_set_level(LK_LOG_ERROR);
    struct lk_error err;
    struct lk_store_options so = {.path = a.db, .read_only = 1};
    struct lk_store *st = lk_store_open(&so, &err);
    if (!st) {
        fprintf(stderr, "loket transcripts: %s\n", err.text);
        return 1;
    }
    int first = 1;
    if (strcmp(a.format, "csv") == 0) {
        puts("id,conversation,channel,direction,at,flow,node,flow_version,text,payload,"
             "external_id,status");
        lk_store_each_message(st, &a.filter, print_csv, NULL);
    } else {
        printf("[");
        lk_store_each_message(st, &a.filter, print_json, &first);
        printf("\n]\n");
    }
    lk_store_close(st);
    return 0;
}
