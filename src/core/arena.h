/* arena.h - region allocator. One arena per request (or per CLI command);
 * everything allocated from it is freed at once by arena_release(). */
#ifndef GK_CORE_ARENA_H
#define GK_CORE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;   /* bytes handed out, for limits and statistics */
	size_t limit;  /* 0 = unlimited; past it allocations fail */
	long fail_at;  /* test knob: fail the Nth allocation (0 = never) */
	long count;    /* allocations so far, for fail_at */
};

/* Initialise an empty arena; limit 0 means no limit. Never fails. */
void arena_init(struct arena *a, size_t limit);
/* Free every block; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);
/* n bytes aligned for any type, or NULL when out of memory or past the limit.
 * Owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
/* As arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);
/* NUL-terminated copy of (p, n); NULL on failure. Owned by the arena. */
char *arena_strndup(struct arena *a, const char *p, size_t n);
/* NUL-terminated copy of s (NULL stays NULL). Owned by the arena. */
char *arena_strdup(struct arena *a, const char *s);
/* printf into a new arena string; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
