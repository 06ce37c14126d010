/* h_interactions.c - the pages of public interaction (政民互动).
 *
 * Public: the 领导信箱 / 网上咨询 form (/o/{org}/mailbox) with its receipt
 * and 查询码, the tracking page (/o/{org}/mailbox/track: the code and the
 * last four digits of the phone), and the published questions and answers
 * (/o/{org}/qa), which show only the public version: never a name, phone
 * or e-mail.
 *
 * The form keeps scripts out three ways: a small sum to work out ("3 加 4
 * 等于几？") whose answer is bound to the form by an HMAC (libsodium
 * crypto_auth) over the org, the time the form was made, its one-time
 * token and the answer; a minimum time between making the form and
 * sending it; and a limit per client address (5 stored letters and 20
 * attempts in 10 minutes, 429 beyond: struct app's limits, see
 * http/ratelimit.h). The HMAC key is the installation's (the meta table,
 * store_meta_secret), read once per process: a form made by one server
 * process is accepted by another on the same database, and by the same
 * one after a restart. The counts are per process: they live as long as
 * it does and each of several processes counts apart; behind a reverse
 * proxy every client has the proxy's address.
 *
 * Staff: the dashboard by due date with filters, counts and CSV import and
 * export; registering a letter or call; the case page with the assign,
 * reply, close and publish forms; the channels and their limits. The
 * rules are in domain/registers/interactions; these handlers read forms
 * and show records. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/applications/intake.h"
#include "domain/auth/auth.h"
#include "domain/calendar/calendar.h"
#include "domain/registers/interactions.h"
#include "domain/registers/registers.h"
#include "http/case_access.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "http/view.h"
#include "render/tmpl.h"
#include "store/interaction.h"
#include "store/store.h"
#include "core/banned.h"

#define PER_PAGE 30
#define QA_PER_PAGE 20
#define FILL_MIN_SECONDS 3          /* a person needs longer than this to fill in the form */
#define FORM_MAX_AGE (12 * 3600)    /* a form older than this must be answered again */
#define MAILBOX_LIMITED "提交过于频繁：同一网络10分钟内最多提交5封来信。"
#define TRACK_FAIL "查询码或联系电话后四位不正确。"
#define REUSED_MSG "这份表单已经提交过一次，本次内容与之不同。如要另写一封来信，请核对后再次提交。"

/* ---- shared helpers ---- */

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

/* A form field; browsers send a textarea's line breaks as CRLF: LF here. */
static const char *form_text(struct req *r, const char *name)
{
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


/* The first max characters of s, with "…" when cut. */
static const char *clip(struct req *r, const char *s, size_t max)
{
	const char *p = s, *end = s + strlen(s);

	for (size_t i = 0; i < max && p < end; i++)
		utf8_next(&p, end);
	return p < end ? arena_printf(&r->arena, "%.*s…", (int)(p - s), s) : s;
}

static const char *kind_label(const char *code)
{
	const struct ia_kind *k = ia_kind_find(code);

	return k ? k->label : code;
}

static const char *state_label(const char *code)
{
	const struct ia_state *s = ia_state_find(code);

	return s ? s->label : code;
}

/* Who acts, in this org, over the platform's calendar, today. */
static int ia_ctx(struct req *r, struct ia_ctx *c, struct calendar *cal)
{
	struct org platform;
	char *now = arena_alloc(&r->arena, 21);
	int rc;

	if (!now)
		return ERR_NOMEM;
	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) ||
	    (rc = calendar_load(req_db(r), &r->arena, platform.id, cal)))
		return rc;
	time_format_utc(time(NULL), now);
	*c = (struct ia_ctx){
		.db = req_db(r),
		.a = &r->arena,
		.cal = cal,
		.org = &r->org,
		.user_id = r->staff ? r->user.id : 0,
		.actor = r->staff ? (*r->user.display_name ? r->user.display_name : r->user.username) : "来信人",
		.today = date_today_cn(),
		.now = now,
	};
	return 0;
}

/* The kinds as select options, cur selected. */
static void kind_options(struct tv *ctx, const char *cur)
{
	struct tv *l = tv_set_list(ctx, "kinds");

	for (size_t i = 0; i < IA_KINDS; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", ia_kinds[i].code);
		tv_set_str(m, "label", ia_kinds[i].label);
		tv_set_bool(m, "selected", cur && strcmp(cur, ia_kinds[i].code) == 0);
	}
}

/* The channels as select options (only those offered on the public form
 * when public_only; inactive ones never), cur selected; how many. */
static size_t channel_options(struct tv *ctx, const struct ia_channel *chs, size_t n, bool public_only,
			      long long cur)
{
	struct tv *l = tv_set_list(ctx, "channels");
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct tv *m;

		if (!chs[i].active || (public_only && !chs[i].public_form))
			continue;
		m = tv_list_push_map(l);
		tv_set_int(m, "value", chs[i].id);
		tv_set_str(m, "label", chs[i].name);
		tv_set_bool(m, "selected", cur == chs[i].id);
		k++;
	}
	return k;
}

/* ---- the public form's defences ---- */

static unsigned char mac_key[crypto_auth_KEYBYTES];
static bool mac_loaded;
static pthread_mutex_t mac_mu = PTHREAD_MUTEX_INITIALIZER;

/* The installation's key, from the database the first time (a new one
 * stored when there is none); it never changes afterwards. */
static int mac_key_load(struct req *r)
{
	unsigned char fresh[crypto_auth_KEYBYTES];
	char hex[2 * crypto_auth_KEYBYTES + 1];
	const char *got;
	size_t n = 0;
	int rc = 0;

	pthread_mutex_lock(&mac_mu);
	if (!mac_loaded) {
		crypto_auth_keygen(fresh);
		hex_encode(fresh, sizeof(fresh), hex);
		sodium_memzero(fresh, sizeof(fresh));
		if (!(rc = store_meta_secret(req_db(r), &r->arena, "mailbox_form_key", hex, &got))) {
			if (sodium_hex2bin(mac_key, sizeof(mac_key), got, strlen(got), NULL, &n, NULL) != 0 ||
			    n != sizeof(mac_key))
				rc = err_log(ERR_DB, "mailbox: the stored form key is not %zu hex bytes", sizeof(mac_key));
			else
				mac_loaded = true;
		}
	}
	pthread_mutex_unlock(&mac_mu);
	return rc;
}

/* The HMAC binding a form of org, made at ts with token nonce, to answer. */
static int challenge_mac(struct req *r, long long ts, const char *nonce, long long answer,
			 unsigned char out[crypto_auth_BYTES])
{
	char msg[160];
	int n = snprintf(msg, sizeof(msg), "ia|%lld|%lld|%s|%lld", r->org.id, ts, nonce, answer);
	int rc;

	if ((rc = mac_key_load(r)))
		return rc;
	crypto_auth(out, (const unsigned char *)msg, (unsigned long long)n, mac_key);
	return 0;
}

/* A new sum for the form with token nonce: "TS.NONCE.MAC" into *challenge
 * and the question into *question (arena). */
static int challenge_new(struct req *r, const char *nonce, const char **challenge, const char **question)
{
	long long a = 1 + (long long)randombytes_uniform(9), b = 1 + (long long)randombytes_uniform(9);
	long long ts = (long long)time(NULL);
	unsigned char mac[crypto_auth_BYTES];
	char hex[2 * crypto_auth_BYTES + 1];
	int rc;

	if ((rc = challenge_mac(r, ts, nonce, a + b, mac)))
		return rc;
	hex_encode(mac, sizeof(mac), hex);
	*challenge = arena_printf(&r->arena, "%lld.%s.%s", ts, nonce, hex);
	*question = arena_printf(&r->arena, "%lld 加 %lld 等于几？", a, b);
	return *challenge && *question ? 0 : ERR_NOMEM;
}

/* A typed answer: 1-3 digits, ASCII or full-width, spaces around. */
static bool answer_parse(const char *s, long long *v)
{
	int k = 0;

	*v = 0;
	for (const char *p = s ? s : ""; *p;) {
		if (*p == ' ') {
			p++;
		} else if (*p >= '0' && *p <= '9') {
			*v = *v * 10 + (*p++ - '0');
			k++;
		} else if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] >= 0x90 &&
			   (unsigned char)p[2] <= 0x99) {
			*v = *v * 10 + ((unsigned char)p[2] - 0x90);
			p += 3;
			k++;
		} else {
			return false;
		}
	}
	return k >= 1 && k <= 3;
}

/* Check the posted challenge and answer. *nonce is the form's token when
 * the challenge is well formed (to keep on the form shown again), else
 * NULL. 0, or ERR_INVALID with *msg (another err: the key could not be
 * read). */
static int challenge_check(struct req *r, const char **nonce, const char **msg)
{
	const char *ch = param_str(r, "challenge"), *dot1, *dot2;
	unsigned char mac[crypto_auth_BYTES], want[crypto_auth_BYTES];
	long long ts, answer, age;
	size_t maclen = 0;
	int rc;

	*nonce = NULL;
	*msg = "表单已失效，请重新填写验证问题后提交。";
	if (!ch || !(dot1 = strchr(ch, '.')) || !(dot2 = strchr(dot1 + 1, '.')) || dot2 - dot1 - 1 != 32 ||
	    strspn(dot1 + 1, "0123456789abcdef") < 32 || num_parse(ch, (size_t)(dot1 - ch), 0, 1LL << 40, &ts) ||
	    sodium_hex2bin(mac, sizeof(mac), dot2 + 1, strlen(dot2 + 1), NULL, &maclen, NULL) != 0 ||
	    maclen != sizeof(mac))
		return ERR_INVALID;
	if (!(*nonce = arena_strndup(&r->arena, dot1 + 1, 32)))
		return ERR_NOMEM;
	age = (long long)time(NULL) - ts;
	if (age < 0 || age > FORM_MAX_AGE)
		return ERR_INVALID;
	if (!answer_parse(param_str(r, "answer"), &answer)) {
		*msg = "请用阿拉伯数字填写验证问题的答案。";
		return ERR_INVALID;
	}
	if ((rc = challenge_mac(r, ts, *nonce, answer, want)))
		return rc;
	if (sodium_memcmp(mac, want, sizeof(mac)) != 0) {
		*msg = "验证问题的答案不正确，请重新计算后填写。";
		return ERR_INVALID;
	}
	if (age < FILL_MIN_SECONDS) {
		*msg = "提交过快，请核对填写的内容后再提交。";
		return ERR_INVALID;
	}
	return 0;
}

/* ---- the public form and its receipt ---- */

/* The form with what was posted (none on GET); nonce: the form's token to
 * keep (NULL: a new one). */
static int mailbox_page(struct req *r, int status, const char *error, const char *nonce)
{
	struct tv *ctx = page_ctx(r, "领导信箱 · 网上咨询"), *v = tv_set_map(ctx, "v");
	struct ia_channel *chs;
	struct ia_ctx c;
	struct calendar cal;
	const char *challenge, *question;
	size_t n;
	int rc;

	if ((rc = ia_ctx(r, &c, &cal)) || (rc = ia_channels(req_db(r), &r->arena, r->org.id, c.now, &chs, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	if (channel_options(ctx, chs, n, true, param_int(r, "channel", 0)) == 0) {
		tv_set_bool(ctx, "closed", true);
		return respond_html(r, status, "interactions_mailbox", ctx);
	}
	tv_set_bool(ctx, "form", true);
	if (!nonce) {
		unsigned char rnd[16];
		char hex[33];

		randombytes_buf(rnd, sizeof(rnd));
		hex_encode(rnd, sizeof(rnd), hex);
		nonce = arena_strdup(&r->arena, hex);
	}
	if (!nonce || (rc = challenge_new(r, nonce, &challenge, &question)))
		return respond_server_error(r, ERR_NOMEM);
	tv_set_str(ctx, "challenge", challenge);
	tv_set_str(ctx, "question", question);
	kind_options(ctx, param_str(r, "kind"));
	tv_set_str(v, "subject", param_str(r, "subject"));
	tv_set_str(v, "content", param_str(r, "content"));
	tv_set_str(v, "name", param_str(r, "name"));
	tv_set_str(v, "phone", param_str(r, "phone"));
	tv_set_str(v, "email", param_str(r, "email"));
	tv_set_bool(v, "consent", param_str(r, "consent") != NULL);
	{
		struct tv *lim = tv_set_list(ctx, "limits");

		for (size_t i = 0; i < n; i++) {
			struct tv *m;

			if (!chs[i].active || !chs[i].public_form)
				continue;
			m = tv_list_push_map(lim);
			tv_set_str(m, "name", chs[i].name);
			tv_set_str(m, "limit",
				   arena_printf(&r->arena, "%d%s", chs[i].due_n, ia_unit_label(chs[i].due_unit)));
		}
	}
	return respond_html(r, status, "interactions_mailbox", ctx);
}

int h_ia_mailbox_form(struct req *r)
{
	return mailbox_page(r, 200, NULL, NULL);
}

static int receipt_page(struct req *r, const struct interaction *it, bool dup)
{
	struct tv *ctx = page_ctx(r, "来信回执"), *m = tv_set_map(ctx, "receipt");

	tv_set_bool(m, "duplicate", dup);
	tv_set_str(m, "tracking_code", it->tracking_code);
	tv_set_str(m, "received_on", it->received_on);
	tv_set_str(m, "channel", it->channel);
	tv_set_str(m, "kind", kind_label(it->kind));
	tv_set_str(m, "subject", it->subject);
	tv_set_str(m, "due_on", it->due_on);
	tv_set_str(m, "due_error", it->due_error);
	tv_set_str(m, "limit", arena_printf(&r->arena, "%d%s", it->due_n, ia_unit_label(it->due_unit)));
	tv_set_bool(m, "consent", it->consent);
	return respond_html(r, 200, "interactions_mailbox", ctx);
}

static bool same_text(const char *a, const char *b)
{
	struct str x = str_trim(str_c(a)), y = str_trim(str_c(b));

	return str_eq(x, y);
}

int h_ia_mailbox_submit(struct req *r)
{
	struct interaction it = {
		.channel_id = param_int(r, "channel", 0),
		.kind = param_str(r, "kind"),
		.subject = param_str(r, "subject"),
		.content = form_text(r, "content"),
		.name = param_str(r, "name"),
		.phone = param_str(r, "phone"),
		.email = param_str(r, "email"),
		.consent = param_str(r, "consent") != NULL,
	}, mine;
	struct ia_ctx c;
	struct calendar cal;
	const char *nonce = NULL, *msg = NULL;
	time_t now = time(NULL);
	bool dup = false;
	int rc;

	/* letters stored and attempts: 5 and 20 per address in 10 minutes */
	if (!req_rate_ok_or_respond(r, r->app->limits.mailbox_letters, false, MAILBOX_LIMITED) ||
	    !req_rate_ok_or_respond(r, r->app->limits.mailbox_tries, true, MAILBOX_LIMITED))
		return 0;
	if ((rc = challenge_check(r, &nonce, &msg)))
		return rc == ERR_INVALID ? mailbox_page(r, 400, msg, nonce) : respond_server_error(r, rc);
	if ((rc = ia_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	it.submit_token = nonce;
	mine = it;
	rc = ia_create(&c, &it, true, &dup, &msg);
	if (rc == ERR_INVALID)
		return mailbox_page(r, 400, msg, nonce);
	if (rc)
		return respond_server_error(r, rc);
	if (dup && !(same_text(mine.subject, it.subject) && same_text(mine.content, it.content) &&
		     same_text(mine.name, it.name) && same_text(mine.phone, it.phone) &&
		     same_text(mine.email, it.email) && mine.channel_id == it.channel_id)) {
		/* the token came back with other content: never show that receipt */
		return mailbox_page(r, 409, REUSED_MSG, NULL);
	}
	if (!dup) {
		ratelimit_count(r->app->limits.mailbox_letters, r->ip, now);
		log_info("interaction %lld received online by %s (%s)", it.id, r->org.slug, it.channel);
	}
	return receipt_page(r, &it, dup);
}

/* ---- tracking ---- */

static int track_page(struct req *r, int status, const char *error, const struct interaction *it)
{
	struct tv *ctx = page_ctx(r, "来信查询");

	tv_set_str(ctx, "error", error);
	if (!it) {
		tv_set_str(ctx, "code", param_str(r, "code"));
	} else {
		struct tv *m = tv_set_map(ctx, "item");
		bool answered = it->replied_on != NULL;

		tv_set_str(m, "subject", it->subject);
		tv_set_str(m, "content", it->content);
		tv_set_str(m, "channel", it->channel);
		tv_set_str(m, "kind", kind_label(it->kind));
		tv_set_str(m, "state_label", state_label(it->state));
		tv_set_str(m, "received_on", it->received_on);
		tv_set_str(m, "due_on", it->due_on);
		tv_set_str(m, "due_error", it->due_error);
		tv_set_str(m, "unit", it->unit);
		if (answered) {
			tv_set_str(m, "reply", it->reply);
			tv_set_str(m, "replied_on", it->replied_on);
		}
		tv_set_str(m, "closed_on", it->closed_on);
	}
	return respond_html(r, status, "interactions_track", ctx);
}

int h_ia_track_form(struct req *r)
{
	return track_page(r, 200, NULL, NULL);
}

int h_ia_track(struct req *r)
{
	struct interaction it;
	int rc;

	/* the same count of wrong codes as the applications' tracking page */
	if (!req_rate_ok_or_respond(r, r->app->limits.track, false, "查询失败次数过多：同一网络10分钟内最多输错10次。"))
		return 0;
	rc = ia_track(req_db(r), &r->arena, r->org.id, param_str(r, "code"), param_str(r, "check"), &it);
	if (rc == ERR_NOT_FOUND) {
		ratelimit_count(r->app->limits.track, r->ip, time(NULL));
		return track_page(r, 404, TRACK_FAIL, NULL);
	}
	if (rc)
		return respond_server_error(r, rc);
	return track_page(r, 200, NULL, &it);
}

/* ---- published questions and answers ---- */

int h_ia_qa(struct req *r)
{
	long long page = param_int(r, "page", 1), total = 0;
	struct interaction *rows;
	struct tv *ctx, *list;
	size_t n;
	int rc;

	if ((rc = store_ia_public_list(req_db(r), &r->arena, r->org.id, QA_PER_PAGE, (page - 1) * QA_PER_PAGE, &rows,
				       &n, &total)))
		return respond_server_error(r, rc);
	ctx = page_ctx(r, "网上咨询问答");
	tv_set_int(ctx, "total", total);
	list = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(list);

		tv_set_str(m, "url", arena_printf(&r->arena, "/o/%s/qa/%lld", r->org.slug, rows[i].id));
		tv_set_str(m, "subject", rows[i].public_subject);
		tv_set_str(m, "kind", kind_label(rows[i].kind));
		tv_set_str(m, "channel", rows[i].channel);
		tv_set_str(m, "published_on", rows[i].published_on);
	}
	view_pager(r, ctx, page, QA_PER_PAGE, total, arena_printf(&r->arena, "/o/%s/qa?", r->org.slug));
	return respond_html(r, 200, "interactions_qa", ctx);
}

int h_ia_qa_item(struct req *r)
{
	struct interaction it;
	struct tv *ctx, *m;
	int rc = store_ia_get(req_db(r), &r->arena, r->org.id, r->id, &it);

	if (rc == ERR_NOT_FOUND || (rc == 0 && !it.public))
		return respond_error(r, 404, "没有这条公开的问答。");
	if (rc)
		return respond_server_error(r, rc);
	/* only the public version: the case's own text may hold personal data */
	ctx = page_ctx(r, it.public_subject);
	m = tv_set_map(ctx, "item");
	tv_set_str(m, "subject", it.public_subject);
	tv_set_str(m, "question", it.public_question);
	tv_set_str(m, "answer", it.public_answer);
	tv_set_str(m, "kind", kind_label(it.kind));
	tv_set_str(m, "channel", it.channel);
	tv_set_str(m, "received_on", it.received_on);
	tv_set_str(m, "replied_on", it.replied_on);
	tv_set_str(m, "published_on", it.published_on);
	return respond_html(r, 200, "interactions_qa", ctx);
}

/* ---- staff: the dashboard ---- */

/* The due date and how it stands today into m: due_on or due_error,
 * left_text, the flags overdue / near / late and row_class. */
static void deadline_view(struct req *r, struct tv *m, const struct calendar *cal, const struct interaction *it,
			  long today)
{
	const struct ia_state *st = ia_state_find(it->state);
	struct ia_deadline d;

	if (ia_deadline(&r->arena, cal, it, today, &d))
		return;
	if (d.has_due)
		tv_set_str(m, "due_on", day_str(r, d.due));
	else
		tv_set_str(m, "due_error", d.error);
	tv_set_bool(m, "late", d.replied_late);
	if (!st || !st->owes_reply) {
		tv_set_str(m, "left_text", d.replied_late ? "逾期答复"
					   : strcmp(it->state, "closed") == 0 ? "已办结" : "已答复");
		return;
	}
	tv_set_bool(m, "overdue", d.overdue);
	tv_set_bool(m, "near", d.near);
	tv_set_str(m, "row_class", d.overdue ? "row-overdue" : d.near ? "row-near" : NULL);
	if (!d.has_left)
		tv_set_str(m, "left_text", "—");
	else if (d.left < 0)
		tv_set_str(m, "left_text", arena_printf(&r->arena, "超出 %d 个工作日", -d.left));
	else
		tv_set_str(m, "left_text", arena_printf(&r->arena, "%d", d.left));
}

static const struct {
	const char *value;
	const char *label;
} state_filters[] = {
	{ "", "未办结" }, { "received", "待分办" }, { "assigned", "办理中" }, { "replied", "已答复" },
	{ "closed", "已办结" }, { "all", "全部" },
};

/* The year's counts: by channel and month, by kind, by month. */
static void counts_view(struct req *r, struct tv *ctx, const struct ia_counts *c)
{
	struct tv *m = tv_set_map(ctx, "stats"), *l;

	tv_set_int(m, "year", c->year);
	tv_set_int(m, "total", c->total);
	tv_set_int(m, "replied", c->replied);
	tv_set_int(m, "closed", c->closed);
	tv_set_int(m, "late", c->late);
	l = tv_set_list(m, "channels");
	for (size_t i = 0; i < c->nchannels; i++) {
		struct tv *row = tv_list_push_map(l), *ms = tv_set_list(row, "months");

		tv_set_str(row, "name", c->channels[i].name);
		tv_set_int(row, "total", c->channels[i].total);
		for (size_t k = 0; k < 12; k++)
			tv_list_push_int(ms, c->channels[i].month[k]);
	}
	l = tv_set_list(m, "months");
	for (size_t k = 0; k < 12; k++)
		tv_list_push_int(l, c->month[k]);
	l = tv_set_list(m, "kinds");
	for (size_t k = 0; k < IA_KINDS; k++) {
		struct tv *row = tv_list_push_map(l);

		tv_set_str(row, "label", ia_kinds[k].label);
		tv_set_int(row, "n", c->kind[k]);
	}
}

/* The dashboard, with an import's report (rep may be NULL). */
static int dashboard(struct req *r, int status, const char *error, const char *notice, const struct csv_report *rep)
{
	const char *state = param_str(r, "state"), *kind = param_str(r, "kind");
	long long channel = param_int(r, "channel", 0), page = param_int(r, "page", 1), total = 0;
	int year = (int)param_int(r, "year", 0), stats_year, cy, cm, cd;
	long long n_received = 0, n_assigned = 0, n_replied = 0, overdue = 0, near = 0;
	struct ia_filter f = { .org_id = r->org.id, .limit = PER_PAGE, .offset = (page - 1) * PER_PAGE };
	struct interaction *open, *rows;
	struct ia_channel *chs;
	struct ia_counts counts;
	struct ia_ctx c;
	struct calendar cal;
	size_t nopen, n, nch, ny;
	int *years;
	bool cases = req_can(r, PERM_CASES), known = !state;
	/* a 承办人 sees names unmasked only on the cases assigned to them */
	bool unmasked = req_can_case(r, "interactions", 0);
	struct tv *ctx, *l, *cnt;
	struct buf base;
	int rc;

	for (size_t i = 1; state && i < sizeof(state_filters) / sizeof(state_filters[0]); i++)
		known = known || strcmp(state, state_filters[i].value) == 0;
	if (!known)
		return respond_error(r, 400, "未知的办理状态。");
	if (kind && !ia_kind_find(kind))
		return respond_error(r, 400, "未知的类别。");
	if ((rc = ia_ctx(r, &c, &cal)) || (rc = ia_channels(req_db(r), &r->arena, r->org.id, c.now, &chs, &nch)) ||
	    (rc = store_ia_open(req_db(r), &r->arena, r->org.id, &open, &nopen)) ||
	    (rc = store_ia_years(req_db(r), &r->arena, r->org.id, &years, &ny)))
		return respond_server_error(r, rc);
	if (channel) {
		bool mine = false;

		for (size_t i = 0; i < nch; i++)
			mine = mine || chs[i].id == channel;
		if (!mine)
			return respond_error(r, 400, "没有这个渠道。");
	}
	date_to_ymd(c.today, &cy, &cm, &cd);
	stats_year = year ? year : ny ? years[0] : cy;
	if ((rc = interactions_counts(req_db(r), &r->arena, r->org.id, stats_year, &counts)))
		return respond_server_error(r, rc);
	f.channel_id = channel;
	f.kind = kind;
	f.state = state;
	if (year) {
		f.from = arena_printf(&r->arena, "%04d-01-01", year);
		f.to = arena_printf(&r->arena, "%04d-12-31", year);
	}
	if ((rc = store_ia_list(req_db(r), &r->arena, &f, &rows, &n, &total)))
		return respond_server_error(r, rc);
	for (size_t i = 0; i < nopen; i++) {
		struct ia_deadline d;

		n_received += strcmp(open[i].state, "received") == 0;
		n_assigned += strcmp(open[i].state, "assigned") == 0;
		n_replied += strcmp(open[i].state, "replied") == 0;
		if (ia_deadline(&r->arena, &cal, &open[i], c.today, &d) == 0) {
			overdue += d.overdue;
			near += d.near;
		}
	}
	ctx = page_ctx(r, "政民互动");
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	cnt = tv_set_map(ctx, "counts");
	tv_set_int(cnt, "received", n_received);
	tv_set_int(cnt, "assigned", n_assigned);
	tv_set_int(cnt, "replied", n_replied);
	tv_set_int(cnt, "overdue", overdue);
	tv_set_int(cnt, "near", near);
	tv_set_bool(ctx, "can_cases", cases);
	tv_set_bool(ctx, "can_admin", req_can(r, PERM_ADMIN));
	tv_set_int(ctx, "total", total);
	l = tv_set_list(ctx, "channels");
	for (size_t i = 0; i < nch; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "value", chs[i].id);
		tv_set_str(m, "label", chs[i].active ? chs[i].name : arena_printf(&r->arena, "%s（已停用）", chs[i].name));
		tv_set_bool(m, "selected", channel == chs[i].id);
	}
	kind_options(ctx, kind);
	l = tv_set_list(ctx, "states");
	for (size_t i = 0; i < sizeof(state_filters) / sizeof(state_filters[0]); i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "value", state_filters[i].value);
		tv_set_str(m, "label", state_filters[i].label);
		tv_set_bool(m, "selected", state ? strcmp(state, state_filters[i].value) == 0 : i == 0);
	}
	l = tv_set_list(ctx, "years");
	for (size_t i = 0; i < ny; i++) {
		struct tv *m = tv_list_push_map(l);

		tv_set_int(m, "value", years[i]);
		tv_set_bool(m, "selected", year == years[i]);
		tv_set_bool(m, "stats", stats_year == years[i]);
	}
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		const struct interaction *it = &rows[i];
		struct tv *m = tv_list_push_map(l);

		tv_set_str(m, "url", arena_printf(&r->arena, "/admin/o/%s/interactions/%lld", r->org.slug, it->id));
		tv_set_str(m, "received_on", it->received_on);
		tv_set_str(m, "channel", it->channel);
		tv_set_str(m, "kind", kind_label(it->kind));
		tv_set_str(m, "subject", clip(r, it->subject, 40));
		tv_set_str(m, "person", unmasked ? it->name : app_mask_name(&r->arena, it->name));
		tv_set_str(m, "unit", it->unit);
		tv_set_str(m, "state", it->state);
		tv_set_str(m, "state_label", state_label(it->state));
		deadline_view(r, m, &cal, it, c.today);
	}
	counts_view(r, ctx, &counts);
	if (rep && rep->nerrors) {
		struct tv *e = tv_set_list(tv_set_map(ctx, "import"), "errors");

		for (size_t i = 0; i < rep->nerrors && i < CSV_MAX_ERRORS; i++)
			tv_list_push_str(e, rep->errors[i]);
		if (rep->nerrors > CSV_MAX_ERRORS)
			tv_list_push_str(e, arena_printf(&r->arena, "……另有 %zu 行有误。", rep->nerrors - CSV_MAX_ERRORS));
	}
	buf_init(&base, &r->arena, 1024);
	buf_printf(&base, "/admin/o/%s/interactions?", r->org.slug);
	if (channel)
		buf_printf(&base, "channel=%lld&", channel);
	if (kind)
		buf_printf(&base, "kind=%s&", kind);
	if (state)
		buf_printf(&base, "state=%s&", state);
	if (year)
		buf_printf(&base, "year=%d&", year);
	view_pager(r, ctx, page, PER_PAGE, total, buf_cstr(&base));
	return respond_html(r, status, "admin_interactions", ctx);
}

int h_admin_ia(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return dashboard(r, 200, NULL, NULL, NULL);
}

/* ---- staff: registering a letter or call ---- */

static int new_form(struct req *r, int status, const char *error, const char *token)
{
	struct tv *ctx = page_ctx(r, "登记来信"), *v = tv_set_map(ctx, "v");
	struct ia_channel *chs;
	struct ia_ctx c;
	struct calendar cal;
	size_t n;
	int rc;

	if ((rc = ia_ctx(r, &c, &cal)) || (rc = ia_channels(req_db(r), &r->arena, r->org.id, c.now, &chs, &n)))
		return respond_server_error(r, rc);
	if (!token && (rc = auth_random_token(&r->arena, 16, &token)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "token", token);
	channel_options(ctx, chs, n, false, param_int(r, "channel", 0));
	kind_options(ctx, param_str(r, "kind"));
	tv_set_str(v, "received_on", param_str(r, "received_on") ? param_str(r, "received_on") : day_str(r, c.today));
	tv_set_str(v, "subject", param_str(r, "subject"));
	tv_set_str(v, "content", param_str(r, "content"));
	tv_set_str(v, "name", param_str(r, "name"));
	tv_set_str(v, "phone", param_str(r, "phone"));
	tv_set_str(v, "email", param_str(r, "email"));
	tv_set_bool(v, "consent", param_str(r, "consent") != NULL);
	return respond_html(r, status, "admin_interactions_new", ctx);
}

int h_admin_ia_new(struct req *r)
{
	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	return new_form(r, 200, NULL, NULL);
}

int h_admin_ia_create(struct req *r)
{
	struct interaction it = {
		.channel_id = param_int(r, "channel", 0),
		.kind = param_str(r, "kind"),
		.received_on = param_str(r, "received_on"),
		.subject = param_str(r, "subject"),
		.content = form_text(r, "content"),
		.name = param_str(r, "name"),
		.phone = param_str(r, "phone"),
		.email = param_str(r, "email"),
		.consent = param_str(r, "consent") != NULL,
		.submit_token = param_str(r, "token"),
	};
	struct ia_ctx c;
	struct calendar cal;
	const char *msg = NULL;
	bool dup = false;
	int rc;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if ((rc = ia_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = ia_create(&c, &it, false, &dup, &msg);
	if (rc == ERR_INVALID)
		return new_form(r, 400, msg, param_str(r, "token"));
	if (rc)
		return respond_server_error(r, rc);
	if (!dup)
		log_info("interaction %lld registered by %s", it.id, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/interactions/%lld", r->org.slug, it.id));
}

/* ---- staff: the case page ---- */

static const char *event_label(const char *action)
{
	static const char *const k[][2] = {
		{ "receive", "受理" }, { "import", "导入" }, { "assign", "分办" }, { "reply", "答复" },
		{ "close", "办结" },   { "publish", "公开" }, { "unpublish", "撤销公开" },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(k[i][0], action) == 0)
			return k[i][1];
	return action;
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

/* A posted value for the action just refused (keep), else dflt. */
static const char *kept(struct req *r, bool keep, const char *action, const char *name, const char *dflt)
{
	const char *posted = param_str(r, "action");

	if (keep && posted && strcmp(posted, action) == 0)
		return param_str(r, name);
	return dflt;
}

static int case_page(struct req *r, int status, const char *error, bool keep)
{
	struct interaction it;
	struct ia_event *ev;
	struct ia_deadline d;
	struct ia_ctx c;
	struct calendar cal;
	size_t nev;
	bool cases = req_can_case(r, "interactions", r->id);
	const struct ia_state *st;
	struct tv *ctx, *m, *l;
	int rc;

	rc = store_ia_get(req_db(r), &r->arena, r->org.id, r->id, &it);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件来信。");
	if (rc || (rc = ia_ctx(r, &c, &cal)) ||
	    (rc = store_ia_events(req_db(r), &r->arena, r->org.id, it.id, &ev, &nev)) ||
	    (rc = ia_deadline(&r->arena, &cal, &it, c.today, &d)))
		return respond_server_error(r, rc);
	st = ia_state_find(it.state);
	ctx = page_ctx(r, arena_printf(&r->arena, "来信：%s", it.subject));
	tv_set_str(ctx, "error", error);
	tv_set_bool(ctx, "can_cases", cases);
	m = tv_set_map(ctx, "item");
	if ((rc = case_assign_fill(r, "interactions", it.id, strcmp(it.state, "closed") != 0, m)))
		return respond_server_error(r, rc);
	tv_set_int(m, "id", it.id);
	tv_set_int(m, "version", it.version);
	tv_set_str(m, "subject", it.subject);
	tv_set_str(m, "content", it.content);
	tv_set_str(m, "channel", it.channel);
	tv_set_str(m, "kind", kind_label(it.kind));
	tv_set_str(m, "state", it.state);
	tv_set_str(m, "state_label", state_label(it.state));
	tv_set_str(m, "received_on", it.received_on);
	tv_set_str(m, "limit", arena_printf(&r->arena, "%d%s", it.due_n, ia_unit_label(it.due_unit)));
	tv_set_str(m, "unit", it.unit);
	tv_set_str(m, "handler", it.handler);
	tv_set_str(m, "reply", it.reply);
	tv_set_str(m, "replied_on", it.replied_on);
	tv_set_str(m, "closed_on", it.closed_on);
	tv_set_bool(m, "public", it.public);
	tv_set_str(m, "published_on", it.published_on);
	if (it.public) {
		tv_set_str(m, "public_url", arena_printf(&r->arena, "/o/%s/qa/%lld", r->org.slug, it.id));
		tv_set_str(m, "public_subject", it.public_subject);
		tv_set_str(m, "public_question", it.public_question);
		tv_set_str(m, "public_answer", it.public_answer);
	}
	if (cases)
		tv_set_str(m, "tracking_code", it.tracking_code);
	deadline_view(r, m, &cal, &it, c.today);
	if (st && st->owes_reply && d.has_left)
		tv_set_str(m, "due_note", d.left < 0    ? arena_printf(&r->arena, "已超出 %d 个工作日", -d.left)
					  : d.left == 0 ? "今日到期"
							: arena_printf(&r->arena, "剩余 %d 个工作日", d.left));
	/* the person: masked without PERM_CASES */
	l = tv_set_list(ctx, "person");
	field(l, "姓名", cases ? it.name : app_mask_name(&r->arena, it.name));
	field(l, "联系电话", cases ? it.phone : app_mask_phone(&r->arena, it.phone));
	field(l, "电子邮箱", cases ? it.email : app_mask_email(&r->arena, it.email));
	field(l, "同意公开", it.consent ? "同意" : "不同意");
	l = tv_set_list(ctx, "events");
	for (size_t i = 0; i < nev; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "label", event_label(ev[i].action));
		tv_set_str(e, "day", ev[i].day);
		tv_set_str(e, "actor", ev[i].actor);
		tv_set_str(e, "detail", ev[i].detail);
		tv_set_str(e, "at", view_at_cn(r, ev[i].at));
	}
	if (cases) {
		const char *today = day_str(r, c.today);
		bool owes = st && st->owes_reply, answered = !owes;
		struct tv *f;

		tv_set_bool(ctx, "has_actions", owes || it.consent || strcmp(it.state, "replied") == 0);
		tv_set_bool(ctx, "no_consent", answered && !it.consent);
		if (owes) {
			f = tv_set_map(ctx, "assign");
			tv_set_str(f, "unit", kept(r, keep, "assign", "unit", it.unit));
			tv_set_str(f, "handler", kept(r, keep, "assign", "handler", it.handler));
			tv_set_str(f, "day", kept(r, keep, "assign", "day", today));
			tv_set_bool(f, "again", strcmp(it.state, "assigned") == 0);
			f = tv_set_map(ctx, "reply_form");
			tv_set_str(f, "reply", kept(r, keep, "reply", "reply", NULL));
			tv_set_str(f, "day", kept(r, keep, "reply", "day", today));
		}
		if (strcmp(it.state, "replied") == 0) {
			f = tv_set_map(ctx, "close");
			tv_set_str(f, "day", kept(r, keep, "close", "day", today));
		}
		if (answered && it.consent) {
			const char *ds = it.public_subject, *dq = it.public_question, *da = it.public_answer;

			if (!it.public && (rc = ia_public_default(&r->arena, &it, &ds, &dq, &da)))
				return respond_server_error(r, rc);
			f = tv_set_map(ctx, "publish");
			tv_set_bool(f, "public", it.public);
			tv_set_str(f, "subject", kept(r, keep, "publish", "public_subject", ds));
			tv_set_str(f, "question", kept(r, keep, "publish", "public_question", dq));
			tv_set_str(f, "answer", kept(r, keep, "publish", "public_answer", da));
		}
	}
	return respond_html(r, status, "admin_interactions_case", ctx);
}

int h_admin_ia_case(struct req *r)
{
	if (!req_can_or_respond(r, PERM_READ))
		return 0;
	return case_page(r, 200, NULL, false);
}

int h_admin_ia_action(struct req *r)
{
	const char *pub = param_str(r, "public");
	struct ia_act_input in = {
		.action = param_str(r, "action"),
		.version = (int)param_int(r, "version", 0),
		.day = param_day(r, "day"),
		.unit = param_str(r, "unit"),
		.handler = param_str(r, "handler"),
		.reply = form_text(r, "reply"),
		.public = pub && strcmp(pub, "1") == 0,
		.public_subject = param_str(r, "public_subject"),
		.public_question = form_text(r, "public_question"),
		.public_answer = form_text(r, "public_answer"),
	};
	struct interaction it;
	struct ia_ctx c;
	struct calendar cal;
	const char *msg = NULL;
	int rc;

	if (in.action && strcmp(in.action, "assign_user") == 0) {
		if (case_assign(r, "interactions", r->id))
			return 0;
		return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/interactions/%lld", r->org.slug, r->id));
	}
	if (!req_can_case_or_respond(r, "interactions", r->id))
		return 0;
	if (!in.action)
		return respond_error(r, 400, "缺少办理操作。");
	if ((rc = ia_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = ia_act(&c, r->id, &in, &it, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这件来信。");
	if (rc == ERR_INVALID)
		return case_page(r, 400, msg, true);
	if (rc == ERR_CONFLICT)
		return case_page(r, 409, msg, false);
	if (rc)
		return respond_server_error(r, rc);
	log_info("interaction %lld: %s by %s", it.id, in.action, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/interactions/%lld", r->org.slug, it.id));
}

/* ---- staff: channels ---- */

static void unit_options(struct tv *m, const char *cur)
{
	struct tv *l = tv_set_list(m, "units");
	static const char *const units[][2] = { { "workdays", "工作日" }, { "days", "自然日" } };

	for (size_t i = 0; i < 2; i++) {
		struct tv *o = tv_list_push_map(l);

		tv_set_str(o, "value", units[i][0]);
		tv_set_str(o, "label", units[i][1]);
		tv_set_bool(o, "selected", cur && strcmp(cur, units[i][0]) == 0);
	}
}

/* The channels page; after a refused save of channel id (0: the add
 * form) its form keeps what was typed. */
static int channels_page(struct req *r, int status, const char *error, long long failed_id)
{
	struct tv *ctx = page_ctx(r, "政民互动渠道"), *l, *add;
	struct ia_channel *chs;
	long long next_sort;
	struct ia_ctx c;
	struct calendar cal;
	size_t n;
	int rc;

	if ((rc = ia_ctx(r, &c, &cal)) || (rc = ia_channels(req_db(r), &r->arena, r->org.id, c.now, &chs, &n)))
		return respond_server_error(r, rc);
	tv_set_str(ctx, "error", error);
	l = tv_set_list(ctx, "list");
	for (size_t i = 0; i < n; i++) {
		struct tv *m = tv_list_push_map(l);
		bool mine = error && failed_id == chs[i].id;

		tv_set_int(m, "id", chs[i].id);
		tv_set_int(m, "version", chs[i].version);
		tv_set_str(m, "name", mine && param_str(r, "name") ? param_str(r, "name") : chs[i].name);
		tv_set_int(m, "due_n", mine ? param_int(r, "due_n", chs[i].due_n) : chs[i].due_n);
		tv_set_int(m, "sort", mine ? param_int(r, "sort", chs[i].sort) : chs[i].sort);
		tv_set_bool(m, "active", mine ? param_str(r, "active") != NULL : chs[i].active);
		tv_set_bool(m, "public_form", mine ? param_str(r, "public_form") != NULL : chs[i].public_form);
		tv_set_str(m, "limit", arena_printf(&r->arena, "%d%s", chs[i].due_n, ia_unit_label(chs[i].due_unit)));
		unit_options(m, mine && param_str(r, "due_unit") ? param_str(r, "due_unit") : chs[i].due_unit);
	}
	add = tv_set_map(ctx, "add");
	tv_set_str(add, "name", error && !failed_id ? param_str(r, "name") : NULL);
	tv_set_int(add, "due_n", error && !failed_id ? param_int(r, "due_n", 10) : 10);
	next_sort = (long long)(n + 1) * 10;
	tv_set_int(add, "sort", error && !failed_id ? param_int(r, "sort", next_sort) : next_sort);
	unit_options(add, error && !failed_id ? param_str(r, "due_unit") : "workdays");
	return respond_html(r, status, "admin_interactions_channels", ctx);
}

int h_admin_ia_channels(struct req *r)
{
	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	return channels_page(r, 200, NULL, 0);
}

static int channel_post(struct req *r, long long id)
{
	struct ia_channel ch = {
		.id = id,
		.version = (int)param_int(r, "version", 0),
		.name = param_str(r, "name"),
		.due_n = (int)param_int(r, "due_n", 0),
		.due_unit = param_str(r, "due_unit"),
		.sort = (int)param_int(r, "sort", 0),
		.active = id == 0 || param_str(r, "active") != NULL,
		.public_form = param_str(r, "public_form") != NULL,
	};
	struct ia_ctx c;
	struct calendar cal;
	const char *msg = NULL;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = ia_ctx(r, &c, &cal)))
		return respond_server_error(r, rc);
	rc = ia_channel_save(&c, &ch, &msg);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "没有这个渠道。");
	if (rc == ERR_INVALID || rc == ERR_CONFLICT)
		return channels_page(r, rc == ERR_INVALID ? 400 : 409, msg, id);
	if (rc)
		return respond_server_error(r, rc);
	log_info("interaction channel %lld (%s) saved by %s", ch.id, ch.name, r->user.username);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/interactions/channels", r->org.slug));
}

int h_admin_ia_channel_add(struct req *r)
{
	return channel_post(r, 0);
}

int h_admin_ia_channel_save(struct req *r)
{
	return channel_post(r, r->id);
}

/* ---- staff: CSV export and import ---- */

static int reg_ctx_of(struct req *r, struct reg_ctx *rc, struct ia_ctx *c, struct calendar *cal)
{
	int e = ia_ctx(r, c, cal);

	if (e)
		return e;
	*rc = (struct reg_ctx){ .db = c->db, .a = c->a, .org = c->org, .cal = cal, .user_id = c->user_id,
				.now = c->now, .today = c->today };
	return 0;
}

int h_admin_ia_export(struct req *r)
{
	bool personal = param_str(r, "personal") != NULL;
	int year = (int)param_int(r, "year", 0);
	const char *name;
	struct reg_ctx rc;
	struct ia_ctx c;
	struct calendar cal;
	struct buf out;
	int e;

	if (!req_can_or_respond(r, PERM_READ) || (personal && !req_can_or_respond(r, PERM_CASES)))
		return 0;
	if ((e = reg_ctx_of(r, &rc, &c, &cal)))
		return respond_server_error(r, e);
	buf_init(&out, &r->arena, CSV_MAX_BYTES);
	if ((e = reg_interactions.export_csv(&rc, year, personal, &out)))
		return respond_server_error(r, e);
	log_info("interactions of %s exported by %s%s", r->org.slug, r->user.username,
		 personal ? " with personal data" : "");
	name = year ? arena_printf(&r->arena, "%s政民互动-%d%s.csv", r->org.name, year, personal ? "-含个人信息" : "")
		    : arena_printf(&r->arena, "%s政民互动%s.csv", r->org.name, personal ? "-含个人信息" : "");
	if (!name)
		return respond_server_error(r, ERR_NOMEM);
	return respond_download(r, "text/csv; charset=utf-8", out.p ? out.p : "", out.n, name);
}

/* The uploaded file's bytes (arena), at most CSV_MAX_BYTES. */
static int read_upload(struct req *r, struct upload *u, char **out, size_t *n)
{
	FILE *f;
	size_t got;

	if (u->size > CSV_MAX_BYTES)
		return ERR_TOO_LARGE;
	if (!(*out = arena_alloc(&r->arena, (size_t)u->size + 1)))
		return ERR_NOMEM;
	if (!(f = fopen(u->path, "rb")))
		return ERR_IO;
	got = fread(*out, 1, (size_t)u->size, f);
	fclose(f);
	if (got != (size_t)u->size)
		return ERR_IO;
	(*out)[got] = '\0';
	*n = got;
	return 0;
}

int h_admin_ia_import(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	const char *enc = param_str(r, "encoding");
	bool dry = param_str(r, "dry_run") != NULL;
	struct csv_report rep = { 0 };
	struct reg_ctx rc;
	struct ia_ctx c;
	struct calendar cal;
	char *bytes;
	size_t n;
	int e;

	if (!req_can_or_respond(r, PERM_CASES))
		return 0;
	if (!u)
		return dashboard(r, 400, "请选择要导入的 CSV 文件。", NULL, NULL);
	if (enc && strcmp(enc, "auto") != 0 && strcmp(enc, "utf-8") != 0 && strcmp(enc, "gbk") != 0)
		return dashboard(r, 400, "文件编码应为自动识别、UTF-8 或 GBK。", NULL, NULL);
	if ((e = read_upload(r, u, &bytes, &n)))
		return e == ERR_TOO_LARGE ? dashboard(r, 413, "文件过大（不超过 32 MB）。", NULL, NULL) : respond_server_error(r, e);
	if ((e = reg_ctx_of(r, &rc, &c, &cal)))
		return respond_server_error(r, e);
	e = reg_interactions.import_csv(&rc, bytes, n, enc, dry, &rep);
	if (e == ERR_INVALID)
		return dashboard(r, 400, "文件有误，未导入任何记录。请按下列说明修改后重新导入。", NULL, &rep);
	if (e == ERR_TOO_LARGE)
		return dashboard(r, 413, "文件过大（不超过 32 MB）。", NULL, NULL);
	if (e)
		return respond_server_error(r, e);
	if (!dry)
		log_info("interactions: %zu imported into %s by %s", rep.stored, r->org.slug, r->user.username);
	return dashboard(r, 200, NULL,
			 dry ? arena_printf(&r->arena, "检查通过：共 %zu 条记录（%s 编码），可以导入。", rep.rows, rep.encoding)
			     : arena_printf(&r->arena, "已导入 %zu 条记录。", rep.stored),
			 NULL);
}
