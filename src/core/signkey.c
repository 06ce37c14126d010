/* signkey.c - see signkey.h. The file holds a line "gongkai-ed25519-v1 "
 * followed by the 32-byte seed in base64 and a newline: text, so that an
 * operator can tell what it is, and a seed, from which libsodium derives
 * the secret and public keys. */
#include "core/signkey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/err.h"
#include "core/banned.h"

#define MAGIC "gongkai-ed25519-v1 "

static void key_id(struct signkey *k)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, k->pk, sizeof(k->pk));
	sodium_bin2hex(k->id, sizeof(k->id), h, SIGNKEY_ID_LEN / 2);
}

static int from_seed(const unsigned char seed[32], struct signkey *k)
{
	if (crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0)
		return ERR_INVALID;
	key_id(k);
	return 0;
}

int signkey_generate(const char *path, struct signkey *out)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char line[128], b64[64];
	int fd, rc = 0;
	size_t n;

	if (sodium_init() < 0)
		return ERR_INTERNAL;
	randombytes_buf(seed, sizeof(seed));
	sodium_bin2base64(b64, sizeof(b64), seed, sizeof(seed), sodium_base64_VARIANT_ORIGINAL);
	n = (size_t)snprintf(line, sizeof(line), MAGIC "%s\n", b64);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		sodium_memzero(seed, sizeof(seed));
		sodium_memzero(line, sizeof(line));
		return errno == EEXIST ? ERR_CONFLICT : ERR_IO;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, line, n) != (ssize_t)n || fsync(fd) != 0)
		rc = ERR_IO;
	if (close(fd) != 0)
		rc = ERR_IO;
	if (rc) {
		int e = errno;

		unlink(path);
		errno = e;
	} else {
		rc = from_seed(seed, out);
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(line, sizeof(line));
	return rc;
}

int signkey_load(const char *path, struct signkey *out)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char line[256];
	struct stat sb;
	size_t len, bin = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (sodium_init() < 0)
		return ERR_INTERNAL;
	if (fd < 0)
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return ERR_IO;
	}
	/* a secret others can read is no longer a secret: refuse it */
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077)) {
		close(fd);
		return ERR_INVALID;
	}
	got = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (got < 0)
		return ERR_IO;
	line[got] = '\0';
	len = strcspn(line, "\r\n");
	rc = strncmp(line, MAGIC, strlen(MAGIC)) != 0 ||
		     sodium_base642bin(seed, sizeof(seed), line + strlen(MAGIC), len - strlen(MAGIC), NULL, &bin, NULL,
				       sodium_base64_VARIANT_ORIGINAL) != 0 ||
		     bin != sizeof(seed)
	     ? ERR_INVALID
	     : from_seed(seed, out);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(line, sizeof(line));
	return rc;
}

void signkey_sign_b64(const struct signkey *k, const void *p, size_t n, char out[89])
{
	unsigned char sig[crypto_sign_BYTES];

	crypto_sign_detached(sig, NULL, p, n, k->sk);
	sodium_bin2base64(out, 89, sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
}

void signkey_public_b64(const struct signkey *k, char out[45])
{
	sodium_bin2base64(out, 45, k->pk, sizeof(k->pk), sodium_base64_VARIANT_ORIGINAL);
}

void signkey_clear(struct signkey *k)
{
	sodium_memzero(k, sizeof(*k));
}
