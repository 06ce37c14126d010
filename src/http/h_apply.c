/* h_apply.c - the public side of disclosure applications (依申请公开): the
 * online application form (条例第二十九条) and its receipt, the tracking
 * page, and the JSON API for both.
 *
 * Tracking needs the 查询码 and the last four digits of the phone; any
 * mismatch gets one generic message. What tracking shows is the procedure
 * (state, dates, steps, issued letters), never the applicant's personal
 * data: the letters are addressed to the applicant, so the name and
 * contact details are masked in them before rendering. */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "domain/applications/cases.h"
#include "domain/applications/intake.h"
#include "domain/applications/letters.h"
#include "domain/applications/taxonomy.h"
#include "domain/auth/auth.h"
#include "domain/calendar/calendar.h"
#include "domain/catalog/filetype.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "render/markdown.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define MAX_REQUEST_FILES 10
#define TOKEN_MAX 64
#define TRACK_FAIL "查询码或联系电话后四位不正确。"
/* wrong codes per address: 10 in 10 minutes (http_server_start) */
#define TRACK_LIMITED "查询失败次数过多：同一网络10分钟内最多输错10次。"
#define REUSED_MSG "这份表单已经提交过一次，本次内容与之不同。如要另行提出申请，请核对后再次提交。"

/* ---- the applicant's fields: one table for the form and the API ---- */

static const struct app_field {
	const char *name;   /* form field and JSON key */
	size_t off;         /* its member of struct application */
} app_fields[] = {
	{ "applicant_type", offsetof(struct application, applicant_type) },
	{ "name", offsetof(struct application, name) },
	{ "id_kind", offsetof(struct application, id_kind) },
	{ "id_number", offsetof(struct application, id_number) },
	{ "contact_person", offsetof(struct application, contact_person) },
	{ "phone", offsetof(struct application, phone) },
	{ "email", offsetof(struct application, email) },
	{ "address", offsetof(struct application, address) },
	{ "postcode", offsetof(struct application, postcode) },
	{ "info_title", offsetof(struct application, info_title) },
	{ "info_doc_no", offsetof(struct application, info_doc_no) },
	{ "info_desc", offsetof(struct application, info_desc) },
	{ "medium", offsetof(struct application, medium) },
	{ "delivery", offsetof(struct application, delivery) },
};
#define N_FIELDS (sizeof(app_fields) / sizeof(app_fields[0]))

static const char **field_ptr(struct application *app, const struct app_field *f)
{
	return (const char **)(void *)((char *)app + f->off);
}

static const char *field_val(const struct application *app, const struct app_field *f)
{
	const char *s = *(const char *const *)(const void *)((const char *)app + f->off);

	return s ? s : "";
}

static const struct app_field *field_find(const char *name)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (strcmp(app_fields[i].name, name) == 0)
			return &app_fields[i];
	return NULL;
}

/* A new online application from get(cls, field name) (NULL: not given). */
typedef const char *(*field_get_fn)(void *cls, const char *name);

static void app_fill(struct application *app, field_get_fn get, void *cls, const char *token)
{
	memset(app, 0, sizeof(*app));
	for (size_t i = 0; i < N_FIELDS; i++)
		*field_ptr(app, &app_fields[i]) = get(cls, app_fields[i].name);
	app->channel = "online";
	app->evidence = "";
	app->submit_token = token && *token ? token : NULL;
}

/* A form field; browsers send a textarea's line breaks as CRLF: stored as LF. */
static const char *form_get(void *cls, const char *name)
{
	struct req *r = cls;
	const char *v = param_str(r, name);
	char *out, *o;

	if (!v || !strchr(v, '\r') || !(out = arena_strdup(&r->arena, v)))
		return v;
	for (o = out; *v; v++)
		if (!(v[0] == '\r' && v[1] == '\n'))
			*o++ = *v;
	*o = '\0';
	return out;
}

/* ---- shared helpers ---- */

static const char *nz(const char *s)
{
	return s ? s : "";
}

static const char *state_label(const char *code)
{
	const struct app_state *s = app_state_find(code);

	return s ? s->label : nz(code);
}

static const char *outcome_label(const char *code)
{
	const struct app_outcome *o = code ? app_outcome_find(code) : NULL;

	return o ? o->label : nz(code);
}

static const char *event_label(const char *code)
{
	const struct app_action *a;

	if (strcmp(code, "submit") == 0)
		return "提交申请";
	if (strcmp(code, "register") == 0)
		return "登记";
	a = app_action_find(code);
	return a ? a->label : "办理";
}

/* Create the online application app under c (*dup: the token was already
 * used, app is that earlier application). The fields are normalised first
 * (app_create does the same again) so that the earlier application can be
 * compared with this one: when they differ *reused is set, and the caller
 * must not answer with the other application's receipt. ERR_INVALID comes
 * with *msg. */
static int submit(struct app_ctx *c, struct application *app, bool *dup, bool *reused, const char **msg)
{
	struct application mine;
	int rc;

	*reused = false;
	if ((rc = app_validate(c->a, app, c->today, msg)))
		return rc;
	mine = *app;
	if ((rc = app_create(c, app, c->today, 0, dup, msg)))
		return rc;
	for (size_t i = 0; *dup && i < N_FIELDS; i++)
		*reused = *reused || strcmp(field_val(&mine, &app_fields[i]), field_val(app, &app_fields[i])) != 0;
	return 0;
}

/* The application with this 查询码 and second factor (org_id 0: of any
 * org); ERR_NOT_FOUND for any mismatch, whichever part it is. */
static int track_lookup(struct req *r, long long org_id, const char *code, const char *check,
			struct application *app)
{
	char norm[13];
	struct str c = str_trim(str_c(check));
	bool ok;
	int rc;

	if (!code || !app_tracking_code_normalize(code, norm))
		return ERR_NOT_FOUND;
	rc = store_app_by_code(req_db(r), &r->arena, norm, app);
	if (rc)
		return rc;
	ok = c.n == 4 && app->check_digits && strlen(app->check_digits) == 4;
	/* constant time: the digits are a secret */
	ok = ok && sodium_memcmp(c.p, app->check_digits, 4) == 0;
	if (!ok || (org_id && app->org_id != org_id))
		return ERR_NOT_FOUND;
	return 0;
}

/* ---- uploads ---- */

struct accepted {
	struct upload *u;
	const char *name;
	struct filetype ft;
};

/* Check the "files" uploads (in the order chosen). ERR_INVALID with *msg. */
static int check_uploads(struct req *r, struct accepted *out, size_t *n, const char **msg)
{
	struct upload *list[MAX_REQUEST_FILES];
	size_t k = 0;

	for (struct upload *u = r->uploads; u; u = u->next) {
		if (strcmp(u->field, "files") != 0 || u->size <= 0)
			continue;
		if (k == MAX_REQUEST_FILES) {
			*msg = arena_printf(&r->arena, "附件最多 %d 个。", MAX_REQUEST_FILES);
			return ERR_INVALID;
		}
		list[k++] = u;
	}
	*n = 0;
	while (k > 0) {
		struct upload *u = list[--k];  /* r->uploads is newest first */
		const char *base = strrchr(u->filename, '/'), *m;

		base = base ? base + 1 : u->filename;
		if (strrchr(base, '\\'))
			base = strrchr(base, '\\') + 1;
		if (!*base || !utf8_valid(base, strlen(base)) || utf8_len(base, strlen(base)) > 200) {
			*msg = "附件的文件名无效或过长。请重新选择附件。";
			return ERR_INVALID;
		}
		if (filetype_check(u->path, base, &out[*n].ft, &m)) {
			*msg = arena_printf(&r->arena, "附件“%s”：%s请重新选择附件。", base, m);
			return *msg ? ERR_INVALID : ERR_NOMEM;
		}
		out[*n].u = u;
		out[(*n)++].name = base;
	}
	return 0;
}

static int store_files(struct req *r, const struct app_ctx *c, const struct application *app,
		       const struct accepted *files, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	if ((rc = db_begin(req_db(r))))
		return rc;
	for (size_t i = 0; i < n; i++) {
		char hex[65];
		struct app_file f = { .org_id = app->org_id, .application_id = app->id, .role = "request",
				      .filename = files[i].name, .mime = files[i].ft.mime, .size = files[i].u->size,
				      .sha256 = hex, .created_at = c->now };

		if ((rc = req_store_upload(r, files[i].u, hex)) || (rc = store_app_file_insert(req_db(r), &f))) {
			db_rollback(req_db(r));
			return rc;
		}
	}
	if ((rc = db_commit(req_db(r))))
		db_rollback(req_db(r));
	return rc;
}

/* ---- the form and the receipt ---- */

static void put_options(struct tv *ctx, const char *key, const char *const *vals, size_t n, const char *sel)
{
	struct tv *list = tv_set_list(ctx, key);

	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "value", vals[i]);
		tv_set_bool(m, "selected", sel && strcmp(sel, vals[i]) == 0);
	}
}

/* The form with what was entered (the POST's fields; none on GET). A new
 * token unless the POST brought one and keep_token. */
static int apply_page(struct req *r, int status, const char *error, bool keep_token)
{
	struct tv *ctx = page_ctx(r, "政府信息公开申请"), *v = tv_set_map(ctx, "v");
	struct tv *tp = tv_set_list(ctx, "types_person"), *to = tv_set_list(ctx, "types_org");
	struct tv *kp = tv_set_list(ctx, "kinds_person"), *ko = tv_set_list(ctx, "kinds_org");
	const char *type = param_str(r, "applicant_type"), *kind = param_str(r, "id_kind");
	const char *token = keep_token ? param_str(r, "token") : NULL;
	const struct app_channel *online = app_channel_find("online");

	if (!token && auth_random_token(&r->arena, 32, &token))
		return respond_server_error(r, ERR_NOMEM);
	tv_set_str(ctx, "token", token);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "receipt_rule", online ? online->rule_text : "");
	tv_set_int(ctx, "reply_days", APP_REPLY_DAYS);
	for (size_t i = 0; i < N_FIELDS; i++)
		tv_set_str(v, app_fields[i].name, param_str(r, app_fields[i].name));
	for (size_t i = 0; i < APP_COLS; i++) {
		struct tv *m = tv_list_push_map(app_applicant_types[i].person ? tp : to);

		tv_set_str(m, "code", app_applicant_types[i].code);
		tv_set_str(m, "label", app_applicant_types[i].label);
		tv_set_bool(m, "selected", type && strcmp(type, app_applicant_types[i].code) == 0);
	}
	/* 其他证件 fits both kinds of applicant: after the two groups */
	for (size_t i = 0; i < app_id_kinds_count; i++) {
		const char *label = app_id_kinds[i].label;
		bool other = strcmp(label, "其他证件") == 0;
		struct tv *m = other ? tv_set_map(ctx, "kind_other") : tv_list_push_map(app_id_kinds[i].person ? kp : ko);

		tv_set_str(m, "value", label);
		tv_set_bool(m, "selected", kind && strcmp(kind, label) == 0);
	}
	put_options(ctx, "media", app_media, app_media_count, param_str(r, "medium"));
	put_options(ctx, "deliveries", app_deliveries, app_deliveries_count, param_str(r, "delivery"));
	return respond_html(r, status, "apply", ctx);
}

int h_apply_form(struct req *r)
{
	return apply_page(r, 200, NULL, false);
}

static int receipt_page(struct req *r, const struct application *app, bool dup, size_t nfiles, bool files_failed)
{
	struct tv *ctx = page_ctx(r, "申请回执");
	bool provisional = strcmp(app->state, "submitted") == 0;

	tv_set_bool(ctx, "duplicate", dup);
	tv_set_str(ctx, "serial", app->serial);
	tv_set_str(ctx, "tracking_code", app->tracking_code);
	tv_set_str(ctx, "submitted_on", app->submitted_on);
	tv_set_str(ctx, "received_on", app->received_on);
	tv_set_bool(ctx, "provisional", provisional);
	tv_set_str(ctx, "state_label", state_label(app->state));
	tv_set_str(ctx, "due_on", app->due_on);
	tv_set_str(ctx, "due_error", app->due_error);
	tv_set_int(ctx, "reply_days", APP_REPLY_DAYS);
	tv_set_int(ctx, "nfiles", (long long)nfiles);
	tv_set_bool(ctx, "files_failed", files_failed);
	tv_set_str(ctx, "info_title", app->info_title);
	tv_set_str(ctx, "info_doc_no", app->info_doc_no);
	tv_set_str(ctx, "info_desc", app->info_desc);
	return respond_html(r, 200, "apply_receipt", ctx);
}

int h_apply_submit(struct req *r)
{
	struct application app;
	struct app_ctx c;
	struct calendar cal;
	struct accepted files[MAX_REQUEST_FILES];
	size_t nfiles = 0;
	bool dup = false, reused = false, failed = false;
	const char *msg = NULL;
	int rc;

	if (!req_rate_ok_or_respond(r, r->app->limits.apply, true,
				    "提交过于频繁：同一网络10分钟内最多提交30次申请表。"))
		return 0;
	app_fill(&app, form_get, r, param_str(r, "token"));
	if ((rc = check_uploads(r, files, &nfiles, &msg)))
		return rc == ERR_INVALID ? apply_page(r, 400, msg, true) : respond_server_error(r, rc);
	if ((rc = req_app_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = submit(&c, &app, &dup, &reused, &msg);
	if (rc == ERR_INVALID)
		return apply_page(r, 400, msg, true);
	if (rc)
		return respond_server_error(r, rc);
	if (reused)
		return apply_page(r, 409, REUSED_MSG, false);
	if (!dup && (rc = store_files(r, &c, &app, files, nfiles))) {
		log_error("application %lld: request files not stored: %s", app.id, err_name(rc));
		failed = true;
	}
	if (!dup)
		log_info("application %lld (%s) submitted online to %s, %zu files", app.id, app.serial, r->org.slug,
			 nfiles);
	return receipt_page(r, &app, dup, dup ? 0 : nfiles, failed);
}

/* ---- tracking ---- */

/* s with every occurrence of from replaced by to (s itself when none). */
static const char *replace_all(struct arena *a, const char *s, const char *from, const char *to)
{
	size_t fn = strlen(from), tn = strlen(to);
	const char *p = s, *hit;
	struct buf b;

	if (fn == 0 || !strstr(s, from))
		return s;
	buf_init(&b, a, 64 * 1024 * 1024);
	while ((hit = strstr(p, from))) {
		buf_append(&b, p, (size_t)(hit - p));
		buf_append(&b, to, tn);
		p = hit + fn;
	}
	buf_puts(&b, p);
	return b.err ? NULL : buf_cstr(&b);
}

/* A letter's Markdown with the applicant's name and contact details masked
 * (as written and as letters.c escapes them); NULL on ERR_NOMEM. */
static const char *mask_letter(struct arena *a, const struct application *app, const char *md)
{
	const struct {
		const char *val;
		const char *(*mask)(struct arena *, const char *);
	} pii[] = {
		{ app->address, app_mask_address }, { app->email, app_mask_email },
		{ app->id_number, app_mask_id },    { app->phone, app_mask_phone },
		{ app->contact_person, app_mask_name }, { app->name, app_mask_name },
	};

	for (size_t i = 0; md && i < sizeof(pii) / sizeof(pii[0]); i++) {
		const char *v = pii[i].val, *masked, *esc;

		if (!v || !*v)
			continue;
		if (!(masked = pii[i].mask(a, v)) || !(masked = letter_md_escape(a, masked)) ||
		    !(esc = letter_md_escape(a, v)))
			return NULL;
		md = replace_all(a, md, esc, masked);
		if (md && strcmp(esc, v) != 0)
			md = replace_all(a, md, v, masked);
	}
	return md;
}

static int put_track(struct req *r, struct tv *ctx, const struct application *app)
{
	struct tv *m = tv_set_map(ctx, "app"), *el, *ll;
	struct app_event *ev;
	struct app_letter *lt;
	const struct app_state *st = app_state_find(app->state);
	size_t n, nl;
	int rc;

	tv_set_str(m, "serial", app->serial);
	tv_set_str(m, "info_title", app->info_title);
	tv_set_str(m, "info_doc_no", app->info_doc_no);
	tv_set_str(m, "info_desc", app->info_desc);
	tv_set_str(m, "state_label", state_label(app->state));
	tv_set_bool(m, "provisional", strcmp(app->state, "submitted") == 0);
	tv_set_bool(m, "paused", st && st->clock_stopped);
	tv_set_str(m, "received_on", app->received_on);
	tv_set_str(m, "due_on", app->due_on);
	tv_set_str(m, "due_error", app->due_error);
	tv_set_bool(m, "extended", app->extended);
	tv_set_str(m, "closed_on", app->closed_on);
	tv_set_str(m, "outcome_label", app->outcome ? outcome_label(app->outcome) : NULL);
	if ((rc = store_app_events(req_db(r), &r->arena, app->org_id, app->id, &ev, &n)))
		return rc;
	el = tv_set_list(m, "events");
	for (size_t i = 0; i < n; i++) {
		struct tv *e = tv_list_push_map(el);

		tv_set_str(e, "label", event_label(ev[i].action));
		tv_set_str(e, "day", ev[i].day);
	}
	if ((rc = store_app_letters(req_db(r), &r->arena, app->org_id, app->id, &lt, &nl)))
		return rc;
	ll = tv_set_list(m, "letters");
	for (size_t i = 0; i < nl; i++) {
		struct safe_html body;
		const char *md, *sign;
		struct tv *l, *sl;

		/* issued letters to the applicant; a consultation goes to a third party */
		if (strcmp(lt[i].status, "issued") != 0 || strcmp(lt[i].kind, "consult") == 0)
			continue;
		if (!(md = mask_letter(&r->arena, app, lt[i].body_md)))
			return ERR_NOMEM;
		if ((rc = markdown_to_html(&r->arena, md, strlen(md), &body)))
			return rc;
		l = tv_list_push_map(ll);
		tv_set_str(l, "title", lt[i].title);
		tv_set_str(l, "doc_no", lt[i].doc_no);
		tv_set_str(l, "issued_on", lt[i].issued_on);
		tv_set_html(l, "body", body);
		/* the sign lines: the agency and the date */
		sign = lt[i].issued_on ? letter_sign_lines(&r->arena, r->org.name, lt[i].issued_on) : NULL;
		sl = tv_set_list(l, "sign");
		while (sign && *sign) {
			size_t k = strcspn(sign, "\n");

			tv_list_push_strn(sl, sign, k);
			sign += k + (sign[k] == '\n');
		}
		tv_set_bool(m, "has_letters", true);
	}
	return 0;
}

static int track_page(struct req *r, int status, const char *error, const struct application *app)
{
	struct tv *ctx = page_ctx(r, "申请查询");
	int rc;

	tv_set_str(ctx, "error", error);
	if (app && (rc = put_track(r, ctx, app)))
		return respond_server_error(r, rc);
	if (!app)
		tv_set_str(ctx, "code", param_str(r, "code"));
	return respond_html(r, status, "track", ctx);
}

int h_track_form(struct req *r)
{
	return track_page(r, 200, NULL, NULL);
}

int h_track(struct req *r)
{
	struct application app;
	int rc;

	if (!req_rate_ok_or_respond(r, r->app->limits.track, false, TRACK_LIMITED))
		return 0;
	rc = track_lookup(r, r->org.id, param_str(r, "code"), param_str(r, "check"), &app);
	if (rc == ERR_NOT_FOUND) {
		ratelimit_count(r->app->limits.track, r->ip, time(NULL));
		return track_page(r, 404, TRACK_FAIL, NULL);
	}
	if (rc)
		return respond_server_error(r, rc);
	return track_page(r, 200, NULL, &app);
}

/* ---- JSON API ---- */

static int send_json(struct req *r, int status, json_t *j)
{
	char *s;
	int rc;

	if (!j)
		return respond_error(r, 500, "服务器内部错误。");
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return respond_error(r, 500, "服务器内部错误。");
	rc = respond_json(r, status, s);
	free(s);
	return rc;
}

/* {"error":{"status","message"}} as respond_error writes it, for messages
 * that may carry any text (properly escaped here). */
static int api_error(struct req *r, int status, const char *msg)
{
	return send_json(r, status, json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", msg));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A JSON key fit to quote in a message. */
static bool key_printable(const char *k)
{
	size_t n = strlen(k);

	return n > 0 && n <= 40 && strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

struct json_src {
	struct arena *a;
	json_t *obj;
};

static const char *json_get(void *cls, const char *name)
{
	struct json_src *s = cls;
	json_t *v = json_object_get(s->obj, name);

	return json_is_string(v) ? arena_strdup(s->a, json_string_value(v)) : NULL;
}

/* The body's fields into app, or a message for the first bad one. */
static const char *api_body(struct req *r, struct application *app)
{
	json_error_t jerr;
	json_t *body, *v;
	const char *key, *token = NULL, *msg = NULL;

	body = json_loadb(r->json && r->json->p ? r->json->p : "", r->json ? r->json->n : 0, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!body)
		return "请求内容不是有效的 JSON。";
	if (!json_is_object(body))
		msg = "请求内容应为 JSON 对象。";
	json_object_foreach(body, key, v) {
		if (msg)
			break;
		if (!field_find(key) && strcmp(key, "submit_token") != 0)
			msg = key_printable(key) ? arena_printf(&r->arena, "未知字段“%s”。", key) : "请求含有未知字段。";
		else if (!json_is_string(v))
			msg = arena_printf(&r->arena, "字段“%s”应为字符串。", key);
	}
	if (!msg && (v = json_object_get(body, "submit_token"))) {
		const char *t = json_string_value(v);
		size_t n = strlen(t);

		for (size_t i = 0; i < n && !msg; i++)
			if ((unsigned char)t[i] < 0x20 || t[i] == 0x7F)
				msg = "submit_token 不能包含控制字符。";
		if (!msg && utf8_len(t, n) > TOKEN_MAX)
			msg = "submit_token 过长（不超过 64 个字符）。";
		if (!msg && !(token = arena_strdup(&r->arena, t)))
			msg = "服务器内部错误。";
	}
	if (!msg)
		app_fill(app, json_get, &(struct json_src){ &r->arena, body }, token);
	json_decref(body);
	return msg;
}

int h_api_apply(struct req *r)
{
	struct application app;
	struct app_ctx c;
	struct calendar cal;
	bool dup = false, reused = false;
	const char *msg = api_body(r, &app);
	json_t *j;
	int rc;

	if (msg)
		return api_error(r, 400, msg);
	if ((rc = req_app_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = submit(&c, &app, &dup, &reused, &msg);
	if (rc == ERR_INVALID)
		return api_error(r, 400, msg ? msg : "申请内容无效。");
	if (rc)
		return respond_server_error(r, rc);
	if (reused)
		return api_error(r, 409, "submit_token 已用于另一份内容不同的申请。");
	if (!dup)
		log_info("application %lld (%s) submitted by API to %s", app.id, app.serial, r->org.slug);
	j = json_object();
	json_object_set_new(j, "id", json_integer(app.id));
	json_object_set_new(j, "serial", json_string(app.serial));
	json_object_set_new(j, "tracking_code", json_string(app.tracking_code));
	json_object_set_new(j, "received_on", json_string(app.received_on));
	json_object_set_new(j, "due_on", str_or_null(app.due_on));
	if (!app.due_on)
		json_object_set_new(j, "due_error", json_string(nz(app.due_error)));
	return send_json(r, dup ? 200 : 201, j);
}

int h_api_track(struct req *r)
{
	struct application app;
	struct app_event *ev;
	size_t n;
	json_t *j, *el;
	int rc;

	if (!req_rate_ok_or_respond(r, r->app->limits.track, false, TRACK_LIMITED))
		return 0;
	rc = track_lookup(r, 0, param_str(r, "code"), param_str(r, "check"), &app);
	if (rc == ERR_NOT_FOUND) {
		ratelimit_count(r->app->limits.track, r->ip, time(NULL));
		return api_error(r, 404, TRACK_FAIL);
	}
	if (rc || (rc = store_app_events(req_db(r), &r->arena, app.org_id, app.id, &ev, &n)))
		return respond_server_error(r, rc);
	j = json_object();
	json_object_set_new(j, "serial", json_string(app.serial));
	json_object_set_new(j, "state", json_string(app.state));
	json_object_set_new(j, "state_label", json_string(state_label(app.state)));
	json_object_set_new(j, "received_on", json_string(app.received_on));
	json_object_set_new(j, "due_on", str_or_null(app.due_on));
	if (!app.due_on)
		json_object_set_new(j, "due_error", json_string(nz(app.due_error)));
	json_object_set_new(j, "extended", json_boolean(app.extended));
	json_object_set_new(j, "closed_on", str_or_null(app.closed_on));
	json_object_set_new(j, "outcome", str_or_null(app.outcome));
	json_object_set_new(j, "outcome_label", app.outcome ? json_string(outcome_label(app.outcome)) : json_null());
	el = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(el, json_pack("{s:s,s:s,s:s}", "action", ev[i].action, "label",
						    event_label(ev[i].action), "day", ev[i].day));
	json_object_set_new(j, "events", el);
	return send_json(r, 200, j);
}
