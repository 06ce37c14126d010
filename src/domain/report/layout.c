/* layout.c - the grid of a report table (spans resolved, clamped and
 * checked) and column widths from the text, shared by the DOCX, XLSX and
 * PDF renderers. See layout.h. */
#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/report/layout.h"
#include "core/banned.h"


/* A row of header cells only. */
static bool head_row(const struct rtable *t, const int *own, int r)
{
	for (int c = 0; c < t->ncols; c++) {
		int i = r * t->ncols + c;

		if (own[i] == i && !cell_head(t, i))
			return false;
	}
	return true;
}

/* The leading header rows, when they are the table's only header: rows of
 * header cells whose spans end inside them, and no header row further
 * down (table 二 starts a header for each 第二十条 item: nothing repeats
 * there). 0 when none. */
static int head_rows_of(const struct rtable *t, const int *own, const int *rs)
{
	int end = 0, last = 0, r;

	for (r = 0; r < t->nrows && head_row(t, own, r); r++) {
		for (int c = 0; c < t->ncols; c++) {
			int i = r * t->ncols + c;

			if (own[i] == i && r + rs[i] > end)
				end = r + rs[i];
		}
		if (end <= r + 1)
			last = r + 1;
	}
	for (r = last; r < t->nrows; r++)
		if (head_row(t, own, r))
			return 0;
	return last == t->nrows ? 0 : last;
}

/* The cells of t as a grid: own[i] is the index of the cell whose span
 * covers cell i (i itself for a cell that starts a span), rs and cs the
 * spans of those cells, clamped to the table; a covered cell no span
 * reaches is an empty cell of its own, and a span that would overlap an
 * earlier one stops short of it. *head_rows: the header rows to repeat on
 * each page. Arena arrays of nrows * ncols. */
int report_grid(struct arena *a, const struct rtable *t, int **own_out, int **rs_out, int **cs_out,
		int *head_rows)
{
	int nr = t->nrows, nc = t->ncols, *own, *rs, *cs;
	size_t n;

	if (nr < 0 || nc < 0 || nr > 10000 || nc > 200 || (nr > 0 && nc > 0 && !t->cells))
		return ERR_INVALID;
	n = (size_t)nr * (size_t)nc;
	own = arena_alloc(a, (n ? n : 1) * sizeof(int));
	rs = arena_alloc(a, (n ? n : 1) * sizeof(int));
	cs = arena_alloc(a, (n ? n : 1) * sizeof(int));
	if (!own || !rs || !cs)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		own[i] = -1, rs[i] = cs[i] = 0;
	for (int r = 0; r < nr; r++) {
		for (int c = 0; c < nc; c++) {
			int i = r * nc + c, h, w;
			const struct rcell *cell = &t->cells[i];

			if (own[i] >= 0)
				continue;
			h = is_origin(cell) ? cell->rowspan : 1;
			w = is_origin(cell) ? cell->colspan : 1;
			if (h > nr - r)
				h = nr - r;
			if (w > nc - c)
				w = nc - c;
			for (int k = 1; k < w; k++) {
				if (own[i + k] >= 0) {
					w = k;
					break;
				}
			}
			for (int k = 1; k < h; k++) {
				bool free_row = true;

				for (int j = 0; j < w; j++)
					free_row = free_row && own[(r + k) * nc + c + j] < 0;
				if (!free_row) {
					h = k;
					break;
				}
			}
			rs[i] = h;
			cs[i] = w;
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					own[(r + y) * nc + c + x] = i;
		}
	}
	*own_out = own;
	*rs_out = rs;
	*cs_out = cs;
	*head_rows = head_rows_of(t, own, rs);
	return 0;
}

/* Width in ems of the longest line of s: CJK and full-width characters 1,
 * others 1/2. */
double report_text_em(const char *s)
{
	const char *cur = s, *end = s + strlen(s);
	double w = 0, best = 0;

	while (cur < end) {
		uint32_t cp = utf8_next(&cur, end);

		if (cp == '\n') {
			w = 0;
			continue;
		}
		w += cp >= 0x1100 ? 1.0 : 0.5;
		if (w > best)
			best = w;
	}
	return best;
}

#define COL_MIN 2.0    /* ems: a text column */
#define FIG_MIN 3.0    /* ems: a column of figures (its header wraps at two or three characters) */
#define COL_CAP 12.0   /* ems: a column wider than this wraps its text */

/* Widths in ems of the columns of t (one em of padding included): each
 * column as wide as its widest one-column cell, up to COL_CAP; a spanning
 * cell widens its columns evenly when they are too narrow for it. When
 * avail > 0 the widths then fit avail exactly: too wide, the columns of
 * figures give way first (down to FIG_MIN or their widest figure), then
 * the label columns (down to COL_MIN); too narrow, every column grows in
 * proportion. */
void report_col_widths(const struct rtable *t, const int *own, const int *cs, double avail, double *w)
{
	double sum = 0, floor[200];
	bool fig[200];
	int nc = t->ncols;

	if (nc > 200)
		return;
	for (int c = 0; c < nc; c++) {
		w[c] = floor[c] = COL_MIN;
		fig[c] = false;
	}
	for (int i = 0; i < t->nrows * nc; i++) {
		int c = i % nc;

		if (own[i] == i && cs[i] == 1 && cell_num(t, i)) {
			double need = report_text_em(cell_text(t, i)) + 1;

			fig[c] = true;
			if (floor[c] < FIG_MIN)
				floor[c] = FIG_MIN;
			if (need > floor[c])
				floor[c] = need;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < t->nrows * nc; i++) {
			double need, have = 0;
			int c = i % nc;

			if (own[i] != i || (pass == 0) != (cs[i] == 1))
				continue;
			need = report_text_em(cell_text(t, i)) + 1;
			if (need > COL_CAP * cs[i])
				need = COL_CAP * cs[i];
			for (int k = 0; k < cs[i]; k++)
				have += w[c + k];
			if (need > have)
				for (int k = 0; k < cs[i]; k++)
					w[c + k] += (need - have) / cs[i];
		}
	}
	for (int c = 0; c < nc; c++) {
		if (w[c] < floor[c])
			w[c] = floor[c];
		sum += w[c];
	}
	if (avail <= 0)
		return;
	/* figures give way first, then labels */
	for (int pass = 0; pass < 2 && sum > avail; pass++) {
		double slack = 0, cut;

		for (int c = 0; c < nc; c++)
			if (fig[c] == (pass == 0))
				slack += w[c] - floor[c];
		if (slack <= 0)
			continue;
		cut = sum - avail > slack ? 1.0 : (sum - avail) / slack;
		sum = 0;
		for (int c = 0; c < nc; c++) {
			if (fig[c] == (pass == 0))
				w[c] -= (w[c] - floor[c]) * cut;
			sum += w[c];
		}
	}
	if (sum > 0)
		for (int c = 0; c < nc; c++)
			w[c] *= avail / sum;
}
