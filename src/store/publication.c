/* publication.c - see publication.h. */
#include "store/publication.h"

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "core/banned.h"

/* $2: 0 for every org; $4: limit + 1 (is there more?) */
static const char sql_events[] =
	"SELECT e.id, e.org_id, o.slug, e.item_id, e.kind, e.version, e.at, i.status, i.version "
	"FROM publication_events e JOIN orgs o ON o.id = e.org_id JOIN items i ON i.id = e.item_id "
	"WHERE e.id > $1 AND ($2 = 0 OR e.org_id = $2) ORDER BY e.id LIMIT $3";
static const char sql_event_last[] =
	"SELECT COALESCE(MAX(id), 0) FROM publication_events WHERE $1 = 0 OR org_id = $1";
#define FEED_COLS                                                                                    \
	"SELECT i.id, o.slug, i.index_no, i.title, i.doc_no, c.name, i.published_on, "                   \
	"(SELECT MAX(e.at) FROM publication_events e WHERE e.item_id = i.id) "                            \
	"FROM items i JOIN categories c ON c.id = i.category_id JOIN orgs o ON o.id = i.org_id "
/* one statement each, so that each walks its index in order (items_public,
 * items_category) and stops after limit */
static const char sql_feed_org[] =
	FEED_COLS "WHERE i.org_id = $1 AND i.status = 'published' ORDER BY i.published_on DESC, i.id DESC LIMIT $2";
static const char sql_feed_cat[] =
	FEED_COLS "WHERE i.category_id = $3 AND i.status = 'published' AND i.org_id = $1 "
	"ORDER BY i.published_on DESC, i.id DESC LIMIT $2";
static const char sql_feed_updated_org[] = "SELECT MAX(at) FROM publication_events WHERE org_id = $1";
static const char sql_feed_updated_cat[] =
	"SELECT MAX(e.at) FROM publication_events e JOIN items i ON i.id = e.item_id "
	"WHERE e.org_id = $1 AND i.category_id = $2";
static const char sql_failure_set[] =
	"INSERT INTO static_failures (org_id, failed_at, message) VALUES ($1, $2, $3) "
	"ON CONFLICT (org_id) DO UPDATE SET failed_at = excluded.failed_at, message = excluded.message";
static const char sql_failure_get[] = "SELECT failed_at, message FROM static_failures WHERE org_id = $1";
static const char sql_failure_clear[] = "DELETE FROM static_failures WHERE org_id = $1";

int store_pub_events(struct db *db, struct arena *a, long long org_id, long long since, long long limit,
		     struct pub_event **out, size_t *n, int *more)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*more = 0;
	if ((rc = db_prep(db, sql_events, &st)))
		return rc;
	db_bind_int(st, 1, since);
	db_bind_int(st, 2, org_id);
	db_bind_int(st, 3, limit + 1);
	while ((rc = db_step(st)) == 1) {
		struct pub_event *e;

		if ((long long)*n == limit) {
			*more = 1;
			db_done(st);
			return 0;
		}
		if (!(e = grow_slot(a, (void **)out, *n, &cap, sizeof(**out)))) {
			db_done(st);
			return ERR_NOMEM;
		}
		e->id = db_col_int(st, 0);
		e->org_id = db_col_int(st, 1);
		e->org_slug = db_col_dup(st, 2, a);
		e->item_id = db_col_int(st, 3);
		e->kind = db_col_dup(st, 4, a);
		e->version = (int)db_col_int(st, 5);
		e->at = db_col_dup(st, 6, a);
		e->status = db_col_dup(st, 7, a);
		e->cur_version = (int)db_col_int(st, 8);
		if (!e->org_slug || !e->kind || !e->at || !e->status) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}

int store_pub_event_last(struct db *db, long long org_id, long long *out)
{
	struct db_stmt *st;
	int rc;

	*out = 0;
	if ((rc = db_prep(db, sql_event_last, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if ((rc = db_step(st)) == 1) {
		*out = db_col_int(st, 0);
		db_done(st);
		return 0;
	}
	return rc;
}

int store_feed_entries(struct db *db, struct arena *a, long long org_id, long long category_id, long long limit,
		       struct feed_entry **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, category_id ? sql_feed_cat : sql_feed_org, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, limit);
	if (category_id)
		db_bind_int(st, 3, category_id);
	while ((rc = db_step(st)) == 1) {
		struct feed_entry *e = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!e) {
			db_done(st);
			return ERR_NOMEM;
		}
		e->id = db_col_int(st, 0);
		e->org_slug = db_col_dup(st, 1, a);
		e->index_no = db_col_dup(st, 2, a);
		e->title = db_col_dup(st, 3, a);
		e->doc_no = db_col_dup(st, 4, a);
		e->category = db_col_dup(st, 5, a);
		e->published_on = db_col_dup(st, 6, a);
		e->updated_at = db_col_dup(st, 7, a);
		if (!e->org_slug || !e->title || !e->category) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}

int store_feed_updated(struct db *db, struct arena *a, long long org_id, long long category_id, const char **at)
{
	struct db_stmt *st;
	int rc;

	*at = NULL;
	if ((rc = db_prep(db, category_id ? sql_feed_updated_cat : sql_feed_updated_org, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if (category_id)
		db_bind_int(st, 2, category_id);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 1) {
		*at = db_col_dup(st, 0, a);  /* NULL when there is no event */
		db_done(st);
	}
	return 0;
}

int store_static_failure_set(struct db *db, long long org_id, const char *now, const char *message)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_failure_set, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, message);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_static_failure_get(struct db *db, struct arena *a, long long org_id, const char **at, const char **message)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_failure_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	*at = db_col_dup(st, 0, a);
	*message = db_col_dup(st, 1, a);
	db_done(st);
	return *at && *message ? 0 : ERR_NOMEM;
}

int store_static_failure_clear(struct db *db, long long org_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_failure_clear, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}
