/* h_channel_stats.c - staff pages of the channel figures (公开渠道数据):
 * the channels of an org with their year's totals, adding channels, CSV
 * import and export, and per channel the year's grid (months × metrics)
 * to enter or correct figures, with charts. Viewing needs PERM_READ,
 * changing PERM_CASES. The rules are in domain/registers/channel_stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/registers/channel_stats.h"
#include "domain/registers/csvio.h"
#include "domain/registers/registers.h"
#include "http/http.h"
#include "render/html.h"
#include "render/svg.h"
#include "render/tmpl.h"
#include "store/channel_stat.h"
#include "core/banned.h"

#define CHST_GRID_COLS 20 /* as in routes_stats.inc */
#define NEW_COLS 2        /* empty columns for new content types */

static const char *const month_labels[12] = { "1月", "2月", "3月", "4月",  "5月",  "6月",
					      "7月", "8月", "9月", "10月", "11月", "12月" };

static int this_year(void)
{
	int y, m, d;

	date_to_ymd(date_today_cn(), &y, &m, &d);
	return y;
}

static const char *now_iso(struct req *r)
{
	char now[21];

	time_format_utc(time(NULL), now);
	return arena_strdup(&r->arena, now);
}

/* 1234567 as "1,234,567". */
static const char *num_text(struct req *r, long long v)
{
	char d[32], out[48];
	int len = snprintf(d, sizeof(d), "%lld", v);
	size_t o = 0;

	for (int i = 0; i < len; i++) {
		if (i > 0 && d[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = d[i];
	}
	out[o] = '\0';
	return arena_strdup(&r->arena, out);
}

/* The year asked for; else this year when it has figures, else the latest
 * year with figures, else this year. */
static int page_year(struct req *r, int **years, size_t *ny)
{
	long long y = param_int(r, "year", 0);
	int now = this_year();

	*ny = 0;
	if (store_channel_years(req_db(r), &r->arena, r->org.id, years, ny))
		*ny = 0;
	if (y)
		return (int)y;
	for (size_t i = 0; i < *ny; i++)
		if ((*years)[i] == now)
			return now;
	return *ny && (*years)[0] <= now + 1 ? (*years)[0] : now;
}

static void year_nav(struct tv *ctx, int year, const int *years, size_t ny)
{
	struct tv *l = tv_set_list(ctx, "years");

	tv_set_int(ctx, "year", year);
	tv_set_int(ctx, "prev", year > CHAN_YEAR_MIN ? year - 1 : year);
	tv_set_int(ctx, "next", year < CHAN_YEAR_MAX ? year + 1 : year);
	tv_set_bool(ctx, "has_years", ny > 0);
	for (size_t i = 0; i < ny; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "year", years[i]);
		tv_set_bool(m, "current", years[i] == year);
	}
}

static const char *done_notice(struct req *r)
{
	const char *d = param_str(r, "done");

	if (!d)
		return NULL;
	if (strcmp(d, "saved") == 0)
		return "数据已保存。";
	if (strcmp(d, "added") == 0)
		return "渠道已添加，可以录入数据了。";
	if (strcmp(d, "edited") == 0)
		return "渠道信息已保存。";
	if (strcmp(d, "deleted") == 0)
		return "渠道已删除。";
	return NULL;
}

static void type_options(struct tv *ctx, const char *key, const char *cur)
{
	struct tv *l = tv_set_list(ctx, key);

	for (size_t i = 0; i < chan_types_count; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", chan_types[i].code);
		tv_set_str(m, "label", chan_types[i].label);
		tv_set_bool(m, "selected", cur && (strcmp(cur, chan_types[i].code) == 0 ||
						   strcmp(cur, chan_types[i].label) == 0));
	}
}

/* The year's total of one metric as text, with its note: "年末（12月）",
 * "5月：《标题》". */
static void total_view(struct req *r, struct tv *m, const struct chan_metric_year *s)
{
	tv_set_str(m, "metric", s->metric);
	tv_set_str(m, "total", num_text(r, s->total));
	switch (s->kind) {
	case METRIC_FLOW:
		tv_set_str(m, "how", "全年合计");
		break;
	case METRIC_STOCK:
		tv_set_str(m, "how", "年末数");
		tv_set_str(m, "note", arena_printf(&r->arena, "截至 %d 月", s->total_month));
		break;
	case METRIC_MAX:
		tv_set_str(m, "how", "全年最高");
		tv_set_str(m, "note", *s->total_label ? arena_printf(&r->arena, "%d 月：%s", s->total_month, s->total_label)
						      : arena_printf(&r->arena, "%d 月", s->total_month));
		break;
	}
}

static void channel_view(struct req *r, struct tv *m, const struct chan_year *y)
{
	tv_set_int(m, "id", y->ch.id);
	tv_set_str(m, "name", y->ch.name);
	tv_set_str(m, "type", y->type->label);
	tv_set_str(m, "type_code", y->type->code);
	tv_set_str(m, "platform", y->ch.platform);
	tv_set_int(m, "nfigures", (long long)y->nfigures);
	tv_set_bool(m, "has_totals", y->nmetrics > 0);
	tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/channel-stats/%lld?year=%d", r->org.slug, y->ch.id,
					  y->year));
	if (y->type->id != CHAN_NEW_MEDIA && y->nmetrics)
		tv_set_str(m, "items", num_text(r, y->items));
	{
		struct tv *l = tv_set_list(m, "totals");

		for (size_t i = 0; i < y->nmetrics; i++)
			total_view(r, tv_list_push_map(l), &y->metrics[i]);
	}
}

/* ---- the list ---- */

struct add_form {
	const char *name, *type, *platform;
};

static int list_page(struct req *r, int status, int year, const char *error, const char *notice,
		     const struct csv_report *rep, const struct add_form *add)
{
	struct tv *ctx = page_ctx(r, "公开渠道数据"), *l;
	struct chan_year *ys;
	int *years;
	size_t n, ny;
	int rc;

	page_year(r, &years, &ny);
	if ((rc = channel_stats_year(req_db(r), &r->arena, r->org.id, year, &ys, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", req_can(r, PERM_CASES));
	year_nav(ctx, year, years, ny);
	l = tv_set_list(ctx, "channels");
	for (size_t i = 0; i < n; i++)
		channel_view(r, tv_list_push_map(l), &ys[i]);
	if (add) {
		struct tv *f = tv_set_map(ctx, "add");

		tv_set_str(f, "name", add->name);
		tv_set_str(f, "platform", add->platform);
	}
	type_options(ctx, "types", add ? add->type : NULL);
	if (rep && rep->nerrors) {
		struct tv *el = tv_set_list(ctx, "import_errors");

		tv_set_bool(ctx, "has_import_errors", true);

		for (size_t i = 0; i < rep->nerrors && i < CSV_MAX_ERRORS && rep->errors; i++)
			tv_list_push_str(el, rep->errors[i]);
		if (rep->nerrors > CSV_MAX_ERRORS)
			tv_set_str(ctx, "import_more",
				   arena_printf(&r->arena, "……另有 %zu 行有误。", rep->nerrors - CSV_MAX_ERRORS));
	}
	return respond_html(r, status, "admin_channel_stats", ctx);
}

int h_chst_list(struct req *r)
{
	int *years;
	size_t ny;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return list_page(r, 200, page_year(r, &years, &ny), NULL, done_notice(r), NULL, NULL);
}

static struct chan_ctx chan_ctx_of(struct req *r)
{
	return (struct chan_ctx){ .db = req_db(r), .a = &r->arena, .org_id = r->org.id, .user_id = r->user.id,
				  .now = now_iso(r) };
}

int h_chst_channel_add(struct req *r)
{
	struct add_form f = { param_str(r, "name"), param_str(r, "type"), param_str(r, "platform") };
	struct chan_ctx c = chan_ctx_of(r);
	struct stat_channel ch;
	const char *msg = NULL;
	int year = (int)param_int(r, "year", this_year()), rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	rc = channel_add(&c, f.name, f.type, f.platform, &ch, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return list_page(r, 400, year, msg, NULL, NULL, &f);
	if (rc)
		return respond_server_error(r, rc);
	log_info("channel %lld (%s) added by %s", ch.id, ch.name, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/channel-stats/%lld?year=%d&done=added",
						r->org.slug, ch.id, year));
}

static struct reg_ctx reg_ctx_of(struct req *r)
{
	return (struct reg_ctx){ .db = req_db(r), .a = &r->arena, .org = &r->org, .user_id = r->user.id,
				 .now = now_iso(r), .today = date_today_cn() };
}

int h_chst_export(struct req *r)
{
	struct reg_ctx c = reg_ctx_of(r);
	int year = (int)param_int(r, "year", 0), rc;
	struct buf b;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	buf_init(&b, &r->arena, 64u << 20);
	if ((rc = reg_channel_stats.export_csv(&c, year, false, &b)))
		return respond_server_error(r, rc);
	return respond_download(r, "text/csv; charset=utf-8", b.p ? b.p : "", b.n,
				year ? arena_printf(&r->arena, "%s-公开渠道数据-%d.csv", r->org.slug, year)
				     : arena_printf(&r->arena, "%s-公开渠道数据.csv", r->org.slug));
}

/* The uploaded file's bytes (arena memory). */
static int read_upload(struct req *r, const struct upload *u, const char **out, size_t *n)
{
	FILE *f = fopen(u->path, "rb");
	char *p;
	size_t got;

	if (!f)
		return ERR_IO;
	if (!(p = arena_alloc(&r->arena, (size_t)u->size + 1))) {
		fclose(f);
		return ERR_NOMEM;
	}
	got = fread(p, 1, (size_t)u->size, f);
	fclose(f);
	if (got != (size_t)u->size)
		return ERR_IO;
	p[got] = '\0';
	*out = p;
	*n = got;
	return 0;
}

int h_chst_import(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	const char *enc = param_str(r, "encoding"), *bytes;
	bool dry = param_str(r, "dry_run") != NULL;
	int year = (int)param_int(r, "year", this_year()), rc;
	struct reg_ctx c = reg_ctx_of(r);
	struct csv_report rep;
	size_t n;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (!u)
		return list_page(r, 400, year, "请选择要导入的 CSV 文件。", NULL, NULL, NULL);
	if (u->size > CSV_MAX_BYTES)
		return list_page(r, 400, year, "文件过大（不超过 32 MB）。", NULL, NULL, NULL);
	if (enc && strcmp(enc, "auto") != 0 && strcmp(enc, "utf-8") != 0 && strcmp(enc, "gbk") != 0)
		return list_page(r, 400, year, "请选择文件编码。", NULL, NULL, NULL);
	if ((rc = read_upload(r, u, &bytes, &n)))
		return respond_server_error(r, rc);
	rc = reg_channel_stats.import_csv(&c, bytes, n, enc, dry, &rep);
	if (rc == ERR_INVALID || rc == ERR_TOO_LARGE) {
		const char *msg = rep.nerrors == 0   ? "文件无法导入，请检查文件格式（CSV，第一行为列名）。"
				  : rep.nerrors == 1 ? rep.errors[0]
						     : arena_printf(&r->arena, "文件有 %zu 处错误，未导入任何数据：", rep.nerrors);

		return list_page(r, 400, year, msg, NULL, rep.nerrors > 1 ? &rep : NULL, NULL);
	}
	if (rc)
		return respond_server_error(r, rc);
	if (dry)
		return list_page(r, 200, year, NULL,
				 arena_printf(&r->arena, "检查通过：共 %zu 行（%s 编码），可以导入。本次只检查，未导入。", rep.rows,
					      rep.encoding ? rep.encoding : "UTF-8"),
				 NULL, NULL);
	log_info("channel figures: %zu rows imported into %s by %s", rep.stored, r->org.slug, r->user.username);
	return list_page(r, 200, year, NULL,
			 arena_printf(&r->arena, "已导入 %zu 行（%s 编码）；同一渠道、月份和指标的原有数据已替换。", rep.stored,
				      rep.encoding ? rep.encoding : "UTF-8"),
			 NULL, NULL);
}

/* ---- one channel: the grid ---- */

/* A column of the grid page. */
struct gcol {
	const char *old, *name;
	const char *cell[12];
	bool fixed;         /* new media: the name is not editable */
};

/* The columns from the stored figures: this year's metrics always, the
 * channel's other metrics while there is room, then empty ones. */
static int grid_cols(struct req *r, const struct chan_year *y, struct gcol *cols, size_t *n)
{
	const char **metrics;
	size_t nm, k = 0;
	bool fixed = y->type->id == CHAN_NEW_MEDIA;
	int rc;

	if ((rc = channel_grid_metrics(req_db(r), &r->arena, &y->ch, &metrics, &nm)))
		return rc;
	/* a year has at most CHAN_METRICS_MAX metrics, so they always fit */
	size_t others = CHST_GRID_COLS - NEW_COLS > y->nmetrics ? CHST_GRID_COLS - NEW_COLS - y->nmetrics : 0;

	for (size_t i = 0; i < nm && k < CHST_GRID_COLS; i++) {
		const struct chan_metric_year *s = NULL;

		for (size_t j = 0; j < y->nmetrics; j++)
			if (strcmp(y->metrics[j].metric, metrics[i]) == 0)
				s = &y->metrics[j];
		if (!s && !fixed) {
			if (!others)
				continue;
			others--;
		}
		cols[k] = (struct gcol){ .old = metrics[i], .name = metrics[i], .fixed = fixed };
		for (int m = 0; m < 12; m++)
			cols[k].cell[m] = s && s->has[m] ? arena_printf(&r->arena, "%lld", s->value[m]) : "";
		k++;
	}
	for (size_t e = 0; !fixed && e < NEW_COLS && k < CHST_GRID_COLS; e++) {
		cols[k] = (struct gcol){ .old = "", .name = "" };
		for (int m = 0; m < 12; m++)
			cols[k].cell[m] = "";
		k++;
	}
	*n = k;
	return 0;
}

struct edit_form {
	const char *name, *type, *platform;
};

/* The charts of a channel's year. */
static int charts(struct req *r, struct tv *ctx, const struct chan_year *y)
{
	struct tv *l = tv_set_list(ctx, "charts");
	int rc;

	if (!y->nfigures)
		return 0;
	tv_set_bool(ctx, "has_charts", true);
	if (y->type->id == CHAN_NEW_MEDIA) {
		for (size_t i = 0; i < y->nmetrics; i++) {
			const struct chan_metric_year *s = &y->metrics[i];
			struct svg_series ser = { .label = s->metric, .values = s->value };
			struct svg_chart c = {
				.id = arena_printf(&r->arena, "chart%zu", i), .cats = month_labels, .ncats = 12,
				.series = &ser, .nseries = 1, .unit = s->kind == METRIC_STOCK ? "人" : "次",
			};
			struct safe_html h;

			c.title = s->kind == METRIC_STOCK
					  ? arena_printf(&r->arena, "%s %d 年月末%s", y->ch.name, y->year, s->metric)
					  : arena_printf(&r->arena, "%s %d 年各月%s", y->ch.name, y->year, s->metric);
			if ((rc = s->kind == METRIC_STOCK ? svg_line_chart(&r->arena, &c, &h) : svg_bar_chart(&r->arena, &c, &h)))
				return rc;
			tv_set_html(tv_list_push_map(l), "svg", h);
		}
		return 0;
	}
	{
		struct svg_series ser[SVG_MAX_SERIES];
		long long *rest = arena_zalloc(&r->arena, 12 * sizeof(*rest));
		size_t ns = 0, nflow = 0;
		struct svg_chart c = { .id = "chart0", .cats = month_labels, .ncats = 12, .series = ser, .stacked = true,
				       .unit = "条" };
		struct safe_html h;

		if (!rest)
			return ERR_NOMEM;
		for (size_t i = 0; i < y->nmetrics; i++)
			nflow += y->metrics[i].kind == METRIC_FLOW;
		for (size_t i = 0; i < y->nmetrics; i++) {
			const struct chan_metric_year *s = &y->metrics[i];

			if (s->kind != METRIC_FLOW)
				continue;
			if (ns < SVG_MAX_SERIES - 1 || nflow <= SVG_MAX_SERIES) {
				ser[ns++] = (struct svg_series){ .label = s->metric, .values = s->value };
				continue;
			}
			for (int m = 0; m < 12; m++)
				rest[m] += s->value[m];
		}
		if (nflow > SVG_MAX_SERIES)
			ser[ns++] = (struct svg_series){ .label = "其余类别", .values = rest };
		if (!ns)
			return 0;
		c.nseries = ns;
		c.title = arena_printf(&r->arena, "%s %d 年各月发布信息数（按内容类别）", y->ch.name, y->year);
		if ((rc = svg_bar_chart(&r->arena, &c, &h)))
			return rc;
		tv_set_html(tv_list_push_map(l), "svg", h);
	}
	return 0;
}

/* The grid page: stored figures, or the posted grid (cols given) with its
 * error. */
static int grid_page(struct req *r, int status, int year, const struct gcol *posted, size_t nposted, int err_col,
		     int err_month, const char *error, const char *notice, const struct edit_form *edit)
{
	struct chan_year y;
	struct gcol cols[CHST_GRID_COLS];
	size_t nc = 0;
	struct tv *ctx, *hl, *rl, *fl;
	bool cases = req_can(r, PERM_CASES), top_title = false;
	int *years;
	size_t ny;
	int rc = channel_stats_channel_year(req_db(r), &r->arena, r->org.id, r->id, year, &y);

	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个渠道。");
	if (rc)
		return respond_server_error(r, rc);
	if (posted) {
		memcpy(cols, posted, nposted * sizeof(*cols));
		nc = nposted;
	} else if ((rc = grid_cols(r, &y, cols, &nc))) {
		return respond_server_error(r, rc);
	}
	ctx = page_ctx(r, arena_printf(&r->arena, "%s - 公开渠道数据", y.ch.name));
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	page_year(r, &years, &ny);
	year_nav(ctx, year, years, ny);
	channel_view(r, tv_set_map(ctx, "channel"), &y);
	tv_set_bool(ctx, "fixed", y.type->id == CHAN_NEW_MEDIA);
	hl = tv_set_list(ctx, "cols");
	fl = tv_set_list(ctx, "foot");
	for (size_t j = 0; j < nc; j++) {
		struct tv *m = tv_list_push_map(hl), *f = tv_list_push_map(fl);
		bool is_top = chan_metric_kind(cols[j].name) == METRIC_MAX && *cols[j].name;

		tv_set_int(m, "j", (long long)j);
		tv_set_int(m, "n", (long long)j + 1);
		tv_set_str(m, "old", cols[j].old);
		tv_set_str(m, "name", cols[j].name);
		tv_set_bool(m, "fixed", cols[j].fixed);
		tv_set_bool(m, "top", is_top);
		tv_set_bool(m, "invalid", err_col == (int)j && err_month < 1);
		top_title = top_title || is_top;
		tv_set_bool(f, "top", is_top);
		tv_set_str(f, "title", "");
		for (size_t i = 0; i < y.nmetrics; i++)
			if (*cols[j].old && strcmp(y.metrics[i].metric, cols[j].old) == 0) {
				const struct chan_metric_year *s = &y.metrics[i];

				tv_set_str(f, "total", num_text(r, s->total));
				if (s->kind == METRIC_STOCK)
					tv_set_str(f, "note", arena_printf(&r->arena, "年末（%d 月）", s->total_month));
				if (s->kind == METRIC_MAX)
					tv_set_str(f, "note", arena_printf(&r->arena, "最高（%d 月）", s->total_month));
				if (s->kind == METRIC_MAX && *s->total_label)
					tv_set_str(f, "title", s->total_label);
			}
	}
	rl = tv_set_list(ctx, "rows");
	for (int mo = 0; mo < 12; mo++) {
		struct tv *row = tv_list_push_map(rl), *cl = tv_set_list(row, "cells");

		tv_set_str(row, "month", month_labels[mo]);
		for (size_t j = 0; j < nc; j++) {
			struct tv *c = tv_list_push_map(cl);
			bool is_top = chan_metric_kind(cols[j].name) == METRIC_MAX && *cols[j].name;
			const char *label = *cols[j].name ? cols[j].name : arena_printf(&r->arena, "第 %zu 列", j + 1);

			tv_set_str(c, "id", arena_printf(&r->arena, "v%zu_%d", j, mo + 1));
			tv_set_str(c, "value", cols[j].cell[mo]);
			tv_set_str(c, "shown", cols[j].cell[mo] && *cols[j].cell[mo] && !posted
						       ? num_text(r, strtoll(cols[j].cell[mo], NULL, 10))
						       : cols[j].cell[mo]);
			tv_set_str(c, "aria", arena_printf(&r->arena, "%s %s", month_labels[mo], label));
			tv_set_bool(c, "invalid", err_col == (int)j && err_month == mo + 1);
			if (is_top) {
				const char *t = NULL;

				if (posted)
					t = param_str(r, arena_printf(&r->arena, "t%d", mo + 1));
				else
					for (size_t i = 0; i < y.nmetrics; i++)
						if (strcmp(y.metrics[i].metric, cols[j].name) == 0 && y.metrics[i].has[mo])
							t = y.metrics[i].label[mo];
				tv_set_bool(c, "top", true);
				tv_set_str(c, "title_id", arena_printf(&r->arena, "t%d", mo + 1));
				tv_set_str(c, "title", t ? t : "");
				tv_set_str(c, "title_aria", arena_printf(&r->arena, "%s 阅读最多的一条的标题", month_labels[mo]));
			}
		}
	}
	tv_set_bool(ctx, "top_title", top_title);
	{
		struct tv *ef = tv_set_map(ctx, "edit");

		tv_set_str(ef, "name", edit ? edit->name : y.ch.name);
		tv_set_str(ef, "platform", edit ? edit->platform : y.ch.platform);
		type_options(ctx, "types", edit ? edit->type : y.ch.type);
	}
	if ((rc = charts(r, ctx, &y)))
		return respond_server_error(r, rc);
	return respond_html(r, status, "admin_channel_stats_grid", ctx);
}

int h_chst_grid(struct req *r)
{
	int *years;
	size_t ny;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return grid_page(r, 200, page_year(r, &years, &ny), NULL, 0, -1, -1, NULL, done_notice(r), NULL);
}

static const char *pstr(struct req *r, const char *fmt, size_t j, int m)
{
	const char *name = m ? arena_printf(&r->arena, fmt, j, m) : arena_printf(&r->arena, fmt, j);

	return name ? param_str(r, name) : NULL;
}

int h_chst_grid_save(struct req *r)
{
	struct gcol posted[CHST_GRID_COLS];
	struct chan_grid_col gc[CHST_GRID_COLS];
	size_t map[CHST_GRID_COLS], np = 0, ng = 0;
	struct chan_grid g = { .year = (int)param_int(r, "year", 0), .cols = gc };
	struct chan_ctx c = chan_ctx_of(r);
	struct stat_channel ch;
	const char *msg = NULL;
	bool fixed;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	rc = store_stat_channel_get(req_db(r), &r->arena, r->org.id, r->id, &ch);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个渠道。");
	if (rc)
		return respond_server_error(r, rc);
	if (!g.year)
		return respond_error(r, 400, "请选择年度。");
	fixed = strcmp(ch.type, "new_media") == 0;
	for (size_t j = 0; j < CHST_GRID_COLS; j++) {
		struct gcol *p = &posted[np];
		bool any;

		p->old = pstr(r, "o%zu", j, 0);
		p->name = pstr(r, "m%zu", j, 0);
		any = p->old || p->name;
		for (int m = 0; m < 12; m++) {
			p->cell[m] = pstr(r, "v%zu_%d", j, m + 1);
			any = any || p->cell[m];
		}
		p->fixed = fixed;
		if (!any)
			continue;
		p->old = p->old ? p->old : "";
		p->name = p->name ? p->name : "";
		gc[ng] = (struct chan_grid_col){ .old_metric = p->old, .metric = p->name };
		memcpy(gc[ng].cell, p->cell, sizeof(p->cell));
		map[ng++] = np++;
	}
	for (int m = 0; m < 12; m++)
		g.top_title[m] = param_str(r, arena_printf(&r->arena, "t%d", m + 1));
	g.ncols = ng;
	rc = channel_grid_save(&c, r->id, &g, &msg);
	if (rc == ERR_INVALID) {
		/* keep the form, with room for new columns again */
		for (size_t k = 0; !fixed && k < NEW_COLS && np < CHST_GRID_COLS; k++)
			posted[np++] = (struct gcol){ .old = "", .name = "" };
		for (size_t j = 0; j < np; j++)
			for (int m = 0; m < 12; m++)
				if (!posted[j].cell[m])
					posted[j].cell[m] = "";
		return grid_page(r, 400, g.year, posted, np, g.err_col >= 0 ? (int)map[g.err_col] : -1, g.err_month,
				 msg, NULL, NULL);
	}
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个渠道。");
	if (rc)
		return respond_server_error(r, rc);
	log_info("channel %lld: figures of %d saved by %s", r->id, g.year, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/channel-stats/%lld?year=%d&done=saved",
						r->org.slug, r->id, g.year));
}

int h_chst_channel_save(struct req *r)
{
	struct edit_form f = { param_str(r, "name"), param_str(r, "type"), param_str(r, "platform") };
	struct chan_ctx c = chan_ctx_of(r);
	const char *msg = NULL;
	int year = (int)param_int(r, "year", this_year()), rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	rc = channel_edit(&c, r->id, f.name, f.type, f.platform, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个渠道。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return grid_page(r, 400, year, NULL, 0, -1, -1, msg, NULL, &f);
	if (rc)
		return respond_server_error(r, rc);
	log_info("channel %lld edited by %s", r->id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/channel-stats/%lld?year=%d&done=edited",
						r->org.slug, r->id, year));
}

int h_chst_channel_delete(struct req *r)
{
	struct chan_ctx c = chan_ctx_of(r);
	const char *msg = NULL;
	int year = (int)param_int(r, "year", this_year()), rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	rc = channel_remove(&c, r->id, param_str(r, "with_figures") != NULL, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个渠道。");
	if (rc == ERR_INVALID)
		return grid_page(r, 400, year, NULL, 0, -1, -1, msg, NULL, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("channel %lld deleted by %s", r->id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/channel-stats?year=%d&done=deleted",
						r->org.slug, year));
}
