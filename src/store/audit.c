/* audit.c - reading the audit trail and appending events. See audit.h;
 * the triggers that append row changes are in db_sqlite.c. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/stmt.h"
#include "core/banned.h"

/* $1 org (NULL: none), $2 action, $3 table, $4 row (NULL), $5 detail.
 * The casts give PostgreSQL its types (gk_audit_hash takes text there);
 * on SQLite they change no value, so the hashes are the same. */
static const char sql_event[] =
	"INSERT INTO audit_log (at, org_id, user_id, username, ip, action, tbl, row_id, before, after, hash) "
	"SELECT at, CAST($1 AS BIGINT), gk_actor_id(), gk_actor_name(), gk_actor_ip(), CAST($2 AS TEXT), "
	"CAST($3 AS TEXT), CAST($4 AS BIGINT), NULL, CAST($5 AS TEXT), "
	"gk_audit_hash((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), at, CAST($1 AS TEXT), "
	"CAST(gk_actor_id() AS TEXT), gk_actor_name(), gk_actor_ip(), $2, $3, CAST($4 AS TEXT), NULL, $5) "
	"FROM (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS at) t";

int store_audit_event(struct db *db, long long org_id, const char *action, const char *tbl, long long row_id,
		      const char *detail)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_event, &st)))
		return rc;
	bind_id_opt(st, 1, org_id);
	db_bind_text(st, 2, action);
	db_bind_text(st, 3, str0(tbl));
	bind_id_opt(st, 4, row_id);
	bind_opt(st, 5, detail);
	return run(st);
}

/* $1 org (0 any) $2 user $3 action $4 table $5 row (0 any) $6 ip $7 from $8 to (dates) $9 text $10 before id
 * (0: newest) $11 limit */
static const char sql_list[] =
	"SELECT id, at, COALESCE(org_id, 0), COALESCE(user_id, 0), username, ip, action, tbl, COALESCE(row_id, 0), "
	"before, after, hash FROM audit_log "
	"WHERE ($1 = 0 OR org_id = $1) AND ($2 = '' OR username = $2) AND ($3 = '' OR action = $3) "
	"AND ($4 = '' OR tbl = $4) AND ($5 = 0 OR row_id = $5) AND ($6 = '' OR ip = $6) "
	"AND ($7 = '' OR at >= $7) AND ($8 = '' OR at < $8 || 'T99') "
	"AND ($9 = '' OR instr(COALESCE(before, ''), $9) > 0 OR instr(COALESCE(after, ''), $9) > 0) "
	"AND ($10 = 0 OR id < $10) ORDER BY id DESC LIMIT $11";

int store_audit_list(struct db *db, struct arena *a, const struct audit_filter *f, struct audit_row **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prep(db, sql_list, &st)))
		return rc;
	db_bind_int(st, 1, f->org_id);
	db_bind_text(st, 2, str0(f->user));
	db_bind_text(st, 3, str0(f->action));
	db_bind_text(st, 4, str0(f->tbl));
	db_bind_int(st, 5, f->row_id);
	db_bind_text(st, 6, str0(f->ip));
	db_bind_text(st, 7, str0(f->from));
	db_bind_text(st, 8, str0(f->to));
	db_bind_text(st, 9, str0(f->text));
	db_bind_int(st, 10, f->before_id);
	db_bind_int(st, 11, f->limit > 0 ? f->limit : 100);
	while ((rc = db_step(st)) == 1) {
		struct audit_row *r = grow_slot(a, (void **)out, *n, &cap, sizeof(**out));

		if (!r) {
			db_done(st);
			return ERR_NOMEM;
		}
		r->id = db_col_int(st, 0);
		r->at = db_col_dup(st, 1, a);
		r->org_id = db_col_int(st, 2);
		r->user_id = db_col_int(st, 3);
		r->username = db_col_dup(st, 4, a);
		r->ip = db_col_dup(st, 5, a);
		r->action = db_col_dup(st, 6, a);
		r->tbl = db_col_dup(st, 7, a);
		r->row_id = db_col_int(st, 8);
		r->before = db_col_dup(st, 9, a);
		r->after = db_col_dup(st, 10, a);
		r->hash = db_col_dup(st, 11, a);
		if (!r->at || !r->hash) {
			db_done(st);
			return ERR_NOMEM;
		}
		(*n)++;
	}
	return rc;
}

static const char sql_verify[] =
	"SELECT id, hash = gk_audit_hash(lag(hash) OVER (ORDER BY id), at, CAST(org_id AS TEXT), CAST(user_id AS TEXT), "
	"username, ip, action, tbl, CAST(row_id AS TEXT), before, after) FROM audit_log ORDER BY id";

int store_audit_verify(struct db *db, long long *bad_id, long long *rows)
{
	struct db_stmt *st;
	int rc;

	*bad_id = 0;
	*rows = 0;
	if ((rc = db_prep(db, sql_verify, &st)))
		return rc;
	while ((rc = db_step(st)) == 1) {
		(*rows)++;
		if (!db_col_int(st, 1)) {
			*bad_id = db_col_int(st, 0);
			db_done(st);
			return 0;
		}
	}
	return rc;
}
