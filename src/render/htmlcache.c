/* htmlcache.c - see htmlcache.h. Direct-mapped: one slot per hash of the
 * id, each with its own copy; a collision replaces the older entry. */
#include "render/htmlcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

#define HTMLCACHE_MAX_FRAGMENT (256 * 1024) /* larger bodies are rendered each time */

struct hc_slot {
	long long id;
	int version;
	char *p;
	size_t n;
};

struct htmlcache {
	pthread_mutex_t mu;
	unsigned mask;
	struct hc_slot *slots;
};

int htmlcache_new(unsigned slots, struct htmlcache **out)
{
	struct htmlcache *c = calloc(1, sizeof(*c));
	unsigned n = 1;

	while (n < slots && n < (1u << 20))
		n <<= 1;
	if (!c || !(c->slots = calloc(n, sizeof(*c->slots)))) {
		free(c);
		return ERR_NOMEM;
	}
	c->mask = n - 1;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return 0;
}

void htmlcache_free(struct htmlcache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i <= c->mask; i++)
		free(c->slots[i].p);
	pthread_mutex_destroy(&c->mu);
	free(c->slots);
	free(c);
}

static struct hc_slot *slot(struct htmlcache *c, long long id)
{
	return &c->slots[(unsigned)(((unsigned long long)id * 0x9E3779B97F4A7C15ULL) >> 40) & c->mask];
}

bool htmlcache_get(struct htmlcache *c, long long id, int version, struct arena *a, struct safe_html *out)
{
	struct hc_slot *s;
	char *copy = NULL;
	size_t n = 0;

	pthread_mutex_lock(&c->mu);
	s = slot(c, id);
	if (s->p && s->id == id && s->version == version) {
		n = s->n;
		copy = arena_alloc(a, n + 1);
		if (copy) {
			memcpy(copy, s->p, n);
			copy[n] = '\0';
		}
	}
	pthread_mutex_unlock(&c->mu);
	if (!copy)
		return false;
	/* the fragment was trusted HTML when it was put */
	*out = safe_html_from_trusted(copy, n);
	return true;
}

void htmlcache_put(struct htmlcache *c, long long id, int version, struct safe_html h)
{
	struct hc_slot *s;
	char *copy;

	if (h.n > HTMLCACHE_MAX_FRAGMENT || !(copy = malloc(h.n + 1)))
		return;
	memcpy(copy, h.p, h.n);
	copy[h.n] = '\0';
	pthread_mutex_lock(&c->mu);
	s = slot(c, id);
	free(s->p);
	s->id = id;
	s->version = version;
	s->p = copy;
	s->n = h.n;
	pthread_mutex_unlock(&c->mu);
}
