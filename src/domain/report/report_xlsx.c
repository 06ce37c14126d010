/* report_xlsx.c - the annual report's three tables as an Excel workbook
 * (report.h), with libxlsxwriter.
 *
 * One worksheet per table, named 表二, 表三 and 表四 (from d->t2, d->t3,
 * d->t4). Each sheet starts with the report's title (row 1) and the
 * table's section heading (row 2), both merged across the table; the
 * table follows from row 3 with the same merges as the document
 * (worksheet_merge_range), thin borders, header and label cells bold and
 * centred, figures right-aligned and written as numbers (with as many
 * decimals as the text has: "78.6400" stays 78.6400 in a 0.0000 format),
 * text wrapped in its cell. Column widths follow the text (at most about
 * 24 characters, then the text wraps); row heights are set from the
 * wrapped lines, since spreadsheet programs do not grow a row for a merged
 * cell. Printing: A4 landscape, one page wide, the header rows repeated.
 *
 * libxlsxwriter writes to a file: a private temporary file in /tmp
 * (mkstemps), read back into out and removed. Text is cleaned first:
 * invalid UTF-8 becomes U+FFFD and control characters other than the
 * newline become spaces. Thread-safe: each call has its own workbook and
 * file. */
#include "domain/report/report.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/arena.h"
#include "domain/report/layout.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

#define FONT "仿宋"
#define FONT_PT 11.0
#define LINE_PT 15.0     /* the height of one wrapped line at 11 pt */
#define COL_UNITS 2.1    /* Excel column units per em at 11 pt */
#define MAX_DEC 8        /* decimals of a figure */
#define TEXT_MAX 32000   /* bytes of one cell's text (Excel's limit is 32,767 characters) */

struct fmts {
	lxw_format *title, *heading, *head, *text, *num[MAX_DEC + 1];
};

struct book {
	struct arena *a;
	lxw_workbook *wb;
	struct fmts f;
	int err;
};

/* Note the first error; libxlsxwriter's codes become ours. */
static void check(struct book *bk, lxw_error e)
{
	if (e != LXW_NO_ERROR && !bk->err)
		bk->err = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? ERR_NOMEM :
			  e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ? ERR_TOO_LARGE : ERR_INTERNAL;
}

/* s as valid UTF-8 without control characters (a newline stays), at most
 * TEXT_MAX bytes, cut on a character. */
static const char *clean(struct book *bk, const char *s)
{
	const char *cur = s ? s : "", *end = cur + strlen(cur);
	struct buf b;

	buf_init(&b, bk->a, TEXT_MAX + 8);
	while (cur < end && b.n < TEXT_MAX) {
		const char *at = cur;
		uint32_t cp = utf8_next(&cur, end);
		char u[4];

		if (cp == '\n') {
			buf_putc(&b, '\n');
		} else if (cp < 0x20 || cp == 0x7F) {
			if (cp != '\r')
				buf_putc(&b, ' ');
		} else if (cp == 0xFFFD && cur - at == 1) {
			buf_append(&b, u, utf8_put(u, 0xFFFD));
		} else {
			buf_append(&b, at, (size_t)(cur - at));
		}
	}
	if (b.err && !bk->err)
		bk->err = b.err;
	return buf_cstr(&b);
}

/* A figure: [-+]digits[.digits]; *dec gets the number of decimals. */
static bool figure(const char *s, double *v, int *dec)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	*dec = 0;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++, (*dec)++;
		if (!*dec)
			return false;
	}
	if (*p || !digits || digits > 15 || *dec > MAX_DEC)
		return false;
	*v = strtod(s, NULL);
	return true;
}

static lxw_format *cell_format(struct book *bk, bool bold, int align)
{
	lxw_format *f = workbook_add_format(bk->wb);

	if (!f) {
		bk->err = ERR_NOMEM;
		return NULL;
	}
	format_set_font_name(f, FONT);
	format_set_font_size(f, FONT_PT);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, (uint8_t)align);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(f);
	if (bold)
		format_set_bold(f);
	return f;
}

static void formats(struct book *bk)
{
	struct fmts *f = &bk->f;

	f->title = workbook_add_format(bk->wb);
	f->heading = workbook_add_format(bk->wb);
	if (!f->title || !f->heading) {
		bk->err = ERR_NOMEM;
		return;
	}
	format_set_font_name(f->title, FONT);
	format_set_font_size(f->title, 16);
	format_set_bold(f->title);
	format_set_align(f->title, LXW_ALIGN_CENTER);
	format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(f->title);
	format_set_font_name(f->heading, FONT);
	format_set_font_size(f->heading, 12);
	format_set_bold(f->heading);
	format_set_align(f->heading, LXW_ALIGN_LEFT);
	format_set_align(f->heading, LXW_ALIGN_VERTICAL_CENTER);
	f->head = cell_format(bk, true, LXW_ALIGN_CENTER);
	f->text = cell_format(bk, false, LXW_ALIGN_LEFT);
	for (int d = 0; d <= MAX_DEC && !bk->err; d++) {
		char pattern[16] = "0";

		if (d) {
			pattern[1] = '.';
			memset(pattern + 2, '0', (size_t)d);
			pattern[2 + d] = '\0';
		}
		f->num[d] = cell_format(bk, false, LXW_ALIGN_RIGHT);
		if (f->num[d])
			format_set_num_format(f->num[d], pattern);
	}
}

/* The lines text wraps into in a cell w ems wide (CJK and full-width
 * characters 1 em, others 1/2). */
static int lines_in(const char *text, double w)
{
	const char *cur = text, *end = text + strlen(text);
	double line = 0;
	int lines = 1;

	w = w > 1.5 ? w - 0.5 : 1;  /* the cell's padding */
	while (cur < end) {
		uint32_t cp = utf8_next(&cur, end);
		double cw = cp >= 0x1100 ? 1.0 : 0.5;

		if (cp == '\n') {
			lines++;
			line = 0;
		} else if (line + cw > w + 1e-9 && line > 0) {
			lines++;
			line = cw;
		} else {
			line += cw;
		}
	}
	return lines;
}

static void sheet(struct book *bk, const char *name, const char *title, const struct rtable *t)
{
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, name);
	int *own, *rs, *cs, head_rows, nc = t->ncols, nr = t->nrows, top = 2, rc;
	double *w, *h, total = 0;
	const char *heading, **texts;

	if (!ws) {
		bk->err = ERR_INTERNAL;
		return;
	}
	if ((rc = report_grid(bk->a, t, &own, &rs, &cs, &head_rows))) {
		bk->err = rc;
		return;
	}
	w = arena_zalloc(bk->a, (size_t)(nc ? nc : 1) * sizeof(double));
	h = arena_zalloc(bk->a, (size_t)(nr ? nr : 1) * sizeof(double));
	texts = arena_zalloc(bk->a, ((size_t)nr * (size_t)nc + 1) * sizeof(*texts));
	if (!w || !h || !texts) {
		bk->err = ERR_NOMEM;
		return;
	}
	worksheet_set_paper(ws, 9);  /* A4 */
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
	worksheet_center_horizontally(ws);

	/* the report's title and the table's heading, across the table */
	heading = clean(bk, t->title);
	if (nc > 1) {
		check(bk, worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(nc - 1), clean(bk, title),
						bk->f.title));
		check(bk, worksheet_merge_range(ws, 1, 0, 1, (lxw_col_t)(nc - 1), heading, bk->f.heading));
	} else {
		check(bk, worksheet_write_string(ws, 0, 0, clean(bk, title), bk->f.title));
		check(bk, worksheet_write_string(ws, 1, 0, heading, bk->f.heading));
	}
	if (!nr || !nc) {
		check(bk, worksheet_set_row(ws, 0, 30, NULL));
		return;
	}

	report_col_widths(t, own, cs, 0, w);
	for (int c = 0; c < nc; c++) {
		if (w[c] > 12)
			w[c] = 12;   /* a spanning cell may have widened it: wrap instead */
		check(bk, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w[c] * COL_UNITS, NULL));
		total += w[c];
	}
	/* the title (16 pt) wraps over the table's width */
	check(bk, worksheet_set_row(ws, 0, lines_in(clean(bk, title), total * FONT_PT / 16) * 22 + 8, NULL));
	check(bk, worksheet_set_row(ws, 1, 22, NULL));
	for (int i = 0; i < nr * nc && !bk->err; i++) {
		int r = i / nc, c = i % nc, dec = 0;
		lxw_row_t row = (lxw_row_t)(top + r);
		const char *text;
		lxw_format *f;
		double v = 0;
		bool is_num;

		if (own[i] != i)
			continue;
		text = texts[i] = clean(bk, t->cells[i].rowspan >= 1 && t->cells[i].colspan >= 1 &&
						    t->cells[i].text ? t->cells[i].text : "");
		is_num = !t->cells[i].head && t->cells[i].num && figure(text, &v, &dec);
		f = t->cells[i].head ? bk->f.head : t->cells[i].num ? bk->f.num[dec] : bk->f.text;
		if (rs[i] > 1 || cs[i] > 1)
			check(bk, worksheet_merge_range(ws, row, (lxw_col_t)c, (lxw_row_t)(row + rs[i] - 1),
							(lxw_col_t)(c + cs[i] - 1), is_num ? "" : text, f));
		if (is_num)
			check(bk, worksheet_write_number(ws, row, (lxw_col_t)c, v, f));
		else if (rs[i] == 1 && cs[i] == 1 && *text)
			check(bk, worksheet_write_string(ws, row, (lxw_col_t)c, text, f));
		else if (rs[i] == 1 && cs[i] == 1)
			check(bk, worksheet_write_blank(ws, row, (lxw_col_t)c, f));
	}
	/* row heights from the wrapped lines: one-row cells first, then a
	 * taller spanning cell grows the last row of its span */
	for (int pass = 0; pass < 2 && !bk->err; pass++) {
		for (int i = 0; i < nr * nc; i++) {
			int r = i / nc, c = i % nc;
			double width = 0, need;

			if (own[i] != i || (pass == 0) != (rs[i] == 1))
				continue;
			for (int k = 0; k < cs[i]; k++)
				width += w[c + k];
			need = lines_in(texts[i], width) * LINE_PT + 6;
			for (int k = 0; k < rs[i]; k++)
				if (h[r + k] < LINE_PT + 6)
					h[r + k] = LINE_PT + 6;
			for (int k = 0; k < rs[i] - 1; k++)
				need -= h[r + k];
			if (need > h[r + rs[i] - 1])
				h[r + rs[i] - 1] = need;
		}
	}
	for (int r = 0; r < nr && !bk->err; r++)
		check(bk, worksheet_set_row(ws, (lxw_row_t)(top + r), h[r], NULL));
	if (head_rows > 0)
		check(bk, worksheet_repeat_rows(ws, (lxw_row_t)top, (lxw_row_t)(top + head_rows - 1)));
}

/* The file's bytes appended to out. */
static int slurp(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[16384];
	size_t got;
	int rc;

	if (!f)
		return ERR_IO;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && !out->err)
		buf_append(out, chunk, got);
	rc = ferror(f) ? ERR_IO : out->err;
	fclose(f);
	return rc;
}

int report_render_xlsx(struct arena *a, const struct report_doc *d, struct buf *out)
{
	static const char *const names[] = { "表二", "表三", "表四" };
	char path[] = "/tmp/gk-report-XXXXXX.xlsx";
	struct book bk = { .a = a };
	lxw_doc_properties props = { 0 };
	lxw_error e;
	size_t n0;
	int fd, rc;

	if (!a || !d || !out)
		return ERR_INVALID;
	fd = mkstemps(path, 5);
	if (fd < 0)
		return ERR_IO;
	close(fd);
	bk.wb = workbook_new(path);
	if (!bk.wb) {
		unlink(path);
		return ERR_IO;
	}
	props.title = (char *)clean(&bk, d->title);
	props.author = (char *)clean(&bk, d->org_name);
	props.company = props.author;
	check(&bk, workbook_set_properties(bk.wb, &props));
	formats(&bk);
	for (int k = 0; k < 3 && !bk.err; k++) {
		const struct rtable *t = k == 0 ? &d->t2 : k == 1 ? &d->t3 : &d->t4;

		sheet(&bk, names[k], d->title, t);
	}
	/* workbook_close writes the file and frees the workbook in any case */
	e = workbook_close(bk.wb);
	if (!bk.err && e != LXW_NO_ERROR)
		bk.err = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? ERR_NOMEM : ERR_IO;
	n0 = out->n;
	rc = bk.err ? bk.err : slurp(path, out);
	unlink(path);
	if (rc && !out->err)
		out->n = n0;  /* nothing half-written */
	return rc;
}
