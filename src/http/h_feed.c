/* h_feed.c - Atom feeds (per agency and per category) and the sitemaps. */
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "http/http.h"
#include "render/html.h"
#include "store/publication.h"
#include "store/store.h"
#include "core/banned.h"

#define FEED_ENTRIES 50
#define SITEMAP_MAX 50000 /* the sitemap protocol's limit for one file */

const char *req_base_url(struct req *r)
{
	const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
	const char *proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	struct buf b;

	buf_init(&b, &r->arena, 512);
	buf_puts(&b, proto && strcmp(proto, "https") == 0 ? "https://" : "http://");
	/* a Host header is attacker-controlled: keep only host name characters */
	for (const char *p = host ? host : "localhost"; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']')
			buf_putc(&b, *p);
	return buf_cstr(&b);
}

static void xml_text(struct buf *b, const char *s)
{
	if (s)
		xml_escape(b, s, strlen(s));
}

/* An Atom feed (RFC 4287) of the org's newest published items, or of one
 * category's: feed and entries with id, title, updated and the alternate
 * link to the HTML page; the feed's author is the agency (the entries
 * inherit it). updated is the time of the latest publication event (a
 * correction updates its entry and the feed; a withdrawal drops the entry
 * and updates the feed), published the item's date of publication. Built
 * from stored times only, so that the static tree's copy is identical. */
int page_feed(struct req *r, long long category_id, const char *base, struct page *p)
{
	struct category cat = { 0 };
	struct feed_entry *rows;
	const char *updated;
	size_t n;
	struct buf b;
	int rc;

	if (category_id) {
		rc = store_category_by_id(req_db(r), &r->arena, r->org.id, category_id, &cat);
		if (rc == ERR_NOT_FOUND)
			return page_error(p, 404, "没有这个公开类别。");
		if (rc)
			return rc;
	}
	if ((rc = store_feed_entries(req_db(r), &r->arena, r->org.id, category_id, FEED_ENTRIES, &rows, &n)) ||
	    (rc = store_feed_updated(req_db(r), &r->arena, r->org.id, category_id, &updated)))
		return rc;
	buf_init(&b, &r->arena, 4 * 1024 * 1024);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>");
	xml_text(&b, r->org.name);
	if (category_id) {
		buf_puts(&b, " - ");
		xml_text(&b, cat.name);
	}
	buf_puts(&b, "</title>\n<id>");
	xml_text(&b, base);
	buf_printf(&b, "/o/%s/", r->org.slug);
	if (category_id)
		buf_printf(&b, "catalog?category=%lld", category_id);
	buf_puts(&b, "</id>\n<updated>");
	xml_text(&b, updated ? updated : "1970-01-01T00:00:00Z");
	buf_puts(&b, "</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml_text(&b, base);
	xml_text(&b, r->url);
	buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_text(&b, base);
	buf_printf(&b, "/o/%s/", r->org.slug);
	if (category_id)
		buf_printf(&b, "catalog?category=%lld", category_id);
	buf_puts(&b, "\"/>\n<author><name>");
	xml_text(&b, r->org.name);
	buf_puts(&b, "</name></author>\n");
	for (size_t i = 0; i < n; i++) {
		const char *day = rows[i].published_on ? rows[i].published_on : "1970-01-01";

		buf_puts(&b, "<entry>\n<title>");
		xml_text(&b, rows[i].title);
		buf_puts(&b, "</title>\n<id>");
		xml_text(&b, base);
		buf_printf(&b, "/o/%s/items/%lld</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"",
			   rows[i].org_slug, rows[i].id);
		xml_text(&b, base);
		buf_printf(&b, "/o/%s/items/%lld\"/>\n", rows[i].org_slug, rows[i].id);
		buf_puts(&b, "<published>");
		xml_text(&b, day);
		buf_puts(&b, "T00:00:00+08:00</published>\n<updated>");
		if (rows[i].updated_at) {
			xml_text(&b, rows[i].updated_at);
		} else {
			xml_text(&b, day);
			buf_puts(&b, "T00:00:00+08:00");
		}
		buf_puts(&b, "</updated>\n<category term=\"");
		xml_text(&b, rows[i].category);
		buf_puts(&b, "\"/>\n<summary>");
		if (rows[i].index_no) {
			buf_puts(&b, "索引号：");
			xml_text(&b, rows[i].index_no);
		}
		if (rows[i].doc_no && *rows[i].doc_no) {
			buf_puts(&b, "　文号：");
			xml_text(&b, rows[i].doc_no);
		}
		buf_puts(&b, "</summary>\n</entry>\n");
	}
	buf_puts(&b, "</feed>\n");
	if (b.err)
		return b.err;
	return page_bytes_set(p, "application/atom+xml; charset=utf-8", b.p, b.n, "public, max-age=300");
}

int h_feed(struct req *r)
{
	struct page p;
	int rc = page_feed(r, 0, req_base_url(r), &p);

	return respond_page(r, rc, &p);
}

int h_feed_category(struct req *r)
{
	struct page p;
	int rc = page_feed(r, r->id, req_base_url(r), &p);

	return respond_page(r, rc, &p);
}

/* /sitemap.xml is an index: /sitemap-pages.xml (the agencies' home and
 * 指南 pages) and one sitemap per agency and year of publication,
 * /o/{org}/sitemap/{YYYY}.xml. A publication changes only its own year's
 * file (and the index when the year is new), whatever the number of items;
 * the static site writes the same files (static_site.c). */
int page_sitemap(struct req *r, const char *base, struct page *p)
{
	struct org *orgs;
	size_t no;
	struct buf b;
	int rc;

	if ((rc = store_org_list(req_db(r), &r->arena, &orgs, &no)))
		return rc;
	buf_init(&b, &r->arena, 16 * 1024 * 1024);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n<sitemap><loc>");
	xml_text(&b, base);
	buf_puts(&b, "/sitemap-pages.xml</loc></sitemap>\n");
	for (size_t i = 0; i < no; i++) {
		int *years;
		long long *counts;
		size_t ny;

		if ((rc = store_item_years(req_db(r), &r->arena, orgs[i].id, &years, &counts, &ny)))
			return rc;
		for (size_t j = 0; j < ny; j++) {
			if (counts[j] <= 0 || years[j] < 1 || years[j] > 9999)
				continue;
			buf_puts(&b, "<sitemap><loc>");
			xml_text(&b, base);
			buf_printf(&b, "/o/%s/sitemap/%d.xml</loc></sitemap>\n", orgs[i].slug, years[j]);
		}
	}
	buf_puts(&b, "</sitemapindex>\n");
	if (b.err)
		return b.err;
	return page_bytes_set(p, "application/xml; charset=utf-8", b.p, b.n, "public, max-age=3600");
}

int page_sitemap_pages(struct req *r, const char *base, struct page *p)
{
	struct org *orgs;
	size_t no;
	struct buf b;
	int rc;

	if ((rc = store_org_list(req_db(r), &r->arena, &orgs, &no)))
		return rc;
	buf_init(&b, &r->arena, 16 * 1024 * 1024);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < no; i++) {
		buf_puts(&b, "<url><loc>");
		xml_text(&b, base);
		buf_printf(&b, "/o/%s/</loc></url>\n<url><loc>", orgs[i].slug);
		xml_text(&b, base);
		buf_printf(&b, "/o/%s/guide</loc></url>\n", orgs[i].slug);
	}
	buf_puts(&b, "</urlset>\n");
	if (b.err)
		return b.err;
	return page_bytes_set(p, "application/xml; charset=utf-8", b.p, b.n, "public, max-age=3600");
}

int page_sitemap_year(struct req *r, long long year, const char *base, struct page *p)
{
	struct item_stamp *rows;
	size_t n;
	struct buf b;
	int rc;

	if (year < 1 || year > 9999)
		return page_error(p, 404, "没有这一年的站点地图。");
	if ((rc = store_item_stamps(req_db(r), &r->arena, r->org.id, (int)year, SITEMAP_MAX, &rows, &n)))
		return rc;
	if (n == 0)
		return page_error(p, 404, "这一年没有公开的信息。");
	buf_init(&b, &r->arena, 16 * 1024 * 1024);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, "<url><loc>");
		xml_text(&b, base);
		buf_printf(&b, "/o/%s/items/%lld</loc>", r->org.slug, rows[i].id);
		if (rows[i].published_on)
			buf_printf(&b, "<lastmod>%s</lastmod>", rows[i].published_on);
		buf_puts(&b, "</url>\n");
	}
	buf_puts(&b, "</urlset>\n");
	if (b.err)
		return b.err;
	return page_bytes_set(p, "application/xml; charset=utf-8", b.p, b.n, "public, max-age=3600");
}

int h_sitemap(struct req *r)
{
	struct page p;
	int rc = page_sitemap(r, req_base_url(r), &p);

	return respond_page(r, rc, &p);
}

int h_sitemap_pages(struct req *r)
{
	struct page p;
	int rc = page_sitemap_pages(r, req_base_url(r), &p);

	return respond_page(r, rc, &p);
}

int h_sitemap_year(struct req *r)
{
	struct page p;
	int rc = page_sitemap_year(r, r->id, req_base_url(r), &p);

	return respond_page(r, rc, &p);
}
