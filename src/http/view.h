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

/* The name an attachment is published under: its file name, with what a
 * path segment and a file system cannot hold (control characters, '/',
 * '\\', a leading '.') replaced by '_', invalid UTF-8 as '_', and cut to
 * at most ATT_NAME_MAX bytes keeping the extension. An arena string. */
#define ATT_NAME_MAX 200
const char *view_attachment_name(struct arena *a, const char *filename);
/* An attachment's public URL, "/o/SLUG/items/ID/files/AID/NAME" with NAME
 * (view_attachment_name) percent-encoded: the last segment is the name a
 * browser saves it under, on the dynamic site and in the static tree
 * (where the file is o/SLUG/items/ID/files/AID/NAME) alike. */
const char *view_attachment_url(struct arena *a, const char *org_slug, long long item_id, long long att_id,
				const char *filename);

#endif
