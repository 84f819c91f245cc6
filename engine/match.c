/* Understanding what citizens type: the normal form of a message (lk_norm), the slang
 * table behind it, typo-tolerant word comparison, and matching input to menu options,
 * keyword phrases and global commands. Pure functions: no state, no Lua, no allocation
 * except lk_norm's result. Which command or flow wins, and what to say when nothing
 * matches, belong to conversation.c and runtime.c. Matching reads at most the first
 * SCAN_MAX bytes and MAX_WORDS words of any text, so a 100 KB message costs no more than
 * a short one. */
#include "match.h"
#include "loket.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SCAN_MAX  4096 /* bytes of a text the matchers read */
#define MAX_WORDS 64   /* words of a text the matchers read */
#define WORD_MAX  48   /* longer words are cut (matchers only; lk_norm keeps them) */
#define TOKS_CAP  1536 /* normal form of one text, matchers only */
#define LIKE_MAX  64   /* longer words compare exactly */

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
    {"bngt", "banget"},           {"bnr", "benar"},             {"bpk", "bapak"},
    {"brapa", "berapa"},          {"brp", "berapa"},            {"bs", "bisa"},
    {"bsa", "bisa"},              {"bsk", "besok"},             {"cepet", "cepat"},
    {"cpt", "cepat"},             {"dah", "sudah"},             {"dapet", "dapat"},
    {"dg", "dengan"},             {"dgn", "dengan"},            {"dimana", "di mana"},
    {"dl", "dulu"},               {"dlu", "dulu"},              {"dmn", "di mana"},
    {"dpt", "dapat"},             {"dr", "dari"},               {"dri", "dari"},
    {"ektp", "ktp"},              {"emang", "memang"},          {"emg", "memang"},
    {"engga", "tidak"},           {"enggak", "tidak"},          {"ga", "tidak"},
    {"gaada", "tidak ada"},       {"gak", "tidak"},             {"gapapa", "tidak apa apa"},
    {"gimana", "bagaimana"},      {"gini", "begini"},           {"gitu", "begitu"},
    {"gk", "tidak"},              {"gmana", "bagaimana"},       {"gmn", "bagaimana"},
    {"gmna", "bagaimana"},        {"gpp", "tidak apa apa"},     {"gt", "begitu"},
    {"gue", "aku"},               {"gw", "aku"},                {"gx", "tidak"},
    {"hrs", "harus"},             {"ilang", "hilang"},          {"iya", "ya"},
    {"iyaa", "ya"},               {"iyap", "ya"},               {"jd", "jadi"},
    {"jdi", "jadi"},              {"jgn", "jangan"},            {"jkt", "jakarta"},
    {"ka", "kak"},                {"kagak", "tidak"},           {"kaka", "kak"},
    {"kakak", "kak"},             {"kalo", "kalau"},            {"karna", "karena"},
    {"kemaren", "kemarin"},       {"klo", "kalau"},             {"kmarin", "kemarin"},
    {"kmrn", "kemarin"},          {"knp", "kenapa"},            {"kpn", "kapan"},
    {"krn", "karena"},            {"krna", "karena"},           {"ktpel", "ktp"},
    {"lbh", "lebih"},             {"lg", "lagi"},               {"lgi", "lagi"},
    {"makasi", "terima kasih"},   {"makasih", "terima kasih"},  {"masi", "masih"},
    {"mimin", "min"},             {"mksh", "terima kasih"},     {"mksih", "terima kasih"},
    {"mo", "mau"},                {"msh", "masih"},             {"mw", "mau"},
    {"nda", "tidak"},             {"ndak", "tidak"},            {"ngak", "tidak"},
    {"ngecek", "cek"},            {"ngerti", "mengerti"},       {"ngga", "tidak"},
    {"nggak", "tidak"},           {"ngurus", "urus"},           {"nmr", "nomor"},
    {"nomer", "nomor"},           {"okay", "ok"},               {"oke", "ok"},
    {"okee", "ok"},               {"okeh", "ok"},               {"okey", "ok"},
    {"org", "orang"},             {"ortu", "orang tua"},        {"pake", "pakai"},
    {"pd", "pada"},               {"pengen", "ingin"},          {"pengin", "ingin"},
    {"pgn", "ingin"},             {"pingin", "ingin"},          {"plis", "tolong"},
    {"pls", "tolong"},            {"plz", "tolong"},            {"sampe", "sampai"},
    {"sbg", "sebagai"},           {"sblm", "sebelum"},          {"sdg", "sedang"},
    {"sdgkan", "sedangkan"},      {"sdh", "sudah"},             {"skr", "sekarang"},
    {"skrg", "sekarang"},         {"skrng", "sekarang"},        {"slmt", "selamat"},
    {"sm", "sama"},               {"spt", "seperti"},           {"stlh", "setelah"},
    {"sy", "saya"},               {"sya", "saya"},              {"tak", "tidak"},
    {"tau", "tahu"},              {"tdk", "tidak"},             {"terimakasih", "terima kasih"},
    {"tgl", "tanggal"},           {"thn", "tahun"},             {"thx", "terima kasih"},
    {"tks", "terima kasih"},      {"tlg", "tolong"},            {"tp", "tapi"},
    {"tpi", "tapi"},              {"tq", "terima kasih"},       {"trimakasih", "terima kasih"},
    {"trims", "terima kasih"},    {"trs", "terus"},             {"tuk", "untuk"},
    {"udah", "sudah"},            {"udh", "sudah"},             {"untk", "untuk"},
    {"utk", "untuk"},             {"y", "ya"},                  {"yaa", "ya"},
    {"yg", "yang"},               {"yng", "yang"},
};

/* Words that say little about which option is meant: greetings, address terms,
 * pronouns, question words, particles. In normal form (after the slang table). */
static const char *const stopwords[] = {
    "a",         "ada",       "adalah",    "akan",      "aku",       "an",        "and",
    "apa",       "apakah",    "atau",      "bagaimana", "bapak",     "bertanya",  "bisa",
    "bu",        "cara",      "dan",       "dari",      "deh",       "dengan",    "di",
    "dong",      "dulu",      "e",         "el",        "for",       "hai",       "halo",
    "hi",        "how",       "i",         "ibu",       "ingin",     "ini",       "is",
    "itu",       "juga",      "kah",       "kak",       "kalau",     "kami",      "ke",
    "kenapa",    "lah",       "mas",       "mau",       "mbak",      "me",        "mengapa",
    "min",       "minta",     "mohon",     "my",        "nih",       "nya",       "of",
    "oh",        "pada",      "pak",       "please",    "saja",      "sama",      "saya",
    "sih",       "tanya",     "the",       "to",        "tolong",    "untuk",     "want",
    "what",      "ya",        "yang",      "you",
};

/* Words that may wrap a command without changing it ("mau ngomong sama petugas saja"). */
static const char *const fillers[] = {
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
static const char *const number_context[] = {
    "aku",       "ambil",     "angka",     "bu",        "choose",    "deh",       "dong",
    "i",         "ingin",     "kak",       "ke",        "mau",       "menu",      "min",
    "nih",       "no",        "nomor",     "number",    "ok",        "opsi",      "option",
    "pak",       "pilih",     "pilihan",   "please",    "saja",      "saya",      "the",
    "tolong",    "want",      "ya",        "yang",
};

struct numword {
    const char *word;
    int value;
};

static const struct numword number_words[] = {
    {"delapan", 8},    {"dua", 2},        {"eight", 8},      {"empat", 4},      {"enam", 6},
    {"first", 1},      {"five", 5},       {"four", 4},       {"kedelapan", 8},  {"kedua", 2},
    {"keempat", 4},    {"keenam", 6},     {"kelima", 5},     {"kesatu", 1},
    {"kesembilan", 9}, {"kesepuluh", 10}, {"ketiga", 3},     {"ketujuh", 7},    {"lima", 5},
    {"nine", 9},       {"one", 1},        {"pertama", 1},    {"satu", 1},       {"second", 2},
    {"sembilan", 9},   {"sepuluh", 10},   {"seven", 7},      {"six", 6},        {"ten", 10},
    {"third", 3},      {"three", 3},      {"tiga", 3},       {"tujuh", 7},      {"two", 2},
};

/* Words that may be glued to a menu number ("no3"). */
static const char *const number_prefixes[] = {"nmr", "no", "nomer", "nomor", "opsi", "pilih"};

/* Word pairs written as one idea: "e ktp" and "ktp el" are "ktp". */
static const struct {
    const char *first, *second, *to;
} joins[] = {{"e", "ktp", "ktp"}, {"ktp", "el", "ktp"}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

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

static const void *lookup(const void *table, size_t count, size_t size, const char *s, size_t n)
{
    struct key key = {s, n};
    return bsearch(&key, table, count, size, cmp_entry);
}

static int in_list(const char *const *list, size_t count, const char *s, size_t n)
{
    return lookup(list, count, sizeof *list, s, n) != NULL;
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
           table_sorted(fillers, COUNT(fillers), sizeof fillers[0]) &&
           table_sorted(number_context, COUNT(number_context), sizeof number_context[0]) &&
           table_sorted(number_words, COUNT(number_words), sizeof number_words[0]) &&
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

static int is_number_prefix(const char *s, size_t n)
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
    if (n < 3 || o->s[o->len - 1] != '2' || is_number_prefix(o->s + o->cur, n - 1))
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
    const struct slang *e = lookup(slang, COUNT(slang), sizeof slang[0], w, n);
    if (e) {
        replace_word(o, e->to, strlen(e->to));
        return;
    }
    /* "ngurusnya" -> "urusnya" */
    if (n < 6 || n > 40 || memcmp(w + n - 3, "nya", 3))
        return;
    e = lookup(slang, COUNT(slang), sizeof slang[0], w, n - 3);
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

struct toks {
    char s[TOKS_CAP];
    const char *w[MAX_WORDS];
    unsigned char len[MAX_WORDS];
    unsigned char stop[MAX_WORDS]; /* 1 for a stopword */
    size_t n;
    size_t content;                /* words that are not stopwords */
};

static int is_stop(const char *w, size_t n)
{
    return in_list(stopwords, COUNT(stopwords), w, n);
}

static void tokenize(struct toks *t, const char *text)
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

/* ---- Word similarity -------------------------------------------------------------- */

static int has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return 1;
    return 0;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal-string-alignment distance, or k+1 as soon as it must exceed k. */
static int osa(const char *a, size_t la, const char *b, size_t lb, int k)
{
    int rows[3][LIKE_MAX + 1];
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= lb; j++)
        p[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        c[0] = (int)i;
        int best = c[0];
        for (size_t j = 1; j <= lb; j++) {
            int v = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] != b[j - 1]));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < best)
                best = v;
        }
        if (best > k)
            return k + 1;
        int *t = pp;
        pp = p, p = c, c = t;
    }
    return p[lb];
}

/* The letters a word holds, one bit each (others share bit 31). */
static uint32_t letter_mask(const char *s, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= s[i] >= 'a' && s[i] <= 'z' ? 1u << (s[i] - 'a') : 1u << 31;
    return m;
}

static int like_n(const char *a, size_t la, const char *b, size_t lb)
{
    if (la == lb && !memcmp(a, b, la))
        return 1;
    size_t shorter = la < lb ? la : lb;
    int k = shorter >= 8 ? 2 : shorter >= 4 ? 1 : 0;
    size_t diff = la > lb ? la - lb : lb - la;
    if (!k || diff > (size_t)k || la > LIKE_MAX || lb > LIKE_MAX)
        return 0;
    if (has_digit(a, la) || has_digit(b, lb))
        return 0;
    /* an edit changes at most two letters of the set: a cheap rejection before osa() */
    if (__builtin_popcount(letter_mask(a, la) ^ letter_mask(b, lb)) > 2 * k)
        return 0;
    return osa(a, la, b, lb, k) <= k;
}

int lk_word_like(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    return like_n(a, strlen(a), b, strlen(b));
}

enum { L_NONE, L_TYPO, L_EXACT };

/* Length without a "-nya" suffix ("syaratnya" -> "syarat"); words under 6 keep theirs. */
static size_t stem_len(const char *w, size_t n)
{
    return n >= 6 && !memcmp(w + n - 3, "nya", 3) ? n - 3 : n;
}

/* How an input word matches a phrase word; a stopword in the input matches only
 * exactly, so "dengan" never stands in for "dengar". */
static int word_level(const char *in, size_t lin, int in_stop, const char *w, size_t lw)
{
    size_t si = stem_len(in, lin), sw = stem_len(w, lw);
    if ((lin == lw && !memcmp(in, w, lw)) || (si == sw && !memcmp(in, w, sw)))
        return L_EXACT;
    if (in_stop)
        return L_NONE;
    return like_n(in, lin, w, lw) || like_n(in, si, w, sw) ? L_TYPO : L_NONE;
}

/* ---- Menu numbers ------------------------------------------------------------------ */

/* Value of a digits-only word: 1..999, -1 for other numbers, 0 when not digits. */
static int digits_value(const char *w, size_t n)
{
    if (!n)
        return 0;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9')
            return 0;
        if (v <= 999)
            v = v * 10 + (w[i] - '0');
    }
    return v >= 1 && v <= 999 ? v : -1;
}

/* A word naming a menu number: "3", "tiga", "ketiga", "no3". */
static int number_token(const char *w, size_t n)
{
    int v = digits_value(w, n);
    if (v)
        return v;
    const struct numword *e =
        lookup(number_words, COUNT(number_words), sizeof number_words[0], w, n);
    if (e)
        return e->value;
    size_t p = 0;
    while (p < n && (w[p] < '0' || w[p] > '9'))
        p++;
    if (p == 0 || p == n)
        return 0;
    return is_number_prefix(w, p) ? digits_value(w + p, n - p) : 0;
}

static int number_in(const struct toks *t)
{
    int found = 0;
    for (size_t i = 0; i < t->n; i++) {
        int v = number_token(t->w[i], t->len[i]);
        if (v) {
            if (v < 0 || found)
                return 0;
            found = v;
        } else if (!in_list(number_context, COUNT(number_context), t->w[i], t->len[i])) {
            return 0;
        }
    }
    return found;
}

int lk_match_number(const char *input)
{
    struct toks t;
    tokenize(&t, input);
    return number_in(&t);
}

/* ---- Menus ------------------------------------------------------------------------- */

#define MAX_ITEMS     64  /* options considered for word matching */
#define MAX_VOCAB     256 /* distinct option words */
#define PER_ITEM      32  /* words kept per option */
#define VOCAB_SLOTS   512
#define W_EXACT       1200
#define W_TYPO        900

/* The distinct content words of a menu's options: df is how many options hold a word. */
struct vocab {
    const char *w[MAX_VOCAB];
    unsigned char len[MAX_VOCAB];
    unsigned short df[MAX_VOCAB];
    unsigned char level[MAX_VOCAB];
    unsigned short slot[VOCAB_SLOTS]; /* index + 1, 0 when empty */
    size_t n;
    unsigned short iw[MAX_ITEMS * PER_ITEM];
    unsigned short start[MAX_ITEMS + 1];
    char text[MAX_VOCAB * 16];
    size_t used;
};

static uint32_t hash_word(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Index of the word in the vocabulary, added when new; -1 when full. */
static int vocab_intern(struct vocab *v, const char *w, size_t n)
{
    size_t i = hash_word(w, n) & (VOCAB_SLOTS - 1);
    for (; v->slot[i]; i = (i + 1) & (VOCAB_SLOTS - 1)) {
        size_t x = v->slot[i] - 1u;
        if (v->len[x] == n && !memcmp(v->w[x], w, n))
            return (int)x;
    }
    if (v->n >= MAX_VOCAB || v->used + n > sizeof v->text)
        return -1;
    memcpy(v->text + v->used, w, n);
    v->w[v->n] = v->text + v->used;
    v->len[v->n] = (unsigned char)n;
    v->df[v->n] = 0;
    v->used += n;
    v->slot[i] = (unsigned short)(++v->n);
    return (int)v->n - 1;
}

static void vocab_add(struct vocab *v, size_t item, const char *w, size_t n)
{
    size_t end = v->start[item + 1];
    if (end - v->start[item] >= PER_ITEM)
        return;
    int x = vocab_intern(v, w, n);
    if (x < 0)
        return;
    for (size_t i = v->start[item]; i < end; i++)
        if (v->iw[i] == x)
            return;
    v->iw[end] = (unsigned short)x;
    v->start[item + 1]++;
    v->df[x]++;
}

/* Adds one option's content words (all its words when a phrase has only stopwords,
 * such as "Ya"). */
static void vocab_add_item(struct vocab *v, size_t item, const struct lk_match_item *it,
                           struct toks *scratch)
{
    v->start[item + 1] = v->start[item];
    for (size_t p = 0; it->phrases && p < it->n_phrases; p++) {
        tokenize(scratch, it->phrases[p]);
        for (size_t i = 0; i < scratch->n; i++)
            if (!scratch->content || !scratch->stop[i])
                vocab_add(v, item, scratch->w[i], scratch->len[i]);
    }
}

/* How well the input matches each vocabulary word. */
static void vocab_levels(struct vocab *v, const struct toks *in)
{
    for (size_t x = 0; x < v->n; x++) {
        int best = L_NONE;
        for (size_t j = 0; j < in->n && best != L_EXACT; j++) {
            int l = word_level(in->w[j], in->len[j], in->stop[j], v->w[x], v->len[x]);
            if (l > best)
                best = l;
        }
        v->level[x] = (unsigned char)best;
    }
}

static long item_score(const struct vocab *v, size_t i, int *full)
{
    long score = 0;
    *full = v->start[i + 1] > v->start[i];
    for (size_t k = v->start[i]; k < v->start[i + 1]; k++) {
        unsigned x = v->iw[k];
        if (v->level[x] == L_EXACT)
            score += W_EXACT / v->df[x];
        else if (v->level[x] == L_TYPO)
            score += W_TYPO / v->df[x];
        else
            *full = 0;
    }
    return score;
}

/* 1 when every word the input matched in option b is also a word of option a. */
static int covers(const struct vocab *v, size_t a, size_t b)
{
    for (size_t k = v->start[b]; k < v->start[b + 1]; k++) {
        unsigned x = v->iw[k], found = 0;
        if (v->level[x] == L_NONE)
            continue;
        for (size_t m = v->start[a]; m < v->start[a + 1] && !found; m++)
            found = v->iw[m] == x;
        if (!found)
            return 0;
    }
    return 1;
}

/* Highest score wins. In a tie, an option whose words were all found wins when the
 * others matched nothing it lacks ("ktp hilang" picks "KTP hilang" over "KTP hilang atau
 * rusak", not over "KTP rusak" on "ktp hilang atau rusak"). */
static int pick_best(const struct vocab *v, size_t n)
{
    long score[MAX_ITEMS], best = 0;
    int full[MAX_ITEMS], winner = LK_MATCH_NONE, n_best = 0;
    for (size_t i = 0; i < n; i++) {
        score[i] = item_score(v, i, &full[i]);
        if (score[i] > best)
            best = score[i];
    }
    for (size_t i = 0; best && i < n; i++)
        if (score[i] == best)
            n_best++, winner = (int)i;
    if (n_best <= 1)
        return winner;
    for (size_t i = 0; i < n; i++) {
        if (score[i] != best || !full[i])
            continue;
        size_t j = 0;
        while (j < n && (j == i || score[j] != best || covers(v, i, j)))
            j++;
        if (j == n)
            return (int)i;
    }
    return LK_MATCH_AMBIGUOUS;
}

static int match_words(const struct toks *in, const struct lk_match_item *items, size_t n)
{
    struct vocab v;
    struct toks scratch;
    v.n = v.used = 0;
    memset(v.slot, 0, sizeof v.slot);
    v.start[0] = 0;
    if (n > MAX_ITEMS)
        n = MAX_ITEMS;
    for (size_t i = 0; i < n; i++)
        vocab_add_item(&v, i, &items[i], &scratch);
    vocab_levels(&v, in);
    return pick_best(&v, n);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The option whose id the input is, ignoring case and surrounding blanks. */
static int match_id(const char *input, const struct lk_match_item *items, size_t n)
{
    while (is_space(*input))
        input++;
    for (size_t i = 0; i < n; i++) {
        const char *id = items[i].id;
        if (!id || !*id)
            continue;
        size_t len = strlen(id);
        if (strncasecmp(input, id, len))
            continue;
        const char *rest = input + len;
        while (is_space(*rest))
            rest++;
        if (!*rest)
            return (int)i;
    }
    return LK_MATCH_NONE;
}

int lk_match_menu(const char *input, const struct lk_match_item *items, size_t n)
{
    if (!input || !items || !n)
        return LK_MATCH_NONE;
    struct toks in;
    tokenize(&in, input);
    int num = number_in(&in);
    if (num)
        return (size_t)num <= n ? num - 1 : LK_MATCH_NONE;
    int id = match_id(input, items, n);
    if (id != LK_MATCH_NONE)
        return id;
    return in.n ? match_words(&in, items, n) : LK_MATCH_NONE;
}

/* ---- Keyword phrases and commands --------------------------------------------------- */

struct lk_words {
    struct toks t;
};

struct lk_words *lk_words_new(const char *text)
{
    struct lk_words *w = lk_xmalloc(sizeof *w);
    tokenize(&w->t, text);
    return w;
}

void lk_words_free(struct lk_words *w)
{
    free(w);
}

static int phrase_score(const struct toks *in, const struct toks *ph)
{
    if (!ph->n)
        return 0;
    int matched = 0, exact = 0;
    for (size_t i = 0; i < ph->n; i++) {
        if (ph->content && ph->stop[i])
            continue;
        int best = L_NONE;
        for (size_t j = 0; j < in->n && best != L_EXACT; j++) {
            int l = word_level(in->w[j], in->len[j], in->stop[j], ph->w[i], ph->len[i]);
            if (l > best)
                best = l;
        }
        if (best == L_NONE)
            return 0;
        matched++;
        exact += best == L_EXACT;
    }
    return 100 * matched + exact;
}

int lk_words_phrase(const struct lk_words *input, const struct lk_words *phrase)
{
    return phrase_score(&input->t, &phrase->t);
}

int lk_match_phrase(const char *input, const char *phrase)
{
    struct toks in, ph;
    tokenize(&ph, phrase);
    if (!ph.n)
        return 0;
    tokenize(&in, input);
    return phrase_score(&in, &ph);
}

/* 1 when the command's words stand at position at, and every other word is filler. */
static int command_at(const struct toks *in, size_t at, const struct toks *cmd)
{
    for (size_t k = 0; k < cmd->n; k++)
        if (!word_level(in->w[at + k], in->len[at + k], 0, cmd->w[k], cmd->len[k]))
            return 0;
    for (size_t j = 0; j < in->n; j++) {
        if (j >= at && j < at + cmd->n)
            continue;
        if (!in_list(fillers, COUNT(fillers), in->w[j], in->len[j]))
            return 0;
    }
    return 1;
}

static int is_command(const struct toks *in, const struct toks *cmd)
{
    if (!cmd->n || cmd->n > in->n)
        return 0;
    for (size_t at = 0; at + cmd->n <= in->n; at++)
        if (command_at(in, at, cmd))
            return 1;
    return 0;
}

int lk_words_command(const struct lk_words *input, struct lk_words *const *commands, size_t n)
{
    for (size_t i = 0; input->t.n && i < n; i++)
        if (is_command(&input->t, &commands[i]->t))
            return 1;
    return 0;
}

int lk_match_command(const char *input, const char *const *words, size_t n)
{
    if (!input || !words)
        return 0;
    struct toks in, cmd;
    tokenize(&in, input);
    for (size_t i = 0; in.n && i < n; i++) {
        tokenize(&cmd, words[i]);
        if (is_command(&in, &cmd))
            return 1;
    }
    return 0;
}
