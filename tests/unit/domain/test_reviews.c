/* test_reviews.c - 复议诉讼 over a real database with every migration:
 * validation with Chinese messages and nothing stored on refusal, the
 * link to an application of the same org only, stale versions, the
 * result and its day, table 四 of a year (a case counts in the year it
 * was filed with its result as at that year's end), the CSV register
 * (all-or-nothing, duplicates, export and import round trip, personal
 * data left out), the monthly series, and the demo agency's file giving
 * the seed report's 2020 figures. Runs from the repository root. */
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
#include "domain/registers/registers.h"
#include "domain/registers/reviews.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/review.h"
#include "store/store.h"
#include "core/banned.h"

#include "file_util.h"
#include "assert_chinese.h"

#define NOW "2021-06-01T08:00:00Z"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct org org, other;
	struct review_ctx c;
	long long app_id, other_app_id;
};

static int group_setup(void **state)
{
	return fts_ctx_new(NULL, &fts) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	fts_ctx_free(fts);
	return 0;
}

static void insert_org(struct fx *f, const char *slug, const char *name, const char *kind, struct org *out)
{
	struct org o = { .slug = slug, .name = name, .org_code = "471127366", .kind = kind };

	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_int_equal(store_org_by_id(f->db, &f->a, o.id, out), 0);
}

/* An application row of org with serial (only what the store requires). */
static long long insert_app(struct fx *f, long long org_id, const char *serial, const char *code)
{
	struct application a = {
		.org_id = org_id, .serial = serial, .tracking_code = code, .check_digits = "5678", .state = "replied",
		.applicant_type = "natural", .name = "张三", .id_kind = "居民身份证", .id_number = "11010519491231002X",
		.phone = "13800135678", .medium = "电子", .delivery = "电子邮件", .channel = "in_person",
		.submitted_on = "2021-03-08", .received_on = "2021-03-08", .created_at = NOW,
	};

	assert_int_equal(store_app_insert(f->db, &a), 0);
	return a.id;
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	struct org platform;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-reviews-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	insert_org(f, "platform", "平台", "platform", &platform);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", "agency", &f->org);
	insert_org(f, "other", "测试市其他局", "agency", &f->other);
	f->app_id = insert_app(f, f->org.id, "2021-0001", "AAAA11112222");
	f->other_app_id = insert_app(f, f->other.id, "2021-0002", "BBBB11112222");
	f->c = (struct review_ctx){ .db = f->db, .a = &f->a, .org_id = f->org.id, .user_id = 0,
				    .today = D("2021-06-01"), .now = NOW };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	db_close(f->db);
	arena_release(&f->a);
	for (const char *sfx = ""; sfx; sfx = strcmp(sfx, "") == 0 ? "-wal" : strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx);
		unlink(p);
	}
	rmdir(f->dir);
	test_free(f);
	return 0;
}

static struct review_input base(void)
{
	return (struct review_input){ .kind = "行政复议", .case_no = "桐政复〔2021〕3号", .filed_on = "2021-02-01",
				      .body = "桐乡市人民政府", .party = "沈国华", .matter = "不服政府信息公开答复" };
}

static long long count_reviews(struct fx *f, long long org_id)
{
	struct review_filter flt = { .org_id = org_id };
	struct review *rows;
	size_t n;
	long long total = -1;

	assert_int_equal(store_review_list(f->db, &f->a, &flt, &rows, &n, &total), 0);
	return total;
}

static void refused(struct fx *f, struct review_input in, const char *needle)
{
	struct review out;
	const char *msg = NULL;
	long long before = count_reviews(f, f->org.id);

	assert_int_equal(review_create(&f->c, &in, &out, &msg), ERR_INVALID);
	assert_chinese(msg);
	if (!strstr(msg, needle))
		fail_msg("message \"%s\" does not mention \"%s\"", msg, needle);
	assert_int_equal(count_reviews(f, f->org.id), before);
}

static void test_labels(void **state)
{
	assert_int_equal(review_kind_find("行政复议"), REVIEW_ADMIN);
	assert_int_equal(review_kind_find("review"), REVIEW_ADMIN);
	assert_int_equal(review_kind_find("行政诉讼（未经复议直接起诉）"), REVIEW_SUIT);
	assert_int_equal(review_kind_find("行政诉讼(未经复议直接起诉)"), REVIEW_SUIT);
	assert_int_equal(review_kind_find("直接起诉"), REVIEW_SUIT);
	assert_int_equal(review_kind_find("行政诉讼（复议后起诉）"), REVIEW_SUIT_AFTER);
	assert_int_equal(review_kind_find("行政诉讼"), -1); /* ambiguous */
	assert_int_equal(review_kind_find(""), -1);
	assert_int_equal(review_result_find("结果维持"), RESULT_UPHELD);
	assert_int_equal(review_result_find("纠正"), RESULT_CORRECTED);
	assert_int_equal(review_result_find("other"), RESULT_OTHER);
	assert_int_equal(review_result_find(""), RESULT_PENDING);
	assert_int_equal(review_result_find("尚未审结"), RESULT_PENDING);
	assert_int_equal(review_result_find("撤销"), -1);
	assert_string_equal(reviews_table4_labels[5], "未经复议直接起诉·结果维持");
}

static void test_create_and_refusals(void **state)
{
	struct fx *f = *state;
	struct review_input in = base();
	struct review out, got;
	const char *msg = NULL;

	in.app_serial = "2021-0001";
	in.result = "结果维持";
	in.decided_on = "2021-03-20";
	assert_int_equal(review_create(&f->c, &in, &out, &msg), 0);
	assert_int_equal(out.version, 1);
	assert_int_equal(store_review_get(f->db, &f->a, f->org.id, out.id, &got), 0);
	assert_string_equal(got.kind, "review");
	assert_string_equal(got.result, "upheld");
	assert_string_equal(got.decided_on, "2021-03-20");
	assert_int_equal(got.application_id, f->app_id);
	assert_string_equal(got.app_serial, "2021-0001");
	/* another org does not see it */
	assert_int_equal(store_review_get(f->db, &f->a, f->other.id, out.id, &got), ERR_NOT_FOUND);

	in = base();
	in.kind = "行政诉讼";
	refused(f, in, "类型");
	in = base();
	in.case_no = "";
	in.filed_on = "2021-06-02";
	refused(f, in, "不能晚于今天");
	in.filed_on = "2021-02-30";
	refused(f, in, "日期");
	in = base();
	in.case_no = "";
	in.body = "";
	refused(f, in, "复议机关");
	in = base();
	in.case_no = "";
	in.party = "";
	refused(f, in, "申请人");
	in = base();
	in.case_no = "";
	in.result = "结果纠正";
	refused(f, in, "结果日期");
	in.decided_on = "2021-01-31";
	refused(f, in, "不能早于");
	in.result = "撤销";
	refused(f, in, "结果应为");
	in = base();
	in.case_no = "";
	in.decided_on = "2021-03-01";
	refused(f, in, "尚未审结");
	in = base();
	in.case_no = "";
	in.app_serial = "2021-0002"; /* the other org's application */
	refused(f, in, "2021-0002");
	in.app_serial = "2021-9999";
	refused(f, in, "不存在");
	/* the 案号 is taken */
	in = base();
	refused(f, in, "已登记");
	in.body = "桐乡市人民政府\n办公室";
	in.case_no = "";
	refused(f, in, "换行");
}

static void test_update_decide_delete(void **state)
{
	struct fx *f = *state;
	struct review_input in = base();
	struct review out, got;
	const char *msg = NULL;
	int v;

	assert_int_equal(review_create(&f->c, &in, &out, &msg), 0);
	v = out.version;
	/* edit: stale version refused, nothing changed */
	in.body = "嘉兴市教育局";
	in.version = v + 1;
	assert_int_equal(review_update(&f->c, out.id, &in, &got, &msg), ERR_CONFLICT);
	assert_chinese(msg);
	assert_int_equal(store_review_get(f->db, &f->a, f->org.id, out.id, &got), 0);
	assert_string_equal(got.body, "桐乡市人民政府");
	in.version = v;
	assert_int_equal(review_update(&f->c, out.id, &in, &got, &msg), 0);
	assert_int_equal(got.version, v + 1);
	/* an invalid edit stores nothing */
	in.version = got.version;
	in.filed_on = "2022-01-01";
	assert_int_equal(review_update(&f->c, out.id, &in, &got, &msg), ERR_INVALID);
	assert_int_equal(store_review_get(f->db, &f->a, f->org.id, out.id, &got), 0);
	assert_string_equal(got.filed_on, "2021-02-01");
	assert_string_equal(got.body, "嘉兴市教育局");
	/* another org's case is not found */
	f->c.org_id = f->other.id;
	in = base();
	in.version = got.version;
	assert_int_equal(review_update(&f->c, out.id, &in, &got, &msg), ERR_NOT_FOUND);
	f->c.org_id = f->org.id;
	assert_int_equal(store_review_get(f->db, &f->a, f->org.id, out.id, &got), 0);

	/* decide, then reopen */
	assert_int_equal(review_decide(&f->c, out.id, got.version, "结果纠正", "2021-04-30", &got, &msg), 0);
	assert_string_equal(got.result, "corrected");
	assert_int_equal(review_decide(&f->c, out.id, got.version - 1, "结果维持", "2021-04-30", &got, &msg),
			 ERR_CONFLICT);
	assert_int_equal(review_decide(&f->c, out.id, got.version, "结果维持", NULL, &got, &msg), ERR_INVALID);
	assert_int_equal(review_decide(&f->c, out.id, got.version, "", NULL, &got, &msg), 0);
	assert_null(got.result);
	assert_null(got.decided_on);
	assert_string_equal(got.body, "嘉兴市教育局"); /* the other fields stay */

	/* delete: stale refused, then gone */
	assert_int_equal(review_delete(&f->c, out.id, got.version - 1, &msg), ERR_CONFLICT);
	assert_int_equal(review_delete(&f->c, out.id, got.version, &msg), 0);
	assert_int_equal(store_review_get(f->db, &f->a, f->org.id, out.id, &got), ERR_NOT_FOUND);
	assert_int_equal(review_delete(&f->c, out.id, got.version, &msg), ERR_NOT_FOUND);
}

static void add(struct fx *f, const char *kind, const char *filed, const char *result, const char *decided)
{
	struct review_input in = { .kind = kind, .filed_on = filed, .body = "桐乡市人民法院", .party = "原告甲",
				   .result = result, .decided_on = decided };
	struct review out;
	const char *msg = NULL;

	if (review_create(&f->c, &in, &out, &msg))
		fail_msg("review_create: %s", msg ? msg : "?");
}

static void test_table4(void **state)
{
	struct fx *f = *state;
	long long t[REVIEWS_TABLE4_COLS];
	const long long want2020[REVIEWS_TABLE4_COLS] = { 1, 1, 0, 2, 4, 0, 1, 0, 1, 2, 0, 0, 1, 0, 1 };
	const long long want2021[REVIEWS_TABLE4_COLS] = { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	f->c.today = D("2021-12-31");
	add(f, "行政复议", "2020-03-02", "结果维持", "2020-05-06");
	add(f, "行政复议", "2020-07-01", "结果纠正", "2020-08-31");
	add(f, "行政复议", "2020-11-20", "结果维持", "2021-01-15"); /* decided after the year's end */
	add(f, "行政复议", "2020-12-31", NULL, NULL);
	add(f, "直接起诉", "2020-04-01", "结果纠正", "2020-12-31");
	add(f, "行政诉讼（未经复议直接起诉）", "2020-09-01", NULL, NULL);
	add(f, "复议后起诉", "2020-10-10", "其他结果", "2020-12-01");
	add(f, "行政复议", "2019-12-31", "结果维持", "2020-01-20"); /* filed in 2019 */
	add(f, "行政复议", "2021-01-01", NULL, NULL);
	/* another org's case does not count */
	f->c.org_id = f->other.id;
	add(f, "行政复议", "2020-05-05", "结果维持", "2020-06-06");
	f->c.org_id = f->org.id;

	assert_int_equal(reviews_table4(f->db, f->org.id, 2020, t), 0);
	assert_memory_equal(t, want2020, sizeof(t));
	assert_int_equal(reviews_table4(f->db, f->org.id, 2021, t), 0);
	assert_memory_equal(t, want2021, sizeof(t));
	/* R4: 总计 = the four results, in each group */
	assert_int_equal(reviews_table4(f->db, f->org.id, 2020, t), 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(t[k * 5 + 4], t[k * 5] + t[k * 5 + 1] + t[k * 5 + 2] + t[k * 5 + 3]);
	assert_int_equal(reviews_table4(f->db, f->org.id, 1800, t), ERR_INVALID);

	/* the monthly series: cases filed per kind and month */
	{
		struct reg_series *s;
		size_t n;

		assert_int_equal(reg_reviews.year_series(f->db, &f->a, f->org.id, 2020, &s, &n), 0);
		assert_int_equal(n, 3);
		assert_string_equal(s[0].label, "行政复议");
		assert_int_equal(s[0].total, 4);
		assert_int_equal(s[0].month[2], 1);
		assert_int_equal(s[0].month[11], 1);
		assert_int_equal(s[1].total, 2);
		assert_int_equal(s[2].month[9], 1);
	}
}

static struct reg_ctx reg_ctx(struct fx *f, const struct org *org)
{
	return (struct reg_ctx){ .db = f->db, .a = &f->a, .org = org, .user_id = 0, .now = NOW,
				 .today = f->c.today };
}

static int import(struct fx *f, const struct org *org, const char *csv, bool dry, struct csv_report *rep)
{
	struct reg_ctx c = reg_ctx(f, org);

	return reg_reviews.import_csv(&c, csv, strlen(csv), NULL, dry, rep);
}

static void test_csv(void **state)
{
	struct fx *f = *state;
	static const char head[] = "类型,案号,申请或立案日期,复议机关或法院,申请人或原告,事由,关联申请编号,结果,结果日期\n";
	struct csv_report rep;
	struct reg_ctx c;
	struct buf out;
	long long t[REVIEWS_TABLE4_COLS];
	const char *csv;

	/* a bad row: nothing is stored, each error names its line */
	csv = arena_printf(&f->a, "%s%s%s%s", head,
			   "行政复议,桐政复〔2021〕1号,2021/2/3,桐乡市人民政府,沈国华,不服答复,2021-0001,维持,2021年3月1日\n",
			   "行政诉讼,,2021-03-01,桐乡市人民法院,李某,,,,\n",
			   "行政复议,桐政复〔2021〕1号,2021-04-01,桐乡市人民政府,周某,,,尚未审结,\n");
	assert_int_equal(import(f, &f->org, csv, false, &rep), ERR_INVALID);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(rep.nerrors, 2);
	assert_non_null(strstr(rep.errors[0], "第 3 行"));
	assert_non_null(strstr(rep.errors[1], "第 4 行"));
	assert_non_null(strstr(rep.errors[1], "重复"));
	assert_int_equal(count_reviews(f, f->org.id), 0);

	/* a good file: a dry run stores nothing, then it is stored */
	csv = arena_printf(&f->a, "%s%s%s", head,
			   "行政复议,桐政复〔2021〕1号,2021/2/3,桐乡市人民政府,沈国华,\"不服答复，申请复议\",2021-0001,维持,2021年3月1日\n",
			   "行政诉讼(未经复议直接起诉),（2021）浙0483行初5号,2021-03-01,桐乡市人民法院,李某,,,,\n");
	assert_int_equal(import(f, &f->org, csv, true, &rep), 0);
	assert_int_equal(rep.rows, 2);
	assert_int_equal(count_reviews(f, f->org.id), 0);
	assert_int_equal(import(f, &f->org, csv, false, &rep), 0);
	assert_int_equal(rep.stored, 2);
	assert_int_equal(count_reviews(f, f->org.id), 2);
	/* again: the 案号 are taken, nothing more is stored */
	assert_int_equal(import(f, &f->org, csv, false, &rep), ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "已登记"));
	assert_int_equal(count_reviews(f, f->org.id), 2);

	/* export without personal data, then with; the latter imports into another org */
	c = reg_ctx(f, &f->org);
	buf_init(&out, &f->a, 1 << 20);
	assert_int_equal(reg_reviews.export_csv(&c, 2021, false, &out), 0);
	assert_null(strstr(buf_cstr(&out), "沈国华"));
	assert_non_null(strstr(buf_cstr(&out), "行政诉讼（未经复议直接起诉）"));
	buf_init(&out, &f->a, 1 << 20);
	assert_int_equal(reg_reviews.export_csv(&c, 0, true, &out), 0);
	assert_non_null(strstr(buf_cstr(&out), "沈国华"));
	assert_non_null(strstr(buf_cstr(&out), ",不服答复，申请复议,2021-0001,结果维持,2021-03-01"));
	/* the other org has no application 2021-0001: refused */
	assert_int_equal(import(f, &f->other, buf_cstr(&out), false, &rep), ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "2021-0001"));
	assert_int_equal(reviews_table4(f->db, f->org.id, 2021, t), 0);
	assert_int_equal(t[0], 1);
	assert_int_equal(t[8], 1);
	assert_int_equal(t[9], 1);
}

/* The demo agency's file: the seed report says "2020年，我局因信息公开工作
 * 被行政复议，最终维持原判": one review, upheld, nothing else. */
static void test_demo_file(void **state)
{
	struct fx *f = *state;
	const long long want[REVIEWS_TABLE4_COLS] = { 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	long long t[REVIEWS_TABLE4_COLS];
	struct csv_report rep;
	struct reg_ctx c;
	size_t len;
	char *text = slurp(&f->a, "data/demo/tongxiang-edu/reviews.csv", &len);

	f->c.today = D("2026-01-15");
	c = reg_ctx(f, &f->org);
	assert_int_equal(db_begin(f->db), 0); /* as the demo loader does: inside its transaction */
	if (reg_reviews.import_csv(&c, text, len, NULL, false, &rep))
		fail_msg("demo reviews.csv: %s", rep.nerrors ? rep.errors[0] : "error");
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(reviews_table4(f->db, f->org.id, 2020, t), 0);
	assert_memory_equal(t, want, sizeof(t));
	assert_int_equal(reviews_table4(f->db, f->org.id, 2019, t), 0);
	for (int i = 0; i < REVIEWS_TABLE4_COLS; i++)
		assert_int_equal(t[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test_setup_teardown(test_create_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_decide_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
