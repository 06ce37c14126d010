/* pdf.h - an official letter (答复书, 告知书) as a PDF, with cairo and pango.
 *
 * Layout after GB/T 9704: A4 portrait, margins top 37 mm, bottom 35 mm,
 * left 28 mm, right 26 mm. The title is centred in bold Noto Serif CJK SC,
 * 22 pt; an optional subtitle (the 文号, e.g. "桐教依复〔2021〕3号") is
 * centred below it in 16 pt; one blank line, then the body. The font is
 * "Noto Serif CJK SC", falling back to "Noto Sans CJK SC" and then "serif".
 *
 * The body is CommonMark, in 16 pt (三号) text on a 28 pt line pitch:
 * paragraphs have a first-line indent of two characters; headings are bold
 * (indented like paragraphs); emphasis and strong emphasis are bold; list
 * items are paragraphs starting with "1. " or "• " after the indent; each
 * block quote and each list inside a list indents its blocks by two more
 * characters (up to six levels); hard line breaks break the line; code is
 * monospace; links show their text, then the URL in full-width
 * parentheses; images show their alt text; a thematic break is a blank
 * line. A soft break is a space, except after a non-ASCII character (CJK
 * text has no spaces). Raw HTML is dropped, as cmark's safe mode does:
 * HTML blocks whole, inline tags themselves (the text between them stays,
 * as text); entities are decoded. User text never goes through pango
 * markup: bold and monospace are pango attributes over plain text, and
 * control characters become spaces.
 *
 * Pagination is by pango layout line: a line that does not fit goes to the
 * next page whole; a heading is not left alone at the bottom of a page, and
 * the signature block is kept on one page. A block over 16 KB of text is
 * laid out in 16 KB pieces (pango's int widths overflow on a paragraph of
 * about 130,000 characters), so a line also ends every 16 KB. Every page
 * has the footer "— N —" centred below the text area. The signature lines
 * are right-aligned, two characters from the right margin, two blank lines
 * after the body. The PDF metadata has the title and the creator
 * "gongkai".
 *
 * Thread-safe: every call has its own cairo surface, pango context and
 * layouts, on the calling thread's default pango font map (pango keeps one
 * per thread and frees it when the thread exits; fontconfig's caches are
 * process-wide).
 */
#ifndef GK_RENDER_PDF_H
#define GK_RENDER_PDF_H

#include <stddef.h>

struct arena;

#define PDF_MAX_BODY (2u << 20)    /* bytes of body_md */
#define PDF_MAX_FIELD (64u << 10)  /* bytes of title, subtitle, sign_lines */
#define PDF_MAX_OUTPUT (64u << 20) /* bytes of PDF */

struct pdf_letter {
	const char *title;      /* required, non-empty */
	const char *subtitle;   /* NULL or "" = none */
	const char *body_md;    /* Markdown; NULL or "" = no body */
	const char *sign_lines; /* NULL or "" = none; lines separated by '\n' */
};

/* Render l as a PDF into (*out, *len), arena memory (binary, not
 * NUL-terminated). title, subtitle and sign_lines must be valid UTF-8;
 * invalid UTF-8 in body_md becomes U+FFFD. Returns 0; ERR_INVALID for a
 * NULL or empty title or invalid UTF-8; ERR_TOO_LARGE for a body over
 * PDF_MAX_BODY, another field over PDF_MAX_FIELD or a PDF over
 * PDF_MAX_OUTPUT; ERR_NOMEM when the arena or cairo runs out of memory;
 * ERR_INTERNAL when cairo fails otherwise. *out and *len are untouched on
 * error. */
int pdf_letter_render(struct arena *a, const struct pdf_letter *l, const char **out,
		      size_t *len);

#endif
