/* The engine's memory of conversations: the rows of the conversations it has seen,
 * found by (channel, address), each with the ticket of its last write. The store holds
 * the durable copy; an entry is forgotten only after its last write committed. */
#ifndef LOKET_CONV_CACHE_H
#define LOKET_CONV_CACHE_H

#include "store.h"

struct lk_conv {
    struct lk_conversation_row row;
    uint64_t last_ticket;
    struct lk_conv *next;      /* bucket chain */
};

struct lk_conv_cache {
    struct lk_conv **buckets;
    size_t n_buckets, count;
};

struct lk_conv *lk_conv_cache_find(struct lk_conv_cache *c, const char *channel,
                                   const char *address);
/* Takes ownership of conv. */
void lk_conv_cache_insert(struct lk_conv_cache *c, struct lk_conv *conv);
/* Forgets conversations idle since before 'before_ms' whose writes are committed. */
size_t lk_conv_cache_evict(struct lk_conv_cache *c, int64_t before_ms, uint64_t committed);
void lk_conv_cache_free(struct lk_conv_cache *c);

#endif
