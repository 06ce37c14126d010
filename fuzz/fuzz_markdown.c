/* fuzz_markdown.c - Markdown as users write it (item bodies, replies,
 * letters) on any bytes: the HTML is valid UTF-8 and holds no raw tag a
 * user could smuggle (no "<script", no "<iframe", no on... attribute
 * inside a tag, no "javascript:" link), and the plain text is valid UTF-8 within its
 * character limit; fts_match_expr (the search box) never fails on the same
 * bytes and gives valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "render/markdown.h"
#include "store/fts.h"
#include "core/banned.h"

static struct fts_ctx *fts;

/* Does a tag (between < and >) hold an event handler attribute? Escaped
 * text (&lt;img onerror=...) is only text. */
static bool handler_in_tag(const char *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (h[i] != '<')
			continue;
		for (j = i + 1; j < n && h[j] != '>'; j++)
			if ((h[j] == ' ' || h[j] == '\t' || h[j] == '\n') && j + 3 < n && strncasecmp(h + j + 1, "on", 2) == 0)
				return true;
		i = j;
	}
	return false;
}

static bool contains_ci(const char *h, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(h + i, needle, k) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct safe_html h;
	const char *text = NULL, *expr = NULL;

	if (size > 1 << 16)
		return 0;
	if (!fts && fts_ctx_new(NULL, &fts))
		abort();
	arena_init(&a, 1 << 26);
	if (markdown_to_html(&a, (const char *)data, size, &h) == 0) {
		if (!utf8_valid(h.p, h.n) || contains_ci(h.p, h.n, "<script") || contains_ci(h.p, h.n, "<iframe") ||
		    handler_in_tag(h.p, h.n) || contains_ci(h.p, h.n, "href=\"javascript:"))
			abort();
	}
	if (markdown_to_text(&a, (const char *)data, size, 100, &text) == 0) {
		size_t n = strlen(text);

		if (!utf8_valid(text, n) || utf8_len(text, n) > 101)
			abort();
	}
	if (fts_match_expr(fts, &a, (const char *)data, size, &expr) || !expr || !utf8_valid(expr, strlen(expr)))
		abort();
	arena_release(&a);
	return 0;
}
