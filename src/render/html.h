/* html.h - escaping for HTML text and attributes, URL components and XML,
 * and struct safe_html, the only kind of string that templates write raw.
 *
 * Every function here is pure and thread-safe. The buf variants append to a
 * struct buf and leave errors sticky in it (b->err), so callers check once.
 * The _str variants hand back the input itself, with no allocation, when
 * nothing needs escaping.
 */
#ifndef GK_RENDER_HTML_H
#define GK_RENDER_HTML_H

#include <stddef.h>

#include "core/str.h"

struct arena;

/* A fragment of HTML that is safe to write without escaping. Only trusted
 * code builds one: the markdown renderer, the template engine, the escape
 * helpers below, and string literals in the source. A safe_html does not
 * own p; it points into an arena or into static storage and must live as
 * long as any template value that holds it. Not necessarily NUL-terminated.
 *
 * Keep the constructors rare and greppable: `git grep safe_html_from_trusted`
 * lists every place where raw HTML enters the output. */
struct safe_html {
	const char *p;
	size_t n;
};

/* A safe_html from a string literal; anything but a literal fails to
 * compile (the "" s "" concatenation rejects variables). */
#define safe_html_from_trusted_literal(s) \
	((struct safe_html){ "" s "", sizeof(s) - 1 })

/* Wrap (p, n) as HTML without checking it. Only for code that built the
 * markup itself and escaped every piece of data in it (html_escape). p must
 * outlive the result. Never pass request or database data here. */
struct safe_html safe_html_from_trusted(const char *p, size_t n);

/* Append (p, n) to b with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;.
 * Safe in element text and in attribute values that are quoted (with " or
 * '); never write data into an unquoted attribute, a tag or attribute name,
 * a <script> or <style> body, or an event handler. Bytes are otherwise
 * copied as they are (no UTF-8 validation). Errors are sticky in b. */
void html_escape(struct buf *b, const char *p, size_t n);

/* As html_escape, into *out. When (p, n) has nothing to escape, *out is
 * (p, n) itself: no allocation, not necessarily NUL-terminated. Otherwise
 * *out is a NUL-terminated arena copy. Returns 0, or ERR_NOMEM (then *out is
 * untouched). */
int html_escape_str(struct arena *a, const char *p, size_t n, struct str *out);

/* Escaped text is HTML: as html_escape_str, but typed as safe_html so it can
 * be joined with other fragments or passed to a template's {{{raw}}} slot. */
int html_escape_safe(struct arena *a, const char *p, size_t n, struct safe_html *out);

/* Append (p, n) percent-encoded for one URL component (a path segment or a
 * query key or value): every byte except the RFC 3986 unreserved characters
 * A-Z a-z 0-9 - . _ ~ becomes %XX with upper-case hex, so UTF-8 text such as
 * 中文 becomes %E4%B8%AD%E6%96%87 and '/', '?', '&', '=', '#' are encoded too.
 * The result contains no HTML-special characters, so it may also be written
 * into a quoted attribute as it is. Errors are sticky in b. */
void url_encode_component(struct buf *b, const char *p, size_t n);

/* As url_encode_component, into *out; (p, n) itself when nothing needs
 * encoding, else a NUL-terminated arena copy. Returns 0 or ERR_NOMEM. */
int url_encode_str(struct arena *a, const char *p, size_t n, struct str *out);

/* Append (p, n) for XML text or a quoted attribute (Atom feeds, sitemaps):
 * the five characters as in html_escape, and, because XML 1.0 parsers reject
 * a whole document for them, every byte sequence that is not a character
 * XML allows (C0 controls other than tab, LF and CR; invalid UTF-8; U+FFFE,
 * U+FFFF) is replaced by U+FFFD. Errors are sticky in b. */
void xml_escape(struct buf *b, const char *p, size_t n);

#endif
