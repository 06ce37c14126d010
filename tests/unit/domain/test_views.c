/* test_views.c - page views counted in memory and written in batches. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "domain/catalog/catalog.h"
#include "domain/catalog/views.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/store.h"

#define NOW "2020-06-01T00:00:00Z"

struct fx {
	char dir[64];
	struct fts_ctx *fts;
	struct db *db;
	struct arena a;
	long long item;
	long long org;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[128];
	struct org o = { .slug = "v", .name = "测试机关", .org_code = "123456789" };
	struct category *cats;
	size_t n;
	struct item it = { .title = "浏览计数", .status = "draft", .created_at = NOW };

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-views-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/t.db", f->dir);
	assert_int_equal(fts_ctx_new(NULL, &f->fts), 0);
	assert_int_equal(db_open(path, &(struct db_opts){ .fts = f->fts }, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	arena_init(&f->a, 0);
	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	assert_int_equal(catalog_create_default_categories(f->db, o.id), 0);
	assert_int_equal(store_category_list(f->db, &f->a, o.id, &cats, &n), 0);
	it.org_id = o.id;
	it.category_id = cats[0].id;
	assert_int_equal(store_item_insert(f->db, &it), 0);
	f->item = it.id;
	f->org = o.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	db_close(f->db);
	fts_ctx_free(f->fts);
	arena_release(&f->a);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static long long stored_views(struct fx *f)
{
	struct item it;

	assert_int_equal(store_item_get(f->db, &f->a, f->org, f->item, &it), 0);
	return it.views;
}

static void test_counts_then_writes(void **state)
{
	struct fx *f = *state;
	struct view_batch *vb;

	assert_int_equal(view_batch_new(&vb), 0);
	for (int i = 0; i < 5; i++)
		view_batch_add(vb, f->item);
	/* counted, not yet written */
	assert_int_equal(view_batch_pending(vb, f->item), 5);
	assert_int_equal(stored_views(f), 0);
	assert_int_equal(view_batch_flush(vb, f->db), 0);
	assert_int_equal(view_batch_pending(vb, f->item), 0);
	assert_int_equal(stored_views(f), 5);
	/* an empty flush writes nothing and succeeds */
	assert_int_equal(view_batch_flush(vb, f->db), 0);
	assert_int_equal(stored_views(f), 5);
	view_batch_free(vb);
}

struct adder {
	struct view_batch *vb;
	long long id;
};

static void *add_many(void *arg)
{
	struct adder *ad = arg;

	for (int i = 0; i < 10000; i++)
		view_batch_add(ad->vb, ad->id);
	return NULL;
}

static void test_threads_lose_nothing(void **state)
{
	struct fx *f = *state;
	struct view_batch *vb;
	pthread_t t[4];
	struct adder ad;

	assert_int_equal(view_batch_new(&vb), 0);
	ad.vb = vb;
	ad.id = f->item;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, add_many, &ad), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(view_batch_flush(vb, f->db), 0);
		pthread_join(t[i], NULL);
	}
	assert_int_equal(view_batch_flush(vb, f->db), 0);
	assert_int_equal(stored_views(f), 40000);
	view_batch_free(vb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_then_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_lose_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
