/* cli_demo_tree.c - `gongkai demo-tree`: a small org tree around the demo
 * agency, for trying the platform: 桐乡市人民政府 (a government with
 * children, so its report is the 本级政府 report) above 桐乡市教育局, with
 * 桐乡市卫生健康局 and 乌镇镇人民政府 beside it, each with a few published
 * items (data/demo/tongxiang-tree/<slug>.tsv) and a contact block. The demo
 * agency's own records are not touched, so none of the figures of its own
 * report change. One transaction; a second run changes nothing. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/platform/platform.h"
#include "store/db.h"
#include "store/platform.h"
#include "store/store.h"
#include "core/banned.h"

#define TREE_SUBDIR "demo/tongxiang-tree"
#define DEMO_SLUG "tongxiang-edu"

static const struct {
	const char *slug, *name, *code, *kind;
	bool parent;   /* under the city */
	int sort;
	struct org_contact contact;
} tree[] = {
	{ "tx-gov", "桐乡市人民政府", "002000000", "government", false, 0,
	  { "浙江省桐乡市庆丰中路1号", "314500", "0573-88000001", "0573-88000002", "xxgk@tongxiang.example.cn",
	    "工作日 8:30-12:00，13:30-17:00" } },
	{ "tx-wjj", "桐乡市卫生健康局", "002000201", "department", true, 2,
	  { "浙江省桐乡市校场东路8号", "314500", "0573-88000201", "", "wjj@tongxiang.example.cn", "工作日 8:30-17:00" } },
	{ "tx-wuzhen", "乌镇镇人民政府", "002000301", "town", true, 3,
	  { "浙江省桐乡市乌镇镇子夜路1号", "314501", "0573-88000301", "", "", "工作日 8:30-17:00" } },
};

int cli_demo_tree(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org_node demo, city = { 0 }, probe;
	const char *dir, *msg = NULL, *pw;
	long long total = 0;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 0, 0, "")) || (rc = cli_db_require(c)))
		goto out;
	if (cli_data_dir(&a, TREE_SUBDIR "/tx-gov.tsv", &dir)) {
		rc = cli_fail("找不到演示机构树的数据（%s）", TREE_SUBDIR);
		goto out;
	}
	if ((rc = cli_db_open(c, true, &db, &fts, NULL)))
		goto out;
	rc = CLI_FAIL;
	if (store_platform_org_by_slug(db, &a, DEMO_SLUG, &demo)) {
		cli_fail("请先运行 gongkai demo 载入演示机构");
		goto out;
	}
	if (store_platform_org_by_slug(db, &a, tree[0].slug, &probe) == 0) {
		printf("演示机构树已存在，未做改动\n");
		rc = CLI_OK;
		goto out;
	}
	cli_now(now);
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		struct org_node o = { .org = { .slug = tree[i].slug, .name = tree[i].name, .org_code = tree[i].code,
					       .parent_id = tree[i].parent ? city.org.id : 0 },
				      .agency_kind = tree[i].kind, .sort = tree[i].sort, .contact = tree[i].contact };
		const char *path = arena_printf(&a, "%s/" TREE_SUBDIR "/%s.tsv", dir, tree[i].slug);
		long long n = 0;
		FILE *f;

		/* platform_create runs its own transaction: nested, a savepoint */
		if ((rc = platform_create(db, &a, &o, NULL, NULL, now, &pw, &msg))) {
			cli_fail("创建演示机构 %s 失败：%s", tree[i].slug, msg ? msg : cli_err_text(rc));
			rc = CLI_FAIL;
			goto fail;
		}
		if (i == 0)
			city = o;
		if (!path || !(f = fopen(path, "rb"))) {
			cli_fail("无法打开 %s：%s", path ? path : "", cli_errno_text(errno));
			rc = CLI_FAIL;
			goto fail;
		}
		rc = cli_import_tsv(db, &o.org, f, path, &n);
		fclose(f);
		if (rc)
			goto fail;
		total += n;
	}
	if (platform_move(db, &a, demo.org.id, city.org.id, now, &msg) || db_commit(db)) {
		cli_fail("移动演示机构失败：%s", msg ? msg : "数据库错误");
		rc = CLI_FAIL;
		goto fail;
	}
	printf("已创建演示机构树：%s（含%s、桐乡市卫生健康局、乌镇镇人民政府），公开目录 %lld 条\n", tree[0].name,
	       demo.org.name, total);
	rc = CLI_OK;
	goto out;
fail:
	db_rollback(db);
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}
