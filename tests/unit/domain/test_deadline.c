/* test_deadline.c - the deadline engine over the shipped calendar
 * (data/cn-calendar.tsv): due dates across 国庆 2020, 春节 2021 with its
 * 调休 and a year end; pauses (征求第三方意见) over a holiday, capped and
 * never resumed; the 补正 restart; the one extension; malformed event
 * lists; an uncovered year; calendar-day limits; dashboard status.
 *
 * Every expected date is hand-checked against the file. The rows that
 * matter (nothing else is listed in Sep 2020 - Mar 2021 or Dec 2026):
 *   2020-09-27 Sun work; 2020-10-01..10-08 off; 2020-10-10 Sat work;
 *   2021-01-01..01-03 off; 2021-02-07 Sun work; 2021-02-11..02-17 off;
 *   2021-02-20 Sat work.
 * Runs from the repository root (tools/check.sh does). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/calendar/calendar.h"
#include "domain/deadline/deadline.h"
#include "core/banned.h"

#define DATA_FILE "data/cn-calendar.tsv"

struct fx {
	struct arena a;
	struct calendar cal;
	struct deadline_result r;
};

#include "file_util.h"

static int setup(void **state)
{
	struct fx *f = test_malloc(sizeof(*f));
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	int *years = NULL;
	size_t len, n = 0, ny = 0;
	char *text;

	arena_init(&f->a, 0);
	text = slurp(&f->a, DATA_FILE, &len);
	if (calendar_parse_tsv(&f->a, text, len, &rows, &n, &msg))
		fail_msg("%s: %s", DATA_FILE, msg);
	assert_int_equal(calendar_rows_years(&f->a, rows, n, &years, &ny), 0);
	assert_int_equal(calendar_build(&f->cal, &f->a, rows, n, years, ny), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	arena_release(&f->a);
	assert_null(f->a.head);
	test_free(f);
	return 0;
}

#include "assert_chinese.h"

static void assert_day(long day, const char *want)
{
	char d[11];

	date_format(day, d);
	assert_string_equal(d, want);
}

/* Event builders. */
static struct deadline_event ev_start(const char *day, int n)
{
	return (struct deadline_event){ .kind = DEADLINE_START, .day = D(day), .n = n, .unit = DEADLINE_WORKDAYS,
					.ext_max = DEADLINE_EXTEND_MAX };
}

static struct deadline_event ev(int kind, const char *day, int n)
{
	return (struct deadline_event){ .kind = kind, .day = D(day), .n = n };
}

/* Compute and expect success with no message. */
static struct deadline_result *ok(struct fx *f, const struct deadline_event *e, size_t n)
{
	int rc = deadline_compute(&f->cal, e, n, &f->r);

	if (rc)
		fail_msg("deadline_compute: %d: %s", rc, f->r.msg);
	assert_string_equal(f->r.msg, "");
	return &f->r;
}

/* Compute and expect rc at event bad with a Chinese message. */
static void bad(struct fx *f, const struct deadline_event *e, size_t n, int rc, size_t at)
{
	assert_int_equal(deadline_compute(&f->cal, e, n, &f->r), rc);
	assert_int_equal(f->r.bad, at);
	assert_chinese(f->r.msg);
}

/* ---- plain limits ---- */

static void test_national_day_2020(void **state)
{
	struct fx *f = *state;
	/* Received Fri 2020-09-25, 20 working days: 09-27 Sun (work) 1,
	 * 09-28 2, 09-29 3, 09-30 4, [10-01..10-08 off], 10-09 Fri 5,
	 * 10-10 Sat (work) 6, 10-12..16 7-11, 10-19..23 12-16, 10-26..29
	 * 17-20: due Thu 2020-10-29. */
	struct deadline_event e[] = { ev_start("2020-09-25", 20) };
	struct deadline_result *r = ok(f, e, 1);

	assert_day(r->due, "2020-10-29");
	assert_day(r->initial_due, "2020-10-29");
	assert_day(r->start, "2020-09-25");
	assert_false(r->paused);
	assert_false(r->stopped);
	assert_int_equal(r->nhistory, 0);

	/* the day of receipt never counts: 1 working day from 09-30 skips
	 * the whole holiday (10-01..10-08 off) to Fri 10-09 */
	e[0] = ev_start("2020-09-30", 1);
	assert_day(ok(f, e, 1)->due, "2020-10-09");
	/* received on a holiday: 10-09 is the first working day after 10-03 */
	e[0] = ev_start("2020-10-03", 1);
	assert_day(ok(f, e, 1)->due, "2020-10-09");
}

static void test_spring_festival_2021(void **state)
{
	struct fx *f = *state;
	/* Received Fri 2021-02-05, 5 working days: 02-06 Sat off,
	 * 02-07 Sun (调休 work) 1, 02-08 2, 02-09 3, 02-10 4,
	 * [02-11..02-17 off], 02-18 Thu 5. */
	struct deadline_event e[] = { ev_start("2021-02-05", 5) };

	assert_day(ok(f, e, 1)->due, "2021-02-18");
	/* 20 working days: as above to 02-18 5, 02-19 6, 02-20 Sat (调休
	 * work) 7, 02-22..26 8-12, 03-01..05 13-17, 03-08 18, 03-09 19,
	 * 03-10 20. Without the two 调休 days it would be Fri 03-12. */
	e[0] = ev_start("2021-02-05", 20);
	assert_day(ok(f, e, 1)->due, "2021-03-10");
}

static void test_year_end(void **state)
{
	struct fx *f = *state;
	/* Received Sun 2020-12-20: 12-21..25 1-5, 12-28..31 6-9,
	 * [2021-01-01..01-03 off, 元旦], 01-04..08 10-14, 01-11..15 15-19,
	 * Mon 01-18 20. */
	struct deadline_event e[] = { ev_start("2020-12-20", 20) };

	assert_day(ok(f, e, 1)->due, "2021-01-18");
}

static void test_calendar_days(void **state)
{
	struct fx *f = *state;
	/* 30 calendar days from 2020-09-25: 2020-10-25 (a Sunday, in spite
	 * of the holiday: calendar days simply add) */
	struct deadline_event e[] = {
		{ .kind = DEADLINE_START, .day = D("2020-09-25"), .n = 30, .unit = DEADLINE_CALENDAR_DAYS },
		ev(DEADLINE_PAUSE, "2020-10-01", 0),
		ev(DEADLINE_RESUME, "2020-10-05", 0),
	};
	struct deadline_result *r = ok(f, e, 1);

	assert_day(r->due, "2020-10-25");
	/* a pause (10-01, 10-05] is 4 calendar days: 10-29 */
	r = ok(f, e, 3);
	assert_day(r->due, "2020-10-29");
	assert_int_equal(r->nhistory, 1);
	assert_int_equal(r->history[0].days, 4);
	/* and no extension: ext_max is 0 */
	e[1] = ev(DEADLINE_EXTEND, "2020-10-01", 5);
	bad(f, e, 2, ERR_INVALID, 1);
}

/* ---- pauses ---- */

static void test_pause_over_holiday(void **state)
{
	struct fx *f = *state;
	/* Received 2020-09-25 (due 10-29); third-party request sent Mon
	 * 09-28, answer received Mon 10-12. Not counted: the working days
	 * in (09-28, 10-12]: 09-29, 09-30, [10-01..08 off], 10-09, 10-10
	 * (Sat, work), [10-11 Sun], 10-12 = 5 working days. The due date
	 * moves 5 working days: 10-30 1, 11-02 2, 11-03 3, 11-04 4, Thu
	 * 11-05 5. Cross-check: 2 working days were used before the pause
	 * (09-27, 09-28), 18 remain; counted again after 10-12: 10-13..16
	 * 4, 10-19..23 9, 10-26..30 14, 11-02..05 18 = 11-05. */
	struct deadline_event e[] = {
		ev_start("2020-09-25", 20),
		ev(DEADLINE_PAUSE, "2020-09-28", DEADLINE_THIRD_PARTY),
		ev(DEADLINE_RESUME, "2020-10-12", 0),
		ev(DEADLINE_STOP, "2020-11-05", 0),
	};
	struct deadline_result *r = ok(f, e, 3);

	assert_day(r->due, "2020-11-05");
	assert_false(r->paused);
	assert_int_equal(r->nhistory, 1);
	assert_int_equal(r->history[0].event, 2);
	assert_int_equal(r->history[0].kind, DEADLINE_RESUME);
	assert_day(r->history[0].day, "2020-10-12");
	assert_day(r->history[0].old_due, "2020-10-29");
	assert_day(r->history[0].new_due, "2020-11-05");
	assert_int_equal(r->history[0].days, 5);

	/* replying on the new due date ends the case on time */
	r = ok(f, e, 4);
	assert_true(r->stopped);
	assert_day(r->stop_day, "2020-11-05");
	assert_day(r->due, "2020-11-05");

	/* request and answer on the same day: nothing spent, no change */
	e[2] = ev(DEADLINE_RESUME, "2020-09-28", 0);
	r = ok(f, e, 3);
	assert_day(r->due, "2020-10-29");
	assert_int_equal(r->nhistory, 0);

	/* the pause day itself still counts: paused Fri 10-09, resumed
	 * Mon 10-12: (10-09, 10-12] holds 10-10 (Sat, work) and 10-12 = 2,
	 * so 10-29 moves to 10-30 1, 11-02 2 */
	e[1] = ev(DEADLINE_PAUSE, "2020-10-09", 0);
	e[2] = ev(DEADLINE_RESUME, "2020-10-12", 0);
	assert_day(ok(f, e, 3)->due, "2020-11-02");

	/* a pause on the due date itself is allowed; resumed Mon 11-02:
	 * (10-29, 11-02] = 10-30, 11-02 = 2 working days: due 11-02 */
	e[1] = ev(DEADLINE_PAUSE, "2020-10-29", 0);
	e[2] = ev(DEADLINE_RESUME, "2020-11-02", 0);
	assert_day(ok(f, e, 3)->due, "2020-11-02");
	/* but not after it: the case is overdue */
	e[1] = ev(DEADLINE_PAUSE, "2020-10-30", 0);
	bad(f, e, 3, ERR_INVALID, 1);
}

static void test_pause_open(void **state)
{
	struct fx *f = *state;
	/* Paused 09-28 without a cap and never resumed: 18 working days
	 * remain (see test_pause_over_holiday); the provisional due date is
	 * the earliest possible one, 10-29 (as if resumed at once). */
	struct deadline_event e[] = {
		ev_start("2020-09-25", 20),
		ev(DEADLINE_PAUSE, "2020-09-28", 0),
		ev(DEADLINE_RESUME, "2020-11-02", 0),
	};
	struct deadline_result *r = ok(f, e, 2);

	assert_true(r->paused);
	assert_false(r->capped);
	assert_day(r->paused_since, "2020-09-28");
	assert_int_equal(r->remaining, 18);
	assert_day(r->due, "2020-10-29");
	assert_int_equal(r->nhistory, 0);

	/* With the third party's 15 working days as cap: the pause ends at
	 * the latest on the 15th working day after 09-28: 09-29 1, 09-30 2,
	 * 10-09 3, 10-10 4, 10-12..16 5-9, 10-19..23 10-14, Mon 10-26 15.
	 * Provisional due: 10-29 + 15 working days: 10-30 1, 11-02..06 2-6,
	 * 11-09..13 7-11, 11-16..19 12-15 = Thu 11-19 (= 18 working days
	 * after 10-26: 10-27..30 4, 11-02..06 9, 11-09..13 14, 11-16..19 18). */
	e[1].n = DEADLINE_THIRD_PARTY;
	r = ok(f, e, 2);
	assert_true(r->paused);
	assert_true(r->capped);
	assert_day(r->pause_until, "2020-10-26");
	assert_int_equal(r->remaining, 18);
	assert_day(r->due, "2020-11-19");

	/* the answer came late (11-02): only the 15 working days up to the
	 * cap do not count, the clock ran again after 10-26 */
	r = ok(f, e, 3);
	assert_false(r->paused);
	assert_day(r->due, "2020-11-19");
	assert_int_equal(r->history[0].days, 15);

	/* an extension while paused moves the provisional due date too:
	 * 10-29 + 20 = 11-26 (10-30 1, 11-02..06 6, 11-09..13 11,
	 * 11-16..20 16, 11-23..26 20), 38 working days remain after 09-28 */
	e[1].n = 0;
	e[2] = ev(DEADLINE_EXTEND, "2020-10-15", 20);
	r = ok(f, e, 3);
	assert_true(r->paused);
	assert_day(r->due, "2020-11-26");
	assert_int_equal(r->remaining, 38);
}

/* ---- 补正, extension ---- */

static void test_restart(void **state)
{
	struct fx *f = *state;
	/* Received 09-25 (due 10-29); correction notice sent 09-28 (the case
	 * waits: recorded as a pause); corrected application received Tue
	 * 10-20: 20 working days again from 10-20: 10-21..23 1-3, 10-26..30
	 * 4-8, 11-02..06 9-13, 11-09..13 14-18, 11-16 19, Tue 11-17 20. */
	struct deadline_event e[] = {
		ev_start("2020-09-25", 20),
		ev(DEADLINE_PAUSE, "2020-09-28", 0),
		ev(DEADLINE_RESTART, "2020-10-20", 0),
		ev(DEADLINE_RESTART, "2020-10-21", 0),
	};
	struct deadline_result *r = ok(f, e, 3);

	assert_false(r->paused);
	assert_true(r->restarted);
	assert_day(r->start, "2020-10-20");
	assert_day(r->due, "2020-11-17");
	assert_day(r->initial_due, "2020-10-29");
	assert_int_equal(r->nhistory, 1);
	assert_int_equal(r->history[0].kind, DEADLINE_RESTART);
	assert_day(r->history[0].old_due, "2020-10-29");
	assert_day(r->history[0].new_due, "2020-11-17");
	assert_int_equal(r->history[0].days, 20);

	/* a restart is not a pause: it does not matter how long the case
	 * waited, and a corrected application arriving after the old due
	 * date is fine: 11-02 + 20 = 11-30 (11-03..06 4, 11-09..13 9,
	 * 11-16..20 14, 11-23..27 19, 11-30 20) */
	e[2] = ev(DEADLINE_RESTART, "2020-11-02", 0);
	assert_day(ok(f, e, 3)->due, "2020-11-30");

	/* one notice only (一次性) */
	e[2] = ev(DEADLINE_RESTART, "2020-10-20", 0);
	bad(f, e, 4, ERR_INVALID, 3);
	/* never after an extension */
	e[1] = ev(DEADLINE_EXTEND, "2020-09-28", 20);
	bad(f, e, 3, ERR_INVALID, 2);
}

static void test_extension(void **state)
{
	struct fx *f = *state;
	/* Received 09-25 (due 10-29), extended by 20 working days on 10-28:
	 * 10-30 1, 11-02..06 2-6, 11-09..13 7-11, 11-16..20 12-16,
	 * 11-23..26 17-20: due Thu 2020-11-26. */
	struct deadline_event e[] = {
		ev_start("2020-09-25", 20),
		ev(DEADLINE_EXTEND, "2020-10-28", 20),
		ev(DEADLINE_EXTEND, "2020-11-02", 5),
	};
	struct deadline_result *r = ok(f, e, 2);

	assert_true(r->extended);
	assert_day(r->due, "2020-11-26");
	assert_int_equal(r->nhistory, 1);
	assert_int_equal(r->history[0].kind, DEADLINE_EXTEND);
	assert_day(r->history[0].day, "2020-10-28");
	assert_day(r->history[0].old_due, "2020-10-29");
	assert_day(r->history[0].new_due, "2020-11-26");
	assert_int_equal(r->history[0].days, 20);

	/* a second extension is rejected */
	bad(f, e, 3, ERR_INVALID, 2);
	assert_non_null(strstr(f->r.msg, "第 3 个事件（延期，2020-11-02）"));

	/* at most the configured maximum, at least 1 */
	e[1].n = 21;
	bad(f, e, 2, ERR_INVALID, 1);
	e[1].n = 0;
	bad(f, e, 2, ERR_INVALID, 1);
	/* decided on the due date is fine, after it is not */
	e[1] = ev(DEADLINE_EXTEND, "2020-10-29", 1);
	assert_day(ok(f, e, 2)->due, "2020-10-30");
	e[1] = ev(DEADLINE_EXTEND, "2020-10-30", 1);
	bad(f, e, 2, ERR_INVALID, 1);
}

/* ---- malformed lists ---- */

static void test_invalid(void **state)
{
	struct fx *f = *state;
	struct deadline_event e[DEADLINE_EVENTS_MAX + 1] = { 0 };

	/* nothing, or not starting with START */
	assert_int_equal(deadline_compute(&f->cal, e, 0, &f->r), ERR_INVALID);
	assert_chinese(f->r.msg);
	e[0] = ev(DEADLINE_PAUSE, "2020-09-25", 0);
	bad(f, e, 1, ERR_INVALID, 0);

	/* bad START fields */
	e[0] = ev_start("2020-09-25", 0);
	bad(f, e, 1, ERR_INVALID, 0);
	e[0] = ev_start("2020-09-25", CALENDAR_N_MAX + 1);
	bad(f, e, 1, ERR_INVALID, 0);
	e[0] = ev_start("2020-09-25", 20);
	e[0].unit = 9;
	bad(f, e, 1, ERR_INVALID, 0);

	e[0] = ev_start("2020-09-25", 20);
	/* an event before START (out of order) */
	e[1] = ev(DEADLINE_PAUSE, "2020-09-24", 0);
	bad(f, e, 2, ERR_INVALID, 1);
	/* START twice */
	e[1] = ev_start("2020-09-26", 20);
	bad(f, e, 2, ERR_INVALID, 1);
	/* RESUME without PAUSE */
	e[1] = ev(DEADLINE_RESUME, "2020-09-28", 0);
	bad(f, e, 2, ERR_INVALID, 1);
	/* PAUSE while paused; a second pause after a RESUME is fine */
	e[1] = ev(DEADLINE_PAUSE, "2020-09-28", 0);
	e[2] = ev(DEADLINE_PAUSE, "2020-09-29", 0);
	bad(f, e, 3, ERR_INVALID, 2);
	e[2] = ev(DEADLINE_RESUME, "2020-09-29", 0);   /* 09-29: 1 day */
	e[3] = ev(DEADLINE_PAUSE, "2020-09-30", 0);
	e[4] = ev(DEADLINE_RESUME, "2020-09-30", 0);   /* nothing */
	assert_day(ok(f, e, 5)->due, "2020-10-30");
	assert_int_equal(f->r.nhistory, 1);
	/* events out of order */
	e[4] = ev(DEADLINE_RESUME, "2020-09-29", 0);
	bad(f, e, 5, ERR_INVALID, 4);
	/* a bad cap, an unknown kind */
	e[1] = ev(DEADLINE_PAUSE, "2020-09-28", -1);
	bad(f, e, 2, ERR_INVALID, 1);
	e[1] = ev(77, "2020-09-28", 0);
	bad(f, e, 2, ERR_INVALID, 1);
	/* anything after STOP */
	e[1] = ev(DEADLINE_STOP, "2020-09-28", 0);
	e[2] = ev(DEADLINE_EXTEND, "2020-09-28", 5);
	bad(f, e, 3, ERR_INVALID, 2);

	/* too many events */
	for (size_t i = 1; i < DEADLINE_EVENTS_MAX + 1; i++)
		e[i] = ev(i % 2 ? DEADLINE_PAUSE : DEADLINE_RESUME, "2020-09-28", 0);
	assert_int_equal(deadline_compute(&f->cal, e, DEADLINE_EVENTS_MAX + 1, &f->r), ERR_TOO_LARGE);
	assert_chinese(f->r.msg);
	/* exactly the maximum is fine: 63 pause/resume events on one day */
	assert_day(ok(f, e, DEADLINE_EVENTS_MAX)->due, "2020-10-29");
	assert_true(f->r.paused);
}

/* ---- no guessing ---- */

static void test_uncovered_year(void **state)
{
	struct fx *f = *state;
	/* From Thu 2026-12-10: 12-11 1, 12-14..18 2-6, 12-21..25 7-11,
	 * 12-28..31 12-15 (2026-12-31 is the 15th); the 16th working day is
	 * in 2027, which the file does not cover. */
	struct deadline_event e[] = {
		ev_start("2026-12-10", 15),
		ev(DEADLINE_PAUSE, "2026-12-15", 0),
		ev(DEADLINE_RESUME, "2027-01-05", 0),
	};
	struct deadline_result *r = ok(f, e, 1);

	assert_day(r->due, "2026-12-31");
	e[0].n = 20;
	bad(f, e, 1, ERR_NOT_FOUND, 0);
	assert_int_equal(f->r.missing_year, 2027);
	assert_non_null(strstr(f->r.msg, "2027"));

	/* a pause resumed in 2027: the days spent cannot be counted */
	e[0].n = 15;
	bad(f, e, 3, ERR_NOT_FOUND, 2);
	assert_int_equal(f->r.missing_year, 2027);
	/* a cap reaching into 2027 */
	e[1].n = DEADLINE_THIRD_PARTY;
	bad(f, e, 2, ERR_NOT_FOUND, 1);
	assert_int_equal(f->r.missing_year, 2027);
	/* calendar days need no calendar data */
	e[0] = (struct deadline_event){ .kind = DEADLINE_START, .day = D("2026-12-10"), .n = 30,
					.unit = DEADLINE_CALENDAR_DAYS };
	assert_day(ok(f, e, 1)->due, "2027-01-09");
}

/* ---- dashboards ---- */

static void test_status(void **state)
{
	struct fx *f = *state;
	long due = D("2020-10-29");
	int left = 99;

	/* on the due date: 0 left, still on time, near */
	assert_int_equal(deadline_status(&f->cal, due, D("2020-10-29"), &left), 0);
	assert_int_equal(left, 0);
	assert_false(deadline_overdue(left));
	assert_true(deadline_near_due(left));
	/* Mon 10-26: 10-27, 10-28, 10-29 = 3: near */
	assert_int_equal(deadline_status(&f->cal, due, D("2020-10-26"), &left), 0);
	assert_int_equal(left, 3);
	assert_true(deadline_near_due(left));
	/* Fri 10-23: 10-26..29 = 4: not yet */
	assert_int_equal(deadline_status(&f->cal, due, D("2020-10-23"), &left), 0);
	assert_int_equal(left, 4);
	assert_false(deadline_near_due(left));
	/* Fri 10-30: 1 working day late; Sat 10-31 still -1 (at least 1);
	 * Mon 11-02: 10-30, 11-02 = -2 */
	assert_int_equal(deadline_status(&f->cal, due, D("2020-10-30"), &left), 0);
	assert_int_equal(left, -1);
	assert_true(deadline_overdue(left));
	assert_false(deadline_near_due(left));
	assert_int_equal(deadline_status(&f->cal, due, D("2020-10-31"), &left), 0);
	assert_int_equal(left, -1);
	assert_int_equal(deadline_status(&f->cal, due, D("2020-11-02"), &left), 0);
	assert_int_equal(left, -2);
	/* over the holiday: from 09-30 to 10-09 only 1 working day is left */
	assert_int_equal(deadline_status(&f->cal, D("2020-10-09"), D("2020-09-30"), &left), 0);
	assert_int_equal(left, 1);
	/* no guessing in 2027 */
	assert_int_equal(deadline_status(&f->cal, D("2027-01-05"), D("2026-12-30"), &left), ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_national_day_2020, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spring_festival_2021, setup, teardown),
		cmocka_unit_test_setup_teardown(test_year_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calendar_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_over_holiday, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extension, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncovered_year, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
