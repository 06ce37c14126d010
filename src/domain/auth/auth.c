/* auth.c - see auth.h. */
#include "domain/auth/auth.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

int auth_init(void)
{
	return sodium_init() < 0 ? ERR_INTERNAL : 0;
}

int auth_hash_password(struct arena *a, const char *pw, const char **out)
{
	char *h = arena_alloc(a, crypto_pwhash_STRBYTES);

	if (!h)
		return ERR_NOMEM;
	if (crypto_pwhash_str(h, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return ERR_NOMEM;
	*out = h;
	return 0;
}

bool auth_check_password(const char *hash, const char *pw)
{
	return hash && pw && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int auth_random_token(struct arena *a, size_t nbytes, const char **out)
{
	unsigned char raw[64];
	char *hex;

	if (nbytes > sizeof(raw))
		return ERR_INVALID;
	hex = arena_alloc(a, 2 * nbytes + 1);
	if (!hex)
		return ERR_NOMEM;
	randombytes_buf(raw, nbytes);
	hex_encode(raw, nbytes, hex);
	*out = hex;
	return 0;
}

int auth_random_password(struct arena *a, const char **out)
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	char *p = arena_alloc(a, 17);

	if (!p)
		return ERR_NOMEM;
	for (int i = 0; i < 16; i++)
		p[i] = alpha[randombytes_uniform(sizeof(alpha) - 1)];
	p[16] = '\0';
	*out = p;
	return 0;
}

int auth_token_hash(struct arena *a, const char *s, const char **out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(a, 2 * sizeof(h) + 1);

	if (!hex)
		return ERR_NOMEM;
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	hex_encode(h, sizeof(h), hex);
	*out = hex;
	return 0;
}

/* The most used passwords of 10 or more characters that are not only
 * digits (shorter ones and digit strings are refused anyway): a short
 * built-in list from the published leak statistics, compared ignoring
 * case. Not a dictionary check; it stops the obvious ones. */
static const char *const common_passwords[] = {
	"1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx3edc", "1qazxsw23edc", "1234567890q", "123456789a",
	"123456789q", "123456789abc", "123456abcdef", "123qweasdzxc", "a123456789", "a1b2c3d4e5",
	"aa123456789", "abc1234567", "abc123456789", "abcd123456", "abcd1234567", "admin12345",
	"admin123456", "admin@123456", "administrator", "asdfghjkl1", "asdfghjkl123", "changeme123",
	"gongkai123", "iloveyou12", "iloveyou123", "letmein123", "p@ssw0rd123", "passw0rd123",
	"password12", "password123", "password1234", "password@123", "q1w2e3r4t5", "q1w2e3r4t5y6",
	"qazwsxedc123", "qazwsxedcrfv", "qwe123456789", "qwerty12345", "qwerty123456", "qwertyuiop",
	"qwertyuiop123", "welcome123", "woaini1314520", "woaini123456", "zaq12wsxcde3", "zxcvbnm123",
	"zxcvbnm1234", "zxcvbnmasdfghjkl",
};

const char *auth_password_weak(const char *pw)
{
	size_t n = strlen(pw);

	if (utf8_len(pw, n) < 10)
		return "密码至少 10 个字符。";
	if (strspn(pw, "0123456789") == n)
		return "密码不能全是数字。";
	if (strspn(pw, (const char[]){ pw[0], '\0' }) == n)
		return "密码不能是同一个字符的重复。";
	for (size_t i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++)
		if (strcasecmp(pw, common_passwords[i]) == 0)
			return "这是最常见的密码之一，很容易被猜中，请换一个。";
	return NULL;
}

const char *auth_password_weak_for(const char *pw, const char *username)
{
	const char *weak = auth_password_weak(pw);

	if (weak)
		return weak;
	if (username && *username && strcasecmp(pw, username) == 0)
		return "密码不能与用户名相同。";
	return NULL;
}

long auth_lockout_seconds(int failures)
{
	long s = 30;

	if (failures < AUTH_LOCKOUT_AFTER)
		return 0;
	for (int i = AUTH_LOCKOUT_AFTER; i < failures && s < 3600; i++)
		s *= 2;
	return s < 3600 ? s : 3600;
}

static long lockout_left(int failures, long since_last)
{
	long lock = auth_lockout_seconds(failures);

	if (since_last < 0)
		since_last = 0;
	return lock > since_last ? lock - since_last : 0;
}

long auth_lockout_wait(int user_failures, long user_since_last, int ip_failures, long ip_since_last)
{
	long u = lockout_left(user_failures, user_since_last), i = lockout_left(ip_failures, ip_since_last);

	return u > i ? u : i;
}

#define P(x) (1u << (x))
const struct auth_role auth_roles[] = {
	{ "sysadmin", "系统管理员", ~0u },
	{ "orgadmin", "机构管理员",
	  P(PERM_READ) | P(PERM_EDIT) | P(PERM_PUBLISH) | P(PERM_ADMIN) | P(PERM_CASES) | P(PERM_AUDIT) |
		  P(PERM_OVERSEE) },
	{ "editor", "信息员", P(PERM_READ) | P(PERM_EDIT) | P(PERM_OVERSEE) },
	{ "reviewer", "审核员", P(PERM_READ) | P(PERM_PUBLISH) | P(PERM_OVERSEE) },
	{ "handler", "承办人", P(PERM_READ) | P(PERM_CASES) | P(PERM_OVERSEE) },
	{ "viewer", "领导/只读", P(PERM_READ) | P(PERM_OVERSEE) },
};
const size_t auth_roles_count = sizeof(auth_roles) / sizeof(auth_roles[0]);

const char *auth_role_name(const char *code)
{
	for (size_t i = 0; i < auth_roles_count; i++)
		if (strcmp(auth_roles[i].code, code) == 0)
			return auth_roles[i].name;
	return NULL;
}

/* The permissions of a comma-separated list of role codes; *handler_only
 * when PERM_CASES comes only from 承办人. */
static unsigned role_perms(const char *roles, bool *handler_only)
{
	unsigned perms = 0, cases_other = 0;

	while (roles && *roles) {
		const char *end = strchr(roles, ',');
		size_t n = end ? (size_t)(end - roles) : strlen(roles);

		/* sysadmin counts only in the platform org (perms_of) */
		for (size_t i = 1; i < auth_roles_count; i++) {
			if (strlen(auth_roles[i].code) == n && memcmp(auth_roles[i].code, roles, n) == 0) {
				perms |= auth_roles[i].perms;
				if (strcmp(auth_roles[i].code, "handler") != 0)
					cases_other |= auth_roles[i].perms & P(PERM_CASES);
			}
		}
		roles = end ? end + 1 : NULL;
	}
	if (handler_only)
		*handler_only = (perms & P(PERM_CASES)) && !cases_other;
	return perms;
}

/* The ancestor rule: PERM_OVERSEE when the user holds a role giving it in
 * an ancestor of org_id (its parent, the parent's parent, ...). The walk
 * stops after AUTH_TREE_DEPTH steps, so a cycle in stored data cannot hang
 * a request. */
#define AUTH_TREE_DEPTH 32
static int ancestor_oversee(struct db *db, struct arena *a, long long user_id, long long org_id, bool *out)
{
	struct org o;
	const char *roles;
	int rc;

	*out = false;
	if ((rc = store_org_by_id(db, a, org_id, &o)))
		return rc;
	for (int depth = 0; o.parent_id && depth < AUTH_TREE_DEPTH; depth++) {
		if ((rc = store_org_by_id(db, a, o.parent_id, &o)))
			return rc;
		if ((rc = store_membership_roles(db, a, o.id, user_id, &roles)))
			return rc;
		if (role_perms(roles, NULL) & P(PERM_OVERSEE)) {
			*out = true;
			return 0;
		}
	}
	return 0;
}

/* The user's permissions in org_id: its roles there (and PERM_OVERSEE by
 * the ancestor rule), or all of them for a system administrator. */
static int perms_of(struct db *db, long long user_id, long long org_id, unsigned *perms, bool *handler_only)
{
	struct arena a;
	struct org platform;
	const char *roles = "";
	int rc;

	*perms = 0;
	*handler_only = false;
	if (user_id <= 0)
		return 0;
	arena_init(&a, 0);
	rc = store_org_platform(db, &a, &platform);
	if (rc == 0)
		rc = store_membership_roles(db, &a, platform.id, user_id, &roles);
	if (rc == 0 && strstr(roles, "sysadmin")) {
		*perms = ~0u;
	} else if (rc == 0 || rc == ERR_NOT_FOUND) {
		rc = store_membership_roles(db, &a, org_id, user_id, &roles);
		if (rc == 0)
			*perms = role_perms(roles, handler_only);
		if (rc == 0 && !(*perms & P(PERM_OVERSEE))) {
			bool over;

			rc = ancestor_oversee(db, &a, user_id, org_id, &over);
			if (rc == 0 && over)
				*perms |= P(PERM_OVERSEE);
		}
	}
	arena_release(&a);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

int auth_perms(struct db *db, long long user_id, long long org_id, unsigned *perms)
{
	bool handler_only;

	return perms_of(db, user_id, org_id, perms, &handler_only);
}

int auth_can(struct db *db, long long user_id, long long org_id, enum perm p, bool *out)
{
	unsigned perms;
	bool handler_only;
	int rc;

	*out = false;
	if ((unsigned)p >= PERM_COUNT)
		return ERR_INTERNAL;
	if ((rc = perms_of(db, user_id, org_id, &perms, &handler_only)))
		return rc;
	*out = (perms & P(p)) != 0;
	return 0;
}

int auth_can_case(struct db *db, long long user_id, long long org_id, long long assignee_id, bool *out)
{
	unsigned perms;
	bool handler_only;
	int rc;

	*out = false;
	if ((rc = perms_of(db, user_id, org_id, &perms, &handler_only)))
		return rc;
	*out = (perms & P(PERM_CASES)) && (!handler_only || (assignee_id && assignee_id == user_id));
	return 0;
}
