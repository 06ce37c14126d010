/* calendar.h - the working-day calendar (工作日历): statutory holidays and
 * adjusted working days (调休), and the working-day arithmetic of the
 * disclosure deadlines.
 *
 * A day is a working day iff the calendar lists it as "work", or it is
 * Monday-Friday and not listed as "off" (spec, "Working days and
 * deadlines"). Only days of *covered* years can be judged: a year is
 * covered when the calendar has holiday data for it. Coverage is recorded
 * explicitly (the store's calendar_years table): importing a file covers
 * every year that has at least one row in it (every year since 2007 has
 * statutory holidays, so a year without rows is a year without data).
 * Asking about a day of an uncovered year is ERR_NOT_FOUND, never a guess
 * from the weekday alone.
 *
 * The file format (data/cn-calendar.tsv): UTF-8, one row per line,
 * "YYYY-MM-DD<TAB>off|work<TAB>name"; lines starting with '#' and empty
 * lines are ignored; a "work" day must be a Saturday or Sunday.
 *
 * A struct calendar is immutable once built and can be shared by threads;
 * its memory belongs to the arena it was built from. */
#ifndef GK_DOMAIN_CALENDAR_H
#define GK_DOMAIN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

enum calendar_kind {
	CAL_OFF = 1,   /* a day off (法定节假日, including weekend days of the period) */
	CAL_WORK = 2,  /* an adjusted working day (调休上班), always a Saturday or Sunday */
};

/* Limits: names in characters; n of calendar_add_workdays. */
enum {
	CALENDAR_NAME_MAX = 50,
	CALENDAR_N_MAX = 10000,
};

/* One listed day. */
struct calendar_row {
	long day;             /* day number (core/date.h) */
	int kind;             /* enum calendar_kind */
	const char *name;     /* the holiday, e.g. 国庆节 */
	int line;             /* line in the parsed file; 0 when not from a file */
};

/* One covered year: bit i of work is set when day i of the year (0 =
 * January 1st) is a working day. */
struct calendar_year {
	uint64_t work[6];     /* 366 bits */
};

struct calendar {
	const struct calendar_row *rows;   /* sorted by day, no duplicates */
	size_t n;
	int first_year;                    /* years[i] is first_year + i */
	int nyears;                        /* 0 when nothing is covered */
	struct calendar_year **years;      /* NULL for an uncovered year */
};

/* Parse a calendar file (text, len; need not be NUL-terminated). Checks
 * every line strictly: three tab-separated fields, a real date, kind off or
 * work, "work" only on a Saturday or Sunday, a name of 1-CALENDAR_NAME_MAX
 * characters without control characters, valid UTF-8, no date listed
 * twice; a UTF-8 BOM and CRLF line ends are accepted. *rows (sorted by
 * day) and *n are arena memory; names point into the arena too. On a bad
 * file returns ERR_INVALID and *msg is a Chinese sentence naming the first
 * bad line ("第 12 行：..."), arena memory; a file without any row is
 * ERR_INVALID too. ERR_NOMEM when out of memory. */
int calendar_parse_tsv(struct arena *a, const char *text, size_t len, struct calendar_row **rows, size_t *n,
		       const char **msg);

/* The distinct years of rows (sorted by day), ascending, into *years (arena
 * memory, *ny of them). These are the years an import covers. */
int calendar_rows_years(struct arena *a, const struct calendar_row *rows, size_t n, int **years, size_t *ny);

/* Build cal from rows (sorted by day, no duplicates, each in a covered
 * year) and the covered years (any order, duplicates allowed). cal and
 * everything it points to live in the arena (rows are not copied: they
 * must outlive cal). ERR_INVALID when rows break those rules or a "work"
 * day is not a Saturday or Sunday; ERR_NOMEM. */
int calendar_build(struct calendar *cal, struct arena *a, const struct calendar_row *rows, size_t n,
		   const int *years, size_t ny);

/* Does the calendar have data for year? */
bool calendar_covers(const struct calendar *cal, int year);

/* The years in [from, to] the calendar does not cover, ascending, into out
 * (room for max); *n gets how many there are (may exceed max: only max are
 * written). */
void calendar_missing_years(const struct calendar *cal, int from, int to, int *out, size_t max, size_t *n);

/* The warning staff pages and `serve` show when the year of today or the
 * next year is not covered: a Chinese sentence naming the missing years
 * (arena memory) into *msg, or NULL when both are covered. ERR_NOMEM. */
int calendar_coverage_warning(const struct calendar *cal, struct arena *a, long today, const char **msg);

/* Is day a working day? ERR_NOT_FOUND when its year is not covered. */
int calendar_is_workday(const struct calendar *cal, long day, bool *out);

/* The listed row of day, or NULL when the calendar does not list it. */
const struct calendar_row *calendar_lookup(const struct calendar *cal, long day);

/* The due date of "within n working days from day": the n-th working day
 * strictly after day (day itself never counts), for n in
 * 1..CALENDAR_N_MAX. Only the days walked (day + 1 .. the result) must be
 * covered. ERR_INVALID for n out of range; ERR_NOT_FOUND when the walk
 * reaches an uncovered year, whose number goes to *missing (may be NULL). */
int calendar_add_workdays(const struct calendar *cal, long day, int n, long *out, int *missing);

/* The working days in (from, to] into *out: days of from + 1 .. to, by
 * the years' bitmaps (a word at a time, not a walk). ERR_INVALID when to <
 * from; ERR_NOT_FOUND when a day of the span is in an uncovered year,
 * whose number goes to *missing (may be NULL). */
int calendar_count_workdays(const struct calendar *cal, long from, long to, int *out, int *missing);

/* ---- over the store ---- */

/* Load the calendar of org (rows and covered years) into cal; memory from
 * a. An org without any data gives an empty calendar (nothing covered). */
int calendar_load(struct db *db, struct arena *a, long long org_id, struct calendar *cal);

/* Replace org's data for the years of rows (calendar_rows_years) by rows
 * and mark those years covered, inside the caller's transaction; other
 * years are untouched. rows come from calendar_parse_tsv. */
int calendar_import(struct db *db, struct arena *a, long long org_id, const struct calendar_row *rows, size_t n);

#endif
