/* test_arena.c - the region allocator: alignment, disjoint allocations,
 * the byte limit, the fail_at knob (the Nth allocation fails) and the state
 * after arena_release(). */
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

#define ALIGN alignof(max_align_t)
/* the arena rounds every request up to this unit (arena.c) */
#define UNIT sizeof(max_align_t)

static void assert_released(const struct arena *a)
{
	assert_null(a->head);
	assert_int_equal(a->used, 0);
	assert_int_equal(a->count, 0);
}

static void test_init_is_empty(void **state)
{
	struct arena a;

	memset(&a, 0xAB, sizeof(a));
	arena_init(&a, 4096);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
	assert_int_equal(a.limit, 4096);
	assert_int_equal(a.fail_at, 0);
	assert_int_equal(a.count, 0);
	/* releasing an arena that never allocated is fine, twice */
	arena_release(&a);
	arena_release(&a);
	assert_released(&a);
}

static void test_alignment(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 100, 255, 4097, 16383,
					16384, 16385, 70000, 1, 3 };
	struct arena a;

	arena_init(&a, 0);
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			void *p = arena_alloc(&a, sizes[i]);

			assert_non_null(p);
			assert_int_equal((uintptr_t)p % ALIGN, 0);
		}
	}
	/* used counts whole units */
	assert_int_equal(a.used % UNIT, 0);
	arena_release(&a);
	assert_released(&a);
}

/* Allocations never overlap: fill each with its own byte and check all of
 * them afterwards, across several blocks. */
static void test_allocations_are_disjoint(void **state)
{
	enum { N = 400 };
	unsigned char *p[N];
	size_t len[N];
	struct arena a;

	arena_init(&a, 0);
	for (int i = 0; i < N; i++) {
		len[i] = (size_t)(i * 37 % 1000) + 1;
		p[i] = arena_alloc(&a, len[i]);
		assert_non_null(p[i]);
		memset(p[i], i & 0xFF, len[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t j = 0; j < len[i]; j++)
			assert_int_equal(p[i][j], i & 0xFF);
	arena_release(&a);
	assert_released(&a);
}

static void test_zero_size_gives_distinct_pointers(void **state)
{
	struct arena a;
	void *p, *q;

	arena_init(&a, 0);
	p = arena_alloc(&a, 0);
	q = arena_alloc(&a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	arena_release(&a);
}

static void test_huge_request_fails(void **state)
{
	struct arena a;

	arena_init(&a, 0);
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX / 2 + 1));
	assert_int_equal(a.used, 0);
	/* the arena is still usable */
	assert_non_null(arena_alloc(&a, 10));
	arena_release(&a);
	assert_released(&a);
}

static void test_large_allocation_and_growth(void **state)
{
	struct arena a;
	unsigned char *big, *small;

	arena_init(&a, 0);
	small = arena_alloc(&a, 10);
	big = arena_alloc(&a, 3 * 1024 * 1024);
	assert_non_null(small);
	assert_non_null(big);
	assert_int_equal((uintptr_t)big % ALIGN, 0);
	memset(big, 0x5A, 3 * 1024 * 1024);
	memset(small, 0xA5, 10);
	assert_int_equal(big[0], 0x5A);
	assert_int_equal(big[3 * 1024 * 1024 - 1], 0x5A);
	assert_true(a.used >= 3 * 1024 * 1024 + 10);
	arena_release(&a);
	assert_released(&a);
}

/* Past the limit allocations fail, used never exceeds it, and a smaller
 * request that still fits succeeds. */
static void test_limit(void **state)
{
	struct arena a;
	size_t got = 0;

	arena_init(&a, 1000);
	for (;;) {
		void *p = arena_alloc(&a, 100);

		if (!p)
			break;
		got++;
		assert_true(a.used <= a.limit);
	}
	/* each 100-byte request is charged whole units */
	assert_int_equal(got, 1000 / ((100 + UNIT - 1) / UNIT * UNIT));
	assert_true(a.used <= 1000);
	/* a failed allocation does not charge the arena */
	{
		size_t before = a.used;

		assert_null(arena_alloc(&a, 100));
		assert_int_equal(a.used, before);
		if (1000 - before >= UNIT) {
			assert_non_null(arena_alloc(&a, 1));
			assert_int_equal(a.used, before + UNIT);
		}
	}
	/* the limit also bounds derived allocations */
	{
		char big[1000];

		memset(big, 'x', sizeof(big));
		assert_null(arena_strndup(&a, big, sizeof(big)));
		assert_null(arena_printf(&a, "%.*s", (int)sizeof(big), big));
	}
	arena_release(&a);
	assert_released(&a);
	/* the limit survives release: the arena is reusable with the same cap */
	assert_int_equal(a.limit, 1000);
	assert_non_null(arena_alloc(&a, 500));
	assert_null(arena_alloc(&a, 600));
	arena_release(&a);
}

static void test_limit_exact_fit(void **state)
{
	struct arena a;

	arena_init(&a, 4 * UNIT);
	assert_non_null(arena_alloc(&a, 3 * UNIT));
	assert_non_null(arena_alloc(&a, UNIT));
	assert_int_equal(a.used, 4 * UNIT);
	assert_null(arena_alloc(&a, 1));
	arena_release(&a);
}

/* fail_at = N fails exactly the Nth allocation, once; every allocating
 * helper goes through it. */
static void test_fail_at_nth(void **state)
{
	struct arena a;

	for (long n = 1; n <= 6; n++) {
		arena_init(&a, 0);
		a.fail_at = n;
		for (long i = 1; i <= 8; i++) {
			void *p = arena_alloc(&a, 24);

			assert_int_equal(a.count, i);
			if (i == n)
				assert_null(p);
			else
				assert_non_null(p);
		}
		arena_release(&a);
		assert_released(&a);
	}
}

static void test_fail_at_helpers(void **state)
{
	struct arena a;

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_null(arena_strdup(&a, "abc"));
	assert_string_equal(arena_strdup(&a, "abc"), "abc");
	arena_release(&a);

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_null(arena_zalloc(&a, 64));
	arena_release(&a);

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_null(arena_strndup(&a, "abcdef", 3));
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	arena_release(&a);

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_null(arena_printf(&a, "%d-%s", 42, "x"));
	assert_string_equal(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
	arena_release(&a);
}

/* count restarts at release, so the knob fires again in a reused arena:
 * that is what a torture loop relies on. */
static void test_fail_at_after_release(void **state)
{
	struct arena a;

	arena_init(&a, 0);
	a.fail_at = 2;
	assert_non_null(arena_alloc(&a, 8));
	assert_null(arena_alloc(&a, 8));
	arena_release(&a);
	assert_released(&a);
	assert_int_equal(a.fail_at, 2);
	assert_non_null(arena_alloc(&a, 8));
	assert_null(arena_alloc(&a, 8));
	assert_non_null(arena_alloc(&a, 8));
	arena_release(&a);
}

/* Torture: a small builder sequence under every failure point ends with
 * a sticky ERR_NOMEM or succeeds, never crashes or leaks (LSan). */
static void test_torture_buf(void **state)
{
	bool saw_ok = false;

	for (long n = 1; n <= 20; n++) {
		struct arena a;
		struct buf b;

		arena_init(&a, 0);
		a.fail_at = n;
		buf_init(&b, &a, 1 << 20);
		for (int i = 0; i < 200; i++)
			buf_puts(&b, "0123456789abcdef");
		if (b.err) {
			assert_int_equal(b.err, ERR_NOMEM);
			assert_string_equal(buf_cstr(&b), "");
		} else {
			assert_int_equal(b.n, 200 * 16);
			assert_int_equal(strlen(buf_cstr(&b)), 200 * 16);
			saw_ok = true;
		}
		arena_release(&a);
		assert_released(&a);
	}
	assert_true(saw_ok);
}

static void test_zalloc_zeroes_reused_memory(void **state)
{
	struct arena a;
	unsigned char *p;

	arena_init(&a, 0);
	p = arena_alloc(&a, 256);
	memset(p, 0xFF, 256);
	arena_release(&a);
	p = arena_zalloc(&a, 256);
	assert_non_null(p);
	for (int i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	arena_release(&a);
}

static void test_string_helpers(void **state)
{
	struct arena a;
	char *s;

	arena_init(&a, 0);
	assert_null(arena_strdup(&a, NULL));
	s = arena_strndup(&a, "中文abc", 6);
	assert_string_equal(s, "中文");
	s = arena_strndup(&a, NULL, 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	s = arena_printf(&a, "%s/%04d-%05lld", "002580389", 2020, 7LL);
	assert_string_equal(s, "002580389/2020-00007");
	s = arena_printf(&a, "%s", "");
	assert_string_equal(s, "");
	arena_release(&a);
	assert_released(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_empty),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_allocations_are_disjoint),
		cmocka_unit_test(test_zero_size_gives_distinct_pointers),
		cmocka_unit_test(test_huge_request_fails),
		cmocka_unit_test(test_large_allocation_and_growth),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_limit_exact_fit),
		cmocka_unit_test(test_fail_at_nth),
		cmocka_unit_test(test_fail_at_helpers),
		cmocka_unit_test(test_fail_at_after_release),
		cmocka_unit_test(test_torture_buf),
		cmocka_unit_test(test_zalloc_zeroes_reused_memory),
		cmocka_unit_test(test_string_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
