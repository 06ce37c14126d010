/* test_csvio.c - CSV for the registers: UTF-8 (with and without BOM) and
 * GBK input, bad encodings reported by line, RFC 4180 quoting with line
 * breaks inside fields, column mapping, the all-or-nothing import driver
 * (dry run, row errors by line, duplicates within the file, a failing
 * store rolls everything back), export quoting and formula guarding, and
 * the date, integer and money helpers. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/registers/csvio.h"
#include "store/db.h"
#include "store/fts.h"
#include "core/banned.h"

#include "arena_fixture.h"
#include "assert_chinese.h"

static void test_decode(void **state)
{
	struct arena *a = *state;
	const char *out, *used, *msg;
	size_t len;
	/* "名称\n中文" in GBK: C3FB B3C6 0A D6D0 CEC4 */
	static const char gbk[] = "\xC3\xFB\xB3\xC6\n\xD6\xD0\xCE\xC4";

	assert_int_equal(csv_decode(a, "\xEF\xBB\xBFx,y", 6, NULL, &out, &len, &used, &msg), 0);
	assert_string_equal(out, "x,y");
	assert_string_equal(used, "UTF-8");
	assert_int_equal(csv_decode(a, gbk, sizeof(gbk) - 1, NULL, &out, &len, &used, &msg), 0);
	assert_string_equal(out, "名称\n中文");
	assert_string_equal(used, "GBK");
	assert_int_equal(csv_decode(a, gbk, sizeof(gbk) - 1, "gbk", &out, &len, &used, &msg), 0);
	/* forced UTF-8 on GBK bytes: the line of the first bad byte */
	assert_int_equal(csv_decode(a, "ok\nok\n\xD6\xD0", 8, "utf-8", &out, &len, &used, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "第 3 行"));
	assert_chinese(msg);
	/* neither encoding */
	assert_int_equal(csv_decode(a, "a\n\x81\x20", 4, NULL, &out, &len, &used, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "第 2 行"));
	assert_int_equal(csv_decode(a, "x", 1, "latin1", &out, &len, &used, &msg), ERR_INVALID);
}

static void test_parse(void **state)
{
	struct arena *a = *state;
	struct csv_table t;
	const char *msg;
	const char *text = "名称,说明,金额\r\n\"甲,乙\",\"第一行\n第二行\",1\r\n\r\n丙,\"说\"\"明\"\n丁,,\n";

	assert_int_equal(csv_parse(a, text, strlen(text), &t, &msg), 0);
	assert_int_equal(t.ncols, 3);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(t.rows[0][0], "甲,乙");
	assert_string_equal(t.rows[0][1], "第一行\n第二行");
	assert_int_equal(t.lines[0], 2);
	/* the quoted line break and the empty line are counted */
	assert_int_equal(t.lines[1], 5);
	assert_string_equal(t.rows[1][1], "说\"明");
	assert_string_equal(t.rows[1][2], "");
	assert_int_equal(t.lines[2], 6);
	assert_int_equal(csv_parse(a, "a\n\"x", 4, &t, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "第 2 行"));
	assert_int_equal(csv_parse(a, "a\nx,y\n", 6, &t, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "第 2 行"));
	assert_int_equal(csv_parse(a, "a\nx\"y\n", 6, &t, &msg), ERR_INVALID);
	assert_int_equal(csv_parse(a, "\n\n", 2, &t, &msg), ERR_INVALID);
	assert_chinese(msg);
}

static void test_map_columns(void **state)
{
	struct arena *a = *state;
	static const struct csv_col cols[] = { { "名称", true }, { "金额", true }, { "备注", false } };
	struct csv_table t;
	const char *msg;
	int idx[3];

	assert_int_equal(csv_parse(a, "金额, 名称 ,\n1,x,\n", 16, &t, &msg), 0);
	assert_int_equal(csv_map_columns(a, &t, cols, 3, idx, &msg), 0);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 0);
	assert_int_equal(idx[2], -1);
	assert_int_equal(csv_parse(a, "名称\nx\n", 9, &t, &msg), 0);
	assert_int_equal(csv_map_columns(a, &t, cols, 3, idx, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "缺少列“金额”"));
	assert_int_equal(csv_parse(a, "名称,金额,颜色\nx,1,红\n", strlen("名称,金额,颜色\nx,1,红\n"), &t, &msg), 0);
	assert_int_equal(csv_map_columns(a, &t, cols, 3, idx, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "未知的列“颜色”"));
	assert_int_equal(csv_parse(a, "名称,名称,金额\nx,y,1\n", strlen("名称,名称,金额\nx,y,1\n"), &t, &msg), 0);
	assert_int_equal(csv_map_columns(a, &t, cols, 3, idx, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "两次"));
}

/* ---- the driver, over a real database ---- */

struct sink {
	int stored;
	int fail_at;   /* store fails on this row (1-based), 0 = never */
	int calls;
};

static const struct csv_col reg_cols[] = { { "名称", true }, { "数量", true } };

static int reg_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		     const char **msg)
{
	long long n;
	int rc;

	(void)ctx;
	if (!*v[0]) {
		*msg = "请填写“名称”。";
		return ERR_INVALID;
	}
	if ((rc = csv_int("数量", v[1], 0, 1000, &n, msg, a)))
		return rc;
	*key = v[0];
	*prepared = (void *)v[0];
	return 0;
}

static int reg_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	static const char sql[] = "INSERT INTO meta (key, value) VALUES ($1, 'x')";
	struct sink *s = ctx;
	struct db_stmt *st;
	int rc;

	(void)a;
	if (++s->calls == s->fail_at)
		return ERR_DB;
	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_text(st, 1, prepared);
	if ((rc = db_step(st)) < 0)
		return rc;
	s->stored++;
	return 0;
}

static long long meta_rows(struct db *db)
{
	static const char sql[] = "SELECT COUNT(*) FROM meta WHERE value = 'x'";
	struct db_stmt *st;
	long long n;

	assert_int_equal(db_prep(db, sql, &st), 0);
	assert_int_equal(db_step(st), 1);
	n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void test_import_driver(void **state)
{
	struct arena *a = *state;
	struct fts_ctx *fts = NULL;
	struct db_opts o;
	struct db *db = NULL;
	struct sink s = { 0 };
	struct csv_register reg = { .name = "测试", .cols = reg_cols, .ncols = 2, .check = reg_check,
				    .store = reg_store, .ctx = &s };
	struct csv_report rep;
	char dir[] = "/tmp/gk-test-csv-XXXXXX", path[64], p2[80];
	const char *good = "名称,数量\n甲,1\n乙,2\n";
	const char *bad = "名称,数量\n甲,1\n,2\n丙,x\n甲,3\n";

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(fts_ctx_new(NULL, &fts), 0);
	o = (struct db_opts){ .fts = fts };
	assert_int_equal(db_open(path, &o, &db), 0);
	assert_int_equal(db_migrate(db, NULL), 0);

	/* dry run: checked, nothing stored */
	assert_int_equal(csv_import(db, a, &reg, good, strlen(good), NULL, true, &rep), 0);
	assert_int_equal(rep.rows, 2);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(meta_rows(db), 0);
	/* bad rows: every one reported by its line, nothing stored */
	assert_int_equal(csv_import(db, a, &reg, bad, strlen(bad), NULL, false, &rep), ERR_INVALID);
	assert_int_equal(rep.nerrors, 3);
	assert_non_null(strstr(rep.errors[0], "第 3 行"));
	assert_non_null(strstr(rep.errors[1], "第 4 行"));
	assert_non_null(strstr(rep.errors[2], "第 5 行：与第 2 行重复"));
	assert_int_equal(meta_rows(db), 0);
	/* a store failing half-way leaves nothing */
	s.fail_at = 2;
	assert_int_equal(csv_import(db, a, &reg, good, strlen(good), NULL, false, &rep), ERR_DB);
	assert_int_equal(meta_rows(db), 0);
	/* a good file */
	s.fail_at = 0;
	assert_int_equal(csv_import(db, a, &reg, good, strlen(good), NULL, false, &rep), 0);
	assert_int_equal(rep.stored, 2);
	assert_int_equal(meta_rows(db), 2);
	/* a row already stored: a conflict is reported and nothing more is stored */
	assert_int_equal(csv_import(db, a, &reg, "名称,数量\n丁,1\n甲,1\n", strlen("名称,数量\n丁,1\n甲,1\n"), NULL,
				    false, &rep),
			 ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "第 3 行"));
	assert_int_equal(meta_rows(db), 2);
	/* a file-level problem */
	assert_int_equal(csv_import(db, a, &reg, "名称\n甲\n", strlen("名称\n甲\n"), NULL, false, &rep), ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "缺少列“数量”"));

	db_close(db);
	fts_ctx_free(fts);
	unlink(path);
	snprintf(p2, sizeof(p2), "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof(p2), "%s-shm", path);
	unlink(p2);
	rmdir(dir);
}

static void test_export(void **state)
{
	struct arena *a = *state;
	struct buf b;
	const char *row[] = { "普通", "有,逗号", "有\"引号", "=SUM(A1)", "-5", NULL };

	buf_init(&b, a, 4096);
	csv_write_bom(&b);
	csv_write_row(&b, row, 6);
	assert_string_equal(buf_cstr(&b), "\xEF\xBB\xBF普通,\"有,逗号\",\"有\"\"引号\",\"'=SUM(A1)\",\"'-5\",\r\n");
}

static void test_field_helpers(void **state)
{
	struct arena *a = *state;
	const char *msg;
	long day;
	long long v;

	assert_int_equal(csv_date("日期", "2020-03-05", &day, &msg, a), 0);
	assert_int_equal(day, date_from_ymd(2020, 3, 5));
	assert_int_equal(csv_date("日期", "2020/3/5", &day, &msg, a), 0);
	assert_int_equal(day, date_from_ymd(2020, 3, 5));
	assert_int_equal(csv_date("日期", "2020年3月5日", &day, &msg, a), 0);
	assert_int_equal(day, date_from_ymd(2020, 3, 5));
	assert_int_equal(csv_date("日期", "2020-02-30", &day, &msg, a), ERR_INVALID);
	assert_non_null(strstr(msg, "日期"));
	assert_int_equal(csv_date("日期", "2020-3/5", &day, &msg, a), ERR_INVALID);
	assert_int_equal(csv_date("日期", "", &day, &msg, a), ERR_INVALID);
	assert_int_equal(csv_int("件数", "1,234", 0, 10000, &v, &msg, a), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(csv_int("件数", "12，000", 0, 100000, &v, &msg, a), 0);
	assert_int_equal(v, 12000);
	assert_int_equal(csv_int("件数", "-1", 0, 10, &v, &msg, a), ERR_INVALID);
	assert_int_equal(csv_int("件数", "abc", 0, 10, &v, &msg, a), ERR_INVALID);
	assert_chinese(msg);
	assert_int_equal(csv_money("金额", "1,234.5", &v, &msg, a), 0);
	assert_int_equal(v, 123450);
	assert_int_equal(csv_money("金额", "12", &v, &msg, a), 0);
	assert_int_equal(v, 1200);
	assert_int_equal(csv_money("金额", "0.05", &v, &msg, a), 0);
	assert_int_equal(v, 5);
	assert_int_equal(csv_money("金额", "1.234", &v, &msg, a), ERR_INVALID);
	assert_int_equal(csv_money("金额", "-3", &v, &msg, a), ERR_INVALID);
	assert_int_equal(csv_money("金额", "3.", &v, &msg, a), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_helpers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
