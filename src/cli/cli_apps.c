/* cli_apps.c - load disclosure applications with their procedure from a
 * JSON file (the demo's applications.json; also the way to bring an
 * agency's earlier cases over from spreadsheets).
 *
 * The file is an array of objects: the applicant's fields (names as in
 * struct application: applicant_type, name, id_kind, id_number,
 * contact_person, phone, email, address, postcode, info_title,
 * info_doc_no, info_desc, medium, delivery), channel, arrived and
 * confirmed (YYYY-MM-DD), evidence, and "actions": an array of {action,
 * day, reason, party, days, approver, outcome, basis, fee_standard,
 * fee_units}. Each application goes through app_create and each action
 * through app_act exactly as staff would do it on the web pages, with
 * "today" set to the day of the step, so the same checks apply and the
 * same events, due-date history and letters result. */
#include "cli/cli.h"

#include <jansson.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "domain/applications/cases.h"
#include "domain/calendar/calendar.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

static const char *jstr(struct arena *a, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static long jday(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	long d = 0;

	if (!json_is_string(v) || date_parse(json_string_value(v), strlen(json_string_value(v)), &d))
		return 0;
	return d;
}

static int load_one(struct app_ctx *c, json_t *o, size_t idx, const char *path)
{
	struct application app = { 0 };
	const char *msg = NULL;
	json_t *acts = json_object_get(o, "actions"), *x;
	long arrived = jday(o, "arrived");
	bool dup;
	size_t i;
	int rc;

#define F(k) app.k = jstr(c->a, o, #k)
	F(applicant_type); F(name); F(id_kind); F(id_number); F(contact_person); F(phone); F(email);
	F(address); F(postcode); F(info_title); F(info_doc_no); F(info_desc); F(medium); F(delivery);
	F(channel); F(evidence);
#undef F
	if (!arrived)
		return cli_fail("%s 第 %zu 件：缺少到达日期 arrived", path, idx + 1);
	c->today = jday(o, "confirmed") > arrived ? jday(o, "confirmed") : arrived;
	if ((rc = app_create(c, &app, arrived, jday(o, "confirmed"), &dup, &msg)))
		return cli_fail("%s 第 %zu 件：%s", path, idx + 1, msg ? msg : cli_err_text(rc));
	json_array_foreach(acts, i, x) {
		struct app_act_input in = {
			.action = jstr(c->a, x, "action"),
			.version = app.version,
			.day = jday(x, "day"),
			.reason = jstr(c->a, x, "reason"),
			.party = jstr(c->a, x, "party"),
			.days = (int)json_integer_value(json_object_get(x, "days")),
			.approver = jstr(c->a, x, "approver"),
			.outcome = jstr(c->a, x, "outcome"),
			.basis = jstr(c->a, x, "basis"),
			.fee_standard = (int)json_integer_value(json_object_get(x, "fee_standard")),
			.fee_units = json_integer_value(json_object_get(x, "fee_units")),
		};
		long long letter;

		if (!in.day)
			return cli_fail("%s 第 %zu 件第 %zu 步：缺少日期 day", path, idx + 1, i + 1);
		c->today = in.day;
		if ((rc = app_act(c, app.id, &in, &app, &letter, &msg)))
			return cli_fail("%s 第 %zu 件第 %zu 步（%s）：%s", path, idx + 1, i + 1,
					in.action ? in.action : "?", msg ? msg : cli_err_text(rc));
	}
	return 0;
}

int cli_apps_load(struct db *db, struct arena *a, const struct org *org, long long user_id, const char *actor,
		  const char *path, long long *count)
{
	struct org platform;
	struct calendar cal;
	json_error_t jerr;
	json_t *root, *o;
	char now[21];
	size_t i;
	int rc = CLI_OK;

	*count = 0;
	if (store_org_platform(db, a, &platform) || calendar_load(db, a, platform.id, &cal))
		return cli_fail("读取工作日历失败");
	if (!(root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)))
		return cli_fail("%s 第 %d 行：%s", path, jerr.line, jerr.text);
	if (!json_is_array(root)) {
		json_decref(root);
		return cli_fail("%s：应为申请的数组", path);
	}
	cli_now(now);
	struct app_ctx c = { .db = db, .a = a, .cal = &cal, .org = org, .user_id = user_id, .actor = actor,
			     .now = now };

	json_array_foreach(root, i, o) {
		if (!json_is_object(o) || load_one(&c, o, i, path)) {
			if (!json_is_object(o))
				cli_fail("%s 第 %zu 件：应为对象", path, i + 1);
			rc = CLI_FAIL;
			break;
		}
		++*count;
	}
	json_decref(root);
	return rc;
}
