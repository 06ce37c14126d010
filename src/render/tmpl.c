#include "render/tmpl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "render/html.h"
#include "core/banned.h"

/* A render visits at most this many nodes; only runaway partial recursion
 * (a template that includes itself several times) gets near it. */
#define TMPL_MAX_STEPS (1UL << 22)

/* ---- values ------------------------------------------------------------ */

enum tv_kind { TV_NULL, TV_BOOL, TV_INT, TV_STR, TV_HTML, TV_LIST, TV_MAP };

struct tv_root {
	struct arena *a;
	int err;
};

/* A value is also the link in its container: a list element or a map entry
 * (then key is set). Containers keep head and tail to append in O(1). */
struct tv {
	enum tv_kind kind;
	struct tv_root *root;
	struct str key;
	struct tv *next;
	union {
		bool b;
		long long i;
		struct str s;
		struct safe_html h;
		struct {
			struct tv *head, *tail;
		} kids;
	} u;
};

struct tv *tv_map(struct arena *a)
{
	struct tv_root *root = arena_zalloc(a, sizeof(*root));
	struct tv *v;

	if (!root)
		return NULL;
	v = arena_zalloc(a, sizeof(*v));
	if (!v)
		return NULL;
	root->a = a;
	v->kind = TV_MAP;
	v->root = root;
	return v;
}

int tv_err(const struct tv *v)
{
	return v ? v->root->err : ERR_NOMEM;
}

/* Whether builders may work on c (a live container of kind k); records
 * ERR_INVALID for the wrong kind. */
static bool tv_usable(struct tv *c, enum tv_kind k)
{
	if (!c || c->root->err)
		return false;
	if (c->kind != k) {
		c->root->err = ERR_INVALID;
		return false;
	}
	return true;
}

static void tv_link(struct tv *c, struct tv *v)
{
	if (c->u.kids.tail)
		c->u.kids.tail->next = v;
	else
		c->u.kids.head = v;
	c->u.kids.tail = v;
}

static struct tv *map_find(const struct tv *map, const char *k, size_t kn)
{
	for (struct tv *v = map->u.kids.head; v; v = v->next)
		if (v->key.n == kn && memcmp(v->key.p, k, kn) == 0)
			return v;
	return NULL;
}

/* The entry for key in map, created (as null) when missing, its old value
 * dropped when present. NULL on error, which is then recorded. */
static struct tv *map_slot(struct tv *map, const char *key)
{
	struct tv *v;
	char *k;
	size_t kn;

	if (!tv_usable(map, TV_MAP))
		return NULL;
	if (!key) {
		map->root->err = ERR_INVALID;
		return NULL;
	}
	kn = strlen(key);
	v = map_find(map, key, kn);
	if (v) {
		memset(&v->u, 0, sizeof(v->u));
		v->kind = TV_NULL;
		return v;
	}
	v = arena_zalloc(map->root->a, sizeof(*v));
	k = arena_strndup(map->root->a, key, kn);
	if (!v || !k) {
		map->root->err = ERR_NOMEM;
		return NULL;
	}
	v->kind = TV_NULL;
	v->root = map->root;
	v->key = (struct str){ k, kn };
	tv_link(map, v);
	return v;
}

/* A new null element at the end of list; NULL on error (recorded). */
static struct tv *list_slot(struct tv *list)
{
	struct tv *v;

	if (!tv_usable(list, TV_LIST))
		return NULL;
	v = arena_zalloc(list->root->a, sizeof(*v));
	if (!v) {
		list->root->err = ERR_NOMEM;
		return NULL;
	}
	v->kind = TV_NULL;
	v->root = list->root;
	tv_link(list, v);
	return v;
}

/* Make slot v a copy of (p, n); a NULL p makes it null. */
static void tv_put_str(struct tv *v, const char *p, size_t n)
{
	char *s;

	if (!v || !p)
		return;
	s = arena_strndup(v->root->a, p, n);
	if (!s) {
		v->root->err = ERR_NOMEM;
		return;
	}
	v->kind = TV_STR;
	v->u.s = (struct str){ s, n };
}

static void tv_put_int(struct tv *v, long long i)
{
	if (!v)
		return;
	v->kind = TV_INT;
	v->u.i = i;
}

static struct tv *tv_put_kind(struct tv *v, enum tv_kind k)
{
	if (!v)
		return NULL;
	v->kind = k;
	return v;
}

void tv_set_str(struct tv *map, const char *key, const char *s)
{
	tv_put_str(map_slot(map, key), s, s ? strlen(s) : 0);
}

void tv_set_strn(struct tv *map, const char *key, const char *p, size_t n)
{
	tv_put_str(map_slot(map, key), p ? p : "", p ? n : 0);
}

void tv_set_int(struct tv *map, const char *key, long long i)
{
	tv_put_int(map_slot(map, key), i);
}

void tv_set_bool(struct tv *map, const char *key, bool b)
{
	struct tv *v = tv_put_kind(map_slot(map, key), TV_BOOL);

	if (v)
		v->u.b = b;
}

void tv_set_html(struct tv *map, const char *key, struct safe_html h)
{
	struct tv *v = tv_put_kind(map_slot(map, key), TV_HTML);

	if (v)
		v->u.h = h.p ? h : (struct safe_html){ "", 0 };
}

struct tv *tv_set_list(struct tv *map, const char *key)
{
	return tv_put_kind(map_slot(map, key), TV_LIST);
}

struct tv *tv_set_map(struct tv *map, const char *key)
{
	return tv_put_kind(map_slot(map, key), TV_MAP);
}

struct tv *tv_list_push_map(struct tv *list)
{
	return tv_put_kind(list_slot(list), TV_MAP);
}

void tv_list_push_str(struct tv *list, const char *s)
{
	tv_put_str(list_slot(list), s, s ? strlen(s) : 0);
}

void tv_list_push_strn(struct tv *list, const char *p, size_t n)
{
	tv_put_str(list_slot(list), p ? p : "", p ? n : 0);
}

void tv_list_push_int(struct tv *list, long long i)
{
	tv_put_int(list_slot(list), i);
}

static bool tv_truthy(const struct tv *v)
{
	if (!v)
		return false;
	switch (v->kind) {
	case TV_NULL: return false;
	case TV_BOOL: return v->u.b;
	case TV_INT: return v->u.i != 0;
	case TV_STR: return v->u.s.n != 0;
	case TV_HTML: return v->u.h.n != 0;
	case TV_LIST: return v->u.kids.head != NULL;
	case TV_MAP: return true;
	}
	return false;
}

/* ---- compiled templates ------------------------------------------------ */

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };
enum filter { F_HTML, F_URL };

struct node {
	enum node_kind kind;
	enum filter filter;
	unsigned line;
	struct str text;  /* N_TEXT: the literal; else the name as written */
	struct str *seg;  /* the name split at '.'; none for "." */
	size_t nseg;
	size_t end;       /* sections: index of the first node after the body */
	size_t partial;   /* N_PARTIAL: index of the template in the set */
};

struct tmpl {
	const char *name;
	struct node *nodes;
	size_t n;
};

/* Everything, the struct itself included, lives in its own arena. */
struct tmpl_set {
	struct arena arena;
	struct tmpl *t;
	size_t n;
};

struct parser {
	struct arena *a;
	struct tmpl *t;
	size_t cap;
	const char *end;
	unsigned line;
	size_t open[TMPL_MAX_SECTION_DEPTH];  /* node indices of open sections */
	size_t nopen;
	char *err;
	size_t errlen;
};

/* Write the message into err (when there is room) and return ERR_INVALID. */
__attribute__((format(printf, 3, 4)))
static int tmpl_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return ERR_INVALID;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ERR_INVALID;
}

/* "name:line: message"; fmt needs at least one argument (C17 macros) */
#define parse_error(ps, line, fmt, ...)                                 \
	tmpl_error((ps)->err, (ps)->errlen, "%s:%u: " fmt, (ps)->t->name, \
		   (line), __VA_ARGS__)

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static struct str trim(struct str s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

static unsigned count_lines(const char *p, size_t n)
{
	unsigned k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

static bool name_char(char c, bool partial)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || (partial && c == '/');
}

/* Whether s is a valid value name: "." or parts joined by single dots. */
static bool name_ok(struct str s, bool partial)
{
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (!name_char(s.p[i], partial))
			return false;
	if (partial || (s.n == 1 && s.p[0] == '.'))
		return true;
	if (s.p[0] == '.' || s.p[s.n - 1] == '.')
		return false;
	for (size_t i = 1; i < s.n; i++)
		if (s.p[i] == '.' && s.p[i - 1] == '.')
			return false;
	return true;
}

static struct node *new_node(struct parser *ps, enum node_kind kind, unsigned line)
{
	struct node *nd;

	/* cap was counted from the text, so this is a bug if it fires */
	if (ps->t->n == ps->cap)
		return NULL;
	nd = &ps->t->nodes[ps->t->n++];
	memset(nd, 0, sizeof(*nd));
	nd->kind = kind;
	nd->line = line;
	return nd;
}

/* Split nd->text at dots into nd->seg. */
static int split_name(struct parser *ps, struct node *nd)
{
	struct str s = nd->text;
	size_t k = 1, i, start;

	if (s.n == 1 && s.p[0] == '.')
		return 0;
	for (i = 0; i < s.n; i++)
		k += s.p[i] == '.';
	nd->seg = arena_alloc(ps->a, k * sizeof(*nd->seg));
	if (!nd->seg)
		return ERR_NOMEM;
	for (i = 0, start = 0; i <= s.n; i++) {
		if (i < s.n && s.p[i] != '.')
			continue;
		nd->seg[nd->nseg++] = (struct str){ s.p + start, i - start };
		start = i + 1;
	}
	return 0;
}

static int add_text(struct parser *ps, const char *p, size_t n)
{
	struct node *nd;

	if (n == 0)
		return 0;
	nd = new_node(ps, N_TEXT, ps->line);
	if (!nd)
		return ERR_INTERNAL;
	nd->text = (struct str){ p, n };
	ps->line += count_lines(p, n);
	return 0;
}

/* One tag: body is what stands between the braces, raw says it had three. */
static int add_tag(struct parser *ps, struct str body, bool raw, unsigned line)
{
	struct str name, filter = { "", 0 };
	enum node_kind kind = raw ? N_RAW : N_VAR;
	struct node *nd;
	const char *bar;
	char sigil;

	body = trim(body);
	if (body.n == 0)
		return parse_error(ps, line, "empty tag%s", "");
	sigil = raw ? 0 : body.p[0];
	if (sigil == '!')
		return 0;
	if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>') {
		body.p++;
		body.n--;
		body = trim(body);
	}
	name = body;
	bar = memchr(body.p, '|', body.n);
	if (bar) {
		name = trim((struct str){ body.p, (size_t)(bar - body.p) });
		filter = trim((struct str){ bar + 1, body.n - (size_t)(bar - body.p) - 1 });
		if (raw || sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>')
			return parse_error(ps, line, "a filter is allowed only in {{name|filter}}: "
					   "'%.*s'", (int)body.n, body.p);
		if (!str_eq_c(filter, "url") && !str_eq_c(filter, "attr"))
			return parse_error(ps, line, "unknown filter '%.*s' (use url or attr)",
					   (int)filter.n, filter.p);
	}
	if (!name_ok(name, sigil == '>'))
		return parse_error(ps, line, "invalid name '%.*s' in tag", (int)name.n, name.p);

	switch (sigil) {
	case '/': {
		const struct node *open;

		if (ps->nopen == 0)
			return parse_error(ps, line, "'{{/%.*s}}' closes no open section",
					   (int)name.n, name.p);
		open = &ps->t->nodes[ps->open[ps->nopen - 1]];
		if (!str_eq(open->text, name))
			return parse_error(ps, line, "'{{/%.*s}}' does not close '%.*s' "
					   "opened at line %u", (int)name.n, name.p,
					   (int)open->text.n, open->text.p, open->line);
		ps->t->nodes[ps->open[--ps->nopen]].end = ps->t->n;
		return 0;
	}
	case '>':
		nd = new_node(ps, N_PARTIAL, line);
		if (!nd)
			return ERR_INTERNAL;
		nd->text = name;
		return 0;
	case '#':
	case '^':
		if (ps->nopen == TMPL_MAX_SECTION_DEPTH)
			return parse_error(ps, line, "sections nested deeper than %d",
					   TMPL_MAX_SECTION_DEPTH);
		kind = sigil == '#' ? N_SECTION : N_INVERTED;
		ps->open[ps->nopen++] = ps->t->n;
		break;
	}
	nd = new_node(ps, kind, line);
	if (!nd)
		return ERR_INTERNAL;
	nd->text = name;
	nd->filter = str_eq_c(filter, "url") ? F_URL : F_HTML;
	return split_name(ps, nd);
}

/* Parse the tag that opens at *cur ("{{"), advance *cur past it. */
static int parse_tag(struct parser *ps, const char **cur)
{
	const char *p = *cur + 2, *close, *after, *nested;
	unsigned line = ps->line;
	bool raw = p < ps->end && *p == '{';
	struct str body;
	int rc;

	if (raw)
		p++;
	close = memmem(p, (size_t)(ps->end - p), "}}", 2);
	if (!close)
		return parse_error(ps, line, "unterminated tag '%.*s'",
				   (int)(ps->end - *cur > 20 ? 20 : ps->end - *cur), *cur);
	body = (struct str){ p, (size_t)(close - p) };
	nested = memmem(body.p, body.n, "{{", 2);
	if (nested && !(!raw && trim(body).n && trim(body).p[0] == '!'))
		return parse_error(ps, line, "unterminated tag: '{{' again before '}}'%s", "");
	after = close + 2;
	if (raw) {
		if (after == ps->end || *after != '}')
			return parse_error(ps, line, "'{{{%.*s}}' must close with '}}}'",
					   (int)body.n, body.p);
		after++;
	}
	if (after < ps->end && *after == '}')
		return parse_error(ps, line, "unbalanced braces after '%.*s': raw output is "
				   "'{{{name}}}'; put a space before a literal '}'",
				   (int)body.n, body.p);
	rc = add_tag(ps, body, raw, line);
	if (rc)
		return rc;
	ps->line += count_lines(*cur, (size_t)(after - *cur));
	*cur = after;
	return 0;
}

static size_t count_tags(const char *p, size_t n)
{
	size_t k = 0;
	const char *end = p + n, *q;

	while ((q = memmem(p, (size_t)(end - p), "{{", 2)) != NULL) {
		k++;
		p = q + 2;
	}
	return k;
}

static int parse_template(struct parser *ps, const char *text, size_t len)
{
	const char *cur = text, *open;
	size_t tags = count_tags(text, len);
	int rc;

	/* each tag adds at most one node and one text node before it */
	ps->cap = 2 * tags + 1;
	ps->t->nodes = arena_alloc(ps->a, ps->cap * sizeof(*ps->t->nodes));
	if (!ps->t->nodes)
		return ERR_NOMEM;
	ps->end = text + len;
	ps->line = 1;
	ps->nopen = 0;
	while (cur < ps->end) {
		open = memmem(cur, (size_t)(ps->end - cur), "{{", 2);
		if (!open)
			open = ps->end;
		rc = add_text(ps, cur, (size_t)(open - cur));
		if (rc)
			return rc;
		cur = open;
		if (cur < ps->end) {
			rc = parse_tag(ps, &cur);
			if (rc)
				return rc;
		}
	}
	if (ps->nopen) {
		const struct node *nd = &ps->t->nodes[ps->open[ps->nopen - 1]];

		return parse_error(ps, nd->line, "section '%.*s' is never closed",
				   (int)nd->text.n, nd->text.p);
	}
	return 0;
}

static const struct tmpl *find_tmpl(const struct tmpl_set *set, const char *p, size_t n)
{
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->t[i].name) == n && memcmp(set->t[i].name, p, n) == 0)
			return &set->t[i];
	return NULL;
}

static int link_partials(struct tmpl_set *set, struct parser *ps)
{
	for (size_t i = 0; i < set->n; i++) {
		struct tmpl *t = &set->t[i];

		ps->t = t;
		for (size_t j = 0; j < t->n; j++) {
			struct node *nd = &t->nodes[j];
			const struct tmpl *to;

			if (nd->kind != N_PARTIAL)
				continue;
			to = find_tmpl(set, nd->text.p, nd->text.n);
			if (!to)
				return parse_error(ps, nd->line, "unknown partial '%.*s'",
						   (int)nd->text.n, nd->text.p);
			nd->partial = (size_t)(to - set->t);
		}
	}
	return 0;
}

int tmpl_set_load(struct tmpl_set **out, const struct tmpl_src *srcs, size_t n,
		  char *err, size_t errlen)
{
	struct tmpl_set *set = NULL;
	struct parser ps;
	struct arena a;
	int rc = ERR_NOMEM;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	arena_init(&a, 0);
	set = arena_zalloc(&a, sizeof(*set));
	if (!set)
		goto fail;
	set->t = arena_zalloc(&a, (n ? n : 1) * sizeof(*set->t));
	if (!set->t)
		goto fail;
	memset(&ps, 0, sizeof(ps));
	ps.a = &a;
	ps.err = err;
	ps.errlen = errlen;
	for (size_t i = 0; i < n; i++) {
		struct tmpl *t = &set->t[i];
		const char *text;

		if (!srcs[i].name || (!srcs[i].text && srcs[i].len)) {
			rc = tmpl_error(err, errlen, "template %zu: no name or text", i);
			goto fail;
		}
		if (find_tmpl(set, srcs[i].name, strlen(srcs[i].name))) {
			rc = tmpl_error(err, errlen, "%s: two templates have this name",
					srcs[i].name);
			goto fail;
		}
		t->name = arena_strdup(&a, srcs[i].name);
		text = arena_strndup(&a, srcs[i].len ? srcs[i].text : "", srcs[i].len);
		if (!t->name || !text) {
			rc = ERR_NOMEM;
			goto fail;
		}
		set->n = i + 1;
		ps.t = t;
		rc = parse_template(&ps, text, srcs[i].len);
		if (rc)
			goto fail;
	}
	rc = link_partials(set, &ps);
	if (rc)
		goto fail;
	set->arena = a;  /* the set now owns its own arena */
	*out = set;
	return 0;
fail:
	if (rc == ERR_NOMEM)
		tmpl_error(err, errlen, "out of memory loading templates");
	arena_release(&a);
	return rc;
}

void tmpl_set_free(struct tmpl_set *set)
{
	struct arena a;

	if (!set)
		return;
	a = set->arena;  /* set lives inside the arena: copy it out first */
	arena_release(&a);
}

bool tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set && name && find_tmpl(set, name, strlen(name));
}

/* ---- rendering --------------------------------------------------------- */

/* The context stack, innermost first; frames live on the C stack. */
struct frame {
	const struct tv *v;
	const struct frame *up;
};

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	unsigned depth;      /* partials entered */
	unsigned long steps; /* nodes visited */
};

static const struct tv *lookup(const struct frame *f, const struct node *nd)
{
	const struct tv *v = NULL;

	if (nd->nseg == 0)
		return f->v;
	for (; f; f = f->up) {
		if (f->v->kind == TV_MAP) {
			v = map_find(f->v, nd->seg[0].p, nd->seg[0].n);
			if (v)
				break;
		}
	}
	for (size_t k = 1; v && k < nd->nseg; k++)
		v = v->kind == TV_MAP ? map_find(v, nd->seg[k].p, nd->seg[k].n) : NULL;
	return v;
}

static void put_escaped(struct buf *out, enum filter filter, const char *p, size_t n)
{
	if (filter == F_URL)
		url_encode_component(out, p, n);
	else
		html_escape(out, p, n);
}

static void put_value(struct buf *out, const struct tv *v, enum filter filter)
{
	char num[32];
	int k;

	if (!v)
		return;
	switch (v->kind) {
	case TV_BOOL:
		put_escaped(out, filter, v->u.b ? "true" : "false", v->u.b ? 4 : 5);
		break;
	case TV_INT:
		k = snprintf(num, sizeof(num), "%lld", v->u.i);
		put_escaped(out, filter, num, (size_t)k);
		break;
	case TV_STR:
		put_escaped(out, filter, v->u.s.p, v->u.s.n);
		break;
	case TV_HTML:
		/* {{x}} means text even for html: the markup shows, escaped */
		put_escaped(out, filter, v->u.h.p, v->u.h.n);
		break;
	case TV_NULL:
	case TV_LIST:
	case TV_MAP:
		break;
	}
}

static void put_raw(struct render *r, const struct tmpl *t, const struct node *nd,
		    const struct tv *v)
{
	if (v && v->kind == TV_HTML) {
		buf_append(r->out, v->u.h.p, v->u.h.n);
		return;
	}
	if (v && v->kind == TV_STR)
		log_msg(LOG_DEBUG, "template %s:%u: {{{%.*s}}} got a plain string, "
			"escaped it", t->name, nd->line, (int)nd->text.n, nd->text.p);
	put_value(r->out, v, F_HTML);
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t from, size_t to,
			const struct frame *f);

static int render_section(struct render *r, const struct tmpl *t, size_t i,
			  const struct frame *f)
{
	const struct node *nd = &t->nodes[i];
	const struct tv *v = lookup(f, nd);
	struct frame inner = { v, f };
	int rc;

	if (nd->kind == N_INVERTED)
		return tv_truthy(v) ? 0 : render_nodes(r, t, i + 1, nd->end, f);
	if (!tv_truthy(v))
		return 0;
	if (v->kind != TV_LIST)
		return render_nodes(r, t, i + 1, nd->end, &inner);
	for (const struct tv *el = v->u.kids.head; el; el = el->next) {
		inner.v = el;
		rc = render_nodes(r, t, i + 1, nd->end, &inner);
		if (rc)
			return rc;
	}
	return 0;
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t from, size_t to,
			const struct frame *f)
{
	size_t i = from;
	int rc;

	while (i < to) {
		const struct node *nd = &t->nodes[i];

		if (r->out->err)
			return r->out->err;
		if (++r->steps > TMPL_MAX_STEPS)
			return err_log(ERR_TOO_LARGE, "template %s:%u: rendering takes over "
				       "%lu steps", t->name, nd->line, TMPL_MAX_STEPS);
		switch (nd->kind) {
		case N_TEXT:
			buf_append(r->out, nd->text.p, nd->text.n);
			i++;
			break;
		case N_VAR:
			put_value(r->out, lookup(f, nd), nd->filter);
			i++;
			break;
		case N_RAW:
			put_raw(r, t, nd, lookup(f, nd));
			i++;
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = render_section(r, t, i, f);
			if (rc)
				return rc;
			i = nd->end;
			break;
		case N_PARTIAL: {
			const struct tmpl *p = &r->set->t[nd->partial];

			if (r->depth == TMPL_MAX_PARTIAL_DEPTH)
				return err_log(ERR_INVALID, "template %s:%u: partials nested "
					       "deeper than %d", t->name, nd->line,
					       TMPL_MAX_PARTIAL_DEPTH);
			r->depth++;
			rc = render_nodes(r, p, 0, p->n, f);
			r->depth--;
			if (rc)
				return rc;
			i++;
			break;
		}
		}
	}
	return r->out->err;
}

int tmpl_render(const struct tmpl_set *set, const char *name, const struct tv *ctx,
		struct buf *out)
{
	const struct tmpl *t = name ? find_tmpl(set, name, strlen(name)) : NULL;
	struct render r = { set, out, 0, 0 };
	struct frame root = { ctx, NULL };
	int rc;

	if (!t)
		return err_log(ERR_NOT_FOUND, "template %s: not found", name ? name : "(null)");
	rc = tv_err(ctx);
	if (rc)
		return rc;
	if (out->err)
		return out->err;
	return render_nodes(&r, t, 0, t->n, &root);
}

int tmpl_render_html(const struct tmpl_set *set, const char *name, const struct tv *ctx,
		     struct arena *a, size_t max, struct safe_html *out)
{
	struct buf b;
	int rc;

	buf_init(&b, a, max);
	rc = tmpl_render(set, name, ctx, &b);
	if (rc)
		return rc;
	/* the engine escaped every value, so its output is HTML */
	*out = safe_html_from_trusted(b.p ? b.p : "", b.n);
	return 0;
}
