/* proposals.c - 建议提案办理. See proposals.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "domain/deadline/deadline.h"
#include "domain/registers/csvio.h"
#include "domain/registers/proposals.h"
#include "domain/registers/registers.h"
#include "render/markdown.h"
#include "store/db.h"
#include "store/grow.h"
#include "store/proposal.h"
#include "store/store.h"
#include "core/banned.h"

/* ---- codes ---- */

const struct prop_code prop_sources[PROP_SOURCES] = {
	[PROP_SRC_PARTY] = { "party", "党代会", "党代表" },
	[PROP_SRC_NPC] = { "npc", "人大", "人大代表" },
	[PROP_SRC_CPPCC] = { "cppcc", "政协", "政协委员" },
	[PROP_SRC_NONE] = { "", "无来源", "无" },
};
const struct prop_code prop_kinds[PROP_KINDS] = {
	[PROP_KIND_MOTION] = { "motion", "议案", "代表议案" },
	[PROP_KIND_SUGGESTION] = { "suggestion", "建议", "代表建议" },
	[PROP_KIND_INTERIM] = { "interim", "闭会期间建议", "闭会期间代表建议" },
	[PROP_KIND_PROPOSAL] = { "proposal", "提案", NULL },
	[PROP_KIND_LETTER] = { "letter", "来信", NULL },
};
const struct prop_code prop_roles[PROP_ROLES] = {
	[PROP_ROLE_LEAD] = { "lead", "主办", "主办件" },
	[PROP_ROLE_ASSIST] = { "assist", "协办", "协办件" },
	[PROP_ROLE_JOINT] = { "joint", "会办", "会办件" },
};
const struct prop_code prop_states[PROP_STATES] = {
	[PROP_STATE_OPEN] = { "open", "办理中", NULL },
	[PROP_STATE_REPLIED] = { "replied", "已答复", NULL },
	[PROP_STATE_CLOSED] = { "closed", "已办结", NULL },
};
const struct prop_code prop_results[PROP_RESULTS] = {
	[PROP_RESULT_A] = { "A", "A 已解决或采纳", "已解决或采纳" },
	[PROP_RESULT_B] = { "B", "B 正在解决或列入计划", "正在解决或列入计划" },
	[PROP_RESULT_C] = { "C", "C 因条件限制留作参考", "因条件限制留作参考" },
};
const struct prop_code prop_sats[PROP_SATS] = {
	[PROP_SAT_SATISFIED] = { "satisfied", "满意", NULL },
	[PROP_SAT_BASIC] = { "basic", "基本满意", NULL },
	[PROP_SAT_DISSATISFIED] = { "dissatisfied", "不满意", NULL },
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

int prop_code_ix(const struct prop_code *t, size_t n, const char *s)
{
	if (!s || !*s)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((*t[i].code && strcmp(s, t[i].code) == 0) || strcmp(s, t[i].label) == 0 ||
		    (t[i].alt && strcmp(s, t[i].alt) == 0))
			return (int)i;
	return -1;
}

int prop_source_ix(const char *s)
{
	if (s && !*s)
		return PROP_SRC_NONE;
	return prop_code_ix(prop_sources, PROP_SOURCES, s);
}

const char *prop_label(const struct prop_code *t, size_t n, const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; i < n; i++)
		if (strcmp(code, t[i].code) == 0)
			return t[i].label;
	return code;
}

/* The result class as typed: A, a, A类, the label or its text. */
static int result_ix(const char *s)
{
	char c;

	if (!s || !*s)
		return -1;
	c = s[0] == 'a' || s[0] == 'b' || s[0] == 'c' ? (char)(s[0] - 'a' + 'A') : s[0];
	if ((c == 'A' || c == 'B' || c == 'C') && (s[1] == '\0' || strcmp(s + 1, "类") == 0))
		return c - 'A';
	return prop_code_ix(prop_results, PROP_RESULTS, s);
}

/* ---- helpers ---- */

static const char *fmt_day(struct arena *a, long day)
{
	char d[11];

	date_format(day, d);
	return arena_strdup(a, d);
}

static long parse_day(const char *s)
{
	long d = 0;

	if (!s || date_parse(s, strlen(s), &d))
		return 0;
	return d;
}

static bool blank(const char *s)
{
	return !s || !*s;
}

static bool same(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "") == 0;
}

/* A trimmed copy ("" for NULL); NULL when out of memory. */
static const char *clean(struct arena *a, const char *s)
{
	struct str t = str_trim(str_c(s));

	return arena_strndup(a, t.p, t.n);
}

static bool has_ctrl(const char *s, bool lines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && !(lines && (c == '\n' || c == '\t'))) || c == 0x7f)
			return true;
	}
	return false;
}

/* One line of text: trimmed, valid UTF-8, no control characters, at most
 * max characters; required ones must not be empty (missing: the message). */
static int text_field(struct arena *a, const char *in, const char *name, size_t max, const char *missing,
		      const char **out, const char **msg)
{
	const char *s = clean(a, in);

	if (!s)
		return ERR_NOMEM;
	*out = s;
	if (!*s) {
		if (!missing)
			return 0;
		*msg = missing;
		return ERR_INVALID;
	}
	if (!utf8_valid(s, strlen(s))) {
		*msg = arena_printf(a, "%s含有无效的字符编码。", name);
		return ERR_INVALID;
	}
	if (has_ctrl(s, false)) {
		*msg = arena_printf(a, "%s不能包含换行或控制字符。", name);
		return ERR_INVALID;
	}
	if (utf8_len(s, strlen(s)) > max) {
		*msg = arena_printf(a, "%s过长（不超过 %zu 字）。", name, max);
		return ERR_INVALID;
	}
	return 0;
}

/* A date as typed (csv_date's forms); required unless missing is NULL (0
 * for empty). */
static int date_field(struct arena *a, const char *in, const char *name, const char *missing, long *day,
		      const char **msg)
{
	const char *s = clean(a, in);

	*day = 0;
	if (!s)
		return ERR_NOMEM;
	if (!*s) {
		if (!missing)
			return 0;
		*msg = missing;
		return ERR_INVALID;
	}
	return csv_date(name, s, day, msg, a) ? ERR_INVALID : 0;
}

/* Does kind come from source (proposals.h: the decisions)? */
static bool source_fits(int kind, int source)
{
	switch (kind) {
	case PROP_KIND_MOTION:
	case PROP_KIND_SUGGESTION:
	case PROP_KIND_INTERIM:
		return source == PROP_SRC_NPC;
	case PROP_KIND_PROPOSAL:
		return source == PROP_SRC_PARTY || source == PROP_SRC_CPPCC;
	default:
		return true;
	}
}

/* "第12号" → "12". */
static const char *strip_number(struct arena *a, const char *s)
{
	struct str t = str_c(s);

	if (str_starts(t, "第")) {
		t.p += strlen("第");
		t.n -= strlen("第");
	}
	if (t.n >= strlen("号") && memcmp(t.p + t.n - strlen("号"), "号", strlen("号")) == 0)
		t.n -= strlen("号");
	t = str_trim(t);
	return arena_strndup(a, t.p, t.n);
}

/* The due date of "within PROP_DUE_DAYS days of assigned", by the deadline
 * engine in calendar days. */
static int default_due(struct arena *a, const struct calendar *cal, long assigned, long *due, const char **msg)
{
	struct deadline_event ev = { .kind = DEADLINE_START, .day = assigned, .n = PROP_DUE_DAYS,
				     .unit = DEADLINE_CALENDAR_DAYS };
	struct deadline_result *res = arena_alloc(a, sizeof(*res));
	int rc;

	if (!res)
		return ERR_NOMEM;
	if ((rc = deadline_compute(cal, &ev, 1, res))) {
		*msg = arena_strdup(a, res->msg);
		return ERR_INVALID;
	}
	*due = res->due;
	return 0;
}

int prop_check_fields(struct arena *a, const struct calendar *cal, long today, const struct prop_fields *f,
		      struct proposal *p, const char **msg)
{
	const char *s, *letter_ok;
	long assigned, due;
	int kind, source, role, rc;

	if (!(s = clean(a, f->kind)))
		return ERR_NOMEM;
	if ((kind = prop_code_ix(prop_kinds, PROP_KINDS, s)) < 0) {
		*msg = *s ? arena_printf(a, "类别“%s”无效：应为议案、建议、闭会期间建议、提案或来信。", s)
			  : "请选择类别（议案、建议、闭会期间建议、提案或来信）。";
		return ERR_INVALID;
	}
	if (!(s = clean(a, f->source)))
		return ERR_NOMEM;
	source = prop_source_ix(s);
	if (source == PROP_SRC_NONE && kind != PROP_KIND_LETTER) {
		*msg = *s ? "只有来信可以没有来源。" : "请选择来源（党代会、人大或政协）；只有来信可以没有来源。";
		return ERR_INVALID;
	}
	if (source < 0) {
		*msg = arena_printf(a, "来源“%s”无效：应为党代会、人大或政协（来信可不填）。", s);
		return ERR_INVALID;
	}
	if (!source_fits(kind, source)) {
		*msg = arena_printf(a, "来源“%s”与类别“%s”不符：人大代表提出议案、建议和闭会期间建议，"
				       "政协委员和党代会代表提出提案。",
				    prop_sources[source].label, prop_kinds[kind].label);
		return ERR_INVALID;
	}
	letter_ok = kind == PROP_KIND_LETTER ? NULL : "";
	if ((rc = text_field(a, f->session, "届次会议", PROP_SESSION_MAX,
			     letter_ok ? "请填写届次会议，如“市十六届人大四次会议”。" : NULL, &p->session, msg)))
		return rc;
	if (!(s = clean(a, f->number)) || !(s = strip_number(a, s)))
		return ERR_NOMEM;
	if ((rc = text_field(a, s, "编号", PROP_NUMBER_MAX, "请填写编号。", &p->number, msg)))
		return rc;
	if ((rc = text_field(a, f->title, "标题", PROP_TITLE_MAX, "请填写标题。", &p->title, msg)))
		return rc;
	if ((rc = text_field(a, f->proposer, kind == PROP_KIND_LETTER ? "来信人" : "领衔人", PROP_PROPOSER_MAX,
			     letter_ok ? "请填写领衔人。" : NULL, &p->proposer, msg)))
		return rc;
	if ((rc = text_field(a, f->cosigners, "附议人", PROP_COSIGNERS_MAX, NULL, &p->cosigners, msg)))
		return rc;
	if (!(s = clean(a, f->role)))
		return ERR_NOMEM;
	if ((role = prop_code_ix(prop_roles, PROP_ROLES, s)) < 0) {
		*msg = *s ? arena_printf(a, "办理方式“%s”无效：应为主办、协办或会办。", s)
			  : "请选择办理方式（主办、协办或会办）。";
		return ERR_INVALID;
	}
	if ((rc = date_field(a, f->assigned_on, "交办日期", "请填写交办日期。", &assigned, msg)))
		return rc;
	if (assigned > today) {
		*msg = "交办日期不能晚于今天。";
		return ERR_INVALID;
	}
	if ((rc = date_field(a, f->due_on, "办理期限", NULL, &due, msg)))
		return rc;
	p->due_computed = due == 0;
	if (!due && (rc = default_due(a, cal, assigned, &due, msg)))
		return rc;
	if (due < assigned) {
		*msg = "办理期限不能早于交办日期。";
		return ERR_INVALID;
	}
	if (due > assigned + 730) {
		*msg = "办理期限晚于交办日期两年以上，请核对。";
		return ERR_INVALID;
	}
	p->source = prop_sources[source].code;
	p->kind = prop_kinds[kind].code;
	p->role = prop_roles[role].code;
	p->assigned_on = fmt_day(a, assigned);
	p->due_on = fmt_day(a, due);
	return p->assigned_on && p->due_on ? 0 : ERR_NOMEM;
}

/* Reply text: trimmed, CRLF as LF, lines allowed. */
static int reply_text(struct arena *a, const char *in, const char **out, const char **msg)
{
	const char *s = clean(a, in);
	char *o;
	size_t k = 0;

	if (!s)
		return ERR_NOMEM;
	if (!*s) {
		*msg = "请填写答复内容。";
		return ERR_INVALID;
	}
	if (!(o = arena_alloc(a, strlen(s) + 1)))
		return ERR_NOMEM;
	for (const char *p = s; *p; p++)
		if (!(*p == '\r' && p[1] == '\n'))
			o[k++] = *p == '\r' ? '\n' : *p;
	o[k] = '\0';
	if (!utf8_valid(o, k) || has_ctrl(o, true)) {
		*msg = "答复内容含有无效字符。";
		return ERR_INVALID;
	}
	if (utf8_len(o, k) > PROP_REPLY_MAX) {
		*msg = arena_printf(a, "答复内容过长（不超过 %d 字）。", PROP_REPLY_MAX);
		return ERR_INVALID;
	}
	*out = o;
	return 0;
}

/* The reply of p (its assigned_on set): state replied. */
static int check_reply(struct arena *a, long today, struct proposal *p, const char *reply, const char *result,
		       const char *replied_on, const char **msg)
{
	const char *s;
	long day;
	int r, rc;

	if ((rc = reply_text(a, reply, &p->reply, msg)))
		return rc;
	if (!(s = clean(a, result)))
		return ERR_NOMEM;
	if ((r = result_ix(s)) < 0) {
		*msg = *s ? arena_printf(a, "办理结果“%s”无效：应为 A（已解决或采纳）、B（正在解决或列入计划）"
					    "或 C（因条件限制留作参考）。", s)
			  : "请选择办理结果（A 已解决或采纳、B 正在解决或列入计划、C 因条件限制留作参考）。";
		return ERR_INVALID;
	}
	if ((rc = date_field(a, replied_on, "答复日期", "请填写答复日期。", &day, msg)))
		return rc;
	if (day < parse_day(p->assigned_on)) {
		*msg = arena_printf(a, "答复日期不能早于交办日期（%s）。", p->assigned_on);
		return ERR_INVALID;
	}
	if (day > today) {
		*msg = "答复日期不能晚于今天。";
		return ERR_INVALID;
	}
	p->result = prop_results[r].code;
	p->replied_on = fmt_day(a, day);
	p->state = "replied";
	return p->replied_on ? 0 : ERR_NOMEM;
}

/* The close of p (replied): state closed. */
static int check_close(struct arena *a, long today, struct proposal *p, const char *satisfaction,
		       const char *closed_on, const char **msg)
{
	const char *s;
	long day;
	int k, rc;

	if (!(s = clean(a, satisfaction)))
		return ERR_NOMEM;
	if ((k = prop_code_ix(prop_sats, PROP_SATS, s)) < 0) {
		*msg = *s ? arena_printf(a, "满意度“%s”无效：应为满意、基本满意或不满意。", s)
			  : "请选择代表委员的满意度（满意、基本满意或不满意）。";
		return ERR_INVALID;
	}
	if ((rc = date_field(a, closed_on, "办结日期", "请填写办结日期。", &day, msg)))
		return rc;
	if (day < parse_day(p->replied_on)) {
		*msg = arena_printf(a, "办结日期不能早于答复日期（%s）。", p->replied_on);
		return ERR_INVALID;
	}
	if (day > today) {
		*msg = "办结日期不能晚于今天。";
		return ERR_INVALID;
	}
	p->satisfaction = prop_sats[k].code;
	p->closed_on = fmt_day(a, day);
	p->state = "closed";
	return p->closed_on ? 0 : ERR_NOMEM;
}

const char *prop_display_no(struct arena *a, const struct proposal *p)
{
	int k = prop_code_ix(prop_kinds, PROP_KINDS, p->kind);
	const char *session = p->session ? p->session : "";

	if (k == PROP_KIND_INTERIM)
		return arena_printf(a, "%s闭会期间第%s号建议", session, p->number);
	return arena_printf(a, "%s第%s号%s", session, p->number, k >= 0 ? prop_kinds[k].label : p->kind);
}

const char *prop_reply_title(struct arena *a, const struct proposal *p)
{
	if (strcmp(p->kind, "letter") == 0)
		return arena_printf(a, "关于“%s”来信的答复", p->title);
	return arena_printf(a, "关于%s的答复", prop_display_no(a, p));
}

bool prop_overdue(const struct proposal *p, long today)
{
	long due = parse_day(p->due_on);

	return p->state && strcmp(p->state, "open") == 0 && due && today > due;
}

/* ---- records ---- */

static int add_event(struct prop_ctx *c, long long id, const char *action, long day, const char *detail)
{
	struct proposal_event e = {
		.proposal_id = id,
		.action = action,
		.day = fmt_day(c->a, day),
		.user_id = c->user_id,
		.actor = c->actor ? c->actor : "",
		.detail = detail ? detail : "",
		.at = c->now,
	};

	if (!e.day)
		return ERR_NOMEM;
	return store_proposal_event_add(c->db, c->org->id, &e);
}

#define STALE_MSG "这件建议提案已被他人更新，请刷新页面后重试。"
#define NOT_FOUND_MSG "没有这件建议提案。"
#define SAVE_FAIL_MSG "保存失败，请稍后重试。"

static const char *taken_msg(struct arena *a, const struct proposal *p)
{
	return arena_printf(a, "%s已经登记（%s），请勿重复登记。", prop_display_no(a, p), p->title);
}

int prop_create(struct prop_ctx *c, const struct prop_fields *f, const char *token, struct proposal *out,
		bool *duplicate, const char **msg)
{
	struct proposal p = { 0 }, prev;
	int rc;

	*duplicate = false;
	*msg = SAVE_FAIL_MSG;
	if ((rc = prop_check_fields(c->a, c->cal, c->today, f, &p, msg)))
		return rc;
	if ((rc = db_begin(c->db)))
		return rc;
	if (!blank(token)) {
		rc = store_proposal_by_token(c->db, c->a, c->org->id, token, &prev);
		if (rc == 0) {
			db_rollback(c->db);
			*out = prev;
			*duplicate = true;
			return 0;
		}
		if (rc != ERR_NOT_FOUND)
			goto fail;
	}
	rc = store_proposal_by_key(c->db, c->a, c->org->id, p.session, p.kind, p.number, &prev);
	if (rc == 0) {
		*msg = taken_msg(c->a, &prev);
		rc = ERR_INVALID;
		goto fail;
	}
	if (rc != ERR_NOT_FOUND)
		goto fail;
	p.org_id = c->org->id;
	p.state = "open";
	p.reply = "";
	p.submit_token = blank(token) ? NULL : token;
	p.created_by = c->user_id;
	p.created_at = p.updated_at = c->now;
	if ((rc = store_proposal_insert(c->db, &p)) ||
	    (rc = add_event(c, p.id, "create", c->today, prop_display_no(c->a, &p))) || (rc = db_commit(c->db)))
		goto fail;
	*out = p;
	return 0;
fail:
	db_rollback(c->db);
	if (rc == ERR_CONFLICT && !blank(token) &&
	    store_proposal_by_token(c->db, c->a, c->org->id, token, &prev) == 0) {
		/* the same token won a race on another connection */
		*out = prev;
		*duplicate = true;
		return 0;
	}
	if (rc != ERR_INVALID)
		*msg = SAVE_FAIL_MSG;
	return rc;
}

/* Start a write on proposal id: its record in *p, at version. */
static int begin_on(struct prop_ctx *c, long long id, int version, struct proposal *p, const char **msg)
{
	int rc;

	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_proposal_get(c->db, c->a, c->org->id, id, p))) {
		if (rc == ERR_NOT_FOUND)
			*msg = NOT_FOUND_MSG;
		db_rollback(c->db);
		return rc;
	}
	if (version != p->version) {
		*msg = STALE_MSG;
		db_rollback(c->db);
		return ERR_CONFLICT;
	}
	return 0;
}

/* Save p (after begin_on) with an event; commits. */
static int finish(struct prop_ctx *c, struct proposal *p, const char *action, long day, const char *detail,
		  const char **msg)
{
	int rc;

	p->updated_at = c->now;
	if ((rc = store_proposal_update(c->db, p))) {
		if (rc == ERR_CONFLICT)
			*msg = STALE_MSG;
		goto fail;
	}
	if ((rc = add_event(c, p->id, action, day, detail)) || (rc = db_commit(c->db)))
		goto fail;
	return 0;
fail:
	db_rollback(c->db);
	if (rc != ERR_CONFLICT)
		*msg = SAVE_FAIL_MSG;
	return rc;
}

int prop_edit(struct prop_ctx *c, long long id, int version, const struct prop_fields *f, struct proposal *out,
	      const char **msg)
{
	struct proposal old, p, other;
	struct buf changed;
	static const char *const names[] = { "来源", "届次会议", "类别", "编号", "标题", "领衔人",
					     "附议人", "办理方式", "交办日期", "办理期限" };
	bool key_changed;
	int rc;

	*msg = SAVE_FAIL_MSG;
	if ((rc = begin_on(c, id, version, &old, msg)))
		return rc;
	p = old;
	if ((rc = prop_check_fields(c->a, c->cal, c->today, f, &p, msg)))
		goto fail;
	rc = ERR_INVALID;
	key_changed = !same(p.session, old.session) || !same(p.kind, old.kind) || !same(p.number, old.number);
	if (key_changed && old.item_id) {
		*msg = "答复已公开，不能再修改届次会议、类别和编号。";
		goto fail;
	}
	if (key_changed) {
		int k = store_proposal_by_key(c->db, c->a, c->org->id, p.session, p.kind, p.number, &other);

		if (k == 0 && other.id != old.id) {
			*msg = taken_msg(c->a, &other);
			goto fail;
		}
		if (k && k != ERR_NOT_FOUND) {
			rc = k;
			goto fail;
		}
	}
	if (old.replied_on && strcmp(p.assigned_on, old.replied_on) > 0) {
		*msg = arena_printf(c->a, "交办日期不能晚于答复日期（%s）。", old.replied_on);
		goto fail;
	}
	{
		const char *before[] = { old.source, old.session, old.kind, old.number, old.title,
					 old.proposer, old.cosigners, old.role, old.assigned_on, old.due_on };
		const char *after[] = { p.source, p.session, p.kind, p.number, p.title,
					p.proposer, p.cosigners, p.role, p.assigned_on, p.due_on };

		buf_init(&changed, c->a, 4096);
		for (size_t i = 0; i < NELEM(names); i++)
			if (!same(before[i], after[i]))
				buf_printf(&changed, "%s%s", changed.n ? "、" : "修改：", names[i]);
	}
	if (!changed.n && p.due_computed == old.due_computed) {
		db_rollback(c->db); /* nothing changed */
		*out = old;
		return 0;
	}
	if ((rc = finish(c, &p, "edit", c->today, changed.n ? buf_cstr(&changed) : "办理期限改为按默认天数计算", msg)))
		return rc;
	*out = p;
	return 0;
fail:
	db_rollback(c->db);
	if (rc != ERR_INVALID)
		*msg = SAVE_FAIL_MSG;
	return rc;
}

int prop_act(struct prop_ctx *c, long long id, const struct prop_act_input *in, struct proposal *out,
	     const char **msg)
{
	struct proposal p;
	const char *action, *detail;
	long day;
	int rc;

	*msg = "操作失败，请稍后重试。";
	if (!in->action || (strcmp(in->action, "reply") != 0 && strcmp(in->action, "close") != 0)) {
		*msg = "未知的办理操作。";
		return ERR_INVALID;
	}
	if ((rc = begin_on(c, id, in->version, &p, msg)))
		return rc;
	rc = ERR_INVALID;
	if (strcmp(in->action, "reply") == 0) {
		bool amend = strcmp(p.state, "replied") == 0;

		if (strcmp(p.state, "closed") == 0) {
			*msg = "该件已办结，不能再修改答复。";
			goto fail;
		}
		if (p.item_id) {
			*msg = "答复已公开，不能再修改。";
			goto fail;
		}
		if ((rc = check_reply(c->a, c->today, &p, in->reply, in->result, in->replied_on, msg)))
			goto fail;
		action = amend ? "amend" : "reply";
		detail = arena_printf(c->a, "办理结果：%s", prop_label(prop_results, PROP_RESULTS, p.result));
		day = parse_day(p.replied_on);
	} else {
		if (strcmp(p.state, "replied") != 0) {
			*msg = strcmp(p.state, "closed") == 0 ? "该件已经办结。" : "尚未答复，不能办结：请先登记答复。";
			goto fail;
		}
		if ((rc = check_close(c->a, c->today, &p, in->satisfaction, in->closed_on, msg)))
			goto fail;
		action = "close";
		detail = arena_printf(c->a, "满意度：%s", prop_label(prop_sats, PROP_SATS, p.satisfaction));
		day = parse_day(p.closed_on);
	}
	if ((rc = finish(c, &p, action, day, detail, msg)))
		return rc;
	*out = p;
	return 0;
fail:
	db_rollback(c->db);
	if (rc != ERR_INVALID)
		*msg = "操作失败，请稍后重试。";
	return rc;
}

int prop_publish(struct prop_ctx *c, long long id, int version, struct proposal *out, const char **index_no,
		 const char **msg)
{
	struct proposal p;
	struct category cat;
	struct item it = { 0 };
	const char *ino = NULL, *m2 = NULL;
	int rc;

	*msg = "公开失败，请稍后重试。";
	if ((rc = begin_on(c, id, version, &p, msg)))
		return rc;
	if (p.item_id) {
		struct item old;

		rc = ERR_CONFLICT;
		*msg = store_item_get(c->db, c->a, c->org->id, p.item_id, &old) == 0 && old.index_no
			       ? arena_printf(c->a, "该件答复已公开（索引号 %s），不能重复公开。", old.index_no)
			       : "该件答复已公开，不能重复公开。";
		goto fail;
	}
	rc = ERR_INVALID;
	if (strcmp(p.state, "open") == 0) {
		*msg = "尚未答复，不能公开答复。";
		goto fail;
	}
	if (strcmp(p.role, "assist") == 0) {
		*msg = "协办件的意见由主办单位汇总答复代表委员，协办单位不单独公开答复。";
		goto fail;
	}
	rc = store_category_by_name(c->db, c->a, c->org->id, PROP_CATEGORY, &cat);
	if (rc == ERR_NOT_FOUND) {
		*msg = "本机构没有“" PROP_CATEGORY "”公开类别，请先在“公开类别”中添加。";
		rc = ERR_INVALID;
		goto fail;
	}
	if (rc)
		goto fail;
	it.org_id = c->org->id;
	it.category_id = cat.id;
	it.title = prop_reply_title(c->a, &p);
	it.publisher = c->org->name;
	it.written_on = p.replied_on;
	it.topic = "综合政务\\建议提案办理";
	it.genre = "其他";
	it.validity = "有效";
	it.summary = arena_printf(c->a, "%s《%s》的答复。", prop_display_no(c->a, &p), p.title);
	it.body_md = p.reply;
	it.status = "draft";
	it.created_by = c->user_id;
	it.created_at = it.updated_at = c->now;
	if (!it.title || !it.summary) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = catalog_item_check(c->a, &it, &m2, NULL))) {
		if (rc == ERR_INVALID)
			*msg = arena_printf(c->a, "公开失败：%s", m2);
		goto fail;
	}
	if ((rc = markdown_to_text(c->a, it.body_md, strlen(it.body_md), SIZE_MAX, &it.body_text)) ||
	    (rc = store_item_insert(c->db, &it)) ||
	    (rc = catalog_publish_in_tx(c->db, c->a, c->org, it.id, c->now, &ino)))
		goto fail;
	p.item_id = it.id;
	if ((rc = finish(c, &p, "publish", c->today, arena_printf(c->a, "索引号：%s", ino ? ino : ""), msg)))
		return rc;
	if (index_no)
		*index_no = ino;
	*out = p;
	return 0;
fail:
	db_rollback(c->db);
	if (rc != ERR_INVALID && rc != ERR_CONFLICT)
		*msg = "公开失败，请稍后重试。";
	return rc;
}

/* ---- counts ---- */

struct srow {
	struct prop_session_row r;
	const char *first;           /* the session's first assigned day */
};

static int srow_cmp(const void *x, const void *y)
{
	const struct srow *a = x, *b = y;
	int c;

	if (a->r.source != b->r.source)
		return a->r.source < b->r.source ? -1 : 1;
	if ((c = strcmp(a->first, b->first)))
		return c;
	if ((c = strcmp(a->r.session, b->r.session)))
		return c;
	return a->r.kind < b->r.kind ? -1 : a->r.kind > b->r.kind;
}

static void year_span(int year, char from[11], char to[11])
{
	if (year > 0 && year <= 9999) {
		snprintf(from, 11, "%04d-01-01", year);
		snprintf(to, 11, "%04d-12-31", year);
	} else {
		snprintf(from, 11, "0000-01-01");
		snprintf(to, 11, "9999-12-31");
	}
}

int prop_counts(struct db *db, struct arena *a, long long org_id, int year, struct prop_counts *out)
{
	struct proposal_group *g;
	struct srow *rows;
	size_t n, k = 0;
	char from[11], to[11];
	int rc;

	memset(out, 0, sizeof(*out));
	out->year = year;
	year_span(year, from, to);
	if ((rc = store_proposal_groups(db, a, org_id, from, to, &g, &n)))
		return rc;
	if (!(rows = arena_zalloc(a, (n ? n : 1) * sizeof(*rows))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		int s = prop_source_ix(g[i].source), kd = prop_code_ix(prop_kinds, PROP_KINDS, g[i].kind);
		int r = prop_code_ix(prop_roles, PROP_ROLES, g[i].role), st = prop_code_ix(prop_states, PROP_STATES, g[i].state);
		int res = result_ix(g[i].result), sat = prop_code_ix(prop_sats, PROP_SATS, g[i].satisfaction);
		size_t j;

		if (s < 0 || kd < 0 || r < 0 || st < 0)
			return ERR_INVALID; /* the table's checks keep these out */
		out->total += g[i].n;
		out->role[r] += g[i].n;
		out->source[s][r] += g[i].n;
		out->source[s][PROP_ROLES] += g[i].n;
		out->kind[kd][r] += g[i].n;
		out->kind[kd][PROP_ROLES] += g[i].n;
		out->state[st] += g[i].n;
		if (res >= 0)
			out->result[res] += g[i].n;
		if (sat >= 0)
			out->satisfaction[sat] += g[i].n;
		if (g[i].published)
			out->published += g[i].n;
		for (j = 0; j < k; j++)
			if (rows[j].r.source == s && rows[j].r.kind == kd && strcmp(rows[j].r.session, g[i].session) == 0)
				break;
		if (j == k) {
			rows[k].r.source = s;
			rows[k].r.kind = kd;
			rows[k].r.session = g[i].session;
			k++;
		}
		rows[j].r.role[r] += g[i].n;
		rows[j].r.total += g[i].n;
	}
	/* a session's first day over all its kinds, for the order */
	for (size_t i = 0; i < k; i++) {
		rows[i].first = "9999-12-31";
		for (size_t j = 0; j < n; j++)
			if (prop_source_ix(g[j].source) == rows[i].r.source && strcmp(g[j].session, rows[i].r.session) == 0 &&
			    strcmp(g[j].first_assigned, rows[i].first) < 0)
				rows[i].first = g[j].first_assigned;
	}
	qsort(rows, k, sizeof(*rows), srow_cmp);
	if (!(out->sessions = arena_zalloc(a, (k ? k : 1) * sizeof(*out->sessions))))
		return ERR_NOMEM;
	for (size_t i = 0; i < k; i++)
		out->sessions[i] = rows[i].r;
	out->nsessions = k;
	return 0;
}

/* "，其中主办9件，协办1件" over the roles with any. */
static void roles_phrase(struct buf *b, const long long role[PROP_ROLES])
{
	bool first = true;

	for (int r = 0; r < PROP_ROLES; r++) {
		if (!role[r])
			continue;
		buf_printf(b, "%s%s%lld件", first ? "，其中" : "，", prop_roles[r].label, role[r]);
		first = false;
	}
}

int prop_counts_text(struct arena *a, const struct prop_counts *c, const char **out)
{
	struct buf b;
	size_t i = 0, j;

	buf_init(&b, a, 1 << 20);
	while (i < c->nsessions) {
		const struct prop_session_row *s = &c->sessions[i];
		long long main[PROP_ROLES] = { 0 }, interim[PROP_ROLES] = { 0 }, nmain = 0, ninterim = 0;
		bool motion = false, suggestion = false;

		for (j = i; j < c->nsessions && c->sessions[j].source == s->source &&
			    strcmp(c->sessions[j].session, s->session) == 0;
		     j++) {
			const struct prop_session_row *t = &c->sessions[j];

			if (t->kind == PROP_KIND_LETTER)
				continue; /* counted at the end */
			for (int r = 0; r < PROP_ROLES; r++) {
				if (t->kind == PROP_KIND_INTERIM)
					interim[r] += t->role[r];
				else
					main[r] += t->role[r];
			}
			if (t->kind == PROP_KIND_INTERIM)
				ninterim += t->total;
			else
				nmain += t->total;
			motion |= t->kind == PROP_KIND_MOTION;
			suggestion |= t->kind == PROP_KIND_SUGGESTION;
		}
		if (nmain) {
			const char *what = s->source != PROP_SRC_NPC ? "提案"
					   : motion && suggestion   ? "代表议案建议"
					   : motion                 ? "代表议案"
								    : "代表建议";

			buf_printf(&b, "%s承办%s%s%lld件", b.n ? "；" : "", s->session, what, nmain);
			roles_phrase(&b, main);
		}
		if (ninterim) {
			if (nmain)
				buf_printf(&b, "；闭会期间代表建议%lld件", ninterim);
			else
				buf_printf(&b, "%s承办%s闭会期间代表建议%lld件", b.n ? "；" : "", s->session, ninterim);
			roles_phrase(&b, interim);
		}
		i = j;
	}
	if (c->kind[PROP_KIND_LETTER][PROP_ROLES])
		buf_printf(&b, "%s来信%lld件", b.n ? "；" : "", c->kind[PROP_KIND_LETTER][PROP_ROLES]);
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

/* ---- the register ---- */

static const struct csv_col cols[] = {
	{ "来源", true },     { "届次会议", true }, { "类别", true },     { "编号", true },
	{ "标题", true },     { "领衔人", true },   { "附议人", false },  { "办理方式", true },
	{ "交办日期", true }, { "办理期限", false }, { "答复日期", false }, { "答复内容", false },
	{ "办理结果", false }, { "满意度", false },  { "办结日期", false }, { "答复公开标题", false },
};
enum {
	C_SOURCE, C_SESSION, C_KIND, C_NUMBER, C_TITLE, C_PROPOSER, C_COSIGNERS, C_ROLE, C_ASSIGNED, C_DUE,
	C_REPLIED_ON, C_REPLY, C_RESULT, C_SAT, C_CLOSED_ON, C_PUBLISHED, NCOLS
};
_Static_assert(NELEM(cols) == NCOLS, "one name per column");

struct imp {
	const struct reg_ctx *rc;
	struct prop_ctx pc;
	long long category_id;       /* 0: the org has no 提案建议办理结果 */
	const char **pub;            /* 答复公开标题 seen in the file */
	size_t npub, cappub;
};

struct imp_row {
	struct proposal p;
	const char *pub_title;       /* NULL: none */
};

/* The published item the row links: by its 答复公开标题, or (none given)
 * by the default title of its reply; 0 when none. except: the record the
 * row updates (0 for a new one). */
static int row_item(struct imp *im, struct db *db, const struct imp_row *r, long long except, long long *item,
		    struct arena *a)
{
	int rc;

	*item = 0;
	if (!im->category_id || strcmp(r->p.state, "open") == 0)
		return 0;
	rc = store_proposal_find_reply_item(db, im->rc->org->id, im->category_id,
					    r->pub_title ? r->pub_title : prop_reply_title(a, &r->p), except, item);
	return rc == ERR_NOT_FOUND && !r->pub_title ? 0 : rc;
}

/* A row against the record with its key: what an import may not change. */
static int merge_check(const struct imp_row *r, const struct proposal *old, long long item, const char **msg)
{
	if (!old->item_id)
		return 0;
	if (strcmp(r->p.state, "open") == 0) {
		*msg = "该件答复已公开，导入不能撤销答复。";
		return ERR_INVALID;
	}
	if (!same(r->p.reply, old->reply)) {
		*msg = "该件答复已公开，导入不能修改答复内容。";
		return ERR_INVALID;
	}
	if (r->pub_title && item != old->item_id) {
		*msg = "该件已关联其他公开信息，不能改为关联答复公开标题所指的信息。";
		return ERR_INVALID;
	}
	return 0;
}

static int imp_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		     const char **msg)
{
	struct imp *im = ctx;
	struct imp_row *r = arena_zalloc(a, sizeof(*r));
	struct prop_fields f = {
		.source = v[C_SOURCE], .session = v[C_SESSION], .kind = v[C_KIND], .number = v[C_NUMBER],
		.title = v[C_TITLE], .proposer = v[C_PROPOSER], .cosigners = v[C_COSIGNERS], .role = v[C_ROLE],
		.assigned_on = v[C_ASSIGNED], .due_on = v[C_DUE],
	};
	bool closing = *v[C_CLOSED_ON] || *v[C_SAT];
	bool replying = closing || *v[C_REPLIED_ON] || *v[C_REPLY] || *v[C_RESULT];
	struct proposal old;
	long long item = 0;
	bool exists;
	int rc;

	if (!r)
		return ERR_NOMEM;
	if ((rc = prop_check_fields(a, im->rc->cal, im->rc->today, &f, &r->p, msg)))
		return rc;
	r->p.state = "open";
	r->p.reply = "";
	if (replying && (rc = check_reply(a, im->rc->today, &r->p, v[C_REPLY], v[C_RESULT], v[C_REPLIED_ON], msg)))
		return rc;
	if (closing && (rc = check_close(a, im->rc->today, &r->p, v[C_SAT], v[C_CLOSED_ON], msg)))
		return rc;
	if (*v[C_PUBLISHED]) {
		const char **slot;

		if ((rc = text_field(a, v[C_PUBLISHED], "答复公开标题", ITEM_TITLE_MAX, NULL, &r->pub_title, msg)))
			return rc;
		if (!replying) {
			*msg = "填写了答复公开标题，但没有答复：请填写答复日期、答复内容和办理结果。";
			return ERR_INVALID;
		}
		if (!im->category_id) {
			*msg = "本机构没有“" PROP_CATEGORY "”公开类别，不能关联答复公开标题。";
			return ERR_INVALID;
		}
		for (size_t i = 0; i < im->npub; i++)
			if (strcmp(im->pub[i], r->pub_title) == 0) {
				*msg = arena_printf(a, "答复公开标题“%s”在文件中重复出现。", r->pub_title);
				return ERR_INVALID;
			}
		if (!(slot = grow_slot(a, (void **)&im->pub, im->npub, &im->cappub, sizeof(*im->pub))))
			return ERR_NOMEM;
		*slot = r->pub_title;
		im->npub++;
	}
	rc = store_proposal_by_key(im->rc->db, a, im->rc->org->id, r->p.session, r->p.kind, r->p.number, &old);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	exists = rc == 0;
	if ((rc = row_item(im, im->rc->db, r, exists ? old.id : 0, &item, a))) {
		if (rc != ERR_NOT_FOUND)
			return rc;
		*msg = arena_printf(a, "公开目录“" PROP_CATEGORY "”中没有标题为“%s”的已发布信息，或它已关联其他建议提案。",
				    r->pub_title);
		return ERR_INVALID;
	}
	if (exists && (rc = merge_check(r, &old, item, msg)))
		return rc;
	if (!(*key = arena_printf(a, "%s\x1f%s\x1f%s", r->p.session, r->p.kind, r->p.number)))
		return ERR_NOMEM;
	*prepared = r;
	return 0;
}

static bool unchanged(const struct proposal *x, const struct proposal *y)
{
	const char *const fx[] = { x->source, x->session, x->kind, x->number, x->title, x->proposer, x->cosigners,
				   x->role, x->assigned_on, x->due_on, x->state, x->reply, x->result, x->replied_on,
				   x->satisfaction, x->closed_on };
	const char *const fy[] = { y->source, y->session, y->kind, y->number, y->title, y->proposer, y->cosigners,
				   y->role, y->assigned_on, y->due_on, y->state, y->reply, y->result, y->replied_on,
				   y->satisfaction, y->closed_on };

	for (size_t i = 0; i < NELEM(fx); i++)
		if (!same(fx[i], fy[i]))
			return false;
	return x->item_id == y->item_id && x->due_computed == y->due_computed;
}

static int imp_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	struct imp *im = ctx;
	struct imp_row *r = prepared;
	struct proposal old, p = r->p;
	const char *msg = NULL;
	long long item = 0;
	bool exists;
	int rc;

	im->pc.db = db;
	im->pc.a = a;
	rc = store_proposal_by_key(db, a, im->rc->org->id, p.session, p.kind, p.number, &old);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	exists = rc == 0;
	/* the checks ran before the transaction: someone changed it since */
	if ((rc = row_item(im, db, r, exists ? old.id : 0, &item, a)))
		return rc == ERR_NOT_FOUND ? ERR_CONFLICT : rc;
	if (exists && merge_check(r, &old, item, &msg))
		return ERR_CONFLICT;
	if (exists) {
		p.id = old.id;
		p.org_id = old.org_id;
		p.version = old.version;
		p.submit_token = old.submit_token;
		p.created_by = old.created_by;
		p.created_at = old.created_at;
		p.item_id = old.item_id ? old.item_id : item;
		if (!p.due_computed && same(p.due_on, old.due_on))
			p.due_computed = old.due_computed;
		if (unchanged(&p, &old))
			return 0;
		p.updated_at = im->rc->now;
		if ((rc = store_proposal_update(db, &p)))
			return rc;
		return add_event(&im->pc, p.id, "update", im->rc->today,
				 p.item_id != old.item_id ? "CSV 导入更新，关联已公开的答复" : "CSV 导入更新");
	}
	p.org_id = im->rc->org->id;
	p.item_id = item;
	p.created_by = im->rc->user_id;
	p.created_at = p.updated_at = im->rc->now;
	if ((rc = store_proposal_insert(db, &p)))
		return rc;
	return add_event(&im->pc, p.id, "import", im->rc->today, item ? "CSV 导入，关联已公开的答复" : "CSV 导入");
}

static int import_csv(const struct reg_ctx *c, const char *bytes, size_t n, const char *encoding, bool dry_run,
		      struct csv_report *rep)
{
	struct imp im = { .rc = c };
	struct csv_register reg = { .name = "建议提案", .cols = cols, .ncols = NCOLS, .check = imp_check,
				    .store = imp_store, .ctx = &im, .progress = c->progress,
				    .progress_arg = c->progress_arg };
	struct category cat;
	struct user u;
	int rc;

	rc = store_category_by_name(c->db, c->a, c->org->id, PROP_CATEGORY, &cat);
	if (rc == 0)
		im.category_id = cat.id;
	else if (rc != ERR_NOT_FOUND)
		return rc;
	im.pc = (struct prop_ctx){ .db = c->db, .a = c->a, .cal = c->cal, .org = c->org, .user_id = c->user_id,
				   .actor = "命令行导入", .today = c->today, .now = c->now };
	if (c->user_id && store_user_by_id(c->db, c->a, c->user_id, &u) == 0)
		im.pc.actor = u.display_name && *u.display_name ? u.display_name : u.username;
	return csv_import(c->db, c->a, &reg, bytes, n, encoding, dry_run, rep);
}

/* The first character and "*": the writer of a 来信 is personal data. */
static const char *mask(struct arena *a, const char *s)
{
	const char *p = s;

	if (!s || !*s)
		return "";
	utf8_next(&p, s + strlen(s));
	return arena_printf(a, "%.*s*", (int)(p - s), s);
}

static int export_csv(const struct reg_ctx *c, int year, bool personal, struct buf *out)
{
	struct proposal_filter f = { .org_id = c->org->id, .year = year };
	struct proposal *ps;
	const char *head[NCOLS];
	size_t n;
	int rc;

	if ((rc = store_proposal_list(c->db, c->a, &f, &ps, &n, NULL)))
		return rc;
	for (size_t i = 0; i < NCOLS; i++)
		head[i] = cols[i].name;
	csv_write_bom(out);
	csv_write_row(out, head, NCOLS);
	for (size_t i = 0; i < n; i++) {
		const struct proposal *p = &ps[i];
		bool hide = !personal && strcmp(p->kind, "letter") == 0;
		const char *v[NCOLS];
		struct item it;

		v[C_SOURCE] = *p->source ? prop_label(prop_sources, PROP_SOURCES, p->source) : "";
		v[C_SESSION] = p->session;
		v[C_KIND] = prop_label(prop_kinds, PROP_KINDS, p->kind);
		v[C_NUMBER] = p->number;
		v[C_TITLE] = p->title;
		v[C_PROPOSER] = hide ? mask(c->a, p->proposer) : p->proposer;
		v[C_COSIGNERS] = hide && *p->cosigners ? "*" : p->cosigners;
		v[C_ROLE] = prop_label(prop_roles, PROP_ROLES, p->role);
		v[C_ASSIGNED] = p->assigned_on;
		v[C_DUE] = p->due_on;
		v[C_REPLIED_ON] = p->replied_on ? p->replied_on : "";
		v[C_REPLY] = p->reply;
		v[C_RESULT] = p->result ? p->result : "";
		v[C_SAT] = prop_label(prop_sats, PROP_SATS, p->satisfaction);
		v[C_CLOSED_ON] = p->closed_on ? p->closed_on : "";
		v[C_PUBLISHED] = "";
		if (p->item_id) {
			rc = store_item_get(c->db, c->a, c->org->id, p->item_id, &it);
			if (rc && rc != ERR_NOT_FOUND)
				return rc;
			if (rc == 0)
				v[C_PUBLISHED] = it.title;
		}
		csv_write_row(out, v, NCOLS);
	}
	return out->err;
}

static int year_series(struct db *db, struct arena *a, long long org_id, int year, struct reg_series **out,
		       size_t *n)
{
	static const char *const labels[PROP_SOURCES] = {
		[PROP_SRC_PARTY] = "党代会", [PROP_SRC_NPC] = "人大", [PROP_SRC_CPPCC] = "政协",
		[PROP_SRC_NONE] = "来信（无来源）",
	};
	struct proposal_month *m;
	struct reg_series *s;
	size_t nm;
	char from[11], to[11];
	int rc;

	year_span(year, from, to);
	if ((rc = store_proposal_months(db, a, org_id, from, to, &m, &nm)))
		return rc;
	if (!(s = arena_zalloc(a, PROP_SOURCES * sizeof(*s))))
		return ERR_NOMEM;
	for (int i = 0; i < PROP_SOURCES; i++)
		s[i].label = labels[i];
	for (size_t i = 0; i < nm; i++) {
		int ix = prop_source_ix(m[i].source);

		if (ix < 0 || m[i].month < 1 || m[i].month > 12)
			continue;
		s[ix].month[m[i].month - 1] += m[i].n;
		s[ix].total += m[i].n;
	}
	*out = s;
	*n = PROP_SOURCES;
	return 0;
}

const struct reg_kind reg_proposals = {
	.code = "proposals",
	.label = "建议提案",
	.import_csv = import_csv,
	.export_csv = export_csv,
	.year_series = year_series,
};
