/* h_cases.c - staff pages of disclosure applications (依申请公开): the
 * dashboard by due date, registration of applications that arrived by
 * other channels, the case page with the actions of the procedure, the
 * letters (edit, issue, print, PDF) and the case's files. The rules are in
 * domain/applications; these handlers only read forms and show records. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/applications/cases.h"
#include "domain/applications/fees.h"
#include "domain/applications/intake.h"
#include "domain/applications/letters.h"
#include "domain/applications/taxonomy.h"
#include "domain/auth/auth.h"
#include "domain/calendar/calendar.h"
#include "domain/catalog/filetype.h"
#include "http/case_access.h"
#include "http/http.h"
#include "http/view.h"
#include "render/html.h"
#include "render/markdown.h"
#include "render/pdf.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "core/banned.h"

#define APPS_PER_PAGE 30

static const char *day_str(struct req *r, long day)
{
	char d[11];

	date_format(day, d);
	return arena_strdup(&r->arena, d);
}

/* A DATE parameter as a day number; 0 when absent. */
static long param_day(struct req *r, const char *name)
{
	const char *s = param_str(r, name);
	long d = 0;

	if (!s || date_parse(s, strlen(s), &d))
		return 0;
	return d;
}


/* Staff without PERM_CASES see names as their first character and "*". */
static const char *mask_name(struct req *r, const char *s)
{
	const char *p = s;

	if (!s || !*s)
		return "";
	utf8_next(&p, s + strlen(s));
	return arena_printf(&r->arena, "%.*s*", (int)(p - s), s);
}

/* The first max characters of s, with "…" when cut. */
static const char *clip(struct req *r, const char *s, size_t max)
{
	const char *p = s, *end = s + strlen(s);

	for (size_t i = 0; i < max && p < end; i++)
		utf8_next(&p, end);
	return p < end ? arena_printf(&r->arena, "%.*s…", (int)(p - s), s) : s;
}

static const char *state_label(const char *code)
{
	const struct app_state *s = app_state_find(code);

	return s ? s->label : code;
}

static const char *channel_label(const char *code)
{
	const struct app_channel *c = app_channel_find(code);

	return c ? c->label : code;
}

static const char *kind_label(const char *kind)
{
	static const char *const k[][2] = {
		{ "receipt", "登记回执" },       { "correction", "补正告知书" }, { "consult", "征求意见函" },
		{ "extension", "延期答复告知书" }, { "fee", "收费通知书" },      { "reply", "答复书" },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(k[i][0], kind) == 0)
			return k[i][1];
	return kind;
}

static const char *event_label(const char *code)
{
	const struct app_action *a = app_action_find(code);

	if (a)
		return a->label;
	if (strcmp(code, "submit") == 0)
		return "网上提交";
	if (strcmp(code, "register") == 0)
		return "登记";
	return code;
}

/* The due date and how it stands today: due_on or due_error, left_text
 * and the flags overdue / near / paused; correction_notice_by. */
static void deadline_view(struct req *r, struct tv *m, const struct calendar *cal, const struct application *a,
			  long today, struct app_deadline *d)
{
	const struct app_state *st = app_state_find(a->state);

	tv_set_str(m, "due_on", a->due_on);
	if (a->due_error && *a->due_error)
		tv_set_str(m, "due_error", a->due_error);
	if (app_deadline(cal, a, today, d)) {
		memset(d, 0, sizeof(*d));
		return;
	}
	if (d->correction_notice_by)
		tv_set_str(m, "correction_notice_by", day_str(r, d->correction_notice_by));
	if (!st || !st->open) {
		tv_set_str(m, "left_text", "已办结");
		return;
	}
	tv_set_bool(m, "overdue", d->overdue);
	tv_set_bool(m, "near", d->near);
	tv_set_bool(m, "paused", d->paused);
	tv_set_str(m, "row_class", d->overdue ? "row-overdue" : d->near ? "row-near" : d->paused ? "row-paused" : NULL);
	if (d->paused)
		return; /* the flag says it */
	if (!d->has_left)
		tv_set_str(m, "left_text", "—");
	else if (d->left < 0)
		tv_set_str(m, "left_text", arena_printf(&r->arena, "超出 %d 个工作日", -d->left));
	else
		tv_set_str(m, "left_text", arena_printf(&r->arena, "%d", d->left));
}

/* ---- dashboard ---- */

int h_admin_apps(struct req *r)
{
	const char *state = param_str(r, "state"), *view = param_str(r, "view");
	bool all = view && strcmp(view, "all") == 0, cases, unmasked;
	long long page = param_int(r, "page", 1), total = 0, overdue = 0, near = 0, paused = 0;
	struct app_filter f = { .org_id = r->org.id, .limit = APPS_PER_PAGE, .offset = (page - 1) * APPS_PER_PAGE };
	struct application *apps, *rows;
	size_t napps, n;
	struct app_ctx c;
	struct calendar cal;
	struct tv *ctx, *list, *sl, *cnt;
	struct buf base;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if (state && !app_state_find(state))
		return respond_error(r, 400, "未知的状态。");
	f.state = state;
	f.open_only = !all && !state;
	cases = req_can(r, PERM_CASES);
	/* names in the list: for those who may handle every case (a 承办人
	 * sees only the cases assigned to them unmasked, on their pages) */
	unmasked = req_can_case(r, "applications", 0);
	if ((rc = req_app_ctx(r, &c, &cal)) || (rc = store_app_open_dues(req_db(r), &r->arena, r->org.id, &apps, &napps)) ||
	    (rc = store_app_list(req_db(r), &r->arena, &f, &rows, &n, &total)))
		return respond_server_error(r, rc);
	for (size_t i = 0; i < napps; i++) {
		struct app_deadline d;

		if (app_deadline(&cal, &apps[i], c.today, &d))
			continue;
		overdue += d.overdue;
		near += d.near;
		paused += d.paused;
	}
	ctx = page_ctx(r, "依申请公开");
	cnt = tv_set_map(ctx, "counts");
	tv_set_int(cnt, "open", (long long)napps);
	tv_set_int(cnt, "overdue", overdue);
	tv_set_int(cnt, "near", near);
	tv_set_int(cnt, "paused", paused);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_bool(ctx, "view_all", all);
	tv_set_int(ctx, "total", total);
	sl = tv_set_list(ctx, "states");
	for (size_t i = 0; i < app_states_count; i++) {
		struct tv *m = tv_list_push_map(sl);

		tv_set_str(m, "value", app_states[i].code);
		tv_set_str(m, "label", app_states[i].label);
		tv_set_bool(m, "selected", state && strcmp(state, app_states[i].code) == 0);
	}
	list = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		const struct application *a = &rows[i];
		struct tv *m = tv_list_push_map(list);
		struct app_deadline d;
		const char *info = *a->info_title ? a->info_title : *a->info_doc_no ? a->info_doc_no : a->info_desc;

		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug, a->id));
		tv_set_str(m, "serial", a->serial);
		tv_set_str(m, "applicant", unmasked ? a->name : mask_name(r, a->name));
		tv_set_str(m, "info", clip(r, info ? info : "", 40));
		tv_set_str(m, "channel", channel_label(a->channel));
		tv_set_str(m, "received_on", a->received_on);
		tv_set_str(m, "state", a->state);
		tv_set_str(m, "state_label", state_label(a->state));
		deadline_view(r, m, &cal, a, c.today, &d);
	}
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "/admin/o/%s/applications?", r->org.slug);
	if (all)
		buf_puts(&base, "view=all&");
	if (state)
		buf_printf(&base, "state=%s&", state);
	view_pager(r, ctx, page, APPS_PER_PAGE, total, buf_cstr(&base));
	return respond_html(r, 200, "admin_apps", ctx);
}

/* ---- registration ---- */

static void app_from_form(struct req *r, struct application *a)
{
	memset(a, 0, sizeof(*a));
	a->applicant_type = param_str(r, "applicant_type");
	a->name = param_str(r, "name");
	a->id_kind = param_str(r, "id_kind");
	a->id_number = param_str(r, "id_number");
	a->contact_person = param_str(r, "contact_person");
	a->phone = param_str(r, "phone");
	a->email = param_str(r, "email");
	a->address = param_str(r, "address");
	a->postcode = param_str(r, "postcode");
	a->info_title = param_str(r, "info_title");
	a->info_doc_no = param_str(r, "info_doc_no");
	a->info_desc = param_str(r, "info_desc");
	a->medium = param_str(r, "medium");
	a->delivery = param_str(r, "delivery");
	a->channel = param_str(r, "channel");
	a->evidence = param_str(r, "evidence");
	a->submit_token = param_str(r, "token");
}

/* Options of a select: list[i] as value and label, the one equal to cur selected. */
static void options(struct tv *ctx, const char *key, const char *const *vals, const char *const *labels, size_t n,
		    const char *cur)
{
	struct tv *l = tv_set_list(ctx, key);

	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", vals[i]);
		tv_set_str(m, "label", labels[i]);
		tv_set_bool(m, "selected", cur && strcmp(cur, vals[i]) == 0);
	}
}

static int register_form(struct req *r, int status, const struct application *a, const char *error)
{
	struct tv *ctx = page_ctx(r, "登记申请"), *f, *cl;
	const char *vals[16], *labels[16], *token = a ? a->submit_token : NULL;
	size_t n = 0;
	int rc;

	if (!token && (rc = auth_random_token(&r->arena, 16, &token)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "token", token);
	f = tv_set_map(ctx, "f");
	if (a) {
		tv_set_str(f, "name", a->name);
		tv_set_str(f, "id_number", a->id_number);
		tv_set_str(f, "contact_person", a->contact_person);
		tv_set_str(f, "phone", a->phone);
		tv_set_str(f, "email", a->email);
		tv_set_str(f, "address", a->address);
		tv_set_str(f, "postcode", a->postcode);
		tv_set_str(f, "info_title", a->info_title);
		tv_set_str(f, "info_doc_no", a->info_doc_no);
		tv_set_str(f, "info_desc", a->info_desc);
		tv_set_str(f, "evidence", a->evidence);
	}
	tv_set_str(f, "arrived_on", a ? param_str(r, "arrived_on") : day_str(r, date_today_cn()));
	tv_set_str(f, "confirmed_on", a ? param_str(r, "confirmed_on") : NULL);
	cl = tv_set_list(ctx, "channels");
	for (size_t i = 0; i < app_channels_count; i++) {
		struct tv *m;

		if (strcmp(app_channels[i].code, "online") == 0)
			continue;
		m = tv_list_push_map(cl);
		tv_set_str(m, "value", app_channels[i].code);
		tv_set_str(m, "label", app_channels[i].label);
		tv_set_str(m, "rule_text", app_channels[i].rule_text);
		tv_set_str(m, "evidence", app_channels[i].evidence);
		tv_set_bool(m, "selected", a && a->channel && strcmp(a->channel, app_channels[i].code) == 0);
	}
	for (n = 0; n < APP_COLS; n++) {
		vals[n] = app_applicant_types[n].code;
		labels[n] = app_applicant_types[n].label;
	}
	options(ctx, "applicant_types", vals, labels, n, a ? a->applicant_type : NULL);
	for (n = 0; n < app_id_kinds_count && n < 16; n++)
		vals[n] = labels[n] = app_id_kinds[n].label;
	options(ctx, "id_kinds", vals, labels, n, a ? a->id_kind : NULL);
	options(ctx, "media", app_media, app_media, app_media_count, a ? a->medium : NULL);
	options(ctx, "deliveries", app_deliveries, app_deliveries, app_deliveries_count, a ? a->delivery : NULL);
	return respond_html(r, status, "admin_app_new", ctx);
}

int h_admin_app_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return register_form(r, 200, NULL, NULL);
}

int h_admin_app_create(struct req *r)
{
	struct application app;
	struct app_ctx c;
	struct calendar cal;
	const char *msg = NULL;
	bool dup = false;
	long arrived;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	app_from_form(r, &app);
	if (!app.channel || strcmp(app.channel, "online") == 0 || !app_channel_find(app.channel))
		return register_form(r, 400, &app, "请选择申请渠道（网上申请由申请人在门户提交）。");
	if (!(arrived = param_day(r, "arrived_on")))
		return register_form(r, 400, &app, "请填写申请到达日期。");
	if ((rc = req_app_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = app_create(&c, &app, arrived, param_day(r, "confirmed_on"), &dup, &msg);
	if (rc == ERR_INVALID)
		return register_form(r, 400, &app, msg);
	if (rc == ERR_CONFLICT)
		return register_form(r, 409, &app, "保存冲突，请重新提交。");
	if (rc)
		return respond_server_error(r, rc);
	if (!dup)
		log_info("application %lld (%s) registered by %s", app.id, app.serial, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug, app.id));
}

/* ---- the case page ---- */

/* The form of each action: which inputs it takes. */
struct act_form {
	const char *code;
	const char *reason;     /* label of the reason field; NULL: none */
	bool reason_required;
	const char *hint;
	const char *days;       /* label of the days field; NULL: none */
	int days_min, days_max, days_default;
	bool party, approver, fee, outcome, danger;
};

static const struct act_form act_forms[] = {
	{ "accept", NULL, false, "以确认受理之日为收到申请之日，并生成登记回执。", NULL, 0, 0, 0, false, false, false, false,
	  false },
	{ "void", "作废原因", true, "仅用于不构成申请的网上提交（测试、垃圾信息、重复提交）。", NULL, 0, 0, 0, false,
	  false, false, false, true },
	{ "correction", "需要补正的事项", true,
	  "补正告知应一次性发出，并在收到申请之日起7个工作日内发出（条例第三十条）；补正期间答复期限暂停计算。",
	  "补正期限（工作日）", 1, APP_CORRECTION_MAX, APP_CORRECTION_DEFAULT, false, false, false, false, false },
	{ "corrected", NULL, false, "答复期限自收到补正之日起重新计算。", NULL, 0, 0, 0, false, false, false, false,
	  false },
	{ "correction_lapsed", NULL, false, "申请人无正当理由逾期不补正的，视为放弃申请，不再处理。", NULL, 0, 0, 0, false,
	  false, false, false, true },
	{ "consult", "征求意见事项", true, "征求意见所需时间不计算在答复期限内（最长15个工作日）。", NULL, 0, 0, 0, true,
	  false, false, false, false },
	{ "consult_end", "意见摘要", false, "收到意见或征求意见期满后，答复期限恢复计算。", NULL, 0, 0, 0, false, false,
	  false, false, false },
	{ "extend", "延期理由", true, "延期须经政府信息公开工作机构负责人同意，只能延长一次，最长20个工作日（条例第三十三条）。",
	  "延长的工作日数", 1, 20, 20, false, true, false, false, false },
	{ "fee_notice", NULL, false, "按件计收与按量计收只能选择一种；缴费期间答复期限暂停计算。", NULL, 0, 0, 0, false,
	  false, true, false, false },
	{ "fee_paid", NULL, false, "登记缴费后答复期限恢复计算。", NULL, 0, 0, 0, false, false, false, false, false },
	{ "fee_lapsed", NULL, false, "申请人逾期未缴费的，视为放弃申请，不再处理。", NULL, 0, 0, 0, false, false, false,
	  false, true },
	{ "reply", "答复内容说明", false, "答复后生成答复书草稿，编辑后签发。", NULL, 0, 0, 0, false, false, false, true,
	  false },
	{ "withdraw", "撤回方式和内容", true, NULL, NULL, 0, 0, 0, false, false, false, false, true },
};

/* The reply's outcome select: by_reply outcomes grouped by their report row's group. */
static void outcome_groups(struct tv *m, const char *cur)
{
	struct tv *groups = tv_set_list(m, "outcome_groups"), *bases = tv_set_list(m, "outcome_bases"), *opts = NULL;
	const char *last = NULL;

	for (size_t i = 0; i < app_outcomes_count; i++) {
		const struct app_outcome *o = &app_outcomes[i];
		const char *group = app_rows[o->row].group;
		struct tv *g, *b;

		if (!o->by_reply)
			continue;
		if (!last || strcmp(last, group) != 0) {
			g = tv_list_push_map(groups);
			tv_set_str(g, "group", group);
			opts = tv_set_list(g, "options");
			last = group;
		}
		g = tv_list_push_map(opts);
		tv_set_str(g, "value", o->code);
		tv_set_str(g, "label", o->label);
		tv_set_bool(g, "selected", cur && strcmp(cur, o->code) == 0);
		b = tv_list_push_map(bases);
		tv_set_str(b, "label", o->label);
		tv_set_str(b, "basis", *o->basis ? o->basis : "（无默认依据，须填写）");
	}
}

/* The action forms of the current state; after a refused action (keep)
 * its form keeps what was typed. */
static void action_forms(struct req *r, struct tv *ctx, const struct application *a, bool keep)
{
	struct tv *list = tv_set_list(ctx, "actions");
	const char *posted = keep ? param_str(r, "action") : NULL, *today = day_str(r, date_today_cn());

	for (size_t i = 0; i < sizeof(act_forms) / sizeof(act_forms[0]); i++) {
		const struct act_form *f = &act_forms[i];
		const struct app_action *act = app_action_find(f->code);
		bool mine = posted && strcmp(posted, f->code) == 0;
		struct tv *m;

		if (!app_action_allowed(act, a->state))
			continue;
		m = tv_list_push_map(list);
		tv_set_bool(ctx, "has_actions", true);
		tv_set_str(m, "code", f->code);
		tv_set_str(m, "label", act->label);
		tv_set_str(m, "hint", f->hint);
		tv_set_bool(m, "danger", f->danger);
		tv_set_str(m, "v_day", mine && param_str(r, "day") ? param_str(r, "day") : today);
		if (f->reason) {
			tv_set_str(m, "reason_label", f->reason);
			tv_set_bool(m, "reason_required", f->reason_required);
			tv_set_str(m, "v_reason", mine ? param_str(r, "reason") : NULL);
		}
		if (f->days) {
			tv_set_str(m, "days_label", f->days);
			tv_set_int(m, "days_min", f->days_min);
			tv_set_int(m, "days_max", f->days_max);
			tv_set_int(m, "v_days", mine ? param_int(r, "days", f->days_default) : f->days_default);
		}
		if (f->party) {
			tv_set_bool(m, "has_party", true);
			tv_set_str(m, "v_party", mine ? param_str(r, "party") : NULL);
		}
		if (f->approver) {
			tv_set_bool(m, "has_approver", true);
			tv_set_str(m, "v_approver", mine ? param_str(r, "approver") : NULL);
		}
		if (f->fee) {
			long long std = mine ? param_int(r, "fee_standard", 0) : 0;
			long long units = mine ? param_int(r, "fee_units", 0) : 0;

			tv_set_bool(m, "has_fee", true);
			tv_set_bool(m, "fee_item", std == FEE_PER_ITEM);
			tv_set_bool(m, "fee_page", std == FEE_PER_PAGE);
			if (units)
				tv_set_int(m, "v_fee_units", units);
		}
		if (f->outcome) {
			tv_set_bool(m, "has_outcome", true);
			outcome_groups(m, mine ? param_str(r, "outcome") : NULL);
			tv_set_str(m, "v_basis", mine ? param_str(r, "basis") : NULL);
		}
	}
}

static void field(struct tv *list, const char *label, const char *value)
{
	struct tv *m;

	if (!value || !*value)
		return;
	m = tv_list_push_map(list);
	tv_set_str(m, "label", label);
	tv_set_str(m, "value", value);
}

static int case_page(struct req *r, int status, const char *error, const char *notice, bool keep)
{
	struct application a;
	struct app_event *ev;
	struct app_due_change *dc;
	struct app_letter *lt;
	struct app_file *fl;
	size_t nev, ndc, nlt, nfl;
	struct app_ctx c;
	struct calendar cal;
	struct app_deadline d;
	struct tv *ctx, *m, *l;
	bool cases = req_can_case(r, "applications", r->id);
	int col, rc;

	rc = store_app_get(req_db(r), &r->arena, r->org.id, r->id, &a);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件申请。");
	if (rc || (rc = req_app_ctx(r, &c, &cal)) ||
	    (rc = store_app_events(req_db(r), &r->arena, r->org.id, a.id, &ev, &nev)) ||
	    (rc = store_app_due_changes(req_db(r), &r->arena, r->org.id, a.id, &dc, &ndc)) ||
	    (rc = store_app_letters(req_db(r), &r->arena, r->org.id, a.id, &lt, &nlt)) ||
	    (rc = store_app_files(req_db(r), &r->arena, r->org.id, a.id, &fl, &nfl)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, arena_printf(&r->arena, "申请 %s", a.serial));
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_bool(ctx, "can_cases", cases);
	m = tv_set_map(ctx, "app");
	if ((rc = case_assign_fill(r, "applications", a.id, !a.closed_on, m)))
		return respond_server_error(r, rc);
	tv_set_int(m, "id", a.id);
	tv_set_int(m, "version", a.version);
	tv_set_str(m, "serial", a.serial);
	tv_set_str(m, "state", a.state);
	tv_set_str(m, "state_label", state_label(a.state));
	tv_set_bool(m, "extended", a.extended);
	tv_set_str(m, "channel", channel_label(a.channel));
	tv_set_str(m, "evidence", a.evidence);
	tv_set_str(m, "submitted_on", a.submitted_on);
	tv_set_str(m, "received_on", a.received_on);
	tv_set_str(m, "closed_on", a.closed_on);
	if (cases)
		tv_set_str(m, "tracking_code", a.tracking_code);
	deadline_view(r, m, &cal, &a, c.today, &d);
	if (app_state_find(a.state) && app_state_find(a.state)->open && d.has_left)
		tv_set_str(m, "due_note", d.paused     ? "计时暂停中（暂定期限）"
					  : d.left < 0 ? arena_printf(&r->arena, "已超出 %d 个工作日", -d.left)
					  : d.left == 0 ? "今日到期"
							: arena_printf(&r->arena, "剩余 %d 个工作日", d.left));
	if (a.wait_until) {
		tv_set_str(m, "wait_until", a.wait_until);
		tv_set_str(m, "wait_label", strcmp(a.state, "awaiting_fee") == 0 ? "缴费期限" : "补正期限");
	}
	if (a.fee_standard && a.fee_yuan > 0) {
		const char *amount = NULL;

		fees_format(&r->arena, a.fee_yuan, &amount);
		tv_set_str(m, "fee", arena_printf(&r->arena, "%s，%lld %s，%s", fees_standard_name(a.fee_standard),
						  a.fee_units, a.fee_standard == FEE_PER_ITEM ? "件" : "页",
						  amount ? amount : ""));
	}
	if (a.outcome) {
		const struct app_outcome *o = app_outcome_find(a.outcome);

		tv_set_str(m, "outcome", o ? o->label : a.outcome);
		tv_set_str(m, "basis", a.basis);
	}
	/* the applicant: personal data masked without PERM_CASES */
	l = tv_set_list(ctx, "applicant");
	col = app_applicant_col(a.applicant_type);
	field(l, "申请人类型", col >= 0 ? app_applicant_types[col].label : a.applicant_type);
	field(l, "姓名或名称", cases ? a.name : mask_name(r, a.name));
	field(l, "证件类型", a.id_kind);
	field(l, "证件号码", cases ? a.id_number : app_mask_id(&r->arena, a.id_number));
	field(l, "联系人", cases ? a.contact_person : mask_name(r, a.contact_person));
	field(l, "联系电话", cases ? a.phone : app_mask_phone(&r->arena, a.phone));
	field(l, "电子邮箱", cases ? a.email : app_mask_email(&r->arena, a.email));
	field(l, "通信地址", cases ? a.address : app_mask_address(&r->arena, a.address));
	field(l, "邮政编码", a.postcode);
	l = tv_set_list(ctx, "request");
	field(l, "所需信息名称", a.info_title);
	field(l, "文号", a.info_doc_no);
	field(l, "特征性描述", a.info_desc);
	field(l, "信息载体形式", a.medium);
	field(l, "获取方式", a.delivery);
	l = tv_set_list(ctx, "due_changes");
	for (size_t i = 0; i < ndc; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "old_due", dc[i].old_due ? dc[i].old_due : "—");
		tv_set_str(e, "new_due", dc[i].new_due ? dc[i].new_due : "无法计算");
		tv_set_str(e, "cause", dc[i].cause);
		tv_set_str(e, "at", view_at_cn(r, dc[i].at));
	}
	l = tv_set_list(ctx, "events");
	for (size_t i = 0; i < nev; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "label", event_label(ev[i].action));
		tv_set_str(e, "day", ev[i].day);
		tv_set_str(e, "actor", ev[i].actor);
		tv_set_str(e, "reason", ev[i].reason);
		tv_set_str(e, "detail", ev[i].detail);
		tv_set_str(e, "at", view_at_cn(r, ev[i].at));
	}
	l = tv_set_list(ctx, "letters");
	for (size_t i = 0; i < nlt; i++) {
		struct tv *e = tv_list_push_map(l);
		const char *url = arena_printf(&r->arena, "/admin/o/%s/letters/%lld", r->org.slug, lt[i].id);

		tv_set_str(e, "title", lt[i].title);
		tv_set_str(e, "kind", kind_label(lt[i].kind));
		tv_set_bool(e, "issued", strcmp(lt[i].status, "issued") == 0);
		tv_set_bool(e, "editable", cases && strcmp(lt[i].status, "draft") == 0);
		tv_set_str(e, "issued_on", lt[i].issued_on);
		tv_set_str(e, "url", url);
		tv_set_str(e, "print_url", arena_printf(&r->arena, "%s/print", url));
		tv_set_str(e, "pdf_url", arena_printf(&r->arena, "%s/pdf", url));
	}
	l = tv_set_list(ctx, "files");
	for (size_t i = 0; i < nfl; i++) {
		struct tv *e = tv_list_push_map(l);
		bool request = strcmp(fl[i].role, "request") == 0;

		tv_set_str(e, "filename", fl[i].filename);
		tv_set_str(e, "role", request ? "申请材料" : "公开的信息");
		tv_set_int(e, "size", fl[i].size);
		tv_set_str(e, "at", view_at_cn(r, fl[i].created_at));
		if (cases || !request)
			tv_set_str(e, "url", arena_printf(&r->arena, "/admin/o/%s/applications/%lld/files/%lld", r->org.slug,
							  a.id, fl[i].id));
	}
	if (cases) {
		tv_set_int(ctx, "max_upload_mb", r->app->max_upload >> 20);
		action_forms(r, ctx, &a, keep);
	}
	return respond_html(r, status, "admin_app", ctx);
}

int h_admin_app(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return case_page(r, 200, NULL, NULL, false);
}

int h_admin_app_action(struct req *r)
{
	struct app_act_input in = {
		.action = param_str(r, "action"),
		.version = (int)param_int(r, "version", 0),
		.day = param_day(r, "day"),
		.reason = param_str(r, "reason"),
		.party = param_str(r, "party"),
		.days = (int)param_int(r, "days", 0),
		.approver = param_str(r, "approver"),
		.outcome = param_str(r, "outcome"),
		.basis = param_str(r, "basis"),
		.fee_standard = (int)param_int(r, "fee_standard", 0),
		.fee_units = param_int(r, "fee_units", 0),
	};
	struct application app;
	struct app_ctx c;
	struct calendar cal;
	long long letter_id = 0;
	const char *msg = NULL;
	int rc;

	if (in.action && strcmp(in.action, "assign_user") == 0) {
		if (case_assign(r, "applications", r->id))
			return 0;
		return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug, r->id));
	}
	if (!req_can_case_or_respond(r, "applications", r->id))
		return 0;
	if (!in.action)
		return respond_error(r, 400, "缺少办理操作。");
	if ((rc = req_app_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = app_act(&c, r->id, &in, &app, &letter_id, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件申请。");
	if (rc == ERR_INVALID)
		return case_page(r, 400, msg, NULL, true);
	if (rc == ERR_CONFLICT)
		return case_page(r, 409, msg, NULL, false);
	if (rc)
		return respond_server_error(r, rc);
	log_info("application %lld: %s by %s", app.id, in.action, r->user.username);
	if (letter_id)
		return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/letters/%lld", r->org.slug, letter_id));
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug, app.id));
}

/* ---- files ---- */

int h_admin_app_upload(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	const char *role = param_str(r, "role"), *msg, *base;
	struct application a;
	struct filetype ft;
	struct app_file f = { 0 };
	char hex[65], now[21];
	int rc;

	if (!req_can_case_or_respond(r, "applications", r->id))
		return 0;
	rc = store_app_get(req_db(r), &r->arena, r->org.id, r->id, &a);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件申请。");
	if (rc)
		return respond_server_error(r, rc);
	if (!role || (strcmp(role, "request") != 0 && strcmp(role, "released") != 0))
		return case_page(r, 400, "请选择文件类别。", NULL, false);
	if (!u)
		return case_page(r, 400, "请选择要上传的文件。", NULL, false);
	base = strrchr(u->filename, '/');
	base = base ? base + 1 : u->filename;
	if (strrchr(base, '\\'))
		base = strrchr(base, '\\') + 1;
	if (!*base || !utf8_valid(base, strlen(base)) || utf8_len(base, strlen(base)) > 200)
		return case_page(r, 400, "文件名无效或过长。", NULL, false);
	if (filetype_check(u->path, base, &ft, &msg))
		return case_page(r, 400, msg, NULL, false);
	if ((rc = req_store_upload(r, u, hex)))
		return respond_server_error(r, rc);
	time_format_utc(time(NULL), now);
	f.org_id = r->org.id;
	f.application_id = a.id;
	f.role = role;
	f.filename = base;
	f.mime = ft.mime;
	f.size = u->size;
	f.sha256 = hex;
	f.created_at = now;
	if ((rc = store_app_file_insert(req_db(r), &f)))
		return respond_server_error(r, rc);
	log_info("application %lld: file %s (%lld bytes, %s) by %s", a.id, hex, u->size, role, r->user.username);
	return case_page(r, 200, NULL, "文件已上传。", false);
}

int h_admin_app_file(struct req *r)
{
	struct application a;
	struct app_file f;
	char path[1024];
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	rc = store_app_get(req_db(r), &r->arena, r->org.id, r->id, &a);
	if (rc == 0)
		rc = store_app_file_get(req_db(r), &r->arena, r->org.id, r->id2, &f);
	if (rc == ERR_NOT_FOUND || (rc == 0 && f.application_id != a.id))
		return respond_error(r, 404, "文件不存在。");
	if (rc)
		return respond_server_error(r, rc);
	/* the applicant's own material holds personal data */
	if (strcmp(f.role, "request") == 0 && !req_can_case_or_respond(r, "applications", a.id))
		return 0;
	snprintf(path, sizeof(path), "%s/%.2s/%s", r->app->files_dir, f.sha256, f.sha256);
	return respond_file(r, path, f.mime, f.filename);
}

/* ---- letters ---- */

static int letter_get(struct req *r, struct app_letter *l, struct application *a)
{
	int rc = store_app_letter_get(req_db(r), &r->arena, r->org.id, r->id, l);

	if (rc == 0)
		rc = store_app_get(req_db(r), &r->arena, r->org.id, l->application_id, a);
	if (rc == ERR_NOT_FOUND)
		respond_error(r, 404, "没有这份文书。");
	else if (rc)
		respond_server_error(r, rc);
	return rc;
}

/* The sign lines of l: the agency and the day it was issued (today for drafts). */
static const char *sign_lines(struct req *r, const struct app_letter *l)
{
	const char *day = l->issued_on && *l->issued_on ? l->issued_on : day_str(r, date_today_cn());

	return letter_sign_lines(&r->arena, r->org.name, day);
}

static void sign_list(struct tv *ctx, const char *lines)
{
	struct tv *l = tv_set_list(ctx, "sign");

	while (lines && *lines) {
		const char *nl = strchr(lines, '\n');
		size_t n = nl ? (size_t)(nl - lines) : strlen(lines);

		tv_list_push_strn(l, lines, n);
		lines += n + (nl ? 1 : 0);
	}
}

static int letter_page(struct req *r, int status, const struct app_letter *l, const struct application *a,
		       const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, l->title && *l->title ? l->title : "文书"), *m;
	struct safe_html body;
	bool issued = strcmp(l->status, "issued") == 0;
	const char *md = l->body_md ? l->body_md : "";
	const char *url = arena_printf(&r->arena, "/admin/o/%s/letters/%lld", r->org.slug, l->id);
	int rc;

	if ((rc = markdown_to_html(&r->arena, md, strlen(md), &body)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	m = tv_set_map(ctx, "letter");
	tv_set_int(m, "id", l->id);
	tv_set_int(m, "version", l->version);
	tv_set_str(m, "title", l->title);
	tv_set_str(m, "doc_no", l->doc_no);
	tv_set_str(m, "body_md", l->body_md);
	tv_set_str(m, "kind", kind_label(l->kind));
	tv_set_bool(m, "issued", issued);
	tv_set_str(m, "issued_on", l->issued_on);
	tv_set_bool(m, "editable", !issued && req_can(r, PERM_CASES));
	tv_set_html(m, "body_html", body);
	tv_set_str(m, "url", url);
	tv_set_str(m, "print_url", arena_printf(&r->arena, "%s/print", url));
	tv_set_str(m, "pdf_url", arena_printf(&r->arena, "%s/pdf", url));
	tv_set_str(m, "app_url", arena_printf(&r->arena, "/admin/o/%s/applications/%lld", r->org.slug, a->id));
	tv_set_str(m, "app_serial", a->serial);
	sign_list(m, sign_lines(r, l));
	return respond_html(r, status, "admin_letter", ctx);
}

/* Letters carry the applicant's name and request unmasked: only staff
 * who handle applications (PERM_CASES) read them. */
int h_admin_letter(struct req *r)
{
	struct app_letter l;
	struct application a;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (letter_get(r, &l, &a) || !req_can_case_or_respond(r, "applications", a.id))
		return 0;
	return letter_page(r, 200, &l, &a, NULL, NULL);
}

int h_admin_letter_save(struct req *r)
{
	struct app_letter old, l;
	struct application a;
	bool issue = param_str(r, "issue") != NULL;
	char now[21];
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (letter_get(r, &old, &a) || !req_can_case_or_respond(r, "applications", a.id))
		return 0;
	if (strcmp(old.status, "issued") == 0)
		return letter_page(r, 409, &old, &a, "该文书已签发，不能再修改。", NULL);
	l = old;
	l.title = param_str(r, "title");
	l.doc_no = param_str(r, "doc_no");
	l.body_md = param_str(r, "body_md");
	l.version = (int)param_int(r, "version", 0);
	if (!l.title) {
		l.title = "";
		l.version = old.version;
		return letter_page(r, 400, &l, &a, "请填写文书标题。", NULL);
	}
	time_format_utc(time(NULL), now);
	l.updated_at = now;
	if (issue) {
		l.status = "issued";
		l.issued_on = day_str(r, date_today_cn());
	}
	rc = store_app_letter_update(req_db(r), &l);
	if (rc == ERR_CONFLICT) {
		l.version = old.version;
		l.status = old.status;
		l.issued_on = old.issued_on;
		return letter_page(r, 409, &l, &a, "保存失败：该文书已被他人修改或已签发，请刷新后重新编辑。", NULL);
	}
	if (rc)
		return respond_server_error(r, rc);
	log_info("letter %lld %s by %s", l.id, issue ? "issued" : "saved", r->user.username);
	if ((rc = store_app_letter_get(req_db(r), &r->arena, r->org.id, l.id, &l)))
		return respond_server_error(r, rc);
	return letter_page(r, 200, &l, &a, NULL, issue ? "文书已签发。" : "草稿已保存。");
}

int h_admin_letter_print(struct req *r)
{
	struct app_letter l;
	struct application a;
	struct safe_html body;
	struct tv *ctx;
	const char *md;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (letter_get(r, &l, &a) || !req_can_case_or_respond(r, "applications", a.id))
		return 0;
	md = l.body_md ? l.body_md : "";
	if ((rc = markdown_to_html(&r->arena, md, strlen(md), &body)))
		return respond_server_error(r, rc);
	ctx = tv_map(&r->arena);
	tv_set_str(ctx, "title", l.title);
	tv_set_str(ctx, "doc_no", l.doc_no);
	tv_set_bool(ctx, "draft", strcmp(l.status, "issued") != 0);
	tv_set_html(ctx, "body", body);
	sign_list(ctx, sign_lines(r, &l));
	return respond_html(r, 200, "letter_print", ctx);
}

int h_admin_letter_pdf(struct req *r)
{
	struct app_letter l;
	struct application a;
	struct pdf_letter p;
	const char *out;
	size_t len;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (letter_get(r, &l, &a) || !req_can_case_or_respond(r, "applications", a.id))
		return 0;
	p = (struct pdf_letter){ .title = l.title, .subtitle = l.doc_no, .body_md = l.body_md,
				 .sign_lines = sign_lines(r, &l) };
	if ((rc = pdf_letter_render(&r->arena, &p, &out, &len)))
		return respond_server_error(r, rc);
	return respond_bytes(r, 200, "application/pdf", out, len, NULL);
}
