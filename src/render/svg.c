/* svg.c - bar and line charts as inline SVG. See svg.h. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "render/html.h"
#include "render/svg.h"
#include "core/banned.h"

/* Dark enough for 3:1 (WCAG non-text contrast) on white, and apart from
 * each other in hue: blue, red, green, amber, purple, teal, orange, grey. */
const char *const svg_palette[SVG_MAX_SERIES] = {
	"#0b4f9c", "#a4161a", "#1d6b2f", "#8a5a00", "#6a3d9a", "#00727a", "#c2410c", "#4a4a4a",
};

/* geometry of the viewBox */
#define LEFT 72.0
#define RIGHT 16.0
#define TOP 44.0
#define PLOT_H 220.0
#define FONT 12
#define LEGEND_ROW 22.0
#define CAT_CHARS 8       /* category labels longer than this are cut on the axis */
#define LEGEND_CHARS 24   /* legend labels longer than this are cut */
#define INK "#1a1a1a"
#define MUTED "#4a4a4a"
#define GRID "#d0d5dc"

int svg_ticks(long long max, long long *step, long long *top, int *nticks)
{
	long long raw, s = 1;

	if (max < 0 || max > LLONG_MAX / 20)
		return ERR_INVALID;
	if (max == 0) {
		*step = *top = 1;
		*nticks = 1;
		return 0;
	}
	raw = (max + 4) / 5;
	for (;;) {
		if (s >= raw)
			break;
		if (2 * s >= raw) {
			s *= 2;
			break;
		}
		if (5 * s >= raw) {
			s *= 5;
			break;
		}
		s *= 10;
	}
	*step = s;
	*nticks = (int)((max + s - 1) / s);
	*top = s * *nticks;
	return 0;
}

/* v with thousands separators. */
static void fmt_num(long long v, char *out, size_t n)
{
	char d[32];
	int len = snprintf(d, sizeof(d), "%lld", v < 0 ? -v : v);
	size_t o = 0;

	if (v < 0 && o + 1 < n)
		out[o++] = '-';
	for (int i = 0; i < len && o + 1 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 1 < n)
			out[o++] = ',';
		if (o + 1 < n)
			out[o++] = d[i];
	}
	out[o] = '\0';
}

void svg_tick_label(long long v, char *out, size_t n)
{
	long long unit;
	const char *name;
	long long whole, frac;

	if (v < 10000) {
		fmt_num(v, out, n);
		return;
	}
	if (v >= 100000000) {
		unit = 100000000;
		name = "亿";
	} else {
		unit = 10000;
		name = "万";
	}
	whole = v / unit;
	frac = (v % unit) * 100 / unit; /* two decimals, cut */
	if (frac == 0)
		snprintf(out, n, "%lld%s", whole, name);
	else if (frac % 10 == 0)
		snprintf(out, n, "%lld.%lld%s", whole, frac / 10, name);
	else
		snprintf(out, n, "%lld.%02lld%s", whole, frac, name);
}

/* ---- text ---- */

/* Estimated width of text at FONT px: wide (CJK, full-width) characters
 * a full em, others about 0.6 em. */
static double text_width_max(const char *s, size_t max)
{
	const char *cur = s, *end = s + strlen(s);
	double w = 0;

	for (size_t i = 0; cur < end; i++) {
		uint32_t c = utf8_next(&cur, end);

		if (i == max)
			return w + FONT; /* "…" */
		w += c >= 0x2E80 ? FONT : FONT * 0.6;
	}
	return w;
}

static double text_width(const char *s)
{
	return text_width_max(s, SIZE_MAX);
}

/* s cut to max characters with "…" when longer (arena memory). */
static const char *cut(struct arena *a, const char *s, size_t max)
{
	const char *p = s, *end = s + strlen(s);

	for (size_t i = 0; i < max && p < end; i++)
		utf8_next(&p, end);
	return p < end ? arena_printf(a, "%.*s…", (int)(p - s), s) : s;
}

static void esc(struct buf *b, const char *s)
{
	xml_escape(b, s, strlen(s));
}

static bool id_ok(const char *id)
{
	if (!*id || strlen(id) > 40)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

static int check(const struct svg_chart *c)
{
	if (!c || !c->title || !*c->title || !c->cats || c->ncats == 0 || c->ncats > SVG_MAX_CATEGORIES ||
	    c->nseries > SVG_MAX_SERIES || (c->nseries && !c->series) || (c->id && !id_ok(c->id)))
		return ERR_INVALID;
	for (size_t i = 0; i < c->ncats; i++)
		if (!c->cats[i])
			return ERR_INVALID;
	for (size_t s = 0; s < c->nseries; s++) {
		if (!c->series[s].label || !c->series[s].values)
			return ERR_INVALID;
		for (size_t i = 0; i < c->ncats; i++)
			if (c->series[s].values[i] < 0 || c->series[s].values[i] > LLONG_MAX / 100)
				return ERR_INVALID;
	}
	return 0;
}

/* ---- the frame: root, title, description, axes, legend ---- */

struct frame {
	double width, height;     /* viewBox */
	double plot_w;            /* the plot spans LEFT .. LEFT + plot_w, TOP .. TOP + PLOT_H */
	double band;              /* width of one category */
	long long top, step;      /* the axis: top value and tick step */
	int nticks;
	bool empty;               /* no series, or every value 0 */
	/* the legend's rows: item i at (lx[i], ly[i]) */
	double lx[SVG_MAX_SERIES], ly[SVG_MAX_SERIES];
};

static double plot_y(const struct frame *f, long long v)
{
	return TOP + PLOT_H - (double)v / (double)f->top * PLOT_H;
}

static void frame_layout(const struct svg_chart *c, long long max, struct frame *f)
{
	double x = LEFT, y;

	memset(f, 0, sizeof(*f));
	f->width = SVG_WIDTH;
	f->plot_w = SVG_WIDTH - LEFT - RIGHT;
	f->band = f->plot_w / (double)c->ncats;
	svg_ticks(max, &f->step, &f->top, &f->nticks);
	f->empty = max == 0;
	y = TOP + PLOT_H + 44.0;
	for (size_t s = 0; s < c->nseries; s++) {
		double w = 12 + 6 + text_width_max(c->series[s].label, LEGEND_CHARS) + 20;

		if (x > LEFT && x + w > SVG_WIDTH - RIGHT) {
			x = LEFT;
			y += LEGEND_ROW;
		}
		f->lx[s] = x;
		f->ly[s] = y;
		x += w;
	}
	f->height = (c->nseries ? y + LEGEND_ROW : TOP + PLOT_H + 44.0) + 4.0;
}

/* "系列：1月 1,234条，2月 0条；系列2：……" */
static void describe(struct buf *b, const struct svg_chart *c, bool empty)
{
	char num[32];

	if (c->desc && *c->desc) {
		esc(b, c->desc);
		buf_puts(b, " ");
	}
	if (empty) {
		buf_puts(b, "暂无数据。");
		return;
	}
	for (size_t s = 0; s < c->nseries; s++) {
		esc(b, c->series[s].label);
		buf_puts(b, "：");
		for (size_t i = 0; i < c->ncats; i++) {
			if (i)
				buf_puts(b, "，");
			esc(b, c->cats[i]);
			buf_puts(b, " ");
			fmt_num(c->series[s].values[i], num, sizeof(num));
			buf_puts(b, num);
			if (c->unit)
				esc(b, c->unit);
		}
		buf_puts(b, s + 1 < c->nseries ? "；" : "。");
	}
}

static void frame_open(struct buf *b, const struct svg_chart *c, const struct frame *f, const char *kind)
{
	char num[32];

	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-%s\" viewBox=\"0 0 %.0f %.0f\" "
		      "width=\"%.0f\" height=\"%.0f\" role=\"img\"",
		   kind, f->width, f->height, f->width, f->height);
	if (c->id)
		buf_printf(b, " aria-labelledby=\"%s-t\" aria-describedby=\"%s-d\"", c->id, c->id);
	buf_puts(b, ">");
	buf_puts(b, "<title");
	if (c->id)
		buf_printf(b, " id=\"%s-t\"", c->id);
	buf_puts(b, ">");
	esc(b, c->title);
	buf_puts(b, "</title><desc");
	if (c->id)
		buf_printf(b, " id=\"%s-d\"", c->id);
	buf_puts(b, ">");
	describe(b, c, f->empty);
	buf_puts(b, "</desc>");
	/* visible title */
	buf_printf(b, "<text x=\"%.0f\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"" INK "\">", LEFT);
	esc(b, c->title);
	buf_puts(b, "</text>");
	/* grid lines and tick labels */
	for (int k = 0; k <= f->nticks; k++) {
		long long v = f->step * k;
		double y = plot_y(f, v);

		svg_tick_label(v, num, sizeof(num));
		if (v > 0)
			buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID "\"/>", LEFT, y,
				   LEFT + f->plot_w, y);
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"end\" fill=\"" MUTED "\">%s</text>",
			   LEFT - 8, y + 4, FONT, num);
	}
	/* category labels: as many as fit */
	{
		double widest = 0;
		size_t every;

		for (size_t i = 0; i < c->ncats; i++) {
			double w = text_width(c->cats[i]);

			if (w > widest)
				widest = w;
		}
		if (widest > text_width("汉") * CAT_CHARS + FONT)
			widest = text_width("汉") * CAT_CHARS + FONT;
		every = (size_t)(widest / (f->band - 4 > 1 ? f->band - 4 : 1)) + 1;
		for (size_t i = 0; i < c->ncats; i += every) {
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\" fill=\"" MUTED "\">",
				   LEFT + f->band * ((double)i + 0.5), TOP + PLOT_H + 18, FONT);
			esc(b, cut(b->a, c->cats[i], CAT_CHARS));
			buf_puts(b, "</text>");
		}
	}
	if (f->empty)
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" fill=\"" MUTED "\">暂无数据</text>",
			   LEFT + f->plot_w / 2, TOP + PLOT_H / 2);
}

static void frame_close(struct buf *b, const struct svg_chart *c, const struct frame *f)
{
	/* the axis over the bars' feet */
	buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" MUTED "\"/>", LEFT,
		   TOP + PLOT_H, LEFT + f->plot_w, TOP + PLOT_H);
	for (size_t s = 0; s < c->nseries; s++) {
		buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>", f->lx[s],
			   f->ly[s] - 10, svg_palette[s]);
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"" INK "\">", f->lx[s] + 18, f->ly[s],
			   FONT);
		esc(b, cut(b->a, c->series[s].label, LEGEND_CHARS));
		buf_puts(b, "</text>");
	}
	buf_puts(b, "</svg>");
}

/* A hover label: "系列 1月：1,234条". */
static void tip(struct buf *b, const struct svg_chart *c, size_t s, size_t i)
{
	char num[32];

	fmt_num(c->series[s].values[i], num, sizeof(num));
	buf_puts(b, "<title>");
	esc(b, c->series[s].label);
	buf_puts(b, " ");
	esc(b, c->cats[i]);
	buf_printf(b, "：%s", num);
	if (c->unit)
		esc(b, c->unit);
	buf_puts(b, "</title>");
}

/* Every piece of text in b went through xml_escape; the markup is ours. */
static int finish(struct buf *b, struct safe_html *out)
{
	const char *p;

	if (b->err)
		return b->err;
	p = buf_cstr(b);
	*out = safe_html_from_trusted(p, b->n);
	return 0;
}

int svg_bar_chart(struct arena *a, const struct svg_chart *c, struct safe_html *out)
{
	struct frame f;
	struct buf b;
	long long max = 0;
	int rc;

	if ((rc = check(c)))
		return rc;
	for (size_t i = 0; i < c->ncats; i++) {
		long long sum = 0;

		for (size_t s = 0; s < c->nseries; s++) {
			long long v = c->series[s].values[i];

			sum += v;
			if (!c->stacked && v > max)
				max = v;
		}
		if (c->stacked && sum > max)
			max = sum;
	}
	frame_layout(c, max, &f);
	buf_init(&b, a, 4u << 20);
	frame_open(&b, c, &f, c->stacked ? "stacked" : "bars");
	for (size_t i = 0; i < c->ncats && c->nseries; i++) {
		double x0 = LEFT + f.band * (double)i + f.band * 0.1, gw = f.band * 0.8;
		long long base = 0;

		for (size_t s = 0; s < c->nseries; s++) {
			long long v = c->series[s].values[i];
			double x, w, y0, y1;

			if (v == 0)
				continue;
			if (c->stacked) {
				x = x0;
				w = gw;
				y0 = plot_y(&f, base + v);
				y1 = plot_y(&f, base);
				base += v;
			} else {
				w = gw / (double)c->nseries;
				x = x0 + w * (double)s;
				y0 = plot_y(&f, v);
				y1 = plot_y(&f, 0);
			}
			buf_printf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x, y0, w,
				   y1 - y0, svg_palette[s]);
			tip(&b, c, s, i);
			buf_puts(&b, "</rect>");
		}
	}
	frame_close(&b, c, &f);
	return finish(&b, out);
}

int svg_line_chart(struct arena *a, const struct svg_chart *c, struct safe_html *out)
{
	struct frame f;
	struct buf b;
	long long max = 0;
	int rc;

	if ((rc = check(c)))
		return rc;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->ncats; i++)
			if (c->series[s].values[i] > max)
				max = c->series[s].values[i];
	frame_layout(c, max, &f);
	buf_init(&b, a, 4u << 20);
	frame_open(&b, c, &f, "lines");
	for (size_t s = 0; s < c->nseries && !f.empty; s++) {
		buf_printf(&b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", svg_palette[s]);
		for (size_t i = 0; i < c->ncats; i++)
			buf_printf(&b, "%s%.1f,%.1f", i ? " " : "", LEFT + f.band * ((double)i + 0.5),
				   plot_y(&f, c->series[s].values[i]));
		buf_puts(&b, "\"/>");
		for (size_t i = 0; i < c->ncats; i++) {
			buf_printf(&b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">",
				   LEFT + f.band * ((double)i + 0.5), plot_y(&f, c->series[s].values[i]), svg_palette[s]);
			tip(&b, c, s, i);
			buf_puts(&b, "</circle>");
		}
	}
	frame_close(&b, c, &f);
	return finish(&b, out);
}
