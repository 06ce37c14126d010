/* test_delivery.c - the outbox's rows (migration 0018) on SQLite, and on
 * PostgreSQL under make check-pg: a publication event queues one delivery
 * per enabled channel whose categories match; two workers on two
 * connections never take the same delivery, an expired lease is taken over
 * and the old owner's outcome is then refused; the states move pending ->
 * sending -> done / pending / failed and the retry button's transitions;
 * the channel figure is the count of delivered publications; a token is
 * cached until it expires; the secret never reaches the audit trail, its
 * fingerprint does. */
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
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/delivery.h"
#include "store/fts.h"
#include "store/store.h"
#include "test_db.h"
#include "core/banned.h"

#define NOW "2026-03-10T02:00:00.000Z"
#define LATER "2026-03-10T02:05:00.000Z"
#define LEASE "2026-03-10T02:01:00.000Z"

static struct fts_ctx *fts;

struct fx {
	char dir[64];
	char path[192];
	struct db *db, *db2;
	struct arena a;
	struct org org;
	long long cat1, cat2, item1, item2;
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

static long long add_item(struct fx *f, long long cat, const char *title)
{
	struct item it = { .org_id = f->org.id, .category_id = cat, .title = title, .body_md = "正文", .body_text = "正文",
			   .created_at = NOW };

	assert_int_equal(store_item_insert(f->db, &it), 0);
	return it.id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct category c1 = { .name = "政策文件" }, c2 = { .name = "工作动态" };

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-dlv-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	{
		char file[128];

		snprintf(file, sizeof(file), "%s/gk.db", f->dir);
		test_db_target(file, f->path, sizeof(f->path));
	}
	assert_int_equal(db_open(f->path, &(struct db_opts){ .fts = fts }, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	assert_int_equal(db_open(f->path, &(struct db_opts){ .fts = fts }, &f->db2), 0);
	arena_init(&f->a, 0);
	db_set_actor(f->db, 0, "测试", "");
	f->org = (struct org){ .slug = "tcjy", .name = "教育局", .kind = "agency", .org_code = "001" };
	assert_int_equal(store_org_insert(f->db, &f->org, "2026-01-01T00:00:00Z"), 0);
	c1.org_id = c2.org_id = f->org.id;
	assert_int_equal(store_category_insert(f->db, &c1), 0);
	assert_int_equal(store_category_insert(f->db, &c2), 0);
	f->cat1 = c1.id;
	f->cat2 = c2.id;
	f->item1 = add_item(f, f->cat1, "政策一");
	f->item2 = add_item(f, f->cat2, "动态一");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[224];
	const char *const sfx[] = { "", "-wal", "-shm" };

	db_close(f->db2);
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

static long long add_channel(struct fx *f, const char *kind, const char *name, bool enabled, bool all)
{
	struct dchannel c = { .org_id = f->org.id, .kind = kind, .name = name, .enabled = enabled, .all_categories = all,
			      .endpoint = "http://127.0.0.1:9/push" };

	assert_int_equal(store_dchannel_insert(f->db, &c, NOW), 0);
	return c.id;
}

static long long count(struct fx *f, const char *state)
{
	struct delivery_counts c;

	assert_int_equal(store_delivery_counts(f->db, f->org.id, &c), 0);
	if (strcmp(state, "pending") == 0)
		return c.pending;
	if (strcmp(state, "sending") == 0)
		return c.sending;
	if (strcmp(state, "done") == 0)
		return c.done;
	return c.failed;
}

static void test_enqueue_matches_channels(void **state)
{
	struct fx *f = *state;
	long long all = add_channel(f, "platform_push", "平台", true, true);
	long long some = add_channel(f, "wechat", "公众号", true, false);
	long long n;
	struct delivery *ds;
	size_t nd;

	add_channel(f, "platform_push", "停用的", false, true);
	assert_int_equal(store_dchannel_set_categories(f->db, f->org.id, some, &f->cat1, 1), 0);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item1, "publish", NOW, &n), 0);
	assert_int_equal(n, 2); /* the enabled two; the filter matches 政策文件 */
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item2, "publish", NOW, &n), 0);
	assert_int_equal(n, 1); /* 工作动态: only the channel of all categories */
	assert_int_equal(store_deliveries(f->db, &f->a, f->org.id, &(struct delivery_filter){ .item_id = f->item2 }, 10, 0,
					  &ds, &nd),
			 0);
	assert_int_equal(nd, 1);
	assert_int_equal(ds[0].channel_id, all);
	assert_string_equal(ds[0].state, "pending");
	assert_string_equal(ds[0].item_title, "动态一");
	assert_int_equal(ds[0].item_version, 1);
	/* another org's item queues nothing here */
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id + 100, f->item1, "publish", NOW, &n), 0);
	assert_int_equal(n, 0);
}

static void test_two_workers_never_share(void **state)
{
	struct fx *f = *state;
	struct delivery d1, d2, d3;
	long long n;

	add_channel(f, "platform_push", "平台", true, true);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item1, "publish", NOW, &n), 0);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item2, "publish", NOW, &n), 0);
	/* worker A on one connection, worker B on another */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", NOW, LEASE, &d1), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_begin(f->db2), 0);
	assert_int_equal(store_delivery_claim(f->db2, &f->a, 0, "B", NOW, LEASE, &d2), 0);
	assert_int_equal(db_commit(f->db2), 0);
	assert_true(d1.id != d2.id);
	assert_string_equal(d1.state, "sending");
	assert_string_equal(d1.lease_owner, "A");
	assert_int_equal(d1.attempts, 1);
	/* nothing else is due; a lease held is not taken before it expires */
	assert_int_equal(store_delivery_claim(f->db2, &f->a, 0, "C", NOW, LEASE, &d3), ERR_NOT_FOUND);
	/* A dies; after its lease C takes the delivery over */
	assert_int_equal(store_delivery_claim(f->db2, &f->a, 0, "C", LATER, "2026-03-10T02:06:00.000Z", &d3), 0);
	assert_true(d3.id == d1.id || d3.id == d2.id);
	assert_int_equal(d3.attempts, 2);
	/* the old owner's outcome is refused: it no longer holds the lease */
	assert_int_equal(store_delivery_finish(f->db, d3.id, d3.id == d1.id ? "A" : "B", "done", NULL, "", "X", false, LATER),
			 ERR_CONFLICT);
	assert_int_equal(store_delivery_progress(f->db, d3.id, d3.id == d1.id ? "A" : "B", "{}", LATER), ERR_CONFLICT);
	assert_int_equal(store_delivery_finish(f->db, d3.id, "C", "done", NULL, "", "R-1", false, LATER), 0);
	assert_int_equal(store_delivery_get(f->db, &f->a, f->org.id, d3.id, &d3), 0);
	assert_string_equal(d3.state, "done");
	assert_string_equal(d3.remote_id, "R-1");
	assert_string_equal(d3.delivered_at, LATER);
	assert_string_equal(d3.lease_owner, "");
}

static void test_states_and_retry(void **state)
{
	struct fx *f = *state;
	struct delivery d;
	struct delivery_attempt *at;
	size_t n;
	long long q, k;
	const char *when;

	add_channel(f, "platform_push", "平台", true, true);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item1, "publish", NOW, &q), 0);
	assert_int_equal(store_delivery_claim(f->db, &f->a, f->org.id, "A", NOW, LEASE, &d), 0);
	/* a failed attempt: pending again, due later, logged */
	assert_int_equal(store_delivery_finish(f->db, d.id, "A", "pending", LATER, "HTTP 500", NULL, false, NOW), 0);
	assert_int_equal(store_delivery_log_add(f->db, f->org.id,
						&(struct delivery_attempt){ .delivery_id = d.id, .attempt = 1,
									    .started_at = NOW, .outcome = "retry",
									    .http_status = 500, .message = "HTTP 500",
									    .duration_ms = 12 }),
			 0);
	assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", NOW, LEASE, &d), ERR_NOT_FOUND); /* not yet due */
	assert_int_equal(store_delivery_next_due(f->db, &f->a, 0, &when), 0);
	assert_string_equal(when, LATER);
	assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", LATER, "2026-03-10T02:06:00.000Z", &d), 0);
	assert_int_equal(d.attempts, 2);
	assert_int_equal(store_delivery_finish(f->db, d.id, "A", "failed", NULL, "平台拒绝接收", NULL, false, LATER), 0);
	assert_int_equal(count(f, "failed"), 1);
	assert_int_equal(store_delivery_log(f->db, &f->a, f->org.id, d.id, &at, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(at[0].http_status, 500);
	assert_string_equal(at[0].outcome, "retry");
	/* the retry button: pending, due now, a fresh count of attempts */
	assert_int_equal(store_delivery_retry(f->db, f->org.id, d.id, LATER), 0);
	assert_int_equal(store_delivery_get(f->db, &f->a, f->org.id, d.id, &d), 0);
	assert_string_equal(d.state, "pending");
	assert_int_equal(d.attempts, 0);
	assert_string_equal(d.last_error, "平台拒绝接收"); /* kept until the next attempt says otherwise */
	/* done: the button refuses; another org's id is not found */
	assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", LATER, "2026-03-10T02:06:00.000Z", &d), 0);
	assert_int_equal(store_delivery_finish(f->db, d.id, "A", "done", NULL, "", NULL, true, LATER), 0);
	assert_int_equal(store_delivery_retry(f->db, f->org.id, d.id, LATER), ERR_CONFLICT);
	assert_int_equal(store_delivery_retry(f->db, f->org.id + 1, d.id, LATER), ERR_NOT_FOUND);
	assert_int_equal(store_delivery_get(f->db, &f->a, f->org.id, d.id, &d), 0);
	assert_true(d.manual);
	/* 全部重试 */
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item2, "withdraw", NOW, &q), 0);
	assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", LATER, "2026-03-10T02:06:00.000Z", &d), 0);
	assert_string_equal(d.event, "withdraw");
	assert_int_equal(store_delivery_finish(f->db, d.id, "A", "failed", NULL, "x", NULL, false, LATER), 0);
	assert_int_equal(store_delivery_retry_failed(f->db, f->org.id, LATER, &k), 0);
	assert_int_equal(k, 1);
	assert_int_equal(count(f, "failed"), 0);
	assert_int_equal(count(f, "pending"), 1);
	/* a release (shutdown mid-send) gives the delivery back at once */
	assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", LATER, "2026-03-10T02:06:00.000Z", &d), 0);
	assert_int_equal(store_delivery_release(f->db, d.id, "A", LATER), 0);
	assert_int_equal(count(f, "pending"), 1);
}

static void test_figure_counts_delivered(void **state)
{
	struct fx *f = *state;
	struct stat_channel sc = { .org_id = f->org.id, .name = "桐乡教育", .type = "new_media", .platform = "微信公众号",
				   .created_at = NOW, .updated_at = NOW };
	struct dchannel c = { .org_id = f->org.id, .kind = "wechat", .name = "公众号", .enabled = true,
			      .all_categories = true };
	struct channel_figure *fig;
	struct delivery d;
	size_t n;
	long long q;

	assert_int_equal(store_stat_channel_insert(f->db, &sc), 0);
	c.stat_channel_id = sc.id;
	c.stat_metric = "推送次数";
	assert_int_equal(store_dchannel_insert(f->db, &c, NOW), 0);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item1, "publish", NOW, &q), 0);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item2, "publish", NOW, &q), 0);
	assert_int_equal(store_delivery_enqueue(f->db, f->org.id, f->item1, "withdraw", NOW, &q), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_delivery_claim(f->db, &f->a, 0, "A", NOW, LEASE, &d), 0);
		/* the second one fails: not counted */
		assert_int_equal(store_delivery_finish(f->db, d.id, "A", i == 1 ? "failed" : "done", NULL, "", NULL, false,
						       i == 0 ? "2026-02-28T16:30:00.000Z" : NOW),
				 0);
	}
	/* 2026-02-28T16:30Z is 1 March in China: March counts the first; the
	 * withdrawal is not a publication */
	assert_int_equal(store_delivery_recount_figure(f->db, f->org.id, c.id, 2026, 3, NOW), 0);
	assert_int_equal(store_delivery_recount_figure(f->db, f->org.id, c.id, 2026, 2, NOW), 0);
	assert_int_equal(store_channel_figures(f->db, &f->a, f->org.id, sc.id, 2026, &fig, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fig[0].month, 2);
	assert_int_equal(fig[0].value, 0);
	assert_int_equal(fig[1].month, 3);
	assert_int_equal(fig[1].value, 1);
	assert_string_equal(fig[1].metric, "推送次数");
}

static void test_token_cache(void **state)
{
	struct fx *f = *state;
	long long ch = add_channel(f, "wechat", "公众号", true, true);
	const char *tok;

	assert_int_equal(store_delivery_token(f->db, &f->a, f->org.id, ch, NOW, &tok), 0);
	assert_null(tok);
	assert_int_equal(store_delivery_token_put(f->db, f->org.id, ch, "TOK1", LATER, NOW), 0);
	assert_int_equal(store_delivery_token(f->db, &f->a, f->org.id, ch, NOW, &tok), 0);
	assert_string_equal(tok, "TOK1");
	assert_int_equal(store_delivery_token(f->db, &f->a, f->org.id, ch, LATER, &tok), 0);
	assert_null(tok); /* expired by then */
	assert_int_equal(store_delivery_token_put(f->db, f->org.id, ch, "", NULL, NOW), 0);
	assert_int_equal(store_delivery_token(f->db, &f->a, f->org.id, ch, NOW, &tok), 0);
	assert_null(tok);
}

static void test_secret_kept_out_of_the_audit(void **state)
{
	struct fx *f = *state;
	long long ch = add_channel(f, "platform_push", "平台", true, true);
	struct audit_row *rows;
	struct dchannel c;
	size_t n;
	const char *s;

	assert_int_equal(store_dchannel_set_secret(f->db, f->org.id, ch, "very-secret-key-123", "sha256:0123456789ab", NOW), 0);
	assert_int_equal(store_dchannel_secret(f->db, &f->a, f->org.id, ch, &s), 0);
	assert_string_equal(s, "very-secret-key-123");
	assert_int_equal(store_dchannel_get(f->db, &f->a, f->org.id, ch, &c), 0);
	assert_string_equal(c.secret_fp, "sha256:0123456789ab");
	assert_int_equal(store_audit_list(f->db, &f->a, &(struct audit_filter){ .limit = 100 }, &rows, &n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_null(rows[i].after ? strstr(rows[i].after, "very-secret-key-123") : NULL);
		assert_true(strcmp(rows[i].tbl, "delivery_secrets") != 0);
	}
	assert_int_equal(store_audit_list(f->db, &f->a, &(struct audit_filter){ .tbl = "delivery_channels", .limit = 1 },
					  &rows, &n),
			 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(rows[0].after, "sha256:0123456789ab"));
	/* another org cannot read it */
	assert_int_equal(store_dchannel_secret(f->db, &f->a, f->org.id + 1, ch, &s), 0);
	assert_string_equal(s, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enqueue_matches_channels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_workers_never_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_and_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_figure_counts_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_kept_out_of_the_audit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
