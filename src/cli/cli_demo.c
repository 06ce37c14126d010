/* cli_demo.c - `gongkai demo`: load the demo agency (桐乡市教育局) from
 * data/demo/tongxiang-edu/: org.tsv (a header, then one row: name, slug,
 * org_code, parent slug), guide.md (政府信息公开指南), items.tsv (its
 * 公开目录, the format of `gongkai import`) and applications.json (its
 * 2021 disclosure applications, see cli_apps.c). Everything happens in one
 * transaction, so a failure leaves nothing half-loaded, and a second run
 * changes nothing. */
#include "cli/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/date.h"
#include "domain/calendar/calendar.h"
#include "domain/catalog/catalog.h"
#include "domain/channels/config.h"
#include "domain/registers/registers.h"
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define DEMO_SUBDIR "demo/tongxiang-edu"
#define DEMO_ADMIN "tongxiang"
#define SMALL_FILE_MAX (1024 * 1024)

/* The data directory that holds the demo (see cli_data_dir). */
static int find_data_dir(struct arena *a, const char **out)
{
	const char *env = getenv("GONGKAI_DATA");

	if (cli_data_dir(a, DEMO_SUBDIR "/org.tsv", out) == 0)
		return 0;
	if (env && *env)
		return cli_fail("GONGKAI_DATA=%s 下没有演示数据（%s/org.tsv）", env, DEMO_SUBDIR);
	return cli_fail("找不到演示数据目录（可设置环境变量 GONGKAI_DATA）");
}

/* A whole small file as a NUL-terminated arena string. */
static int read_small(struct arena *a, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t got;
	int rc = CLI_FAIL;

	if (!f)
		return cli_fail("无法打开 %s：%s", path, cli_errno_text(errno));
	buf_init(&b, a, SMALL_FILE_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	if (ferror(f)) {
		cli_fail("读取 %s 失败", path);
		goto out;
	}
	if (b.err) {
		cli_fail("%s 过大（不超过 1 MB）", path);
		goto out;
	}
	*out = (char *)buf_cstr(&b);
	*len = b.n;
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* The org row of org.tsv: the first line is the header, the first other
 * non-blank line not starting with '#' is the row. */
static int read_org(struct arena *a, const char *path, struct org *o, const char **parent)
{
	char *text, *save = NULL, *line;
	size_t n;
	bool header = true;

	if (read_small(a, path, &text, &n))
		return CLI_FAIL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { NULL, NULL, NULL, "" };
		char *fsave = line;
		size_t k = 0, len = strlen(line);

		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (header) {
			header = false;
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		/* strsep keeps empty fields, unlike strtok */
		while (k < 4 && fsave)
			f[k++] = strsep(&fsave, "\t");
		if (k < 3 || fsave)
			return cli_fail("%s：应有 3 或 4 列（名称、标识、机构代码、上级机构）", path);
		o->name = f[0];
		o->slug = f[1];
		o->org_code = f[2];
		*parent = f[3];
		if (!cli_slug_valid(o->slug) || !*o->name || !utf8_valid(o->name, strlen(o->name)))
			return cli_fail("%s：机构名称或标识无效", path);
		return 0;
	}
	return cli_fail("%s：没有机构数据行", path);
}

/* The registers' demo records: <code>.csv of the demo directory for each
 * register that has one, through the register's own CSV import. */
static int load_registers(struct db *db, struct arena *a, const char *dir, const struct org *org,
			  long long user_id, const char *now, size_t *loaded)
{
	struct org platform;
	struct calendar cal;
	struct reg_ctx rc;

	if (store_org_platform(db, a, &platform) || calendar_load(db, a, platform.id, &cal))
		return cli_fail("读取工作日历失败");
	rc = (struct reg_ctx){ .db = db, .a = a, .org = org, .cal = &cal, .user_id = user_id, .now = now,
			       .today = date_today_cn() };
	for (size_t i = 0; i < reg_kinds_count; i++) {
		const struct reg_kind *k = reg_kinds[i];
		const char *path = arena_printf(a, "%s/" DEMO_SUBDIR "/%s.csv", dir, k->code);
		struct csv_report rep;
		char *bytes;
		size_t len;
		int e;

		if (!path)
			return cli_fail("%s", cli_err_text(ERR_NOMEM));
		if (access(path, R_OK) != 0)
			continue;
		if (read_small(a, path, &bytes, &len))
			return CLI_FAIL;
		if ((e = k->import_csv(&rc, bytes, len, NULL, false, &rep))) {
			for (size_t j = 0; j < rep.nerrors && j < CSV_MAX_ERRORS; j++)
				fprintf(stderr, "gongkai: %s: %s\n", path, rep.errors[j]);
			return cli_fail("载入演示%s失败：%s", k->label, cli_err_text(e));
		}
		++*loaded;
	}
	return 0;
}

/* The demo's delivery channels: the province's 政务公开平台 (a signed push)
 * and the WeChat account 桐乡教育, whose delivered articles count into its
 * 推送次数. Both point at 127.0.0.1 port 9, where nothing listens: a
 * publication in the demo queues a delivery per channel that the staff
 * page shows failing to connect and waiting to be retried (the outbox at
 * work, with no message leaving the machine). Staff put the real addresses
 * and secrets in on the channels page. */
static int demo_channels(struct db *db, struct arena *a, const struct org *org, const char *now)
{
	static const char demo_url[] = "http://127.0.0.1:9";
	struct stat_channel wx;
	struct dchan_form push = { .kind = "platform_push", .name = "浙江省政务公开平台（演示地址，未连接）",
				   .enabled = true, .all_categories = true,
				   .endpoint = "http://127.0.0.1:9/gongkai/push", .secret = "demo-push-secret-change-me" };
	struct dchan_form wechat = { .kind = "wechat", .name = "桐乡教育公众号（演示地址，未连接）", .enabled = true,
				     .all_categories = true, .endpoint = demo_url, .app_id = "wxdemo0000000000",
				     .secret = "demo-app-secret-change-me" };
	const char *msg = NULL;
	long long id = 0;

	if (store_stat_channel_by_name(db, a, org->id, "桐乡教育", &wx) == 0)
		wechat.stat_channel_id = wx.id;
	if (dchan_save(db, a, org->id, &id, &push, now, &msg) || (id = 0, dchan_save(db, a, org->id, &id, &wechat, now, &msg)))
		return cli_fail("创建演示推送渠道失败%s%s", msg ? "：" : "", msg ? msg : "");
	return 0;
}

int cli_demo(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org = { 0 }, existing, parent_org;
	const char *dir, *parent = "", *password = NULL;
	char *guide, *path;
	size_t guide_n;
	FILE *items = NULL;
	long long n = 0, napps = 0;
	size_t nregs = 0;
	struct user admin;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 0, 0, "")) || (rc = cli_db_require(c)) ||
	    (rc = find_data_dir(&a, &dir)))
		goto out;
	rc = CLI_FAIL;
	if (!(path = arena_printf(&a, "%s/" DEMO_SUBDIR "/org.tsv", dir)) || read_org(&a, path, &org, &parent))
		goto out;
	if (!(path = arena_printf(&a, "%s/" DEMO_SUBDIR "/guide.md", dir)) || read_small(&a, path, &guide, &guide_n))
		goto out;
	if (!(path = arena_printf(&a, "%s/" DEMO_SUBDIR "/items.tsv", dir)))
		goto out;
	if (!(items = fopen(path, "rb"))) {
		cli_fail("无法打开 %s：%s", path, cli_errno_text(errno));
		goto out;
	}
	if (cli_db_open(c, true, &db, &fts, NULL))
		goto out;
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	rc = store_org_by_slug(db, &a, org.slug, &existing);
	if (rc == 0) {
		printf("演示机构已存在，未做改动\n");
		rc = CLI_OK;
		goto out;
	}
	if (rc != ERR_NOT_FOUND) {
		rc = cli_fail("读取机构失败：%s", cli_err_text(rc));
		goto out;
	}
	rc = CLI_FAIL;
	cli_now(now);
	if (*parent) {
		if (store_org_by_slug(db, &a, parent, &parent_org) == 0)
			org.parent_id = parent_org.id;
		else
			fprintf(stderr, "gongkai: 提示：上级机构 %s 不存在，未设置上级机构\n", parent);
	}
	org.kind = "agency";
	/* read it back: the store fills the defaults (索引号 pattern) */
	if (store_org_insert(db, &org, now) || store_org_by_id(db, &a, org.id, &org) ||
	    catalog_create_default_categories(db, org.id) || store_org_set_guide(db, org.id, guide, now)) {
		cli_fail("创建演示机构失败");
		goto out;
	}
	if (cli_import_tsv(db, &org, items, path, &n))
		goto out;
	if (cli_user_create(db, &a, &org, DEMO_ADMIN, "桐乡市教育局管理员", "orgadmin", NULL, now, &password))
		goto out;
	if (store_user_by_name(db, &a, DEMO_ADMIN, &admin) || load_registers(db, &a, dir, &org, admin.id, now, &nregs) ||
	    !(path = arena_printf(&a, "%s/" DEMO_SUBDIR "/applications.json", dir)) ||
	    cli_apps_load(db, &a, &org, admin.id, "沈丽", path, &napps) || demo_channels(db, &a, &org, now))
		goto out;
	if (db_commit(db)) {
		cli_fail("提交失败，未做改动");
		goto out;
	}
	printf("已创建演示机构：%s（%s），导入公开目录 %lld 条、依申请公开 %lld 件、登记簿 %zu 个\n", org.name, org.slug, n,
	       napps, nregs);
	printf("机构管理员：%s  一次性密码：%s（请登录后修改）\n", DEMO_ADMIN, password);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	if (items)
		fclose(items);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}
