/* test_str.c - slices, the capped buffer (sticky errors), num_parse and the
 * UTF-8 helpers. */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

#include "arena_fixture.h"

/* ---- slices ---- */

static void test_str_basics(void **state)
{
	struct str s = str_c(NULL);

	assert_non_null(s.p);
	assert_int_equal(s.n, 0);
	assert_true(str_eq(s, STR_LIT("")));
	assert_true(str_eq_c(STR_LIT("abc"), "abc"));
	assert_false(str_eq_c(STR_LIT("abc"), "abcd"));
	assert_false(str_eq_c(STR_LIT("abc"), "abd"));
	assert_true(str_starts(STR_LIT("桐教〔2020〕"), "桐教"));
	assert_false(str_starts(STR_LIT("桐"), "桐教"));
	assert_true(str_starts(STR_LIT("x"), ""));
	/* a slice is compared by length, not up to a NUL */
	assert_false(str_eq((struct str){ "ab\0c", 4 }, (struct str){ "ab\0d", 4 }));
	assert_true(str_eq((struct str){ "abX", 2 }, STR_LIT("ab")));
}

static void check_trim(const char *in, const char *want)
{
	struct str t = str_trim(str_c(in));

	assert_true(t.p >= in && t.p + t.n <= in + strlen(in));
	assert_int_equal(t.n, strlen(want));
	assert_memory_equal(t.p, want, t.n);
}

static void test_str_trim(void **state)
{
	check_trim("  abc \t\r\n", "abc");
	check_trim("abc", "abc");
	check_trim("", "");
	check_trim(" \t\r\n ", "");
	check_trim("　　关于某事的通知　", "关于某事的通知");      /* U+3000 both ends */
	check_trim(" 　 标题 　 ", "标题");                          /* mixed */
	check_trim("　", "");
	check_trim("a　b", "a　b");                                  /* inside kept */
	check_trim("a  b", "a  b");
	/* a truncated U+3000 is not whitespace and not trimmed */
	check_trim("x\xE3\x80", "x\xE3\x80");
	check_trim("\xE3\x80x", "\xE3\x80x");
	/* other Unicode spaces are not in the contract: NBSP stays */
	check_trim("\xC2\xA0x", "\xC2\xA0x");
	/* U+3001 (、) shares two bytes with U+3000 and must stay */
	check_trim("、", "、");
	check_trim("x、", "x、");
}

/* ---- buffer ---- */

static void test_buf_init_state(void **state)
{
	struct buf b;

	memset(&b, 0x5A, sizeof(b));
	buf_init(&b, *state, 100);
	assert_ptr_equal(b.a, *state);
	assert_null(b.p);
	assert_int_equal(b.n, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 100);
	assert_int_equal(b.err, 0);
	assert_string_equal(buf_cstr(&b), "");
}

static void test_buf_appends(void **state)
{
	struct buf b;

	buf_init(&b, *state, 1 << 16);
	buf_puts(&b, "索引号");
	buf_putc(&b, ':');
	buf_append(&b, "00258038-9xyz", 10);
	buf_printf(&b, "/%04d-%05d", 2020, 7);
	buf_append(&b, "ignored", 0);
	buf_printf(&b, "%s", "");
	assert_int_equal(b.err, 0);
	assert_string_equal(buf_cstr(&b), "索引号:00258038-9/2020-00007");
	assert_int_equal(b.n, strlen("索引号:00258038-9/2020-00007"));
	assert_true(b.cap > b.n);
	assert_true(b.cap <= b.max + 1);
}

static void test_buf_growth_keeps_content(void **state)
{
	struct buf b;
	const char *early;
	char want[16];

	buf_init(&b, *state, 1 << 20);
	buf_puts(&b, "start");
	early = buf_cstr(&b);
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%04d", i % 10000);
	assert_int_equal(b.err, 0);
	assert_int_equal(b.n, 5 + 5000 * 4);
	assert_memory_equal(b.p, "start0000000100020003", 21);
	snprintf(want, sizeof(want), "%04d", 4999);
	assert_memory_equal(b.p + b.n - 4, want, 4);
	assert_int_equal(strlen(buf_cstr(&b)), b.n);
	/* a pointer taken before growth stays readable (the arena keeps the
	 * old block until release) and NUL-terminated inside that block */
	assert_memory_equal(early, "start", 5);
	assert_true(strlen(early) < 256);
}

static void test_buf_exact_cap(void **state)
{
	struct buf b;

	buf_init(&b, *state, 10);
	buf_puts(&b, "0123456789");
	assert_int_equal(b.err, 0);
	assert_int_equal(b.n, 10);
	assert_true(b.cap <= 11);
	assert_string_equal(buf_cstr(&b), "0123456789");
	/* an empty append at the cap is not an error */
	buf_append(&b, "", 0);
	assert_int_equal(b.err, 0);
	buf_putc(&b, 'x');
	assert_int_equal(b.err, ERR_TOO_LARGE);
}

/* The first error is sticky: later appends are no-ops (even small ones that
 * would fit), and buf_cstr gives "". */
static void test_buf_too_large_sticky(void **state)
{
	struct buf b;
	size_t n;

	buf_init(&b, *state, 8);
	buf_puts(&b, "abcd");
	assert_int_equal(b.err, 0);
	buf_puts(&b, "efghi"); /* 9 > 8 */
	assert_int_equal(b.err, ERR_TOO_LARGE);
	n = b.n;
	assert_int_equal(n, 4); /* the failed append wrote nothing */
	assert_string_equal(buf_cstr(&b), "");
	buf_putc(&b, 'z');
	buf_puts(&b, "y");
	buf_append(&b, "x", 1);
	buf_printf(&b, "%d", 1);
	assert_int_equal(b.err, ERR_TOO_LARGE);
	assert_int_equal(b.n, n);
	assert_memory_equal(b.p, "abcd", 4);
	assert_string_equal(buf_cstr(&b), "");
}

static void test_buf_printf_too_large(void **state)
{
	struct buf b;

	buf_init(&b, *state, 5);
	buf_printf(&b, "%s", "123456");
	assert_int_equal(b.err, ERR_TOO_LARGE);
	assert_int_equal(b.n, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_puts(&b, "1");
	assert_int_equal(b.n, 0);
}

static void test_buf_zero_max(void **state)
{
	struct buf b;

	buf_init(&b, *state, 0);
	buf_append(&b, "", 0);
	assert_int_equal(b.err, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_putc(&b, 'a');
	assert_int_equal(b.err, ERR_TOO_LARGE);
	assert_string_equal(buf_cstr(&b), "");
}

static void test_buf_huge_append_does_not_wrap(void **state)
{
	struct buf b;

	buf_init(&b, *state, 100);
	buf_puts(&b, "abc");
	/* n + extra would wrap around SIZE_MAX: still TOO_LARGE, no write */
	buf_append(&b, "x", SIZE_MAX - 1);
	assert_int_equal(b.err, ERR_TOO_LARGE);
	assert_int_equal(b.n, 3);
}

static void test_buf_nomem_sticky(void **state)
{
	struct arena a;
	struct buf b;

	arena_init(&a, 0);
	a.fail_at = 1;
	buf_init(&b, &a, 1000);
	buf_puts(&b, "abc");
	assert_int_equal(b.err, ERR_NOMEM);
	assert_int_equal(b.n, 0);
	/* the next allocation would succeed, but the error is sticky */
	buf_puts(&b, "def");
	buf_printf(&b, "%d", 5);
	assert_int_equal(b.err, ERR_NOMEM);
	assert_int_equal(b.n, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(a.count, 1);
	arena_release(&a);
}

static void test_buf_limit_of_arena(void **state)
{
	struct arena a;
	struct buf b;

	arena_init(&a, 512);
	buf_init(&b, &a, 1 << 20);
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "0123456789");
	assert_int_equal(b.err, ERR_NOMEM);
	assert_string_equal(buf_cstr(&b), "");
	assert_true(a.used <= 512);
	arena_release(&a);
}

/* ---- num_parse ---- */

static void ok_num(const char *s, long long min, long long max, long long want)
{
	long long v = -12345;

	assert_int_equal(num_parse(s, strlen(s), min, max, &v), 0);
	assert_true(v == want);
}

static void bad_num(const char *s, size_t n, long long min, long long max)
{
	long long v = -12345;

	assert_int_equal(num_parse(s, n, min, max, &v), ERR_INVALID);
	assert_true(v == -12345); /* *out untouched on failure */
}

static void test_num_parse_bounds(void **state)
{
	ok_num("0", 0, 10, 0);
	ok_num("10", 0, 10, 10);
	ok_num("-5", -5, 5, -5);
	ok_num("-0", 0, 0, 0);
	ok_num("007", 0, 10, 7);
	ok_num("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX);
	ok_num("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN);
	bad_num("11", 2, 0, 10);
	bad_num("-6", 2, -5, 5);
	bad_num("0", 1, 1, 9999);
	bad_num("10000", 5, 1, 9999);
}

static void test_num_parse_garbage(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+1", "1a", "a1", "0x10", "-", "--1", "1.5", "1e3", "１２",
		"\t1", "1\n", "1,000",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_num(bad[i], strlen(bad[i]), LLONG_MIN, LLONG_MAX);
	/* n == 0 with a valid-looking pointer */
	bad_num("5", 0, 0, 10);
}

static void test_num_parse_overflow(void **state)
{
	bad_num("9223372036854775808", 19, LLONG_MIN, LLONG_MAX);
	bad_num("-9223372036854775809", 20, LLONG_MIN, LLONG_MAX);
	bad_num("99999999999999999999", 20, LLONG_MIN, LLONG_MAX);
	/* too long to be a number at all */
	bad_num("00000000000000000000000000000000001", 35, 0, 10);
}

/* Only (p, n) is read: no NUL terminator needed, bytes past n ignored. */
static void test_num_parse_slice(void **state)
{
	const char s[] = { '1', '2', '3', '4', '5' }; /* no NUL */
	long long v = 0;

	assert_int_equal(num_parse(s, 2, 0, 100, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(num_parse(s, 5, 0, 100000, &v), 0);
	assert_int_equal(v, 12345);
}

/* Regression: the number must fill all of (p, n); strtoll stops at an
 * embedded NUL, so "1\0" and "7\0junk" were accepted as 1 and 7 (a query
 * parameter "id=1%00anything" would have passed as id 1). */
static void test_num_parse_embedded_nul(void **state)
{
	bad_num("1\0", 2, 0, 100);
	bad_num("7\0junk", 6, 0, 100);
}

/* ---- UTF-8 ---- */

#define V(s) assert_true(utf8_valid((s), sizeof(s) - 1))
#define NV(s) assert_false(utf8_valid((s), sizeof(s) - 1))

static void test_utf8_valid_good(void **state)
{
	V("");
	V("plain ascii");
	V("桐教〔2020〕103号");
	V("\x7F");
	V("\xC2\x80");            /* U+0080, smallest 2-byte */
	V("\xDF\xBF");            /* U+07FF */
	V("\xE0\xA0\x80");        /* U+0800, smallest 3-byte */
	V("\xED\x9F\xBF");        /* U+D7FF, just below the surrogates */
	V("\xEE\x80\x80");        /* U+E000, just above */
	V("\xEF\xBF\xBD");        /* U+FFFD itself */
	V("\xEF\xBF\xBF");        /* U+FFFF */
	V("\xF0\x90\x80\x80");    /* U+10000, smallest 4-byte */
	V("\xF0\x9F\x98\x80");    /* an emoji */
	V("\xF4\x8F\xBF\xBF");    /* U+10FFFF, the last code point */
	/* embedded NUL is a valid code point: length decides */
	assert_true(utf8_valid("a\0b", 3));
}

static void test_utf8_valid_overlong(void **state)
{
	NV("\xC0\x80");           /* overlong NUL */
	NV("\xC0\xAF");           /* overlong '/' */
	NV("\xC1\xBF");
	NV("\xE0\x80\x80");
	NV("\xE0\x9F\xBF");       /* overlong U+07FF */
	NV("\xF0\x80\x80\x80");
	NV("\xF0\x8F\xBF\xBF");   /* overlong U+FFFF */
}

static void test_utf8_valid_surrogates(void **state)
{
	NV("\xED\xA0\x80");       /* U+D800 */
	NV("\xED\xAF\xBF");       /* U+DBFF */
	NV("\xED\xB0\x80");       /* U+DC00 */
	NV("\xED\xBF\xBF");       /* U+DFFF */
	NV("\xED\xA0\xBD\xED\xB8\x80"); /* CESU-8 pair */
}

static void test_utf8_valid_truncated(void **state)
{
	NV("\xC3");
	NV("\xE4\xB8");           /* 中 without its last byte */
	NV("\xF0\x9F\x98");
	NV("abc\xE4");
	NV("\xE4\xB8\xAD\xE6\x96");
	/* a truncated sequence followed by ASCII is not completed by it */
	NV("\xE4\xB8" "a");
	NV("\xC3" "a");
	/* the same bytes with the length cutting a character */
	assert_false(utf8_valid("中", 2));
	assert_true(utf8_valid("中", 3));
}

static void test_utf8_valid_out_of_range(void **state)
{
	NV("\xF4\x90\x80\x80");   /* U+110000 */
	NV("\xF5\x80\x80\x80");
	NV("\xF7\xBF\xBF\xBF");
	NV("\xF8\x88\x80\x80\x80"); /* old 5-byte form */
	NV("\xFC\x84\x80\x80\x80\x80");
	NV("\xFE");
	NV("\xFF");
	NV("\x80");               /* lone continuation bytes */
	NV("\xBF");
	NV("a\x80" "b");
}

/* Decode all of (s, n) with utf8_next; returns the code points, counting
 * U+FFFD that came from invalid bytes (advance of one byte) separately. */
static size_t decode(const char *s, size_t n, uint32_t *out, size_t max, size_t *bad)
{
	const char *cur = s, *end = s + n;
	size_t k = 0;

	*bad = 0;
	while (cur < end) {
		const char *before = cur;
		uint32_t cp = utf8_next(&cur, end);

		assert_true(cur > before && cur <= end && cur - before <= 4);
		if (cp == 0xFFFD && cur - before == 1)
			(*bad)++;
		if (k < max)
			out[k] = cp;
		k++;
	}
	return k;
}

static void test_utf8_next(void **state)
{
	uint32_t cp[16];
	size_t bad;
	const char *cur, *end;

	assert_int_equal(decode("a中😀", 8, cp, 16, &bad), 3);
	assert_int_equal(bad, 0);
	assert_int_equal(cp[0], 'a');
	assert_int_equal(cp[1], 0x4E2D);
	assert_int_equal(cp[2], 0x1F600);

	/* truncated: each byte gives U+FFFD and advances by one */
	assert_int_equal(decode("\xE4\xB8", 2, cp, 16, &bad), 2);
	assert_int_equal(bad, 2);
	assert_int_equal(cp[0], 0xFFFD);
	assert_int_equal(cp[1], 0xFFFD);

	/* the decoder resynchronises on the next valid character */
	assert_int_equal(decode("\xE4\xB8" "a中", 6, cp, 16, &bad), 4);
	assert_int_equal(bad, 2);
	assert_int_equal(cp[2], 'a');
	assert_int_equal(cp[3], 0x4E2D);

	/* overlong, surrogate, out of range: U+FFFD, one byte at a time */
	assert_int_equal(decode("\xC0\x80", 2, cp, 16, &bad), 2);
	assert_int_equal(bad, 2);
	assert_int_equal(decode("\xE0\x80\x80", 3, cp, 16, &bad), 3);
	assert_int_equal(bad, 3);
	assert_int_equal(decode("\xED\xA0\x80", 3, cp, 16, &bad), 3);
	assert_int_equal(bad, 3);
	assert_int_equal(decode("\xF4\x90\x80\x80", 4, cp, 16, &bad), 4);
	assert_int_equal(bad, 4);

	/* a real U+FFFD decodes as one code point of three bytes */
	assert_int_equal(decode("\xEF\xBF\xBD", 3, cp, 16, &bad), 1);
	assert_int_equal(bad, 0);
	assert_int_equal(cp[0], 0xFFFD);

	/* at the end: 0, no movement */
	cur = end = "x" + 1;
	assert_int_equal(utf8_next(&cur, end), 0);
	assert_ptr_equal(cur, end);
	/* the end bound is honoured even when more bytes follow in memory */
	cur = "中";
	end = cur + 2;
	assert_int_equal(utf8_next(&cur, end), 0xFFFD);
}

/* utf8_valid and utf8_next agree on a table of tricky inputs. */
static void test_utf8_valid_agrees_with_next(void **state)
{
	static const char *const cases[] = {
		"", "abc", "中文", "\xC0\x80", "\xC2\x80", "\xE0\x9F\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
		"\xED\xA0\x80", "\xF0\x8F\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xF4\x90\x80\x80",
		"\xF5", "\x80", "\xE4\xB8", "a\xE4\xB8\xAD", "\xEF\xBF\xBD", "x\xEF\xBF\xBDy\xFF",
	};
	uint32_t cp[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t bad, n = strlen(cases[i]);
		size_t k = decode(cases[i], n, cp, 16, &bad);

		assert_int_equal(utf8_valid(cases[i], n), bad == 0);
		if (bad == 0)
			assert_int_equal(k, utf8_len(cases[i], n));
	}
}

/* Every scalar value: utf8_put encodes it, utf8_valid accepts it,
 * utf8_next gives it back with the same length, utf8_len counts one. */
static void test_utf8_put_round_trip(void **state)
{
	for (uint32_t c = 0; c <= 0x10FFFF; c++) {
		char u[4];
		const char *cur = u;
		size_t n;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = utf8_put(u, c);
		assert_true(n == (c < 0x80 ? 1u : c < 0x800 ? 2u : c < 0x10000 ? 3u : 4u));
		if (!utf8_valid(u, n))
			fail_msg("utf8_put(U+%04X) is not valid UTF-8", (unsigned)c);
		if (utf8_next(&cur, u + n) != c || cur != u + n)
			fail_msg("U+%04X does not round-trip", (unsigned)c);
		assert_int_equal(utf8_len(u, n), 1);
	}
}

static void test_utf8_len(void **state)
{
	assert_int_equal(utf8_len("", 0), 0);
	assert_int_equal(utf8_len("abc", 3), 3);
	assert_int_equal(utf8_len("桐教〔2020〕103号", strlen("桐教〔2020〕103号")), 12);
	assert_int_equal(utf8_len("😀😀", 8), 2);
}

/* User text checks: characters, not bytes; control characters only in text. */
static void test_utf8_line_and_text_ok(void **state)
{
	(void)state;
	assert_true(utf8_line_ok("桐乡市教育局", 6));
	assert_false(utf8_line_ok("桐乡市教育局", 5));
	assert_true(utf8_line_ok("", 0));
	assert_false(utf8_line_ok("a\tb", 10));
	assert_false(utf8_line_ok("a\nb", 10));
	assert_false(utf8_line_ok("a\x7f", 10));
	assert_false(utf8_line_ok("\xff", 10));
	assert_true(utf8_text_ok("第一行\n第二行", 7));
	assert_false(utf8_text_ok("第一行\n第二行", 6));
	assert_false(utf8_text_ok("\xe6\x95", 10));
}

static void test_hex_encode(void **state)
{
	const unsigned char in[] = { 0x00, 0x01, 0x7F, 0x80, 0xAB, 0xFF };
	char out[2 * sizeof(in) + 1];

	memset(out, 'Z', sizeof(out));
	hex_encode(in, sizeof(in), out);
	assert_string_equal(out, "00017f80abff");
	hex_encode(in, 0, out);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_basics),
		cmocka_unit_test(test_str_trim),
		cmocka_unit_test_setup_teardown(test_buf_init_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_growth_keeps_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_exact_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_too_large_sticky, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_printf_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_zero_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_huge_append_does_not_wrap, setup, teardown),
		cmocka_unit_test(test_buf_nomem_sticky),
		cmocka_unit_test(test_buf_limit_of_arena),
		cmocka_unit_test(test_num_parse_bounds),
		cmocka_unit_test(test_num_parse_garbage),
		cmocka_unit_test(test_num_parse_overflow),
		cmocka_unit_test(test_num_parse_slice),
		cmocka_unit_test(test_num_parse_embedded_nul),
		cmocka_unit_test(test_utf8_valid_good),
		cmocka_unit_test(test_utf8_valid_overlong),
		cmocka_unit_test(test_utf8_valid_surrogates),
		cmocka_unit_test(test_utf8_valid_truncated),
		cmocka_unit_test(test_utf8_valid_out_of_range),
		cmocka_unit_test(test_utf8_next),
		cmocka_unit_test(test_utf8_valid_agrees_with_next),
		cmocka_unit_test(test_utf8_put_round_trip),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_utf8_line_and_text_ok),
		cmocka_unit_test(test_hex_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
