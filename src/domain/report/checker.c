/* checker.c - check an annual report written elsewhere (report_check_text)
 * and take the text out of a DOCX (report_docx_text). See report.h and
 * ../shared/spec/annual-report.md (the validator checklist R1-R12).
 *
 * The text is split into lines, and each line is normalised twice: "norm"
 * for reading (full-width digits and letters to ASCII, ASCII parentheses to
 * full-width, straight quotes paired into “”, odd spaces to ' ', invalid
 * UTF-8 to U+FFFD, NUL dropped) and "key" for matching labels (norm without
 * spaces, quotes, '|', '*' and '#', with ASCII punctuation and the square
 * brackets folded to their full-width forms). Then, in order:
 *
 *   1. the section headings 一-六 (a Chinese numeral and 、 at the start of
 *      a short line naming the section; "3、" for 三 is found but flagged),
 *   2. the title and its year (else the caller's hint), hence the format,
 *   3. missing sections, headings worded or numbered wrongly,
 *   4. tables 二 三 四: present, complete, in the format of the year; where
 *      the text holds a table as rows of cells ('|' or TAB), the sums of
 *      table 三 (R1 columns, R2 outcomes, R3 rows) and table 四 (R4),
 *   5. in the prose: "N件，其中a件、b件" whose parts do not add up, and years
 *      that are not the report's year (with the usual exceptions: legal
 *      citations, ranges, comparisons, "自…以来", next year's plans in 五,
 *      the date the report is signed),
 *   6. a few warnings: the publication deadline (R9), 工作考核 for a
 *      people's government (R10), 信息处理费 in 六 (R12), a citation of the
 *      other format's notice (R7).
 *
 * Issues are sorted by line ("全文" first). Everything is arena memory. */
#include "domain/report/report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xml.h"
#include "core/banned.h"

enum {
	MAX_ISSUES = 500,      /* then one "另有 N 个问题未列出" */
	EXCERPT_CPS = 30,      /* code points quoted from the text in a message */
	HEADING_MAX_CPS = 40,  /* a heading is a short line */
	TITLE_MAX_CPS = 80,    /* and so is the title */
	CLAUSE_MAX_CPS = 200,  /* how far a sum or a year looks for its clause */
	YEAR_CLAUSE_CPS = 40,  /* how far after a year "修订", "施行" may come */
	XML_MAX_DEPTH = 1024,
	MAX_SPAN = 64,         /* w:gridSpan */
	T3_COLS = 7,
	T4_COLS = 15,
};

#define DOCX_MAX_BYTES ((size_t)50 << 20)
#define DOCX_MAX_XML ((size_t)200 << 20)

/* ------------------------------------------------------------------ */
/* the statutory texts (labels in key form: no spaces or quotes)       */

static const char *const NUMERAL[7] = { "", "一", "二", "三", "四", "五", "六" };
static const char *const HEADING[7] = {
	"",
	"总体情况",
	"主动公开政府信息情况",
	"收到和处理政府信息公开申请情况",
	"政府信息公开行政复议、行政诉讼情况",
	"存在的主要问题及改进情况",
	"其他需要报告的事项",
};
/* heading 五 as the 2019 trial format is often worded (accepted for 2019-2020) */
#define HEADING5_2019 "政府信息公开工作存在的主要问题及改进情况"

/* words that make a short numbered line the heading of a section */
static const struct {
	int sec;
	const char *word;
} HEADING_WORDS[] = {
	{ 6, "其他需要报告" }, { 6, "其他事项" },   { 5, "主要问题" },     { 5, "改进情况" },
	{ 4, "行政复议" },     { 4, "行政诉讼" },   { 3, "收到和处理" },   { 3, "依申请公开" },
	{ 3, "公开申请情况" }, { 3, "公开申请的情况" }, { 1, "总体情况" }, { 2, "主动公开" },
};

enum { F2019 = 1, F2021 = 2, FBOTH = 3 };

/* One label of a table: required in the formats of req; when mark is set,
 * finding mark in a report of the other format means the table is in the
 * wrong format. */
struct label {
	const char *lab;
	unsigned char req;
	const char *mark;
};

static const struct label T2_LABELS[] = {
	{ "第二十条第（一）项", FBOTH, NULL },
	{ "信息内容", FBOTH, NULL },
	{ "本年新制作数量", F2019, "本年新制作数量" },
	{ "本年新公开数量", F2019, "本年新公开数量" },
	{ "对外公开总数量", F2019, "对外公开总数量" },
	{ "本年制发件数", F2021, "本年制发件数" },
	{ "本年废止件数", F2021, "本年废止件数" },
	{ "现行有效件数", F2021, "现行有效件数" },
	{ "规章", FBOTH, NULL },
	{ "规范性文件", FBOTH, NULL },
	{ "行政规范性文件", F2021, NULL },
	{ "第二十条第（五）项", FBOTH, NULL },
	{ "上一年项目数量", F2019, "上一年项目数量" },
	{ "本年增/减", F2019, "本年增/减" },
	{ "处理决定数量", FBOTH, NULL },
	{ "本年处理决定数量", F2021, "本年处理决定数量" },
	{ "行政许可", FBOTH, NULL },
	{ "其他对外管理服务事项", F2019, "其他对外管理服务事项" },
	{ "第二十条第（六）项", FBOTH, NULL },
	{ "行政处罚", FBOTH, NULL },
	{ "行政强制", FBOTH, NULL },
	{ "第二十条第（八）项", FBOTH, NULL },
	{ "本年收费金额（单位：万元）", F2021, "本年收费金额" },
	{ "行政事业性收费", FBOTH, NULL },
	{ "第二十条第（九）项", F2019, "第二十条第（九）项" },
	{ "采购项目数量", F2019, "采购项目数量" },
	{ "采购总金额", F2019, "采购总金额" },
	{ "政府集中采购", F2019, "政府集中采购" },
};

#define T3_NOTE "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
#define T3_NEW "本年新收政府信息公开申请数量"
#define T3_CARRIED "上年结转政府信息公开申请数量"
#define T3_TOTAL "（七）总计"
#define T3_FORWARD "结转下年度继续办理"
#define T3_OTHER "（六）其他处理"
#define T3_UNPAID "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"

static const struct label T3_LABELS[] = {
	{ "申请人情况", FBOTH, NULL },
	{ "自然人", FBOTH, NULL },
	{ "法人或其他组织", FBOTH, NULL },
	{ "商业企业", FBOTH, NULL },
	{ "科研机构", FBOTH, NULL },
	{ "社会公益组织", FBOTH, NULL },
	{ "法律服务机构", FBOTH, NULL },
	{ "总计", FBOTH, NULL },
	{ T3_NEW, FBOTH, NULL },
	{ T3_CARRIED, FBOTH, NULL },
	{ "本年度办理结果", FBOTH, NULL },
	{ "（一）予以公开", FBOTH, NULL },
	{ "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", FBOTH, NULL },
	{ "（三）不予公开", FBOTH, NULL },
	{ "属于国家秘密", FBOTH, NULL },
	{ "其他法律行政法规禁止公开", FBOTH, NULL },
	{ "危及三安全一稳定", FBOTH, NULL },
	{ "保护第三方合法权益", FBOTH, NULL },
	{ "属于三类内部事务信息", FBOTH, NULL },
	{ "属于四类过程性信息", FBOTH, NULL },
	{ "属于行政执法案卷", FBOTH, NULL },
	{ "属于行政查询事项", FBOTH, NULL },
	{ "（四）无法提供", FBOTH, NULL },
	{ "本机关不掌握相关政府信息", FBOTH, NULL },
	{ "没有现成信息需要另行制作", FBOTH, NULL },
	{ "补正后申请内容仍不明确", FBOTH, NULL },
	{ "（五）不予处理", FBOTH, NULL },
	{ "信访举报投诉类申请", FBOTH, NULL },
	{ "重复申请", FBOTH, NULL },
	{ "要求提供公开出版物", FBOTH, NULL },
	{ "无正当理由大量反复申请", FBOTH, NULL },
	{ "要求行政机关确认或重新出具已获取信息", FBOTH, NULL },
	{ T3_OTHER, FBOTH, NULL },
	{ "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", F2021, "逾期不补正" },
	{ T3_UNPAID, F2021, "逾期未按收费通知要求缴纳费用" },
	{ T3_TOTAL, FBOTH, NULL },
	{ T3_FORWARD, FBOTH, NULL },
};

static const struct label T4_LABELS[] = {
	{ "行政复议", FBOTH, NULL },   { "行政诉讼", FBOTH, NULL },         { "结果维持", FBOTH, NULL },
	{ "结果纠正", FBOTH, NULL },   { "其他结果", FBOTH, NULL },         { "尚未审结", FBOTH, NULL },
	{ "总计", FBOTH, NULL },       { "未经复议直接起诉", FBOTH, NULL }, { "复议后起诉", FBOTH, NULL },
};

/* labels that show a table is there (found in a row of cells, or two of them) */
static const char *const T2_SIGNS[] = { "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项",
					"第二十条第（八）项", "第二十条第（九）项", "信息内容", NULL };
static const char *const T3_SIGNS[] = { T3_NEW, T3_CARRIED, "本年度办理结果", T3_FORWARD, T3_TOTAL, NULL };
static const char *const T4_SIGNS[] = { "结果维持", "结果纠正", "尚未审结", "未经复议直接起诉", "复议后起诉", NULL };

static const char *const T3_COL[T3_COLS] = { "自然人", "商业企业", "科研机构", "社会公益组织",
					     "法律服务机构", "其他", "总计" };
static const char *const T4_GROUP[3] = { "行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）" };

/* counting units of "N件", longest first */
static const char *const UNITS[] = { "人次", "万元", "条", "件", "个", "项", "次", "家", "份", "篇", "场", "期",
				     "名", "人", "元", "宗", "批", "所", "户", "起", "封", "部", "本", "册",
				     "套", "台", "处", NULL };

/* ------------------------------------------------------------------ */
/* state                                                               */

enum lkind { LK_BLANK, LK_TEXT, LK_TABLE, LK_HEADING };

struct line {
	const char *norm, *key; /* NUL-terminated, valid UTF-8 */
	size_t nn, kn;
	int kind;
	int section;            /* 0 before the first heading, else 1..6 */
};

struct heading {
	long li;                /* line index, -1 when not found */
	int num;                /* the number written: 1..19, 0 none */
	bool arabic;
	const char *rest;       /* the words after the number (key form) */
};

struct ent {
	long line;              /* 1-based, 0 for the whole text */
	size_t seq;
	int sev;
	const char *msg;
};

struct ck {
	struct arena *a;
	struct line *ln;
	size_t nl;
	uint32_t *cp, *dep;     /* scratch: one line's code points, bracket depth */
	size_t cap;
	int year, format;
	long title;             /* line index of the title, -1 */
	bool gov;               /* the title names a people's government */
	struct heading head[7];
	struct ent *is;
	size_t nis, capis, dropped, seq;
	int err;                /* sticky ERR_NOMEM */
};

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* Does the UTF-8 literal lit occur in s[0..n) at i? */
static bool at(const uint32_t *s, size_t n, size_t i, const char *lit)
{
	const char *p = lit, *e = lit + strlen(lit);

	while (p < e) {
		if (i >= n || s[i] != utf8_next(&p, e))
			return false;
		i++;
	}
	return true;
}

static size_t lit_cps(const char *lit)
{
	return utf8_len(lit, strlen(lit));
}

/* Is c one of the code points of the UTF-8 literal set? */
static bool in_set(uint32_t c, const char *set)
{
	const char *p = set, *e = set + strlen(set);

	while (p < e)
		if (utf8_next(&p, e) == c)
			return true;
	return false;
}

/* Is c in the 0-terminated set? (the hot character classes below are code
 * point arrays: in_set decodes its UTF-8 literal on every call) */
static bool in_cps(uint32_t c, const uint32_t *set)
{
	for (; *set; set++)
		if (*set == c)
			return true;
	return false;
}

/* ，,。；;！？!?：: TAB | */
static const uint32_t CLAUSE_SEP[] = { 0xFF0C, ',', 0x3002, 0xFF1B, ';', 0xFF01, 0xFF1F, '!', '?', 0xFF1A, ':',
				       '\t', '|', 0 };
/* 。；;！？!? TAB | */
static const uint32_t SENTENCE_END[] = { 0x3002, 0xFF1B, ';', 0xFF01, 0xFF1F, '!', '?', '\t', '|', 0 };
/* （ and the brackets of a document's name or number: 《〔【［[〈 */
static const uint32_t OPEN[] = { 0xFF08, 0x300A, 0x3014, 0x3010, 0xFF3B, '[', 0x3008, 0 };
static const uint32_t CLOSE[] = { 0xFF09, 0x300B, 0x3015, 0x3011, 0xFF3D, ']', 0x3009, 0 };

static bool is_clause_sep(uint32_t c)
{
	return in_cps(c, CLAUSE_SEP);
}

static bool is_sentence_end(uint32_t c)
{
	return in_cps(c, SENTENCE_END);
}

static bool is_open(uint32_t c)
{
	return in_cps(c, OPEN);
}

static bool is_close(uint32_t c)
{
	return in_cps(c, CLOSE);
}

/* brackets that hold a document's name or number: years inside are not
 * the report's business (OPEN and CLOSE without the parentheses) */
static bool is_doc_open(uint32_t c)
{
	return c != 0xFF08 && in_cps(c, OPEN);
}

static bool is_doc_close(uint32_t c)
{
	return c != 0xFF09 && in_cps(c, CLOSE);
}

static void put_cp(char *out, size_t *o, uint32_t c)
{
	*o += utf8_put(out + *o, c);
}

/* Up to EXCERPT_CPS code points of s[b..e), "…" when cut; control
 * characters as spaces. NULL only when out of memory. */
static const char *excerpt(struct ck *k, const uint32_t *s, size_t b, size_t e)
{
	size_t n = e > b ? e - b : 0, o = 0;
	bool cut = n > EXCERPT_CPS;
	char *out;

	if (k->nis >= MAX_ISSUES)
		return ""; /* the issue will only be counted */
	if (cut)
		n = EXCERPT_CPS;
	if (!(out = arena_alloc(k->a, 4 * n + 4))) {
		k->err = ERR_NOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		put_cp(out, &o, s[b + i] < 0x20 ? ' ' : s[b + i]);
	if (cut)
		put_cp(out, &o, 0x2026);
	out[o] = '\0';
	return out;
}

static void add(struct ck *k, long li, int sev, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An issue on line index li (-1: the whole text). */
static void add(struct ck *k, long li, int sev, const char *fmt, ...)
{
	va_list ap, ap2;
	char *m;
	int len;

	if (k->err)
		return;
	if (k->nis == MAX_ISSUES) {
		k->dropped++;
		return;
	}
	if (k->nis == k->capis) {
		size_t cap = k->capis ? 2 * k->capis : 32;
		struct ent *is = arena_alloc(k->a, cap * sizeof(*is));

		if (!is) {
			k->err = ERR_NOMEM;
			return;
		}
		if (k->nis)
			memcpy(is, k->is, k->nis * sizeof(*is));
		k->is = is;
		k->capis = cap;
	}
	va_start(ap, fmt);
	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || !(m = arena_alloc(k->a, (size_t)len + 1))) {
		va_end(ap2);
		k->err = ERR_NOMEM;
		return;
	}
	vsnprintf(m, (size_t)len + 1, fmt, ap2);
	va_end(ap2);
	k->is[k->nis++] = (struct ent){ li < 0 ? 0 : li + 1, k->seq++, sev, m };
}

/* The code points of line li into k->cp, and the bracket depth before
 * each into k->dep. Returns the count. */
static size_t decode(struct ck *k, size_t li)
{
	const char *p = k->ln[li].norm, *e = p + k->ln[li].nn;
	uint32_t depth = 0;
	size_t n = 0;

	while (p < e && n < k->cap) {
		uint32_t c = utf8_next(&p, e);

		k->dep[n] = depth;
		k->cp[n++] = c;
		if (is_open(c))
			depth++;
		else if (is_close(c) && depth)
			depth--;
	}
	return n;
}

static const char *fmt_name(int format)
{
	return format == REPORT_FMT_2021 ? "国办公开办函〔2021〕30号" : "国办公开办函〔2019〕60号";
}

/* ------------------------------------------------------------------ */
/* lines                                                               */

/* The reading form of one code point (0: drop it). *q tracks straight
 * quotes so they pair into “ and ”. */
static uint32_t norm_cp(uint32_t c, bool *q)
{
	if (c >= 0xFF10 && c <= 0xFF19)
		return '0' + (c - 0xFF10);
	if (c >= 0xFF21 && c <= 0xFF3A)
		return 'A' + (c - 0xFF21);
	if (c >= 0xFF41 && c <= 0xFF5A)
		return 'a' + (c - 0xFF41);
	if (c == '(' || c == 0xFE59)
		return 0xFF08;
	if (c == ')' || c == 0xFE5A)
		return 0xFF09;
	if (c == 0xFF0E)
		return '.';
	if (c == 0xFF0F)
		return '/';
	if (c == 0xFF5C)
		return '|';
	if (c == 0xFE5D)
		return 0x3014;
	if (c == 0xFE5E)
		return 0x3015;
	if (c == '"' || c == 0xFF02) {
		*q = !*q;
		return *q ? 0x201C : 0x201D;
	}
	if (c == 0x201C || c == 0x201D) {
		*q = c == 0x201C;
		return c;
	}
	if (c == 0x3000 || c == 0xA0 || (c >= 0x2002 && c <= 0x200A) || c == 0x202F || c == 0x205F)
		return ' ';
	if (c == 0 || c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF)
		return 0;
	if ((c < 0x20 && c != '\t') || c == 0x7F)
		return ' ';
	return c;
}

/* The key form of a reading code point (0: drop it). */
static uint32_t key_cp(uint32_t c)
{
	if (c == ' ' || c == '\t' || c == '|' || c == '*' || c == '#' || c == '\'' || c == '"' ||
	    c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || (c >= 0x300C && c <= 0x300F))
		return 0;
	if (c == ':')
		return 0xFF1A;
	if (c == ',')
		return 0xFF0C;
	if (c == ';')
		return 0xFF1B;
	if (c == '[' || c == 0xFF3B || c == 0x3010)
		return 0x3014;
	if (c == ']' || c == 0xFF3D || c == 0x3011)
		return 0x3015;
	return c;
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

/* A row of cells: starts with '|', or has a TAB between its first and last
 * non-space characters. */
static bool table_row(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n && (*p == '|' || memchr(p, '\t', n));
}

static int split_lines(struct ck *k, const char *text, size_t len)
{
	size_t nl = 0, maxlen = 0, start = 0, li = 0;
	char *nb, *kb;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
			nl++;
	if (len && text[len - 1] != '\n' && text[len - 1] != '\r')
		nl++;
	k->nl = nl;
	if (!(k->ln = arena_zalloc(k->a, (nl ? nl : 1) * sizeof(*k->ln))))
		return ERR_NOMEM;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '\n' || text[i] == '\r') {
			if (i - start > maxlen)
				maxlen = i - start;
			if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
				i++;
			start = i + 1;
		}
	}
	k->cap = maxlen + 1;
	if (!(k->cp = arena_alloc(k->a, k->cap * sizeof(*k->cp))) ||
	    !(k->dep = arena_alloc(k->a, k->cap * sizeof(*k->dep))) || !(nb = arena_alloc(k->a, 3 * k->cap + 4)) ||
	    !(kb = arena_alloc(k->a, 3 * k->cap + 4)))
		return ERR_NOMEM;
	start = 0;
	for (size_t i = 0; i <= len && li < nl; i++) {
		const char *p, *e;
		size_t on = 0, ok = 0;
		bool q = false;

		if (i < len && text[i] != '\n' && text[i] != '\r')
			continue;
		for (p = text + start, e = text + i; p < e;) {
			uint32_t c = norm_cp(utf8_next(&p, e), &q), kc;

			if (!c)
				continue;
			put_cp(nb, &on, c);
			if ((kc = key_cp(c)))
				put_cp(kb, &ok, kc);
		}
		if (!(k->ln[li].norm = arena_strndup(k->a, nb, on)) || !(k->ln[li].key = arena_strndup(k->a, kb, ok)))
			return ERR_NOMEM;
		k->ln[li].nn = on;
		k->ln[li].kn = ok;
		k->ln[li].kind = blank(nb, on) ? LK_BLANK : table_row(nb, on) ? LK_TABLE : LK_TEXT;
		li++;
		if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* headings, title, year                                               */

static int cn_numeral(uint32_t c)
{
	static const char *const d = "一二三四五六七八九十";
	const char *p = d, *e = d + strlen(d);

	for (int v = 1; p < e; v++)
		if (utf8_next(&p, e) == c)
			return v;
	return 0;
}

/* The section line li is the heading of (0: none); *h gets how it is
 * numbered. */
static int parse_heading(struct ck *k, size_t li, struct heading *h)
{
	size_t n = decode(k, li), i = 0, b, e, o = 0, cps = 0;
	const uint32_t *s = k->cp;
	char rk[4 * HEADING_MAX_CPS + 8];
	int v = 0, sec = 0, d;
	bool arabic = false;

	while (i < n && in_set(s[i], " \t#*>"))
		i++;
	if (i >= n)
		return 0;
	b = i;
	if ((d = cn_numeral(s[i]))) {
		v = d;
		i++;
		if (d == 10 && i < n && (d = cn_numeral(s[i])) && d < 10) {
			v = 10 + d;
			i++;
		}
	} else if (i < n && is_digit(s[i])) {
		v = (int)(s[i++] - '0');
		if (i < n && is_digit(s[i]))
			v = 10 * v + (int)(s[i++] - '0');
		arabic = true;
		if (i < n && is_digit(s[i]))
			v = 0;
	}
	if (v && i < n && in_set(s[i], "、.，, ：:")) {
		i++;
	} else {
		v = 0;
		arabic = false;
		i = b;
	}
	while (i < n && s[i] == ' ')
		i++;
	/* the heading's words end at a colon or a full stop (text may follow) */
	for (e = i; e < n && !in_set(s[e], "：:。"); e++)
		;
	while (e > i && in_set(s[e - 1], " \t*#"))
		e--;
	for (size_t x = i; x < e; x++) {
		uint32_t c = key_cp(s[x]);

		if (!c)
			continue;
		if (++cps > HEADING_MAX_CPS)
			return 0;
		put_cp(rk, &o, c);
	}
	rk[o] = '\0';
	if (!o)
		return 0;
	if (!v) {
		/* unnumbered: only the exact words */
		for (int x = 1; x <= 6; x++)
			if (!strcmp(rk, HEADING[x]) || (x == 5 && !strcmp(rk, HEADING5_2019)))
				sec = x;
	} else {
		for (size_t x = 0; x < sizeof(HEADING_WORDS) / sizeof(HEADING_WORDS[0]) && !sec; x++)
			if (strstr(rk, HEADING_WORDS[x].word))
				sec = HEADING_WORDS[x].sec;
		/* "1. 主动公开……" inside a section is a list item, not a heading */
		if (arabic && v != sec)
			sec = 0;
	}
	if (!sec)
		return 0;
	h->li = (long)li;
	h->num = v;
	h->arabic = arabic;
	if (!(h->rest = arena_strdup(k->a, rk)))
		k->err = ERR_NOMEM;
	return sec;
}

static void find_headings(struct ck *k)
{
	int cur = 0;

	for (int s = 0; s <= 6; s++)
		k->head[s] = (struct heading){ .li = -1 };
	for (size_t li = 0; li < k->nl && !k->err; li++) {
		struct heading h;
		int s;

		if (k->ln[li].kind != LK_TEXT)
			continue;
		if ((s = parse_heading(k, li, &h)) && k->head[s].li < 0) {
			k->head[s] = h;
			k->ln[li].kind = LK_HEADING;
		}
	}
	for (size_t li = 0; li < k->nl; li++) {
		if (k->ln[li].kind == LK_HEADING)
			for (int s = 1; s <= 6; s++)
				if (k->head[s].li == (long)li)
					cur = s;
		k->ln[li].section = cur;
	}
}

/* The first "YYYY年" in a key (1990-2100), 0 if none; *at gets its byte
 * offset. */
static int key_year(const char *key, size_t *at_off)
{
	for (const char *p = key; (p = strstr(p, "年")); p++) {
		const char *d = p - 4;

		if (p - key < 4)
			continue;
		if (is_digit((unsigned char)d[0]) && is_digit((unsigned char)d[1]) && is_digit((unsigned char)d[2]) &&
		    is_digit((unsigned char)d[3]) && (d == key || !is_digit((unsigned char)d[-1]))) {
			int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');

			if (y >= 1990 && y <= 2100) {
				if (at_off)
					*at_off = (size_t)(d - key);
				return y;
			}
		}
	}
	return 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* The title: a line before the first heading that says 信息公开 and 年度报告;
 * its year (or the line before's, when the title is split); whether the
 * organisation is a people's government. Returns the year (0 if none). */
static int find_title(struct ck *k)
{
	size_t limit = k->nl;
	int y = 0;

	k->title = -1;
	for (int s = 1; s <= 6; s++)
		if (k->head[s].li >= 0 && (size_t)k->head[s].li < limit)
			limit = (size_t)k->head[s].li;
	if (limit == k->nl && limit > 30)
		limit = 30;
	for (size_t li = 0; li < limit; li++) {
		const char *key = k->ln[li].key;
		size_t off = 0;
		long prev = (long)li - 1;

		/* a short line of its own, not a sentence citing a document */
		if (k->ln[li].kind == LK_BLANK || !strstr(key, "信息公开") ||
		    !(strstr(key, "年度报告") || strstr(key, "年报") || strstr(key, "工作报告")) ||
		    utf8_len(key, k->ln[li].kn) > TITLE_MAX_CPS || strstr(key, "。") || strstr(key, "《"))
			continue;
		k->title = (long)li;
		while (prev >= 0 && k->ln[prev].kind == LK_BLANK)
			prev--;
		if ((y = key_year(key, &off))) {
			k->gov = ends_with(key, off, "人民政府");
			if (!off && prev >= 0)
				k->gov = utf8_len(k->ln[prev].key, k->ln[prev].kn) <= HEADING_MAX_CPS &&
					 ends_with(k->ln[prev].key, k->ln[prev].kn, "人民政府");
		} else if (prev >= 0 && (y = key_year(k->ln[prev].key, &off))) {
			k->gov = ends_with(k->ln[prev].key, off, "人民政府");
		}
		break;
	}
	return y;
}

/* Heading s as the format words it (五 of 2019-2020 in the trial format's
 * longer wording, as report.c writes it). */
static const char *heading_text(const struct ck *k, int s)
{
	return s == 5 && k->format == REPORT_FMT_2019 ? HEADING5_2019 : HEADING[s];
}

static void check_headings(struct ck *k)
{
	int last = 0;

	for (int s = 1; s <= 6; s++) {
		struct heading *h = &k->head[s];
		bool exact;

		if (h->li < 0) {
			add(k, -1, REPORT_ERROR, "缺少第%s部分“%s、%s”。", NUMERAL[s], NUMERAL[s], heading_text(k, s));
			continue;
		}
		exact = !strcmp(h->rest, HEADING[s]) ||
			(s == 5 && k->format != REPORT_FMT_2021 && !strcmp(h->rest, HEADING5_2019));
		if (!h->num)
			add(k, h->li, REPORT_WARNING, "标题没有编号，应为“%s、%s”（如果用的是 Word 的自动编号，可以忽略）。",
			    NUMERAL[s], heading_text(k, s));
		else if (h->arabic || h->num != s)
			add(k, h->li, REPORT_ERROR, "标题编号有误，应为“%s、%s”。", NUMERAL[s], heading_text(k, s));
		else if (!exact)
			add(k, h->li, REPORT_WARNING, "标题与规定的格式不一致，应为“%s、%s”。", NUMERAL[s], heading_text(k, s));
	}
	/* in the order of the lines: each heading after the one before it */
	for (size_t li = 0; li < k->nl; li++) {
		if (k->ln[li].kind != LK_HEADING)
			continue;
		for (int s = 1; s <= 6; s++) {
			if (k->head[s].li != (long)li)
				continue;
			if (s < last)
				add(k, (long)li, REPORT_WARNING, "第%s部分出现在第%s部分之后，顺序有误。", NUMERAL[s],
				    NUMERAL[last]);
			else
				last = s;
		}
	}
}

/* ------------------------------------------------------------------ */
/* tables: present, complete, in the year's format                    */

static bool skip_line(const struct ck *k, size_t li)
{
	return k->ln[li].kind == LK_BLANK || k->ln[li].kind == LK_HEADING || (long)li == k->title;
}

/* The first line index whose key has lab (-1: none); only rows of cells
 * when rows. */
static long find_label(const struct ck *k, const char *lab, bool rows)
{
	for (size_t li = 0; li < k->nl; li++)
		if (!skip_line(k, li) && (!rows || k->ln[li].kind == LK_TABLE) && strstr(k->ln[li].key, lab))
			return (long)li;
	return -1;
}

/* Is the table there? *first gets the first line of one of its signs. */
static bool table_present(const struct ck *k, const char *const *signs, long *first)
{
	int found = 0;
	bool row = false;

	*first = -1;
	for (size_t i = 0; signs[i]; i++) {
		long li = find_label(k, signs[i], false);

		if (li < 0)
			continue;
		found++;
		if (*first < 0 || li < *first)
			*first = li;
		row = row || find_label(k, signs[i], true) >= 0;
	}
	return found >= 2 || row;
}

/* "“a”、“b”" of the labels, into an arena string. */
static const char *quote_list(struct ck *k, const char *const *labs, size_t n)
{
	struct buf b;

	buf_init(&b, k->a, 1 << 16);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s“%s”", i ? "、" : "", labs[i]);
	if (b.err)
		k->err = b.err;
	return buf_cstr(&b);
}

static void check_table(struct ck *k, const char *name, int sec, const char *const *signs, const struct label *labs,
			size_t nlabs, const char *what)
{
	const char *missing[64], *wrong[64];
	size_t nmissing = 0, nwrong = 0;
	long first, wrong_line = -1;
	int fbit = k->format == REPORT_FMT_2021 ? F2021 : k->format == REPORT_FMT_2019 ? F2019 : FBOTH;

	if (!table_present(k, signs, &first)) {
		add(k, k->head[sec].li, REPORT_ERROR, "缺少%s（第%s部分“%s”的统计表，%s）。", name, NUMERAL[sec],
		    HEADING[sec], what);
		return;
	}
	for (size_t i = 0; i < nlabs; i++) {
		long li;

		if (fbit != FBOTH && labs[i].mark && !(labs[i].req & fbit) &&
		    (li = find_label(k, labs[i].mark, false)) >= 0 && nwrong < 64) {
			wrong[nwrong++] = labs[i].mark;
			if (wrong_line < 0 || li < wrong_line)
				wrong_line = li;
		}
		if ((labs[i].req & fbit) == fbit && find_label(k, labs[i].lab, false) < 0 && nmissing < 64)
			missing[nmissing++] = labs[i].lab;
	}
	/* 2021: （六）其他处理 has three sub-items; a single row is the 2019 table */
	if (labs == T3_LABELS && k->format == REPORT_FMT_2021 && find_label(k, "逾期不补正", false) < 0 &&
	    find_label(k, "逾期未按收费通知要求缴纳费用", false) < 0 && (wrong_line = find_label(k, T3_OTHER, false)) >= 0) {
		add(k, wrong_line, REPORT_ERROR,
		    "%d 年的报告应使用%s的格式：表三“（六）其他处理”应分为“1.申请人无正当理由逾期不补正……”"
		    "“2.申请人逾期未按收费通知要求缴纳费用……”“3.其他”三项，这里却是 2019 年格式的一行。",
		    k->year, fmt_name(k->format));
		return;
	}
	if (nwrong) {
		add(k, wrong_line, REPORT_ERROR, "%d 年的报告应使用%s的格式，%s却有%s年格式的%s。", k->year,
		    fmt_name(k->format), name, k->format == REPORT_FMT_2021 ? " 2019 " : " 2021 ",
		    quote_list(k, wrong, nwrong));
		return;
	}
	if (nmissing)
		add(k, first, REPORT_ERROR, "%s缺少规定的栏目：%s。", name, quote_list(k, missing, nmissing));
	if (labs == T3_LABELS && find_label(k, T3_NOTE, false) < 0)
		add(k, first, REPORT_ERROR, "表三缺少勾稽关系说明“（" T3_NOTE "）”。");
}

/* ------------------------------------------------------------------ */
/* tables: the figures                                                 */

enum ckind { C_EMPTY, C_DASH, C_INT, C_BAD, C_LABEL };

struct cell {
	const char *p;          /* into the line's norm */
	size_t n;
	int kind;
	long long v;
};

static int classify(const char *p, size_t n, long long *v)
{
	static const char *const dashes[] = { "-", "—", "——", "－", "–", "/", "／", "无", "\\", NULL };
	size_t i = 0, digits = 0;
	bool neg = false, dot = false;
	long long x = 0;

	while (n && *p == '*')
		p++, n--;
	while (n && p[n - 1] == '*')
		n--;
	if (!n)
		return C_EMPTY;
	for (size_t d = 0; dashes[d]; d++)
		if (n == strlen(dashes[d]) && !memcmp(p, dashes[d], n))
			return C_DASH;
	if (p[0] == '-' || p[0] == '+') {
		neg = p[0] == '-';
		i = 1;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (is_digit(c)) {
			if (++digits > 15)
				return C_LABEL;
			if (!dot)
				x = 10 * x + (c - '0');
		} else if (c == ',' && digits && !dot) {
			/* thousands: exactly three digits follow */
			if (i + 3 >= n || !is_digit((unsigned char)p[i + 1]) || !is_digit((unsigned char)p[i + 2]) ||
			    !is_digit((unsigned char)p[i + 3]) || (i + 4 < n && is_digit((unsigned char)p[i + 4])))
				return C_LABEL;
		} else if (c == '.' && digits && !dot) {
			dot = true;
		} else {
			return C_LABEL;
		}
	}
	if (!digits)
		return C_LABEL;
	*v = neg ? -x : x;
	return neg || dot ? C_BAD : C_INT;
}

/* The cells of a row (line li) into cells (room: k->cap + 1); returns the
 * count, 0 for a Markdown rule row ("|---|:--|"). */
static size_t split_cells(const struct ck *k, size_t li, struct cell *cells)
{
	const char *p = k->ln[li].norm, *e = p + k->ln[li].nn, *lead = p;
	size_t n = 0;
	bool md, rule = true;
	char sep;

	while (lead < e && (*lead == ' ' || *lead == '\t'))
		lead++;
	md = lead < e && *lead == '|';
	sep = md ? '|' : '\t';
	if (md) {
		p = lead + 1;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p && e[-1] == '|')
			e--;
	}
	for (;;) {
		const char *q = memchr(p, sep, (size_t)(e - p)), *ce = q ? q : e, *cb = p;

		while (cb < ce && *cb == ' ')
			cb++;
		while (ce > cb && ce[-1] == ' ')
			ce--;
		cells[n].p = cb;
		cells[n].n = (size_t)(ce - cb);
		cells[n].v = 0;
		cells[n].kind = classify(cb, cells[n].n, &cells[n].v);
		for (const char *x = cb; x < ce; x++)
			if (*x != '-' && *x != ':')
				rule = false;
		n++;
		if (!q)
			break;
		p = q + 1;
	}
	return md && rule ? 0 : n;
}

/* A row of figures. data points into the caller's cells, valid until the
 * next row is read; v keeps the figures. */
struct row {
	long li;
	size_t ndata;           /* cells after the last label */
	struct cell *data;
	const char *label;      /* the last label cell (norm), "" if none */
	long long v[T4_COLS];
	bool complete;          /* the last want cells are all integers */
	bool bad;               /* one of them is negative or a decimal */
};

/* Row li as figures: the last want cells after the last label. */
static bool read_row(struct ck *k, size_t li, struct cell *cells, size_t want, struct row *r)
{
	size_t n = split_cells(k, li, cells);
	long last = -1;

	memset(r, 0, sizeof(*r));
	r->li = (long)li;
	r->label = "";
	while (n && cells[n - 1].kind == C_EMPTY)
		n--;
	for (size_t i = 0; i < n; i++)
		if (cells[i].kind == C_LABEL)
			last = (long)i;
	r->ndata = n - (size_t)(last + 1);
	if (r->ndata < want)
		return false;
	if (last >= 0 && !(r->label = arena_strndup(k->a, cells[last].p, cells[last].n))) {
		k->err = ERR_NOMEM;
		return false;
	}
	r->data = cells + (n - want);
	r->complete = true;
	for (size_t i = 0; i < want; i++) {
		r->v[i] = r->data[i].v;
		if (r->data[i].kind == C_BAD)
			r->bad = true;
		if (r->data[i].kind != C_INT)
			r->complete = false;
	}
	return true;
}

static const char *cell_text(struct ck *k, const struct cell *c)
{
	const char *s = arena_strndup(k->a, c->p, c->n);

	if (!s)
		k->err = ERR_NOMEM;
	return s ? s : "";
}

static void report_bad(struct ck *k, const struct row *r, size_t want, const char *name)
{
	for (size_t i = 0; i < want; i++)
		if (r->data[i].kind == C_BAD) {
			add(k, r->li, REPORT_ERROR, "%s中的“%s”应为非负整数。", name, cell_text(k, &r->data[i]));
			return;
		}
}

static const char *row_name(struct ck *k, const struct row *r)
{
	const char *p = r->label, *e = p + strlen(p);
	size_t n = 0;

	while (p < e && n < k->cap)
		k->cp[n++] = utf8_next(&p, e);
	return excerpt(k, k->cp, 0, n);
}

/* Table 三: R3 on every row, R2 on （七）总计, R1 on every column. */
static void check_t3_figures(struct ck *k, struct cell *cells, size_t *unpaid_line, long long *unpaid)
{
	struct row rows[4], r;
	bool have[4] = { false, false, false, false }, outcomes_ok = true;
	long long osum[T3_COLS] = { 0 };
	size_t nout = 0;
	enum { A, B, C, D };

	for (size_t li = 0; li < k->nl && !have[D] && !k->err; li++) {
		const char *key = k->ln[li].key;
		int which = -1;

		if (k->ln[li].kind != LK_TABLE || !read_row(k, li, cells, T3_COLS, &r))
			continue;
		if (strstr(key, T3_NEW))
			which = A;
		else if (strstr(key, T3_CARRIED))
			which = B;
		else if (strstr(key, T3_TOTAL))
			which = C;
		else if (strstr(key, T3_FORWARD))
			which = D;
		if (which < 0 && !(have[A] && have[B] && !have[C]))
			continue; /* not a row of table 三 */
		if (which >= 0 && have[which])
			continue;
		if (r.bad)
			report_bad(k, &r, T3_COLS, "表三");
		if (r.complete) {
			long long sum = 0;

			for (int c = 0; c < 6; c++)
				sum += r.v[c];
			if (sum != r.v[6])
				add(k, (long)li, REPORT_ERROR, "表三“%s”行的总计为 %lld，六类申请人之和为 %lld，不相等。",
				    row_name(k, &r), r.v[6], sum);
		}
		if (which >= 0) {
			rows[which] = r;
			have[which] = true;
			continue;
		}
		/* an outcome row, between 二 and （七） */
		nout++;
		if (!r.complete)
			outcomes_ok = false;
		for (int c = 0; c < T3_COLS; c++)
			osum[c] += r.v[c];
		if (strstr(key, "逾期未按收费通知要求缴纳费用") && r.complete) {
			*unpaid_line = li + 1;
			*unpaid = r.v[6];
		}
	}
	if (have[C] && nout && outcomes_ok && rows[C].complete) {
		struct buf b;

		buf_init(&b, k->a, 1 << 16);
		for (int c = 0; c < T3_COLS; c++)
			if (osum[c] != rows[C].v[c])
				buf_printf(&b, "%s“%s”列总计 %lld，各项之和 %lld", b.n ? "；" : "", T3_COL[c],
					   rows[C].v[c], osum[c]);
		if (b.err)
			k->err = b.err;
		else if (b.n)
			add(k, rows[C].li, REPORT_ERROR, "表三“（七）总计”与各项办理结果之和不符：%s。", buf_cstr(&b));
	}
	if (have[A] && have[B] && have[C] && have[D] && rows[A].complete && rows[B].complete && rows[C].complete &&
	    rows[D].complete) {
		struct buf b;

		buf_init(&b, k->a, 1 << 16);
		for (int c = 0; c < T3_COLS; c++) {
			long long l = rows[A].v[c] + rows[B].v[c], rr = rows[C].v[c] + rows[D].v[c];

			if (l != rr)
				buf_printf(&b, "%s“%s”列 %lld+%lld=%lld，%lld+%lld=%lld", b.n ? "；" : "", T3_COL[c],
					   rows[A].v[c], rows[B].v[c], l, rows[C].v[c], rows[D].v[c], rr);
		}
		if (b.err)
			k->err = b.err;
		else if (b.n)
			add(k, rows[D].li, REPORT_ERROR,
			    "表三的勾稽关系不成立（第一项加第二项之和应等于第三项加第四项之和）：%s。", buf_cstr(&b));
	}
}

/* Table 四: in each group 总计 = 维持 + 纠正 + 其他 + 尚未审结 (R4). */
static void check_t4_figures(struct ck *k, struct cell *cells)
{
	for (size_t li = 0; li < k->nl && !k->err; li++) {
		struct row r;
		struct buf b;

		if (k->ln[li].kind == LK_HEADING || !strstr(k->ln[li].key, "结果维持"))
			continue;
		for (size_t x = li + 1; x < k->nl && x <= li + 6; x++) {
			if (k->ln[x].kind != LK_TABLE || !read_row(k, x, cells, T4_COLS, &r))
				continue;
			if (r.bad)
				report_bad(k, &r, T4_COLS, "表四");
			if (!r.complete)
				return;
			buf_init(&b, k->a, 1 << 16);
			for (int g = 0; g < 3; g++) {
				long long *v = r.v + 5 * g, sum = v[0] + v[1] + v[2] + v[3];

				if (sum != v[4])
					buf_printf(&b, "%s“%s”总计 %lld，结果维持、结果纠正、其他结果、尚未审结之和为 %lld",
						   b.n ? "；" : "", T4_GROUP[g], v[4], sum);
			}
			if (b.err)
				k->err = b.err;
			else if (b.n)
				add(k, (long)x, REPORT_ERROR, "表四的总计与各项之和不符：%s。", buf_cstr(&b));
			return;
		}
	}
}

static void check_tables(struct ck *k)
{
	struct cell *cells = arena_alloc(k->a, (k->cap + 2) * sizeof(*cells));
	size_t unpaid_line = 0;
	long long unpaid = 0;

	if (!cells) {
		k->err = ERR_NOMEM;
		return;
	}
	check_table(k, "表二", 2, T2_SIGNS, T2_LABELS, sizeof(T2_LABELS) / sizeof(T2_LABELS[0]),
		    "应有“第二十条第（一）项”“信息内容”等栏目");
	check_table(k, "表三", 3, T3_SIGNS, T3_LABELS, sizeof(T3_LABELS) / sizeof(T3_LABELS[0]),
		    "应有“本年新收政府信息公开申请数量”“结转下年度继续办理”等栏目和勾稽关系说明");
	check_table(k, "表四", 4, T4_SIGNS, T4_LABELS, sizeof(T4_LABELS) / sizeof(T4_LABELS[0]),
		    "应有“行政复议”“行政诉讼”“结果维持”等栏目");
	check_t3_figures(k, cells, &unpaid_line, &unpaid);
	check_t4_figures(k, cells);
	/* R12: applications ended for an unpaid fee: 六 says how fees were charged */
	if (k->format == REPORT_FMT_2021 && unpaid > 0) {
		bool stated = false;

		for (size_t li = 0; li < k->nl && !stated; li++)
			stated = k->ln[li].section == 6 && strstr(k->ln[li].key, "信息处理费");
		if (!stated)
			add(k, (long)unpaid_line - 1, REPORT_WARNING,
			    "表三有 %lld 件申请因逾期未缴纳信息处理费不再处理，第六部分应说明信息处理费的收取情况。", unpaid);
	}
}

/* ------------------------------------------------------------------ */
/* prose: totals and their parts                                      */

struct ntok {
	size_t e;               /* after the unit */
	long long v;
	int unit;
	bool approx;            /* 余, 多, 约, 万, a decimal: not a count to add up */
};

/* A counted quantity "N件" starting at i (a digit after a non-digit).
 * false when there is no unit or it is an ordinal (第N). *end gets the
 * end of the digits either way. */
static bool quantity(const uint32_t *s, size_t n, size_t i, struct ntok *t, size_t *end)
{
	size_t j = i;
	long long v = 0;
	bool big = false;

	memset(t, 0, sizeof(*t));
	while (j < n) {
		if (is_digit(s[j])) {
			if (v > 100000000000LL)
				big = true;
			else
				v = 10 * v + (long long)(s[j] - '0');
			j++;
		} else if (s[j] == ',' && j + 3 < n && is_digit(s[j + 1]) && is_digit(s[j + 2]) && is_digit(s[j + 3]) &&
			   (j + 4 >= n || !is_digit(s[j + 4]))) {
			j++;
		} else {
			break;
		}
	}
	*end = j;
	if (j + 1 < n && s[j] == '.' && is_digit(s[j + 1])) {
		t->approx = true;
		for (j++; j < n && is_digit(s[j]); j++)
			;
		*end = j;
	}
	if (j < n && in_set(s[j], "余多"))
		t->approx = true, j++;
	for (int pass = 0; pass < 2; pass++) {
		for (int u = 0; UNITS[u]; u++)
			if (at(s, n, j, UNITS[u])) {
				t->unit = u;
				t->e = j + lit_cps(UNITS[u]);
				goto unit;
			}
		if (pass || j >= n || !in_set(s[j], "万千亿"))
			return false;
		t->approx = true;
		j++;
	}
	return false;
unit:
	if (i > 0 && s[i - 1] == 0x7B2C) /* 第 */
		return false;
	if (i > 0 && in_set(s[i - 1], "约近超逾过"))
		t->approx = true;
	t->v = v;
	t->approx = t->approx || big;
	return true;
}

static bool num_start(const uint32_t *s, size_t i)
{
	return is_digit(s[i]) && (i == 0 || !(is_digit(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ','));
}

/* Does the clause at i add to the list rather than continue it? */
static bool not_a_part(const uint32_t *s, size_t n, size_t i)
{
	static const char *const words[] = { "另", "此外", "同时", "共", "合计", "总计", "累计", "比", "较", "同比",
					     "环比", "占", NULL };

	while (i < n && s[i] == ' ')
		i++;
	for (int w = 0; words[w]; w++)
		if (at(s, n, i, words[w]))
			return true;
	return false;
}

static void check_sums(struct ck *k, size_t li, const uint32_t *s, size_t n)
{
	const uint32_t *dep = k->dep;

	for (size_t i = 0; i + 1 < n; i++) {
		struct ntok tot = { 0 }, t;
		size_t j = i, b, e = 0, np = 0;
		long long sum = 0;
		bool have = false, approx = false, etc = false;

		if (dep[i] || !at(s, n, i, "其中"))
			continue;
		/* the total: the last quantity of the clause before 其中 */
		while (j > 0 && s[j - 1] == ' ')
			j--;
		if (j > 0 && in_set(s[j - 1], "，,。：:"))
			j--;
		for (b = j; b > 0 && j - b < CLAUSE_MAX_CPS && !(is_clause_sep(s[b - 1]) && !dep[b - 1]); b--)
			;
		for (size_t x = j; x > b && !have;) {
			size_t st;

			if (!is_digit(s[--x]))
				continue;
			/* back to the start of this number ("1,200", "1.5") */
			for (st = x; st > b && (is_digit(s[st - 1]) || ((s[st - 1] == ',' || s[st - 1] == '.') &&
									st - 1 > b && is_digit(s[st - 2])));
			     st--)
				;
			if (num_start(s, st) && quantity(s, n, st, &t, &e) && !dep[st] && t.e <= j) {
				tot = t;
				have = true;
			}
			x = st;
		}
		if (!have || tot.approx)
			continue;
		/* the parts: quantities in the same unit, to the end of the sentence
		 * or a clause that is not a part (另有…, 共计…, 较上年…) */
		for (size_t x = i + 2; x < n && x < i + 2 + CLAUSE_MAX_CPS; x++) {
			if (!dep[x] && (is_sentence_end(s[x]) || at(s, n, x, "其中")))
				break;
			if (!dep[x] && (s[x] == 0xFF0C || s[x] == ',') && not_a_part(s, n, x + 1))
				break;
			if (!num_start(s, x))
				continue;
			if (quantity(s, n, x, &t, &e) && !dep[x] && t.unit == tot.unit) {
				approx = approx || t.approx;
				sum += t.v;
				np++;
				if (at(s, n, t.e, "等") || (t.e + 1 < n && at(s, n, t.e + 1, "等")))
					etc = true;
				e = t.e;
			}
			x = e - 1;
		}
		if (approx || !np)
			continue;
		if ((np >= 2 && (sum > tot.v || (sum < tot.v && !etc))) || (np == 1 && sum > tot.v)) {
			const char *ex = excerpt(k, s, b, tot.e);

			if (np == 1)
				add(k, (long)li, REPORT_ERROR, "“%s”，其中一项为 %lld %s，超过了总数 %lld %s。", ex ? ex : "",
				    sum, UNITS[tot.unit], tot.v, UNITS[tot.unit]);
			else
				add(k, (long)li, REPORT_ERROR, "“%s”，其中各项之和为 %lld %s，与总数 %lld %s不符。", ex ? ex : "",
				    sum, UNITS[tot.unit], tot.v, UNITS[tot.unit]);
		}
	}
}

/* ------------------------------------------------------------------ */
/* prose: years                                                        */

/* "YYYY年M月D日" and nothing else: the date the report is signed.
 * *y *m *d get it. */
static bool date_line(const uint32_t *s, size_t n, int *y, int *m, int *d)
{
	size_t i = 0;
	int v[3] = { 0, 0, 0 };
	static const char *const unit[3] = { "年", "月", "日" };

	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	for (int f = 0; f < 3; f++) {
		size_t b = i;

		while (i < n && is_digit(s[i]) && i - b < 4)
			v[f] = 10 * v[f] + (int)(s[i++] - '0');
		if (i == b || (f == 0 && i - b != 4) || (f > 0 && i - b > 2) || !at(s, n, i, unit[f]))
			return false;
		i++;
	}
	if (i != n || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return false;
	*y = v[0];
	*m = v[1];
	*d = v[2];
	return true;
}

/* Is the year at i (digits i..i+3, then 年) one that may differ from the
 * report's? */
static bool year_excused(const struct ck *k, size_t li, const uint32_t *s, size_t n, size_t i, int y, bool signed_on)
{
	static const char *const after_clause[] = { "以来", "修订", "修正", "施行", "实施", "颁布", "印发", "出台", NULL };
	static const char *const plans[] = { "将", "计划", "拟", "预计", "争取", "力争", "继续", NULL };
	size_t b = i, e = i + 5;

	/* 自2017年, 较2019年, 与2019年相比, 2018—2020年, 2019年、2020年 */
	while (b > 0 && s[b - 1] == ' ')
		b--;
	if (b > 0 && in_set(s[b - 1], "自从比较与同和至到—–-~～、"))
		return true;
	/* the rest of the date, then 起 至 以来 以前 同期 … */
	for (int f = 0; f < 2; f++) {
		size_t x = e;

		while (x < n && is_digit(s[x]))
			x++;
		if (x > e && x < n && at(s, n, x, f ? "日" : "月"))
			e = x + 1;
	}
	while (e < n && s[e] == ' ')
		e++;
	if (e < n && (in_set(s[e], "起至到—–-~～、和与") || at(s, n, e, "以来") || at(s, n, e, "以前") ||
		      at(s, n, e, "之前") || at(s, n, e, "同期") || at(s, n, e, "以后")))
		return true;
	/* a law's dates: 2019年修订, 自2019年5月15日起施行 */
	for (size_t x = i + 5; x < n && x < i + 5 + YEAR_CLAUSE_CPS && !is_clause_sep(s[x]); x++)
		for (int w = 0; after_clause[w]; w++)
			if (at(s, n, x, after_clause[w]))
				return true;
	if (y == k->year + 1) {
		if (k->ln[li].section == 5 || signed_on)
			return true;
		for (size_t x = i + 5; x < n && x < i + 5 + CLAUSE_MAX_CPS && !is_sentence_end(s[x]); x++)
			for (int w = 0; plans[w]; w++)
				if (at(s, n, x, plans[w]))
					return true;
	}
	return false;
}

static void check_years(struct ck *k, size_t li, const uint32_t *s, size_t n, bool signed_on)
{
	uint32_t depth = 0;
	int reported[8], nrep = 0;

	for (size_t i = 0; i < n; i++) {
		size_t b;
		int y;
		bool seen = false;

		if (is_doc_open(s[i]))
			depth++;
		else if (is_doc_close(s[i]) && depth)
			depth--;
		if (depth || i + 4 >= n || !num_start(s, i) || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
		    !is_digit(s[i + 3]) || !at(s, n, i + 4, "年"))
			continue;
		y = (int)((s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0'));
		if (y < 1900 || y > 2099 || y == k->year || year_excused(k, li, s, n, i, y, signed_on))
			continue;
		for (int r = 0; r < nrep; r++)
			seen = seen || reported[r] == y;
		if (seen)
			continue;
		if (nrep < 8)
			reported[nrep++] = y;
		for (b = i; b > 0 && i - b < CLAUSE_MAX_CPS && !is_clause_sep(s[b - 1]); b--)
			;
		{
			const char *ex = excerpt(k, s, b, n);

			add(k, (long)li, REPORT_ERROR, "年份“%d年”与报告年份（%d 年）不符：“%s”。", y, k->year,
			    ex ? ex : "");
		}
	}
}

/* R9: the date the report is signed, against 第四十九条's deadline. */
static void check_signed(struct ck *k, size_t li, int y, int m, int d)
{
	int dm = k->gov ? 3 : 1;

	if (y != k->year + 1 || m < dm || (m == dm && d <= 31))
		return;
	if (k->gov)
		add(k, (long)li, REPORT_WARNING,
		    "落款日期 %d年%d月%d日晚于法定期限：本级人民政府的年度报告应于每年 3 月 31 日前公布（条例第四十九条）。", y,
		    m, d);
	else
		add(k, (long)li, REPORT_WARNING,
		    "落款日期 %d年%d月%d日晚于法定期限：县级以上人民政府部门的年度报告应于每年 1 月 31 日前公布（条例第四十九条）。",
		    y, m, d);
}

static void check_prose(struct ck *k)
{
	size_t last = k->nl;
	int nonblank = 0;

	/* the last three lines with text: where the signature and date are */
	while (last > 0 && nonblank < 3)
		if (k->ln[--last].kind != LK_BLANK)
			nonblank++;
	for (size_t li = 0; li < k->nl && !k->err; li++) {
		size_t n;
		int y = 0, m = 0, d = 0;
		bool signed_on = false;

		if (k->ln[li].kind == LK_BLANK || (long)li == k->title)
			continue;
		n = decode(k, li);
		if (k->ln[li].kind == LK_TEXT)
			check_sums(k, li, k->cp, n);
		if (!k->year)
			continue;
		if (date_line(k->cp, n, &y, &m, &d) && y == k->year + 1 && (k->ln[li].section == 6 || li >= last)) {
			signed_on = true;
			check_signed(k, li, y, m, d);
		}
		check_years(k, li, k->cp, n, signed_on);
		if (k->format == REPORT_FMT_2021 && strstr(k->ln[li].key, "〔2019〕60号"))
			add(k, (long)li, REPORT_WARNING,
			    "%d 年的报告应按国办公开办函〔2021〕30号的格式编写，这里引用的是〔2019〕60号。", k->year);
		else if (k->format == REPORT_FMT_2019 && strstr(k->ln[li].key, "〔2021〕30号"))
			add(k, (long)li, REPORT_WARNING,
			    "%d 年的报告应按国办公开办函〔2019〕60号的格式编写，这里引用的是〔2021〕30号。", k->year);
	}
}

/* ------------------------------------------------------------------ */

static int by_line(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int finish(struct ck *k, struct report_issue **out, size_t *n)
{
	struct report_issue *is;

	if (k->nis)
		qsort(k->is, k->nis, sizeof(*k->is), by_line);
	if (k->dropped) {
		size_t dropped = k->dropped;

		k->nis--; /* room for the note */
		dropped++;
		add(k, -1, REPORT_WARNING, "问题过多，另有 %zu 个未列出。", dropped);
	}
	if (k->err)
		return k->err;
	if (!(is = arena_alloc(k->a, (k->nis ? k->nis : 1) * sizeof(*is))))
		return ERR_NOMEM;
	for (size_t i = 0; i < k->nis; i++) {
		is[i].severity = k->is[i].sev;
		is[i].msg = k->is[i].msg;
		is[i].where = k->is[i].line ? arena_printf(k->a, "第 %ld 行", k->is[i].line) : "全文";
		if (!is[i].where)
			return ERR_NOMEM;
	}
	*out = is;
	*n = k->nis;
	return 0;
}

int report_check_text(struct arena *a, const char *text, size_t len, int year_hint, int *year,
		      struct report_issue **out, size_t *n)
{
	struct ck k = { .a = a };
	bool any_heading = false;
	int ty, rc;

	*year = 0;
	*out = NULL;
	*n = 0;
	if (!text && len)
		return ERR_INVALID;
	if ((rc = split_lines(&k, text ? text : "", len)))
		return rc;
	find_headings(&k);
	if (k.err)
		return k.err;
	for (int s = 1; s <= 6; s++)
		any_heading = any_heading || k.head[s].li >= 0;
	ty = find_title(&k);
	if (k.title < 0 && !any_heading) {
		add(&k, -1, REPORT_ERROR,
		    "这不是政府信息公开工作年度报告：既没有标题（“……年政府信息公开工作年度报告”），也没有“一、总体情况”至"
		    "“六、其他需要报告的事项”各部分的标题。");
		if ((rc = finish(&k, out, n)))
			return rc;
		return ERR_INVALID;
	}
	if (ty) {
		k.year = ty;
		if (year_hint > 0 && year_hint != ty)
			add(&k, k.title, REPORT_WARNING, "标题中的年份（%d 年）与指定的年份（%d 年）不一致，按标题的 %d 年检查。",
			    ty, year_hint, ty);
	} else if (year_hint > 0) {
		k.year = year_hint;
	}
	*year = k.year;
	k.format = k.year >= 2021 ? REPORT_FMT_2021 : k.year >= REPORT_FIRST_YEAR ? REPORT_FMT_2019 : 0;
	if (k.title < 0)
		add(&k, -1, REPORT_WARNING, "没有找到报告的标题（“……%s年政府信息公开工作年度报告”）。",
		    k.year ? arena_printf(a, "%d", k.year) : "");
	if (!k.year)
		add(&k, -1, REPORT_WARNING, "无法从标题确定报告年份，没有检查表格的格式和正文中的年份；请指定报告年份。");
	else if (!k.format)
		add(&k, -1, REPORT_WARNING, "%d 年的报告早于现行的年度报告格式（2019 年起），只检查了数字和年份。", k.year);
	if (k.format || !k.year) {
		check_headings(&k);
		check_tables(&k);
	}
	check_prose(&k);
	/* R10: a people's government reports 工作考核、社会评议和责任追究 */
	if (k.gov && k.format && find_label(&k, "工作考核", false) < 0 && find_label(&k, "社会评议", false) < 0 &&
	    find_label(&k, "责任追究", false) < 0)
		add(&k, -1, REPORT_WARNING,
		    "人民政府的年度报告应包括工作考核、社会评议和责任追究结果情况（条例第五十条第四项），正文中没有找到。");
	return finish(&k, out, n);
}

/* ------------------------------------------------------------------ */
/* DOCX                                                                */

struct xw {
	struct arena *a;
	struct buf out;
	size_t skip;            /* depth of mc:Fallback being skipped, 0 none */
	int in_t, in_r, tbl;
	int cells, span;        /* of the current row and cell of the outer table */
	bool gap;               /* a paragraph ended in this cell: a space before more text */
};

static bool in_cell(const struct xw *w)
{
	return w->tbl > 0;
}

/* One code point of text (controls become spaces). */
static void emit_cp(struct xw *w, uint32_t c)
{
	char u[4];

	if (c < 0x20 || c == 0x7F)
		c = ' ';
	if (in_cell(w) && w->gap) {
		w->gap = false;
		if (w->out.n && w->out.p[w->out.n - 1] != '\t')
			buf_putc(&w->out, ' ');
	}
	buf_append(&w->out, u, utf8_put(u, c));
}

static bool name_is(struct str name, const char *lit)
{
	return str_eq_c(name, lit);
}

static int start_elem(void *ctx, struct str name, struct str attrs, size_t depth)
{
	struct xw *w = ctx;

	if (w->skip)
		return 0;
	if (name_is(name, "mc:Fallback")) {
		w->skip = depth;
	} else if (name_is(name, "w:t")) {
		w->in_t++;
	} else if (name_is(name, "w:r")) {
		w->in_r++;
	} else if (name_is(name, "w:tab") && w->in_r) {
		if (in_cell(w))
			emit_cp(w, ' ');
		else
			buf_putc(&w->out, '\t');
	} else if ((name_is(name, "w:br") || name_is(name, "w:cr")) && w->in_r) {
		if (in_cell(w))
			emit_cp(w, ' ');
		else
			buf_putc(&w->out, '\n');
	} else if (name_is(name, "w:tbl")) {
		w->tbl++;
	} else if (name_is(name, "w:tr")) {
		if (w->tbl == 1)
			w->cells = 0;
		else
			w->gap = true;
	} else if (name_is(name, "w:tc")) {
		if (w->tbl == 1) {
			if (w->cells++)
				buf_putc(&w->out, '\t');
			w->span = 1;
			w->gap = false;
		} else {
			w->gap = true;
		}
	} else if (name_is(name, "w:gridSpan") && w->tbl == 1) {
		struct str v;
		long long span;

		if (xml_attr(attrs, "w:val", &v) && !num_parse(v.p, v.n, 1, MAX_SPAN, &span))
			w->span = (int)span;
	}
	return w->out.err;
}

static int end_elem(void *ctx, struct str name, size_t depth)
{
	struct xw *w = ctx;

	if (w->skip) {
		if (depth == w->skip)
			w->skip = 0;
		return 0;
	}
	if (name_is(name, "w:t")) {
		w->in_t -= w->in_t > 0;
	} else if (name_is(name, "w:r")) {
		w->in_r -= w->in_r > 0;
	} else if (name_is(name, "w:p")) {
		if (in_cell(w))
			w->gap = true;
		else
			buf_putc(&w->out, '\n');
	} else if (name_is(name, "w:tc")) {
		if (w->tbl == 1)
			for (int i = 1; i < w->span; i++)
				buf_putc(&w->out, '\t');
	} else if (name_is(name, "w:tr")) {
		if (w->tbl == 1)
			buf_putc(&w->out, '\n');
	} else if (name_is(name, "w:tbl")) {
		w->tbl -= w->tbl > 0;
	}
	return w->out.err;
}

/* Text between tags, entities decoded unless CDATA. */
static int text_elem(void *ctx, const char *p, const char *e, bool cdata)
{
	struct xw *w = ctx;

	if (w->in_t && !w->skip)
		while (p < e)
			emit_cp(w, xml_text_next(&p, e, !cdata));
	return w->out.err;
}

static int docx_walk(struct arena *a, const char *xml, size_t n, const char **text, size_t *len,
		     const char **msg)
{
	struct xw w = { .a = a };
	struct xml_handler h = { .ctx = &w, .start = start_elem, .end = end_elem, .text = text_elem };
	struct xml_error xe;
	int rc;

	buf_init(&w.out, a, 2 * DOCX_MAX_XML);
	rc = xml_walk(a, xml, n, XML_MAX_DEPTH, &h, &xe);
	if (rc == ERR_INVALID && xe.no_root) {
		*msg = "DOCX 文件的正文（word/document.xml）是空的或不是 XML。";
		return rc;
	}
	if (rc == ERR_INVALID) {
		*msg = arena_printf(a, "DOCX 文件的正文（word/document.xml）不是格式正确的 XML：第 %zu 行%s。", xe.line,
				    xe.what);
		return *msg ? ERR_INVALID : ERR_NOMEM;
	}
	if (!rc)
		rc = w.out.err;
	if (rc) {
		*msg = rc == ERR_TOO_LARGE ? "DOCX 文件的正文过大。" : NULL;
		return rc;
	}
	*text = buf_cstr(&w.out);
	*len = w.out.n;
	return 0;
}

int report_docx_text(struct arena *a, const char *bytes, size_t n, const char **text, size_t *len,
		     const char **msg)
{
	zip_error_t ze;
	zip_source_t *src = NULL;
	zip_t *z = NULL;
	zip_file_t *zf = NULL;
	zip_stat_t st;
	zip_int64_t idx, got;
	char *xml = NULL, extra;
	size_t off = 0;
	int rc = ERR_INVALID;

	*msg = NULL;
	*text = NULL;
	*len = 0;
	if (n > DOCX_MAX_BYTES) {
		*msg = "文件过大（DOCX 文件不超过 50 MB）。";
		return ERR_TOO_LARGE;
	}
	if (n < 22) { /* shorter than an empty archive's end record (libzip opens "" as empty) */
		*msg = "不是 DOCX 文件：无法作为 ZIP 压缩包打开（文件可能已损坏）。";
		return ERR_INVALID;
	}
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(bytes, n, 0, &ze))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (!(z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		zip_source_free(src);
		*msg = "不是 DOCX 文件：无法作为 ZIP 压缩包打开（文件可能已损坏）。";
		goto out;
	}
	if ((idx = zip_name_locate(z, "word/document.xml", 0)) < 0) {
		*msg = "不是 DOCX 文件：压缩包中没有 word/document.xml。";
		goto out;
	}
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) || !(st.valid & ZIP_STAT_SIZE)) {
		*msg = "DOCX 文件已损坏：无法读取 word/document.xml 的信息。";
		goto out;
	}
	if (st.size > DOCX_MAX_XML) {
		*msg = "DOCX 文件的正文过大（word/document.xml 解压后不超过 200 MB）。";
		rc = ERR_TOO_LARGE;
		goto out;
	}
	if (!(zf = zip_fopen_index(z, (zip_uint64_t)idx, 0))) {
		*msg = "无法读取 DOCX 文件的正文 word/document.xml（文件已损坏、已加密或压缩方式不受支持）。";
		goto out;
	}
	if (!(xml = arena_alloc(a, (size_t)st.size + 1))) {
		rc = ERR_NOMEM;
		goto out;
	}
	while (off < st.size) {
		if ((got = zip_fread(zf, xml + off, st.size - off)) <= 0)
			break;
		off += (size_t)got;
	}
	/* one more read: at the end libzip checks the CRC */
	if (off != st.size || zip_fread(zf, &extra, 1) != 0) {
		*msg = "DOCX 文件已损坏：word/document.xml 无法完整解压。";
		goto out;
	}
	xml[off] = '\0';
	rc = docx_walk(a, xml, off, text, len, msg);
out:
	if (zf)
		zip_fclose(zf);
	if (z)
		zip_discard(z);
	return rc;
}
