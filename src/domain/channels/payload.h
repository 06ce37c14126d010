/* payload.h - the bodies the channel drivers send, exposed for the unit
 * tests and the receivers' documentation. Arena memory; NULL when out of
 * memory. */
#ifndef GK_DOMAIN_CHANNELS_PAYLOAD_H
#define GK_DOMAIN_CHANNELS_PAYLOAD_H

#include <stddef.h>

struct arena;
struct chan_event;

/* platform_push: the JSON object of the event (UTF-8, compact). */
const char *platform_payload(struct arena *a, const struct chan_event *ev);
/* "sha256=" + hex HMAC-SHA256 of (body, n) under secret. */
const char *platform_signature(struct arena *a, const char *secret, const char *body, size_t n);

/* wechat: the draft/add body: {"articles":[{title, author, digest, content,
 * content_source_url, thumb_media_id, need_open_comment: 0,
 * only_fans_can_comment: 0}]}. The content is ev->body_html without
 * scripts, styles, event attributes or javascript: URLs. */
const char *wechat_article_json(struct arena *a, const struct chan_event *ev, const char *author,
				const char *thumb_media_id);
/* The digest (摘要): the item's summary, else the start of its body text,
 * at most 120 characters. */
const char *wechat_digest(struct arena *a, const struct chan_event *ev);

#endif
