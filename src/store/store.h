/* store.h - typed access to the records. All SQL of the product lives in
 * src/store. Every function takes the org it works in; strings returned in
 * records are allocated from the caller's arena. Functions return 0 or a
 * negative enum err (ERR_NOT_FOUND when a record does not exist in that org,
 * ERR_CONFLICT on a unique violation). Writes that span several statements
 * run inside db_begin/db_commit, which the caller (domain layer) owns. */
#ifndef GK_STORE_STORE_H
#define GK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

/* ---- organisations ---- */
struct org {
	long long id;
	long long parent_id;       /* 0 when none */
	const char *slug;
	const char *name;
	const char *org_code;      /* 机构代码, prefix of 索引号 */
	const char *kind;          /* "platform" or "agency" */
	const char *index_pattern; /* e.g. "{机构代码}/{YYYY}-{NNNNN}" */
	const char *guide_md;      /* 政府信息公开指南 */
};

int store_org_insert(struct db *db, struct org *o, const char *now);
int store_org_by_slug(struct db *db, struct arena *a, const char *slug, struct org *out);
int store_org_by_id(struct db *db, struct arena *a, long long id, struct org *out);
/* Agencies (kind = agency), by name. *out is an arena array of *n orgs. */
int store_org_list(struct db *db, struct arena *a, struct org **out, size_t *n);
int store_org_set_guide(struct db *db, long long org_id, const char *guide_md, const char *now);
int store_org_platform(struct db *db, struct arena *a, struct org *out);

/* ---- categories (公开类别) ---- */
struct category {
	long long id;
	long long org_id;
	long long parent_id;
	const char *name;
	const char *article;   /* the 条例 article it fulfils, e.g. 第二十条第（一）项 */
	int sort;
	long long published;   /* published items (filled by store_category_list) */
};

int store_category_insert(struct db *db, struct category *c);
/* All categories of an org in display order, with published counts. */
int store_category_list(struct db *db, struct arena *a, long long org_id, struct category **out, size_t *n);
int store_category_by_name(struct db *db, struct arena *a, long long org_id, const char *name, struct category *out);
int store_category_by_id(struct db *db, struct arena *a, long long org_id, long long id, struct category *out);
/* Rename, re-parent or re-order a category of org c->org_id. */
int store_category_update(struct db *db, const struct category *c);
/* Delete a category without items (ERR_CONFLICT when items use it). */
int store_category_delete(struct db *db, long long org_id, long long id);

/* ---- catalog items ---- */
struct item {
	long long id;
	long long org_id;
	long long category_id;
	const char *category;      /* category name (reads only) */
	const char *index_no;      /* NULL until first published */
	const char *title;
	const char *doc_no;
	const char *publisher;
	const char *written_on;    /* YYYY-MM-DD or NULL */
	const char *published_on;  /* YYYY-MM-DD or NULL */
	const char *topic;
	const char *genre;
	const char *validity;
	const char *validity_on;   /* NULL for 有效 */
	const char *summary;
	const char *body_md;
	const char *body_text;
	const char *status;        /* draft pending published withdrawn */
	long long views;
	int version;
	long long created_by;
	const char *created_at;
	const char *updated_at;
};

int store_item_insert(struct db *db, struct item *it);              /* sets it->id */
/* Update the editable fields when the stored version is it->version; bumps
 * the version. ERR_CONFLICT when someone else saved in between. */
int store_item_update(struct db *db, struct item *it);
int store_item_get(struct db *db, struct arena *a, long long org_id, long long id, struct item *out);
/* Any org: for the public API's /items/{id}; the caller checks status. */
int store_item_get_any(struct db *db, struct arena *a, long long id, struct item *out);
int store_item_set_status(struct db *db, long long org_id, long long id, const char *status,
			  const char *index_no, const char *published_on, const char *now);
int store_item_add_views(struct db *db, long long id, long long n);

/* Next 索引号 serial for (org, year): only ever grows, never reused.
 * Must run inside a transaction. */
int store_index_serial_next(struct db *db, long long org_id, int year, long long *serial);

struct item_filter {
	long long org_id;          /* 0 = all orgs */
	long long category_id;     /* 0 = all */
	int year;                  /* of published_on; 0 = all */
	const char *validity;      /* NULL = all */
	const char *status;        /* NULL = all (staff), "published" for the public */
	const char *title_like;    /* staff list filter; NULL = none */
	long long limit, offset;
};
struct item_row {
	long long id;
	long long org_id;
	const char *org_slug;
	const char *index_no;
	const char *title;
	const char *doc_no;
	const char *category;
	const char *published_on;
	const char *validity;
	const char *status;
	const char *updated_at;
	const char *snippet;       /* search only: body snippet with \x01 \x02 marks */
	const char *title_marked;  /* search only: title with \x01 \x02 marks */
};
/* Published items (status "published"): newest first, of one org, one
 * category or all orgs; *total from the per-category counts. Staff lists
 * (any other status, or NULL for all) need an org and come by last change.
 * total may be NULL when the count is not wanted. */
int store_item_list(struct db *db, struct arena *a, const struct item_filter *f,
		    struct item_row **out, size_t *n, long long *total);
/* Published years of an org, newest first, with counts. */
int store_item_years(struct db *db, struct arena *a, long long org_id, int **years, long long **counts, size_t *n);

/* Full-text search over published items; match is a non-empty expression
 * built by fts_match_expr; f gives org, category, year and validity
 * filters and the page. Ranked: title/文号 hits first, then BM25, over the
 * newest store_search_window() matches. *total counts matches up to a cap;
 * *capped says there are more. */
int store_item_search(struct db *db, struct arena *a, const char *match, const struct item_filter *f,
		      struct item_row **out, size_t *n, long long *total, bool *capped);
/* How many of the newest matches a search ranks (and pages through). */
long long store_search_window(void);
/* Bulk loading: after store_search_defer, inserts and changes of items do
 * not touch the search index; store_search_rebuild then indexes every
 * published item in one pass and ends the deferral. Both inside the
 * caller's transaction, so readers never see a half-built index. */
int store_search_defer(struct db *db);
int store_search_rebuild(struct db *db);

/* ---- attachments ---- */
struct attachment {
	long long id;
	long long org_id;
	long long item_id;
	const char *filename;
	const char *mime;
	long long size;
	const char *sha256;
	const char *created_at;
};
int store_attachment_insert(struct db *db, struct attachment *at);
int store_attachment_list(struct db *db, struct arena *a, long long org_id, long long item_id,
			  struct attachment **out, size_t *n);
int store_attachment_get(struct db *db, struct arena *a, long long org_id, long long id, struct attachment *out);
int store_attachment_delete(struct db *db, long long org_id, long long id);

/* ---- users, roles, sessions ---- */
struct user {
	long long id;
	long long org_id;
	const char *username;
	const char *display_name;
	const char *password_hash;
	bool disabled;
	const char *created_at;
};
int store_user_insert(struct db *db, struct user *u, const char *now);
int store_user_by_name(struct db *db, struct arena *a, const char *username, struct user *out);
int store_user_by_id(struct db *db, struct arena *a, long long id, struct user *out);
int store_user_set_password(struct db *db, long long id, const char *hash, const char *now);
int store_user_list(struct db *db, struct arena *a, struct user **out, size_t *n);
int store_user_count(struct db *db, long long *n);

int store_membership_add(struct db *db, long long org_id, long long user_id, const char *role);
/* Does the user hold role (or any role when role is NULL) in org? */
int store_membership_has(struct db *db, long long org_id, long long user_id, const char *role, bool *out);
/* Orgs where the user holds any role, by name (the platform org excluded). */
int store_membership_orgs(struct db *db, struct arena *a, long long user_id, struct org **out, size_t *n);
/* Comma-separated roles of a user in an org ("" when none). */
int store_membership_roles(struct db *db, struct arena *a, long long org_id, long long user_id, const char **out);

struct session {
	long long id;
	long long user_id;
	long long org_id;
	const char *csrf;
	const char *expires_at;
};
int store_session_insert(struct db *db, long long org_id, long long user_id, const char *token_hash,
			 const char *csrf, const char *ip, const char *ua, const char *now, const char *expires);
/* The session with this token hash, if not expired at now. */
int store_session_get(struct db *db, struct arena *a, const char *token_hash, const char *now, struct session *out);
int store_session_delete(struct db *db, const char *token_hash);
int store_session_delete_user(struct db *db, long long user_id);

/* ==== working-day calendar (工作日历) ====
 * The days an org's calendar lists (days off and adjusted working days) and
 * the years it covers; the rules are in domain/calendar. */
struct calendar_day {
	const char *day;   /* YYYY-MM-DD */
	const char *kind;  /* "off" or "work" */
	const char *name;  /* the holiday, e.g. 国庆节 */
};
/* Replace org's calendar for the ny years: delete its listed days in those
 * years, insert days (n of them, each in one of those years) and mark the
 * years covered. Other years are untouched. Must run inside the caller's
 * transaction, which a failure leaves to roll back. */
int store_calendar_replace(struct db *db, long long org_id, const int *years, size_t ny,
			   const struct calendar_day *days, size_t n);
/* All listed days of org, by day; *out is an arena array of *n. */
int store_calendar_days(struct db *db, struct arena *a, long long org_id, struct calendar_day **out, size_t *n);
/* The years org's calendar covers, ascending; *out is an arena array of *n. */
int store_calendar_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n);

/* ==== disclosure applications (依申请公开) ====
 * The case record, its events, due-date changes, letters and files. The
 * rules (states, actions, deadlines, validation) are in
 * domain/applications; these functions only read and write rows. */
struct application {
	long long id;
	long long org_id;
	const char *serial;         /* 申请编号 2021-0007 */
	const char *tracking_code;  /* 查询码 */
	const char *check_digits;   /* last 4 digits of the phone */
	const char *submit_token;   /* NULL when none */
	const char *state;          /* taxonomy.h state code */
	const char *applicant_type; /* taxonomy.h applicant code */
	const char *name;
	const char *id_kind;
	const char *id_number;
	const char *contact_person;
	const char *phone;
	const char *email;
	const char *address;
	const char *postcode;
	const char *info_title;
	const char *info_doc_no;
	const char *info_desc;
	const char *medium;
	const char *delivery;
	const char *channel;
	const char *evidence;
	const char *submitted_on;
	const char *received_on;
	const char *due_on;         /* NULL when it cannot be computed */
	const char *due_error;      /* why not ("" when computed) */
	bool extended;
	const char *wait_until;     /* NULL unless waiting for the applicant */
	int fee_standard;
	long long fee_units;
	long long fee_yuan;
	const char *outcome;        /* NULL while open */
	const char *basis;
	const char *closed_on;      /* NULL while open */
	int version;
	long long created_by;       /* 0: the applicant */
	const char *created_at;
	const char *updated_at;
};

struct app_event {
	long long id;
	long long application_id;
	const char *action;         /* taxonomy.h action code, or "submit" / "register" */
	const char *day;
	int n;
	long long user_id;          /* 0: the applicant */
	const char *actor;
	const char *reason;
	const char *detail;
	const char *at;
};

struct app_due_change {
	const char *old_due;        /* NULL: none */
	const char *new_due;
	const char *cause;
	const char *at;
};

struct app_letter {
	long long id;
	long long org_id;
	long long application_id;
	const char *kind;
	const char *title;
	const char *doc_no;
	const char *body_md;
	const char *status;         /* draft issued */
	const char *issued_on;
	int version;
	const char *created_at;
	const char *updated_at;
};

struct app_file {
	long long id;
	long long org_id;
	long long application_id;
	const char *role;           /* request released */
	const char *filename;
	const char *mime;
	long long size;
	const char *sha256;
	const char *created_at;
};

/* Insert a (sets a->id); ERR_CONFLICT when its submit_token or serial is
 * taken. */
int store_app_insert(struct db *db, struct application *a);
/* Write every mutable field when the stored version is a->version; bumps
 * it (a->version too). ERR_CONFLICT when someone saved in between. */
int store_app_update(struct db *db, struct application *a);
int store_app_get(struct db *db, struct arena *a, long long org_id, long long id, struct application *out);
int store_app_by_token(struct db *db, struct arena *a, long long org_id, const char *token, struct application *out);
int store_app_by_code(struct db *db, struct arena *a, const char *code, struct application *out);
/* The next serial number of (org, year): the count of its applications of
 * that year plus one (inside the inserting transaction). */
int store_app_next_serial(struct db *db, long long org_id, int year, long long *serial);

struct app_filter {
	long long org_id;           /* 0: all orgs (recomputing due dates) */
	bool open_only;             /* states still owing a reply */
	const char *state;          /* NULL: any */
	long long limit, offset;
};
/* Applications by due date (open first, earliest due first, no due date
 * first of all: those need attention), then by received date. */
int store_app_list(struct db *db, struct arena *a, const struct app_filter *f, struct application **out,
		   size_t *n, long long *total);
/* The open applications of org with only id, state, due_on, received_on
 * and extended filled: what a dashboard's summary needs. */
int store_app_open_dues(struct db *db, struct arena *a, long long org_id, struct application **out, size_t *n);
/* Every application of org received on or before to (YYYY-MM-DD) and not
 * closed before from: the rows the report of [from, to] needs. */
int store_app_for_period(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			 struct application **out, size_t *n);
/* Count the applications of one applicant (same id_number) in org received
 * in [from, to]: the k of 按件计收. */
int store_app_count_applicant(struct db *db, long long org_id, const char *id_number, const char *from,
			      const char *to, long long *n);

int store_app_event_add(struct db *db, long long org_id, struct app_event *e);
int store_app_events(struct db *db, struct arena *a, long long org_id, long long app_id, struct app_event **out,
		     size_t *n);
int store_app_due_change_add(struct db *db, long long org_id, long long app_id, const struct app_due_change *c);
int store_app_due_changes(struct db *db, struct arena *a, long long org_id, long long app_id,
			  struct app_due_change **out, size_t *n);

int store_app_letter_insert(struct db *db, struct app_letter *l);
/* Save title, doc_no, body_md, status and issued_on when the stored version
 * is l->version (a draft only: issued letters are final): ERR_CONFLICT. */
int store_app_letter_update(struct db *db, struct app_letter *l);
int store_app_letter_get(struct db *db, struct arena *a, long long org_id, long long id, struct app_letter *out);
int store_app_letters(struct db *db, struct arena *a, long long org_id, long long app_id, struct app_letter **out,
		      size_t *n);

int store_app_file_insert(struct db *db, struct app_file *f);
int store_app_file_get(struct db *db, struct arena *a, long long org_id, long long id, struct app_file *out);
int store_app_files(struct db *db, struct arena *a, long long org_id, long long app_id, struct app_file **out,
		    size_t *n);

#endif
