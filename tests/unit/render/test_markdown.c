/* test_markdown.c - markdown to safe HTML (no raw HTML, no dangerous URLs)
 * and to plain text (markup stripped, whitespace collapsed, cut on a code
 * point boundary). */
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
#include "render/markdown.h"
#include "core/banned.h"

#include "arena_fixture.h"

/* HTML of md, checked to be a NUL-terminated valid UTF-8 arena string. */
static const char *html(struct arena *a, const char *md)
{
	struct safe_html h = { NULL, 0 };

	assert_int_equal(markdown_to_html(a, md, strlen(md), &h), 0);
	assert_non_null(h.p);
	assert_int_equal(h.p[h.n], '\0');
	assert_int_equal(strlen(h.p), h.n);
	assert_true(utf8_valid(h.p, h.n));
	return h.p;
}

static const char *text(struct arena *a, const char *md, size_t max)
{
	const char *t = NULL;

	assert_int_equal(markdown_to_text(a, md, strlen(md), max, &t), 0);
	assert_non_null(t);
	assert_true(utf8_valid(t, strlen(t)));
	return t;
}

/* Case-insensitive substring search. */
static bool has(const char *s, const char *needle)
{
	return strcasestr(s, needle) != NULL;
}

static void test_script_removed(void **state)
{
	struct arena *a = *state;
	static const char *const md[] = {
		"<script>alert(1)</script>",
		"text <script>alert(1)</script> more",
		"<SCRIPT SRC=//x.example/x.js></SCRIPT>",
		"<img src=x onerror=alert(1)>",
		"para\n\n<div onclick=\"alert(1)\">x</div>\n",
		"<iframe src=\"https://x.example\"></iframe>",
		"<a href=\"javascript:alert(1)\">x</a>",
	};

	for (size_t i = 0; i < sizeof(md) / sizeof(md[0]); i++) {
		const char *h = html(a, md[i]);

		if (has(h, "<script") || has(h, "onerror") || has(h, "onclick") ||
		    has(h, "<iframe") || has(h, "<img") || has(h, "javascript:") ||
		    has(h, "<div"))
			fail_msg("raw HTML got through: %s -> %s", md[i], h);
	}
	assert_string_equal(html(a, "<script>alert(1)</script>"), "<!-- raw HTML omitted -->\n");
}

static void test_dangerous_links_removed(void **state)
{
	struct arena *a = *state;
	static const char *const md[] = {
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](javascript&#58;alert(1))",
		"<javascript:alert(1)>",
		"[x]\n\n[x]: javascript:alert(1)",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,PHNjcmlwdD4=)",
		"![x](javascript:alert(1))",
		"[x](file:///etc/passwd)",
	};

	for (size_t i = 0; i < sizeof(md) / sizeof(md[0]); i++) {
		const char *h = html(a, md[i]);
		const char *href = strstr(h, "href=\"");
		const char *src = strstr(h, "src=\"");

		/* the URL attribute is there, and empty */
		if (href)
			assert_int_equal(href[6], '"');
		if (src)
			assert_int_equal(src[5], '"');
		assert_true(href || src);
		if (has(h, "script:") && !has(h, ">javascript:alert(1)<"))
			fail_msg("dangerous URL got through: %s -> %s", md[i], h);
	}
	/* ordinary links stay, with attribute-breaking characters encoded */
	assert_string_equal(html(a, "[政府](https://www.gov.cn/a?b=1&c=2)"),
			    "<p><a href=\"https://www.gov.cn/a?b=1&amp;c=2\">政府</a></p>\n");
	assert_string_equal(html(a, "[x](http://x/\"onmouseover=\"y)"),
			    "<p><a href=\"http://x/%22onmouseover=%22y\">x</a></p>\n");
	assert_string_equal(html(a, "![图](data:image/png;base64,AAAA)"),
			    "<p><img src=\"data:image/png;base64,AAAA\" alt=\"图\" /></p>\n");
}

static void test_chinese_paragraphs_and_lists(void **state)
{
	struct arena *a = *state;

	assert_string_equal(html(a, "第一段。\n\n第二段，包含“引号”。"),
			    "<p>第一段。</p>\n<p>第二段，包含“引号”。</p>\n");
	assert_string_equal(html(a, "- 甲\n- 乙\n"), "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n");
	assert_string_equal(html(a, "1. 申请\n2. 答复\n"),
			    "<ol>\n<li>申请</li>\n<li>答复</li>\n</ol>\n");
	assert_string_equal(html(a, "## 标题 *强调*"), "<h2>标题 <em>强调</em></h2>\n");
}

static void test_text_escaped_and_no_smart_punctuation(void **state)
{
	struct arena *a = *state;

	assert_string_equal(html(a, "a < b & c > d"), "<p>a &lt; b &amp; c &gt; d</p>\n");
	assert_string_equal(html(a, "\"quoted\" -- x --- y 'z'"),
			    "<p>&quot;quoted&quot; -- x --- y 'z'</p>\n");
	assert_string_equal(html(a, "`<b>`"), "<p><code>&lt;b&gt;</code></p>\n");
}

static void test_breaks_and_tables(void **state)
{
	struct arena *a = *state;

	/* a single newline is a soft break, two trailing spaces a hard one */
	assert_string_equal(html(a, "一\n二"), "<p>一\n二</p>\n");
	assert_string_equal(html(a, "一  \n二"), "<p>一<br />\n二</p>\n");
	/* no tables in CommonMark: the pipes stay text */
	assert_false(has(html(a, "| a | b |\n|---|---|\n| 1 | 2 |\n"), "<table"));
}

static void test_invalid_utf8_and_empty(void **state)
{
	struct arena *a = *state;
	struct safe_html h;

	assert_string_equal(html(a, "a\xff" "b"), "<p>a\xEF\xBF\xBD" "b</p>\n");
	assert_string_equal(html(a, ""), "");
	assert_int_equal(markdown_to_html(a, NULL, 0, &h), 0);
	assert_int_equal(h.n, 0);
	/* an embedded NUL does not end the input early */
	assert_int_equal(markdown_to_html(a, "a\0b", 3, &h), 0);
	assert_non_null(strstr(h.p, "b</p>"));
}

static void test_nomem(void **state)
{
	struct arena failing;
	struct safe_html h = { NULL, 0 };
	const char *t = NULL;

	(void)state;
	arena_init(&failing, 0);
	failing.fail_at = 1;
	assert_int_equal(markdown_to_html(&failing, "x", 1, &h), ERR_NOMEM);
	assert_null(h.p);
	failing.fail_at = failing.count + 1;
	assert_int_equal(markdown_to_text(&failing, "x", 1, 0, &t), ERR_NOMEM);
	assert_null(t);
	arena_release(&failing);
}

static void test_text_strips_markup(void **state)
{
	struct arena *a = *state;

	assert_string_equal(text(a, "# 标题\n\n这是 *强调* 和 [链接](http://x.example)。\n\n"
				 "<script>alert(1)</script>\n\n- 一\n- 二\n\n```\ncode <x>\n```\n"
				 "> 引用 `代码`", 0),
			    "标题 这是 强调 和 链接。 一 二 code <x> 引用 代码");
	assert_string_equal(text(a, "a <b>bold</b> &amp; &lt;tag&gt; ![图片](x.png)", 0),
			    "a bold & <tag> 图片");
	assert_string_equal(text(a, "", 10), "");
	assert_string_equal(text(a, "   \n\n  ", 10), "");
}

static void test_text_collapses_whitespace(void **state)
{
	struct arena *a = *state;

	assert_string_equal(text(a, "\xE3\x80\x80\xE3\x80\x80第一段\n\n\n  第二段 \t 尾  ", 0),
			    "第一段 第二段 尾");
	assert_string_equal(text(a, "a&nbsp;&nbsp;b\nc  \nd", 0), "a b c d");
}

static void test_text_truncation(void **state)
{
	struct arena *a = *state;

	assert_string_equal(text(a, "一二三四五六", 3), "一二三…");
	assert_string_equal(text(a, "一二三四五六", 6), "一二三四五六");  /* fits: no "…" */
	assert_string_equal(text(a, "一二三四五六", 5), "一二三四五…");
	assert_string_equal(text(a, "ab cd", 3), "ab…");  /* no space before "…" */
	assert_string_equal(text(a, "ab\n\ncd", 2), "ab…");
	assert_string_equal(text(a, "😀😀😀", 1), "😀…");
	assert_string_equal(text(a, "x", 0), "x");
}

static void test_text_truncation_invariants(void **state)
{
	struct arena *a = *state;
	const char *md = "政府信息公开 *年度* 报告（2024）：依申请公开 12 件，😀 全部办结。";
	const char *full = text(a, md, 0);
	size_t full_cp = utf8_len(full, strlen(full));

	for (size_t max = 1; max <= full_cp + 2; max++) {
		const char *t = text(a, md, max);
		size_t n = strlen(t), cp = utf8_len(t, n);

		if (max >= full_cp) {
			assert_string_equal(t, full);
			continue;
		}
		/* a prefix of the full text, at most max code points, then "…" */
		assert_true(n >= 3);
		assert_memory_equal(t + n - 3, "\xE2\x80\xA6", 3);
		assert_memory_equal(t, full, n - 3);
		assert_true(cp <= max + 1);
		assert_true(n == 3 || t[n - 4] != ' ');
	}
}

/* a test with a fresh arena in *state, checked empty after release */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_script_removed),
		T(test_dangerous_links_removed),
		T(test_chinese_paragraphs_and_lists),
		T(test_text_escaped_and_no_smart_punctuation),
		T(test_breaks_and_tables),
		T(test_invalid_utf8_and_empty),
		cmocka_unit_test(test_nomem),
		T(test_text_strips_markup),
		T(test_text_collapses_whitespace),
		T(test_text_truncation),
		T(test_text_truncation_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
