/* The WhatsApp hotline connector (WhatsApp Business Cloud API): webhook in, Graph API
 * out through a persisted outbox. The server mounts its HTTP protocol at
 * /whatsapp/webhook; everything else about WhatsApp stays behind this header. */
#ifndef LOKET_WHATSAPP_H
#define LOKET_WHATSAPP_H

#include "engine.h"
#include <libwebsockets.h>

struct lk_whatsapp;  /* opaque */

/* Reads LOKET_WA_* from the environment. Returns NULL with err->text empty when the
 * connector is not configured (it is then off), NULL with err set when the
 * configuration is unusable. */
struct lk_whatsapp *lk_whatsapp_new(struct lk_engine *e, struct lk_error *err);
/* The HTTP protocol to mount at /whatsapp/webhook (its .user points at wa). */
struct lws_protocols lk_whatsapp_protocol(struct lk_whatsapp *wa);
/* After the lws context exists: recovers pending work, starts sending. */
int lk_whatsapp_start(struct lk_whatsapp *wa, struct lws_context *ctx, struct lk_error *err);
/* Stops sending (pending replies stay in the outbox for the next start). NULL is fine. */
void lk_whatsapp_free(struct lk_whatsapp *wa);

#endif
