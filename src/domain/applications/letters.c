/* letters.c - the drafts of the application procedure's letters. See
 * letters.h.
 *
 * Every body is built in one capped buffer: the addressee line, the
 * paragraphs of the kind, and for correction, extension, fee and reply the
 * 救济途径. Text from users (names, the information asked for, items,
 * reasons, the basis written by staff) goes through md_put, the one
 * escaping routine, so it can never become markup. Fixed wording uses the
 * statute's own terms (条例第三十条至第四十二条). In the templates "{P}"
 * stands for the applicant: 您 (自然人) or 你单位 (法人或其他组织). */
#include "domain/applications/letters.h"

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/fees.h"
#include "domain/applications/taxonomy.h"
#include "store/store.h"
#include "core/banned.h"

/* A body is at most this long (render/pdf refuses more than 2 MiB); the
 * longest inputs (a 5000-character description, reasons) stay far below. */
#define LETTER_MAX_BODY (1u << 20)

#define TIAOLI "《中华人民共和国政府信息公开条例》"

/* Where the staff must still write what the 条例 requires (a draft only). */
#define FILL_IN "【请填写】"

static const char REMEDY[] =
	"如对本答复（告知）不服，可以自收到之日起六十日内依法申请行政复议，"
	"或者自收到之日起六个月内依法向人民法院提起行政诉讼。";

/* ---- escaping ---- */

/* ASCII punctuation that can start or end CommonMark markup; '=' (setext
 * heading underline) and '&' (entity references) too, so the text reads
 * exactly as typed. */
static bool md_special(char c)
{
	return c != '\0' && strchr("\\`*_{}[]()#+-.!<>|~=&", c) != NULL;
}

/* Append (p, n) escaped. Line breaks (\n, \r\n, \r; runs of them and
 * blank lines included) become one hard line break (backslash, newline),
 * so a multi-line text keeps its lines but stays inside its paragraph: it
 * can open no block (heading, list, code block). Spaces and tabs at either
 * end of a line and of the text are dropped, other control characters
 * become spaces. */
static void md_put(struct buf *b, const char *p, size_t n)
{
	size_t i = 0;
	bool emitted = false, pending_break = false;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
			size_t j = i;
			bool newline = false;

			while (j < n && (p[j] == '\n' || p[j] == '\r' || p[j] == ' ' || p[j] == '\t')) {
				if (p[j] == '\n' || p[j] == '\r')
					newline = true;
				j++;
			}
			if (j == n)
				break; /* trailing white space */
			if (newline)
				pending_break = emitted;
			else if (emitted)
				buf_append(b, p + i, j - i);
			/* else leading white space: dropped */
			i = j;
			continue;
		}
		if (pending_break) {
			buf_append(b, "\\\n", 2);
			pending_break = false;
		}
		if (c < 0x20 || c == 0x7f) {
			buf_putc(b, ' ');
		} else {
			if (md_special((char)c))
				buf_putc(b, '\\');
			buf_putc(b, (char)c);
		}
		emitted = true;
		i++;
	}
}

/* User text, trimmed (ASCII and U+3000 white space) and escaped. */
static void put_user(struct buf *b, const char *s)
{
	struct str t = str_trim(str_c(s));

	md_put(b, t.p, t.n);
}

static bool given(const char *s)
{
	return str_trim(str_c(s)).n > 0;
}

/* Does the trimmed text end a sentence already? */
static bool ends_sentence(const char *s)
{
	static const char *const enders[] = { "。", "！", "？", "；", "：", "…", ".", "!", "?", ";", ":" };
	struct str t = str_trim(str_c(s));

	for (size_t i = 0; i < sizeof(enders) / sizeof(enders[0]); i++) {
		size_t k = strlen(enders[i]);

		if (t.n >= k && memcmp(t.p + t.n - k, enders[i], k) == 0)
			return true;
	}
	return false;
}

/* User text as a sentence: escaped, with "。" added unless it ends one. */
static void put_sentence(struct buf *b, const char *s)
{
	put_user(b, s);
	if (!ends_sentence(s))
		buf_puts(b, "。");
}

/* A template with every "{P}" replaced by the applicant's pronoun. */
static void put_t(struct buf *b, const char *t, const char *pron)
{
	const char *q;

	while ((q = strstr(t, "{P}"))) {
		buf_append(b, t, (size_t)(q - t));
		buf_puts(b, pron);
		t = q + 3;
	}
	buf_puts(b, t);
}

const char *letter_md_escape(struct arena *a, const char *s)
{
	struct buf b;

	assert(a);
	buf_init(&b, a, SIZE_MAX / 4);
	if (s)
		md_put(&b, s, strlen(s));
	if (b.err)
		return NULL;
	return b.p ? b.p : arena_strdup(a, "");
}

/* ---- dates and sign lines ---- */

const char *letter_date(struct arena *a, const char *day)
{
	long dn;
	int y, m, d;

	assert(a);
	if (!day || date_parse(day, strlen(day), &dn))
		return NULL;
	date_to_ymd(dn, &y, &m, &d);
	return arena_printf(a, "%d年%d月%d日", y, m, d);
}

const char *letter_sign_lines(struct arena *a, const char *org_name, const char *day)
{
	const char *date = letter_date(a, day);
	struct str name = str_trim(str_c(org_name));

	if (!date)
		return NULL;
	if (name.n == 0)
		return date;
	return arena_printf(a, "%.*s\n%s", (int)name.n, name.p, date);
}

/* ---- pieces every letter shares ---- */

/* The applicant's pronoun by applicant type. */
static const char *pronoun(const struct application *app)
{
	int col = app_applicant_col(app->applicant_type);

	if (col < 0)
		return "您（你单位）";
	return app_applicant_types[col].person ? "您" : "你单位";
}

/* "{name}：" and a blank line. */
static void put_addressee(struct buf *b, const char *name)
{
	put_user(b, name);
	buf_puts(b, "：\n\n");
}

/* A date as letters write it; day has been checked by valid_date, so
 * letter_date fails only when the arena does. */
static void put_date(struct buf *b, const char *day)
{
	const char *d = letter_date(b->a, day);

	if (!d) {
		if (!b->err)
			b->err = ERR_NOMEM;
		return;
	}
	buf_puts(b, d);
}

static bool valid_date(const char *day)
{
	long dn;

	return day && date_parse(day, strlen(day), &dn) == 0;
}

/* A date a letter may do without (the deadline engine could not compute
 * it; the letter then counts from receipt): absent is fine, garbage is
 * not. */
static bool optional_date(const char *day)
{
	return !given(day) || valid_date(day);
}

/* The information asked for: the title (with its 文号), else the 文号,
 * else the description. */
static void put_info(struct buf *b, const struct application *app)
{
	if (given(app->info_title)) {
		buf_puts(b, "“");
		put_user(b, app->info_title);
		buf_puts(b, "”");
		if (given(app->info_doc_no)) {
			buf_puts(b, "（文号：");
			put_user(b, app->info_doc_no);
			buf_puts(b, "）");
		}
	} else if (given(app->info_doc_no)) {
		buf_puts(b, "文号为");
		put_user(b, app->info_doc_no);
		buf_puts(b, "的政府信息");
	} else {
		buf_puts(b, "“");
		put_user(b, app->info_desc);
		buf_puts(b, "”");
	}
}

/* "本机关于{received}收到{P}提交的政府信息公开申请（申请编号：{serial}），
 * 所需政府信息：{info}。" without the parts the application lacks. */
static void put_request(struct buf *b, const struct application *app, const char *pron)
{
	buf_puts(b, "本机关");
	if (valid_date(app->received_on)) {
		buf_puts(b, "于");
		put_date(b, app->received_on);
	}
	buf_printf(b, "收到%s提交的政府信息公开申请", pron);
	if (given(app->serial)) {
		buf_puts(b, "（申请编号：");
		put_user(b, app->serial);
		buf_puts(b, "）");
	}
	buf_puts(b, "，所需政府信息：");
	put_info(b, app);
	buf_puts(b, "。\n\n");
}

static void put_remedy(struct buf *b)
{
	buf_puts(b, "\n\n");
	buf_puts(b, REMEDY);
}

/* The application every letter is about: a name and something asked for. */
static bool app_usable(const struct application *app)
{
	return app && given(app->name) &&
	       (given(app->info_title) || given(app->info_doc_no) || given(app->info_desc));
}

/* ---- the kinds ---- */

static int draft_receipt(struct buf *b, const struct letter_input *in)
{
	const struct application *app = in->app;
	const char *pron = pronoun(app);
	const struct app_channel *ch = app_channel_find(app->channel);

	put_addressee(b, app->name);
	buf_puts(b, "本机关");
	if (valid_date(app->received_on)) {
		buf_puts(b, "于");
		put_date(b, app->received_on);
	}
	buf_printf(b, "收到%s提交的政府信息公开申请", pron);
	if (given(app->serial) || given(app->tracking_code)) {
		buf_puts(b, "（");
		if (given(app->serial)) {
			buf_puts(b, "申请编号：");
			put_user(b, app->serial);
			if (given(app->tracking_code))
				buf_puts(b, "，");
		}
		if (given(app->tracking_code)) {
			buf_puts(b, "查询码：");
			put_user(b, app->tracking_code);
		}
		buf_puts(b, "）");
	}
	buf_puts(b, "，所需政府信息：");
	put_info(b, app);
	buf_puts(b, "。\n\n");
	if (ch)
		buf_printf(b, "申请方式：%s。\n\n", ch->label);
	buf_puts(b, "本机关将依照" TIAOLI "第三十三条的规定，自收到申请之日起20个工作日内予以答复");
	if (valid_date(app->due_on)) {
		buf_puts(b, "（答复期限届满日：");
		put_date(b, app->due_on);
		buf_puts(b, "）");
	}
	buf_puts(b, "。需要延长答复期限的，本机关将依照该条例第三十三条第二款的规定另行告知；"
		    "申请内容需要补正的，本机关将另行告知，答复期限自收到补正的申请之日起计算；"
		    "征求第三方和其他机关意见所需时间不计算在答复期限内。\n\n");
	buf_printf(b, "%s可凭查询码和联系电话后四位在本机关网站查询办理进度。", pron);
	return 0;
}

static int draft_correction(struct buf *b, const struct letter_input *in)
{
	const struct application *app = in->app;
	const char *pron = pronoun(app);

	if (!given(in->items) || in->limit_days <= 0 || !optional_date(in->limit_on))
		return ERR_INVALID;
	put_addressee(b, app->name);
	put_request(b, app, pron);
	put_t(b, "经审查，{P}提交的政府信息公开申请内容不明确，需要补正。依据" TIAOLI
		 "第三十条的规定，现一次性告知{P}需要补正的事项如下：\n\n",
	      pron);
	put_sentence(b, in->items);
	if (given(in->limit_on)) {
		buf_puts(b, "\n\n请于");
		put_date(b, in->limit_on);
		buf_printf(b, "前（%d个工作日内）补正。", in->limit_days);
	} else {
		buf_printf(b, "\n\n请自收到本告知书之日起%d个工作日内补正。", in->limit_days);
	}
	put_t(b, "答复期限自本机关收到补正的申请之日起计算。{P}无正当理由逾期不补正的，"
		 "视为放弃申请，本机关不再处理该政府信息公开申请。",
	      pron);
	put_remedy(b);
	return 0;
}

static int draft_consult(struct buf *b, const struct letter_input *in)
{
	const struct application *app = in->app;
	static const char *const you = "您（你单位）";

	if (!given(in->party) || !given(in->matter))
		return ERR_INVALID;
	/* to the third party: nothing that identifies the applicant */
	put_addressee(b, in->party);
	buf_puts(b, "本机关");
	if (valid_date(app->received_on)) {
		buf_puts(b, "于");
		put_date(b, app->received_on);
	}
	buf_puts(b, "收到有申请人提交的政府信息公开申请");
	if (given(app->serial)) {
		buf_puts(b, "（申请编号：");
		put_user(b, app->serial);
		buf_puts(b, "）");
	}
	buf_printf(b, "，申请公开的政府信息可能涉及%s的合法权益。依据" TIAOLI
		      "第三十二条的规定，现书面征求%s的意见。征求意见的事项如下：\n\n",
		   you, you);
	put_sentence(b, in->matter);
	buf_printf(b, "\n\n请%s自收到本征求意见函之日起15个工作日内提出意见；不同意公开的，请说明理由。"
		      "逾期未提出意见的，由本机关依照" TIAOLI "的规定决定是否公开。\n\n"
		      "第三方不同意公开且有合理理由的，本机关不予公开。本机关认为不公开可能对公共利益造成"
		      "重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知%s。",
		   you, you);
	return 0;
}

static int draft_extension(struct buf *b, const struct letter_input *in)
{
	const struct application *app = in->app;
	const char *pron = pronoun(app);

	/* 第三十三条第二款: 延长的期限最长不得超过20个工作日 */
	if (in->ext_days < 1 || in->ext_days > 20 || !optional_date(in->new_due) ||
	    !given(in->reason))
		return ERR_INVALID;
	put_addressee(b, app->name);
	put_request(b, app, pron);
	buf_puts(b, "本机关不能在" TIAOLI "第三十三条第二款规定的20个工作日内作出答复，理由如下：");
	put_sentence(b, in->reason);
	buf_printf(b, "\n\n依据" TIAOLI "第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，"
		      "延长答复期限%d个工作日，",
		   in->ext_days);
	if (given(in->new_due)) {
		buf_puts(b, "将于");
		put_date(b, in->new_due);
		buf_puts(b, "前作出答复。特此告知。");
	} else {
		buf_puts(b, "将在延长的期限内作出答复。特此告知。");
	}
	put_remedy(b);
	return 0;
}

static int draft_fee(struct buf *b, const struct letter_input *in)
{
	const struct application *app = in->app;
	const char *pron = pronoun(app);
	const char *unit, *amount;
	int rc;

	if (!in->fee_standard || !optional_date(in->pay_by) || in->fee_units < 1 || in->fee_yuan < 1)
		return ERR_INVALID;
	if (strcmp(in->fee_standard, fees_standard_name(FEE_PER_ITEM)) == 0)
		unit = "件";
	else if (strcmp(in->fee_standard, fees_standard_name(FEE_PER_PAGE)) == 0)
		unit = "页";
	else
		return ERR_INVALID;
	rc = fees_format(b->a, in->fee_yuan, &amount);
	if (rc)
		return rc;
	put_addressee(b, app->name);
	put_request(b, app, pron);
	put_t(b, "{P}申请公开政府信息的数量、频次明显超过合理范围。依据" TIAOLI
		 "第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，"
		 "本机关决定对该申请收取信息处理费：\n\n",
	      pron);
	buf_printf(b, "收费标准：%s；计费数量：%lld%s；收费金额：%s。\n\n", in->fee_standard,
		   in->fee_units, unit, amount);
	if (given(in->pay_by)) {
		buf_puts(b, "请于");
		put_date(b, in->pay_by);
		buf_printf(b, "前缴纳（收到本通知次日起%d个工作日内）。", (int)FEE_PAY_WORKDAYS);
	} else {
		buf_printf(b, "请于收到本通知次日起%d个工作日内缴纳。", (int)FEE_PAY_WORKDAYS);
	}
	buf_puts(b, "逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。");
	put_remedy(b);
	return 0;
}

/* ---- replies ---- */

/* The reply of one outcome: "{finding}依据{basis}的规定，{decision}" and,
 * when the staff gave details (in->reason), a paragraph "{more}{reason}".
 * need_reason: the 条例 requires what only the staff can write (the way to
 * the information, the reasons of a refusal, the responsible agency);
 * without it the draft gets a visible fill-in mark (FILL_IN) in its place,
 * to be completed before the letter is issued. */
struct reply_text {
	const char *code;
	const char *finding;
	const char *decision;
	const char *more;
	bool need_reason;
};

static const struct reply_text reply_texts[] = {
	{ "published", "经审查，{P}申请获取的政府信息本机关已经主动公开。",
	  "现告知{P}获取该政府信息的方式、途径。", "获取方式、途径：", true },
	{ "disclose", "经审查，{P}申请获取的政府信息属于可以公开的政府信息。",
	  "本机关决定予以公开，现向{P}提供该政府信息（见附件）。", "有关事项说明：", false },
	{ "partial",
	  "经审查，{P}申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。",
	  "本机关向{P}提供可以公开的政府信息内容（见附件），并对不予公开的内容说明理由。",
	  "公开与不予公开的内容及不予公开的理由：", true },
	{ "secret", "经审查，{P}申请获取的政府信息属于国家秘密，系依法确定为国家秘密的政府信息。",
	  "本机关决定不予公开。", "不予公开的理由：", true },
	{ "law_forbids", "经审查，{P}申请获取的政府信息属于法律、行政法规禁止公开的政府信息。",
	  "本机关决定不予公开。", "不予公开的理由：", true },
	{ "security",
	  "经审查，{P}申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。",
	  "本机关决定不予公开。", "不予公开的理由：", true },
	{ "third_party",
	  "经审查，{P}申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。",
	  "本机关决定不予公开。", "不予公开的理由：", true },
	{ "internal",
	  "经审查，{P}申请获取的政府信息属于人事管理、后勤管理、内部工作流程等方面的内部事务信息。",
	  "本机关决定不予公开。", "不予公开的理由：", true },
	{ "process",
	  "经审查，{P}申请获取的政府信息属于讨论记录、过程稿、磋商信函、请示报告等过程性信息。",
	  "本机关决定不予公开。", "不予公开的理由：", true },
	{ "enforcement", "经审查，{P}申请获取的政府信息属于行政执法案卷信息。", "本机关决定不予公开。",
	  "不予公开的理由：", true },
	{ "query",
	  "经审查，{P}申请获取的政府信息属于行政查询事项，有关法律、行政法规对该信息的获取有特别规定。",
	  "本机关不予公开，请{P}依照有关法律、行政法规的规定办理。", "理由及办理途径：", true },
	{ "not_exist", "经检索，本机关未制作或获取{P}申请公开的政府信息，该政府信息不存在。",
	  "特此告知。", "说明：", false },
	{ "not_ours", "经审查，{P}申请获取的政府信息不属于本机关负责公开。",
	  "现告知{P}并说明理由。", "理由及负责公开该政府信息的行政机关的名称、联系方式：", true },
	{ "needs_creation",
	  "经审查，本机关没有{P}申请获取的现成信息，提供该信息需要本机关对现有政府信息进行加工、分析，"
	  "另行制作。",
	  "本机关不予提供。", "说明：", false },
	{ "unclear", "本机关已告知{P}对申请内容作出补正，经审查，补正后的申请内容仍不明确，"
		     "本机关无法确定{P}所需的政府信息。",
	  "本机关无法提供该政府信息。", "说明：", false },
	{ "petition", "经审查，{P}以政府信息公开申请的形式进行信访、投诉、举报等活动。",
	  "本机关不作为政府信息公开申请处理，{P}可以通过相应渠道提出。", "相应渠道：", false },
	{ "repeat", "经审查，本机关已就{P}提出的政府信息公开申请作出答复，{P}现重复申请公开相同政府信息。",
	  "本机关不予重复处理。", "原答复情况：", false },
	{ "publication", "经审查，{P}要求提供的是政府公报、报刊、书籍等公开出版物。",
	  "本机关对该申请不予处理，现告知{P}获取的途径。", "获取途径：", false },
	{ "excessive", "经审查，{P}申请公开政府信息的数量、频次明显超过合理范围，且申请理由不合理。",
	  "本机关不予处理。", "说明：", false },
	{ "confirm", "经审查，{P}的申请系要求本机关确认或者重新出具{P}已获取的信息。",
	  "本机关不予处理。", "说明：", false },
	{ "no_correction", "本机关已告知{P}对申请内容作出补正，{P}无正当理由逾期未补正。",
	  "视为放弃申请，本机关不再处理该政府信息公开申请。", "说明：", false },
	{ "unpaid", "本机关已向{P}发出信息处理费收费通知，{P}逾期未按收费通知要求缴纳费用。",
	  "视为放弃申请，本机关不再处理该政府信息公开申请。", "说明：", false },
	{ "other", "", "现将该政府信息公开申请的处理情况告知如下。", "处理情况：", true },
};

/* An outcome without its own text (added to the taxonomy later) is
 * written like 其他处理: the staff's text is the reply. */
static const struct reply_text reply_generic = { "", "", "现将该政府信息公开申请的处理情况告知如下。",
						 "处理情况：", true };

static const struct reply_text *reply_text_find(const char *code)
{
	for (size_t i = 0; i < sizeof(reply_texts) / sizeof(reply_texts[0]); i++)
		if (strcmp(reply_texts[i].code, code) == 0)
			return &reply_texts[i];
	return &reply_generic;
}

static int draft_reply(struct buf *b, const struct letter_input *in, const struct app_outcome *o)
{
	const struct application *app = in->app;
	const char *pron = pronoun(app);
	const struct reply_text *t = reply_text_find(o->code);
	const char *basis = given(in->basis) ? in->basis : o->basis;

	/* a reply without a legal basis is refused */
	if (!given(basis))
		return ERR_INVALID;
	put_addressee(b, app->name);
	put_request(b, app, pron);
	put_t(b, t->finding, pron);
	buf_puts(b, "依据");
	put_user(b, basis);
	buf_puts(b, "的规定，");
	put_t(b, t->decision, pron);
	if (given(in->reason)) {
		buf_puts(b, "\n\n");
		put_t(b, t->more, pron);
		put_sentence(b, in->reason);
	} else if (t->need_reason) {
		buf_puts(b, "\n\n");
		put_t(b, t->more, pron);
		buf_puts(b, FILL_IN);
	}
	put_remedy(b);
	return 0;
}

/* ---- the entry point ---- */

struct kind {
	const char *code;
	const char *title;
	int (*draft)(struct buf *b, const struct letter_input *in);
};

static const struct kind kinds[] = {
	{ "receipt", "政府信息公开申请登记回执", draft_receipt },
	{ "correction", "政府信息公开申请补正告知书", draft_correction },
	{ "consult", "政府信息公开第三方意见征询函", draft_consult },
	{ "extension", "政府信息公开申请延期答复告知书", draft_extension },
	{ "fee", "信息处理费收费通知书", draft_fee },
	{ "reply", NULL, NULL },
};

int letter_draft(struct arena *a, const char *kind, const struct letter_input *in, const char **title,
		 const char **body_md)
{
	const struct kind *k = NULL;
	const struct app_outcome *o = NULL;
	const char *t;
	struct buf b;
	int rc;

	assert(a && title && body_md);
	*title = NULL;
	*body_md = NULL;
	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].code, kind) == 0)
			k = &kinds[i];
	if (!k || !in || !app_usable(in->app))
		return ERR_INVALID;
	if (!k->draft) {
		o = app_outcome_find(in->outcome);
		if (!o)
			return ERR_INVALID;
	}
	buf_init(&b, a, LETTER_MAX_BODY);
	rc = k->draft ? k->draft(&b, in) : draft_reply(&b, in, o);
	if (rc)
		return rc;
	if (b.err)
		return b.err;
	t = arena_strdup(a, k->draft ? k->title : o->letter);
	if (!t)
		return ERR_NOMEM;
	*title = t;
	*body_md = buf_cstr(&b);
	return 0;
}
