/* h_admin.c - staff pages: login, the item list, the item form with its
 * workflow actions and attachments, the 指南 editor. */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/auth/totp.h"
#include "domain/catalog/catalog.h"
#include "domain/catalog/filetype.h"
#include "http/h_items.h"
#include "http/h_deliveries.h"
#include "http/http.h"
#include "http/static_site.h"
#include "http/view.h"
#include "render/html.h"
#include "render/markdown.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/item_review.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/user.h"
#include "core/banned.h"

#define STAFF_PER_PAGE 30

static void now_utc(char out[21])
{
	time_format_utc(time(NULL), out);
}

/* ---- login ---- */

#define SESSION_SECONDS (12 * 3600)
#define PENDING_SECONDS 300 /* how long the TOTP code form of a login lasts */
#define LOGIN_EXPIRED "登录已超时，请重新输入用户名和密码。"

static int login_page_as(struct req *r, int status, const char *error, const char *username)
{
	struct tv *ctx = page_ctx(r, "工作人员登录");

	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "username", username);
	return respond_html(r, status, "login", ctx);
}

static int login_page(struct req *r, int status, const char *error)
{
	return login_page_as(r, status, error, param_str(r, "username"));
}

int h_login_form(struct req *r)
{
	if (r->staff)
		return respond_redirect(r, "/admin/");
	return login_page(r, 200, NULL);
}

/* "2024-09-20T02:03:04Z" as a time_t; 0 when empty or not such a time. */
static time_t iso_time(const char *iso)
{
	int y, mo, d, h, mi, s;

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
		return 0;
	return (time_t)date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Seconds since the last of some failures (a long time when none). */
static long since_last(time_t now, const struct login_failures *f)
{
	time_t t = iso_time(f->last_at);

	return f->count && t ? (long)(now - t) : AUTH_LOCKOUT_WINDOW;
}

/* {"username": name} for the audit trail (arena; NULL when out of memory). */
static const char *audit_who(struct req *r, const char *name)
{
	json_t *j = json_pack("{s:s}", "username", name ? name : "");
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	const char *out = s ? arena_strdup(&r->arena, s) : NULL;

	free(s);
	json_decref(j);
	return out;
}

/* The seconds the name and the request's address must still wait before
 * another try (0: not locked); the same whether or not the name is an
 * account. */
static int lockout_wait(struct req *r, const char *name, time_t t, long *wait)
{
	struct login_failures fu, fi;
	char since[21];
	int rc;

	time_format_utc(t - AUTH_LOCKOUT_WINDOW, since);
	if ((rc = store_login_failures_by_user(req_db(r), &r->arena, name, since, &fu)) ||
	    (rc = store_login_failures_by_ip(req_db(r), &r->arena, r->ip, since, &fi)))
		return rc;
	*wait = auth_lockout_wait((int)(fu.count < 1000 ? fu.count : 1000), since_last(t, &fu),
				  (int)(fi.count < 1000 ? fi.count : 1000), since_last(t, &fi));
	if (*wait > 0)
		log_info("login locked: %s (%lld failures) from %s (%lld failures), %ld s left", name, fu.count, r->ip,
			 fi.count, *wait);
	return 0;
}

static int locked_page(struct req *r, long wait, const char *username)
{
	return login_page_as(r, 429, arena_printf(&r->arena, "登录失败次数过多，请在 %ld 分钟后再试。", (wait + 59) / 60),
			     username);
}

/* A wrong password or code: counted toward the lockout under the name as
 * typed and the address, the same way whether or not the account exists,
 * and appended to the audit trail as action (login_failed, totp_failed)
 * about u (NULL: no such account). */
static int failure_record(struct req *r, const char *name, const struct user *u, const char *action, time_t t)
{
	char now[21], forget[21];
	int rc;

	time_format_utc(t, now);
	time_format_utc(t - 24 * 3600, forget);
	if ((rc = store_login_failure_add(req_db(r), name, r->ip, now, forget)))
		return rc;
	db_set_actor(req_db(r), 0, "", r->ip);
	return store_audit_event(req_db(r), u ? u->org_id : 0, action, "users", u ? u->id : 0, audit_who(r, name));
}

static int login_failed(struct req *r, const char *name, const struct user *u, time_t t)
{
	int rc = failure_record(r, name, u, "login_failed", t);

	if (rc)
		return respond_server_error(r, rc);
	return login_page(r, 403, "用户名或密码不正确。");
}

/* Password (and code, when the second factor is on) right: a session, its
 * cookie, and the first page, which is the password form when an
 * administrator set the password. */
static int login_finish(struct req *r, const struct user *u, time_t t)
{
	const char *token, *hash, *csrf;
	char now[21], exp[21];
	int rc;

	if ((rc = auth_random_token(&r->arena, 32, &token)) || (rc = auth_token_hash(&r->arena, token, &hash)) ||
	    (rc = auth_random_token(&r->arena, 32, &csrf)))
		return respond_server_error(r, rc);
	time_format_utc(t, now);
	time_format_utc(t + SESSION_SECONDS, exp);
	db_set_actor(req_db(r), u->id, u->username, r->ip);
	rc = store_session_insert(req_db(r), u->org_id, u->id, hash, csrf, r->ip,
				  MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "User-Agent"), now, exp);
	if (rc == 0)
		rc = store_login_failures_clear(req_db(r), u->username);
	if (rc == 0)
		rc = store_audit_event(req_db(r), u->org_id, "login", "users", u->id, audit_who(r, u->username));
	if (rc)
		return respond_server_error(r, rc);
	log_info("login: %s from %s", u->username, r->ip);
	r->set_cookie = arena_printf(&r->arena, "gk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
				     SESSION_SECONDS);
	return respond_redirect(r, u->must_change_password ? "/admin/password" : "/admin/");
}

/* The second step of a login with TOTP on: a pending login of u (not a
 * session: it opens no page) expiring at expires (NULL: PENDING_SECONDS
 * from t), whose single-use token the code form sends back. */
static int totp_form(struct req *r, const struct user *u, time_t t, const char *expires, int status,
		     const char *error)
{
	const char *token, *hash;
	char now[21], exp[21];
	struct tv *ctx;
	int rc;

	time_format_utc(t, now);
	if (!expires) {
		time_format_utc(t + PENDING_SECONDS, exp);
		expires = exp;
	}
	if ((rc = auth_random_token(&r->arena, 32, &token)) || (rc = auth_token_hash(&r->arena, token, &hash)) ||
	    (rc = store_login_pending_add(req_db(r), u->id, hash, r->ip, now, expires)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "动态验证码");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "token", token);
	tv_set_str(ctx, "username", u->username);
	return respond_html(r, status, "login_totp", ctx);
}

int h_login(struct req *r)
{
	const char *name = param_str(r, "username"), *pw = param_str(r, "password");
	struct user u;
	time_t t = time(NULL);
	long wait;
	int rc;

	if (!name || !pw)
		return login_page(r, 400, "请输入用户名和密码。");
	/* the lockout comes before the password, by name and by address, and
	 * reads the same whether or not the account exists */
	if ((rc = lockout_wait(r, name, t, &wait)))
		return respond_server_error(r, rc);
	if (wait > 0)
		return locked_page(r, wait, name);
	rc = store_user_by_name(req_db(r), &r->arena, name, &u);
	if (rc && rc != ERR_NOT_FOUND)
		return respond_server_error(r, rc);
	/* the same work and the same answer whether or not the account exists */
	if (rc == ERR_NOT_FOUND) {
		auth_check_password(r->app->dummy_hash, pw);
		return login_failed(r, name, NULL, t);
	}
	if (u.disabled || !auth_check_password(u.password_hash, pw))
		return login_failed(r, name, &u, t);
	if (u.totp_secret)
		return totp_form(r, &u, t, NULL, 200, NULL);
	return login_finish(r, &u, t);
}

int h_login_totp(struct req *r)
{
	const char *tok = param_str(r, "token"), *hash, *expires, *msg;
	struct user u;
	long long uid, step;
	char now[21];
	time_t t = time(NULL);
	long wait;
	int rc;

	time_format_utc(t, now);
	if (!tok)
		return login_page(r, 403, LOGIN_EXPIRED);
	if ((rc = auth_token_hash(&r->arena, tok, &hash)))
		return respond_server_error(r, rc);
	/* single use: taken whatever the code turns out to be */
	rc = store_login_pending_take(req_db(r), &r->arena, hash, now, &uid, &expires);
	if (rc == ERR_NOT_FOUND)
		return login_page(r, 403, LOGIN_EXPIRED);
	if (rc == 0)
		rc = store_user_by_id(req_db(r), &r->arena, uid, &u);
	if (rc == ERR_NOT_FOUND || (rc == 0 && (u.disabled || !u.totp_secret)))
		return login_page(r, 403, LOGIN_EXPIRED);
	if (rc)
		return respond_server_error(r, rc);
	/* wrong codes count toward the same lockout as wrong passwords */
	if ((rc = lockout_wait(r, u.username, t, &wait)))
		return respond_server_error(r, rc);
	if (wait > 0)
		return locked_page(r, wait, u.username);
	rc = totp_check(u.totp_secret, t, u.totp_last_step, param_str(r, "code"), &step);
	if (rc == 0)
		rc = store_user_totp_use_step(req_db(r), u.id, step); /* ERR_CONFLICT: a racing replay */
	if (rc == 0)
		return login_finish(r, &u, t);
	if (rc != ERR_INVALID && rc != ERR_CONFLICT)
		return respond_server_error(r, rc);
	msg = rc == ERR_CONFLICT ? "这个验证码已经用过，请等验证器显示新的验证码后再输入。" : "验证码不正确。";
	log_info("totp failed: %s from %s%s", u.username, r->ip, rc == ERR_CONFLICT ? " (replayed code)" : "");
	if ((rc = failure_record(r, u.username, &u, "totp_failed", t)))
		return respond_server_error(r, rc);
	/* a new single-use token for the next try, no longer-lived than this one */
	return totp_form(r, &u, t, expires, 403, msg);
}

int h_logout(struct req *r)
{
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "gk_session");
	const char *hash;

	if (tok && auth_token_hash(&r->arena, tok, &hash) == 0)
		store_session_delete(req_db(r), hash);
	if (r->staff) {
		int rc;

		db_set_actor(req_db(r), r->user.id, r->user.username, r->ip);
		if ((rc = store_audit_event(req_db(r), r->user.org_id, "logout", "users", r->user.id,
					    audit_who(r, r->user.username))))
			log_error("logout of %s: audit: %s", r->user.username, err_name(rc));
	}
	r->set_cookie = "gk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
	return respond_redirect(r, "/admin/login");
}

/* ---- own password ---- */

bool req_password_fresh_or_respond(struct req *r)
{
	handler_fn fn = r->route ? r->route->fn : NULL;

	if (!r->staff || !r->user.must_change_password || fn == h_password_form || fn == h_password ||
	    fn == h_logout)
		return true;
	if (r->method == M_POST)
		respond_error(r, 403, "请先修改密码：管理员为您设置的一次性密码须在登录后立即修改。");
	else
		respond_redirect(r, "/admin/password");
	return false;
}

static int password_page(struct req *r, int status, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "修改密码");

	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "must_change", r->user.must_change_password);
	return respond_html(r, status, "admin_password", ctx);
}

int h_password_form(struct req *r)
{
	return password_page(r, 200, NULL, NULL);
}

int h_password(struct req *r)
{
	const char *cur = param_str(r, "current"), *nw = param_str(r, "new"), *again = param_str(r, "again");
	const char *weak, *hash, *token, *thash;
	bool forced = r->user.must_change_password;
	char now[21], exp[21];
	int rc;

	if (!cur || !auth_check_password(r->user.password_hash, cur))
		return password_page(r, 403, "当前密码不正确。", NULL);
	if (!nw || !again || strcmp(nw, again) != 0)
		return password_page(r, 400, "两次输入的新密码不一致。", NULL);
	if (strcmp(nw, cur) == 0)
		return password_page(r, 400, "新密码不能与当前密码相同。", NULL);
	if ((weak = auth_password_weak_for(nw, r->user.username)))
		return password_page(r, 400, weak, NULL);
	if ((rc = auth_hash_password(&r->arena, nw, &hash)))
		return respond_server_error(r, rc);
	now_utc(now);
	time_format_utc(time(NULL) + SESSION_SECONDS, exp);
	/* every other session (and half-done login) of the account ends; this
	 * one starts afresh */
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	if ((rc = store_user_set_password(req_db(r), r->user.id, hash, now)) ||
	    (rc = store_session_delete_user(req_db(r), r->user.id)) ||
	    (rc = store_login_pending_delete_user(req_db(r), r->user.id)) ||
	    (rc = auth_random_token(&r->arena, 32, &token)) || (rc = auth_token_hash(&r->arena, token, &thash)) ||
	    (rc = store_session_insert(req_db(r), r->sess.org_id, r->user.id, thash, r->csrf, r->ip,
				       MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "User-Agent"), now, exp)) ||
	    (rc = db_commit(req_db(r)))) {
		db_rollback(req_db(r));
		return respond_server_error(r, rc);
	}
	log_info("password changed: %s from %s", r->user.username, r->ip);
	r->set_cookie = arena_printf(&r->arena, "gk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
				     SESSION_SECONDS);
	r->user.must_change_password = false;
	return password_page(r, 200, NULL,
			     forced ? "密码已修改，现在可以使用工作台了。" : "密码已修改，其他设备上的登录已失效。");
}

/* ---- own sessions (登录会话) ---- */


static int sessions_page(struct req *r, const char *notice)
{
	struct tv *ctx = page_ctx(r, "登录会话"), *list;
	struct session_row *rows;
	size_t n;
	char now[21];
	int rc;

	now_utc(now);
	if ((rc = store_session_list_user(req_db(r), &r->arena, r->user.id, now, &rows, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "notice", notice);
	tv_set_int(ctx, "count", (long long)n);
	tv_set_bool(ctx, "others", n > 1);
	list = tv_set_list(ctx, "sessions");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_int(m, "id", rows[i].id);
		tv_set_str(m, "created", view_at_cn(r, rows[i].created_at));
		tv_set_str(m, "expires", view_at_cn(r, rows[i].expires_at));
		tv_set_str(m, "ip", rows[i].ip);
		tv_set_str(m, "user_agent", rows[i].user_agent);
		tv_set_bool(m, "current", rows[i].id == r->sess.id);
		tv_set_str(m, "delete_url", arena_printf(&r->arena, "/admin/sessions/%lld/delete", rows[i].id));
	}
	return respond_html(r, 200, "admin_sessions", ctx);
}

int h_admin_sessions(struct req *r)
{
	return sessions_page(r, NULL);
}

int h_admin_session_delete(struct req *r)
{
	int rc = store_session_delete_id(req_db(r), r->user.id, r->id);

	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个登录会话。");
	if (rc)
		return respond_server_error(r, rc);
	log_info("session %lld of %s ended from %s", r->id, r->user.username, r->ip);
	if (r->id == r->sess.id) {
		r->set_cookie = "gk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
		return respond_redirect(r, "/admin/login");
	}
	return respond_redirect(r, "/admin/sessions");
}

int h_admin_sessions_delete_others(struct req *r)
{
	int rc = store_session_delete_others(req_db(r), r->user.id, r->sess.id);

	if (rc)
		return respond_server_error(r, rc);
	log_info("other sessions of %s ended from %s", r->user.username, r->ip);
	return sessions_page(r, "其他所有会话已退出。");
}

/* ---- dashboard ---- */

int h_admin_home(struct req *r)
{
	struct tv *ctx = page_ctx(r, "工作台"), *list;
	struct org *orgs;
	size_t n;
	bool sysadmin = false;
	struct org platform;
	int rc;

	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) == 0)
		rc = store_membership_has(req_db(r), platform.id, r->user.id, "sysadmin", &sysadmin);
	if (rc && rc != ERR_NOT_FOUND)
		return respond_server_error(r, rc);
	rc = sysadmin ? store_org_list(req_db(r), &r->arena, &orgs, &n)
		      : store_membership_orgs(req_db(r), &r->arena, r->user.id, &orgs, &n);
	if (rc)
		return respond_server_error(r, rc);
	if (n == 1 && !sysadmin)
		return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/items", orgs[0].slug));
	tv_set_bool(ctx, "sysadmin", sysadmin);
	list = tv_set_list(ctx, "orgs");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "name", orgs[i].name);
		tv_set_str(m, "slug", orgs[i].slug);
	}
	return respond_html(r, 200, "admin_home", ctx);
}

/* ---- items ---- */

static const char *const status_values[] = { "draft", "pending", "published", "withdrawn" };

int h_admin_items(struct req *r)
{
	struct item_filter f = { .org_id = r->org.id, .limit = STAFF_PER_PAGE };
	const char *status = param_str(r, "status"), *q = param_str(r, "q");
	long long page = param_int(r, "page", 1), total;
	struct item_row *rows;
	size_t n;
	struct tv *ctx, *sl, *list;
	struct buf base;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (status) {
		bool known = false;

		for (size_t i = 0; i < 4; i++)
			known = known || strcmp(status, status_values[i]) == 0;
		if (!known)
			return respond_error(r, 400, "未知的状态。");
	}
	f.status = status;
	f.title_like = q;
	f.category_id = param_int(r, "category", 0);
	f.offset = (page - 1) * STAFF_PER_PAGE;
	if ((rc = store_item_list(req_db(r), &r->arena, &f, &rows, &n, &total)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "信息管理");
	tv_set_str(ctx, "q", q);
	tv_set_int(ctx, "total", total);
	sl = tv_set_list(ctx, "statuses");
	for (size_t i = 0; i < 4; i++) {
		struct tv *m = tv_list_push_map(sl);

		tv_set_str(m, "value", status_values[i]);
		tv_set_str(m, "label", catalog_status_label(status_values[i]));
		tv_set_bool(m, "selected", status && strcmp(status, status_values[i]) == 0);
	}
	/* staff rows link to the editor and show the status in Chinese */
	list = tv_set_list(ctx, "rows");
	{
		for (size_t i = 0; i < n; i++) {
			struct tv *m = tv_list_push_map(list);

			tv_set_str(m, "edit_url", arena_printf(&r->arena, "/admin/o/%s/items/%lld", r->org.slug, rows[i].id));
			tv_set_str(m, "title", rows[i].title);
			tv_set_str(m, "index_no", rows[i].index_no);
			tv_set_str(m, "doc_no", rows[i].doc_no);
			tv_set_str(m, "category", rows[i].category);
			tv_set_str(m, "published_on", rows[i].published_on);
			tv_set_str(m, "status_label", catalog_status_label(rows[i].status));
			tv_set_str(m, "status", rows[i].status);
		}
	}
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "/admin/o/%s/items?", r->org.slug);
	if (status)
		buf_printf(&base, "status=%s&", status);
	if (q) {
		buf_puts(&base, "q=");
		url_encode_component(&base, q, strlen(q));
		buf_putc(&base, '&');
	}
	view_pager(r, ctx, page, STAFF_PER_PAGE, total, buf_cstr(&base));
	return respond_html(r, 200, "admin_items", ctx);
}

/* The item form: values from it (NULL for a new item), categories, message. */
int item_form(struct req *r, int status, const struct item *it, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, it && it->id ? "编辑信息" : "新建信息"), *m, *cl, *gl, *vl;
	struct category *cats;
	size_t ncat;
	static const char *const genres[] = { "规章", "行政规范性文件", "其他" };
	static const char *const validities[] = { "有效", "已修改", "废止", "失效" };
	int rc;

	if ((rc = store_category_list(req_db(r), &r->arena, r->org.id, &cats, &ncat)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	m = tv_set_map(ctx, "item");
	if (it) {
		tv_set_int(m, "id", it->id);
		tv_set_str(m, "title", it->title);
		tv_set_str(m, "doc_no", it->doc_no);
		tv_set_str(m, "publisher", it->publisher);
		tv_set_str(m, "written_on", it->written_on);
		tv_set_str(m, "published_on", it->published_on);
		tv_set_str(m, "topic", it->topic);
		tv_set_str(m, "validity_on", it->validity_on);
		tv_set_str(m, "summary", it->summary);
		tv_set_str(m, "body_md", it->body_md);
		tv_set_str(m, "index_no", it->index_no);
		tv_set_int(m, "version", it->version);
		tv_set_int(m, "views", it->views);
		if (it->id) {
			const char *due = NULL, *late = NULL;

			if ((rc = catalog_timeliness(req_db(r), &r->arena, it, &due, &late)))
				return respond_server_error(r, rc);
			tv_set_str(m, "due", due);
			tv_set_str(m, "late", late);
		}
		if (it->status) {
			tv_set_str(m, "status_label", catalog_status_label(it->status));
			tv_set_bool(m, "is_published", strcmp(it->status, "published") == 0);
			tv_set_str(m, "public_url", arena_printf(&r->arena, "/o/%s/items/%lld", r->org.slug, it->id));
			if (it->id && ((rc = item_review_fill(r, it, ctx, m)) || (rc = deliveries_item_fill(r, it->id, m))))
				return respond_server_error(r, rc);
		}
	} else {
		tv_set_str(m, "publisher", r->org.name);
	}
	cl = tv_set_list(ctx, "categories");
	for (size_t i = 0; i < ncat; i++) {
		struct tv *c = tv_list_push_map(cl);

		tv_set_int(c, "id", cats[i].id);
		tv_set_str(c, "name", cats[i].name);
		tv_set_bool(c, "selected", it && it->category_id == cats[i].id);
	}
	gl = tv_set_list(ctx, "genres");
	for (size_t i = 0; i < 3; i++) {
		struct tv *g = tv_list_push_map(gl);

		tv_set_str(g, "name", genres[i]);
		tv_set_bool(g, "selected", it && it->genre ? strcmp(it->genre, genres[i]) == 0 : i == 2);
	}
	vl = tv_set_list(ctx, "validities");
	for (size_t i = 0; i < 4; i++) {
		struct tv *v = tv_list_push_map(vl);

		tv_set_str(v, "name", validities[i]);
		tv_set_bool(v, "selected", it && it->validity ? strcmp(it->validity, validities[i]) == 0 : i == 0);
	}
	if (it && it->id) {
		struct attachment *atts;
		size_t na;
		struct tv *al;

		if ((rc = store_attachment_list(req_db(r), &r->arena, r->org.id, it->id, &atts, &na)))
			return respond_server_error(r, rc);
		al = tv_set_list(ctx, "attachments");
		for (size_t i = 0; i < na; i++) {
			struct tv *a = tv_list_push_map(al);

			tv_set_int(a, "id", atts[i].id);
			tv_set_str(a, "filename", atts[i].filename);
			tv_set_str(a, "mime", atts[i].mime);
			tv_set_int(a, "size", atts[i].size);
			tv_set_str(a, "url",
				   view_attachment_url(&r->arena, r->org.slug, it->id, atts[i].id, atts[i].filename));
		}
	}
	tv_set_int(ctx, "max_upload_mb", r->app->max_upload >> 20);
	return respond_html(r, status, "admin_item_form", ctx);
}

int h_admin_item_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	return item_form(r, 200, NULL, NULL, NULL);
}

/* The item as submitted in the form. */
static void item_from_form(struct req *r, struct item *it)
{
	it->org_id = r->org.id;
	it->title = param_str(r, "title");
	it->doc_no = param_str(r, "doc_no");
	it->publisher = param_str(r, "publisher");
	it->written_on = param_str(r, "written_on");
	it->category_id = param_int(r, "category_id", 0);
	it->topic = param_str(r, "topic");
	it->genre = param_str(r, "genre");
	it->validity = param_str(r, "validity");
	it->validity_on = param_str(r, "validity_on");
	it->summary = param_str(r, "summary");
	it->body_md = param_str(r, "body_md");
	if (!it->body_md)
		it->body_md = "";
	it->version = (int)param_int(r, "version", 0);
}

/* Check the form; on failure the form is shown again with the message. */
static int check_or_respond(struct req *r, struct item *it, const char **warn)
{
	struct category c;
	const char *msg = NULL;
	int rc;

	if (catalog_item_check(&r->arena, it, &msg, warn)) {
		item_form(r, 400, it, msg, NULL);
		return ERR_INVALID;
	}
	rc = store_category_by_id(req_db(r), &r->arena, r->org.id, it->category_id, &c);
	if (rc == ERR_NOT_FOUND) {
		item_form(r, 400, it, "公开类别不存在。", NULL);
		return ERR_INVALID;
	}
	if (rc) {
		respond_server_error(r, rc);
		return rc;
	}
	if ((rc = markdown_to_text(&r->arena, it->body_md, strlen(it->body_md), (size_t)-1, &it->body_text))) {
		respond_server_error(r, rc);
		return rc;
	}
	return 0;
}

int h_admin_item_create(struct req *r)
{
	struct item it = { 0 };
	const char *warn = NULL;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	item_from_form(r, &it);
	if (check_or_respond(r, &it, &warn))
		return 0;
	now_utc(now);
	it.status = "draft";
	it.created_by = r->user.id;
	it.created_at = now;
	if ((rc = store_item_insert(req_db(r), &it)))
		return respond_server_error(r, rc);
	log_info("item %lld created by %s", it.id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/items/%lld%s", r->org.slug, it.id,
						warn ? "?saved=1" : ""));
}

int h_admin_item_edit(struct req *r)
{
	struct item it;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该信息不存在。");
	if (rc)
		return respond_server_error(r, rc);
	return item_form(r, 200, &it, NULL, NULL);
}

int h_admin_item_save(struct req *r)
{
	struct item it = { 0 }, old;
	const char *warn = NULL;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &old);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该信息不存在。");
	if (rc)
		return respond_server_error(r, rc);
	if (item_locked_or_respond(r, &old))
		return 0;
	item_from_form(r, &it);
	it.id = old.id;
	it.status = old.status;
	it.index_no = old.index_no;
	it.published_on = old.published_on;
	if (check_or_respond(r, &it, &warn))
		return 0;
	now_utc(now);
	it.updated_at = now;
	rc = store_item_update(req_db(r), &it);
	if (rc == ERR_CONFLICT) {
		it.version = old.version;
		return item_form(r, 409, &it, "保存失败：该信息已被他人修改，请刷新后重新编辑。", NULL);
	}
	if (rc)
		return respond_server_error(r, rc);
	if ((rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it)))
		return respond_server_error(r, rc);
	return item_form(r, 200, &it, NULL, warn ? warn : "已保存。");
}

int h_admin_upload(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	struct item it;
	struct filetype ft;
	struct attachment at = { 0 };
	const char *msg, *base;
	char hex[65], now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该信息不存在。");
	if (rc)
		return respond_server_error(r, rc);
	if (item_locked_or_respond(r, &it))
		return 0;
	if (!u)
		return item_form(r, 400, &it, "请选择要上传的文件。", NULL);
	/* keep only the last path component of the client's file name */
	base = strrchr(u->filename, '/');
	base = base ? base + 1 : u->filename;
	if (strrchr(base, '\\'))
		base = strrchr(base, '\\') + 1;
	if (!*base || !utf8_valid(base, strlen(base)) || utf8_len(base, strlen(base)) > 200)
		return item_form(r, 400, &it, "文件名无效或过长。", NULL);
	if (filetype_check(u->path, base, &ft, &msg))
		return item_form(r, 400, &it, msg, NULL);
	if ((rc = req_store_upload(r, u, hex)))
		return respond_server_error(r, rc);
	now_utc(now);
	at.org_id = r->org.id;
	at.item_id = it.id;
	at.filename = base;
	at.mime = ft.mime;
	at.size = u->size;
	at.sha256 = hex;
	at.created_at = now;
	if ((rc = store_attachment_insert(req_db(r), &at)))
		return respond_server_error(r, rc);
	log_info("item %lld: attachment %s (%lld bytes) by %s", it.id, hex, u->size, r->user.username);
	return item_form(r, 200, &it, NULL, "附件已上传。");
}

int h_admin_attachment_delete(struct req *r)
{
	struct item it;
	struct attachment at;
	int rc;

	if (!req_can_or_respond(r, PERM_EDIT))
		return 0;
	rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);
	if (rc == 0)
		rc = store_attachment_get(req_db(r), &r->arena, r->org.id, r->id2, &at);
	if (rc == ERR_NOT_FOUND || (rc == 0 && at.item_id != it.id))
		return respond_error(r, 404, "附件不存在。");
	if (rc == 0 && item_locked_or_respond(r, &it))
		return 0;
	if (rc || (rc = store_attachment_delete(req_db(r), r->org.id, r->id2)))
		return respond_server_error(r, rc);
	return item_form(r, 200, &it, NULL, "附件已删除。");
}

/* ---- 公开类别 ---- */

static int categories_page(struct req *r, int status, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "公开类别"), *list, *parents;
	struct category *cats, *tree;
	int *depth;
	size_t n;
	int rc;

	if ((rc = store_category_list(req_db(r), &r->arena, r->org.id, &cats, &n)) ||
	    (rc = catalog_category_tree(&r->arena, cats, n, &tree, &depth)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	list = tv_set_list(ctx, "categories");
	parents = tv_set_list(ctx, "parents");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list), *p = tv_list_push_map(parents);

		tv_set_int(m, "id", tree[i].id);
		tv_set_str(m, "name", tree[i].name);
		tv_set_str(m, "article", tree[i].article);
		tv_set_int(m, "sort", tree[i].sort);
		tv_set_bool(m, "two_levels", tree[i].review_levels > 1);
		tv_set_int(m, "count", tree[i].published);
		tv_set_int(m, "depth", depth[i]);
		tv_set_int(m, "parent_id", tree[i].parent_id);
		/* each row's own parent choices, with its current parent selected */
		{
			struct tv *opts = tv_set_list(m, "options");

			for (size_t j = 0; j < n; j++) {
				struct tv *o;

				if (tree[j].id == tree[i].id)
					continue;
				o = tv_list_push_map(opts);
				tv_set_int(o, "id", tree[j].id);
				tv_set_str(o, "name", tree[j].name);
				tv_set_bool(o, "selected", tree[j].id == tree[i].parent_id);
			}
		}
		tv_set_int(p, "id", tree[i].id);
		tv_set_str(p, "name", tree[i].name);
	}
	return respond_html(r, status, "admin_categories", ctx);
}

int h_admin_categories(struct req *r)
{
	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	return categories_page(r, 200, NULL, NULL);
}

static int category_store(struct req *r, bool is_new)
{
	struct category c = {
		.id = is_new ? 0 : r->id,
		.org_id = r->org.id,
		.name = param_str(r, "name"),
		.article = param_str(r, "article"),
		.parent_id = param_int(r, "parent_id", 0),
		.sort = (int)param_int(r, "sort", 0),
	};
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if (!is_new) {
		struct category old;

		rc = store_category_by_id(req_db(r), &r->arena, r->org.id, r->id, &old);
		if (rc == ERR_NOT_FOUND)
			return respond_error(r, 404, "没有这个公开类别。");
		if (rc)
			return respond_server_error(r, rc);
	}
	if ((rc = catalog_category_check(req_db(r), &r->arena, &c, &msg)))
		return rc == ERR_INVALID ? categories_page(r, 400, msg, NULL) : respond_server_error(r, rc);
	rc = is_new ? store_category_insert(req_db(r), &c) : store_category_update(req_db(r), &c);
	if (rc == ERR_CONFLICT)
		return categories_page(r, 409, "已有同名的类别。", NULL);
	if (rc == 0 && param_int(r, "review_levels", 0))
		rc = store_category_set_review_levels(req_db(r), r->org.id, c.id, (int)param_int(r, "review_levels", 1));
	if (rc)
		return respond_server_error(r, rc);
	log_info("category %lld %s by %s", c.id, is_new ? "added" : "changed", r->user.username);
	return categories_page(r, 200, static_after_change(r, 0, c.id), is_new ? "类别已添加。" : "类别已保存。");
}

int h_admin_category_add(struct req *r)
{
	return category_store(r, true);
}

int h_admin_category_save(struct req *r)
{
	return category_store(r, false);
}

int h_admin_category_delete(struct req *r)
{
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = store_category_delete(req_db(r), r->org.id, r->id);
	if (rc) {
		db_rollback(req_db(r));
		if (rc == ERR_NOT_FOUND)
			return respond_error(r, 404, "没有这个公开类别。");
		if (rc == ERR_CONFLICT)
			return categories_page(r, 409, "该类别下还有信息或下级类别，不能删除。", NULL);
		return respond_server_error(r, rc);
	}
	if ((rc = db_commit(req_db(r))))
		return respond_server_error(r, rc);
	return categories_page(r, 200, static_after_change(r, 0, r->id), "类别已删除。");
}

/* ---- 指南 ---- */

int h_admin_guide(struct req *r)
{
	struct tv *ctx;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	ctx = page_ctx(r, "编辑政府信息公开指南");
	tv_set_str(ctx, "guide_md", r->org.guide_md);
	return respond_html(r, 200, "admin_guide", ctx);
}

int h_admin_guide_save(struct req *r)
{
	const char *md = param_str(r, "guide_md");
	struct tv *ctx;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	now_utc(now);
	if ((rc = store_org_set_guide(req_db(r), r->org.id, md ? md : "", now)))
		return respond_server_error(r, rc);
	r->org.guide_md = md ? md : "";  /* the static pages are built from r->org */
	ctx = page_ctx(r, "编辑政府信息公开指南");
	tv_set_str(ctx, "guide_md", md);
	tv_set_str(ctx, "notice", "指南已保存。");
	tv_set_str(ctx, "error", static_after_change(r, 0, 0));
	return respond_html(r, 200, "admin_guide", ctx);
}
