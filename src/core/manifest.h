/* manifest.h - the static site's manifest: DIR/.manifest lists every file
 * the application wrote under DIR with its size and SHA-256, so that files
 * changed, added or removed behind its back can be found.
 *
 * Format: a first line "# gongkai static manifest 1", then one line per
 * file, sorted by path: "<sha256 hex> <size> <path relative to DIR>". Paths
 * contain no newline and do not start with '/'. The manifest itself
 * (".manifest"), the lock file (".lock") and afile_write's temporary files
 * are not listed.
 *
 * A second line "# journal <16 hex>" names the snapshot's journal:
 * DIR/.manifest.log, first line "# journal <the same id>", then one line per
 * change since the snapshot, "<sha256 hex> <size> <path>" or "- <path>" (a
 * path removed). A publication appends its few changes there instead of
 * rewriting every line; a journal of another snapshot is ignored, a last
 * line without its newline (a crash) too. */
#ifndef GK_CORE_MANIFEST_H
#define GK_CORE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define MANIFEST_NAME ".manifest"
#define MANIFEST_LOCK ".lock"
#define MANIFEST_JOURNAL ".manifest.log"

struct mf_entry {
	const char *path;
	const char *sha256;  /* 64 hex digits (a pointer: a slot per file is zeroed on load) */
	long long size;
	bool live;           /* false: deleted (the slot is kept) */
	bool dirty;          /* changed since manifest_load */
};

/* An open-addressing table of entries by path, in arena memory. */
struct mf_slot;
struct manifest {
	struct arena *a;
	struct mf_slot *slots;   /* (hash, entry): entries do not move */
	size_t cap, used, live;
	/* manifest_load's: the paths as the file listed them (sorted) and
	 * those added since, so that manifest_save merges instead of sorting
	 * every path (ordered false: it sorts) */
	bool ordered;
	struct mf_entry **order, **added;
	size_t norder, nadded, capadded;
	/* the changes since manifest_load, which manifest_save appends to the
	 * journal DIR/.manifest.log of the snapshot journal_id when it can */
	struct mf_entry **dirty;
	size_t ndirty, capdirty;
	char journal_id[17];     /* the snapshot's; "" when it has none */
	bool journal_ok;         /* DIR/.manifest.log is the snapshot's */
	size_t snap_bytes, journal_bytes;
};

/* Read dir/.manifest; a missing file is an empty manifest. ERR_INVALID for
 * a malformed file, ERR_IO, ERR_NOMEM. */
int manifest_load(struct arena *a, const char *dir, struct manifest *m);
/* The live entry for path, or NULL. */
const struct mf_entry *manifest_get(const struct manifest *m, const char *path);
/* Add or replace path's entry. 0 or ERR_NOMEM, ERR_INVALID (bad path). */
int manifest_put(struct manifest *m, const char *path, long long size, const char sha256[65]);
/* Forget path (nothing when absent). */
void manifest_del(struct manifest *m, const char *path);
/* The live paths starting with prefix ("" for all), sorted; arena memory. */
int manifest_paths(const struct manifest *m, const char *prefix, const char ***out, size_t *n);
/* Write dir/.manifest atomically (afile_write). 0 or ERR_IO, ERR_NOMEM. */
int manifest_save(const struct manifest *m, const char *dir, bool sync);

enum mf_change { MF_CHANGED = 1, MF_ADDED, MF_REMOVED };
struct mf_diff {
	enum mf_change kind;
	const char *path;
};
/* Compare the files under dir with its manifest: every file whose size or
 * digest differs (changed), that is not listed (added) or that is listed
 * but missing (removed), sorted by path. ERR_NOT_FOUND when dir has no
 * manifest, ERR_INVALID when it is malformed, ERR_IO. */
int manifest_verify(struct arena *a, const char *dir, struct mf_diff **out, size_t *n);

#endif
