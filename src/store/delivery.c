/* delivery.c - delivery channels, deliveries, their attempts and cached
 * tokens (the outbox). The rules are in domain/channels; see delivery.h. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/delivery.h"
#include "store/grow.h"
#include "store/stmt.h"
#include "core/banned.h"

/* ---- channels ---- */

#define DCH_COLS                                                                                          \
	"c.id, c.org_id, c.kind, c.name, c.enabled, c.all_categories, c.endpoint, c.app_id, c.secret_fp, "  \
	"c.config, COALESCE(c.stat_channel_id, 0), c.stat_metric, c.created_at, c.updated_at"

static const char sql_dch_insert[] =
	"INSERT INTO delivery_channels (org_id, kind, name, enabled, all_categories, endpoint, app_id, config, "
	"stat_channel_id, stat_metric, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
static const char sql_dch_update[] =
	"UPDATE delivery_channels SET kind = $3, name = $4, enabled = $5, all_categories = $6, endpoint = $7, "
	"app_id = $8, config = $9, stat_channel_id = $10, stat_metric = $11, updated_at = $12 "
	"WHERE org_id = $1 AND id = $2";
static const char sql_dch_enable[] =
	"UPDATE delivery_channels SET enabled = $3, updated_at = $4 WHERE org_id = $1 AND id = $2";
static const char sql_dch_cats_clear[] =
	"DELETE FROM delivery_channel_categories WHERE org_id = $1 AND channel_id = $2";
/* only a category of the same org */
static const char sql_dch_cat_add[] =
	"INSERT INTO delivery_channel_categories (org_id, channel_id, category_id) "
	"SELECT org_id, $2, id FROM categories WHERE org_id = $1 AND id = $3 ON CONFLICT DO NOTHING";
static const char sql_dch_cats[] =
	"SELECT category_id FROM delivery_channel_categories WHERE org_id = $1 AND channel_id = $2 ORDER BY category_id";
static const char sql_dch_fp[] =
	"UPDATE delivery_channels SET secret_fp = $3, updated_at = $4 WHERE org_id = $1 AND id = $2";
static const char sql_dch_secret_put[] =
	"INSERT INTO delivery_secrets (channel_id, org_id, secret, updated_at) "
	"SELECT id, org_id, $3, $4 FROM delivery_channels WHERE org_id = $1 AND id = $2 "
	"ON CONFLICT (channel_id) DO UPDATE SET secret = excluded.secret, updated_at = excluded.updated_at";
static const char sql_dch_secret[] = "SELECT secret FROM delivery_secrets WHERE org_id = $1 AND channel_id = $2";
static const char sql_dch_get[] = "SELECT " DCH_COLS " FROM delivery_channels c WHERE c.org_id = $1 AND c.id = $2";
static const char sql_dch_list[] =
	"SELECT " DCH_COLS ", "
	"(SELECT COUNT(*) FROM deliveries d WHERE d.channel_id = c.id AND d.state IN ('pending', 'sending')), "
	"(SELECT COUNT(*) FROM deliveries d WHERE d.channel_id = c.id AND d.state = 'failed'), "
	"(SELECT COUNT(*) FROM deliveries d WHERE d.channel_id = c.id AND d.state = 'done') "
	"FROM delivery_channels c WHERE c.org_id = $1 ORDER BY c.id";

static void dch_bind(struct db_stmt *st, int from, const struct dchannel *c)
{
	db_bind_text(st, from, c->kind);
	db_bind_text(st, from + 1, c->name);
	db_bind_int(st, from + 2, c->enabled);
	db_bind_int(st, from + 3, c->all_categories);
	db_bind_text(st, from + 4, str0(c->endpoint));
	db_bind_text(st, from + 5, str0(c->app_id));
	db_bind_text(st, from + 6, c->config && *c->config ? c->config : "{}");
	bind_id_opt(st, from + 7, c->stat_channel_id);
	db_bind_text(st, from + 8, str0(c->stat_metric));
}

int store_dchannel_insert(struct db *db, struct dchannel *c, const char *now)
{
	struct db_stmt *st;
	int rc;

	if (!c->kind || !c->name)
		return ERR_INTERNAL;
	if ((rc = db_prep(db, sql_dch_insert, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	dch_bind(st, 2, c);
	db_bind_text(st, 11, now);
	return returning_id(st, &c->id);
}

int store_dchannel_update(struct db *db, const struct dchannel *c, const char *now)
{
	struct db_stmt *st;
	int rc;

	if (!c->kind || !c->name)
		return ERR_INTERNAL;
	if ((rc = db_prep(db, sql_dch_update, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_int(st, 2, c->id);
	dch_bind(st, 3, c);
	db_bind_text(st, 12, now);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_dchannel_set_enabled(struct db *db, long long org_id, long long id, bool on, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_dch_enable, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, on);
	db_bind_text(st, 4, now);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_dchannel_set_categories(struct db *db, long long org_id, long long id, const long long *cats, size_t n)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_dch_cats_clear, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = run(st)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = db_prep(db, sql_dch_cat_add, &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		db_bind_int(st, 2, id);
		db_bind_int(st, 3, cats[i]);
		if ((rc = run(st)))
			return rc;
	}
	return 0;
}

int store_dchannel_set_secret(struct db *db, long long org_id, long long id, const char *secret, const char *fp,
			      const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_dch_secret_put, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, str0(secret));
	db_bind_text(st, 4, now);
	if ((rc = run(st)))
		return rc;
	if (db_changes(db) != 1)
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_dch_fp, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, str0(fp));
	db_bind_text(st, 4, now);
	return run(st);
}

int store_dchannel_secret(struct db *db, struct arena *a, long long org_id, long long id, const char **secret)
{
	struct db_stmt *st;
	int rc;

	*secret = "";
	if ((rc = db_prep(db, sql_dch_secret, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st)) <= 0)
		return rc;
	*secret = db_col_dup(st, 0, a);
	db_done(st);
	return *secret ? 0 : ERR_NOMEM;
}

static int dch_read(struct db_stmt *st, struct arena *a, struct dchannel *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int(st, 0);
	c->org_id = db_col_int(st, 1);
	c->kind = db_col_dup(st, 2, a);
	c->name = db_col_dup(st, 3, a);
	c->enabled = db_col_int(st, 4) != 0;
	c->all_categories = db_col_int(st, 5) != 0;
	c->endpoint = db_col_dup(st, 6, a);
	c->app_id = db_col_dup(st, 7, a);
	c->secret_fp = db_col_dup(st, 8, a);
	c->config = db_col_dup(st, 9, a);
	c->stat_channel_id = db_col_int(st, 10);
	c->stat_metric = db_col_dup(st, 11, a);
	c->created_at = db_col_dup(st, 12, a);
	c->updated_at = db_col_dup(st, 13, a);
	return c->kind && c->name && c->endpoint && c->app_id && c->secret_fp && c->config && c->stat_metric &&
			       c->created_at && c->updated_at
		       ? 0
		       : ERR_NOMEM;
}

int store_dchannel_get(struct db *db, struct arena *a, long long org_id, long long id, struct dchannel *out)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_dch_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	rc = dch_read(st, a, out);
	db_done(st);
	if (rc || (rc = db_prep(db, sql_dch_cats, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	while ((rc = db_step(st)) == 1) {
		long long *slot = grow_slot(a, (void **)&out->categories, out->ncategories, &cap, sizeof(long long));

		if (!slot) {
			db_done(st);
			return ERR_NOMEM;
		}
		*slot = db_col_int(st, 0);
		out->ncategories++;
	}
	return rc;
}

int store_dchannels(struct db *db, struct arena *a, long long org_id, struct dchannel **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_dch_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct dchannel *c = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!c || dch_read(st, a, c)) {
			db_done(st);
			return ERR_NOMEM;
		}
		c->npending = db_col_int(st, 14);
		c->nfailed = db_col_int(st, 15);
		c->ndone = db_col_int(st, 16);
		(*n)++;
	}
	return rc;
}

/* ---- deliveries ---- */

static const char sql_enqueue[] =
	"INSERT INTO deliveries (org_id, channel_id, item_id, item_version, event, state, attempts, next_attempt_at, "
	"created_at, updated_at) "
	"SELECT c.org_id, c.id, i.id, i.version, $3, 'pending', 0, $4, $4, $4 "
	"FROM delivery_channels c JOIN items i ON i.org_id = c.org_id AND i.id = $2 "
	"WHERE c.org_id = $1 AND c.enabled = 1 AND (c.all_categories = 1 OR EXISTS (SELECT 1 FROM "
	"delivery_channel_categories k WHERE k.channel_id = c.id AND k.category_id = i.category_id))";
static const char sql_enqueue_one[] =
	"INSERT INTO deliveries (org_id, channel_id, item_id, item_version, event, state, attempts, next_attempt_at, "
	"created_at, updated_at) "
	"SELECT c.org_id, c.id, i.id, i.version, $4, 'pending', 0, $5, $5, $5 "
	"FROM delivery_channels c JOIN items i ON i.org_id = c.org_id AND i.id = $3 "
	"WHERE c.org_id = $1 AND c.id = $2 RETURNING id";

int store_delivery_enqueue(struct db *db, long long org_id, long long item_id, const char *event, const char *now,
			   long long *n)
{
	struct db_stmt *st;
	int rc;

	if (n)
		*n = 0;
	if ((rc = db_prep(db, sql_enqueue, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_text(st, 3, event);
	db_bind_text(st, 4, now);
	if ((rc = run(st)))
		return rc;
	if (n)
		*n = db_changes(db);
	return 0;
}

int store_delivery_enqueue_one(struct db *db, long long org_id, long long channel_id, long long item_id,
			       const char *event, const char *now, long long *id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_enqueue_one, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_int(st, 3, item_id);
	db_bind_text(st, 4, event);
	db_bind_text(st, 5, now);
	return returning_id(st, id);
}

static const char sql_latest_item[] =
	"SELECT id FROM items WHERE org_id = $1 AND status = 'published' ORDER BY published_on DESC, id DESC LIMIT 1";

int store_delivery_latest_item(struct db *db, long long org_id, long long *item_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_latest_item, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	return returning_id(st, item_id);
}

#define DLV_COLS                                                                                           \
	"d.id, d.org_id, d.channel_id, d.item_id, d.item_version, d.event, d.state, d.attempts, "           \
	"d.next_attempt_at, COALESCE(d.lease_until, ''), COALESCE(d.lease_owner, ''), d.last_error, "        \
	"d.remote_id, d.progress, d.manual, d.created_at, d.updated_at, COALESCE(d.delivered_at, ''), "      \
	"c.name, c.kind, i.title, o.slug"
#define DLV_FROM                                                                                           \
	" FROM deliveries d JOIN delivery_channels c ON c.id = d.channel_id JOIN items i ON i.id = d.item_id " \
	"JOIN orgs o ON o.id = d.org_id"
#define DUE "((d.state = 'pending' AND d.next_attempt_at <= $1) OR (d.state = 'sending' AND d.lease_until <= $1))"

/* The UPDATE checks the condition again on the row it changes: on
 * PostgreSQL another transaction may have taken it after the subquery
 * chose it (both engines also serialise writers, see db_begin). */
static const char sql_claim[] =
	"UPDATE deliveries SET state = 'sending', attempts = attempts + 1, lease_owner = $2, lease_until = $3, "
	"updated_at = $1 WHERE id = (SELECT d.id FROM deliveries d WHERE ($4 = 0 OR d.org_id = $4) AND " DUE
	" ORDER BY d.next_attempt_at, d.id LIMIT 1) "
	"AND ((state = 'pending' AND next_attempt_at <= $1) OR (state = 'sending' AND lease_until <= $1)) "
	"RETURNING id, org_id";
static const char sql_get[] = "SELECT " DLV_COLS DLV_FROM " WHERE d.org_id = $1 AND d.id = $2";
static const char sql_next_due[] =
	"SELECT MIN(CASE WHEN state = 'pending' THEN next_attempt_at ELSE lease_until END) FROM deliveries "
	"WHERE state IN ('pending', 'sending') AND ($1 = 0 OR org_id = $1)";
static const char sql_finish[] =
	"UPDATE deliveries SET state = $3, next_attempt_at = COALESCE($4, next_attempt_at), last_error = $5, "
	"remote_id = COALESCE($6, remote_id), manual = $7, lease_owner = NULL, lease_until = NULL, updated_at = $8, "
	"delivered_at = CASE WHEN $3 = 'done' THEN $8 ELSE delivered_at END "
	"WHERE id = $1 AND state = 'sending' AND lease_owner = $2";
static const char sql_progress[] =
	"UPDATE deliveries SET progress = $3, updated_at = $4 WHERE id = $1 AND state = 'sending' AND lease_owner = $2";
static const char sql_release[] =
	"UPDATE deliveries SET state = 'pending', next_attempt_at = $3, lease_owner = NULL, lease_until = NULL, "
	"updated_at = $3 WHERE id = $1 AND state = 'sending' AND lease_owner = $2";
static const char sql_log_add[] =
	"INSERT INTO delivery_log (org_id, delivery_id, attempt, started_at, outcome, http_status, message, "
	"duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char sql_log[] =
	"SELECT id, delivery_id, attempt, started_at, outcome, http_status, message, duration_ms FROM delivery_log "
	"WHERE org_id = $1 AND delivery_id = $2 ORDER BY id";
static const char sql_retry[] =
	"UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3 "
	"WHERE org_id = $1 AND id = $2 AND state IN ('failed', 'pending')";
static const char sql_retry_failed[] =
	"UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, updated_at = $2 "
	"WHERE org_id = $1 AND state = 'failed'";
static const char sql_list[] =
	"SELECT " DLV_COLS DLV_FROM " WHERE d.org_id = $1 AND ($2 = '' OR d.state = $2) AND ($3 = 0 OR d.channel_id = $3) "
	"AND ($4 = 0 OR d.item_id = $4) ORDER BY CASE d.state WHEN 'failed' THEN 0 WHEN 'sending' THEN 1 "
	"WHEN 'pending' THEN 2 ELSE 3 END, d.id DESC LIMIT $5 OFFSET $6";
static const char sql_counts[] =
	"SELECT state, COUNT(*), SUM(manual) FROM deliveries WHERE org_id = $1 GROUP BY state";
static const char sql_last_remote[] =
	"SELECT remote_id FROM deliveries WHERE org_id = $1 AND channel_id = $2 AND item_id = $3 AND state = 'done' "
	"AND event IN ('publish', 'correct') AND remote_id <> '' ORDER BY id DESC LIMIT 1";

static int dlv_read(struct db_stmt *st, struct arena *a, struct delivery *d)
{
	memset(d, 0, sizeof(*d));
	d->id = db_col_int(st, 0);
	d->org_id = db_col_int(st, 1);
	d->channel_id = db_col_int(st, 2);
	d->item_id = db_col_int(st, 3);
	d->item_version = (int)db_col_int(st, 4);
	d->event = db_col_dup(st, 5, a);
	d->state = db_col_dup(st, 6, a);
	d->attempts = (int)db_col_int(st, 7);
	d->next_attempt_at = db_col_dup(st, 8, a);
	d->lease_until = db_col_dup(st, 9, a);
	d->lease_owner = db_col_dup(st, 10, a);
	d->last_error = db_col_dup(st, 11, a);
	d->remote_id = db_col_dup(st, 12, a);
	d->progress = db_col_dup(st, 13, a);
	d->manual = db_col_int(st, 14) != 0;
	d->created_at = db_col_dup(st, 15, a);
	d->updated_at = db_col_dup(st, 16, a);
	d->delivered_at = db_col_dup(st, 17, a);
	d->channel_name = db_col_dup(st, 18, a);
	d->channel_kind = db_col_dup(st, 19, a);
	d->item_title = db_col_dup(st, 20, a);
	d->org_slug = db_col_dup(st, 21, a);
	return d->event && d->state && d->next_attempt_at && d->lease_until && d->lease_owner && d->last_error &&
			       d->remote_id && d->progress && d->created_at && d->updated_at && d->delivered_at &&
			       d->channel_name && d->channel_kind && d->item_title && d->org_slug
		       ? 0
		       : ERR_NOMEM;
}

int store_delivery_get(struct db *db, struct arena *a, long long org_id, long long id, struct delivery *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	rc = dlv_read(st, a, out);
	db_done(st);
	return rc;
}

int store_delivery_claim(struct db *db, struct arena *a, long long org_id, const char *owner, const char *now,
			 const char *lease_until, struct delivery *out)
{
	struct db_stmt *st;
	long long id, org;
	int rc;

	if ((rc = db_prep(db, sql_claim, &st)))
		return rc;
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, owner);
	db_bind_text(st, 3, lease_until);
	db_bind_int(st, 4, org_id);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	id = db_col_int(st, 0);
	org = db_col_int(st, 1);
	db_done(st);
	return store_delivery_get(db, a, org, id, out);
}

int store_delivery_next_due(struct db *db, struct arena *a, long long org_id, const char **when)
{
	struct db_stmt *st;
	int rc;

	*when = NULL;
	if ((rc = db_prep(db, sql_next_due, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if ((rc = db_step(st)) <= 0)
		return rc;
	if (!db_col_isnull(st, 0) && !(*when = db_col_dup(st, 0, a)))
		rc = ERR_NOMEM;
	else
		rc = 0;
	db_done(st);
	return rc;
}

int store_delivery_finish(struct db *db, long long id, const char *owner, const char *state, const char *next,
			  const char *error, const char *remote_id, bool manual, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_finish, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, owner);
	db_bind_text(st, 3, state);
	bind_opt(st, 4, next);
	db_bind_text(st, 5, str0(error));
	bind_opt(st, 6, remote_id);
	db_bind_int(st, 7, manual);
	db_bind_text(st, 8, now);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_CONFLICT;
}

int store_delivery_progress(struct db *db, long long id, const char *owner, const char *progress, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_progress, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, owner);
	db_bind_text(st, 3, str0(progress));
	db_bind_text(st, 4, now);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_CONFLICT;
}

int store_delivery_release(struct db *db, long long id, const char *owner, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_release, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, owner);
	db_bind_text(st, 3, now);
	return run(st);
}

int store_delivery_log_add(struct db *db, long long org_id, const struct delivery_attempt *at)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_log_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, at->delivery_id);
	db_bind_int(st, 3, at->attempt);
	db_bind_text(st, 4, at->started_at);
	db_bind_text(st, 5, at->outcome);
	db_bind_int(st, 6, at->http_status);
	db_bind_text(st, 7, str0(at->message));
	db_bind_int(st, 8, at->duration_ms);
	return run(st);
}

int store_delivery_log(struct db *db, struct arena *a, long long org_id, long long delivery_id,
		       struct delivery_attempt **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_log, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, delivery_id);
	while ((rc = db_step(st)) == 1) {
		struct delivery_attempt *x = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!x) {
			db_done(st);
			return ERR_NOMEM;
		}
		x->id = db_col_int(st, 0);
		x->delivery_id = db_col_int(st, 1);
		x->attempt = (int)db_col_int(st, 2);
		x->started_at = db_col_dup(st, 3, a);
		x->outcome = db_col_dup(st, 4, a);
		x->http_status = (int)db_col_int(st, 5);
		x->message = db_col_dup(st, 6, a);
		x->duration_ms = db_col_int(st, 7);
		if (!x->started_at || !x->outcome || !x->message) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}

int store_delivery_retry(struct db *db, long long org_id, long long id, const char *now)
{
	struct db_stmt *st;
	struct arena a;
	struct delivery d;
	int rc;

	if ((rc = db_prep(db, sql_retry, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, now);
	if ((rc = run(st)))
		return rc;
	if (db_changes(db) == 1)
		return 0;
	arena_init(&a, 0);
	rc = store_delivery_get(db, &a, org_id, id, &d);
	arena_release(&a);
	return rc ? rc : ERR_CONFLICT;
}

int store_delivery_retry_failed(struct db *db, long long org_id, const char *now, long long *n)
{
	struct db_stmt *st;
	int rc;

	*n = 0;
	if ((rc = db_prep(db, sql_retry_failed, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, now);
	if ((rc = run(st)))
		return rc;
	*n = db_changes(db);
	return 0;
}

int store_deliveries(struct db *db, struct arena *a, long long org_id, const struct delivery_filter *f, int limit,
		     int offset, struct delivery **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, f && f->state ? f->state : "");
	db_bind_int(st, 3, f ? f->channel_id : 0);
	db_bind_int(st, 4, f ? f->item_id : 0);
	db_bind_int(st, 5, limit);
	db_bind_int(st, 6, offset);
	while ((rc = db_step(st)) == 1) {
		struct delivery *d = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!d || dlv_read(st, a, d)) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}

int store_delivery_counts(struct db *db, long long org_id, struct delivery_counts *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_prep(db, sql_counts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		const char *s = db_col_text(st, 0);
		long long k = db_col_int(st, 1);

		out->manual += db_col_int(st, 2);
		if (strcmp(s, "pending") == 0)
			out->pending = k;
		else if (strcmp(s, "sending") == 0)
			out->sending = k;
		else if (strcmp(s, "done") == 0)
			out->done = k;
		else if (strcmp(s, "failed") == 0)
			out->failed = k;
	}
	return rc;
}

int store_delivery_last_remote(struct db *db, struct arena *a, long long org_id, long long channel_id,
			       long long item_id, const char **remote_id)
{
	struct db_stmt *st;
	int rc;

	*remote_id = "";
	if ((rc = db_prep(db, sql_last_remote, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_int(st, 3, item_id);
	if ((rc = db_step(st)) <= 0)
		return rc;
	*remote_id = db_col_dup(st, 0, a);
	db_done(st);
	return *remote_id ? 0 : ERR_NOMEM;
}

/* ---- channel figures ---- */

/* $5, $6: the month's bounds in UTC (the month is China's) */
static const char sql_recount[] =
	"INSERT INTO channel_figures (org_id, channel_id, year, month, metric, value, label, updated_by, updated_at) "
	"SELECT c.org_id, c.stat_channel_id, $3, $4, c.stat_metric, "
	"(SELECT COUNT(*) FROM deliveries d JOIN delivery_channels c2 ON c2.id = d.channel_id "
	"WHERE d.org_id = c.org_id AND c2.stat_channel_id = c.stat_channel_id AND c2.stat_metric = c.stat_metric "
	"AND d.state = 'done' AND d.event IN ('publish', 'correct') AND d.delivered_at >= $5 AND d.delivered_at < $6), "
	"'', NULL, $7 FROM delivery_channels c "
	"WHERE c.org_id = $1 AND c.id = $2 AND c.stat_channel_id IS NOT NULL AND c.stat_metric <> '' "
	"ON CONFLICT (org_id, channel_id, year, month, metric) DO UPDATE SET value = excluded.value, "
	"updated_by = excluded.updated_by, updated_at = excluded.updated_at";

int store_delivery_recount_figure(struct db *db, long long org_id, long long channel_id, int year, int month,
				  const char *now)
{
	struct db_stmt *st;
	char from[32], to[32];
	int rc;

	if (month < 1 || month > 12 || year < 1000 || year > 9998)
		return ERR_INVALID;
	/* 00:00 China time (UTC+8) is 16:00 UTC the day before: compare with
	 * the first instant of the month shifted, written as text */
	if ((rc = db_prep(db, sql_recount, &st)))
		return rc;
	{
		/* the last day of the previous month at 16:00Z */
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int py = month == 1 ? year - 1 : year, pm = month == 1 ? 12 : month - 1;
		int pd = mdays[pm - 1] + (pm == 2 && ((py % 4 == 0 && py % 100 != 0) || py % 400 == 0));
		int ld = mdays[month - 1] + (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));

		snprintf(from, sizeof(from), "%04d-%02d-%02dT16:00:00.000Z", py, pm, pd);
		snprintf(to, sizeof(to), "%04d-%02d-%02dT16:00:00.000Z", year, month, ld);
	}
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, month);
	db_bind_text(st, 5, from);
	db_bind_text(st, 6, to);
	db_bind_text(st, 7, now);
	return run(st);
}

/* ---- cached tokens ---- */

static const char sql_token[] =
	"SELECT token FROM delivery_tokens WHERE org_id = $1 AND channel_id = $2 AND expires_at > $3";
static const char sql_token_put[] =
	"INSERT INTO delivery_tokens (channel_id, org_id, token, expires_at, updated_at) "
	"SELECT id, org_id, $3, $4, $5 FROM delivery_channels WHERE org_id = $1 AND id = $2 "
	"ON CONFLICT (channel_id) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at, "
	"updated_at = excluded.updated_at";
static const char sql_token_del[] = "DELETE FROM delivery_tokens WHERE org_id = $1 AND channel_id = $2";

int store_delivery_token(struct db *db, struct arena *a, long long org_id, long long channel_id,
			 const char *min_expiry, const char **token)
{
	struct db_stmt *st;
	int rc;

	*token = NULL;
	if ((rc = db_prep(db, sql_token, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_text(st, 3, min_expiry);
	if ((rc = db_step(st)) <= 0)
		return rc;
	*token = db_col_dup(st, 0, a);
	db_done(st);
	return *token ? 0 : ERR_NOMEM;
}

int store_delivery_token_put(struct db *db, long long org_id, long long channel_id, const char *token,
			     const char *expires_at, const char *now)
{
	struct db_stmt *st;
	int rc;

	if (!token || !*token) {
		if ((rc = db_prep(db, sql_token_del, &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		db_bind_int(st, 2, channel_id);
		return run(st);
	}
	if ((rc = db_prep(db, sql_token_put, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_text(st, 3, token);
	db_bind_text(st, 4, expires_at);
	db_bind_text(st, 5, now);
	return run(st);
}
