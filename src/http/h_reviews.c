/* h_reviews.c - staff pages of 复议诉讼 (administrative reviews and
 * lawsuits about disclosure): the list with table 四 of a year, the case
 * page with its edit, result and delete forms, registration, and CSV
 * import and export. The rules are in domain/registers/reviews; these
 * handlers only read forms and show records. PERM_READ views (the
 * applicant's or plaintiff's name masked without PERM_CASES), PERM_CASES
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
#include "domain/registers/registers.h"
#include "domain/registers/reviews.h"
#include "http/http.h"
#include "http/view.h"
#include "render/tmpl.h"
#include "store/review.h"
#include "store/store.h"
#include "core/banned.h"

#define REVIEWS_PER_PAGE 30

/* The first character and "*": names for staff without PERM_CASES. */
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

static struct review_ctx ctx_of(struct req *r)
{
	char *now = arena_alloc(&r->arena, 21);

	if (now)
		time_format_utc(time(NULL), now);
	return (struct review_ctx){ .db = req_db(r), .a = &r->arena, .org_id = r->org.id, .user_id = r->user.id,
				    .today = date_today_cn(), .now = now ? now : "" };
}

static const char *reviews_url(struct req *r)
{
	return arena_printf(&r->arena, "/admin/o/%s/reviews", r->org.slug);
}

/* ---- the list ---- */

/* The kind and result selects of the form (or filter) with cur selected. */
static void kind_options(struct tv *ctx, const char *key, const char *cur)
{
	struct tv *l = tv_set_list(ctx, key);
	int k = review_kind_find(cur);

	for (int i = 0; i < REVIEW_KINDS; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", review_kinds[i].code);
		tv_set_str(m, "label", review_kinds[i].label);
		tv_set_bool(m, "selected", i == k);
	}
}

static void result_options(struct tv *ctx, const char *key, const char *cur)
{
	struct tv *l = tv_set_list(ctx, key);
	int k = review_result_find(cur);

	for (int i = 0; i < RESULT_COLS; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", review_results[i].code ? review_results[i].code : "");
		tv_set_str(m, "label", review_results[i].label);
		tv_set_bool(m, "selected", i == k);
	}
}

/* The list page; report (may be NULL) is an import's outcome. */
static int list_page(struct req *r, int status, const char *error, const char *notice, const struct csv_report *rep)
{
	const char *kind = param_str(r, "kind");
	long long page = param_int(r, "page", 1), total = 0, t4[REVIEWS_TABLE4_COLS];
	int year = (int)param_int(r, "year", 0), sum_year;
	struct review_filter f = { .org_id = r->org.id, .year = year, .limit = REVIEWS_PER_PAGE,
				   .offset = (page - 1) * REVIEWS_PER_PAGE };
	bool cases = req_can(r, PERM_CASES);
	struct review *rows;
	int *years;
	size_t n, ny;
	struct tv *ctx, *l, *t;
	struct buf base;
	int rc;

	if (kind && review_kind_find(kind) < 0)
		return respond_error(r, 400, "未知的案件类型。");
	f.kind = kind ? review_kinds[review_kind_find(kind)].code : NULL;
	if ((rc = store_review_years(req_db(r), &r->arena, r->org.id, &years, &ny)))
		return respond_server_error(r, rc);
	sum_year = year ? year : ny ? years[0] : year_of(date_today_cn());
	if ((rc = reviews_table4(req_db(r), r->org.id, sum_year, t4)) ||
	    (rc = store_review_list(req_db(r), &r->arena, &f, &rows, &n, &total)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "复议诉讼");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_int(ctx, "sum_year", sum_year);
	tv_set_int(ctx, "total", total);
	if (year)
		tv_set_int(ctx, "year", year);
	t = tv_set_list(ctx, "t4");
	for (int i = 0; i < REVIEWS_TABLE4_COLS; i++)
		tv_list_push_int(t, t4[i]);
	l = tv_set_list(ctx, "years");
	for (size_t i = 0, listed = 0; i <= ny; i++) {
		struct tv *m;

		/* a year chosen without cases still shows as chosen, in order */
		if (year && !listed && (i == ny || year >= years[i])) {
			m = tv_list_push_map(l);
			tv_set_int(m, "value", year);
			tv_set_bool(m, "selected", true);
			listed = 1;
			if (i < ny && years[i] == year)
				continue;
		}
		if (i == ny)
			break;
		m = tv_list_push_map(l);
		tv_set_int(m, "value", years[i]);
		tv_set_bool(m, "selected", false);
	}
	kind_options(ctx, "kinds", kind);
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		const struct review *v = &rows[i];
		struct tv *m = tv_list_push_map(l);
		int k = review_kind_find(v->kind), res = review_result_of(v);

		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/reviews/%lld", r->org.slug, v->id));
		tv_set_str(m, "kind", k >= 0 ? review_kinds[k].label : v->kind);
		tv_set_str(m, "case_no", v->case_no);
		tv_set_str(m, "filed_on", v->filed_on);
		tv_set_str(m, "body", v->body);
		tv_set_str(m, "party", cases ? v->party : mask_name(r, v->party));
		tv_set_str(m, "result", review_results[res].label);
		tv_set_bool(m, "pending", res == RESULT_PENDING);
		tv_set_str(m, "decided_on", v->decided_on);
		if (v->application_id) {
			tv_set_str(m, "app_serial", v->app_serial);
			tv_set_str(m, "app_url", arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug,
							      v->application_id));
		}
	}
	if (rep) {
		tv_set_bool(ctx, "has_import_errors", rep->nerrors > 0);
		l = tv_set_list(ctx, "import_errors");
		for (size_t i = 0; i < rep->nerrors && i < CSV_MAX_ERRORS && rep->errors; i++)
			tv_list_push_str(l, rep->errors[i]);
		if (rep->nerrors > CSV_MAX_ERRORS)
			tv_list_push_str(l, arena_printf(&r->arena, "……另有 %zu 行有误。", rep->nerrors - CSV_MAX_ERRORS));
	}
	tv_set_str(ctx, "export_url", arena_printf(&r->arena, "/admin/o/%s/reviews/export%s", r->org.slug,
						   year ? arena_printf(&r->arena, "?year=%d", year) : ""));
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "/admin/o/%s/reviews?", r->org.slug);
	if (year)
		buf_printf(&base, "year=%d&", year);
	if (f.kind)
		buf_printf(&base, "kind=%s&", f.kind);
	view_pager(r, ctx, page, REVIEWS_PER_PAGE, total, buf_cstr(&base));
	return respond_html(r, status, "admin_reviews", ctx);
}

int h_reviews(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return list_page(r, 200, NULL, NULL, NULL);
}

/* ---- the case page and the form ---- */

static void input_from_form(struct req *r, struct review_input *in)
{
	*in = (struct review_input){
		.kind = param_str(r, "kind"),
		.case_no = param_str(r, "case_no"),
		.filed_on = param_str(r, "filed_on"),
		.body = param_str(r, "body"),
		.party = param_str(r, "party"),
		.matter = param_str(r, "matter"),
		.app_serial = param_str(r, "app_serial"),
		.result = param_str(r, "result"),
		.decided_on = param_str(r, "decided_on"),
		.note = param_str(r, "note"),
		.version = (int)param_int(r, "version", 0),
	};
}

static void input_from_review(const struct review *v, struct review_input *in)
{
	*in = (struct review_input){
		.kind = v->kind, .case_no = v->case_no, .filed_on = v->filed_on, .body = v->body, .party = v->party,
		.matter = v->matter, .app_serial = v->app_serial, .result = v->result, .decided_on = v->decided_on,
		.note = v->note, .version = v->version,
	};
}

static void field(struct tv *list, const char *label, const char *value)
{
	struct tv *m;

	if (!value || !*value)
		return;
	m = tv_list_push_map(list);
	tv_set_str(m, "label", label);
	tv_set_str(m, "value", value);
}

/* The case page (v stored, NULL for a new case) with the form filled from
 * in (the clerk's input, or v). */
static int case_page(struct req *r, int status, const struct review *v, const struct review_input *in,
		     const char *error, const char *notice)
{
	bool cases = req_can(r, PERM_CASES);
	struct review_input from;
	struct tv *ctx, *m, *f, *l;

	if (v && !in) {
		input_from_review(v, &from);
		in = &from;
	}
	ctx = page_ctx(r, v ? arena_printf(&r->arena, "复议诉讼案件 %s", *v->case_no ? v->case_no : v->filed_on)
			    : "登记复议诉讼案件");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_str(ctx, "list_url", reviews_url(r));
	if (v) {
		int k = review_kind_find(v->kind), res = review_result_of(v);

		m = tv_set_map(ctx, "review");
		tv_set_int(m, "id", v->id);
		tv_set_int(m, "version", v->version);
		tv_set_str(m, "kind", k >= 0 ? review_kinds[k].label : v->kind);
		tv_set_str(m, "heading", *v->case_no ? v->case_no : arena_printf(&r->arena, "%s %s",
										  k >= 0 ? review_kinds[k].label : "", v->filed_on));
		tv_set_str(m, "result", review_results[res].label);
		tv_set_bool(m, "pending", res == RESULT_PENDING);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/reviews/%lld", r->org.slug, v->id));
		l = tv_set_list(m, "fields");
		field(l, "类型", k >= 0 ? review_kinds[k].label : v->kind);
		field(l, "案号", v->case_no);
		field(l, k == REVIEW_ADMIN ? "申请复议日期" : "立案日期", v->filed_on);
		field(l, k >= 0 ? review_kinds[k].body_label : "复议机关或法院", v->body);
		field(l, k == REVIEW_ADMIN ? "申请人" : "原告", cases ? v->party : mask_name(r, v->party));
		field(l, "事由", v->matter);
		field(l, "结果", review_results[res].label);
		field(l, "结果日期", v->decided_on);
		field(l, "备注", v->note);
		if (v->application_id) {
			tv_set_str(m, "app_serial", v->app_serial);
			tv_set_str(m, "app_url", arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug,
							      v->application_id));
		}
		/* the decide form: the stored result, or what the clerk sent */
		result_options(m, "decide_results", status != 200 && param_str(r, "result") ? param_str(r, "result")
											     : v->result);
		tv_set_str(m, "decide_on", status != 200 && param_str(r, "decided_on") ? param_str(r, "decided_on")
											: v->decided_on);
	}
	if (cases && in) {
		f = tv_set_map(ctx, "f");
		tv_set_str(f, "case_no", in->case_no);
		tv_set_str(f, "filed_on", in->filed_on);
		tv_set_str(f, "body", in->body);
		tv_set_str(f, "party", in->party);
		tv_set_str(f, "matter", in->matter);
		tv_set_str(f, "app_serial", in->app_serial);
		tv_set_str(f, "decided_on", in->decided_on);
		tv_set_str(f, "note", in->note);
		tv_set_int(f, "version", v ? v->version : 0);
		kind_options(f, "kinds", in->kind);
		result_options(f, "results", in->result);
	} else if (cases) {
		static const char *const keys[] = { "case_no", "filed_on", "body", "party", "matter", "app_serial",
						    "decided_on", "note" };

		f = tv_set_map(ctx, "f");
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			tv_set_str(f, keys[i], NULL);
		kind_options(f, "kinds", NULL);
		result_options(f, "results", NULL);
	}
	return respond_html(r, status, "admin_review", ctx);
}

int h_review_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return case_page(r, 200, NULL, NULL, NULL, NULL);
}

int h_review_create(struct req *r)
{
	struct review_ctx c = ctx_of(r);
	struct review_input in;
	struct review v;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	input_from_form(r, &in);
	rc = review_create(&c, &in, &v, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return case_page(r, rc == ERR_INVALID ? 400 : 409, NULL, &in, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("review %lld registered by %s", v.id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/reviews/%lld", r->org.slug, v.id));
}

/* The stored case r->id of the org, or a 404 (or 500) response. */
static int get_or_respond(struct req *r, struct review *v)
{
	int rc = store_review_get(req_db(r), &r->arena, r->org.id, r->id, v);

	if (rc == ERR_NOT_FOUND)
		respond_error(r, 404, "没有这件复议诉讼案件。");
	else if (rc)
		respond_server_error(r, rc);
	return rc;
}

int h_review(struct req *r)
{
	struct review v;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (get_or_respond(r, &v))
		return 0;
	return case_page(r, 200, &v, NULL, NULL, NULL);
}

int h_review_save(struct req *r)
{
	struct review_ctx c = ctx_of(r);
	struct review_input in;
	struct review old, v;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (get_or_respond(r, &old))
		return 0;
	input_from_form(r, &in);
	rc = review_update(&c, r->id, &in, &v, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件复议诉讼案件。");
	if (rc == ERR_INVALID)
		return case_page(r, 400, &old, &in, msg, NULL);
	if (rc == ERR_CONFLICT)
		return case_page(r, 409, &old, &in, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("review %lld saved by %s", v.id, r->user.username);
	if ((rc = get_or_respond(r, &v)))
		return 0;
	return case_page(r, 200, &v, NULL, NULL, "已保存。");
}

int h_review_decide(struct req *r)
{
	struct review_ctx c = ctx_of(r);
	struct review old, v;
	const char *msg = NULL, *result = param_str(r, "result");
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (get_or_respond(r, &old))
		return 0;
	rc = review_decide(&c, r->id, (int)param_int(r, "version", 0), result ? result : "",
			   param_str(r, "decided_on"), &v, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件复议诉讼案件。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return case_page(r, rc == ERR_INVALID ? 400 : 409, &old, NULL, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("review %lld: result %s by %s", v.id, v.result ? v.result : "pending", r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/reviews/%lld", r->org.slug, v.id));
}

int h_review_delete(struct req *r)
{
	struct review_ctx c = ctx_of(r);
	struct review old;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (get_or_respond(r, &old))
		return 0;
	rc = review_delete(&c, r->id, (int)param_int(r, "version", 0), &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件复议诉讼案件。");
	if (rc == ERR_CONFLICT)
		return case_page(r, 409, &old, NULL, msg, NULL);
	if (rc)
		return respond_server_error(r, rc);
	log_info("review %lld deleted by %s", old.id, r->user.username);
	return respond_redirect(r, reviews_url(r));
}

/* ---- CSV ---- */

static struct reg_ctx reg_ctx_of(struct req *r)
{
	struct review_ctx c = ctx_of(r);

	return (struct reg_ctx){ .db = req_db(r), .a = &r->arena, .org = &r->org, .user_id = r->user.id,
				 .now = c.now, .today = c.today };
}

int h_reviews_export(struct req *r)
{
	struct reg_ctx c = reg_ctx_of(r);
	int year = (int)param_int(r, "year", 0);
	struct buf out;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	buf_init(&out, &r->arena, CSV_MAX_BYTES);
	/* the applicant's or plaintiff's name only for those who may see it */
	if ((rc = reg_reviews.export_csv(&c, year, req_can(r, PERM_CASES), &out)))
		return respond_server_error(r, rc);
	return respond_download(r, "text/csv; charset=utf-8", out.p ? out.p : "", out.n,
				year ? arena_printf(&r->arena, "复议诉讼-%d.csv", year) : "复议诉讼.csv");
}

/* The uploaded file "file" into memory; a response on failure. */
static int read_upload(struct req *r, const char **bytes, size_t *n)
{
	struct upload *u = req_upload(r, "file");
	FILE *f;
	char *p;

	if (!u || u->size == 0) {
		list_page(r, 400, "请选择要导入的 CSV 文件。", NULL, NULL);
		return ERR_INVALID;
	}
	if (u->size > CSV_MAX_BYTES) {
		respond_error(r, 413, "CSV 文件过大（不超过 32 MB）。");
		return ERR_TOO_LARGE;
	}
	if (!(p = arena_alloc(&r->arena, (size_t)u->size + 1))) {
		respond_server_error(r, ERR_NOMEM);
		return ERR_NOMEM;
	}
	if (!(f = fopen(u->path, "rb")) || fread(p, 1, (size_t)u->size, f) != (size_t)u->size) {
		log_error("import: read %s: %s", u->path, strerror(errno));
		if (f)
			fclose(f);
		respond_server_error(r, ERR_IO);
		return ERR_IO;
	}
	fclose(f);
	p[u->size] = '\0';
	*bytes = p;
	*n = (size_t)u->size;
	return 0;
}

int h_reviews_import(struct req *r)
{
	struct reg_ctx c = reg_ctx_of(r);
	const char *enc = param_str(r, "encoding"), *bytes;
	bool dry = param_str(r, "dry_run") != NULL;
	struct csv_report rep;
	size_t n;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (enc && strcmp(enc, "auto") != 0 && strcmp(enc, "utf-8") != 0 && strcmp(enc, "gbk") != 0)
		return list_page(r, 400, "未知的文件编码。", NULL, NULL);
	if (read_upload(r, &bytes, &n))
		return 0;
	rc = reg_reviews.import_csv(&c, bytes, n, enc, dry, &rep);
	if (rc == ERR_INVALID)
		return list_page(r, 400, "导入失败，未保存任何数据。请改正以下问题后重新导入：", NULL, &rep);
	if (rc)
		return respond_server_error(r, rc);
	if (dry)
		return list_page(r, 200, NULL,
				 arena_printf(&r->arena, "检查通过：共 %zu 行（%s），可以导入。本次未保存。", rep.rows,
					      rep.encoding ? rep.encoding : "UTF-8"),
				 NULL);
	log_info("reviews: %zu rows imported by %s", rep.stored, r->user.username);
	return list_page(r, 200, NULL, arena_printf(&r->arena, "已导入 %zu 件案件。", rep.stored), NULL);
}
