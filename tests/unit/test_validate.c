/* Unit tests for validate.c: each validator's accepted forms and normal form, what it
 * refuses, the NIK rules from the Dukcapil notes (province, regency, district, date with
 * +40 for women, serial), the NIK mask, names, and hostile input. */
#include "harness.h"
#include "validate.h"

#include <string.h>

/* 1 when validating gives want (NULL: refused). */
static int gives(enum lk_validator v, const char *input, const char *want)
{
    char *got = lk_validate(v, input);
    int same = (!got && !want) || (got && want && !strcmp(got, want));
    if (!same)
        printf("# %s(\"%s\") = %s%s%s, want %s\n", lk_validator_name(v), input ? input : "NULL",
               got ? "\"" : "", got ? got : "NULL", got ? "\"" : "", want ? want : "NULL");
    free(got);
    return same;
}

#define NUM(in, want)   ok(gives(LK_VALID_NUMBER, in, want), "number %s", in)
#define YN(in, want)    ok(gives(LK_VALID_YESNO, in, want), "yesno %s", in)
#define DATE(in, want)  ok(gives(LK_VALID_DATE, in, want), "date %s", in)
#define PHONE(in, want) ok(gives(LK_VALID_PHONE, in, want), "phone %s", in)
#define EMAIL(in, want) ok(gives(LK_VALID_EMAIL, in, want), "email %s", in)
#define NIK(in, want)   ok(gives(LK_VALID_NIK, in, want), "nik %s", in)

static void test_number(void)
{
    subtest("number");
    NUM("12", "12");
    NUM(" 12 ", "12");
    NUM("1.500", "1500");
    NUM("1.500.000", "1500000");
    NUM("12,5", "12.5");
    NUM("1.500,75", "1500.75");
    NUM("1,500,000", "1500000");
    NUM("1,500.75", "1500.75");
    NUM("12.5", "12.5");
    NUM("1234.567", "1234.567");
    NUM("0.500", "0.500");
    NUM("007", "7");
    NUM("0", "0");
    NUM("-3", "-3");
    NUM("+4", "4");
    NUM("-0", "0");
    NUM("1,5", "1.5");
    NUM("", NULL);
    NUM("abc", NULL);
    NUM("12a", NULL);
    NUM("1.50.000", NULL);
    NUM("1..5", NULL);
    NUM(".5", NULL);
    NUM("5.", NULL);
    NUM("1,5,00", NULL);
    NUM("1.500,7,5", NULL);
    NUM("1 500", NULL);
    NUM("-", NULL);
    NUM("dua", NULL);
    NUM("12345678901234567890123456789012345678901", NULL);
}

static void test_yesno(void)
{
    subtest("yes/no");
    const char *yes[] = {"ya", "Ya", "YA!", "iya", "iyaa", "iyaaaa", "y", "Y", "yes", "yup",
                         "ok", "oke", "OKE KAK", "okay", "betul", "benar", "bnr", "boleh",
                         "setuju", "sudah", "udh", "udah", "ya kak", "iya min", "ya betul",
                         "ya sudah", "mau", "bisa", "sip", "\xF0\x9F\x91\x8D",
                         "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"};
    const char *no[] = {"tidak", "Tidak", "tdk", "nggak", "ngga", "gak", "ga", "gk", "enggak",
                        "engga", "no", "n", "N", "bukan", "belum", "blm", "jangan", "jgn",
                        "tidak kak", "gak mau", "tidak setuju", "nggak ya", "ga jadi", "salah",
                        "\xF0\x9F\x91\x8E"};
    const char *neither[] = {"", "   ", "mungkin", "ya tidak", "tidak tahu", "gak tau", "gpp",
                             "entahlah", "1", "kak", "ya tapi nanti", "\xF0\x9F\x98\x8A",
                             "\xF0\x9F\x91\x8D\xF0\x9F\x91\x8E", "yaya\xFF"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        YN(yes[i], "ya");
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        YN(no[i], "tidak");
    for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
        YN(neither[i], NULL);
}

static void test_date(void)
{
    subtest("date");
    DATE("17-08-1945", "1945-08-17");
    DATE("17/08/1945", "1945-08-17");
    DATE("17.08.1945", "1945-08-17");
    DATE("7-8-1945", "1945-08-07");
    DATE("17 agustus 1945", "1945-08-17");
    DATE("17 Agustus 1945", "1945-08-17");
    DATE("17 AGT 1945", "1945-08-17");
    DATE("17-agt-1945", "1945-08-17");
    DATE("17 aug 1945", "1945-08-17");
    DATE("17 August 1945", "1945-08-17");
    DATE("August 17, 1945", "1945-08-17");
    DATE("1945-08-17", "1945-08-17");
    DATE("17081945", "1945-08-17");
    DATE("tgl 17-08-1945", "1945-08-17");
    DATE("tanggal 1 januari 2000 kak", "2000-01-01");
    DATE("5 Mei 1990", "1990-05-05");
    DATE("10 nopember 1945", "1945-11-10");
    DATE("2 pebruari 2001", "2001-02-02");
    DATE("25 des 2024", "2024-12-25");
    DATE("3 okt 2023", "2023-10-03");
    DATE("29-02-2024", "2024-02-29");
    DATE("29-02-2000", "2000-02-29");
    DATE("29-02-1900", NULL);
    DATE("29-02-2023", NULL);
    DATE("31-04-2024", NULL);
    DATE("31 juni 2024", NULL);
    DATE("32-01-2024", NULL);
    DATE("00-01-2024", NULL);
    DATE("15-13-2024", NULL);
    DATE("15-00-2024", NULL);
    DATE("17-08-45", NULL);
    DATE("17 agustus", NULL);
    DATE("17 agustusan 1945", NULL);
    DATE("17 08 1945 18", NULL);
    DATE("1-1-1799", NULL);
    DATE("besok", NULL);
    DATE("", NULL);
    DATE("1945-17-08", NULL);
}

static void test_phone(void)
{
    subtest("phone");
    PHONE("081234567890", "+6281234567890");
    PHONE("0812-3456-7890", "+6281234567890");
    PHONE("0812 3456 7890", "+6281234567890");
    PHONE("0812.3456.7890", "+6281234567890");
    PHONE("+62 812 3456 7890", "+6281234567890");
    PHONE("+62-812-3456-7890", "+6281234567890");
    PHONE("62 812 3456 7890", "+6281234567890");
    PHONE("+62 (0)812 3456 7890", "+6281234567890");
    PHONE("0062 812 3456 7890", "+6281234567890");
    PHONE("0812345678", "+62812345678");       /* 10 digits */
    PHONE("0812345678901", "+62812345678901"); /* 13 digits */
    PHONE("081234567", NULL);                  /* 9 */
    PHONE("08123456789012", NULL);             /* 14 */
    PHONE("021 1234567", NULL);                /* a landline */
    PHONE("+1 415 555 0100", NULL);
    PHONE("812 3456 7890", NULL);
    PHONE("0812345678o", NULL);
    PHONE("08123/45678", NULL);
    PHONE("+", NULL);
    PHONE("", NULL);
    PHONE("1500537", NULL);
}

static void test_email(void)
{
    subtest("email");
    EMAIL("budi@example.com", "budi@example.com");
    EMAIL("  Budi.Santoso@Dukcapil.Semarangkota.GO.ID ",
          "Budi.Santoso@dukcapil.semarangkota.go.id");
    EMAIL("siti+ktp@gmail.com", "siti+ktp@gmail.com");
    EMAIL("a_b-c@mail-server.co.id", "a_b-c@mail-server.co.id");
    EMAIL("x@xn--p1ai.xn--p1ai", "x@xn--p1ai.xn--p1ai");
    EMAIL("budi", NULL);
    EMAIL("budi@", NULL);
    EMAIL("@example.com", NULL);
    EMAIL("budi@example", NULL);
    EMAIL("budi@@example.com", NULL);
    EMAIL("bu di@example.com", NULL);
    EMAIL("budi@exa mple.com", NULL);
    EMAIL("budi@example.c", NULL);
    EMAIL("budi@example.123", NULL);
    EMAIL(".budi@example.com", NULL);
    EMAIL("budi.@example.com", NULL);
    EMAIL("bu..di@example.com", NULL);
    EMAIL("budi@-example.com", NULL);
    EMAIL("budi@example-.com", NULL);
    EMAIL("budi@example..com", NULL);
    EMAIL("budi@.example.com", NULL);
    EMAIL("budi@example.com.", NULL);
    EMAIL("b\xC3\xBC" "di@example.com", NULL);
    EMAIL("\"budi\"@example.com", NULL);
    EMAIL("", NULL);
    char local[80];
    memset(local, 'a', 65);
    strcpy(local + 65, "@example.com");
    EMAIL(local, NULL);
    strcpy(local + 64, "@example.com");
    EMAIL(local, local);
}

static void test_nik(void)
{
    subtest("NIK");
    NIK("3374101205909991", "3374101205909991");        /* Kota Semarang, 12-05-90, man */
    NIK("3171035207880001", "3171035207880001");        /* Jakarta Pusat, 12-07-88, woman */
    NIK("1101010101000001", "1101010101000001");        /* Simeulue, Aceh */
    NIK("9471022902000123", "9471022902000123");        /* Kota Jayapura, 29-02-(20)00 */
    NIK("6471057101990002", "6471057101990002");        /* Balikpapan, 31-01-99, woman */
    NIK("3578016912960042", "3578016912960042");        /* Surabaya, woman, 29-12-96 */
    NIK("9171010101800001", "9171010101800001");        /* older Papua Barat code */
    NIK("9301011508050007", "9301011508050007");        /* Papua Selatan (2022) */
    NIK("6501010101010001", "6501010101010001");        /* Kalimantan Utara */
    NIK("3374 1012 0590 9991", "3374101205909991");     /* spaces, as citizens type */
    NIK("3374.1012.0590.9991", "3374101205909991");     /* dots */
    NIK("33-74-10-120590-9991", "3374101205909991");    /* dashes */
    NIK("  3374101205909991\n", "3374101205909991");
    NIK("337410120590999", NULL);                       /* 15 digits */
    NIK("33741012059099911", NULL);                     /* 17 digits */
    NIK("3374101205909O91", NULL);                      /* letter O */
    NIK("3374107205900001", NULL);                      /* day 72 */
    NIK("3374104005900001", NULL);                      /* day 40 */
    NIK("3374103205900001", NULL);                      /* day 32 */
    NIK("3374100005900001", NULL);                      /* day 00 */
    NIK("3374101213900001", NULL);                      /* month 13 */
    NIK("3374101200900001", NULL);                      /* month 00 */
    NIK("3374103102900001", NULL);                      /* 31 February */
    NIK("3374107102900001", NULL);                      /* 31 February, woman */
    NIK("3374102902010001", NULL);                      /* 29 February 2001 */
    NIK("3374106902040001", "3374106902040001");        /* 29 February 2004, woman */
    NIK("9974101205909991", NULL);                      /* province 99 */
    NIK("5401011205909991", NULL);                      /* 54: no longer a province */
    NIK("0074101205909991", NULL);                      /* province 00 */
    NIK("3300101205909991", NULL);                      /* regency 00 */
    NIK("3374001205909991", NULL);                      /* district 00 */
    NIK("3374101205900000", NULL);                      /* serial 0000 */
    NIK("3374_1012_0590_9991", NULL);
    NIK("NIK 3374101205909991", NULL);
    NIK("", NULL);
}

static int mask_is(const char *in, const char *want)
{
    char *got = lk_nik_mask(in);
    int same = got && !strcmp(got, want);
    if (!same)
        printf("# lk_nik_mask(\"%s\") = \"%s\"\n", in, got ? got : "NULL");
    free(got);
    return same;
}

static void test_mask_and_names(void)
{
    subtest("NIK mask and validator names");
    ok(mask_is("3374101205909991", "3374********9991"), "mask");
    ok(mask_is("3374 1012 0590 9991", "3374********9991"), "mask with spaces");
    ok(mask_is("12345", "12345"), "short input copied");
    ok(mask_is("", ""), "empty");
    ok(mask_is("33741012059099912222", "33741012059099912222"), "20 digits copied");
    ok(lk_nik_mask(NULL) == NULL, "NULL");
    const char *names[] = {"number", "yesno", "date", "phone", "email", "nik"};
    for (int v = 0; v < LK_VALID__COUNT; v++) {
        ok(!strcmp(lk_validator_name(v), names[v]), "name %d", v);
        ok(lk_validator_by_name(names[v]) == v, "by name %s", names[v]);
    }
    ok(lk_validator_by_name("NIK") == -1 && lk_validator_by_name(NULL) == -1, "unknown");
    ok(lk_validator_name(LK_VALID__COUNT) == NULL, "out of range name");
    ok(lk_validate(LK_VALID__COUNT, "1") == NULL, "out of range validator");
    ok(lk_validate((enum lk_validator)-1, "1") == NULL, "negative validator");
}

static void test_hostile(void)
{
    subtest("hostile input");
    size_t big = 100 * 1024;
    char *s = malloc(big + 1);
    memset(s, '1', big);
    s[big] = '\0';
    for (int v = 0; v < LK_VALID__COUNT; v++)
        ok(lk_validate(v, s) == NULL, "100 KB for %s", lk_validator_name(v));
    for (size_t i = 0; i < big; i++)
        s[i] = (char)(i % 255 + 1);
    s[200] = '\0';
    for (int v = 0; v < LK_VALID__COUNT; v++) {
        char *r = lk_validate(v, s);
        ok(r == NULL, "every byte for %s", lk_validator_name(v));
        free(r);
    }
    const char *bad[] = {"\xFF", "ya\xC3", "3374101205909991\xFF", "\xC0\xAF", "12\xE2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (int v = 0; v < LK_VALID__COUNT; v++) {
            char *r = lk_validate(v, bad[i]);
            ok(r == NULL || v == LK_VALID_YESNO, "invalid UTF-8 %zu for %s", i,
               lk_validator_name(v));
            free(r);
        }
    for (int v = 0; v < LK_VALID__COUNT; v++)
        ok(lk_validate(v, NULL) == NULL, "NULL for %s", lk_validator_name(v));
    free(s);
}

int main(void)
{
    test_number();
    test_yesno();
    test_date();
    test_phone();
    test_email();
    test_nik();
    test_mask_and_names();
    test_hostile();
    return th_report();
}
