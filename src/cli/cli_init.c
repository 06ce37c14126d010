/* cli_init.c - `gongkai init`: create or upgrade the database, the platform
 * org, its national working-day calendar (data/cn-calendar.tsv, when it has
 * none yet) and the first system administrator. Idempotent: every step checks
 * first, so a second run changes nothing and says so. */
#include "cli/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/signkey.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define PLATFORM_SLUG "platform"
#define PLATFORM_NAME "政府信息公开平台"
#define ORG_NAME_MAX 100

/* The platform org, created when absent. *created says which. */
static int ensure_platform(struct db *db, struct arena *a, const char *now, struct org *out, bool *created)
{
	int rc;

	*created = false;
	rc = store_org_platform(db, a, out);
	if (rc != ERR_NOT_FOUND)
		return rc ? cli_fail("读取平台机构失败：%s", cli_err_text(rc)) : 0;
	*out = (struct org){ .slug = PLATFORM_SLUG, .name = PLATFORM_NAME, .kind = "platform", .org_code = "" };
	if ((rc = store_org_insert(db, out, now)))
		return cli_fail("创建平台机构失败：%s", cli_err_text(rc));
	*created = true;
	return 0;
}

/* An agency with its default categories, unless the slug is taken. */
static int ensure_agency(struct db *db, struct arena *a, const char *name, const char *slug, const char *code,
			 const char *now, bool *created)
{
	struct org o;
	int rc;

	*created = false;
	rc = store_org_by_slug(db, a, slug, &o);
	if (rc == 0)
		return 0;
	if (rc != ERR_NOT_FOUND)
		return cli_fail("读取机构失败：%s", cli_err_text(rc));
	o = (struct org){ .slug = slug, .name = name, .kind = "agency", .org_code = code ? code : "" };
	if ((rc = store_org_insert(db, &o, now)))
		return cli_fail("创建机构 %s 失败：%s", slug, cli_err_text(rc));
	if ((rc = catalog_create_default_categories(db, o.id)))
		return cli_fail("创建机构 %s 的公开类别失败：%s", slug, cli_err_text(rc));
	*created = true;
	return 0;
}

int cli_init(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "admin", required_argument, NULL, 'a' },
		{ "org-name", required_argument, NULL, 'n' },
		{ "org-slug", required_argument, NULL, 's' },
		{ "org-code", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *admin = "admin", *org_name = NULL, *org_slug = NULL, *org_code = NULL;
	const char *password = NULL, *calendar = NULL;
	bool made_platform = false, made_agency = false, made_key = false;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org platform;
	long long users = 0;
	char now[21];
	int o, rc, applied = 0;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		switch (o) {
		case 'a':
			admin = optarg;
			break;
		case 'n':
			org_name = optarg;
			break;
		case 's':
			org_slug = optarg;
			break;
		case 'c':
			org_code = optarg;
			break;
		}
	}
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 0, 0, "")))
		goto out;
	rc = CLI_USAGE;
	if (!cli_username_valid(admin)) {
		cli_usage_fail(c, "用户名“%s”无效：只能用字母、数字和 . _ -，以字母或数字开头", admin);
		goto out;
	}
	if ((org_name || org_code) && !org_slug) {
		cli_usage_fail(c, "创建机构须同时给出 --org-slug");
		goto out;
	}
	if (org_slug && !org_name) {
		cli_usage_fail(c, "创建机构须同时给出 --org-name");
		goto out;
	}
	if (org_slug && !cli_slug_valid(org_slug)) {
		cli_usage_fail(c, "机构标识“%s”无效：只能用小写字母、数字和 -，不超过 40 个字符", org_slug);
		goto out;
	}
	if (org_slug && strcmp(org_slug, PLATFORM_SLUG) == 0) {
		cli_usage_fail(c, "机构标识 %s 已留给平台机构", PLATFORM_SLUG);
		goto out;
	}
	if (org_name && (!utf8_valid(org_name, strlen(org_name)) || str_trim(str_c(org_name)).n == 0 ||
			 utf8_len(org_name, strlen(org_name)) > ORG_NAME_MAX)) {
		cli_usage_fail(c, "机构名称须为不超过 %d 个字的文本", ORG_NAME_MAX);
		goto out;
	}
	if (org_code && !cli_org_code_valid(org_code)) {
		cli_usage_fail(c, "机构代码“%s”无效：只能用字母、数字和 -，不超过 40 个字符", org_code);
		goto out;
	}
	if ((rc = cli_db_open(c, true, &db, &fts, &applied)))
		goto out;
	rc = CLI_FAIL;
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	cli_now(now);
	if (ensure_platform(db, &a, now, &platform, &made_platform))
		goto out;
	if (store_user_count(db, &users)) {
		cli_fail("读取用户失败");
		goto out;
	}
	if (users == 0 && cli_user_create(db, &a, &platform, admin, "系统管理员", "sysadmin", NULL, now, &password))
		goto out;
	if (cli_calendar_seed(db, &a, platform.id, &calendar))
		goto out;
	if (org_slug && ensure_agency(db, &a, org_name, org_slug, org_code, now, &made_agency))
		goto out;
	if (db_commit(db)) {
		cli_fail("提交失败，未做改动");
		goto out;
	}
	if (applied)
		printf("已应用 %d 项数据库迁移：%s\n", applied, cli_db_label(c));
	if (made_platform)
		printf("已创建平台机构：%s（%s）\n", PLATFORM_NAME, PLATFORM_SLUG);
	if (password)
		printf("初始管理员：%s  一次性密码：%s（请登录后修改）\n", admin, password);
	if (calendar)
		printf("已载入全国工作日历：%s\n", calendar);
	if (made_agency)
		printf("已创建机构：%s（%s），含默认公开类别\n", org_name, org_slug);
	else if (org_slug)
		printf("机构 %s 已存在，未做改动\n", org_slug);
	/* the export feed's signing key, once, beside a database file */
	{
		char buf[4096];
		const char *kp = cli_feed_key_default(c, buf, sizeof(buf));
		struct signkey k;

		if (kp && (rc = signkey_generate(kp, &k)) == 0) {
			printf("已生成导出接口的签名密钥：%s（编号 %s）\n", kp, k.id);
			made_key = true;
			signkey_clear(&k);
		} else if (kp && rc != ERR_CONFLICT) {
			rc = cli_fail("无法写入签名密钥 %s：%s", kp, cli_errno_text(errno));
			goto out;
		}
	}
	if (!applied && !made_platform && !password && !calendar && !made_agency && !made_key)
		printf("数据库 %s 已初始化，未做改动\n", cli_db_label(c));
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}
