/* arena_fixture.h - the cmocka fixture most unit tests share: a fresh
 * arena (4 MB cap) in *state, and a check after release that it really
 * is empty. Include after <cmocka.h> and "core/arena.h". */
#ifndef GK_TESTS_ARENA_FIXTURE_H
#define GK_TESTS_ARENA_FIXTURE_H

static int setup(void **state)
{
	struct arena *a = test_malloc(sizeof(*a));

	arena_init(a, 1 << 22);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	struct arena *a = *state;

	arena_release(a);
	assert_null(a->head);
	assert_int_equal(a->used, 0);
	test_free(a);
	return 0;
}

#endif
