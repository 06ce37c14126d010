/* afile.h - files written atomically (temporary file in the same
 * directory, fsync, rename) so that a reader never sees half a file, and
 * the SHA-256 digests the static site's manifest keeps of them. */
#ifndef GK_CORE_AFILE_H
#define GK_CORE_AFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Create dir and its missing parents (mode 0755). 0 or ERR_IO (errno set). */
int afile_mkdirs(const char *dir);

/* Replace path with (p, n): the parent directories are created, the bytes go
 * to a temporary file ".<name>.tmp-XXXXXX" beside it (mode 0644), which is
 * fsynced when sync and renamed over path; with sync the directory is
 * fsynced too. On failure the temporary file is removed and path is as it
 * was. 0 or ERR_IO (errno set). */
int afile_write(const char *path, const void *p, size_t n, bool sync);

/* afile_write of the contents of the file from (copied in chunks, never
 * whole in memory); hex and size get the digest and size of what was
 * copied. 0, ERR_NOT_FOUND (no file from) or ERR_IO (errno set). */
int afile_copy(const char *path, const char *from, bool sync, char hex[65], long long *size);

/* Lowercase hex SHA-256 of (p, n) into hex (65 bytes with the NUL). */
void afile_sha256_hex(const void *p, size_t n, char hex[65]);
/* The same of a file's contents, and its size. 0, ERR_NOT_FOUND or ERR_IO. */
int afile_sha256_file(const char *path, char hex[65], long long *size);

/* Is name one of afile_write's temporary files? */
bool afile_is_temp(const char *name);

#endif
