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

/* Length of the UTF-8 sequence at p (at most n bytes), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
		     : (p[0] & 0xF8) == 0xF0 ? 4 : 0;

	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return utf8_valid((const char *)p, len) ? len : 0;
}

const char *view_attachment_name(struct arena *a, const char *filename)
{
	const unsigned char *s = (const unsigned char *)(filename ? filename : "");
	size_t n = strlen((const char *)s), o = 0, ext = 0, keep;
	char *out = arena_alloc(a, n + 2);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(s + i, n - i);

		if (!k || s[i] < 0x20 || s[i] == 0x7F || s[i] == '/' || s[i] == '\\' || (o == 0 && s[i] == '.')) {
			out[o++] = '_';
			i += k ? k : 1;
		} else {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		}
	}
	if (!o)
		out[o++] = '_';
	out[o] = '\0';
	if (o <= ATT_NAME_MAX)
		return out;
	/* too long: cut the stem at a character boundary, keep a short extension */
	for (size_t i = o; i > 0 && o - i < 16; i--)
		if (out[i - 1] == '.') {
			ext = o - (i - 1);
			break;
		}
	keep = ATT_NAME_MAX - ext;
	while (keep > 0 && ((unsigned char)out[keep] & 0xC0) == 0x80)
		keep--;
	memmove(out + keep, out + o - ext, ext);
	out[keep + ext] = '\0';
	return out;
}

const char *view_attachment_url(struct arena *a, const char *org_slug, long long item_id, long long att_id,
				const char *filename)
{
	const char *name = view_attachment_name(a, filename);
	struct buf b;

	if (!name)
		return NULL;
	buf_init(&b, a, 4096);
	buf_puts(&b, "/o/");
	url_encode_component(&b, org_slug, strlen(org_slug));
	buf_printf(&b, "/items/%lld/files/%lld/", item_id, att_id);
	url_encode_component(&b, name, strlen(name));
	return b.err ? NULL : buf_cstr(&b);
}
