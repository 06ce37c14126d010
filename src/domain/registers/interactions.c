/* interactions.c - public interaction (政民互动): channels, cases from
 * receipt to closing, deadlines, the public version, counts and the CSV
 * register. See interactions.h. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/intake.h"
#include "domain/calendar/calendar.h"
#include "domain/deadline/deadline.h"
#include "domain/registers/interactions.h"
#include "store/db.h"
#include "store/interaction.h"
#include "store/store.h"
#include "core/banned.h"

const struct ia_kind ia_kinds[IA_KINDS] = {
	{ "consult", "咨询" }, { "suggest", "建议" }, { "complain", "投诉" }, { "help", "求助" }, { "petition", "信访" },
};

const struct ia_state ia_states[] = {
	{ "received", "待分办", true },
	{ "assigned", "办理中", true },
	{ "replied", "已答复", false },
	{ "closed", "已办结", false },
};
const size_t ia_states_count = sizeof(ia_states) / sizeof(ia_states[0]);

/* The channels an org starts with: the five of the seed report (桐乡市教育局
 * 2020: 市长电话, 网上信访, 领导信箱, 上级转办, 网上直接答复) and 网上咨询.
 * The spec sets no reply limits for them; these are defaults an org admin
 * changes on the channels page. 市长电话 and 网上直接答复 are quick answers
 * (5 working days); 领导信箱 and 网上咨询 10 working days. 网上信访 and 上级转办
 * get 15 working days: the 信访工作条例 has its own rules (a decision on
 * acceptance within 15 days, the matter settled within 60 days) which are
 * not part of our spec and are not modelled here. */
static const struct {
	const char *code;
	const char *name;
	int n;
	const char *unit;
	bool public_form;
} default_channels[] = {
	{ "mayor_phone", "市长电话", 5, "workdays", false },  { "petition", "网上信访", 15, "workdays", false },
	{ "mailbox", "领导信箱", 10, "workdays", true },      { "referred", "上级转办", 15, "workdays", false },
	{ "direct_reply", "网上直接答复", 5, "workdays", false }, { "consult", "网上咨询", 10, "workdays", true },
};
#define N_DEFAULTS (sizeof(default_channels) / sizeof(default_channels[0]))

const struct ia_kind *ia_kind_find(const char *code)
{
	for (size_t i = 0; code && i < IA_KINDS; i++)
		if (strcmp(ia_kinds[i].code, code) == 0)
			return &ia_kinds[i];
	return NULL;
}

const struct ia_kind *ia_kind_by_label(const char *label)
{
	for (size_t i = 0; label && i < IA_KINDS; i++)
		if (strcmp(ia_kinds[i].label, label) == 0)
			return &ia_kinds[i];
	return NULL;
}

const struct ia_state *ia_state_find(const char *code)
{
	for (size_t i = 0; code && i < ia_states_count; i++)
		if (strcmp(ia_states[i].code, code) == 0)
			return &ia_states[i];
	return NULL;
}

const char *ia_unit_label(const char *unit)
{
	return unit && strcmp(unit, "days") == 0 ? "日" : "个工作日";
}

/* ---- small helpers ---- */

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

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Trim *f in place (an arena copy when it changes); NULL becomes "". */
static int trim(struct arena *a, const char **f)
{
	struct str s;
	char *c;

	if (!*f) {
		*f = "";
		return 0;
	}
	s = str_trim(str_c(*f));
	if (s.p == *f && s.p[s.n] == '\0')
		return 0;
	if (!(c = arena_strndup(a, s.p, s.n)))
		return ERR_NOMEM;
	*f = c;
	return 0;
}

static int fail(const char **msg, const char *m)
{
	*msg = m;
	return ERR_INVALID;
}

/* Valid UTF-8, no control characters (line breaks and tabs only when
 * multiline), at most max characters; label names the field. */
static int text_check(struct arena *a, const char *s, const char *label, size_t max, bool multiline,
		      const char **msg)
{
	size_t n = strlen(s);

	if (!utf8_valid(s, n)) {
		*msg = arena_printf(a, "%s含有无效字符。", label);
		return ERR_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7F) {
			*msg = arena_printf(a, multiline ? "%s不能含有控制字符。" : "%s不能换行或含有控制字符。", label);
			return ERR_INVALID;
		}
	}
	if (utf8_len(s, n) > max) {
		*msg = arena_printf(a, "%s不能超过%zu个字。", label, max);
		return ERR_INVALID;
	}
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 7-20 digits; a leading '+', and '-', spaces and parentheses between. */
static bool phone_ok(const char *s)
{
	int digits = 0;

	if (*s == '+')
		s++;
	for (; *s; s++) {
		if (is_digit(*s))
			digits++;
		else if (*s != '-' && *s != ' ' && *s != '(' && *s != ')')
			return false;
	}
	return digits >= 7 && digits <= 20;
}

/* One '@' with something before it, a dot inside the domain, no spaces. */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	size_t dn;

	if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " ,;<>\"\\()[]") || strstr(s, "\xE3\x80\x80"))
		return false;
	dn = strlen(at + 1);
	dot = strchr(at + 1, '.');
	return dot && dot != at + 1 && at[dn] != '.' && !strstr(at + 1, "..");
}

/* ---- deadlines ---- */

int ia_due(const struct calendar *cal, long received, int n, const char *unit, long *due, int *missing_year)
{
	struct deadline_event ev = { .kind = DEADLINE_START, .day = received, .n = n };
	struct deadline_result res;
	int y, m, d, rc;

	*missing_year = 0;
	if (n < 1 || n > IA_DUE_MAX || !unit)
		return ERR_INVALID;
	ev.unit = strcmp(unit, "days") == 0 ? DEADLINE_CALENDAR_DAYS : DEADLINE_WORKDAYS;
	if (!cal) {
		if (ev.unit == DEADLINE_CALENDAR_DAYS) {
			*due = received + n;
			return 0;
		}
		date_to_ymd(received, &y, &m, &d);
		*missing_year = y;
		return ERR_NOT_FOUND;
	}
	rc = deadline_compute(cal, &ev, 1, &res);
	if (rc == ERR_NOT_FOUND)
		*missing_year = res.missing_year;
	else if (rc == 0)
		*due = res.due;
	return rc;
}

static const char *missing_msg(struct arena *a, int year)
{
	return arena_printf(a, "工作日历缺少%d年的节假日数据，无法计算办理期限，请系统管理员导入。", year);
}

/* Fill it->due_on / due_error from its receipt and limit. */
static int set_due(struct arena *a, const struct calendar *cal, struct interaction *it)
{
	long due = 0;
	int missing = 0;
	int rc = ia_due(cal, parse_day(it->received_on), it->due_n, it->due_unit, &due, &missing);

	if (rc == ERR_NOT_FOUND) {
		it->due_on = NULL;
		it->due_error = missing_msg(a, missing);
		return it->due_error ? 0 : ERR_NOMEM;
	}
	if (rc)
		return rc;
	it->due_on = fmt_day(a, due);
	it->due_error = "";
	return it->due_on ? 0 : ERR_NOMEM;
}

int ia_deadline(struct arena *a, const struct calendar *cal, const struct interaction *it, long today,
		struct ia_deadline *out)
{
	const struct ia_state *st = ia_state_find(it->state);

	memset(out, 0, sizeof(*out));
	if (it->due_on && (out->due = parse_day(it->due_on)) > 0) {
		out->has_due = true;
	} else {
		int missing = 0;

		if (ia_due(cal, parse_day(it->received_on), it->due_n, it->due_unit, &out->due, &missing) == 0)
			out->has_due = true;
		else if (missing)
			out->error = missing_msg(a, missing);
		else
			out->error = "无法计算办理期限。";
	}
	if (out->has_due && it->replied_on && parse_day(it->replied_on) > out->due)
		out->replied_late = true;
	if (!out->has_due || !st || !st->owes_reply || !cal)
		return 0;
	if (deadline_status(cal, out->due, today, &out->left) == 0) {
		out->has_left = true;
		out->overdue = deadline_overdue(out->left);
		out->near = deadline_near_due(out->left);
	}
	return 0;
}

/* ---- channels ---- */

int ia_ensure_defaults(struct db *db, long long org_id, const char *now)
{
	struct arena a;
	struct ia_channel *chs;
	size_t n = 0;
	int rc;

	arena_init(&a, 0);
	if ((rc = db_begin(db)))
		goto out;
	if ((rc = store_ia_channel_list(db, &a, org_id, &chs, &n)))
		goto fail;
	for (size_t i = 0; n == 0 && i < N_DEFAULTS; i++) {
		struct ia_channel c = {
			.org_id = org_id, .code = default_channels[i].code, .name = default_channels[i].name,
			.due_n = default_channels[i].n, .due_unit = default_channels[i].unit, .sort = (int)(i + 1) * 10,
			.active = true, .public_form = default_channels[i].public_form, .created_at = now,
		};

		if ((rc = store_ia_channel_insert(db, &c)))
			goto fail;
	}
	if ((rc = db_commit(db)))
		goto fail;
	goto out;
fail:
	db_rollback(db);
out:
	arena_release(&a);
	return rc;
}

int ia_channels(struct db *db, struct arena *a, long long org_id, const char *now, struct ia_channel **out,
		size_t *n)
{
	int rc = store_ia_channel_list(db, a, org_id, out, n);

	if (rc || *n)
		return rc;
	if ((rc = ia_ensure_defaults(db, org_id, now)))
		return rc;
	return store_ia_channel_list(db, a, org_id, out, n);
}

static const struct ia_channel *channel_by_id(const struct ia_channel *chs, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (chs[i].id == id)
			return &chs[i];
	return NULL;
}

static const struct ia_channel *channel_by_name(const struct ia_channel *chs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(chs[i].name, name) == 0)
			return &chs[i];
	return NULL;
}

int ia_channel_save(struct ia_ctx *c, struct ia_channel *ch, const char **msg)
{
	struct ia_channel *chs;
	const struct ia_channel *same;
	size_t n;
	int rc;

	*msg = "保存失败，请稍后重试。";
	if ((rc = trim(c->a, &ch->name)))
		return rc;
	if (!*ch->name)
		return fail(msg, "请填写渠道名称。");
	if ((rc = text_check(c->a, ch->name, "渠道名称", IA_CHANNEL_NAME_MAX, false, msg)))
		return rc;
	if (ch->due_n < 1 || ch->due_n > IA_DUE_MAX)
		return fail(msg, "办理期限应为1至365。");
	if (!ch->due_unit || (strcmp(ch->due_unit, "workdays") != 0 && strcmp(ch->due_unit, "days") != 0))
		return fail(msg, "请选择期限单位（工作日或自然日）。");
	if (ch->sort < 0 || ch->sort > 1000000)
		return fail(msg, "排序应为0至1000000的整数。");
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_ia_channel_list(c->db, c->a, c->org->id, &chs, &n)))
		goto out;
	same = channel_by_name(chs, n, ch->name);
	if (same && same->id != ch->id) {
		*msg = arena_printf(c->a, "已有名为“%s”的渠道。", ch->name);
		rc = ERR_INVALID;
		goto out;
	}
	ch->org_id = c->org->id;
	if (ch->id) {
		if (!channel_by_id(chs, n, ch->id)) {
			*msg = "没有这个渠道。";
			rc = ERR_NOT_FOUND;
			goto out;
		}
		ch->updated_at = c->now;
		if ((rc = store_ia_channel_update(c->db, ch))) {
			if (rc == ERR_CONFLICT)
				*msg = "该渠道已被他人修改，请刷新页面后重试。";
			goto out;
		}
	} else {
		unsigned char rnd[4];
		char hex[9];

		randombytes_buf(rnd, sizeof(rnd));
		hex_encode(rnd, sizeof(rnd), hex);
		ch->code = arena_printf(c->a, "c%s", hex);
		ch->created_at = c->now;
		if (!ch->code) {
			rc = ERR_NOMEM;
			goto out;
		}
		if ((rc = store_ia_channel_insert(c->db, ch)))
			goto out;
	}
	if ((rc = db_commit(c->db)))
		goto out;
	return 0;
out:
	db_rollback(c->db);
	if (rc != ERR_INVALID && rc != ERR_CONFLICT && rc != ERR_NOT_FOUND)
		*msg = "保存失败，请稍后重试。";
	return rc;
}

/* ---- cases ---- */

static int add_event(struct ia_ctx *c, long long id, const char *action, long day, const char *detail)
{
	struct ia_event e = {
		.interaction_id = id,
		.action = action,
		.day = fmt_day(c->a, day),
		.user_id = c->user_id,
		.actor = nz(c->actor),
		.detail = nz(detail),
		.at = c->now,
	};

	if (!e.day)
		return ERR_NOMEM;
	return store_ia_event_add(c->db, c->org->id, &e);
}

/* The person's fields and the text of a new case, trimmed and checked. */
static int check_case(struct arena *a, struct interaction *it, bool from_public, const char **msg)
{
	const char **fields[] = { &it->subject, &it->content, &it->name, &it->phone, &it->email };
	int rc;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((rc = trim(a, fields[i])))
			return rc;
	if (!ia_kind_find(it->kind))
		return fail(msg, "请选择类别（咨询、建议、投诉、求助或信访）。");
	if (!*it->subject)
		return fail(msg, "请填写标题。");
	if ((rc = text_check(a, it->subject, "标题", IA_SUBJECT_MAX, false, msg)))
		return rc;
	if (!*it->content)
		return fail(msg, from_public ? "请填写来信内容。" : "请填写来信内容或来电记录。");
	if ((rc = text_check(a, it->content, "内容", IA_CONTENT_MAX, true, msg)))
		return rc;
	if (from_public && !*it->name)
		return fail(msg, "请填写您的姓名。");
	if ((rc = text_check(a, it->name, "姓名", IA_NAME_MAX, false, msg)))
		return rc;
	if (from_public && !*it->phone)
		return fail(msg, "请填写联系电话。");
	if (*it->phone && (utf8_len(it->phone, strlen(it->phone)) > IA_PHONE_MAX || !phone_ok(it->phone)))
		return fail(msg, "联系电话格式不正确（7至20位数字）。");
	if ((rc = text_check(a, it->email, "电子邮箱", IA_EMAIL_MAX, false, msg)))
		return rc;
	if (*it->email && !email_ok(it->email))
		return fail(msg, "电子邮箱格式不正确。");
	return 0;
}

int ia_create(struct ia_ctx *c, struct interaction *it, bool from_public, bool *duplicate, const char **msg)
{
	struct ia_channel *chs;
	const struct ia_channel *ch;
	size_t nch;
	long received;
	char code[13], check[5];
	int rc;

	*duplicate = false;
	*msg = "保存失败，请稍后重试。";
	if ((rc = check_case(c->a, it, from_public, msg)))
		return rc;
	if (from_public) {
		received = c->today;
	} else {
		if (!(received = parse_day(it->received_on)))
			return fail(msg, "请填写受理日期。");
		if (received > c->today)
			return fail(msg, "受理日期不能晚于今天。");
		if (received < parse_day(IA_FIRST_DAY))
			return fail(msg, "受理日期不能早于2000年。");
	}
	if ((rc = ia_channels(c->db, c->a, c->org->id, c->now, &chs, &nch)))
		return rc;
	ch = channel_by_id(chs, nch, it->channel_id);
	if (!ch || !ch->active || (from_public && !ch->public_form))
		return fail(msg, ch && !ch->active ? "该渠道已停用，请选择其他渠道。" : "请选择渠道。");
	if ((rc = db_begin(c->db)))
		return rc;
	if (!blank(it->submit_token)) {
		struct interaction prev;

		rc = store_ia_find(c->db, c->a, c->org->id, it->submit_token, NULL, &prev);
		if (rc == 0) {
			db_rollback(c->db);
			*it = prev;
			*duplicate = true;
			return 0;
		}
		if (rc != ERR_NOT_FOUND)
			goto fail;
	}
	app_tracking_code(code);
	if (!app_check_digits(it->phone, check))
		check[0] = '\0';
	it->org_id = c->org->id;
	it->channel = ch->name;
	it->state = "received";
	it->tracking_code = arena_strdup(c->a, code);
	it->check_digits = arena_strdup(c->a, check);
	it->received_on = fmt_day(c->a, received);
	it->unit = it->handler = it->reply = "";
	it->replied_on = it->closed_on = it->published_on = NULL;
	it->public = false;
	it->public_subject = it->public_question = it->public_answer = "";
	it->due_n = ch->due_n;
	it->due_unit = ch->due_unit;
	it->created_by = c->user_id;
	it->created_at = it->updated_at = c->now;
	if (!it->tracking_code || !it->check_digits || !it->received_on) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = set_due(c->a, c->cal, it)) || (rc = store_ia_insert(c->db, it)) ||
	    (rc = add_event(c, it->id, "receive", received,
			    arena_printf(c->a, "%s（%s）", ch->name, from_public ? "网上提交" : "登记"))) ||
	    (rc = db_commit(c->db)))
		goto fail;
	return 0;
fail:
	db_rollback(c->db);
	if (rc == ERR_CONFLICT && !blank(it->submit_token)) {
		/* the same token won a race on another connection */
		struct interaction prev;

		if (store_ia_find(c->db, c->a, c->org->id, it->submit_token, NULL, &prev) == 0) {
			*it = prev;
			*duplicate = true;
			return 0;
		}
	}
	*msg = "保存失败，请稍后重试。";
	return rc;
}

/* The day of the case's last step (its receipt at least). */
static int last_step(struct ia_ctx *c, const struct interaction *it, long *last)
{
	struct ia_event *ev;
	size_t n;
	int rc;

	*last = parse_day(it->received_on);
	if ((rc = store_ia_events(c->db, c->a, c->org->id, it->id, &ev, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		long d = parse_day(ev[i].day);

		if (strcmp(ev[i].action, "publish") != 0 && strcmp(ev[i].action, "unpublish") != 0 && d > *last)
			*last = d;
	}
	return 0;
}

/* Does text still hold the person's name, phone or e-mail? */
static bool holds_person(const struct interaction *it, const char *text)
{
	char digits[32];
	size_t k = 0;

	if ((utf8_len(nz(it->name), strlen(nz(it->name))) >= 2 && strstr(text, it->name)) ||
	    (!blank(it->email) && strstr(text, it->email)) || (!blank(it->phone) && strstr(text, it->phone)))
		return true;
	for (const char *p = nz(it->phone); *p && k < sizeof(digits) - 1; p++)
		if (is_digit(*p))
			digits[k++] = *p;
	digits[k] = '\0';
	return k >= 7 && strstr(text, digits);
}

static int act_publish(struct ia_ctx *c, struct interaction *it, const struct ia_act_input *in, const char **detail,
		       const char **msg)
{
	const char *subject = in->public_subject, *question = in->public_question, *answer = in->public_answer;
	const char *ds, *dq, *da;
	int rc;

	if (strcmp(it->state, "replied") != 0 && strcmp(it->state, "closed") != 0)
		return fail(msg, "答复后才能公开。");
	if (!in->public) {
		if (!it->public)
			return fail(msg, "这件来信尚未公开。");
		it->public = false;
		it->published_on = NULL;
		*detail = "撤销公开";
		return 0;
	}
	if (!it->consent)
		return fail(msg, "来信人未同意公开，不能公开。");
	if ((rc = trim(c->a, &subject)) || (rc = trim(c->a, &question)) || (rc = trim(c->a, &answer)) ||
	    (rc = ia_public_default(c->a, it, &ds, &dq, &da)))
		return rc;
	subject = *subject ? subject : ds;
	question = *question ? question : dq;
	answer = *answer ? answer : da;
	if ((rc = text_check(c->a, subject, "公开标题", IA_SUBJECT_MAX, false, msg)) ||
	    (rc = text_check(c->a, question, "公开的来信内容", IA_CONTENT_MAX, true, msg)) ||
	    (rc = text_check(c->a, answer, "公开的答复内容", IA_REPLY_MAX, true, msg)))
		return rc;
	if (!*subject || !*answer)
		return fail(msg, "公开版本须有标题和答复内容。");
	if (holds_person(it, subject) || holds_person(it, question) || holds_person(it, answer))
		return fail(msg, "公开版本中仍有来信人的姓名、电话或电子邮箱，请删除后再公开。");
	*detail = it->public ? "修改公开内容" : "公开";
	if (!it->public && !(it->published_on = fmt_day(c->a, c->today)))
		return ERR_NOMEM;
	it->public = true;
	it->public_subject = subject;
	it->public_question = question;
	it->public_answer = answer;
	return 0;
}

int ia_act(struct ia_ctx *c, long long id, const struct ia_act_input *in, struct interaction *out,
	   const char **msg)
{
	const char *action = nz(in->action), *detail = NULL, *ev_action = action;
	const char *unit = in->unit, *handler = in->handler, *reply = in->reply;
	long day = in->day ? in->day : c->today, last = 0;
	bool owes;
	int rc;

	*msg = "操作失败，请稍后重试。";
	if (strcmp(action, "assign") != 0 && strcmp(action, "reply") != 0 && strcmp(action, "close") != 0 &&
	    strcmp(action, "publish") != 0)
		return fail(msg, "未知的办理操作。");
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_ia_get(c->db, c->a, c->org->id, id, out))) {
		if (rc == ERR_NOT_FOUND)
			*msg = "没有这件来信。";
		goto fail;
	}
	if (in->version != out->version) {
		*msg = "这件来信已被他人更新，请刷新页面后重试。";
		rc = ERR_CONFLICT;
		goto fail;
	}
	owes = ia_state_find(out->state) && ia_state_find(out->state)->owes_reply;
	rc = ERR_INVALID;
	if (strcmp(action, "publish") != 0) {
		if ((rc = last_step(c, out, &last)))
			goto fail;
		rc = ERR_INVALID;
		if (day > c->today) {
			*msg = "日期不能晚于今天。";
			goto fail;
		}
		if (day < last) {
			*msg = arena_printf(c->a, "日期不能早于上一办理步骤的日期（%s）。", fmt_day(c->a, last));
			goto fail;
		}
	}
	if (strcmp(action, "assign") == 0) {
		if (!owes) {
			*msg = "已答复的来信不能再分办。";
			goto fail;
		}
		if ((rc = trim(c->a, &unit)) || (rc = trim(c->a, &handler)))
			goto fail;
		rc = ERR_INVALID;
		if (!*unit || !*handler) {
			*msg = "请填写承办单位和承办人。";
			goto fail;
		}
		if (text_check(c->a, unit, "承办单位", IA_UNIT_MAX, false, msg) ||
		    text_check(c->a, handler, "承办人", IA_HANDLER_MAX, false, msg))
			goto fail;
		detail = arena_printf(c->a, "承办单位：%s；承办人：%s", unit, handler);
		out->unit = unit;
		out->handler = handler;
		out->state = "assigned";
	} else if (strcmp(action, "reply") == 0) {
		if (!owes) {
			*msg = "这件来信已经答复。";
			goto fail;
		}
		if ((rc = trim(c->a, &reply)))
			goto fail;
		rc = ERR_INVALID;
		if (!*reply) {
			*msg = "请填写答复内容。";
			goto fail;
		}
		if (text_check(c->a, reply, "答复内容", IA_REPLY_MAX, true, msg))
			goto fail;
		out->reply = reply;
		out->replied_on = fmt_day(c->a, day);
		out->state = "replied";
	} else if (strcmp(action, "close") == 0) {
		if (strcmp(out->state, "replied") != 0) {
			*msg = owes ? "答复后才能办结。" : "这件来信已经办结。";
			goto fail;
		}
		out->closed_on = fmt_day(c->a, day);
		out->state = "closed";
	} else {
		if ((rc = act_publish(c, out, in, &detail, msg)))
			goto fail;
		ev_action = out->public ? "publish" : "unpublish";
		day = c->today;
	}
	/* a due date the calendar could not give before */
	if (!out->due_on && (rc = set_due(c->a, c->cal, out)))
		goto fail;
	out->updated_at = c->now;
	if ((rc = store_ia_update(c->db, out))) {
		if (rc == ERR_CONFLICT)
			*msg = "这件来信已被他人更新，请刷新页面后重试。";
		goto fail;
	}
	if ((rc = add_event(c, out->id, ev_action, day, detail)) || (rc = db_commit(c->db)))
		goto fail;
	return 0;
fail:
	db_rollback(c->db);
	if (rc != ERR_INVALID && rc != ERR_CONFLICT && rc != ERR_NOT_FOUND)
		*msg = "操作失败，请稍后重试。";
	return rc;
}

int ia_track(struct db *db, struct arena *a, long long org_id, const char *code, const char *check,
	     struct interaction *out)
{
	char norm[13];
	struct str c = str_trim(str_c(check));
	int rc;

	if (!code || !app_tracking_code_normalize(code, norm))
		return ERR_NOT_FOUND;
	if ((rc = store_ia_find(db, a, org_id, NULL, norm, out)))
		return rc;
	/* constant time: the digits are a secret */
	if (c.n != 4 || strlen(out->check_digits) != 4 || sodium_memcmp(c.p, out->check_digits, 4) != 0)
		return ERR_NOT_FOUND;
	return 0;
}

/* ---- the public version ---- */

/* Bytes of the digit at p: an ASCII digit (1) or a full-width one (3). */
static size_t digit_len(const char *p, const char *end)
{
	if (p < end && is_digit(*p))
		return 1;
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] >= 0x90 &&
	    (unsigned char)p[2] <= 0x99)
		return 3;
	return 0;
}

/* The value of the digit at p (digit_len(p) > 0). */
static int digit_val(const char *p)
{
	return is_digit(*p) ? *p - '0' : (unsigned char)p[2] - 0x90;
}

/* A separator inside a phone number: '-', ' ' or a full-width '－'. */
static size_t sep_len(const char *p, const char *end)
{
	if (p < end && (*p == '-' || *p == ' '))
		return 1;
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] == 0x8D)
		return 3;
	return 0;
}

/* The end of the digit run at p; *count digits. */
static const char *digit_run(const char *p, const char *end, int *count)
{
	size_t k;

	*count = 0;
	while ((k = digit_len(p, end))) {
		p += k;
		++*count;
	}
	return p;
}

/* After a separator at q, a run of lo..hi digits: its end, else NULL. */
static const char *sep_run(const char *q, const char *end, int lo, int hi)
{
	size_t s = sep_len(q, end);
	int d;
	const char *r;

	if (!s || !digit_len(q + s, end))
		return NULL;
	r = digit_run(q + s, end, &d);
	return d >= lo && d <= hi ? r : NULL;
}

static bool email_char(char c, bool domain)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-' ||
	       (!domain && (c == '_' || c == '+' || c == '%'));
}

static void mark(char *mask, const char *text, const char *from, const char *to)
{
	memset(mask + (from - text), 1, (size_t)(to - from));
}

const char *ia_redact(struct arena *a, const char *text, const char *name)
{
	size_t n = strlen(nz(text)), nn = strlen(nz(name));
	const char *end = text + n;
	char *mask;
	struct buf b;

	if (!text || !n)
		return "";
	if (!(mask = arena_zalloc(a, n)))
		return NULL;
	/* the person's name (two characters at least: one would hit too much) */
	if (nn && utf8_len(name, nn) >= 2)
		for (const char *p = strstr(text, name); p; p = strstr(p + nn, name))
			mark(mask, text, p, p + nn);
	/* e-mail addresses: around each '@' */
	for (const char *at = strchr(text, '@'); at; at = strchr(at + 1, '@')) {
		const char *l = at, *r = at + 1, *dot = NULL;

		while (l > text && email_char(l[-1], false))
			l--;
		while (r < end && email_char(*r, true)) {
			if (*r == '.' && r + 1 < end && email_char(r[1], true))
				dot = r;
			r++;
		}
		while (r > at + 1 && r[-1] == '.')
			r--;
		if (l < at && dot && dot > at + 1)
			mark(mask, text, l, r);
	}
	/* numbers: 7 or more digits in a row (phones, identity numbers with a
	 * final X, bank cards), area code + number (0573-88881234), and
	 * mobile numbers in groups (138 1234 5678) */
	for (const char *p = text; p < end;) {
		const char *q, *r;
		int d;

		if (!digit_len(p, end)) {
			(void)utf8_next(&p, end);
			continue;
		}
		q = digit_run(p, end, &d);
		r = NULL;
		if (d >= 7) {
			r = q;
			if (d == 17 && r < end && (*r == 'X' || *r == 'x'))
				r++;
		} else if ((d == 3 || d == 4) && digit_val(p) == 0) {
			r = sep_run(q, end, 7, 8);
		} else if (d == 3 && digit_val(p) == 1) {
			const char *g = sep_run(q, end, 4, 4);

			r = g ? sep_run(g, end, 4, 4) : NULL;
		}
		if (r) {
			mark(mask, text, p, r);
			q = r;
		}
		p = q;
	}
	buf_init(&b, a, 2 * n + 16);
	for (size_t i = 0; i < n;) {
		if (!mask[i]) {
			buf_putc(&b, text[i++]);
			continue;
		}
		buf_puts(&b, "***");
		while (i < n && mask[i])
			i++;
	}
	return b.err ? NULL : buf_cstr(&b);
}

int ia_public_default(struct arena *a, const struct interaction *it, const char **subject, const char **question,
		      const char **answer)
{
	*subject = ia_redact(a, nz(it->subject), it->name);
	*question = ia_redact(a, nz(it->content), it->name);
	*answer = ia_redact(a, nz(it->reply), it->name);
	return *subject && *question && *answer ? 0 : ERR_NOMEM;
}

/* ---- counts ---- */

static int kind_index(const char *code)
{
	for (int i = 0; code && i < IA_KINDS; i++)
		if (strcmp(ia_kinds[i].code, code) == 0)
			return i;
	return -1;
}

int interactions_counts(struct db *db, struct arena *a, long long org_id, int year, struct ia_counts *out)
{
	struct ia_channel *chs;
	struct ia_count_row *rows;
	size_t nch, nrows, k = 0;
	char from[11], to[11];
	int rc;

	memset(out, 0, sizeof(*out));
	out->year = year;
	if (year < 1900 || year > 2999)
		return ERR_INVALID;
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	if ((rc = store_ia_channel_list(db, a, org_id, &chs, &nch)) ||
	    (rc = store_ia_counts(db, a, org_id, from, to, &rows, &nrows)))
		return rc;
	out->nchannels = nch ? nch : N_DEFAULTS;
	if (!(out->channels = arena_zalloc(a, out->nchannels * sizeof(*out->channels))))
		return ERR_NOMEM;
	for (size_t i = 0; i < out->nchannels; i++) {
		out->channels[i].channel_id = nch ? chs[i].id : 0;
		out->channels[i].name = nch ? chs[i].name : default_channels[i].name;
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct ia_count_row *r = &rows[i];
		int kd = kind_index(r->kind);
		struct ia_channel_count *cc = NULL;

		if (kd < 0 || r->month < 1 || r->month > 12)
			return ERR_INVALID;
		for (size_t j = 0; j < out->nchannels && !cc; j++)
			if (out->channels[j].channel_id == r->channel_id)
				cc = &out->channels[j];
		if (!cc)
			return ERR_INVALID;
		out->total += r->n;
		out->month[r->month - 1] += r->n;
		out->kind[kd] += r->n;
		cc->month[r->month - 1] += r->n;
		cc->total += r->n;
		out->replied += r->replied;
		out->closed += r->closed;
		out->late += r->late;
	}
	/* channels no longer used that had nothing that year are left out */
	for (size_t i = 0; i < out->nchannels; i++)
		if (!nch || chs[i].active || out->channels[i].total)
			out->channels[k++] = out->channels[i];
	out->nchannels = k;
	return 0;
}

static int year_series(struct db *db, struct arena *a, long long org_id, int year, struct reg_series **out, size_t *n)
{
	struct ia_counts c;
	struct reg_series *s;
	int rc;

	if ((rc = interactions_counts(db, a, org_id, year, &c)))
		return rc;
	if (!(s = arena_zalloc(a, (c.nchannels ? c.nchannels : 1) * sizeof(*s))))
		return ERR_NOMEM;
	for (size_t i = 0; i < c.nchannels; i++) {
		s[i].label = c.channels[i].name;
		memcpy(s[i].month, c.channels[i].month, sizeof(s[i].month));
		s[i].total = c.channels[i].total;
	}
	*out = s;
	*n = c.nchannels;
	return 0;
}

/* ---- the CSV register ---- */

enum {
	C_DATE, C_CHANNEL, C_KIND, C_SUBJECT, C_CONTENT, C_NAME, C_PHONE, C_EMAIL, C_UNIT, C_HANDLER, C_REPLY,
	C_REPLIED, C_CLOSED, C_PUBLIC, C_PSUBJECT, C_PQUESTION, C_PANSWER, N_COLS
};

static const struct csv_col csv_cols[N_COLS] = {
	[C_DATE] = { "受理日期", true },    [C_CHANNEL] = { "渠道", true },      [C_KIND] = { "类别", true },
	[C_SUBJECT] = { "标题", true },     [C_CONTENT] = { "内容", false },     [C_NAME] = { "来信人", false },
	[C_PHONE] = { "联系电话", false },  [C_EMAIL] = { "电子邮箱", false },   [C_UNIT] = { "承办单位", false },
	[C_HANDLER] = { "承办人", false },  [C_REPLY] = { "答复内容", false },   [C_REPLIED] = { "答复日期", false },
	[C_CLOSED] = { "办结日期", false }, [C_PUBLIC] = { "是否公开", false }, [C_PSUBJECT] = { "公开标题", false },
	[C_PQUESTION] = { "公开内容", false }, [C_PANSWER] = { "公开答复", false },
};

struct import_ctx {
	const struct reg_ctx *rc;
	struct ia_channel *chs;      /* the org's channels (none: the defaults are created on storing) */
	size_t nch;
	bool resolved;               /* chs re-read inside the import's transaction */
	const char *actor;           /* who imports, for the history */
};

/* The channel names a file may use, for the message on an unknown one. */
static const char *channel_names(struct import_ctx *ic, struct arena *a)
{
	struct buf b;

	buf_init(&b, a, 4096);
	for (size_t i = 0; i < (ic->nch ? ic->nch : N_DEFAULTS); i++)
		buf_printf(&b, "%s%s", i ? "、" : "", ic->nch ? ic->chs[i].name : default_channels[i].name);
	return buf_cstr(&b);
}

/* A date column that may be empty (0 then) and must lie in [lo, today]. */
static int opt_date(const struct reg_ctx *rc, struct arena *a, const char *col, const char *v, long lo,
		    const char *lo_name, long *out, const char **msg)
{
	int r;

	*out = 0;
	if (!*v)
		return 0;
	if ((r = csv_date(col, v, out, msg, a)))
		return r;
	if (*out > rc->today) {
		*msg = arena_printf(a, "“%s”不能晚于今天。", col);
		return ERR_INVALID;
	}
	if (*out < lo) {
		*msg = arena_printf(a, "“%s”不能早于%s。", col, lo_name);
		return ERR_INVALID;
	}
	return 0;
}

static int csv_check(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		     const char **msg)
{
	struct import_ctx *ic = ctx;
	const struct reg_ctx *rc = ic->rc;
	struct interaction *it;
	const struct ia_kind *kind;
	const char *channel_name = NULL;
	long received, replied, closed;
	bool pub;
	int r;

	if ((r = csv_date("受理日期", v[C_DATE], &received, msg, a)))
		return r;
	if (received > rc->today)
		return fail(msg, "“受理日期”不能晚于今天。");
	if (received < parse_day(IA_FIRST_DAY))
		return fail(msg, "“受理日期”不能早于2000年。");
	if (!*v[C_CHANNEL])
		return fail(msg, "请填写“渠道”。");
	for (size_t i = 0; i < ic->nch && !channel_name; i++)
		if (strcmp(ic->chs[i].name, v[C_CHANNEL]) == 0)
			channel_name = ic->chs[i].name;
	for (size_t i = 0; !ic->nch && i < N_DEFAULTS && !channel_name; i++)
		if (strcmp(default_channels[i].name, v[C_CHANNEL]) == 0)
			channel_name = default_channels[i].name;
	if (!channel_name) {
		*msg = arena_printf(a, "没有名为“%s”的渠道（可用：%s）。", v[C_CHANNEL], channel_names(ic, a));
		return ERR_INVALID;
	}
	if (!(kind = ia_kind_by_label(v[C_KIND]))) {
		*msg = arena_printf(a, "“类别”应为咨询、建议、投诉、求助或信访，而不是“%s”。", v[C_KIND]);
		return ERR_INVALID;
	}
	if (!*v[C_SUBJECT])
		return fail(msg, "请填写“标题”。");
	if ((r = text_check(a, v[C_SUBJECT], "“标题”", IA_SUBJECT_MAX, false, msg)) ||
	    (r = text_check(a, v[C_CONTENT], "“内容”", IA_CONTENT_MAX, true, msg)) ||
	    (r = text_check(a, v[C_NAME], "“来信人”", IA_NAME_MAX, false, msg)) ||
	    (r = text_check(a, v[C_PHONE], "“联系电话”", IA_PHONE_MAX, false, msg)) ||
	    (r = text_check(a, v[C_EMAIL], "“电子邮箱”", IA_EMAIL_MAX, false, msg)) ||
	    (r = text_check(a, v[C_UNIT], "“承办单位”", IA_UNIT_MAX, false, msg)) ||
	    (r = text_check(a, v[C_HANDLER], "“承办人”", IA_HANDLER_MAX, false, msg)) ||
	    (r = text_check(a, v[C_REPLY], "“答复内容”", IA_REPLY_MAX, true, msg)) ||
	    (r = text_check(a, v[C_PSUBJECT], "“公开标题”", IA_SUBJECT_MAX, false, msg)) ||
	    (r = text_check(a, v[C_PQUESTION], "“公开内容”", IA_CONTENT_MAX, true, msg)) ||
	    (r = text_check(a, v[C_PANSWER], "“公开答复”", IA_REPLY_MAX, true, msg)))
		return r;
	if (*v[C_EMAIL] && !email_ok(v[C_EMAIL]))
		return fail(msg, "“电子邮箱”格式不正确。");
	if ((r = opt_date(rc, a, "答复日期", v[C_REPLIED], received, "受理日期", &replied, msg)) ||
	    (r = opt_date(rc, a, "办结日期", v[C_CLOSED], replied ? replied : received, "答复日期", &closed, msg)))
		return r;
	if (replied && !*v[C_REPLY])
		return fail(msg, "有“答复日期”的记录须填写“答复内容”。");
	if (*v[C_REPLY] && !replied)
		return fail(msg, "有“答复内容”的记录须填写“答复日期”。");
	if (closed && !replied)
		return fail(msg, "办结的记录须有“答复日期”。");
	if (!*v[C_PUBLIC] || strcmp(v[C_PUBLIC], "否") == 0)
		pub = false;
	else if (strcmp(v[C_PUBLIC], "是") == 0)
		pub = true;
	else
		return fail(msg, "“是否公开”应填“是”或“否”。");
	if (pub && !replied)
		return fail(msg, "公开的记录须有答复（“答复日期”和“答复内容”）。");
	if (!pub && (*v[C_PSUBJECT] || *v[C_PQUESTION] || *v[C_PANSWER]))
		return fail(msg, "“是否公开”为“否”的记录不应填写公开版本。");
	for (size_t i = 0; i < ic->nch; i++) {
		bool dup = false;

		if (strcmp(ic->chs[i].name, channel_name) != 0)
			continue;
		if ((r = store_ia_key_exists(rc->db, rc->org->id, fmt_day(a, received), ic->chs[i].id, v[C_SUBJECT],
					     v[C_NAME], &dup)))
			return r;
		if (dup)
			return fail(msg, "与已登记的来信重复（受理日期、渠道、标题和来信人相同）。");
	}
	if (!(it = arena_zalloc(a, sizeof(*it))))
		return ERR_NOMEM;
	it->org_id = rc->org->id;
	it->channel = channel_name;
	it->kind = kind->code;
	it->received_on = fmt_day(a, received);
	it->subject = v[C_SUBJECT];
	it->content = v[C_CONTENT];
	it->name = v[C_NAME];
	it->phone = v[C_PHONE];
	it->email = v[C_EMAIL];
	it->unit = v[C_UNIT];
	it->handler = v[C_HANDLER];
	it->reply = v[C_REPLY];
	it->replied_on = replied ? fmt_day(a, replied) : NULL;
	it->closed_on = closed ? fmt_day(a, closed) : NULL;
	it->state = closed ? "closed" : replied ? "replied" : *it->unit ? "assigned" : "received";
	it->consent = it->public = pub;
	if (pub) {
		const char *ds, *dq, *da;

		if ((r = ia_public_default(a, it, &ds, &dq, &da)))
			return r;
		it->public_subject = *v[C_PSUBJECT] ? v[C_PSUBJECT] : ds;
		it->public_question = *v[C_PQUESTION] ? v[C_PQUESTION] : dq;
		it->public_answer = *v[C_PANSWER] ? v[C_PANSWER] : da;
		it->published_on = it->closed_on ? it->closed_on : it->replied_on;
	}
	*key = arena_printf(a, "%s\x1f%s\x1f%s\x1f%s", it->received_on, channel_name, it->subject, it->name);
	*prepared = it;
	return *key && it->received_on ? 0 : ERR_NOMEM;
}

static int csv_store(void *ctx, struct db *db, struct arena *a, void *prepared)
{
	struct import_ctx *ic = ctx;
	const struct reg_ctx *rc = ic->rc;
	struct interaction *it = prepared;
	const struct ia_channel *ch;
	struct ia_event e = { .action = "import", .user_id = rc->user_id, .actor = ic->actor, .at = rc->now };
	char code[13], check[5];
	int r;

	if (!ic->resolved) {
		if ((r = ia_channels(db, a, rc->org->id, rc->now, &ic->chs, &ic->nch)))
			return r;
		ic->resolved = true;
	}
	if (!(ch = channel_by_name(ic->chs, ic->nch, it->channel)))
		return ERR_INTERNAL;
	app_tracking_code(code);
	if (!app_check_digits(it->phone, check))
		check[0] = '\0';
	it->channel_id = ch->id;
	it->tracking_code = arena_strdup(a, code);
	it->check_digits = arena_strdup(a, check);
	it->due_n = ch->due_n;
	it->due_unit = ch->due_unit;
	it->created_by = rc->user_id;
	it->created_at = it->updated_at = rc->now;
	if (!it->tracking_code || !it->check_digits)
		return ERR_NOMEM;
	if ((r = set_due(a, rc->cal, it)) || (r = store_ia_insert(db, it)))
		return r;
	e.interaction_id = it->id;
	e.day = it->received_on;
	e.detail = arena_printf(a, "CSV 导入（%s）", ia_state_find(it->state)->label);
	return store_ia_event_add(db, rc->org->id, &e);
}

static int import_csv(const struct reg_ctx *rc, const char *bytes, size_t n, const char *encoding, bool dry_run,
		      struct csv_report *rep)
{
	struct import_ctx ic = { .rc = rc };
	struct csv_register reg = {
		.name = "政民互动", .cols = csv_cols, .ncols = N_COLS, .check = csv_check, .store = csv_store, .ctx = &ic,
		.progress = rc->progress, .progress_arg = rc->progress_arg
	};
	int r;

	memset(rep, 0, sizeof(*rep));
	ic.actor = "命令行导入";
	if (rc->user_id) {
		struct user u;

		if ((r = store_user_by_id(rc->db, rc->a, rc->user_id, &u)))
			return r;
		ic.actor = *u.display_name ? u.display_name : u.username;
	}
	/* read only: a dry run stores nothing, not even the default channels */
	if ((r = store_ia_channel_list(rc->db, rc->a, rc->org->id, &ic.chs, &ic.nch)))
		return r;
	return csv_import(rc->db, rc->a, &reg, bytes, n, encoding, dry_run, rep);
}

static int export_csv(const struct reg_ctx *rc, int year, bool personal, struct buf *out)
{
	struct interaction *rows;
	size_t n;
	const char *hdr[N_COLS], *f[N_COLS];
	char from[11], to[11];
	size_t k = 0;
	int r;

	if (year && (year < 1900 || year > 2999))
		return ERR_INVALID;
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	if ((r = store_ia_for_period(rc->db, rc->a, rc->org->id, year ? from : NULL, year ? to : NULL, &rows, &n)))
		return r;
	for (size_t i = 0; i < N_COLS; i++)
		if (personal || (i != C_NAME && i != C_PHONE && i != C_EMAIL))
			hdr[k++] = csv_cols[i].name;
	csv_write_bom(out);
	csv_write_row(out, hdr, k);
	for (size_t j = 0; j < n; j++) {
		const struct interaction *it = &rows[j];
		const struct ia_kind *kd = ia_kind_find(it->kind);
		const char *v[N_COLS] = {
			[C_DATE] = it->received_on,
			[C_CHANNEL] = it->channel,
			[C_KIND] = kd ? kd->label : it->kind,
			[C_SUBJECT] = it->subject,
			[C_CONTENT] = it->content,
			[C_NAME] = it->name,
			[C_PHONE] = it->phone,
			[C_EMAIL] = it->email,
			[C_UNIT] = it->unit,
			[C_HANDLER] = it->handler,
			[C_REPLY] = it->reply,
			[C_REPLIED] = nz(it->replied_on),
			[C_CLOSED] = nz(it->closed_on),
			[C_PUBLIC] = it->public ? "是" : "否",
			[C_PSUBJECT] = it->public ? it->public_subject : "",
			[C_PQUESTION] = it->public ? it->public_question : "",
			[C_PANSWER] = it->public ? it->public_answer : "",
		};

		/* without personal data the person's own text loses phone
		 * numbers, e-mail, identity numbers and the name too */
		if (!personal && (!(v[C_CONTENT] = ia_redact(rc->a, it->content, it->name)) ||
				  !(v[C_REPLY] = ia_redact(rc->a, it->reply, it->name))))
			return ERR_NOMEM;
		k = 0;
		for (size_t i = 0; i < N_COLS; i++)
			if (personal || (i != C_NAME && i != C_PHONE && i != C_EMAIL))
				f[k++] = v[i];
		csv_write_row(out, f, k);
	}
	return out->err;
}

const struct reg_kind reg_interactions = {
	.code = "interactions",
	.label = "政民互动",
	.import_csv = import_csv,
	.export_csv = export_csv,
	.year_series = year_series,
};
