/* view.h - helpers that turn records into template values, shared by the
 * page handlers. */
#ifndef GK_HTTP_VIEW_H
#define GK_HTTP_VIEW_H

#include "http/http.h"

struct tv;

/* Append item rows to list as maps (url, title, index_no, ...). */
void view_rows(struct req *r, struct tv *list, const struct item_row *rows, size_t n);
/* Set "pager" on ctx: prev/next/page links for base (a URL that already has
 * its query parameters, ending in '?' or '&'). */
void view_pager(struct req *r, struct tv *ctx, long long page, long long per_page, long long total,
		const char *base);
/* The public URL of an item. */
const char *view_item_url(struct req *r, const char *org_slug, long long id);
/* Text with FTS marks (\x01 \x02) as safe HTML with <mark>. */
void view_marked(struct req *r, struct tv *map, const char *key, const char *marked);

/* "2024-09-20T02:03:04Z" (ISO 8601 UTC) as China time "2024-09-20 10:03";
 * the input itself when it does not parse (NULL: NULL). Arena memory. */
const char *view_at_cn(struct req *r, const char *iso);

#endif
