/* Built-in validators for ask nodes: number, yes/no, date, Indonesian mobile number,
 * email and NIK, each returning the value in one normal form, plus the NIK mask for
 * showing a NIK. Pure functions. Words are read through lk_norm, so "gk", "udh" and
 * "17 agt 1945" are understood as the matcher understands them. What to say when a value
 * is refused is the flow's retry text, not ours. */
#include "validate.h"
#include "loket.h"
#include "match.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INPUT_MAX 256 /* longer input is refused unread */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The input without surrounding blanks, as [*start, *start + *n). */
static void trim(const char *s, const char **start, size_t *n)
{
    size_t len = strlen(s);
    while (len && is_blank(*s))
        s++, len--;
    while (len && is_blank(s[len - 1]))
        len--;
    *start = s;
    *n = len;
}

/* Copies the digits of s into out (cap bytes with the NUL), skipping the characters in
 * skip; returns the digit count, or -1 on any other character or overflow. */
static int only_digits(const char *s, const char *skip, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s; s++) {
        if (strchr(skip, *s))
            continue;
        if (!is_digit(*s) || n + 1 >= cap)
            return -1;
        out[n++] = *s;
    }
    out[n] = '\0';
    return (int)n;
}

static int word_in(const char *w, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

/* ---- Number ------------------------------------------------------------------------ */

/* Which of '.' and ',' separates thousands (0 for none) and which decimals. Indonesian
 * first: "1.500" is 1500, "12,5" is 12.5; "1,500,000" and "1,500.75" are read English. */
static int number_seps(const char *s, size_t n, char *group, char *dec)
{
    size_t dots = 0, commas = 0, last_dot = 0, last_comma = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++, last_dot = i;
        else if (s[i] == ',')
            commas++, last_comma = i;
    }
    *group = *dec = 0;
    if (dots && commas) {
        *dec = last_dot > last_comma ? '.' : ',';
        *group = *dec == '.' ? ',' : '.';
        return (*dec == '.' ? dots : commas) == 1;
    }
    if (dots > 1 || commas > 1) {
        *group = dots ? '.' : ',';
        return 1;
    }
    if (commas)
        *dec = ',';
    else if (dots) {
        /* one dot: thousands when exactly 3 digits follow a 1-3 digit head not led by 0 */
        int thousands = n - last_dot - 1 == 3 && last_dot <= 3 && s[0] != '0';
        *(thousands ? group : dec) = '.';
    }
    return 1;
}

/* Appends the integer part's digits without leading zeros; groups after the first must
 * have exactly 3 digits. */
static int number_int(const char *s, size_t n, char group, struct lk_buf *out)
{
    size_t run = 0, groups = 0, base = out->len;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == group) {
            if (run == 0 || run > 3 || (groups && run != 3))
                return 0;
            groups++, run = 0;
            continue;
        }
        if (!is_digit(s[i]))
            return 0;
        if (!(out->len == base && s[i] == '0'))
            lk_buf_append(out, &s[i], 1);
        run++;
    }
    if (run == 0 || (groups && run != 3))
        return 0;
    if (out->len == base)
        lk_buf_append(out, "0", 1);
    return 1;
}

static int number_frac(const char *s, size_t n, struct lk_buf *out)
{
    lk_buf_append(out, ".", 1);
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        lk_buf_append(out, &s[i], 1);
    }
    return 1;
}

static char *valid_number(const char *input)
{
    const char *s;
    size_t n;
    trim(input, &s, &n);
    int neg = 0;
    if (n && (*s == '-' || *s == '+'))
        neg = *s == '-', s++, n--;
    char group, dec;
    if (!n || n > 40 || !is_digit(s[0]) || !is_digit(s[n - 1]) ||
        !number_seps(s, n, &group, &dec))
        return NULL;
    const char *point = dec ? memchr(s, dec, n) : NULL;
    size_t int_len = point ? (size_t)(point - s) : n;
    struct lk_buf out = {0};
    if (neg)
        lk_buf_append(&out, "-", 1);
    if (!number_int(s, int_len, group, &out) ||
        (point && !number_frac(point + 1, n - int_len - 1, &out))) {
        lk_buf_free(&out);
        return NULL;
    }
    if (!strcmp(out.data, "-0")) {
        lk_buf_free(&out);
        return lk_strdup("0");
    }
    return lk_buf_take(&out);
}

/* ---- Yes / no ---------------------------------------------------------------------- */

/* In normal form (lk_norm has already made "y" "ya", "gk"/"nggak"/"tdk" "tidak", "udh"
 * "sudah", "oke" "ok", "bnr" "benar"). "sudah", "mau", "bisa", "boleh" and "jadi" are
 * yes (answers to "Sudah punya KK?", "Mau lanjut?"); "belum", "jangan" and "salah" are
 * no. "tidak tahu", "tidak apa apa", "mungkin" are neither and ask again. */
static const char *const yes_words[] = {
    "baik", "benar", "betul", "bisa", "boleh", "iya", "iyaa", "iyap", "iyes", "jadi",
    "lanjut", "mau", "ok", "setuju", "siap", "sip", "sudah", "sure", "tentu", "ya",
    "yaa", "yap", "yeah", "yep", "yes", "yup",
};
static const char *const no_words[] = {
    "belum", "bukan", "jangan", "n", "nah", "no", "nope", "salah", "tidak",
};
static const char *const yesno_fillers[] = {
    "bapak", "bu", "deh", "dong", "ibu", "kak", "kok", "lah", "mas", "mbak", "min",
    "nih", "pak", "saja", "sih",
};

/* A thumbs up or down alone (any skin tone): 1, -1, or 0. */
static int thumb(const char *s)
{
    int up = strstr(s, "\xF0\x9F\x91\x8D") != NULL;   /* U+1F44D */
    int down = strstr(s, "\xF0\x9F\x91\x8E") != NULL; /* U+1F44E */
    return up == down ? 0 : up ? 1 : -1;
}

/* Yes when every word says yes; no when the first word says no and the rest say yes or
 * no ("tidak setuju", "gak mau", "nggak ya"); anything else is not an answer. An emoji
 * thumb alone answers too. */
static char *valid_yesno(const char *input)
{
    char *norm = lk_norm(input), *save = NULL;
    int first = 0, all_yes = 1, all_yesno = 1;
    if (!*norm)
        first = thumb(input);
    for (char *w = strtok_r(norm, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (word_in(w, yesno_fillers, COUNT(yesno_fillers)))
            continue;
        int yes = word_in(w, yes_words, COUNT(yes_words));
        int no = word_in(w, no_words, COUNT(no_words));
        if (!first)
            first = yes ? 1 : no ? -1 : 2;
        all_yes &= yes;
        all_yesno &= yes || no;
    }
    free(norm);
    if (first == 1 && all_yes)
        return lk_strdup("ya");
    if (first == -1 && all_yesno)
        return lk_strdup("tidak");
    return NULL;
}

/* ---- Date -------------------------------------------------------------------------- */

struct month {
    const char *name;
    int month;
};

/* Indonesian and English names and the abbreviations offices and citizens use. */
static const struct month months[] = {
    {"jan", 1},       {"januari", 1},  {"january", 1},  {"feb", 2},       {"februari", 2},
    {"february", 2},  {"peb", 2},      {"pebruari", 2}, {"mar", 3},       {"maret", 3},
    {"march", 3},     {"mrt", 3},      {"apr", 4},      {"april", 4},     {"mei", 5},
    {"may", 5},       {"jun", 6},      {"juni", 6},     {"june", 6},      {"jul", 7},
    {"juli", 7},      {"july", 7},     {"ags", 8},      {"agt", 8},       {"agu", 8},
    {"agus", 8},      {"agust", 8},    {"agustus", 8},  {"aug", 8},       {"august", 8},
    {"sep", 9},       {"sept", 9},     {"september", 9}, {"okt", 10},     {"oct", 10},
    {"oktober", 10},  {"october", 10}, {"nop", 11},     {"nopember", 11}, {"nov", 11},
    {"november", 11}, {"des", 12},     {"dec", 12},     {"desember", 12}, {"december", 12},
};

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int month_of(const char *w)
{
    for (size_t i = 0; i < COUNT(months); i++)
        if (!strcmp(w, months[i].name))
            return months[i].month;
    return 0;
}

/* Value of a word of 1..max_len digits, or -1. */
static int num_word(const char *w, size_t min_len, size_t max_len)
{
    size_t n = strlen(w);
    if (n < min_len || n > max_len)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(w[i]))
            return -1;
        v = v * 10 + (w[i] - '0');
    }
    return v;
}

/* Day, month and year from three words: "17 8 1945", "17 agustus 1945", "1945 08 17",
 * "august 17 1945". Two-digit years are refused: "45" could be 1945 or 2045. */
static int month_word(const char *w)
{
    int m = num_word(w, 1, 2);
    return m >= 0 ? m : month_of(w);
}

static void date_words(char **w, int *d, int *m, int *y)
{
    if ((*y = num_word(w[0], 4, 4)) >= 0) { /* ISO order */
        *m = month_word(w[1]);
        *d = num_word(w[2], 1, 2);
    } else if ((*m = month_of(w[0])) > 0) { /* "august 17 1945" */
        *d = num_word(w[1], 1, 2);
        *y = num_word(w[2], 4, 4);
    } else {
        *d = num_word(w[0], 1, 2);
        *m = month_word(w[1]);
        *y = num_word(w[2], 4, 4);
    }
}

/* "17081945" (ddmmyyyy). */
static int date_compact(const char *w, int *d, int *m, int *y)
{
    if (num_word(w, 8, 8) < 0)
        return 0;
    *d = (w[0] - '0') * 10 + (w[1] - '0');
    *m = (w[2] - '0') * 10 + (w[3] - '0');
    *y = num_word(w + 4, 4, 4);
    return 1;
}

static char *valid_date(const char *input)
{
    static const char *const skip[] = {"bu", "kak", "min", "pak", "tanggal"};
    char *norm = lk_norm(input), *w[3], *save = NULL;
    size_t n = 0;
    int d = -1, m = -1, y = -1, ok = 1;
    for (char *t = strtok_r(norm, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (word_in(t, skip, COUNT(skip)))
            continue;
        if (n == 3)
            ok = 0;
        else
            w[n++] = t;
    }
    if (ok && n == 3)
        date_words(w, &d, &m, &y);
    else if (ok && n == 1)
        date_compact(w[0], &d, &m, &y);
    free(norm);
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return NULL;
    return lk_sprintf("%04d-%02d-%02d", y, m, d);
}

/* ---- Phone ------------------------------------------------------------------------- */

/* Indonesian mobile numbers only (what WhatsApp and SMS replies need): 08.., +62 8..,
 * 62 8.., 0062 8..; 10-13 digits in the 0 form; spaces, dashes, dots and brackets ok. */
static char *valid_phone(const char *input)
{
    const char *s;
    size_t n;
    trim(input, &s, &n);
    int plus = n && *s == '+';
    char digits[32], raw[64];
    if (n >= sizeof raw)
        return NULL;
    memcpy(raw, s + plus, n - plus);
    raw[n - plus] = '\0';
    if (only_digits(raw, " -.()", digits, sizeof digits) < 0)
        return NULL;
    const char *p = digits;
    if (!strncmp(p, "0062", 4) && !plus)
        p += 4;
    else if (!strncmp(p, "62", 2))
        p += 2;
    else if (plus || *p != '0')
        return NULL;
    if (*p == '0')
        p++;
    size_t len = strlen(p);
    if (*p != '8' || len < 9 || len > 12)
        return NULL;
    return lk_sprintf("+62%s", p);
}

/* ---- Email ------------------------------------------------------------------------- */

static int local_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* Dot-atom local part: 1-64 characters, no leading, trailing or double dot. */
static int valid_local(const char *s, size_t n)
{
    if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(local_char(s[i]) || (s[i] == '.' && s[i + 1] != '.')))
            return 0;
    return 1;
}

static int label_ok(const char *s, size_t n)
{
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-'))
            return 0;
    }
    return 1;
}

/* Two or more labels; the last alphabetic (2+ letters) or an IDN "xn--" label. */
static int valid_domain(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return 0;
    size_t start = 0, labels = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        if (!label_ok(s + start, i - start))
            return 0;
        labels++;
        if (i == n) {
            const char *tld = s + start;
            size_t tn = i - start;
            if (tn >= 4 && !strncasecmp(tld, "xn--", 4))
                return labels >= 2;
            for (size_t k = 0; k < tn; k++)
                if (is_digit(tld[k]) || tld[k] == '-')
                    return 0;
            return labels >= 2 && tn >= 2;
        }
        start = i + 1;
    }
    return 0;
}

static char *valid_email(const char *input)
{
    const char *s;
    size_t n;
    trim(input, &s, &n);
    const char *at = memchr(s, '@', n);
    if (n > 254 || !at || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
        return NULL;
    size_t local = (size_t)(at - s);
    if (!valid_local(s, local) || !valid_domain(at + 1, n - local - 1))
        return NULL;
    char *out = lk_strndup(s, n);
    for (char *p = out + local + 1; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p += 32;
    return out;
}

/* ---- NIK --------------------------------------------------------------------------- */

/* The 38 provinces (Kemendagri codes). 91 and 94 also cover the older Papua numbering
 * (91 Papua Barat, 94 Papua), which many NIKs still carry. */
static int province_ok(int code)
{
    static const unsigned char codes[] = {
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
        61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
    };
    for (size_t i = 0; i < COUNT(codes); i++)
        if (codes[i] == code)
            return 1;
    return 0;
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* PP KK CC DDMMYY SSSS: DD has 40 added for women; the year has two digits, so 29
 * February is accepted in any year divisible by 4 (1900 and 2000 are both possible). */
static int nik_ok(const char *d)
{
    int day = two(d + 6), month = two(d + 8), yy = two(d + 10);
    if (day > 40)
        day -= 40;
    if (!province_ok(two(d)) || two(d + 2) == 0 || two(d + 4) == 0 ||
        !strncmp(d + 12, "0000", 4))
        return 0;
    if (month < 1 || month > 12 || day < 1)
        return 0;
    return day <= days_in_month(2000 + (yy % 4 == 0 ? 0 : 1), month);
}

static char *valid_nik(const char *input)
{
    char digits[24];
    const char *s;
    size_t n;
    trim(input, &s, &n);
    char raw[INPUT_MAX + 1];
    memcpy(raw, s, n);
    raw[n] = '\0';
    if (only_digits(raw, " .-", digits, sizeof digits) != 16 || !nik_ok(digits))
        return NULL;
    return lk_strdup(digits);
}

char *lk_nik_mask(const char *nik)
{
    char digits[24];
    if (!nik)
        return NULL;
    if (strnlen(nik, 64) >= 64 || only_digits(nik, " .-", digits, sizeof digits) != 16)
        return lk_strdup(nik);
    return lk_sprintf("%.4s********%.4s", digits, digits + 12);
}

/* ---- Table ------------------------------------------------------------------------- */

static const struct {
    const char *name;
    char *(*check)(const char *input);
} validators[LK_VALID__COUNT] = {
    [LK_VALID_NUMBER] = {"number", valid_number}, [LK_VALID_YESNO] = {"yesno", valid_yesno},
    [LK_VALID_DATE] = {"date", valid_date},       [LK_VALID_PHONE] = {"phone", valid_phone},
    [LK_VALID_EMAIL] = {"email", valid_email},    [LK_VALID_NIK] = {"nik", valid_nik},
};

char *lk_validate(enum lk_validator v, const char *input)
{
    if ((unsigned)v >= LK_VALID__COUNT || !input || strnlen(input, INPUT_MAX + 1) > INPUT_MAX)
        return NULL;
    return validators[v].check(input);
}

const char *lk_validator_name(enum lk_validator v)
{
    return (unsigned)v < LK_VALID__COUNT ? validators[v].name : NULL;
}

int lk_validator_by_name(const char *name)
{
    for (int v = 0; name && v < LK_VALID__COUNT; v++)
        if (!strcmp(name, validators[v].name))
            return v;
    return -1;
}
