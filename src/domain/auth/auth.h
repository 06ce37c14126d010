/* auth.h - passwords (argon2id via libsodium), random tokens, and the one
 * permission check every page, API route and CLI command goes through. */
#ifndef GK_DOMAIN_AUTH_H
#define GK_DOMAIN_AUTH_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

/* Call once at start-up (libsodium). */
int auth_init(void);
/* argon2id hash string of a password (arena memory). */
int auth_hash_password(struct arena *a, const char *pw, const char **out);
/* true when pw matches the stored hash. */
bool auth_check_password(const char *hash, const char *pw);
/* A random token of nbytes bytes, hex-encoded (arena memory). */
int auth_random_token(struct arena *a, size_t nbytes, const char **out);
/* A random password of 16 characters from an unambiguous alphabet. */
int auth_random_password(struct arena *a, const char **out);
/* SHA-256 of s, hex-encoded (arena memory): how session tokens are stored. */
int auth_token_hash(struct arena *a, const char *s, const char **out);
/* Password policy: at least 10 characters, not only digits, not one
 * character repeated, not one of a short built-in list of the most common
 * passwords. Returns a Chinese message for a weak password, NULL when
 * acceptable. */
const char *auth_password_weak(const char *pw);
/* The same, and not the account's username (ignoring case): for every path
 * that sets a password for a known account. */
const char *auth_password_weak_for(const char *pw, const char *username);

/* Login lockout: how long an account name or a client address with this
 * many failed logins in the last hour (AUTH_LOCKOUT_WINDOW) must wait after
 * its last failure. 0 below AUTH_LOCKOUT_AFTER failures, then 30 s and
 * doubling with each further failure (60, 120, ...), at most an hour. */
#define AUTH_LOCKOUT_AFTER 5
#define AUTH_LOCKOUT_WINDOW 3600
long auth_lockout_seconds(int failures);
/* The seconds still to wait (0: not locked) for the name and the address,
 * given their recent failure counts and the seconds since each one's last
 * failure: the longer of the two. */
long auth_lockout_wait(int user_failures, long user_since_last, int ip_failures, long ip_since_last);

/* What a staff member wants to do in an org. Which roles grant what is
 * one table in auth.c (auth_role_perms), shown to administrators on the
 * users page:
 *
 *                       READ EDIT PUBLISH ADMIN CASES AUDIT OVERSEE
 *   sysadmin 系统管理员    every permission in every org
 *   orgadmin 机构管理员     x    x     x      x     x     x     x(2)
 *   editor   信息员        x    x                             x(2)
 *   reviewer 审核员        x          x                       x(2)
 *   handler  承办人        x                      x(1)        x(2)
 *   viewer   领导/只读     x                                  x(2)
 *
 * (1) a 承办人 acts only on the applications and 政民互动 cases assigned
 *     to them (auth_can_case); a 机构管理员 on every case of the org.
 * (2) the ancestor rule, the one place a role reaches beyond its org: a
 *     role held in an org gives PERM_OVERSEE in that org and in every org
 *     below it in the org tree (the 本级政府's staff read their departments'
 *     aggregates, dashboards and annual reports), and nothing else there:
 *     opening or changing a descendant's records needs a role in it. */
enum perm {
	PERM_READ,     /* see the org's staff pages and drafts (personal data masked) */
	PERM_EDIT,     /* draft and edit items, upload attachments, submit for review */
	PERM_PUBLISH,  /* review: approve (publish), return, withdraw, clear scanner findings */
	PERM_ADMIN,    /* org settings, categories, 指南, users and roles, annual report */
	PERM_CASES,    /* handle applications, 政民互动 and the registers; see applicants'
			* personal data unmasked */
	PERM_AUDIT,    /* read the audit trail */
	PERM_OVERSEE,  /* read the aggregates of the org and its subtree: the open-case
			* dashboard, the annual reports (not the records themselves) */
};
#define PERM_COUNT 7

/* The roles, in display order: code and Chinese name. */
struct auth_role {
	const char *code;
	const char *name;
	unsigned perms;  /* bit (1u << enum perm) */
};
extern const struct auth_role auth_roles[];
extern const size_t auth_roles_count;
/* The Chinese name of a role code, or NULL for an unknown code. */
const char *auth_role_name(const char *code);

/* Every permission user_id has in org_id, as bits (1u << enum perm): what
 * auth_can tests one bit of. For a caller that asks several questions
 * about the same user and org (a page and its navigation). */
int auth_perms(struct db *db, long long user_id, long long org_id, unsigned *perms);

/* The one permission check: may user_id do perm in org_id? A system
 * administrator (sysadmin in the platform org) may do everything; a role
 * in an ancestor of org_id gives PERM_OVERSEE there (the ancestor rule). */
int auth_can(struct db *db, long long user_id, long long org_id, enum perm p, bool *out);
/* May user_id act on a case (application or 政民互动) of org_id assigned to
 * assignee_id (0: not assigned)? PERM_CASES through a role other than
 * 承办人, or 承办人 and assignee_id == user_id. */
int auth_can_case(struct db *db, long long user_id, long long org_id, long long assignee_id, bool *out);

#endif
