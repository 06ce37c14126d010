#include "render/markdown.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

/* cmark 0.29 made safe mode the default (CMARK_OPT_UNSAFE opts out); before
 * it, the same options would let raw HTML through. */
#if CMARK_VERSION < ((0 << 16) | (29 << 8))
#error "libcmark >= 0.29 is needed: older versions render raw HTML by default"
#endif
#ifndef CMARK_OPT_UNSAFE
#error "libcmark without CMARK_OPT_UNSAFE: its default may not be safe mode"
#endif

/* Never add CMARK_OPT_UNSAFE (raw HTML, javascript: links) or
 * CMARK_OPT_SMART (curly quotes and dashes change the author's text). */
#define MD_OPTIONS CMARK_OPT_VALIDATE_UTF8

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

int markdown_to_html(struct arena *a, const char *md, size_t n, struct safe_html *out)
{
	char *html, *copy;
	size_t len;

	html = cmark_markdown_to_html(md && n ? md : "", md ? n : 0, MD_OPTIONS);
	if (!html)
		return ERR_NOMEM;
	len = strlen(html);
	copy = arena_strndup(a, html, len);
	free(html);
	if (!copy)
		return ERR_NOMEM;
	/* safe mode above: cmark escapes text and drops raw HTML */
	*out = safe_html_from_trusted(copy, len);
	return 0;
}

/* Plain text with collapsed whitespace, counting code points, and stopping
 * once it has more than max of them (max 0: never). */
struct text {
	struct buf b;
	size_t max;
	size_t count;
	bool space;  /* whitespace seen since the last character written */
	bool full;   /* over max: the rest of the document is not needed */
};

static bool text_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
	       cp == '\v' || cp == 0xA0 || cp == 0x3000;
}

/* Write one code point (bytes p, n), a pending space before it. */
static void text_put(struct text *t, const char *p, size_t n)
{
	if (t->space && t->b.n) {
		t->space = false;
		text_put(t, " ", 1);
	}
	t->space = false;
	if (t->full)
		return;
	buf_append(&t->b, p, n);
	t->count++;
	if (t->max && t->count > t->max)
		t->full = true;
}

static void text_add(struct text *t, const char *s)
{
	const char *cur = s, *end = s + strlen(s);

	while (cur < end && !t->full) {
		const char *start = cur;
		uint32_t cp = utf8_next(&cur, end);

		if (text_space(cp))
			t->space = true;
		else
			text_put(t, start, (size_t)(cur - start));
	}
}

/* Cut t after max code points and add the ellipsis. */
static void text_cut(struct text *t)
{
	const char *cur = t->b.p, *end = t->b.p + t->b.n;

	for (size_t k = 0; k < t->max && cur < end; k++)
		utf8_next(&cur, end);
	t->b.n = (size_t)(cur - t->b.p);
	while (t->b.n && t->b.p[t->b.n - 1] == ' ')
		t->b.n--;
	buf_puts(&t->b, ELLIPSIS);
}

static void text_walk(struct text *t, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while (!t->full && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);

		switch (cmark_node_get_type(nd)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			text_add(t, cmark_node_get_literal(nd));
			break;
		case CMARK_NODE_CODE_BLOCK:
			text_add(t, cmark_node_get_literal(nd));
			t->space = true;
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
		case CMARK_NODE_THEMATIC_BREAK:
		case CMARK_NODE_HTML_BLOCK:
			t->space = true;
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_BLOCK_QUOTE:
		case CMARK_NODE_LIST:
			if (ev == CMARK_EVENT_EXIT)
				t->space = true;
			break;
		default:
			/* inline HTML is dropped; emphasis and links keep only
			 * their children's text */
			break;
		}
	}
	cmark_iter_free(it);
}

int markdown_to_text(struct arena *a, const char *md, size_t n, size_t max_chars,
		     const char **out)
{
	struct text t = { .max = max_chars };
	cmark_node *doc;

	if (n > SIZE_MAX / 4)
		return ERR_TOO_LARGE;
	/* decoding can turn one invalid byte into U+FFFD, three bytes */
	buf_init(&t.b, a, 3 * n + 16);
	doc = cmark_parse_document(md && n ? md : "", md ? n : 0, MD_OPTIONS);
	if (!doc)
		return ERR_NOMEM;
	text_walk(&t, doc);
	cmark_node_free(doc);
	if (t.full)
		text_cut(&t);
	if (t.b.err)
		return t.b.err;
	*out = t.b.p ? t.b.p : "";
	return 0;
}
