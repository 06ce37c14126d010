/* test_auth.c - password hashing and checking, random tokens and passwords,
 * the token hash, the password policy, the login lockout's delays, and
 * auth_can over a real database (roles per org, the platform sysadmin). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

static int setup(void **state)
{
	struct arena *a = test_malloc(sizeof(*a));

	arena_init(a, 0);
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

static bool all_in(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

static void test_hash_and_verify(void **state)
{
	const char *h1 = NULL, *h2 = NULL;

	assert_int_equal(auth_hash_password(*state, "正确的马电池订书钉 correct", &h1), 0);
	assert_non_null(h1);
	assert_true(str_starts(str_c(h1), "$argon2id$"));
	assert_true(auth_check_password(h1, "正确的马电池订书钉 correct"));
	/* wrong, truncated, extended, case-changed, empty */
	assert_false(auth_check_password(h1, "正确的马电池订书钉 Correct"));
	assert_false(auth_check_password(h1, "正确的马电池订书钉 correc"));
	assert_false(auth_check_password(h1, "正确的马电池订书钉 correct "));
	assert_false(auth_check_password(h1, ""));
	/* NULLs and garbage hashes are a plain "no" */
	assert_false(auth_check_password(NULL, "x"));
	assert_false(auth_check_password(h1, NULL));
	assert_false(auth_check_password("", "x"));
	assert_false(auth_check_password("$argon2id$v=19$m=65536,t=2,p=1$garbage", "x"));
	assert_false(auth_check_password("plaintext-password", "plaintext-password"));
	/* a fresh salt each time: same password, different hash, both verify */
	assert_int_equal(auth_hash_password(*state, "正确的马电池订书钉 correct", &h2), 0);
	assert_string_not_equal(h1, h2);
	assert_true(auth_check_password(h2, "正确的马电池订书钉 correct"));
}

static void test_hash_nomem(void **state)
{
	struct arena a;
	const char *h = "untouched";

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_int_equal(auth_hash_password(&a, "whatever-password", &h), ERR_NOMEM);
	assert_string_equal(h, "untouched");
	arena_release(&a);
}

static void test_random_tokens(void **state)
{
	enum { N = 64 };
	const char *tok[N];

	for (int i = 0; i < N; i++) {
		assert_int_equal(auth_random_token(*state, 32, &tok[i]), 0);
		assert_int_equal(strlen(tok[i]), 64);
		assert_true(all_in(tok[i], "0123456789abcdef"));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(tok[i], tok[j]);
	}
	/* sizes: 0 is "", 64 is the most */
	assert_int_equal(auth_random_token(*state, 0, &tok[0]), 0);
	assert_string_equal(tok[0], "");
	assert_int_equal(auth_random_token(*state, 64, &tok[0]), 0);
	assert_int_equal(strlen(tok[0]), 128);
	tok[0] = "untouched";
	assert_int_equal(auth_random_token(*state, 65, &tok[0]), ERR_INVALID);
	assert_string_equal(tok[0], "untouched");
}

static void test_random_token_nomem(void **state)
{
	struct arena a;
	const char *t = "untouched";

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_int_equal(auth_random_token(&a, 32, &t), ERR_NOMEM);
	assert_string_equal(t, "untouched");
	arena_release(&a);
}

static void test_random_passwords(void **state)
{
	const char *p[16];

	for (int i = 0; i < 16; i++) {
		assert_int_equal(auth_random_password(*state, &p[i]), 0);
		assert_int_equal(strlen(p[i]), 16);
		/* no 0 O 1 l I i o L */
		assert_true(all_in(p[i], "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"));
		/* a generated password passes the policy */
		assert_null(auth_password_weak(p[i]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(p[i], p[j]);
	}
}

static void test_token_hash(void **state)
{
	const char *h = NULL;

	/* SHA-256 test vectors (FIPS 180-2) */
	assert_int_equal(auth_token_hash(*state, "abc", &h), 0);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(auth_token_hash(*state, "", &h), 0);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_password_weak(void **state)
{
	static const char *const weak[] = {
		"", "short", "123456789", "abcdefghi",   /* under 10 characters */
		"1234567890", "12345678901234567890",    /* only digits */
		"密码密码密码密码密",                       /* 9 characters (27 bytes) */
	};
	static const char *const ok[] = {
		"abcdefghij", "correct horse battery", "1234567890a", "a1234567890",
		"密码密码密码密码密码",                     /* 10 characters */
		"政府信息公开2020年!",
	};

	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		const char *msg = auth_password_weak(weak[i]);

		if (!msg)
			fail_msg("\"%s\" accepted", weak[i]);
		assert_true(utf8_valid(msg, strlen(msg)));
		assert_true(strlen(msg) > utf8_len(msg, strlen(msg))); /* not ASCII: Chinese */
	}
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (auth_password_weak(ok[i]))
			fail_msg("\"%s\" refused: %s", ok[i], auth_password_weak(ok[i]));
	/* the messages tell length from digits */
	assert_string_not_equal(auth_password_weak("short"), auth_password_weak("1234567890"));
}

/* ---- login lockout ---- */

static void test_lockout_seconds(void **state)
{
	static const struct {
		int failures;
		long want;
	} cases[] = {
		{ -1, 0 }, { 0, 0 }, { 1, 0 }, { 4, 0 },      /* under 5: no lockout */
		{ 5, 30 }, { 6, 60 }, { 7, 120 }, { 8, 240 }, /* then doubling */
		{ 9, 480 }, { 10, 960 }, { 11, 1920 },
		{ 12, 3600 }, { 13, 3600 }, { 50, 3600 },     /* capped at an hour */
		{ 1000, 3600 }, { 2147483647, 3600 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (auth_lockout_seconds(cases[i].failures) != cases[i].want)
			fail_msg("%d failures: %ld s, want %ld", cases[i].failures,
				 auth_lockout_seconds(cases[i].failures), cases[i].want);
	/* never shrinks with more failures */
	for (int f = 0; f < 100; f++)
		assert_true(auth_lockout_seconds(f + 1) >= auth_lockout_seconds(f));
}

static void test_lockout_wait(void **state)
{
	/* neither locked */
	assert_int_equal(auth_lockout_wait(4, 0, 4, 0), 0);
	/* the name: 5 failures, the last 10 s ago: 20 s left; 30 s ago: free */
	assert_int_equal(auth_lockout_wait(5, 10, 0, 3600), 20);
	assert_int_equal(auth_lockout_wait(5, 30, 0, 3600), 0);
	assert_int_equal(auth_lockout_wait(5, 31, 0, 3600), 0);
	/* the address alone locks too, whatever the name */
	assert_int_equal(auth_lockout_wait(0, 3600, 6, 0), 60);
	/* the longer of the two */
	assert_int_equal(auth_lockout_wait(6, 0, 7, 100), 60);
	assert_int_equal(auth_lockout_wait(12, 600, 5, 0), 3000);
	/* a clock that went backwards counts as "just now" */
	assert_int_equal(auth_lockout_wait(5, -100, 0, 0), 30);
}

/* ---- auth_can ---- */

static void test_auth_can(void **state)
{
	char dir[64], path[128], p2[160];
	struct fts_ctx *fts = NULL;
	struct db_opts o;
	struct db *db = NULL;
	struct org platform = { .slug = "platform", .name = "平台", .kind = "platform" };
	struct org edu = { .slug = "tcjy", .name = "教育局", .kind = "agency" };
	struct org health = { .slug = "tcwj", .name = "卫健委", .kind = "agency" };
	struct user root = { .username = "root" }, ed = { .username = "editor" },
		    rev = { .username = "reviewer" }, adm = { .username = "orgadmin" },
		    view = { .username = "viewer" }, none = { .username = "nobody" }, hd = { .username = "handler" };
	struct user *all[] = { &root, &ed, &rev, &adm, &view, &none, &hd };
	const char *const sfx[] = { "", "-wal", "-shm" };
	bool yes;

	snprintf(dir, sizeof(dir), "/tmp/gk-test-auth-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/gk.db", dir);
	assert_int_equal(fts_ctx_new(NULL, &fts), 0);
	o = (struct db_opts){ .fts = fts };
	assert_int_equal(db_open(path, &o, &db), 0);
	assert_int_equal(db_migrate(db, NULL), 0);

	/* no platform org yet: nobody is sysadmin, nothing breaks */
	assert_int_equal(store_org_insert(db, &edu, "t"), 0);
	assert_int_equal(store_org_insert(db, &health, "t"), 0);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		all[i]->org_id = edu.id;
		all[i]->password_hash = "x";
		assert_int_equal(store_user_insert(db, all[i], "t"), 0);
	}
	yes = true;
	assert_int_equal(auth_can(db, root.id, edu.id, PERM_READ, &yes), 0);
	assert_false(yes);

	assert_int_equal(store_org_insert(db, &platform, "t"), 0);
	assert_int_equal(store_membership_add(db, platform.id, root.id, "sysadmin"), 0);
	assert_int_equal(store_membership_add(db, edu.id, ed.id, "editor"), 0);
	assert_int_equal(store_membership_add(db, edu.id, rev.id, "reviewer"), 0);
	assert_int_equal(store_membership_add(db, edu.id, adm.id, "orgadmin"), 0);
	assert_int_equal(store_membership_add(db, edu.id, view.id, "viewer"), 0);
	assert_int_equal(store_membership_add(db, health.id, view.id, "editor"), 0);
	assert_int_equal(store_membership_add(db, edu.id, hd.id, "handler"), 0);

	static const struct {
		int who;   /* index into all[] */
		int org;   /* 0 = edu, 1 = health */
		enum perm p;
		bool want;
	} cases[] = {
		{ 0, 0, PERM_READ, true },   { 0, 0, PERM_ADMIN, true },  { 0, 1, PERM_PUBLISH, true },
		/* 信息员 drafts and submits, never publishes (先审后发) */
		{ 1, 0, PERM_READ, true },   { 1, 0, PERM_EDIT, true },   { 1, 0, PERM_PUBLISH, false },
		{ 1, 0, PERM_ADMIN, false }, { 1, 1, PERM_READ, false },  { 1, 1, PERM_EDIT, false },
		{ 1, 0, PERM_CASES, false }, { 1, 0, PERM_AUDIT, false },
		/* 审核员 reviews and publishes, does not draft */
		{ 2, 0, PERM_EDIT, false },  { 2, 0, PERM_PUBLISH, true }, { 2, 0, PERM_ADMIN, false },
		{ 3, 0, PERM_ADMIN, true },  { 3, 0, PERM_EDIT, true },   { 3, 1, PERM_ADMIN, false },
		{ 3, 0, PERM_AUDIT, true },  { 3, 0, PERM_CASES, true },  { 3, 1, PERM_READ, false },
		{ 4, 0, PERM_READ, true },   { 4, 0, PERM_EDIT, false },  { 4, 0, PERM_PUBLISH, false },
		{ 4, 1, PERM_EDIT, true },   { 4, 1, PERM_ADMIN, false }, { 4, 0, PERM_CASES, false },
		{ 5, 0, PERM_READ, false },  { 5, 1, PERM_READ, false },
		{ 6, 0, PERM_CASES, true },  { 6, 0, PERM_EDIT, false },  { 6, 0, PERM_PUBLISH, false },
		{ 6, 1, PERM_CASES, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long org = cases[i].org ? health.id : edu.id;

		yes = !cases[i].want;
		assert_int_equal(auth_can(db, all[cases[i].who]->id, org, cases[i].p, &yes), 0);
		if (yes != cases[i].want)
			fail_msg("case %zu: %s perm %d in org %d: %d", i, all[cases[i].who]->username,
				 (int)cases[i].p, cases[i].org, yes);
	}
	/* a 承办人 acts only on the cases assigned to them; an 机构管理员 on all */
	assert_int_equal(auth_can_case(db, hd.id, edu.id, hd.id, &yes), 0);
	assert_true(yes);
	assert_int_equal(auth_can_case(db, hd.id, edu.id, 0, &yes), 0);
	assert_false(yes);
	assert_int_equal(auth_can_case(db, hd.id, edu.id, adm.id, &yes), 0);
	assert_false(yes);
	assert_int_equal(auth_can_case(db, adm.id, edu.id, hd.id, &yes), 0);
	assert_true(yes);
	assert_int_equal(auth_can_case(db, adm.id, edu.id, 0, &yes), 0);
	assert_true(yes);
	assert_int_equal(auth_can_case(db, ed.id, edu.id, ed.id, &yes), 0);
	assert_false(yes);
	assert_int_equal(auth_can_case(db, hd.id, health.id, hd.id, &yes), 0);
	assert_false(yes);
	/* a sysadmin role held in an agency (not the platform) is not global,
	 * and grants nothing there either */
	assert_int_equal(store_membership_add(db, edu.id, none.id, "sysadmin"), 0);
	assert_int_equal(auth_can(db, none.id, health.id, PERM_READ, &yes), 0);
	assert_false(yes);
	assert_int_equal(auth_can(db, none.id, edu.id, PERM_ADMIN, &yes), 0);
	assert_false(yes);

	db_close(db);
	fts_ctx_free(fts);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p2, sizeof(p2), "%s%s", path, sfx[i]);
		unlink(p2);
	}
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hash_and_verify, setup, teardown),
		cmocka_unit_test(test_hash_nomem),
		cmocka_unit_test_setup_teardown(test_random_tokens, setup, teardown),
		cmocka_unit_test(test_random_token_nomem),
		cmocka_unit_test_setup_teardown(test_random_passwords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_hash, setup, teardown),
		cmocka_unit_test(test_password_weak),
		cmocka_unit_test(test_lockout_seconds),
		cmocka_unit_test(test_lockout_wait),
		cmocka_unit_test(test_auth_can),
	};

	if (auth_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
