/* reviews.c - 复议诉讼 cases: validation, writes, table 四 and the CSV
 * register. See reviews.h. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/registers/csvio.h"
#include "domain/registers/registers.h"
#include "domain/registers/reviews.h"
#include "store/db.h"
#include "store/review.h"
#include "store/store.h"
#include "core/banned.h"

enum {
	REVIEW_CASE_NO_MAX = 60,
	REVIEW_NAME_MAX = 100,   /* body, party */
	REVIEW_TEXT_MAX = 2000,  /* matter, note */
	REVIEW_SERIAL_MAX = 20,
};

const struct review_kind_def review_kinds[REVIEW_KINDS] = {
	{ "review", "行政复议", "行政复议", "复议机关" },
	{ "suit", "行政诉讼（未经复议直接起诉）", "未经复议直接起诉", "人民法院" },
	{ "suit_after_review", "行政诉讼（复议后起诉）", "复议后起诉", "人民法院" },
};

const struct review_result_def review_results[RESULT_COLS] = {
	{ "upheld", "结果维持" },
	{ "corrected", "结果纠正" },
	{ "other", "其他结果" },
	{ NULL, "尚未审结" },
};

const char *const reviews_table4_labels[REVIEWS_TABLE4_COLS] = {
	"行政复议·结果维持", "行政复议·结果纠正", "行政复议·其他结果", "行政复议·尚未审结", "行政复议·总计",
	"未经复议直接起诉·结果维持", "未经复议直接起诉·结果纠正", "未经复议直接起诉·其他结果",
	"未经复议直接起诉·尚未审结", "未经复议直接起诉·总计",
	"复议后起诉·结果维持", "复议后起诉·结果纠正", "复议后起诉·其他结果", "复议后起诉·尚未审结",
	"复议后起诉·总计",
};

/* s with ASCII parentheses as full-width ones and spaces removed, for
 * matching labels typed in a spreadsheet (arena memory; NULL on failure). */
static const char *fold(struct arena *a, const char *s)
{
	struct buf b;

	buf_init(&b, a, 1024);
	for (; *s; s++) {
		if (*s == '(')
			buf_puts(&b, "（");
		else if (*s == ')')
			buf_puts(&b, "）");
		else if (*s != ' ' && *s != '\t')
			buf_putc(&b, *s);
	}
	return b.err ? NULL : buf_cstr(&b);
}

static bool eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int review_kind_find(const char *s)
{
	static const struct {
		const char *alias;
		int kind;
	} aliases[] = {
		{ "复议", REVIEW_ADMIN },
		{ "行政诉讼（直接起诉）", REVIEW_SUIT },
		{ "行政诉讼（未经复议）", REVIEW_SUIT },
		{ "直接起诉", REVIEW_SUIT },
		{ "行政诉讼（复议后）", REVIEW_SUIT_AFTER },
	};
	struct arena a;
	const char *f;
	int found = -1;

	if (!s || !*s)
		return -1;
	for (int i = 0; i < REVIEW_KINDS; i++)
		if (eq(s, review_kinds[i].code))
			return i;
	arena_init(&a, 0);
	if ((f = fold(&a, s))) {
		for (int i = 0; i < REVIEW_KINDS && found < 0; i++)
			if (eq(f, review_kinds[i].label) || eq(f, review_kinds[i].short_label))
				found = i;
		for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]) && found < 0; i++)
			if (eq(f, aliases[i].alias))
				found = aliases[i].kind;
	}
	arena_release(&a);
	return found;
}

int review_result_find(const char *s)
{
	static const char *const short_labels[RESULT_COLS] = { "维持", "纠正", "其他", "未审结" };

	if (!s || !*s)
		return RESULT_PENDING;
	for (int i = 0; i < RESULT_COLS; i++)
		if (eq(s, review_results[i].code) || eq(s, review_results[i].label) || eq(s, short_labels[i]))
			return i;
	if (eq(s, "pending"))
		return RESULT_PENDING;
	return -1;
}

int review_result_of(const struct review *r)
{
	int k = r->result && *r->result ? review_result_find(r->result) : RESULT_PENDING;

	return k < 0 ? RESULT_OTHER : k;
}

/* ---- validation ---- */

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int parse_day(const char *s, long *day)
{
	return s && *s && date_parse(s, strlen(s), day) == 0 ? 0 : ERR_INVALID;
}

static const char *day_text(struct arena *a, long day)
{
	char d[11];

	date_format(day, d);
	return arena_strdup(a, d);
}

static int invalid(const char **msg, const char *m)
{
	*msg = m;
	return ERR_INVALID;
}

int review_check(const struct review_ctx *c, const struct review_input *in, long long except_id,
		 struct review *out, const char **msg)
{
	const char *case_no = nz(in->case_no), *body = nz(in->body), *party = nz(in->party);
	const char *matter = nz(in->matter), *serial = nz(in->app_serial), *note = nz(in->note);
	long filed, decided = 0;
	long long app_id = 0;
	int kind, result, rc;

	if ((kind = review_kind_find(in->kind)) < 0)
		return invalid(msg, "请选择类型：行政复议、行政诉讼（未经复议直接起诉）或行政诉讼（复议后起诉）。");
	if (!in->filed_on || !*in->filed_on)
		return invalid(msg, kind == REVIEW_ADMIN ? "请填写申请复议日期。" : "请填写立案日期。");
	if (parse_day(in->filed_on, &filed))
		return invalid(msg, "申请或立案日期应为 YYYY-MM-DD 格式的有效日期。");
	if (filed > c->today)
		return invalid(msg, "申请或立案日期不能晚于今天。");
	if (!*body)
		return invalid(msg, kind == REVIEW_ADMIN ? "请填写复议机关。" : "请填写受理的人民法院。");
	if (!utf8_line_ok(body, REVIEW_NAME_MAX))
		return invalid(msg, "复议机关或法院的名称过长（不超过100字）或含有换行。");
	if (!*party)
		return invalid(msg, kind == REVIEW_ADMIN ? "请填写复议申请人。" : "请填写原告。");
	if (!utf8_line_ok(party, REVIEW_NAME_MAX))
		return invalid(msg, "申请人或原告过长（不超过100字）或含有换行。");
	if (!utf8_line_ok(case_no, REVIEW_CASE_NO_MAX))
		return invalid(msg, "案号过长（不超过60字）或含有换行。");
	if (!utf8_text_ok(matter, REVIEW_TEXT_MAX))
		return invalid(msg, "事由过长（不超过2000字）。");
	if (!utf8_text_ok(note, REVIEW_TEXT_MAX))
		return invalid(msg, "备注过长（不超过2000字）。");
	if ((result = review_result_find(in->result)) < 0)
		return invalid(msg, "结果应为结果维持、结果纠正、其他结果或尚未审结。");
	if (result != RESULT_PENDING) {
		if (!in->decided_on || !*in->decided_on)
			return invalid(msg, "已审结的案件请填写结果日期。");
		if (parse_day(in->decided_on, &decided))
			return invalid(msg, "结果日期应为 YYYY-MM-DD 格式的有效日期。");
		if (decided < filed)
			return invalid(msg, "结果日期不能早于申请或立案日期。");
		if (decided > c->today)
			return invalid(msg, "结果日期不能晚于今天。");
	} else if (in->decided_on && *in->decided_on) {
		return invalid(msg, "尚未审结的案件不填结果日期；已审结的请选择结果。");
	}
	if (*serial) {
		if (!utf8_line_ok(serial, REVIEW_SERIAL_MAX))
			return invalid(msg, "关联申请编号无效（如 2021-0003）。");
		rc = store_review_app_by_serial(c->db, c->org_id, serial, &app_id);
		if (rc == ERR_NOT_FOUND) {
			*msg = arena_printf(c->a, "关联申请编号 %s 不存在：本机关没有这件依申请公开申请。", serial);
			return ERR_INVALID;
		}
		if (rc)
			return rc;
	}
	if (*case_no) {
		struct review other;

		rc = store_review_by_case_no(c->db, c->a, c->org_id, case_no, &other);
		if (rc == 0 && other.id != except_id) {
			int ok = review_kind_find(other.kind);

			*msg = arena_printf(c->a, "案号 %s 已登记（%s，%s）。", case_no,
					    review_kinds[ok < 0 ? 0 : ok].label, other.filed_on);
			return ERR_INVALID;
		}
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
	}
	out->org_id = c->org_id;
	out->kind = review_kinds[kind].code;
	out->case_no = case_no;
	out->filed_on = day_text(c->a, filed);
	out->body = body;
	out->party = party;
	out->matter = matter;
	out->application_id = app_id;
	out->app_serial = app_id ? serial : NULL;
	out->result = review_results[result].code;
	out->decided_on = result == RESULT_PENDING ? NULL : day_text(c->a, decided);
	out->note = note;
	if (!out->filed_on || (result != RESULT_PENDING && !out->decided_on))
		return ERR_NOMEM;
	return 0;
}

/* ---- writes ---- */

static const char *const MSG_STALE = "保存失败：该案件已被他人修改，请刷新后重新操作。";

int review_create(const struct review_ctx *c, const struct review_input *in, struct review *out,
		  const char **msg)
{
	struct review r = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = review_check(c, in, 0, &r, msg)))
		goto fail;
	r.created_by = c->user_id;
	r.created_at = r.updated_at = c->now;
	if ((rc = store_review_insert(c->db, &r))) {
		if (rc == ERR_CONFLICT)
			*msg = "案号已登记，请核对。";
		goto fail;
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	*out = r;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

/* Save r (checked) over case id at version: in the caller's transaction. */
static int save(const struct review_ctx *c, long long id, int version, struct review *r, const char **msg)
{
	int rc;

	r->id = id;
	r->version = version;
	r->updated_at = c->now;
	rc = store_review_update(c->db, r);
	if (rc == ERR_CONFLICT)
		*msg = MSG_STALE;
	else if (rc == ERR_NOT_FOUND)
		*msg = "没有这件案件。";
	return rc;
}

int review_update(const struct review_ctx *c, long long id, const struct review_input *in, struct review *out,
		  const char **msg)
{
	struct review old, r = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_review_get(c->db, c->a, c->org_id, id, &old))) {
		if (rc == ERR_NOT_FOUND)
			*msg = "没有这件案件。";
		goto fail;
	}
	if (in->version != old.version) {
		*msg = MSG_STALE;
		rc = ERR_CONFLICT;
		goto fail;
	}
	if ((rc = review_check(c, in, id, &r, msg)))
		goto fail;
	r.created_by = old.created_by;
	r.created_at = old.created_at;
	if ((rc = save(c, id, in->version, &r, msg)) || (rc = db_commit(c->db)))
		goto fail;
	*out = r;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int review_decide(const struct review_ctx *c, long long id, int version, const char *result,
		  const char *decided_on, struct review *out, const char **msg)
{
	struct review old;
	struct review_input in;
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = store_review_get(c->db, c->a, c->org_id, id, &old))) {
		if (rc == ERR_NOT_FOUND)
			*msg = "没有这件案件。";
		return rc;
	}
	in = (struct review_input){
		.kind = old.kind, .case_no = old.case_no, .filed_on = old.filed_on, .body = old.body,
		.party = old.party, .matter = old.matter, .app_serial = old.app_serial, .result = result,
		.decided_on = decided_on, .note = old.note, .version = version,
	};
	if (review_result_find(result) < 0)
		return invalid(msg, "请选择审理结果。");
	return review_update(c, id, &in, out, msg);
}

int review_delete(const struct review_ctx *c, long long id, int version, const char **msg)
{
	int rc = store_review_delete(c->db, c->org_id, id, version);

	if (rc == ERR_CONFLICT)
		*msg = MSG_STALE;
	else if (rc == ERR_NOT_FOUND)
		*msg = "没有这件案件。";
	return rc;
}

/* ---- table 四 ---- */

int reviews_table4(struct db *db, long long org_id, int year, long long out[REVIEWS_TABLE4_COLS])
{
	struct review_filter f = { .org_id = org_id, .year = year };
	struct review *rows;
	struct arena a;
	size_t n;
	char end[11];
	int rc;

	memset(out, 0, sizeof(long long) * REVIEWS_TABLE4_COLS);
	if (year < 1900 || year > 2999)
		return ERR_INVALID;
	snprintf(end, sizeof(end), "%04d-12-31", year);
	arena_init(&a, 0);
	if ((rc = store_review_list(db, &a, &f, &rows, &n, NULL)) == 0) {
		for (size_t i = 0; i < n; i++) {
			int k = review_kind_find(rows[i].kind), res = review_result_of(&rows[i]);

			if (k < 0) {
				rc = ERR_INTERNAL;
				break;
			}
			/* the result as known at the end of the year */
			if (!rows[i].decided_on || strcmp(rows[i].decided_on, end) > 0)
				res = RESULT_PENDING;
			out[k * 5 + res]++;
			out[k * 5 + 4]++;
		}
	}
	arena_release(&a);
	return rc;
}

/* ---- CSV register ---- */

enum { C_KIND, C_CASE_NO, C_FILED, C_BODY, C_PARTY, C_MATTER, C_SERIAL, C_RESULT, C_DECIDED, C_NOTE, C_COUNT };

static const struct csv_col csv_cols[C_COUNT] = {
	[C_KIND] = { "类型", true },
	[C_CASE_NO] = { "案号", true },
	[C_FILED] = { "申请或立案日期", true },
	[C_BODY] = { "复议机关或法院", true },
	[C_PARTY] = { "申请人或原告", true },
	[C_MATTER] = { "事由", true },
	[C_SERIAL] = { "关联申请编号", true },
	[C_RESULT] = { "结果", true },
	[C_DECIDED] = { "结果日期", true },
	[C_NOTE] = { "备注", false },
};

struct import_ctx {
	const struct reg_ctx *rc;
	struct review_ctx c;
};

/* A date cell in any form csv_date reads, as YYYY-MM-DD ("" stays ""). */
static int csv_day(struct arena *a, const char *col, const char *s, const char **out, const char **msg)
{
	long d;

	if (!*s) {
		*out = "";
		return 0;
	}
	if (csv_date(col, s, &d, msg, a))
		return ERR_INVALID;
	*out = day_text(a, d);
	return *out ? 0 : ERR_NOMEM;
}

static int import_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
			const char **msg)
{
	struct import_ctx *x = ctx;
	struct review_input in = {
		.kind = v[C_KIND], .case_no = v[C_CASE_NO], .body = v[C_BODY], .party = v[C_PARTY],
		.matter = v[C_MATTER], .app_serial = v[C_SERIAL], .result = v[C_RESULT], .note = v[C_NOTE],
	};
	struct review *r = arena_zalloc(a, sizeof(*r));
	int rc;

	if (!r)
		return ERR_NOMEM;
	if ((rc = csv_day(a, csv_cols[C_FILED].name, v[C_FILED], &in.filed_on, msg)) ||
	    (rc = csv_day(a, csv_cols[C_DECIDED].name, v[C_DECIDED], &in.decided_on, msg)))
		return rc;
	x->c.a = a;
	if ((rc = review_check(&x->c, &in, 0, r, msg)))
		return rc;
	r->created_by = x->c.user_id;
	r->created_at = r->updated_at = x->c.now;
	*prepared = r;
	*key = *r->case_no ? arena_printf(a, "案号 %s", r->case_no) : NULL;
	return 0;
}

static int import_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	return store_review_insert(db, prepared);
}

static int reviews_import(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
			  struct csv_report *rep)
{
	struct import_ctx x = {
		.rc = c,
		.c = { .db = c->db, .a = c->a, .org_id = c->org->id, .user_id = c->user_id, .today = c->today,
		       .now = c->now },
	};
	struct csv_register reg = {
		.name = "复议诉讼", .cols = csv_cols, .ncols = C_COUNT, .check = import_check, .store = import_store,
		.ctx = &x, .progress = c->progress, .progress_arg = c->progress_arg
	};

	return csv_import(c->db, c->a, &reg, bytes, n, encoding, dry_run, rep);
}

static int reviews_export(const struct reg_ctx *c, int year, bool personal, struct buf *out)
{
	struct review_filter f = { .org_id = c->org->id, .year = year };
	const char *head[C_COUNT];
	struct review *rows;
	size_t n;
	int rc;

	if ((rc = store_review_list(c->db, c->a, &f, &rows, &n, NULL)))
		return rc;
	for (int i = 0; i < C_COUNT; i++)
		head[i] = csv_cols[i].name;
	csv_write_bom(out);
	csv_write_row(out, head, C_COUNT);
	for (size_t i = n; i-- > 0;) { /* oldest first */
		const struct review *r = &rows[i];
		int k = review_kind_find(r->kind);
		const char *v[C_COUNT] = {
			[C_KIND] = k >= 0 ? review_kinds[k].label : r->kind,
			[C_CASE_NO] = r->case_no,
			[C_FILED] = r->filed_on,
			[C_BODY] = r->body,
			[C_PARTY] = personal ? r->party : "",
			[C_MATTER] = r->matter,
			[C_SERIAL] = r->app_serial ? r->app_serial : "",
			[C_RESULT] = review_results[review_result_of(r)].label,
			[C_DECIDED] = r->decided_on ? r->decided_on : "",
			[C_NOTE] = r->note,
		};

		csv_write_row(out, v, C_COUNT);
	}
	return out->err;
}

/* One series per kind: cases filed in each month of year. */
static int reviews_series(struct db *db, struct arena *a, long long org_id, int year, struct reg_series **out,
			  size_t *n)
{
	struct review_filter f = { .org_id = org_id, .year = year };
	struct reg_series *s = arena_zalloc(a, sizeof(*s) * REVIEW_KINDS);
	struct review *rows;
	size_t nrows;
	int rc;

	if (!s)
		return ERR_NOMEM;
	if (year < 1900 || year > 2999)
		return ERR_INVALID;
	if ((rc = store_review_list(db, a, &f, &rows, &nrows, NULL)))
		return rc;
	for (int k = 0; k < REVIEW_KINDS; k++)
		s[k].label = review_kinds[k].label;
	for (size_t i = 0; i < nrows; i++) {
		int k = review_kind_find(rows[i].kind), m = 0;

		if (k < 0 || sscanf(rows[i].filed_on, "%*4d-%2d", &m) != 1 || m < 1 || m > 12)
			continue;
		s[k].month[m - 1]++;
		s[k].total++;
	}
	*out = s;
	*n = REVIEW_KINDS;
	return 0;
}

const struct reg_kind reg_reviews = {
	.code = "reviews",
	.label = "复议诉讼",
	.import_csv = reviews_import,
	.export_csv = reviews_export,
	.year_series = reviews_series,
};
