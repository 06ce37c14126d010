/* server.c - libmicrohttpd glue: request lifecycle, body parsing with
 * limits, declared parameters, sessions and CSRF, responses. */
#include "http/server.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "core/assets.h"
#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "domain/catalog/views.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "render/html.h"
#include "render/htmlcache.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/fts.h"
#include "core/signkey.h"
#include "domain/channels/outbox.h"
#include "http/static_site.h"
#include "http/view.h"
#include "store/publication.h"
#include "core/banned.h"

#define MAX_FORM_BYTES (2 * 1024 * 1024)  /* all non-file fields of one request */
#define MAX_FIELD_BYTES (1024 * 1024 + 64)
#define MAX_URL_BYTES 2048
#define SESSION_COOKIE "gk_session"
#define CSRF_COOKIE "gk_csrf"
#define SESSION_HOURS 12

/* Scripts only from our own static files (never inline), no plugins, no
 * framing. The same on every response, errors and files included. */
static const char csp[] =
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/* Features no page of ours uses, off for anything that gets in. */
static const char permissions_policy[] =
	"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

struct db *req_db(struct req *r)
{
	if (!r->db) {
		r->db = db_pool_get(r->app->pool);
		/* the audit trail's actor: the public (and its address) until a
		 * session says who it is */
		db_set_actor(r->db, r->staff ? r->user.id : 0, r->staff ? r->user.username : "", r->ip);
	}
	return r->db;
}

/* ---- responses ---- */

static void add_common_headers(struct req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", permissions_policy);
	/* only when told the site is reached over HTTPS: a browser that saw HSTS
	 * on plain HTTP would refuse the site until it gets a certificate */
	if (r->app->https)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->app->instance)
		MHD_add_response_header(resp, "X-Gongkai-Instance", r->app->instance);
	if (r->retry_after > 0) {
		char ra[24];

		snprintf(ra, sizeof(ra), "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (r->new_csrf_cookie) {
		char *c = arena_printf(&r->arena, CSRF_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict",
				       r->new_csrf_cookie);
		if (c)
			MHD_add_response_header(resp, "Set-Cookie", c);
	}
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
}

static int queue(struct req *r, int status, struct MHD_Response *resp)
{
	enum MHD_Result ok;

	if (!resp)
		return ERR_NOMEM;
	add_common_headers(r, resp);
	ok = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->responded = true;
	return ok == MHD_YES ? 0 : ERR_IO;
}

int respond_bytes(struct req *r, int status, const char *ctype, const char *p, size_t n, const char *cache)
{
	return respond_bytes_headers(r, status, ctype, p, n, cache, NULL);
}

int respond_bytes_headers(struct req *r, int status, const char *ctype, const char *p, size_t n, const char *cache,
			  const char *const *headers)
{
	struct MHD_Response *resp;

	if (r->method == M_HEAD)
		n = 0;
	resp = MHD_create_response_from_buffer(n, (void *)p, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return ERR_NOMEM;
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", cache ? cache : "no-store");
	for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2)
		MHD_add_response_header(resp, headers[i], headers[i + 1]);
	return queue(r, status, resp);
}

/* Types a browser may show in the site's own tab: raster images, which
 * run nothing. Everything else from stored or generated files is a
 * download, PDF included: a PDF can carry scripts, forms and links that a
 * viewer would show under this site's address. */
static bool inline_safe(const char *ctype)
{
	static const char *const ok[] = { "image/png", "image/jpeg", "image/gif" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(ctype, ok[i]) == 0)
			return true;
	return false;
}

/* A file's type as sent: never one a browser would run as a document of
 * this site (HTML, XHTML, SVG, any XML, scripts), whatever was stored.
 * OOXML (application/vnd.openxmlformats-...) is a zip and stays. */
static const char *file_ctype(const char *ctype)
{
	static const char *const active[] = { "text/html", "text/xml", "application/xml", "text/xsl", "multipart/" };
	size_t n = ctype ? strcspn(ctype, ";") : 0;

	if (!n || strpbrk(ctype, "\r\n"))
		return "application/octet-stream";
	while (n && ctype[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < sizeof(active) / sizeof(active[0]); i++)
		if (strncasecmp(ctype, active[i], strlen(active[i])) == 0)
			return "application/octet-stream";
	if ((n >= 4 && strncasecmp(ctype + n - 4, "+xml", 4) == 0) || memmem(ctype, n, "script", 6) ||
	    memmem(ctype, n, "Script", 6))
		return "application/octet-stream";
	return ctype;
}

/* Content-Disposition for a file: inline for inline_safe types, else
 * attachment; the name as RFC 5987 UTF-8 (NULL: no name). */
static void add_disposition(struct req *r, struct MHD_Response *resp, const char *ctype, const char *name)
{
	struct buf b;

	buf_init(&b, &r->arena, 2048);
	buf_puts(&b, inline_safe(ctype) ? "inline" : "attachment");
	if (name && *name) {
		buf_puts(&b, "; filename*=UTF-8''");
		url_encode_component(&b, name, strlen(name));
	}
	if (!b.err)
		MHD_add_response_header(resp, "Content-Disposition", buf_cstr(&b));
}

int respond_download(struct req *r, const char *ctype, const char *p, size_t n, const char *filename)
{
	struct MHD_Response *resp;
	struct buf b;

	if (r->method == M_HEAD)
		n = 0;
	resp = MHD_create_response_from_buffer(n, (void *)p, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return ERR_NOMEM;
	MHD_add_response_header(resp, "Content-Type", file_ctype(ctype));
	MHD_add_response_header(resp, "Cache-Control", "private, no-store");
	buf_init(&b, &r->arena, 2048);
	buf_puts(&b, "attachment; filename*=UTF-8''");
	url_encode_component(&b, filename, strlen(filename));
	if (!b.err)
		MHD_add_response_header(resp, "Content-Disposition", buf_cstr(&b));
	return queue(r, 200, resp);
}

int respond_json(struct req *r, int status, const char *json)
{
	return respond_bytes(r, status, "application/json; charset=utf-8", json, strlen(json), NULL);
}

int respond_redirect(struct req *r, const char *location)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);

	if (!resp)
		return ERR_NOMEM;
	MHD_add_response_header(resp, "Location", location);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return queue(r, 303, resp);
}

int req_store_upload(struct req *r, struct upload *u, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char dir[700], path[800];

	crypto_hash_sha256_final(u->sha, h);
	hex_encode(h, sizeof(h), hex);
	snprintf(dir, sizeof(dir), "%s/%.2s", r->app->files_dir, hex);
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	if (mkdir(dir, 0750) && errno != EEXIST)
		return err_log(ERR_IO, "upload: mkdir %s: %s", dir, strerror(errno));
	if (fsync(u->fd))
		return err_log(ERR_IO, "upload: fsync: %s", strerror(errno));
	/* link, not rename: an identical file already stored stays as it is */
	if (link(u->path, path) && errno != EEXIST)
		return err_log(ERR_IO, "upload: link %s: %s", path, strerror(errno));
	return 0;
}

int respond_file(struct req *r, const char *path, const char *ctype, const char *disposition_name)
{
	struct MHD_Response *resp;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return respond_error(r, 404, "文件不存在。");
	}
	resp = MHD_create_response_from_fd64((uint64_t)sb.st_size, fd);
	if (!resp) {
		close(fd);
		return ERR_NOMEM;
	}
	ctype = file_ctype(ctype);
	MHD_add_response_header(resp, "Content-Type", ctype);
	/* files behind a login (drafts' attachments, applicants' material) are
	 * never kept by a shared cache */
	MHD_add_response_header(resp, "Cache-Control", r->staff || (r->route && (r->route->flags & R_STAFF))
								? "private, no-store"
								: "public, max-age=86400");
	add_disposition(r, resp, ctype, disposition_name);
	return queue(r, 200, resp);
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "请求有误";
	case 403: return "无权访问";
	case 404: return "页面不存在";
	case 405: return "请求方法不允许";
	case 409: return "操作冲突";
	case 413: return "提交的内容过大";
	case 414: return "网址过长";
	case 415: return "内容类型不支持";
	case 422: return "内容无法处理";
	case 429: return "请求过于频繁";
	case 503: return "服务暂时不可用";
	default: return status >= 500 ? "服务器内部错误" : "请求有误";
	}
}

int respond_server_error(struct req *r, int rc)
{
	log_error("%s: %s", r->url, err_name(rc));
	return respond_error(r, 500, "服务器内部错误，请稍后再试。");
}

int respond_error(struct req *r, int status, const char *msg)
{
	/* a handler's 500 over a database server that went away is a 503:
	 * the connection is re-established on the next request */
	if (status == 500 && r->db && db_unavailable(r->db)) {
		status = 503;
		msg = "数据库暂时不可用，请稍后再试。";
	}
	if (r->route && (r->route->flags & R_API)) {
		struct buf b;

		buf_init(&b, &r->arena, 4096);
		buf_printf(&b, "{\"error\":{\"status\":%d,\"message\":\"", status);
		for (const char *p = msg; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_puts(&b, "\"}}");
		return respond_json(r, status, b.err ? "{\"error\":{}}" : buf_cstr(&b));
	}
	{
		struct tv *ctx = page_ctx(r, status_title(status));

		tv_set_str(ctx, "message", msg);
		tv_set_int(ctx, "status", status);
		return respond_html(r, status, "error", ctx);
	}
}

int respond_rate_limited(struct req *r, int wait, const char *msg)
{
	r->retry_after = wait > 0 ? wait : 1;
	return respond_error(r, 429, msg);
}

bool req_rate_ok_or_respond(struct req *r, struct ratelimit *rl, bool count, const char *msg)
{
	time_t now = time(NULL);
	int wait = count ? ratelimit_take(rl, r->ip, now) : ratelimit_wait(rl, r->ip, now);

	if (wait == 0)
		return true;
	log_warn("%s: rate limit for %s", r->url, r->ip);
	respond_rate_limited(r, wait, arena_printf(&r->arena, "%s请在 %d 秒后再试。", msg, wait));
	return false;
}

/* Staff see when this year or next has no holiday data: deadlines that
 * fall there cannot be computed (NULL when both are covered). */
static const char *calendar_warning(struct req *r)
{
	struct org platform;
	int *years, y, m, d;
	size_t n;
	bool have[2] = { false, false };

	if (store_org_platform(req_db(r), &r->arena, &platform) ||
	    store_calendar_years(req_db(r), &r->arena, platform.id, &years, &n))
		return "无法读取工作日历。";
	date_to_ymd(date_today_cn(), &y, &m, &d);
	for (size_t i = 0; i < n; i++)
		if (years[i] == y || years[i] == y + 1)
			have[years[i] - y] = true;
	if (have[0] && have[1])
		return NULL;
	return arena_printf(&r->arena, "工作日历缺少 %s%s%s 年的节假日安排，落在其中的期限无法计算。"
			    "请在国务院办公厅公布后用 gongkai calendar import 导入。",
			    have[0] ? "" : arena_printf(&r->arena, "%d", y), !have[0] && !have[1] ? "、" : "",
			    have[1] ? "" : arena_printf(&r->arena, "%d", y + 1));
}

/* serve --static: a change of the org's pages the static tree could not
 * follow, until a full rebuild: the staff's banner with the button (for
 * those who may publish) that rebuilds. */
static void static_failure_ctx(struct req *r, struct tv *ctx)
{
	const char *at, *msg;
	struct tv *m;

	if (!r->app->site || !r->org.id ||
	    store_static_failure_get(req_db(r), &r->arena, r->org.id, &at, &msg) != 0)
		return;
	m = tv_set_map(ctx, "static_failure");
	tv_set_str(m, "at", view_at_cn(r, at));
	tv_set_str(m, "message", msg);
	tv_set_str(m, "slug", r->org.slug);
	tv_set_str(m, "csrf", r->csrf);
	tv_set_bool(m, "can_retry", req_can(r, PERM_PUBLISH));
}

struct tv *page_ctx(struct req *r, const char *title)
{
	struct tv *ctx = tv_map(&r->arena);

	tv_set_str(ctx, "title", title);
	tv_set_str(ctx, "site_name", "政府信息公开平台");
	tv_set_str(ctx, "csrf", r->csrf);
	if (r->org.id) {
		struct tv *o = tv_set_map(ctx, "org");

		tv_set_str(o, "name", r->org.name);
		tv_set_str(o, "slug", r->org.slug);
		/* the staff navigation offers what the user may use */
		if (r->staff) {
			tv_set_bool(o, "can_edit", req_can(r, PERM_EDIT));
			tv_set_bool(o, "can_admin", req_can(r, PERM_ADMIN));
			tv_set_bool(o, "can_audit", req_can(r, PERM_AUDIT));
			/* the deliveries page (h_deliveries.c) */
			tv_set_bool(o, "can_deliveries", req_can(r, PERM_PUBLISH) || req_can(r, PERM_ADMIN));
		}
	}
	if (r->staff) {
		struct tv *u = tv_set_map(ctx, "staff");
		const char *warn = calendar_warning(r);

		if (warn)
			tv_set_str(ctx, "calendar_warning", warn);
		static_failure_ctx(r, ctx);

		tv_set_str(u, "username", r->user.username);
		tv_set_str(u, "display_name", *r->user.display_name ? r->user.display_name : r->user.username);
	}
	return ctx;
}

/* Public pages that everybody sees alike may be kept for a minute by a
 * cache in front (nginx proxy_cache, a CDN); staff pages, pages with forms
 * and errors never. */
static const char *html_cache_policy(const struct req *r, int status)
{
	if (status != 200 || r->staff || r->csrf || !r->route ||
	    (r->route->flags & (R_STAFF | R_FORM | R_CSRF)))
		return "no-store";
	return "public, max-age=60";
}

int respond_html(struct req *r, int status, const char *tmpl_name, struct tv *ctx)
{
	struct buf b;
	int rc;

	buf_init(&b, &r->arena, 8 * 1024 * 1024);
	rc = tmpl_render(r->app->tmpl, tmpl_name, ctx, &b);
	if (rc) {
		log_error("render %s: %s", tmpl_name, err_name(rc));
		return respond_bytes(r, 500, "text/plain; charset=utf-8", "服务器内部错误。\n",
				     strlen("服务器内部错误。\n"), NULL);
	}
	return respond_bytes(r, status, "text/html; charset=utf-8", b.p ? b.p : "", b.n, html_cache_policy(r, status));
}

/* ---- pages shared with the static site ---- */

int page_html(struct page *p, const char *tmpl, struct tv *ctx)
{
	memset(p, 0, sizeof(*p));
	p->status = 200;
	p->tmpl = tmpl;
	p->ctx = ctx;
	return 0;
}

int page_error(struct page *p, int status, const char *msg)
{
	memset(p, 0, sizeof(*p));
	p->status = status;
	p->msg = msg;
	return 0;
}

int page_bytes_set(struct page *p, const char *ctype, const char *body, size_t len, const char *cache)
{
	memset(p, 0, sizeof(*p));
	p->status = 200;
	p->ctype = ctype;
	p->body = body;
	p->len = len;
	p->cache = cache;
	return 0;
}

int respond_page(struct req *r, int rc, const struct page *p)
{
	if (rc) {
		log_error("%s: %s", r->url, err_name(rc));
		return respond_error(r, 500, "服务器内部错误，请稍后再试。");
	}
	if (p->status != 200)
		return respond_error(r, p->status, p->msg);
	if (p->tmpl)
		return respond_html(r, 200, p->tmpl, p->ctx);
	return respond_bytes(r, 200, p->ctype, p->body, p->len, p->cache);
}

int page_render(struct req *r, const struct page *p, const char **out, size_t *n)
{
	struct buf b;
	int rc;

	if (p->status != 200)
		return ERR_INVALID;
	if (!p->tmpl) {
		*out = p->body;
		*n = p->len;
		return 0;
	}
	buf_init(&b, &r->arena, 8 * 1024 * 1024);
	if ((rc = tmpl_render(r->app->tmpl, p->tmpl, p->ctx, &b)))
		return rc;
	*out = b.p ? b.p : "";
	*n = b.n;
	return 0;
}

/* ---- parameters ---- */

static struct param *param_find(struct param *list, const char *name)
{
	for (struct param *p = list; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const char *param_str(struct req *r, const char *name)
{
	struct param *p = param_find(r->params, name);

	return p && p->len ? p->val : NULL;
}

long long param_int(struct req *r, const char *name, long long dflt)
{
	struct param *p = param_find(r->params, name);

	return p && p->len ? p->num : dflt;
}

struct upload *req_upload(struct req *r, const char *field)
{
	for (struct upload *u = r->uploads; u; u = u->next)
		if (strcmp(u->field, field) == 0 && u->size > 0)
			return u;
	return NULL;
}

/* Cut valid UTF-8 (p, n) to at most max characters; returns bytes kept. */
static size_t utf8_cut(const char *p, size_t n, size_t max)
{
	size_t chars = 0, i = 0;

	while (i < n) {
		if (((unsigned char)p[i] & 0xC0) != 0x80) {
			if (chars == max)
				return i;
			chars++;
		}
		i++;
	}
	return n;
}

/* Replace invalid UTF-8 and control characters by spaces (lenient params). */
static char *utf8_scrub(struct arena *a, const char *p, size_t n)
{
	char *out = arena_alloc(a, n * 3 + 1), *o = out;
	const char *cur = p, *end = p + n;

	if (!out)
		return NULL;
	while (cur < end) {
		const char *start = cur;
		uint32_t c = utf8_next(&cur, end);

		if (c == 0xFFFD && !(cur - start == 3 && (unsigned char)start[0] == 0xEF))
			c = ' ';
		if (c < 0x20 || c == 0x7F)
			c = ' ';
		o += utf8_put(o, c);
	}
	*o = '\0';
	return out;
}

/* Validate one declared parameter; on failure *msg is a Chinese message. */
static int param_check(struct req *r, const struct param_spec *sp, const char *val, size_t len,
		       struct param *out, const char **msg)
{
	out->name = sp->name;
	if (sp->type == P_QUERY) {
		char *s = utf8_scrub(&r->arena, val, len);

		if (!s)
			return ERR_NOMEM;
		len = utf8_cut(s, strlen(s), sp->max_chars);
		s[len] = '\0';
		out->val = s;
		out->len = len;
		return 0;
	}
	if (!utf8_valid(val, len) || memchr(val, '\0', len)) {
		*msg = arena_printf(&r->arena, "参数“%s”含有无效的字符编码。", sp->name);
		return ERR_INVALID;
	}
	out->val = val;
	out->len = len;
	switch (sp->type) {
	case P_INT: {
		struct str t = str_trim((struct str){ val, len });

		if (t.n == 0) {
			out->len = 0;
			return 0;
		}
		if (num_parse(t.p, t.n, sp->min, sp->max, &out->num)) {
			*msg = arena_printf(&r->arena, "参数“%s”应为 %lld 到 %lld 之间的整数。", sp->name,
					    sp->min, sp->max);
			return ERR_INVALID;
		}
		return 0;
	}
	case P_DATE: {
		long d;
		struct str t = str_trim((struct str){ val, len });

		if (t.n == 0) {
			out->len = 0;
			return 0;
		}
		if (date_parse(t.p, t.n, &d)) {
			*msg = arena_printf(&r->arena, "参数“%s”应为 YYYY-MM-DD 格式的有效日期。", sp->name);
			return ERR_INVALID;
		}
		out->val = arena_strndup(&r->arena, t.p, t.n);
		out->len = t.n;
		return out->val ? 0 : ERR_NOMEM;
	}
	case P_STR:
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)val[i] < 0x20 && val[i] != '\t') {
				*msg = arena_printf(&r->arena, "参数“%s”不能包含换行或控制字符。", sp->name);
				return ERR_INVALID;
			}
		/* fall through */
	case P_TEXT:
	default:
		if (utf8_len(val, len) > sp->max_chars) {
			*msg = arena_printf(&r->arena, "“%s”过长（不超过 %zu 字）。", sp->name, sp->max_chars);
			return ERR_TOO_LARGE;
		}
		return 0;
	}
}

struct qctx {
	struct req *r;
	struct param *list;
	int err;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct qctx *q = cls;
	struct param *p;

	if (!key)
		return MHD_YES;
	p = arena_zalloc(&q->r->arena, sizeof(*p));
	if (!p) {
		q->err = ERR_NOMEM;
		return MHD_NO;
	}
	p->name = key;
	p->val = value ? value : "";
	p->len = strlen(p->val);
	p->next = q->list;
	q->list = p;
	return MHD_YES;
}

/* Build r->params from the query string (GET) or the form (POST), keeping
 * only what the route declares. Responds 400 itself on a bad value. */
static int params_or_respond(struct req *r)
{
	const struct param_spec *sp = r->route->params;
	struct param *src;
	struct qctx q = { .r = r };

	if (r->method == M_POST) {
		src = r->raw_form;
	} else {
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
		if (q.err)
			return q.err;
		src = q.list;
	}
	for (; sp && sp->name; sp++) {
		struct param *in = param_find(src, sp->name), *out;
		const char *msg = "参数无效。";
		int rc;

		if (!in)
			continue;
		out = arena_zalloc(&r->arena, sizeof(*out));
		if (!out)
			return ERR_NOMEM;
		if ((rc = param_check(r, sp, in->val, in->len, out, &msg))) {
			if (rc == ERR_NOMEM)
				return rc;
			respond_error(r, 400, msg);
			return ERR_INVALID;
		}
		out->next = r->params;
		r->params = out;
	}
	return 0;
}

/* ---- body ---- */

/* The most a request's body may hold: a form, plus one attachment where
 * the route takes files. */
#define BODY_DROP_FACTOR 4

static long long body_limit(const struct req *r)
{
	if (r->route && (r->route->flags & R_UPLOAD))
		return MAX_FORM_BYTES + r->app->max_upload + 64 * 1024;
	return MAX_FORM_BYTES + 64 * 1024;
}

static const char *too_large_msg(struct req *r)
{
	return arena_printf(&r->arena, "提交的内容过大（不超过 %lld MB）。", (body_limit(r) + (1 << 20) - 1) >> 20);
}

static int field_append(struct req *r, const char *key, const char *data, size_t off, size_t size)
{
	struct param *p = r->raw_form;

	/* MHD delivers a long value in pieces with growing offsets */
	if (!p || off == 0 || strcmp(p->name, key) != 0) {
		p = arena_zalloc(&r->arena, sizeof(*p));
		if (!p || !(p->name = arena_strdup(&r->arena, key)))
			return ERR_NOMEM;
		p->val = "";
		p->next = r->raw_form;
		r->raw_form = p;
	}
	if (size == 0)
		return 0;
	if (p->len + size > MAX_FIELD_BYTES)
		return ERR_TOO_LARGE;
	{
		char *nv = arena_alloc(&r->arena, p->len + size + 1);

		if (!nv)
			return ERR_NOMEM;
		memcpy(nv, p->val, p->len);
		memcpy(nv + p->len, data, size);
		nv[p->len + size] = '\0';
		p->val = nv;
		p->len += size;
	}
	return 0;
}

static struct upload *upload_start(struct req *r, const char *key, const char *filename)
{
	struct upload *u = arena_zalloc(&r->arena, sizeof(*u));
	crypto_hash_sha256_state *st;

	if (!u)
		return NULL;
	st = arena_alloc(&r->arena, sizeof(*st));
	if (!st)
		return NULL;
	crypto_hash_sha256_init(st);
	u->sha = st;
	u->field = arena_strdup(&r->arena, key);
	u->filename = arena_strdup(&r->arena, filename);
	snprintf(u->path, sizeof(u->path), "%s/tmp/upload-XXXXXX", r->app->files_dir);
	u->fd = mkstemp(u->path);
	if (u->fd < 0) {
		log_error("upload: mkstemp %s: %s", u->path, strerror(errno));
		return NULL;
	}
	u->next = r->uploads;
	r->uploads = u;
	return u;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				 const char *content_type, const char *transfer_encoding, const char *data,
				 uint64_t off, size_t size)
{
	struct req *r = cls;

	if (!key)
		return MHD_YES;
	if (filename) {
		struct upload *u = r->uploads;

		if (!(r->route && (r->route->flags & R_UPLOAD))) {
			r->body_err = 400;
			return MHD_NO;
		}
		if (!u || off == 0 || strcmp(u->field, key) != 0) {
			u = upload_start(r, key, filename);
			if (!u) {
				r->body_err = 500;
				return MHD_NO;
			}
		}
		if (u->too_large)
			return MHD_YES;
		if (u->size + (long long)size > r->app->max_upload) {
			u->too_large = true;
			return MHD_YES;
		}
		if (size && write(u->fd, data, size) != (ssize_t)size) {
			r->body_err = 500;
			return MHD_NO;
		}
		crypto_hash_sha256_update(u->sha, (const unsigned char *)data, size);
		u->size += (long long)size;
		return MHD_YES;
	}
	if (field_append(r, key, data, (size_t)off, size)) {
		r->body_err = 413;
		return MHD_NO;
	}
	return MHD_YES;
}

/* ---- sessions and CSRF ---- */

static bool hex_token_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n == 64 && strspn(s, "0123456789abcdef") == n;
}

/* Load the staff session from its cookie, if any. */
static int load_session(struct req *r)
{
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	const char *hash;
	char now[21];
	int rc;

	if (!hex_token_ok(tok))
		return 0;
	if ((rc = auth_token_hash(&r->arena, tok, &hash)))
		return rc;
	time_format_utc(time(NULL), now);
	rc = store_session_get(req_db(r), &r->arena, hash, now, &r->sess);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	if ((rc = store_user_by_id(req_db(r), &r->arena, r->sess.user_id, &r->user)))
		return rc == ERR_NOT_FOUND ? 0 : rc;
	r->staff = true;
	r->csrf = r->sess.csrf;
	db_set_actor(req_db(r), r->user.id, r->user.username, r->ip);
	return 0;
}

/* The CSRF token for forms: the session's, or an anonymous double-submit
 * cookie created on first use. */
static int ensure_csrf(struct req *r)
{
	const char *c;

	if (r->csrf)
		return 0;
	c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CSRF_COOKIE);
	if (hex_token_ok(c)) {
		r->csrf = arena_strdup(&r->arena, c);
		return r->csrf ? 0 : ERR_NOMEM;
	}
	if (auth_random_token(&r->arena, 32, &r->csrf))
		return ERR_NOMEM;
	r->new_csrf_cookie = r->csrf;
	return 0;
}

/* Same-origin: an Origin header, when sent, must name this host. */
static bool same_origin(struct req *r)
{
	const char *origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
	const char *p;

	if (!origin)
		return true;
	if (!host)
		return false;
	p = strstr(origin, "://");
	return p && strcmp(p + 3, host) == 0;
}

static bool csrf_ok(struct req *r)
{
	struct param *p = param_find(r->raw_form, "csrf");

	if (!same_origin(r) || !p || !r->csrf || r->new_csrf_cookie)
		return false;
	return strlen(r->csrf) == p->len && sodium_memcmp(r->csrf, p->val, p->len) == 0;
}

/* The user's permissions in the request's org, read once per request (a
 * page asks several times: its own check and the navigation's). */
static int req_perms(struct req *r, unsigned *perms)
{
	int rc;

	if (!r->perms_loaded || r->perms_org != r->org.id) {
		if ((rc = auth_perms(req_db(r), r->user.id, r->org.id, &r->perms)))
			return rc;
		r->perms_loaded = true;
		r->perms_org = r->org.id;
	}
	*perms = r->perms;
	return 0;
}

bool req_can(struct req *r, int perm)
{
	unsigned perms;

	return r->staff && req_perms(r, &perms) == 0 && (perms & (1u << perm));
}

bool req_can_or_respond(struct req *r, int perm)
{
	bool ok = false;
	int rc;

	if (!r->staff) {
		respond_error(r, 403, "请先登录。");
		return false;
	}
	{
		unsigned perms = 0;

		rc = req_perms(r, &perms);
		ok = (perms & (1u << perm)) != 0;
	}
	if (rc || !ok) {
		respond_error(r, 403, rc ? "权限检查失败。" : "您没有在本机构执行此操作的权限。");
		return false;
	}
	return true;
}

/* ---- routing ---- */

/* Match path against a route pattern, filling placeholders. */
static bool route_match(struct req *r, const char *pat, const char *path, const char **org_slug)
{
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			/* a placeholder ends at the pattern's next literal character */
			const char *se = strchr(path, pe[1] ? pe[1] : '/');
			const char *slash = strchr(path, '/');
			size_t sn;

			if (slash && (!se || slash < se))
				se = slash;
			sn = se ? (size_t)(se - path) : strlen(path);
			size_t pn = (size_t)(pe - pat + 1);

			if (sn == 0)
				return false;
			if (pn == 3 && pat[1] == '*') {
				r->rest = path;
				return pat[3] == '\0';
			}
			if (pn == 5 && memcmp(pat, "{org}", 5) == 0) {
				*org_slug = arena_strndup(&r->arena, path, sn);
			} else {
				long long v;

				if (num_parse(path, sn, 1, 1LL << 53, &v))
					return false;
				if (pn == 4)
					r->id = v;
				else
					r->id2 = v;
			}
			pat = pe + 1;
			path += sn;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

/* Find the route for the request's method and path, before the body is
 * read (the body parser needs to know whether the route takes files). */
static void route_find(struct req *r)
{
	const char *slug = NULL;

	r->route = NULL;
	r->path_known = false;
	for (size_t i = 0; i < routes_count; i++) {
		slug = NULL;
		r->id = r->id2 = 0;
		r->rest = NULL;
		if (!route_match(r, routes[i].pattern, r->url, &slug))
			continue;
		r->path_known = true;
		if (routes[i].methods & r->method) {
			r->route = &routes[i];
			r->org_slug = slug;
			return;
		}
	}
}

static int dispatch(struct req *r)
{
	const struct route *match = r->route;
	const char *slug = r->org_slug;
	int rc;

	if (!match) {
		static const struct route api_errors = { .flags = R_API };

		r->route = strncmp(r->url, "/api/", 5) == 0 ? &api_errors : NULL;
		return respond_error(r, r->path_known ? 405 : 404,
				     r->path_known ? "不支持此请求方法。" : "您访问的页面不存在。");
	}
	if (r->body_err)
		return respond_error(r, r->body_err, r->body_err == 413   ? too_large_msg(r)
						     : r->body_err == 415 ? "请求内容应为 JSON（Content-Type: application/json）。"
									  : "请求内容无效。");
	if ((rc = load_session(r)))
		return respond_error(r, 500, "服务器内部错误。");
	/* only pages with POST forms get a token: public pages stay free of
	 * cookies, so a cache in front may keep them */
	if ((match->flags & (R_FORM | R_STAFF | R_CSRF)) && (rc = ensure_csrf(r)))
		return respond_error(r, 500, "服务器内部错误。");
	if (slug) {
		rc = store_org_by_slug(req_db(r), &r->arena, slug, &r->org);
		if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(r->org.kind, "agency") != 0))
			return respond_error(r, 404, "没有这个机构。");
		if (rc)
			return respond_error(r, 500, "服务器内部错误。");
		/* a deactivated agency is gone for the public (pages, feeds,
		 * forms, the API); its staff pages stay, behind their checks */
		if (r->org.deactivated && !(match->flags & R_STAFF))
			return respond_error(r, 404, "该机构已停用，其公开页面不再提供。");
	}
	if ((match->flags & R_STAFF) && !r->staff) {
		if (r->method == M_GET)
			return respond_redirect(r, "/admin/login");
		return respond_error(r, 403, "请先登录。");
	}
	if ((match->flags & R_STAFF) && !req_password_fresh_or_respond(r))
		return 0;
	if ((match->flags & R_CSRF) && !csrf_ok(r))
		return respond_error(r, 403, "表单已过期或来源无效，请返回刷新页面后重试。");
	for (struct upload *u = r->uploads; u; u = u->next)
		if (u->too_large)
			return respond_error(r, 413, arena_printf(&r->arena, "附件“%s”超过大小上限（%lld MB）。",
								    u->filename, r->app->max_upload >> 20));
	if ((rc = params_or_respond(r)))
		return rc == ERR_INVALID ? 0 : respond_error(r, 500, "服务器内部错误。");
	rc = match->fn(r);
	if (!r->responded)
		return respond_error(r, 500, "服务器内部错误。");
	return rc;
}

/* ---- MHD callbacks ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 16;
}

/* Percent-decoding of the path and query (MHD_OPTION_UNESCAPE_CALLBACK),
 * except that %00 stays as it is: a NUL would cut the path short in C
 * ("/files/1%00.html" served as "/files/1"), so such a URL reaches no
 * route; on_request refuses it. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *out = s;
	const char *in = s;

	while (*in) {
		unsigned hi, lo;

		if (in[0] == '%' && in[1] && in[2] && (hi = (unsigned)hex_digit(in[1])) < 16 &&
		    (lo = (unsigned)hex_digit(in[2])) < 16 && (hi | lo) != 0) {
			*out++ = (char)(hi << 4 | lo);
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

void http_forwarded_ip(const char *xff, char *ip, size_t n)
{
	const char *last = strrchr(xff, ',');
	char tmp[64];
	unsigned char bin[16];
	size_t len;

	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof(tmp) || last[len + strspn(last + len, " \t")] != '\0')
		return;
	memcpy(tmp, last, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		inet_ntop(AF_INET, bin, ip, (socklen_t)n);
	else if (inet_pton(AF_INET6, tmp, bin) == 1)
		inet_ntop(AF_INET6, bin, ip, (socklen_t)n);
}

static void client_ip(struct req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff;

	r->ip[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->ip, sizeof(r->ip));
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, r->ip, sizeof(r->ip));
	if (r->app->trusted_proxy && strcmp(r->ip, r->app->trusted_proxy) == 0 &&
	    (xff = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For")))
		http_forwarded_ip(xff, r->ip, sizeof(r->ip));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct app *app = cls;
	struct req *r = *con_cls;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		arena_init(&r->arena, 64 * 1024 * 1024);
		r->app = app;
		r->conn = conn;
		*con_cls = r;
		if (strcmp(method, "GET") == 0)
			r->method = M_GET;
		else if (strcmp(method, "HEAD") == 0)
			r->method = M_HEAD;
		else if (strcmp(method, "POST") == 0)
			r->method = M_POST;
		r->url = url;
		client_ip(r);
		if (r->method)
			route_find(r);
		{
			const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
			long long n;

			/* a body announced far too large is refused before reading
			 * any of it (the client may see the connection close while
			 * it still writes); one a little over the limit is read and
			 * dropped, so that an ordinary client gets the 413 page */
			if (cl && !num_parse(cl, strlen(cl), 0, 1LL << 62, &n) && n > BODY_DROP_FACTOR * body_limit(r))
				return respond_error(r, 413, too_large_msg(r)) ? MHD_NO : MHD_YES;
		}
		if (r->method == M_POST) {
			const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");

			if (r->route && (r->route->flags & R_JSON)) {
				/* the API takes JSON, nothing else */
				if (!ct || strncasecmp(ct, "application/json", 16) != 0)
					r->body_err = 415;
				else if ((r->json = arena_alloc(&r->arena, sizeof(*r->json))))
					buf_init(r->json, &r->arena, 256 * 1024);
				else
					r->body_err = 500;
			} else if (ct && (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
					  strncasecmp(ct, "multipart/form-data", 19) == 0)) {
				r->pp = MHD_create_post_processor(conn, 64 * 1024, post_iter, r);
			} else if (ct) {
				r->body_err = 400;
			}
		}
		return MHD_YES;
	}
	if (r->responded) {
		/* answered before the body (413 above): MHD closes after the
		 * answer; should the body still come, it is dropped */
		r->body_bytes += (long long)*upload_size;
		*upload_size = 0;
		return r->body_bytes > BODY_DROP_FACTOR * body_limit(r) ? MHD_NO : MHD_YES;
	}
	if (*upload_size) {
		r->body_bytes += (long long)*upload_size;
		/* stop reading a body far over the limit (a chunked one has no
		 * announced length to refuse it by) */
		if (r->body_bytes > BODY_DROP_FACTOR * body_limit(r))
			return MHD_NO;
		if (r->body_bytes > body_limit(r))
			r->body_err = 413;
		if (!r->body_err && r->pp &&
		    MHD_post_process(r->pp, upload_data, *upload_size) != MHD_YES && !r->body_err)
			r->body_err = 400;
		if (!r->body_err && r->json) {
			buf_append(r->json, upload_data, *upload_size);
			if (r->json->err)
				r->body_err = 413;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r->method) {
		r->route = NULL;
		return respond_error(r, 405, "不支持此请求方法。") ? MHD_NO : MHD_YES;
	}
	if (strlen(url) > MAX_URL_BYTES || !utf8_valid(url, strlen(url)) || strstr(url, "%00")) {
		r->route = NULL;
		return respond_error(r, strlen(url) > MAX_URL_BYTES ? 414 : 400, "网址无效。") ? MHD_NO : MHD_YES;
	}
	if (dispatch(r) && !r->responded)
		return MHD_NO;
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct app *app = cls;
	struct req *r = *con_cls;

	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (struct upload *u = r->uploads; u; u = u->next) {
		if (u->fd >= 0)
			close(u->fd);
		if (u->path[0])
			unlink(u->path); /* handlers link accepted files elsewhere first */
	}
	if (r->db)
		db_pool_put(app->pool, r->db);
	arena_release(&r->arena);
	free(r);
	*con_cls = NULL;
}

struct flusher {
	struct app *app;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

/* Write counted page views every second, and once more at shutdown. */
static void *flush_views(void *arg)
{
	struct flusher *fl = arg;
	bool stop = false;

	while (!stop) {
		struct timespec ts;
		struct db *db;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_mutex_lock(&fl->mu);
		if (!fl->stop)
			pthread_cond_timedwait(&fl->cv, &fl->mu, &ts);
		stop = fl->stop;
		pthread_mutex_unlock(&fl->mu);
		db = db_pool_get(fl->app->pool);
		if (view_batch_flush(fl->app->views, db))
			log_warn("views: flush failed, kept for the next one");
		db_pool_put(fl->app->pool, db);
	}
	return NULL;
}

/* "HOST:PORT" or "[IPV6]:PORT" into sa (IPv4 or IPv6). */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	long long port;
	size_t hn;

	if (!colon || (hn = (size_t)(colon - listen)) >= sizeof(host))
		return ERR_INVALID;
	memcpy(host, listen, hn);
	host[hn] = '\0';
	if (num_parse(colon + 1, strlen(colon + 1), 1, 65535, &port))
		return ERR_INVALID;
	memset(ss, 0, sizeof(*ss));
	*v6 = hn >= 2 && host[0] == '[' && host[hn - 1] == ']';
	if (*v6) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;

		host[hn - 1] = '\0';
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &sa->sin6_addr) == 1 ? 0 : ERR_INVALID;
	} else {
		struct sockaddr_in *sa = (struct sockaddr_in *)ss;

		if (strcmp(host, "localhost") == 0)
			memcpy(host, "127.0.0.1", 10);
		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) == 1 ? 0 : ERR_INVALID;
	}
}

int http_load_templates(struct tmpl_set **out)
{
	struct tmpl_src srcs[256] = { 0 };
	size_t n = 0;
	char err[256];

	for (size_t i = 0; i < assets_count; i++) {
		const char *name = assets[i].name;
		size_t len = strlen(name);

		if (strncmp(name, "templates/", 10) != 0 || len < 16 || strcmp(name + len - 5, ".html") != 0)
			continue;
		if (n == sizeof(srcs) / sizeof(srcs[0]))
			return err_log(ERR_TOO_LARGE, "too many templates");
		/* "templates/item.html" -> "item" (names point into static assets) */
		srcs[n].name = strndup(name + 10, len - 15);
		srcs[n].text = (const char *)assets[i].data;
		srcs[n].len = assets[i].len;
		if (!srcs[n].name)
			return ERR_NOMEM;
		n++;
	}
	{
		int rc = tmpl_set_load(out, srcs, n, err, sizeof(err));

		for (size_t i = 0; i < n; i++)
			free((char *)srcs[i].name);
		if (rc)
			return err_log(rc, "templates: %s", err);
	}
	return 0;
}

const char *http_library_version(void)
{
	return MHD_get_version();
}

struct http_server {
	struct app app;
	struct flusher fl;
	pthread_t flusher;
	bool flusher_started;
	struct MHD_Daemon *d;
};

/* The per-address limits of struct app (see http.h). */
static int limits_open(struct app_limits *l, const struct serve_opts *o)
{
	int search = o->search_limit ? o->search_limit : HTTP_SEARCH_LIMIT_DEFAULT;

	if (ratelimit_new(60, search > 0 ? search : 0, 4096, &l->search) ||
	    ratelimit_new(600, 30, 1024, &l->apply) ||
	    ratelimit_new(600, 10, 4096, &l->track) ||
	    /* the mailbox: 5 letters stored and 20 attempts in 10 minutes */
	    ratelimit_new(600, 20, 1024, &l->mailbox_tries) ||
	    ratelimit_new(600, 5, 1024, &l->mailbox_letters) ||
	    ratelimit_new(3600, 20, 1024, &l->subscribe))
		return ERR_NOMEM;
	return 0;
}

static void limits_close(struct app_limits *l)
{
	ratelimit_free(l->search);
	ratelimit_free(l->apply);
	ratelimit_free(l->track);
	ratelimit_free(l->mailbox_tries);
	ratelimit_free(l->mailbox_letters);
	ratelimit_free(l->subscribe);
}

/* The delivery workers, on their own connections. */
static int start_outbox(struct app *app, const struct serve_opts *o)
{
	const char *base = o->public_url ? o->public_url : o->static_base;
	struct outbox_opts ob = {
		.db_target = o->db_path,
		.fts = app->fts,
		.files_dir = o->files_dir,
		.base_url = base ? base : arena_printf(&app->arena, "http://%s", o->listen ? o->listen : "127.0.0.1:8080"),
		.backoff_ms = o->delivery_backoff_ms,
		.max_attempts = o->delivery_max_attempts,
		.lease_ms = o->delivery_lease_ms,
		.workers = o->delivery_workers,
		.net = { .timeout_ms = o->delivery_timeout_ms,
			 .connect_timeout_ms = o->delivery_timeout_ms > 0 && o->delivery_timeout_ms < 10000
						       ? o->delivery_timeout_ms : 0 },
	};

	if (!ob.base_url)
		return ERR_NOMEM;
	return outbox_start(&ob, &app->outbox);
}

int http_server_start(const struct serve_opts *o, struct http_server **out)
{
	struct http_server *sv = calloc(1, sizeof(*sv));
	struct app *app;
	struct sockaddr_storage sa;
	bool v6 = false;
	int rc, threads = o->threads > 0 ? o->threads : 4;
	int timeout = o->timeout > 0 ? o->timeout : HTTP_TIMEOUT_DEFAULT;
	int per_ip = o->per_ip_connections ? o->per_ip_connections : HTTP_PER_IP_CONNECTIONS_DEFAULT;
	char tmpdir[600];

	*out = NULL;
	if (!sv)
		return ERR_NOMEM;
	app = &sv->app;
	sv->fl.app = app;
	pthread_mutex_init(&sv->fl.mu, NULL);
	pthread_cond_init(&sv->fl.cv, NULL);
	arena_init(&app->arena, 0);
	if (!o->no_listen && parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, &v6)) {
		rc = err_log(ERR_INVALID, "serve: bad listen address %s", o->listen);
		goto fail;
	}
	app->files_dir = o->files_dir;
	app->max_upload = o->max_upload > 0 ? o->max_upload : 50LL * 1024 * 1024;
	app->https = o->https;
	app->trusted_proxy = o->trusted_proxy;
	app->instance = o->instance;
	if (o->static_dir) {
		struct static_site *site = arena_zalloc(&app->arena, sizeof(*site));

		if (!site) {
			rc = ERR_NOMEM;
			goto fail;
		}
		site->dir = o->static_dir;
		site->base = o->static_base ? o->static_base : "http://localhost";
		site->files = o->files_dir;
		app->site = site;
	}
	app->public_url = o->public_url;
	if (o->feed_key) {
		struct signkey *k = arena_zalloc(&app->arena, sizeof(*k));

		if (!k) {
			rc = ERR_NOMEM;
			goto fail;
		}
		rc = signkey_load(o->feed_key, k);
		if (rc == 0) {
			app->feed_key = k;
			log_info("export: signing key %s (%s)", k->id, o->feed_key);
		} else if (rc == ERR_NOT_FOUND) {
			log_warn("export: no signing key at %s (gongkai feed keygen): the export feed is off", o->feed_key);
		} else {
			rc = err_log(rc, "serve: the signing key %s cannot be used (%s; it must be a key file of mode 0600)",
				     o->feed_key, err_name(rc));
			goto fail;
		}
		rc = 0;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", o->files_dir);
	if ((mkdir(o->files_dir, 0750) && errno != EEXIST) || (mkdir(tmpdir, 0750) && errno != EEXIST)) {
		rc = err_log(ERR_IO, "serve: cannot create %s: %s", tmpdir, strerror(errno));
		goto fail;
	}
	if ((rc = auth_init()) || (rc = http_load_templates(&app->tmpl)))
		goto fail;
	{
		const char *pw;

		if ((rc = auth_random_password(&app->arena, &pw)) ||
		    (rc = auth_hash_password(&app->arena, pw, &app->dummy_hash)))
			goto fail;
	}
	if ((rc = fts_ctx_new(NULL, &app->fts)))
		goto fail;
	if ((rc = db_pool_open(o->db_path, &(struct db_opts){ .fts = app->fts }, threads + 2, &app->pool)))
		goto fail;
	if ((rc = view_batch_new(&app->views)) || (rc = htmlcache_new(4096, &app->bodies)) ||
	    (rc = limits_open(&app->limits, o)))
		goto fail;
	/* before the daemon: request threads read app->outbox (outbox_wake) */
	if (!o->no_listen && o->delivery_workers >= 0 && (rc = start_outbox(app, o)))
		goto fail;
	if (o->no_listen)
		sv->d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_request, app,
					 MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
					 MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
					 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout,
					 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
					 MHD_OPTION_END);
	else
		sv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
						 (v6 ? MHD_USE_IPv6 : 0),
					 0, NULL, NULL, on_request, app,
					 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					 MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
					 MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
					 MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
					 /* seconds without a byte from the client: a stalled
					  * request or an idle keep-alive connection is closed */
					 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout,
					 /* request line and headers must fit (431 beyond) */
					 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
					 MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
					 /* no one address holds every connection (slow clients) */
					 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(per_ip > 0 ? per_ip : 0),
					 MHD_OPTION_END);
	if (!sv->d) {
		rc = err_log(ERR_IO, "serve: cannot listen on %s", o->listen);
		goto fail;
	}
	if (!o->no_listen) {
		if (pthread_create(&sv->flusher, NULL, flush_views, &sv->fl) != 0) {
			rc = err_log(ERR_INTERNAL, "serve: cannot start the view counter thread");
			goto fail;
		}
		sv->flusher_started = true;
	}
	*out = sv;
	return 0;
fail:
	http_server_stop(sv);
	return rc;
}

void http_server_stop(struct http_server *sv)
{
	struct app *app;

	if (!sv)
		return;
	app = &sv->app;
	if (sv->d)
		MHD_stop_daemon(sv->d);
	/* a transfer in flight is abandoned to its lease (given back at once) */
	outbox_stop(app->outbox);
	app->outbox = NULL;
	if (sv->flusher_started) {
		pthread_mutex_lock(&sv->fl.mu);
		sv->fl.stop = true;
		pthread_cond_signal(&sv->fl.cv);
		pthread_mutex_unlock(&sv->fl.mu);
		pthread_join(sv->flusher, NULL);
	}
	pthread_mutex_destroy(&sv->fl.mu);
	pthread_cond_destroy(&sv->fl.cv);
	view_batch_free(app->views);
	htmlcache_free(app->bodies);
	limits_close(&app->limits);
	arena_release(&app->arena);
	db_pool_close(app->pool);
	fts_ctx_free(app->fts);
	tmpl_set_free(app->tmpl);
	free(sv);
}

int http_server_add_connection(struct http_server *sv, int fd, unsigned long addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl((uint32_t)addr) };

	return MHD_add_connection(sv->d, fd, (const struct sockaddr *)&sa, sizeof(sa)) == MHD_YES ? 0 : ERR_IO;
}

void http_server_run(struct http_server *sv)
{
	MHD_run(sv->d);
}

int http_serve(const struct serve_opts *o)
{
	struct http_server *sv = NULL;
	sigset_t set;
	int sig, rc;

	/* handle SIGINT/SIGTERM synchronously: block them in every thread
	 * (before any thread starts, so all inherit the mask) */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((rc = http_server_start(o, &sv)))
		return rc;
	log_info("serving %s on http://%s/ (%d threads)", o->db_path, o->listen, o->threads > 0 ? o->threads : 4);
	sigwait(&set, &sig);
	log_info("shutting down (signal %d)", sig);
	http_server_stop(sv);
	return 0;
}
