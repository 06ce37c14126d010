/* decision.h - the rows of the 第二十条 registers: decisions (行政许可,
 * 行政处罚, 行政强制, 其他对外管理服务事项) and the per-year counts an
 * agency declares for decisions it does not record one by one; fee items
 * (行政事业性收费) and their yearly amounts; 政府集中采购 projects. The
 * rules are in domain/registers/decisions.h; these functions only read and
 * write rows. Conventions as in store.h (org on every call, arena strings,
 * ERR_NOT_FOUND outside the org, ERR_CONFLICT on a unique violation or a
 * stale version). Amounts are whole fen. */
#ifndef GK_STORE_DECISION_H
#define GK_STORE_DECISION_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

/* ---- decisions ---- */
struct decision {
	long long id;
	long long org_id;
	const char *kind;           /* license penalty coercion service */
	const char *decided_on;     /* YYYY-MM-DD */
	const char *doc_no;         /* 文号, "" when none */
	const char *title;          /* 事项名称 */
	const char *party;          /* 相对人 */
	const char *note;
	int version;
	long long created_by;
	const char *created_at;
	const char *updated_at;
};

/* ERR_CONFLICT when the 文号 is taken in the org. */
int store_decision_insert(struct db *db, struct decision *d);
int store_decision_update(struct db *db, struct decision *d);
int store_decision_delete(struct db *db, long long org_id, long long id, int version);
int store_decision_get(struct db *db, struct arena *a, long long org_id, long long id, struct decision *out);
/* Is doc_no taken in org by a decision other than except_id? */
int store_decision_doc_no_taken(struct db *db, long long org_id, const char *doc_no, long long except_id,
				bool *taken);

struct decision_filter {
	long long org_id;
	int year;                   /* of decided_on; 0: all */
	const char *kind;           /* NULL: all */
	const char *q;              /* part of 文号, 事项名称 or 相对人; NULL: none */
	long long limit, offset;    /* limit 0: all */
};
/* Newest first. *total (may be NULL) counts all matches. */
int store_decision_list(struct db *db, struct arena *a, const struct decision_filter *f, struct decision **out,
			size_t *n, long long *total);
/* Decisions of org in [from, to] per kind and month: calls fn once per
 * (kind, month 1..12, count) with a count > 0. */
int store_decision_month_counts(struct db *db, long long org_id, int year,
				void (*fn)(void *ctx, const char *kind, int month, long long n), void *ctx);

/* ---- declared yearly counts ---- */
struct decision_count {
	long long id;
	long long org_id;
	const char *kind;
	int year;
	long long n;
	const char *note;
	int version;
	const char *created_at;
	const char *updated_at;
};
/* ERR_CONFLICT when (kind, year) is already declared. */
int store_decision_count_insert(struct db *db, struct decision_count *c);
/* n and note, when the stored version is c->version. */
int store_decision_count_update(struct db *db, struct decision_count *c);
int store_decision_count_delete(struct db *db, long long org_id, long long id, int version);
int store_decision_count_get(struct db *db, struct arena *a, long long org_id, long long id,
			     struct decision_count *out);
/* ERR_NOT_FOUND when (kind, year) is not declared. */
int store_decision_count_find(struct db *db, struct arena *a, long long org_id, const char *kind, int year,
			      struct decision_count *out);
/* All declared counts of org (year 0) or of one year, newest year first. */
int store_decision_count_list(struct db *db, struct arena *a, long long org_id, int year,
			      struct decision_count **out, size_t *n);
/* Years with decisions or declared counts, newest first. */
int store_decision_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n);

/* ---- fee items and yearly amounts ---- */
struct fee_item {
	long long id;
	long long org_id;
	const char *name;           /* 项目名称 */
	const char *basis;          /* 依据 */
	const char *standard;       /* 标准 */
	int version;
	const char *created_at;
	const char *updated_at;
	/* list reads with a year: that year's amount */
	bool has_amount;
	long long amount_fen;
};
struct fee_amount {
	long long fee_id;
	int year;
	long long amount_fen;
};

/* ERR_CONFLICT when the name is taken in the org. */
int store_fee_insert(struct db *db, struct fee_item *f);
/* name, basis, standard when the stored version is f->version. */
int store_fee_update(struct db *db, struct fee_item *f);
/* Bump the version of fee item id from version (a change of its amounts):
 * ERR_CONFLICT when stale. */
int store_fee_touch(struct db *db, long long org_id, long long id, int version, const char *now);
/* Delete the item and its amounts when the stored version is version. */
int store_fee_delete(struct db *db, long long org_id, long long id, int version);
int store_fee_get(struct db *db, struct arena *a, long long org_id, long long id, struct fee_item *out);
int store_fee_by_name(struct db *db, struct arena *a, long long org_id, const char *name, struct fee_item *out);
/* Items of org by name; with year > 0, each with that year's amount
 * (has_amount), and only those that have one when only_year. */
int store_fee_list(struct db *db, struct arena *a, long long org_id, int year, bool only_year,
		   struct fee_item **out, size_t *n);
/* Set (insert or replace) the amount of item fee_id for year. */
int store_fee_amount_set(struct db *db, long long org_id, long long fee_id, int year, long long amount_fen);
/* ERR_NOT_FOUND when the item has no amount for year. */
int store_fee_amount_delete(struct db *db, long long org_id, long long fee_id, int year);
int store_fee_amount_get(struct db *db, long long org_id, long long fee_id, int year, long long *amount_fen);
/* The amounts of one item (fee_id) or of every item (fee_id 0), by year then item. */
int store_fee_amounts(struct db *db, struct arena *a, long long org_id, long long fee_id, struct fee_amount **out,
		      size_t *n);
/* Years with amounts, newest first. */
int store_fee_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n);

/* ---- 政府集中采购 ---- */
struct procurement {
	long long id;
	long long org_id;
	int year;
	const char *project;        /* 项目名称 */
	long long amount_fen;
	const char *day;            /* YYYY-MM-DD or NULL */
	int version;
	const char *created_at;
	const char *updated_at;
};
int store_procurement_insert(struct db *db, struct procurement *p);
int store_procurement_update(struct db *db, struct procurement *p);
int store_procurement_delete(struct db *db, long long org_id, long long id, int version);
int store_procurement_get(struct db *db, struct arena *a, long long org_id, long long id, struct procurement *out);
/* Of one year (0: all), newest year first, then by day and id. */
int store_procurement_list(struct db *db, struct arena *a, long long org_id, int year, struct procurement **out,
			   size_t *n);
/* Count and total of a year. */
int store_procurement_sum(struct db *db, long long org_id, int year, long long *count, long long *total_fen);
int store_procurement_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n);

#endif
