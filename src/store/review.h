/* review.h - the rows of administrative reviews and lawsuits about
 * disclosure (复议诉讼). The rules (kinds, results, dates, the link to an
 * application, the annual report's table 四) are in
 * domain/registers/reviews.h; these functions only read and write rows.
 * Conventions as in store.h: every function takes the org, strings come
 * from the caller's arena, 0 or a negative enum err (ERR_NOT_FOUND outside
 * the org, ERR_CONFLICT on a taken 案号 or a stale version). */
#ifndef GK_STORE_REVIEW_H
#define GK_STORE_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct review {
	long long id;
	long long org_id;
	const char *kind;           /* review suit suit_after_review */
	const char *case_no;        /* 案号, "" when not known */
	const char *filed_on;       /* YYYY-MM-DD */
	const char *body;           /* 复议机关或法院 */
	const char *party;          /* 申请人或原告 */
	const char *matter;         /* 事由 */
	long long application_id;   /* 0: none */
	const char *app_serial;     /* reads only: the application's 申请编号 (NULL when none) */
	const char *result;         /* upheld corrected other; NULL: 尚未审结 */
	const char *decided_on;     /* NULL while pending */
	const char *note;
	int version;
	long long created_by;       /* 0: the command line or an import without a user */
	const char *created_at;
	const char *updated_at;
};

/* Insert r (sets r->id, r->version = 1). ERR_CONFLICT when its 案号 is taken. */
int store_review_insert(struct db *db, struct review *r);
/* Write every editable field when the stored version is r->version; bumps
 * it (r->version too). ERR_CONFLICT when someone saved in between or the
 * 案号 is taken, ERR_NOT_FOUND when it is not in the org. */
int store_review_update(struct db *db, struct review *r);
/* Delete when the stored version is version: ERR_CONFLICT otherwise. */
int store_review_delete(struct db *db, long long org_id, long long id, int version);
int store_review_get(struct db *db, struct arena *a, long long org_id, long long id, struct review *out);
/* The review of org with this 案号 (ERR_NOT_FOUND). */
int store_review_by_case_no(struct db *db, struct arena *a, long long org_id, const char *case_no,
			    struct review *out);

struct review_filter {
	long long org_id;
	int year;                   /* of filed_on; 0: all */
	const char *kind;           /* NULL: all */
	long long limit, offset;    /* limit 0: all */
};
/* Newest filed first. *total (may be NULL) counts all matches. */
int store_review_list(struct db *db, struct arena *a, const struct review_filter *f, struct review **out,
		      size_t *n, long long *total);
/* Years with reviews filed, newest first. */
int store_review_years(struct db *db, struct arena *a, long long org_id, int **years, size_t *n);

/* The id of org's disclosure application with this 申请编号 (read-only
 * use of the applications table). ERR_NOT_FOUND when none. */
int store_review_app_by_serial(struct db *db, long long org_id, const char *serial, long long *app_id);

#endif
