/* test_date.c - day numbers, weekdays, date_parse/date_format and the
 * China-time formatting, checked day by day over the whole supported range
 * (1900-2999) against an independent calendar walk. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/date.h"
#include "core/err.h"
#include "core/banned.h"

static int parse(const char *s, long *out)
{
	return date_parse(s, strlen(s), out);
}

static void test_epoch_and_known_days(void **state)
{
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1970, 1, 2), 1);
	assert_int_equal(date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(date_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(date_from_ymd(2020, 1, 1), 18262);
	/* 1900-01-01 is 25567 days before the epoch (70 years, 17 leap days) */
	assert_int_equal(date_from_ymd(1900, 1, 1), -25567);
}

/* 0 = Monday ... 6 = Sunday */
static void test_weekday_of_known_dates(void **state)
{
	static const struct {
		int y, m, d, wd;
	} k[] = {
		{ 2020, 1, 1, 2 },   /* Wednesday */
		{ 1970, 1, 1, 3 },   /* Thursday */
		{ 1900, 1, 1, 0 },   /* Monday */
		{ 1949, 10, 1, 5 },  /* Saturday */
		{ 2000, 1, 1, 5 },   /* Saturday */
		{ 2000, 2, 29, 1 },  /* Tuesday */
		{ 2008, 8, 8, 4 },   /* Friday */
		{ 2019, 5, 15, 2 },  /* Wednesday: 条例 in force */
		{ 2024, 2, 29, 3 },  /* Thursday */
		{ 2999, 12, 31, 1 }, /* Tuesday */
		{ 1969, 12, 31, 2 }, /* Wednesday: a negative day number */
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		long day = date_from_ymd(k[i].y, k[i].m, k[i].d);

		if (date_weekday(day) != k[i].wd)
			fail_msg("%04d-%02d-%02d: weekday %d, want %d", k[i].y, k[i].m, k[i].d,
				 date_weekday(day), k[i].wd);
	}
}

static void test_leap_years_and_month_lengths(void **state)
{
	assert_false(date_is_leap(1900));
	assert_true(date_is_leap(2000));
	assert_true(date_is_leap(2020));
	assert_false(date_is_leap(2021));
	assert_false(date_is_leap(2100));
	assert_true(date_is_leap(2400));
	assert_int_equal(date_days_in_month(2020, 2), 29);
	assert_int_equal(date_days_in_month(2021, 2), 28);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(2021, 1), 31);
	assert_int_equal(date_days_in_month(2021, 4), 30);
	assert_int_equal(date_days_in_month(2021, 12), 31);
}

/* Walk every day from 1900-01-01 to 2999-12-31 with a plain calendar
 * counter and check that day numbers are consecutive, that both directions
 * agree, that weekdays cycle, and that format and parse round-trip. */
static void test_every_day_1900_2999(void **state)
{
	long day = date_from_ymd(1900, 1, 1), last = date_from_ymd(2999, 12, 31);
	int y = 1900, m = 1, d = 1, wd = date_weekday(day);
	long count = 0;

	while (day <= last) {
		int yy, mm, dd;
		char s[11], want[40];
		long back;

		date_to_ymd(day, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			fail_msg("day %ld: %d-%d-%d, want %d-%d-%d", day, yy, mm, dd, y, m, d);
		if (date_from_ymd(y, m, d) != day)
			fail_msg("%d-%d-%d: from_ymd %ld, want %ld", y, m, d, date_from_ymd(y, m, d), day);
		if (date_weekday(day) != wd)
			fail_msg("%d-%d-%d: weekday", y, m, d);
		date_format(day, s);
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
		if (strcmp(s, want) != 0)
			fail_msg("format %s, want %s", s, want);
		if (date_parse(s, 10, &back) != 0 || back != day)
			fail_msg("parse %s", s);

		/* next day, by hand */
		count++;
		day++;
		wd = (wd + 1) % 7;
		if (++d > date_days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(y, 3000);
	/* 1100 years: 365 * 1100 + leap days (275 multiples of 4, less the
	 * 11 centuries, plus the 3 of them divisible by 400) */
	assert_int_equal(count, 365L * 1100 + 275 - 11 + 3);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"2021-02-29", /* not a leap year */
		"1900-02-29", /* century, not a leap year */
		"2020-13-01", "2020-00-10", "2020-01-00", "2020-01-32", "2020-04-31", "2020-06-31",
		"2020-1-01",  /* no padding */
		"2020-01-1", "20-01-01", "2020-001-01",
		"1899-12-31", "3000-01-01", "0000-01-01", /* outside 1900-2999 */
		"2020/01/01", "2020.01.01", "20200101", "2020-01-01T00", "2020-01-01 ", " 2020-01-01",
		"２０２０-01-01", "2020-0a-01", "+020-01-01", "-020-01-01", "2020-+1-01", "2020-01--1",
		"2020年1月1日", "", "----------", "2020-01-0\x01",
	};
	long day = 424242;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &day) != ERR_INVALID)
			fail_msg("date_parse accepted \"%s\"", bad[i]);
		assert_int_equal(day, 424242); /* *out untouched */
	}
	/* an embedded NUL inside the 10 bytes */
	assert_int_equal(date_parse("2020-01\0001", 10, &day), ERR_INVALID);
}

static void test_parse_accepts(void **state)
{
	long day;
	int y, m, d;

	assert_int_equal(parse("2020-02-29", &day), 0);
	date_to_ymd(day, &y, &m, &d);
	assert_int_equal(y, 2020);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(parse("2000-02-29", &day), 0);
	assert_int_equal(parse("1900-01-01", &day), 0);
	assert_int_equal(day, date_from_ymd(1900, 1, 1));
	assert_int_equal(parse("2999-12-31", &day), 0);
	assert_int_equal(day, date_from_ymd(2999, 12, 31));
	/* only the first n bytes are read */
	assert_int_equal(date_parse("2020-02-29 and more", 10, &day), 0);
	assert_int_equal(day, date_from_ymd(2020, 2, 29));
	assert_int_equal(date_parse("2020-02-29", 9, &day), ERR_INVALID);
}

static void test_format(void **state)
{
	char s[11];

	memset(s, 'X', sizeof(s));
	date_format(0, s);
	assert_string_equal(s, "1970-01-01");
	date_format(date_from_ymd(2020, 2, 29), s);
	assert_string_equal(s, "2020-02-29");
	date_format(date_from_ymd(1900, 1, 1), s);
	assert_string_equal(s, "1900-01-01");
}

static void test_time_format(void **state)
{
	char u[21], c[17];
	const time_t t = 1577836800; /* 2020-01-01T00:00:00Z */

	time_format_utc(0, u);
	assert_string_equal(u, "1970-01-01T00:00:00Z");
	time_format_utc(t, u);
	assert_string_equal(u, "2020-01-01T00:00:00Z");
	time_format_cn(0, c);
	assert_string_equal(c, "1970-01-01 08:00");
	/* 16:00 UTC on New Year's Eve is already 2020 in China */
	time_format_cn(t - 8 * 3600, c);
	assert_string_equal(c, "2020-01-01 00:00");
	time_format_cn(t - 8 * 3600 - 60, c);
	assert_string_equal(c, "2019-12-31 23:59");
}

/* China time whatever TZ the server runs in. */
static void test_tz_independent(void **state)
{
	char c[17];
	long before, today, after;

	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	time_format_cn(1577836800 - 8 * 3600, c);
	assert_string_equal(c, "2020-01-01 00:00");
	before = (long)((time(NULL) + 8 * 3600) / 86400);
	today = date_today_cn();
	after = (long)((time(NULL) + 8 * 3600) / 86400);
	assert_true(today >= before && today <= after);
	unsetenv("TZ");
	tzset();
	assert_true(date_today_cn() >= today);
	/* plausibility: after the date this test was written */
	assert_true(today > date_from_ymd(2024, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_known_days),
		cmocka_unit_test(test_weekday_of_known_dates),
		cmocka_unit_test(test_leap_years_and_month_lengths),
		cmocka_unit_test(test_every_day_1900_2999),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_tz_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
