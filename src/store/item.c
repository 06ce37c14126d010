/* item.c - catalog items, 索引号 serials, attachments, search. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

#define ITEM_COLS                                                                          \
	"i.id, i.org_id, i.category_id, c.name, i.index_no, i.title, i.doc_no, i.publisher, " \
	"i.written_on, i.published_on, i.topic, i.genre, i.validity, i.validity_on, i.summary, " \
	"i.body_md, i.body_text, i.status, i.views, i.version, COALESCE(i.created_by, 0), "     \
	"i.created_at, i.updated_at"

static const char sql_item_insert[] =
	"INSERT INTO items (org_id, category_id, index_no, title, doc_no, publisher, written_on, published_on, "
	"topic, genre, validity, validity_on, summary, body_md, body_text, status, created_by, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id";
static const char sql_item_update[] =
	"UPDATE items SET category_id = $3, title = $4, doc_no = $5, publisher = $6, written_on = $7, "
	"topic = $8, genre = $9, validity = $10, validity_on = $11, summary = $12, body_md = $13, "
	"body_text = $14, updated_at = $15, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $16";
static const char sql_item_get[] =
	"SELECT " ITEM_COLS " FROM items i JOIN categories c ON c.id = i.category_id WHERE i.org_id = $1 AND i.id = $2";
static const char sql_item_get_any[] =
	"SELECT " ITEM_COLS " FROM items i JOIN categories c ON c.id = i.category_id WHERE i.id = $1";
static const char sql_item_status[] =
	"UPDATE items SET status = $3, index_no = COALESCE(index_no, $4), "
	"published_on = COALESCE($5, published_on), updated_at = $6, version = version + 1 "
	"WHERE org_id = $1 AND id = $2";
static const char sql_item_view[] = "UPDATE items SET views = views + 1 WHERE id = $1";
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

int store_item_add_view(struct db *db, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_view, &st)))
		return rc;
	db_bind_int(st, 1, id);
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

/* Shared filter: $1 org (0 all), $2 category (0 all), $3/$4 published_on
 * range ('' and '~' when no year), $5 validity ('' all), $6 status ('' all),
 * $7 title substring ('' none). */
#define ITEM_WHERE                                                                  \
	"($1 = 0 OR i.org_id = $1) AND ($2 = 0 OR i.category_id = $2) "             \
	"AND ($3 = '' OR (i.published_on >= $3 AND i.published_on < $4)) "          \
	"AND ($5 = '' OR i.validity = $5) AND ($6 = '' OR i.status = $6) "          \
	"AND ($7 = '' OR i.title LIKE '%' || $7 || '%' OR i.doc_no LIKE '%' || $7 || '%') "

#define ROW_COLS                                                                    \
	"i.id, i.org_id, o.slug, i.index_no, i.title, i.doc_no, c.name, i.published_on, " \
	"i.validity, i.status, i.updated_at"

static const char sql_item_list[] =
	"SELECT " ROW_COLS ", '', '' FROM items i JOIN categories c ON c.id = i.category_id "
	"JOIN orgs o ON o.id = i.org_id WHERE " ITEM_WHERE
	"ORDER BY i.published_on DESC, i.id DESC LIMIT $8 OFFSET $9";
static const char sql_item_count[] =
	"SELECT COUNT(*) FROM items i WHERE " ITEM_WHERE;
/* title and 文号 hits first (gk_titlehit, src/store/fts.c), then BM25 with
 * title and 文号 weighted over the body */
static const char sql_item_search[] =
	"SELECT " ROW_COLS ", gk_snippet(items_fts, 2, char(1), char(2), '…', 40), "
	"gk_highlight(items_fts, 0, char(1), char(2)) "
	"FROM items_fts JOIN items i ON i.id = items_fts.rowid JOIN categories c ON c.id = i.category_id "
	"JOIN orgs o ON o.id = i.org_id WHERE items_fts MATCH $10 AND " ITEM_WHERE
	"ORDER BY " FTS_ORDER_BY " LIMIT $8 OFFSET $9";
static const char sql_item_search_count[] =
	"SELECT COUNT(*) FROM items_fts JOIN items i ON i.id = items_fts.rowid "
	"WHERE items_fts MATCH $10 AND " ITEM_WHERE;

static void bind_filter(struct db_stmt *st, const struct item_filter *f, bool paged)
{
	char lo[16], hi[16];

	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->category_id);
	if (f->year) {
		snprintf(lo, sizeof(lo), "%04d-01-01", f->year % 10000);
		snprintf(hi, sizeof(hi), "%04d-01-01", (f->year + 1) % 10000);
		db_bind_text(st, 3, lo);
		db_bind_text(st, 4, hi);
	} else {
		db_bind_text(st, 3, "");
		db_bind_text(st, 4, "");
	}
	db_bind_text(st, 5, f->validity ? f->validity : "");
	db_bind_text(st, 6, f->status ? f->status : "");
	db_bind_text(st, 7, f->title_like ? f->title_like : "");
	if (paged) {
		db_bind_int(st, 8, f->limit);
		db_bind_int(st, 9, f->offset);
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

int store_item_list(struct db *db, struct arena *a, const struct item_filter *f,
		    struct item_row **out, size_t *n, long long *total)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_count, &st)))
		return rc;
	bind_filter(st, f, false);
	if ((rc = count_one(st, total)))
		return rc;
	if ((rc = db_prep(db, sql_item_list, &st)))
		return rc;
	bind_filter(st, f, true);
	return rows_read(st, a, out, n);
}

int store_item_search(struct db *db, struct arena *a, const char *match, const struct item_filter *f,
		      struct item_row **out, size_t *n, long long *total)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_item_search_count, &st)))
		return rc;
	bind_filter(st, f, false);
	db_bind_text(st, 10, match);
	if ((rc = count_one(st, total)))
		return rc;
	if ((rc = db_prep(db, sql_item_search, &st)))
		return rc;
	bind_filter(st, f, true);
	db_bind_text(st, 10, match);
	return rows_read(st, a, out, n);
}

static const char sql_item_years[] =
	"SELECT CAST(substr(published_on, 1, 4) AS INTEGER) AS y, COUNT(*) FROM items "
	"WHERE org_id = $1 AND status = 'published' AND published_on IS NOT NULL GROUP BY y ORDER BY y DESC";

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
