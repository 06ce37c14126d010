/* net.c - the drivers' HTTP client over libcurl. See net.h. */
#include "domain/channels/net.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/channels/channel.h"
#include "domain/channels/outbox_int.h"
#include "core/banned.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_curl(void)
{
	init_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : ERR_INTERNAL;
}

int chan_net_global_init(void)
{
	pthread_once(&init_once, init_curl);
	return init_rc;
}

struct sink {
	struct buf b;
	size_t max;
	bool too_large;
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink *k = arg;
	size_t n = size * nmemb;

	if (k->b.n + n > k->max) {
		k->too_large = true;
		return 0; /* abort the transfer */
	}
	buf_append(&k->b, p, n);
	return k->b.err ? 0 : n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return outbox_attempt_stopping(arg) ? 1 : 0;
}

static bool url_ok(const char *url)
{
	return url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run the prepared handle; fill out. */
static int perform(struct chan_send *s, CURL *h, struct net_resp *out)
{
	const struct chan_net *net = outbox_attempt_net(s->att_ctx);
	struct sink k = { .max = net->max_response ? net->max_response : 1024 * 1024 };
	char errbuf[CURL_ERROR_SIZE] = "";
	long long t0 = now_ms();
	CURLcode cc;

	memset(out, 0, sizeof(*out));
	buf_init(&k.b, s->a, k.max + 1);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, net->connect_timeout_ms > 0 ? net->connect_timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, net->timeout_ms > 0 ? net->timeout_ms : 30000L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "gongkai-outbox/1");
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, s->att_ctx);
	cc = curl_easy_perform(h);
	out->ms = now_ms() - t0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	out->body = (char *)buf_cstr(&k.b);
	out->n = k.b.err ? 0 : k.b.n;
	out->error = "";
	if (k.b.err == ERR_NOMEM)
		return ERR_NOMEM;
	switch (cc) {
	case CURLE_OK:
		out->outcome = NET_OK;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		out->outcome = NET_TIMEOUT;
		out->error = arena_printf(s->a, "超时（%lld 毫秒内未收到完整答复）", out->ms);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		out->outcome = NET_CONNECT;
		out->error = arena_printf(s->a, "无法连接（%s）", *errbuf ? errbuf : curl_easy_strerror(cc));
		break;
	case CURLE_WRITE_ERROR:
		if (k.too_large) {
			out->outcome = NET_TOO_LARGE;
			out->error = arena_printf(s->a, "答复超过 %zu 字节，已中止", k.max);
			break;
		}
		/* fall through */
	default:
		out->outcome = NET_ERROR;
		out->error = cc == CURLE_ABORTED_BY_CALLBACK
				     ? "服务停止，发送中断"
				     : arena_printf(s->a, "发送失败（%s）", *errbuf ? errbuf : curl_easy_strerror(cc));
		break;
	}
	if (!out->error)
		return ERR_NOMEM;
	if (out->outcome != NET_OK)
		out->status = out->status ? out->status : 0;
	return 0;
}

int chan_http(struct chan_send *s, const char *method, const char *url, const char *const *headers,
	      const char *body, size_t n, struct net_resp *out)
{
	struct curl_slist *hl = NULL;
	CURL *h;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!url_ok(url))
		return ERR_INVALID;
	if (!(h = curl_easy_init()))
		return ERR_NOMEM;
	curl_easy_setopt(h, CURLOPT_URL, url);
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? n : 0));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	rc = perform(s, h, out);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return rc;
}

int chan_http_form(struct chan_send *s, const char *url, const struct net_part *parts, size_t nparts,
		   struct net_resp *out)
{
	struct curl_slist *hl = NULL;
	curl_mime *mime;
	CURL *h;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!url_ok(url))
		return ERR_INVALID;
	if (!(h = curl_easy_init()))
		return ERR_NOMEM;
	mime = curl_mime_init(h);
	for (size_t i = 0; i < nparts && !rc; i++) {
		curl_mimepart *p = curl_mime_addpart(mime);

		curl_mime_name(p, parts[i].name);
		if (parts[i].path) {
			if (curl_mime_filedata(p, parts[i].path) != CURLE_OK)
				rc = ERR_IO;
		} else {
			curl_mime_data(p, parts[i].data ? parts[i].data : "", parts[i].data ? parts[i].n : 0);
		}
		if (parts[i].filename) {
			curl_mime_filename(p, parts[i].filename);
			curl_mime_type(p, parts[i].mime ? parts[i].mime : "application/octet-stream");
		}
	}
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	if (!rc)
		rc = perform(s, h, out);
	curl_slist_free_all(hl);
	curl_mime_free(mime);
	curl_easy_cleanup(h);
	return rc;
}

const char *net_describe(struct chan_send *s, const struct net_resp *r)
{
	size_t n = r->n < 200 ? r->n : 200;
	struct buf b;

	if (r->outcome != NET_OK)
		return r->error;
	buf_init(&b, s->a, 1024);
	buf_printf(&b, "HTTP %ld", r->status);
	if (n) {
		buf_puts(&b, "：");
		/* the receiver's words, cut on a UTF-8 boundary, control characters as spaces */
		while (n < r->n && (r->body[n] & 0xC0) == 0x80)
			n--;
		for (size_t i = 0; i < n; i++)
			buf_putc(&b, (unsigned char)r->body[i] < 0x20 ? ' ' : r->body[i]);
	}
	return buf_cstr(&b);
}
