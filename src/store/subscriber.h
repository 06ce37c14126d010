/* subscriber.h - e-mail subscribers of an agency's publications (migration
 * 0019) and the e-mail channel's record of whom each delivery reached. The
 * rules (address checks, tokens, what is mailed) are in
 * domain/channels/email.c and http/h_subscribe.c. */
#ifndef GK_STORE_SUBSCRIBER_H
#define GK_STORE_SUBSCRIBER_H

#include <stddef.h>

struct arena;
struct db;

struct subscriber {
	long long id;
	long long org_id;
	const char *email;
	const char *categories;          /* "" all, else ",ID,ID," */
	const char *pending_categories;  /* NULL, or the choice waiting for confirmation */
	const char *state;               /* pending confirmed unsubscribed */
	const char *unsub_token;
	const char *created_at;
	const char *confirmed_at;
	const char *unsubscribed_at;
	const char *rejected_at;         /* NULL, or when the mail server refused the address */
	const char *rejected_message;
};

/* ERR_NOT_FOUND when none. */
int store_subscriber_by_email(struct db *db, struct arena *a, long long org_id, const char *email,
			      struct subscriber *out);
int store_subscriber_by_unsub(struct db *db, struct arena *a, long long org_id, const char *token,
			      struct subscriber *out);
/* A new pending subscriber asking for categories, with the confirmation
 * token's hash; *id set. ERR_CONFLICT when the address is there already. */
int store_subscriber_insert(struct db *db, long long org_id, const char *email, const char *categories,
			    const char *confirm_hash, const char *unsub_token, const char *now, long long *id);
/* A known address asks again: a new confirmation token for categories
 * (its state does not change until confirmed, but an unsubscribed one
 * becomes pending). */
int store_subscriber_request(struct db *db, long long org_id, long long id, const char *categories,
			     const char *confirm_hash, const char *now);
/* Confirm by the token's hash if it was sent at or after since: confirmed,
 * the asked categories in force. ERR_NOT_FOUND (unknown, used or old). */
int store_subscriber_confirm(struct db *db, struct arena *a, long long org_id, const char *confirm_hash,
			     const char *since, const char *now, struct subscriber *out);
/* Is there an unused confirmation token with this hash sent at or after
 * since? ERR_NOT_FOUND otherwise. */
int store_subscriber_by_confirm(struct db *db, struct arena *a, long long org_id, const char *confirm_hash,
				const char *since, struct subscriber *out);
/* Unsubscribe by the token (already unsubscribed: nothing changes).
 * ERR_NOT_FOUND for an unknown token. */
int store_subscriber_unsubscribe(struct db *db, long long org_id, const char *token, const char *now);

/* Confirmed subscribers of category_pattern (",ID,") that delivery_id has
 * not been through, id > after, by id, at most limit. */
int store_subscribers_to_send(struct db *db, struct arena *a, long long org_id, long long delivery_id,
			      const char *category_pattern, long long after, long long limit, struct subscriber **out,
			      size_t *n);
/* delivery_id went through subscriber_id: state "sent" or "rejected". */
int store_email_send(struct db *db, long long org_id, long long delivery_id, long long subscriber_id,
		     const char *state, const char *message, const char *now);
/* The mail server refused the address. */
int store_subscriber_rejected(struct db *db, long long org_id, long long id, const char *message, const char *now);
/* How many of delivery_id's recipients were sent to and refused. */
int store_email_send_counts(struct db *db, long long org_id, long long delivery_id, long long *sent,
			    long long *rejected);

struct subscriber_counts {
	long long pending, confirmed, unsubscribed, rejected;
};
int store_subscriber_counts(struct db *db, long long org_id, struct subscriber_counts *out);
/* Every subscriber of the org, newest first (the org admin's list). */
int store_subscriber_list(struct db *db, struct arena *a, long long org_id, struct subscriber **out, size_t *n);

#endif
