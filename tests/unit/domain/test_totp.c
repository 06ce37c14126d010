/* test_totp.c - the TOTP second factor (domain/auth/totp): the RFC 6238
 * test vectors for HMAC-SHA-1, the window of one step either side, replay
 * refused, malformed codes refused, new keys, the otpauth:// URI; and the
 * password policy every path that sets a password goes through. */
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
#include "domain/auth/auth.h"
#include "domain/auth/totp.h"
#include "arena_fixture.h"
#include "core/banned.h"

/* RFC 6238 appendix B: the SHA-1 key is the ASCII "12345678901234567890" */
#define RFC_KEY "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static const struct {
	time_t t;
	const char *code8;
} rfc[] = {
	{ 59, "94287082" },         { 1111111109, "07081804" }, { 1111111111, "14050471" },
	{ 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000LL, "65353130" },
};
#define NRFC (sizeof(rfc) / sizeof(rfc[0]))

static void test_rfc6238_vectors(void **state)
{
	char out[9];

	(void)state;
	for (size_t i = 0; i < NRFC; i++) {
		assert_int_equal(totp_code(RFC_KEY, rfc[i].t, 8, out), 0);
		assert_string_equal(out, rfc[i].code8);
		/* a 6-digit code is the same number mod 10^6: its last six digits */
		assert_int_equal(totp_code(RFC_KEY, rfc[i].t, 6, out), 0);
		assert_string_equal(out, rfc[i].code8 + 2);
	}
	assert_int_equal(totp_step(59), 1);
	assert_int_equal(totp_step(1111111109), 37037036);
	assert_int_equal(totp_code("not base32!", 59, 6, out), ERR_INVALID);
	assert_int_equal(totp_code(RFC_KEY, 59, 5, out), ERR_INVALID);
	assert_int_equal(totp_code(RFC_KEY, 59, 9, out), ERR_INVALID);
}

static void test_check_vectors(void **state)
{
	long long step = 0;

	(void)state;
	for (size_t i = 0; i < NRFC; i++) {
		step = 0;
		assert_int_equal(totp_check(RFC_KEY, rfc[i].t, -1, rfc[i].code8 + 2, &step), 0);
		assert_int_equal(step, rfc[i].t / 30);
	}
	/* spaces between digits are fine ("287 082" as apps show it) */
	assert_int_equal(totp_check(RFC_KEY, 59, -1, "287 082", &step), 0);
	assert_int_equal(step, 1);
}

static void test_window(void **state)
{
	const char *code = "287082"; /* step 1 (T = 30..59) */
	long long step = 0;

	(void)state;
	/* one step late and one step early are accepted, as that step */
	assert_int_equal(totp_check(RFC_KEY, 59 + 30, -1, code, &step), 0);
	assert_int_equal(step, 1);
	assert_int_equal(totp_check(RFC_KEY, 59 - 30, -1, code, &step), 0);
	assert_int_equal(step, 1);
	assert_int_equal(totp_check(RFC_KEY, 0, -1, code, &step), 0);   /* first second of step 0 */
	assert_int_equal(totp_check(RFC_KEY, 89, -1, code, &step), 0);  /* last second of step 2 */
	assert_int_equal(totp_check(RFC_KEY, 90, -1, code, &step), ERR_INVALID); /* first of step 3 */
	/* two steps away: refused */
	assert_int_equal(totp_check(RFC_KEY, 59 + 60, -1, code, &step), ERR_INVALID);
	assert_int_equal(totp_check(RFC_KEY, 59 + 3600, -1, code, &step), ERR_INVALID);
	assert_int_equal(totp_check(RFC_KEY, 1111111109, -1, code, &step), ERR_INVALID);
}

static void test_replay(void **state)
{
	long long step = 0;
	char now_code[7], next_code[7];
	time_t t = 1111111109;

	(void)state;
	assert_int_equal(totp_code(RFC_KEY, t, 6, now_code), 0);
	assert_int_equal(totp_check(RFC_KEY, t, -1, now_code, &step), 0);
	/* the same code again after it was accepted (last step = its step) */
	assert_int_equal(totp_check(RFC_KEY, t, step, now_code, &step), ERR_CONFLICT);
	assert_int_equal(totp_check(RFC_KEY, t + 20, totp_step(t), now_code, &step), ERR_CONFLICT);
	/* an earlier step's code, still inside the window, is refused too */
	assert_int_equal(totp_code(RFC_KEY, t - 30, 6, now_code), 0);
	assert_int_equal(totp_check(RFC_KEY, t, totp_step(t), now_code, &step), ERR_CONFLICT);
	/* the next step's code is new: accepted */
	assert_int_equal(totp_code(RFC_KEY, t + 30, 6, next_code), 0);
	assert_int_equal(totp_check(RFC_KEY, t + 30, totp_step(t), next_code, &step), 0);
	assert_int_equal(step, totp_step(t) + 1);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "28708", "2870822", "94287082", "28708a", "287-082", "２８７０８２", " ", "287082\n",
	};
	long long step = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (totp_check(RFC_KEY, 59, -1, bad[i], &step) != ERR_INVALID)
			fail_msg("\"%s\" not refused", bad[i]);
	assert_int_equal(totp_check(RFC_KEY, 59, -1, NULL, &step), ERR_INVALID);
	assert_int_equal(totp_check("", 59, -1, "287082", &step), ERR_INVALID);
	assert_int_equal(totp_check("!!!", 59, -1, "287082", &step), ERR_INVALID);
	assert_int_equal(step, 42); /* untouched on failure */
}

static void test_new_secret(void **state)
{
	const char *a = NULL, *b = NULL, *grouped = NULL;
	char code[7];
	long long step;

	assert_int_equal(totp_secret_new(*state, &a), 0);
	assert_int_equal(totp_secret_new(*state, &b), 0);
	assert_int_equal(strlen(a), 32); /* 20 bytes = 160 bits = 32 base32 characters */
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	assert_string_not_equal(a, b);
	/* a code made with the new key checks */
	assert_int_equal(totp_code(a, 1700000000, 6, code), 0);
	assert_int_equal(totp_check(a, 1700000000, -1, code, &step), 0);
	assert_int_equal(step, 1700000000 / 30);
	assert_int_equal(totp_check(b, 1700000000, -1, code, &step) == 0 ? 1 : 0, 0 /* another key: refused */);
	assert_int_equal(totp_secret_grouped(*state, "ABCDEFGHIJ", &grouped), 0);
	assert_string_equal(grouped, "ABCD EFGH IJ");
}

static void test_uri(void **state)
{
	const char *uri = NULL;

	assert_int_equal(totp_uri(*state, "政府信息公开平台", "li.si", RFC_KEY, &uri), 0);
	assert_string_equal(uri, "otpauth://totp/%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B9%B3%E5%8F%B0:"
				 "li.si?secret=" RFC_KEY "&issuer=%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80"
				 "%E5%B9%B3%E5%8F%B0&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri(*state, "a b", "x:y&z", "K", &uri), 0);
	assert_string_equal(uri, "otpauth://totp/a%20b:x%3Ay%26z?secret=K&issuer=a%20b&algorithm=SHA1&digits=6&period=30");
}

/* ---- password policy ---- */

static void test_password_policy(void **state)
{
	static const char *const common[] = { "password123", "PASSWORD123", "Qwertyuiop", "1q2w3e4r5t", "admin123456" };
	const char *msg;

	(void)state;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		msg = auth_password_weak(common[i]);
		if (!msg)
			fail_msg("common password \"%s\" accepted", common[i]);
		assert_non_null(strstr(msg, "常见"));
	}
	assert_non_null(auth_password_weak("aaaaaaaaaaaa"));
	assert_non_null(strstr(auth_password_weak("aaaaaaaaaaaa"), "同一个字符"));
	/* the username, in any case */
	assert_non_null(auth_password_weak_for("clerk-accounts", "clerk-accounts"));
	assert_non_null(strstr(auth_password_weak_for("Clerk-Accounts", "clerk-accounts"), "用户名"));
	/* the basic rules still come first and still apply */
	assert_non_null(strstr(auth_password_weak_for("short", "x"), "10"));
	assert_non_null(auth_password_weak_for("1234567890", "someone"));
	/* good passwords pass, also for a user whose name is inside them */
	assert_null(auth_password_weak_for("clerk-accounts-2026", "clerk-accounts"));
	assert_null(auth_password_weak_for("Zhongwen-2026-xyz", "tongxiang"));
	assert_null(auth_password_weak_for("密码密码密码密码密码", "tongxiang"));
	assert_null(auth_password_weak_for("Zhongwen-2026-xyz", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_check_vectors),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test_setup_teardown(test_new_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uri, setup, teardown),
		cmocka_unit_test(test_password_policy),
	};

	if (auth_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
