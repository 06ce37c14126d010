/* org.c - organisations and their categories. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

#define ORG_COLS "id, COALESCE(parent_id, 0), slug, name, org_code, kind, index_pattern, guide_md, active"

static const char sql_org_insert[] =
	"INSERT INTO orgs (slug, name, org_code, parent_id, kind, index_pattern, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
static const char sql_org_by_slug[] = "SELECT " ORG_COLS " FROM orgs WHERE slug = $1";
static const char sql_org_by_id[] = "SELECT " ORG_COLS " FROM orgs WHERE id = $1";
static const char sql_org_platform[] = "SELECT " ORG_COLS " FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1";
static const char sql_org_list[] = "SELECT " ORG_COLS " FROM orgs WHERE kind = 'agency' AND active = 1 ORDER BY name, id";
static const char sql_org_guide[] = "UPDATE orgs SET guide_md = $2, updated_at = $3 WHERE id = $1";
static const char sql_meta_keep[] = "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";
static const char sql_meta_get[] = "SELECT value FROM meta WHERE key = $1";

static void org_read(struct db_stmt *st, struct arena *a, struct org *o)
{
	o->id = db_col_int(st, 0);
	o->parent_id = db_col_int(st, 1);
	o->slug = db_col_dup(st, 2, a);
	o->name = db_col_dup(st, 3, a);
	o->org_code = db_col_dup(st, 4, a);
	o->kind = db_col_dup(st, 5, a);
	o->index_pattern = db_col_dup(st, 6, a);
	o->guide_md = db_col_dup(st, 7, a);
	o->deactivated = db_col_int(st, 8) == 0;
}

int store_org_insert(struct db *db, struct org *o, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_org_insert, &st)))
		return rc;
	db_bind_text(st, 1, o->slug);
	db_bind_text(st, 2, o->name);
	db_bind_text(st, 3, o->org_code ? o->org_code : "");
	if (o->parent_id)
		db_bind_int(st, 4, o->parent_id);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, o->kind ? o->kind : "agency");
	db_bind_text(st, 6, o->index_pattern ? o->index_pattern : "{机构代码}/{YYYY}-{NNNNN}");
	db_bind_text(st, 7, now);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	o->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

static int org_one(struct db *db, struct arena *a, const char *sql, const char *s, long long id,
		   struct org *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	if (s)
		db_bind_text(st, 1, s);
	else if (id)
		db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	org_read(st, a, out);
	db_done(st);
	return 0;
}

int store_org_by_slug(struct db *db, struct arena *a, const char *slug, struct org *out)
{
	return org_one(db, a, sql_org_by_slug, slug, 0, out);
}

int store_org_by_id(struct db *db, struct arena *a, long long id, struct org *out)
{
	return org_one(db, a, sql_org_by_id, NULL, id, out);
}

int store_org_platform(struct db *db, struct arena *a, struct org *out)
{
	return org_one(db, a, sql_org_platform, NULL, 0, out);
}

int store_org_list(struct db *db, struct arena *a, struct org **out, size_t *n)
{
	struct db_stmt *st;
	struct org *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_org_list, &st)))
		return rc;
	while ((rc = db_step(st)) == 1) {
		struct org *o = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));
		if (!o) {
			db_done(st);
			return ERR_NOMEM;
		}
		org_read(st, a, o);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_org_set_guide(struct db *db, long long org_id, const char *guide_md, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_org_guide, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, guide_md);
	db_bind_text(st, 3, now);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* ---- categories ---- */

static const char sql_cat_insert[] =
	"INSERT INTO categories (org_id, parent_id, name, article, sort) VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_cat_list[] =
	"SELECT c.id, c.org_id, COALESCE(c.parent_id, 0), c.name, c.article, c.sort, "
	"(SELECT COALESCE(SUM(n), 0) FROM item_counts k WHERE k.org_id = c.org_id AND k.category_id = c.id), "
	"c.review_levels "
	"FROM categories c WHERE c.org_id = $1 ORDER BY c.sort, c.id";
static const char sql_cat_by_name[] =
	"SELECT id, org_id, COALESCE(parent_id, 0), name, article, sort, 0, review_levels FROM categories "
	"WHERE org_id = $1 AND name = $2";
static const char sql_cat_by_id[] =
	"SELECT id, org_id, COALESCE(parent_id, 0), name, article, sort, 0, review_levels FROM categories "
	"WHERE org_id = $1 AND id = $2";

static void cat_read(struct db_stmt *st, struct arena *a, struct category *c)
{
	c->id = db_col_int(st, 0);
	c->org_id = db_col_int(st, 1);
	c->parent_id = db_col_int(st, 2);
	c->name = db_col_dup(st, 3, a);
	c->article = db_col_dup(st, 4, a);
	c->sort = (int)db_col_int(st, 5);
	c->published = db_col_int(st, 6);
	c->review_levels = (int)db_col_int(st, 7);
}

int store_category_insert(struct db *db, struct category *c)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_cat_insert, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	if (c->parent_id)
		db_bind_int(st, 2, c->parent_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, c->name);
	db_bind_text(st, 4, c->article ? c->article : "");
	db_bind_int(st, 5, c->sort);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	c->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_category_list(struct db *db, struct arena *a, long long org_id, struct category **out, size_t *n)
{
	struct db_stmt *st;
	struct category *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_cat_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct category *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));
		if (!c) {
			db_done(st);
			return ERR_NOMEM;
		}
		cat_read(st, a, c);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

static int cat_one(struct db *db, struct arena *a, const char *sql, long long org_id, const char *name,
		   long long id, struct category *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if (name)
		db_bind_text(st, 2, name);
	else
		db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	cat_read(st, a, out);
	db_done(st);
	return 0;
}

int store_category_by_name(struct db *db, struct arena *a, long long org_id, const char *name, struct category *out)
{
	return cat_one(db, a, sql_cat_by_name, org_id, name, 0, out);
}

int store_category_by_id(struct db *db, struct arena *a, long long org_id, long long id, struct category *out)
{
	return cat_one(db, a, sql_cat_by_id, org_id, NULL, id, out);
}

static const char sql_cat_update[] =
	"UPDATE categories SET name = $3, article = $4, parent_id = $5, sort = $6 WHERE org_id = $1 AND id = $2";
static const char sql_cat_counts_clear[] =
	"DELETE FROM item_counts WHERE org_id = $1 AND category_id = $2 AND n = 0";
static const char sql_cat_delete[] = "DELETE FROM categories WHERE org_id = $1 AND id = $2";

int store_category_update(struct db *db, const struct category *c)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_cat_update, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_int(st, 2, c->id);
	db_bind_text(st, 3, c->name);
	db_bind_text(st, 4, c->article ? c->article : "");
	if (c->parent_id)
		db_bind_int(st, 5, c->parent_id);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, c->sort);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_category_delete(struct db *db, long long org_id, long long id)
{
	struct db_stmt *st;
	int rc;

	/* rows of item_counts that count nothing may go with the category;
	 * items, or counts above zero, keep it (foreign keys) */
	if ((rc = db_prep(db, sql_cat_counts_clear, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st)) < 0)
		return rc;
	if ((rc = db_prep(db, sql_cat_delete, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_meta_secret(struct db *db, struct arena *a, const char *key, const char *fresh, const char **out)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = db_prep(db, sql_meta_keep, &st)))
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, fresh);
	if ((rc = db_step(st)) < 0)
		return rc;
	if ((rc = db_prep(db, sql_meta_get, &st)))
		return rc;
	db_bind_text(st, 1, key);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	*out = db_col_dup(st, 0, a);
	db_done(st);
	return *out ? 0 : ERR_NOMEM;
}
