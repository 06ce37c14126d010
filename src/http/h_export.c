/* h_export.c - the signed export feed the government platform pulls
 * (issue 8, 3(a)): GET /api/v1/orgs/{org}/export?since=CURSOR and the
 * platform-wide /api/v1/export?since=CURSOR, and the public key that
 * verifies them, /api/v1/export/public-key.
 *
 * The feed is the sequence of publication events (publish, correct,
 * withdraw; store/publication.h), oldest first, a page at a time: the
 * cursor is the last event's id, which only grows, so a puller that keeps
 * it never misses an event and never sees one twice, whatever was
 * published, corrected or withdrawn meanwhile. Each event carries the item
 * as the public sees it now (null when it is no longer public: a puller
 * that applies the events in order ends with the current catalog). The
 * body is signed as sent: Ed25519 over the exact bytes, in the header
 * X-Gongkai-Signature (base64) with X-Gongkai-Key-Id. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <sodium.h>

#include "core/err.h"
#include "core/log.h"
#include "core/signkey.h"
#include "http/http.h"
#include "http/view.h"
#include "render/html.h"
#include "render/markdown.h"
#include "store/publication.h"
#include "store/store.h"
#include "core/banned.h"

#define EXPORT_PAGE_DEFAULT 100
#define INLINE_FILE_MAX (2LL * 1024 * 1024)    /* ?inline=1: attachments up to this size */
#define INLINE_TOTAL_MAX (16LL * 1024 * 1024)  /* and at most this much per response */

#define NO_KEY "本站尚未配置导出签名密钥：请管理员运行 gongkai feed keygen 后重启服务。"

/* The body's root-relative links and images made absolute (base + path):
 * the platform shows the body elsewhere. The HTML is trusted (cmark with
 * raw HTML off, or the report renderer), so its attributes are always
 * written as href="..." and src="...". */
static const char *absolute_html(struct arena *a, const char *base, const char *html)
{
	struct buf b;
	const char *p = html;

	buf_init(&b, a, 64 * 1024 * 1024);
	while (*p) {
		const char *h = strstr(p, "href=\"/"), *s = strstr(p, "src=\"/"), *at;
		size_t skip;

		at = h && (!s || h < s) ? h : s;
		if (!at) {
			buf_puts(&b, p);
			break;
		}
		skip = at == h ? 6 : 5;  /* through the quote */
		buf_append(&b, p, (size_t)(at - p) + skip);
		if (at[skip + 1] != '/')  /* "//host": already absolute */
			buf_puts(&b, base);
		p = at + skip;
	}
	return b.err ? NULL : buf_cstr(&b);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The attachment's bytes in base64 when ?inline=1 and they fit the caps;
 * *budget is what the response may still take. NULL otherwise. */
static json_t *inline_file(struct req *r, const struct attachment *at, long long *budget)
{
	char path[1024];
	unsigned char *bytes;
	char *b64;
	size_t b64n;
	long long got = 0;
	int fd;

	if (at->size > INLINE_FILE_MAX || at->size > *budget)
		return NULL;
	snprintf(path, sizeof(path), "%s/%.2s/%s", r->app->files_dir, at->sha256, at->sha256);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	bytes = arena_alloc(&r->arena, (size_t)at->size + 1);
	while (bytes && got < at->size) {
		ssize_t n = read(fd, bytes + got, (size_t)(at->size - got));

		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (!bytes || got != at->size)
		return NULL;
	b64n = sodium_base64_ENCODED_LEN((size_t)got, sodium_base64_VARIANT_ORIGINAL);
	if (!(b64 = arena_alloc(&r->arena, b64n)))
		return NULL;
	sodium_bin2base64(b64, b64n, bytes, (size_t)got, sodium_base64_VARIANT_ORIGINAL);
	*budget -= got;
	return json_string(b64);
}

/* The item as the public sees it, with absolute URLs. */
static int item_json(struct req *r, const char *base, const char *slug, const struct item *it, bool inl,
		     long long *budget, json_t **out)
{
	struct attachment *atts;
	struct safe_html body = { 0 };
	const char *html;
	size_t na;
	json_t *j, *al;
	int rc;

	if (it->body_html && *it->body_html)
		body = safe_html_from_trusted(it->body_html, strlen(it->body_html));
	else if ((rc = markdown_to_html(&r->arena, it->body_md, strlen(it->body_md), &body)))
		return rc;
	if (!(html = arena_strndup(&r->arena, body.p, body.n)) || !(html = absolute_html(&r->arena, base, html)))
		return ERR_NOMEM;
	if ((rc = store_attachment_list(req_db(r), &r->arena, it->org_id, it->id, &atts, &na)))
		return rc;
	j = json_object();
	json_object_set_new(j, "id", json_integer(it->id));
	json_object_set_new(j, "org", json_string(slug));
	json_object_set_new(j, "url", json_string(arena_printf(&r->arena, "%s/o/%s/items/%lld", base, slug, it->id)));
	json_object_set_new(j, "version", json_integer(it->version));
	json_object_set_new(j, "index_no", str_or_null(it->index_no));
	json_object_set_new(j, "title", json_string(it->title));
	json_object_set_new(j, "doc_no", json_string(it->doc_no));
	json_object_set_new(j, "publisher", json_string(it->publisher));
	json_object_set_new(j, "written_on", str_or_null(it->written_on));
	json_object_set_new(j, "published_on", str_or_null(it->published_on));
	json_object_set_new(j, "corrected_on", str_or_null(it->corrected_on));
	json_object_set_new(j, "category", json_string(it->category));
	json_object_set_new(j, "topic", json_string(it->topic));
	json_object_set_new(j, "genre", json_string(it->genre));
	json_object_set_new(j, "validity", json_string(it->validity));
	json_object_set_new(j, "validity_on", str_or_null(it->validity_on));
	json_object_set_new(j, "summary", json_string(it->summary));
	json_object_set_new(j, "body_html", json_string(html));
	al = json_array();
	for (size_t i = 0; i < na; i++) {
		json_t *a = json_object(), *content;
		const char *url = view_attachment_url(&r->arena, slug, it->id, atts[i].id, atts[i].filename);

		json_object_set_new(a, "id", json_integer(atts[i].id));
		json_object_set_new(a, "name", json_string(view_attachment_name(&r->arena, atts[i].filename)));
		json_object_set_new(a, "mime", json_string(atts[i].mime));
		json_object_set_new(a, "size", json_integer(atts[i].size));
		json_object_set_new(a, "sha256", json_string(atts[i].sha256));
		json_object_set_new(a, "url", url ? json_string(arena_printf(&r->arena, "%s%s", base, url)) : json_null());
		if (inl) {
			if ((content = inline_file(r, &atts[i], budget)))
				json_object_set_new(a, "content_base64", content);
			else
				json_object_set_new(a, "inline", json_string("omitted")); /* too large: fetch url */
		}
		json_array_append_new(al, a);
	}
	json_object_set_new(j, "attachments", al);
	*out = j;
	return 0;
}

/* The events after ?since= of org_id (0: every agency), signed. */
static int export_page(struct req *r, long long org_id, const char *path)
{
	long long since = param_int(r, "since", 0), limit = param_int(r, "limit", EXPORT_PAGE_DEFAULT);
	long long budget = INLINE_TOTAL_MAX, cursor = since;
	bool inl = param_int(r, "inline", 0) == 1;
	const char *base = r->app->public_url ? r->app->public_url : req_base_url(r);
	struct pub_event *ev;
	size_t n;
	int more, rc;
	json_t *root, *events;
	char *body, sig[89];
	const char *hdrs[5];

	if (!r->app->feed_key)
		return respond_error(r, 503, NO_KEY);
	if ((rc = store_pub_events(req_db(r), &r->arena, org_id, since, limit, &ev, &n, &more)))
		return respond_server_error(r, rc);
	root = json_object();
	events = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object(), *item = json_null();

		if (strcmp(ev[i].status, "published") == 0) {
			struct item it;

			json_decref(item);
			item = NULL;
			if ((rc = store_item_get(req_db(r), &r->arena, ev[i].org_id, ev[i].item_id, &it)) ||
			    (rc = item_json(r, base, ev[i].org_slug, &it, inl, &budget, &item))) {
				json_decref(e);
				json_decref(events);
				json_decref(root);
				return respond_server_error(r, rc);
			}
		}
		json_object_set_new(e, "seq", json_integer(ev[i].id));
		json_object_set_new(e, "kind", json_string(ev[i].kind));
		json_object_set_new(e, "at", json_string(ev[i].at));
		json_object_set_new(e, "org", json_string(ev[i].org_slug));
		json_object_set_new(e, "item_id", json_integer(ev[i].item_id));
		json_object_set_new(e, "version", json_integer(ev[i].version));
		/* what the public sees now: null when the item is not public any more */
		json_object_set_new(e, "item", item);
		json_array_append_new(events, e);
		cursor = ev[i].id;
	}
	json_object_set_new(root, "since", json_integer(since));
	json_object_set_new(root, "cursor", json_integer(cursor));
	json_object_set_new(root, "more", json_boolean(more));
	json_object_set_new(root, "next", json_string(arena_printf(&r->arena, "%s?since=%lld%s%s", path, cursor,
								   limit != EXPORT_PAGE_DEFAULT ? arena_printf(&r->arena, "&limit=%lld", limit) : "",
								   inl ? "&inline=1" : "")));
	json_object_set_new(root, "events", events);
	body = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!body)
		return respond_server_error(r, ERR_NOMEM);
	signkey_sign_b64(r->app->feed_key, body, strlen(body), sig);
	hdrs[0] = "X-Gongkai-Signature";
	hdrs[1] = arena_strdup(&r->arena, sig);
	hdrs[2] = "X-Gongkai-Key-Id";
	hdrs[3] = r->app->feed_key->id;
	hdrs[4] = NULL;
	rc = respond_bytes_headers(r, 200, "application/json; charset=utf-8", body, strlen(body), "no-store", hdrs);
	free(body);
	return rc;
}

int h_api_export_org(struct req *r)
{
	return export_page(r, r->org.id, arena_printf(&r->arena, "/api/v1/orgs/%s/export", r->org.slug));
}

int h_api_export(struct req *r)
{
	return export_page(r, 0, "/api/v1/export");
}

int h_api_export_key(struct req *r)
{
	char pk[45];
	json_t *j;
	char *body;
	int rc;

	if (!r->app->feed_key)
		return respond_error(r, 503, NO_KEY);
	signkey_public_b64(r->app->feed_key, pk);
	j = json_object();
	json_object_set_new(j, "algorithm", json_string("Ed25519"));
	json_object_set_new(j, "key_id", json_string(r->app->feed_key->id));
	json_object_set_new(j, "public_key", json_string(pk));
	json_object_set_new(j, "signature_header", json_string("X-Gongkai-Signature"));
	json_object_set_new(j, "key_id_header", json_string("X-Gongkai-Key-Id"));
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!body)
		return respond_server_error(r, ERR_NOMEM);
	rc = respond_bytes(r, 200, "application/json; charset=utf-8", body, strlen(body), "public, max-age=3600");
	free(body);
	return rc;
}
