/* calendar.c - the working-day calendar's rows: listed days and covered
 * years per org. See store.h. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

/* days of a year compare as text: 'YYYY-01-01' <= day < 'YYYY+1-01-01' */
static const char sql_cal_delete_year[] = "DELETE FROM calendar_days WHERE org_id = $1 AND day >= $2 AND day < $3";
static const char sql_cal_insert_day[] = "INSERT INTO calendar_days (org_id, day, kind, name) VALUES ($1, $2, $3, $4)";
static const char sql_cal_cover_year[] =
	"INSERT INTO calendar_years (org_id, year) VALUES ($1, $2) ON CONFLICT (org_id, year) DO NOTHING";
static const char sql_cal_days[] = "SELECT day, kind, name FROM calendar_days WHERE org_id = $1 ORDER BY day";
static const char sql_cal_years[] = "SELECT year FROM calendar_years WHERE org_id = $1 ORDER BY year";

int store_calendar_replace(struct db *db, long long org_id, const int *years, size_t ny,
			   const struct calendar_day *days, size_t n)
{
	struct db_stmt *st;
	int rc;

	for (size_t i = 0; i < ny; i++) {
		char from[24], to[24];

		if (years[i] < 1 || years[i] > 9998)
			return ERR_INVALID;
		snprintf(from, sizeof(from), "%04d-01-01", years[i]);
		snprintf(to, sizeof(to), "%04d-01-01", years[i] + 1);
		if ((rc = db_prep(db, sql_cal_delete_year, &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		db_bind_text(st, 2, from);
		db_bind_text(st, 3, to);
		if ((rc = run(st)))
			return rc;
		if ((rc = db_prep(db, sql_cal_cover_year, &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		db_bind_int(st, 2, years[i]);
		if ((rc = run(st)))
			return rc;
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = db_prep(db, sql_cal_insert_day, &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		db_bind_text(st, 2, days[i].day);
		db_bind_text(st, 3, days[i].kind);
		db_bind_text(st, 4, days[i].name);
		if ((rc = run(st)))
			return rc;
	}
	return 0;
}

int store_calendar_days(struct db *db, struct arena *a, long long org_id, struct calendar_day **out, size_t *n)
{
	struct calendar_day *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_cal_days, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct calendar_day *d = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!d || !(d->day = db_col_dup(st, 0, a)) || !(d->kind = db_col_dup(st, 1, a)) ||
		    !(d->name = db_col_dup(st, 2, a))) {
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

int store_calendar_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n)
{
	int *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_cal_years, &st)))
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
