/* outbox.h - the delivery worker: takes due deliveries under a lease,
 * sends each through its channel's driver (channel.h), records the
 * attempt, and moves the delivery on: done, pending again after a growing
 * back-off, or failed after max_attempts (a person looks; the staff page
 * retries it).
 *
 * Enqueueing happens in the publishing transaction (outbox_enqueue, called
 * by catalog/review.c), so a publication and its deliveries are stored
 * together or not at all, and publishing never waits for a channel.
 *
 * At-least-once: a delivery is leased (lease_ms) while sent; a process
 * killed mid-send leaves the lease to expire and the delivery is sent
 * again, with the same idempotency key, so the receiver can de-duplicate.
 * On shutdown a transfer in flight is aborted and its lease given back. */
#ifndef GK_DOMAIN_CHANNELS_OUTBOX_H
#define GK_DOMAIN_CHANNELS_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/channels/net.h"

struct db;
struct fts_ctx;

#define OUTBOX_BACKOFF_DEFAULT_MS 60000LL  /* the first retry after a minute */
#define OUTBOX_BACKOFF_CAP 360             /* x the first: 6 h */
#define OUTBOX_MAX_ATTEMPTS_DEFAULT 10
#define OUTBOX_WORKERS_DEFAULT 2

struct outbox_opts {
	const char *db_target;    /* the database (the worker opens its own connections) */
	struct fts_ctx *fts;      /* for db_open */
	const char *files_dir;    /* attachments */
	const char *base_url;     /* "http://host" of the public site, for absolute links */
	long long org_id;         /* 0: every org */
	long long backoff_ms;     /* the first retry's delay (0: default); then doubling, capped */
	int max_attempts;         /* then failed (0: default) */
	int workers;              /* threads of outbox_start (0: default) */
	struct chan_net net;      /* timeouts and limits of every request */
	long long lease_ms;       /* 0: 5 x net.timeout_ms + 10 s */
};

/* Queue the deliveries of a publication event on the org's matching
 * channels, in the caller's transaction; *n (may be NULL) how many. event
 * is "publish", "withdraw" or "correct". */
int outbox_enqueue(struct db *db, long long org_id, long long item_id, const char *event, const char *now,
		   long long *n);

/* The delay before retry number `attempts` (1: after the first failed
 * attempt): backoff_ms x 2^(attempts-1), capped at OUTBOX_BACKOFF_CAP x
 * backoff_ms, plus a jitter of up to a quarter of it from rnd (so the
 * delays still grow). */
long long outbox_backoff_ms(long long backoff_ms, int attempts, unsigned rnd);

/* The year and month now in China (UTC+8): the month a delivery counts in. */
void outbox_month_cn(int *year, int *month);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of now + delta_ms into out[32]. */
void outbox_time(long long delta_ms, char out[32]);

struct outbox;

/* Open the worker's connection and settings (no thread yet). owner names
 * the leases it takes (NULL: host:pid:random). */
int outbox_open(const struct outbox_opts *o, const char *owner, struct outbox **out);
void outbox_close(struct outbox *ob);
/* Take and send one due delivery; *did false when none was due. A
 * delivery's failure is recorded, not returned; the return is an error of
 * the database. */
int outbox_run_one(struct outbox *ob, bool *did);
/* Run until nothing is due now (gongkai deliver --once); *sent gets how
 * many attempts were made. */
int outbox_drain(struct outbox *ob, long long *sent);

/* Background threads (o->workers) until outbox_stop; each waits for the
 * next due delivery, at most a second between looks (outbox_wake earlier). */
int outbox_start(const struct outbox_opts *o, struct outbox **out);
void outbox_wake(struct outbox *ob);
/* Stop the threads: a transfer in flight is aborted and its delivery given
 * back (pending, due now); then close. */
void outbox_stop(struct outbox *ob);

#endif
