/* test_intake.c - the intake of an application: identity numbers
 * (居民身份证 GB 11643, 统一社会信用代码 GB 32100 and the other
 * documents), every check of app_validate with the field its message
 * names, trimming and normalisation, the receipt date of each channel
 * (第三十一条), the 查询码 and its second factor, and the masks.
 *
 * The valid numbers below were computed from the standards' algorithms
 * by a separate script, not by this code:
 *   11010519491231002X: the weighted sum of the 17 digits is 167,
 *                       167 % 11 = 2 -> "10X98765432"[2] = 'X';
 *   91350100M000100Y43: a published code; its check value is 3. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/intake.h"
#include "domain/applications/taxonomy.h"
#include "store/store.h"
#include "core/banned.h"

#include "arena_fixture.h"
#include "assert_chinese.h"

/* A fixed "today" for every test: 2024-06-01. */
#define TODAY date_from_ymd(2024, 6, 1)

static void assert_contains(const char *s, const char *want)
{
	assert_non_null(s);
	if (!strstr(s, want))
		fail_msg("消息“%s”中没有“%s”。", s, want);
}

static void assert_sentence(const char *msg)
{
	size_t n;

	assert_chinese(msg);
	n = strlen(msg);
	if (n < 3 || strcmp(msg + n - 3, "。") != 0)
		fail_msg("消息没有以句号结尾：%s", msg);
}

/* ---- identity numbers ---- */

static void id_ok(const char *kind, const char *number)
{
	const char *msg = "未改";

	if (!app_id_valid(kind, number, TODAY, &msg))
		fail_msg("%s“%s”应当有效，却被拒绝：%s", kind, number, msg ? msg : "(无消息)");
}

static void id_bad(const char *kind, const char *number, const char *want)
{
	const char *msg = NULL;

	if (app_id_valid(kind, number, TODAY, &msg))
		fail_msg("%s“%s”应当无效，却被接受。", kind, number ? number : "(NULL)");
	assert_sentence(msg);
	assert_contains(msg, want);
}

static void test_resident_valid(void **state)
{
	id_ok("居民身份证", "11010519491231002X");
	id_ok("居民身份证", "11010519491231002x");  /* lowercase x */
	id_ok("居民身份证", "330482199003070017");
	id_ok("居民身份证", "440304200002291236");  /* 2000-02-29: a leap day */
	id_ok("居民身份证", "110101190001010014");  /* 1900-01-01: the first day allowed */
	id_ok("居民身份证", "110101202406010018");  /* born today */
}

static void test_resident_invalid(void **state)
{
	/* the check character of 11010519491231002 is X, not 1 or 0 */
	id_bad("居民身份证", "110105194912310021", "身份证号码校验位不正确");
	id_bad("居民身份证", "110105194912310020", "校验位");
	id_bad("居民身份证", "330482199003070018", "校验位");
	/* 1949-02-30 does not exist (check char right for the 17 digits) */
	id_bad("居民身份证", "110101194902300017", "出生日期");
	/* 1900 was not a leap year */
	id_bad("居民身份证", "110101190002290011", "出生日期");
	/* born tomorrow */
	id_bad("居民身份证", "110101202406020013", "出生日期");
	/* born 1899-12-31 */
	id_bad("居民身份证", "11010118991231001X", "出生日期");
	/* month 13, day 00 */
	id_bad("居民身份证", "110101199013010010", "出生日期");
	id_bad("居民身份证", "110101199001000010", "出生日期");
	/* 17 and 19 characters */
	id_bad("居民身份证", "11010519491231002", "18位");
	id_bad("居民身份证", "11010519491231002X1", "18位");
	/* letters inside, X not last, full-width X */
	id_bad("居民身份证", "11010519491231A02X", "数字");
	id_bad("居民身份证", "1101051949123100X2", "数字");
	id_bad("居民身份证", "11010519491231002Ｘ", "18位");
	/* no region starts with 0 (check char right) */
	id_bad("居民身份证", "010101199001010011", "地区码");
	id_bad("居民身份证", "", "证件号码");
	id_bad("居民身份证", NULL, "证件号码");
}

static void test_uscc(void **state)
{
	id_ok("统一社会信用代码", "91350100M000100Y43");  /* published */
	id_ok("统一社会信用代码", "91330483MA2B12345N");  /* check value 21 = N */
	id_ok("统一社会信用代码", "12330000002482011G");  /* check value 16 = G */
	id_ok("统一社会信用代码", "91350100m000100y43");  /* lowercase accepted */

	id_bad("统一社会信用代码", "91350100M000100Y44", "校验位");
	id_bad("统一社会信用代码", "91330483MA2B12345P", "校验位");
	/* I, O, Z, S, V are not used */
	id_bad("统一社会信用代码", "91350100M000100I43", "I、O、Z、S、V");
	id_bad("统一社会信用代码", "91350100M000100O43", "I、O、Z、S、V");
	id_bad("统一社会信用代码", "91350100M000100Z43", "统一社会信用代码");
	id_bad("统一社会信用代码", "91350100M000100S43", "统一社会信用代码");
	id_bad("统一社会信用代码", "91350100M000100V43", "统一社会信用代码");
	id_bad("统一社会信用代码", "91350100M000100-43", "统一社会信用代码");
	id_bad("统一社会信用代码", "91350100M000100Y4", "18位");
	id_bad("统一社会信用代码", "91350100M000100Y433", "18位");
}

static void test_other_kinds(void **state)
{
	char long_other[64];

	id_ok("港澳居民来往内地通行证", "H12345678");
	id_ok("港澳居民来往内地通行证", "M1234567890");
	id_bad("港澳居民来往内地通行证", "X12345678", "港澳居民来往内地通行证");
	id_bad("港澳居民来往内地通行证", "H1234567", "H或M");
	id_bad("港澳居民来往内地通行证", "H123456789", "H或M");
	id_bad("港澳居民来往内地通行证", "H1234567A", "H或M");

	id_ok("台湾居民来往大陆通行证", "12345678");
	id_bad("台湾居民来往大陆通行证", "1234567", "8位");
	id_bad("台湾居民来往大陆通行证", "A1234567", "8位");

	id_ok("护照", "E12345678");
	id_ok("护照", "G1234");
	id_ok("护照", "ABCDEFGHIJ1234567890");        /* 20 */
	id_bad("护照", "E123", "护照");
	id_bad("护照", "ABCDEFGHIJ12345678901", "护照"); /* 21 */
	id_bad("护照", "E123-4567", "护照");

	id_ok("外国人永久居留身份证", "USA123456789012");     /* 15 */
	id_ok("外国人永久居留身份证", "911234567890123456");  /* 18 */
	id_bad("外国人永久居留身份证", "USA1234567890123", "15位或18位");

	id_ok("其他证件", "军官证第123号");
	memset(long_other, 'A', 40);
	long_other[40] = '\0';
	id_ok("其他证件", long_other);
	long_other[40] = 'A';
	long_other[41] = '\0';
	id_bad("其他证件", long_other, "40");
	id_bad("其他证件", "A\x01" "B", "控制字符");
	id_bad("其他证件", "\xff", "证件号码");
	id_bad("其他证件", "", "证件号码");

	id_bad("驾驶证", "123456", "证件类型");
	id_bad(NULL, "123456", "证件类型");
	id_bad("", "123456", "证件类型");
}

/* ---- app_validate ---- */

static struct application person(void)
{
	return (struct application){
		.applicant_type = "natural",
		.name = "张三",
		.id_kind = "居民身份证",
		.id_number = "11010519491231002X",
		.phone = "13800135678",
		.info_title = "2023年度部门预算",
		.medium = "纸质",
		.delivery = "当面领取",
		.channel = "in_person",
	};
}

static struct application organisation(void)
{
	struct application app = person();

	app.applicant_type = "commercial";
	app.name = "某某科技有限公司";
	app.id_kind = "统一社会信用代码";
	app.id_number = "91350100M000100Y43";
	app.contact_person = "李四";
	return app;
}

static void expect_ok(struct arena *a, struct application *app)
{
	const char *msg = NULL;
	int rc = app_validate(a, app, TODAY, &msg);

	if (rc != 0)
		fail_msg("申请应当通过校验，却返回 %d：%s", rc, msg ? msg : "(无消息)");
}

/* Refused with a sentence naming field. */
static void expect_bad(struct arena *a, struct application *app, const char *field)
{
	const char *msg = NULL;

	assert_int_equal(app_validate(a, app, TODAY, &msg), ERR_INVALID);
	assert_sentence(msg);
	assert_contains(msg, field);
}

static void test_validate_person_ok(void **state)
{
	struct arena *a = *state;
	struct application app = person();

	expect_ok(a, &app);
	assert_string_equal(app.name, "张三");
	assert_string_equal(app.id_number, "11010519491231002X");
	/* absent text fields become "" (the columns are NOT NULL) */
	assert_non_null(app.email);
	assert_string_equal(app.email, "");
	assert_string_equal(app.contact_person, "");
	assert_string_equal(app.evidence, "");
	/* every applicant type of 自然人 kind, every person's document */
	app = person();
	app.id_kind = "护照";
	app.id_number = "E12345678";
	expect_ok(a, &app);
	app = person();
	app.id_kind = "其他证件";   /* allowed for a person too */
	app.id_number = "军官证第123号";
	expect_ok(a, &app);
	/* everything filled */
	app = person();
	app.contact_person = "张三";
	app.email = "zhangsan@example.com";
	app.address = "浙江省桐乡市梧桐街道庆丰中路1号";
	app.postcode = "314500";
	app.info_doc_no = "桐政办发〔2023〕1号";
	app.info_desc = "2023年度部门预算及其说明。\n包括“三公”经费。";
	app.medium = "电子";
	app.delivery = "电子邮件";
	app.phone = "+86 138-0013-5678";
	expect_ok(a, &app);
}

static void test_validate_missing(void **state)
{
	struct arena *a = *state;
	struct application app;
	const char *msg = NULL;

	app = person(), app.applicant_type = "";
	expect_bad(a, &app, "申请人类型");
	app = person(), app.applicant_type = NULL;
	expect_bad(a, &app, "申请人类型");
	app = person(), app.applicant_type = "robot";
	expect_bad(a, &app, "申请人类型");

	app = person(), app.name = "";
	expect_bad(a, &app, "申请人姓名或名称");
	app = person(), app.name = NULL;
	expect_bad(a, &app, "申请人姓名或名称");
	app = person(), app.name = " 　 "; /* only spaces, ASCII and U+3000 */
	expect_bad(a, &app, "申请人姓名或名称");

	app = person(), app.id_kind = "";
	expect_bad(a, &app, "证件类型");
	app = person(), app.id_kind = "驾驶证";
	expect_bad(a, &app, "证件类型");

	app = person(), app.id_number = "";
	expect_bad(a, &app, "证件号码");
	app = person(), app.id_number = "110105194912310021";
	expect_bad(a, &app, "校验位");

	app = person(), app.phone = "";
	expect_bad(a, &app, "联系电话");
	app = person(), app.phone = "123456";                 /* 6 digits */
	expect_bad(a, &app, "联系电话");
	app = person(), app.phone = "138001356789012345678";  /* 21 digits */
	expect_bad(a, &app, "联系电话");
	app = person(), app.phone = "0573-8888888转1";
	expect_bad(a, &app, "联系电话");
	app = person(), app.phone = "1380013+5678";
	expect_bad(a, &app, "联系电话");

	app = person(), app.email = "zhangsan";
	expect_bad(a, &app, "电子邮箱");
	app = person(), app.email = "zhangsan@example";
	expect_bad(a, &app, "电子邮箱");
	app = person(), app.email = "zhang@san@example.com";
	expect_bad(a, &app, "电子邮箱");
	app = person(), app.email = "zhang san@example.com";
	expect_bad(a, &app, "电子邮箱");
	app = person(), app.email = "@example.com";
	expect_bad(a, &app, "电子邮箱");

	app = person(), app.postcode = "31450";
	expect_bad(a, &app, "邮政编码");
	app = person(), app.postcode = "31450A";
	expect_bad(a, &app, "邮政编码");

	app = person(), app.info_title = "";
	assert_int_equal(app_validate(a, &app, TODAY, &msg), ERR_INVALID);
	assert_string_equal(msg, "所需政府信息的名称、文号或者特征性描述至少填写一项。");
	app = person(), app.info_title = "　";
	assert_int_equal(app_validate(a, &app, TODAY, &msg), ERR_INVALID);
	assert_contains(msg, "至少填写一项");

	app = person(), app.medium = "";
	expect_bad(a, &app, "信息载体形式");
	app = person(), app.medium = "光盘";
	expect_bad(a, &app, "信息载体形式");

	app = person(), app.delivery = "";
	expect_bad(a, &app, "获取方式");
	app = person(), app.delivery = "快递";
	expect_bad(a, &app, "获取方式");
}

/* The first bad field in form order is the one named. */
static void test_validate_first_field(void **state)
{
	struct arena *a = *state;
	struct application app = person();

	app.name = "";
	app.phone = "";
	app.medium = "";
	expect_bad(a, &app, "申请人姓名或名称");
}

static void test_validate_organisation(void **state)
{
	struct arena *a = *state;
	struct application app;

	app = organisation();
	expect_ok(a, &app);
	for (int i = 1; i < APP_COLS; i++) {
		app = organisation();
		app.applicant_type = app_applicant_types[i].code;
		expect_ok(a, &app);
	}

	app = organisation(), app.contact_person = "";
	expect_bad(a, &app, "联系人");
	app = organisation(), app.contact_person = NULL;
	expect_bad(a, &app, "联系人");

	/* a 居民身份证 (or any person's document) is refused for an organisation */
	app = organisation(), app.id_kind = "居民身份证", app.id_number = "11010519491231002X";
	expect_bad(a, &app, "证件类型");
	app = organisation(), app.id_kind = "护照", app.id_number = "E12345678";
	expect_bad(a, &app, "证件类型");
	/* 其他证件 is allowed */
	app = organisation(), app.id_kind = "其他证件", app.id_number = "事业单位法人证书 事证第133040000123号";
	expect_ok(a, &app);
	/* and a 统一社会信用代码 is refused for a natural person */
	app = person(), app.id_kind = "统一社会信用代码", app.id_number = "91350100M000100Y43";
	expect_bad(a, &app, "证件类型");

	app = organisation(), app.id_number = "91350100M000100Y44";
	expect_bad(a, &app, "统一社会信用代码");

	/* lowercase letters are stored uppercase */
	app = organisation(), app.id_number = " 91350100m000100y43 ";
	expect_ok(a, &app);
	assert_string_equal(app.id_number, "91350100M000100Y43");
}

static void test_validate_delivery(void **state)
{
	struct arena *a = *state;
	struct application app;

	app = person(), app.delivery = "电子邮件";
	expect_bad(a, &app, "电子邮箱");
	app = person(), app.delivery = "电子邮件", app.email = "  ";
	expect_bad(a, &app, "电子邮箱");
	app = person(), app.delivery = "电子邮件", app.email = "zhangsan@example.com";
	expect_ok(a, &app);

	app = person(), app.delivery = "邮寄";
	expect_bad(a, &app, "通信地址");
	app = person(), app.delivery = "邮寄", app.address = "浙江省桐乡市梧桐街道庆丰中路1号";
	expect_ok(a, &app);

	/* the others need neither */
	app = person(), app.delivery = "网上获取";
	expect_ok(a, &app);
}

static void test_validate_info(void **state)
{
	struct arena *a = *state;
	struct application app;
	char buf[3 * 5001 + 1];

	app = person(), app.info_title = "", app.info_doc_no = "桐政办发〔2023〕1号";
	expect_ok(a, &app);
	app = person(), app.info_title = NULL, app.info_desc = "关于某路段拓宽工程的\r\n环评批复。";
	expect_ok(a, &app);
	/* newlines only in the description */
	app = person(), app.info_title = "第一行\n第二行";
	expect_bad(a, &app, "所需信息名称");
	app = person(), app.info_doc_no = "桐政\n发";
	expect_bad(a, &app, "文号");

	/* 300 characters of three bytes each are within the limit, 301 not */
	buf[0] = '\0';
	for (int i = 0; i < 300; i++)
		memcpy(buf + 3 * i, "政", 4);
	app = person(), app.info_title = buf;
	expect_ok(a, &app);
	memcpy(buf + 3 * 300, "政", 4);
	app = person(), app.info_title = buf;
	expect_bad(a, &app, "所需信息名称");
	expect_bad(a, &app, "300");

	for (int i = 0; i < 5000; i++)
		memcpy(buf + 3 * i, "述", 4);
	app = person(), app.info_desc = buf;
	expect_ok(a, &app);
	memcpy(buf + 3 * 5000, "述", 4);
	app = person(), app.info_desc = buf;
	expect_bad(a, &app, "特征性描述");
}

static void test_validate_lengths(void **state)
{
	struct arena *a = *state;
	struct application app;
	char name[3 * 101 + 1];
	char email[128];

	for (int i = 0; i < 100; i++)
		memcpy(name + 3 * i, "张", 4);
	app = person(), app.name = name;
	expect_ok(a, &app);
	memcpy(name + 3 * 100, "张", 4);
	app = person(), app.name = name;
	expect_bad(a, &app, "申请人姓名或名称");
	expect_bad(a, &app, "100");
	app = organisation(), app.contact_person = name;
	expect_bad(a, &app, "联系人");

	/* 101 characters of e-mail */
	memset(email, 'a', 89);
	memcpy(email + 89, "@example.com", 13);
	assert_int_equal(strlen(email), 101);
	app = person(), app.email = email;
	expect_bad(a, &app, "电子邮箱");
}

static void test_validate_control(void **state)
{
	struct arena *a = *state;
	struct application app;

	app = person(), app.name = "张\a三";
	expect_bad(a, &app, "申请人姓名或名称");
	expect_bad(a, &app, "控制字符");
	app = person(), app.name = "张\n三";
	expect_bad(a, &app, "控制字符");
	app = person(), app.name = "张\x7f三";
	expect_bad(a, &app, "控制字符");
	app = person(), app.name = "张\xc2\x85三";  /* U+0085, a C1 control */
	expect_bad(a, &app, "控制字符");
	app = person(), app.address = "桐乡\t市";
	expect_bad(a, &app, "通信地址");
	app = person(), app.info_desc = "描述\t制表符";
	expect_bad(a, &app, "特征性描述");
	app = person(), app.evidence = "签收\x1b人";
	expect_bad(a, &app, "收件凭证");
	/* not UTF-8 */
	app = person(), app.name = "张\xff三";
	expect_bad(a, &app, "申请人姓名或名称");
	app = person(), app.name = "\xe5\xbc";      /* a cut character */
	expect_bad(a, &app, "申请人姓名或名称");
}

static void test_validate_trims(void **state)
{
	struct arena *a = *state;
	struct application app = person();

	app.applicant_type = " natural ";
	app.name = "　 张三　";                    /* U+3000 and ASCII spaces */
	app.id_number = " 11010519491231002x ";   /* and lowercase x */
	app.phone = " 13800135678 ";
	app.email = " zhangsan@example.com　";
	app.info_title = "　预算　";
	app.info_desc = "\n 第一行\n第二行 \n";
	app.medium = " 纸质";
	app.delivery = "当面领取 ";
	expect_ok(a, &app);
	assert_string_equal(app.applicant_type, "natural");
	assert_string_equal(app.name, "张三");
	assert_string_equal(app.id_number, "11010519491231002X");
	assert_string_equal(app.phone, "13800135678");
	assert_string_equal(app.email, "zhangsan@example.com");
	assert_string_equal(app.info_title, "预算");
	assert_string_equal(app.info_desc, "第一行\n第二行");
	assert_string_equal(app.medium, "纸质");
	assert_string_equal(app.delivery, "当面领取");
}

static void test_validate_nomem(void **state)
{
	struct arena a;
	struct application app = person();
	const char *msg = NULL;

	arena_init(&a, 0);
	a.fail_at = 1;  /* the uppercased copy of the id number */
	assert_int_equal(app_validate(&a, &app, TODAY, &msg), ERR_NOMEM);
	assert_chinese(msg);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

/* ---- receipt date (第三十一条) ---- */

#define DAY(y, m, d) date_from_ymd(y, m, d)

static long receipt_ok(const char *channel, long arrived, long confirmed, const char *evidence)
{
	long r = -1;
	const char *msg = NULL;
	int rc = app_receipt_date(channel, arrived, confirmed, evidence, TODAY, &r, &msg);

	if (rc != 0)
		fail_msg("渠道 %s 的收到日期应当可以确定，却返回 %d：%s", channel, rc, msg ? msg : "(无消息)");
	return r;
}

static const char *receipt_bad(const char *channel, long arrived, long confirmed, const char *evidence)
{
	long r = 4242;
	const char *msg = NULL;

	assert_int_equal(app_receipt_date(channel, arrived, confirmed, evidence, TODAY, &r, &msg), ERR_INVALID);
	assert_int_equal(r, 4242); /* untouched */
	assert_sentence(msg);
	return msg;
}

static void test_receipt_rules(void **state)
{
	long d1 = DAY(2024, 3, 8), d2 = DAY(2024, 3, 11);

	/* 当面提交: the day submitted; confirmed ignored, no evidence needed */
	assert_int_equal(receipt_ok("in_person", d1, 0, NULL), d1);
	assert_int_equal(receipt_ok("in_person", d1, d2, ""), d1);
	/* 邮寄（需签收）: the day signed for */
	assert_int_equal(receipt_ok("post_signed", d1, d2, "签收人：王五，邮件号 EMS1234567890"), d2);
	assert_int_equal(receipt_ok("post_signed", d1, d1, "王五"), d1);
	/* 平常信函, 传真, 电子邮件: the day confirmed */
	assert_int_equal(receipt_ok("post_plain", d1, d2, "电话确认，确认人王五"), d2);
	assert_int_equal(receipt_ok("fax", d1, d2, "电话确认"), d2);
	assert_int_equal(receipt_ok("email", d1, d2, "2024-03-11 回复邮件"), d2);
	/* 网上申请: the day confirmed (accepted), no evidence needed */
	assert_int_equal(receipt_ok("online", d1, d2, NULL), d2);

	/* bounds: 2019-05-15 and today are allowed */
	assert_int_equal(receipt_ok("in_person", DAY(2019, 5, 15), 0, NULL), DAY(2019, 5, 15));
	assert_int_equal(receipt_ok("in_person", TODAY, 0, NULL), TODAY);
	assert_int_equal(receipt_ok("fax", DAY(2019, 5, 15), TODAY, "确认"), TODAY);
}

static void test_receipt_refused(void **state)
{
	long d1 = DAY(2024, 3, 8), d2 = DAY(2024, 3, 11);
	const char *msg;

	msg = receipt_bad("post_signed", d2, d1, "王五");
	assert_string_equal(msg, "确认（签收）日期不能早于到达日期。");
	msg = receipt_bad("post_signed", d1, d1 - 1, "王五");  /* one day before */
	assert_contains(msg, "不能早于到达日期");
	msg = receipt_bad("email", d2, d1, "回复邮件");
	assert_contains(msg, "不能早于到达日期");

	msg = receipt_bad("in_person", DAY(2019, 5, 14), 0, NULL);
	assert_string_equal(msg, "收到日期不能早于2019年5月15日（《政府信息公开条例》施行之日）。");
	msg = receipt_bad("post_signed", DAY(2018, 1, 2), d1, "王五");
	assert_contains(msg, "2019年5月15日");

	msg = receipt_bad("in_person", TODAY + 1, 0, NULL);
	assert_contains(msg, "到达日期");
	assert_contains(msg, "日期不能晚于今天。");
	msg = receipt_bad("post_signed", d1, TODAY + 1, "王五");
	assert_contains(msg, "日期不能晚于今天。");

	/* a confirmed day is needed where the rule is signed / confirmed */
	msg = receipt_bad("fax", d1, 0, "确认");
	assert_contains(msg, "确认（签收）日期");
	msg = receipt_bad("online", d1, 0, NULL);
	assert_contains(msg, "确认（签收）日期");

	msg = receipt_bad("robot", d1, d2, "x");
	assert_contains(msg, "申请方式");
	msg = receipt_bad(NULL, d1, d2, "x");
	assert_contains(msg, "申请方式");
}

static void test_receipt_evidence(void **state)
{
	long d1 = DAY(2024, 3, 8), d2 = DAY(2024, 3, 11);
	char big[3 * 501 + 1];
	const char *msg;

	msg = receipt_bad("post_signed", d1, d2, NULL);
	assert_string_equal(msg, "请填写收件凭证（签收记录（签收人、邮件号））。");
	msg = receipt_bad("post_signed", d1, d2, " 　");
	assert_string_equal(msg, "请填写收件凭证（签收记录（签收人、邮件号））。");
	/* every channel but in_person and online needs it, with its own text */
	for (size_t i = 0; i < app_channels_count; i++) {
		const struct app_channel *ch = &app_channels[i];

		if (strcmp(ch->code, "in_person") == 0 || strcmp(ch->code, "online") == 0)
			continue;
		msg = receipt_bad(ch->code, d1, d2, "");
		assert_contains(msg, "收件凭证");
		assert_contains(msg, ch->evidence);
	}

	for (int i = 0; i < 500; i++)
		memcpy(big + 3 * i, "证", 4);
	assert_int_equal(receipt_ok("fax", d1, d2, big), d2);
	memcpy(big + 3 * 500, "证", 4);
	msg = receipt_bad("fax", d1, d2, big);
	assert_contains(msg, "收件凭证");
}

/* ---- 查询码 ---- */

/* Crockford base32 */
static const char ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void assert_code(const char *c)
{
	assert_int_equal(strlen(c), 12);
	for (size_t i = 0; i < 12; i++)
		if (!c[i] || !strchr(ALPHABET, c[i]))
			fail_msg("查询码“%s”含有字母表以外的字符。", c);
}

static void test_tracking_code(void **state)
{
	char a[13], b[13], n[13];
	bool seen[32] = { false };

	app_tracking_code(a);
	app_tracking_code(b);
	assert_code(a);
	assert_code(b);
	assert_string_not_equal(a, b);  /* 60 bits: a collision is not going to happen */
	/* every character of the alphabet turns up, and codes normalise to themselves */
	for (int i = 0; i < 500; i++) {
		app_tracking_code(a);
		assert_code(a);
		assert_true(app_tracking_code_normalize(a, n));
		assert_string_equal(n, a);
		for (int k = 0; k < 12; k++)
			seen[strchr(ALPHABET, a[k]) - ALPHABET] = true;
	}
	for (int k = 0; k < 32; k++)
		assert_true(seen[k]);
}

static void test_tracking_normalize(void **state)
{
	char out[13];

	assert_true(app_tracking_code_normalize("abcd-efgh-jk1l", out));
	assert_string_equal(out, "ABCDEFGHJK11");
	assert_true(app_tracking_code_normalize(" 0o1i LL23 4567 ", out));
	assert_string_equal(out, "001111234567");
	assert_true(app_tracking_code_normalize("abcd　efgh　jkmn", out));  /* U+3000 */
	assert_string_equal(out, "ABCDEFGHJKMN");
	assert_true(app_tracking_code_normalize("0123-4567-89XY", out));
	assert_string_equal(out, "0123456789XY");

	assert_false(app_tracking_code_normalize("ABCD-EFGH-JK", out));     /* 10 */
	assert_string_equal(out, "");
	assert_false(app_tracking_code_normalize("ABCD-EFGH-JK11X", out));  /* 13 */
	assert_false(app_tracking_code_normalize("ABCD-EFGH-JKU1", out));   /* U */
	assert_false(app_tracking_code_normalize("ABCD-EFGH-JK1!", out));
	assert_false(app_tracking_code_normalize("ABCD_EFGH_JK11", out));
	assert_false(app_tracking_code_normalize("查询码ABCDEFGHJK", out));
	assert_false(app_tracking_code_normalize("", out));
	assert_false(app_tracking_code_normalize(NULL, out));
	assert_false(app_tracking_code_normalize(
		"ABCDEFGHJK11ABCDEFGHJK11ABCDEFGHJK11ABCDEFGHJK11ABCDEFGHJK11", out));
}

static void test_check_digits(void **state)
{
	char out[5];

	assert_true(app_check_digits("+86 138-0013-5678", out));
	assert_string_equal(out, "5678");
	assert_true(app_check_digits("13800135678", out));
	assert_string_equal(out, "5678");
	assert_true(app_check_digits("1234", out));
	assert_string_equal(out, "1234");
	assert_true(app_check_digits("0573-8888 1 2", out));
	assert_string_equal(out, "8812");
	assert_false(app_check_digits("12", out));
	assert_false(app_check_digits("1-2-3", out));
	assert_false(app_check_digits("", out));
	assert_false(app_check_digits(NULL, out));
}

/* ---- masks ---- */

static void test_mask_id(void **state)
{
	struct arena *a = *state;

	assert_string_equal(app_mask_id(a, "11010519491231002X"), "110*************2X");
	assert_string_equal(app_mask_id(a, "91350100M000100Y43"), "913*************43");
	assert_string_equal(app_mask_id(a, "H12345678"), "H12****78");
	assert_string_equal(app_mask_id(a, "军官证第123号"), "军官证***3号");
	assert_string_equal(app_mask_id(a, "ABC12"), "A****");  /* too short for 3 + 2 */
	assert_string_equal(app_mask_id(a, "AB"), "**");
	assert_string_equal(app_mask_id(a, ""), "");
	assert_string_equal(app_mask_id(a, NULL), "");
}

static void test_mask_phone(void **state)
{
	struct arena *a = *state;

	assert_string_equal(app_mask_phone(a, "13800135678"), "138****5678");
	assert_string_equal(app_mask_phone(a, "+86 138-0013-5678"), "+86 1**-****-5678");
	assert_string_equal(app_mask_phone(a, "0573-88881234"), "057*-****1234");
	/* short numbers keep only the last two digits */
	assert_string_equal(app_mask_phone(a, "88881234"), "******34");
	assert_string_equal(app_mask_phone(a, "0573-888812"), "****-****12");
	assert_string_equal(app_mask_phone(a, "5"), "*");
	assert_string_equal(app_mask_phone(a, ""), "");
	assert_string_equal(app_mask_phone(a, NULL), "");
}

static void test_mask_email_address(void **state)
{
	struct arena *a = *state;

	assert_string_equal(app_mask_email(a, "zhangsan@example.com"), "z***@example.com");
	assert_string_equal(app_mask_email(a, "张三@例子.中国"), "张***@例子.中国");
	assert_string_equal(app_mask_email(a, "a@b.cn"), "a***@b.cn");
	assert_string_equal(app_mask_email(a, "nobody"), "n***");
	assert_string_equal(app_mask_email(a, ""), "");
	assert_string_equal(app_mask_email(a, NULL), "");

	assert_string_equal(app_mask_address(a, "浙江省桐乡市梧桐街道庆丰中路1号"), "浙江省桐乡市***");
	assert_string_equal(app_mask_address(a, "1 Main Street, Springfield"), "1 Main***");
	assert_string_equal(app_mask_address(a, "北京"), "北京***");
	assert_string_equal(app_mask_address(a, ""), "");
	assert_string_equal(app_mask_address(a, NULL), "");
}

static void test_mask_name(void **state)
{
	struct arena *a = *state;

	assert_string_equal(app_mask_name(a, "张三丰"), "张**");
	assert_string_equal(app_mask_name(a, "张三"), "张*");
	assert_string_equal(app_mask_name(a, "欧阳娜娜"), "欧***");
	assert_string_equal(app_mask_name(a, "张"), "张");
	assert_string_equal(app_mask_name(a, "Li Lei"), "L*****");
	assert_string_equal(app_mask_name(a, ""), "");
	assert_string_equal(app_mask_name(a, NULL), "");
	/* a broken byte does not pass through as it is */
	assert_true(utf8_valid(app_mask_name(a, "\xff\xfe"), strlen(app_mask_name(a, "\xff\xfe"))));
}

static void test_mask_nomem(void **state)
{
	struct arena a;

	arena_init(&a, 0);
	a.fail_at = 1;
	assert_null(app_mask_id(&a, "11010519491231002X"));
	a.fail_at = a.count + 1;
	assert_null(app_mask_phone(&a, "13800135678"));
	a.fail_at = a.count + 1;
	assert_null(app_mask_email(&a, "zhangsan@example.com"));
	a.fail_at = a.count + 1;
	assert_null(app_mask_address(&a, "浙江省桐乡市梧桐街道"));
	a.fail_at = a.count + 1;
	assert_null(app_mask_name(&a, "张三丰"));
	/* nothing to allocate for empty input */
	assert_string_equal(app_mask_name(&a, ""), "");
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resident_valid),
		cmocka_unit_test(test_resident_invalid),
		cmocka_unit_test(test_uscc),
		cmocka_unit_test(test_other_kinds),
		T(test_validate_person_ok),
		T(test_validate_missing),
		T(test_validate_first_field),
		T(test_validate_organisation),
		T(test_validate_delivery),
		T(test_validate_info),
		T(test_validate_lengths),
		T(test_validate_control),
		T(test_validate_trims),
		cmocka_unit_test(test_validate_nomem),
		cmocka_unit_test(test_receipt_rules),
		cmocka_unit_test(test_receipt_refused),
		cmocka_unit_test(test_receipt_evidence),
		cmocka_unit_test(test_tracking_code),
		cmocka_unit_test(test_tracking_normalize),
		cmocka_unit_test(test_check_digits),
		T(test_mask_id),
		T(test_mask_phone),
		T(test_mask_email_address),
		T(test_mask_name),
		cmocka_unit_test(test_mask_nomem),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
