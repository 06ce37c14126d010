/* config.h - the delivery channels as staff configure them: the checks of
 * the channel form and saving it (one transaction), the secret kept apart
 * (delivery_secrets, not audited) with its fingerprint on the channel (so
 * the audit trail shows that it changed, not what it is), and a test send. */
#ifndef GK_DOMAIN_CHANNELS_CONFIG_H
#define GK_DOMAIN_CHANNELS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

enum {
	DCHAN_NAME_MAX = 50,      /* characters */
	DCHAN_URL_MAX = 500,      /* bytes */
	DCHAN_APP_ID_MAX = 64,
	DCHAN_SECRET_MAX = 256,
	DCHAN_AUTHOR_MAX = 30,
	DCHAN_CATS_MAX = 64,
};

struct dchan_form {
	const char *kind;
	const char *name;
	bool enabled;
	const char *endpoint;     /* "" : the driver's default */
	const char *app_id;
	const char *secret;       /* NULL or "": keep the stored one (a new channel: none) */
	const char *author;       /* WeChat: the articles' author ("" : the org's name) */
	const char *mail_from;    /* e-mail: the sender's address */
	const char *reply_to;     /* e-mail: Reply-To ("" none) */
	bool all_categories;
	const long long *cats;    /* when !all_categories */
	size_t ncats;
	long long stat_channel_id;/* 0: count into no channel figures */
};

/* Check f and store it as channel *id of the org (0: a new one, *id set).
 * ERR_INVALID or ERR_CONFLICT (the name is taken) with *msg (Chinese);
 * ERR_NOT_FOUND for another org's channel. */
int dchan_save(struct db *db, struct arena *a, long long org_id, long long *id, const struct dchan_form *f,
	       const char *now, const char **msg);
/* "sha256:" and the first 12 hex digits of SHA-256(secret) (arena). */
const char *dchan_fingerprint(struct arena *a, const char *secret);
/* Queue the org's latest published item on the channel (even a disabled
 * one: its delivery then fails saying so). ERR_NOT_FOUND with *msg when the
 * org has published nothing. */
int dchan_test_send(struct db *db, struct arena *a, long long org_id, long long channel_id, long long *delivery_id,
		    const char **msg);

/* The string setting key of a channel's config JSON ("" when absent; arena). */
const char *dchan_config_str(struct arena *a, const char *config, const char *key);

#endif
