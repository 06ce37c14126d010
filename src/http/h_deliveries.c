/* h_deliveries.c - staff pages of the delivery outbox: the org's delivery
 * channels (add, edit, disable, test send: PERM_ADMIN), the deliveries
 * with failures first, each delivery's attempts, and the retry buttons
 * (PERM_PUBLISH or PERM_ADMIN). Secrets are never shown back: only their
 * fingerprint. The rules are in domain/channels. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/channels/channel.h"
#include "domain/channels/config.h"
#include "domain/channels/outbox.h"
#include "http/h_deliveries.h"
#include "http/http.h"
#include "render/tmpl.h"
#include "store/channel_stat.h"
#include "store/delivery.h"
#include "store/store.h"
#include "core/banned.h"

#define PAGE_SIZE 50
#define CATS_FORM 64 /* cat0..cat63 in routes_channels.inc */

/* ---- words ---- */

static const char *event_label(const char *e)
{
	if (strcmp(e, "publish") == 0)
		return "发布";
	if (strcmp(e, "withdraw") == 0)
		return "撤回";
	if (strcmp(e, "correct") == 0)
		return "更正";
	return e;
}

static const char *state_label(const struct delivery *d)
{
	if (strcmp(d->state, "pending") == 0)
		return d->attempts ? "等待重试" : "待发送";
	if (strcmp(d->state, "sending") == 0)
		return "发送中";
	if (strcmp(d->state, "done") == 0)
		return d->manual ? "已送达，需人工处理" : "已送达";
	if (strcmp(d->state, "failed") == 0)
		return "失败，需人工处理";
	return d->state;
}

static const char *outcome_label(const char *o)
{
	if (strcmp(o, "done") == 0)
		return "成功";
	if (strcmp(o, "retry") == 0)
		return "失败，将重试";
	return "失败";
}

static const char *kind_label(const char *kind)
{
	const struct chan_driver *d = chan_driver_find(kind);

	return d ? d->label : kind;
}

/* "2026-11-28T02:47:38.123Z" (UTC) as China time "2026-11-28 10:47:38". */
static const char *cn_time(struct req *r, const char *iso)
{
	struct tm tm = { 0 };
	char out[17];
	time_t t;

	if (!iso || !*iso)
		return "";
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec) != 6)
		return iso;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	time_format_cn(t, out);
	return arena_printf(&r->arena, "%s:%02d", out, tm.tm_sec);
}

static bool can_view(struct req *r)
{
	return req_can(r, PERM_PUBLISH) || req_can(r, PERM_ADMIN);
}

static bool can_view_or_respond(struct req *r)
{
	if (can_view(r))
		return true;
	return req_can_or_respond(r, PERM_PUBLISH);
}

static const char *now_iso(struct req *r)
{
	char now[32];

	outbox_time(0, now);
	return arena_strdup(&r->arena, now);
}

/* ---- the deliveries ---- */

static void delivery_view(struct req *r, struct tv *m, const struct delivery *d)
{
	tv_set_int(m, "id", d->id);
	tv_set_str(m, "channel", d->channel_name);
	tv_set_str(m, "kind", kind_label(d->channel_kind));
	tv_set_int(m, "item_id", d->item_id);
	tv_set_str(m, "item_title", d->item_title);
	tv_set_int(m, "version", d->item_version);
	tv_set_str(m, "event", event_label(d->event));
	tv_set_str(m, "state", d->state);
	tv_set_str(m, "state_label", state_label(d));
	tv_set_bool(m, "failed", strcmp(d->state, "failed") == 0);
	tv_set_bool(m, "manual", d->manual);
	tv_set_bool(m, "retryable", strcmp(d->state, "failed") == 0 || strcmp(d->state, "pending") == 0);
	tv_set_bool(m, "waiting", strcmp(d->state, "pending") == 0 && d->attempts > 0);
	tv_set_int(m, "attempts", d->attempts);
	tv_set_str(m, "last_error", d->last_error);
	tv_set_str(m, "remote_id", d->remote_id);
	tv_set_str(m, "created_at", cn_time(r, d->created_at));
	tv_set_str(m, "next_at", strcmp(d->state, "pending") == 0 ? cn_time(r, d->next_attempt_at) : "");
	tv_set_str(m, "delivered_at", cn_time(r, d->delivered_at));
	tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/deliveries/%lld", r->org.slug, d->id));
}

static const char *done_notice(struct req *r)
{
	const char *d = param_str(r, "done");

	if (!d)
		return NULL;
	if (strcmp(d, "retry") == 0)
		return "已安排立即重试。";
	if (strcmp(d, "retry-all") == 0)
		return "已安排全部失败的推送立即重试。";
	if (strcmp(d, "test") == 0)
		return "已加入一条试推送（本机构最新发布的信息），结果见下方列表。";
	if (strcmp(d, "saved") == 0)
		return "渠道已保存。";
	return NULL;
}

static int list_page(struct req *r, int status, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "推送记录"), *l;
	struct delivery_filter f = { .state = param_str(r, "state"), .channel_id = param_int(r, "channel", 0),
				     .item_id = param_int(r, "item", 0) };
	static const char *const states[] = { "failed", "pending", "sending", "done" };
	static const char *const state_names[] = { "失败", "待发送或等待重试", "发送中", "已送达" };
	long long page = param_int(r, "page", 1);
	struct delivery_counts c;
	struct delivery *ds;
	struct dchannel *chs;
	size_t n, nch;
	int rc;

	if (f.state) {
		bool ok = false;

		for (size_t i = 0; i < 4; i++)
			ok |= strcmp(f.state, states[i]) == 0;
		if (!ok)
			return respond_error(r, 400, "状态筛选无效。");
	}
	if ((rc = store_delivery_counts(req_db(r), r->org.id, &c)) ||
	    (rc = store_deliveries(req_db(r), &r->arena, r->org.id, &f, PAGE_SIZE + 1, (int)((page - 1) * PAGE_SIZE),
				   &ds, &n)) ||
	    (rc = store_dchannels(req_db(r), &r->arena, r->org.id, &chs, &nch)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_int(ctx, "n_pending", c.pending);
	tv_set_int(ctx, "n_sending", c.sending);
	tv_set_int(ctx, "n_done", c.done);
	tv_set_int(ctx, "n_failed", c.failed);
	tv_set_int(ctx, "n_manual", c.manual);
	tv_set_bool(ctx, "has_failed", c.failed > 0);
	tv_set_bool(ctx, "has_channels", nch > 0);
	tv_set_bool(ctx, "can_admin", req_can(r, PERM_ADMIN));
	l = tv_set_list(ctx, "states");
	for (size_t i = 0; i < 4; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", states[i]);
		tv_set_str(m, "label", state_names[i]);
		tv_set_bool(m, "selected", f.state && strcmp(f.state, states[i]) == 0);
	}
	l = tv_set_list(ctx, "channels");
	for (size_t i = 0; i < nch; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "id", chs[i].id);
		tv_set_str(m, "name", chs[i].name);
		tv_set_bool(m, "selected", chs[i].id == f.channel_id);
	}
	if (f.item_id)
		tv_set_int(ctx, "item", f.item_id);
	l = tv_set_list(ctx, "deliveries");
	for (size_t i = 0; i < n && i < PAGE_SIZE; i++)
		delivery_view(r, tv_list_push_map(l), &ds[i]);
	tv_set_bool(ctx, "empty", n == 0);
	if (page > 1)
		tv_set_int(ctx, "prev_page", page - 1);
	if (n > PAGE_SIZE)
		tv_set_int(ctx, "next_page", page + 1);
	tv_set_str(ctx, "filter_q",
		   arena_printf(&r->arena, "state=%s&channel=%lld&item=%lld", f.state ? f.state : "", f.channel_id,
				f.item_id));
	return respond_html(r, status, "admin_deliveries", ctx);
}

int h_deliveries(struct req *r)
{
	if (!can_view_or_respond(r))
		return 0;
	return list_page(r, 200, NULL, done_notice(r));
}

int h_delivery(struct req *r)
{
	struct tv *ctx, *l;
	struct delivery d;
	struct delivery_attempt *at;
	size_t n;
	int rc;

	if (!can_view_or_respond(r))
		return 0;
	rc = store_delivery_get(req_db(r), &r->arena, r->org.id, r->id, &d);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该推送记录不存在。");
	if (rc || (rc = store_delivery_log(req_db(r), &r->arena, r->org.id, r->id, &at, &n)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "推送详情");
	tv_set_str(ctx, "notice", done_notice(r));
	delivery_view(r, tv_set_map(ctx, "d"), &d);
	tv_set_bool(ctx, "withdraw_wechat", strcmp(d.event, "withdraw") == 0 && strcmp(d.channel_kind, "wechat") == 0);
	l = tv_set_list(ctx, "attempts");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "attempt", at[i].attempt);
		tv_set_str(m, "at", cn_time(r, at[i].started_at));
		tv_set_str(m, "outcome", outcome_label(at[i].outcome));
		tv_set_bool(m, "bad", strcmp(at[i].outcome, "done") != 0);
		if (at[i].http_status)
			tv_set_int(m, "http_status", at[i].http_status);
		tv_set_str(m, "message", at[i].message);
		tv_set_int(m, "ms", at[i].duration_ms);
	}
	return respond_html(r, 200, "admin_delivery", ctx);
}

int h_delivery_retry(struct req *r)
{
	int rc;

	if (!can_view_or_respond(r))
		return 0;
	rc = store_delivery_retry(req_db(r), r->org.id, r->id, now_iso(r));
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该推送记录不存在。");
	if (rc == ERR_CONFLICT)
		return respond_error(r, 409, "该推送已送达或正在发送，无需重试。");
	if (rc)
		return respond_server_error(r, rc);
	log_info("delivery %lld retried by %s", r->id, r->user.username);
	outbox_wake(r->app->outbox);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/deliveries/%lld?done=retry", r->org.slug, r->id));
}

int h_deliveries_retry_failed(struct req *r)
{
	long long n = 0;
	int rc;

	if (!can_view_or_respond(r))
		return 0;
	if ((rc = store_delivery_retry_failed(req_db(r), r->org.id, now_iso(r), &n)))
		return respond_server_error(r, rc);
	log_info("%lld failed deliveries retried by %s", n, r->user.username);
	outbox_wake(r->app->outbox);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/deliveries?done=retry-all", r->org.slug));
}

/* The item page's deliveries (staff item form). */
int deliveries_item_fill(struct req *r, long long item_id, struct tv *m)
{
	struct delivery_filter f = { .item_id = item_id };
	struct delivery *ds;
	struct tv *l;
	size_t n;
	int rc;

	if (!can_view(r))
		return 0;
	if ((rc = store_deliveries(req_db(r), &r->arena, r->org.id, &f, 20, 0, &ds, &n)))
		return rc;
	tv_set_bool(m, "has_deliveries", n > 0);
	tv_set_str(m, "deliveries_url", arena_printf(&r->arena, "/admin/o/%s/deliveries?item=%lld", r->org.slug, item_id));
	l = tv_set_list(m, "deliveries");
	for (size_t i = 0; i < n; i++)
		delivery_view(r, tv_list_push_map(l), &ds[i]);
	return 0;
}

/* ---- the channels ---- */

static int channel_form_ctx(struct req *r, struct tv *m, const struct dchan_form *f, long long id,
			    const char *secret_fp)
{
	struct category *cats;
	struct stat_channel *scs;
	size_t ncat, nsc;
	struct tv *l;
	int rc;

	if ((rc = store_category_list(req_db(r), &r->arena, r->org.id, &cats, &ncat)) ||
	    (rc = store_stat_channels(req_db(r), &r->arena, r->org.id, &scs, &nsc)))
		return rc;
	tv_set_int(m, "id", id);
	tv_set_str(m, "name", f->name);
	tv_set_bool(m, "enabled", f->enabled);
	tv_set_str(m, "endpoint", f->endpoint);
	tv_set_str(m, "app_id", f->app_id);
	tv_set_str(m, "author", f->author);
	tv_set_str(m, "mail_from", f->mail_from);
	tv_set_str(m, "reply_to", f->reply_to);
	tv_set_str(m, "secret_fp", secret_fp && *secret_fp ? secret_fp : NULL);
	tv_set_bool(m, "all_categories", f->all_categories);
	l = tv_set_list(m, "kinds");
	for (size_t i = 0; i < chan_drivers_count; i++) {
		struct tv *k = tv_list_push_map(l);

		tv_set_str(k, "value", chan_drivers[i]->kind);
		tv_set_str(k, "label", chan_drivers[i]->label);
		tv_set_bool(k, "selected", f->kind && strcmp(f->kind, chan_drivers[i]->kind) == 0);
	}
	l = tv_set_list(m, "cats");
	for (size_t i = 0; i < ncat && i < CATS_FORM; i++) {
		struct tv *c = tv_list_push_map(l);
		bool on = false;

		for (size_t j = 0; j < f->ncats; j++)
			on |= f->cats[j] == cats[i].id;
		tv_set_int(c, "i", (long long)i);
		tv_set_int(c, "id", cats[i].id);
		tv_set_str(c, "name", cats[i].name);
		tv_set_bool(c, "checked", on);
	}
	l = tv_set_list(m, "stat_channels");
	for (size_t i = 0; i < nsc; i++) {
		struct tv *c = tv_list_push_map(l);

		tv_set_int(c, "id", scs[i].id);
		tv_set_str(c, "name", scs[i].name);
		tv_set_str(c, "platform", scs[i].platform);
		tv_set_bool(c, "selected", scs[i].id == f->stat_channel_id);
	}
	return 0;
}

static int channels_page(struct req *r, int status, const char *error, const char *notice,
			 const struct dchan_form *add)
{
	struct tv *ctx = page_ctx(r, "推送渠道"), *l;
	struct dchannel *chs;
	struct dchan_form empty = { .enabled = true, .all_categories = true, .kind = "platform_push" };
	size_t n;
	int rc;

	if ((rc = store_dchannels(req_db(r), &r->arena, r->org.id, &chs, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_admin", req_can(r, PERM_ADMIN));
	l = tv_set_list(ctx, "list");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);
		const struct chan_driver *d = chan_driver_find(chs[i].kind);

		tv_set_int(m, "id", chs[i].id);
		tv_set_str(m, "name", chs[i].name);
		tv_set_str(m, "kind", kind_label(chs[i].kind));
		tv_set_bool(m, "enabled", chs[i].enabled);
		tv_set_str(m, "endpoint", *chs[i].endpoint ? chs[i].endpoint : d && d->default_endpoint ? d->default_endpoint : "");
		tv_set_str(m, "secret_fp", chs[i].secret_fp);
		tv_set_bool(m, "all_categories", chs[i].all_categories);
		tv_set_int(m, "npending", chs[i].npending);
		tv_set_int(m, "nfailed", chs[i].nfailed);
		tv_set_int(m, "ndone", chs[i].ndone);
		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/channels/%lld", r->org.slug, chs[i].id));
	}
	if (req_can(r, PERM_ADMIN) && (rc = channel_form_ctx(r, tv_set_map(ctx, "add"), add ? add : &empty, 0, NULL)))
		return respond_server_error(r, rc);
	return respond_html(r, status, "admin_deliver_channels", ctx);
}

int h_channels(struct req *r)
{
	if (!can_view_or_respond(r))
		return 0;
	return channels_page(r, 200, NULL, done_notice(r), NULL);
}

/* The posted form (cats: arena). */
static void read_form(struct req *r, struct dchan_form *f)
{
	long long *cats = arena_alloc(&r->arena, CATS_FORM * sizeof(long long));

	memset(f, 0, sizeof(*f));
	f->kind = param_str(r, "kind");
	f->name = param_str(r, "name");
	f->enabled = param_str(r, "enabled") != NULL;
	f->endpoint = param_str(r, "endpoint");
	f->app_id = param_str(r, "app_id");
	f->secret = param_str(r, "secret");
	f->author = param_str(r, "author");
	f->mail_from = param_str(r, "mail_from");
	f->reply_to = param_str(r, "reply_to");
	f->all_categories = param_str(r, "all_categories") != NULL;
	f->stat_channel_id = param_int(r, "stat_channel", 0);
	f->cats = cats;
	for (int i = 0; cats && i < CATS_FORM; i++) {
		char name[16];
		long long v;

		snprintf(name, sizeof(name), "cat%d", i);
		if ((v = param_int(r, name, 0)) > 0)
			cats[f->ncats++] = v;
	}
}

static int edit_page(struct req *r, int status, long long id, const struct dchan_form *f, const char *secret_fp,
		     const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "编辑推送渠道");
	int rc;

	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	if ((rc = channel_form_ctx(r, tv_set_map(ctx, "ch"), f, id, secret_fp)))
		return respond_server_error(r, rc);
	return respond_html(r, status, "admin_deliver_channel", ctx);
}

int h_channel_add(struct req *r)
{
	struct dchan_form f;
	const char *msg = NULL;
	long long id = 0;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	read_form(r, &f);
	rc = dchan_save(req_db(r), &r->arena, r->org.id, &id, &f, now_iso(r), &msg);
	if ((rc == ERR_INVALID || rc == ERR_CONFLICT) && msg) {
		f.secret = NULL; /* never echoed back */
		return channels_page(r, 400, msg, NULL, &f);
	}
	if (rc)
		return respond_server_error(r, rc);
	log_info("delivery channel %lld (%s) added by %s", id, f.name, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/channels?done=saved", r->org.slug));
}

int h_channel(struct req *r)
{
	struct dchannel c;
	struct dchan_form f;
	const char *author = "";
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	rc = store_dchannel_get(req_db(r), &r->arena, r->org.id, r->id, &c);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该推送渠道不存在。");
	if (rc)
		return respond_server_error(r, rc);
	author = dchan_config_str(&r->arena, c.config, "author");
	f = (struct dchan_form){ .kind = c.kind, .name = c.name, .enabled = c.enabled, .endpoint = c.endpoint,
				 .app_id = c.app_id, .author = author, .all_categories = c.all_categories,
				 .mail_from = dchan_config_str(&r->arena, c.config, "from"),
				 .reply_to = dchan_config_str(&r->arena, c.config, "reply_to"),
				 .cats = c.categories, .ncats = c.ncategories, .stat_channel_id = c.stat_channel_id };
	return edit_page(r, 200, c.id, &f, c.secret_fp, NULL, done_notice(r));
}

int h_channel_save(struct req *r)
{
	struct dchan_form f;
	struct dchannel c;
	const char *msg = NULL;
	long long id = r->id;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	read_form(r, &f);
	rc = dchan_save(req_db(r), &r->arena, r->org.id, &id, &f, now_iso(r), &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该推送渠道不存在。");
	if ((rc == ERR_INVALID || rc == ERR_CONFLICT) && msg) {
		f.secret = NULL;
		if (store_dchannel_get(req_db(r), &r->arena, r->org.id, r->id, &c))
			c.secret_fp = "";
		return edit_page(r, 400, r->id, &f, c.secret_fp, msg, NULL);
	}
	if (rc)
		return respond_server_error(r, rc);
	log_info("delivery channel %lld saved by %s", id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/channels/%lld?done=saved", r->org.slug, id));
}

int h_channel_test(struct req *r)
{
	const char *msg = NULL;
	long long did = 0;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	rc = dchan_test_send(req_db(r), &r->arena, r->org.id, r->id, &did, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, msg && strstr(msg, "渠道") ? 404 : 409, msg ? msg : "该推送渠道不存在。");
	if (rc)
		return respond_server_error(r, rc);
	log_info("delivery channel %lld test send %lld by %s", r->id, did, r->user.username);
	outbox_wake(r->app->outbox);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/deliveries?channel=%lld&done=test", r->org.slug,
						r->id));
}
