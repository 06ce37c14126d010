/* proposal.c - 建议提案办理: the proposal rows, their events and the counts
 * of a year. The rules live in domain/registers/proposals; this file only
 * reads and writes rows. See proposal.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/grow.h"
#include "store/proposal.h"
#include "core/banned.h"

#define PROP_COLS                                                                                          \
	"id, org_id, source, session, kind, number, title, proposer, cosigners, role, assigned_on, due_on, " \
	"due_computed, state, reply, result, replied_on, satisfaction, closed_on, COALESCE(item_id, 0), "    \
	"submit_token, version, COALESCE(created_by, 0), created_at, updated_at"

static const char sql_insert[] =
	"INSERT INTO proposals (org_id, source, session, kind, number, title, proposer, cosigners, role, "
	"assigned_on, due_on, due_computed, state, reply, result, replied_on, satisfaction, closed_on, item_id, "
	"submit_token, version, created_by, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, "
	"$21, $22, $22) RETURNING id";
static const char sql_update[] =
	"UPDATE proposals SET source = $4, session = $5, kind = $6, number = $7, title = $8, proposer = $9, "
	"cosigners = $10, role = $11, assigned_on = $12, due_on = $13, due_computed = $14, state = $15, "
	"reply = $16, result = $17, replied_on = $18, satisfaction = $19, closed_on = $20, item_id = $21, "
	"updated_at = $22, version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_get[] = "SELECT " PROP_COLS " FROM proposals WHERE org_id = $1 AND id = $2";
static const char sql_by_token[] = "SELECT " PROP_COLS " FROM proposals WHERE org_id = $1 AND submit_token = $2";
static const char sql_by_key[] =
	"SELECT " PROP_COLS " FROM proposals WHERE org_id = $1 AND session = $2 AND kind = $3 AND number = $4";

/* List filters: $1 org; $2, $3 the year's first and last day ('' for any
 * year); $4 source ('*' any); $5 kind, $6 role, $7 state ('' any); $8 only
 * open ones due before this day ('' no such filter); $9 limit, $10 offset. */
#define LIST_FILTER                                                                                       \
	"org_id = $1 AND ($2 = '' OR assigned_on BETWEEN $2 AND $3) AND ($4 = '*' OR source = $4) AND "   \
	"($5 = '' OR kind = $5) AND ($6 = '' OR role = $6) AND ($7 = '' OR state = $7) AND "               \
	"($8 = '' OR (state = 'open' AND due_on < $8))"
#define LIST_ORDER                                                                                         \
	" ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, CASE WHEN state = 'open' THEN due_on ELSE '' END, " \
	"CASE source WHEN 'party' THEN 1 WHEN 'npc' THEN 2 WHEN 'cppcc' THEN 3 ELSE 4 END, session, "         \
	"CASE kind WHEN 'motion' THEN 1 WHEN 'suggestion' THEN 2 WHEN 'interim' THEN 3 WHEN 'proposal' THEN 4 " \
	"ELSE 5 END, length(number), number, id"
static const char sql_list[] = "SELECT " PROP_COLS " FROM proposals WHERE " LIST_FILTER LIST_ORDER
			       " LIMIT $9 OFFSET $10";
static const char sql_count[] = "SELECT COUNT(*) FROM proposals WHERE " LIST_FILTER;
static const char sql_years[] =
	"SELECT DISTINCT CAST(substr(assigned_on, 1, 4) AS INTEGER) FROM proposals WHERE org_id = $1 ORDER BY 1 DESC";
static const char sql_open_counts[] =
	"SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0) FROM proposals "
	"WHERE org_id = $1 AND state = 'open'";

#define GROUP_KEY                                                                                 \
	"source, session, kind, role, state, COALESCE(result, ''), COALESCE(satisfaction, ''), " \
	"CASE WHEN item_id IS NULL THEN 0 ELSE 1 END"
static const char sql_groups[] =
	"SELECT " GROUP_KEY ", COUNT(*), MIN(assigned_on) FROM proposals "
	"WHERE org_id = $1 AND assigned_on BETWEEN $2 AND $3 GROUP BY " GROUP_KEY
	" ORDER BY MIN(assigned_on), session, kind, role";
static const char sql_months[] =
	"SELECT source, CAST(substr(assigned_on, 6, 2) AS INTEGER), COUNT(*) FROM proposals "
	"WHERE org_id = $1 AND assigned_on BETWEEN $2 AND $3 "
	"GROUP BY source, CAST(substr(assigned_on, 6, 2) AS INTEGER)";

static const char sql_reply_item[] =
	"SELECT id FROM items WHERE org_id = $1 AND category_id = $2 AND title = $3 AND status = 'published' "
	"AND id NOT IN (SELECT item_id FROM proposals WHERE org_id = $1 AND item_id IS NOT NULL AND id <> $4) "
	"ORDER BY id LIMIT 1";

/* An event is inserted only when its proposal belongs to the org. */
static const char sql_event_add[] =
	"INSERT INTO proposal_events (org_id, proposal_id, action, day, user_id, actor, detail, at) "
	"SELECT org_id, id, $3, $4, $5, $6, $7, $8 FROM proposals WHERE org_id = $1 AND id = $2 RETURNING id";
static const char sql_events[] =
	"SELECT id, proposal_id, action, day, COALESCE(user_id, 0), actor, detail, at FROM proposal_events "
	"WHERE org_id = $1 AND proposal_id = $2 ORDER BY id";

/* The columns without a default: NULL is a caller's bug. */
static bool complete(const struct proposal *p)
{
	return p->source && p->kind && p->number && p->title && p->role && p->assigned_on && p->due_on && p->state;
}

static void prop_read(struct db_stmt *st, struct arena *a, struct proposal *p)
{
	int c = 0;

	p->id = db_col_int(st, c++);
	p->org_id = db_col_int(st, c++);
	p->source = db_col_dup(st, c++, a);
	p->session = db_col_dup(st, c++, a);
	p->kind = db_col_dup(st, c++, a);
	p->number = db_col_dup(st, c++, a);
	p->title = db_col_dup(st, c++, a);
	p->proposer = db_col_dup(st, c++, a);
	p->cosigners = db_col_dup(st, c++, a);
	p->role = db_col_dup(st, c++, a);
	p->assigned_on = db_col_dup(st, c++, a);
	p->due_on = db_col_dup(st, c++, a);
	p->due_computed = db_col_int(st, c++) != 0;
	p->state = db_col_dup(st, c++, a);
	p->reply = db_col_dup(st, c++, a);
	p->result = db_col_dup(st, c++, a);
	p->replied_on = db_col_dup(st, c++, a);
	p->satisfaction = db_col_dup(st, c++, a);
	p->closed_on = db_col_dup(st, c++, a);
	p->item_id = db_col_int(st, c++);
	p->submit_token = db_col_dup(st, c++, a);
	p->version = (int)db_col_int(st, c++);
	p->created_by = db_col_int(st, c++);
	p->created_at = db_col_dup(st, c++, a);
	p->updated_at = db_col_dup(st, c++, a);
}

int store_proposal_insert(struct db *db, struct proposal *p)
{
	struct db_stmt *st;
	int rc;

	if (!complete(p) || !p->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_insert, &st)))
		return rc;
	db_bind_int(st, 1, p->org_id);
	db_bind_text(st, 2, p->source);
	db_bind_text(st, 3, str0(p->session));
	db_bind_text(st, 4, p->kind);
	db_bind_text(st, 5, p->number);
	db_bind_text(st, 6, p->title);
	db_bind_text(st, 7, str0(p->proposer));
	db_bind_text(st, 8, str0(p->cosigners));
	db_bind_text(st, 9, p->role);
	db_bind_text(st, 10, p->assigned_on);
	db_bind_text(st, 11, p->due_on);
	db_bind_int(st, 12, p->due_computed ? 1 : 0);
	db_bind_text(st, 13, p->state);
	db_bind_text(st, 14, str0(p->reply));
	bind_opt(st, 15, p->result);
	bind_opt(st, 16, p->replied_on);
	bind_opt(st, 17, p->satisfaction);
	bind_opt(st, 18, p->closed_on);
	bind_id_opt(st, 19, p->item_id);
	bind_opt(st, 20, p->submit_token);
	bind_id_opt(st, 21, p->created_by);
	db_bind_text(st, 22, p->created_at);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	p->id = db_col_int(st, 0);
	db_done(st);
	p->version = 1;
	if (!p->updated_at)
		p->updated_at = p->created_at;
	return 0;
}

int store_proposal_update(struct db *db, struct proposal *p)
{
	struct db_stmt *st;
	int rc;

	if (!complete(p) || !p->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_update, &st)))
		return rc;
	db_bind_int(st, 1, p->org_id);
	db_bind_int(st, 2, p->id);
	db_bind_int(st, 3, p->version);
	db_bind_text(st, 4, p->source);
	db_bind_text(st, 5, str0(p->session));
	db_bind_text(st, 6, p->kind);
	db_bind_text(st, 7, p->number);
	db_bind_text(st, 8, p->title);
	db_bind_text(st, 9, str0(p->proposer));
	db_bind_text(st, 10, str0(p->cosigners));
	db_bind_text(st, 11, p->role);
	db_bind_text(st, 12, p->assigned_on);
	db_bind_text(st, 13, p->due_on);
	db_bind_int(st, 14, p->due_computed ? 1 : 0);
	db_bind_text(st, 15, p->state);
	db_bind_text(st, 16, str0(p->reply));
	bind_opt(st, 17, p->result);
	bind_opt(st, 18, p->replied_on);
	bind_opt(st, 19, p->satisfaction);
	bind_opt(st, 20, p->closed_on);
	bind_id_opt(st, 21, p->item_id);
	db_bind_text(st, 22, p->updated_at);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	p->version++;
	return 0;
}

static int prop_one(struct db_stmt *st, struct arena *a, struct proposal *out)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	prop_read(st, a, out);
	db_done(st);
	return 0;
}

int store_proposal_get(struct db *db, struct arena *a, long long org_id, long long id, struct proposal *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return prop_one(st, a, out);
}

int store_proposal_by_token(struct db *db, struct arena *a, long long org_id, const char *token,
			    struct proposal *out)
{
	struct db_stmt *st;
	int rc;

	if (!token || !*token)
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_by_token, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, token);
	return prop_one(st, a, out);
}

int store_proposal_by_key(struct db *db, struct arena *a, long long org_id, const char *session, const char *kind,
			  const char *number, struct proposal *out)
{
	struct db_stmt *st;
	int rc;

	if (!kind || !number)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_by_key, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, str0(session));
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, number);
	return prop_one(st, a, out);
}

static void bind_filter(struct db_stmt *st, const struct proposal_filter *f, char from[11], char to[11])
{
	from[0] = to[0] = '\0';
	if (f->year > 0 && f->year <= 9999) {
		snprintf(from, 11, "%04d-01-01", f->year);
		snprintf(to, 11, "%04d-12-31", f->year);
	}
	db_bind_int(st, 1, f->org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, f->source ? f->source : "*");
	db_bind_text(st, 5, str0(f->kind));
	db_bind_text(st, 6, str0(f->role));
	db_bind_text(st, 7, str0(f->state));
	db_bind_text(st, 8, str0(f->overdue_on));
}

int store_proposal_list(struct db *db, struct arena *a, const struct proposal_filter *f, struct proposal **out,
			size_t *n, long long *total)
{
	struct proposal *arr = NULL;
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
	db_bind_int(st, 9, f->limit ? f->limit : LLONG_MAX);
	db_bind_int(st, 10, f->offset);
	while ((rc = db_step(st)) == 1) {
		struct proposal *p = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!p) {
			db_done(st);
			return ERR_NOMEM;
		}
		prop_read(st, a, p);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_proposal_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n)
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
	*out = arr;
	*n = k;
	return 0;
}

int store_proposal_open_counts(struct db *db, long long org_id, const char *today, long long *open,
			       long long *overdue)
{
	struct db_stmt *st;
	int rc;

	if (!today)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_open_counts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, today);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_DB;
	*open = db_col_int(st, 0);
	*overdue = db_col_int(st, 1);
	db_done(st);
	return 0;
}

int store_proposal_groups(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			  struct proposal_group **out, size_t *n)
{
	struct proposal_group *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if (!from || !to)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_groups, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st)) == 1) {
		struct proposal_group *g = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!g) {
			db_done(st);
			return ERR_NOMEM;
		}
		g->source = db_col_dup(st, 0, a);
		g->session = db_col_dup(st, 1, a);
		g->kind = db_col_dup(st, 2, a);
		g->role = db_col_dup(st, 3, a);
		g->state = db_col_dup(st, 4, a);
		g->result = db_col_dup(st, 5, a);
		g->satisfaction = db_col_dup(st, 6, a);
		g->published = db_col_int(st, 7) != 0;
		g->n = db_col_int(st, 8);
		g->first_assigned = db_col_dup(st, 9, a);
		if (!g->source || !g->session || !g->kind || !g->role || !g->state || !g->result || !g->satisfaction ||
		    !g->first_assigned) {
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

int store_proposal_months(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			  struct proposal_month **out, size_t *n)
{
	struct proposal_month *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if (!from || !to)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_months, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st)) == 1) {
		struct proposal_month *m = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!m || !(m->source = db_col_dup(st, 0, a))) {
			db_done(st);
			return ERR_NOMEM;
		}
		m->month = (int)db_col_int(st, 1);
		m->n = db_col_int(st, 2);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_proposal_find_reply_item(struct db *db, long long org_id, long long category_id, const char *title,
				   long long except_id, long long *item_id)
{
	struct db_stmt *st;
	int rc;

	if (!title)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_reply_item, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, category_id);
	db_bind_text(st, 3, title);
	db_bind_int(st, 4, except_id);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	*item_id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_proposal_event_add(struct db *db, long long org_id, struct proposal_event *e)
{
	struct db_stmt *st;
	int rc;

	if (!e->action || !e->day || !e->at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_event_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, e->proposal_id);
	db_bind_text(st, 3, e->action);
	db_bind_text(st, 4, e->day);
	bind_id_opt(st, 5, e->user_id);
	db_bind_text(st, 6, str0(e->actor));
	db_bind_text(st, 7, str0(e->detail));
	db_bind_text(st, 8, e->at);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	e->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_proposal_events(struct db *db, struct arena *a, long long org_id, long long proposal_id,
			  struct proposal_event **out, size_t *n)
{
	struct proposal_event *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_events, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, proposal_id);
	while ((rc = db_step(st)) == 1) {
		struct proposal_event *e = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!e) {
			db_done(st);
			return ERR_NOMEM;
		}
		e->id = db_col_int(st, 0);
		e->proposal_id = db_col_int(st, 1);
		e->action = db_col_dup(st, 2, a);
		e->day = db_col_dup(st, 3, a);
		e->user_id = db_col_int(st, 4);
		e->actor = db_col_dup(st, 5, a);
		e->detail = db_col_dup(st, 6, a);
		e->at = db_col_dup(st, 7, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}
