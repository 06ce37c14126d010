/* h_deliveries.h - what other staff pages take from h_deliveries.c. */
#ifndef GK_HTTP_H_DELIVERIES_H
#define GK_HTTP_H_DELIVERIES_H

struct req;
struct tv;

/* Put the item's deliveries into m (has_deliveries, deliveries,
 * deliveries_url) when the user may see them. 0 or an enum err. */
int deliveries_item_fill(struct req *r, long long item_id, struct tv *m);

#endif
