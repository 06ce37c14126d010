/* h_platform.c - the multi-agency platform's pages (routes_platform.inc):
 * the public agency tree and platform catalog, the platform administrator's
 * tree, agency forms and dashboard, an agency's own settings, and the
 * subtree views of an org with children (dashboard, 本级政府 report). Every
 * permission through auth_can: the platform pages need PERM_ADMIN in the
 * platform org (the 系统管理员), the subtree views PERM_OVERSEE in the org
 * (a role there or in an ancestor). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "domain/calendar/calendar.h"
#include "domain/platform/platform.h"
#include "domain/report/publish.h"
#include "domain/report/report.h"
#include "http/http.h"
#include "http/view.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/fts.h"
#include "store/platform.h"
#include "store/store.h"
#include "core/banned.h"

#define PLATFORM_PER_PAGE 20
#define RENDER_MAX (64 * 1024 * 1024)

static const char *cn_kind(const char *code)
{
	const char *n = platform_kind_name(code);

	return n ? n : code;
}

static void put_contact(struct tv *m, const struct org_contact *c)
{
	tv_set_str(m, "address", c->address);
	tv_set_str(m, "postcode", c->postcode);
	tv_set_str(m, "phone", c->phone);
	tv_set_str(m, "fax", c->fax);
	tv_set_str(m, "email", c->email);
	tv_set_str(m, "hours", c->hours);
	tv_set_bool(m, "any", (c->address && *c->address) || (c->postcode && *c->postcode) ||
				     (c->phone && *c->phone) || (c->fax && *c->fax) || (c->email && *c->email) ||
				     (c->hours && *c->hours));
}

/* ---- public ---- */

/* Every active agency in tree order into list (name, slug, depth, kind). */
static int put_tree(struct req *r, struct tv *list, const struct org_node *nodes, size_t n, bool inactive)
{
	size_t *idx, k;
	int *depth, rc;

	if ((rc = platform_subtree(&r->arena, nodes, n, 0, &idx, &k, &depth)))
		return rc;
	for (size_t i = 0; i < k; i++) {
		const struct org_node *o = &nodes[idx[i]];
		struct tv *m;

		if (!o->active && !inactive)
			continue;
		m = tv_list_push_map(list);
		tv_set_int(m, "id", o->org.id);
		tv_set_str(m, "name", o->org.name);
		tv_set_str(m, "slug", o->org.slug);
		tv_set_str(m, "kind", cn_kind(o->agency_kind));
		tv_set_int(m, "depth", depth[i]);
		tv_set_str(m, "indent", arena_printf(&r->arena, "depth-%d", depth[i] > 3 ? 3 : depth[i]));
		tv_set_bool(m, "active", o->active);
		tv_set_bool(m, "has_children", platform_has_children(nodes, n, o->org.id));
		tv_set_str(m, "code", o->org.org_code);
		tv_set_str(m, "due", platform_due(o, platform_has_children(nodes, n, o->org.id)));
		tv_set_bool(m, "local_due", *o->report_due != '\0');
	}
	return 0;
}

int h_platform_home(struct req *r)
{
	struct tv *ctx = page_ctx(r, "政府信息公开");
	struct org_node *nodes;
	size_t n;
	int rc;

	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)) ||
	    (rc = put_tree(r, tv_set_list(ctx, "orgs"), nodes, n, false)))
		return respond_server_error(r, rc);
	return respond_html(r, 200, "platform_home", ctx);
}

int h_platform_catalog(struct req *r)
{
	const char *q = param_str(r, "q"), *slug = param_str(r, "org"), *match = "";
	bool sub = param_int(r, "sub", 0) == 1;
	long long page = param_int(r, "page", 1), total = 0;
	struct org_node *nodes;
	struct item_row *rows = NULL;
	struct item_filter f = { .status = "published", .limit = PLATFORM_PER_PAGE };
	size_t n, nrows = 0;
	long sel = -1;
	bool capped = false;
	struct tv *ctx, *list, *opts;
	struct buf base;
	int rc;

	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)))
		return respond_server_error(r, rc);
	if (slug) {
		for (size_t i = 0; i < n && sel < 0; i++)
			if (nodes[i].active && strcmp(nodes[i].org.slug, slug) == 0)
				sel = (long)i;
		if (sel < 0)
			return respond_error(r, 404, "没有这个机构。");
	}
	ctx = page_ctx(r, q ? arena_printf(&r->arena, "全平台搜索：%s", q) : "全平台公开目录");
	tv_set_str(ctx, "q", q);
	tv_set_bool(ctx, "sub", sub);
	f.offset = (page - 1) * PLATFORM_PER_PAGE;
	if (q) {
		if (!req_rate_ok_or_respond(r, r->app->limits.search, true, "检索过于频繁：同一网络每分钟的检索次数有上限。"))
			return 0;
		if ((rc = fts_match_expr(r->app->fts, &r->arena, q, strlen(q), &match)))
			return respond_server_error(r, rc);
		size_t nactive = 0;

		for (size_t i = 0; i < n; i++)
			nactive += nodes[i].active;
		if (sel >= 0 || nactive < n) {
			/* the agency, and with sub every active agency below it;
			 * without one, every active agency */
			long long *ids = arena_alloc(&r->arena, (n + 1) * sizeof(*ids));
			size_t *idx, ns = 0, k = 0;
			int *depth;

			if (!ids)
				return respond_server_error(r, ERR_NOMEM);
			if (sel >= 0)
				ids[k++] = nodes[sel].org.id;
			else
				for (size_t i = 0; i < n; i++)
					if (nodes[i].active)
						ids[k++] = nodes[i].org.id;
			if (sel >= 0 && sub &&
			    (rc = platform_subtree(&r->arena, nodes, n, nodes[sel].org.id, &idx, &ns, &depth)))
				return respond_server_error(r, rc);
			for (size_t i = 1; i < ns; i++)   /* idx[0] is the agency itself */
				if (nodes[idx[i]].active)
					ids[k++] = nodes[idx[i]].org.id;
			/* a set that is every agency (none deactivated) is no
			 * filter: on PostgreSQL each org of a set is one more
			 * lexeme OR-ed into the query, and a city's thousand
			 * agencies made it unusable */
			if (k < n) {
				f.org_ids = ids;
				f.n_org_ids = k;
			}
		}
		if (*match && (rc = store_item_search(req_db(r), &r->arena, match, &f, &rows, &nrows, &total, &capped)))
			return respond_server_error(r, rc);
	} else if ((rc = store_platform_items(req_db(r), &r->arena, sel >= 0 ? nodes[sel].org.id : 0, sub,
					      PLATFORM_PER_PAGE, f.offset, &rows, &nrows, &total))) {
		return respond_server_error(r, rc);
	}
	tv_set_bool(ctx, "searched", q != NULL);
	tv_set_int(ctx, "total", total);
	tv_set_bool(ctx, "capped", capped);
	list = tv_set_list(ctx, "results");
	for (size_t i = 0; i < nrows; i++) {
		/* view_rows' fields, and the item's agency */
		long at = platform_find(nodes, n, rows[i].org_id);
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "url", view_item_url(r, rows[i].org_slug, rows[i].id));
		tv_set_str(m, "title", rows[i].title);
		tv_set_str(m, "index_no", rows[i].index_no);
		tv_set_str(m, "doc_no", rows[i].doc_no);
		tv_set_str(m, "category", rows[i].category);
		tv_set_str(m, "published_on", rows[i].published_on);
		tv_set_str(m, "agency", at >= 0 ? nodes[at].org.name : rows[i].org_slug);
		tv_set_str(m, "agency_slug", rows[i].org_slug);
		if (rows[i].snippet && *rows[i].snippet)
			view_marked(r, m, "snippet", rows[i].snippet);
		if (rows[i].title_marked && *rows[i].title_marked)
			view_marked(r, m, "title_html", rows[i].title_marked);
	}
	opts = tv_set_list(ctx, "agencies");
	{
		size_t *idx, k;
		int *depth;

		if ((rc = platform_subtree(&r->arena, nodes, n, 0, &idx, &k, &depth)))
			return respond_server_error(r, rc);
		for (size_t i = 0; i < k; i++) {
			const struct org_node *o = &nodes[idx[i]];
			struct tv *m;

			if (!o->active)
				continue;
			m = tv_list_push_map(opts);
			tv_set_str(m, "slug", o->org.slug);
			tv_set_str(m, "label", arena_printf(&r->arena, "%*s%s", depth[i] * 2, "", o->org.name));
			tv_set_bool(m, "selected", (long)idx[i] == sel);
		}
	}
	buf_init(&base, &r->arena, 1024);
	buf_puts(&base, "/catalog?");
	if (q) {
		buf_puts(&base, "q=");
		url_encode_component(&base, q, strlen(q));
		buf_putc(&base, '&');
	}
	if (sel >= 0) {
		buf_puts(&base, "org=");
		url_encode_component(&base, nodes[sel].org.slug, strlen(nodes[sel].org.slug));
		buf_putc(&base, '&');
		tv_set_str(ctx, "agency_name", nodes[sel].org.name);
	}
	if (sub)
		buf_puts(&base, "sub=1&");
	view_pager(r, ctx, page, PLATFORM_PER_PAGE,
		   q ? (total < store_search_window() ? total : store_search_window()) : total, buf_cstr(&base));
	return respond_html(r, 200, "platform_catalog", ctx);
}

int platform_put_contact(struct req *r, struct tv *ctx)
{
	struct org_node o;
	int rc = store_platform_org(req_db(r), &r->arena, r->org.id, &o);

	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	put_contact(tv_set_map(ctx, "contact"), &o.contact);
	return 0;
}

/* ---- the platform administrator ---- */

/* Responds 403 itself unless the staff member is a 系统管理员. */
static bool sysadmin_or_respond(struct req *r)
{
	struct org platform;
	bool ok = false;
	int rc = store_org_platform(req_db(r), &r->arena, &platform);

	if (rc == 0)
		rc = auth_can(req_db(r), r->user.id, platform.id, PERM_ADMIN, &ok);
	if (rc && rc != ERR_NOT_FOUND) {
		respond_server_error(r, rc);
		return false;
	}
	if (!ok) {
		respond_error(r, 403, "平台管理只对系统管理员开放。");
		return false;
	}
	return true;
}

static void put_kinds(struct tv *ctx, const char *selected)
{
	struct tv *list = tv_set_list(ctx, "kinds");

	for (size_t i = 0; i < platform_kinds_count; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "code", platform_kinds[i].code);
		tv_set_str(m, "name", platform_kinds[i].name);
		tv_set_bool(m, "selected", selected && strcmp(selected, platform_kinds[i].code) == 0);
	}
}

/* The parents an org may get (every agency but itself and its subtree). */
static int put_parents(struct req *r, struct tv *ctx, const struct org_node *nodes, size_t n, long long self,
		       long long selected)
{
	struct tv *list = tv_set_list(ctx, "parents");
	size_t *idx, k;
	int *depth, rc;

	if ((rc = platform_subtree(&r->arena, nodes, n, 0, &idx, &k, &depth)))
		return rc;
	for (size_t i = 0; i < k; i++) {
		const struct org_node *o = &nodes[idx[i]];
		struct tv *m;

		if (self && platform_in_subtree(nodes, n, self, o->org.id))
			continue;
		m = tv_list_push_map(list);
		tv_set_int(m, "id", o->org.id);
		tv_set_str(m, "label", arena_printf(&r->arena, "%*s%s", depth[i] * 2, "", o->org.name));
		tv_set_bool(m, "selected", o->org.id == selected);
	}
	return 0;
}

static int admin_page(struct req *r, int status, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "平台管理");
	struct org_node *nodes;
	size_t n;
	int rc;

	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)) ||
	    (rc = put_tree(r, tv_set_list(ctx, "orgs"), nodes, n, true)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_int(ctx, "count", (long long)n);
	return respond_html(r, status, "platform_admin", ctx);
}

int h_platform_admin(struct req *r)
{
	if (!sysadmin_or_respond(r))
		return 0;
	return admin_page(r, 200, NULL, NULL);
}

/* The form of a new agency, with what was typed and an error. */
static int new_page(struct req *r, int status, const char *error, const struct org_node *o)
{
	struct tv *ctx = page_ctx(r, "新建机构"), *f;
	struct org_node *nodes;
	size_t n;
	int rc;

	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)) ||
	    (rc = put_parents(r, ctx, nodes, n, 0, o ? o->org.parent_id : 0)))
		return respond_server_error(r, rc);
	put_kinds(ctx, o ? o->agency_kind : "department");
	f = tv_set_map(ctx, "form");
	if (o) {
		tv_set_str(f, "slug", o->org.slug);
		tv_set_str(f, "name", o->org.name);
		tv_set_str(f, "org_code", o->org.org_code);
		tv_set_str(f, "index_pattern", o->org.index_pattern);
		tv_set_int(f, "sort", o->sort);
		tv_set_str(f, "report_due", o->report_due);
		put_contact(f, &o->contact);
		tv_set_str(f, "admin_username", param_str(r, "admin_username"));
		tv_set_str(f, "admin_display", param_str(r, "admin_display"));
	} else {
		tv_set_str(f, "index_pattern", "{机构代码}/{YYYY}-{NNNNN}");
	}
	tv_set_str(ctx, "error", error);
	return respond_html(r, status, "platform_org_new", ctx);
}

int h_platform_org_new(struct req *r)
{
	if (!sysadmin_or_respond(r))
		return 0;
	return new_page(r, 200, NULL, NULL);
}

static void form_fields(struct req *r, struct org_node *o)
{
	o->org.name = param_str(r, "name");
	o->org.org_code = param_str(r, "org_code");
	o->org.index_pattern = param_str(r, "index_pattern");
	o->agency_kind = param_str(r, "agency_kind");
	o->sort = (int)param_int(r, "sort", 0);
	o->report_due = param_str(r, "report_due");
	o->org.parent_id = param_int(r, "parent_id", 0);
}

static void contact_fields(struct req *r, struct org_contact *c)
{
	c->address = param_str(r, "address");
	c->postcode = param_str(r, "postcode");
	c->phone = param_str(r, "phone");
	c->fax = param_str(r, "fax");
	c->email = param_str(r, "email");
	c->hours = param_str(r, "hours");
}

static int http_status_of(int rc)
{
	return rc == ERR_CONFLICT ? 409 : rc == ERR_NOT_FOUND ? 404 : 400;
}

int h_platform_org_create(struct req *r)
{
	struct org_node o = { 0 };
	const char *pw = NULL, *msg = NULL, *admin = param_str(r, "admin_username");
	char now[21];
	struct tv *ctx;
	int rc;

	if (!sysadmin_or_respond(r))
		return 0;
	o.org.slug = param_str(r, "slug");
	if (!o.org.slug)
		o.org.slug = "";
	form_fields(r, &o);
	contact_fields(r, &o.contact);
	time_format_utc(time(NULL), now);
	rc = platform_create(req_db(r), &r->arena, &o, admin, param_str(r, "admin_display"), now, &pw, &msg);
	if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_NOT_FOUND)
		return new_page(r, http_status_of(rc), msg ? msg : "机构未创建。", &o);
	if (rc)
		return respond_server_error(r, rc);
	log_info("agency %s created by %s", o.org.slug, r->user.username);
	ctx = page_ctx(r, "机构已创建");
	tv_set_str(ctx, "name", o.org.name);
	tv_set_str(ctx, "slug", o.org.slug);
	tv_set_int(ctx, "id", o.org.id);
	tv_set_str(ctx, "admin_username", admin);
	tv_set_str(ctx, "password", pw);
	return respond_html(r, 201, "platform_org_created", ctx);
}

static int org_page(struct req *r, int status, const char *error, const char *notice, const struct org_node *typed)
{
	struct org_node o, *nodes;
	struct tv *ctx, *f;
	size_t n;
	long long records = 0, children = 0;
	bool kids;
	int rc;

	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)))
		return respond_server_error(r, rc);
	if ((rc = store_platform_org(req_db(r), &r->arena, r->id, &o)) == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个机构。");
	if (rc || (rc = store_platform_usage(req_db(r), o.org.id, &records, &children)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, arena_printf(&r->arena, "机构设置：%s", o.org.name));
	kids = platform_has_children(nodes, n, o.org.id);
	if ((rc = put_parents(r, ctx, nodes, n, o.org.id, o.org.parent_id)))
		return respond_server_error(r, rc);
	if (typed) {
		long long id = o.org.id;
		const char *slug = o.org.slug;

		o = *typed;
		o.org.id = id;
		o.org.slug = slug;
	}
	put_kinds(ctx, o.agency_kind);
	f = tv_set_map(ctx, "form");
	tv_set_int(f, "id", o.org.id);
	tv_set_str(f, "slug", o.org.slug);
	tv_set_str(f, "name", o.org.name);
	tv_set_str(f, "org_code", o.org.org_code);
	tv_set_str(f, "index_pattern", o.org.index_pattern);
	tv_set_int(f, "sort", o.sort);
	tv_set_str(f, "report_due", o.report_due);
	tv_set_bool(f, "active", o.active);
	tv_set_str(f, "statutory_due", platform_statutory_due(o.agency_kind, kids));
	put_contact(f, &o.contact);
	tv_set_int(ctx, "records", records);
	tv_set_int(ctx, "children", children);
	tv_set_bool(ctx, "deletable", records == 0 && children == 0);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	return respond_html(r, status, "platform_org", ctx);
}

int h_platform_org(struct req *r)
{
	if (!sysadmin_or_respond(r))
		return 0;
	return org_page(r, 200, NULL, NULL, NULL);
}

int h_platform_org_save(struct req *r)
{
	struct org_node o;
	const char *msg = NULL;
	char now[21];
	int rc;

	if (!sysadmin_or_respond(r))
		return 0;
	if ((rc = store_platform_org(req_db(r), &r->arena, r->id, &o)) == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个机构。");
	if (rc)
		return respond_server_error(r, rc);
	{
		long long parent = o.org.parent_id;

		form_fields(r, &o);
		o.org.parent_id = parent; /* moving has its own form */
	}
	if (!o.org.name)
		o.org.name = "";
	time_format_utc(time(NULL), now);
	rc = platform_update(req_db(r), &r->arena, &o, now, &msg);
	if (rc == ERR_INVALID || rc == ERR_NOT_FOUND)
		return org_page(r, http_status_of(rc), msg ? msg : "未保存。", NULL, &o);
	if (rc)
		return respond_server_error(r, rc);
	return org_page(r, 200, NULL, "已保存。", NULL);
}

int h_platform_org_move(struct req *r)
{
	const char *msg = NULL;
	char now[21];
	int rc;

	if (!sysadmin_or_respond(r))
		return 0;
	time_format_utc(time(NULL), now);
	rc = platform_move(req_db(r), &r->arena, r->id, param_int(r, "parent_id", 0), now, &msg);
	if (rc == ERR_NOT_FOUND && msg && strstr(msg, "没有这个机构"))
		return respond_error(r, 404, msg);
	if (rc == ERR_INVALID || rc == ERR_NOT_FOUND)
		return org_page(r, 400, msg ? msg : "未移动。", NULL, NULL);
	if (rc)
		return respond_server_error(r, rc);
	return org_page(r, 200, NULL, "已移动。", NULL);
}

int h_platform_org_state(struct req *r)
{
	const char *action = param_str(r, "action"), *msg = NULL;
	char now[21];
	int rc;

	if (!sysadmin_or_respond(r))
		return 0;
	time_format_utc(time(NULL), now);
	if (action && strcmp(action, "delete") == 0) {
		rc = platform_delete(req_db(r), &r->arena, r->id, &msg);
		if (rc == 0)
			return admin_page(r, 200, NULL, "机构已删除。");
	} else if (action && (strcmp(action, "deactivate") == 0 || strcmp(action, "activate") == 0)) {
		rc = platform_set_active(req_db(r), r->id, strcmp(action, "activate") == 0, now, &msg);
		if (rc == 0)
			return org_page(r, 200, NULL, strcmp(action, "activate") == 0 ? "已启用。" : "已停用。", NULL);
	} else {
		return respond_error(r, 400, "操作无效。");
	}
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个机构。");
	if (rc == ERR_CONFLICT || rc == ERR_INVALID)
		return org_page(r, 409, msg ? msg : "操作未完成。", NULL, NULL);
	return respond_server_error(r, rc);
}

/* ---- the dashboard of open cases ---- */

static const char *const kind_keys[OPEN_KINDS] = { "apps", "interactions", "proposals" };
static const char *const kind_paths[OPEN_KINDS] = { "applications", "interactions", "proposals" };

/* One row per agency of idx (k of them), with its open cases of each kind
 * and a link to each list when the staff member may open it. */
static int dashboard(struct req *r, struct tv *ctx, const struct org_node *nodes, size_t n, const size_t *idx,
		     const int *depth, size_t k)
{
	struct org platform;
	struct calendar cal;
	struct open_cases *oc[OPEN_KINDS];
	size_t noc[OPEN_KINDS];
	long today = date_today_cn(), soon = today;
	char today_s[11], soon_s[11];
	long long tot[OPEN_KINDS][4] = { { 0 } };
	struct tv *list = tv_set_list(ctx, "rows"), *totals;
	int missing = 0, rc;

	/* 3 working days by the platform's calendar; without it, no guess */
	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) ||
	    (rc = calendar_load(req_db(r), &r->arena, platform.id, &cal)) ||
	    (rc = calendar_add_workdays(&cal, today, 3, &soon, &missing))) {
		if (rc != ERR_NOT_FOUND && rc != ERR_INVALID)
			return rc;
		tv_set_str(ctx, "calendar_missing",
			   missing ? arena_printf(&r->arena, "工作日历缺少 %d 年，“3 个工作日内到期”无法计算。", missing)
				   : "平台没有工作日历，“3 个工作日内到期”无法计算。");
		soon = today - 1;
	}
	date_format(today, today_s);
	date_format(soon, soon_s);
	tv_set_str(ctx, "today", today_s);
	tv_set_str(ctx, "soon", soon >= today ? soon_s : "");
	for (int t = 0; t < OPEN_KINDS; t++)
		if ((rc = store_platform_open_cases(req_db(r), &r->arena, t, today_s, soon_s, &oc[t], &noc[t])))
			return rc;
	for (size_t i = 0; i < k; i++) {
		const struct org_node *o = &nodes[idx[i]];
		struct tv *m = tv_list_push_map(list);
		bool can = false;

		if ((rc = auth_can(req_db(r), r->user.id, o->org.id, PERM_READ, &can)))
			return rc;
		tv_set_str(m, "name", o->org.name);
		tv_set_str(m, "slug", o->org.slug);
		tv_set_int(m, "depth", depth ? depth[i] : 0);
		tv_set_str(m, "indent", arena_printf(&r->arena, "depth-%d", depth ? (depth[i] > 3 ? 3 : depth[i]) : 0));
		tv_set_bool(m, "active", o->active);
		tv_set_bool(m, "can_open", can);
		for (int t = 0; t < OPEN_KINDS; t++) {
			struct tv *c = tv_set_map(m, kind_keys[t]);
			const struct open_cases *x = NULL;

			for (size_t j = 0; j < noc[t] && !x; j++)
				if (oc[t][j].org_id == o->org.id)
					x = &oc[t][j];
			tv_set_int(c, "open", x ? x->open : 0);
			tv_set_int(c, "overdue", x ? x->overdue : 0);
			tv_set_int(c, "due_soon", x ? x->due_soon : 0);
			tv_set_int(c, "paused", x ? x->paused : 0);
			tv_set_str(c, "next_due", x ? x->next_due : NULL);
			tv_set_bool(c, "alert", x && x->overdue > 0);
			if (can)
				tv_set_str(c, "url", arena_printf(&r->arena, "/admin/o/%s/%s", o->org.slug, kind_paths[t]));
			if (x) {
				tot[t][0] += x->open;
				tot[t][1] += x->overdue;
				tot[t][2] += x->due_soon;
				tot[t][3] += x->paused;
			}
		}
	}
	totals = tv_set_map(ctx, "totals");
	for (int t = 0; t < OPEN_KINDS; t++) {
		struct tv *c = tv_set_map(totals, kind_keys[t]);

		tv_set_int(c, "open", tot[t][0]);
		tv_set_int(c, "overdue", tot[t][1]);
		tv_set_int(c, "due_soon", tot[t][2]);
		tv_set_int(c, "paused", tot[t][3]);
	}
	(void)n;
	return 0;
}

int h_platform_dashboard(struct req *r)
{
	struct tv *ctx;
	struct org_node *nodes;
	size_t n, *idx, k;
	int *depth, rc;

	if (!sysadmin_or_respond(r))
		return 0;
	ctx = page_ctx(r, "全平台待办看板");
	tv_set_str(ctx, "scope", "全平台");
	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)) ||
	    (rc = platform_subtree(&r->arena, nodes, n, 0, &idx, &k, &depth)) ||
	    (rc = dashboard(r, ctx, nodes, n, idx, depth, k)))
		return respond_server_error(r, rc);
	return respond_html(r, 200, "platform_dashboard", ctx);
}

int h_org_subtree(struct req *r)
{
	struct tv *ctx;
	struct org_node *nodes;
	size_t n, *idx, k;
	int *depth, rc;

	if (!req_can_or_respond(r, PERM_OVERSEE))
		return 0;
	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)))
		return respond_server_error(r, rc);
	if (!platform_has_children(nodes, n, r->org.id))
		return respond_error(r, 404, "本机构没有下级机构。");
	ctx = page_ctx(r, "本级及下级机构待办看板");
	tv_set_str(ctx, "scope", r->org.name);
	tv_set_int(ctx, "year", rpub_last_year(date_today_cn()));
	tv_set_str(ctx, "org_slug", r->org.slug);
	if ((rc = platform_subtree(&r->arena, nodes, n, r->org.id, &idx, &k, &depth)) ||
	    (rc = dashboard(r, ctx, nodes, n, idx, depth, k)))
		return respond_server_error(r, rc);
	return respond_html(r, 200, "platform_dashboard", ctx);
}

/* ---- an agency's own settings ---- */

static int settings_page(struct req *r, int status, const char *error, const char *notice,
			 const struct org_contact *typed)
{
	struct tv *ctx = page_ctx(r, "机构设置"), *f;
	struct org_node o, *nodes;
	size_t n;
	bool kids;
	int rc;

	if ((rc = store_platform_org(req_db(r), &r->arena, r->org.id, &o)) ||
	    (rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)))
		return respond_server_error(r, rc);
	kids = platform_has_children(nodes, n, o.org.id);
	f = tv_set_map(ctx, "form");
	put_contact(f, typed ? typed : &o.contact);
	tv_set_str(ctx, "due", platform_due(&o, kids));
	tv_set_bool(ctx, "local_due", *o.report_due != '\0');
	tv_set_str(ctx, "kind", cn_kind(o.agency_kind));
	tv_set_str(ctx, "org_code", o.org.org_code);
	tv_set_str(ctx, "index_pattern", o.org.index_pattern);
	tv_set_bool(ctx, "has_children", kids);
	if (o.org.parent_id) {
		long at = platform_find(nodes, n, o.org.parent_id);

		tv_set_str(ctx, "parent", at >= 0 ? nodes[at].org.name : NULL);
	}
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	return respond_html(r, status, "platform_settings", ctx);
}

int h_org_settings(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return settings_page(r, 200, NULL, NULL, NULL);
}

int h_org_settings_save(struct req *r)
{
	struct org_contact c;
	const char *msg = NULL;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	contact_fields(r, &c);
	if ((rc = platform_validate_contact(&r->arena, &c, &msg)) == ERR_INVALID)
		return settings_page(r, 400, msg, NULL, &c);
	time_format_utc(time(NULL), now);
	if (rc || (rc = store_platform_set_contact(req_db(r), r->org.id, &c, now)))
		return respond_server_error(r, rc);
	return settings_page(r, 200, NULL, "联系方式已保存，公开指南和机构首页随之更新。", NULL);
}

/* ---- the 本级政府 report beside each child's ---- */

/* The report of org's year as the records give it (report_build: the
 * aggregate for an org with children) and its check. */
static int build_checked(struct db *db, struct arena *a, const struct org *org, int year, struct report_doc *d,
			 struct report_issue **issues, size_t *nissues, size_t *nerrors, const char **msg)
{
	int rc;

	*nerrors = 0;
	if ((rc = report_build(db, a, org, year, NULL, d, msg)) ||
	    (rc = report_check_doc(db, a, org, d, issues, nissues)))
		return rc;
	for (size_t i = 0; i < *nissues; i++)
		*nerrors += (*issues)[i].severity == REPORT_ERROR;
	return 0;
}

static long long t3_total(const struct app_year_counts *y, int what)
{
	long long s = 0;

	for (int c = 0; c < APP_COLS; c++)
		s += what == 0 ? y->received[c] : what == 1 ? y->carried_in[c] : what == 2 ? y->concluded[c] : y->carried_out[c];
	return s;
}

static void put_t3_totals(struct tv *m, const struct report_figures *f)
{
	tv_set_int(m, "received", t3_total(&f->t3, 0));
	tv_set_int(m, "carried_in", t3_total(&f->t3, 1));
	tv_set_int(m, "concluded", t3_total(&f->t3, 2));
	tv_set_int(m, "carried_out", t3_total(&f->t3, 3));
	tv_set_int(m, "items", f->published_items);
	tv_set_int(m, "reviews", f->t4[4]);
	tv_set_int(m, "suits", f->t4[9] + f->t4[14]);
}

static bool year_or_respond(struct req *r, int *year)
{
	int y, m, d;

	date_to_ymd(date_today_cn(), &y, &m, &d);
	if (r->id < REPORT_FIRST_YEAR || r->id > y) {
		respond_error(r, 400, arena_printf(&r->arena, "年度须在 %d 年至今年之间。", REPORT_FIRST_YEAR));
		return false;
	}
	*year = (int)r->id;
	return true;
}

int h_org_aggregate(struct req *r)
{
	struct tv *ctx, *list, *issues, *agg;
	struct org_node *nodes, self;
	struct org *kids;
	struct report_doc d;
	struct report_issue *iv;
	struct rpub_row *rows;
	struct report_keyfig total;
	struct buf b;
	size_t n, nk, ni, ne, nrows;
	const char *msg = NULL;
	int year, rc;
	long today = date_today_cn();

	if (!req_can_or_respond(r, PERM_OVERSEE) || !year_or_respond(r, &year))
		return 0;
	if ((rc = store_platform_orgs(req_db(r), &r->arena, &nodes, &n)) ||
	    (rc = store_platform_org(req_db(r), &r->arena, r->org.id, &self)))
		return respond_server_error(r, rc);
	rc = build_checked(req_db(r), &r->arena, &r->org, year, &d, &iv, &ni, &ne, &msg);
	if (rc == ERR_INVALID)
		return respond_error(r, 400, msg ? msg : "年度无效。");
	if (rc)
		return respond_server_error(r, rc);
	ctx = page_ctx(r, d.title);
	tv_set_int(ctx, "year", year);
	tv_set_str(ctx, "report_title", d.title);
	tv_set_str(ctx, "base", arena_printf(&r->arena, "/admin/o/%s/aggregate/%d", r->org.slug, year));
	tv_set_bool(ctx, "aggregate", d.fig.nmembers > 1);
	tv_set_int(ctx, "members", (long long)d.fig.nmembers);
	{
		bool has_kids = platform_has_children(nodes, n, r->org.id);
		char due[11];

		date_format(platform_deadline(&self, has_kids, year), due);
		tv_set_str(ctx, "due", due);
	}
	agg = tv_set_map(ctx, "agg");
	put_t3_totals(agg, &d.fig);
	tv_set_int(agg, "errors", (long long)ne);
	tv_set_int(agg, "issues", (long long)ni);
	issues = tv_set_list(ctx, "issues");
	for (size_t i = 0; i < ni; i++) {
		struct tv *m = tv_list_push_map(issues);

		tv_set_bool(m, "error", iv[i].severity == REPORT_ERROR);
		tv_set_str(m, "where", iv[i].where);
		tv_set_str(m, "msg", iv[i].msg);
	}
	/* each child: its own report's status (rpub), and the figures and the
	 * check of its report as the records give it */
	rc = rpub_platform(req_db(r), &r->arena, &r->org, year, today, &rows, &nrows, &total, &msg);
	if (rc)
		return rc == ERR_INVALID ? respond_error(r, 400, msg ? msg : "年度无效。") : respond_server_error(r, rc);
	(void)kids;
	(void)nk;
	list = tv_set_list(ctx, "children");
	for (size_t i = 0; i < nrows; i++) {
		struct tv *m = tv_list_push_map(list);
		struct arena s;
		struct report_doc cd;
		struct report_issue *civ;
		size_t cni, cne;
		const char *cmsg = NULL;
		char due[11];

		arena_init(&s, 0);
		rc = build_checked(req_db(r), &s, &rows[i].org, year, &cd, &civ, &cni, &cne, &cmsg);
		if (rc == 0) {
			put_t3_totals(m, &cd.fig);
			tv_set_int(m, "errors", (long long)cne);
			tv_set_bool(m, "has_errors", cne > 0);
			if (cne) {
				for (size_t j = 0; j < cni; j++)
					if (civ[j].severity == REPORT_ERROR) {
						tv_set_str(m, "first_error",
							   arena_printf(&r->arena, "%s：%s", civ[j].where, civ[j].msg));
						break;
					}
			}
			tv_set_bool(m, "sub_aggregate", cd.fig.nmembers > 1);
		}
		arena_release(&s);
		if (rc)
			return respond_server_error(r, rc);
		tv_set_str(m, "name", rows[i].org.name);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/aggregate/%d", rows[i].org.slug, year));
		tv_set_str(m, "status", !rows[i].rep.id ? "未编制"
					: strcmp(rows[i].rep.status, "published") == 0 ? "已发布" : "草稿");
		tv_set_bool(m, "late", rows[i].timeliness == RPUB_LATE || rows[i].timeliness == RPUB_OVERDUE);
		tv_set_str(m, "timeliness", rows[i].timeliness == RPUB_ON_TIME ? "按时"
					    : rows[i].timeliness == RPUB_LATE ? "逾期"
					    : rows[i].timeliness == RPUB_OVERDUE ? "逾期未发布" : "未到期");
		date_format(rows[i].deadline, due);
		tv_set_str(m, "due", due);
		tv_set_bool(m, "has_version_errors", rows[i].errors >= 0);
		tv_set_int(m, "version_errors", rows[i].errors);
	}
	buf_init(&b, &r->arena, RENDER_MAX);
	if ((rc = report_render_html(&r->arena, &d, false, &b)) || (rc = b.err))
		return respond_server_error(r, rc);
	/* generated by the report renderer, which escapes every piece of data */
	tv_set_html(ctx, "doc", safe_html_from_trusted(b.p, b.n));
	return respond_html(r, 200, "platform_aggregate", ctx);
}

int h_org_aggregate_download(struct req *r)
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
	const char *dot = strrchr(r->url, '.'), *msg = NULL;
	struct report_doc d;
	struct buf b;
	size_t k;
	int year, rc = ERR_INVALID;

	if (!req_can_or_respond(r, PERM_OVERSEE) || !year_or_respond(r, &year))
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (dot && strcmp(dot, kinds[k].ext) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return respond_error(r, 404, "没有这种格式。");
	rc = report_build(req_db(r), &r->arena, &r->org, year, NULL, &d, &msg);
	if (rc == ERR_INVALID)
		return respond_error(r, 400, msg ? msg : "年度无效。");
	if (rc)
		return respond_server_error(r, rc);
	buf_init(&b, &r->arena, RENDER_MAX);
	switch (k) {
	case 0:
		rc = report_render_docx(&r->arena, &d, &b);
		break;
	case 1:
		rc = report_render_pdf(&r->arena, &d, &b);
		break;
	case 2:
		rc = report_render_xlsx(&r->arena, &d, &b);
		break;
	case 3:
		rc = report_render_json(&r->arena, &d, &b);
		break;
	default:
		rc = report_render_md(&r->arena, &d, &b);
		break;
	}
	if (rc || (rc = b.err))
		return respond_server_error(r, rc);
	return respond_download(r, kinds[k].ctype, b.p, b.n, arena_printf(&r->arena, "%s%s", d.title, kinds[k].ext));
}
