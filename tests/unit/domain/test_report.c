/* test_report.c - the annual report over a real database: table 三 from
 * applications taken through the procedure (every outcome row, every
 * applicant column, carry-over between years, 部分公开, the 2019 format's
 * folded 其他处理), table 二 from catalog items and the 第二十条 registers,
 * table 四 from reviews; the exact labels and spans of both formats; the
 * renderers; the demo agency's 2020 and 2021 reports (loaded with the
 * built binary, as `gongkai demo` does); report_check_doc clean on them
 * and failing on each planted fault. Runs from the repository root. */
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
#include <jansson.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/cases.h"
#include "domain/calendar/calendar.h"
#include "domain/catalog/catalog.h"
#include "domain/registers/decisions.h"
#include "domain/registers/reviews.h"
#include "domain/report/report.h"
#include "store/db.h"
#include "store/decision.h"
#include "store/fts.h"
#include "store/platform.h"
#include "store/review.h"
#include "store/store.h"
#include "core/banned.h"

#include "file_util.h"
#include "assert_chinese.h"

#define NOW "2022-06-01T08:00:00Z"
#define T3_NOTE "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct org platform, org;
	struct calendar cal;
	struct app_ctx c;
};

static int group_setup(void **state)
{
	return fts_ctx_new(NULL, &fts) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	fts_ctx_free(fts);
	return 0;
}

static void insert_org(struct fx *f, const char *slug, const char *name, const char *kind, struct org *out)
{
	struct org o = { .slug = slug, .name = name, .org_code = "471127366", .kind = kind };

	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_int_equal(store_org_by_id(f->db, &f->a, o.id, out), 0);
}

static void rm_db(const char *path)
{
	char p[200];

	for (const char *sfx = ""; sfx; sfx = strcmp(sfx, "") == 0 ? "-wal" : strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		snprintf(p, sizeof(p), "%s%s", path, sfx);
		unlink(p);
	}
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	size_t len, n = 0;
	char *text;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-report-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "platform", "政府信息公开平台", "platform", &f->platform);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", "agency", &f->org);
	assert_int_equal(catalog_create_default_categories(f->db, f->org.id), 0);
	text = slurp(&f->a, "data/cn-calendar.tsv", &len);
	if (calendar_parse_tsv(&f->a, text, len, &rows, &n, &msg))
		fail_msg("calendar: %s", msg);
	assert_int_equal(calendar_import(f->db, &f->a, f->platform.id, rows, n), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(calendar_load(f->db, &f->a, f->platform.id, &f->cal), 0);
	f->c = (struct app_ctx){ .db = f->db, .a = &f->a, .cal = &f->cal, .org = &f->org, .user_id = 0,
				 .actor = "沈丽", .today = D("2021-06-01"), .now = NOW };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	arena_release(&f->a);
	rm_db(f->path);
	rmdir(f->dir);
	test_free(f);
	return 0;
}

/* ---- helpers ---- */

static const char *cell(const struct rtable *t, int r, int c)
{
	assert_true(r < t->nrows && c < t->ncols);
	return rtable_at(t, r, c)->text;
}

static void assert_span(const struct rtable *t, int r, int c, const char *text, int rs, int cs, bool head)
{
	const struct rcell *x = rtable_at(t, r, c);

	if (strcmp(x->text, text) != 0 || x->rowspan != rs || x->colspan != cs || x->head != head)
		fail_msg("%s (%d,%d): \"%s\" %dx%d head %d, expected \"%s\" %dx%d head %d", t->title, r, c, x->text,
			 x->rowspan, x->colspan, x->head, text, rs, cs, head);
	/* the cells it covers */
	for (int i = r; i < r + rs; i++)
		for (int j = c; j < c + cs; j++)
			if (i != r || j != c)
				assert_true(rtable_at(t, i, j)->rowspan == 0 && rtable_at(t, i, j)->colspan == 0);
}

/* Every data cell is a number (never blank) and every cell is either an
 * origin or covered by exactly one span. */
static void assert_table_sound(const struct rtable *t)
{
	int *cover = test_calloc((size_t)(t->nrows * t->ncols), sizeof(int));

	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			const struct rcell *x = rtable_at(t, r, c);

			if (x->rowspan == 0)
				continue;
			for (int i = r; i < r + x->rowspan; i++)
				for (int j = c; j < c + x->colspan; j++)
					cover[i * t->ncols + j]++;
			if (x->num) {
				const char *p = x->text;

				assert_true(*p);
				if (*p == '-')
					p++;
				for (; *p; p++)
					assert_true((*p >= '0' && *p <= '9') || *p == '.');
			}
		}
	for (int i = 0; i < t->nrows * t->ncols; i++)
		assert_int_equal(cover[i], 1);
	test_free(cover);
}

static const char *fact(const struct report_figures *fig, const char *key)
{
	for (size_t i = 0; i < fig->nfacts; i++)
		if (strcmp(fig->facts[i].key, key) == 0)
			return fig->facts[i].text;
	return NULL;
}

static bool doc_has(const struct report_doc *d, const char *needle)
{
	for (size_t i = 0; i < d->nblocks; i++)
		if (d->blocks[i].text && strstr(d->blocks[i].text, needle))
			return true;
	return false;
}

static struct report_doc build(struct fx *f, int year, const struct report_narrative *narr)
{
	struct report_doc d;
	const char *msg = NULL;

	if (report_build(f->db, &f->a, &f->org, year, narr, &d, &msg))
		fail_msg("report_build %d: %s", year, msg ? msg : "?");
	return d;
}

static struct report_doc build_for(struct fx *f, const struct org *org, int year)
{
	struct report_doc d;
	const char *msg = NULL;

	if (report_build(f->db, &f->a, org, year, NULL, &d, &msg))
		fail_msg("report_build %s %d: %s", org->slug, year, msg ? msg : "?");
	return d;
}

static size_t check(struct fx *f, const struct report_doc *d, struct report_issue **v)
{
	size_t n = 0;

	assert_int_equal(report_check_doc(f->db, &f->a, &f->org, d, v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_chinese((*v)[i].msg);
		assert_non_null((*v)[i].where);
	}
	return n;
}

static size_t count_errors(const struct report_issue *v, size_t n)
{
	size_t e = 0;

	for (size_t i = 0; i < n; i++)
		e += v[i].severity == REPORT_ERROR;
	return e;
}

/* An issue of severity whose where and msg contain the needles. */
static bool has_issue(const struct report_issue *v, size_t n, int severity, const char *where, const char *msg)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].severity == severity && (!where || strstr(v[i].where, where)) && (!msg || strstr(v[i].msg, msg)))
			return true;
	return false;
}

static void dump_issues(const struct report_issue *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		print_message("  %s %s: %s\n", v[i].severity == REPORT_ERROR ? "E" : "W", v[i].where, v[i].msg);
}

/* ---- applications through the procedure ---- */

static struct application applicant(int col)
{
	struct application app = {
		.applicant_type = app_applicant_types[col].code, .name = "张三", .id_kind = "居民身份证",
		.id_number = "11010519491231002X", .phone = "138 0013 5678", .email = "zs@example.cn",
		.address = "浙江省桐乡市梧桐街道1号", .info_title = "2021年教育经费执行情况",
		.medium = "电子", .delivery = "电子邮件", .channel = "in_person", .evidence = "窗口接收",
	};

	if (col > 0) {
		app.name = "桐乡某某单位";
		app.id_kind = "统一社会信用代码";
		app.id_number = "91350100M000100Y43";
		app.contact_person = "李明";
	}
	return app;
}

static struct application reg(struct fx *f, int col, const char *day)
{
	struct application app = applicant(col);
	const char *msg = NULL;
	bool dup = true;

	if (f->c.today < D(day))
		f->c.today = D(day);
	if (app_create(&f->c, &app, D(day), 0, &dup, &msg))
		fail_msg("app_create: %s", msg);
	assert_false(dup);
	return app;
}

static void act(struct fx *f, struct application *app, struct app_act_input in)
{
	long long letter = 0;
	struct application out;
	const char *msg = NULL;

	in.version = app->version;
	if (in.day && f->c.today < in.day)
		f->c.today = in.day;
	if (app_act(&f->c, app->id, &in, &out, &letter, &msg))
		fail_msg("%s: %s", in.action, msg ? msg : "?");
	*app = out;
}

static void reply(struct fx *f, struct application *app, const char *day, const char *outcome)
{
	act(f, app, (struct app_act_input){ .action = "reply", .day = D(day), .outcome = outcome,
					    .reason = "答复说明", .basis = "《中华人民共和国政府信息公开条例》" });
}

/* An application of column col ending in outcome row `row` (0..20), received
 * on day and concluded within a few weeks. */
static void app_with_row(struct fx *f, int col, int row, const char *day)
{
	struct application app = reg(f, col, day);
	long d0 = D(day);
	char d1[11], d2[11];

	date_format(d0 + 1, d1);
	if (row == APP_ROWS - 3) {
		act(f, &app, (struct app_act_input){ .action = "correction", .day = d0 + 1, .days = 5,
						    .reason = "请写明所需信息的年份" });
		date_format(d0 + 30, d2);
		act(f, &app, (struct app_act_input){ .action = "correction_lapsed", .day = D(d2) });
	} else if (row == APP_ROWS - 2) {
		act(f, &app, (struct app_act_input){ .action = "fee_notice", .day = d0 + 1, .fee_standard = 2,
						    .fee_units = 150 });
		date_format(d0 + 45, d2);
		act(f, &app, (struct app_act_input){ .action = "fee_lapsed", .day = D(d2) });
	} else if (row == APP_ROWS - 1) {
		act(f, &app, (struct app_act_input){ .action = "withdraw", .day = d0 + 1, .reason = "申请人撤回" });
	} else {
		const char *code = NULL;

		for (size_t i = 0; i < app_outcomes_count && !code; i++)
			if (app_outcomes[i].row == row && app_outcomes[i].by_reply)
				code = app_outcomes[i].code;
		assert_non_null(code);
		reply(f, &app, d1, code);
	}
	assert_non_null(app.outcome);
	assert_int_equal(app_outcome_find(app.outcome)->row, row);
}

static void assert_counts_equal(const struct app_year_counts *a, const struct app_year_counts *b)
{
	for (int c = 0; c < APP_COLS; c++) {
		assert_int_equal(a->received[c], b->received[c]);
		assert_int_equal(a->carried_in[c], b->carried_in[c]);
		assert_int_equal(a->concluded[c], b->concluded[c]);
		assert_int_equal(a->carried_out[c], b->carried_out[c]);
		for (int r = 0; r < APP_ROWS; r++)
			assert_int_equal(a->outcome[r][c], b->outcome[r][c]);
	}
}

/* The numbers of a table 三 row: its 7 data cells. */
static void assert_t3_row(const struct rtable *t, int r, const long long v[APP_COLS])
{
	long long total = 0;
	char want[32];

	for (int c = 0; c < APP_COLS; c++) {
		snprintf(want, sizeof(want), "%lld", v[c]);
		if (strcmp(cell(t, r, 3 + c), want) != 0)
			fail_msg("表三 row %d col %d: %s, expected %s", r, 3 + c, cell(t, r, 3 + c), want);
		total += v[c];
	}
	snprintf(want, sizeof(want), "%lld", total);
	assert_string_equal(cell(t, r, 9), want);
}

/* ==== tests ==== */

static void test_formats_and_headings(void **state)
{
	const char *const *h19 = report_headings(REPORT_FMT_2019), *const *h21 = report_headings(REPORT_FMT_2021);

	(void)state;
	assert_int_equal(report_format_of(2018), 0);
	assert_int_equal(report_format_of(2019), REPORT_FMT_2019);
	assert_int_equal(report_format_of(2020), REPORT_FMT_2019);
	assert_int_equal(report_format_of(2021), REPORT_FMT_2021);
	assert_int_equal(report_format_of(2030), REPORT_FMT_2021);
	assert_null(report_headings(0));
	assert_string_equal(h21[0], "一、总体情况");
	assert_string_equal(h21[1], "二、主动公开政府信息情况");
	assert_string_equal(h21[2], "三、收到和处理政府信息公开申请情况");
	assert_string_equal(h21[3], "四、政府信息公开行政复议、行政诉讼情况");
	assert_string_equal(h21[4], "五、存在的主要问题及改进情况");
	assert_string_equal(h21[5], "六、其他需要报告的事项");
	for (int i = 0; i < 6; i++)
		if (i != 4)
			assert_string_equal(h19[i], h21[i]);
	assert_string_equal(h19[4], "五、政府信息公开工作存在的主要问题及改进情况");
}

static void test_year_limits(void **state)
{
	struct fx *f = *state;
	struct report_figures fig;
	struct report_doc d;
	const char *msg = NULL;
	int y, m, dd;

	assert_int_equal(report_figures_build(f->db, &f->a, &f->org, 2018, &fig, &msg), ERR_INVALID);
	assert_chinese(msg);
	date_to_ymd(date_today_cn(), &y, &m, &dd);
	msg = NULL;
	assert_int_equal(report_build(f->db, &f->a, &f->org, y + 1, NULL, &d, &msg), ERR_INVALID);
	assert_chinese(msg);
	/* an empty year: everything 0, and said so */
	d = build(f, 2019, NULL);
	assert_int_equal(d.format, REPORT_FMT_2019);
	assert_string_equal(d.title, "桐乡市教育局2019年政府信息公开工作年度报告");
	assert_true(d.fig.nwarnings >= 1);
	assert_chinese(d.fig.warnings[0]);
	assert_non_null(strstr(d.fig.warnings[0], "2019"));
	assert_string_equal(fact(&d.fig, "catalog"), "2019年，未主动公开政府信息。");
	assert_string_equal(fact(&d.fig, "applications"), "2019年，未收到政府信息公开申请。");
	assert_string_equal(fact(&d.fig, "reviews"), "2019年，未发生因政府信息公开工作引起的行政复议、行政诉讼。");
	assert_string_equal(fact(&d.fig, "fees"), "本年度未收取信息处理费。");
	assert_table_sound(&d.t2);
	assert_table_sound(&d.t3);
	assert_table_sound(&d.t4);
}

/* Table 三: one application in every outcome row, columns by row number,
 * one partly disclosed, a fee paid, one carried into 2022 and replied
 * then, one still open; 2020 for the folded 其他处理. */
static void test_table3_every_row_and_column(void **state)
{
	struct fx *f = *state;
	struct app_year_counts y20, y21, y22;
	struct report_doc d20, d21, d22;
	struct report_issue *iss;
	struct application carry, open, paid;
	size_t n;
	long long v[APP_COLS];

	/* 2020: the three 其他处理 rows, folded into one in the 2019 format */
	app_with_row(f, 0, APP_ROWS - 3, "2020-03-02");
	app_with_row(f, 1, APP_ROWS - 2, "2020-04-01");
	app_with_row(f, 2, APP_ROWS - 1, "2020-05-06");
	for (int row = 0; row < APP_ROWS; row++) {
		char day[11];

		date_format(D("2021-03-01") + row * 7, day);
		app_with_row(f, row % APP_COLS, row, day);
	}
	paid = reg(f, 0, "2021-09-01");
	act(f, &paid, (struct app_act_input){ .action = "fee_notice", .day = D("2021-09-02"), .fee_standard = 2,
					      .fee_units = 150 });
	act(f, &paid, (struct app_act_input){ .action = "fee_paid", .day = D("2021-09-10") });
	reply(f, &paid, "2021-09-15", "disclose");
	carry = reg(f, 0, "2021-12-20");
	open = reg(f, 3, "2021-12-21");
	reply(f, &carry, "2022-01-10", "disclose");
	(void)open;

	/* the figures are app_year_counts' */
	assert_int_equal(app_year_counts(f->db, &f->a, f->org.id, 2021, &y21), 0);
	assert_int_equal(app_year_counts(f->db, &f->a, f->org.id, 2022, &y22), 0);
	assert_int_equal(app_year_counts(f->db, &f->a, f->org.id, 2020, &y20), 0);
	d21 = build(f, 2021, NULL);
	d22 = build(f, 2022, NULL);
	d20 = build(f, 2020, NULL);
	assert_counts_equal(&d21.fig.t3, &y21);
	assert_counts_equal(&d22.fig.t3, &y22);

	/* 2021 by hand: rows i in column i % 6, the fee and the carried case in 自然人, the open one in 社会公益组织 */
	{
		const long long rec[APP_COLS] = { 6, 4, 4, 4, 3, 3 }, done[APP_COLS] = { 5, 4, 4, 3, 3, 3 },
				out[APP_COLS] = { 1, 0, 0, 1, 0, 0 }, zero[APP_COLS] = { 0 };
		const struct rtable *t = &d21.t3;

		assert_t3_row(t, 3, rec);
		assert_t3_row(t, 4, zero);
		for (int row = 0; row < APP_ROWS; row++) {
			memset(v, 0, sizeof(v));
			v[row % APP_COLS] = row == 0 ? 2 : 1;
			assert_t3_row(t, 5 + row, v);
		}
		assert_t3_row(t, 26, done);
		assert_t3_row(t, 27, out);
		/* 部分公开 counted once, in its own row */
		assert_string_equal(cell(t, 6, 4), "1");
		assert_string_equal(cell(t, 6, 9), "1");
		assert_int_equal(d21.fig.fee_collected_fen, 170000);
		assert_string_equal(fact(&d21.fig, "fees"),
				    "本年度依据《政府信息公开信息处理费管理办法》收取信息处理费1700.00元，涉及政府信息公开申请1件。");
		assert_string_equal(fact(&d21.fig, "applications"),
				    "2021年，共收到政府信息公开申请24件，其中自然人6件、法人或其他组织18件；办结22件，结转下年度继续办理2件。");
	}
	/* 2022: carried in from 2021, one replied, one still open */
	{
		const long long in[APP_COLS] = { 1, 0, 0, 1, 0, 0 }, out[APP_COLS] = { 0, 0, 0, 1, 0, 0 },
				first[APP_COLS] = { 1, 0, 0, 0, 0, 0 };

		assert_t3_row(&d22.t3, 4, in);
		assert_t3_row(&d22.t3, 5, first);
		assert_t3_row(&d22.t3, 27, out);
		for (int c = 0; c < APP_COLS; c++)
			assert_int_equal(y22.carried_in[c], y21.carried_out[c]);
		assert_string_equal(fact(&d22.fig, "applications"),
				    "2022年，未收到新的政府信息公开申请；上年结转2件；办结1件，结转下年度继续办理1件。");
	}
	/* 2020 in the 2019 format: one （六）其他处理 row with the three */
	{
		const long long three[APP_COLS] = { 1, 1, 1, 0, 0, 0 };

		assert_int_equal(d20.t3.nrows, 26);
		assert_span(&d20.t3, 23, 1, "（六）其他处理", 1, 2, true);
		assert_t3_row(&d20.t3, 23, three);
		assert_t3_row(&d20.t3, 24, three);
		for (int c = 0; c < APP_COLS; c++) {
			assert_int_equal(d20.fig.t3.outcome[APP_ROWS - 3][c], three[c]);
			assert_int_equal(d20.fig.t3.outcome[APP_ROWS - 2][c], 0);
			assert_int_equal(d20.fig.t3.outcome[APP_ROWS - 1][c], 0);
			assert_int_equal(y20.outcome[APP_ROWS - 3][c] + y20.outcome[APP_ROWS - 2][c] +
						 y20.outcome[APP_ROWS - 1][c],
					 three[c]);
		}
	}
	/* the built reports pass their check */
	n = check(f, &d21, &iss);
	dump_issues(iss, n);
	assert_int_equal(count_errors(iss, n), 0);
	n = check(f, &d22, &iss);
	dump_issues(iss, n);
	assert_int_equal(count_errors(iss, n), 0);
	n = check(f, &d20, &iss);
	dump_issues(iss, n);
	assert_int_equal(count_errors(iss, n), 0);
	/* 2021 charged a fee: a 六 that does not say so is warned about, one
	 * that denies it is an error */
	{
		struct report_narrative narr = { .other = "本年度无其他需要报告的事项。" };
		struct report_doc d = build(f, 2021, &narr);

		n = check(f, &d, &iss);
		assert_true(has_issue(iss, n, REPORT_WARNING, "第六部分", "信息处理费"));
		narr.other = "本年度未收取信息处理费。";
		d = build(f, 2021, &narr);
		n = check(f, &d, &iss);
		assert_true(has_issue(iss, n, REPORT_ERROR, "第六部分", "1700.00"));
	}
}

static long long add_item(struct fx *f, const char *cat, const char *genre, const char *written, const char *published,
			  const char *validity, const char *validity_on, bool publish)
{
	struct category c;
	struct item it = { 0 };
	const char *ino = NULL;

	assert_int_equal(store_category_by_name(f->db, &f->a, f->org.id, cat, &c), 0);
	it = (struct item){ .org_id = f->org.id, .category_id = c.id, .title = "关于印发某某办法的通知",
			    .written_on = written, .published_on = published, .genre = genre, .validity = validity,
			    .validity_on = validity_on, .body_md = "正文", .body_text = "正文", .status = "draft",
			    .created_at = NOW, .updated_at = NOW };
	assert_int_equal(store_item_insert(f->db, &it), 0);
	if (publish)
		assert_int_equal(catalog_publish(f->db, &f->a, &f->org, it.id, NOW, &ino), 0);
	return it.id;
}

static struct reg_write_ctx wctx(struct fx *f)
{
	return (struct reg_write_ctx){ .db = f->db, .a = &f->a, .org_id = f->org.id, .today = D("2022-06-01"),
				       .now = NOW };
}

/* Table 二: 规章 and 行政规范性文件 by their dates and 有效性, the decisions,
 * fees and procurements, in both formats; the labels and spans. */
static void test_table2_both_formats(void **state)
{
	struct fx *f = *state;
	struct reg_write_ctx w = wctx(f);
	const char *msg = NULL;
	struct decision dec;
	struct decision_count cnt;
	struct fee_item fx1, fx2;
	struct procurement pr;
	const long long prev[4] = { 10, 0, 3, 1 }, delta[4] = { -2, 1, 0, 0 };
	struct report_narrative narr = { .items_prev = prev, .items_delta = delta };
	struct report_doc d20, d21;
	const struct rtable *t;

	add_item(f, "政策文件", "规章", "2020-02-20", "2020-03-01", "有效", NULL, true);             /* A */
	add_item(f, "政策文件", "规章", "2019-04-01", "2019-05-01", "废止", "2021-06-01", true);     /* B */
	add_item(f, "政策文件", "行政规范性文件", "2020-12-20", "2021-02-01", "有效", NULL, true);   /* C */
	add_item(f, "政策文件", "行政规范性文件", "2020-06-01", "2020-07-01", "失效", "2020-12-31", true); /* D */
	add_item(f, "政策文件", "行政规范性文件", "2021-04-20", "2021-05-01", "已修改", "2021-09-01", true); /* E */
	add_item(f, "政策文件", "行政规范性文件", "2021-03-01", "2021-03-05", "有效", NULL, false); /* draft */
	add_item(f, "工作动态", "其他", "2021-03-01", "2021-03-05", "有效", NULL, true);
	add_item(f, "工作动态", "其他", "2020-03-01", "2020-03-05", "有效", NULL, true);

	for (int i = 0; i < 3; i++) {
		char day[11];

		date_format(D("2021-02-01") + i * 30, day);
		if (decision_create(&w, &(struct decision_input){ .kind = "行政许可", .decided_on = day, .title = "批复" },
				    &dec, &msg))
			fail_msg("decision: %s", msg);
	}
	for (int i = 0; i < 2; i++)
		if (decision_create(&w, &(struct decision_input){ .kind = "行政强制", .decided_on = "2021-05-05", .title = "强制" },
				    &dec, &msg))
			fail_msg("decision: %s", msg);
	assert_int_equal(decision_count_create(&w, "行政处罚", 2021, 5, "按年填报", &cnt, &msg), 0);
	assert_int_equal(decision_count_create(&w, "其他对外管理服务事项", 2020, 4, "", &cnt, &msg), 0);
	assert_int_equal(fee_create(&w, &(struct fee_input){ .name = "普通话水平测试费" }, &fx1, &msg), 0);
	assert_int_equal(fee_amount_set(&w, fx1.id, fx1.version, 2020, 100000, &msg), 0);
	assert_int_equal(store_fee_get(f->db, &f->a, f->org.id, fx1.id, &fx1), 0);
	assert_int_equal(fee_amount_set(&w, fx1.id, fx1.version, 2021, 123456789, &msg), 0);
	assert_int_equal(fee_create(&w, &(struct fee_input){ .name = "住宿费" }, &fx2, &msg), 0);
	assert_int_equal(fee_amount_set(&w, fx2.id, fx2.version, 2021, 50, &msg), 0);
	assert_int_equal(procurement_create(&w, &(struct procurement_input){ .year = 2020, .project = "教学设备",
									  .amount_fen = 1000000 },
					    &pr, &msg),
			 0);
	assert_int_equal(procurement_create(&w, &(struct procurement_input){ .year = 2020, .project = "办公用品",
									  .amount_fen = 2550 },
					    &pr, &msg),
			 0);

	d20 = build(f, 2020, &narr);
	d21 = build(f, 2021, NULL);

	/* 2019 format (2020) */
	t = &d20.t2;
	assert_int_equal(t->nrows, 18);
	assert_int_equal(t->ncols, 4);
	assert_table_sound(t);
	assert_string_equal(t->title, "二、主动公开政府信息情况");
	assert_span(t, 0, 0, "第二十条第（一）项", 1, 4, true);
	assert_span(t, 1, 0, "信息内容", 1, 1, true);
	assert_span(t, 1, 1, "本年新制作数量", 1, 1, true);
	assert_span(t, 1, 2, "本年新公开数量", 1, 1, true);
	assert_span(t, 1, 3, "对外公开总数量", 1, 1, true);
	assert_span(t, 2, 0, "规章", 1, 1, true);
	assert_span(t, 3, 0, "规范性文件", 1, 1, true);
	/* 规章: A made and published in 2020; total A and B. 规范性文件: D (C was published in 2021) */
	assert_string_equal(cell(t, 2, 1), "1");
	assert_string_equal(cell(t, 2, 2), "1");
	assert_string_equal(cell(t, 2, 3), "2");
	assert_string_equal(cell(t, 3, 1), "1");
	assert_string_equal(cell(t, 3, 2), "1");
	assert_string_equal(cell(t, 3, 3), "1");
	assert_span(t, 4, 0, "第二十条第（五）项", 1, 4, true);
	assert_span(t, 5, 1, "上一年项目数量", 1, 1, true);
	assert_span(t, 5, 2, "本年增/减", 1, 1, true);
	assert_span(t, 5, 3, "处理决定数量", 1, 1, true);
	assert_span(t, 6, 0, "行政许可", 1, 1, true);
	assert_span(t, 7, 0, "其他对外管理服务事项", 1, 1, true);
	assert_string_equal(cell(t, 6, 1), "10");
	assert_string_equal(cell(t, 6, 2), "-2");
	assert_string_equal(cell(t, 6, 3), "0");
	assert_string_equal(cell(t, 7, 2), "1");
	assert_string_equal(cell(t, 7, 3), "4");
	assert_span(t, 8, 0, "第二十条第（六）项", 1, 4, true);
	assert_span(t, 9, 1, "上一年项目数量", 1, 1, true);
	assert_span(t, 10, 0, "行政处罚", 1, 1, true);
	assert_span(t, 11, 0, "行政强制", 1, 1, true);
	assert_string_equal(cell(t, 10, 1), "3");
	assert_string_equal(cell(t, 11, 1), "1");
	assert_span(t, 12, 0, "第二十条第（八）项", 1, 4, true);
	assert_span(t, 13, 1, "上一年项目数量", 1, 1, true);
	assert_span(t, 13, 2, "本年增/减", 1, 1, true);
	assert_span(t, 14, 0, "行政事业性收费", 1, 1, true);
	assert_string_equal(cell(t, 14, 1), "0"); /* fee items in force in 2019 */
	assert_string_equal(cell(t, 14, 2), "1");
	assert_span(t, 15, 0, "第二十条第（九）项", 1, 4, true);
	assert_span(t, 16, 1, "采购项目数量", 1, 1, true);
	assert_span(t, 16, 2, "采购总金额", 1, 1, true);
	assert_span(t, 17, 0, "政府集中采购", 1, 1, true);
	assert_string_equal(cell(t, 17, 1), "2");
	assert_string_equal(cell(t, 17, 2), "10025.50");
	assert_int_equal(d20.fig.t2.in_force[0], 2);  /* A, and B until 2021 */
	assert_int_equal(d20.fig.t2.repealed[1], 1); /* D */

	/* 2021 format */
	t = &d21.t2;
	assert_int_equal(t->nrows, 14);
	assert_table_sound(t);
	assert_span(t, 0, 0, "第二十条第（一）项", 1, 4, true);
	assert_span(t, 1, 1, "本年制发件数", 1, 1, true);
	assert_span(t, 1, 2, "本年废止件数", 1, 1, true);
	assert_span(t, 1, 3, "现行有效件数", 1, 1, true);
	assert_span(t, 2, 0, "规章", 1, 1, true);
	assert_span(t, 3, 0, "行政规范性文件", 1, 1, true);
	/* 规章: B repealed in 2021, A in force; 行政规范性文件: C and E issued and in force */
	assert_string_equal(cell(t, 2, 1), "0");
	assert_string_equal(cell(t, 2, 2), "1");
	assert_string_equal(cell(t, 2, 3), "1");
	assert_string_equal(cell(t, 3, 1), "2");
	assert_string_equal(cell(t, 3, 2), "0");
	assert_string_equal(cell(t, 3, 3), "2");
	assert_span(t, 4, 0, "第二十条第（五）项", 1, 4, true);
	assert_span(t, 5, 0, "信息内容", 1, 1, true);
	assert_span(t, 5, 1, "本年处理决定数量", 1, 3, true);
	assert_span(t, 6, 0, "行政许可", 1, 1, true);
	assert_span(t, 6, 1, "3", 1, 3, false);
	assert_span(t, 7, 0, "第二十条第（六）项", 1, 4, true);
	assert_span(t, 8, 1, "本年处理决定数量", 1, 3, true);
	assert_span(t, 9, 0, "行政处罚", 1, 1, true);
	assert_span(t, 9, 1, "5", 1, 3, false);
	assert_span(t, 10, 0, "行政强制", 1, 1, true);
	assert_span(t, 10, 1, "2", 1, 3, false);
	assert_span(t, 11, 0, "第二十条第（八）项", 1, 4, true);
	assert_span(t, 12, 1, "本年收费金额（单位：万元）", 1, 3, true);
	assert_span(t, 13, 0, "行政事业性收费", 1, 1, true);
	/* 1,234,567.89 + 0.50 yuan = 123.4568 万元 */
	assert_span(t, 13, 1, "123.4568", 1, 3, false);
	assert_true(rtable_at(t, 13, 1)->num);
	assert_string_equal(fact(&d21.fig, "decisions"), "2021年，办理行政许可3件，作出行政处罚决定5件，作出行政强制决定2件。");
	assert_string_equal(fact(&d21.fig, "catalog"), "2021年，主动公开政府信息3条，其中政策文件2条、工作动态1条。");
	assert_int_equal(d21.fig.published_items, 3);
}

static void test_table3_table4_layout(void **state)
{
	struct fx *f = *state;
	static const char *const orgs[5] = { "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他" };
	static const char *const res[5] = { "结果维持", "结果纠正", "其他结果", "尚未审结", "总计" };
	static const char *const g3[8] = { "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
					   "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
					   "7.属于行政执法案卷", "8.属于行政查询事项" };
	static const char *const g4[3] = { "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
					   "3.补正后申请内容仍不明确" };
	static const char *const g5[5] = { "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
					   "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息" };
	static const char *const g6[3] = { "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
					   "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
					   "3.其他" };

	for (int fmt = 0; fmt < 2; fmt++) {
		struct report_doc d = build(f, fmt ? 2021 : 2020, NULL);
		const struct rtable *t = &d.t3;
		int r;

		assert_int_equal(t->ncols, 10);
		assert_int_equal(t->nrows, fmt ? 28 : 26);
		assert_table_sound(t);
		assert_string_equal(t->title, "三、收到和处理政府信息公开申请情况");
		assert_span(t, 0, 0, T3_NOTE, 3, 3, true);
		assert_span(t, 0, 3, "申请人情况", 1, 7, true);
		assert_span(t, 1, 3, "自然人", 2, 1, true);
		assert_span(t, 1, 4, "法人或其他组织", 1, 5, true);
		assert_span(t, 1, 9, "总计", 2, 1, true);
		for (int i = 0; i < 5; i++)
			assert_span(t, 2, 4 + i, orgs[i], 1, 1, true);
		assert_span(t, 3, 0, "一、本年新收政府信息公开申请数量", 1, 3, true);
		assert_span(t, 4, 0, "二、上年结转政府信息公开申请数量", 1, 3, true);
		assert_span(t, 5, 0, "三、本年度办理结果", fmt ? 22 : 20, 1, true);
		assert_span(t, 5, 1, "（一）予以公开", 1, 2, true);
		assert_span(t, 6, 1, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2, true);
		assert_span(t, 7, 1, "（三）不予公开", 8, 1, true);
		for (int i = 0; i < 8; i++)
			assert_span(t, 7 + i, 2, g3[i], 1, 1, true);
		assert_span(t, 15, 1, "（四）无法提供", 3, 1, true);
		for (int i = 0; i < 3; i++)
			assert_span(t, 15 + i, 2, g4[i], 1, 1, true);
		assert_span(t, 18, 1, "（五）不予处理", 5, 1, true);
		for (int i = 0; i < 5; i++)
			assert_span(t, 18 + i, 2, g5[i], 1, 1, true);
		r = 23;
		if (fmt) {
			assert_span(t, r, 1, "（六）其他处理", 3, 1, true);
			for (int i = 0; i < 3; i++)
				assert_span(t, r + i, 2, g6[i], 1, 1, true);
			r += 3;
		} else {
			assert_span(t, r++, 1, "（六）其他处理", 1, 2, true);
		}
		assert_span(t, r++, 1, "（七）总计", 1, 2, true);
		assert_span(t, r++, 0, "四、结转下年度继续办理", 1, 3, true);
		assert_int_equal(r, t->nrows);
		for (r = 3; r < t->nrows; r++)
			for (int c = 3; c < 10; c++)
				assert_true(rtable_at(t, r, c)->num && !rtable_at(t, r, c)->head);

		t = &d.t4;
		assert_int_equal(t->nrows, 4);
		assert_int_equal(t->ncols, 15);
		assert_table_sound(t);
		assert_string_equal(t->title, "四、政府信息公开行政复议、行政诉讼情况");
		assert_span(t, 0, 0, "行政复议", 1, 5, true);
		assert_span(t, 0, 5, "行政诉讼", 1, 10, true);
		assert_span(t, 1, 5, "未经复议直接起诉", 1, 5, true);
		assert_span(t, 1, 10, "复议后起诉", 1, 5, true);
		for (int i = 0; i < 5; i++) {
			assert_span(t, 1, i, res[i], 2, 1, true);
			assert_span(t, 2, 5 + i, res[i], 1, 1, true);
			assert_span(t, 2, 10 + i, res[i], 1, 1, true);
		}
		for (int c = 0; c < 15; c++)
			assert_span(t, 3, c, "0", 1, 1, false);
		/* the document: six headings, a sentence and a table in 二 三 四 */
		{
			const char *const *h = report_headings(d.format);
			int k = 0;

			for (size_t i = 0; i < d.nblocks; i++) {
				if (d.blocks[i].kind != RB_HEADING)
					continue;
				assert_string_equal(d.blocks[i].text, h[k]);
				if (k >= 1 && k <= 3) {
					assert_int_equal(d.blocks[i + 1].kind, RB_PARA);
					assert_int_equal(d.blocks[i + 2].kind, RB_TABLE);
					assert_ptr_equal(d.blocks[i + 2].table->cells, k == 1 ? d.t2.cells : k == 2 ? d.t3.cells : d.t4.cells);
				}
				k++;
			}
			assert_int_equal(k, 6);
		}
	}
}

static void test_table4_from_reviews(void **state)
{
	struct fx *f = *state;
	struct review_ctx rc = { .db = f->db, .a = &f->a, .org_id = f->org.id, .today = D("2022-06-01"), .now = NOW };
	struct review out;
	const char *msg = NULL;
	const struct {
		const char *kind, *filed, *result, *decided;
	} cases[] = {
		{ "行政复议", "2021-02-01", "结果维持", "2021-04-01" },
		{ "行政复议", "2021-03-01", "结果纠正", "2021-05-01" },
		{ "行政复议", "2021-11-01", "结果维持", "2022-01-20" }, /* decided after the year: 尚未审结 in 2021 */
		{ "行政诉讼（未经复议直接起诉）", "2021-06-01", "其他结果", "2021-09-01" },
		{ "行政诉讼（复议后起诉）", "2021-07-01", "结果维持", "2021-10-01" },
		{ "行政复议", "2020-07-01", "结果维持", "2020-08-01" },
	};
	struct report_doc d;
	const char *want[15] = { "1", "1", "0", "1", "3", "0", "0", "1", "0", "1", "1", "0", "0", "0", "1" };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct review_input in = { .kind = cases[i].kind, .filed_on = cases[i].filed, .body = "桐乡市人民政府",
					   .party = "沈某", .matter = "不服答复", .result = cases[i].result,
					   .decided_on = cases[i].decided };

		if (review_create(&rc, &in, &out, &msg))
			fail_msg("review: %s", msg);
	}
	d = build(f, 2021, NULL);
	for (int c = 0; c < 15; c++)
		assert_string_equal(cell(&d.t4, 3, c), want[c]);
	assert_string_equal(fact(&d.fig, "reviews"),
			    "2021年，本机关因政府信息公开工作被申请行政复议3件，其中结果维持1件、结果纠正1件、尚未审结1件；"
			    "被提起政府信息公开行政诉讼2件，其中未经复议直接起诉1件、复议后起诉1件。");
	assert_true(doc_has(&d, "被申请行政复议3件"));
	d = build(f, 2020, NULL);
	assert_string_equal(cell(&d.t4, 3, 0), "1");
	assert_string_equal(cell(&d.t4, 3, 4), "1");
	assert_string_equal(fact(&d.fig, "reviews"),
			    "2020年，本机关因政府信息公开工作被申请行政复议1件，其中结果维持1件；未被提起政府信息公开行政诉讼。");
}

/* Markdown, HTML and JSON of one report with staff text. */
static void test_renderers(void **state)
{
	struct fx *f = *state;
	struct report_narrative narr = { .overview = "第一段<script>alert(1)</script>。\n\n  第二段 *不是强调*。\r\n",
					 .problems = "# 不是标题\n1. 不是列表" };
	struct report_doc d;
	struct buf b;
	json_t *root, *rows;
	json_error_t jerr;
	const char *s;

	app_with_row(f, 1, 1, "2021-03-01");
	d = build(f, 2021, &narr);
	/* staff text: one paragraph per line, trimmed */
	assert_int_equal(d.blocks[1].kind, RB_PARA);
	assert_string_equal(d.blocks[1].text, "第一段<script>alert(1)</script>。");
	assert_string_equal(d.blocks[2].text, "第二段 *不是强调*。");
	assert_int_equal(d.blocks[3].kind, RB_HEADING);

	buf_init(&b, &f->a, 1 << 24);
	assert_int_equal(report_render_md(&f->a, &d, &b), 0);
	s = buf_cstr(&b);
	assert_non_null(strstr(s, "# 桐乡市教育局2021年政府信息公开工作年度报告\n"));
	assert_non_null(strstr(s, "\n## 五、存在的主要问题及改进情况\n"));
	assert_non_null(strstr(s, "第一段\\<script\\>alert(1)\\</script\\>。"));
	assert_non_null(strstr(s, "第二段 \\*不是强调\\*。"));
	assert_non_null(strstr(s, "\n\\# 不是标题\n"));
	assert_non_null(strstr(s, "\n1\\. 不是列表\n"));
	assert_non_null(strstr(s, "**第二十条第（八）项**"));
	assert_non_null(strstr(s, "| 行政事业性收费 | 0.0000 |"));
	assert_non_null(strstr(s, T3_NOTE "\n"));
	assert_non_null(strstr(s, "| 项目 | 申请人情况·自然人 | 申请人情况·法人或其他组织·商业企业 | 申请人情况·法人或其他组织·科研机构 |"));
	assert_non_null(strstr(s, "| 三、本年度办理结果 （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 0 | 1 | 0 | 0 | 0 | 0 | 1 |"));
	assert_non_null(strstr(s, "| 行政复议·结果维持 |"));
	assert_non_null(strstr(s, "| 行政诉讼·复议后起诉·总计 |"));

	buf_init(&b, &f->a, 1 << 24);
	assert_int_equal(report_render_html(&f->a, &d, true, &b), 0);
	s = buf_cstr(&b);
	assert_non_null(strstr(s, "<!DOCTYPE html>"));
	assert_non_null(strstr(s, "<title>桐乡市教育局2021年政府信息公开工作年度报告</title>"));
	assert_non_null(strstr(s, "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;。</p>"));
	assert_null(strstr(s, "<script>"));
	assert_non_null(strstr(s, "<thead>\n<tr><th scope=\"colgroup\" rowspan=\"3\" colspan=\"3\">" T3_NOTE "</th>"));
	assert_non_null(strstr(s, "<th scope=\"rowgroup\" rowspan=\"22\">三、本年度办理结果</th>"));
	assert_non_null(strstr(s, "<th scope=\"row\" colspan=\"2\">（七）总计</th>"));
	assert_non_null(strstr(s, "<th scope=\"colgroup\" colspan=\"10\">行政诉讼</th>"));
	assert_non_null(strstr(s, "<th scope=\"col\">商业企业</th>"));
	assert_non_null(strstr(s, "<td class=\"num\">1</td>"));
	buf_init(&b, &f->a, 1 << 24);
	assert_int_equal(report_render_html(&f->a, &d, false, &b), 0);
	s = buf_cstr(&b);
	assert_true(strncmp(s, "<article class=\"gk-report\"", 26) == 0);
	assert_null(strstr(s, "<html"));

	buf_init(&b, &f->a, 1 << 24);
	assert_int_equal(report_render_json(&f->a, &d, &b), 0);
	root = json_loads(buf_cstr(&b), 0, &jerr);
	if (!root)
		fail_msg("JSON: %s", jerr.text);
	assert_int_equal(json_integer_value(json_object_get(root, "year")), 2021);
	assert_int_equal(json_integer_value(json_object_get(root, "format")), 2021);
	assert_string_equal(json_string_value(json_object_get(root, "title")), d.title);
	assert_int_equal(json_array_size(json_object_get(root, "sections")), 6);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(root, "sections"), 2), "table")),
			    "t3");
	rows = json_object_get(json_object_get(root, "applications"), "rows");
	assert_int_equal(json_array_size(rows), 25);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "label")),
			    "一、本年新收政府信息公开申请数量");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "commercial")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "total")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 3), "key")), "2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 4), "group")), "（三）不予公开");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 4), "label")), "1.属于国家秘密");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(root, "reviews"), "litigation_after_review"), "total")),
			 0);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(root, "active"), "fees"), "amount_wan")),
			    "0.0000");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(root, "tables"), "t3"), "nrows")),
			 28);
	json_decref(root);
	/* invalid UTF-8 is refused */
	narr.overview = "\xff\xfe";
	{
		struct report_doc bad;
		const char *msg = NULL;

		assert_int_equal(report_build(f->db, &f->a, &f->org, 2021, &narr, &bad, &msg), ERR_INVALID);
		assert_chinese(msg);
	}
}

/* ---- the demo agency ---- */

struct demo {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct org org;
};

/* ---- the 本级政府 report: an org with children counts its subtree ---- */

static void sum_counts(struct app_year_counts *t, const struct app_year_counts *v)
{
	for (int c = 0; c < APP_COLS; c++) {
		t->received[c] += v->received[c];
		t->carried_in[c] += v->carried_in[c];
		t->concluded[c] += v->concluded[c];
		t->carried_out[c] += v->carried_out[c];
		for (int r = 0; r < APP_ROWS; r++)
			t->outcome[r][c] += v->outcome[r][c];
	}
}

static void test_aggregate(void **state)
{
	struct fx *f = *state;
	struct org city, town, edu = f->org;
	struct report_doc de, dt, dc, dc_alone;
	struct app_year_counts want = { 0 };
	struct report_issue *v;
	const char *msg = NULL;
	size_t n;

	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "tx-gov", "桐乡市人民政府", "agency", &city);
	insert_org(f, "tx-wuzhen", "乌镇镇人民政府", "agency", &town);
	assert_int_equal(catalog_create_default_categories(f->db, city.id), 0);
	assert_int_equal(catalog_create_default_categories(f->db, town.id), 0);
	assert_int_equal(db_commit(f->db), 0);

	/* before the tree exists the city's report is its own */
	f->c.org = &city;
	app_with_row(f, 0, 0, "2021-03-01");
	dc_alone = build_for(f, &city, 2021);
	assert_int_equal(dc_alone.fig.nmembers, 1);
	assert_int_equal(dc_alone.fig.t3.received[0], 1);

	/* edu: 2 natural persons, 1 company (one carried to 2022); the town: 1 */
	f->c.org = &edu;
	app_with_row(f, 0, 0, "2021-03-02");
	app_with_row(f, 0, 1, "2021-04-02");
	reg(f, 1, "2021-12-28");
	f->c.org = &town;
	app_with_row(f, 2, 0, "2021-05-05");
	f->c.org = &f->org;
	assert_int_equal(store_platform_set_parent(f->db, edu.id, city.id, NOW), 0);
	assert_int_equal(store_platform_set_parent(f->db, town.id, city.id, NOW), 0);

	de = build_for(f, &edu, 2021);
	dt = build_for(f, &town, 2021);
	dc = build_for(f, &city, 2021);
	/* the children's own reports are unchanged by the tree */
	assert_int_equal(de.fig.nmembers, 1);
	assert_int_equal(de.fig.t3.received[0], 2);
	assert_int_equal(de.fig.t3.carried_out[1], 1);
	/* the city's: itself and both children, their sum in every cell */
	assert_int_equal(dc.fig.nmembers, 3);
	assert_string_equal(dc.fig.members[0].slug, "tx-gov");
	sum_counts(&want, &dc_alone.fig.t3);
	sum_counts(&want, &de.fig.t3);
	sum_counts(&want, &dt.fig.t3);
	want.year = 2021;
	assert_counts_equal(&dc.fig.t3, &want);
	assert_int_equal(dc.fig.t3.received[0], 3);
	assert_int_equal(dc.fig.t3.received[2], 1);
	for (int r = 0; r < dc.t3.nrows; r++)
		for (int c = 3; c < dc.t3.ncols; c++) {
			const char *x = cell(&dc.t3, r, c), *a = cell(&de.t3, r, c), *b = cell(&dt.t3, r, c),
				   *o = cell(&dc_alone.t3, r, c);

			if (x && *x >= '0' && *x <= '9')
				assert_int_equal(strtoll(x, NULL, 10),
						 strtoll(a, NULL, 10) + strtoll(b, NULL, 10) + strtoll(o, NULL, 10));
		}
	assert_string_equal(dc.title, "桐乡市人民政府2021年政府信息公开工作年度报告");
	assert_non_null(strstr(fact(&dc.fig, "scope"), "乌镇镇人民政府"));
	assert_non_null(strstr(fact(&dc.fig, "applications"), "共收到政府信息公开申请5件"));

	/* the consistency checks hold on the aggregate: its tables are the
	 * records' sums (R1-R5 and the comparison with the records) */
	assert_int_equal(report_check_doc(f->db, &f->a, &city, &dc, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].severity == REPORT_ERROR && strstr(v[i].where, "表"))
			fail_msg("aggregate: %s: %s", v[i].where, v[i].msg);
	/* a typed figure is caught: one cell of the aggregate changed */
	{
		struct rtable t = dc.t3;
		struct rcell *cells = arena_alloc(&f->a, (size_t)t.nrows * (size_t)t.ncols * sizeof(*cells));

		memcpy(cells, t.cells, (size_t)t.nrows * (size_t)t.ncols * sizeof(*cells));
		t.cells = cells;
		for (int r = 0; r < t.nrows; r++)
			if (strstr(cell(&t, r, 2) ? cell(&t, r, 2) : "", "本年新收") || strstr(cell(&t, r, 0) ? cell(&t, r, 0) : "", "本年新收")) {
				rtable_at(&t, r, 3)->text = "9";
				break;
			}
		dc.t3 = t;
		for (size_t i = 0; i < dc.nblocks; i++)
			if (dc.blocks[i].kind == RB_TABLE && dc.blocks[i].table->ncols == t.ncols &&
			    dc.blocks[i].table->nrows == t.nrows)
				dc.blocks[i].table = &dc.t3;
		assert_int_equal(report_check_doc(f->db, &f->a, &city, &dc, &v, &n), 0);
		assert_true(has_issue(v, n, REPORT_ERROR, "表三", NULL));
	}
	(void)msg;
}

static int demo_setup(void **state)
{
	struct demo *m = test_calloc(1, sizeof(*m));
	struct db_opts o = { 0 };
	char cmd[512];

	if (fts_ctx_new(NULL, &fts))
		return -1;
	o.fts = fts;
	snprintf(m->dir, sizeof(m->dir), "/tmp/gk-test-report-demo-XXXXXX");
	if (!mkdtemp(m->dir))
		return -1;
	snprintf(m->path, sizeof(m->path), "%s/demo.db", m->dir);
	snprintf(cmd, sizeof(cmd), "bin/gongkai --db %s init >/dev/null 2>&1 && bin/gongkai --db %s demo >/dev/null 2>&1",
		 m->path, m->path);
	if (system(cmd) != 0) {
		print_error("could not load the demo with bin/gongkai (build it first): %s\n", cmd);
		return -1;
	}
	arena_init(&m->a, 0);
	if (db_open(m->path, &o, &m->db) || db_migrate(m->db, NULL) ||
	    store_org_by_slug(m->db, &m->a, "tongxiang-edu", &m->org))
		return -1;
	*state = m;
	return 0;
}

static int demo_teardown(void **state)
{
	struct demo *m = *state;

	db_close(m->db);
	arena_release(&m->a);
	rm_db(m->path);
	rmdir(m->dir);
	test_free(m);
	fts_ctx_free(fts);
	return 0;
}

static struct report_doc demo_build(struct demo *m, int year, const struct report_narrative *narr)
{
	struct report_doc d;
	const char *msg = NULL;

	if (report_build(m->db, &m->a, &m->org, year, narr, &d, &msg))
		fail_msg("report_build %d: %s", year, msg ? msg : "?");
	return d;
}

static size_t demo_check(struct demo *m, const struct report_doc *d, struct report_issue **v)
{
	size_t n = 0;

	assert_int_equal(report_check_doc(m->db, &m->a, &m->org, d, v, &n), 0);
	for (size_t i = 0; i < n; i++)
		assert_chinese((*v)[i].msg);
	return n;
}

#define DEMO_CATALOG                                                                                                  \
	"2020年，主动公开政府信息189条，其中政策文件4条、规划计划3条、报告统计1条、财政信息6条、人事信息12条、公告公示12条、" \
	"工作动态74条、重点领域信息57条、社会公益事业建设领域信息16条、提案建议办理结果4条。"

static void test_demo_2020(void **state)
{
	struct demo *m = *state;
	struct report_doc d = demo_build(m, 2020, NULL);
	const struct rtable *t;
	long long sum = 0;
	const char *s;

	assert_int_equal(d.format, REPORT_FMT_2019);
	assert_string_equal(d.title, "桐乡市教育局2020年政府信息公开工作年度报告");
	/* 一: the catalog by category, as the seed report (its parts sum to 189) */
	assert_int_equal(d.fig.published_items, 189);
	assert_string_equal(fact(&d.fig, "catalog"), DEMO_CATALOG);
	for (const char *p = strstr(DEMO_CATALOG, "其中"); p && *p; p++)
		if (*p >= '0' && *p <= '9') {
			sum += strtoll(p, (char **)&p, 10);
			p--;
		}
	assert_int_equal(sum, 189);
	assert_string_equal(fact(&d.fig, "interactions"),
			    "2020年，共受理各类政策咨询及信访件783件，其中市长电话153件、网上信访45件、领导信箱15件、上级转办362件、"
			    "网上直接答复208件。");
	assert_non_null(s = fact(&d.fig, "portal"));
	assert_non_null(strstr(s, "在桐乡智慧教育网共发布动态类、公告类、法规政策类、招生考试类等信息5093条。"));
	assert_non_null(s = fact(&d.fig, "wechat"));
	assert_non_null(strstr(s, "“桐乡教育”微信公众号推送信息712次"));
	assert_non_null(s = fact(&d.fig, "proposals"));
	assert_true(strncmp(s, "2020年，承办", strlen("2020年，承办")) == 0);
	assert_string_equal(fact(&d.fig, "decisions"), "2020年，办理行政许可41件。");
	assert_string_equal(fact(&d.fig, "applications"), "2020年，未收到政府信息公开申请。");
	assert_string_equal(fact(&d.fig, "reviews"),
			    "2020年，本机关因政府信息公开工作被申请行政复议1件，其中结果维持1件；未被提起政府信息公开行政诉讼。");
	assert_true(doc_has(&d, DEMO_CATALOG));
	/* 二: 41 行政许可 in the 2019 layout */
	t = &d.t2;
	assert_int_equal(t->nrows, 18);
	assert_string_equal(cell(t, 6, 0), "行政许可");
	assert_string_equal(cell(t, 6, 3), "41");
	/* 三: no applications */
	t = &d.t3;
	assert_int_equal(t->nrows, 26);
	for (int r = 3; r < t->nrows; r++)
		for (int c = 3; c < 10; c++)
			assert_string_equal(cell(t, r, c), "0");
	/* 四: one 行政复议, upheld */
	t = &d.t4;
	assert_string_equal(cell(t, 3, 0), "1");
	assert_string_equal(cell(t, 3, 4), "1");
	for (int c = 5; c < 15; c++)
		assert_string_equal(cell(t, 3, c), "0");
	assert_string_equal(fact(&d.fig, "fees"), "本年度未收取信息处理费。");
}

static void test_demo_2021(void **state)
{
	struct demo *m = *state;
	struct report_doc d = demo_build(m, 2021, NULL);
	struct app_year_counts y;
	long long rec = 0, done = 0, out = 0;

	assert_int_equal(d.format, REPORT_FMT_2021);
	assert_int_equal(app_year_counts(m->db, &m->a, m->org.id, 2021, &y), 0);
	assert_counts_equal(&d.fig.t3, &y);
	for (int c = 0; c < APP_COLS; c++) {
		rec += d.fig.t3.received[c];
		done += d.fig.t3.concluded[c];
		out += d.fig.t3.carried_out[c];
	}
	assert_int_equal(rec, 11);
	assert_int_equal(done, 10);
	assert_int_equal(out, 1);
	assert_string_equal(cell(&d.t3, 3, 9), "11");
	assert_string_equal(cell(&d.t3, 26, 9), "10");
	assert_string_equal(cell(&d.t3, 27, 9), "1");
	assert_string_equal(cell(&d.t3, 6, 9), "1"); /* 部分公开 */
	assert_int_equal(d.t3.nrows, 28);
	assert_string_equal(fact(&d.fig, "applications"),
			    "2021年，共收到政府信息公开申请11件，其中自然人8件、法人或其他组织3件；办结10件，结转下年度继续办理1件。");
	assert_int_equal(d.fig.fee_collected_fen, 170000);
	assert_true(doc_has(&d, "收取信息处理费1700.00元"));
	/* 2022: the case carried from 2021 */
	d = demo_build(m, 2022, NULL);
	assert_string_equal(cell(&d.t3, 4, 9), "1");
}

static void test_demo_check(void **state)
{
	struct demo *m = *state;
	struct report_issue *v;
	struct report_doc d;
	size_t n;

	/* clean */
	for (int year = 2020; year <= 2021; year++) {
		d = demo_build(m, year, NULL);
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_int_equal(n, 0);
	}
	/* the seed's 187 against the 189 of the records and of its own parts */
	{
		struct report_narrative narr = {
			.overview = "2020年，主动公开政府信息187条，其中政策文件4条、规划计划3条、报告统计1条、财政信息6条、"
				    "人事信息12条、公告公示12条、工作动态74条、重点领域信息57条、社会公益事业建设领域信息16条、"
				    "提案建议办理结果4条，及时公开，更好地回应人民群众的关切。",
		};

		d = demo_build(m, 2020, &narr);
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_true(has_issue(v, n, REPORT_ERROR, "第一部分第 1 段", "其中各项之和 189条 超过总数 187条"));
		assert_true(has_issue(v, n, REPORT_ERROR, "第一部分第 1 段", "主动公开政府信息187条"));
		assert_true(has_issue(v, n, REPORT_ERROR, "第一部分第 1 段", "189"));
	}
	/* a year that is not the report's */
	{
		struct report_narrative narr = {
			.overview = "2019年，在桐乡市政府信息公开平台重点领域信息发布《桐教〔2020〕103号关于做好2020年招生工作的通知》等信息17条。\n"
				    "“桐乡教育”微信公众号自2017年6月上线以来，粉丝量已超过12万名。\n"
				    "2019年至2020年，累计发布信息500条。与2019年相比，信息数量增长10%。",
			.problems = "2021年，我局将认真贯彻《中华人民共和国政府信息公开条例》。",
		};

		d = demo_build(m, 2020, &narr);
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_int_equal(count_errors(v, n), 1);
		assert_true(has_issue(v, n, REPORT_ERROR, "第一部分第 1 段", "提到 2019 年"));
	}
	/* a table total edited by hand */
	{
		struct rcell *x;

		d = demo_build(m, 2021, NULL);
		x = rtable_at(&d.t3, 3, 9);
		x->text = "12";
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_true(has_issue(v, n, REPORT_ERROR, "表三“一、本年新收政府信息公开申请数量”行", "总计 12 不等于"));
		assert_true(has_issue(v, n, REPORT_ERROR, "表三", "勾稽关系不成立"));
		assert_true(has_issue(v, n, REPORT_ERROR, "表三“一、本年新收政府信息公开申请数量”行“总计”列", "按记录应为“11”"));
		/* table 四 */
		d = demo_build(m, 2020, NULL);
		rtable_at(&d.t4, 3, 4)->text = "2";
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_true(has_issue(v, n, REPORT_ERROR, "表四“行政复议”", "总计 2 不等于"));
		/* 上年结转 against the records of the year before */
		d = demo_build(m, 2022, NULL);
		rtable_at(&d.t3, 4, 6)->text = "0";
		rtable_at(&d.t3, 4, 9)->text = "0";
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_true(has_issue(v, n, REPORT_ERROR, "二、上年结转", "与 2021 年“结转下年度继续办理”的 1 件不符"));
		/* a missing section and a wrong heading */
		d = demo_build(m, 2021, NULL);
		d.blocks[0].text = "一、总体情况概述";
		n = demo_check(m, &d, &v);
		assert_true(has_issue(v, n, REPORT_ERROR, "第一部分", "应为“一、总体情况”"));
		assert_true(has_issue(v, n, REPORT_ERROR, "第一部分", "缺少"));
	}
	/* the 2019 format accepts heading 五 in the 2021 wording */
	{
		d = demo_build(m, 2020, NULL);
		for (size_t i = 0; i < d.nblocks; i++)
			if (d.blocks[i].kind == RB_HEADING && strncmp(d.blocks[i].text, "五、", strlen("五、")) == 0)
				d.blocks[i].text = "五、存在的主要问题及改进情况";
		n = demo_check(m, &d, &v);
		assert_int_equal(count_errors(v, n), 0);
	}
	/* lists that end before the sentence does, a later figure that is
	 * not a part, full-width digits */
	{
		struct report_narrative narr = {
			.overview = "全年共收到政府信息公开申请0件（其中自然人0件、法人或其他组织0件），办结0件。\n"
				    "共受理咨询783件，其中市长电话153件，已全部办结783件。\n"
				    "共承办建议10件，其中主办9件，协办1件；来信4件。",
			.other = "主动公开政府信息１８７条。",
		};

		d = demo_build(m, 2020, &narr);
		n = demo_check(m, &d, &v);
		dump_issues(v, n);
		assert_int_equal(n, 1);
		assert_true(has_issue(v, n, REPORT_ERROR, "第六部分第 1 段", "主动公开政府信息187条"));
	}
	/* parts that list less than the total: a warning */
	{
		struct report_narrative narr = { .problems = "受理咨询783件，其中市长电话153件、网上信访45件。" };

		d = demo_build(m, 2020, &narr);
		n = demo_check(m, &d, &v);
		assert_int_equal(count_errors(v, n), 0);
		assert_true(has_issue(v, n, REPORT_WARNING, "第五部分第 1 段", "少于总数"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats_and_headings),
		cmocka_unit_test_setup_teardown(test_year_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table3_every_row_and_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table2_both_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table3_table4_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table4_from_reviews, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renderers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aggregate, setup, teardown),
	};
	const struct CMUnitTest demo_tests[] = {
		cmocka_unit_test(test_demo_2020),
		cmocka_unit_test(test_demo_2021),
		cmocka_unit_test(test_demo_check),
	};
	int rc = cmocka_run_group_tests_name("report", tests, group_setup, group_teardown);

	return rc | cmocka_run_group_tests_name("report (demo)", demo_tests, demo_setup, demo_teardown);
}
