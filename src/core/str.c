#include "str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "banned.h"

struct str str_c(const char *s)
{
	return s ? (struct str){ s, strlen(s) } : (struct str){ "", 0 };
}

bool str_eq(struct str a, struct str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool str_eq_c(struct str a, const char *c)
{
	return str_eq(a, str_c(c));
}

bool str_starts(struct str a, const char *prefix)
{
	size_t n = strlen(prefix);

	return a.n >= n && memcmp(a.p, prefix, n) == 0;
}

static size_t space_at(const char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n'))
		return 1;
	if (n >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
	    (unsigned char)p[2] == 0x80)
		return 3; /* U+3000 ideographic space */
	return 0;
}

struct str str_trim(struct str s)
{
	size_t k;

	while (s.n && (k = space_at(s.p, s.n)) != 0) {
		s.p += k;
		s.n -= k;
	}
	for (;;) {
		if (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' ||
			    s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
			s.n--;
		else if (s.n >= 3 && space_at(s.p + s.n - 3, 3) == 3)
			s.n -= 3;
		else
			break;
	}
	return s;
}

void buf_init(struct buf *b, struct arena *a, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->a = a;
	b->max = max;
}

static int buf_grow(struct buf *b, size_t extra)
{
	size_t want, cap;
	char *np;

	if (b->err)
		return b->err;
	if (extra > b->max || b->n + extra > b->max)
		return b->err = ERR_TOO_LARGE;
	want = b->n + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	np = arena_alloc(b->a, cap);
	if (!np)
		return b->err = ERR_NOMEM;
	if (b->n)
		memcpy(np, b->p, b->n);
	b->p = np;
	b->cap = cap;
	return 0;
}

void buf_append(struct buf *b, const char *p, size_t n)
{
	if (n == 0 || buf_grow(b, n))
		return;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = ERR_INVALID;
		return;
	}
	if (n == 0 || buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

const char *buf_cstr(struct buf *b)
{
	if (b->err || !b->p)
		return "";
	return b->p;
}

int num_parse(const char *p, size_t n, long long min, long long max, long long *out)
{
	char tmp[32];
	char *end;
	long long v;

	if (n == 0 || n >= sizeof(tmp) || memchr(p, '\0', n))
		return ERR_INVALID;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (!((tmp[0] >= '0' && tmp[0] <= '9') || tmp[0] == '-'))
		return ERR_INVALID;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return ERR_INVALID;
	*out = v;
	return 0;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	while (p < e) {
		unsigned c = *p;
		if (c < 0x80) {
			p++;
		} else if (c >= 0xC2 && c <= 0xDF) {
			if (e - p < 2 || (p[1] & 0xC0) != 0x80)
				return false;
			p += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
				return false;
			if (c == 0xE0 && p[1] < 0xA0)
				return false;
			if (c == 0xED && p[1] >= 0xA0)
				return false; /* surrogates */
			p += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
			    (p[3] & 0xC0) != 0x80)
				return false;
			if (c == 0xF0 && p[1] < 0x90)
				return false;
			if (c == 0xF4 && p[1] >= 0x90)
				return false;
			p += 4;
		} else {
			return false;
		}
	}
	return true;
}

uint32_t utf8_next(const char **cur, const char *end)
{
	const unsigned char *p = (const unsigned char *)*cur;
	const unsigned char *e = (const unsigned char *)end;
	uint32_t cp;
	size_t len;

	if (p >= e)
		return 0;
	if (p[0] < 0x80) {
		*cur += 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2, cp = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3, cp = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4, cp = p[0] & 0x07;
	else
		goto bad;
	if ((size_t)(e - p) < len)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		goto bad;
	*cur += len;
	return cp;
bad:
	*cur += 1;
	return 0xFFFD;
}

size_t utf8_len(const char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			k++;
	return k;
}

size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

bool utf8_line_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!utf8_valid(s, n) || utf8_len(s, n) > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return false;
	return true;
}

bool utf8_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return utf8_valid(s, n) && utf8_len(s, n) <= max;
}
