/* publication.h - the public catalog's outward side: the sequence of
 * publication events (the platform's pull feed, /api/v1/export) and the
 * static tree's pending failure per agency. The events are written by
 * triggers on items (migration 0019); this file only reads them. */
#ifndef GK_STORE_PUBLICATION_H
#define GK_STORE_PUBLICATION_H

#include <stddef.h>

struct arena;
struct db;

struct pub_event {
	long long id;          /* the cursor: events are given ids in commit order */
	long long org_id;
	const char *org_slug;
	long long item_id;
	const char *kind;      /* publish correct withdraw */
	int version;           /* the item's version the event made public (or withdrew) */
	const char *at;
	const char *status;    /* the item's status now */
	int cur_version;       /* the item's version now */
};

/* The events after since (of org_id; 0: every agency), oldest first, at
 * most limit; *more says whether later ones exist. Rows in a. */
int store_pub_events(struct db *db, struct arena *a, long long org_id, long long since, long long limit,
		     struct pub_event **out, size_t *n, int *more);
/* The id of the newest event (of org_id; 0: all), 0 when none. */
int store_pub_event_last(struct db *db, long long org_id, long long *out);

/* An entry of an Atom feed: a published item with the times of its
 * publication events (RFC 4287's published and updated). */
struct feed_entry {
	long long id;
	const char *org_slug;
	const char *index_no;
	const char *title;
	const char *doc_no;
	const char *category;
	const char *published_on;  /* YYYY-MM-DD */
	const char *updated_at;    /* its latest publication event (a correction), or NULL */
};
/* The newest published items of org_id (of category_id when not 0), at
 * most limit, newest first (the catalog's order). */
int store_feed_entries(struct db *db, struct arena *a, long long org_id, long long category_id, long long limit,
		       struct feed_entry **out, size_t *n);
/* The time of org_id's latest publication event (of an item now in
 * category_id when not 0): the feed's updated. *at NULL when none. */
int store_feed_updated(struct db *db, struct arena *a, long long org_id, long long category_id, const char **at);

/* The static tree's failure of org_id: set (replacing one recorded), read
 * (ERR_NOT_FOUND when none), cleared. */
int store_static_failure_set(struct db *db, long long org_id, const char *now, const char *message);
int store_static_failure_get(struct db *db, struct arena *a, long long org_id, const char **at, const char **message);
int store_static_failure_clear(struct db *db, long long org_id);

#endif
