/* tmpl.h - a small Mustache-like template engine that escapes by default.
 *
 * Syntax (whitespace inside tags is ignored; output whitespace is kept as
 * written, there is no standalone-line trimming):
 *
 *   {{name}}          the value, HTML-escaped (text and quoted attributes)
 *   {{name|attr}}     the same; says "this is an attribute" to the reader
 *   {{name|url}}      the value percent-encoded as one URL component
 *   {{{name}}}        raw output; only a value of kind html (struct
 *                     safe_html) is written raw, anything else is escaped
 *                     anyway and a debug line is logged
 *   {{#name}}..{{/name}}  a list renders the body once per element, with the
 *                     element pushed on the context stack; any other truthy
 *                     value renders it once with the value pushed. Falsy:
 *                     missing, null, false, 0, "", empty list.
 *   {{^name}}..{{/name}}  the body once if the value is falsy
 *   {{.}}             the top of the context stack (the current element)
 *   {{a.b.c}}         a is looked up through the context stack, innermost
 *                     first; b and c only inside what a names
 *   {{> name}}        the template called name from the same set, rendered
 *                     with the current context stack
 *   {{! comment }}    nothing
 *
 * Names are made of A-Z a-z 0-9 _ - and '.' between parts (partial names may
 * also hold '/'). A name that resolves to nothing renders as the empty
 * string. As in Mustache, a key missing from an inner map is taken from an
 * outer one: in recursive data (a tree rendered by a partial that includes
 * itself) give leaves an explicit empty list, or they loop to the depth cap.
 * Ints print in decimal, bools as true and false; null, lists and maps
 * print nothing. Mustache's {{&name}} and delimiter changes are not
 * supported (they are parse errors), so `{{{` is the one greppable way to
 * write raw HTML.
 *
 * Layouts: a page template includes {{> header}} and {{> footer}}; or the
 * page body is rendered with tmpl_render_html and handed to a layout
 * template as an html value written with {{{body}}}.
 *
 * Values are a tree of struct tv built per request in an arena. A tmpl_set
 * is parsed once at startup, is immutable afterwards and may be used by any
 * number of threads at once.
 */
#ifndef GK_RENDER_TMPL_H
#define GK_RENDER_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "render/html.h"

struct arena;
struct buf;

/* ---- values ------------------------------------------------------------
 *
 * A template value: null, bool, int, string, html, list or map. Opaque; built
 * only with the functions below. Every tv lives in the arena given to
 * tv_map() and is freed with it. Strings and keys are copied into the arena,
 * so callers may pass stack or temporary buffers; html values are not copied
 * (a safe_html already points into an arena or static storage).
 *
 * Errors are sticky on the root: when an allocation fails, or a builder is
 * called on the wrong kind (tv_set_* on a list, a NULL key), the root records
 * the first error, builders returning a container return NULL, and every
 * builder given NULL does nothing. Build the whole tree, then check once with
 * tv_err() or let tmpl_render() report it. Setting a key that is already set
 * replaces its value.
 */
struct tv;

/* A new empty map, the root of a value tree, allocated from a. NULL when out
 * of memory; tmpl_render() then fails with ERR_NOMEM. */
struct tv *tv_map(struct arena *a);

/* The sticky error of the tree v belongs to: 0, ERR_NOMEM or ERR_INVALID.
 * ERR_NOMEM for NULL. */
int tv_err(const struct tv *v);

/* map[key] = a copy of the C string s (NULL sets null). */
void tv_set_str(struct tv *map, const char *key, const char *s);
/* map[key] = a copy of (p, n); p may hold any bytes, NUL included. */
void tv_set_strn(struct tv *map, const char *key, const char *p, size_t n);
void tv_set_int(struct tv *map, const char *key, long long i);
void tv_set_bool(struct tv *map, const char *key, bool b);
/* map[key] = h, written raw by {{{key}}}. h is not copied: see safe_html. */
void tv_set_html(struct tv *map, const char *key, struct safe_html h);
/* map[key] = a new empty list or map; returns it (NULL on error). */
struct tv *tv_set_list(struct tv *map, const char *key);
struct tv *tv_set_map(struct tv *map, const char *key);

/* Append a new empty map to list; returns it (NULL on error). */
struct tv *tv_list_push_map(struct tv *list);
/* Append a copy of the C string s (NULL appends null), or of (p, n). */
void tv_list_push_str(struct tv *list, const char *s);
void tv_list_push_strn(struct tv *list, const char *p, size_t n);
void tv_list_push_int(struct tv *list, long long i);

/* ---- templates --------------------------------------------------------- */

/* One template's source. name is how tmpl_render() and {{> name}} refer to
 * it; (text, len) need not be NUL-terminated. Both are copied by
 * tmpl_set_load(). */
struct tmpl_src {
	const char *name;
	const char *text;
	size_t len;
};

struct tmpl_set;

#define TMPL_MAX_PARTIAL_DEPTH 16   /* {{> p}} nested deeper fails to render */
#define TMPL_MAX_SECTION_DEPTH 64   /* sections nested deeper fail to parse */

/* Parse the n templates srcs[] into a new set, checking that every section
 * is closed by a matching {{/name}}, every tag is terminated and well
 * formed ({{{x}}} closes with three braces, {{x}} with two), every name and
 * filter is valid, every {{> partial}} names a template of the set and no
 * two templates share a name.
 *
 * On success returns 0 and *out owns the set (free it with tmpl_set_free).
 * On failure *out is NULL and the return is ERR_INVALID for a template
 * error, with "name:line: message" written to err (NUL-terminated, cut to
 * errlen; err may be NULL when errlen is 0), or ERR_NOMEM. */
int tmpl_set_load(struct tmpl_set **out, const struct tmpl_src *srcs, size_t n,
		  char *err, size_t errlen);

/* Free the set and everything it owns. NULL is a no-op. No render may be
 * running on it. */
void tmpl_set_free(struct tmpl_set *set);

/* Whether the set has a template called name. */
bool tmpl_set_has(const struct tmpl_set *set, const char *name);

/* Render template name with ctx at the bottom of the context stack and
 * append the output to out. Returns 0; ERR_NOT_FOUND when the set has no
 * such template; the sticky error of ctx (ERR_NOMEM for a NULL ctx);
 * ERR_INVALID when partials nest deeper than TMPL_MAX_PARTIAL_DEPTH;
 * ERR_TOO_LARGE when rendering takes more than a fixed number of steps
 * (runaway partial recursion) or out goes over its cap; or out's sticky
 * error. On failure out may hold part of the output. Thread-safe for
 * concurrent calls on one set with different ctx and out. */
int tmpl_render(const struct tmpl_set *set, const char *name, const struct tv *ctx,
		struct buf *out);

/* As tmpl_render, into a new arena buffer capped at max bytes, returned as
 * safe_html for use as an html value in another template (a layout's
 * {{{body}}}). *out is set only on success. */
int tmpl_render_html(const struct tmpl_set *set, const char *name, const struct tv *ctx,
		     struct arena *a, size_t max, struct safe_html *out);

#endif
