/* views.c - see views.h. An open-addressing table of (item id, count)
 * under one mutex; a flush swaps it for an empty one and writes the old. */
#include "domain/catalog/views.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define VB_SLOTS 4096 /* items viewed between two flushes; more are written at once */

struct vb_slot {
	long long id;
	long long n;
};

struct view_batch {
	pthread_mutex_t mu;
	struct vb_slot *slots;
	size_t used;
	pthread_mutex_t flush_mu; /* one flush at a time */
};

int view_batch_new(struct view_batch **out)
{
	struct view_batch *vb = calloc(1, sizeof(*vb));

	if (!vb || !(vb->slots = calloc(VB_SLOTS, sizeof(*vb->slots)))) {
		free(vb);
		return ERR_NOMEM;
	}
	pthread_mutex_init(&vb->mu, NULL);
	pthread_mutex_init(&vb->flush_mu, NULL);
	*out = vb;
	return 0;
}

void view_batch_free(struct view_batch *vb)
{
	if (!vb)
		return;
	pthread_mutex_destroy(&vb->mu);
	pthread_mutex_destroy(&vb->flush_mu);
	free(vb->slots);
	free(vb);
}

static size_t slot_of(const struct vb_slot *slots, long long id)
{
	size_t i = (size_t)((unsigned long long)id * 0x9E3779B97F4A7C15ULL >> 52) & (VB_SLOTS - 1);

	while (slots[i].id && slots[i].id != id)
		i = (i + 1) & (VB_SLOTS - 1);
	return i;
}

static int write_views(struct db *db, const struct vb_slot *slots)
{
	int rc;

	if ((rc = db_begin(db)))
		return rc;
	for (size_t i = 0; i < VB_SLOTS; i++)
		if (slots[i].id && (rc = store_item_add_views(db, slots[i].id, slots[i].n))) {
			db_rollback(db);
			return rc;
		}
	return db_commit(db);
}

/* Put the counts of old back into vb (after a failed write). */
static void merge_back(struct view_batch *vb, const struct vb_slot *old)
{
	pthread_mutex_lock(&vb->mu);
	for (size_t i = 0; i < VB_SLOTS; i++) {
		size_t j;

		if (!old[i].id || vb->used >= VB_SLOTS / 2)
			continue;
		j = slot_of(vb->slots, old[i].id);
		if (!vb->slots[j].id) {
			vb->slots[j].id = old[i].id;
			vb->used++;
		}
		vb->slots[j].n += old[i].n;
	}
	pthread_mutex_unlock(&vb->mu);
}

int view_batch_flush(struct view_batch *vb, struct db *db)
{
	struct vb_slot *fresh = calloc(VB_SLOTS, sizeof(*fresh)), *old;
	int rc;

	if (!fresh)
		return ERR_NOMEM;
	pthread_mutex_lock(&vb->flush_mu);
	pthread_mutex_lock(&vb->mu);
	old = vb->slots;
	vb->slots = fresh;
	rc = vb->used != 0;
	vb->used = 0;
	pthread_mutex_unlock(&vb->mu);
	if (rc && (rc = write_views(db, old)))
		merge_back(vb, old);
	pthread_mutex_unlock(&vb->flush_mu);
	free(old);
	return rc;
}

void view_batch_add(struct view_batch *vb, long long id)
{
	size_t i;

	pthread_mutex_lock(&vb->mu);
	/* keep the table at most half full; past that, drop the view rather
	 * than block a reader (the flush thread empties it every second) */
	if (vb->used < VB_SLOTS / 2 || vb->slots[slot_of(vb->slots, id)].id == id) {
		i = slot_of(vb->slots, id);
		if (!vb->slots[i].id) {
			vb->slots[i].id = id;
			vb->used++;
		}
		vb->slots[i].n++;
	}
	pthread_mutex_unlock(&vb->mu);
}

long long view_batch_pending(struct view_batch *vb, long long id)
{
	long long n;

	pthread_mutex_lock(&vb->mu);
	n = vb->slots[slot_of(vb->slots, id)].n;
	pthread_mutex_unlock(&vb->mu);
	return n;
}
