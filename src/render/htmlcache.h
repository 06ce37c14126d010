/* htmlcache.h - rendered HTML fragments kept between requests, keyed by a
 * record's id and version (a new version never sees an old entry). Used
 * for item bodies: Markdown rendering was the largest cost of an item page. */
#ifndef GK_RENDER_HTMLCACHE_H
#define GK_RENDER_HTMLCACHE_H

#include <stdbool.h>

#include "render/html.h"

struct arena;
struct htmlcache;

/* A cache of at most `slots` entries (rounded up to a power of two). */
int htmlcache_new(unsigned slots, struct htmlcache **out);
void htmlcache_free(struct htmlcache *c);
/* On a hit, copy the fragment into the arena and return true. Thread-safe. */
bool htmlcache_get(struct htmlcache *c, long long id, int version, struct arena *a, struct safe_html *out);
/* Keep a copy of h for (id, version), replacing what the slot held. */
void htmlcache_put(struct htmlcache *c, long long id, int version, struct safe_html h);

#endif
