/* test_ratelimit.c - the per-address limiter of the public forms, search
 * and tracking: max events in a window, the wait it reports, a new window
 * after the old one ends, addresses counted apart (IPv6 by /64), and a
 * full table forgetting the oldest windows instead of growing. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "http/ratelimit.h"
#include "core/banned.h"

static void test_limit_and_wait(void **state)
{
	struct ratelimit *rl;

	assert_int_equal(ratelimit_new(60, 3, 64, &rl), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", 1000 + i), 0);
	/* the fourth within the minute waits until the window (from 1000) ends */
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 1010), 50);
	assert_int_equal(ratelimit_wait(rl, "192.0.2.1", 1059), 1);
	/* a refused event is not counted: a new window starts at 1060 */
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 1060), 0);
	assert_int_equal(ratelimit_wait(rl, "192.0.2.1", 1061), 0);
	ratelimit_free(rl);
}

static void test_count_apart_from_check(void **state)
{
	struct ratelimit *rl;

	assert_int_equal(ratelimit_new(600, 2, 64, &rl), 0);
	/* checks count nothing; failures are counted separately */
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_wait(rl, "198.51.100.7", 5000), 0);
	ratelimit_count(rl, "198.51.100.7", 5000);
	ratelimit_count(rl, "198.51.100.7", 5001);
	assert_int_equal(ratelimit_wait(rl, "198.51.100.7", 5002), 598);
	ratelimit_free(rl);
}

static void test_addresses_apart(void **state)
{
	struct ratelimit *rl;

	assert_int_equal(ratelimit_new(60, 1, 64, &rl), 0);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 100), 0);
	assert_true(ratelimit_take(rl, "192.0.2.1", 100) > 0);
	assert_int_equal(ratelimit_take(rl, "192.0.2.2", 100), 0);
	/* an IPv4-mapped IPv6 address is the same client */
	assert_true(ratelimit_take(rl, "::ffff:192.0.2.2", 101) > 0);
	/* one /64 is one subscriber: another interface id does not help */
	assert_int_equal(ratelimit_take(rl, "2001:db8:1:2::1", 100), 0);
	assert_true(ratelimit_take(rl, "2001:db8:1:2:ffff::9", 100) > 0);
	assert_int_equal(ratelimit_take(rl, "2001:db8:1:3::1", 100), 0);
	ratelimit_free(rl);
}

static void test_no_limit(void **state)
{
	struct ratelimit *rl;

	assert_int_equal(ratelimit_new(60, 0, 8, &rl), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", 100), 0);
	ratelimit_free(rl);
	/* NULL (a limiter not configured) allows everything */
	assert_int_equal(ratelimit_take(NULL, "192.0.2.1", 100), 0);
}

static void test_full_table_forgets_oldest(void **state)
{
	struct ratelimit *rl;
	char ip[32];

	assert_int_equal(ratelimit_new(600, 1, 8, &rl), 0);
	assert_int_equal(ratelimit_take(rl, "203.0.113.1", 100), 0);
	/* many other addresses later: the table stays its size and the first
	 * address, whose window is the oldest, is forgotten */
	for (int i = 0; i < 200; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 250, i % 250 + 1);
		assert_int_equal(ratelimit_take(rl, ip, 200 + i), 0);
	}
	assert_int_equal(ratelimit_take(rl, "203.0.113.1", 500), 0);
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_and_wait),
		cmocka_unit_test(test_count_apart_from_check),
		cmocka_unit_test(test_addresses_apart),
		cmocka_unit_test(test_no_limit),
		cmocka_unit_test(test_full_table_forgets_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
