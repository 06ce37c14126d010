/* markdown.h - CommonMark (libcmark) to safe HTML and to plain text.
 *
 * The input is user-written (catalog item bodies, replies, notices), so the
 * HTML is rendered in cmark's safe mode: raw HTML blocks and inline tags are
 * replaced by an HTML comment, and links and images whose URL is
 * javascript:, vbscript:, file: or data: (other than png/gif/jpeg/webp
 * images) get an empty URL. Smart punctuation is off; a line break inside a
 * paragraph is a soft break as CommonMark says (two trailing spaces or a
 * backslash make a <br />). Invalid UTF-8 becomes U+FFFD. CommonMark has no
 * tables, so pipe tables stay paragraphs of text.
 *
 * Both functions are thread-safe. cmark aborts the process when malloc
 * fails; the arena copies can fail with ERR_NOMEM.
 */
#ifndef GK_RENDER_MARKDOWN_H
#define GK_RENDER_MARKDOWN_H

#include <stddef.h>

#include "render/html.h"

struct arena;

/* Render (md, n) as HTML into *out, which points to a NUL-terminated copy
 * in the arena (cmark's own memory is freed before returning). md may be
 * NULL when n is 0. Returns 0, or ERR_NOMEM (*out untouched). */
int markdown_to_html(struct arena *a, const char *md, size_t n, struct safe_html *out);

/* Plain text of (md, n) for summaries, feeds and search snippets: the text
 * of every paragraph, heading, list item, code span and block, and link and
 * image text; raw HTML, URLs and markup characters are dropped, entities
 * decoded; runs of whitespace (U+3000 and U+00A0 included) and block
 * boundaries become one ASCII space, none at either end. When the text has
 * more than max_chars code points it is cut after max_chars of them (on a
 * code point boundary, trailing space removed) and "…" is appended, so the
 * result has at most max_chars + 1 code points; max_chars 0 means no limit.
 *
 * *out is a NUL-terminated arena string of valid UTF-8. It is text, not
 * HTML: escape it where it goes (templates do). Returns 0, ERR_NOMEM, or
 * ERR_TOO_LARGE for n over SIZE_MAX / 4 (*out untouched on error). */
int markdown_to_text(struct arena *a, const char *md, size_t n, size_t max_chars,
		     const char **out);

#endif
