/* The status CSV: splits a file into records (quotes, doubled quotes, line breaks inside
 * quotes, a UTF-8 byte-order mark), maps the header's column names, validates each row
 * (NIK and date through validate.c) and reports bad rows by line number. No SQL here:
 * store_office.c writes what this returns. */
#include "office_csv.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CSV_BYTES (64 * 1024 * 1024)
#define MAX_FIELDS 32

enum col { C_NUMBER, C_NIK, C_BIRTH, C_SERVICE, C_STAGE, C_DATE, C_NOTE, C__COUNT };

static const struct {
    const char *name;
    enum col col;
} col_names[] = {
    {"nomor", C_NUMBER},          {"no", C_NUMBER},          {"nomor_registrasi", C_NUMBER},
    {"no_registrasi", C_NUMBER},  {"nomor_permohonan", C_NUMBER}, {"number", C_NUMBER},
    {"nik", C_NIK},               {"tanggal_lahir", C_BIRTH}, {"tgl_lahir", C_BIRTH},
    {"lahir", C_BIRTH},           {"birth_date", C_BIRTH},    {"layanan", C_SERVICE},
    {"jenis_layanan", C_SERVICE}, {"service", C_SERVICE},     {"tahap", C_STAGE},
    {"status", C_STAGE},          {"stage", C_STAGE},         {"tanggal", C_DATE},
    {"tgl", C_DATE},              {"tanggal_status", C_DATE}, {"date", C_DATE},
    {"keterangan", C_NOTE},       {"catatan", C_NOTE},        {"note", C_NOTE},
};

/* One record: its fields (pointers into a scratch copy) and the line it started on. */
struct record {
    char *field[MAX_FIELDS];
    int n, line, too_many;
};

struct reader {
    const char *p, *end;
    int line;
    char sep;
    struct lk_buf scratch;
};

/* Reads the next record; 0 at end of input. Fields are NUL-separated in r->scratch. */
static int next_record(struct reader *rd, struct record *rec)
{
    if (rd->p >= rd->end)
        return 0;
    size_t offs[MAX_FIELDS];
    rd->scratch.len = 0;
    rec->n = 0;
    rec->too_many = 0;
    rec->line = rd->line;
    int quoted = 0, field_start = 1;
    offs[rec->n++] = 0;
    while (rd->p < rd->end) {
        char ch = *rd->p++;
        if (quoted) {
            if (ch == '"' && rd->p < rd->end && *rd->p == '"') {
                lk_buf_append(&rd->scratch, "\"", 1);
                rd->p++;
            } else if (ch == '"') {
                quoted = 0;
            } else {
                rd->line += ch == '\n';
                lk_buf_append(&rd->scratch, &ch, 1);
            }
            continue;
        }
        if (ch == '"' && field_start) {
            quoted = 1;
            field_start = 0;
        } else if (ch == rd->sep) {
            lk_buf_append(&rd->scratch, "", 1);
            if (rec->n < MAX_FIELDS)
                offs[rec->n++] = rd->scratch.len;
            else
                rec->too_many = 1;
            field_start = 1;
        } else if (ch == '\n') {
            rd->line++;
            break;
        } else if (ch != '\r') {
            lk_buf_append(&rd->scratch, &ch, 1);
            field_start = 0;
        }
    }
    lk_buf_append(&rd->scratch, "", 1);
    for (int i = 0; i < rec->n; i++)
        rec->field[i] = rd->scratch.data + offs[i];
    return 1;
}

/* Trims blanks in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int blank_record(const struct record *rec)
{
    for (int i = 0; i < rec->n; i++)
        if (*trim(rec->field[i]))
            return 0;
    return 1;
}

/* The separator the header uses most: ',', ';' or tab. */
static char guess_separator(const char *p, const char *end)
{
    int counts[3] = {0}, quoted = 0;
    const char seps[3] = {',', ';', '\t'};
    for (; p < end && (*p != '\n' || quoted); p++) {
        if (*p == '"')
            quoted = !quoted;
        for (int i = 0; i < 3 && !quoted; i++)
            counts[i] += *p == seps[i];
    }
    int best = 0;
    for (int i = 1; i < 3; i++)
        if (counts[i] > counts[best])
            best = i;
    return seps[best];
}

static int column_of(const char *name)
{
    char norm[64];
    size_t k = 0;
    for (; *name && k + 1 < sizeof norm; name++)
        norm[k++] = (*name == ' ' || *name == '-') ? '_' : (char)tolower((unsigned char)*name);
    norm[k] = '\0';
    for (size_t i = 0; i < sizeof col_names / sizeof col_names[0]; i++)
        if (strcmp(norm, col_names[i].name) == 0)
            return (int)col_names[i].col;
    return -1;
}

static char *slurp(const char *path, size_t *size, struct lk_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        lk_error_set(err, "%s: tidak bisa dibuka / cannot be opened", path);
        return NULL;
    }
    struct lk_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len <= MAX_CSV_BYTES)
        lk_buf_append(&b, chunk, n);
    fclose(fp);
    if (b.len > MAX_CSV_BYTES) {
        lk_buf_free(&b);
        lk_error_set(err, "%s: berkas lebih dari 64 MB / file over 64 MB", path);
        return NULL;
    }
    *size = b.len;
    lk_buf_append(&b, "", 1);
    return lk_buf_take(&b);
}

/* Validates one record into s; returns NULL, or why the row is bad (static text). */
static const char *read_row(const struct record *rec, const int *map, int n_cols,
                            struct lk_office_status *s)
{
    char *v[C__COUNT] = {0};
    if (rec->too_many || rec->n > n_cols)
        return "kolom lebih banyak dari judul / more fields than the header";
    for (int i = 0; i < rec->n; i++) {
        char *f = trim(rec->field[i]);
        if (map[i] >= 0 && *f)
            v[map[i]] = f;
    }
    if (!v[C_NUMBER])
        return "nomor kosong / the number is empty";
    if (!v[C_STAGE])
        return "tahap kosong / the stage is empty";
    char *nik = v[C_NIK] ? lk_validate(LK_VALID_NIK, v[C_NIK]) : NULL;
    if (v[C_NIK] && !nik)
        return "NIK tidak sah (harus 16 digit yang benar) / invalid NIK";
    char *birth = v[C_BIRTH] ? lk_validate(LK_VALID_DATE, v[C_BIRTH]) : NULL;
    if (v[C_BIRTH] && !birth) {
        free(nik);
        return "tanggal lahir tidak terbaca (pakai 17-08-1990 atau 1990-08-17) / unreadable "
               "date of birth";
    }
    *s = (struct lk_office_status){lk_strdup(v[C_NUMBER]), nik, birth, lk_strdup(v[C_SERVICE]),
                                   lk_strdup(v[C_STAGE]), lk_strdup(v[C_DATE]),
                                   lk_strdup(v[C_NOTE])};
    return NULL;
}

/* Maps header fields to columns; LK_ERR when a required column is missing. */
static int read_header(struct record *rec, int *map, const char *path, struct lk_error *err)
{
    int seen[C__COUNT] = {0};
    for (int i = 0; i < rec->n; i++) {
        map[i] = column_of(trim(rec->field[i]));
        if (map[i] >= 0 && seen[map[i]]++)
            map[i] = -1;  /* a second column of the same kind is ignored */
    }
    if (!seen[C_NUMBER] || !seen[C_STAGE]) {
        lk_error_set(err, "%s:%d: baris judul harus memuat kolom 'nomor' dan 'tahap' (juga "
                          "boleh: nik, tanggal_lahir, layanan, tanggal, keterangan) / the header "
                          "needs columns 'nomor' and 'tahap'", path, rec->line);
        return LK_ERR;
    }
    return LK_OK;
}

int lk_office_csv_read(const char *path, struct lk_office_status **rows, size_t *n,
                       struct lk_diags *bad, struct lk_error *err)
{
    size_t size;
    *rows = NULL;
    *n = 0;
    char *text = slurp(path, &size, err);
    if (!text)
        return LK_ERR;
    struct reader rd = {text, text + size, 1, 0, {0}};
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        rd.p += 3;
    rd.sep = guess_separator(rd.p, rd.end);
    struct record rec;
    int map[MAX_FIELDS], n_cols = 0, rc = LK_OK;
    while (next_record(&rd, &rec) && blank_record(&rec))
        ;
    if (rd.scratch.data == NULL || rec.n == 0 || blank_record(&rec)) {
        lk_error_set(err, "%s: berkas kosong / empty file", path);
        rc = LK_ERR;
    } else if ((rc = read_header(&rec, map, path, err)) == LK_OK) {
        n_cols = rec.n;
        while (next_record(&rd, &rec)) {
            if (blank_record(&rec))
                continue;
            struct lk_office_status s;
            const char *why = read_row(&rec, map, n_cols, &s);
            if (why) {
                lk_diags_add(bad, 1, path, rec.line, "%s", why);
                continue;
            }
            *rows = lk_xrealloc(*rows, (*n + 1) * sizeof **rows);
            (*rows)[(*n)++] = s;
        }
    }
    lk_buf_free(&rd.scratch);
    free(text);
    return rc;
}
