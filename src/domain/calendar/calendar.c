/* calendar.c - the working-day calendar: parsing the calendar file,
 * per-year workday bitmaps, and due-date arithmetic. See calendar.h. */
#include "domain/calendar/calendar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "store/store.h"
#include "core/banned.h"

#define YEAR_MIN 1900   /* the range of date_parse */
#define YEAR_MAX 2999
#define SHOW_MAX 20     /* characters of a bad field quoted in a message */

static const char *const weekday_names[] = { "一", "二", "三", "四", "五", "六", "日" };

/* ---- parsing ---- */

/* "第 N 行：<fmt>" as an arena string into *msg; returns ERR_INVALID (or
 * ERR_NOMEM when even the message cannot be allocated). */
static int line_fail(struct arena *a, const char **msg, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int line_fail(struct arena *a, const char **msg, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	*msg = line ? arena_printf(a, "第 %d 行：%s", line, text) : arena_strdup(a, text);
	return *msg ? ERR_INVALID : ERR_NOMEM;
}

/* Bytes of (p, n) that hold at most SHOW_MAX characters of valid UTF-8,
 * so a quoted field never splits a character. */
static int show_len(const char *p, size_t n)
{
	const char *cur = p, *end = p + n;

	for (int k = 0; k < SHOW_MAX && cur < end; k++)
		utf8_next(&cur, end);
	return (int)(cur - p);
}

static bool has_control(const char *p, size_t n, bool tab_ok)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && !(tab_ok && c == '\t')) || c == 0x7f)
			return true;
	}
	return false;
}

static int row_cmp(const void *x, const void *y)
{
	const struct calendar_row *a = x, *b = y;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

/* One data line (p, n): checked and stored in *r. */
static int parse_line(struct arena *a, const char *p, size_t n, int line, struct calendar_row *r,
		      const char **msg)
{
	const char *t1, *t2, *end = p + n;
	struct str name;
	size_t kn;
	int wd;

	if (!utf8_valid(p, n))
		return line_fail(a, msg, line, "不是有效的 UTF-8 文本");
	if (has_control(p, n, true))
		return line_fail(a, msg, line, "含有控制字符");
	t1 = memchr(p, '\t', n);
	t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
	if (!t2 || memchr(t2 + 1, '\t', (size_t)(end - t2 - 1)))
		return line_fail(a, msg, line, "应有 3 列（日期、off 或 work、名称），以 Tab 分隔");
	if (date_parse(p, (size_t)(t1 - p), &r->day))
		return line_fail(a, msg, line, "日期“%.*s”无效，应为 YYYY-MM-DD 格式的真实日期",
				 show_len(p, (size_t)(t1 - p)), p);
	kn = (size_t)(t2 - t1 - 1);
	if (kn == 3 && memcmp(t1 + 1, "off", 3) == 0)
		r->kind = CAL_OFF;
	else if (kn == 4 && memcmp(t1 + 1, "work", 4) == 0)
		r->kind = CAL_WORK;
	else
		return line_fail(a, msg, line, "类型“%.*s”无效，应为 off（放假）或 work（调休上班）",
				 show_len(t1 + 1, kn), t1 + 1);
	wd = date_weekday(r->day);
	if (r->kind == CAL_WORK && wd < 5)
		return line_fail(a, msg, line, "%.10s 是星期%s，本来就是工作日：work 只能用于星期六或星期日", p,
				 weekday_names[wd]);
	name = str_trim((struct str){ t2 + 1, (size_t)(end - t2 - 1) });
	if (name.n == 0)
		return line_fail(a, msg, line, "缺少节日名称");
	if (utf8_len(name.p, name.n) > CALENDAR_NAME_MAX)
		return line_fail(a, msg, line, "节日名称超过 %d 个字", CALENDAR_NAME_MAX);
	if (!(r->name = arena_strndup(a, name.p, name.n)))
		return ERR_NOMEM;
	r->line = line;
	return 0;
}

int calendar_parse_tsv(struct arena *a, const char *text, size_t len, struct calendar_row **rows, size_t *n,
		       const char **msg)
{
	const char *p = text, *end = text + len;
	struct calendar_row *arr = NULL;
	size_t k = 0, cap = 0;
	int line = 0, rc = 0, dup = 0;

	*msg = NULL;
	*rows = NULL;
	*n = 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		line++;
		if (e > p && e[-1] == '\r')
			e--;
		if (e == p) {
			/* an empty line */
		} else if (*p == '#') {
			if (!utf8_valid(p, (size_t)(e - p)))
				rc = line_fail(a, msg, line, "不是有效的 UTF-8 文本");
		} else {
			if (k == cap) {
				size_t nc = cap ? cap * 2 : 256;
				struct calendar_row *na = arena_alloc(a, nc * sizeof(*na));

				if (!na)
					return ERR_NOMEM;
				if (k)
					memcpy(na, arr, k * sizeof(*na));
				arr = na;
				cap = nc;
			}
			rc = parse_line(a, p, (size_t)(e - p), line, &arr[k], msg);
			if (rc == 0)
				k++;
		}
		if (rc)
			break;
		p = nl ? nl + 1 : end;
	}
	if (rc == ERR_NOMEM)
		return rc;
	/* a date listed twice before the first bad line is the first error */
	if (k > 1)
		qsort(arr, k, sizeof(*arr), row_cmp);
	for (size_t i = 1; i < k; i++)
		if (arr[i].day == arr[i - 1].day && (!dup || arr[i].line < arr[dup].line))
			dup = (int)i;
	if (dup) {
		char d[11];

		date_format(arr[dup].day, d);
		return line_fail(a, msg, arr[dup].line, "日期 %s 已在第 %d 行列出，同一日期只能出现一次", d,
				 arr[dup - 1].line);
	}
	if (rc)
		return rc;
	if (k == 0)
		return line_fail(a, msg, 0, "文件中没有任何日期行");
	*rows = arr;
	*n = k;
	return 0;
}

int calendar_rows_years(struct arena *a, const struct calendar_row *rows, size_t n, int **years, size_t *ny)
{
	int *out = NULL, last = 0;
	size_t k = 0;

	*years = NULL;
	*ny = 0;
	if (n && !(out = arena_alloc(a, n * sizeof(*out))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		int y, m, d;

		date_to_ymd(rows[i].day, &y, &m, &d);
		if (k == 0 || y != last)
			out[k++] = last = y;
	}
	*years = out;
	*ny = k;
	return 0;
}

/* ---- the calendar ---- */

static int year_of(long day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return y;
}

static const struct calendar_year *year_get(const struct calendar *cal, int y)
{
	if (y < cal->first_year || y - cal->first_year >= cal->nyears)
		return NULL;
	return cal->years[y - cal->first_year];
}

static bool bit_get(const struct calendar_year *cy, long i)
{
	return (cy->work[i >> 6] >> (i & 63)) & 1;
}

static void bit_set(struct calendar_year *cy, long i, bool on)
{
	if (on)
		cy->work[i >> 6] |= (uint64_t)1 << (i & 63);
	else
		cy->work[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

int calendar_build(struct calendar *cal, struct arena *a, const struct calendar_row *rows, size_t n,
		   const int *years, size_t ny)
{
	int lo = YEAR_MAX, hi = YEAR_MIN;

	*cal = (struct calendar){ .rows = rows, .n = n };
	for (size_t i = 0; i < ny; i++) {
		if (years[i] < YEAR_MIN || years[i] > YEAR_MAX)
			return ERR_INVALID;
		lo = years[i] < lo ? years[i] : lo;
		hi = years[i] > hi ? years[i] : hi;
	}
	if (ny) {
		cal->first_year = lo;
		cal->nyears = hi - lo + 1;
		if (!(cal->years = arena_zalloc(a, (size_t)cal->nyears * sizeof(*cal->years))))
			return ERR_NOMEM;
	}
	for (size_t i = 0; i < ny; i++) {
		struct calendar_year **slot = &cal->years[years[i] - lo];
		long first, len;

		if (*slot)
			continue;
		if (!(*slot = arena_zalloc(a, sizeof(**slot))))
			return ERR_NOMEM;
		first = date_from_ymd(years[i], 1, 1);
		len = date_from_ymd(years[i] + 1, 1, 1) - first;
		for (long k = 0; k < len; k++)
			bit_set(*slot, k, date_weekday(first + k) < 5);
	}
	for (size_t i = 0; i < n; i++) {
		const struct calendar_row *r = &rows[i];
		struct calendar_year *cy;
		int y = year_of(r->day);

		if (i && r->day <= rows[i - 1].day)
			return ERR_INVALID;
		if (r->kind != CAL_OFF && r->kind != CAL_WORK)
			return ERR_INVALID;
		if (r->kind == CAL_WORK && date_weekday(r->day) < 5)
			return ERR_INVALID;
		if (!(cy = (struct calendar_year *)year_get(cal, y)))
			return ERR_INVALID;
		bit_set(cy, r->day - date_from_ymd(y, 1, 1), r->kind == CAL_WORK);
	}
	return 0;
}

bool calendar_covers(const struct calendar *cal, int year)
{
	return year_get(cal, year) != NULL;
}

void calendar_missing_years(const struct calendar *cal, int from, int to, int *out, size_t max, size_t *n)
{
	size_t k = 0;

	for (int y = from; y <= to; y++) {
		if (calendar_covers(cal, y))
			continue;
		if (k < max)
			out[k] = y;
		k++;
	}
	*n = k;
}

int calendar_coverage_warning(const struct calendar *cal, struct arena *a, long today, const char **msg)
{
	int y = year_of(today), miss[2];
	size_t n;

	*msg = NULL;
	calendar_missing_years(cal, y, y + 1, miss, 2, &n);
	if (n == 0)
		return 0;
	if (n == 2)
		*msg = arena_printf(a, "工作日历缺少 %d 年和 %d 年的节假日数据：期限落在这两年的申请无法计算到期日，"
				    "请系统管理员用 gongkai calendar import 导入国务院办公厅的节假日安排", miss[0], miss[1]);
	else
		*msg = arena_printf(a, "工作日历缺少 %d 年的节假日数据：期限落在该年的申请无法计算到期日，"
				    "请系统管理员用 gongkai calendar import 导入国务院办公厅的节假日安排", miss[0]);
	return *msg ? 0 : ERR_NOMEM;
}

int calendar_is_workday(const struct calendar *cal, long day, bool *out)
{
	int y = year_of(day);
	const struct calendar_year *cy = year_get(cal, y);

	if (!cy)
		return ERR_NOT_FOUND;
	*out = bit_get(cy, day - date_from_ymd(y, 1, 1));
	return 0;
}

const struct calendar_row *calendar_lookup(const struct calendar *cal, long day)
{
	size_t lo = 0, hi = cal->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->rows[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cal->n && cal->rows[lo].day == day ? &cal->rows[lo] : NULL;
}

int calendar_add_workdays(const struct calendar *cal, long day, int n, long *out, int *missing)
{
	const struct calendar_year *cy = NULL;
	long cur = day, first = 0, next = 0;

	if (n < 1 || n > CALENDAR_N_MAX)
		return ERR_INVALID;
	while (n > 0) {
		cur++;
		if (!cy || cur >= next) {
			int y = year_of(cur);

			if (!(cy = year_get(cal, y))) {
				if (missing)
					*missing = y;
				return ERR_NOT_FOUND;
			}
			first = date_from_ymd(y, 1, 1);
			next = date_from_ymd(y + 1, 1, 1);
		}
		n -= bit_get(cy, cur - first);
	}
	*out = cur;
	return 0;
}

/* Working days among days [i0, i1] of a year (0-based day indexes). */
static int bits_in(const struct calendar_year *cy, long i0, long i1)
{
	int c = 0;

	while (i0 <= i1) {
		long w = i0 >> 6, lo = i0 & 63, hi = (i1 >> 6) == w ? (i1 & 63) : 63;
		uint64_t mask = (hi == 63 ? ~(uint64_t)0 : (((uint64_t)1 << (hi + 1)) - 1)) & (~(uint64_t)0 << lo);

		c += __builtin_popcountll(cy->work[w] & mask);
		i0 = (w << 6) + hi + 1;
	}
	return c;
}

int calendar_count_workdays(const struct calendar *cal, long from, long to, int *out, int *missing)
{
	long long c = 0;

	if (to < from)
		return ERR_INVALID;
	for (long cur = from + 1; cur <= to;) {
		int y = year_of(cur);
		const struct calendar_year *cy = year_get(cal, y);
		long first = date_from_ymd(y, 1, 1), last = date_from_ymd(y + 1, 1, 1) - 1;
		long end = to < last ? to : last;

		if (!cy) {
			if (missing)
				*missing = y;
			return ERR_NOT_FOUND;
		}
		c += bits_in(cy, cur - first, end - first);
		cur = end + 1;
	}
	if (c > CALENDAR_N_MAX * 100LL)
		return ERR_INVALID;
	*out = (int)c;
	return 0;
}

/* ---- over the store ---- */

int calendar_load(struct db *db, struct arena *a, long long org_id, struct calendar *cal)
{
	struct calendar_day *days = NULL;
	struct calendar_row *rows = NULL;
	int *years = NULL;
	size_t n = 0, ny = 0;
	int rc;

	if ((rc = store_calendar_days(db, a, org_id, &days, &n)) ||
	    (rc = store_calendar_years(db, a, org_id, &years, &ny)))
		return rc;
	if (n && !(rows = arena_alloc(a, n * sizeof(*rows))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct calendar_row *r = &rows[i];

		*r = (struct calendar_row){ .name = days[i].name };
		if (date_parse(days[i].day, strlen(days[i].day), &r->day))
			return err_log(ERR_INVALID, "calendar: org %lld: bad stored day %s", org_id, days[i].day);
		if (strcmp(days[i].kind, "off") == 0)
			r->kind = CAL_OFF;
		else if (strcmp(days[i].kind, "work") == 0)
			r->kind = CAL_WORK;
		else
			return err_log(ERR_INVALID, "calendar: org %lld: bad stored kind %s", org_id, days[i].kind);
	}
	if ((rc = calendar_build(cal, a, rows, n, years, ny)))
		return err_log(rc, "calendar: org %lld: stored calendar is inconsistent", org_id);
	return 0;
}

int calendar_import(struct db *db, struct arena *a, long long org_id, const struct calendar_row *rows, size_t n)
{
	struct calendar_day *days = NULL;
	int *years = NULL;
	size_t ny = 0;
	int rc;

	if ((rc = calendar_rows_years(a, rows, n, &years, &ny)))
		return rc;
	if (n && !(days = arena_alloc(a, n * sizeof(*days))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		char *d = arena_alloc(a, 11);

		if (!d)
			return ERR_NOMEM;
		date_format(rows[i].day, d);
		days[i] = (struct calendar_day){ .day = d, .kind = rows[i].kind == CAL_WORK ? "work" : "off",
						 .name = rows[i].name };
	}
	return store_calendar_replace(db, org_id, years, ny, days, n);
}
