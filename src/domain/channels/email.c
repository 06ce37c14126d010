/* email.c - see email.h.
 *
 * The 'email' channel: one delivery per publication event (as every
 * channel), fanned out here to the org's confirmed subscribers of the
 * item's category, one message each (each carries its own unsubscribe
 * link). Whom a delivery went through is recorded per recipient
 * (email_sends) as soon as the server accepted (or refused) the message,
 * so a retry after a failure half-way - the server down, the worker
 * killed - sends only to the others. A recipient the server refuses (a
 * 5xx to RCPT TO) is marked on the subscriber and the others still get
 * theirs; no connection, a timeout or a 4xx stops the attempt and the
 * worker retries later; a refusal of every message (authentication, the
 * sender) is a failure for a person to look at. A withdrawal mails nobody. */
#include "domain/channels/email.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/channels/channel.h"
#include "domain/channels/config.h"
#include "domain/channels/outbox_int.h"
#include "store/db.h"
#include "store/store.h"
#include "store/subscriber.h"
#include "core/banned.h"

#define BATCH 50
#define BAD_ADDRESS "电子邮箱地址格式不正确，请检查后重新填写。"

/* ---- addresses ---- */

static bool atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static bool label_ok(const char *p, size_t n)
{
	bool ascii_only = true;

	if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80)
			ascii_only = false;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	/* an ASCII label in the xn-- form must be followed by something */
	return !ascii_only || n != 4 || strncmp(p, "xn--", 4) != 0;
}

int mail_address_check(struct arena *a, const char *in, const char **out, const char **msg)
{
	struct str t = str_trim(str_c(in ? in : ""));
	const char *at, *dom, *p;
	size_t local, dn, labels = 0;
	char *s;

	*out = NULL;
	if (t.n == 0) {
		*msg = "请填写电子邮箱地址。";
		return ERR_INVALID;
	}
	if (t.n > MAIL_ADDR_MAX) {
		*msg = "电子邮箱地址过长。";
		return ERR_INVALID;
	}
	if (!utf8_valid(t.p, t.n) || !(at = memchr(t.p, '@', t.n)) || memchr(at + 1, '@', t.n - (size_t)(at - t.p) - 1)) {
		*msg = BAD_ADDRESS;
		return ERR_INVALID;
	}
	local = (size_t)(at - t.p);
	dom = at + 1;
	dn = t.n - local - 1;
	*msg = BAD_ADDRESS;
	if (local == 0 || local > 64 || t.p[0] == '.' || t.p[local - 1] == '.')
		return ERR_INVALID;
	for (size_t i = 0; i < local; i++)
		if (!(atext((unsigned char)t.p[i]) || (t.p[i] == '.' && t.p[i + 1] != '.')))
			return ERR_INVALID;
	for (p = dom; p < dom + dn;) {
		const char *e = memchr(p, '.', (size_t)(dom + dn - p));
		size_t ln = e ? (size_t)(e - p) : (size_t)(dom + dn - p);

		if (!label_ok(p, ln))
			return ERR_INVALID;
		labels++;
		p += ln + (e ? 1 : 0);
		if (e && p == dom + dn)
			return ERR_INVALID;  /* a trailing dot */
	}
	if (labels < 2)
		return ERR_INVALID;
	if (!(s = arena_strndup(a, t.p, t.n)))
		return ERR_NOMEM;
	for (size_t i = local + 1; i < t.n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	*out = s;
	*msg = NULL;
	return 0;
}

/* ---- settings ---- */

void mail_conf_of(struct arena *a, const struct chan_config *c, const char *org_name, struct mail_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->url = c->endpoint ? c->endpoint : "";
	conf->user = c->app_id ? c->app_id : "";
	conf->password = c->secret ? c->secret : "";
	conf->from = dchan_config_str(a, c->config, "from");
	conf->reply_to = dchan_config_str(a, c->config, "reply_to");
	conf->from_name = org_name ? org_name : "";
}

int mail_conf_check(const struct mail_conf *conf, const char **msg)
{
	struct arena a;
	const char *norm, *m;
	const char *host = strncmp(conf->url, "smtp://", 7) == 0 ? conf->url + 7
			   : strncmp(conf->url, "smtps://", 8) == 0 ? conf->url + 8 : NULL;
	int rc = 0;

	if (!host || !*host || *host == '/' || strpbrk(conf->url, " \t\r\n\"<>\\") || strlen(conf->url) > 500) {
		*msg = "邮件服务器地址应为 smtp://主机[:端口] 或 smtps://主机[:端口]。";
		return ERR_INVALID;
	}
	arena_init(&a, 0);
	if (!conf->from || mail_address_check(&a, conf->from, &norm, &m)) {
		*msg = "请填写有效的发件人地址。";
		rc = ERR_INVALID;
	} else if (conf->reply_to && *conf->reply_to && mail_address_check(&a, conf->reply_to, &norm, &m)) {
		*msg = "回复地址（Reply-To）格式不正确。";
		rc = ERR_INVALID;
	}
	arena_release(&a);
	return rc;
}

/* ---- messages ---- */

/* RFC 2047 encoded words of s (UTF-8), each at most 75 characters, folded
 * onto continuation lines. */
static void encode_words(struct buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	bool first = true;

	while (i < n) {
		size_t take = 0;
		char b64[80];

		/* at most 45 bytes (60 base64 characters), whole characters */
		while (i + take < n) {
			size_t k = 1;
			unsigned char c = (unsigned char)s[i + take];

			if (c >= 0xF0)
				k = 4;
			else if (c >= 0xE0)
				k = 3;
			else if (c >= 0xC0)
				k = 2;
			if (take + k > 45)
				break;
			take += k;
		}
		if (take == 0)
			take = n - i < 45 ? n - i : 45;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i, take, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
		first = false;
		i += take;
	}
}

static void base64_lines(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i += 57) {
		char line[80];
		size_t k = n - i < 57 ? n - i : 57;

		sodium_bin2base64(line, sizeof(line), (const unsigned char *)s + i, k, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s\r\n", line);
	}
}

static void rfc5322_date(char out[40])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *random_hex(struct arena *a, size_t bytes)
{
	unsigned char r[32];
	char hex[65];

	randombytes_buf(r, bytes);
	hex_encode(r, bytes, hex);
	hex[2 * bytes] = '\0';
	return arena_strdup(a, hex);
}

const char *mail_compose(struct arena *a, const struct mail_conf *conf, const struct mail *m, size_t *n)
{
	const char *boundary = random_hex(a, 12), *dom = strchr(conf->from, '@');
	char date[40];
	struct buf b;

	if (!boundary)
		return NULL;
	rfc5322_date(date);
	buf_init(&b, a, 64 * 1024 * 1024);
	buf_printf(&b, "Date: %s\r\nFrom: ", date);
	if (conf->from_name && *conf->from_name) {
		encode_words(&b, conf->from_name);
		buf_puts(&b, " ");
	}
	buf_printf(&b, "<%s>\r\nTo: <%s>\r\n", conf->from, m->to);
	if (conf->reply_to && *conf->reply_to)
		buf_printf(&b, "Reply-To: <%s>\r\n", conf->reply_to);
	buf_puts(&b, "Subject: ");
	encode_words(&b, m->subject);
	buf_printf(&b, "\r\nMessage-ID: <%s.%lld@%s>\r\n", random_hex(a, 16), (long long)time(NULL),
		   dom ? dom + 1 : "localhost");
	if (m->unsub_url)
		buf_printf(&b, "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
			   m->unsub_url);
	buf_puts(&b, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (m->html) {
		buf_printf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
		buf_printf(&b, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			   boundary);
		base64_lines(&b, m->text);
		buf_printf(&b, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			   boundary);
		base64_lines(&b, m->html);
		buf_printf(&b, "--%s--\r\n", boundary);
	} else {
		buf_puts(&b, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		base64_lines(&b, m->text);
	}
	if (b.err)
		return NULL;
	*n = b.n;
	return buf_cstr(&b);
}

const char *mail_token(struct arena *a)
{
	unsigned char r[32];
	char out[64];

	randombytes_buf(r, sizeof(r));
	sodium_bin2base64(out, sizeof(out), r, sizeof(r), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return arena_strdup(a, out);
}

const char *mail_token_hash(struct arena *a, const char *token)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	hex_encode(h, sizeof(h), hex);
	hex[64] = '\0';
	return arena_strdup(a, hex);
}

/* ---- SMTP ---- */

struct smtp_session {
	CURL *h;
	struct mail_conf conf;
	char from[MAIL_ADDR_MAX + 3];
	char err[CURL_ERROR_SIZE];
	const char *p;   /* the message being read out */
	size_t left;
};

static size_t on_read(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct smtp_session *s = ud;
	size_t k = size * nmemb < s->left ? size * nmemb : s->left;

	memcpy(ptr, s->p, k);
	s->p += k;
	s->left -= k;
	return k;
}

struct smtp_session *smtp_open(const struct mail_conf *conf)
{
	struct smtp_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (!(s->h = curl_easy_init())) {
		free(s);
		return NULL;
	}
	s->conf = *conf;
	snprintf(s->from, sizeof(s->from), "<%s>", conf->from);
	curl_easy_setopt(s->h, CURLOPT_URL, conf->url);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, s->from);
	if (conf->user && *conf->user) {
		curl_easy_setopt(s->h, CURLOPT_USERNAME, conf->user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, conf->password ? conf->password : "");
	}
	/* STARTTLS when the server offers it (smtps:// is TLS from the start);
	 * certificates are always verified */
	curl_easy_setopt(s->h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(s->h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(s->h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, conf->timeout_ms > 0 ? conf->timeout_ms : 30000L);
	curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(s->h, CURLOPT_READDATA, s);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->err);
	return s;
}

void smtp_close(struct smtp_session *s)
{
	if (!s)
		return;
	curl_easy_cleanup(s->h);
	free(s);
}

enum mail_outcome smtp_send(struct smtp_session *s, struct arena *a, const char *to, const char *message, size_t n,
			    long *code, const char **msg)
{
	struct curl_slist *rcpt = NULL;
	char addr[MAIL_ADDR_MAX + 3];
	CURLcode rc;

	*code = 0;
	*msg = NULL;
	snprintf(addr, sizeof(addr), "<%s>", to);
	if (!(rcpt = curl_slist_append(NULL, addr))) {
		*msg = "内存不足";
		return MAIL_RETRY;
	}
	s->p = message;
	s->left = n;
	s->err[0] = '\0';
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
	rc = curl_easy_perform(s->h);
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, code);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return MAIL_SENT;
	if (rc == CURLE_LOGIN_DENIED) {
		*msg = arena_printf(a, "邮件服务器拒绝登录（%ld）：请检查用户名和密码", *code);
		return MAIL_FAILED;
	}
	if (*code >= 500 && strstr(s->err, "RCPT")) {
		*msg = arena_printf(a, "邮件服务器拒收该地址（%ld）", *code);
		return MAIL_REJECTED;
	}
	if (*code >= 500) {
		*msg = arena_printf(a, "邮件服务器拒绝发送（%ld：%s）", *code, s->err);
		return MAIL_FAILED;
	}
	*msg = arena_printf(a, "邮件服务器暂时无法发送（%s%s%ld）", *s->err ? s->err : curl_easy_strerror(rc),
			    *code ? "，" : "", *code);
	return MAIL_RETRY;
}

/* ---- the channel ---- */

static void html_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s); break;
		}
	}
}

/* The mail of ev for one subscriber. */
static int notice_mail(struct arena *a, const struct chan_event *ev, const struct subscriber *sub, struct mail *m)
{
	const struct item *it = ev->item;
	bool corr = strcmp(ev->event, "correct") == 0;
	const char *unsub = arena_printf(a, "%s/o/%s/unsubscribe?t=%s", ev->base_url, ev->org->slug, sub->unsub_token);
	struct buf t, h;

	buf_init(&t, a, 16 * 1024 * 1024);
	buf_init(&h, a, 64 * 1024 * 1024);
	buf_printf(&t, "%s%s：%s\n\n", ev->org->name, corr ? "更正了已公开的信息" : "公开了新的政府信息", it->title);
	if (it->index_no)
		buf_printf(&t, "索引号：%s\n", it->index_no);
	buf_printf(&t, "公开类别：%s\n", ev->category);
	if (it->published_on)
		buf_printf(&t, "发布日期：%s\n", it->published_on);
	buf_printf(&t, "\n全文：%s\n\n——\n您订阅了%s的政府信息公开。退订：%s\n", ev->url, ev->org->name, unsub);
	buf_puts(&h, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
	html_text(&h, it->title);
	buf_puts(&h, "</title></head><body><p>");
	html_text(&h, ev->org->name);
	buf_puts(&h, corr ? "更正了已公开的信息：" : "公开了新的政府信息：");
	buf_puts(&h, "</p><h1><a href=\"");
	html_text(&h, ev->url);
	buf_puts(&h, "\">");
	html_text(&h, it->title);
	buf_puts(&h, "</a></h1><p>");
	if (it->index_no) {
		buf_puts(&h, "索引号：");
		html_text(&h, it->index_no);
		buf_puts(&h, "<br>");
	}
	buf_puts(&h, "公开类别：");
	html_text(&h, ev->category);
	buf_puts(&h, "</p>");
	if (ev->body_html)
		buf_puts(&h, ev->body_html);  /* trusted: rendered without raw HTML, links absolute */
	buf_puts(&h, "<hr><p>您订阅了");
	html_text(&h, ev->org->name);
	buf_puts(&h, "的政府信息公开。<a href=\"");
	html_text(&h, unsub);
	buf_puts(&h, "\">退订</a></p></body></html>");
	if (t.err || h.err || !unsub)
		return ERR_NOMEM;
	m->to = sub->email;
	m->subject = arena_printf(a, "%s%s", corr ? "【更正】" : "", it->title);
	m->text = buf_cstr(&t);
	m->html = buf_cstr(&h);
	m->unsub_url = unsub;
	return m->subject ? 0 : ERR_NOMEM;
}

static int email_check(struct arena *a, const struct chan_config *c, const char **msg)
{
	struct mail_conf conf;

	mail_conf_of(a, c, "", &conf);
	return mail_conf_check(&conf, msg);
}

static enum chan_result email_send(struct chan_send *s)
{
	const struct chan_event *ev = s->ev;
	struct db *db = outbox_attempt_db(s->att_ctx);
	struct mail_conf conf;
	struct smtp_session *ss = NULL;
	const char *pattern, *msg = NULL, *why = NULL;
	enum chan_result res = CHAN_DELIVERED;
	long long after = 0, sent = 0, rejected = 0;
	char now[32];
	long code = 0;
	int rc;

	if (strcmp(ev->event, "withdraw") == 0)
		return chan_say(s, CHAN_DELIVERED, "撤回不向订阅者发送邮件");
	mail_conf_of(s->a, s->ch, ev->org->name, &conf);
	if (mail_conf_check(&conf, &msg))
		return chan_say(s, CHAN_FAILED, "%s", msg);
	conf.timeout_ms = outbox_attempt_net(s->att_ctx)->timeout_ms;
	if (!(pattern = arena_printf(s->a, ",%lld,", ev->item->category_id)) || !(ss = smtp_open(&conf)))
		return chan_say(s, CHAN_RETRY, "内存不足");
	for (;;) {
		struct subscriber *subs;
		size_t n;

		if ((rc = store_subscribers_to_send(db, s->a, ev->org->id, ev->delivery_id, pattern, after, BATCH, &subs,
						    &n))) {
			res = chan_say(s, CHAN_RETRY, "读取订阅者失败（%s）", err_name(rc));
			goto out;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			struct mail m;
			const char *text;
			size_t len;
			enum mail_outcome o;

			if (outbox_attempt_stopping(s->att_ctx)) {
				res = chan_say(s, CHAN_RETRY, "服务停止，未发完的下次继续");
				goto out;
			}
			if (notice_mail(s->a, ev, &subs[i], &m) || !(text = mail_compose(s->a, &conf, &m, &len))) {
				res = chan_say(s, CHAN_RETRY, "内存不足");
				goto out;
			}
			o = smtp_send(ss, s->a, subs[i].email, text, len, &code, &why);
			s->http_status = (int)code;
			{
				time_t t = time(NULL);
				struct tm tm;

				gmtime_r(&t, &tm);
				strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
			}
			if (o == MAIL_SENT) {
				rc = store_email_send(db, ev->org->id, ev->delivery_id, subs[i].id, "sent", "", now);
			} else if (o == MAIL_REJECTED) {
				log_warn("email: delivery %lld: subscriber %lld refused: %s", ev->delivery_id, subs[i].id, why);
				if (!(rc = store_email_send(db, ev->org->id, ev->delivery_id, subs[i].id, "rejected", why, now)))
					rc = store_subscriber_rejected(db, ev->org->id, subs[i].id, why, now);
			} else {
				res = chan_say(s, o == MAIL_FAILED ? CHAN_FAILED : CHAN_RETRY, "%s", why ? why : "发送失败");
				goto out;
			}
			if (rc) {
				/* sent but not recorded: a retry would send it again; say so */
				res = chan_say(s, CHAN_RETRY, "发送记录无法保存（%s）", err_name(rc));
				goto out;
			}
			after = subs[i].id;
		}
	}
out:
	smtp_close(ss);
	if (store_email_send_counts(db, ev->org->id, ev->delivery_id, &sent, &rejected) == 0 && res == CHAN_DELIVERED)
		return rejected ? chan_say(s, CHAN_DELIVERED, "已发送 %lld 封；%lld 个地址被邮件服务器拒收", sent, rejected)
				: chan_say(s, CHAN_DELIVERED, "已发送 %lld 封", sent);
	if (res != CHAN_DELIVERED && (sent || rejected))
		s->message = arena_printf(s->a, "%s（此前已发送 %lld 封，重试时不再重发）", s->message, sent);
	return res;
}

const struct chan_driver chan_email = {
	.kind = "email",
	.label = "电子邮件订阅",
	.needs = CHAN_NEEDS_ENDPOINT,
	.endpoint_label = "邮件服务器（smtp:// 或 smtps://）",
	.default_endpoint = NULL,
	.stat_metric = NULL,
	.check = email_check,
	.send = email_send,
};
