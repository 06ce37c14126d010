/* signkey.h - the platform's Ed25519 signing key (libsodium), which signs
 * the export feed the government platform pulls (/api/v1/export): a file
 * of its own, mode 0600, beside the database by default and never inside
 * the web root, the static tree or the attachments' store (see README
 * "导出接口" for why a file and not the database). */
#ifndef GK_CORE_SIGNKEY_H
#define GK_CORE_SIGNKEY_H

#include <stddef.h>

#define SIGNKEY_ID_LEN 16  /* hex characters of the key id */

struct signkey {
	unsigned char sk[64];          /* crypto_sign_SECRETKEYBYTES: seed and public key */
	unsigned char pk[32];
	char id[SIGNKEY_ID_LEN + 1];   /* the first 8 bytes of SHA-256(pk) in hex */
};

/* Generate a key into a new file at path (created with O_EXCL, mode 0600:
 * an existing key is never replaced). 0, ERR_CONFLICT when path exists, or
 * ERR_IO (errno set). */
int signkey_generate(const char *path, struct signkey *out);
/* Read the key at path. 0, ERR_NOT_FOUND, ERR_INVALID (not a key file, or
 * readable by others than its owner: refused) or ERR_IO. */
int signkey_load(const char *path, struct signkey *out);
/* The detached signature of (p, n) in base64 (standard alphabet, padded)
 * into out (at least 89 bytes). */
void signkey_sign_b64(const struct signkey *k, const void *p, size_t n, char out[89]);
/* Wipe the secret from memory. */
void signkey_clear(struct signkey *k);
/* The public key in base64 into out (at least 45 bytes). */
void signkey_public_b64(const struct signkey *k, char out[45]);

#endif
