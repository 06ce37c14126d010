/* test_forwarded.c - the client's address behind a trusted proxy
 * (http_forwarded_ip, serve --trusted-proxy): the last X-Forwarded-For
 * entry, the one the proxy appended; what the client wrote before it is
 * never believed; anything that is not an address leaves the proxy's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http/server.h"
#include "core/banned.h"

static const char *fwd(const char *xff)
{
	static char ip[64];

	snprintf(ip, sizeof(ip), "127.0.0.1");
	http_forwarded_ip(xff, ip, sizeof(ip));
	return ip;
}

static void test_last_entry_is_the_client(void **state)
{
	(void)state;
	assert_string_equal(fwd("203.0.113.7"), "203.0.113.7");
	/* a client that sends its own header cannot choose its address */
	assert_string_equal(fwd("1.2.3.4, 203.0.113.7"), "203.0.113.7");
	assert_string_equal(fwd("1.2.3.4,203.0.113.7"), "203.0.113.7");
	assert_string_equal(fwd("  198.51.100.2  "), "198.51.100.2");
	/* IPv6, in the canonical form */
	assert_string_equal(fwd("2001:DB8:0:0::1"), "2001:db8::1");
}

static void test_not_an_address_keeps_the_proxy(void **state)
{
	(void)state;
	assert_string_equal(fwd(""), "127.0.0.1");
	assert_string_equal(fwd("203.0.113.7, unknown"), "127.0.0.1");
	assert_string_equal(fwd("203.0.113.7,"), "127.0.0.1");
	assert_string_equal(fwd("999.1.1.1"), "127.0.0.1");
	assert_string_equal(fwd("1.2.3.4 5.6.7.8"), "127.0.0.1");
	assert_string_equal(fwd("1.2.3.4\r\nX: y"), "127.0.0.1");
	char long_one[300];

	memset(long_one, '1', sizeof(long_one) - 1);
	long_one[sizeof(long_one) - 1] = '\0';
	assert_string_equal(fwd(long_one), "127.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_entry_is_the_client),
		cmocka_unit_test(test_not_an_address_keeps_the_proxy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
