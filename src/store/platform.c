/* platform.c - the org tree and the platform dashboard's counts: see
 * platform.h. */
#include "store/platform.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "core/banned.h"

#define NODE_COLS                                                                                          \
	"id, COALESCE(parent_id, 0), slug, name, org_code, kind, index_pattern, guide_md, agency_kind, sort, " \
	"active, report_due, contact_address, contact_postcode, contact_phone, contact_fax, contact_email, "   \
	"contact_hours"

static const char sql_nodes[] = "SELECT " NODE_COLS " FROM orgs WHERE kind = 'agency' ORDER BY sort, name, id";
static const char sql_node_id[] = "SELECT " NODE_COLS " FROM orgs WHERE kind = 'agency' AND id = $1";
static const char sql_node_slug[] = "SELECT " NODE_COLS " FROM orgs WHERE kind = 'agency' AND slug = $1";
static const char sql_node_update[] =
	"UPDATE orgs SET name = $2, org_code = $3, index_pattern = $4, agency_kind = $5, sort = $6, "
	"report_due = $7, updated_at = $8 WHERE id = $1 AND kind = 'agency'";
static const char sql_node_contact[] =
	"UPDATE orgs SET contact_address = $2, contact_postcode = $3, contact_phone = $4, contact_fax = $5, "
	"contact_email = $6, contact_hours = $7, updated_at = $8 WHERE id = $1 AND kind = 'agency'";
static const char sql_node_parent[] =
	"UPDATE orgs SET parent_id = $2, updated_at = $3 WHERE id = $1 AND kind = 'agency'";
static const char sql_node_active[] =
	"UPDATE orgs SET active = $2, updated_at = $3 WHERE id = $1 AND kind = 'agency'";
static const char sql_usage[] =
	"SELECT (SELECT COUNT(*) FROM items WHERE org_id = $1) + (SELECT COUNT(*) FROM applications WHERE org_id = $1) "
	"+ (SELECT COUNT(*) FROM interactions WHERE org_id = $1) + (SELECT COUNT(*) FROM proposals WHERE org_id = $1) "
	"+ (SELECT COUNT(*) FROM reviews WHERE org_id = $1) + (SELECT COUNT(*) FROM decisions WHERE org_id = $1) "
	"+ (SELECT COUNT(*) FROM users WHERE org_id = $1) + (SELECT COUNT(*) FROM memberships WHERE org_id = $1) "
	"+ (SELECT COUNT(*) FROM reports WHERE org_id = $1), "
	"(SELECT COUNT(*) FROM orgs WHERE parent_id = $1)";
/* what an agency without records still has: made with it, gone with it */
static const char sql_del_counts[] = "DELETE FROM item_counts WHERE org_id = $1";
static const char sql_del_serials[] = "DELETE FROM index_serials WHERE org_id = $1";
static const char sql_del_cal_days[] = "DELETE FROM calendar_days WHERE org_id = $1";
static const char sql_del_cal_years[] = "DELETE FROM calendar_years WHERE org_id = $1";
static const char sql_del_cats_children[] = "DELETE FROM categories WHERE org_id = $1 AND parent_id IS NOT NULL";
static const char sql_del_cats[] = "DELETE FROM categories WHERE org_id = $1";
static const char sql_del_org[] = "DELETE FROM orgs WHERE id = $1 AND kind = 'agency'";

static void node_read(struct db_stmt *st, struct arena *a, struct org_node *n)
{
	n->org.id = db_col_int(st, 0);
	n->org.parent_id = db_col_int(st, 1);
	n->org.slug = db_col_dup(st, 2, a);
	n->org.name = db_col_dup(st, 3, a);
	n->org.org_code = db_col_dup(st, 4, a);
	n->org.kind = db_col_dup(st, 5, a);
	n->org.index_pattern = db_col_dup(st, 6, a);
	n->org.guide_md = db_col_dup(st, 7, a);
	n->agency_kind = db_col_dup(st, 8, a);
	n->sort = (int)db_col_int(st, 9);
	n->active = db_col_int(st, 10) != 0;
	n->report_due = db_col_dup(st, 11, a);
	n->contact.address = db_col_dup(st, 12, a);
	n->contact.postcode = db_col_dup(st, 13, a);
	n->contact.phone = db_col_dup(st, 14, a);
	n->contact.fax = db_col_dup(st, 15, a);
	n->contact.email = db_col_dup(st, 16, a);
	n->contact.hours = db_col_dup(st, 17, a);
}

int store_platform_orgs(struct db *db, struct arena *a, struct org_node **out, size_t *n)
{
	struct db_stmt *st;
	struct org_node *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_nodes, &st)))
		return rc;
	while ((rc = db_step(st)) == 1) {
		struct org_node *o = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!o) {
			db_done(st);
			return ERR_NOMEM;
		}
		node_read(st, a, o);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

static int node_one(struct db *db, struct arena *a, const char *sql, long long id, const char *slug,
		    struct org_node *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	if (slug)
		db_bind_text(st, 1, slug);
	else
		db_bind_int(st, 1, id);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	node_read(st, a, out);
	db_done(st);
	return 0;
}

int store_platform_org(struct db *db, struct arena *a, long long id, struct org_node *out)
{
	return node_one(db, a, sql_node_id, id, NULL, out);
}

int store_platform_org_by_slug(struct db *db, struct arena *a, const char *slug, struct org_node *out)
{
	return node_one(db, a, sql_node_slug, 0, slug, out);
}

static int changed_one(struct db *db, struct db_stmt *st)
{
	int rc = db_step(st);

	if (rc < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_platform_update(struct db *db, const struct org_node *n, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_node_update, &st)))
		return rc;
	db_bind_int(st, 1, n->org.id);
	db_bind_text(st, 2, n->org.name);
	db_bind_text(st, 3, n->org.org_code ? n->org.org_code : "");
	db_bind_text(st, 4, n->org.index_pattern);
	db_bind_text(st, 5, n->agency_kind);
	db_bind_int(st, 6, n->sort);
	db_bind_text(st, 7, n->report_due ? n->report_due : "");
	db_bind_text(st, 8, now);
	return changed_one(db, st);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

int store_platform_set_contact(struct db *db, long long org_id, const struct org_contact *c, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_node_contact, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, nz(c->address));
	db_bind_text(st, 3, nz(c->postcode));
	db_bind_text(st, 4, nz(c->phone));
	db_bind_text(st, 5, nz(c->fax));
	db_bind_text(st, 6, nz(c->email));
	db_bind_text(st, 7, nz(c->hours));
	db_bind_text(st, 8, now);
	return changed_one(db, st);
}

int store_platform_insert(struct db *db, struct org_node *n, const char *now)
{
	int rc;

	n->org.kind = "agency";
	if ((rc = store_org_insert(db, &n->org, now)))
		return rc;
	if (!n->org.index_pattern)
		n->org.index_pattern = "{机构代码}/{YYYY}-{NNNNN}";
	if ((rc = store_platform_update(db, n, now)))
		return rc;
	return store_platform_set_contact(db, n->org.id, &n->contact, now);
}

int store_platform_set_parent(struct db *db, long long org_id, long long parent_id, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_node_parent, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if (parent_id)
		db_bind_int(st, 2, parent_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, now);
	return changed_one(db, st);
}

int store_platform_set_active(struct db *db, long long org_id, bool active, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_node_active, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, active ? 1 : 0);
	db_bind_text(st, 3, now);
	return changed_one(db, st);
}

int store_platform_usage(struct db *db, long long org_id, long long *records, long long *children)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_usage, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*records = db_col_int(st, 0);
	*children = db_col_int(st, 1);
	db_done(st);
	return 0;
}

int store_platform_delete(struct db *db, long long org_id)
{
	static const char *const steps[] = { sql_del_counts,	sql_del_serials,       sql_del_cal_days,
					     sql_del_cal_years, sql_del_cats_children, sql_del_cats };
	struct db_stmt *st;
	int rc;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if ((rc = db_prep(db, steps[i], &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		if ((rc = db_step(st)) < 0)
			return rc;
	}
	if ((rc = db_prep(db, sql_del_org, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	return changed_one(db, st);
}

/* ---- the dashboard ---- */

static const char sql_open_apps[] =
	"SELECT org_id, COUNT(*), "
	"SUM(CASE WHEN state NOT IN ('correcting', 'consulting', 'awaiting_fee') AND due_on < $1 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN state NOT IN ('correcting', 'consulting', 'awaiting_fee') AND due_on >= $1 AND due_on <= $2 "
	"THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN state IN ('correcting', 'consulting', 'awaiting_fee') THEN 1 ELSE 0 END), "
	"MIN(CASE WHEN due_on >= $1 THEN due_on END) "
	"FROM applications WHERE state NOT IN ('replied', 'terminated', 'void') GROUP BY org_id ORDER BY org_id";
static const char sql_open_interactions[] =
	"SELECT org_id, COUNT(*), SUM(CASE WHEN due_on < $1 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN due_on >= $1 AND due_on <= $2 THEN 1 ELSE 0 END), 0, "
	"MIN(CASE WHEN due_on >= $1 THEN due_on END) "
	"FROM interactions WHERE state IN ('received', 'assigned') GROUP BY org_id ORDER BY org_id";
static const char sql_open_proposals[] =
	"SELECT org_id, COUNT(*), SUM(CASE WHEN due_on < $1 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN due_on >= $1 AND due_on <= $2 THEN 1 ELSE 0 END), 0, "
	"MIN(CASE WHEN due_on >= $1 THEN due_on END) "
	"FROM proposals WHERE state = 'open' GROUP BY org_id ORDER BY org_id";

int store_platform_open_cases(struct db *db, struct arena *a, int kind, const char *today, const char *soon,
			      struct open_cases **out, size_t *n)
{
	static const char *const sqls[OPEN_KINDS] = { sql_open_apps, sql_open_interactions, sql_open_proposals };
	struct db_stmt *st;
	struct open_cases *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if (kind < 0 || kind >= OPEN_KINDS)
		return ERR_INVALID;
	if ((rc = db_prep(db, sqls[kind], &st)))
		return rc;
	db_bind_text(st, 1, today);
	db_bind_text(st, 2, soon);
	while ((rc = db_step(st)) == 1) {
		struct open_cases *o = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!o) {
			db_done(st);
			return ERR_NOMEM;
		}
		o->org_id = db_col_int(st, 0);
		o->open = db_col_int(st, 1);
		o->overdue = db_col_int(st, 2);
		o->due_soon = db_col_int(st, 3);
		o->paused = db_col_int(st, 4);
		o->next_due = db_col_isnull(st, 5) ? NULL : db_col_dup(st, 5, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- the platform's catalog ---- */

#define PITEM_COLS                                                                  \
	"i.id, i.org_id, o.slug, i.index_no, i.title, i.doc_no, c.name, i.published_on, " \
	"i.validity, i.status, i.updated_at"
/* org_id and, with $2 = 1, every agency below it (the whole subtree) */
#define PITEM_SUB                                                                                       \
	"WITH RECURSIVE sub(id) AS (SELECT CAST($1 AS BIGINT) UNION ALL "                                 \
	"SELECT s.id FROM orgs s JOIN sub ON s.parent_id = sub.id WHERE $2 = 1) "
#define PITEM_FROM                                                                                      \
	" FROM items i JOIN categories c ON c.id = i.category_id JOIN orgs o ON o.id = i.org_id "        \
	"WHERE i.status = 'published' AND o.active = 1 AND ($1 = 0 OR i.org_id IN (SELECT id FROM sub))"
static const char sql_pitems[] =
	PITEM_SUB "SELECT " PITEM_COLS PITEM_FROM " ORDER BY i.published_on DESC, i.id DESC LIMIT $3 OFFSET $4";
static const char sql_pitems_count[] = PITEM_SUB "SELECT COUNT(*)" PITEM_FROM;

int store_platform_items(struct db *db, struct arena *a, long long org_id, bool children, long long limit,
			 long long offset, struct item_row **out, size_t *n, long long *total)
{
	struct db_stmt *st;
	struct item_row *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_pitems_count, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, children ? 1 : 0);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*total = db_col_int(st, 0);
	db_done(st);
	if ((rc = db_prep(db, sql_pitems, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, children ? 1 : 0);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, offset);
	while ((rc = db_step(st)) == 1) {
		struct item_row *r = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		memset(r, 0, sizeof(*r));
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
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}
