/* test_tmpl.c - the template engine: escaping by default, raw only for html
 * values, sections, lookup rules, partials, parse errors, sticky builder
 * errors, and concurrent rendering from one immutable set. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "core/banned.h"

#include "arena_fixture.h"

static struct tmpl_set *load(const struct tmpl_src *srcs, size_t n)
{
	struct tmpl_set *set = NULL;
	char err[256];
	int rc = tmpl_set_load(&set, srcs, n, err, sizeof(err));

	if (rc)
		fail_msg("load: %s", err);
	assert_non_null(set);
	return set;
}

/* Render text as the one template "t" of a set. */
static const char *render_rc(struct arena *a, const char *text, const struct tv *ctx, int *rc)
{
	struct tmpl_src src = { "t", text, strlen(text) };
	struct tmpl_set *set = load(&src, 1);
	struct buf b;

	buf_init(&b, a, 1 << 20);
	*rc = tmpl_render(set, "t", ctx, &b);
	tmpl_set_free(set);
	return buf_cstr(&b);
}

static const char *render(struct arena *a, const char *text, const struct tv *ctx)
{
	int rc;
	const char *s = render_rc(a, text, ctx, &rc);

	assert_int_equal(rc, 0);
	return s;
}

/* Loading text must fail with a message that contains want. */
static void load_fails(const char *text, const char *want)
{
	struct tmpl_src srcs[] = { { "page.html", text, strlen(text) }, { "p", "", 0 } };
	struct tmpl_set *set = (struct tmpl_set *)&srcs;  /* must be reset to NULL */
	char err[256];

	assert_int_equal(tmpl_set_load(&set, srcs, 2, err, sizeof(err)), ERR_INVALID);
	assert_null(set);
	if (!strstr(err, want))
		fail_msg("template %s: error \"%s\" lacks \"%s\"", text, err, want);
}

static void test_escapes_five_characters(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);

	tv_set_str(c, "x", "&<>\"'");
	assert_string_equal(render(a, "<p>{{x}}</p>", c), "<p>&amp;&lt;&gt;&quot;&#39;</p>");
	assert_string_equal(render(a, "<a title=\"{{x|attr}}\" data-y='{{ x | attr }}'>", c),
			    "<a title=\"&amp;&lt;&gt;&quot;&#39;\" "
			    "data-y='&amp;&lt;&gt;&quot;&#39;'>");
}

static void test_script_in_value(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);
	const char *out;

	tv_set_str(c, "x", "<script>alert('x')</script>");
	tv_set_str(c, "q", "\" onfocus=\"alert(1)");
	out = render(a, "<div>{{x}}</div><input value=\"{{q|attr}}\">{{{x}}}", c);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "\" onfocus"));
	/* the only '<' and '"' are the template's own */
	assert_string_equal(out, "<div>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</div>"
			    "<input value=\"&quot; onfocus=&quot;alert(1)\">"
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
}

static void test_url_filter_chinese(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);

	tv_set_str(c, "q", "公开 信息&x=1");
	tv_set_int(c, "page", 2);
	assert_string_equal(render(a, "<a href=\"/search?q={{q|url}}&amp;p={{page|url}}\">", c),
			    "<a href=\"/search?q=%E5%85%AC%E5%BC%80%20%E4%BF%A1%E6%81%AF%26x%3D1"
			    "&amp;p=2\">");
}

static void test_raw_only_for_html_kind(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);

	tv_set_html(c, "h", safe_html_from_trusted_literal("<em>ok</em>"));
	tv_set_str(c, "s", "<em>no</em>");
	tv_set_int(c, "n", 7);
	assert_string_equal(render(a, "{{{h}}}", c), "<em>ok</em>");
	assert_string_equal(render(a, "{{{ h }}}", c), "<em>ok</em>");
	/* {{h}} is text even for html values */
	assert_string_equal(render(a, "{{h}}", c), "&lt;em&gt;ok&lt;/em&gt;");
	/* a plain string in a raw slot is escaped anyway */
	assert_string_equal(render(a, "{{{s}}}", c), "&lt;em&gt;no&lt;/em&gt;");
	assert_string_equal(render(a, "{{{n}}}{{{missing}}}", c), "7");
}

static void test_scalars(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);

	tv_set_int(c, "n", -42);
	tv_set_int(c, "big", 9007199254740993LL);
	tv_set_bool(c, "t", true);
	tv_set_bool(c, "f", false);
	tv_set_str(c, "null", NULL);
	tv_set_strn(c, "nul", "a\0b", 3);
	assert_string_equal(render(a, "{{n}} {{big}} {{t}} {{f}} [{{null}}]", c),
			    "-42 9007199254740993 true false []");
	assert_memory_equal(render(a, "{{nul}}", c), "a\0b", 4);
}

static void test_unknown_variables_render_empty(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);

	tv_set_map(c, "org");
	tv_set_list(c, "list");
	assert_string_equal(render(a, "[{{nope}}|{{org.nope}}|{{nope.deeper}}|"
				   "{{org}}|{{list}}]", c),
			    "[||||]");
}

static void test_section_over_list_of_maps(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a), *items, *m;
	static const char *const names[] = { "财政预算", "人事任免", "<行政许可>" };

	items = tv_set_list(c, "items");
	for (size_t i = 0; i < 3; i++) {
		m = tv_list_push_map(items);
		tv_set_str(m, "name", names[i]);
		tv_set_int(m, "id", (long long)i + 1);
	}
	assert_string_equal(render(a, "<ul>{{#items}}<li id=\"i{{id}}\">{{name}}</li>"
				   "{{/items}}</ul>", c),
			    "<ul><li id=\"i1\">财政预算</li><li id=\"i2\">人事任免</li>"
			    "<li id=\"i3\">&lt;行政许可&gt;</li></ul>");
	assert_string_equal(render(a, "{{^items}}none{{/items}}", c), "");
}

static void test_section_over_scalars_and_empty_list(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a), *tags;

	tags = tv_set_list(c, "tags");
	tv_list_push_str(tags, "a&b");
	tv_list_push_int(tags, 3);
	tv_list_push_strn(tags, "中文xyz", 6);
	tv_set_list(c, "empty");
	assert_string_equal(render(a, "{{#tags}}({{.}}){{/tags}}", c), "(a&amp;b)(3)(中文)");
	assert_string_equal(render(a, "{{#empty}}x{{/empty}}", c), "");
	assert_string_equal(render(a, "{{^empty}}无记录{{/empty}}", c), "无记录");
}

static void test_truthiness(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);
	const char *t = "{{#v}}Y{{/v}}{{^v}}N{{/v}}";
	static const struct { const char *what; bool want; } cases[] = {
		{ "true", true }, { "false", false }, { "0", false }, { "1", true },
		{ "empty", false }, { "str", true }, { "null", false }, { "missing", false },
		{ "map", true }, { "html0", false }, { "html", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *w = cases[i].what;

		c = tv_map(a);
		if (!strcmp(w, "true") || !strcmp(w, "false"))
			tv_set_bool(c, "v", !strcmp(w, "true"));
		else if (!strcmp(w, "0") || !strcmp(w, "1"))
			tv_set_int(c, "v", w[0] - '0');
		else if (!strcmp(w, "empty") || !strcmp(w, "str"))
			tv_set_str(c, "v", w[0] == 's' ? "x" : "");
		else if (!strcmp(w, "null"))
			tv_set_str(c, "v", NULL);
		else if (!strcmp(w, "map"))
			tv_set_map(c, "v");
		else if (!strcmp(w, "html0"))
			tv_set_html(c, "v", safe_html_from_trusted_literal(""));
		else if (!strcmp(w, "html"))
			tv_set_html(c, "v", safe_html_from_trusted_literal("<br>"));
		if (strcmp(render(a, t, c), cases[i].want ? "Y" : "N"))
			fail_msg("truthiness of %s", w);
	}
}

static void test_context_stack_lookup(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a), *list, *m;

	tv_set_str(c, "site", "政务公开");
	tv_set_str(c, "name", "outer");
	list = tv_set_list(c, "rows");
	m = tv_list_push_map(list);
	tv_set_str(m, "name", "inner");
	m = tv_list_push_map(list);  /* no name: falls back to the outer one */
	tv_set_bool(m, "flag", true);
	assert_string_equal(render(a, "{{#rows}}[{{site}}:{{name}}"
				   "{{#flag}}!{{name}}{{/flag}}]{{/rows}}{{name}}", c),
			    "[政务公开:inner][政务公开:outer!outer]outer");
}

static void test_dotted_names(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a), *org, *addr, *inner;

	org = tv_set_map(c, "org");
	tv_set_str(org, "name", "某市人民政府");
	addr = tv_set_map(org, "addr");
	tv_set_str(addr, "city", "北京");
	tv_set_str(c, "city", "outer city");
	inner = tv_set_map(c, "inner");
	tv_set_str(inner, "x", "1");
	assert_string_equal(render(a, "{{org.name}}/{{org.addr.city}}/{{org.addr.nope}}", c),
			    "某市人民政府/北京/");
	assert_string_equal(render(a, "{{#org}}{{name}}{{#addr}}-{{city}}{{/addr}}{{/org}}", c),
			    "某市人民政府-北京");
	/* the first part is found through the stack, the rest only inside it */
	assert_string_equal(render(a, "{{#inner}}{{org.name}}|{{inner.city}}{{/inner}}", c),
			    "某市人民政府|");
	assert_string_equal(render(a, "{{#org.addr}}{{city}}{{/org.addr}}", c), "北京");
}

static void test_comments_and_whitespace(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);

	tv_set_str(c, "x", "v");
	assert_string_equal(render(a, "a {{! a {comment}\n spanning lines }} b\n  {{ x }}\n", c),
			    "a  b\n  v\n");
	assert_string_equal(render(a, "{{!}}", c), "");
	/* lone braces are text */
	assert_string_equal(render(a, "{ } }} {x} {", c), "{ } }} {x} {");
}

static void test_partials(void **state)
{
	struct arena *a = *state;
	struct tmpl_src srcs[] = {
		{ "header", "<header>{{title}}</header>", 26 },
		{ "footer", "<footer>{{org.name}}</footer>", 29 },
		{ "item", "<li>{{name}}</li>", 17 },
		{ "page", "{{> header}}<ul>{{#items}}{{>item}}{{/items}}</ul>{{> footer }}", 0 },
	};
	struct tmpl_set *set;
	struct tv *c = tv_map(a), *items;
	struct buf b;

	srcs[3].len = strlen(srcs[3].text);
	set = load(srcs, 4);
	assert_true(tmpl_set_has(set, "page"));
	assert_false(tmpl_set_has(set, "nope"));
	tv_set_str(c, "title", "<年报>");
	tv_set_str(tv_set_map(c, "org"), "name", "办公厅");
	items = tv_set_list(c, "items");
	tv_set_str(tv_list_push_map(items), "name", "一");
	tv_set_str(tv_list_push_map(items), "name", "二");
	buf_init(&b, a, 4096);
	assert_int_equal(tmpl_render(set, "page", c, &b), 0);
	assert_string_equal(buf_cstr(&b), "<header>&lt;年报&gt;</header>"
			    "<ul><li>一</li><li>二</li></ul><footer>办公厅</footer>");
	/* render appends */
	assert_int_equal(tmpl_render(set, "item", c, &b), 0);
	assert_string_equal(buf_cstr(&b) + b.n - 9, "<li></li>");
	assert_int_equal(b.n, strlen(buf_cstr(&b)));
	assert_int_equal(tmpl_render(set, "nope", c, &b), ERR_NOT_FOUND);
	tmpl_set_free(set);
}

/* A tree depth levels deep below node, with one or two kids per node.
 * Leaves need their empty list: a missing "kids" would be looked up in the
 * enclosing context and find the parent's, recursing until the depth cap. */
static void add_tree(struct tv *node, const char *name, int depth, bool two)
{
	struct tv *kids;

	tv_set_str(node, "name", name);
	kids = tv_set_list(node, "kids");
	if (depth == 0)
		return;
	add_tree(tv_list_push_map(kids), "l", depth - 1, two);
	if (two)
		add_tree(tv_list_push_map(kids), "r", depth - 1, two);
}

static void test_recursive_partial_depth(void **state)
{
	struct arena *a = *state;
	struct tmpl_src srcs[] = {
		{ "tree", "({{name}}{{#kids}}{{> tree}}{{/kids}})", 0 },
		{ "loop", "x{{> loop}}", 11 },
	};
	struct tmpl_set *set;
	struct tv *c = tv_map(a);
	struct buf b;

	srcs[0].len = strlen(srcs[0].text);
	set = load(srcs, 2);
	add_tree(c, "root", 2, true);
	buf_init(&b, a, 4096);
	assert_int_equal(tmpl_render(set, "tree", c, &b), 0);
	assert_string_equal(buf_cstr(&b), "(root(l(l)(r))(r(l)(r)))");

	/* 16 levels of partials render, the 17th fails */
	c = tv_map(a);
	add_tree(c, "n", TMPL_MAX_PARTIAL_DEPTH, false);
	buf_init(&b, a, 1 << 22);
	assert_int_equal(tmpl_render(set, "tree", c, &b), 0);
	c = tv_map(a);
	add_tree(c, "n", TMPL_MAX_PARTIAL_DEPTH + 1, false);
	buf_init(&b, a, 1 << 22);
	assert_int_equal(tmpl_render(set, "tree", c, &b), ERR_INVALID);

	buf_init(&b, a, 4096);
	assert_int_equal(tmpl_render(set, "loop", c, &b), ERR_INVALID);
	assert_int_equal(b.n, TMPL_MAX_PARTIAL_DEPTH + 1);  /* "x" per level */
	tmpl_set_free(set);
}

static void test_layout_with_rendered_body(void **state)
{
	struct arena *a = *state;
	struct tmpl_src srcs[] = {
		{ "layout", "<html><title>{{title}}</title><main>{{{body}}}</main></html>", 0 },
		{ "body", "<p>{{text}}</p>", 15 },
	};
	struct tmpl_set *set;
	struct tv *c = tv_map(a), *lc = tv_map(a);
	struct safe_html body = { NULL, 0 };
	struct buf b;

	srcs[0].len = strlen(srcs[0].text);
	set = load(srcs, 2);
	tv_set_str(c, "text", "<b>&");
	assert_int_equal(tmpl_render_html(set, "body", c, a, 1024, &body), 0);
	assert_int_equal(body.n, strlen("<p>&lt;b&gt;&amp;</p>"));
	tv_set_html(lc, "body", body);
	tv_set_str(lc, "title", "首页");
	buf_init(&b, a, 4096);
	assert_int_equal(tmpl_render(set, "layout", lc, &b), 0);
	assert_string_equal(buf_cstr(&b),
			    "<html><title>首页</title><main><p>&lt;b&gt;&amp;</p></main></html>");
	/* too small: fails, *out untouched */
	body.p = NULL;
	assert_int_equal(tmpl_render_html(set, "body", c, a, 4, &body), ERR_TOO_LARGE);
	assert_null(body.p);
	tmpl_set_free(set);
}

static void test_values_are_copied(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);
	char key[8], val[8];

	memcpy(key, "k", 2);
	memcpy(val, "before", 7);
	tv_set_str(c, key, val);
	memcpy(key, "z", 2);
	memcpy(val, "after!", 7);
	assert_string_equal(render(a, "{{k}}{{z}}", c), "before");
	/* setting again replaces */
	tv_set_str(c, "k", "second");
	tv_set_int(c, "k", 3);
	assert_string_equal(render(a, "{{k}}", c), "3");
}

static void test_template_text_is_copied(void **state)
{
	struct arena *a = *state;
	char text[16];
	struct tmpl_src src = { "t", text, 0 };
	struct tmpl_set *set;
	struct tv *c = tv_map(a);
	struct buf b;

	memcpy(text, "<{{x}}>", 8);
	src.len = strlen(text);
	set = load(&src, 1);
	memset(text, '#', sizeof(text));
	tv_set_str(c, "x", "y");
	buf_init(&b, a, 64);
	assert_int_equal(tmpl_render(set, "t", c, &b), 0);
	assert_string_equal(buf_cstr(&b), "<y>");
	tmpl_set_free(set);
}

static void test_parse_errors_with_line_numbers(void **state)
{
	(void)state;
	load_fails("a\nb\n{{#items}}\n<li>", "page.html:3: section 'items' is never closed");
	load_fails("{{#a}}\n{{#b}}\n{{/a}}",
		   "page.html:3: '{{/a}}' does not close 'b' opened at line 2");
	load_fails("\n{{/a}}", "page.html:2: '{{/a}}' closes no open section");
	load_fails("x\n\n\n{{> nosuch}}", "page.html:4: unknown partial 'nosuch'");
	load_fails("ok\n{{name", "page.html:2: unterminated tag");
	load_fails("{{a\n{{b}}", "page.html:1: unterminated tag");
	load_fails("\n\n{{{x}}", "page.html:3: '{{{x}}' must close with '}}}'");
	load_fails("{{x}}}", "page.html:1: unbalanced braces");
	load_fails("{{{x}}}}", "page.html:1: unbalanced braces");
	load_fails("{{}}", "empty tag");
	load_fails("{{  }}", "empty tag");
	load_fails("{{x|raw}}", "unknown filter 'raw'");
	load_fails("{{{x|url}}}", "a filter is allowed only");
	load_fails("{{#x|url}}{{/x}}", "a filter is allowed only");
	load_fails("{{&x}}", "invalid name '&x'");
	load_fails("{{=<% %>=}}", "invalid name");
	load_fails("{{a..b}}", "invalid name 'a..b'");
	load_fails("{{.a}}", "invalid name");
	load_fails("{{a b}}", "invalid name 'a b'");
	/* lines count through multi-line tags and comments */
	load_fails("{{! one\ntwo\nthree }}\n{{/x}}", "page.html:4:");
	load_fails("{{#a}}{{/a}}{{#b}}\n\n{{/c}}",
		   "page.html:3: '{{/c}}' does not close 'b' opened at line 1");
}

static void test_parse_error_nesting_limit(void **state)
{
	char text[TMPL_MAX_SECTION_DEPTH * 8 + 16];
	size_t n = 0;

	(void)state;
	for (int i = 0; i <= TMPL_MAX_SECTION_DEPTH; i++) {
		memcpy(text + n, "{{#a}}", 6);
		n += 6;
	}
	text[n] = '\0';
	load_fails(text, "sections nested deeper than 64");
}

static void test_load_set_errors(void **state)
{
	struct tmpl_src dup[] = { { "a", "x", 1 }, { "a", "y", 1 } };
	struct tmpl_set *set = NULL;
	char err[64], tiny[8];

	(void)state;
	assert_int_equal(tmpl_set_load(&set, dup, 2, err, sizeof(err)), ERR_INVALID);
	assert_null(set);
	assert_string_equal(err, "a: two templates have this name");
	/* the message is cut to fit and stays NUL-terminated */
	assert_int_equal(tmpl_set_load(&set, dup, 2, tiny, sizeof(tiny)), ERR_INVALID);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(tmpl_set_load(&set, dup, 2, NULL, 0), ERR_INVALID);
	/* an empty set and an empty template are fine */
	assert_int_equal(tmpl_set_load(&set, NULL, 0, err, sizeof(err)), 0);
	assert_false(tmpl_set_has(set, "a"));
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

static void test_sticky_builder_errors(void **state)
{
	struct arena *a = *state;
	struct arena failing;
	struct tv *c, *list, *m;
	struct buf b;

	/* wrong kind */
	c = tv_map(a);
	list = tv_set_list(c, "l");
	tv_set_str(list, "k", "v");
	assert_int_equal(tv_err(c), ERR_INVALID);
	tv_set_str(c, "later", "ignored");
	buf_init(&b, a, 64);
	{
		struct tmpl_src src = { "t", "{{later}}", 9 };
		struct tmpl_set *set = load(&src, 1);

		assert_int_equal(tmpl_render(set, "t", c, &b), ERR_INVALID);
		assert_int_equal(tmpl_render(set, "t", NULL, &b), ERR_NOMEM);
		assert_int_equal(b.n, 0);
		tmpl_set_free(set);
	}
	c = tv_map(a);
	tv_set_str(c, NULL, "v");
	assert_int_equal(tv_err(c), ERR_INVALID);
	c = tv_map(a);
	tv_list_push_str(c, "not a list");
	assert_int_equal(tv_err(c), ERR_INVALID);

	/* out of memory at each allocation in turn (total of them): never a
	 * crash, and the error is on the root whichever one failed */
	for (long k = 0, total = 1; k <= total + 1; k++) {
		arena_init(&failing, 0);
		failing.fail_at = k;
		c = tv_map(&failing);
		list = tv_set_list(c, "items");
		m = tv_list_push_map(list);
		tv_set_str(m, "name", "x");
		tv_list_push_str(list, "y");
		tv_set_int(tv_set_map(c, "org"), "id", 1);
		if (k == 0)
			total = failing.count;
		else if (k <= 2)
			assert_null(c);
		if (k >= 1 && k <= total)
			assert_int_equal(tv_err(c), ERR_NOMEM);
		else
			assert_int_equal(tv_err(c), 0);
		arena_release(&failing);
	}
	/* NULL everywhere is harmless */
	tv_set_str(NULL, "k", "v");
	tv_set_html(NULL, "k", safe_html_from_trusted_literal("x"));
	assert_null(tv_set_map(NULL, "k"));
	assert_null(tv_list_push_map(NULL));
	assert_int_equal(tv_err(NULL), ERR_NOMEM);
}

static void test_output_cap(void **state)
{
	struct arena *a = *state;
	struct tv *c = tv_map(a);
	int rc;

	tv_set_str(c, "x", "<<<<<<<<<<");
	(void)render_rc(a, "{{x}}", c, &rc);
	assert_int_equal(rc, 0);
	{
		struct tmpl_src src = { "t", "{{x}}", 5 };
		struct tmpl_set *set = load(&src, 1);
		struct buf b;

		buf_init(&b, a, 16);
		assert_int_equal(tmpl_render(set, "t", c, &b), ERR_TOO_LARGE);
		assert_int_equal(tmpl_render(set, "t", c, &b), ERR_TOO_LARGE);
		tmpl_set_free(set);
	}
}

struct job {
	const struct tmpl_set *set;
	int failures;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	struct arena a;

	for (int i = 0; i < 200; i++) {
		struct tv *c, *items;
		struct buf b;
		char name[32];

		arena_init(&a, 0);
		c = tv_map(&a);
		items = tv_set_list(c, "items");
		for (int k = 0; k < 5; k++) {
			snprintf(name, sizeof(name), "<%d>", k);
			tv_set_str(tv_list_push_map(items), "name", name);
		}
		buf_init(&b, &a, 4096);
		if (tmpl_render(j->set, "page", c, &b) ||
		    strcmp(buf_cstr(&b), "[&lt;0&gt;][&lt;1&gt;][&lt;2&gt;][&lt;3&gt;][&lt;4&gt;]"))
			j->failures++;
		arena_release(&a);
	}
	return NULL;
}

static void test_concurrent_render(void **state)
{
	struct tmpl_src srcs[] = {
		{ "page", "{{#items}}{{> item}}{{/items}}", 0 },
		{ "item", "[{{name}}]", 10 },
	};
	struct tmpl_set *set;
	pthread_t th[4];
	struct job jobs[4];

	(void)state;
	srcs[0].len = strlen(srcs[0].text);
	set = load(srcs, 2);
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ set, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].failures, 0);
	}
	tmpl_set_free(set);
}

/* a test with a fresh arena in *state, checked empty after release */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_escapes_five_characters),
		T(test_script_in_value),
		T(test_url_filter_chinese),
		T(test_raw_only_for_html_kind),
		T(test_scalars),
		T(test_unknown_variables_render_empty),
		T(test_section_over_list_of_maps),
		T(test_section_over_scalars_and_empty_list),
		T(test_truthiness),
		T(test_context_stack_lookup),
		T(test_dotted_names),
		T(test_comments_and_whitespace),
		T(test_partials),
		T(test_recursive_partial_depth),
		T(test_layout_with_rendered_body),
		T(test_values_are_copied),
		T(test_template_text_is_copied),
		cmocka_unit_test(test_parse_errors_with_line_numbers),
		cmocka_unit_test(test_parse_error_nesting_limit),
		cmocka_unit_test(test_load_set_errors),
		T(test_sticky_builder_errors),
		T(test_output_cap),
		cmocka_unit_test(test_concurrent_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
