/* intake.c - see intake.h. */
#include "domain/applications/intake.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/taxonomy.h"
#include "domain/safety/scan.h"
#include "store/store.h"
#include "core/banned.h"

static const char MSG_NOMEM[] = "服务器内存不足，请稍后再试。";

/* The id kinds with a rule of their own (labels of app_id_kinds). */
static const char KIND_RESIDENT[] = "居民身份证";
static const char KIND_HKMO[] = "港澳居民来往内地通行证";
static const char KIND_TW[] = "台湾居民来往大陆通行证";
static const char KIND_PASSPORT[] = "护照";
static const char KIND_FOREIGN[] = "外国人永久居留身份证";
static const char KIND_USCC[] = "统一社会信用代码";
static const char KIND_OTHER[] = "其他证件";

/* GB 32100-2015: the 31 characters of a 统一社会信用代码, value = index. */
static const char USCC_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
_Static_assert(sizeof(USCC_CHARS) - 1 == 31, "GB 32100 uses 31 characters");

/* Crockford base32: 0-9 and A-Z without I L O U. */
static const char CODE_CHARS[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
_Static_assert(sizeof(CODE_CHARS) - 1 == 32, "Crockford base32 has 32 characters");
enum { CODE_LEN = 12 };

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p[i]))
			return false;
	return true;
}

static bool all_alnum(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(p[i]))
			return false;
	return true;
}

/* A control character: C0, DEL and C1. */
static bool is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Control characters in valid UTF-8 (p, n), newlines allowed if told. */
static bool has_control(const char *p, size_t n, bool newlines)
{
	for (const char *cur = p, *end = p + n; cur < end;) {
		uint32_t c = utf8_next(&cur, end);

		if (is_control(c) && !(newlines && (c == '\n' || c == '\r')))
			return true;
	}
	return false;
}

/* ---- identity documents ---- */

/* GB 11643-1999. */
static bool resident_valid(const char *s, size_t n, long today, const char **msg)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int sum = 0, y, m, d;
	long birth;
	char last;

	if (n != 18) {
		*msg = "居民身份证号码应为18位。";
		return false;
	}
	last = to_upper(s[17]);
	if (!all_digits(s, 17) || !(is_digit(last) || last == 'X')) {
		*msg = "居民身份证号码只能由数字组成，最后一位可以是X。";
		return false;
	}
	if (s[0] == '0') {
		*msg = "居民身份证号码的地区码不正确。";
		return false;
	}
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	m = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m)) {
		*msg = "居民身份证号码中的出生日期不正确。";
		return false;
	}
	birth = date_from_ymd(y, m, d);
	if (birth > today) {
		*msg = "居民身份证号码中的出生日期晚于今天。";
		return false;
	}
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	if (check[sum % 11] != last) {
		*msg = "居民身份证号码校验位不正确。";
		return false;
	}
	return true;
}

/* GB 32100-2015. */
static bool uscc_valid(const char *s, size_t n, const char **msg)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int v[18], sum = 0, check;

	if (n != 18) {
		*msg = "统一社会信用代码应为18位。";
		return false;
	}
	for (size_t i = 0; i < 18; i++) {
		char c = to_upper(s[i]);
		const char *p = c ? strchr(USCC_CHARS, c) : NULL;

		if (!p) {
			*msg = "统一社会信用代码只能由数字和大写英文字母组成（不使用I、O、Z、S、V）。";
			return false;
		}
		v[i] = (int)(p - USCC_CHARS);
	}
	for (int i = 0; i < 17; i++)
		sum += v[i] * w[i];
	check = 31 - sum % 31;
	if (check == 31)
		check = 0;
	if (v[17] != check) {
		*msg = "统一社会信用代码校验位不正确。";
		return false;
	}
	return true;
}

bool app_id_valid(const char *kind, const char *number, long today, const char **msg)
{
	size_t n;

	assert(msg);
	*msg = NULL;
	if (!kind || !*kind) {
		*msg = "请选择证件类型。";
		return false;
	}
	if (!number || !*number) {
		*msg = "请填写证件号码。";
		return false;
	}
	n = strlen(number);
	if (strcmp(kind, KIND_RESIDENT) == 0)
		return resident_valid(number, n, today, msg);
	if (strcmp(kind, KIND_USCC) == 0)
		return uscc_valid(number, n, msg);
	if (strcmp(kind, KIND_HKMO) == 0) {
		char c = to_upper(number[0]);

		if ((c == 'H' || c == 'M') && (n == 9 || n == 11) && all_digits(number + 1, n - 1))
			return true;
		*msg = "港澳居民来往内地通行证号码应为H或M加8位或10位数字。";
		return false;
	}
	if (strcmp(kind, KIND_TW) == 0) {
		if (n == 8 && all_digits(number, n))
			return true;
		*msg = "台湾居民来往大陆通行证号码应为8位数字。";
		return false;
	}
	if (strcmp(kind, KIND_PASSPORT) == 0) {
		if (n >= 5 && n <= 20 && all_alnum(number, n))
			return true;
		*msg = "护照号码应为5至20位英文字母或数字。";
		return false;
	}
	if (strcmp(kind, KIND_FOREIGN) == 0) {
		if ((n == 15 || n == 18) && all_alnum(number, n))
			return true;
		*msg = "外国人永久居留身份证号码应为15位或18位英文字母或数字。";
		return false;
	}
	if (strcmp(kind, KIND_OTHER) == 0) {
		if (!utf8_valid(number, n)) {
			*msg = "证件号码含有无效字符。";
			return false;
		}
		if (has_control(number, n, false)) {
			*msg = "证件号码不能含有控制字符。";
			return false;
		}
		if (utf8_len(number, n) > APP_ID_MAX) {
			*msg = "证件号码不能超过40个字符。";
			return false;
		}
		return true;
	}
	*msg = "证件类型不正确。";
	return false;
}

/* ---- app_validate ---- */

static int nomem(const char **msg)
{
	*msg = MSG_NOMEM;
	return ERR_NOMEM;
}

/* A message built in the arena: ERR_INVALID, or ERR_NOMEM when it cannot be. */
#define FAILF(a, msg, ...) ((*(msg) = arena_printf((a), __VA_ARGS__)) ? ERR_INVALID : nomem(msg))

static int fail(const char **msg, const char *text)
{
	*msg = text;
	return ERR_INVALID;
}

/* Trim *f (ASCII whitespace and U+3000); NULL becomes "". A copy only when
 * something was cut. */
static int trim_field(struct arena *a, const char **f)
{
	struct str s;
	char *c;

	if (!*f) {
		*f = "";
		return 0;
	}
	s = str_trim(str_c(*f));
	if (s.p == *f && s.p[s.n] == '\0')
		return 0;
	c = arena_strndup(a, s.p, s.n);
	if (!c)
		return ERR_NOMEM;
	*f = c;
	return 0;
}

/* Valid UTF-8, no control characters (newlines when told), at most max
 * characters. label is the form's name of the field. */
static int text_check(struct arena *a, const char *s, const char *label, int max, bool newlines,
		      const char **msg)
{
	size_t n = strlen(s);

	if (!utf8_valid(s, n))
		return FAILF(a, msg, "%s含有无效字符。", label);
	if (has_control(s, n, newlines))
		return FAILF(a, msg, "%s不能含有控制字符。", label);
	if (utf8_len(s, n) > (size_t)max)
		return FAILF(a, msg, "%s不能超过%d个字符。", label, max);
	return 0;
}

/* 7-20 digits; a leading '+', and '-' and spaces between them. */
static bool phone_ok(const char *s)
{
	int digits = 0;

	if (*s == '+')
		s++;
	for (; *s; s++) {
		if (is_digit(*s))
			digits++;
		else if (*s != '-' && *s != ' ')
			return false;
	}
	return digits >= 7 && digits <= 20;
}

/* One '@' with something before it, a dot inside the domain, no spaces or
 * list separators. */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	size_t dn;

	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	if (strpbrk(s, " ,;<>\"\\()[]"))
		return false;
	if (strstr(s, "\xE3\x80\x80")) /* U+3000 */
		return false;
	dn = strlen(at + 1);
	dot = strchr(at + 1, '.');
	return dot && dot != at + 1 && at[dn] != '.' && !strstr(at + 1, "..");
}

static const struct app_id_kind *id_kind_find(const char *label)
{
	for (size_t i = 0; i < app_id_kinds_count; i++)
		if (strcmp(app_id_kinds[i].label, label) == 0)
			return &app_id_kinds[i];
	return NULL;
}

int app_validate(struct arena *a, struct application *app, long today, const char **msg)
{
	const char **fields[] = {
		&app->applicant_type, &app->name, &app->id_kind, &app->id_number, &app->contact_person,
		&app->phone, &app->email, &app->address, &app->postcode, &app->info_title,
		&app->info_doc_no, &app->info_desc, &app->medium, &app->delivery, &app->evidence,
	};
	const struct app_id_kind *kind;
	bool person, by_email, by_post;
	int col, rc;

	assert(a && app && msg);
	*msg = NULL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (trim_field(a, fields[i]))
			return nomem(msg);
	by_email = strcmp(app->delivery, "电子邮件") == 0;
	by_post = strcmp(app->delivery, "邮寄") == 0;

	/* 申请人类型 */
	if (!*app->applicant_type)
		return fail(msg, "请选择申请人类型。");
	col = app_applicant_col(app->applicant_type);
	if (col < 0)
		return fail(msg, "申请人类型不正确。");
	person = app_applicant_types[col].person;

	/* 申请人姓名或名称 */
	if (!*app->name)
		return fail(msg, "请填写申请人姓名或名称。");
	if ((rc = text_check(a, app->name, "申请人姓名或名称", APP_NAME_MAX, false, msg)))
		return rc;

	/* 证件类型: a person's document for 自然人, 统一社会信用代码 for
	 * organisations; 其他证件 for either. */
	if (!*app->id_kind)
		return fail(msg, "请选择证件类型。");
	kind = id_kind_find(app->id_kind);
	if (!kind)
		return fail(msg, "证件类型不正确。");
	if (strcmp(kind->label, KIND_OTHER) != 0 && kind->person != person)
		return fail(msg, person ? "申请人为自然人时，证件类型应为居民身份证、护照等个人证件或其他证件。"
					: "申请人为法人或其他组织时，证件类型应为统一社会信用代码或其他证件。");

	/* 证件号码: letters uppercased except in 其他证件 */
	if (!*app->id_number)
		return fail(msg, "请填写证件号码。");
	if (strcmp(kind->label, KIND_OTHER) != 0) {
		char *up = arena_strdup(a, app->id_number);

		if (!up)
			return nomem(msg);
		for (char *p = up; *p; p++)
			*p = to_upper(*p);
		app->id_number = up;
	}
	if (!app_id_valid(kind->label, app->id_number, today, msg))
		return ERR_INVALID;

	/* 联系人 */
	if (!person && !*app->contact_person)
		return fail(msg, "申请人为法人或其他组织时，请填写联系人。");
	if ((rc = text_check(a, app->contact_person, "联系人", APP_NAME_MAX, false, msg)))
		return rc;

	/* 联系电话 */
	if (!*app->phone)
		return fail(msg, "请填写联系电话。");
	if ((rc = text_check(a, app->phone, "联系电话", APP_PHONE_MAX, false, msg)))
		return rc;
	if (!phone_ok(app->phone))
		return fail(msg, "联系电话格式不正确（7至20位数字，可含+、-和空格）。");

	/* 电子邮箱 */
	if (!*app->email && by_email)
		return fail(msg, "获取方式为电子邮件时，请填写电子邮箱。");
	if ((rc = text_check(a, app->email, "电子邮箱", APP_EMAIL_MAX, false, msg)))
		return rc;
	if (*app->email && !email_ok(app->email))
		return fail(msg, "电子邮箱格式不正确。");

	/* 通信地址, 邮政编码 */
	if (!*app->address && by_post)
		return fail(msg, "获取方式为邮寄时，请填写通信地址。");
	if ((rc = text_check(a, app->address, "通信地址", APP_ADDRESS_MAX, false, msg)))
		return rc;
	if (*app->postcode && !(strlen(app->postcode) == 6 && all_digits(app->postcode, 6)))
		return fail(msg, "邮政编码应为6位数字。");

	/* 所需政府信息 */
	if (!*app->info_title && !*app->info_doc_no && !*app->info_desc)
		return fail(msg, "所需政府信息的名称、文号或者特征性描述至少填写一项。");
	if ((rc = text_check(a, app->info_title, "所需信息名称", APP_INFO_TITLE_MAX, false, msg)))
		return rc;
	if ((rc = text_check(a, app->info_doc_no, "文号", APP_INFO_DOCNO_MAX, false, msg)))
		return rc;
	if ((rc = text_check(a, app->info_desc, "特征性描述", APP_INFO_DESC_MAX, true, msg)))
		return rc;

	/* 信息载体形式, 获取方式 */
	if (!*app->medium)
		return fail(msg, "请选择信息载体形式。");
	if (!app_in_list(app_media, app_media_count, app->medium))
		return fail(msg, "信息载体形式不正确。");
	if (!*app->delivery)
		return fail(msg, "请选择获取方式。");
	if (!app_in_list(app_deliveries, app_deliveries_count, app->delivery))
		return fail(msg, "获取方式不正确。");

	/* 收件凭证: whether it is required is app_receipt_date's business */
	if ((rc = text_check(a, app->evidence, "收件凭证", APP_EVIDENCE_MAX, false, msg)))
		return rc;
	return 0;
}

/* ---- receipt date ---- */

/* "请填写收件凭证（<the channel's evidence>）。", one static message per
 * channel built once from the taxonomy (app_receipt_date has no arena). */
enum { EVIDENCE_MSGS = 16, EVIDENCE_MSG_MAX = 256 };
static char evidence_msgs[EVIDENCE_MSGS][EVIDENCE_MSG_MAX];
static pthread_once_t evidence_once = PTHREAD_ONCE_INIT;

static void evidence_init(void)
{
	for (size_t i = 0; i < app_channels_count && i < EVIDENCE_MSGS; i++) {
		int n = snprintf(evidence_msgs[i], EVIDENCE_MSG_MAX, "请填写收件凭证（%s）。",
				 app_channels[i].evidence);

		if (n < 0 || n >= EVIDENCE_MSG_MAX)
			evidence_msgs[i][0] = '\0';
	}
}

static const char *evidence_msg(const struct app_channel *ch)
{
	size_t i = (size_t)(ch - app_channels);

	pthread_once(&evidence_once, evidence_init);
	if (i < EVIDENCE_MSGS && evidence_msgs[i][0])
		return evidence_msgs[i];
	return "请填写收件凭证。";
}

int app_receipt_date(const char *channel, long arrived, long confirmed, const char *evidence, long today,
		     long *received, const char **msg)
{
	const struct app_channel *ch;
	long first = 0;
	struct str ev;

	assert(received && msg);
	*msg = NULL;
	if (date_parse(APP_FIRST_DAY, strlen(APP_FIRST_DAY), &first))
		return fail(msg, "内部错误：条例施行日期无法解析。");
	if (!channel || !*channel)
		return fail(msg, "请选择申请方式。");
	ch = app_channel_find(channel);
	if (!ch)
		return fail(msg, "申请方式不正确。");
	if (arrived < first)
		return fail(msg, "收到日期不能早于2019年5月15日（《政府信息公开条例》施行之日）。");
	if (arrived > today)
		return fail(msg, "到达日期不能晚于今天。");
	if (ch->rule != RECEIPT_SUBMITTED) {
		if (confirmed == 0)
			return fail(msg, "请填写确认（签收）日期。");
		if (confirmed < arrived)
			return fail(msg, "确认（签收）日期不能早于到达日期。");
		if (confirmed > today)
			return fail(msg, "确认（签收）日期不能晚于今天。");
	}
	ev = str_trim(str_c(evidence));
	if (strcmp(ch->code, "in_person") != 0 && strcmp(ch->code, "online") != 0 && ev.n == 0)
		return fail(msg, evidence_msg(ch));
	if (utf8_len(ev.p, ev.n) > APP_EVIDENCE_MAX)
		return fail(msg, "收件凭证不能超过500个字符。");
	*received = ch->rule == RECEIPT_SUBMITTED ? arrived : confirmed;
	return 0;
}

/* ---- 查询码 ---- */

void app_tracking_code(char out[13])
{
	/* idempotent and thread-safe; the program calls it at start. Without
	 * a working random source no code may be handed out. */
	if (sodium_init() < 0)
		abort();
	for (int i = 0; i < CODE_LEN; i++)
		out[i] = CODE_CHARS[randombytes_uniform(sizeof(CODE_CHARS) - 1)];
	out[CODE_LEN] = '\0';
}

bool app_tracking_code_normalize(const char *in, char out[13])
{
	size_t k = 0;

	out[0] = '\0';
	if (!in)
		return false;
	for (const char *p = in; *p; p++) {
		char c = to_upper(*p);

		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80) {
			p += 2; /* U+3000, typed with a Chinese input method */
			continue;
		}
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (!c || !strchr(CODE_CHARS, c) || k == CODE_LEN) {
			out[0] = '\0';
			return false;
		}
		out[k++] = c;
	}
	out[k] = '\0';
	if (k != CODE_LEN) {
		out[0] = '\0';
		return false;
	}
	return true;
}

bool app_check_digits(const char *phone, char out[5])
{
	char last[4];
	size_t k = 0;

	out[0] = '\0';
	for (const char *p = phone; p && *p; p++)
		if (is_digit(*p))
			last[k++ % 4] = *p;
	if (k < 4)
		return false;
	for (size_t i = 0; i < 4; i++)
		out[i] = last[(k + i) % 4];
	out[4] = '\0';
	return true;
}

/* ---- masks ---- */

/* One implementation of each mask: domain/safety/scan.c. */
const char *app_mask_id(struct arena *a, const char *s)
{
	return safety_mask_id_number(a, s);
}

const char *app_mask_phone(struct arena *a, const char *s)
{
	return safety_mask_mobile(a, s);
}

const char *app_mask_email(struct arena *a, const char *s)
{
	const char *at, *cur, *end;
	struct buf b;
	char tmp[4];

	if (!s || !*s)
		return "";
	at = strrchr(s, '@');
	end = at ? at : s + strlen(s);
	buf_init(&b, a, 4 * strlen(s) + 5);
	cur = s;
	if (cur < end)
		buf_append(&b, tmp, utf8_put(tmp, utf8_next(&cur, end)));
	buf_puts(&b, "***");
	if (at) /* the domain as it is, re-encoded so invalid bytes do not pass */
		for (cur = at, end = s + strlen(s); cur < end;)
			buf_append(&b, tmp, utf8_put(tmp, utf8_next(&cur, end)));
	cur = buf_cstr(&b);
	return b.err ? NULL : cur;
}

const char *app_mask_address(struct arena *a, const char *s)
{
	return safety_mask_address(a, s);
}

const char *app_mask_name(struct arena *a, const char *s)
{
	return safety_mask_name(a, s);
}
