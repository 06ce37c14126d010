/* report.c - the annual report (政府信息公开工作年度报告): its figures from
 * the records, the statutory tables of the report year's format, the
 * document, and the Markdown, HTML and JSON renderers. See report.h and
 * ../shared/spec/annual-report.md (labels verbatim).
 *
 * Decisions where the spec is silent:
 * - Format by report year only: 2019-2020 〔2019〕60号, 2021 on 〔2021〕30号.
 *   Heading 五 is "五、政府信息公开工作存在的主要问题及改进情况" in the 2019
 *   format (the Shanghai 2019 wording; the README accepts both) and
 *   "五、存在的主要问题及改进情况" in the 2021 format.
 * - Table 二 第二十条第（一）项 counts published catalog items of 体裁 规章 /
 *   行政规范性文件 (store_report_genres): 2019 本年新制作数量 = 成文日期 in the
 *   year and published by its end, 本年新公开数量 = 发布日期 in the year,
 *   对外公开总数量 = published by the year's end; 2021 本年制发件数 =
 *   发布日期 in the year, 本年废止件数 = 废止/失效 dated in the year,
 *   现行有效件数 = in force at the year's end.
 * - 2019 第二十条第（五）（六）项 上一年项目数量 and 本年增/减 come from the
 *   staff (report_narrative.items_prev / items_delta, four entries in
 *   report_t2 order); 第（八）项 上一年项目数量 is the count of fee items in
 *   force the year before (fees_year of year - 1) and 本年增/减 the change
 *   to this year's count. 采购总金额 is in 元: whole yuan without decimals
 *   ("251000"), else two decimals. The 2021 本年收费金额 is 万元 with four
 *   decimals ("0.0000" when nothing was charged).
 * - report_figures.t3 holds the 2021 rows; for a 2019/2020 report the
 *   three 其他处理 rows are added into the first (row 6.1) and the other
 *   two are 0, so the folded table's （六） is outcome[APP_ROWS - 3].
 * - The catalog sentence groups the items of a year by top-level category
 *   (a child category's items count under its top-level parent), in the
 *   org's category order, listing only categories with items.
 * - Staff text: every line is a paragraph (blank lines are dropped), as a
 *   Chinese document pasted line by line reads.
 * - The default 五 states the facts that are problems (replies after the
 *   legal limit, 政民互动 answered late, applications carried forward) or
 *   that there were none; the default 六 states the 信息处理费.
 *
 * JSON (report_render_json), one object:
 *   year                 the report year (number)
 *   format               2019 or 2021 (number)
 *   format_name          "国办公开办函〔2019〕60号" / "国办公开办函〔2021〕30号"
 *   org                  {"name"}
 *   title                "{机构名称}{年}年政府信息公开工作年度报告"
 *   sections             [{"heading", "paragraphs": [text...], "table": "t2"|"t3"|"t4"|null}],
 *                        the six sections in order; a section's table follows its paragraphs
 *   tables               {"t2", "t3", "t4"}: each {"title", "nrows", "ncols", "rows"}, rows an
 *                        array of rows, a row an array of the cells that start there:
 *                        {"col", "text", "rowspan", "colspan", "head", "num"}
 *   active               table 二's figures (numbers): 2021 format:
 *                        {"rules", "normative"}: {"issued", "repealed", "in_force"};
 *                        {"licensing", "penalty", "coercion"}: {"decisions"};
 *                        "fees": {"amount_fen", "amount_wan" (text, 4 decimals)};
 *                        2019 format: {"rules", "normative"}: {"made", "newly", "total"};
 *                        {"licensing", "services", "penalty", "coercion"}: {"prev", "delta", "decisions"};
 *                        "fees": {"prev", "delta"}; "procurement": {"count", "amount_fen", "amount_yuan"}
 *   applications.rows    table 三's data rows in order: {"key", "group", "label", "natural_person",
 *                        "commercial", "research", "social_welfare", "legal_service", "other_org",
 *                        "total"}; key "new", "carried_in", the outcome row keys of taxonomy.h
 *                        ("1", "2", "3.1" ... "6.3"; "6" for the 2019 format's one 其他处理 row),
 *                        "concluded", "carried_out"; group the level-2 label ("" for 一 二 四),
 *                        label the statutory label of the row itself
 *   reviews              {"reconsideration", "litigation_direct", "litigation_after_review"}: each
 *                        {"upheld", "corrected", "other", "pending", "total"}
 *   published_items      catalog items published in the year
 *   information_fee      {"fen", "yuan" (text)}: 信息处理费 paid in the year
 *   facts                [{"key", "section", "text"}]: the ready sentences
 *   warnings             [text]
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/cases.h"
#include "domain/applications/taxonomy.h"
#include "domain/catalog/catalog.h"
#include "domain/registers/channel_stats.h"
#include "domain/registers/decisions.h"
#include "domain/registers/interactions.h"
#include "domain/registers/proposals.h"
#include "domain/registers/reviews.h"
#include "domain/report/report.h"
#include "render/html.h"
#include "store/db.h"
#include "domain/platform/platform.h"
#include "store/platform.h"
#include "store/report_figures.h"
#include "store/store.h"
#include "core/banned.h"

enum {
	SENT_MAX = 64 * 1024,       /* one generated sentence or paragraph */
	FACTS_MAX = 16,
	WARNINGS_MAX = 8,
	NARRATIVE_MAX = 200 * 1024, /* bytes of one section written by staff */
	ROW_6_1 = APP_ROWS - 3,     /* （六）其他处理 1. */
};

int report_format_of(int year)
{
	if (year < REPORT_FIRST_YEAR)
		return 0;
	return year <= 2020 ? REPORT_FMT_2019 : REPORT_FMT_2021;
}

static const char *const headings_2019[6] = {
	"一、总体情况",
	"二、主动公开政府信息情况",
	"三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况",
	"五、政府信息公开工作存在的主要问题及改进情况",
	"六、其他需要报告的事项",
};

static const char *const headings_2021[6] = {
	"一、总体情况",
	"二、主动公开政府信息情况",
	"三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况",
	"五、存在的主要问题及改进情况",
	"六、其他需要报告的事项",
};

const char *const *report_headings(int format)
{
	if (format == REPORT_FMT_2019)
		return headings_2019;
	if (format == REPORT_FMT_2021)
		return headings_2021;
	return NULL;
}

static const char *format_name(int format)
{
	return format == REPORT_FMT_2019 ? "国办公开办函〔2019〕60号" : "国办公开办函〔2021〕30号";
}

/* ==== the figures ==== */

static long long sum6(const long long v[APP_COLS])
{
	long long s = 0;

	for (int i = 0; i < APP_COLS; i++)
		s += v[i];
	return s;
}

/* Table 三 from store_report_app_groups (app_year_counts' rules). */
static int t3_group(void *ctx, const char *type, int is_new, const char *outcome, long long n)
{
	struct app_year_counts *y = ctx;
	int col = app_applicant_col(type);

	if (col < 0)
		return ERR_INVALID;
	if (is_new)
		y->received[col] += n;
	else
		y->carried_in[col] += n;
	if (outcome) {
		const struct app_outcome *o = app_outcome_find(outcome);

		if (!o)
			return ERR_INVALID;
		y->outcome[o->row][col] += n;
		y->concluded[col] += n;
	} else {
		y->carried_out[col] += n;
	}
	return 0;
}

static int year_counts(struct db *db, long long org_id, int year, struct app_year_counts *y)
{
	memset(y, 0, sizeof(*y));
	y->year = year;
	return store_report_app_groups(db, org_id, year, t3_group, y);
}

/* Builder of the figures: facts and warnings go into fixed arrays. */
struct fb {
	struct db *db;
	struct arena *a;
	const struct org *org;
	int year;
	struct report_figures *f;
	/* what the sentences need besides report_figures */
	struct category *cats;
	size_t ncats;
	struct chan_year *chans;
	size_t nchans;
	struct ia_counts ia;
	struct prop_counts pc;
	long long dec[DEC_KINDS];
	long long fee_apps;
	long long apps_late;
};

static int add_fact(struct fb *b, const char *key, const char *section, struct buf *text)
{
	struct report_fact *x;

	if (text->err)
		return text->err;
	if (b->f->nfacts >= FACTS_MAX)
		return ERR_INTERNAL;
	x = &b->f->facts[b->f->nfacts++];
	x->key = key;
	x->section = section;
	x->text = buf_cstr(text);
	return 0;
}

static int add_warning(struct fb *b, const char *text)
{
	if (!text)
		return ERR_NOMEM;
	if (b->f->nwarnings < WARNINGS_MAX)
		b->f->warnings[b->f->nwarnings++] = text;
	return 0;
}

/* "主动公开政府信息N条，其中政策文件a条、…" by top-level category. */
static int fact_catalog(struct fb *b)
{
	struct category *tree;
	int *depth;
	long long *tops;
	size_t ntop = 0;
	struct buf t;
	int rc;

	if ((rc = catalog_category_tree(b->a, b->cats, b->ncats, &tree, &depth)))
		return rc;
	if (!(tops = arena_zalloc(b->a, (b->ncats ? b->ncats : 1) * sizeof(*tops))))
		return ERR_NOMEM;
	/* tree order: each top-level category, then its descendants */
	for (size_t i = 0; i < b->ncats; i++) {
		if (depth[i] == 0 || ntop == 0)
			tops[ntop++] = (long long)i;
		else
			tree[tops[ntop - 1]].published += tree[i].published;
	}
	buf_init(&t, b->a, SENT_MAX);
	if (b->f->published_items == 0) {
		buf_printf(&t, "%d年，未主动公开政府信息。", b->year);
	} else {
		size_t listed = 0;

		buf_printf(&t, "%d年，主动公开政府信息%lld条", b->year, b->f->published_items);
		for (size_t i = 0; i < ntop; i++) {
			const struct category *c = &tree[tops[i]];

			if (c->published <= 0)
				continue;
			buf_printf(&t, "%s%s%lld条", listed ? "、" : "，其中", c->name, c->published);
			listed++;
		}
		buf_puts(&t, "。");
	}
	return add_fact(b, "catalog", "一", &t);
}

/* The portals: "在X共发布动态类、公告类等信息N条。" */
static int fact_portals(struct fb *b)
{
	struct buf t;

	buf_init(&t, b->a, SENT_MAX);
	for (size_t i = 0; i < b->nchans; i++) {
		const struct chan_year *c = &b->chans[i];
		size_t listed = 0, nz = 0;

		if (c->type->id != CHAN_PORTAL || c->items <= 0)
			continue;
		for (size_t m = 0; m < c->nmetrics; m++)
			nz += c->metrics[m].kind == METRIC_FLOW && c->metrics[m].total > 0;
		buf_printf(&t, "%d年，在%s共发布", b->year, c->ch.name);
		for (size_t m = 0; m < c->nmetrics; m++) {
			if (c->metrics[m].kind != METRIC_FLOW || c->metrics[m].total <= 0)
				continue;
			buf_printf(&t, "%s%s", listed ? "、" : "", c->metrics[m].metric);
			listed++;
		}
		buf_printf(&t, "%s信息%lld条。", nz > 1 ? "等" : "", c->items);
	}
	if (t.n == 0)
		return 0;
	return add_fact(b, "portal", "一", &t);
}

/* New media accounts: pushes, reads, followers at the year's end, the
 * most-read item. WeChat accounts under "wechat", others "new_media". */
static int fact_new_media(struct fb *b, bool wechat)
{
	struct buf t;

	buf_init(&t, b->a, SENT_MAX);
	for (size_t i = 0; i < b->nchans; i++) {
		const struct chan_year *c = &b->chans[i];
		const char *pf = c->ch.platform && *c->ch.platform ? c->ch.platform : "政务新媒体";
		bool is_wechat = strstr(pf, "微信") != NULL;
		int parts = 0;

		if (c->type->id != CHAN_NEW_MEDIA || c->nfigures == 0 || is_wechat != wechat)
			continue;
		buf_printf(&t, "%d年，“%s”%s", b->year, c->ch.name, pf);
		if (c->pushes > 0)
			buf_printf(&t, "%s推送信息%lld次", parts++ ? "，" : "", c->pushes);
		if (c->reads > 0)
			buf_printf(&t, "%s总阅读量%lld人次", parts++ ? "，" : "", c->reads);
		if (c->has_followers)
			buf_printf(&t, "%s年末关注人数%lld人", parts++ ? "，" : "", c->followers);
		if (c->has_top) {
			buf_printf(&t, "%s最高单条阅读%lld人次", parts++ ? "，" : "", c->top_reads);
			if (c->top_title && *c->top_title)
				buf_printf(&t, "（《%s》）", c->top_title);
		}
		if (!parts)
			buf_puts(&t, "本年度无发布数据");
		buf_puts(&t, "。");
	}
	if (t.n == 0)
		return 0;
	return add_fact(b, wechat ? "wechat" : "new_media", "一", &t);
}

static int fact_interactions(struct fb *b)
{
	struct buf t;
	size_t listed = 0;

	if (b->ia.total <= 0)
		return 0;
	buf_init(&t, b->a, SENT_MAX);
	buf_printf(&t, "%d年，共受理各类政策咨询及信访件%lld件", b->year, b->ia.total);
	for (size_t i = 0; i < b->ia.nchannels; i++) {
		const struct ia_channel_count *c = &b->ia.channels[i];

		if (c->total <= 0)
			continue;
		buf_printf(&t, "%s%s%lld件", listed ? "、" : "，其中", c->name, c->total);
		listed++;
	}
	buf_puts(&t, "。");
	return add_fact(b, "interactions", "一", &t);
}

static int fact_proposals(struct fb *b)
{
	const char *s = NULL;
	struct buf t;
	int rc;

	if ((rc = prop_counts_text(b->a, &b->pc, &s)))
		return rc;
	if (!s || !*s)
		return 0;
	buf_init(&t, b->a, SENT_MAX);
	buf_printf(&t, "%d年，%s。", b->year, s);
	return add_fact(b, "proposals", "一", &t);
}

static int fact_decisions(struct fb *b)
{
	static const struct {
		int kind;
		const char *fmt;
	} parts[] = {
		{ DEC_LICENSE, "办理行政许可%lld件" },
		{ DEC_PENALTY, "作出行政处罚决定%lld件" },
		{ DEC_COERCION, "作出行政强制决定%lld件" },
	};
	struct buf t;
	int n = 0;

	buf_init(&t, b->a, SENT_MAX);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (b->dec[parts[i].kind] <= 0)
			continue;
		buf_puts(&t, n++ ? "，" : "");
		if (n == 1)
			buf_printf(&t, "%d年，", b->year);
		buf_printf(&t, parts[i].fmt, b->dec[parts[i].kind]);
	}
	if (!n)
		return 0;
	buf_puts(&t, "。");
	return add_fact(b, "decisions", "一", &t);
}

static int fact_applications(struct fb *b)
{
	const struct app_year_counts *y = &b->f->t3;
	long long rec = sum6(y->received), in = sum6(y->carried_in), done = sum6(y->concluded),
		  out = sum6(y->carried_out), person = y->received[0], orgs = rec - y->received[0];
	struct buf t;

	buf_init(&t, b->a, SENT_MAX);
	if (rec == 0 && in == 0) {
		buf_printf(&t, "%d年，未收到政府信息公开申请。", b->year);
		return add_fact(b, "applications", "一", &t);
	}
	if (rec > 0) {
		buf_printf(&t, "%d年，共收到政府信息公开申请%lld件", b->year, rec);
		if (person > 0 && orgs > 0)
			buf_printf(&t, "，其中自然人%lld件、法人或其他组织%lld件", person, orgs);
		else
			buf_puts(&t, person > 0 ? "，均由自然人提出" : "，均由法人或其他组织提出");
	} else {
		buf_printf(&t, "%d年，未收到新的政府信息公开申请", b->year);
	}
	if (in > 0)
		buf_printf(&t, "；上年结转%lld件", in);
	if (done > 0)
		buf_printf(&t, "；办结%lld件", done);
	if (out > 0)
		buf_printf(&t, "%s结转下年度继续办理%lld件", done > 0 ? "，" : "；", out);
	buf_puts(&t, "。");
	return add_fact(b, "applications", "一", &t);
}

static int fact_reviews(struct fb *b)
{
	static const char *const results[4] = { "结果维持", "结果纠正", "其他结果", "尚未审结" };
	const long long *v = b->f->t4;
	long long suits = v[9] + v[14];
	struct buf t;

	buf_init(&t, b->a, SENT_MAX);
	if (v[4] == 0 && suits == 0) {
		buf_printf(&t, "%d年，未发生因政府信息公开工作引起的行政复议、行政诉讼。", b->year);
		return add_fact(b, "reviews", "四", &t);
	}
	buf_printf(&t, "%d年，", b->year);
	if (v[4] > 0) {
		int listed = 0;

		buf_printf(&t, "本机关因政府信息公开工作被申请行政复议%lld件", v[4]);
		for (int i = 0; i < 4; i++)
			if (v[i] > 0)
				buf_printf(&t, "%s%s%lld件", listed++ ? "、" : "，其中", results[i], v[i]);
	} else {
		buf_puts(&t, "本机关未因政府信息公开工作被申请行政复议");
	}
	if (suits > 0) {
		buf_printf(&t, "；被提起政府信息公开行政诉讼%lld件", suits);
		if (v[9] > 0 && v[14] > 0)
			buf_printf(&t, "，其中未经复议直接起诉%lld件、复议后起诉%lld件", v[9], v[14]);
		else
			buf_puts(&t, v[9] > 0 ? "，均为未经复议直接起诉" : "，均为复议后起诉");
	} else {
		buf_puts(&t, "；未被提起政府信息公开行政诉讼");
	}
	buf_puts(&t, "。");
	return add_fact(b, "reviews", "四", &t);
}

static int fact_fees(struct fb *b)
{
	struct buf t;

	buf_init(&t, b->a, SENT_MAX);
	if (b->f->fee_collected_fen <= 0) {
		buf_puts(&t, "本年度未收取信息处理费。");
	} else {
		const char *yuan = money_yuan_plain(b->a, b->f->fee_collected_fen);

		if (!yuan)
			return ERR_NOMEM;
		buf_printf(&t, "本年度依据《政府信息公开信息处理费管理办法》收取信息处理费%s元，涉及政府信息公开申请%lld件。",
			   yuan, b->fee_apps);
	}
	return add_fact(b, "fees", "六", &t);
}

/* 五: the facts that are problems, or that there were none. */
static int fact_timeliness(struct fb *b)
{
	const struct app_year_counts *y = &b->f->t3;
	long long apps = sum6(y->received) + sum6(y->carried_in), out = sum6(y->carried_out);
	struct buf t;
	int n = 0;

	buf_init(&t, b->a, SENT_MAX);
	buf_printf(&t, "%d年，", b->year);
	if (b->apps_late > 0)
		buf_printf(&t, "%s有%lld件政府信息公开申请在法定期限后答复", n++ ? "；" : "", b->apps_late);
	if (b->ia.late > 0)
		buf_printf(&t, "%s有%lld件政民互动事项在办理期限后答复", n++ ? "；" : "", b->ia.late);
	if (out > 0)
		buf_printf(&t, "%s有%lld件政府信息公开申请结转下年度继续办理", n++ ? "；" : "", out);
	if (n == 0) {
		if (apps > 0)
			buf_puts(&t, "本机关办结的政府信息公开申请均在法定期限内答复");
		else
			buf_puts(&t, "本机关未收到政府信息公开申请");
		if (b->ia.total > 0)
			buf_puts(&t, "，政民互动事项均在办理期限内答复");
	}
	buf_puts(&t, "。下一步，本机关将按照《中华人民共和国政府信息公开条例》的规定，继续做好主动公开和依申请公开工作");
	if (b->apps_late > 0 || b->ia.late > 0)
		buf_puts(&t, "，逐件分析逾期答复的原因并加以改进");
	buf_puts(&t, "。");
	return add_fact(b, "timeliness", "五", &t);
}

/* The figures of org alone. */
static int figures_one(struct db *db, struct arena *a, const struct org *org, int year, struct report_figures *out,
		       const char **msg)
{
	struct report_figures *f = out;
	struct fb b = { .db = db, .a = a, .org = org, .year = year, .f = out };
	struct rf_genre g[RF_GENRES];
	long long fee_total = 0, prev_total = 0;
	size_t nfees = 0, nprev = 0;
	int today_y, m, d, rc;

	memset(out, 0, sizeof(*out));
	*msg = NULL;
	date_to_ymd(date_today_cn(), &today_y, &m, &d);
	if (year < REPORT_FIRST_YEAR || year > today_y) {
		*msg = arena_printf(a, "年度应在 %d 年至 %d 年之间", REPORT_FIRST_YEAR, today_y);
		return ERR_INVALID;
	}
	f->year = year;
	f->format = report_format_of(year);
	if (!(f->facts = arena_zalloc(a, FACTS_MAX * sizeof(*f->facts))) ||
	    !(f->warnings = arena_zalloc(a, WARNINGS_MAX * sizeof(*f->warnings))))
		return ERR_NOMEM;

	/* table 二 */
	if ((rc = store_report_genres(db, org->id, year, g)))
		return rc;
	for (int i = 0; i < RF_GENRES; i++) {
		f->t2.made[i] = g[i].made;
		f->t2.newly[i] = g[i].newly;
		f->t2.total[i] = g[i].total;
		f->t2.issued[i] = g[i].newly;
		f->t2.repealed[i] = g[i].repealed;
		f->t2.in_force[i] = g[i].in_force;
	}
	if ((rc = decisions_year_counts(db, org->id, year, b.dec)))
		return rc;
	f->t2.decisions[0] = b.dec[DEC_LICENSE];
	f->t2.decisions[1] = b.dec[DEC_SERVICE];
	f->t2.decisions[2] = b.dec[DEC_PENALTY];
	f->t2.decisions[3] = b.dec[DEC_COERCION];
	if ((rc = fees_year(db, a, org->id, year, NULL, &nfees, &fee_total)) ||
	    (rc = fees_year(db, a, org->id, year - 1, NULL, &nprev, &prev_total)))
		return rc;
	f->t2.fee_fen = fee_total;
	f->t2.fee_items_prev = (long long)nprev;
	f->t2.fee_items_delta = (long long)nfees - (long long)nprev;
	if ((rc = procurements_year(db, org->id, year, &f->t2.procure_count, &f->t2.procure_fen)))
		return rc;

	/* table 三 (folded for the 2019 format), 四 and the fees of 六 */
	if ((rc = year_counts(db, org->id, year, &f->t3)))
		return rc;
	if (f->format == REPORT_FMT_2019)
		for (int c = 0; c < APP_COLS; c++) {
			f->t3.outcome[ROW_6_1][c] += f->t3.outcome[ROW_6_1 + 1][c] + f->t3.outcome[ROW_6_1 + 2][c];
			f->t3.outcome[ROW_6_1 + 1][c] = f->t3.outcome[ROW_6_1 + 2][c] = 0;
		}
	if ((rc = reviews_table4(db, org->id, year, f->t4)))
		return rc;
	if ((rc = store_report_fees_paid(db, org->id, year, &f->fee_collected_fen, &b.fee_apps)) ||
	    (rc = store_report_apps_late(db, org->id, year, &b.apps_late)))
		return rc;

	/* the registers behind the sentences */
	if ((rc = store_report_categories(db, a, org->id, year, &b.cats, &b.ncats)))
		return rc;
	for (size_t i = 0; i < b.ncats; i++)
		f->published_items += b.cats[i].published;
	if ((rc = channel_stats_year(db, a, org->id, year, &b.chans, &b.nchans)) ||
	    (rc = interactions_counts(db, a, org->id, year, &b.ia)) || (rc = prop_counts(db, a, org->id, year, &b.pc)))
		return rc;

	f->fee_apps = b.fee_apps;
	f->apps_late = b.apps_late;
	f->ia_total = b.ia.total;
	f->ia_late = b.ia.late;
	if ((rc = fact_catalog(&b)) || (rc = fact_portals(&b)) || (rc = fact_new_media(&b, true)) ||
	    (rc = fact_new_media(&b, false)) || (rc = fact_interactions(&b)) || (rc = fact_proposals(&b)) ||
	    (rc = fact_decisions(&b)) || (rc = fact_applications(&b)) || (rc = fact_reviews(&b)) ||
	    (rc = fact_timeliness(&b)) || (rc = fact_fees(&b)))
		return rc;

	/* warnings */
	{
		long long any = f->published_items + sum6(f->t3.received) + sum6(f->t3.carried_in) + f->t4[4] +
				f->t4[9] + f->t4[14] + b.ia.total + b.pc.total + (long long)nfees +
				f->t2.procure_count;
		size_t figs = 0;

		for (int i = 0; i < DEC_KINDS; i++)
			any += b.dec[i];
		for (size_t i = 0; i < b.nchans; i++)
			figs += b.chans[i].nfigures;
		for (int i = 0; i < RF_GENRES; i++)
			any += g[i].made + g[i].repealed;
		if (any == 0 && figs == 0 &&
		    (rc = add_warning(&b, arena_printf(a, "%d 年没有任何记录：报告中的数字均为 0", year))))
			return rc;
		if (year == today_y &&
		    (rc = add_warning(&b, arena_printf(a, "%d 年尚未结束：数字截至今天", year))))
			return rc;
	}
	return 0;
}

/* ==== the aggregate (本级政府 report) ==== */

int report_scope(struct db *db, struct arena *a, const struct org *org, struct org **members, size_t *n)
{
	struct org_node *nodes;
	struct org *m;
	size_t nn, *idx, k;
	int rc;

	if ((rc = store_platform_orgs(db, a, &nodes, &nn)))
		return rc;
	if (!org->id || platform_find(nodes, nn, org->id) < 0 || !platform_has_children(nodes, nn, org->id)) {
		k = 1;
		idx = NULL;
	} else if ((rc = platform_subtree(a, nodes, nn, org->id, &idx, &k, NULL))) {
		return rc;
	}
	if (!(m = arena_alloc(a, k * sizeof(*m))))
		return ERR_NOMEM;
	m[0] = *org;
	for (size_t i = 1; i < k; i++)
		m[i] = nodes[idx[i]].org;
	*members = m;
	*n = k;
	return 0;
}

static void sum_into(long long *t, const long long *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i] += v[i];
}

int report_figures_sum(struct arena *a, const struct org *org, int year, const struct report_figures *parts,
		       const struct org *members, size_t n, struct report_figures *out)
{
	struct report_figures *f = out;
	struct fb b = { .a = a, .org = org, .year = year, .f = out };
	struct buf t;
	long long any = 0;
	int today_y, m, d, rc;

	memset(out, 0, sizeof(*out));
	f->year = year;
	f->format = report_format_of(year);
	f->members = members;
	f->nmembers = n;
	if (!(f->facts = arena_zalloc(a, FACTS_MAX * sizeof(*f->facts))) ||
	    !(f->warnings = arena_zalloc(a, WARNINGS_MAX * sizeof(*f->warnings))))
		return ERR_NOMEM;
	f->t3.year = year;
	for (size_t i = 0; i < n; i++) {
		const struct report_figures *p = &parts[i];
		const struct report_t2 *s = &p->t2;

		sum_into(f->t2.made, s->made, 2);
		sum_into(f->t2.newly, s->newly, 2);
		sum_into(f->t2.total, s->total, 2);
		sum_into(f->t2.issued, s->issued, 2);
		sum_into(f->t2.repealed, s->repealed, 2);
		sum_into(f->t2.in_force, s->in_force, 2);
		sum_into(f->t2.decisions, s->decisions, 4);
		f->t2.fee_items_prev += s->fee_items_prev;
		f->t2.fee_items_delta += s->fee_items_delta;
		f->t2.fee_fen += s->fee_fen;
		f->t2.procure_count += s->procure_count;
		f->t2.procure_fen += s->procure_fen;
		sum_into(f->t3.received, p->t3.received, APP_COLS);
		sum_into(f->t3.carried_in, p->t3.carried_in, APP_COLS);
		sum_into(f->t3.concluded, p->t3.concluded, APP_COLS);
		sum_into(f->t3.carried_out, p->t3.carried_out, APP_COLS);
		for (int r = 0; r < APP_ROWS; r++)
			sum_into(f->t3.outcome[r], p->t3.outcome[r], APP_COLS);
		sum_into(f->t4, p->t4, 15);
		f->fee_collected_fen += p->fee_collected_fen;
		f->published_items += p->published_items;
		f->fee_apps += p->fee_apps;
		f->apps_late += p->apps_late;
		f->ia_total += p->ia_total;
		f->ia_late += p->ia_late;
		any += !(p->nwarnings && (!p->warnings || strstr(p->warnings[0], "没有任何记录")));
	}
	b.fee_apps = f->fee_apps;
	b.apps_late = f->apps_late;
	b.ia.total = f->ia_total;
	b.ia.late = f->ia_late;

	/* 一: what the report covers, then the sentences of the sums */
	buf_init(&t, a, SENT_MAX);
	buf_printf(&t, "本报告为%s%d年本级政府信息公开工作年度报告，汇总本机关和所属%zu个机构的数据（", org->name, year,
		   n > 0 ? n - 1 : 0);
	for (size_t i = 1; i < n; i++)
		buf_printf(&t, "%s%s", i > 1 ? "、" : "", members[i].name);
	buf_puts(&t, "），各表数字为各机构数字之和。");
	if ((rc = add_fact(&b, "scope", "一", &t)) || (rc = fact_catalog(&b)) || (rc = fact_applications(&b)) ||
	    (rc = fact_reviews(&b)) || (rc = fact_timeliness(&b)) || (rc = fact_fees(&b)))
		return rc;
	date_to_ymd(date_today_cn(), &today_y, &m, &d);
	if (!any && (rc = add_warning(&b, arena_printf(a, "%d 年没有任何记录：报告中的数字均为 0", year))))
		return rc;
	if (year == today_y && (rc = add_warning(&b, arena_printf(a, "%d 年尚未结束：数字截至今天", year))))
		return rc;
	return 0;
}

int report_figures_build(struct db *db, struct arena *a, const struct org *org, int year,
			 struct report_figures *out, const char **msg)
{
	struct org *members;
	struct report_figures *parts;
	size_t n;
	int rc;

	*msg = NULL;
	if ((rc = report_scope(db, a, org, &members, &n)))
		return rc;
	if (n == 1) {
		if ((rc = figures_one(db, a, org, year, out, msg)))
			return rc;
		out->members = members;
		out->nmembers = 1;
		return 0;
	}
	if (!(parts = arena_zalloc(a, n * sizeof(*parts))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		/* the members' sentences are not needed: a scratch arena for
		 * each, the numbers copied out */
		struct arena s;

		arena_init(&s, 0);
		rc = figures_one(db, &s, &members[i], year, &parts[i], msg);
		/* keep only whether it had no records at all (nwarnings 1,
		 * warnings NULL: report_figures_sum reads it so) */
		parts[i].nwarnings = rc == 0 && parts[i].nwarnings && strstr(parts[i].warnings[0], "没有任何记录");
		parts[i].warnings = NULL;
		parts[i].facts = NULL;
		parts[i].nfacts = 0;
		if (rc == ERR_INVALID && *msg)
			*msg = arena_strdup(a, *msg);
		arena_release(&s);
		if (rc)
			return rc;
	}
	return report_figures_sum(a, org, year, parts, members, n, out);
}

/* ==== tables ==== */

/* Table construction with a sticky error. */
struct tb {
	struct arena *a;
	int err;
};

static const char *num_text(struct tb *b, long long v)
{
	const char *s = arena_printf(b->a, "%lld", v);

	if (!s) {
		b->err = ERR_NOMEM;
		return "";
	}
	return s;
}

static int table_init(struct arena *a, struct rtable *t, const char *title, int nrows, int ncols)
{
	t->title = title;
	t->nrows = nrows;
	t->ncols = ncols;
	if (!(t->cells = arena_alloc(a, (size_t)nrows * (size_t)ncols * sizeof(*t->cells))))
		return ERR_NOMEM;
	for (int i = 0; i < nrows * ncols; i++)
		t->cells[i] = (struct rcell){ .text = "", .rowspan = 1, .colspan = 1 };
	return 0;
}

static void put(struct rtable *t, int r, int c, const char *text, int rs, int cs, bool head, bool num)
{
	for (int i = r; i < r + rs; i++)
		for (int j = c; j < c + cs; j++)
			*rtable_at(t, i, j) = (struct rcell){ .text = "" };
	*rtable_at(t, r, c) = (struct rcell){ .text = text, .rowspan = rs, .colspan = cs, .head = head, .num = num };
}

static void head(struct rtable *t, int r, int c, const char *text, int rs, int cs)
{
	put(t, r, c, text, rs, cs, true, false);
}

static void numc(struct tb *b, struct rtable *t, int r, int c, long long v, int cs)
{
	put(t, r, c, num_text(b, v), 1, cs, false, true);
}

/* 采购总金额 in 元: whole yuan without decimals, else two. */
static const char *yuan_cell(struct tb *b, long long fen)
{
	const char *s = fen % 100 == 0 ? arena_printf(b->a, "%lld", fen / 100) : money_yuan_plain(b->a, fen);

	if (!s) {
		b->err = ERR_NOMEM;
		return "";
	}
	return s;
}

static int build_t2(struct arena *a, struct rtable *t, const char *title, const struct report_t2 *v, int format)
{
	struct tb b = { .a = a };
	int rc, r = 0;

	if (format == REPORT_FMT_2021) {
		static const char *const acts[3] = { "行政许可", "行政处罚", "行政强制" };
		static const int dec_ix[3] = { 0, 2, 3 };
		const char *wan;

		if ((rc = table_init(a, t, title, 14, 4)))
			return rc;
		head(t, r++, 0, "第二十条第（一）项", 1, 4);
		head(t, r, 0, "信息内容", 1, 1);
		head(t, r, 1, "本年制发件数", 1, 1);
		head(t, r, 2, "本年废止件数", 1, 1);
		head(t, r++, 3, "现行有效件数", 1, 1);
		for (int i = 0; i < 2; i++, r++) {
			head(t, r, 0, i == 0 ? "规章" : "行政规范性文件", 1, 1);
			numc(&b, t, r, 1, v->issued[i], 1);
			numc(&b, t, r, 2, v->repealed[i], 1);
			numc(&b, t, r, 3, v->in_force[i], 1);
		}
		for (int k = 0; k < 3; k++) {
			if (k < 2) {
				head(t, r++, 0, k == 0 ? "第二十条第（五）项" : "第二十条第（六）项", 1, 4);
				head(t, r, 0, "信息内容", 1, 1);
				head(t, r++, 1, "本年处理决定数量", 1, 3);
			}
			head(t, r, 0, acts[k], 1, 1);
			numc(&b, t, r++, 1, v->decisions[dec_ix[k]], 3);
		}
		head(t, r++, 0, "第二十条第（八）项", 1, 4);
		head(t, r, 0, "信息内容", 1, 1);
		head(t, r++, 1, "本年收费金额（单位：万元）", 1, 3);
		head(t, r, 0, "行政事业性收费", 1, 1);
		if (!(wan = money_wan_text(a, v->fee_fen)))
			return ERR_NOMEM;
		put(t, r++, 1, wan, 1, 3, false, true);
	} else {
		static const char *const acts[4] = { "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制" };

		if ((rc = table_init(a, t, title, 18, 4)))
			return rc;
		head(t, r++, 0, "第二十条第（一）项", 1, 4);
		head(t, r, 0, "信息内容", 1, 1);
		head(t, r, 1, "本年新制作数量", 1, 1);
		head(t, r, 2, "本年新公开数量", 1, 1);
		head(t, r++, 3, "对外公开总数量", 1, 1);
		for (int i = 0; i < 2; i++, r++) {
			head(t, r, 0, i == 0 ? "规章" : "规范性文件", 1, 1);
			numc(&b, t, r, 1, v->made[i], 1);
			numc(&b, t, r, 2, v->newly[i], 1);
			numc(&b, t, r, 3, v->total[i], 1);
		}
		for (int k = 0; k < 4; k++) {
			if (k == 0 || k == 2) {
				head(t, r++, 0, k == 0 ? "第二十条第（五）项" : "第二十条第（六）项", 1, 4);
				head(t, r, 0, "信息内容", 1, 1);
				head(t, r, 1, "上一年项目数量", 1, 1);
				head(t, r, 2, "本年增/减", 1, 1);
				head(t, r++, 3, "处理决定数量", 1, 1);
			}
			head(t, r, 0, acts[k], 1, 1);
			numc(&b, t, r, 1, v->items_prev[k], 1);
			numc(&b, t, r, 2, v->items_delta[k], 1);
			numc(&b, t, r++, 3, v->decisions[k], 1);
		}
		head(t, r++, 0, "第二十条第（八）项", 1, 4);
		head(t, r, 0, "信息内容", 1, 1);
		head(t, r, 1, "上一年项目数量", 1, 1);
		head(t, r, 2, "本年增/减", 1, 1);
		head(t, r++, 3, "", 1, 1);
		head(t, r, 0, "行政事业性收费", 1, 1);
		numc(&b, t, r, 1, v->fee_items_prev, 1);
		numc(&b, t, r, 2, v->fee_items_delta, 1);
		put(t, r++, 3, "", 1, 1, false, false);
		head(t, r++, 0, "第二十条第（九）项", 1, 4);
		head(t, r, 0, "信息内容", 1, 1);
		head(t, r, 1, "采购项目数量", 1, 1);
		head(t, r, 2, "采购总金额", 1, 1);
		head(t, r++, 3, "", 1, 1);
		head(t, r, 0, "政府集中采购", 1, 1);
		numc(&b, t, r, 1, v->procure_count, 1);
		put(t, r, 2, yuan_cell(&b, v->procure_fen), 1, 1, false, true);
		put(t, r++, 3, "", 1, 1, false, false);
	}
	return r == t->nrows ? b.err : ERR_INTERNAL;
}

#define T3_NOTE "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

static void t3_nums(struct tb *b, struct rtable *t, int r, const long long v[APP_COLS])
{
	for (int c = 0; c < APP_COLS; c++)
		numc(b, t, r, 3 + c, v[c], 1);
	numc(b, t, r, 3 + APP_COLS, sum6(v), 1);
}

static int build_t3(struct arena *a, struct rtable *t, const char *title, const struct app_year_counts *y,
		    int format)
{
	bool f19 = format == REPORT_FMT_2019;
	struct tb b = { .a = a };
	int rc, r = 3;

	if ((rc = table_init(a, t, title, f19 ? 26 : 28, 10)))
		return rc;
	head(t, 0, 0, T3_NOTE, 3, 3);
	head(t, 0, 3, "申请人情况", 1, 7);
	head(t, 1, 3, app_applicant_types[0].label, 2, 1);
	head(t, 1, 4, "法人或其他组织", 1, 5);
	head(t, 1, 9, "总计", 2, 1);
	for (int c = 1; c < APP_COLS; c++)
		head(t, 2, 3 + c, app_applicant_types[c].label, 1, 1);
	head(t, r, 0, "一、本年新收政府信息公开申请数量", 1, 3);
	t3_nums(&b, t, r++, y->received);
	head(t, r, 0, "二、上年结转政府信息公开申请数量", 1, 3);
	t3_nums(&b, t, r++, y->carried_in);
	head(t, r, 0, "三、本年度办理结果", f19 ? 20 : 22, 1);
	for (int i = 0; i < APP_ROWS;) {
		const char *group = app_rows[i].group;
		int j = i;

		while (j < APP_ROWS && strcmp(app_rows[j].group, group) == 0)
			j++;
		if (!*app_rows[i].label || (f19 && i == ROW_6_1)) {
			/* （一） （二）, and the 2019 format's one （六） row */
			long long v[APP_COLS] = { 0 };

			for (int k = i; k < j; k++)
				for (int c = 0; c < APP_COLS; c++)
					v[c] += y->outcome[k][c];
			head(t, r, 1, group, 1, 2);
			t3_nums(&b, t, r++, v);
		} else {
			head(t, r, 1, group, j - i, 1);
			for (int k = i; k < j; k++) {
				head(t, r, 2, app_rows[k].label, 1, 1);
				t3_nums(&b, t, r++, y->outcome[k]);
			}
		}
		i = j;
	}
	head(t, r, 1, "（七）总计", 1, 2);
	t3_nums(&b, t, r++, y->concluded);
	head(t, r, 0, "四、结转下年度继续办理", 1, 3);
	t3_nums(&b, t, r++, y->carried_out);
	return r == t->nrows ? b.err : ERR_INTERNAL;
}

static int build_t4(struct arena *a, struct rtable *t, const char *title, const long long v[15])
{
	static const char *const res[5] = { "结果维持", "结果纠正", "其他结果", "尚未审结", "总计" };
	struct tb b = { .a = a };
	int rc;

	if ((rc = table_init(a, t, title, 4, 15)))
		return rc;
	head(t, 0, 0, "行政复议", 1, 5);
	head(t, 0, 5, "行政诉讼", 1, 10);
	head(t, 1, 5, "未经复议直接起诉", 1, 5);
	head(t, 1, 10, "复议后起诉", 1, 5);
	for (int i = 0; i < 5; i++) {
		head(t, 1, i, res[i], 2, 1);
		head(t, 2, 5 + i, res[i], 1, 1);
		head(t, 2, 10 + i, res[i], 1, 1);
	}
	for (int c = 0; c < 15; c++)
		numc(&b, t, 3, c, v[c], 1);
	return b.err;
}

/* ==== the document ==== */

struct blocks {
	struct arena *a;
	struct rblock *v;
	size_t n, cap;
};

static int block_add(struct blocks *bl, int kind, const char *text, const struct rtable *t)
{
	if (kind == RB_TABLE ? !t : !text)
		return ERR_INTERNAL;
	if (bl->n == bl->cap) {
		size_t nc = bl->cap ? bl->cap * 2 : 32;
		struct rblock *nv = arena_alloc(bl->a, nc * sizeof(*nv));

		if (!nv)
			return ERR_NOMEM;
		if (bl->n)
			memcpy(nv, bl->v, bl->n * sizeof(*nv));
		bl->v = nv;
		bl->cap = nc;
	}
	bl->v[bl->n++] = (struct rblock){ .kind = kind, .level = kind == RB_HEADING ? 1 : 0, .text = text,
					  .table = t };
	return 0;
}

/* Staff text: each non-blank line a paragraph. *added counts them. */
static int add_paragraphs(struct blocks *bl, const char *text, size_t *added)
{
	const char *p = text, *end = text + strlen(text);

	*added = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct str line = str_trim((struct str){ p, (size_t)((nl ? nl : end) - p) });
		int rc;

		while (line.n && (line.p[line.n - 1] == '\r'))
			line = str_trim((struct str){ line.p, line.n - 1 });
		if (line.n) {
			char *s = arena_strndup(bl->a, line.p, line.n);

			if (!s)
				return ERR_NOMEM;
			if ((rc = block_add(bl, RB_PARA, s, NULL)))
				return rc;
			++*added;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int add_facts(struct blocks *bl, const struct report_figures *f, const char *section)
{
	int rc;

	for (size_t i = 0; i < f->nfacts; i++)
		if (strcmp(f->facts[i].section, section) == 0 && (rc = block_add(bl, RB_PARA, f->facts[i].text, NULL)))
			return rc;
	return 0;
}

static const char *fact_text(const struct report_figures *f, const char *key)
{
	for (size_t i = 0; i < f->nfacts; i++)
		if (strcmp(f->facts[i].key, key) == 0)
			return f->facts[i].text;
	return NULL;
}

static int check_text(struct arena *a, const char *s, const char *what, const char **msg)
{
	if (s && (strlen(s) > NARRATIVE_MAX || !utf8_valid(s, strlen(s)))) {
		*msg = arena_printf(a, "%s过长或不是有效的 UTF-8 文本", what);
		return ERR_INVALID;
	}
	return 0;
}

/* A section: staff text when given, else the ready sentences. */
static int add_section_text(struct blocks *bl, const struct report_figures *f, const char *staff,
			    const char *section)
{
	size_t added = 0;
	int rc;

	if (staff && *staff && (rc = add_paragraphs(bl, staff, &added)))
		return rc;
	return added ? 0 : add_facts(bl, f, section);
}

int report_build(struct db *db, struct arena *a, const struct org *org, int year,
		 const struct report_narrative *narr, struct report_doc *out, const char **msg)
{
	const char *const *h;
	struct blocks bl = { .a = a };
	struct rtable *tables;
	const char *s;
	int rc;

	memset(out, 0, sizeof(*out));
	*msg = NULL;
	if (narr && ((rc = check_text(a, narr->overview, "“总体情况”", msg)) ||
		     (rc = check_text(a, narr->problems, "“存在的主要问题及改进情况”", msg)) ||
		     (rc = check_text(a, narr->other, "“其他需要报告的事项”", msg))))
		return rc;
	if ((rc = report_figures_build(db, a, org, year, &out->fig, msg)))
		return rc;
	if (narr)
		for (int i = 0; i < 4; i++) {
			out->fig.t2.items_prev[i] = narr->items_prev ? narr->items_prev[i] : 0;
			out->fig.t2.items_delta[i] = narr->items_delta ? narr->items_delta[i] : 0;
		}
	out->org_name = org->name;
	out->year = year;
	out->format = out->fig.format;
	if (!(out->title = arena_printf(a, "%s%d年政府信息公开工作年度报告", org->name, year)))
		return ERR_NOMEM;
	h = report_headings(out->format);
	if ((rc = build_t2(a, &out->t2, h[1], &out->fig.t2, out->format)) ||
	    (rc = build_t3(a, &out->t3, h[2], &out->fig.t3, out->format)) ||
	    (rc = build_t4(a, &out->t4, h[3], out->fig.t4)))
		return rc;

	/* the blocks point at arena copies (sharing the cells), so that a
	 * report_doc may be copied */
	if (!(tables = arena_alloc(a, 3 * sizeof(*tables))))
		return ERR_NOMEM;
	tables[0] = out->t2;
	tables[1] = out->t3;
	tables[2] = out->t4;
	if ((rc = block_add(&bl, RB_HEADING, h[0], NULL)) ||
	    (rc = add_section_text(&bl, &out->fig, narr ? narr->overview : NULL, "一")))
		return rc;
	if (!(s = arena_printf(a, "%d年，主动公开政府信息%lld条。《中华人民共和国政府信息公开条例》第二十条所列信息的主动公开情况如下：",
			       year, out->fig.published_items)))
		return ERR_NOMEM;
	if ((rc = block_add(&bl, RB_HEADING, h[1], NULL)) || (rc = block_add(&bl, RB_PARA, s, NULL)) ||
	    (rc = block_add(&bl, RB_TABLE, NULL, &tables[0])))
		return rc;
	if ((rc = block_add(&bl, RB_HEADING, h[2], NULL)) ||
	    (rc = block_add(&bl, RB_PARA, fact_text(&out->fig, "applications"), NULL)) ||
	    (rc = block_add(&bl, RB_TABLE, NULL, &tables[1])))
		return rc;
	if ((rc = block_add(&bl, RB_HEADING, h[3], NULL)) ||
	    (rc = block_add(&bl, RB_PARA, fact_text(&out->fig, "reviews"), NULL)) ||
	    (rc = block_add(&bl, RB_TABLE, NULL, &tables[2])))
		return rc;
	if ((rc = block_add(&bl, RB_HEADING, h[4], NULL)) ||
	    (rc = add_section_text(&bl, &out->fig, narr ? narr->problems : NULL, "五")) ||
	    (rc = block_add(&bl, RB_HEADING, h[5], NULL)) ||
	    (rc = add_section_text(&bl, &out->fig, narr ? narr->other : NULL, "六")))
		return rc;
	out->blocks = bl.v;
	out->nblocks = bl.n;
	return 0;
}

/* ==== Markdown ==== */

/* Text as Markdown that shows it literally: the characters Markdown
 * interprets are backslash-escaped; in a table cell, newlines become
 * spaces. */
static void md_text(struct buf *out, const char *s, bool cell)
{
	bool line_start = !cell;

	for (const char *p = s; *p; p++) {
		char ch = *p;

		if (ch == '\r')
			continue;
		if (ch == '\n') {
			buf_putc(out, cell ? ' ' : '\n');
			line_start = !cell;
			continue;
		}
		if (strchr("\\`*_[]<>|#~", ch) || (line_start && (ch == '-' || ch == '+' || ch == '=')))
			buf_putc(out, '\\');
		else if (line_start && ch >= '0' && ch <= '9') {
			/* "1." or "1)" at the start of a line would be a list */
			const char *q = p;

			while (*q >= '0' && *q <= '9')
				q++;
			if (*q == '.' || *q == ')') {
				buf_append(out, p, (size_t)(q - p));
				buf_putc(out, '\\');
				p = q;
				ch = *p;
			}
		}
		buf_putc(out, ch);
		line_start = false;
	}
}

/* The origin cell covering (r, c). */
static const struct rcell *origin(const struct rtable *t, int r, int c, int *orow, int *ocol)
{
	for (int i = r; i >= 0; i--)
		for (int j = c; j >= 0; j--) {
			const struct rcell *x = rtable_at(t, i, j);

			if (x->rowspan > 0 && i + x->rowspan > r && j + x->colspan > c) {
				if (orow)
					*orow = i;
				if (ocol)
					*ocol = j;
				return x;
			}
		}
	return NULL;
}

static bool row_has_num(const struct rtable *t, int r)
{
	for (int c = 0; c < t->ncols; c++)
		if (rtable_at(t, r, c)->num)
			return true;
	return false;
}

/* Table 二: one pipe table per 第二十条 item (a row spanning every column),
 * its header the row after it; columns without a header are left out. */
static void md_sectioned(struct buf *out, const struct rtable *t)
{
	int hdr = -1;
	bool first = true;

	for (int r = 0; r < t->nrows; r++) {
		const struct rcell *lead = rtable_at(t, r, 0);

		if (lead->colspan == t->ncols) {
			buf_puts(out, first ? "**" : "\n**");
			first = false;
			md_text(out, lead->text, true);
			buf_puts(out, "**\n\n");
			hdr = r + 1;
			continue;
		}
		if (hdr < 0)
			continue;
		buf_puts(out, "|");
		for (int c = 0; c < t->ncols; c++) {
			const struct rcell *h = rtable_at(t, hdr, c), *x = rtable_at(t, r, c);

			if (h->colspan == 0 || !*h->text)
				continue;
			buf_putc(out, ' ');
			md_text(out, x->text, true);
			buf_puts(out, " |");
		}
		buf_putc(out, '\n');
		if (r == hdr) {
			buf_puts(out, "|");
			for (int c = 0; c < t->ncols; c++) {
				const struct rcell *h = rtable_at(t, hdr, c);

				if (h->colspan == 0 || !*h->text)
					continue;
				buf_puts(out, c == 0 ? "---|" : "---:|");
			}
			buf_putc(out, '\n');
		}
	}
}

/* Tables 三 and 四: the header rows collapse into one (the texts over a
 * column joined by "·"),
 * the label columns into one 项目 column; a heading over the label
 * columns (the 勾稽关系 note) goes before the table. */
static void md_flat(struct buf *out, const struct rtable *t)
{
	int body = 0, labels = 0;

	while (body < t->nrows && !row_has_num(t, body))
		body++;
	if (body < t->nrows)
		while (labels < t->ncols && !rtable_at(t, body, labels)->num)
			labels++;
	/* a note over the label columns */
	if (labels > 0) {
		const struct rcell *n = rtable_at(t, 0, 0);

		if (n->rowspan > 0 && *n->text) {
			md_text(out, n->text, false);
			buf_puts(out, "\n\n");
		}
	}
	buf_puts(out, "|");
	if (labels)
		buf_puts(out, " 项目 |");
	for (int c = labels; c < t->ncols; c++) {
		const struct rcell *prev = NULL;
		bool any = false;

		buf_putc(out, ' ');
		for (int r = 0; r < body; r++) {
			int oc = 0;
			const struct rcell *x = origin(t, r, c, NULL, &oc);

			if (!x || x == prev || !*x->text || oc < labels)
				continue;
			prev = x;
			if (any)
				buf_puts(out, "·");
			md_text(out, x->text, true);
			any = true;
		}
		buf_puts(out, " |");
	}
	buf_puts(out, "\n|");
	if (labels)
		buf_puts(out, "---|");
	for (int c = labels; c < t->ncols; c++)
		buf_puts(out, "---:|");
	buf_putc(out, '\n');
	for (int r = body; r < t->nrows; r++) {
		const struct rcell *prev = NULL;
		bool any = false;

		buf_puts(out, "|");
		if (labels) {
			buf_putc(out, ' ');
			for (int c = 0; c < labels; c++) {
				const struct rcell *x = origin(t, r, c, NULL, NULL);

				if (!x || x == prev || !*x->text)
					continue;
				prev = x;
				if (any)
					buf_putc(out, ' ');
				md_text(out, x->text, true);
				any = true;
			}
			buf_puts(out, " |");
		}
		for (int c = labels; c < t->ncols; c++) {
			const struct rcell *x = rtable_at(t, r, c);

			buf_putc(out, ' ');
			if (x->colspan > 0)
				md_text(out, x->text, true);
			buf_puts(out, " |");
		}
		buf_putc(out, '\n');
	}
}

int report_render_md(struct arena *a, const struct report_doc *d, struct buf *out)
{
	(void)a;
	buf_puts(out, "# ");
	md_text(out, d->title, true);
	buf_puts(out, "\n");
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct rblock *b = &d->blocks[i];

		buf_putc(out, '\n');
		if (b->kind == RB_HEADING) {
			buf_puts(out, "## ");
			md_text(out, b->text, true);
			buf_putc(out, '\n');
		} else if (b->kind == RB_PARA) {
			md_text(out, b->text, false);
			buf_putc(out, '\n');
		} else if (b->kind == RB_TABLE && b->table) {
			if (rtable_at(b->table, 0, 0)->colspan == b->table->ncols)
				md_sectioned(out, b->table);
			else
				md_flat(out, b->table);
		}
	}
	return out->err;
}

/* ==== HTML ==== */

static void esc(struct buf *out, const char *s)
{
	html_escape(out, s, strlen(s));
}

/* The header rows before the first row with a figure go in <thead>;
 * a th in a row with figures labels its row (scope row / rowgroup), one
 * in a row without figures its columns (col / colgroup). */
static void html_table(struct buf *out, const struct rtable *t)
{
	int body = 0;

	while (body < t->nrows && !row_has_num(t, body))
		body++;
	buf_puts(out, "<table class=\"gk-report-table\">\n");
	for (int r = 0; r < t->nrows; r++) {
		bool labels_row = row_has_num(t, r);

		if (r == 0 && body > 0 && body < t->nrows)
			buf_puts(out, "<thead>\n");
		if (r == body || (r == 0 && (body == 0 || body == t->nrows)))
			buf_puts(out, "<tbody>\n");
		buf_puts(out, "<tr>");
		for (int c = 0; c < t->ncols; c++) {
			const struct rcell *x = rtable_at(t, r, c);
			const char *tag = x->head ? "th" : "td";

			if (x->rowspan == 0 || x->colspan == 0)
				continue;
			buf_printf(out, "<%s", tag);
			if (x->head)
				buf_printf(out, " scope=\"%s\"",
					   labels_row ? (x->rowspan > 1 ? "rowgroup" : "row") :
							(x->colspan > 1 ? "colgroup" : "col"));
			if (x->rowspan > 1)
				buf_printf(out, " rowspan=\"%d\"", x->rowspan);
			if (x->colspan > 1)
				buf_printf(out, " colspan=\"%d\"", x->colspan);
			if (x->num)
				buf_puts(out, " class=\"num\"");
			buf_putc(out, '>');
			esc(out, x->text);
			buf_printf(out, "</%s>", tag);
		}
		buf_puts(out, "</tr>\n");
		if (r == body - 1 && body < t->nrows)
			buf_puts(out, "</thead>\n");
	}
	buf_puts(out, "</tbody>\n</table>\n");
}

static const char report_css[] =
	"body{margin:2em auto;max-width:60em;padding:0 1em;font-family:\"Noto Serif CJK SC\",\"Songti SC\",serif;"
	"line-height:1.8;color:#222}"
	".gk-report h1{text-align:center;font-size:1.6em}"
	".gk-report h2{font-size:1.2em;margin-top:1.5em}"
	".gk-report p{text-indent:2em;margin:.5em 0}"
	".gk-report-table{border-collapse:collapse;margin:1em 0;font-size:.9em;width:100%}"
	".gk-report-table th,.gk-report-table td{border:1px solid #444;padding:.3em .5em;vertical-align:middle}"
	".gk-report-table th{font-weight:normal;background:#f4f4f4;text-align:center}"
	".gk-report-table td.num{text-align:right;font-variant-numeric:tabular-nums}";

int report_render_html(struct arena *a, const struct report_doc *d, bool page, struct buf *out)
{
	(void)a;
	if (page) {
		buf_puts(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
			      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
		esc(out, d->title);
		buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", report_css);
	}
	buf_printf(out, "<article class=\"gk-report\" data-year=\"%d\" data-format=\"%d\">\n<h1>", d->year, d->format);
	esc(out, d->title);
	buf_puts(out, "</h1>\n");
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct rblock *b = &d->blocks[i];

		if (b->kind == RB_HEADING) {
			buf_puts(out, "<h2>");
			esc(out, b->text);
			buf_puts(out, "</h2>\n");
		} else if (b->kind == RB_PARA) {
			buf_puts(out, "<p>");
			esc(out, b->text);
			buf_puts(out, "</p>\n");
		} else if (b->kind == RB_TABLE && b->table) {
			html_table(out, b->table);
		}
	}
	buf_puts(out, "</article>\n");
	if (page)
		buf_puts(out, "</body>\n</html>\n");
	return out->err;
}

/* ==== JSON ==== */

/* Jansson with a sticky failure: every constructor may return NULL. */
struct jb {
	bool bad;
};

static json_t *js(struct jb *j, const char *s)
{
	json_t *v = json_string(s ? s : "");

	if (!v)
		j->bad = true;
	return v;
}

static json_t *ji(struct jb *j, long long n)
{
	json_t *v = json_integer(n);

	if (!v)
		j->bad = true;
	return v;
}

static void jset(struct jb *j, json_t *o, const char *key, json_t *v)
{
	if (!o || !v || json_object_set_new(o, key, v))
		j->bad = true;
}

static void jpush(struct jb *j, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v))
		j->bad = true;
}

static json_t *jobj(struct jb *j)
{
	json_t *o = json_object();

	if (!o)
		j->bad = true;
	return o;
}

static json_t *jarr(struct jb *j)
{
	json_t *o = json_array();

	if (!o)
		j->bad = true;
	return o;
}

static json_t *j_table(struct jb *j, const struct rtable *t)
{
	json_t *o = jobj(j), *rows = jarr(j);

	jset(j, o, "title", js(j, t->title));
	jset(j, o, "nrows", ji(j, t->nrows));
	jset(j, o, "ncols", ji(j, t->ncols));
	for (int r = 0; r < t->nrows; r++) {
		json_t *row = jarr(j);

		for (int c = 0; c < t->ncols; c++) {
			const struct rcell *x = rtable_at(t, r, c);
			json_t *cell;

			if (x->rowspan == 0 || x->colspan == 0)
				continue;
			cell = jobj(j);
			jset(j, cell, "col", ji(j, c));
			jset(j, cell, "text", js(j, x->text));
			jset(j, cell, "rowspan", ji(j, x->rowspan));
			jset(j, cell, "colspan", ji(j, x->colspan));
			jset(j, cell, "head", json_boolean(x->head));
			jset(j, cell, "num", json_boolean(x->num));
			jpush(j, row, cell);
		}
		jpush(j, rows, row);
	}
	jset(j, o, "rows", rows);
	return o;
}

static json_t *j_counts(struct jb *j, const char *key, const char *group, const char *label,
			const long long v[APP_COLS])
{
	static const char *const cols[APP_COLS] = { "natural_person", "commercial", "research", "social_welfare",
						    "legal_service", "other_org" };
	json_t *o = jobj(j);

	jset(j, o, "key", js(j, key));
	jset(j, o, "group", js(j, group));
	jset(j, o, "label", js(j, label));
	for (int c = 0; c < APP_COLS; c++)
		jset(j, o, cols[c], ji(j, v[c]));
	jset(j, o, "total", ji(j, sum6(v)));
	return o;
}

static json_t *j_applications(struct jb *j, const struct report_doc *d)
{
	const struct app_year_counts *y = &d->fig.t3;
	json_t *o = jobj(j), *rows = jarr(j);

	jpush(j, rows, j_counts(j, "new", "", "一、本年新收政府信息公开申请数量", y->received));
	jpush(j, rows, j_counts(j, "carried_in", "", "二、上年结转政府信息公开申请数量", y->carried_in));
	for (int i = 0; i < APP_ROWS; i++) {
		if (d->format == REPORT_FMT_2019 && i == ROW_6_1) {
			long long v[APP_COLS];

			for (int c = 0; c < APP_COLS; c++)
				v[c] = y->outcome[i][c] + y->outcome[i + 1][c] + y->outcome[i + 2][c];
			jpush(j, rows, j_counts(j, "6", "", app_rows[i].group, v));
			break;
		}
		jpush(j, rows,
		      *app_rows[i].label ? j_counts(j, app_rows[i].key, app_rows[i].group, app_rows[i].label, y->outcome[i]) :
					   j_counts(j, app_rows[i].key, "", app_rows[i].group, y->outcome[i]));
	}
	jpush(j, rows, j_counts(j, "concluded", "", "（七）总计", y->concluded));
	jpush(j, rows, j_counts(j, "carried_out", "", "四、结转下年度继续办理", y->carried_out));
	jset(j, o, "rows", rows);
	return o;
}

static json_t *j_reviews(struct jb *j, const long long v[15])
{
	static const char *const kinds[3] = { "reconsideration", "litigation_direct", "litigation_after_review" };
	static const char *const res[5] = { "upheld", "corrected", "other", "pending", "total" };
	json_t *o = jobj(j);

	for (int k = 0; k < 3; k++) {
		json_t *g = jobj(j);

		for (int r = 0; r < 5; r++)
			jset(j, g, res[r], ji(j, v[k * 5 + r]));
		jset(j, o, kinds[k], g);
	}
	return o;
}

static json_t *j_trio(struct jb *j, const char *const names[3], long long a1, long long a2, long long a3)
{
	json_t *o = jobj(j);

	jset(j, o, names[0], ji(j, a1));
	jset(j, o, names[1], ji(j, a2));
	jset(j, o, names[2], ji(j, a3));
	return o;
}

static json_t *j_active(struct jb *j, struct arena *a, const struct report_doc *d)
{
	const struct report_t2 *v = &d->fig.t2;
	json_t *o = jobj(j), *x;

	if (d->format == REPORT_FMT_2021) {
		static const char *const doc[3] = { "issued", "repealed", "in_force" };
		static const char *const names[3] = { "licensing", "penalty", "coercion" };
		static const int ix[3] = { 0, 2, 3 };

		jset(j, o, "rules", j_trio(j, doc, v->issued[0], v->repealed[0], v->in_force[0]));
		jset(j, o, "normative", j_trio(j, doc, v->issued[1], v->repealed[1], v->in_force[1]));
		for (int k = 0; k < 3; k++) {
			x = jobj(j);
			jset(j, x, "decisions", ji(j, v->decisions[ix[k]]));
			jset(j, o, names[k], x);
		}
		x = jobj(j);
		jset(j, x, "amount_fen", ji(j, v->fee_fen));
		jset(j, x, "amount_wan", js(j, money_wan_text(a, v->fee_fen)));
		jset(j, o, "fees", x);
	} else {
		static const char *const doc[3] = { "made", "newly", "total" };
		static const char *const items[3] = { "prev", "delta", "decisions" };
		static const char *const names[4] = { "licensing", "services", "penalty", "coercion" };

		jset(j, o, "rules", j_trio(j, doc, v->made[0], v->newly[0], v->total[0]));
		jset(j, o, "normative", j_trio(j, doc, v->made[1], v->newly[1], v->total[1]));
		for (int k = 0; k < 4; k++)
			jset(j, o, names[k], j_trio(j, items, v->items_prev[k], v->items_delta[k], v->decisions[k]));
		x = jobj(j);
		jset(j, x, "prev", ji(j, v->fee_items_prev));
		jset(j, x, "delta", ji(j, v->fee_items_delta));
		jset(j, o, "fees", x);
		x = jobj(j);
		jset(j, x, "count", ji(j, v->procure_count));
		jset(j, x, "amount_fen", ji(j, v->procure_fen));
		jset(j, x, "amount_yuan", js(j, money_yuan_plain(a, v->procure_fen)));
		jset(j, o, "procurement", x);
	}
	return o;
}

static json_t *j_sections(struct jb *j, const struct report_doc *d)
{
	json_t *arr = jarr(j), *sec = NULL, *paras = NULL;

	for (size_t i = 0; i < d->nblocks; i++) {
		const struct rblock *b = &d->blocks[i];

		if (b->kind == RB_HEADING) {
			sec = jobj(j);
			paras = jarr(j);
			jset(j, sec, "heading", js(j, b->text));
			jset(j, sec, "paragraphs", paras);
			jset(j, sec, "table", json_null());
			jpush(j, arr, sec);
		} else if (!sec) {
			continue;
		} else if (b->kind == RB_PARA) {
			jpush(j, paras, js(j, b->text));
		} else if (b->kind == RB_TABLE && b->table) {
			const struct rcell *cells = b->table->cells;
			const char *name = cells == d->t2.cells ? "t2" : cells == d->t3.cells ? "t3" : cells == d->t4.cells ? "t4" : "";

			jset(j, sec, "table", js(j, name));
		}
	}
	return arr;
}

int report_render_json(struct arena *a, const struct report_doc *d, struct buf *out)
{
	struct jb j = { 0 };
	json_t *root = jobj(&j), *x, *arr;
	char *s;

	jset(&j, root, "year", ji(&j, d->year));
	jset(&j, root, "format", ji(&j, d->format));
	jset(&j, root, "format_name", js(&j, format_name(d->format)));
	x = jobj(&j);
	jset(&j, x, "name", js(&j, d->org_name));
	jset(&j, root, "org", x);
	jset(&j, root, "title", js(&j, d->title));
	jset(&j, root, "sections", j_sections(&j, d));
	x = jobj(&j);
	jset(&j, x, "t2", j_table(&j, &d->t2));
	jset(&j, x, "t3", j_table(&j, &d->t3));
	jset(&j, x, "t4", j_table(&j, &d->t4));
	jset(&j, root, "tables", x);
	jset(&j, root, "active", j_active(&j, a, d));
	jset(&j, root, "applications", j_applications(&j, d));
	jset(&j, root, "reviews", j_reviews(&j, d->fig.t4));
	jset(&j, root, "published_items", ji(&j, d->fig.published_items));
	x = jobj(&j);
	jset(&j, x, "fen", ji(&j, d->fig.fee_collected_fen));
	jset(&j, x, "yuan", js(&j, money_yuan_plain(a, d->fig.fee_collected_fen)));
	jset(&j, root, "information_fee", x);
	arr = jarr(&j);
	for (size_t i = 0; i < d->fig.nfacts; i++) {
		json_t *f = jobj(&j);

		jset(&j, f, "key", js(&j, d->fig.facts[i].key));
		jset(&j, f, "section", js(&j, d->fig.facts[i].section));
		jset(&j, f, "text", js(&j, d->fig.facts[i].text));
		jpush(&j, arr, f);
	}
	jset(&j, root, "facts", arr);
	arr = jarr(&j);
	for (size_t i = 0; i < d->fig.nwarnings; i++)
		jpush(&j, arr, js(&j, d->fig.warnings[i]));
	jset(&j, root, "warnings", arr);
	if (j.bad || !root) {
		json_decref(root);
		return ERR_NOMEM;
	}
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s)
		return ERR_NOMEM;
	buf_puts(out, s);
	buf_putc(out, '\n');
	free(s);
	return out->err;
}
