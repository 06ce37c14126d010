/* test_interactions.c - public interaction (政民互动) over a real database
 * and the shipped calendar: the default channels and their editing, due
 * dates (国庆+中秋 2020, calendar days, a year the calendar lacks), every
 * transition and the refused ones (nothing stored), the public form's
 * rules, tracking, the public version and its redaction, the year counts,
 * and the CSV register: the demo file gives the seed report's 2020 figures
 * exactly, a bad file stores nothing, export without personal data, and
 * org isolation. Runs from the repository root. */
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
#include "domain/calendar/calendar.h"
#include "domain/registers/interactions.h"
#include "domain/registers/registers.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/interaction.h"
#include "store/store.h"
#include "core/banned.h"

#include "file_util.h"
#include "assert_chinese.h"

#define NOW "2021-06-01T08:00:00Z"
#define DEMO_CSV "data/demo/tongxiang-edu/interactions.csv"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct org platform, org, other;
	struct calendar cal;
	struct ia_ctx c;
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
	struct calendar_row *rows = NULL;
	const char *msg = NULL;
	size_t len, n = 0;
	char *text;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-ia-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "platform", "平台", "platform", &f->platform);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", "agency", &f->org);
	insert_org(f, "other", "测试市其他局", "agency", &f->other);
	text = slurp(&f->a, "data/cn-calendar.tsv", &len);
	if (calendar_parse_tsv(&f->a, text, len, &rows, &n, &msg))
		fail_msg("calendar: %s", msg);
	assert_int_equal(calendar_import(f->db, &f->a, f->platform.id, rows, n), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(calendar_load(f->db, &f->a, f->platform.id, &f->cal), 0);
	f->c = (struct ia_ctx){ .db = f->db, .a = &f->a, .cal = &f->cal, .org = &f->org, .user_id = 0,
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

static const struct ia_channel *channel(struct fx *f, const char *name)
{
	struct ia_channel *chs;
	size_t n;

	assert_int_equal(ia_channels(f->db, &f->a, f->org.id, NOW, &chs, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(chs[i].name, name) == 0)
			return &chs[i];
	fail_msg("no channel %s", name);
	return NULL;
}

/* A case registered by a clerk on day over channel. */
static struct interaction reg(struct fx *f, const char *chname, const char *day)
{
	struct interaction it = {
		.channel_id = channel(f, chname)->id, .kind = "consult", .received_on = day,
		.subject = "  孩子上小学的学区咨询 ", .content = "我家住在梧桐街道，孩子今年满六周岁。",
		.name = "王建国", .phone = "138 0000 1234", .email = "wjg@example.com",
	};
	const char *msg = NULL;
	bool dup = true;

	if (ia_create(&f->c, &it, false, &dup, &msg))
		fail_msg("ia_create: %s", msg);
	assert_false(dup);
	return it;
}

static int act(struct fx *f, struct interaction *it, struct ia_act_input in, const char **msg)
{
	struct interaction out;
	int rc;

	in.version = in.version ? in.version : it->version;
	rc = ia_act(&f->c, it->id, &in, &out, msg);
	if (rc == 0)
		*it = out;
	return rc;
}

static void act_ok(struct fx *f, struct interaction *it, struct ia_act_input in)
{
	const char *msg = NULL;

	if (act(f, it, in, &msg))
		fail_msg("%s: %s", in.action, msg ? msg : "?");
}

/* Refused with a Chinese message (containing needle) and nothing changes. */
static void act_refused(struct fx *f, struct interaction *it, struct ia_act_input in, const char *needle)
{
	struct interaction after;
	struct ia_event *ev;
	size_t n0, n1;
	const char *msg = NULL;

	assert_int_equal(store_ia_events(f->db, &f->a, f->org.id, it->id, &ev, &n0), 0);
	assert_int_not_equal(act(f, it, in, &msg), 0);
	assert_chinese(msg);
	if (needle && !strstr(msg, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", in.action, msg, needle);
	assert_int_equal(store_ia_get(f->db, &f->a, f->org.id, it->id, &after), 0);
	assert_int_equal(after.version, it->version);
	assert_string_equal(after.state, it->state);
	assert_int_equal(store_ia_events(f->db, &f->a, f->org.id, it->id, &ev, &n1), 0);
	assert_int_equal(n0, n1);
}

static void test_default_channels(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = { "市长电话", "网上信访", "领导信箱", "上级转办", "网上直接答复", "网上咨询" };
	struct ia_channel *chs;
	struct ia_counts cnt;
	size_t n;

	/* an org that never opened its channels: counts name the defaults */
	assert_int_equal(interactions_counts(f->db, &f->a, f->org.id, 2020, &cnt), 0);
	assert_int_equal(cnt.nchannels, 6);
	assert_int_equal(cnt.channels[0].channel_id, 0);
	assert_string_equal(cnt.channels[0].name, "市长电话");
	assert_int_equal(store_ia_channel_list(f->db, &f->a, f->org.id, &chs, &n), 0);
	assert_int_equal(n, 0);
	/* created the first time they are read, once */
	assert_int_equal(ia_channels(f->db, &f->a, f->org.id, NOW, &chs, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(ia_channels(f->db, &f->a, f->org.id, NOW, &chs, &n), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(chs[i].name, names[i]);
		assert_true(chs[i].active);
		assert_true(chs[i].due_n >= 5 && chs[i].due_n <= 15);
		assert_string_equal(chs[i].due_unit, "workdays");
		assert_int_equal(chs[i].public_form, i == 2 || i == 5);
	}
	/* another org has its own */
	assert_int_equal(store_ia_channel_list(f->db, &f->a, f->other.id, &chs, &n), 0);
	assert_int_equal(n, 0);
}

static void test_channel_editing(void **state)
{
	struct fx *f = *state;
	struct ia_channel ch = *channel(f, "市长电话"), nw = { .name = " 12345热线 ", .due_n = 3, .due_unit = "days",
								  .sort = 70, .active = true };
	const char *msg = NULL;
	int v;

	ch.due_n = 7;
	assert_int_equal(ia_channel_save(&f->c, &ch, &msg), 0);
	assert_int_equal(channel(f, "市长电话")->due_n, 7);
	/* stale version */
	v = ch.version;
	ch.version = v - 1;
	ch.due_n = 9;
	assert_int_equal(ia_channel_save(&f->c, &ch, &msg), ERR_CONFLICT);
	assert_chinese(msg);
	assert_int_equal(channel(f, "市长电话")->due_n, 7);
	/* a name taken, a bad limit, a bad unit */
	ch.version = v;
	ch.name = "领导信箱";
	assert_int_equal(ia_channel_save(&f->c, &ch, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "领导信箱"));
	ch.name = "市长电话";
	ch.due_n = 0;
	assert_int_equal(ia_channel_save(&f->c, &ch, &msg), ERR_INVALID);
	assert_chinese(msg);
	ch.due_n = 5;
	ch.due_unit = "weeks";
	assert_int_equal(ia_channel_save(&f->c, &ch, &msg), ERR_INVALID);
	/* a new one, trimmed, with a generated code */
	assert_int_equal(ia_channel_save(&f->c, &nw, &msg), 0);
	assert_string_equal(channel(f, "12345热线")->due_unit, "days");
	assert_true(nw.code && nw.code[0] == 'c');
	nw.id = 0;
	nw.name = "12345热线";
	assert_int_equal(ia_channel_save(&f->c, &nw, &msg), ERR_INVALID);
}

static void test_due_dates(void **state)
{
	struct fx *f = *state;
	struct ia_channel ch = *channel(f, "网上咨询");
	struct calendar empty;
	struct interaction it;
	struct ia_deadline d;
	long due;
	int missing;
	const char *msg;

	/* 5 working days from Friday 2020-09-25: 09-27 (调休), 28, 29, 30, then
	 * 国庆+中秋 (10-01..08) to Friday 10-09 */
	assert_string_equal(reg(f, "市长电话", "2020-09-25").due_on, "2020-10-09");
	/* 10 working days: 09-27 .. 09-30 (4), 10-09, 10-10 (调休), 12, 13, 14, 15 */
	assert_string_equal(reg(f, "领导信箱", "2020-09-25").due_on, "2020-10-15");
	/* calendar days */
	ch.due_n = 10;
	ch.due_unit = "days";
	assert_int_equal(ia_channel_save(&f->c, &ch, &msg), 0);
	it = reg(f, "网上咨询", "2020-09-25");
	assert_string_equal(it.due_on, "2020-10-05");
	assert_int_equal(it.due_n, 10);
	assert_string_equal(it.due_unit, "days");
	/* a calendar without 2020: unknown, with a message naming the year */
	assert_int_equal(calendar_build(&empty, &f->a, NULL, 0, NULL, 0), 0);
	assert_int_equal(ia_due(&empty, D("2020-09-25"), 5, "workdays", &due, &missing), ERR_NOT_FOUND);
	assert_int_equal(missing, 2020);
	f->c.cal = &empty;
	it = reg(f, "市长电话", "2020-09-25");
	assert_null(it.due_on);
	assert_non_null(strstr(it.due_error, "2020"));
	assert_chinese(it.due_error);
	assert_int_equal(ia_deadline(&f->a, &empty, &it, D("2020-10-01"), &d), 0);
	assert_false(d.has_due);
	assert_non_null(d.error);
	/* the calendar arrives: the page computes it, the next step stores it */
	f->c.cal = &f->cal;
	assert_int_equal(ia_deadline(&f->a, &f->cal, &it, D("2020-09-28"), &d), 0);
	assert_true(d.has_due);
	assert_int_equal(d.due, D("2020-10-09"));
	f->c.today = D("2020-09-28");
	act_ok(f, &it, (struct ia_act_input){ .action = "assign", .unit = "基础教育科", .handler = "沈丽" });
	assert_string_equal(it.due_on, "2020-10-09");
}

static void test_deadline_marks(void **state)
{
	struct fx *f = *state;
	struct interaction it = reg(f, "市长电话", "2020-09-25");
	struct ia_deadline d;

	/* due 2020-10-09: on 09-30 one working day left (10-09) */
	assert_int_equal(ia_deadline(&f->a, &f->cal, &it, D("2020-09-30"), &d), 0);
	assert_true(d.has_left);
	assert_int_equal(d.left, 1);
	assert_true(d.near);
	assert_false(d.overdue);
	assert_int_equal(ia_deadline(&f->a, &f->cal, &it, D("2020-10-12"), &d), 0);
	assert_true(d.overdue);
	/* (10-09, 10-12] holds two working days: 10-10 (调休) and 10-12 */
	assert_int_equal(d.left, -2);
	/* replied late: no longer overdue, but marked as answered late */
	f->c.today = D("2020-10-12");
	act_ok(f, &it, (struct ia_act_input){ .action = "reply", .reply = "已答复。", .day = D("2020-10-12") });
	assert_int_equal(ia_deadline(&f->a, &f->cal, &it, D("2020-10-20"), &d), 0);
	assert_false(d.overdue);
	assert_false(d.has_left);
	assert_true(d.replied_late);
}

static void test_lifecycle(void **state)
{
	struct fx *f = *state;
	struct interaction it = reg(f, "上级转办", "2021-05-10"), stale;
	struct ia_event *ev;
	size_t n;

	assert_string_equal(it.state, "received");
	assert_string_equal(it.subject, "孩子上小学的学区咨询");
	assert_string_equal(it.check_digits, "1234");
	assert_int_equal(strlen(it.tracking_code), 12);
	assert_int_equal(it.version, 1);
	/* refused: close before a reply, an empty reply, assign without a
	 * handler, a day before receipt or after today, unknown actions */
	act_refused(f, &it, (struct ia_act_input){ .action = "close" }, "答复后");
	act_refused(f, &it, (struct ia_act_input){ .action = "reply", .reply = "  " }, "答复内容");
	act_refused(f, &it, (struct ia_act_input){ .action = "assign", .unit = "基础教育科" }, "承办人");
	act_refused(f, &it, (struct ia_act_input){ .action = "assign", .unit = "基础教育科", .handler = "沈丽",
						   .day = D("2021-05-09") }, "日期");
	act_refused(f, &it, (struct ia_act_input){ .action = "assign", .unit = "基础教育科", .handler = "沈丽",
						   .day = D("2021-06-02") }, "今天");
	act_refused(f, &it, (struct ia_act_input){ .action = "publish", .public = true }, "答复后");
	act_refused(f, &it, (struct ia_act_input){ .action = "delete" }, "未知");
	act_ok(f, &it, (struct ia_act_input){ .action = "assign", .unit = "基础教育科", .handler = "沈丽",
					     .day = D("2021-05-11") });
	assert_string_equal(it.state, "assigned");
	assert_int_equal(it.version, 2);
	stale = it;
	/* reassigned */
	act_ok(f, &it, (struct ia_act_input){ .action = "assign", .unit = "招生考试中心", .handler = "徐志刚",
					     .day = D("2021-05-12") });
	assert_string_equal(it.unit, "招生考试中心");
	/* a stale version: ERR_CONFLICT, nothing stored */
	{
		const char *msg = NULL;

		assert_int_equal(act(f, &stale, (struct ia_act_input){ .action = "reply", .reply = "答复", .version = 2 },
				     &msg),
				 ERR_CONFLICT);
		assert_chinese(msg);
	}
	act_refused(f, &it, (struct ia_act_input){ .action = "reply", .reply = "答复", .day = D("2021-05-11") },
		    "上一办理步骤");
	act_ok(f, &it, (struct ia_act_input){ .action = "reply", .reply = "您好！学区划分已公布。\n请查询。",
					     .day = D("2021-05-14") });
	assert_string_equal(it.state, "replied");
	assert_string_equal(it.replied_on, "2021-05-14");
	act_refused(f, &it, (struct ia_act_input){ .action = "assign", .unit = "办公室", .handler = "孙斌" }, "已答复");
	act_refused(f, &it, (struct ia_act_input){ .action = "reply", .reply = "again" }, "已经答复");
	act_ok(f, &it, (struct ia_act_input){ .action = "close", .day = D("2021-05-17") });
	assert_string_equal(it.state, "closed");
	assert_string_equal(it.closed_on, "2021-05-17");
	act_refused(f, &it, (struct ia_act_input){ .action = "close" }, "已经办结");
	assert_int_equal(store_ia_events(f->db, &f->a, f->org.id, it.id, &ev, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(ev[0].action, "receive");
	assert_string_equal(ev[1].action, "assign");
	assert_non_null(strstr(ev[1].detail, "沈丽"));
	assert_string_equal(ev[4].action, "close");
	assert_string_equal(ev[4].actor, "沈丽");
	assert_string_equal(ev[4].at, NOW);
	/* another org cannot see or touch it */
	{
		struct interaction x;
		const char *msg = NULL;
		struct ia_ctx oc = f->c;
		struct ia_act_input in = { .action = "close", .version = it.version };

		assert_int_equal(store_ia_get(f->db, &f->a, f->other.id, it.id, &x), ERR_NOT_FOUND);
		oc.org = &f->other;
		assert_int_equal(ia_act(&oc, it.id, &in, &x, &msg), ERR_NOT_FOUND);
	}
}

static void test_new_case_rules(void **state)
{
	struct fx *f = *state;
	struct interaction base = { .channel_id = channel(f, "领导信箱")->id, .kind = "suggest", .subject = "建议",
				    .content = "内容", .name = "张三", .phone = "13800001234", .consent = true };
	struct interaction it;
	const char *msg = NULL;
	bool dup;
	struct {
		const char *field;
		const char *val;
		bool from_public;
		const char *needle;
	} bad[] = {
		{ "kind", "other", true, "类别" },      { "subject", "", true, "标题" },
		{ "content", " ", true, "内容" },        { "name", "", true, "姓名" },
		{ "phone", "", true, "联系电话" },       { "phone", "12-34", false, "联系电话" },
		{ "email", "a@b", false, "电子邮箱" },   { "subject", "第一行\n第二行", false, "标题" },
		{ "received_on", "2021-06-02", false, "今天" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		it = base;
		it.received_on = "2021-05-31";
		if (strcmp(bad[i].field, "kind") == 0)
			it.kind = bad[i].val;
		else if (strcmp(bad[i].field, "subject") == 0)
			it.subject = bad[i].val;
		else if (strcmp(bad[i].field, "content") == 0)
			it.content = bad[i].val;
		else if (strcmp(bad[i].field, "name") == 0)
			it.name = bad[i].val;
		else if (strcmp(bad[i].field, "phone") == 0)
			it.phone = bad[i].val;
		else if (strcmp(bad[i].field, "email") == 0)
			it.email = bad[i].val;
		else
			it.received_on = bad[i].val;
		assert_int_equal(ia_create(&f->c, &it, bad[i].from_public, &dup, &msg), ERR_INVALID);
		assert_chinese(msg);
		if (!strstr(msg, bad[i].needle))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].field, msg, bad[i].needle);
	}
	/* the public form offers only its channels */
	it = base;
	it.channel_id = channel(f, "市长电话")->id;
	assert_int_equal(ia_create(&f->c, &it, true, &dup, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "渠道"));
	/* another org's channel */
	{
		struct ia_channel *chs;
		size_t n;

		assert_int_equal(ia_channels(f->db, &f->a, f->other.id, NOW, &chs, &n), 0);
		it = base;
		it.channel_id = chs[0].id;
		it.received_on = "2021-05-31";
		assert_int_equal(ia_create(&f->c, &it, false, &dup, &msg), ERR_INVALID);
	}
	/* a clerk may register an anonymous call */
	it = base;
	it.channel_id = channel(f, "市长电话")->id;
	it.name = it.phone = NULL;
	it.received_on = "2021-05-31";
	assert_int_equal(ia_create(&f->c, &it, false, &dup, &msg), 0);
	assert_string_equal(it.check_digits, "");
	/* nothing of the refused ones was stored */
	{
		struct ia_filter flt = { .org_id = f->org.id, .state = "all" };
		struct interaction *rows;
		size_t n;
		long long total;

		assert_int_equal(store_ia_list(f->db, &f->a, &flt, &rows, &n, &total), 0);
		assert_int_equal(total, 1);
	}
}

static void test_public_form_and_tracking(void **state)
{
	struct fx *f = *state;
	struct interaction a1 = { .channel_id = channel(f, "网上咨询")->id, .kind = "consult", .subject = "开学时间",
				  .content = "请问什么时候开学？", .name = "李芳", .phone = "139-0000-5678",
				  .submit_token = "tok-1", .consent = true };
	struct interaction a2 = a1, t;
	const char *msg = NULL;
	char lower[13];
	bool dup = true;

	assert_int_equal(ia_create(&f->c, &a1, true, &dup, &msg), 0);
	assert_false(dup);
	assert_string_equal(a1.received_on, "2021-06-01");
	assert_string_equal(a1.state, "received");
	/* the same form twice stores once */
	assert_int_equal(ia_create(&f->c, &a2, true, &dup, &msg), 0);
	assert_true(dup);
	assert_int_equal(a1.id, a2.id);
	/* tracking: code (any case, with spaces) and the last four digits */
	for (size_t i = 0; i < 12; i++)
		lower[i] = (char)(a1.tracking_code[i] >= 'A' && a1.tracking_code[i] <= 'Z' ? a1.tracking_code[i] + 32
											 : a1.tracking_code[i]);
	lower[12] = '\0';
	assert_int_equal(ia_track(f->db, &f->a, f->org.id, lower, " 5678 ", &t), 0);
	assert_int_equal(t.id, a1.id);
	assert_int_equal(ia_track(f->db, &f->a, f->org.id, a1.tracking_code, "5679", &t), ERR_NOT_FOUND);
	assert_int_equal(ia_track(f->db, &f->a, f->org.id, "XXXX", "5678", &t), ERR_NOT_FOUND);
	assert_int_equal(ia_track(f->db, &f->a, f->other.id, a1.tracking_code, "5678", &t), ERR_NOT_FOUND);
}

static void test_redact(void **state)
{
	struct fx *f = *state;
	struct {
		const char *in, *name, *out;
	} cases[] = {
		{ "我的电话13800001234，邮箱wang.jg@example.com。", NULL, "我的电话***，邮箱***。" },
		{ "座机0573-88881234或 138 0000 1234", NULL, "座机***或 ***" },
		{ "身份证33048319850315123X，旧证330483850315123。", NULL, "身份证***，旧证***。" },
		{ "全角１３８００００１２３４号码", NULL, "全角***号码" },
		{ "2020年5月12日、2020-05-12，第3条，编号123456。", NULL, "2020年5月12日、2020-05-12，第3条，编号123456。" },
		{ "我是王建国，王建国的孩子", "王建国", "我是***，***的孩子" },
		{ "王先生", "王", "王先生" },
		{ "a@b 与 @x.cn 不是地址", NULL, "a@b 与 @x.cn 不是地址" },
		{ "", NULL, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = ia_redact(&f->a, cases[i].in, cases[i].name);

		assert_non_null(got);
		if (strcmp(got, cases[i].out) != 0)
			fail_msg("redact(\"%s\") = \"%s\", want \"%s\"", cases[i].in, got, cases[i].out);
	}
}

static void test_publish(void **state)
{
	struct fx *f = *state;
	struct interaction it = reg(f, "领导信箱", "2021-05-10"), list_it;
	struct interaction *rows;
	size_t n;
	long long total;

	act_ok(f, &it, (struct ia_act_input){ .action = "reply", .reply = "王建国您好！已转学校办理，电话13800001234。",
					     .day = D("2021-05-12") });
	/* the person did not agree */
	act_refused(f, &it, (struct ia_act_input){ .action = "publish", .public = true }, "同意");
	/* agreed (the clerk records it on the case: here directly) */
	it.consent = true;
	it.updated_at = NOW;
	assert_int_equal(store_ia_update(f->db, &it), 0);
	/* a public version that still names the person is refused */
	act_refused(f, &it, (struct ia_act_input){ .action = "publish", .public = true,
						   .public_question = "王建国问：学区怎么划分？" }, "姓名");
	act_refused(f, &it, (struct ia_act_input){ .action = "publish", .public = true,
						   .public_answer = "请拨打138 0000 1234" }, "电话");
	/* defaults: the text with the name and numbers removed */
	act_ok(f, &it, (struct ia_act_input){ .action = "publish", .public = true });
	assert_true(it.public);
	assert_string_equal(it.published_on, "2021-06-01");
	assert_string_equal(it.public_subject, "孩子上小学的学区咨询");
	assert_string_equal(it.public_answer, "***您好！已转学校办理，电话***。");
	assert_int_equal(store_ia_public_list(f->db, &f->a, f->org.id, 10, 0, &rows, &n, &total), 0);
	assert_int_equal(total, 1);
	list_it = rows[0];
	assert_int_equal(list_it.id, it.id);
	assert_int_equal(store_ia_public_list(f->db, &f->a, f->other.id, 10, 0, &rows, &n, &total), 0);
	assert_int_equal(total, 0);
	/* edited while public, then withdrawn */
	act_ok(f, &it, (struct ia_act_input){ .action = "publish", .public = true, .public_subject = "学区划分咨询",
					     .public_answer = "已转学校办理。" });
	assert_string_equal(it.public_subject, "学区划分咨询");
	assert_string_equal(it.published_on, "2021-06-01");
	act_ok(f, &it, (struct ia_act_input){ .action = "publish", .public = false });
	assert_false(it.public);
	assert_null(it.published_on);
	assert_int_equal(store_ia_public_list(f->db, &f->a, f->org.id, 10, 0, &rows, &n, &total), 0);
	assert_int_equal(total, 0);
	act_refused(f, &it, (struct ia_act_input){ .action = "publish", .public = false }, "尚未公开");
}

static const char *file(struct fx *f, size_t *len)
{
	return slurp(&f->a, DEMO_CSV, len);
}

static struct reg_ctx rctx(struct fx *f, const struct org *o)
{
	return (struct reg_ctx){ .db = f->db, .a = &f->a, .org = o, .cal = &f->cal, .user_id = 0, .now = NOW,
				 .today = D("2021-06-01") };
}

static void test_demo_file_gives_the_seed_figures(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *name;
		long long n;
	} want[] = { { "市长电话", 153 }, { "网上信访", 45 }, { "领导信箱", 15 }, { "上级转办", 362 }, { "网上直接答复", 208 } };
	struct reg_ctx rc = rctx(f, &f->org);
	struct csv_report rep;
	struct ia_counts c;
	struct reg_series *s;
	size_t len, ns;
	const char *bytes = file(f, &len);
	long long sum = 0;

	assert_string_equal(reg_interactions.code, "interactions");
	assert_string_equal(reg_interactions.label, "政民互动");
	/* a dry run checks every row and stores nothing, not even channels */
	assert_int_equal(reg_interactions.import_csv(&rc, bytes, len, NULL, true, &rep), 0);
	assert_int_equal(rep.rows, 783);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(interactions_counts(f->db, &f->a, f->org.id, 2020, &c), 0);
	assert_int_equal(c.total, 0);
	{
		struct ia_channel *chs;
		size_t n;

		assert_int_equal(store_ia_channel_list(f->db, &f->a, f->org.id, &chs, &n), 0);
		assert_int_equal(n, 0);
	}
	/* the demo loads it inside its own transaction */
	assert_int_equal(db_begin(f->db), 0);
	if (reg_interactions.import_csv(&rc, bytes, len, NULL, false, &rep))
		fail_msg("import: %s", rep.nerrors ? rep.errors[0] : "?");
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(rep.stored, 783);
	assert_string_equal(rep.encoding, "UTF-8");
	assert_int_equal(interactions_counts(f->db, &f->a, f->org.id, 2020, &c), 0);
	assert_int_equal(c.total, 783);
	assert_int_equal(c.replied, 783);
	assert_int_equal(c.closed, 783);
	assert_int_equal(c.late, 0);
	/* the five channels of the report, then 网上咨询 (active, none that year) */
	assert_int_equal(c.nchannels, 6);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(c.channels[i].name, want[i].name);
		assert_int_equal(c.channels[i].total, want[i].n);
	}
	assert_string_equal(c.channels[5].name, "网上咨询");
	assert_int_equal(c.channels[5].total, 0);
	for (size_t m = 0; m < 12; m++) {
		assert_true(c.month[m] > 0);
		sum += c.month[m];
	}
	assert_int_equal(sum, 783);
	sum = 0;
	for (size_t k = 0; k < IA_KINDS; k++)
		sum += c.kind[k];
	assert_int_equal(sum, 783);
	assert_true(c.kind[0] > 783 / 2); /* mostly 咨询 */
	assert_true(c.kind[2] > 0 && c.kind[1] > 0 && c.kind[3] > 0);
	/* nothing in other years, nothing for another org */
	assert_int_equal(interactions_counts(f->db, &f->a, f->org.id, 2021, &c), 0);
	assert_int_equal(c.total, 0);
	assert_int_equal(interactions_counts(f->db, &f->a, f->other.id, 2020, &c), 0);
	assert_int_equal(c.total, 0);
	/* the statistics page's series */
	assert_int_equal(reg_interactions.year_series(f->db, &f->a, f->org.id, 2020, &s, &ns), 0);
	assert_int_equal(ns, 6);
	assert_string_equal(s[3].label, "上级转办");
	assert_int_equal(s[3].total, 362);
	sum = 0;
	for (size_t m = 0; m < 12; m++)
		sum += s[3].month[m];
	assert_int_equal(sum, 362);
	/* some are public, with their public version and no personal data */
	{
		struct interaction *rows;
		size_t n;
		long long total;

		assert_int_equal(store_ia_public_list(f->db, &f->a, f->org.id, 100, 0, &rows, &n, &total), 0);
		assert_true(total >= 3);
		for (size_t i = 0; i < n; i++) {
			assert_true(*rows[i].public_subject && *rows[i].public_answer);
			assert_null(strstr(rows[i].public_question, rows[i].phone));
			assert_null(strstr(rows[i].public_question, rows[i].name));
			assert_string_equal(rows[i].state, "closed");
		}
	}
	/* the same file again: every row a duplicate, nothing stored */
	assert_int_equal(reg_interactions.import_csv(&rc, bytes, len, NULL, false, &rep), ERR_INVALID);
	assert_int_equal(rep.nerrors, 783);
	assert_non_null(strstr(rep.errors[0], "重复"));
	assert_int_equal(interactions_counts(f->db, &f->a, f->org.id, 2020, &c), 0);
	assert_int_equal(c.total, 783);
}

static void test_bad_file_stores_nothing(void **state)
{
	struct fx *f = *state;
	struct reg_ctx rc = rctx(f, &f->org);
	struct csv_report rep;
	struct ia_counts c;
	static const char csv[] =
		"受理日期,渠道,类别,标题,内容,来信人,答复内容,答复日期,办结日期,是否公开\n"
		"2020-03-02,市长电话,咨询,开学时间,什么时候开学,张三,已答复,2020-03-03,2020-03-04,否\n"
		"2020-03-02,热线电话,咨询,开学时间,内容,李四,,,,\n"
		"2020-03-02,市长电话,闲聊,开学时间,内容,李四,,,,\n"
		"2020-02-30,市长电话,咨询,开学时间,内容,李四,,,,\n"
		"2020-03-05,市长电话,咨询,开学时间,内容,王五,已答复,2020-03-04,,\n"
		"2020-03-05,市长电话,咨询,网课,内容,王五,,,2020-03-06,\n"
		"2020-03-05,市长电话,咨询,网课2,内容,王五,答复,2020-03-06,,是的\n"
		"2020-03-02,市长电话,咨询,开学时间,另一段内容,张三,,,,\n"
		"2020-03-09,上级转办,投诉,补课,内容,赵六,,,,\n";
	static const char *const needles[] = { "热线电话", "类别", "受理日期", "答复日期", "答复日期", "是否公开",
					       "与第 2 行重复" };

	assert_int_equal(reg_interactions.import_csv(&rc, csv, strlen(csv), NULL, false, &rep), ERR_INVALID);
	assert_int_equal(rep.rows, 9);
	assert_int_equal(rep.stored, 0);
	assert_int_equal(rep.nerrors, 7);
	for (size_t i = 0; i < rep.nerrors; i++) {
		assert_chinese(rep.errors[i]);
		if (!strstr(rep.errors[i], needles[i]))
			fail_msg("error %zu \"%s\" lacks \"%s\"", i, rep.errors[i], needles[i]);
	}
	assert_non_null(strstr(rep.errors[0], "第 3 行"));
	assert_non_null(strstr(rep.errors[0], "市长电话、网上信访"));
	assert_int_equal(interactions_counts(f->db, &f->a, f->org.id, 2020, &c), 0);
	assert_int_equal(c.total, 0);
	/* a missing required column */
	{
		static const char two[] = "受理日期,渠道,标题\n2020-01-02,市长电话,x\n";

		assert_int_equal(reg_interactions.import_csv(&rc, two, strlen(two), NULL, true, &rep), ERR_INVALID);
	}
	assert_non_null(strstr(rep.errors[0], "类别"));
}

static void test_export(void **state)
{
	struct fx *f = *state;
	struct reg_ctx rc = rctx(f, &f->org), rc2 = rctx(f, &f->other);
	struct csv_report rep;
	struct ia_counts c;
	struct buf b;
	struct interaction it = reg(f, "领导信箱", "2021-05-10");
	const char *out;

	act_ok(f, &it, (struct ia_act_input){ .action = "reply", .reply = "已答复，详见附件=1+1", .day = D("2021-05-11") });
	buf_init(&b, &f->a, 1 << 20);
	assert_int_equal(reg_interactions.export_csv(&rc, 2021, false, &b), 0);
	out = buf_cstr(&b);
	assert_memory_equal(out, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(out, "受理日期,渠道,类别,标题,内容,承办单位"));
	assert_null(strstr(out, "来信人"));
	assert_null(strstr(out, "王建国"));
	assert_null(strstr(out, "1234"));
	assert_null(strstr(out, "wjg@example.com"));
	assert_non_null(strstr(out, "2021-05-10,领导信箱,咨询,孩子上小学的学区咨询"));
	assert_non_null(strstr(out, ",已答复，详见附件=1+1,"));
	buf_init(&b, &f->a, 1 << 20);
	assert_int_equal(reg_interactions.export_csv(&rc, 0, true, &b), 0);
	out = buf_cstr(&b);
	assert_non_null(strstr(out, ",来信人,联系电话,电子邮箱,"));
	assert_non_null(strstr(out, "王建国,138 0000 1234,wjg@example.com"));
	buf_init(&b, &f->a, 1 << 20);
	assert_int_equal(reg_interactions.export_csv(&rc, 2020, true, &b), 0);
	assert_null(strstr(buf_cstr(&b), "王建国"));
	/* the personal export imports into another org as it was */
	assert_int_equal(reg_interactions.import_csv(&rc2, out, strlen(out), NULL, false, &rep), 0);
	assert_int_equal(rep.stored, 1);
	assert_int_equal(interactions_counts(f->db, &f->a, f->other.id, 2021, &c), 0);
	assert_int_equal(c.total, 1);
	assert_int_equal(c.replied, 1);
	assert_int_equal(c.channels[2].total, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_channels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_editing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_due_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_case_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_public_form_and_tracking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_file_gives_the_seed_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
