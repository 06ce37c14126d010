/* h_stats.c - the statistics page of an agency's year: each register's
 * monthly volumes by channel, source or kind, as a server-rendered SVG
 * chart and a table with the same numbers. Each register's own pages hold
 * its CSV import and export. */
#include <string.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/registers/registers.h"
#include "http/http.h"
#include "render/html.h"
#include "render/svg.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "core/banned.h"

static const char *const month_labels[12] = { "1月", "2月", "3月", "4月", "5月", "6月",
					       "7月", "8月", "9月", "10月", "11月", "12月" };

static int this_year(void)
{
	int y, m, d;

	date_to_ymd(date_today_cn(), &y, &m, &d);
	return y;
}

/* ---- statistics ---- */

/* A stacked bar chart of the series by month; beyond SVG_MAX_SERIES the
 * smallest series are summed into “其他”. */
static int chart_of(struct req *r, const char *code, const char *label, int year, const struct reg_series *s,
		    size_t n, struct safe_html *out)
{
	struct svg_series ser[SVG_MAX_SERIES];
	size_t k = n <= SVG_MAX_SERIES ? n : SVG_MAX_SERIES;
	long long *rest = NULL;

	for (size_t i = 0; i < k; i++)
		ser[i] = (struct svg_series){ .label = s[i].label, .values = s[i].month };
	if (n > SVG_MAX_SERIES) {
		if (!(rest = arena_zalloc(&r->arena, 12 * sizeof(*rest))))
			return ERR_NOMEM;
		for (size_t i = SVG_MAX_SERIES - 1; i < n; i++)
			for (int m = 0; m < 12; m++)
				rest[m] += s[i].month[m];
		ser[SVG_MAX_SERIES - 1] = (struct svg_series){ .label = "其他", .values = rest };
	}
	struct svg_chart c = {
		.id = arena_printf(&r->arena, "chart-%s", code),
		.title = arena_printf(&r->arena, "%s：%d 年各月数量", label, year),
		.cats = month_labels,
		.ncats = 12,
		.series = ser,
		.nseries = k,
		.stacked = true,
	};
	return svg_bar_chart(&r->arena, &c, out);
}

int h_admin_stats(struct req *r)
{
	int year = (int)param_int(r, "year", this_year());
	struct tv *ctx = page_ctx(r, "统计"), *sections, *years;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	tv_set_int(ctx, "year", year);
	years = tv_set_list(ctx, "years");
	for (int y = this_year(); y >= 2019; y--) {
		struct tv *m = tv_list_push_map(years);

		tv_set_int(m, "value", y);
		tv_set_bool(m, "selected", y == year);
	}
	tv_set_bool(ctx, "can_cases", req_can(r, PERM_CASES));
	sections = tv_set_list(ctx, "sections");
	for (size_t i = 0; i < reg_kinds_count; i++) {
		const struct reg_kind *k = reg_kinds[i];
		struct reg_series *s = NULL;
		struct tv *sec, *rows, *heads;
		long long total = 0, month_total[12] = { 0 };
		size_t n = 0;

		sec = tv_list_push_map(sections);
		tv_set_str(sec, "code", k->code);
		tv_set_str(sec, "label", k->label);
		if (!k->year_series)
			continue;
		tv_set_bool(sec, "series", true);
		if ((rc = k->year_series(req_db(r), &r->arena, r->org.id, year, &s, &n))) {
			log_error("stats %s %s %d: %s", r->org.slug, k->code, year, err_name(rc));
			return respond_error(r, 500, "统计失败。");
		}
		heads = tv_set_list(sec, "months");
		for (int m = 0; m < 12; m++)
			tv_list_push_str(heads, month_labels[m]);
		rows = tv_set_list(sec, "rows");
		for (size_t j = 0; j < n; j++) {
			struct tv *row = tv_list_push_map(rows), *cells = tv_set_list(row, "cells");

			tv_set_str(row, "label", s[j].label);
			for (int m = 0; m < 12; m++) {
				tv_list_push_int(cells, s[j].month[m]);
				month_total[m] += s[j].month[m];
			}
			tv_set_int(row, "total", s[j].total);
			total += s[j].total;
		}
		{
			struct tv *cells = tv_set_list(sec, "month_totals");

			for (int m = 0; m < 12; m++)
				tv_list_push_int(cells, month_total[m]);
		}
		tv_set_int(sec, "total", total);
		/* the channel figures mix units (items, pushes): no grand total in the heading */
		tv_set_bool(sec, "additive", strcmp(k->code, "channel-stats") != 0);
		tv_set_bool(sec, "has_data", total > 0);
		if (n && total > 0) {
			struct safe_html svg;

			if ((rc = chart_of(r, k->code, k->label, year, s, n, &svg)))
				return respond_error(r, 500, "统计图生成失败。");
			tv_set_html(sec, "chart", svg);
		}
	}
	return respond_html(r, 200, "admin_stats", ctx);
}
