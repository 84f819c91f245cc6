/* Built-in validators for ask nodes: each checks what a citizen typed and returns the
 * value in a normal form. Pure functions, no state, thread-safe. Input over 256 bytes is
 * refused unread. */
#ifndef LOKET_VALIDATE_H
#define LOKET_VALIDATE_H

enum lk_validator {
    LK_VALID_NUMBER,  /* "12", "1.500", "12,5", "-3" -> "12", "1500", "12.5", "-3". Indonesian
                         separators first: one dot before exactly 3 digits groups thousands,
                         one comma is the decimal point; "1,500,000" and "1,500.75" are read
                         English. Leading zeros dropped. */
    LK_VALID_YESNO,   /* ya/iya/iyaa/y/yes/yup/ok/oke/betul/benar/boleh/setuju/sudah/mau/bisa
                         -> "ya"; tidak/tdk/nggak/gak/ga/enggak/no/n/bukan/belum/jangan/salah
                         -> "tidak"; address words ("kak", "min") ignored; "tidak setuju",
                         "gak mau" -> "tidak"; "ya tidak", "tidak tahu", "gpp" -> invalid;
                         a thumbs-up/down emoji alone answers too */
    LK_VALID_DATE,    /* dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy, d-m-yyyy, ddmmyyyy, yyyy-mm-dd,
                         "17 agustus 1945", "17 agt 1945", "17 aug 1945", "august 17 1945",
                         "tgl 17-08-1945" -> "1945-08-17". A real calendar date, year
                         1800-2200; two-digit years are refused (1945 or 2045?). */
    LK_VALID_PHONE,   /* Indonesian mobile: 08.., +62 8.., 62 8.., 0062 8..; spaces, dashes,
                         dots, brackets ok; 10-13 digits in the 0 form -> "+6281234567890" */
    LK_VALID_EMAIL,   /* one @, dot-atom local part (max 64), 2+ domain labels with an
                         alphabetic top level, max 254, ASCII only -> trimmed, domain
                         lower-cased */
    LK_VALID_NIK,     /* 16 digits after removing spaces/dots/dashes, a province among the 38
                         (incl. the older Papua codes 91/94), regency and district not 00,
                         DDMMYY a real date (day+40 for women), serial not 0000 -> the 16
                         digits */
    LK_VALID__COUNT
};

/* Normal form of a valid input (newly allocated), or NULL when invalid (or NULL). */
char *lk_validate(enum lk_validator v, const char *input);

/* "number", "yesno", "date", "phone", "email", "nik"; NULL when out of range. */
const char *lk_validator_name(enum lk_validator v);
/* The validator with that name, or -1. */
int lk_validator_by_name(const char *name);

/* A NIK for showing: "3374********0001". Newly allocated; spaces, dots and dashes in the
 * input are dropped first; the input returned as a copy when it is not 16 digits. NULL
 * gives NULL. */
char *lk_nik_mask(const char *nik);

#endif
