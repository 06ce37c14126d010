/* h_decisions.c - staff pages of the 第二十条 registers: decisions
 * (行政许可, 行政处罚, 行政强制, 其他对外管理服务事项) with the counts an
 * agency declares for decisions it does not record one by one, fee items
 * (行政事业性收费) with their yearly amounts, and 政府集中采购 projects;
 * each with the year's figures as table 二 of the annual report takes
 * them, and CSV import and export. The rules are in
 * domain/registers/decisions; these handlers only read forms and show
 * records. PERM_READ views (相对人 masked without PERM_CASES), PERM_CASES
 * writes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/registers/csvio.h"
#include "domain/registers/decisions.h"
#include "domain/registers/registers.h"
#include "http/http.h"
#include "http/view.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/decision.h"
#include "store/store.h"
#include "core/banned.h"

#define DECISIONS_PER_PAGE 50

static const char *mask_name(struct req *r, const char *s)
{
	const char *p = s;

	if (!s || !*s)
		return "";
	utf8_next(&p, s + strlen(s));
	return arena_printf(&r->arena, "%.*s*", (int)(p - s), s);
}

static int year_of(long day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return y;
}

static struct reg_write_ctx ctx_of(struct req *r)
{
	char *now = arena_alloc(&r->arena, 21);

	if (now)
		time_format_utc(time(NULL), now);
	return (struct reg_write_ctx){ .db = req_db(r), .a = &r->arena, .org_id = r->org.id, .user_id = r->user.id,
				       .today = date_today_cn(), .now = now ? now : "" };
}

static struct reg_ctx reg_ctx_of(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);

	return (struct reg_ctx){ .db = req_db(r), .a = &r->arena, .org = &r->org, .user_id = r->user.id,
				 .now = c.now, .today = c.today };
}

static const char *url(struct req *r, const char *fmt_tail)
{
	return arena_printf(&r->arena, "/admin/o/%s/%s", r->org.slug, fmt_tail);
}

/* Year options: the years with data, selected cur; "year" set when cur. */
static void years_list(struct tv *ctx, const int *years, size_t n, int cur)
{
	struct tv *l = tv_set_list(ctx, "years");
	bool listed = false;

	for (size_t i = 0; i < n; i++) {
		struct tv *m;

		/* a year chosen without data still shows as chosen, in order */
		if (cur && !listed && cur > years[i]) {
			m = tv_list_push_map(l);
			tv_set_int(m, "value", cur);
			tv_set_bool(m, "selected", true);
			listed = true;
		}
		m = tv_list_push_map(l);
		tv_set_int(m, "value", years[i]);
		tv_set_bool(m, "selected", years[i] == cur);
		listed = listed || years[i] == cur;
	}
	if (cur && !listed) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "value", cur);
		tv_set_bool(m, "selected", true);
	}
	if (cur)
		tv_set_int(ctx, "year", cur);
}

/* An import's messages on a page. */
static void import_report(struct req *r, struct tv *ctx, const struct csv_report *rep)
{
	struct tv *l;

	if (!rep)
		return;
	tv_set_bool(ctx, "has_import_errors", rep->nerrors > 0);
	l = tv_set_list(ctx, "import_errors");
	for (size_t i = 0; i < rep->nerrors && i < CSV_MAX_ERRORS && rep->errors; i++)
		tv_list_push_str(l, rep->errors[i]);
	if (rep->nerrors > CSV_MAX_ERRORS)
		tv_list_push_str(l, arena_printf(&r->arena, "……另有 %zu 行有误。", rep->nerrors - CSV_MAX_ERRORS));
}

/* The page behind an import: its list page with an error or notice. */
typedef int (*list_fn)(struct req *r, int status, const char *error, const char *notice,
		       const struct csv_report *rep);

/* Run an import from the uploaded "file" and show the list page. */
static int import(struct req *r, const struct reg_kind *k, list_fn page, const char *unit)
{
	struct reg_ctx c = reg_ctx_of(r);
	struct upload *u = req_upload(r, "file");
	const char *enc = param_str(r, "encoding");
	bool dry = param_str(r, "dry_run") != NULL;
	struct csv_report rep;
	FILE *f;
	char *p;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (enc && strcmp(enc, "auto") != 0 && strcmp(enc, "utf-8") != 0 && strcmp(enc, "gbk") != 0)
		return page(r, 400, "未知的文件编码。", NULL, NULL);
	if (!u || u->size == 0)
		return page(r, 400, "请选择要导入的 CSV 文件。", NULL, NULL);
	if (u->size > CSV_MAX_BYTES)
		return respond_error(r, 413, "CSV 文件过大（不超过 32 MB）。");
	if (!(p = arena_alloc(&r->arena, (size_t)u->size + 1)))
		return respond_server_error(r, ERR_NOMEM);
	if (!(f = fopen(u->path, "rb")) || fread(p, 1, (size_t)u->size, f) != (size_t)u->size) {
		log_error("import: read %s: %s", u->path, strerror(errno));
		if (f)
			fclose(f);
		return respond_server_error(r, ERR_IO);
	}
	fclose(f);
	rc = k->import_csv(&c, p, (size_t)u->size, enc, dry, &rep);
	if (rc == ERR_INVALID)
		return page(r, 400, "导入失败，未保存任何数据。请改正以下问题后重新导入：", NULL, &rep);
	if (rc)
		return respond_server_error(r, rc);
	if (dry)
		return page(r, 200, NULL,
			    arena_printf(&r->arena, "检查通过：共 %zu 行（%s），可以导入。本次未保存。", rep.rows,
					 rep.encoding ? rep.encoding : "UTF-8"),
			    NULL);
	log_info("%s: %zu rows imported by %s", k->code, rep.stored, r->user.username);
	return page(r, 200, NULL, arena_printf(&r->arena, "已导入 %zu %s。", rep.stored, unit), NULL);
}

static int export(struct req *r, const struct reg_kind *k, bool personal)
{
	struct reg_ctx c = reg_ctx_of(r);
	int year = (int)param_int(r, "year", 0);
	struct buf out;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	buf_init(&out, &r->arena, CSV_MAX_BYTES);
	if ((rc = k->export_csv(&c, year, personal, &out)))
		return respond_server_error(r, rc);
	return respond_download(r, "text/csv; charset=utf-8", out.p ? out.p : "", out.n,
				year ? arena_printf(&r->arena, "%s-%d.csv", k->label, year)
				     : arena_printf(&r->arena, "%s.csv", k->label));
}

static void kind_options(struct tv *ctx, const char *key, const char *cur)
{
	struct tv *l = tv_set_list(ctx, key);
	int k = decision_kind_find(cur);

	for (int i = 0; i < DEC_KINDS; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", decision_kinds[i].code);
		tv_set_str(m, "label", decision_kinds[i].label);
		tv_set_bool(m, "selected", i == k);
	}
}

static const char *kind_label(const char *code)
{
	int k = decision_kind_find(code);

	return k >= 0 ? decision_kinds[k].label : code;
}

/* ==== decisions ==== */

static int decisions_page(struct req *r, int status, const char *error, const char *notice,
			  const struct csv_report *rep)
{
	const char *kind = param_str(r, "kind"), *q = param_str(r, "q");
	long long page = param_int(r, "page", 1), total = 0, rec[DEC_KINDS], dec[DEC_KINDS];
	int year = (int)param_int(r, "year", 0), sum_year;
	struct decision_filter f = { .org_id = r->org.id, .year = year, .q = q, .limit = DECISIONS_PER_PAGE,
				     .offset = (page - 1) * DECISIONS_PER_PAGE };
	bool cases = req_can(r, PERM_CASES);
	struct decision *rows;
	struct decision_count *cnt;
	int *years;
	size_t n, ny, nc;
	struct tv *ctx, *l, *cf;
	struct buf base;
	int rc;

	/* the count form posts kind and year too: they are not filters there */
	if (r->method == M_POST)
		kind = NULL, year = 0, f.year = 0, page = 1, f.offset = 0, q = NULL, f.q = NULL;
	if (kind && decision_kind_find(kind) < 0)
		return respond_error(r, 400, "未知的类别。");
	f.kind = kind ? decision_kinds[decision_kind_find(kind)].code : NULL;
	if ((rc = store_decision_years(req_db(r), &r->arena, r->org.id, &years, &ny)))
		return respond_server_error(r, rc);
	sum_year = year ? year : ny ? years[0] : year_of(date_today_cn());
	if ((rc = decisions_year_breakdown(req_db(r), r->org.id, sum_year, rec, dec)) ||
	    (rc = store_decision_list(req_db(r), &r->arena, &f, &rows, &n, &total)) ||
	    (rc = store_decision_count_list(req_db(r), &r->arena, r->org.id, 0, &cnt, &nc)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "行政许可、处罚、强制");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_bool(ctx, "tab_decisions", true);
	tv_set_int(ctx, "sum_year", sum_year);
	tv_set_int(ctx, "total", total);
	tv_set_str(ctx, "q", q);
	years_list(ctx, years, ny, year);
	kind_options(ctx, "kinds", kind);
	l = tv_set_list(ctx, "summary");
	for (int k = 0; k < DEC_KINDS; k++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "label", decision_kinds[k].label);
		tv_set_str(m, "article", decision_kinds[k].article);
		tv_set_int(m, "recorded", rec[k]);
		tv_set_int(m, "declared", dec[k]);
		tv_set_int(m, "total", rec[k] + dec[k]);
	}
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/decisions/%lld", r->org.slug, rows[i].id));
		tv_set_str(m, "kind", kind_label(rows[i].kind));
		tv_set_str(m, "decided_on", rows[i].decided_on);
		tv_set_str(m, "doc_no", rows[i].doc_no);
		tv_set_str(m, "title", rows[i].title);
		tv_set_str(m, "party", cases ? rows[i].party : mask_name(r, rows[i].party));
	}
	l = tv_set_list(ctx, "counts");
	for (size_t i = 0; i < nc; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "id", cnt[i].id);
		tv_set_int(m, "version", cnt[i].version);
		tv_set_str(m, "kind", kind_label(cnt[i].kind));
		tv_set_int(m, "year", cnt[i].year);
		tv_set_int(m, "n", cnt[i].n);
		tv_set_str(m, "note", cnt[i].note);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/decisions/counts/%lld", r->org.slug, cnt[i].id));
	}
	/* the new count form, kept after a refusal */
	cf = tv_set_map(ctx, "cf");
	kind_options(cf, "kinds", status == 400 && r->method == M_POST ? param_str(r, "kind") : NULL);
	if (status == 400 && r->method == M_POST && !r->id) {
		tv_set_str(cf, "year", param_str(r, "year"));
		tv_set_str(cf, "n", param_str(r, "n"));
		tv_set_str(cf, "note", param_str(r, "note"));
	} else {
		tv_set_int(cf, "year", sum_year);
		tv_set_str(cf, "n", NULL);
		tv_set_str(cf, "note", NULL);
	}
	import_report(r, ctx, rep);
	tv_set_str(ctx, "export_url", year ? url(r, arena_printf(&r->arena, "decisions/export?year=%d", year))
					   : url(r, "decisions/export"));
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "/admin/o/%s/decisions?", r->org.slug);
	if (year)
		buf_printf(&base, "year=%d&", year);
	if (f.kind)
		buf_printf(&base, "kind=%s&", f.kind);
	if (q) {
		buf_puts(&base, "q=");
		url_encode_component(&base, q, strlen(q));
		buf_putc(&base, '&');
	}
	view_pager(r, ctx, page, DECISIONS_PER_PAGE, total, buf_cstr(&base));
	return respond_html(r, status, "admin_decisions", ctx);
}

int h_decisions(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return decisions_page(r, 200, NULL, NULL, NULL);
}

static void decision_from_form(struct req *r, struct decision_input *in)
{
	*in = (struct decision_input){
		.kind = param_str(r, "kind"),
		.decided_on = param_str(r, "decided_on"),
		.doc_no = param_str(r, "doc_no"),
		.title = param_str(r, "title"),
		.party = param_str(r, "party"),
		.note = param_str(r, "note"),
		.version = (int)param_int(r, "version", 0),
	};
}

/* The decision page: d stored (NULL for a new one), the form from in (or d). */
static int decision_page(struct req *r, int status, const struct decision *d, const struct decision_input *in,
			 const char *error, const char *notice)
{
	bool cases = req_can(r, PERM_CASES);
	struct decision_input from;
	struct tv *ctx, *m, *f;

	if (d && !in) {
		from = (struct decision_input){ .kind = d->kind, .decided_on = d->decided_on, .doc_no = d->doc_no,
						.title = d->title, .party = d->party, .note = d->note, .version = d->version };
		in = &from;
	}
	ctx = page_ctx(r, d ? d->title : "登记决定");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_str(ctx, "list_url", url(r, "decisions"));
	if (d) {
		m = tv_set_map(ctx, "decision");
		tv_set_int(m, "id", d->id);
		tv_set_int(m, "version", d->version);
		tv_set_str(m, "kind", kind_label(d->kind));
		tv_set_str(m, "decided_on", d->decided_on);
		tv_set_str(m, "doc_no", d->doc_no);
		tv_set_str(m, "title", d->title);
		tv_set_str(m, "party", cases ? d->party : mask_name(r, d->party));
		tv_set_str(m, "note", d->note);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/decisions/%lld", r->org.slug, d->id));
	}
	if (cases) {
		f = tv_set_map(ctx, "f");
		kind_options(f, "kinds", in ? in->kind : NULL);
		/* every key set (null too): the page's own "title" must not show through */
		tv_set_str(f, "decided_on", in ? in->decided_on : NULL);
		tv_set_str(f, "doc_no", in ? in->doc_no : NULL);
		tv_set_str(f, "title", in ? in->title : NULL);
		tv_set_str(f, "party", in ? in->party : NULL);
		tv_set_str(f, "note", in ? in->note : NULL);
		if (d)
			tv_set_int(f, "version", d->version);
	}
	return respond_html(r, status, "admin_decision", ctx);
}

int h_decision_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return decision_page(r, 200, NULL, NULL, NULL, NULL);
}

int h_decision_create(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct decision_input in;
	struct decision d;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	decision_from_form(r, &in);
	rc = decision_create(&c, &in, &d, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return decision_page(r, rc == ERR_INVALID ? 400 : 409, NULL, &in, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("decision %lld registered by %s", d.id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/decisions/%lld", r->org.slug, d.id));
}

static int decision_get(struct req *r, struct decision *d)
{
	int rc = store_decision_get(req_db(r), &r->arena, r->org.id, r->id, d);

	if (rc == ERR_NOT_FOUND)
		respond_error(r, 404, "没有这条决定。");
	else if (rc)
		respond_server_error(r, rc);
	return rc;
}

int h_decision(struct req *r)
{
	struct decision d;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (decision_get(r, &d))
		return 0;
	return decision_page(r, 200, &d, NULL, NULL, NULL);
}

int h_decision_save(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct decision_input in;
	struct decision old, d;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (decision_get(r, &old))
		return 0;
	decision_from_form(r, &in);
	rc = decision_update(&c, r->id, &in, &d, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这条决定。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return decision_page(r, rc == ERR_INVALID ? 400 : 409, &old, &in, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	if (decision_get(r, &d))
		return 0;
	return decision_page(r, 200, &d, NULL, NULL, "已保存。");
}

int h_decision_delete(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct decision old;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (decision_get(r, &old))
		return 0;
	rc = decision_delete(&c, r->id, (int)param_int(r, "version", 0), &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这条决定。");
	if (rc == ERR_CONFLICT)
		return decision_page(r, 409, &old, NULL, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("decision %lld deleted by %s", old.id, r->user.username);
	return respond_redirect(r, url(r, "decisions"));
}

int h_decision_count_create(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct decision_count dc;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (!param_str(r, "year") || !param_str(r, "n"))
		return decisions_page(r, 400, "请填写年度和件数。", NULL, NULL);
	rc = decision_count_create(&c, param_str(r, "kind"), (int)param_int(r, "year", 0), param_int(r, "n", 0),
				   param_str(r, "note"), &dc, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return decisions_page(r, rc == ERR_INVALID ? 400 : 409, msg, NULL, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("decision count %s %d = %lld declared by %s", dc.kind, dc.year, dc.n, r->user.username);
	return respond_redirect(r, url(r, arena_printf(&r->arena, "decisions?year=%d", dc.year)));
}

int h_decision_count_save(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct decision_count dc;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (!param_str(r, "n"))
		return decisions_page(r, 400, "请填写件数。", NULL, NULL);
	rc = decision_count_update(&c, r->id, (int)param_int(r, "version", 0), param_int(r, "n", 0),
				   param_str(r, "note"), &dc, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这条件数声明。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return decisions_page(r, rc == ERR_INVALID ? 400 : 409, msg, NULL, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("decision count %lld = %lld by %s", dc.id, dc.n, r->user.username);
	return respond_redirect(r, url(r, arena_printf(&r->arena, "decisions?year=%d", dc.year)));
}

int h_decision_count_delete(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	rc = decision_count_delete(&c, r->id, (int)param_int(r, "version", 0), &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这条件数声明。");
	if (rc == ERR_CONFLICT)
		return decisions_page(r, 409, msg, NULL, NULL);
	if (rc)
		return respond_server_error(r, rc);
	return respond_redirect(r, url(r, "decisions"));
}

int h_decisions_export(struct req *r)
{
	return export(r, &reg_decisions, req_can(r, PERM_CASES));
}

int h_decisions_import(struct req *r)
{
	return import(r, &reg_decisions, decisions_page, "行");
}

/* ==== fees ==== */

static int fees_page(struct req *r, int status, const char *error, const char *notice, const struct csv_report *rep)
{
	int year = (int)param_int(r, "year", 0), sum_year;
	long long total = 0, prev_total = 0;
	struct fee_item *items, *cur;
	int *years;
	size_t n, ny, ncur, nprev;
	struct tv *ctx, *l;
	int rc;

	if (r->method == M_POST)
		year = 0;
	if ((rc = store_fee_years(req_db(r), &r->arena, r->org.id, &years, &ny)))
		return respond_server_error(r, rc);
	sum_year = year ? year : ny ? years[0] : year_of(date_today_cn());
	if ((rc = store_fee_list(req_db(r), &r->arena, r->org.id, sum_year, false, &items, &n)) ||
	    (rc = fees_year(req_db(r), &r->arena, r->org.id, sum_year, &cur, &ncur, &total)) ||
	    (rc = fees_year(req_db(r), &r->arena, r->org.id, sum_year - 1, NULL, &nprev, &prev_total)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "行政事业性收费");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", req_can(r, PERM_CASES));
	tv_set_bool(ctx, "tab_fees", true);
	tv_set_int(ctx, "sum_year", sum_year);
	tv_set_int(ctx, "prev_year", sum_year - 1);
	tv_set_int(ctx, "items_in_force", (long long)ncur);
	tv_set_int(ctx, "items_prev", (long long)nprev);
	tv_set_str(ctx, "items_change", arena_printf(&r->arena, "%+lld", (long long)ncur - (long long)nprev));
	tv_set_str(ctx, "total_yuan", money_yuan_text(&r->arena, total));
	tv_set_str(ctx, "total_wan", money_wan_text(&r->arena, total));
	years_list(ctx, years, ny, year ? year : sum_year);
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/fees/%lld", r->org.slug, items[i].id));
		tv_set_str(m, "name", items[i].name);
		tv_set_str(m, "basis", items[i].basis);
		tv_set_str(m, "standard", items[i].standard);
		if (items[i].has_amount)
			tv_set_str(m, "amount", money_yuan_text(&r->arena, items[i].amount_fen));
	}
	import_report(r, ctx, rep);
	tv_set_str(ctx, "export_url", url(r, "fees/export"));
	return respond_html(r, status, "admin_fees", ctx);
}

int h_fees(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return fees_page(r, 200, NULL, NULL, NULL);
}

/* The fee item page: f stored (NULL for a new one), the form from in. */
static int fee_page(struct req *r, int status, const struct fee_item *f, const struct fee_input *in,
		    const char *error, const char *notice)
{
	bool cases = req_can(r, PERM_CASES);
	struct fee_amount *am = NULL;
	size_t na = 0;
	struct tv *ctx, *m, *fm, *l;
	int rc;

	if (f && (rc = store_fee_amounts(req_db(r), &r->arena, r->org.id, f->id, &am, &na)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, f ? f->name : "新增收费项目");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_str(ctx, "list_url", url(r, "fees"));
	if (f) {
		m = tv_set_map(ctx, "fee");
		tv_set_int(m, "id", f->id);
		tv_set_int(m, "version", f->version);
		tv_set_str(m, "name", f->name);
		tv_set_str(m, "basis", f->basis);
		tv_set_str(m, "standard", f->standard);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/fees/%lld", r->org.slug, f->id));
		l = tv_set_list(m, "amounts");
		for (size_t i = 0; i < na; i++) {
			struct tv *a = tv_list_push_map(l);

			tv_set_int(a, "year", am[i].year);
			tv_set_str(a, "amount", money_yuan_text(&r->arena, am[i].amount_fen));
			tv_set_str(a, "wan", money_wan_text(&r->arena, am[i].amount_fen));
		}
		/* the amount form, kept after a refusal */
		tv_set_str(m, "a_year", status != 200 && r->method == M_POST ? param_str(r, "year") : NULL);
		tv_set_str(m, "a_amount", status != 200 && r->method == M_POST ? param_str(r, "amount") : NULL);
	}
	if (cases) {
		fm = tv_set_map(ctx, "f");
		tv_set_str(fm, "name", in ? in->name : f ? f->name : NULL);
		tv_set_str(fm, "basis", in ? in->basis : f ? f->basis : NULL);
		tv_set_str(fm, "standard", in ? in->standard : f ? f->standard : NULL);
		if (f)
			tv_set_int(fm, "version", f->version);
	}
	return respond_html(r, status, "admin_fee", ctx);
}

static void fee_from_form(struct req *r, struct fee_input *in)
{
	*in = (struct fee_input){ .name = param_str(r, "name"), .basis = param_str(r, "basis"),
				  .standard = param_str(r, "standard"), .version = (int)param_int(r, "version", 0) };
}

static int fee_get(struct req *r, struct fee_item *f)
{
	int rc = store_fee_get(req_db(r), &r->arena, r->org.id, r->id, f);

	if (rc == ERR_NOT_FOUND)
		respond_error(r, 404, "没有这个收费项目。");
	else if (rc)
		respond_server_error(r, rc);
	return rc;
}

int h_fee_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return fee_page(r, 200, NULL, NULL, NULL, NULL);
}

int h_fee_create(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct fee_input in;
	struct fee_item f;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	fee_from_form(r, &in);
	rc = fee_create(&c, &in, &f, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return fee_page(r, rc == ERR_INVALID ? 400 : 409, NULL, &in, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("fee item %lld created by %s", f.id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/fees/%lld", r->org.slug, f.id));
}

int h_fee(struct req *r)
{
	struct fee_item f;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (fee_get(r, &f))
		return 0;
	return fee_page(r, 200, &f, NULL, NULL, NULL);
}

int h_fee_save(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct fee_input in;
	struct fee_item old, f;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (fee_get(r, &old))
		return 0;
	fee_from_form(r, &in);
	rc = fee_update(&c, r->id, &in, &f, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个收费项目。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return fee_page(r, rc == ERR_INVALID ? 400 : 409, &old, &in, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	if (fee_get(r, &f))
		return 0;
	return fee_page(r, 200, &f, NULL, NULL, "已保存。");
}

int h_fee_delete(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct fee_item old;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (fee_get(r, &old))
		return 0;
	rc = fee_delete(&c, r->id, (int)param_int(r, "version", 0), &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个收费项目。");
	if (rc == ERR_CONFLICT)
		return fee_page(r, 409, &old, NULL, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("fee item %lld deleted by %s", old.id, r->user.username);
	return respond_redirect(r, url(r, "fees"));
}

static int amount_action(struct req *r, bool set)
{
	struct reg_write_ctx c = ctx_of(r);
	struct fee_item old;
	const char *msg = NULL, *amount = param_str(r, "amount");
	long long fen = 0;
	int year = (int)param_int(r, "year", 0), rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (fee_get(r, &old))
		return 0;
	if (!year)
		return fee_page(r, 400, &old, NULL, "请填写年度。", NULL);
	if (set && (rc = money_parse(&r->arena, "收费金额（元）", amount ? amount : "", &fen, &msg)))
		return rc == ERR_INVALID ? fee_page(r, 400, &old, NULL, msg, NULL) : respond_server_error(r, rc);
	rc = set ? fee_amount_set(&c, r->id, (int)param_int(r, "version", 0), year, fen, &msg)
		 : fee_amount_delete(&c, r->id, (int)param_int(r, "version", 0), year, &msg);
	if (rc == ERR_NOT_FOUND && !set)
		return fee_page(r, 400, &old, NULL, msg, NULL);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个收费项目。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return fee_page(r, rc == ERR_INVALID ? 400 : 409, &old, NULL, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("fee item %lld: %d amount %s by %s", old.id, year, set ? "set" : "deleted", r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/fees/%lld", r->org.slug, old.id));
}

int h_fee_amount_set(struct req *r)
{
	return amount_action(r, true);
}

int h_fee_amount_delete(struct req *r)
{
	return amount_action(r, false);
}

int h_fees_export(struct req *r)
{
	return export(r, &reg_fees, true);
}

int h_fees_import(struct req *r)
{
	return import(r, &reg_fees, fees_page, "行");
}

/* ==== 政府集中采购 ==== */

static int procurements_page(struct req *r, int status, const char *error, const char *notice,
			     const struct csv_report *rep)
{
	int year = (int)param_int(r, "year", 0), sum_year;
	long long count = 0, total = 0;
	struct procurement *rows;
	int *years;
	size_t n, ny;
	struct tv *ctx, *l;
	int rc;

	if (r->method == M_POST)
		year = 0;
	if ((rc = store_procurement_years(req_db(r), &r->arena, r->org.id, &years, &ny)))
		return respond_server_error(r, rc);
	sum_year = year ? year : ny ? years[0] : year_of(date_today_cn());
	if ((rc = procurements_year(req_db(r), r->org.id, sum_year, &count, &total)) ||
	    (rc = store_procurement_list(req_db(r), &r->arena, r->org.id, year, &rows, &n)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "政府集中采购");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", req_can(r, PERM_CASES));
	tv_set_bool(ctx, "tab_procurements", true);
	tv_set_int(ctx, "sum_year", sum_year);
	tv_set_int(ctx, "count", count);
	tv_set_str(ctx, "total_yuan", money_yuan_text(&r->arena, total));
	years_list(ctx, years, ny, year);
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/procurements/%lld", r->org.slug, rows[i].id));
		tv_set_int(m, "year", rows[i].year);
		tv_set_str(m, "project", rows[i].project);
		tv_set_str(m, "amount", money_yuan_text(&r->arena, rows[i].amount_fen));
		tv_set_str(m, "day", rows[i].day);
	}
	import_report(r, ctx, rep);
	tv_set_str(ctx, "export_url", year ? url(r, arena_printf(&r->arena, "procurements/export?year=%d", year))
					   : url(r, "procurements/export"));
	return respond_html(r, status, "admin_procurements", ctx);
}

int h_procurements(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return procurements_page(r, 200, NULL, NULL, NULL);
}

/* The procurement page: p stored (NULL for a new one); after a refusal the
 * form shows what was sent. */
static int procurement_page(struct req *r, int status, const struct procurement *p, const char *error,
			    const char *notice)
{
	bool cases = req_can(r, PERM_CASES), sent = status != 200 && r->method == M_POST;
	struct tv *ctx, *m, *f;

	ctx = page_ctx(r, p ? p->project : "登记采购项目");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_str(ctx, "list_url", url(r, "procurements"));
	if (p) {
		m = tv_set_map(ctx, "proc");
		tv_set_int(m, "id", p->id);
		tv_set_int(m, "version", p->version);
		tv_set_int(m, "year", p->year);
		tv_set_str(m, "project", p->project);
		tv_set_str(m, "amount", money_yuan_text(&r->arena, p->amount_fen));
		tv_set_str(m, "day", p->day);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/procurements/%lld", r->org.slug, p->id));
	}
	if (cases) {
		f = tv_set_map(ctx, "f");
		if (sent) {
			tv_set_str(f, "year", param_str(r, "year"));
			tv_set_str(f, "project", param_str(r, "project"));
			tv_set_str(f, "amount", param_str(r, "amount"));
			tv_set_str(f, "day", param_str(r, "day"));
		} else if (p) {
			tv_set_int(f, "year", p->year);
			tv_set_str(f, "project", p->project);
			tv_set_str(f, "amount", money_yuan_plain(&r->arena, p->amount_fen));
			tv_set_str(f, "day", p->day);
		} else {
			tv_set_int(f, "year", year_of(date_today_cn()));
			tv_set_str(f, "project", NULL);
			tv_set_str(f, "amount", NULL);
			tv_set_str(f, "day", NULL);
		}
		if (p)
			tv_set_int(f, "version", p->version);
	}
	return respond_html(r, status, "admin_procurement", ctx);
}

/* The form as input; a 400 page (and ERR_INVALID) for a bad amount. */
static int procurement_from_form(struct req *r, const struct procurement *p, struct procurement_input *in)
{
	const char *amount = param_str(r, "amount"), *msg = NULL;
	int rc;

	*in = (struct procurement_input){ .year = (int)param_int(r, "year", 0), .project = param_str(r, "project"),
					  .day = param_str(r, "day"), .version = (int)param_int(r, "version", 0) };
	if ((rc = money_parse(&r->arena, "金额（元）", amount ? amount : "", &in->amount_fen, &msg))) {
		if (rc == ERR_INVALID)
			procurement_page(r, 400, p, msg, NULL);
		else
			respond_server_error(r, rc);
	}
	return rc;
}

static int procurement_get(struct req *r, struct procurement *p)
{
	int rc = store_procurement_get(req_db(r), &r->arena, r->org.id, r->id, p);

	if (rc == ERR_NOT_FOUND)
		respond_error(r, 404, "没有这个采购项目。");
	else if (rc)
		respond_server_error(r, rc);
	return rc;
}

int h_procurement_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return procurement_page(r, 200, NULL, NULL, NULL);
}

int h_procurement_create(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct procurement_input in;
	struct procurement p;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (procurement_from_form(r, NULL, &in))
		return 0;
	rc = procurement_create(&c, &in, &p, &msg);
	if (rc == ERR_INVALID)
		return procurement_page(r, 400, NULL, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("procurement %lld created by %s", p.id, r->user.username);
	return respond_redirect(r, url(r, arena_printf(&r->arena, "procurements?year=%d", p.year)));
}

int h_procurement(struct req *r)
{
	struct procurement p;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (procurement_get(r, &p))
		return 0;
	return procurement_page(r, 200, &p, NULL, NULL);
}

int h_procurement_save(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct procurement_input in;
	struct procurement old, p;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (procurement_get(r, &old))
		return 0;
	if (procurement_from_form(r, &old, &in))
		return 0;
	rc = procurement_update(&c, r->id, &in, &p, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个采购项目。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return procurement_page(r, rc == ERR_INVALID ? 400 : 409, &old, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	if (procurement_get(r, &p))
		return 0;
	return procurement_page(r, 200, &p, NULL, "已保存。");
}

int h_procurement_delete(struct req *r)
{
	struct reg_write_ctx c = ctx_of(r);
	struct procurement old;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (procurement_get(r, &old))
		return 0;
	rc = procurement_delete(&c, r->id, (int)param_int(r, "version", 0), &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个采购项目。");
	if (rc == ERR_CONFLICT)
		return procurement_page(r, 409, &old, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("procurement %lld deleted by %s", old.id, r->user.username);
	return respond_redirect(r, url(r, arena_printf(&r->arena, "procurements?year=%d", old.year)));
}

int h_procurements_export(struct req *r)
{
	return export(r, &reg_procurements, true);
}

int h_procurements_import(struct req *r)
{
	return import(r, &reg_procurements, procurements_page, "个采购项目");
}
