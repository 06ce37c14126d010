/* platform.h - the org tree of the multi-agency platform (政府网站集约化):
 * each agency's place in the tree and its platform-set and own settings
 * (migration 0017), the counts that decide whether an agency may be
 * deleted, and the open cases of every agency for the dashboard. The rules
 * (cycles, kinds, deadlines) are in src/domain/platform. */
#ifndef GK_STORE_PLATFORM_H
#define GK_STORE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

struct arena;
struct db;

/* 联系方式 shown on the agency's public pages and its 指南. */
struct org_contact {
	const char *address;   /* 办公地址 */
	const char *postcode;  /* 邮编 */
	const char *phone;     /* 电话 */
	const char *fax;       /* 传真 */
	const char *email;     /* 电子邮箱 */
	const char *hours;     /* 办公时间 */
};

/* An agency with its platform settings. */
struct org_node {
	struct org org;
	const char *agency_kind;   /* government | department | town | other */
	int sort;
	bool active;
	const char *report_due;    /* "MM-DD" local deadline, "" = statutory */
	struct org_contact contact;
};

/* Every agency (kind agency), active or not, by sort then name. */
int store_platform_orgs(struct db *db, struct arena *a, struct org_node **out, size_t *n);
/* One agency by id or by slug; ERR_NOT_FOUND for none (or the platform org). */
int store_platform_org(struct db *db, struct arena *a, long long id, struct org_node *out);
int store_platform_org_by_slug(struct db *db, struct arena *a, const char *slug, struct org_node *out);
/* Insert n->org (store_org_insert; n->org.id set) with its settings. */
int store_platform_insert(struct db *db, struct org_node *n, const char *now);
/* The platform-set fields of org n->org.id: name, org_code, index_pattern,
 * agency_kind, sort, report_due. ERR_NOT_FOUND when no such agency. */
int store_platform_update(struct db *db, const struct org_node *n, const char *now);
/* The agency's own contact block. */
int store_platform_set_contact(struct db *db, long long org_id, const struct org_contact *c, const char *now);
/* parent_id 0: top level (under the platform). */
int store_platform_set_parent(struct db *db, long long org_id, long long parent_id, const char *now);
int store_platform_set_active(struct db *db, long long org_id, bool active, const char *now);
/* The records an agency holds (items, applications, 政民互动, 建议提案,
 * reviews, decisions, users, reports) and its child agencies. */
int store_platform_usage(struct db *db, long long org_id, long long *records, long long *children);
/* Delete an agency without records: its categories, item counts, serials
 * and calendar go with it. ERR_CONFLICT when something still refers to it. */
int store_platform_delete(struct db *db, long long org_id);

/* The open cases of one kind of one agency for the dashboard. */
struct open_cases {
	long long org_id;
	long long open, overdue, due_soon, paused;
	const char *next_due;      /* the earliest due date not yet passed, or NULL */
};
enum { OPEN_APPS = 0, OPEN_INTERACTIONS = 1, OPEN_PROPOSALS = 2, OPEN_KINDS = 3 };
/* Per agency with open cases of kind (OPEN_*): overdue = due before today,
 * due_soon = due from today to soon (both YYYY-MM-DD), paused = waiting for
 * the other side (补正, 征求意见, 缴费). *out is an arena array of *n. */
int store_platform_open_cases(struct db *db, struct arena *a, int kind, const char *today, const char *soon,
			      struct open_cases **out, size_t *n);

/* Published items of the platform, newest first: of every active agency
 * (org_id 0), or of org_id and, with children, every agency below it; *total
 * counts them. Rows as store_item_list's. */
int store_platform_items(struct db *db, struct arena *a, long long org_id, bool children, long long limit,
			 long long offset, struct item_row **out, size_t *n, long long *total);

#endif
