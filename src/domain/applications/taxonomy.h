/* taxonomy.h - the fixed vocabularies of disclosure applications: applicant
 * types (the annual report's columns), submission channels with their
 * receipt-date rule (第三十一条), case states, the actions that move a case
 * between them, and the reply types (outcomes) with the report row each
 * counts under (表三, 〔2021〕30号 rows; the 〔2019〕60号 format folds the
 * three 其他处理 rows into one).
 *
 * Codes are stable ASCII strings stored in the database; labels are the
 * exact Chinese terms of the spec. All tables are static and read-only. */
#ifndef GK_DOMAIN_APPLICATIONS_TAXONOMY_H
#define GK_DOMAIN_APPLICATIONS_TAXONOMY_H

#include <stdbool.h>
#include <stddef.h>

/* ---- applicant types: the columns of 表三 ---- */
enum { APP_COLS = 6 };   /* 自然人 + five kinds of 法人或其他组织; 总计 is their sum */
struct app_applicant_type {
	const char *code;    /* natural commercial research charity legal other */
	const char *label;   /* 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 */
	bool person;         /* 自然人 (else 法人或其他组织) */
};
extern const struct app_applicant_type app_applicant_types[APP_COLS];
/* Column index 0..5 of a code, or -1. */
int app_applicant_col(const char *code);

/* ---- identity documents ---- */
struct app_id_kind {
	const char *label;   /* stored as is: 居民身份证 护照 ... 统一社会信用代码 其他证件 */
	bool person;         /* for 自然人 (else for organisations) */
};
extern const struct app_id_kind app_id_kinds[];
extern const size_t app_id_kinds_count;

/* ---- channels and their receipt-date rule (第三十一条) ---- */
enum app_receipt_rule {
	RECEIPT_SUBMITTED = 1,  /* 当面提交: the day submitted */
	RECEIPT_SIGNED,         /* 邮寄（需签收）: the day signed for */
	RECEIPT_CONFIRMED,      /* 平常信函, 传真, 电子邮件, 网上: the day both sides confirm */
};
struct app_channel {
	const char *code;       /* online in_person post_signed post_plain fax email */
	const char *label;      /* 网上申请 当面提交 邮寄（需签收） 平常信函 传真 电子邮件 */
	int rule;               /* enum app_receipt_rule */
	const char *rule_text;  /* how the receipt date is fixed, for the staff form */
	const char *evidence;   /* what the evidence is, e.g. 签收记录（签收人、邮件号） */
};
extern const struct app_channel app_channels[];
extern const size_t app_channels_count;
const struct app_channel *app_channel_find(const char *code);

/* ---- delivery: 形式要求 and 获取方式 (第二十九条第二款第三项) ---- */
extern const char *const app_media[];        /* 纸质 电子 */
extern const size_t app_media_count;
extern const char *const app_deliveries[];   /* 邮寄 电子邮件 当面领取 网上获取 */
extern const size_t app_deliveries_count;
bool app_in_list(const char *const *list, size_t n, const char *s);

/* ---- states ---- */
struct app_state {
	const char *code;    /* submitted registered correcting consulting awaiting_fee extended replied terminated void */
	const char *label;   /* 待确认 已登记 补正中 征求第三方意见 待缴费 延期 已答复 已终止 已作废 */
	bool open;           /* the reply is still owed (the deadline runs or waits) */
	bool clock_stopped;  /* the reply limit does not run (补正, 征求意见, 缴费) */
};
extern const struct app_state app_states[];
extern const size_t app_states_count;
const struct app_state *app_state_find(const char *code);

/* ---- actions ---- */
enum app_action_id {
	ACT_ACCEPT = 1,       /* 确认受理: an online application confirmed */
	ACT_VOID,             /* 作废: an online submission that is not an application (test, spam, duplicate click) */
	ACT_CORRECTION,       /* 发出补正告知 */
	ACT_CORRECTED,        /* 收到补正 */
	ACT_CORRECTION_LAPSED,/* 逾期未补正 → 其他处理 */
	ACT_CONSULT,          /* 征求第三方（或其他机关）意见 */
	ACT_CONSULT_END,      /* 收到意见 / 征求意见期满 */
	ACT_EXTEND,           /* 延期答复 */
	ACT_FEE_NOTICE,       /* 发出收费通知 */
	ACT_FEE_PAID,         /* 已缴费 */
	ACT_FEE_LAPSED,       /* 逾期未缴费 → 其他处理 */
	ACT_REPLY,            /* 答复 */
	ACT_WITHDRAW,         /* 申请人撤回 → 其他处理 */
};
struct app_action {
	int id;               /* enum app_action_id */
	const char *code;     /* accept void correction corrected correction_lapsed consult consult_end
			       * extend fee_notice fee_paid fee_lapsed reply withdraw */
	const char *label;    /* Chinese button and history label */
	const char *from;     /* space-separated state codes it may start from */
	const char *to;       /* the state it leads to; "" = back to registered or extended */
};
extern const struct app_action app_actions[];
extern const size_t app_actions_count;
const struct app_action *app_action_find(const char *code);
const struct app_action *app_action_by_id(int id);
/* May the action start from this state? */
bool app_action_allowed(const struct app_action *a, const char *state);

/* ---- outcomes: reply types and the rows of 表三 ---- */
enum { APP_ROWS = 21 };   /* 〔2021〕30号: (一) (二) (三)1-8 (四)1-3 (五)1-5 (六)1-3 */
struct app_row {
	const char *key;      /* "1" "2" "3.1".."3.8" "4.1".."4.3" "5.1".."5.5" "6.1".."6.3" */
	const char *group;    /* （一）予以公开 ... （六）其他处理 */
	const char *label;    /* level-3 label verbatim, "" for (一) and (二) */
};
extern const struct app_row app_rows[APP_ROWS];

struct app_outcome {
	const char *code;     /* stored in applications.outcome */
	const char *label;    /* the reply type, e.g. 信息不存在 */
	int row;              /* index into app_rows */
	const char *basis;    /* default legal basis ("" when the 条例 has no article: staff must give one) */
	const char *letter;   /* the 答复书's title */
	bool by_reply;        /* chosen in the reply form (else set by an action: 逾期未补正, 逾期未缴费, 撤回) */
};
extern const struct app_outcome app_outcomes[];
extern const size_t app_outcomes_count;
const struct app_outcome *app_outcome_find(const char *code);

#endif
