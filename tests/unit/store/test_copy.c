/* test_copy.c - store_copy: a whole database and one agency, from a SQLite
 * file to another SQLite file or, when GONGKAI_TEST_PG is set, to a fresh
 * PostgreSQL database (and back again): rows, NULLs, types, the audit
 * chain (verifiable on the target), identity sequences past the copied ids,
 * the search index rebuilt; a non-empty target refused without force and
 * emptied with it; a failed copy leaves the target as it was; a changed row
 * is found by the verification; different schema versions are refused. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/copy.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "test_db.h"
#include "core/banned.h"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char src_path[192], dst_path[192], other_path[192];
	struct db *src, *dst;
	struct arena a;
};

static int group_setup(void **state)
{
	return fts_ctx_new(NULL, &fts) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	fts_ctx_free(fts);
	return 0;
}

static struct db *open_db(const char *target)
{
	struct db *db = NULL;

	assert_int_equal(db_open(target, &(struct db_opts){ .fts = fts }, &db), 0);
	db_set_actor(db, 0, "测试", "");
	return db;
}

/* A source with a platform, two agencies, a user of one who is also a
 * member of the other, categories with a parent, items (one corrects
 * another; NULLs; quotes and Chinese), the platform's calendar. The
 * audit triggers record every insert. */
static const char *const source_rows[] = {
	"INSERT INTO orgs (id, slug, name, kind, created_at, updated_at) VALUES (1, 'platform', '平台', 'platform', "
	"'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
	"INSERT INTO orgs (id, slug, name, org_code, parent_id, created_at, updated_at) VALUES (2, 'jyj', '教育局', "
	"'JY', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
	"INSERT INTO orgs (id, slug, name, org_code, parent_id, created_at, updated_at) VALUES (3, 'wsj', '卫生局', "
	"'WS', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
	"INSERT INTO users (id, org_id, username, display_name, password_hash, created_at, updated_at) VALUES "
	"(1, 1, 'admin', '管理员', '$argon2id$a', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
	"INSERT INTO users (id, org_id, username, display_name, password_hash, created_at, updated_at) VALUES "
	"(2, 3, 'wang', '王五', '$argon2id$w', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
	"INSERT INTO users (id, org_id, username, display_name, password_hash, created_at, updated_at) VALUES "
	"(3, 2, 'li', '李四', '$argon2id$l', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
	"INSERT INTO memberships (org_id, user_id, role) VALUES (2, 3, 'orgadmin')",
	"INSERT INTO memberships (org_id, user_id, role) VALUES (2, 2, 'editor')",
	"INSERT INTO memberships (org_id, user_id, role) VALUES (3, 2, 'orgadmin')",
	"INSERT INTO categories (id, org_id, parent_id, name, sort) VALUES (1, 2, NULL, '法规文件', 1)",
	"INSERT INTO categories (id, org_id, parent_id, name, sort) VALUES (2, 2, 1, '规范性文件', 2)",
	"INSERT INTO categories (id, org_id, parent_id, name, sort) VALUES (3, 3, NULL, '机构职能', 1)",
	"INSERT INTO items (id, org_id, index_no, title, doc_no, category_id, status, body_text, views, created_by, "
	"published_on, created_at, updated_at) VALUES (1, 2, 'JY/2026-00001', '关于“双减”的通知（O''Brien）', "
	"'桐教〔2026〕1号', 2, 'published', '课后服务 正文', 9007199254740993, 3, '2026-03-01', "
	"'2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')",
	"INSERT INTO items (id, org_id, title, category_id, status, corrects_id, created_by, created_at, updated_at) "
	"VALUES (2, 2, '更正：关于“双减”的通知', 2, 'draft', 1, 2, '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z')",
	"INSERT INTO items (id, org_id, index_no, title, category_id, status, body_text, published_on, created_at, "
	"updated_at) VALUES (3, 3, 'WS/2026-00001', '卫生局机构职能', 3, 'published', '职能 正文', '2026-02-01', "
	"'2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z')",
	"INSERT INTO calendar_days (org_id, day, kind, name) VALUES (1, '2026-10-01', 'off', '国庆节')",
	"INSERT INTO calendar_days (org_id, day, kind, name) VALUES (1, '2026-10-10', 'work', '国庆节')",
	"INSERT INTO calendar_years (org_id, year) VALUES (1, 2026)",
	NULL,
};

/* A search for q finds n items, the first with id first (0: any), on the
 * source and on the copy alike. */
static void assert_same_search(struct fx *f, const char *q, size_t n, long long first)
{
	struct db *side[2] = { f->src, f->dst };
	long long ids[2][4] = { { 0 } };
	const char *match;

	assert_int_equal(fts_match_expr(fts, &f->a, q, strlen(q), &match), 0);
	for (int k = 0; k < 2; k++) {
		struct item_row *rows;
		size_t got;
		long long total;
		bool capped;

		assert_int_equal(store_item_search(side[k], &f->a, match, &(struct item_filter){ .limit = 4 }, &rows,
						   &got, &total, &capped), 0);
		assert_int_equal(got, n);
		assert_int_equal(total, (long long)n);
		for (size_t i = 0; i < got && i < 4; i++)
			ids[k][i] = rows[i].id;
	}
	if (first)
		assert_int_equal(ids[1][0], first);
	assert_memory_equal(ids[0], ids[1], sizeof(ids[0]));
}

static void fill_source(struct db *db)
{
	for (const char *const *s = source_rows; *s; s++)
		assert_int_equal(db_exec(db, *s), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char file[128];

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-copy-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->src_path, sizeof(f->src_path), "%s/src.db", f->dir);
	snprintf(file, sizeof(file), "%s/dst.db", f->dir);
	test_db_target(file, f->dst_path, sizeof(f->dst_path));
	snprintf(f->other_path, sizeof(f->other_path), "%s/other.db", f->dir);
	f->src = open_db(f->src_path);
	assert_int_equal(db_migrate(f->src, NULL), 0);
	fill_source(f->src);
	f->dst = open_db(f->dst_path);
	arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static void unlink_sqlite(const char *path)
{
	const char *const sfx[] = { "", "-wal", "-shm" };
	char p[224];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->src);
	db_close(f->dst);
	test_db_drop(f->dst_path);
	arena_release(&f->a);
	unlink_sqlite(f->src_path);
	unlink_sqlite(f->other_path);
	if (!test_pg_url())
		unlink_sqlite(f->dst_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The one value of a one-row query. */
static long long q_int(struct db *db, const char *sql)
{
	struct db_dyn *d = NULL;
	struct db_value v;
	long long out;

	assert_int_equal(db_dyn_prep(db, sql, &d), 0);
	assert_int_equal(db_dyn_step(d), 1);
	db_dyn_col(d, 0, &v);
	out = v.t == DB_V_INT ? v.i : -1;
	assert_int_equal(db_dyn_step(d), 0);
	db_dyn_free(d);
	return out;
}

static const char *q_text(struct db *db, struct arena *a, const char *sql)
{
	struct db_dyn *d = NULL;
	struct db_value v;
	const char *out;

	assert_int_equal(db_dyn_prep(db, sql, &d), 0);
	assert_int_equal(db_dyn_step(d), 1);
	db_dyn_col(d, 0, &v);
	out = v.t == DB_V_NULL ? NULL : arena_strndup(a, v.p, v.n);
	assert_int_equal(db_dyn_step(d), 0);
	db_dyn_free(d);
	return out;
}

static const struct copy_table *row_of(const struct copy_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->t[i].name, name) == 0)
			return &r->t[i];
	fail_msg("no table %s in the report", name);
	return NULL;
}

static void assert_chain_ok(struct db *db, long long *rows)
{
	long long bad = -1;

	assert_int_equal(store_audit_verify(db, &bad, rows), 0);
	assert_int_equal(bad, 0);
}

static void test_whole_copy(void **state)
{
	struct fx *f = *state;
	struct copy_report r;
	long long src_audit = 0, dst_audit = 0;

	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ 0 }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	assert_true(r.n >= 30);
	/* every table the product has is in the report, compared and equal */
	assert_true(row_of(&r, "items")->compared && row_of(&r, "items")->ok);
	assert_int_equal(row_of(&r, "items")->dst_rows, 3);
	assert_int_equal(row_of(&r, "calendar_days")->dst_rows, 2);
	assert_true(row_of(&r, "audit_log")->ok);
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.t[i].ok);
	/* values with their types: NULL stays NULL, a 64-bit integer whole */
	assert_null(q_text(f->dst, &f->a, "SELECT index_no FROM items WHERE id = 2"));
	assert_int_equal(q_int(f->dst, "SELECT views FROM items WHERE id = 1"), 9007199254740993LL);
	assert_string_equal(q_text(f->dst, &f->a, "SELECT title FROM items WHERE id = 1"), "关于“双减”的通知（O'Brien）");
	assert_int_equal(q_int(f->dst, "SELECT corrects_id FROM items WHERE id = 2"), 1);
	/* the audit log verbatim: same rows, and its chain verifies there */
	assert_chain_ok(f->src, &src_audit);
	assert_chain_ok(f->dst, &dst_audit);
	assert_true(src_audit >= 18);
	assert_int_equal(src_audit, dst_audit);
	/* the copy wrote no audit rows of its own; the triggers work again */
	assert_int_equal(db_exec(f->dst, "UPDATE orgs SET name = '平台二' WHERE id = 1"), 0);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM audit_log"), src_audit + 1);
	assert_chain_ok(f->dst, &dst_audit);
	/* the next id comes after the copied ones (PostgreSQL's sequences) */
	assert_int_equal(db_exec(f->dst, "INSERT INTO categories (org_id, name) VALUES (2, '新类别')"), 0);
	assert_int_equal(q_int(f->dst, "SELECT MAX(id) FROM categories"), 4);
	/* the catalog counts came along and keep counting */
	assert_int_equal(q_int(f->dst, "SELECT CAST(SUM(n) AS BIGINT) FROM item_counts WHERE org_id = 2"), 1);
	if (!db_is_pg(f->dst)) {
		/* SQLite's search index was rebuilt from the copied items */
		assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items_fts WHERE items_fts MATCH 'o2'"), 1);
	}
	/* the search index was rebuilt on the target (FTS5 or item_search):
	 * the same searches find the same published items there */
	assert_same_search(f, "课后服务", 1, 1);
	assert_same_search(f, "机构职能", 1, 3);
	assert_same_search(f, "正文", 2, 0);
	assert_same_search(f, "更正", 0, 0);   /* a draft is not found */
	/* and verification alone agrees */
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ .verify_only = true }, &f->a, &r), 0);
	assert_true(r.mismatches >= 1);   /* the two changes made above */
	assert_false(row_of(&r, "categories")->ok);
	assert_false(row_of(&r, "orgs")->ok);
	assert_true(row_of(&r, "items")->ok);
}

static void test_round_trip_back_to_sqlite(void **state)
{
	struct fx *f = *state;
	struct copy_report r;
	struct db *back;

	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ 0 }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	/* the copy's copy, from the target engine back to a SQLite file,
	 * has the source's very checksums */
	back = open_db(f->other_path);
	assert_int_equal(store_copy(f->dst, back, &(struct copy_opts){ 0 }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	assert_int_equal(store_copy(f->src, back, &(struct copy_opts){ .verify_only = true }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	assert_string_equal(row_of(&r, "items")->src_sum, row_of(&r, "items")->dst_sum);
	db_close(back);
}

static void test_non_empty_target(void **state)
{
	struct fx *f = *state;
	struct copy_report r;

	assert_int_equal(db_migrate(f->dst, NULL), 0);
	assert_int_equal(db_exec(f->dst, "INSERT INTO orgs (slug, name, created_at, updated_at) VALUES ('old', '旧机构', "
					 "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"),
			 0);
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ 0 }, &f->a, &r), ERR_CONFLICT);
	assert_non_null(r.msg);
	assert_non_null(strstr(r.msg, "不是空的"));
	assert_non_null(strstr(r.msg, "--force"));
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs"), 1);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items"), 0);
	/* --force: emptied first (audit log included), then copied */
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ .force = true }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs WHERE slug = 'old'"), 0);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs"), 3);
	assert_chain_ok(f->dst, &(long long){ 0 });
}

static void test_failed_copy_leaves_target(void **state)
{
	struct fx *f = *state;
	struct copy_report r;

	assert_int_equal(db_migrate(f->dst, NULL), 0);
	assert_int_equal(db_exec(f->dst, "INSERT INTO orgs (slug, name, created_at, updated_at) VALUES ('old', '旧机构', "
					 "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"),
			 0);
	/* a source row the target refuses (an item of a category that does
	 * not exist: SQLite lets it in with foreign keys off) */
	assert_int_equal(db_exec(f->src, "PRAGMA foreign_keys = OFF"), 0);
	assert_int_equal(db_exec(f->src, "INSERT INTO items (org_id, title, category_id, created_at, updated_at) VALUES "
					 "(2, '孤儿', 99, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"),
			 0);
	assert_true(store_copy(f->src, f->dst, &(struct copy_opts){ .force = true }, &f->a, &r) < 0);
	/* the target as it was: its one org, no item, its triggers */
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs"), 1);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs WHERE slug = 'old'"), 1);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items"), 0);
	assert_int_equal(db_exec(f->dst, "UPDATE orgs SET name = '旧机构二'"), 0);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM audit_log WHERE tbl = 'orgs'"), 2);
	assert_true(db_exec(f->dst, "DELETE FROM audit_log") != 0);   /* still append-only */
}

static void test_one_agency(void **state)
{
	struct fx *f = *state;
	struct copy_report r;
	long long rows = 0;

	if (store_copy(f->src, f->dst, &(struct copy_opts){ .org_slug = "jyj" }, &f->a, &r))
		fail_msg("%s", r.msg ? r.msg : "?");
	assert_int_equal(r.mismatches, 0);
	assert_int_equal(r.org_id, 2);
	/* its own rows */
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items"), 2);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items WHERE org_id = 3"), 0);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM categories"), 2);
	/* what they reference: the platform (parent org), the shared user
	 * wang with his membership here only, and his home org's row */
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs"), 3);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM users WHERE username = 'wang'"), 1);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM memberships WHERE user_id = 2"), 1);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM users WHERE username = 'admin'"), 0);
	/* the platform's calendar */
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM calendar_days"), 2);
	/* its audit rows, chained onto the target's */
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM audit_log WHERE org_id <> 2"), 0);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM audit_log"),
			 q_int(f->src, "SELECT COUNT(*) FROM audit_log WHERE org_id = 2"));
	assert_chain_ok(f->dst, &rows);

	/* the second agency into the same (now non-empty) target: the
	 * platform is there already, and so is its own orgs row (brought
	 * along as wang's home org): the same row, kept */
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ .org_slug = "wsj" }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	assert_int_equal(row_of(&r, "orgs")->kept, 2);
	assert_int_equal(row_of(&r, "users")->kept, 1);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items"), 3);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM memberships"), 3);
	assert_chain_ok(f->dst, &rows);
	assert_int_equal(rows, q_int(f->src, "SELECT COUNT(*) FROM audit_log WHERE org_id IN (2, 3)"));
	/* both agencies' items are found on the target */
	assert_same_search(f, "正文", 2, 0);
	assert_same_search(f, "机构职能", 1, 3);

	/* the first one again: its rows clash, nothing is copied */
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ .org_slug = "jyj" }, &f->a, &r), ERR_INVALID);
	assert_non_null(r.msg);
	assert_non_null(strstr(r.msg, "已有"));
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM items"), 3);
	assert_chain_ok(f->dst, &rows);

	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ .org_slug = "nope" }, &f->a, &r), ERR_INVALID);
	assert_non_null(strstr(r.msg, "nope"));
}

static void test_one_agency_id_clash(void **state)
{
	struct fx *f = *state;
	struct copy_report r;

	/* the target already has another org under the agency's id */
	assert_int_equal(db_migrate(f->dst, NULL), 0);
	assert_int_equal(db_exec(f->dst, "INSERT INTO orgs (id, slug, name, created_at, updated_at) VALUES (1, 'platform', "
					 "'平台', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"),
			 0);
	assert_int_equal(db_exec(f->dst, "INSERT INTO orgs (id, slug, name, created_at, updated_at) VALUES (2, 'other', "
					 "'别的机构', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"),
			 0);
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ .org_slug = "jyj" }, &f->a, &r), ERR_INVALID);
	assert_non_null(strstr(r.msg, "orgs"));
	assert_non_null(strstr(r.msg, "冲突"));
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs"), 2);
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM categories"), 0);
}

static void test_schema_versions_must_match(void **state)
{
	struct fx *f = *state;
	struct copy_report r;

	assert_int_equal(db_exec(f->src, "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
					 "(9999, '9999_future.sql', '2030-01-01T00:00:00Z')"),
			 0);
	assert_int_equal(store_copy(f->src, f->dst, &(struct copy_opts){ 0 }, &f->a, &r), ERR_INVALID);
	assert_non_null(strstr(r.msg, "版本"));
	assert_int_equal(q_int(f->dst, "SELECT COUNT(*) FROM orgs"), 0);
}

/* SQLite: a blob and a real in columns of another declared type
 * (SQLite keeps the value's own type) come out as they went in. */
static void test_sqlite_keeps_value_types(void **state)
{
	struct fx *f = *state;
	struct copy_report r;
	struct db *other;

	/* (not audited: the audit trail's JSON cannot hold a blob) */
	assert_int_equal(db_audit_enable(f->src, false), 0);
	assert_int_equal(db_exec(f->src, "UPDATE orgs SET safety_words = X'00FF10' WHERE id = 3"), 0);
	assert_int_equal(db_exec(f->src, "UPDATE items SET views = 2.5 WHERE id = 3"), 0);
	other = open_db(f->other_path);
	assert_int_equal(store_copy(f->src, other, &(struct copy_opts){ 0 }, &f->a, &r), 0);
	assert_int_equal(r.mismatches, 0);
	assert_string_equal(q_text(other, &f->a, "SELECT typeof(safety_words) || (SELECT typeof(views) FROM items WHERE id = 3) FROM orgs WHERE id = 3"),
			    "blobreal");
	assert_int_equal(q_int(other, "SELECT safety_words = X'00FF10' FROM orgs WHERE id = 3"), 1);
	db_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_back_to_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_empty_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_copy_leaves_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_agency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_agency_id_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions_must_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_keeps_value_types, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
