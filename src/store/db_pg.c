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
#include "store/store.h"
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

/* Outside a transaction: notice a server that went away while this
 * connection sat idle in the pool (a server shut down closes its clients'
 * sockets: reading what is there, without blocking, sees the end) and
 * reconnect, so that the first request after a restart works instead of
 * failing on a dead connection. */
static int conn_check(struct pdb *db)
{
	if (!conn_lost(db) && db->depth == 0 && PQtransactionStatus(db->c) == PQTRANS_IDLE)
		(void)PQconsumeInput(db->c);
	return conn_lost(db) ? reconnect(db) : 0;
}

static int pg_open(const char *target, const struct db_opts *o, struct pdb **out)
{
	struct pdb *db = calloc(1, sizeof(*db));

	*out = NULL;
	if (!db)
		return ERR_NOMEM;
	db->base.ops = &pg_ops;
	db->base.fts = o->fts;
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

	if ((rc = conn_check(db)))
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
	if ((rc = conn_check(db)))
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
		bool alone = s->db->depth == 0;

		if (!s->prepared && (rc = stmt_prepare(s)))
			return rc;
		/* a read outside a transaction that lost its connection on
		 * the way is run once more on a new one: nothing was changed */
		if ((rc = stmt_run(s)) == ERR_UNAVAILABLE && alone && !s->writes && reconnect(s->db) == 0 &&
		    (rc = stmt_prepare(s)) == 0)
			rc = stmt_run(s);
		if (rc)
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
	/* a read-only connection (the source of store copy) only reads it */
	if ((!PDB(d)->readonly && (rc = w_exec(d, sql_mig_table))) || (rc = w_prep(d, sql_mig_max, &st)))
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
	"'login_pending', 'item_search', 'deliveries', 'delivery_log', 'delivery_secrets', 'delivery_tokens', "
	"'publication_events', 'email_sends') "
	"AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'gk_audit') LOOP "
	"EXECUTE format('CREATE TRIGGER gk_audit AFTER INSERT OR UPDATE OR DELETE ON %I "
	"FOR EACH ROW EXECUTE FUNCTION gk_audit_row()', t); "
	"END LOOP; END $$";

/* The search index (item_search) is filled from C: a committed
 * 'fts_deferred' mark (left by migration 0016 for the items published
 * before it, or by a bulk load that ended without its rebuild) means it
 * must be rebuilt. A bulk load still running holds the writer lock, and its
 * mark is not visible until it commits, so the check runs inside our own
 * transaction. */
static const char sql_search_deferred[] = "SELECT COUNT(*) FROM meta WHERE key = 'fts_deferred'";

static int search_catch_up(struct db *d)
{
	struct db_stmt *st;
	long long n = 0;
	int rc;

	if (PDB(d)->readonly)
		return 0;
	if ((rc = w_begin(d)))
		return rc;
	if (!(rc = w_prep(d, sql_search_deferred, &st)) && (rc = w_step(st)) == 1) {
		n = w_col_int(st, 0);
		w_done(st);
		rc = 0;
	}
	if (!rc && n && !(rc = store_search_rebuild(d)))
		log_info("db: search index built");
	if (rc < 0) {
		w_rollback(d);
		return rc;
	}
	return w_commit(d);
}

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
	if (!(rc = pg_exec_raw(db, sql_audit_install)))
		rc = search_catch_up(d);
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

/* ---- dynamic statements (db.h) ----
 * Sent with PQsendQueryParams and read in single-row mode, so a table is
 * streamed row by row. Values travel as text, except blobs: bytea, sent in
 * binary and read back from the hex text form. */

struct pdyn {
	struct db_dyn base;       /* first: the interface's view */
	struct pdb *db;
	char *sql;
	int nparams;              /* highest $N */
	char **val;               /* [nparams]: bound values (malloc), NULL for NULL */
	int *len, *fmt;
	Oid *types;
	int err;                  /* sticky bind error */
	bool running;             /* sent, results not all read */
	PGresult *res;            /* the current row's */
	unsigned char *blob;      /* the last unescaped bytea (PQfreemem) */
	char num[32];
};

static int w_dyn_prep(struct db *d, const char *sql, struct db_dyn **out)
{
	struct pdb *db = PDB(d);
	struct pdyn *x;
	char q = 0;

	*out = NULL;
	if (conn_lost(db))
		return ERR_UNAVAILABLE;
	if (!(x = calloc(1, sizeof(*x))) || !(x->sql = strdup(sql))) {
		free(x);
		return ERR_NOMEM;
	}
	for (const char *p = sql; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			int k = 0;

			for (p++; *p >= '0' && *p <= '9' && k < 100000; p++)
				k = k * 10 + (*p - '0');
			p--;
			if (k > x->nparams)
				x->nparams = k;
		}
	}
	if (x->nparams) {
		size_t n = (size_t)x->nparams;

		x->val = calloc(n, sizeof(*x->val));
		x->len = calloc(n, sizeof(*x->len));
		x->fmt = calloc(n, sizeof(*x->fmt));
		x->types = calloc(n, sizeof(*x->types));
		if (!x->val || !x->len || !x->fmt || !x->types) {
			x->err = ERR_NOMEM;
		}
	}
	x->base.db = d;
	x->db = db;
	*out = &x->base;
	return 0;
}

static void w_dyn_bind(struct db_dyn *d, int idx, const struct db_value *v)
{
	struct pdyn *x = (struct pdyn *)d;
	const char *src = NULL;
	size_t n = 0;
	int i = idx - 1;

	if (x->err)
		return;
	if (idx < 1 || idx > x->nparams) {
		x->err = err_log(ERR_INTERNAL, "db: no parameter $%d in [%s]", idx, x->sql);
		return;
	}
	free(x->val[i]);
	x->val[i] = NULL;
	x->len[i] = 0;
	x->fmt[i] = 0;
	x->types[i] = 0;
	switch (v->t) {
	case DB_V_NULL:
		return;
	case DB_V_INT:
		snprintf(x->num, sizeof(x->num), "%lld", v->i);
		src = x->num;
		n = strlen(x->num);
		break;
	case DB_V_REAL:
		snprintf(x->num, sizeof(x->num), "%.17g", v->r);
		src = x->num;
		n = strlen(x->num);
		break;
	case DB_V_TEXT:
		src = v->p ? v->p : "";
		n = v->n;
		if (memchr(src, '\0', n)) {
			x->err = err_log(ERR_INVALID, "db: a text value with a NUL byte cannot go to PostgreSQL");
			return;
		}
		break;
	case DB_V_BLOB:
		src = v->p ? v->p : "";
		n = v->n;
		x->fmt[i] = 1;      /* binary */
		x->types[i] = 17;   /* BYTEAOID */
		break;
	}
	if (!(x->val[i] = malloc(n + 1))) {
		x->err = ERR_NOMEM;
		return;
	}
	memcpy(x->val[i], src, n);
	x->val[i][n] = '\0';
	x->len[i] = (int)n;
}

/* Read what is left of the current statement's results. */
static void dyn_drain(struct pdyn *x)
{
	PGresult *r;

	PQclear(x->res);
	x->res = NULL;
	if (x->running)
		while ((r = PQgetResult(x->db->c)))
			PQclear(r);
	x->running = false;
}

static int w_dyn_step(struct db_dyn *d)
{
	struct pdyn *x = (struct pdyn *)d;
	PGresult *r;
	int rc;

	PQclear(x->res);
	x->res = NULL;
	if (x->err) {
		rc = x->err;
		x->err = 0;
		dyn_drain(x);
		return rc;
	}
	if (!x->running) {
		if (!PQsendQueryParams(x->db->c, x->sql, x->nparams, x->types, (const char *const *)x->val, x->len,
				       x->fmt, 0))
			return res_err(x->db, NULL, x->sql);
		PQsetSingleRowMode(x->db->c);
		x->running = true;
	}
	r = PQgetResult(x->db->c);
	switch (PQresultStatus(r)) {
	case PGRES_SINGLE_TUPLE:
		x->res = r;
		return 1;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK: {
		const char *cmd = PQcmdTuples(r);

		if (cmd && *cmd)
			x->db->changes = strtoll(cmd, NULL, 10);
		PQclear(r);
		dyn_drain(x);
		return 0;
	}
	default:
		rc = res_err(x->db, r, x->sql);
		PQclear(r);
		dyn_drain(x);
		return rc;
	}
}

static int w_dyn_ncols(struct db_dyn *d)
{
	struct pdyn *x = (struct pdyn *)d;

	return x->res ? PQnfields(x->res) : 0;
}

static void w_dyn_col(struct db_dyn *d, int col, struct db_value *out)
{
	struct pdyn *x = (struct pdyn *)d;
	const char *v;

	memset(out, 0, sizeof(*out));
	if (!x->res || col < 0 || col >= PQnfields(x->res) || PQgetisnull(x->res, 0, col))
		return;
	v = PQgetvalue(x->res, 0, col);
	switch (PQftype(x->res, col)) {
	case 20: case 21: case 23:   /* int8, int2, int4 */
		out->t = DB_V_INT;
		out->i = strtoll(v, NULL, 10);
		break;
	case 16:                     /* bool */
		out->t = DB_V_INT;
		out->i = v[0] == 't';
		break;
	case 700: case 701: case 1700:  /* float4, float8, numeric */
		out->t = DB_V_REAL;
		out->r = strtod(v, NULL);
		break;
	case 17: {                   /* bytea, in its hex text form */
		size_t n = 0;

		if (x->blob)
			PQfreemem(x->blob);
		x->blob = PQunescapeBytea((const unsigned char *)v, &n);
		out->t = DB_V_BLOB;
		out->p = x->blob ? (const void *)x->blob : "";
		out->n = x->blob ? n : 0;
		break;
	}
	default:
		out->t = DB_V_TEXT;
		out->p = v;
		out->n = (size_t)PQgetlength(x->res, 0, col);
	}
}

static void w_dyn_free(struct db_dyn *d)
{
	struct pdyn *x = (struct pdyn *)d;

	dyn_drain(x);
	if (x->blob)
		PQfreemem(x->blob);
	for (int i = 0; i < x->nparams && x->val; i++)
		free(x->val[i]);
	free(x->val);
	free(x->len);
	free(x->fmt);
	free(x->types);
	free(x->sql);
	free(x);
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
	.dyn_prep = w_dyn_prep,
	.dyn_bind = w_dyn_bind,
	.dyn_step = w_dyn_step,
	.dyn_ncols = w_dyn_ncols,
	.dyn_col = w_dyn_col,
	.dyn_free = w_dyn_free,
};

int db_pg_open(const char *conninfo, const struct db_opts *o, struct db **out)
{
	struct pdb *db;
	int rc = pg_open(conninfo, o, &db);

	*out = rc ? NULL : &db->base;
	return rc;
}
