/* report.h - the annual report (政府信息公开工作年度报告) as data.
 *
 * report_build computes every figure from the records of one org and year
 * (the catalog and the 第二十条 registers for table 二, the applications
 * for table 三, the review and lawsuit register for table 四, the other
 * registers for the ready sentences), lays the statutory tables out in the
 * format of the report's year (〔2019〕60号 for 2019-2020, 〔2021〕30号 from
 * 2021: ../shared/spec/annual-report.md, labels verbatim) and assembles the
 * document: the title, the six sections with their headings, the staff's
 * narrative (or, where they wrote none, the ready sentences) and the three
 * tables. The renderers turn a struct report_doc into Markdown, HTML, JSON
 * (report.c), DOCX, XLSX and PDF (report_docx.c, report_xlsx.c,
 * report_pdf.c); report_check_doc checks a built report before it is
 * published; checker.c checks reports written elsewhere.
 *
 * Everything is arena memory; no globals. */
#ifndef GK_DOMAIN_REPORT_REPORT_H
#define GK_DOMAIN_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/applications/cases.h"

struct arena;
struct buf;
struct db;
struct org;

enum {
	REPORT_FIRST_YEAR = 2019,
	REPORT_FMT_2019 = 2019,   /* 国办公开办函〔2019〕60号 (试行) */
	REPORT_FMT_2021 = 2021,   /* 国办公开办函〔2021〕30号 */
};

/* The format of a report year (REPORT_FMT_2019 for 2019-2020,
 * REPORT_FMT_2021 from 2021), or 0 before 2019. */
int report_format_of(int year);

/* ---- tables with merged cells ---- */

struct rcell {
	const char *text;     /* "" for an empty cell; numbers as text ("0", "78.6400") */
	int rowspan, colspan; /* >= 1 for a cell that starts a span; 0 for a covered cell */
	bool head;            /* a header or label cell (th) */
	bool num;             /* a figure (right-aligned) */
};

struct rtable {
	const char *title;    /* e.g. "二、主动公开政府信息情况" (the section heading it belongs to) */
	int nrows, ncols;
	struct rcell *cells;  /* nrows * ncols, row-major; cells covered by a span have rowspan = colspan = 0 */
};

static inline struct rcell *rtable_at(const struct rtable *t, int r, int c)
{
	return &t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];
}

/* ---- the figures ---- */

/* Table 二 (both formats; a renderer shows the fields of its format). */
struct report_t2 {
	/* 第二十条第（一）项: [0] 规章, [1] 规范性文件 / 行政规范性文件 (by 体裁) */
	long long made[2];        /* 2019 本年新制作数量: 成文日期 in the year */
	long long newly[2];       /* 2019 本年新公开数量: 发布日期 in the year */
	long long total[2];       /* 2019 对外公开总数量: published by the year's end */
	long long issued[2];      /* 2021 本年制发件数: published in the year */
	long long repealed[2];    /* 2021 本年废止件数: 废止 or 失效 in the year */
	long long in_force[2];    /* 2021 现行有效件数: 有效 or 已修改 at the year's end */
	/* 第二十条第（五）（六）项: [0] 行政许可 [1] 其他对外管理服务事项 [2] 行政处罚 [3] 行政强制 */
	long long items_prev[4];  /* 2019 上一年项目数量 (entered by staff: the registers hold decisions, not 事项) */
	long long items_delta[4]; /* 2019 本年增/减 (signed; entered by staff) */
	long long decisions[4];   /* 处理决定数量 / 本年处理决定数量 (decisions register) */
	/* 第二十条第（八）项 行政事业性收费 */
	long long fee_items_prev; /* 2019 上一年项目数量 */
	long long fee_items_delta;/* 2019 本年增/减 */
	long long fee_fen;        /* 2021 本年收费金额, in fen (shown in 万元, 4 decimals) */
	/* 第二十条第（九）项 政府集中采购 (2019 only) */
	long long procure_count;
	long long procure_fen;    /* 采购总金额, in fen (shown in 元) */
};

/* One ready sentence the records support, for a section. */
struct report_fact {
	const char *key;          /* stable id, e.g. "catalog", "interactions", "proposals", "wechat", "fees" */
	const char *section;      /* "一" "五" "六" */
	const char *text;         /* the sentence(s), ending with "。" */
};

struct report_figures {
	int year;
	int format;
	struct report_t2 t2;
	struct app_year_counts t3;     /* table 三 (cases.h): rows of the 2021 format, folded for 2019 */
	long long t4[15];              /* table 四: reviews_table4's column order */
	long long fee_collected_fen;   /* 信息处理费 paid on applications in the year (section 六) */
	long long published_items;     /* catalog items published in the year */
	struct report_fact *facts;     /* ready sentences from every register */
	size_t nfacts;
	const char **warnings;         /* e.g. "2020 年没有任何记录" */
	size_t nwarnings;
	/* behind the sentences of 五 and 六 (and their sums in an aggregate) */
	long long fee_apps;            /* applications that paid 信息处理费 */
	long long apps_late;           /* applications answered after their due date */
	long long ia_total, ia_late;   /* 政民互动 of the year, answered late */
	/* the orgs whose records the figures count: the org itself, or for an
	 * org with child agencies the org and its whole subtree (the 本级政府
	 * report, report_scope); nmembers >= 1 */
	const struct org *members;
	size_t nmembers;
};

/* The orgs an org's report counts: org first, then, when it has child
 * agencies, every agency below it (active or not: their records of the
 * year stay theirs), in tree order. *members is an arena array of *n. */
int report_scope(struct db *db, struct arena *a, const struct org *org, struct org **members, size_t *n);

/* The aggregate of parts[0..n) (the figures of each member, built by
 * report_figures_build on one org each) as the figures of org's year: every
 * count of tables 二 三 四 and the fees summed, the ready sentences made
 * from the sums (with one saying which orgs it covers). The 2019 format's
 * staff-entered 事项 cells stay 0 (the narrative gives them). */
int report_figures_sum(struct arena *a, const struct org *org, int year, const struct report_figures *parts,
		       const struct org *members, size_t n, struct report_figures *out);

/* Compute the figures of org's year from the records: of org alone, or,
 * for an org with child agencies, of its whole subtree (report_scope,
 * report_figures_sum: the 本级政府 report is computed, never typed).
 * ERR_INVALID with *msg for a year before REPORT_FIRST_YEAR or after the
 * current year. */
int report_figures_build(struct db *db, struct arena *a, const struct org *org, int year,
			 struct report_figures *out, const char **msg);

/* ---- the document ---- */

enum rblock_kind { RB_HEADING = 1, RB_PARA = 2, RB_TABLE = 3 };

struct rblock {
	int kind;
	int level;                /* RB_HEADING: 1 for 一、… */
	const char *text;         /* RB_HEADING, RB_PARA: plain text (no markup) */
	const struct rtable *table;
};

/* What staff wrote for the free sections (plain text, paragraphs separated
 * by blank lines; NULL or "": the ready sentences of that section). */
struct report_narrative {
	const char *overview;     /* 一、总体情况 */
	const char *problems;     /* 五、存在的主要问题及改进情况 */
	const char *other;        /* 六、其他需要报告的事项 */
	/* 2019 table 二 cells staff enter (see report_t2.items_prev/items_delta);
	 * NULL: 0 */
	const long long *items_prev, *items_delta;
};

struct report_doc {
	const char *title;        /* "{机构}{年}年政府信息公开工作年度报告" */
	const char *org_name;
	int year;
	int format;
	struct report_figures fig;
	struct rtable t2, t3, t4;
	struct rblock *blocks;    /* title excluded: headings 一-六, paragraphs, the tables in 二 三 四 */
	size_t nblocks;
};

/* Build the document of org's year with the staff's narrative (may be
 * NULL). ERR_INVALID with *msg as report_figures_build. */
int report_build(struct db *db, struct arena *a, const struct org *org, int year,
		 const struct report_narrative *narr, struct report_doc *out, const char **msg);

/* The headings of the six sections for a format, [0] = 一 ... [5] = 六. */
const char *const *report_headings(int format);

/* ---- renderers: append the output to out (initialised by the caller) ---- */
int report_render_md(struct arena *a, const struct report_doc *d, struct buf *out);
/* A complete HTML page if page is true, else the <article> fragment (the
 * portal page and the catalog item embed it). */
int report_render_html(struct arena *a, const struct report_doc *d, bool page, struct buf *out);
/* JSON documented in the README: year, format, org, title, sections[],
 * tables; reviews.{reconsideration,litigation_direct,litigation_after_review}
 * each {"upheld","corrected","other","pending","total"}; applications.rows
 * [{"label","natural_person","commercial","research","social_welfare",
 * "legal_service","other_org","total"}] with the statutory labels. */
int report_render_json(struct arena *a, const struct report_doc *d, struct buf *out);
int report_render_docx(struct arena *a, const struct report_doc *d, struct buf *out);
int report_render_xlsx(struct arena *a, const struct report_doc *d, struct buf *out);
int report_render_pdf(struct arena *a, const struct report_doc *d, struct buf *out);

/* ---- checks ---- */

enum { REPORT_ERROR = 2, REPORT_WARNING = 1 };

struct report_issue {
	int severity;             /* REPORT_ERROR blocks publication; REPORT_WARNING is shown */
	const char *where;        /* "表三 第一项“自然人”列", "第五部分第 2 段", "第 12 行" */
	const char *msg;          /* a Chinese sentence */
};

/* Check a built report before publication: each table's totals equal the
 * sum of their parts; 上年结转 equals last year's 结转下年度继续办理 (from
 * the records of year - 1); new + carried = concluded + carried forward in
 * every column; every count the narrative states (N条, N件, N个, 共N…其中
 * a…、b…) agrees with the records or adds up; every year named in the
 * narrative is the report's year unless marked as another ("上年", "2019
 * 年以来", a range); all six sections and three tables present; 信息处理费
 * collected → stated in 六. */
int report_check_doc(struct db *db, struct arena *a, const struct org *org, const struct report_doc *d,
		     struct report_issue **out, size_t *n);

/* Check a report written elsewhere, as text (from a DOCX by
 * report_docx_text, or plain text / Markdown): missing mandatory sections
 * or tables for its year (year: from the title, or year_hint when > 0),
 * sentences 共N…其中a…、b… whose parts do not add up, years that differ from
 * the report's year, table totals that do not add up. Each issue names its
 * line. *year gets the year found (0 if none). */
int report_check_text(struct arena *a, const char *text, size_t len, int year_hint, int *year,
		      struct report_issue **out, size_t *n);
/* The text of a DOCX file (paragraphs as lines, table rows as lines with
 * cells separated by '\t'). ERR_INVALID with *msg for a file that is not a
 * DOCX (not a zip, no word/document.xml, malformed XML). */
int report_docx_text(struct arena *a, const char *bytes, size_t n, const char **text, size_t *len,
		     const char **msg);

#endif
