/* taxonomy.c - the fixed vocabularies of applications. See taxonomy.h. */
#include <string.h>

#include "domain/applications/taxonomy.h"

#include "core/banned.h"

const struct app_applicant_type app_applicant_types[APP_COLS] = {
	{ "natural", "自然人", true },
	{ "commercial", "商业企业", false },
	{ "research", "科研机构", false },
	{ "charity", "社会公益组织", false },
	{ "legal", "法律服务机构", false },
	{ "other", "其他", false },
};

int app_applicant_col(const char *code)
{
	for (int i = 0; code && i < APP_COLS; i++)
		if (strcmp(app_applicant_types[i].code, code) == 0)
			return i;
	return -1;
}

const struct app_id_kind app_id_kinds[] = {
	{ "居民身份证", true },
	{ "港澳居民来往内地通行证", true },
	{ "台湾居民来往大陆通行证", true },
	{ "护照", true },
	{ "外国人永久居留身份证", true },
	{ "统一社会信用代码", false },
	{ "其他证件", false },
};
const size_t app_id_kinds_count = sizeof(app_id_kinds) / sizeof(app_id_kinds[0]);

const struct app_channel app_channels[] = {
	{ "online", "网上申请", RECEIPT_CONFIRMED, "以双方确认之日为收到申请之日（本平台：工作人员确认受理之日）",
	  "确认记录" },
	{ "in_person", "当面提交", RECEIPT_SUBMITTED, "以提交之日为收到申请之日", "接收人" },
	{ "post_signed", "邮寄（需签收）", RECEIPT_SIGNED, "以行政机关签收之日为收到申请之日",
	  "签收记录（签收人、邮件号）" },
	{ "post_plain", "平常信函", RECEIPT_CONFIRMED, "收到当日与申请人确认，以确认之日为收到申请之日",
	  "确认记录（确认方式、确认人）" },
	{ "fax", "传真", RECEIPT_CONFIRMED, "以双方确认之日为收到申请之日", "确认记录（确认方式、确认人）" },
	{ "email", "电子邮件", RECEIPT_CONFIRMED, "以双方确认之日为收到申请之日", "确认记录（回复邮件时间）" },
};
const size_t app_channels_count = sizeof(app_channels) / sizeof(app_channels[0]);

const struct app_channel *app_channel_find(const char *code)
{
	for (size_t i = 0; code && i < app_channels_count; i++)
		if (strcmp(app_channels[i].code, code) == 0)
			return &app_channels[i];
	return NULL;
}

const char *const app_media[] = { "纸质", "电子" };
const size_t app_media_count = 2;
const char *const app_deliveries[] = { "邮寄", "电子邮件", "当面领取", "网上获取" };
const size_t app_deliveries_count = 4;

bool app_in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

const struct app_state app_states[] = {
	{ "submitted", "待确认", true, false },
	{ "registered", "已登记", true, false },
	{ "correcting", "补正中", true, true },
	{ "consulting", "征求第三方意见", true, true },
	{ "awaiting_fee", "待缴费", true, true },
	{ "extended", "延期", true, false },
	{ "replied", "已答复", false, false },
	{ "terminated", "已终止", false, false },
	{ "void", "已作废", false, false },
};
const size_t app_states_count = sizeof(app_states) / sizeof(app_states[0]);

const struct app_state *app_state_find(const char *code)
{
	for (size_t i = 0; code && i < app_states_count; i++)
		if (strcmp(app_states[i].code, code) == 0)
			return &app_states[i];
	return NULL;
}

/* "" as to: back to where the case was before it waited (registered, or
 * extended when the one extension was granted). */
const struct app_action app_actions[] = {
	{ ACT_ACCEPT, "accept", "确认受理", "submitted", "registered" },
	{ ACT_VOID, "void", "作废", "submitted", "void" },
	{ ACT_CORRECTION, "correction", "发出补正告知", "registered", "correcting" },
	{ ACT_CORRECTED, "corrected", "收到补正", "correcting", "registered" },
	{ ACT_CORRECTION_LAPSED, "correction_lapsed", "逾期未补正，终止处理", "correcting", "terminated" },
	{ ACT_CONSULT, "consult", "征求第三方意见", "registered extended", "consulting" },
	{ ACT_CONSULT_END, "consult_end", "收到第三方意见", "consulting", "" },
	{ ACT_EXTEND, "extend", "延期答复", "registered consulting", "extended" },
	{ ACT_FEE_NOTICE, "fee_notice", "发出收费通知", "registered extended", "awaiting_fee" },
	{ ACT_FEE_PAID, "fee_paid", "登记缴费", "awaiting_fee", "" },
	{ ACT_FEE_LAPSED, "fee_lapsed", "逾期未缴费，终止处理", "awaiting_fee", "terminated" },
	{ ACT_REPLY, "reply", "答复", "registered extended", "replied" },
	{ ACT_WITHDRAW, "withdraw", "申请人撤回", "registered correcting consulting awaiting_fee extended",
	  "terminated" },
};
const size_t app_actions_count = sizeof(app_actions) / sizeof(app_actions[0]);

const struct app_action *app_action_find(const char *code)
{
	for (size_t i = 0; code && i < app_actions_count; i++)
		if (strcmp(app_actions[i].code, code) == 0)
			return &app_actions[i];
	return NULL;
}

const struct app_action *app_action_by_id(int id)
{
	for (size_t i = 0; i < app_actions_count; i++)
		if (app_actions[i].id == id)
			return &app_actions[i];
	return NULL;
}

bool app_action_allowed(const struct app_action *a, const char *state)
{
	size_t n = strlen(state);

	if (!a || n == 0)
		return false;
	for (const char *p = a->from; (p = strstr(p, state)); p += n)
		if ((p == a->from || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

const struct app_row app_rows[APP_ROWS] = {
	{ "1", "（一）予以公开", "" },
	{ "2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "" },
	{ "3.1", "（三）不予公开", "1.属于国家秘密" },
	{ "3.2", "（三）不予公开", "2.其他法律行政法规禁止公开" },
	{ "3.3", "（三）不予公开", "3.危及“三安全一稳定”" },
	{ "3.4", "（三）不予公开", "4.保护第三方合法权益" },
	{ "3.5", "（三）不予公开", "5.属于三类内部事务信息" },
	{ "3.6", "（三）不予公开", "6.属于四类过程性信息" },
	{ "3.7", "（三）不予公开", "7.属于行政执法案卷" },
	{ "3.8", "（三）不予公开", "8.属于行政查询事项" },
	{ "4.1", "（四）无法提供", "1.本机关不掌握相关政府信息" },
	{ "4.2", "（四）无法提供", "2.没有现成信息需要另行制作" },
	{ "4.3", "（四）无法提供", "3.补正后申请内容仍不明确" },
	{ "5.1", "（五）不予处理", "1.信访举报投诉类申请" },
	{ "5.2", "（五）不予处理", "2.重复申请" },
	{ "5.3", "（五）不予处理", "3.要求提供公开出版物" },
	{ "5.4", "（五）不予处理", "4.无正当理由大量反复申请" },
	{ "5.5", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息" },
	{ "6.1", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" },
	{ "6.2", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" },
	{ "6.3", "（六）其他处理", "3.其他" },
};

/* The article mapping of the 无法提供, 不予处理 and 其他处理 rows is the
 * spec's [derived] one (regulations.md §1.2); 5.5 and 6.3 have no article
 * and need the basis written by staff. */
const struct app_outcome app_outcomes[] = {
	{ "published", "已主动公开", 0, "《中华人民共和国政府信息公开条例》第三十六条第（一）项", "政府信息已主动公开告知书", true },
	{ "disclose", "予以公开", 0, "《中华人民共和国政府信息公开条例》第三十六条第（二）项", "政府信息公开申请答复书（予以公开）", true },
	{ "partial", "部分公开", 1, "《中华人民共和国政府信息公开条例》第三十七条", "政府信息公开申请答复书（部分公开）", true },
	{ "secret", "不予公开：属于国家秘密", 2, "《中华人民共和国政府信息公开条例》第十四条", "政府信息不予公开告知书", true },
	{ "law_forbids", "不予公开：其他法律行政法规禁止公开", 3, "《中华人民共和国政府信息公开条例》第十四条", "政府信息不予公开告知书", true },
	{ "security", "不予公开：危及“三安全一稳定”", 4, "《中华人民共和国政府信息公开条例》第十四条", "政府信息不予公开告知书", true },
	{ "third_party", "不予公开：保护第三方合法权益", 5, "《中华人民共和国政府信息公开条例》第十五条、第三十二条", "政府信息不予公开告知书", true },
	{ "internal", "不予公开：属于三类内部事务信息", 6, "《中华人民共和国政府信息公开条例》第十六条第一款", "政府信息不予公开告知书", true },
	{ "process", "不予公开：属于四类过程性信息", 7, "《中华人民共和国政府信息公开条例》第十六条第二款", "政府信息不予公开告知书", true },
	{ "enforcement", "不予公开：属于行政执法案卷", 8, "《中华人民共和国政府信息公开条例》第十六条第二款", "政府信息不予公开告知书", true },
	{ "query", "不予公开：属于行政查询事项", 9, "《中华人民共和国政府信息公开条例》第三十六条第（七）项", "政府信息不予公开告知书", true },
	{ "not_exist", "信息不存在", 10, "《中华人民共和国政府信息公开条例》第三十六条第（四）项", "政府信息不存在告知书", true },
	{ "not_ours", "非本机关负责公开", 10, "《中华人民共和国政府信息公开条例》第三十六条第（五）项", "非本机关负责公开告知书", true },
	{ "needs_creation", "无法提供：没有现成信息需要另行制作", 11, "《中华人民共和国政府信息公开条例》第三十八条", "政府信息无法提供告知书", true },
	{ "unclear", "无法提供：补正后申请内容仍不明确", 12, "《中华人民共和国政府信息公开条例》第三十条", "政府信息无法提供告知书", true },
	{ "petition", "不予处理：信访举报投诉类申请", 13, "《中华人民共和国政府信息公开条例》第三十九条第一款", "不予处理告知书", true },
	{ "repeat", "重复申请", 14, "《中华人民共和国政府信息公开条例》第三十六条第（六）项", "重复申请告知书", true },
	{ "publication", "不予处理：要求提供公开出版物", 15, "《中华人民共和国政府信息公开条例》第三十九条第二款", "不予处理告知书", true },
	{ "excessive", "不予处理：无正当理由大量反复申请", 16, "《中华人民共和国政府信息公开条例》第三十五条", "不予处理告知书", true },
	{ "confirm", "不予处理：要求行政机关确认或重新出具已获取信息", 17, "", "不予处理告知书", true },
	{ "no_correction", "其他处理：逾期不补正", 18, "《中华人民共和国政府信息公开条例》第三十条", "终止处理告知书", false },
	{ "unpaid", "其他处理：逾期未缴纳信息处理费", 19, "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》", "终止处理告知书", false },
	{ "other", "其他处理", 20, "", "政府信息公开申请处理告知书", true },
};
const size_t app_outcomes_count = sizeof(app_outcomes) / sizeof(app_outcomes[0]);

const struct app_outcome *app_outcome_find(const char *code)
{
	for (size_t i = 0; code && i < app_outcomes_count; i++)
		if (strcmp(app_outcomes[i].code, code) == 0)
			return &app_outcomes[i];
	return NULL;
}
