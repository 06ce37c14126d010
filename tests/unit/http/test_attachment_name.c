/* test_attachment_name.c - the name an attachment is published under (the
 * last segment of its link and its file name in the static tree): what a
 * path or a file system cannot hold is replaced, a long name is cut at a
 * character boundary keeping its extension, and the URL percent-encodes it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/str.h"
#include "http/view.h"
#include "core/banned.h"

static void test_names(void **state)
{
	static const char *const cases[][2] = {
		{ "通知.pdf", "通知.pdf" },
		{ "a/b.pdf", "a_b.pdf" },
		{ "..\\evil.doc", "_._evil.doc" },
		{ ".hidden.xlsx", "_hidden.xlsx" },
		{ "..", "_." },
		{ "", "_" },
		{ "tab\there.png", "tab_here.png" },
		{ "bad\xff\xfe.pdf", "bad__.pdf" },
	};
	struct arena a;

	arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(view_attachment_name(&a, cases[i][0]), cases[i][1]);
	arena_release(&a);
}

static void test_long_name(void **state)
{
	struct arena a;
	char in[800];
	const char *out;
	size_t n = 0;

	arena_init(&a, 0);
	while (n + 3 < 700) {
		memcpy(in + n, "名", 3);
		n += 3;
	}
	memcpy(in + n, ".docx", 6);
	out = view_attachment_name(&a, in);
	assert_true(strlen(out) <= ATT_NAME_MAX);
	assert_true(utf8_valid(out, strlen(out)));
	assert_string_equal(out + strlen(out) - 5, ".docx");
	arena_release(&a);
}

static void test_url(void **state)
{
	struct arena a;

	arena_init(&a, 0);
	assert_string_equal(view_attachment_url(&a, "tongxiang-edu", 12, 34, "附件 1（名单）.pdf"),
			    "/o/tongxiang-edu/items/12/files/34/"
			    "%E9%99%84%E4%BB%B6%201%EF%BC%88%E5%90%8D%E5%8D%95%EF%BC%89.pdf");
	assert_string_equal(view_attachment_url(&a, "x", 1, 2, "a/../b?.pdf"), "/o/x/items/1/files/2/a_.._b%3F.pdf");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
