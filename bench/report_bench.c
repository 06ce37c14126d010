/* report_bench.c - how long the annual report's figures and tables take
 * for one agency's year, as `gongkai report` and the report page compute
 * them.
 *
 *     report_bench DB [--org SLUG] [--year YYYY] [--reps N]
 *
 * Times report_figures_build (every figure: table 二 from the catalog and
 * the 第二十条 registers, table 三 from the applications, table 四, the
 * ready sentences) and report_build (the same plus the statutory layouts
 * and the document) --reps times (default 10), and prints min/p50/max.
 * The baseline, in the same run: store_org_by_slug (one indexed row), and
 * the count of the org's published items (store_item_list's total).
 * Ratios are report time / baseline time. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "domain/report/report.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n, double base)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%-34s min %8.2f ms  p50 %8.2f ms  max %8.2f ms  (p50 %.0f× baseline)\n", what, t[0], t[n / 2],
	       t[n - 1], base > 0 ? t[n / 2] / base : 0);
}

int main(int argc, char **argv)
{
	const char *dbpath = NULL, *slug = "tongxiang-edu";
	int year = 2021, reps = 10;
	struct fts_ctx *fts = NULL;
	struct db *db = NULL;
	struct db_opts o;
	struct arena a;
	struct org org;
	double *t, base = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--org") == 0 && i + 1 < argc)
			slug = argv[++i];
		else if (strcmp(argv[i], "--year") == 0 && i + 1 < argc)
			year = atoi(argv[++i]);
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!dbpath && argv[i][0] != '-')
			dbpath = argv[i];
		else {
			fprintf(stderr, "usage: report_bench DB [--org SLUG] [--year YYYY] [--reps N]\n");
			return 2;
		}
	}
	if (!dbpath || reps < 1 || !(t = calloc((size_t)reps + 200, sizeof(*t)))) {
		fprintf(stderr, "usage: report_bench DB [--org SLUG] [--year YYYY] [--reps N]\n");
		return 2;
	}
	if (fts_ctx_new(NULL, &fts)) {
		fprintf(stderr, "report_bench: no tokenizer dictionary\n");
		return 1;
	}
	o = (struct db_opts){ .fts = fts, .cache_mb = 512 };
	if (db_open(dbpath, &o, &db) || db_migrate(db, NULL)) {
		fprintf(stderr, "report_bench: cannot open %s\n", dbpath);
		return 1;
	}
	arena_init(&a, 0);
	if (store_org_by_slug(db, &a, slug, &org)) {
		fprintf(stderr, "report_bench: no org %s\n", slug);
		return 1;
	}
	/* baseline: one indexed row, 200 times */
	for (int i = 0; i < 200; i++) {
		struct org x;
		double t0 = now_ms();

		store_org_by_slug(db, &a, slug, &x);
		t[i] = now_ms() - t0;
	}
	qsort(t, 200, sizeof(*t), cmp);
	base = t[100];
	printf("baseline store_org_by_slug          p50 %8.3f ms\n", base);
	{
		struct item_filter f = { .org_id = org.id, .status = "published", .limit = 1 };
		struct item_row *rows;
		size_t n;
		long long total = 0;
		double t0 = now_ms();

		store_item_list(db, &a, &f, &rows, &n, &total);
		printf("published items of %s: %lld (listed in %.2f ms)\n", slug, total, now_ms() - t0);
	}
	for (int i = 0; i < reps; i++) {
		struct report_figures fig;
		const char *msg = NULL;
		struct arena ra;
		double t0;

		arena_init(&ra, 0);
		t0 = now_ms();
		if (report_figures_build(db, &ra, &org, year, &fig, &msg)) {
			fprintf(stderr, "report_bench: %s\n", msg ? msg : "report_figures_build failed");
			return 1;
		}
		t[i] = now_ms() - t0;
		if (i == 0)
			printf("%d: %lld published items, %lld applications received, %lld concluded\n", year,
			       fig.published_items,
			       fig.t3.received[0] + fig.t3.received[1] + fig.t3.received[2] + fig.t3.received[3] +
				       fig.t3.received[4] + fig.t3.received[5],
			       fig.t3.concluded[0] + fig.t3.concluded[1] + fig.t3.concluded[2] + fig.t3.concluded[3] +
				       fig.t3.concluded[4] + fig.t3.concluded[5]);
		arena_release(&ra);
	}
	report("report_figures_build", t, reps, base);
	for (int i = 0; i < reps; i++) {
		struct report_doc d;
		const char *msg = NULL;
		struct arena ra;
		double t0;

		arena_init(&ra, 0);
		t0 = now_ms();
		if (report_build(db, &ra, &org, year, NULL, &d, &msg)) {
			fprintf(stderr, "report_bench: %s\n", msg ? msg : "report_build failed");
			return 1;
		}
		t[i] = now_ms() - t0;
		arena_release(&ra);
	}
	report("report_build (tables + document)", t, reps, base);
	arena_release(&a);
	db_close(db);
	fts_ctx_free(fts);
	free(t);
	return 0;
}
