/* view.c - see view.h. */
#include "http/view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/fts.h"
#include "core/banned.h"

const char *view_item_url(struct req *r, const char *org_slug, long long id)
{
	struct buf b;

	buf_init(&b, &r->arena, 512);
	buf_puts(&b, "/o/");
	url_encode_component(&b, org_slug, strlen(org_slug));
	buf_printf(&b, "/items/%lld", id);
	return buf_cstr(&b);
}

void view_marked(struct req *r, struct tv *map, const char *key, const char *marked)
{
	const char *html;

	if (marked && fts_snippet_html(&r->arena, marked, strlen(marked), &html) == 0)
		tv_set_html(map, key, safe_html_from_trusted(html, strlen(html)));
}

void view_rows(struct req *r, struct tv *list, const struct item_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_int(m, "id", rows[i].id);
		tv_set_str(m, "url", view_item_url(r, rows[i].org_slug, rows[i].id));
		tv_set_str(m, "title", rows[i].title);
		tv_set_str(m, "index_no", rows[i].index_no);
		tv_set_str(m, "doc_no", rows[i].doc_no);
		tv_set_str(m, "category", rows[i].category);
		tv_set_str(m, "published_on", rows[i].published_on);
		tv_set_str(m, "validity", rows[i].validity);
		tv_set_bool(m, "not_valid", rows[i].validity && strcmp(rows[i].validity, "有效") != 0);
		tv_set_str(m, "status", rows[i].status);
		tv_set_str(m, "updated_at", rows[i].updated_at);
		if (rows[i].snippet && *rows[i].snippet)
			view_marked(r, m, "snippet", rows[i].snippet);
		if (rows[i].title_marked && *rows[i].title_marked)
			view_marked(r, m, "title_html", rows[i].title_marked);
	}
}

void view_pager(struct req *r, struct tv *ctx, long long page, long long per_page, long long total,
		const char *base)
{
	long long pages = total ? (total + per_page - 1) / per_page : 1;
	struct tv *p;

	if (pages <= 1)
		return;
	p = tv_set_map(ctx, "pager");
	tv_set_int(p, "page", page);
	tv_set_int(p, "pages", pages);
	if (page > 1)
		tv_set_str(p, "prev", arena_printf(&r->arena, "%spage=%lld", base, page - 1));
	if (page < pages)
		tv_set_str(p, "next", arena_printf(&r->arena, "%spage=%lld", base, page + 1));
	tv_set_str(p, "first", arena_printf(&r->arena, "%spage=1", base));
	tv_set_str(p, "last", arena_printf(&r->arena, "%spage=%lld", base, pages));
}

const char *view_at_cn(struct req *r, const char *iso)
{
	int y, mo, d, h, mi, s;
	char out[17];

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
		return iso;
	time_format_cn((time_t)date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + s, out);
	return arena_strdup(&r->arena, out);
}
