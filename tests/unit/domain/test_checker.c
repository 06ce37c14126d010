/* test_checker.c - checking annual reports written elsewhere
 * (report_check_text) and the text of a DOCX (report_docx_text).
 *
 * The fixtures under tests/fixtures/reports/: the seed report (桐乡市教育局
 * 2020, with its known faults), a correct 2020 report (Markdown, pipe
 * tables, 〔2019〕60号 format), a correct 2021 report (text, TAB tables,
 * 〔2021〕30号 format) and one file per planted fault, each the correct
 * report with one change. DOCX files are built here with libzip: small
 * documents with paragraphs, tabs, breaks, entities, merged cells and a
 * fallback, the correct 2021 report as a DOCX, and broken ones. Runs from
 * the repository root. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/report/report.h"
#include "core/banned.h"

#include "arena_fixture.h"
#include "assert_chinese.h"

#define FIX "tests/fixtures/reports/"

/* A whole fixture file into the arena (NUL-terminated). */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t got;

	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	buf_init(&b, a, 1 << 20);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	fclose(f);
	assert_int_equal(b.err, 0);
	*len = b.n;
	return (char *)buf_cstr(&b);
}

struct result {
	int rc, year;
	struct report_issue *is;
	size_t n, errors, warnings;
};

static struct result check(struct arena *a, const char *text, size_t len, int hint)
{
	struct result r = { 0 };

	r.rc = report_check_text(a, text, len, hint, &r.year, &r.is, &r.n);
	for (size_t i = 0; i < r.n; i++) {
		assert_non_null(r.is[i].where);
		assert_true(utf8_valid(r.is[i].where, strlen(r.is[i].where)));
		assert_chinese(r.is[i].msg);
		if (r.is[i].severity == REPORT_ERROR)
			r.errors++;
		else
			r.warnings++;
	}
	return r;
}

static struct result check_file(struct arena *a, const char *path, int hint)
{
	size_t len;
	char *text = slurp(a, path, &len);

	return check(a, text, len, hint);
}

static void dump(const struct result *r)
{
	for (size_t i = 0; i < r->n; i++)
		print_message("  %s：[%s] %s\n", r->is[i].where, r->is[i].severity == REPORT_ERROR ? "错误" : "警告",
			      r->is[i].msg);
}

/* The issue at where of severity sev whose message has every one of the
 * NULL-terminated fragments; fails the test when there is none. */
static void expect(const struct result *r, int sev, const char *where, ...)
{
	for (size_t i = 0; i < r->n; i++) {
		va_list ap;
		const char *frag;
		bool all = true;

		if (r->is[i].severity != sev || strcmp(r->is[i].where, where))
			continue;
		va_start(ap, where);
		while ((frag = va_arg(ap, const char *)))
			all = all && strstr(r->is[i].msg, frag);
		va_end(ap);
		if (all)
			return;
	}
	dump(r);
	fail_msg("no %s at %s with the expected words", sev == REPORT_ERROR ? "error" : "warning", where);
}

static void expect_counts(const struct result *r, size_t errors, size_t warnings)
{
	if (r->errors != errors || r->warnings != warnings) {
		dump(r);
		fail_msg("%zu errors and %zu warnings, expected %zu and %zu", r->errors, r->warnings, errors, warnings);
	}
}

/* ---- the seed report ---- */

static void test_seed(void **state)
{
	struct arena *a = *state;
	struct result r = check_file(a, FIX "seed-2020.txt", 0);

	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 2020);
	/* the three tables, each on its own */
	expect(&r, REPORT_ERROR, "第 5 行", "缺少表二", NULL);
	expect(&r, REPORT_ERROR, "第 12 行", "缺少表三", NULL);
	expect(&r, REPORT_ERROR, "第 14 行", "缺少表四", NULL);
	/* 4+3+1+6+12+12+74+57+16+4 = 189 */
	expect(&r, REPORT_ERROR, "第 7 行", "主动公开政府信息187条", "189", "187", NULL);
	/* a paragraph from the year before */
	expect(&r, REPORT_ERROR, "第 9 行", "2019年", "2020 年", "2019年，在桐乡市政府", NULL);
	/* "3、" and "4、" for 三、 四、: named once, not also missing */
	expect(&r, REPORT_ERROR, "第 12 行", "标题编号有误", "三、收到和处理政府信息公开申请情况", NULL);
	expect(&r, REPORT_ERROR, "第 14 行", "标题编号有误", "四、政府信息公开行政复议、行政诉讼情况", NULL);
	/* the seed has no section 六 */
	expect(&r, REPORT_ERROR, "全文", "六、其他需要报告的事项", NULL);
	/* and nothing else: not 自2017年…以来 (line 7), not the sums of line 11
	 * (3 = 2+1, 28 = 22+6), not 2021年，我局将 in 五 (line 17) */
	expect_counts(&r, 8, 0);
}

/* ---- correct reports ---- */

static void test_correct_2020(void **state)
{
	struct result r = check_file(*state, FIX "correct-2020.md", 0);

	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 2020);
	expect_counts(&r, 0, 0);
}

static void test_correct_2021(void **state)
{
	struct result r = check_file(*state, FIX "correct-2021.txt", 0);

	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 2021);
	expect_counts(&r, 0, 0);
}

/* Half-width parentheses, straight quotes and full-width digits are the
 * same labels and figures. */
static void test_normalised(void **state)
{
	struct arena *a = *state;
	size_t len;
	const char *text = slurp(a, FIX "correct-2020.md", &len), *p, *e;
	struct buf b;
	struct result r;

	buf_init(&b, a, 1 << 22);
	for (p = text, e = text + len; p < e;) {
		const char *q = p;
		uint32_t c = utf8_next(&p, e);
		char u[4];

		if (c == 0xFF08)
			buf_putc(&b, '(');
		else if (c == 0xFF09)
			buf_putc(&b, ')');
		else if (c == 0x201C || c == 0x201D)
			buf_putc(&b, '"');
		else if (c >= '0' && c <= '9')
			buf_append(&b, u, utf8_put(u, 0xFF10 + (c - '0')));
		else
			buf_append(&b, q, (size_t)(p - q));
	}
	assert_int_equal(b.err, 0);
	assert_null(strstr(buf_cstr(&b), "（"));
	r = check(a, buf_cstr(&b), b.n, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 2020);
	expect_counts(&r, 0, 0);
}

/* ---- one fault per file ---- */

static void test_faults(void **state)
{
	static const struct {
		const char *file;
		size_t errors, warnings;
		int sev;
		const char *where, *w1, *w2;
	} cases[] = {
		{ "fault-sum-2021.txt", 1, 0, REPORT_ERROR, "第 5 行", "124 条", "126 条" },
		{ "fault-year-2021.txt", 1, 0, REPORT_ERROR, "第 5 行", "“2020年”", "2021 年" },
		{ "fault-t3-column-2020.md", 1, 0, REPORT_ERROR, "第 63 行", "勾稽关系不成立", "“自然人”列 30+2=32，31+3=34" },
		{ "fault-t3-row-2021.txt", 2, 0, REPORT_ERROR, "第 29 行", "（一）予以公开", "总计为 18，六类申请人之和为 17" },
		{ "fault-t4-2020.md", 1, 0, REPORT_ERROR, "第 71 行", "“行政复议”总计 2", "之和为 1" },
		{ "fault-missing-t2-2021.txt", 1, 0, REPORT_ERROR, "第 8 行", "缺少表二", "第二十条第（一）项" },
		{ "fault-format-2020.md", 1, 0, REPORT_ERROR, "第 61 行", "〔2019〕60号", "逾期不补正" },
		{ "fault-format-2021.txt", 1, 0, REPORT_ERROR, "第 23 行", "〔2021〕30号", "政府集中采购" },
		{ "fault-heading-2020.md", 1, 0, REPORT_ERROR, "第 35 行", "标题编号有误", "三、收到和处理政府信息公开申请情况" },
		{ "fault-missing-section-2021.txt", 1, 0, REPORT_ERROR, "全文", "缺少第六部分", "六、其他需要报告的事项" },
		{ "fault-deadline-2021.txt", 0, 1, REPORT_WARNING, "第 63 行", "2022年2月15日", "1 月 31 日" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256];
		struct result r;

		snprintf(path, sizeof(path), FIX "%s", cases[i].file);
		print_message("%s\n", cases[i].file);
		r = check_file(*state, path, 0);
		assert_int_equal(r.rc, 0);
		expect(&r, cases[i].sev, cases[i].where, cases[i].w1, cases[i].w2, NULL);
		expect_counts(&r, cases[i].errors, cases[i].warnings);
	}
	/* the row fault also breaks （七）总计's 总计 column */
	{
		struct result r = check_file(*state, FIX "fault-t3-row-2021.txt", 0);

		expect(&r, REPORT_ERROR, "第 50 行", "（七）总计", "“总计”列总计 41，各项之和 42", NULL);
	}
}

/* ---- years and sums in the prose ---- */

/* The correct 2021 report with extra lines after its line 5. */
static struct result check_with(struct arena *a, const char *extra)
{
	size_t len;
	const char *text = slurp(a, FIX "correct-2021.txt", &len), *cut = text;
	struct buf b;

	for (int i = 0; i < 5; i++)
		cut = strchr(cut, '\n') + 1;
	buf_init(&b, a, 1 << 22);
	buf_append(&b, text, (size_t)(cut - text));
	buf_puts(&b, extra);
	buf_puts(&b, cut);
	assert_int_equal(b.err, 0);
	return check(a, buf_cstr(&b), b.n, 0);
}

static void test_years(void **state)
{
	struct result r = check_with(*state,
				     /* line 6: none of these is wrong */
				     "与2020年相比，申请量增长12%；自2019年以来累计公开信息800余条；依据《2020年政务公开工作要点》"
				     "和示政办〔2020〕5号文件；2018年至2020年连续三年获评先进；较2020年同期减少3件；"
				     "《条例》2019年修订后于2019年5月15日起施行；2019—2020年度的评议结果已公布；2022年将继续推进。\n"
				     /* line 7: wrong, reported once although named twice */
				     "2020年，我局在2020年的基础上加大公开力度。\n"
				     /* line 8: next year, outside 五, not a plan */
				     "2022年1月，本报告经局务会审议。\n");

	expect(&r, REPORT_ERROR, "第 7 行", "“2020年”", NULL);
	expect(&r, REPORT_ERROR, "第 8 行", "“2022年”", NULL);
	expect_counts(&r, 2, 0);
}

static void test_sums(void **state)
{
	struct result r = check_with(*state,
				     /* 6: parts over the total */
				     "全年共办理人大代表建议10件，其中主办6件、协办5件。\n"
				     /* 7: a part larger than the total */
				     "共受理咨询8件，其中电话咨询12件。\n"
				     /* 8: fewer, but "等": a partial list */
				     "共发布信息50条，其中通知公告20条、政策解读10条等。\n"
				     /* 9: approximate or not counts: no check */
				     "共推送信息1.2万条，其中原创3000条、转载5000条；累计阅读700余次，其中本地300次、外地100次。\n"
				     /* 10: the parts in parentheses and another unit are not parts */
				     "共收到提案5件（其中重点提案2件），其中主办3件、协办2件，办结率100%。\n"
				     /* 11: 其中 after a full stop; 另有 ends the list */
				     "全年共收到申请20件。其中，自然人申请15件、法人申请5件，另有上年结转3件。\n"
				     /* 12: a separate total after the list, "1,200" with a comma */
				     "主动公开信息1,200条，其中政策文件200条、工作动态1,000条，同比增加50条。\n");

	expect(&r, REPORT_ERROR, "第 6 行", "全年共办理人大代表建议10件", "11 件", "10 件", NULL);
	expect(&r, REPORT_ERROR, "第 7 行", "12 件", "超过了总数 8 件", NULL);
	expect_counts(&r, 2, 0);
}

/* ---- year from the caller, not a report ---- */

static void test_year_hint(void **state)
{
	struct arena *a = *state;
	size_t len;
	const char *text = slurp(a, FIX "correct-2021.txt", &len), *body = strchr(text, '\n') + 1;
	struct result r;

	/* no title: the hint gives the year, a warning names the title */
	r = check(a, body, len - (size_t)(body - text), 2021);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 2021);
	expect(&r, REPORT_WARNING, "全文", "标题", NULL);
	expect_counts(&r, 0, 1);
	/* no title, no hint: no year, format-free checks only */
	r = check(a, body, len - (size_t)(body - text), 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 0);
	expect(&r, REPORT_WARNING, "全文", "年份", NULL);
	assert_int_equal(r.errors, 0);
	/* the title wins over a different hint */
	r = check(a, text, len, 2022);
	assert_int_equal(r.year, 2021);
	expect(&r, REPORT_WARNING, "第 1 行", "2021 年", "2022 年", NULL);
	expect_counts(&r, 0, 1);
	/* a 2021 report checked as 2020 would be: the title still decides */
	r = check_file(a, FIX "correct-2020.md", 2021);
	assert_int_equal(r.year, 2020);
}

static void test_not_a_report(void **state)
{
	struct arena *a = *state;
	static const char *const texts[] = {
		"",
		"\n\n\n",
		"菜单\n今天天气很好。\n2019年我们去了杭州。\n",
		"\xff\xfe\x00\x01 binary \x00\x00 junk",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t len = i == 3 ? 20 : strlen(texts[i]);
		struct result r = check(a, texts[i], len, i == 2 ? 2020 : 0);

		assert_int_equal(r.rc, ERR_INVALID);
		assert_int_equal(r.n, 1);
		assert_non_null(strstr(r.is[0].msg, "不是政府信息公开工作年度报告"));
	}
}

/* Invalid UTF-8 and NUL bytes inside a report: checked, messages valid. */
static void test_bad_bytes(void **state)
{
	struct arena *a = *state;
	static const char text[] = "某局2020年政府信息公开工作年度报告\n一、总体情况\n\xe4\xb8 \x00\xff"
				   "2019年，\xc0\xaf共5件，其中A 3件、B \xff 3件。\r\n二、主动公开政府信息情况\r六、其他\n";
	struct result r = check(a, text, sizeof(text) - 1, 0);

	assert_int_equal(r.rc, 0);
	assert_int_equal(r.year, 2020);
	expect(&r, REPORT_ERROR, "第 3 行", "2019年", NULL);
	expect(&r, REPORT_ERROR, "第 3 行", "6 件", NULL);
	/* the lone CR ends line 4: 二 is line 4, 六 line 5 (not a heading: "其他" alone) */
	expect(&r, REPORT_ERROR, "全文", "缺少第六部分", NULL);
}

/* ---- DOCX ---- */

struct zentry {
	const char *name;
	const char *data;
	size_t len;
};

/* A ZIP archive of the entries, in the arena. */
static const char *make_zip(struct arena *a, const struct zentry *e, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	char *out;

	zip_error_init(&ze);
	assert_non_null(src = zip_source_buffer_create(NULL, 0, 0, &ze));
	assert_non_null(z = zip_open_from_source(src, ZIP_TRUNCATE, &ze));
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, e[i].data, e[i].len, 0);

		assert_non_null(s);
		assert_true(zip_file_add(z, e[i].name, s, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_stat(src, &st), 0);
	assert_int_equal(zip_source_open(src), 0);
	assert_non_null(out = arena_alloc(a, st.size + 1));
	assert_int_equal(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	*len = st.size;
	return out;
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
	     "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""

static const char *make_docx(struct arena *a, const char *body, size_t *len)
{
	const char *xml = arena_printf(a,
				       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
				       "<w:document " W_NS "><w:body>%s<w:sectPr/></w:body></w:document>",
				       body);
	struct zentry e[] = {
		{ "[Content_Types].xml", "<Types/>", 8 },
		{ "word/document.xml", xml, strlen(xml) },
	};

	return make_zip(a, e, 2, len);
}

static void test_docx_text(void **state)
{
	struct arena *a = *state;
	size_t n, len;
	const char *text, *msg = NULL;
	const char *docx = make_docx(
		a,
		/* a title with a tab stop definition (not a tab) and two runs */
		"<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
		"<w:r><w:t>某局2021年</w:t></w:r><w:r><w:t xml:space=\"preserve\">政府信息公开工作年度报告</w:t></w:r></w:p>"
		/* an empty paragraph, a comment */
		"<w:p/><!-- a comment with <w:t>no</w:t> -->"
		/* a tab, a break, entities, CDATA, deleted and field text left out */
		"<w:p><w:r><w:t>A&amp;B&lt;C&gt;&quot;&apos;&#x4E00;&#20108;&bogus;</w:t><w:tab/>"
		"<w:t>x</w:t><w:br/><w:t><![CDATA[<y>]]></w:t></w:r>"
		"<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>"
		"<w:r><w:instrText> PAGE </w:instrText></w:r></w:p>"
		/* a text box: the choice is read, its fallback is not */
		"<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:t>框</w:t></mc:Choice>"
		"<mc:Fallback><w:t>框</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"
		/* a table: a cell spanning two columns, a vertical merge, two
		 * paragraphs in one cell, a tab and a break in a cell */
		"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
		"<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/></w:tcPr>"
		"<w:p><w:r><w:t>合</w:t></w:r></w:p></w:tc>"
		"<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>"
		"<w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/><w:vMerge/></w:tcPr><w:p/></w:tc>"
		"<w:tc><w:p><w:r><w:t>上</w:t></w:r></w:p><w:p><w:r><w:t>下</w:t><w:tab/><w:t>右</w:t><w:br/>"
		"<w:t>底</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
		"<w:p><w:r><w:t>完</w:t></w:r></w:p>",
		&n);

	assert_int_equal(report_docx_text(a, docx, n, &text, &len, &msg), 0);
	assert_null(msg);
	assert_string_equal(text, "某局2021年政府信息公开工作年度报告\n"
				  "\n"
				  "A&B<C>\"'一二&bogus;\tx\n<y>\n"
				  "框\n"
				  "合\t\t1\n"
				  "\t\t上 下 右 底\n"
				  "完\n");
	assert_int_equal(len, strlen(text));
}

/* The lines of a text report as a DOCX: lines with a TAB are table rows
 * (consecutive ones one table), others paragraphs. */
static const char *docx_of(struct arena *a, const char *text, size_t *n)
{
	struct buf b;
	bool in_tbl = false;

	buf_init(&b, a, 1 << 22);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
		bool row = memchr(p, '\t', (size_t)(e - p)) != NULL;

		if (row && !in_tbl)
			buf_puts(&b, "<w:tbl>");
		if (!row && in_tbl)
			buf_puts(&b, "</w:tbl>");
		in_tbl = row;
		buf_puts(&b, row ? "<w:tr><w:tc><w:p><w:r><w:t>" : "<w:p><w:r><w:t>");
		for (const char *c = p; c < e; c++) {
			if (*c == '\t')
				buf_puts(&b, "</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>");
			else if (*c == '&')
				buf_puts(&b, "&amp;");
			else if (*c == '<')
				buf_puts(&b, "&lt;");
			else
				buf_putc(&b, *c);
		}
		buf_puts(&b, row ? "</w:t></w:r></w:p></w:tc></w:tr>" : "</w:t></w:r></w:p>");
		p = nl ? nl + 1 : e;
	}
	if (in_tbl)
		buf_puts(&b, "</w:tbl>");
	assert_int_equal(b.err, 0);
	return make_docx(a, buf_cstr(&b), n);
}

static void test_docx_report(void **state)
{
	struct arena *a = *state;
	size_t len, n, tlen;
	const char *orig = slurp(a, FIX "correct-2021.txt", &len), *docx = docx_of(a, orig, &n), *text, *msg;
	const char *bad_row = "1\t0\t0\t1\t2\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0", *at_row;
	char *faulty;
	struct result r;

	assert_int_equal(report_docx_text(a, docx, n, &text, &tlen, &msg), 0);
	assert_string_equal(text, orig);
	r = check(a, text, tlen, 0);
	assert_int_equal(r.year, 2021);
	expect_counts(&r, 0, 0);

	/* 复议后起诉 总计 3 with no parts */
	faulty = arena_strdup(a, orig);
	assert_non_null(at_row = strstr(faulty, bad_row));
	faulty[(at_row - faulty) + strlen(bad_row) - 1] = '3';
	docx = docx_of(a, faulty, &n);
	assert_int_equal(report_docx_text(a, docx, n, &text, &tlen, &msg), 0);
	r = check(a, text, tlen, 0);
	expect(&r, REPORT_ERROR, "第 56 行", "“行政诉讼（复议后起诉）”总计 3", "之和为 0", NULL);
	expect_counts(&r, 1, 0);
}

static void expect_invalid(struct arena *a, const char *bytes, size_t n, int rc, const char *words)
{
	const char *text = NULL, *msg = NULL;
	size_t len = 0;

	assert_int_equal(report_docx_text(a, bytes, n, &text, &len, &msg), rc);
	assert_null(text);
	assert_chinese(msg);
	if (!strstr(msg, words))
		fail_msg("message without “%s”: %s", words, msg);
}

static void test_docx_broken(void **state)
{
	struct arena *a = *state;
	struct zentry other = { "word/other.xml", "<x/>", 4 };
	struct buf big;
	const char *z, *body;
	char *copy;
	size_t n;

	/* not a zip at all */
	expect_invalid(a, "hello, world", 12, ERR_INVALID, "ZIP");
	expect_invalid(a, "", 0, ERR_INVALID, "ZIP");
	/* a zip, but no word/document.xml */
	z = make_zip(a, &other, 1, &n);
	expect_invalid(a, z, n, ERR_INVALID, "word/document.xml");
	/* XML that cannot be walked */
	z = make_docx(a, "<w:p><w:r><w:t>未闭合</w:r></w:p>", &n);
	expect_invalid(a, z, n, ERR_INVALID, "XML");
	z = make_docx(a, "<w:p><w:r><w:t>x</w:t></w:r></w:p></w:p>", &n);
	expect_invalid(a, z, n, ERR_INVALID, "XML");
	z = make_docx(a, "<w:p attr=\"unterminated></w:p>", &n);
	expect_invalid(a, z, n, ERR_INVALID, "XML");
	{
		struct zentry e = { "word/document.xml", "", 0 };

		z = make_zip(a, &e, 1, &n);
		expect_invalid(a, z, n, ERR_INVALID, "word/document.xml");
	}
	/* a truncated DOCX and one with its compressed data damaged */
	buf_init(&big, a, 1 << 22);
	for (int i = 0; i < 3000; i++)
		buf_printf(&big, "<w:p><w:r><w:t>第%d段：%d</w:t></w:r></w:p>", i, i * 7919 % 10007);
	body = buf_cstr(&big);
	z = make_docx(a, body, &n);
	assert_true(n > 4000);
	expect_invalid(a, z, n / 2, ERR_INVALID, "ZIP");
	copy = arena_alloc(a, n);
	memcpy(copy, z, n);
	for (size_t i = 200; i < 260; i++)
		copy[i] = (char)(copy[i] ^ 0x5A);
	expect_invalid(a, copy, n, ERR_INVALID, "损坏");
	/* over 50 MB: refused before anything is read */
	{
		size_t huge = ((size_t)50 << 20) + 1;
		char *p = calloc(1, huge);

		assert_non_null(p);
		expect_invalid(a, p, huge, ERR_TOO_LARGE, "50 MB");
		free(p);
	}
	/* word/document.xml said to unpack to 4 GB (local and central headers) */
	copy = arena_alloc(a, n);
	memcpy(copy, z, n);
	for (size_t i = 0; i + 46 < n; i++) {
		if (!memcmp(copy + i, "PK\x03\x04", 4) && !memcmp(copy + i + 30, "word/document.xml", 17))
			memcpy(copy + i + 22, "\x00\x00\x00\xF0", 4);
		if (!memcmp(copy + i, "PK\x01\x02", 4) && !memcmp(copy + i + 46, "word/document.xml", 17))
			memcpy(copy + i + 24, "\x00\x00\x00\xF0", 4);
	}
	expect_invalid(a, copy, n, ERR_TOO_LARGE, "200 MB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correct_2020, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correct_2021, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normalised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_years, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_year_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docx_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docx_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docx_broken, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
