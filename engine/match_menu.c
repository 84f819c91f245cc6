/* Matching input to what the bot offers: typo-tolerant word similarity (lk_word_like),
 * menu numbers (lk_match_number), menu options (lk_match_menu), keyword phrases and global
 * commands. Works on texts already read into words by match.c (match_internal.h); the
 * normal form, the word tables and the reading itself live there. */
#include "match.h"
#include "match_internal.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#define LIKE_MAX 64 /* longer words compare exactly */

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
    if (like_n(in, lin, w, lw))
        return L_TYPO;
    return (si != lin || sw != lw) && like_n(in, si, w, sw) ? L_TYPO : L_NONE;
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
    const struct numword *e = match_lookup(match_number_words, match_n_number_words,
                                           sizeof match_number_words[0], w, n);
    if (e)
        return e->value;
    size_t p = 0;
    while (p < n && (w[p] < '0' || w[p] > '9'))
        p++;
    if (p == 0 || p == n)
        return 0;
    return match_is_number_prefix(w, p) ? digits_value(w + p, n - p) : 0;
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
        } else if (!match_in_list(match_number_context, match_n_number_context, t->w[i],
                                  t->len[i])) {
            return 0;
        }
    }
    return found;
}

int lk_match_number(const char *input)
{
    struct toks t;
    match_tokenize(&t, input);
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
        match_tokenize(scratch, it->phrases[p]);
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
    match_tokenize(&in, input);
    int num = number_in(&in);
    if (num)
        return (size_t)num <= n ? num - 1 : LK_MATCH_NONE;
    int id = match_id(input, items, n);
    if (id != LK_MATCH_NONE)
        return id;
    return in.n ? match_words(&in, items, n) : LK_MATCH_NONE;
}

/* ---- Keyword phrases and commands --------------------------------------------------- */

/* 1 when word i of t repeats an earlier word of t, as in "jadi jadi". */
static int repeats_earlier(const struct toks *t, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (t->len[k] == t->len[i] && !memcmp(t->w[k], t->w[i], t->len[i]))
            return 1;
    return 0;
}

/* Every (content) word of the phrase must match an input word; a word the phrase repeats
 * needs an input word of its own, so "jadi jadi" is not met by a single "jadi". */
static int phrase_score(const struct toks *in, const struct toks *ph)
{
    if (!ph->n)
        return 0;
    int matched = 0, exact = 0;
    uint64_t taken = 0;  /* input words that met a phrase word (MAX_WORDS is 64) */
    for (size_t i = 0; i < ph->n; i++) {
        if (ph->content && ph->stop[i])
            continue;
        int best = L_NONE, repeated = repeats_earlier(ph, i);
        size_t at = 0;
        for (size_t j = 0; j < in->n && best != L_EXACT; j++) {
            if (repeated && (taken >> j & 1))
                continue;
            int l = word_level(in->w[j], in->len[j], in->stop[j], ph->w[i], ph->len[i]);
            if (l > best) {
                best = l;
                at = j;
            }
        }
        if (best == L_NONE)
            return 0;
        taken |= (uint64_t)1 << at;
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
    match_tokenize(&ph, phrase);
    if (!ph.n)
        return 0;
    match_tokenize(&in, input);
    return phrase_score(&in, &ph);
}

/* 1 when the command's words stand at position at, and every other word is filler; exact:
 * no typos. */
static int command_at(const struct toks *in, size_t at, const struct toks *cmd, int exact)
{
    for (size_t k = 0; k < cmd->n; k++)
        if (!word_level(in->w[at + k], in->len[at + k], exact || in->stop[at + k], cmd->w[k],
                        cmd->len[k]))
            return 0;
    for (size_t j = 0; j < in->n; j++) {
        if (j >= at && j < at + cmd->n)
            continue;
        if (!match_in_list(match_fillers, match_n_fillers, in->w[j], in->len[j]))
            return 0;
    }
    return 1;
}

static int is_command(const struct toks *in, const struct toks *cmd, int exact)
{
    if (!cmd->n || cmd->n > in->n)
        return 0;
    for (size_t at = 0; at + cmd->n <= in->n; at++)
        if (command_at(in, at, cmd, exact))
            return 1;
    return 0;
}

int lk_words_command(const struct lk_words *input, struct lk_words *const *commands, size_t n)
{
    for (size_t i = 0; input->t.n && i < n; i++)
        if (is_command(&input->t, &commands[i]->t, 0))
            return 1;
    return 0;
}

int lk_words_alone(const struct lk_words *input, const struct lk_words *phrase)
{
    return input->t.n && is_command(&input->t, &phrase->t, 1);
}

int lk_match_command(const char *input, const char *const *words, size_t n)
{
    if (!input || !words)
        return 0;
    struct toks in, cmd;
    match_tokenize(&in, input);
    for (size_t i = 0; in.n && i < n; i++) {
        match_tokenize(&cmd, words[i]);
        if (is_command(&in, &cmd, 0))
            return 1;
    }
    return 0;
}
