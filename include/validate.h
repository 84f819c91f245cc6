/* Built-in validators for ask nodes: each checks what a citizen typed and returns the
 * value in a normal form. Pure functions, no state. */
#ifndef LOKET_VALIDATE_H
#define LOKET_VALIDATE_H

enum lk_validator {
    LK_VALID_NUMBER,  /* "12", "1.500", "12,5" -> "12", "1500", "12.5" */
    LK_VALID_YESNO,   /* ya/iya/y/yes/ok/betul/benar -> "ya"; tidak/nggak/gak/n/no/bukan -> "tidak" */
    LK_VALID_DATE,    /* dd-mm-yyyy, dd/mm/yyyy, "17 agustus 1945", "17 agt 1945" -> "1945-08-17" */
    LK_VALID_PHONE,   /* 08.., +62.., 62.., spaces/dashes ok -> "+6281234567890" */
    LK_VALID_EMAIL,   /* -> trimmed, domain lower-cased */
    LK_VALID_NIK,     /* 16 digits after removing spaces/dots/dashes, plausible province,
                         regency and district codes, DDMMYY a real date (day+40 for women),
                         serial not 0000 -> the 16 digits */
    LK_VALID__COUNT
};

/* Normal form of a valid input (newly allocated), or NULL when invalid. */
char *lk_validate(enum lk_validator v, const char *input);

/* "number", "yesno", "date", "phone", "email", "nik". */
const char *lk_validator_name(enum lk_validator v);
/* The validator with that name, or -1. */
int lk_validator_by_name(const char *name);

/* A NIK for showing: "3374********0001". Newly allocated; the input returned as a copy
 * when it is not 16 digits. */
char *lk_nik_mask(const char *nik);

#endif
