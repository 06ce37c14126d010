/* layout.h - what the DOCX, XLSX and PDF renderers share about a report
 * table: the cells that start a span, the grid with its spans resolved
 * (report_grid), the width of text in em (report_text_em) and column
 * widths from the cells' text (report_col_widths). Internal to
 * src/domain/report. */
#ifndef GK_DOMAIN_REPORT_LAYOUT_H
#define GK_DOMAIN_REPORT_LAYOUT_H

#include <stdbool.h>

#include "domain/report/report.h"

struct arena;

static inline bool is_origin(const struct rcell *cell)
{
	return cell->rowspan >= 1 && cell->colspan >= 1;
}

static inline const char *cell_text(const struct rtable *t, int i)
{
	return is_origin(&t->cells[i]) && t->cells[i].text ? t->cells[i].text : "";
}

static inline bool cell_head(const struct rtable *t, int i)
{
	return is_origin(&t->cells[i]) && t->cells[i].head;
}

static inline bool cell_num(const struct rtable *t, int i)
{
	return is_origin(&t->cells[i]) && t->cells[i].num && !t->cells[i].head;
}

/* The cells of t as a grid: own[i] is the index of the cell whose span
 * covers cell i (i itself for a cell that starts a span), rs and cs the
 * spans of those cells, clamped to the table; a covered cell no span
 * reaches is an empty cell of its own, and a span that would overlap an
 * earlier one stops short of it. *head_rows: the header rows to repeat on
 * each page. Arena arrays of nrows * ncols. */
int report_grid(struct arena *a, const struct rtable *t, int **own, int **rs, int **cs, int *head_rows);
/* The width of s in em, as the renderers lay text out. */
double report_text_em(const char *s);
/* Column widths w[ncols] (em) for t from its cells' text; when avail > 0
 * and they do not fit, figure columns narrow first, then labels, and the
 * result is scaled to avail. */
void report_col_widths(const struct rtable *t, const int *own, const int *cs, double avail, double *w);

#endif
