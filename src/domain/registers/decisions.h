/* decisions.h - the 第二十条 registers that feed table 二 of the annual
 * report (主动公开政府信息情况):
 *
 *   decisions   行政许可 (第（五）项), 其他对外管理服务事项 (第（五）项,
 *               2019 format only), 行政处罚 and 行政强制 (第（六）项):
 *               each decision (决定日期, 文号, 事项名称, 相对人, 备注), and
 *               for agencies that only record numbers a declared count per
 *               kind and year (decisions not recorded one by one). The
 *               year's 处理决定数量 of a kind = its recorded decisions of
 *               that year + its declared count.
 *   fees        行政事业性收费 items (第（八）项: 名称, 依据, 标准) with
 *               their yearly amounts. An item is in force in a year when it
 *               has an amount for that year (0 allowed): the 2019 format's
 *               项目数量 counts those, the 2021 format's 本年收费金额 sums
 *               them (in 万元).
 *   procurements 政府集中采购 projects (第（九）项, 2019 format only):
 *               year, project, amount, date.
 *
 * 规章 and 行政规范性文件 (第（一）项) come from the catalog (体裁,
 * 有效性), not from here. Amounts are whole fen (分). Every write runs in
 * one transaction (a savepoint inside a caller's) and stores all or
 * nothing; messages are Chinese. */
#ifndef GK_DOMAIN_REGISTERS_DECISIONS_H
#define GK_DOMAIN_REGISTERS_DECISIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/registers/registers.h"

struct arena;
struct db;
struct decision;
struct decision_count;
struct fee_item;
struct procurement;

enum decision_kind { DEC_LICENSE = 0, DEC_PENALTY = 1, DEC_COERCION = 2, DEC_SERVICE = 3, DEC_KINDS = 4 };

struct decision_kind_def {
	const char *code;     /* license penalty coercion service (stored) */
	const char *label;    /* 行政许可 行政处罚 行政强制 其他对外管理服务事项 */
	const char *article;  /* 第二十条第（五）项 / 第（六）项 */
};
extern const struct decision_kind_def decision_kinds[DEC_KINDS];
/* By code or label; -1 when unknown. */
int decision_kind_find(const char *s);

enum {
	REG_YEAR_MIN = 1990,
	DEC_TITLE_MAX = 300,
	DEC_DOCNO_MAX = 60,
	DEC_PARTY_MAX = 200,
	REG_NOTE_MAX = 2000,
	FEE_NAME_MAX = 200,
	FEE_BASIS_MAX = 1000,
	FEE_STANDARD_MAX = 500,
	PROC_PROJECT_MAX = 300,
};
#define DEC_COUNT_MAX 10000000LL        /* declared decisions of a kind in a year */
#define REG_AMOUNT_MAX_FEN 10000000000000LL /* 1000亿元 */

/* Who writes, in which org, when. */
struct reg_write_ctx {
	struct db *db;
	struct arena *a;
	long long org_id;
	long long user_id;    /* 0: command line */
	long today;           /* day number (China) */
	const char *now;      /* ISO 8601 UTC */
};

/* ---- decisions ---- */

struct decision_input {
	const char *kind;        /* code or label */
	const char *decided_on;  /* YYYY-MM-DD, not after today */
	const char *doc_no;      /* 文号 (normalised: 〔〕), unique in the org when given */
	const char *title;       /* 事项名称, required */
	const char *party;       /* 相对人 */
	const char *note;
	int version;             /* updates */
};
/* Validate in into out (arena strings). except_id: the decision being
 * edited (its own 文号 is not a clash). ERR_INVALID with *msg; *warn (may
 * be NULL) gets a non-blocking 文号 warning or NULL. */
int decision_check(const struct reg_write_ctx *c, const struct decision_input *in, long long except_id,
		   struct decision *out, const char **msg, const char **warn);
int decision_create(const struct reg_write_ctx *c, const struct decision_input *in, struct decision *out,
		    const char **msg);
/* ERR_NOT_FOUND, ERR_CONFLICT (stale version) with *msg, ERR_INVALID. */
int decision_update(const struct reg_write_ctx *c, long long id, const struct decision_input *in,
		    struct decision *out, const char **msg);
int decision_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg);

/* Declared counts: a kind and year without individual records. Creating
 * one for a (kind, year) already declared is ERR_INVALID (edit it). */
int decision_count_create(const struct reg_write_ctx *c, const char *kind, int year, long long n,
			  const char *note, struct decision_count *out, const char **msg);
/* Change n and note of declared count id seen at version. */
int decision_count_update(const struct reg_write_ctx *c, long long id, int version, long long n, const char *note,
			  struct decision_count *out, const char **msg);
int decision_count_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg);

/* The year's 处理决定数量 per kind (enum decision_kind order: 行政许可,
 * 行政处罚, 行政强制, 其他对外管理服务事项) = recorded decisions decided in
 * year + declared counts of year. */
int decisions_year_counts(struct db *db, long long org_id, int year, long long out[DEC_KINDS]);
/* The same split: recorded one by one, and declared. */
int decisions_year_breakdown(struct db *db, long long org_id, int year, long long recorded[DEC_KINDS],
			     long long declared[DEC_KINDS]);

/* ---- fees ---- */

struct fee_input {
	const char *name;        /* required, unique in the org */
	const char *basis;
	const char *standard;
	int version;             /* updates */
};
int fee_create(const struct reg_write_ctx *c, const struct fee_input *in, struct fee_item *out, const char **msg);
int fee_update(const struct reg_write_ctx *c, long long id, const struct fee_input *in, struct fee_item *out,
	       const char **msg);
/* Delete the item and its yearly amounts. */
int fee_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg);
/* Set (add or replace) the amount of item id for year (REG_YEAR_MIN ..
 * this year); the item's version moves on (version: the one the clerk
 * saw, ERR_CONFLICT when stale). */
int fee_amount_set(const struct reg_write_ctx *c, long long id, int version, int year, long long amount_fen,
		   const char **msg);
int fee_amount_delete(const struct reg_write_ctx *c, long long id, int version, int year, const char **msg);

/* The fee items in force in year (those with an amount that year; each
 * fee_item has has_amount and amount_fen set), by name, their count (*n)
 * and their total in fen. items may be NULL when only the figures are
 * wanted (a is still needed). */
int fees_year(struct db *db, struct arena *a, long long org_id, int year, struct fee_item **items, size_t *n,
	      long long *total_fen);

/* ---- 政府集中采购 ---- */

struct procurement_input {
	int year;                /* REG_YEAR_MIN .. this year */
	const char *project;     /* required */
	long long amount_fen;    /* >= 0 */
	const char *day;         /* YYYY-MM-DD within year and not after today, or NULL/"" */
	int version;             /* updates */
};
int procurement_create(const struct reg_write_ctx *c, const struct procurement_input *in, struct procurement *out,
		       const char **msg);
int procurement_update(const struct reg_write_ctx *c, long long id, const struct procurement_input *in,
		       struct procurement *out, const char **msg);
int procurement_delete(const struct reg_write_ctx *c, long long id, int version, const char **msg);
/* 采购项目数量 and 采购总金额 (fen) of year. */
int procurements_year(struct db *db, long long org_id, int year, long long *count, long long *total_fen);

/* ---- amounts ---- */

/* Parse an amount in yuan as typed ("1,234.5", "1234.50": ASCII digits,
 * thousands separators, up to 2 decimals; a trailing "元" is allowed) into
 * fen. ERR_INVALID with *msg naming what. */
int money_parse(struct arena *a, const char *what, const char *s, long long *fen, const char **msg);
/* fen as yuan: "1,234.50" (arena memory, NULL on failure). */
const char *money_yuan_text(struct arena *a, long long fen);
/* fen as yuan for an input field or CSV: "1234.50". */
const char *money_yuan_plain(struct arena *a, long long fen);
/* fen as 万元 with 4 decimals, rounded half up: "12.3457" (the 2021 format's
 * 本年收费金额（单位：万元）; arena memory). */
const char *money_wan_text(struct arena *a, long long fen);

/* The registers' import, export and series. CSV columns:
 *   decisions:    类别, 决定日期, 文号, 事项名称, 相对人, 备注, 年度, 件数
 *                 (a row with 类别, 年度 and 件数 only declares a count);
 *   fees:         项目名称, 依据, 标准, 年度, 收费金额（元）(a row without
 *                 年度 and amount only defines the item);
 *   procurements: 年度, 项目名称, 金额（元）, 日期. */
extern const struct reg_kind reg_decisions;
extern const struct reg_kind reg_fees;
extern const struct reg_kind reg_procurements;

#endif
