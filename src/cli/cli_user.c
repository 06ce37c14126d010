/* cli_user.c - `gongkai user add|passwd|list`: staff accounts from the
 * command line. Passwords never appear on the command line: they are read
 * from stdin or generated and printed once. */
#include "cli/cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define USERNAME_MAX 64
#define DISPLAY_MAX 50

static const char *const roles[] = { "sysadmin", "orgadmin", "editor", "reviewer", "handler", "viewer", NULL };

int cli_role_valid(const char *role)
{
	for (const char *const *r = roles; *r; r++)
		if (strcmp(role, *r) == 0)
			return 1;
	return 0;
}

/* Login names are ASCII so they are easy to type and to read aloud. */
bool cli_username_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > USERNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');

		if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != '-')))
			return false;
	}
	return true;
}

int cli_user_create(struct db *db, struct arena *a, const struct org *org, const char *username,
		    const char *display, const char *role, const char *password, const char *now,
		    const char **generated)
{
	struct user u = { 0 };
	const char *hash;
	int rc;

	if (generated)
		*generated = NULL;
	if (!cli_username_valid(username))
		return cli_fail("用户名“%s”无效：只能用字母、数字和 . _ -，以字母或数字开头，不超过 %d 个字符",
				username, USERNAME_MAX);
	rc = store_user_by_name(db, a, username, &u);
	if (rc == 0)
		return cli_fail("用户 %s 已存在", username);
	if (rc != ERR_NOT_FOUND)
		return cli_fail("查询用户失败：%s", cli_err_text(rc));
	if (!password) {
		if ((rc = auth_random_password(a, &password)))
			return cli_fail("生成密码失败：%s", cli_err_text(rc));
		if (generated)
			*generated = password;
	}
	if ((rc = auth_hash_password(a, password, &hash)))
		return cli_fail("计算密码散列失败：%s", cli_err_text(rc));
	u = (struct user){
		.org_id = org->id,
		.username = username,
		.display_name = display ? display : "",
		.password_hash = hash,
	};
	if ((rc = store_user_insert(db, &u, now)))
		return rc == ERR_CONFLICT ? cli_fail("用户 %s 已存在", username)
					  : cli_fail("创建用户失败：%s", cli_err_text(rc));
	if ((rc = store_membership_add(db, org->id, u.id, role)))
		return cli_fail("授予角色失败：%s", cli_err_text(rc));
	return 0;
}

/* ---- user add ---- */

static int user_add(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "display", required_argument, NULL, 'd' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *role = NULL, *display = NULL, *password = NULL, *generated = NULL;
	const char *name;
	bool from_stdin = false;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	char now[21];
	int o, rc;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		switch (o) {
		case 'o':
			slug = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'd':
			display = optarg;
			break;
		case 'p':
			from_stdin = true;
			break;
		}
	}
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 1, 1, "NAME（用户名）")))
		goto out;
	name = argv[optind];
	rc = CLI_USAGE;
	if (!cli_username_valid(name)) {
		cli_usage_fail(c, "用户名“%s”无效：只能用字母、数字和 . _ -，以字母或数字开头，不超过 %d 个字符",
			       name, USERNAME_MAX);
		goto out;
	}
	if (!role) {
		cli_usage_fail(c, "缺少选项 --role");
		goto out;
	}
	if (!cli_role_valid(role)) {
		cli_usage_fail(c, "角色“%s”无效，可选：sysadmin、orgadmin、editor、reviewer、handler、viewer", role);
		goto out;
	}
	if (strcmp(role, "sysadmin") != 0 && !slug) {
		cli_usage_fail(c, "缺少选项 --org（角色 %s 须属于某个机构）", role);
		goto out;
	}
	if (display && (!utf8_valid(display, strlen(display)) || utf8_len(display, strlen(display)) > DISPLAY_MAX)) {
		cli_usage_fail(c, "姓名须为不超过 %d 个字的 UTF-8 文本", DISPLAY_MAX);
		goto out;
	}
	if ((rc = cli_db_require(c)))
		goto out;
	/* read the password before taking the write lock */
	if (from_stdin && (rc = cli_read_password(&a, &password)))
		goto out;
	if ((rc = cli_db_open(c, true, &db, &fts, NULL)))
		goto out;
	rc = CLI_FAIL;
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	if (strcmp(role, "sysadmin") == 0) {
		/* system administrators are held in the platform org */
		if (store_org_platform(db, &a, &org)) {
			cli_fail("平台机构不存在，请先运行 gongkai init");
			goto out;
		}
		if (slug && strcmp(slug, org.slug) != 0)
			fprintf(stderr, "gongkai: 提示：系统管理员属于平台机构 %s，已忽略 --org %s\n", org.slug, slug);
	} else if (store_org_by_slug(db, &a, slug, &org)) {
		cli_fail("机构 %s 不存在", slug);
		goto out;
	}
	cli_now(now);
	if (cli_user_create(db, &a, &org, name, display, role, password, now, &generated))
		goto out;
	if (db_commit(db)) {
		cli_fail("保存失败：%s", cli_err_text(ERR_DB));
		goto out;
	}
	printf("已创建用户 %s（机构 %s，角色 %s）\n", name, org.slug, role);
	if (generated)
		printf("一次性密码：%s（请登录后修改）\n", generated);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* ---- user passwd ---- */

static int user_passwd(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "random", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *password = NULL, *hash, *name;
	bool from_stdin = false, gen = false;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct user u;
	char now[21];
	int o, rc;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		if (o == 'p')
			from_stdin = true;
		else if (o == 'r')
			gen = true;
	}
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 1, 1, "NAME（用户名）")))
		goto out;
	name = argv[optind];
	if (from_stdin && gen) {
		rc = cli_usage_fail(c, "--password-stdin 与 --random 只能选一个");
		goto out;
	}
	if ((rc = cli_db_require(c)))
		goto out;
	if (gen) {
		if (auth_random_password(&a, &password)) {
			rc = cli_fail("生成密码失败");
			goto out;
		}
	} else if ((rc = cli_read_password(&a, &password))) {
		goto out;
	}
	if ((rc = cli_db_open(c, true, &db, &fts, NULL)))
		goto out;
	rc = CLI_FAIL;
	if (auth_hash_password(&a, password, &hash)) {
		cli_fail("计算密码散列失败");
		goto out;
	}
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	if (store_user_by_name(db, &a, name, &u)) {
		cli_fail("用户 %s 不存在", name);
		goto out;
	}
	cli_now(now);
	/* a new password ends every open session of the user */
	if (store_user_set_password(db, u.id, hash, now) || store_session_delete_user(db, u.id) ||
	    db_commit(db)) {
		cli_fail("保存失败：%s", cli_err_text(ERR_DB));
		goto out;
	}
	if (gen)
		printf("用户 %s 的新密码：%s（请登录后修改）\n", name, password);
	else
		printf("已修改用户 %s 的密码\n", name);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* ---- user list ---- */

/* Terminal columns of valid UTF-8 text: East Asian wide characters take
 * two. */
static size_t text_width(const char *s)
{
	const char *cur = s, *end = s + strlen(s);
	size_t w = 0;

	while (cur < end) {
		uint32_t cp = utf8_next(&cur, end);

		w += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
				     (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
				     (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
				     (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD)
			     ? 2
			     : 1;
	}
	return w;
}

static void put_cell(const char *s, size_t width, bool last)
{
	fputs(s, stdout);
	if (last) {
		fputc('\n', stdout);
		return;
	}
	for (size_t w = text_width(s); w < width + 2; w++)
		fputc(' ', stdout);
}

enum { COLS = 5 };

static int user_list(const struct cli *c, int argc, char **argv)
{
	static const char *const head[COLS] = { "用户名", "姓名", "机构", "角色", "创建时间" };
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct user *users = NULL;
	const char *(*cells)[COLS] = NULL;
	size_t n = 0, width[COLS];
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 0, 0, "")) || (rc = cli_db_require(c)) ||
	    (rc = cli_db_open(c, true, &db, &fts, NULL)))
		goto out;
	rc = CLI_FAIL;
	if (store_user_list(db, &a, &users, &n)) {
		cli_fail("读取用户失败");
		goto out;
	}
	if (n && !(cells = arena_alloc(&a, n * sizeof(*cells)))) {
		cli_fail("%s", cli_err_text(ERR_NOMEM));
		goto out;
	}
	for (size_t k = 0; k < COLS; k++)
		width[k] = text_width(head[k]);
	for (size_t i = 0; i < n; i++) {
		struct org org;
		const char *r = "";

		if (store_org_by_id(db, &a, users[i].org_id, &org) ||
		    store_membership_roles(db, &a, users[i].org_id, users[i].id, &r)) {
			cli_fail("读取用户 %s 的机构或角色失败", users[i].username);
			goto out;
		}
		cells[i][0] = users[i].username;
		cells[i][1] = users[i].display_name && *users[i].display_name ? users[i].display_name : "-";
		cells[i][2] = org.slug;
		cells[i][3] = *r ? r : "-";
		cells[i][4] = users[i].created_at;
		if (users[i].disabled)
			cells[i][3] = arena_printf(&a, "%s（已停用）", cells[i][3]);
		for (size_t k = 0; k < COLS; k++) {
			size_t w;

			if (!cells[i][k])
				cells[i][k] = "";
			w = text_width(cells[i][k]);
			if (w > width[k])
				width[k] = w;
		}
	}
	for (size_t k = 0; k < COLS; k++)
		put_cell(head[k], width[k], k == COLS - 1);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < COLS; k++)
			put_cell(cells[i][k], width[k], k == COLS - 1);
	if (n == 0)
		printf("（没有用户，请运行 gongkai init）\n");
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* ---- dispatch ---- */

static const struct cli_sub subs[] = {
	{ "add", user_add },
	{ "passwd", user_passwd },
	{ "list", user_list },
};

int cli_user(const struct cli *c, int argc, char **argv)
{
	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]), "add、passwd、list");
}
