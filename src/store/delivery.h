/* delivery.h - rows of the delivery outbox (migration 0018): the delivery
 * channels of an org, the deliveries queued by publication events, their
 * attempts, and a channel's cached access token. The rules (which driver,
 * back-off, what a result means) are in domain/channels; this file only
 * reads and writes rows. Every function takes the org and touches only its
 * rows, except the worker's claim, which serves every org (org_id 0) or
 * one. Times are 'YYYY-MM-DDTHH:MM:SS.mmmZ' (UTC, ms), compared as text. */
#ifndef GK_STORE_DELIVERY_H
#define GK_STORE_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct dchannel {
	long long id;
	long long org_id;
	const char *kind;
	const char *name;
	bool enabled;
	bool all_categories;
	const char *endpoint;
	const char *app_id;
	const char *secret_fp;      /* "sha256:0123456789ab" or "" */
	const char *config;         /* JSON object text */
	long long stat_channel_id;  /* 0: counts into no channel figures */
	const char *stat_metric;
	const char *created_at;
	const char *updated_at;
	long long *categories;      /* when !all_categories (store_dchannel_get only) */
	size_t ncategories;
	/* counts (store_dchannels only) */
	long long npending, nfailed, ndone;
};

/* Insert c (id set); ERR_CONFLICT for a name the org already has. */
int store_dchannel_insert(struct db *db, struct dchannel *c, const char *now);
/* Change every setting of c->id in c->org_id but the secret; ERR_NOT_FOUND,
 * ERR_CONFLICT (name taken). */
int store_dchannel_update(struct db *db, const struct dchannel *c, const char *now);
int store_dchannel_set_enabled(struct db *db, long long org_id, long long id, bool on, const char *now);
/* Replace the categories of a channel. */
int store_dchannel_set_categories(struct db *db, long long org_id, long long id, const long long *cats, size_t n);
/* Store the secret and its fingerprint (fp) on the channel. */
int store_dchannel_set_secret(struct db *db, long long org_id, long long id, const char *secret, const char *fp,
			      const char *now);
/* The full secret ("" when none). Only for the worker. */
int store_dchannel_secret(struct db *db, struct arena *a, long long org_id, long long id, const char **secret);
int store_dchannel_get(struct db *db, struct arena *a, long long org_id, long long id, struct dchannel *out);
/* The org's channels in the order they were added, with their counts. */
int store_dchannels(struct db *db, struct arena *a, long long org_id, struct dchannel **out, size_t *n);

struct delivery {
	long long id;
	long long org_id;
	long long channel_id;
	long long item_id;
	int item_version;
	const char *event;          /* publish withdraw correct */
	const char *state;          /* pending sending done failed */
	int attempts;
	const char *next_attempt_at;
	const char *lease_until;    /* "" none */
	const char *lease_owner;    /* "" none */
	const char *last_error;
	const char *remote_id;
	const char *progress;
	bool manual;
	const char *created_at;
	const char *updated_at;
	const char *delivered_at;   /* "" none */
	/* joined (lists and claims) */
	const char *channel_name;
	const char *channel_kind;
	const char *item_title;
	const char *org_slug;
};

/* Queue one delivery of the item's current version for event on every
 * enabled channel of the org whose categories include the item's (in the
 * caller's transaction). *n (may be NULL) gets how many. */
int store_delivery_enqueue(struct db *db, long long org_id, long long item_id, const char *event, const char *now,
			   long long *n);
/* Queue one delivery on one channel (a test send; the channel may be
 * disabled). *id gets it. */
int store_delivery_enqueue_one(struct db *db, long long org_id, long long channel_id, long long item_id,
			       const char *event, const char *now, long long *id);

/* The org's latest published item (by publication date, then id);
 * ERR_NOT_FOUND when none. */
int store_delivery_latest_item(struct db *db, long long org_id, long long *item_id);

/* Take the most overdue delivery (of org_id, 0 any) that is pending and due
 * at now, or sending with an expired lease: state sending, attempts + 1,
 * lease to owner until lease_until. ERR_NOT_FOUND when none is due. Run it
 * in a transaction (the worker does). */
int store_delivery_claim(struct db *db, struct arena *a, long long org_id, const char *owner, const char *now,
			 const char *lease_until, struct delivery *out);
/* The earliest next_attempt_at / lease_until of what is waiting (org_id 0
 * any); *when NULL when nothing waits. */
int store_delivery_next_due(struct db *db, struct arena *a, long long org_id, const char **when);

/* The outcome of an attempt by owner: state done (delivered_at now, remote_id
 * kept when given), pending (due at next) or failed, lease cleared,
 * last_error = error. ERR_CONFLICT when owner no longer holds the lease
 * (it expired and someone else took the delivery: record nothing). */
int store_delivery_finish(struct db *db, long long id, const char *owner, const char *state, const char *next,
			  const char *error, const char *remote_id, bool manual, const char *now);
/* A driver's note; ERR_CONFLICT when owner no longer holds the lease. */
int store_delivery_progress(struct db *db, long long id, const char *owner, const char *progress, const char *now);
/* Give the lease back without an outcome (shutdown mid-send): pending, due now. */
int store_delivery_release(struct db *db, long long id, const char *owner, const char *now);

struct delivery_attempt {
	long long id;
	long long delivery_id;
	int attempt;
	const char *started_at;
	const char *outcome;        /* done retry failed */
	int http_status;
	const char *message;
	long long duration_ms;
};
int store_delivery_log_add(struct db *db, long long org_id, const struct delivery_attempt *at);
/* The attempts of a delivery, oldest first. */
int store_delivery_log(struct db *db, struct arena *a, long long org_id, long long delivery_id,
		       struct delivery_attempt **out, size_t *n);

/* A failed (or pending) delivery: pending, due now, attempts 0.
 * ERR_NOT_FOUND; ERR_CONFLICT when it is done or being sent. */
int store_delivery_retry(struct db *db, long long org_id, long long id, const char *now);
/* Every failed delivery of the org: *n gets how many. */
int store_delivery_retry_failed(struct db *db, long long org_id, const char *now, long long *n);

struct delivery_filter {
	const char *state;          /* NULL or "": any */
	long long channel_id;       /* 0 any */
	long long item_id;          /* 0 any */
};
/* The org's deliveries: failed first, then sending, pending, done; newest
 * first within each; at most limit from offset. */
int store_deliveries(struct db *db, struct arena *a, long long org_id, const struct delivery_filter *f, int limit,
		     int offset, struct delivery **out, size_t *n);
int store_delivery_get(struct db *db, struct arena *a, long long org_id, long long id, struct delivery *out);
/* How many deliveries of the org are in each state. */
struct delivery_counts {
	long long pending, sending, done, failed, manual;
};
int store_delivery_counts(struct db *db, long long org_id, struct delivery_counts *out);
/* The remote id of the channel's last delivered publication (publish or
 * correct) of the item ("" none). */
int store_delivery_last_remote(struct db *db, struct arena *a, long long org_id, long long channel_id,
			       long long item_id, const char **remote_id);

/* Recount the channel figure the delivery channel feeds: the publications
 * (publish and correct events) delivered in (year, month) by every delivery
 * channel of the org mapped to the same stat channel and metric, written
 * as that figure. Nothing when the channel is mapped to none. */
int store_delivery_recount_figure(struct db *db, long long org_id, long long channel_id, int year, int month,
				  const char *now);

/* The cached token of a channel valid past min_expiry (*token NULL when none). */
int store_delivery_token(struct db *db, struct arena *a, long long org_id, long long channel_id,
			 const char *min_expiry, const char **token);
/* Store (token "" : delete) the channel's token. */
int store_delivery_token_put(struct db *db, long long org_id, long long channel_id, const char *token,
			     const char *expires_at, const char *now);

#endif
