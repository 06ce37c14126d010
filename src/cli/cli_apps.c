/* cli_apps.c - load disclosure applications with their procedure from a
 * JSON file (the demo's applications.json; also the way to bring an
 * agency's earlier cases over from spreadsheets).
 *
 * The file is an array of objects: the applicant's fields (names as in
 * struct application: applicant_type, name, id_kind, id_number,
 * contact_person, phone, email, address, postcode, info_title,
 * info_doc_no, info_desc, medium, delivery), channel, arrived and
 * confirmed (YYYY-MM-DD), evidence, and "actions": an array of {action,
 * day, reason, party, days, approver, outcome, basis, fee_standard,
 * fee_units}; days are YYYY-MM-DD or "today-N". Each application goes through app_create and each action
 * through app_act exactly as staff would do it on the web pages, with
 * "today" set to the day of the step, so the same checks apply and the
 * same events, due-date history and letters result. The letters of
 * those steps are issued on the step's day unless "issued" is false. */
#include "cli/cli.h"

#include <jansson.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/cases.h"
#include "domain/calendar/calendar.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

static const char *jstr(struct arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

/* A day: "YYYY-MM-DD", or "today-N" (N days before the day of loading,
 * so a demo always has cases in progress); 0 when absent or bad. */
static long jday(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	long long back;
	long d = 0;

	if (!s)
		return 0;
	if (strncmp(s, "today-", 6) == 0)
		return num_parse(s + 6, strlen(s + 6), 0, 3650, &back) ? 0 : date_today_cn() - (long)back;
	if (date_parse(s, strlen(s), &d))
		return 0;
	return d;
}

/* Historical records: the letters a step drafted were issued that day. */
static int issue_drafts(struct app_ctx *c, const struct application *app, long day)
{
	struct app_letter *l;
	size_t n;
	char d[11];
	int rc;

	date_format(day, d);
	if ((rc = store_app_letters(c->db, c->a, c->org->id, app->id, &l, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i].status, "draft") != 0)
			continue;
		l[i].status = "issued";
		l[i].issued_on = d;
		l[i].updated_at = c->now;
		if ((rc = store_app_letter_update(c->db, &l[i])))
			return rc;
	}
	return 0;
}

static int load_one(struct app_ctx *c, json_t *o, size_t idx, const char *path)
{
	struct application app = { 0 };
	const char *msg = NULL;
	json_t *acts = json_object_get(o, "actions"), *x;
	long arrived = jday(o, "arrived");
	/* "issued": false keeps the letters as drafts (a case in progress) */
	bool dup, issue = !json_is_false(json_object_get(o, "issued"));
	size_t i;
	int rc;

#define F(k) app.k = jstr(c->a, o, #k)
	F(applicant_type); F(name); F(id_kind); F(id_number); F(contact_person); F(phone); F(email);
	F(address); F(postcode); F(info_title); F(info_doc_no); F(info_desc); F(medium); F(delivery);
	F(channel); F(evidence);
#undef F
	if (!arrived)
		return cli_fail("%s 第 %zu 件：缺少到达日期 arrived", path, idx + 1);
	c->today = jday(o, "confirmed") > arrived ? jday(o, "confirmed") : arrived;
	if ((rc = app_create(c, &app, arrived, jday(o, "confirmed"), &dup, &msg)))
		return cli_fail("%s 第 %zu 件：%s", path, idx + 1, msg ? msg : cli_err_text(rc));
	if (issue && (rc = issue_drafts(c, &app, c->today)))
		return cli_fail("%s 第 %zu 件：%s", path, idx + 1, cli_err_text(rc));
	json_array_foreach(acts, i, x) {
		struct app_act_input in = {
			.action = jstr(c->a, x, "action"),
			.version = app.version,
			.day = jday(x, "day"),
			.reason = jstr(c->a, x, "reason"),
			.party = jstr(c->a, x, "party"),
			.days = (int)json_integer_value(json_object_get(x, "days")),
			.approver = jstr(c->a, x, "approver"),
			.outcome = jstr(c->a, x, "outcome"),
			.basis = jstr(c->a, x, "basis"),
			.fee_standard = (int)json_integer_value(json_object_get(x, "fee_standard")),
			.fee_units = json_integer_value(json_object_get(x, "fee_units")),
		};
		long long letter;

		if (!in.day)
			return cli_fail("%s 第 %zu 件第 %zu 步：缺少日期 day", path, idx + 1, i + 1);
		c->today = in.day;
		if ((rc = app_act(c, app.id, &in, &app, &letter, &msg)))
			return cli_fail("%s 第 %zu 件第 %zu 步（%s）：%s", path, idx + 1, i + 1,
					in.action ? in.action : "?", msg ? msg : cli_err_text(rc));
		if (issue && letter && (rc = issue_drafts(c, &app, in.day)))
			return cli_fail("%s 第 %zu 件：%s", path, idx + 1, cli_err_text(rc));
	}
	return 0;
}

int cli_apps_load(struct db *db, struct arena *a, const struct org *org, long long user_id, const char *actor,
		  const char *path, long long *count)
{
	struct org platform;
	struct calendar cal;
	json_error_t jerr;
	json_t *root, *o;
	char now[21];
	size_t i;
	int rc = CLI_OK;

	*count = 0;
	if (store_org_platform(db, a, &platform) || calendar_load(db, a, platform.id, &cal))
		return cli_fail("读取工作日历失败");
	if (!(root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)))
		return cli_fail("%s 第 %d 行：%s", path, jerr.line, jerr.text);
	if (!json_is_array(root)) {
		json_decref(root);
		return cli_fail("%s：应为申请的数组", path);
	}
	cli_now(now);
	struct app_ctx c = { .db = db, .a = a, .cal = &cal, .org = org, .user_id = user_id, .actor = actor,
			     .now = now };

	json_array_foreach(root, i, o) {
		if (!json_is_object(o) || load_one(&c, o, i, path)) {
			if (!json_is_object(o))
				cli_fail("%s 第 %zu 件：应为对象", path, i + 1);
			rc = CLI_FAIL;
			break;
		}
		++*count;
	}
	json_decref(root);
	return rc;
}

/* ---- gongkai applications ---- */

/* Open the database and find the org named by slug. */
static int open_org(const struct cli *c, struct arena *a, const char *slug, struct db **db, struct fts_ctx **fts,
		    struct org *org)
{
	int rc;

	if (cli_db_require(c) || cli_db_open(c, false, db, fts, NULL))
		return CLI_FAIL;
	rc = store_org_by_slug(*db, a, slug, org);
	if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(org->kind, "agency") != 0))
		return cli_fail("没有机构 %s", slug);
	if (rc)
		return cli_fail("读取机构失败：%s", cli_err_text(rc));
	return 0;
}

static void print_row(const char *label, const long long *v)
{
	long long total = 0;

	printf("%s", label);
	for (int i = 0; i < APP_COLS; i++) {
		printf("\t%lld", v[i]);
		total += v[i];
	}
	printf("\t%lld\n", total);
}

/* applications counts SLUG YEAR: table 三 as TSV (rows of the report
 * format of that year: 2019-2020 fold the three 其他处理 rows). */
static int apps_counts(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	struct app_year_counts y;
	long long yr;
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 2, 2, "SLUG YEAR")))
		goto out;
	rc = CLI_USAGE;
	if (num_parse(argv[optind + 1], strlen(argv[optind + 1]), 2019, 2999, &yr)) {
		cli_usage_fail(c, "年份应为 2019 年以后的四位数字：%s", argv[optind + 1]);
		goto out;
	}
	rc = CLI_FAIL;
	if (open_org(c, &a, argv[optind], &db, &fts, &org))
		goto out;
	if ((rc = app_year_counts(db, &a, org.id, (int)yr, &y))) {
		rc = cli_fail("统计失败：%s", cli_err_text(rc));
		goto out;
	}
	printf("%s %lld年 收到和处理政府信息公开申请情况\n项目", org.name, yr);
	for (int i = 0; i < APP_COLS; i++)
		printf("\t%s", app_applicant_types[i].label);
	printf("\t总计\n");
	print_row("一、本年新收政府信息公开申请数量", y.received);
	print_row("二、上年结转政府信息公开申请数量", y.carried_in);
	for (int r = 0; r < APP_ROWS; r++) {
		char label[400];

		if (yr <= 2020 && r >= APP_ROWS - 3) {
			long long folded[APP_COLS] = { 0 };

			if (r > APP_ROWS - 3)
				continue;
			for (int k = APP_ROWS - 3; k < APP_ROWS; k++)
				for (int i = 0; i < APP_COLS; i++)
					folded[i] += y.outcome[k][i];
			print_row("三、本年度办理结果 （六）其他处理", folded);
			continue;
		}
		snprintf(label, sizeof(label), "三、本年度办理结果 %s%s%s", app_rows[r].group,
			 *app_rows[r].label ? " " : "", app_rows[r].label);
		print_row(label, y.outcome[r]);
	}
	print_row("三、本年度办理结果 （七）总计", y.concluded);
	print_row("四、结转下年度继续办理", y.carried_out);
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* A TSV field: tabs and newlines become spaces. */
static void tsv_field(const char *s, bool last)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
	putchar(last ? '\n' : '\t');
}

/* applications export SLUG [--personal]: every application as TSV; the
 * identity number, phone, e-mail and address only with --personal. */
static int apps_export(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "personal", no_argument, NULL, 'p' }, { 0, 0, 0, 0 } };
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	struct application *apps;
	struct app_filter f = { 0 };
	bool personal = false;
	size_t n;
	int o, rc = CLI_USAGE;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0)
		personal = true;
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 1, 1, "SLUG")))
		goto out;
	rc = CLI_FAIL;
	if (open_org(c, &a, argv[optind], &db, &fts, &org))
		goto out;
	f.org_id = org.id;
	if ((rc = store_app_list(db, &a, &f, &apps, &n, NULL))) {
		rc = cli_fail("读取申请失败：%s", cli_err_text(rc));
		goto out;
	}
	printf("申请编号\t申请人类型\t申请人\t证件类型\t证件号码\t联系人\t联系电话\t电子邮箱\t通信地址\t"
	       "所需信息名称\t文号\t特征性描述\t载体形式\t获取方式\t渠道\t收到申请之日\t答复期限\t状态\t"
	       "办理结果\t法律依据\t办结日期\n");
	for (size_t i = 0; i < n; i++) {
		const struct application *p = &apps[i];
		int col = app_applicant_col(p->applicant_type);
		const struct app_channel *ch = app_channel_find(p->channel);
		const struct app_state *st = app_state_find(p->state);
		const struct app_outcome *oc = app_outcome_find(p->outcome);

		tsv_field(p->serial, false);
		tsv_field(col >= 0 ? app_applicant_types[col].label : p->applicant_type, false);
		tsv_field(p->name, false);
		tsv_field(p->id_kind, false);
		tsv_field(personal ? p->id_number : "", false);
		tsv_field(p->contact_person, false);
		tsv_field(personal ? p->phone : "", false);
		tsv_field(personal ? p->email : "", false);
		tsv_field(personal ? p->address : "", false);
		tsv_field(p->info_title, false);
		tsv_field(p->info_doc_no, false);
		tsv_field(p->info_desc, false);
		tsv_field(p->medium, false);
		tsv_field(p->delivery, false);
		tsv_field(ch ? ch->label : p->channel, false);
		tsv_field(p->received_on, false);
		tsv_field(p->due_on, false);
		tsv_field(st ? st->label : p->state, false);
		tsv_field(oc ? oc->label : "", false);
		tsv_field(p->basis, false);
		tsv_field(p->closed_on, true);
	}
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* applications import SLUG FILE: load a JSON file (format at the top). */
static int apps_import(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	long long n = 0;
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 2, 2, "SLUG FILE")))
		goto out;
	rc = CLI_FAIL;
	if (open_org(c, &a, argv[optind], &db, &fts, &org))
		goto out;
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	if (cli_apps_load(db, &a, &org, 0, "导入", argv[optind + 1], &n))
		goto out;
	if (db_commit(db)) {
		cli_fail("提交失败，未做改动");
		goto out;
	}
	printf("已导入依申请公开 %lld 件\n", n);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

int cli_applications(const struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "counts", apps_counts },
		{ "export", apps_export },
		{ "import", apps_import },
	};

	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]), "counts、export、import");
}
