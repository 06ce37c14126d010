/* deadline.c - the one deadline engine: a case's due date from its start
 * rule and clock events over the working-day calendar. See deadline.h. */
#include "domain/deadline/deadline.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/err.h"
#include "domain/calendar/calendar.h"
#include "core/banned.h"

static const char *kind_name(int kind)
{
	switch (kind) {
	case DEADLINE_START: return "起算";
	case DEADLINE_PAUSE: return "暂停计时";
	case DEADLINE_RESUME: return "恢复计时";
	case DEADLINE_RESTART: return "补正后重新起算";
	case DEADLINE_EXTEND: return "延期";
	case DEADLINE_STOP: return "办结";
	}
	return "未知事件";
}

static const char *unit_name(int unit)
{
	return unit == DEADLINE_CALENDAR_DAYS ? "日" : "个工作日";
}

/* Fail on event i: out->bad and a Chinese out->msg naming the event;
 * returns rc. */
static int fail(struct deadline_result *out, int rc, const struct deadline_event *ev, size_t i,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(struct deadline_result *out, int rc, const struct deadline_event *ev, size_t i,
		const char *fmt, ...)
{
	char d[11];
	va_list ap;
	int len;

	out->bad = i;
	date_format(ev[i].day, d);
	len = snprintf(out->msg, sizeof(out->msg), "第 %zu 个事件（%s，%s）：", i + 1, kind_name(ev[i].kind), d);
	if (len < 0 || (size_t)len >= sizeof(out->msg))
		return rc;
	va_start(ap, fmt);
	vsnprintf(out->msg + len, sizeof(out->msg) - (size_t)len, fmt, ap);
	va_end(ap);
	return rc;
}

/* The units in (from, to], to >= from, into *k. ERR_NOT_FOUND with the
 * year in *missing when a working day must be judged in an uncovered
 * year; ERR_INVALID when the span is beyond CALENDAR_N_MAX units. */
static int count_units(const struct calendar *cal, int unit, long from, long to, int *k, int *missing)
{
	if (to - from > (long)CALENDAR_N_MAX * 2)
		return ERR_INVALID;
	if (to <= from) {
		*k = 0;
		return 0;
	}
	if (unit == DEADLINE_CALENDAR_DAYS) {
		*k = (int)(to - from);
		return 0;
	}
	return calendar_count_workdays(cal, from, to, k, missing);
}

/* The k-th unit strictly after day (day itself when k is 0) into *out. */
static int add_units(const struct calendar *cal, int unit, long day, int k, long *out, int *missing)
{
	if (k == 0) {
		*out = day;
		return 0;
	}
	if (k < 0 || k > CALENDAR_N_MAX)
		return ERR_INVALID;
	if (unit == DEADLINE_CALENDAR_DAYS) {
		*out = day + k;
		return 0;
	}
	return calendar_add_workdays(cal, day, k, out, missing);
}

static void record(struct deadline_result *out, const struct deadline_event *ev, size_t i, long old_due, int days)
{
	struct deadline_change *c;

	if (old_due == out->due || out->nhistory >= DEADLINE_EVENTS_MAX)
		return;
	c = &out->history[out->nhistory++];
	*c = (struct deadline_change){ .event = i, .kind = ev[i].kind, .day = ev[i].day, .old_due = old_due,
				       .new_due = out->due, .days = days };
}

/* Turn an arithmetic failure at event i into the result's error. */
static int calc_fail(struct deadline_result *out, int rc, const struct deadline_event *ev, size_t i, int missing)
{
	if (rc == ERR_NOT_FOUND) {
		out->missing_year = missing;
		return fail(out, rc, ev, i, "工作日历缺少 %d 年的节假日数据，无法计算到期日，"
			    "请系统管理员导入该年的节假日安排", missing);
	}
	return fail(out, ERR_INVALID, ev, i, "期限超出可计算的范围（最多 %d 个工作日）", CALENDAR_N_MAX);
}

/* The end of a pause resumed on day r: r, or pause_until when earlier. */
static long pause_end(const struct deadline_result *out, long r)
{
	return out->capped && out->pause_until < r ? out->pause_until : r;
}

int deadline_compute(const struct calendar *cal, const struct deadline_event *ev, size_t n,
		     struct deadline_result *out)
{
	int limit = 0, ext_max = 0, rc = 0, missing = 0;

	memset(out, 0, sizeof(*out));
	if (n == 0) {
		snprintf(out->msg, sizeof(out->msg), "没有任何期限事件：第一个事件必须是起算");
		return ERR_INVALID;
	}
	if (n > DEADLINE_EVENTS_MAX) {
		out->bad = DEADLINE_EVENTS_MAX;
		snprintf(out->msg, sizeof(out->msg), "期限事件过多：%zu 个，最多 %d 个", n, DEADLINE_EVENTS_MAX);
		return ERR_TOO_LARGE;
	}
	for (size_t i = 0; i < n; i++) {
		const struct deadline_event *e = &ev[i];
		long old_due = out->due, end;
		int k = 0;

		if (i == 0 && e->kind != DEADLINE_START)
			return fail(out, ERR_INVALID, ev, i, "第一个事件必须是起算");
		if (i > 0 && e->day < ev[i - 1].day) {
			char d[11];

			date_format(ev[i - 1].day, d);
			return fail(out, ERR_INVALID, ev, i, "事件顺序错误，早于上一个事件的日期 %s", d);
		}
		if (out->stopped)
			return fail(out, ERR_INVALID, ev, i, "案件已办结，不能再有期限事件");
		switch (e->kind) {
		case DEADLINE_START:
			if (i > 0)
				return fail(out, ERR_INVALID, ev, i, "已经起算，不能再次起算");
			if (e->unit != DEADLINE_WORKDAYS && e->unit != DEADLINE_CALENDAR_DAYS)
				return fail(out, ERR_INVALID, ev, i, "期限单位无效");
			if (e->n < 1 || e->n > CALENDAR_N_MAX)
				return fail(out, ERR_INVALID, ev, i, "期限天数 %d 无效，应为 1 至 %d", e->n,
					    CALENDAR_N_MAX);
			if (e->ext_max < 0 || e->ext_max > CALENDAR_N_MAX)
				return fail(out, ERR_INVALID, ev, i, "延期上限 %d 无效", e->ext_max);
			out->unit = e->unit;
			limit = e->n;
			ext_max = e->ext_max;
			out->start = e->day;
			if ((rc = add_units(cal, out->unit, e->day, limit, &out->due, &missing)))
				return calc_fail(out, rc, ev, i, missing);
			out->initial_due = out->due;
			break;
		case DEADLINE_PAUSE:
			if (out->paused)
				return fail(out, ERR_INVALID, ev, i, "已处于暂停状态，不能再次暂停");
			if (e->day > out->due) {
				char d[11];

				date_format(out->due, d);
				return fail(out, ERR_INVALID, ev, i, "晚于到期日 %s，案件已超期，不能暂停计时", d);
			}
			if (e->n < 0 || e->n > CALENDAR_N_MAX)
				return fail(out, ERR_INVALID, ev, i, "暂停上限 %d 个工作日无效", e->n);
			out->paused = true;
			out->paused_since = e->day;
			out->capped = e->n > 0;
			out->pause_until = 0;
			if (out->capped && (rc = calendar_add_workdays(cal, e->day, e->n, &out->pause_until, &missing)))
				return calc_fail(out, rc, ev, i, missing);
			break;
		case DEADLINE_RESUME:
			if (!out->paused)
				return fail(out, ERR_INVALID, ev, i, "没有对应的暂停计时，不能恢复");
			end = pause_end(out, e->day);
			if ((rc = count_units(cal, out->unit, out->paused_since, end, &k, &missing)) ||
			    (rc = add_units(cal, out->unit, out->due, k, &out->due, &missing)))
				return calc_fail(out, rc, ev, i, missing);
			out->paused = out->capped = false;
			out->paused_since = out->pause_until = 0;
			record(out, ev, i, old_due, k);
			break;
		case DEADLINE_RESTART:
			if (out->restarted)
				return fail(out, ERR_INVALID, ev, i, "补正只能一次性告知，不能再次重新起算");
			if (out->extended)
				return fail(out, ERR_INVALID, ev, i, "已经延期，不能再补正重新起算");
			if ((rc = add_units(cal, out->unit, e->day, limit, &out->due, &missing)))
				return calc_fail(out, rc, ev, i, missing);
			out->restarted = true;
			out->start = e->day;
			out->paused = out->capped = false;
			out->paused_since = out->pause_until = 0;
			record(out, ev, i, old_due, limit);
			break;
		case DEADLINE_EXTEND:
			if (out->extended)
				return fail(out, ERR_INVALID, ev, i, "已经延期一次，不能再次延期");
			if (ext_max == 0)
				return fail(out, ERR_INVALID, ev, i, "此类案件不允许延期");
			if (e->n < 1 || e->n > ext_max)
				return fail(out, ERR_INVALID, ev, i, "延期 %d %s无效，最长不得超过 %d %s", e->n,
					    unit_name(out->unit), ext_max, unit_name(out->unit));
			if (!out->paused && e->day > out->due) {
				char d[11];

				date_format(out->due, d);
				return fail(out, ERR_INVALID, ev, i, "晚于到期日 %s，延期应在期限内决定", d);
			}
			if ((rc = add_units(cal, out->unit, out->due, e->n, &out->due, &missing)))
				return calc_fail(out, rc, ev, i, missing);
			out->extended = true;
			record(out, ev, i, old_due, e->n);
			break;
		case DEADLINE_STOP:
			out->stopped = true;
			out->stop_day = e->day;
			out->paused = out->capped = false;
			out->paused_since = out->pause_until = 0;
			break;
		default:
			return fail(out, ERR_INVALID, ev, i, "未知的事件类型 %d", e->kind);
		}
	}
	if (out->paused) {
		/* the index of the open PAUSE, for errors */
		size_t p = n;
		int k = 0;

		while (p > 0 && ev[p - 1].kind != DEADLINE_PAUSE)
			p--;
		p = p ? p - 1 : 0;
		if ((rc = count_units(cal, out->unit, out->paused_since, out->due, &out->remaining, &missing)))
			return calc_fail(out, rc, ev, p, missing);
		if (out->capped &&
		    ((rc = count_units(cal, out->unit, out->paused_since, out->pause_until, &k, &missing)) ||
		     (rc = add_units(cal, out->unit, out->due, k, &out->due, &missing))))
			return calc_fail(out, rc, ev, p, missing);
	}
	return 0;
}

int deadline_status(const struct calendar *cal, long due, long today, int *workdays_left)
{
	int k = 0, missing = 0, rc;

	if (today <= due) {
		if ((rc = count_units(cal, DEADLINE_WORKDAYS, today, due, &k, &missing)))
			return rc;
		*workdays_left = k;
		return 0;
	}
	if ((rc = count_units(cal, DEADLINE_WORKDAYS, due, today, &k, &missing)))
		return rc;
	*workdays_left = k > 0 ? -k : -1;
	return 0;
}
