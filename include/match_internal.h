/* Private to the matcher's two files: match.c (word tables, normal form, reading a text
 * into words) and match_menu.c (similarity, menus, phrases, commands), which uses what is
 * declared here. Nothing else includes it; other modules see only match.h. */
#ifndef LOKET_MATCH_INTERNAL_H
#define LOKET_MATCH_INTERNAL_H

#include <stddef.h>

/* The matchers read at most SCAN_MAX bytes and MAX_WORDS words of any text, so a 100 KB
 * message costs no more than a short one. */
#define SCAN_MAX  4096 /* bytes of a text the matchers read */
#define MAX_WORDS 64   /* words of a text the matchers read */
#define WORD_MAX  48   /* longer words are cut (matchers only; lk_norm keeps them) */
#define TOKS_CAP  1536 /* normal form of one text, matchers only */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A text in normal form, split into at most MAX_WORDS words of at most WORD_MAX bytes. */
struct toks {
    char s[TOKS_CAP];
    const char *w[MAX_WORDS];
    unsigned char len[MAX_WORDS];
    unsigned char stop[MAX_WORDS]; /* 1 for a stopword */
    size_t n;
    size_t content;                /* words that are not stopwords */
};

struct lk_words {
    struct toks t;
};

/* Reads the first SCAN_MAX bytes of text (NULL is "") into t. */
void match_tokenize(struct toks *t, const char *text);

/* Word tables read by match_menu.c: sorted by strcmp, searched with match_lookup. In
 * normal form (after the slang table). */
struct numword {
    const char *word;
    int value;
};
extern const char *const match_fillers[];        /* may wrap a command */
extern const size_t match_n_fillers;
extern const char *const match_number_context[]; /* may surround a menu number */
extern const size_t match_n_number_context;
extern const struct numword match_number_words[]; /* "tiga", "ketiga", "third" */
extern const size_t match_n_number_words;

/* The entry of a sorted table (of structs whose first member is the word) matching the
 * n bytes at s, or NULL. */
const void *match_lookup(const void *table, size_t count, size_t size, const char *s, size_t n);
int match_in_list(const char *const *list, size_t count, const char *s, size_t n);
/* 1 when the n bytes at s are a word that may be glued to a menu number ("no" in "no3"). */
int match_is_number_prefix(const char *s, size_t n);

#endif
