/* catalog.h - the rules of the 公开目录: 文号 normalisation, 索引号
 * allocation, default categories, validation and the publication workflow.
 * Pure rules over the store: no HTTP here. */
#ifndef GK_DOMAIN_CATALOG_H
#define GK_DOMAIN_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;
struct item;
struct org;
struct category;

/* ---- 文号 ---- */
enum docno_warn {
	DOCNO_BRACKETS = 1 << 0,     /* brackets other than 〔〕 were normalised */
	DOCNO_LEADING_ZERO = 1 << 1, /* 序号 has leading zeros (GB/T 9704: 不编虚位) */
	DOCNO_NONSTANDARD = 1 << 2,  /* does not read 代字〔YYYY〕N号 */
	DOCNO_DI = 1 << 3,           /* 序号 carries 第 (GB/T 9704: 不加“第”字) */
};
/* Normalise a 文号 as typed: trim, full-width digits to ASCII, the year's
 * brackets ([] ［］ 【】 （） () 〔〕) to 〔〕. *out is arena memory ("" for
 * empty input); *warn gets enum docno_warn bits. ERR_INVALID for invalid
 * UTF-8. */
int docno_normalize(struct arena *a, const char *in, size_t n, const char **out, unsigned *warn);
/* A Chinese sentence describing the warnings (static), or NULL for none. */
const char *docno_warn_text(unsigned warn);

/* ---- 索引号 ---- */
/* Expand an org's pattern: {机构代码} (hyphens removed), {YYYY}, {MM} and
 * a run of N inside braces ({NNNNN}) for the zero-padded serial of that
 * width. ERR_INVALID for an unknown placeholder. */
int index_no_format(struct arena *a, const char *pattern, const char *org_code, int year, int month,
		    long long serial, const char **out);

/* ---- categories ---- */
struct category_default {
	const char *name;
	const char *article;
};
extern const struct category_default catalog_default_categories[];
extern const size_t catalog_default_categories_n;
/* Check a category before it is stored: a name (1-50 characters, no
 * control characters), an article of at most 50, and a parent of the same
 * org that is neither the category itself nor below it. ERR_INVALID with a
 * Chinese *msg. */
int catalog_category_check(struct db *db, struct arena *a, struct category *c, const char **msg);
/* The categories in tree order (each parent followed by its children, by
 * sort), with each one's depth (0 for a top-level one) in depth[i]. */
int catalog_category_tree(struct arena *a, const struct category *in, size_t n, struct category **out,
			  int **depth);
/* Create the default category tree of a new org (inside the caller's tx). */
int catalog_create_default_categories(struct db *db, long long org_id);

/* ---- items ---- */
/* Field limits, in characters. */
enum {
	ITEM_TITLE_MAX = 300,
	ITEM_DOCNO_MAX = 60,
	ITEM_SHORT_MAX = 100,
	ITEM_SUMMARY_MAX = 2000,
	ITEM_BODY_MAX_BYTES = 1024 * 1024,
};

/* Check and normalise an item before it is stored: required title,
 * category, valid dates, allowed 体裁/有效性, field lengths, 文号. On
 * failure returns ERR_INVALID and points *msg at a Chinese message naming
 * the field (static or arena memory). *warn (may be NULL) gets a
 * non-blocking warning or NULL. */
int catalog_item_check(struct arena *a, struct item *it, const char **msg, const char **warn);

/* Publish an item: allocate its 索引号 on first publication (per org and
 * year of 发布日期, never reused), set 发布日期 to today (China time) when
 * empty, status 已发布. Runs in its own transaction. */
int catalog_publish(struct db *db, struct arena *a, const struct org *org, long long item_id,
		    const char *now, const char **index_no);
/* As catalog_publish, inside the caller's transaction (bulk import): on
 * failure nothing is rolled back here, the caller rolls back. */
int catalog_publish_in_tx(struct db *db, struct arena *a, const struct org *org, long long item_id,
			  const char *now, const char **index_no);
/* Allocate the next 索引号 of the org for the year of published_on
 * (YYYY-MM-DD), inside the caller's transaction: for importers that store
 * an item already published. */
int catalog_assign_index_no(struct db *db, struct arena *a, const struct org *org, const char *published_on,
			    const char **index_no);
/* Withdraw a published item (its 索引号 stays with it). */
int catalog_withdraw(struct db *db, const struct org *org, long long item_id, const char *now);
/* Submit a draft for review (草稿 -> 待审核). */
int catalog_submit(struct db *db, const struct org *org, long long item_id, const char *now);

/* 第二十六条: an item is to be public within 20 working days of being
 * formed (its 成文日期). For an item with a 成文日期: *due gets that last day
 * (YYYY-MM-DD, arena memory) and *msg NULL when the item was published (or,
 * not yet published, today is) on or before it; otherwise *msg is a Chinese
 * warning: published late, overdue, or the working-day calendar lacks the
 * year needed (then *due is NULL). Both NULL without a 成文日期. */
int catalog_timeliness(struct db *db, struct arena *a, const struct item *it, const char **due, const char **msg);

/* Chinese label of a status value (草稿, 待审核, 已发布, 已撤回). */
const char *catalog_status_label(const char *status);

#endif
