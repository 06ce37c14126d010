/* review.c - 先审后发, corrections and the publishing-safety scan of an
 * item. See review.h. */
#include "domain/catalog/review.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "domain/channels/outbox.h"
#include "domain/safety/extract.h"
#include "domain/safety/scan.h"
#include "store/db.h"
#include "store/item_review.h"
#include "store/store.h"
#include "core/banned.h"

#define COMMENT_MAX 500
/* attachments larger than this are not read by the scanner (a finding says so) */
#define SCAN_FILE_MAX (64L * 1024 * 1024)

static int refuse(const char **msg, int rc, const char *text)
{
	*msg = text;
	return rc;
}

static bool comment_ok(const char *c, bool required)
{
	if (!c || !*c)
		return !required;
	return utf8_text_ok(c, COMMENT_MAX);
}

/* ---- the scan ---- */

/* Read a stored attachment (files_dir/xx/<sha256>) into arena memory. */
static int read_stored(struct arena *a, const char *files_dir, const char *sha, char **data, size_t *n)
{
	char path[4096];
	struct stat sb;
	ssize_t got;
	size_t off = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%.2s/%s", files_dir, sha, sha);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ERR_IO;
	if (fstat(fd, &sb) != 0 || sb.st_size > SCAN_FILE_MAX) {
		close(fd);
		return ERR_TOO_LARGE;
	}
	*n = (size_t)sb.st_size;
	if (!(*data = arena_alloc(a, *n + 1))) {
		close(fd);
		return ERR_NOMEM;
	}
	while (off < *n && (got = read(fd, *data + off, *n - off)) > 0)
		off += (size_t)got;
	close(fd);
	if (off != *n)
		return ERR_IO;
	(*data)[*n] = '\0';
	return 0;
}

/* The fingerprint of a finding: SHA-256 of its kind and match, so the same
 * number in the same place is known again on the next scan (and a cleared
 * one stays cleared) without the number being stored. */
static const char *fingerprint(struct arena *a, const struct safety_finding *f)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(a, 2 * sizeof(h) + 1);
	crypto_hash_sha256_state st;
	unsigned char k = (unsigned char)f->kind;

	if (!hex)
		return NULL;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &k, 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)f->match, strlen(f->match));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

static int scan_text(struct db *db, struct arena *a, long long org_id, long long item_id, const char *place,
		     const char *text, const struct safety_words *words, const char *now)
{
	struct safety_finding *f;
	size_t n;
	int rc;

	if (!text || !*text)
		return 0;
	rc = safety_scan(a, text, strlen(text), words, &f, &n);
	if (rc && rc != ERR_TOO_LARGE)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *fp = fingerprint(a, &f[i]);
		int r;

		if (!fp)
			return ERR_NOMEM;
		if ((r = store_safety_upsert(db, org_id, item_id, safety_kind_label(f[i].kind), place,
					     f[i].context ? f[i].context : f[i].masked, f[i].hint, fp, now)))
			return r;
	}
	return 0;
}

int catalog_review_scan(struct db *db, struct arena *a, const struct org *org, long long item_id, const char *files_dir,
			const char *now, long long *blocking)
{
	struct item it;
	struct attachment *att;
	struct safety_words words = { 0 };
	const char *wtext, *werr;
	size_t natt;
	int rc;

	*blocking = 0;
	if ((rc = store_item_get(db, a, org->id, item_id, &it)) || (rc = store_org_safety_words(db, a, org->id, &wtext)))
		return rc;
	/* the list was checked when saved; a list that no longer parses scans without words */
	if (*wtext && safety_words_parse(a, wtext, &words, &werr))
		log_warn("safety: org %lld word list: %s", org->id, werr);
	if ((rc = store_safety_mark_stale(db, org->id, item_id)) ||
	    (rc = scan_text(db, a, org->id, item_id, "标题", it.title, &words, now)) ||
	    (rc = scan_text(db, a, org->id, item_id, "摘要", it.summary, &words, now)) ||
	    (rc = scan_text(db, a, org->id, item_id, "正文", it.body_md, &words, now)) ||
	    (rc = store_attachment_list(db, a, org->id, item_id, &att, &natt)))
		return rc;
	for (size_t i = 0; i < natt; i++) {
		const char *place = arena_printf(a, "附件：%s", att[i].filename), *text = NULL, *err = NULL;
		char *data;
		size_t n;

		if (!place)
			return ERR_NOMEM;
		rc = files_dir ? read_stored(a, files_dir, att[i].sha256, &data, &n) : ERR_IO;
		if (rc == 0)
			rc = safety_extract_text(a, att[i].mime, data, n, &text, &err);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc) {
			/* an image, a scanned PDF, a damaged or oversized file: the
			 * scanner cannot vouch for it, a person must look (the
			 * finding is known again by the file's hash) */
			if ((rc = store_safety_upsert(db, org->id, item_id, "需人工检查", place,
						      err ? err : "附件无法读取，请人工检查其中是否有个人信息。", NULL,
						      att[i].sha256, now)))
				return rc;
			continue;
		}
		if ((rc = scan_text(db, a, org->id, item_id, place, text, &words, now)))
			return rc;
	}
	return store_safety_blocking(db, org->id, item_id, blocking);
}

/* ---- the review steps ---- */

/* Every step: check the comment (required or not), open the transaction
 * and read the item in it. On failure nothing is open. */
static int begin_step(struct db *db, struct arena *a, const struct org *org, long long item_id, const char *comment,
		      bool required, const char *bad_comment, struct item *it, const char **msg)
{
	int rc;

	*msg = NULL;
	if (!comment_ok(comment, required))
		return refuse(msg, ERR_INVALID, bad_comment);
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = store_item_get(db, a, org->id, item_id, it)))
		db_rollback(db);
	return rc;
}

/* Every step's end: commit when rc is 0, else roll back and return rc. */
static int end_step(struct db *db, int rc)
{
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int catalog_review_submit(struct db *db, struct arena *a, const struct org *org, long long item_id,
			  const struct review_actor *who, const char *comment, const char *now, long long *blocking,
			  const char **msg)
{
	struct item it;
	int rc;

	*blocking = 0;
	if ((rc = begin_step(db, a, org, item_id, comment, false, "说明不超过 500 字。", &it, msg)))
		return rc;
	if (strcmp(it.status, "draft") != 0 && strcmp(it.status, "withdrawn") != 0)
		rc = refuse(msg, ERR_CONFLICT, "只有草稿或已撤回的信息可以提交审核。");
	if (!rc && !(rc = store_item_review_state(db, org->id, item_id, "pending", 0, who->user_id, now)) &&
	    !(rc = store_item_review_add(db, org->id, item_id, it.version + 1, 0, "submit", comment, who->user_id, now)))
		rc = catalog_review_scan(db, a, org, item_id, who->files_dir, now, blocking);
	return end_step(db, rc);
}

/* Publish the item (or, for a correction draft, its original). */
static int publish(struct db *db, struct arena *a, const struct org *org, const struct item *it,
		   const struct review_actor *who, const char *comment, const char *now, const char **index_no,
		   long long *result_item)
{
	char today[11];
	int rc;

	date_format(date_today_cn(), today);
	if (!it->corrects_id) {
		*result_item = it->id;
		if ((rc = catalog_publish_in_tx(db, a, org, it->id, now, index_no)) ||
		    (rc = store_item_review_state(db, org->id, it->id, "published", 0, 0, now)))
			return rc;
		/* the channels' deliveries, in the publishing transaction */
		return outbox_enqueue(db, org->id, it->id, "publish", now, NULL);
	}
	/* a correction: the original keeps its 索引号; its old content is kept */
	{
		struct item orig;

		*result_item = it->corrects_id;
		if ((rc = store_item_get(db, a, org->id, it->corrects_id, &orig)))
			return rc;
		if (strcmp(orig.status, "published") != 0)
			return ERR_CONFLICT;
		if ((rc = store_item_version_save(db, org->id, orig.id, today, comment)) ||
		    (rc = store_item_correction_merge(db, org->id, it->id, orig.id, today, now)) ||
		    (rc = store_item_review_add(db, org->id, orig.id, orig.version + 1, 0, "correct", comment,
						who->user_id, now)) ||
		    (rc = outbox_enqueue(db, org->id, orig.id, "correct", now, NULL)))
			return rc;
		*index_no = orig.index_no;
		return 0;
	}
}

int catalog_review_approve(struct db *db, struct arena *a, const struct org *org, long long item_id,
			   const struct review_actor *who, const char *comment, const char *now, bool *published,
			   const char **index_no, long long *result_item, const char **msg)
{
	struct item it;
	long long first = 0, blocking = 0;
	int level, rc;

	*published = false;
	*index_no = NULL;
	*result_item = item_id;
	if ((rc = begin_step(db, a, org, item_id, comment, false, "审核意见不超过 500 字。", &it, msg)))
		return rc;
	level = it.review_level + 1;
	if (strcmp(it.status, "pending") != 0)
		rc = refuse(msg, ERR_CONFLICT, "该信息不在待审核状态。");
	else if (it.submitted_by == who->user_id && !who->admin)
		rc = refuse(msg, ERR_DENIED, "不能审核本人提交的信息，请由其他审核员审核。");
	else if (level == 2 && !(rc = store_item_review_approver(db, org->id, item_id, 1, &first)) &&
		 first == who->user_id)
		rc = refuse(msg, ERR_DENIED, "二级审核须由一级审核以外的审核员进行。");
	if (rc)
		return end_step(db, rc);
	if (level < it.review_levels) {
		if (!(rc = store_item_review_add(db, org->id, item_id, it.version + 1, level, "approve", comment,
						 who->user_id, now)))
			rc = store_item_review_state(db, org->id, item_id, "pending", level, 0, now);
		return end_step(db, rc);
	}
	/* the approval that publishes: scan again, nothing uncleared may remain */
	if ((rc = catalog_review_scan(db, a, org, item_id, who->files_dir, now, &blocking)))
		return end_step(db, rc);
	if (blocking) {
		*msg = arena_printf(a, "安全检查发现 %lld 处问题尚未处理：请逐条核实，审核员注明理由予以排除后再发布，"
				       "或退回修改。", blocking);
		/* keep the findings of this scan; refuse the approval */
		return (rc = end_step(db, 0)) ? rc : ERR_CONFLICT;
	}
	if (!(rc = store_item_review_add(db, org->id, item_id, it.version, level, "approve", comment, who->user_id, now)))
		rc = publish(db, a, org, &it, who, comment, now, index_no, result_item);
	*published = rc == 0;
	return end_step(db, rc);
}

/* A step that moves the item from one status to another with a required
 * comment, recorded as decision. */
static int step(struct db *db, struct arena *a, const struct org *org, long long item_id,
		const struct review_actor *who, const char *comment, const char *now, const char *from,
		const char *to, const char *decision, const char *state_msg, const char **msg)
{
	struct item it;
	int rc;

	if ((rc = begin_step(db, a, org, item_id, comment, true, "请填写理由（不超过 500 字）。", &it, msg)))
		return rc;
	if (strcmp(it.status, from) != 0)
		rc = refuse(msg, ERR_CONFLICT, state_msg);
	if (!rc && !(rc = store_item_review_state(db, org->id, item_id, to, 0, 0, now)))
		rc = store_item_review_add(db, org->id, item_id, it.version + 1, it.review_level, decision, comment,
					   who->user_id, now);
	if (!rc && strcmp(decision, "withdraw") == 0)
		rc = outbox_enqueue(db, org->id, item_id, "withdraw", now, NULL);
	return end_step(db, rc);
}

int catalog_review_return(struct db *db, struct arena *a, const struct org *org, long long item_id,
			  const struct review_actor *who, const char *comment, const char *now, const char **msg)
{
	return step(db, a, org, item_id, who, comment, now, "pending", "draft", "return", "该信息不在待审核状态。", msg);
}

int catalog_review_withdraw(struct db *db, struct arena *a, const struct org *org, long long item_id,
			    const struct review_actor *who, const char *reason, const char *now, const char **msg)
{
	return step(db, a, org, item_id, who, reason, now, "published", "withdrawn", "withdraw",
		    "只有已发布的信息可以撤回。", msg);
}

int catalog_review_correct(struct db *db, struct arena *a, const struct org *org, long long item_id,
			   const struct review_actor *who, const char *now, long long *draft_id, const char **msg)
{
	struct item it;
	int rc;

	*draft_id = 0;
	if ((rc = begin_step(db, a, org, item_id, NULL, false, NULL, &it, msg)))
		return rc;
	if (strcmp(it.status, "published") != 0 || it.corrects_id)
		rc = refuse(msg, ERR_CONFLICT, "只有已发布的信息可以更正。");
	if (!rc && !(rc = store_item_correction_of(db, org->id, item_id, draft_id)) && !*draft_id)
		rc = store_item_correction_create(db, org->id, item_id, who->user_id, now, draft_id);
	return end_step(db, rc);
}

int catalog_review_clear(struct db *db, struct arena *a, const struct org *org, long long item_id,
			 long long finding_id, const struct review_actor *who, const char *reason, const char *now,
			 const char **msg)
{
	struct item it;
	int rc;

	if ((rc = begin_step(db, a, org, item_id, reason, true, "排除一条安全检查结果须注明理由（不超过 500 字）。", &it,
			     msg)))
		return rc;
	rc = store_safety_clear(db, org->id, item_id, finding_id, who->user_id, reason, now);
	if (rc == ERR_NOT_FOUND)
		*msg = "该检查结果不存在或已排除。";
	if (!rc)
		rc = store_item_review_add(db, org->id, item_id, it.version, it.review_level, "clear", reason, who->user_id,
					   now);
	return end_step(db, rc);
}
