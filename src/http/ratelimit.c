/* ratelimit.c - events per client address in a window (see ratelimit.h). */
#include "http/ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

#define PROBES 8  /* slots an address may occupy: it is found among these */

struct rl_slot {
	unsigned char key[16];  /* IPv6 /64 or IPv4-mapped address */
	time_t start;           /* 0: free */
	unsigned count;
};

struct ratelimit {
	pthread_mutex_t mu;
	int window;
	unsigned max;
	size_t mask;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];  /* clients cannot aim at one slot */
	struct rl_slot slots[];
};

int ratelimit_new(int window, int max, size_t slots, struct ratelimit **out)
{
	struct ratelimit *rl;
	size_t n = PROBES;

	while (n < slots)
		n <<= 1;
	rl = calloc(1, sizeof(*rl) + n * sizeof(rl->slots[0]));
	if (!rl)
		return ERR_NOMEM;
	pthread_mutex_init(&rl->mu, NULL);
	rl->window = window > 0 ? window : 1;
	rl->max = max > 0 ? (unsigned)max : 0;
	rl->mask = n - 1;
	randombytes_buf(rl->hash_key, sizeof(rl->hash_key));
	*out = rl;
	return 0;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

/* The key of a textual address: IPv4 as ::ffff:a.b.c.d, IPv6 by its /64;
 * anything else (no address) shares the all-zero key. */
static void addr_key(const char *addr, unsigned char key[16])
{
	struct in_addr v4;

	memset(key, 0, 16);
	if (!addr)
		return;
	if (inet_pton(AF_INET, addr, &v4) == 1) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &v4, 4);
	} else if (inet_pton(AF_INET6, addr, key) == 1) {
		if (!IN6_IS_ADDR_V4MAPPED((struct in6_addr *)(void *)key))
			memset(key + 8, 0, 8);
	} else {
		memset(key, 0, 16);
	}
}

static bool live(const struct ratelimit *rl, const struct rl_slot *s, time_t now)
{
	return s->start != 0 && now >= s->start && now - s->start < rl->window;
}

/* The slot of key at now: its live one, else a free one, else the one
 * whose window started first (forgotten). Locked. */
static struct rl_slot *slot_of(struct ratelimit *rl, const unsigned char key[16], time_t now)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t at;
	struct rl_slot *free_slot = NULL, *oldest = NULL, *s;

	crypto_shorthash(h, key, 16, rl->hash_key);
	memcpy(&at, h, sizeof(at));
	for (size_t i = 0; i < PROBES; i++) {
		s = &rl->slots[(at + i) & rl->mask];
		if (!live(rl, s, now)) {
			if (!free_slot)
				free_slot = s;
		} else if (memcmp(s->key, key, 16) == 0) {
			return s;
		} else if (!oldest || s->start < oldest->start) {
			oldest = s;
		}
	}
	s = free_slot ? free_slot : oldest;
	memcpy(s->key, key, 16);
	s->start = now;
	s->count = 0;
	return s;
}

/* Seconds to wait for s (0: an event is allowed). */
static int wait_of(const struct ratelimit *rl, const struct rl_slot *s, time_t now)
{
	if (!rl->max || s->count < rl->max)
		return 0;
	return (int)(s->start + rl->window - now);
}

int ratelimit_wait(struct ratelimit *rl, const char *addr, time_t now)
{
	unsigned char key[16];
	int w;

	if (!rl || !rl->max)
		return 0;
	addr_key(addr, key);
	pthread_mutex_lock(&rl->mu);
	w = wait_of(rl, slot_of(rl, key, now), now);
	pthread_mutex_unlock(&rl->mu);
	return w;
}

void ratelimit_count(struct ratelimit *rl, const char *addr, time_t now)
{
	unsigned char key[16];
	struct rl_slot *s;

	if (!rl || !rl->max)
		return;
	addr_key(addr, key);
	pthread_mutex_lock(&rl->mu);
	s = slot_of(rl, key, now);
	if (s->count < UINT32_MAX)
		s->count++;
	pthread_mutex_unlock(&rl->mu);
}

int ratelimit_take(struct ratelimit *rl, const char *addr, time_t now)
{
	unsigned char key[16];
	struct rl_slot *s;
	int w;

	if (!rl || !rl->max)
		return 0;
	addr_key(addr, key);
	pthread_mutex_lock(&rl->mu);
	s = slot_of(rl, key, now);
	if ((w = wait_of(rl, s, now)) == 0)
		s->count++;
	pthread_mutex_unlock(&rl->mu);
	return w;
}
