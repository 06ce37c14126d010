/* outbox.c - the delivery worker. See outbox.h. */
#include "domain/channels/outbox.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/channels/channel.h"
#include "domain/channels/outbox_int.h"
#include "render/markdown.h"
#include "store/db.h"
#include "store/delivery.h"
#include "store/store.h"
#include "core/banned.h"

#define MSG_MAX 1000 /* characters of a stored message */

struct runner {
	struct outbox *ob;
	struct db *db;
	char owner[96];
	unsigned seed;
	pthread_t th;
	bool started;
};

struct outbox {
	struct outbox_opts o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
	int wakes;
	struct runner *r;
	int n;
};

/* ---- pure rules ---- */

int outbox_enqueue(struct db *db, long long org_id, long long item_id, const char *event, long long *n)
{
	char now[32];

	outbox_time(0, now);
	return store_delivery_enqueue(db, org_id, item_id, event, now, n);
}

long long outbox_backoff_ms(long long backoff_ms, int attempts, unsigned rnd)
{
	long long d = backoff_ms > 0 ? backoff_ms : OUTBOX_BACKOFF_DEFAULT_MS;
	long long cap = d * OUTBOX_BACKOFF_CAP;

	for (int i = 1; i < attempts && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* jitter in [0, d/4): spread retries of many deliveries, keep the order */
	return d + (long long)(rnd % 1024) * (d / 4) / 1024;
}

void outbox_time(long long delta_ms, char out[32])
{
	struct timespec ts;
	struct tm tm;
	long long ms;
	time_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + delta_ms;
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, (int)(ms % 1000));
}

void outbox_month_cn(int *year, int *month)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "http://host" + the HTML's root-relative links and images. */
static const char *absolute_links(struct arena *a, const char *html, const char *base)
{
	static const char *const attrs[] = { "href=\"/", "src=\"/" };
	struct buf b;
	const char *p = html;

	buf_init(&b, a, 64u << 20);
	while (*p) {
		const char *hit = NULL;
		size_t alen = 0;

		for (size_t i = 0; i < 2; i++) {
			const char *h = strstr(p, attrs[i]);

			if (h && (!hit || h < hit)) {
				hit = h;
				alen = strlen(attrs[i]) - 1;
			}
		}
		if (!hit) {
			buf_puts(&b, p);
			break;
		}
		buf_append(&b, p, (size_t)(hit - p) + alen);
		/* "//host" is already absolute (scheme-relative) */
		if (hit[alen + 1] != '/')
			buf_puts(&b, base);
		p = hit + alen;
	}
	return b.err ? NULL : buf_cstr(&b);
}

/* ---- one attempt ---- */

struct outbox_attempt {
	struct runner *r;
	const struct delivery *d;
	bool aborted;      /* the transfer was stopped by outbox_stop */
};

struct db *outbox_attempt_db(struct outbox_attempt *at)
{
	return at->r->db;
}

bool outbox_attempt_stopping(struct outbox_attempt *at)
{
	if (atomic_load(&at->r->ob->stop)) {
		at->aborted = true;
		return true;
	}
	return false;
}

const struct chan_net *outbox_attempt_net(struct outbox_attempt *at)
{
	return &at->r->ob->o.net;
}

int chan_progress_save(struct chan_send *s, const char *progress)
{
	struct outbox_attempt *at = s->att_ctx;
	char now[32];
	int rc;

	outbox_time(0, now);
	if ((rc = db_begin(at->r->db)))
		return rc;
	if ((rc = store_delivery_progress(at->r->db, at->d->id, at->r->owner, progress, now))) {
		db_rollback(at->r->db);
		return rc;
	}
	if (!(rc = db_commit(at->r->db)))
		s->progress = arena_strdup(s->a, progress);
	return rc;
}

int chan_token_get(struct chan_send *s, int margin_s, const char **token)
{
	struct outbox_attempt *at = s->att_ctx;
	char min[32];

	outbox_time((long long)margin_s * 1000, min);
	return store_delivery_token(at->r->db, s->a, s->ch->org_id, s->ch->id, min, token);
}

int chan_token_put(struct chan_send *s, const char *token, long long expires_in)
{
	struct outbox_attempt *at = s->att_ctx;
	char now[32], exp[32];
	int rc;

	outbox_time(0, now);
	outbox_time(expires_in * 1000, exp);
	if ((rc = db_begin(at->r->db)))
		return rc;
	if ((rc = store_delivery_token_put(at->r->db, s->ch->org_id, s->ch->id,
					   expires_in > 0 ? token : "", exp, now))) {
		db_rollback(at->r->db);
		return rc;
	}
	return db_commit(at->r->db);
}

/* Build the event of d: the org, the item, its body and attachments. A
 * missing record is ERR_NOT_FOUND. */
static int build_event(struct runner *r, struct arena *a, const struct delivery *d, struct chan_event *ev,
		       struct org *org, struct item *it)
{
	const struct outbox_opts *o = &r->ob->o;
	const char *base = o->base_url && *o->base_url ? o->base_url : "http://127.0.0.1:8080";
	struct attachment *att = NULL;
	struct chan_attachment *ca;
	size_t natt = 0;
	int rc;

	memset(ev, 0, sizeof(*ev));
	if ((rc = store_org_by_id(r->db, a, d->org_id, org)) || (rc = store_item_get(r->db, a, d->org_id, d->item_id, it)) ||
	    (rc = store_attachment_list(r->db, a, d->org_id, d->item_id, &att, &natt)))
		return rc;
	ev->delivery_id = d->id;
	ev->key = arena_printf(a, "gongkai-%s-d%lld", org->slug, d->id);
	ev->event = d->event;
	ev->attempt = d->attempts;
	ev->org = org;
	ev->item = it;
	ev->item_version = d->item_version;
	ev->category = it->category ? it->category : "";
	ev->base_url = base;
	ev->url = arena_printf(a, "%s/o/%s/items/%lld", base, org->slug, it->id);
	if (it->body_html) {
		ev->body_html = absolute_links(a, it->body_html, base);
	} else {
		struct safe_html h;

		if ((rc = markdown_to_html(a, it->body_md, strlen(it->body_md), &h)))
			return rc;
		ev->body_html = absolute_links(a, h.p, base);
	}
	if (!ev->key || !ev->url || !ev->body_html)
		return ERR_NOMEM;
	if (natt && !(ca = arena_zalloc(a, natt * sizeof(*ca))))
		return ERR_NOMEM;
	for (size_t i = 0; i < natt; i++) {
		ca[i].id = att[i].id;
		ca[i].filename = att[i].filename;
		ca[i].mime = att[i].mime;
		ca[i].size = att[i].size;
		ca[i].sha256 = att[i].sha256;
		ca[i].url = arena_printf(a, "%s/o/%s/items/%lld/files/%lld", base, org->slug, it->id, att[i].id);
		ca[i].path = arena_printf(a, "%s/%.2s/%s", o->files_dir ? o->files_dir : ".", att[i].sha256,
					  att[i].sha256);
		if (!ca[i].url || !ca[i].path)
			return ERR_NOMEM;
	}
	ev->att = natt ? ca : NULL;
	ev->natt = natt;
	return store_delivery_last_remote(r->db, a, d->org_id, d->channel_id, d->item_id, &ev->prior_remote_id);
}

/* Cut a message to MSG_MAX characters on a UTF-8 boundary. */
static const char *clip(struct arena *a, const char *s)
{
	size_t n = 0, chars = 0;

	if (!s)
		return "";
	while (s[n] && chars < MSG_MAX) {
		n++;
		while ((s[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	return s[n] ? arena_strndup(a, s, n) : s;
}

/* Record the attempt's outcome (one transaction). */
static int record(struct runner *r, struct arena *a, const struct delivery *d, const char *started,
		  long long ms, enum chan_result res, const struct chan_send *s)
{
	const struct outbox_opts *o = &r->ob->o;
	int max = o->max_attempts > 0 ? o->max_attempts : OUTBOX_MAX_ATTEMPTS_DEFAULT;
	const char *state, *outcome, *msg = clip(a, s->message);
	char now[32], next[32];
	const char *nextp = NULL;
	int rc;

	outbox_time(0, now);
	if (res == CHAN_DELIVERED) {
		state = "done";
		outcome = "done";
	} else if (res == CHAN_RETRY && d->attempts < max) {
		state = "pending";
		outcome = "retry";
		outbox_time(outbox_backoff_ms(o->backoff_ms, d->attempts, (unsigned)rand_r(&r->seed)), next);
		nextp = next;
	} else {
		state = "failed";
		outcome = "failed";
		if (res == CHAN_RETRY)
			msg = arena_printf(a, "已尝试 %d 次仍未成功，需人工处理：%s", d->attempts, msg);
	}
	if (!msg)
		return ERR_NOMEM;
	if ((rc = db_begin(r->db)))
		return rc;
	rc = store_delivery_finish(r->db, d->id, r->owner, state, nextp, msg, s->remote_id,
				   res == CHAN_DELIVERED && s->manual, now);
	if (rc == ERR_CONFLICT) {
		db_rollback(r->db);
		log_warn("outbox: delivery %lld: lease lost to another worker; its outcome is not recorded", d->id);
		return 0;
	}
	if (!rc)
		rc = store_delivery_log_add(r->db, d->org_id,
					    &(struct delivery_attempt){ .delivery_id = d->id,
									.attempt = d->attempts,
									.started_at = started,
									.outcome = outcome,
									.http_status = s->http_status,
									.message = msg,
									.duration_ms = ms });
	if (!rc && res == CHAN_DELIVERED && strcmp(d->event, "withdraw") != 0) {
		int y, m;

		outbox_month_cn(&y, &m);
		rc = store_delivery_recount_figure(r->db, d->org_id, d->channel_id, y, m, now);
	}
	if (rc) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

/* Give the delivery back after an aborted transfer (shutdown). */
static int release(struct runner *r, const struct delivery *d, const char *started, long long ms)
{
	char now[32];
	int rc;

	outbox_time(0, now);
	if ((rc = db_begin(r->db)))
		return rc;
	if ((rc = store_delivery_release(r->db, d->id, r->owner, now)) ||
	    (rc = store_delivery_log_add(r->db, d->org_id,
					 &(struct delivery_attempt){ .delivery_id = d->id,
								     .attempt = d->attempts,
								     .started_at = started,
								     .outcome = "retry",
								     .message = "服务停止，发送中断，稍后重发",
								     .duration_ms = ms }))) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

static int claim(struct runner *r, struct arena *a, struct delivery *d)
{
	const struct outbox_opts *o = &r->ob->o;
	long long lease = o->lease_ms > 0 ? o->lease_ms
			  : 5 * (o->net.timeout_ms > 0 ? o->net.timeout_ms : 30000) + 10000;
	char now[32], until[32];
	int rc;

	outbox_time(0, now);
	outbox_time(lease, until);
	if ((rc = db_begin(r->db)))
		return rc;
	if ((rc = store_delivery_claim(r->db, a, o->org_id, r->owner, now, until, d))) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

static int run_one(struct runner *r, bool *did)
{
	struct arena a;
	struct delivery d;
	struct dchannel dc;
	struct chan_config cfg;
	struct chan_event ev;
	struct chan_send s;
	struct outbox_attempt at;
	struct org org;
	struct item it;
	const struct chan_driver *drv;
	const char *secret = "";
	char started[32];
	enum chan_result res;
	long long t0;
	int rc;

	*did = false;
	arena_init(&a, 0);
	if ((rc = claim(r, &a, &d))) {
		arena_release(&a);
		return rc == ERR_NOT_FOUND ? 0 : rc;
	}
	*did = true;
	outbox_time(0, started);
	t0 = mono_ms();
	memset(&s, 0, sizeof(s));
	at = (struct outbox_attempt){ .r = r, .d = &d };
	s.a = &a;
	s.att_ctx = &at;
	s.progress = d.progress;
	s.ev = &ev;
	s.ch = &cfg;
	memset(&cfg, 0, sizeof(cfg));
	rc = store_dchannel_get(r->db, &a, d.org_id, d.channel_id, &dc);
	if (!rc)
		rc = store_dchannel_secret(r->db, &a, d.org_id, d.channel_id, &secret);
	if (!rc)
		rc = build_event(r, &a, &d, &ev, &org, &it);
	if (rc) {
		res = chan_say(&s, rc == ERR_NOT_FOUND ? CHAN_FAILED : CHAN_RETRY, "读取待推送的信息失败（%s）",
			       err_name(rc));
		goto out;
	}
	cfg = (struct chan_config){ .id = dc.id, .org_id = dc.org_id, .kind = dc.kind, .name = dc.name,
				    .enabled = dc.enabled, .all_categories = dc.all_categories,
				    .endpoint = dc.endpoint, .app_id = dc.app_id, .secret = secret,
				    .config = dc.config };
	if (!(drv = chan_driver_find(dc.kind))) {
		res = chan_say(&s, CHAN_FAILED, "未知的渠道类型“%s”", dc.kind);
		goto out;
	}
	if (!dc.enabled) {
		res = chan_say(&s, CHAN_FAILED, "渠道“%s”已停用，未推送；启用后可重试", dc.name);
		goto out;
	}
	if (!*cfg.endpoint && drv->default_endpoint)
		cfg.endpoint = drv->default_endpoint;
	res = drv->send(&s);
	if (!s.message)
		s.message = "";
out:
	if (at.aborted) {
		rc = release(r, &d, started, mono_ms() - t0);
	} else {
		rc = record(r, &a, &d, started, mono_ms() - t0, res, &s);
		if (!rc)
			log_info("outbox: delivery %lld (%s, %s) attempt %d: %s%s%s", d.id, d.channel_name, d.event,
				 d.attempts, res == CHAN_DELIVERED ? "delivered" : res == CHAN_RETRY ? "retry" : "failed",
				 *s.message ? ": " : "", s.message);
	}
	arena_release(&a);
	return rc;
}

/* ---- runners ---- */

static int runner_open(struct outbox *ob, struct runner *r, const char *owner, int i)
{
	int rc;

	r->ob = ob;
	r->seed = randombytes_random();
	if (owner)
		snprintf(r->owner, sizeof(r->owner), "%s#%d", owner, i);
	else {
		char host[64] = "";

		gethostname(host, sizeof(host) - 1);
		snprintf(r->owner, sizeof(r->owner), "%.40s:%ld:%08x#%d", host, (long)getpid(), randombytes_random(), i);
	}
	if ((rc = db_open(ob->o.db_target, &(struct db_opts){ .fts = ob->o.fts }, &r->db)))
		return rc;
	db_set_actor(r->db, 0, "推送", "");
	return 0;
}

static int outbox_new(const struct outbox_opts *o, int n, struct outbox **out)
{
	struct outbox *ob = calloc(1, sizeof(*ob));

	*out = NULL;
	if (!ob || !(ob->r = calloc((size_t)n, sizeof(*ob->r)))) {
		free(ob);
		return ERR_NOMEM;
	}
	ob->o = *o;
	ob->n = n;
	pthread_mutex_init(&ob->mu, NULL);
	pthread_cond_init(&ob->cv, NULL);
	atomic_init(&ob->stop, 0);
	*out = ob;
	return 0;
}

int outbox_open(const struct outbox_opts *o, const char *owner, struct outbox **out)
{
	int rc;

	if ((rc = chan_net_global_init()) || (rc = outbox_new(o, 1, out)))
		return rc;
	if ((rc = runner_open(*out, &(*out)->r[0], owner, 0))) {
		outbox_close(*out);
		*out = NULL;
	}
	return rc;
}

void outbox_close(struct outbox *ob)
{
	if (!ob)
		return;
	for (int i = 0; i < ob->n; i++)
		if (ob->r[i].db)
			db_close(ob->r[i].db);
	pthread_cond_destroy(&ob->cv);
	pthread_mutex_destroy(&ob->mu);
	free(ob->r);
	free(ob);
}

int outbox_run_one(struct outbox *ob, bool *did)
{
	return run_one(&ob->r[0], did);
}

int outbox_drain(struct outbox *ob, long long *sent)
{
	bool did = true;
	int rc = 0;

	*sent = 0;
	while (did && !(rc = run_one(&ob->r[0], &did)))
		*sent += did;
	return rc;
}

/* Milliseconds since the epoch of an outbox time ("YYYY-MM-DDTHH:MM:SS.mmmZ"); -1 when malformed. */
static long long time_ms(const char *iso)
{
	struct tm tm = { 0 };
	int ms = 0;

	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &ms) != 7)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000 + ms;
}

/* How long to sleep before the next look: until the earliest due time, at
 * most a second (another process may queue or free something), at least
 * 20 ms. */
static long long wait_ms(struct runner *r)
{
	struct arena a;
	const char *when = NULL;
	long long ms = 1000;

	arena_init(&a, 0);
	if (store_delivery_next_due(r->db, &a, r->ob->o.org_id, &when) == 0 && when) {
		struct timespec ts;
		long long due = time_ms(when), now;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (due >= 0)
			ms = due - now;
		ms = ms < 20 ? 20 : ms > 1000 ? 1000 : ms;
	}
	arena_release(&a);
	return ms;
}

static void *runner_main(void *arg)
{
	struct runner *r = arg;
	struct outbox *ob = r->ob;

	while (!atomic_load(&ob->stop)) {
		bool did = false;
		int rc = run_one(r, &did);
		long long ms;
		struct timespec ts;

		if (rc)
			log_warn("outbox: %s", err_name(rc));
		if (did && !rc)
			continue;
		ms = rc ? 1000 : wait_ms(r);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ms / 1000;
		ts.tv_nsec += (ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&ob->mu);
		if (!atomic_load(&ob->stop) && ob->wakes == 0)
			pthread_cond_timedwait(&ob->cv, &ob->mu, &ts);
		if (ob->wakes > 0)
			ob->wakes--;
		pthread_mutex_unlock(&ob->mu);
	}
	return NULL;
}

int outbox_start(const struct outbox_opts *o, struct outbox **out)
{
	struct outbox *ob;
	int n = o->workers > 0 ? o->workers : OUTBOX_WORKERS_DEFAULT, rc;

	if ((rc = chan_net_global_init()) || (rc = outbox_new(o, n, &ob)))
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = runner_open(ob, &ob->r[i], NULL, i)))
			goto fail;
		if (pthread_create(&ob->r[i].th, NULL, runner_main, &ob->r[i]) != 0) {
			rc = ERR_INTERNAL;
			goto fail;
		}
		ob->r[i].started = true;
	}
	log_info("outbox: %d delivery worker(s) started", n);
	*out = ob;
	return 0;
fail:
	outbox_stop(ob);
	*out = NULL;
	return rc;
}

void outbox_wake(struct outbox *ob)
{
	if (!ob)
		return;
	pthread_mutex_lock(&ob->mu);
	ob->wakes = ob->n;
	pthread_cond_broadcast(&ob->cv);
	pthread_mutex_unlock(&ob->mu);
}

void outbox_stop(struct outbox *ob)
{
	if (!ob)
		return;
	atomic_store(&ob->stop, 1);
	pthread_mutex_lock(&ob->mu);
	pthread_cond_broadcast(&ob->cv);
	pthread_mutex_unlock(&ob->mu);
	for (int i = 0; i < ob->n; i++)
		if (ob->r[i].started)
			pthread_join(ob->r[i].th, NULL);
	outbox_close(ob);
}
