/* grow.h - arena arrays that grow by doubling, for reading result rows. */
#ifndef GK_STORE_GROW_H
#define GK_STORE_GROW_H

#include <string.h>

#include "core/arena.h"

/* Make room for element n of *arr (elements of size sz, capacity *cap).
 * Returns a pointer to the zeroed element n, or NULL when out of memory. */
static inline void *grow_slot(struct arena *a, void **arr, size_t n, size_t *cap, size_t sz)
{
	if (n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *na = arena_alloc(a, nc * sz);

		if (!na)
			return NULL;
		if (n)
			memcpy(na, *arr, n * sz);
		*arr = na;
		*cap = nc;
	}
	memset((char *)*arr + n * sz, 0, sz);
	return (char *)*arr + n * sz;
}

#endif
