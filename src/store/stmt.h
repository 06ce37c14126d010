/* stmt.h - small statement helpers every store file uses: optional
 * bindings, running a statement without rows, reading an INSERT ...
 * RETURNING id or a single count. Internal to src/store. */
#ifndef GK_STORE_STMT_H
#define GK_STORE_STMT_H

#include "core/err.h"
#include "store/db.h"

/* NULL for a NULL or empty string. */
static inline void bind_opt(struct db_stmt *st, int idx, const char *s)
{
	if (s && *s)
		db_bind_text(st, idx, s);
	else
		db_bind_null(st, idx);
}

/* NULL for id 0 (no reference). */
static inline void bind_id_opt(struct db_stmt *st, int idx, long long id)
{
	if (id)
		db_bind_int(st, idx, id);
	else
		db_bind_null(st, idx);
}

/* "" for NULL: NOT NULL columns with an empty default. */
static inline const char *str0(const char *s)
{
	return s ? s : "";
}

/* A statement without result rows. */
static inline int run(struct db_stmt *st)
{
	int rc = db_step(st);

	if (rc == 1) {
		db_done(st);
		return 0;
	}
	return rc;
}

/* The id an INSERT ... RETURNING id produced; ERR_NOT_FOUND when the
 * statement inserted nothing (an INSERT ... SELECT that matched no row). */
static inline int returning_id(struct db_stmt *st, long long *id)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	*id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

/* Keep an item's row of the PostgreSQL search index (item_search) in step
 * after a statement changed the item; nothing on SQLite, where triggers do
 * it. In item.c; every store function that inserts an item or changes its
 * status, title, 文号, body, org, category, date or validity calls it. */
int search_sync(struct db *db, long long id);

/* The single value of a SELECT COUNT(*) (or any one-row, one-number query). */
static inline int one_count(struct db_stmt *st, long long *n)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_DB;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}

#endif
