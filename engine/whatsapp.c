/* The WhatsApp connector. Placeholder until the connector lands: never configured. */
#include "whatsapp.h"

struct lk_whatsapp {
    int unused;
};

struct lk_whatsapp *lk_whatsapp_new(struct lk_engine *e, struct lk_error *err)
{
    lk_error_clear(err);
    return NULL;
}

struct lws_protocols lk_whatsapp_protocol(struct lk_whatsapp *wa)
{
    struct lws_protocols p = {0};
    p.name = "loket-whatsapp";
    p.user = wa;
    return p;
}

int lk_whatsapp_start(struct lk_whatsapp *wa, struct lws_context *ctx, struct lk_error *err)
{
    return LK_OK;
}

void lk_whatsapp_free(struct lk_whatsapp *wa)
{
}
