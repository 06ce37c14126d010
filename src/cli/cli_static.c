/* cli_static.c - `gongkai publish-static`: build the static tree of the
 * public pages (http/static_site.h), or check one against its manifest. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/manifest.h"
#include "core/str.h"
#include "http/static_site.h"
#include "store/db.h"
#include "core/banned.h"

#define DEFAULT_BASE "http://localhost"

/* "http://host[:port]" or "https://...", without a trailing slash. */
static bool base_valid(const char *s)
{
	const char *host = strncmp(s, "http://", 7) == 0 ? s + 7 : strncmp(s, "https://", 8) == 0 ? s + 8 : NULL;

	if (!host || !*host)
		return false;
	for (const char *p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == ':' || *p == '[' || *p == ']'))
			return false;
	return true;
}

static int verify(const char *dir)
{
	struct arena a;
	struct mf_diff *d;
	size_t n;
	int rc;

	arena_init(&a, 0);
	rc = manifest_verify(&a, dir, &d, &n);
	if (rc == ERR_NOT_FOUND) {
		arena_release(&a);
		return cli_fail("%s 中没有清单（%s），不是 gongkai 生成的静态目录", dir, MANIFEST_NAME);
	}
	if (rc) {
		arena_release(&a);
		return cli_fail("无法检查 %s：%s", dir, cli_err_text(rc));
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\n", d[i].kind == MF_CHANGED ? "改动" : d[i].kind == MF_ADDED ? "多出" : "缺少", d[i].path);
	if (n)
		fprintf(stderr, "gongkai: %s 中有 %zu 个文件与清单不符（运行 gongkai publish-static --all 重新生成）\n", dir, n);
	else
		fprintf(stderr, "gongkai: %s 与清单一致\n", dir);
	arena_release(&a);
	return n ? CLI_FAIL : CLI_OK;
}

int cli_publish_static(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "verify", required_argument, NULL, 'v' },
		{ "item", required_argument, NULL, 'i' },
		{ "files", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct static_site site = { .base = DEFAULT_BASE };
	const char *org = NULL, *check = NULL;
	bool full = false;
	long long item = 0;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct static_stats st;
	struct timespec t0, t1;
	char err[512], files[4096];
	int o, rc;

	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		switch (o) {
		case 'o':
			org = optarg;
			break;
		case 'd':
			site.dir = optarg;
			break;
		case 'a':
			full = true;
			break;
		case 'b':
			site.base = optarg;
			break;
		case 'f':
			if (!*optarg)
				return cli_usage_fail(c, "--files 不能为空");
			site.files = optarg;
			break;
		case 'v':
			check = optarg;
			break;
		case 'i':
			if (num_parse(optarg, strlen(optarg), 1, 1LL << 53, &item))
				return cli_usage_fail(c, "--item 应为信息编号（正整数）");
			break;
		}
	}
	if (o != CLI_OPT_END)
		return cli_opt_exit(o);
	if ((rc = cli_operands(c, argc, argv, 0, 0, "")))
		return rc;
	if (check) {
		if (site.dir || org || full)
			return cli_usage_fail(c, "--verify 不能与 --out、--org、--all 同用");
		return verify(check);
	}
	if (!site.dir || !*site.dir)
		return cli_usage_fail(c, "缺少 --out DIR（静态目录）");
	if (!base_valid(site.base))
		return cli_usage_fail(c, "--base-url 应为 http://主机[:端口] 或 https://主机[:端口]，末尾不带 /");
	if (item && (!org || full))
		return cli_usage_fail(c, "--item 须与 --org 同用，且不能与 --all 同用");
	if (org && !cli_slug_valid(org))
		return cli_usage_fail(c, "--org 不是有效的机构标识：%s", org);
	if (cli_db_require(c))
		return CLI_FAIL;
	/* the attachments' store: as serve's --files (beside the database) */
	if (!site.files) {
		snprintf(files, sizeof(files), "%s.files", c->db_path);
		site.files = files;
	}
	if (cli_db_open(c, true, &db, &fts, NULL)) {
		cli_db_close(db, fts);
		return CLI_FAIL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (item)
		rc = static_item_standalone(db, &site, org, item, &st, err, sizeof(err));
	else
		rc = static_build_standalone(db, &site, org, full, &st, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cli_db_close(db, fts);
	if (rc)
		return cli_fail("%s", *err ? err : cli_err_text(rc));
	fprintf(stderr, "gongkai: 静态页面：生成 %lld 页，写入 %lld 个文件，删除 %lld 个，用时 %.3f 秒\n", st.rendered,
		st.written, st.removed, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return CLI_OK;
}
