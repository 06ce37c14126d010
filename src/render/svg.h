/* svg.h - server-rendered charts as inline SVG: bar charts (grouped or
 * stacked) and line charts of a few series over a few categories, e.g. the
 * monthly volumes of a year.
 *
 * The output is one <svg> element for an HTML page: fixed width through
 * its viewBox (it scales with the page), role="img" with a <title> and a
 * <desc> that says every number, a y axis with round ticks, a legend, and
 * colours from a fixed palette that keeps 3:1 contrast on white. Every
 * text (title, labels) is escaped; there are no scripts, no style
 * attributes and no external references (the pages' CSP allows none). A
 * table with the same numbers for screen readers and copying is the
 * page's job.
 *
 * Pure functions, thread-safe; memory from the arena. */
#ifndef GK_RENDER_SVG_H
#define GK_RENDER_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "render/html.h"

struct arena;

enum {
	SVG_MAX_SERIES = 8,
	SVG_MAX_CATEGORIES = 60,
	SVG_WIDTH = 720,          /* viewBox width; the height depends on the legend */
};

/* The palette, series i takes svg_palette[i] (hex "#rrggbb"). */
extern const char *const svg_palette[SVG_MAX_SERIES];

struct svg_series {
	const char *label;            /* shown in the legend and the description */
	const long long *values;      /* ncats values, each >= 0 */
};

struct svg_chart {
	const char *id;               /* prefix of the ids inside (unique on the page; [A-Za-z0-9_-]);
				       * NULL: no ids, no aria-labelledby */
	const char *title;            /* required */
	const char *desc;             /* optional sentence before the numbers in <desc> */
	const char *unit;             /* optional, after numbers in the description, e.g. "条" */
	const char *const *cats;      /* ncats category labels, e.g. "1月" */
	size_t ncats;                 /* 1..SVG_MAX_CATEGORIES */
	const struct svg_series *series;
	size_t nseries;               /* 0..SVG_MAX_SERIES (0: an empty chart that says so) */
	bool stacked;                 /* bars: stacked instead of grouped */
};

/* The y axis for values up to max (>= 0): *step is 1, 2 or 5 times a power
 * of ten, *top = step * *nticks is the smallest multiple of step >= max,
 * with at most 5 intervals (and at least 1: max 0 gives step 1, top 1).
 * ERR_INVALID for a negative max. */
int svg_ticks(long long max, long long *step, long long *top, int *nticks);

/* A tick label: below 10,000 the number with thousands separators
 * ("7,500"), from 10,000 in 万 with up to two decimals ("1.5万", "700万");
 * into out (at least 32 bytes). */
void svg_tick_label(long long v, char *out, size_t n);

/* A bar chart as safe HTML in *out (arena memory). ERR_INVALID for a chart
 * outside the limits above (no title, no categories, too many, a negative
 * value, a bad id); ERR_NOMEM. */
int svg_bar_chart(struct arena *a, const struct svg_chart *c, struct safe_html *out);
/* The same data as lines with a dot per value (c->stacked is ignored). */
int svg_line_chart(struct arena *a, const struct svg_chart *c, struct safe_html *out);

#endif
