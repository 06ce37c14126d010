/* fuzz_calendar.c - the calendar file parser and the working-day
 * arithmetic on any bytes. A file the parser accepts builds a calendar;
 * then, for a few days, calendar_add_workdays agrees with a plain walk
 * using calendar_is_workday: the result is a working day after the start,
 * exactly n working days are passed, and a walk that needs a year without
 * data fails with ERR_NOT_FOUND instead of guessing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "domain/calendar/calendar.h"
#include "core/banned.h"

/* The n-th working day strictly after day, one day at a time. */
static int slow_add(const struct calendar *cal, long day, int n, long *out)
{
	while (n > 0) {
		bool work = false;
		int rc;

		day++;
		if ((rc = calendar_is_workday(cal, day, &work)))
			return rc;
		if (work)
			n--;
	}
	*out = day;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct calendar_row *rows = NULL;
	struct calendar cal;
	const char *msg = NULL;
	int *years = NULL;
	size_t n = 0, ny = 0;
	int rc;

	arena_init(&a, 1 << 24);
	rc = calendar_parse_tsv(&a, (const char *)data, size, &rows, &n, &msg);
	if (rc == ERR_INVALID && !msg)
		abort(); /* a refused file always says why */
	if (rc)
		goto out;
	if (n == 0 || calendar_rows_years(&a, rows, n, &years, &ny) || ny == 0)
		abort();
	if (calendar_build(&cal, &a, rows, n, years, ny))
		abort(); /* what the parser accepts, the calendar takes */
	for (size_t i = 0; i < n && i < 8; i++) {
		int steps = 1 + (int)(rows[i].day % 30 < 0 ? -(rows[i].day % 30) : rows[i].day % 30);
		long fast = 0, slow = 0;
		int missing = 0;
		int r1 = calendar_add_workdays(&cal, rows[i].day - 3, steps, &fast, &missing);
		int r2 = slow_add(&cal, rows[i].day - 3, steps, &slow);

		if (r1 != r2 || (r1 == 0 && fast != slow) || (r1 == ERR_NOT_FOUND && missing == 0))
			abort();
	}
out:
	arena_release(&a);
	return 0;
}
