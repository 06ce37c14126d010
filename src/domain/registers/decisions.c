/* decisions.c - the 第二十条 registers: decisions and declared counts,
 * fee items and their yearly amounts, 政府集中采购; validation, writes,
 * the report's figures and the CSV registers. See decisions.h. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "domain/registers/csvio.h"
#include "domain/registers/decisions.h"
#include "domain/registers/registers.h"
#include "store/db.h"
#include "store/decision.h"
#include "store/store.h"
#include "core/banned.h"

const struct decision_kind_def decision_kinds[DEC_KINDS] = {
	{ "license", "行政许可", "第二十条第（五）项" },
	{ "penalty", "行政处罚", "第二十条第（六）项" },
	{ "coercion", "行政强制", "第二十条第（六）项" },
	{ "service", "其他对外管理服务事项", "第二十条第（五）项" },
};

static bool eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int decision_kind_find(const char *s)
{
	if (!s || !*s)
		return -1;
	for (int i = 0; i < DEC_KINDS; i++)
		if (eq(s, decision_kinds[i].code) || eq(s, decision_kinds[i].label))
			return i;
	return -1;
}

/* ---- helpers ---- */

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int invalid(const char **msg, const char *m)
{
	*msg = m;
	return ERR_INVALID;
}

static const char *day_text(struct arena *a, long day)
{
	char d[11];

	date_format(day, d);
	return arena_strdup(a, d);
}

static int this_year(long today)
{
	int y, m, d;

	date_to_ymd(today, &y, &m, &d);
	return y;
}

/* A versioned write's failure as a message. */
static int write_failed(int rc, const char **msg, const char *what)
{
	if (rc == ERR_CONFLICT)
		*msg = "保存失败：该记录已被他人修改或删除，请刷新后重新操作。";
	else if (rc == ERR_NOT_FOUND)
		*msg = what;
	return rc;
}

/* ---- decisions ---- */

int decision_check(const struct reg_write_ctx *c, const struct decision_input *in, long long except_id,
		   struct decision *out, const char **msg, const char **warn)
{
	const char *title = nz(in->title), *party = nz(in->party), *note = nz(in->note), *doc_no = "";
	unsigned w = 0;
	long day;
	int kind, rc;

	if (warn)
		*warn = NULL;
	if ((kind = decision_kind_find(in->kind)) < 0)
		return invalid(msg, "请选择类别：行政许可、行政处罚、行政强制或其他对外管理服务事项。");
	if (!in->decided_on || !*in->decided_on)
		return invalid(msg, "请填写决定日期。");
	if (date_parse(in->decided_on, strlen(in->decided_on), &day))
		return invalid(msg, "决定日期应为 YYYY-MM-DD 格式的有效日期。");
	if (day > c->today)
		return invalid(msg, "决定日期不能晚于今天。");
	if (this_year(day) < REG_YEAR_MIN)
		return invalid(msg, "决定日期过早（1990年以后）。");
	if (!*title)
		return invalid(msg, "请填写事项名称。");
	if (!utf8_line_ok(title, DEC_TITLE_MAX))
		return invalid(msg, "事项名称过长（不超过300字）或含有换行。");
	if (!utf8_line_ok(party, DEC_PARTY_MAX))
		return invalid(msg, "相对人过长（不超过200字）或含有换行。");
	if (!utf8_text_ok(note, REG_NOTE_MAX))
		return invalid(msg, "备注过长（不超过2000字）。");
	if (in->doc_no && *in->doc_no) {
		if (!utf8_line_ok(in->doc_no, DEC_DOCNO_MAX))
			return invalid(msg, "文号过长（不超过60字）或含有换行。");
		if ((rc = docno_normalize(c->a, in->doc_no, strlen(in->doc_no), &doc_no, &w)))
			return rc == ERR_INVALID ? invalid(msg, "文号无效。") : rc;
		if (*doc_no) {
			bool taken = false;

			if ((rc = store_decision_doc_no_taken(c->db, c->org_id, doc_no, except_id, &taken)))
				return rc;
			if (taken) {
				*msg = arena_printf(c->a, "文号 %s 已登记，请核对。", doc_no);
				return ERR_INVALID;
			}
		}
	}
	if (warn)
		*warn = docno_warn_text(w & ~(unsigned)DOCNO_BRACKETS);
	out->org_id = c->org_id;
	out->kind = decision_kinds[kind].code;
	out->decided_on = day_text(c->a, day);
	out->doc_no = doc_no;
	out->title = title;
	out->party = party;
	out->note = note;
	return out->decided_on ? 0 : ERR_NOMEM;
}

int decision_create(const struct reg_write_ctx *c, const struct decision_input *in, struct decision *out,
		    const char **msg)
{
	struct decision d = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = decision_check(c, in, 0, &d, msg, NULL)))
		goto fail;
	d.created_by = c->user_id;
	d.created_at = d.updated_at = c->now;
	if ((rc = store_decision_insert(c->db, &d))) {
		if (rc == ERR_CONFLICT)
			*msg = "文号已登记，请核对。";
		goto fail;
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	*out = d;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int decision_update(const struct reg_write_ctx *c, long long id, const struct decision_input *in,
		    struct decision *out, const char **msg)
{
	struct decision old, d = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_decision_get(c->db, c->a, c->org_id, id, &old))) {
		write_failed(rc, msg, "没有这条决定。");
		goto fail;
	}
	if (old.version != in->version) {
		rc = write_failed(ERR_CONFLICT, msg, NULL);
		goto fail;
	}
	if ((rc = decision_check(c, in, id, &d, msg, NULL)))
		goto fail;
	d.id = id;
	d.version = in->version;
	d.created_by = old.created_by;
	d.created_at = old.created_at;
	d.updated_at = c->now;
	if ((rc = store_decision_update(c->db, &d))) {
		write_failed(rc, msg, "没有这条决定。");
		goto fail;
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	*out = d;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int decision_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg)
{
	return write_failed(store_decision_delete(c->db, c->org_id, id, version), msg, "没有这条决定。");
}

/* ---- declared counts ---- */

static int count_check(const struct reg_write_ctx *c, int year, long long n, const char *note, const char **msg)
{
	if (year < REG_YEAR_MIN || year > this_year(c->today))
		return invalid(msg, "年度应在1990年至今年之间。");
	if (n < 0 || n > DEC_COUNT_MAX)
		return invalid(msg, "件数应为0到10000000之间的整数。");
	if (!utf8_text_ok(nz(note), REG_NOTE_MAX))
		return invalid(msg, "备注过长（不超过2000字）。");
	return 0;
}

/* Is (kind, year) declared already? *msg says so. */
static int count_taken(const struct reg_write_ctx *c, const char *kind_code, const char *kind_label, int year,
		       const char **msg)
{
	struct decision_count old;
	int rc = store_decision_count_find(c->db, c->a, c->org_id, kind_code, year, &old);

	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	*msg = arena_printf(c->a, "%d年的%s已声明 %lld 件；如需更改，请修改已有的声明。", year, kind_label, old.n);
	return ERR_INVALID;
}

int decision_count_create(const struct reg_write_ctx *c, const char *kind, int year, long long n,
			  const char *note, struct decision_count *out, const char **msg)
{
	struct decision_count dc = { 0 };
	int k = decision_kind_find(kind), rc;

	*msg = "保存失败，请稍后重试。";
	if (k < 0)
		return invalid(msg, "请选择类别。");
	if ((rc = count_check(c, year, n, note, msg)))
		return rc;
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = count_taken(c, decision_kinds[k].code, decision_kinds[k].label, year, msg)))
		goto fail;
	dc = (struct decision_count){ .org_id = c->org_id, .kind = decision_kinds[k].code, .year = year, .n = n,
				      .note = nz(note), .created_at = c->now, .updated_at = c->now };
	if ((rc = store_decision_count_insert(c->db, &dc))) {
		if (rc == ERR_CONFLICT)
			*msg = "该类别和年度已声明件数，请修改已有的声明。";
		goto fail;
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	*out = dc;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int decision_count_update(const struct reg_write_ctx *c, long long id, int version, long long n, const char *note,
			  struct decision_count *out, const char **msg)
{
	struct decision_count dc;
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = store_decision_count_get(c->db, c->a, c->org_id, id, &dc)))
		return write_failed(rc, msg, "没有这条件数声明。");
	if ((rc = count_check(c, dc.year, n, note, msg)))
		return rc;
	dc.version = version;
	dc.n = n;
	dc.note = nz(note);
	dc.updated_at = c->now;
	if ((rc = store_decision_count_update(c->db, &dc)))
		return write_failed(rc, msg, "没有这条件数声明。");
	*out = dc;
	return 0;
}

int decision_count_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg)
{
	return write_failed(store_decision_count_delete(c->db, c->org_id, id, version), msg, "没有这条件数声明。");
}

/* ---- the year's figures ---- */

struct month_acc {
	long long by_kind[DEC_KINDS][12];
};

static void month_add(void *ctx, const char *kind, int month, long long n)
{
	struct month_acc *m = ctx;
	int k = decision_kind_find(kind);

	if (k >= 0 && month >= 1 && month <= 12)
		m->by_kind[k][month - 1] += n;
}

int decisions_year_breakdown(struct db *db, long long org_id, int year, long long recorded[DEC_KINDS],
			     long long declared[DEC_KINDS])
{
	struct month_acc m;
	struct decision_count *cnt;
	struct arena a;
	size_t n;
	int rc;

	memset(&m, 0, sizeof(m));
	for (int k = 0; k < DEC_KINDS; k++)
		recorded[k] = declared[k] = 0;
	if (year < 1900 || year > 2999)
		return ERR_INVALID;
	if ((rc = store_decision_month_counts(db, org_id, year, month_add, &m)))
		return rc;
	for (int k = 0; k < DEC_KINDS; k++)
		for (int i = 0; i < 12; i++)
			recorded[k] += m.by_kind[k][i];
	arena_init(&a, 0);
	if ((rc = store_decision_count_list(db, &a, org_id, year, &cnt, &n)) == 0)
		for (size_t i = 0; i < n; i++) {
			int k = decision_kind_find(cnt[i].kind);

			if (k >= 0)
				declared[k] += cnt[i].n;
		}
	arena_release(&a);
	return rc;
}

int decisions_year_counts(struct db *db, long long org_id, int year, long long out[DEC_KINDS])
{
	long long rec[DEC_KINDS], dec[DEC_KINDS];
	int rc = decisions_year_breakdown(db, org_id, year, rec, dec);

	for (int k = 0; k < DEC_KINDS; k++)
		out[k] = rc ? 0 : rec[k] + dec[k];
	return rc;
}

/* ---- fees ---- */

static int fee_check(const struct reg_write_ctx *c, const struct fee_input *in, long long except_id,
		     struct fee_item *out, const char **msg)
{
	const char *name = nz(in->name), *basis = nz(in->basis), *standard = nz(in->standard);
	struct fee_item other;
	int rc;

	if (!*name)
		return invalid(msg, "请填写收费项目名称。");
	if (!utf8_line_ok(name, FEE_NAME_MAX))
		return invalid(msg, "收费项目名称过长（不超过200字）或含有换行。");
	if (!utf8_text_ok(basis, FEE_BASIS_MAX))
		return invalid(msg, "收费依据过长（不超过1000字）。");
	if (!utf8_text_ok(standard, FEE_STANDARD_MAX))
		return invalid(msg, "收费标准过长（不超过500字）。");
	rc = store_fee_by_name(c->db, c->a, c->org_id, name, &other);
	if (rc == 0 && other.id != except_id) {
		*msg = arena_printf(c->a, "收费项目“%s”已登记。", name);
		return ERR_INVALID;
	}
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	out->org_id = c->org_id;
	out->name = name;
	out->basis = basis;
	out->standard = standard;
	return 0;
}

int fee_create(const struct reg_write_ctx *c, const struct fee_input *in, struct fee_item *out, const char **msg)
{
	struct fee_item f = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = fee_check(c, in, 0, &f, msg)))
		goto fail;
	f.created_at = f.updated_at = c->now;
	if ((rc = store_fee_insert(c->db, &f))) {
		if (rc == ERR_CONFLICT)
			*msg = "收费项目名称已登记。";
		goto fail;
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	*out = f;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int fee_update(const struct reg_write_ctx *c, long long id, const struct fee_input *in, struct fee_item *out,
	       const char **msg)
{
	struct fee_item old, f = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_fee_get(c->db, c->a, c->org_id, id, &old))) {
		write_failed(rc, msg, "没有这个收费项目。");
		goto fail;
	}
	if (old.version != in->version) {
		rc = write_failed(ERR_CONFLICT, msg, NULL);
		goto fail;
	}
	if ((rc = fee_check(c, in, id, &f, msg)))
		goto fail;
	f.id = id;
	f.version = in->version;
	f.created_at = old.created_at;
	f.updated_at = c->now;
	if ((rc = store_fee_update(c->db, &f))) {
		write_failed(rc, msg, "没有这个收费项目。");
		if (rc == ERR_CONFLICT && f.version == old.version)
			*msg = "收费项目名称已登记。";
		goto fail;
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	*out = f;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int fee_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg)
{
	int rc;

	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_fee_delete(c->db, c->org_id, id, version)) || (rc = db_commit(c->db))) {
		db_rollback(c->db);
		return write_failed(rc, msg, "没有这个收费项目。");
	}
	return 0;
}

static int amount_write(const struct reg_write_ctx *c, long long id, int version, int year, bool set,
			long long amount_fen, const char **msg)
{
	int rc;

	*msg = "保存失败，请稍后重试。";
	if (year < REG_YEAR_MIN || year > this_year(c->today))
		return invalid(msg, "年度应在1990年至今年之间。");
	if (set && (amount_fen < 0 || amount_fen > REG_AMOUNT_MAX_FEN))
		return invalid(msg, "收费金额应为不小于0的金额（元）。");
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_fee_touch(c->db, c->org_id, id, version, c->now))) {
		write_failed(rc, msg, "没有这个收费项目。");
		goto fail;
	}
	rc = set ? store_fee_amount_set(c->db, c->org_id, id, year, amount_fen)
		 : store_fee_amount_delete(c->db, c->org_id, id, year);
	if (rc == ERR_NOT_FOUND)
		*msg = arena_printf(c->a, "该收费项目没有%d年的收费金额。", year);
	if (rc || (rc = db_commit(c->db)))
		goto fail;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

int fee_amount_set(const struct reg_write_ctx *c, long long id, int version, int year, long long amount_fen,
		   const char **msg)
{
	return amount_write(c, id, version, year, true, amount_fen, msg);
}

int fee_amount_delete(const struct reg_write_ctx *c, long long id, int version, int year, const char **msg)
{
	return amount_write(c, id, version, year, false, 0, msg);
}

int fees_year(struct db *db, struct arena *a, long long org_id, int year, struct fee_item **items, size_t *n,
	      long long *total_fen)
{
	struct fee_item *rows;
	size_t k;
	int rc;

	*n = 0;
	*total_fen = 0;
	if (year < 1900 || year > 2999)
		return ERR_INVALID;
	if ((rc = store_fee_list(db, a, org_id, year, true, &rows, &k)))
		return rc;
	for (size_t i = 0; i < k; i++)
		*total_fen += rows[i].amount_fen;
	*n = k;
	if (items)
		*items = rows;
	return 0;
}

/* ---- 政府集中采购 ---- */

static int procurement_check(const struct reg_write_ctx *c, const struct procurement_input *in,
			     struct procurement *out, const char **msg)
{
	const char *project = nz(in->project);
	long day = 0;

	if (in->year < REG_YEAR_MIN || in->year > this_year(c->today))
		return invalid(msg, "年度应在1990年至今年之间。");
	if (!*project)
		return invalid(msg, "请填写采购项目名称。");
	if (!utf8_line_ok(project, PROC_PROJECT_MAX))
		return invalid(msg, "采购项目名称过长（不超过300字）或含有换行。");
	if (in->amount_fen < 0 || in->amount_fen > REG_AMOUNT_MAX_FEN)
		return invalid(msg, "采购金额应为不小于0的金额（元）。");
	if (in->day && *in->day) {
		if (date_parse(in->day, strlen(in->day), &day))
			return invalid(msg, "日期应为 YYYY-MM-DD 格式的有效日期。");
		if (this_year(day) != in->year)
			return invalid(msg, "日期应在所填年度之内。");
		if (day > c->today)
			return invalid(msg, "日期不能晚于今天。");
	}
	out->org_id = c->org_id;
	out->year = in->year;
	out->project = project;
	out->amount_fen = in->amount_fen;
	out->day = day ? day_text(c->a, day) : NULL;
	return day && !out->day ? ERR_NOMEM : 0;
}

int procurement_create(const struct reg_write_ctx *c, const struct procurement_input *in, struct procurement *out,
		       const char **msg)
{
	struct procurement p = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = procurement_check(c, in, &p, msg)))
		return rc;
	p.created_at = p.updated_at = c->now;
	if ((rc = store_procurement_insert(c->db, &p)))
		return rc;
	*out = p;
	return 0;
}

int procurement_update(const struct reg_write_ctx *c, long long id, const struct procurement_input *in,
		       struct procurement *out, const char **msg)
{
	struct procurement old, p = { 0 };
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = store_procurement_get(c->db, c->a, c->org_id, id, &old)))
		return write_failed(rc, msg, "没有这个采购项目。");
	if ((rc = procurement_check(c, in, &p, msg)))
		return rc;
	p.id = id;
	p.version = in->version;
	p.created_at = old.created_at;
	p.updated_at = c->now;
	if ((rc = store_procurement_update(c->db, &p)))
		return write_failed(rc, msg, "没有这个采购项目。");
	*out = p;
	return 0;
}

int procurement_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg)
{
	return write_failed(store_procurement_delete(c->db, c->org_id, id, version), msg, "没有这个采购项目。");
}

int procurements_year(struct db *db, long long org_id, int year, long long *count, long long *total_fen)
{
	*count = *total_fen = 0;
	if (year < 1900 || year > 2999)
		return ERR_INVALID;
	return store_procurement_sum(db, org_id, year, count, total_fen);
}

/* ---- amounts ---- */

int money_parse(struct arena *a, const char *what, const char *s, long long *fen, const char **msg)
{
	struct str t = str_trim(str_c(s));
	const char *v;
	int rc;

	if (t.n >= 3 && memcmp(t.p + t.n - 3, "元", 3) == 0)
		t = str_trim((struct str){ t.p, t.n - 3 });
	if (!(v = arena_strndup(a, t.p, t.n)))
		return ERR_NOMEM;
	if ((rc = csv_money(what, v, fen, msg, a)))
		return rc;
	if (*fen > REG_AMOUNT_MAX_FEN) {
		*msg = arena_printf(a, "“%s”过大。", what);
		return ERR_INVALID;
	}
	return 0;
}

const char *money_yuan_plain(struct arena *a, long long fen)
{
	return arena_printf(a, "%s%lld.%02lld", fen < 0 ? "-" : "", (fen < 0 ? -fen : fen) / 100,
			    (fen < 0 ? -fen : fen) % 100);
}

const char *money_yuan_text(struct arena *a, long long fen)
{
	unsigned long long v = (unsigned long long)(fen < 0 ? -fen : fen), yuan = v / 100;
	char digits[32], out[48];
	size_t n, k = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", yuan);
	if (fen < 0)
		out[k++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return arena_printf(a, "%s.%02llu", out, v % 100);
}

const char *money_wan_text(struct arena *a, long long fen)
{
	/* 1 万元 = 1,000,000 fen; 4 decimals are 100 fen: round half up */
	unsigned long long v = (unsigned long long)(fen < 0 ? -fen : fen), units = (v + 50) / 100;

	return arena_printf(a, "%s%llu.%04llu", fen < 0 ? "-" : "", units / 10000, units % 10000);
}

/* ---- CSV: decisions ---- */

enum { D_KIND, D_DAY, D_DOCNO, D_TITLE, D_PARTY, D_NOTE, D_YEAR, D_COUNT, D_NCOLS };

static const struct csv_col dec_cols[D_NCOLS] = {
	[D_KIND] = { "类别", true },
	[D_DAY] = { "决定日期", false },
	[D_DOCNO] = { "文号", false },
	[D_TITLE] = { "事项名称", false },
	[D_PARTY] = { "相对人", false },
	[D_NOTE] = { "备注", false },
	[D_YEAR] = { "年度", false },
	[D_COUNT] = { "件数", false },
};

/* A prepared row of any of the registers. */
struct prepared {
	int what;                   /* 0 decision, 1 count, 2 fee row, 3 procurement */
	struct decision d;
	struct decision_count dc;
	struct fee_item f;
	bool has_amount;
	int year;
	long long amount_fen;
	struct procurement p;
};

/* The names and texts of the fee items met so far in a file. */
struct fee_seen {
	const char *name, *basis, *standard;
	struct fee_seen *next;
};

struct import_ctx {
	struct reg_write_ctx c;
	struct fee_seen *fees;
};

static struct import_ctx import_ctx_of(const struct reg_ctx *rc)
{
	return (struct import_ctx){
		.c = { .db = rc->db, .a = rc->a, .org_id = rc->org->id, .user_id = rc->user_id, .today = rc->today,
		       .now = rc->now },
	};
}

static int csv_day(struct arena *a, const char *col, const char *s, const char **out, const char **msg)
{
	long d;

	if (csv_date(col, s, &d, msg, a))
		return ERR_INVALID;
	*out = day_text(a, d);
	return *out ? 0 : ERR_NOMEM;
}

static int dec_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		     const char **msg)
{
	struct import_ctx *x = ctx;
	struct prepared *p = arena_zalloc(a, sizeof(*p));
	bool one = *v[D_DAY] || *v[D_DOCNO] || *v[D_TITLE] || *v[D_PARTY];
	bool count = *v[D_YEAR] || *v[D_COUNT];
	int k = decision_kind_find(v[D_KIND]), rc;

	if (!p)
		return ERR_NOMEM;
	x->c.a = a;
	if (k < 0)
		return invalid(msg, *v[D_KIND] ? "类别应为行政许可、行政处罚、行政强制或其他对外管理服务事项。"
					       : "请填写类别。");
	if (one && count)
		return invalid(msg, "一行只能登记一项决定（填写决定日期、事项名称等），"
				    "或只声明年度件数（填写年度和件数），不能同时填写。");
	if (count) {
		long long year, n;

		if ((rc = csv_int(dec_cols[D_YEAR].name, v[D_YEAR], REG_YEAR_MIN, this_year(x->c.today), &year, msg, a)) ||
		    (rc = csv_int(dec_cols[D_COUNT].name, v[D_COUNT], 0, DEC_COUNT_MAX, &n, msg, a)) ||
		    (rc = count_check(&x->c, (int)year, n, v[D_NOTE], msg)) ||
		    (rc = count_taken(&x->c, decision_kinds[k].code, decision_kinds[k].label, (int)year, msg)))
			return rc;
		p->what = 1;
		p->dc = (struct decision_count){ .org_id = x->c.org_id, .kind = decision_kinds[k].code, .year = (int)year,
						 .n = n, .note = v[D_NOTE], .created_at = x->c.now,
						 .updated_at = x->c.now };
		*key = arena_printf(a, "%s%d年的件数声明", decision_kinds[k].label, (int)year);
	} else {
		struct decision_input in = { .kind = v[D_KIND], .doc_no = v[D_DOCNO], .title = v[D_TITLE],
					     .party = v[D_PARTY], .note = v[D_NOTE] };

		if ((rc = csv_day(a, dec_cols[D_DAY].name, v[D_DAY], &in.decided_on, msg)) ||
		    (rc = decision_check(&x->c, &in, 0, &p->d, msg, NULL)))
			return rc;
		p->d.created_by = x->c.user_id;
		p->d.created_at = p->d.updated_at = x->c.now;
		*key = *p->d.doc_no ? arena_printf(a, "文号 %s", p->d.doc_no) : NULL;
	}
	*prepared = p;
	return 0;
}

static int dec_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	struct prepared *p = prepared;

	return p->what == 1 ? store_decision_count_insert(db, &p->dc) : store_decision_insert(db, &p->d);
}

static int dec_import(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
		      struct csv_report *rep)
{
	struct import_ctx x = import_ctx_of(c);
	struct csv_register reg = { .name = "行政许可、处罚、强制", .cols = dec_cols, .ncols = D_NCOLS,
				    .check = dec_check, .store = dec_store, .ctx = &x, .progress = c->progress,
				    .progress_arg = c->progress_arg };

	return csv_import(c->db, c->a, &reg, bytes, n, encoding, dry_run, rep);
}

static void header(struct buf *out, const struct csv_col *cols, size_t n)
{
	const char *h[CSV_MAX_COLS];

	for (size_t i = 0; i < n && i < CSV_MAX_COLS; i++)
		h[i] = cols[i].name;
	csv_write_bom(out);
	csv_write_row(out, h, n);
}

static int dec_export(const struct reg_ctx *c, int year, bool personal, struct buf *out)
{
	struct decision_filter f = { .org_id = c->org->id, .year = year };
	struct decision *rows;
	struct decision_count *cnt;
	size_t n, ncnt;
	int rc;

	if ((rc = store_decision_list(c->db, c->a, &f, &rows, &n, NULL)) ||
	    (rc = store_decision_count_list(c->db, c->a, c->org->id, year, &cnt, &ncnt)))
		return rc;
	header(out, dec_cols, D_NCOLS);
	for (size_t i = n; i-- > 0;) { /* oldest first */
		int k = decision_kind_find(rows[i].kind);
		const char *v[D_NCOLS] = {
			[D_KIND] = k >= 0 ? decision_kinds[k].label : rows[i].kind,
			[D_DAY] = rows[i].decided_on, [D_DOCNO] = rows[i].doc_no, [D_TITLE] = rows[i].title,
			[D_PARTY] = personal ? rows[i].party : "", [D_NOTE] = rows[i].note, [D_YEAR] = "", [D_COUNT] = "",
		};

		csv_write_row(out, v, D_NCOLS);
	}
	for (size_t i = ncnt; i-- > 0;) {
		int k = decision_kind_find(cnt[i].kind);
		const char *v[D_NCOLS] = {
			[D_KIND] = k >= 0 ? decision_kinds[k].label : cnt[i].kind,
			[D_DAY] = "", [D_DOCNO] = "", [D_TITLE] = "", [D_PARTY] = "", [D_NOTE] = cnt[i].note,
			[D_YEAR] = arena_printf(c->a, "%d", cnt[i].year),
			[D_COUNT] = arena_printf(c->a, "%lld", cnt[i].n),
		};

		csv_write_row(out, v, D_NCOLS);
	}
	return out->err;
}

/* One series per kind: decisions recorded one by one, by month decided
 * (declared counts have no month and are left out). */
static int dec_series(struct db *db, struct arena *a, long long org_id, int year, struct reg_series **out,
		      size_t *n)
{
	struct reg_series *s = arena_zalloc(a, sizeof(*s) * DEC_KINDS);
	struct month_acc m;
	int rc;

	if (!s)
		return ERR_NOMEM;
	memset(&m, 0, sizeof(m));
	if ((rc = store_decision_month_counts(db, org_id, year, month_add, &m)))
		return rc;
	for (int k = 0; k < DEC_KINDS; k++) {
		s[k].label = decision_kinds[k].label;
		for (int i = 0; i < 12; i++) {
			s[k].month[i] = m.by_kind[k][i];
			s[k].total += m.by_kind[k][i];
		}
	}
	*out = s;
	*n = DEC_KINDS;
	return 0;
}

const struct reg_kind reg_decisions = {
	.code = "decisions",
	.label = "行政许可、处罚、强制",
	.import_csv = dec_import,
	.export_csv = dec_export,
	.year_series = dec_series,
};

/* ---- CSV: fees ---- */

enum { F_NAME, F_BASIS, F_STANDARD, F_YEAR, F_AMOUNT, F_NCOLS };

static const struct csv_col fee_cols[F_NCOLS] = {
	[F_NAME] = { "项目名称", true },
	[F_BASIS] = { "依据", true },
	[F_STANDARD] = { "标准", true },
	[F_YEAR] = { "年度", true },
	[F_AMOUNT] = { "收费金额（元）", true },
};

static int fee_row_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
			 const char **msg)
{
	struct import_ctx *x = ctx;
	struct prepared *p = arena_zalloc(a, sizeof(*p));
	struct fee_input in = { .name = v[F_NAME], .basis = v[F_BASIS], .standard = v[F_STANDARD] };
	struct fee_item old;
	struct fee_seen *s;
	bool exists;
	int rc;

	if (!p)
		return ERR_NOMEM;
	x->c.a = a;
	p->what = 2;
	/* an item already stored gets its year added (and its texts updated) */
	rc = store_fee_by_name(x->c.db, a, x->c.org_id, nz(in.name), &old);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	exists = rc == 0;
	if ((rc = fee_check(&x->c, &in, exists ? old.id : 0, &p->f, msg)))
		return rc;
	/* the same item on several rows (one per year): its texts must agree */
	for (s = x->fees; s && strcmp(s->name, p->f.name) != 0; s = s->next)
		;
	if (s) {
		if ((*p->f.basis && *s->basis && strcmp(p->f.basis, s->basis) != 0) ||
		    (*p->f.standard && *s->standard && strcmp(p->f.standard, s->standard) != 0))
			return invalid(msg, "同一收费项目在前面的行中填写了不同的依据或标准。");
	} else {
		if (!(s = arena_zalloc(a, sizeof(*s))))
			return ERR_NOMEM;
		*s = (struct fee_seen){ .name = p->f.name, .basis = p->f.basis, .standard = p->f.standard,
					.next = x->fees };
		x->fees = s;
	}
	if (*v[F_YEAR] || *v[F_AMOUNT]) {
		long long year, amount;

		if ((rc = csv_int(fee_cols[F_YEAR].name, v[F_YEAR], REG_YEAR_MIN, this_year(x->c.today), &year, msg, a)) ||
		    (rc = money_parse(a, fee_cols[F_AMOUNT].name, v[F_AMOUNT], &amount, msg)))
			return rc;
		if (exists && store_fee_amount_get(x->c.db, x->c.org_id, old.id, (int)year, &p->amount_fen) == 0) {
			*msg = arena_printf(a, "“%s”%d年的收费金额已登记（%s元）；如需更改，请在收费项目页面修改。",
					    p->f.name, (int)year, money_yuan_text(a, p->amount_fen));
			return ERR_INVALID;
		}
		p->has_amount = true;
		p->year = (int)year;
		p->amount_fen = amount;
		*key = arena_printf(a, "“%s”%d年的收费金额", p->f.name, (int)year);
	} else {
		*key = arena_printf(a, "收费项目“%s”（未填年度）", p->f.name);
	}
	p->f.created_at = p->f.updated_at = x->c.now;
	*prepared = p;
	return 0;
}

static int fee_row_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	struct import_ctx *x = ctx;
	struct prepared *p = prepared;
	struct fee_item old;
	int rc = store_fee_by_name(db, a, x->c.org_id, p->f.name, &old);

	if (rc == ERR_NOT_FOUND) {
		if ((rc = store_fee_insert(db, &p->f)))
			return rc;
		old = p->f;
	} else if (rc) {
		return rc;
	} else if ((*p->f.basis && strcmp(p->f.basis, old.basis) != 0) ||
		   (*p->f.standard && strcmp(p->f.standard, old.standard) != 0)) {
		old.basis = *p->f.basis ? p->f.basis : old.basis;
		old.standard = *p->f.standard ? p->f.standard : old.standard;
		old.updated_at = x->c.now;
		if ((rc = store_fee_update(db, &old)))
			return rc;
	} else if (p->has_amount && (rc = store_fee_touch(db, x->c.org_id, old.id, old.version, x->c.now))) {
		return rc;
	}
	if (!p->has_amount)
		return 0;
	/* a second row for the same year is refused by the file's keys */
	return store_fee_amount_set(db, x->c.org_id, old.id, p->year, p->amount_fen);
}

static int fee_import(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
		      struct csv_report *rep)
{
	struct import_ctx x = import_ctx_of(c);
	struct csv_register reg = { .name = "行政事业性收费", .cols = fee_cols, .ncols = F_NCOLS,
				    .check = fee_row_check, .store = fee_row_store, .ctx = &x, .progress = c->progress,
				    .progress_arg = c->progress_arg };

	return csv_import(c->db, c->a, &reg, bytes, n, encoding, dry_run, rep);
}

static int fee_export(const struct reg_ctx *c, int year, bool personal, struct buf *out)
{
	struct fee_item *items;
	struct fee_amount *am;
	size_t n, na;
	int rc;

	if ((rc = store_fee_list(c->db, c->a, c->org->id, 0, false, &items, &n)) ||
	    (rc = store_fee_amounts(c->db, c->a, c->org->id, 0, &am, &na)))
		return rc;
	header(out, fee_cols, F_NCOLS);
	for (size_t i = 0; i < n; i++) {
		bool any = false;

		/* amounts come newest year first: oldest first here */
		for (size_t j = na; j-- > 0;) {
			if (am[j].fee_id != items[i].id || (year && am[j].year != year))
				continue;
			const char *v[F_NCOLS] = {
				items[i].name, items[i].basis, items[i].standard, arena_printf(c->a, "%d", am[j].year),
				money_yuan_plain(c->a, am[j].amount_fen),
			};

			csv_write_row(out, v, F_NCOLS);
			any = true;
		}
		if (!any && !year) {
			const char *v[F_NCOLS] = { items[i].name, items[i].basis, items[i].standard, "", "" };

			csv_write_row(out, v, F_NCOLS);
		}
	}
	return out->err;
}

const struct reg_kind reg_fees = {
	.code = "fees",
	.label = "行政事业性收费",
	.import_csv = fee_import,
	.export_csv = fee_export,
	.year_series = NULL,
};

/* ---- CSV: procurements ---- */

enum { P_YEAR, P_PROJECT, P_AMOUNT, P_DAY, P_NCOLS };

static const struct csv_col proc_cols[P_NCOLS] = {
	[P_YEAR] = { "年度", true },
	[P_PROJECT] = { "项目名称", true },
	[P_AMOUNT] = { "金额（元）", true },
	[P_DAY] = { "日期", true },
};

static int proc_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		      const char **msg)
{
	struct import_ctx *x = ctx;
	struct prepared *p = arena_zalloc(a, sizeof(*p));
	struct procurement_input in = { .project = v[P_PROJECT] };
	long long year;
	int rc;

	if (!p)
		return ERR_NOMEM;
	x->c.a = a;
	p->what = 3;
	if ((rc = csv_int(proc_cols[P_YEAR].name, v[P_YEAR], REG_YEAR_MIN, this_year(x->c.today), &year, msg, a)) ||
	    (rc = money_parse(a, proc_cols[P_AMOUNT].name, v[P_AMOUNT], &in.amount_fen, msg)))
		return rc;
	in.year = (int)year;
	if (*v[P_DAY] && (rc = csv_day(a, proc_cols[P_DAY].name, v[P_DAY], &in.day, msg)))
		return rc;
	if ((rc = procurement_check(&x->c, &in, &p->p, msg)))
		return rc;
	p->p.created_at = p->p.updated_at = x->c.now;
	*key = arena_printf(a, "%d年“%s”%s", p->p.year, p->p.project, p->p.day ? p->p.day : "");
	*prepared = p;
	return 0;
}

static int proc_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	return store_procurement_insert(db, &((struct prepared *)prepared)->p);
}

static int proc_import(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
		       struct csv_report *rep)
{
	struct import_ctx x = import_ctx_of(c);
	struct csv_register reg = { .name = "政府集中采购", .cols = proc_cols, .ncols = P_NCOLS,
				    .check = proc_check, .store = proc_store, .ctx = &x, .progress = c->progress,
				    .progress_arg = c->progress_arg };

	return csv_import(c->db, c->a, &reg, bytes, n, encoding, dry_run, rep);
}

static int proc_export(const struct reg_ctx *c, int year, bool personal, struct buf *out)
{
	struct procurement *rows;
	size_t n;
	int rc;

	if ((rc = store_procurement_list(c->db, c->a, c->org->id, year, &rows, &n)))
		return rc;
	header(out, proc_cols, P_NCOLS);
	for (size_t i = 0; i < n; i++) {
		const char *v[P_NCOLS] = {
			arena_printf(c->a, "%d", rows[i].year), rows[i].project, money_yuan_plain(c->a, rows[i].amount_fen),
			rows[i].day ? rows[i].day : "",
		};

		csv_write_row(out, v, P_NCOLS);
	}
	return out->err;
}

const struct reg_kind reg_procurements = {
	.code = "procurements",
	.label = "政府集中采购",
	.import_csv = proc_import,
	.export_csv = proc_export,
	.year_series = NULL,
};
