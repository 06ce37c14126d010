/* channel.h - the delivery channels' driver interface.
 *
 * A publication event (an item published, withdrawn, or its correction
 * published) becomes one delivery per enabled channel of the org whose
 * categories match the item (store_delivery_enqueue, in the publishing
 * transaction). The outbox worker (outbox.h) takes a due delivery under a
 * lease, builds the event (the item, its HTML body with absolute links, its
 * attachments) and hands it to the driver of the channel's kind. The
 * driver sends it and says how it went; the worker records the attempt in
 * delivery_log and moves the delivery on: done, retry later with a growing
 * back-off, or failed (a person must look; the staff page can retry it).
 *
 * Registering a driver: define a `const struct chan_driver chan_<kind>` in
 * src/domain/channels/<kind>.c, declare it below, and add its address to
 * the table in registry.c (one line). delivery_channels.kind stores the
 * driver's `kind`; the channel form offers every registered driver.
 *
 * What a driver receives (struct chan_send):
 *   ev   the event: delivery id and idempotency key, event name, the org,
 *        the item as stored (the version published), category name, the
 *        public URL, the body as HTML, attachments with URL, SHA-256, size
 *        and local path;
 *   ch   the channel's configuration, secret included (never show it);
 *   a    an arena for this attempt (freed after it);
 *   progress  what the driver saved in earlier attempts of this delivery
 *        ("" none); chan_progress_save() stores a new note at once, so a
 *        crash after a step that must not be repeated (a media upload)
 *        leaves the note for the next attempt.
 * It may call chan_http*() (net.h: timeouts, response cap and TLS
 * verification from the worker's settings) and chan_token_get/put (a
 * cached access token, shared by every process).
 *
 * What it returns: CHAN_DELIVERED, CHAN_RETRY (a temporary failure: a
 * timeout, a 5xx, garbage; the worker retries later) or CHAN_FAILED (a
 * permanent failure: retrying cannot help until a person changes
 * something), with s->message saying what happened (the receiver's own
 * words where it gave some; shown to staff), s->http_status the last HTTP
 * status seen (0 none) and, when delivered, s->remote_id the receiver's id
 * for it. s->manual on CHAN_DELIVERED means a person must still act (the
 * message says what, e.g. delete an article by hand).
 *
 * A driver must be safe to run in several threads at once (one delivery
 * each) and must not keep state between calls other than through
 * chan_progress_save and chan_token_put. A delivery can be sent more than
 * once (a crash after the receiver accepted it, before it was recorded):
 * send ev->key where the receiver can de-duplicate by it. */
#ifndef GK_DOMAIN_CHANNELS_CHANNEL_H
#define GK_DOMAIN_CHANNELS_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct item;
struct org;
struct outbox_attempt;

enum chan_result {
	CHAN_DELIVERED = 0,
	CHAN_RETRY = 1,
	CHAN_FAILED = 2,
};

struct chan_attachment {
	long long id;
	const char *filename;
	const char *mime;
	long long size;
	const char *sha256;     /* hex */
	const char *url;        /* absolute public URL */
	const char *path;       /* the stored file (readable by the process) */
};

struct chan_event {
	long long delivery_id;
	const char *key;        /* idempotency key, the same on every attempt: "gongkai-<org slug>-d<id>" */
	const char *event;      /* "publish", "withdraw" or "correct" */
	int attempt;            /* 1 for the first */
	const struct org *org;
	const struct item *item;/* as stored now: the version published (item_version) */
	int item_version;       /* the version the event was queued for */
	const char *category;   /* the category's name */
	const char *url;        /* the item's public page, absolute */
	const char *base_url;   /* "https://host" of the public site, no trailing slash */
	const char *body_html;  /* the body as HTML: links and images absolute, no scripts */
	const struct chan_attachment *att;
	size_t natt;
	/* the remote id of the item's last delivered publication on this
	 * channel ("" none): what a withdrawal removes */
	const char *prior_remote_id;
};

struct chan_config {
	long long id;
	long long org_id;
	const char *kind;
	const char *name;
	bool enabled;
	bool all_categories;
	const char *endpoint;   /* push URL, or API base URL ("" : the driver's default) */
	const char *app_id;
	const char *secret;     /* the full secret ("" none): never shown on a page or logged */
	const char *config;     /* other settings of the driver: a JSON object ("{}") */
};

struct chan_send {
	/* in */
	const struct chan_event *ev;
	const struct chan_config *ch;
	struct arena *a;
	const char *progress;   /* "" when nothing was saved */
	struct outbox_attempt *att_ctx; /* the worker's (for chan_progress_save, chan_http, chan_token_*) */
	/* out */
	const char *message;    /* what happened, for the log and the staff page ("" ok) */
	int http_status;
	const char *remote_id;  /* the receiver's id of what it made (NULL none) */
	bool manual;            /* delivered, but a person must still act (message says what) */
};

/* Bits of chan_driver.needs: what the channel form requires. */
enum {
	CHAN_NEEDS_ENDPOINT = 1,  /* an http(s) URL */
	CHAN_NEEDS_APP_ID = 2,
	CHAN_NEEDS_SECRET = 4,
};

struct chan_driver {
	const char *kind;           /* stored in delivery_channels.kind, [a-z_]+ */
	const char *label;          /* 中文, e.g. 政务公开平台推送 */
	unsigned needs;             /* CHAN_NEEDS_* */
	const char *endpoint_label; /* the form's label for endpoint (NULL: not asked) */
	const char *default_endpoint; /* used when endpoint is "" (NULL: none) */
	const char *stat_metric;    /* the channel figure a delivered publication counts as (NULL: none) */
	/* Check the settings when staff save the channel (NULL: nothing more
	 * than needs); ERR_INVALID with *msg (Chinese). */
	int (*check)(struct arena *a, const struct chan_config *c, const char **msg);
	/* Send one delivery; see the top of this file. */
	enum chan_result (*send)(struct chan_send *s);
};

/* The registered drivers (registry.c). */
extern const struct chan_driver *const chan_drivers[];
extern const size_t chan_drivers_count;
/* The driver of a kind; NULL when none is registered. */
const struct chan_driver *chan_driver_find(const char *kind);

/* The drivers of this tree. */
extern const struct chan_driver chan_platform_push;
extern const struct chan_driver chan_wechat;
extern const struct chan_driver chan_email;   /* email.c: to the agency's subscribers */

/* Store the driver's note for the next attempts of this delivery (a few KB
 * at most); it is written at once, in its own transaction. ERR_CONFLICT
 * when the worker lost its lease (stop: someone else has the delivery). */
int chan_progress_save(struct chan_send *s, const char *progress);
/* A cached access token of the channel that is still valid at least
 * margin_s seconds from now: *token (arena) or NULL when none. */
int chan_token_get(struct chan_send *s, int margin_s, const char **token);
/* Cache token for the channel until expires_in seconds from now; "" (or
 * expires_in 0) forgets the cached one. */
int chan_token_put(struct chan_send *s, const char *token, long long expires_in);

/* Set s->message from a printf format (arena memory) and return r: for
 * `return chan_say(s, CHAN_RETRY, "...", ...)`. */
enum chan_result chan_say(struct chan_send *s, enum chan_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
