/* test_decisions.c - the 第二十条 registers over a real database with
 * every migration: decisions (validation, 文号 normalised and unique per
 * org, stale versions), declared yearly counts and the year's 处理决定数量
 * (recorded + declared), fee items with yearly amounts (items in force,
 * totals in fen and 万元), 政府集中采购; the CSV registers (all-or-nothing,
 * count rows, fee items over several years, export); and the demo
 * agency's files giving the seed report's 2020 figures (41 行政许可, the
 * fee items). Runs from the repository root. */
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
#include "domain/registers/decisions.h"
#include "domain/registers/registers.h"
#include "store/db.h"
#include "store/decision.h"
#include "store/fts.h"
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
	struct reg_write_ctx c;
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

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	struct org platform;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-decisions-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	insert_org(f, "platform", "平台", "platform", &platform);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", "agency", &f->org);
	insert_org(f, "other", "测试市其他局", "agency", &f->other);
	f->c = (struct reg_write_ctx){ .db = f->db, .a = &f->a, .org_id = f->org.id, .user_id = 0,
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

static long long count_decisions(struct fx *f, long long org_id)
{
	struct decision_filter flt = { .org_id = org_id };
	struct decision *rows;
	size_t n;
	long long total = -1;

	assert_int_equal(store_decision_list(f->db, &f->a, &flt, &rows, &n, &total), 0);
	return total;
}

static void expect(const char *msg, const char *needle)
{
	assert_chinese(msg);
	if (!strstr(msg, needle))
		fail_msg("message \"%s\" does not mention \"%s\"", msg, needle);
}

static void test_decisions_crud(void **state)
{
	struct fx *f = *state;
	struct decision_input in = { .kind = "行政许可", .decided_on = "2021-03-02", .doc_no = "桐教许[2021]1号",
				     .title = "关于同意设立桐乡市启明艺术培训学校的批复", .party = "桐乡市启明艺术培训学校" };
	struct decision d, got;
	const char *msg = NULL;
	long long counts[DEC_KINDS];

	assert_int_equal(decision_kind_find("行政处罚"), DEC_PENALTY);
	assert_int_equal(decision_kind_find("coercion"), DEC_COERCION);
	assert_int_equal(decision_kind_find("其他对外管理服务事项"), DEC_SERVICE);
	assert_int_equal(decision_kind_find("行政确认"), -1);

	assert_int_equal(decision_create(&f->c, &in, &d, &msg), 0);
	assert_string_equal(d.doc_no, "桐教许〔2021〕1号"); /* brackets normalised */
	assert_int_equal(store_decision_get(f->db, &f->a, f->org.id, d.id, &got), 0);
	assert_string_equal(got.kind, "license");
	assert_int_equal(store_decision_get(f->db, &f->a, f->other.id, d.id, &got), ERR_NOT_FOUND);

	/* refusals store nothing */
	in.doc_no = "桐教许〔2021〕1号";
	assert_int_equal(decision_create(&f->c, &in, &d, &msg), ERR_INVALID);
	expect(msg, "已登记");
	in.doc_no = "";
	in.kind = "行政确认";
	assert_int_equal(decision_create(&f->c, &in, &d, &msg), ERR_INVALID);
	expect(msg, "类别");
	in.kind = "行政处罚";
	in.decided_on = "2021-06-02";
	assert_int_equal(decision_create(&f->c, &in, &d, &msg), ERR_INVALID);
	expect(msg, "今天");
	in.decided_on = "2021-05-01";
	in.title = "";
	assert_int_equal(decision_create(&f->c, &in, &d, &msg), ERR_INVALID);
	expect(msg, "事项名称");
	assert_int_equal(count_decisions(f, f->org.id), 1);
	/* the same 文号 in another org is fine */
	f->c.org_id = f->other.id;
	in = (struct decision_input){ .kind = "行政处罚", .decided_on = "2021-05-01", .doc_no = "桐教许〔2021〕1号",
				      .title = "行政处罚决定书" };
	assert_int_equal(decision_create(&f->c, &in, &d, &msg), 0);
	f->c.org_id = f->org.id;

	/* update: stale refused; then saved */
	assert_int_equal(store_decision_get(f->db, &f->a, f->org.id, 1, &got), 0);
	in = (struct decision_input){ .kind = "行政许可", .decided_on = "2021-03-03", .doc_no = "桐教许〔2021〕1号",
				      .title = got.title, .party = got.party, .version = got.version + 1 };
	assert_int_equal(decision_update(&f->c, got.id, &in, &d, &msg), ERR_CONFLICT);
	expect(msg, "他人");
	in.version = got.version;
	assert_int_equal(decision_update(&f->c, got.id, &in, &d, &msg), 0); /* its own 文号 is no clash */
	assert_int_equal(d.version, got.version + 1);
	assert_int_equal(decision_delete(&f->c, got.id, got.version, &msg), ERR_CONFLICT);

	/* the year's figures */
	assert_int_equal(decisions_year_counts(f->db, f->org.id, 2021, counts), 0);
	assert_int_equal(counts[DEC_LICENSE], 1);
	assert_int_equal(counts[DEC_PENALTY], 0);
	assert_int_equal(decisions_year_counts(f->db, f->other.id, 2021, counts), 0);
	assert_int_equal(counts[DEC_LICENSE], 0);
	assert_int_equal(counts[DEC_PENALTY], 1);
	assert_int_equal(decision_delete(&f->c, d.id, d.version, &msg), 0);
	assert_int_equal(count_decisions(f, f->org.id), 0);
}

static void test_declared_counts(void **state)
{
	struct fx *f = *state;
	struct decision_input in = { .kind = "行政处罚", .decided_on = "2020-05-06", .title = "行政处罚决定书" };
	struct decision d;
	struct decision_count dc, dc2;
	const char *msg = NULL;
	long long rec[DEC_KINDS], dec[DEC_KINDS], all[DEC_KINDS];

	assert_int_equal(decision_create(&f->c, &in, &d, &msg), 0);
	assert_int_equal(decision_count_create(&f->c, "行政处罚", 2020, 12, "按季度汇总", &dc, &msg), 0);
	assert_int_equal(decision_count_create(&f->c, "行政强制", 2020, 0, NULL, &dc2, &msg), 0);
	assert_int_equal(decision_count_create(&f->c, "penalty", 2020, 3, NULL, &dc2, &msg), ERR_INVALID);
	expect(msg, "已声明 12 件");
	assert_int_equal(decision_count_create(&f->c, "行政许可", 2022, 3, NULL, &dc2, &msg), ERR_INVALID);
	expect(msg, "年度");
	assert_int_equal(decision_count_create(&f->c, "行政许可", 2020, -1, NULL, &dc2, &msg), ERR_INVALID);
	assert_int_equal(decisions_year_breakdown(f->db, f->org.id, 2020, rec, dec), 0);
	assert_int_equal(rec[DEC_PENALTY], 1);
	assert_int_equal(dec[DEC_PENALTY], 12);
	assert_int_equal(decisions_year_counts(f->db, f->org.id, 2020, all), 0);
	assert_int_equal(all[DEC_PENALTY], 13);
	assert_int_equal(all[DEC_COERCION], 0);
	/* edit with the version seen; a stale one is refused */
	assert_int_equal(decision_count_update(&f->c, dc.id, dc.version, 20, "更正", &dc2, &msg), 0);
	assert_int_equal(decision_count_update(&f->c, dc.id, dc.version, 21, NULL, &dc2, &msg), ERR_CONFLICT);
	assert_int_equal(decisions_year_counts(f->db, f->org.id, 2020, all), 0);
	assert_int_equal(all[DEC_PENALTY], 21);
	/* not in another org */
	f->c.org_id = f->other.id;
	assert_int_equal(decision_count_update(&f->c, dc.id, dc.version + 1, 1, NULL, &dc2, &msg), ERR_NOT_FOUND);
	assert_int_equal(decision_count_delete(&f->c, dc.id, dc.version + 1, &msg), ERR_NOT_FOUND);
	f->c.org_id = f->org.id;
	assert_int_equal(decision_count_delete(&f->c, dc.id, dc.version + 1, &msg), 0);
	assert_int_equal(decisions_year_counts(f->db, f->org.id, 2020, all), 0);
	assert_int_equal(all[DEC_PENALTY], 1);

	/* the monthly series leaves declared counts out */
	{
		struct reg_series *s;
		size_t n;

		assert_int_equal(decision_count_create(&f->c, "行政处罚", 2020, 7, NULL, &dc, &msg), 0);
		assert_int_equal(reg_decisions.year_series(f->db, &f->a, f->org.id, 2020, &s, &n), 0);
		assert_int_equal(n, DEC_KINDS);
		assert_string_equal(s[DEC_PENALTY].label, "行政处罚");
		assert_int_equal(s[DEC_PENALTY].total, 1);
		assert_int_equal(s[DEC_PENALTY].month[4], 1);
	}
}

static void test_fees(void **state)
{
	struct fx *f = *state;
	struct fee_input in = { .name = "普通话水平测试费", .basis = "省价格主管部门规定", .standard = "每人次50元" };
	struct fee_item fee, fee2, *items;
	const char *msg = NULL;
	long long total;
	size_t n;

	assert_int_equal(fee_create(&f->c, &in, &fee, &msg), 0);
	assert_int_equal(fee_create(&f->c, &in, &fee2, &msg), ERR_INVALID);
	expect(msg, "已登记");
	in.name = "普通高中住宿费";
	assert_int_equal(fee_create(&f->c, &in, &fee2, &msg), 0);
	assert_int_equal(fee_amount_set(&f->c, fee.id, fee.version, 2020, 2860000, &msg), 0);
	/* the version moved on: the old one is stale */
	assert_int_equal(fee_amount_set(&f->c, fee.id, fee.version, 2019, 100, &msg), ERR_CONFLICT);
	assert_int_equal(fee_amount_set(&f->c, fee.id, fee.version + 1, 2019, 4125000, &msg), 0);
	assert_int_equal(fee_amount_set(&f->c, fee2.id, fee2.version, 2020, 43680000, &msg), 0);
	assert_int_equal(fee_amount_set(&f->c, fee2.id, fee2.version + 1, 2022, 1, &msg), ERR_INVALID);
	assert_int_equal(fee_amount_set(&f->c, fee2.id, fee2.version + 1, 2020, -1, &msg), ERR_INVALID);

	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2020, &items, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2860000 + 43680000);
	assert_string_equal(money_wan_text(&f->a, total), "46.5400");
	assert_string_equal(money_yuan_text(&f->a, total), "465,400.00");
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2019, NULL, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 4125000);
	assert_int_equal(fees_year(f->db, &f->a, f->other.id, 2020, NULL, &n, &total), 0);
	assert_int_equal(n, 0);

	/* replacing a year's amount, removing one */
	assert_int_equal(fee_amount_set(&f->c, fee2.id, fee2.version + 1, 2020, 0, &msg), 0);
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2020, NULL, &n, &total), 0);
	assert_int_equal(n, 2); /* in force with 0 */
	assert_int_equal(total, 2860000);
	assert_int_equal(fee_amount_delete(&f->c, fee2.id, fee2.version + 2, 2020, &msg), 0);
	assert_int_equal(fee_amount_delete(&f->c, fee2.id, fee2.version + 3, 2020, &msg), ERR_NOT_FOUND);
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2020, NULL, &n, &total), 0);
	assert_int_equal(n, 1);

	/* rename onto another item's name is refused; delete takes the amounts */
	assert_int_equal(store_fee_get(f->db, &f->a, f->org.id, fee.id, &fee), 0);
	in = (struct fee_input){ .name = "普通高中住宿费", .version = fee.version };
	assert_int_equal(fee_update(&f->c, fee.id, &in, &fee2, &msg), ERR_INVALID);
	assert_int_equal(fee_delete(&f->c, fee.id, fee.version - 1, &msg), ERR_CONFLICT);
	assert_int_equal(fee_delete(&f->c, fee.id, fee.version, &msg), 0);
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2019, NULL, &n, &total), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);

	/* amounts as typed */
	{
		long long fen = 0;

		assert_int_equal(money_parse(&f->a, "金额（元）", "1,234.5元", &fen, &msg), 0);
		assert_int_equal(fen, 123450);
		assert_int_equal(money_parse(&f->a, "金额（元）", "12.345", &fen, &msg), ERR_INVALID);
		expect(msg, "金额");
		assert_int_equal(money_parse(&f->a, "金额（元）", "-5", &fen, &msg), ERR_INVALID);
		assert_string_equal(money_wan_text(&f->a, 49), "0.0000");
		assert_string_equal(money_wan_text(&f->a, 4999), "0.0050");
		assert_string_equal(money_yuan_plain(&f->a, 5), "0.05");
	}
}

static void test_procurements(void **state)
{
	struct fx *f = *state;
	struct procurement_input in = { .year = 2020, .project = "教学设备采购", .amount_fen = 25100000,
					.day = "2020-09-10" };
	struct procurement p, got;
	const char *msg = NULL;
	long long count, total;

	assert_int_equal(procurement_create(&f->c, &in, &p, &msg), 0);
	in.day = "2021-01-05";
	assert_int_equal(procurement_create(&f->c, &in, &got, &msg), ERR_INVALID);
	expect(msg, "年度");
	in.day = NULL;
	in.project = "";
	assert_int_equal(procurement_create(&f->c, &in, &got, &msg), ERR_INVALID);
	in.project = "课桌椅采购";
	in.amount_fen = 100;
	assert_int_equal(procurement_create(&f->c, &in, &got, &msg), 0);
	assert_null(got.day);
	assert_int_equal(procurements_year(f->db, f->org.id, 2020, &count, &total), 0);
	assert_int_equal(count, 2);
	assert_int_equal(total, 25100100);
	in.version = got.version + 1;
	assert_int_equal(procurement_update(&f->c, got.id, &in, &got, &msg), ERR_CONFLICT);
	assert_int_equal(procurement_delete(&f->c, p.id, p.version, &msg), 0);
	assert_int_equal(procurements_year(f->db, f->org.id, 2020, &count, &total), 0);
	assert_int_equal(count, 1);
	assert_int_equal(procurements_year(f->db, f->other.id, 2020, &count, &total), 0);
	assert_int_equal(count, 0);
}

static int import(struct fx *f, const struct reg_kind *k, const struct org *org, const char *csv,
		  struct csv_report *rep)
{
	struct reg_ctx c = { .db = f->db, .a = &f->a, .org = org, .now = NOW, .today = f->c.today };

	return k->import_csv(&c, csv, strlen(csv), NULL, false, rep);
}

static void test_csv(void **state)
{
	struct fx *f = *state;
	struct reg_ctx c = { .db = f->db, .a = &f->a, .org = &f->org, .now = NOW, .today = f->c.today };
	struct csv_report rep;
	long long all[DEC_KINDS], total, count;
	struct buf out;
	size_t n;

	/* decisions with declared counts; a mixed row spoils the whole file */
	const char *bad = "类别,决定日期,文号,事项名称,相对人,备注,年度,件数\n"
			  "行政许可,2020-03-02,桐教许〔2020〕1号,批复一,甲学校,,,\n"
			  "行政处罚,,,,,,2020,5\n"
			  "行政强制,2020-04-01,,查封,,,2020,2\n"
			  "行政许可,2020-05-02,桐教许〔2020〕1号,批复二,乙学校,,,\n";
	assert_int_equal(import(f, &reg_decisions, &f->org, bad, &rep), ERR_INVALID);
	assert_int_equal(rep.nerrors, 2);
	assert_non_null(strstr(rep.errors[0], "第 4 行"));
	assert_non_null(strstr(rep.errors[1], "第 5 行"));
	assert_int_equal(count_decisions(f, f->org.id), 0);
	const char *good = "类别,决定日期,文号,事项名称,相对人,备注,年度,件数\n"
			   "行政许可,2020-03-02,桐教许〔2020〕1号,批复一,甲学校,,,\n"
			   "行政处罚,,,,,,2020,5\n"
			   "其他对外管理服务事项,2020/7/1,,教师资格认定,,,,\n";
	assert_int_equal(import(f, &reg_decisions, &f->org, good, &rep), 0);
	assert_int_equal(rep.stored, 3);
	assert_int_equal(decisions_year_counts(f->db, f->org.id, 2020, all), 0);
	assert_int_equal(all[DEC_LICENSE], 1);
	assert_int_equal(all[DEC_PENALTY], 5);
	assert_int_equal(all[DEC_SERVICE], 1);
	/* once more: the 文号 and the declared count exist already */
	assert_int_equal(import(f, &reg_decisions, &f->org, good, &rep), ERR_INVALID);
	assert_int_equal(rep.nerrors, 2);
	buf_init(&out, &f->a, 1 << 20);
	assert_int_equal(reg_decisions.export_csv(&c, 2020, false, &out), 0);
	assert_null(strstr(buf_cstr(&out), "甲学校"));
	assert_non_null(strstr(buf_cstr(&out), "行政处罚,,,,,,2020,5"));
	buf_init(&out, &f->a, 1 << 20);
	assert_int_equal(reg_decisions.export_csv(&c, 0, true, &out), 0);
	assert_int_equal(import(f, &reg_decisions, &f->other, buf_cstr(&out), &rep), 0);
	assert_int_equal(decisions_year_counts(f->db, f->other.id, 2020, all), 0);
	assert_int_equal(all[DEC_LICENSE] + all[DEC_PENALTY] + all[DEC_SERVICE], 7);

	/* fees: one item over two years, an item alone, an amount already stored */
	const char *fees = "项目名称,依据,标准,年度,收费金额（元）\n"
			   "普通话水平测试费,规定,每人次50元,2019,\"41,250\"\n"
			   "普通话水平测试费,,,2020,28600.5\n"
			   "考试费,规定,每科10元,,\n";
	assert_int_equal(import(f, &reg_fees, &f->org, fees, &rep), 0);
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2020, NULL, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 2860050);
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2019, NULL, &n, &total), 0);
	assert_int_equal(total, 4125000);
	assert_int_equal(import(f, &reg_fees, &f->org,
				"项目名称,依据,标准,年度,收费金额（元）\n普通话水平测试费,,,2020,1\n", &rep),
			 ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "已登记"));
	assert_int_equal(import(f, &reg_fees, &f->org,
				"项目名称,依据,标准,年度,收费金额（元）\n甲,一,,2020,1\n甲,二,,2019,1\n", &rep),
			 ERR_INVALID);
	assert_non_null(strstr(rep.errors[0], "第 3 行"));
	buf_init(&out, &f->a, 1 << 20);
	assert_int_equal(reg_fees.export_csv(&c, 0, false, &out), 0);
	assert_non_null(strstr(buf_cstr(&out), "普通话水平测试费,规定,每人次50元,2019,41250.00\r\n"));
	assert_non_null(strstr(buf_cstr(&out), "考试费,规定,每科10元,,\r\n"));

	/* procurements */
	assert_int_equal(import(f, &reg_procurements, &f->org,
				"年度,项目名称,金额（元）,日期\n2020,教学设备,251000,2020-09-10\n2020,课桌椅,1000.5,\n",
				&rep),
			 0);
	assert_int_equal(procurements_year(f->db, f->org.id, 2020, &count, &total), 0);
	assert_int_equal(count, 2);
	assert_int_equal(total, 25200050);
	assert_int_equal(import(f, &reg_procurements, &f->org,
				"年度,项目名称,金额（元）,日期\n2020,教学设备,1,2021-01-01\n", &rep),
			 ERR_INVALID);
	assert_int_equal(procurements_year(f->db, f->org.id, 2020, &count, &total), 0);
	assert_int_equal(count, 2);
}

/* The demo agency's files in the demo loader's order (inside one
 * transaction): the seed report's "教育培训学校批复41个" are 41 行政许可
 * decisions of 2020; the fee items (invented amounts) are in force in
 * 2019 and 2020; no procurements. */
static void test_demo_files(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;
	struct fee_item *items;
	long long all[DEC_KINDS], total, count;
	size_t len, n;
	char *dec = slurp(&f->a, "data/demo/tongxiang-edu/decisions.csv", &len);
	struct reg_ctx c = { .db = f->db, .a = &f->a, .org = &f->org, .now = NOW, .today = D("2026-01-15") };

	assert_int_equal(db_begin(f->db), 0);
	if (reg_decisions.import_csv(&c, dec, len, NULL, false, &rep))
		fail_msg("demo decisions.csv: %s", rep.nerrors ? rep.errors[0] : "error");
	assert_int_equal(rep.stored, 41);
	dec = slurp(&f->a, "data/demo/tongxiang-edu/fees.csv", &len);
	if (reg_fees.import_csv(&c, dec, len, NULL, false, &rep))
		fail_msg("demo fees.csv: %s", rep.nerrors ? rep.errors[0] : "error");
	assert_int_equal(db_commit(f->db), 0);

	assert_int_equal(decisions_year_counts(f->db, f->org.id, 2020, all), 0);
	assert_int_equal(all[DEC_LICENSE], 41);
	assert_int_equal(all[DEC_PENALTY], 0);
	assert_int_equal(all[DEC_COERCION], 0);
	assert_int_equal(all[DEC_SERVICE], 0);
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2020, &items, &n, &total), 0);
	assert_int_equal(n, 3);
	assert_int_equal(total, (28600 + 436800 + 321000) * 100LL);
	assert_string_equal(money_wan_text(&f->a, total), "78.6400");
	assert_int_equal(fees_year(f->db, &f->a, f->org.id, 2019, NULL, &n, &total), 0);
	assert_int_equal(n, 3);
	assert_int_equal(procurements_year(f->db, f->org.id, 2020, &count, &total), 0);
	assert_int_equal(count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decisions_crud, setup, teardown),
		cmocka_unit_test_setup_teardown(test_declared_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procurements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
