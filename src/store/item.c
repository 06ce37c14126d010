/* item.c - catalog items, 索引号 serials, attachments, search. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

#define ITEM_COLS                                                                          \
	"i.id, i.org_id, i.category_id, c.name, i.index_no, i.title, i.doc_no, i.publisher, " \
	"i.written_on, i.published_on, i.topic, i.genre, i.validity, i.validity_on, i.summary, " \
	"i.body_md, i.body_text, i.status, i.views, i.version, COALESCE(i.created_by, 0), "     \
	"i.created_at, i.updated_at, i.body_html, i.review_level, COALESCE(i.submitted_by, 0), "  \
	"COALESCE(i.corrects_id, 0), i.corrected_on, c.review_levels"

static const char sql_item_insert[] =
	"INSERT INTO items (org_id, category_id, index_no, title, doc_no, publisher, written_on, published_on, "
	"topic, genre, validity, validity_on, summary, body_md, body_text, status, created_by, created_at, updated_at, "
	"body_html) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19) RETURNING id";
static const char sql_item_update[] =
	"UPDATE items SET category_id = $3, title = $4, doc_no = $5, publisher = $6, written_on = $7, "
	"topic = $8, genre = $9, validity = $10, validity_on = $11, summary = $12, body_md = $13, "
	"body_text = $14, updated_at = $15, body_html = $17, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $16";
static const char sql_item_get[] =
	"SELECT " ITEM_COLS " FROM items i JOIN categories c ON c.id = i.category_id WHERE i.org_id = $1 AND i.id = $2";
static const char sql_item_get_any[] =
	"SELECT " ITEM_COLS " FROM items i JOIN categories c ON c.id = i.category_id WHERE i.id = $1";
static const char sql_item_status[] =
	"UPDATE items SET status = $3, index_no = COALESCE(index_no, $4), "
	"published_on = COALESCE($5, published_on), updated_at = $6, version = version + 1 "
	"WHERE org_id = $1 AND id = $2";
static const char sql_item_view[] = "UPDATE items SET views = views + $2 WHERE id = $1";
static const char sql_serial_init[] =
	"INSERT INTO index_serials (org_id, year, last) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING";
static const char sql_serial_next[] =
	"UPDATE index_serials SET last = last + 1 WHERE org_id = $1 AND year = $2 RETURNING last";

static void bind_opt(struct db_stmt *st, int idx, const char *s)
{
	if (s && *s)
		db_bind_text(st, idx, s);
	else
		db_bind_null(st, idx);
}

static void item_read(struct db_stmt *st, struct arena *a, struct item *it)
{
	it->id = db_col_int(st, 0);
	it->org_id = db_col_int(st, 1);
	it->category_id = db_col_int(st, 2);
	it->category = db_col_dup(st, 3, a);
	it->index_no = db_col_dup(st, 4, a);
	it->title = db_col_dup(st, 5, a);
	it->doc_no = db_col_dup(st, 6, a);
	it->publisher = db_col_dup(st, 7, a);
	it->written_on = db_col_dup(st, 8, a);
	it->published_on = db_col_dup(st, 9, a);
	it->topic = db_col_dup(st, 10, a);
	it->genre = db_col_dup(st, 11, a);
	it->validity = db_col_dup(st, 12, a);
	it->validity_on = db_col_dup(st, 13, a);
	it->summary = db_col_dup(st, 14, a);
	it->body_md = db_col_dup(st, 15, a);
	it->body_text = db_col_dup(st, 16, a);
	it->status = db_col_dup(st, 17, a);
	it->views = db_col_int(st, 18);
	it->version = (int)db_col_int(st, 19);
	it->created_by = db_col_int(st, 20);
	it->created_at = db_col_dup(st, 21, a);
	it->updated_at = db_col_dup(st, 22, a);
	it->body_html = db_col_dup(st, 23, a);
	it->review_level = (int)db_col_int(st, 24);
	it->submitted_by = db_col_int(st, 25);
	it->corrects_id = db_col_int(st, 26);
	it->corrected_on = db_col_dup(st, 27, a);
	it->review_levels = (int)db_col_int(st, 28);
}

int store_item_insert(struct db *db, struct item *it)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_insert, &st)))
		return rc;
	db_bind_int(st, 1, it->org_id);
	db_bind_int(st, 2, it->category_id);
	bind_opt(st, 3, it->index_no);
	db_bind_text(st, 4, it->title);
	db_bind_text(st, 5, it->doc_no ? it->doc_no : "");
	db_bind_text(st, 6, it->publisher ? it->publisher : "");
	bind_opt(st, 7, it->written_on);
	bind_opt(st, 8, it->published_on);
	db_bind_text(st, 9, it->topic ? it->topic : "");
	db_bind_text(st, 10, it->genre ? it->genre : "其他");
	db_bind_text(st, 11, it->validity ? it->validity : "有效");
	bind_opt(st, 12, it->validity_on);
	db_bind_text(st, 13, it->summary ? it->summary : "");
	db_bind_text(st, 14, it->body_md ? it->body_md : "");
	db_bind_text(st, 15, it->body_text ? it->body_text : "");
	db_bind_text(st, 16, it->status ? it->status : "draft");
	if (it->created_by)
		db_bind_int(st, 17, it->created_by);
	else
		db_bind_null(st, 17);
	db_bind_text(st, 18, it->created_at);
	bind_opt(st, 19, it->body_html);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	it->id = db_col_int(st, 0);
	it->version = 1;
	db_done(st);
	return 0;
}

int store_item_update(struct db *db, struct item *it)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_update, &st)))
		return rc;
	db_bind_int(st, 1, it->org_id);
	db_bind_int(st, 2, it->id);
	db_bind_int(st, 3, it->category_id);
	db_bind_text(st, 4, it->title);
	db_bind_text(st, 5, it->doc_no ? it->doc_no : "");
	db_bind_text(st, 6, it->publisher ? it->publisher : "");
	bind_opt(st, 7, it->written_on);
	db_bind_text(st, 8, it->topic ? it->topic : "");
	db_bind_text(st, 9, it->genre);
	db_bind_text(st, 10, it->validity);
	bind_opt(st, 11, it->validity_on);
	db_bind_text(st, 12, it->summary ? it->summary : "");
	db_bind_text(st, 13, it->body_md ? it->body_md : "");
	db_bind_text(st, 14, it->body_text ? it->body_text : "");
	db_bind_text(st, 15, it->updated_at);
	db_bind_int(st, 16, it->version);
	bind_opt(st, 17, it->body_html);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	it->version++;
	return 0;
}

static int item_one(struct db *db, struct arena *a, const char *sql, long long org_id, long long id,
		    struct item *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	if (org_id) {
		db_bind_int(st, 1, org_id);
		db_bind_int(st, 2, id);
	} else {
		db_bind_int(st, 1, id);
	}
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	item_read(st, a, out);
	db_done(st);
	return 0;
}

int store_item_get(struct db *db, struct arena *a, long long org_id, long long id, struct item *out)
{
	return item_one(db, a, sql_item_get, org_id, id, out);
}

int store_item_get_any(struct db *db, struct arena *a, long long id, struct item *out)
{
	return item_one(db, a, sql_item_get_any, 0, id, out);
}

int store_item_set_status(struct db *db, long long org_id, long long id, const char *status,
			  const char *index_no, const char *published_on, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_status, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, status);
	bind_opt(st, 4, index_no);
	bind_opt(st, 5, published_on);
	db_bind_text(st, 6, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_item_add_views(struct db *db, long long id, long long n)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_view, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, n);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_index_serial_next(struct db *db, long long org_id, int year, long long *serial)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_serial_init, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	if ((rc = db_step(st)) < 0)
		return rc;
	if ((rc = db_prep(db, sql_serial_next, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, year);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*serial = db_col_int(st, 0);
	db_done(st);
	return 0;
}

/* ---- lists and search ---- */

#define ROW_COLS                                                                    \
	"i.id, i.org_id, o.slug, i.index_no, i.title, i.doc_no, c.name, i.published_on, " \
	"i.validity, i.status, i.updated_at"
#define ROW_FROM \
	" FROM items i JOIN categories c ON c.id = i.category_id JOIN orgs o ON o.id = i.org_id WHERE "

/* Each list has its own statement, so that every one walks an index in
 * order and stops after the page (no optional "$n = 0 OR" filters on the
 * indexed columns, which would defeat the index). Parameters: $1 org,
 * $2 category, $3/$4 published_on range, $5 validity ('' all), $6 status,
 * $7 title or 文号 substring ('' none), $8 limit, $9 offset. */
#define PUBLIC_TAIL                                                                  \
	" AND i.published_on >= $3 AND i.published_on < $4 AND ($5 = '' OR i.validity = $5) " \
	"ORDER BY i.published_on DESC, i.id DESC LIMIT $8 OFFSET $9"
#define STAFF_TAIL                                                                   \
	" AND ($2 = 0 OR i.category_id = $2) AND ($7 = '' OR instr(i.title, $7) > 0 OR instr(i.doc_no, $7) > 0) " \
	"ORDER BY i.updated_at DESC, i.id DESC LIMIT $8 OFFSET $9"

static const char sql_list_org[] =
	"SELECT " ROW_COLS ", '', ''" ROW_FROM "i.org_id = $1 AND i.status = $6" PUBLIC_TAIL;
static const char sql_list_cat[] =
	"SELECT " ROW_COLS ", '', ''" ROW_FROM "i.category_id = $2 AND i.status = $6 AND i.org_id = $1" PUBLIC_TAIL;
static const char sql_list_all[] =
	"SELECT " ROW_COLS ", '', ''" ROW_FROM "i.status = $6" PUBLIC_TAIL;
static const char sql_list_staff[] =
	"SELECT " ROW_COLS ", '', ''" ROW_FROM "i.org_id = $1 AND ($6 = '' OR i.status = $6)" STAFF_TAIL;
static const char sql_count_staff[] =
	"SELECT COUNT(*) FROM items i WHERE i.org_id = $1 AND ($6 = '' OR i.status = $6) "
	"AND ($2 = 0 OR i.category_id = $2) AND ($7 = '' OR instr(i.title, $7) > 0 OR instr(i.doc_no, $7) > 0)";
/* published items are counted from item_counts, kept by triggers */
static const char sql_count_public[] =
	"SELECT COALESCE(SUM(n), 0) FROM item_counts WHERE ($1 = 0 OR org_id = $1) AND ($2 = 0 OR category_id = $2) "
	"AND ($3 = 0 OR year = $3) AND ($5 = '' OR validity = $5)";

static bool is_public(const struct item_filter *f)
{
	return f->status && strcmp(f->status, "published") == 0;
}

/* Bind the filter's values to whichever of $1..$9 the statement uses. */
static void bind_filter(struct db_stmt *st, const struct item_filter *f)
{
	char lo[16], hi[16];
	const char *texts[10] = { 0 };
	long long ints[10] = { 0 };

	if (f->year) {
		snprintf(lo, sizeof(lo), "%04d-01-01", f->year % 10000);
		snprintf(hi, sizeof(hi), "%04d-01-01", (f->year + 1) % 10000);
	} else {
		memcpy(lo, "0000", 5);
		memcpy(hi, "9999", 5);
	}
	ints[1] = f->org_id;
	ints[2] = f->category_id;
	texts[3] = lo;
	texts[4] = hi;
	texts[5] = f->validity ? f->validity : "";
	texts[6] = f->status ? f->status : "";
	texts[7] = f->title_like ? f->title_like : "";
	ints[8] = f->limit;
	ints[9] = f->offset;
	for (int i = 1; i <= 9; i++) {
		if (!db_has_param(st, i))
			continue;
		if (texts[i])
			db_bind_text(st, i, texts[i]);
		else
			db_bind_int(st, i, ints[i]);
	}
}

static int rows_read(struct db_stmt *st, struct arena *a, struct item_row **out, size_t *n)
{
	struct item_row *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	while ((rc = db_step(st)) == 1) {
		struct item_row *r = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		r->id = db_col_int(st, 0);
		r->org_id = db_col_int(st, 1);
		r->org_slug = db_col_dup(st, 2, a);
		r->index_no = db_col_dup(st, 3, a);
		r->title = db_col_dup(st, 4, a);
		r->doc_no = db_col_dup(st, 5, a);
		r->category = db_col_dup(st, 6, a);
		r->published_on = db_col_dup(st, 7, a);
		r->validity = db_col_dup(st, 8, a);
		r->status = db_col_dup(st, 9, a);
		r->updated_at = db_col_dup(st, 10, a);
		r->snippet = db_col_dup(st, 11, a);
		r->title_marked = db_col_dup(st, 12, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

static int count_one(struct db_stmt *st, long long *total)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_DB;
	*total = db_col_int(st, 0);
	db_done(st);
	return 0;
}

/* The 'year' parameter of the public count is the year itself. */
static void bind_count(struct db_stmt *st, const struct item_filter *f)
{
	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->category_id);
	db_bind_int(st, 3, f->year);
	db_bind_text(st, 5, f->validity ? f->validity : "");
}

int store_item_list(struct db *db, struct arena *a, const struct item_filter *f,
		    struct item_row **out, size_t *n, long long *total)
{
	const char *sql;
	struct db_stmt *st;
	int rc;

	if (!is_public(f) && !f->org_id)
		return ERR_INVALID; /* staff lists are per org */
	if (total) {
		if (is_public(f)) {
			if ((rc = db_prep(db, sql_count_public, &st)))
				return rc;
			bind_count(st, f);
		} else {
			if ((rc = db_prep(db, sql_count_staff, &st)))
				return rc;
			bind_filter(st, f);
		}
		if ((rc = count_one(st, total)))
			return rc;
	}
	if (!is_public(f))
		sql = sql_list_staff;
	else if (f->category_id)
		sql = sql_list_cat;
	else if (f->org_id)
		sql = sql_list_org;
	else
		sql = sql_list_all;
	if ((rc = db_prep(db, sql, &st)))
		return rc;
	bind_filter(st, f);
	return rows_read(st, a, out, n);
}

/* Search. The filters are tokens of the scope column (see migration
 * 0002), ANDed with the user's expression: a doclist intersection. Every
 * match is counted up to SEARCH_COUNT_CAP; ranking (title and 文号 hits
 * first, then BM25) runs over the newest SEARCH_WINDOW matches, so that a
 * query matching most of a million items costs the same as one matching
 * a few thousand: beyond the window, newer information ranks first. */
#define SEARCH_WINDOW 2000
#define SEARCH_COUNT_CAP 10000

static const char sql_search_count[] =
	"SELECT COUNT(*) FROM (SELECT rowid FROM items_fts WHERE items_fts MATCH $1 LIMIT $2)";
static const char sql_search_floor[] =
	"SELECT rowid FROM items_fts WHERE items_fts MATCH $1 ORDER BY rowid DESC LIMIT 1 OFFSET $2";
static const char sql_search_page[] =
	"SELECT " ROW_COLS ", gk_snippet(items_fts, 2, char(1), char(2), '…', 40), "
	"gk_highlight(items_fts, 0, char(1), char(2)) "
	"FROM items_fts JOIN items i ON i.id = items_fts.rowid JOIN categories c ON c.id = i.category_id "
	"JOIN orgs o ON o.id = i.org_id WHERE items_fts MATCH $1 AND items_fts.rowid >= $2 "
	"ORDER BY " FTS_ORDER_BY " LIMIT $3 OFFSET $4";

static const char *validity_code(const char *v)
{
	static const char *const names[] = { "有效", "已修改", "废止", "失效" };
	static const char *const codes[] = { "v1", "v2", "v3", "v4" };

	for (size_t i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0)
			return codes[i];
	return "v0";
}

/* The user's expression restricted to the text columns, and the filters. */
static const char *search_expr(struct arena *a, const char *match, const struct item_filter *f)
{
	struct buf b;

	buf_init(&b, a, strlen(match) + 256);
	buf_printf(&b, "{title doc_no body_text} : (%s)", match);
	if (f->norgs) {
		buf_puts(&b, " AND scope : (");
		for (size_t i = 0; i < f->norgs; i++)
			buf_printf(&b, "%s\"o%lld\"", i ? " OR " : "", f->org_ids[i]);
		buf_putc(&b, ')');
	} else if (f->org_id) {
		buf_printf(&b, " AND scope : \"o%lld\"", f->org_id);
	}
	if (f->category_id)
		buf_printf(&b, " AND scope : \"c%lld\"", f->category_id);
	if (f->year)
		buf_printf(&b, " AND scope : \"y%d\"", f->year);
	if (f->validity)
		buf_printf(&b, " AND scope : \"%s\"", validity_code(f->validity));
	return b.err ? NULL : buf_cstr(&b);
}

int store_item_search(struct db *db, struct arena *a, const char *match, const struct item_filter *f,
		      struct item_row **out, size_t *n, long long *total, bool *capped)
{
	const char *expr = search_expr(a, match, f);
	long long floor = 0;
	struct db_stmt *st;
	int rc;

	if (!expr)
		return ERR_NOMEM;
	if ((rc = db_prep(db, sql_search_count, &st)))
		return rc;
	db_bind_text(st, 1, expr);
	db_bind_int(st, 2, SEARCH_COUNT_CAP + 1);
	if ((rc = count_one(st, total)))
		return rc;
	*capped = *total > SEARCH_COUNT_CAP;
	if (*capped)
		*total = SEARCH_COUNT_CAP;
	if (*total > SEARCH_WINDOW) {
		if ((rc = db_prep(db, sql_search_floor, &st)))
			return rc;
		db_bind_text(st, 1, expr);
		db_bind_int(st, 2, SEARCH_WINDOW - 1);
		if ((rc = db_step(st)) < 0)
			return rc;
		if (rc == 1) {
			floor = db_col_int(st, 0);
			db_done(st);
		}
	}
	if (f->offset >= SEARCH_WINDOW) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	if ((rc = db_prep(db, sql_search_page, &st)))
		return rc;
	db_bind_text(st, 1, expr);
	db_bind_int(st, 2, floor);
	db_bind_int(st, 3, f->limit);
	db_bind_int(st, 4, f->offset);
	return rows_read(st, a, out, n);
}

long long store_search_window(void)
{
	return SEARCH_WINDOW;
}

static const char sql_defer_on[] =
	"INSERT INTO meta (key, value) VALUES ('fts_deferred', '1') ON CONFLICT (key) DO NOTHING";
static const char sql_defer_off[] = "DELETE FROM meta WHERE key = 'fts_deferred'";
/* a bigger in-memory buffer makes the rebuild write fewer, larger segments */
static const char sql_fts_hash_big[] = "INSERT INTO items_fts(items_fts, rank) VALUES ('hashsize', 268435456)";
static const char sql_fts_hash_default[] = "INSERT INTO items_fts(items_fts, rank) VALUES ('hashsize', 1048576)";
static const char sql_fts_rebuild_all[] = "INSERT INTO items_fts(items_fts) VALUES ('rebuild')";

static int exec_one(struct db *db, const char *sql)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_search_defer(struct db *db)
{
	return exec_one(db, sql_defer_on);
}

int store_search_rebuild(struct db *db)
{
	int rc;

	if ((rc = exec_one(db, sql_fts_hash_big)) || (rc = exec_one(db, sql_fts_rebuild_all)) ||
	    (rc = exec_one(db, sql_fts_hash_default)))
		return rc;
	return exec_one(db, sql_defer_off);
}

static const char sql_item_years[] =
	"SELECT year, SUM(n) FROM item_counts WHERE org_id = $1 GROUP BY year HAVING SUM(n) > 0 ORDER BY year DESC";

int store_item_years(struct db *db, struct arena *a, long long org_id, int **years, long long **counts, size_t *n)
{
	struct db_stmt *st;
	int *ys = NULL;
	long long *cs = NULL;
	size_t k = 0, cap = 0, cap2 = 0;
	int rc;

	if ((rc = db_prep(db, sql_item_years, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		int *y = grow_slot(a, (void **)&ys, k, &cap, sizeof(*ys));
		long long *c = grow_slot(a, (void **)&cs, k, &cap2, sizeof(*cs));

		if (!y || !c) {
			db_done(st);
			return ERR_NOMEM;
		}
		*y = (int)db_col_int(st, 0);
		*c = db_col_int(st, 1);
		k++;
	}
	if (rc < 0)
		return rc;
	*years = ys;
	*counts = cs;
	*n = k;
	return 0;
}

/* The sitemap of a year: ids and dates only, from the index items_public
 * (no join, no text column: a year of a large agency has 10,000 items). */
static const char sql_item_stamps[] =
	"SELECT i.id, i.published_on FROM items i WHERE i.org_id = $1 AND i.status = 'published' "
	"AND i.published_on >= $2 AND i.published_on < $3 ORDER BY i.published_on DESC, i.id DESC LIMIT $4";

int store_item_stamps(struct db *db, struct arena *a, long long org_id, int year, long long limit,
		      struct item_stamp **out, size_t *n)
{
	struct db_stmt *st;
	struct item_stamp *arr = NULL;
	size_t k = 0, cap = 0;
	char lo[16], hi[16];
	int rc;

	snprintf(lo, sizeof(lo), "%04d-01-01", year % 10000);
	snprintf(hi, sizeof(hi), "%04d-01-01", (year + 1) % 10000);
	if ((rc = db_prep(db, sql_item_stamps, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	db_bind_int(st, 4, limit);
	while ((rc = db_step(st)) == 1) {
		struct item_stamp *r = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		r->id = db_col_int(st, 0);
		r->published_on = db_col_dup(st, 1, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- attachments ---- */

static const char sql_att_insert[] =
	"INSERT INTO attachments (org_id, item_id, filename, mime, size, sha256, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
static const char sql_att_list[] =
	"SELECT id, org_id, item_id, filename, mime, size, sha256, created_at FROM attachments "
	"WHERE org_id = $1 AND item_id = $2 ORDER BY id";
static const char sql_att_get[] =
	"SELECT id, org_id, item_id, filename, mime, size, sha256, created_at FROM attachments "
	"WHERE org_id = $1 AND id = $2";
static const char sql_att_delete[] = "DELETE FROM attachments WHERE org_id = $1 AND id = $2";

static void att_read(struct db_stmt *st, struct arena *a, struct attachment *at)
{
	at->id = db_col_int(st, 0);
	at->org_id = db_col_int(st, 1);
	at->item_id = db_col_int(st, 2);
	at->filename = db_col_dup(st, 3, a);
	at->mime = db_col_dup(st, 4, a);
	at->size = db_col_int(st, 5);
	at->sha256 = db_col_dup(st, 6, a);
	at->created_at = db_col_dup(st, 7, a);
}

int store_attachment_insert(struct db *db, struct attachment *at)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_att_insert, &st)))
		return rc;
	db_bind_int(st, 1, at->org_id);
	db_bind_int(st, 2, at->item_id);
	db_bind_text(st, 3, at->filename);
	db_bind_text(st, 4, at->mime);
	db_bind_int(st, 5, at->size);
	db_bind_text(st, 6, at->sha256);
	db_bind_text(st, 7, at->created_at);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	at->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_attachment_list(struct db *db, struct arena *a, long long org_id, long long item_id,
			  struct attachment **out, size_t *n)
{
	struct db_stmt *st;
	struct attachment *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_att_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	while ((rc = db_step(st)) == 1) {
		struct attachment *at = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!at) {
			db_done(st);
			return ERR_NOMEM;
		}
		att_read(st, a, at);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_attachment_get(struct db *db, struct arena *a, long long org_id, long long id, struct attachment *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_att_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	att_read(st, a, out);
	db_done(st);
	return 0;
}

int store_attachment_delete(struct db *db, long long org_id, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_att_delete, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}
