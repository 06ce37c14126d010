/* h_item_review.c - 先审后发 on the staff item page: submit, approve (one
 * or two levels), return, withdraw, correct, clear a scanner finding; the
 * review history and the findings; the public page of a replaced version;
 * the agency's word lists for the scanner. The rules are in
 * domain/catalog/review.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "domain/catalog/catalog.h"
#include "domain/catalog/review.h"
#include "domain/safety/scan.h"
#include "http/h_items.h"
#include "domain/channels/outbox.h"
#include "http/http.h"
#include "http/static_site.h"
#include "render/markdown.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/item_review.h"
#include "store/store.h"
#include "core/banned.h"

static const char *decision_label(const char *d)
{
	static const char *const codes[] = { "submit", "approve", "return", "withdraw", "correct", "clear" };
	static const char *const labels[] = { "提交审核", "审核通过", "退回修改", "撤回", "更正发布", "排除安全检查结果" };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i], d) == 0)
			return labels[i];
	return d;
}

static struct review_actor actor(struct req *r)
{
	return (struct review_actor){ .user_id = r->user.id, .admin = req_can(r, PERM_ADMIN),
				      .files_dir = r->app->files_dir };
}

bool item_locked_or_respond(struct req *r, const struct item *it)
{
	if (strcmp(it->status, "pending") == 0) {
		item_form(r, 409, it, "待审核的信息不能修改：请审核员先退回修改。", NULL);
		return true;
	}
	if (strcmp(it->status, "published") == 0) {
		item_form(r, 409, it, "已发布的信息不能直接修改：请使用“更正”，更正稿经审核发布后替换原文，原文保留在历史版本中。",
			  NULL);
		return true;
	}
	return false;
}

int item_review_fill(struct req *r, const struct item *it, struct tv *ctx, struct tv *m)
{
	struct item_review *h;
	struct safety_row *f;
	size_t nh, nf;
	long long blocking = 0, draft = 0;
	bool edit = req_can(r, PERM_EDIT), review = req_can(r, PERM_PUBLISH);
	bool pending = strcmp(it->status, "pending") == 0, published = strcmp(it->status, "published") == 0;
	bool draftish = strcmp(it->status, "draft") == 0 || strcmp(it->status, "withdrawn") == 0;
	struct tv *l;
	int rc;

	if ((rc = store_item_review_list(req_db(r), &r->arena, r->org.id, it->id, &h, &nh)) ||
	    (rc = store_safety_list(req_db(r), &r->arena, r->org.id, it->id, &f, &nf)) ||
	    (rc = store_safety_blocking(req_db(r), r->org.id, it->id, &blocking)))
		return rc;
	if (published && (rc = store_item_correction_of(req_db(r), r->org.id, it->id, &draft)))
		return rc;
	tv_set_bool(m, "editable", edit && draftish);
	tv_set_bool(m, "can_submit", edit && draftish);
	tv_set_bool(m, "can_review", review && pending);
	tv_set_bool(m, "can_withdraw", review && published);
	tv_set_bool(m, "can_correct", edit && published && !it->corrects_id);
	tv_set_bool(m, "can_clear", review && (pending || draftish));
	tv_set_int(m, "review_levels", it->review_levels);
	tv_set_bool(m, "two_levels", it->review_levels > 1);
	tv_set_int(m, "next_level", it->review_level + 1);
	tv_set_int(m, "blocking", blocking);
	tv_set_bool(m, "approve_publishes", it->review_level + 1 >= it->review_levels);
	if (draft)
		tv_set_str(m, "correction_url", arena_printf(&r->arena, "/admin/o/%s/items/%lld", r->org.slug, draft));
	if (it->corrects_id)
		tv_set_str(m, "corrects_url", arena_printf(&r->arena, "/admin/o/%s/items/%lld", r->org.slug,
							   it->corrects_id));
	l = tv_set_list(m, "history");
	for (size_t i = 0; i < nh; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_str(e, "at", h[i].at);
		tv_set_str(e, "who", h[i].username);
		tv_set_str(e, "decision", decision_label(h[i].decision));
		if (strcmp(h[i].decision, "approve") == 0 && it->review_levels > 1)
			tv_set_str(e, "level", h[i].level == 1 ? "一级" : "二级");
		tv_set_str(e, "comment", h[i].comment);
	}
	tv_set_bool(m, "has_history", nh > 0);
	l = tv_set_list(m, "findings");
	for (size_t i = 0; i < nf; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_int(e, "id", f[i].id);
		tv_set_str(e, "kind", f[i].kind);
		tv_set_str(e, "place", f[i].place);
		tv_set_str(e, "excerpt", f[i].excerpt);
		tv_set_str(e, "hint", f[i].hint);
		tv_set_bool(e, "stale", f[i].stale);
		tv_set_bool(e, "cleared", f[i].cleared_at != NULL);
		tv_set_bool(e, "open", !f[i].stale && !f[i].cleared_at);
		tv_set_str(e, "cleared_by", f[i].cleared_name);
		tv_set_str(e, "cleared_at", f[i].cleared_at);
		tv_set_str(e, "reason", f[i].reason);
	}
	tv_set_bool(m, "has_findings", nf > 0);
	(void)ctx;
	return item_versions_ctx(r, m, it);
}

int item_versions_ctx(struct req *r, struct tv *m, const struct item *it)
{
	struct item_version *v;
	size_t nv;
	struct tv *l;
	int rc;

	if ((rc = store_item_version_list(req_db(r), &r->arena, r->org.id, it->id, &v, &nv)))
		return rc;
	tv_set_bool(m, "has_versions", nv > 0);
	l = tv_set_list(m, "versions");
	for (size_t i = 0; i < nv; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_int(e, "version", v[i].version);
		tv_set_str(e, "replaced_on", v[i].replaced_on);
		tv_set_str(e, "reason", v[i].reason);
		tv_set_str(e, "url", arena_printf(&r->arena, "/o/%s/items/%lld/versions/%d", r->org.slug, it->id,
						  v[i].version));
	}
	return 0;
}

/* GET /o/{org}/items/{id}/versions/{id2}: a version a correction replaced. */
int page_item_version(struct req *r, struct page *p)
{
	struct item it;
	struct item_version v;
	struct safe_html body;
	struct tv *ctx, *m;
	int rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);

	if (rc == ERR_NOT_FOUND || (rc == 0 && strcmp(it.status, "published") != 0))
		return page_error(p, 404, "该信息不存在或已撤回。");
	if (rc)
		return rc ? rc : ERR_INTERNAL;
	if (r->id2 <= 0 || r->id2 > 1000000)
		return page_error(p, 404, "该历史版本不存在。");
	rc = store_item_version_get(req_db(r), &r->arena, r->org.id, it.id, (int)r->id2, &v);
	if (rc == ERR_NOT_FOUND)
		return page_error(p, 404, "该历史版本不存在。");
	if (rc || (rc = markdown_to_html(&r->arena, v.body_md, strlen(v.body_md), &body)))
		return rc ? rc : ERR_INTERNAL;
	ctx = page_ctx(r, v.title);
	m = tv_set_map(ctx, "v");
	tv_set_int(m, "version", v.version);
	tv_set_str(m, "index_no", v.index_no);
	tv_set_str(m, "title", v.title);
	tv_set_str(m, "doc_no", v.doc_no);
	tv_set_str(m, "publisher", v.publisher);
	tv_set_str(m, "written_on", v.written_on);
	tv_set_str(m, "published_on", v.published_on);
	tv_set_str(m, "category", v.category);
	tv_set_str(m, "topic", v.topic);
	tv_set_str(m, "validity", v.validity);
	tv_set_str(m, "summary", v.summary);
	tv_set_str(m, "attachments", v.attachments);
	tv_set_str(m, "replaced_on", v.replaced_on);
	tv_set_str(m, "reason", v.reason);
	tv_set_html(m, "body", body);
	tv_set_str(m, "current_url", arena_printf(&r->arena, "/o/%s/items/%lld", r->org.slug, it.id));
	return page_html(p, "item_version", ctx);
}

int h_item_version(struct req *r)
{
	struct page p;
	int rc = page_item_version(r, &p);

	return respond_page(r, rc, &p);
}

/* After a publication, correction or withdrawal committed: the static
 * pages it changes (serve --static). A failure does not undo anything: it
 * is logged and shown to the staff member, and publish-static --all
 * repairs. Returns the warning, or NULL. */
static const char *static_after(struct req *r, const char *action, bool published, long long item_id)
{
	if (!r->app->site || !(strcmp(action, "withdraw") == 0 || published))
		return NULL;
	return static_after_change(r, item_id, 0);
}

/* POST /admin/o/{org}/items/{id}/action */
int h_admin_item_action(struct req *r)
{
	const char *action = param_str(r, "action"), *comment = param_str(r, "comment"), *msg = NULL, *notice = NULL;
	const char *index_no = NULL;
	struct review_actor who = actor(r);
	struct item it;
	long long blocking = 0, target = r->id;
	bool published = false;
	char now[21];
	int rc;

	if (!action)
		return respond_error(r, 400, "缺少操作。");
	time_format_utc(time(NULL), now);
	rc = store_item_get(req_db(r), &r->arena, r->org.id, r->id, &it);
	if (rc == ERR_NOT_FOUND)
		return respond_error(r, 404, "该信息不存在。");
	if (rc)
		return respond_server_error(r, rc);
	if (strcmp(action, "submit") == 0) {
		if (!req_can_or_respond(r, PERM_EDIT))
			return 0;
		rc = catalog_review_submit(req_db(r), &r->arena, &r->org, r->id, &who, comment, now, &blocking, &msg);
		notice = blocking ? arena_printf(&r->arena, "已提交审核。安全检查发现 %lld 处疑似问题，请审核员逐条核实。",
						 blocking)
				  : "已提交审核。";
	} else if (strcmp(action, "approve") == 0 || strcmp(action, "publish") == 0) {
		if (!req_can_or_respond(r, PERM_PUBLISH))
			return 0;
		rc = catalog_review_approve(req_db(r), &r->arena, &r->org, r->id, &who, comment, now, &published,
					    &index_no, &target, &msg);
		notice = published ? (it.corrects_id ? "更正已发布，原文保留在历史版本中。" : "审核通过，已发布。")
				   : "一级审核通过，待二级审核。";
	} else if (strcmp(action, "return") == 0) {
		if (!req_can_or_respond(r, PERM_PUBLISH))
			return 0;
		rc = catalog_review_return(req_db(r), &r->arena, &r->org, r->id, &who, comment, now, &msg);
		notice = "已退回修改。";
	} else if (strcmp(action, "withdraw") == 0) {
		if (!req_can_or_respond(r, PERM_PUBLISH))
			return 0;
		rc = catalog_review_withdraw(req_db(r), &r->arena, &r->org, r->id, &who, comment, now, &msg);
		notice = "已撤回。";
	} else if (strcmp(action, "correct") == 0) {
		long long draft = 0;

		if (!req_can_or_respond(r, PERM_EDIT))
			return 0;
		rc = catalog_review_correct(req_db(r), &r->arena, &r->org, r->id, &who, now, &draft, &msg);
		if (rc == 0)
			return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/items/%lld", r->org.slug, draft));
	} else if (strcmp(action, "clear") == 0) {
		if (!req_can_or_respond(r, PERM_PUBLISH))
			return 0;
		rc = catalog_review_clear(req_db(r), &r->arena, &r->org, r->id, param_int(r, "finding", 0), &who, comment,
					  now, &msg);
		notice = "已排除该检查结果。";
	} else {
		return respond_error(r, 400, "未知的操作。");
	}
	if (rc == ERR_NOT_FOUND && !msg)
		return respond_error(r, 404, "该信息不存在。");
	if (rc == ERR_CONFLICT && !msg)
		msg = "该信息当前的状态不允许此操作，请刷新后重试。";
	if (rc && rc != ERR_INVALID && rc != ERR_DENIED && rc != ERR_CONFLICT && rc != ERR_NOT_FOUND)
		return respond_server_error(r, rc);
	if ((rc == 0 || msg) && store_item_get(req_db(r), &r->arena, r->org.id, target, &it) == 0) {
		if (rc)
			return item_form(r, rc == ERR_INVALID ? 400 : rc == ERR_DENIED ? 403 : rc == ERR_NOT_FOUND ? 404 : 409,
					 &it, msg, NULL);
		log_info("item %lld %s by %s%s%s", r->id, action, r->user.username, index_no ? " as " : "",
			 index_no ? index_no : "");
		/* deliveries queued in the transaction: send them now, not at the next look */
		outbox_wake(r->app->outbox);
		return item_form(r, 200, &it, static_after(r, action, published, target), notice);
	}
	return respond_server_error(r, rc ? rc : ERR_INTERNAL);
}

/* ---- the word lists (敏感词, 严重表述错误) ---- */

static int words_page(struct req *r, int status, const char *words, const char *error, const char *notice)
{
	struct tv *ctx = page_ctx(r, "安全检查词表");

	tv_set_str(ctx, "words", words);
	tv_set_str(ctx, "error", error);
	tv_set_str(ctx, "notice", notice);
	return respond_html(r, status, "admin_safety_words", ctx);
}

int h_admin_safety_words(struct req *r)
{
	const char *words;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if ((rc = store_org_safety_words(req_db(r), &r->arena, r->org.id, &words)))
		return respond_server_error(r, rc);
	return words_page(r, 200, words, NULL, NULL);
}

int h_admin_safety_words_save(struct req *r)
{
	const char *words = param_str(r, "words"), *err = NULL;
	struct safety_words parsed;
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 0;
	if (!words)
		words = "";
	if (!utf8_text_ok(words, 200000))
		return words_page(r, 400, "", "词表须为 UTF-8 文本，不超过 20 万字。", NULL);
	if (safety_words_parse(&r->arena, words, &parsed, &err))
		return words_page(r, 400, words, err ? err : "词表格式有误。", NULL);
	if ((rc = store_org_set_safety_words(req_db(r), r->org.id, words)))
		return respond_server_error(r, rc);
	return words_page(r, 200, words, NULL,
			  arena_printf(&r->arena, "已保存：%zu 个词条。新的词表在下次提交或发布时生效。", parsed.n));
}
