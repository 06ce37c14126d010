/* report_store.c - the annual report's rows: see report_store.h. */
#include "store/report_store.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

#define REPORT_COLS                                                                                   \
	"r.id, r.org_id, r.year, r.status, r.version, COALESCE(r.published_version, 0), "             \
	"r.first_published_on, r.published_at, COALESCE(r.published_by, 0), "                        \
	"COALESCE(NULLIF(u.display_name, ''), u.username), COALESCE(r.item_id, 0), r.override_reason, " \
	"r.check_errors, r.fig_items, r.fig_app_new, r.fig_app_concluded, r.fig_app_carried, "         \
	"r.fig_reviews, r.fig_suits, r.fig_interactions, COALESCE(r.created_by, 0), r.created_at, "    \
	"r.updated_at"
#define REPORT_FROM " FROM reports r LEFT JOIN users u ON u.id = r.published_by "

static const char sql_report_insert[] =
	"INSERT INTO reports (org_id, year, status, version, created_by, created_at, updated_at) "
	"VALUES ($1, $2, 'draft', $3, $4, $5, $5) RETURNING id";
static const char sql_report_get[] = "SELECT " REPORT_COLS REPORT_FROM "WHERE r.org_id = $1 AND r.year = $2";
static const char sql_report_list[] = "SELECT " REPORT_COLS REPORT_FROM "WHERE r.org_id = $1 ORDER BY r.year DESC";
static const char sql_report_bump[] =
	"UPDATE reports SET version = $4, updated_at = $5 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_report_published[] =
	"UPDATE reports SET status = 'published', published_version = $3, "
	"first_published_on = COALESCE(first_published_on, $4), published_at = $5, published_by = $6, "
	"item_id = $7, override_reason = $8, check_errors = $9, fig_items = $10, fig_app_new = $11, "
	"fig_app_concluded = $12, fig_app_carried = $13, fig_reviews = $14, fig_suits = $15, "
	"fig_interactions = $16, updated_at = $5 WHERE org_id = $1 AND id = $2";

#define VERSION_COLS                                                                                  \
	"v.id, v.org_id, v.report_id, v.version, v.overview, v.problems, v.other, v.prev_licensing, "  \
	"v.prev_services, v.prev_penalties, v.prev_enforcement, v.delta_licensing, v.delta_services, " \
	"v.delta_penalties, v.delta_enforcement, v.note, v.published_at, v.override_reason, "          \
	"COALESCE(v.created_by, 0), COALESCE(NULLIF(u.display_name, ''), u.username), v.created_at"

static const char sql_version_insert[] =
	"INSERT INTO report_versions (org_id, report_id, version, overview, problems, other, prev_licensing, "
	"prev_services, prev_penalties, prev_enforcement, delta_licensing, delta_services, delta_penalties, "
	"delta_enforcement, note, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id";
static const char sql_version_get[] =
	"SELECT " VERSION_COLS " FROM report_versions v LEFT JOIN users u ON u.id = v.created_by "
	"WHERE v.org_id = $1 AND v.report_id = $2 AND v.version = $3";
static const char sql_version_list[] =
	"SELECT v.id, v.org_id, v.report_id, v.version, NULL, NULL, NULL, v.prev_licensing, v.prev_services, "
	"v.prev_penalties, v.prev_enforcement, v.delta_licensing, v.delta_services, v.delta_penalties, "
	"v.delta_enforcement, v.note, v.published_at, v.override_reason, COALESCE(v.created_by, 0), "
	"COALESCE(NULLIF(u.display_name, ''), u.username), v.created_at "
	"FROM report_versions v LEFT JOIN users u ON u.id = v.created_by "
	"WHERE v.org_id = $1 AND v.report_id = $2 ORDER BY v.version DESC";
static const char sql_version_published[] =
	"UPDATE report_versions SET published_at = $4, override_reason = $5 "
	"WHERE org_id = $1 AND report_id = $2 AND version = $3";

#define ORG_COLS "id, COALESCE(parent_id, 0), slug, name, org_code, kind, index_pattern, ''"
static const char sql_children[] =
	"SELECT " ORG_COLS " FROM orgs WHERE kind = 'agency' AND id <> $1 "
	"AND (parent_id = $1 OR ($2 = 1 AND parent_id IS NULL)) ORDER BY name, id";
static const char sql_has_children[] =
	"SELECT EXISTS (SELECT 1 FROM orgs WHERE kind = 'agency' AND id <> $1 "
	"AND (parent_id = $1 OR ($2 = 1 AND parent_id IS NULL)))";
static const char sql_interactions[] =
	"SELECT COUNT(*) FROM interactions WHERE org_id = $1 AND received_on >= $2 AND received_on < $3";

static void bind_opt(struct db_stmt *st, int idx, const char *s)
{
	if (s && *s)
		db_bind_text(st, idx, s);
	else
		db_bind_null(st, idx);
}

static void bind_id(struct db_stmt *st, int idx, long long id)
{
	if (id)
		db_bind_int(st, idx, id);
	else
		db_bind_null(st, idx);
}

static void report_read(struct db_stmt *st, struct arena *a, struct report_rec *r)
{
	r->id = db_col_int(st, 0);
	r->org_id = db_col_int(st, 1);
	r->year = (int)db_col_int(st, 2);
	r->status = db_col_dup(st, 3, a);
	r->version = (int)db_col_int(st, 4);
	r->published_version = (int)db_col_int(st, 5);
	r->first_published_on = db_col_dup(st, 6, a);
	r->published_at = db_col_dup(st, 7, a);
	r->published_by = db_col_int(st, 8);
	r->published_by_name = db_col_dup(st, 9, a);
	r->item_id = db_col_int(st, 10);
	r->override_reason = db_col_dup(st, 11, a);
	r->check_errors = (int)db_col_int(st, 12);
	r->fig.items = db_col_int(st, 13);
	r->fig.app_new = db_col_int(st, 14);
	r->fig.app_concluded = db_col_int(st, 15);
	r->fig.app_carried = db_col_int(st, 16);
	r->fig.reviews = db_col_int(st, 17);
	r->fig.suits = db_col_int(st, 18);
	r->fig.interactions = db_col_int(st, 19);
	r->created_by = db_col_int(st, 20);
	r->created_at = db_col_dup(st, 21, a);
	r->updated_at = db_col_dup(st, 22, a);
}

int store_rpt_insert(struct db *db, struct report_rec *r)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_report_insert, &st)))
		return rc;
	db_bind_int(st, 1, r->org_id);
	db_bind_int(st, 2, r->year);
	db_bind_int(st, 3, r->version);
	bind_id(st, 4, r->created_by);
	db_bind_text(st, 5, r->created_at);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	r->id = db_col_int(st, 0);
	r->status = "draft";
	r->updated_at = r->created_at;
	db_done(st);
	return 0;
}

int store_rpt_get(struct db *db, struct arena *a, long long org_id, int year, struct report_rec *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_report_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	report_read(st, a, out);
	db_done(st);
	return 0;
}

int store_rpt_list(struct db *db, struct arena *a, long long org_id, struct report_rec **out, size_t *n)
{
	struct db_stmt *st;
	struct report_rec *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_report_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct report_rec *r = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		report_read(st, a, r);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_rpt_bump(struct db *db, long long org_id, long long id, int from, int to, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_report_bump, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, from);
	db_bind_int(st, 4, to);
	db_bind_text(st, 5, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_CONFLICT;
}

int store_rpt_set_published(struct db *db, const struct report_rec *r)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_report_published, &st)))
		return rc;
	db_bind_int(st, 1, r->org_id);
	db_bind_int(st, 2, r->id);
	db_bind_int(st, 3, r->published_version);
	db_bind_text(st, 4, r->first_published_on);
	db_bind_text(st, 5, r->published_at);
	bind_id(st, 6, r->published_by);
	bind_id(st, 7, r->item_id);
	bind_opt(st, 8, r->override_reason);
	db_bind_int(st, 9, r->check_errors);
	db_bind_int(st, 10, r->fig.items);
	db_bind_int(st, 11, r->fig.app_new);
	db_bind_int(st, 12, r->fig.app_concluded);
	db_bind_int(st, 13, r->fig.app_carried);
	db_bind_int(st, 14, r->fig.reviews);
	db_bind_int(st, 15, r->fig.suits);
	db_bind_int(st, 16, r->fig.interactions);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

/* ---- versions ---- */

static void version_read(struct db_stmt *st, struct arena *a, struct report_version *v)
{
	v->id = db_col_int(st, 0);
	v->org_id = db_col_int(st, 1);
	v->report_id = db_col_int(st, 2);
	v->version = (int)db_col_int(st, 3);
	v->overview = db_col_dup(st, 4, a);
	v->problems = db_col_dup(st, 5, a);
	v->other = db_col_dup(st, 6, a);
	for (int i = 0; i < REPORT_ITEM_ROWS; i++) {
		v->items_prev[i] = db_col_int(st, 7 + i);
		v->items_delta[i] = db_col_int(st, 11 + i);
	}
	v->note = db_col_dup(st, 15, a);
	v->published_at = db_col_dup(st, 16, a);
	v->override_reason = db_col_dup(st, 17, a);
	v->created_by = db_col_int(st, 18);
	v->created_by_name = db_col_dup(st, 19, a);
	v->created_at = db_col_dup(st, 20, a);
}

int store_rpt_version_insert(struct db *db, struct report_version *v)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_version_insert, &st)))
		return rc;
	db_bind_int(st, 1, v->org_id);
	db_bind_int(st, 2, v->report_id);
	db_bind_int(st, 3, v->version);
	db_bind_text(st, 4, v->overview ? v->overview : "");
	db_bind_text(st, 5, v->problems ? v->problems : "");
	db_bind_text(st, 6, v->other ? v->other : "");
	for (int i = 0; i < REPORT_ITEM_ROWS; i++) {
		db_bind_int(st, 7 + i, v->items_prev[i]);
		db_bind_int(st, 11 + i, v->items_delta[i]);
	}
	db_bind_text(st, 15, v->note ? v->note : "");
	bind_id(st, 16, v->created_by);
	db_bind_text(st, 17, v->created_at);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	v->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_rpt_version_get(struct db *db, struct arena *a, long long org_id, long long report_id, int version,
			     struct report_version *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_version_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, report_id);
	db_bind_int(st, 3, version);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	version_read(st, a, out);
	db_done(st);
	return 0;
}

int store_rpt_versions(struct db *db, struct arena *a, long long org_id, long long report_id,
			  struct report_version **out, size_t *n)
{
	struct db_stmt *st;
	struct report_version *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_version_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, report_id);
	while ((rc = db_step(st)) == 1) {
		struct report_version *v = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!v) {
			db_done(st);
			return ERR_NOMEM;
		}
		version_read(st, a, v);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_rpt_version_set_published(struct db *db, long long org_id, long long report_id, int version,
				       const char *at, const char *override_reason)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_version_published, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, report_id);
	db_bind_int(st, 3, version);
	db_bind_text(st, 4, at);
	bind_opt(st, 5, override_reason);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

/* ---- the platform view ---- */

static bool is_platform(const struct org *o)
{
	return o->kind && strcmp(o->kind, "platform") == 0;
}

int store_rpt_children(struct db *db, struct arena *a, const struct org *parent, struct org **out, size_t *n)
{
	struct db_stmt *st;
	struct org *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_children, &st)))
		return rc;
	db_bind_int(st, 1, parent->id);
	db_bind_int(st, 2, is_platform(parent));
	while ((rc = db_step(st)) == 1) {
		struct org *o = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!o) {
			db_done(st);
			return ERR_NOMEM;
		}
		o->id = db_col_int(st, 0);
		o->parent_id = db_col_int(st, 1);
		o->slug = db_col_dup(st, 2, a);
		o->name = db_col_dup(st, 3, a);
		o->org_code = db_col_dup(st, 4, a);
		o->kind = db_col_dup(st, 5, a);
		o->index_pattern = db_col_dup(st, 6, a);
		o->guide_md = "";
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_rpt_has_children(struct db *db, const struct org *org, bool *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_has_children, &st)))
		return rc;
	db_bind_int(st, 1, org->id);
	db_bind_int(st, 2, is_platform(org));
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*out = db_col_int(st, 0) != 0;
	db_done(st);
	return 0;
}

int store_rpt_of_orgs(struct db *db, struct arena *a, const struct org *orgs, size_t n, int year,
			 struct report_rec *out)
{
	int rc;

	/* one indexed lookup (org_id, year) per org: a thousand of them take
	 * milliseconds, and the caller's order is kept */
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		rc = store_rpt_get(db, a, orgs[i].id, year, &out[i]);
		if (rc == ERR_NOT_FOUND) {
			memset(&out[i], 0, sizeof(out[i]));
			continue;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int store_rpt_interactions(struct db *db, long long org_id, int year, long long *n)
{
	struct db_stmt *st;
	char lo[16], hi[16];
	int rc;

	snprintf(lo, sizeof(lo), "%04d-01-01", year % 10000);
	snprintf(hi, sizeof(hi), "%04d-01-01", (year + 1) % 10000);
	if ((rc = db_prep(db, sql_interactions, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}
