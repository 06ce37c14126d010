/* db.h - the database connection behind every store function.
 *
 * SQL is written once, in PostgreSQL's parameter style ($1..$N), as static
 * const char[] literals in src/store; statements are prepared once per
 * connection and cached by the literal's address. A backend (SQLite in
 * db_sqlite.c, PostgreSQL in db_pg.c, behind db_backend.h) implements this
 * interface; no other file sees sqlite3 or libpq.
 *
 * A struct db is one connection and is used by one thread at a time; a
 * struct db_pool hands connections to request threads. */
#ifndef GK_STORE_DB_H
#define GK_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>

struct db;
struct db_stmt;
struct db_pool;
struct fts_ctx;

struct db_opts {
	struct fts_ctx *fts;   /* tokenizer for full-text search; required */
	bool readonly;
	int cache_mb;          /* page cache of the connection (0: 32 MB); bulk loads want more */
};

/* Open the database at target: a libpq connection string
 * ("postgresql://...", "postgres://..." or "host=... dbname=...") for
 * PostgreSQL, anything else is the path of a SQLite file (WAL mode, foreign
 * keys on, busy timeout). On failure *out is NULL and a message is logged;
 * ERR_UNAVAILABLE when the PostgreSQL server cannot be reached. */
int db_open(const char *target, const struct db_opts *o, struct db **out);
void db_close(struct db *db);
/* Did this connection lose its server (PostgreSQL)? The next db_prep or
 * db_begin reconnects. Always false on SQLite. */
bool db_unavailable(struct db *db);
/* Does target name a PostgreSQL database (see db_open)? */
bool db_target_is_pg(const char *target);
/* Is this connection PostgreSQL's? For the few statements that need a
 * dialect of their own (src/store only). */
bool db_is_pg(const struct db *db);
/* The tokenizer the connection was opened with (db_opts.fts): the store
 * tokenizes items itself on PostgreSQL. */
struct fts_ctx *db_fts(const struct db *db);

/* Apply the numbered migrations not yet applied, each in a transaction.
 * *applied (may be NULL) receives how many ran. Idempotent. */
int db_migrate(struct db *db, int *applied);
/* The highest migration applied (0 if none). */
int db_schema_version(struct db *db, int *out);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite), so a transaction never fails half-way on lock upgrade. Inside an
 * open transaction db_begin opens a savepoint instead, and the matching
 * db_commit / db_rollback release or undo only that inner unit: a domain
 * function that owns its transaction also works inside a caller's (a bulk
 * load that must stay all-or-nothing). */
int db_begin(struct db *db);
int db_commit(struct db *db);
/* Roll back if a transaction is open; safe to call on any path. */
void db_rollback(struct db *db);

/* The cached prepared statement for this SQL literal (reset, bindings
 * cleared). Owned by the connection. */
int db_prep(struct db *db, const char *sql, struct db_stmt **out);
/* Bind $idx. Errors are sticky and reported by the next db_step. */
void db_bind_int(struct db_stmt *st, int idx, long long v);
void db_bind_text(struct db_stmt *st, int idx, const char *s);      /* NULL binds NULL */
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n);
void db_bind_null(struct db_stmt *st, int idx);
/* Does the statement use $idx? For binders shared by several statements. */
bool db_has_param(struct db_stmt *st, int idx);
/* Returns 1 when a row is ready, 0 when done (the statement is then reset),
 * or a negative enum err: ERR_CONFLICT on a constraint violation or busy
 * database, ERR_DB otherwise (logged). */
int db_step(struct db_stmt *st);
/* Stop reading rows early (before db_step returned 0). */
void db_done(struct db_stmt *st);
long long db_col_int(struct db_stmt *st, int col);
/* Column text, "" for NULL; valid until the next step. Use db_col_dup to keep it. */
const char *db_col_text(struct db_stmt *st, int col);
bool db_col_isnull(struct db_stmt *st, int col);
struct arena;
char *db_col_dup(struct db_stmt *st, int col, struct arena *a);    /* NULL for NULL */
/* Rows changed by the last statement. */
long long db_changes(struct db *db);
/* Run one SQL statement with no parameters and no result rows. */
int db_exec(struct db *db, const char *sql);
/* Bulk loading on a database nobody else has open: on, the journal is a
 * rollback journal without fsync (a bulk load is one transaction that is
 * redone after a crash); off, back to WAL with synchronous=FULL. Outside a
 * transaction. ERR_CONFLICT when another connection holds the database. */
int db_bulk_mode(struct db *db, bool on);
/* Who the audit trail records for the changes this connection makes
 * from now on: a staff user (id > 0, name), or 0 with a name such as
 * "命令行" for the CLI, or 0 and "" for the public; ip may be "". The pool
 * clears it when the connection is returned. */
void db_set_actor(struct db *db, long long user_id, const char *name, const char *ip);

/* Row-by-row auditing on this connection: on (the default) or off. Off is
 * for bulk loads (db_bulk_mode turns it off and on again; the loader
 * records one event instead) and for measuring its cost (bench/). */
int db_audit_enable(struct db *db, bool on);

/* The SQLite library linked in, e.g. "SQLite 3.40.1" (static). */
const char *db_engine_version(void);
/* The engine of this connection and its version, e.g. "SQLite 3.40.1" or
 * "PostgreSQL 15.4" (valid while the connection is open). */
const char *db_engine(struct db *db);
/* Online backup of the whole database into the file at path. */
int db_backup(struct db *db, const char *path);
/* Check the whole database: page structure and indexes (PRAGMA
 * integrity_check) and references (PRAGMA foreign_key_check). 0 when it
 * passes; ERR_INVALID when problems were found, ERR_DB when the check could
 * not run (not a database, unreadable); then *msg says what (the engine's
 * words, the first few problems; arena memory). Read-only connections work. */
int db_integrity_check(struct db *db, const char **msg, struct arena *a);

/* ---- dynamic statements ----
 * For the one tool that works from the schema rather than from the
 * product's records (store copy, src/store/copy.c): SQL built at run time
 * from table and column names the engine's catalog gave (never from input),
 * not cached, any number of parameters $1..$N, and values with their types
 * both ways (integers, reals, text, blobs, NULL). Everything else uses
 * db_prep. */
enum db_vtype { DB_V_NULL, DB_V_INT, DB_V_REAL, DB_V_TEXT, DB_V_BLOB };
struct db_value {
	enum db_vtype t;
	long long i;        /* DB_V_INT */
	double r;           /* DB_V_REAL */
	const void *p;      /* DB_V_TEXT (UTF-8, not NUL-terminated) and DB_V_BLOB */
	size_t n;
};
struct db_dyn;
/* Prepare sql on db; *out is the caller's to free with db_dyn_free. */
int db_dyn_prep(struct db *db, const char *sql, struct db_dyn **out);
/* Bind $idx (the value is copied). Errors are sticky, reported by the next step. */
void db_dyn_bind(struct db_dyn *d, int idx, const struct db_value *v);
/* 1 when a row is ready, 0 when done (then the statement may be bound and
 * run again), or a negative enum err (logged). Rows are read one at a
 * time (PostgreSQL: single-row mode), so a big table is not held in memory. */
int db_dyn_step(struct db_dyn *d);
int db_dyn_ncols(struct db_dyn *d);
/* The value of column col of the current row; pointers valid until the next step. */
void db_dyn_col(struct db_dyn *d, int col, struct db_value *out);
void db_dyn_free(struct db_dyn *d);

/* A fixed set of connections shared by threads. */
int db_pool_open(const char *target, const struct db_opts *o, int n, struct db_pool **out);
void db_pool_close(struct db_pool *p);
/* Blocks until a connection is free. */
struct db *db_pool_get(struct db_pool *p);
void db_pool_put(struct db_pool *p, struct db *db);

#endif
