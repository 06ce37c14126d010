/* db_sqlite.c - the SQLite backend of db.h. */
#include "store/db.h"
#include "store/db_backend.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/assets.h"
#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "store/fts.h"
#include "core/banned.h"

#define STMT_CACHE 512
#define MAX_PARAMS 24

struct sstmt {
	struct db_stmt base;      /* first: the interface's view */
	struct sdb *db;
	const char *sql;          /* the literal: cache key */
	sqlite3_stmt *st;
	int map[MAX_PARAMS + 1];  /* $N -> sqlite parameter index */
	int err;                  /* sticky bind error */
};

struct sdb {
	struct db base;           /* first: the interface's view */
	sqlite3 *h;
	struct fts_ctx *fts;
	struct sstmt cache[STMT_CACHE];
	int ncache;
	int depth;      /* open transactions: 1 = BEGIN, more = savepoints inside it */
	/* who the audit triggers record (sq_set_actor) */
	long long actor_id;
	char actor_name[128];
	char actor_ip[64];
	bool readonly;
};

static int audit_install(struct sdb *db);
static int audit_drop(struct sdb *db);
static int audit_functions(struct sdb *db);

static int sq_open(const char *target, const struct db_opts *o, struct sdb **out);
static const struct db_ops sqlite_ops;
static void sq_close(struct sdb *db);
static int sq_exec(struct sdb *db, const char *sql);
static int sq_begin(struct sdb *db);
static int sq_commit(struct sdb *db);
static void sq_rollback(struct sdb *db);
static int sq_prep(struct sdb *db, const char *sql, struct sstmt **out);
static bool sq_has_param(struct sstmt *st, int idx);
static void sq_bind_int(struct sstmt *st, int idx, long long v);
static void sq_bind_textn(struct sstmt *st, int idx, const char *s, size_t n);
static void sq_bind_text(struct sstmt *st, int idx, const char *s);
static void sq_bind_null(struct sstmt *st, int idx);
static int sq_step(struct sstmt *st);
static void sq_done(struct sstmt *st);
static long long sq_col_int(struct sstmt *st, int col);
static const char *sq_col_text(struct sstmt *st, int col);
static bool sq_col_isnull(struct sstmt *st, int col);
static char *sq_col_dup(struct sstmt *st, int col, struct arena *a);
static long long sq_changes(struct sdb *db);
static int sq_schema_version(struct sdb *db, int *out);
static int sq_migrate(struct sdb *db, int *applied);
static int sq_bulk_mode(struct sdb *db, bool on);
static int sq_integrity_check(struct sdb *db, const char **msg, struct arena *a);
static int sq_backup(struct sdb *db, const char *path);
static int sq_audit_enable(struct sdb *db, bool on);
static void sq_set_actor(struct sdb *db, long long user_id, const char *name, const char *ip);

static int sql_err(struct sdb *db, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h);
	int prim = rc & 0xFF;

	if (prim == SQLITE_CONSTRAINT || prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
		log_warn("db: %s: %s", what, sqlite3_errmsg(db->h));
		return ERR_CONFLICT;
	}
	return err_log(ERR_DB, "db: %s: %s (%d)", what, sqlite3_errmsg(db->h), rc);
}

static int sq_open(const char *target, const struct db_opts *o, struct sdb **out)
{
	struct sdb *db = NULL;
	int flags = o->readonly ? SQLITE_OPEN_READONLY
				: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return ERR_NOMEM;
	rc = sqlite3_open_v2(target, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("db: cannot open %s: %s", target,
			  db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 10000);
	if (!o->readonly && sq_exec(db, "PRAGMA journal_mode=WAL"))
		goto fail;
	/* synchronous=FULL: in WAL mode, NORMAL syncs the WAL only at a
	 * checkpoint, so a commit already acknowledged to an applicant (a
	 * tracking code on the receipt) can vanish when the machine loses
	 * power; FULL syncs the WAL on every commit. The cost is one fsync per
	 * write transaction, which the write rate of this platform affords. */
	if (sq_exec(db, "PRAGMA foreign_keys=ON") || sq_exec(db, "PRAGMA synchronous=FULL"))
		goto fail;
	{
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size=-%d", (o->cache_mb > 0 ? o->cache_mb : 32) * 1024);
		if (sq_exec(db, pragma))
			goto fail;
	}
	if (o->fts && fts_register(db->h, o->fts)) {
		log_error("db: cannot register the search tokenizer");
		goto fail;
	}
	db->base.ops = &sqlite_ops;
	db->base.fts = o->fts;
	db->fts = o->fts;
	db->readonly = o->readonly;
	if (audit_functions(db) || audit_install(db))
		goto fail;
	*out = db;
	return 0;
fail:
	sqlite3_close_v2(db->h);
	free(db);
	return ERR_DB;
}

static void sq_close(struct sdb *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close_v2(db->h);
	free(db);
}

static int sq_exec(struct sdb *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		int e = (rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_CONSTRAINT ? ERR_CONFLICT : ERR_DB;
		log_error("db: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return e;
	}
	return 0;
}

static int sq_begin(struct sdb *db)
{
	int rc;

	if (db->depth > 0 && !sqlite3_get_autocommit(db->h)) {
		/* nested: a savepoint, so the inner unit can fail alone */
		if ((rc = sq_exec(db, "SAVEPOINT gk_nested")) == 0)
			db->depth++;
		return rc;
	}
	if ((rc = sq_exec(db, "BEGIN IMMEDIATE")) == 0)
		db->depth = 1;
	return rc;
}

static int sq_commit(struct sdb *db)
{
	int rc;

	if (db->depth > 1) {
		if ((rc = sq_exec(db, "RELEASE gk_nested")) == 0)
			db->depth--;
		else
			sq_rollback(db);
		return rc;
	}
	if ((rc = sq_exec(db, "COMMIT")) == 0)
		db->depth = 0;
	else
		sq_rollback(db);
	return rc;
}

static void sq_rollback(struct sdb *db)
{
	if (db->depth > 1 && !sqlite3_get_autocommit(db->h)) {
		sqlite3_exec(db->h, "ROLLBACK TO gk_nested", NULL, NULL, NULL);
		sqlite3_exec(db->h, "RELEASE gk_nested", NULL, NULL, NULL);
		db->depth--;
		return;
	}
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->depth = 0;
}

static int sq_prep(struct sdb *db, const char *sql, struct sstmt **out)
{
	struct sstmt *s;
	int n;

	for (int i = 0; i < db->ncache; i++) {
		if (db->cache[i].sql == sql) {
			s = &db->cache[i];
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			s->err = 0;
			*out = s;
			return 0;
		}
	}
	if (db->ncache == STMT_CACHE)
		return err_log(ERR_INTERNAL, "db: statement cache full");
	s = &db->cache[db->ncache];
	memset(s, 0, sizeof(*s));
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK)
		return sql_err(db, sql);
	n = sqlite3_bind_parameter_count(s->st);
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(s->st, i);
		long long k;

		if (!name || name[0] != '$' || num_parse(name + 1, strlen(name + 1), 1, MAX_PARAMS, &k)) {
			sqlite3_finalize(s->st);
			return err_log(ERR_INTERNAL, "db: parameter %d of [%s] is not $1..$%d", i, sql, MAX_PARAMS);
		}
		s->map[k] = i;
	}
	s->base.db = &db->base;
	s->db = db;
	s->sql = sql;
	db->ncache++;
	*out = s;
	return 0;
}

static int pidx(struct sstmt *st, int idx)
{
	if (idx < 1 || idx > MAX_PARAMS || st->map[idx] == 0) {
		st->err = ERR_INTERNAL;
		log_error("db: no parameter $%d in [%s]", idx, st->sql);
		return 0;
	}
	return st->map[idx];
}

static bool sq_has_param(struct sstmt *st, int idx)
{
	return idx >= 1 && idx <= MAX_PARAMS && st->map[idx] != 0;
}

static void sq_bind_int(struct sstmt *st, int idx, long long v)
{
	int i = pidx(st, idx);

	if (i && sqlite3_bind_int64(st->st, i, v) != SQLITE_OK)
		st->err = ERR_DB;
}

static void sq_bind_textn(struct sstmt *st, int idx, const char *s, size_t n)
{
	int i = pidx(st, idx);

	if (!i)
		return;
	if (!s) {
		sqlite3_bind_null(st->st, i);
		return;
	}
	if (sqlite3_bind_text64(st->st, i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
		st->err = ERR_DB;
}

static void sq_bind_text(struct sstmt *st, int idx, const char *s)
{
	sq_bind_textn(st, idx, s, s ? strlen(s) : 0);
}

static void sq_bind_null(struct sstmt *st, int idx)
{
	int i = pidx(st, idx);

	if (i)
		sqlite3_bind_null(st->st, i);
}

static int sq_step(struct sstmt *st)
{
	int rc;

	if (st->err) {
		sqlite3_reset(st->st);
		return st->err;
	}
	rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st->st);
		return 0;
	}
	rc = sql_err(st->db, st->sql);
	sqlite3_reset(st->st);
	return rc;
}

static void sq_done(struct sstmt *st)
{
	sqlite3_reset(st->st);
}

static long long sq_col_int(struct sstmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

static const char *sq_col_text(struct sstmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->st, col);

	return t ? (const char *)t : "";
}

static bool sq_col_isnull(struct sstmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

static char *sq_col_dup(struct sstmt *st, int col, struct arena *a)
{
	const unsigned char *t;

	if (sqlite3_column_type(st->st, col) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(st->st, col);
	return arena_strndup(a, t ? (const char *)t : "", (size_t)sqlite3_column_bytes(st->st, col));
}

static long long sq_changes(struct sdb *db)
{
	return sqlite3_changes64(db->h);
}

/* ---- migrations ---- */

static const char sql_mig_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
static const char sql_mig_max[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_mig_add[] = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

static int sq_schema_version(struct sdb *db, int *out)
{
	struct sstmt *st;
	int rc;

	if ((!db->readonly && (rc = sq_exec(db, sql_mig_table))) || (rc = sq_prep(db, sql_mig_max, &st)))
		return rc;
	rc = sq_step(st);
	if (rc < 0)
		return rc;
	*out = (int)sq_col_int(st, 0);
	sq_done(st);
	return 0;
}

/* Migration assets are "src/store/migrations/NNNN_name[.dialect].sql". */
static bool mig_for_sqlite(const char *name, long long *version)
{
	static const char dir[] = "src/store/migrations/";
	const char *base;
	size_t n;

	if (strncmp(name, dir, sizeof(dir) - 1) != 0)
		return false;
	base = name + sizeof(dir) - 1;
	n = strlen(base);
	if (n < 9)
		return false;
	if (num_parse(base, 4, 1, 9999, version))
		return false;
	if (n > 7 && strcmp(base + n - 7, ".pg.sql") == 0)
		return false;
	return n > 4 && strcmp(base + n - 4, ".sql") == 0;
}

static char *mig_dialect(const char *src)
{
	static const char from[] = "@ID@", to[] = "INTEGER PRIMARY KEY";
	size_t n = strlen(src), cnt = 0;
	const char *p;
	char *out, *o;

	for (p = src; (p = strstr(p, from)); p += 4)
		cnt++;
	out = malloc(n + cnt * sizeof(to) + 1);
	if (!out)
		return NULL;
	for (o = out, p = src; *p;) {
		if (strncmp(p, from, 4) == 0) {
			memcpy(o, to, sizeof(to) - 1);
			o += sizeof(to) - 1;
			p += 4;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static const char sql_meta_get[] = "SELECT value FROM meta WHERE key = $1";
static const char sql_meta_set[] =
	"INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char sql_fts_rebuild[] = "INSERT INTO items_fts(items_fts) VALUES ('rebuild')";

/* The search index holds dictionary words: when the dictionary changed
 * since it was built (a friso-dict upgrade), FTS5 could no longer delete
 * old rows correctly, so rebuild it now and remember the new fingerprint. */
static int fts_check_dictionary(struct sdb *db)
{
	char fp[32];
	struct sstmt *st;
	bool same = false;
	int rc;

	snprintf(fp, sizeof(fp), "%llx", fts_dict_fingerprint(db->fts));
	if ((rc = sq_prep(db, sql_meta_get, &st)))
		return rc;
	sq_bind_text(st, 1, "fts_dict");
	if ((rc = sq_step(st)) < 0)
		return rc;
	if (rc == 1) {
		same = strcmp(sq_col_text(st, 0), fp) == 0;
		sq_done(st);
	}
	if (same)
		return 0;
	if ((rc = sq_begin(db)))
		return rc;
	if ((rc = sq_exec(db, sql_fts_rebuild)) || (rc = sq_prep(db, sql_meta_set, &st))) {
		sq_rollback(db);
		return rc;
	}
	sq_bind_text(st, 1, "fts_dict");
	sq_bind_text(st, 2, fp);
	if ((rc = sq_step(st)) < 0) {
		sq_rollback(db);
		return rc;
	}
	log_info("db: search index built for dictionary %s", fp);
	return sq_commit(db);
}

static int sq_migrate(struct sdb *db, int *applied)
{
	int cur, rc, done = 0;
	char now[21];

	time_format_utc(time(NULL), now);
	if (applied)
		*applied = 0;
	if ((rc = sq_schema_version(db, &cur)))
		return rc;
	/* the audit triggers follow the schema: off while it changes */
	if ((rc = audit_drop(db)))
		return rc;
	for (size_t i = 0; i < assets_count; i++) {
		long long v;
		struct sstmt *st;
		char *sql;

		if (!mig_for_sqlite(assets[i].name, &v) || v <= cur)
			continue;
		if (!(sql = mig_dialect((const char *)assets[i].data)))
			return ERR_NOMEM;
		if ((rc = sq_begin(db))) {
			free(sql);
			return rc;
		}
		rc = sq_exec(db, sql);
		free(sql);
		if (!rc && !(rc = sq_prep(db, sql_mig_add, &st))) {
			sq_bind_int(st, 1, v);
			sq_bind_text(st, 2, assets[i].name + 21);
			sq_bind_text(st, 3, now);
			rc = sq_step(st);
		}
		if (rc < 0) {
			sq_rollback(db);
			return err_log(rc, "db: migration %s failed", assets[i].name);
		}
		if ((rc = sq_commit(db)))
			return rc;
		log_info("db: applied migration %s", assets[i].name + 21);
		cur = (int)v;
		done++;
	}
	if (applied)
		*applied = done;
	if ((rc = audit_install(db)))
		return rc;
	return db->fts ? fts_check_dictionary(db) : 0;
}

const char *db_engine_version(void)
{
	return "SQLite " SQLITE_VERSION;
}

static const char *sq_engine_version(struct db *db)
{
	(void)db;
	return db_engine_version();
}

static const char sql_journal_delete[] = "PRAGMA journal_mode=DELETE";
static const char sql_journal_wal[] = "PRAGMA journal_mode=WAL";

static int sq_bulk_mode(struct sdb *db, bool on)
{
	struct sstmt *st;
	const char *want = on ? "delete" : "wal";
	bool ok;
	int rc;

	if ((rc = sq_prep(db, on ? sql_journal_delete : sql_journal_wal, &st)))
		return rc;
	if ((rc = sq_step(st)) < 0)
		return rc == ERR_DB ? ERR_CONFLICT : rc;
	ok = rc == 1 && strcmp(sq_col_text(st, 0), want) == 0;
	if (rc == 1)
		sq_done(st);
	if (!ok)
		return ERR_CONFLICT; /* WAL cannot be left while others read */
	/* back to FULL, as sq_open sets it (durable commits), not NORMAL */
	/* a bulk load is recorded as one event by its caller, not row by row */
	if ((rc = on ? audit_drop(db) : audit_install(db)))
		return rc;
	return sq_exec(db, on ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL");
}

/* Collect the rows of a check pragma: each row's columns joined by " ",
 * the first few kept in *msg. Returns the number of rows, or -1 when the
 * pragma failed (*msg then holds SQLite's message). */
static int check_rows(struct sdb *db, const char *sql, bool ok_row, const char **msg, struct arena *a)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		*msg = arena_strdup(a, sqlite3_errmsg(db->h));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char line[256];
		size_t len = 0;
		int cols = sqlite3_column_count(st);

		if (ok_row && cols == 1 && sqlite3_column_text(st, 0) &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
			continue;
		line[0] = '\0';
		for (int i = 0; i < cols && len < sizeof(line) - 1; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			int w = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "",
					 t ? (const char *)t : "NULL");

			if (w < 0)
				break;
			len += (size_t)w < sizeof(line) - len ? (size_t)w : sizeof(line) - len - 1;
		}
		if (n < 3)
			*msg = *msg ? arena_printf(a, "%s; %s", *msg, line) : arena_strdup(a, line);
		n++;
	}
	if (rc != SQLITE_DONE) {
		/* corruption can stop the check itself: after problems were
		 * listed that is one more, before any it could not run */
		const char *e = sqlite3_errmsg(db->h);

		*msg = n ? arena_printf(a, "%s; %s", *msg ? *msg : "", e) : arena_strdup(a, e);
		sqlite3_finalize(st);
		return n ? n : -1;
	}
	sqlite3_finalize(st);
	return n;
}

static int sq_integrity_check(struct sdb *db, const char **msg, struct arena *a)
{
	const char *fk = NULL;
	int n, nfk;

	*msg = NULL;
	if ((n = check_rows(db, "PRAGMA integrity_check(100)", true, msg, a)) < 0)
		return ERR_DB;
	if ((nfk = check_rows(db, "PRAGMA foreign_key_check", false, &fk, a)) < 0) {
		*msg = fk;
		return ERR_DB;
	}
	if (nfk > 0) {
		fk = arena_printf(a, "foreign_key_check: %d row(s): %s", nfk, fk ? fk : "");
		*msg = *msg ? arena_printf(a, "%s; %s", *msg, fk ? fk : "") : fk;
	}
	if (n + nfk == 0)
		return 0;
	if (!*msg)
		*msg = "?";
	return ERR_INVALID;
}

static int sq_backup(struct sdb *db, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_error("backup: cannot open %s: %s", path, dst ? sqlite3_errmsg(dst) : "?");
		sqlite3_close_v2(dst);
		return ERR_IO;
	}
	b = sqlite3_backup_init(dst, "main", db->h, "main");
	if (!b) {
		log_error("backup: %s", sqlite3_errmsg(dst));
		sqlite3_close_v2(dst);
		return ERR_DB;
	}
	/* copy in steps so writers are not blocked for the whole copy */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_error("backup: %s", sqlite3_errstr(rc));
		sqlite3_close_v2(dst);
		return ERR_DB;
	}
	rc = sqlite3_close_v2(dst);
	return rc == SQLITE_OK ? 0 : ERR_IO;
}

/* ---- the audit trail ----
 *
 * Every change to a record is appended to audit_log (migration 0014) by
 * TEMP triggers this connection generates from the schema when it opens
 * (and again after a migration): AFTER INSERT / UPDATE / DELETE on every
 * table but the ones below, recording the row before and after as JSON,
 * the actor the connection was given (sq_set_actor), the time, and a hash
 * chained to the previous row. Generating them from the schema means a new
 * table is audited without anyone remembering to. The DDL is built from
 * table and column names read from the schema itself, never from input. */

/* not audited: the log itself, bookkeeping, derived data and the search
 * index; login failures and the short-lived token between password and
 * TOTP code are recorded as events by the login handler */
static const char *const audit_skip_tables[] = {
	"audit_log", "schema_migrations", "meta", "item_counts", "login_failures", "login_pending",
	/* the outbox (0018): machine state and secrets (delivery_channels.secret_fp is audited) */
	"deliveries", "delivery_log", "delivery_secrets", "delivery_tokens",
	/* 0019: derived from items by triggers; the e-mail channel's per-recipient state */
	"publication_events", "email_sends", NULL,
};
/* derived or noisy columns left out of the JSON (views: the counter the
 * view flusher bumps; body_text, body_html: derived from body_md) */
static const char *const audit_skip_cols[] = { "views", "body_text", "body_html", NULL };
/* secrets: recorded as a fingerprint, so a change shows but not the value */
static const char *const audit_secret_cols[] = {
	"password_hash", "token_hash", "csrf", "totp_secret", "tracking_code", "check_digits", "submit_token", NULL,
};

static bool in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static int sq_audit_enable(struct sdb *db, bool on)
{
	return on ? audit_install(db) : audit_drop(db);
}

static void sq_set_actor(struct sdb *db, long long user_id, const char *name, const char *ip)
{
	db->actor_id = user_id;
	snprintf(db->actor_name, sizeof(db->actor_name), "%s", name ? name : "");
	snprintf(db->actor_ip, sizeof(db->actor_ip), "%s", ip ? ip : "");
}

static void fn_actor_id(sqlite3_context *c, int n, sqlite3_value **v)
{
	struct sdb *db = sqlite3_user_data(c);

	(void)n;
	(void)v;
	if (db->actor_id > 0)
		sqlite3_result_int64(c, db->actor_id);
	else
		sqlite3_result_null(c);
}

static void fn_actor_name(sqlite3_context *c, int n, sqlite3_value **v)
{
	struct sdb *db = sqlite3_user_data(c);

	(void)n;
	(void)v;
	sqlite3_result_text(c, db->actor_name, -1, SQLITE_TRANSIENT);
}

static void fn_actor_ip(sqlite3_context *c, int n, sqlite3_value **v)
{
	struct sdb *db = sqlite3_user_data(c);

	(void)n;
	(void)v;
	sqlite3_result_text(c, db->actor_ip, -1, SQLITE_TRANSIENT);
}

/* gk_audit_hash(a, b, ...): hex SHA-256 over the arguments, each as a type
 * tag, its length and its bytes, so ("ab", "c") and ("a", "bc") differ and
 * NULL differs from "". The same function verifies the chain. */
static void fn_audit_hash(sqlite3_context *c, int n, sqlite3_value **v)
{
	crypto_hash_sha256_state h;
	unsigned char out[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256_init(&h);
	for (int i = 0; i < n; i++) {
		unsigned char tag[9];
		unsigned long long len;
		const unsigned char *p;

		if (sqlite3_value_type(v[i]) == SQLITE_NULL) {
			tag[0] = 'N';
			crypto_hash_sha256_update(&h, tag, 1);
			continue;
		}
		p = sqlite3_value_text(v[i]);
		len = (unsigned long long)sqlite3_value_bytes(v[i]);
		tag[0] = 'T';
		for (int k = 0; k < 8; k++)
			tag[1 + k] = (unsigned char)(len >> (8 * k));
		crypto_hash_sha256_update(&h, tag, sizeof(tag));
		if (len)
			crypto_hash_sha256_update(&h, p, len);
	}
	crypto_hash_sha256_final(&h, out);
	sodium_bin2hex(hex, sizeof(hex), out, sizeof(out));
	sqlite3_result_text(c, hex, -1, SQLITE_TRANSIENT);
}

static int audit_functions(struct sdb *db)
{
	const int f = SQLITE_UTF8;

	if (sqlite3_create_function(db->h, "gk_actor_id", 0, f, db, fn_actor_id, NULL, NULL) ||
	    sqlite3_create_function(db->h, "gk_actor_name", 0, f, db, fn_actor_name, NULL, NULL) ||
	    sqlite3_create_function(db->h, "gk_actor_ip", 0, f, db, fn_actor_ip, NULL, NULL) ||
	    sqlite3_create_function(db->h, "gk_audit_hash", -1, f | SQLITE_DETERMINISTIC, NULL, fn_audit_hash, NULL,
				    NULL))
		return sql_err(db, "audit functions");
	return 0;
}

static int audit_drop(struct sdb *db)
{
	for (;;) {
		sqlite3_stmt *st;
		char sql[128];
		int rc;

		if (sqlite3_prepare_v2(db->h, "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' "
					      "AND name LIKE 'gk\\_audit\\_%' ESCAPE '\\' LIMIT 1",
				       -1, &st, NULL) != SQLITE_OK)
			return sql_err(db, "audit triggers");
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return 0;
		}
		snprintf(sql, sizeof(sql), "DROP TRIGGER temp.\"%.80s\"", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if ((rc = sq_exec(db, sql)))
			return rc;
	}
}

/* The JSON object of the audited columns of row X (NEW or OLD), in chunks
 * of 50 columns merged with json_patch: SQLite functions take at most 127
 * arguments. */
static int audit_json(struct buf *b, const char *x, char cols[][64], const bool *secret, int ncols)
{
	int chunks = 0;

	for (int i = 0; i < ncols; i += 50)
		chunks++;
	for (int k = 1; k < chunks; k++)
		buf_puts(b, "json_patch(");
	for (int i = 0; i < ncols; i++) {
		if (i % 50 == 0)
			buf_puts(b, "json_object(");
		else
			buf_puts(b, ", ");
		if (secret[i])
			buf_printf(b, "'%s', CASE WHEN %s.\"%s\" IS NULL THEN NULL ELSE 'sha256:' || substr(gk_audit_hash(%s.\"%s\"), 1, 12) END",
				   cols[i], x, cols[i], x, cols[i]);
		else
			buf_printf(b, "'%s', %s.\"%s\"", cols[i], x, cols[i]);
		if (i % 50 == 49 || i == ncols - 1) {
			buf_puts(b, ")");
			if (i >= 50)
				buf_puts(b, ")");
		}
	}
	if (ncols == 0)
		buf_puts(b, "json_object()");
	return b->err;
}

/* One trigger: action is insert, update or delete. */
static int audit_trigger(struct sdb *db, const char *t, const char *action, char cols[][64], const bool *secret,
			 int ncols, bool has_org, bool is_orgs)
{
	struct arena a;
	struct buf b;
	const char *x = strcmp(action, "delete") == 0 ? "OLD" : "NEW";
	int rc;

	arena_init(&a, 0);
	buf_init(&b, &a, 1 << 20);
	buf_printf(&b, "CREATE TEMP TRIGGER \"gk_audit_%s_%c\" AFTER %s", t, action[0],
		   action[0] == 'i' ? "INSERT" : action[0] == 'u' ? "UPDATE" : "DELETE");
	if (action[0] == 'u') {
		buf_puts(&b, " OF ");
		for (int i = 0; i < ncols; i++)
			buf_printf(&b, "%s\"%s\"", i ? ", " : "", cols[i]);
	}
	buf_printf(&b, " ON main.\"%s\"", t);
	if (action[0] == 'u') {
		buf_puts(&b, " WHEN ");
		for (int i = 0; i < ncols; i++)
			buf_printf(&b, "%sOLD.\"%s\" IS NOT NEW.\"%s\"", i ? " OR " : "", cols[i], cols[i]);
	}
	buf_puts(&b, " BEGIN INSERT INTO audit_log (at, org_id, user_id, username, ip, action, tbl, row_id, "
		     "before, after, hash) SELECT at, org, gk_actor_id(), gk_actor_name(), gk_actor_ip(), ");
	buf_printf(&b, "'%s', '%s', rid, bef, aft, gk_audit_hash((SELECT hash FROM main.audit_log ORDER BY id DESC "
		       "LIMIT 1), at, org, gk_actor_id(), gk_actor_name(), gk_actor_ip(), '%s', '%s', rid, bef, aft) "
		       "FROM (SELECT strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now') AS at, ",
		   action, t, action, t);
	if (has_org)
		buf_printf(&b, "%s.org_id AS org, ", x);
	else if (is_orgs)
		buf_printf(&b, "%s.id AS org, ", x);
	else
		buf_puts(&b, "NULL AS org, ");
	buf_printf(&b, "%s.rowid AS rid, ", x);
	if (action[0] == 'i')
		buf_puts(&b, "NULL");
	else
		audit_json(&b, "OLD", cols, secret, ncols);
	buf_puts(&b, " AS bef, ");
	if (action[0] == 'd')
		buf_puts(&b, "NULL");
	else
		audit_json(&b, "NEW", cols, secret, ncols);
	buf_puts(&b, " AS aft); END");
	rc = b.err ? b.err : sq_exec(db, buf_cstr(&b));
	arena_release(&a);
	return rc;
}

static int audit_table(struct sdb *db, const char *t)
{
	char cols[128][64];
	bool secret[128];
	bool has_org = false;
	int n = 0, rc;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK)
		return sql_err(db, "audit columns");
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && n < 128) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(c, "org_id") == 0)
			has_org = true;
		if (in_list(audit_skip_cols, c) || strlen(c) >= sizeof(cols[0]))
			continue;
		secret[n] = in_list(audit_secret_cols, c);
		snprintf(cols[n++], sizeof(cols[0]), "%s", c);
	}
	sqlite3_finalize(st);
	if ((rc = audit_trigger(db, t, "insert", cols, secret, n, has_org, strcmp(t, "orgs") == 0)) ||
	    (rc = audit_trigger(db, t, "update", cols, secret, n, has_org, strcmp(t, "orgs") == 0)) ||
	    (rc = audit_trigger(db, t, "delete", cols, secret, n, has_org, strcmp(t, "orgs") == 0)))
		return rc;
	return 0;
}

/* (Re)create the triggers of every audited table; nothing when the schema
 * has no audit_log yet (before migration 0014) or the connection is
 * read-only. */
static int audit_install(struct sdb *db)
{
	sqlite3_stmt *st;
	char (*tables)[64];
	int n = 0, rc = 0;

	if (db->readonly)
		return 0;
	if ((rc = audit_drop(db)))
		return rc;
	/* tables, without virtual tables and their shadow tables */
	if (sqlite3_prepare_v2(db->h,
			       "SELECT t.name FROM main.sqlite_master t WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' "
			       "AND t.sql NOT LIKE 'CREATE VIRTUAL%' AND NOT EXISTS (SELECT 1 FROM main.sqlite_master v "
			       "WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\') "
			       "AND EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'audit_log') "
			       "ORDER BY t.name",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(db, "audit tables");
	if (!(tables = calloc(256, sizeof(*tables)))) {
		sqlite3_finalize(st);
		return ERR_NOMEM;
	}
	while (sqlite3_step(st) == SQLITE_ROW && n < 256) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (!in_list(audit_skip_tables, t) && strlen(t) < sizeof(tables[0]) - 8)
			snprintf(tables[n++], sizeof(tables[0]), "%s", t);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n && !rc; i++)
		rc = audit_table(db, tables[i]);
	free(tables);
	return rc;
}

/* ---- dynamic statements (db.h) ---- */

struct sdyn {
	struct db_dyn base;       /* first: the interface's view */
	struct sdb *db;
	sqlite3_stmt *st;
	int err;                  /* sticky bind error */
};

static int w_dyn_prep(struct db *d, const char *sql, struct db_dyn **out)
{
	struct sdb *db = (struct sdb *)d;
	struct sdyn *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (!x)
		return ERR_NOMEM;
	if (sqlite3_prepare_v2(db->h, sql, -1, &x->st, NULL) != SQLITE_OK) {
		free(x);
		return sql_err(db, sql);
	}
	x->base.db = d;
	x->db = db;
	*out = &x->base;
	return 0;
}

static void w_dyn_bind(struct db_dyn *d, int idx, const struct db_value *v)
{
	struct sdyn *x = (struct sdyn *)d;
	char name[16];
	int i, rc = SQLITE_OK;

	snprintf(name, sizeof(name), "$%d", idx);
	if (!(i = sqlite3_bind_parameter_index(x->st, name))) {
		x->err = err_log(ERR_INTERNAL, "db: no parameter %s in [%s]", name, sqlite3_sql(x->st));
		return;
	}
	switch (v->t) {
	case DB_V_NULL: rc = sqlite3_bind_null(x->st, i); break;
	case DB_V_INT: rc = sqlite3_bind_int64(x->st, i, v->i); break;
	case DB_V_REAL: rc = sqlite3_bind_double(x->st, i, v->r); break;
	case DB_V_TEXT: rc = sqlite3_bind_text64(x->st, i, v->p ? v->p : "", v->n, SQLITE_TRANSIENT, SQLITE_UTF8); break;
	case DB_V_BLOB: rc = sqlite3_bind_blob64(x->st, i, v->p ? v->p : "", v->n, SQLITE_TRANSIENT); break;
	}
	if (rc != SQLITE_OK)
		x->err = ERR_DB;
}

static int w_dyn_step(struct db_dyn *d)
{
	struct sdyn *x = (struct sdyn *)d;
	int rc;

	if (x->err) {
		rc = x->err;
		x->err = 0;
		sqlite3_reset(x->st);
		return rc;
	}
	rc = sqlite3_step(x->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(x->st);
		return 0;
	}
	rc = sql_err(x->db, sqlite3_sql(x->st));
	sqlite3_reset(x->st);
	return rc;
}

static int w_dyn_ncols(struct db_dyn *d)
{
	return sqlite3_column_count(((struct sdyn *)d)->st);
}

static void w_dyn_col(struct db_dyn *d, int col, struct db_value *out)
{
	sqlite3_stmt *st = ((struct sdyn *)d)->st;

	memset(out, 0, sizeof(*out));
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		out->t = DB_V_INT;
		out->i = sqlite3_column_int64(st, col);
		break;
	case SQLITE_FLOAT:
		out->t = DB_V_REAL;
		out->r = sqlite3_column_double(st, col);
		break;
	case SQLITE_TEXT:
		out->t = DB_V_TEXT;
		out->p = sqlite3_column_text(st, col);
		out->n = (size_t)sqlite3_column_bytes(st, col);
		break;
	case SQLITE_BLOB:
		out->t = DB_V_BLOB;
		out->p = sqlite3_column_blob(st, col);
		out->n = (size_t)sqlite3_column_bytes(st, col);
		break;
	default:
		out->t = DB_V_NULL;
	}
}

static void w_dyn_free(struct db_dyn *d)
{
	struct sdyn *x = (struct sdyn *)d;

	sqlite3_finalize(x->st);
	free(x);
}

/* ---- the interface's table ---- */

#define SDB(d) ((struct sdb *)(d))
#define SST(s) ((struct sstmt *)(s))

static void w_close(struct db *d) { sq_close(SDB(d)); }
static int w_migrate(struct db *d, int *n) { return sq_migrate(SDB(d), n); }
static int w_schema_version(struct db *d, int *v) { return sq_schema_version(SDB(d), v); }
static int w_begin(struct db *d) { return sq_begin(SDB(d)); }
static int w_commit(struct db *d) { return sq_commit(SDB(d)); }
static void w_rollback(struct db *d) { sq_rollback(SDB(d)); }
static int w_prep(struct db *d, const char *sql, struct db_stmt **out)
{
	struct sstmt *s;
	int rc = sq_prep(SDB(d), sql, &s);

	*out = rc ? NULL : &s->base;
	return rc;
}
static void w_bind_int(struct db_stmt *s, int i, long long v) { sq_bind_int(SST(s), i, v); }
static void w_bind_textn(struct db_stmt *s, int i, const char *t, size_t n) { sq_bind_textn(SST(s), i, t, n); }
static void w_bind_null(struct db_stmt *s, int i) { sq_bind_null(SST(s), i); }
static bool w_has_param(struct db_stmt *s, int i) { return sq_has_param(SST(s), i); }
static int w_step(struct db_stmt *s) { return sq_step(SST(s)); }
static void w_done(struct db_stmt *s) { sq_done(SST(s)); }
static long long w_col_int(struct db_stmt *s, int c) { return sq_col_int(SST(s), c); }
static const char *w_col_text(struct db_stmt *s, int c) { return sq_col_text(SST(s), c); }
static bool w_col_isnull(struct db_stmt *s, int c) { return sq_col_isnull(SST(s), c); }
static char *w_col_dup(struct db_stmt *s, int c, struct arena *a) { return sq_col_dup(SST(s), c, a); }
static long long w_changes(struct db *d) { return sq_changes(SDB(d)); }
static int w_exec(struct db *d, const char *sql) { return sq_exec(SDB(d), sql); }
static int w_bulk_mode(struct db *d, bool on) { return sq_bulk_mode(SDB(d), on); }
static void w_set_actor(struct db *d, long long id, const char *n, const char *ip) { sq_set_actor(SDB(d), id, n, ip); }
static int w_audit_enable(struct db *d, bool on) { return sq_audit_enable(SDB(d), on); }
static int w_backup(struct db *d, const char *path) { return sq_backup(SDB(d), path); }
static int w_integrity_check(struct db *d, const char **msg, struct arena *a) { return sq_integrity_check(SDB(d), msg, a); }

static const struct db_ops sqlite_ops = {
	.name = "sqlite",
	.close = w_close,
	.migrate = w_migrate,
	.schema_version = w_schema_version,
	.begin = w_begin,
	.commit = w_commit,
	.rollback = w_rollback,
	.prep = w_prep,
	.bind_int = w_bind_int,
	.bind_textn = w_bind_textn,
	.bind_null = w_bind_null,
	.has_param = w_has_param,
	.step = w_step,
	.done = w_done,
	.col_int = w_col_int,
	.col_text = w_col_text,
	.col_isnull = w_col_isnull,
	.col_dup = w_col_dup,
	.changes = w_changes,
	.exec = w_exec,
	.bulk_mode = w_bulk_mode,
	.set_actor = w_set_actor,
	.audit_enable = w_audit_enable,
	.engine_version = sq_engine_version,
	.backup = w_backup,
	.integrity_check = w_integrity_check,
	.dyn_prep = w_dyn_prep,
	.dyn_bind = w_dyn_bind,
	.dyn_step = w_dyn_step,
	.dyn_ncols = w_dyn_ncols,
	.dyn_col = w_dyn_col,
	.dyn_free = w_dyn_free,
};

int db_sqlite_open(const char *path, const struct db_opts *o, struct db **out)
{
	struct sdb *db;
	int rc = sq_open(path, o, &db);

	*out = rc ? NULL : &db->base;
	return rc;
}
