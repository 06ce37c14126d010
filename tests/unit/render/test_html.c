/* test_html.c - escaping helpers: HTML text and attributes, URL components,
 * XML, and the no-allocation pass-through of clean input. */
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
#include "render/html.h"
#include "core/banned.h"

static int setup(void **state)
{
	struct arena *a = test_malloc(sizeof(*a));

	arena_init(a, 1 << 20);
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

static const char *esc(struct arena *a, const char *s)
{
	struct buf b;

	buf_init(&b, a, 1 << 16);
	html_escape(&b, s, strlen(s));
	assert_int_equal(b.err, 0);
	return buf_cstr(&b);
}

static const char *url(struct arena *a, const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, a, 1 << 16);
	url_encode_component(&b, s, n);
	assert_int_equal(b.err, 0);
	return buf_cstr(&b);
}

static const char *xml(struct arena *a, const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, a, 1 << 16);
	xml_escape(&b, s, n);
	assert_int_equal(b.err, 0);
	return buf_cstr(&b);
}

/* Decode the five entities html_escape writes; fails on any other '&'. */
static const char *unescape(struct arena *a, const char *s)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' },
	};
	struct buf b;

	buf_init(&b, a, 1 << 16);
	while (*s) {
		size_t i;

		if (*s != '&') {
			buf_putc(&b, *s++);
			continue;
		}
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(s, ents[i].ent, strlen(ents[i].ent)) == 0)
				break;
		assert_true(i < sizeof(ents) / sizeof(ents[0]));
		buf_putc(&b, ents[i].c);
		s += strlen(ents[i].ent);
	}
	return buf_cstr(&b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	fail_msg("not upper-case hex: %c", c);
	return -1;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static void test_html_five_characters(void **state)
{
	struct arena *a = *state;

	assert_string_equal(esc(a, "&<>\"'"), "&amp;&lt;&gt;&quot;&#39;");
	assert_string_equal(esc(a, "a&b"), "a&amp;b");
	assert_string_equal(esc(a, "&amp;"), "&amp;amp;");  /* never "already escaped" */
	assert_string_equal(esc(a, ""), "");
	assert_string_equal(esc(a, "政府信息公开"), "政府信息公开");
}

static void test_html_script_and_attribute_breakout(void **state)
{
	struct arena *a = *state;
	const char *s = esc(a, "<script>alert(\"x\")</script>");
	const char *attr = esc(a, "\" onmouseover='alert(1)' x=\"");

	assert_null(strchr(s, '<'));
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	/* neither quote survives, so a quoted attribute cannot be closed */
	assert_null(strchr(attr, '"'));
	assert_null(strchr(attr, '\''));
}

static void test_html_roundtrip_invariant(void **state)
{
	struct arena *a = *state;
	static const char *const in[] = {
		"", "plain", "<>&\"'", "a<b>c&d\"e'f", "&&&&", "<<<<>>>>",
		"标题 & <副标题>", "'\"'\"", "tail&", "&lt;",
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		const char *e = esc(a, in[i]);

		assert_null(strpbrk(e, "<>\"'"));
		assert_string_equal(unescape(a, e), in[i]);
	}
}

static void test_html_escape_str_passthrough(void **state)
{
	struct arena *a = *state;
	const char *clean = "依申请公开 2024 年度报告";
	const char *dirty = "A&B <公司>";
	size_t used;
	struct str out;

	used = a->used;
	assert_int_equal(html_escape_str(a, clean, strlen(clean), &out), 0);
	assert_ptr_equal(out.p, clean);  /* the input itself */
	assert_int_equal(out.n, strlen(clean));
	assert_int_equal(a->used, used);  /* and nothing allocated */

	assert_int_equal(html_escape_str(a, dirty, strlen(dirty), &out), 0);
	assert_ptr_not_equal(out.p, dirty);
	assert_string_equal(out.p, "A&amp;B &lt;公司&gt;");
	assert_int_equal(out.n, strlen(out.p));

	/* a prefix: only (p, n) is looked at */
	assert_int_equal(html_escape_str(a, dirty, 1, &out), 0);
	assert_ptr_equal(out.p, dirty);
	assert_int_equal(out.n, 1);
}

static void test_html_escape_safe(void **state)
{
	struct arena *a = *state;
	struct safe_html h;

	assert_int_equal(html_escape_safe(a, "<i>", 3, &h), 0);
	assert_int_equal(h.n, 9);
	assert_memory_equal(h.p, "&lt;i&gt;", 9);
}

static void test_html_escape_str_nomem(void **state)
{
	struct arena small;
	struct str out = { "untouched", 9 };

	(void)state;
	arena_init(&small, 0);
	small.fail_at = 1;
	assert_int_equal(html_escape_str(&small, "<", 1, &out), ERR_NOMEM);
	assert_string_equal(out.p, "untouched");
	arena_release(&small);
}

static void test_html_sticky_error(void **state)
{
	struct arena *a = *state;
	struct buf b;

	buf_init(&b, a, 8);
	html_escape(&b, "<<<", 3);  /* 12 bytes > 8 */
	assert_int_equal(b.err, ERR_TOO_LARGE);
	html_escape(&b, "x", 1);
	assert_int_equal(b.err, ERR_TOO_LARGE);
	assert_string_equal(buf_cstr(&b), "");
}

static void test_safe_html_literal(void **state)
{
	struct safe_html h = safe_html_from_trusted_literal("<hr>");
	struct safe_html t = safe_html_from_trusted(NULL, 5);

	(void)state;
	assert_int_equal(h.n, 4);
	assert_memory_equal(h.p, "<hr>", 4);
	assert_non_null(t.p);
	assert_int_equal(t.n, 0);
}

static void test_url_chinese(void **state)
{
	struct arena *a = *state;

	assert_string_equal(url(a, "中文", strlen("中文")), "%E4%B8%AD%E6%96%87");
	assert_string_equal(url(a, "公开 目录", strlen("公开 目录")),
			    "%E5%85%AC%E5%BC%80%20%E7%9B%AE%E5%BD%95");
}

static void test_url_reserved_and_unreserved(void **state)
{
	struct arena *a = *state;
	const char *un = "AZaz09-._~";

	assert_string_equal(url(a, un, strlen(un)), un);
	assert_string_equal(url(a, "a/b?c=d&e#f+g%h", 15),
			    "a%2Fb%3Fc%3Dd%26e%23f%2Bg%25h");
	assert_string_equal(url(a, "<\"'> ", 5), "%3C%22%27%3E%20");
	assert_string_equal(url(a, "\0\xff", 2), "%00%FF");
}

static void test_url_roundtrip_invariant(void **state)
{
	struct arena *a = *state;
	unsigned char all[256];
	const char *e;
	size_t k = 0;

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	e = url(a, (const char *)all, sizeof(all));
	/* only unreserved characters and %XX; decode back to the input */
	for (size_t i = 0; e[i]; k++) {
		unsigned char c;

		if (e[i] == '%') {
			c = (unsigned char)(hexval(e[i + 1]) * 16 + hexval(e[i + 2]));
			i += 3;
		} else {
			c = (unsigned char)e[i];
			assert_true(unreserved(c));
			i++;
		}
		assert_int_equal(c, all[k]);
	}
	assert_int_equal(k, sizeof(all));
}

static void test_url_encode_str_passthrough(void **state)
{
	struct arena *a = *state;
	const char *clean = "report-2024_v1.pdf";
	struct str out;
	size_t used = a->used;

	assert_int_equal(url_encode_str(a, clean, strlen(clean), &out), 0);
	assert_ptr_equal(out.p, clean);
	assert_int_equal(a->used, used);
	assert_int_equal(url_encode_str(a, "年报", strlen("年报"), &out), 0);
	assert_string_equal(out.p, "%E5%B9%B4%E6%8A%A5");
	assert_int_equal(out.n, 18);
}

static void test_xml(void **state)
{
	struct arena *a = *state;
	const char *r;

	assert_string_equal(xml(a, "&<>\"'", 5), "&amp;&lt;&gt;&quot;&#39;");
	assert_string_equal(xml(a, "通知\t\r\n", strlen("通知\t\r\n")), "通知\t\r\n");
	/* characters XML 1.0 forbids become U+FFFD */
	assert_string_equal(xml(a, "a\x01" "b\x1f", 4), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
	assert_string_equal(xml(a, "\0", 1), "\xEF\xBF\xBD");
	assert_string_equal(xml(a, "x\xff" "y", 3), "x\xEF\xBF\xBD" "y");
	assert_string_equal(xml(a, "\xEF\xBF\xBF", 3), "\xEF\xBF\xBD");
	/* a truncated sequence at the end: each stray byte replaced */
	r = xml(a, "\xE4\xB8", 2);
	assert_string_equal(r, "\xEF\xBF\xBD\xEF\xBF\xBD");
	/* a real U+FFFD and 4-byte characters stay */
	assert_string_equal(xml(a, "\xEF\xBF\xBD\xF0\x9F\x98\x80", 7),
			    "\xEF\xBF\xBD\xF0\x9F\x98\x80");
	r = xml(a, "\xC0\x80<", 3);  /* overlong NUL */
	assert_true(utf8_valid(r, strlen(r)));
	assert_null(strchr(r, '<'));
}

/* a test with a fresh arena in *state, checked empty after release */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_html_five_characters),
		T(test_html_script_and_attribute_breakout),
		T(test_html_roundtrip_invariant),
		T(test_html_escape_str_passthrough),
		T(test_html_escape_safe),
		T(test_html_escape_str_nomem),
		T(test_html_sticky_error),
		T(test_safe_html_literal),
		T(test_url_chinese),
		T(test_url_reserved_and_unreserved),
		T(test_url_roundtrip_invariant),
		T(test_url_encode_str_passthrough),
		T(test_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
