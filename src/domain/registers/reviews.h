/* reviews.h - administrative reviews and lawsuits about disclosure
 * (政府信息公开行政复议、行政诉讼): the register behind table 四 of the
 * annual report.
 *
 * A case has a kind (行政复议; 行政诉讼 filed directly, 未经复议直接起诉;
 * 行政诉讼 filed after a review, 复议后起诉), the day it was filed (申请复议
 * or 立案), the review body or court, the applicant or plaintiff, the
 * matter, optionally the disclosure application it concerns (by its
 * 申请编号, of the same org), and once decided its result (结果维持 /
 * 结果纠正 / 其他结果) with the day; without a result it is 尚未审结.
 *
 * Counting (a decision: the national format is silent): a case counts in
 * the year it was filed, with its result as known at the end of that year;
 * a case decided after the year's end counts as 尚未审结 in that year.
 *
 * Every write runs in one transaction (db_begin: a savepoint inside a
 * caller's). */
#ifndef GK_DOMAIN_REGISTERS_REVIEWS_H
#define GK_DOMAIN_REGISTERS_REVIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/registers/registers.h"

struct arena;
struct db;
struct review;

enum review_kind { REVIEW_ADMIN = 0, REVIEW_SUIT = 1, REVIEW_SUIT_AFTER = 2, REVIEW_KINDS = 3 };
enum review_result { RESULT_UPHELD = 0, RESULT_CORRECTED = 1, RESULT_OTHER = 2, RESULT_PENDING = 3, RESULT_COLS = 4 };

/* Table 四's 15 columns: for each kind (in enum review_kind order) 结果维持,
 * 结果纠正, 其他结果, 尚未审结, 总计. */
enum { REVIEWS_TABLE4_COLS = 15 };

struct review_kind_def {
	const char *code;       /* stored: review suit suit_after_review */
	const char *label;      /* 行政复议 / 行政诉讼（未经复议直接起诉） / 行政诉讼（复议后起诉） */
	const char *short_label;/* 行政复议 / 直接起诉 / 复议后起诉 */
	const char *body_label; /* 复议机关 / 人民法院 */
};
extern const struct review_kind_def review_kinds[REVIEW_KINDS];
struct review_result_def {
	const char *code;       /* upheld corrected other; NULL for pending */
	const char *label;      /* 结果维持 结果纠正 其他结果 尚未审结 */
};
extern const struct review_result_def review_results[RESULT_COLS];

/* The kind of a stored code, or of a label as a spreadsheet writes it
 * (the labels above, also with ASCII parentheses, "行政诉讼（直接起诉）",
 * "直接起诉", "复议后起诉"); -1 when unknown. */
int review_kind_find(const char *s);
/* The result of a stored code or label ("结果维持", "维持", ...; "" and
 * "尚未审结" are RESULT_PENDING); -1 when unknown. */
int review_result_find(const char *s);
/* The result column of a stored review (RESULT_PENDING when NULL). */
int review_result_of(const struct review *r);

/* Who writes, in which org, when. */
struct review_ctx {
	struct db *db;
	struct arena *a;
	long long org_id;
	long long user_id;      /* 0: command line */
	long today;             /* day number (China) */
	const char *now;        /* ISO 8601 UTC */
};

/* The fields of a case as entered (a form or a CSV row). Empty strings
 * and NULL are the same. */
struct review_input {
	const char *kind;       /* code or label */
	const char *case_no;
	const char *filed_on;   /* YYYY-MM-DD */
	const char *body;
	const char *party;
	const char *matter;
	const char *app_serial; /* 关联申请编号, e.g. 2021-0003 */
	const char *result;     /* code or label; "" / 尚未审结: pending */
	const char *decided_on; /* required with a result, empty without */
	const char *note;
	int version;            /* updates: the version the clerk saw */
};

/* Validate in and turn it into a row of org (out: arena strings; id,
 * version and times untouched): a known kind, a filing date not after
 * today, body and party (1-100 characters), 案号 at most 60, matter at most
 * 2000, note at most 2000, the application (when given) an application of
 * the org, and result and decided_on together, decided_on between filing
 * and today. The 案号 must not be another case's (except_id: the case
 * being edited). ERR_INVALID with a Chinese *msg naming the field. */
int review_check(const struct review_ctx *c, const struct review_input *in, long long except_id,
		 struct review *out, const char **msg);

/* Create a case: *out is the stored case. ERR_INVALID with *msg. */
int review_create(const struct review_ctx *c, const struct review_input *in, struct review *out,
		  const char **msg);
/* Save every field of case id (version in->version): ERR_NOT_FOUND,
 * ERR_CONFLICT with *msg when someone saved in between, ERR_INVALID. */
int review_update(const struct review_ctx *c, long long id, const struct review_input *in, struct review *out,
		  const char **msg);
/* Record the result of case id (result and decided_on only; the other
 * fields stay): as review_update. A result "" or 尚未审结 reopens it. */
int review_decide(const struct review_ctx *c, long long id, int version, const char *result,
		  const char *decided_on, struct review *out, const char **msg);
/* Delete case id seen at version: ERR_NOT_FOUND, ERR_CONFLICT with *msg. */
int review_delete(const struct review_ctx *c, long long id, int version, const char **msg);

/* Table 四 of year for org: out[kind * 5 + result] for result 0..3 (结果维持,
 * 结果纠正, 其他结果, 尚未审结) and out[kind * 5 + 4] the kind's 总计, for
 * kind 行政复议, 未经复议直接起诉, 复议后起诉: the report's column order. */
int reviews_table4(struct db *db, long long org_id, int year, long long out[REVIEWS_TABLE4_COLS]);
/* The column labels of table 四, in that order (static). */
extern const char *const reviews_table4_labels[REVIEWS_TABLE4_COLS];

/* The register's import, export and series (code "reviews"). CSV columns:
 * 类型, 案号, 申请或立案日期, 复议机关或法院, 申请人或原告, 事由,
 * 关联申请编号, 结果, 结果日期 (and optionally 备注). */
extern const struct reg_kind reg_reviews;

#endif
