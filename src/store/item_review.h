/* item_review.h - the rows behind 先审后发: review steps, the versions a
 * correction replaced, the publishing-safety scanner's findings, and the
 * per-org and per-category settings they use. The rules are in
 * domain/catalog/review.c. */
#ifndef GK_STORE_ITEM_REVIEW_H
#define GK_STORE_ITEM_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct item_review {
	long long id;
	long long item_id;
	int item_version;
	int level;
	const char *decision;   /* submit approve return withdraw correct clear */
	const char *comment;
	long long user_id;
	const char *username;   /* display name or username */
	const char *at;
};
int store_item_review_add(struct db *db, long long org_id, long long item_id, int item_version, int level,
			  const char *decision, const char *comment, long long user_id, const char *now);
int store_item_review_list(struct db *db, struct arena *a, long long org_id, long long item_id,
			   struct item_review **out, size_t *n);
/* The user who gave the approval of the given level in the current round
 * (after the last submit); 0 when none. */
int store_item_review_approver(struct db *db, long long org_id, long long item_id, int level, long long *user_id);

/* Set the review round's state: status, approvals given, submitter (0: keep). */
int store_item_review_state(struct db *db, long long org_id, long long item_id, const char *status, int level,
			    long long submitted_by, const char *now);

struct item_version {
	long long id;
	int version;
	const char *index_no, *title, *doc_no, *publisher, *written_on, *published_on, *category, *topic, *genre,
		*validity, *validity_on, *summary, *body_md, *attachments, *replaced_on, *reason;
};
/* Keep the item's current content as a replaced version (in the caller's
 * transaction). */
int store_item_version_save(struct db *db, long long org_id, long long item_id, const char *replaced_on,
			    const char *reason);
int store_item_version_list(struct db *db, struct arena *a, long long org_id, long long item_id,
			    struct item_version **out, size_t *n);
int store_item_version_get(struct db *db, struct arena *a, long long org_id, long long item_id, int version,
			   struct item_version *out);

/* Correction drafts. */
/* The open correction draft of a published item (0: none). */
int store_item_correction_of(struct db *db, long long org_id, long long item_id, long long *draft_id);
/* Copy a published item into a new draft that corrects it, attachments
 * included (the same stored files); *draft_id gets the new item. */
int store_item_correction_create(struct db *db, long long org_id, long long item_id, long long user_id,
				 const char *now, long long *draft_id);
/* Publish a correction: the original takes the draft's content, version + 1,
 * corrected_on; the draft's attachments, review steps and findings move to
 * the original and the draft row goes. The caller saved the old version. */
int store_item_correction_merge(struct db *db, long long org_id, long long draft_id, long long item_id,
				const char *today, const char *now);

/* Scanner findings. */
struct safety_row {
	long long id;
	const char *kind;       /* the Chinese label */
	const char *place;      /* 正文, 标题, 附件：name */
	const char *excerpt;    /* masked context */
	const char *hint;
	const char *found_at;
	bool stale;             /* no longer found by the last scan */
	long long cleared_by;
	const char *cleared_name;
	const char *cleared_at;
	const char *reason;
};
/* Before a scan: mark every finding of the item stale; each one found
 * again is made current by store_safety_upsert. */
int store_safety_mark_stale(struct db *db, long long org_id, long long item_id);
int store_safety_upsert(struct db *db, long long org_id, long long item_id, const char *kind, const char *place,
			const char *excerpt, const char *hint, const char *fingerprint, const char *now);
int store_safety_list(struct db *db, struct arena *a, long long org_id, long long item_id, struct safety_row **out,
		      size_t *n);
/* Findings that are current and not cleared: what blocks publication. */
int store_safety_blocking(struct db *db, long long org_id, long long item_id, long long *n);
/* ERR_NOT_FOUND when the finding is not the item's or already cleared. */
int store_safety_clear(struct db *db, long long org_id, long long item_id, long long finding_id, long long user_id,
		       const char *reason, const char *now);

/* Settings. */
int store_category_set_review_levels(struct db *db, long long org_id, long long category_id, int levels);
int store_org_safety_words(struct db *db, struct arena *a, long long org_id, const char **out);
int store_org_set_safety_words(struct db *db, long long org_id, const char *words);

/* Case assignment (applications, interactions): the 承办人 of a case. */
int store_case_assignee(struct db *db, const char *table, long long org_id, long long id, long long *assignee_id);
int store_case_assign(struct db *db, const char *table, long long org_id, long long id, long long assignee_id);

/* The org's staff who may be assigned cases (承办人 and 机构管理员). */
struct case_handler {
	long long user_id;
	const char *name;       /* display name (username) */
};
int store_case_handlers(struct db *db, struct arena *a, long long org_id, struct case_handler **out, size_t *n);

#endif
