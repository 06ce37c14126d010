/* test_calendar.c - the working-day calendar: the shipped
 * data/cn-calendar.tsv against facts of the State Council's notices, due
 * dates ("the N-th working day strictly after"), never guessing in an
 * uncovered year, strict parsing with line numbers, the bitmaps against a
 * direct reading of the rule, speed, and the store round trip (replace
 * import per year). Runs from the repository root (tools/check.sh does). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/calendar/calendar.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

#define DATA_FILE "data/cn-calendar.tsv"

struct fx {
	struct arena a;
	struct calendar_row *rows;
	size_t n;
	struct calendar cal;     /* the shipped file */
};

#include "file_util.h"

static int setup(void **state)
{
	struct fx *f = test_malloc(sizeof(*f));
	const char *msg = NULL;
	int *years = NULL;
	size_t len, ny = 0;
	char *text;

	arena_init(&f->a, 0);
	text = slurp(&f->a, DATA_FILE, &len);
	if (calendar_parse_tsv(&f->a, text, len, &f->rows, &f->n, &msg))
		fail_msg("%s: %s", DATA_FILE, msg);
	assert_int_equal(calendar_rows_years(&f->a, f->rows, f->n, &years, &ny), 0);
	assert_int_equal(calendar_build(&f->cal, &f->a, f->rows, f->n, years, ny), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	arena_release(&f->a);
	assert_null(f->a.head);
	assert_int_equal(f->a.used, 0);
	test_free(f);
	return 0;
}

#include "assert_chinese.h"

static bool workday(const struct calendar *cal, const char *day)
{
	bool w = false;

	assert_int_equal(calendar_is_workday(cal, D(day), &w), 0);
	return w;
}

static const char *due(const struct calendar *cal, const char *day, int n, char out[11])
{
	long d = 0;
	int missing = 0;

	assert_int_equal(calendar_add_workdays(cal, D(day), n, &d, &missing), 0);
	assert_int_equal(missing, 0);
	date_format(d, out);
	return out;
}

/* ---- the shipped file ---- */

static void test_shipped_file(void **state)
{
	struct fx *f = *state;
	size_t off = 0, work = 0;
	int *years = NULL;
	size_t ny = 0;

	/* the header says: "Rows: 705 (575 off, 130 work)" */
	assert_int_equal(f->n, 705);
	for (size_t i = 0; i < f->n; i++) {
		off += f->rows[i].kind == CAL_OFF;
		work += f->rows[i].kind == CAL_WORK;
		if (i)
			assert_true(f->rows[i].day > f->rows[i - 1].day);
		if (f->rows[i].kind == CAL_WORK)
			assert_true(date_weekday(f->rows[i].day) >= 5);
	}
	assert_int_equal(off, 575);
	assert_int_equal(work, 130);
	assert_int_equal(calendar_rows_years(&f->a, f->rows, f->n, &years, &ny), 0);
	assert_int_equal(ny, 20);
	for (size_t i = 0; i < ny; i++)
		assert_int_equal(years[i], 2007 + (int)i);
	assert_true(calendar_covers(&f->cal, 2007));
	assert_true(calendar_covers(&f->cal, 2026));
	assert_false(calendar_covers(&f->cal, 2006));
	assert_false(calendar_covers(&f->cal, 2027));
}

static void test_facts_2020(void **state)
{
	struct fx *f = *state;
	const struct calendar_row *r;
	char d[11];

	/* 春节: Sunday 1/19 is 调休上班; the holiday, extended by the
	 * 2020-01-26 notice, runs 1/24 to 2/2, so Saturday 2/1 is off */
	assert_true(workday(&f->cal, "2020-01-19"));
	assert_non_null(r = calendar_lookup(&f->cal, D("2020-01-19")));
	assert_int_equal(r->kind, CAL_WORK);
	assert_string_equal(r->name, "春节");
	assert_true(workday(&f->cal, "2020-01-23")); /* the Thursday before */
	for (long day = D("2020-01-24"); day <= D("2020-02-02"); day++) {
		bool w = true;

		assert_int_equal(calendar_is_workday(&f->cal, day, &w), 0);
		if (w) {
			date_format(day, d);
			fail_msg("%s should be off (春节 2020)", d);
		}
	}
	assert_false(workday(&f->cal, "2020-02-01"));
	assert_true(workday(&f->cal, "2020-02-03"));

	/* 国庆节、中秋节: 10/1-10/8 off; Sunday 9/27 and Saturday 10/10 work */
	for (long day = D("2020-10-01"); day <= D("2020-10-08"); day++) {
		bool w = true;

		assert_int_equal(calendar_is_workday(&f->cal, day, &w), 0);
		assert_false(w);
	}
	assert_true(workday(&f->cal, "2020-09-27"));
	assert_true(workday(&f->cal, "2020-10-10"));
	assert_true(workday(&f->cal, "2020-10-09"));
	/* ordinary days: a Friday, a Saturday and Sunday not listed */
	assert_true(workday(&f->cal, "2020-10-16"));
	assert_false(workday(&f->cal, "2020-10-17"));
	assert_false(workday(&f->cal, "2020-10-18"));
	assert_null(calendar_lookup(&f->cal, D("2020-10-17")));
}

static void test_facts_other_years(void **state)
{
	struct fx *f = *state;

	/* 2015: the victory anniversary, 9/3-9/5 off and Sunday 9/6 work */
	assert_false(workday(&f->cal, "2015-09-03"));
	assert_false(workday(&f->cal, "2015-09-04"));
	assert_false(workday(&f->cal, "2015-09-05"));
	assert_true(workday(&f->cal, "2015-09-06"));
	/* 2026: 国庆节 10/1-10/7 off, Sunday 9/20 and Saturday 10/10 work;
	 * 中秋节 9/25-9/27 off; 春节 2/15-2/23 off, Saturdays 2/14 and 2/28 work */
	assert_true(workday(&f->cal, "2026-09-20"));
	assert_false(workday(&f->cal, "2026-09-25"));
	assert_false(workday(&f->cal, "2026-10-01"));
	assert_false(workday(&f->cal, "2026-10-07"));
	assert_true(workday(&f->cal, "2026-10-08"));
	assert_true(workday(&f->cal, "2026-10-10"));
	assert_true(workday(&f->cal, "2026-02-14"));
	assert_false(workday(&f->cal, "2026-02-16"));
	assert_false(workday(&f->cal, "2026-02-23"));
	assert_true(workday(&f->cal, "2026-02-28"));
	/* 2026 元旦: 1/1-1/3 off, Sunday 1/4 work */
	assert_false(workday(&f->cal, "2026-01-02"));
	assert_true(workday(&f->cal, "2026-01-04"));
	/* the last day of a leap year has its bit: 2024-12-31 is a Tuesday */
	assert_true(workday(&f->cal, "2024-12-31"));
	assert_true(workday(&f->cal, "2020-12-31"));
}

static void test_due_dates(void **state)
{
	struct fx *f = *state;
	char d[11];

	/* 20 working days from Friday 2020-09-25: 9/27 (Sunday, work),
	 * 9/28-9/30, then the 国庆 holiday, 10/9, 10/10 (Saturday, work),
	 * 10/12-10/16, 10/19-10/23, 10/26-10/29 */
	assert_string_equal(due(&f->cal, "2020-09-25", 20, d), "2020-10-29");
	/* the day itself never counts, even a working day */
	assert_string_equal(due(&f->cal, "2020-09-28", 1, d), "2020-09-29");
	assert_string_equal(due(&f->cal, "2020-09-30", 1, d), "2020-10-09");
	assert_string_equal(due(&f->cal, "2020-10-01", 1, d), "2020-10-09");
	assert_string_equal(due(&f->cal, "2020-10-09", 1, d), "2020-10-10");
	/* 2021 春节: Sunday 2/7 works, 2/11-2/17 off */
	assert_string_equal(due(&f->cal, "2021-02-05", 3, d), "2021-02-09");
	assert_string_equal(due(&f->cal, "2021-02-10", 1, d), "2021-02-18");
	/* 2026 春节: Saturday 2/14 works, 2/15-2/23 off */
	assert_string_equal(due(&f->cal, "2026-02-13", 1, d), "2026-02-14");
	assert_string_equal(due(&f->cal, "2026-02-13", 2, d), "2026-02-24");
	/* over a year end: 2019-12-31 +1 skips 元旦 2020 */
	assert_string_equal(due(&f->cal, "2019-12-31", 1, d), "2020-01-02");
	/* only the days walked must be covered: 2006 is not, 2007 is */
	assert_string_equal(due(&f->cal, "2006-12-31", 1, d), "2007-01-04");
	/* 2007 ends on 调休: Saturday 12/29 works, 12/30-2008-01-01 off */
	assert_string_equal(due(&f->cal, "2007-01-01", 249, d), "2007-12-29");
	assert_string_equal(due(&f->cal, "2007-01-01", 250, d), "2008-01-02");
}

static void test_uncovered_years(void **state)
{
	struct fx *f = *state;
	long out = 12345;
	int missing = 0;
	bool w = true;

	/* the file ends at 2026: a deadline walking into 2027 is an error */
	assert_int_equal(calendar_add_workdays(&f->cal, D("2026-12-20"), 20, &out, &missing), ERR_NOT_FOUND);
	assert_int_equal(missing, 2027);
	assert_int_equal(out, 12345);
	assert_int_equal(calendar_add_workdays(&f->cal, D("2026-12-31"), 1, &out, NULL), ERR_NOT_FOUND);
	/* ... and so is a walk starting in an uncovered year */
	missing = 0;
	assert_int_equal(calendar_add_workdays(&f->cal, D("2006-12-29"), 1, &out, &missing), ERR_NOT_FOUND);
	assert_int_equal(missing, 2006);
	assert_int_equal(calendar_is_workday(&f->cal, D("2027-01-04"), &w), ERR_NOT_FOUND);
	assert_int_equal(calendar_is_workday(&f->cal, D("2006-12-29"), &w), ERR_NOT_FOUND);
	assert_int_equal(calendar_is_workday(&f->cal, D("1900-01-01"), &w), ERR_NOT_FOUND);
	assert_int_equal(calendar_is_workday(&f->cal, D("2999-12-31"), &w), ERR_NOT_FOUND);
	/* n out of range */
	assert_int_equal(calendar_add_workdays(&f->cal, D("2020-01-01"), 0, &out, NULL), ERR_INVALID);
	assert_int_equal(calendar_add_workdays(&f->cal, D("2020-01-01"), -3, &out, NULL), ERR_INVALID);
	assert_int_equal(calendar_add_workdays(&f->cal, D("2020-01-01"), CALENDAR_N_MAX + 1, &out, NULL),
			 ERR_INVALID);
	/* an empty calendar covers nothing */
	{
		struct calendar empty;

		assert_int_equal(calendar_build(&empty, &f->a, NULL, 0, NULL, 0), 0);
		assert_int_equal(calendar_is_workday(&empty, D("2020-10-16"), &w), ERR_NOT_FOUND);
		missing = 0;
		assert_int_equal(calendar_add_workdays(&empty, D("2020-10-16"), 1, &out, &missing), ERR_NOT_FOUND);
		assert_int_equal(missing, 2020);
	}
}

static void test_missing_years_and_warning(void **state)
{
	struct fx *f = *state;
	const char *msg = (const char *)1;
	int miss[4];
	size_t n = 0;

	calendar_missing_years(&f->cal, 2025, 2028, miss, 4, &n);
	assert_int_equal(n, 2);
	assert_int_equal(miss[0], 2027);
	assert_int_equal(miss[1], 2028);
	calendar_missing_years(&f->cal, 2005, 2030, miss, 1, &n);
	assert_int_equal(n, 6);
	assert_int_equal(miss[0], 2005);

	assert_int_equal(calendar_coverage_warning(&f->cal, &f->a, D("2020-05-01"), &msg), 0);
	assert_null(msg);
	assert_int_equal(calendar_coverage_warning(&f->cal, &f->a, D("2026-06-01"), &msg), 0);
	assert_chinese(msg);
	assert_non_null(strstr(msg, "2027"));
	assert_null(strstr(msg, "2026"));
	assert_int_equal(calendar_coverage_warning(&f->cal, &f->a, D("2027-03-01"), &msg), 0);
	assert_non_null(strstr(msg, "2027"));
	assert_non_null(strstr(msg, "2028"));
}

/* The bitmaps against the rule read directly off the rows, every day of
 * every covered year, and the walk against a naive one. */
static void test_against_rule(void **state)
{
	struct fx *f = *state;

	for (long day = D("2007-01-01"); day <= D("2026-12-31"); day++) {
		const struct calendar_row *r = calendar_lookup(&f->cal, day);
		bool want = r ? r->kind == CAL_WORK : date_weekday(day) < 5, got = !want;

		assert_int_equal(calendar_is_workday(&f->cal, day, &got), 0);
		if (got != want) {
			char d[11];

			date_format(day, d);
			fail_msg("%s: bitmap says %d, rule says %d", d, got, want);
		}
	}
	for (long day = D("2007-01-01"); day <= D("2026-10-01"); day += 7) {
		for (int n = 1; n <= 45; n += 11) {
			long cur = day, got = 0;
			int k = 0;

			while (k < n) {
				bool w = false;

				cur++;
				assert_int_equal(calendar_is_workday(&f->cal, cur, &w), 0);
				k += w;
			}
			assert_int_equal(calendar_add_workdays(&f->cal, day, n, &got, NULL), 0);
			assert_int_equal(got, cur);
			/* counting is the inverse of adding */
			int cnt = -1;

			assert_int_equal(calendar_count_workdays(&f->cal, day, cur, &cnt, NULL), 0);
			assert_int_equal(cnt, n);
			assert_int_equal(calendar_count_workdays(&f->cal, day, cur - 1, &cnt, NULL), 0);
			assert_int_equal(cnt, n - 1);
		}
	}
}

/* Long spans count by whole words, and stop at an uncovered year. */
static void test_count_long_spans(void **state)
{
	struct fx *f = *state;
	int cnt = 0, naive = 0, missing = 0;

	for (long day = D("2007-01-01"); day <= D("2026-12-31"); day++) {
		bool w = false;

		assert_int_equal(calendar_is_workday(&f->cal, day, &w), 0);
		naive += w;
	}
	assert_int_equal(calendar_count_workdays(&f->cal, D("2006-12-31"), D("2026-12-31"), &cnt, NULL), 0);
	assert_int_equal(cnt, naive);
	assert_int_equal(calendar_count_workdays(&f->cal, D("2020-01-01"), D("2020-01-01"), &cnt, NULL), 0);
	assert_int_equal(cnt, 0);
	assert_int_equal(calendar_count_workdays(&f->cal, D("2020-01-02"), D("2020-01-01"), &cnt, NULL), ERR_INVALID);
	assert_int_equal(calendar_count_workdays(&f->cal, D("2026-12-01"), D("2027-01-05"), &cnt, &missing),
			 ERR_NOT_FOUND);
	assert_int_equal(missing, 2027);
}

static void test_speed(void **state)
{
	struct fx *f = *state;
	struct timespec t0, t1;
	long first = D("2007-01-01"), sum = 0;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 10000; i++) {
		long out = 0;

		assert_int_equal(calendar_add_workdays(&f->cal, first + (i * 7919L) % 7000, 20, &out, NULL), 0);
		sum += out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("10000 due dates of 20 working days: %.4f s\n", secs);
	assert_true(sum > 0);
	assert_true(secs < 1.0);
}

/* ---- parsing ---- */

/* Parse text; expect ERR_INVALID with a Chinese message that starts with
 * "第 LINE 行" (LINE 0: no line named). */
static void expect_bad(struct arena *a, const char *text, int line)
{
	struct calendar_row *rows = (struct calendar_row *)1;
	const char *msg = NULL;
	size_t n = 99;
	char want[32];

	assert_int_equal(calendar_parse_tsv(a, text, strlen(text), &rows, &n, &msg), ERR_INVALID);
	assert_null(rows);
	assert_int_equal(n, 0);
	assert_chinese(msg);
	if (line) {
		snprintf(want, sizeof(want), "第 %d 行：", line);
		if (strncmp(msg, want, strlen(want)) != 0)
			fail_msg("want line %d, got: %s", line, msg);
	} else {
		assert_null(strstr(msg, "行："));
	}
}

static void test_parse_errors(void **state)
{
	struct fx *f = *state;
	struct arena *a = &f->a;

	expect_bad(a, "# c\n2020-02-30\toff\t春节\n", 2);                 /* no such date */
	expect_bad(a, "2020-1-24\toff\t春节\n", 1);                       /* not YYYY-MM-DD */
	expect_bad(a, "2020-01-24\tholiday\t春节\n", 1);                  /* unknown kind */
	expect_bad(a, "2020-01-24\tOFF\t春节\n", 1);
	expect_bad(a, "2020-10-01\toff\t国庆节\n2020-09-28\twork\t国庆节\n", 2); /* work on a Monday */
	expect_bad(a, "2020-01-24\toff\t\n", 1);                          /* name required */
	expect_bad(a, "2020-01-24\toff\t \xE3\x80\x80 \n", 1);            /* blank name */
	expect_bad(a, "2020-01-24\toff\n", 1);                            /* two columns */
	expect_bad(a, "2020-01-24 off 春节\n", 1);                        /* spaces, not tabs */
	expect_bad(a, "2020-01-24\toff\t春节\textra\n", 1);               /* four columns */
	expect_bad(a, "2020-01-24\toff\t\xE6\x98\n", 1);                  /* bad UTF-8 */
	expect_bad(a, "2020-01-23\toff\tx\n# \xFF comment\n", 2);         /* bad UTF-8 in a comment */
	expect_bad(a, "2020-01-24\toff\t春\x01节\n", 1);                  /* control character */
	expect_bad(a, "2020-01-24\toff\t"
		      "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		      "一二三四五六七八九十一二三四五六七八九十一\n", 1);     /* 51 characters */
	/* duplicates, conflicting or not, name both lines */
	expect_bad(a, "2020-01-19\twork\t春节\n2020-01-24\toff\t春节\n2020-01-19\toff\t春节\n", 3);
	expect_bad(a, "2020-01-24\toff\t春节\n2020-01-24\toff\t春节\n", 2);
	/* the first error in file order wins */
	expect_bad(a, "2020-01-24\toff\tA\n2020-01-24\toff\tB\n2020-01-25\toff\tC\nbad\n", 2);
	expect_bad(a, "2020-01-24\toff\tA\nbad\n2020-01-24\toff\tB\n", 2);
	expect_bad(a, "2020-01-24\toff\tA\n2020-01-25\toff\tB\n2020-01-24\toff\tC\n2020-01-25\toff\tD\n", 3);
	/* no rows at all */
	expect_bad(a, "", 0);
	expect_bad(a, "# only a comment\n\n", 0);
}

static void test_parse_ok(void **state)
{
	struct fx *f = *state;
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	size_t n = 0;
	/* BOM, CRLF, a comment, an empty line, unsorted rows, no final newline,
	 * a name with a space and surrounding blanks trimmed */
	static const char text[] = "\xEF\xBB\xBF# header\r\n"
				   "2020-10-10\twork\t国庆节\r\n"
				   "\r\n"
				   "2020-10-01\toff\t 国庆节、中秋节 \r\n"
				   "2020-09-27\twork\tNational Day";

	assert_int_equal(calendar_parse_tsv(&f->a, text, strlen(text), &rows, &n, &msg), 0);
	assert_null(msg);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].day, D("2020-09-27"));
	assert_int_equal(rows[0].kind, CAL_WORK);
	assert_string_equal(rows[0].name, "National Day");
	assert_int_equal(rows[0].line, 5);
	assert_int_equal(rows[1].day, D("2020-10-01"));
	assert_int_equal(rows[1].kind, CAL_OFF);
	assert_string_equal(rows[1].name, "国庆节、中秋节");
	assert_int_equal(rows[1].line, 4);
	assert_int_equal(rows[2].day, D("2020-10-10"));
	/* the text need not be NUL-terminated: parse a prefix */
	assert_int_equal(calendar_parse_tsv(&f->a, "2020-10-01\toff\tA\n2020-10-02\toff\tB\n", 17, &rows, &n, &msg), 0);
	assert_int_equal(n, 1);
	/* an off day on a weekend is fine (inside a holiday period) */
	{
		static const char weekend_off[] = "2020-10-03\toff\t国庆节\n";

		assert_int_equal(calendar_parse_tsv(&f->a, weekend_off, strlen(weekend_off), &rows, &n, &msg), 0);
		assert_int_equal(n, 1);
	}
}

static void test_build_rejects(void **state)
{
	struct fx *f = *state;
	struct calendar cal;
	struct calendar_row unsorted[] = { { D("2020-10-02"), CAL_OFF, "x", 0 }, { D("2020-10-01"), CAL_OFF, "x", 0 } };
	struct calendar_row dup[] = { { D("2020-10-01"), CAL_OFF, "x", 0 }, { D("2020-10-01"), CAL_OFF, "x", 0 } };
	struct calendar_row weekday_work[] = { { D("2020-09-28"), CAL_WORK, "x", 0 } };
	struct calendar_row bad_kind[] = { { D("2020-10-01"), 7, "x", 0 } };
	struct calendar_row ok[] = { { D("2020-10-01"), CAL_OFF, "x", 0 } };
	int y2020[] = { 2020 }, y2019[] = { 2019 }, ybad[] = { 3000 }, ydup[] = { 2020, 2018, 2020 };
	bool w = true;

	assert_int_equal(calendar_build(&cal, &f->a, unsorted, 2, y2020, 1), ERR_INVALID);
	assert_int_equal(calendar_build(&cal, &f->a, dup, 2, y2020, 1), ERR_INVALID);
	assert_int_equal(calendar_build(&cal, &f->a, weekday_work, 1, y2020, 1), ERR_INVALID);
	assert_int_equal(calendar_build(&cal, &f->a, bad_kind, 1, y2020, 1), ERR_INVALID);
	assert_int_equal(calendar_build(&cal, &f->a, ok, 1, y2019, 1), ERR_INVALID); /* row outside */
	assert_int_equal(calendar_build(&cal, &f->a, ok, 1, ybad, 1), ERR_INVALID);
	/* covered years need not be contiguous: 2019 stays uncovered */
	assert_int_equal(calendar_build(&cal, &f->a, ok, 1, ydup, 3), 0);
	assert_true(calendar_covers(&cal, 2018));
	assert_false(calendar_covers(&cal, 2019));
	assert_true(calendar_covers(&cal, 2020));
	assert_int_equal(calendar_is_workday(&cal, D("2019-06-03"), &w), ERR_NOT_FOUND);
	assert_int_equal(calendar_is_workday(&cal, D("2018-06-04"), &w), 0); /* a Monday, nothing listed */
	assert_true(w);
	assert_int_equal(calendar_is_workday(&cal, D("2020-10-01"), &w), 0);
	assert_false(w);
}

/* ---- over the store ---- */

static void test_store_round_trip(void **state)
{
	struct fx *f = *state;
	struct fts_ctx *fts = NULL;
	struct db *db = NULL;
	struct org platform = { .slug = "platform", .name = "平台", .kind = "platform", .org_code = "" };
	struct org agency = { .slug = "a", .name = "某局", .kind = "agency", .org_code = "" };
	struct calendar cal;
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	int *years = NULL;
	size_t n = 0, ny = 0;
	char dir[] = "/tmp/gk-calendar-XXXXXX", path[64], d[11];
	bool w = false;
	/* a new 2020 that moves 国庆 (a fiction), plus a first 2027 */
	static const char update[] = "2020-10-05\toff\t国庆节\n"
				     "2020-10-10\twork\t国庆节\n"
				     "2027-01-01\toff\t元旦\n";

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(fts_ctx_new(NULL, &fts), 0);
	assert_int_equal(db_open(path, &(struct db_opts){ .fts = fts }, &db), 0);
	assert_int_equal(db_migrate(db, NULL), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(store_org_insert(db, &platform, "2020-01-01T00:00:00Z"), 0);
	assert_int_equal(store_org_insert(db, &agency, "2020-01-01T00:00:00Z"), 0);
	assert_int_equal(calendar_import(db, &f->a, platform.id, f->rows, f->n), 0);
	assert_int_equal(db_commit(db), 0);

	assert_int_equal(calendar_load(db, &f->a, platform.id, &cal), 0);
	assert_int_equal(cal.n, 705);
	assert_true(calendar_covers(&cal, 2007) && calendar_covers(&cal, 2026) && !calendar_covers(&cal, 2027));
	assert_string_equal(due(&cal, "2020-09-25", 20, d), "2020-10-29");
	assert_int_equal(calendar_lookup(&cal, D("2015-09-06"))->kind, CAL_WORK);
	assert_string_equal(calendar_lookup(&cal, D("2015-09-06"))->name, calendar_lookup(&f->cal, D("2015-09-06"))->name);
	/* every row belongs to its org: the agency has none */
	assert_int_equal(calendar_load(db, &f->a, agency.id, &cal), 0);
	assert_int_equal(cal.n, 0);
	assert_false(calendar_covers(&cal, 2020));

	/* a second import replaces the years it has rows for, and only those */
	assert_int_equal(calendar_parse_tsv(&f->a, update, strlen(update), &rows, &n, &msg), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(calendar_import(db, &f->a, platform.id, rows, n), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(store_calendar_years(db, &f->a, platform.id, &years, &ny), 0);
	assert_int_equal(ny, 21);
	assert_int_equal(years[0], 2007);
	assert_int_equal(years[20], 2027);
	assert_int_equal(calendar_load(db, &f->a, platform.id, &cal), 0);
	assert_int_equal(cal.n, 705 - 36 + 3);
	assert_true(workday(&cal, "2020-01-24"));   /* the old 2020 rows are gone */
	assert_false(workday(&cal, "2020-10-05"));
	assert_true(workday(&cal, "2020-10-01"));
	assert_false(workday(&cal, "2019-10-01"));  /* 2019 untouched */
	assert_false(workday(&cal, "2027-01-01"));
	assert_int_equal(calendar_is_workday(&cal, D("2027-01-04"), &w), 0);
	assert_true(w);

	/* a failed import inside a transaction that is rolled back changes nothing */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(calendar_import(db, &f->a, platform.id, f->rows, f->n), 0);
	db_rollback(db);
	assert_int_equal(calendar_load(db, &f->a, platform.id, &cal), 0);
	assert_int_equal(cal.n, 705 - 36 + 3);

	db_close(db);
	fts_ctx_free(fts);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shipped_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_facts_2020, setup, teardown),
		cmocka_unit_test_setup_teardown(test_facts_other_years, setup, teardown),
		cmocka_unit_test_setup_teardown(test_due_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncovered_years, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_years_and_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_against_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_long_spans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_speed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
