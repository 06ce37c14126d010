/* review.h - 先审后发: an item goes 草稿 -> 待审核 -> 已发布 through one or
 * two levels of review (as its category requires), each decision recorded
 * with its comment; the publishing-safety scanner runs on submission and
 * again on the approval that publishes, and an uncleared finding blocks
 * publication; a published item is corrected through a correction draft
 * whose publication makes a new version of the same item (same 索引号),
 * the old version kept in its history.
 *
 * The permission to call each function is checked by the caller (auth_can:
 * PERM_EDIT for submit and correct, PERM_PUBLISH for the rest); the rules
 * that depend on who acts (no approving one's own submission, two
 * different reviewers for two levels) are checked here. On a refusal the
 * functions return ERR_DENIED or ERR_CONFLICT with *msg a Chinese message. */
#ifndef GK_DOMAIN_CATALOG_REVIEW_H
#define GK_DOMAIN_CATALOG_REVIEW_H

#include <stdbool.h>

struct arena;
struct db;
struct org;

struct review_actor {
	long long user_id;
	bool admin;         /* 机构管理员 or 系统管理员: may approve what they submitted
			     * (a small agency with one administrator) */
	const char *files_dir; /* attachment store, for the scanner */
};

/* 草稿/已撤回 -> 待审核; runs the scanner. *blocking gets the findings that
 * must be cleared before publication. */
int catalog_review_submit(struct db *db, struct arena *a, const struct org *org, long long item_id,
		   const struct review_actor *who, const char *comment, const char *now, long long *blocking,
		   const char **msg);
/* Approve at the next level. The last level publishes (a correction draft
 * replaces its original) after scanning again; *published tells which
 * happened, *index_no the 索引号 when published. */
int catalog_review_approve(struct db *db, struct arena *a, const struct org *org, long long item_id,
		    const struct review_actor *who, const char *comment, const char *now, bool *published,
		    const char **index_no, long long *result_item, const char **msg);
/* 待审核 -> 草稿 with a required comment (退回修改). */
int catalog_review_return(struct db *db, struct arena *a, const struct org *org, long long item_id,
		   const struct review_actor *who, const char *comment, const char *now, const char **msg);
/* 已发布 -> 已撤回 with a required reason (its 索引号 stays). */
int catalog_review_withdraw(struct db *db, struct arena *a, const struct org *org, long long item_id,
		     const struct review_actor *who, const char *reason, const char *now, const char **msg);
/* The correction draft of a published item, created on first call. */
int catalog_review_correct(struct db *db, struct arena *a, const struct org *org, long long item_id,
		    const struct review_actor *who, const char *now, long long *draft_id, const char **msg);
/* Clear a finding with a required reason. */
int catalog_review_clear(struct db *db, struct arena *a, const struct org *org, long long item_id,
			  long long finding_id, const struct review_actor *who, const char *reason, const char *now,
			  const char **msg);
/* Run the scanner over the item's title, summary, body and attachments and
 * record the findings (in the caller's transaction); *blocking as above. */
int catalog_review_scan(struct db *db, struct arena *a, const struct org *org, long long item_id, const char *files_dir,
		 const char *now, long long *blocking);

#endif
