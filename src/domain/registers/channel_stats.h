/* channel_stats.h - channel figures (公开渠道数据): how much an agency
 * published through each of its channels, month by month.
 *
 * A channel is a 门户网站 (portal), a 政务新媒体 account (new media, e.g.
 * the WeChat account 桐乡教育) or 其他. Its figures are (year, month,
 * metric, value), with a label for the title of the most-read item:
 *   门户网站: one metric per content type of the items published (动态类,
 *             公告类, 法规政策类, 招生考试类, ...: free text), a flow;
 *   政务新媒体: 推送次数 and 阅读量 (flows), 关注人数 (followers at month
 *             end: a stock), 最高单条阅读 (the most-read item of the month:
 *             its reads, its title as the label);
 *   其他:     free metrics, flows (关注人数 and 最高单条阅读 keep their
 *             meaning).
 * A year adds up per metric: flows are summed, a stock is its last month
 * given (December's when there), a maximum is the largest month (the
 * earliest on a tie, with its title).
 *
 * Figures are entered on the staff page as one grid per channel and year
 * (channel_grid_save) or imported from CSV (reg_channel_stats). Every write
 * is one transaction and either stores everything or nothing. */
#ifndef GK_DOMAIN_REGISTERS_CHANNEL_STATS_H
#define GK_DOMAIN_REGISTERS_CHANNEL_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/registers/registers.h"
#include "store/channel_stat.h"

struct arena;
struct db;
struct org;

enum {
	CHAN_NAME_MAX = 50,        /* characters of a channel name */
	CHAN_PLATFORM_MAX = 100,   /* characters of a platform or address */
	CHAN_METRIC_MAX = 20,      /* characters of a metric (content type) name */
	CHAN_LABEL_MAX = 200,      /* characters of a label (the most-read item's title) */
	CHAN_METRICS_MAX = 16,     /* metrics of one channel in one year */
	CHAN_YEAR_MIN = 1990,
	CHAN_YEAR_MAX = 2100,
};
#define CHAN_VALUE_MAX 1000000000000LL /* 10^12: no channel counts more in a month */

/* The new media metrics, in the order the grid shows them. */
#define METRIC_PUSHES "推送次数"
#define METRIC_READS "阅读量"
#define METRIC_FOLLOWERS "关注人数"
#define METRIC_TOP "最高单条阅读"

enum chan_type { CHAN_PORTAL, CHAN_NEW_MEDIA, CHAN_OTHER };

struct chan_type_info {
	enum chan_type id;
	const char *code;     /* portal new_media other (stored) */
	const char *label;    /* 门户网站 政务新媒体 其他 */
};
extern const struct chan_type_info chan_types[];
extern const size_t chan_types_count;
/* By code or by label; NULL when unknown. */
const struct chan_type_info *chan_type_find(const char *code_or_label);

/* Parse a channel type as written in a form or a CSV file: a label or code
 * ("政务新媒体"), a label with the platform in brackets ("政务新媒体（微信
 * 公众号）", also ASCII brackets), or a known new media platform alone
 * ("微信公众号", "微博", "抖音", "头条号", "视频号", "快手", "政务APP",
 * "客户端"): *type and *platform (arena memory, "" when none). ERR_INVALID
 * with *msg. */
int chan_type_parse(struct arena *a, const char *s, const struct chan_type_info **type, const char **platform,
		    const char **msg);

enum metric_kind {
	METRIC_FLOW,   /* summed over the year */
	METRIC_STOCK,  /* the last month given */
	METRIC_MAX,    /* the largest month, with its label */
};
enum metric_kind chan_metric_kind(const char *metric);
/* The metrics a new media channel has, in grid order. */
extern const char *const chan_new_media_metrics[4];

/* May a channel of type have metric? ERR_INVALID with *msg (naming the
 * metric) when not: a new media channel has exactly the four metrics
 * above; a portal's metrics are content types, not these four; every
 * metric is 1..CHAN_METRIC_MAX characters without control characters. */
int chan_metric_check(struct arena *a, enum chan_type type, const char *metric, const char **msg);

/* One metric of one channel over a year. */
struct chan_metric_year {
	const char *metric;
	enum metric_kind kind;
	bool has[12];             /* month m+1 given */
	long long value[12];
	const char *label[12];    /* "" when none */
	long long total;          /* sum, last value or maximum (0 when no month is given) */
	int total_month;          /* stock and maximum: the month total comes from (0: none or a flow) */
	const char *total_label;  /* maximum: the label of that month ("" otherwise) */
};

/* One channel over a year, with the figures the annual report quotes. */
struct chan_year {
	struct stat_channel ch;
	const struct chan_type_info *type;
	int year;
	struct chan_metric_year *metrics;   /* in the order of the channel's grid */
	size_t nmetrics;
	size_t nfigures;                    /* monthly figures stored for the year */
	/* 门户网站 and 其他: every flow metric summed (for a portal: the items
	 * published, all content types) */
	long long items;
	/* 政务新媒体 */
	long long pushes;                   /* 推送次数, summed */
	long long reads;                    /* 阅读量, summed */
	bool has_followers;
	long long followers;                /* 关注人数 at the year's end (the last month given) */
	int followers_month;
	bool has_top;
	long long top_reads;                /* 最高单条阅读: the year's maximum */
	const char *top_title;              /* its item's title ("" when not given) */
	int top_month;
};

/* Every channel of the org over year (also channels without figures that
 * year: nfigures 0), in the order of store_stat_channels. Arena memory.
 * This is what the annual report calls. */
int channel_stats_year(struct db *db, struct arena *a, long long org_id, int year, struct chan_year **out, size_t *n);
/* One channel over year; ERR_NOT_FOUND when the org has no such channel. */
int channel_stats_channel_year(struct db *db, struct arena *a, long long org_id, long long channel_id, int year,
			       struct chan_year *out);
/* The metric columns of a channel's grid for year: a new media channel's
 * four; otherwise every metric the channel has used in any year (first
 * stored first). */
int channel_grid_metrics(struct db *db, struct arena *a, const struct stat_channel *ch, const char ***out,
			 size_t *n);

/* Who writes, into which org, and when. */
struct chan_ctx {
	struct db *db;
	struct arena *a;
	long long org_id;
	long long user_id;        /* 0: the command line */
	const char *now;          /* ISO 8601 UTC */
};

/* Add a channel (name, type code or label, platform may be NULL). *out
 * (may be NULL) gets it. ERR_INVALID or ERR_CONFLICT (the name is taken)
 * with *msg. */
int channel_add(const struct chan_ctx *c, const char *name, const char *type, const char *platform,
		struct stat_channel *out, const char **msg);
/* Rename a channel or change its type or platform. A type its stored
 * figures do not fit is refused (ERR_INVALID with *msg); ERR_NOT_FOUND;
 * ERR_CONFLICT (the name is taken) with *msg. */
int channel_edit(const struct chan_ctx *c, long long id, const char *name, const char *type, const char *platform,
		 const char **msg);
/* Delete a channel. One with figures only when with_figures (they go with
 * it); else ERR_INVALID with *msg. ERR_NOT_FOUND. */
int channel_remove(const struct chan_ctx *c, long long id, bool with_figures, const char **msg);

/* The grid of one channel and year as posted: columns of metrics with the
 * text of their twelve monthly cells. */
struct chan_grid_col {
	const char *old_metric;   /* the metric this column showed (NULL or "": a new column) */
	const char *metric;       /* its name now (NULL or "": none; then every cell must be empty) */
	const char *cell[12];     /* NULL or "" (no figure), or a non-negative integer
				   * (thousands separators "," and spaces allowed) */
};

struct chan_grid {
	int year;
	struct chan_grid_col *cols;
	size_t ncols;
	const char *top_title[12];  /* 最高单条阅读's label for each month (NULL or "": none) */
	/* out: the cell of the error (-1 when it is not one cell) */
	int err_col;
	int err_month;              /* 1..12 */
};

/* Replace the figures of the grid's columns for (channel, year): each
 * column's old metric is cleared and its cells stored under its name;
 * metrics not in the grid are kept. Labels other than 最高单条阅读's are
 * kept. Everything or nothing: ERR_INVALID with *msg (and g->err_*) for a
 * bad cell, name or title; ERR_NOT_FOUND for another org's channel. */
int channel_grid_save(const struct chan_ctx *c, long long channel_id, struct chan_grid *g, const char **msg);

/* The CSV register: columns 渠道, 渠道类型, 年度, 月份, 指标, 数值, 说明
 * (code channel-stats, label 公开渠道数据). A row of a channel the org does
 * not have creates it when it gives 渠道类型 (in the file, the first row of
 * a new channel must give it); 渠道类型 given for an existing channel must
 * match. A row replaces the stored figure of its channel, year, month and
 * metric. year_series: one series per portal content type and per 其他
 * flow metric ("渠道 · 指标"), and one per new media channel of its
 * 推送次数. */
extern const struct reg_kind reg_channel_stats;

#endif
