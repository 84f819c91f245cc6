/* Reading the application-status CSV that staff export from their own system, for
 * `loket import status` and the `@status` directive of conversation tests. */
#ifndef LOKET_OFFICE_CSV_H
#define LOKET_OFFICE_CSV_H

#include "flow.h"
#include "store_office.h"

/* Reads path: a header row naming the columns (nomor, tahap required; nik, tanggal_lahir,
 * layanan, tanggal, keterangan optional; English names too), separated by comma, semicolon
 * or tab, fields optionally in double quotes. Good rows go to *rows (caller frees each
 * with lk_office_status_clear, then the array); every bad row is a finding in bad with
 * its line number. Returns LK_OK, or LK_ERR with err set when the file as a whole cannot
 * be used (unreadable, no header, a required column missing). */
int lk_office_csv_read(const char *path, struct lk_office_status **rows, size_t *n,
                       struct lk_diags *bad, struct lk_error *err);

#endif
