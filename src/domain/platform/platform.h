/* platform.h - the rules of the multi-agency platform (政府网站集约化): the
 * org tree (kinds, parents without cycles, sort order), each agency's
 * annual-report deadline, and the platform administrator's operations on
 * agencies (create with default categories and a first 机构管理员, edit,
 * move, deactivate, delete when empty). Who may do them is checked by the
 * caller through auth_can (sysadmin: PERM_ADMIN in the platform org).
 *
 * Report deadline (条例第四十九条, ../shared/spec/annual-report.md R9):
 * 县级以上人民政府部门 publish by 1月31日; the 本级政府 report, published by
 * the government's 政府信息公开工作主管部门, by 3月31日. So the statutory
 * deadline is 03-31 for an agency of kind government that has child
 * agencies, 01-31 for every other agency. The platform may set a local
 * deadline earlier than that ("allow a configurable local earlier
 * deadline"), never later.
 *
 * Functions return 0 or a negative enum err; ERR_INVALID, ERR_NOT_FOUND and
 * ERR_CONFLICT come with a Chinese *msg. Arena memory throughout. */
#ifndef GK_DOMAIN_PLATFORM_PLATFORM_H
#define GK_DOMAIN_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "store/platform.h"

struct arena;
struct db;

enum {
	PLATFORM_NAME_MAX = 100,    /* characters */
	PLATFORM_CODE_MAX = 40,
	PLATFORM_PATTERN_MAX = 100,
	PLATFORM_CONTACT_MAX = 200,
	PLATFORM_DEPTH_MAX = 16,    /* levels of the tree */
};

/* The kinds of agency: code and the Chinese name used on pages. */
struct platform_kind {
	const char *code;
	const char *name;
};
extern const struct platform_kind platform_kinds[];
extern const size_t platform_kinds_count;
/* The Chinese name of a kind code, NULL for an unknown one. */
const char *platform_kind_name(const char *code);

/* ---- the tree (pure functions over store_platform_orgs' list) ---- */

/* Index of org id in nodes, or -1. */
long platform_find(const struct org_node *nodes, size_t n, long long id);
/* May org_id get parent_id (0: top level)? The parent must be an agency
 * of the list, not org_id itself nor one of its descendants, and the tree
 * must not get deeper than PLATFORM_DEPTH_MAX. ERR_NOT_FOUND / ERR_INVALID
 * with *msg. org_id 0: a new agency. */
int platform_check_parent(const struct org_node *nodes, size_t n, long long org_id, long long parent_id,
			  const char **msg);
/* Is id root_id or below it? */
bool platform_in_subtree(const struct org_node *nodes, size_t n, long long root_id, long long id);
/* Does id have child agencies? */
bool platform_has_children(const struct org_node *nodes, size_t n, long long id);
/* The indexes of root_id and every agency below it, root first, in tree
 * order (children by sort, name). *out is an arena array of *k. root_id 0:
 * the whole tree. */
int platform_subtree(struct arena *a, const struct org_node *nodes, size_t n, long long root_id, size_t **out,
		     size_t *k, int **depth);

/* ---- deadlines ---- */

/* "03-31" or "01-31": the statutory deadline of an agency (see above). */
const char *platform_statutory_due(const char *agency_kind, bool has_children);
/* The deadline in force: the local one when set, else the statutory. */
const char *platform_due(const struct org_node *o, bool has_children);
/* The day number of the deadline of year's report (in year + 1). */
long platform_deadline(const struct org_node *o, bool has_children, int year);
/* Is mmdd ("MM-DD", "" for none) a valid local deadline not later than
 * statutory? NULL when valid, else a Chinese message. */
const char *platform_due_invalid(const char *mmdd, const char *statutory);

/* ---- validation ---- */

/* Check and trim an agency's fields (slug, name, code, kind, pattern, due,
 * contact) in place. ERR_INVALID with *msg naming the field. */
int platform_validate(struct arena *a, struct org_node *o, const char **msg);
/* The contact block only (the agency's own settings page). */
int platform_validate_contact(struct arena *a, struct org_contact *c, const char **msg);

/* ---- operations (each one transaction) ---- */

/* Create agency o (o->org.parent_id: 0 or an agency) with the default
 * categories and, when admin_username is given, its first 机构管理员 with a
 * one-time password (*password) that must be changed at the first login.
 * ERR_CONFLICT with *msg when the slug or the username is taken. */
int platform_create(struct db *db, struct arena *a, struct org_node *o, const char *admin_username,
		    const char *admin_display, const char *now, const char **password, const char **msg);
/* Save the platform-set fields of o (o->org.id). */
int platform_update(struct db *db, struct arena *a, struct org_node *o, const char *now, const char **msg);
/* Move org_id under parent_id (0: top level). */
int platform_move(struct db *db, struct arena *a, long long org_id, long long parent_id, const char *now,
		  const char **msg);
int platform_set_active(struct db *db, long long org_id, bool active, const char *now, const char **msg);
/* Delete an agency that has no records and no child agencies; else
 * ERR_CONFLICT with *msg (deactivate it instead). */
int platform_delete(struct db *db, struct arena *a, long long org_id, const char **msg);

#endif
