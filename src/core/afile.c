/* afile.c - see afile.h. */
#include "core/afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/err.h"
#include "core/banned.h"

#define TEMP_MARK ".tmp-"

int afile_mkdirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return ERR_IO;
	}
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return ERR_IO;
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return ERR_IO;
	if (fsync(fd) != 0)
		rc = ERR_IO;
	close(fd);
	return rc;
}

/* The bytes of a new file: from a buffer, or copied from a file descriptor
 * while hashed. */
struct afile_src {
	const char *p;
	size_t n;
	int fd;                 /* >= 0: copy from it */
	crypto_hash_sha256_state *sha;
	long long copied;
};

static int fill(int fd, struct afile_src *src)
{
	char chunk[65536];

	if (src->fd < 0)
		return write_all(fd, src->p, src->n);
	for (;;) {
		ssize_t r = read(src->fd, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ERR_IO;
		if (r == 0)
			return 0;
		crypto_hash_sha256_update(src->sha, (const unsigned char *)chunk, (unsigned long long)r);
		src->copied += r;
		if (write_all(fd, chunk, (size_t)r))
			return ERR_IO;
	}
}

static int replace(const char *path, struct afile_src *src, bool sync)
{
	char dir[4096], tmp[4096 + 32];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	size_t dn = slash ? (size_t)(slash - path) : 0;
	int fd, saved;

	if (!*name || dn >= sizeof(dir)) {
		errno = EINVAL;
		return ERR_IO;
	}
	if (slash) {
		memcpy(dir, path, dn);
		dir[dn] = '\0';
		if (dn == 0)
			memcpy(dir, "/", 2);
	} else {
		memcpy(dir, ".", 2);
	}
	if (slash && dn && afile_mkdirs(dir))
		return ERR_IO;
	if (snprintf(tmp, sizeof(tmp), "%s/.%s" TEMP_MARK "XXXXXX", dir, name) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return ERR_IO;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return ERR_IO;
	if (fchmod(fd, 0644) != 0 || fill(fd, src) || (sync && fsync(fd) != 0))
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	if (sync && fsync_dir(dir))
		return ERR_IO;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return ERR_IO;
}

int afile_write(const char *path, const void *p, size_t n, bool sync)
{
	struct afile_src src = { .p = p, .n = n, .fd = -1 };

	return replace(path, &src, sync);
}

static void to_hex(const unsigned char *d, char hex[65])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

int afile_copy(const char *path, const char *from, bool sync, char hex[65], long long *size)
{
	crypto_hash_sha256_state st;
	unsigned char d[crypto_hash_sha256_BYTES];
	struct afile_src src = { .fd = open(from, O_RDONLY | O_CLOEXEC), .sha = &st };
	int rc, saved;

	if (src.fd < 0)
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	crypto_hash_sha256_init(&st);
	rc = replace(path, &src, sync);
	saved = errno;
	close(src.fd);
	errno = saved;
	if (rc)
		return rc;
	crypto_hash_sha256_final(&st, d);
	to_hex(d, hex);
	*size = src.copied;
	return 0;
}

void afile_sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, p, n);
	to_hex(d, hex);
}

int afile_sha256_file(const char *path, char hex[65], long long *size)
{
	crypto_hash_sha256_state st;
	unsigned char d[crypto_hash_sha256_BYTES], chunk[65536];
	long long total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return ERR_IO;
		}
		if (r == 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)r);
		total += r;
	}
	close(fd);
	crypto_hash_sha256_final(&st, d);
	to_hex(d, hex);
	*size = total;
	return 0;
}

bool afile_is_temp(const char *name)
{
	const char *m = strstr(name, TEMP_MARK);

	return name[0] == '.' && m && strlen(m) == strlen(TEMP_MARK) + 6;
}
