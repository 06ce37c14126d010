/* static_site.h - the static publication of the public pages: the same
 * bytes the dynamic site serves (http/page_* builders), written as files
 * under a directory that nginx serves (deploy/nginx-static.conf), each
 * atomically, only when it changed, with DIR/.manifest of their digests.
 *
 * The tree (paths relative to DIR; a page's file is its URL path plus
 * ".html", a query string kept as it is in the site's own links):
 *   o/{org}/index.html                  /o/{org}/
 *   o/{org}/catalog.html                /o/{org}/catalog (first page)
 *   o/{org}/catalog?category={id}.html  /o/{org}/catalog?category={id}
 *   o/{org}/catalog?year={y}.html       /o/{org}/catalog?year={y}
 *   o/{org}/guide.html                  /o/{org}/guide
 *   o/{org}/items/{id}.html             /o/{org}/items/{id}
 *   o/{org}/items/{id}/versions/{n}.html
 *   o/{org}/feed.atom, o/{org}/feed/{category}.atom
 *   o/{org}/sitemap/{year}.xml          the items published in year
 *   sitemap.xml                         the index of the sitemaps
 *   sitemap-pages.xml                   every agency's home and 指南
 *   static/NAME                         (the compiled-in style sheet etc.)
 *   o/{org}/items/{id}/files/{aid}/{name}   an attachment, under the name
 *                                       its link ends with (view_attachment_url)
 * Later pages of lists (page=2...), other filters, search, forms, tracking
 * and staff pages stay dynamic. Item pages show the view count
 * as of their generation (nginx does not count). */
#ifndef GK_HTTP_STATIC_SITE_H
#define GK_HTTP_STATIC_SITE_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct db;
struct org;
struct req;

struct static_site {
	const char *dir;   /* the tree's root */
	const char *base;  /* "http://host" of absolute URLs in feeds and the sitemap */
	const char *files; /* the attachments' file store (NULL: the app's files_dir) */
};

struct static_stats {
	long long rendered;  /* pages built */
	long long written;   /* files whose bytes changed and were replaced */
	long long removed;   /* files of pages that no longer exist */
};

/* Build the pages of org (NULL: every agency). Without full, item pages
 * already in the manifest are not rebuilt (only missing ones, and those of
 * items no longer published are removed); with full every page is built
 * and compared with the file on disk, which repairs files changed or
 * removed behind the application's back, and files are synced once at the
 * end instead of one by one. On failure err gets a Chinese message.
 * Returns 0 or an err code. The caller's db sees committed data. */
int static_build(struct app *app, struct db *db, const struct static_site *s, const char *org_slug, bool full,
		 struct static_stats *st, char *err, size_t errlen);

/* static_build for a command: with its own templates and no caches. */
int static_build_standalone(struct db *db, const struct static_site *s, const char *org_slug, bool full,
			    struct static_stats *st, char *err, size_t errlen);

/* static_item_changed for a command (publish-static --item): the org by
 * slug, its own templates. */
int static_item_standalone(struct db *db, const struct static_site *s, const char *org_slug, long long item_id,
			   struct static_stats *st, char *err, size_t errlen);

/* After item_id of org was published, withdrawn or corrected (after the
 * transaction committed): its pages and versions (or their removal), the
 * org's home, catalog first pages, feeds, its year's sitemap and the
 * sitemap index. 0 or an err
 * code with a Chinese message in err. */
int static_item_changed(struct app *app, struct db *db, const struct static_site *s, const struct org *org,
			long long item_id, struct static_stats *st, char *err, size_t errlen);

/* After a change of org's pages that is not one item's publication (the
 * 指南, a category: category_id, whose items' pages show its name and
 * whose list and feed are removed when it was deleted): the org's pages,
 * the category's items, the sitemaps. 0 or an err code with a Chinese
 * message in err. */
int static_org_changed(struct app *app, struct db *db, const struct static_site *s, const struct org *org,
		       long long category_id, struct static_stats *st, char *err, size_t errlen);

/* For a handler, after its transaction committed a change of r->org's
 * public pages: static_item_changed (item_id > 0) or static_org_changed.
 * NULL when done (or no static tree); on failure the failure is recorded
 * (shown on the org's staff pages until a full rebuild succeeds) and the
 * Chinese warning for the staff member is returned (arena). Never undoes
 * the change. */
const char *static_after_change(struct req *r, long long item_id, long long category_id);

#endif
