#include "render/html.h"

#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8 */
#define REPLACEMENT "\xEF\xBF\xBD"

struct safe_html safe_html_from_trusted(const char *p, size_t n)
{
	return (struct safe_html){ p ? p : "", p ? n : 0 };
}

/* The entity for an HTML-special byte, or NULL when c stands for itself. */
static const char *html_entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	}
	return NULL;
}

void html_escape(struct buf *b, const char *p, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *ent = html_entity((unsigned char)p[i]);

		if (!ent)
			continue;
		buf_append(b, p + run, i - run);
		buf_puts(b, ent);
		run = i + 1;
	}
	buf_append(b, p + run, n - run);
}

/* Bytes html_escape adds to (p, n); 0 means the input can be used as is. */
static size_t html_extra(const char *p, size_t n)
{
	size_t extra = 0;

	for (size_t i = 0; i < n; i++) {
		const char *ent = html_entity((unsigned char)p[i]);

		if (ent)
			extra += strlen(ent) - 1;
	}
	return extra;
}

int html_escape_str(struct arena *a, const char *p, size_t n, struct str *out)
{
	size_t extra = html_extra(p, n);
	struct buf b;

	if (extra == 0) {
		*out = (struct str){ n ? p : "", n };
		return 0;
	}
	if (n > SIZE_MAX / 8)
		return ERR_NOMEM;
	buf_init(&b, a, n + extra);
	html_escape(&b, p, n);
	if (b.err)
		return b.err;
	*out = (struct str){ b.p, b.n };
	return 0;
}

int html_escape_safe(struct arena *a, const char *p, size_t n, struct safe_html *out)
{
	struct str s;
	int rc = html_escape_str(a, p, n, &s);

	if (rc)
		return rc;
	*out = (struct safe_html){ s.p, s.n };
	return 0;
}

static int url_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

void url_encode_component(struct buf *b, const char *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char pct[3];

		if (url_unreserved(c))
			continue;
		buf_append(b, p + run, i - run);
		pct[0] = '%';
		pct[1] = hx[c >> 4];
		pct[2] = hx[c & 15];
		buf_append(b, pct, 3);
		run = i + 1;
	}
	buf_append(b, p + run, n - run);
}

int url_encode_str(struct arena *a, const char *p, size_t n, struct str *out)
{
	size_t reserved = 0;
	struct buf b;

	for (size_t i = 0; i < n; i++)
		if (!url_unreserved((unsigned char)p[i]))
			reserved++;
	if (reserved == 0) {
		*out = (struct str){ n ? p : "", n };
		return 0;
	}
	if (n > SIZE_MAX / 8)
		return ERR_NOMEM;
	buf_init(&b, a, n + 2 * reserved);
	url_encode_component(&b, p, n);
	if (b.err)
		return b.err;
	*out = (struct str){ b.p, b.n };
	return 0;
}

void xml_escape(struct buf *b, const char *p, size_t n)
{
	const char *end = p + n;
	size_t run = 0, i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		const char *rep = NULL;
		size_t len = 1;

		if (c < 0x80) {
			rep = html_entity(c);
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				rep = REPLACEMENT;
		} else {
			const char *cur = p + i;
			uint32_t cp = utf8_next(&cur, end);

			len = (size_t)(cur - (p + i));
			/* utf8_next reports an invalid sequence as U+FFFD
			 * consumed one byte; a real U+FFFD takes three */
			if ((cp == 0xFFFD && len == 1) || cp == 0xFFFE || cp == 0xFFFF)
				rep = REPLACEMENT;
		}
		if (rep) {
			buf_append(b, p + run, i - run);
			buf_puts(b, rep);
			run = i + len;
		}
		i += len;
	}
	buf_append(b, p + run, n - run);
}
