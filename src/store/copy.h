/* copy.h - copy a gongkai database to another one (SQLite or PostgreSQL,
 * either direction, or SQLite to SQLite), all of it or one agency, and
 * check the copy table by table (`gongkai store copy` / `store verify`).
 *
 * The tables come from the engines' catalogs (sqlite_master, pg_catalog),
 * so a table added by a later migration is copied without anyone
 * remembering to; they are copied in foreign-key order, row by row in
 * primary-key order, each value with its type. The copy is one transaction
 * on the target: a failure (or a checksum that does not match) leaves the
 * target as it was. The target's triggers are off for the copy (the audit
 * triggers and the derived tables' ones: the audit log and the derived
 * tables are copied as they are), and the derived search index of SQLite
 * (FTS5, not a table) is rebuilt the way a bulk import rebuilds it.
 *
 * Whole copy: every table but the target's own bookkeeping
 * (schema_migrations, meta); the audit log verbatim, hash chain included.
 * Both sides are at the binary's schema version, so a table (or column)
 * only one side has is its engine's own derived data: noted, not copied. 
 * One agency (org_slug): the rows of every table with org_id = the agency,
 * its orgs row and the rows of tables without org_id that belong to its
 * rows (a user's TOTP enrolment), plus what those rows reference (shared
 * users, the parent/platform org, by foreign key, recursively) and the
 * platform's working-day calendar; referenced rows the target already has
 * (same primary key) are kept as they are. The agency's audit rows are
 * appended to the target's hash chain (same content, new id and hash), so
 * `gongkai audit verify` passes on the target. */
#ifndef GK_STORE_COPY_H
#define GK_STORE_COPY_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct copy_opts {
	const char *org_slug;   /* one agency; NULL: the whole database */
	bool force;             /* empty a non-empty target first */
	bool verify_only;       /* compare source and target, copy nothing */
};

/* One table's line of the report. */
struct copy_table {
	const char *name;
	long long src_rows, dst_rows;     /* compared rows on each side */
	char src_sum[17], dst_sum[17];    /* the first 16 hex digits of the SHA-256 */
	long long shared;                 /* referenced rows copied (--org) */
	long long kept;                   /* referenced rows the target already had */
	const char *note;                 /* why not compared, or a remark (Chinese) */
	bool compared, ok;
};

struct copy_report {
	struct copy_table *t;
	size_t n;
	int mismatches;
	int version;                      /* the schema version of both */
	long long org_id;                 /* the agency (org_slug), 0 for all */
	const char *msg;                  /* why refused (Chinese, arena memory) */
	/* the attachments the copied rows name (every column called sha256):
	 * files in the --files directory, DIR/<2 hex>/<sha256> */
	const char **files;
	size_t nfiles;
};

/* Copy src into dst (or, verify_only, compare them) as described above.
 * dst is migrated first. Returns 0 when done: r lists every table, and
 * r->mismatches > 0 means the copy was rolled back (verify_only: that they
 * differ). ERR_CONFLICT: dst is not empty and o->force is not set;
 * ERR_INVALID: refused (schema versions differ, unknown agency, a row of
 * the agency clashes with the target's); r->msg says why in both cases.
 * Other errors: the engine's (logged), nothing changed. Memory: a. */
int store_copy(struct db *src, struct db *dst, const struct copy_opts *o, struct arena *a, struct copy_report *r);

#endif
