/* test_cases.c - the application procedure over a real database and the
 * shipped calendar: receipt dates and due dates on the calendar's hard
 * cases (国庆+中秋 2020, 春节 2021 with its 调休, a year end, a third-party
 * pause across a holiday), every transition of a case and the forbidden
 * ones (refused with a message and nothing stored), the due-date history,
 * fees, double submissions, recomputation when the calendar changes, and
 * the year counts of the annual report's table 三.
 *
 * Expected dates are hand-checked against data/cn-calendar.tsv (rows that
 * matter: 2020-09-27 Sun work; 2020-10-01..08 off; 2020-10-10 Sat work;
 * 2021-01-01..03 off; 2021-02-07 Sun work; 2021-02-11..17 off; 2021-02-20
 * Sat work). Runs from the repository root. */
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
#include "domain/applications/cases.h"
#include "domain/applications/fees.h"
#include "domain/calendar/calendar.h"
#include "store/db.h"
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
	struct org platform, org;
	struct calendar cal;
	struct app_ctx c;
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

static void insert_org(struct fx *f, const char *slug, const char *kind, struct org *out)
{
	struct org o = { .slug = slug, .name = "桐乡市教育局", .org_code = "471127366", .kind = kind };

	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_int_equal(store_org_by_id(f->db, &f->a, o.id, out), 0);
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	size_t len, n = 0;
	char *text;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-cases-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "platform", "platform", &f->platform);
	insert_org(f, "tongxiang-edu", "agency", &f->org);
	text = slurp(&f->a, "data/cn-calendar.tsv", &len);
	if (calendar_parse_tsv(&f->a, text, len, &rows, &n, &msg))
		fail_msg("calendar: %s", msg);
	assert_int_equal(calendar_import(f->db, &f->a, f->platform.id, rows, n), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(calendar_load(f->db, &f->a, f->platform.id, &f->cal), 0);
	f->c = (struct app_ctx){ .db = f->db, .a = &f->a, .cal = &f->cal, .org = &f->org, .user_id = 0,
				 .actor = "沈丽", .today = D("2021-06-01"), .now = NOW };
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

/* 11010519491231002X: a valid 居民身份证 number (GB 11643 check char X). */
static struct application person(const char *channel, const char *evidence)
{
	return (struct application){
		.applicant_type = "natural", .name = "张三", .id_kind = "居民身份证",
		.id_number = "11010519491231002X", .phone = "138 0013 5678", .email = "zs@example.cn",
		.address = "浙江省桐乡市梧桐街道1号", .info_title = "2020年教育经费执行情况",
		.medium = "电子", .delivery = "电子邮件", .channel = channel, .evidence = evidence,
	};
}

/* Register an in-person application arrived on day; returns it. */
static struct application reg(struct fx *f, const char *day)
{
	struct application app = person("in_person", "窗口接收");
	const char *msg = NULL;
	bool dup = true;

	f->c.today = D(day) + 1;
	if (app_create(&f->c, &app, D(day), 0, &dup, &msg))
		fail_msg("app_create: %s", msg);
	assert_false(dup);
	return app;
}

static int act(struct fx *f, struct application *app, struct app_act_input in, const char **msg)
{
	long long letter = 0;
	struct application out;
	int rc;

	in.version = in.version ? in.version : app->version;
	if (in.day && f->c.today < in.day)
		f->c.today = in.day;
	rc = app_act(&f->c, app->id, &in, &out, &letter, msg);
	if (rc == 0)
		*app = out;
	return rc;
}

static void act_ok(struct fx *f, struct application *app, struct app_act_input in)
{
	const char *msg = NULL;

	if (act(f, app, in, &msg))
		fail_msg("%s: %s", in.action, msg ? msg : "?");
}

/* The action is refused with a Chinese message and nothing changes. */
static void act_refused(struct fx *f, struct application *app, struct app_act_input in, const char *needle)
{
	struct application before;
	struct app_event *ev;
	size_t n0, n1;
	const char *msg = NULL;

	assert_int_equal(store_app_events(f->db, &f->a, f->org.id, app->id, &ev, &n0), 0);
	assert_int_not_equal(act(f, app, in, &msg), 0);
	assert_non_null(msg);
	assert_chinese(msg);
	if (needle && !strstr(msg, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", in.action, msg, needle);
	assert_int_equal(store_app_get(f->db, &f->a, f->org.id, app->id, &before), 0);
	assert_int_equal(before.version, app->version);
	assert_string_equal(before.state, app->state);
	assert_int_equal(store_app_events(f->db, &f->a, f->org.id, app->id, &ev, &n1), 0);
	assert_int_equal(n0, n1);
}

static void test_due_dates_on_hard_cases(void **state)
{
	struct fx *f = *state;

	/* 国庆 + 中秋 2020 with two 调休 days */
	assert_string_equal(reg(f, "2020-09-25").due_on, "2020-10-29");
	/* 春节 2021 with 调休 on Sunday 02-07 and Saturday 02-20 */
	assert_string_equal(reg(f, "2021-02-05").due_on, "2021-03-10");
	/* a year end with 元旦 */
	assert_string_equal(reg(f, "2020-12-25").due_on, "2021-01-25");
}

static void test_receipt_date_per_channel(void **state)
{
	struct fx *f = *state;
	struct application app = person("post_signed", "EMS 1100123456789，王芳签收");
	const char *msg = NULL;
	bool dup;

	f->c.today = D("2021-03-10");
	/* signed for on Monday: the receipt date, not the arrival */
	assert_int_equal(app_create(&f->c, &app, D("2021-03-05"), D("2021-03-08"), &dup, &msg), 0);
	assert_string_equal(app.submitted_on, "2021-03-05");
	assert_string_equal(app.received_on, "2021-03-08");
	assert_string_equal(app.state, "registered");
	/* online: waits for staff, received_on provisional until accepted */
	app = person("online", NULL);
	assert_int_equal(app_create(&f->c, &app, D("2021-03-09"), 0, &dup, &msg), 0);
	assert_string_equal(app.state, "submitted");
	act_ok(f, &app, (struct app_act_input){ .action = "accept", .day = D("2021-03-10") });
	assert_string_equal(app.received_on, "2021-03-10");
	assert_string_equal(app.state, "registered");
	/* post without evidence: refused, nothing stored */
	app = person("post_plain", "");
	assert_int_equal(app_create(&f->c, &app, D("2021-03-05"), D("2021-03-05"), &dup, &msg), ERR_INVALID);
	assert_chinese(msg);
	/* before the 条例 took effect */
	app = person("in_person", "");
	assert_int_equal(app_create(&f->c, &app, D("2019-05-14"), 0, &dup, &msg), ERR_INVALID);
	/* in the future */
	app = person("in_person", "");
	assert_int_equal(app_create(&f->c, &app, D("2021-03-11"), 0, &dup, &msg), ERR_INVALID);
	{
		struct app_filter flt = { .org_id = f->org.id };
		struct application *list;
		size_t n;

		assert_int_equal(store_app_list(f->db, &f->a, &flt, &list, &n, NULL), 0);
		assert_int_equal(n, 2);
	}
}

static void test_double_submission_stores_once(void **state)
{
	struct fx *f = *state;
	struct application a1 = person("online", NULL), a2 = person("online", NULL);
	const char *msg = NULL;
	bool dup = true;

	a1.submit_token = a2.submit_token = "tok-123";
	f->c.today = D("2021-04-01");
	assert_int_equal(app_create(&f->c, &a1, D("2021-04-01"), 0, &dup, &msg), 0);
	assert_false(dup);
	assert_int_equal(app_create(&f->c, &a2, D("2021-04-01"), 0, &dup, &msg), 0);
	assert_true(dup);
	assert_int_equal(a1.id, a2.id);
	assert_string_equal(a1.tracking_code, a2.tracking_code);
	assert_string_equal(a1.serial, "2021-0001");
}

/* 补正 → restart; 第三方 → pause across 国庆; 延期; reply: the due date
 * and its history at each step. */
static void test_full_path_and_due_history(void **state)
{
	struct fx *f = *state;
	struct application app = reg(f, "2020-09-15");
	struct app_due_change *ch;
	size_t n;

	assert_string_equal(app.due_on, "2020-10-19");
	act_ok(f, &app, (struct app_act_input){ .action = "correction", .day = D("2020-09-16"),
					      .reason = "请写明所需信息的年份。" });
	assert_string_equal(app.state, "correcting");
	assert_non_null(app.wait_until);
	/* 15 working days from 09-16 across 国庆 (with 调休 09-27 and 10-10): 10-13 */
	assert_string_equal(app.wait_until, "2020-10-13");
	act_ok(f, &app, (struct app_act_input){ .action = "corrected", .day = D("2020-09-18") });
	assert_string_equal(app.state, "registered");
	/* restarted: 20 working days from 09-18 */
	assert_string_equal(app.due_on, "2020-10-22");
	act_ok(f, &app, (struct app_act_input){ .action = "consult", .day = D("2020-09-25"),
					      .party = "桐乡市某某公司", .reason = "是否同意公开" });
	assert_string_equal(app.state, "consulting");
	act_ok(f, &app, (struct app_act_input){ .action = "consult_end", .day = D("2020-10-12"),
					      .reason = "同意公开" });
	/* (09-25, 10-12] holds 7 working days: 10-22 + 7 = 11-02 */
	assert_string_equal(app.due_on, "2020-11-02");
	assert_string_equal(app.state, "registered");
	act_ok(f, &app, (struct app_act_input){ .action = "extend", .day = D("2020-10-30"), .days = 20,
					      .approver = "沈卫东", .reason = "需调取档案" });
	assert_string_equal(app.state, "extended");
	assert_true(app.extended);
	assert_string_equal(app.due_on, "2020-11-30");
	act_ok(f, &app, (struct app_act_input){ .action = "reply", .day = D("2020-11-20"), .outcome = "partial",
					      .reason = "部分内容涉及商业秘密" });
	assert_string_equal(app.state, "replied");
	assert_string_equal(app.closed_on, "2020-11-20");
	assert_string_equal(app.outcome, "partial");
	assert_non_null(strstr(app.basis, "第三十七条"));
	assert_int_equal(store_app_due_changes(f->db, &f->a, f->org.id, app.id, &ch, &n), 0);
	assert_true(n >= 4);
	assert_null(ch[0].old_due);
	assert_string_equal(ch[0].new_due, "2020-10-19");
	assert_string_equal(ch[n - 1].new_due, "2020-11-30");
	assert_non_null(strstr(ch[n - 1].cause, "延期答复"));
	{
		struct app_letter *l;
		size_t nl;
		bool reply = false, corr = false, ext = false, cons = false;

		assert_int_equal(store_app_letters(f->db, &f->a, f->org.id, app.id, &l, &nl), 0);
		for (size_t i = 0; i < nl; i++) {
			reply |= strcmp(l[i].kind, "reply") == 0 && strstr(l[i].body_md, "第三十七条");
			corr |= strcmp(l[i].kind, "correction") == 0;
			ext |= strcmp(l[i].kind, "extension") == 0 && strstr(l[i].body_md, "2020年11月30日");
			cons |= strcmp(l[i].kind, "consult") == 0;
		}
		assert_true(reply && corr && ext && cons);
	}
}

static void test_forbidden_transitions(void **state)
{
	struct fx *f = *state;
	struct application app = reg(f, "2021-03-01");

	act_refused(f, &app, (struct app_act_input){ .action = "accept" }, "已登记");
	act_refused(f, &app, (struct app_act_input){ .action = "corrected", .day = D("2021-03-02") }, "不能执行");
	act_refused(f, &app, (struct app_act_input){ .action = "consult_end", .day = D("2021-03-02") }, NULL);
	act_refused(f, &app, (struct app_act_input){ .action = "fee_paid", .day = D("2021-03-02") }, NULL);
	act_refused(f, &app, (struct app_act_input){ .action = "nonsense" }, "未知");
	/* a date before the receipt, or in the future */
	act_refused(f, &app, (struct app_act_input){ .action = "reply", .day = D("2021-02-26"), .outcome = "disclose" },
		    "日期");
	f->c.today = D("2021-03-05");
	{
		struct app_act_input in = { .action = "reply", .day = D("2021-03-08"), .outcome = "disclose" };
		const char *msg = NULL;
		long long letter;
		struct application out;

		in.version = app.version;
		assert_int_equal(app_act(&f->c, app.id, &in, &out, &letter, &msg), ERR_INVALID);
		assert_non_null(strstr(msg, "晚于今天"));
	}
	/* replies: an unknown outcome, one set only by an action, no basis */
	act_refused(f, &app, (struct app_act_input){ .action = "reply", .day = D("2021-03-02"), .outcome = "bogus" },
		    "答复类型");
	act_refused(f, &app,
		    (struct app_act_input){ .action = "reply", .day = D("2021-03-02"), .outcome = "no_correction" },
		    "答复类型");
	act_refused(f, &app, (struct app_act_input){ .action = "reply", .day = D("2021-03-02"), .outcome = "confirm" },
		    "法律依据");
	/* extension: bad length, no approver */
	act_refused(f, &app,
		    (struct app_act_input){ .action = "extend", .day = D("2021-03-02"), .days = 21, .approver = "甲",
					    .reason = "乙" },
		    "20");
	act_refused(f, &app, (struct app_act_input){ .action = "extend", .day = D("2021-03-02"), .days = 10 },
		    "批准人");
	/* a stale version */
	{
		const char *msg = NULL;

		assert_int_equal(act(f, &app, (struct app_act_input){ .action = "withdraw", .version = app.version + 7,
								    .day = D("2021-03-02"), .reason = "撤回" },
				     &msg),
				 ERR_CONFLICT);
		assert_chinese(msg);
	}
	/* correction: once only; not while correcting: reply */
	act_ok(f, &app, (struct app_act_input){ .action = "correction", .day = D("2021-03-02"), .reason = "补正事项" });
	act_refused(f, &app, (struct app_act_input){ .action = "reply", .day = D("2021-03-03"), .outcome = "disclose" },
		    "补正中");
	act_refused(f, &app, (struct app_act_input){ .action = "correction_lapsed", .day = D("2021-03-03") }, "期限");
	act_ok(f, &app, (struct app_act_input){ .action = "corrected", .day = D("2021-03-04") });
	act_refused(f, &app, (struct app_act_input){ .action = "correction", .day = D("2021-03-04"), .reason = "再补" },
		    "一次性");
	/* the one extension */
	act_ok(f, &app, (struct app_act_input){ .action = "extend", .day = D("2021-03-05"), .days = 5,
					      .approver = "沈卫东", .reason = "检索量大" });
	act_refused(f, &app,
		    (struct app_act_input){ .action = "extend", .day = D("2021-03-05"), .days = 5, .approver = "沈卫东",
					    .reason = "再延" },
		    "不能执行");
	/* closed: nothing more */
	act_ok(f, &app, (struct app_act_input){ .action = "withdraw", .day = D("2021-03-08"), .reason = "电话撤回" });
	assert_string_equal(app.state, "terminated");
	assert_string_equal(app.outcome, "other");
	act_refused(f, &app, (struct app_act_input){ .action = "reply", .day = D("2021-03-08"), .outcome = "disclose" },
		    "已终止");
}

static void test_lapses(void **state)
{
	struct fx *f = *state;
	struct application a = reg(f, "2021-03-01"), b = reg(f, "2021-03-01");

	act_ok(f, &a, (struct app_act_input){ .action = "correction", .day = D("2021-03-02"), .days = 5,
					    .reason = "补正事项" });
	assert_string_equal(a.wait_until, "2021-03-09");
	act_refused(f, &a, (struct app_act_input){ .action = "correction_lapsed", .day = D("2021-03-09") }, "尚未届满");
	act_ok(f, &a, (struct app_act_input){ .action = "correction_lapsed", .day = D("2021-03-10") });
	assert_string_equal(a.state, "terminated");
	assert_string_equal(a.outcome, "no_correction");

	/* 按量: 150 pages = 70 × 10 + 50 × 20 = 1,700 yuan; 30 pages are free */
	act_refused(f, &b, (struct app_act_input){ .action = "fee_notice", .day = D("2021-03-02"), .fee_standard = 2,
						 .fee_units = 30 },
		    "不收费");
	act_ok(f, &b, (struct app_act_input){ .action = "fee_notice", .day = D("2021-03-02"), .fee_standard = 2,
					    .fee_units = 150 });
	assert_int_equal(b.fee_yuan, 1700);
	assert_string_equal(b.state, "awaiting_fee");
	/* 20 working days to pay */
	assert_string_equal(b.wait_until, "2021-03-30");
	act_ok(f, &b, (struct app_act_input){ .action = "fee_lapsed", .day = D("2021-03-31") });
	assert_string_equal(b.outcome, "unpaid");
}

/* 按件: the 11th application of an applicant in a month costs 100 yuan. */
static void test_fee_per_item_counts_the_month(void **state)
{
	struct fx *f = *state;
	struct application app;
	const char *msg = NULL;

	for (int i = 0; i < 10; i++)
		app = reg(f, "2021-03-01");
	assert_int_equal(act(f, &app, (struct app_act_input){ .action = "fee_notice", .day = D("2021-03-02"),
								.fee_standard = 1, .fee_units = 1 },
			     &msg),
			 ERR_INVALID);
	app = reg(f, "2021-03-02");
	act_ok(f, &app, (struct app_act_input){ .action = "fee_notice", .day = D("2021-03-03"), .fee_standard = 1,
					      .fee_units = 1 });
	assert_int_equal(app.fee_yuan, 100);
}

/* A due date in a year without holiday data is not guessed; loading the
 * year recomputes it and records the change. */
static void test_calendar_change_recomputes(void **state)
{
	struct fx *f = *state;
	struct application app = reg(f, "2026-12-21"), again;
	struct calendar_row row = { .day = D("2027-01-01"), .kind = CAL_OFF, .name = "元旦" };
	struct app_due_change *ch;
	long long changed = 0;
	size_t n;

	assert_null(app.due_on);
	assert_non_null(strstr(app.due_error, "2027"));
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(calendar_import(f->db, &f->a, f->platform.id, &row, 1), 0);
	assert_int_equal(app_calendar_changed(f->db, &f->a, f->platform.id, "2026-12-22T00:00:00Z", &changed), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_app_get(f->db, &f->a, f->org.id, app.id, &again), 0);
	/* 12-22..12-25 (4), 12-28..12-31 (8), 01-04..01-08 (13), 01-11..15 (18), 01-18, 19 */
	assert_string_equal(again.due_on, "2027-01-19");
	assert_int_equal(store_app_due_changes(f->db, &f->a, f->org.id, app.id, &ch, &n), 0);
	assert_string_equal(ch[n - 1].new_due, "2027-01-19");
	assert_string_equal(ch[n - 1].cause, "工作日历更新");
}

static void test_year_counts(void **state)
{
	struct fx *f = *state;
	struct application open1 = reg(f, "2021-12-20"), done = reg(f, "2021-03-01"), late = reg(f, "2021-12-21");
	struct app_year_counts y21, y22;
	struct application org = person("in_person", "窗口");
	const char *msg;
	bool dup;

	act_ok(f, &done, (struct app_act_input){ .action = "reply", .day = D("2021-03-05"), .outcome = "not_ours",
					       .reason = "请向人社局申请" });
	act_ok(f, &late, (struct app_act_input){ .action = "reply", .day = D("2022-01-10"), .outcome = "published" });
	org.applicant_type = "legal";
	org.id_kind = "统一社会信用代码";
	org.id_number = "91350100M000100Y43";
	org.contact_person = "李律师";
	f->c.today = D("2021-06-01");
	assert_int_equal(app_create(&f->c, &org, D("2021-06-01"), 0, &dup, &msg), 0);
	act_ok(f, &org, (struct app_act_input){ .action = "reply", .day = D("2021-06-02"), .outcome = "secret" });
	(void)open1;

	assert_int_equal(app_year_counts(f->db, &f->a, f->org.id, 2021, &y21), 0);
	assert_int_equal(y21.received[0], 3);
	assert_int_equal(y21.received[4], 1);
	assert_int_equal(y21.carried_in[0], 0);
	assert_int_equal(y21.outcome[10][0], 1); /* 4.1 本机关不掌握 (非本机关负责公开) */
	assert_int_equal(y21.outcome[2][4], 1);  /* 3.1 属于国家秘密 */
	assert_int_equal(y21.carried_out[0], 2);
	assert_int_equal(app_year_counts(f->db, &f->a, f->org.id, 2022, &y22), 0);
	assert_int_equal(y22.received[0], 0);
	assert_int_equal(y22.carried_in[0], 2);
	assert_int_equal(y22.outcome[0][0], 1);  /* 予以公开 (已主动公开) */
	assert_int_equal(y22.carried_out[0], 1);
	/* 勾稽关系 in every column of both years */
	for (int c = 0; c < APP_COLS; c++) {
		assert_int_equal(y21.received[c] + y21.carried_in[c], y21.concluded[c] + y21.carried_out[c]);
		assert_int_equal(y22.received[c] + y22.carried_in[c], y22.concluded[c] + y22.carried_out[c]);
		assert_int_equal(y22.carried_in[c], y21.carried_out[c]);
	}
}

/* The vocabularies: every row of table 三 (2021 format: 21 data rows)
 * has its labels; every reply type counts under one of them. */
static void test_taxonomy_rows(void **state)
{
	(void)state;
	for (int i = 0; i < APP_ROWS; i++) {
		assert_non_null(app_rows[i].key);
		assert_non_null(app_rows[i].group);
		assert_non_null(app_rows[i].label);
	}
	assert_string_equal(app_rows[APP_ROWS - 1].key, "6.3");
	for (size_t i = 0; i < app_outcomes_count; i++) {
		assert_true(app_outcomes[i].row >= 0 && app_outcomes[i].row < APP_ROWS);
		assert_non_null(app_outcomes[i].letter);
	}
	assert_string_equal(app_rows[app_outcome_find("partial")->row].key, "2");
	assert_string_equal(app_rows[app_outcome_find("not_ours")->row].key, "4.1");
	assert_string_equal(app_rows[app_outcome_find("unpaid")->row].key, "6.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taxonomy_rows),
		cmocka_unit_test_setup_teardown(test_due_dates_on_hard_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipt_date_per_channel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_submission_stores_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_path_and_due_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forbidden_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lapses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fee_per_item_counts_the_month, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calendar_change_recomputes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_year_counts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
