/* cases.c - the procedure of a disclosure application. See cases.h. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "domain/applications/cases.h"
#include "domain/applications/fees.h"
#include "domain/applications/intake.h"
#include "domain/applications/letters.h"
#include "domain/calendar/calendar.h"
#include "domain/deadline/deadline.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

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

/* The deadline events of a case: START from received_on, then its stored
 * events (cases.h). */
static size_t clock_events(const struct application *app, const struct app_event *ev, size_t n,
			   struct deadline_event *out)
{
	size_t k = 0;

	out[k++] = (struct deadline_event){ .kind = DEADLINE_START, .day = parse_day(app->received_on),
					    .n = APP_REPLY_DAYS, .unit = DEADLINE_WORKDAYS,
					    .ext_max = DEADLINE_EXTEND_MAX };
	for (size_t i = 0; i < n && k < DEADLINE_EVENTS_MAX; i++) {
		const struct app_action *act = app_action_find(ev[i].action);
		struct deadline_event d = { .day = parse_day(ev[i].day) };

		if (!act)
			continue; /* submit, register: before the clock */
		switch (act->id) {
		case ACT_CORRECTION:
		case ACT_FEE_NOTICE:
			d.kind = DEADLINE_PAUSE;
			break;
		case ACT_CONSULT:
			d.kind = DEADLINE_PAUSE;
			d.n = DEADLINE_THIRD_PARTY;
			break;
		case ACT_CORRECTED:
			d.kind = DEADLINE_RESTART;
			break;
		case ACT_CONSULT_END:
		case ACT_FEE_PAID:
			d.kind = DEADLINE_RESUME;
			break;
		case ACT_EXTEND:
			d.kind = DEADLINE_EXTEND;
			d.n = ev[i].n;
			break;
		case ACT_ACCEPT:
			continue; /* it set received_on */
		default:
			d.kind = DEADLINE_STOP;
			break;
		}
		out[k++] = d;
	}
	return k;
}

/* Recompute app's due date from its events; when it changed, record the
 * change with cause. A calendar gap leaves due_on NULL with due_error set
 * (shown to staff); a malformed history is ERR_INVALID with *msg. */
static int refresh_due(struct db *db, struct arena *a, const struct calendar *cal, struct application *app,
		       const char *now, const char *cause, const char **msg)
{
	struct app_event *ev;
	size_t n;
	struct deadline_event dev[DEADLINE_EVENTS_MAX];
	struct deadline_result *res = arena_alloc(a, sizeof(*res));
	const char *old = app->due_on;
	int rc;

	if (!res)
		return ERR_NOMEM;
	if ((rc = store_app_events(db, a, app->org_id, app->id, &ev, &n)))
		return rc;
	size_t k = clock_events(app, ev, n, dev);

	rc = deadline_compute(cal, dev, k, res);
	if (rc == ERR_NOT_FOUND) {
		app->due_on = NULL;
		app->due_error = arena_printf(a, "工作日历缺少%d年的节假日数据，无法计算答复期限，请系统管理员导入。",
					      res->missing_year);
	} else if (rc) {
		*msg = arena_strdup(a, res->msg);
		return ERR_INVALID;
	} else {
		app->due_on = fmt_day(a, res->due);
		app->due_error = "";
		app->extended = res->extended;
	}
	/* the applicant's limit while the case waits for them */
	app->wait_until = NULL;
	for (size_t i = n; i-- > 0;) {
		const struct app_action *act = app_action_find(ev[i].action);
		long end;

		if (!act || (act->id != ACT_CORRECTION && act->id != ACT_FEE_NOTICE))
			continue;
		if ((act->id == ACT_CORRECTION && strcmp(app->state, "correcting") == 0) ||
		    (act->id == ACT_FEE_NOTICE && strcmp(app->state, "awaiting_fee") == 0))
			if (calendar_add_workdays(cal, parse_day(ev[i].day), ev[i].n, &end, NULL) == 0)
				app->wait_until = fmt_day(a, end);
		break;
	}
	if (!app->due_on || !old || strcmp(app->due_on, old) != 0) {
		if (!app->due_on && !old)
			return 0;
		struct app_due_change ch = { .old_due = old, .new_due = app->due_on, .cause = cause, .at = now };

		return store_app_due_change_add(db, app->org_id, app->id, &ch);
	}
	return 0;
}

static int add_event(struct app_ctx *c, struct application *app, const char *action, long day, int n,
		     const char *reason, const char *detail)
{
	struct app_event e = {
		.application_id = app->id,
		.action = action,
		.day = fmt_day(c->a, day),
		.n = n,
		.user_id = c->user_id,
		.actor = c->actor ? c->actor : "",
		.reason = reason ? reason : "",
		.detail = detail ? detail : "",
		.at = c->now,
	};

	if (!e.day)
		return ERR_NOMEM;
	return store_app_event_add(c->db, c->org->id, &e);
}

static int add_letter(struct app_ctx *c, struct application *app, const char *kind, struct letter_input *li,
		      long long *id)
{
	struct app_letter l = { .org_id = c->org->id, .application_id = app->id, .kind = kind, .doc_no = "",
				.status = "draft", .created_at = c->now, .updated_at = c->now };
	int rc;

	li->org = c->org;
	li->app = app;
	if ((rc = letter_draft(c->a, kind, li, &l.title, &l.body_md)))
		return rc;
	if ((rc = store_app_letter_insert(c->db, &l)))
		return rc;
	if (id)
		*id = l.id;
	return 0;
}

static int receipt_letter(struct app_ctx *c, struct application *app)
{
	struct letter_input li = { .day = app->received_on };

	return add_letter(c, app, "receipt", &li, NULL);
}

int app_create(struct app_ctx *c, struct application *app, long arrived, long confirmed, bool *duplicate,
	       const char **msg)
{
	const struct app_channel *ch;
	long received;
	long long serial;
	int y, m, d, rc;
	char code[13], check[5];

	*duplicate = false;
	*msg = "申请保存失败，请稍后重试。";
	if ((rc = app_validate(c->a, app, c->today, msg)))
		return rc;
	if (!(ch = app_channel_find(app->channel))) {
		*msg = "请选择申请渠道。";
		return ERR_INVALID;
	}
	if (strcmp(ch->code, "online") == 0) {
		if (arrived < parse_day(APP_FIRST_DAY) || arrived > c->today) {
			*msg = "提交日期无效。";
			return ERR_INVALID;
		}
		received = arrived;
	} else if ((rc = app_receipt_date(ch->code, arrived, confirmed, app->evidence, c->today, &received, msg))) {
		return rc;
	}
	if (!app_check_digits(app->phone, check)) {
		*msg = "联系电话至少应有4位数字。";
		return ERR_INVALID;
	}
	if ((rc = db_begin(c->db)))
		return rc;
	if (app->submit_token && *app->submit_token) {
		struct application prev;

		rc = store_app_by_token(c->db, c->a, c->org->id, app->submit_token, &prev);
		if (rc == 0) {
			db_rollback(c->db);
			*app = prev;
			*duplicate = true;
			return 0;
		}
		if (rc != ERR_NOT_FOUND)
			goto fail;
	}
	date_to_ymd(arrived, &y, &m, &d);
	if ((rc = store_app_next_serial(c->db, c->org->id, y, &serial)))
		goto fail;
	app_tracking_code(code);
	app->org_id = c->org->id;
	app->serial = arena_printf(c->a, "%04d-%04lld", y, serial);
	app->tracking_code = arena_strdup(c->a, code);
	app->check_digits = arena_strdup(c->a, check);
	app->state = strcmp(ch->code, "online") == 0 ? "submitted" : "registered";
	app->submitted_on = fmt_day(c->a, arrived);
	app->received_on = fmt_day(c->a, received);
	app->due_on = NULL;
	app->due_error = "";
	app->outcome = NULL;
	app->closed_on = NULL;
	app->basis = "";
	app->created_by = c->user_id;
	app->created_at = app->updated_at = c->now;
	if (!app->serial || !app->tracking_code || !app->check_digits || !app->submitted_on || !app->received_on) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = store_app_insert(c->db, app)))
		goto fail;
	if ((rc = add_event(c, app, strcmp(app->state, "submitted") == 0 ? "submit" : "register", received, 0,
			    NULL, ch->label)))
		goto fail;
	if ((rc = refresh_due(c->db, c->a, c->cal, app, c->now, "登记", msg)))
		goto fail;
	if ((rc = store_app_update(c->db, app)))
		goto fail;
	if (strcmp(app->state, "registered") == 0 && (rc = receipt_letter(c, app)))
		goto fail;
	if ((rc = db_commit(c->db)))
		goto fail;
	return 0;
fail:
	db_rollback(c->db);
	if (rc == ERR_CONFLICT && app->submit_token) {
		/* the same token won a race on another connection */
		struct application prev;

		if (store_app_by_token(c->db, c->a, c->org->id, app->submit_token, &prev) == 0) {
			*app = prev;
			*duplicate = true;
			return 0;
		}
	}
	if (rc != ERR_INVALID)
		*msg = "申请保存失败，请稍后重试。";
	return rc;
}

/* The day of the case's last event (its receipt at least). */
static long last_event_day(struct app_ctx *c, const struct application *app, struct app_event **ev, size_t *n)
{
	long last = parse_day(app->received_on);

	if (store_app_events(c->db, c->a, app->org_id, app->id, ev, n))
		return -1;
	for (size_t i = 0; i < *n; i++) {
		long d = parse_day((*ev)[i].day);

		if (d > last)
			last = d;
	}
	return last;
}

static bool blank(const char *s)
{
	return !s || !*s;
}

/* The state to go back to after waiting. */
static const char *back_state(const struct application *app)
{
	return app->extended ? "extended" : "registered";
}

/* The k of 按件计收: this applicant's applications in the natural month of
 * the receipt, up to and including this one. */
static int month_count(struct app_ctx *c, const struct application *app, long long *k)
{
	int y, m, d;
	char from[11];

	date_to_ymd(parse_day(app->received_on), &y, &m, &d);
	snprintf(from, sizeof(from), "%04d-%02d-01", y, m);
	return store_app_count_applicant(c->db, c->org->id, app->id_number, from, app->received_on, k);
}

int app_act(struct app_ctx *c, long long id, const struct app_act_input *in, struct application *app,
	    long long *letter_id, const char **msg)
{
	const struct app_action *act = app_action_find(in->action);
	struct letter_input li = { 0 };
	struct app_event *ev;
	size_t nev;
	const char *letter = NULL, *detail = NULL, *reason = in->reason, *cause;
	long day = in->day ? in->day : c->today, last;
	int n = 0, rc;

	*letter_id = 0;
	*msg = "操作失败，请稍后重试。";
	if (!act) {
		*msg = "未知的办理操作。";
		return ERR_INVALID;
	}
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_app_get(c->db, c->a, c->org->id, id, app))) {
		if (rc == ERR_NOT_FOUND)
			*msg = "没有这件申请。";
		goto fail;
	}
	rc = ERR_INVALID;
	if (in->version != app->version) {
		*msg = "这件申请已被他人更新，请刷新页面后重试。";
		rc = ERR_CONFLICT;
		goto fail;
	}
	if (!app_action_allowed(act, app->state)) {
		const struct app_state *st = app_state_find(app->state);

		*msg = arena_printf(c->a, "申请当前状态为“%s”，不能执行“%s”。", st ? st->label : app->state,
				    act->label);
		goto fail;
	}
	if ((last = last_event_day(c, app, &ev, &nev)) < 0) {
		rc = ERR_DB;
		goto fail;
	}
	if (day > c->today) {
		*msg = "日期不能晚于今天。";
		goto fail;
	}
	if (act->id != ACT_ACCEPT && day < last) {
		*msg = arena_printf(c->a, "日期不能早于上一办理步骤的日期（%s）。", fmt_day(c->a, last));
		goto fail;
	}
	li.day = fmt_day(c->a, day);
	switch (act->id) {
	case ACT_ACCEPT:
		if (day < parse_day(app->submitted_on)) {
			*msg = "确认受理日期不能早于提交日期。";
			goto fail;
		}
		app->received_on = fmt_day(c->a, day);
		letter = "receipt";
		li.day = app->received_on;
		break;
	case ACT_VOID:
	case ACT_WITHDRAW:
		if (blank(reason)) {
			*msg = act->id == ACT_VOID ? "请说明作废原因。" : "请记录申请人撤回申请的方式和内容。";
			goto fail;
		}
		if (act->id == ACT_WITHDRAW) {
			app->outcome = "other";
			/* no article covers a withdrawal: the letter cites the 条例 */
			app->basis = "《中华人民共和国政府信息公开条例》";
			letter = "reply";
			li.outcome = "other";
			li.basis = app->basis;
			li.reason = reason;
		}
		break;
	case ACT_CORRECTION:
		for (size_t i = 0; i < nev; i++)
			if (strcmp(ev[i].action, "correction") == 0) {
				*msg = "补正告知只能一次性发出（《政府信息公开条例》第三十条）。";
				goto fail;
			}
		if (app->extended) {
			*msg = "已延期答复的申请不能再要求补正。";
			goto fail;
		}
		if (blank(reason)) {
			*msg = "请写明需要补正的事项。";
			goto fail;
		}
		n = in->days ? in->days : APP_CORRECTION_DEFAULT;
		if (n < 1 || n > APP_CORRECTION_MAX) {
			*msg = arena_printf(c->a, "补正期限应为1至%d个工作日。", APP_CORRECTION_MAX);
			goto fail;
		}
		{
			long notice_by, end;

			if (calendar_add_workdays(c->cal, parse_day(app->received_on), APP_CORRECTION_NOTICE,
						  &notice_by, NULL) == 0 &&
			    day > notice_by)
				detail = arena_printf(c->a, "补正告知晚于收到申请后%d个工作日（%s）",
						      APP_CORRECTION_NOTICE, fmt_day(c->a, notice_by));
			if (calendar_add_workdays(c->cal, day, n, &end, NULL) == 0)
				li.limit_on = fmt_day(c->a, end);
		}
		li.items = reason;
		li.limit_days = n;
		letter = "correction";
		break;
	case ACT_CORRECTED:
	case ACT_CONSULT_END:
	case ACT_FEE_PAID:
		break;
	case ACT_CORRECTION_LAPSED:
	case ACT_FEE_LAPSED:
		if (!app->wait_until || day <= parse_day(app->wait_until)) {
			*msg = arena_printf(c->a, "申请人的期限（%s）尚未届满，不能终止处理。",
					    app->wait_until ? app->wait_until : "未知");
			goto fail;
		}
		app->outcome = act->id == ACT_CORRECTION_LAPSED ? "no_correction" : "unpaid";
		app->basis = app_outcome_find(app->outcome)->basis;
		letter = "reply";
		li.outcome = app->outcome;
		li.basis = app->basis;
		break;
	case ACT_CONSULT:
		if (blank(in->party) || blank(reason)) {
			*msg = "请填写征求意见的对象和事项。";
			goto fail;
		}
		li.party = in->party;
		li.matter = reason;
		detail = arena_printf(c->a, "征求意见对象：%s", in->party);
		letter = "consult";
		break;
	case ACT_EXTEND:
		if (app->extended) {
			*msg = "答复期限只能延长一次（《政府信息公开条例》第三十三条）。";
			goto fail;
		}
		if (in->days < 1 || in->days > DEADLINE_EXTEND_MAX) {
			*msg = "延长的期限应为1至20个工作日（《政府信息公开条例》第三十三条）。";
			goto fail;
		}
		if (blank(in->approver) || blank(reason)) {
			*msg = "延期答复须经政府信息公开工作机构负责人同意：请填写批准人和延期理由。";
			goto fail;
		}
		if (app->due_on && day > parse_day(app->due_on)) {
			*msg = arena_printf(c->a, "答复期限（%s）已过，不能再延期。", app->due_on);
			goto fail;
		}
		n = in->days;
		detail = arena_printf(c->a, "批准人：%s", in->approver);
		li.ext_days = n;
		li.reason = reason;
		letter = "extension";
		break;
	case ACT_FEE_NOTICE: {
		long long k = 0, yuan = 0, lo = 0, hi = 0, units = in->fee_units;
		long end;

		if (in->fee_standard == FEE_PER_ITEM) {
			if (units < 1 || units > 1000) {
				*msg = "请填写按“一事一申请”拆分后的件数（1至1000）。";
				goto fail;
			}
			if ((rc = month_count(c, app, &k)))
				goto fail;
			rc = ERR_INVALID;
			if (fees_per_item_total((int)(k + units - 1), &hi) || fees_per_item_total((int)(k - 1), &lo)) {
				*msg = "收费件数超出范围。";
				goto fail;
			}
			yuan = hi - lo;
			detail = arena_printf(c->a, "本月第%lld件起，计%lld件", k, units);
		} else if (in->fee_standard == FEE_PER_PAGE) {
			if (fees_per_page(units, &yuan) || units < 1) {
				*msg = "请填写页数（A4单面计）。";
				goto fail;
			}
			detail = arena_printf(c->a, "计%lld页", units);
		} else {
			*msg = "请选择收费标准（按件计收或按量计收）。";
			goto fail;
		}
		if (yuan <= 0) {
			*msg = "按此标准不收费（免费额度内），无需发出收费通知。";
			goto fail;
		}
		app->fee_standard = in->fee_standard;
		app->fee_units = units;
		app->fee_yuan = yuan;
		n = FEE_PAY_WORKDAYS;
		li.fee_standard = fees_standard_name(in->fee_standard);
		li.fee_units = units;
		li.fee_yuan = yuan;
		if (calendar_add_workdays(c->cal, day, n, &end, NULL) == 0)
			li.pay_by = fmt_day(c->a, end);
		letter = "fee";
		break;
	}
	case ACT_REPLY: {
		const struct app_outcome *o = app_outcome_find(in->outcome);

		if (!o || !o->by_reply) {
			*msg = "请选择答复类型（办理结果）。";
			goto fail;
		}
		app->outcome = o->code;
		app->basis = blank(in->basis) ? o->basis : in->basis;
		if (blank(app->basis)) {
			*msg = "请填写答复的法律依据。";
			goto fail;
		}
		li.outcome = o->code;
		li.basis = app->basis;
		li.reason = reason;
		letter = "reply";
		break;
	}
	default:
		goto fail;
	}
	/* the state after the action; extending while a consultation runs
	 * keeps the case waiting (it returns to 延期 when the answer comes) */
	if (act->id == ACT_EXTEND) {
		app->extended = true;
		if (strcmp(app->state, "consulting") != 0)
			app->state = "extended";
	} else {
		app->state = *act->to ? act->to : back_state(app);
	}
	if (!app_state_find(app->state)->open)
		app->closed_on = fmt_day(c->a, day);
	if ((rc = add_event(c, app, act->code, day, n, reason, detail)))
		goto fail;
	cause = arena_printf(c->a, "%s（%s）", act->label, fmt_day(c->a, day));
	if ((rc = refresh_due(c->db, c->a, c->cal, app, c->now, cause, msg)))
		goto fail;
	app->updated_at = c->now;
	if ((rc = store_app_update(c->db, app))) {
		if (rc == ERR_CONFLICT)
			*msg = "这件申请已被他人更新，请刷新页面后重试。";
		goto fail;
	}
	if (letter) {
		if (act->id == ACT_EXTEND)
			li.new_due = app->due_on;
		if ((rc = add_letter(c, app, letter, &li, letter_id))) {
			if (rc == ERR_INVALID)
				*msg = act->id == ACT_REPLY ? "答复书生成失败：请检查答复类型和法律依据。"
							    : "文书生成失败：请检查填写的内容。";
			goto fail;
		}
	}
	if ((rc = db_commit(c->db)))
		goto fail;
	return 0;
fail:
	db_rollback(c->db);
	if (rc != ERR_INVALID && rc != ERR_CONFLICT && rc != ERR_NOT_FOUND)
		*msg = "操作失败，请稍后重试。";
	return rc;
}

int app_deadline(const struct calendar *cal, const struct application *app, long today, struct app_deadline *out)
{
	const struct app_state *st = app_state_find(app->state);

	memset(out, 0, sizeof(*out));
	out->paused = st && st->clock_stopped;
	if (app->due_on && (out->due = parse_day(app->due_on)) > 0)
		out->has_due = true;
	if (strcmp(app->state, "registered") == 0 && !app->extended) {
		long by;

		if (calendar_add_workdays(cal, parse_day(app->received_on), APP_CORRECTION_NOTICE, &by, NULL) == 0 &&
		    by >= today)
			out->correction_notice_by = by;
	}
	if (!out->has_due || !st || !st->open)
		return 0;
	if (deadline_status(cal, out->due, today, &out->left) == 0) {
		out->has_left = true;
		/* a stopped clock is not overdue while it waits */
		out->overdue = !out->paused && deadline_overdue(out->left);
		out->near = !out->paused && deadline_near_due(out->left);
	}
	return 0;
}

int app_recompute_all(struct db *db, struct arena *a, const struct calendar *cal, const char *now,
		      const char *cause, long long *changed)
{
	struct app_filter f = { .open_only = true };
	struct application *apps;
	size_t n;
	int rc;

	*changed = 0;
	if ((rc = store_app_list(db, a, &f, &apps, &n, NULL)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *before = apps[i].due_on, *msg = NULL;

		if ((rc = refresh_due(db, a, cal, &apps[i], now, cause, &msg)))
			return rc;
		if ((before == NULL) != (apps[i].due_on == NULL) ||
		    (before && apps[i].due_on && strcmp(before, apps[i].due_on) != 0)) {
			apps[i].updated_at = now;
			if ((rc = store_app_update(db, &apps[i])))
				return rc;
			++*changed;
		}
	}
	return 0;
}

int app_calendar_changed(struct db *db, struct arena *a, long long platform_id, const char *now,
			 long long *changed)
{
	struct calendar cal;
	int rc;

	if ((rc = calendar_load(db, a, platform_id, &cal)))
		return rc;
	return app_recompute_all(db, a, &cal, now, "工作日历更新", changed);
}

int app_year_counts(struct db *db, struct arena *a, long long org_id, int year, struct app_year_counts *out)
{
	struct application *apps;
	size_t n;
	char from[11], to[11];
	int rc;

	memset(out, 0, sizeof(*out));
	out->year = year;
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	if ((rc = store_app_for_period(db, a, org_id, from, to, &apps, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct application *p = &apps[i];
		int col = app_applicant_col(p->applicant_type);
		bool closed_in_year = p->closed_on && strcmp(p->closed_on, to) <= 0;

		if (col < 0)
			return ERR_INVALID;
		if (strcmp(p->received_on, from) >= 0)
			out->received[col]++;
		else
			out->carried_in[col]++;
		if (closed_in_year) {
			const struct app_outcome *o = app_outcome_find(p->outcome);

			if (!o)
				return ERR_INVALID;
			out->outcome[o->row][col]++;
			out->concluded[col]++;
		} else {
			out->carried_out[col]++;
		}
	}
	return 0;
}
