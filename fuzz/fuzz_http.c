/* fuzz_http.c - any bytes as an HTTP connection to the real server: the
 * request line, headers, urlencoded, multipart and JSON bodies go through
 * libmicrohttpd, the route table, the declared parameters, sessions and
 * CSRF, and the handlers, on the demo agency's database.
 *
 * Set up once per process: a temporary directory with `gongkai init` and
 * `gongkai demo` (the CLI's own commands), a staff session with a fixed
 * token (Cookie: gk_session=FUZZ_SESSION, csrf=FUZZ_CSRF, see the seeds in
 * fuzz/corpus/http/) so staff pages are reached too, and the server
 * started without a listening socket or threads (http_server_start with
 * no_listen). Each input is written into one end of a socketpair whose
 * other end MHD serves; MHD is run until it has nothing more to say.
 *
 * Checks: no crash or sanitizer report (the server's own invariants), a
 * response that starts with a well-formed status line, and an HTML
 * response that carries the Content-Security-Policy and nosniff headers.
 * Each input comes from its own client address, so the per-address rate
 * limits do not end the exploration of the forms behind them. */
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "domain/auth/auth.h"
#include "http/server.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "core/banned.h"

#define FUZZ_SESSION "5e55105e55105e55105e55105e55105e55105e55105e55105e55105e55105e55"
#define FUZZ_CSRF "c5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bfc5bf"
#define RESPONSE_MAX (1024 * 1024)

static struct http_server *srv;
static char resp[RESPONSE_MAX];
static char dir[64];
static unsigned long next_addr = 0x0a000001; /* 10.0.0.1, one more per input */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	http_server_stop(srv);
	srv = NULL;
	if (dir[0])
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The repository's data/ directory, for the demo (GONGKAI_DATA wins). */
static void find_data(void)
{
	static const char *const rel[] = { "/../../data", "/../../../data", "/../data" };
	char exe[4096], path[4200];
	ssize_t n;

	if (getenv("GONGKAI_DATA"))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", exe, rel[i]);
		if (access(path, R_OK) == 0 && strstr(path, "data")) {
			char probe[4300];

			snprintf(probe, sizeof(probe), "%s/demo/tongxiang-edu/org.tsv", path);
			if (access(probe, R_OK) == 0) {
				setenv("GONGKAI_DATA", path, 1);
				return;
			}
		}
	}
}

/* A session of the demo agency's administrator with a known token. */
static void add_session(const char *db_path)
{
	struct arena a;
	struct fts_ctx *fts = NULL;
	struct db *db = NULL;
	struct user u;
	const char *hash;
	char now[21];

	arena_init(&a, 0);
	cli_now(now);
	if (fts_ctx_new(NULL, &fts) || db_open(db_path, &(struct db_opts){ .fts = fts }, &db) ||
	    store_user_by_name(db, &a, "tongxiang", &u) || auth_token_hash(&a, FUZZ_SESSION, &hash) ||
	    store_session_insert(db, u.org_id, u.id, hash, FUZZ_CSRF, "127.0.0.1", "fuzz", now,
				 "2999-12-31T00:00:00Z")) {
		fprintf(stderr, "fuzz_http: cannot create the staff session\n");
		abort();
	}
	db_close(db);
	fts_ctx_free(fts);
	arena_release(&a);
}

static void setup(void)
{
	/* the server keeps pointers to these */
	static char db_path[128], files[128];
	char *init_argv[] = { "init", NULL }, *demo_argv[] = { "demo", NULL };
	struct cli c = { .usage = "" };
	int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/gongkai-fuzz-http-XXXXXX");
	if (!mkdtemp(dir) || out < 0 || null < 0)
		abort();
	snprintf(db_path, sizeof(db_path), "%s/t.db", dir);
	snprintf(files, sizeof(files), "%s/files", dir);
	atexit(teardown);
	signal(SIGPIPE, SIG_IGN);
	find_data();
	c.db_path = db_path;
	/* the one-time passwords init and demo print are of no use here */
	dup2(null, STDOUT_FILENO);
	c.cmd = "init";
	rc = cli_init(&c, 1, init_argv);
	c.cmd = "demo";
	rc = rc ? rc : cli_demo(&c, 1, demo_argv);
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	close(null);
	if (rc) {
		fprintf(stderr, "fuzz_http: gongkai init/demo failed (%d); set GONGKAI_DATA to the data/ directory\n", rc);
		abort();
	}
	add_session(db_path);
	if (http_server_start(&(struct serve_opts){ .db_path = db_path, .files_dir = files, .threads = 1,
						   .search_limit = -1, .no_listen = true },
			      &srv)) {
		fprintf(stderr, "fuzz_http: the server did not start\n");
		abort();
	}
}

/* The response's first line is "HTTP/1.x NNN ..."; an HTML response has
 * the security headers. */
static void check_response(const char *p, size_t n)
{
	const char *end = memmem(p, n, "\r\n\r\n", 4);
	size_t head = end ? (size_t)(end - p) : n;

	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ' ||
	    p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
	    (n > 12 && p[12] != ' ' && p[12] != '\r')) {
		fprintf(stderr, "fuzz_http: malformed status line: %.*s\n", (int)(n < 80 ? n : 80), p);
		abort();
	}
	if (memmem(p, head, "Content-Type: text/html", 23) &&
	    (!memmem(p, head, "Content-Security-Policy: ", 25) || !memmem(p, head, "X-Content-Type-Options: nosniff", 31))) {
		fprintf(stderr, "fuzz_http: an HTML response without CSP or nosniff:\n%.*s\n", (int)head, p);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	size_t sent = 0, got = 0;
	bool checked = false;
	int idle = 0;

	if (!srv)
		setup();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		abort();
	if (http_server_add_connection(srv, sv[1], next_addr++)) {
		close(sv[0]);
		return 0;
	}
	if ((next_addr & 0xffffff) == 0xffffff)
		next_addr = 0x0a000001;
	/* feed the bytes and collect the answer until neither side moves */
	while (idle < 3) {
		bool moved = false;
		ssize_t k = -1;

		if (sent < size) {
			k = write(sv[0], data + sent, size - sent);
			if (k > 0) {
				sent += (size_t)k;
				moved = true;
			}
		}
		http_server_run(srv);
		while (got < RESPONSE_MAX && (k = read(sv[0], resp + got, RESPONSE_MAX - got)) > 0) {
			got += (size_t)k;
			moved = true;
		}
		if (got == RESPONSE_MAX) {
			/* a long answer: check its start, then keep draining it */
			if (!checked)
				check_response(resp, got);
			checked = true;
			got = 0;
		}
		if (k == 0)
			break;  /* MHD closed the connection */
		idle = moved ? 0 : idle + 1;
	}
	if (got && !checked)
		check_response(resp, got);
	/* hang up; MHD notices and completes the request (frees its memory) */
	close(sv[0]);
	for (int i = 0; i < 3; i++)
		http_server_run(srv);
	return 0;
}
