/* proposal.h - rows of 建议提案办理 (deputies' proposals and suggestions):
 * the proposal, its events, and the counts the domain builds the annual
 * report's figures from. The rules (codes, states, validation, due dates)
 * live in domain/registers/proposals; these functions only read and write
 * rows. As store.h: every function takes the org it works in, strings come
 * from the caller's arena, 0 or a negative enum err (ERR_NOT_FOUND when the
 * record is not in that org, ERR_CONFLICT on a unique violation or a stale
 * version). Writes that span statements run in the caller's transaction. */
#ifndef GK_STORE_PROPOSAL_H
#define GK_STORE_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct proposal {
	long long id;
	long long org_id;
	const char *source;        /* party npc cppcc, "" (来信 only) */
	const char *session;       /* 届次会议, "" for a 来信 without one */
	const char *kind;          /* motion suggestion interim proposal letter */
	const char *number;        /* 编号 */
	const char *title;
	const char *proposer;      /* 领衔人 */
	const char *cosigners;     /* 附议人 */
	const char *role;          /* lead assist joint */
	const char *assigned_on;   /* YYYY-MM-DD */
	const char *due_on;        /* YYYY-MM-DD */
	bool due_computed;         /* due_on = assigned_on + the default days */
	const char *state;         /* open replied closed */
	const char *reply;         /* Markdown, "" while open */
	const char *result;        /* A B C; NULL while open */
	const char *replied_on;    /* NULL while open */
	const char *satisfaction;  /* satisfied basic dissatisfied; NULL until closed */
	const char *closed_on;     /* NULL until closed */
	long long item_id;         /* the published reply; 0 when none */
	const char *submit_token;  /* NULL when none */
	int version;
	long long created_by;      /* 0: the command line */
	const char *created_at;
	const char *updated_at;
};

struct proposal_event {
	long long id;
	long long proposal_id;
	const char *action;
	const char *day;
	long long user_id;         /* 0: the command line */
	const char *actor;
	const char *detail;
	const char *at;
};

/* Insert p (sets p->id, p->version = 1); ERR_CONFLICT when its key
 * (session, kind, number), submit_token or item is taken in the org. */
int store_proposal_insert(struct db *db, struct proposal *p);
/* Write every mutable field when the stored version is p->version; bumps
 * it (p->version too). ERR_CONFLICT when someone saved in between (or a
 * unique violation). */
int store_proposal_update(struct db *db, struct proposal *p);
int store_proposal_get(struct db *db, struct arena *a, long long org_id, long long id, struct proposal *out);
int store_proposal_by_token(struct db *db, struct arena *a, long long org_id, const char *token,
			    struct proposal *out);
int store_proposal_by_key(struct db *db, struct arena *a, long long org_id, const char *session, const char *kind,
			  const char *number, struct proposal *out);

struct proposal_filter {
	long long org_id;
	int year;                  /* of assigned_on; 0 = all */
	const char *source;        /* NULL = any ("" is a value: no source) */
	const char *kind;          /* NULL = any */
	const char *role;          /* NULL = any */
	const char *state;         /* NULL = any */
	const char *overdue_on;    /* YYYY-MM-DD: only open ones due before it; NULL = no such filter */
	long long limit, offset;   /* limit 0: all */
};
/* Open ones first, earliest due first; then by session, kind and number. */
int store_proposal_list(struct db *db, struct arena *a, const struct proposal_filter *f, struct proposal **out,
			size_t *n, long long *total);
/* The years of assigned_on of org, newest first. */
int store_proposal_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n);
/* Open proposals of org (any year) and how many of them are due before
 * today (YYYY-MM-DD). */
int store_proposal_open_counts(struct db *db, long long org_id, const char *today, long long *open,
			       long long *overdue);

/* One group of proposals of a year: same source, session, kind, role,
 * state, result and satisfaction, and whether the reply is published. */
struct proposal_group {
	const char *source;
	const char *session;
	const char *kind;
	const char *role;
	const char *state;
	const char *result;        /* "" when none */
	const char *satisfaction;  /* "" when none */
	bool published;
	long long n;
	const char *first_assigned; /* the earliest assigned_on of the group */
};
/* The groups of org's proposals assigned in [from, to] (YYYY-MM-DD). */
int store_proposal_groups(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			  struct proposal_group **out, size_t *n);
/* Proposals of org assigned in [from, to] by source and month (1-12):
 * *out holds *n triples (source as in the row, month, count) flattened as
 * struct proposal_month. */
struct proposal_month {
	const char *source;
	int month;
	long long n;
};
int store_proposal_months(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			  struct proposal_month **out, size_t *n);

/* A published catalog item of org in category_id titled exactly title and
 * not yet linked to a proposal other than except_id (0: none): its id, or
 * ERR_NOT_FOUND. */
int store_proposal_find_reply_item(struct db *db, long long org_id, long long category_id, const char *title,
				   long long except_id, long long *item_id);

int store_proposal_event_add(struct db *db, long long org_id, struct proposal_event *e);
int store_proposal_events(struct db *db, struct arena *a, long long org_id, long long proposal_id,
			  struct proposal_event **out, size_t *n);

#endif
