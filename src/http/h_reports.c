/* h_reports.c - the annual report on the web (政府信息公开工作年度报告):
 * the years of an agency and their reports; the report page where staff
 * write sections 一 五 六, insert the ready sentences the records support
 * (a 插入 button per fact appends its token 【事实：KEY】 to the section and
 * shows the editor again, without JavaScript), enter the 2019 format's
 * table 二 cells, save versions and see the check; the preview of any
 * version; downloads in every format; publication into the catalog (check
 * errors block it unless a reason is given); and the platform view of the
 * child agencies' reports of a year. The rules are in
 * domain/report/publish; these handlers read forms and show records.
 * PERM_READ views, PERM_EDIT writes, PERM_PUBLISH publishes. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/catalog/catalog.h"
#include "domain/report/publish.h"
#include "domain/report/report.h"
#include "http/http.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/report_store.h"
#include "store/store.h"
#include "http/static_site.h"
#include "core/banned.h"

#define RENDER_MAX (64 * 1024 * 1024)

static const char *const item_row_labels[REPORT_ITEM_ROWS] = { "行政许可", "其他对外管理服务事项", "行政处罚",
								"行政强制" };

static void rctx(struct req *r, struct rpub_ctx *c, char now[21])
{
	time_format_utc(time(NULL), now);
	*c = (struct rpub_ctx){ .db = req_db(r), .a = &r->arena, .org = &r->org, .user_id = r->user.id, .now = now,
				.today = date_today_cn(), .files_dir = r->app->files_dir };
}

static const char *format_label(int format)
{
	return format == REPORT_FMT_2019 ? "国办公开办函〔2019〕60号格式（试行）" : "国办公开办函〔2021〕30号格式";
}

static const char *report_url(struct req *r, int year, const char *tail)
{
	return arena_printf(&r->arena, "/admin/o/%s/reports/%d%s", r->org.slug, year, tail ? tail : "");
}

/* "YYYY-MM-DDTHH:MM:SSZ" as China time "YYYY-MM-DD HH:MM" (the input when it does not parse). */
static const char *cn_time(struct req *r, const char *iso)
{
	struct tm tm = { 0 };
	char when[17];

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			   &tm.tm_min, &tm.tm_sec) != 6)
		return iso;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_format_cn(timegm(&tm), when);
	return arena_strdup(&r->arena, when);
}

/* A report's status, publication and link into map m. */
static void set_status(struct req *r, struct tv *m, const struct report_rec *rep)
{
	bool published = rep->id && strcmp(rep->status, "published") == 0;

	tv_set_bool(m, "has_report", rep->id != 0);
	tv_set_bool(m, "published", published);
	tv_set_str(m, "status_label", !rep->id ? "未编制" : published ? "已发布" : "草稿");
	tv_set_str(m, "status_class", !rep->id ? "status-none" : published ? "status-published" : "status-pending");
	tv_set_int(m, "version", rep->version);
	tv_set_int(m, "published_version", rep->published_version);
	tv_set_str(m, "first_published_on", rep->first_published_on);
	tv_set_bool(m, "draft_newer", published && rep->version > rep->published_version);
	tv_set_str(m, "published_at", cn_time(r, rep->published_at));
	tv_set_str(m, "published_by", rep->published_by_name);
	tv_set_str(m, "override_reason", rep->override_reason);
	if (rep->item_id)
		tv_set_str(m, "item_url", arena_printf(&r->arena, "/o/%s/items/%lld", r->org.slug, rep->item_id));
}

/* ---- the years ---- */

static int reports_page(struct req *r, int status, const char *error)
{
	struct tv *ctx = page_ctx(r, "年度报告"), *list, *years;
	struct report_rec *reps;
	size_t n;
	long today = date_today_cn();
	int last = rpub_last_year(today), rc;
	bool any_new = false;

	if ((rc = store_rpt_list(req_db(r), &r->arena, r->org.id, &reps, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_bool(ctx, "can_edit", req_can(r, PERM_EDIT));
	list = tv_set_list(ctx, "years");
	years = tv_set_list(ctx, "new_years");
	for (int y = last; y >= REPORT_FIRST_YEAR; y--) {
		struct tv *m = tv_list_push_map(list);
		struct report_rec none = { 0 }, *rep = &none;
		long due = rpub_deadline(y);
		char dues[11];

		for (size_t i = 0; i < n; i++)
			if (reps[i].year == y)
				rep = &reps[i];
		tv_set_int(m, "year", y);
		tv_set_str(m, "format", format_label(report_format_of(y)));
		date_format(due, dues);
		tv_set_str(m, "due", dues);
		set_status(r, m, rep);
		tv_set_str(m, "url", report_url(r, y, NULL));
		if (rep->first_published_on)
			tv_set_str(m, "timeliness", strcmp(rep->first_published_on, dues) <= 0 ? "按时发布" : "逾期发布");
		else if (today > due)
			tv_set_str(m, "timeliness", "已过发布时限");
		if (!rep->id) {
			tv_list_push_int(years, y);
			any_new = true;
		}
	}
	tv_set_bool(ctx, "has_new_years", any_new);
	return respond_html(r, status, "admin_reports", ctx);
}

int h_reports(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return reports_page(r, 200, NULL);
}

int h_report_create(struct req *r)
{
	int year = (int)param_int(r, "year", 0);
	struct rpub_ctx c;
	const char *msg = NULL;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	rctx(r, &c, now);
	rc = rpub_create(&c, year, NULL, &msg);
	if (rc == ERR_CONFLICT)
		return respond_redirect(r, report_url(r, year, NULL));
	if (rc == ERR_INVALID)
		return reports_page(r, 400, msg);
	if (rc)
		return respond_server_error(r, rc);
	log_info("report %s %d created by %s", r->org.slug, year, r->user.username);
	return respond_redirect(r, report_url(r, year, "?created=1"));
}

/* ---- the report page ---- */

/* What the editor shows: the stored current version, or what the clerk
 * submitted (after an insert, a refused save or publication). */
struct editor {
	int year;
	struct report_rec rep;
	struct report_version cur;       /* the stored current version */
	const char *text[RPUB_SECTIONS]; /* the textareas */
	const char *note;
	long long prev[REPORT_ITEM_ROWS], delta[REPORT_ITEM_ROWS];
	int base_version;                /* the version the clerk edits */
	const char *override;
	const char *error, *notice;
	struct rpub_built built;         /* the current version, checked */
	bool built_ok;
	const char *build_msg;
};

static void put_issues(struct tv *ctx, const struct rpub_built *b)
{
	struct tv *errs = tv_set_list(ctx, "check_errors"), *warns = tv_set_list(ctx, "check_warnings");

	for (size_t i = 0; i < b->nissues; i++) {
		struct tv *m = tv_list_push_map(i < b->nerrors ? errs : warns);

		tv_set_str(m, "where", b->issues[i].where);
		tv_set_str(m, "msg", b->issues[i].msg);
	}
	tv_set_int(ctx, "nerrors", (long long)b->nerrors);
	tv_set_int(ctx, "nwarnings", (long long)(b->nissues - b->nerrors));
	tv_set_bool(ctx, "check_clean", b->nissues == 0);
	{
		struct tv *fw = tv_set_list(ctx, "record_warnings");

		for (size_t i = 0; i < b->doc.fig.nwarnings; i++)
			tv_list_push_str(fw, b->doc.fig.warnings[i]);
		tv_set_bool(ctx, "has_record_warnings", b->doc.fig.nwarnings > 0);
	}
}

static int editor_page(struct req *r, int status, struct editor *e)
{
	struct tv *ctx, *secs, *vl, *rows, *dl;
	struct rpub_ctx c;
	struct report_version *vers;
	size_t nv;
	char now[21];
	int format = report_format_of(e->year), rc;
	const char *const *heads = report_headings(format);
	static const int head_of[RPUB_SECTIONS] = { 0, 4, 5 };
	bool can_edit = req_can(r, PERM_EDIT), can_publish = req_can(r, PERM_PUBLISH);

	rctx(r, &c, now);
	if (!e->built_ok) {
		rc = rpub_build(&c, e->year, &e->cur, true, &e->built, &e->build_msg);
		if (rc && rc != ERR_INVALID)
			return respond_server_error(r, rc);
		e->built_ok = rc == 0;
	}
	ctx = page_ctx(r, e->built_ok ? e->built.doc.title : arena_printf(&r->arena, "%d 年度报告", e->year));
	tv_set_str(ctx, "error", e->error);
	tv_set_str(ctx, "notice", e->notice);
	tv_set_int(ctx, "year", e->year);
	tv_set_str(ctx, "report_title",
		   e->built_ok ? e->built.doc.title : arena_printf(&r->arena, "%s%d年政府信息公开工作年度报告",
								    r->org.name, e->year));
	tv_set_str(ctx, "format", format_label(format));
	tv_set_bool(ctx, "fmt2019", format == REPORT_FMT_2019);
	tv_set_bool(ctx, "can_edit", can_edit);
	tv_set_bool(ctx, "can_publish", can_publish);
	tv_set_int(ctx, "base_version", e->base_version);
	tv_set_str(ctx, "note", e->note);
	tv_set_str(ctx, "override", e->override);
	tv_set_str(ctx, "action", report_url(r, e->year, NULL));
	tv_set_str(ctx, "publish_action", report_url(r, e->year, "/publish"));
	tv_set_str(ctx, "preview_url", report_url(r, e->year, "/preview"));
	tv_set_str(ctx, "list_url", arena_printf(&r->arena, "/admin/o/%s/reports", r->org.slug));
	{
		struct tv *m = tv_set_map(ctx, "report");
		char dues[11];

		set_status(r, m, &e->rep);
		date_format(rpub_deadline(e->year), dues);
		tv_set_str(m, "due", dues);
	}
	tv_set_bool(ctx, "stale", e->base_version != e->rep.version);
	tv_set_bool(ctx, "built", e->built_ok);
	tv_set_str(ctx, "build_error", e->build_msg);
	if (e->built_ok)
		put_issues(ctx, &e->built);
	/* the sections with their ready sentences */
	secs = tv_set_list(ctx, "sections");
	for (int i = 0; i < RPUB_SECTIONS; i++) {
		struct tv *s = tv_list_push_map(secs), *fl;

		tv_set_str(s, "field", rpub_section_fields[i]);
		tv_set_str(s, "code", rpub_section_codes[i]);
		tv_set_str(s, "heading", heads ? heads[head_of[i]] : rpub_section_codes[i]);
		tv_set_str(s, "text", e->text[i]);
		fl = tv_set_list(s, "facts");
		if (!e->built_ok)
			continue;
		for (size_t j = 0, k = 0; j < e->built.doc.fig.nfacts; j++) {
			const struct report_fact *f = &e->built.doc.fig.facts[j];
			struct tv *fm;

			if (!f->section || strcmp(f->section, rpub_section_codes[i]) != 0)
				continue;
			fm = tv_list_push_map(fl);
			tv_set_str(fm, "key", f->key);
			tv_set_str(fm, "text", f->text);
			tv_set_str(fm, "token", rpub_token(&r->arena, f->key));
			tv_set_str(fm, "value", arena_printf(&r->arena, "%s:%s", rpub_section_fields[i], f->key));
			tv_set_bool(fm, "inserted", e->text[i] && strstr(e->text[i], rpub_token(&r->arena, f->key)));
			tv_set_bool(s, "has_facts", ++k > 0);
		}
	}
	/* the 2019 format's entered cells of table 二 */
	rows = tv_set_list(ctx, "item_rows");
	for (int i = 0; i < REPORT_ITEM_ROWS; i++) {
		struct tv *m = tv_list_push_map(rows);

		tv_set_int(m, "i", i);
		tv_set_str(m, "label", item_row_labels[i]);
		tv_set_str(m, "prev", arena_printf(&r->arena, "%lld", e->prev[i]));
		tv_set_str(m, "delta", arena_printf(&r->arena, "%lld", e->delta[i]));
	}
	/* versions */
	if ((rc = store_rpt_versions(req_db(r), &r->arena, r->org.id, e->rep.id, &vers, &nv)))
		return respond_server_error(r, rc);
	vl = tv_set_list(ctx, "versions");
	for (size_t i = 0; i < nv; i++) {
		struct tv *m = tv_list_push_map(vl);

		tv_set_int(m, "version", vers[i].version);
		tv_set_str(m, "created_at", cn_time(r, vers[i].created_at));
		tv_set_str(m, "by", vers[i].created_by_name ? vers[i].created_by_name : "");
		tv_set_str(m, "note", vers[i].note);
		tv_set_bool(m, "current", vers[i].version == e->rep.version);
		tv_set_str(m, "published_at", cn_time(r, vers[i].published_at));
		tv_set_str(m, "override_reason", vers[i].override_reason);
		tv_set_str(m, "preview_url", report_url(r, e->year, arena_printf(&r->arena, "/preview?v=%d",
										  vers[i].version)));
	}
	dl = tv_set_list(ctx, "downloads");
	{
		static const char *const ext[] = { "docx", "pdf", "xlsx", "json", "md" };
		static const char *const label[] = { "Word（DOCX）", "PDF", "Excel（XLSX，三张表）", "JSON", "Markdown" };

		for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
			struct tv *m = tv_list_push_map(dl);

			tv_set_str(m, "url", report_url(r, e->year, arena_printf(&r->arena, "/report.%s", ext[i])));
			tv_set_str(m, "label", label[i]);
		}
	}
	return respond_html(r, status, "admin_report", ctx);
}

/* Load the report of r->id and its current version into e (the textareas
 * from it). Responds (404, 500) itself and returns false on failure. */
static bool editor_load(struct req *r, struct editor *e)
{
	struct rpub_ctx c;
	char now[21];
	int rc;

	memset(e, 0, sizeof(*e));
	e->year = (int)r->id;
	rctx(r, &c, now);
	if (e->year < REPORT_FIRST_YEAR || e->year > 9999) {
		respond_error(r, 404, "没有这个年度的报告。");
		return false;
	}
	rc = rpub_load(&c, e->year, 0, &e->rep, &e->cur);
	if (rc == ERR_NOT_FOUND) {
		respond_error(r, 404, arena_printf(&r->arena, "%d 年度报告尚未编制，请在“年度报告”页面新建。", e->year));
		return false;
	}
	if (rc) {
		respond_server_error(r, rc);
		return false;
	}
	e->text[0] = e->cur.overview;
	e->text[1] = e->cur.problems;
	e->text[2] = e->cur.other;
	memcpy(e->prev, e->cur.items_prev, sizeof(e->prev));
	memcpy(e->delta, e->cur.items_delta, sizeof(e->delta));
	e->base_version = e->rep.version;
	return true;
}

int h_report(struct req *r)
{
	struct editor e;
	long long saved = param_int(r, "saved", 0);

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (!editor_load(r, &e))
		return 0;
	if (saved)
		e.notice = arena_printf(&r->arena, "已保存为第 %lld 版。", saved);
	else if (param_int(r, "published", 0))
		e.notice = e.rep.item_id ? "已发布到公开目录“报告统计”类别。" : "已发布。";
	else if (param_int(r, "created", 0))
		e.notice = "已新建报告草稿。未填写的部分使用记录生成的现成语句。";
	return editor_page(r, 200, &e);
}

/* The form's values into e (over what editor_load put there). */
static void editor_from_form(struct req *r, struct editor *e)
{
	for (int i = 0; i < RPUB_SECTIONS; i++) {
		const char *t = param_str(r, rpub_section_fields[i]);

		e->text[i] = t ? t : "";
	}
	e->note = param_str(r, "note");
	for (int i = 0; i < REPORT_ITEM_ROWS; i++) {
		char name[24];

		snprintf(name, sizeof(name), "prev%d", i);
		e->prev[i] = param_int(r, name, 0);
		snprintf(name, sizeof(name), "delta%d", i);
		e->delta[i] = param_int(r, name, 0);
	}
	e->base_version = (int)param_int(r, "version", 0);
}

int h_report_save(struct req *r)
{
	const char *insert = param_str(r, "insert"), *msg = NULL;
	struct editor e;
	struct rpub_ctx c;
	struct rpub_input in = { 0 };
	struct report_version v;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	if (!editor_load(r, &e))
		return 0;
	editor_from_form(r, &e);
	if (!e.base_version)
		return respond_error(r, 400, "缺少所编辑的版本号。");
	if (insert) {
		/* 插入: "<field>:<key>" appends the token to that section; not saved yet */
		const char *colon = strchr(insert, ':');
		int sec = -1;

		for (int i = 0; colon && i < RPUB_SECTIONS; i++)
			if (strlen(rpub_section_fields[i]) == (size_t)(colon - insert) &&
			    memcmp(insert, rpub_section_fields[i], (size_t)(colon - insert)) == 0)
				sec = i;
		if (sec < 0 || !colon[1])
			return respond_error(r, 400, "插入的位置无效。");
		for (const char *k = colon + 1; *k; k++)
			if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
			      *k == '_' || *k == '-' || *k == '.'))
				return respond_error(r, 400, "插入的事实无效。");
		if ((rc = rpub_insert_token(&r->arena, e.text[sec], colon + 1, &e.text[sec])))
			return respond_server_error(r, rc);
		e.notice = "已插入事实标记，保存后生效。";
		return editor_page(r, 200, &e);
	}
	for (int i = 0; i < RPUB_SECTIONS; i++)
		in.text[i] = e.text[i];
	in.note = e.note;
	memcpy(in.items_prev, e.prev, sizeof(in.items_prev));
	memcpy(in.items_delta, e.delta, sizeof(in.items_delta));
	rctx(r, &c, now);
	rc = rpub_save(&c, e.year, e.base_version, &in, &v, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT) {
		e.error = msg;
		return editor_page(r, rc == ERR_CONFLICT ? 409 : 400, &e);
	}
	if (rc)
		return respond_server_error(r, rc);
	log_info("report %s %d version %d saved by %s", r->org.slug, e.year, v.version, r->user.username);
	return respond_redirect(r, report_url(r, e.year, arena_printf(&r->arena, "?saved=%d", v.version)));
}

int h_report_publish(struct req *r)
{
	const char *override = param_str(r, "override"), *msg = NULL;
	struct editor e;
	struct rpub_ctx c;
	struct rpub_result res;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_PUBLISH))
		return 0;
	if (!editor_load(r, &e))
		return 0;
	rctx(r, &c, now);
	rc = rpub_publish(&c, e.year, (int)param_int(r, "version", 0), override, &res, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT) {
		e.error = msg ? msg : "不能发布。";
		e.override = override;
		if (res.built.doc.title) {
			e.built = res.built;
			e.built_ok = true;
		}
		return editor_page(r, rc == ERR_CONFLICT ? 409 : 400, &e);
	}
	if (rc)
		return respond_server_error(r, rc);
	log_info("report %s %d published by %s%s", r->org.slug, e.year, r->user.username,
		 res.overridden ? " over check errors" : "");
	/* a failure is recorded and shown on the staff pages (the banner) */
	static_after_change(r, res.item_id, 0);
	return respond_redirect(r, report_url(r, e.year, "?published=1"));
}

/* ---- preview and downloads ---- */

/* The built document of the version asked for (?v=, else the current
 * one). Responds itself and returns false on failure. */
static bool doc_of(struct req *r, struct editor *e, int *version, bool check)
{
	struct rpub_ctx c;
	struct report_version v;
	char now[21];
	int rc;

	if (!editor_load(r, e))
		return false;
	*version = (int)param_int(r, "v", e->rep.version);
	rctx(r, &c, now);
	v = e->cur;
	if (*version != e->rep.version) {
		rc = store_rpt_version_get(req_db(r), &r->arena, r->org.id, e->rep.id, *version, &v);
		if (rc == ERR_NOT_FOUND) {
			respond_error(r, 404, "没有这个版本。");
			return false;
		}
		if (rc) {
			respond_server_error(r, rc);
			return false;
		}
	}
	rc = rpub_build(&c, e->year, &v, check, &e->built, &e->build_msg);
	if (rc == ERR_INVALID) {
		respond_error(r, 400, e->build_msg ? e->build_msg : "报告无法生成。");
		return false;
	}
	if (rc) {
		respond_server_error(r, rc);
		return false;
	}
	e->built_ok = true;
	return true;
}

int h_report_preview(struct req *r)
{
	struct editor e;
	struct tv *ctx;
	struct buf b;
	int version, rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (!doc_of(r, &e, &version, true))
		return 0;
	buf_init(&b, &r->arena, RENDER_MAX);
	if ((rc = report_render_html(&r->arena, &e.built.doc, false, &b)) || (rc = b.err))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, arena_printf(&r->arena, "预览：%s（第 %d 版）", e.built.doc.title, version));
	tv_set_int(ctx, "year", e.year);
	tv_set_int(ctx, "version", version);
	tv_set_bool(ctx, "current", version == e.rep.version);
	tv_set_str(ctx, "report_title", e.built.doc.title);
	tv_set_str(ctx, "editor_url", report_url(r, e.year, NULL));
	/* generated by the report renderer, which escapes every piece of data */
	tv_set_html(ctx, "doc", safe_html_from_trusted(b.p, b.n));
	put_issues(ctx, &e.built);
	{
		struct tv *m = tv_set_map(ctx, "report");

		set_status(r, m, &e.rep);
	}
	return respond_html(r, 200, "admin_report_preview", ctx);
}

int h_report_download(struct req *r)
{
	static const struct {
		const char *ext, *ctype;
	} kinds[] = {
		{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ ".pdf", "application/pdf" },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".md", "text/markdown; charset=utf-8" },
	};
	const char *dot = strrchr(r->url, '.');
	struct editor e;
	struct buf b;
	size_t k;
	int version, rc = ERR_INVALID;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (dot && strcmp(dot, kinds[k].ext) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return respond_error(r, 404, "没有这种格式。");
	if (!doc_of(r, &e, &version, false))
		return 0;
	buf_init(&b, &r->arena, RENDER_MAX);
	switch (k) {
	case 0:
		rc = report_render_docx(&r->arena, &e.built.doc, &b);
		break;
	case 1:
		rc = report_render_pdf(&r->arena, &e.built.doc, &b);
		break;
	case 2:
		rc = report_render_xlsx(&r->arena, &e.built.doc, &b);
		break;
	case 3:
		rc = report_render_json(&r->arena, &e.built.doc, &b);
		break;
	case 4:
		rc = report_render_md(&r->arena, &e.built.doc, &b);
		break;
	}
	if (rc || (rc = b.err))
		return respond_server_error(r, rc);
	return respond_download(r, kinds[k].ctype, b.p, b.n,
				arena_printf(&r->arena, "%s%s", e.built.doc.title, kinds[k].ext));
}

/* ---- the platform view ---- */

static const char *const timeliness_labels[] = { "未到期", "按时", "逾期", "逾期未发布" };

/* The org whose children the staff member may see: ?org= (sysadmin, or
 * orgadmin there), else the platform for a sysadmin, else the first org
 * where they are orgadmin that has children. The orgs they may choose go
 * into choices. Responds itself and returns false when there is none. */
static bool platform_parent(struct req *r, struct org *out, struct tv *choices)
{
	const char *slug = param_str(r, "org");
	struct org platform, *mine = NULL, *cand;
	bool sys = false, kids = false;
	size_t n = 0, nc = 0, pick = (size_t)-1;
	int rc;

	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) == 0)
		rc = store_membership_has(req_db(r), platform.id, r->user.id, "sysadmin", &sys);
	if ((rc && rc != ERR_NOT_FOUND) || (rc = store_membership_orgs(req_db(r), &r->arena, r->user.id, &mine, &n)))
		goto fail;
	if (!(cand = arena_alloc(&r->arena, (n + 2) * sizeof(*cand)))) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if (sys)
		cand[nc++] = platform;
	for (size_t i = 0; i < n; i++) {
		bool admin = sys;

		if ((rc = store_rpt_has_children(req_db(r), &mine[i], &kids)))
			goto fail;
		if (kids && !admin && (rc = store_membership_has(req_db(r), mine[i].id, r->user.id, "orgadmin", &admin)))
			goto fail;
		if (kids && admin)
			cand[nc++] = mine[i];
	}
	for (size_t i = 0; i < nc && pick == (size_t)-1; i++)
		if (!slug || strcmp(slug, cand[i].slug) == 0)
			pick = i;
	if (pick == (size_t)-1 && slug && sys) {
		/* a system administrator may look at any org with children */
		rc = store_org_by_slug(req_db(r), &r->arena, slug, &cand[nc]);
		if (rc && rc != ERR_NOT_FOUND)
			goto fail;
		if (rc == 0 && (rc = store_rpt_has_children(req_db(r), &cand[nc], &kids)))
			goto fail;
		if (rc == 0 && kids)
			pick = nc++;
	}
	if (pick == (size_t)-1) {
		respond_error(r, slug ? 404 : 403,
			      slug ? "没有这个有下级机构的机构，或您不是它的机构管理员。"
				   : "平台视图只对系统管理员和有下级机构的机构管理员开放。");
		return false;
	}
	for (size_t i = 0; i < nc; i++) {
		struct tv *m = tv_list_push_map(choices);

		tv_set_str(m, "slug", cand[i].slug);
		tv_set_str(m, "name", cand[i].name);
		tv_set_bool(m, "selected", i == pick);
	}
	*out = cand[pick];
	return true;
fail:
	respond_server_error(r, rc);
	return false;
}

static void put_fig(struct tv *m, const struct report_keyfig *f)
{
	tv_set_int(m, "items", f->items);
	tv_set_int(m, "app_new", f->app_new);
	tv_set_int(m, "app_concluded", f->app_concluded);
	tv_set_int(m, "app_carried", f->app_carried);
	tv_set_int(m, "reviews", f->reviews);
	tv_set_int(m, "suits", f->suits);
	tv_set_int(m, "interactions", f->interactions);
}

int h_platform_reports(struct req *r)
{
	struct tv *ctx, *choices, *list, *years;
	struct org parent;
	struct rpub_row *rows;
	struct report_keyfig total;
	size_t n;
	long today = date_today_cn();
	int year = (int)param_int(r, "year", rpub_last_year(today)), y, mo, d, rc;
	long long published = 0, on_time = 0, late = 0, with_errors = 0;
	const char *msg = NULL;
	char dues[11];
	struct timespec t0, t1;

	if (!r->staff)
		return respond_error(r, 403, "请先登录。");
	ctx = page_ctx(r, "下级机构年度报告");
	choices = tv_set_list(ctx, "parents");
	if (!platform_parent(r, &parent, choices))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = rpub_platform(req_db(r), &r->arena, &parent, year, today, &rows, &n, &total, &msg);
	if (rc == ERR_INVALID)
		return respond_error(r, 400, msg ? msg : "年度无效。");
	if (rc)
		return respond_server_error(r, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("platform reports of %s %d: %zu orgs in %.0f ms", parent.slug, year, n,
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	tv_set_int(ctx, "year", year);
	tv_set_str(ctx, "parent_name", parent.name);
	tv_set_str(ctx, "parent_slug", parent.slug);
	date_format(rpub_deadline(year), dues);
	tv_set_str(ctx, "due", dues);
	years = tv_set_list(ctx, "years");
	date_to_ymd(today, &y, &mo, &d);
	for (int k = y; k >= REPORT_FIRST_YEAR; k--) {
		struct tv *m = tv_list_push_map(years);

		tv_set_int(m, "value", k);
		tv_set_bool(m, "selected", k == year);
	}
	list = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);
		const struct rpub_row *w = &rows[i];

		tv_set_str(m, "name", w->org.name);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/reports/%d", w->org.slug, year));
		set_status(r, m, &w->rep);
		tv_set_str(m, "timeliness", timeliness_labels[w->timeliness]);
		tv_set_bool(m, "late", w->timeliness == RPUB_LATE || w->timeliness == RPUB_OVERDUE);
		tv_set_bool(m, "has_errors_count", w->errors >= 0);
		tv_set_int(m, "errors", w->errors);
		tv_set_bool(m, "figures_published", w->figures_published);
		put_fig(m, &w->fig);
		published += w->rep.id && strcmp(w->rep.status, "published") == 0;
		on_time += w->timeliness == RPUB_ON_TIME;
		late += w->timeliness == RPUB_LATE;
		with_errors += w->errors > 0;
	}
	tv_set_int(ctx, "count", (long long)n);
	tv_set_int(ctx, "published", published);
	tv_set_int(ctx, "on_time", on_time);
	tv_set_int(ctx, "late", late);
	tv_set_int(ctx, "with_errors", with_errors);
	put_fig(tv_set_map(ctx, "total"), &total);
	return respond_html(r, 200, "admin_report_platform", ctx);
}
