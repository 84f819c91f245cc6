/* loket import status FILE.csv: loads application statuses exported by staff from their
 * own system into the store, upserting by registration number (or replacing the whole
 * table with --replace). Bad rows are reported with their line numbers; with --replace a
 * file with bad rows changes nothing, so a half-read export never wipes good data. */
#include "cli.h"
#include "cli_opts.h"
#include "log.h"
#include "office_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("Pemakaian / usage: loket import status FILE.csv [--db FILE] [--replace]\n\n"
          "Memuat status permohonan dari CSV hasil ekspor sistem kantor. Baris pertama adalah\n"
          "judul kolom: nomor dan tahap wajib; nik, tanggal_lahir, layanan, tanggal, keterangan\n"
          "boleh ada. Pemisah koma, titik koma atau tab. Nomor yang sudah ada diperbarui.\n"
          "Baris yang salah dilaporkan dengan nomor barisnya dan dilewati.\n"
          "Loads application statuses from a CSV exported by the office's system. The first\n"
          "row names the columns: nomor (number) and tahap (stage) are required; nik,\n"
          "tanggal_lahir (birth date), layanan (service), tanggal (date), keterangan (note)\n"
          "are optional. Existing numbers are updated; bad rows are reported by line.\n\n"
          "  --db FILE   basis data / database (default data/loket.db)\n"
          "  --replace   hapus semua status lama dulu; ditolak bila ada baris salah /\n"
          "              delete every old status first; refused when any row is bad\n\n"
          "Contoh / example:\n"
          "  nomor,nik,tanggal_lahir,layanan,tahap,tanggal,keterangan\n"
          "  KTP-250310-0042,,,KTP-el,Sudah dicetak,12-03-2025,Ambil di loket 3\n", out);
}

static int import(const char *csv, const char *db, int replace)
{
    struct lk_diags bad = {0};
    struct lk_error err;
    struct lk_office_status *rows;
    size_t n;
    int rc = 1;
    if (lk_office_csv_read(csv, &rows, &n, &bad, &err) != LK_OK) {
        fprintf(stderr, "loket import: %s\n", err.text);
        goto done;
    }
    for (size_t i = 0; i < bad.n; i++)
        fprintf(stderr, "%s:%d: baris dilewati / row skipped: %s\n", bad.items[i].file,
                bad.items[i].line, bad.items[i].text);
    if (replace && bad.n) {
        fprintf(stderr, "loket import: --replace ditolak karena ada %zu baris salah; perbaiki "
                        "dulu, data lama tidak diubah / --replace refused: %zu bad rows, the old "
                        "data is unchanged\n", bad.n, bad.n);
        for (size_t i = 0; i < n; i++)
            lk_office_status_clear(&rows[i]);
        free(rows);
        goto done;
    }
    struct lk_store_options so = {.path = db, .sync_full = 1, .group_delay_us = -1};
    struct lk_store *st = lk_store_open(&so, &err);
    if (!st) {
        fprintf(stderr, "loket import: %s\n", err.text);
        for (size_t i = 0; i < n; i++)
            lk_office_status_clear(&rows[i]);
        free(rows);
        goto done;
    }
    struct lk_batch *b = lk_batch_new();
    lk_office_batch_statuses(b, rows, n, replace, lk_now_ms());
    uint64_t ticket = lk_store_submit(st, b);
    struct lk_store_stats stats;
    int waited = lk_store_wait(st, ticket, 60000);
    lk_store_stats(st, &stats);
    lk_store_close(st);
    if (waited != LK_OK || stats.dropped) {
        fprintf(stderr, "loket import: gagal menyimpan (lihat log) / could not save (see the "
                        "log)\n");
        goto done;
    }
    printf("%zu status dimuat%s, %zu baris dilewati / %zu statuses loaded%s, %zu rows "
           "skipped\n", n, replace ? " (mengganti semua)" : "", bad.n, n,
           replace ? " (replacing all)" : "", bad.n);
    rc = bad.n ? 1 : 0;
done:
    lk_diags_free(&bad);
    return rc;
}

int lk_cmd_import(int argc, char **argv)
{
    const char *db = "data/loket.db", *kind = NULL, *csv = NULL;
    int replace = 0;
    for (int i = 1; i < argc; i++) {
        if (lk_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        if (lk_opt(argc, argv, &i, "--db", &db))
            continue;
        if (strcmp(argv[i], "--replace") == 0)
            replace = 1;
        else if (argv[i][0] == '-' || (kind && csv))
            break;
        else if (!kind)
            kind = argv[i];
        else
            csv = argv[i];
        if (i == argc - 1 && kind && csv)
            goto run;
    }
    if (!kind || !csv || strcmp(kind, "status") != 0) {
        fprintf(stderr, "loket import: perlu 'status FILE.csv' / needs 'status FILE.csv'\n\n");
        usage(stderr);
        return 2;
    }
run:
    lk_log_set_level(LK_LOG_WARN);
    return import(csv, db, replace);
}
