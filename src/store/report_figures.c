/* report_figures.c - aggregate queries of the annual report. See
 * report_figures.h; the indexes are in migration 0010. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/report_figures.h"
#include "store/store.h"
#include "core/banned.h"

/* $2 first day, $3 last day of the year. The condition genre <> '其他'
 * is written as in the partial index items_report_genre so that the
 * planner uses it. */
static const char sql_genres[] =
	"SELECT genre, "
	"SUM(CASE WHEN written_on BETWEEN $2 AND $3 AND published_on <= $3 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN published_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN published_on <= $3 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN validity IN ('废止', '失效') AND validity_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN published_on <= $3 AND (validity IN ('有效', '已修改') OR validity_on > $3) THEN 1 ELSE 0 END) "
	"FROM items WHERE org_id = $1 AND genre <> '其他' AND status = 'published' GROUP BY genre";

/* item_counts (migration 0002) is kept by triggers per org, category,
 * year of 发布日期 and 有效性, for published items. */
static const char sql_categories[] =
	"SELECT c.id, c.org_id, COALESCE(c.parent_id, 0), c.name, c.article, c.sort, "
	"(SELECT COALESCE(SUM(k.n), 0) FROM item_counts k WHERE k.org_id = c.org_id AND k.category_id = c.id "
	"AND k.year = $2) "
	"FROM categories c WHERE c.org_id = $1 ORDER BY c.sort, c.id";

static const char sql_fees_paid[] =
	"SELECT COALESCE(SUM(fee_yuan), 0), COUNT(*) FROM applications WHERE org_id = $1 AND state <> 'void' "
	"AND id IN (SELECT application_id FROM application_events WHERE org_id = $1 AND action = 'fee_paid' "
	"AND day BETWEEN $2 AND $3)";

static const char sql_apps_late[] =
	"SELECT COUNT(*) FROM applications WHERE org_id = $1 AND closed_on BETWEEN $2 AND $3 AND state = 'replied' "
	"AND due_on IS NOT NULL AND closed_on > due_on";

/* The rows app_year_counts reads (received by the year's end, not closed
 * before its start), in two parts that each use applications_report:
 * still open, and closed on or after the year's start. */
static const char sql_app_groups[] =
	"SELECT t, nw, oc, SUM(c) FROM ("
	"SELECT applicant_type AS t, CASE WHEN received_on >= $2 THEN 1 ELSE 0 END AS nw, "
	"CAST(NULL AS TEXT) AS oc, COUNT(*) AS c FROM applications "
	"WHERE org_id = $1 AND closed_on IS NULL AND received_on <= $3 AND state <> 'void' GROUP BY 1, 2 "
	"UNION ALL "
	"SELECT applicant_type, CASE WHEN received_on >= $2 THEN 1 ELSE 0 END, "
	"CASE WHEN closed_on <= $3 THEN outcome ELSE NULL END, COUNT(*) FROM applications "
	"WHERE org_id = $1 AND closed_on >= $2 AND received_on <= $3 AND state <> 'void' GROUP BY 1, 2, 3"
	") g GROUP BY t, nw, oc";

static void year_bounds(int year, char from[11], char to[11])
{
	snprintf(from, 11, "%04d-01-01", year);
	snprintf(to, 11, "%04d-12-31", year);
}

static int bad_year(int year)
{
	return year < 1900 || year > 2999;
}

int store_report_genres(struct db *db, long long org_id, int year, struct rf_genre out[RF_GENRES])
{
	struct db_stmt *st;
	char from[11], to[11];
	int rc;

	memset(out, 0, sizeof(*out) * RF_GENRES);
	if (bad_year(year))
		return ERR_INVALID;
	year_bounds(year, from, to);
	if ((rc = db_prep(db, sql_genres, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st)) == 1) {
		const char *g = db_col_text(st, 0);
		struct rf_genre *o;

		if (strcmp(g, "规章") == 0)
			o = &out[RF_RULES];
		else if (strcmp(g, "行政规范性文件") == 0)
			o = &out[RF_NORMATIVE];
		else
			continue;
		o->made = db_col_int(st, 1);
		o->newly = db_col_int(st, 2);
		o->total = db_col_int(st, 3);
		o->repealed = db_col_int(st, 4);
		o->in_force = db_col_int(st, 5);
	}
	return rc < 0 ? rc : 0;
}

int store_report_categories(struct db *db, struct arena *a, long long org_id, int year, struct category **out,
			    size_t *n)
{
	struct category *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (bad_year(year))
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_categories, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	while ((rc = db_step(st)) == 1) {
		struct category *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!c) {
			db_done(st);
			return ERR_NOMEM;
		}
		c->id = db_col_int(st, 0);
		c->org_id = db_col_int(st, 1);
		c->parent_id = db_col_int(st, 2);
		c->name = db_col_dup(st, 3, a);
		c->article = db_col_dup(st, 4, a);
		c->sort = (int)db_col_int(st, 5);
		c->published = db_col_int(st, 6);
		if (!c->name || !c->article) {
			db_done(st);
			return ERR_NOMEM;
		}
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_report_fees_paid(struct db *db, long long org_id, int year, long long *fen, long long *apps)
{
	struct db_stmt *st;
	char from[11], to[11];
	int rc;

	*fen = *apps = 0;
	if (bad_year(year))
		return ERR_INVALID;
	year_bounds(year, from, to);
	if ((rc = db_prep(db, sql_fees_paid, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 1) {
		*fen = db_col_int(st, 0) * 100;
		*apps = db_col_int(st, 1);
		db_done(st);
	}
	return 0;
}

int store_report_apps_late(struct db *db, long long org_id, int year, long long *late)
{
	struct db_stmt *st;
	char from[11], to[11];
	int rc;

	*late = 0;
	if (bad_year(year))
		return ERR_INVALID;
	year_bounds(year, from, to);
	if ((rc = db_prep(db, sql_apps_late, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 1) {
		*late = db_col_int(st, 0);
		db_done(st);
	}
	return 0;
}

int store_report_app_groups(struct db *db, long long org_id, int year,
			    int (*fn)(void *ctx, const char *type, int is_new, const char *outcome, long long n),
			    void *ctx)
{
	struct db_stmt *st;
	char from[11], to[11];
	int rc;

	if (bad_year(year))
		return ERR_INVALID;
	year_bounds(year, from, to);
	if ((rc = db_prep(db, sql_app_groups, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st)) == 1) {
		int e = fn(ctx, db_col_text(st, 0), (int)db_col_int(st, 1),
			   db_col_isnull(st, 2) ? NULL : db_col_text(st, 2), db_col_int(st, 3));

		if (e) {
			db_done(st);
			return e;
		}
	}
	return rc < 0 ? rc : 0;
}
