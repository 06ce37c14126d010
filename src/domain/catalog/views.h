/* views.h - page views of items, counted in memory and written to the
 * database in batches, so that reading a page is not a database write. */
#ifndef GK_DOMAIN_VIEWS_H
#define GK_DOMAIN_VIEWS_H

struct db;
struct view_batch;

int view_batch_new(struct view_batch **out);
void view_batch_free(struct view_batch *vb);
/* Count one view of item id (thread-safe, no I/O). */
void view_batch_add(struct view_batch *vb, long long id);
/* Views of id counted but not yet written (thread-safe). */
long long view_batch_pending(struct view_batch *vb, long long id);
/* Write the counted views in one transaction (thread-safe). On failure the
 * counts are kept for the next flush. */
int view_batch_flush(struct view_batch *vb, struct db *db);

#endif
