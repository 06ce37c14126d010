/* server.h - the web server (libmicrohttpd): public portal, staff pages,
 * JSON API. */
#ifndef GK_HTTP_SERVER_H
#define GK_HTTP_SERVER_H

struct serve_opts {
	const char *db_path;    /* the database (migrated by the caller) */
	const char *listen;     /* "HOST:PORT", default 127.0.0.1:8080 */
	const char *files_dir;  /* attachment store, by content hash */
	int threads;            /* worker threads (0: 4) */
	long long max_upload;   /* bytes per attachment (0: 50 MiB) */
};

/* The HTTP library and its version (static). */
const char *http_library_version(void);

/* Serve until SIGINT or SIGTERM. Returns 0 after a clean shutdown, or a
 * negative enum err when the server cannot start (message logged). */
int http_serve(const struct serve_opts *o);

#endif
