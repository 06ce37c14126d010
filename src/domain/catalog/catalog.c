/* catalog.c - see catalog.h. */
#include "domain/catalog/catalog.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/calendar/calendar.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

/* ---- 文号 ---- */

static bool is_open_bracket(uint32_t c)
{
	return c == '[' || c == 0xFF3B || c == 0x3010 || c == 0xFF08 || c == '(' || c == 0x3014 ||
	       c == 0x3016 || c == 0xFF5B || c == '{';
}

static bool is_close_bracket(uint32_t c)
{
	return c == ']' || c == 0xFF3D || c == 0x3011 || c == 0xFF09 || c == ')' || c == 0x3015 ||
	       c == 0x3017 || c == 0xFF5D || c == '}';
}

static uint32_t fold_digit(uint32_t c)
{
	return c >= 0xFF10 && c <= 0xFF19 ? c - 0xFF10 + '0' : c;
}

int docno_normalize(struct arena *a, const char *in, size_t n, const char **out, unsigned *warn)
{
	struct str s = str_trim((struct str){ in, n });
	uint32_t cps[256];
	size_t k = 0, year_at = 0;
	const char *cur = s.p, *end = s.p + s.n;
	struct buf b;
	bool have_year = false;

	*warn = 0;
	*out = "";
	if (!utf8_valid(s.p, s.n))
		return ERR_INVALID;
	if (s.n == 0)
		return 0;
	while (cur < end) {
		uint32_t c = fold_digit(utf8_next(&cur, end));

		if (c == ' ' || c == '\t' || c == 0x3000)
			continue; /* spaces inside a 文号 are typing noise */
		if (k == sizeof(cps) / sizeof(cps[0]))
			return ERR_TOO_LARGE;
		cps[k++] = c;
	}
	/* find a bracketed 4-digit year */
	for (size_t i = 0; i + 5 < k; i++) {
		if (is_open_bracket(cps[i]) && is_close_bracket(cps[i + 5])) {
			bool digits = true;

			for (size_t j = 1; j <= 4; j++)
				digits = digits && cps[i + j] >= '0' && cps[i + j] <= '9';
			if (!digits)
				continue;
			if (cps[i] != 0x3014 || cps[i + 5] != 0x3015)
				*warn |= DOCNO_BRACKETS;
			cps[i] = 0x3014;
			cps[i + 5] = 0x3015;
			have_year = true;
			year_at = i;
			break;
		}
	}
	buf_init(&b, a, 4 * k + 1);
	for (size_t i = 0; i < k; i++) {
		char u[4];

		buf_append(&b, u, utf8_put(u, cps[i]));
	}
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	/* 代字〔YYYY〕N号: a prefix, the year, digits without a leading zero, 号 */
	if (!have_year || year_at == 0 || k < year_at + 8 || cps[k - 1] != 0x53F7 /* 号 */) {
		*warn |= DOCNO_NONSTANDARD;
		return 0;
	}
	{
		size_t i = year_at + 6;

		if (cps[i] == 0x7B2C) { /* 第 */
			*warn |= DOCNO_DI;
			i++;
		}
		if (i >= k - 1) {
			*warn |= DOCNO_NONSTANDARD;
			return 0;
		}
		if (cps[i] == '0')
			*warn |= DOCNO_LEADING_ZERO;
		for (; i < k - 1; i++)
			if (cps[i] < '0' || cps[i] > '9') {
				*warn |= DOCNO_NONSTANDARD;
				break;
			}
	}
	return 0;
}

const char *docno_warn_text(unsigned warn)
{
	if (warn & DOCNO_NONSTANDARD)
		return "文号不符合“发文机关代字〔年份〕序号号”的格式，请核对。";
	if (warn & DOCNO_LEADING_ZERO)
		return "文号的序号不应编虚位（如 1 不编为 01），请核对。";
	if (warn & DOCNO_DI)
		return "文号的序号不应加“第”字，请核对。";
	if (warn & DOCNO_BRACKETS)
		return "文号年份已按 GB/T 9704 统一为六角括号〔〕。";
	return NULL;
}

/* ---- 索引号 ---- */

int index_no_format(struct arena *a, const char *pattern, const char *org_code, int year, int month,
		    long long serial, const char **out)
{
	struct buf b;
	const char *p = pattern;

	buf_init(&b, a, 256);
	while (*p) {
		const char *close;
		size_t len;

		if (*p != '{') {
			buf_putc(&b, *p++);
			continue;
		}
		close = strchr(p, '}');
		if (!close)
			return ERR_INVALID;
		len = (size_t)(close - p - 1);
		if (len == strlen("机构代码") && memcmp(p + 1, "机构代码", len) == 0) {
			for (const char *c = org_code; *c; c++)
				if (*c != '-')
					buf_putc(&b, *c);
		} else if (len == 4 && memcmp(p + 1, "YYYY", 4) == 0) {
			buf_printf(&b, "%04d", year);
		} else if (len == 2 && memcmp(p + 1, "MM", 2) == 0) {
			buf_printf(&b, "%02d", month);
		} else if (len >= 1 && len <= 12 && strspn(p + 1, "N") == len) {
			buf_printf(&b, "%0*lld", (int)len, serial);
		} else {
			return ERR_INVALID;
		}
		p = close + 1;
	}
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

/* ---- categories ---- */

/* The ten categories of the seed agency's catalog, each with the article of
 * the 条例 it fulfils. 工作动态 and 社会公益事业建设领域信息 fall under
 * 第十九条 and 第二十一条: no item of 第二十条 covers them. */
const struct category_default catalog_default_categories[] = {
	{ "政策文件", "第二十条第（一）项" },
	{ "规划计划", "第二十条第（三）项" },
	{ "报告统计", "第二十条第（四）项" },
	{ "财政信息", "第二十条第（七）项" },
	{ "人事信息", "第二十条第（十四）项" },
	{ "公告公示", "第二十条第（五）项" },
	{ "工作动态", "第十九条" },
	{ "重点领域信息", "第二十条第（十一）项" },
	{ "社会公益事业建设领域信息", "第二十一条" },
	{ "提案建议办理结果", "第二十条第（十五）项" },
};
const size_t catalog_default_categories_n =
	sizeof(catalog_default_categories) / sizeof(catalog_default_categories[0]);

int catalog_create_default_categories(struct db *db, long long org_id)
{
	for (size_t i = 0; i < catalog_default_categories_n; i++) {
		struct category c = {
			.org_id = org_id,
			.name = catalog_default_categories[i].name,
			.article = catalog_default_categories[i].article,
			.sort = (int)(i + 1) * 10,
		};
		int rc = store_category_insert(db, &c);

		if (rc)
			return rc;
	}
	return 0;
}

int catalog_category_check(struct db *db, struct arena *a, struct category *c, const char **msg)
{
	struct str name = str_trim(str_c(c->name));
	long long p = c->parent_id;
	int rc, guard = 0;

	if (name.n == 0 || utf8_len(name.p, name.n) > 50 || !utf8_valid(name.p, name.n)) {
		*msg = "类别名称须为 1 到 50 个字。";
		return ERR_INVALID;
	}
	for (size_t i = 0; i < name.n; i++)
		if ((unsigned char)name.p[i] < 0x20) {
			*msg = "类别名称不能包含控制字符。";
			return ERR_INVALID;
		}
	if (!(c->name = arena_strndup(a, name.p, name.n)))
		return ERR_NOMEM;
	if (c->article && utf8_len(c->article, strlen(c->article)) > 50) {
		*msg = "依据条款过长（不超过 50 字）。";
		return ERR_INVALID;
	}
	/* walk up from the new parent: it must exist in the org, and the
	 * category itself must not be met on the way (no cycles) */
	while (p) {
		struct category up;

		if (c->id && p == c->id) {
			*msg = "上级类别不能是它自己或它的下级类别。";
			return ERR_INVALID;
		}
		rc = store_category_by_id(db, a, c->org_id, p, &up);
		if (rc == ERR_NOT_FOUND) {
			*msg = "上级类别不存在。";
			return ERR_INVALID;
		}
		if (rc)
			return rc;
		p = up.parent_id;
		if (++guard > 64) {
			*msg = "类别层级过深。";
			return ERR_INVALID;
		}
	}
	return 0;
}

/* Append the children of parent (in the input's order) and their subtrees. */
static void tree_walk(const struct category *in, size_t n, long long parent, int d, struct category *out,
		      int *depth, size_t *k, bool *used)
{
	for (size_t i = 0; i < n; i++) {
		if (used[i] || in[i].parent_id != parent)
			continue;
		used[i] = true;
		out[*k] = in[i];
		depth[*k] = d;
		(*k)++;
		tree_walk(in, n, in[i].id, d + 1, out, depth, k, used);
	}
}

int catalog_category_tree(struct arena *a, const struct category *in, size_t n, struct category **out,
			  int **depth)
{
	struct category *o = arena_alloc(a, (n ? n : 1) * sizeof(*o));
	int *d = arena_alloc(a, (n ? n : 1) * sizeof(*d));
	bool *used = arena_zalloc(a, n ? n : 1);
	size_t k = 0;

	if (!o || !d || !used)
		return ERR_NOMEM;
	tree_walk(in, n, 0, 0, o, d, &k, used);
	/* a category whose parent is missing still shows, at the top level */
	for (size_t i = 0; i < n; i++)
		if (!used[i]) {
			used[i] = true;
			o[k] = in[i];
			d[k++] = 0;
		}
	*out = o;
	*depth = d;
	return 0;
}

/* ---- items ---- */

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static int check_len(const char *s, size_t max_chars)
{
	return s && utf8_len(s, strlen(s)) > max_chars ? ERR_TOO_LARGE : 0;
}

static int check_utf8(const char *s)
{
	return s && !utf8_valid(s, strlen(s)) ? ERR_INVALID : 0;
}

static int check_date(const char *s)
{
	long d;

	return !s || !*s || date_parse(s, strlen(s), &d) == 0 ? 0 : ERR_INVALID;
}

int catalog_item_check(struct arena *a, struct item *it, const char **msg, const char **warn)
{
	static const char *const genres[] = { "规章", "行政规范性文件", "其他", NULL };
	static const char *const validities[] = { "有效", "已修改", "废止", "失效", NULL };
	const char *fields[] = { it->title, it->doc_no, it->publisher, it->topic, it->summary,
				 it->body_md, it->written_on, it->validity_on };
	unsigned w = 0;
	struct str t;

	if (warn)
		*warn = NULL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (check_utf8(fields[i])) {
			*msg = "内容含有无效的字符编码（须为 UTF-8）。";
			return ERR_INVALID;
		}
	t = str_trim(str_c(it->title));
	if (t.n == 0) {
		*msg = "请填写标题。";
		return ERR_INVALID;
	}
	it->title = arena_strndup(a, t.p, t.n);
	if (!it->title)
		return ERR_NOMEM;
	if (check_len(it->title, ITEM_TITLE_MAX)) {
		*msg = "标题过长（不超过 300 字）。";
		return ERR_INVALID;
	}
	if (it->category_id <= 0) {
		*msg = "请选择公开类别。";
		return ERR_INVALID;
	}
	if (check_len(it->doc_no, ITEM_DOCNO_MAX) || check_len(it->publisher, ITEM_SHORT_MAX) ||
	    check_len(it->topic, ITEM_SHORT_MAX)) {
		*msg = "文号、发布机构或主题分类过长（不超过 100 字）。";
		return ERR_INVALID;
	}
	if (check_len(it->summary, ITEM_SUMMARY_MAX)) {
		*msg = "内容概述过长（不超过 2000 字）。";
		return ERR_INVALID;
	}
	if (it->body_md && strlen(it->body_md) > ITEM_BODY_MAX_BYTES) {
		*msg = "正文过长（不超过 1 MB）。";
		return ERR_INVALID;
	}
	if (it->doc_no && *it->doc_no) {
		int rc = docno_normalize(a, it->doc_no, strlen(it->doc_no), &it->doc_no, &w);

		if (rc) {
			*msg = "文号无效。";
			return ERR_INVALID;
		}
		if (warn)
			*warn = docno_warn_text(w);
	}
	if (check_date(it->written_on) || check_date(it->validity_on) || check_date(it->published_on)) {
		*msg = "日期格式应为 YYYY-MM-DD，且须为有效日期。";
		return ERR_INVALID;
	}
	if (it->written_on && *it->written_on && it->published_on && *it->published_on &&
	    strcmp(it->written_on, it->published_on) > 0) {
		*msg = "成文日期不能晚于发布日期。";
		return ERR_INVALID;
	}
	if (!it->genre || !*it->genre)
		it->genre = "其他";
	if (!one_of(it->genre, genres)) {
		*msg = "体裁应为：规章、行政规范性文件或其他。";
		return ERR_INVALID;
	}
	if (!it->validity || !*it->validity)
		it->validity = "有效";
	if (!one_of(it->validity, validities)) {
		*msg = "有效性应为：有效、已修改、废止或失效。";
		return ERR_INVALID;
	}
	if (strcmp(it->validity, "有效") == 0) {
		it->validity_on = NULL;
	} else if (!it->validity_on || !*it->validity_on) {
		*msg = "有效性为已修改、废止或失效时，须填写其日期。";
		return ERR_INVALID;
	}
	return 0;
}

int catalog_assign_index_no(struct db *db, struct arena *a, const struct org *org, const char *published_on,
			    const char **index_no)
{
	long long serial;
	long day;
	int rc, y, m, d;

	if (date_parse(published_on, strlen(published_on), &day))
		return ERR_INVALID;
	date_to_ymd(day, &y, &m, &d);
	if ((rc = store_index_serial_next(db, org->id, y, &serial)))
		return rc;
	return index_no_format(a, org->index_pattern, org->org_code, y, m, serial, index_no);
}

int catalog_publish_in_tx(struct db *db, struct arena *a, const struct org *org, long long item_id,
			  const char *now, const char **index_no)
{
	struct item it;
	char today[11];
	const char *pub, *ino = NULL;
	int rc;

	if ((rc = store_item_get(db, a, org->id, item_id, &it)))
		return rc;
	if (strcmp(it.status, "published") == 0)
		return ERR_CONFLICT;
	date_format(date_today_cn(), today);
	pub = it.published_on && *it.published_on ? it.published_on : today;
	ino = it.index_no;
	if (!ino && (rc = catalog_assign_index_no(db, a, org, pub, &ino)))
		return rc;
	if ((rc = store_item_set_status(db, org->id, item_id, "published", ino, pub, now)))
		return rc;
	if (index_no)
		*index_no = ino;
	return 0;
}

int catalog_publish(struct db *db, struct arena *a, const struct org *org, long long item_id,
		    const char *now, const char **index_no)
{
	const char *ino = NULL;
	int rc;

	if ((rc = db_begin(db)))
		return rc;
	if ((rc = catalog_publish_in_tx(db, a, org, item_id, now, &ino)))
		goto out;
	rc = db_commit(db);
	if (!rc && index_no)
		*index_no = ino;
	return rc;
out:
	db_rollback(db);
	return rc;
}

static int transition(struct db *db, const struct org *org, long long item_id, const char *from1,
		      const char *from2, const char *to, const char *now)
{
	struct arena a;
	struct item it;
	int rc;

	arena_init(&a, 0);
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = store_item_get(db, &a, org->id, item_id, &it)))
		goto out_rb;
	if (strcmp(it.status, from1) != 0 && (!from2 || strcmp(it.status, from2) != 0)) {
		rc = ERR_CONFLICT;
		goto out_rb;
	}
	if ((rc = store_item_set_status(db, org->id, item_id, to, NULL, NULL, now)))
		goto out_rb;
	rc = db_commit(db);
	goto out;
out_rb:
	db_rollback(db);
out:
	arena_release(&a);
	return rc;
}

int catalog_withdraw(struct db *db, const struct org *org, long long item_id, const char *now)
{
	return transition(db, org, item_id, "published", NULL, "withdrawn", now);
}

int catalog_submit(struct db *db, const struct org *org, long long item_id, const char *now)
{
	return transition(db, org, item_id, "draft", "withdrawn", "pending", now);
}

#define PUBLISH_WITHIN_WORKDAYS 20 /* 条例第二十六条 */

int catalog_timeliness(struct db *db, struct arena *a, const struct item *it, const char **due, const char **msg)
{
	struct calendar cal;
	struct org platform;
	long written, last, when;
	int missing = 0, rc;
	bool published = it->status && strcmp(it->status, "published") == 0 && it->published_on;
	char buf[11];

	*due = NULL;
	*msg = NULL;
	if (!it->written_on || date_parse(it->written_on, strlen(it->written_on), &written))
		return 0;
	if ((rc = store_org_platform(db, a, &platform)) || (rc = calendar_load(db, a, platform.id, &cal)))
		return rc;
	rc = calendar_add_workdays(&cal, written, PUBLISH_WITHIN_WORKDAYS, &last, &missing);
	if (rc == ERR_NOT_FOUND) {
		*msg = arena_printf(a, "工作日历缺少 %d 年的节假日数据，无法计算公开时限（条例第二十六条：20 个工作日）。",
				    missing);
		return *msg ? 0 : ERR_NOMEM;
	}
	if (rc)
		return rc;
	date_format(last, buf);
	if (!(*due = arena_strdup(a, buf)))
		return ERR_NOMEM;
	if (published && date_parse(it->published_on, strlen(it->published_on), &when) == 0) {
		if (when > last)
			*msg = arena_printf(a, "本信息发布于 %s，晚于成文日期起 20 个工作日的公开时限 %s（条例第二十六条）。",
					    it->published_on, buf);
	} else if (!published && date_today_cn() > last) {
		*msg = arena_printf(a, "已超过公开时限 %s（成文日期起 20 个工作日，条例第二十六条），请尽快审核发布。", buf);
	}
	return 0;
}

const char *catalog_status_label(const char *status)
{
	if (!status)
		return "";
	if (strcmp(status, "draft") == 0)
		return "草稿";
	if (strcmp(status, "pending") == 0)
		return "待审核";
	if (strcmp(status, "published") == 0)
		return "已发布";
	if (strcmp(status, "withdrawn") == 0)
		return "已撤回";
	return status;
}
