/* test_platform.c - the org tree of the platform: the pure rules (parents,
 * cycles, subtrees, deadlines), the operations over a real database
 * (create with categories and a first 机构管理员, move, refuse a cycle,
 * delete only when empty), and the ancestor rule of auth_can (a role in a
 * parent reads the subtree's aggregates, never its records). Runs on
 * PostgreSQL too (GONGKAI_TEST_PG, make check-pg). */
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
#include "core/date.h"
#include "core/err.h"
#include "domain/auth/auth.h"
#include "domain/platform/platform.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/platform.h"
#include "store/store.h"
#include "store/user.h"
#include "test_db.h"
#include "core/banned.h"

static struct org_node node(long long id, long long parent, const char *kind)
{
	struct org_node n = { .org = { .id = id, .parent_id = parent, .slug = "x", .name = "x" },
			      .agency_kind = kind, .report_due = "" };
	return n;
}

/* city(1) -> edu(2), health(3), town(4) -> village office(5) */
static void test_tree_rules(void **state)
{
	struct arena a;
	struct org_node t[] = { node(1, 0, "government"), node(2, 1, "department"), node(3, 1, "department"),
				node(4, 1, "town"), node(5, 4, "other") };
	size_t n = 5, *idx, k;
	int *depth;
	const char *msg;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(platform_check_parent(t, n, 2, 0, &msg), 0);
	assert_int_equal(platform_check_parent(t, n, 2, 4, &msg), 0);
	assert_int_equal(platform_check_parent(t, n, 0, 5, &msg), 0);
	/* a parent must exist */
	assert_int_equal(platform_check_parent(t, n, 2, 99, &msg), ERR_NOT_FOUND);
	assert_non_null(strstr(msg, "上级机构不存在"));
	/* no cycles: itself, its child, its grandchild */
	assert_int_equal(platform_check_parent(t, n, 1, 1, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "环"));
	assert_int_equal(platform_check_parent(t, n, 1, 2, &msg), ERR_INVALID);
	assert_int_equal(platform_check_parent(t, n, 1, 5, &msg), ERR_INVALID);
	assert_int_equal(platform_check_parent(t, n, 4, 5, &msg), ERR_INVALID);

	assert_true(platform_in_subtree(t, n, 1, 5));
	assert_true(platform_in_subtree(t, n, 4, 4));
	assert_false(platform_in_subtree(t, n, 2, 5));
	assert_true(platform_has_children(t, n, 4));
	assert_false(platform_has_children(t, n, 5));

	/* the subtree of the town: itself, then the office; of the city: all,
	 * depth first */
	assert_int_equal(platform_subtree(&a, t, n, 4, &idx, &k, &depth), 0);
	assert_int_equal(k, 2);
	assert_int_equal(t[idx[0]].org.id, 4);
	assert_int_equal(t[idx[1]].org.id, 5);
	assert_int_equal(depth[1], 1);
	assert_int_equal(platform_subtree(&a, t, n, 1, &idx, &k, &depth), 0);
	assert_int_equal(k, 5);
	assert_int_equal(t[idx[3]].org.id, 4);
	assert_int_equal(t[idx[4]].org.id, 5);
	assert_int_equal(depth[4], 2);
	assert_int_equal(platform_subtree(&a, t, n, 0, &idx, &k, &depth), 0);
	assert_int_equal(k, 5);
	assert_int_equal(platform_subtree(&a, t, n, 77, &idx, &k, &depth), ERR_NOT_FOUND);

	/* deadlines: 3月31日 for a government with children, else 1月31日; a
	 * local deadline only earlier */
	assert_string_equal(platform_statutory_due("government", true), "03-31");
	assert_string_equal(platform_statutory_due("government", false), "01-31");
	assert_string_equal(platform_statutory_due("department", true), "01-31");
	assert_int_equal(platform_deadline(&t[0], true, 2024), date_from_ymd(2025, 3, 31));
	assert_int_equal(platform_deadline(&t[1], false, 2024), date_from_ymd(2025, 1, 31));
	t[1].report_due = "01-20";
	assert_int_equal(platform_deadline(&t[1], false, 2024), date_from_ymd(2025, 1, 20));
	assert_null(platform_due_invalid("01-20", "01-31"));
	assert_null(platform_due_invalid("", "01-31"));
	assert_non_null(platform_due_invalid("02-15", "01-31"));
	assert_null(platform_due_invalid("02-15", "03-31"));
	assert_non_null(platform_due_invalid("02-30", "03-31"));
	assert_non_null(platform_due_invalid("1-20", "03-31"));
	arena_release(&a);
}

static void test_validate(void **state)
{
	struct arena a;
	struct org_node o = { .org = { .slug = " tx-jyj ", .name = "桐乡市教育局", .org_code = "TX-JYJ" } };
	const char *msg;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(platform_validate(&a, &o, &msg), 0);
	assert_string_equal(o.org.slug, "tx-jyj");
	assert_string_equal(o.agency_kind, "department");
	assert_string_equal(o.org.index_pattern, "{机构代码}/{YYYY}-{NNNNN}");
	o.org.slug = "Bad Slug";
	assert_int_equal(platform_validate(&a, &o, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "机构标识"));
	o.org.slug = "platform";
	assert_int_equal(platform_validate(&a, &o, &msg), ERR_INVALID);
	o.org.slug = "ok";
	o.agency_kind = "ministry";
	assert_int_equal(platform_validate(&a, &o, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "机构类型"));
	o.agency_kind = "town";
	o.org.index_pattern = "{机构代码}/{YYYY}";
	assert_int_equal(platform_validate(&a, &o, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "索引号"));
	o.org.index_pattern = NULL;
	o.contact.postcode = "31450";
	assert_int_equal(platform_validate(&a, &o, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "邮编"));
	o.contact.postcode = "314500";
	o.contact.email = "gk-at-example.cn";
	assert_int_equal(platform_validate(&a, &o, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "电子邮箱"));
	o.contact.email = "gk@tx.gov.cn";
	o.contact.phone = "0573-88888888转123";
	assert_int_equal(platform_validate(&a, &o, &msg), 0);
	arena_release(&a);
}

struct fx {
	char dir[64], path[128], target[256];
	struct fts_ctx *fts;
	struct db *db;
	struct arena a;
};

static int fx_setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-platform-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	test_db_target(f->path, f->target, sizeof(f->target));
	assert_int_equal(fts_ctx_new(NULL, &f->fts), 0);
	o = (struct db_opts){ .fts = f->fts };
	assert_int_equal(db_open(f->target, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	const char *const sfx[] = { "", "-wal", "-shm" };
	char p[160];

	arena_release(&f->a);
	db_close(f->db);
	fts_ctx_free(f->fts);
	test_db_drop(f->target);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	test_free(f);
	return 0;
}

static long long mk(struct fx *f, const char *slug, const char *name, long long parent, const char *kind,
		    const char *admin, const char **pw)
{
	struct org_node o = { .org = { .slug = slug, .name = name, .org_code = "C1", .parent_id = parent },
			      .agency_kind = kind };
	const char *msg, *p = NULL;

	if (platform_create(f->db, &f->a, &o, admin, NULL, "2026-01-01T00:00:00Z", &p, &msg))
		fail_msg("create %s: %s", slug, msg ? msg : "?");
	if (pw)
		*pw = p;
	return o.org.id;
}

static void test_operations(void **state)
{
	struct fx *f = *state;
	struct org_node o, *nodes;
	struct category *cats;
	struct user u;
	size_t n;
	const char *pw, *msg, *roles;
	long long city, edu, town, other;
	struct org_node dup = { .org = { .slug = "tx-edu", .name = "重复" } };

	city = mk(f, "tx-gov", "桐乡市人民政府", 0, "government", NULL, NULL);
	edu = mk(f, "tx-edu", "桐乡市教育局", city, "department", "edu-admin", &pw);
	town = mk(f, "tx-wuzhen", "乌镇镇人民政府", city, "town", NULL, NULL);
	other = mk(f, "tx-other", "另一机构", 0, "other", NULL, NULL);
	/* the first administrator: one-time password, must change it, orgadmin */
	assert_non_null(pw);
	assert_int_equal(strlen(pw), 16);
	assert_int_equal(store_user_by_name(f->db, &f->a, "edu-admin", &u), 0);
	assert_true(u.must_change_password);
	assert_int_equal(u.org_id, edu);
	assert_int_equal(store_membership_roles(f->db, &f->a, edu, u.id, &roles), 0);
	assert_string_equal(roles, "orgadmin");
	/* default categories */
	assert_int_equal(store_category_list(f->db, &f->a, edu, &cats, &n), 0);
	assert_true(n > 5);
	/* taken slug and username: refused, nothing stored */
	assert_int_equal(platform_create(f->db, &f->a, &dup, NULL, NULL, "t", &pw, &msg), ERR_CONFLICT);
	assert_non_null(strstr(msg, "已被使用"));
	dup.org.slug = "tx-new";
	assert_int_equal(platform_create(f->db, &f->a, &dup, "edu-admin", NULL, "t", &pw, &msg), ERR_CONFLICT);
	assert_int_equal(store_platform_org_by_slug(f->db, &f->a, "tx-new", &o), ERR_NOT_FOUND);
	/* a parent must exist */
	dup.org.parent_id = 9999;
	assert_int_equal(platform_create(f->db, &f->a, &dup, NULL, NULL, "t", &pw, &msg), ERR_NOT_FOUND);

	/* the deadline follows the tree: the city has children */
	assert_int_equal(store_platform_orgs(f->db, &f->a, &nodes, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(platform_due(&nodes[platform_find(nodes, n, city)], true), "03-31");

	/* move: under the town is fine, the city under its own town is a cycle */
	assert_int_equal(platform_move(f->db, &f->a, other, town, "t", &msg), 0);
	assert_int_equal(store_platform_org(f->db, &f->a, other, &o), 0);
	assert_int_equal(o.org.parent_id, town);
	assert_int_equal(platform_move(f->db, &f->a, city, other, "t", &msg), ERR_INVALID);
	assert_int_equal(store_platform_org(f->db, &f->a, city, &o), 0);
	assert_int_equal(o.org.parent_id, 0);

	/* edit, with a local deadline later than the statute refused */
	assert_int_equal(store_platform_org(f->db, &f->a, edu, &o), 0);
	o.report_due = "02-10";
	assert_int_equal(platform_update(f->db, &f->a, &o, "t", &msg), ERR_INVALID);
	o.report_due = "01-25";
	o.sort = 3;
	o.org.name = "桐乡市教育局（改）";
	assert_int_equal(platform_update(f->db, &f->a, &o, "t", &msg), 0);
	assert_int_equal(store_platform_org(f->db, &f->a, edu, &o), 0);
	assert_string_equal(o.report_due, "01-25");
	assert_string_equal(o.org.name, "桐乡市教育局（改）");
	o.contact = (struct org_contact){ .address = "桐乡市庆丰南路", .postcode = "314500", .phone = "0573-1" };
	assert_int_equal(store_platform_set_contact(f->db, edu, &o.contact, "t"), 0);
	assert_int_equal(store_platform_org(f->db, &f->a, edu, &o), 0);
	assert_string_equal(o.contact.postcode, "314500");

	/* delete: the edu bureau has a user (a record), the town a child, the
	 * other agency nothing */
	assert_int_equal(platform_delete(f->db, &f->a, edu, &msg), ERR_CONFLICT);
	assert_non_null(strstr(msg, "停用"));
	assert_int_equal(platform_delete(f->db, &f->a, town, &msg), ERR_CONFLICT);
	assert_non_null(strstr(msg, "下级机构"));
	assert_int_equal(platform_delete(f->db, &f->a, other, &msg), 0);
	assert_int_equal(store_platform_org(f->db, &f->a, other, &o), ERR_NOT_FOUND);
	/* the dashboard's and the catalog's queries run (on PostgreSQL too);
	 * nothing open, nothing published yet */
	for (int k = 0; k < OPEN_KINDS; k++) {
		struct open_cases *oc;

		assert_int_equal(store_platform_open_cases(f->db, &f->a, k, "2026-01-05", "2026-01-08", &oc, &n), 0);
		assert_int_equal(n, 0);
	}
	assert_int_equal(store_platform_open_cases(f->db, &f->a, OPEN_KINDS, "a", "b", NULL, &n), ERR_INVALID);
	{
		struct item_row *rows;
		long long total = -1;

		assert_int_equal(store_platform_items(f->db, &f->a, city, true, 20, 0, &rows, &n, &total), 0);
		assert_int_equal(total, 0);
		assert_int_equal(store_platform_items(f->db, &f->a, 0, false, 20, 0, &rows, &n, &total), 0);
		assert_int_equal(n, 0);
	}
	/* deactivate instead */
	assert_int_equal(platform_set_active(f->db, edu, false, "t", &msg), 0);
	assert_int_equal(store_platform_org(f->db, &f->a, edu, &o), 0);
	assert_false(o.active);
}

/* The ancestor rule: a role in the city gives PERM_OVERSEE in its
 * departments and towns (and below), and no other permission there. */
static void test_ancestor_rule(void **state)
{
	struct fx *f = *state;
	struct org platform = { .slug = "platform", .name = "平台", .kind = "platform" };
	struct user cityv = { .username = "city-viewer" }, edua = { .username = "edu-a" },
		    sys = { .username = "sys" };
	long long city, edu, town, office, other;
	bool yes;

	assert_int_equal(store_org_insert(f->db, &platform, "t"), 0);
	city = mk(f, "c", "市政府", 0, "government", NULL, NULL);
	edu = mk(f, "e", "教育局", city, "department", NULL, NULL);
	town = mk(f, "t", "镇", city, "town", NULL, NULL);
	office = mk(f, "o", "镇办", town, "other", NULL, NULL);
	other = mk(f, "x", "他市", 0, "government", NULL, NULL);
	cityv.org_id = edua.org_id = city;
	sys.org_id = platform.id;
	cityv.password_hash = edua.password_hash = sys.password_hash = "x";
	assert_int_equal(store_user_insert(f->db, &cityv, "t"), 0);
	assert_int_equal(store_user_insert(f->db, &edua, "t"), 0);
	assert_int_equal(store_user_insert(f->db, &sys, "t"), 0);
	assert_int_equal(store_membership_add(f->db, city, cityv.id, "viewer"), 0);
	assert_int_equal(store_membership_add(f->db, edu, edua.id, "orgadmin"), 0);
	assert_int_equal(store_membership_add(f->db, platform.id, sys.id, "sysadmin"), 0);

	static const struct {
		int who;      /* 0 city viewer, 1 edu orgadmin, 2 sysadmin */
		int org;      /* 0 city 1 edu 2 town 3 office 4 other */
		enum perm p;
		bool want;
	} cases[] = {
		{ 0, 0, PERM_OVERSEE, true },  { 0, 1, PERM_OVERSEE, true }, { 0, 3, PERM_OVERSEE, true },
		{ 0, 4, PERM_OVERSEE, false },
		/* the records of a descendant stay closed */
		{ 0, 1, PERM_READ, false },    { 0, 1, PERM_CASES, false },  { 0, 3, PERM_READ, false },
		/* a department's administrator: own org only, never upwards */
		{ 1, 1, PERM_OVERSEE, true },  { 1, 1, PERM_ADMIN, true },   { 1, 0, PERM_OVERSEE, false },
		{ 1, 0, PERM_READ, false },    { 1, 2, PERM_OVERSEE, false }, { 1, 4, PERM_READ, false },
		{ 2, 3, PERM_OVERSEE, true },  { 2, 4, PERM_ADMIN, true },
	};
	long long orgs[] = { city, edu, town, office, other };
	long long users[] = { cityv.id, edua.id, sys.id };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yes = !cases[i].want;
		assert_int_equal(auth_can(f->db, users[cases[i].who], orgs[cases[i].org], cases[i].p, &yes), 0);
		if (yes != cases[i].want)
			fail_msg("case %zu: user %d perm %d org %d: %d", i, cases[i].who, (int)cases[i].p, cases[i].org,
				 yes);
	}
	/* moving the town away from the city ends the city's oversight there */
	{
		const char *msg;

		assert_int_equal(platform_move(f->db, &f->a, town, other, "t", &msg), 0);
		assert_int_equal(auth_can(f->db, cityv.id, office, PERM_OVERSEE, &yes), 0);
		assert_false(yes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_rules),
		cmocka_unit_test(test_validate),
		cmocka_unit_test_setup_teardown(test_operations, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ancestor_rule, fx_setup, fx_teardown),
	};

	if (auth_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
