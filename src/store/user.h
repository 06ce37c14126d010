/* user.h - staff accounts beyond the basics in store.h: an org's members
 * with their roles, removing roles, disabling accounts, the TOTP second
 * factor, passwords an administrator set (must be changed), and the
 * pending logins between the password and the TOTP code. The rules (who
 * may do what, the last 机构管理员, the code check) are in domain/auth and
 * the handlers; these functions only read and write rows. */
#ifndef GK_STORE_USER_H
#define GK_STORE_USER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

struct arena;
struct db;

/* A user with their roles in one org. */
struct member {
	struct user u;
	const char *roles;  /* comma-separated role codes held in that org */
};
/* The users holding any role in org_id, by username; *out is an arena
 * array of *n. */
int store_org_members(struct db *db, struct arena *a, long long org_id, struct member **out, size_t *n);

/* One role a user holds somewhere. */
struct membership {
	long long org_id;
	const char *org_slug;
	const char *org_name;
	const char *org_kind;  /* "platform" or "agency" */
	const char *role;
};
/* Every role of user_id, the platform org first, then by org name. */
int store_user_memberships(struct db *db, struct arena *a, long long user_id, struct membership **out, size_t *n);
/* Remove role (NULL: every role) of user_id in org_id; *removed (may be
 * NULL) gets how many rows went. */
int store_membership_remove(struct db *db, long long org_id, long long user_id, const char *role, long long *removed);
/* How many enabled users other than except_user hold role in org_id. */
int store_membership_count(struct db *db, long long org_id, const char *role, long long except_user, long long *n);

int store_user_set_disabled(struct db *db, long long id, bool disabled, const char *now);
int store_user_set_must_change(struct db *db, long long id, bool on, const char *now);

/* ---- TOTP (domain/auth/totp.h checks the codes) ---- */
/* The key being enrolled (NULL when none; table totp_enrolments). */
int store_user_totp_pending(struct db *db, struct arena *a, long long id, const char **secret);
/* Start an enrolment with secret, replacing one begun before (NULL:
 * abandon it). */
int store_user_totp_set_pending(struct db *db, long long id, const char *secret, const char *now);
/* Switch the second factor on with the key being enrolled, when that is
 * still secret (ERR_CONFLICT otherwise: another enrolment started in
 * between), and remember step as used. Two statements: inside the
 * caller's transaction. */
int store_user_totp_enable(struct db *db, long long id, const char *secret, long long step, const char *now);
/* Switch it off (key, enrolment and last step cleared). */
int store_user_totp_clear(struct db *db, long long id, const char *now);
/* Record an accepted code's step: ERR_CONFLICT when step is not after the
 * last accepted one (a replay, also by a request racing this one). */
int store_user_totp_use_step(struct db *db, long long id, long long step);

/* ---- pending logins (password right, TOTP code still to come) ---- */
/* Also drops the expired ones. */
int store_login_pending_add(struct db *db, long long user_id, const char *token_hash, const char *ip,
			    const char *now, const char *expires);
/* End every pending login of user_id (password reset, account disabled). */
int store_login_pending_delete_user(struct db *db, long long user_id);
/* Take (delete: single use) the pending login with this token hash when it
 * has not expired at now: its user and expiry (arena). ERR_NOT_FOUND. */
int store_login_pending_take(struct db *db, struct arena *a, const char *token_hash, const char *now,
			     long long *user_id, const char **expires);

#endif
