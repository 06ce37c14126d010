/* letters.h - the notices and replies the application procedure produces:
 * each transition that needs a document gets a draft here, which staff may
 * edit before issuing it (the store keeps it; render/pdf and the print page
 * show it).
 *
 * Kinds (code, title):
 *   receipt     政府信息公开申请登记回执        (on registration / acceptance)
 *   correction  政府信息公开申请补正告知书      (ACT_CORRECTION, 第三十条)
 *   consult     政府信息公开第三方意见征询函    (ACT_CONSULT, 第三十二条)
 *   extension   政府信息公开申请延期答复告知书  (ACT_EXTEND, 第三十三条第二款)
 *   fee         信息处理费收费通知书            (ACT_FEE_NOTICE, 第四十二条)
 *   reply       the 答复书 of the outcome (app_outcome.letter as title)
 *               (ACT_REPLY, ACT_CORRECTION_LAPSED, ACT_FEE_LAPSED, ACT_WITHDRAW)
 *
 * Bodies are CommonMark Markdown in the register of Chinese official
 * letters: the applicant as addressee ("张三：" / the organisation's name),
 * the date of the application and its serial, the information asked for,
 * the decision and its reasons, the legal basis, and for every reply,
 * correction, extension and fee notice the 救济途径: 行政复议 within 60
 * days (行政复议法) and 行政诉讼 within 6 months (行政诉讼法第四十六条) of
 * receiving it. The agency's name and the date close the letter (the
 * sign lines). User text (names, descriptions, reasons) is escaped for
 * Markdown so it can never become markup. */
#ifndef GK_DOMAIN_APPLICATIONS_LETTERS_H
#define GK_DOMAIN_APPLICATIONS_LETTERS_H

#include <stddef.h>

struct arena;
struct application;
struct org;

/* What a transition knows when it asks for its letter. Fields a kind does
 * not use are ignored; dates are YYYY-MM-DD. */
struct letter_input {
	const struct org *org;
	const struct application *app;
	const char *day;               /* the letter's date */
	/* correction */
	const char *items;             /* what must be corrected */
	int limit_days;                /* the applicant's limit in working days */
	const char *limit_on;          /* ... ending on this day */
	/* consult */
	const char *party;             /* the third party or other agency */
	const char *matter;            /* what is asked */
	/* extension */
	int ext_days;
	const char *reason;            /* also: reply details, withdrawal note */
	const char *new_due;
	/* fee */
	const char *fee_standard;      /* 按件计收 / 按量计收 */
	long long fee_units;           /* 件 or 页 */
	long long fee_yuan;
	const char *pay_by;
	/* reply */
	const char *outcome;           /* app_outcomes code */
	const char *basis;             /* legal basis as given by staff */
};

/* The title and Markdown body of a draft of kind for in (arena memory).
 * ERR_INVALID for an unknown kind or (reply) outcome, ERR_NOMEM. */
int letter_draft(struct arena *a, const char *kind, const struct letter_input *in, const char **title,
		 const char **body_md);

/* The sign lines that close a letter: the agency's name and the date as
 * "2021年3月2日", separated by '\n' (arena memory); NULL on ERR_NOMEM or a
 * bad date. */
const char *letter_sign_lines(struct arena *a, const char *org_name, const char *day);

/* A date as letters write it: "2021年3月2日" (arena); NULL for a bad date. */
const char *letter_date(struct arena *a, const char *day);

/* Markdown-escape text: backslash before ASCII punctuation that could start
 * markup (\ ` * _ { } [ ] ( ) # + - . ! < > | ~), so it reads literally
 * (arena; NULL on ERR_NOMEM). */
const char *letter_md_escape(struct arena *a, const char *s);

#endif
