/* h_proposals.c - staff pages of 建议提案办理: the list with the year's
 * counts and overdue marks, the 交办 form (new and edit), the case page
 * with the reply, the close and the publication of the reply, and CSV
 * import and export. The rules are in domain/registers/proposals; these
 * handlers only read forms and show records.
 *
 * Permissions: PERM_READ views (the writer of a 来信 masked), PERM_CASES
 * registers, edits, replies, closes and imports, PERM_PUBLISH publishes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/applications/cases.h"
#include "domain/auth/auth.h"
#include "domain/calendar/calendar.h"
#include "domain/catalog/catalog.h"
#include "domain/registers/csvio.h"
#include "domain/registers/proposals.h"
#include "domain/registers/registers.h"
#include "http/http.h"
#include "http/view.h"
#include "render/markdown.h"
#include "render/tmpl.h"
#include "store/proposal.h"
#include "store/store.h"
#include "http/static_site.h"
#include "core/banned.h"

#define PER_PAGE 30
#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

static const char *day_str(struct req *r, long day)
{
	char d[11];

	date_format(day, d);
	return arena_strdup(&r->arena, d);
}


/* The writer of a 来信 is personal data: its first character and "*"
 * without PERM_CASES. */
static const char *person(struct req *r, const struct proposal *p, const char *s, bool cases)
{
	const char *q = s;

	if (cases || strcmp(p->kind, "letter") != 0 || !s || !*s)
		return s;
	utf8_next(&q, s + strlen(s));
	return arena_printf(&r->arena, "%.*s*", (int)(q - s), s);
}

/* The first max characters of s, with "…" when cut. */
static const char *clip(struct req *r, const char *s, size_t max)
{
	const char *p = s, *end = s + strlen(s);

	for (size_t i = 0; i < max && p < end; i++)
		utf8_next(&p, end);
	return p < end ? arena_printf(&r->arena, "%.*s…", (int)(p - s), s) : s;
}

static const char *label(const struct prop_code *t, size_t n, const char *code)
{
	return prop_label(t, n, code);
}

/* A select's options from a code table: value = code, the one equal to
 * cur selected. */
static void options(struct tv *ctx, const char *key, const struct prop_code *t, size_t n, const char *cur)
{
	struct tv *l = tv_set_list(ctx, key);

	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);
		int ix = prop_code_ix(t, n, cur);

		tv_set_str(m, "value", t[i].code);
		tv_set_str(m, "label", t[i].label);
		tv_set_bool(m, "selected", ix == (int)i);
	}
}

/* The procedure's context for this request. */
static int prop_ctx_of(struct req *r, struct prop_ctx *pc, struct calendar *cal)
{
	struct app_ctx c;
	int rc = req_app_ctx(r, &c, cal);

	if (rc)
		return rc;
	*pc = (struct prop_ctx){ .db = c.db, .a = c.a, .cal = cal, .org = c.org, .user_id = c.user_id,
				 .actor = c.actor, .today = c.today, .now = c.now };
	return 0;
}

static const char *list_url(struct req *r)
{
	return arena_printf(&r->arena, "/admin/o/%s/proposals", r->org.slug);
}

static const char *case_url(struct req *r, long long id)
{
	return arena_printf(&r->arena, "/admin/o/%s/proposals/%lld", r->org.slug, id);
}

/* ---- the list ---- */

/* A row of counts: label, one cell per role, the total. */
static void count_row(struct tv *list, const char *lbl, const long long *role, long long total)
{
	struct tv *m = tv_list_push_map(list), *cells = tv_set_list(m, "cells");

	tv_set_str(m, "label", lbl);
	for (int i = 0; i < PROP_ROLES; i++)
		tv_list_push_int(cells, role[i]);
	tv_set_int(m, "total", total);
}

static void counts_view(struct req *r, struct tv *ctx, const struct prop_counts *c)
{
	struct tv *m = tv_set_map(ctx, "counts"), *l;
	const char *text = NULL;

	tv_set_int(m, "total", c->total);
	l = tv_set_list(m, "roles");
	for (int i = 0; i < PROP_ROLES; i++)
		tv_list_push_str(l, prop_roles[i].label);
	l = tv_set_list(m, "by_source");
	for (int s = 0; s < PROP_SOURCES; s++)
		if (c->source[s][PROP_ROLES])
			count_row(l, s == PROP_SRC_NONE ? "无来源（来信）" : prop_sources[s].label, c->source[s],
				  c->source[s][PROP_ROLES]);
	l = tv_set_list(m, "by_kind");
	for (int k = 0; k < PROP_KINDS; k++)
		if (c->kind[k][PROP_ROLES])
			count_row(l, prop_kinds[k].label, c->kind[k], c->kind[k][PROP_ROLES]);
	count_row(tv_set_list(m, "all"), "合计", c->role, c->total);
	l = tv_set_list(m, "sessions");
	for (size_t i = 0; i < c->nsessions; i++) {
		const struct prop_session_row *s = &c->sessions[i];
		struct tv *row = tv_list_push_map(l), *cells = tv_set_list(row, "cells");

		tv_set_str(row, "session", *s->session ? s->session : "—");
		tv_set_str(row, "source", s->source == PROP_SRC_NONE ? "—" : prop_sources[s->source].label);
		tv_set_str(row, "kind", prop_kinds[s->kind].label);
		for (int k = 0; k < PROP_ROLES; k++)
			tv_list_push_int(cells, s->role[k]);
		tv_set_int(row, "total", s->total);
	}
	l = tv_set_list(m, "results");
	for (int i = 0; i < PROP_RESULTS; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "label", prop_results[i].label);
		tv_set_int(e, "n", c->result[i]);
	}
	l = tv_set_list(m, "sats");
	for (int i = 0; i < PROP_SATS; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "label", prop_sats[i].label);
		tv_set_int(e, "n", c->satisfaction[i]);
	}
	tv_set_int(m, "open", c->state[PROP_STATE_OPEN]);
	tv_set_int(m, "replied", c->state[PROP_STATE_REPLIED]);
	tv_set_int(m, "closed", c->state[PROP_STATE_CLOSED]);
	tv_set_int(m, "published", c->published);
	if (prop_counts_text(&r->arena, c, &text) == 0 && *text)
		tv_set_str(m, "sentence", arena_printf(&r->arena, "%s。", text));
}

int h_admin_proposals(struct req *r)
{
	const char *source = param_str(r, "source"), *kind = param_str(r, "kind"), *role = param_str(r, "role");
	const char *state = param_str(r, "state");
	long long page = param_int(r, "page", 1), total = 0, open = 0, overdue = 0;
	struct proposal_filter f = { .org_id = r->org.id, .limit = PER_PAGE, .offset = (page - 1) * PER_PAGE };
	struct proposal *rows;
	struct prop_counts counts;
	struct tv *ctx, *l;
	struct buf base;
	int *years, year, this_year, y, m, d;
	size_t n, ny;
	long today = date_today_cn();
	const char *today_s = day_str(r, today);
	bool cases, listed = false;
	int rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if ((source && strcmp(source, "none") != 0 && prop_source_ix(source) < 0) ||
	    (kind && prop_code_ix(prop_kinds, PROP_KINDS, kind) < 0) ||
	    (role && prop_code_ix(prop_roles, PROP_ROLES, role) < 0) ||
	    (state && strcmp(state, "overdue") != 0 && prop_code_ix(prop_states, PROP_STATES, state) < 0))
		return respond_error(r, 400, "筛选条件无效。");
	cases = req_can(r, PERM_CASES);
	if ((rc = store_proposal_years(req_db(r), &r->arena, r->org.id, &years, &ny)))
		return respond_server_error(r, rc);
	date_to_ymd(today, &this_year, &m, &d);
	/* no year asked: the newest year with records */
	year = (int)param_int(r, "year", ny ? years[0] : this_year);
	f.year = year;
	f.source = !source ? NULL : strcmp(source, "none") == 0 ? "" : prop_sources[prop_source_ix(source)].code;
	f.kind = kind ? prop_kinds[prop_code_ix(prop_kinds, PROP_KINDS, kind)].code : NULL;
	f.role = role ? prop_roles[prop_code_ix(prop_roles, PROP_ROLES, role)].code : NULL;
	if (state && strcmp(state, "overdue") == 0)
		f.overdue_on = today_s;
	else if (state)
		f.state = prop_states[prop_code_ix(prop_states, PROP_STATES, state)].code;
	if ((rc = store_proposal_open_counts(req_db(r), r->org.id, today_s, &open, &overdue)) ||
	    (rc = prop_counts(req_db(r), &r->arena, r->org.id, year, &counts)) ||
	    (rc = store_proposal_list(req_db(r), &r->arena, &f, &rows, &n, &total)))
		return respond_server_error(r, rc);

	ctx = page_ctx(r, "建议提案办理");
	tv_set_int(ctx, "open", open);
	tv_set_int(ctx, "overdue", overdue);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_int(ctx, "year", year);
	tv_set_str(ctx, "year_label", year ? arena_printf(&r->arena, "%d年", year) : "全部年度");
	tv_set_int(ctx, "total", total);
	tv_set_str(ctx, "export_url", arena_printf(&r->arena, "%s/export?year=%d", list_url(r), year));
	counts_view(r, ctx, &counts);
	/* filters */
	l = tv_set_list(ctx, "years");
	for (size_t i = 0; i <= ny; i++) {
		struct tv *e;

		y = i < ny ? years[i] : this_year;
		if (i == ny && listed)
			break;
		listed |= y == this_year;
		e = tv_list_push_map(l);
		tv_set_int(e, "value", y);
		tv_set_bool(e, "selected", y == year);
	}
	tv_set_bool(ctx, "all_years", year == 0);
	options(ctx, "sources", prop_sources, PROP_SRC_NONE, source);
	tv_set_bool(ctx, "source_none", source && strcmp(source, "none") == 0);
	options(ctx, "kinds", prop_kinds, PROP_KINDS, kind);
	options(ctx, "roles", prop_roles, PROP_ROLES, role);
	options(ctx, "states", prop_states, PROP_STATES, state);
	tv_set_bool(ctx, "state_overdue", state && strcmp(state, "overdue") == 0);
	/* rows */
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		const struct proposal *p = &rows[i];
		struct tv *e = tv_list_push_map(l);
		bool late = prop_overdue(p, today);

		tv_set_str(e, "url", case_url(r, p->id));
		tv_set_str(e, "no", prop_display_no(&r->arena, p));
		tv_set_str(e, "title", clip(r, p->title, 40));
		tv_set_str(e, "proposer", person(r, p, p->proposer, cases));
		tv_set_str(e, "source", *p->source ? label(prop_sources, PROP_SOURCES, p->source) : "—");
		tv_set_str(e, "role", label(prop_roles, PROP_ROLES, p->role));
		tv_set_str(e, "assigned_on", p->assigned_on);
		tv_set_str(e, "due_on", p->due_on);
		tv_set_str(e, "state", p->state);
		tv_set_str(e, "state_label", label(prop_states, PROP_STATES, p->state));
		tv_set_str(e, "result", p->result);
		tv_set_bool(e, "published", p->item_id != 0);
		tv_set_bool(e, "overdue", late);
		tv_set_str(e, "row_class", late ? "row-overdue" : NULL);
	}
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "%s?year=%d&", list_url(r), year);
	if (source)
		buf_printf(&base, "source=%s&", source);
	if (kind)
		buf_printf(&base, "kind=%s&", kind);
	if (role)
		buf_printf(&base, "role=%s&", role);
	if (state)
		buf_printf(&base, "state=%s&", state);
	view_pager(r, ctx, page, PER_PAGE, total, buf_cstr(&base));
	return respond_html(r, 200, "admin_proposals", ctx);
}

/* ---- the 交办 form ---- */

static void fields_from_form(struct req *r, struct prop_fields *f)
{
	*f = (struct prop_fields){
		.source = param_str(r, "source"),
		.session = param_str(r, "session"),
		.kind = param_str(r, "kind"),
		.number = param_str(r, "number"),
		.title = param_str(r, "title"),
		.proposer = param_str(r, "proposer"),
		.cosigners = param_str(r, "cosigners"),
		.role = param_str(r, "role"),
		.assigned_on = param_str(r, "assigned_on"),
		.due_on = param_str(r, "due_on"),
	};
}

/* The form, new (p NULL or id 0) or edit; f holds what to show (the
 * stored record or what was posted). */
static int form_page(struct req *r, int status, const struct proposal *p, const struct prop_fields *f,
		     const char *token, int version, const char *error)
{
	bool edit = p && p->id;
	struct tv *ctx = page_ctx(r, edit ? "修改建议提案" : "登记建议提案"), *v;
	int rc;

	if (!edit && !token && (rc = auth_random_token(&r->arena, 16, &token)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_bool(ctx, "edit", edit);
	tv_set_str(ctx, "token", edit ? NULL : token);
	tv_set_str(ctx, "list_url", list_url(r));
	tv_set_int(ctx, "due_days", PROP_DUE_DAYS);
	if (edit) {
		tv_set_int(ctx, "version", version);
		tv_set_str(ctx, "action", arena_printf(&r->arena, "%s/edit", case_url(r, p->id)));
		tv_set_str(ctx, "case_url", case_url(r, p->id));
		tv_set_str(ctx, "no", prop_display_no(&r->arena, p));
		tv_set_bool(ctx, "published", p->item_id != 0);
	} else {
		tv_set_str(ctx, "action", arena_printf(&r->arena, "%s/new", list_url(r)));
	}
	v = tv_set_map(ctx, "f");
	tv_set_str(v, "session", f->session);
	tv_set_str(v, "number", f->number);
	tv_set_str(v, "title", f->title);
	tv_set_str(v, "proposer", f->proposer);
	tv_set_str(v, "cosigners", f->cosigners);
	tv_set_str(v, "assigned_on", f->assigned_on);
	tv_set_str(v, "due_on", f->due_on);
	options(ctx, "sources", prop_sources, PROP_SRC_NONE, f->source);
	options(ctx, "kinds", prop_kinds, PROP_KINDS, f->kind);
	options(ctx, "roles", prop_roles, PROP_ROLES, f->role);
	return respond_html(r, status, "admin_proposal_form", ctx);
}

int h_admin_proposal_new(struct req *r)
{
	struct prop_fields f = { .assigned_on = day_str(r, date_today_cn()) };

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return form_page(r, 200, NULL, &f, NULL, 0, NULL);
}

int h_admin_proposal_create(struct req *r)
{
	struct prop_fields f;
	struct proposal p;
	struct prop_ctx pc;
	struct calendar cal;
	const char *msg = NULL, *token = param_str(r, "token");
	bool dup = false;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	fields_from_form(r, &f);
	if ((rc = prop_ctx_of(r, &pc, &cal)))
		return respond_server_error(r, rc);
	rc = prop_create(&pc, &f, token, &p, &dup, &msg);
	if (rc == ERR_INVALID)
		return form_page(r, 400, NULL, &f, token, 0, msg);
	if (rc == ERR_CONFLICT)
		return form_page(r, 409, NULL, &f, token, 0, "保存冲突，请重新提交。");
	if (rc)
		return respond_server_error(r, rc);
	if (!dup)
		log_info("proposal %lld registered by %s", p.id, r->user.username);
	return respond_redirect(r, case_url(r, p.id));
}

/* The stored record for the edit form: a computed due date shows empty
 * (left empty it follows the assigned day). */
static void fields_of(const struct proposal *p, struct prop_fields *f)
{
	*f = (struct prop_fields){
		.source = p->source, .session = p->session, .kind = p->kind, .number = p->number,
		.title = p->title, .proposer = p->proposer, .cosigners = p->cosigners, .role = p->role,
		.assigned_on = p->assigned_on, .due_on = p->due_computed ? NULL : p->due_on,
	};
}

static int get_or_respond(struct req *r, struct proposal *p)
{
	int rc = store_proposal_get(req_db(r), &r->arena, r->org.id, r->id, p);

	if (rc == ERR_NOT_FOUND)
		respond_error(r, 404, "没有这件建议提案。");
	else if (rc)
		respond_server_error(r, rc);
	return rc;
}

int h_admin_proposal_edit(struct req *r)
{
	struct proposal p;
	struct prop_fields f;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (get_or_respond(r, &p))
		return 0;
	fields_of(&p, &f);
	return form_page(r, 200, &p, &f, NULL, p.version, NULL);
}

int h_admin_proposal_save(struct req *r)
{
	struct proposal old, p;
	struct prop_fields f;
	struct prop_ctx pc;
	struct calendar cal;
	const char *msg = NULL;
	int version = (int)param_int(r, "version", 0), rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (get_or_respond(r, &old))
		return 0;
	fields_from_form(r, &f);
	if ((rc = prop_ctx_of(r, &pc, &cal)))
		return respond_server_error(r, rc);
	rc = prop_edit(&pc, old.id, version, &f, &p, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件建议提案。");
	if (rc == ERR_INVALID)
		return form_page(r, 400, &old, &f, NULL, version, msg);
	if (rc == ERR_CONFLICT) {
		fields_of(&old, &f);
		return form_page(r, 409, &old, &f, NULL, old.version, msg);
	}
	if (rc)
		return respond_server_error(r, rc);
	log_info("proposal %lld edited by %s", p.id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "%s?done=edit", case_url(r, p.id)));
}

/* ---- the case page ---- */

static void field(struct tv *list, const char *lbl, const char *value)
{
	struct tv *m;

	if (!value || !*value)
		return;
	m = tv_list_push_map(list);
	tv_set_str(m, "label", lbl);
	tv_set_str(m, "value", value);
}

static const char *event_label(const char *action)
{
	static const char *const k[][2] = {
		{ "create", "登记" },   { "edit", "修改交办信息" }, { "reply", "答复" },  { "amend", "修改答复" },
		{ "close", "办结" },    { "publish", "公开答复" },  { "import", "导入" }, { "update", "导入更新" },
	};

	for (size_t i = 0; i < NELEM(k); i++)
		if (strcmp(k[i][0], action) == 0)
			return k[i][1];
	return action;
}

static int case_page(struct req *r, int status, const char *error, const char *notice, bool keep)
{
	struct proposal p;
	struct proposal_event *ev;
	size_t nev;
	struct tv *ctx, *m, *l;
	bool cases = req_can(r, PERM_CASES), publish = req_can(r, PERM_PUBLISH);
	long today = date_today_cn();
	const char *posted = keep ? param_str(r, "action") : NULL;
	int rc;

	if (get_or_respond(r, &p))
		return 0;
	if ((rc = store_proposal_events(req_db(r), &r->arena, r->org.id, p.id, &ev, &nev)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, prop_display_no(&r->arena, &p));
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_str(ctx, "list_url", list_url(r));
	m = tv_set_map(ctx, "p");
	tv_set_int(m, "id", p.id);
	tv_set_int(m, "version", p.version);
	tv_set_str(m, "no", prop_display_no(&r->arena, &p));
	tv_set_str(m, "title", p.title);
	tv_set_str(m, "state", p.state);
	tv_set_str(m, "state_label", label(prop_states, PROP_STATES, p.state));
	tv_set_bool(m, "overdue", prop_overdue(&p, today));
	tv_set_str(m, "due_on", p.due_on);
	tv_set_str(m, "due_note",
		   p.due_computed ? arena_printf(&r->arena, "按交办日期起%d日计算", PROP_DUE_DAYS) : "依交办文件");
	if (cases)
		tv_set_str(m, "edit_url", arena_printf(&r->arena, "%s/edit", case_url(r, p.id)));
	l = tv_set_list(ctx, "info");
	field(l, "来源", *p.source ? label(prop_sources, PROP_SOURCES, p.source) : "无来源");
	field(l, "届次会议", p.session);
	field(l, "类别", label(prop_kinds, PROP_KINDS, p.kind));
	field(l, "编号", p.number);
	field(l, "标题", p.title);
	field(l, strcmp(p.kind, "letter") == 0 ? "来信人" : "领衔人", person(r, &p, p.proposer, cases));
	field(l, "附议人", person(r, &p, p.cosigners, cases));
	field(l, "办理方式", label(prop_roles, PROP_ROLES, p.role));
	field(l, "交办日期", p.assigned_on);
	if (strcmp(p.state, "open") != 0) {
		struct safe_html body;

		if ((rc = markdown_to_html(&r->arena, p.reply, strlen(p.reply), &body)))
			return respond_server_error(r, rc);
		tv_set_html(m, "reply_html", body);
		tv_set_str(m, "replied_on", p.replied_on);
		tv_set_str(m, "result", label(prop_results, PROP_RESULTS, p.result));
		tv_set_str(m, "satisfaction", p.satisfaction ? label(prop_sats, PROP_SATS, p.satisfaction) : NULL);
		tv_set_str(m, "closed_on", p.closed_on);
	}
	if (p.item_id) {
		struct item it;

		rc = store_item_get(req_db(r), &r->arena, r->org.id, p.item_id, &it);
		if (rc && rc != ERR_NOT_FOUND)
			return respond_server_error(r, rc);
		if (rc == 0) {
			struct tv *pub = tv_set_map(m, "published");

			tv_set_str(pub, "title", it.title);
			tv_set_str(pub, "index_no", it.index_no);
			tv_set_str(pub, "published_on", it.published_on);
			tv_set_str(pub, "status", catalog_status_label(it.status));
			tv_set_str(pub, "admin_url", arena_printf(&r->arena, "/admin/o/%s/items/%lld", r->org.slug, it.id));
			if (strcmp(it.status, "published") == 0)
				tv_set_str(pub, "public_url", view_item_url(r, r->org.slug, it.id));
		}
	}
	/* the steps this state allows */
	if (cases && (strcmp(p.state, "open") == 0 || (strcmp(p.state, "replied") == 0 && !p.item_id))) {
		struct tv *f = tv_set_map(ctx, "reply_form");
		bool mine = posted && strcmp(posted, "reply") == 0;

		tv_set_bool(f, "amend", strcmp(p.state, "replied") == 0);
		tv_set_str(f, "v_reply", mine ? param_str(r, "reply") : p.reply);
		tv_set_str(f, "v_replied_on", mine ? param_str(r, "replied_on") : p.replied_on ? p.replied_on
											    : day_str(r, today));
		options(f, "results", prop_results, PROP_RESULTS, mine ? param_str(r, "result") : p.result);
	}
	if (cases && strcmp(p.state, "replied") == 0) {
		struct tv *f = tv_set_map(ctx, "close_form");
		bool mine = posted && strcmp(posted, "close") == 0;

		tv_set_str(f, "v_closed_on", mine ? param_str(r, "closed_on") : day_str(r, today));
		options(f, "sats", prop_sats, PROP_SATS, mine ? param_str(r, "satisfaction") : NULL);
	}
	if (publish && strcmp(p.state, "open") != 0 && !p.item_id && strcmp(p.role, "assist") != 0) {
		struct tv *f = tv_set_map(ctx, "publish_form");

		tv_set_str(f, "title", prop_reply_title(&r->arena, &p));
		tv_set_str(f, "category", PROP_CATEGORY);
	}
	l = tv_set_list(ctx, "events");
	for (size_t i = 0; i < nev; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "label", event_label(ev[i].action));
		tv_set_str(e, "day", ev[i].day);
		tv_set_str(e, "actor", ev[i].actor);
		tv_set_str(e, "detail", ev[i].detail);
		tv_set_str(e, "at", view_at_cn(r, ev[i].at));
	}
	return respond_html(r, status, "admin_proposal", ctx);
}

/* After a step: ?done=<action> says it worked. */
int h_admin_proposal(struct req *r)
{
	static const char *const done[][2] = {
		{ "edit", "交办信息已保存。" }, { "reply", "答复已保存。" }, { "close", "已办结。" },
		{ "publish", "答复已在公开目录发布。" },
	};
	const char *d = param_str(r, "done"), *notice = NULL;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	for (size_t i = 0; d && i < NELEM(done); i++)
		if (strcmp(d, done[i][0]) == 0)
			notice = done[i][1];
	return case_page(r, 200, NULL, notice, false);
}

int h_admin_proposal_action(struct req *r)
{
	const char *action = param_str(r, "action"), *msg = NULL, *index_no = NULL;
	struct prop_act_input in = {
		.action = action,
		.version = (int)param_int(r, "version", 0),
		.reply = param_str(r, "reply"),
		.result = param_str(r, "result"),
		.replied_on = param_str(r, "replied_on"),
		.satisfaction = param_str(r, "satisfaction"),
		.closed_on = param_str(r, "closed_on"),
	};
	bool pub = action && strcmp(action, "publish") == 0;
	struct proposal p;
	struct prop_ctx pc;
	struct calendar cal;
	int rc;

	if (!action)
		return respond_error(r, 400, "缺少办理操作。");
	if (!pub && strcmp(action, "reply") != 0 && strcmp(action, "close") != 0)
		return respond_error(r, 400, "未知的办理操作。");
	if (!req_can_or_respond(r, pub ? PERM_PUBLISH : PERM_CASES))
		return 0;
	if ((rc = prop_ctx_of(r, &pc, &cal)))
		return respond_server_error(r, rc);
	if (pub)
		rc = prop_publish(&pc, r->id, in.version, &p, &index_no, &msg);
	else
		rc = prop_act(&pc, r->id, &in, &p, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件建议提案。");
	if (rc == ERR_INVALID)
		return case_page(r, 400, msg, NULL, true);
	if (rc == ERR_CONFLICT)
		return case_page(r, 409, msg, NULL, false);
	if (rc)
		return respond_server_error(r, rc);
	log_info("proposal %lld: %s by %s%s%s", p.id, action, r->user.username, index_no ? " as " : "",
		 index_no ? index_no : "");
	/* the reply published in the catalog: a failure is recorded and shown
	 * on the staff pages (the banner) */
	if (pub)
		static_after_change(r, p.item_id, 0);
	return respond_redirect(r, arena_printf(&r->arena, "%s?done=%s", case_url(r, p.id), action));
}

/* ---- CSV ---- */

static int reg_ctx_of(struct req *r, struct reg_ctx *rc, struct calendar *cal)
{
	struct prop_ctx pc;
	int e = prop_ctx_of(r, &pc, cal);

	if (e)
		return e;
	*rc = (struct reg_ctx){ .db = pc.db, .a = pc.a, .org = pc.org, .cal = cal, .user_id = pc.user_id,
				.now = pc.now, .today = pc.today };
	return 0;
}

int h_admin_proposals_export(struct req *r)
{
	struct reg_ctx c;
	struct calendar cal;
	struct buf out;
	int year = (int)param_int(r, "year", 0), rc;

	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	if ((rc = reg_ctx_of(r, &c, &cal)))
		return respond_server_error(r, rc);
	buf_init(&out, &r->arena, CSV_MAX_BYTES);
	if ((rc = reg_proposals.export_csv(&c, year, req_can(r, PERM_CASES), &out)))
		return respond_server_error(r, rc);
	log_info("proposals of %s exported (%d) by %s", r->org.slug, year, r->user.username);
	return respond_bytes(r, 200, "text/csv; charset=utf-8", out.p ? out.p : "", out.n, NULL);
}

static int import_page(struct req *r, int status, const char *error, const char *notice,
		       const struct csv_report *rep, bool dry)
{
	struct tv *ctx = page_ctx(r, "导入建议提案"), *l;
	const char *enc = param_str(r, "encoding");

	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	tv_set_str(ctx, "list_url", list_url(r));
	tv_set_int(ctx, "max_mb", CSV_MAX_BYTES >> 20);
	tv_set_bool(ctx, "enc_utf8", enc && strcmp(enc, "utf-8") == 0);
	tv_set_bool(ctx, "enc_gbk", enc && strcmp(enc, "gbk") == 0);
	tv_set_bool(ctx, "dry_run", dry);
	if (rep && rep->nerrors) {
		struct tv *m = tv_set_map(ctx, "report");

		tv_set_int(m, "rows", (long long)rep->rows);
		tv_set_int(m, "nerrors", (long long)rep->nerrors);
		tv_set_str(m, "encoding", rep->encoding);
		l = tv_set_list(m, "errors");
		for (size_t i = 0; i < rep->nerrors && i < CSV_MAX_ERRORS && rep->errors; i++)
			tv_list_push_str(l, rep->errors[i]);
		if (rep->nerrors > CSV_MAX_ERRORS)
			tv_set_int(m, "more", (long long)(rep->nerrors - CSV_MAX_ERRORS));
	}
	return respond_html(r, status, "admin_proposal_import", ctx);
}

int h_admin_proposals_import_form(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return import_page(r, 200, NULL, NULL, NULL, false);
}

int h_admin_proposals_import(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	const char *enc = param_str(r, "encoding");
	bool dry = param_str(r, "dry_run") != NULL;
	struct csv_report rep = { 0 };
	struct reg_ctx c;
	struct calendar cal;
	char *bytes;
	FILE *fp;
	size_t got;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (enc && strcmp(enc, "auto") != 0 && strcmp(enc, "utf-8") != 0 && strcmp(enc, "gbk") != 0)
		return import_page(r, 400, "请选择文件编码：自动识别、UTF-8 或 GBK。", NULL, NULL, dry);
	if (!u || u->size == 0)
		return import_page(r, 400, "请选择要导入的 CSV 文件。", NULL, NULL, dry);
	if (u->size > CSV_MAX_BYTES)
		return import_page(r, 400, arena_printf(&r->arena, "文件过大（不超过 %d MB）。", CSV_MAX_BYTES >> 20),
				   NULL, NULL, dry);
	if (!(bytes = arena_alloc(&r->arena, (size_t)u->size + 1)))
		return respond_server_error(r, ERR_NOMEM);
	if (!(fp = fopen(u->path, "rb"))) {
		log_error("%s: cannot read the upload %s: %s", r->url, u->path, strerror(errno));
		return respond_server_error(r, ERR_IO);
	}
	got = fread(bytes, 1, (size_t)u->size, fp);
	fclose(fp);
	if (got != (size_t)u->size)
		return respond_server_error(r, ERR_IO);
	bytes[got] = '\0';
	if ((rc = reg_ctx_of(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = reg_proposals.import_csv(&c, bytes, got, enc, dry, &rep);
	if (rc == ERR_INVALID || rc == ERR_TOO_LARGE) {
		const char *first = rep.nerrors && rep.errors ? rep.errors[0] : "文件无法导入。";

		return import_page(r, 400,
				   rep.nerrors > 1 ? arena_printf(&r->arena, "文件有 %zu 处错误，未导入任何记录。", rep.nerrors)
						   : arena_printf(&r->arena, "%s未导入任何记录。", first),
				   NULL, &rep, dry);
	}
	if (rc == ERR_CONFLICT)
		return import_page(r, 409, "导入时数据被他人修改，未导入任何记录，请重试。", NULL, NULL, dry);
	if (rc)
		return respond_server_error(r, rc);
	if (!dry)
		log_info("proposals of %s: %zu rows imported by %s", r->org.slug, rep.stored, r->user.username);
	return import_page(r, 200, NULL,
			   dry ? arena_printf(&r->arena, "文件无误（%s），共 %zu 行；这是检查，未导入。",
					      rep.encoding ? rep.encoding : "UTF-8", rep.rows)
			       : arena_printf(&r->arena, "已导入 %zu 行（%s）。", rep.stored,
					      rep.encoding ? rep.encoding : "UTF-8"),
			   NULL, dry);
}
