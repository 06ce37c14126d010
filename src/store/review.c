/* review.c - the rows of 复议诉讼 cases. See review.h; the rules are in
 * domain/registers/reviews.c. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/grow.h"
#include "store/review.h"
#include "core/banned.h"

#define REVIEW_COLS                                                                                    \
	"r.id, r.org_id, r.kind, r.case_no, r.filed_on, r.body, r.party, r.matter, "                       \
	"COALESCE(r.application_id, 0), a.serial, r.result, r.decided_on, r.note, r.version, "             \
	"COALESCE(r.created_by, 0), r.created_at, r.updated_at"
#define REVIEW_FROM " FROM reviews r LEFT JOIN applications a ON a.id = r.application_id AND a.org_id = r.org_id "

/* The application must be the org's own: INSERT ... SELECT over the org
 * row, with the application looked up in the org ($7 = 0: none). */
static const char sql_insert[] =
	"INSERT INTO reviews (org_id, kind, case_no, filed_on, body, party, matter, application_id, result, "
	"decided_on, note, version, created_by, created_at, updated_at) "
	"SELECT o.id, $2, $3, $4, $5, $6, $8, "
	"(SELECT id FROM applications WHERE org_id = o.id AND id = $7), $9, $10, $11, 1, $12, $13, $13 "
	"FROM orgs o WHERE o.id = $1 RETURNING id, COALESCE(application_id, 0)";
static const char sql_update[] =
	"UPDATE reviews SET kind = $4, case_no = $5, filed_on = $6, body = $7, party = $8, matter = $9, "
	"application_id = (SELECT id FROM applications WHERE org_id = $1 AND id = $10), result = $11, "
	"decided_on = $12, note = $13, updated_at = $14, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_exists[] = "SELECT version FROM reviews WHERE org_id = $1 AND id = $2";
static const char sql_delete[] = "DELETE FROM reviews WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_get[] = "SELECT " REVIEW_COLS REVIEW_FROM "WHERE r.org_id = $1 AND r.id = $2";
static const char sql_by_case_no[] = "SELECT " REVIEW_COLS REVIEW_FROM "WHERE r.org_id = $1 AND r.case_no = $2";
/* $2 from, $3 to (filed_on range, '' for none), $4 kind ('' any), $5 limit, $6 offset */
#define LIST_WHERE \
	"WHERE r.org_id = $1 AND ($2 = '' OR r.filed_on >= $2) AND ($3 = '' OR r.filed_on <= $3) AND ($4 = '' OR r.kind = $4) "
static const char sql_list[] =
	"SELECT " REVIEW_COLS REVIEW_FROM LIST_WHERE "ORDER BY r.filed_on DESC, r.id DESC LIMIT $5 OFFSET $6";
static const char sql_count[] = "SELECT COUNT(*) FROM reviews r " LIST_WHERE;
static const char sql_years[] =
	"SELECT DISTINCT CAST(substr(filed_on, 1, 4) AS INTEGER) AS y FROM reviews WHERE org_id = $1 ORDER BY y DESC";
static const char sql_app_by_serial[] = "SELECT id FROM applications WHERE org_id = $1 AND serial = $2";

static bool complete(const struct review *r)
{
	return r->kind && r->filed_on && r->body && r->party;
}

int store_review_insert(struct db *db, struct review *r)
{
	struct db_stmt *st;
	int rc;

	if (!complete(r) || !r->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_insert, &st)))
		return rc;
	db_bind_int(st, 1, r->org_id);
	db_bind_text(st, 2, r->kind);
	db_bind_text(st, 3, str0(r->case_no));
	db_bind_text(st, 4, r->filed_on);
	db_bind_text(st, 5, r->body);
	db_bind_text(st, 6, r->party);
	db_bind_int(st, 7, r->application_id);
	db_bind_text(st, 8, str0(r->matter));
	bind_opt(st, 9, r->result);
	bind_opt(st, 10, r->decided_on);
	db_bind_text(st, 11, str0(r->note));
	if (r->created_by)
		db_bind_int(st, 12, r->created_by);
	else
		db_bind_null(st, 12);
	db_bind_text(st, 13, r->created_at);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	r->id = db_col_int(st, 0);
	/* an application of another org is not linked: the caller checked it */
	rc = db_col_int(st, 1) == r->application_id ? 0 : ERR_NOT_FOUND;
	db_done(st);
	if (rc)
		return ERR_INTERNAL;
	r->version = 1;
	return 0;
}

/* After an UPDATE or DELETE that changed nothing: gone or stale? */
static int why_unchanged(struct db *db, long long org_id, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_exists, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	db_done(st);
	return ERR_CONFLICT;
}

int store_review_update(struct db *db, struct review *r)
{
	struct db_stmt *st;
	int rc;

	if (!complete(r) || !r->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_update, &st)))
		return rc;
	db_bind_int(st, 1, r->org_id);
	db_bind_int(st, 2, r->id);
	db_bind_int(st, 3, r->version);
	db_bind_text(st, 4, r->kind);
	db_bind_text(st, 5, str0(r->case_no));
	db_bind_text(st, 6, r->filed_on);
	db_bind_text(st, 7, r->body);
	db_bind_text(st, 8, r->party);
	db_bind_text(st, 9, str0(r->matter));
	db_bind_int(st, 10, r->application_id);
	bind_opt(st, 11, r->result);
	bind_opt(st, 12, r->decided_on);
	db_bind_text(st, 13, str0(r->note));
	db_bind_text(st, 14, r->updated_at);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 1)
		db_done(st);
	if (db_changes(db) != 1)
		return why_unchanged(db, r->org_id, r->id);
	r->version++;
	return 0;
}

int store_review_delete(struct db *db, long long org_id, long long id, int version)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_delete, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, version);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 1)
		db_done(st);
	if (db_changes(db) != 1)
		return why_unchanged(db, org_id, id);
	return 0;
}

static void review_read(struct db_stmt *st, struct arena *a, struct review *r)
{
	r->id = db_col_int(st, 0);
	r->org_id = db_col_int(st, 1);
	r->kind = db_col_dup(st, 2, a);
	r->case_no = db_col_dup(st, 3, a);
	r->filed_on = db_col_dup(st, 4, a);
	r->body = db_col_dup(st, 5, a);
	r->party = db_col_dup(st, 6, a);
	r->matter = db_col_dup(st, 7, a);
	r->application_id = db_col_int(st, 8);
	r->app_serial = db_col_dup(st, 9, a);
	r->result = db_col_dup(st, 10, a);
	r->decided_on = db_col_dup(st, 11, a);
	r->note = db_col_dup(st, 12, a);
	r->version = (int)db_col_int(st, 13);
	r->created_by = db_col_int(st, 14);
	r->created_at = db_col_dup(st, 15, a);
	r->updated_at = db_col_dup(st, 16, a);
}

static int review_one(struct db_stmt *st, struct arena *a, struct review *out)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	review_read(st, a, out);
	db_done(st);
	return out->kind && out->filed_on ? 0 : ERR_NOMEM;
}

int store_review_get(struct db *db, struct arena *a, long long org_id, long long id, struct review *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return review_one(st, a, out);
}

int store_review_by_case_no(struct db *db, struct arena *a, long long org_id, const char *case_no,
			    struct review *out)
{
	struct db_stmt *st;
	int rc;

	if (!case_no || !*case_no)
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_by_case_no, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, case_no);
	return review_one(st, a, out);
}

static void bind_filter(struct db_stmt *st, const struct review_filter *f, char from[11], char to[11])
{
	from[0] = to[0] = '\0';
	if (f->year > 0 && f->year <= 9999) {
		snprintf(from, 11, "%04d-01-01", f->year);
		snprintf(to, 11, "%04d-12-31", f->year);
	}
	db_bind_int(st, 1, f->org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, str0(f->kind));
}

int store_review_list(struct db *db, struct arena *a, const struct review_filter *f, struct review **out,
		      size_t *n, long long *total)
{
	struct review *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	char from[11], to[11];
	int rc;

	if (f->limit < 0 || f->offset < 0)
		return ERR_INVALID;
	if (total) {
		if ((rc = db_prep(db, sql_count, &st)))
			return rc;
		bind_filter(st, f, from, to);
		if ((rc = db_step(st)) <= 0)
			return rc < 0 ? rc : ERR_DB;
		*total = db_col_int(st, 0);
		db_done(st);
	}
	if ((rc = db_prep(db, sql_list, &st)))
		return rc;
	bind_filter(st, f, from, to);
	db_bind_int(st, 5, f->limit ? f->limit : LLONG_MAX);
	db_bind_int(st, 6, f->offset);
	while ((rc = db_step(st)) == 1) {
		struct review *r = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		review_read(st, a, r);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_review_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n)
{
	int *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_years, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		int *y = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!y) {
			db_done(st);
			return ERR_NOMEM;
		}
		*y = (int)db_col_int(st, 0);
		k++;
	}
	if (rc < 0)
		return rc;
	*years = arr;
	*n = k;
	return 0;
}

int store_review_app_by_serial(struct db *db, long long org_id, const char *serial, long long *app_id)
{
	struct db_stmt *st;
	int rc;

	if (!serial || !*serial)
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_app_by_serial, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, serial);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	*app_id = db_col_int(st, 0);
	db_done(st);
	return 0;
}
