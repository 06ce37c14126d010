/* report_docx.c - the annual report as a Word document (report.h).
 *
 * WordprocessingML written by hand and zipped with libzip in memory: the
 * package holds [Content_Types].xml, _rels/.rels, docProps/core.xml and in
 * word/ document.xml, styles.xml, settings.xml, fontTable.xml, footer1.xml
 * and _rels/document.xml.rels. Nothing else: every part Word, WPS and
 * LibreOffice need, and no more.
 *
 * Layout after GB/T 9704: A4 portrait, margins top 37 mm, bottom 35 mm,
 * left 28 mm, right 26 mm; the title bold 22 pt (二号) 小标宋, centred;
 * headings bold 16 pt, 黑体 for "一、…" and 楷体 for deeper levels; the
 * body 16 pt (三号) 仿宋 on an exact 28 pt line pitch with a first-line
 * indent of two characters; the page number "— N —" centred in the
 * footer. Each font names its fallbacks in fontTable.xml (w:altName):
 * the Windows names (FangSong, SimHei, KaiTi) and then Noto CJK.
 *
 * The tables are real w:tbl: a w:tblGrid with one w:gridCol per column,
 * single borders, fixed layout over the text width; colspan is w:gridSpan,
 * rowspan is w:vMerge restart on the first cell and a w:vMerge continue
 * cell in each row below; header and label cells bold and centred,
 * figures right-aligned, 10.5 pt (五号), 9 pt (小五) for a table of ten
 * columns or more. Rows never split across pages; the leading header rows
 * repeat on each page when the table has no other header row further down.
 * Column widths follow the text, within the text width.
 *
 * All text goes through xml_escape; a newline in a text becomes a line
 * break, other control characters a space. */
#include "domain/report/report.h"
#include "domain/report/layout.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "render/html.h"
#include "core/banned.h"

#define PART_MAX (64u << 20)   /* bytes of one XML part */

/* twips: 1/20 pt, 1 mm = 1440 / 25.4 */
#define TW_MM(mm) ((int)((mm) * 1440.0 / 25.4 + 0.5))
#define PAGE_W TW_MM(210)
#define PAGE_H TW_MM(297)
#define MAR_TOP TW_MM(37)
#define MAR_BOTTOM TW_MM(35)
#define MAR_LEFT TW_MM(28)
#define MAR_RIGHT TW_MM(26)
#define TEXT_W (PAGE_W - MAR_LEFT - MAR_RIGHT)
#define CELL_MAR 57            /* twips left and right in a cell: 1 mm */

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"


/* ---- XML ---- */

/* Runs of text in rpr: newlines become w:br, other control characters
 * spaces. */
static void runs(struct buf *b, const char *s, const char *rpr)
{
	const char *p = s ? s : "";

	buf_printf(b, "<w:r>%s", rpr);
	for (;;) {
		size_t n = strcspn(p, "\n");
		const char *q = p;

		buf_puts(b, "<w:t xml:space=\"preserve\">");
		for (const char *x = p; x < p + n; x++) {
			unsigned char ch = (unsigned char)*x;

			if (ch < 0x20 || ch == 0x7F) {
				xml_escape(b, q, (size_t)(x - q));
				if (ch != '\r')
					buf_putc(b, ' ');
				q = x + 1;
			}
		}
		xml_escape(b, q, (size_t)(p + n - q));
		buf_puts(b, "</w:t>");
		if (!p[n])
			break;
		buf_puts(b, "<w:br/>");
		p += n + 1;
	}
	buf_puts(b, "</w:r>");
}

static void para(struct buf *b, const char *style, const char *text)
{
	buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
	runs(b, text, "");
	buf_puts(b, "</w:p>");
}

static int table(struct arena *a, struct buf *b, const struct rtable *t)
{
	static const char *const sides[] = { "top", "left", "bottom", "right", "insideH", "insideV" };
	int *own, *rs, *cs, *tw, head_rows, total = 0, sz, rc, nc = t->ncols;
	double *w, em;
	char rpr[96], rpr_b[96];

	if ((rc = report_grid(a, t, &own, &rs, &cs, &head_rows)))
		return rc;
	if (!t->nrows || !nc)
		return 0;
	w = arena_alloc(a, (size_t)nc * sizeof(double));
	tw = arena_alloc(a, (size_t)nc * sizeof(int));
	if (!w || !tw)
		return ERR_NOMEM;
	sz = nc >= 10 ? 18 : 21;             /* half-points: 9 pt, 10.5 pt */
	em = sz * 10.0;                      /* twips per em */
	report_col_widths(t, own, cs, (TEXT_W - 2.0 * CELL_MAR) / em, w);
	for (int c = 0; c < nc; c++) {
		tw[c] = (int)(w[c] * em);
		total += tw[c];
	}
	tw[nc - 1] += TEXT_W - total;        /* rounding: exactly the text width */
	snprintf(rpr, sizeof(rpr), "<w:rPr><w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/></w:rPr>", sz, sz);
	snprintf(rpr_b, sizeof(rpr_b),
		 "<w:rPr><w:b/><w:bCs/><w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/></w:rPr>", sz, sz);

	buf_printf(b, "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
		   "<w:tblBorders>", TEXT_W);
	for (size_t k = 0; k < sizeof(sides) / sizeof(sides[0]); k++)
		buf_printf(b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
			   sides[k]);
	buf_printf(b, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
		   "<w:left w:w=\"%d\" w:type=\"dxa\"/><w:right w:w=\"%d\" w:type=\"dxa\"/>"
		   "</w:tblCellMar><w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" "
		   "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
		   CELL_MAR, CELL_MAR);
	for (int c = 0; c < nc; c++)
		buf_printf(b, "<w:gridCol w:w=\"%d\"/>", tw[c]);
	buf_puts(b, "</w:tblGrid>");
	for (int r = 0; r < t->nrows; r++) {
		buf_printf(b, "<w:tr><w:trPr><w:cantSplit/>%s</w:trPr>",
			   r < head_rows ? "<w:tblHeader/>" : "");
		for (int c = 0; c < nc; c++) {
			int i = r * nc + c, o = own[i], width = 0;
			bool origin = o == i;

			/* of a covered cell, only the first column of a span
			 * reaching down from a row above is written */
			if (!origin && (o % nc != c || o / nc == r))
				continue;
			for (int k = 0; k < cs[o]; k++)
				width += tw[c + k];
			buf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", width);
			if (cs[o] > 1)
				buf_printf(b, "<w:gridSpan w:val=\"%d\"/>", cs[o]);
			if (!origin)
				buf_puts(b, "<w:vMerge/>");
			else if (rs[o] > 1)
				buf_puts(b, "<w:vMerge w:val=\"restart\"/>");
			buf_printf(b, "<w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr>"
				   "<w:pStyle w:val=\"TableText\"/><w:jc w:val=\"%s\"/></w:pPr>",
				   cell_head(t, o) ? "center" : cell_num(t, o) ? "right" : "left");
			if (origin && *cell_text(t, i))
				runs(b, cell_text(t, i), cell_head(t, i) ? rpr_b : rpr);
			buf_puts(b, "</w:p></w:tc>");
		}
		buf_puts(b, "</w:tr>");
	}
	buf_puts(b, "</w:tbl>");
	/* a paragraph after each table: two tables in a row would merge */
	buf_puts(b, "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>");
	return 0;
}

static int document_xml(struct arena *a, const struct report_doc *d, struct buf *b)
{
	int rc;

	buf_puts(b, XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
	para(b, "Title", d->title);
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct rblock *bl = &d->blocks[i];

		switch (bl->kind) {
		case RB_HEADING:
			para(b, bl->level <= 1 ? "Heading1" : "Heading2", bl->text);
			break;
		case RB_PARA:
			para(b, "Normal", bl->text);
			break;
		case RB_TABLE:
			if (!bl->table)
				return ERR_INVALID;
			if ((rc = table(a, b, bl->table)))
				return rc;
			break;
		default:
			return ERR_INVALID;
		}
	}
	buf_printf(b, "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>"
		   "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" "
		   "w:left=\"%d\" w:header=\"%d\" w:footer=\"%d\" w:gutter=\"0\"/></w:sectPr>"
		   "</w:body></w:document>",
		   PAGE_W, PAGE_H, MAR_TOP, MAR_RIGHT, MAR_BOTTOM, MAR_LEFT, TW_MM(15), TW_MM(23));
	return 0;
}

/* rFonts naming one font for every script */
#define FONTS(f) "<w:rFonts w:ascii=\"" f "\" w:hAnsi=\"" f "\" w:eastAsia=\"" f "\" w:cs=\"" f "\"/>"
#define F_BODY "仿宋"
#define F_HEI "黑体"
#define F_KAI "楷体"
#define F_TITLE "方正小标宋简体"
#define NO_INDENT "<w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/>"

static const char styles_xml[] =
	XML_DECL "<w:styles xmlns:w=\"" NS_W "\">"
	"<w:docDefaults><w:rPrDefault><w:rPr>" FONTS(F_BODY)
	"<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" "
	"w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
	"<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
	/* 三号仿宋, 28 pt pitch, two-character first-line indent */
	"<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
	"<w:qFormat/><w:pPr><w:widowControl/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"560\" "
	"w:lineRule=\"exact\"/><w:ind w:firstLine=\"640\" w:firstLineChars=\"200\"/><w:jc w:val=\"both\"/>"
	"</w:pPr><w:rPr>" FONTS(F_BODY) "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
	"<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
	"<w:spacing w:before=\"0\" w:after=\"560\" w:line=\"240\" w:lineRule=\"auto\"/>" NO_INDENT
	"<w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" FONTS(F_TITLE)
	"<w:b/><w:bCs/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
	"<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
	"<w:keepLines/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" FONTS(F_HEI)
	"<w:b/><w:bCs/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
	"<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
	"<w:keepLines/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>" FONTS(F_KAI)
	"<w:b/><w:bCs/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/>"
	"<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" "
	"w:line=\"240\" w:lineRule=\"auto\"/>" NO_INDENT "<w:jc w:val=\"center\"/></w:pPr>"
	"<w:rPr><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>"
	"<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/>" NO_INDENT
	"<w:jc w:val=\"center\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" "
	"w:eastAsia=\"宋体\" w:cs=\"宋体\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
	"</w:styles>";

#define FONT(name, alt, family, pitch)                                                   \
	"<w:font w:name=\"" name "\"><w:altName w:val=\"" alt "\"/><w:charset w:val=\"86\"/>" \
	"<w:family w:val=\"" family "\"/><w:pitch w:val=\"" pitch "\"/></w:font>"

static const char font_table_xml[] =
	XML_DECL "<w:fonts xmlns:w=\"" NS_W "\">"
	FONT(F_BODY, "FangSong,仿宋_GB2312,FangSong_GB2312,Noto Serif CJK SC", "modern", "fixed")
	FONT(F_HEI, "SimHei,Noto Sans CJK SC", "modern", "fixed")
	FONT(F_KAI, "KaiTi,楷体_GB2312,KaiTi_GB2312,Noto Serif CJK SC", "modern", "fixed")
	FONT(F_TITLE, "方正小标宋_GBK,FZXiaoBiaoSong-B05S,宋体,SimSun,Noto Serif CJK SC", "roman", "variable")
	FONT("宋体", "SimSun,Noto Serif CJK SC", "auto", "variable")
	"<w:font w:name=\"Noto Serif CJK SC\"><w:charset w:val=\"86\"/><w:family w:val=\"roman\"/>"
	"<w:pitch w:val=\"variable\"/></w:font>"
	"<w:font w:name=\"Noto Sans CJK SC\"><w:charset w:val=\"86\"/><w:family w:val=\"swiss\"/>"
	"<w:pitch w:val=\"variable\"/></w:font>"
	"</w:fonts>";

static const char settings_xml[] =
	XML_DECL "<w:settings xmlns:w=\"" NS_W "\"><w:defaultTabStop w:val=\"420\"/>"
	"<w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat>"
	/* a line ended by a line break is not stretched in a justified paragraph */
	"<w:doNotExpandShiftReturn/>"
	"<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" "
	"w:val=\"15\"/></w:compat></w:settings>";

/* "— N —" with a PAGE field */
static const char footer_xml[] =
	XML_DECL "<w:ftr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:p><w:pPr>"
	"<w:pStyle w:val=\"Footer\"/></w:pPr><w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
	"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE "
	"</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
	"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:t xml:space=\"preserve\"> —</w:t></w:r>"
	"</w:p></w:ftr>";

#define CT "application/vnd.openxmlformats-officedocument.wordprocessingml."
static const char content_types_xml[] =
	XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"" CT "document.main+xml\"/>"
	"<Override PartName=\"/word/styles.xml\" ContentType=\"" CT "styles+xml\"/>"
	"<Override PartName=\"/word/settings.xml\" ContentType=\"" CT "settings+xml\"/>"
	"<Override PartName=\"/word/fontTable.xml\" ContentType=\"" CT "fontTable+xml\"/>"
	"<Override PartName=\"/word/footer1.xml\" ContentType=\"" CT "footer+xml\"/>"
	"<Override PartName=\"/docProps/core.xml\" "
	"ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

#define RELS "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
static const char rels_xml[] =
	XML_DECL RELS "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"word/document.xml\"/>"
	"<Relationship Id=\"rId2\" "
	"Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
	"Target=\"docProps/core.xml\"/></Relationships>";

static const char document_rels_xml[] =
	XML_DECL RELS "<Relationship Id=\"rId1\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" REL "settings\" Target=\"settings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" REL "fontTable\" Target=\"fontTable.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"" REL "footer\" Target=\"footer1.xml\"/></Relationships>";

static void core_xml(const struct report_doc *d, struct buf *b)
{
	const char *title = d->title ? d->title : "";
	const char *org = d->org_name && *d->org_name ? d->org_name : "gongkai";

	buf_puts(b, XML_DECL "<cp:coreProperties "
		 "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
		 "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
		 "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	xml_escape(b, title, strlen(title));
	buf_puts(b, "</dc:title><dc:creator>");
	xml_escape(b, org, strlen(org));
	buf_puts(b, "</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>");
}

/* ---- the package ---- */

struct part {
	const char *name;
	const char *data;
	size_t len;
};

/* Zip the parts in memory and append the archive to out. */
static int zip_parts(const struct part *parts, size_t n, struct buf *out)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	int rc = 0;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return ERR_NOMEM;
	}
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!z) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return ERR_INTERNAL;
	}
	zip_source_keep(src);  /* the archive is read back from it after zip_close */
	for (size_t i = 0; i < n && !rc; i++) {
		zip_source_t *s = zip_source_buffer(z, parts[i].data, parts[i].len, 0);
		zip_int64_t idx;

		if (!s) {
			rc = ERR_NOMEM;
			break;
		}
		idx = zip_file_add(z, parts[i].name, s, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(s);
			rc = ERR_INTERNAL;
		} else if (zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 0) < 0) {
			rc = ERR_INTERNAL;
		}
	}
	if (rc || zip_close(z) < 0) {
		zip_discard(z);
		zip_source_free(src);
		zip_error_fini(&ze);
		return rc ? rc : ERR_INTERNAL;
	}
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) < 0) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return ERR_INTERNAL;
	}
	for (zip_uint64_t left = st.size; left > 0 && !out->err;) {
		char chunk[16384];
		zip_int64_t got = zip_source_read(src, chunk, left < sizeof(chunk) ? left : sizeof(chunk));

		if (got <= 0) {
			rc = ERR_INTERNAL;
			break;
		}
		buf_append(out, chunk, (size_t)got);
		left -= (zip_uint64_t)got;
	}
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc ? rc : out->err;
}

int report_render_docx(struct arena *a, const struct report_doc *d, struct buf *out)
{
	struct buf doc, core;
	int rc;

	if (!a || !d || !out || (d->nblocks && !d->blocks))
		return ERR_INVALID;
	buf_init(&doc, a, PART_MAX);
	buf_init(&core, a, PART_MAX);
	if ((rc = document_xml(a, d, &doc)))
		return rc;
	core_xml(d, &core);
	if (doc.err || core.err)
		return doc.err ? doc.err : core.err;
	{
		const struct part parts[] = {
			{ "[Content_Types].xml", content_types_xml, sizeof(content_types_xml) - 1 },
			{ "_rels/.rels", rels_xml, sizeof(rels_xml) - 1 },
			{ "docProps/core.xml", core.p, core.n },
			{ "word/document.xml", doc.p, doc.n },
			{ "word/_rels/document.xml.rels", document_rels_xml, sizeof(document_rels_xml) - 1 },
			{ "word/styles.xml", styles_xml, sizeof(styles_xml) - 1 },
			{ "word/settings.xml", settings_xml, sizeof(settings_xml) - 1 },
			{ "word/fontTable.xml", font_table_xml, sizeof(font_table_xml) - 1 },
			{ "word/footer1.xml", footer_xml, sizeof(footer_xml) - 1 },
		};

		size_t n0 = out->n;

		rc = zip_parts(parts, sizeof(parts) / sizeof(parts[0]), out);
		if (rc && !out->err)
			out->n = n0;  /* nothing half-written */
		return rc;
	}
}
