/* channel_stats.c - channel figures (公开渠道数据): channels, the monthly
 * grid, the year's totals, CSV import and export. See channel_stats.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/registers/channel_stats.h"
#include "domain/registers/csvio.h"
#include "domain/registers/registers.h"
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

const struct chan_type_info chan_types[] = {
	{ CHAN_PORTAL, "portal", "门户网站" },
	{ CHAN_NEW_MEDIA, "new_media", "政务新媒体" },
	{ CHAN_OTHER, "other", "其他" },
};
const size_t chan_types_count = sizeof(chan_types) / sizeof(chan_types[0]);

const char *const chan_new_media_metrics[4] = { METRIC_PUSHES, METRIC_READS, METRIC_FOLLOWERS, METRIC_TOP };

/* New media platforms a CSV may name instead of 政务新媒体. */
static const char *const platforms[] = {
	"微信公众号", "微信", "微博", "新浪微博", "抖音", "头条号", "今日头条", "视频号", "快手", "政务APP", "客户端",
	"APP",
};

const struct chan_type_info *chan_type_find(const char *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < chan_types_count; i++)
		if (strcmp(s, chan_types[i].code) == 0 || strcmp(s, chan_types[i].label) == 0)
			return &chan_types[i];
	return NULL;
}

static const struct chan_type_info *type_of(const char *code)
{
	const struct chan_type_info *t = chan_type_find(code);

	return t ? t : &chan_types[CHAN_OTHER];
}

/* A trimmed arena copy of s ("" for NULL). */
static char *trimmed(struct arena *a, const char *s)
{
	struct str t = str_trim(str_c(s));

	return arena_strndup(a, t.p, t.n);
}

int chan_type_parse(struct arena *a, const char *s, const struct chan_type_info **type, const char **platform,
		    const char **msg)
{
	char *t = trimmed(a, s);
	char *open, *close;

	if (!t)
		return ERR_NOMEM;
	*platform = "";
	if ((*type = chan_type_find(t)))
		return 0;
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (strcmp(t, platforms[i]) == 0) {
			*type = &chan_types[CHAN_NEW_MEDIA];
			*platform = t;
			return 0;
		}
	/* 政务新媒体（微信公众号） or 政务新媒体(微信公众号) */
	open = strstr(t, "（");
	if (!open)
		open = strchr(t, '(');
	if (open) {
		size_t olen = (unsigned char)*open == '(' ? 1 : strlen("（");
		size_t n = strlen(t);

		close = NULL;
		if (n >= 3 && strcmp(t + n - 3, "）") == 0)
			close = t + n - 3;
		else if (n >= 1 && t[n - 1] == ')')
			close = t + n - 1;
		if (close && close > open) {
			char *base = trimmed(a, arena_strndup(a, t, (size_t)(open - t)));
			char *plat = trimmed(a, arena_strndup(a, open + olen, (size_t)(close - open - olen)));

			if (!base || !plat)
				return ERR_NOMEM;
			if ((*type = chan_type_find(base)) && *plat && utf8_line_ok(plat, CHAN_PLATFORM_MAX)) {
				*platform = plat;
				return 0;
			}
		}
	}
	*type = NULL;
	*msg = arena_printf(a, "渠道类型“%s”无效，应为门户网站、政务新媒体或其他（可在括号中注明平台，如“政务新媒体（微信公众号）”）。", t);
	return ERR_INVALID;
}

enum metric_kind chan_metric_kind(const char *metric)
{
	if (metric && strcmp(metric, METRIC_FOLLOWERS) == 0)
		return METRIC_STOCK;
	if (metric && strcmp(metric, METRIC_TOP) == 0)
		return METRIC_MAX;
	return METRIC_FLOW;
}

static bool new_media_metric(const char *m)
{
	for (size_t i = 0; i < 4; i++)
		if (strcmp(m, chan_new_media_metrics[i]) == 0)
			return true;
	return false;
}

int chan_metric_check(struct arena *a, enum chan_type type, const char *metric, const char **msg)
{
	if (!metric || !*metric) {
		*msg = "请填写指标（门户网站填写信息的内容类别，如动态类）。";
		return ERR_INVALID;
	}
	if (!utf8_line_ok(metric, CHAN_METRIC_MAX)) {
		*msg = arena_printf(a, "指标“%s”无效：不超过 %d 个字，且不能包含换行等控制字符。", metric, CHAN_METRIC_MAX);
		return ERR_INVALID;
	}
	if (type == CHAN_NEW_MEDIA && !new_media_metric(metric)) {
		*msg = arena_printf(a, "政务新媒体的指标应为推送次数、阅读量、关注人数或最高单条阅读，不能是“%s”。", metric);
		return ERR_INVALID;
	}
	if (type == CHAN_PORTAL && new_media_metric(metric)) {
		*msg = arena_printf(a, "门户网站的指标是所发布信息的内容类别（如动态类、公告类、法规政策类），不能是“%s”。",
				    metric);
		return ERR_INVALID;
	}
	return 0;
}

/* ---- a year of figures ---- */

int channel_grid_metrics(struct db *db, struct arena *a, const struct stat_channel *ch, const char ***out, size_t *n)
{
	if (type_of(ch->type)->id == CHAN_NEW_MEDIA) {
		*out = (const char **)chan_new_media_metrics;
		*n = 4;
		return 0;
	}
	return store_channel_metrics(db, a, ch->org_id, ch->id, out, n);
}

static struct chan_metric_year *metric_slot(struct chan_year *y, const char *metric)
{
	for (size_t i = 0; i < y->nmetrics; i++)
		if (strcmp(y->metrics[i].metric, metric) == 0)
			return &y->metrics[i];
	return NULL;
}

/* Fill y from the channel's figures of the year (figs[0..n), all of ch)
 * with the metrics in the order of order[0..norder). */
static int year_build(struct arena *a, const struct stat_channel *ch, int year, const char *const *order,
		      size_t norder, const struct channel_figure *figs, size_t n, struct chan_year *y)
{
	size_t cap = 0;

	memset(y, 0, sizeof(*y));
	y->ch = *ch;
	y->type = type_of(ch->type);
	y->year = year;
	y->top_title = "";
	/* the metrics present, in grid order, then any other */
	for (size_t pass = 0; pass < 2; pass++) {
		size_t lim = pass == 0 ? norder : n;

		for (size_t i = 0; i < lim; i++) {
			const char *m = pass == 0 ? order[i] : figs[i].metric;
			bool present = pass == 1;
			struct chan_metric_year *s;

			for (size_t j = 0; j < n && !present; j++)
				present = strcmp(figs[j].metric, m) == 0;
			if (!present || metric_slot(y, m))
				continue;
			if (!(s = grow_slot(a, (void **)&y->metrics, y->nmetrics, &cap, sizeof(*s))))
				return ERR_NOMEM;
			s->metric = m;
			s->kind = chan_metric_kind(m);
			s->total_label = "";
			for (int k = 0; k < 12; k++)
				s->label[k] = "";
			y->nmetrics++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct chan_metric_year *s = metric_slot(y, figs[i].metric);
		int k = figs[i].month - 1;

		if (!s || k < 0 || k > 11)
			return ERR_INTERNAL;
		s->has[k] = true;
		s->value[k] = figs[i].value;
		s->label[k] = figs[i].label ? figs[i].label : "";
		y->nfigures++;
	}
	for (size_t i = 0; i < y->nmetrics; i++) {
		struct chan_metric_year *s = &y->metrics[i];

		for (int k = 0; k < 12; k++) {
			if (!s->has[k])
				continue;
			switch (s->kind) {
			case METRIC_FLOW:
				s->total += s->value[k];
				break;
			case METRIC_STOCK:
				s->total = s->value[k];
				s->total_month = k + 1;
				break;
			case METRIC_MAX:
				if (!s->total_month || s->value[k] > s->total) {
					s->total = s->value[k];
					s->total_month = k + 1;
					s->total_label = s->label[k];
				}
				break;
			}
		}
		if (s->kind == METRIC_FLOW && y->type->id != CHAN_NEW_MEDIA)
			y->items += s->total;
		if (strcmp(s->metric, METRIC_PUSHES) == 0 && y->type->id == CHAN_NEW_MEDIA)
			y->pushes = s->total;
		if (strcmp(s->metric, METRIC_READS) == 0 && y->type->id == CHAN_NEW_MEDIA)
			y->reads = s->total;
		if (s->kind == METRIC_STOCK && s->total_month) {
			y->has_followers = true;
			y->followers = s->total;
			y->followers_month = s->total_month;
		}
		if (s->kind == METRIC_MAX && s->total_month) {
			y->has_top = true;
			y->top_reads = s->total;
			y->top_title = s->total_label;
			y->top_month = s->total_month;
		}
	}
	return 0;
}

static bool year_ok(int year)
{
	return year >= CHAN_YEAR_MIN && year <= CHAN_YEAR_MAX;
}

int channel_stats_year(struct db *db, struct arena *a, long long org_id, int year, struct chan_year **out, size_t *n)
{
	struct stat_channel *chs;
	struct channel_figure *figs;
	struct chan_year *ys;
	size_t nch, nf, at = 0;
	int rc;

	if (!year_ok(year))
		return ERR_INVALID;
	if ((rc = store_stat_channels(db, a, org_id, &chs, &nch)) ||
	    (rc = store_channel_figures(db, a, org_id, 0, year, &figs, &nf)))
		return rc;
	if (!(ys = arena_zalloc(a, (nch ? nch : 1) * sizeof(*ys))))
		return ERR_NOMEM;
	/* figures come by channel in the channels' order */
	for (size_t i = 0; i < nch; i++) {
		const char **order;
		size_t norder, from = at;

		while (at < nf && figs[at].channel_id == chs[i].id)
			at++;
		if ((rc = channel_grid_metrics(db, a, &chs[i], &order, &norder)) ||
		    (rc = year_build(a, &chs[i], year, order, norder, nf ? figs + from : NULL, at - from, &ys[i])))
			return rc;
	}
	if (at != nf)
		return ERR_INTERNAL;
	*out = ys;
	*n = nch;
	return 0;
}

int channel_stats_channel_year(struct db *db, struct arena *a, long long org_id, long long channel_id, int year,
			       struct chan_year *out)
{
	struct stat_channel ch;
	struct channel_figure *figs;
	const char **order;
	size_t nf, norder;
	int rc;

	if (!year_ok(year))
		return ERR_INVALID;
	if ((rc = store_stat_channel_get(db, a, org_id, channel_id, &ch)) ||
	    (rc = store_channel_figures(db, a, org_id, channel_id, year, &figs, &nf)) ||
	    (rc = channel_grid_metrics(db, a, &ch, &order, &norder)))
		return rc;
	return year_build(a, &ch, year, order, norder, figs, nf, out);
}

/* ---- channels ---- */

/* Validate and normalise a channel's fields. */
static int channel_fields(struct arena *a, const char *name_in, const char *type_in, const char *platform_in,
			  const char **name, const struct chan_type_info **type, const char **platform, const char **msg)
{
	if (!(*name = trimmed(a, name_in)) || !(*platform = trimmed(a, platform_in)))
		return ERR_NOMEM;
	if (!**name) {
		*msg = "请填写渠道名称。";
		return ERR_INVALID;
	}
	if (!utf8_line_ok(*name, CHAN_NAME_MAX)) {
		*msg = arena_printf(a, "渠道名称不超过 %d 个字，且不能包含换行等控制字符。", CHAN_NAME_MAX);
		return ERR_INVALID;
	}
	if (!(*type = chan_type_find(type_in))) {
		*msg = "请选择渠道类型（门户网站、政务新媒体或其他）。";
		return ERR_INVALID;
	}
	if (!utf8_line_ok(*platform, CHAN_PLATFORM_MAX)) {
		*msg = arena_printf(a, "平台或网址不超过 %d 个字，且不能包含换行等控制字符。", CHAN_PLATFORM_MAX);
		return ERR_INVALID;
	}
	return 0;
}

/* ERR_CONFLICT with *msg when another channel of the org is called name. */
static int name_free(const struct chan_ctx *c, const char *name, long long self, const char **msg)
{
	struct stat_channel o;
	int rc = store_stat_channel_by_name(c->db, c->a, c->org_id, name, &o);

	if (rc == ERR_NOT_FOUND || (rc == 0 && o.id == self))
		return 0;
	if (rc == 0) {
		*msg = arena_printf(c->a, "已有名为“%s”的渠道。", name);
		return ERR_CONFLICT;
	}
	return rc;
}

int channel_add(const struct chan_ctx *c, const char *name_in, const char *type_in, const char *platform_in,
		struct stat_channel *out, const char **msg)
{
	const struct chan_type_info *type;
	struct stat_channel ch = { .org_id = c->org_id, .created_at = c->now, .updated_at = c->now };
	int rc;

	*msg = "渠道保存失败，请稍后重试。";
	if ((rc = channel_fields(c->a, name_in, type_in, platform_in, &ch.name, &type, &ch.platform, msg)))
		return rc;
	ch.type = type->code;
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = name_free(c, ch.name, 0, msg)) || (rc = store_stat_channel_insert(c->db, &ch))) {
		db_rollback(c->db);
		if (rc == ERR_CONFLICT)
			*msg = arena_printf(c->a, "已有名为“%s”的渠道。", ch.name);
		return rc;
	}
	if ((rc = db_commit(c->db)))
		return rc;
	if (out)
		*out = ch;
	return 0;
}

int channel_edit(const struct chan_ctx *c, long long id, const char *name_in, const char *type_in,
		 const char *platform_in, const char **msg)
{
	const struct chan_type_info *type;
	struct stat_channel old, ch = { .id = id, .org_id = c->org_id, .updated_at = c->now };
	const char **metrics;
	size_t nm;
	int rc;

	*msg = "渠道保存失败，请稍后重试。";
	if ((rc = channel_fields(c->a, name_in, type_in, platform_in, &ch.name, &type, &ch.platform, msg)))
		return rc;
	ch.type = type->code;
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_stat_channel_get(c->db, c->a, c->org_id, id, &old)))
		goto fail;
	if (strcmp(old.type, type->code) != 0) {
		if ((rc = store_channel_metrics(c->db, c->a, c->org_id, id, &metrics, &nm)))
			goto fail;
		for (size_t i = 0; i < nm; i++) {
			const char *m2;

			if (chan_metric_check(c->a, type->id, metrics[i], &m2)) {
				*msg = arena_printf(c->a, "该渠道已有指标“%s”的数据，不能改为%s：%s", metrics[i],
						    type->label, m2);
				rc = ERR_INVALID;
				goto fail;
			}
		}
	}
	if ((rc = name_free(c, ch.name, id, msg)) || (rc = store_stat_channel_update(c->db, &ch)))
		goto fail;
	return db_commit(c->db);
fail:
	db_rollback(c->db);
	if (rc == ERR_CONFLICT)
		*msg = arena_printf(c->a, "已有名为“%s”的渠道。", ch.name);
	return rc;
}

int channel_remove(const struct chan_ctx *c, long long id, bool with_figures, const char **msg)
{
	struct stat_channel ch;
	int rc;

	*msg = "渠道删除失败，请稍后重试。";
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_stat_channel_get(c->db, c->a, c->org_id, id, &ch)))
		goto fail;
	if (ch.nfigures && !with_figures) {
		*msg = arena_printf(c->a, "渠道“%s”已有 %lld 条月度数据。如确需删除，请勾选“同时删除该渠道的全部数据”。",
				    ch.name, ch.nfigures);
		rc = ERR_INVALID;
		goto fail;
	}
	if ((rc = store_stat_channel_delete(c->db, c->org_id, id)))
		goto fail;
	return db_commit(c->db);
fail:
	db_rollback(c->db);
	return rc;
}

/* ---- the grid ---- */

/* A count as typed: ASCII or full-width digits, with "," "，" or spaces
 * between them. 0 with *v; ERR_INVALID. */
static int parse_count(const char *s, long long *v)
{
	const char *cur = s, *end = s + strlen(s);
	bool digit = false;
	long long x = 0;

	while (cur < end) {
		uint32_t c = utf8_next(&cur, end);
		int d = -1;

		if (c >= '0' && c <= '9')
			d = (int)(c - '0');
		else if (c >= 0xFF10 && c <= 0xFF19)
			d = (int)(c - 0xFF10);
		else if ((c == ',' || c == 0xFF0C || c == ' ' || c == 0x3000) && digit)
			continue;
		else
			return ERR_INVALID;
		x = x * 10 + d;
		if (x > CHAN_VALUE_MAX)
			return ERR_INVALID;
		digit = true;
	}
	if (!digit)
		return ERR_INVALID;
	*v = x;
	return 0;
}

static bool empty(const char *s)
{
	return !s || str_trim(str_c(s)).n == 0;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && strcmp(list[i], s) == 0)
			return true;
	return false;
}

static int grid_fail(struct chan_grid *g, int col, int month)
{
	g->err_col = col;
	g->err_month = month;
	return ERR_INVALID;
}

int channel_grid_save(const struct chan_ctx *c, long long channel_id, struct chan_grid *g, const char **msg)
{
	struct arena *a = c->a;
	struct stat_channel ch;
	struct channel_figure *figs;
	size_t nf, nc = g->ncols, nexist = 0, ncount;
	const char **names, **olds, **exist;
	long long(*vals)[12];
	bool(*has)[12];
	const struct chan_type_info *type;
	int top_col = -1, rc;

	*msg = "数据保存失败，请稍后重试。";
	g->err_col = g->err_month = -1;
	if (!year_ok(g->year)) {
		*msg = arena_printf(a, "年度应在 %d 到 %d 之间。", CHAN_YEAR_MIN, CHAN_YEAR_MAX);
		return ERR_INVALID;
	}
	if (nc > CHAN_METRICS_MAX + 4) {
		*msg = "表格的列过多。";
		return ERR_INVALID;
	}
	if ((rc = store_stat_channel_get(c->db, a, c->org_id, channel_id, &ch)) ||
	    (rc = store_channel_figures(c->db, a, c->org_id, channel_id, g->year, &figs, &nf)))
		return rc;
	type = type_of(ch.type);
	names = arena_zalloc(a, (nc + 1) * sizeof(*names));
	olds = arena_zalloc(a, (nc + 1) * sizeof(*olds));
	exist = arena_zalloc(a, (nf + 1) * sizeof(*exist));
	vals = arena_zalloc(a, (nc + 1) * sizeof(*vals));
	has = arena_zalloc(a, (nc + 1) * sizeof(*has));
	if (!names || !olds || !exist || !vals || !has)
		return ERR_NOMEM;
	for (size_t i = 0; i < nf; i++)
		if (!in_list(exist, nexist, figs[i].metric))
			exist[nexist++] = figs[i].metric;
	/* check everything before writing anything */
	for (size_t j = 0; j < nc; j++) {
		const struct chan_grid_col *col = &g->cols[j];
		bool any = false;

		if (!(names[j] = trimmed(a, col->metric)) || !(olds[j] = trimmed(a, col->old_metric)))
			return ERR_NOMEM;
		for (int m = 0; m < 12; m++) {
			const char *cell = col->cell[m];

			if (empty(cell))
				continue;
			any = true;
			if (!(cell = trimmed(a, cell)))
				return ERR_NOMEM;
			if (parse_count(cell, &vals[j][m])) {
				const char *t = cell;

				*msg = arena_printf(a, "%d 月的“%s”应填写不小于 0 的整数（如 1234 或 1,234），现为“%s”。",
						    m + 1, *names[j] ? names[j] : *olds[j] ? olds[j] : "新指标",
						    t ? t : "");
				return grid_fail(g, (int)j, m + 1);
			}
			has[j][m] = true;
		}
		if (!*names[j]) {
			if (any) {
				*msg = arena_printf(a, "第 %zu 列填写了数据，请填写它的指标名称（如动态类）。", j + 1);
				return grid_fail(g, (int)j, -1);
			}
			continue;
		}
		if (chan_metric_check(a, type->id, names[j], msg))
			return grid_fail(g, (int)j, -1);
		for (size_t k = 0; k < j; k++)
			if (strcmp(names[k], names[j]) == 0) {
				*msg = arena_printf(a, "指标“%s”出现了两次。", names[j]);
				return grid_fail(g, (int)j, -1);
			}
		if (chan_metric_kind(names[j]) == METRIC_MAX)
			top_col = (int)j;
	}
	for (size_t j = 0; j < nc; j++)
		if (*names[j] && in_list(exist, nexist, names[j]) && !in_list(olds, nc, names[j])) {
			*msg = arena_printf(a, "%d 年已有指标“%s”的数据，请在它所在的列中修改。", g->year, names[j]);
			return grid_fail(g, (int)j, -1);
		}
	for (int m = 0; m < 12; m++) {
		const char *t = g->top_title[m];

		if (empty(t))
			continue;
		if (top_col < 0)
			break; /* no column for it: the grid has no titles */
		if (!utf8_line_ok(t, CHAN_LABEL_MAX)) {
			*msg = arena_printf(a, "%d 月最高单条阅读的标题不超过 %d 个字，且不能包含换行等控制字符。", m + 1,
					    CHAN_LABEL_MAX);
			return grid_fail(g, top_col, m + 1);
		}
		if (!has[top_col][m]) {
			*msg = arena_printf(a, "%d 月填写了最高单条阅读的标题，请同时填写它的阅读次数。", m + 1);
			return grid_fail(g, top_col, m + 1);
		}
	}
	/* the metrics of the year afterwards: those kept, and the grid's */
	ncount = 0;
	for (size_t i = 0; i < nexist; i++)
		if (!in_list(olds, nc, exist[i]) && !in_list(names, nc, exist[i]))
			ncount++;
	for (size_t j = 0; j < nc; j++) {
		bool any = false;

		for (int m = 0; m < 12; m++)
			any = any || has[j][m];
		ncount += *names[j] && any;
	}
	if (ncount > CHAN_METRICS_MAX) {
		*msg = arena_printf(a, "一个渠道每年最多 %d 项指标。", CHAN_METRICS_MAX);
		return ERR_INVALID;
	}
	if ((rc = db_begin(c->db)))
		return rc;
	for (size_t j = 0; j < nc; j++)
		if (*olds[j] && (rc = store_channel_figures_delete_metric(c->db, c->org_id, ch.id, g->year, olds[j], NULL)))
			goto fail;
	for (size_t j = 0; j < nc; j++) {
		if (!*names[j])
			continue;
		for (int m = 0; m < 12; m++) {
			struct channel_figure f = { .org_id = c->org_id, .channel_id = ch.id, .year = g->year,
						    .month = m + 1, .metric = names[j], .value = vals[j][m], .label = "",
						    .updated_by = c->user_id, .updated_at = c->now };

			if (!has[j][m])
				continue;
			if ((int)j == top_col) {
				if (!(f.label = trimmed(a, g->top_title[m]))) {
					rc = ERR_NOMEM;
					goto fail;
				}
			} else if (*olds[j]) {
				/* keep a note imported with the figure */
				for (size_t i = 0; i < nf; i++)
					if (figs[i].month == m + 1 && strcmp(figs[i].metric, olds[j]) == 0)
						f.label = figs[i].label;
			}
			if ((rc = store_channel_figure_put(c->db, &f)))
				goto fail;
		}
	}
	return db_commit(c->db);
fail:
	db_rollback(c->db);
	return rc;
}

/* ---- CSV ---- */

static const struct csv_col csv_cols[] = {
	{ "渠道", true }, { "渠道类型", false }, { "年度", true }, { "月份", true },
	{ "指标", true }, { "数值", true },     { "说明", false },
};
enum { COL_CHANNEL, COL_TYPE, COL_YEAR, COL_MONTH, COL_METRIC, COL_VALUE, COL_LABEL, NCOLS };

/* A channel as the import sees it: stored, or created by an earlier row. */
struct imp_channel {
	const char *name;
	const struct chan_type_info *type;
	const char *platform;
	long long id;             /* 0: created by the file */
	struct imp_channel *next;
};

/* The metrics of one channel in one year, for CHAN_METRICS_MAX. */
struct imp_year {
	const char *channel;
	int year;
	const char **metrics;
	size_t n, cap;
	struct imp_year *next;
};

struct imp_ctx {
	const struct reg_ctx *rc;
	struct imp_channel *channels;
	struct imp_year *years;
};

struct imp_row {
	const char *channel;
	const struct chan_type_info *type;
	const char *platform;
	int year, month;
	const char *metric;
	long long value;
	const char *label;
};

static struct imp_channel *imp_channel_find(struct imp_ctx *ic, const char *name)
{
	for (struct imp_channel *c = ic->channels; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* The channel of a row, from the file's earlier rows or the database;
 * NULL in *out when it is new. */
static int imp_channel_get(struct imp_ctx *ic, struct arena *a, const char *name, struct imp_channel **out)
{
	struct stat_channel ch;
	struct imp_channel *c = imp_channel_find(ic, name);
	int rc;

	if (c) {
		*out = c;
		return 0;
	}
	*out = NULL;
	rc = store_stat_channel_by_name(ic->rc->db, a, ic->rc->org->id, name, &ch);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	if (!(c = arena_zalloc(a, sizeof(*c))))
		return ERR_NOMEM;
	c->name = ch.name;
	c->type = type_of(ch.type);
	c->platform = ch.platform;
	c->id = ch.id;
	c->next = ic->channels;
	ic->channels = c;
	*out = c;
	return 0;
}

/* Count metric for (channel, year); ERR_INVALID past CHAN_METRICS_MAX. */
static int imp_year_add(struct imp_ctx *ic, struct arena *a, const struct imp_channel *ch, int year,
			const char *metric, const char **msg)
{
	struct imp_year *y;
	const char **slot;
	int rc;

	for (y = ic->years; y; y = y->next)
		if (y->year == year && strcmp(y->channel, ch->name) == 0)
			break;
	if (!y) {
		struct channel_figure *figs;
		size_t nf = 0;

		if (!(y = arena_zalloc(a, sizeof(*y))))
			return ERR_NOMEM;
		y->channel = ch->name;
		y->year = year;
		if (ch->id && (rc = store_channel_figures(ic->rc->db, a, ic->rc->org->id, ch->id, year, &figs, &nf)))
			return rc;
		for (size_t i = 0; i < nf; i++) {
			if (in_list(y->metrics, y->n, figs[i].metric))
				continue;
			if (!(slot = grow_slot(a, (void **)&y->metrics, y->n, &y->cap, sizeof(*slot))))
				return ERR_NOMEM;
			*slot = figs[i].metric;
			y->n++;
		}
		y->next = ic->years;
		ic->years = y;
	}
	if (in_list(y->metrics, y->n, metric))
		return 0;
	if (y->n >= CHAN_METRICS_MAX) {
		*msg = arena_printf(a, "渠道“%s”%d 年的指标超过 %d 项。", ch->name, year, CHAN_METRICS_MAX);
		return ERR_INVALID;
	}
	if (!(slot = grow_slot(a, (void **)&y->metrics, y->n, &y->cap, sizeof(*slot))))
		return ERR_NOMEM;
	*slot = metric;
	y->n++;
	return 0;
}

/* "2020", "2020年"; "3", "03", "3月": the number without its unit. */
static const char *without_unit(struct arena *a, const char *s, const char *unit)
{
	size_t n = strlen(s), u = strlen(unit);

	if (n > u && strcmp(s + n - u, unit) == 0)
		return trimmed(a, arena_strndup(a, s, n - u));
	return s;
}

static int imp_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		     const char **msg)
{
	struct imp_ctx *ic = ctx;
	struct imp_row *r = arena_zalloc(a, sizeof(*r));
	struct imp_channel *ch;
	long long year, month;
	const char *ys, *ms;
	int rc;

	if (!r)
		return ERR_NOMEM;
	r->channel = v[COL_CHANNEL];
	if (!*r->channel) {
		*msg = "渠道不能为空。";
		return ERR_INVALID;
	}
	if (!utf8_line_ok(r->channel, CHAN_NAME_MAX)) {
		*msg = arena_printf(a, "渠道名称不超过 %d 个字，且不能包含换行等控制字符。", CHAN_NAME_MAX);
		return ERR_INVALID;
	}
	r->platform = "";
	if (*v[COL_TYPE] && (rc = chan_type_parse(a, v[COL_TYPE], &r->type, &r->platform, msg)))
		return rc;
	if (!(ys = without_unit(a, v[COL_YEAR], "年")) || !(ms = without_unit(a, v[COL_MONTH], "月")))
		return ERR_NOMEM;
	if ((rc = csv_int("年度", ys, CHAN_YEAR_MIN, CHAN_YEAR_MAX, &year, msg, a)) ||
	    (rc = csv_int("月份", ms, 1, 12, &month, msg, a)) ||
	    (rc = csv_int("数值", v[COL_VALUE], 0, CHAN_VALUE_MAX, &r->value, msg, a)))
		return rc;
	r->year = (int)year;
	r->month = (int)month;
	r->metric = v[COL_METRIC];
	r->label = v[COL_LABEL];
	if (!utf8_line_ok(r->label, CHAN_LABEL_MAX)) {
		*msg = arena_printf(a, "说明不超过 %d 个字，且不能包含换行等控制字符。", CHAN_LABEL_MAX);
		return ERR_INVALID;
	}
	if ((rc = imp_channel_get(ic, a, r->channel, &ch)))
		return rc;
	if (!ch) {
		if (!r->type) {
			*msg = arena_printf(a, "没有名为“%s”的渠道；新渠道请在它出现的第一行填写渠道类型（门户网站、政务新媒体或其他）。",
					    r->channel);
			return ERR_INVALID;
		}
		if (!(ch = arena_zalloc(a, sizeof(*ch))))
			return ERR_NOMEM;
		ch->name = r->channel;
		ch->type = r->type;
		ch->platform = r->platform;
		ch->next = ic->channels;
		ic->channels = ch;
	} else if (r->type && (r->type != ch->type || (*r->platform && *ch->platform &&
							strcmp(r->platform, ch->platform) != 0))) {
		*msg = arena_printf(a, "渠道“%s”是%s%s%s%s，与本行的渠道类型“%s”不符。", ch->name, ch->type->label,
				    *ch->platform ? "（" : "", ch->platform, *ch->platform ? "）" : "", v[COL_TYPE]);
		return ERR_INVALID;
	}
	r->type = ch->type;
	r->platform = ch->platform;
	if ((rc = chan_metric_check(a, ch->type->id, r->metric, msg)) ||
	    (rc = imp_year_add(ic, a, ch, r->year, r->metric, msg)))
		return rc;
	if (!(*key = arena_printf(a, "%s\x1f%d\x1f%d\x1f%s", r->channel, r->year, r->month, r->metric)))
		return ERR_NOMEM;
	*prepared = r;
	return 0;
}

static int imp_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	struct imp_ctx *ic = ctx;
	const struct imp_row *r = prepared;
	struct stat_channel ch;
	struct channel_figure f;
	int rc = store_stat_channel_by_name(db, a, ic->rc->org->id, r->channel, &ch);

	if (rc == ERR_NOT_FOUND) {
		ch = (struct stat_channel){ .org_id = ic->rc->org->id, .name = r->channel, .type = r->type->code,
					    .platform = r->platform, .created_at = ic->rc->now,
					    .updated_at = ic->rc->now };
		rc = store_stat_channel_insert(db, &ch);
	}
	if (rc)
		return rc;
	f = (struct channel_figure){ .org_id = ic->rc->org->id, .channel_id = ch.id, .year = r->year,
				     .month = r->month, .metric = r->metric, .value = r->value, .label = r->label,
				     .updated_by = ic->rc->user_id, .updated_at = ic->rc->now };
	return store_channel_figure_put(db, &f);
}

static int import_csv(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
		      struct csv_report *rep)
{
	struct imp_ctx ic = { .rc = c };
	const struct csv_register reg = {
		.name = "公开渠道数据",
		.cols = csv_cols,
		.ncols = NCOLS,
		.check = imp_check,
		.store = imp_store,
		.ctx = &ic, .progress = c->progress, .progress_arg = c->progress_arg
	};

	return csv_import(c->db, c->a, &reg, bytes, n, encoding, dry_run, rep);
}

/* 门户网站, or 政务新媒体（微信公众号）: what 渠道类型 reads back. */
static const char *type_text(struct arena *a, const struct stat_channel *ch)
{
	const struct chan_type_info *t = type_of(ch->type);

	return *ch->platform ? arena_printf(a, "%s（%s）", t->label, ch->platform) : t->label;
}

static int export_csv(const struct reg_ctx *c, int year, bool personal, struct buf *out)
{
	struct stat_channel *chs;
	struct channel_figure *figs;
	size_t nch, nf, k = 0;
	int rc;

	(void)personal; /* no personal data in channel figures */
	if ((rc = store_stat_channels(c->db, c->a, c->org->id, &chs, &nch)) ||
	    (rc = store_channel_figures(c->db, c->a, c->org->id, 0, year, &figs, &nf)))
		return rc;
	csv_write_bom(out);
	{
		const char *h[NCOLS];

		for (size_t i = 0; i < NCOLS; i++)
			h[i] = csv_cols[i].name;
		csv_write_row(out, h, NCOLS);
	}
	for (size_t i = 0; i < nf; i++) {
		const char *row[NCOLS];

		while (k < nch && chs[k].id != figs[i].channel_id)
			k++;
		if (k == nch)
			return ERR_INTERNAL;
		row[COL_CHANNEL] = chs[k].name;
		row[COL_TYPE] = type_text(c->a, &chs[k]);
		row[COL_YEAR] = arena_printf(c->a, "%d", figs[i].year);
		row[COL_MONTH] = arena_printf(c->a, "%d", figs[i].month);
		row[COL_METRIC] = figs[i].metric;
		row[COL_VALUE] = arena_printf(c->a, "%lld", figs[i].value);
		row[COL_LABEL] = figs[i].label;
		if (!row[COL_TYPE] || !row[COL_YEAR] || !row[COL_MONTH] || !row[COL_VALUE])
			return ERR_NOMEM;
		csv_write_row(out, row, NCOLS);
	}
	return out->err;
}

static int year_series(struct db *db, struct arena *a, long long org_id, int year, struct reg_series **out, size_t *n)
{
	struct chan_year *ys;
	struct reg_series *arr = NULL;
	size_t ny, k = 0, cap = 0;
	int rc;

	if ((rc = channel_stats_year(db, a, org_id, year, &ys, &ny)))
		return rc;
	for (size_t i = 0; i < ny; i++) {
		for (size_t j = 0; j < ys[i].nmetrics; j++) {
			const struct chan_metric_year *m = &ys[i].metrics[j];
			struct reg_series *s;

			if (ys[i].type->id == CHAN_NEW_MEDIA ? strcmp(m->metric, METRIC_PUSHES) != 0
							      : m->kind != METRIC_FLOW)
				continue;
			if (!(s = grow_slot(a, (void **)&arr, k, &cap, sizeof(*s))) ||
			    !(s->label = arena_printf(a, "%s · %s", ys[i].ch.name, m->metric)))
				return ERR_NOMEM;
			for (int mo = 0; mo < 12; mo++) {
				s->month[mo] = m->has[mo] ? m->value[mo] : 0;
				s->total += s->month[mo];
			}
			k++;
		}
	}
	*out = arr;
	*n = k;
	return 0;
}

const struct reg_kind reg_channel_stats = {
	.code = "channel-stats",
	.label = "公开渠道数据",
	.import_csv = import_csv,
	.export_csv = export_csv,
	.year_series = year_series,
};
