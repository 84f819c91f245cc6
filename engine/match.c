/* Reading what citizens type: the word tables, characters (UTF-8, classes), the normal
 * form of a message (lk_norm) and a text read into words for the matchers (struct toks,
 * match_tokenize, lk_words). Pure functions: no state, no Lua, no allocation except
 * lk_norm's and lk_words_new's results. The matchers themselves (similarity, menus,
 * phrases, commands) are in match_menu.c; which command or flow wins, and what to say
 * when nothing matches, belong to conversation.c and runtime.c. */
#include "match.h"
#include "loket.h"
#include "match_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Word tables: sorted by strcmp, searched with bsearch -------------------------- */

struct slang {
    const char *from, *to;
};

/* Informal spelling -> standard word(s). Words that mean two things stay as they are:
 * "kk" (kakak or Kartu Keluarga), "no" (nomor or English no), "min" and "kak" (address
 * terms the command matcher skips). Every spelling of KTP-el becomes "ktp": all KTPs are
 * electronic now, and one form lets "e-ktp", "ektp" and "KTP-el" match each other. */
static const struct slang slang[] = {
    {"abis", "habis"},            {"aj", "saja"},               {"aja", "saja"},
    {"ajah", "saja"},             {"akte", "akta"},             {"aq", "aku"},
    {"ato", "atau"},              {"atw", "atau"},              {"bbrp", "beberapa"},
    {"bener", "benar"},           {"bgmn", "bagaimana"},        {"bgmna", "bagaimana"},
    {"bgt", "banget"},            {"bikin", "buat"},            {"bkin", "buat"},
    {"bkn", "bukan"},             {"blh", "boleh"},             {"blm", "belum"},
    {"bln", "bulan"},             {"blom", "belum"},            {"blum", "belum"},
    {"bngt", "banget"},           {"bnr", "benar"},             {"bnyk", "banyak"},
    {"bpk", "bapak"},             {"brapa", "berapa"},          {"brp", "berapa"},
    {"bs", "bisa"},               {"bsa", "bisa"},              {"bsk", "besok"},
    {"byk", "banyak"},            {"cepet", "cepat"},           {"cpt", "cepat"},
    {"dah", "sudah"},             {"dapet", "dapat"},           {"dg", "dengan"},
    {"dgn", "dengan"},            {"dimana", "di mana"},        {"dl", "dulu"},
    {"dlu", "dulu"},              {"dmn", "di mana"},           {"dpt", "dapat"},
    {"dr", "dari"},               {"dri", "dari"},              {"ektp", "ktp"},
    {"emang", "memang"},          {"emg", "memang"},            {"engga", "tidak"},
    {"enggak", "tidak"},          {"ga", "tidak"},              {"gaada", "tidak ada"},
    {"gak", "tidak"},             {"gapapa", "tidak apa apa"},  {"gimana", "bagaimana"},
    {"gini", "begini"},           {"gitu", "begitu"},           {"gk", "tidak"},
    {"gmana", "bagaimana"},       {"gmn", "bagaimana"},         {"gmna", "bagaimana"},
    {"gpp", "tidak apa apa"},     {"gt", "begitu"},             {"gue", "aku"},
    {"gw", "aku"},                {"gx", "tidak"},              {"hallo", "halo"},
    {"haloo", "halo"},            {"hay", "hai"},               {"hei", "hai"},
    {"helo", "halo"},             {"hey", "hai"},               {"hrs", "harus"},
    {"ilang", "hilang"},          {"iya", "ya"},                {"iyaa", "ya"},
    {"iyap", "ya"},               {"jd", "jadi"},               {"jdi", "jadi"},
    {"jgn", "jangan"},            {"jkt", "jakarta"},           {"ka", "kak"},
    {"kagak", "tidak"},           {"kaka", "kak"},              {"kakak", "kak"},
    {"kalo", "kalau"},            {"karna", "karena"},          {"kemaren", "kemarin"},
    {"klo", "kalau"},             {"kmarin", "kemarin"},        {"kmrn", "kemarin"},
    {"knp", "kenapa"},            {"kpn", "kapan"},             {"krn", "karena"},
    {"krna", "karena"},           {"ktpel", "ktp"},             {"lbh", "lebih"},
    {"lg", "lagi"},               {"lgi", "lagi"},              {"makasi", "terima kasih"},
    {"makasih", "terima kasih"},  {"masi", "masih"},            {"mimin", "min"},
    {"mksh", "terima kasih"},     {"mksih", "terima kasih"},    {"mo", "mau"},
    {"msh", "masih"},             {"mw", "mau"},                {"nda", "tidak"},
    {"ndak", "tidak"},            {"ngak", "tidak"},            {"ngecek", "cek"},
    {"ngerti", "mengerti"},       {"ngga", "tidak"},            {"nggak", "tidak"},
    {"ngurus", "urus"},           {"nmr", "nomor"},             {"nomer", "nomor"},
    {"okay", "ok"},               {"oke", "ok"},                {"okee", "ok"},
    {"okeh", "ok"},               {"okey", "ok"},               {"org", "orang"},
    {"ortu", "orang tua"},        {"pake", "pakai"},            {"pd", "pada"},
    {"pengen", "ingin"},          {"pengin", "ingin"},          {"pgn", "ingin"},
    {"pingin", "ingin"},          {"plis", "tolong"},           {"pls", "tolong"},
    {"plz", "tolong"},            {"sampe", "sampai"},          {"sbg", "sebagai"},
    {"sblm", "sebelum"},          {"sdg", "sedang"},            {"sdgkan", "sedangkan"},
    {"sdh", "sudah"},             {"skr", "sekarang"},          {"skrg", "sekarang"},
    {"skrng", "sekarang"},        {"slmt", "selamat"},          {"sm", "sama"},
    {"spt", "seperti"},           {"stlh", "setelah"},          {"sy", "saya"},
    {"sya", "saya"},              {"tak", "tidak"},             {"tau", "tahu"},
    {"tdk", "tidak"},             {"terimakasih", "terima kasih"},{"tgl", "tanggal"},
    {"thn", "tahun"},             {"thx", "terima kasih"},      {"tks", "terima kasih"},
    {"tlg", "tolong"},            {"tp", "tapi"},               {"tpi", "tapi"},
    {"tq", "terima kasih"},       {"trimakasih", "terima kasih"},{"trims", "terima kasih"},
    {"trs", "terus"},             {"tuk", "untuk"},             {"udah", "sudah"},
    {"udh", "sudah"},             {"untk", "untuk"},            {"utk", "untuk"},
    {"y", "ya"},                  {"yaa", "ya"},                {"yg", "yang"},
    {"yng", "yang"},
};

/* Words that say little about which option is meant: greetings, address terms,
 * pronouns, question words, particles. In normal form (after the slang table). */
static const char *const stopwords[] = {
    "a",         "aamin",     "ada",       "adalah",    "akan",      "aku",       "amin",
    "an",        "and",       "apa",       "apakah",    "atau",      "bagaimana", "baik",
    "bapak",     "batas",     "bertanya",  "bisa",      "bu",        "cara",      "dan",
    "dari",      "deh",       "dengan",    "di",        "dong",      "dulu",      "e",
    "el",        "for",       "hai",       "halo",      "hi",        "how",       "hujan",
    "i",         "ibu",       "ingin",     "ini",       "is",        "itu",       "juga",
    "kah",       "kak",       "kalau",     "kami",      "ke",        "kenapa",    "lah",
    "mas",       "mau",       "mbak",      "me",        "mengapa",   "min",       "minta",
    "mohon",     "my",        "nih",       "nya",       "of",        "oh",        "pada",
    "pak",       "please",    "saja",      "sama",      "saya",      "sih",       "tanya",
    "the",       "to",        "tolong",    "untuk",     "want",      "what",      "ya",
    "yang",      "you",
};

/* Words that may wrap a command without changing it ("mau ngomong sama petugas saja"). */
const char *const match_fillers[] = {
    "a",           "aku",         "an",          "back",        "bapak",       "berbicara",
    "bicara",      "bisa",        "boleh",       "bu",          "can",         "chat",
    "connect",     "deh",         "dengan",      "dong",        "dulu",        "go",
    "hai",         "halo",        "hello",       "hi",          "hubungi",     "i",
    "ibu",         "ingin",       "kak",         "ke",          "kembali",     "lagi",
    "let",         "mas",         "mau",         "mbak",        "me",          "menghubungi",
    "min",         "minta",       "mohon",       "ngobrol",     "ngomong",     "nih",
    "ok",          "p",           "pak",         "please",      "saja",        "sama",
    "sambung",     "sambungkan",  "saya",        "sih",         "speak",       "talk",
    "the",         "to",          "tolong",      "want",        "with",        "ya",
    "yang",
};

/* Words that may surround a menu number ("no 3 kak", "saya pilih yang 2"). */
const char *const match_number_context[] = {
    "aku",       "ambil",     "angka",     "bu",        "choose",    "deh",       "dong",
    "i",         "ingin",     "kak",       "ke",        "mau",       "menu",      "min",
    "nih",       "no",        "nomor",     "number",    "ok",        "opsi",      "option",
    "pak",       "pilih",     "pilihan",   "please",    "saja",      "saya",      "the",
    "tolong",    "want",      "ya",        "yang",
};

const struct numword match_number_words[] = {
    {"delapan", 8},    {"dua", 2},        {"eight", 8},      {"empat", 4},      {"enam", 6},
    {"first", 1},      {"five", 5},       {"four", 4},       {"kedelapan", 8},  {"kedua", 2},
    {"keempat", 4},    {"keenam", 6},     {"kelima", 5},     {"kesatu", 1},
    {"kesembilan", 9}, {"kesepuluh", 10}, {"ketiga", 3},     {"ketujuh", 7},    {"lima", 5},
    {"nine", 9},       {"one", 1},        {"pertama", 1},    {"satu", 1},       {"second", 2},
    {"sembilan", 9},   {"sepuluh", 10},   {"seven", 7},      {"six", 6},        {"ten", 10},
    {"third", 3},      {"three", 3},      {"tiga", 3},       {"tujuh", 7},      {"two", 2},
};

const size_t match_n_fillers = COUNT(match_fillers);
const size_t match_n_number_context = COUNT(match_number_context);
const size_t match_n_number_words = COUNT(match_number_words);

/* Words that may be glued to a menu number ("no3"). */
static const char *const number_prefixes[] = {"nmr", "no", "nomer", "nomor", "opsi", "pilih"};

/* Word pairs written as one idea: "e ktp" and "ktp el" are "ktp". */
static const struct {
    const char *first, *second, *to;
} joins[] = {{"e", "ktp", "ktp"}, {"ktp", "el", "ktp"}};

struct key {
    const char *s;
    size_t n;
};

/* Compares a key with a table entry whose first member is its word, as strcmp would. */
static int cmp_entry(const void *k, const void *entry)
{
    const struct key *key = k;
    const unsigned char *word = *(const unsigned char *const *)entry;
    const unsigned char *s = (const unsigned char *)key->s;
    for (size_t i = 0; i < key->n; i++)
        if (s[i] != word[i])
            return s[i] < word[i] ? -1 : 1;
    return word[key->n] ? -1 : 0;
}

const void *match_lookup(const void *table, size_t count, size_t size, const char *s, size_t n)
{
    struct key key = {s, n};
    return bsearch(&key, table, count, size, cmp_entry);
}

int match_in_list(const char *const *list, size_t count, const char *s, size_t n)
{
    return match_lookup(list, count, sizeof *list, s, n) != NULL;
}

static int table_sorted(const void *table, size_t count, size_t size)
{
    for (size_t i = 1; i < count; i++) {
        const char *a = *(const char *const *)((const char *)table + (i - 1) * size);
        const char *b = *(const char *const *)((const char *)table + i * size);
        if (strcmp(a, b) >= 0)
            return 0;
    }
    return 1;
}

int lk_match_tables_ok(void)
{
    return table_sorted(slang, COUNT(slang), sizeof slang[0]) &&
           table_sorted(stopwords, COUNT(stopwords), sizeof stopwords[0]) &&
           table_sorted(match_fillers, COUNT(match_fillers), sizeof match_fillers[0]) &&
           table_sorted(match_number_context, COUNT(match_number_context),
                        sizeof match_number_context[0]) &&
           table_sorted(match_number_words, COUNT(match_number_words),
                        sizeof match_number_words[0]) &&
           table_sorted(number_prefixes, COUNT(number_prefixes), sizeof number_prefixes[0]);
}

/* ---- Characters ------------------------------------------------------------------- */

#define BAD_CP 0xFFFFFFFFu

/* Decodes the UTF-8 sequence at s (n bytes available) into *cp; returns its length.
 * An invalid byte is consumed alone and gives BAD_CP. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07;
    else
        goto bad;
    if (len > n)
        goto bad;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *cp = v;
    return len;
bad:
    *cp = BAD_CP;
    return 1;
}

enum cls { C_SEP, C_ALNUM, C_LETTER, C_JOIN };

/* Punctuation, symbols, emoji, spaces and format characters outside ASCII. */
static int non_letter(uint32_t cp)
{
    static const uint32_t ranges[][2] = {
        {0x0080, 0x00BF},   {0x00D7, 0x00D7},   {0x00F7, 0x00F7},   {0x060C, 0x060C},
        {0x061B, 0x061B},   {0x061F, 0x061F},   {0x2000, 0x2BFF},   {0x2E00, 0x2E7F},
        {0x3000, 0x303F},   {0xE000, 0xF8FF},   {0xFE00, 0xFE6F},   {0xFEFF, 0xFEFF},
        {0xFF00, 0xFF65},   {0xFFF0, 0xFFFF},   {0x1F000, 0x1FBFF}, {0xE0000, 0xE01EF},
        {0xF0000, 0x10FFFF},
    };
    for (size_t i = 0; i < COUNT(ranges); i++)
        if (cp >= ranges[i][0] && cp <= ranges[i][1])
            return 1;
    return 0;
}

/* Class of a code point; ASCII letters come back lower-cased and full-width ASCII
 * folded to ASCII. */
static enum cls classify(uint32_t *cp)
{
    if (*cp >= 0xFF01 && *cp <= 0xFF5E)
        *cp -= 0xFEE0;
    uint32_t c = *cp;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            *cp = c + 32;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            return C_ALNUM;
        return c == '\'' ? C_JOIN : C_SEP;
    }
    if (c == 0x2019 || c == 0x02BC)
        return C_JOIN;
    return non_letter(c) ? C_SEP : C_LETTER;
}

/* ---- Normal form ------------------------------------------------------------------ */

/* The normal form being written: words separated by single spaces. lk_norm grows the
 * buffer; the matchers give a fixed one and stop when it, or max_words, is full. */
struct norm {
    char *s;
    size_t len, cap;
    int heap;
    int full;
    size_t words, max_words, max_word;
    size_t cur;   /* start of the word being written */
    int in_word;
    int run_c, run_n; /* the ASCII letter repeated at the end of the current word */
};

static int room(struct norm *o, size_t n)
{
    if (o->len + n + 1 <= o->cap)
        return 1;
    if (!o->heap) {
        o->full = 1;
        return 0;
    }
    size_t cap = o->cap * 2;
    while (cap < o->len + n + 1)
        cap *= 2;
    o->s = lk_xrealloc(o->s, cap);
    o->cap = cap;
    return 1;
}

/* Removes the current word and the space before it. */
static void drop_word(struct norm *o)
{
    o->len = o->cur > 0 ? o->cur - 1 : 0;
    o->cur = o->len;
}

static void replace_word(struct norm *o, const char *text, size_t n)
{
    o->len = o->cur;
    if (!room(o, n)) {
        drop_word(o);
        return;
    }
    memcpy(o->s + o->len, text, n);
    o->len += n;
}

static int begin_word(struct norm *o, size_t n)
{
    if (o->words >= o->max_words) {
        o->full = 1;
        return 0;
    }
    if (!room(o, n + 1))
        return 0;
    if (o->len)
        o->s[o->len++] = ' ';
    o->cur = o->len;
    o->in_word = 1;
    o->run_n = 0;
    return 1;
}

/* Appends one character (n bytes) to the current word; letters repeated 3+ times are
 * squeezed to one. */
static void word_char(struct norm *o, const char *b, size_t n, int ascii_letter)
{
    if (o->full || (!o->in_word && !begin_word(o, n)))
        return;
    if (ascii_letter && o->run_n && b[0] == o->run_c) {
        if (++o->run_n >= 3) {
            if (o->run_n == 3 && o->len - o->cur >= 2 && o->s[o->len - 1] == b[0] &&
                o->s[o->len - 2] == b[0])
                o->len--;
            return;
        }
    } else {
        o->run_c = ascii_letter ? b[0] : 0;
        o->run_n = ascii_letter;
    }
    if (o->len - o->cur + n > o->max_word || !room(o, n))
        return;
    memcpy(o->s + o->len, b, n);
    o->len += n;
}

static int word_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && !memcmp(s, word, n);
}

int match_is_number_prefix(const char *s, size_t n)
{
    for (size_t i = 0; i < COUNT(number_prefixes); i++)
        if (word_is(s, n, number_prefixes[i]))
            return 1;
    return 0;
}

/* "jadi2" (reduplication, "jadi-jadi"): strips the 2 and returns 1. Not "no2". */
static int strip_redup(struct norm *o)
{
    size_t n = o->len - o->cur;
    if (n < 3 || o->s[o->len - 1] != '2' || match_is_number_prefix(o->s + o->cur, n - 1))
        return 0;
    for (size_t i = o->cur; i < o->len - 1; i++)
        if (o->s[i] < 'a' || o->s[i] > 'z')
            return 0;
    o->len--;
    return 1;
}

static void apply_slang(struct norm *o)
{
    const char *w = o->s + o->cur;
    size_t n = o->len - o->cur;
    const struct slang *e = match_lookup(slang, COUNT(slang), sizeof slang[0], w, n);
    if (e) {
        replace_word(o, e->to, strlen(e->to));
        return;
    }
    /* "ngurusnya" -> "urusnya" */
    if (n < 6 || n > 40 || memcmp(w + n - 3, "nya", 3))
        return;
    e = match_lookup(slang, COUNT(slang), sizeof slang[0], w, n - 3);
    if (e) {
        char tmp[64];
        size_t len = strlen(e->to);
        memcpy(tmp, e->to, len);
        memcpy(tmp + len, "nya", 3);
        replace_word(o, tmp, len + 3);
    }
}

static void duplicate_word(struct norm *o)
{
    size_t n = o->len - o->cur;
    if (!n || !room(o, n + 1))
        return;
    o->s[o->len++] = ' ';
    memcpy(o->s + o->len, o->s + o->cur, n);
    o->cur = o->len;
    o->len += n;
}

/* "e ktp" -> "ktp", "ktp el" -> "ktp". */
static void apply_joins(struct norm *o)
{
    if (o->cur < 2)
        return;
    size_t prev = o->cur - 1;
    while (prev > 0 && o->s[prev - 1] != ' ')
        prev--;
    const char *w = o->s + o->cur;
    size_t n = o->len - o->cur;
    for (size_t i = 0; i < COUNT(joins); i++) {
        if (word_is(o->s + prev, o->cur - 1 - prev, joins[i].first) &&
            word_is(w, n, joins[i].second)) {
            o->cur = prev;
            replace_word(o, joins[i].to, strlen(joins[i].to));
            return;
        }
    }
}

static void end_word(struct norm *o)
{
    if (!o->in_word)
        return;
    o->in_word = 0;
    if (o->full || o->len == o->cur) {
        drop_word(o);
        return;
    }
    int redup = strip_redup(o);
    apply_slang(o);
    if (o->len == o->cur)
        return;
    if (redup)
        duplicate_word(o);
    apply_joins(o);
    o->words++;
}

static void norm_run(struct norm *o, const char *text, size_t n)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < n && !o->full;) {
        uint32_t cp;
        size_t k = decode(p + i, n - i, &cp);
        enum cls c = cp == BAD_CP ? C_SEP : classify(&cp);
        if (cp == 0x1F51F) { /* keycap ten */
            end_word(o);
            word_char(o, "1", 1, 0);
            word_char(o, "0", 1, 0);
            end_word(o);
        } else if (c == C_ALNUM) {
            char b = (char)cp;
            word_char(o, &b, 1, b >= 'a');
        } else if (c == C_LETTER) {
            word_char(o, text + i, k, 0);
        } else if (c == C_SEP || !o->in_word) {
            end_word(o);
        }
        i += k;
    }
    end_word(o);
    o->s[o->len] = '\0';
}

char *lk_norm(const char *text)
{
    struct norm o = {.cap = 64, .heap = 1, .max_words = SIZE_MAX, .max_word = SIZE_MAX};
    o.s = lk_xmalloc(o.cap);
    norm_run(&o, text ? text : "", text ? strlen(text) : 0);
    return o.s;
}

/* ---- Words of a text, for the matchers --------------------------------------------- */

static int is_stop(const char *w, size_t n)
{
    return match_in_list(stopwords, COUNT(stopwords), w, n);
}

void match_tokenize(struct toks *t, const char *text)
{
    struct norm o = {.s = t->s, .cap = sizeof t->s, .max_words = MAX_WORDS,
                     .max_word = WORD_MAX};
    t->n = t->content = 0;
    norm_run(&o, text ? text : "", text ? strnlen(text, SCAN_MAX) : 0);
    char *p = t->s;
    while (*p && t->n < MAX_WORDS) {
        char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        t->w[t->n] = p;
        t->len[t->n] = (unsigned char)n;
        t->stop[t->n] = (unsigned char)is_stop(p, n);
        t->content += !t->stop[t->n++];
        if (!end)
            break;
        *end = '\0';
        p = end + 1;
    }
}

struct lk_words *lk_words_new(const char *text)
{
    struct lk_words *w = lk_xmalloc(sizeof *w);
    match_tokenize(&w->t, text);
    return w;
}

void lk_words_read(struct lk_words *w, const char *text)
{
    match_tokenize(&w->t, text);
}

void lk_words_free(struct lk_words *w)
{
    free(w);
}

