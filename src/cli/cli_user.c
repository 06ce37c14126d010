/* cli_user.c - `gongkai user add|passwd|list|grant|revoke|reset-password|
 * totp-off|disable|enable`: staff accounts from the command line, for the
 * operator (also when no administrator can log in: a lost phone, the last
 * 机构管理员 gone). Passwords never appear on the command line: they are
 * read from stdin or generated and printed once. The rules the web pages
 * keep hold here too: no org loses its last enabled 机构管理员, the platform
 * its last 系统管理员. */
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
#include "store/user.h"
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
	if (password && auth_password_weak_for(password, name)) {
		rc = cli_fail("%s", auth_password_weak_for(password, name));
		goto out;
	}
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
	/* a generated password is a one-time password: changed at the first login */
	if (generated) {
		struct user nu;

		if (store_user_by_name(db, &a, name, &nu) || store_user_set_must_change(db, nu.id, true, now)) {
			cli_fail("保存失败：%s", cli_err_text(ERR_DB));
			goto out;
		}
	}
	if (db_commit(db)) {
		cli_fail("保存失败：%s", cli_err_text(ERR_DB));
		goto out;
	}
	printf("已创建用户 %s（机构 %s，角色 %s）\n", name, org.slug, role);
	if (generated)
		printf("一次性密码：%s（登录后须立即修改）\n", generated);
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
	} else if (auth_password_weak_for(password, name)) {
		rc = cli_fail("%s", auth_password_weak_for(password, name));
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
	    store_login_pending_delete_user(db, u.id) || db_commit(db)) {
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

#define DB_LINE "  --db PATH          数据库文件（默认：环境变量 GONGKAI_DB，否则 gongkai.db）\n"
#define ROLES_LINE                                                                                     \
	"角色：sysadmin 系统管理员（属于平台机构，可不写 --org）、orgadmin 机构管理员、\n"              \
	"      editor 信息员、reviewer 审核员、handler 承办人、viewer 领导/只读。\n"

/* The Chinese names of role codes in the display order of auth_roles,
 * joined with "、" (arena). */
static const char *role_list_cn(struct arena *a, const char *const *codes, size_t n)
{
	struct buf b;

	buf_init(&b, a, 1024);
	for (size_t r = 0; r < auth_roles_count; r++)
		for (size_t i = 0; i < n; i++)
			if (strcmp(codes[i], auth_roles[r].code) == 0)
				buf_printf(&b, "%s%s", b.n ? "、" : "", auth_roles[r].name);
	return buf_cstr(&b);
}

enum { COLS = 5 };

/* One row of `user list`: roles per org ("org: 名、名；org2: 名"), or in
 * one org. */
static int list_roles_all(struct db *db, struct arena *a, long long user_id, const char **out)
{
	struct membership *ms;
	const char *codes[16];
	size_t n, k = 0;
	struct buf b;
	int rc;

	if ((rc = store_user_memberships(db, a, user_id, &ms, &n)))
		return rc;
	buf_init(&b, a, 4096);
	for (size_t i = 0; i < n; i++) {
		if (k < 16)
			codes[k++] = ms[i].role;
		if (i + 1 == n || ms[i + 1].org_id != ms[i].org_id) {
			buf_printf(&b, "%s%s: %s", b.n ? "；" : "", ms[i].org_slug, role_list_cn(a, codes, k));
			k = 0;
		}
	}
	*out = b.n ? buf_cstr(&b) : "-";
	return b.err;
}

static const char *user_state(struct arena *a, const struct user *u)
{
	return arena_printf(a, "%s%s%s", u->disabled ? "已停用" : "正常", u->must_change_password ? "，待改密码" : "",
			    u->totp_secret ? "，双重验证" : "");
}

static int user_list(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const head[COLS] = { "用户名", "姓名", "角色", "状态", "创建时间" };
	const char *slug = NULL;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct member *ms = NULL;
	struct user *users = NULL;
	const char *(*cells)[COLS] = NULL;
	size_t n = 0, width[COLS];
	struct org org;
	int o, rc;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0)
		if (o == 'o')
			slug = optarg;
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 0, 0, "")) || (rc = cli_db_require(c)) ||
	    (rc = cli_db_open(c, true, &db, &fts, NULL)))
		goto out;
	rc = CLI_FAIL;
	if (slug) {
		if (store_org_by_slug(db, &a, slug, &org)) {
			cli_fail("机构 %s 不存在", slug);
			goto out;
		}
		if (store_org_members(db, &a, org.id, &ms, &n)) {
			cli_fail("读取用户失败");
			goto out;
		}
	} else if (store_user_list(db, &a, &users, &n)) {
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
		const struct user *u = slug ? &ms[i].u : &users[i];
		const char *r = "";

		if (slug) {
			const char *codes[16];
			size_t k = 0;

			for (const char *p = ms[i].roles; p && *p && k < 16;) {
				const char *end = strchr(p, ',');

				codes[k++] = end ? arena_strndup(&a, p, (size_t)(end - p)) : p;
				p = end ? end + 1 : NULL;
			}
			r = arena_printf(&a, "%s: %s", slug, role_list_cn(&a, codes, k));
		} else if (list_roles_all(db, &a, u->id, &r)) {
			cli_fail("读取用户 %s 的角色失败", u->username);
			goto out;
		}
		cells[i][0] = u->username;
		cells[i][1] = u->display_name && *u->display_name ? u->display_name : "-";
		cells[i][2] = r;
		cells[i][3] = user_state(&a, u);
		cells[i][4] = u->created_at;
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
		printf(slug ? "（该机构没有用户）\n" : "（没有用户，请运行 gongkai init）\n");
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* ---- grant, revoke ---- */

/* Open the database (migrated), start a write transaction and find the
 * user. Returns 0 or the exit status (reported). */
static int open_user(const struct cli *c, struct arena *a, struct db **db, struct fts_ctx **fts, const char *name,
		     struct user *u)
{
	int rc;

	if ((rc = cli_db_require(c)) || (rc = cli_db_open(c, true, db, fts, NULL)))
		return rc;
	if (db_begin(*db))
		return cli_fail("数据库正忙，请稍后再试");
	rc = store_user_by_name(*db, a, name, u);
	if (rc == ERR_NOT_FOUND)
		return cli_fail("用户 %s 不存在（gongkai user list 列出所有用户）", name);
	if (rc)
		return cli_fail("查询用户失败：%s", cli_err_text(rc));
	return 0;
}

/* NAME --org SLUG --role ROLE. Returns 0 or the exit status. */
static int org_role_args(const struct cli *c, int argc, char **argv, const char **name, const char **slug,
			 const char **role)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int o, rc;

	*slug = *role = NULL;
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		if (o == 'o')
			*slug = optarg;
		else if (o == 'r')
			*role = optarg;
	}
	if (o != CLI_OPT_END)
		return cli_opt_exit(o);
	if ((rc = cli_operands(c, argc, argv, 1, 1, "NAME（用户名）")))
		return rc;
	*name = argv[optind];
	if (!*role)
		return cli_usage_fail(c, "缺少选项 --role");
	if (!cli_role_valid(*role))
		return cli_usage_fail(c, "角色“%s”无效，可选：sysadmin、orgadmin、editor、reviewer、handler、viewer", *role);
	if (strcmp(*role, "sysadmin") != 0 && !*slug)
		return cli_usage_fail(c, "缺少选项 --org（角色 %s 属于某个机构）", *role);
	return 0;
}

/* The org a role is held in: the platform org for sysadmin, else the
 * agency slug. Returns 0 or CLI_FAIL (reported). */
static int role_org(struct db *db, struct arena *a, const char *role, const char *slug, struct org *org)
{
	if (strcmp(role, "sysadmin") == 0) {
		if (store_org_platform(db, a, org))
			return cli_fail("平台机构不存在，请先运行 gongkai init");
		if (slug && strcmp(slug, org->slug) != 0)
			fprintf(stderr, "gongkai: 提示：系统管理员属于平台机构 %s，已忽略 --org %s\n", org->slug, slug);
		return 0;
	}
	if (store_org_by_slug(db, a, slug, org))
		return cli_fail("机构 %s 不存在", slug);
	if (strcmp(org->kind, "agency") != 0)
		return cli_fail("%s 是平台机构，平台机构中只有 sysadmin 角色", slug);
	return 0;
}

/* Would taking role away from u (or disabling u) leave org without an
 * enabled holder of an orgadmin or sysadmin role? Returns 0 or CLI_FAIL
 * (reported). */
static int keep_last_admin(struct db *db, const struct user *u, const struct org *org, const char *role)
{
	long long others;

	if (u->disabled || (strcmp(role, "orgadmin") != 0 && strcmp(role, "sysadmin") != 0))
		return 0;
	if (store_membership_count(db, org->id, role, u->id, &others))
		return cli_fail("查询失败：%s", cli_err_text(ERR_DB));
	if (others > 0)
		return 0;
	if (strcmp(role, "sysadmin") == 0)
		return cli_fail("%s 是平台最后一位系统管理员：请先用 gongkai user grant 为另一位用户授予 sysadmin", u->username);
	return cli_fail("%s 是机构 %s 最后一位机构管理员：请先用 gongkai user grant 为另一位用户授予 orgadmin",
			u->username, org->slug);
}

static int user_grant_revoke(const struct cli *c, int argc, char **argv, bool grant)
{
	const char *name = NULL, *slug = NULL, *role = NULL;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct user u;
	struct org org;
	bool has = false;
	int rc;

	arena_init(&a, 0);
	if ((rc = org_role_args(c, argc, argv, &name, &slug, &role)) || (rc = open_user(c, &a, &db, &fts, name, &u)) ||
	    (rc = role_org(db, &a, role, slug, &org)))
		goto out;
	rc = CLI_FAIL;
	if (store_membership_has(db, org.id, u.id, role, &has)) {
		cli_fail("查询失败：%s", cli_err_text(ERR_DB));
		goto out;
	}
	if (grant && has) {
		printf("用户 %s 在 %s 已有角色 %s（%s），未作改动\n", name, org.slug, role, auth_role_name(role));
		rc = CLI_OK;
		goto out;
	}
	if (!grant && !has) {
		cli_fail("用户 %s 在 %s 没有角色 %s", name, org.slug, role);
		goto out;
	}
	if (!grant && keep_last_admin(db, &u, &org, role))
		goto out;
	if ((grant ? store_membership_add(db, org.id, u.id, role)
		   : store_membership_remove(db, org.id, u.id, role, NULL)) ||
	    db_commit(db)) {
		cli_fail("保存失败：%s", cli_err_text(ERR_DB));
		goto out;
	}
	printf(grant ? "已授予用户 %s 在 %s 的角色 %s（%s）\n" : "已取消用户 %s 在 %s 的角色 %s（%s）\n", name, org.slug,
	       role, auth_role_name(role));
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int user_grant(const struct cli *c, int argc, char **argv)
{
	return user_grant_revoke(c, argc, argv, true);
}

static int user_revoke(const struct cli *c, int argc, char **argv)
{
	return user_grant_revoke(c, argc, argv, false);
}

/* ---- reset-password, totp-off, disable, enable ---- */

enum account_op { OP_RESET, OP_TOTP_OFF, OP_DISABLE, OP_ENABLE };

/* Check that disabling u leaves every org it administers (and the
 * platform) with another enabled administrator. */
static int disable_allowed(struct db *db, struct arena *a, const struct user *u)
{
	struct membership *ms;
	size_t n;

	if (store_user_memberships(db, a, u->id, &ms, &n))
		return cli_fail("查询失败：%s", cli_err_text(ERR_DB));
	for (size_t i = 0; i < n; i++) {
		struct org org = { .id = ms[i].org_id, .slug = ms[i].org_slug };

		if (keep_last_admin(db, u, &org, ms[i].role))
			return CLI_FAIL;
	}
	return 0;
}

static int user_account_op(const struct cli *c, int argc, char **argv, enum account_op op)
{
	const char *name, *pw = NULL, *hash = NULL, *done;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct user u;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 1, 1, "NAME（用户名）")))
		goto out;
	name = argv[optind];
	if (op == OP_RESET && (auth_random_password(&a, &pw) || auth_hash_password(&a, pw, &hash))) {
		rc = cli_fail("生成密码失败");
		goto out;
	}
	if ((rc = open_user(c, &a, &db, &fts, name, &u)))
		goto out;
	rc = CLI_FAIL;
	cli_now(now);
	switch (op) {
	case OP_RESET:
		/* a one-time password; every session and pending login ends */
		rc = store_user_set_password(db, u.id, hash, now);
		if (rc == 0)
			rc = store_user_set_must_change(db, u.id, true, now);
		if (rc == 0)
			rc = store_session_delete_user(db, u.id);
		if (rc == 0)
			rc = store_login_pending_delete_user(db, u.id);
		done = arena_printf(&a, "用户 %s 的一次性密码：%s（登录后须立即修改；该用户的登录已全部退出）", name, pw);
		break;
	case OP_TOTP_OFF:
		if (!u.totp_secret) {
			printf("用户 %s 没有开启双重验证，未作改动\n", name);
			rc = CLI_OK;
			goto out;
		}
		rc = store_user_totp_clear(db, u.id, now);
		done = arena_printf(&a, "已关闭用户 %s 的双重验证；其登录后可在“我的账号”中重新设置", name);
		break;
	case OP_DISABLE:
		if (u.disabled) {
			printf("用户 %s 已是停用状态，未作改动\n", name);
			rc = CLI_OK;
			goto out;
		}
		if (disable_allowed(db, &a, &u))
			goto out;
		rc = store_user_set_disabled(db, u.id, true, now);
		if (rc == 0)
			rc = store_session_delete_user(db, u.id);
		if (rc == 0)
			rc = store_login_pending_delete_user(db, u.id);
		done = arena_printf(&a, "已停用用户 %s，其登录已全部退出", name);
		break;
	case OP_ENABLE:
		if (!u.disabled) {
			printf("用户 %s 没有停用，未作改动\n", name);
			rc = CLI_OK;
			goto out;
		}
		rc = store_user_set_disabled(db, u.id, false, now);
		done = arena_printf(&a, "已启用用户 %s", name);
		break;
	default:
		rc = ERR_INTERNAL;
		done = "";
	}
	if (rc || db_commit(db)) {
		rc = cli_fail("保存失败：%s", cli_err_text(rc ? rc : ERR_DB));
		goto out;
	}
	printf("%s\n", done);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int user_reset_password(const struct cli *c, int argc, char **argv)
{
	return user_account_op(c, argc, argv, OP_RESET);
}

static int user_totp_off(const struct cli *c, int argc, char **argv)
{
	return user_account_op(c, argc, argv, OP_TOTP_OFF);
}

static int user_disable(const struct cli *c, int argc, char **argv)
{
	return user_account_op(c, argc, argv, OP_DISABLE);
}

static int user_enable(const struct cli *c, int argc, char **argv)
{
	return user_account_op(c, argc, argv, OP_ENABLE);
}

/* ---- dispatch ---- */

/* Each subcommand with its own --help. */
static const struct {
	struct cli_sub sub;
	const char *usage;
} subs[] = {
	{ { "add", user_add },
	  "用法：gongkai user add NAME --org SLUG --role ROLE [--display 姓名] [--password-stdin]\n"
	  "\n"
	  "创建用户并授予机构 SLUG 中的角色 ROLE。不加 --password-stdin 时生成一次性密码并\n"
	  "显示一次，该用户首次登录后须立即修改。密码须至少 10 个字符，不能全是数字、\n"
	  "不能与用户名相同、不能是常见密码。\n"
	  "\n" ROLES_LINE "\n"
	  "选项：\n"
	  "  --org SLUG         机构标识\n"
	  "  --role ROLE        角色\n"
	  "  --display 姓名     显示的姓名\n"
	  "  --password-stdin   从标准输入读取密码（一行）\n" DB_LINE },
	{ { "passwd", user_passwd },
	  "用法：gongkai user passwd NAME [--password-stdin | --random]\n"
	  "\n"
	  "修改密码：从标准输入读一行（在终端上则提示输入两次），或用 --random 生成新密码\n"
	  "并显示一次。该用户的登录会话随之失效。\n"
	  "\n"
	  "选项：\n"
	  "  --password-stdin   从标准输入读取密码（一行）\n"
	  "  --random           生成随机密码\n" DB_LINE },
	{ { "list", user_list },
	  "用法：gongkai user list [--org SLUG]\n"
	  "\n"
	  "列出用户：用户名、姓名、各机构中的角色、状态（停用、待改密码、双重验证）、创建时间。\n"
	  "加 --org 时只列出该机构的用户及其在该机构的角色。\n"
	  "\n"
	  "选项：\n"
	  "  --org SLUG         机构标识\n" DB_LINE },
	{ { "grant", user_grant },
	  "用法：gongkai user grant NAME --org SLUG --role ROLE\n"
	  "\n"
	  "授予用户 NAME 在机构 SLUG 中的角色 ROLE（已有时不作改动）。同一用户可以在多个\n"
	  "机构任职。\n"
	  "\n" ROLES_LINE "\n"
	  "选项：\n"
	  "  --org SLUG         机构标识\n"
	  "  --role ROLE        角色\n" DB_LINE },
	{ { "revoke", user_revoke },
	  "用法：gongkai user revoke NAME --org SLUG --role ROLE\n"
	  "\n"
	  "取消用户 NAME 在机构 SLUG 中的角色 ROLE。机构的最后一位机构管理员、平台的最后\n"
	  "一位系统管理员的角色不能取消：请先授予另一位用户。\n"
	  "\n" ROLES_LINE "\n"
	  "选项：\n"
	  "  --org SLUG         机构标识\n"
	  "  --role ROLE        角色\n" DB_LINE },
	{ { "reset-password", user_reset_password },
	  "用法：gongkai user reset-password NAME\n"
	  "\n"
	  "为用户生成一次性密码并显示一次；该用户登录后须立即修改，其所有登录随之退出。\n"
	  "\n"
	  "选项：\n" DB_LINE },
	{ { "totp-off", user_totp_off },
	  "用法：gongkai user totp-off NAME\n"
	  "\n"
	  "关闭用户的双重验证（手机丢失时由运维人员操作）。用户登录后可重新设置。\n"
	  "\n"
	  "选项：\n" DB_LINE },
	{ { "disable", user_disable },
	  "用法：gongkai user disable NAME\n"
	  "\n"
	  "停用账号：不能再登录，现有登录全部退出。机构的最后一位机构管理员不能停用。\n"
	  "\n"
	  "选项：\n" DB_LINE },
	{ { "enable", user_enable },
	  "用法：gongkai user enable NAME\n"
	  "\n"
	  "启用停用的账号。\n"
	  "\n"
	  "选项：\n" DB_LINE },
};
#define NSUBS (sizeof(subs) / sizeof(subs[0]))
#define SUB_LIST "add、passwd、list、grant、revoke、reset-password、totp-off、disable、enable"

int cli_user(const struct cli *c, int argc, char **argv)
{
	struct cli_sub plain[NSUBS];

	for (size_t i = 0; argc >= 2 && i < NSUBS; i++) {
		if (strcmp(argv[1], subs[i].sub.name) == 0) {
			struct cli sc = *c;

			sc.usage = subs[i].usage;
			return subs[i].sub.run(&sc, argc - 1, argv + 1);
		}
	}
	for (size_t i = 0; i < NSUBS; i++)
		plain[i] = subs[i].sub;
	return cli_subcommand(c, argc, argv, plain, NSUBS, SUB_LIST);
}
