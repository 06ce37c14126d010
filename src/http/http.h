/* http.h - what request handlers see: the application, the request, the
 * route table's declarations and the response helpers. Internal to
 * src/http. */
#ifndef GK_HTTP_HTTP_H
#define GK_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/str.h"
#include "store/store.h"

struct MHD_Connection;
struct MHD_PostProcessor;
struct db;
struct db_pool;
struct ratelimit;
struct fts_ctx;
struct tmpl_set;
struct tv;
struct static_site;
struct signkey;

/* Long-lived state, built at start-up and read-only afterwards. */
struct app {
	struct arena arena;           /* lives as long as the server */
	struct db_pool *pool;
	struct fts_ctx *fts;
	struct tmpl_set *tmpl;
	const char *files_dir;
	long long max_upload;
	struct view_batch *views;     /* item page views, written in batches */
	struct htmlcache *bodies;     /* rendered item bodies by (id, version) */
	const char *dummy_hash;       /* checked for unknown users: same time as a real check */
	bool https;                   /* reached over HTTPS: responses carry HSTS */
	const struct static_site *site; /* serve --static: pages kept as files (NULL: none) */
	const char *trusted_proxy;    /* serve --trusted-proxy (NULL: none) */
	const char *instance;         /* serve --instance: X-Gongkai-Instance (NULL: none) */
	const struct signkey *feed_key; /* signs the export feed (NULL: not configured) */
	const char *public_url;       /* "https://host" of absolute links in the export (NULL: the request's Host) */
	struct outbox *outbox;        /* the delivery workers (NULL: none); outbox_wake after publishing */
	struct app_limits {           /* per client address (http/ratelimit.h) */
		struct ratelimit *search;          /* searches with a query: portal and API */
		struct ratelimit *apply;           /* posts of the online application form */
		struct ratelimit *track;           /* wrong 查询码 on the tracking pages and API */
		struct ratelimit *mailbox_tries;   /* posts of the mailbox form */
		struct ratelimit *mailbox_letters; /* letters stored through it */
		struct ratelimit *subscribe;       /* posts of the e-mail subscription form (each mails) */
	} limits;
};

enum method { M_GET = 1, M_POST = 2, M_HEAD = 4 };

/* Route flags: requirements checked before the handler runs. */
enum {
	R_STAFF = 1 << 0,  /* a logged-in staff member */
	R_CSRF = 1 << 1,   /* a POST form with a valid CSRF token and same origin */
	R_API = 1 << 2,    /* errors as JSON */
	R_ORG = 1 << 3,    /* {org} names an organisation: resolved into req->org */
	R_UPLOAD = 1 << 4, /* multipart form with files */
	R_FORM = 1 << 5,   /* the page holds POST forms: needs a CSRF token */
	R_JSON = 1 << 6,   /* a POST with a JSON body (API): the body is in req->body */
};

enum param_type { P_STR, P_INT, P_DATE, P_TEXT /* multi-line */, P_QUERY /* lenient: truncated, never an error */ };

/* A declared query or form parameter: undeclared ones never reach the handler. */
struct param_spec {
	const char *name;
	enum param_type type;
	long long min, max;  /* P_INT bounds */
	size_t max_chars;    /* P_STR/P_TEXT/P_QUERY length cap in characters */
};

struct param {
	const char *name;
	const char *val;     /* NUL-terminated, valid UTF-8 */
	size_t len;
	long long num;       /* P_INT value */
	struct param *next;
};

/* An uploaded file, stored in a temporary file while it arrives. */
struct upload {
	const char *field;
	const char *filename;
	char path[512];
	int fd;
	long long size;
	bool too_large;
	void *sha;           /* crypto_hash_sha256_state */
	struct upload *next;
};

struct req;
typedef int (*handler_fn)(struct req *r);

struct route {
	unsigned methods;
	const char *pattern;  /* segments; {org}, {id}, {id2} and {*} are placeholders */
	handler_fn fn;
	unsigned flags;
	const struct param_spec *params;  /* NULL-name terminated; NULL = none */
};

struct req {
	struct app *app;
	struct MHD_Connection *conn;
	struct arena arena;
	enum method method;
	const char *url;
	const struct route *route;   /* NULL when nothing matches */
	bool path_known;             /* some route has this path (405, not 404) */
	const char *org_slug;        /* the {org} placeholder */
	/* path placeholders */
	long long id, id2;
	const char *rest;
	struct org org;
	/* raw form fields while the body arrives, then the declared ones */
	struct param *raw_form;
	struct param *params;
	struct upload *uploads;
	struct MHD_PostProcessor *pp;
	long long body_bytes;
	struct buf *json;            /* R_JSON: the raw body (NUL-terminated via buf_cstr) */
	int body_err;                /* 413 or 400 decided while reading */
	/* the connection for this request (taken from the pool on demand) */
	struct db *db;
	/* who is asking */
	bool staff;
	/* the user's permissions in perms_org, read once (req_can) */
	bool perms_loaded;
	unsigned perms;
	long long perms_org;
	struct user user;
	struct session sess;
	const char *csrf;            /* token to put into forms */
	const char *new_csrf_cookie; /* anonymous double-submit token to set */
	const char *set_cookie;      /* an extra Set-Cookie header */
	char ip[64];
	int retry_after;             /* seconds, sent as Retry-After (429) */
	bool responded;
};

/* The database connection of this request (from the pool, returned when
 * the request completes). */
struct db *req_db(struct req *r);

/* Parameter access: declared and validated params only. */
const char *param_str(struct req *r, const char *name);        /* NULL when absent or empty */
long long param_int(struct req *r, const char *name, long long dflt);
struct upload *req_upload(struct req *r, const char *field);
/* Move an accepted upload into the content-addressed file store
 * (files_dir/xx/<sha256>); hex gets its SHA-256. ERR_IO (logged). */
int req_store_upload(struct req *r, struct upload *u, char hex[65]);

/* Responses. Each returns 0 after queueing a response. */
int respond_html(struct req *r, int status, const char *tmpl_name, struct tv *ctx);
int respond_bytes(struct req *r, int status, const char *ctype, const char *p, size_t n, const char *cache);
/* "http://host" as the client reached us (X-Forwarded-Proto honoured;
 * only host name characters of the Host header kept). Arena string. */
const char *req_base_url(struct req *r);
/* respond_bytes with more headers: name, value, ..., NULL. */
int respond_bytes_headers(struct req *r, int status, const char *ctype, const char *p, size_t n, const char *cache,
			  const char *const *headers);
int respond_file(struct req *r, const char *path, const char *ctype, const char *disposition_name);
int respond_json(struct req *r, int status, const char *json);
/* A generated file to save (Content-Disposition: attachment with the UTF-8
 * name), never cached. */
int respond_download(struct req *r, const char *ctype, const char *p, size_t n, const char *filename);
int respond_redirect(struct req *r, const char *location);
/* A 4xx/5xx with a Chinese message: an HTML page, or JSON under /api. */
int respond_error(struct req *r, int status, const char *msg);
/* A server error: rc logged with the URL, the 500 page (or JSON) sent. */
int respond_server_error(struct req *r, int rc);

/* 429 with Retry-After: wait seconds (a Chinese page, or JSON under /api). */
int respond_rate_limited(struct req *r, int wait, const char *msg);
/* May the request's address have one more event of rl (counted when
 * count)? Responds 429 with msg (and when to try again) itself and returns
 * false when over the limit. */
bool req_rate_ok_or_respond(struct req *r, struct ratelimit *rl, bool count, const char *msg);

/* A public page built without responding, so that the handler and the
 * static site's generator (static_site.c) produce the same bytes: an HTML
 * page (template and context), bytes (feeds, sitemap), or an error status
 * with its Chinese message. The page_* builders return 0 with *p set, or
 * an err code for a server error (the handler answers 500). They use of
 * the request only its arena, database, org, id/id2, url and params, and
 * see no session: the public's view. */
struct page {
	int status;           /* 200, or 4xx with msg */
	const char *msg;
	const char *tmpl;     /* HTML: the template and its context */
	struct tv *ctx;
	const char *ctype;    /* bytes: their type, the bytes, Cache-Control */
	const char *body;
	size_t len;
	const char *cache;
};
int page_html(struct page *p, const char *tmpl, struct tv *ctx);
int page_error(struct page *p, int status, const char *msg);
int page_bytes_set(struct page *p, const char *ctype, const char *body, size_t len, const char *cache);
/* Send a page built with result rc (nonzero: logged, 500). */
int respond_page(struct req *r, int rc, const struct page *p);
/* The bytes of a 200 page (HTML rendered from its template) in r's arena. */
int page_render(struct req *r, const struct page *p, const char **out, size_t *n);

int page_home(struct req *r, struct page *p);
int page_catalog(struct req *r, struct page *p);   /* params category, year, validity, page */
int page_item(struct req *r, struct page *p);      /* r->id */
int page_item_version(struct req *r, struct page *p); /* r->id, version r->id2 */
int page_guide(struct req *r, struct page *p);
/* Feeds and sitemap hold absolute URLs: base is "http://host". */
int page_feed(struct req *r, long long category_id, const char *base, struct page *p);
int page_sitemap(struct req *r, const char *base, struct page *p);        /* the index */
int page_sitemap_pages(struct req *r, const char *base, struct page *p);  /* agencies' home, 指南 */
int page_sitemap_year(struct req *r, long long year, const char *base, struct page *p); /* r->org */

/* The templates compiled into the binary, parsed (server.c). */
int http_load_templates(struct tmpl_set **out);

/* The page context every template gets: site name, staff user, csrf. */
struct tv *page_ctx(struct req *r, const char *title);

/* Route table and dispatch (routes.c). */
extern const struct route routes[];
extern const size_t routes_count;

/* Handlers */
int h_root(struct req *r);
int h_static(struct req *r);
int h_sitemap(struct req *r);
int h_sitemap_pages(struct req *r);
int h_sitemap_year(struct req *r);
int h_org_home(struct req *r);
int h_catalog(struct req *r);
int h_item(struct req *r);
int h_attachment(struct req *r);
int h_search(struct req *r);
int h_guide(struct req *r);
int h_feed(struct req *r);
int h_feed_category(struct req *r);
int h_login_form(struct req *r);
int h_login(struct req *r);
int h_logout(struct req *r);
int h_admin_home(struct req *r);
int h_password_form(struct req *r);
int h_password(struct req *r);
int h_admin_items(struct req *r);
int h_admin_item_new(struct req *r);
int h_admin_item_create(struct req *r);
int h_admin_item_edit(struct req *r);
int h_admin_item_save(struct req *r);
int h_admin_item_action(struct req *r);
int h_admin_upload(struct req *r);
int h_admin_attachment_delete(struct req *r);
int h_admin_categories(struct req *r);
int h_admin_category_add(struct req *r);
int h_admin_category_save(struct req *r);
int h_admin_category_delete(struct req *r);
int h_admin_calendar(struct req *r);
int h_admin_calendar_import(struct req *r);
int h_admin_guide(struct req *r);
int h_admin_guide_save(struct req *r);
int h_apply_form(struct req *r);
int h_apply_submit(struct req *r);
int h_track_form(struct req *r);
int h_track(struct req *r);
int h_admin_apps(struct req *r);
int h_admin_app_new(struct req *r);
int h_admin_app_create(struct req *r);
int h_admin_app(struct req *r);
int h_admin_app_action(struct req *r);
int h_admin_app_upload(struct req *r);
int h_admin_app_file(struct req *r);
int h_admin_letter(struct req *r);
int h_admin_letter_save(struct req *r);
int h_admin_letter_print(struct req *r);
int h_admin_letter_pdf(struct req *r);
int h_api_apply(struct req *r);
int h_api_track(struct req *r);
int h_api_items(struct req *r);
int h_api_item(struct req *r);
/* The platform (h_platform.c): the public list of agencies by tree; the
 * contact block of the request's org into ctx.contact (for its public
 * pages and 指南; static site too). */
int h_platform_home(struct req *r);
int platform_put_contact(struct req *r, struct tv *ctx);

/* The context of the application procedure for this request: the
 * platform's working-day calendar (loaded into *cal, request memory), the
 * request's org, the staff member (or the applicant when not staff),
 * today and now. Returns 0 or an err code. */
struct app_ctx;
struct calendar;
int req_app_ctx(struct req *r, struct app_ctx *c, struct calendar *cal);

/* The one permission check for staff routes (auth_can on req_db). Responds
 * 403 itself and returns false when not allowed. */
bool req_can_or_respond(struct req *r, int perm);
/* The same check without responding: may this staff member do perm in the
 * request's org? (false for the public) */
bool req_can(struct req *r, int perm);
/* A staff member whose password an administrator set may only change it
 * (and log out) until they do: for any other staff route this redirects
 * GETs to /admin/password and refuses the rest (h_admin.c). False when it
 * responded. */
bool req_password_fresh_or_respond(struct req *r);

#endif
