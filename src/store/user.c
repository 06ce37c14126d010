/* user.c - staff accounts, their roles per organisation, and sessions. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/store.h"
#include "store/user.h"
#include "core/banned.h"

#define USER_COLS                                                                                      \
	"id, org_id, username, display_name, password_hash, disabled, created_at, must_change_password, " \
	"password_changed_at, totp_secret, COALESCE(totp_last_step, -1)"
/* the same columns of users u in a join */
#define USER_COLS_U                                                                                          \
	"u.id, u.org_id, u.username, u.display_name, u.password_hash, u.disabled, u.created_at, "              \
	"u.must_change_password, u.password_changed_at, u.totp_secret, COALESCE(u.totp_last_step, -1)"

static const char sql_user_insert[] =
	"INSERT INTO users (org_id, username, display_name, password_hash, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
static const char sql_user_by_name[] = "SELECT " USER_COLS " FROM users WHERE username = $1";
static const char sql_user_by_id[] = "SELECT " USER_COLS " FROM users WHERE id = $1";
static const char sql_user_list[] = "SELECT " USER_COLS " FROM users ORDER BY username";
static const char sql_user_count[] = "SELECT COUNT(*) FROM users";
static const char sql_user_passwd[] =
	"UPDATE users SET password_hash = $2, updated_at = $3, password_changed_at = $3, must_change_password = 0 "
	"WHERE id = $1";

static void user_read(struct db_stmt *st, struct arena *a, struct user *u)
{
	u->id = db_col_int(st, 0);
	u->org_id = db_col_int(st, 1);
	u->username = db_col_dup(st, 2, a);
	u->display_name = db_col_dup(st, 3, a);
	u->password_hash = db_col_dup(st, 4, a);
	u->disabled = db_col_int(st, 5) != 0;
	u->created_at = db_col_dup(st, 6, a);
	u->must_change_password = db_col_int(st, 7) != 0;
	u->password_changed_at = db_col_dup(st, 8, a);
	u->totp_secret = db_col_dup(st, 9, a);
	u->totp_last_step = db_col_int(st, 10);
}

int store_user_insert(struct db *db, struct user *u, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_user_insert, &st)))
		return rc;
	db_bind_int(st, 1, u->org_id);
	db_bind_text(st, 2, u->username);
	db_bind_text(st, 3, u->display_name ? u->display_name : "");
	db_bind_text(st, 4, u->password_hash);
	db_bind_text(st, 5, now);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	u->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

static int user_one(struct db *db, struct arena *a, const char *sql, const char *name, long long id,
		    struct user *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	if (name)
		db_bind_text(st, 1, name);
	else
		db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	user_read(st, a, out);
	db_done(st);
	return 0;
}

int store_user_by_name(struct db *db, struct arena *a, const char *username, struct user *out)
{
	return user_one(db, a, sql_user_by_name, username, 0, out);
}

int store_user_by_id(struct db *db, struct arena *a, long long id, struct user *out)
{
	return user_one(db, a, sql_user_by_id, NULL, id, out);
}

int store_user_set_password(struct db *db, long long id, const char *hash, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_user_passwd, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_user_list(struct db *db, struct arena *a, struct user **out, size_t *n)
{
	struct db_stmt *st;
	struct user *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_user_list, &st)))
		return rc;
	while ((rc = db_step(st)) == 1) {
		struct user *u = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!u) {
			db_done(st);
			return ERR_NOMEM;
		}
		user_read(st, a, u);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_user_count(struct db *db, long long *n)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_user_count, &st)))
		return rc;
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}

/* ---- memberships ---- */

static const char sql_mem_add[] =
	"INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
static const char sql_mem_has[] =
	"SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2 AND ($3 = '' OR role = $3) LIMIT 1";
static const char sql_mem_orgs[] =
	"SELECT DISTINCT o.id, COALESCE(o.parent_id, 0), o.slug, o.name, o.org_code, o.kind, o.index_pattern, '' "
	"FROM orgs o JOIN memberships m ON m.org_id = o.id WHERE m.user_id = $1 AND o.kind = 'agency' "
	"ORDER BY o.name";
static const char sql_mem_roles[] =
	"SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 ORDER BY role";

int store_membership_add(struct db *db, long long org_id, long long user_id, const char *role)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_mem_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, role);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_membership_has(struct db *db, long long org_id, long long user_id, const char *role, bool *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_mem_has, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, role ? role : "");
	rc = db_step(st);
	if (rc < 0)
		return rc;
	*out = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}

int store_membership_orgs(struct db *db, struct arena *a, long long user_id, struct org **out, size_t *n)
{
	struct db_stmt *st;
	struct org *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_mem_orgs, &st)))
		return rc;
	db_bind_int(st, 1, user_id);
	while ((rc = db_step(st)) == 1) {
		struct org *o = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!o) {
			db_done(st);
			return ERR_NOMEM;
		}
		o->id = db_col_int(st, 0);
		o->parent_id = db_col_int(st, 1);
		o->slug = db_col_dup(st, 2, a);
		o->name = db_col_dup(st, 3, a);
		o->org_code = db_col_dup(st, 4, a);
		o->kind = db_col_dup(st, 5, a);
		o->index_pattern = db_col_dup(st, 6, a);
		o->guide_md = "";
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_membership_roles(struct db *db, struct arena *a, long long org_id, long long user_id, const char **out)
{
	struct db_stmt *st;
	struct buf b;
	int rc;

	buf_init(&b, a, 256);
	if ((rc = db_prep(db, sql_mem_roles, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, user_id);
	while ((rc = db_step(st)) == 1) {
		if (b.n)
			buf_putc(&b, ',');
		buf_puts(&b, db_col_text(st, 0));
	}
	if (rc < 0)
		return rc;
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

/* ---- sessions ---- */

static const char sql_sess_insert[] =
	"INSERT INTO sessions (org_id, user_id, token_hash, csrf, ip, user_agent, created_at, expires_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char sql_sess_get[] =
	"SELECT s.id, s.user_id, s.org_id, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0";
static const char sql_sess_delete[] = "DELETE FROM sessions WHERE token_hash = $1";
static const char sql_sess_delete_user[] = "DELETE FROM sessions WHERE user_id = $1";

int store_session_insert(struct db *db, long long org_id, long long user_id, const char *token_hash,
			 const char *csrf, const char *ip, const char *ua, const char *now, const char *expires)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_sess_insert, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token_hash);
	db_bind_text(st, 4, csrf);
	db_bind_text(st, 5, ip ? ip : "");
	db_bind_text(st, 6, ua ? ua : "");
	db_bind_text(st, 7, now);
	db_bind_text(st, 8, expires);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_session_get(struct db *db, struct arena *a, const char *token_hash, const char *now, struct session *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_sess_get, &st)))
		return rc;
	db_bind_text(st, 1, token_hash);
	db_bind_text(st, 2, now);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	out->id = db_col_int(st, 0);
	out->user_id = db_col_int(st, 1);
	out->org_id = db_col_int(st, 2);
	out->csrf = db_col_dup(st, 3, a);
	out->expires_at = db_col_dup(st, 4, a);
	db_done(st);
	return 0;
}

static int sess_del(struct db *db, const char *sql, const char *s, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	if (s)
		db_bind_text(st, 1, s);
	else
		db_bind_int(st, 1, id);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_session_delete(struct db *db, const char *token_hash)
{
	return sess_del(db, sql_sess_delete, token_hash, 0);
}

int store_session_delete_user(struct db *db, long long user_id)
{
	return sess_del(db, sql_sess_delete_user, NULL, user_id);
}

/* ---- failed logins (lockout) and a user's sessions ---- */

static const char sql_fail_add[] = "INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)";
static const char sql_fail_prune[] = "DELETE FROM login_failures WHERE at < $1";
static const char sql_fail_user[] =
	"SELECT COUNT(*), COALESCE(MAX(at), '') FROM login_failures WHERE username = $1 AND at > $2 AND user_cleared = 0";
static const char sql_fail_ip[] =
	"SELECT COUNT(*), COALESCE(MAX(at), '') FROM login_failures WHERE ip = $1 AND at > $2";
static const char sql_fail_clear[] =
	"UPDATE login_failures SET user_cleared = 1 WHERE username = $1 AND user_cleared = 0";
static const char sql_sess_list[] =
	"SELECT id, created_at, expires_at, ip, user_agent FROM sessions WHERE user_id = $1 AND expires_at > $2 "
	"ORDER BY created_at DESC, id DESC";
static const char sql_sess_delete_id[] = "DELETE FROM sessions WHERE id = $1 AND user_id = $2";
static const char sql_sess_delete_others[] = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";

int store_login_failure_add(struct db *db, const char *username, const char *ip, const char *now,
			    const char *forget_before)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_fail_add, &st)))
		return rc;
	db_bind_text(st, 1, username ? username : "");
	db_bind_text(st, 2, ip ? ip : "");
	db_bind_text(st, 3, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (!forget_before)
		return 0;
	if ((rc = db_prep(db, sql_fail_prune, &st)))
		return rc;
	db_bind_text(st, 1, forget_before);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static int fail_count(struct db *db, struct arena *a, const char *sql, const char *key, const char *since,
		      struct login_failures *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_text(st, 1, key ? key : "");
	db_bind_text(st, 2, since);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	out->count = db_col_int(st, 0);
	out->last_at = db_col_dup(st, 1, a);
	db_done(st);
	return out->last_at ? 0 : ERR_NOMEM;
}

int store_login_failures_by_user(struct db *db, struct arena *a, const char *username, const char *since,
				 struct login_failures *out)
{
	return fail_count(db, a, sql_fail_user, username, since, out);
}

int store_login_failures_by_ip(struct db *db, struct arena *a, const char *ip, const char *since,
			       struct login_failures *out)
{
	return fail_count(db, a, sql_fail_ip, ip, since, out);
}

int store_login_failures_clear(struct db *db, const char *username)
{
	return sess_del(db, sql_fail_clear, username ? username : "", 0);
}

int store_session_list_user(struct db *db, struct arena *a, long long user_id, const char *now,
			    struct session_row **out, size_t *n)
{
	struct db_stmt *st;
	struct session_row *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_sess_list, &st)))
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, now);
	while ((rc = db_step(st)) == 1) {
		struct session_row *s = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!s) {
			db_done(st);
			return ERR_NOMEM;
		}
		s->id = db_col_int(st, 0);
		s->created_at = db_col_dup(st, 1, a);
		s->expires_at = db_col_dup(st, 2, a);
		s->ip = db_col_dup(st, 3, a);
		s->user_agent = db_col_dup(st, 4, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_session_delete_id(struct db *db, long long user_id, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_sess_delete_id, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user_id);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_session_delete_others(struct db *db, long long user_id, long long keep_id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_sess_delete_others, &st)))
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, keep_id);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* ---- an org's members, roles, account state ---- */

static const char sql_org_members[] =
	"SELECT " USER_COLS_U ", m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 "
	"ORDER BY u.username, u.id, m.role";
static const char sql_user_mems[] =
	"SELECT o.id, o.slug, o.name, o.kind, m.role FROM memberships m JOIN orgs o ON o.id = m.org_id "
	"WHERE m.user_id = $1 ORDER BY CASE o.kind WHEN 'platform' THEN 0 ELSE 1 END, o.name, o.id, m.role";
static const char sql_mem_remove[] =
	"DELETE FROM memberships WHERE org_id = $1 AND user_id = $2 AND ($3 = '' OR role = $3)";
static const char sql_mem_count[] =
	"SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id "
	"WHERE m.org_id = $1 AND m.role = $2 AND m.user_id <> $3 AND u.disabled = 0";
static const char sql_user_disable[] = "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1";
static const char sql_user_must_change[] =
	"UPDATE users SET must_change_password = $2, updated_at = $3 WHERE id = $1";

int store_org_members(struct db *db, struct arena *a, long long org_id, struct member **out, size_t *n)
{
	struct db_stmt *st;
	struct member *arr = NULL, *cur = NULL;
	struct buf roles = { 0 };
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_org_members, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		if (!cur || cur->u.id != db_col_int(st, 0)) {
			if (cur && !(cur->roles = roles.err ? NULL : buf_cstr(&roles))) {
				db_done(st);
				return ERR_NOMEM;
			}
			if (!(cur = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr)))) {
				db_done(st);
				return ERR_NOMEM;
			}
			user_read(st, a, &cur->u);
			buf_init(&roles, a, 256);
			k++;
		}
		if (roles.n)
			buf_putc(&roles, ',');
		buf_puts(&roles, db_col_text(st, 11));
	}
	if (rc < 0)
		return rc;
	if (cur && !(cur->roles = roles.err ? NULL : buf_cstr(&roles)))
		return ERR_NOMEM;
	*out = arr;
	*n = k;
	return 0;
}

int store_user_memberships(struct db *db, struct arena *a, long long user_id, struct membership **out, size_t *n)
{
	struct db_stmt *st;
	struct membership *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_user_mems, &st)))
		return rc;
	db_bind_int(st, 1, user_id);
	while ((rc = db_step(st)) == 1) {
		struct membership *m = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!m) {
			db_done(st);
			return ERR_NOMEM;
		}
		m->org_id = db_col_int(st, 0);
		m->org_slug = db_col_dup(st, 1, a);
		m->org_name = db_col_dup(st, 2, a);
		m->org_kind = db_col_dup(st, 3, a);
		m->role = db_col_dup(st, 4, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_membership_remove(struct db *db, long long org_id, long long user_id, const char *role, long long *removed)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_mem_remove, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, role ? role : "");
	if ((rc = db_step(st)) < 0)
		return rc;
	if (removed)
		*removed = db_changes(db);
	return 0;
}

int store_membership_count(struct db *db, long long org_id, const char *role, long long except_user, long long *n)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_mem_count, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, role);
	db_bind_int(st, 3, except_user);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}

/* UPDATE users ... WHERE id = $1 with an int $2 and the time $3. */
static int user_update_int(struct db *db, const char *sql, long long id, long long v, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, v);
	db_bind_text(st, 3, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_user_set_disabled(struct db *db, long long id, bool disabled, const char *now)
{
	return user_update_int(db, sql_user_disable, id, disabled, now);
}

int store_user_set_must_change(struct db *db, long long id, bool on, const char *now)
{
	return user_update_int(db, sql_user_must_change, id, on, now);
}

/* ---- TOTP ---- */

static const char sql_totp_pending_get[] = "SELECT totp_secret FROM totp_enrolments WHERE user_id = $1";
static const char sql_totp_pending_set[] =
	"INSERT INTO totp_enrolments (user_id, totp_secret, created_at) VALUES ($1, $2, $3) "
	"ON CONFLICT (user_id) DO UPDATE SET totp_secret = excluded.totp_secret, created_at = excluded.created_at";
static const char sql_totp_pending_drop[] = "DELETE FROM totp_enrolments WHERE user_id = $1";
static const char sql_totp_enable[] =
	"UPDATE users SET totp_secret = $2, totp_last_step = $3, updated_at = $4 WHERE id = $1 "
	"AND EXISTS (SELECT 1 FROM totp_enrolments WHERE user_id = $1 AND totp_secret = $2)";
static const char sql_totp_clear[] =
	"UPDATE users SET totp_secret = NULL, totp_last_step = NULL, updated_at = $2 WHERE id = $1";
static const char sql_totp_step[] =
	"UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_secret IS NOT NULL "
	"AND COALESCE(totp_last_step, -1) < $2";

int store_user_totp_pending(struct db *db, struct arena *a, long long id, const char **secret)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_totp_pending_get, &st)))
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc < 0)
		return rc;
	*secret = NULL;
	if (rc == 1) {
		*secret = db_col_dup(st, 0, a);
		db_done(st);
		if (!*secret)
			return ERR_NOMEM;
	}
	return 0;
}

int store_user_totp_set_pending(struct db *db, long long id, const char *secret, const char *now)
{
	struct db_stmt *st;
	int rc;

	if (!secret)
		return sess_del(db, sql_totp_pending_drop, NULL, id);
	if ((rc = db_prep(db, sql_totp_pending_set, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, secret);
	db_bind_text(st, 3, now);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_user_totp_enable(struct db *db, long long id, const char *secret, long long step, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_totp_enable, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, secret);
	db_bind_int(st, 3, step);
	db_bind_text(st, 4, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	return sess_del(db, sql_totp_pending_drop, NULL, id);
}

int store_user_totp_clear(struct db *db, long long id, const char *now)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_totp_clear, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_NOT_FOUND;
	return sess_del(db, sql_totp_pending_drop, NULL, id);
}

int store_user_totp_use_step(struct db *db, long long id, long long step)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_totp_step, &st)))
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, step);
	if ((rc = db_step(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_CONFLICT;
}

/* ---- pending logins ---- */

static const char sql_pending_add[] =
	"INSERT INTO login_pending (user_id, token_hash, ip, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
static const char sql_pending_prune[] = "DELETE FROM login_pending WHERE expires_at <= $1";
static const char sql_pending_delete_user[] = "DELETE FROM login_pending WHERE user_id = $1";
static const char sql_pending_take[] =
	"DELETE FROM login_pending WHERE token_hash = $1 RETURNING user_id, expires_at";

int store_login_pending_add(struct db *db, long long user_id, const char *token_hash, const char *ip,
			    const char *now, const char *expires)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_pending_prune, &st)))
		return rc;
	db_bind_text(st, 1, now);
	if ((rc = db_step(st)) < 0)
		return rc;
	if ((rc = db_prep(db, sql_pending_add, &st)))
		return rc;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, token_hash);
	db_bind_text(st, 3, ip ? ip : "");
	db_bind_text(st, 4, now);
	db_bind_text(st, 5, expires);
	rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int store_login_pending_take(struct db *db, struct arena *a, const char *token_hash, const char *now,
			     long long *user_id, const char **expires)
{
	struct db_stmt *st;
	long long uid;
	const char *exp;
	int rc;

	if ((rc = db_prep(db, sql_pending_take, &st)))
		return rc;
	db_bind_text(st, 1, token_hash);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	uid = db_col_int(st, 0);
	exp = db_col_dup(st, 1, a);
	/* finish the statement: the row is deleted when it completes */
	while ((rc = db_step(st)) == 1)
		;
	if (rc < 0)
		return rc;
	if (!exp)
		return ERR_NOMEM;
	if (strcmp(exp, now) <= 0)
		return ERR_NOT_FOUND;
	*user_id = uid;
	*expires = exp;
	return 0;
}

int store_login_pending_delete_user(struct db *db, long long user_id)
{
	return sess_del(db, sql_pending_delete_user, NULL, user_id);
}
