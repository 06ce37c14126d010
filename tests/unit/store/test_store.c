/* test_store.c - the SQLite store and the catalog workflow over it, on a
 * real database file in a fresh temporary directory per test: migrations,
 * foreign keys, 索引号 allocation (per org and year, never reused, no gaps
 * under concurrent publishers on separate connections), transactions,
 * optimistic locking, list filters and full-text search: visibility, and
 * the recall, ranking and highlighting guarantees of test_fts.c through
 * store_item_search, so that they hold on PostgreSQL (make check-pg) too. */
#include <pthread.h>
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
#include "core/assets.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/item_review.h"
#include "store/store.h"
#include "test_db.h"
#include "core/banned.h"

#define NOW "2020-08-25T08:00:00Z"

/* The tokenizer context is loaded once per process (0.1 s) and is
 * immutable, so the whole file shares it. */
static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[192];       /* db_open's target: the SQLite file or a PostgreSQL URL (test_db.h) */
	struct db *db;
	struct arena a;
	struct org org;       /* 00258038-9, default pattern, default categories */
	long long cat_policy; /* 政策文件 */
	long long cat_news;   /* 工作动态 */
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

static struct db *open_db(const char *path)
{
	struct db_opts o = { .fts = fts };
	struct db *db = NULL;

	assert_int_equal(db_open(path, &o, &db), 0);
	assert_non_null(db);
	return db;
}

/* Insert an org with the default categories and read it back (the store
 * fills in the default 索引号 pattern). */
static void make_org(struct fx *f, const char *slug, const char *code, const char *pattern,
		     struct org *out)
{
	struct org o = { .slug = slug, .name = slug, .org_code = code, .kind = "agency",
			 .index_pattern = pattern };

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_true(o.id > 0);
	assert_int_equal(catalog_create_default_categories(f->db, o.id), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(store_org_by_id(f->db, &f->a, o.id, out), 0);
	assert_string_equal(out->org_code, code);
}

static long long cat_id(struct fx *f, long long org_id, const char *name)
{
	struct category c;

	assert_int_equal(store_category_by_name(f->db, &f->a, org_id, name, &c), 0);
	assert_int_equal(c.org_id, org_id);
	return c.id;
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	int applied = -1;

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	{
		char file[128];

		snprintf(file, sizeof(file), "%s/gk.db", f->dir);
		test_db_target(file, f->path, sizeof(f->path));
	}
	arena_init(&f->a, 0);
	f->db = open_db(f->path);
	assert_int_equal(db_migrate(f->db, &applied), 0);
	assert_true(applied > 0);
	make_org(f, "tcjy", "00258038-9", NULL, &f->org);
	f->cat_policy = cat_id(f, f->org.id, "政策文件");
	f->cat_news = cat_id(f, f->org.id, "工作动态");
	*state = f;
	return 0;
}

static void rm_db_files(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[224];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	if (test_pg_url())
		test_db_drop(f->path);
	else
		rm_db_files(f->path);
	assert_int_equal(rmdir(f->dir), 0);
	arena_release(&f->a);
	assert_null(f->a.head);
	test_free(f);
	return 0;
}

/* A draft item in category cat; published_on may be NULL. */
static long long add_item(struct fx *f, long long org_id, long long cat, const char *title,
			  const char *published_on, const char *body)
{
	struct item it = {
		.org_id = org_id,
		.category_id = cat,
		.title = title,
		.published_on = published_on,
		.body_md = body,
		.body_text = body,
		.created_at = NOW,
	};

	assert_int_equal(store_item_insert(f->db, &it), 0);
	assert_true(it.id > 0);
	assert_int_equal(it.version, 1);
	return it.id;
}

static struct item get_item(struct fx *f, long long org_id, long long id)
{
	struct item it;

	assert_int_equal(store_item_get(f->db, &f->a, org_id, id, &it), 0);
	return it;
}

static const char *publish(struct fx *f, const struct org *o, long long id)
{
	const char *ino = NULL;

	assert_int_equal(catalog_publish(f->db, &f->a, o, id, NOW, &ino), 0);
	assert_non_null(ino);
	return ino;
}

/* The serial at the end of "code/YYYY-NNNNN". */
static long long serial_of(const char *ino)
{
	const char *dash = strrchr(ino, '-');
	long long v = -1;

	assert_non_null(dash);
	assert_int_equal(num_parse(dash + 1, strlen(dash + 1), 1, 99999999, &v), 0);
	return v;
}

static long long count(struct fx *f, const struct item_filter *filter)
{
	struct item_row *rows = NULL;
	size_t n = 0;
	long long total = -1;
	struct item_filter q = *filter;

	q.limit = 1000;
	assert_int_equal(store_item_list(f->db, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal((long long)n, total);
	return total;
}

/* ---- migrations and connection settings ---- */

/* What db_migrate should apply on a new database: every
 * src/store/migrations/NNNN_*.sql asset that is not the other engine's
 * (NNNN_x.pg.sql on SQLite, NNNN_x.sqlite.sql on PostgreSQL). */
static void expected_migrations(int *n, int *max)
{
	static const char dir[] = "src/store/migrations/";

	*n = 0;
	*max = 0;
	for (size_t i = 0; i < assets_count; i++) {
		const char *name = assets[i].name, *base;
		size_t len;
		long long v;

		if (!name || strncmp(name, dir, sizeof(dir) - 1) != 0)
			continue;
		base = name + sizeof(dir) - 1;
		len = strlen(base);
		if (len < 9 || strcmp(base + len - 4, ".sql") != 0)
			continue;
		if (test_pg_url() ? len > 11 && strcmp(base + len - 11, ".sqlite.sql") == 0
				  : len > 7 && strcmp(base + len - 7, ".pg.sql") == 0)
			continue;
		assert_int_equal(num_parse(base, 4, 1, 9999, &v), 0);
		(*n)++;
		if (v > *max)
			*max = (int)v;
	}
	assert_true(*n >= 2);
}

static void test_migrations_apply_once(void **state)
{
	struct fx *f = *state;
	char file[160], path[192];
	struct db *db;
	int applied = -1, v = -1, want_n, want_max;

	expected_migrations(&want_n, &want_max);
	snprintf(file, sizeof(file), "%s/fresh.db", f->dir);
	test_db_target(file, path, sizeof(path));
	db = open_db(path);
	assert_int_equal(db_schema_version(db, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(db_migrate(db, &applied), 0);
	assert_int_equal(applied, want_n);
	assert_int_equal(db_schema_version(db, &v), 0);
	assert_int_equal(v, want_max);
	/* again on the same connection: nothing to do */
	assert_int_equal(db_migrate(db, &applied), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_version(db, &v), 0);
	assert_int_equal(v, want_max);
	assert_int_equal(db_migrate(db, NULL), 0);
	db_close(db);
	/* and on a new connection */
	db = open_db(path);
	assert_int_equal(db_migrate(db, &applied), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_version(db, &v), 0);
	assert_int_equal(v, want_max);
	db_close(db);
	if (test_pg_url())
		test_db_drop(path);
	else
		rm_db_files(path);
}

/* WAL mode: a write leaves a -wal file beside the database while the
 * connection is open (there is no PRAGMA query in db.h). */
static void test_wal_mode(void **state)
{
	struct fx *f = *state;
	char wal[224];
	struct stat st;

	if (test_pg_url())
		skip(); /* a SQLite journal mode */
	add_item(f, f->org.id, f->cat_policy, "写入一行", NULL, "");
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(stat(wal, &st), 0);
}

/* Foreign keys are enforced: a missing category or org is refused, and
 * the failed insert leaves no row. */
static void test_foreign_keys_on(void **state)
{
	struct fx *f = *state;
	struct item it = { .org_id = f->org.id, .category_id = 999999, .title = "无类别",
			   .created_at = NOW };
	struct item_filter all = { .org_id = f->org.id };
	struct category c = { .org_id = 424242, .name = "孤儿类别" };

	assert_int_equal(store_item_insert(f->db, &it), ERR_CONFLICT);
	it.category_id = f->cat_policy;
	it.org_id = 424242;
	assert_int_equal(store_item_insert(f->db, &it), ERR_CONFLICT);
	assert_int_equal(store_category_insert(f->db, &c), ERR_CONFLICT);
	assert_int_equal(count(f, &all), 0);
	all.org_id = 0;
	all.status = "published";
	assert_int_equal(count(f, &all), 0);
}

static void test_default_categories(void **state)
{
	struct fx *f = *state;
	struct category *cats = NULL;
	size_t n = 0;

	assert_int_equal(store_category_list(f->db, &f->a, f->org.id, &cats, &n), 0);
	assert_int_equal(n, catalog_default_categories_n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(cats[i].name, catalog_default_categories[i].name);
		assert_string_equal(cats[i].article, catalog_default_categories[i].article);
		assert_int_equal(cats[i].published, 0);
		if (i)
			assert_true(cats[i].sort > cats[i - 1].sort);
	}
	/* a second set for the same org collides on (org_id, name) */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(catalog_create_default_categories(f->db, f->org.id), ERR_CONFLICT);
	db_rollback(f->db);
	assert_int_equal(store_category_list(f->db, &f->a, f->org.id, &cats, &n), 0);
	assert_int_equal(n, catalog_default_categories_n);
}

/* ---- 索引号 ---- */

static void test_serials_per_org_and_year(void **state)
{
	struct fx *f = *state;
	struct org other;
	long long other_cat;
	char want[64];

	for (int i = 1; i <= 5; i++) {
		long long id = add_item(f, f->org.id, f->cat_policy, "二〇二〇年文件", "2020-03-15", "正文");
		const char *ino = publish(f, &f->org, id);
		struct item it = get_item(f, f->org.id, id);

		snprintf(want, sizeof(want), "002580389/2020-%05d", i);
		assert_string_equal(ino, want);
		assert_string_equal(it.index_no, want);
		assert_string_equal(it.status, "published");
		assert_string_equal(it.published_on, "2020-03-15");
		assert_string_equal(it.updated_at, NOW);
	}
	/* another year starts at 1 */
	for (int i = 1; i <= 3; i++) {
		long long id = add_item(f, f->org.id, f->cat_news, "二〇二一年文件", "2021-01-04", "正文");

		snprintf(want, sizeof(want), "002580389/2021-%05d", i);
		assert_string_equal(publish(f, &f->org, id), want);
	}
	/* another org, same year: its own sequence, its own code */
	make_org(f, "tcwj", "11340881-X", NULL, &other);
	other_cat = cat_id(f, other.id, "政策文件");
	assert_int_not_equal(other_cat, f->cat_policy);
	assert_string_equal(publish(f, &other, add_item(f, other.id, other_cat, "卫健委文件", "2020-07-01", "")),
			    "11340881X/2020-00001");
	/* and the first org's 2020 sequence continues where it was */
	assert_string_equal(publish(f, &f->org, add_item(f, f->org.id, f->cat_policy, "再发一件", "2020-12-31", "")),
			    "002580389/2020-00006");
	/* the category counts see published items only */
	{
		struct category *cats;
		size_t n;
		long long total = 0;

		add_item(f, f->org.id, f->cat_policy, "草稿不计", "2020-01-01", "");
		assert_int_equal(store_category_list(f->db, &f->a, f->org.id, &cats, &n), 0);
		for (size_t i = 0; i < n; i++)
			total += cats[i].published;
		assert_int_equal(total, 9);
	}
}

/* The org's own pattern, with {MM} from the publication date. */
static void test_serial_month_pattern(void **state)
{
	struct fx *f = *state;
	struct org o;
	long long cat;

	make_org(f, "tcgs", "12-34", "{机构代码}/{YYYY}{MM}-{NNN}", &o);
	cat = cat_id(f, o.id, "公告公示");
	assert_string_equal(publish(f, &o, add_item(f, o.id, cat, "三月", "2020-03-05", "")), "1234/202003-001");
	assert_string_equal(publish(f, &o, add_item(f, o.id, cat, "十一月", "2020-11-30", "")), "1234/202011-002");
}

/* No 发布日期: today in China, and the serial of today's year. */
static void test_publish_without_date_uses_today(void **state)
{
	struct fx *f = *state;
	long long id = add_item(f, f->org.id, f->cat_policy, "无日期", NULL, "");
	char today[11], want[64];
	const char *ino = publish(f, &f->org, id);
	struct item it = get_item(f, f->org.id, id);

	date_format(date_today_cn(), today);
	assert_string_equal(it.published_on, today);
	snprintf(want, sizeof(want), "002580389/%.4s-00001", today);
	assert_string_equal(ino, want);
}

static void test_withdraw_and_republish_keep_index_no(void **state)
{
	struct fx *f = *state;
	long long a = add_item(f, f->org.id, f->cat_policy, "甲", "2020-05-01", "");
	long long b = add_item(f, f->org.id, f->cat_policy, "乙", "2020-05-02", "");
	long long c = add_item(f, f->org.id, f->cat_policy, "丙", "2020-05-03", "");
	struct item it;

	assert_string_equal(publish(f, &f->org, a), "002580389/2020-00001");
	assert_int_equal(catalog_withdraw(f->db, &f->org, a, NOW), 0);
	it = get_item(f, f->org.id, a);
	assert_string_equal(it.status, "withdrawn");
	assert_string_equal(it.index_no, "002580389/2020-00001");
	assert_string_equal(it.published_on, "2020-05-01");
	/* withdrawing twice is a conflict */
	assert_int_equal(catalog_withdraw(f->db, &f->org, a, NOW), ERR_CONFLICT);

	assert_string_equal(publish(f, &f->org, b), "002580389/2020-00002");
	/* republishing takes no new serial */
	assert_string_equal(publish(f, &f->org, a), "002580389/2020-00001");
	it = get_item(f, f->org.id, a);
	assert_string_equal(it.status, "published");
	assert_string_equal(it.index_no, "002580389/2020-00001");
	assert_string_equal(publish(f, &f->org, c), "002580389/2020-00003");
}

static void test_publish_twice_is_conflict(void **state)
{
	struct fx *f = *state;
	long long a = add_item(f, f->org.id, f->cat_policy, "甲", "2020-05-01", "");
	long long b = add_item(f, f->org.id, f->cat_policy, "乙", "2020-05-01", "");
	const char *ino = "untouched";
	struct item before, after;

	assert_string_equal(publish(f, &f->org, a), "002580389/2020-00001");
	before = get_item(f, f->org.id, a);
	assert_int_equal(catalog_publish(f->db, &f->a, &f->org, a, "2020-09-09T00:00:00Z", &ino), ERR_CONFLICT);
	assert_string_equal(ino, "untouched");
	after = get_item(f, f->org.id, a);
	assert_int_equal(after.version, before.version);
	assert_string_equal(after.updated_at, before.updated_at);
	/* no serial was consumed */
	assert_string_equal(publish(f, &f->org, b), "002580389/2020-00002");
}

static void test_publish_missing_or_foreign_item(void **state)
{
	struct fx *f = *state;
	struct org other;
	long long mine;
	const char *ino = NULL;

	make_org(f, "other", "99999999-9", NULL, &other);
	mine = add_item(f, f->org.id, f->cat_policy, "本机关文件", "2020-05-01", "");
	assert_int_equal(catalog_publish(f->db, &f->a, &f->org, 987654, NOW, &ino), ERR_NOT_FOUND);
	/* another org cannot publish, withdraw or submit this org's item */
	assert_int_equal(catalog_publish(f->db, &f->a, &other, mine, NOW, &ino), ERR_NOT_FOUND);
	assert_int_equal(catalog_submit(f->db, &other, mine, NOW), ERR_NOT_FOUND);
	assert_string_equal(get_item(f, f->org.id, mine).status, "draft");
	assert_int_equal(store_item_get(f->db, &f->a, other.id, mine, &(struct item){ 0 }), ERR_NOT_FOUND);
	/* nothing consumed in either org */
	assert_string_equal(publish(f, &f->org, mine), "002580389/2020-00001");
	assert_int_equal(catalog_withdraw(f->db, &other, mine, NOW), ERR_NOT_FOUND);
	assert_string_equal(get_item(f, f->org.id, mine).status, "published");
}

/* A bad 发布日期 in the row: ERR_INVALID, rolled back, nothing consumed. */
static void test_publish_bad_stored_date(void **state)
{
	struct fx *f = *state;
	long long bad = add_item(f, f->org.id, f->cat_policy, "坏日期", "2021-02-29", "");
	long long good = add_item(f, f->org.id, f->cat_policy, "好日期", "2021-03-01", "");
	const char *ino = NULL;

	assert_int_equal(catalog_publish(f->db, &f->a, &f->org, bad, NOW, &ino), ERR_INVALID);
	assert_string_equal(get_item(f, f->org.id, bad).status, "draft");
	assert_null(get_item(f, f->org.id, bad).index_no);
	assert_string_equal(publish(f, &f->org, good), "002580389/2021-00001");
}

static void test_status_transitions(void **state)
{
	struct fx *f = *state;
	long long id = add_item(f, f->org.id, f->cat_policy, "流程", "2020-05-01", "");

	assert_int_equal(catalog_withdraw(f->db, &f->org, id, NOW), ERR_CONFLICT); /* a draft */
	assert_int_equal(catalog_submit(f->db, &f->org, id, NOW), 0);
	assert_string_equal(get_item(f, f->org.id, id).status, "pending");
	assert_int_equal(catalog_submit(f->db, &f->org, id, NOW), ERR_CONFLICT);
	assert_string_equal(publish(f, &f->org, id), "002580389/2020-00001");
	assert_int_equal(catalog_submit(f->db, &f->org, id, NOW), ERR_CONFLICT);
	assert_int_equal(catalog_withdraw(f->db, &f->org, id, NOW), 0);
	/* a withdrawn item may go back to review, and keeps its 索引号 */
	assert_int_equal(catalog_submit(f->db, &f->org, id, NOW), 0);
	assert_string_equal(get_item(f, f->org.id, id).status, "pending");
	assert_string_equal(publish(f, &f->org, id), "002580389/2020-00001");
}

/* ---- concurrency ---- */

enum { WORKERS = 4, PER_WORKER = 25 };

struct worker {
	const char *path;
	const struct org *org;
	pthread_barrier_t *go;
	long long ids[PER_WORKER];
	char ino[PER_WORKER][64];
	int rc;
	int done;
};

static void *worker_run(void *p)
{
	struct worker *w = p;
	struct db_opts o = { .fts = fts };
	struct db *db = NULL;
	struct arena a;

	arena_init(&a, 0);
	w->rc = db_open(w->path, &o, &db);
	pthread_barrier_wait(w->go);
	for (int i = 0; i < PER_WORKER && w->rc == 0; i++) {
		const char *ino = NULL;

		w->rc = catalog_publish(db, &a, w->org, w->ids[i], NOW, &ino);
		if (w->rc == 0) {
			snprintf(w->ino[i], sizeof(w->ino[i]), "%s", ino);
			w->done++;
		}
	}
	db_close(db);
	arena_release(&a);
	return NULL;
}

static void test_concurrent_publishing(void **state)
{
	struct fx *f = *state;
	struct worker w[WORKERS];
	pthread_t th[WORKERS];
	pthread_barrier_t go;
	bool seen[WORKERS * PER_WORKER + 1] = { false };
	struct item_filter pub = { .org_id = f->org.id, .status = "published", .year = 2020 };

	memset(w, 0, sizeof(w));
	/* interleave the items so every worker's rows are spread out */
	for (int k = 0; k < WORKERS * PER_WORKER; k++)
		w[k % WORKERS].ids[k / WORKERS] = add_item(f, f->org.id, f->cat_policy, "并发发布", "2020-06-01", "正文");
	pthread_barrier_init(&go, NULL, WORKERS);
	for (int t = 0; t < WORKERS; t++) {
		w[t].path = f->path;
		w[t].org = &f->org;
		w[t].go = &go;
		assert_int_equal(pthread_create(&th[t], NULL, worker_run, &w[t]), 0);
	}
	for (int t = 0; t < WORKERS; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&go);

	for (int t = 0; t < WORKERS; t++) {
		if (w[t].rc != 0)
			fail_msg("worker %d stopped after %d items: %s", t, w[t].done, err_name(w[t].rc));
		assert_int_equal(w[t].done, PER_WORKER);
		for (int i = 0; i < PER_WORKER; i++) {
			long long s;

			assert_true(str_starts(str_c(w[t].ino[i]), "002580389/2020-"));
			s = serial_of(w[t].ino[i]);
			assert_true(s >= 1 && s <= WORKERS * PER_WORKER);
			if (seen[s])
				fail_msg("serial %lld given twice", s);
			seen[s] = true;
			/* what the worker got is what is stored */
			assert_string_equal(get_item(f, f->org.id, w[t].ids[i]).index_no, w[t].ino[i]);
		}
	}
	for (int s = 1; s <= WORKERS * PER_WORKER; s++)
		assert_true(seen[s]);
	assert_int_equal(count(f, &pub), WORKERS * PER_WORKER);
	/* and the sequence goes on from 101 */
	assert_string_equal(publish(f, &f->org, add_item(f, f->org.id, f->cat_policy, "之后", "2020-06-02", "")),
			    "002580389/2020-00101");
}

/* ---- transactions and optimistic locking ---- */

static void test_rollback_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct item it = { .org_id = f->org.id, .category_id = f->cat_policy, .title = "回滚",
			   .status = "published", .body_text = "回滚正文", .published_on = "2020-01-01",
			   .created_at = NOW };
	struct item_filter all = { .org_id = f->org.id };
	struct item got;
	long long serial = 0;
	const char *match = NULL;
	struct item_row *rows = NULL;
	size_t n = 9;
	long long total = -1;
	bool capped = true;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_item_insert(f->db, &it), 0);
	assert_int_equal(store_index_serial_next(f->db, f->org.id, 2020, &serial), 0);
	assert_int_equal(serial, 1);
	/* visible inside the transaction */
	assert_int_equal(store_item_get(f->db, &f->a, f->org.id, it.id, &got), 0);
	db_rollback(f->db);
	/* rollback is safe to repeat, and outside a transaction */
	db_rollback(f->db);

	assert_int_equal(store_item_get(f->db, &f->a, f->org.id, it.id, &got), ERR_NOT_FOUND);
	assert_int_equal(count(f, &all), 0);
	/* nor in the search index */
	assert_int_equal(fts_match_expr(fts, &f->a, "回滚", strlen("回滚"), &match), 0);
	assert_int_equal(store_item_search(f->db, &f->a, match, &(struct item_filter){ .limit = 10 },
					   &rows, &n, &total, &capped), 0);
	assert_false(capped);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);
	/* the serial went back too */
	assert_string_equal(publish(f, &f->org, add_item(f, f->org.id, f->cat_policy, "之后", "2020-06-02", "")),
			    "002580389/2020-00001");
	/* a connection can begin again after a rollback */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_commit(f->db), 0);
}

static void test_update_stale_version(void **state)
{
	struct fx *f = *state;
	long long id = add_item(f, f->org.id, f->cat_policy, "原标题", NULL, "");
	struct item mine = get_item(f, f->org.id, id);
	struct item theirs = mine;
	struct item now;

	assert_int_equal(mine.version, 1);
	mine.title = "我的标题";
	mine.updated_at = NOW;
	assert_int_equal(store_item_update(f->db, &mine), 0);
	assert_int_equal(mine.version, 2);

	theirs.title = "他们的标题";
	theirs.updated_at = NOW;
	assert_int_equal(store_item_update(f->db, &theirs), ERR_CONFLICT);
	assert_int_equal(theirs.version, 1);
	now = get_item(f, f->org.id, id);
	assert_string_equal(now.title, "我的标题");
	assert_int_equal(now.version, 2);

	/* a status change also bumps the version, so an edit racing with
	 * publication is refused */
	publish(f, &f->org, id);
	mine.title = "发布后再改";
	assert_int_equal(store_item_update(f->db, &mine), ERR_CONFLICT);
	now = get_item(f, f->org.id, id);
	assert_string_equal(now.title, "我的标题");
	assert_int_equal(now.version, 3);
	/* with the fresh version it goes through */
	now.title = "发布后再改";
	assert_int_equal(store_item_update(f->db, &now), 0);
	assert_string_equal(get_item(f, f->org.id, id).title, "发布后再改");
	/* an update naming another org changes nothing */
	now = get_item(f, f->org.id, id);
	now.org_id = 424242;
	now.title = "越权修改";
	assert_int_not_equal(store_item_update(f->db, &now), 0);
	assert_string_equal(get_item(f, f->org.id, id).title, "发布后再改");
}

/* ---- lists ---- */

static void insert_raw(struct fx *f, long long org_id, long long cat, const char *title, const char *pub,
		       const char *validity, const char *validity_on, const char *status, long long *id)
{
	struct item it = { .org_id = org_id, .category_id = cat, .title = title, .published_on = pub,
			   .validity = validity, .validity_on = validity_on, .status = status,
			   .body_text = title, .created_at = NOW };

	assert_int_equal(store_item_insert(f->db, &it), 0);
	*id = it.id;
}

static void assert_ids(struct fx *f, const struct item_filter *filter, const long long *want, size_t nwant,
		       long long want_total)
{
	struct item_row *rows = NULL;
	size_t n = 0;
	long long total = -1;

	assert_int_equal(store_item_list(f->db, &f->a, filter, &rows, &n, &total), 0);
	assert_int_equal(total, want_total);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		if (rows[i].id != want[i])
			fail_msg("row %zu: id %lld, want %lld", i, rows[i].id, want[i]);
		assert_non_null(rows[i].title);
		assert_non_null(rows[i].category);
		assert_string_equal(rows[i].org_slug, rows[i].org_id == f->org.id ? "tcjy" : "other");
	}
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct org other;
	long long a, b, c, d, e, x;
	struct item_filter q;

	make_org(f, "other", "99999999-9", NULL, &other);
	insert_raw(f, f->org.id, f->cat_policy, "甲 2019 有效", "2019-05-01", "有效", NULL, "published", &a);
	insert_raw(f, f->org.id, f->cat_policy, "乙 2020 废止", "2020-03-01", "废止", "2021-01-01", "published", &b);
	insert_raw(f, f->org.id, f->cat_news, "丙 2020 动态", "2020-06-01", "有效", NULL, "published", &c);
	insert_raw(f, f->org.id, f->cat_news, "丁 草稿", NULL, "有效", NULL, "draft", &d);
	insert_raw(f, f->org.id, f->cat_policy, "戊 撤回", "2020-01-15", "有效", NULL, "withdrawn", &e);
	insert_raw(f, other.id, cat_id(f, other.id, "政策文件"), "他机关", "2020-02-02", "有效", NULL, "published", &x);

	/* staff lists: one org, every status, last changed first (all rows
	 * here were changed at NOW, so newest id first) */
	q = (struct item_filter){ .org_id = f->org.id, .limit = 100 };
	assert_ids(f, &q, (long long[]){ e, d, c, b, a }, 5, 5);
	q.category_id = f->cat_policy;
	assert_ids(f, &q, (long long[]){ e, b, a }, 3, 3);
	q = (struct item_filter){ .org_id = f->org.id, .status = "draft", .limit = 100 };
	assert_ids(f, &q, (long long[]){ d }, 1, 1);
	q.status = "withdrawn";
	assert_ids(f, &q, (long long[]){ e }, 1, 1);
	q = (struct item_filter){ .org_id = f->org.id, .title_like = "撤回", .limit = 100 };
	assert_ids(f, &q, (long long[]){ e }, 1, 1);
	/* paging: total counts every match, the page holds limit rows */
	q = (struct item_filter){ .org_id = f->org.id, .limit = 2, .offset = 1 };
	assert_ids(f, &q, (long long[]){ d, c }, 2, 5);
	q.offset = 4;
	assert_ids(f, &q, (long long[]){ a }, 1, 5);
	q.offset = 10;
	assert_ids(f, &q, NULL, 0, 5);
	/* a staff list needs an org */
	{
		struct item_row *rows = NULL;
		size_t n = 0;
		long long total = 0;

		q = (struct item_filter){ .limit = 10 };
		assert_int_equal(store_item_list(f->db, &f->a, &q, &rows, &n, &total), ERR_INVALID);
	}
	/* the public catalog: published only, newest published first */
	q = (struct item_filter){ .org_id = f->org.id, .status = "published", .limit = 100 };
	assert_ids(f, &q, (long long[]){ c, b, a }, 3, 3);
	q.category_id = f->cat_policy;
	assert_ids(f, &q, (long long[]){ b, a }, 2, 2);
	/* year of published_on */
	q = (struct item_filter){ .org_id = f->org.id, .status = "published", .year = 2020, .limit = 100 };
	assert_ids(f, &q, (long long[]){ c, b }, 2, 2);
	q.year = 2019;
	assert_ids(f, &q, (long long[]){ a }, 1, 1);
	q.year = 2021;
	assert_ids(f, &q, NULL, 0, 0);
	/* validity */
	q = (struct item_filter){ .org_id = f->org.id, .status = "published", .validity = "废止", .limit = 100 };
	assert_ids(f, &q, (long long[]){ b }, 1, 1);
	q.validity = "有效";
	assert_ids(f, &q, (long long[]){ c, a }, 2, 2);
	/* all together */
	q = (struct item_filter){ .org_id = f->org.id, .category_id = f->cat_policy, .year = 2020,
				  .status = "published", .validity = "有效", .limit = 100 };
	assert_ids(f, &q, NULL, 0, 0);
	q.validity = "废止";
	assert_ids(f, &q, (long long[]){ b }, 1, 1);
	/* paging */
	q = (struct item_filter){ .org_id = f->org.id, .status = "published", .limit = 1, .offset = 1 };
	assert_ids(f, &q, (long long[]){ b }, 1, 3);
	/* all orgs; per other org */
	q = (struct item_filter){ .status = "published", .year = 2020, .limit = 100 };
	assert_ids(f, &q, (long long[]){ c, b, x }, 3, 3);
	q.org_id = other.id;
	assert_ids(f, &q, (long long[]){ x }, 1, 1);
	/* a category id of this org used with another org finds nothing */
	q = (struct item_filter){ .org_id = other.id, .status = "published", .category_id = f->cat_policy,
				  .limit = 100 };
	assert_ids(f, &q, NULL, 0, 0);
}

static void test_item_years(void **state)
{
	struct fx *f = *state;
	long long id;
	int *years = NULL;
	long long *counts = NULL;
	size_t n = 0;

	insert_raw(f, f->org.id, f->cat_policy, "一", "2019-05-01", "有效", NULL, "published", &id);
	insert_raw(f, f->org.id, f->cat_policy, "二", "2020-03-01", "有效", NULL, "published", &id);
	insert_raw(f, f->org.id, f->cat_policy, "三", "2020-04-01", "有效", NULL, "published", &id);
	insert_raw(f, f->org.id, f->cat_policy, "四", "2021-04-01", "有效", NULL, "draft", &id);
	assert_int_equal(store_item_years(f->db, &f->a, f->org.id, &years, &counts, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(years[0], 2020);
	assert_int_equal(counts[0], 2);
	assert_int_equal(years[1], 2019);
	assert_int_equal(counts[1], 1);
}

/* ---- search ---- */

static long long search_at(int line, struct fx *f, const char *q, long long org_id, const char *status,
			   struct item_row **rows)
{
	const char *match = NULL;
	struct item_filter flt = { .org_id = org_id, .status = status, .limit = 20 };
	size_t n = 0;
	long long total = -1;
	bool capped = false;
	int rc;

	assert_int_equal(fts_match_expr(fts, &f->a, q, strlen(q), &match), 0);
	assert_true(*match);
	rc = store_item_search(f->db, &f->a, match, &flt, rows, &n, &total, &capped);
	if (rc)
		fail_msg("line %d: search \"%s\": %s", line, q, err_name(rc));
	if ((long long)n != total)
		fail_msg("line %d: search \"%s\": %zu rows, total %lld", line, q, n, total);
	return total;
}
#define search(f, q, org_id, status, rows) search_at(__LINE__, (f), (q), (org_id), (status), (rows))

static void test_search_published_only(void **state)
{
	struct fx *f = *state;
	long long pub = add_item(f, f->org.id, f->cat_policy, "关于加强生态环境保护工作的通知", "2020-05-01",
				 "各乡镇人民政府：为进一步改善空气质量，现就有关事项通知如下。");
	long long draft = add_item(f, f->org.id, f->cat_policy, "生态环境监测方案（草稿）", "2020-05-02",
				   "空气质量监测点位。");
	long long gone = add_item(f, f->org.id, f->cat_policy, "生态环境宣传月活动安排", "2020-05-03",
				  "空气质量宣传。");
	struct item_row *rows = NULL;

	publish(f, &f->org, pub);
	publish(f, &f->org, gone);
	assert_int_equal(catalog_withdraw(f->db, &f->org, gone, NOW), 0);
	(void)draft;

	/* a 2-character substring of the title */
	assert_int_equal(search(f, "环境", f->org.id, NULL, &rows), 1);
	assert_int_equal(rows[0].id, pub);
	assert_string_equal(rows[0].index_no, "002580389/2020-00001");
	assert_non_null(strchr(rows[0].title_marked, FTS_MARK_OPEN));
	assert_int_equal(search(f, "加强", f->org.id, NULL, &rows), 1);
	assert_int_equal(rows[0].id, pub);
	/* and of the body */
	assert_int_equal(search(f, "空气", f->org.id, NULL, &rows), 1);
	assert_int_equal(rows[0].id, pub);
	assert_non_null(strchr(rows[0].snippet, FTS_MARK_OPEN));
	/* the public filter gives the same */
	assert_int_equal(search(f, "环境", f->org.id, "published", &rows), 1);
	assert_int_equal(search(f, "环境", 0, NULL, &rows), 1);
	/* words only in the draft or the withdrawn item: nothing */
	assert_int_equal(search(f, "监测", f->org.id, NULL, &rows), 0);
	assert_int_equal(search(f, "宣传", f->org.id, NULL, &rows), 0);
	assert_int_equal(search(f, "草稿", 0, NULL, &rows), 0);

	/* republished, the withdrawn item is found again; withdrawn, the
	 * first is not */
	publish(f, &f->org, gone);
	assert_int_equal(search(f, "宣传", f->org.id, NULL, &rows), 1);
	assert_int_equal(rows[0].id, gone);
	assert_int_equal(search(f, "环境", f->org.id, NULL, &rows), 2);
	assert_int_equal(catalog_withdraw(f->db, &f->org, pub, NOW), 0);
	assert_int_equal(search(f, "加强", f->org.id, NULL, &rows), 0);
	assert_int_equal(search(f, "环境", f->org.id, NULL, &rows), 1);
	assert_int_equal(rows[0].id, gone);
}

/* A bulk import defers indexing inside its transaction and rebuilds the
 * index once: until the rebuild the new items are not searchable, after it
 * they are, with the items indexed before. */
static void test_search_deferred_rebuild(void **state)
{
	struct fx *f = *state;
	struct item_row *rows = NULL;
	long long during;

	publish(f, &f->org, add_item(f, f->org.id, f->cat_policy, "批量导入之前的通知", "2020-05-01", ""));
	assert_int_equal(search(f, "批量导入", f->org.id, "published", &rows), 1);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_search_defer(f->db), 0);
	{
		struct item it = { .org_id = f->org.id, .category_id = f->cat_policy, .title = "批量导入之中的公告",
				   .status = "published", .index_no = "x/2020-99999", .published_on = "2020-06-01",
				   .body_md = "", .body_text = "", .created_at = NOW };

		assert_int_equal(store_item_insert(f->db, &it), 0);
		during = it.id;
	}
	assert_int_equal(search(f, "之中的公告", f->org.id, "published", &rows), 0);
	assert_int_equal(store_search_rebuild(f->db), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(search(f, "批量导入", f->org.id, "published", &rows), 2);
	assert_int_equal(search(f, "之中的公告", f->org.id, "published", &rows), 1);
	assert_int_equal(rows[0].id, during);
	/* the deferral ended with the rebuild: later changes are indexed again */
	publish(f, &f->org, add_item(f, f->org.id, f->cat_policy, "批量导入之后的动态", "2020-07-01", ""));
	assert_int_equal(search(f, "批量导入", f->org.id, "published", &rows), 3);
}

/* Regression: with two AFTER UPDATE triggers SQLite indexed the new row
 * before deleting the old one, so the 'delete' removed the tokens both
 * versions share: after 城乡居民医疗保险缴费通知 became
 * 城乡居民养老保险缴费通知, 缴费通知 no longer found the item and later
 * queries failed with SQLITE_CORRUPT_VTAB. One trigger now deletes first. */
static void test_search_after_edit(void **state)
{
	struct fx *f = *state;
	long long id = add_item(f, f->org.id, f->cat_policy, "城乡居民医疗保险缴费通知", "2020-05-01", "");
	struct item it;
	struct item_row *rows = NULL;

	publish(f, &f->org, id);
	assert_int_equal(search(f, "医疗", f->org.id, NULL, &rows), 1);
	assert_int_equal(search(f, "缴费通知", f->org.id, NULL, &rows), 1);
	it = get_item(f, f->org.id, id);
	it.title = "城乡居民养老保险缴费通知";
	it.updated_at = NOW;
	assert_int_equal(store_item_update(f->db, &it), 0);
	assert_int_equal(search(f, "养老", f->org.id, NULL, &rows), 1);
	assert_int_equal(search(f, "医疗", f->org.id, NULL, &rows), 0);
	/* fails here: the shared words were deleted with the old row */
	assert_int_equal(search(f, "缴费通知", f->org.id, NULL, &rows), 1);
	assert_int_equal(search(f, "城乡居民", f->org.id, NULL, &rows), 1);
}

/* 文号 variants find the same item (set at insertion, no edit involved). */
static void test_search_docno_variants(void **state)
{
	struct fx *f = *state;
	struct item it = { .org_id = f->org.id, .category_id = f->cat_policy, .title = "开学工作通知",
			   .doc_no = "桐教〔2020〕103号", .published_on = "2020-08-25", .created_at = NOW };
	struct item_row *rows = NULL;

	assert_int_equal(store_item_insert(f->db, &it), 0);
	publish(f, &f->org, it.id);
	assert_int_equal(search(f, "桐教[2020]103号", f->org.id, NULL, &rows), 1);
	assert_int_equal(rows[0].id, it.id);
	assert_int_equal(search(f, "桐教（2020）103号", f->org.id, NULL, &rows), 1);
	assert_int_equal(search(f, "桐教〔2020〕103号", 0, "published", &rows), 1);
}


/* ---- search guarantees on both engines ----
 * test_fts.c checks these on an FTS5 table alone; here they go through
 * store_item_search, which on PostgreSQL is a tsvector and a tsquery. */

#define T1 "关于做好2020年桐乡市义务教育阶段民办学校招生入学工作的通知"
#define B1 "各乡镇人民政府、街道办事处，市级各有关单位：为进一步规范义务教育阶段民办学校" \
	"招生入学工作，根据《中华人民共和国义务教育法》和省教育厅有关文件精神，结合我市实际，" \
	"现就有关事项通知如下。民办学校招生纳入审批地统一管理，与公办学校同步招生；对报名人数" \
	"超过招生计划的，实行电脑随机录取。市教育局将会同有关部门加强监督检查，对违规行为严肃查处。"

static long long add_doc(struct fx *f, const struct org *o, long long cat, const char *title, const char *doc_no,
			 const char *published_on, const char *body)
{
	struct item it = { .org_id = o->id, .category_id = cat, .title = title, .doc_no = doc_no,
			   .published_on = published_on, .body_md = body, .body_text = body, .created_at = NOW };

	assert_int_equal(store_item_insert(f->db, &it), 0);
	publish(f, o, it.id);
	return it.id;
}

/* The first page (up to 50) of q under flt: ids in order into ids, rows
 * into *rows; returns the total. */
static long long find_at(int line, struct fx *f, const char *q, struct item_filter flt, long long *ids,
			 struct item_row **rows)
{
	const char *match = NULL;
	struct item_row *r = NULL;
	size_t n = 0;
	long long total = -1;
	bool capped = true;
	int rc;

	if (!flt.limit)
		flt.limit = 50;
	assert_int_equal(fts_match_expr(fts, &f->a, q, strlen(q), &match), 0);
	assert_true(*match);
	rc = store_item_search(f->db, &f->a, match, &flt, &r, &n, &total, &capped);
	if (rc)
		fail_msg("line %d: search \"%s\": %s", line, q, err_name(rc));
	if (capped || total < (long long)n)
		fail_msg("line %d: search \"%s\": %zu rows, total %lld", line, q, n, total);
	for (size_t i = 0; i < n && ids; i++)
		ids[i] = r[i].id;
	if (rows)
		*rows = r;
	return total;
}
#define find(f, q, flt, ids) find_at(__LINE__, (f), (q), (flt), (ids), NULL)

static bool in_ids(const long long *ids, long long n, long long id)
{
	for (long long i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* 文号 in any bracket form finds its item first, then the item citing it
 * in its body; another year or serial is another document. */
static void test_search_doc_no_first(void **state)
{
	static const char *const forms[] = {
		"桐教〔2020〕103号", "桐教[2020]103号", "桐教［2020］103号", "桐教【2020】103号",
		"桐教（2020）103号", "桐教(2020)103号", " 桐教〔2020〕103号 ", "桐教〔２０２０〕１０３号",
		"桐教〔2020〕103",
	};
	struct fx *f = *state;
	struct item_filter all = { 0 };
	long long ids[50], d[7];

	d[1] = add_doc(f, &f->org, f->cat_policy, T1, "桐教〔2020〕103号", "2020-05-01", B1);
	d[2] = add_doc(f, &f->org, f->cat_policy, "桐乡市教育局关于2020年中小学教师招聘的公告", "桐教〔2020〕104号",
		       "2020-05-02", "根据工作需要，面向社会公开招聘中小学教师一百二十名。");
	d[3] = add_doc(f, &f->org, f->cat_policy, "关于印发《桐乡市河长制工作考核办法》的通知", "桐政办〔2020〕103号",
		       "2020-05-03", "现将《桐乡市河长制工作考核办法》印发给你们，请认真贯彻执行。");
	d[4] = add_doc(f, &f->org, f->cat_news, "桐乡市教育局2020年政府信息公开工作年度报告", "桐教〔2021〕5号",
		       "2021-01-04", "本年度印发的桐教〔2020〕103号文件已全文公开。");
	d[5] = add_doc(f, &f->org, f->cat_policy, "关于开展2020年度民办学校年检工作的通知", "桐教〔2020〕1031号",
		       "2020-05-05", "各民办学校：根据有关规定，现开展年度检查工作。");
	d[6] = add_doc(f, &f->org, f->cat_policy, "关于2019年义务教育招生工作的通知", "桐教〔2019〕103号",
		       "2019-05-06", "各学校要严格执行招生计划，不得以任何形式提前招生。");

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(find(f, forms[i], all, ids), 2);
		assert_int_equal(ids[0], d[1]);
		assert_int_equal(ids[1], d[4]);
	}
	assert_int_equal(find(f, "桐教〔2020〕104号", all, ids), 1);
	assert_int_equal(ids[0], d[2]);
	assert_int_equal(find(f, "桐教〔2020〕1031号", all, ids), 1);
	assert_int_equal(ids[0], d[5]);
	assert_int_equal(find(f, "桐政办〔2020〕103号", all, ids), 1);
	assert_int_equal(ids[0], d[3]);
	/* the 代字 alone: its five documents */
	assert_int_equal(find(f, "桐教", all, ids), 5);
	assert_false(in_ids(ids, 5, d[3]));
	/* filters: category, year, validity */
	assert_int_equal(find(f, "桐教", ((struct item_filter){ .category_id = f->cat_news }), ids), 1);
	assert_int_equal(ids[0], d[4]);
	assert_int_equal(find(f, "桐教", ((struct item_filter){ .year = 2019 }), ids), 1);
	assert_int_equal(ids[0], d[6]);
	assert_int_equal(find(f, "桐教", ((struct item_filter){ .validity = "有效" }), ids), 5);
	assert_int_equal(find(f, "桐教", ((struct item_filter){ .validity = "废止" }), ids), 0);
}

/* Every substring of 2-6 characters of a title, and of the body's first
 * sentence, finds the item, however a segmenter would cut it; the terms of
 * a query are ANDed; a phrase is its characters in order, not just its
 * bigrams somewhere in the item. */
static void test_search_recall_and_phrases(void **state)
{
	struct fx *f = *state;
	struct item_filter all = { 0 };
	long long ids[50], d1, d2;
	const char *texts[] = { "关于做好", "年桐乡市义务教育阶段民办学校招生入学工作的通知", "各乡镇人民政府" };

	d1 = add_doc(f, &f->org, f->cat_policy, T1, "桐教〔2020〕103号", "2020-05-01", B1);
	d2 = add_doc(f, &f->org, f->cat_policy, "会议纪要", "", "2020-05-02", "教育和育局以及局长会议。");
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		const char *s = texts[t];
		size_t nc = strlen(s) / 3; /* all 3-byte CJK */

		for (size_t len = 2; len <= 6; len++) {
			for (size_t off = 0; off + len <= nc; off++) {
				char q[32];
				long long n;

				memcpy(q, s + 3 * off, 3 * len);
				q[3 * len] = '\0';
				n = find(f, q, all, ids);
				if (!in_ids(ids, n, d1))
					fail_msg("\"%s\" does not find the item", q);
			}
		}
	}
	assert_int_equal(find(f, "通知 电脑随机录取 桐教", all, ids), 1);
	assert_int_equal(ids[0], d1);
	assert_int_equal(find(f, "通知 电脑随机抽签", all, ids), 0);
	/* 教育, 育局 and 局长 are all in item 2, but not 教育局长 */
	assert_int_equal(find(f, "教育局长", all, ids), 0);
	assert_int_equal(find(f, "局长会议", all, ids), 1);
	assert_int_equal(ids[0], d2);
	/* a lone character is a prefix: 育 finds both */
	assert_int_equal(find(f, "育", all, ids), 2);
}

/* Ranking: title (and 文号) hits first, even on a term common in bodies;
 * a dictionary word above the same characters across words. */
static void test_search_ranking(void **state)
{
	struct fx *f = *state;
	struct item_filter all = { 0 };
	long long ids[50], t1, t2, t3, w1, w2;
	char title[64];

	for (int i = 0; i < 8; i++) {
		snprintf(title, sizeof(title), "第%d期工作简报", i + 1);
		add_doc(f, &f->org, f->cat_news, title, "", "2020-04-01",
			"现将有关情况通知如下：各单位要加强安全生产管理，落实主体责任。");
	}
	t1 = add_doc(f, &f->org, f->cat_policy, "关于开展专项行动的通知", "桐建〔2020〕1号", "2020-05-01",
		     "本周开展河道保洁工作，请各单位做好准备。");
	t2 = add_doc(f, &f->org, f->cat_news, "城乡环境整治工作简报", "", "2020-05-02",
		     "河道保洁、道路保洁、小区保洁和公厕保洁工作全面推进，另附通知一份。");
	t3 = add_doc(f, &f->org, f->cat_news, "保洁", "", "2020-05-03", "本月工作安排见通知。");
	assert_int_equal(find(f, "通知 保洁", all, ids), 3);
	assert_int_equal(ids[2], t2); /* items 1 and 3 have title hits */
	assert_true((ids[0] == t1 && ids[1] == t3) || (ids[0] == t3 && ids[1] == t1));
	assert_int_equal(find(f, "保洁", all, ids), 3);
	assert_int_equal(ids[0], t3);
	/* however often a body repeats the term */
	t1 = add_doc(f, &f->org, f->cat_news, "环卫工作", "", "2020-05-04",
		     "保洁保洁保洁保洁保洁，保洁保洁保洁保洁保洁，保洁保洁保洁保洁保洁，保洁保洁保洁保洁保洁。");
	assert_int_equal(find(f, "保洁", all, ids), 4);
	assert_int_equal(ids[0], t3);
	assert_int_equal(ids[1], t1);

	w1 = add_doc(f, &f->org, f->cat_news, "公告", "", "2020-06-01", "研究生命起源");
	w2 = add_doc(f, &f->org, f->cat_news, "公告", "", "2020-05-01", "研究生招生考试");
	assert_int_equal(find(f, "研究生", all, ids), 2);
	assert_int_equal(ids[0], w2);
	assert_int_equal(ids[1], w1);
	assert_int_equal(find(f, "生命起源", all, ids), 1);
	assert_int_equal(ids[0], w1);
}

static const char *html_of(struct fx *f, const char *marked)
{
	const char *html = NULL;

	assert_non_null(marked);
	assert_int_equal(fts_snippet_html(&f->a, marked, strlen(marked), &html), 0);
	return html;
}

/* Highlights mark the union of the matched characters; snippets are a
 * window of the body around the matches, cut with an ellipsis. */
static void test_search_marks(void **state)
{
	struct fx *f = *state;
	struct item_filter all = { 0 };
	struct item_row *rows = NULL;
	long long ids[50];

	add_doc(f, &f->org, f->cat_policy, T1, "桐教〔2020〕103号", "2020-05-01", B1);
	add_doc(f, &f->org, f->cat_news, "市教育局长讲话", "", "2020-05-02", "哈哈哈");
	assert_int_equal(find_at(__LINE__, f, "民办学校", all, ids, &rows), 1);
	assert_string_equal(html_of(f, rows[0].title_marked),
			    "关于做好2020年桐乡市义务教育阶段<mark>民办学校</mark>招生入学工作的通知");
	assert_string_equal(html_of(f, rows[0].snippet),
			    "…市级各有关单位：为进一步规范义务教育阶段<mark>民办学校</mark>招生入学工作，"
			    "根据《中华人民共和国义务教…");
	/* two terms: both marked in the title, the window shows the body's
	 * first place with both */
	assert_int_equal(find_at(__LINE__, f, "义务教育 招生", all, ids, &rows), 1);
	assert_string_equal(html_of(f, rows[0].title_marked),
			    "关于做好2020年桐乡市<mark>义务教育</mark>阶段民办学校<mark>招生</mark>入学工作的通知");
	assert_non_null(strstr(html_of(f, rows[0].snippet), "<mark>义务教育</mark>阶段民办学校<mark>招生</mark>"));
	/* overlapping and touching matches are one <mark> */
	assert_int_equal(find_at(__LINE__, f, "教育局 局长", all, ids, &rows), 1);
	assert_string_equal(html_of(f, rows[0].title_marked), "市<mark>教育局长</mark>讲话");
	assert_int_equal(find_at(__LINE__, f, "哈哈", all, ids, &rows), 1);
	assert_string_equal(html_of(f, rows[0].snippet), "<mark>哈哈哈</mark>");
	/* a 文号 hit marks no title, and the snippet is the body's start */
	assert_int_equal(find_at(__LINE__, f, "桐教〔2020〕103号", all, ids, &rows), 1);
	assert_null(strchr(rows[0].title_marked, FTS_MARK_OPEN));
	assert_string_equal(html_of(f, rows[0].snippet),
			    "各乡镇人民政府、街道办事处，市级各有关单位：为进一步规范义务教育阶段民办学校招生入学工作…");
}

/* Pages of one query cover every match once. */
static void test_search_paging(void **state)
{
	struct fx *f = *state;
	long long ids[50], seen[30], got[30], total;
	size_t k = 0;
	char title[64];

	for (int i = 0; i < 30; i++) {
		snprintf(title, sizeof(title), "第%d号公告", i + 1);
		seen[i] = add_doc(f, &f->org, f->cat_news, title, "", "2020-04-01", "公告内容。");
	}
	for (int page = 0; page < 4; page++) {
		struct item_filter flt = { .limit = 10, .offset = 10 * page };

		total = find(f, "公告", flt, ids);
		assert_int_equal(total, 30);
		for (int i = 0; i < 10 && 10 * page + i < 30; i++) {
			assert_true(in_ids(seen, 30, ids[i]));
			assert_false(in_ids(got, (long long)k, ids[i]));
			got[k++] = ids[i];
		}
	}
	assert_int_equal(k, 30);
}

/* Search across every org, and over a set of orgs (an org and its
 * children), alone or with the other filters. */
static void test_search_org_sets(void **state)
{
	struct fx *f = *state;
	struct org c1, c2, other;
	long long ids[50], d0, d1, d2, d3;

	make_org(f, "tcjy-a", "00258038-A", NULL, &c1);
	make_org(f, "tcjy-b", "00258038-B", NULL, &c2);
	make_org(f, "other", "11111111-1", NULL, &other);
	d0 = add_doc(f, &f->org, f->cat_policy, "全市招生工作的通知", "", "2020-05-01", "");
	d1 = add_doc(f, &c1, cat_id(f, c1.id, "政策文件"), "一中招生简章", "", "2020-05-02", "");
	d2 = add_doc(f, &c2, cat_id(f, c2.id, "工作动态"), "二中招生简章", "", "2021-05-03", "");
	d3 = add_doc(f, &other, cat_id(f, other.id, "政策文件"), "他市招生简章", "", "2020-05-04", "");
	{
		const long long family[] = { f->org.id, c1.id, c2.id };
		const long long kids[] = { c1.id, c2.id };
		const long long one[] = { other.id };

		assert_int_equal(find(f, "招生", ((struct item_filter){ 0 }), ids), 4);
		assert_int_equal(find(f, "招生", ((struct item_filter){ .org_ids = family, .n_org_ids = 3 }), ids), 3);
		assert_false(in_ids(ids, 3, d3));
		assert_int_equal(find(f, "招生", ((struct item_filter){ .org_ids = kids, .n_org_ids = 2 }), ids), 2);
		assert_true(in_ids(ids, 2, d1) && in_ids(ids, 2, d2));
		assert_int_equal(find(f, "招生", ((struct item_filter){ .org_ids = one, .n_org_ids = 1 }), ids), 1);
		assert_int_equal(ids[0], d3);
		/* with the other filters */
		assert_int_equal(find(f, "招生简章",
				      ((struct item_filter){ .org_ids = family, .n_org_ids = 3, .year = 2020 }), ids), 1);
		assert_int_equal(ids[0], d1);
		assert_int_equal(find(f, "招生", ((struct item_filter){ .org_ids = kids, .n_org_ids = 2,
								      .category_id = cat_id(f, c2.id, "工作动态") }),
				      ids), 1);
		assert_int_equal(ids[0], d2);
		/* an org outside the set gives nothing */
		assert_int_equal(find(f, "招生", ((struct item_filter){ .org_id = other.id, .org_ids = kids,
								      .n_org_ids = 2 }), ids), 0);
		assert_int_equal(find(f, "招生", ((struct item_filter){ .org_id = f->org.id }), ids), 1);
		assert_int_equal(ids[0], d0);
	}
}

/* Publishing through review and merging a correction keep the index in
 * step (store functions other than the catalog's publish and edit). */
static void test_search_review_and_correction(void **state)
{
	struct fx *f = *state;
	struct item_filter all = { 0 };
	long long ids[50], id, draft = 0;
	struct item it;

	id = add_item(f, f->org.id, f->cat_policy, "城乡居民医疗保险缴费通知", "2020-05-01", "缴费时间另行通知。");
	assert_int_equal(find(f, "医疗保险", all, ids), 0);
	assert_int_equal(store_item_review_state(f->db, f->org.id, id, "published", 0, 0, NOW), 0);
	assert_int_equal(find(f, "医疗保险", all, ids), 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(store_item_review_state(f->db, f->org.id, id, "pending", 1, 0, NOW), 0);
	assert_int_equal(find(f, "医疗保险", all, ids), 0);
	assert_int_equal(store_item_review_state(f->db, f->org.id, id, "published", 0, 0, NOW), 0);

	/* a correction draft is not searchable; merged, its text replaces the
	 * item's in the index */
	assert_int_equal(store_item_correction_create(f->db, f->org.id, id, 0, NOW, &draft), 0);
	assert_true(draft > 0);
	it = get_item(f, f->org.id, draft);
	it.title = "城乡居民养老保险缴费通知";
	it.updated_at = NOW;
	assert_int_equal(store_item_update(f->db, &it), 0);
	assert_int_equal(find(f, "养老保险", all, ids), 0);
	assert_int_equal(find(f, "缴费通知", all, ids), 1);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_item_correction_merge(f->db, f->org.id, draft, id, "2020-08-25", NOW), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(find(f, "养老保险", all, ids), 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(find(f, "医疗保险", all, ids), 0);
	assert_int_equal(find(f, "缴费通知", all, ids), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_migrations_apply_once),
		T(test_wal_mode),
		T(test_foreign_keys_on),
		T(test_default_categories),
		T(test_serials_per_org_and_year),
		T(test_serial_month_pattern),
		T(test_publish_without_date_uses_today),
		T(test_withdraw_and_republish_keep_index_no),
		T(test_publish_twice_is_conflict),
		T(test_publish_missing_or_foreign_item),
		T(test_publish_bad_stored_date),
		T(test_status_transitions),
		T(test_concurrent_publishing),
		T(test_rollback_leaves_nothing),
		T(test_update_stale_version),
		T(test_list_filters),
		T(test_item_years),
		T(test_search_published_only),
		T(test_search_docno_variants),
		T(test_search_after_edit),
		T(test_search_deferred_rebuild),
		T(test_search_doc_no_first),
		T(test_search_recall_and_phrases),
		T(test_search_ranking),
		T(test_search_marks),
		T(test_search_paging),
		T(test_search_org_sets),
		T(test_search_review_and_correction),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
