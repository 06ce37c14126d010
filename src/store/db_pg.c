/* db_pg.c - the PostgreSQL backend of db.h (libpq).
 *
 * Statements: each SQL literal is prepared once per connection (PQprepare,
 * named gk<n> by a counter) the first time it is used; parameters are
 * already $1..$N. Parameters and results travel as text. db_step runs the
 * statement on its first call and then walks the PGresult row by row.
 *
 * Semantics kept from SQLite, so the domain code sees one behaviour:
 * - one writer at a time: db_begin takes a transaction-scoped advisory lock
 *   (as BEGIN IMMEDIATE takes SQLite's write lock), so a transaction never
 *   fails half-way on a serialization conflict;
 * - a failed statement inside a transaction fails alone: statements that
 *   may write run inside a savepoint when a transaction is open, so the
 *   caller can react to ERR_CONFLICT and go on, as on SQLite;
 * - errors: integrity constraints, serialization failures, deadlocks and
 *   lock timeouts are ERR_CONFLICT; a lost connection is ERR_UNAVAILABLE
 *   and the connection is re-established at the next db_prep (the HTTP
 *   layer answers 503 meanwhile).
 * The audit actor is the session setting gongkai.actor_* (db_set_actor),
 * read by the triggers of migration 0014_audit.pg.sql. */
#include "store/db.h"

#include <libpq-fe.h>
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
#include "store/db_backend.h"
#include "store/fts.h"
#include "core/banned.h"

#define STMT_CACHE 512
#define MAX_PARAMS 24

/* advisory lock keys: the single writer, and migrations */
#define LOCK_WRITER "7146170101"
#define LOCK_MIGRATE "7146170102"

struct pdb;

struct pstmt {
	struct db_stmt base;      /* first: the interface's view */
	struct pdb *db;
	const char *sql;          /* the literal: cache key */
	char name[16];
	bool prepared;            /* on the current server connection */
	bool writes;              /* not a plain SELECT: savepoint inside a transaction */
	int nparams;              /* highest $N used */
	bool used[MAX_PARAMS + 1];
	char *val[MAX_PARAMS + 1];  /* bound values (malloc), NULL for NULL */
	int err;                  /* sticky bind error */
	PGresult *res;
	int row, nrows;
};

struct pdb {
	struct db base;           /* first: the interface's view */
	PGconn *c;
	struct fts_ctx *fts;
	struct pstmt cache[STMT_CACHE];
	int ncache;
	int nnames;               /* statement name counter */
	int depth;                /* open transactions: 1 = BEGIN, more = savepoints */
	long long changes;
	bool readonly;
	char engine[64];
	long long actor_id;
	char actor_name[128];
	char actor_ip[64];
};

static const struct db_ops pg_ops;

#define PDB(d) ((struct pdb *)(d))
#define PST(s) ((struct pstmt *)(s))

static bool conn_lost(struct pdb *db)
{
	return PQstatus(db->c) != CONNECTION_OK;
}

/* Map a failed result (or a NULL one) to an enum err, logging it. */
static int res_err(struct pdb *db, PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(db->c);

	if (!msg || !*msg)
		msg = PQerrorMessage(db->c);
	if (conn_lost(db) || (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))) {
		log_error("db: database unavailable: %s: %s", what, msg);
		return ERR_UNAVAILABLE;
	}
	if (state && (strncmp(state, "23", 2) == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		      strcmp(state, "55P03") == 0)) {
		log_warn("db: %s: %s", what, msg);
		return ERR_CONFLICT;
	}
	return err_log(ERR_DB, "db: %s: %s (%s)", what, msg, state ? state : "?");
}

/* Run SQL without parameters (possibly several statements). */
static int pg_exec_raw(struct pdb *db, const char *sql)
{
	PGresult *r = PQexec(db->c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = res_err(db, r, sql);
	PQclear(r);
	return rc;
}

static void notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Session settings a new (or re-established) connection needs. */
static int session_init(struct pdb *db)
{
	int v = PQserverVersion(db->c);

	PQsetNoticeProcessor(db->c, notice_quiet, NULL);
	snprintf(db->engine, sizeof(db->engine), "PostgreSQL %d.%d", v / 10000, v % 10000);
	if (pg_exec_raw(db, "SET client_encoding = 'UTF8'; SET standard_conforming_strings = on; "
			    "SET TIME ZONE 'UTC'; SET lock_timeout = '30s'"))
		return ERR_DB;
	if (db->readonly && pg_exec_raw(db, "SET default_transaction_read_only = on"))
		return ERR_DB;
	return 0;
}

static int set_actor_now(struct pdb *db);

/* After a lost connection: reconnect, and forget the statements prepared
 * on the old one. ERR_UNAVAILABLE while the server stays away. */
static int reconnect(struct pdb *db)
{
	PQreset(db->c);
	if (conn_lost(db)) {
		log_error("db: database unavailable: %s", PQerrorMessage(db->c));
		return ERR_UNAVAILABLE;
	}
	for (int i = 0; i < db->ncache; i++)
		db->cache[i].prepared = false;
	db->depth = 0;
	if (session_init(db) || set_actor_now(db))
		return ERR_UNAVAILABLE;
	log_info("db: reconnected to the database");
	return 0;
}

static int pg_open(const char *target, const struct db_opts *o, struct pdb **out)
{
	struct pdb *db = calloc(1, sizeof(*db));

	*out = NULL;
	if (!db)
		return ERR_NOMEM;
	db->base.ops = &pg_ops;
	db->fts = o->fts;
	db->readonly = o->readonly;
	db->c = PQconnectdb(target);
	if (!db->c || conn_lost(db)) {
		/* the message names host and database, never the password */
		log_error("db: cannot connect to PostgreSQL: %s", db->c ? PQerrorMessage(db->c) : "out of memory");
		PQfinish(db->c);
		free(db);
		return ERR_UNAVAILABLE;
	}
	if (session_init(db)) {
		PQfinish(db->c);
		free(db);
		return ERR_DB;
	}
	*out = db;
	return 0;
}

static void stmt_clear(struct pstmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
}

static void stmt_unbind(struct pstmt *s)
{
	for (int i = 1; i <= s->nparams; i++) {
		free(s->val[i]);
		s->val[i] = NULL;
	}
	s->err = 0;
}

static void w_close(struct db *d)
{
	struct pdb *db = PDB(d);

	for (int i = 0; i < db->ncache; i++) {
		stmt_clear(&db->cache[i]);
		stmt_unbind(&db->cache[i]);
	}
	PQfinish(db->c);
	free(db);
}

static int w_exec(struct db *d, const char *sql)
{
	return pg_exec_raw(PDB(d), sql);
}

static int w_begin(struct db *d)
{
	struct pdb *db = PDB(d);
	int rc;

	if (conn_lost(db) && (rc = reconnect(db)))
		return rc;
	if (db->depth > 0 && PQtransactionStatus(db->c) != PQTRANS_IDLE) {
		if ((rc = pg_exec_raw(db, "SAVEPOINT gk_nested")) == 0)
			db->depth++;
		return rc;
	}
	if ((rc = pg_exec_raw(db, db->readonly ? "BEGIN" : "BEGIN; SELECT pg_advisory_xact_lock(" LOCK_WRITER ")")) == 0) {
		db->depth = 1;
	} else if (PQtransactionStatus(db->c) != PQTRANS_IDLE) {
		PQclear(PQexec(db->c, "ROLLBACK"));
	}
	return rc;
}

static void w_rollback(struct db *d)
{
	struct pdb *db = PDB(d);

	if (db->depth > 1 && PQtransactionStatus(db->c) != PQTRANS_IDLE) {
		PQclear(PQexec(db->c, "ROLLBACK TO gk_nested; RELEASE gk_nested"));
		db->depth--;
		return;
	}
	if (PQtransactionStatus(db->c) != PQTRANS_IDLE && !conn_lost(db))
		PQclear(PQexec(db->c, "ROLLBACK"));
	db->depth = 0;
}

static int w_commit(struct db *d)
{
	struct pdb *db = PDB(d);
	int rc;

	if (db->depth > 1) {
		if ((rc = pg_exec_raw(db, "RELEASE gk_nested")) == 0)
			db->depth--;
		else
			w_rollback(d);
		return rc;
	}
	if (PQtransactionStatus(db->c) == PQTRANS_INERROR) {
		w_rollback(d);
		return err_log(ERR_DB, "db: commit of a failed transaction");
	}
	if ((rc = pg_exec_raw(db, "COMMIT")) == 0)
		db->depth = 0;
	else
		w_rollback(d);
	return rc;
}

/* The highest $N of sql, outside string literals, quoted identifiers and
 * dollar-quoted bodies are not used by the store's statements. */
static int scan_params(struct pstmt *s)
{
	const char *p = s->sql;
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			q = *p;
			continue;
		}
		if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			int k = 0;

			for (p++; *p >= '0' && *p <= '9'; p++)
				k = k * 10 + (*p - '0');
			p--;
			if (k < 1 || k > MAX_PARAMS)
				return err_log(ERR_INTERNAL, "db: parameter $%d of [%s] is not $1..$%d", k, s->sql,
					       MAX_PARAMS);
			s->used[k] = true;
			if (k > s->nparams)
				s->nparams = k;
		}
	}
	return 0;
}

/* Types are left to the server, except for the $N a statement skips (a
 * binder shared by several statements): text, as nothing can infer one. */
static int stmt_prepare(struct pstmt *s)
{
	Oid types[MAX_PARAMS];
	PGresult *r;
	int rc = 0;

	for (int i = 1; i <= s->nparams; i++)
		types[i - 1] = s->used[i] ? 0 : 25 /* TEXTOID */;
	r = PQprepare(s->db->c, s->name, s->sql, s->nparams, types);

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = res_err(s->db, r, s->sql);
	else
		s->prepared = true;
	PQclear(r);
	return rc;
}

static int w_prep(struct db *d, const char *sql, struct db_stmt **out)
{
	struct pdb *db = PDB(d);
	struct pstmt *s = NULL;
	int rc;

	*out = NULL;
	if (conn_lost(db) && (rc = reconnect(db)))
		return rc;
	for (int i = 0; i < db->ncache; i++) {
		if (db->cache[i].sql == sql) {
			s = &db->cache[i];
			stmt_clear(s);
			stmt_unbind(s);
			break;
		}
	}
	if (!s) {
		const char *p = sql;

		if (db->ncache == STMT_CACHE)
			return err_log(ERR_INTERNAL, "db: statement cache full");
		s = &db->cache[db->ncache];
		memset(s, 0, sizeof(*s));
		s->base.db = d;
		s->db = db;
		s->sql = sql;
		snprintf(s->name, sizeof(s->name), "gk%d", ++db->nnames);
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		s->writes = strncmp(p, "SELECT", 6) != 0;
		if ((rc = scan_params(s)))
			return rc;
		db->ncache++;
	}
	if (!s->prepared && (rc = stmt_prepare(s)))
		return rc;
	*out = &s->base;
	return 0;
}

static bool w_has_param(struct db_stmt *st, int idx)
{
	return idx >= 1 && idx <= MAX_PARAMS && PST(st)->used[idx];
}

static bool pidx(struct pstmt *s, int idx)
{
	if (idx < 1 || idx > MAX_PARAMS || !s->used[idx]) {
		s->err = ERR_INTERNAL;
		log_error("db: no parameter $%d in [%s]", idx, s->sql);
		return false;
	}
	free(s->val[idx]);
	s->val[idx] = NULL;
	return true;
}

static void w_bind_int(struct db_stmt *st, int idx, long long v)
{
	struct pstmt *s = PST(st);
	char tmp[24];

	if (!pidx(s, idx))
		return;
	snprintf(tmp, sizeof(tmp), "%lld", v);
	if (!(s->val[idx] = strdup(tmp)))
		s->err = ERR_NOMEM;
}

static void w_bind_textn(struct db_stmt *st, int idx, const char *t, size_t n)
{
	struct pstmt *s = PST(st);

	if (!pidx(s, idx) || !t)
		return;
	/* text parameters end at NUL: a value with one is cut there, as
	 * PostgreSQL's text type cannot hold it */
	if (!(s->val[idx] = malloc(n + 1))) {
		s->err = ERR_NOMEM;
		return;
	}
	memcpy(s->val[idx], t, n);
	s->val[idx][n] = '\0';
}

static void w_bind_null(struct db_stmt *st, int idx)
{
	pidx(PST(st), idx);
}

/* Run the statement: inside a transaction, one that may write runs in a
 * savepoint so its failure leaves the transaction usable. */
static int stmt_run(struct pstmt *s)
{
	struct pdb *db = s->db;
	bool sp = s->writes && db->depth > 0 && PQtransactionStatus(db->c) == PQTRANS_INTRANS;
	const char *cmd;
	PGresult *r;
	ExecStatusType st;
	int rc;

	if (sp && (rc = pg_exec_raw(db, "SAVEPOINT gk_stmt")))
		return rc;
	r = PQexecPrepared(db->c, s->name, s->nparams, (const char *const *)(s->val + 1), NULL, NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = res_err(db, r, s->sql);
		PQclear(r);
		if (sp && !conn_lost(db))
			PQclear(PQexec(db->c, "ROLLBACK TO gk_stmt; RELEASE gk_stmt"));
		if (rc == ERR_UNAVAILABLE)
			db->depth = 0;
		return rc;
	}
	if (sp && (rc = pg_exec_raw(db, "RELEASE gk_stmt"))) {
		PQclear(r);
		return rc;
	}
	cmd = PQcmdTuples(r);
	if (cmd && *cmd)
		db->changes = strtoll(cmd, NULL, 10);
	s->res = r;
	s->nrows = st == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	s->row = -1;
	return 0;
}

static int w_step(struct db_stmt *st)
{
	struct pstmt *s = PST(st);
	int rc;

	if (s->err) {
		rc = s->err;
		stmt_unbind(s);
		return rc;
	}
	if (!s->res) {
		if (!s->prepared && (rc = stmt_prepare(s)))
			return rc;
		if ((rc = stmt_run(s)))
			return rc;
	}
	if (++s->row < s->nrows)
		return 1;
	stmt_clear(s);
	return 0;
}

static void w_done(struct db_stmt *st)
{
	stmt_clear(PST(st));
}

static const char *cell(struct pstmt *s, int col)
{
	if (!s->res || s->row < 0 || s->row >= s->nrows || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static long long w_col_int(struct db_stmt *st, int col)
{
	const char *v = cell(PST(st), col);

	if (!v)
		return 0;
	if (v[0] == 't' && !v[1])   /* boolean expressions */
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *w_col_text(struct db_stmt *st, int col)
{
	const char *v = cell(PST(st), col);

	return v ? v : "";
}

static bool w_col_isnull(struct db_stmt *st, int col)
{
	return cell(PST(st), col) == NULL;
}

static char *w_col_dup(struct db_stmt *st, int col, struct arena *a)
{
	struct pstmt *s = PST(st);
	const char *v = cell(s, col);

	if (!v)
		return NULL;
	return arena_strndup(a, v, (size_t)PQgetlength(s->res, s->row, col));
}

static long long w_changes(struct db *d)
{
	return PDB(d)->changes;
}

/* ---- migrations ---- */

static const char sql_mig_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
static const char sql_mig_max[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_mig_add[] = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

static int w_schema_version(struct db *d, int *out)
{
	struct db_stmt *st;
	int rc;

	*out = 0;
	if ((rc = w_exec(d, sql_mig_table)) || (rc = w_prep(d, sql_mig_max, &st)))
		return rc;
	if ((rc = w_step(st)) < 0)
		return rc;
	*out = (int)w_col_int(st, 0);
	w_done(st);
	return 0;
}

/* Migration assets are "src/store/migrations/NNNN_name[.dialect].sql". */
static bool mig_for_pg(const char *name, long long *version)
{
	static const char dir[] = "src/store/migrations/";
	const char *base;
	size_t n;

	if (strncmp(name, dir, sizeof(dir) - 1) != 0)
		return false;
	base = name + sizeof(dir) - 1;
	n = strlen(base);
	if (n < 9 || num_parse(base, 4, 1, 9999, version))
		return false;
	if (n > 11 && strcmp(base + n - 11, ".sqlite.sql") == 0)
		return false;
	return strcmp(base + n - 4, ".sql") == 0;
}

/* The one dialect marker of portable migrations. */
static char *mig_dialect(const char *src)
{
	static const char from[] = "@ID@", to[] = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
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

/* The audit trigger on every table of the schema but the ones not audited
 * (the same list as db_sqlite.c's audit_skip_tables), once migration 0014
 * created audit_log: a new table is audited without anyone remembering to. */
static const char sql_audit_install[] =
	"DO $$ DECLARE t TEXT; BEGIN "
	"IF to_regclass('audit_log') IS NULL THEN RETURN; END IF; "
	"FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
	"AND c.relname NOT IN ('audit_log', 'schema_migrations', 'meta', 'item_counts', 'login_failures', "
	"'login_pending', 'deliveries', 'delivery_log', 'delivery_secrets', 'delivery_tokens', "
	"'publication_events', 'email_sends') "
	"AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'gk_audit') LOOP "
	"EXECUTE format('CREATE TRIGGER gk_audit AFTER INSERT OR UPDATE OR DELETE ON %I "
	"FOR EACH ROW EXECUTE FUNCTION gk_audit_row()', t); "
	"END LOOP; END $$";

/* Two processes migrating at once: the session-level advisory lock makes
 * the second wait until the first is done; it then finds nothing to do. */
static int w_migrate(struct db *d, int *applied)
{
	struct pdb *db = PDB(d);
	int cur, rc, done = 0;
	char now[21];

	time_format_utc(time(NULL), now);
	if (applied)
		*applied = 0;
	if ((rc = pg_exec_raw(db, "SELECT pg_advisory_lock(" LOCK_MIGRATE ")")))
		return rc;
	if ((rc = w_schema_version(d, &cur)))
		goto out;
	for (size_t i = 0; i < assets_count; i++) {
		long long v;
		struct db_stmt *st;
		char *sql;

		if (!mig_for_pg(assets[i].name, &v) || v <= cur)
			continue;
		if (!(sql = mig_dialect((const char *)assets[i].data))) {
			rc = ERR_NOMEM;
			goto out;
		}
		if ((rc = w_begin(d))) {
			free(sql);
			goto out;
		}
		rc = w_exec(d, sql);
		free(sql);
		if (!rc && !(rc = w_prep(d, sql_mig_add, &st))) {
			w_bind_int(st, 1, v);
			w_bind_textn(st, 2, assets[i].name + 21, strlen(assets[i].name + 21));
			w_bind_textn(st, 3, now, strlen(now));
			rc = w_step(st);
		}
		if (rc < 0) {
			w_rollback(d);
			rc = err_log(rc, "db: migration %s failed", assets[i].name);
			goto out;
		}
		if ((rc = w_commit(d)))
			goto out;
		log_info("db: applied migration %s", assets[i].name + 21);
		cur = (int)v;
		done++;
	}
	if (applied)
		*applied = done;
	rc = pg_exec_raw(db, sql_audit_install);
out:
	if (!conn_lost(db))
		PQclear(PQexec(db->c, "SELECT pg_advisory_unlock(" LOCK_MIGRATE ")"));
	return rc;
}

/* ---- the rest of the interface ---- */

static int w_audit_enable(struct db *d, bool on);

/* No journal to switch on PostgreSQL (a bulk load is one transaction); as
 * on SQLite, its rows are recorded as one event by the loader. */
static int w_bulk_mode(struct db *d, bool on)
{
	return w_audit_enable(d, !on);
}

/* A session setting (the audit triggers read them). */
static int set_config(struct pdb *db, const char *key, const char *val)
{
	const char *params[2] = { key, val };
	PGresult *r = PQexecParams(db->c, "SELECT set_config($1, $2, false)", 2, NULL, params, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : res_err(db, r, "set_config");

	PQclear(r);
	return rc;
}

static int set_actor_now(struct pdb *db)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", db->actor_id);
	if (db->readonly)
		return 0;
	if (set_config(db, "gongkai.actor_id", db->actor_id > 0 ? id : "") ||
	    set_config(db, "gongkai.actor_name", db->actor_name) || set_config(db, "gongkai.actor_ip", db->actor_ip))
		return ERR_DB;
	return 0;
}

static void w_set_actor(struct db *d, long long user_id, const char *name, const char *ip)
{
	struct pdb *db = PDB(d);

	db->actor_id = user_id;
	snprintf(db->actor_name, sizeof(db->actor_name), "%s", name ? name : "");
	snprintf(db->actor_ip, sizeof(db->actor_ip), "%s", ip ? ip : "");
	if (!conn_lost(db))
		set_actor_now(db);
}

static int w_audit_enable(struct db *d, bool on)
{
	return set_config(PDB(d), "gongkai.audit_off", on ? "" : "1");
}

static const char *w_engine(struct db *d)
{
	return PDB(d)->engine;
}

static int w_backup(struct db *d, const char *path)
{
	(void)d;
	return err_log(ERR_INVALID, "backup: on PostgreSQL use pg_dump (not %s)", path);
}

/* Page and index structure are the server's business on PostgreSQL (its
 * checksums, pg_amcheck); what is checked here is that the server answers
 * and the schema's bookkeeping reads. */
static int w_integrity_check(struct db *d, const char **msg, struct arena *a)
{
	int v, rc;

	*msg = NULL;
	if ((rc = w_schema_version(d, &v))) {
		*msg = arena_strdup(a, PQerrorMessage(PDB(d)->c));
		return rc == ERR_UNAVAILABLE ? ERR_DB : rc;
	}
	return 0;
}

static bool w_unavailable(struct db *d)
{
	return conn_lost(PDB(d));
}

static const struct db_ops pg_ops = {
	.name = "postgresql",
	.close = w_close,
	.unavailable = w_unavailable,
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
	.engine_version = w_engine,
	.backup = w_backup,
	.integrity_check = w_integrity_check,
};

int db_pg_open(const char *conninfo, const struct db_opts *o, struct db **out)
{
	struct pdb *db;
	int rc = pg_open(conninfo, o, &db);

	*out = rc ? NULL : &db->base;
	return rc;
}
