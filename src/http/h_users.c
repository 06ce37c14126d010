/* h_users.c - staff accounts: an org's users and their roles (机构管理员 and
 * 系统管理员), and a staff member's own account with the TOTP second
 * factor. The login itself and the own password form are in h_admin.c.
 *
 * Who may do what here:
 *   - an org's users page and everything on it: PERM_ADMIN in that org (its
 *     机构管理员, or a 系统管理员). A user is shown with the roles of this org
 *     only; a user of another org only is not found here (404).
 *   - the account itself (password reset, disable, enable) affects every
 *     org the user works in: only a 系统管理员, or an administrator of every
 *     org the user holds a role in, and never for a 系统管理员 by anyone
 *     but a 系统管理员.
 *   - only a 系统管理员 grants or revokes 系统管理员 (held in the platform org).
 *   - nobody removes the last (enabled) 机构管理员 of an org, or their own
 *     机构管理员 or 系统管理员 role, or disables or resets themselves. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/auth/totp.h"
#include "http/http.h"
#include "http/view.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/store.h"
#include "store/user.h"
#include "core/banned.h"

#define USERNAME_MAX 64
#define DISPLAY_MAX 50
#define TOTP_ISSUER "政府信息公开平台"

/* What each permission lets a role do, for the table of roles on the users
 * page (enum perm order). */
static const char *const perm_labels[PERM_COUNT] = {
	[PERM_READ] = "查看本机构的工作页面和草稿（个人信息遮蔽）",
	[PERM_EDIT] = "起草、编辑信息，上传附件，提交审核",
	[PERM_PUBLISH] = "审核：发布、退回、撤回信息",
	[PERM_ADMIN] = "机构设置、公开类别、公开指南、用户与角色、年度报告",
	[PERM_CASES] = "办理依申请公开、政民互动和登记簿（承办人只办理分配给自己的）",
	[PERM_AUDIT] = "查看审计日志",
	[PERM_OVERSEE] = "查看本机构及下级机构的汇总、待办看板和年度报告（不含下级机构的记录本身）",
};

/* Does the comma-separated list hold code? */
static bool has_role(const char *roles, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = roles; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, code, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The Chinese names of a role list in display order: "机构管理员、信息员". */
static const char *role_names(struct req *r, const char *roles)
{
	struct buf b;

	buf_init(&b, &r->arena, 512);
	for (size_t i = 0; i < auth_roles_count; i++) {
		if (!has_role(roles, auth_roles[i].code))
			continue;
		if (b.n)
			buf_puts(&b, "、");
		buf_puts(&b, auth_roles[i].name);
	}
	return buf_cstr(&b);
}

/* Login names are ASCII so they are easy to type and to read aloud (the
 * same rule as `gongkai user add`). */
static bool username_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

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


static bool is_sysadmin(struct req *r, long long user_id, int *rc)
{
	struct org platform;
	bool yes = false;

	*rc = store_org_platform(req_db(r), &r->arena, &platform);
	if (*rc == ERR_NOT_FOUND) {
		*rc = 0;
		return false;
	}
	if (*rc == 0)
		*rc = store_membership_has(req_db(r), platform.id, user_id, "sysadmin", &yes);
	return *rc == 0 && yes;
}

/* The org roles (not sysadmin) ticked in the form, as a bit set over
 * auth_roles. */
static unsigned roles_from_form(struct req *r)
{
	unsigned set = 0;

	for (size_t i = 0; i < auth_roles_count; i++) {
		if (strcmp(auth_roles[i].code, "sysadmin") == 0)
			continue;
		if (param_str(r, arena_printf(&r->arena, "role_%s", auth_roles[i].code)))
			set |= 1u << i;
	}
	return set;
}

/* The role checkboxes of a form: the org roles, ticked as in roles. */
static void role_boxes(struct req *r, struct tv *ctx, const char *key, const char *idp, const char *roles)
{
	struct tv *list = tv_set_list(ctx, key);

	for (size_t i = 0; i < auth_roles_count; i++) {
		struct tv *m;

		if (strcmp(auth_roles[i].code, "sysadmin") == 0)
			continue;
		m = tv_list_push_map(list);
		tv_set_str(m, "code", auth_roles[i].code);
		tv_set_str(m, "name", auth_roles[i].name);
		tv_set_str(m, "id", arena_printf(&r->arena, "%s-%s", idp, auth_roles[i].code));
		tv_set_bool(m, "checked", roles && has_role(roles, auth_roles[i].code));
	}
}

/* ---- the org's users page ---- */

static int users_page(struct req *r, int status, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "用户与角色"), *list, *legend;
	struct member *ms;
	size_t n;
	int rc;

	if ((rc = store_org_members(req_db(r), &r->arena, r->org.id, &ms, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_int(ctx, "count", (long long)n);
	list = tv_set_list(ctx, "members");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "username", ms[i].u.username);
		tv_set_str(m, "display_name", ms[i].u.display_name);
		tv_set_str(m, "roles", role_names(r, ms[i].roles));
		tv_set_bool(m, "disabled", ms[i].u.disabled);
		tv_set_bool(m, "must_change", ms[i].u.must_change_password);
		tv_set_bool(m, "totp", ms[i].u.totp_secret != NULL);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/users/%lld", r->org.slug, ms[i].u.id));
	}
	/* the forms keep what was typed when they come back with an error */
	tv_set_str(ctx, "new_username", param_str(r, "username"));
	tv_set_str(ctx, "new_display_name", param_str(r, "display_name"));
	{
		unsigned set = status == 200 ? 0 : roles_from_form(r);
		struct buf b;

		buf_init(&b, &r->arena, 256);
		for (size_t i = 0; i < auth_roles_count; i++)
			if (set & (1u << i))
				buf_printf(&b, "%s%s", b.n ? "," : "", auth_roles[i].code);
		role_boxes(r, ctx, "new_roles", "new", buf_cstr(&b));
		role_boxes(r, ctx, "add_roles", "add", buf_cstr(&b));
	}
	/* what each role may do, from the one permission table */
	legend = tv_set_list(ctx, "legend");
	for (size_t i = 0; i < auth_roles_count; i++) {
		struct tv *m = tv_list_push_map(legend);
		struct buf b;

		buf_init(&b, &r->arena, 1024);
		if (auth_roles[i].perms == ~0u) {
			buf_puts(&b, "平台上所有机构的全部权限，授予和取消系统管理员（属于平台机构，不属于某个机构）");
		} else {
			for (int p = 0; p < PERM_COUNT; p++)
				if (auth_roles[i].perms & (1u << p))
					buf_printf(&b, "%s%s", b.n ? "；" : "", perm_labels[p]);
		}
		tv_set_str(m, "name", auth_roles[i].name);
		tv_set_str(m, "code", auth_roles[i].code);
		tv_set_str(m, "can", buf_cstr(&b));
	}
	return respond_html(r, status, "admin_users", ctx);
}

int h_users(struct req *r)
{
	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	return users_page(r, 200, NULL, NULL);
}

/* ---- one member ---- */

/* The member r->id of the request's org with their roles there;
 * ERR_NOT_FOUND when they hold none (a user of another org only). */
static int member_get(struct req *r, long long id, struct member *m)
{
	int rc = store_user_by_id(req_db(r), &r->arena, id, &m->u);

	if (rc == 0)
		rc = store_membership_roles(req_db(r), &r->arena, r->org.id, id, &m->roles);
	if (rc == 0 && !*m->roles)
		rc = ERR_NOT_FOUND;
	return rc;
}

/* The member page; onetime: a password just generated, shown this once. */
static int user_page(struct req *r, int status, long long id, const char *error, const char *notice,
		     const char *onetime)
{
	struct tv *ctx, *u;
	struct member m;
	bool actor_sys;
	int rc = member_get(r, id, &m);

	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "本机构没有这个用户。");
	if (rc)
		return respond_server_error(r, rc);
	actor_sys = is_sysadmin(r, r->user.id, &rc);
	if (rc)
		return respond_server_error(r, rc);
	ctx = page_ctx(r, arena_printf(&r->arena, "用户 %s", m.u.username));
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_str(ctx, "onetime", onetime);
	u = tv_set_map(ctx, "member");
	tv_set_int(u, "id", m.u.id);
	tv_set_str(u, "username", m.u.username);
	tv_set_str(u, "display_name", m.u.display_name);
	tv_set_str(u, "roles", role_names(r, m.roles));
	tv_set_bool(u, "disabled", m.u.disabled);
	tv_set_bool(u, "must_change", m.u.must_change_password);
	tv_set_bool(u, "totp", m.u.totp_secret != NULL);
	tv_set_bool(u, "self", m.u.id == r->user.id);
	tv_set_str(u, "created", view_at_cn(r, m.u.created_at));
	tv_set_str(u, "password_changed", view_at_cn(r, m.u.password_changed_at));
	tv_set_str(u, "base", arena_printf(&r->arena, "/admin/o/%s/users/%lld", r->org.slug, m.u.id));
	role_boxes(r, ctx, "roles", "role", m.roles);
	if (actor_sys) {
		bool sys = is_sysadmin(r, m.u.id, &rc);

		if (rc)
			return respond_server_error(r, rc);
		tv_set_bool(ctx, "actor_sysadmin", true);
		tv_set_bool(ctx, "member_sysadmin", sys);
	}
	tv_set_str(ctx, "users_url", arena_printf(&r->arena, "/admin/o/%s/users", r->org.slug));
	return respond_html(r, status, "admin_user", ctx);
}

int h_user(struct req *r)
{
	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	return user_page(r, 200, r->id, NULL, NULL, NULL);
}

/* In a transaction: roll back and show the member page with an error. */
static int user_refuse(struct req *r, int status, const char *msg)
{
	db_rollback(req_db(r));
	return user_page(r, status, r->id, msg, NULL, NULL);
}

/* Would target (enabled, an orgadmin of org_id) leave org_id without an
 * enabled orgadmin? */
static int last_orgadmin(struct req *r, long long org_id, long long target, bool *last)
{
	long long others;
	int rc = store_membership_count(req_db(r), org_id, "orgadmin", target, &others);

	*last = rc == 0 && others == 0;
	return rc;
}

/* May the actor act on target's account itself (password, disabled), which
 * every org the target works in shares? *why says why not. */
static int account_scope(struct req *r, long long target, bool *ok, const char **why)
{
	struct membership *ms;
	size_t n;
	int rc;

	*ok = false;
	*why = NULL;
	if (is_sysadmin(r, r->user.id, &rc) || rc) {
		*ok = rc == 0;
		return rc;
	}
	if ((rc = store_user_memberships(req_db(r), &r->arena, target, &ms, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		bool can = false;

		if (strcmp(ms[i].org_kind, "agency") != 0) {
			*why = "该用户是系统管理员，只有系统管理员可以重置其密码或停用其账号。";
			return 0;
		}
		if ((rc = auth_can(req_db(r), r->user.id, ms[i].org_id, PERM_ADMIN, &can)))
			return rc;
		if (!can) {
			*why = arena_printf(&r->arena,
					    "该用户还在“%s”任职，账号由各机构共用：请系统管理员或该机构的管理员操作。",
					    ms[i].org_name);
			return 0;
		}
	}
	*ok = true;
	return 0;
}

int h_user_roles(struct req *r)
{
	bool want_sys = param_str(r, "role_sysadmin") != NULL, shown_sys = param_str(r, "sysadmin_field") != NULL;
	bool actor_sys, member_sys = false, last;
	unsigned set = roles_from_form(r);
	struct member m;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if (!set)
		return user_page(r, 400, r->id, "请至少选择一个角色；要让该用户离开本机构，请用“移出本机构”。", NULL, NULL);
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = member_get(r, r->id, &m);
	if (rc == ERR_NOT_FOUND) {
		db_rollback(req_db(r));
		return respond_error(r, 404, "本机构没有这个用户。");
	}
	if (rc)
		goto fail;
	actor_sys = is_sysadmin(r, r->user.id, &rc);
	if (rc)
		goto fail;
	if ((want_sys || shown_sys) && !actor_sys) {
		db_rollback(req_db(r));
		return respond_error(r, 403, "只有系统管理员可以授予或取消系统管理员角色。");
	}
	if (has_role(m.roles, "orgadmin") && !param_str(r, "role_orgadmin")) {
		/* taking away an orgadmin role */
		if (m.u.id == r->user.id)
			return user_refuse(r, 409, "不能取消您自己的机构管理员角色：请由本机构的另一位机构管理员操作。");
		if (!m.u.disabled) {
			if ((rc = last_orgadmin(r, r->org.id, m.u.id, &last)))
				goto fail;
			if (last)
				return user_refuse(r, 409,
						   "不能取消本机构最后一位机构管理员的角色：请先为另一位用户授予机构管理员。");
		}
	}
	/* the roles of this org become what was ticked */
	for (size_t i = 0; i < auth_roles_count; i++) {
		const char *code = auth_roles[i].code;

		if (strcmp(code, "sysadmin") == 0)
			continue;
		if ((set & (1u << i)) && !has_role(m.roles, code))
			rc = store_membership_add(req_db(r), r->org.id, m.u.id, code);
		else if (!(set & (1u << i)) && has_role(m.roles, code))
			rc = store_membership_remove(req_db(r), r->org.id, m.u.id, code, NULL);
		if (rc)
			goto fail;
	}
	if (actor_sys && shown_sys) {
		struct org platform;

		member_sys = is_sysadmin(r, m.u.id, &rc);
		if (rc || (rc = store_org_platform(req_db(r), &r->arena, &platform)))
			goto fail;
		if (want_sys && !member_sys) {
			rc = store_membership_add(req_db(r), platform.id, m.u.id, "sysadmin");
		} else if (!want_sys && member_sys) {
			if (m.u.id == r->user.id)
				return user_refuse(r, 409, "不能取消您自己的系统管理员角色：请由另一位系统管理员操作。");
			rc = store_membership_remove(req_db(r), platform.id, m.u.id, "sysadmin", NULL);
		}
		if (rc)
			goto fail;
	}
	if ((rc = db_commit(req_db(r))))
		goto fail;
	log_info("roles of %s in %s changed by %s", m.u.username, r->org.slug, r->user.username);
	return user_page(r, 200, m.u.id, NULL, "角色已保存。", NULL);
fail:
	db_rollback(req_db(r));
	return respond_server_error(r, rc);
}

int h_user_remove(struct req *r)
{
	struct member m;
	bool last;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = member_get(r, r->id, &m);
	if (rc == ERR_NOT_FOUND) {
		db_rollback(req_db(r));
		return respond_error(r, 404, "本机构没有这个用户。");
	}
	if (rc)
		goto fail;
	if (has_role(m.roles, "orgadmin")) {
		if (m.u.id == r->user.id)
			return user_refuse(r, 409, "不能把自己移出本机构（会取消您自己的机构管理员角色）。");
		if (!m.u.disabled) {
			if ((rc = last_orgadmin(r, r->org.id, m.u.id, &last)))
				goto fail;
			if (last)
				return user_refuse(r, 409, "不能移出本机构最后一位机构管理员：请先为另一位用户授予机构管理员。");
		}
	}
	if ((rc = store_membership_remove(req_db(r), r->org.id, m.u.id, NULL, NULL)) ||
	    (rc = db_commit(req_db(r))))
		goto fail;
	log_info("%s removed from %s by %s", m.u.username, r->org.slug, r->user.username);
	return users_page(r, 200, NULL, arena_printf(&r->arena, "已将 %s 移出本机构（账号本身保留）。", m.u.username));
fail:
	db_rollback(req_db(r));
	return respond_server_error(r, rc);
}

/* Load member r->id for an action on the account itself, inside a
 * transaction: 0 when it may go on; otherwise responded (and rolled back)
 * and *done set. */
static int account_action_begin(struct req *r, struct member *m, const char *what, bool *done)
{
	const char *why;
	bool ok;
	int rc;

	*done = true;
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = member_get(r, r->id, m);
	if (rc == ERR_NOT_FOUND) {
		db_rollback(req_db(r));
		return respond_error(r, 404, "本机构没有这个用户。");
	}
	if (rc == 0)
		rc = account_scope(r, m->u.id, &ok, &why);
	if (rc) {
		db_rollback(req_db(r));
		return respond_server_error(r, rc);
	}
	if (m->u.id == r->user.id)
		return user_refuse(r, 409, arena_printf(&r->arena, "不能%s您自己的账号。", what));
	if (!ok)
		return user_refuse(r, 403, why);
	*done = false;
	return 0;
}

int h_user_disable(struct req *r)
{
	struct membership *ms;
	struct member m;
	size_t n;
	char now[21];
	bool done, last;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = account_action_begin(r, &m, "停用", &done)) || done)
		return rc;
	/* no org may lose its last enabled orgadmin this way either */
	if ((rc = store_user_memberships(req_db(r), &r->arena, m.u.id, &ms, &n)))
		goto fail;
	for (size_t i = 0; i < n && !m.u.disabled; i++) {
		if (strcmp(ms[i].role, "orgadmin") != 0)
			continue;
		if ((rc = last_orgadmin(r, ms[i].org_id, m.u.id, &last)))
			goto fail;
		if (last)
			return user_refuse(r, 409, arena_printf(&r->arena,
								"不能停用“%s”最后一位机构管理员的账号：请先为另一位用户授予机构管理员。",
								ms[i].org_name));
	}
	time_format_utc(time(NULL), now);
	/* the account's sessions and pending logins end with it */
	if ((rc = store_user_set_disabled(req_db(r), m.u.id, true, now)) ||
	    (rc = store_session_delete_user(req_db(r), m.u.id)) ||
	    (rc = store_login_pending_delete_user(req_db(r), m.u.id)) || (rc = db_commit(req_db(r))))
		goto fail;
	log_info("account %s disabled by %s", m.u.username, r->user.username);
	return user_page(r, 200, m.u.id, NULL, "账号已停用，该用户的所有登录已退出。", NULL);
fail:
	db_rollback(req_db(r));
	return respond_server_error(r, rc);
}

int h_user_enable(struct req *r)
{
	struct member m;
	char now[21];
	bool done;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = account_action_begin(r, &m, "启用", &done)) || done)
		return rc;
	time_format_utc(time(NULL), now);
	if ((rc = store_user_set_disabled(req_db(r), m.u.id, false, now)) || (rc = db_commit(req_db(r)))) {
		db_rollback(req_db(r));
		return respond_server_error(r, rc);
	}
	log_info("account %s enabled by %s", m.u.username, r->user.username);
	return user_page(r, 200, m.u.id, NULL, "账号已启用。", NULL);
}

int h_user_reset_password(struct req *r)
{
	const char *pw, *hash;
	struct member m;
	char now[21];
	bool done;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = auth_random_password(&r->arena, &pw)) || (rc = auth_hash_password(&r->arena, pw, &hash)))
		return respond_server_error(r, rc);
	if ((rc = account_action_begin(r, &m, "重置", &done)) || done)
		return rc;
	time_format_utc(time(NULL), now);
	/* a one-time password, to be changed at the next login; every session
	 * and pending login of the account ends */
	if ((rc = store_user_set_password(req_db(r), m.u.id, hash, now)) ||
	    (rc = store_user_set_must_change(req_db(r), m.u.id, true, now)) ||
	    (rc = store_session_delete_user(req_db(r), m.u.id)) ||
	    (rc = store_login_pending_delete_user(req_db(r), m.u.id)) || (rc = db_commit(req_db(r)))) {
		db_rollback(req_db(r));
		return respond_server_error(r, rc);
	}
	log_info("password of %s reset by %s", m.u.username, r->user.username);
	return user_page(r, 200, m.u.id, NULL, "密码已重置，该用户的所有登录已退出。", pw);
}

/* ---- adding users ---- */

int h_users_create(struct req *r)
{
	const char *name = param_str(r, "username"), *display = param_str(r, "display_name"), *pw, *hash;
	unsigned set = roles_from_form(r);
	struct user u;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if (!username_ok(name))
		return users_page(r, 400, "用户名只能用字母、数字和 . _ -，以字母或数字开头，不超过 64 个字符。", NULL);
	if (!display || !utf8_line_ok(display, DISPLAY_MAX))
		return users_page(r, 400, "请填写姓名（不超过 50 个字）。", NULL);
	if (!set)
		return users_page(r, 400, "请至少选择一个角色。", NULL);
	if ((rc = auth_random_password(&r->arena, &pw)) || (rc = auth_hash_password(&r->arena, pw, &hash)))
		return respond_server_error(r, rc);
	time_format_utc(time(NULL), now);
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = store_user_by_name(req_db(r), &r->arena, name, &u);
	if (rc == 0) {
		db_rollback(req_db(r));
		return users_page(r, 409,
				  arena_printf(&r->arena,
					       "用户名“%s”已被使用。如果这是其他机构的工作人员，请用“添加已有用户”把其加入本机构。",
					       name),
				  NULL);
	}
	if (rc != ERR_NOT_FOUND)
		goto fail;
	u = (struct user){ .org_id = r->org.id, .username = name, .display_name = display, .password_hash = hash };
	if ((rc = store_user_insert(req_db(r), &u, now)) ||
	    (rc = store_user_set_must_change(req_db(r), u.id, true, now)))
		goto fail;
	for (size_t i = 0; i < auth_roles_count; i++)
		if ((set & (1u << i)) && (rc = store_membership_add(req_db(r), r->org.id, u.id, auth_roles[i].code)))
			goto fail;
	if ((rc = db_commit(req_db(r))))
		goto fail;
	log_info("user %s created in %s by %s", name, r->org.slug, r->user.username);
	return user_page(r, 200, u.id, NULL, "用户已创建。", pw);
fail:
	db_rollback(req_db(r));
	if (rc == ERR_CONFLICT)
		return users_page(r, 409, "用户名已被使用，请换一个。", NULL);
	return respond_server_error(r, rc);
}

int h_users_add(struct req *r)
{
	const char *name = param_str(r, "username"), *roles;
	unsigned set = roles_from_form(r);
	struct user u;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if (!name)
		return users_page(r, 400, "请填写要添加的用户名。", NULL);
	if (!set)
		return users_page(r, 400, "请至少选择一个角色。", NULL);
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = store_user_by_name(req_db(r), &r->arena, name, &u);
	if (rc == ERR_NOT_FOUND) {
		db_rollback(req_db(r));
		return users_page(r, 404, arena_printf(&r->arena, "没有用户名为“%s”的账号。新工作人员请用“新建用户”。", name),
				  NULL);
	}
	if (rc == 0)
		rc = store_membership_roles(req_db(r), &r->arena, r->org.id, u.id, &roles);
	if (rc)
		goto fail;
	if (*roles) {
		db_rollback(req_db(r));
		return users_page(r, 409, arena_printf(&r->arena, "%s 已在本机构，请在其页面修改角色。", name), NULL);
	}
	for (size_t i = 0; i < auth_roles_count; i++)
		if ((set & (1u << i)) && (rc = store_membership_add(req_db(r), r->org.id, u.id, auth_roles[i].code)))
			goto fail;
	if ((rc = db_commit(req_db(r))))
		goto fail;
	log_info("user %s added to %s by %s", name, r->org.slug, r->user.username);
	return user_page(r, 200, u.id, NULL, "已把该用户加入本机构。", NULL);
fail:
	db_rollback(req_db(r));
	return respond_server_error(r, rc);
}

/* ---- own account: password and the TOTP second factor ---- */

/* enrol: a key just made, shown this once with its otpauth:// URI */
static int account_page(struct req *r, int status, const char *error, const char *notice, const char *enrol)
{
	struct tv *ctx = page_ctx(r, "我的账号");
	const char *pending = NULL;
	int rc;

	if ((rc = store_user_totp_pending(req_db(r), &r->arena, r->user.id, &pending)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_str(ctx, "username", r->user.username);
	tv_set_str(ctx, "display_name", r->user.display_name);
	tv_set_str(ctx, "password_changed", view_at_cn(r, r->user.password_changed_at));
	tv_set_bool(ctx, "totp_on", r->user.totp_secret != NULL);
	tv_set_bool(ctx, "totp_pending", !r->user.totp_secret && pending);
	if (enrol) {
		const char *grouped, *uri;

		if ((rc = totp_secret_grouped(&r->arena, enrol, &grouped)) ||
		    (rc = totp_uri(&r->arena, TOTP_ISSUER, r->user.username, enrol, &uri)))
			return respond_server_error(r, rc);
		tv_set_str(ctx, "enrol_secret", grouped);
		tv_set_str(ctx, "enrol_uri", uri);
	}
	return respond_html(r, status, "admin_account", ctx);
}

int h_account(struct req *r)
{
	return account_page(r, 200, NULL, NULL, NULL);
}

int h_account_totp_enrol(struct req *r)
{
	const char *pw = param_str(r, "password"), *secret;
	char now[21];
	int rc;

	if (r->user.totp_secret)
		return account_page(r, 409, "双重验证已经开启。", NULL, NULL);
	if (!pw || !auth_check_password(r->user.password_hash, pw))
		return account_page(r, 403, "密码不正确。", NULL, NULL);
	time_format_utc(time(NULL), now);
	if ((rc = totp_secret_new(&r->arena, &secret)) ||
	    (rc = store_user_totp_set_pending(req_db(r), r->user.id, secret, now)))
		return respond_server_error(r, rc);
	log_info("totp enrolment started by %s", r->user.username);
	return account_page(r, 200, NULL, "请在验证器应用中添加下面的密钥，再输入它显示的 6 位验证码完成开启。", secret);
}

int h_account_totp_confirm(struct req *r)
{
	const char *pending = NULL;
	long long step;
	char now[21];
	time_t t = time(NULL);
	int rc;

	if (r->user.totp_secret)
		return account_page(r, 409, "双重验证已经开启。", NULL, NULL);
	if ((rc = store_user_totp_pending(req_db(r), &r->arena, r->user.id, &pending)))
		return respond_server_error(r, rc);
	if (!pending)
		return account_page(r, 409, "请先输入密码，开始设置双重验证。", NULL, NULL);
	rc = totp_check(pending, t, -1, param_str(r, "code"), &step);
	if (rc == ERR_INVALID)
		return account_page(r, 403, "验证码不正确。请确认手机时间准确，并输入验证器当前显示的 6 位数字。", NULL,
				    NULL);
	if (rc)
		return respond_server_error(r, rc);
	time_format_utc(t, now);
	/* on, and every other session of the account ends */
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = store_user_totp_enable(req_db(r), r->user.id, pending, step, now);
	if (rc == 0)
		rc = store_session_delete_others(req_db(r), r->user.id, r->sess.id);
	if (rc == 0)
		rc = db_commit(req_db(r));
	if (rc) {
		db_rollback(req_db(r));
		if (rc == ERR_CONFLICT)
			return account_page(r, 409, "设置已在其他页面重新开始，请按最新的密钥操作。", NULL, NULL);
		return respond_server_error(r, rc);
	}
	log_info("totp switched on by %s", r->user.username);
	r->user.totp_secret = pending;
	return account_page(r, 200, NULL, "双重验证已开启：今后登录时，输入密码后还须输入验证器显示的验证码。其他设备上的登录已退出。",
			    NULL);
}

int h_account_totp_off(struct req *r)
{
	const char *pw = param_str(r, "password");
	long long step;
	char now[21];
	time_t t = time(NULL);
	int rc;

	if (!r->user.totp_secret)
		return account_page(r, 409, "双重验证没有开启。", NULL, NULL);
	if (!pw || !auth_check_password(r->user.password_hash, pw))
		return account_page(r, 403, "密码不正确。", NULL, NULL);
	rc = totp_check(r->user.totp_secret, t, r->user.totp_last_step, param_str(r, "code"), &step);
	if (rc == 0)
		rc = store_user_totp_use_step(req_db(r), r->user.id, step);
	if (rc == ERR_INVALID)
		return account_page(r, 403, "验证码不正确。", NULL, NULL);
	if (rc == ERR_CONFLICT)
		return account_page(r, 403, "这个验证码已经用过，请等验证器显示新的验证码后再输入。", NULL, NULL);
	time_format_utc(t, now);
	if (rc || (rc = store_user_totp_clear(req_db(r), r->user.id, now)))
		return respond_server_error(r, rc);
	log_info("totp switched off by %s", r->user.username);
	r->user.totp_secret = NULL;
	return account_page(r, 200, NULL, "双重验证已关闭。", NULL);
}
