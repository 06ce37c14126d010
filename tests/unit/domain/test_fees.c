/* test_fees.c - the 信息处理费 of 国办函〔2020〕109号: every tier edge of
 * 按件 and 按量, month totals, the one-standard rule, bounds, and the
 * amount as a notice writes it. Expected amounts are worked out from the
 * rule in the comments next to them, not copied from the code. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/applications/fees.h"
#include "core/banned.h"

#include "arena_fixture.h"

static long long item(int k)
{
	long long y = -1;

	assert_int_equal(fees_per_item(k, &y), 0);
	return y;
}

static long long item_total(int n)
{
	long long y = -1;

	assert_int_equal(fees_per_item_total(n, &y), 0);
	return y;
}

static long long page(long long pages)
{
	long long y = -1;

	assert_int_equal(fees_per_page(pages, &y), 0);
	return y;
}

/* ---- 按件 ---- */

static void test_item_edges(void **state)
{
	assert_int_equal(item(1), 0);     /* 10件以下(含10件) 不收费 */
	assert_int_equal(item(10), 0);
	assert_int_equal(item(11), 100);  /* 11-30件: 100元/件 */
	assert_int_equal(item(30), 100);
	assert_int_equal(item(31), 200);  /* first band of 10 above 30: +100 */
	assert_int_equal(item(40), 200);
	assert_int_equal(item(41), 300);  /* second band */
	assert_int_equal(item(50), 300);
	assert_int_equal(item(51), 400);  /* third band */
	assert_int_equal(item(60), 400);
	assert_int_equal(item(61), 500);
	/* 9991-10000 is band (10000 - 30) / 10 = 997: 100 + 997 * 100 */
	assert_int_equal(item(10000), 99800);
	assert_int_equal(item(FEE_K_MAX), 100 + 100LL * ((FEE_K_MAX - 30 + 9) / 10));
}

static void test_item_totals(void **state)
{
	assert_int_equal(item_total(0), 0);
	assert_int_equal(item_total(1), 0);
	assert_int_equal(item_total(10), 0);
	assert_int_equal(item_total(11), 100);         /* one paid 件 */
	assert_int_equal(item_total(30), 2000);        /* 20 x 100 */
	assert_int_equal(item_total(31), 2200);        /* 2000 + 200 */
	assert_int_equal(item_total(40), 4000);        /* 2000 + 10 x 200 */
	assert_int_equal(item_total(41), 4300);        /* 4000 + 300 */
	assert_int_equal(item_total(50), 7000);        /* 4000 + 10 x 300 */
	assert_int_equal(item_total(55), 9000);        /* 7000 + 5 x 400 */
}

/* The closed form agrees with the sum of the per-件 fees, and the month
 * total never decreases. */
static void test_item_total_is_sum(void **state)
{
	long long sum = 0;

	for (int n = 1; n <= 500; n++) {
		sum += item(n);
		assert_int_equal(item_total(n), sum);
	}
	/* and at the top of the range, against a loop */
	sum = 0;
	for (int k = 1; k <= FEE_K_MAX; k++)
		sum += item(k);
	assert_int_equal(item_total(FEE_K_MAX), sum);
}

static void test_item_invalid(void **state)
{
	static const int bad_k[] = { 0, -1, INT_MIN, FEE_K_MAX + 1, INT_MAX };
	static const int bad_n[] = { -1, INT_MIN, FEE_K_MAX + 1, INT_MAX };
	long long y = 12345;

	for (size_t i = 0; i < sizeof(bad_k) / sizeof(bad_k[0]); i++) {
		assert_int_equal(fees_per_item(bad_k[i], &y), ERR_INVALID);
		assert_int_equal(y, 12345); /* untouched on error */
	}
	for (size_t i = 0; i < sizeof(bad_n) / sizeof(bad_n[0]); i++) {
		assert_int_equal(fees_per_item_total(bad_n[i], &y), ERR_INVALID);
		assert_int_equal(y, 12345);
	}
}

/* ---- 按量 ---- */

static void test_page_edges(void **state)
{
	assert_int_equal(page(0), 0);
	assert_int_equal(page(1), 0);
	assert_int_equal(page(30), 0);     /* 30页以下(含30页) 不收费 */
	assert_int_equal(page(31), 10);    /* 1 page at 10 */
	assert_int_equal(page(100), 700);  /* 70 pages (31-100) at 10 */
	assert_int_equal(page(101), 720);  /* 700 + 1 page at 20 */
	assert_int_equal(page(200), 2700); /* 700 + 100 pages (101-200) at 20 */
	assert_int_equal(page(201), 2740); /* 2700 + 1 page at 40 */
	assert_int_equal(page(250), 4700); /* 2700 + 50 pages at 40 */
	assert_int_equal(page(FEE_PAGES_MAX), 2700 + 40LL * (FEE_PAGES_MAX - 200));
}

/* Progressive: each further page costs exactly the rate of its own band. */
static void test_page_marginal(void **state)
{
	for (long long p = 1; p <= 1000; p++) {
		long long rate = p <= 30 ? 0 : p <= 100 ? 10 : p <= 200 ? 20 : 40;

		assert_int_equal(page(p) - page(p - 1), rate);
	}
}

static void test_page_invalid(void **state)
{
	static const long long bad[] = { -1, LLONG_MIN, FEE_PAGES_MAX + 1LL, LLONG_MAX };
	long long y = 12345;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fees_per_page(bad[i], &y), ERR_INVALID);
		assert_int_equal(y, 12345);
	}
}

/* ---- one standard per application ---- */

static void test_compute_one_standard(void **state)
{
	long long y = -1;

	/* the argument a standard does not use is ignored, never added */
	assert_int_equal(fees_compute(FEE_PER_ITEM, 31, 250, &y), 0);
	assert_int_equal(y, 200);
	assert_int_equal(fees_compute(FEE_PER_PAGE, 31, 250, &y), 0);
	assert_int_equal(y, 4700);
	assert_int_equal(fees_compute(FEE_NONE, 31, 250, &y), 0);
	assert_int_equal(y, 0);
	/* ... even when it is out of its own bounds */
	assert_int_equal(fees_compute(FEE_PER_ITEM, 11, -5, &y), 0);
	assert_int_equal(y, 100);
	assert_int_equal(fees_compute(FEE_PER_PAGE, 0, 101, &y), 0);
	assert_int_equal(y, 720);
}

static void test_compute_invalid(void **state)
{
	long long y = 12345;

	assert_int_equal(fees_compute((enum fee_standard)3, 11, 31, &y), ERR_INVALID);
	assert_int_equal(fees_compute((enum fee_standard)-1, 11, 31, &y), ERR_INVALID);
	assert_int_equal(fees_compute(FEE_PER_ITEM, 0, 31, &y), ERR_INVALID);
	assert_int_equal(fees_compute(FEE_PER_PAGE, 11, -1, &y), ERR_INVALID);
	assert_int_equal(y, 12345);
}

static void test_standard_name(void **state)
{
	assert_string_equal(fees_standard_name(FEE_NONE), "不收费");
	assert_string_equal(fees_standard_name(FEE_PER_ITEM), "按件计收");
	assert_string_equal(fees_standard_name(FEE_PER_PAGE), "按量计收");
	assert_null(fees_standard_name((enum fee_standard)7));
}

static void test_pay_period(void **state)
{
	assert_int_equal(FEE_PAY_WORKDAYS, 20);
}

/* ---- the notice's amount ---- */

static const char *fmt(struct arena *a, long long yuan)
{
	const char *out = NULL;

	assert_int_equal(fees_format(a, yuan, &out), 0);
	assert_non_null(out);
	return out;
}

static void test_format(void **state)
{
	struct arena *a = *state;
	const char *out = "x";

	assert_string_equal(fmt(a, 0), "人民币 0 元");
	assert_string_equal(fmt(a, 100), "人民币 100 元");
	assert_string_equal(fmt(a, 999), "人民币 999 元");
	assert_string_equal(fmt(a, 1000), "人民币 1,000 元");
	assert_string_equal(fmt(a, 1200), "人民币 1,200 元");
	assert_string_equal(fmt(a, 4700), "人民币 4,700 元");
	assert_string_equal(fmt(a, 100000), "人民币 100,000 元");
	assert_string_equal(fmt(a, 1234567), "人民币 1,234,567 元");
	assert_string_equal(fmt(a, LLONG_MAX), "人民币 9,223,372,036,854,775,807 元");
	assert_int_equal(fees_format(a, -1, &out), ERR_INVALID);
	assert_null(out);
	assert_int_equal(fees_format(a, LLONG_MIN, &out), ERR_INVALID);
	assert_null(out);
}

static void test_format_nomem(void **state)
{
	struct arena a;
	const char *out = "x";

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_int_equal(fees_format(&a, 1200, &out), ERR_NOMEM);
	assert_null(out);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_item_edges),
		cmocka_unit_test(test_item_totals),
		cmocka_unit_test(test_item_total_is_sum),
		cmocka_unit_test(test_item_invalid),
		cmocka_unit_test(test_page_edges),
		cmocka_unit_test(test_page_marginal),
		cmocka_unit_test(test_page_invalid),
		cmocka_unit_test(test_compute_one_standard),
		cmocka_unit_test(test_compute_invalid),
		cmocka_unit_test(test_standard_name),
		cmocka_unit_test(test_pay_period),
		T(test_format),
		cmocka_unit_test(test_format_nomem),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
