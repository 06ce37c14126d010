/* test_letters.c - the drafts of the application procedure's letters:
 * every kind drafts from a realistic case and says what the 条例 requires
 * it to say (第三十条 补正, 第三十二条 征求意见, 第三十三条 期限, 第四十二条
 * 收费, 第三十六条 答复), replies carry their legal basis and the 救济途径,
 * the third party never learns who asked, and user text cannot become
 * Markdown. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/applications/letters.h"
#include "domain/applications/taxonomy.h"
#include "store/store.h"
#include "core/banned.h"

#include "arena_fixture.h"

#define REMEDY_60 "自收到之日起六十日内依法申请行政复议"
#define REMEDY_6M "自收到之日起六个月内依法向人民法院提起行政诉讼"

static struct org org = { .id = 1, .name = "桐城市教育局", .slug = "tcjy", .kind = "agency" };

static struct application person(void)
{
	return (struct application){
		.id = 7,
		.org_id = 1,
		.serial = "2021-0007",
		.tracking_code = "7K3M9Q2X4B8N",
		.check_digits = "5678",
		.state = "registered",
		.applicant_type = "natural",
		.name = "张三",
		.id_kind = "居民身份证",
		.id_number = "11010519491231002X",
		.phone = "13912345678",
		.email = "zhangsan@example.com",
		.address = "安徽省桐城市龙眠街道1号",
		.info_title = "2020年度义务教育阶段学校招生计划",
		.info_doc_no = "桐教〔2020〕12号",
		.info_desc = "请提供2020年度全市义务教育阶段各学校的招生计划。",
		.medium = "电子",
		.delivery = "电子邮件",
		.channel = "online",
		.submitted_on = "2021-03-01",
		.received_on = "2021-03-02",
		.due_on = "2021-03-30",
	};
}

static struct letter_input input(const struct application *app)
{
	return (struct letter_input){ .org = &org, .app = app, .day = "2021-03-05" };
}

static const char *draft(struct arena *a, const char *kind, const struct letter_input *in,
			 const char **title)
{
	const char *t = NULL, *body = NULL;

	assert_int_equal(letter_draft(a, kind, in, &t, &body), 0);
	assert_non_null(t);
	assert_non_null(body);
	if (title)
		*title = t;
	return body;
}

#define assert_has(hay, needle)                                                          \
	do {                                                                             \
		if (!strstr((hay), (needle)))                                            \
			fail_msg("missing \"%s\" in:\n%s", (needle), (hay));             \
	} while (0)
#define assert_lacks(hay, needle)                                                        \
	do {                                                                             \
		if (strstr((hay), (needle)))                                             \
			fail_msg("unexpected \"%s\" in:\n%s", (needle), (hay));          \
	} while (0)

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- dates, sign lines, escaping ---- */

static void test_date(void **state)
{
	struct arena *a = *state;

	assert_string_equal(letter_date(a, "2021-03-02"), "2021年3月2日");
	assert_string_equal(letter_date(a, "2020-12-31"), "2020年12月31日");
	assert_string_equal(letter_date(a, "2024-02-29"), "2024年2月29日");
	assert_null(letter_date(a, "2021-02-29"));
	assert_null(letter_date(a, "2021-3-2"));
	assert_null(letter_date(a, "2021年3月2日"));
	assert_null(letter_date(a, ""));
	assert_null(letter_date(a, NULL));
}

static void test_sign_lines(void **state)
{
	struct arena *a = *state;

	assert_string_equal(letter_sign_lines(a, "桐城市教育局", "2021-03-02"), "桐城市教育局\n2021年3月2日");
	assert_null(letter_sign_lines(a, "桐城市教育局", "2021-13-02"));
	assert_null(letter_sign_lines(a, "桐城市教育局", NULL));
	/* no name: the date alone, no empty line */
	assert_string_equal(letter_sign_lines(a, NULL, "2021-03-02"), "2021年3月2日");
}

static void test_escape(void **state)
{
	struct arena *a = *state;

	assert_string_equal(letter_md_escape(a, "张三"), "张三");
	assert_string_equal(letter_md_escape(a, ""), "");
	assert_string_equal(letter_md_escape(a, NULL), "");
	assert_string_equal(letter_md_escape(a, "*粗体* [链接](javascript:x) <script>"),
			    "\\*粗体\\* \\[链接\\]\\(javascript:x\\) \\<script\\>");
	assert_string_equal(letter_md_escape(a, "a\\b`c_d{e}f#g+h-i.j!k|l~m"),
			    "a\\\\b\\`c\\_d\\{e\\}f\\#g\\+h\\-i\\.j\\!k\\|l\\~m");
	/* setext underline and entities read literally too */
	assert_string_equal(letter_md_escape(a, "x=y&lt;"), "x\\=y\\&lt;");
	/* lines stay lines (hard breaks) but open no block: no heading,
	 * list or indented code after a blank line */
	assert_string_equal(letter_md_escape(a, "1. 甲\n\n    # 乙\r\n- 丙\n"),
			    "1\\. 甲\\\n\\# 乙\\\n\\- 丙");
	assert_string_equal(letter_md_escape(a, "  \n前后空白 \t\n"), "前后空白");
	assert_string_equal(letter_md_escape(a, "控制\a字符"), "控制 字符");
}

/* ---- receipt ---- */

static void test_receipt(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *title, *body;

	body = draft(a, "receipt", &in, &title);
	assert_string_equal(title, "政府信息公开申请登记回执");
	assert_true(strncmp(body, "张三：\n\n", strlen("张三：\n\n")) == 0);
	assert_has(body, "本机关于2021年3月2日收到您提交的政府信息公开申请（申请编号：2021\\-0007，"
			 "查询码：7K3M9Q2X4B8N）");
	assert_has(body, "所需政府信息：“2020年度义务教育阶段学校招生计划”（文号：桐教〔2020〕12号）");
	assert_has(body, "网上申请");
	assert_has(body, "本机关将依照《中华人民共和国政府信息公开条例》第三十三条的规定，"
			 "自收到申请之日起20个工作日内予以答复（答复期限届满日：2021年3月30日）");
	assert_has(body, "可凭查询码和联系电话后四位在本机关网站查询办理进度。");
	/* no 救济途径 on a receipt; no sign lines in the body */
	assert_lacks(body, "行政复议");
	assert_lacks(body, "桐城市教育局");
	assert_lacks(body, "2021年3月5日");

	/* no due date: no parenthetical */
	app.due_on = NULL;
	body = draft(a, "receipt", &in, NULL);
	assert_has(body, "20个工作日内予以答复。");
	assert_lacks(body, "答复期限届满日");
}

static void test_receipt_organisation(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *body;

	app.applicant_type = "commercial";
	app.name = "安徽某某科技有限公司";
	app.contact_person = "李四";
	app.info_title = NULL;
	app.info_doc_no = NULL;
	app.channel = "post_signed";
	body = draft(a, "receipt", &in, NULL);
	assert_true(strncmp(body, "安徽某某科技有限公司：\n\n", strlen("安徽某某科技有限公司：\n\n")) == 0);
	assert_has(body, "收到你单位提交的政府信息公开申请");
	assert_lacks(body, "您");
	/* only the description was given */
	assert_has(body, "所需政府信息：“请提供2020年度全市义务教育阶段各学校的招生计划。”");
	assert_has(body, "邮寄（需签收）");
	assert_has(body, "你单位可凭查询码");
}

/* ---- correction (第三十条) ---- */

static void test_correction(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *title, *body;

	in.items = "请明确所需信息的年度及学段（小学或初中）";
	in.limit_days = 15;
	in.limit_on = "2021-03-26";
	body = draft(a, "correction", &in, &title);
	assert_string_equal(title, "政府信息公开申请补正告知书");
	assert_true(strncmp(body, "张三：", strlen("张三：")) == 0);
	assert_has(body, "第三十条");
	assert_has(body, "请明确所需信息的年度及学段（小学或初中）。");
	assert_has(body, "请于2021年3月26日前（15个工作日内）补正");
	assert_has(body, "答复期限自本机关收到补正的申请之日起计算");
	assert_has(body, "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。");
	assert_has(body, REMEDY_60);
	assert_has(body, REMEDY_6M);
	assert_lacks(body, "2021-03-26");

	/* the limit and the items are required */
	const char *t = "x", *b = "x";
	in.limit_on = "2021-02-30";
	assert_int_equal(letter_draft(a, "correction", &in, &t, &b), ERR_INVALID);
	assert_null(t);
	assert_null(b);
	in.limit_on = "2021-03-26";
	in.limit_days = 0;
	assert_int_equal(letter_draft(a, "correction", &in, &t, &b), ERR_INVALID);
	in.limit_days = 15;
	in.items = " \n";
	assert_int_equal(letter_draft(a, "correction", &in, &t, &b), ERR_INVALID);

	/* no limit date (the calendar could not count it): from receipt */
	in.items = "请明确所需信息的年度";
	in.limit_on = NULL;
	body = draft(a, "correction", &in, NULL);
	assert_has(body, "请自收到本告知书之日起15个工作日内补正。");
	assert_has(body, "视为放弃申请");
}

/* ---- consult (第三十二条) ---- */

static void test_consult(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *title, *body;

	in.party = "桐城市某某培训学校";
	in.matter = "申请人申请公开的招生计划中含有你单位报送的收费标准及师资情况，是否同意公开";
	body = draft(a, "consult", &in, &title);
	assert_string_equal(title, "政府信息公开第三方意见征询函");
	assert_true(strncmp(body, "桐城市某某培训学校：\n\n", strlen("桐城市某某培训学校：\n\n")) == 0);
	assert_has(body, "有申请人");
	assert_has(body, "第三十二条");
	assert_has(body, "15个工作日内");
	assert_has(body, "逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开");
	assert_has(body, "不同意公开的，请说明理由");
	assert_has(body, "收费标准及师资情况");
	/* nothing that identifies the applicant */
	assert_lacks(body, app.id_number);
	assert_lacks(body, "11010519491231002X");
	assert_lacks(body, app.phone);
	assert_lacks(body, "5678");
	assert_lacks(body, app.email);
	assert_lacks(body, app.address);
	assert_lacks(body, "张三");
	assert_lacks(body, app.tracking_code);
	/* no 救济途径 on a consultation */
	assert_lacks(body, "行政复议");

	in.party = NULL;
	const char *t, *b;
	assert_int_equal(letter_draft(a, "consult", &in, &t, &b), ERR_INVALID);
}

/* ---- extension (第三十三条第二款) ---- */

static void test_extension(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *title, *body, *t, *b;

	in.ext_days = 20;
	in.new_due = "2021-04-28";
	in.reason = "所申请信息涉及全市42所学校，需逐校检索、汇总";
	body = draft(a, "extension", &in, &title);
	assert_string_equal(title, "政府信息公开申请延期答复告知书");
	assert_has(body, "第三十三条第二款");
	assert_has(body, "经本机关政府信息公开工作机构负责人同意，延长答复期限20个工作日，将于2021年4月28日前作出答复");
	assert_has(body, "所申请信息涉及全市42所学校，需逐校检索、汇总。");
	assert_has(body, REMEDY_60);
	assert_has(body, REMEDY_6M);

	in.ext_days = 21; /* 最长不得超过20个工作日 */
	assert_int_equal(letter_draft(a, "extension", &in, &t, &b), ERR_INVALID);
	in.ext_days = 0;
	assert_int_equal(letter_draft(a, "extension", &in, &t, &b), ERR_INVALID);
	in.ext_days = 10;
	in.new_due = "2021/04/28";
	assert_int_equal(letter_draft(a, "extension", &in, &t, &b), ERR_INVALID);
	in.new_due = "2021-04-28";
	in.reason = NULL;
	assert_int_equal(letter_draft(a, "extension", &in, &t, &b), ERR_INVALID);

	/* no new due date (not computable): the statutory phrase stands */
	in.reason = "需逐校检索";
	in.new_due = NULL;
	body = draft(a, "extension", &in, NULL);
	assert_has(body, "经本机关政府信息公开工作机构负责人同意，延长答复期限10个工作日，将在延长的期限内作出答复");
}

/* ---- fee (第四十二条, 国办函〔2020〕109号) ---- */

static void test_fee(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *title, *body, *t, *b;

	in.fee_standard = "按量计收";
	in.fee_units = 150;
	in.fee_yuan = 1700; /* 70 x 10 + 50 x 20 */
	in.pay_by = "2021-04-02";
	body = draft(a, "fee", &in, &title);
	assert_string_equal(title, "信息处理费收费通知书");
	assert_has(body, "第四十二条");
	assert_has(body, "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）");
	assert_has(body, "按量计收");
	assert_has(body, "150页");
	assert_has(body, "人民币 1,700 元");
	assert_has(body, "请于2021年4月2日前缴纳（收到本通知次日起20个工作日内）");
	assert_has(body, "逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。");
	assert_has(body, REMEDY_60);
	assert_has(body, REMEDY_6M);

	in.fee_standard = "按件计收";
	in.fee_units = 12;
	in.fee_yuan = 1200;
	body = draft(a, "fee", &in, NULL);
	assert_has(body, "12件");
	assert_has(body, "人民币 1,200 元");

	in.fee_standard = "不收费";
	assert_int_equal(letter_draft(a, "fee", &in, &t, &b), ERR_INVALID);
	in.fee_standard = "按件计收";
	in.fee_yuan = -5;
	assert_int_equal(letter_draft(a, "fee", &in, &t, &b), ERR_INVALID);
	in.fee_yuan = 1200;
	in.fee_units = 0;
	assert_int_equal(letter_draft(a, "fee", &in, &t, &b), ERR_INVALID);
	in.fee_units = 12;
	in.pay_by = "2021-4-2";
	assert_int_equal(letter_draft(a, "fee", &in, &t, &b), ERR_INVALID);

	in.pay_by = NULL;
	body = draft(a, "fee", &in, NULL);
	assert_has(body, "请于收到本通知次日起20个工作日内缴纳。");
	assert_has(body, "视为放弃申请");
}

/* ---- replies (第三十六条 and the rest) ---- */

static void test_reply_every_outcome(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);

	in.reason = "详见本机关门户网站“法定主动公开内容”栏目";
	for (size_t i = 0; i < app_outcomes_count; i++) {
		const struct app_outcome *o = &app_outcomes[i];
		const char *title, *body;

		in.outcome = o->code;
		in.basis = o->basis[0] ? NULL : "《中华人民共和国政府信息公开条例》第三十六条";
		body = draft(a, "reply", &in, &title);
		assert_string_equal(title, o->letter);
		assert_true(strncmp(body, "张三：\n\n", strlen("张三：\n\n")) == 0);
		assert_has(body, "依据");
		assert_has(body, o->basis[0] ? o->basis : in.basis);
		assert_has(body, "的规定，");
		assert_has(body, "2021\\-0007");
		assert_has(body, "详见本机关门户网站“法定主动公开内容”栏目。");
		assert_has(body, REMEDY_60);
		assert_has(body, REMEDY_6M);
		assert_int_equal(count(body, "六十日"), 1);
		/* no sign lines: the body ends with the 救济途径 */
		assert_true(strlen(body) > strlen("提起行政诉讼。"));
		assert_string_equal(body + strlen(body) - strlen("提起行政诉讼。"), "提起行政诉讼。");
	}
}

static void test_reply_texts(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *body;

	in.outcome = "not_exist";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "经检索，本机关未制作或获取您申请公开的政府信息，该政府信息不存在。");
	assert_has(body, "《中华人民共和国政府信息公开条例》第三十六条第（四）项");

	in.outcome = "no_correction";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "视为放弃申请，本机关不再处理该政府信息公开申请。");
	assert_has(body, "第三十条");

	in.outcome = "unpaid";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "视为放弃申请");
	assert_has(body, "第四十二条");

	in.outcome = "repeat";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "不予重复处理");

	in.outcome = "petition";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "第三十九条第一款");
	assert_has(body, "相应渠道");

	in.outcome = "needs_creation";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "第三十八条");

	in.outcome = "excessive";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "第三十五条");

	in.outcome = "published";
	in.reason = "https://www.tongcheng.gov.cn/jyj/zsjh";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "已经主动公开");
	assert_has(body, "https://www\\.tongcheng\\.gov\\.cn/jyj/zsjh。");

	in.outcome = "secret";
	in.reason = "该文件经定密属于秘密级国家秘密";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "国家秘密");
	assert_has(body, "不予公开");
	assert_has(body, "第十四条");
	assert_has(body, "该文件经定密属于秘密级国家秘密。");

	/* the staff's basis replaces the default */
	in.outcome = "third_party";
	in.basis = "《中华人民共和国政府信息公开条例》第十五条";
	in.reason = "第三方不同意公开且理由合理";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "依据《中华人民共和国政府信息公开条例》第十五条的规定，");
	assert_lacks(body, "第十五条、第三十二条");

	/* an organisation is 你单位 */
	app.applicant_type = "legal";
	app.name = "安徽某某律师事务所";
	in.outcome = "not_exist";
	in.basis = NULL;
	in.reason = NULL;
	body = draft(a, "reply", &in, NULL);
	assert_true(strncmp(body, "安徽某某律师事务所：", strlen("安徽某某律师事务所：")) == 0);
	assert_has(body, "未制作或获取你单位申请公开的政府信息");
}

static void test_reply_needs_basis(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *t, *b, *body;

	in.reason = "申请人于2021年3月4日书面撤回申请";
	in.outcome = "confirm";
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);
	in.basis = "　 ";
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);
	in.outcome = "other";
	in.basis = NULL;
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);
	in.basis = "";
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);

	/* given by staff, it drafts */
	in.basis = "《中华人民共和国行政许可法》第四十条";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "依据《中华人民共和国行政许可法》第四十条的规定，");
	assert_has(body, "申请人于2021年3月4日书面撤回申请。");

	/* what the 条例 requires the staff to write is marked for filling in */
	in.outcome = "partial";
	in.basis = NULL;
	in.reason = NULL;
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "不予公开的理由：【请填写】");
	in.outcome = "not_exist";
	body = draft(a, "reply", &in, NULL);
	assert_lacks(body, "【请填写】");
}

static void test_invalid(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *t = "x", *b = "x";

	in.outcome = "not_exist";
	assert_int_equal(letter_draft(a, "notice", &in, &t, &b), ERR_INVALID);
	assert_null(t);
	assert_null(b);
	assert_int_equal(letter_draft(a, NULL, &in, &t, &b), ERR_INVALID);
	assert_int_equal(letter_draft(a, "", &in, &t, &b), ERR_INVALID);
	assert_int_equal(letter_draft(a, "REPLY", &in, &t, &b), ERR_INVALID);
	assert_int_equal(letter_draft(a, "receipt", NULL, &t, &b), ERR_INVALID);
	in.outcome = "granted";
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);
	in.outcome = NULL;
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);
	in.outcome = "not_exist";
	in.app = NULL;
	assert_int_equal(letter_draft(a, "reply", &in, &t, &b), ERR_INVALID);
}

/* ---- user text never becomes markup ---- */

static void test_user_text_escaped(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	static const char evil[] = "*粗体* [链接](javascript:x) <script>";
	static const char escaped[] = "\\*粗体\\* \\[链接\\]\\(javascript:x\\) \\<script\\>";
	const char *body;

	app.name = evil;
	app.info_title = evil;
	in.outcome = "disclose";
	in.reason = "# 标题\n\n    代码\n- 列表";
	body = draft(a, "reply", &in, NULL);
	assert_true(strncmp(body, escaped, strlen(escaped)) == 0);
	assert_has(body, escaped);
	assert_has(body, "\\*");
	assert_lacks(body, "<script>");
	assert_lacks(body, "](javascript");
	assert_has(body, "\\# 标题\\\n代码\\\n\\- 列表");
	assert_lacks(body, "\n#");
	assert_lacks(body, "\n    ");

	in.party = evil;
	in.matter = evil;
	body = draft(a, "consult", &in, NULL);
	assert_has(body, escaped);
	assert_lacks(body, "<script>");

	in.items = evil;
	in.limit_days = 15;
	in.limit_on = "2021-03-26";
	body = draft(a, "correction", &in, NULL);
	assert_lacks(body, "<script>");
	assert_has(body, "\\*粗体\\*");

	in.basis = "<b>条例</b>";
	body = draft(a, "reply", &in, NULL);
	assert_has(body, "依据\\<b\\>条例\\</b\\>的规定");
}

/* ---- arena failures ---- */

static void test_nomem(void **state)
{
	struct arena *a = *state;
	struct application app = person();
	struct letter_input in = input(&app);
	const char *t, *b;
	int rc = -1;

	in.outcome = "secret";
	in.reason = "该文件经定密属于秘密级国家秘密";
	for (long n = 1; n < 200 && rc != 0; n++) {
		a->fail_at = a->count + n;
		rc = letter_draft(a, "reply", &in, &t, &b);
		assert_true(rc == 0 || rc == ERR_NOMEM);
	}
	assert_int_equal(rc, 0);
	a->fail_at = 0;
	a->fail_at = a->count + 1;
	assert_null(letter_date(a, "2021-03-02"));
	a->fail_at = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipt_organisation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_consult, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extension, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fee, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_every_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_needs_basis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_text_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nomem, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
