/* subscriber.c - see subscriber.h. */
#include "store/subscriber.h"

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "core/banned.h"

#define SUB_COLS                                                                                          \
	"id, org_id, email, categories, pending_categories, state, unsub_token, created_at, confirmed_at, " \
	"unsubscribed_at, rejected_at, rejected_message"

static const char sql_by_email[] = "SELECT " SUB_COLS " FROM subscribers WHERE org_id = $1 AND email = $2";
static const char sql_by_unsub[] = "SELECT " SUB_COLS " FROM subscribers WHERE org_id = $1 AND unsub_token = $2";
static const char sql_by_confirm[] =
	"SELECT " SUB_COLS " FROM subscribers WHERE org_id = $1 AND confirm_hash = $2 AND confirm_sent_at >= $3";
static const char sql_insert[] =
	"INSERT INTO subscribers (org_id, email, categories, pending_categories, state, confirm_hash, "
	"confirm_sent_at, unsub_token, created_at) VALUES ($1, $2, '', $3, 'pending', $4, $5, $6, $5) RETURNING id";
static const char sql_request[] =
	"UPDATE subscribers SET pending_categories = $3, confirm_hash = $4, confirm_sent_at = $5, "
	"state = CASE WHEN state = 'unsubscribed' THEN 'pending' ELSE state END WHERE org_id = $1 AND id = $2";
static const char sql_confirm[] =
	"UPDATE subscribers SET state = 'confirmed', categories = COALESCE(pending_categories, categories), "
	"pending_categories = NULL, confirm_hash = NULL, confirmed_at = $4, unsubscribed_at = NULL, "
	"rejected_at = NULL, rejected_message = '' "
	"WHERE org_id = $1 AND confirm_hash = $2 AND confirm_sent_at >= $3 RETURNING " SUB_COLS;
static const char sql_unsubscribe[] =
	"UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = $3, confirm_hash = NULL, "
	"pending_categories = NULL WHERE org_id = $1 AND unsub_token = $2 AND state <> 'unsubscribed'";
static const char sql_to_send[] =
	"SELECT " SUB_COLS " FROM subscribers s WHERE s.org_id = $1 AND s.state = 'confirmed' AND s.id > $4 "
	"AND (s.categories = '' OR instr(s.categories, $3) > 0) "
	"AND NOT EXISTS (SELECT 1 FROM email_sends e WHERE e.delivery_id = $2 AND e.subscriber_id = s.id) "
	"ORDER BY s.id LIMIT $5";
static const char sql_send[] =
	"INSERT INTO email_sends (org_id, delivery_id, subscriber_id, state, message, at) "
	"VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id, subscriber_id) DO NOTHING";
static const char sql_rejected[] =
	"UPDATE subscribers SET rejected_at = $3, rejected_message = $4 WHERE org_id = $1 AND id = $2";
static const char sql_send_counts[] =
	"SELECT COALESCE(SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN state = 'rejected' THEN 1 ELSE 0 END), 0) "
	"FROM email_sends WHERE org_id = $1 AND delivery_id = $2";
static const char sql_counts[] =
	"SELECT COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN state = 'confirmed' THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN state = 'unsubscribed' THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN state = 'confirmed' AND rejected_at IS NOT NULL THEN 1 ELSE 0 END), 0) "
	"FROM subscribers WHERE org_id = $1";
static const char sql_list[] = "SELECT " SUB_COLS " FROM subscribers WHERE org_id = $1 ORDER BY id DESC";

static int sub_read(struct db_stmt *st, struct arena *a, struct subscriber *s)
{
	s->id = db_col_int(st, 0);
	s->org_id = db_col_int(st, 1);
	s->email = db_col_dup(st, 2, a);
	s->categories = db_col_dup(st, 3, a);
	s->pending_categories = db_col_dup(st, 4, a);
	s->state = db_col_dup(st, 5, a);
	s->unsub_token = db_col_dup(st, 6, a);
	s->created_at = db_col_dup(st, 7, a);
	s->confirmed_at = db_col_dup(st, 8, a);
	s->unsubscribed_at = db_col_dup(st, 9, a);
	s->rejected_at = db_col_dup(st, 10, a);
	s->rejected_message = db_col_dup(st, 11, a);
	return s->email && s->categories && s->state && s->unsub_token && s->rejected_message ? 0 : ERR_NOMEM;
}

/* One row of st (prepared and bound) into out; ERR_NOT_FOUND when none. */
static int one_row(struct db_stmt *st, struct arena *a, struct subscriber *out)
{
	int rc = db_step(st);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	rc = sub_read(st, a, out);
	db_done(st);
	return rc;
}

static int by_text(struct db *db, struct arena *a, const char *sql, long long org_id, const char *v,
		   struct subscriber *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, v);
	return one_row(st, a, out);
}

int store_subscriber_by_email(struct db *db, struct arena *a, long long org_id, const char *email,
			      struct subscriber *out)
{
	return by_text(db, a, sql_by_email, org_id, email, out);
}

int store_subscriber_by_unsub(struct db *db, struct arena *a, long long org_id, const char *token,
			      struct subscriber *out)
{
	return by_text(db, a, sql_by_unsub, org_id, token, out);
}

int store_subscriber_by_confirm(struct db *db, struct arena *a, long long org_id, const char *confirm_hash,
				const char *since, struct subscriber *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_by_confirm, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, confirm_hash);
	db_bind_text(st, 3, since);
	return one_row(st, a, out);
}

int store_subscriber_insert(struct db *db, long long org_id, const char *email, const char *categories,
			    const char *confirm_hash, const char *unsub_token, const char *now, long long *id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_insert, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, categories);
	db_bind_text(st, 4, confirm_hash);
	db_bind_text(st, 5, now);
	db_bind_text(st, 6, unsub_token);
	if ((rc = db_step(st)) == 1) {
		*id = db_col_int(st, 0);
		db_done(st);
		return 0;
	}
	return rc < 0 ? rc : ERR_INTERNAL;
}

int store_subscriber_request(struct db *db, long long org_id, long long id, const char *categories,
			     const char *confirm_hash, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_request, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, categories);
	db_bind_text(st, 4, confirm_hash);
	db_bind_text(st, 5, now);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_subscriber_confirm(struct db *db, struct arena *a, long long org_id, const char *confirm_hash,
			     const char *since, const char *now, struct subscriber *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_confirm, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, confirm_hash);
	db_bind_text(st, 3, since);
	db_bind_text(st, 4, now);
	return one_row(st, a, out);
}

int store_subscriber_unsubscribe(struct db *db, long long org_id, const char *token, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_unsubscribe, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, token);
	db_bind_text(st, 3, now);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_subscribers_to_send(struct db *db, struct arena *a, long long org_id, long long delivery_id,
			      const char *category_pattern, long long after, long long limit, struct subscriber **out,
			      size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_to_send, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, delivery_id);
	db_bind_text(st, 3, category_pattern);
	db_bind_int(st, 4, after);
	db_bind_int(st, 5, limit);
	while ((rc = db_step(st)) == 1) {
		struct subscriber *s = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!s || sub_read(st, a, s)) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}

int store_email_send(struct db *db, long long org_id, long long delivery_id, long long subscriber_id,
		     const char *state, const char *message, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_send, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, delivery_id);
	db_bind_int(st, 3, subscriber_id);
	db_bind_text(st, 4, state);
	db_bind_text(st, 5, message);
	db_bind_text(st, 6, now);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_subscriber_rejected(struct db *db, long long org_id, long long id, const char *message, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_rejected, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, message);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_email_send_counts(struct db *db, long long org_id, long long delivery_id, long long *sent,
			    long long *rejected)
{
	struct db_stmt *st;
	int rc;

	*sent = *rejected = 0;
	if ((rc = db_prep(db, sql_send_counts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, delivery_id);
	if ((rc = db_step(st)) == 1) {
		*sent = db_col_int(st, 0);
		*rejected = db_col_int(st, 1);
		db_done(st);
		return 0;
	}
	return rc;
}

int store_subscriber_counts(struct db *db, long long org_id, struct subscriber_counts *out)
{
	struct db_stmt *st;
	int rc;

	*out = (struct subscriber_counts){ 0 };
	if ((rc = db_prep(db, sql_counts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if ((rc = db_step(st)) == 1) {
		out->pending = db_col_int(st, 0);
		out->confirmed = db_col_int(st, 1);
		out->unsubscribed = db_col_int(st, 2);
		out->rejected = db_col_int(st, 3);
		db_done(st);
		return 0;
	}
	return rc;
}

int store_subscriber_list(struct db *db, struct arena *a, long long org_id, struct subscriber **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct subscriber *s = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!s || sub_read(st, a, s)) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}
