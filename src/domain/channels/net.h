/* net.h - the HTTP client the channel drivers send with (libcurl): one
 * request at a time per call, with the worker's connect and total
 * timeouts, a cap on the response body (a larger answer is an error, not a
 * truncated success), TLS certificate and host verification always on,
 * no redirects followed, and http/https only. */
#ifndef GK_DOMAIN_CHANNELS_NET_H
#define GK_DOMAIN_CHANNELS_NET_H

#include <stdbool.h>
#include <stddef.h>

struct chan_send;

/* The worker's settings for every request (outbox_opts). */
struct chan_net {
	long connect_timeout_ms;  /* 0: 10 s */
	long timeout_ms;          /* whole request, body included (0: 30 s) */
	size_t max_response;      /* bytes of a response body (0: 1 MiB) */
};

enum net_outcome {
	NET_OK = 0,         /* an HTTP answer arrived (any status) */
	NET_TIMEOUT,        /* no (whole) answer in time */
	NET_CONNECT,        /* could not connect / resolve / TLS */
	NET_TOO_LARGE,      /* the body went over max_response */
	NET_ERROR,          /* anything else (message says) */
};

struct net_resp {
	enum net_outcome outcome;
	long status;            /* the HTTP status (0 when no answer) */
	char *body;             /* NUL-terminated, arena memory ("" when none) */
	size_t n;
	const char *error;      /* Chinese text of a failure ("" on NET_OK) */
	long long ms;           /* how long it took */
};

/* One form part of a multipart/form-data upload. */
struct net_part {
	const char *name;
	const char *filename;   /* NULL: a plain field with value */
	const char *path;       /* a file to send (filename given) */
	const char *data;       /* or bytes (n) */
	size_t n;
	const char *mime;       /* NULL: application/octet-stream for files */
};

/* Send method (GET or POST) to url with headers (NULL-terminated "Name:
 * value" array, may be NULL) and body (may be NULL). Never fails for a
 * network problem: that is in out->outcome; returns ERR_INVALID for a URL
 * that is not http(s), ERR_NOMEM. */
int chan_http(struct chan_send *s, const char *method, const char *url, const char *const *headers,
	      const char *body, size_t n, struct net_resp *out);
/* POST a multipart/form-data body of parts. As chan_http. */
int chan_http_form(struct chan_send *s, const char *url, const struct net_part *parts, size_t nparts,
		   struct net_resp *out);
/* One line describing a failed exchange for the log: the Chinese error,
 * or "HTTP 500：<the first 200 bytes of the body>" (arena memory). */
const char *net_describe(struct chan_send *s, const struct net_resp *r);

/* Initialise libcurl once per process (before threads start). */
int chan_net_global_init(void);

#endif
