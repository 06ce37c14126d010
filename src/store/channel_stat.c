/* channel_stat.c - channels and their monthly figures (公开渠道数据). The
 * rules live in domain/registers/channel_stats; this file only reads and
 * writes rows. See channel_stat.h. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/grow.h"
#include "core/banned.h"

#define CHANNEL_ORDER " ORDER BY CASE c.type WHEN 'portal' THEN 0 WHEN 'new_media' THEN 1 ELSE 2 END, c.id"
#define CHANNEL_COLS                                                                                     \
	"c.id, c.org_id, c.name, c.type, c.platform, c.created_at, c.updated_at, "                        \
	"(SELECT COUNT(*) FROM channel_figures f WHERE f.org_id = c.org_id AND f.channel_id = c.id)"

static const char sql_channel_insert[] =
	"INSERT INTO stat_channels (org_id, name, type, platform, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
static const char sql_channel_update[] =
	"UPDATE stat_channels SET name = $3, type = $4, platform = $5, updated_at = $6 WHERE org_id = $1 AND id = $2";
static const char sql_channel_delete_figures[] = "DELETE FROM channel_figures WHERE org_id = $1 AND channel_id = $2";
static const char sql_channel_delete[] = "DELETE FROM stat_channels WHERE org_id = $1 AND id = $2";
static const char sql_channel_get[] =
	"SELECT " CHANNEL_COLS " FROM stat_channels c WHERE c.org_id = $1 AND c.id = $2";
static const char sql_channel_by_name[] =
	"SELECT " CHANNEL_COLS " FROM stat_channels c WHERE c.org_id = $1 AND c.name = $2";
static const char sql_channels[] = "SELECT " CHANNEL_COLS " FROM stat_channels c WHERE c.org_id = $1" CHANNEL_ORDER;

/* The figure is written only when the channel belongs to the org: INSERT
 * ... SELECT from it; no row means not found. */
static const char sql_figure_put[] =
	"INSERT INTO channel_figures (org_id, channel_id, year, month, metric, value, label, updated_by, updated_at) "
	"SELECT org_id, id, $3, $4, $5, $6, $7, $8, $9 FROM stat_channels WHERE org_id = $1 AND id = $2 "
	"ON CONFLICT (org_id, channel_id, year, month, metric) DO UPDATE SET value = excluded.value, "
	"label = excluded.label, updated_by = excluded.updated_by, updated_at = excluded.updated_at "
	"RETURNING id";
static const char sql_figures_delete_metric[] =
	"DELETE FROM channel_figures WHERE org_id = $1 AND channel_id = $2 AND year = $3 AND metric = $4";
/* $2 channel (0 all), $3 year (0 all) */
static const char sql_figures[] =
	"SELECT f.id, f.org_id, f.channel_id, f.year, f.month, f.metric, f.value, f.label, "
	"COALESCE(f.updated_by, 0), f.updated_at FROM channel_figures f JOIN stat_channels c ON c.id = f.channel_id "
	"WHERE f.org_id = $1 AND ($2 = 0 OR f.channel_id = $2) AND ($3 = 0 OR f.year = $3) "
	"ORDER BY CASE c.type WHEN 'portal' THEN 0 WHEN 'new_media' THEN 1 ELSE 2 END, c.id, f.year, f.month, f.id";
static const char sql_metrics[] =
	"SELECT metric FROM channel_figures WHERE org_id = $1 AND channel_id = $2 GROUP BY metric ORDER BY MIN(id)";
static const char sql_years[] =
	"SELECT DISTINCT year FROM channel_figures WHERE org_id = $1 ORDER BY year DESC";

/* ---- channels ---- */

static void channel_read(struct db_stmt *st, struct arena *a, struct stat_channel *c)
{
	c->id = db_col_int(st, 0);
	c->org_id = db_col_int(st, 1);
	c->name = db_col_dup(st, 2, a);
	c->type = db_col_dup(st, 3, a);
	c->platform = db_col_dup(st, 4, a);
	c->created_at = db_col_dup(st, 5, a);
	c->updated_at = db_col_dup(st, 6, a);
	c->nfigures = db_col_int(st, 7);
}

static int channel_one(struct db_stmt *st, struct arena *a, struct stat_channel *out)
{
	int rc = db_step(st);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	channel_read(st, a, out);
	db_done(st);
	return out->name && out->type && out->platform && out->created_at ? 0 : ERR_NOMEM;
}

int store_stat_channel_insert(struct db *db, struct stat_channel *c)
{
	struct db_stmt *st;
	int rc;

	if (!c->name || !c->type || !c->created_at)
		return ERR_INTERNAL;
	if ((rc = db_prep(db, sql_channel_insert, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_text(st, 2, c->name);
	db_bind_text(st, 3, c->type);
	db_bind_text(st, 4, str0(c->platform));
	db_bind_text(st, 5, c->created_at);
	if ((rc = db_step(st)) <= 0)
		return rc < 0 ? rc : ERR_DB;
	c->id = db_col_int(st, 0);
	db_done(st);
	return 0;
}

int store_stat_channel_update(struct db *db, const struct stat_channel *c)
{
	struct db_stmt *st;
	int rc;

	if (!c->name || !c->type || !c->updated_at)
		return ERR_INTERNAL;
	if ((rc = db_prep(db, sql_channel_update, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_int(st, 2, c->id);
	db_bind_text(st, 3, c->name);
	db_bind_text(st, 4, c->type);
	db_bind_text(st, 5, str0(c->platform));
	db_bind_text(st, 6, c->updated_at);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_stat_channel_delete(struct db *db, long long org_id, long long id)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_channel_delete_figures, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = run(st)) || (rc = db_prep(db, sql_channel_delete, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	if ((rc = run(st)))
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_NOT_FOUND;
}

int store_stat_channel_get(struct db *db, struct arena *a, long long org_id, long long id, struct stat_channel *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_channel_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return channel_one(st, a, out);
}

int store_stat_channel_by_name(struct db *db, struct arena *a, long long org_id, const char *name,
			       struct stat_channel *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_channel_by_name, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, name);
	return channel_one(st, a, out);
}

int store_stat_channels(struct db *db, struct arena *a, long long org_id, struct stat_channel **out, size_t *n)
{
	struct stat_channel *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_channels, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct stat_channel *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!c) {
			db_done(st);
			return ERR_NOMEM;
		}
		channel_read(st, a, c);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- figures ---- */

int store_channel_figure_put(struct db *db, const struct channel_figure *f)
{
	struct db_stmt *st;
	int rc;

	if (!f->metric || !f->updated_at)
		return ERR_INTERNAL;
	if ((rc = db_prep(db, sql_figure_put, &st)))
		return rc;
	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->channel_id);
	db_bind_int(st, 3, f->year);
	db_bind_int(st, 4, f->month);
	db_bind_text(st, 5, f->metric);
	db_bind_int(st, 6, f->value);
	db_bind_text(st, 7, str0(f->label));
	bind_id_opt(st, 8, f->updated_by);
	db_bind_text(st, 9, f->updated_at);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 0)
		return ERR_NOT_FOUND;
	db_done(st);
	return 0;
}

int store_channel_figures_delete_metric(struct db *db, long long org_id, long long channel_id, int year,
					const char *metric, long long *deleted)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_figures_delete_metric, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_int(st, 3, year);
	db_bind_text(st, 4, metric);
	if ((rc = run(st)))
		return rc;
	if (deleted)
		*deleted = db_changes(db);
	return 0;
}

int store_channel_figures(struct db *db, struct arena *a, long long org_id, long long channel_id, int year,
			  struct channel_figure **out, size_t *n)
{
	struct channel_figure *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_figures, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	db_bind_int(st, 3, year);
	while ((rc = db_step(st)) == 1) {
		struct channel_figure *f = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!f) {
			db_done(st);
			return ERR_NOMEM;
		}
		f->id = db_col_int(st, 0);
		f->org_id = db_col_int(st, 1);
		f->channel_id = db_col_int(st, 2);
		f->year = (int)db_col_int(st, 3);
		f->month = (int)db_col_int(st, 4);
		f->metric = db_col_dup(st, 5, a);
		f->value = db_col_int(st, 6);
		f->label = db_col_dup(st, 7, a);
		f->updated_by = db_col_int(st, 8);
		f->updated_at = db_col_dup(st, 9, a);
		if (!f->metric || !f->label || !f->updated_at) {
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

int store_channel_metrics(struct db *db, struct arena *a, long long org_id, long long channel_id, const char ***out,
			  size_t *n)
{
	const char **arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_metrics, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, channel_id);
	while ((rc = db_step(st)) == 1) {
		const char **m = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!m || !(*m = db_col_dup(st, 0, a))) {
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

int store_channel_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n)
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
