/* test_channels.c - the outbox's rules: the back-off schedule (doubling
 * from the first delay, capped at 6 h for the default, jitter that keeps the
 * order), the push signature (RFC 4231-style HMAC-SHA256 vector), the push
 * JSON, the WeChat article JSON (escaping, no scripts, no event handlers,
 * no javascript: links, digest cut at 120 characters), the time format the
 * leases compare, and the channel form's checks (secret kept on edit, the
 * figure mapping must fit the channel type). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/channels/channel.h"
#include "domain/channels/config.h"
#include "domain/channels/outbox.h"
#include "domain/channels/payload.h"
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/delivery.h"
#include "store/fts.h"
#include "store/store.h"

static void test_backoff(void **state)
{
	long long prev_max = 0;

	(void)state;
	/* the default: 1, 2, 4 ... minutes, never over 6 h plus a quarter */
	for (int n = 1; n <= 20; n++) {
		long long lo = outbox_backoff_ms(0, n, 0), hi = outbox_backoff_ms(0, n, 1023);

		assert_true(lo <= hi);
		assert_true(hi < lo + lo / 4 + 1);
		assert_true(lo >= prev_max || lo == 6LL * 3600 * 1000); /* grows until the cap, whatever the jitter */
		assert_true(hi <= 6LL * 3600 * 1000 * 5 / 4);
		prev_max = hi;
	}
	assert_int_equal(outbox_backoff_ms(0, 1, 0), 60000);
	assert_int_equal(outbox_backoff_ms(0, 2, 0), 120000);
	assert_int_equal(outbox_backoff_ms(0, 4, 0), 480000);
	assert_int_equal(outbox_backoff_ms(0, 30, 0), 6LL * 3600 * 1000);
	/* scaled for tests: the same shape */
	assert_int_equal(outbox_backoff_ms(200, 1, 0), 200);
	assert_int_equal(outbox_backoff_ms(200, 3, 0), 800);
	assert_int_equal(outbox_backoff_ms(200, 100, 0), 200 * 360);
}

static void test_time_format(void **state)
{
	char a[32], b[32];

	(void)state;
	outbox_time(0, a);
	outbox_time(1500, b);
	assert_int_equal(strlen(a), 24);
	assert_int_equal(a[10], 'T');
	assert_int_equal(a[19], '.');
	assert_int_equal(a[23], 'Z');
	assert_true(strcmp(a, b) < 0); /* text order is time order */
}

static void test_signature(void **state)
{
	struct arena a;
	const char *msg = "The quick brown fox jumps over the lazy dog";

	(void)state;
	arena_init(&a, 0);
	assert_string_equal(platform_signature(&a, "key", msg, strlen(msg)),
			    "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	/* one byte more changes it */
	assert_string_not_equal(platform_signature(&a, "key", msg, strlen(msg) - 1),
				"sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	arena_release(&a);
}

static struct org org = { .id = 1, .slug = "tcjy", .name = "桐乡市教育局", .org_code = "471127366" };

static void event_of(struct chan_event *ev, struct item *it, const char *body_html, struct chan_attachment *att,
		     size_t natt)
{
	memset(ev, 0, sizeof(*ev));
	ev->delivery_id = 7;
	ev->key = "gongkai-tcjy-d7";
	ev->event = "publish";
	ev->org = &org;
	ev->item = it;
	ev->item_version = it->version;
	ev->category = "政策文件";
	ev->url = "https://gk.example.cn/o/tcjy/items/5";
	ev->base_url = "https://gk.example.cn";
	ev->body_html = body_html;
	ev->att = att;
	ev->natt = natt;
}

static void test_platform_payload(void **state)
{
	struct arena a;
	struct item it = { .id = 5, .title = "关于\"开学\"的通知", .index_no = "471127366/2026-00001", .doc_no = "桐教〔2026〕1号",
			   .publisher = "桐乡市教育局", .published_on = "2026-09-01", .validity = "有效", .version = 3,
			   .summary = "", .topic = "", .genre = "其他" };
	struct chan_attachment att = { .id = 9, .filename = "附件.pdf", .mime = "application/pdf", .size = 1234,
				       .sha256 = "ab12", .url = "https://gk.example.cn/o/tcjy/items/5/files/9" };
	struct chan_event ev;
	json_t *j;
	const char *s;

	(void)state;
	arena_init(&a, 0);
	event_of(&ev, &it, "<p>正文</p>", &att, 1);
	s = platform_payload(&a, &ev);
	assert_non_null(s);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "关于\"开学\"的通知");
	assert_string_equal(json_string_value(json_object_get(j, "index_no")), "471127366/2026-00001");
	assert_string_equal(json_string_value(json_object_get(j, "delivery")), "gongkai-tcjy-d7");
	assert_string_equal(json_string_value(json_object_get(j, "validity")), "有效");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
	assert_true(json_is_null(json_object_get(j, "written_on")));
	{
		json_t *a0 = json_array_get(json_object_get(j, "attachments"), 0);

		assert_string_equal(json_string_value(json_object_get(a0, "sha256")), "ab12");
		assert_int_equal(json_integer_value(json_object_get(a0, "size")), 1234);
		assert_string_equal(json_string_value(json_object_get(a0, "url")),
				    "https://gk.example.cn/o/tcjy/items/5/files/9");
	}
	json_decref(j);
	arena_release(&a);
}

static void test_wechat_article(void **state)
{
	struct arena a;
	struct item it = { .id = 5, .title = "标题<b>&\"引号\"", .summary = "", .version = 1,
			   .body_text = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
					"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
					"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
					"尾巴" };
	struct chan_event ev;
	json_t *j, *art;
	const char *s, *content;

	(void)state;
	arena_init(&a, 0);
	event_of(&ev, &it,
		 "<p onclick=\"steal()\">正文 <a href=\"javascript:alert(1)\">链接</a> <img src=\"https://gk.example.cn/x.png\"></p>"
		 "<script>alert(1)</script><STYLE>p{}</STYLE><p>后文</p>",
		 NULL, 0);
	s = wechat_article_json(&a, &ev, "办公室", "THUMB");
	assert_non_null(s);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	art = json_array_get(json_object_get(j, "articles"), 0);
	assert_string_equal(json_string_value(json_object_get(art, "title")), "标题<b>&\"引号\"");
	assert_string_equal(json_string_value(json_object_get(art, "author")), "办公室");
	assert_string_equal(json_string_value(json_object_get(art, "thumb_media_id")), "THUMB");
	assert_string_equal(json_string_value(json_object_get(art, "content_source_url")), ev.url);
	assert_int_equal(json_integer_value(json_object_get(art, "need_open_comment")), 0);
	content = json_string_value(json_object_get(art, "content"));
	assert_null(strstr(content, "script"));
	assert_null(strstr(content, "STYLE"));
	assert_null(strstr(content, "onclick"));
	assert_null(strstr(content, "javascript:"));
	assert_non_null(strstr(content, "正文"));
	assert_non_null(strstr(content, "后文"));
	assert_non_null(strstr(content, "<img src=\"https://gk.example.cn/x.png\">"));
	/* no summary: the start of the body text, 120 characters */
	{
		const char *d = json_string_value(json_object_get(art, "digest"));

		assert_int_equal(strlen(d), 120 * 3);
		assert_null(strstr(d, "尾巴"));
	}
	json_decref(j);
	it.summary = "概述";
	assert_string_equal(wechat_digest(&a, &ev), "概述");
	arena_release(&a);
}

/* ---- the channel form against a database ---- */

struct fx {
	char dir[64];
	char path[128];
	struct fts_ctx *fts;
	struct db *db;
	struct arena a;
	struct org org;
	long long cat;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct category c = { .name = "政策文件" };

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-chan-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	assert_int_equal(fts_ctx_new(NULL, &f->fts), 0);
	assert_int_equal(db_open(f->path, &(struct db_opts){ .fts = f->fts }, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	arena_init(&f->a, 0);
	f->org = (struct org){ .slug = "tcjy", .name = "教育局", .kind = "agency", .org_code = "001" };
	assert_int_equal(store_org_insert(f->db, &f->org, "2026-01-01T00:00:00Z"), 0);
	c.org_id = f->org.id;
	assert_int_equal(store_category_insert(f->db, &c), 0);
	f->cat = c.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];
	const char *const sfx[] = { "", "-wal", "-shm" };

	db_close(f->db);
	fts_ctx_free(f->fts);
	arena_release(&f->a);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_channel_form(void **state)
{
	struct fx *f = *state;
	struct dchan_form push = { .kind = "platform_push", .name = "公开平台", .enabled = true, .all_categories = true,
				   .endpoint = "https://platform.example.cn/push", .secret = "0123456789abcdef0123" };
	struct stat_channel portal = { .org_id = f->org.id, .name = "门户网站", .type = "portal", .platform = "",
				       .created_at = "x", .updated_at = "x" };
	struct dchannel got;
	const char *msg, *secret;
	long long id = 0;

	struct dchan_form bad = push;

	bad.endpoint = "https://a b/";
	assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id, &bad, "now", &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "网址"));
	bad = push;
	bad.secret = "short";
	assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id, &bad, "now", &msg), ERR_INVALID);
	bad = push;
	bad.all_categories = false;
	assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id, &bad, "now", &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "公开类别"));
	bad = push;
	bad.kind = "email"; /* not registered in this tree */
	assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id, &bad, "now", &msg), ERR_INVALID);
	assert_int_equal(id, 0);

	assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id, &push, "now", &msg), 0);
	assert_true(id > 0);
	assert_int_equal(store_dchannel_get(f->db, &f->a, f->org.id, id, &got), 0);
	assert_string_equal(got.secret_fp, dchan_fingerprint(&f->a, "0123456789abcdef0123"));
	/* an edit without a secret keeps it */
	push.secret = NULL;
	push.name = "公开平台（改）";
	push.all_categories = false;
	push.cats = &f->cat;
	push.ncats = 1;
	assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id, &push, "now", &msg), 0);
	assert_int_equal(store_dchannel_secret(f->db, &f->a, f->org.id, id, &secret), 0);
	assert_string_equal(secret, "0123456789abcdef0123");
	assert_int_equal(store_dchannel_get(f->db, &f->a, f->org.id, id, &got), 0);
	assert_int_equal(got.ncategories, 1);
	assert_int_equal(got.categories[0], f->cat);
	/* the same name twice */
	{
		long long id2 = 0;

		push.secret = "another-secret-0123456";
		assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &id2, &push, "now", &msg), ERR_CONFLICT);
		assert_non_null(strstr(msg, "同名"));
	}
	/* WeChat counts 推送次数: a portal channel of the figures does not fit */
	assert_int_equal(store_stat_channel_insert(f->db, &portal), 0);
	{
		struct dchan_form wx = { .kind = "wechat", .name = "公众号", .enabled = true, .all_categories = true,
					 .app_id = "wx123", .secret = "appsecret", .stat_channel_id = portal.id };
		long long wid = 0;

		assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &wid, &wx, "now", &msg), ERR_INVALID);
		assert_non_null(strstr(msg, "政务新媒体"));
		wx.app_id = "wx-12";
		wx.stat_channel_id = 0;
		assert_int_equal(dchan_save(f->db, &f->a, f->org.id, &wid, &wx, "now", &msg), ERR_INVALID);
		assert_non_null(strstr(msg, "AppID"));
	}
	/* a test send needs a published item */
	{
		long long did;

		assert_int_equal(dchan_test_send(f->db, &f->a, f->org.id, id, &did, &msg), ERR_NOT_FOUND);
		assert_non_null(strstr(msg, "已发布"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_platform_payload),
		cmocka_unit_test(test_wechat_article),
		cmocka_unit_test_setup_teardown(test_channel_form, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
