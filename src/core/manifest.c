/* manifest.c - see manifest.h. */
#include "core/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/afile.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

#define HEADER "# gongkai static manifest 1\n"
#define JOURNAL_LINE "# journal "

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	/* FNV-1a's low bits (the slot) cluster for paths that differ only
	 * in a number's last digits: mix the high bits in */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

struct mf_slot {
	uint64_t h;
	struct mf_entry *e;
};

static struct mf_slot *find_slot(const struct mf_slot *slots, size_t cap, uint64_t h, const char *path)
{
	size_t i = (size_t)h & (cap - 1);

	while (slots[i].e && (slots[i].h != h || strcmp(slots[i].e->path, path) != 0))
		i = (i + 1) & (cap - 1);
	return (struct mf_slot *)&slots[i];
}

static int grow(struct manifest *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct mf_slot *s = arena_zalloc(m->a, cap * sizeof(*s));

	if (!s)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].e)
			continue;
		for (j = (size_t)m->slots[i].h & (cap - 1); s[j].e; j = (j + 1) & (cap - 1))
			;
		s[j] = m->slots[i];
	}
	m->slots = s;
	m->cap = cap;
	return 0;
}

static bool path_ok(const char *p)
{
	return *p && *p != '/' && !strchr(p, '\n') && !strchr(p, '\r');
}

static int note_added(struct manifest *m, struct mf_entry *e)
{
	if (m->nadded == m->capadded) {
		size_t cap = m->capadded ? m->capadded * 2 : 64;
		struct mf_entry **v = arena_alloc(m->a, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		if (m->nadded)
			memcpy(v, m->added, m->nadded * sizeof(*v));
		m->added = v;
		m->capadded = cap;
	}
	m->added[m->nadded++] = e;
	return 0;
}

static int mark_dirty(struct manifest *m, struct mf_entry *e)
{
	if (e->dirty)
		return 0;
	if (m->ndirty == m->capdirty) {
		size_t cap = m->capdirty ? m->capdirty * 2 : 64;
		struct mf_entry **v = arena_alloc(m->a, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		if (m->ndirty)
			memcpy(v, m->dirty, m->ndirty * sizeof(*v));
		m->dirty = v;
		m->capdirty = cap;
	}
	m->dirty[m->ndirty++] = e;
	e->dirty = true;
	return 0;
}

int manifest_put(struct manifest *m, const char *path, long long size, const char sha256[65])
{
	struct mf_slot *sl;
	struct mf_entry *e;
	uint64_t h;
	int rc;

	if (!path_ok(path) || strlen(sha256) != 64)
		return ERR_INVALID;
	if ((m->used + 1) * 4 > m->cap * 3 && (rc = grow(m)))
		return rc;
	h = hash_path(path);
	sl = find_slot(m->slots, m->cap, h, path);
	if (!(e = sl->e)) {
		if (!(e = arena_zalloc(m->a, sizeof(*e))) || !(e->path = arena_strdup(m->a, path)))
			return ERR_NOMEM;
		sl->h = h;
		sl->e = e;
		m->used++;
		if (m->ordered && (rc = note_added(m, e)))
			return rc;
	}
	if (!e->live || e->size != size || !e->sha256 || strcmp(e->sha256, sha256) != 0) {
		char *hex = arena_alloc(m->a, 65);

		if (!hex || (rc = mark_dirty(m, e)))
			return ERR_NOMEM;
		memcpy(hex, sha256, 65);
		e->sha256 = hex;
	}
	if (!e->live)
		m->live++;
	e->live = true;
	e->size = size;
	return 0;
}

const struct mf_entry *manifest_get(const struct manifest *m, const char *path)
{
	const struct mf_entry *e;

	if (!m->cap)
		return NULL;
	e = find_slot(m->slots, m->cap, hash_path(path), path)->e;
	return e && e->live ? e : NULL;
}

void manifest_del(struct manifest *m, const char *path)
{
	struct mf_entry *e;

	if (!m->cap)
		return;
	e = find_slot(m->slots, m->cap, hash_path(path), path)->e;
	if (e && e->live) {
		e->live = false;
		m->live--;
		if (mark_dirty(m, e))
			m->journal_ok = false; /* out of memory: save writes a snapshot */
	}
}

/* Read all of f into arena memory, NUL-terminated. */
static int slurp(struct arena *a, FILE *f, char **out, size_t *n)
{
	struct stat sb;
	char *p;
	size_t got;

	if (fstat(fileno(f), &sb) != 0 || sb.st_size < 0)
		return ERR_IO;
	if (!(p = arena_alloc(a, (size_t)sb.st_size + 1)))
		return ERR_NOMEM;
	got = fread(p, 1, (size_t)sb.st_size, f);
	if (ferror(f))
		return ERR_IO;
	p[got] = '\0';
	*out = p;
	*n = got;
	return 0;
}

/* Apply DIR/.manifest.log when it is the journal of the snapshot just
 * read; its last line without a newline (a crash) is left out. */
static int load_journal(struct arena *a, const char *dir, struct manifest *m)
{
	char *path = arena_printf(a, "%s/" MANIFEST_JOURNAL, dir);
	FILE *f;
	char *text, *line, *nl, head[64];
	size_t len;
	int rc;

	if (!path)
		return ERR_NOMEM;
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : ERR_IO;
	rc = slurp(a, f, &text, &len);
	fclose(f);
	if (rc)
		return rc;
	snprintf(head, sizeof(head), JOURNAL_LINE "%s\n", m->journal_id);
	if (strncmp(text, head, strlen(head)) != 0)
		return 0; /* another snapshot's: the next save replaces it */
	for (line = text + strlen(head); (nl = strchr(line, '\n')); line = nl + 1) {
		char *sp1, *sp2, *end;
		long long size;

		*nl = '\0';
		if (line[0] == '-' && line[1] == ' ') {
			manifest_del(m, line + 2);
			continue;
		}
		sp1 = strchr(line, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp1 || sp1 - line != 64 || !sp2)
			return ERR_INVALID;
		*sp1 = '\0';
		errno = 0;
		size = strtoll(sp1 + 1, &end, 10);
		if (errno || end != sp2 || size < 0)
			return ERR_INVALID;
		if ((rc = manifest_put(m, sp2 + 1, size, line)))
			return rc;
	}
	/* what the journal holds is not a change of this run */
	for (size_t i = 0; i < m->ndirty; i++)
		m->dirty[i]->dirty = false;
	m->ndirty = 0;
	m->journal_ok = true;
	m->journal_bytes = len;
	return 0;
}

/* The file is read whole and parsed in place (paths point into it), into
 * a table sized once: a publication of one item loads the manifest of
 * every file of the tree. */
int manifest_load(struct arena *a, const char *dir, struct manifest *m)
{
	char *path = arena_printf(a, "%s/" MANIFEST_NAME, dir);
	FILE *f;
	char *text, *line, *nl;
	size_t len, lines = 0, cap = 1024;
	const char *prev = NULL;
	struct mf_entry *entries;
	int rc;

	memset(m, 0, sizeof(*m));
	m->a = a;
	m->ordered = true;
	if (!path)
		return ERR_NOMEM;
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : ERR_IO;
	rc = slurp(a, f, &text, &len);
	fclose(f);
	if (rc)
		return rc;
	if (strncmp(text, HEADER, strlen(HEADER)) != 0)
		return ERR_INVALID;
	m->snap_bytes = len;
	line = text + strlen(HEADER);
	if (strncmp(line, JOURNAL_LINE, strlen(JOURNAL_LINE)) == 0 && strlen(line) >= strlen(JOURNAL_LINE) + 17 &&
	    line[strlen(JOURNAL_LINE) + 16] == '\n') {
		memcpy(m->journal_id, line + strlen(JOURNAL_LINE), 16);
		m->journal_id[16] = '\0';
		line += strlen(JOURNAL_LINE) + 17;
	}
	for (const char *q = line; (q = memchr(q, '\n', len - (size_t)(q - text))); q++)
		lines++;
	lines++; /* a last line without its newline */
	while ((lines + 1) * 4 > cap * 3)
		cap *= 2;
	if (!(m->slots = arena_zalloc(a, cap * sizeof(*m->slots))) ||
	    !(m->order = arena_alloc(a, lines * sizeof(*m->order))) ||
	    !(entries = arena_zalloc(a, lines * sizeof(*entries))))
		return ERR_NOMEM;
	m->cap = cap;
	for (; *line; line = nl + 1) {
		char *sp1, *sp2, *end;
		long long size;
		struct mf_slot *sl;
		struct mf_entry *e;
		uint64_t h;

		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		else
			nl = line + strlen(line) - 1; /* the loop ends on the NUL */
		sp1 = strchr(line, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp1 || sp1 - line != 64 || !sp2 || !path_ok(sp2 + 1))
			return ERR_INVALID;
		*sp1 = '\0';
		errno = 0;
		size = strtoll(sp1 + 1, &end, 10);
		if (errno || end != sp2 || size < 0)
			return ERR_INVALID;
		h = hash_path(sp2 + 1);
		sl = find_slot(m->slots, m->cap, h, sp2 + 1);
		if (!(e = sl->e)) {
			e = &entries[m->norder];
			e->path = sp2 + 1;
			sl->h = h;
			sl->e = e;
			m->used++;
			m->order[m->norder++] = e;
			/* a file not sorted (or with a path twice) is saved sorted */
			if (prev && strcmp(prev, e->path) >= 0)
				m->ordered = false;
			prev = e->path;
		} else {
			m->ordered = false;
		}
		if (!e->live)
			m->live++;
		e->live = true;
		e->size = size;
		e->sha256 = line;
	}
	if (!m->ordered) {
		m->order = NULL;
		m->norder = 0;
	}
	return m->journal_id[0] ? load_journal(a, dir, m) : 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_entry(const void *x, const void *y)
{
	return strcmp((*(const struct mf_entry *const *)x)->path, (*(const struct mf_entry *const *)y)->path);
}

int manifest_paths(const struct manifest *m, const char *prefix, const char ***out, size_t *n)
{
	size_t pl = strlen(prefix), k = 0;
	const char **v = arena_alloc(m->a, (m->live + 1) * sizeof(*v));

	if (!v)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		const struct mf_entry *e = m->slots[i].e;

		if (e && e->live && strncmp(e->path, prefix, pl) == 0)
			v[k++] = e->path;
	}
	qsort(v, k, sizeof(*v), cmp_str);
	*out = v;
	*n = k;
	return 0;
}

static void save_line(struct buf *b, const struct mf_entry *e)
{
	char num[24];
	int k = snprintf(num, sizeof(num), " %lld ", e->size);

	/* buf_append, not buf_printf: a line per file of the tree */
	buf_append(b, e->sha256, 64);
	buf_append(b, num, (size_t)k);
	buf_puts(b, e->path);
	buf_putc(b, '\n');
}

/* Append the run's changes to the snapshot's journal; ERR_NOT_FOUND when
 * it is not there. */
static int save_journal(const struct manifest *m, const char *dir, bool sync)
{
	struct buf b;
	char *path = arena_printf(m->a, "%s/" MANIFEST_JOURNAL, dir);
	int fd, rc = 0;

	buf_init(&b, m->a, (size_t)1 << 30);
	for (size_t i = 0; i < m->ndirty; i++) {
		const struct mf_entry *e = m->dirty[i];

		if (e->live) {
			save_line(&b, e);
		} else {
			buf_puts(&b, "- ");
			buf_puts(&b, e->path);
			buf_putc(&b, '\n');
		}
	}
	if (b.err || !path)
		return ERR_NOMEM;
	if (!b.n)
		return 0;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO; /* gone since the load: a snapshot */
	for (size_t off = 0; off < b.n && !rc;) {
		ssize_t w = write(fd, b.p + off, b.n - off);

		if (w < 0 && errno != EINTR)
			rc = ERR_IO;
		else if (w > 0)
			off += (size_t)w;
	}
	if (!rc && sync && fsync(fd) != 0)
		rc = ERR_IO;
	if (close(fd) != 0 && !rc)
		rc = ERR_IO;
	return rc;
}

int manifest_save(const struct manifest *m, const char *dir, bool sync)
{
	const char **paths;
	size_t n;
	struct buf b;
	char *path, *jpath, *head, id[17];
	struct timespec ts;
	int rc;

	/* a few changes: the journal, while it stays small beside the snapshot */
	if (m->journal_ok && m->journal_id[0] && m->ordered && m->ndirty * 4 < m->live + 64 &&
	    m->journal_bytes < m->snap_bytes / 4 + 64 * 1024 && (rc = save_journal(m, dir, sync)) != ERR_NOT_FOUND)
		return rc;
	/* a new snapshot, with a new journal id: an old journal left behind
	 * (a crash before its removal) is another snapshot's */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(id, sizeof(id), "%016llx",
		 (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec);
	buf_init(&b, m->a, (size_t)1 << 30);
	buf_puts(&b, HEADER);
	buf_puts(&b, JOURNAL_LINE);
	buf_puts(&b, id);
	buf_putc(&b, '\n');
	if (m->ordered) {
		/* the loaded paths are sorted: merge the few added since */
		size_t i = 0, j = 0;

		if (m->nadded)
			qsort(m->added, m->nadded, sizeof(*m->added), cmp_entry);
		while (i < m->norder || j < m->nadded) {
			const struct mf_entry *e =
				j == m->nadded || (i < m->norder && strcmp(m->order[i]->path, m->added[j]->path) < 0)
					? m->order[i++]
					: m->added[j++];

			if (e->live)
				save_line(&b, e);
		}
	} else {
		if ((rc = manifest_paths(m, "", &paths, &n)))
			return rc;
		for (size_t i = 0; i < n; i++)
			save_line(&b, manifest_get(m, paths[i]));
	}
	if (b.err || !(path = arena_printf(m->a, "%s/" MANIFEST_NAME, dir)) ||
	    !(jpath = arena_printf(m->a, "%s/" MANIFEST_JOURNAL, dir)) || !(head = arena_printf(m->a, JOURNAL_LINE "%s\n", id)))
		return ERR_NOMEM;
	/* the snapshot, then its empty journal: a crash in between leaves the
	 * old journal, which names the old snapshot and is ignored */
	if ((rc = afile_write(path, b.p, b.n, sync)))
		return rc;
	return afile_write(jpath, head, strlen(head), sync);
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
		if (!*rel && (strcmp(name, MANIFEST_NAME) == 0 || strcmp(name, MANIFEST_LOCK) == 0 ||
			      strcmp(name, MANIFEST_JOURNAL) == 0))
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
