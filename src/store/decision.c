/* decision.c - the rows of the 第二十条 registers: decisions, declared
 * yearly counts, fee items and their amounts, 政府集中采购. See decision.h;
 * the rules are in domain/registers/decisions.c. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/decision.h"
#include "store/grow.h"
#include "core/banned.h"

/* After a versioned UPDATE or DELETE that changed nothing: the row is gone
 * (ERR_NOT_FOUND) or was changed by someone else (ERR_CONFLICT). exists is
 * "SELECT 1 FROM t WHERE org_id = $1 AND id = $2". */
static int why_unchanged(struct db *db, const char *exists, long long org_id, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, exists, &st)))
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

/* Run a versioned UPDATE or DELETE already bound. */
static int run_versioned(struct db *db, struct db_stmt *st, const char *exists, long long org_id, long long id)
{
	int rc = run(st);

	if (rc < 0)
		return rc;
	if (db_changes(db) != 1)
		return why_unchanged(db, exists, org_id, id);
	return 0;
}

/* Delete row id of org at version (sql: $1 org, $2 id, $3 version);
 * run_versioned says why when nothing was deleted. */
static int delete_versioned(struct db *db, const char *sql, const char *exists, long long org_id, long long id,
			    int version)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, version);
	return run_versioned(db, st, exists, org_id, id);
}

static int read_years(struct db *db, struct arena *a, const char *sql, long long org_id, int **years, size_t *n)
{
	int *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
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

/* The first and last day of year as YYYY-MM-DD; "" for year 0. */
static void year_range(int year, char from[11], char to[11])
{
	from[0] = to[0] = '\0';
	if (year > 0 && year <= 9999) {
		snprintf(from, 11, "%04d-01-01", year);
		snprintf(to, 11, "%04d-12-31", year);
	}
}

/* ---- decisions ---- */

#define DEC_COLS \
	"id, org_id, kind, decided_on, doc_no, title, party, note, version, COALESCE(created_by, 0), created_at, updated_at"
static const char sql_dec_insert[] =
	"INSERT INTO decisions (org_id, kind, decided_on, doc_no, title, party, note, version, created_by, created_at, "
	"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9) RETURNING id";
static const char sql_dec_update[] =
	"UPDATE decisions SET kind = $4, decided_on = $5, doc_no = $6, title = $7, party = $8, note = $9, "
	"updated_at = $10, version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_dec_delete[] = "DELETE FROM decisions WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_dec_exists[] = "SELECT 1 FROM decisions WHERE org_id = $1 AND id = $2";
static const char sql_dec_get[] = "SELECT " DEC_COLS " FROM decisions WHERE org_id = $1 AND id = $2";
static const char sql_dec_doc_no[] =
	"SELECT COUNT(*) FROM decisions WHERE org_id = $1 AND doc_no = $2 AND id <> $3";
/* $2 from, $3 to ('' none), $4 kind ('' any), $5 LIKE pattern ('' none).
 * lower() on both sides: SQLite's LIKE ignores the case of ASCII letters,
 * PostgreSQL's does not. */
#define DEC_WHERE                                                                                        \
	" WHERE org_id = $1 AND ($2 = '' OR decided_on >= $2) AND ($3 = '' OR decided_on <= $3) AND "       \
	"($4 = '' OR kind = $4) AND ($5 = '' OR lower(doc_no) LIKE lower($5) ESCAPE '\\' OR lower(title) " \
	"LIKE lower($5) ESCAPE '\\' OR lower(party) LIKE lower($5) ESCAPE '\\')"
static const char sql_dec_list[] =
	"SELECT " DEC_COLS " FROM decisions" DEC_WHERE " ORDER BY decided_on DESC, id DESC LIMIT $6 OFFSET $7";
static const char sql_dec_count[] = "SELECT COUNT(*) FROM decisions" DEC_WHERE;
static const char sql_dec_months[] =
	"SELECT kind, CAST(substr(decided_on, 6, 2) AS INTEGER) AS m, COUNT(*) FROM decisions "
	"WHERE org_id = $1 AND decided_on BETWEEN $2 AND $3 GROUP BY kind, m";
static const char sql_dec_years[] =
	"SELECT y FROM (SELECT CAST(substr(decided_on, 1, 4) AS INTEGER) AS y FROM decisions WHERE org_id = $1 "
	"UNION SELECT year FROM decision_counts WHERE org_id = $1) t ORDER BY y DESC";

int store_decision_insert(struct db *db, struct decision *d)
{
	struct db_stmt *st;
	int rc;

	if (!d->kind || !d->decided_on || !d->title || !d->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_dec_insert, &st)))
		return rc;
	db_bind_int(st, 1, d->org_id);
	db_bind_text(st, 2, d->kind);
	db_bind_text(st, 3, d->decided_on);
	db_bind_text(st, 4, str0(d->doc_no));
	db_bind_text(st, 5, d->title);
	db_bind_text(st, 6, str0(d->party));
	db_bind_text(st, 7, str0(d->note));
	if (d->created_by)
		db_bind_int(st, 8, d->created_by);
	else
		db_bind_null(st, 8);
	db_bind_text(st, 9, d->created_at);
	if ((rc = returning_id(st, &d->id)))
		return rc;
	d->version = 1;
	return 0;
}

int store_decision_update(struct db *db, struct decision *d)
{
	struct db_stmt *st;
	int rc;

	if (!d->kind || !d->decided_on || !d->title || !d->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_dec_update, &st)))
		return rc;
	db_bind_int(st, 1, d->org_id);
	db_bind_int(st, 2, d->id);
	db_bind_int(st, 3, d->version);
	db_bind_text(st, 4, d->kind);
	db_bind_text(st, 5, d->decided_on);
	db_bind_text(st, 6, str0(d->doc_no));
	db_bind_text(st, 7, d->title);
	db_bind_text(st, 8, str0(d->party));
	db_bind_text(st, 9, str0(d->note));
	db_bind_text(st, 10, d->updated_at);
	if ((rc = run_versioned(db, st, sql_dec_exists, d->org_id, d->id)))
		return rc;
	d->version++;
	return 0;
}

int store_decision_delete(struct db *db, long long org_id, long long id, int version)
{
	return delete_versioned(db, sql_dec_delete, sql_dec_exists, org_id, id, version);
}

static void dec_read(struct db_stmt *st, struct arena *a, struct decision *d)
{
	d->id = db_col_int(st, 0);
	d->org_id = db_col_int(st, 1);
	d->kind = db_col_dup(st, 2, a);
	d->decided_on = db_col_dup(st, 3, a);
	d->doc_no = db_col_dup(st, 4, a);
	d->title = db_col_dup(st, 5, a);
	d->party = db_col_dup(st, 6, a);
	d->note = db_col_dup(st, 7, a);
	d->version = (int)db_col_int(st, 8);
	d->created_by = db_col_int(st, 9);
	d->created_at = db_col_dup(st, 10, a);
	d->updated_at = db_col_dup(st, 11, a);
}

int store_decision_get(struct db *db, struct arena *a, long long org_id, long long id, struct decision *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_dec_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	dec_read(st, a, out);
	db_done(st);
	return out->kind && out->title ? 0 : ERR_NOMEM;
}

int store_decision_doc_no_taken(struct db *db, long long org_id, const char *doc_no, long long except_id,
				bool *taken)
{
	struct db_stmt *st;
	int rc;

	*taken = false;
	if (!doc_no || !*doc_no)
		return 0;
	if ((rc = db_prep(db, sql_dec_doc_no, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, doc_no);
	db_bind_int(st, 3, except_id);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_DB;
	*taken = db_col_int(st, 0) > 0;
	db_done(st);
	return 0;
}

/* q as a LIKE pattern: %q% with % _ \ escaped ("" for none). */
static const char *like_pattern(struct arena *a, const char *q)
{
	struct buf b;

	if (!q || !*q)
		return "";
	buf_init(&b, a, 4096);
	buf_putc(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	return b.err ? NULL : buf_cstr(&b);
}

static void dec_bind_filter(struct db_stmt *st, const struct decision_filter *f, const char *from, const char *to,
			    const char *like)
{
	db_bind_int(st, 1, f->org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, str0(f->kind));
	db_bind_text(st, 5, like);
}

int store_decision_list(struct db *db, struct arena *a, const struct decision_filter *f, struct decision **out,
			size_t *n, long long *total)
{
	struct decision *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	char from[11], to[11];
	const char *like = like_pattern(a, f->q);
	int rc;

	if (!like)
		return ERR_NOMEM;
	if (f->limit < 0 || f->offset < 0)
		return ERR_INVALID;
	year_range(f->year, from, to);
	if (total) {
		if ((rc = db_prep(db, sql_dec_count, &st)))
			return rc;
		dec_bind_filter(st, f, from, to, like);
		if ((rc = db_step(st)) <= 0)
			return rc < 0 ? rc : ERR_DB;
		*total = db_col_int(st, 0);
		db_done(st);
	}
	if ((rc = db_prep(db, sql_dec_list, &st)))
		return rc;
	dec_bind_filter(st, f, from, to, like);
	db_bind_int(st, 6, f->limit ? f->limit : LLONG_MAX);
	db_bind_int(st, 7, f->offset);
	while ((rc = db_step(st)) == 1) {
		struct decision *d = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!d) {
			db_done(st);
			return ERR_NOMEM;
		}
		dec_read(st, a, d);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_decision_month_counts(struct db *db, long long org_id, int year,
				void (*fn)(void *ctx, const char *kind, int month, long long n), void *ctx)
{
	struct db_stmt *st;
	char from[11], to[11];
	int rc;

	if (year < 1 || year > 9999)
		return ERR_INVALID;
	year_range(year, from, to);
	if ((rc = db_prep(db, sql_dec_months, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st)) == 1)
		fn(ctx, db_col_text(st, 0), (int)db_col_int(st, 1), db_col_int(st, 2));
	return rc < 0 ? rc : 0;
}

int store_decision_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n)
{
	return read_years(db, a, sql_dec_years, org_id, years, n);
}

/* ---- declared counts ---- */

#define CNT_COLS "id, org_id, kind, year, n, note, version, created_at, updated_at"
static const char sql_cnt_insert[] =
	"INSERT INTO decision_counts (org_id, kind, year, n, note, version, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id";
static const char sql_cnt_update[] =
	"UPDATE decision_counts SET n = $4, note = $5, updated_at = $6, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_cnt_delete[] = "DELETE FROM decision_counts WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_cnt_exists[] = "SELECT 1 FROM decision_counts WHERE org_id = $1 AND id = $2";
static const char sql_cnt_get[] = "SELECT " CNT_COLS " FROM decision_counts WHERE org_id = $1 AND id = $2";
static const char sql_cnt_find[] =
	"SELECT " CNT_COLS " FROM decision_counts WHERE org_id = $1 AND kind = $2 AND year = $3";
static const char sql_cnt_list[] =
	"SELECT " CNT_COLS " FROM decision_counts WHERE org_id = $1 AND ($2 = 0 OR year = $2) "
	"ORDER BY year DESC, CASE kind WHEN 'license' THEN 1 WHEN 'penalty' THEN 2 WHEN 'coercion' THEN 3 ELSE 4 END";

int store_decision_count_insert(struct db *db, struct decision_count *c)
{
	struct db_stmt *st;
	int rc;

	if (!c->kind || !c->created_at || c->n < 0)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_cnt_insert, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_text(st, 2, c->kind);
	db_bind_int(st, 3, c->year);
	db_bind_int(st, 4, c->n);
	db_bind_text(st, 5, str0(c->note));
	db_bind_text(st, 6, c->created_at);
	if ((rc = returning_id(st, &c->id)))
		return rc;
	c->version = 1;
	return 0;
}

int store_decision_count_update(struct db *db, struct decision_count *c)
{
	struct db_stmt *st;
	int rc;

	if (!c->updated_at || c->n < 0)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_cnt_update, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_int(st, 2, c->id);
	db_bind_int(st, 3, c->version);
	db_bind_int(st, 4, c->n);
	db_bind_text(st, 5, str0(c->note));
	db_bind_text(st, 6, c->updated_at);
	if ((rc = run_versioned(db, st, sql_cnt_exists, c->org_id, c->id)))
		return rc;
	c->version++;
	return 0;
}

int store_decision_count_delete(struct db *db, long long org_id, long long id, int version)
{
	return delete_versioned(db, sql_cnt_delete, sql_cnt_exists, org_id, id, version);
}

static void cnt_read(struct db_stmt *st, struct arena *a, struct decision_count *c)
{
	c->id = db_col_int(st, 0);
	c->org_id = db_col_int(st, 1);
	c->kind = db_col_dup(st, 2, a);
	c->year = (int)db_col_int(st, 3);
	c->n = db_col_int(st, 4);
	c->note = db_col_dup(st, 5, a);
	c->version = (int)db_col_int(st, 6);
	c->created_at = db_col_dup(st, 7, a);
	c->updated_at = db_col_dup(st, 8, a);
}

static int cnt_one(struct db_stmt *st, struct arena *a, struct decision_count *out)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	cnt_read(st, a, out);
	db_done(st);
	return out->kind ? 0 : ERR_NOMEM;
}

int store_decision_count_get(struct db *db, struct arena *a, long long org_id, long long id,
			     struct decision_count *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_cnt_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return cnt_one(st, a, out);
}

int store_decision_count_find(struct db *db, struct arena *a, long long org_id, const char *kind, int year,
			      struct decision_count *out)
{
	struct db_stmt *st;
	int rc;

	if (!kind)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_cnt_find, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, kind);
	db_bind_int(st, 3, year);
	return cnt_one(st, a, out);
}

int store_decision_count_list(struct db *db, struct arena *a, long long org_id, int year,
			      struct decision_count **out, size_t *n)
{
	struct decision_count *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_cnt_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	while ((rc = db_step(st)) == 1) {
		struct decision_count *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!c) {
			db_done(st);
			return ERR_NOMEM;
		}
		cnt_read(st, a, c);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- fee items ---- */

#define FEE_COLS "f.id, f.org_id, f.name, f.basis, f.standard, f.version, f.created_at, f.updated_at"
static const char sql_fee_insert[] =
	"INSERT INTO fee_items (org_id, name, basis, standard, version, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id";
static const char sql_fee_update[] =
	"UPDATE fee_items SET name = $4, basis = $5, standard = $6, updated_at = $7, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_fee_touch[] =
	"UPDATE fee_items SET updated_at = $4, version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_fee_exists[] = "SELECT 1 FROM fee_items WHERE org_id = $1 AND id = $2";
static const char sql_fee_delete_amounts[] =
	"DELETE FROM fee_amounts WHERE org_id = $1 AND fee_id = (SELECT id FROM fee_items WHERE org_id = $1 "
	"AND id = $2 AND version = $3)";
static const char sql_fee_delete[] = "DELETE FROM fee_items WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_fee_get[] = "SELECT " FEE_COLS ", 0, 0 FROM fee_items f WHERE f.org_id = $1 AND f.id = $2";
static const char sql_fee_by_name[] =
	"SELECT " FEE_COLS ", 0, 0 FROM fee_items f WHERE f.org_id = $1 AND f.name = $2";
/* $2 year (0: none), $3 only items with an amount that year */
static const char sql_fee_list[] =
	"SELECT " FEE_COLS ", a.year IS NOT NULL, COALESCE(a.amount_fen, 0) FROM fee_items f "
	"LEFT JOIN fee_amounts a ON a.fee_id = f.id AND a.org_id = f.org_id AND a.year = $2 "
	"WHERE f.org_id = $1 AND ($3 = 0 OR a.year IS NOT NULL) ORDER BY f.name, f.id";
/* the item must be the org's: INSERT ... SELECT from it */
static const char sql_amount_set[] =
	"INSERT INTO fee_amounts (org_id, fee_id, year, amount_fen) SELECT org_id, id, $3, $4 FROM fee_items "
	"WHERE org_id = $1 AND id = $2 ON CONFLICT (fee_id, year) DO UPDATE SET amount_fen = excluded.amount_fen";
static const char sql_amount_delete[] = "DELETE FROM fee_amounts WHERE org_id = $1 AND fee_id = $2 AND year = $3";
static const char sql_amount_get[] =
	"SELECT amount_fen FROM fee_amounts WHERE org_id = $1 AND fee_id = $2 AND year = $3";
static const char sql_amounts[] =
	"SELECT fee_id, year, amount_fen FROM fee_amounts WHERE org_id = $1 AND ($2 = 0 OR fee_id = $2) "
	"ORDER BY year DESC, fee_id";
static const char sql_fee_years[] =
	"SELECT DISTINCT year FROM fee_amounts WHERE org_id = $1 ORDER BY year DESC";

int store_fee_insert(struct db *db, struct fee_item *f)
{
	struct db_stmt *st;
	int rc;

	if (!f->name || !f->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_fee_insert, &st)))
		return rc;
	db_bind_int(st, 1, f->org_id);
	db_bind_text(st, 2, f->name);
	db_bind_text(st, 3, str0(f->basis));
	db_bind_text(st, 4, str0(f->standard));
	db_bind_text(st, 5, f->created_at);
	if ((rc = returning_id(st, &f->id)))
		return rc;
	f->version = 1;
	return 0;
}

int store_fee_update(struct db *db, struct fee_item *f)
{
	struct db_stmt *st;
	int rc;

	if (!f->name || !f->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_fee_update, &st)))
		return rc;
	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->id);
	db_bind_int(st, 3, f->version);
	db_bind_text(st, 4, f->name);
	db_bind_text(st, 5, str0(f->basis));
	db_bind_text(st, 6, str0(f->standard));
	db_bind_text(st, 7, f->updated_at);
	if ((rc = run_versioned(db, st, sql_fee_exists, f->org_id, f->id)))
		return rc;
	f->version++;
	return 0;
}

int store_fee_touch(struct db *db, long long org_id, long long id, int version, const char *now)
{
	struct db_stmt *st;
	int rc;

	if (!now)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_fee_touch, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, version);
	db_bind_text(st, 4, now);
	return run_versioned(db, st, sql_fee_exists, org_id, id);
}

/* Two statements: the caller runs them in a transaction. */
int store_fee_delete(struct db *db, long long org_id, long long id, int version)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_fee_delete_amounts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, version);
	if ((rc = run(st)) < 0)
		return rc;
	if ((rc = db_prep(db, sql_fee_delete, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, version);
	return run_versioned(db, st, sql_fee_exists, org_id, id);
}

static void fee_read(struct db_stmt *st, struct arena *a, struct fee_item *f)
{
	f->id = db_col_int(st, 0);
	f->org_id = db_col_int(st, 1);
	f->name = db_col_dup(st, 2, a);
	f->basis = db_col_dup(st, 3, a);
	f->standard = db_col_dup(st, 4, a);
	f->version = (int)db_col_int(st, 5);
	f->created_at = db_col_dup(st, 6, a);
	f->updated_at = db_col_dup(st, 7, a);
	f->has_amount = db_col_int(st, 8) != 0;
	f->amount_fen = db_col_int(st, 9);
}

static int fee_one(struct db_stmt *st, struct arena *a, struct fee_item *out)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	fee_read(st, a, out);
	db_done(st);
	return out->name ? 0 : ERR_NOMEM;
}

int store_fee_get(struct db *db, struct arena *a, long long org_id, long long id, struct fee_item *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_fee_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return fee_one(st, a, out);
}

int store_fee_by_name(struct db *db, struct arena *a, long long org_id, const char *name, struct fee_item *out)
{
	struct db_stmt *st;
	int rc;

	if (!name)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_fee_by_name, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, name);
	return fee_one(st, a, out);
}

int store_fee_list(struct db *db, struct arena *a, long long org_id, int year, bool only_year,
		   struct fee_item **out, size_t *n)
{
	struct fee_item *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_fee_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, only_year && year ? 1 : 0);
	while ((rc = db_step(st)) == 1) {
		struct fee_item *f = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!f) {
			db_done(st);
			return ERR_NOMEM;
		}
		fee_read(st, a, f);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_fee_amount_set(struct db *db, long long org_id, long long fee_id, int year, long long amount_fen)
{
	struct db_stmt *st;
	int rc;

	if (amount_fen < 0)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_amount_set, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, fee_id);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, amount_fen);
	if ((rc = run(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_fee_amount_delete(struct db *db, long long org_id, long long fee_id, int year)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_amount_delete, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, fee_id);
	db_bind_int(st, 3, year);
	if ((rc = run(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_fee_amount_get(struct db *db, long long org_id, long long fee_id, int year, long long *amount_fen)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_amount_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, fee_id);
	db_bind_int(st, 3, year);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	*amount_fen = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_fee_amounts(struct db *db, struct arena *a, long long org_id, long long fee_id, struct fee_amount **out,
		      size_t *n)
{
	struct fee_amount *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_amounts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, fee_id);
	while ((rc = db_step(st)) == 1) {
		struct fee_amount *x = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!x) {
			db_done(st);
			return ERR_NOMEM;
		}
		x->fee_id = db_col_int(st, 0);
		x->year = (int)db_col_int(st, 1);
		x->amount_fen = db_col_int(st, 2);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_fee_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n)
{
	return read_years(db, a, sql_fee_years, org_id, years, n);
}

/* ---- 政府集中采购 ---- */

#define PROC_COLS "id, org_id, year, project, amount_fen, day, version, created_at, updated_at"
static const char sql_proc_insert[] =
	"INSERT INTO procurements (org_id, year, project, amount_fen, day, version, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id";
static const char sql_proc_update[] =
	"UPDATE procurements SET year = $4, project = $5, amount_fen = $6, day = $7, updated_at = $8, "
	"version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_proc_delete[] = "DELETE FROM procurements WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_proc_exists[] = "SELECT 1 FROM procurements WHERE org_id = $1 AND id = $2";
static const char sql_proc_get[] = "SELECT " PROC_COLS " FROM procurements WHERE org_id = $1 AND id = $2";
static const char sql_proc_list[] =
	"SELECT " PROC_COLS " FROM procurements WHERE org_id = $1 AND ($2 = 0 OR year = $2) "
	"ORDER BY year DESC, day IS NULL, day, id";
static const char sql_proc_sum[] =
	"SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM procurements WHERE org_id = $1 AND year = $2";
static const char sql_proc_years[] = "SELECT DISTINCT year FROM procurements WHERE org_id = $1 ORDER BY year DESC";

int store_procurement_insert(struct db *db, struct procurement *p)
{
	struct db_stmt *st;
	int rc;

	if (!p->project || !p->created_at || p->amount_fen < 0)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_proc_insert, &st)))
		return rc;
	db_bind_int(st, 1, p->org_id);
	db_bind_int(st, 2, p->year);
	db_bind_text(st, 3, p->project);
	db_bind_int(st, 4, p->amount_fen);
	bind_opt(st, 5, p->day);
	db_bind_text(st, 6, p->created_at);
	if ((rc = returning_id(st, &p->id)))
		return rc;
	p->version = 1;
	return 0;
}

int store_procurement_update(struct db *db, struct procurement *p)
{
	struct db_stmt *st;
	int rc;

	if (!p->project || !p->updated_at || p->amount_fen < 0)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_proc_update, &st)))
		return rc;
	db_bind_int(st, 1, p->org_id);
	db_bind_int(st, 2, p->id);
	db_bind_int(st, 3, p->version);
	db_bind_int(st, 4, p->year);
	db_bind_text(st, 5, p->project);
	db_bind_int(st, 6, p->amount_fen);
	bind_opt(st, 7, p->day);
	db_bind_text(st, 8, p->updated_at);
	if ((rc = run_versioned(db, st, sql_proc_exists, p->org_id, p->id)))
		return rc;
	p->version++;
	return 0;
}

int store_procurement_delete(struct db *db, long long org_id, long long id, int version)
{
	return delete_versioned(db, sql_proc_delete, sql_proc_exists, org_id, id, version);
}

static void proc_read(struct db_stmt *st, struct arena *a, struct procurement *p)
{
	p->id = db_col_int(st, 0);
	p->org_id = db_col_int(st, 1);
	p->year = (int)db_col_int(st, 2);
	p->project = db_col_dup(st, 3, a);
	p->amount_fen = db_col_int(st, 4);
	p->day = db_col_dup(st, 5, a);
	p->version = (int)db_col_int(st, 6);
	p->created_at = db_col_dup(st, 7, a);
	p->updated_at = db_col_dup(st, 8, a);
}

int store_procurement_get(struct db *db, struct arena *a, long long org_id, long long id, struct procurement *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_proc_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	proc_read(st, a, out);
	db_done(st);
	return out->project ? 0 : ERR_NOMEM;
}

int store_procurement_list(struct db *db, struct arena *a, long long org_id, int year, struct procurement **out,
			   size_t *n)
{
	struct procurement *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_proc_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	while ((rc = db_step(st)) == 1) {
		struct procurement *p = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!p) {
			db_done(st);
			return ERR_NOMEM;
		}
		proc_read(st, a, p);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_procurement_sum(struct db *db, long long org_id, int year, long long *count, long long *total_fen)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_proc_sum, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_DB;
	*count = db_col_int(st, 0);
	*total_fen = db_col_int(st, 1);
	db_done(st);
	return 0;
}

int store_procurement_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n)
{
	return read_years(db, a, sql_proc_years, org_id, years, n);
}
