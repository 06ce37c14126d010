/* cli_deliver.c - `gongkai deliver`: send the due deliveries of the outbox
 * without the web server (a cron job, or a separate process next to it:
 * leases keep two senders off the same delivery). */
#include "cli/cli.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/channels/outbox.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

int cli_deliver(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "once", no_argument, NULL, '1' },
		{ "public-url", required_argument, NULL, 'U' },
		{ "files", required_argument, NULL, 'f' },
		{ "backoff-ms", required_argument, NULL, 'K' },
		{ "timeout-ms", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	struct outbox_opts oo = { .db_target = c->db_path, .base_url = "http://127.0.0.1:8080" };
	const char *slug = NULL;
	bool once = false;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct outbox *ob = NULL;
	long long v, sent = 0;
	int o, rc;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		switch (o) {
		case 'o':
			slug = optarg;
			break;
		case '1':
			once = true;
			break;
		case 'U':
			oo.base_url = optarg;
			break;
		case 'f':
			oo.files_dir = optarg;
			break;
		case 'K':
			if (num_parse(optarg, strlen(optarg), 1, 86400000, &v)) {
				rc = cli_usage_fail(c, "--backoff-ms 应为 1 到 86400000 之间的整数（毫秒）");
				goto out;
			}
			oo.backoff_ms = v;
			break;
		case 'O':
			if (num_parse(optarg, strlen(optarg), 100, 600000, &v)) {
				rc = cli_usage_fail(c, "--timeout-ms 应为 100 到 600000 之间的整数（毫秒）");
				goto out;
			}
			oo.net.timeout_ms = (long)v;
			break;
		}
	}
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 0, 0, "")))
		goto out;
	if (strncmp(oo.base_url, "http://", 7) != 0 && strncmp(oo.base_url, "https://", 8) != 0) {
		rc = cli_usage_fail(c, "--public-url 应为 http://主机[:端口] 或 https://主机[:端口]");
		goto out;
	}
	if ((rc = cli_db_require(c)))
		goto out;
	rc = CLI_FAIL;
	if (!oo.files_dir && !(oo.files_dir = arena_printf(&a, "%s.files", c->db_path)))
		goto out;
	if (cli_db_open(c, true, &db, &fts, NULL))
		goto out;
	if (slug) {
		struct org org;

		if (store_org_by_slug(db, &a, slug, &org)) {
			cli_fail("没有标识为 %s 的机构", slug);
			goto out;
		}
		oo.org_id = org.id;
	}
	oo.fts = fts;
	if (once) {
		if (outbox_open(&oo, NULL, &ob) || outbox_drain(ob, &sent)) {
			cli_fail("推送失败：无法读写数据库");
			goto out;
		}
		printf("已处理 %lld 条到期的推送\n", sent);
	} else {
		sigset_t set;
		int sig;

		oo.workers = 1;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		if (outbox_start(&oo, &ob)) {
			cli_fail("无法启动推送");
			goto out;
		}
		sigwait(&set, &sig);
		outbox_stop(ob);
		ob = NULL;
	}
	rc = CLI_OK;
out:
	if (once)
		outbox_close(ob);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}
