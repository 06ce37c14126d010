/* db_backend.h - what a database backend implements behind db.h. Internal
 * to src/store: db.c dispatches every db_* call through the connection's
 * table of operations; db_sqlite.c and db_pg.c each fill one. A backend's
 * connection and statement structs start with struct db / struct db_stmt. */
#ifndef GK_STORE_DB_BACKEND_H
#define GK_STORE_DB_BACKEND_H

#include "store/db.h"

struct db_ops {
	const char *name;    /* "sqlite", "postgresql" */
	void (*close)(struct db *db);
	bool (*unavailable)(struct db *db);   /* NULL: never */
	int (*migrate)(struct db *db, int *applied);
	int (*schema_version)(struct db *db, int *out);
	int (*begin)(struct db *db);
	int (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	int (*prep)(struct db *db, const char *sql, struct db_stmt **out);
	void (*bind_int)(struct db_stmt *st, int idx, long long v);
	void (*bind_textn)(struct db_stmt *st, int idx, const char *s, size_t n);
	void (*bind_null)(struct db_stmt *st, int idx);
	bool (*has_param)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st);
	void (*done)(struct db_stmt *st);
	long long (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	bool (*col_isnull)(struct db_stmt *st, int col);
	char *(*col_dup)(struct db_stmt *st, int col, struct arena *a);
	long long (*changes)(struct db *db);
	int (*exec)(struct db *db, const char *sql);
	int (*bulk_mode)(struct db *db, bool on);
	void (*set_actor)(struct db *db, long long user_id, const char *name, const char *ip);
	int (*audit_enable)(struct db *db, bool on);
	const char *(*engine_version)(struct db *db);
	int (*backup)(struct db *db, const char *path);
	int (*integrity_check)(struct db *db, const char **msg, struct arena *a);
	int (*dyn_prep)(struct db *db, const char *sql, struct db_dyn **out);
	void (*dyn_bind)(struct db_dyn *d, int idx, const struct db_value *v);
	int (*dyn_step)(struct db_dyn *d);
	int (*dyn_ncols)(struct db_dyn *d);
	void (*dyn_col)(struct db_dyn *d, int col, struct db_value *out);
	void (*dyn_free)(struct db_dyn *d);
};

struct db {
	const struct db_ops *ops;
	struct fts_ctx *fts;  /* db_opts.fts */
};

struct db_stmt {
	struct db *db;
};

struct db_dyn {
	struct db *db;
};

/* The backends' constructors, chosen by db_open from the target. */
int db_sqlite_open(const char *path, const struct db_opts *o, struct db **out);
int db_pg_open(const char *conninfo, const struct db_opts *o, struct db **out);

#endif
