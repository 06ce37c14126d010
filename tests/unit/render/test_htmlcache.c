/* test_htmlcache.c - rendered fragments by (id, version). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "render/htmlcache.h"

static void test_hit_miss_and_versions(void **state)
{
	struct htmlcache *c;
	struct arena a;
	struct safe_html h;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(htmlcache_new(8, &c), 0);
	assert_false(htmlcache_get(c, 7, 1, &a, &h));
	htmlcache_put(c, 7, 1, safe_html_from_trusted_literal("<p>正文</p>"));
	assert_true(htmlcache_get(c, 7, 1, &a, &h));
	assert_int_equal(h.n, strlen("<p>正文</p>"));
	assert_memory_equal(h.p, "<p>正文</p>", h.n);
	/* an edited item (new version) never sees the old body */
	assert_false(htmlcache_get(c, 7, 2, &a, &h));
	htmlcache_put(c, 7, 2, safe_html_from_trusted_literal("<p>改</p>"));
	assert_true(htmlcache_get(c, 7, 2, &a, &h));
	assert_memory_equal(h.p, "<p>改</p>", h.n);
	assert_false(htmlcache_get(c, 7, 1, &a, &h));
	/* many ids in few slots: whatever is returned belongs to its id */
	for (long long id = 100; id < 200; id++) {
		char body[32];
		int n = snprintf(body, sizeof(body), "<p>%lld</p>", id);

		htmlcache_put(c, id, 1, safe_html_from_trusted(body, (size_t)n));
	}
	for (long long id = 100; id < 200; id++) {
		char want[32];
		int n = snprintf(want, sizeof(want), "<p>%lld</p>", id);

		if (htmlcache_get(c, id, 1, &a, &h)) {
			assert_int_equal(h.n, (size_t)n);
			assert_memory_equal(h.p, want, h.n);
		}
	}
	htmlcache_free(c);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_hit_miss_and_versions) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
