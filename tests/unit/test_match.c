/* Unit tests for match.c: normal form, slang, typo tolerance, menu numbers and words,
 * keyword phrases, commands, and hostile input (invalid UTF-8, empty, 100 KB). The
 * citizen strings are real ones from the "cara warga menulis" corpus. */
#include "harness.h"
#include "match.h"

#include <string.h>
#include <time.h>

static int norm_is(const char *in, const char *want)
{
    char *got = lk_norm(in);
    int same = !strcmp(got, want);
    if (!same)
        printf("# lk_norm(\"%s\") = \"%s\", want \"%s\"\n", in, got, want);
    free(got);
    return same;
}

static void test_norm(void)
{
    subtest("normal form");
    ok(lk_match_tables_ok(), "word tables sorted and unique");
    ok(norm_is("min mau bikin ktp gmn", "min mau buat ktp bagaimana"), "bikin, gmn");
    ok(norm_is("ktp sy ilang hrs gmn", "ktp saya hilang harus bagaimana"), "sy, ilang, hrs");
    ok(norm_is("KTP SAYA PATAH MIN", "ktp saya patah min"), "all caps");
    ok(norm_is("halooo", "halo"), "stretched letters");
    ok(norm_is("bangettt", "banget"), "bangettt");
    ok(norm_is("maaf", "maaf") && norm_is("haloo", "halo"), "a double letter stays (haloo is slang)");
    ok(norm_is("kk", "kk"), "kk is ambiguous, kept");
    ok(norm_is("P", "p"), "ping");
    ok(norm_is("1000", "1000"), "digits are not squeezed");
    ok(norm_is("  2.  ", "2"), "menu number with a dot");
    ok(norm_is("no 3 kak", "no 3 kak"), "no and kak kept");
    ok(norm_is("2\xEF\xB8\x8F\xE2\x83\xA3", "2"), "keycap emoji 2");
    ok(norm_is("\xF0\x9F\x94\x9F", "10"), "keycap ten");
    ok(norm_is("makasih min \xF0\x9F\x99\x8F\xF0\x9F\x8F\xBD", "terima kasih min"), "emoji go");
    ok(norm_is("sip makasih min", "sip terima kasih min"), "closing");
    ok(norm_is("anak sy udh 17 gmn bikin ktp", "anak saya sudah 17 bagaimana buat ktp"),
       "udh");
    ok(norm_is("ktp ilang pas mudik gmn ngurusnya", "ktp hilang pas mudik bagaimana urusnya"),
       "slang under -nya");
    ok(norm_is("chip ktp gk kebaca di bank", "chip ktp tidak kebaca di bank"), "gk");
    ok(norm_is("mau pecah kk dr ortu", "mau pecah kk dari orang tua"), "dr, ortu");
    ok(norm_is("bikin akte tp gk ada buku nikah", "buat akta tapi tidak ada buku nikah"),
       "akte, tp");
    ok(norm_is("akte lahir anak sy blm jadi2", "akta lahir anak saya belum jadi jadi"),
       "reduplication with 2");
    ok(norm_is("mau pindah ke jkt surat pindah dmn",
               "mau pindah ke jakarta surat pindah di mana"),
       "jkt, dmn");
    ok(norm_is("udh sebulan blm jd lelet bgt", "sudah sebulan belum jadi lelet banget"),
       "complaint");
    ok(norm_is("brp biayanya? bayar gk", "berapa biayanya bayar tidak"), "brp");
    ok(norm_is("mau ngomong sm orang aja", "mau ngomong sama orang saja"), "sm, aja");
    ok(norm_is("cek status KTP-250310-0042", "cek status ktp 250310 0042"), "reg number");
    ok(norm_is("E-KTP", "ktp"), "e-ktp");
    ok(norm_is("ektp saya", "ktp saya"), "ektp");
    ok(norm_is("Rekam KTP-el baru", "rekam ktp baru"), "ktp-el");
    ok(norm_is("assalamu'alaikum wr wb", "assalamualaikum wr wb"), "apostrophe joins");
    ok(norm_is("jum\xE2\x80\x99" "at", "jumat"), "curly apostrophe joins");
    ok(norm_is("Nuwun sewu, KTP kula ical", "nuwun sewu ktp kula ical"), "javanese");
    ok(norm_is("y", "ya") && norm_is("iya", "ya") && norm_is("iyaaa", "ya"), "y, iya");
    ok(norm_is("oke", "ok") && norm_is("okay", "ok") && norm_is("okeee", "ok"), "ok forms");
    ok(norm_is("gpp", "tidak apa apa"), "one word to three");
    ok(norm_is("pengen", "ingin") && norm_is("pgn", "ingin"), "pengen");
    ok(norm_is("mo", "mau") && norm_is("skrg", "sekarang"), "mo, skrg");
    ok(norm_is("no2", "no2"), "no2 is not reduplication");
    ok(norm_is("\xEF\xBD\x8B\xEF\xBD\x94\xEF\xBD\x90\xE3\x80\x80\xEF\xBC\x91", "ktp 1"),
       "full-width");
    ok(norm_is("Caf\xC3\xA9 \xD8\xA7\xD9\x84\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85",
               "caf\xC3\xA9 \xD8\xA7\xD9\x84\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85"),
       "non-ASCII letters kept");
    ok(norm_is("a\xC2\xA0" "b\xE2\x80\x94" "c", "a b c"), "nbsp and dash are spaces");
    ok(norm_is("", "") && norm_is("   ", "") && norm_is("?!...", ""), "empty");
    ok(norm_is(NULL, ""), "NULL");
}

static void test_norm_invalid_utf8(void)
{
    subtest("normal form of invalid UTF-8");
    ok(norm_is("ab\xFF" "cd", "ab cd"), "stray byte splits");
    ok(norm_is("\xC3", ""), "truncated sequence");
    ok(norm_is("ktp\xC0\xAF", "ktp"), "overlong");
    ok(norm_is("x\xED\xA0\x80z", "x z"), "surrogate");
    ok(norm_is("\xF4\x90\x80\x80" "ok", "ok"), "beyond U+10FFFF");
    char bytes[256];
    for (int i = 0; i < 255; i++)
        bytes[i] = (char)(i + 1);
    bytes[255] = '\0';
    char *all = lk_norm(bytes);
    ok(all != NULL && strstr(all, "0123456789") != NULL, "every byte: %s", all ? "" : "NULL");
    free(all);
}

static void test_word_like(void)
{
    subtest("typo tolerance");
    ok(lk_word_like("hilang", "hilang"), "same");
    ok(lk_word_like("hilng", "hilang"), "deletion");
    ok(lk_word_like("rusk", "rusak"), "4 letters, one edit");
    ok(lk_word_like("ruask", "rusak"), "transposition");
    ok(lk_word_like("kelahrian", "kelahiran"), "transposition, long");
    ok(lk_word_like("kelhran", "kelahiran") == 0, "2 edits need 8+ letters in both");
    ok(lk_word_like("kelahran", "kelahiran"), "8 letters: 1 edit");
    ok(lk_word_like("pendaftarn", "pendaftaran"), "one deletion, long");
    ok(lk_word_like("pendftarn", "pendaftaran"), "two deletions, 8+");
    ok(lk_word_like("pndftarn", "pendaftaran") == 0, "three edits");
    ok(lk_word_like("ktp", "kta") == 0, "under 4 letters: exact");
    ok(lk_word_like("kk", "kak") == 0, "kk is not kak");
    ok(lk_word_like("min", "admin") == 0, "min is not admin");
    ok(lk_word_like("data", "dana"), "4 letters may differ by one");
    ok(lk_word_like("2024", "2025") == 0, "numbers exact");
    ok(lk_word_like("ktp1", "ktp2") == 0, "words with digits exact");
    ok(lk_word_like("", "") && lk_word_like("", "a") == 0, "empty");
    ok(lk_word_like(NULL, "a") == 0, "NULL");
}

static void test_number(void)
{
    subtest("menu numbers");
    ok(lk_match_number("1") == 1, "1");
    ok(lk_match_number("2.") == 2, "2.");
    ok(lk_match_number("3)") == 3, "3)");
    ok(lk_match_number("(4)") == 4, "(4)");
    ok(lk_match_number("no 3 kak") == 3, "no 3 kak");
    ok(lk_match_number("no. 1") == 1, "no. 1");
    ok(lk_match_number("no1") == 1, "no1");
    ok(lk_match_number("nomor 2") == 2 && lk_match_number("nmr 2") == 2, "nomor, nmr");
    ok(lk_match_number("nomer 5") == 5, "nomer");
    ok(lk_match_number("pilih 2") == 2, "pilih 2");
    ok(lk_match_number("yg 1") == 1, "yg 1");
    ok(lk_match_number("saya pilih yang ke 2 min") == 2, "long form");
    ok(lk_match_number("2\xEF\xB8\x8F\xE2\x83\xA3") == 2, "keycap 2");
    ok(lk_match_number("3\xE2\x83\xA3") == 3, "keycap without variation selector");
    ok(lk_match_number("#1") == 1, "#1");
    ok(lk_match_number("satu") == 1 && lk_match_number("tiga") == 3, "satu, tiga");
    ok(lk_match_number("sepuluh") == 10, "sepuluh");
    ok(lk_match_number("yg kedua") == 2, "yg kedua");
    ok(lk_match_number("yang pertama kak") == 1, "pertama");
    ok(lk_match_number("12") == 12, "two digits");
    ok(lk_match_number("0") == 0, "0 is no choice");
    ok(lk_match_number("1000") == 0, "too big");
    ok(lk_match_number("1 2") == 0, "two numbers");
    ok(lk_match_number("2 anak") == 0, "2 anak is not a choice");
    ok(lk_match_number("udh 17 thn") == 0, "an age is not a choice");
    ok(lk_match_number("3374 1012 0590 9991") == 0, "a NIK is not a choice");
    ok(lk_match_number("1.500") == 0, "a sum is not a choice");
    ok(lk_match_number("akte lahir anak sy blm jadi2") == 0, "reduplication");
    ok(lk_match_number("no") == 0 && lk_match_number("") == 0, "no number");
    ok(lk_match_number(NULL) == 0, "NULL");
}

static const char *const opt_baru[] = {"Rekam KTP-el baru", "bikin", "buat", "baru"};
static const char *const opt_hilang[] = {"KTP hilang"};
static const char *const opt_rusak[] = {"KTP rusak", "patah", "chip"};
static const char *const opt_ubah[] = {"Ubah data KTP", "ganti"};
static const char *const opt_kembali[] = {"Kembali ke menu utama"};

static const struct lk_match_item ktp_menu[] = {
    {"baru", opt_baru, 4},     {"hilang", opt_hilang, 1}, {"rusak", opt_rusak, 3},
    {"ubah", opt_ubah, 2},     {"main", opt_kembali, 1},
};

/* The same menu with titles only. */
static const struct lk_match_item ktp_titles[] = {
    {"baru", opt_baru, 1},     {"hilang", opt_hilang, 1}, {"rusak", opt_rusak, 1},
    {"ubah", opt_ubah, 1},     {"main", opt_kembali, 1},
};

static int menu(const char *input)
{
    return lk_match_menu(input, ktp_menu, 5);
}

static void test_menu_numbers_and_ids(void)
{
    subtest("menu: numbers and ids");
    ok(menu("1") == 0, "1");
    ok(menu("2.") == 1, "2.");
    ok(menu("no 3 kak") == 2, "no 3 kak");
    ok(menu("4\xEF\xB8\x8F\xE2\x83\xA3") == 3, "keycap 4");
    ok(menu("lima") == 4, "lima");
    ok(menu("5") == 4, "last");
    ok(menu("6") == LK_MATCH_NONE, "out of range");
    ok(menu("no 9 kak") == LK_MATCH_NONE, "out of range with words");
    ok(menu("0") == LK_MATCH_NONE, "zero");
    ok(menu("hilang") == 1, "id");
    ok(menu("  MAIN ") == 4, "id, case and blanks");
    ok(lk_match_menu("1", ktp_menu, 0) == LK_MATCH_NONE, "no options");
    ok(lk_match_menu(NULL, ktp_menu, 5) == LK_MATCH_NONE, "NULL input");
    ok(lk_match_menu("1", NULL, 5) == LK_MATCH_NONE, "NULL options");
}

static void test_menu_words(void)
{
    subtest("menu: words");
    ok(menu("ktp hilang") == 1, "title words");
    ok(menu("ktp sy ilang hrs gmn") == 1, "informal");
    ok(menu("ktp ilang pas mudik gmn ngurusnya") == 1, "long informal");
    ok(menu("KTP SAYA PATAH MIN") == 2, "keyword patah");
    ok(menu("chip ktp gk kebaca di bank") == 2, "keyword chip");
    ok(menu("min mau bikin ktp gmn") == 0, "bikin -> buat");
    ok(menu("mau ganti status kawin di ktp") == 3, "keyword ganti");
    ok(menu("ubah data") == 3, "ubah data");
    ok(menu("kembali") == 4, "kembali");
    ok(menu("menu utama") == 4, "menu utama");
    ok(menu("hilng") == 1, "typo hilng");
    ok(menu("ktp rusk") == 2, "typo rusk");
    ok(menu("HILANGGG") == 1, "stretched caps");
    ok(menu("ktp") == LK_MATCH_AMBIGUOUS, "ktp is in four options");
    ok(menu("ktp hilang atau rusak") == LK_MATCH_AMBIGUOUS, "two options named");
    ok(menu("halooo") == LK_MATCH_NONE, "greeting");
    ok(menu("P") == LK_MATCH_NONE, "ping");
    ok(menu("kantornya dmn") == LK_MATCH_NONE, "other question");
    ok(menu("mau tanya kak") == LK_MATCH_NONE, "only stopwords");
    ok(menu("\xF0\x9F\x98\x8A\xF0\x9F\x98\x8A") == LK_MATCH_NONE, "only emoji");
    ok(menu("") == LK_MATCH_NONE, "empty");
    ok(lk_match_menu("KTP SAYA PATAH MIN", ktp_titles, 5) == LK_MATCH_AMBIGUOUS,
       "titles alone: patah is unknown, ktp ambiguous");
    ok(lk_match_menu("rusak", ktp_titles, 5) == 2, "titles alone: rusak");
    ok(lk_match_menu("ktp el baru", ktp_titles, 5) == 0, "titles alone: baru");
}

static void test_menu_weighing(void)
{
    subtest("menu: weighing and ties");
    static const char *const a[] = {"KTP hilang"};
    static const char *const b[] = {"KTP hilang atau rusak"};
    static const char *const c[] = {"Akta kelahiran"};
    const struct lk_match_item m1[] = {{"a", a, 1}, {"b", b, 1}, {"c", c, 1}};
    ok(lk_match_menu("ktp hilang", m1, 3) == 0, "the option fully named wins a tie");
    ok(lk_match_menu("ktp rusak", m1, 3) == 1, "rusak only in b");
    ok(lk_match_menu("akta kelahran", m1, 3) == 2, "typo in a long word");

    static const char *const ya[] = {"Ya"};
    static const char *const tidak[] = {"Tidak"};
    const struct lk_match_item yn[] = {{"y", ya, 1}, {"n", tidak, 1}};
    ok(lk_match_menu("ya kak", yn, 2) == 0, "stopword-only option matches");
    ok(lk_match_menu("iyaa kak", yn, 2) == 0, "iyaa -> ya");
    ok(lk_match_menu("betul", yn, 2) == LK_MATCH_NONE, "betul is for the yes/no validator");
    ok(lk_match_menu("gak", yn, 2) == 1, "gak -> tidak");

    static const char *const data[] = {"Ubah data"};
    static const char *const dana[] = {"Dana bantuan"};
    const struct lk_match_item dd[] = {{"d1", data, 1}, {"d2", dana, 1}};
    ok(lk_match_menu("data", dd, 2) == 0, "exact beats typo");
    ok(lk_match_menu("dana", dd, 2) == 1, "exact beats typo, other way");

    static const char *const syarat[] = {"Syarat"};
    static const char *const biaya[] = {"Biaya"};
    const struct lk_match_item sb[] = {{"s", syarat, 1}, {"b", biaya, 1}};
    ok(lk_match_menu("syaratnya apa aja", sb, 2) == 0, "-nya suffix");
    ok(lk_match_menu("brp biayanya?", sb, 2) == 1, "-nya suffix 2");

    static const char *const dengar[] = {"Dengar pengumuman"};
    static const char *const lain[] = {"Lainnya"};
    const struct lk_match_item dl[] = {{"x", dengar, 1}, {"y", lain, 1}};
    ok(lk_match_menu("dengan", dl, 2) == LK_MATCH_NONE, "a stopword does not typo-match");

    static const char *const nophr[] = {"x"};
    const struct lk_match_item odd[] = {{NULL, NULL, 0}, {"", nophr, 0}, {"q", nophr, 1}};
    ok(lk_match_menu("x", odd, 3) == 2, "options without id or phrases");
}

static void test_menu_many_options(void)
{
    subtest("menu: many options");
    static char titles[100][32], ids[100][16];
    static const char *phr[100];
    static struct lk_match_item items[100];
    for (int i = 0; i < 100; i++) {
        snprintf(titles[i], sizeof titles[i], "Layanan kode%d", i);
        snprintf(ids[i], sizeof ids[i], "opt%d", i);
        phr[i] = titles[i];
        items[i] = (struct lk_match_item){ids[i], &phr[i], 1};
    }
    ok(lk_match_menu("42", items, 100) == 41, "number in a long list");
    ok(lk_match_menu("kode7", items, 100) == 7, "word match among the first 64");
    ok(lk_match_menu("kode70", items, 100) == LK_MATCH_NONE, "words past 64 not read");
    ok(lk_match_menu("layanan", items, 100) == LK_MATCH_AMBIGUOUS, "shared word");
    ok(lk_match_menu("opt80", items, 100) == 80, "exact id past 64");
}

static void test_phrase(void)
{
    subtest("keyword phrases");
    int two = lk_match_phrase("ktp sy ilang", "ktp hilang");
    int one = lk_match_phrase("ktp sy ilang", "ktp");
    ok(two > one && one > 0, "ktp hilang (%d) beats ktp (%d)", two, one);
    ok(lk_match_phrase("ktp sy ilang", "akta") == 0, "missing word");
    ok(lk_match_phrase("ktp rusak", "ktp hilang") == 0, "one word missing is no match");
    ok(lk_match_phrase("bikin ktp", "e-ktp") > 0, "e-ktp keyword on ktp");
    ok(lk_match_phrase("ektp sy", "ktp el") > 0, "ktp el keyword on ektp");
    ok(lk_match_phrase("mau bikin akte", "akta kelahiran") == 0, "both words needed");
    ok(lk_match_phrase("calo nawarin ktp jadi 1 hari", "jadi jadi") == 0,
       "a repeated phrase word needs an input word of its own");
    ok(lk_match_phrase("ktp sy ga jadi jadi", "jadi jadi") > 0, "and matches when it has one");
    ok(lk_match_phrase("ktp ga jadi-jadi", "jadi jadi") > 0, "also written with a hyphen");
    ok(lk_match_phrase("akte kelahran anak", "akta kelahiran") > 0, "typo and slang");
    int exact = lk_match_phrase("akta kelahiran", "akta kelahiran");
    int typo = lk_match_phrase("akta kelahran", "akta kelahiran");
    ok(exact > typo, "exact (%d) beats typo (%d)", exact, typo);
    ok(lk_match_phrase("cara aktivasi ktp digital", "ikd") == 0, "ikd missing");
    ok(lk_match_phrase("cara aktivasi ktp digital", "ktp digital") > 0, "ktp digital");
    ok(lk_match_phrase("halo kak mau tanya", "halo") > 0, "stopword-only phrase");
    ok(lk_match_phrase("mau pindah ke jkt", "cara pindah") > 0, "stopwords in the phrase");
    ok(lk_match_phrase("ktp", "") == 0 && lk_match_phrase("", "ktp") == 0, "empty");
    ok(lk_match_phrase(NULL, "ktp") == 0 && lk_match_phrase("ktp", NULL) == 0, "NULL");
}

static const char *const human[] = {"admin", "petugas", "operator", "orang", "cs", "manusia"};
static const char *const english[] = {"english", "bahasa inggris"};
static const char *const menu_cmd[] = {"menu"};
static const char *const help[] = {"bantuan", "help"};

/* 1 when text is the alone phrase (lk_words_alone). */
static int alone(const char *text, const char *phrase)
{
    struct lk_words *in = lk_words_new(text), *ph = lk_words_new(phrase);
    int r = lk_words_alone(in, ph);
    lk_words_free(in);
    lk_words_free(ph);
    return r;
}

static void test_alone(void)
{
    subtest("alone keywords: the phrase and fillers, word for word");
    ok(alone("sip kak", "sip") && alone("ok makasih ya min", "makasih"), "with fillers");
    ok(alone("makasih bnyk", "makasih banyak") && alone("okeee", "oke"), "slang and stretching");
    ok(!alone("sip, yang rekam baru", "sip"), "saying more");
    ok(!alone("sim", "sip") && !alone("suap", "siap") && !alone("siapa", "siap") &&
           !alone("calo", "halo"),
       "no typos: a near word is another word");
    ok(!alone("", "sip") && !alone("kak", "sip"), "nothing, or only fillers");
}

static void test_command(void)
{
    subtest("commands");
    ok(lk_match_command("mau ngomong sm petugas aja", human, 6), "petugas with fillers");
    ok(lk_match_command("mau ngomong sm orang aja", human, 6), "orang");
    ok(lk_match_command("admin dong", human, 6), "admin dong");
    ok(lk_match_command("ADMIN!!!", human, 6), "caps");
    ok(lk_match_command("tolong sambungkan ke operator", human, 6), "sambungkan");
    ok(lk_match_command("i want to talk to a human", (const char *const[]){"human"}, 1),
       "english fillers");
    ok(lk_match_command("min mau bikin ktp", human, 6) == 0, "min is not admin");
    ok(lk_match_command("min", human, 6) == 0, "min alone is a ping");
    ok(lk_match_command("mau pecah kk dr ortu", human, 6) == 0, "ortu -> orang tua");
    ok(lk_match_command("gak mau ngomong sm admin", human, 6) == 0, "negation");
    ok(lk_match_command("admin ktp saya hilang", human, 6) == 0, "says more");
    ok(lk_match_command("admn dong", human, 6), "typo in the command");
    static const char *const back[] = {"kembali", "balik"};
    ok(lk_match_command("baik", back, 2) == 0 && lk_match_command("baik kak", back, 2) == 0,
       "baik ('fine', a stopword) is no typo of balik");
    ok(lk_match_command("balik", back, 2) && lk_match_command("blik", back, 2),
       "balik, and a typo of it");
    ok(lk_match_command("amin", human, 6) == 0, "amin (amen) is no typo of admin");
    ok(lk_match_command("hujan", (const char *const[]){"human"}, 1) == 0,
       "hujan (rain) is no typo of human");
    ok(lk_match_command("menu kak", menu_cmd, 1), "menu kak");
    ok(lk_match_command("kembali ke menu", menu_cmd, 1), "kembali ke menu");
    ok(lk_match_command("menu utama", menu_cmd, 1) == 0, "menu utama is not menu");
    ok(lk_match_command("tolong bantuan", help, 2), "tolong bantuan");
    ok(lk_match_command("bahasa inggris dong", english, 2), "multi-word command");
    ok(lk_match_command("pakai bahasa inggris", english, 2) == 0, "pakai is not filler");
    ok(lk_match_command("inggris", english, 2) == 0, "half a command");
    ok(lk_match_command("", human, 6) == 0 && lk_match_command("kak", human, 6) == 0,
       "nothing");
    ok(lk_match_command(NULL, human, 6) == 0 && lk_match_command("admin", NULL, 1) == 0,
       "NULL");
    ok(lk_match_command("admin", (const char *const[]){NULL, "", "admin"}, 3),
       "empty command words skipped");
}

static void test_hostile(void)
{
    subtest("hostile input");
    size_t big = 100 * 1024;
    char *s = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        s[i] = "ktp hilang \xFF\xC3 "[i % 15];
    s[big] = '\0';
    char *n = lk_norm(s);
    ok(n && strlen(n) < big, "lk_norm on 100 KB");
    free(n);
    clock_t t0 = clock();
    int r = menu(s);
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    ok(r == 1, "menu on 100 KB: %d", r);
    ok(ms < 50, "menu on 100 KB took %.2f ms", ms);
    ok(lk_match_number(s) == 0, "number on 100 KB");
    ok(lk_match_phrase(s, "ktp hilang") > 0, "phrase on 100 KB");
    ok(lk_match_command(s, human, 6) == 0, "command on 100 KB");

    memset(s, 'a', big); /* one 100 KB word */
    n = lk_norm(s);
    ok(n && !strcmp(n, "a"), "one long run squeezed");
    free(n);
    for (size_t i = 0; i < big; i++)
        s[i] = (char)('a' + i % 7);
    ok(menu(s) == LK_MATCH_NONE, "one 100 KB word");
    ok(lk_word_like(s, s), "long equal words");
    ok(lk_word_like(s, "abcdefg") == 0, "long and short");
    memset(s, 0xFF, big);
    ok(menu(s) == LK_MATCH_NONE && lk_match_number(s) == 0, "100 KB of invalid bytes");
    n = lk_norm(s);
    ok(n && !*n, "invalid bytes normalise to nothing");
    free(n);
    for (size_t i = 0; i + 4 <= big; i += 4)
        memcpy(s + i, "\xF0\x9F\x98\x82", 4);
    ok(menu(s) == LK_MATCH_NONE, "100 KB of emoji");
    for (size_t i = 0; i < big; i++)
        s[i] = (char)(i % 255 + 1);
    ok(menu(s) != 99, "all bytes");
    free(s);
}

static void test_speed(void)
{
    subtest("speed");
    const char *inputs[] = {"ktp sy ilang hrs gmn", "2.", "min mau bikin ktp gmn",
                            "KTP SAYA PATAH MIN", "mau ganti status kawin di ktp"};
    int rounds = 20000;
    clock_t t0 = clock();
    int sink = 0;
    for (int i = 0; i < rounds; i++)
        sink += menu(inputs[i % 5]);
    double us = (double)(clock() - t0) * 1e6 / CLOCKS_PER_SEC / rounds;
    printf("# lk_match_menu: %.2f us per call (sanitizers slow this down)\n", us);
    ok(sink != 12345 && us < 200, "lk_match_menu %.2f us per call", us);
}

int main(void)
{
    test_norm();
    test_norm_invalid_utf8();
    test_word_like();
    test_number();
    test_menu_numbers_and_ids();
    test_menu_words();
    test_menu_weighing();
    test_menu_many_options();
    test_phrase();
    test_command();
    test_alone();
    test_hostile();
    test_speed();
    return th_report();
}
