/* intake.h - checking an application as it comes in (条例第二十九条), the
 * receipt date of each channel (第三十一条), the 查询码 and its second
 * factor, and masking of personal data (identity numbers, phones, e-mail,
 * addresses) for pages that must not show it in full.
 *
 * Pure functions except app_tracking_code (libsodium randomness). Messages
 * are Chinese sentences for the applicant or clerk, static or arena memory. */
#ifndef GK_DOMAIN_APPLICATIONS_INTAKE_H
#define GK_DOMAIN_APPLICATIONS_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct application;

/* The earliest possible receipt date: the 2019 条例 took effect (第五十六条). */
#define APP_FIRST_DAY "2019-05-15"

/* Field limits in characters. */
enum {
	APP_NAME_MAX = 100,
	APP_ID_MAX = 40,
	APP_PHONE_MAX = 30,
	APP_EMAIL_MAX = 100,
	APP_ADDRESS_MAX = 200,
	APP_INFO_TITLE_MAX = 300,
	APP_INFO_DOCNO_MAX = 100,
	APP_INFO_DESC_MAX = 5000,
	APP_EVIDENCE_MAX = 500,
};

/* Is number a valid identity document number of kind (a label of
 * app_id_kinds)? 居民身份证: 18 characters, GB 11643 check digit (X
 * uppercase or lowercase), a real birth date not in the future and not
 * before 1900, a plausible region (first digit 1-9); 统一社会信用代码: 18
 * characters of GB 32100 (digits and uppercase letters without I O Z S V),
 * its check character right; 港澳居民来往内地通行证: H or M and 8 or 10
 * digits; 台湾居民来往大陆通行证: 8 digits; 护照: 5-20 letters and digits;
 * 外国人永久居留身份证: 15 or 18 letters and digits; 其他证件: 1-40
 * characters without control characters. today is a day number (core/date.h),
 * for the birth date. On false *msg says what is wrong. */
bool app_id_valid(const char *kind, const char *number, long today, const char **msg);

/* Check every field of a new application (as filled by the online form,
 * the API or a clerk) against 第二十九条 and the taxonomy: applicant type,
 * name, id_kind fitting the applicant type (自然人: a person's document;
 * organisations: 统一社会信用代码 or 其他证件), the number (app_id_valid),
 * phone (7-20 digits, may have +, -, spaces; at least 4 digits), e-mail
 * (optional unless delivery is 电子邮件: one @, a dot in the domain),
 * address (required when delivery is 邮寄), contact_person (required for
 * organisations), at least one of info_title / info_doc_no / info_desc, and
 * medium and delivery from their lists; lengths within the limits above;
 * no control characters except newlines in info_desc. Channel,
 * submitted_on and received_on are checked by app_receipt_date. Trims
 * leading and trailing spaces of every text field in place (arena
 * copies). Returns 0, or ERR_INVALID with *msg naming the first bad field
 * ("请填写申请人姓名。", "身份证号码校验位不正确。", ...). */
int app_validate(struct arena *a, struct application *app, long today, const char **msg);

/* The receipt date (收到申请之日) of channel (a code of app_channels): for
 * RECEIPT_SUBMITTED the day it arrived (arrived); for RECEIPT_SIGNED and
 * RECEIPT_CONFIRMED the day signed for or confirmed (confirmed), which
 * must not be before arrived. Both days are day numbers; confirmed may be
 * 0 for in-person. Every day must be on or after APP_FIRST_DAY and not
 * after today. Evidence (may be NULL) is required, non-empty, for every
 * channel except in_person and online. Returns 0 with *received set, or
 * ERR_INVALID with *msg. */
int app_receipt_date(const char *channel, long arrived, long confirmed, const char *evidence, long today,
		     long *received, const char **msg);

/* A new 查询码: 12 characters of Crockford base32 (0-9, A-Z without I L O
 * U), random, written to out (13 bytes with NUL). */
void app_tracking_code(char out[13]);
/* Normalise a code typed by a person: uppercase, drop spaces and '-',
 * read I and L as 1 and O as 0. Returns false when the result is not 12
 * base32 characters. out has 13 bytes. */
bool app_tracking_code_normalize(const char *in, char out[13]);
/* The second factor: the last four digits of phone into out (5 bytes).
 * false when phone has fewer than four digits. */
bool app_check_digits(const char *phone, char out[5]);

/* Masks for staff pages and exports (arena memory; "" for NULL or ""):
 * identity number: first 3 and last 2 characters, the rest '*'
 * (33048219******12); phone: first 3 and last 4 digits kept, the middle
 * '*' (138****5678), short numbers keep only the last 2; e-mail: the first
 * character of the local part, then "***@domain"; address: the first 6
 * characters then "***"; name (for public lists, not used on staff pages):
 * the first character then "*" per remaining character. Counted in
 * characters, not bytes. NULL on ERR_NOMEM. */
const char *app_mask_id(struct arena *a, const char *s);
const char *app_mask_phone(struct arena *a, const char *s);
const char *app_mask_email(struct arena *a, const char *s);
const char *app_mask_address(struct arena *a, const char *s);
const char *app_mask_name(struct arena *a, const char *s);

#endif
