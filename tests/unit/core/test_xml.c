/* test_xml.c - the small XML reader shared by the annual-report checker
 * and the publishing-safety extractor: the events it reports, the errors
 * it names (with their line), entities, attributes, and a callback that
 * stops the walk. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xml.h"
#include "core/banned.h"

#include "arena_fixture.h"

/* Events written as "<name@depth[attrs]>", "</name@depth>", "'text'". */
struct log {
	struct buf b;
	int stop_at;            /* stop with 42 on the n-th event, 0 never */
	int events;
};

static int ev_start(void *ctx, struct str name, struct str attrs, size_t depth)
{
	struct log *l = ctx;

	buf_printf(&l->b, "<%.*s@%zu[%.*s]>", (int)name.n, name.p, depth, (int)attrs.n, attrs.p);
	return ++l->events == l->stop_at ? 42 : 0;
}

static int ev_end(void *ctx, struct str name, size_t depth)
{
	struct log *l = ctx;

	buf_printf(&l->b, "</%.*s@%zu>", (int)name.n, name.p, depth);
	return ++l->events == l->stop_at ? 42 : 0;
}

static int ev_text(void *ctx, const char *p, const char *e, bool cdata)
{
	struct log *l = ctx;

	buf_putc(&l->b, cdata ? '!' : '\'');
	while (p < e) {
		char u[4];

		buf_append(&l->b, u, utf8_put(u, xml_text_next(&p, e, !cdata)));
	}
	buf_putc(&l->b, '\'');
	return ++l->events == l->stop_at ? 42 : 0;
}

static const char *walk(struct arena *a, const char *xml, int stop_at, int *rc, struct xml_error *xe)
{
	struct log l = { .stop_at = stop_at };
	struct xml_handler h = { .ctx = &l, .start = ev_start, .end = ev_end, .text = ev_text };

	buf_init(&l.b, a, 1 << 16);
	*rc = xml_walk(a, xml, strlen(xml), 8, &h, xe);
	return buf_cstr(&l.b);
}

static void test_events(void **state)
{
	struct arena *a = *state;
	struct xml_error xe;
	int rc;
	const char *log = walk(a,
			       "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY y \"z\">]><!-- c -->"
			       "<r a='1'>x&amp;&lt;&#x4E00;&#20108;&bogus;&#0;<e b=\"2\"/><![CDATA[&amp;<>]]></r >",
			       0, &rc, &xe);

	assert_int_equal(rc, 0);
	assert_string_equal(log, "'\n'<r@1[ a='1']>'x&<一二&bogus;\xEF\xBF\xBD'<e@2[ b=\"2\"]></e@2>!&amp;<>'</r@1>");

	/* a callback's value stops the walk */
	walk(a, "<r><a/><b/></r>", 3, &rc, &xe);
	assert_int_equal(rc, 42);
}

static void test_attr(void **state)
{
	struct str v;

	assert_true(xml_attr(STR_LIT(" w:val=\"2\" x='y z'"), "w:val", &v));
	assert_true(str_eq_c(v, "2"));
	assert_true(xml_attr(STR_LIT(" w:val=\"2\" x='y z'"), "x", &v));
	assert_true(str_eq_c(v, "y z"));
	assert_false(xml_attr(STR_LIT(" w:valx=\"2\""), "w:val", &v));
	assert_false(xml_attr(STR_LIT(" t"), "t", &v));
	assert_false(xml_attr(STR_LIT(""), "t", &v));
}

static void expect_error(struct arena *a, const char *xml, size_t line, const char *what)
{
	struct xml_error xe;
	int rc;

	walk(a, xml, 0, &rc, &xe);
	assert_int_equal(rc, ERR_INVALID);
	assert_false(xe.no_root);
	assert_int_equal(xe.line, line);
	assert_string_equal(xe.what, what);
}

static void test_errors(void **state)
{
	struct arena *a = *state;
	struct xml_error xe;
	int rc;

	expect_error(a, "<r>\n<!-- open\n</r>", 2, "的注释没有结束");
	expect_error(a, "<r>\n\n<a></b></r>", 3, "的结束标签与开始标签不配对");
	expect_error(a, "<r></r>\n<r/>", 2, "在根元素之后还有元素");
	expect_error(a, "<r><a b='>'", 1, "的标签没有结束");
	expect_error(a, "<r></", 1, "的结束标签不完整");
	expect_error(a, "<r>< a/></r>", 1, "有不完整的标签");
	expect_error(a, "<r><![CDATA[x</r>", 1, "的 CDATA 没有结束");
	expect_error(a, "<?xml <r/>", 1, "的处理指令没有结束");
	expect_error(a, "<!DOCTYPE [ <r/>", 1, "的声明没有结束");
	expect_error(a, "<r>\n<a>", 2, "：文件结束时仍有没有结束的元素");
	expect_error(a, "<a><a><a><a><a><a><a><a><a></a></a></a></a></a></a></a></a></a>", 1, "嵌套层数过多");
	walk(a, "  just text ", 0, &rc, &xe);
	assert_int_equal(rc, ERR_INVALID);
	assert_true(xe.no_root);
	assert_null(xe.what);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_events),
		cmocka_unit_test(test_attr),
		T(test_errors),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
