/* test_app_store.c - the store of disclosure applications (依申请公开) on a
 * real SQLite file in a fresh temporary directory per test: round trips
 * with NULLs, org isolation, unique tokens and serials, optimistic
 * locking, serial numbers per year, list order and filters, the report
 * period, the per-applicant count, events, due changes, letters, files. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"
#include "test_db.h"
#include "core/banned.h"

#define NOW "2021-03-01T08:00:00Z"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[192];  /* db_open's target: the SQLite file or a PostgreSQL URL (test_db.h) */
	struct db *db;
	struct arena a;
	long long org;   /* the org of most tests */
	long long other; /* another org */
	int seq;         /* makes serials, codes and tokens unique */
};

static int group_setup(void **state)
{
	return fts_ctx_new(NULL, &fts) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	fts_ctx_free(fts);
	fts = NULL;
	return 0;
}

static long long make_org(struct fx *f, const char *slug, const char *code)
{
	struct org o = { .slug = slug, .name = slug, .org_code = code, .kind = "agency" };

	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_true(o.id > 0);
	return o.id;
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	int applied = -1;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-app-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	{
		char file[128];

		snprintf(file, sizeof(file), "%s/gk.db", f->dir);
		test_db_target(file, f->path, sizeof(f->path));
	}
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, &applied), 0);
	assert_true(applied > 0);
	f->org = make_org(f, "tcjy", "00258038-9");
	f->other = make_org(f, "tcga", "00258039-7");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	struct fx *f = *state;
	char p[224];

	db_close(f->db);
	test_db_drop(f->path);
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	assert_int_equal(rmdir(f->dir), 0);
	arena_release(&f->a);
	test_free(f);
	return 0;
}

/* A minimal application of org: required fields only, received on day,
 * unique serial / tracking code; the caller adjusts before insert_app. */
static struct application app_of(struct fx *f, long long org, const char *state, const char *day)
{
	struct application a = {
		.org_id = org,
		.serial = arena_printf(&f->a, "%.4s-%04d", day, ++f->seq),
		.tracking_code = arena_printf(&f->a, "TC%06d", f->seq),
		.check_digits = "5678",
		.state = state,
		.applicant_type = "natural",
		.name = "张三",
		.id_kind = "身份证",
		.id_number = "110101199003071234",
		.phone = "13912345678",
		.medium = "电子",
		.delivery = "电子邮件",
		.channel = "online",
		.submitted_on = day,
		.received_on = day,
		.created_at = NOW,
		.updated_at = NOW,
	};

	return a;
}

static long long insert_app(struct fx *f, struct application *a)
{
	assert_int_equal(store_app_insert(f->db, a), 0);
	assert_true(a->id > 0);
	assert_int_equal(a->version, 1);
	return a->id;
}

static struct application get_app(struct fx *f, long long org, long long id)
{
	struct application a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(store_app_get(f->db, &f->a, org, id, &a), 0);
	return a;
}

/* ---- insert, get ---- */

static void test_round_trip_all_fields(void **state)
{
	struct fx *f = *state;
	struct user u = { .org_id = f->org, .username = "clerk", .display_name = "办事员", .password_hash = "x" };
	struct application a = {
		.org_id = f->org,
		.serial = "2021-0007",
		.tracking_code = "K7Q2M9XP",
		.check_digits = "5678",
		.submit_token = "tok-1",
		.state = "extended",
		.applicant_type = "commercial",
		.name = "某某有限公司",
		.id_kind = "统一社会信用代码",
		.id_number = "91110000MA01ABCD1X",
		.contact_person = "李四",
		.phone = "13912345678",
		.email = "li@example.cn",
		.address = "北京市东城区某路1号",
		.postcode = "100010",
		.info_title = "2020年预算执行情况",
		.info_doc_no = "京财〔2020〕1号",
		.info_desc = "全文",
		.medium = "纸质",
		.delivery = "邮寄",
		.channel = "post_signed",
		.evidence = "签收记录",
		.submitted_on = "2021-02-26",
		.received_on = "2021-03-01",
		.due_on = "2021-03-22",
		.due_error = "",
		.extended = true,
		.wait_until = "2021-03-15",
		.fee_standard = 2,
		.fee_units = 31,
		.fee_yuan = 100,
		.outcome = "public",
		.basis = "第二十七条",
		.closed_on = "2021-03-20",
		.created_at = NOW,
		.updated_at = "2021-03-02T09:00:00Z",
	};
	struct application b, c;

	assert_int_equal(store_user_insert(f->db, &u, NOW), 0);
	a.created_by = u.id;
	insert_app(f, &a);
	b = get_app(f, f->org, a.id);
	assert_int_equal(b.id, a.id);
	assert_int_equal(b.org_id, f->org);
	assert_string_equal(b.serial, "2021-0007");
	assert_string_equal(b.tracking_code, "K7Q2M9XP");
	assert_string_equal(b.check_digits, "5678");
	assert_string_equal(b.submit_token, "tok-1");
	assert_string_equal(b.state, "extended");
	assert_string_equal(b.applicant_type, "commercial");
	assert_string_equal(b.name, "某某有限公司");
	assert_string_equal(b.id_kind, "统一社会信用代码");
	assert_string_equal(b.id_number, "91110000MA01ABCD1X");
	assert_string_equal(b.contact_person, "李四");
	assert_string_equal(b.phone, "13912345678");
	assert_string_equal(b.email, "li@example.cn");
	assert_string_equal(b.address, "北京市东城区某路1号");
	assert_string_equal(b.postcode, "100010");
	assert_string_equal(b.info_title, "2020年预算执行情况");
	assert_string_equal(b.info_doc_no, "京财〔2020〕1号");
	assert_string_equal(b.info_desc, "全文");
	assert_string_equal(b.medium, "纸质");
	assert_string_equal(b.delivery, "邮寄");
	assert_string_equal(b.channel, "post_signed");
	assert_string_equal(b.evidence, "签收记录");
	assert_string_equal(b.submitted_on, "2021-02-26");
	assert_string_equal(b.received_on, "2021-03-01");
	assert_string_equal(b.due_on, "2021-03-22");
	assert_string_equal(b.due_error, "");
	assert_true(b.extended);
	assert_string_equal(b.wait_until, "2021-03-15");
	assert_int_equal(b.fee_standard, 2);
	assert_int_equal(b.fee_units, 31);
	assert_int_equal(b.fee_yuan, 100);
	assert_string_equal(b.outcome, "public");
	assert_string_equal(b.basis, "第二十七条");
	assert_string_equal(b.closed_on, "2021-03-20");
	assert_int_equal(b.version, 1);
	assert_int_equal(b.created_by, u.id);
	assert_string_equal(b.created_at, NOW);
	assert_string_equal(b.updated_at, "2021-03-02T09:00:00Z");

	/* by token and by code give the same row */
	assert_int_equal(store_app_by_token(f->db, &f->a, f->org, "tok-1", &c), 0);
	assert_int_equal(c.id, a.id);
	assert_int_equal(store_app_by_code(f->db, &f->a, "K7Q2M9XP", &c), 0);
	assert_int_equal(c.id, a.id);
	assert_int_equal(c.org_id, f->org);

	/* the NULL-able fields: NULL and "" both store NULL; optional text "" */
	a = app_of(f, f->org, "submitted", "2021-03-01");
	a.submit_token = "";
	a.due_on = NULL;
	a.due_error = "no calendar for 2021";
	a.wait_until = "";
	insert_app(f, &a);
	b = get_app(f, f->org, a.id);
	assert_null(b.submit_token);
	assert_null(b.due_on);
	assert_string_equal(b.due_error, "no calendar for 2021");
	assert_null(b.wait_until);
	assert_null(b.outcome);
	assert_null(b.closed_on);
	assert_false(b.extended);
	assert_int_equal(b.created_by, 0);
	assert_string_equal(b.contact_person, "");
	assert_string_equal(b.email, "");
	assert_string_equal(b.address, "");
	assert_string_equal(b.postcode, "");
	assert_string_equal(b.info_title, "");
	assert_string_equal(b.info_doc_no, "");
	assert_string_equal(b.info_desc, "");
	assert_string_equal(b.evidence, "");
	assert_string_equal(b.basis, "");
	assert_int_equal(b.fee_standard, 0);
	assert_int_equal(b.fee_units, 0);
	assert_int_equal(b.fee_yuan, 0);
}

static void test_other_org_not_found(void **state)
{
	struct fx *f = *state;
	struct application a = app_of(f, f->org, "submitted", "2021-03-01"), b;

	a.submit_token = "tok-x";
	insert_app(f, &a);
	assert_int_equal(store_app_get(f->db, &f->a, f->other, a.id, &b), ERR_NOT_FOUND);
	assert_int_equal(store_app_get(f->db, &f->a, f->org, a.id + 1000, &b), ERR_NOT_FOUND);
	assert_int_equal(store_app_by_token(f->db, &f->a, f->other, "tok-x", &b), ERR_NOT_FOUND);
	assert_int_equal(store_app_by_token(f->db, &f->a, f->org, "tok-y", &b), ERR_NOT_FOUND);
	assert_int_equal(store_app_by_code(f->db, &f->a, "NOSUCH", &b), ERR_NOT_FOUND);

	/* an update through the wrong org changes nothing */
	b = a;
	b.org_id = f->other;
	b.name = "王五";
	assert_int_equal(store_app_update(f->db, &b), ERR_CONFLICT);
	assert_string_equal(get_app(f, f->org, a.id).name, "张三");
}

static long long count_apps(struct fx *f, long long org)
{
	struct app_filter q = { .org_id = org };
	struct application *rows = NULL;
	size_t n = 0;
	long long total = -1;

	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal((long long)n, total);
	return total;
}

static void test_unique_token_serial_code(void **state)
{
	struct fx *f = *state;
	struct application a = app_of(f, f->org, "submitted", "2021-03-01"), b, c;

	a.submit_token = "dbl";
	insert_app(f, &a);

	/* a double click: same token in the same org */
	b = app_of(f, f->org, "submitted", "2021-03-01");
	b.submit_token = "dbl";
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_app_insert(f->db, &b), ERR_CONFLICT);
	db_rollback(f->db);
	assert_int_equal(count_apps(f, f->org), 1);

	/* same serial in the same org */
	b = app_of(f, f->org, "submitted", "2021-03-01");
	b.serial = a.serial;
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_app_insert(f->db, &b), ERR_CONFLICT);
	db_rollback(f->db);

	/* same tracking code anywhere */
	b = app_of(f, f->other, "submitted", "2021-03-01");
	b.tracking_code = a.tracking_code;
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_app_insert(f->db, &b), ERR_CONFLICT);
	db_rollback(f->db);
	assert_int_equal(count_apps(f, f->org), 1);
	assert_int_equal(count_apps(f, f->other), 0);

	/* same token and serial in another org are fine */
	b = app_of(f, f->other, "submitted", "2021-03-01");
	b.submit_token = "dbl";
	b.serial = a.serial;
	assert_int_equal(db_begin(f->db), 0);
	insert_app(f, &b);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(store_app_by_token(f->db, &f->a, f->other, "dbl", &c), 0);
	assert_int_equal(c.id, b.id);
	assert_int_equal(store_app_by_token(f->db, &f->a, f->org, "dbl", &c), 0);
	assert_int_equal(c.id, a.id);

	/* applications without a token do not collide */
	b = app_of(f, f->org, "submitted", "2021-03-01");
	insert_app(f, &b);
	b = app_of(f, f->org, "submitted", "2021-03-01");
	insert_app(f, &b);
	assert_int_equal(count_apps(f, f->org), 3);
}

static void test_update_optimistic(void **state)
{
	struct fx *f = *state;
	struct application a = app_of(f, f->org, "submitted", "2021-03-01"), b, stale;

	a.due_on = "2021-03-22";
	insert_app(f, &a);
	stale = a;

	b = a;
	b.state = "replied";
	b.name = "张三丰";
	b.email = "z@example.cn";
	b.due_on = NULL;
	b.due_error = "calendar missing";
	b.extended = true;
	b.wait_until = "2021-03-10";
	b.fee_standard = 1;
	b.fee_units = 5;
	b.fee_yuan = 50;
	b.outcome = "public";
	b.basis = "第二十七条";
	b.closed_on = "2021-03-12";
	b.received_on = "2021-03-02";
	b.updated_at = "2021-03-12T10:00:00Z";
	assert_int_equal(store_app_update(f->db, &b), 0);
	assert_int_equal(b.version, 2);
	a = get_app(f, f->org, a.id);
	assert_int_equal(a.version, 2);
	assert_string_equal(a.state, "replied");
	assert_string_equal(a.name, "张三丰");
	assert_string_equal(a.email, "z@example.cn");
	assert_null(a.due_on);
	assert_string_equal(a.due_error, "calendar missing");
	assert_true(a.extended);
	assert_string_equal(a.wait_until, "2021-03-10");
	assert_int_equal(a.fee_standard, 1);
	assert_int_equal(a.fee_units, 5);
	assert_int_equal(a.fee_yuan, 50);
	assert_string_equal(a.outcome, "public");
	assert_string_equal(a.basis, "第二十七条");
	assert_string_equal(a.closed_on, "2021-03-12");
	assert_string_equal(a.received_on, "2021-03-02");
	assert_string_equal(a.updated_at, "2021-03-12T10:00:00Z");
	assert_string_equal(a.created_at, NOW);
	assert_string_equal(a.serial, stale.serial);

	/* someone saved in between: the stale copy conflicts, nothing changes */
	stale.state = "terminated";
	stale.name = "李四";
	assert_int_equal(store_app_update(f->db, &stale), ERR_CONFLICT);
	assert_int_equal(stale.version, 1);
	a = get_app(f, f->org, a.id);
	assert_int_equal(a.version, 2);
	assert_string_equal(a.state, "replied");
	assert_string_equal(a.name, "张三丰");

	/* the fresh copy saves again */
	b.wait_until = NULL;
	assert_int_equal(store_app_update(f->db, &b), 0);
	assert_int_equal(b.version, 3);
	assert_null(get_app(f, f->org, a.id).wait_until);
}

static void test_next_serial_per_year(void **state)
{
	struct fx *f = *state;
	struct application a;
	long long s = -1;

	assert_int_equal(store_app_next_serial(f->db, f->org, 2021, &s), 0);
	assert_int_equal(s, 1);
	a = app_of(f, f->org, "submitted", "2021-03-01");
	a.serial = "2021-0001";
	insert_app(f, &a);
	assert_int_equal(store_app_next_serial(f->db, f->org, 2021, &s), 0);
	assert_int_equal(s, 2);
	a = app_of(f, f->org, "submitted", "2021-03-01");
	a.serial = "2021-0002";
	insert_app(f, &a);
	assert_int_equal(store_app_next_serial(f->db, f->org, 2021, &s), 0);
	assert_int_equal(s, 3);
	/* another year, another org */
	assert_int_equal(store_app_next_serial(f->db, f->org, 2022, &s), 0);
	assert_int_equal(s, 1);
	assert_int_equal(store_app_next_serial(f->db, f->other, 2021, &s), 0);
	assert_int_equal(s, 1);
	a = app_of(f, f->org, "submitted", "2022-01-04");
	a.serial = "2022-0001";
	insert_app(f, &a);
	assert_int_equal(store_app_next_serial(f->db, f->org, 2022, &s), 0);
	assert_int_equal(s, 2);
	assert_int_equal(store_app_next_serial(f->db, f->org, 2021, &s), 0);
	assert_int_equal(s, 3);
	/* the highest number, not the count: a gap is not refilled */
	a = app_of(f, f->org, "submitted", "2021-03-01");
	a.serial = "2021-0010";
	insert_app(f, &a);
	assert_int_equal(store_app_next_serial(f->db, f->org, 2021, &s), 0);
	assert_int_equal(s, 11);
	assert_int_equal(store_app_next_serial(f->db, f->org, 0, &s), ERR_INVALID);
}

/* ---- lists ---- */

static long long add(struct fx *f, long long org, const char *state, const char *received, const char *due,
		     const char *closed)
{
	struct application a = app_of(f, org, state, received);

	a.due_on = due;
	a.closed_on = closed;
	return insert_app(f, &a);
}

static void test_list_order_and_filters(void **state)
{
	struct fx *f = *state;
	struct app_filter q = { .org_id = f->org };
	struct application *rows = NULL;
	size_t n = 0;
	long long total = -1;
	long long replied, open_late, nodue_b, open_early, nodue_a, corr, other, voided, same_due;

	replied = add(f, f->org, "replied", "2021-01-04", "2021-01-25", "2021-01-20");
	open_late = add(f, f->org, "registered", "2021-03-01", "2021-03-22", NULL);
	nodue_b = add(f, f->org, "submitted", "2021-03-05", NULL, NULL);
	open_early = add(f, f->org, "extended", "2021-02-01", "2021-03-15", NULL);
	nodue_a = add(f, f->org, "submitted", "2021-03-02", NULL, NULL);
	corr = add(f, f->org, "correcting", "2021-02-20", "2021-03-22", NULL);
	voided = add(f, f->org, "void", "2021-02-02", NULL, NULL);
	same_due = add(f, f->org, "awaiting_fee", "2021-02-20", "2021-03-22", NULL);
	other = add(f, f->other, "submitted", "2021-03-01", "2021-03-10", NULL);

	/* all of the org: open (NULL due first, then by due, received, id), then closed */
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 8);
	assert_int_equal(total, 8);
	{
		long long want[] = { nodue_a, nodue_b, open_early, corr, same_due, open_late, voided, replied };

		for (size_t i = 0; i < n; i++)
			assert_int_equal(rows[i].id, want[i]);
	}

	/* open only */
	q.open_only = true;
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 6);
	assert_int_equal(total, 6);
	assert_int_equal(rows[0].id, nodue_a);
	assert_int_equal(rows[5].id, open_late);

	/* a page: limit and offset, total without them */
	q.limit = 2;
	q.offset = 1;
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 6);
	assert_int_equal(rows[0].id, nodue_b);
	assert_int_equal(rows[1].id, open_early);
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, NULL), 0);
	assert_int_equal(n, 2);

	/* one state */
	q = (struct app_filter){ .org_id = f->org, .state = "submitted" };
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_int_equal(rows[0].id, nodue_a);
	assert_int_equal(rows[1].id, nodue_b);
	q.open_only = true;
	q.state = "replied";
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);

	/* every org */
	q = (struct app_filter){ .open_only = true };
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 7);
	assert_int_equal(total, 7);
	assert_int_equal(rows[2].id, other); /* due 2021-03-10, before 03-15 */
	assert_int_equal(rows[3].id, open_early);

	/* the other org only */
	q = (struct app_filter){ .org_id = f->other };
	assert_int_equal(store_app_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, other);
	assert_int_equal(rows[0].org_id, f->other);
}

static bool has(const struct application *rows, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id)
			return true;
	return false;
}

static void test_for_period(void **state)
{
	struct fx *f = *state;
	struct application *rows = NULL;
	size_t n = 0;
	long long in_open, in_closed_from, closed_before, recv_after, recv_on_to, voided, carried, other;

	in_open = add(f, f->org, "registered", "2021-02-10", "2021-03-03", NULL);
	in_closed_from = add(f, f->org, "replied", "2020-12-20", NULL, "2021-01-01");
	closed_before = add(f, f->org, "replied", "2020-12-01", NULL, "2020-12-31");
	recv_after = add(f, f->org, "submitted", "2022-01-01", NULL, NULL);
	recv_on_to = add(f, f->org, "submitted", "2021-12-31", NULL, NULL);
	voided = add(f, f->org, "void", "2021-03-01", NULL, NULL);
	carried = add(f, f->org, "terminated", "2020-11-01", NULL, "2021-06-30");
	other = add(f, f->other, "submitted", "2021-03-01", NULL, NULL);

	assert_int_equal(store_app_for_period(f->db, &f->a, f->org, "2021-01-01", "2021-12-31", &rows, &n), 0);
	assert_int_equal(n, 4);
	assert_true(has(rows, n, in_open));
	assert_true(has(rows, n, in_closed_from));
	assert_true(has(rows, n, recv_on_to));
	assert_true(has(rows, n, carried));
	assert_false(has(rows, n, closed_before));
	assert_false(has(rows, n, recv_after));
	assert_false(has(rows, n, voided));
	assert_false(has(rows, n, other));
	for (size_t i = 1; i < n; i++)
		assert_true(rows[i - 1].id < rows[i].id);

	assert_int_equal(store_app_for_period(f->db, &f->a, f->org, "2030-01-01", "2030-12-31", &rows, &n), 0);
	assert_int_equal(n, 3); /* the ones still open */
	assert_true(has(rows, n, in_open));
	assert_true(has(rows, n, recv_on_to));
	assert_true(has(rows, n, recv_after));

	/* the boundaries themselves are in */
	assert_int_equal(store_app_for_period(f->db, &f->a, f->org, "2021-01-01", "2021-01-01", &rows, &n), 0);
	assert_true(has(rows, n, in_closed_from));
	assert_false(has(rows, n, closed_before));
	assert_false(has(rows, n, in_open));
}

static void test_count_applicant(void **state)
{
	struct fx *f = *state;
	struct application a;
	long long k = -1;

	add(f, f->org, "submitted", "2021-01-01", NULL, NULL);
	add(f, f->org, "replied", "2021-03-31", NULL, "2021-04-02");
	add(f, f->org, "registered", "2021-04-01", NULL, NULL);   /* after to */
	add(f, f->org, "void", "2021-02-01", NULL, NULL);         /* void */
	add(f, f->org, "submitted", "2020-12-31", NULL, NULL);    /* before from */
	add(f, f->other, "submitted", "2021-02-01", NULL, NULL);  /* another org */
	a = app_of(f, f->org, "submitted", "2021-02-01");
	a.id_number = "110101198001010000";                       /* another applicant */
	insert_app(f, &a);

	assert_int_equal(store_app_count_applicant(f->db, f->org, "110101199003071234", "2021-01-01", "2021-03-31", &k),
			 0);
	assert_int_equal(k, 2);
	assert_int_equal(store_app_count_applicant(f->db, f->org, "nobody", "2021-01-01", "2021-03-31", &k), 0);
	assert_int_equal(k, 0);
}

/* ---- events, due changes, letters, files ---- */

static void test_events_and_due_changes(void **state)
{
	struct fx *f = *state;
	struct user u = { .org_id = f->org, .username = "clerk", .display_name = "办事员", .password_hash = "x" };
	long long id = add(f, f->org, "submitted", "2021-03-01", "2021-03-22", NULL);
	struct app_event e1 = { .application_id = id, .action = "submit", .day = "2021-03-01", .at = NOW };
	struct app_event e2 = { .application_id = id, .action = "extend", .day = "2021-03-20", .n = 20,
				.actor = "办事员", .reason = "需要会商", .detail = "{}", .at = "2021-03-20T09:00:00Z" };
	struct app_event *ev = NULL;
	struct app_due_change c1 = { .old_due = NULL, .new_due = "2021-03-22", .cause = "register", .at = NOW };
	struct app_due_change c2 = { .old_due = "2021-03-22", .new_due = "2021-04-19", .cause = "extend",
				     .at = "2021-03-20T09:00:00Z" };
	struct app_due_change c3 = { .old_due = "2021-04-19", .new_due = NULL, .cause = "calendar", .at = NOW };
	struct app_due_change *dc = NULL;
	size_t n = 99;

	assert_int_equal(store_user_insert(f->db, &u, NOW), 0);
	e2.user_id = u.id;
	assert_int_equal(store_app_event_add(f->db, f->org, &e1), 0);
	assert_int_equal(store_app_event_add(f->db, f->org, &e2), 0);
	assert_true(e1.id > 0 && e2.id > e1.id);
	assert_int_equal(store_app_events(f->db, &f->a, f->org, id, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].id, e1.id);
	assert_int_equal(ev[0].application_id, id);
	assert_string_equal(ev[0].action, "submit");
	assert_int_equal(ev[0].user_id, 0);
	assert_int_equal(ev[0].n, 0);
	assert_string_equal(ev[0].actor, "");
	assert_string_equal(ev[0].reason, "");
	assert_string_equal(ev[0].detail, "");
	assert_int_equal(ev[1].id, e2.id);
	assert_string_equal(ev[1].action, "extend");
	assert_string_equal(ev[1].day, "2021-03-20");
	assert_int_equal(ev[1].n, 20);
	assert_int_equal(ev[1].user_id, u.id);
	assert_string_equal(ev[1].actor, "办事员");
	assert_string_equal(ev[1].reason, "需要会商");
	assert_string_equal(ev[1].detail, "{}");
	assert_string_equal(ev[1].at, "2021-03-20T09:00:00Z");
	/* through another org: nothing */
	assert_int_equal(store_app_events(f->db, &f->a, f->other, id, &ev, &n), 0);
	assert_int_equal(n, 0);
	e1.id = 0;
	assert_int_equal(store_app_event_add(f->db, f->other, &e1), ERR_NOT_FOUND);

	assert_int_equal(store_app_due_change_add(f->db, f->org, id, &c1), 0);
	assert_int_equal(store_app_due_change_add(f->db, f->org, id, &c2), 0);
	assert_int_equal(store_app_due_change_add(f->db, f->org, id, &c3), 0);
	assert_int_equal(store_app_due_change_add(f->db, f->other, id, &c1), ERR_NOT_FOUND);
	assert_int_equal(store_app_due_changes(f->db, &f->a, f->org, id, &dc, &n), 0);
	assert_int_equal(n, 3);
	assert_null(dc[0].old_due);
	assert_string_equal(dc[0].new_due, "2021-03-22");
	assert_string_equal(dc[0].cause, "register");
	assert_string_equal(dc[1].old_due, "2021-03-22");
	assert_string_equal(dc[1].new_due, "2021-04-19");
	assert_string_equal(dc[1].cause, "extend");
	assert_string_equal(dc[1].at, "2021-03-20T09:00:00Z");
	assert_string_equal(dc[2].old_due, "2021-04-19");
	assert_null(dc[2].new_due);
	assert_int_equal(store_app_due_changes(f->db, &f->a, f->other, id, &dc, &n), 0);
	assert_int_equal(n, 0);
}

static void test_letters(void **state)
{
	struct fx *f = *state;
	long long id = add(f, f->org, "registered", "2021-03-01", "2021-03-22", NULL);
	struct app_letter l = { .org_id = f->org, .application_id = id, .kind = "reply", .title = "答复书",
				.body_md = "# 答复", .created_at = NOW };
	struct app_letter l2 = { .org_id = f->org, .application_id = id, .kind = "receipt", .title = "回执",
				 .doc_no = "2021-0001", .body_md = "x", .created_at = NOW };
	struct app_letter g, stale, *ls = NULL;
	size_t n = 0;

	assert_int_equal(store_app_letter_insert(f->db, &l), 0);
	assert_true(l.id > 0);
	assert_int_equal(l.version, 1);
	assert_string_equal(l.status, "draft");
	assert_int_equal(store_app_letter_insert(f->db, &l2), 0);
	assert_true(l2.id > l.id);
	assert_int_equal(store_app_letter_get(f->db, &f->a, f->org, l.id, &g), 0);
	assert_int_equal(g.application_id, id);
	assert_string_equal(g.kind, "reply");
	assert_string_equal(g.title, "答复书");
	assert_string_equal(g.doc_no, "");
	assert_string_equal(g.body_md, "# 答复");
	assert_string_equal(g.status, "draft");
	assert_null(g.issued_on);
	assert_int_equal(g.version, 1);
	assert_string_equal(g.created_at, NOW);
	assert_string_equal(g.updated_at, NOW);
	assert_int_equal(store_app_letter_get(f->db, &f->a, f->other, l.id, &g), ERR_NOT_FOUND);

	/* edit the draft; a stale copy conflicts */
	stale = l;
	l.title = "政府信息公开申请答复书";
	l.doc_no = "京财公开〔2021〕1号";
	l.updated_at = "2021-03-10T08:00:00Z";
	assert_int_equal(store_app_letter_update(f->db, &l), 0);
	assert_int_equal(l.version, 2);
	stale.updated_at = NOW;
	stale.status = "draft";
	assert_int_equal(store_app_letter_update(f->db, &stale), ERR_CONFLICT);
	assert_int_equal(stale.version, 1);

	/* issue it: then it is final */
	l.status = "issued";
	l.issued_on = "2021-03-12";
	assert_int_equal(store_app_letter_update(f->db, &l), 0);
	assert_int_equal(l.version, 3);
	l.body_md = "changed";
	assert_int_equal(store_app_letter_update(f->db, &l), ERR_CONFLICT);
	assert_int_equal(l.version, 3);
	assert_int_equal(store_app_letter_get(f->db, &f->a, f->org, l.id, &g), 0);
	assert_string_equal(g.title, "政府信息公开申请答复书");
	assert_string_equal(g.doc_no, "京财公开〔2021〕1号");
	assert_string_equal(g.body_md, "# 答复");
	assert_string_equal(g.status, "issued");
	assert_string_equal(g.issued_on, "2021-03-12");
	assert_int_equal(g.version, 3);

	assert_int_equal(store_app_letters(f->db, &f->a, f->org, id, &ls, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ls[0].id, l.id);
	assert_int_equal(ls[1].id, l2.id);
	assert_string_equal(ls[1].doc_no, "2021-0001");
	assert_int_equal(store_app_letters(f->db, &f->a, f->other, id, &ls, &n), 0);
	assert_int_equal(n, 0);

	/* a letter for an application of another org */
	l2.org_id = f->other;
	assert_int_equal(store_app_letter_insert(f->db, &l2), ERR_NOT_FOUND);
}

static void test_files(void **state)
{
	struct fx *f = *state;
	long long id = add(f, f->org, "registered", "2021-03-01", "2021-03-22", NULL);
	struct app_file a = { .org_id = f->org, .application_id = id, .role = "request", .filename = "申请表.pdf",
			      .mime = "application/pdf", .size = 1234, .sha256 = "ab12", .created_at = NOW };
	struct app_file b = { .org_id = f->org, .application_id = id, .role = "released", .filename = "预算.xlsx",
			      .mime = "application/vnd.ms-excel", .size = 99, .sha256 = "cd34", .created_at = NOW };
	struct app_file g, *fs = NULL;
	size_t n = 0;

	assert_int_equal(store_app_file_insert(f->db, &a), 0);
	assert_int_equal(store_app_file_insert(f->db, &b), 0);
	assert_true(a.id > 0 && b.id > a.id);
	assert_int_equal(store_app_file_get(f->db, &f->a, f->org, a.id, &g), 0);
	assert_int_equal(g.org_id, f->org);
	assert_int_equal(g.application_id, id);
	assert_string_equal(g.role, "request");
	assert_string_equal(g.filename, "申请表.pdf");
	assert_string_equal(g.mime, "application/pdf");
	assert_int_equal(g.size, 1234);
	assert_string_equal(g.sha256, "ab12");
	assert_string_equal(g.created_at, NOW);
	assert_int_equal(store_app_file_get(f->db, &f->a, f->other, a.id, &g), ERR_NOT_FOUND);
	assert_int_equal(store_app_files(f->db, &f->a, f->org, id, &fs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fs[0].id, a.id);
	assert_int_equal(fs[1].id, b.id);
	assert_string_equal(fs[1].role, "released");
	assert_int_equal(store_app_files(f->db, &f->a, f->other, id, &fs, &n), 0);
	assert_int_equal(n, 0);
	b.org_id = f->other;
	assert_int_equal(store_app_file_insert(f->db, &b), ERR_NOT_FOUND);
	/* the CHECK on role */
	a.role = "other";
	assert_int_equal(store_app_file_insert(f->db, &a), ERR_CONFLICT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_round_trip_all_fields),
		T(test_other_org_not_found),
		T(test_unique_token_serial_code),
		T(test_update_optimistic),
		T(test_next_serial_per_year),
		T(test_list_order_and_filters),
		T(test_for_period),
		T(test_count_applicant),
		T(test_events_and_due_changes),
		T(test_letters),
		T(test_files),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
