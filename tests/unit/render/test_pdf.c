/* test_pdf.c - letters as PDF: a well-formed file, pagination, metadata,
 * user text that looks like markup or HTML, every Markdown construct, and
 * the input checks. The content streams are compressed, so text is checked
 * by hand (pdftotext), not here. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "render/pdf.h"
#include "core/banned.h"

#include "arena_fixture.h"

struct pdf_out {
	const char *p;
	size_t n;
};

/* Render l, and check the result is a whole PDF file. */
static struct pdf_out render(struct arena *a, const struct pdf_letter *l)
{
	struct pdf_out o = { NULL, 0 };
	size_t n;

	assert_int_equal(pdf_letter_render(a, l, &o.p, &o.n), 0);
	assert_non_null(o.p);
	assert_true(o.n > 100);
	assert_memory_equal(o.p, "%PDF-", 5);
	n = o.n;
	while (n && (o.p[n - 1] == '\n' || o.p[n - 1] == '\r'))
		n--;
	assert_true(n >= 5);
	assert_memory_equal(o.p + n - 5, "%%EOF", 5);
	return o;
}

/* Occurrences of needle in the PDF (binary: memmem, not strstr). */
static int count(struct pdf_out o, const char *needle)
{
	size_t k = strlen(needle);
	const char *cur = o.p, *end = o.p + o.n, *hit;
	int c = 0;

	while ((hit = memmem(cur, (size_t)(end - cur), needle, k)) != NULL) {
		c++;
		cur = hit + k;
	}
	return c;
}

/* Pages: "/Type /Page" objects, not the "/Type /Pages" tree. */
static int pages(struct pdf_out o)
{
	return count(o, "/Type /Page") - count(o, "/Type /Pages");
}

/* The number after "/Count " in the page tree. */
static long page_count(struct pdf_out o)
{
	const char *c = memmem(o.p, o.n, "/Count ", 7);

	assert_non_null(c);
	return strtol(c + 7, NULL, 10);
}

static const char SIGN[] = "桐城市教育局\n2021年3月2日";

static void test_short_letter(void **state)
{
	struct arena *a = *state;
	struct pdf_letter l = {
		.title = "政府信息公开申请答复书",
		.subtitle = "桐教依复〔2021〕3号",
		.body_md = "张三：\n\n本机关于2021年2月20日收到您的政府信息公开申请。现答复如下：\n\n"
			   "1. 您申请的信息属于**主动公开**范围。\n2. 请登录本机关网站查询。\n",
		.sign_lines = SIGN,
	};
	struct pdf_out o = render(a, &l);

	assert_int_equal(pages(o), 1);
	assert_int_equal(page_count(o), 1);
	/* the CJK font is embedded (a subset), not a fallback */
	assert_true(count(o, "NotoSerifCJK") > 0);
}

/* cairo 1.16 writes a non-ASCII title as an upper-case hex string of
 * UTF-16BE with a BOM, and an ASCII one as a literal string. */
static void test_metadata(void **state)
{
	struct arena *a = *state;
	struct pdf_letter l = { .title = "答复书", .body_md = "正文。" };
	struct pdf_out o = render(a, &l);

	/* 答 U+7B54, 复 U+590D, 书 U+4E66 */
	assert_int_equal(count(o, "/Title <FEFF7B54590D4E66>"), 1);
	assert_int_equal(count(o, "/Creator (gongkai)"), 1);
	l.title = "Reply 3";
	o = render(a, &l);
	assert_int_equal(count(o, "/Title (Reply 3)"), 1);
}

static void test_long_body_paginates(void **state)
{
	struct arena *a = *state;
	struct buf b;
	struct pdf_letter l = { .title = "告知书", .sign_lines = SIGN };
	struct pdf_out one, many;

	buf_init(&b, a, 1 << 20);
	for (int i = 0; i < 200; i++)
		buf_printf(&b, "第%d段：根据《中华人民共和国政府信息公开条例》第三十三条的规定，"
			   "行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。\n\n", i + 1);
	assert_int_equal(b.err, 0);
	l.body_md = "短正文。";
	one = render(a, &l);
	l.body_md = buf_cstr(&b);
	many = render(a, &l);
	assert_int_equal(pages(one), 1);
	/* 200 paragraphs of three lines, 22 lines a page */
	assert_true(pages(many) >= 20);
	assert_int_equal(page_count(many), pages(many));
}

/* Pango breaks lines wrongly in a paragraph wider than 2^31 pango units
 * (131,072 CJK characters at 16 pt), so long blocks are laid out in chunks. */
static void test_long_paragraph(void **state)
{
	struct arena *a = *state;
	struct buf b;
	struct pdf_letter l = { .title = "告知书" };

	buf_init(&b, a, 1 << 20);
	for (int i = 0; i < 70000; i++)
		buf_puts(&b, "很长");
	l.body_md = buf_cstr(&b);
	/* 140,000 characters, 27 a line, 22 lines a page */
	assert_true(pages(render(a, &l)) > 200);
}

static void test_markup_is_text(void **state)
{
	struct arena *a = *state;
	static const char *const text[] = {
		"<b>&amp; 第三十三条</b>",
		"<span foreground=\"red\">x</span> & < > ' \"",
		"&lt;/b&gt; &#0; &#x110000; &bogus; <script>alert(1)</script>",
		"a\x01" "b\x1f" "c\x7f" "d\te\r\nf",
	};

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		struct pdf_letter l = { .title = text[i], .subtitle = text[i], .body_md = text[i],
					.sign_lines = text[i] };

		render(a, &l);
	}
}

static void test_markdown_constructs(void **state)
{
	struct arena *a = *state;
	struct buf b;
	struct pdf_letter l = {
		.title = "答复书",
		.body_md = "# 一、标题 *强调*\n\n## 二、**加粗**\n\n普通段落，第一行缩进两个字。"
			   "很长很长的一段话会折行，很长很长的一段话会折行，很长很长的一段话会折行。\n"
			   "软换行\nsoft break\n\n硬换行  \n第二行\\\n第三行\n\n"
			   "- 甲\n- 乙\n  1. 嵌套一\n  2) 嵌套二\n\n7. 从七开始\n8. 八\n\n"
			   "> 引用的条文\n>\n> > 嵌套引用\n\n`代码` 和\n\n```\ncode <x>\n  line 2\n```\n\n"
			   "---\n\n[政府网站](https://www.gov.cn/) <https://www.gov.cn/> "
			   "![图片说明](x.png)\n\n<div>\n块级 HTML\n</div>\n\n-\n\n",
	};

	render(a, &l);
	/* nesting deeper than the indent cap still renders */
	buf_init(&b, a, 1 << 20);
	for (int i = 0; i < 500; i++)
		buf_puts(&b, "> ");
	buf_puts(&b, "深层引用\n\n");
	for (int i = 0; i < 60; i++)
		buf_printf(&b, "%*s- 第%d层\n", 2 * i, "", i);
	l.body_md = buf_cstr(&b);
	render(a, &l);
}

static void test_optional_parts(void **state)
{
	struct arena *a = *state;
	struct pdf_letter l = { .title = "告知书" };

	render(a, &l);
	l.body_md = l.subtitle = l.sign_lines = "";
	render(a, &l);
	l.body_md = "\xff\xfe 无效 UTF-8 \xe4\xb8";
	render(a, &l);
	/* a signature block that does not fit the page goes to the next */
	l.body_md = "正文。";
	l.sign_lines = "一\n二\n三\n四\n五\n六\n七\n八\n九\n十\n十一\n十二\n十三\n十四\n十五\n"
		       "十六\n十七\n十八\n十九";
	assert_int_equal(pages(render(a, &l)), 2);
}

static void test_invalid(void **state)
{
	struct arena *a = *state;
	const char *out = NULL;
	size_t len = 0;
	struct pdf_letter l = { .title = "", .body_md = "正文" };

	assert_int_equal(pdf_letter_render(a, &l, &out, &len), ERR_INVALID);
	l.title = NULL;
	assert_int_equal(pdf_letter_render(a, &l, &out, &len), ERR_INVALID);
	assert_int_equal(pdf_letter_render(a, NULL, &out, &len), ERR_INVALID);
	l.title = "答复书\xff";
	assert_int_equal(pdf_letter_render(a, &l, &out, &len), ERR_INVALID);
	l.title = "答复书";
	l.sign_lines = "机关\xc0\x80";
	assert_int_equal(pdf_letter_render(a, &l, &out, &len), ERR_INVALID);
	assert_null(out);
	assert_int_equal(len, 0);
}

static void test_too_large(void **state)
{
	struct arena *a = *state;
	const char *out = NULL;
	size_t len = 0;
	char *big = test_malloc(PDF_MAX_BODY + 2);
	struct pdf_letter l = { .title = "答复书", .body_md = big };

	memset(big, 'a', PDF_MAX_BODY + 1);
	big[PDF_MAX_BODY + 1] = '\0';
	assert_int_equal(pdf_letter_render(a, &l, &out, &len), ERR_TOO_LARGE);
	big[PDF_MAX_FIELD + 1] = '\0';
	l.body_md = "正文";
	l.subtitle = big;
	assert_int_equal(pdf_letter_render(a, &l, &out, &len), ERR_TOO_LARGE);
	test_free(big);
	assert_null(out);
}

static void test_nomem(void **state)
{
	struct arena small;
	const char *out = NULL;
	size_t len = 0;
	struct pdf_letter l = { .title = "答复书", .body_md = "正文。" };

	(void)state;
	/* the PDF does not fit the arena */
	arena_init(&small, 4096);
	assert_int_equal(pdf_letter_render(&small, &l, &out, &len), ERR_NOMEM);
	arena_release(&small);
	/* the first allocation fails */
	arena_init(&small, 0);
	small.fail_at = 1;
	assert_int_equal(pdf_letter_render(&small, &l, &out, &len), ERR_NOMEM);
	arena_release(&small);
	assert_null(out);
}

/* Letters rendered on several threads at once (as HTTP workers do), each
 * with its own arena; pango gives each thread its own font map. */
struct job {
	pthread_t t;
	int rc[3];
	int pages[3];
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct arena a;

	arena_init(&a, 1 << 22);
	for (int i = 0; i < 3; i++) {
		struct pdf_letter l = { .title = "答复书", .body_md = "第一段。\n\n- 甲\n- **乙**\n",
					.sign_lines = SIGN };
		struct pdf_out o = { NULL, 0 };

		j->rc[i] = pdf_letter_render(&a, &l, &o.p, &o.n);
		j->pages[i] = j->rc[i] ? -1 : pages(o);
	}
	arena_release(&a);
	return NULL;
}

static void test_threads(void **state)
{
	struct job jobs[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&jobs[i].t, NULL, worker, &jobs[i]), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(jobs[i].t, NULL), 0);
		for (int k = 0; k < 3; k++) {
			assert_int_equal(jobs[i].rc[k], 0);
			assert_int_equal(jobs[i].pages[k], 1);
		}
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_short_letter),
		T(test_metadata),
		T(test_long_body_paginates),
		T(test_long_paragraph),
		T(test_markup_is_text),
		T(test_markdown_constructs),
		T(test_optional_parts),
		T(test_invalid),
		T(test_too_large),
		cmocka_unit_test(test_nomem),
		cmocka_unit_test(test_threads),
	};

	/* GLib's slice allocator hides leaked pango objects from LeakSanitizer;
	 * it reads G_SLICE before main, hence the new exec */
	(void)argc;
	if (!getenv("G_SLICE")) {
		setenv("G_SLICE", "always-malloc", 1);
		execv("/proc/self/exe", argv);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
