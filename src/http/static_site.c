/* static_site.c - see static_site.h. */
#include "http/static_site.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/afile.h"
#include "core/assets.h"
#include "core/err.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/date.h"
#include "http/http.h"
#include "http/view.h"
#include "render/tmpl.h"
#include "store/item_review.h"
#include "store/publication.h"
#include "store/store.h"
#include "core/banned.h"

#define ITEMS_MAX 10000000

/* One run of the generator: the tree, its manifest, what was kept. */
struct gen {
	struct app *app;
	struct db *db;
	const struct static_site *s;
	struct arena a;          /* the run: manifest, paths */
	struct manifest m;
	struct manifest keep;    /* full builds: paths produced in this run */
	bool full;               /* compare with the disk, sync once at the end */
	struct static_stats *st;
	char *err;
	size_t errlen;
	int lock_fd;
	/* full builds: the manifest's replaced-version pages of the org vorg
	 * ("o/SLUG/items/"), sorted, read once per run: a scan of the manifest
	 * per item made a full build quadratic */
	const char *vorg;
	const char **vpaths;
	size_t nvpaths;
};

static const char *errno_zh(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return "没有写权限";
	case ENOSPC:
	case EDQUOT:
		return "磁盘空间不足";
	case EROFS:
		return "文件系统只读";
	case ENOENT:
		return "目录不存在";
	case ENOTDIR:
		return "路径中有同名文件";
	default:
		return strerror(e);
	}
}

static int fail_io(struct gen *g, const char *what, const char *rel)
{
	int e = errno;

	snprintf(g->err, g->errlen, "静态页面%s失败：%s/%s（%s）", what, g->s->dir, rel, errno_zh(e));
	log_error("static: %s %s/%s: %s", what, g->s->dir, rel, strerror(e));
	return ERR_IO;
}

static int fail_rc(struct gen *g, const char *rel, int rc)
{
	snprintf(g->err, g->errlen, "静态页面生成失败：%s（%s）", rel, err_name(rc));
	log_error("static: build %s: %s", rel, err_name(rc));
	return rc;
}

/* Put (p, n) at rel unless the file already holds exactly these bytes. */
static int put(struct gen *g, const char *rel, const char *p, size_t n)
{
	char hex[65], disk[65];
	const struct mf_entry *e = manifest_get(&g->m, rel);
	char *full = arena_printf(&g->a, "%s/%s", g->s->dir, rel);
	long long size;
	int rc;

	if (!full)
		return ERR_NOMEM;
	afile_sha256_hex(p, n, hex);
	if (g->full && (rc = manifest_put(&g->keep, rel, (long long)n, hex)))
		return rc;
	if (e && e->size == (long long)n && strcmp(e->sha256, hex) == 0 &&
	    (!g->full || (afile_sha256_file(full, disk, &size) == 0 && size == (long long)n &&
			  strcmp(disk, hex) == 0)))
		return 0;
	if (afile_write(full, p, n, !g->full))
		return fail_io(g, "写入", rel);
	g->st->written++;
	return manifest_put(&g->m, rel, (long long)n, hex);
}

static int drop(struct gen *g, const char *rel)
{
	char *full = arena_printf(&g->a, "%s/%s", g->s->dir, rel);

	if (!full)
		return ERR_NOMEM;
	if (unlink(full) != 0 && errno != ENOENT)
		return fail_io(g, "删除", rel);
	if (manifest_get(&g->m, rel))
		g->st->removed++;
	manifest_del(&g->m, rel);
	return 0;
}

/* Put a copy of the attachment file from (size, sha256 as registered) at
 * rel unless the tree already holds it. The copy is hashed as it is made:
 * a stored file that no longer matches its digest is not published. */
static int put_file(struct gen *g, const char *rel, const char *from, long long size, const char *sha256)
{
	const struct mf_entry *e = manifest_get(&g->m, rel);
	char *full = arena_printf(&g->a, "%s/%s", g->s->dir, rel);
	char disk[65], hex[65];
	long long n;
	int rc;

	if (!full)
		return ERR_NOMEM;
	if (g->full && (rc = manifest_put(&g->keep, rel, size, sha256)))
		return rc;
	if (e && e->size == size && strcmp(e->sha256, sha256) == 0 &&
	    (!g->full || (afile_sha256_file(full, disk, &n) == 0 && n == size && strcmp(disk, sha256) == 0)))
		return 0;
	rc = afile_copy(full, from, !g->full, hex, &n);
	if (rc == ERR_NOT_FOUND) {
		snprintf(g->err, g->errlen, "附件文件缺失：%s（%s）", from, rel);
		log_error("static: attachment %s of %s missing", from, rel);
		return ERR_IO;
	}
	if (rc)
		return fail_io(g, "附件复制", rel);
	if (n != size || strcmp(hex, sha256) != 0) {
		unlink(full);
		snprintf(g->err, g->errlen, "附件文件与登记的摘要不符：%s（%s）", from, rel);
		log_error("static: attachment %s of %s: sha256 %s, registered %s", from, rel, hex, sha256);
		return ERR_IO;
	}
	g->st->written++;
	return manifest_put(&g->m, rel, n, hex);
}

/* The public's request for url in org: what a page builder sees. */
static void req_for(struct gen *g, struct req *r, const struct org *org, const char *url)
{
	memset(r, 0, sizeof(*r));
	r->app = g->app;
	r->db = g->db;
	r->method = M_GET;
	r->url = url;
	arena_init(&r->arena, 0);
	if (org)
		r->org = *org;
}

static struct param *param_num(struct req *r, const char *name, long long v)
{
	struct param *p = arena_zalloc(&r->arena, sizeof(*p));

	if (!p)
		return NULL;
	p->name = name;
	p->val = arena_printf(&r->arena, "%lld", v);
	p->len = p->val ? strlen(p->val) : 0;
	p->num = v;
	p->next = r->params;
	r->params = p;
	return p;
}

enum kind {
	K_HOME, K_CATALOG_ALL, K_CATALOG_CAT, K_CATALOG_YEAR, K_GUIDE, K_ITEM, K_VERSION, K_FEED, K_SITEMAP,
	K_SITEMAP_PAGES, K_SITEMAP_YEAR
};

/* Build one page and put it at rel; a page that is now an error (an item
 * withdrawn) is removed instead. *gone (may be NULL) says so. */
static int one(struct gen *g, const struct org *org, enum kind k, long long id, long long id2, const char *url,
	       const char *rel, bool *gone)
{
	struct req r;
	struct page p;
	const char *bytes;
	size_t n;
	int rc;

	req_for(g, &r, org, url);
	r.id = id;
	r.id2 = id2;
	switch (k) {
	case K_HOME:
		rc = page_home(&r, &p);
		break;
	case K_CATALOG_CAT:
		rc = param_num(&r, "category", id) ? page_catalog(&r, &p) : ERR_NOMEM;
		break;
	case K_CATALOG_YEAR:
		rc = param_num(&r, "year", id) ? page_catalog(&r, &p) : ERR_NOMEM;
		break;
	case K_CATALOG_ALL:
		rc = page_catalog(&r, &p);
		break;
	case K_GUIDE:
		rc = page_guide(&r, &p);
		break;
	case K_ITEM:
		rc = page_item(&r, &p);
		break;
	case K_VERSION:
		rc = page_item_version(&r, &p);
		break;
	case K_FEED:
		rc = page_feed(&r, id, g->s->base, &p);
		break;
	case K_SITEMAP_PAGES:
		rc = page_sitemap_pages(&r, g->s->base, &p);
		break;
	case K_SITEMAP_YEAR:
		rc = page_sitemap_year(&r, id, g->s->base, &p);
		break;
	case K_SITEMAP:
	default:
		rc = page_sitemap(&r, g->s->base, &p);
		break;
	}
	g->st->rendered++;
	if (gone)
		*gone = false;
	if (rc == 0 && p.status != 200) {
		if (gone)
			*gone = true;
		rc = drop(g, rel);
	} else if (rc == 0 && (rc = page_render(&r, &p, &bytes, &n)) == 0) {
		rc = put(g, rel, bytes, n);
	} else if (rc) {
		rc = fail_rc(g, rel, rc);
	}
	arena_release(&r.arena);
	return rc;
}

/* ---- the tree ---- */

static int lock_tree(struct gen *g)
{
	char *path;

	if (afile_mkdirs(g->s->dir))
		return fail_io(g, "目录创建", "");
	if (!(path = arena_printf(&g->a, "%s/" MANIFEST_LOCK, g->s->dir)))
		return ERR_NOMEM;
	g->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (g->lock_fd < 0)
		return fail_io(g, "加锁", MANIFEST_LOCK);
	while (flock(g->lock_fd, LOCK_EX) != 0)
		if (errno != EINTR)
			return fail_io(g, "加锁", MANIFEST_LOCK);
	return 0;
}

static int gen_open(struct gen *g, struct app *app, struct db *db, const struct static_site *s, bool full,
		    struct static_stats *st, char *err, size_t errlen)
{
	static struct static_stats ignored;
	int rc;

	memset(g, 0, sizeof(*g));
	g->app = app;
	g->db = db;
	g->s = s;
	g->full = full;
	g->st = st ? st : &ignored;
	memset(g->st, 0, sizeof(*g->st));
	g->err = err;
	g->errlen = errlen;
	g->lock_fd = -1;
	if (errlen)
		err[0] = '\0';
	arena_init(&g->a, 0);
	memset(&g->keep, 0, sizeof(g->keep));
	g->keep.a = &g->a;
	if ((rc = lock_tree(g)))
		return rc;
	if ((rc = manifest_load(&g->a, s->dir, &g->m))) {
		snprintf(err, errlen, "静态目录的清单 %s/" MANIFEST_NAME " 无法读取（%s）", s->dir, err_name(rc));
		return rc;
	}
	return 0;
}

/* Save the manifest (after the files: a crash in between leaves files
 * that --verify reports and a full build repairs) and unlock. */
static int gen_close(struct gen *g, int rc)
{
	if (rc == 0 && g->full)
		sync(); /* the files written unsynced, before the manifest names them */
	if (rc == 0 && manifest_save(&g->m, g->s->dir, true))
		rc = fail_io(g, "清单写入", MANIFEST_NAME);
	if (g->lock_fd >= 0)
		close(g->lock_fd);
	arena_release(&g->a);
	return rc;
}

/* The compiled-in static files (style sheet, icons, scripts). */
static int put_assets(struct gen *g)
{
	int rc;

	for (size_t i = 0; i < assets_count; i++)
		if (strncmp(assets[i].name, "static/", 7) == 0 &&
		    (rc = put(g, assets[i].name, (const char *)assets[i].data, assets[i].len)))
			return rc;
	return 0;
}

/* The sitemap index and the sitemap of the agencies' pages: a few lines
 * per agency and year, whatever the number of items. */
static int put_sitemap(struct gen *g)
{
	int rc = one(g, NULL, K_SITEMAP, 0, 0, "/sitemap.xml", "sitemap.xml", NULL);

	return rc ? rc : one(g, NULL, K_SITEMAP_PAGES, 0, 0, "/sitemap-pages.xml", "sitemap-pages.xml", NULL);
}

/* The sitemap of org's items published in year (removed when none is). */
static int put_sitemap_year(struct gen *g, const struct org *org, int year)
{
	char url[256], rel[300];

	snprintf(url, sizeof(url), "/o/%s/sitemap/%d.xml", org->slug, year);
	snprintf(rel, sizeof(rel), "o/%s/sitemap/%d.xml", org->slug, year);
	return one(g, org, K_SITEMAP_YEAR, year, 0, url, rel, NULL);
}

/* The version pages or attachments in the manifest under prefix
 * ("o/SLUG/items/ID/versions/", "o/SLUG/items/ID/files/");
 * in a full build, as they were when the run first asked about org_items
 * ("o/SLUG/items/"), sorted once:
 * pages the run writes since are kept anyway, pages it dropped are dropped
 * again harmlessly. */
static int old_versions(struct gen *g, const char *org_items, const char *prefix, const char ***out, size_t *n)
{
	size_t pl = strlen(prefix), lo = 0, hi;

	if (!g->full)  /* one item: a scan, no sort of every path */
		return manifest_paths(&g->m, prefix, out, n);
	if (!g->vorg || strcmp(g->vorg, org_items) != 0) {
		const char **all;
		size_t nall, k = 0;
		int rc;

		if ((rc = manifest_paths(&g->m, org_items, &all, &nall)))
			return rc;
		for (size_t i = 0; i < nall; i++)
			if (strstr(all[i] + strlen(org_items), "/versions/") ||
			    strstr(all[i] + strlen(org_items), "/files/"))
				all[k++] = all[i];
		if (!(g->vorg = arena_strdup(&g->a, org_items)))
			return ERR_NOMEM;
		g->vpaths = all;
		g->nvpaths = k;
	}
	/* sorted: the paths under prefix are contiguous from the first one
	 * not less than prefix */
	hi = g->nvpaths;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(g->vpaths[mid], prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out = g->vpaths + lo;
	for (hi = lo; hi < g->nvpaths && strncmp(g->vpaths[hi], prefix, pl) == 0; hi++)
		;
	*n = hi - lo;
	return 0;
}

/* An item's attachments (the copies of the file store's files, under the
 * names of their links), or their removal when gone. */
static int put_attachments(struct gen *g, const struct org *org, long long id, bool gone)
{
	const char *files = g->s->files ? g->s->files : g->app->files_dir;
	struct attachment *atts = NULL;
	size_t na = 0, nold;
	const char **old, **cur;
	char prefix[300];
	int rc;

	if (!gone && (rc = store_attachment_list(g->db, &g->a, org->id, id, &atts, &na)))
		return fail_rc(g, "attachments", rc);
	if (na && !files) {
		snprintf(g->err, g->errlen, "未指定附件目录，无法复制附件");
		return ERR_INVALID;
	}
	if (!(cur = arena_alloc(&g->a, (na + 1) * sizeof(*cur))))
		return ERR_NOMEM;
	for (size_t i = 0; i < na; i++) {
		const char *name = view_attachment_name(&g->a, atts[i].filename);
		char *from = arena_printf(&g->a, "%s/%.2s/%s", files, atts[i].sha256, atts[i].sha256);

		if (!name || !from ||
		    !(cur[i] = arena_printf(&g->a, "o/%s/items/%lld/files/%lld/%s", org->slug, id, atts[i].id, name)))
			return ERR_NOMEM;
		if ((rc = put_file(g, cur[i], from, atts[i].size, atts[i].sha256)))
			return rc;
	}
	snprintf(prefix, sizeof(prefix), "o/%s/items/", org->slug);
	{
		char fp[300];

		snprintf(fp, sizeof(fp), "o/%s/items/%lld/files/", org->slug, id);
		if ((rc = old_versions(g, prefix, fp, &old, &nold)))
			return rc;
	}
	for (size_t i = 0; i < nold; i++) {
		bool kept = false;

		for (size_t j = 0; j < na && !kept; j++)
			kept = strcmp(old[i], cur[j]) == 0;
		if (!kept && (rc = drop(g, old[i])))
			return rc;
	}
	return 0;
}

/* An item's page and its replaced versions, or their removal. *corrected
 * (may be NULL) says whether it has replaced versions. */
static int put_item(struct gen *g, const struct org *org, long long id, bool *corrected)
{
	char url[256], rel[300];
	const char **old;
	size_t nold;
	struct item_version *v;
	size_t nv = 0;
	bool gone;
	int rc;

	snprintf(url, sizeof(url), "/o/%s/items/%lld", org->slug, id);
	snprintf(rel, sizeof(rel), "o/%s/items/%lld.html", org->slug, id);
	if ((rc = one(g, org, K_ITEM, id, 0, url, rel, &gone)))
		return rc;
	if (!gone && (rc = store_item_version_list(g->db, &g->a, org->id, id, &v, &nv)))
		return fail_rc(g, rel, rc);
	if (corrected)
		*corrected = nv > 0;
	for (size_t i = 0; i < nv; i++) {
		snprintf(url, sizeof(url), "/o/%s/items/%lld/versions/%d", org->slug, id, v[i].version);
		snprintf(rel, sizeof(rel), "o/%s/items/%lld/versions/%d.html", org->slug, id, v[i].version);
		if ((rc = one(g, org, K_VERSION, id, v[i].version, url, rel, NULL)))
			return rc;
	}
	/* versions that are no longer there (all of them when withdrawn) */
	snprintf(url, sizeof(url), "o/%s/items/", org->slug);
	snprintf(rel, sizeof(rel), "o/%s/items/%lld/versions/", org->slug, id);
	if ((rc = old_versions(g, url, rel, &old, &nold)))
		return rc;
	for (size_t i = 0; i < nold; i++) {
		int n = -1;
		bool kept = false;

		sscanf(old[i] + strlen(rel), "%d", &n);
		for (size_t j = 0; j < nv && !gone; j++)
			kept = kept || v[j].version == n;
		if (!kept && (rc = drop(g, old[i])))
			return rc;
	}
	return put_attachments(g, org, id, gone);
}

/* The org's pages that every publication changes: home, catalog first
 * pages (each shows every category's count), 指南, the org's feed, and
 * the feed of category feed_cat (each holds only its own category's
 * items), or of every category when feed_cat is 0; the sitemap of year
 * sitemap_year, of every year when it is 0, of none when it is -1 (the
 * sitemap index lists the years). */
static int put_org_pages(struct gen *g, const struct org *org, long long feed_cat, int sitemap_year)
{
	char url[256], rel[300];
	struct category *cats;
	size_t ncat, ny;
	int *years;
	long long *counts;
	int rc;

	snprintf(url, sizeof(url), "/o/%s/", org->slug);
	snprintf(rel, sizeof(rel), "o/%s/index.html", org->slug);
	if ((rc = one(g, org, K_HOME, 0, 0, url, rel, NULL)))
		return rc;
	snprintf(url, sizeof(url), "/o/%s/guide", org->slug);
	snprintf(rel, sizeof(rel), "o/%s/guide.html", org->slug);
	if ((rc = one(g, org, K_GUIDE, 0, 0, url, rel, NULL)))
		return rc;
	snprintf(url, sizeof(url), "/o/%s/catalog", org->slug);
	snprintf(rel, sizeof(rel), "o/%s/catalog.html", org->slug);
	if ((rc = one(g, org, K_CATALOG_ALL, 0, 0, url, rel, NULL)))
		return rc;
	snprintf(url, sizeof(url), "/o/%s/feed.atom", org->slug);
	snprintf(rel, sizeof(rel), "o/%s/feed.atom", org->slug);
	if ((rc = one(g, org, K_FEED, 0, 0, url, rel, NULL)))
		return rc;
	if ((rc = store_category_list(g->db, &g->a, org->id, &cats, &ncat)) ||
	    (rc = store_item_years(g->db, &g->a, org->id, &years, &counts, &ny)))
		return fail_rc(g, org->slug, rc);
	for (size_t i = 0; i < ncat; i++) {
		snprintf(url, sizeof(url), "/o/%s/catalog?category=%lld", org->slug, cats[i].id);
		snprintf(rel, sizeof(rel), "o/%s/catalog?category=%lld.html", org->slug, cats[i].id);
		if ((rc = one(g, org, K_CATALOG_CAT, cats[i].id, 0, url, rel, NULL)))
			return rc;
		if (feed_cat && cats[i].id != feed_cat)
			continue;
		snprintf(url, sizeof(url), "/o/%s/feed/%lld.atom", org->slug, cats[i].id);
		snprintf(rel, sizeof(rel), "o/%s/feed/%lld.atom", org->slug, cats[i].id);
		if ((rc = one(g, org, K_FEED, cats[i].id, 0, url, rel, NULL)))
			return rc;
	}
	for (size_t i = 0; i < ny; i++) {
		snprintf(url, sizeof(url), "/o/%s/catalog?year=%d", org->slug, years[i]);
		snprintf(rel, sizeof(rel), "o/%s/catalog?year=%d.html", org->slug, years[i]);
		if ((rc = one(g, org, K_CATALOG_YEAR, years[i], 0, url, rel, NULL)))
			return rc;
		if (!sitemap_year && years[i] > 0 && (rc = put_sitemap_year(g, org, years[i])))
			return rc;
	}
	if (sitemap_year > 0 && (rc = put_sitemap_year(g, org, sitemap_year)))
		return rc;
	return 0;
}

/* Every page of org; items already listed are rebuilt only when full. */
static int build_org(struct gen *g, const struct org *org)
{
	struct item_filter f = { .org_id = org->id, .status = "published", .limit = ITEMS_MAX };
	struct item_row *rows;
	size_t n;
	char rel[300];
	const char **old;
	size_t nold;
	struct manifest pub;
	int rc;

	if ((rc = put_org_pages(g, org, 0, 0)))
		return rc;
	if ((rc = store_item_list(g->db, &g->a, &f, &rows, &n, NULL)))
		return fail_rc(g, org->slug, rc);
	memset(&pub, 0, sizeof(pub));
	pub.a = &g->a;
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "o/%s/items/%lld.html", org->slug, rows[i].id);
		if ((rc = manifest_put(&pub, rel, 0, "0000000000000000000000000000000000000000000000000000000000000000")))
			return rc;
		if (!g->full && manifest_get(&g->m, rel))
			continue;
		if ((rc = put_item(g, org, rows[i].id, NULL)))
			return rc;
	}
	/* pages of items no longer published */
	snprintf(rel, sizeof(rel), "o/%s/items/", org->slug);
	if ((rc = manifest_paths(&g->m, rel, &old, &nold)))
		return rc;
	for (size_t i = 0; i < nold; i++) {
		long long id;
		char page[300];

		if (sscanf(old[i] + strlen(rel), "%lld", &id) != 1)
			continue;
		snprintf(page, sizeof(page), "o/%s/items/%lld.html", org->slug, id);
		if (!manifest_get(&pub, page) && (rc = drop(g, old[i])))
			return rc;
	}
	if (g->full) {
		/* anything else of the org's tree this run did not produce
		 * (a category deleted, a year gone) */
		snprintf(rel, sizeof(rel), "o/%s/", org->slug);
		if ((rc = manifest_paths(&g->m, rel, &old, &nold)))
			return rc;
		for (size_t i = 0; i < nold; i++)
			if (!manifest_get(&g->keep, old[i]) && !strstr(old[i], "/items/") && (rc = drop(g, old[i])))
				return rc;
	}
	return 0;
}

int static_build(struct app *app, struct db *db, const struct static_site *s, const char *org_slug, bool full,
		 struct static_stats *st, char *err, size_t errlen)
{
	struct gen g;
	struct org *orgs, one_org;
	size_t n = 1;
	int rc = gen_open(&g, app, db, s, full, st, err, errlen);

	if (rc)
		return gen_close(&g, rc);
	if (org_slug) {
		rc = store_org_by_slug(db, &g.a, org_slug, &one_org);
		if (rc == ERR_NOT_FOUND)
			snprintf(err, errlen, "没有这个机构：%s", org_slug);
		else if (rc)
			fail_rc(&g, org_slug, rc);
		orgs = &one_org;
	} else if ((rc = store_org_list(db, &g.a, &orgs, &n))) {
		fail_rc(&g, "orgs", rc);
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = build_org(&g, &orgs[i]);
	if (!rc)
		rc = put_sitemap(&g);
	if (!rc)
		rc = put_assets(&g);
	rc = gen_close(&g, rc);
	/* a full build repairs whatever an earlier failure left: the staff's
	 * warning goes (a tree built from a snapshot of the org list: an org
	 * added meanwhile had no failure to clear) */
	if (!rc && full) {
		struct arena a;

		arena_init(&a, 0);
		if (org_slug ? store_org_by_slug(db, &a, org_slug, &one_org) == 0 : true) {
			if (org_slug)
				rc = store_static_failure_clear(db, one_org.id);
			else if (!(rc = store_org_list(db, &a, &orgs, &n)))
				for (size_t i = 0; !rc && i < n; i++)
					rc = store_static_failure_clear(db, orgs[i].id);
		}
		arena_release(&a);
		if (rc)
			snprintf(err, errlen, "静态页面已生成，但未能清除失败记录（%s）", err_name(rc));
	}
	return rc;
}

int static_org_changed(struct app *app, struct db *db, const struct static_site *s, const struct org *org,
		       long long category_id, struct static_stats *st, char *err, size_t errlen)
{
	struct gen g;
	struct category *cats;
	size_t ncat;
	bool exists = false;
	int rc = gen_open(&g, app, db, s, false, st, err, errlen);

	if (!rc)
		rc = put_org_pages(&g, org, 0, 0);
	if (!rc && category_id) {
		if ((rc = store_category_list(db, &g.a, org->id, &cats, &ncat)))
			rc = fail_rc(&g, org->slug, rc);
		for (size_t i = 0; !rc && i < ncat; i++)
			exists = exists || cats[i].id == category_id;
		if (!rc && exists) {
			/* its name is on each of its items' pages */
			struct item_filter f = { .org_id = org->id, .category_id = category_id, .status = "published",
						 .limit = ITEMS_MAX };
			struct item_row *rows;
			size_t n;

			if ((rc = store_item_list(db, &g.a, &f, &rows, &n, NULL)))
				rc = fail_rc(&g, org->slug, rc);
			for (size_t i = 0; !rc && i < n; i++)
				rc = put_item(&g, org, rows[i].id, NULL);
		} else if (!rc) {
			char rel[300];

			snprintf(rel, sizeof(rel), "o/%s/catalog?category=%lld.html", org->slug, category_id);
			if (!(rc = drop(&g, rel))) {
				snprintf(rel, sizeof(rel), "o/%s/feed/%lld.atom", org->slug, category_id);
				rc = drop(&g, rel);
			}
		}
	}
	if (!rc)
		rc = put_sitemap(&g);
	return gen_close(&g, rc);
}

const char *static_after_change(struct req *r, long long item_id, long long category_id)
{
	struct static_stats st;
	char err[512], now[21];
	int rc;

	if (!r->app->site)
		return NULL;
	rc = item_id ? static_item_changed(r->app, req_db(r), r->app->site, &r->org, item_id, &st, err, sizeof(err))
		     : static_org_changed(r->app, req_db(r), r->app->site, &r->org, category_id, &st, err, sizeof(err));
	if (rc == 0)
		return NULL;
	time_format_utc(time(NULL), now);
	if (store_static_failure_set(req_db(r), r->org.id, now, err))
		log_error("static: the failure of %s could not be recorded", r->org.slug);
	return arena_printf(&r->arena, "操作已完成，但静态页面未能更新：%s。请管理员检查静态目录后在工作台点击“重新生成"
				       "静态页面”，或运行 gongkai publish-static --all 重新生成。", err);
}

int static_item_changed(struct app *app, struct db *db, const struct static_site *s, const struct org *org,
			long long item_id, struct static_stats *st, char *err, size_t errlen)
{
	struct gen g;
	struct item it;
	bool corrected = false;
	int year = -1; /* no year sitemap */
	int rc = gen_open(&g, app, db, s, false, st, err, errlen);

	if (!rc && (rc = store_item_get(db, &g.a, org->id, item_id, &it)))
		rc = fail_rc(&g, "item", rc);
	if (!rc)
		rc = put_item(&g, org, item_id, &corrected);
	/* a correction may have moved the item to another category: then
	 * every category's feed */
	/* the year's sitemap: published_on is "YYYY-MM-DD" */
	if (!rc && it.published_on && strlen(it.published_on) >= 4) {
		year = 0;
		for (int i = 0; i < 4 && year >= 0; i++)
			year = it.published_on[i] >= '0' && it.published_on[i] <= '9'
				       ? year * 10 + (it.published_on[i] - '0') : -1;
	}
	if (!rc)
		rc = put_org_pages(&g, org, corrected ? 0 : it.category_id, year);
	if (!rc)
		rc = put_sitemap(&g);
	return gen_close(&g, rc);
}

int static_build_standalone(struct db *db, const struct static_site *s, const char *org_slug, bool full,
			    struct static_stats *st, char *err, size_t errlen)
{
	struct app app;
	int rc;

	memset(&app, 0, sizeof(app));
	arena_init(&app.arena, 0);
	app.files_dir = s->files;
	if ((rc = http_load_templates(&app.tmpl))) {
		snprintf(err, errlen, "页面模板无法加载（%s）", err_name(rc));
	} else {
		rc = static_build(&app, db, s, org_slug, full, st, err, errlen);
		tmpl_set_free(app.tmpl);
	}
	arena_release(&app.arena);
	return rc;
}

int static_item_standalone(struct db *db, const struct static_site *s, const char *org_slug, long long item_id,
			   struct static_stats *st, char *err, size_t errlen)
{
	struct app app;
	struct org org;
	int rc;

	memset(&app, 0, sizeof(app));
	arena_init(&app.arena, 0);
	app.files_dir = s->files;
	if ((rc = store_org_by_slug(db, &app.arena, org_slug, &org)))
		snprintf(err, errlen, rc == ERR_NOT_FOUND ? "没有这个机构：%s" : "无法读取机构 %s", org_slug);
	else if ((rc = http_load_templates(&app.tmpl)))
		snprintf(err, errlen, "页面模板无法加载（%s）", err_name(rc));
	else
		rc = static_item_changed(&app, db, s, &org, item_id, st, err, errlen);
	tmpl_set_free(app.tmpl);
	arena_release(&app.arena);
	return rc;
}
