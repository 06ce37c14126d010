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
/* Password policy: at least 10 characters and not only digits. Returns a
 * Chinese message for a weak password, NULL when acceptable. */
const char *auth_password_weak(const char *pw);

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

/* What a staff member wants to do in an org. */
enum perm {
	PERM_READ,     /* see the org's staff pages and drafts */
	PERM_EDIT,     /* create and edit items, upload attachments */
	PERM_PUBLISH,  /* publish and withdraw */
	PERM_ADMIN,    /* org settings such as the 指南 */
	PERM_CASES,    /* handle disclosure applications and see applicants'
			* personal data unmasked (orgadmin, handler) */
};
/* The one permission check: may user_id do perm in org_id? A system
 * administrator (sysadmin in the platform org) may do everything. */
int auth_can(struct db *db, long long user_id, long long org_id, enum perm p, bool *out);

#endif
