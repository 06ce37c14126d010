#include "render/pdf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <cmark.h>
#include <pango/pangocairo.h>

/* cairo 1.16's CFF subsetter (CID-keyed OpenType fonts such as Noto CJK)
 * leaks about 768 bytes per font dictionary while a PDF surface is
 * finished; LeakSanitizer is told to ignore that one call. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GK_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(GK_LSAN)
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON() __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON() ((void)0)
#endif

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

/* Page geometry in PDF points (1/72 inch), after GB/T 9704. */
#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define LEFT (28 * MM)
#define TEXT_W (PAGE_W - LEFT - 26 * MM)
#define TOP (37 * MM)
#define TEXT_END (PAGE_H - 35 * MM) /* bottom of the text area */
#define EM 16.0                     /* body size: one CJK character */
#define PITCH 28.0                  /* body line pitch */
#define MAX_LEVEL 6                 /* list and quote levels that still indent */
#define CHUNK (16u << 10)           /* bytes of text in one pango layout */

#define FAMILIES "Noto Serif CJK SC, Noto Sans CJK SC, serif"
#define LSEP "\xE2\x80\xA8" /* U+2028: a line break inside a paragraph */

/* How one block is set. */
struct style {
	const char *font;    /* pango font description */
	double left, right;  /* extra margins */
	double indent;       /* of the first line */
	PangoAlignment align;
	double pitch;        /* minimum line pitch */
	double keep;         /* >= 0: keep the block on one page with this much room after it */
};

struct pdf {
	cairo_t *cr;
	PangoContext *pc;
	PangoAttrList *attrs;  /* bold and monospace runs of the block being built */
	struct buf text;       /* plain text of the block being built */
	double y;              /* top of the next line */
	int page;
	int lists, quotes;     /* list and block quote nesting */
	char marker[24];       /* list item marker waiting for the item's first block */
	int err;
};

/* Append (s, n) as plain text: control characters become spaces, or line
 * breaks when lines is set and they are newlines. */
static void put_text(struct pdf *p, const char *s, size_t n, bool lines)
{
	const char *end = s + n;

	while (s < end) {
		const char *run = s;

		while (s < end && (unsigned char)*s >= 0x20)
			s++;
		buf_append(&p->text, run, (size_t)(s - run));
		if (s == end)
			break;
		buf_puts(&p->text, *s == '\n' && lines ? LSEP : " ");
		s++;
	}
}

/* Apply at to the text from start to the current end. */
static void span(struct pdf *p, PangoAttribute *at, size_t start)
{
	at->start_index = (guint)start;
	at->end_index = (guint)p->text.n;
	pango_attr_list_insert(p->attrs, at);
}

static void footer(struct pdf *p)
{
	PangoLayout *lo = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(FAMILIES " 14");
	char s[48];
	int w;

	snprintf(s, sizeof(s), "\xE2\x80\x94 %d \xE2\x80\x94", p->page); /* "— N —" */
	pango_layout_set_font_description(lo, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(lo, s, -1);
	pango_layout_get_size(lo, &w, NULL);
	cairo_move_to(p->cr, (PAGE_W - w / (double)PANGO_SCALE) / 2, TEXT_END + 5 * MM);
	pango_cairo_show_layout(p->cr, lo);
	g_object_unref(lo);
}

static void new_page(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
}

/* Set (off, n) of the block's text in style st, line by line, starting a
 * new page wherever a line does not fit. */
static void lay_out(struct pdf *p, const struct style *st, size_t off, size_t n)
{
	PangoLayout *lo = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(st->font);
	PangoAttrList *attrs = off ? pango_attr_list_copy(p->attrs) : pango_attr_list_ref(p->attrs);
	PangoLayoutIter *it;

	pango_layout_set_font_description(lo, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lo, (int)((TEXT_W - st->left - st->right) * PANGO_SCALE));
	pango_layout_set_wrap(lo, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_indent(lo, off ? 0 : (int)(st->indent * PANGO_SCALE));
	pango_layout_set_alignment(lo, st->align);
	pango_layout_set_text(lo, n ? p->text.p + off : "", (int)n);
	if (off)
		pango_attr_list_update(attrs, 0, (int)off, 0);  /* attributes of the chunk */
	pango_layout_set_attributes(lo, attrs);
	pango_attr_list_unref(attrs);
	if (st->keep >= 0) {
		double need = pango_layout_get_line_count(lo) * st->pitch + st->keep;

		if (p->y + need > TEXT_END && p->y > TOP)
			new_page(p);
	}
	it = pango_layout_get_iter(lo);
	do {
		PangoRectangle r;
		double h, ascent, pitch;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		h = r.height / (double)PANGO_SCALE;
		ascent = (pango_layout_iter_get_baseline(it) - r.y) / (double)PANGO_SCALE;
		pitch = h > st->pitch ? h : st->pitch;
		if (p->y + pitch > TEXT_END && p->y > TOP)
			new_page(p);
		/* r.x holds the alignment and first-line indent */
		cairo_move_to(p->cr, LEFT + st->left + r.x / (double)PANGO_SCALE,
			      p->y + (pitch - h) / 2 + ascent);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += pitch;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(lo);
}

/* Set the block built so far, then start an empty one. Pango sums a
 * paragraph's width in int and breaks its lines wrongly past 2^31 units
 * (131,072 CJK characters at 16 pt), so a long block is laid out in
 * chunks of at most CHUNK bytes, cut on a code point boundary (where a
 * line then ends). */
static void emit(struct pdf *p, const struct style *st)
{
	size_t off = 0, n;

	if (p->text.err && !p->err)
		p->err = p->text.err;
	while (!p->err) {
		n = p->text.n - off;
		if (n > CHUNK) {
			n = CHUNK;
			while ((p->text.p[off + n] & 0xC0) == 0x80)
				n--;
		}
		lay_out(p, st, off, n);
		off += n;
		if (off >= p->text.n)
			break;
	}
	p->text.n = 0;
	pango_attr_list_unref(p->attrs);
	p->attrs = pango_attr_list_new();
}

static void put_marker(struct pdf *p)
{
	buf_puts(&p->text, p->marker);
	p->marker[0] = '\0';
}

static void item_marker(struct pdf *p, cmark_node *item)
{
	cmark_node *list = cmark_node_parent(item);

	if (cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
		intptr_t n = (intptr_t)cmark_node_get_user_data(list);

		snprintf(p->marker, sizeof(p->marker), "%ld%s ", (long)n,
			 cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM ? ")" : ".");
		cmark_node_set_user_data(list, (void *)(n + 1));
	} else {
		snprintf(p->marker, sizeof(p->marker), "\xE2\x80\xA2 "); /* "• " */
	}
}

static void walk(struct pdf *p, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !p->err) {
		cmark_node *nd = cmark_iter_get_node(it);
		bool enter = ev == CMARK_EVENT_ENTER;
		size_t start = (size_t)(uintptr_t)cmark_node_get_user_data(nd);
		/* an outer list is not indented: its items look like paragraphs */
		int level = p->quotes + (p->lists > 1 ? p->lists - 1 : 0);
		struct style st = { FAMILIES " 16", (level < MAX_LEVEL ? level : MAX_LEVEL) * 2 * EM,
				    0, 2 * EM, PANGO_ALIGN_LEFT, PITCH, -1 };
		const char *s = cmark_node_get_literal(nd);

		switch (cmark_node_get_type(nd)) {
		case CMARK_NODE_LIST:
			if (enter)
				cmark_node_set_user_data(nd,
					(void *)(intptr_t)cmark_node_get_list_start(nd));
			p->lists += enter ? 1 : -1;
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			p->quotes += enter ? 1 : -1;
			break;
		case CMARK_NODE_ITEM:
			if (enter)
				item_marker(p, nd);
			break;
		case CMARK_NODE_PARAGRAPH:
			if (enter)
				put_marker(p);
			else
				emit(p, &st);
			break;
		case CMARK_NODE_HEADING:
			if (enter) {
				put_marker(p);
			} else {
				st.font = FAMILIES " Bold 16";
				st.keep = PITCH;  /* not alone at the bottom of a page */
				emit(p, &st);
			}
			break;
		case CMARK_NODE_CODE_BLOCK: {
			size_t n = strlen(s), from;

			put_marker(p);
			from = p->text.n;
			put_text(p, s, n && s[n - 1] == '\n' ? n - 1 : n, true);
			span(p, pango_attr_family_new("monospace"), from);
			st.font = FAMILIES " 14";
			st.indent = 0;
			emit(p, &st);
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			p->y += PITCH;
			break;
		case CMARK_NODE_TEXT:
			put_text(p, s, strlen(s), false);
			break;
		case CMARK_NODE_CODE:
			start = p->text.n;
			put_text(p, s, strlen(s), false);
			span(p, pango_attr_family_new("monospace"), start);
			break;
		case CMARK_NODE_SOFTBREAK:
			/* CJK text has no spaces between lines */
			if (p->text.n && (unsigned char)p->text.p[p->text.n - 1] < 0x80)
				buf_putc(&p->text, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_puts(&p->text, LSEP);
			break;
		case CMARK_NODE_EMPH:
		case CMARK_NODE_STRONG:
			if (enter)
				cmark_node_set_user_data(nd, (void *)(uintptr_t)p->text.n);
			else
				span(p, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start);
			break;
		case CMARK_NODE_LINK:
			s = cmark_node_get_url(nd);
			if (enter) {
				cmark_node_set_user_data(nd, (void *)(uintptr_t)p->text.n);
			} else if (*s && !p->text.err && (p->text.n - start != strlen(s) ||
							   memcmp(p->text.p + start, s, strlen(s)))) {
				buf_puts(&p->text, "\xEF\xBC\x88"); /* （ */
				put_text(p, s, strlen(s), false);
				buf_puts(&p->text, "\xEF\xBC\x89"); /* ） */
			}
			break;
		default:
			/* raw HTML is dropped; images keep their alt text (children) */
			break;
		}
	}
	cmark_iter_free(it);
}

static void letter(struct pdf *p, const struct pdf_letter *l, cmark_node *doc)
{
	struct style title = { FAMILIES " Bold 22", 0, 0, 0, PANGO_ALIGN_CENTER, 36, -1 };
	struct style center = { FAMILIES " 16", 0, 0, 0, PANGO_ALIGN_CENTER, PITCH, -1 };
	struct style sign = { FAMILIES " 16", 0, 2 * EM, 0, PANGO_ALIGN_RIGHT, PITCH, 0 };

	put_text(p, l->title, strlen(l->title), true);
	emit(p, &title);
	if (l->subtitle && *l->subtitle) {
		put_text(p, l->subtitle, strlen(l->subtitle), true);
		emit(p, &center);
	}
	p->y += PITCH;
	walk(p, doc);
	if (l->sign_lines && *l->sign_lines) {
		p->y += 2 * PITCH;
		put_text(p, l->sign_lines, strlen(l->sign_lines), true);
		emit(p, &sign);
	}
	footer(p);
}

/* cairo's write callback: the PDF goes into a capped arena buffer. */
static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int n)
{
	struct buf *b = closure;

	buf_append(b, (const char *)data, n);
	return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static int check_field(const char *s, bool required)
{
	size_t n;

	if (!s || !*s)
		return required ? ERR_INVALID : 0;
	n = strnlen(s, PDF_MAX_FIELD + 1);
	if (n > PDF_MAX_FIELD)
		return ERR_TOO_LARGE;
	return utf8_valid(s, n) ? 0 : ERR_INVALID;
}

int pdf_letter_render(struct arena *a, const struct pdf_letter *l, const char **out,
		      size_t *len)
{
	struct pdf p = { .y = TOP, .page = 1 };
	struct buf pdf;
	cairo_surface_t *s;
	cairo_status_t st;
	cmark_node *doc;
	size_t body_n;
	int rc;

	if (!l)
		return ERR_INVALID;
	if ((rc = check_field(l->title, true)) || (rc = check_field(l->subtitle, false)) ||
	    (rc = check_field(l->sign_lines, false)))
		return rc;
	body_n = l->body_md ? strnlen(l->body_md, PDF_MAX_BODY + 1) : 0;
	if (body_n > PDF_MAX_BODY)
		return ERR_TOO_LARGE;

	buf_init(&pdf, a, PDF_MAX_OUTPUT);
	/* U+FFFD for invalid bytes, link URLs and markers can outgrow the input */
	buf_init(&p.text, a, 4 * (PDF_MAX_BODY + PDF_MAX_FIELD));
	s = cairo_pdf_surface_create_for_stream(sink, &pdf, PAGE_W, PAGE_H);
	p.cr = cairo_create(s);
	if ((st = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		cairo_destroy(p.cr);
		cairo_surface_destroy(s);
		return st == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_INTERNAL;
	}
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, l->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "gongkai");
	/* the calling thread's default font map: pango keeps one per thread */
	p.pc = pango_cairo_create_context(p.cr);
	pango_cairo_context_set_resolution(p.pc, 72);  /* font sizes in PDF points */
	pango_context_set_language(p.pc, pango_language_from_string("zh-cn"));
	p.attrs = pango_attr_list_new();
	/* the AST keeps raw HTML nodes whatever the options; walk() drops them */
	doc = cmark_parse_document(body_n ? l->body_md : "", body_n, CMARK_OPT_VALIDATE_UTF8);
	if (doc) {
		letter(&p, l, doc);
		cmark_node_free(doc);
	} else {
		p.err = ERR_NOMEM;
	}
	pango_attr_list_unref(p.attrs);
	g_object_unref(p.pc);
	cairo_destroy(p.cr);
	LSAN_OFF();
	cairo_surface_finish(s);
	LSAN_ON();
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (pdf.err)
		return pdf.err;
	if (p.err)
		return p.err;
	if (st != CAIRO_STATUS_SUCCESS)
		return st == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_INTERNAL;
	*out = pdf.p;
	*len = pdf.n;
	return 0;
}
