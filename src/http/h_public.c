/* h_public.c - the public portal: agency home, catalog, item page,
 * attachments, search, 指南. */
#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/catalog/catalog.h"
#include "domain/catalog/views.h"
#include "http/h_items.h"
#include "http/http.h"
#include "http/view.h"
#include "render/html.h"
#include "render/htmlcache.h"
#include "render/markdown.h"
#include "render/tmpl.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

#define PUBLIC_PER_PAGE 20

int h_root(struct req *r)
{
	struct org *orgs;
	size_t n;
	struct tv *ctx, *list;
	int rc;

	if ((rc = store_org_list(req_db(r), &r->arena, &orgs, &n)))
		return respond_server_error(r, rc);
	if (n == 1)
		return respond_redirect(r, arena_printf(&r->arena, "/o/%s/", orgs[0].slug));
	if (n > 1)
		return h_platform_home(r); /* the agencies by tree (h_platform.c) */
	ctx = page_ctx(r, "政府信息公开");
	list = tv_set_list(ctx, "orgs");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "name", orgs[i].name);
		tv_set_str(m, "slug", orgs[i].slug);
	}
	return respond_html(r, 200, "orgs", ctx);
}

static const char *static_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	return "application/octet-stream";
}

int h_static(struct req *r)
{
	char name[256];
	const struct asset *a;

	if (snprintf(name, sizeof(name), "static/%s", r->rest) >= (int)sizeof(name) ||
	    !(a = asset_find(name)))
		return respond_error(r, 404, "文件不存在。");
	return respond_bytes(r, 200, static_type(name), (const char *)a->data, a->len, "public, max-age=3600");
}

/* Categories of the org in tree order with counts, into ctx.categories. */
static int put_categories(struct req *r, struct tv *ctx, long long selected, struct category **cats, size_t *ncat)
{
	struct tv *list = tv_set_list(ctx, "categories");
	struct category *flat;
	int *depth;
	long long total = 0;
	int rc;

	if ((rc = store_category_list(req_db(r), &r->arena, r->org.id, &flat, ncat)) ||
	    (rc = catalog_category_tree(&r->arena, flat, *ncat, cats, &depth)))
		return rc;
	for (size_t i = 0; i < *ncat; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_int(m, "id", (*cats)[i].id);
		tv_set_str(m, "name", (*cats)[i].name);
		tv_set_str(m, "article", (*cats)[i].article);
		tv_set_int(m, "count", (*cats)[i].published);
		tv_set_bool(m, "selected", (*cats)[i].id == selected);
		tv_set_bool(m, "child", depth[i] > 0);
		total += (*cats)[i].published;
	}
	tv_set_int(ctx, "total_published", total);
	return 0;
}

int page_home(struct req *r, struct page *p)
{
	struct tv *ctx = page_ctx(r, "首页");
	struct item_filter f = { .org_id = r->org.id, .status = "published", .limit = 10 };
	struct category *cats;
	struct item_row *rows;
	size_t ncat, n;
	int rc;

	if ((rc = put_categories(r, ctx, 0, &cats, &ncat)) ||
	    (rc = store_item_list(req_db(r), &r->arena, &f, &rows, &n, NULL)) || (rc = platform_put_contact(r, ctx)))
		return rc;
	view_rows(r, tv_set_list(ctx, "latest"), rows, n);
	return page_html(p, "home", ctx);
}

int h_org_home(struct req *r)
{
	struct page p;
	int rc = page_home(r, &p);

	return respond_page(r, rc, &p);
}

int page_catalog(struct req *r, struct page *p)
{
	struct tv *ctx;
	struct item_filter f = { .org_id = r->org.id, .status = "published", .limit = PUBLIC_PER_PAGE };
	struct category *cats, cat;
	struct item_row *rows;
	size_t ncat, n;
	long long total, page = param_int(r, "page", 1);
	const char *validity = param_str(r, "validity");
	int *years;
	long long *ycounts;
	size_t ny;
	struct buf base;
	struct tv *yl, *vl;
	static const char *const validities[] = { "有效", "已修改", "废止", "失效" };
	int rc;

	f.category_id = param_int(r, "category", 0);
	f.year = (int)param_int(r, "year", 0);
	if (validity) {
		bool known = false;

		for (size_t i = 0; i < 4; i++)
			known = known || strcmp(validity, validities[i]) == 0;
		if (!known)
			return page_error(p, 400, "有效性应为：有效、已修改、废止或失效。");
		f.validity = validity;
	}
	if (f.category_id) {
		rc = store_category_by_id(req_db(r), &r->arena, r->org.id, f.category_id, &cat);
		if (rc == ERR_NOT_FOUND)
			return page_error(p, 404, "没有这个公开类别。");
		if (rc)
			return rc;
	}
	f.offset = (page - 1) * PUBLIC_PER_PAGE;
	ctx = page_ctx(r, f.category_id ? cat.name : "政府信息公开目录");
	if ((rc = put_categories(r, ctx, f.category_id, &cats, &ncat)) ||
	    (rc = store_item_list(req_db(r), &r->arena, &f, &rows, &n, &total)) ||
	    (rc = store_item_years(req_db(r), &r->arena, r->org.id, &years, &ycounts, &ny)))
		return rc;
	if (f.category_id) {
		tv_set_str(ctx, "category_name", cat.name);
		tv_set_str(ctx, "category_article", cat.article);
		tv_set_int(ctx, "category_id", f.category_id);
	}
	yl = tv_set_list(ctx, "years");
	for (size_t i = 0; i < ny; i++) {
		struct tv *m = tv_list_push_map(yl);

		tv_set_int(m, "year", years[i]);
		tv_set_int(m, "count", ycounts[i]);
		tv_set_bool(m, "selected", years[i] == f.year);
	}
	vl = tv_set_list(ctx, "validities");
	for (size_t i = 0; i < 4; i++) {
		struct tv *m = tv_list_push_map(vl);

		tv_set_str(m, "name", validities[i]);
		tv_set_bool(m, "selected", validity && strcmp(validity, validities[i]) == 0);
	}
	tv_set_int(ctx, "total", total);
	tv_set_int(ctx, "year", f.year);
	view_rows(r, tv_set_list(ctx, "items"), rows, n);
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "/o/%s/catalog?", r->org.slug);
	if (f.category_id)
		buf_printf(&base, "category=%lld&", f.category_id);
	if (f.year)
		buf_printf(&base, "year=%d&", f.year);
	if (validity) {
		buf_puts(&base, "validity=");
		url_encode_component(&base, validity, strlen(validity));
		buf_putc(&base, '&');
	}
	view_pager(r, ctx, page, PUBLIC_PER_PAGE, total, buf_cstr(&base));
	if (n == 0 && page > 1)
		return page_error(p, 404, "没有这一页。");
	return page_html(p, "catalog", ctx);
}

int h_catalog(struct req *r)
{
	struct page p;
	int rc = page_catalog(r, &p);

	return respond_page(r, rc, &p);
}

/* The item's metadata table and body, as the public sees them. */
static int item_ctx(struct req *r, struct tv *ctx, const struct item *it)
{
	struct safe_html body;
	struct attachment *atts;
	size_t na;
	struct tv *m = tv_set_map(ctx, "item"), *al;
	int rc;

	tv_set_int(m, "id", it->id);
	tv_set_str(m, "index_no", it->index_no);
	tv_set_str(m, "title", it->title);
	tv_set_str(m, "doc_no", it->doc_no);
	tv_set_str(m, "publisher", it->publisher);
	tv_set_str(m, "written_on", it->written_on);
	tv_set_str(m, "published_on", it->published_on);
	tv_set_str(m, "category", it->category);
	tv_set_int(m, "category_id", it->category_id);
	tv_set_str(m, "topic", it->topic);
	tv_set_str(m, "genre", it->genre);
	tv_set_str(m, "validity", it->validity);
	tv_set_str(m, "validity_on", it->validity_on);
	tv_set_str(m, "summary", it->summary);
	tv_set_int(m, "views", it->views);
	/* a body generated as HTML (the annual report: report_render_html,
	 * which escapes every piece of data; it carries its own <h1>) is shown
	 * as stored; a Markdown body is rendered, and an item's version changes
	 * with every edit, so a cached body is current */
	if (it->body_html && *it->body_html) {
		body = safe_html_from_trusted(it->body_html, strlen(it->body_html));
	} else if (!r->app->bodies || !htmlcache_get(r->app->bodies, it->id, it->version, &r->arena, &body)) {
		if ((rc = markdown_to_html(&r->arena, it->body_md, strlen(it->body_md), &body)))
			return rc;
		if (r->app->bodies)
			htmlcache_put(r->app->bodies, it->id, it->version, body);
	}
	tv_set_html(m, "body", body);
	tv_set_bool(m, "html_body", it->body_html && *it->body_html);
	tv_set_str(m, "corrected_on", it->corrected_on);
	if ((rc = item_versions_ctx(r, m, it)))
		return rc;
	if ((rc = store_attachment_list(req_db(r), &r->arena, r->org.id, it->id, &atts, &na)))
		return rc;
	tv_set_bool(m, "has_attachments", na > 0);
	al = tv_set_list(m, "attachments");
	for (size_t i = 0; i < na; i++) {
		struct tv *a = tv_list_push_map(al);

		tv_set_int(a, "id", atts[i].id);
		tv_set_str(a, "filename", atts[i].filename);
		tv_set_str(a, "mime", atts[i].mime);
		tv_set_str(a, "size", atts[i].size >= 1024 * 1024
			   ? arena_printf(&r->arena, "%.1f MB", (double)atts[i].size / (1024.0 * 1024.0))
			   : arena_printf(&r->arena, "%.0f KB", (double)atts[i].size / 1024.0 + 0.5));
		tv_set_str(a, "url", view_attachment_url(&r->arena, r->org.slug, it->id, atts[i].id, atts[i].filename));
	}
	return 0;
}

int page_item(struct req *r, struct page *p)
{
	struct item it;
	struct tv *ctx;
	int rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);

	if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(it.status, "published") != 0))
		return page_error(p, 404, "该信息不存在或已撤回。");
	if (rc)
		return rc;
	/* counted in memory, written in batches: reading is not a write (the
	 * static generator has no counter: its pages show the stored count) */
	if (r->app->views) {
		if (r->method == M_GET)
			view_batch_add(r->app->views, it.id);
		it.views += view_batch_pending(r->app->views, it.id);
	}
	ctx = page_ctx(r, it.title);
	if ((rc = item_ctx(r, ctx, &it)))
		return rc;
	return page_html(p, "item", ctx);
}

int h_item(struct req *r)
{
	struct page p;
	int rc = page_item(r, &p);

	return respond_page(r, rc, &p);
}

int h_attachment(struct req *r)
{
	struct item it;
	struct attachment at;
	const char *name;
	char path[1024];
	int rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);

	/* a draft's files: only for the org's own staff */
	if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(it.status, "published") != 0 && !req_can(r, PERM_READ)))
		return respond_error(r, 404, "文件不存在。");
	if (rc)
		return respond_server_error(r, rc);
	rc = store_attachment_get(req_db(r), &r->arena, r->org.id, r->id2, &at);
	if (rc == ERR_NOT_FOUND || (rc == 0 && at.item_id != it.id))
		return respond_error(r, 404, "文件不存在。");
	if (rc)
		return respond_server_error(r, rc);
	/* /files/{id2}/NAME: the name it is published under (the last segment
	 * of its link, and its name in the static tree); without it the
	 * older link */
	name = view_attachment_name(&r->arena, at.filename);
	if (!name)
		return respond_server_error(r, ERR_NOMEM);
	if (r->rest && strcmp(r->rest, name) != 0)
		return respond_error(r, 404, "文件不存在。");
	snprintf(path, sizeof(path), "%s/%.2s/%s", r->app->files_dir, at.sha256, at.sha256);
	return respond_file(r, path, at.mime, name);
}

#define SEARCH_LIMITED "检索过于频繁：同一网络每分钟的检索次数有上限。"

int h_search(struct req *r)
{
	const char *q = param_str(r, "q"), *org_slug = param_str(r, "org");
	const char *match = "";
	struct item_filter f = { .status = "published", .limit = PUBLIC_PER_PAGE };
	long long page = param_int(r, "page", 1), total = 0;
	struct item_row *rows = NULL;
	size_t n = 0;
	bool capped = false;
	struct tv *ctx;
	struct buf base;
	int rc;

	if (!r->org.id && org_slug) {
		rc = store_org_by_slug(req_db(r), &r->arena, org_slug, &r->org);
		if (rc && rc != ERR_NOT_FOUND)
			return respond_server_error(r, rc);
		if (rc == ERR_NOT_FOUND)
			memset(&r->org, 0, sizeof(r->org));
	}
	if (q && !req_rate_ok_or_respond(r, r->app->limits.search, true, SEARCH_LIMITED))
		return 0;
	f.org_id = r->org.id;
	f.category_id = param_int(r, "category", 0);
	f.year = (int)param_int(r, "year", 0);
	f.offset = (page - 1) * PUBLIC_PER_PAGE;
	ctx = page_ctx(r, q ? arena_printf(&r->arena, "搜索：%s", q) : "搜索");
	tv_set_str(ctx, "q", q);
	if (q && (rc = fts_match_expr(r->app->fts, &r->arena, q, strlen(q), &match)))
		return respond_server_error(r, rc);
	if (*match) {
		rc = store_item_search(req_db(r), &r->arena, match, &f, &rows, &n, &total, &capped);
		if (rc)
			return respond_server_error(r, rc);
	}
	tv_set_bool(ctx, "searched", q != NULL);
	tv_set_int(ctx, "total", total);
	tv_set_bool(ctx, "capped", capped);
	tv_set_int(ctx, "year", f.year);
	view_rows(r, tv_set_list(ctx, "results"), rows, n);
	if (r->org.id) {
		struct category *cats;
		size_t ncat;

		if ((rc = put_categories(r, ctx, f.category_id, &cats, &ncat)))
			return respond_server_error(r, rc);
	}
	buf_init(&base, &r->arena, 1024);
	if (r->org.id)
		buf_printf(&base, "/o/%s/search?", r->org.slug);
	else
		buf_puts(&base, "/search?");
	if (q) {
		buf_puts(&base, "q=");
		url_encode_component(&base, q, strlen(q));
		buf_putc(&base, '&');
	}
	if (f.category_id)
		buf_printf(&base, "category=%lld&", f.category_id);
	if (f.year)
		buf_printf(&base, "year=%d&", f.year);
	/* ranked results go as deep as the search window */
	view_pager(r, ctx, page, PUBLIC_PER_PAGE,
		   total < store_search_window() ? total : store_search_window(), buf_cstr(&base));
	return respond_html(r, 200, "search", ctx);
}

int page_guide(struct req *r, struct page *p)
{
	struct tv *ctx = page_ctx(r, "政府信息公开指南");
	struct safe_html h;
	int rc;

	if ((rc = markdown_to_html(&r->arena, r->org.guide_md, strlen(r->org.guide_md), &h)))
		return rc;
	tv_set_html(ctx, "guide", h);
	tv_set_bool(ctx, "has_guide", *r->org.guide_md != '\0');
	if ((rc = platform_put_contact(r, ctx)))
		return rc;
	return page_html(p, "guide", ctx);
}

int h_guide(struct req *r)
{
	struct page p;
	int rc = page_guide(r, &p);

	return respond_page(r, rc, &p);
}
