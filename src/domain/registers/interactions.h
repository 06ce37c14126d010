/* interactions.h - public interaction (政民互动): cases that arrive by a
 * channel (市长电话, 网上信访, 领导信箱, 上级转办, 网上直接答复, 网上咨询, or
 * the org's own), of a kind (咨询, 建议, 投诉, 求助, 信访), from receipt to
 * closing:
 *
 *   待分办 (received) → 办理中 (assigned: 承办单位 and 承办人) → 已答复
 *   (replied: the reply and its day) → 已办结 (closed).
 *
 * A case may be answered without being assigned first (网上直接答复), and
 * reassigned while in progress. Its due date comes from the one deadline
 * engine: START on the receipt date with the channel's limit (n working or
 * calendar days, fixed when the case is received), STOP when replied; on
 * the working-day calendar. A year the calendar does not cover leaves the
 * due date unknown with a message, never a guess. Every write runs in one
 * transaction, checks the version the clerk saw (ERR_CONFLICT when stale)
 * and records who did what when.
 *
 * The person's name, phone and e-mail are never public. A replied case
 * whose person agreed may be published: only its public version (subject,
 * question, answer, edited by the clerk; by default the case's text with
 * phone numbers, e-mail addresses, identity numbers and the person's name
 * replaced by "***") appears on the public Q&A.
 *
 * Messages are Chinese sentences for the clerk or the person (static or
 * arena memory). */
#ifndef GK_DOMAIN_REGISTERS_INTERACTIONS_H
#define GK_DOMAIN_REGISTERS_INTERACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/registers/registers.h"
#include "store/interaction.h"

struct arena;
struct calendar;
struct db;
struct org;

/* Limits in characters; the channel limit in units. */
enum {
	IA_SUBJECT_MAX = 100,
	IA_CONTENT_MAX = 5000,
	IA_NAME_MAX = 50,
	IA_PHONE_MAX = 30,
	IA_EMAIL_MAX = 100,
	IA_UNIT_MAX = 100,
	IA_HANDLER_MAX = 50,
	IA_REPLY_MAX = 10000,
	IA_CHANNEL_NAME_MAX = 20,
	IA_DUE_MAX = 365,
	IA_KINDS = 5,
};

/* The earliest receipt date accepted. */
#define IA_FIRST_DAY "2000-01-01"

struct ia_kind {
	const char *code;   /* consult suggest complain help petition */
	const char *label;  /* 咨询 建议 投诉 求助 信访 */
};
extern const struct ia_kind ia_kinds[IA_KINDS];
const struct ia_kind *ia_kind_find(const char *code);
const struct ia_kind *ia_kind_by_label(const char *label);

struct ia_state {
	const char *code;   /* received assigned replied closed */
	const char *label;  /* 待分办 办理中 已答复 已办结 */
	bool owes_reply;    /* received, assigned: the clock runs */
};
extern const struct ia_state ia_states[];
extern const size_t ia_states_count;
const struct ia_state *ia_state_find(const char *code);

/* "workdays" → 个工作日, "days" → 日 (static). */
const char *ia_unit_label(const char *unit);

/* Who acts, in which org, over which calendar (may be NULL: due dates
 * unknown), and when. */
struct ia_ctx {
	struct db *db;
	struct arena *a;
	const struct calendar *cal;
	const struct org *org;
	long long user_id;          /* 0: the person (public form) or the command line */
	const char *actor;          /* shown in the history */
	long today;                 /* day number */
	const char *now;            /* ISO 8601 UTC */
};

/* ---- channels ---- */

/* The defaults (the seed report's five channels and 网上咨询) for an org
 * without channels, in one transaction (a savepoint inside the caller's);
 * nothing when it has some. Limits: the spec is silent, see the table in
 * interactions.c. */
int ia_ensure_defaults(struct db *db, long long org_id, const char *now);
/* The channels of org, creating the defaults first (ia_ensure_defaults). */
int ia_channels(struct db *db, struct arena *a, long long org_id, const char *now, struct ia_channel **out,
		size_t *n);
/* Add (ch->id 0) or change a channel of c->org: name 1-20 characters and
 * unique in the org, limit 1-365, unit workdays/days; a change needs the
 * version the clerk saw. Existing cases keep the limit they were received
 * with. ERR_INVALID / ERR_CONFLICT with *msg. */
int ia_channel_save(struct ia_ctx *c, struct ia_channel *ch, const char **msg);

/* ---- cases ---- */

/* A new case from the public form (from_public: the channel must be
 * active and offered there; name, phone and content are required; it is
 * received today) or registered by a clerk (any active channel; name and
 * phone optional). it holds channel_id, kind, received_on (clerk),
 * subject, content, name, phone, email, consent and submit_token (may be
 * NULL); text fields are trimmed in place. Fills it (id, state 待分办,
 * tracking_code, check_digits, due date). When the submit token is already
 * stored for the org, nothing is stored and it is the earlier case with
 * *duplicate set. ERR_INVALID with *msg; ERR_CONFLICT, ERR_DB, ERR_NOMEM. */
int ia_create(struct ia_ctx *c, struct interaction *it, bool from_public, bool *duplicate, const char **msg);

/* The inputs of one action on a case. */
struct ia_act_input {
	const char *action;         /* assign reply close publish */
	int version;                /* the version the clerk saw */
	long day;                   /* 0: today (assign, reply, close) */
	const char *unit;           /* assign: 承办单位 */
	const char *handler;        /* assign: 承办人 */
	const char *reply;          /* reply: the answer */
	bool public;                /* publish: on or off */
	const char *public_subject; /* publish: the public version ... */
	const char *public_question;
	const char *public_answer;
};
/* Apply an action to case id of c->org: assign (待分办 or 办理中 → 办理中),
 * reply (待分办 or 办理中 → 已答复), close (已答复 → 已办结), publish (a
 * replied or closed case whose person agreed; an empty public field takes
 * its default; off withdraws it). Days: not before the receipt or the
 * previous step, not after today. On success *out is the updated case.
 * ERR_INVALID (bad input, forbidden transition), ERR_NOT_FOUND,
 * ERR_CONFLICT (stale version), each with *msg. */
int ia_act(struct ia_ctx *c, long long id, const struct ia_act_input *in, struct interaction *out,
	   const char **msg);

/* The due date of a case received on day under limit n unit ("workdays",
 * "days") over cal: ERR_NOT_FOUND when the calendar lacks a year
 * (*missing_year), ERR_INVALID for a bad limit. */
int ia_due(const struct calendar *cal, long received, int n, const char *unit, long *due, int *missing_year);

/* How a case stands on today: its due date (stored, or computed now when
 * it could not be before), and while it owes a reply the working days left
 * and the overdue / near-due flags (deadline_status); replied_late when
 * it was answered after its due date. error: why there is no due date
 * (arena memory), else NULL. */
struct ia_deadline {
	bool has_due;
	long due;
	bool has_left;
	int left;
	bool overdue, near;
	bool replied_late;
	const char *error;
};
int ia_deadline(struct arena *a, const struct calendar *cal, const struct interaction *it, long today,
		struct ia_deadline *out);

/* The case with this 查询码 and last four phone digits in org;
 * ERR_NOT_FOUND for any mismatch (compared in constant time). */
int ia_track(struct db *db, struct arena *a, long long org_id, const char *code, const char *check,
	     struct interaction *out);

/* text with phone numbers, e-mail addresses, identity numbers (15 or 18
 * characters) and every occurrence of name (may be NULL) replaced by
 * "***"; arena memory, NULL on ERR_NOMEM. */
const char *ia_redact(struct arena *a, const char *text, const char *name);
/* The default public version of it: subject, content and reply redacted. */
int ia_public_default(struct arena *a, const struct interaction *it, const char **subject, const char **question,
		      const char **answer);

/* ---- counts ---- */

struct ia_channel_count {
	long long channel_id;       /* 0: a default channel of an org without channels */
	const char *name;
	long long month[12];
	long long total;
};

/* The cases of org received in year: total, by month of receipt, by kind
 * (ia_kinds order) and by channel (every channel of the org in its order,
 * zeros included; the default channels when the org has none yet); and of
 * those how many were replied, closed, and replied after their due date.
 * The figures the statistics page and the annual report show. */
struct ia_counts {
	int year;
	long long total;
	long long month[12];
	long long kind[IA_KINDS];
	struct ia_channel_count *channels;   /* arena array */
	size_t nchannels;
	long long replied, closed, late;
};
int interactions_counts(struct db *db, struct arena *a, long long org_id, int year, struct ia_counts *out);

/* The register for `gongkai registers`, the demo and the statistics page:
 * CSV columns 受理日期, 渠道, 类别, 标题, 内容, 来信人, 联系电话, 电子邮箱,
 * 承办单位, 承办人, 答复内容, 答复日期, 办结日期, 是否公开, and optionally
 * 公开标题, 公开内容, 公开答复 (the public version; defaults as above);
 * year_series: one series per channel by month of receipt. */
extern const struct reg_kind reg_interactions;

#endif
