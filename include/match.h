/* Understanding what citizens type: normalisation (case, punctuation, emoji, stretched
 * letters, informal spellings), typo-tolerant word comparison, and matching input to menu
 * options, keyword phrases and global commands. Pure functions, no state, no Lua.
 * Thread-safe. The matchers read only the first 4 KB and 64 words of a text, so a huge
 * message costs no more than a short one. */
#ifndef LOKET_MATCH_H
#define LOKET_MATCH_H

#include <stddef.h>

#define LK_MATCH_NONE      -1
#define LK_MATCH_AMBIGUOUS -2

/* Normal form, newly allocated: lower case; every character that is not a letter or digit
 * (punctuation, emoji, symbols) becomes a space; letters repeated 3+ times squeezed to one
 * ("bangettt" -> "banget", "halooo" -> "halo"); informal spellings replaced word by word
 * from the slang table ("gmn" -> "bagaimana", "sy" -> "saya", "ga"/"gak"/"tdk" -> "tidak",
 * "ilang" -> "hilang", "bikin" -> "buat", "akte" -> "akta"...); single spaces, trimmed.
 * Also: an apostrophe inside a word is dropped ("jum'at" -> "jumat"); a word ending in
 * "2" is reduplication ("jadi2" -> "jadi jadi"); every spelling of KTP-el ("e-KTP",
 * "ektp", "KTP-el") becomes "ktp"; full-width letters and digits become ASCII; "kk",
 * "no", "min" and "kak" stay as they are (ambiguous, or address terms).
 * Non-ASCII letters are kept as they are. Input need not be valid UTF-8 (invalid bytes
 * become spaces). NULL gives "". */
char *lk_norm(const char *text);

/* 1 when two normalised words are the same allowing typos: edit distance (with
 * transposition) at most 1 when the shorter word has 4+ letters, at most 2 for 8+; exact
 * otherwise, and always exact for words with digits or longer than 64 bytes. */
int lk_word_like(const char *a, const char *b);

/* A menu option as the matcher sees it. */
struct lk_match_item {
    const char *id;                /* stable option id (buttons send it back) */
    const char *const *phrases;    /* title(s) in every language, keywords; raw text */
    size_t n_phrases;
};

/* Which option the input picks, in this order: by number ("1", "1.", "no 1", "nomor 1",
 * "pilih 2", "no 3 kak", "2️⃣", "dua", "kedua"; a number out of range is LK_MATCH_NONE),
 * by exact option id (case and blanks ignored), or by words of the phrases: each option
 * scores its content words found in the input (typo tolerant, a "-nya" suffix ignored),
 * a word weighing less the more options hold it; stopwords ("mau", "saya", "kak",
 * "bagaimana"...) count only in options made of nothing else ("Ya"). Returns the index,
 * LK_MATCH_NONE, or LK_MATCH_AMBIGUOUS when options tie at the top, unless one of them
 * had all its words found and the others matched no word it lacks ("ktp hilang" picks
 * "KTP hilang" over "KTP hilang atau rusak"). Only the first 64 options take part in word
 * matching. */
int lk_match_menu(const char *input, const struct lk_match_item *items, size_t n);

/* How well a normalised input contains a keyword phrase: 0 when some content word of the
 * phrase is missing from the input, else a score that grows with the number of words
 * matched (so "ktp hilang" beats "ktp" on "ktp sy ilang"). Both arguments raw text. */
int lk_match_phrase(const char *input, const char *phrase);

/* 1 when the input is one of the command words/phrases, possibly wrapped in filler words
 * ("mau ngomong sm petugas aja", "admin dong", "menu kak", "tolong bantuan"); 0 when it
 * says anything more ("min mau bikin ktp" is not the command "admin"). */
int lk_match_command(const char *input, const char *const *words, size_t n);

/* A text read once (normalised and split into words) for many matches: a turn's input
 * against every keyword, a keyword or command compiled when flows load. */
struct lk_words;
struct lk_words *lk_words_new(const char *text);
void lk_words_read(struct lk_words *w, const char *text);  /* reads text into w again */
void lk_words_free(struct lk_words *w);   /* NULL is fine */
/* lk_match_phrase and lk_match_command on texts already read. */
int lk_words_phrase(const struct lk_words *input, const struct lk_words *phrase);
int lk_words_command(const struct lk_words *input, struct lk_words *const *commands, size_t n);
/* 1 when the input is the phrase, word for word (no typos), and fillers: short social words
 * ("sip", "halo") are too near others ("sim", "calo") to allow a typo. */
int lk_words_alone(const struct lk_words *input, const struct lk_words *phrase);

/* The number a menu choice names ("no 3 kak" -> 3, "yg kedua" -> 2), or 0: also 0 when
 * the input says anything else ("2 anak"), holds two numbers, or the number is over 999. */
int lk_match_number(const char *input);

/* 1 when the built-in word tables are sorted and unique (for the unit tests). */
int lk_match_tables_ok(void);

#endif
