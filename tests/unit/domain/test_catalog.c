/* test_catalog.c - the pure rules of the 公开目录: 文号 normalisation and
 * its warnings, 索引号 pattern expansion, and catalog_item_check. The
 * publication workflow (serials, transactions) is in tests/unit/store. */
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
#include "domain/catalog/catalog.h"
#include "store/store.h"
#include "core/banned.h"

#include "arena_fixture.h"

#include "assert_chinese.h"

/* ---- 文号 ---- */

static const char *norm(struct arena *a, const char *in, unsigned *warn)
{
	const char *out = NULL;

	assert_int_equal(docno_normalize(a, in, strlen(in), &out, warn), 0);
	assert_non_null(out);
	assert_true(utf8_valid(out, strlen(out)));
	return out;
}

static void test_docno_brackets(void **state)
{
	static const char *const variants[] = {
		"桐教[2020]103号",  "桐教［2020］103号", "桐教【2020】103号", "桐教（2020）103号",
		"桐教(2020)103号",  "桐教〖2020〗103号", "桐教{2020}103号",   "桐教｛2020｝103号",
		"桐教[2020）103号", /* mismatched pair: still the year's brackets */
	};
	unsigned w;

	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const char *out = norm(*state, variants[i], &w);

		if (strcmp(out, "桐教〔2020〕103号") != 0)
			fail_msg("%s -> %s", variants[i], out);
		if (w != DOCNO_BRACKETS)
			fail_msg("%s: warn %#x, want DOCNO_BRACKETS only", variants[i], w);
	}
}

static void test_docno_already_correct(void **state)
{
	unsigned w = 99;

	assert_string_equal(norm(*state, " 桐教〔2020〕103号 ", &w), "桐教〔2020〕103号");
	assert_int_equal(w, 0);
	assert_string_equal(norm(*state, "　桐教〔2020〕103号\r\n", &w), "桐教〔2020〕103号");
	assert_int_equal(w, 0);
	assert_string_equal(norm(*state, "国办发〔2019〕1号", &w), "国办发〔2019〕1号");
	assert_int_equal(w, 0);
	assert_null(docno_warn_text(w));
}

static void test_docno_fullwidth_digits(void **state)
{
	unsigned w = 99;

	assert_string_equal(norm(*state, "桐教〔２０２０〕１０３号", &w), "桐教〔2020〕103号");
	assert_int_equal(w & DOCNO_BRACKETS, 0);
	assert_int_equal(w, 0);
	/* digits and brackets at once */
	assert_string_equal(norm(*state, "桐教（２０２０）１０３号", &w), "桐教〔2020〕103号");
	assert_int_equal(w, DOCNO_BRACKETS);
}

static void test_docno_inner_spaces(void **state)
{
	unsigned w;

	assert_string_equal(norm(*state, "桐教 〔2020〕 103 号", &w), "桐教〔2020〕103号");
	assert_int_equal(w, 0);
	assert_string_equal(norm(*state, "桐教　[2020]\t103号", &w), "桐教〔2020〕103号");
	assert_int_equal(w, DOCNO_BRACKETS);
}

static void test_docno_leading_zero(void **state)
{
	unsigned w;

	assert_string_equal(norm(*state, "桐教〔2020〕0103号", &w), "桐教〔2020〕0103号");
	assert_int_equal(w, DOCNO_LEADING_ZERO);
	assert_string_equal(norm(*state, "桐教[2020]01号", &w), "桐教〔2020〕01号");
	assert_int_equal(w, DOCNO_LEADING_ZERO | DOCNO_BRACKETS);
	assert_chinese(docno_warn_text(DOCNO_LEADING_ZERO));
}

static void test_docno_di(void **state)
{
	unsigned w;

	assert_string_equal(norm(*state, "桐教〔2020〕第103号", &w), "桐教〔2020〕第103号");
	assert_int_equal(w, DOCNO_DI);
	assert_chinese(docno_warn_text(w));
	/* 第 with nothing after it is not a 序号 at all */
	norm(*state, "桐教〔2020〕第号", &w);
	assert_true(w & DOCNO_NONSTANDARD);
}

static void test_docno_nonstandard(void **state)
{
	static const char *const odd[] = {
		"关于某事",
		"〔2020〕103号",      /* no 代字 */
		"桐教〔2020〕号",     /* no 序号 */
		"桐教〔2020〕103",    /* no 号 */
		"桐教〔20〕103号",    /* two-digit year */
		"桐教〔2020〕10a3号", /* letters in the 序号 */
		"桐教2020103号",      /* no brackets */
		"2020",
	};
	unsigned w;

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		norm(*state, odd[i], &w);
		if (!(w & DOCNO_NONSTANDARD))
			fail_msg("%s: warn %#x, want DOCNO_NONSTANDARD", odd[i], w);
	}
	/* no year found: the brackets are left alone */
	assert_string_equal(norm(*state, "桐教[20]103号", &w), "桐教[20]103号");
	assert_int_equal(w & DOCNO_BRACKETS, 0);
	assert_chinese(docno_warn_text(DOCNO_NONSTANDARD));
	/* NONSTANDARD is the first thing to tell */
	assert_string_equal(docno_warn_text(DOCNO_NONSTANDARD | DOCNO_BRACKETS),
			    docno_warn_text(DOCNO_NONSTANDARD));
	assert_chinese(docno_warn_text(DOCNO_BRACKETS));
}

static void test_docno_empty(void **state)
{
	unsigned w = 99;

	assert_string_equal(norm(*state, "", &w), "");
	assert_int_equal(w, 0);
	assert_string_equal(norm(*state, " 　\t", &w), "");
	assert_int_equal(w, 0);
}

static void test_docno_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"桐教〔2020〕\xFF号", "\xE6\xA1", "桐教\xC0\x80", "\xED\xA0\x80", "桐教〔2020〕103\xE5\x8F",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *out = "untouched";
		unsigned w = 99;

		assert_int_equal(docno_normalize(*state, bad[i], strlen(bad[i]), &out, &w), ERR_INVALID);
		assert_string_equal(out, "");
		assert_int_equal(w, 0);
	}
}

static void test_docno_too_long(void **state)
{
	char in[1024];
	const char *out;
	unsigned w;

	memset(in, 'a', sizeof(in));
	assert_int_equal(docno_normalize(*state, in, sizeof(in), &out, &w), ERR_TOO_LARGE);
	/* 256 code points is the most it takes */
	assert_int_equal(docno_normalize(*state, in, 256, &out, &w), 0);
	assert_int_equal(strlen(out), 256);
}

/* Normalising twice changes nothing and clears DOCNO_BRACKETS. */
static void test_docno_idempotent(void **state)
{
	static const char *const in[] = {
		"桐教[2020]103号", "桐教（２０２０）第０１０３号", " 关于 某事 ", "桐教〔20〕〔2021〕5号",
		"(2020)(2021)", "桐教[2020]103号[2021]",
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		unsigned w1, w2;
		const char *once = norm(*state, in[i], &w1);
		const char *twice = norm(*state, once, &w2);

		assert_string_equal(once, twice);
		assert_int_equal(w2, w1 & ~(unsigned)DOCNO_BRACKETS);
	}
}

static void test_docno_slice(void **state)
{
	const char *out;
	unsigned w;
	const char in[] = "桐教[2020]103号TRAILING";

	assert_int_equal(docno_normalize(*state, in, strlen("桐教[2020]103号"), &out, &w), 0);
	assert_string_equal(out, "桐教〔2020〕103号");
}

/* ---- 索引号 ---- */

static void test_index_no_default_pattern(void **state)
{
	const char *out = NULL;

	assert_int_equal(index_no_format(*state, "{机构代码}/{YYYY}-{NNNNN}", "00258038-9", 2020, 3, 7, &out), 0);
	assert_string_equal(out, "002580389/2020-00007");
	assert_int_equal(index_no_format(*state, "{机构代码}/{YYYY}-{NNNNN}", "00258038-9", 2021, 12, 99999, &out), 0);
	assert_string_equal(out, "002580389/2021-99999");
	/* a serial wider than the field is not truncated */
	assert_int_equal(index_no_format(*state, "{机构代码}/{YYYY}-{NNNNN}", "00258038-9", 2021, 12, 123456, &out), 0);
	assert_string_equal(out, "002580389/2021-123456");
}

static void test_index_no_month_pattern(void **state)
{
	const char *out = NULL;

	assert_int_equal(index_no_format(*state, "{机构代码}/{YYYY}{MM}-{NNNNN}", "00258038-9", 2020, 3, 7, &out), 0);
	assert_string_equal(out, "002580389/202003-00007");
	assert_int_equal(index_no_format(*state, "{机构代码}-{YYYY}-{MM}-{NNN}", "11-22-33", 1999, 11, 42, &out), 0);
	assert_string_equal(out, "112233-1999-11-042");
	assert_int_equal(index_no_format(*state, "{N}", "x", 2020, 1, 3, &out), 0);
	assert_string_equal(out, "3");
	assert_int_equal(index_no_format(*state, "GK/{NNNNNNNNNNNN}", "x", 2020, 1, 3, &out), 0);
	assert_string_equal(out, "GK/000000000003");
	assert_int_equal(index_no_format(*state, "桐城教育/{YYYY}", "", 2020, 1, 3, &out), 0);
	assert_string_equal(out, "桐城教育/2020");
	assert_int_equal(index_no_format(*state, "", "x", 2020, 1, 3, &out), 0);
	assert_string_equal(out, "");
}

static void test_index_no_bad_pattern(void **state)
{
	static const char *const bad[] = {
		"{机构代码}/{YYYY}-{XXXXX}", "{}", "{YYYY", "{机构代码}/{yyyy}-{NNNNN}",
		"{NNNNNNNNNNNNN}", /* 13 digits: more than the cap */
		"{NNxN}", "{机构}", "{YY}", "{M}", "{ YYYY}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *out = "untouched";

		if (index_no_format(*state, bad[i], "00258038-9", 2020, 3, 7, &out) != ERR_INVALID)
			fail_msg("pattern %s accepted", bad[i]);
		assert_string_equal(out, "untouched");
	}
}

static void test_index_no_too_long(void **state)
{
	char pat[400];
	const char *out = "untouched";

	memset(pat, 'x', sizeof(pat) - 1);
	pat[sizeof(pat) - 1] = '\0';
	assert_int_equal(index_no_format(*state, pat, "c", 2020, 1, 1, &out), ERR_TOO_LARGE);
	assert_string_equal(out, "untouched");
}

/* ---- catalog_item_check ---- */

static struct item valid_item(void)
{
	return (struct item){
		.org_id = 1,
		.category_id = 3,
		.title = "  桐城市教育局关于做好2020年秋季学期开学工作的通知　",
		.doc_no = "桐教[2020]103号",
		.publisher = "桐城市教育局",
		.written_on = "2020-08-20",
		.published_on = "2020-08-25",
		.topic = "教育",
		.genre = "行政规范性文件",
		.validity = "有效",
		.validity_on = "2021-01-01",
		.summary = "开学工作安排。",
		.body_md = "各学校：\n\n现将有关事项通知如下。",
	};
}

static void check_fails_at(int line, struct arena *a, struct item it, const char *msg_has)
{
	const char *msg = NULL, *warn = "x";
	int rc = catalog_item_check(a, &it, &msg, &warn);

	if (rc != ERR_INVALID)
		fail_msg("line %d: catalog_item_check returned %d, want ERR_INVALID", line, rc);
	assert_chinese(msg);
	if (msg_has && !strstr(msg, msg_has))
		fail_msg("line %d: message \"%s\" does not mention %s", line, msg, msg_has);
}
#define check_fails(a, it, has) check_fails_at(__LINE__, (a), (it), (has))

static void test_item_valid(void **state)
{
	struct item it = valid_item();
	const char *msg = NULL, *warn = NULL;

	assert_int_equal(catalog_item_check(*state, &it, &msg, &warn), 0);
	assert_string_equal(it.title, "桐城市教育局关于做好2020年秋季学期开学工作的通知");
	assert_string_equal(it.doc_no, "桐教〔2020〕103号");
	assert_string_equal(warn, docno_warn_text(DOCNO_BRACKETS));
	assert_chinese(warn);
	assert_string_equal(it.genre, "行政规范性文件");
	assert_string_equal(it.validity, "有效");
	/* a 有效 item has no validity date */
	assert_null(it.validity_on);
}

static void test_item_defaults(void **state)
{
	struct item it = { .category_id = 1, .title = "标题" };
	const char *msg = NULL, *warn = "x";

	assert_int_equal(catalog_item_check(*state, &it, &msg, &warn), 0);
	assert_null(warn);
	assert_string_equal(it.genre, "其他");
	assert_string_equal(it.validity, "有效");
	/* warn may be NULL */
	it = (struct item){ .category_id = 1, .title = "标题", .doc_no = "桐教[2020]1号" };
	assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
	assert_string_equal(it.doc_no, "桐教〔2020〕1号");
}

static void test_item_title(void **state)
{
	struct item it = valid_item();
	char title[301 * 3 + 1];

	it.title = "";
	check_fails(*state, it, "标题");
	it.title = NULL;
	check_fails(*state, it, "标题");
	it.title = " \t　　\r\n";
	check_fails(*state, it, "标题");

	/* 301 characters (903 bytes) is too long, 300 is fine */
	for (int i = 0; i < 301; i++)
		memcpy(title + 3 * i, "政", 3);
	title[903] = '\0';
	it.title = title;
	check_fails(*state, it, "标题");
	title[900] = '\0';
	it = valid_item();
	it.title = title;
	{
		const char *msg = NULL;

		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
		assert_int_equal(utf8_len(it.title, strlen(it.title)), 300);
	}
	/* spaces around do not count */
	{
		char padded[sizeof(title) + 8];
		const char *msg = NULL;

		padded[0] = ' ';
		memcpy(padded + 1, title, 900);
		memcpy(padded + 901, "　 ", 5);
		it = valid_item();
		it.title = padded;
		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
		assert_int_equal(utf8_len(it.title, strlen(it.title)), 300);
	}
}

static void test_item_genre_validity(void **state)
{
	struct item it = valid_item();

	it.genre = "公告";
	check_fails(*state, it, "体裁");
	it = valid_item();
	it.genre = "规章 ";
	check_fails(*state, it, "体裁");
	it = valid_item();
	it.validity = "作废";
	check_fails(*state, it, "有效性");
	it = valid_item();
	it.validity = "废止";
	it.validity_on = NULL;
	check_fails(*state, it, "日期");
	it.validity_on = "";
	check_fails(*state, it, "日期");
	it.validity = "已修改";
	check_fails(*state, it, "日期");
	it.validity = "失效";
	check_fails(*state, it, "日期");
	{
		const char *msg = NULL;

		it = valid_item();
		it.validity = "废止";
		it.validity_on = "2022-06-30";
		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
		assert_string_equal(it.validity_on, "2022-06-30");
	}
}

static void test_item_dates(void **state)
{
	struct item it = valid_item();

	it.written_on = "2020-09-01"; /* after published_on 2020-08-25 */
	check_fails(*state, it, "成文日期");
	it = valid_item();
	it.written_on = "2021-02-29";
	check_fails(*state, it, "日期");
	it = valid_item();
	it.published_on = "2020-13-01";
	check_fails(*state, it, "日期");
	it = valid_item();
	it.written_on = "2020/08/20";
	check_fails(*state, it, "日期");
	it = valid_item();
	it.validity = "废止";
	it.validity_on = "2021-02-29";
	check_fails(*state, it, "日期");
	{
		const char *msg = NULL;

		/* the same day, or no publication date yet, is fine */
		it = valid_item();
		it.written_on = "2020-08-25";
		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
		it = valid_item();
		it.published_on = NULL;
		it.written_on = "2999-12-31";
		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
		it = valid_item();
		it.written_on = "";
		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
	}
}

static void test_item_other_fields(void **state)
{
	struct item it = valid_item();
	char longs[2001 * 3 + 1];

	it.category_id = 0;
	check_fails(*state, it, "类别");
	it = valid_item();
	it.title = "标题\xFF";
	check_fails(*state, it, "UTF-8");
	it = valid_item();
	it.summary = "\xE6\xA1";
	check_fails(*state, it, "UTF-8");
	it = valid_item();
	it.doc_no = "桐教〔2020〕\xC0\x80号";
	check_fails(*state, it, "UTF-8");

	for (int i = 0; i < 2001; i++)
		memcpy(longs + 3 * i, "文", 3);
	longs[sizeof(longs) - 1] = '\0';
	it = valid_item();
	it.summary = longs;
	check_fails(*state, it, "概述");
	longs[101 * 3] = '\0';
	it = valid_item();
	it.publisher = longs;
	check_fails(*state, it, "发布机构");
	it = valid_item();
	it.topic = longs;
	check_fails(*state, it, "主题");
	longs[61 * 3] = '\0';
	it = valid_item();
	it.doc_no = longs;
	check_fails(*state, it, "文号");
	/* 60 characters is the most a 文号 may have */
	{
		const char *msg = NULL;

		longs[60 * 3] = '\0';
		it = valid_item();
		it.doc_no = longs;
		assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
	}
}

static void test_item_body_cap(void **state)
{
	struct item it = valid_item();
	char *body = test_malloc(ITEM_BODY_MAX_BYTES + 2);
	const char *msg = NULL;

	memset(body, 'x', ITEM_BODY_MAX_BYTES + 1);
	body[ITEM_BODY_MAX_BYTES + 1] = '\0';
	it.body_md = body;
	check_fails(*state, it, "正文");
	body[ITEM_BODY_MAX_BYTES] = '\0';
	it = valid_item();
	it.body_md = body;
	assert_int_equal(catalog_item_check(*state, &it, &msg, NULL), 0);
	test_free(body);
}

/* Out of memory while copying the title is ERR_NOMEM, not a crash. */
static void test_item_nomem(void **state)
{
	struct arena a;
	struct item it = valid_item();
	const char *msg = NULL;

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_int_equal(catalog_item_check(&a, &it, &msg, NULL), ERR_NOMEM);
	arena_release(&a);
}

static void test_status_labels(void **state)
{
	assert_string_equal(catalog_status_label("draft"), "草稿");
	assert_string_equal(catalog_status_label("pending"), "待审核");
	assert_string_equal(catalog_status_label("published"), "已发布");
	assert_string_equal(catalog_status_label("withdrawn"), "已撤回");
	assert_string_equal(catalog_status_label(NULL), "");
	assert_string_equal(catalog_status_label("odd"), "odd");
}

static void test_default_categories(void **state)
{
	assert_int_equal(catalog_default_categories_n, 10);
	for (size_t i = 0; i < catalog_default_categories_n; i++) {
		assert_chinese(catalog_default_categories[i].name);
		assert_true(str_starts(str_c(catalog_default_categories[i].article), "第"));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(catalog_default_categories[i].name,
						catalog_default_categories[j].name);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_docno_brackets),
		T(test_docno_already_correct),
		T(test_docno_fullwidth_digits),
		T(test_docno_inner_spaces),
		T(test_docno_leading_zero),
		T(test_docno_di),
		T(test_docno_nonstandard),
		T(test_docno_empty),
		T(test_docno_invalid_utf8),
		T(test_docno_too_long),
		T(test_docno_idempotent),
		T(test_docno_slice),
		T(test_index_no_default_pattern),
		T(test_index_no_month_pattern),
		T(test_index_no_bad_pattern),
		T(test_index_no_too_long),
		T(test_item_valid),
		T(test_item_defaults),
		T(test_item_title),
		T(test_item_genre_validity),
		T(test_item_dates),
		T(test_item_other_fields),
		T(test_item_body_cap),
		cmocka_unit_test(test_item_nomem),
		cmocka_unit_test(test_status_labels),
		cmocka_unit_test(test_default_categories),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
