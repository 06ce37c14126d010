/* proposals.h - 建议提案办理: the deputies' proposals and suggestions an
 * agency handles (人大代表议案、建议, 政协委员提案, 党代会代表提案, 来信), from
 * the 交办 record through the reply and the proposer's satisfaction to the
 * publication of the reply in the catalog (提案建议办理结果), and the counts
 * of the annual report.
 *
 * States: 办理中 (open) → 已答复 (replied: reply text, result class A/B/C,
 * replied_on) → 已办结 (closed: the proposer's satisfaction, closed_on). A
 * reply may be amended while it is not published. Every write is one
 * transaction with an optimistic version (ERR_CONFLICT when stale) and an
 * event (who, when, what).
 *
 * Decisions:
 * - Due date (办理期限): as entered from the 交办 document; left empty, it
 *   is assigned_on + PROP_DUE_DAYS calendar days through the deadline
 *   engine (DEADLINE_CALENDAR_DAYS): 90 days, the common three months of
 *   人大 and 政协 交办 documents. Overdue: open and today > due.
 * - Source may be empty only for 来信: the seed report counts "来信4件"
 *   without a source. 议案, 建议 and 闭会期间建议 come from 人大; 提案 from
 *   政协 or 党代会; a 来信 from any source or none.
 * - Key: 届次会议 + 类别 + 编号, unique per org (the CSV import updates the
 *   record with that key).
 * - A published reply is a catalog item in 提案建议办理结果 titled
 *   prop_reply_title(); the CSV column 答复公开标题 links an existing
 *   published item, and an imported reply whose default title is already
 *   published is linked to it. */
#ifndef GK_DOMAIN_REGISTERS_PROPOSALS_H
#define GK_DOMAIN_REGISTERS_PROPOSALS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/registers/registers.h"
#include "store/proposal.h"

struct arena;
struct calendar;
struct db;
struct org;

#define PROP_CATEGORY "提案建议办理结果"

enum {
	PROP_DUE_DAYS = 90,          /* default limit in calendar days (see above) */
	PROP_SESSION_MAX = 50,       /* characters */
	PROP_NUMBER_MAX = 20,
	PROP_TITLE_MAX = 200,
	PROP_PROPOSER_MAX = 100,
	PROP_COSIGNERS_MAX = 1000,
	PROP_REPLY_MAX = 50000,
};

/* ---- codes ---- */
struct prop_code {
	const char *code;    /* stored */
	const char *label;   /* shown, and accepted on input */
	const char *alt;     /* another accepted input, or NULL */
};

enum { PROP_SRC_PARTY, PROP_SRC_NPC, PROP_SRC_CPPCC, PROP_SRC_NONE, PROP_SOURCES };
enum { PROP_KIND_MOTION, PROP_KIND_SUGGESTION, PROP_KIND_INTERIM, PROP_KIND_PROPOSAL, PROP_KIND_LETTER, PROP_KINDS };
enum { PROP_ROLE_LEAD, PROP_ROLE_ASSIST, PROP_ROLE_JOINT, PROP_ROLES };
enum { PROP_STATE_OPEN, PROP_STATE_REPLIED, PROP_STATE_CLOSED, PROP_STATES };
enum { PROP_RESULT_A, PROP_RESULT_B, PROP_RESULT_C, PROP_RESULTS };
enum { PROP_SAT_SATISFIED, PROP_SAT_BASIC, PROP_SAT_DISSATISFIED, PROP_SATS };

/* Indexed by the enums above. prop_sources[PROP_SRC_NONE] is code "" (来信
 * without a source). */
extern const struct prop_code prop_sources[PROP_SOURCES];  /* 党代会 人大 政协 (无) */
extern const struct prop_code prop_kinds[PROP_KINDS];      /* 议案 建议 闭会期间建议 提案 来信 */
extern const struct prop_code prop_roles[PROP_ROLES];      /* 主办 协办 会办 */
extern const struct prop_code prop_states[PROP_STATES];    /* 办理中 已答复 已办结 */
extern const struct prop_code prop_results[PROP_RESULTS];  /* A 已解决或采纳, B ..., C ... */
extern const struct prop_code prop_sats[PROP_SATS];        /* 满意 基本满意 不满意 */

/* The index of s (a code, a label or the alternative) in table t of n
 * entries; -1 when none (and for NULL or ""; except that "" finds
 * prop_sources' PROP_SRC_NONE only through prop_source_ix). */
int prop_code_ix(const struct prop_code *t, size_t n, const char *s);
int prop_source_ix(const char *s);   /* "" is PROP_SRC_NONE */
/* The label of a stored code ("" for NULL, the code itself when unknown). */
const char *prop_label(const struct prop_code *t, size_t n, const char *code);

/* ---- records ---- */

/* Who acts, when. */
struct prop_ctx {
	struct db *db;
	struct arena *a;
	const struct calendar *cal;  /* may be NULL: the limit is in calendar days */
	const struct org *org;
	long long user_id;           /* 0: the command line */
	const char *actor;           /* shown in the history */
	long today;                  /* day number */
	const char *now;             /* ISO 8601 UTC */
};

/* The 交办 fields as typed (form) or read (CSV): codes or labels for the
 * choices, dates as YYYY-MM-DD (also YYYY/M/D, YYYY年M月D日). */
struct prop_fields {
	const char *source, *session, *kind, *number, *title, *proposer, *cosigners, *role, *assigned_on, *due_on;
};

/* Check and normalise f into p's 交办 fields (codes, trimmed text, dates;
 * the due date computed when empty). ERR_INVALID with a Chinese *msg. */
int prop_check_fields(struct arena *a, const struct calendar *cal, long today, const struct prop_fields *f,
		      struct proposal *p, const char **msg);

/* A new proposal (state 办理中). token is the form's one-time token (may be
 * NULL): when it is already stored, nothing new is stored, *out is the
 * earlier proposal and *duplicate true. ERR_INVALID with *msg (also for a
 * key already taken); ERR_CONFLICT, ERR_DB, ERR_NOMEM. */
int prop_create(struct prop_ctx *c, const struct prop_fields *f, const char *token, struct proposal *out,
		bool *duplicate, const char **msg);
/* Change the 交办 fields of proposal id when its version is still version.
 * The key of a proposal whose reply is published cannot change. */
int prop_edit(struct prop_ctx *c, long long id, int version, const struct prop_fields *f, struct proposal *out,
	      const char **msg);

/* reply: from 办理中 (or, to amend it, 已答复 while not published): reply,
 * result, replied_on. close: from 已答复: satisfaction, closed_on. */
struct prop_act_input {
	const char *action;          /* "reply" or "close" */
	int version;
	const char *reply, *result, *replied_on;
	const char *satisfaction, *closed_on;
};
/* ERR_INVALID with *msg for a forbidden step or bad input, ERR_NOT_FOUND,
 * ERR_CONFLICT (stale version, *msg says so). *out is the updated record. */
int prop_act(struct prop_ctx *c, long long id, const struct prop_act_input *in, struct proposal *out,
	     const char **msg);

/* Publish the reply of a replied (or closed) proposal: a catalog item in
 * the org's category 提案建议办理结果 titled prop_reply_title(), body the
 * reply, 发布机构 the org's name, 成文日期 the reply's day, published through
 * the catalog's path (索引号 as on the item pages); its id is stored on the
 * proposal. ERR_CONFLICT with *msg when already published or stale;
 * ERR_INVALID with *msg when not replied, for a 协办 proposal (a decision:
 * the 主办 unit answers the deputy with the 协办 units' opinions; only 主办
 * and 会办 units publish a reply) or when the category is missing.
 * *index_no (may be NULL) gets the 索引号. */
int prop_publish(struct prop_ctx *c, long long id, int version, struct proposal *out, const char **index_no,
		 const char **msg);

/* "市十六届人大四次会议第12号建议" (来信: "第2020-01号来信"). */
const char *prop_display_no(struct arena *a, const struct proposal *p);
/* The title of the published reply: "关于市十六届人大四次会议第12号建议的答复"
 * (闭会期间建议: "关于市十六届人大四次会议闭会期间第5号建议的答复"; 来信:
 * "关于“<标题>”来信的答复"). */
const char *prop_reply_title(struct arena *a, const struct proposal *p);
/* Open and today > due. */
bool prop_overdue(const struct proposal *p, long today);

/* ---- counts (the annual report) ---- */

/* Proposals of one session and kind (来信 without a session: session ""). */
struct prop_session_row {
	int source;                  /* PROP_SRC_* */
	const char *session;
	int kind;                    /* PROP_KIND_* */
	long long role[PROP_ROLES];
	long long total;
};

/* Every proposal assigned in year (0: all years), counted by source × role
 * and kind × role (the last column, [PROP_ROLES], is the row's total), by
 * state, by result class and satisfaction (of those replied / closed), how
 * many replies are published, and by session × kind × role (sessions in
 * source order, then by their first assigned day). */
struct prop_counts {
	int year;
	long long total;
	long long role[PROP_ROLES];
	long long source[PROP_SOURCES][PROP_ROLES + 1];
	long long kind[PROP_KINDS][PROP_ROLES + 1];
	long long state[PROP_STATES];
	long long result[PROP_RESULTS];
	long long satisfaction[PROP_SATS];
	long long published;
	struct prop_session_row *sessions;  /* arena memory */
	size_t nsessions;
};
int prop_counts(struct db *db, struct arena *a, long long org_id, int year, struct prop_counts *out);

/* The counts as the annual report's sentence, clauses joined by "；"
 * without the final "。", e.g. "承办市十四届党代会第四次会议提案3件，其中
 * 主办2件，协办1件；承办市十六届人大四次会议代表议案建议10件，其中主办9件，
 * 协办1件；闭会期间代表建议1件，其中主办1件；…；来信4件". "" when there is
 * nothing. Arena memory. */
int prop_counts_text(struct arena *a, const struct prop_counts *c, const char **out);

/* ---- the register (CSV import/export, monthly series) ----
 * Columns: 来源, 届次会议, 类别, 编号, 标题, 领衔人, 附议人, 办理方式, 交办日期,
 * 办理期限, 答复日期, 答复内容, 办理结果, 满意度, 办结日期, and the optional
 * 答复公开标题 (the title of the published item of the reply). The state
 * follows from the row: 办结日期 or 满意度 → 已办结 (every reply column and
 * both of those needed); any of 答复日期, 答复内容, 办理结果 → 已答复 (all
 * three needed); else 办理中. A row whose key exists updates that record
 * (not its published reply). Export: the same columns; the writer of a
 * 来信 is personal data (masked unless personal). year_series: one series
 * per source (来信 without a source as its own) by month of assigned_on. */
extern const struct reg_kind reg_proposals;

#endif
