/* audit_bench.c - what the audit trail costs a write. On a fresh database
 * per run: N catalog items inserted and then updated one statement (and
 * one transaction) at a time, as the staff pages do, with row-by-row
 * auditing off (the baseline, measured in the same run) and on; then
 * store_audit_verify over the whole chain.
 *
 *     make bin/gongkai && make -C bench && bench/out/bin/audit_bench [N]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
	double insert_s, update_s, verify_s;
	long long rows;
};

static int run(struct fts_ctx *fts, int n, bool audit, struct result *res)
{
	char path[] = "/tmp/gk-audit-bench-XXXXXX";
	char db_path[64], p2[80];
	int fd = mkstemp(path);
	struct db *db;
	struct org org = { .slug = "bench", .name = "基准机构", .kind = "agency", .org_code = "000" };
	struct category cat = { .name = "政策文件" };
	struct arena a;
	char body[2048];
	double t0;
	long long bad = 0;

	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	snprintf(db_path, sizeof(db_path), "%s.db", path);
	if (db_open(db_path, &(struct db_opts){ .fts = fts }, &db) || db_migrate(db, NULL))
		return 1;
	db_set_actor(db, 1, "bench", "127.0.0.1");
	if (store_org_insert(db, &org, "2026-01-01T00:00:00Z"))
		return 1;
	cat.org_id = org.id;
	if (store_category_insert(db, &cat) || db_audit_enable(db, audit))
		return 1;
	memset(body, 0, sizeof(body));
	for (size_t i = 0; i + 3 < sizeof(body) - 1; i += 3)
		memcpy(body + i, "文", 3);
	arena_init(&a, 0);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct item it = { .org_id = org.id, .category_id = cat.id, .title = "基准测试信息", .doc_no = "",
				   .publisher = "基准机构", .topic = "", .genre = "其他", .validity = "有效", .summary = "",
				   .body_md = body, .body_text = body, .status = "draft", .created_at = "2026-01-01T00:00:00Z" };

		if (store_item_insert(db, &it))
			return 1;
	}
	res->insert_s = now_s() - t0;
	t0 = now_s();
	for (int i = 1; i <= n; i++) {
		struct item it;

		arena_release(&a);
		arena_init(&a, 0);
		if (store_item_get(db, &a, org.id, i, &it))
			return 1;
		it.title = "基准测试信息（修改）";
		it.updated_at = "2026-01-02T00:00:00Z";
		if (store_item_update(db, &it))
			return 1;
	}
	res->update_s = now_s() - t0;
	t0 = now_s();
	if (store_audit_verify(db, &bad, &res->rows) || bad)
		return 1;
	res->verify_s = now_s() - t0;
	arena_release(&a);
	db_close(db);
	for (int i = 0; i < 3; i++) {
		snprintf(p2, sizeof(p2), "%s%s", db_path, (const char *const[]){ "", "-wal", "-shm" }[i]);
		unlink(p2);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	struct fts_ctx *fts;
	struct result off, on;

	if (fts_ctx_new(NULL, &fts))
		return 1;
	if (run(fts, n, false, &off) || run(fts, n, true, &on)) {
		fprintf(stderr, "audit_bench: failed\n");
		return 1;
	}
	printf("audit_bench: %d items, one transaction each (synchronous=FULL)\n", n);
	printf("  insert  off %.3f s (%.0f/s)  on %.3f s (%.0f/s)  ratio %.2fx\n", off.insert_s, n / off.insert_s,
	       on.insert_s, n / on.insert_s, on.insert_s / off.insert_s);
	printf("  update  off %.3f s (%.0f/s)  on %.3f s (%.0f/s)  ratio %.2fx\n", off.update_s, n / off.update_s,
	       on.update_s, n / on.update_s, on.update_s / off.update_s);
	printf("  verify  %lld audit rows in %.3f s (%.0f rows/s)\n", on.rows, on.verify_s, on.rows / on.verify_s);
	fts_ctx_free(fts);
	return 0;
}
