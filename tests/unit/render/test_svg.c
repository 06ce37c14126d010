/* test_svg.c - the SVG chart renderer: round ticks (0, 1, 7, 783, 12000,
 * 7000000), tick labels in 万 and 亿, every user text escaped (a label
 * like <b>&"), well-formed output (balanced tags, one root, checked by a
 * tiny XML reader below), nothing a CSP forbids (scripts, styles, external
 * references), the accessible name and description with every number,
 * grouped and stacked bars, lines, empty charts, refused input, and a
 * palette that keeps 3:1 contrast on white. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "render/html.h"
#include "render/svg.h"
#include "core/banned.h"

#include "arena_fixture.h"

static const char *const months[12] = { "1月", "2月", "3月", "4月", "5月", "6月",
					"7月", "8月", "9月", "10月", "11月", "12月" };

/* NUL-terminated copy of the output. */
static const char *text(struct arena *a, struct safe_html h)
{
	return arena_strndup(a, h.p, h.n);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A tiny XML reader: tags balance and nest, one root element, attribute
 * values are quoted and hold no '<', text holds no raw '>' and every '&'
 * starts one of the five entities. Fails the test at the first problem. */
static void well_formed(const char *s)
{
	char stack[64][16];
	size_t depth = 0, roots = 0;
	const char *p = s;

	while (*p) {
		if (*p == '&') {
			if (!(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 || strncmp(p, "&gt;", 4) == 0 ||
			      strncmp(p, "&quot;", 6) == 0 || strncmp(p, "&#39;", 5) == 0))
				fail_msg("bad entity at %td: %.20s", p - s, p);
			p = strchr(p, ';') + 1;
			continue;
		}
		if (*p != '<') {
			if (*p == '>')
				fail_msg("raw > in text at %td", p - s);
			if (depth == 0)
				fail_msg("text outside the root at %td", p - s);
			p++;
			continue;
		}
		if (p[1] == '/') {
			const char *name = p + 2, *end = strchr(name, '>');
			size_t n;

			assert_non_null(end);
			n = (size_t)(end - name);
			if (depth == 0 || strlen(stack[depth - 1]) != n || strncmp(stack[depth - 1], name, n) != 0)
				fail_msg("unbalanced </%.*s> at %td", (int)n, name, p - s);
			depth--;
			p = end + 1;
			continue;
		}
		{
			const char *name = p + 1, *q = name;
			bool self = false;

			while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
				q++;
			if (q == name || q - name >= 16)
				fail_msg("bad tag at %td", p - s);
			/* attributes: name="value" */
			for (;;) {
				while (*q == ' ')
					q++;
				if (*q == '>')
					break;
				if (q[0] == '/' && q[1] == '>') {
					self = true;
					q++;
					break;
				}
				while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
				       *q == '-' || *q == ':')
					q++;
				if (q[0] != '=' || q[1] != '"')
					fail_msg("unquoted attribute at %td: %.30s", q - s, q);
				q += 2;
				while (*q && *q != '"') {
					if (*q == '<')
						fail_msg("< in an attribute at %td", q - s);
					q++;
				}
				if (!*q)
					fail_msg("unterminated attribute");
				q++;
			}
			if (depth == 0)
				roots++;
			if (!self) {
				if (depth == 64)
					fail_msg("too deep");
				{
					size_t n = 0;

					while ((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= 'A' && name[n] <= 'Z'))
						n++;
					memcpy(stack[depth], name, n);
					stack[depth][n] = '\0';
				}
				depth++;
			}
			p = q + 1;
		}
	}
	if (depth != 0)
		fail_msg("%zu unclosed elements, the innermost <%s>", depth, stack[depth - 1]);
	if (roots != 1)
		fail_msg("%zu root elements", roots);
}

/* Nothing our CSP forbids, nothing active. */
static void assert_inert(const char *s)
{
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "style="));
	assert_null(strstr(s, "<style"));
	assert_null(strstr(s, "href"));
	assert_null(strstr(s, "url("));
	assert_null(strstr(s, " on"));
	assert_null(strstr(s, "<image"));
	assert_null(strstr(s, "<foreignObject"));
}

static void test_ticks(void **state)
{
	static const struct {
		long long max, step, top;
		int n;
	} cases[] = {
		{ 0, 1, 1, 1 },
		{ 1, 1, 1, 1 },
		{ 7, 2, 8, 4 },
		{ 783, 200, 800, 4 },
		{ 12000, 5000, 15000, 3 },
		{ 7000000, 2000000, 8000000, 4 },
		{ 5, 1, 5, 5 },
		{ 10, 2, 10, 5 },
		{ 11, 5, 15, 3 },
		{ 5093, 2000, 6000, 3 },
		{ 121500, 50000, 150000, 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long step = -1, top = -1;
		int n = -1;

		assert_int_equal(svg_ticks(cases[i].max, &step, &top, &n), 0);
		if (step != cases[i].step || top != cases[i].top || n != cases[i].n)
			fail_msg("max %lld: step %lld top %lld n %d", cases[i].max, step, top, n);
		assert_true(n >= 1 && n <= 5 && top >= cases[i].max);
	}
	{
		long long step, top;
		int n;

		assert_int_equal(svg_ticks(-1, &step, &top, &n), ERR_INVALID);
	}
}

static void test_tick_labels(void **state)
{
	char out[32];
	static const struct {
		long long v;
		const char *s;
	} cases[] = {
		{ 0, "0" },         { 800, "800" },       { 7500, "7,500" },      { 10000, "1万" },
		{ 15000, "1.5万" }, { 12500, "1.25万" },  { 8000000, "800万" },   { 150000, "15万" },
		{ 300000000, "3亿" }, { 150000000, "1.5亿" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		svg_tick_label(cases[i].v, out, sizeof(out));
		assert_string_equal(out, cases[i].s);
	}
}

static void test_escaping(void **state)
{
	struct arena *a = *state;
	const char *cats[3] = { "<i>一月</i>", "二月", "三&月" };
	const long long v[3] = { 1, 2, 3 };
	struct svg_series s = { .label = "<b>&\"", .values = v };
	struct svg_chart c = { .id = "c1", .title = "标题<script>alert(1)</script>", .desc = "说明'&'",
			       .unit = "<u>", .cats = cats, .ncats = 3, .series = &s, .nseries = 1 };
	struct safe_html h;
	const char *o;

	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	assert_null(strstr(o, "<b>"));
	assert_null(strstr(o, "<i>"));
	assert_null(strstr(o, "<u>"));
	assert_null(strstr(o, "<script"));
	assert_non_null(strstr(o, "&lt;b&gt;&amp;&quot;"));
	assert_non_null(strstr(o, "三&amp;月"));
	assert_non_null(strstr(o, "说明&#39;&amp;&#39;"));
	well_formed(o);
	assert_inert(o);
	assert_int_equal(svg_line_chart(a, &c, &h), 0);
	o = text(a, h);
	assert_null(strstr(o, "<b>"));
	well_formed(o);
	assert_inert(o);
}

static void test_bars(void **state)
{
	struct arena *a = *state;
	const long long web[12] = { 230, 180, 270, 275, 285, 270, 240, 190, 300, 265, 310, 311 };
	const long long ann[12] = { 70, 85, 95, 90, 100, 105, 95, 80, 90, 75, 80, 0 };
	struct svg_series s[2] = { { "动态类", web }, { "公告类", ann } };
	struct svg_chart c = { .id = "web-2020", .title = "2020 年各月发布信息数", .unit = "条", .cats = months,
			       .ncats = 12, .series = s, .nseries = 2 };
	struct safe_html h;
	const char *o;

	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	assert_inert(o);
	assert_true(strncmp(o, "<svg ", 5) == 0);
	assert_non_null(strstr(o, "role=\"img\""));
	assert_non_null(strstr(o, "viewBox=\"0 0 720 "));
	assert_non_null(strstr(o, "aria-labelledby=\"web-2020-t\""));
	assert_non_null(strstr(o, "<title id=\"web-2020-t\">2020 年各月发布信息数</title>"));
	/* the description says every number */
	assert_non_null(strstr(o, "<desc id=\"web-2020-d\">动态类：1月 230条，2月 180条"));
	assert_non_null(strstr(o, "12月 311条；公告类：1月 70条"));
	assert_non_null(strstr(o, "12月 0条。</desc>"));
	/* 23 bars (a 0 draws none) and 2 legend swatches; the axis of the largest bar */
	assert_int_equal(count(o, "<rect "), 23 + 2);
	assert_non_null(strstr(o, ">400</text>"));
	assert_null(strstr(o, ">600</text>"));
	assert_non_null(strstr(o, svg_palette[0]));
	assert_non_null(strstr(o, svg_palette[1]));
	/* stacked: one bar per month and series, the axis of the largest sum (381) */
	c.stacked = true;
	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	assert_int_equal(count(o, "<rect "), 23 + 2);
	assert_non_null(strstr(o, ">400</text>"));
	assert_non_null(strstr(o, "chart-stacked"));
	/* without an id: no aria references */
	c.id = NULL;
	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	assert_null(strstr(o, "aria-labelledby"));
	assert_non_null(strstr(o, "<title>"));
	well_formed(o);
}

static void test_lines(void **state)
{
	struct arena *a = *state;
	const long long f[12] = { 98600, 101200, 104800, 106900, 109300, 112700,
				  115400, 116800, 118900, 119800, 120600, 121500 };
	struct svg_series s = { "关注人数", f };
	struct svg_chart c = { .id = "fans", .title = "月末关注人数", .unit = "人", .cats = months, .ncats = 12,
			       .series = &s, .nseries = 1 };
	struct safe_html h;
	const char *o;

	assert_int_equal(svg_line_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	assert_inert(o);
	assert_int_equal(count(o, "<polyline "), 1);
	assert_int_equal(count(o, "<circle "), 12);
	assert_non_null(strstr(o, "12月 121,500人。"));
	assert_non_null(strstr(o, ">15万</text>"));
}

static void test_empty(void **state)
{
	struct arena *a = *state;
	const long long zero[12] = { 0 };
	struct svg_series s = { "推送次数", zero };
	struct svg_chart c = { .title = "空图", .cats = months, .ncats = 12 };
	struct safe_html h;
	const char *o;

	/* no series at all */
	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	assert_non_null(strstr(o, "暂无数据"));
	assert_int_equal(count(o, "<rect "), 0);
	/* a series of zeros */
	c.series = &s;
	c.nseries = 1;
	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	assert_non_null(strstr(o, "<desc>暂无数据。</desc>"));
	assert_int_equal(svg_line_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	assert_int_equal(count(o, "<polyline "), 0);
}

static void test_refused(void **state)
{
	struct arena *a = *state;
	const long long v[12] = { 1, -2 };
	const long long ok[12] = { 1 };
	struct svg_series many[SVG_MAX_SERIES + 1];
	struct svg_chart c = { .title = "图", .cats = months, .ncats = 12 };
	struct safe_html h;

	for (size_t i = 0; i <= SVG_MAX_SERIES; i++)
		many[i] = (struct svg_series){ "系列", ok };
	c.series = many;
	c.nseries = SVG_MAX_SERIES + 1;
	assert_int_equal(svg_bar_chart(a, &c, &h), ERR_INVALID);
	c.nseries = SVG_MAX_SERIES;
	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	well_formed(text(a, h));
	many[0].values = v;
	assert_int_equal(svg_bar_chart(a, &c, &h), ERR_INVALID);
	many[0].values = ok;
	c.id = "a\"b";
	assert_int_equal(svg_bar_chart(a, &c, &h), ERR_INVALID);
	c.id = NULL;
	c.title = "";
	assert_int_equal(svg_bar_chart(a, &c, &h), ERR_INVALID);
	c.title = "图";
	c.ncats = 0;
	assert_int_equal(svg_line_chart(a, &c, &h), ERR_INVALID);
}

/* WCAG relative luminance of "#rrggbb". */
static double luminance(const char *hex)
{
	double ch[3];

	for (int i = 0; i < 3; i++) {
		char part[3] = { hex[1 + 2 * i], hex[2 + 2 * i], '\0' };
		double c = (double)strtol(part, NULL, 16) / 255.0;

		ch[i] = c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static void test_palette_contrast(void **state)
{
	(void)state;
	for (size_t i = 0; i < SVG_MAX_SERIES; i++) {
		double ratio = (1.0 + 0.05) / (luminance(svg_palette[i]) + 0.05);

		if (ratio < 3.0)
			fail_msg("%s: contrast %.2f on white", svg_palette[i], ratio);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(svg_palette[i], svg_palette[j]);
	}
}

static void test_long_labels_and_legend_rows(void **state)
{
	struct arena *a = *state;
	const long long v[12] = { 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct svg_series s[SVG_MAX_SERIES];
	struct svg_chart c = { .title = "很多系列", .cats = months, .ncats = 12, .series = s,
			       .nseries = SVG_MAX_SERIES, .stacked = true };
	struct safe_html h;
	const char *o;

	for (size_t i = 0; i < SVG_MAX_SERIES; i++)
		s[i] = (struct svg_series){ "一个非常非常非常非常非常非常非常非常长的内容类别名称", v };
	assert_int_equal(svg_bar_chart(a, &c, &h), 0);
	o = text(a, h);
	well_formed(o);
	/* the legend is cut, the description keeps the whole label */
	assert_non_null(strstr(o, "…</text>"));
	assert_non_null(strstr(o, "<desc>一个非常非常非常非常非常非常非常非常长的内容类别名称："));
	/* eight long labels need more than one legend row: taller than one row */
	{
		const char *vb = strstr(o, "viewBox=\"0 0 720 ");
		int height;

		assert_non_null(vb);
		assert_int_equal(sscanf(vb + strlen("viewBox=\"0 0 720 "), "%d", &height), 1);
		assert_true(height > 380);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_tick_labels),
		cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test(test_palette_contrast),
		cmocka_unit_test_setup_teardown(test_long_labels_and_legend_rows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
