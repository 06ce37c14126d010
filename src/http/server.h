/* server.h - the web server (libmicrohttpd): public portal, staff pages,
 * JSON API. */
#ifndef GK_HTTP_SERVER_H
#define GK_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

/* Defaults of the limits below (`gongkai serve --help` names them too). */
#define HTTP_TIMEOUT_DEFAULT 30           /* seconds */
#define HTTP_PER_IP_CONNECTIONS_DEFAULT 256
#define HTTP_SEARCH_LIMIT_DEFAULT 60      /* per minute */

struct serve_opts {
	const char *db_path;    /* the database (migrated by the caller) */
	const char *listen;     /* "HOST:PORT", default 127.0.0.1:8080 */
	const char *files_dir;  /* attachment store, by content hash */
	int threads;            /* worker threads (0: 4) */
	long long max_upload;   /* bytes per attachment (0: 50 MiB) */
	int timeout;            /* seconds a connection may stay silent (0: default) */
	int per_ip_connections; /* open connections per client address (0: default, <0: no limit) */
	int search_limit;       /* searches per minute per address (0: default, <0: no limit) */
	bool https;             /* the site is reached over HTTPS (a proxy in front): send HSTS */
	const char *static_dir; /* keep the static pages there after publication (NULL: none) */
	const char *static_base;/* "http://host" of the static pages' feeds and sitemap */
	const char *feed_key;   /* the export feed's signing key file (NULL or missing: no export) */
	bool no_listen;         /* no socket, no threads: the caller hands in connections (fuzzing) */
	/* the reverse proxy's address (as inet_ntop writes it): from it, and
	 * only from it, the client's address is the last one of
	 * X-Forwarded-For (NULL: the header is never believed) */
	const char *trusted_proxy;
	const char *instance;   /* sent as X-Gongkai-Instance (NULL: no header) */
	/* the delivery outbox (domain/channels/outbox.h); 0: its defaults */
	int delivery_workers;   /* worker threads (<0: none) */
	long long delivery_backoff_ms; /* the first retry's delay */
	long delivery_timeout_ms;      /* one request to a channel */
	int delivery_max_attempts;
	long long delivery_lease_ms;   /* how long a send may take before another worker may take it over */
	const char *public_url; /* "https://host" for absolute links in deliveries (NULL: static_base or listen) */
};

struct http_server;

/* The client's address behind a trusted reverse proxy (serve
 * --trusted-proxy): the last entry of the X-Forwarded-For value xff, which
 * the proxy appended (nginx's $proxy_add_x_forwarded_for); entries before
 * it are the client's own say and never believed. Written to ip (n bytes)
 * in inet_ntop's form when it is an IPv4 or IPv6 address; otherwise ip is
 * left as it was (the proxy's address). */
void http_forwarded_ip(const char *xff, char *ip, size_t n);

/* The HTTP library and its version (static). */
const char *http_library_version(void);

/* Serve until SIGINT or SIGTERM. Returns 0 after a clean shutdown, or a
 * negative enum err when the server cannot start (message logged). */
int http_serve(const struct serve_opts *o);

/* The server without the signal loop: http_serve's set-up and tear-down.
 * With o->no_listen the caller adds connected sockets and runs MHD itself
 * (fuzz/fuzz_http.c). Returns 0 or a negative enum err (logged). */
int http_server_start(const struct serve_opts *o, struct http_server **out);
void http_server_stop(struct http_server *s);
/* no_listen: serve a connected socket (taken over, closed by MHD) as if
 * from the IPv4 address addr (host byte order). */
int http_server_add_connection(struct http_server *s, int fd, unsigned long addr);
/* no_listen: do what is ready on every connection, without waiting. */
void http_server_run(struct http_server *s);

#endif
