/* report_figures.h - the aggregate queries of the annual report that no
 * other store function gives: the catalog's 规章 and 行政规范性文件 by
 * their dates and 有效性 (table 二, 第二十条第（一）项), the items published
 * in a year per category (the catalog sentence of 一), the 信息处理费 paid on
 * applications in a year (六) and table 三 of the applications as counts.
 *
 * Each is one aggregate statement over an index (migration 0010 adds the
 * ones they need): no whole rows are read, so a year of an agency with a
 * million items and a hundred thousand applications counts in
 * milliseconds. Conventions as in store.h. */
#ifndef GK_STORE_REPORT_FIGURES_H
#define GK_STORE_REPORT_FIGURES_H

#include <stddef.h>

struct arena;
struct category;
struct db;

/* 第二十条第（一）项 for one 体裁, counting published items (status
 * published) of org:
 *   made      成文日期 in year and published by the year's end
 *   newly     发布日期 in year (the 2019 本年新公开数量 and the 2021 本年制发件数)
 *   total     published by the year's end
 *   repealed  有效性 废止 or 失效 with its date in year
 *   in_force  published by the year's end and in force then: 有效 or
 *             已修改, or 废止 / 失效 only after the year's end */
struct rf_genre {
	long long made, newly, total, repealed, in_force;
};
enum { RF_RULES = 0, RF_NORMATIVE = 1, RF_GENRES = 2 };   /* 规章, 行政规范性文件 */
int store_report_genres(struct db *db, long long org_id, int year, struct rf_genre out[RF_GENRES]);

/* Every category of org in display order (sort, id) with published = its
 * items published in year (not its children's). Arena array of *n. */
int store_report_categories(struct db *db, struct arena *a, long long org_id, int year, struct category **out,
			    size_t *n);

/* 信息处理费 paid in year: applications of org (not voided) with a fee_paid
 * event dated in year, each counted once: *fen their fee_yuan in fen, *apps
 * how many. */
int store_report_fees_paid(struct db *db, long long org_id, int year, long long *fen, long long *apps);

/* Applications of org replied in year (state replied, closed_on in year)
 * after their due date as it stood when they were answered: *late. */
int store_report_apps_late(struct db *db, long long org_id, int year, long long *late);

/* Table 三 of year as app_year_counts (cases.h) counts it, in one
 * aggregate statement: calls fn once per group of applications with the
 * same applicant type code, received in year (new) or before (carried in),
 * and outcome code when closed in year (NULL: still open at the year's
 * end). Voided submissions are not counted. */
int store_report_app_groups(struct db *db, long long org_id, int year,
			    int (*fn)(void *ctx, const char *type, int is_new, const char *outcome, long long n),
			    void *ctx);

#endif
