/* auth.c - see auth.h. */
#include "domain/auth/auth.h"

#include <sodium.h>
#include <string.h>

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

const char *auth_password_weak(const char *pw)
{
	size_t n = strlen(pw);

	if (utf8_len(pw, n) < 10)
		return "密码至少 10 个字符。";
	if (strspn(pw, "0123456789") == n)
		return "密码不能全是数字。";
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

int auth_can(struct db *db, long long user_id, long long org_id, enum perm p, bool *out)
{
	struct arena a;
	struct org platform;
	bool yes = false;
	int rc;

	*out = false;
	arena_init(&a, 0);
	rc = store_org_platform(db, &a, &platform);
	if (rc == 0)
		rc = store_membership_has(db, platform.id, user_id, "sysadmin", &yes);
	arena_release(&a);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	if (yes) {
		*out = true;
		return 0;
	}
	/* Until the role workflow lands, any role in the org grants reading;
	 * editing and publishing need orgadmin, editor or reviewer; org
	 * settings need orgadmin. */
	switch (p) {
	case PERM_READ:
		return store_membership_has(db, org_id, user_id, NULL, out);
	case PERM_EDIT:
	case PERM_PUBLISH:
		if ((rc = store_membership_has(db, org_id, user_id, "orgadmin", out)) || *out)
			return rc;
		if ((rc = store_membership_has(db, org_id, user_id, "editor", out)) || *out)
			return rc;
		return store_membership_has(db, org_id, user_id, "reviewer", out);
	case PERM_ADMIN:
		return store_membership_has(db, org_id, user_id, "orgadmin", out);
	case PERM_CASES:
		if ((rc = store_membership_has(db, org_id, user_id, "orgadmin", out)) || *out)
			return rc;
		return store_membership_has(db, org_id, user_id, "handler", out);
	}
	return ERR_INTERNAL;
}
