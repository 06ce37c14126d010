/* xml.h - a small, non-validating XML reader for the parts of office files
 * (DOCX, XLSX): it walks start tags, end tags and character data and checks
 * that tags are complete and nest, and leaves the meaning of elements to
 * the caller's callbacks. Comments, processing instructions and <!...>
 * declarations are skipped; CDATA is passed as text. Namespaces are not
 * resolved: names are compared as written ("w:t").
 *
 * Shared by the annual-report checker (the text of a DOCX) and the
 * publishing-safety extractor (DOCX and XLSX text). */
#ifndef GK_CORE_XML_H
#define GK_CORE_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"

struct arena;

/* Callbacks; any may be NULL. A nonzero return stops the walk, and
 * xml_walk returns that value. depth is the element's own depth (1 for the
 * root), the same in start and end. A self-closing element gets start and
 * then end. attrs is the attribute text of the tag (without the name and
 * without a trailing '/'); read it with xml_attr. Character data comes
 * raw: decode it with xml_text_next (ents false for CDATA). */
struct xml_handler {
	void *ctx;
	int (*start)(void *ctx, struct str name, struct str attrs, size_t depth);
	int (*end)(void *ctx, struct str name, size_t depth);
	int (*text)(void *ctx, const char *p, const char *e, bool cdata);
};

/* Why a walk failed (ERR_INVALID). what is a Chinese phrase to follow a
 * line number ("的注释没有结束", "的结束标签与开始标签不配对"; static),
 * line the 1-based line where the bad construct starts; no_root when the
 * input holds no element at all (what is then NULL). */
struct xml_error {
	const char *what;
	size_t line;
	bool no_root;
};

/* Walk xml (n bytes) calling h. The stack of open elements (at most
 * max_depth deep) is arena memory. Returns 0 when the input was one
 * well-nested root element, ERR_INVALID with *err filled, ERR_NOMEM, or a
 * callback's nonzero value. */
int xml_walk(struct arena *a, const char *xml, size_t n, size_t max_depth, const struct xml_handler *h,
	     struct xml_error *err);

/* Decode one character of character data at *cur (< end) and advance:
 * with ents, the five named entities and &#N; / &#xN; references (NUL,
 * surrogates and values past U+10FFFF give U+FFFD); an unknown entity is
 * read as a plain '&'. Invalid UTF-8 gives U+FFFD, one byte at a time. */
uint32_t xml_text_next(const char **cur, const char *end, bool ents);

/* The value (raw, entities not decoded) of attribute name in a tag's
 * attribute text. false when absent or when the text is malformed before
 * it. */
bool xml_attr(struct str attrs, const char *name, struct str *out);

#endif
