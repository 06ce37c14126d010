/* registers.h - what every register (政民互动, 建议提案, 复议诉讼, the
 * 第二十条 decision registers, 行政事业性收费, 政府集中采购, channel
 * figures) offers to the rest of the product: CSV import and export (the
 * CLI `gongkai registers`, the staff import pages, the demo) and monthly
 * series for the statistics page.
 *
 * Each register implements one struct reg_kind in its own file and the
 * table in registers.c lists them. */
#ifndef GK_DOMAIN_REGISTERS_REGISTERS_H
#define GK_DOMAIN_REGISTERS_REGISTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/registers/csvio.h"

struct arena;
struct buf;
struct calendar;
struct db;
struct org;

/* Who imports, into which org, over which calendar (registers with due
 * dates need it), and when. */
struct reg_ctx {
	struct db *db;
	struct arena *a;
	const struct org *org;
	const struct calendar *cal;
	long long user_id;       /* 0: the command line */
	const char *now;         /* ISO 8601 UTC */
	long today;              /* day number */
	/* long imports report progress here (may be NULL): every 1,000 rows
	 * stored and at the end */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

/* One series of a year: a label and 12 monthly values. */
struct reg_series {
	const char *label;
	long long month[12];
	long long total;
};

struct reg_kind {
	const char *code;        /* interactions proposals reviews decisions fees procurements channel-stats */
	const char *label;       /* 政民互动 ... */
	/* Import a CSV file (bytes as uploaded) into c->org; see csv_import. */
	int (*import_csv)(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
			  struct csv_report *rep);
	/* Export every record of c->org (year 0) or of one year as CSV
	 * (csv_write_*) into out, which the caller has initialised (buf_init,
	 * room for at least CSV_MAX_BYTES); personal data (names, phones, e-mail of members of
	 * the public) only when personal is true. */
	int (*export_csv)(const struct reg_ctx *c, int year, bool personal, struct buf *out);
	/* Monthly series of year for the statistics page (one series per
	 * channel, source, kind, ...; arena memory). NULL when the register
	 * has no monthly volume. */
	int (*year_series)(struct db *db, struct arena *a, long long org_id, int year, struct reg_series **out,
			   size_t *n);
};

extern const struct reg_kind *const reg_kinds[];
extern const size_t reg_kinds_count;
const struct reg_kind *reg_kind_find(const char *code);

#endif
