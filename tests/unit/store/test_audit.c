/* test_audit.c - the audit trail at the store level: a change made through
 * any statement is appended with the connection's actor and the row before
 * and after (secrets as fingerprints, the view counter left out); events;
 * the log refuses UPDATE and DELETE; the hash chain verifies and finds an
 * edit made with the guard removed; a bulk load is not logged row by row. */
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
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "test_db.h"
#include "core/banned.h"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[192];  /* db_open's target: the SQLite file or a PostgreSQL URL (test_db.h) */
	struct db *db;
	struct arena a;
	struct org org;
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

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-audit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	{
		char file[128];

		snprintf(file, sizeof(file), "%s/gk.db", f->dir);
		test_db_target(file, f->path, sizeof(f->path));
	}
	assert_int_equal(db_open(f->path, &(struct db_opts){ .fts = fts }, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	arena_init(&f->a, 0);
	db_set_actor(f->db, 0, "测试", "");
	f->org = (struct org){ .slug = "tcjy", .name = "教育局", .kind = "agency", .org_code = "001" };
	assert_int_equal(store_org_insert(f->db, &f->org, "2026-01-01T00:00:00Z"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[224];
	const char *const sfx[] = { "", "-wal", "-shm" };

	db_close(f->db);
	test_db_drop(f->path);
	arena_release(&f->a);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct audit_row *newest(struct fx *f, const char *tbl, size_t *n)
{
	struct audit_row *rows;
	struct audit_filter fl = { .tbl = tbl, .limit = 10 };

	assert_int_equal(store_audit_list(f->db, &f->a, &fl, &rows, n), 0);
	return rows;
}

static void test_change_recorded(void **state)
{
	struct fx *f = *state;
	struct user u = { .org_id = f->org.id, .username = "zhang", .display_name = "张三", .password_hash = "$argon2id$secret" };
	struct audit_row *r;
	size_t n;

	db_set_actor(f->db, 7, "admin", "10.0.0.9");
	assert_int_equal(store_user_insert(f->db, &u, "2026-01-02T00:00:00Z"), 0);
	r = newest(f, "users", &n);
	assert_true(n >= 1);
	assert_string_equal(r[0].action, "insert");
	assert_int_equal(r[0].user_id, 7);
	assert_string_equal(r[0].username, "admin");
	assert_string_equal(r[0].ip, "10.0.0.9");
	assert_int_equal(r[0].org_id, f->org.id);
	assert_int_equal(r[0].row_id, u.id);
	assert_null(r[0].before);
	assert_non_null(strstr(r[0].after, "\"username\":\"zhang\""));
	assert_null(strstr(r[0].after, "argon2id"));      /* the hash itself never */
	assert_non_null(strstr(r[0].after, "sha256:"));   /* a fingerprint instead */

	assert_int_equal(store_user_set_password(f->db, u.id, "$argon2id$other", "2026-01-03T00:00:00Z"), 0);
	r = newest(f, "users", &n);
	assert_string_equal(r[0].action, "update");
	assert_non_null(r[0].before);
	assert_true(strcmp(r[0].before, r[0].after) != 0); /* the fingerprint changed */
	assert_null(strstr(r[0].after, "argon2id"));
}

static void test_no_op_update_and_views_not_recorded(void **state)
{
	struct fx *f = *state;
	long long before, after;
	struct audit_row *r;
	size_t n;

	r = newest(f, "", &n);
	before = n ? r[0].id : 0;
	assert_int_equal(db_exec(f->db, "UPDATE orgs SET name = name"), 0);
	r = newest(f, "", &n);
	after = n ? r[0].id : 0;
	assert_int_equal(before, after);
}

static void test_events_and_chain(void **state)
{
	struct fx *f = *state;
	long long bad = -1, rows = 0;
	struct audit_row *r;
	size_t n;

	db_set_actor(f->db, 0, "", "192.0.2.1");
	assert_int_equal(store_audit_event(f->db, f->org.id, "login_failed", "users", 0, "{\"username\":\"ghost\"}"), 0);
	r = newest(f, "users", &n);
	assert_string_equal(r[0].action, "login_failed");
	assert_string_equal(r[0].ip, "192.0.2.1");
	assert_int_equal(r[0].user_id, 0);
	assert_int_equal(store_audit_verify(f->db, &bad, &rows), 0);
	assert_int_equal(bad, 0);
	assert_true(rows >= 2);
}

static void test_append_only(void **state)
{
	struct fx *f = *state;
	long long bad = 0, rows = 0;

	assert_int_equal(store_audit_event(f->db, f->org.id, "login", "users", 1, NULL), 0);
	assert_int_not_equal(db_exec(f->db, "UPDATE audit_log SET username = 'x'"), 0);
	assert_int_not_equal(db_exec(f->db, "DELETE FROM audit_log"), 0);
	assert_int_equal(store_audit_verify(f->db, &bad, &rows), 0);
	assert_int_equal(bad, 0);
	/* with the guard taken away (outside the application), an edit is found */
	assert_int_equal(db_exec(f->db, test_pg_url() ? "DROP TRIGGER audit_log_no_update ON audit_log"
						       : "DROP TRIGGER audit_log_no_update"), 0);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET ip = '6.6.6.6' WHERE id = 1"), 0);
	assert_int_equal(store_audit_verify(f->db, &bad, &rows), 0);
	assert_int_equal(bad, 1);
}

static void test_bulk_mode_logs_nothing_row_by_row(void **state)
{
	struct fx *f = *state;
	struct org o = { .slug = "bulk", .name = "批量", .kind = "agency" };
	struct audit_row *r;
	size_t n, n2;

	r = newest(f, "orgs", &n);
	assert_int_equal(db_bulk_mode(f->db, true), 0);
	assert_int_equal(store_org_insert(f->db, &o, "2026-01-01T00:00:00Z"), 0);
	assert_int_equal(db_bulk_mode(f->db, false), 0);
	r = newest(f, "orgs", &n2);
	assert_int_equal(n, n2);
	/* and back on afterwards */
	assert_int_equal(db_exec(f->db, "UPDATE orgs SET name = '批量二' WHERE slug = 'bulk'"), 0);
	r = newest(f, "orgs", &n2);
	assert_string_equal(r[0].action, "update");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_change_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_op_update_and_views_not_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_and_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_mode_logs_nothing_row_by_row, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
