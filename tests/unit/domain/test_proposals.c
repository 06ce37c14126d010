/* test_proposals.c - 建议提案办理 over a real database: the demo agency's
 * file data/demo/tongxiang-edu/proposals.csv imported into a demo-like org
 * (default categories and the demo catalog, as `gongkai demo` builds it)
 * gives exactly the seed report's 2020 figures and links the four
 * published replies; re-importing it or its export changes nothing; bad
 * rows are refused by line with nothing stored; a GBK file imports; and a
 * proposal goes from 交办 (due date entered or computed) through reply and
 * close to the publication of its reply in the catalog, with the refused
 * steps (stale version, publishing twice, another org's record).
 * Runs from the repository root. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/calendar/calendar.h"
#include "domain/catalog/catalog.h"
#include "domain/registers/proposals.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/proposal.h"
#include "store/store.h"
#include "core/banned.h"

#include "file_util.h"
#include "assert_chinese.h"

#define NOW "2024-06-01T08:00:00Z"
#define DEMO_CSV "data/demo/tongxiang-edu/proposals.csv"
#define DEMO_ITEMS "data/demo/tongxiang-edu/items.tsv"
#define HEADER "来源,届次会议,类别,编号,标题,领衔人,附议人,办理方式,交办日期,办理期限,答复日期,答复内容,办理结果,满意度,办结日期\n"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct org platform, org, other;
	struct calendar cal;
	struct reg_ctx rc;
	struct prop_ctx pc;
	long long items;   /* catalog items of org after loading the demo catalog */
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

static long long count_items(struct fx *f, long long org_id)
{
	struct item_filter flt = { .org_id = org_id, .limit = 1 };
	struct item_row *rows;
	size_t n;
	long long total = -1;

	assert_int_equal(store_item_list(f->db, &f->a, &flt, &rows, &n, &total), 0);
	return total;
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	size_t len, n = 0;
	long long count = 0;
	FILE *items;
	char *text;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-prop-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "platform", "平台", "platform", &f->platform);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", "agency", &f->org);
	insert_org(f, "other-bureau", "测试市其他局", "agency", &f->other);
	assert_int_equal(catalog_create_default_categories(f->db, f->org.id), 0);
	assert_int_equal(catalog_create_default_categories(f->db, f->other.id), 0);
	text = slurp(&f->a, "data/cn-calendar.tsv", &len);
	if (calendar_parse_tsv(&f->a, text, len, &rows, &n, &msg))
		fail_msg("calendar: %s", msg);
	assert_int_equal(calendar_import(f->db, &f->a, f->platform.id, rows, n), 0);
	/* the demo catalog, as `gongkai demo` loads it before the registers */
	items = fopen(DEMO_ITEMS, "rb");
	assert_non_null(items);
	assert_int_equal(cli_import_tsv(f->db, &f->org, items, DEMO_ITEMS, &count), 0);
	fclose(items);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(calendar_load(f->db, &f->a, f->platform.id, &f->cal), 0);
	f->items = count_items(f, f->org.id);
	assert_int_equal(f->items, 189);
	f->rc = (struct reg_ctx){ .db = f->db, .a = &f->a, .org = &f->org, .cal = &f->cal, .user_id = 0,
				  .now = NOW, .today = D("2024-06-01") };
	f->pc = (struct prop_ctx){ .db = f->db, .a = &f->a, .cal = &f->cal, .org = &f->org, .user_id = 0,
				   .actor = "沈丽", .today = D("2024-06-01"), .now = NOW };
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

static int import(struct fx *f, const char *text, bool dry, struct csv_report *rep)
{
	return reg_proposals.import_csv(&f->rc, text, strlen(text), NULL, dry, rep);
}

static void import_demo(struct fx *f)
{
	struct csv_report rep;
	size_t len;
	char *text = slurp(&f->a, DEMO_CSV, &len);
	int rc = reg_proposals.import_csv(&f->rc, text, len, NULL, false, &rep);

	if (rc)
		fail_msg("import of %s: %d: %s", DEMO_CSV, rc, rep.nerrors ? rep.errors[0] : "");
	assert_int_equal(rep.rows, 46);
	assert_int_equal(rep.stored, 46);
	assert_string_equal(rep.encoding, "UTF-8");
}

static long long total_of(struct fx *f, long long org_id)
{
	struct proposal_filter flt = { .org_id = org_id };
	struct proposal *ps;
	size_t n;
	long long total = -1;

	assert_int_equal(store_proposal_list(f->db, &f->a, &flt, &ps, &n, &total), 0);
	return total;
}

static void assert_roles(const long long *got, long long lead, long long assist, long long joint, long long total)
{
	assert_int_equal(got[PROP_ROLE_LEAD], lead);
	assert_int_equal(got[PROP_ROLE_ASSIST], assist);
	assert_int_equal(got[PROP_ROLE_JOINT], joint);
	assert_int_equal(got[PROP_ROLES], total);
}

static struct proposal by_key(struct fx *f, const char *session, const char *kind, const char *number)
{
	struct proposal p;

	assert_int_equal(store_proposal_by_key(f->db, &f->a, f->org.id, session, kind, number, &p), 0);
	return p;
}

/* The seed report: 承办市十四届党代会第四次会议提案3件，其中主办件2件，协办件1件；
 * 承办市十六届人大四次会议代表议案建议10件，其中主办议案建议9件;闭会期间代表建议
 * 1件，主办1件；承办市九届政协三次会议提案28件，其中主办件22件，协办6件；来信4件;
 * and 提案建议办理结果4条 in the catalog. */
static void test_demo_file_gives_the_seed_figures(void **state)
{
	struct fx *f = *state;
	struct prop_counts c;
	struct reg_series *s;
	const char *text;
	size_t ns;

	import_demo(f);
	assert_int_equal(prop_counts(f->db, &f->a, f->org.id, 2020, &c), 0);
	assert_int_equal(c.total, 46);
	assert_roles(c.source[PROP_SRC_PARTY], 2, 1, 0, 3);
	assert_roles(c.source[PROP_SRC_NPC], 10, 1, 0, 11);
	assert_roles(c.source[PROP_SRC_CPPCC], 22, 6, 0, 28);
	assert_roles(c.source[PROP_SRC_NONE], 4, 0, 0, 4);
	assert_roles(c.kind[PROP_KIND_MOTION], 1, 0, 0, 1);
	assert_roles(c.kind[PROP_KIND_SUGGESTION], 8, 1, 0, 9);
	assert_roles(c.kind[PROP_KIND_INTERIM], 1, 0, 0, 1);
	assert_roles(c.kind[PROP_KIND_PROPOSAL], 24, 7, 0, 31);
	assert_roles(c.kind[PROP_KIND_LETTER], 4, 0, 0, 4);
	assert_int_equal(c.state[PROP_STATE_CLOSED], 46);
	assert_int_equal(c.state[PROP_STATE_OPEN] + c.state[PROP_STATE_REPLIED], 0);
	assert_int_equal(c.result[PROP_RESULT_A] + c.result[PROP_RESULT_B] + c.result[PROP_RESULT_C], 46);
	assert_int_equal(c.satisfaction[PROP_SAT_SATISFIED] + c.satisfaction[PROP_SAT_BASIC], 46);
	assert_int_equal(c.published, 4);
	/* by session: 党代会, then 人大 (议案, 建议, 闭会期间建议), 政协, 来信 */
	assert_int_equal(c.nsessions, 6);
	assert_string_equal(c.sessions[0].session, "市十四届党代会第四次会议");
	assert_int_equal(c.sessions[0].kind, PROP_KIND_PROPOSAL);
	assert_int_equal(c.sessions[0].total, 3);
	assert_string_equal(c.sessions[1].session, "市十六届人大四次会议");
	assert_int_equal(c.sessions[1].kind, PROP_KIND_MOTION);
	assert_int_equal(c.sessions[2].kind, PROP_KIND_SUGGESTION);
	assert_int_equal(c.sessions[2].role[PROP_ROLE_LEAD], 8);
	assert_int_equal(c.sessions[3].kind, PROP_KIND_INTERIM);
	assert_string_equal(c.sessions[4].session, "市九届政协三次会议");
	assert_int_equal(c.sessions[4].role[PROP_ROLE_LEAD], 22);
	assert_int_equal(c.sessions[4].role[PROP_ROLE_ASSIST], 6);
	assert_int_equal(c.sessions[5].kind, PROP_KIND_LETTER);
	assert_string_equal(c.sessions[5].session, "");
	assert_int_equal(prop_counts_text(&f->a, &c, &text), 0);
	assert_string_equal(text, "承办市十四届党代会第四次会议提案3件，其中主办2件，协办1件；"
				  "承办市十六届人大四次会议代表议案建议10件，其中主办9件，协办1件；"
				  "闭会期间代表建议1件，其中主办1件；"
				  "承办市九届政协三次会议提案28件，其中主办22件，协办6件；来信4件");
	/* other years are empty; all years are the same 46 */
	assert_int_equal(prop_counts(f->db, &f->a, f->org.id, 2021, &c), 0);
	assert_int_equal(c.total, 0);
	assert_int_equal(prop_counts_text(&f->a, &c, &text), 0);
	assert_string_equal(text, "");
	assert_int_equal(prop_counts(f->db, &f->a, f->org.id, 0, &c), 0);
	assert_int_equal(c.total, 46);

	/* the four published replies of the catalog are linked, no item added */
	{
		static const char *const keys[][4] = {
			{ "市十六届人大四次会议", "suggestion", "21", "关于市十六届人大四次会议第21号建议的答复" },
			{ "市十六届人大四次会议", "suggestion", "37", "关于市十六届人大四次会议第37号建议的答复" },
			{ "市九届政协三次会议", "proposal", "56", "关于市政协九届三次会议第56号提案的答复" },
			{ "市九届政协三次会议", "proposal", "83", "关于市政协九届三次会议第83号提案的答复" },
		};

		for (size_t i = 0; i < 4; i++) {
			struct proposal p = by_key(f, keys[i][0], keys[i][1], keys[i][2]);
			struct item it;

			assert_true(p.item_id > 0);
			assert_int_equal(store_item_get(f->db, &f->a, f->org.id, p.item_id, &it), 0);
			assert_string_equal(it.title, keys[i][3]);
			assert_string_equal(it.category, PROP_CATEGORY);
			assert_string_equal(p.reply, it.body_md);
		}
	}
	assert_int_equal(count_items(f, f->org.id), f->items);
	/* dates: entered from the 交办 document, or 90 days */
	{
		struct proposal p = by_key(f, "市十六届人大四次会议", "interim", "5");

		assert_string_equal(p.assigned_on, "2020-08-17");
		assert_string_equal(p.due_on, "2020-11-15");
		assert_true(p.due_computed);
		p = by_key(f, "市十六届人大四次会议", "suggestion", "8");
		assert_string_equal(p.due_on, "2020-06-20");
		assert_false(p.due_computed);
		p = by_key(f, "", "letter", "2020-01");
		assert_string_equal(p.source, "");
		assert_string_equal(p.state, "closed");
		assert_string_equal(p.satisfaction, "satisfied");
	}
	/* monthly series by source */
	assert_int_equal(reg_proposals.year_series(f->db, &f->a, f->org.id, 2020, &s, &ns), 0);
	assert_int_equal(ns, PROP_SOURCES);
	assert_string_equal(s[PROP_SRC_PARTY].label, "党代会");
	assert_int_equal(s[PROP_SRC_PARTY].total, 3);
	assert_int_equal(s[PROP_SRC_PARTY].month[3], 3);
	assert_int_equal(s[PROP_SRC_NPC].total, 11);
	assert_int_equal(s[PROP_SRC_NPC].month[2], 10);
	assert_int_equal(s[PROP_SRC_NPC].month[7], 1);
	assert_int_equal(s[PROP_SRC_CPPCC].total, 28);
	assert_int_equal(s[PROP_SRC_CPPCC].month[2], 28);
	assert_int_equal(s[PROP_SRC_NONE].total, 4);
	assert_int_equal(s[PROP_SRC_NONE].month[3] + s[PROP_SRC_NONE].month[5] + s[PROP_SRC_NONE].month[8] +
				 s[PROP_SRC_NONE].month[10],
			 4);
}

static size_t events_of(struct fx *f, long long id)
{
	struct proposal_event *ev;
	size_t n;

	assert_int_equal(store_proposal_events(f->db, &f->a, f->org.id, id, &ev, &n), 0);
	return n;
}

/* The same file again, and the register's own export, change nothing. */
static void test_reimport_and_export_round_trip(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;
	struct proposal p;
	struct buf out;
	const char *csv;

	import_demo(f);
	p = by_key(f, "市九届政协三次会议", "proposal", "56");
	assert_int_equal(events_of(f, p.id), 1);
	import_demo(f);
	assert_int_equal(total_of(f, f->org.id), 46);
	assert_int_equal(events_of(f, p.id), 1);

	buf_init(&out, &f->a, CSV_MAX_BYTES);
	assert_int_equal(reg_proposals.export_csv(&f->rc, 2020, true, &out), 0);
	csv = buf_cstr(&out);
	assert_memory_equal(csv, "\xEF\xBB\xBF来源,届次会议,类别,编号", strlen("\xEF\xBB\xBF来源,届次会议,类别,编号"));
	assert_non_null(strstr(csv, "关于市政协九届三次会议第56号提案的答复"));
	assert_non_null(strstr(csv, "王晓红"));
	assert_int_equal(reg_proposals.import_csv(&f->rc, csv, strlen(csv), NULL, false, &rep), 0);
	assert_int_equal(rep.stored, 46);
	assert_int_equal(total_of(f, f->org.id), 46);
	assert_int_equal(events_of(f, p.id), 1);
	assert_int_equal(by_key(f, "市九届政协三次会议", "proposal", "56").item_id, p.item_id);
	assert_int_equal(count_items(f, f->org.id), f->items);

	/* without personal data: the writer of a 来信 is masked, deputies are not */
	buf_init(&out, &f->a, CSV_MAX_BYTES);
	assert_int_equal(reg_proposals.export_csv(&f->rc, 0, false, &out), 0);
	csv = buf_cstr(&out);
	assert_null(strstr(csv, "王晓红"));
	assert_non_null(strstr(csv, ",王*,"));
	assert_non_null(strstr(csv, "周建芬"));
	/* another year: the header only */
	buf_init(&out, &f->a, CSV_MAX_BYTES);
	assert_int_equal(reg_proposals.export_csv(&f->rc, 2019, true, &out), 0);
	assert_null(strchr(strchr(buf_cstr(&out), '\n') + 1, '\n'));
}

static bool has_error(const struct csv_report *rep, const char *line, const char *part)
{
	for (size_t i = 0; i < rep->nerrors && i < CSV_MAX_ERRORS; i++)
		if (strncmp(rep->errors[i], line, strlen(line)) == 0 && strstr(rep->errors[i], part))
			return true;
	return false;
}

/* Every bad row is named by line; nothing is stored. */
static void test_bad_rows_are_refused_by_line(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;
	static const char bad[] = HEADER
		"人大,市十六届人大四次会议,建议,1,关于甲的建议,张三,,主办,2020-03-20,,,,,,\n"          /* 2: fine */
		"人大,市十六届人大四次会议,质询,2,关于乙的建议,张三,,主办,2020-03-20,,,,,,\n"          /* 3 */
		"政协,市九届政协三次会议,建议,3,关于丙的建议,李四,,主办,2020-03-25,,,,,,\n"            /* 4 */
		",,提案,4,关于丁的提案,李四,,主办,2020-03-25,,,,,,\n"                                 /* 5 */
		"人大,,建议,5,关于戊的建议,王五,,主办,2020-03-20,,,,,,\n"                              /* 6 */
		"人大,市十六届人大四次会议,建议,6,关于己的建议,王五,,牵头,2020-03-20,,,,,,\n"         /* 7 */
		"人大,市十六届人大四次会议,建议,7,关于庚的建议,王五,,主办,2020-02-30,,,,,,\n"         /* 8 */
		"人大,市十六届人大四次会议,建议,8,关于辛的建议,王五,,主办,2020-03-20,2020-03-01,,,,,\n" /* 9 */
		"人大,市十六届人大四次会议,建议,9,关于壬的建议,王五,,主办,2020-03-20,,2020-05-01,已答复,,,\n" /* 10 */
		"人大,市十六届人大四次会议,建议,10,关于癸的建议,王五,,主办,2020-03-20,,2020-05-01,已答复,A,满意,\n" /* 11 */
		"人大,市十六届人大四次会议,建议,第1号,关于甲的建议,张三,,主办,2020-03-20,,,,,,\n"    /* 12: = 2 */
		"人大,市十六届人大四次会议,建议,11,关于子的建议,,,主办,2020-03-20,,,,,,\n"             /* 13 */
		"人大,市十六届人大四次会议,建议,12,关于丑的建议,王五,,主办,2099-03-20,,,,,,\n"         /* 14 */
		"人大,市十六届人大四次会议,建议,13,关于寅的建议,王五,,主办,2020-03-20,,2020-03-01,答复,A,,\n"; /* 15 */
	static const char future_pub[] = HEADER
		"人大,市十六届人大四次会议,建议,1,关于甲的建议,张三,,主办,2020-03-20,,,,,,\n";
	int rc = import(f, bad, false, &rep);

	assert_int_equal(rc, ERR_INVALID);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(rep.rows, 14);
	assert_int_equal(rep.nerrors, 13);
	for (size_t i = 0; i < rep.nerrors; i++)
		assert_chinese(rep.errors[i]);
	assert_true(has_error(&rep, "第 3 行", "类别“质询”无效"));
	assert_true(has_error(&rep, "第 4 行", "不符"));
	assert_true(has_error(&rep, "第 5 行", "只有来信可以没有来源"));
	assert_true(has_error(&rep, "第 6 行", "届次会议"));
	assert_true(has_error(&rep, "第 7 行", "办理方式“牵头”无效"));
	assert_true(has_error(&rep, "第 8 行", "不是有效日期"));
	assert_true(has_error(&rep, "第 9 行", "办理期限不能早于交办日期"));
	assert_true(has_error(&rep, "第 10 行", "办理结果"));
	assert_true(has_error(&rep, "第 11 行", "办结日期"));
	assert_true(has_error(&rep, "第 12 行", "与第 2 行重复"));
	assert_true(has_error(&rep, "第 13 行", "领衔人"));
	assert_true(has_error(&rep, "第 14 行", "晚于今天"));
	assert_true(has_error(&rep, "第 15 行", "答复日期不能早于交办日期"));
	assert_int_equal(total_of(f, f->org.id), 0);
	/* a dry run of a good file stores nothing either */
	assert_int_equal(import(f, future_pub, true, &rep), 0);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(total_of(f, f->org.id), 0);
	/* a missing column is a file-level error */
	assert_int_equal(import(f, "来源,届次会议,类别,编号,标题\n人大,x,建议,1,t\n", false, &rep), ERR_INVALID);
	assert_int_equal(rep.nerrors, 1);
	assert_non_null(strstr(rep.errors[0], "缺少列"));
}

/* 答复公开标题 must name a published item of 提案建议办理结果 not linked
 * elsewhere; a published reply cannot be changed by an import. */
static void test_publication_links_on_import(void **state)
{
	struct fx *f = *state;
	struct csv_report rep;
	static const char hdr[] = "来源,届次会议,类别,编号,标题,领衔人,办理方式,交办日期,答复日期,答复内容,办理结果,答复公开标题\n";
	char text[2048];

	snprintf(text, sizeof(text), "%s人大,市十六届人大四次会议,建议,99,关于某的建议,张三,主办,2020-03-20,2020-05-01,答复。,A,"
				    "关于不存在的答复\n", hdr);
	assert_int_equal(import(f, text, false, &rep), ERR_INVALID);
	assert_true(has_error(&rep, "第 2 行", "没有标题为“关于不存在的答复”的已发布信息"));
	snprintf(text, sizeof(text), "%s人大,市十六届人大四次会议,建议,99,关于某的建议,张三,主办,2020-03-20,,,,"
				    "关于市十六届人大四次会议第21号建议的答复\n", hdr);
	assert_int_equal(import(f, text, false, &rep), ERR_INVALID);
	assert_true(has_error(&rep, "第 2 行", "没有答复"));
	import_demo(f);
	/* the item is linked to 21 now: not to another */
	snprintf(text, sizeof(text), "%s人大,市十六届人大四次会议,建议,99,关于某的建议,张三,主办,2020-03-20,2020-05-01,答复。,A,"
				    "关于市十六届人大四次会议第21号建议的答复\n", hdr);
	assert_int_equal(import(f, text, false, &rep), ERR_INVALID);
	assert_true(has_error(&rep, "第 2 行", "已关联其他建议提案"));
	/* the published reply of 21 cannot be changed by an import */
	snprintf(text, sizeof(text), "%s人大,市十六届人大四次会议,建议,21,关于进一步增加城区公办幼儿园学位的建议,周建芬,主办,"
				    "2020-03-20,2020-05-20,另一份答复。,A,\n", hdr);
	assert_int_equal(import(f, text, false, &rep), ERR_INVALID);
	assert_true(has_error(&rep, "第 2 行", "导入不能修改答复内容"));
	assert_int_equal(total_of(f, f->org.id), 46);
}

/* Excel's default CSV on Chinese Windows is GBK. */
static void test_gbk_file(void **state)
{
	struct fx *f = *state;
	static const char utf8[] = HEADER "政协,市九届政协三次会议,提案,7,关于加强校园足球的提案,徐某,,协办,2020年3月25日,2020/6/25,,,,,\n";
	char gbk[1024], *in = (char *)utf8, *outp = gbk;
	size_t inleft = strlen(utf8), outleft = sizeof(gbk);
	iconv_t cd = iconv_open("GBK", "UTF-8");
	struct csv_report rep;
	struct proposal p;

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &inleft, &outp, &outleft) != (size_t)-1);
	iconv_close(cd);
	assert_int_equal(reg_proposals.import_csv(&f->rc, gbk, (size_t)(outp - gbk), NULL, false, &rep), 0);
	assert_string_equal(rep.encoding, "GBK");
	assert_int_equal(rep.stored, 1);
	p = by_key(f, "市九届政协三次会议", "proposal", "7");
	assert_string_equal(p.title, "关于加强校园足球的提案");
	assert_string_equal(p.role, "assist");
	assert_string_equal(p.assigned_on, "2020-03-25");
	assert_string_equal(p.due_on, "2020-06-25");
	assert_string_equal(p.state, "open");
}

static struct prop_fields suggestion(const char *number, const char *assigned, const char *due)
{
	return (struct prop_fields){ .source = "人大", .session = "市十六届人大五次会议", .kind = "建议",
				     .number = number, .title = "关于推进中小学校园足球发展的建议", .proposer = "陆国平",
				     .cosigners = "沈丽、钱军", .role = "主办", .assigned_on = assigned, .due_on = due };
}

static void test_procedure(void **state)
{
	struct fx *f = *state;
	struct prop_fields in = suggestion("第12号", "2021-03-01", NULL);
	struct prop_act_input act;
	struct proposal p, q, other;
	const char *msg = NULL, *ino = NULL;
	struct item it;
	bool dup = true;
	int v;

	/* 交办: no due date entered → 90 calendar days */
	assert_int_equal(prop_create(&f->pc, &in, "tok-1", &p, &dup, &msg), 0);
	assert_false(dup);
	assert_string_equal(p.number, "12");
	assert_string_equal(p.source, "npc");
	assert_string_equal(p.kind, "suggestion");
	assert_string_equal(p.due_on, "2021-05-30");
	assert_true(p.due_computed);
	assert_string_equal(p.state, "open");
	assert_false(prop_overdue(&p, D("2021-05-30")));
	assert_true(prop_overdue(&p, D("2021-05-31")));
	assert_string_equal(prop_display_no(&f->a, &p), "市十六届人大五次会议第12号建议");
	assert_string_equal(prop_reply_title(&f->a, &p), "关于市十六届人大五次会议第12号建议的答复");
	/* a double click stores once; the same key again is refused */
	assert_int_equal(prop_create(&f->pc, &in, "tok-1", &q, &dup, &msg), 0);
	assert_true(dup);
	assert_int_equal(q.id, p.id);
	assert_int_equal(prop_create(&f->pc, &in, "tok-2", &q, &dup, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "已经登记"));
	/* bad input: messages, nothing stored */
	in = suggestion("13", "2021-03-01", "2021-02-01");
	assert_int_equal(prop_create(&f->pc, &in, NULL, &q, &dup, &msg), ERR_INVALID);
	assert_string_equal(msg, "办理期限不能早于交办日期。");
	in.source = NULL;
	in.due_on = NULL;
	assert_int_equal(prop_create(&f->pc, &in, NULL, &q, &dup, &msg), ERR_INVALID);
	assert_chinese(msg);
	in = suggestion("13", "2021-03-01", NULL);
	in.source = "政协";
	assert_int_equal(prop_create(&f->pc, &in, NULL, &q, &dup, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "不符"));
	assert_int_equal(total_of(f, f->org.id), 1);
	/* a 来信 needs neither source nor session; a 闭会期间建议 has its title */
	in = (struct prop_fields){ .kind = "来信", .number = "2021-01", .title = "关于学校午餐的来信", .role = "主办",
				   .assigned_on = "2021-04-01" };
	assert_int_equal(prop_create(&f->pc, &in, NULL, &q, &dup, &msg), 0);
	assert_string_equal(q.source, "");
	assert_string_equal(prop_reply_title(&f->a, &q), "关于“关于学校午餐的来信”来信的答复");
	in = suggestion("5", "2021-08-01", "2021-10-31");
	in.kind = "闭会期间建议";
	assert_int_equal(prop_create(&f->pc, &in, NULL, &q, &dup, &msg), 0);
	assert_false(q.due_computed);
	assert_string_equal(prop_reply_title(&f->a, &q), "关于市十六届人大五次会议闭会期间第5号建议的答复");

	/* edit: a stale version is refused; an entered due date replaces the computed one */
	in = suggestion("12", "2021-03-01", "2021-06-01");
	assert_int_equal(prop_edit(&f->pc, p.id, p.version + 1, &in, &q, &msg), ERR_CONFLICT);
	assert_chinese(msg);
	assert_int_equal(prop_edit(&f->pc, p.id, p.version, &in, &q, &msg), 0);
	assert_string_equal(q.due_on, "2021-06-01");
	assert_false(q.due_computed);
	assert_int_equal(q.version, p.version + 1);
	p = q;

	/* close before reply, publish before reply: refused */
	act = (struct prop_act_input){ .action = "close", .version = p.version, .satisfaction = "满意",
				       .closed_on = "2021-05-20" };
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "尚未答复"));
	assert_int_equal(prop_publish(&f->pc, p.id, p.version, &q, &ino, &msg), ERR_INVALID);
	/* reply: every part needed, on a day not before the assignment */
	act = (struct prop_act_input){ .action = "reply", .version = p.version, .reply = "", .result = "A",
				       .replied_on = "2021-05-10" };
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), ERR_INVALID);
	assert_string_equal(msg, "请填写答复内容。");
	act.reply = "陆国平代表：\r\n\r\n您提出的建议收悉。现答复如下。\r\n\r\n一、……";
	act.replied_on = "2021-02-01";
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "答复日期不能早于交办日期"));
	act.replied_on = "2021-05-10";
	act.result = "D";
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), ERR_INVALID);
	act.result = "B类";
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), 0);
	assert_string_equal(q.state, "replied");
	assert_string_equal(q.result, "B");
	assert_null(strchr(q.reply, '\r'));
	assert_false(prop_overdue(&q, D("2021-12-31")));
	v = q.version;
	/* amend while not published */
	act.version = v;
	act.result = "A";
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), 0);
	assert_string_equal(q.result, "A");
	v = q.version;

	/* publish: a catalog item in 提案建议办理结果 with its 索引号 */
	assert_int_equal(prop_publish(&f->pc, p.id, v - 1, &q, &ino, &msg), ERR_CONFLICT);
	assert_int_equal(prop_publish(&f->pc, p.id, v, &q, &ino, &msg), 0);
	assert_non_null(ino);
	assert_true(q.item_id > 0);
	assert_int_equal(store_item_get(f->db, &f->a, f->org.id, q.item_id, &it), 0);
	assert_string_equal(it.title, "关于市十六届人大五次会议第12号建议的答复");
	assert_string_equal(it.category, PROP_CATEGORY);
	assert_string_equal(it.status, "published");
	assert_string_equal(it.index_no, ino);
	assert_string_equal(it.publisher, "桐乡市教育局");
	assert_string_equal(it.written_on, "2021-05-10");
	assert_string_equal(it.body_md, q.reply);
	assert_int_equal(count_items(f, f->org.id), f->items + 1);
	/* twice: refused, nothing new */
	assert_int_equal(prop_publish(&f->pc, p.id, q.version, &other, &ino, &msg), ERR_CONFLICT);
	assert_non_null(strstr(msg, "不能重复公开"));
	assert_int_equal(count_items(f, f->org.id), f->items + 1);
	/* a published reply is final; its key too */
	act.version = q.version;
	assert_int_equal(prop_act(&f->pc, p.id, &act, &other, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "已公开"));
	in = suggestion("120", "2021-03-01", "2021-06-01");
	assert_int_equal(prop_edit(&f->pc, p.id, q.version, &in, &other, &msg), ERR_INVALID);
	/* close */
	act = (struct prop_act_input){ .action = "close", .version = q.version, .satisfaction = "不太满意",
				       .closed_on = "2021-05-20" };
	assert_int_equal(prop_act(&f->pc, p.id, &act, &other, &msg), ERR_INVALID);
	act.satisfaction = "基本满意";
	act.closed_on = "2021-05-01";
	assert_int_equal(prop_act(&f->pc, p.id, &act, &other, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "办结日期不能早于答复日期"));
	act.closed_on = "2021-05-20";
	assert_int_equal(prop_act(&f->pc, p.id, &act, &q, &msg), 0);
	assert_string_equal(q.state, "closed");
	assert_string_equal(q.satisfaction, "basic");
	assert_int_equal(events_of(f, p.id), 6); /* create edit reply amend publish close */

	/* another org sees nothing of it */
	{
		struct prop_ctx oc = f->pc;

		oc.org = &f->other;
		assert_int_equal(prop_edit(&oc, p.id, q.version, &in, &other, &msg), ERR_NOT_FOUND);
		assert_int_equal(prop_publish(&oc, p.id, q.version, &other, &ino, &msg), ERR_NOT_FOUND);
		assert_int_equal(store_proposal_get(f->db, &f->a, f->other.id, p.id, &other), ERR_NOT_FOUND);
	}
	/* a 协办 unit does not publish a reply of its own */
	in = suggestion("30", "2021-03-01", NULL);
	in.role = "协办";
	assert_int_equal(prop_create(&f->pc, &in, NULL, &q, &dup, &msg), 0);
	act = (struct prop_act_input){ .action = "reply", .version = q.version, .reply = "协办意见。", .result = "A",
				       .replied_on = "2021-04-01" };
	assert_int_equal(prop_act(&f->pc, q.id, &act, &q, &msg), 0);
	assert_int_equal(prop_publish(&f->pc, q.id, q.version, &other, &ino, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "协办"));
	/* counts of 2021 */
	{
		struct prop_counts c;
		const char *text;

		assert_int_equal(prop_counts(f->db, &f->a, f->org.id, 2021, &c), 0);
		assert_int_equal(c.total, 4);
		assert_int_equal(c.published, 1);
		assert_int_equal(c.state[PROP_STATE_REPLIED], 1);
		assert_int_equal(prop_counts_text(&f->a, &c, &text), 0);
		assert_string_equal(text, "承办市十六届人大五次会议代表建议2件，其中主办1件，协办1件；"
					  "闭会期间代表建议1件，其中主办1件；来信1件");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_demo_file_gives_the_seed_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_and_export_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows_are_refused_by_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publication_links_on_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gbk_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procedure, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
