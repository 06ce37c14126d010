/* routes.c - the one route table: method, path pattern, handler, what the
 * request must satisfy (login, CSRF, org), and its declared parameters. */
#include "http/http.h"

#include "core/banned.h"

#define PAGE { "page", P_INT, 1, 100000, 0 }
#define STR(n, max) { n, P_STR, 0, 0, max }
#define TEXT(n, max) { n, P_TEXT, 0, 0, max }
#define DATE(n) { n, P_DATE, 0, 0, 10 }
#define INT(n, lo, hi) { n, P_INT, lo, hi, 0 }
#define END { 0, 0, 0, 0, 0 }

static const struct param_spec p_catalog[] = {
	INT("category", 1, 1LL << 53), INT("year", 1900, 2999), STR("validity", 8), PAGE, END
};
static const struct param_spec p_search[] = {
	{ "q", P_QUERY, 0, 0, 100 }, INT("category", 1, 1LL << 53), INT("year", 1900, 2999), STR("org", 64),
	PAGE, END
};
static const struct param_spec p_login[] = { STR("username", 64), STR("password", 256), STR("csrf", 64), END };
static const struct param_spec p_csrf[] = { STR("csrf", 64), END };
static const struct param_spec p_password[] = {
	STR("csrf", 64), STR("current", 256), STR("new", 256), STR("again", 256), END
};
static const struct param_spec p_admin_items[] = {
	STR("status", 16), STR("q", 100), INT("category", 1, 1LL << 53), PAGE, END
};
static const struct param_spec p_item_form[] = {
	STR("csrf", 64), STR("title", 300), STR("doc_no", 60), STR("publisher", 100), DATE("written_on"),
	DATE("published_on"), INT("category_id", 1, 1LL << 53), STR("topic", 100), STR("genre", 16),
	STR("validity", 8), DATE("validity_on"), TEXT("summary", 2000), TEXT("body_md", 1024 * 1024),
	INT("version", 1, 1LL << 40), END
};
static const struct param_spec p_item_action[] = {
	STR("csrf", 64), STR("action", 16), TEXT("comment", 2000), INT("finding", 1, 1LL << 53), END
};
static const struct param_spec p_category[] = {
	STR("csrf", 64), STR("name", 50), STR("article", 50), INT("parent_id", 0, 1LL << 53), INT("sort", 0, 1000000),
	INT("review_levels", 1, 2), END
};
static const struct param_spec p_calendar[] = { INT("year", 1900, 2999), END };
static const struct param_spec p_calendar_import[] = { STR("csrf", 64), TEXT("tsv", 200000), END };
static const struct param_spec p_guide[] = { STR("csrf", 64), TEXT("guide_md", 200000), END };
/* disclosure applications: the applicant's fields (条例第二十九条) */
#define APPLICANT_FIELDS                                                                                     \
	STR("applicant_type", 16), STR("name", 100), STR("id_kind", 20), STR("id_number", 40),              \
		STR("contact_person", 50), STR("phone", 30), STR("email", 100), STR("address", 200),          \
		STR("postcode", 10), STR("info_title", 300), STR("info_doc_no", 100), TEXT("info_desc", 5000), \
		STR("medium", 10), STR("delivery", 10)
static const struct param_spec p_apply[] = { STR("csrf", 64), STR("token", 64), APPLICANT_FIELDS, END };
static const struct param_spec p_track[] = { STR("csrf", 64), STR("code", 40), STR("check", 8), END };
static const struct param_spec p_api_track[] = { STR("code", 40), STR("check", 8), END };
static const struct param_spec p_app_list[] = { STR("state", 16), STR("view", 8), PAGE, END };
static const struct param_spec p_app_register[] = {
	STR("csrf", 64), STR("token", 64), APPLICANT_FIELDS, STR("channel", 16), DATE("arrived_on"),
	DATE("confirmed_on"), STR("evidence", 500), END
};
static const struct param_spec p_app_action[] = {
	STR("csrf", 64), STR("action", 20), INT("version", 1, 1LL << 40), DATE("day"), TEXT("reason", 5000),
	STR("party", 200), INT("days", 0, 60), STR("approver", 50), STR("outcome", 20), TEXT("basis", 1000),
	INT("fee_standard", 0, 2), INT("fee_units", 0, 100000000), INT("assignee", 0, 1LL << 53), END
};
static const struct param_spec p_app_file[] = { STR("csrf", 64), STR("role", 10), END };
static const struct param_spec p_letter[] = {
	STR("csrf", 64), STR("title", 100), STR("doc_no", 60), TEXT("body_md", 200000), INT("version", 1, 1LL << 40),
	STR("issue", 4), END
};
static const struct param_spec p_api_items[] = {
	{ "q", P_QUERY, 0, 0, 100 }, STR("category", 64), INT("year", 1900, 2999), PAGE,
	INT("per_page", 1, 100), END
};

/* the registers' routes, one file per area */
#include "http/routes_interactions.inc"
#include "http/routes_proposals.inc"
#include "http/routes_reviews.inc"
#include "http/routes_stats.inc"
#include "http/routes_reports.inc"
#include "http/routes_accounts.inc"
#include "http/routes_review.inc"
#include "http/routes_static.inc"
#include "http/routes_export.inc"
#include "http/routes_subscribe.inc"
#include "http/routes_channels.inc"
#include "http/routes_platform.inc"

const struct route routes[] = {
	/* public portal */
	{ M_GET | M_HEAD, "/", h_root, 0, NULL },
	{ M_GET | M_HEAD, "/static/{*}", h_static, 0, NULL },
	{ M_GET | M_HEAD, "/sitemap.xml", h_sitemap, 0, NULL },
	{ M_GET | M_HEAD, "/sitemap-pages.xml", h_sitemap_pages, 0, NULL },
	{ M_GET | M_HEAD, "/search", h_search, 0, p_search },
	{ M_GET | M_HEAD, "/o/{org}/", h_org_home, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/catalog", h_catalog, R_ORG, p_catalog },
	{ M_GET | M_HEAD, "/o/{org}/items/{id}", h_item, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/items/{id}/files/{id2}", h_attachment, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/items/{id}/files/{id2}/{*}", h_attachment, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/search", h_search, R_ORG, p_search },
	{ M_GET | M_HEAD, "/o/{org}/guide", h_guide, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/feed.atom", h_feed, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/feed/{id}.atom", h_feed_category, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/sitemap/{id}.xml", h_sitemap_year, R_ORG, NULL },
	{ M_GET | M_HEAD, "/o/{org}/apply", h_apply_form, R_ORG | R_FORM, NULL },
	{ M_POST, "/o/{org}/apply", h_apply_submit, R_ORG | R_CSRF | R_UPLOAD, p_apply },
	{ M_GET | M_HEAD, "/o/{org}/track", h_track_form, R_ORG | R_FORM, NULL },
	{ M_POST, "/o/{org}/track", h_track, R_ORG | R_CSRF, p_track },
	/* staff */
	{ M_GET | M_HEAD, "/admin/login", h_login_form, R_FORM, NULL },
	{ M_POST, "/admin/login", h_login, R_CSRF, p_login },
	{ M_POST, "/admin/logout", h_logout, R_STAFF | R_CSRF, p_csrf },
	{ M_GET | M_HEAD, "/admin/", h_admin_home, R_STAFF, NULL },
	{ M_GET | M_HEAD, "/admin/password", h_password_form, R_STAFF, NULL },
	{ M_GET | M_HEAD, "/admin/calendar", h_admin_calendar, R_STAFF, p_calendar },
	{ M_POST, "/admin/calendar", h_admin_calendar_import, R_STAFF | R_CSRF, p_calendar_import },
	{ M_POST, "/admin/password", h_password, R_STAFF | R_CSRF, p_password },
	{ M_GET | M_HEAD, "/admin/o/{org}/items", h_admin_items, R_STAFF | R_ORG, p_admin_items },
	{ M_GET | M_HEAD, "/admin/o/{org}/items/new", h_admin_item_new, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/items/new", h_admin_item_create, R_STAFF | R_ORG | R_CSRF, p_item_form },
	{ M_GET | M_HEAD, "/admin/o/{org}/items/{id}", h_admin_item_edit, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/items/{id}", h_admin_item_save, R_STAFF | R_ORG | R_CSRF, p_item_form },
	{ M_POST, "/admin/o/{org}/items/{id}/action", h_admin_item_action, R_STAFF | R_ORG | R_CSRF, p_item_action },
	{ M_POST, "/admin/o/{org}/items/{id}/files", h_admin_upload, R_STAFF | R_ORG | R_CSRF | R_UPLOAD, p_csrf },
	{ M_POST, "/admin/o/{org}/items/{id}/files/{id2}/delete", h_admin_attachment_delete,
	  R_STAFF | R_ORG | R_CSRF, p_csrf },
	{ M_GET | M_HEAD, "/admin/o/{org}/categories", h_admin_categories, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/categories", h_admin_category_add, R_STAFF | R_ORG | R_CSRF, p_category },
	{ M_POST, "/admin/o/{org}/categories/{id}", h_admin_category_save, R_STAFF | R_ORG | R_CSRF, p_category },
	{ M_POST, "/admin/o/{org}/categories/{id}/delete", h_admin_category_delete, R_STAFF | R_ORG | R_CSRF, p_csrf },
	{ M_GET | M_HEAD, "/admin/o/{org}/guide", h_admin_guide, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/guide", h_admin_guide_save, R_STAFF | R_ORG | R_CSRF, p_guide },
	{ M_GET | M_HEAD, "/admin/o/{org}/applications", h_admin_apps, R_STAFF | R_ORG, p_app_list },
	{ M_GET | M_HEAD, "/admin/o/{org}/applications/new", h_admin_app_new, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/applications/new", h_admin_app_create, R_STAFF | R_ORG | R_CSRF, p_app_register },
	{ M_GET | M_HEAD, "/admin/o/{org}/applications/{id}", h_admin_app, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/applications/{id}/action", h_admin_app_action, R_STAFF | R_ORG | R_CSRF,
	  p_app_action },
	{ M_POST, "/admin/o/{org}/applications/{id}/files", h_admin_app_upload, R_STAFF | R_ORG | R_CSRF | R_UPLOAD,
	  p_app_file },
	{ M_GET | M_HEAD, "/admin/o/{org}/applications/{id}/files/{id2}", h_admin_app_file, R_STAFF | R_ORG, NULL },
	{ M_GET | M_HEAD, "/admin/o/{org}/letters/{id}", h_admin_letter, R_STAFF | R_ORG, NULL },
	{ M_POST, "/admin/o/{org}/letters/{id}", h_admin_letter_save, R_STAFF | R_ORG | R_CSRF, p_letter },
	{ M_GET | M_HEAD, "/admin/o/{org}/letters/{id}/print", h_admin_letter_print, R_STAFF | R_ORG, NULL },
	{ M_GET | M_HEAD, "/admin/o/{org}/letters/{id}/pdf", h_admin_letter_pdf, R_STAFF | R_ORG, NULL },
	ROUTES_INTERACTIONS
	ROUTES_PROPOSALS
	ROUTES_REVIEWS
	ROUTES_STATS
	ROUTES_REPORTS
	ROUTES_ACCOUNTS
	ROUTES_REVIEW
	ROUTES_STATIC
	ROUTES_EXPORT
	ROUTES_SUBSCRIBE
	ROUTES_CHANNELS
	ROUTES_PLATFORM
	/* JSON API */
	{ M_GET | M_HEAD, "/api/v1/orgs/{org}/items", h_api_items, R_API | R_ORG, p_api_items },
	{ M_GET | M_HEAD, "/api/v1/items/{id}", h_api_item, R_API, NULL },
	{ M_POST, "/api/v1/orgs/{org}/applications", h_api_apply, R_API | R_ORG | R_JSON, NULL },
	{ M_GET | M_HEAD, "/api/v1/applications/track", h_api_track, R_API, p_api_track },
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
