/* xml.c - see xml.h. Moved out of the annual-report checker's DOCX reader
 * so the publishing-safety extractor reads XML the same way. */
#include "core/xml.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

struct walk {
	struct arena *a;
	const char *start, *end;
	struct str *stk;  /* open elements */
	size_t depth, cap, max;
	struct xml_error *err;
};

static int fail(struct walk *w, const char *at_p, const char *what)
{
	size_t line = 1;

	for (const char *p = w->start; p < at_p && p < w->end; p++)
		line += *p == '\n';
	w->err->what = what;
	w->err->line = line;
	return ERR_INVALID;
}

static int push(struct walk *w, struct str name, const char *at_p)
{
	if (w->depth == w->max)
		return fail(w, at_p, "嵌套层数过多");
	if (w->depth == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct str *stk;

		if (cap > w->max)
			cap = w->max;
		if (!(stk = arena_alloc(w->a, cap * sizeof(*stk))))
			return ERR_NOMEM;
		if (w->depth)
			memcpy(stk, w->stk, w->depth * sizeof(*stk));
		w->stk = stk;
		w->cap = cap;
	}
	w->stk[w->depth++] = name;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int xml_walk(struct arena *a, const char *xml, size_t n, size_t max_depth, const struct xml_handler *h,
	     struct xml_error *err)
{
	struct walk w = { .a = a, .start = xml, .end = xml + n, .max = max_depth ? max_depth : 1, .err = err };
	const char *p = xml, *e = xml + n;
	bool root = false;
	int rc = 0;

	*err = (struct xml_error){ 0 };
	while (p < e && !rc) {
		const char *lt = memchr(p, '<', (size_t)(e - p)), *q;
		struct str name;

		if (!lt) {
			if (h->text)
				rc = h->text(h->ctx, p, e, false);
			break;
		}
		if (lt > p && h->text && (rc = h->text(h->ctx, p, lt, false)))
			break;
		p = lt;
		if ((size_t)(e - p) >= 4 && !memcmp(p, "<!--", 4)) {
			if (!(q = memmem(p + 4, (size_t)(e - p - 4), "-->", 3)))
				return fail(&w, p, "的注释没有结束");
			p = q + 3;
		} else if ((size_t)(e - p) >= 9 && !memcmp(p, "<![CDATA[", 9)) {
			if (!(q = memmem(p + 9, (size_t)(e - p - 9), "]]>", 3)))
				return fail(&w, p, "的 CDATA 没有结束");
			if (h->text)
				rc = h->text(h->ctx, p + 9, q, true);
			p = q + 3;
		} else if ((size_t)(e - p) >= 2 && p[1] == '?') {
			if (!(q = memmem(p + 2, (size_t)(e - p - 2), "?>", 2)))
				return fail(&w, p, "的处理指令没有结束");
			p = q + 2;
		} else if ((size_t)(e - p) >= 2 && p[1] == '!') {
			int br = 0;

			for (q = p + 2; q < e && (*q != '>' || br > 0); q++)
				br += *q == '[' ? 1 : *q == ']' ? -1 : 0;
			if (q >= e)
				return fail(&w, p, "的声明没有结束");
			p = q + 1;
		} else if ((size_t)(e - p) >= 2 && p[1] == '/') {
			const char *nb = p + 2;

			for (q = nb; q < e && !is_space(*q) && *q != '>'; q++)
				;
			name = (struct str){ nb, (size_t)(q - nb) };
			while (q < e && is_space(*q))
				q++;
			if (q >= e || *q != '>' || !name.n)
				return fail(&w, p, "的结束标签不完整");
			if (!w.depth || !str_eq(w.stk[w.depth - 1], name))
				return fail(&w, p, "的结束标签与开始标签不配对");
			if (h->end)
				rc = h->end(h->ctx, name, w.depth);
			w.depth--;
			p = q + 1;
		} else {
			const char *nb = p + 1, *ab;
			char quote = 0;
			bool self;

			for (q = nb; q < e && !is_space(*q) && *q != '>' && *q != '/'; q++)
				;
			name = (struct str){ nb, (size_t)(q - nb) };
			if (!name.n)
				return fail(&w, p, "有不完整的标签");
			for (ab = q; q < e && (quote || *q != '>'); q++)
				if (quote ? *q == quote : (*q == '"' || *q == '\''))
					quote = quote ? 0 : *q;
			if (q >= e)
				return fail(&w, p, "的标签没有结束");
			self = q[-1] == '/' && q - 1 >= ab;
			if (!w.depth && root)
				return fail(&w, p, "在根元素之后还有元素");
			root = true;
			if ((rc = push(&w, name, p)))
				return rc;
			if (h->start)
				rc = h->start(h->ctx, name, (struct str){ ab, (size_t)((self ? q - 1 : q) - ab) }, w.depth);
			if (self) {
				if (!rc && h->end)
					rc = h->end(h->ctx, name, w.depth);
				w.depth--;
			}
			p = q + 1;
		}
	}
	if (rc)
		return rc;
	if (!root) {
		err->no_root = true;
		return ERR_INVALID;
	}
	if (w.depth)
		return fail(&w, e, "：文件结束时仍有没有结束的元素");
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

uint32_t xml_text_next(const char **cur, const char *end, bool ents)
{
	const char *p = *cur;

	if (ents && *p == '&') {
		const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);

		if (semi) {
			size_t n = (size_t)(semi - p - 1);
			const char *name = p + 1;
			uint32_t c = 0;

			if (n == 2 && !memcmp(name, "lt", 2))
				c = '<';
			else if (n == 2 && !memcmp(name, "gt", 2))
				c = '>';
			else if (n == 3 && !memcmp(name, "amp", 3))
				c = '&';
			else if (n == 4 && !memcmp(name, "quot", 4))
				c = '"';
			else if (n == 4 && !memcmp(name, "apos", 4))
				c = '\'';
			else if (n >= 2 && name[0] == '#') {
				bool hex = name[1] == 'x' || name[1] == 'X';
				uint32_t v = 0;
				size_t i = hex ? 2 : 1;
				bool ok = i < n;

				for (; i < n && ok; i++) {
					int dv = is_digit(name[i]) ? name[i] - '0' :
						 hex && name[i] >= 'a' && name[i] <= 'f' ? name[i] - 'a' + 10 :
						 hex && name[i] >= 'A' && name[i] <= 'F' ? name[i] - 'A' + 10 : -1;

					if (dv < 0 || v > 0x10FFFF)
						ok = false;
					else
						v = v * (hex ? 16 : 10) + (uint32_t)dv;
				}
				c = !ok ? 0 : (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? 0xFFFD : v;
			}
			if (c) {
				*cur = semi + 1;
				return c;
			}
		}
	}
	return utf8_next(cur, end);
}

bool xml_attr(struct str attrs, const char *name, struct str *out)
{
	const char *a = attrs.p, *e = attrs.p + attrs.n;
	size_t an = strlen(name);

	while (a < e) {
		const char *nb, *q;
		char quote;

		while (a < e && (is_space(*a) || *a == '/'))
			a++;
		nb = a;
		while (a < e && *a != '=' && !is_space(*a))
			a++;
		if ((size_t)(a - nb) == 0)
			return false;
		while (a < e && *a != '=')
			a++;
		if (a >= e)
			return false;
		a++;
		while (a < e && is_space(*a))
			a++;
		if (a >= e || (*a != '"' && *a != '\''))
			return false;
		quote = *a++;
		if (!(q = memchr(a, quote, (size_t)(e - a))))
			return false;
		if ((size_t)(q - nb) > an && !memcmp(nb, name, an) && (nb[an] == '=' || nb[an] == ' ')) {
			out->p = a;
			out->n = (size_t)(q - a);
			return true;
		}
		a = q + 1;
	}
	return false;
}
