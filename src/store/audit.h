/* audit.h - the audit trail (审计日志): reading it, and appending the
 * events that are not row changes (logins, failed logins, logouts, bulk
 * loads). Row changes are appended by the database itself (triggers the
 * connection installs, db_sqlite.c), with the actor set by db_set_actor.
 * The log is append-only: nothing here, or anywhere, updates or deletes
 * it, and the database refuses it. */
#ifndef GK_STORE_AUDIT_H
#define GK_STORE_AUDIT_H

#include <stddef.h>

struct arena;
struct db;

struct audit_row {
	long long id;
	const char *at;        /* ISO 8601 UTC with milliseconds */
	long long org_id;      /* 0: none (platform-wide data) */
	long long user_id;     /* 0: the public, the CLI or a failed login */
	const char *username;
	const char *ip;
	const char *action;    /* insert update delete login login_failed logout totp_failed bulk_import ... */
	const char *tbl;
	long long row_id;
	const char *before;    /* JSON object or NULL */
	const char *after;     /* JSON object or NULL */
	const char *hash;
};

/* Append an event with the connection's actor. org_id 0: none; tbl "" and
 * row_id 0 when not about a record; detail: a JSON object or NULL. */
int store_audit_event(struct db *db, long long org_id, const char *action, const char *tbl, long long row_id,
		      const char *detail);

struct audit_filter {
	long long org_id;      /* 0: every org (platform administrators) */
	const char *user;      /* username, exact; NULL: any */
	const char *action;    /* NULL: any */
	const char *tbl;       /* NULL: any */
	long long row_id;      /* 0: any */
	const char *ip;        /* NULL: any */
	const char *from, *to; /* dates YYYY-MM-DD inclusive; NULL: open */
	const char *text;      /* substring of before/after; NULL: any */
	long long before_id;   /* rows with id < before_id (0: from the newest): paging */
	int limit;
};
/* Newest first. */
int store_audit_list(struct db *db, struct arena *a, const struct audit_filter *f, struct audit_row **out, size_t *n);

/* Walk the whole chain: *bad_id = the first row whose hash does not match
 * its fields and the previous row's hash (0: intact), *rows = rows read. */
int store_audit_verify(struct db *db, long long *bad_id, long long *rows);

#endif
