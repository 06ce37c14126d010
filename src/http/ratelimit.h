/* ratelimit.h - at most `max` events per client address in a window of
 * `window` seconds: the public forms, search and tracking pages count with
 * it and answer 429 beyond.
 *
 * A fixed-size table (a few probed slots per address, by a keyed hash, so
 * its memory never grows with the number of clients), one mutex. An
 * address's window starts at its first event and lasts `window` seconds;
 * its count then starts again. IPv6 addresses count by their /64 prefix
 * (one subscriber usually holds a whole /64). When the table is full the
 * address whose window started longest ago is forgotten. Behind a reverse
 * proxy every client has the proxy's address. */
#ifndef GK_HTTP_RATELIMIT_H
#define GK_HTTP_RATELIMIT_H

#include <stddef.h>
#include <time.h>

struct ratelimit;

/* A limiter of max events per window seconds for about `slots` addresses
 * (rounded up to a power of two). max 0: no limit. ERR_NOMEM. */
int ratelimit_new(int window, int max, size_t slots, struct ratelimit **out);
void ratelimit_free(struct ratelimit *rl);

/* Seconds until addr may have another event (0: now); counts nothing. */
int ratelimit_wait(struct ratelimit *rl, const char *addr, time_t now);
/* Count one event of addr at now. */
void ratelimit_count(struct ratelimit *rl, const char *addr, time_t now);
/* Count one event when allowed and return 0; over the limit, count
 * nothing and return the seconds to wait. */
int ratelimit_take(struct ratelimit *rl, const char *addr, time_t now);

#endif
