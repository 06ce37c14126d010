/* test_report_outputs.c - the annual report as DOCX, XLSX and PDF
 * (report_docx.c, report_xlsx.c, report_pdf.c).
 *
 * The fixture is a report_doc built here, shaped like the statutory one:
 * a title, the six headings (and a level-2 heading), paragraphs of Chinese
 * text with characters XML must escape, and the three 2021-format tables
 * with their merged cells (table 三's 3x3 top-left note, 自然人 and 总计
 * over two rows, "三、本年度办理结果" over 22 rows, the group labels;
 * table 四's two header levels). Its figures are made up but consistent
 * (every 勾稽关系 holds), and the expectations are read from the fixture,
 * never typed in.
 *
 * Each format is read back by an independent reader where one is
 * installed: the DOCX and XLSX archives with libzip (the grid of every
 * table row, the merges, the numbers as numbers), then LibreOffice
 * (libreoffice-writer-nogui, libreoffice-calc-nogui) converts the DOCX to
 * PDF and the XLSX's 表三 to CSV, and poppler's pdftotext reads the PDFs.
 * When a tool is missing that part is skipped with a message. The demo's
 * real reports of 桐乡市教育局 for 2020 (〔2019〕60号 format) and 2021
 * (〔2021〕30号) are built by report_build and rendered too. Runs from the
 * repository root (bin/gongkai makes the demo database). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/report/report.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

#define OUT_MAX (64u << 20)

static const char NOTE[] = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
static const char PARTIAL[] = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）";
static const char TITLE[] = "桐乡市教育局2021年政府信息公开工作年度报告";
static const char ESCAPE_ME[] = "转义检查：<script>alert(1)</script> & \"引号\" 'x' 完。";

/* ---- fixture ---- */

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
	test_free(a);
	return 0;
}

static void table_init(struct arena *a, struct rtable *t, const char *title, int nr, int nc)
{
	t->title = title;
	t->nrows = nr;
	t->ncols = nc;
	t->cells = arena_zalloc(a, (size_t)nr * (size_t)nc * sizeof(struct rcell));
	assert_non_null(t->cells);
	for (int i = 0; i < nr * nc; i++)
		t->cells[i] = (struct rcell){ .text = "", .rowspan = 1, .colspan = 1 };
}

/* A cell starting at (r, c) over rs rows and cs columns. */
static void put(struct rtable *t, int r, int c, int rs, int cs, const char *text, bool head, bool num)
{
	for (int y = 0; y < rs; y++)
		for (int x = 0; x < cs; x++)
			*rtable_at(t, r + y, c + x) = (struct rcell){ .text = "" };
	*rtable_at(t, r, c) = (struct rcell){ text, rs, cs, head, num };
}

static void label(struct rtable *t, int r, int c, int rs, int cs, const char *text)
{
	put(t, r, c, rs, cs, text, true, false);
}

static void figure(struct arena *a, struct rtable *t, int r, int c, int cs, long long v)
{
	put(t, r, c, 1, cs, arena_printf(a, "%lld", v), false, true);
}

/* Table 二, 2021 format. */
static void table2(struct arena *a, struct rtable *t)
{
	static const char *const cols[] = { "本年制发件数", "本年废止件数", "现行有效件数" };

	table_init(a, t, "二、主动公开政府信息情况", 14, 4);
	label(t, 0, 0, 1, 4, "第二十条第（一）项");
	label(t, 1, 0, 1, 1, "信息内容");
	for (int c = 0; c < 3; c++)
		label(t, 1, c + 1, 1, 1, cols[c]);
	label(t, 2, 0, 1, 1, "规章");
	label(t, 3, 0, 1, 1, "行政规范性文件");
	for (int c = 0; c < 3; c++) {
		figure(a, t, 2, c + 1, 1, c);
		figure(a, t, 3, c + 1, 1, 4 + 3 * c);
	}
	label(t, 4, 0, 1, 4, "第二十条第（五）项");
	label(t, 5, 0, 1, 1, "信息内容");
	label(t, 5, 1, 1, 3, "本年处理决定数量");
	label(t, 6, 0, 1, 1, "行政许可");
	figure(a, t, 6, 1, 3, 41);
	label(t, 7, 0, 1, 4, "第二十条第（六）项");
	label(t, 8, 0, 1, 1, "信息内容");
	label(t, 8, 1, 1, 3, "本年处理决定数量");
	label(t, 9, 0, 1, 1, "行政处罚");
	figure(a, t, 9, 1, 3, 2);
	label(t, 10, 0, 1, 1, "行政强制");
	figure(a, t, 10, 1, 3, 0);
	label(t, 11, 0, 1, 4, "第二十条第（八）项");
	label(t, 12, 0, 1, 1, "信息内容");
	label(t, 12, 1, 1, 3, "本年收费金额（单位：万元）");
	label(t, 13, 0, 1, 1, "行政事业性收费");
	put(t, 13, 1, 1, 3, "78.6400", false, true);
}

static const char *const T3_GROUPS[] = { "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理" };
static const int T3_GROUP_ROWS[] = { 8, 3, 5, 3 };
static const char *const T3_ITEMS[] = {
	"1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
	"5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
	"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
	"1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
	"5.要求行政机关确认或重新出具已获取信息",
	"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
};

/* Table 三's figures: [row of the table][data column], rows 3..27. */
static long long t3v[28][7];

/* Table 三, 2021 format: 3 header rows, 25 rows of figures. */
static void table3(struct arena *a, struct rtable *t)
{
	static const char *const kinds[] = { "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他" };
	int r, item = 0;

	table_init(a, t, "三、收到和处理政府信息公开申请情况", 28, 10);
	label(t, 0, 0, 3, 3, NOTE);
	label(t, 0, 3, 1, 7, "申请人情况");
	label(t, 1, 3, 2, 1, "自然人");
	label(t, 1, 4, 1, 5, "法人或其他组织");
	label(t, 1, 9, 2, 1, "总计");
	for (int k = 0; k < 5; k++)
		label(t, 2, 4 + k, 1, 1, kinds[k]);
	label(t, 3, 0, 1, 3, "一、本年新收政府信息公开申请数量");
	label(t, 4, 0, 1, 3, "二、上年结转政府信息公开申请数量");
	label(t, 5, 0, 22, 1, "三、本年度办理结果");
	label(t, 5, 1, 1, 2, "（一）予以公开");
	label(t, 6, 1, 1, 2, PARTIAL);
	r = 7;
	for (int g = 0; g < 4; g++) {
		label(t, r, 1, T3_GROUP_ROWS[g], 1, T3_GROUPS[g]);
		for (int k = 0; k < T3_GROUP_ROWS[g]; k++)
			label(t, r + k, 2, 1, 1, T3_ITEMS[item++]);
		r += T3_GROUP_ROWS[g];
	}
	assert_int_equal(r, 26);
	label(t, 26, 1, 1, 2, "（七）总计");
	label(t, 27, 0, 1, 3, "四、结转下年度继续办理");

	/* consistent figures: outcomes made up, 总计 and 新收 derived */
	memset(t3v, 0, sizeof(t3v));
	for (int k = 0; k < 6; k++) {
		for (r = 5; r < 26; r++) {
			t3v[r][k] = (r * 7 + k * 13) % 6;
			t3v[26][k] += t3v[r][k];
		}
		t3v[4][k] = k % 3;                          /* 上年结转 */
		t3v[27][k] = t3v[4][k] + k % 2;             /* 结转下年度 */
		t3v[3][k] = t3v[26][k] + t3v[27][k] - t3v[4][k] + 100 * (k == 0);
		t3v[26][k] += 100 * (k == 0);               /* 自然人 mostly 予以公开 */
		t3v[5][k] += 100 * (k == 0);
	}
	for (r = 3; r < 28; r++) {
		for (int k = 0; k < 6; k++)
			t3v[r][6] += t3v[r][k];
		for (int k = 0; k < 7; k++)
			figure(a, t, r, 3 + k, 1, t3v[r][k]);
	}
}

static long long t4v[15];

/* Table 四: 3 header rows, one row of figures. */
static void table4(struct arena *a, struct rtable *t)
{
	static const char *const res[] = { "结果维持", "结果纠正", "其他结果", "尚未审结", "总计" };

	table_init(a, t, "四、政府信息公开行政复议、行政诉讼情况", 4, 15);
	label(t, 0, 0, 1, 5, "行政复议");
	label(t, 0, 5, 1, 10, "行政诉讼");
	for (int k = 0; k < 5; k++)
		label(t, 1, k, 2, 1, res[k]);
	label(t, 1, 5, 1, 5, "未经复议直接起诉");
	label(t, 1, 10, 1, 5, "复议后起诉");
	for (int k = 0; k < 10; k++)
		label(t, 2, 5 + k, 1, 1, res[k % 5]);
	for (int g = 0; g < 3; g++) {
		t4v[g * 5 + 4] = 0;
		for (int k = 0; k < 4; k++) {
			t4v[g * 5 + k] = (g + 1) * (k + 2) + 10 * g;
			t4v[g * 5 + 4] += t4v[g * 5 + k];
		}
	}
	for (int k = 0; k < 15; k++)
		figure(a, t, 3, k, 1, t4v[k]);
}

static void block(struct report_doc *d, int kind, int level, const char *text, const struct rtable *t)
{
	d->blocks[d->nblocks++] = (struct rblock){ kind, level, text, t };
}

static void make_doc(struct arena *a, struct report_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->title = TITLE;
	d->org_name = "桐乡市教育局";
	d->year = 2021;
	d->format = REPORT_FMT_2021;
	table2(a, &d->t2);
	table3(a, &d->t3);
	table4(a, &d->t4);
	d->blocks = arena_zalloc(a, 32 * sizeof(struct rblock));
	assert_non_null(d->blocks);
	block(d, RB_HEADING, 1, "一、总体情况", NULL);
	block(d, RB_PARA, 0,
	      "2021年，桐乡市教育局坚持全面公开、依法依规、改革创新、公众参与的原则，全面推进政务公开。"
	      "全年主动公开政府信息187条，其中政策文件4条、规划计划3条、工作动态74条。", NULL);
	block(d, RB_PARA, 0, ESCAPE_ME, NULL);
	block(d, RB_HEADING, 2, "（一）政务信息公开情况", NULL);
	block(d, RB_PARA, 0, "第一行说明。\n第二行说明，换行之后仍在同一段。", NULL);
	block(d, RB_HEADING, 1, "二、主动公开政府信息情况", NULL);
	block(d, RB_TABLE, 0, NULL, &d->t2);
	block(d, RB_HEADING, 1, "三、收到和处理政府信息公开申请情况", NULL);
	block(d, RB_TABLE, 0, NULL, &d->t3);
	block(d, RB_HEADING, 1, "四、政府信息公开行政复议、行政诉讼情况", NULL);
	block(d, RB_TABLE, 0, NULL, &d->t4);
	block(d, RB_HEADING, 1, "五、存在的主要问题及改进情况", NULL);
	block(d, RB_PARA, 0, "一是进一步丰富政府信息公开条目。二是进一步提高人员素质。", NULL);
	block(d, RB_HEADING, 1, "六、其他需要报告的事项", NULL);
	block(d, RB_PARA, 0, "本年度未收取信息处理费。", NULL);
}

/* ---- helpers ---- */

static int count(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *cur = hay, *end = hay + n, *hit;
	int c = 0;

	while ((hit = memmem(cur, (size_t)(end - cur), needle, k)) != NULL) {
		c++;
		cur = hit + k;
	}
	return c;
}

/* One part of a zip archive in memory, NUL-terminated; NULL if absent. */
static char *zip_part(struct arena *a, const char *zipb, size_t n, const char *name, size_t *len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_file_t *f;
	zip_stat_t st;
	char *out = NULL;

	zip_error_init(&ze);
	src = zip_source_buffer_create(zipb, n, 0, &ze);
	assert_non_null(src);
	z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z)
		fail_msg("not a zip archive: %s", zip_error_strerror(&ze));
	if (zip_stat(z, name, 0, &st) == 0) {
		f = zip_fopen(z, name, 0);
		assert_non_null(f);
		out = arena_alloc(a, st.size + 1);
		assert_non_null(out);
		assert_int_equal(zip_fread(f, out, st.size), (zip_int64_t)st.size);
		out[st.size] = '\0';
		zip_fclose(f);
		if (len)
			*len = st.size;
	}
	zip_close(z);  /* frees src */
	zip_error_fini(&ze);
	return out;
}

static bool have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static void write_file(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t got;

	if (!f)
		return NULL;
	buf_init(&b, a, OUT_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	fclose(f);
	assert_int_equal(b.err, 0);
	if (len)
		*len = b.n;
	return (char *)buf_cstr(&b);
}

/* A private directory for files handed to other programs. */
struct tmp {
	char dir[64];
};

static void tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/gk-test-report-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
}

/* GK_KEEP_OUTPUT=1 keeps the files, to look at them. */
static void tmp_remove(struct tmp *t)
{
	char cmd[128];

	if (getenv("GK_KEEP_OUTPUT")) {
		print_message("kept: %s\n", t->dir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

/* LibreOffice converts in to format in dir, with its own profile (other
 * instances may run at the same time). */
static void soffice(const struct tmp *t, const char *format, const char *in)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && HOME='%s' timeout 300 libreoffice -env:UserInstallation=file://%s/profile "
		 "--headless --convert-to '%s' --outdir '%s' '%s' >'%s/soffice.log' 2>&1",
		 t->dir, t->dir, t->dir, format, t->dir, in, t->dir);
	if (system(cmd) != 0)
		fail_msg("libreoffice failed: %s", cmd);
}

/* The text of a PDF by pdftotext, all white space removed (cells wrap
 * their text over lines). */
static char *pdf_text(struct arena *a, const struct tmp *t, const char *pdf)
{
	char cmd[512], *s, *w;
	size_t n;

	snprintf(cmd, sizeof(cmd), "pdftotext -raw -enc UTF-8 '%s/%s' '%s/out.txt'", t->dir, pdf, t->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/out.txt", t->dir);
	s = read_file(a, cmd, &n);
	assert_non_null(s);
	w = s;
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\f", s[i]))
			*w++ = s[i];
	*w = '\0';
	return s;
}

static int pdf_pages(const struct tmp *t, const char *pdf)
{
	char cmd[512];
	FILE *f;
	int pages = -1;

	snprintf(cmd, sizeof(cmd), "pdfinfo '%s/%s' 2>/dev/null | sed -n 's/^Pages: *//p'", t->dir, pdf);
	f = popen(cmd, "r");
	assert_non_null(f);
	if (fscanf(f, "%d", &pages) != 1)
		pages = -1;
	pclose(f);
	return pages;
}

#define assert_has(hay, needle)                                         \
	do {                                                            \
		if (!strstr((hay), (needle)))                           \
			fail_msg("missing: %s", (needle));              \
	} while (0)

/* Every statutory label of the fixture's tables is in text (white space
 * removed). */
static void assert_labels(const char *text, const struct report_doc *d)
{
	const struct rtable *ts[] = { &d->t2, &d->t3, &d->t4 };

	for (int k = 0; k < 3; k++)
		for (int i = 0; i < ts[k]->nrows * ts[k]->ncols; i++)
			if (ts[k]->cells[i].head && ts[k]->cells[i].rowspan)
				assert_has(text, ts[k]->cells[i].text);
}

/* ---- DOCX ---- */

static const char *render_docx(struct arena *a, const struct report_doc *d, size_t *n)
{
	struct buf out;

	buf_init(&out, a, OUT_MAX);
	assert_int_equal(report_render_docx(a, d, &out), 0);
	assert_int_equal(out.err, 0);
	assert_true(out.n > 1000);
	assert_memory_equal(out.p, "PK\x03\x04", 4);
	*n = out.n;
	return out.p;
}

/* Each <w:tr> of each table of document.xml covers exactly its grid:
 * the w:gridSpan of its cells add up to the w:gridCol count. Returns the
 * tables seen. */
static int check_grids(const char *xml)
{
	int tables = 0;

	for (const char *t = strstr(xml, "<w:tbl>"); t; t = strstr(t + 1, "<w:tbl>")) {
		const char *end = strstr(t, "</w:tbl>");
		const char *grid_end = strstr(t, "</w:tblGrid>");
		int cols = 0;

		assert_non_null(end);
		assert_non_null(grid_end);
		for (const char *g = strstr(t, "<w:gridCol "); g && g < grid_end; g = strstr(g + 1, "<w:gridCol "))
			cols++;
		assert_true(cols > 0);
		for (const char *r = strstr(t, "<w:tr>"); r && r < end; r = strstr(r + 1, "<w:tr>")) {
			const char *rend = strstr(r, "</w:tr>");
			int span = 0;

			for (const char *c = strstr(r, "<w:tc>"); c && c < rend; c = strstr(c + 1, "<w:tc>")) {
				const char *tcpr_end = strstr(c, "</w:tcPr>");
				const char *gs = strstr(c, "<w:gridSpan w:val=\"");

				span += gs && gs < tcpr_end ? (int)strtol(gs + 19, NULL, 10) : 1;
			}
			assert_int_equal(span, cols);
		}
		tables++;
	}
	return tables;
}

static void test_docx_package(void **state)
{
	struct arena *a = *state;
	struct report_doc d;
	const char *docx, *xml, *styles, *ct;
	const struct rtable *ts[3];
	int restarts = 0, continues = 0, cols = 0;
	size_t n;

	make_doc(a, &d);
	ts[0] = &d.t2, ts[1] = &d.t3, ts[2] = &d.t4;
	docx = render_docx(a, &d, &n);
	for (const char *const *part = (const char *const[]){ "[Content_Types].xml", "_rels/.rels",
			"word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml",
			"word/fontTable.xml", "word/footer1.xml", "docProps/core.xml", NULL }; *part; part++)
		if (!zip_part(a, docx, n, *part, NULL))
			fail_msg("missing part %s", *part);
	xml = zip_part(a, docx, n, "word/document.xml", NULL);
	assert_non_null(xml);

	/* three real tables, each row covering its grid */
	assert_int_equal(count(xml, strlen(xml), "<w:tbl>"), 3);
	assert_int_equal(check_grids(xml), 3);
	for (int k = 0; k < 3; k++) {
		cols += ts[k]->ncols;
		for (int i = 0; i < ts[k]->nrows * ts[k]->ncols; i++) {
			if (ts[k]->cells[i].rowspan > 1) {
				restarts++;
				continues += ts[k]->cells[i].rowspan - 1;
			}
		}
	}
	assert_int_equal(count(xml, strlen(xml), "<w:gridCol "), cols);
	assert_int_equal(count(xml, strlen(xml), "<w:vMerge w:val=\"restart\"/>"), restarts);
	assert_int_equal(count(xml, strlen(xml), "<w:vMerge/>"), continues);
	assert_has(xml, "<w:gridSpan w:val=\"3\"/><w:vMerge w:val=\"restart\"/>"); /* the 3x3 note */
	assert_has(xml, "<w:gridSpan w:val=\"10\"/>");                             /* 行政诉讼 */
	/* table 三's and 四's header rows repeat; table 二 has a header per item */
	assert_int_equal(count(xml, strlen(xml), "<w:tblHeader/>"), 3 + 3);
	assert_int_equal(count(xml, strlen(xml), "<w:cantSplit/>"), 14 + 28 + 4);

	/* the labels verbatim, the figures, the text escaped */
	assert_has(xml, NOTE);
	assert_has(xml, PARTIAL);
	assert_has(xml, "3.危及“三安全一稳定”");
	assert_has(xml, TITLE);
	assert_has(xml, ">78.6400<");
	assert_has(xml, "转义检查：&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot; &#39;x&#39; 完。");
	assert_null(strstr(xml, "<script>"));
	assert_has(xml, "第一行说明。</w:t><w:br/><w:t xml:space=\"preserve\">第二行说明");
	assert_has(xml, "<w:pStyle w:val=\"Heading1\"/>");
	assert_has(xml, "<w:pStyle w:val=\"Heading2\"/>");
	assert_has(xml, "<w:jc w:val=\"right\"/>");
	/* A4 after GB/T 9704 */
	assert_has(xml, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>");
	assert_has(xml, "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\"");

	styles = zip_part(a, docx, n, "word/styles.xml", NULL);
	assert_has(styles, "w:eastAsia=\"仿宋\"");
	assert_has(styles, "w:eastAsia=\"黑体\"");
	assert_has(styles, "<w:sz w:val=\"44\"/>");
	assert_has(styles, "w:firstLineChars=\"200\"");
	assert_has(zip_part(a, docx, n, "word/fontTable.xml", NULL), "Noto Serif CJK SC");
	ct = zip_part(a, docx, n, "[Content_Types].xml", NULL);
	assert_has(ct, "wordprocessingml.document.main+xml");
	assert_has(zip_part(a, docx, n, "docProps/core.xml", NULL), TITLE);
}

/* A file of dir, all white space removed. */
static char *squeezed(struct arena *a, const struct tmp *t, const char *name)
{
	char *s, *w;
	size_t n;

	s = read_file(a, arena_printf(a, "%s/%s", t->dir, name), &n);
	if (!s)
		fail_msg("no %s from libreoffice (see %s/soffice.log)", name, t->dir);
	w = s;
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\f", s[i]))
			*w++ = s[i];
	*w = '\0';
	return s;
}

/* The text of HTML: tags dropped (LibreOffice splits text into runs). */
static char *untagged(char *html)
{
	char *w = html;
	bool tag = false;

	for (char *p = html; *p; p++) {
		if (*p == '<')
			tag = true;
		else if (*p == '>')
			tag = false;
		else if (!tag)
			*w++ = *p;
	}
	*w = '\0';
	return html;
}

/* LibreOffice opens the DOCX: printed, it has the pages and the text;
 * saved as HTML, its tables have the spans and the labels. */
static void test_docx_libreoffice(void **state)
{
	struct arena *a = *state;
	struct report_doc d;
	struct tmp t;
	char path[128];
	const char *docx, *text;
	char *html;
	size_t n;

	if (!have("libreoffice") || !have("pdftotext")) {
		print_message("skipped: libreoffice or pdftotext not installed "
			      "(apt-get install libreoffice-writer-nogui poppler-utils)\n");
		skip();
	}
	make_doc(a, &d);
	docx = render_docx(a, &d, &n);
	tmp_make(&t);
	snprintf(path, sizeof(path), "%s/report.docx", t.dir);
	write_file(path, docx, n);
	soffice(&t, "pdf", "report.docx");
	assert_true(pdf_pages(&t, "report.pdf") >= 3);
	text = pdf_text(a, &t, "report.pdf");
	assert_has(text, TITLE);
	assert_has(text, "转义检查：<script>alert(1)</script>&\"引号\"'x'完。");
	assert_has(text, "一、本年新收政府信息公开申请数量");
	assert_has(text, "78.6400");
	assert_has(text, "六、其他需要报告的事项");
	assert_has(text, "—1—");

	soffice(&t, "html", "report.docx");
	html = squeezed(a, &t, "report.html");
	assert_int_equal(count(html, strlen(html), "<table"), 3);
	assert_has(html, "rowspan=\"3\"colspan=\"3\"");    /* the note */
	assert_has(html, "rowspan=\"22\"");                /* 三、本年度办理结果 */
	assert_has(html, "rowspan=\"8\"");                 /* （三）不予公开 */
	assert_has(html, "colspan=\"10\"");                /* 行政诉讼 */
	assert_labels(untagged(html), &d);
	tmp_remove(&t);
}

/* ---- XLSX ---- */

static const char *render_xlsx(struct arena *a, const struct report_doc *d, size_t *n)
{
	struct buf out;

	buf_init(&out, a, OUT_MAX);
	assert_int_equal(report_render_xlsx(a, d, &out), 0);
	assert_int_equal(out.err, 0);
	assert_true(out.n > 1000);
	assert_memory_equal(out.p, "PK\x03\x04", 4);
	*n = out.n;
	return out.p;
}

/* The <c> element of cell ref ("D6") in a worksheet. */
static const char *xcell(struct arena *a, const char *sheet, const char *ref)
{
	char *key = arena_printf(a, "<c r=\"%s\"", ref);
	const char *c = strstr(sheet, key), *end;

	if (!c)
		fail_msg("no cell %s", ref);
	end = strstr(c, "</c>");
	if (!end || (strstr(c, "/>") && strstr(c, "/>") < end && !strstr(c, "<v>")))
		end = strstr(c, "/>");
	return arena_strndup(a, c, (size_t)(end - c));
}

static const char *ref(struct arena *a, int row, int col)
{
	return arena_printf(a, "%c%d", 'A' + col, row + 1);
}

static void test_xlsx_workbook(void **state)
{
	struct arena *a = *state;
	struct report_doc d;
	const char *xlsx, *wb, *s1, *s2, *s3;
	int merges = 0;
	size_t n;

	make_doc(a, &d);
	xlsx = render_xlsx(a, &d, &n);
	wb = zip_part(a, xlsx, n, "xl/workbook.xml", NULL);
	assert_non_null(wb);
	assert_has(wb, "name=\"表二\"");
	assert_has(wb, "name=\"表三\"");
	assert_has(wb, "name=\"表四\"");
	s1 = zip_part(a, xlsx, n, "xl/worksheets/sheet1.xml", NULL);
	s2 = zip_part(a, xlsx, n, "xl/worksheets/sheet2.xml", NULL);
	s3 = zip_part(a, xlsx, n, "xl/worksheets/sheet3.xml", NULL);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_non_null(s3);
	assert_null(zip_part(a, xlsx, n, "xl/worksheets/sheet4.xml", NULL));
	assert_has(zip_part(a, xlsx, n, "xl/sharedStrings.xml", NULL), NOTE);

	/* table 三: the merges of the document, plus the title rows */
	for (int i = 0; i < d.t3.nrows * d.t3.ncols; i++)
		merges += d.t3.cells[i].rowspan * d.t3.cells[i].colspan > 1;
	assert_has(s2, arena_printf(a, "<mergeCells count=\"%d\">", merges + 2));
	assert_has(s2, "<mergeCell ref=\"A3:C5\"/>");      /* the 3x3 note */
	assert_has(s2, "<mergeCell ref=\"A8:A29\"/>");     /* 三、本年度办理结果 */
	assert_has(s2, "<mergeCell ref=\"B10:B17\"/>");    /* （三）不予公开 */
	/* every figure is a number cell with its value */
	for (int r = 3; r < 28; r++) {
		for (int k = 0; k < 7; k++) {
			const char *c = xcell(a, s2, ref(a, r + 2, 3 + k));

			assert_null(strstr(c, "t=\"s\""));
			assert_has(c, arena_printf(a, "<v>%lld</v>", t3v[r][k]));
		}
	}
	/* table 二's money: 78.64 as a number, shown with four decimals */
	{
		const char *c = xcell(a, s1, "B16");
		const char *st = zip_part(a, xlsx, n, "xl/styles.xml", NULL);

		assert_null(strstr(c, "t=\"s\""));
		assert_has(c, "<v>78.64</v>");
		assert_has(st, "formatCode=\"0.0000\"");
	}
	assert_has(s1, "<mergeCell ref=\"A3:D3\"/>");      /* 第二十条第（一）项 */
	/* table 四 */
	assert_has(s3, "<mergeCell ref=\"F3:O3\"/>");      /* 行政诉讼 */
	assert_has(s3, "<mergeCell ref=\"A4:A5\"/>");      /* 结果维持 over two rows */
	for (int k = 0; k < 15; k++)
		assert_has(xcell(a, s3, ref(a, 5, k)), arena_printf(a, "<v>%lld</v>", t4v[k]));
	/* column widths and the repeated header rows */
	assert_has(s2, "<cols>");
	assert_has(wb, "_xlnm.Print_Titles");
}

/* One field of a CSV line (LibreOffice quotes text with commas). */
static const char *csv_field(struct arena *a, const char *line, int k)
{
	struct buf b;
	bool q = false;

	buf_init(&b, a, 4096);
	for (const char *p = line; *p && *p != '\n'; p++) {
		if (*p == '"') {
			if (q && p[1] == '"')
				buf_putc(&b, *p++);
			else
				q = !q;
		} else if (*p == ',' && !q) {
			if (k-- == 0)
				break;
			b.n = 0;
		} else {
			buf_putc(&b, *p);
		}
	}
	return k <= 0 ? buf_cstr(&b) : NULL;
}

/* LibreOffice opens the XLSX: 表三 as CSV has the figures in place. */
static void test_xlsx_libreoffice(void **state)
{
	struct arena *a = *state;
	struct report_doc d;
	struct tmp t;
	char path[128];
	const char *xlsx, *csv, *lines[64];
	int nl = 0;
	size_t n;

	if (!have("libreoffice")) {
		print_message("skipped: libreoffice not installed (apt-get install libreoffice-calc-nogui)\n");
		skip();
	}
	make_doc(a, &d);
	xlsx = render_xlsx(a, &d, &n);
	tmp_make(&t);
	snprintf(path, sizeof(path), "%s/report.xlsx", t.dir);
	write_file(path, xlsx, n);
	/* the filter's 12th token picks the sheet: 2 = 表三 */
	soffice(&t, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
		"report.xlsx");
	/* LibreOffice names the file after the sheet */
	snprintf(path, sizeof(path), "%s/report-表三.csv", t.dir);
	csv = read_file(a, path, NULL);
	if (!csv)
		fail_msg("no CSV from libreoffice (see %s/soffice.log)", t.dir);
	for (const char *p = csv; *p && nl < 64; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		lines[nl++] = p;
	assert_true(nl >= 30);
	assert_has(lines[0], TITLE);
	assert_has(lines[1], "三、收到和处理政府信息公开申请情况");
	assert_string_equal(csv_field(a, lines[2], 0), NOTE);
	assert_string_equal(csv_field(a, lines[3], 3), "自然人");
	for (int r = 3; r < 28; r++)
		for (int k = 0; k < 7; k++)
			assert_string_equal(csv_field(a, lines[r + 2], 3 + k),
					    arena_printf(a, "%lld", t3v[r][k]));
	assert_string_equal(csv_field(a, lines[7], 0), "三、本年度办理结果");
	assert_string_equal(csv_field(a, lines[23 + 2], 2),
			    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
	tmp_remove(&t);
}

/* ---- PDF ---- */

static const char *render_pdf(struct arena *a, const struct report_doc *d, size_t *n)
{
	struct buf out;
	size_t k;

	buf_init(&out, a, OUT_MAX);
	assert_int_equal(report_render_pdf(a, d, &out), 0);
	assert_int_equal(out.err, 0);
	assert_true(out.n > 1000);
	assert_memory_equal(out.p, "%PDF-", 5);
	k = out.n;
	while (k && (out.p[k - 1] == '\n' || out.p[k - 1] == '\r'))
		k--;
	assert_memory_equal(out.p + k - 5, "%%EOF", 5);
	*n = out.n;
	return out.p;
}

static int pages_in(const char *pdf, size_t n)
{
	return count(pdf, n, "/Type /Page") - count(pdf, n, "/Type /Pages");
}

static void test_pdf_report(void **state)
{
	struct arena *a = *state;
	struct report_doc d;
	struct tmp t;
	char path[128];
	const char *pdf, *text;
	int pages;
	size_t n;

	make_doc(a, &d);
	pdf = render_pdf(a, &d, &n);
	pages = pages_in(pdf, n);
	assert_true(pages >= 2 && pages <= 6);
	if (!have("pdftotext")) {
		print_message("skipped: pdftotext not installed (apt-get install poppler-utils)\n");
		return;
	}
	tmp_make(&t);
	snprintf(path, sizeof(path), "%s/report.pdf", t.dir);
	write_file(path, pdf, n);
	assert_int_equal(pdf_pages(&t, "report.pdf"), pages);
	text = pdf_text(a, &t, "report.pdf");
	assert_has(text, TITLE);
	for (size_t i = 0; i < d.nblocks; i++)
		if (d.blocks[i].kind != RB_TABLE && !strchr(d.blocks[i].text, '\n') &&
		    !strchr(d.blocks[i].text, ' '))
			assert_has(text, d.blocks[i].text);
	assert_has(text, "转义检查：<script>alert(1)</script>&\"引号\"'x'完。");
	assert_labels(text, &d);
	assert_has(text, "78.6400");
	/* the figures of table 四's row, in order */
	{
		struct buf row;

		buf_init(&row, a, 1024);
		for (int k = 0; k < 15; k++)
			buf_printf(&row, "%lld", t4v[k]);
		assert_has(text, buf_cstr(&row));
	}
	assert_has(text, "—1—");
	assert_has(text, arena_printf(a, "—%d—", pages));
	tmp_remove(&t);
}

/* A long table: every row on one page, the header repeated, all rows
 * there. */
static void test_pdf_long_table(void **state)
{
	struct arena *a = *state;
	struct report_doc d;
	struct rtable big;
	struct tmp t;
	char path[128];
	const char *pdf, *text;
	int pages;
	size_t n;

	make_doc(a, &d);
	table_init(a, &big, "附表", 3 + 150, 4);
	label(&big, 0, 0, 3, 2, "项目（表头跨三行两列）");
	label(&big, 0, 2, 1, 2, "数量");
	label(&big, 1, 2, 2, 1, "本年");
	label(&big, 1, 3, 2, 1, "上年");
	for (int g = 0; g < 15; g++) {
		label(&big, 3 + g * 10, 0, 10, 1, arena_printf(a, "第%d组", g + 1));
		for (int k = 0; k < 10; k++) {
			int r = 3 + g * 10 + k;

			label(&big, r, 1, 1, 1, arena_printf(a, "第%d行：较长的说明文字会在单元格中换行显示", r - 2));
			figure(a, &big, r, 2, 1, 1000 + r);
			figure(a, &big, r, 3, 1, 2000 + r);
		}
	}
	d.blocks[d.nblocks++] = (struct rblock){ RB_HEADING, 1, "附：长表", NULL };
	d.blocks[d.nblocks++] = (struct rblock){ RB_TABLE, 0, NULL, &big };
	pdf = render_pdf(a, &d, &n);
	pages = pages_in(pdf, n);
	assert_true(pages >= 8 && pages <= 30);
	if (!have("pdftotext")) {
		print_message("skipped: pdftotext not installed (apt-get install poppler-utils)\n");
		return;
	}
	tmp_make(&t);
	snprintf(path, sizeof(path), "%s/long.pdf", t.dir);
	write_file(path, pdf, n);
	text = pdf_text(a, &t, "long.pdf");
	for (int r = 1; r <= 150; r++)
		assert_has(text, arena_printf(a, "第%d行：较长的说明文字会在单元格中换行显示", r));
	for (int g = 1; g <= 15; g++)
		assert_has(text, arena_printf(a, "第%d组", g));
	/* the header rows again on every page of the long table */
	assert_true(count(text, strlen(text), "项目（表头跨三行两列）") >= 4);
	assert_true(count(text, strlen(text), NOTE) >= 1);
	tmp_remove(&t);
}

/* ---- input the renderers must survive ---- */

static void test_bad_input(void **state)
{
	struct arena *a = *state;
	int (*const render[])(struct arena *, const struct report_doc *, struct buf *) = {
		report_render_docx, report_render_xlsx, report_render_pdf };
	struct report_doc d;
	struct rtable odd;
	struct buf out;

	for (int k = 0; k < 3; k++) {
		buf_init(&out, a, OUT_MAX);
		assert_int_equal(render[k](a, NULL, &out), ERR_INVALID);
		assert_int_equal(out.n, 0);
	}
	/* a table without cells */
	make_doc(a, &d);
	d.t3.cells = NULL;
	for (int k = 0; k < 3; k++) {
		buf_init(&out, a, OUT_MAX);
		assert_int_equal(render[k](a, &d, &out), ERR_INVALID);
		assert_int_equal(out.n, 0);
	}
	/* spans past the table's edge, overlapping spans, a covered cell no
	 * span reaches, invalid UTF-8 and control characters: output anyway */
	make_doc(a, &d);
	table_init(a, &odd, "异常表", 3, 3);
	put(&odd, 0, 0, 5, 2, "越界\x01合并\xff", true, false);
	put(&odd, 1, 1, 1, 2, "重叠", true, false);
	odd.cells[5] = (struct rcell){ .text = NULL };
	put(&odd, 2, 2, 1, 1, "12x", false, true);
	d.t2 = odd;
	d.blocks[6].table = &d.t2;
	for (int k = 0; k < 3; k++) {
		buf_init(&out, a, OUT_MAX);
		assert_int_equal(render[k](a, &d, &out), 0);
		assert_true(out.n > 1000);
	}
	{
		size_t n;
		const char *docx = render_docx(a, &d, &n), *xml = zip_part(a, docx, n, "word/document.xml", NULL);

		assert_int_equal(check_grids(xml), 3);
		assert_has(xml, "越界 合并\xEF\xBF\xBD");
	}
	/* a full output buffer: the error, nothing half-written */
	make_doc(a, &d);
	for (int k = 0; k < 3; k++) {
		buf_init(&out, a, 2000);
		assert_int_equal(render[k](a, &d, &out), ERR_TOO_LARGE);
		assert_int_equal(out.err, ERR_TOO_LARGE);
	}
}

/* ---- threads: every call its own objects ---- */

struct job {
	int kind;
	int rc;
	size_t n;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	int (*const render[])(struct arena *, const struct report_doc *, struct buf *) = {
		report_render_docx, report_render_xlsx, report_render_pdf };
	struct arena a;
	struct report_doc d;
	struct buf out;

	arena_init(&a, 0);
	memset(&d, 0, sizeof(d));
	d.title = TITLE;
	d.org_name = "桐乡市教育局";
	/* t3v and t4v are shared: build the tables without touching them */
	d.blocks = arena_zalloc(&a, 4 * sizeof(struct rblock));
	d.blocks[0] = (struct rblock){ RB_HEADING, 1, "一、总体情况", NULL };
	d.blocks[1] = (struct rblock){ RB_PARA, 0, "并发渲染检查。", NULL };
	d.nblocks = 2;
	buf_init(&out, &a, OUT_MAX);
	j->rc = render[j->kind](&a, &d, &out);
	j->n = out.n;
	arena_release(&a);
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[6];
	struct job jobs[6];

	for (int i = 0; i < 6; i++) {
		jobs[i] = (struct job){ .kind = i % 3 };
		assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_true(jobs[i].n > 500);
	}
}

/* ---- the demo's real reports ---- */

static void render_real(struct arena *a, struct db *db, const struct org *org, int year, const struct tmp *t)
{
	struct report_doc d;
	struct buf docx, xlsx, pdf;
	const char *msg = NULL, *xml, *text;
	char path[128];

	if (report_build(db, a, org, year, NULL, &d, &msg))
		fail_msg("report_build %d: %s", year, msg ? msg : "?");
	buf_init(&docx, a, OUT_MAX);
	buf_init(&xlsx, a, OUT_MAX);
	buf_init(&pdf, a, OUT_MAX);
	assert_int_equal(report_render_docx(a, &d, &docx), 0);
	assert_int_equal(report_render_xlsx(a, &d, &xlsx), 0);
	assert_int_equal(report_render_pdf(a, &d, &pdf), 0);
	xml = zip_part(a, docx.p, docx.n, "word/document.xml", NULL);
	assert_int_equal(check_grids(xml), 3);
	assert_has(xml, NOTE);
	assert_has(xml, year >= 2021 ? "行政规范性文件" : "政府集中采购");
	assert_non_null(zip_part(a, xlsx.p, xlsx.n, "xl/worksheets/sheet3.xml", NULL));
	assert_memory_equal(pdf.p, "%PDF-", 5);
	if (!have("pdftotext"))
		return;
	snprintf(path, sizeof(path), "%s/own%d.pdf", t->dir, year);
	write_file(path, pdf.p, pdf.n);
	text = pdf_text(a, t, arena_printf(a, "own%d.pdf", year));
	assert_has(text, d.title);
	assert_labels(text, &d);
	for (int k = 0; k < 6; k++)
		assert_has(text, report_headings(d.format)[k]);
	if (have("libreoffice")) {
		snprintf(path, sizeof(path), "%s/real%d.docx", t->dir, year);
		write_file(path, docx.p, docx.n);
		soffice(t, "pdf", arena_printf(a, "real%d.docx", year));
		text = pdf_text(a, t, arena_printf(a, "real%d.pdf", year));
		assert_labels(text, &d);
	}
}

static void test_demo_reports(void **state)
{
	struct arena *a = *state;
	struct fts_ctx *fts = NULL;
	struct db_opts o = { 0 };
	struct db *db;
	struct org org;
	struct tmp t;
	char cmd[512];

	if (access("bin/gongkai", X_OK) != 0) {
		print_message("skipped: bin/gongkai not built\n");
		skip();
	}
	tmp_make(&t);
	snprintf(cmd, sizeof(cmd), "bin/gongkai --db '%s/gk.db' init >/dev/null 2>&1 && "
		 "bin/gongkai --db '%s/gk.db' demo >/dev/null 2>&1", t.dir, t.dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(fts_ctx_new(NULL, &fts), 0);
	o.fts = fts;
	assert_int_equal(db_open(arena_printf(a, "%s/gk.db", t.dir), &o, &db), 0);
	assert_int_equal(store_org_by_slug(db, a, "tongxiang-edu", &org), 0);
	render_real(a, db, &org, 2020, &t);
	render_real(a, db, &org, 2021, &t);
	db_close(db);
	fts_ctx_free(fts);
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_docx_package, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docx_libreoffice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_workbook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_libreoffice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pdf_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pdf_long_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test(test_threads),
		cmocka_unit_test_setup_teardown(test_demo_reports, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
