/* cli_search.c - gongkai search rebuild: index every published item again
 * (SQLite's FTS5 or PostgreSQL's item_search), in one transaction, after
 * data was loaded around the product (SQL, a restored dump). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

static int rebuild(const struct cli *c, int argc, char **argv)
{
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct timespec t0, t1;
	int rc;

	if ((rc = cli_args(c, argc, argv, 0, 0, "")))
		return rc;
	if ((rc = cli_db_require(c)))
		return rc;
	if (cli_db_open(c, true, &db, &fts, NULL)) {
		cli_db_close(db, fts);
		return CLI_FAIL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_begin(db)) {
		cli_db_close(db, fts);
		return cli_fail("数据库正忙，请稍后再试");
	}
	if ((rc = store_search_rebuild(db)) || (rc = db_commit(db))) {
		db_rollback(db);
		cli_db_close(db, fts);
		return cli_fail("重建检索索引失败（原索引不变）：%s", cli_err_text(rc));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cli_db_close(db, fts);
	printf("检索索引已重建（%.1f 秒）。\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return CLI_OK;
}

int cli_search(const struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = { { "rebuild", rebuild } };

	return cli_subcommand(c, argc, argv, subs, 1, "rebuild");
}
