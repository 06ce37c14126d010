/* cli_misc.c - `gongkai backup` and `gongkai version`. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "http/server.h"
#include "store/db.h"
#include "core/banned.h"

/* A byte count for people: 字节 below 1 KiB, else KB/MB/GB with one
 * decimal. */
static void size_text(long long n, char *out, size_t len)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(out, len, "%lld 字节", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, "%.1f %s", v, units[u]);
}

int cli_backup(const struct cli *c, int argc, char **argv)
{
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct stat st;
	const char *dest;
	bool created = false;
	char size[32];
	int rc, e;

	if ((rc = cli_args(c, argc, argv, 1, 1, "FILE（备份文件）")))
		return rc;
	dest = argv[optind];
	if ((rc = cli_db_require(c)))
		return rc;
	rc = CLI_FAIL;
	if (lstat(dest, &st) == 0) {
		cli_fail("%s 已存在，不会覆盖", dest);
		goto out;
	}
	if (errno != ENOENT) {
		cli_fail("无法访问 %s：%s", dest, cli_errno_text(errno));
		goto out;
	}
	/* the copy is of the database as it is: no migrations */
	if (cli_db_open(c, false, &db, &fts, NULL))
		goto out;
	created = true;
	if ((e = db_backup(db, dest))) {
		cli_fail("备份失败：%s", cli_err_text(e));
		goto out;
	}
	created = false;
	if (stat(dest, &st) != 0) {
		cli_fail("无法读取备份文件 %s：%s", dest, cli_errno_text(errno));
		goto out;
	}
	size_text((long long)st.st_size, size, sizeof(size));
	printf("已备份到 %s（%s）\n", dest, size);
	rc = CLI_OK;
out:
	if (created)
		unlink(dest); /* a failed copy is not a backup */
	cli_db_close(db, fts);
	return rc;
}

int cli_version(const struct cli *c, int argc, char **argv)
{
	int rc;

	if ((rc = cli_args(c, argc, argv, 0, 0, "")))
		return rc;
	printf("gongkai %s\n", GONGKAI_VERSION);
	printf("%s\n", db_engine_version());
	printf("libmicrohttpd %s\n", http_library_version());
	return CLI_OK;
}
