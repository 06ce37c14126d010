/* h_subscribe.c - e-mail subscriptions to an agency's publications
 * (issue 8, 3(c)): the public form, the confirmation link, one-click
 * unsubscribe (RFC 8058), and the staff's counts.
 *
 * Subscribing never tells whether an address is known: a new address, a
 * pending one and a confirmed one get the same answer and the same mail (a
 * confirmation link; the chosen categories take effect only when it is
 * followed, so nobody changes another's subscription). The confirmation
 * token is stored hashed and is good for CONFIRM_DAYS. The unsubscribe
 * link of every mail carries the subscriber's own token: GET shows a
 * button, POST (the button, or a mail client's List-Unsubscribe-Post, which
 * has no session and no CSRF token: the token is the authority) leaves.
 * Mail goes through the org's enabled 'email' delivery channel (SMTP). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "domain/channels/channel.h"
#include "domain/channels/email.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "http/view.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/delivery.h"
#include "store/store.h"
#include "store/subscriber.h"
#include "core/banned.h"

#define CONFIRM_DAYS 7
#define CATS_FORM 64
#define LIMITED "操作过于频繁：同一网络每小时的订阅申请次数有上限，请稍后再试。"

/* The org's enabled e-mail channel as SMTP settings; ERR_NOT_FOUND when
 * it has none. */
static int mail_settings(struct req *r, struct mail_conf *conf)
{
	struct dchannel *chs;
	size_t n;
	int rc;

	if ((rc = store_dchannels(req_db(r), &r->arena, r->org.id, &chs, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct chan_config c;
		const char *secret;

		if (strcmp(chs[i].kind, "email") != 0 || !chs[i].enabled)
			continue;
		if ((rc = store_dchannel_secret(req_db(r), &r->arena, r->org.id, chs[i].id, &secret)))
			return rc;
		c = (struct chan_config){ .id = chs[i].id, .org_id = r->org.id, .kind = chs[i].kind, .name = chs[i].name,
					  .enabled = true, .endpoint = chs[i].endpoint, .app_id = chs[i].app_id,
					  .secret = secret, .config = chs[i].config };
		mail_conf_of(&r->arena, &c, r->org.name, conf);
		return mail_conf_check(conf, &(const char *){ NULL }) ? ERR_NOT_FOUND : 0;
	}
	return ERR_NOT_FOUND;
}

static const char *site_base(struct req *r)
{
	return r->app->public_url ? r->app->public_url : req_base_url(r);
}

static void now_utc(char out[21])
{
	time_format_utc(time(NULL), out);
}

/* ",ID,ID," of the checked categories of the org, "" for all; NULL with
 * *msg when none is chosen or one is not the org's. */
static const char *chosen_categories(struct req *r, const struct category *cats, size_t ncat, const char **msg)
{
	struct buf b;
	size_t k = 0;

	if (param_str(r, "all"))
		return "";
	buf_init(&b, &r->arena, 4096);
	buf_putc(&b, ',');
	for (int i = 0; i < CATS_FORM; i++) {
		char name[16];
		long long v;
		bool known = false;

		snprintf(name, sizeof(name), "cat%d", i);
		if ((v = param_int(r, name, 0)) <= 0)
			continue;
		for (size_t j = 0; j < ncat; j++)
			known = known || cats[j].id == v;
		if (!known) {
			*msg = "所选的公开类别不存在。";
			return NULL;
		}
		buf_printf(&b, "%lld,", v);
		k++;
	}
	if (!k) {
		*msg = "请选择要订阅的公开类别，或选择“全部类别”。";
		return NULL;
	}
	return b.err ? NULL : buf_cstr(&b);
}

static int form_page(struct req *r, int status, const char *error, const char *email, const char *chosen)
{
	struct tv *ctx = page_ctx(r, "邮件订阅"), *f, *l;
	struct category *cats;
	size_t ncat;
	int rc;

	if ((rc = store_category_list(req_db(r), &r->arena, r->org.id, &cats, &ncat)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	f = tv_set_map(ctx, "form");
	tv_set_str(f, "email", email);
	tv_set_bool(f, "all", !chosen || !*chosen);
	l = tv_set_list(f, "cats");
	for (size_t i = 0; i < ncat && i < CATS_FORM; i++) {
		struct tv *m = tv_list_push_map(l);
		char pat[32];

		snprintf(pat, sizeof(pat), ",%lld,", cats[i].id);
		tv_set_int(m, "i", (long long)i);
		tv_set_int(m, "id", cats[i].id);
		tv_set_str(m, "name", cats[i].name);
		tv_set_bool(m, "checked", chosen && strstr(chosen, pat));
	}
	return respond_html(r, status, "subscribe", ctx);
}

static int message_page(struct req *r, int status, const char *title, const char *msg)
{
	struct tv *ctx = page_ctx(r, title), *d = tv_set_map(ctx, "done");

	tv_set_str(d, "title", title);
	tv_set_str(d, "message", msg);
	return respond_html(r, status, "subscribe", ctx);
}

/* GET /o/{org}/subscribe */
int h_subscribe_form(struct req *r)
{
	struct mail_conf conf;
	int rc = mail_settings(r, &conf);

	if (rc == ERR_NOT_FOUND)
		return message_page(r, 404, "邮件订阅", "本机构暂未开通邮件订阅。");
	if (rc)
		return respond_server_error(r, rc);
	return form_page(r, 200, NULL, NULL, NULL);
}

/* POST /o/{org}/subscribe */
int h_subscribe(struct req *r)
{
	const char *email = param_str(r, "email"), *addr, *msg = NULL, *cats, *token, *text, *why = NULL;
	struct category *all;
	struct subscriber sub;
	struct mail_conf conf;
	struct mail m = { 0 };
	struct smtp_session *ss;
	enum mail_outcome o;
	size_t ncat, len;
	long long id;
	long code;
	char now[21];
	int rc;

	if (!req_rate_ok_or_respond(r, r->app->limits.subscribe, true, LIMITED))
		return 0;
	rc = mail_settings(r, &conf);
	if (rc == ERR_NOT_FOUND)
		return message_page(r, 404, "邮件订阅", "本机构暂未开通邮件订阅。");
	if (rc || (rc = store_category_list(req_db(r), &r->arena, r->org.id, &all, &ncat)))
		return respond_server_error(r, rc);
	if ((rc = mail_address_check(&r->arena, email, &addr, &msg)))
		return rc == ERR_INVALID ? form_page(r, 400, msg, email, NULL) : respond_server_error(r, rc);
	if (!(cats = chosen_categories(r, all, ncat, &msg)))
		return msg ? form_page(r, 400, msg, email, NULL) : respond_server_error(r, ERR_NOMEM);
	if (!(token = mail_token(&r->arena)))
		return respond_server_error(r, ERR_NOMEM);
	now_utc(now);
	if ((rc = db_begin(req_db(r))))
		return respond_server_error(r, rc);
	rc = store_subscriber_by_email(req_db(r), &r->arena, r->org.id, addr, &sub);
	if (rc == ERR_NOT_FOUND)
		rc = store_subscriber_insert(req_db(r), r->org.id, addr, cats, mail_token_hash(&r->arena, token),
					     mail_token(&r->arena), now, &id);
	else if (rc == 0)
		rc = store_subscriber_request(req_db(r), r->org.id, sub.id, cats, mail_token_hash(&r->arena, token), now);
	if (rc || (rc = db_commit(req_db(r)))) {
		db_rollback(req_db(r));
		return respond_server_error(r, rc);
	}
	/* the confirmation mail, now: the answer says whether it went */
	m.to = addr;
	m.subject = arena_printf(&r->arena, "请确认订阅%s的政府信息公开", r->org.name);
	m.text = arena_printf(&r->arena,
			      "您（或有人使用您的地址）申请订阅%s公开的政府信息。\n\n"
			      "确认订阅请打开：\n%s/o/%s/subscribe/confirm?t=%s\n\n"
			      "链接 %d 天内有效。如果不是您本人申请，请忽略本邮件，您不会收到任何订阅邮件。\n",
			      r->org.name, site_base(r), r->org.slug, token, CONFIRM_DAYS);
	if (!m.subject || !m.text || !(text = mail_compose(&r->arena, &conf, &m, &len)) || !(ss = smtp_open(&conf)))
		return respond_server_error(r, ERR_NOMEM);
	o = smtp_send(ss, &r->arena, addr, text, len, &code, &why);
	smtp_close(ss);
	if (o == MAIL_REJECTED)
		return form_page(r, 400, "邮件服务器拒收这个地址，请检查后重新填写。", email, cats);
	if (o != MAIL_SENT) {
		log_warn("subscribe %s: confirmation not sent: %s", r->org.slug, why ? why : "?");
		return message_page(r, 503, "邮件订阅", "确认邮件暂时无法发送，请稍后再试。");
	}
	log_info("subscribe %s: confirmation mailed", r->org.slug);
	return message_page(r, 200, "请查收确认邮件",
			    arena_printf(&r->arena, "确认邮件已发送至 %s。请在 %d 天内打开邮件中的链接完成订阅；"
						    "未收到时请检查垃圾邮件箱。", addr, CONFIRM_DAYS));
}

/* A token from the form, else from the query string (List-Unsubscribe
 * links: a one-click POST has the token in its URL). NULL when absent or
 * not one of ours (43 base64url characters). */
static const char *token_of(struct req *r)
{
	const char *t = param_str(r, "t");
	size_t n;

	if (!t && r->conn)
		t = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "t");
	if (!t || (n = strlen(t)) != 43)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
		      t[i] == '-' || t[i] == '_'))
			return NULL;
	return t;
}

static void since_days(int days, char out[21])
{
	time_format_utc(time(NULL) - (time_t)days * 86400, out);
}

static int token_page(struct req *r, const char *tmpl_key, const char *title, const char *email, const char *token)
{
	struct tv *ctx = page_ctx(r, title), *m = tv_set_map(ctx, tmpl_key);

	tv_set_str(m, "email", email);
	tv_set_str(m, "token", token);
	return respond_html(r, 200, "subscribe", ctx);
}

/* GET /o/{org}/subscribe/confirm?t= : the button (a link scanner that
 * follows the mail's link confirms nothing). */
int h_subscribe_confirm_form(struct req *r)
{
	const char *t = token_of(r);
	struct subscriber sub;
	char since[21];
	int rc;

	since_days(CONFIRM_DAYS, since);
	rc = t ? store_subscriber_by_confirm(req_db(r), &r->arena, r->org.id, mail_token_hash(&r->arena, t), since, &sub)
	       : ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND)
		return message_page(r, 404, "确认订阅", "确认链接无效或已过期，请重新订阅。");
	if (rc)
		return respond_server_error(r, rc);
	return token_page(r, "confirm", "确认订阅", sub.email, t);
}

/* POST /o/{org}/subscribe/confirm */
int h_subscribe_confirm(struct req *r)
{
	const char *t = token_of(r);
	struct subscriber sub;
	char since[21], now[21];
	int rc;

	since_days(CONFIRM_DAYS, since);
	now_utc(now);
	rc = t ? store_subscriber_confirm(req_db(r), &r->arena, r->org.id, mail_token_hash(&r->arena, t), since, now, &sub)
	       : ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND)
		return message_page(r, 404, "确认订阅", "确认链接无效或已过期，请重新订阅。");
	if (rc)
		return respond_server_error(r, rc);
	log_info("subscribe %s: subscriber %lld confirmed", r->org.slug, sub.id);
	return message_page(r, 200, "订阅成功",
			    arena_printf(&r->arena, "订阅成功：%s 公开新的政府信息时，我们将发送邮件至 %s。"
						    "每封邮件都附有退订链接。", r->org.name, sub.email));
}

/* GET /o/{org}/unsubscribe?t= : the button. */
int h_unsubscribe_form(struct req *r)
{
	const char *t = token_of(r);
	struct subscriber sub;
	int rc = t ? store_subscriber_by_unsub(req_db(r), &r->arena, r->org.id, t, &sub) : ERR_NOT_FOUND;

	if (rc == ERR_NOT_FOUND)
		return message_page(r, 404, "退订", "退订链接无效。");
	if (rc)
		return respond_server_error(r, rc);
	if (strcmp(sub.state, "unsubscribed") == 0)
		return message_page(r, 200, "已退订", "该地址已经退订，不会再收到邮件。");
	return token_page(r, "unsub", "退订", sub.email, t);
}

/* POST /o/{org}/unsubscribe (the button, or RFC 8058 one-click) */
int h_unsubscribe(struct req *r)
{
	const char *t = token_of(r);
	struct subscriber sub;
	char now[21];
	int rc = t ? store_subscriber_by_unsub(req_db(r), &r->arena, r->org.id, t, &sub) : ERR_NOT_FOUND;

	if (rc == ERR_NOT_FOUND)
		return message_page(r, 404, "退订", "退订链接无效。");
	now_utc(now);
	if (rc || (rc = store_subscriber_unsubscribe(req_db(r), r->org.id, t, now)))
		return respond_server_error(r, rc);
	log_info("subscribe %s: subscriber %lld unsubscribed%s", r->org.slug, sub.id,
		 param_str(r, "List-Unsubscribe") ? " (one-click)" : "");
	return message_page(r, 200, "已退订", arena_printf(&r->arena, "已退订：%s 不会再收到%s的订阅邮件。", sub.email,
							    r->org.name));
}

/* GET /admin/o/{org}/subscribers: the counts for the staff; the addresses
 * only for those who administer the org. */
int h_admin_subscribers(struct req *r)
{
	struct subscriber_counts c;
	struct tv *ctx;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if ((rc = store_subscriber_counts(req_db(r), r->org.id, &c)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "邮件订阅者");
	tv_set_int(ctx, "pending", c.pending);
	tv_set_int(ctx, "confirmed", c.confirmed);
	tv_set_int(ctx, "unsubscribed", c.unsubscribed);
	tv_set_int(ctx, "rejected", c.rejected);
	if (req_can(r, PERM_ADMIN)) {
		struct subscriber *subs;
		size_t n;
		struct tv *l;

		if ((rc = store_subscriber_list(req_db(r), &r->arena, r->org.id, &subs, &n)))
			return respond_server_error(r, rc);
		tv_set_bool(ctx, "admin", true);
		l = tv_set_list(ctx, "subscribers");
		for (size_t i = 0; i < n; i++) {
			struct tv *m = tv_list_push_map(l);
			static const char *const states[][2] = {
				{ "pending", "待确认" }, { "confirmed", "已订阅" }, { "unsubscribed", "已退订" } };
			const char *label = subs[i].state;

			for (size_t k = 0; k < 3; k++)
				if (strcmp(subs[i].state, states[k][0]) == 0)
					label = states[k][1];
			tv_set_str(m, "email", subs[i].email);
			tv_set_str(m, "state", label);
			tv_set_str(m, "categories", *subs[i].categories ? "部分类别" : "全部类别");
			tv_set_str(m, "created_at", view_at_cn(r, subs[i].created_at));
			tv_set_str(m, "rejected", subs[i].rejected_at ? subs[i].rejected_message : NULL);
		}
	}
	return respond_html(r, 200, "admin_subscribers", ctx);
}
