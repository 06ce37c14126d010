/* db.c - db.h's functions: the backend a target selects, and the pool.
 *
 * A libpq connection string ("postgresql://...", "postgres://...", or
 * keyword=value pairs such as "host=/tmp dbname=gk") selects PostgreSQL
 * (db_pg.c); anything else is the path of a SQLite file (db_sqlite.c).
 * Every other call goes through the connection's table of operations. */
#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/db_backend.h"
#include "core/banned.h"

bool db_target_is_pg(const char *target)
{
	const char *eq;

	if (!target)
		return false;
	if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
		return true;
	/* keyword=value: a first word of letters and '_' followed by '=' (a
	 * file name with '=' in it starts with a path or has no keyword) */
	eq = strchr(target, '=');
	if (!eq || eq == target)
		return false;
	for (const char *p = target; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return false;
	return true;
}

int db_open(const char *target, const struct db_opts *o, struct db **out)
{
	if (db_target_is_pg(target))
		return db_pg_open(target, o, out);
	return db_sqlite_open(target, o, out);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

bool db_unavailable(struct db *db)
{
	return db->ops->unavailable && db->ops->unavailable(db);
}

struct fts_ctx *db_fts(const struct db *db)
{
	return db->fts;
}

bool db_is_pg(const struct db *db)
{
	return strcmp(db->ops->name, "postgresql") == 0;
}

int db_migrate(struct db *db, int *applied) { return db->ops->migrate(db, applied); }
int db_schema_version(struct db *db, int *out) { return db->ops->schema_version(db, out); }
int db_begin(struct db *db) { return db->ops->begin(db); }
int db_commit(struct db *db) { return db->ops->commit(db); }
void db_rollback(struct db *db) { db->ops->rollback(db); }
int db_prep(struct db *db, const char *sql, struct db_stmt **out) { return db->ops->prep(db, sql, out); }
void db_bind_int(struct db_stmt *st, int idx, long long v) { st->db->ops->bind_int(st, idx, v); }
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n) { st->db->ops->bind_textn(st, idx, s, n); }
void db_bind_text(struct db_stmt *st, int idx, const char *s) { st->db->ops->bind_textn(st, idx, s, s ? strlen(s) : 0); }
void db_bind_null(struct db_stmt *st, int idx) { st->db->ops->bind_null(st, idx); }
bool db_has_param(struct db_stmt *st, int idx) { return st->db->ops->has_param(st, idx); }
int db_step(struct db_stmt *st) { return st->db->ops->step(st); }
void db_done(struct db_stmt *st) { st->db->ops->done(st); }
long long db_col_int(struct db_stmt *st, int col) { return st->db->ops->col_int(st, col); }
const char *db_col_text(struct db_stmt *st, int col) { return st->db->ops->col_text(st, col); }
bool db_col_isnull(struct db_stmt *st, int col) { return st->db->ops->col_isnull(st, col); }
char *db_col_dup(struct db_stmt *st, int col, struct arena *a) { return st->db->ops->col_dup(st, col, a); }
long long db_changes(struct db *db) { return db->ops->changes(db); }
int db_exec(struct db *db, const char *sql) { return db->ops->exec(db, sql); }
int db_bulk_mode(struct db *db, bool on) { return db->ops->bulk_mode(db, on); }
void db_set_actor(struct db *db, long long user_id, const char *name, const char *ip)
{
	db->ops->set_actor(db, user_id, name, ip);
}
int db_audit_enable(struct db *db, bool on) { return db->ops->audit_enable(db, on); }
const char *db_engine(struct db *db) { return db->ops->engine_version(db); }
int db_backup(struct db *db, const char *path) { return db->ops->backup(db, path); }
int db_integrity_check(struct db *db, const char **msg, struct arena *a)
{
	return db->ops->integrity_check(db, msg, a);
}

int db_dyn_prep(struct db *db, const char *sql, struct db_dyn **out) { return db->ops->dyn_prep(db, sql, out); }
void db_dyn_bind(struct db_dyn *d, int idx, const struct db_value *v) { d->db->ops->dyn_bind(d, idx, v); }
int db_dyn_step(struct db_dyn *d) { return d->db->ops->dyn_step(d); }
int db_dyn_ncols(struct db_dyn *d) { return d->db->ops->dyn_ncols(d); }
void db_dyn_col(struct db_dyn *d, int col, struct db_value *out) { d->db->ops->dyn_col(d, col, out); }
void db_dyn_free(struct db_dyn *d)
{
	if (d)
		d->db->ops->dyn_free(d);
}

/* ---- pool ---- */

struct db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int n, nfree;
	struct db **all;
	struct db **free;
};

int db_pool_open(const char *target, const struct db_opts *o, int n, struct db_pool **out)
{
	struct db_pool *p = calloc(1, sizeof(*p));
	int rc = 0;

	*out = NULL;
	if (!p)
		return ERR_NOMEM;
	p->all = calloc((size_t)n, sizeof(*p->all));
	p->free = calloc((size_t)n, sizeof(*p->free));
	if (!p->all || !p->free) {
		free(p->all);
		free(p->free);
		free(p);
		return ERR_NOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int i = 0; i < n; i++) {
		if ((rc = db_open(target, o, &p->all[i])))
			break;
		p->free[p->nfree++] = p->all[i];
		p->n++;
	}
	if (rc) {
		db_pool_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

void db_pool_close(struct db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		db_close(p->all[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->all);
	free(p->free);
	free(p);
}

struct db *db_pool_get(struct db_pool *p)
{
	struct db *db;

	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	db = p->free[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return db;
}

void db_pool_put(struct db_pool *p, struct db *db)
{
	db_rollback(db); /* a request that failed mid-transaction leaves nothing */
	db_set_actor(db, 0, NULL, NULL);
	pthread_mutex_lock(&p->mu);
	p->free[p->nfree++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}
