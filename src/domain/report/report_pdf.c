/* report_pdf.c - the annual report as a PDF (report.h), with cairo and
 * pango, laid out as render/pdf.c lays out letters.
 *
 * Layout after GB/T 9704: A4 portrait, margins top 37 mm, bottom 35 mm,
 * left 28 mm, right 26 mm. The title is centred, bold 22 pt serif (a
 * 小标宋 stand-in); headings bold 16 pt, sans (黑体) for "一、…" and serif
 * for deeper levels, indented two characters like the paragraphs; the
 * paragraphs 16 pt (三号) serif on a 28 pt line pitch, justified, with a
 * first-line indent of two characters. The fonts are Noto Serif CJK SC and
 * Noto Sans CJK SC, each falling back to the other and then to serif.
 *
 * Tables are drawn as tables: columns as wide as their text allows within
 * the text width, every cell bordered, merged cells one box over the rows
 * and columns they span, text wrapped inside its cell and centred
 * vertically; header and label cells bold and centred, figures
 * right-aligned; 10.5 pt (五号), 9 pt (小五) for a table of ten columns or
 * more. Pagination is by row: a row never splits across pages; a row of
 * header cells (table 二's "第二十条第（x）项") is not left alone at the
 * bottom of a page; a heading is kept with the start of the table after
 * it; when the table's header rows are its only header rows (tables 三 and
 * 四), they are drawn again at the top of each page the table continues
 * on. A cell spanning rows that a page break cuts is drawn as one box on
 * each page; its text goes in the first of those boxes tall enough for it.
 * A row taller than a page is clipped to the page.
 *
 * Every page has the footer "— N —" centred below the text area. The PDF
 * metadata has the title and the creator "gongkai". Text is cleaned first:
 * invalid UTF-8 becomes U+FFFD, a newline breaks the line (in a paragraph,
 * the line before it is not justified and the next is not indented),
 * other control characters become spaces. A paragraph over 16 KB is laid out in 16 KB
 * pieces, as render/pdf.c does (pango's int widths overflow on very long
 * paragraphs).
 *
 * Thread-safe: every call has its own cairo surface, pango context and
 * layouts, on the calling thread's default pango font map. Every cairo,
 * pango and glib object is released before returning. */
#include "domain/report/report.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

/* cairo 1.16's CFF subsetter (CID-keyed OpenType fonts such as Noto CJK)
 * leaks about 768 bytes per font dictionary while a PDF surface is
 * finished; LeakSanitizer is told to ignore that one call (as in
 * render/pdf.c). */
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
#include "domain/report/layout.h"
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
#define CHUNK (16u << 10)           /* bytes of text in one pango layout */
#define HPAD 3.0                    /* cell padding, left and right */
#define VPAD 2.5                    /* cell padding, top and bottom */
#define RULE 0.5                    /* cell borders */

#define SERIF "Noto Serif CJK SC, Noto Sans CJK SC, serif"
#define SANS "Noto Sans CJK SC, Noto Serif CJK SC, sans-serif"
#define LSEP "\xE2\x80\xA8" /* U+2028: a line break inside a paragraph */

#define TEXT_MAX (8u << 20)         /* bytes of one block's text */

struct style {
	const char *font;    /* pango font description */
	double indent;       /* of the first line; also the left margin of a heading */
	bool hang;           /* the indent is a left margin (headings) */
	PangoAlignment align;
	bool justify;
	double pitch;        /* minimum line pitch */
	double keep;         /* >= 0: keep the block on one page with this much room after it */
};

struct pdf {
	struct arena *a;
	cairo_t *cr;
	PangoContext *pc;
	double y;            /* top of the next line */
	int page;
	int err;
};

/* (s, n) as valid UTF-8 for pango: invalid bytes U+FFFD, a newline
 * U+2028, other control characters spaces. */
static const char *clean_n(struct pdf *p, const char *s, size_t n, size_t *len)
{
	const char *cur = s, *end = s + n;
	struct buf b;

	buf_init(&b, p->a, TEXT_MAX);
	while (cur < end) {
		const char *at = cur;
		uint32_t cp = utf8_next(&cur, end);
		char u[4];

		if (cp == '\n')
			buf_puts(&b, LSEP);
		else if (cp < 0x20 || cp == 0x7F)
			buf_puts(&b, cp == '\r' ? "" : " ");
		else if (cp == 0xFFFD && cur - at == 1)
			buf_append(&b, u, utf8_put(u, 0xFFFD));
		else
			buf_append(&b, at, (size_t)(cur - at));
	}
	if (b.err && !p->err)
		p->err = b.err;
	*len = b.n;
	return buf_cstr(&b);
}

static const char *clean(struct pdf *p, const char *s, size_t *len)
{
	return clean_n(p, s ? s : "", s ? strlen(s) : 0, len);
}

static PangoLayout *layout(struct pdf *p, const char *font, double width, const char *text, int n)
{
	PangoLayout *lo = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(font);

	pango_layout_set_font_description(lo, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lo, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(lo, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(lo, text, n);
	return lo;
}

static void footer(struct pdf *p)
{
	PangoLayout *lo;
	char s[48];
	int w;

	snprintf(s, sizeof(s), "\xE2\x80\x94 %d \xE2\x80\x94", p->page); /* "— N —" */
	lo = layout(p, SERIF " 14", -1, s, -1);
	pango_layout_set_width(lo, -1);
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

/* Set (text, n) in style st line by line, starting a new page wherever a
 * line does not fit. */
static void lay_out(struct pdf *p, const struct style *st, const char *text, size_t n, bool first)
{
	double left = st->hang ? st->indent : 0;
	PangoLayout *lo = layout(p, st->font, TEXT_W - left, text, (int)n);
	PangoLayoutIter *it;

	pango_layout_set_indent(lo, first && !st->hang ? (int)(st->indent * PANGO_SCALE) : 0);
	pango_layout_set_alignment(lo, st->align);
	pango_layout_set_justify(lo, st->justify);
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
		cairo_move_to(p->cr, LEFT + left + r.x / (double)PANGO_SCALE, p->y + (pitch - h) / 2 + ascent);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += pitch;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(lo);
}

/* A block of text. A newline ends a line: the text after it is laid out
 * on its own (not indented, and the line before is not justified). A
 * piece over CHUNK bytes is laid out in CHUNK pieces cut on a code point
 * boundary. */
static void text_block(struct pdf *p, const struct style *st, const char *s)
{
	const char *seg = s ? s : "";
	bool first = true;

	for (;;) {
		size_t n = strcspn(seg, "\n"), len, off = 0;
		const char *text = clean_n(p, seg, n, &len);

		while (!p->err) {
			size_t k = len - off;

			if (k > CHUNK) {
				k = CHUNK;
				while ((text[off + k] & 0xC0) == 0x80)
					k--;
			}
			lay_out(p, st, text + off, k, first);
			first = false;
			off += k;
			if (off >= len)
				break;
		}
		if (!seg[n] || p->err)
			break;
		seg += n + 1;
	}
}

/* ---- tables ---- */

struct tlay {
	const struct rtable *t;
	int nr, nc, head_rows;
	int *own, *rs, *cs;
	double *x;           /* nc + 1 column edges */
	double *h;           /* row heights */
	PangoLayout **lo;    /* per origin cell; NULL for an empty one */
	double *th;          /* per origin cell: height of its text */
	double head_h;       /* height of the header rows */
};

static bool all_head_row(const struct tlay *tl, int r)
{
	for (int c = 0; c < tl->nc; c++) {
		int i = r * tl->nc + c;
		const struct rcell *cell = &tl->t->cells[i];

		if (tl->own[i] == i && !(cell->rowspan >= 1 && cell->colspan >= 1 && cell->head))
			return false;
	}
	return true;
}

static void tlay_free(struct tlay *tl)
{
	if (!tl->lo)
		return;
	for (int i = 0; i < tl->nr * tl->nc; i++)
		if (tl->lo[i])
			g_object_unref(tl->lo[i]);
	tl->lo = NULL;
}

/* Lay out every cell of t and size the columns and rows. */
static int measure(struct pdf *p, const struct rtable *t, struct tlay *tl)
{
	double size, *w, avail = TEXT_W;
	char head_font[80], body_font[80];
	int rc, n;

	memset(tl, 0, sizeof(*tl));
	tl->t = t;
	if ((rc = report_grid(p->a, t, &tl->own, &tl->rs, &tl->cs, &tl->head_rows)))
		return rc;
	tl->nr = t->nrows;
	tl->nc = t->ncols;
	n = tl->nr * tl->nc;
	if (!n)
		return 0;
	size = tl->nc >= 10 ? 9 : 10.5;
	snprintf(head_font, sizeof(head_font), SERIF " Bold %.1f", size);
	snprintf(body_font, sizeof(body_font), SERIF " %.1f", size);
	w = arena_alloc(p->a, (size_t)tl->nc * sizeof(double));
	tl->x = arena_alloc(p->a, (size_t)(tl->nc + 1) * sizeof(double));
	tl->h = arena_zalloc(p->a, (size_t)tl->nr * sizeof(double));
	tl->th = arena_zalloc(p->a, (size_t)n * sizeof(double));
	tl->lo = arena_zalloc(p->a, (size_t)n * sizeof(PangoLayout *));
	if (!w || !tl->x || !tl->h || !tl->th || !tl->lo)
		return ERR_NOMEM;
	report_col_widths(t, tl->own, tl->cs, avail / size, w);
	tl->x[0] = LEFT;
	for (int c = 0; c < tl->nc; c++)
		tl->x[c + 1] = tl->x[c] + w[c] * size;
	tl->x[tl->nc] = LEFT + TEXT_W;
	/* one line of text at least in every row */
	for (int r = 0; r < tl->nr; r++)
		tl->h[r] = size * 1.45 + 2 * VPAD;
	for (int i = 0; i < n && !p->err; i++) {
		const struct rcell *cell = &t->cells[i];
		const char *text;
		PangoLayout *lo;
		size_t len;
		int c = i % tl->nc, lh;

		if (tl->own[i] != i || !(cell->rowspan >= 1 && cell->colspan >= 1) || !cell->text ||
		    !*cell->text)
			continue;
		text = clean(p, cell->text, &len);
		lo = layout(p, cell->head ? head_font : body_font,
			    tl->x[c + tl->cs[i]] - tl->x[c] - 2 * HPAD, text, (int)len);
		pango_layout_set_alignment(lo, cell->head ? PANGO_ALIGN_CENTER :
					   cell->num ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		pango_layout_get_size(lo, NULL, &lh);
		tl->lo[i] = lo;
		tl->th[i] = lh / (double)PANGO_SCALE + 2 * VPAD;
	}
	/* row heights: one-row cells, then a taller spanning cell grows the
	 * last row of its span; no row taller than a page */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			int r = i / tl->nc;
			double need = tl->th[i];

			if (tl->own[i] != i || (pass == 0) != (tl->rs[i] == 1))
				continue;
			for (int k = 0; k < tl->rs[i] - 1; k++)
				need -= tl->h[r + k];
			if (need > tl->h[r + tl->rs[i] - 1])
				tl->h[r + tl->rs[i] - 1] = need;
		}
	}
	for (int r = 0; r < tl->nr; r++) {
		if (tl->h[r] > TEXT_END - TOP)
			tl->h[r] = TEXT_END - TOP;
		if (r < tl->head_rows)
			tl->head_h += tl->h[r];
	}
	/* header rows taller than a third of a page are not repeated */
	if (tl->head_h > (TEXT_END - TOP) / 3)
		tl->head_rows = 0, tl->head_h = 0;
	return p->err;
}

/* The height the start of the table needs on a page: its header rows and
 * its first body row. */
static double start_height(const struct tlay *tl)
{
	double need = 0;

	for (int r = 0; r < tl->nr && r <= tl->head_rows; r++)
		need += tl->h[r];
	return need;
}

/* Draw the cell starting at i over the rows [r0, r1] at y0; text: draw its
 * text too. */
static void draw_box(struct pdf *p, const struct tlay *tl, int i, double y0, double y1, bool text)
{
	int c = i % tl->nc;
	double x0 = tl->x[c], x1 = tl->x[c + tl->cs[i]];

	cairo_rectangle(p->cr, x0, y0, x1 - x0, y1 - y0);
	cairo_stroke(p->cr);
	if (text && tl->lo[i]) {
		double th = tl->th[i] - 2 * VPAD, top = y0 + (y1 - y0 - th) / 2;

		cairo_save(p->cr);
		cairo_rectangle(p->cr, x0, y0, x1 - x0, y1 - y0);
		cairo_clip(p->cr);
		cairo_move_to(p->cr, x0 + HPAD, top > y0 + VPAD ? top : y0 + VPAD);
		pango_cairo_show_layout(p->cr, tl->lo[i]);
		cairo_restore(p->cr);
	}
}

static int draw_table(struct pdf *p, struct tlay *tl)
{
	int *pg, *piece, page = 0, pages;
	double *ry, y;
	bool *rep, fresh;

	if (!tl->nr || !tl->nc)
		return 0;
	pg = arena_alloc(p->a, (size_t)tl->nr * sizeof(int));
	ry = arena_alloc(p->a, (size_t)tl->nr * sizeof(double));
	rep = arena_zalloc(p->a, (size_t)(tl->nr + 1) * sizeof(bool));
	piece = arena_alloc(p->a, (size_t)tl->nr * (size_t)tl->nc * sizeof(int));
	if (!pg || !ry || !rep || !piece)
		return ERR_NOMEM;
	if (p->y + start_height(tl) > TEXT_END && p->y > TOP)
		new_page(p);
	/* place the rows: page (counted from this one) and top */
	y = p->y;
	fresh = true;
	for (int r = 0; r < tl->nr; r++) {
		double need = tl->h[r];

		/* a header row goes with the row after it */
		if (r + 1 < tl->nr && r >= tl->head_rows && all_head_row(tl, r))
			need += tl->h[r + 1];
		if (y + need > TEXT_END && !fresh) {
			page++;
			y = TOP;
			if (tl->head_rows && r >= tl->head_rows && tl->head_h + tl->h[r] <= TEXT_END - TOP) {
				rep[page] = true;
				y += tl->head_h;
			}
		}
		pg[r] = page;
		ry[r] = y;
		y += tl->h[r];
		fresh = false;
	}
	pages = page + 1;
	/* the piece of each spanning cell that gets its text: the first one
	 * tall enough, else the tallest */
	for (int i = 0; i < tl->nr * tl->nc; i++) {
		int r0 = i / tl->nc, best = -1;
		double best_h = -1;

		if (tl->own[i] != i)
			continue;
		for (int r = r0; r < r0 + tl->rs[i];) {
			int k = r;
			double ph = 0;

			while (k < r0 + tl->rs[i] && pg[k] == pg[r])
				ph += tl->h[k++];
			if (best < 0 || (best_h < tl->th[i] && ph > best_h)) {
				best = pg[r];
				best_h = ph;
			}
			r = k;
		}
		piece[i] = best;
	}
	cairo_set_line_width(p->cr, RULE);
	for (page = 0; page < pages; page++) {
		if (page > 0)
			new_page(p);
		if (rep[page]) {
			double hy = TOP;

			for (int r = 0; r < tl->head_rows; r++) {
				for (int c = 0; c < tl->nc; c++) {
					int i = r * tl->nc + c;
					double y1 = hy;

					if (tl->own[i] != i)
						continue;
					for (int k = 0; k < tl->rs[i]; k++)
						y1 += tl->h[r + k];
					draw_box(p, tl, i, hy, y1, true);
				}
				hy += tl->h[r];
			}
		}
		for (int i = 0; i < tl->nr * tl->nc; i++) {
			int r0 = i / tl->nc, first = -1, last = -1;

			if (tl->own[i] != i)
				continue;
			for (int r = r0; r < r0 + tl->rs[i]; r++) {
				if (pg[r] == page) {
					if (first < 0)
						first = r;
					last = r;
				}
			}
			if (first >= 0)
				draw_box(p, tl, i, ry[first], ry[last] + tl->h[last], piece[i] == page);
		}
	}
	p->y = ry[tl->nr - 1] + tl->h[tl->nr - 1] + PITCH / 2;
	return 0;
}

/* ---- the document ---- */

static void report(struct pdf *p, const struct report_doc *d)
{
	const struct style title = { SERIF " Bold 22", 0, false, PANGO_ALIGN_CENTER, false, 36, -1 };
	const struct style body = { SERIF " 16", 2 * EM, false, PANGO_ALIGN_LEFT, true, PITCH, -1 };
	struct style h1 = { SANS " Bold 16", 2 * EM, true, PANGO_ALIGN_LEFT, false, PITCH, PITCH };
	struct style h2 = { SERIF " Bold 16", 2 * EM, true, PANGO_ALIGN_LEFT, false, PITCH, PITCH };

	text_block(p, &title, d->title);
	p->y += PITCH;
	for (size_t i = 0; i < d->nblocks && !p->err; i++) {
		const struct rblock *bl = &d->blocks[i];
		const struct rblock *next = i + 1 < d->nblocks ? &d->blocks[i + 1] : NULL;
		struct tlay tl;

		switch (bl->kind) {
		case RB_HEADING:
			/* a heading is not left alone at the bottom of a page:
			 * it keeps a line of text or the start of a table */
			if (next && next->kind == RB_TABLE && next->table) {
				if ((p->err = measure(p, next->table, &tl)) == 0) {
					h1.keep = h2.keep = start_height(&tl);
					text_block(p, bl->level <= 1 ? &h1 : &h2, bl->text);
					if (!p->err)
						p->err = draw_table(p, &tl);
				}
				tlay_free(&tl);
				i++;
				h1.keep = h2.keep = PITCH;
			} else {
				text_block(p, bl->level <= 1 ? &h1 : &h2, bl->text);
			}
			break;
		case RB_PARA:
			text_block(p, &body, bl->text);
			break;
		case RB_TABLE:
			if (!bl->table) {
				p->err = ERR_INVALID;
				break;
			}
			if ((p->err = measure(p, bl->table, &tl)) == 0)
				p->err = draw_table(p, &tl);
			tlay_free(&tl);
			break;
		default:
			p->err = ERR_INVALID;
			break;
		}
	}
	footer(p);
}

/* cairo's write callback: the PDF goes into out. */
static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int n)
{
	struct buf *b = closure;

	buf_append(b, (const char *)data, n);
	return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int report_render_pdf(struct arena *a, const struct report_doc *d, struct buf *out)
{
	struct pdf p = { .a = a, .y = TOP, .page = 1 };
	cairo_surface_t *s;
	cairo_status_t st;
	size_t n0, len;
	const char *title;

	if (!a || !d || !out || (d->nblocks && !d->blocks))
		return ERR_INVALID;
	if (out->err)
		return out->err;
	n0 = out->n;
	title = clean(&p, d->title, &len);
	if (p.err)
		return p.err;
	s = cairo_pdf_surface_create_for_stream(sink, out, PAGE_W, PAGE_H);
	p.cr = cairo_create(s);
	if ((st = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		cairo_destroy(p.cr);
		cairo_surface_destroy(s);
		return st == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_INTERNAL;
	}
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "gongkai");
	if (d->org_name && *d->org_name)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, clean(&p, d->org_name, &len));
	/* the calling thread's default font map: pango keeps one per thread */
	p.pc = pango_cairo_create_context(p.cr);
	pango_cairo_context_set_resolution(p.pc, 72);  /* font sizes in PDF points */
	pango_context_set_language(p.pc, pango_language_from_string("zh-cn"));
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	report(&p, d);
	g_object_unref(p.pc);
	cairo_destroy(p.cr);
	LSAN_OFF();
	cairo_surface_finish(s);
	LSAN_ON();
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (!p.err && out->err)
		p.err = out->err;
	if (!p.err && st != CAIRO_STATUS_SUCCESS)
		p.err = st == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_INTERNAL;
	if (p.err && !out->err)
		out->n = n0;  /* nothing half-written */
	return p.err;
}
