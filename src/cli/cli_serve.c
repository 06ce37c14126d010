/* cli_serve.c - `gongkai serve`: check the options, bring the schema up to
 * date, then hand over to http_serve() until SIGINT or SIGTERM. */
#include "cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/calendar/calendar.h"
#include "http/server.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define THREADS_MAX 256

/* "HOST:PORT" with a port in 1-65535; an IPv6 host is bracketed. */
static bool listen_valid(const char *s)
{
	const char *colon = strrchr(s, ':');
	size_t host_n;
	long long port;

	if (!colon)
		return false;
	host_n = (size_t)(colon - s);
	if (num_parse(colon + 1, strlen(colon + 1), 1, 65535, &port))
		return false;
	if (host_n == 0)
		return false;
	if (s[0] == '[')
		return host_n > 2 && s[host_n - 1] == ']' && memchr(s + 1, ']', host_n - 2) == NULL;
	/* a bare IPv6 address would be ambiguous; spaces are never valid */
	return memchr(s, ':', host_n) == NULL && strcspn(s, " \t[]/") >= host_n;
}

/* Say in the log when the national calendar lacks this year or the next:
 * a deadline falling there cannot be computed, and must not be guessed. */
static void warn_calendar(struct db *db, struct arena *a)
{
	struct calendar cal;
	struct org platform;
	const char *msg = NULL;
	int rc;

	if ((rc = store_org_platform(db, a, &platform)) || (rc = calendar_load(db, a, platform.id, &cal)) ||
	    (rc = calendar_coverage_warning(&cal, a, date_today_cn(), &msg))) {
		log_warn("calendar: 无法读取工作日历（%s），期限无法计算", err_name(rc));
		return;
	}
	if (msg)
		log_warn("calendar: %s", msg);
}

/* The attachment directory: created when absent. */
static int ensure_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : cli_fail("%s 不是目录", dir);
	if (errno != ENOENT || mkdir(dir, 0750) != 0)
		return cli_fail("无法创建附件目录 %s：%s", dir, cli_errno_text(errno));
	return 0;
}

int cli_serve(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "files", required_argument, NULL, 'f' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-upload", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "per-ip-connections", required_argument, NULL, 'P' },
		{ "search-limit", required_argument, NULL, 'S' },
		{ "https", no_argument, NULL, 'H' },
		{ "static", required_argument, NULL, 'D' },
		{ "static-base", required_argument, NULL, 'B' },
		{ "trusted-proxy", required_argument, NULL, 'X' },
		{ "instance", required_argument, NULL, 'I' },
		{ "feed-key", required_argument, NULL, 'k' },
		{ "public-url", required_argument, NULL, 'U' },
		{ "delivery-workers", required_argument, NULL, 'W' },
		{ "delivery-backoff-ms", required_argument, NULL, 'K' },
		{ "delivery-timeout-ms", required_argument, NULL, 'O' },
		{ "delivery-max-attempts", required_argument, NULL, 'A' },
		{ "delivery-lease-ms", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve_opts so = { .db_path = c->db_path, .listen = DEFAULT_LISTEN };
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	long long threads = 0, users = 0, max_mb = 0, v = 0;
	char feed_key[4096];
	int o, rc;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		switch (o) {
		case 'l':
			so.listen = optarg;
			break;
		case 'f':
			so.files_dir = optarg;
			break;
		case 't':
			if (num_parse(optarg, strlen(optarg), 1, THREADS_MAX, &threads)) {
				rc = cli_usage_fail(c, "--threads 应为 1 到 %d 之间的整数", THREADS_MAX);
				goto out;
			}
			so.threads = (int)threads;
			break;
		case 'm':
			if (num_parse(optarg, strlen(optarg), 1, 2048, &max_mb)) {
				rc = cli_usage_fail(c, "--max-upload 应为 1 到 2048 之间的整数（MB）");
				goto out;
			}
			so.max_upload = max_mb * 1024 * 1024;
			break;
		case 'T':
			if (num_parse(optarg, strlen(optarg), 1, 3600, &v)) {
				rc = cli_usage_fail(c, "--timeout 应为 1 到 3600 之间的整数（秒）");
				goto out;
			}
			so.timeout = (int)v;
			break;
		case 'P':
			if (num_parse(optarg, strlen(optarg), 0, 100000, &v)) {
				rc = cli_usage_fail(c, "--per-ip-connections 应为 0 到 100000 之间的整数（0 为不限）");
				goto out;
			}
			so.per_ip_connections = v ? (int)v : -1;
			break;
		case 'S':
			if (num_parse(optarg, strlen(optarg), 0, 1000000, &v)) {
				rc = cli_usage_fail(c, "--search-limit 应为 0 到 1000000 之间的整数（0 为不限）");
				goto out;
			}
			so.search_limit = v ? (int)v : -1;
			break;
		case 'H':
			so.https = true;
			break;
		case 'D':
			so.static_dir = optarg;
			break;
		case 'B':
			so.static_base = optarg;
			break;
		case 'X':
			so.trusted_proxy = optarg;
			break;
		case 'I':
			so.instance = optarg;
			break;
		case 'k':
			so.feed_key = optarg;
			break;
		case 'U':
			so.public_url = optarg;
			break;
		case 'W':
			if (num_parse(optarg, strlen(optarg), 0, 16, &v)) {
				rc = cli_usage_fail(c, "--delivery-workers 应为 0 到 16 之间的整数（0 为不推送）");
				goto out;
			}
			so.delivery_workers = v ? (int)v : -1;
			break;
		case 'K':
			if (num_parse(optarg, strlen(optarg), 1, 86400000, &v)) {
				rc = cli_usage_fail(c, "--delivery-backoff-ms 应为 1 到 86400000 之间的整数（毫秒）");
				goto out;
			}
			so.delivery_backoff_ms = v;
			break;
		case 'O':
			if (num_parse(optarg, strlen(optarg), 100, 600000, &v)) {
				rc = cli_usage_fail(c, "--delivery-timeout-ms 应为 100 到 600000 之间的整数（毫秒）");
				goto out;
			}
			so.delivery_timeout_ms = (long)v;
			break;
		case 'L':
			if (num_parse(optarg, strlen(optarg), 500, 3600000, &v)) {
				rc = cli_usage_fail(c, "--delivery-lease-ms 应为 500 到 3600000 之间的整数（毫秒）");
				goto out;
			}
			so.delivery_lease_ms = v;
			break;
		case 'A':
			if (num_parse(optarg, strlen(optarg), 1, 100, &v)) {
				rc = cli_usage_fail(c, "--delivery-max-attempts 应为 1 到 100 之间的整数");
				goto out;
			}
			so.delivery_max_attempts = (int)v;
			break;
		}
	}
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 0, 0, "")))
		goto out;
	if (!listen_valid(so.listen)) {
		rc = cli_usage_fail(c, "--listen 应为 HOST:PORT（端口 1-65535），例如 %s", DEFAULT_LISTEN);
		goto out;
	}
	if (so.files_dir && !*so.files_dir) {
		rc = cli_usage_fail(c, "--files 不能为空");
		goto out;
	}
	if (so.static_dir && !*so.static_dir) {
		rc = cli_usage_fail(c, "--static 不能为空");
		goto out;
	}
	if (so.static_base && (strncmp(so.static_base, "http://", 7) != 0 && strncmp(so.static_base, "https://", 8) != 0)) {
		rc = cli_usage_fail(c, "--static-base 应为 http://主机[:端口] 或 https://主机[:端口]");
		goto out;
	}
	if (so.trusted_proxy) {
		/* the form client_ip compares with: inet_ntop's */
		unsigned char bin[16];
		char *canon = arena_alloc(&a, 64);

		if (!canon) {
			rc = CLI_FAIL;
			goto out;
		}
		if (inet_pton(AF_INET, so.trusted_proxy, bin) == 1)
			inet_ntop(AF_INET, bin, canon, 64);
		else if (inet_pton(AF_INET6, so.trusted_proxy, bin) == 1)
			inet_ntop(AF_INET6, bin, canon, 64);
		else {
			rc = cli_usage_fail(c, "--trusted-proxy 应为反向代理的 IP 地址，例如 127.0.0.1");
			goto out;
		}
		so.trusted_proxy = canon;
	}
	if (so.instance && (!*so.instance || strlen(so.instance) > 64 || strcspn(so.instance, "\r\n") != strlen(so.instance) ||
			    !utf8_valid(so.instance, strlen(so.instance)))) {
		rc = cli_usage_fail(c, "--instance 应为 1 到 64 字节、不含换行的名称");
		goto out;
	}
	if (so.public_url && (strncmp(so.public_url, "http://", 7) != 0 && strncmp(so.public_url, "https://", 8) != 0)) {
		rc = cli_usage_fail(c, "--public-url 应为 http://主机[:端口] 或 https://主机[:端口]");
		goto out;
	}
	if (so.feed_key && !*so.feed_key) {
		rc = cli_usage_fail(c, "--feed-key 不能为空");
		goto out;
	}
	if (!so.feed_key)
		so.feed_key = cli_feed_key_default(c, feed_key, sizeof(feed_key));
	rc = CLI_FAIL;
	/* not fatal: publishing works, and the staff see why the static pages lag */
	if (so.static_dir && access(so.static_dir, W_OK) != 0)
		log_warn("static: 静态目录 %s 不可写（%s）：发布后的静态页面将无法更新", so.static_dir,
			 cli_errno_text(errno));
	/* beside a SQLite file by default; several servers on one PostgreSQL
	 * database share a directory the operator names */
	if (!so.files_dir && db_target_is_pg(c->db_path)) {
		rc = cli_usage_fail(c, "使用 PostgreSQL 数据库时须用 --files 指定附件目录（同一数据库的多个服务进程共用该目录）");
		goto out;
	}
	if (!so.files_dir && !(so.files_dir = arena_printf(&a, "%s.files", c->db_path)))
		goto out;
	if (ensure_dir(so.files_dir))
		goto out;
	if (cli_db_open(c, true, &db, &fts, NULL))
		goto out;
	if (store_user_count(db, &users) == 0 && users == 0)
		fprintf(stderr, "gongkai: 提示：数据库中还没有用户，请先运行 gongkai init 创建管理员\n");
	warn_calendar(db, &a);
	/* the server opens its own connections */
	cli_db_close(db, fts);
	db = NULL;
	fts = NULL;
	if (http_serve(&so)) {
		cli_fail("无法启动网页服务（监听 %s）", so.listen);
		goto out;
	}
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}
