/* h_api.c - the JSON API (documented in README.md): the public catalog of
 * an agency and its items. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "http/http.h"
#include "http/view.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

static int send_json(struct req *r, int status, json_t *j)
{
	char *s;
	int rc;

	if (!j)
		return respond_error(r, 500, "服务器内部错误。");
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return respond_error(r, 500, "服务器内部错误。");
	rc = respond_json(r, status, s);
	free(s);
	return rc;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int h_api_items(struct req *r)
{
	const char *q = param_str(r, "q"), *cat_name = param_str(r, "category"), *match = "";
	long long page = param_int(r, "page", 1), per_page = param_int(r, "per_page", 20), total = 0;
	struct item_filter f = { .org_id = r->org.id, .status = "published" };
	struct item_row *rows = NULL;
	size_t n = 0;
	bool capped = false;
	json_t *root, *items;
	int rc;

	if (q && !req_rate_ok_or_respond(r, r->app->limits.search, true,
					 "检索过于频繁：同一网络每分钟的检索次数有上限。"))
		return 0;
	f.year = (int)param_int(r, "year", 0);
	f.limit = per_page;
	f.offset = (page - 1) * per_page;
	if (cat_name) {
		struct category c;

		rc = store_category_by_name(req_db(r), &r->arena, r->org.id, cat_name, &c);
		if (rc == ERR_NOT_FOUND)
			return respond_error(r, 400, "未知的公开类别。");
		if (rc)
			return respond_error(r, 500, "服务器内部错误。");
		f.category_id = c.id;
	}
	if (q && (rc = fts_match_expr(r->app->fts, &r->arena, q, strlen(q), &match)))
		return respond_error(r, 500, "服务器内部错误。");
	if (q && !*match)
		rc = 0; /* nothing searchable in q: no results */
	else if (q)
		rc = store_item_search(req_db(r), &r->arena, match, &f, &rows, &n, &total, &capped);
	else
		rc = store_item_list(req_db(r), &r->arena, &f, &rows, &n, &total);
	if (rc)
		return respond_error(r, 500, "服务器内部错误。");
	root = json_object();
	items = json_array();
	json_object_set_new(root, "total", json_integer(total));
	if (capped)
		json_object_set_new(root, "total_is_lower_bound", json_true());
	json_object_set_new(root, "page", json_integer(page));
	json_object_set_new(root, "per_page", json_integer(per_page));
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_object();

		json_object_set_new(it, "id", json_integer(rows[i].id));
		json_object_set_new(it, "index_no", str_or_null(rows[i].index_no));
		json_object_set_new(it, "title", json_string(rows[i].title));
		json_object_set_new(it, "doc_no", json_string(rows[i].doc_no));
		json_object_set_new(it, "category", json_string(rows[i].category));
		json_object_set_new(it, "published_on", str_or_null(rows[i].published_on));
		json_object_set_new(it, "url", json_string(view_item_url(r, rows[i].org_slug, rows[i].id)));
		json_array_append_new(items, it);
	}
	json_object_set_new(root, "items", items);
	return send_json(r, 200, root);
}

int h_api_item(struct req *r)
{
	struct item it;
	struct org org;
	struct attachment *atts;
	size_t na;
	json_t *j, *al;
	int rc = store_item_get_any(req_db(r), &r->arena, r->id, &it);

	if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(it.status, "published") != 0))
		return respond_error(r, 404, "该信息不存在或未公开。");
	if (rc || (rc = store_org_by_id(req_db(r), &r->arena, it.org_id, &org)) ||
	    (rc = store_attachment_list(req_db(r), &r->arena, it.org_id, it.id, &atts, &na)))
		return respond_error(r, 500, "服务器内部错误。");
	if (org.deactivated)
		return respond_error(r, 404, "该机构已停用，其公开信息不再提供。");
	j = json_object();
	json_object_set_new(j, "id", json_integer(it.id));
	json_object_set_new(j, "org", json_string(org.slug));
	json_object_set_new(j, "org_name", json_string(org.name));
	json_object_set_new(j, "index_no", str_or_null(it.index_no));
	json_object_set_new(j, "title", json_string(it.title));
	json_object_set_new(j, "doc_no", json_string(it.doc_no));
	json_object_set_new(j, "publisher", json_string(it.publisher));
	json_object_set_new(j, "written_on", str_or_null(it.written_on));
	json_object_set_new(j, "published_on", str_or_null(it.published_on));
	json_object_set_new(j, "category", json_string(it.category));
	json_object_set_new(j, "topic", json_string(it.topic));
	json_object_set_new(j, "genre", json_string(it.genre));
	json_object_set_new(j, "validity", json_string(it.validity));
	json_object_set_new(j, "validity_on", str_or_null(it.validity_on));
	json_object_set_new(j, "summary", json_string(it.summary));
	json_object_set_new(j, "body_md", json_string(it.body_md));
	json_object_set_new(j, "views", json_integer(it.views));
	json_object_set_new(j, "url", json_string(view_item_url(r, org.slug, it.id)));
	al = json_array();
	for (size_t i = 0; i < na; i++) {
		json_t *a = json_object();

		json_object_set_new(a, "filename", json_string(atts[i].filename));
		json_object_set_new(a, "mime", json_string(atts[i].mime));
		json_object_set_new(a, "size", json_integer(atts[i].size));
		json_object_set_new(a, "sha256", json_string(atts[i].sha256));
		json_object_set_new(a, "url", json_string(view_attachment_url(&r->arena, org.slug, it.id, atts[i].id,
									       atts[i].filename)));
		json_array_append_new(al, a);
	}
	json_object_set_new(j, "attachments", al);
	return send_json(r, 200, j);
}
