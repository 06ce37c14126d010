/* manifest.c - see manifest.h. */
#include "core/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/afile.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

#define HEADER "# gongkai static manifest 1\n"

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct mf_entry *find_slot(const struct mf_entry *slots, size_t cap, const char *path)
{
	size_t i = (size_t)hash_path(path) & (cap - 1);

	while (slots[i].path && strcmp(slots[i].path, path) != 0)
		i = (i + 1) & (cap - 1);
	return (struct mf_entry *)&slots[i];
}

static int grow(struct manifest *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct mf_entry *s = arena_zalloc(m->a, cap * sizeof(*s));

	if (!s)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].path)
			*find_slot(s, cap, m->slots[i].path) = m->slots[i];
	m->slots = s;
	m->cap = cap;
	return 0;
}

static bool path_ok(const char *p)
{
	return *p && *p != '/' && !strchr(p, '\n') && !strchr(p, '\r');
}

int manifest_put(struct manifest *m, const char *path, long long size, const char sha256[65])
{
	struct mf_entry *e;
	int rc;

	if (!path_ok(path) || strlen(sha256) != 64)
		return ERR_INVALID;
	if ((m->used + 1) * 4 > m->cap * 3 && (rc = grow(m)))
		return rc;
	e = find_slot(m->slots, m->cap, path);
	if (!e->path) {
		if (!(e->path = arena_strdup(m->a, path)))
			return ERR_NOMEM;
		m->used++;
	}
	if (!e->live)
		m->live++;
	e->live = true;
	e->size = size;
	memcpy(e->sha256, sha256, 65);
	return 0;
}

const struct mf_entry *manifest_get(const struct manifest *m, const char *path)
{
	const struct mf_entry *e;

	if (!m->cap)
		return NULL;
	e = find_slot(m->slots, m->cap, path);
	return e->path && e->live ? e : NULL;
}

void manifest_del(struct manifest *m, const char *path)
{
	struct mf_entry *e;

	if (!m->cap)
		return;
	e = find_slot(m->slots, m->cap, path);
	if (e->path && e->live) {
		e->live = false;
		m->live--;
	}
}

int manifest_load(struct arena *a, const char *dir, struct manifest *m)
{
	char *path = arena_printf(a, "%s/" MANIFEST_NAME, dir);
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	m->a = a;
	if (!path)
		return ERR_NOMEM;
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : ERR_IO;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *sp1, *sp2, *end;
		long long size;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (lineno++ == 0) {
			if (strcmp(line, "# gongkai static manifest 1") != 0) {
				rc = ERR_INVALID;
				break;
			}
			continue;
		}
		sp1 = strchr(line, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp1 || sp1 - line != 64 || !sp2) {
			rc = ERR_INVALID;
			break;
		}
		*sp1 = '\0';
		errno = 0;
		size = strtoll(sp1 + 1, &end, 10);
		if (errno || end != sp2 || size < 0 || (rc = manifest_put(m, sp2 + 1, size, line)))
			break;
	}
	if (!rc && (ferror(f) || lineno == 0))
		rc = lineno == 0 ? ERR_INVALID : ERR_IO;
	free(line);
	fclose(f);
	return rc ? (rc == ERR_NOMEM ? rc : rc == ERR_IO ? rc : ERR_INVALID) : 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int manifest_paths(const struct manifest *m, const char *prefix, const char ***out, size_t *n)
{
	size_t pl = strlen(prefix), k = 0;
	const char **v = arena_alloc(m->a, (m->live + 1) * sizeof(*v));

	if (!v)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].path && m->slots[i].live && strncmp(m->slots[i].path, prefix, pl) == 0)
			v[k++] = m->slots[i].path;
	qsort(v, k, sizeof(*v), cmp_str);
	*out = v;
	*n = k;
	return 0;
}

int manifest_save(const struct manifest *m, const char *dir, bool sync)
{
	const char **paths;
	size_t n;
	struct buf b;
	char *path;
	int rc;

	if ((rc = manifest_paths(m, "", &paths, &n)))
		return rc;
	buf_init(&b, m->a, (size_t)1 << 30);
	buf_puts(&b, HEADER);
	for (size_t i = 0; i < n; i++) {
		const struct mf_entry *e = manifest_get(m, paths[i]);

		char num[24];
		int k = snprintf(num, sizeof(num), " %lld ", e->size);

		/* buf_append, not buf_printf: a line per file of the tree */
		buf_append(&b, e->sha256, 64);
		buf_append(&b, num, (size_t)k);
		buf_puts(&b, e->path);
		buf_putc(&b, '\n');
	}
	if (b.err || !(path = arena_printf(m->a, "%s/" MANIFEST_NAME, dir)))
		return ERR_NOMEM;
	return afile_write(path, b.p, b.n, sync);
}

/* ---- verification ---- */

struct walk {
	struct arena *a;
	struct manifest *m;
	struct manifest seen;
	struct mf_diff *d;
	size_t n, cap;
};

static int diff_add(struct walk *w, enum mf_change kind, const char *path)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct mf_diff *d = arena_alloc(w->a, cap * sizeof(*d));

		if (!d)
			return ERR_NOMEM;
		if (w->n)
			memcpy(d, w->d, w->n * sizeof(*d));
		w->d = d;
		w->cap = cap;
	}
	w->d[w->n].kind = kind;
	if (!(w->d[w->n].path = arena_strdup(w->a, path)))
		return ERR_NOMEM;
	w->n++;
	return 0;
}

static int walk_dir(struct walk *w, const char *root, const char *rel)
{
	char *dir = *rel ? arena_printf(w->a, "%s/%s", root, rel) : arena_strdup(w->a, root);
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (!dir)
		return ERR_NOMEM;
	if (!(d = opendir(dir)))
		return ERR_IO;
	while (!rc && (de = readdir(d))) {
		const char *name = de->d_name;
		char *sub, *full, hex[65];
		struct stat st;
		const struct mf_entry *e;
		long long size;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (!*rel && (strcmp(name, MANIFEST_NAME) == 0 || strcmp(name, MANIFEST_LOCK) == 0))
			continue;
		if (afile_is_temp(name))
			continue;
		sub = *rel ? arena_printf(w->a, "%s/%s", rel, name) : arena_strdup(w->a, name);
		full = sub ? arena_printf(w->a, "%s/%s", root, sub) : NULL;
		if (!full) {
			rc = ERR_NOMEM;
			break;
		}
		if (lstat(full, &st) != 0) {
			rc = ERR_IO;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(w, root, sub);
			continue;
		}
		if ((rc = manifest_put(&w->seen, sub, 0, "0000000000000000000000000000000000000000000000000000000000000000")))
			break;
		if (!(e = manifest_get(w->m, sub))) {
			rc = diff_add(w, MF_ADDED, sub);
			continue;
		}
		/* a symbolic link or device in place of a file is a change too */
		if (!S_ISREG(st.st_mode) || st.st_size != e->size) {
			rc = diff_add(w, MF_CHANGED, sub);
			continue;
		}
		if ((rc = afile_sha256_file(full, hex, &size)))
			break;
		if (size != e->size || strcmp(hex, e->sha256) != 0)
			rc = diff_add(w, MF_CHANGED, sub);
	}
	closedir(d);
	return rc;
}

static int cmp_diff(const void *x, const void *y)
{
	return strcmp(((const struct mf_diff *)x)->path, ((const struct mf_diff *)y)->path);
}

int manifest_verify(struct arena *a, const char *dir, struct mf_diff **out, size_t *n)
{
	struct manifest m;
	struct walk w = { .a = a, .m = &m };
	const char **paths;
	size_t np;
	char *mp = arena_printf(a, "%s/" MANIFEST_NAME, dir);
	struct stat st;
	int rc;

	if (!mp)
		return ERR_NOMEM;
	if (stat(mp, &st) != 0)
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	if ((rc = manifest_load(a, dir, &m)))
		return rc;
	memset(&w.seen, 0, sizeof(w.seen));
	w.seen.a = a;
	if ((rc = walk_dir(&w, dir, "")) || (rc = manifest_paths(&m, "", &paths, &np)))
		return rc;
	for (size_t i = 0; i < np; i++)
		if (!manifest_get(&w.seen, paths[i]) && (rc = diff_add(&w, MF_REMOVED, paths[i])))
			return rc;
	if (w.n)
		qsort(w.d, w.n, sizeof(*w.d), cmp_diff);
	*out = w.d;
	*n = w.n;
	return 0;
}
