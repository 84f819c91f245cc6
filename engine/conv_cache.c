/* The in-memory table of conversations, a chained hash on (channel, address). Owns the
 * rows it holds; knows nothing of flows or turns. */
#include "conv_cache.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const char *channel, const char *address)
{
    uint64_t h = 14695981039346656037ULL;
    for (const char *p = channel; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ 0x1f) * 1099511628211ULL;
    for (const char *p = address; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

struct lk_conv *lk_conv_cache_find(struct lk_conv_cache *c, const char *channel,
                                   const char *address)
{
    if (!c->n_buckets)
        return NULL;
    struct lk_conv *e = c->buckets[hash_key(channel, address) & (c->n_buckets - 1)];
    for (; e; e = e->next)
        if (strcmp(e->row.address, address) == 0 && strcmp(e->row.channel, channel) == 0)
            return e;
    return NULL;
}

static void grow(struct lk_conv_cache *c)
{
    size_t n = c->n_buckets ? c->n_buckets * 2 : 1024;
    struct lk_conv **b = lk_xcalloc(n, sizeof *b);
    for (size_t i = 0; i < c->n_buckets; i++)
        for (struct lk_conv *e = c->buckets[i], *next; e; e = next) {
            next = e->next;
            size_t ix = hash_key(e->row.channel, e->row.address) & (n - 1);
            e->next = b[ix];
            b[ix] = e;
        }
    free(c->buckets);
    c->buckets = b;
    c->n_buckets = n;
}

void lk_conv_cache_insert(struct lk_conv_cache *c, struct lk_conv *conv)
{
    if (c->count + 1 > c->n_buckets)
        grow(c);
    size_t ix = hash_key(conv->row.channel, conv->row.address) & (c->n_buckets - 1);
    conv->next = c->buckets[ix];
    c->buckets[ix] = conv;
    c->count++;
}

static void conv_free(struct lk_conv *e)
{
    lk_conversation_row_clear(&e->row);
    free(e);
}

size_t lk_conv_cache_evict(struct lk_conv_cache *c, int64_t before_ms, uint64_t committed)
{
    size_t evicted = 0;
    for (size_t i = 0; i < c->n_buckets; i++)
        for (struct lk_conv **link = &c->buckets[i]; *link;) {
            struct lk_conv *e = *link;
            if (e->row.updated_ms < before_ms && e->last_ticket <= committed) {
                *link = e->next;
                conv_free(e);
                evicted++;
            } else {
                link = &e->next;
            }
        }
    c->count -= evicted;
    return evicted;
}

void lk_conv_cache_free(struct lk_conv_cache *c)
{
    for (size_t i = 0; i < c->n_buckets; i++)
        for (struct lk_conv *e = c->buckets[i], *next; e; e = next) {
            next = e->next;
            conv_free(e);
        }
    free(c->buckets);
    memset(c, 0, sizeof *c);
}
