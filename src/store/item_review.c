/* item_review.c - review steps, replaced versions, scanner findings. See
 * item_review.h. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/item_review.h"
#include "store/stmt.h"
#include "core/banned.h"

/* The single number of a one-row query; *n = 0 and ERR_NOT_FOUND when no row. */
static int one_int(struct db_stmt *st, long long *n)
{
	int rc = db_step(st);

	*n = 0;
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}

/* ---- review steps ---- */

static const char sql_rev_add[] =
	"INSERT INTO item_reviews (org_id, item_id, item_version, level, decision, comment, user_id, at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char sql_rev_list[] =
	"SELECT r.id, r.item_id, r.item_version, r.level, r.decision, r.comment, COALESCE(r.user_id, 0), "
	"COALESCE(NULLIF(u.display_name, ''), u.username, ''), r.at FROM item_reviews r "
	"LEFT JOIN users u ON u.id = r.user_id WHERE r.org_id = $1 AND r.item_id = $2 ORDER BY r.id";
static const char sql_rev_approver[] =
	"SELECT COALESCE(user_id, 0) FROM item_reviews WHERE org_id = $1 AND item_id = $2 AND decision = 'approve' "
	"AND level = $3 AND id > COALESCE((SELECT MAX(id) FROM item_reviews WHERE org_id = $1 AND item_id = $2 "
	"AND decision = 'submit'), 0) ORDER BY id DESC LIMIT 1";
static const char sql_rev_state[] =
	"UPDATE items SET status = $3, review_level = $4, submitted_by = COALESCE($5, submitted_by), updated_at = $6, "
	"version = version + 1 WHERE org_id = $1 AND id = $2";

int store_item_review_add(struct db *db, long long org_id, long long item_id, int item_version, int level,
			  const char *decision, const char *comment, long long user_id, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_rev_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_int(st, 3, item_version);
	db_bind_int(st, 4, level);
	db_bind_text(st, 5, decision);
	db_bind_text(st, 6, str0(comment));
	bind_id_opt(st, 7, user_id);
	db_bind_text(st, 8, now);
	return run(st);
}

int store_item_review_list(struct db *db, struct arena *a, long long org_id, long long item_id,
			   struct item_review **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_rev_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	while ((rc = db_step(st)) == 1) {
		struct item_review *r = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		r->id = db_col_int(st, 0);
		r->item_id = db_col_int(st, 1);
		r->item_version = (int)db_col_int(st, 2);
		r->level = (int)db_col_int(st, 3);
		r->decision = db_col_dup(st, 4, a);
		r->comment = db_col_dup(st, 5, a);
		r->user_id = db_col_int(st, 6);
		r->username = db_col_dup(st, 7, a);
		r->at = db_col_dup(st, 8, a);
		(*n)++;
	}
	return rc;
}

int store_item_review_approver(struct db *db, long long org_id, long long item_id, int level, long long *user_id)
{
	struct db_stmt *st;
	int rc;

	*user_id = 0;
	if ((rc = db_prep(db, sql_rev_approver, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_int(st, 3, level);
	rc = one_int(st, user_id);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

int store_item_review_state(struct db *db, long long org_id, long long item_id, const char *status, int level,
			    long long submitted_by, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_rev_state, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_text(st, 3, status);
	db_bind_int(st, 4, level);
	bind_id_opt(st, 5, submitted_by);
	db_bind_text(st, 6, now);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? search_sync(db, item_id) : ERR_NOT_FOUND;
}

/* ---- replaced versions ---- */

static const char sql_ver_save[] =
	"INSERT INTO item_versions (org_id, item_id, version, index_no, title, doc_no, publisher, written_on, "
	"published_on, category, topic, genre, validity, validity_on, summary, body_md, attachments, replaced_on, "
	"reason) SELECT i.org_id, i.id, i.version, i.index_no, i.title, i.doc_no, i.publisher, i.written_on, "
	"i.published_on, c.name, i.topic, i.genre, i.validity, i.validity_on, i.summary, i.body_md, "
	"COALESCE((SELECT group_concat(filename, '\n') FROM attachments WHERE item_id = i.id), ''), $3, $4 "
	"FROM items i JOIN categories c ON c.id = i.category_id WHERE i.org_id = $1 AND i.id = $2";
#define VER_COLS                                                                                           \
	"id, version, index_no, title, doc_no, publisher, written_on, published_on, category, topic, genre, " \
	"validity, validity_on, summary, body_md, attachments, replaced_on, reason"
static const char sql_ver_list[] =
	"SELECT " VER_COLS " FROM item_versions WHERE org_id = $1 AND item_id = $2 ORDER BY version DESC";
static const char sql_ver_get[] =
	"SELECT " VER_COLS " FROM item_versions WHERE org_id = $1 AND item_id = $2 AND version = $3";

int store_item_version_save(struct db *db, long long org_id, long long item_id, const char *replaced_on,
			    const char *reason)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_ver_save, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_text(st, 3, replaced_on);
	db_bind_text(st, 4, str0(reason));
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

static void ver_read(struct db_stmt *st, struct arena *a, struct item_version *v)
{
	v->id = db_col_int(st, 0);
	v->version = (int)db_col_int(st, 1);
	v->index_no = db_col_dup(st, 2, a);
	v->title = db_col_dup(st, 3, a);
	v->doc_no = db_col_dup(st, 4, a);
	v->publisher = db_col_dup(st, 5, a);
	v->written_on = db_col_dup(st, 6, a);
	v->published_on = db_col_dup(st, 7, a);
	v->category = db_col_dup(st, 8, a);
	v->topic = db_col_dup(st, 9, a);
	v->genre = db_col_dup(st, 10, a);
	v->validity = db_col_dup(st, 11, a);
	v->validity_on = db_col_dup(st, 12, a);
	v->summary = db_col_dup(st, 13, a);
	v->body_md = db_col_dup(st, 14, a);
	v->attachments = db_col_dup(st, 15, a);
	v->replaced_on = db_col_dup(st, 16, a);
	v->reason = db_col_dup(st, 17, a);
}

int store_item_version_list(struct db *db, struct arena *a, long long org_id, long long item_id,
			    struct item_version **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_ver_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	while ((rc = db_step(st)) == 1) {
		struct item_version *v = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!v) {
			db_done(st);
			return ERR_NOMEM;
		}
		ver_read(st, a, v);
		(*n)++;
	}
	return rc;
}

int store_item_version_get(struct db *db, struct arena *a, long long org_id, long long item_id, int version,
			   struct item_version *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_ver_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_int(st, 3, version);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	ver_read(st, a, out);
	db_done(st);
	return 0;
}

/* ---- correction drafts ---- */

static const char sql_corr_of[] =
	"SELECT id FROM items WHERE org_id = $1 AND corrects_id = $2 ORDER BY id DESC LIMIT 1";
static const char sql_corr_create[] =
	"INSERT INTO items (org_id, category_id, index_no, title, doc_no, publisher, written_on, published_on, topic, "
	"genre, validity, validity_on, summary, body_md, body_text, status, created_by, created_at, updated_at, "
	"corrects_id) SELECT org_id, category_id, NULL, title, doc_no, publisher, written_on, NULL, topic, genre, "
	"validity, validity_on, summary, body_md, body_text, 'draft', $3, $4, $4, id FROM items "
	"WHERE org_id = $1 AND id = $2 AND status = 'published' RETURNING id";
static const char sql_att_copy[] =
	"INSERT INTO attachments (org_id, item_id, filename, mime, size, sha256, created_at) "
	"SELECT org_id, $3, filename, mime, size, sha256, created_at FROM attachments WHERE org_id = $1 AND item_id = $2 "
	"ORDER BY id";
static const char sql_corr_merge[] =
	"UPDATE items SET (category_id, title, doc_no, publisher, written_on, topic, genre, validity, validity_on, "
	"summary, body_md, body_text, body_html) = (SELECT category_id, title, doc_no, publisher, written_on, topic, "
	"genre, validity, validity_on, summary, body_md, body_text, NULL FROM items WHERE org_id = $1 AND id = $2), "
	"corrected_on = $4, updated_at = $5, version = version + 1 WHERE org_id = $1 AND id = $3 AND status = 'published'";
static const char sql_att_drop[] = "DELETE FROM attachments WHERE org_id = $1 AND item_id = $3";
static const char sql_att_move[] = "UPDATE attachments SET item_id = $3 WHERE org_id = $1 AND item_id = $2";
static const char sql_rev_move[] = "UPDATE item_reviews SET item_id = $3 WHERE org_id = $1 AND item_id = $2";
static const char sql_find_drop[] = "DELETE FROM safety_findings WHERE org_id = $1 AND item_id = $3";
static const char sql_find_move[] = "UPDATE safety_findings SET item_id = $3 WHERE org_id = $1 AND item_id = $2";
static const char sql_draft_drop[] = "DELETE FROM items WHERE org_id = $1 AND id = $2 AND corrects_id = $3";

int store_item_correction_of(struct db *db, long long org_id, long long item_id, long long *draft_id)
{
	struct db_stmt *st;
	int rc;

	*draft_id = 0;
	if ((rc = db_prep(db, sql_corr_of, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	rc = one_int(st, draft_id);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

/* Run a statement of ($1 org, $2 from, $3 to). */
static int run3(struct db *db, const char *sql, long long org_id, long long from, long long to)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if (db_has_param(st, 2))
		db_bind_int(st, 2, from);
	db_bind_int(st, 3, to);
	return run(st);
}

int store_item_correction_create(struct db *db, long long org_id, long long item_id, long long user_id,
				 const char *now, long long *draft_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_corr_create, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	bind_id_opt(st, 3, user_id);
	db_bind_text(st, 4, now);
	if ((rc = returning_id(st, draft_id)))
		return rc;
	return run3(db, sql_att_copy, org_id, item_id, *draft_id);
}

int store_item_correction_merge(struct db *db, long long org_id, long long draft_id, long long item_id,
				const char *today, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_corr_merge, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, draft_id);
	db_bind_int(st, 3, item_id);
	db_bind_text(st, 4, today);
	db_bind_text(st, 5, now);
	if ((rc = run(st)))
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	if ((rc = search_sync(db, item_id)) || (rc = run3(db, sql_att_drop, org_id, 0, item_id)) ||
	    (rc = run3(db, sql_att_move, org_id, draft_id, item_id)) ||
	    (rc = run3(db, sql_rev_move, org_id, draft_id, item_id)) ||
	    (rc = run3(db, sql_find_drop, org_id, 0, item_id)) ||
	    (rc = run3(db, sql_find_move, org_id, draft_id, item_id)) ||
	    (rc = run3(db, sql_draft_drop, org_id, draft_id, item_id)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_CONFLICT;
}

/* ---- scanner findings ---- */

static const char sql_find_stale[] = "UPDATE safety_findings SET stale = 1 WHERE org_id = $1 AND item_id = $3";
static const char sql_find_upsert[] =
	"INSERT INTO safety_findings (org_id, item_id, kind, place, excerpt, hint, fingerprint, found_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (item_id, place, fingerprint) DO UPDATE SET stale = 0, "
	"excerpt = excluded.excerpt";
static const char sql_find_list[] =
	"SELECT f.id, f.kind, f.place, f.excerpt, f.hint, f.found_at, f.stale, COALESCE(f.cleared_by, 0), "
	"COALESCE(NULLIF(u.display_name, ''), u.username, ''), f.cleared_at, f.reason FROM safety_findings f "
	"LEFT JOIN users u ON u.id = f.cleared_by WHERE f.org_id = $1 AND f.item_id = $2 ORDER BY f.stale, f.id";
static const char sql_find_blocking[] =
	"SELECT COUNT(*) FROM safety_findings WHERE org_id = $1 AND item_id = $2 AND stale = 0 AND cleared_at IS NULL";
static const char sql_find_clear[] =
	"UPDATE safety_findings SET cleared_by = $4, cleared_at = $6, reason = $5 "
	"WHERE org_id = $1 AND item_id = $2 AND id = $3 AND cleared_at IS NULL";

int store_safety_mark_stale(struct db *db, long long org_id, long long item_id)
{
	return run3(db, sql_find_stale, org_id, 0, item_id) ? ERR_DB : 0;
}

int store_safety_upsert(struct db *db, long long org_id, long long item_id, const char *kind, const char *place,
			const char *excerpt, const char *hint, const char *fingerprint, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_find_upsert, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, place);
	db_bind_text(st, 5, excerpt);
	db_bind_text(st, 6, str0(hint));
	db_bind_text(st, 7, fingerprint);
	db_bind_text(st, 8, now);
	return run(st);
}

int store_safety_list(struct db *db, struct arena *a, long long org_id, long long item_id, struct safety_row **out,
		      size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_find_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	while ((rc = db_step(st)) == 1) {
		struct safety_row *r = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		r->id = db_col_int(st, 0);
		r->kind = db_col_dup(st, 1, a);
		r->place = db_col_dup(st, 2, a);
		r->excerpt = db_col_dup(st, 3, a);
		r->hint = db_col_dup(st, 4, a);
		r->found_at = db_col_dup(st, 5, a);
		r->stale = db_col_int(st, 6) != 0;
		r->cleared_by = db_col_int(st, 7);
		r->cleared_name = db_col_dup(st, 8, a);
		r->cleared_at = db_col_dup(st, 9, a);
		r->reason = db_col_dup(st, 10, a);
		(*n)++;
	}
	return rc;
}

int store_safety_blocking(struct db *db, long long org_id, long long item_id, long long *n)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_find_blocking, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	return one_count(st, n);
}

int store_safety_clear(struct db *db, long long org_id, long long item_id, long long finding_id, long long user_id,
		       const char *reason, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_find_clear, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, item_id);
	db_bind_int(st, 3, finding_id);
	db_bind_int(st, 4, user_id);
	db_bind_text(st, 5, reason);
	db_bind_text(st, 6, now);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

/* ---- settings ---- */

static const char sql_cat_levels[] = "UPDATE categories SET review_levels = $3 WHERE org_id = $1 AND id = $2";
static const char sql_org_words[] = "SELECT safety_words FROM orgs WHERE id = $1";
static const char sql_org_set_words[] = "UPDATE orgs SET safety_words = $2 WHERE id = $1";

int store_category_set_review_levels(struct db *db, long long org_id, long long category_id, int levels)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_cat_levels, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, category_id);
	db_bind_int(st, 3, levels);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_org_safety_words(struct db *db, struct arena *a, long long org_id, const char **out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_org_words, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	*out = db_col_dup(st, 0, a);
	db_done(st);
	return *out ? 0 : ERR_NOMEM;
}

int store_org_set_safety_words(struct db *db, long long org_id, const char *words)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_org_set_words, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, words);
	return run(st);
}

/* ---- case assignment ---- */

static const char sql_app_assignee[] = "SELECT COALESCE(assignee_id, 0) FROM applications WHERE org_id = $1 AND id = $2";
static const char sql_int_assignee[] = "SELECT COALESCE(assignee_id, 0) FROM interactions WHERE org_id = $1 AND id = $2";
/* the assignee must be a 承办人 or 机构管理员 of the org */
#define ASSIGNEE_OK \
	"(SELECT user_id FROM memberships WHERE org_id = $1 AND user_id = $3 AND role IN ('handler', 'orgadmin') LIMIT 1)"
static const char sql_app_assign[] =
	"UPDATE applications SET assignee_id = " ASSIGNEE_OK " WHERE org_id = $1 AND id = $2 AND ($3 = 0 OR "
	"EXISTS " ASSIGNEE_OK ")";
static const char sql_int_assign[] =
	"UPDATE interactions SET assignee_id = " ASSIGNEE_OK " WHERE org_id = $1 AND id = $2 AND ($3 = 0 OR "
	"EXISTS " ASSIGNEE_OK ")";

int store_case_assignee(struct db *db, const char *table, long long org_id, long long id, long long *assignee_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, strcmp(table, "applications") == 0 ? sql_app_assignee : sql_int_assignee, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return one_int(st, assignee_id);
}

int store_case_assign(struct db *db, const char *table, long long org_id, long long id, long long assignee_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, strcmp(table, "applications") == 0 ? sql_app_assign : sql_int_assign, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, assignee_id);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

static const char sql_handlers[] =
	"SELECT DISTINCT u.id, CASE WHEN u.display_name = '' THEN u.username ELSE u.display_name || '（' || u.username || "
	"'）' END, u.username FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.role IN ("
	"'handler', 'orgadmin') AND u.disabled = 0 ORDER BY u.username"; /* PG: DISTINCT's ORDER BY in the list */

int store_case_handlers(struct db *db, struct arena *a, long long org_id, struct case_handler **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_handlers, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct case_handler *h = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!h) {
			db_done(st);
			return ERR_NOMEM;
		}
		h->user_id = db_col_int(st, 0);
		h->name = db_col_dup(st, 1, a);
		(*n)++;
	}
	return rc;
}
