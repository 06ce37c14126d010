/* search_bench.c - search latency of a gongkai database, as the search page
 * sees it.
 *
 *     search_bench DB [--org SLUG] [--scope org|family|all] [--reps N] [--budget SECONDS] [--explain]
 *
 * DB is a SQLite file or a PostgreSQL URL (db_open's target); bench/search_pg.sh
 * runs both on the same corpus.
 *
 * For each query of a fixed list (2- and 4-character terms that are
 * frequent, medium or rare in bench/gen_items.c output, a 文号 taken from
 * the database, a term with no hits) it does what h_search does for the
 * first page: fts_match_expr(), store_item_search() with the public filter
 * (org, published, 20 rows, with the total count) and fts_snippet_html() on
 * each row's title and snippet. --scope family searches the org and its
 * child orgs (item_filter.org_ids), all every org (the platform search). Each query runs once cold-ish (reported as
 * "first"), then --reps times (default 10, fewer when one query has used up
 * --budget seconds, default 5); p50/p95/max are over the repeats.
 *
 * The baseline, measured in the same run because the machine is noisy:
 * store_item_get_any() of random ids (what the item page reads). Ratios are
 * search time / baseline time. The org's first list page
 * (store_item_list: COUNT(*) plus 20 newest) is reported too.
 *
 * --explain (SQLite only) adds, for every query, the time of the parts of the search on
 * a plain SQLite connection (same tokenizer, copies of src/store/item.c's
 * statements): the capped count, the window floor, the page query, and for
 * comparison the count of every match, ranking over every match, and
 * newest-first without ranking.
 *
 * Lines starting with "SUMMARY " are for bench/run.sh. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PER_PAGE 20
#define BASE_REPS 2000
#define TARGET_P95_MS 20.0

enum qclass { Q2, Q4, QDOC, QNONE, NCLASS };

static const char *const class_name[NCLASS] = { "2-char", "4-char", "文号", "no-hit" };

struct query {
	enum qclass cls;
	const char *freq;   /* expected frequency in gen_items output */
	const char *q;      /* NULL: filled in at run time (the 文号) */
};

/* Shares of the items that contain each term (gen_items output) are in
 * README.md. */
static struct query queries[] = {
	{ Q2, "frequent", "教育" },
	{ Q2, "frequent", "学校" },
	{ Q2, "medium", "招生" },
	{ Q2, "medium", "疫情" },
	{ Q2, "medium", "校车" },
	{ Q2, "medium", "乌镇" },
	{ Q2, "medium", "研学" },
	{ Q2, "rare", "围棋" },
	{ Q2, "rare", "京剧" },
	{ Q2, "rare", "日食" },
	{ Q4, "frequent", "义务教育" },
	{ Q4, "medium", "学前教育" },
	{ Q4, "medium", "疫情防控" },
	{ Q4, "medium", "食品安全" },
	{ Q4, "medium", "垃圾分类" },
	{ Q4, "medium", "近视防控" },
	{ Q4, "rare", "教育教学" },
	{ Q4, "rare", "营养改善" },
	{ Q4, "rare", "蓝印花布" },
	{ QDOC, "one", NULL },
	{ QNONE, "none", "量子计算" },
};

struct samples {
	double *v;
	size_t n, cap;
};

static void samples_add(struct samples *s, double ms)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 64;
		double *nv = realloc(s->v, nc * sizeof(*nv));

		if (!nv) {
			fprintf(stderr, "search_bench: out of memory\n");
			exit(1);
		}
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = ms;
}

static void samples_release(struct samples *s)
{
	free(s->v);
	*s = (struct samples){ 0 };
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0..100) of s; sorts s. */
static double pct(struct samples *s, double p)
{
	size_t k;

	if (!s->n)
		return NAN;
	qsort(s->v, s->n, sizeof(*s->v), dbl_cmp);
	k = (size_t)ceil(p / 100.0 * (double)s->n);
	return s->v[k ? k - 1 : 0];
}

/* Largest sample (call after pct(), which sorts). */
static double smax(struct samples *s)
{
	pct(s, 100);
	return s->n ? s->v[s->n - 1] : NAN;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* printf field width that pads s to cols terminal columns (CJK is 2 wide). */
static int pad(const char *s, int cols)
{
	int bytes = (int)strlen(s), disp = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			disp++;
		else if ((*p & 0xC0) == 0xC0)
			disp += 2;
	}
	return cols + bytes - disp;
}

static void die(const char *what)
{
	fprintf(stderr, "search_bench: %s\n", what);
	exit(1);
}

/* ---- what the search page does ---------------------------------------- */

enum scope { SCOPE_ORG, SCOPE_FAMILY, SCOPE_ALL };

struct ctx {
	struct db *db;
	struct fts_ctx *fts;
	struct org org;
	enum scope scope;
	long long *family;   /* SCOPE_FAMILY: the org and its children */
	size_t nfamily;
	struct arena meta;
	long long nitems;
};

/* One search as h_search does it: returns ms; *total and *rows the result. */
static double search_once(struct ctx *c, const char *q, long long *total, bool *capped, size_t *rows,
			  const char **expr)
{
	struct arena a;
	struct item_filter f = { .org_id = c->scope == SCOPE_ORG ? c->org.id : 0, .status = "published",
				 .limit = PER_PAGE };
	struct item_row *r = NULL;
	const char *match = "", *html;

	if (c->scope == SCOPE_FAMILY) {
		f.org_ids = c->family;
		f.n_org_ids = c->nfamily;
	}
	double t0 = now_ms(), t;
	size_t n = 0;

	arena_init(&a, 0);
	*total = 0;
	*capped = false;
	if (fts_match_expr(c->fts, &a, q, strlen(q), &match))
		die("fts_match_expr failed");
	if (*match && store_item_search(c->db, &a, match, &f, &r, &n, total, capped))
		die("store_item_search failed");
	for (size_t i = 0; i < n; i++) {
		if (r[i].snippet && fts_snippet_html(&a, r[i].snippet, strlen(r[i].snippet), &html))
			die("fts_snippet_html failed");
		if (r[i].title_marked &&
		    fts_snippet_html(&a, r[i].title_marked, strlen(r[i].title_marked), &html))
			die("fts_snippet_html failed");
	}
	t = now_ms() - t0;
	if (expr)
		*expr = arena_strdup(&c->meta, match);
	*rows = n;
	arena_release(&a);
	return t;
}

/* A 文号 that exists: the first item with one from the middle of the ids. */
static const char *find_docno(struct ctx *c)
{
	struct arena a;
	struct item it;
	const char *out = NULL;

	arena_init(&a, 0);
	for (long long id = c->nitems / 2 + 1; id <= c->nitems && !out; id++) {
		if (store_item_get(c->db, &a, c->org.id, id, &it) == 0 && it.doc_no && *it.doc_no)
			out = arena_strdup(&c->meta, it.doc_no);
		arena_release(&a);
	}
	arena_release(&a);
	return out;
}

/* ---- --explain: the parts of the search on a raw connection ----------- */

/* Copies of src/store/item.c's search (as of bb88fdf): the filters are
 * tokens of the FTS column scope, matches are counted up to SEARCH_COUNT_CAP
 * and ranked over the newest store_search_window(). Keep them in step; a
 * statement that no longer prepares (schema changed) prints n/a. */
#define SEARCH_COUNT_CAP 10000

enum xparam { XP_NONE, XP_CAP, XP_WINDOW, XP_FLOOR };

static const struct {
	const char *name;
	enum xparam p2;     /* what ?2 is */
	const char *sql;
} xq[] = {
	{ "all matches", XP_NONE, "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?1" },
	{ "count cap", XP_CAP,
	  "SELECT COUNT(*) FROM (SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 LIMIT ?2)" },
	{ "floor", XP_WINDOW,
	  "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2" },
	{ "page query", XP_FLOOR,
	  "SELECT i.id, i.org_id, o.slug, i.index_no, i.title, i.doc_no, c.name, i.published_on, "
	  "i.validity, i.status, i.updated_at, gk_snippet(items_fts, 2, char(1), char(2), '…', 40), "
	  "gk_highlight(items_fts, 0, char(1), char(2)) "
	  "FROM items_fts JOIN items i ON i.id = items_fts.rowid JOIN categories c ON c.id = i.category_id "
	  "JOIN orgs o ON o.id = i.org_id WHERE items_fts MATCH ?1 AND items_fts.rowid >= ?2 "
	  "ORDER BY " FTS_ORDER_BY " LIMIT 20" },
	{ "rank all", XP_NONE,
	  "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 ORDER BY " FTS_ORDER_BY " LIMIT 20" },
	{ "newest 20", XP_NONE,
	  "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 ORDER BY rowid DESC LIMIT 20" },
};

/* Run st to the end; the first column of the last row goes to *last. */
static double x_run(sqlite3 *h, sqlite3_stmt *st, const char *expr, long long p2, long long *last)
{
	double t0 = now_ms();
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, p2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (last)
			*last = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "search_bench: explain: %s\n", sqlite3_errmsg(h));
		exit(1);
	}
	return now_ms() - t0;
}

static void explain(const char *path, struct ctx *c, const char *const *exprs, int reps, double budget)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st[COUNT(xq)] = { 0 };
	long long window = store_search_window();

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("explain: cannot open the database");
	if (fts_register(h, c->fts))
		die("explain: cannot register the tokenizer");
	for (size_t k = 0; k < COUNT(xq); k++)
		if (sqlite3_prepare_v2(h, xq[k].sql, -1, &st[k], NULL) != SQLITE_OK)
			st[k] = NULL; /* printed as n/a */
	printf("\n== where the time goes (ms, median of up to %d after a warm-up; plain SQLite connection) ==\n",
	       reps);
	printf("%-8s %-16s %9s", "class", "query", "matches");
	for (size_t k = 0; k < COUNT(xq); k++)
		printf(" %11s", xq[k].name);
	printf("\n");
	for (size_t i = 0; i < COUNT(queries); i++) {
		long long matches = 0, floor = 0;
		char *expr;

		if (!queries[i].q || !*exprs[i])
			continue;
		/* the product's expression for the public search of one org */
		expr = arena_printf(&c->meta, "{title doc_no body_text} : (%s) AND scope : \"o%lld\"", exprs[i],
				    c->org.id);
		if (st[0])
			x_run(h, st[0], expr, 0, &matches);
		if (st[2] && matches > window)
			x_run(h, st[2], expr, window - 1, &floor);
		printf("%-*s %-*s %9lld", pad(class_name[queries[i].cls], 8), class_name[queries[i].cls],
		       pad(queries[i].q, 16), queries[i].q, matches);
		for (size_t k = 0; k < COUNT(xq); k++) {
			struct samples s = { 0 };
			long long p2 = xq[k].p2 == XP_CAP ? SEARCH_COUNT_CAP + 1
				     : xq[k].p2 == XP_WINDOW ? window - 1 : floor;
			double spent;

			if (!st[k] || (xq[k].p2 == XP_WINDOW && matches <= window)) {
				printf(" %11s", st[k] ? "-" : "n/a");
				continue;
			}
			spent = x_run(h, st[k], expr, p2, NULL); /* warm */
			for (int r = 0; r < reps && (r < 1 || spent < budget * 1e3); r++) {
				double t = x_run(h, st[k], expr, p2, NULL);

				spent += t;
				samples_add(&s, t);
			}
			printf(" %11.2f", pct(&s, 50));
			samples_release(&s);
		}
		printf("\n");
	}
	printf("matches     = items matching, in the org (uncapped)\n"
	       "all matches = SELECT count(*) over every match (the doclist walk and scope intersection)\n"
	       "count cap   = the page's total: matches counted up to %d\n"
	       "floor       = the rowid of the %lld-th newest match (only when there are more)\n"
	       "page query  = the page's rows: ranking over the newest %lld matches, gk_snippet, gk_highlight\n"
	       "rank all    = the page's ranking over every match, no window (as before be13a2c)\n"
	       "newest 20   = ORDER BY rowid DESC LIMIT 20 (no ranking)\n"
	       "A search costs count cap + floor + page query.\n",
	       SEARCH_COUNT_CAP + 1, window, window);
	for (size_t k = 0; k < COUNT(xq); k++)
		sqlite3_finalize(st[k]);
	sqlite3_close(h);
}

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: search_bench DB [--org SLUG] [--scope org|family|all] [--reps N] [--budget SECONDS] "
			"[--explain]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *slug = "tongxiang-edu";
	const char *exprs[COUNT(queries)] = { 0 };
	struct samples cls[NCLASS] = { 0 }, base = { 0 }, list = { 0 }, catl = { 0 };
	struct ctx c = { 0 };
	double budget = 5.0, b50, b95;
	int reps = 10;
	bool do_explain = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--org") == 0 && i + 1 < argc)
			slug = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--budget") == 0 && i + 1 < argc)
			budget = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--scope") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "org") == 0)
				c.scope = SCOPE_ORG;
			else if (strcmp(argv[i], "family") == 0)
				c.scope = SCOPE_FAMILY;
			else if (strcmp(argv[i], "all") == 0)
				c.scope = SCOPE_ALL;
			else
				usage();
		} else if (strcmp(argv[i], "--explain") == 0)
			do_explain = true;
		else if (argv[i][0] == '-' || path)
			usage();
		else
			path = argv[i];
	}
	if (!path || reps < 1)
		usage();

	arena_init(&c.meta, 0);
	if (fts_ctx_new(NULL, &c.fts))
		die("cannot load the friso dictionary");
	if (db_open(path, &(struct db_opts){ .fts = c.fts }, &c.db))
		die("cannot open the database");
	if (store_org_by_slug(c.db, &c.meta, slug, &c.org))
		die("no such org");
	if (do_explain && db_is_pg(c.db))
		do_explain = false; /* the parts are timed on a raw SQLite connection */
	{
		struct org *orgs;
		size_t n;

		if (store_org_list(c.db, &c.meta, &orgs, &n) ||
		    !(c.family = arena_alloc(&c.meta, (n + 1) * sizeof(*c.family))))
			die("store_org_list failed");
		c.family[c.nfamily++] = c.org.id;
		for (size_t i = 0; i < n; i++)
			if (orgs[i].parent_id == c.org.id)
				c.family[c.nfamily++] = orgs[i].id;
	}

	/* the list page, also how many items there are */
	{
		struct item_filter f = { .org_id = c.org.id, .status = "published", .limit = PER_PAGE };
		struct item_row *r;
		size_t n;

		for (int i = 0; i < 1 + reps; i++) {
			struct arena a;
			double t0 = now_ms();

			arena_init(&a, 0);
			if (store_item_list(c.db, &a, &f, &r, &n, &c.nitems))
				die("store_item_list failed");
			if (i)
				samples_add(&list, now_ms() - t0);
			arena_release(&a);
		}
	}
	if (c.nitems < 1)
		die("the org has no published items");
	/* the category sidebar of the search, home and catalog pages */
	for (int i = 0; i < 1 + reps; i++) {
		struct arena a;
		struct category *cs;
		size_t n;
		double t0 = now_ms();

		arena_init(&a, 0);
		if (store_category_list(c.db, &a, c.org.id, &cs, &n))
			die("store_category_list failed");
		if (i)
			samples_add(&catl, now_ms() - t0);
		arena_release(&a);
	}
	for (size_t i = 0; i < COUNT(queries); i++)
		if (!queries[i].q && !(queries[i].q = find_docno(&c)))
			queries[i].q = "桐教〔2020〕1号";

	/* baseline: random item reads */
	{
		unsigned long long x = 88172645463325252ULL;

		for (int i = 0; i < BASE_REPS + 100; i++) {
			struct arena a;
			struct item it;
			long long id;
			double t0;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			id = 1 + (long long)(x % (unsigned long long)c.nitems);
			arena_init(&a, 0);
			t0 = now_ms();
			if (store_item_get_any(c.db, &a, id, &it) == 0 && i >= 100)
				samples_add(&base, now_ms() - t0);
			arena_release(&a);
		}
	}
	b50 = pct(&base, 50);
	b95 = pct(&base, 95);

	printf("== search latency: %s (%s), org %s, %lld published items; search scope: %s ==\n",
	       db_is_pg(c.db) ? "PostgreSQL" : path, db_engine(c.db), slug, c.nitems,
	       c.scope == SCOPE_ORG ? "the org" : c.scope == SCOPE_ALL ? "all orgs" : "the org and its children");
	if (c.scope == SCOPE_FAMILY)
		printf("family: %zu orgs\n", c.nfamily);
	printf("baseline store_item_get (random id): p50 %.3f ms  p95 %.3f ms  (n=%zu)\n", b50, b95, base.n);
	printf("list page store_item_list (count + 20 newest): p50 %.2f ms  p95 %.2f ms  max %.2f ms\n",
	       pct(&list, 50), pct(&list, 95), smax(&list));
	printf("category sidebar store_category_list (search/home/catalog pages): p50 %.2f ms  p95 %.2f ms\n\n",
	       pct(&catl, 50), pct(&catl, 95));
	printf("%-7s %-9s %-22s %9s %5s %9s %9s %9s %9s %8s\n", "class", "freq", "query", "hits", "reps",
	       "first ms", "p50 ms", "p95 ms", "max ms", "p50/base");
	for (size_t i = 0; i < COUNT(queries); i++) {
		struct samples s = { 0 };
		long long total = 0;
		size_t rows = 0;
		double first, spent = 0;
		bool capped = false;
		char hits[24];

		first = search_once(&c, queries[i].q, &total, &capped, &rows, &exprs[i]);
		for (int r = 0; r < reps && (r < 3 || spent < budget * 1e3); r++) {
			double t = search_once(&c, queries[i].q, &total, &capped, &rows, NULL);

			spent += t;
			samples_add(&s, t);
			samples_add(&cls[queries[i].cls], t);
		}
		snprintf(hits, sizeof(hits), "%s%lld", capped ? ">" : "", total);
		printf("%-*s %-9s %-*s %9s %5zu %9.2f %9.2f %9.2f %9.2f %8.0f\n",
		       pad(class_name[queries[i].cls], 7), class_name[queries[i].cls],
		       queries[i].freq, pad(queries[i].q, 22), queries[i].q, hits, s.n, first, pct(&s, 50), pct(&s, 95),
		       smax(&s), pct(&s, 50) / b50);
		samples_release(&s);
	}
	printf("\nMATCH expressions: ");
	for (size_t i = 0; i < COUNT(queries); i++)
		printf("%s%s", i ? "  " : "", exprs[i]);
	printf("\n\n%-7s %9s %9s %9s %12s %12s  %s\n", "class", "p50 ms", "p95 ms", "max ms", "p50/base",
	       "p95/base", "target p95 < 20 ms");
	for (int k = 0; k < NCLASS; k++) {
		double p50 = pct(&cls[k], 50), p95 = pct(&cls[k], 95), mx = smax(&cls[k]);

		printf("%-*s %9.2f %9.2f %9.2f %12.0f %12.0f  %s\n", pad(class_name[k], 7), class_name[k], p50, p95,
		       mx, p50 / b50, p95 / b95, p95 < TARGET_P95_MS ? "met" : "MISSED");
	}
	for (int k = 0; k < 2; k++) {
		double p50 = pct(&cls[k], 50), p95 = pct(&cls[k], 95), mx = smax(&cls[k]);

		printf("SUMMARY search%d_p50_ms=%.2f search%d_p95_ms=%.2f search%d_max_ms=%.2f "
		       "search%d_p95_over_base=%.0f\n",
		       k == Q2 ? 2 : 4, p50, k == Q2 ? 2 : 4, p95, k == Q2 ? 2 : 4, mx,
		       k == Q2 ? 2 : 4, p95 / b95);
	}
	printf("SUMMARY docno_p50_ms=%.2f base_get_p50_ms=%.3f base_get_p95_ms=%.3f list_page_p50_ms=%.2f "
	       "cat_list_p50_ms=%.2f\n", pct(&cls[QDOC], 50), b50, b95, pct(&list, 50), pct(&catl, 50));

	if (do_explain)
		explain(path, &c, exprs, reps < 3 ? reps : 3, budget);

	for (int k = 0; k < NCLASS; k++)
		samples_release(&cls[k]);
	samples_release(&base);
	samples_release(&list);
	samples_release(&catl);
	db_close(c.db);
	fts_ctx_free(c.fts);
	arena_release(&c.meta);
	return 0;
}
