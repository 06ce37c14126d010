/* h_calendar.c - the working-day calendar for system administrators: a
 * year month by month with its days off and adjusted working days, the
 * years covered, and a form to load a year's holidays when the State
 * Council publishes them (the same TSV as data/cn-calendar.tsv). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/applications/cases.h"
#include "domain/auth/auth.h"
#include "domain/calendar/calendar.h"
#include "http/http.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

static const char *const weekday_names[] = { "一", "二", "三", "四", "五", "六", "日" };

/* One month as weeks of seven cells (Monday first), for the year view. */
static void put_month(struct tv *months, const struct calendar *cal, int y, int m)
{
	struct tv *mo = tv_list_push_map(months), *weeks = tv_set_list(mo, "weeks"), *week = NULL;
	long first = date_from_ymd(y, m, 1);
	int lead = date_weekday(first), dim = date_days_in_month(y, m);

	tv_set_int(mo, "month", m);
	for (int cell = 0; cell < lead + dim || cell % 7; cell++) {
		struct tv *c;

		if (cell % 7 == 0)
			week = tv_set_list(tv_list_push_map(weeks), "days");
		c = tv_list_push_map(week);
		if (cell < lead || cell >= lead + dim)
			continue;
		{
			long day = first + (cell - lead);
			const struct calendar_row *row = calendar_lookup(cal, day);
			bool work = false;

			tv_set_int(c, "d", cell - lead + 1);
			if (calendar_is_workday(cal, day, &work))
				continue;
			tv_set_str(c, "kind", row ? (row->kind == CAL_WORK ? "work" : "off") : work ? "" : "weekend");
			tv_set_str(c, "label", row ? (row->kind == CAL_WORK ? "班" : "休") : "");
			tv_set_str(c, "name", row ? row->name : NULL);
		}
	}
}

static int calendar_page(struct req *r, int status, int year, const char *error, const char *notice,
			 const char *text)
{
	struct tv *ctx = page_ctx(r, "工作日历"), *months, *list, *yl;
	struct org platform;
	struct calendar cal;
	int *years;
	size_t ny;
	int rc;

	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) ||
	    (rc = calendar_load(req_db(r), &r->arena, platform.id, &cal)) ||
	    (rc = store_calendar_years(req_db(r), &r->arena, platform.id, &years, &ny)))
		return respond_error(r, 500, "无法读取工作日历。");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_str(ctx, "text", text);
	tv_set_int(ctx, "year", year);
	tv_set_int(ctx, "prev", year - 1);
	tv_set_int(ctx, "next", year + 1);
	tv_set_bool(ctx, "covered", calendar_covers(&cal, year));
	yl = tv_set_list(ctx, "years");
	for (size_t i = 0; i < ny; i++)
		tv_list_push_int(yl, years[i]);
	list = tv_set_list(ctx, "weekdays");
	for (int i = 0; i < 7; i++)
		tv_list_push_str(list, weekday_names[i]);
	if (calendar_covers(&cal, year)) {
		struct tv *rows = tv_set_list(ctx, "rows");

		months = tv_set_list(ctx, "months");
		for (int m = 1; m <= 12; m++)
			put_month(months, &cal, year, m);
		for (size_t i = 0; i < cal.n; i++) {
			int y, m, d;
			char buf[11];
			struct tv *row;

			date_to_ymd(cal.rows[i].day, &y, &m, &d);
			if (y != year)
				continue;
			row = tv_list_push_map(rows);
			date_format(cal.rows[i].day, buf);
			tv_set_str(row, "day", buf);
			tv_set_str(row, "weekday", weekday_names[date_weekday(cal.rows[i].day)]);
			tv_set_str(row, "kind", cal.rows[i].kind == CAL_WORK ? "调休上班" : "放假");
			tv_set_str(row, "name", cal.rows[i].name);
		}
	}
	return respond_html(r, status, "admin_calendar", ctx);
}

static int this_year(void)
{
	int y, m, d;

	date_to_ymd(date_today_cn(), &y, &m, &d);
	return y;
}

int h_admin_calendar(struct req *r)
{
	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	return calendar_page(r, 200, (int)param_int(r, "year", this_year()), NULL, NULL, NULL);
}

int h_admin_calendar_import(struct req *r)
{
	const char *text = param_str(r, "tsv"), *msg = NULL;
	struct calendar_row *rows;
	struct org platform;
	long long changed = 0;
	char now[21];
	size_t n;
	int *years;
	size_t ny;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if (!text)
		return calendar_page(r, 400, this_year(), "请粘贴节假日安排（每行：日期、off 或 work、节日名称，以 Tab 分隔）。",
				     NULL, NULL);
	rc = calendar_parse_tsv(&r->arena, text, strlen(text), &rows, &n, &msg);
	if (rc == ERR_INVALID)
		return calendar_page(r, 400, this_year(), msg, NULL, text);
	if (rc || (rc = calendar_rows_years(&r->arena, rows, n, &years, &ny)))
		return respond_error(r, 500, "服务器内部错误。");
	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) || (rc = db_begin(req_db(r))))
		return respond_error(r, 500, "服务器内部错误。");
	time_format_utc(time(NULL), now);
	if ((rc = calendar_import(req_db(r), &r->arena, platform.id, rows, n)) ||
	    (rc = app_calendar_changed(req_db(r), &r->arena, platform.id, now, &changed)) ||
	    (rc = db_commit(req_db(r)))) {
		db_rollback(req_db(r));
		return respond_error(r, 500, "保存工作日历失败，未做改动。");
	}
	log_info("calendar: %zu days for %zu year(s) from %d loaded by %s", n, ny, years[0], r->user.username);
	return calendar_page(r, 200, years[0],
			     NULL, arena_printf(&r->arena, "已载入 %zu 天（%d 年%s），原有的该年份数据已替换；"
						"%lld 件在办申请的答复期限已重新计算。", n, years[0], ny > 1 ? " 等" : "", changed),
			     NULL);
}
