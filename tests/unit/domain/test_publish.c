/* test_publish.c - the annual report on the web over a real database with
 * the migrations: fact tokens (insertion, expansion on the records now,
 * unknown tokens), drafts and versions with the optimistic check, the
 * publication gate (refused with check errors, allowed with a recorded
 * reason of at least ten characters, allowed when clean), the catalog item
 * in 报告统计 with its HTML body and the DOCX and PDF stored by SHA-256,
 * republication keeping the 索引号, and the platform view over three child
 * orgs built here (status, timeliness, errors, figures side by side and
 * their total), with its cost measured over a few hundred children. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "domain/report/publish.h"
#include "domain/report/report.h"
#include "store/db.h"
#include "store/fts.h"
#include "store/report_store.h"
#include "store/store.h"
#include "core/banned.h"

#include "assert_chinese.h"

#define NOW "2021-01-10T02:00:00Z"

static struct fts_ctx *fts;

static long D(const char *s)
{
	long d = 0;

	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

struct fx {
	char dir[64];
	char path[128];
	char files[128];
	struct db *db;
	struct arena a;
	struct org platform, org;
	long long user_id;
	struct rpub_ctx c;
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

/* An org with the default categories (inside the caller's transaction). */
static void insert_org(struct fx *f, const char *slug, const char *name, const char *kind, long long parent,
		       struct org *out)
{
	struct org o = { .slug = slug, .name = name, .org_code = "471127366", .kind = kind, .parent_id = parent };

	assert_int_equal(store_org_insert(f->db, &o, NOW), 0);
	if (strcmp(kind, "agency") == 0)
		assert_int_equal(catalog_create_default_categories(f->db, o.id), 0);
	assert_int_equal(store_org_by_id(f->db, &f->a, o.id, out), 0);
}

/* n items of org published on day in the category called cat. */
static void publish_items(struct fx *f, const struct org *o, const char *cat, const char *day, int n)
{
	struct category c;

	assert_int_equal(store_category_by_name(f->db, &f->a, o->id, cat, &c), 0);
	for (int i = 0; i < n; i++) {
		struct item it = { .org_id = o->id, .category_id = c.id, .title = "测试信息", .published_on = day,
				   .status = "published", .created_at = NOW };

		assert_int_equal(store_item_insert(f->db, &it), 0);
	}
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	struct db_opts o = { .fts = fts };
	struct user u = { .username = "shenli", .display_name = "沈丽", .password_hash = "x" };

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-publish-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/gk.db", f->dir);
	snprintf(f->files, sizeof(f->files), "%s/files", f->dir);
	assert_int_equal(mkdir(f->files, 0750), 0);
	arena_init(&f->a, 0);
	assert_int_equal(db_open(f->path, &o, &f->db), 0);
	assert_int_equal(db_migrate(f->db, NULL), 0);
	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "platform", "政府信息公开平台", "platform", 0, &f->platform);
	insert_org(f, "tongxiang-edu", "桐乡市教育局", "agency", 0, &f->org);
	u.org_id = f->org.id;
	assert_int_equal(store_user_insert(f->db, &u, NOW), 0);
	f->user_id = u.id;
	publish_items(f, &f->org, "政策文件", "2020-03-02", 4);
	publish_items(f, &f->org, "工作动态", "2020-06-01", 7);
	publish_items(f, &f->org, "工作动态", "2019-06-01", 2);
	assert_int_equal(db_commit(f->db), 0);
	f->c = (struct rpub_ctx){ .db = f->db, .a = &f->a, .org = &f->org, .user_id = f->user_id, .now = NOW,
				  .today = D("2021-01-10"), .files_dir = f->files };
	*state = f;
	return 0;
}

static void rm_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	arena_release(&f->a);
	rm_tree(f->dir);
	test_free(f);
	return 0;
}

static const struct report_fact *find_fact(const struct report_figures *fig, const char *key)
{
	for (size_t i = 0; i < fig->nfacts; i++)
		if (strcmp(fig->facts[i].key, key) == 0)
			return &fig->facts[i];
	return NULL;
}

/* Does a paragraph of the document contain s? */
static bool doc_has(const struct report_doc *d, const char *s)
{
	for (size_t i = 0; i < d->nblocks; i++)
		if (d->blocks[i].kind == RB_PARA && d->blocks[i].text && strstr(d->blocks[i].text, s))
			return true;
	return false;
}

static struct rpub_input input_of(const char *overview, const char *problems, const char *other)
{
	struct rpub_input in = { .text = { overview, problems, other }, .note = "测试" };

	return in;
}

/* ---- tokens ---- */

static void test_tokens(void **state)
{
	struct fx *f = *state;
	struct report_fact facts[] = {
		{ .key = "catalog", .section = "一", .text = "2020年，主动公开政府信息11条。" },
		{ .key = "fees", .section = "六", .text = "未收取信息处理费。" },
	};
	struct report_figures fig = { .facts = facts, .nfacts = 2 };
	const char *out, **unk;
	size_t nu;

	assert_string_equal(rpub_token(&f->a, "catalog"), "【事实：catalog】");
	assert_int_equal(rpub_insert_token(&f->a, "", "catalog", &out), 0);
	assert_string_equal(out, "【事实：catalog】");
	assert_int_equal(rpub_insert_token(&f->a, NULL, "catalog", &out), 0);
	assert_string_equal(out, "【事实：catalog】");
	assert_int_equal(rpub_insert_token(&f->a, "  我局坚持公开。\n\n\n", "fees", &out), 0);
	assert_string_equal(out, "  我局坚持公开。\n\n【事实：fees】");

	assert_int_equal(rpub_expand(&f->a, "前言。\n\n【事实：catalog】\n\n【事实:fees】后记【事实：nosuch】【事实：nosuch】",
				     &fig, &out, &unk, &nu), 0);
	assert_string_equal(out, "前言。\n\n2020年，主动公开政府信息11条。\n\n未收取信息处理费。后记【事实：nosuch】【事实：nosuch】");
	assert_int_equal(nu, 1);
	assert_string_equal(unk[0], "nosuch");
	/* what is not a whole token is text */
	assert_int_equal(rpub_expand(&f->a, "【注】【事实：catalog【事实：】【事实】末尾【事实", &fig, &out, &unk, &nu), 0);
	assert_string_equal(out, "【注】【事实：catalog【事实：】【事实】末尾【事实");
	assert_int_equal(nu, 0);
	/* without figures every token is unknown */
	assert_int_equal(rpub_expand(&f->a, "【事实：catalog】", NULL, &out, &unk, &nu), 0);
	assert_string_equal(out, "【事实：catalog】");
	assert_int_equal(nu, 1);
}

/* ---- drafts and versions ---- */

static void test_versions(void **state)
{
	struct fx *f = *state;
	struct report_rec rep;
	struct report_version v, *vers;
	struct rpub_input in = input_of("第一稿。\r\n第二行。\r\n", "", "");
	const char *msg = NULL;
	size_t n;

	assert_int_equal(rpub_create(&f->c, 2018, &rep, &msg), ERR_INVALID);
	assert_chinese(msg);
	assert_int_equal(rpub_create(&f->c, 2021, &rep, &msg), ERR_INVALID); /* not over yet on 2021-01-10 */
	assert_int_equal(rpub_create(&f->c, 2020, &rep, &msg), 0);
	assert_int_equal(rep.version, 1);
	assert_int_equal(rpub_create(&f->c, 2020, &rep, &msg), ERR_CONFLICT);
	assert_chinese(msg);

	assert_int_equal(rpub_save(&f->c, 2020, 1, &in, &v, &msg), 0);
	assert_int_equal(v.version, 2);
	/* someone else saved version 2 meanwhile: a save on version 1 is refused, nothing stored */
	in = input_of("另一个人的稿子。", "", "");
	assert_int_equal(rpub_save(&f->c, 2020, 1, &in, &v, &msg), ERR_CONFLICT);
	assert_chinese(msg);
	in = input_of("第三稿。", "问题。", "其他。");
	in.items_prev[0] = 12;
	in.items_delta[0] = -3;
	assert_int_equal(rpub_save(&f->c, 2020, 2, &in, &v, &msg), 0);
	assert_int_equal(v.version, 3);
	/* bad input */
	in.items_delta[0] = -13;
	assert_int_equal(rpub_save(&f->c, 2020, 3, &in, &v, &msg), ERR_INVALID);
	assert_chinese(msg);
	in.items_delta[0] = -3;
	assert_int_equal(rpub_save(&f->c, 2019, 1, &in, &v, &msg), ERR_NOT_FOUND);

	assert_int_equal(rpub_load(&f->c, 2020, 0, &rep, &v), 0);
	assert_int_equal(rep.version, 3);
	assert_string_equal(rep.status, "draft");
	assert_string_equal(v.overview, "第三稿。");
	assert_string_equal(v.problems, "问题。");
	assert_int_equal(v.items_prev[0], 12);
	assert_int_equal(v.items_delta[0], -3);
	assert_int_equal(rpub_load(&f->c, 2020, 2, &rep, &v), 0);
	assert_string_equal(v.overview, "第一稿。\n第二行。"); /* CRLF stored as LF, no trailing blank */
	assert_int_equal(rpub_load(&f->c, 2020, 1, &rep, &v), 0);
	assert_string_equal(v.overview, "");
	assert_int_equal(rpub_load(&f->c, 2020, 4, &rep, &v), ERR_NOT_FOUND);

	assert_int_equal(store_rpt_versions(f->db, &f->a, f->org.id, rep.id, &vers, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(vers[0].version, 3);
	assert_int_equal(vers[2].version, 1);
	assert_string_equal(vers[0].created_by_name, "沈丽");
	assert_string_equal(vers[0].note, "测试");
	assert_null(vers[0].overview);
}

/* ---- the document ---- */

static void test_build_expands_tokens(void **state)
{
	struct fx *f = *state;
	struct report_figures fig;
	const struct report_fact *cat;
	struct report_version v;
	struct report_rec rep;
	struct rpub_built b;
	struct rpub_input in;
	const char *msg = NULL, *text;
	bool unknown_found = false;

	assert_int_equal(report_figures_build(f->db, &f->a, &f->org, 2020, &fig, &msg), 0);
	assert_non_null(cat = find_fact(&fig, "catalog"));
	assert_non_null(strstr(cat->text, "11条"));
	assert_non_null(strstr(cat->text, "政策文件4条"));
	assert_int_equal(rpub_create(&f->c, 2020, &rep, &msg), 0);
	assert_int_equal(rpub_insert_token(&f->a, "我局全面推进政务公开。", "catalog", &text), 0);
	in = input_of(text, "", "");
	assert_int_equal(rpub_save(&f->c, 2020, 1, &in, &v, &msg), 0);
	assert_int_equal(rpub_build(&f->c, 2020, &v, true, &b, &msg), 0);
	assert_true(doc_has(&b.doc, "我局全面推进政务公开。"));
	assert_true(doc_has(&b.doc, cat->text));
	assert_false(doc_has(&b.doc, "【事实"));
	assert_int_equal(b.nerrors, 0);

	/* the sentence follows the records */
	assert_int_equal(db_begin(f->db), 0);
	publish_items(f, &f->org, "政策文件", "2020-09-09", 1);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(rpub_build(&f->c, 2020, &v, false, &b, &msg), 0);
	assert_true(doc_has(&b.doc, "主动公开政府信息12条"));
	assert_true(doc_has(&b.doc, "政策文件5条"));

	/* a token the records do not support is an error of the check */
	in = input_of("【事实：nosuch】", "", "【事实：catalog】");
	assert_int_equal(rpub_save(&f->c, 2020, 2, &in, &v, &msg), 0);
	assert_int_equal(rpub_build(&f->c, 2020, &v, true, &b, &msg), 0);
	assert_true(b.nerrors >= 1);
	for (size_t i = 0; i < b.nerrors; i++) {
		assert_int_equal(b.issues[i].severity, REPORT_ERROR);
		if (strstr(b.issues[i].msg, "【事实：nosuch】")) {
			unknown_found = true;
			assert_non_null(strstr(b.issues[i].where, "第一部分"));
			assert_chinese(b.issues[i].msg);
		}
	}
	for (size_t i = b.nerrors; i < b.nissues; i++)
		assert_int_equal(b.issues[i].severity, REPORT_WARNING);
	assert_true(unknown_found);
	assert_true(doc_has(&b.doc, "主动公开政府信息12条")); /* in 六, where it was put */
}

/* ---- publication ---- */

static void assert_file(struct fx *f, const struct attachment *at)
{
	char path[512];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%.2s/%s", f->files, at->sha256, at->sha256);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((long long)sb.st_size, at->size);
	assert_true(at->size > 100);
}

static void test_publish_gate(void **state)
{
	struct fx *f = *state;
	struct report_rec rep;
	struct report_version v;
	struct rpub_result res;
	struct rpub_input in = input_of("【事实：nosuch】", "", "");
	struct item it;
	struct attachment *atts;
	struct category cat;
	size_t na;
	const char *msg = NULL;

	assert_int_equal(rpub_create(&f->c, 2020, &rep, &msg), 0);
	assert_int_equal(rpub_save(&f->c, 2020, 1, &in, &v, &msg), 0);
	/* errors block publication */
	assert_int_equal(rpub_publish(&f->c, 2020, 2, NULL, &res, &msg), ERR_INVALID);
	assert_chinese(msg);
	assert_non_null(strstr(msg, "【事实：nosuch】"));
	assert_true(res.built.nerrors >= 1);
	/* a stale version is refused before anything else */
	assert_int_equal(rpub_publish(&f->c, 2020, 1, "理由写得足够长了吧，十个字以上", &res, &msg), ERR_CONFLICT);
	/* a reason under ten characters is not enough */
	assert_int_equal(rpub_publish(&f->c, 2020, 2, "  太短了  ", &res, &msg), ERR_INVALID);
	assert_chinese(msg);
	assert_int_equal(rpub_load(&f->c, 2020, 0, &rep, &v), 0);
	assert_string_equal(rep.status, "draft");
	assert_int_equal(rep.item_id, 0);
	/* with a reason it goes out, and the reason is recorded */
	assert_int_equal(rpub_publish(&f->c, 2020, 2, " 上级要求今日公开，标记错误下一版改正。 ", &res, &msg), 0);
	assert_true(res.overridden);
	assert_false(res.republished);
	assert_non_null(res.index_no);
	assert_int_equal(rpub_load(&f->c, 2020, 0, &rep, &v), 0);
	assert_string_equal(rep.status, "published");
	assert_int_equal(rep.published_version, 2);
	assert_string_equal(rep.override_reason, "上级要求今日公开，标记错误下一版改正。");
	assert_string_equal(v.override_reason, "上级要求今日公开，标记错误下一版改正。");
	assert_non_null(v.published_at);
	assert_true(rep.check_errors >= 1);
	assert_string_equal(rep.first_published_on, "2021-01-10");
	assert_string_equal(rep.published_by_name, "沈丽");
	assert_int_equal(rep.fig.items, 11);
	assert_int_equal(rep.item_id, res.item_id);

	/* the catalog item: 报告统计, published with a 索引号, the HTML body, two files */
	assert_int_equal(store_item_get(f->db, &f->a, f->org.id, res.item_id, &it), 0);
	assert_int_equal(store_category_by_name(f->db, &f->a, f->org.id, "报告统计", &cat), 0);
	assert_int_equal(it.category_id, cat.id);
	assert_string_equal(it.status, "published");
	assert_string_equal(it.index_no, res.index_no);
	assert_string_equal(it.title, "桐乡市教育局2020年政府信息公开工作年度报告");
	assert_non_null(it.body_html);
	assert_non_null(strstr(it.body_html, "<table"));
	assert_non_null(strstr(it.body_html, "二、主动公开政府信息情况"));
	assert_non_null(strstr(it.body_text, "主动公开"));
	assert_int_equal(store_attachment_list(f->db, &f->a, f->org.id, it.id, &atts, &na), 0);
	assert_int_equal(na, 2);
	assert_string_equal(atts[0].filename, "桐乡市教育局2020年政府信息公开工作年度报告.docx");
	assert_string_equal(atts[0].mime, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(atts[1].filename, "桐乡市教育局2020年政府信息公开工作年度报告.pdf");
	assert_string_equal(atts[1].mime, "application/pdf");
	assert_file(f, &atts[0]);
	assert_file(f, &atts[1]);

	/* the same version again: nothing to publish */
	assert_int_equal(rpub_publish(&f->c, 2020, 2, NULL, &res, &msg), ERR_CONFLICT);
	assert_chinese(msg);
}

static void test_publish_clean_and_republish(void **state)
{
	struct fx *f = *state;
	struct report_rec rep;
	struct report_version v;
	struct rpub_result res;
	struct rpub_input in;
	struct item first, it;
	struct attachment *atts;
	size_t na;
	const char *msg = NULL, *text;

	assert_int_equal(rpub_create(&f->c, 2020, &rep, &msg), 0);
	/* an empty draft: the ready sentences, and a clean check */
	assert_int_equal(rpub_publish(&f->c, 2020, 1, NULL, &res, &msg), 0);
	assert_false(res.overridden);
	assert_int_equal(res.built.nerrors, 0);
	assert_int_equal(store_item_get(f->db, &f->a, f->org.id, res.item_id, &first), 0);
	assert_int_equal(rpub_load(&f->c, 2020, 0, &rep, &v), 0);
	assert_null(rep.override_reason);
	assert_int_equal(rep.check_errors, 0);

	/* a corrected version updates the same item: same 索引号, new body, files replaced */
	assert_int_equal(rpub_insert_token(&f->a, "更正后的总体情况。", "catalog", &text), 0);
	in = input_of(text, "", "");
	assert_int_equal(rpub_save(&f->c, 2020, 1, &in, &v, &msg), 0);
	f->c.today = D("2021-02-03");
	assert_int_equal(rpub_publish(&f->c, 2020, 2, NULL, &res, &msg), 0);
	assert_true(res.republished);
	assert_int_equal(res.item_id, first.id);
	assert_int_equal(store_item_get(f->db, &f->a, f->org.id, res.item_id, &it), 0);
	assert_string_equal(it.index_no, first.index_no);
	assert_string_equal(it.status, "published");
	assert_true(it.version > first.version);
	assert_non_null(strstr(it.body_html, "更正后的总体情况。"));
	assert_null(strstr(first.body_html, "更正后的总体情况。"));
	assert_int_equal(store_attachment_list(f->db, &f->a, f->org.id, it.id, &atts, &na), 0);
	assert_int_equal(na, 2);
	assert_file(f, &atts[0]);
	assert_file(f, &atts[1]);
	assert_int_equal(rpub_load(&f->c, 2020, 0, &rep, &v), 0);
	assert_int_equal(rep.published_version, 2);
	assert_string_equal(rep.first_published_on, "2021-01-10"); /* the first publication counts for the deadline */
}

static void test_publish_needs_category(void **state)
{
	struct fx *f = *state;
	struct report_rec rep;
	struct rpub_result res;
	struct category cat;
	const char *msg = NULL;

	assert_int_equal(store_category_by_name(f->db, &f->a, f->org.id, "报告统计", &cat), 0);
	assert_int_equal(store_category_delete(f->db, f->org.id, cat.id), 0);
	assert_int_equal(rpub_create(&f->c, 2020, &rep, &msg), 0);
	assert_int_equal(rpub_publish(&f->c, 2020, 1, NULL, &res, &msg), ERR_INVALID);
	assert_non_null(strstr(msg, "报告统计"));
	assert_int_equal(rpub_load(&f->c, 2020, 0, &rep, &(struct report_version){ 0 }), 0);
	assert_string_equal(rep.status, "draft");
}

/* ---- the platform view ---- */

static void test_platform(void **state)
{
	struct fx *f = *state;
	struct org city, a, b, c, *kids;
	struct rpub_ctx ca, cb;
	struct report_rec rep;
	struct report_version v;
	struct rpub_result res;
	struct rpub_row *rows;
	struct report_keyfig total;
	struct rpub_input in = input_of("【事实：nosuch】", "", "");
	size_t n;
	bool has;
	const char *msg = NULL;

	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "city", "桐乡市人民政府", "agency", 0, &city);
	insert_org(f, "city-a", "甲局", "agency", city.id, &a);
	insert_org(f, "city-b", "乙局", "agency", city.id, &b);
	insert_org(f, "city-c", "丙局", "agency", city.id, &c);
	publish_items(f, &a, "工作动态", "2020-05-05", 3);
	publish_items(f, &b, "工作动态", "2020-05-05", 5);
	publish_items(f, &c, "公告公示", "2020-07-07", 2);
	publish_items(f, &c, "公告公示", "2021-07-07", 9); /* another year */
	assert_int_equal(db_commit(f->db), 0);

	assert_int_equal(store_rpt_has_children(f->db, &city, &has), 0);
	assert_true(has);
	assert_int_equal(store_rpt_has_children(f->db, &a, &has), 0);
	assert_false(has);
	/* the platform's children: the agencies without a parent */
	assert_int_equal(store_rpt_children(f->db, &f->a, &f->platform, &kids, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(kids[0].slug, "city"); /* by name: 桐乡市人民政府 before 桐乡市教育局 */
	assert_string_equal(kids[1].slug, "tongxiang-edu");

	/* 甲局 published on time, 乙局 has a draft with an error, 丙局 nothing */
	ca = f->c;
	ca.org = &a;
	ca.today = D("2021-01-29");
	assert_int_equal(rpub_create(&ca, 2020, &rep, &msg), 0);
	assert_int_equal(rpub_publish(&ca, 2020, 1, NULL, &res, &msg), 0);
	cb = f->c;
	cb.org = &b;
	assert_int_equal(rpub_create(&cb, 2020, &rep, &msg), 0);
	assert_int_equal(rpub_save(&cb, 2020, 1, &in, &v, &msg), 0);
	/* records change after 甲局 published: its row keeps the published figures */
	assert_int_equal(db_begin(f->db), 0);
	publish_items(f, &a, "工作动态", "2020-12-31", 100);
	assert_int_equal(db_commit(f->db), 0);

	assert_int_equal(rpub_platform(f->db, &f->a, &city, 2020, D("2021-02-15"), &rows, &n, &total, &msg), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].org.name, "丙局");
	assert_string_equal(rows[1].org.name, "乙局");
	assert_string_equal(rows[2].org.name, "甲局");
	/* 丙局 */
	assert_int_equal(rows[0].rep.id, 0);
	assert_int_equal(rows[0].errors, -1);
	assert_int_equal(rows[0].timeliness, RPUB_OVERDUE);
	assert_int_equal(rows[0].fig.items, 2);
	assert_false(rows[0].figures_published);
	/* 乙局 */
	assert_string_equal(rows[1].rep.status, "draft");
	assert_true(rows[1].errors >= 1);
	assert_int_equal(rows[1].timeliness, RPUB_OVERDUE);
	assert_int_equal(rows[1].fig.items, 5);
	/* 甲局 */
	assert_string_equal(rows[2].rep.status, "published");
	assert_int_equal(rows[2].errors, 0);
	assert_int_equal(rows[2].timeliness, RPUB_ON_TIME);
	assert_string_equal(rows[2].rep.first_published_on, "2021-01-29");
	assert_true(rows[2].figures_published);
	assert_int_equal(rows[2].fig.items, 3);
	assert_false(rows[2].draft_newer);
	/* the total row */
	assert_int_equal(total.items, 10);
	assert_int_equal(total.app_new, 0);
	assert_int_equal(total.reviews, 0);

	/* before the deadline nothing is overdue yet; a late publication is late */
	assert_int_equal(rpub_platform(f->db, &f->a, &city, 2020, D("2021-01-20"), &rows, &n, &total, &msg), 0);
	assert_int_equal(rows[0].timeliness, RPUB_NOT_DUE);
	cb.today = D("2021-03-01");
	assert_int_equal(rpub_publish(&cb, 2020, 2, "上级要求先公开，错误在下一版改正。", &res, &msg), 0);
	assert_int_equal(rpub_platform(f->db, &f->a, &city, 2020, D("2021-03-02"), &rows, &n, &total, &msg), 0);
	assert_int_equal(rows[1].timeliness, RPUB_LATE);
	assert_true(rows[1].errors >= 1);

	assert_int_equal(rpub_platform(f->db, &f->a, &city, 2018, D("2021-03-02"), &rows, &n, &total, &msg),
			 ERR_INVALID);
	assert_chinese(msg);
}

/* The cost of the platform view: a few hundred children, each with a few
 * items, a third with a draft (built and checked), a third published. */
static void test_platform_cost(void **state)
{
	struct fx *f = *state;
	enum { KIDS = 300 };
	struct org city, kid;
	struct rpub_row *rows;
	struct report_keyfig total;
	struct timespec t0, t1;
	struct rpub_ctx c = f->c;
	struct report_rec rep;
	struct rpub_result res;
	const char *msg = NULL;
	size_t n;
	double ms;

	assert_int_equal(db_begin(f->db), 0);
	insert_org(f, "city", "市政府", "agency", 0, &city);
	assert_int_equal(db_commit(f->db), 0);
	for (int i = 0; i < KIDS; i++) {
		char slug[32], name[64];

		snprintf(slug, sizeof(slug), "kid-%03d", i);
		snprintf(name, sizeof(name), "下级机构%03d", i);
		assert_int_equal(db_begin(f->db), 0);
		insert_org(f, slug, name, "agency", city.id, &kid);
		publish_items(f, &kid, "工作动态", "2020-05-05", 1 + i % 5);
		assert_int_equal(db_commit(f->db), 0);
		c.org = &kid;
		if (i % 3 != 0)
			assert_int_equal(rpub_create(&c, 2020, &rep, &msg), 0);
		if (i % 3 == 2)
			assert_int_equal(rpub_save(&c, 2020, 1, &(struct rpub_input){ .text = { "【事实：catalog】" } },
						   NULL, &msg),
					 0);
		if (i % 30 == 1)
			assert_int_equal(rpub_publish(&c, 2020, 1, NULL, &res, &msg), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(rpub_platform(f->db, &f->a, &city, 2020, D("2021-02-15"), &rows, &n, &total, &msg), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("platform view of %d children: %.0f ms (%.2f ms per child)\n", KIDS, ms, ms / KIDS);
	assert_int_equal(n, KIDS);
	assert_true(total.items == (long long)(KIDS / 5) * (1 + 2 + 3 + 4 + 5));
	/* the target is 1,000 agencies in 10 s: 3 s for 300, with room for the sanitizer build */
	assert_true(ms < 3000.0 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_expands_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_clean_and_republish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_needs_category, setup, teardown),
		cmocka_unit_test_setup_teardown(test_platform, setup, teardown),
		cmocka_unit_test_setup_teardown(test_platform_cost, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
