/* h_items.h - what the item pages of h_admin.c (the form), h_public.c (the
 * public page) and h_item_review.c (先审后发) share. */
#ifndef GK_HTTP_H_ITEMS_H
#define GK_HTTP_H_ITEMS_H

#include <stdbool.h>

struct item;
struct req;
struct tv;

/* The staff item form (h_admin.c). */
int item_form(struct req *r, int status, const struct item *it, const char *error, const char *notice);
/* The review part of the staff item form: state, history, scanner
 * findings, the actions the user may take (h_item_review.c). */
int item_review_fill(struct req *r, const struct item *it, struct tv *ctx, struct tv *m);
/* A pending or published item is not edited in place (it is returned, or
 * corrected through a correction draft): responds 409 and returns true. */
bool item_locked_or_respond(struct req *r, const struct item *it);
/* The replaced versions of a published item for its public page. */
int item_versions_ctx(struct req *r, struct tv *m, const struct item *it);

#endif
