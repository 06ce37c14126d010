/* platform_push.c - the government platform's push channel: POST the item
 * as JSON to the configured endpoint, signed with the channel's secret.
 *
 * Headers: Content-Type application/json; X-Gongkai-Delivery: the
 * idempotency key (the same on every attempt of a delivery);
 * X-Gongkai-Event; X-Gongkai-Signature: "sha256=" and the hex HMAC-SHA256
 * of the body bytes under the secret (libsodium crypto_auth_hmacsha256).
 * An answer 2xx is delivered; 408 and 429 and 5xx, timeouts and no
 * connection are retried; any other 4xx is a permanent failure (the
 * platform refuses it: a person must look); a 2xx whose body is not empty
 * and not JSON is also retried (garbage: something else answered). */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/channels/channel.h"
#include "domain/channels/net.h"
#include "domain/channels/payload.h"
#include "store/store.h"
#include "core/banned.h"

const char *platform_signature(struct arena *a, const char *secret, const char *body, size_t n)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char hex[2 * sizeof(mac) + 1];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, n);
	crypto_auth_hmacsha256_final(&st, mac);
	hex_encode(mac, sizeof(mac), hex);
	hex[2 * sizeof(mac)] = '\0';
	return arena_printf(a, "sha256=%s", hex);
}

const char *platform_payload(struct arena *a, const struct chan_event *ev)
{
	const struct item *it = ev->item;
	json_t *o = json_object(), *atts = json_array();
	char *s;
	const char *out = NULL;

	if (!o || !atts)
		goto out;
	json_object_set_new(o, "delivery", json_string(ev->key));
	json_object_set_new(o, "event", json_string(ev->event));
	json_object_set_new(o, "org", json_pack("{s:s, s:s, s:s}", "slug", ev->org->slug, "name", ev->org->name,
						 "code", ev->org->org_code ? ev->org->org_code : ""));
	json_object_set_new(o, "id", json_integer(it->id));
	json_object_set_new(o, "version", json_integer(ev->item_version));
	json_object_set_new(o, "index_no", json_string(it->index_no ? it->index_no : ""));
	json_object_set_new(o, "title", json_string(it->title));
	json_object_set_new(o, "doc_no", json_string(it->doc_no ? it->doc_no : ""));
	json_object_set_new(o, "publisher", json_string(it->publisher ? it->publisher : ""));
	json_object_set_new(o, "written_on", it->written_on ? json_string(it->written_on) : json_null());
	json_object_set_new(o, "published_on", it->published_on ? json_string(it->published_on) : json_null());
	json_object_set_new(o, "corrected_on", it->corrected_on ? json_string(it->corrected_on) : json_null());
	json_object_set_new(o, "category", json_string(ev->category));
	json_object_set_new(o, "topic", json_string(it->topic ? it->topic : ""));
	json_object_set_new(o, "genre", json_string(it->genre ? it->genre : ""));
	json_object_set_new(o, "validity", json_string(it->validity ? it->validity : ""));
	json_object_set_new(o, "summary", json_string(it->summary ? it->summary : ""));
	json_object_set_new(o, "url", json_string(ev->url));
	json_object_set_new(o, "body_html", json_string(ev->body_html));
	for (size_t i = 0; i < ev->natt; i++)
		json_array_append_new(atts, json_pack("{s:s, s:s, s:I, s:s, s:s}", "filename", ev->att[i].filename,
						      "mime", ev->att[i].mime, "size", (json_int_t)ev->att[i].size,
						      "sha256", ev->att[i].sha256, "url", ev->att[i].url));
	json_object_set(o, "attachments", atts);
	if ((s = json_dumps(o, JSON_COMPACT))) {
		out = arena_strdup(a, s);
		free(s);
	}
out:
	json_decref(atts);
	json_decref(o);
	return out;
}

static int check(struct arena *a, const struct chan_config *c, const char **msg)
{
	(void)a;
	if (strlen(c->secret) < 16) {
		*msg = "签名密钥至少 16 个字符。";
		return ERR_INVALID;
	}
	return 0;
}

static enum chan_result send(struct chan_send *s)
{
	const char *body = platform_payload(s->a, s->ev);
	const char *hdr[5];
	struct net_resp r;
	int rc;

	if (!body)
		return chan_say(s, CHAN_RETRY, "内存不足");
	hdr[0] = "Content-Type: application/json; charset=utf-8";
	hdr[1] = arena_printf(s->a, "X-Gongkai-Delivery: %s", s->ev->key);
	hdr[2] = arena_printf(s->a, "X-Gongkai-Event: %s", s->ev->event);
	hdr[3] = arena_printf(s->a, "X-Gongkai-Signature: %s",
			      platform_signature(s->a, s->ch->secret, body, strlen(body)));
	hdr[4] = NULL;
	if (!hdr[1] || !hdr[2] || !hdr[3])
		return chan_say(s, CHAN_RETRY, "内存不足");
	if ((rc = chan_http(s, "POST", s->ch->endpoint, hdr, body, strlen(body), &r)))
		return chan_say(s, rc == ERR_INVALID ? CHAN_FAILED : CHAN_RETRY, "推送地址无效或发送失败（%s）",
				err_name(rc));
	s->http_status = (int)r.status;
	if (r.outcome != NET_OK)
		return chan_say(s, CHAN_RETRY, "%s", r.error);
	if (r.status >= 200 && r.status < 300) {
		json_t *j = NULL, *id;

		if (r.n == 0)
			return chan_say(s, CHAN_DELIVERED, "平台已接收（HTTP %ld）", r.status);
		if (!(j = json_loadb(r.body, r.n, 0, NULL)) || !json_is_object(j)) {
			json_decref(j);
			return chan_say(s, CHAN_RETRY, "平台答复无法识别（不是 JSON 对象）：%s", net_describe(s, &r));
		}
		if ((id = json_object_get(j, "id")) && json_is_string(id))
			s->remote_id = arena_strdup(s->a, json_string_value(id));
		else if (id && json_is_integer(id))
			s->remote_id = arena_printf(s->a, "%lld", (long long)json_integer_value(id));
		json_decref(j);
		return chan_say(s, CHAN_DELIVERED, "平台已接收（HTTP %ld）", r.status);
	}
	if (r.status == 408 || r.status == 429 || r.status >= 500)
		return chan_say(s, CHAN_RETRY, "平台暂时无法接收：%s", net_describe(s, &r));
	return chan_say(s, CHAN_FAILED, "平台拒绝接收：%s", net_describe(s, &r));
}

const struct chan_driver chan_platform_push = {
	.kind = "platform_push",
	.label = "政务公开平台推送",
	.needs = CHAN_NEEDS_ENDPOINT | CHAN_NEEDS_SECRET,
	.endpoint_label = "推送地址（HTTP/HTTPS）",
	.default_endpoint = NULL,
	.stat_metric = "公开目录类",
	.check = check,
	.send = send,
};
