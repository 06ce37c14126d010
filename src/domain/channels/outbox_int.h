/* outbox_int.h - what the HTTP client (net.c) asks of the attempt the
 * worker runs (outbox.c). Internal to src/domain/channels. */
#ifndef GK_DOMAIN_CHANNELS_OUTBOX_INT_H
#define GK_DOMAIN_CHANNELS_OUTBOX_INT_H

#include <stdbool.h>

#include "domain/channels/net.h"

struct db;
struct outbox_attempt;

/* Is the worker stopping? Then the transfer is abandoned (marked aborted). */
bool outbox_attempt_stopping(struct outbox_attempt *at);
/* The worker's database connection (not inside a transaction while a
 * driver sends): for drivers that keep their own records (email.c). */
struct db *outbox_attempt_db(struct outbox_attempt *at);
/* The worker's timeouts and limits. */
const struct chan_net *outbox_attempt_net(struct outbox_attempt *at);

#endif
