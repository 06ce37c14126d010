/* report_check.c - report_check_doc: the checks a built report passes
 * before it is published (spec annual-report.md §5). See report.h.
 *
 * What is checked, and how severe (REPORT_ERROR blocks publication):
 *   R10 (error)  the six sections with the headings of the report year's
 *                format (2019: heading 五 in either wording) and the three
 *                tables in sections 二, 三 and 四; for an org whose name
 *                ends in 人民政府, 一 or 五 names 工作考核, 社会评议 and
 *                责任追究 (第五十条第（四）项)
 *   R1 (error)   table 三, every data column: 一 + 二 = （七）总计 + 四
 *   R2 (error)   table 三: （七）总计 = the sum of the outcome rows
 *   R3 (error)   table 三: 总计 = the six applicant columns, every row
 *   R4 (error)   table 四: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结 for
 *                each of 行政复议, 未经复议直接起诉 and 复议后起诉
 *   records      (error) every cell of the three tables (labels, spans and
 *                figures) equals the report built again from the records
 *                (the 2019 cells staff enter taken as they are): a figure
 *                edited by hand, or records changed since, shows here
 *   R5 (error)   table 三 二、上年结转 equals 四、结转下年度继续办理 of year - 1
 *                from the records (counted as app_year_counts does), per column
 *   R6           部分公开 counted once: each application has one outcome
 *                row in the records, so this holds when R2 and the
 *                comparison with the records hold
 *   narrative    every paragraph:
 *                (error) "…N条，其中a条、b条…" / "共N…其中a…、b…": the parts
 *                  (same unit, after 其中, up to the end of the list)
 *                  add up to more than N; (warning) two or more parts add
 *                  up to less than N (其中 may list only some). N is the
 *                  last figure before 其中 in the sentence (。；！？ end
 *                  one); a list joined by "、" ends at the next "，" or
 *                  "）", one joined by "，" at the sentence's end (or the
 *                  "）" closing a "（…其中"), and a later figure not below
 *                  N is not a part.
 *                (error) "主动公开政府信息N条", "收到政府信息公开申请N件",
 *                  "办理行政许可N件", "被申请行政复议N件", "行政诉讼N件"
 *                  differ from the records
 *                (error) a year 19xx/20xx (followed by 年 or 学年) other
 *                  than the report's, unless it is inside 《》 or 〔〕 (a
 *                  title, a 文号), part of a range (2019—2020, 2019至2020),
 *                  its clause says it is another year (以来, 上年, 去年,
 *                  同比, 相比, 对比, 比较, 较上, 较去, 至今, 以前, 之前,
 *                  此前, 历年), it is the year before in a sentence that
 *                  compares (同比, 增长, 减少, 下降, 上升, 增加, 持平, 相比,
 *                  比上, 较), or the year after in a sentence of plans (将,
 *                  计划, 拟, 下一步, 明年, 力争)
 *                Numbers: ASCII or full-width digits, thousands commas, a
 *                10^4 / 10^8 multiplier (万, 亿); units 条 件 个 次 人 项 名
 *                家; "近", "约", "超过", "逾", "余", "多", "左右" make a
 *                number approximate and its sentence is not summed.
 *   R12          信息处理费 collected in the year (records) or table 三
 *                （六）2 > 0: 六 must name 信息处理费 (warning); saying
 *                "未收取信息处理费" then is an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/cases.h"
#include "domain/applications/taxonomy.h"
#include "domain/report/report.h"
#include "store/report_figures.h"
#include "store/store.h"
#include "core/banned.h"

static const char *const sec_names[6] = { "第一部分", "第二部分", "第三部分", "第四部分", "第五部分", "第六部分" };
static const char *const sec_nums[6] = { "一", "二", "三", "四", "五", "六" };

struct ck {
	struct arena *a;
	struct report_issue *v;
	size_t n, cap;
	int err;
	const struct report_doc *d;
	const struct report_doc *exp;   /* the report again from the records */
	int year;
};

static void issue(struct ck *k, int severity, const char *where, const char *msg)
{
	if (k->err)
		return;
	if (!where || !msg) {
		k->err = ERR_NOMEM;
		return;
	}
	if (k->n == k->cap) {
		size_t nc = k->cap ? k->cap * 2 : 16;
		struct report_issue *nv = arena_alloc(k->a, nc * sizeof(*nv));

		if (!nv) {
			k->err = ERR_NOMEM;
			return;
		}
		if (k->n)
			memcpy(nv, k->v, k->n * sizeof(*nv));
		k->v = nv;
		k->cap = nc;
	}
	k->v[k->n++] = (struct report_issue){ .severity = severity, .where = where, .msg = msg };
}

/* Text with ASCII parentheses as full-width and ASCII spaces removed. */
static const char *norm(struct arena *a, const char *s)
{
	struct buf b;

	buf_init(&b, a, 64 * 1024);
	for (; s && *s; s++) {
		if (*s == '(')
			buf_puts(&b, "（");
		else if (*s == ')')
			buf_puts(&b, "）");
		else if (*s != ' ')
			buf_putc(&b, *s);
	}
	return b.err ? "" : buf_cstr(&b);
}

/* ==== tables ==== */

static const struct rcell *origin(const struct rtable *t, int r, int c, int *ocol)
{
	for (int i = r; i >= 0; i--)
		for (int j = c; j >= 0; j--) {
			const struct rcell *x = rtable_at(t, i, j);

			if (x->rowspan > 0 && i + x->rowspan > r && j + x->colspan > c) {
				if (ocol)
					*ocol = j;
				return x;
			}
		}
	return NULL;
}

static int first_num_col(const struct rtable *t, int r)
{
	for (int c = 0; c < t->ncols; c++)
		if (rtable_at(t, r, c)->num)
			return c;
	return t->ncols;
}

/* The header texts over column c of data row r, outer first, joined by
 * "·": the contiguous header rows above r, leaving out a heading over
 * every data column and the headings of the label columns. "" if none. */
static const char *col_label(struct arena *a, const struct rtable *t, int r, int c)
{
	int labels = first_num_col(t, r), hr = r - 1, oc = 0;
	const char *acc = "";

	while (hr >= 0 && !(origin(t, hr, c, NULL) && origin(t, hr, c, NULL)->head))
		hr--;
	for (const struct rcell *prev = NULL; hr >= 0 && acc; hr--) {
		const struct rcell *x = origin(t, hr, c, &oc);

		if (!x || !x->head)
			break;
		if (x == prev || !*x->text || oc < labels || x->colspan >= t->ncols - labels)
			continue;
		prev = x;
		acc = *acc ? arena_printf(a, "%s·%s", x->text, acc) : x->text;
	}
	return acc ? acc : "";
}

/* "“row”行“column”列" of a data cell. */
static const char *cell_name(struct arena *a, const struct rtable *t, int r, int c)
{
	int labels = first_num_col(t, r);
	const struct rcell *rl = labels > 0 ? origin(t, r, labels - 1, NULL) : NULL;
	const char *col = col_label(a, t, r, c);

	if (rl && *col)
		return arena_printf(a, "“%s”行“%s”列", rl->text, col);
	if (*col)
		return arena_printf(a, "“%s”列", col);
	return arena_printf(a, "第 %d 行第 %d 列", r + 1, c + 1);
}

/* A count cell: a non-negative integer (no sign, no decimals). */
static bool parse_count(const char *s, long long *v)
{
	return num_parse(s, strlen(s), 0, 1000000000000LL, v) == 0;
}

enum { T3_NEW, T3_CARRIED, T3_OUTCOME, T3_TOTAL, T3_OUT };

static int t3_kind(const char *label)
{
	if (strncmp(label, "一、", strlen("一、")) == 0)
		return T3_NEW;
	if (strncmp(label, "二、", strlen("二、")) == 0)
		return T3_CARRIED;
	if (strncmp(label, "四、", strlen("四、")) == 0)
		return T3_OUT;
	if (strstr(label, "（七）总计"))
		return T3_TOTAL;
	return T3_OUTCOME;
}

/* 四、结转下年度继续办理 of a year from the records, per applicant column
 * (app_year_counts' rule, as one aggregate: store_report_app_groups). */
static int carried_out_of(void *ctx, const char *type, int is_new, const char *outcome, long long n)
{
	long long *v = ctx;
	int col = app_applicant_col(type);

	(void)is_new;
	if (col < 0)
		return ERR_INVALID;
	if (!outcome)
		v[col] += n;
	return 0;
}

/* R1, R2, R3 on table 三 as written; R5 against the records of year - 1
 * of the report's members (the org, or its subtree for the 本级政府 report). */
static void check_t3(struct ck *k, struct db *db, const struct org *members, size_t nmembers)
{
	const struct rtable *t = &k->d->t3;
	long long rows[5][7] = { { 0 } }, v[7];
	bool seen[5] = { false };

	if (t->ncols != 10 || t->nrows < 8 || !t->cells) {
		issue(k, REPORT_ERROR, "表三", "表三的行列与年度报告格式不符");
		return;
	}
	for (int r = 3; r < t->nrows; r++) {
		const struct rcell *lab = origin(t, r, 2, NULL);
		long long sum = 0;
		int kind;

		if (!lab)
			continue;
		kind = t3_kind(norm(k->a, lab->text));
		for (int c = 0; c < 7; c++) {
			const struct rcell *x = rtable_at(t, r, 3 + c);

			if (!parse_count(x->text, &v[c])) {
				issue(k, REPORT_ERROR, arena_printf(k->a, "表三%s", cell_name(k->a, t, r, 3 + c)),
				      arena_printf(k->a, "“%s”不是非负整数", x->text));
				v[c] = 0;
			}
		}
		for (int c = 0; c < 6; c++)
			sum += v[c];
		if (sum != v[6])
			issue(k, REPORT_ERROR, arena_printf(k->a, "表三“%s”行", lab->text),
			      arena_printf(k->a, "总计 %lld 不等于自然人和法人或其他组织各列之和 %lld", v[6], sum));
		seen[kind] = true;
		for (int c = 0; c < 7; c++)
			rows[kind][c] += v[c];
	}
	if (!seen[T3_NEW] || !seen[T3_CARRIED] || !seen[T3_TOTAL] || !seen[T3_OUT] || !seen[T3_OUTCOME]) {
		issue(k, REPORT_ERROR, "表三", "表三缺少“一、本年新收”“二、上年结转”“（七）总计”或“四、结转下年度继续办理”行");
		return;
	}
	for (int c = 0; c < 7; c++) {
		const char *colname = arena_printf(k->a, "“%s”列", col_label(k->a, t, 3, 3 + c));

		if (rows[T3_OUTCOME][c] != rows[T3_TOTAL][c])
			issue(k, REPORT_ERROR, arena_printf(k->a, "表三“（七）总计”行%s", colname),
			      arena_printf(k->a, "（七）总计为 %lld，各项办理结果之和为 %lld", rows[T3_TOTAL][c],
					   rows[T3_OUTCOME][c]));
		if (rows[T3_NEW][c] + rows[T3_CARRIED][c] != rows[T3_TOTAL][c] + rows[T3_OUT][c])
			issue(k, REPORT_ERROR, arena_printf(k->a, "表三%s", colname),
			      arena_printf(k->a,
					   "勾稽关系不成立：第一项加第二项之和为 %lld，第三项（七）总计加第四项之和为 %lld",
					   rows[T3_NEW][c] + rows[T3_CARRIED][c], rows[T3_TOTAL][c] + rows[T3_OUT][c]));
	}
	/* R5 */
	{
		long long prev[APP_COLS] = { 0 };
		int rc = 0;

		for (size_t i = 0; i < nmembers && !rc; i++)
			rc = store_report_app_groups(db, members[i].id, k->year - 1, carried_out_of, prev);

		if (rc) {
			k->err = rc;
			return;
		}
		for (int c = 0; c < 7; c++) {
			long long want = 0;
			const char *colname = arena_printf(k->a, "“%s”列", col_label(k->a, t, 4, 3 + c));

			if (c < 6)
				want = prev[c];
			else
				for (int i = 0; i < 6; i++)
					want += prev[i];
			if (rows[T3_CARRIED][c] != want)
				issue(k, REPORT_ERROR, arena_printf(k->a, "表三“二、上年结转政府信息公开申请数量”行%s", colname),
				      arena_printf(k->a, "上年结转 %lld 件，与 %d 年“结转下年度继续办理”的 %lld 件不符",
						   rows[T3_CARRIED][c], k->year - 1, want));
		}
	}
}

/* R4 on table 四 as written. */
static void check_t4(struct ck *k)
{
	static const char *const groups[3] = { "行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）" };
	const struct rtable *t = &k->d->t4;
	int body;

	if (t->ncols != 15 || !t->cells) {
		issue(k, REPORT_ERROR, "表四", "表四的行列与年度报告格式不符");
		return;
	}
	for (body = 0; body < t->nrows && first_num_col(t, body) == t->ncols; body++)
		;
	if (body >= t->nrows) {
		issue(k, REPORT_ERROR, "表四", "表四没有数据行");
		return;
	}
	for (int g = 0; g < 3; g++) {
		long long v[5], sum = 0;
		bool ok = true;

		for (int i = 0; i < 5; i++) {
			const struct rcell *x = rtable_at(t, body, g * 5 + i);

			if (!parse_count(x->text, &v[i])) {
				issue(k, REPORT_ERROR, arena_printf(k->a, "表四%s", cell_name(k->a, t, body, g * 5 + i)),
				      arena_printf(k->a, "“%s”不是非负整数", x->text));
				ok = false;
			}
		}
		if (!ok)
			continue;
		for (int i = 0; i < 4; i++)
			sum += v[i];
		if (sum != v[4])
			issue(k, REPORT_ERROR, arena_printf(k->a, "表四“%s”", groups[g]),
			      arena_printf(k->a, "总计 %lld 不等于结果维持、结果纠正、其他结果、尚未审结之和 %lld", v[4],
					   sum));
	}
}

/* Every cell against the report built again from the records. */
static void compare_table(struct ck *k, const char *name, const struct rtable *t, const struct rtable *e)
{
	if (!t->cells || t->nrows != e->nrows || t->ncols != e->ncols) {
		issue(k, REPORT_ERROR, name,
		      arena_printf(k->a, "%s的行列与 %d 年度适用的格式（%d 行 %d 列）不符", name, k->year, e->nrows,
				   e->ncols));
		return;
	}
	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			const struct rcell *x = rtable_at(t, r, c), *y = rtable_at(e, r, c);

			if (x->rowspan != y->rowspan || x->colspan != y->colspan || x->head != y->head ||
			    (y->head && strcmp(norm(k->a, x->text), norm(k->a, y->text)) != 0)) {
				issue(k, REPORT_ERROR, arena_printf(k->a, "%s第 %d 行第 %d 列", name, r + 1, c + 1),
				      *y->text ? arena_printf(k->a, "应为“%s”（%d 年度适用的格式）", y->text, k->year) :
						 arena_printf(k->a, "与 %d 年度适用的格式不符", k->year));
				return; /* one layout issue per table: the rest would follow from it */
			}
		}
	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			const struct rcell *x = rtable_at(t, r, c), *y = rtable_at(e, r, c);

			if (!y->num || strcmp(x->text, y->text) == 0)
				continue;
			issue(k, REPORT_ERROR, arena_printf(k->a, "%s%s", name, cell_name(k->a, t, r, c)),
			      arena_printf(k->a, "表中为“%s”，按记录应为“%s”", x->text, y->text));
		}
}

/* ==== structure ==== */

/* The section (0..5) a heading starts, by its numeral, or -1. */
static int heading_section(const char *text)
{
	for (int i = 0; i < 6; i++)
		if (strncmp(text, sec_nums[i], strlen(sec_nums[i])) == 0 &&
		    strncmp(text + strlen(sec_nums[i]), "、", strlen("、")) == 0)
			return i;
	return -1;
}

static bool heading_ok(struct arena *a, int format, int sec, const char *text)
{
	const char *const *h = report_headings(format);
	const char *t = norm(a, text);

	if (strcmp(t, norm(a, h[sec])) == 0)
		return true;
	/* the 2019 format: heading 五 in either wording */
	return format == REPORT_FMT_2019 && sec == 4 &&
	       strcmp(t, norm(a, report_headings(REPORT_FMT_2021)[4])) == 0;
}

static void check_structure(struct ck *k, const struct org *org)
{
	const struct report_doc *d = k->d;
	bool found[6] = { false }, table[6] = { false };
	bool gov = false;
	int sec = -1;

	for (size_t i = 0; i < d->nblocks; i++) {
		const struct rblock *b = &d->blocks[i];

		if (b->kind == RB_HEADING && b->text) {
			int s = heading_section(norm(k->a, b->text));

			if (s >= 0 && heading_ok(k->a, d->format, s, b->text))
				found[s] = true;
			else if (s >= 0)
				issue(k, REPORT_ERROR, sec_names[s],
				      arena_printf(k->a, "标题“%s”应为“%s”", b->text, report_headings(d->format)[s]));
			if (s >= 0)
				sec = s;
		} else if (b->kind == RB_TABLE && b->table && sec >= 0) {
			table[sec] = true;
		}
	}
	for (int s = 0; s < 6; s++) {
		if (!found[s])
			issue(k, REPORT_ERROR, sec_names[s],
			      arena_printf(k->a, "缺少“%s”部分", report_headings(d->format)[s]));
		if (s >= 1 && s <= 3 && !table[s])
			issue(k, REPORT_ERROR, sec_names[s],
			      arena_printf(k->a, "“%s”部分缺少统计表", report_headings(d->format)[s]));
	}
	/* 第五十条第（四）项: 各级人民政府 */
	if (org && org->name) {
		size_t n = strlen(org->name), m = strlen("人民政府");

		gov = n >= m && strcmp(org->name + n - m, "人民政府") == 0;
	}
	if (gov) {
		bool has[3] = { false };
		static const char *const words[3] = { "工作考核", "社会评议", "责任追究" };

		sec = -1;
		for (size_t i = 0; i < d->nblocks; i++) {
			const struct rblock *b = &d->blocks[i];

			if (b->kind == RB_HEADING && b->text)
				sec = heading_section(norm(k->a, b->text));
			else if (b->kind == RB_PARA && b->text && (sec == 0 || sec == 4))
				for (int w = 0; w < 3; w++)
					has[w] = has[w] || strstr(b->text, words[w]);
		}
		if (!has[0] || !has[1] || !has[2])
			issue(k, REPORT_ERROR, "第一部分",
			      "人民政府的年度报告应在“总体情况”或“存在的主要问题及改进情况”中报告工作考核、社会评议和责任追究结果情况");
	}
}

/* ==== narrative ==== */

/* A paragraph with full-width digits as ASCII. */
static const char *ascii_digits(struct arena *a, const char *s)
{
	struct buf b;
	const char *p = s, *end = s + strlen(s);

	buf_init(&b, a, strlen(s) + 1);
	while (p < end) {
		const char *q = p;
		uint32_t cp = utf8_next(&q, end);

		if (cp >= 0xFF10 && cp <= 0xFF19)
			buf_putc(&b, (char)('0' + (cp - 0xFF10)));
		else
			buf_append(&b, p, (size_t)(q - p));
		p = q;
	}
	return b.err ? NULL : buf_cstr(&b);
}

static bool at(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static bool at_any(const char *p, const char *end, const char *const *lits)
{
	for (; *lits; lits++)
		if (at(p, end, *lits))
			return true;
	return false;
}

/* Does [p, end) contain lit? */
static bool has(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; p + n <= end; p++)
		if (memcmp(p, lit, n) == 0)
			return true;
	return false;
}

static bool has_any(const char *p, const char *end, const char *const *lits)
{
	for (; *lits; lits++)
		if (has(p, end, *lits))
			return true;
	return false;
}

static const char *const units[] = { "条", "件", "个", "次", "人", "项", "名", "家", NULL };

struct qty {
	const char *start, *end;   /* the number, and past its unit */
	long long value;
	int unit;                  /* index into units */
	bool approx;
};

/* The quantity whose digits start at p (p[-1] is not a digit), if any. */
static bool read_qty(const char *base, const char *p, const char *end, struct qty *q)
{
	static const char *const before[] = { "近", "约", "超过", "逾", "将近", "大约", NULL };
	const char *s = p;
	long long v = 0, frac = 0, fdiv = 1;
	bool dec = false;

	if (p > base && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.'))
		return false;
	while (p < end && ((*p >= '0' && *p <= '9') ||
			   (*p == ',' && p + 3 < end + 0 && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
			    p[3] >= '0' && p[3] <= '9' && (p + 4 >= end || p[4] < '0' || p[4] > '9')))) {
		if (*p != ',') {
			if (v > 100000000000000LL)
				return false;
			v = v * 10 + (*p - '0');
		}
		p++;
	}
	if (p < end && *p == '.' && p + 1 < end && p[1] >= '0' && p[1] <= '9') {
		dec = true;
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			if (fdiv < 1000000) {
				frac = frac * 10 + (*p - '0');
				fdiv *= 10;
			}
	}
	*q = (struct qty){ .start = s };
	for (int i = 0; before[i]; i++) {
		size_t n = strlen(before[i]);

		if ((size_t)(s - base) >= n && memcmp(s - n, before[i], n) == 0)
			q->approx = true;
	}
	if (at(p, end, "余") || at(p, end, "多")) {
		q->approx = true;
		p += strlen("余");
	}
	if (at(p, end, "万") || at(p, end, "亿")) {
		long long m = at(p, end, "万") ? 10000 : 100000000;

		v = v * m + frac * m / fdiv;
		p += strlen("万");
		dec = false;
		if (at(p, end, "余") || at(p, end, "多")) {
			q->approx = true;
			p += strlen("余");
		}
	}
	if (dec)
		return false;
	for (int i = 0; units[i]; i++)
		if (at(p, end, units[i])) {
			q->unit = i;
			q->value = v;
			q->end = p + strlen(units[i]);
			if (at(q->end, end, "左右"))
				q->approx = true;
			return true;
		}
	return false;
}

/* The quantities of [p, end), in order. */
static size_t quantities(struct arena *a, const char *base, const char *p, const char *end, struct qty **out)
{
	size_t n = 0, cap = 0;
	struct qty *v = NULL, q;

	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || !read_qty(base, p, end, &q))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct qty *nv = arena_alloc(a, nc * sizeof(*nv));

			if (!nv)
				return n;
			if (n)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
			cap = nc;
		}
		v[n++] = q;
		p = q.end - 1;
	}
	*out = v;
	return n;
}

static const char *const sentence_ends[] = { "。", "；", ";", "！", "？", "!", "?", "\n", NULL };

/* "…N…，其中a…、b…": the parts after each 其中 against the last quantity
 * before it. */
static void check_sums(struct ck *k, const char *where, const char *s, const char *end)
{
	struct qty *q = NULL;
	size_t nq = quantities(k->a, s, s, end, &q);

	for (const char *p = s; p < end; p++) {
		const struct qty *total = NULL;
		const char *stop = end, *open = NULL, *first_end = NULL;
		long long sum = 0;
		int parts = 0;
		bool approx;

		if (!at(p, end, "其中"))
			continue;
		for (size_t i = 0; i < nq; i++)
			if (q[i].end <= p)
				total = &q[i];
		if (!total)
			continue;
		approx = total->approx;
		/* inside "（…其中…）": the list ends at "）" */
		for (const char *x = total->end; x < p; x++)
			if (at(x, p, "（") || *x == '(')
				open = x;
		for (size_t i = 0; i < nq; i++) {
			const struct qty *x = &q[i];

			if (x->start < p + strlen("其中") || x->unit != total->unit)
				continue;
			if (x->start >= stop)
				break;
			if (has(p + strlen("其中"), x->start, "其中"))
				break;
			if (!first_end) {
				/* the separator after the first part decides where the list ends */
				const char *y = x->end;

				first_end = y;
				while (y < stop && !at(y, stop, "、") && !at(y, stop, "，") && *y != ',' && !at(y, stop, "）") &&
				       *y != ')')
					y++;
				if (y < stop && at(y, stop, "、")) {
					const char *z = y;

					while (z < stop && !at(z, stop, "，") && *z != ',' && !at(z, stop, "）") && *z != ')')
						z++;
					stop = z;
				} else if (open) {
					const char *z = y;

					while (z < stop && !at(z, stop, "）") && *z != ')')
						z++;
					stop = z;
				} else if (y < stop && (at(y, stop, "）") || *y == ')')) {
					stop = y;
				}
			}
			/* a later figure as large as the total is not one of its parts
			 * ("…其中A 5件，已全部办结20件") */
			if (parts > 0 && x->value >= total->value)
				break;
			sum += x->value;
			parts++;
			approx = approx || x->approx;
		}
		if (!parts || approx)
			continue;
		if (sum > total->value)
			issue(k, REPORT_ERROR, where,
			      arena_printf(k->a, "“%.*s”：其中各项之和 %lld%s 超过总数 %lld%s", (int)(total->end - total->start),
					   total->start, sum, units[total->unit], total->value, units[total->unit]));
		else if (sum < total->value && parts >= 2)
			issue(k, REPORT_WARNING, where,
			      arena_printf(k->a, "“%.*s”：其中所列各项之和 %lld%s 少于总数 %lld%s，请核对是否漏列",
					   (int)(total->end - total->start), total->start, sum, units[total->unit],
					   total->value, units[total->unit]));
	}
}

/* Phrases whose number the records give. */
struct phrase {
	const char *text;
	long long want;
	const char *what;
};

static void check_phrases(struct ck *k, const char *where, const char *s, const char *end,
			  const struct phrase *ph, size_t nph)
{
	for (size_t i = 0; i < nph; i++) {
		size_t n = strlen(ph[i].text);

		for (const char *p = s; p + n <= end; p++) {
			const char *x;
			struct qty q;

			if (memcmp(p, ph[i].text, n) != 0)
				continue;
			x = p + n;
			if (at(x, end, "共"))
				x += strlen("共");
			if (x < end && *x >= '0' && *x <= '9' && read_qty(s, x, end, &q) && !q.approx && q.value != ph[i].want)
				issue(k, REPORT_ERROR, where,
				      arena_printf(k->a, "“%s%lld%s”与记录不符：%s为 %lld%s", ph[i].text, q.value,
						   units[q.unit], ph[i].what, ph[i].want, units[q.unit]));
		}
	}
}

static const char *const other_year_words[] = { "以来", "上年", "去年", "同比", "相比", "对比", "比较", "较上",
						 "较去", "至今", "以前", "之前", "此前", "历年", NULL };
static const char *const compare_words[] = { "同比", "增长", "减少", "下降", "上升", "增加", "持平", "相比",
					     "比上", "较", NULL };
static const char *const plan_words[] = { "将", "计划", "拟", "下一步", "明年", "力争", NULL };
static const char *const range_marks[] = { "-", "—", "–", "～", "~", "至", "到", NULL };
static const char *const clause_ends[] = { "，", ",", "。", "；", ";", "！", "？", "!", "?", "\n", NULL };

static const char *back_to(const char *base, const char *p, const char *const *marks)
{
	while (p > base) {
		const char *q = p - 1;

		while (q > base && ((unsigned char)*q & 0xC0) == 0x80)
			q--;
		if (at_any(q, p, marks))
			return p;
		p = q;
	}
	return base;
}

static const char *forward_to(const char *p, const char *end, const char *const *marks)
{
	for (; p < end; p++)
		if (at_any(p, end, marks))
			return p;
	return end;
}

/* Is the character ending at p (exclusive) one of lits? */
static bool ends_with_any(const char *base, const char *p, const char *const *lits)
{
	for (; *lits; lits++) {
		size_t n = strlen(*lits);

		if ((size_t)(p - base) >= n && memcmp(p - n, *lits, n) == 0)
			return true;
	}
	return false;
}

static void check_years(struct ck *k, const char *where, const char *s, const char *end)
{
	int book = 0, docno = 0;

	for (const char *p = s; p < end; p++) {
		const char *after, *cs, *ce, *ss, *se;
		int y;

		if (at(p, end, "《"))
			book++;
		else if (at(p, end, "》") && book > 0)
			book--;
		else if (at(p, end, "〔") || at(p, end, "["))
			docno++;
		else if ((at(p, end, "〕") || at(p, end, "]")) && docno > 0)
			docno--;
		if (*p < '0' || *p > '9' || (p > s && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.')))
			continue;
		if (p + 4 > end || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9' ||
		    (p + 4 < end && p[4] >= '0' && p[4] <= '9')) {
			while (p + 1 < end && p[1] >= '0' && p[1] <= '9')
				p++;
			continue;
		}
		y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		after = p + 4;
		if (at(after, end, "年"))
			after += strlen("年");
		else if (at(after, end, "学年"))
			after += strlen("学年");
		else {
			p += 3;
			continue;
		}
		if (y < 1900 || y > 2099 || y == k->year || book || docno) {
			p += 3;
			continue;
		}
		cs = back_to(s, p, clause_ends);
		ce = forward_to(after, end, clause_ends);
		ss = back_to(s, p, sentence_ends);
		se = forward_to(after, end, sentence_ends);
		if (at_any(after, end, range_marks) || at_any(p + 4, end, range_marks) || ends_with_any(s, p, range_marks) ||
		    has_any(cs, ce, other_year_words) || (y == k->year - 1 && has_any(ss, se, compare_words)) ||
		    (y == k->year + 1 && has_any(ss, se, plan_words))) {
			p += 3;
			continue;
		}
		issue(k, REPORT_ERROR, where,
		      arena_printf(k->a, "提到 %d 年，与报告年度 %d 年不符（如确指其他年份，请写明“上年”“以来”等）", y,
				   k->year));
		p += 3;
	}
}

static void check_narrative(struct ck *k, const struct org *org)
{
	const struct report_doc *d = k->d, *e = k->exp;
	long long received = 0, suits = e->fig.t4[9] + e->fig.t4[14];
	int sec = -1, para = 0;
	bool fee_named = false, fee_denied = false;

	for (int c = 0; c < APP_COLS; c++)
		received += e->fig.t3.received[c];
	{
		const struct phrase ph[] = {
			{ "主动公开政府信息", e->fig.published_items, "本年度发布的公开目录信息" },
			{ "收到政府信息公开申请", received, "本年新收政府信息公开申请" },
			{ "办理行政许可", e->fig.t2.decisions[0], "行政许可处理决定" },
			{ "被申请行政复议", e->fig.t4[4], "行政复议" },
			{ "政府信息公开行政诉讼", suits, "行政诉讼" },
			{ "被提起行政诉讼", suits, "行政诉讼" },
		};

		for (size_t i = 0; i < d->nblocks; i++) {
			const struct rblock *b = &d->blocks[i];
			const char *where, *text, *end;

			if (b->kind == RB_HEADING && b->text) {
				int s = heading_section(norm(k->a, b->text));

				if (s >= 0) {
					sec = s;
					para = 0;
				}
				continue;
			}
			if (b->kind != RB_PARA || !b->text)
				continue;
			para++;
			where = sec >= 0 ? arena_printf(k->a, "%s第 %d 段", sec_names[sec], para) :
					   arena_printf(k->a, "标题前第 %d 段", para);
			if (!(text = ascii_digits(k->a, b->text))) {
				k->err = ERR_NOMEM;
				return;
			}
			end = text + strlen(text);
			/* one sentence at a time */
			for (const char *p = text; p < end;) {
				const char *q = forward_to(p, end, sentence_ends);

				check_sums(k, where, p, q);
				p = q < end ? q + (at(q, end, "。") || at(q, end, "；") || at(q, end, "！") || at(q, end, "？") ?
							   strlen("。") :
							   1) :
					      end;
			}
			check_phrases(k, where, text, end, ph, sizeof(ph) / sizeof(ph[0]));
			check_years(k, where, text, end);
			if (sec == 5) {
				fee_named = fee_named || strstr(text, "信息处理费");
				fee_denied = fee_denied || strstr(text, "未收取信息处理费") || strstr(text, "不收取信息处理费");
			}
		}
	}
	/* R12 */
	{
		long long unpaid = 0;

		if (d->format == REPORT_FMT_2021)
			for (int c = 0; c < APP_COLS; c++)
				unpaid += e->fig.t3.outcome[APP_ROWS - 2][c];
		if (e->fig.fee_collected_fen > 0 && fee_denied)
			issue(k, REPORT_ERROR, "第六部分",
			      arena_printf(k->a, "本年度收取了信息处理费 %lld.%02lld 元，与“未收取信息处理费”的表述不符",
					   e->fig.fee_collected_fen / 100, e->fig.fee_collected_fen % 100));
		else if ((e->fig.fee_collected_fen > 0 || unpaid > 0) && !fee_named)
			issue(k, REPORT_WARNING, "第六部分",
			      e->fig.fee_collected_fen > 0 ?
				      arena_printf(k->a, "本年度收取了信息处理费 %lld.%02lld 元，应在“其他需要报告的事项”中说明",
						   e->fig.fee_collected_fen / 100, e->fig.fee_collected_fen % 100) :
				      "表三有逾期未缴费的申请，应在“其他需要报告的事项”中说明信息处理费情况");
	}
	(void)org;
}

int report_check_doc(struct db *db, struct arena *a, const struct org *org, const struct report_doc *d,
		     struct report_issue **out, size_t *n)
{
	struct ck k = { .a = a, .d = d, .year = d->year };
	struct report_doc *exp;
	struct report_narrative narr = { .items_prev = d->fig.t2.items_prev, .items_delta = d->fig.t2.items_delta };
	const char *msg = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (report_format_of(d->year) == 0 || d->format != report_format_of(d->year)) {
		issue(&k, REPORT_ERROR, "全文",
		      arena_printf(a, "%d 年度的报告应使用%s的格式", d->year,
				   d->year <= 2020 ? "国办公开办函〔2019〕60号" : "国办公开办函〔2021〕30号"));
		*out = k.v;
		*n = k.n;
		return k.err;
	}
	if (!(exp = arena_alloc(a, sizeof(*exp))))
		return ERR_NOMEM;
	if ((rc = report_build(db, a, org, d->year, &narr, exp, &msg)))
		return rc;
	k.exp = exp;
	check_structure(&k, org);
	check_t3(&k, db, exp->fig.members, exp->fig.nmembers);
	check_t4(&k);
	compare_table(&k, "表二", &d->t2, &exp->t2);
	compare_table(&k, "表三", &d->t3, &exp->t3);
	compare_table(&k, "表四", &d->t4, &exp->t4);
	check_narrative(&k, org);
	if (k.err)
		return k.err;
	*out = k.v;
	*n = k.n;
	return 0;
}
