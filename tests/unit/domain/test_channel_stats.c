/* test_channel_stats.c - channel figures (公开渠道数据) over a real
 * database with the migrations: the demo file data/demo/tongxiang-edu/
 * channel-stats.csv gives the 2020 figures of the seed report exactly
 * (5,093 portal items; 712 pushes, 6,950,000 reads, 121,500 followers and
 * a 103,000 best item on the WeChat account); the import refuses bad rows
 * by line and stores nothing then; the grid replaces its columns'
 * figures, keeps the others and refuses bad cells whole; how a year adds
 * up (flows, the followers' last month, the best month); channels and
 * their types; export read back; the statistics page's series; and
 * another org never sees or touches them. Runs from the repository root. */
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

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/registers/channel_stats.h"
#include "domain/registers/csvio.h"
#include "domain/registers/registers.h"
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

#include "file_util.h"
#include "assert_chinese.h"

#define NOW "2021-01-15T08:00:00Z"
#define DEMO "data/demo/tongxiang-edu/channel-stats.csv"
#define HEADER "渠道,渠道类型,年度,月份,指标,数值,说明\n"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct org org, other;
	struct reg_ctx rc, rc_other;
	struct chan_ctx cc;
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

static void insert_org(struct fx *f, const char *slug, const char *name, struct org *out)
{
	struct org o = { .slug = slug, .name = name, .org_code = "471127366", .kind = "agency" };

	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_int_equal(store_org_by_id(f->db, &f->a, o.id, out), 0);
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-chst-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", &f->org);
	insert_org(f, "haining-edu", "海宁市教育局", &f->other);
	f->rc = (struct reg_ctx){ .db = f->db, .a = &f->a, .org = &f->org, .now = NOW };
	f->rc_other = (struct reg_ctx){ .db = f->db, .a = &f->a, .org = &f->other, .now = NOW };
	f->cc = (struct chan_ctx){ .db = f->db, .a = &f->a, .org_id = f->org.id, .now = NOW };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	db_close(f->db);
	arena_release(&f->a);
	for (const char *sfx = ""; sfx; sfx = strcmp(sfx, "") == 0 ? "-wal" : strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx);
		unlink(p);
	}
	rmdir(f->dir);
	test_free(f);
	return 0;
}

static int import_text(struct fx *f, const struct reg_ctx *c, const char *text, bool dry, struct csv_report *rep)
{
	return reg_channel_stats.import_csv(c, text, strlen(text), NULL, dry, rep);
}

static void import_ok(struct fx *f, const char *text)
{
	struct csv_report rep;

	if (import_text(f, &f->rc, text, false, &rep))
		fail_msg("import: %s", rep.nerrors ? rep.errors[0] : "?");
}

/* Every figure of the org. */
static size_t nfigures(struct fx *f, long long org_id)
{
	struct channel_figure *figs;
	size_t n;

	assert_int_equal(store_channel_figures(f->db, &f->a, org_id, 0, 0, &figs, &n), 0);
	return n;
}

static const struct chan_year *find_channel(const struct chan_year *ys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ys[i].ch.name, name) == 0)
			return &ys[i];
	fail_msg("no channel %s", name);
	return NULL;
}

static const struct chan_metric_year *find_metric(const struct chan_year *y, const char *metric)
{
	for (size_t i = 0; i < y->nmetrics; i++)
		if (strcmp(y->metrics[i].metric, metric) == 0)
			return &y->metrics[i];
	fail_msg("no metric %s", metric);
	return NULL;
}

/* The import refuses text: nothing stored, the first error names line and
 * holds needle. */
static void import_refused(struct fx *f, const char *text, const char *line, const char *needle)
{
	struct csv_report rep;
	size_t before = nfigures(f, f->org.id);
	struct stat_channel *chs;
	size_t nch0, nch1;

	assert_int_equal(store_stat_channels(f->db, &f->a, f->org.id, &chs, &nch0), 0);
	assert_int_equal(import_text(f, &f->rc, text, false, &rep), ERR_INVALID);
	assert_true(rep.nerrors >= 1);
	assert_chinese(rep.errors[0]);
	if (line && !strstr(rep.errors[0], line))
		fail_msg("error \"%s\" lacks \"%s\"", rep.errors[0], line);
	if (needle && !strstr(rep.errors[0], needle))
		fail_msg("error \"%s\" lacks \"%s\"", rep.errors[0], needle);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(nfigures(f, f->org.id), before);
	assert_int_equal(store_stat_channels(f->db, &f->a, f->org.id, &chs, &nch1), 0);
	assert_int_equal(nch0, nch1);
}

/* ---- the demo file: the seed report's 2020 figures ---- */

static void test_demo_file_gives_the_seed_figures(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;
	struct chan_year *ys;
	const struct chan_year *web, *wx;
	size_t len, n;
	char *text = slurp(&f->a, DEMO, &len);
	static const struct {
		const char *type;
		long long total;
	} split[] = { { "动态类", 3126 }, { "公告类", 1047 }, { "法规政策类", 298 }, { "招生考试类", 622 } };

	/* a dry run stores nothing */
	assert_int_equal(reg_channel_stats.import_csv(&f->rc, text, len, NULL, true, &rep), 0);
	assert_int_equal(rep.rows, 96);
	assert_int_equal(nfigures(f, f->org.id), 0);
	/* inside a caller's transaction, as the demo loader does */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(reg_channel_stats.import_csv(&f->rc, text, len, NULL, false, &rep), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(rep.stored, 96);
	assert_string_equal(rep.encoding, "UTF-8");

	assert_int_equal(channel_stats_year(f->db, &f->a, f->org.id, 2020, &ys, &n), 0);
	assert_int_equal(n, 2);
	web = &ys[0];
	wx = &ys[1];
	assert_string_equal(web->ch.name, "桐乡智慧教育网");
	assert_int_equal(web->type->id, CHAN_PORTAL);
	assert_string_equal(web->ch.platform, "www.zjtxedu.org");
	assert_int_equal(web->items, 5093);
	assert_int_equal(web->nmetrics, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(web->metrics[i].metric, split[i].type); /* the file's order */
		assert_int_equal(web->metrics[i].total, split[i].total);
		assert_int_equal(web->metrics[i].kind, METRIC_FLOW);
	}
	assert_string_equal(wx->ch.name, "桐乡教育");
	assert_int_equal(wx->type->id, CHAN_NEW_MEDIA);
	assert_string_equal(wx->ch.platform, "微信公众号");
	assert_int_equal(wx->nfigures, 48);
	assert_int_equal(wx->pushes, 712);
	assert_int_equal(wx->reads, 6950000);
	assert_true(wx->has_followers);
	assert_int_equal(wx->followers, 121500);
	assert_int_equal(wx->followers_month, 12);
	assert_true(wx->has_top);
	assert_int_equal(wx->top_reads, 103000);
	assert_int_equal(wx->top_month, 6);
	assert_string_equal(wx->top_title, "2020年桐乡市义务教育阶段学校招生入学公告");
	/* the seed's words: 700余次推送, 近700万, 超过12万, 超10万 */
	assert_true(wx->pushes > 700 && wx->reads < 7000000 && wx->reads > 6900000);
	assert_true(wx->followers > 120000 && wx->top_reads > 100000);
	/* another year is empty, the channels are still listed */
	assert_int_equal(channel_stats_year(f->db, &f->a, f->org.id, 2021, &ys, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ys[0].nfigures + ys[1].nfigures, 0);
	assert_int_equal(ys[0].items, 0);
	/* importing the same file again replaces, it does not add */
	assert_int_equal(reg_channel_stats.import_csv(&f->rc, text, len, NULL, false, &rep), 0);
	assert_int_equal(nfigures(f, f->org.id), 96);
	assert_int_equal(channel_stats_year(f->db, &f->a, f->org.id, 2020, &ys, &n), 0);
	assert_int_equal(ys[0].items, 5093);
	/* the other org sees nothing */
	assert_int_equal(channel_stats_year(f->db, &f->a, f->other.id, 2020, &ys, &n), 0);
	assert_int_equal(n, 0);
}

/* ---- import errors ---- */

static void test_import_refuses_bad_rows(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;

	import_ok(f, HEADER "网站,门户网站,2020,1,动态类,10,\n");
	/* unknown channel without a type */
	import_refused(f, HEADER "网站,,2020,2,动态类,5,\n微博号,,2020,1,阅读量,5,\n", "第 3 行", "渠道类型");
	/* new media metric that is not one of the four; a portal with a new media metric */
	import_refused(f, HEADER "公众号,政务新媒体,2020,1,点赞数,5,\n", "第 2 行", "点赞数");
	import_refused(f, HEADER "网站,门户网站,2020,1,阅读量,5,\n", "第 2 行", "内容类别");
	/* month, year, value */
	import_refused(f, HEADER "网站,,2020,13,动态类,5,\n", "第 2 行", "月份");
	import_refused(f, HEADER "网站,,1890,1,动态类,5,\n", "第 2 行", "年度");
	import_refused(f, HEADER "网站,,2020,1,动态类,-5,\n", "第 2 行", "数值");
	import_refused(f, HEADER "网站,,2020,1,动态类,,\n", "第 2 行", "数值");
	/* a type that does not match the stored channel */
	import_refused(f, HEADER "网站,政务新媒体,2020,1,推送次数,5,\n", "第 2 行", "不符");
	import_refused(f, HEADER "网站,网页,2020,1,动态类,5,\n", "第 2 行", "渠道类型");
	/* the same key twice */
	import_refused(f, HEADER "网站,,2020,1,公告类,5,\n网站,,2020,1,公告类,6,\n", "第 3 行", "重复");
	/* one bad row among good ones: nothing stored, not even the new channel */
	import_refused(f,
		       HEADER "新网站,门户网站,2020,1,动态类,5,\n新网站,,2020,2,动态类,6,\n新网站,,2020,3,动态类,x,\n",
		       "第 4 行", NULL);
	/* 渠道类型 and 说明 may be left out; 数值 may not */
	import_ok(f, "渠道,年度,月份,指标,数值\n网站,2020,1,动态类,11\n");
	assert_int_equal(import_text(f, &f->rc, "渠道,渠道类型,年度,月份,指标\n网站,,2020,1,动态类\n", false, &rep),
			 ERR_INVALID);
	assert_true(rep.nerrors >= 1);
	assert_chinese(rep.errors[0]);
	/* every bad row is reported */
	assert_int_equal(import_text(f, &f->rc, HEADER "网站,,2020,0,动态类,1,\n网站,,2020,1,动态类,y,\n", false, &rep),
			 ERR_INVALID);
	assert_int_equal(rep.nerrors, 2);
	assert_int_equal(nfigures(f, f->org.id), 1);
}

static void test_import_units_types_and_limits(void **state)
{
	struct fx *f = *state;
	struct chan_year y;
	struct stat_channel ch;
	struct csv_report rep;
	struct buf b;

	/* 2020年, 3月, thousands separators, a platform alone as the type, ASCII brackets */
	import_ok(f, HEADER "桐乡教育,微信公众号,2020年,3月,阅读量,\"1,234\",\n"
			    "抖音号,政务新媒体(抖音),2020,3,推送次数,7,\n");
	assert_int_equal(store_stat_channel_by_name(f->db, &f->a, f->org.id, "桐乡教育", &ch), 0);
	assert_string_equal(ch.type, "new_media");
	assert_string_equal(ch.platform, "微信公众号");
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, ch.id, 2020, &y), 0);
	assert_int_equal(y.reads, 1234);
	assert_int_equal(store_stat_channel_by_name(f->db, &f->a, f->org.id, "抖音号", &ch), 0);
	assert_string_equal(ch.platform, "抖音");
	/* a second row of a channel the file created may leave the type out */
	import_ok(f, HEADER "视频号,政务新媒体,2021,1,推送次数,1,\n视频号,,2021,2,推送次数,2,\n");
	/* at most CHAN_METRICS_MAX metrics per channel and year */
	buf_init(&b, &f->a, 1 << 16);
	buf_puts(&b, HEADER);
	for (int i = 0; i <= CHAN_METRICS_MAX; i++)
		buf_printf(&b, "大网站,门户网站,2020,1,类别%d,1,\n", i);
	assert_int_equal(import_text(f, &f->rc, buf_cstr(&b), false, &rep), ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "超过"));
	assert_chinese(rep.errors[0]);
	assert_int_equal(store_stat_channel_by_name(f->db, &f->a, f->org.id, "大网站", &ch), ERR_NOT_FOUND);
	/* a label with a line break is refused */
	import_refused(f, HEADER "桐乡教育,,2020,4,最高单条阅读,5,\"第一行\n第二行\"\n", "第 2 行", "说明");
}

/* ---- how a year adds up ---- */

static void test_year_totals(void **state)
{
	struct fx *f = *state;
	struct chan_year *ys;
	const struct chan_year *wx;
	const struct chan_metric_year *m;
	size_t n;

	/* followers given up to October: the year's figure is October's;
	 * the best month ties: the earliest wins with its title */
	import_ok(f, HEADER "号,政务新媒体,2022,1,关注人数,100,\n"
			    "号,,2022,10,关注人数,150,\n"
			    "号,,2022,5,关注人数,130,\n"
			    "号,,2022,3,最高单条阅读,900,三月标题\n"
			    "号,,2022,7,最高单条阅读,900,七月标题\n"
			    "号,,2022,2,最高单条阅读,100,\n"
			    "号,,2022,2,推送次数,3,\n"
			    "号,,2022,8,推送次数,4,\n"
			    "杂志,其他,2022,1,印发期数,2,\n"
			    "杂志,其他,2022,2,印发期数,1,\n");
	assert_int_equal(channel_stats_year(f->db, &f->a, f->org.id, 2022, &ys, &n), 0);
	assert_int_equal(n, 2);
	wx = find_channel(ys, n, "号");
	assert_int_equal(wx->followers, 150);
	assert_int_equal(wx->followers_month, 10);
	assert_int_equal(wx->top_reads, 900);
	assert_int_equal(wx->top_month, 3);
	assert_string_equal(wx->top_title, "三月标题");
	assert_int_equal(wx->pushes, 7);
	assert_int_equal(wx->reads, 0);
	/* the metrics in grid order: the new media four */
	assert_string_equal(wx->metrics[0].metric, METRIC_PUSHES);
	assert_string_equal(wx->metrics[1].metric, METRIC_FOLLOWERS);
	assert_string_equal(wx->metrics[2].metric, METRIC_TOP);
	m = find_metric(wx, METRIC_FOLLOWERS);
	assert_true(m->has[4] && !m->has[11]);
	assert_int_equal(m->kind, METRIC_STOCK);
	assert_int_equal(find_channel(ys, n, "杂志")->items, 3);
	assert_int_equal(find_channel(ys, n, "杂志")->type->id, CHAN_OTHER);
}

/* ---- the grid ---- */

static struct chan_grid_col col(const char *old, const char *name, const char *const cells[12])
{
	struct chan_grid_col c = { .old_metric = old, .metric = name };

	for (int m = 0; m < 12; m++)
		c.cell[m] = cells ? cells[m] : NULL;
	return c;
}

static void test_grid_save(void **state)
{
	struct fx *f = *state;
	struct stat_channel web, wx;
	struct chan_year y;
	const char *msg = NULL;
	static const char *const dyn[12] = { "10", "1,200", " 30 ", "", NULL, "0", "", "", "", "", "", "５" };
	static const char *const bad[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "十", "11", "12" };
	static const char *const ann[12] = { "1" };
	struct chan_grid_col cols[4];
	struct chan_grid g = { .year = 2021, .cols = cols };

	assert_int_equal(channel_add(&f->cc, "桐乡智慧教育网", "门户网站", "", &web, &msg), 0);
	assert_int_equal(channel_add(&f->cc, "桐乡教育", "new_media", "微信公众号", &wx, &msg), 0);
	/* a CSV note on 公告类 in March */
	import_ok(f, HEADER "桐乡智慧教育网,,2021,3,公告类,9,含转载\n桐乡智慧教育网,,2020,3,公告类,4,\n");

	/* two columns: 动态类 new, 公告类 kept as it is */
	cols[0] = col("", "动态类", dyn);
	cols[1] = col("", "", NULL);
	g.ncols = 2;
	if (channel_grid_save(&f->cc, web.id, &g, &msg))
		fail_msg("grid: %s", msg);
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, web.id, 2021, &y), 0);
	assert_int_equal(find_metric(&y, "动态类")->total, 10 + 1200 + 30 + 0 + 5);
	assert_true(find_metric(&y, "动态类")->has[5]);   /* 0 is a figure */
	assert_false(find_metric(&y, "动态类")->has[3]);  /* empty is none */
	assert_int_equal(find_metric(&y, "公告类")->total, 9);
	assert_int_equal(y.items, 1254);

	/* a bad cell: refused whole, the cell named, nothing changed */
	cols[0] = col("动态类", "动态类", bad);
	cols[1] = col("公告类", "公告类", ann);
	g.ncols = 2;
	assert_int_equal(channel_grid_save(&f->cc, web.id, &g, &msg), ERR_INVALID);
	assert_chinese(msg);
	assert_non_null(strstr(msg, "10 月"));
	assert_int_equal(g.err_col, 0);
	assert_int_equal(g.err_month, 10);
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, web.id, 2021, &y), 0);
	assert_int_equal(y.items, 1254);

	/* rename 公告类 to 通知公告类: its note stays; clear 动态类 */
	cols[0] = col("动态类", "动态类", NULL);
	cols[1] = col("公告类", "通知公告类", (const char *const[12]){ "", "", "9", "2" });
	g.ncols = 2;
	if (channel_grid_save(&f->cc, web.id, &g, &msg))
		fail_msg("grid: %s", msg);
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, web.id, 2021, &y), 0);
	assert_int_equal(y.nmetrics, 1);
	assert_string_equal(y.metrics[0].metric, "通知公告类");
	assert_int_equal(y.metrics[0].total, 11);
	assert_string_equal(y.metrics[0].label[2], "含转载");
	/* 2020 is another year: untouched */
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, web.id, 2020, &y), 0);
	assert_int_equal(find_metric(&y, "公告类")->total, 4);

	/* names: twice the same; values without a name; a new media metric on a portal;
	 * a new column named like a metric the year has */
	cols[0] = col("", "法规类", ann);
	cols[1] = col("", "法规类", ann);
	g.ncols = 2;
	assert_int_equal(channel_grid_save(&f->cc, web.id, &g, &msg), ERR_INVALID);
	assert_int_equal(g.err_col, 1);
	cols[1] = col("", "", ann);
	assert_int_equal(channel_grid_save(&f->cc, web.id, &g, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "指标名称"));
	cols[1] = col("", METRIC_READS, ann);
	assert_int_equal(channel_grid_save(&f->cc, web.id, &g, &msg), ERR_INVALID);
	cols[0] = col("", "通知公告类", ann);
	g.ncols = 1;
	assert_int_equal(channel_grid_save(&f->cc, web.id, &g, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "已有"));
	assert_chinese(msg);

	/* new media: the four metrics and the best item's titles */
	cols[0] = col(METRIC_PUSHES, METRIC_PUSHES, (const char *const[12]){ "60", "58" });
	cols[1] = col(METRIC_READS, METRIC_READS, (const char *const[12]){ "420000", "610000" });
	cols[2] = col(METRIC_FOLLOWERS, METRIC_FOLLOWERS, (const char *const[12]){ "98600", "101200" });
	cols[3] = col(METRIC_TOP, METRIC_TOP, (const char *const[12]){ "38600", "86400" });
	g.ncols = 4;
	g.top_title[0] = "寒假致家长的一封信";
	g.top_title[1] = "延期开学安排";
	g.top_title[2] = "没有数字的标题";
	assert_int_equal(channel_grid_save(&f->cc, wx.id, &g, &msg), ERR_INVALID);
	assert_int_equal(g.err_col, 3);
	assert_int_equal(g.err_month, 3);
	g.top_title[2] = NULL;
	if (channel_grid_save(&f->cc, wx.id, &g, &msg))
		fail_msg("grid: %s", msg);
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, wx.id, 2021, &y), 0);
	assert_int_equal(y.pushes, 118);
	assert_int_equal(y.reads, 1030000);
	assert_int_equal(y.followers, 101200);
	assert_int_equal(y.top_reads, 86400);
	assert_string_equal(y.top_title, "延期开学安排");
	/* a content type is not a new media metric */
	cols[0] = col("", "动态类", ann);
	g.ncols = 1;
	assert_int_equal(channel_grid_save(&f->cc, wx.id, &g, &msg), ERR_INVALID);
	/* a year out of range */
	g.year = 1800;
	assert_int_equal(channel_grid_save(&f->cc, wx.id, &g, &msg), ERR_INVALID);
	/* another org's channel */
	{
		struct chan_ctx oc = f->cc;

		oc.org_id = f->other.id;
		g.year = 2021;
		cols[0] = col(METRIC_PUSHES, METRIC_PUSHES, ann);
		assert_int_equal(channel_grid_save(&oc, wx.id, &g, &msg), ERR_NOT_FOUND);
	}
	assert_int_equal(channel_stats_channel_year(f->db, &f->a, f->org.id, wx.id, 2021, &y), 0);
	assert_int_equal(y.pushes, 118);
}

/* ---- channels ---- */

static void test_channels(void **state)
{
	struct fx *f = *state;
	struct stat_channel web, ch;
	const char *msg = NULL;
	struct chan_ctx oc = f->cc;

	oc.org_id = f->other.id;
	assert_int_equal(channel_add(&f->cc, "  桐乡智慧教育网 ", "portal", "www.zjtxedu.org", &web, &msg), 0);
	assert_string_equal(web.name, "桐乡智慧教育网");
	assert_int_equal(channel_add(&f->cc, "桐乡智慧教育网", "其他", "", NULL, &msg), ERR_CONFLICT);
	assert_chinese(msg);
	assert_int_equal(channel_add(&f->cc, "", "portal", "", NULL, &msg), ERR_INVALID);
	assert_int_equal(channel_add(&f->cc, "新渠道", "网页", "", NULL, &msg), ERR_INVALID);
	assert_chinese(msg);
	/* the same name in another org is fine */
	assert_int_equal(channel_add(&oc, "桐乡智慧教育网", "portal", "", &ch, &msg), 0);

	import_ok(f, HEADER "桐乡智慧教育网,,2020,1,动态类,10,\n");
	/* a type the figures do not fit */
	assert_int_equal(channel_edit(&f->cc, web.id, "桐乡智慧教育网", "new_media", "", &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "动态类"));
	/* rename, and to a name taken */
	assert_int_equal(channel_edit(&f->cc, web.id, "桐乡教育网", "other", "www.zjtxedu.org", &msg), 0);
	assert_int_equal(channel_add(&f->cc, "第二个", "portal", "", &ch, &msg), 0);
	assert_int_equal(channel_edit(&f->cc, ch.id, "桐乡教育网", "portal", "", &msg), ERR_CONFLICT);
	/* another org's channel */
	assert_int_equal(channel_edit(&oc, web.id, "x", "portal", "", &msg), ERR_NOT_FOUND);
	assert_int_equal(channel_remove(&oc, web.id, true, &msg), ERR_NOT_FOUND);
	/* removing one with figures needs the flag */
	assert_int_equal(channel_remove(&f->cc, web.id, false, &msg), ERR_INVALID);
	assert_chinese(msg);
	assert_int_equal(nfigures(f, f->org.id), 1);
	assert_int_equal(channel_remove(&f->cc, web.id, true, &msg), 0);
	assert_int_equal(nfigures(f, f->org.id), 0);
	assert_int_equal(channel_remove(&f->cc, ch.id, false, &msg), 0);
	assert_int_equal(store_stat_channel_get(f->db, &f->a, f->org.id, web.id, &ch), ERR_NOT_FOUND);
}

static void test_type_parse(void **state)
{
	struct fx *f = *state;
	const struct chan_type_info *t;
	const char *p, *msg;

	assert_int_equal(chan_type_parse(&f->a, "政务新媒体（微信公众号）", &t, &p, &msg), 0);
	assert_int_equal(t->id, CHAN_NEW_MEDIA);
	assert_string_equal(p, "微信公众号");
	assert_int_equal(chan_type_parse(&f->a, " 门户网站 ", &t, &p, &msg), 0);
	assert_int_equal(t->id, CHAN_PORTAL);
	assert_string_equal(p, "");
	assert_int_equal(chan_type_parse(&f->a, "微博", &t, &p, &msg), 0);
	assert_int_equal(t->id, CHAN_NEW_MEDIA);
	assert_int_equal(chan_type_parse(&f->a, "其他(内部刊物)", &t, &p, &msg), 0);
	assert_int_equal(t->id, CHAN_OTHER);
	assert_string_equal(p, "内部刊物");
	assert_int_equal(chan_type_parse(&f->a, "报纸（）", &t, &p, &msg), ERR_INVALID);
	assert_int_equal(chan_type_parse(&f->a, "政务新媒体（", &t, &p, &msg), ERR_INVALID);
	assert_chinese(msg);
	assert_int_equal(chan_metric_kind(METRIC_FOLLOWERS), METRIC_STOCK);
	assert_int_equal(chan_metric_kind(METRIC_TOP), METRIC_MAX);
	assert_int_equal(chan_metric_kind("动态类"), METRIC_FLOW);
}

/* ---- export, read back; the statistics page's series ---- */

static void test_export_round_trip_and_series(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;
	struct buf b;
	struct chan_year *ys;
	struct reg_series *s;
	size_t len, n;
	char *text = slurp(&f->a, DEMO, &len);

	assert_int_equal(reg_channel_stats.import_csv(&f->rc, text, len, NULL, false, &rep), 0);
	import_ok(f, HEADER "桐乡智慧教育网,,2019,12,动态类,7,\n");
	/* one year */
	buf_init(&b, &f->a, 1 << 20);
	assert_int_equal(reg_channel_stats.export_csv(&f->rc, 2020, false, &b), 0);
	assert_int_equal(memcmp(b.p, "\xEF\xBB\xBF" "渠道,渠道类型,年度,月份,指标,数值,说明\r\n", 3 + strlen(HEADER) + 1), 0);
	assert_non_null(strstr(buf_cstr(&b), "桐乡教育,政务新媒体（微信公众号）,2020,6,最高单条阅读,103000,"
					     "2020年桐乡市义务教育阶段学校招生入学公告\r\n"));
	assert_null(strstr(buf_cstr(&b), ",2019,"));
	/* read back into another org: the same year */
	assert_int_equal(reg_channel_stats.import_csv(&f->rc_other, b.p, b.n, NULL, false, &rep), 0);
	assert_int_equal(rep.stored, 96);
	assert_int_equal(channel_stats_year(f->db, &f->a, f->other.id, 2020, &ys, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ys[0].items, 5093);
	assert_int_equal(ys[1].reads, 6950000);
	assert_int_equal(ys[1].followers, 121500);
	assert_string_equal(ys[1].top_title, "2020年桐乡市义务教育阶段学校招生入学公告");
	/* every year */
	buf_init(&b, &f->a, 1 << 20);
	assert_int_equal(reg_channel_stats.export_csv(&f->rc, 0, false, &b), 0);
	assert_non_null(strstr(buf_cstr(&b), ",2019,12,动态类,7,"));

	/* series: four content types and the pushes */
	assert_int_equal(reg_channel_stats.year_series(f->db, &f->a, f->org.id, 2020, &s, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(s[0].label, "桐乡智慧教育网 · 动态类");
	assert_int_equal(s[0].total, 3126);
	assert_int_equal(s[0].month[0], 230);
	assert_int_equal(s[0].total + s[1].total + s[2].total + s[3].total, 5093);
	assert_string_equal(s[4].label, "桐乡教育 · 推送次数");
	assert_int_equal(s[4].total, 712);
	assert_int_equal(reg_channel_stats.year_series(f->db, &f->a, f->org.id, 2018, &s, &n), 0);
	assert_int_equal(n, 0);
	assert_string_equal(reg_channel_stats.code, "channel-stats");
	assert_string_equal(reg_channel_stats.label, "公开渠道数据");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_demo_file_gives_the_seed_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_refuses_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_units_types_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_year_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grid_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_round_trip_and_series, setup, teardown),
	};

	(void)D; /* file_util.h's day helper: channel figures have no days */
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
