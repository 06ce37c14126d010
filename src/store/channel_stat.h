/* channel_stat.h - rows of the channel figures (公开渠道数据): the
 * channels of an org and their monthly figures (migration 0009). The rules
 * are in domain/registers/channel_stats; this file only reads and writes
 * rows. Every function takes the org and touches only its rows. */
#ifndef GK_STORE_CHANNEL_STAT_H
#define GK_STORE_CHANNEL_STAT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct stat_channel {
	long long id;
	long long org_id;
	const char *name;
	const char *type;       /* portal, new_media, other */
	const char *platform;   /* 微信公众号 ...; "" when none */
	long long nfigures;     /* figures of the channel, all years (read only) */
	const char *created_at;
	const char *updated_at;
};

struct channel_figure {
	long long id;
	long long org_id;
	long long channel_id;
	int year;
	int month;              /* 1..12 */
	const char *metric;
	long long value;
	const char *label;      /* "" when none */
	long long updated_by;   /* 0: the command line or an import without a user */
	const char *updated_at;
};

/* Insert c (id set on success); ERR_CONFLICT when the org has a channel of
 * that name. */
int store_stat_channel_insert(struct db *db, struct stat_channel *c);
/* Change name, type and platform of c->id in c->org_id; ERR_NOT_FOUND,
 * ERR_CONFLICT for a name taken. */
int store_stat_channel_update(struct db *db, const struct stat_channel *c);
/* Delete the channel and all its figures; ERR_NOT_FOUND. */
int store_stat_channel_delete(struct db *db, long long org_id, long long id);
int store_stat_channel_get(struct db *db, struct arena *a, long long org_id, long long id, struct stat_channel *out);
/* ERR_NOT_FOUND when the org has no channel of that name. */
int store_stat_channel_by_name(struct db *db, struct arena *a, long long org_id, const char *name,
			       struct stat_channel *out);
/* The org's channels: portals, new media, others, each in the order they
 * were added; nfigures set. */
int store_stat_channels(struct db *db, struct arena *a, long long org_id, struct stat_channel **out, size_t *n);

/* Insert or replace the figure of (channel, year, month, metric). */
int store_channel_figure_put(struct db *db, const struct channel_figure *f);
/* Delete the figures of one metric of a channel in a year (*deleted, may
 * be NULL, gets how many). */
int store_channel_figures_delete_metric(struct db *db, long long org_id, long long channel_id, int year,
					const char *metric, long long *deleted);
/* The figures of a year (channel_id 0: every channel; year 0: every
 * year), by channel (as store_stat_channels), year, month, and the order
 * they were first stored. */
int store_channel_figures(struct db *db, struct arena *a, long long org_id, long long channel_id, int year,
			  struct channel_figure **out, size_t *n);
/* The metric names a channel has used in any year, in the order they were
 * first stored (the columns of its grid). */
int store_channel_metrics(struct db *db, struct arena *a, long long org_id, long long channel_id, const char ***out,
			  size_t *n);
/* The years with figures in the org, latest first. */
int store_channel_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n);

#endif
