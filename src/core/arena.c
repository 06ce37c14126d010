#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct arena_block {
	struct arena_block *next;
	size_t cap;
	size_t off;
	max_align_t data[];
};

#define ARENA_BLOCK_MIN (16 * 1024)

void arena_init(struct arena *a, size_t limit)
{
	memset(a, 0, sizeof(*a));
	a->limit = limit;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
	a->count = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct arena_block *b = a->head;
	size_t need;
	void *p;

	a->count++;
	if (a->fail_at && a->count == a->fail_at)
		return NULL;
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / 2)
		return NULL;
	need = (n + align - 1) & ~(align - 1);
	if (a->limit && a->used + need > a->limit)
		return NULL;
	if (!b || b->cap - b->off < need) {
		size_t cap = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
		/* grow block size with use so large requests make few blocks */
		if (b && b->cap * 2 > cap && b->cap < 1024 * 1024)
			cap = b->cap * 2 > need ? b->cap * 2 : need;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->off = 0;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->off;
	b->off += need;
	a->used += need;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p)
		memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *p, size_t n)
{
	char *s = arena_alloc(a, n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = arena_alloc(a, (size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}
