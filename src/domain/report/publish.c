/* publish.c - see publish.h. */
#include "domain/report/publish.h"

#include <errno.h>
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
#include "domain/applications/cases.h"
#include "domain/catalog/catalog.h"
#include "domain/platform/platform.h"
#include "render/html.h"
#include "render/markdown.h"
#include "store/db.h"
#include "store/report_store.h"
#include "store/store.h"
#include "core/banned.h"

const char *const rpub_section_codes[RPUB_SECTIONS] = { "一", "五", "六" };
const char *const rpub_section_fields[RPUB_SECTIONS] = { "overview", "problems", "other" };
static const char *const section_names[RPUB_SECTIONS] = {
	"第一部分（总体情况）",
	"第五部分（存在的主要问题及改进情况）",
	"第六部分（其他需要报告的事项）",
};

enum { RENDER_MAX = 64 * 1024 * 1024, KEY_MAX = 64 };

/* ---- fact tokens ---- */

const char *rpub_token(struct arena *a, const char *key)
{
	return arena_printf(a, RPUB_TOKEN_OPEN "%s" RPUB_TOKEN_CLOSE, key);
}

int rpub_insert_token(struct arena *a, const char *text, const char *key, const char **out)
{
	const char *t = text ? text : "";
	size_t n = strlen(t);
	struct buf b;

	/* trim only the end: leading indentation is the clerk's */
	while (n && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	buf_init(&b, a, n + strlen(key) + 64);
	buf_append(&b, t, n);
	if (n)
		buf_puts(&b, "\n\n");
	buf_puts(&b, RPUB_TOKEN_OPEN);
	buf_puts(&b, key);
	buf_puts(&b, RPUB_TOKEN_CLOSE);
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

static bool key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '-' || ch == '.';
}

/* A token at p (< end): its length and key, or 0. */
static size_t token_at(const char *p, const char *end, const char **key, size_t *klen)
{
	static const char open[] = "【事实";
	static const char colon_full[] = "：";
	static const char close[] = RPUB_TOKEN_CLOSE;
	const char *q = p + sizeof(open) - 1, *k;

	if ((size_t)(end - p) < sizeof(open) - 1 || memcmp(p, open, sizeof(open) - 1) != 0)
		return 0;
	if ((size_t)(end - q) >= sizeof(colon_full) - 1 && memcmp(q, colon_full, sizeof(colon_full) - 1) == 0)
		q += sizeof(colon_full) - 1;
	else if (q < end && *q == ':')
		q++;
	else
		return 0;
	k = q;
	while (q < end && key_char(*q) && q - k < KEY_MAX)
		q++;
	if (q == k || (size_t)(end - q) < sizeof(close) - 1 || memcmp(q, close, sizeof(close) - 1) != 0)
		return 0;
	*key = k;
	*klen = (size_t)(q - k);
	return (size_t)(q + sizeof(close) - 1 - p);
}

static const struct report_fact *fact_find(const struct report_figures *fig, const char *key, size_t klen)
{
	if (!fig)
		return NULL;
	for (size_t i = 0; i < fig->nfacts; i++)
		if (fig->facts[i].key && strlen(fig->facts[i].key) == klen && memcmp(fig->facts[i].key, key, klen) == 0)
			return &fig->facts[i];
	return NULL;
}

int rpub_expand(struct arena *a, const char *text, const struct report_figures *fig, const char **out,
		const char ***unknown, size_t *nunknown)
{
	const char *p = text ? text : "", *end = p + strlen(p);
	const char **unk = NULL;
	size_t nu = 0, cap = 0;
	struct buf b;

	buf_init(&b, a, (size_t)(end - p) * 2 + 4096 + (fig ? fig->nfacts * 4096 : 0));
	while (p < end) {
		const char *tok = strstr(p, "【事实"), *key = NULL;
		size_t tlen = 0, klen = 0;
		const struct report_fact *f;

		if (!tok) {
			buf_append(&b, p, (size_t)(end - p));
			break;
		}
		buf_append(&b, p, (size_t)(tok - p));
		if (!(tlen = token_at(tok, end, &key, &klen))) {
			buf_append(&b, tok, 3); /* 【: not a token, copied as it is */
			p = tok + 3;
			continue;
		}
		if ((f = fact_find(fig, key, klen))) {
			buf_puts(&b, f->text ? f->text : "");
		} else {
			bool seen = false;

			buf_append(&b, tok, tlen);
			for (size_t i = 0; i < nu && !seen; i++)
				seen = strlen(unk[i]) == klen && memcmp(unk[i], key, klen) == 0;
			if (!seen && unknown) {
				if (nu == cap) {
					size_t nc = cap ? cap * 2 : 8;
					const char **na = arena_alloc(a, nc * sizeof(*na));

					if (!na)
						return ERR_NOMEM;
					if (nu)
						memcpy(na, unk, nu * sizeof(*na));
					unk = na;
					cap = nc;
				}
				if (!(unk[nu++] = arena_strndup(a, key, klen)))
					return ERR_NOMEM;
			}
		}
		p = tok + tlen;
	}
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	if (unknown)
		*unknown = unk;
	if (nunknown)
		*nunknown = nu;
	return 0;
}

/* ---- drafts and versions ---- */

int rpub_last_year(long today)
{
	int y, m, d;

	date_to_ymd(today, &y, &m, &d);
	return y - 1;
}

static int year_check(long today, int year, const char **msg)
{
	if (year < REPORT_FIRST_YEAR || year > rpub_last_year(today)) {
		*msg = "年度报告的年度须在 2019 年至上一年之间。";
		return ERR_INVALID;
	}
	return 0;
}

int rpub_create(struct rpub_ctx *c, int year, struct report_rec *out, const char **msg)
{
	struct report_rec r = { 0 };
	struct report_version v = { 0 };
	int rc;

	*msg = NULL;
	if ((rc = year_check(c->today, year, msg)))
		return rc;
	r = (struct report_rec){ .org_id = c->org->id, .year = year, .version = 1, .created_by = c->user_id,
				 .created_at = c->now };
	if ((rc = db_begin(c->db)))
		return rc;
	rc = store_rpt_get(c->db, c->a, c->org->id, year, &(struct report_rec){ 0 });
	if (rc == 0 || (rc == ERR_NOT_FOUND && (rc = store_rpt_insert(c->db, &r)) == ERR_CONFLICT)) {
		*msg = arena_printf(c->a, "%d 年度报告已经存在。", year);
		rc = ERR_CONFLICT;
		goto fail;
	}
	if (rc)
		goto fail;
	v = (struct report_version){ .org_id = c->org->id, .report_id = r.id, .version = 1, .overview = "",
				     .problems = "", .other = "", .note = "新建", .created_by = c->user_id,
				     .created_at = c->now };
	if ((rc = store_rpt_version_insert(c->db, &v)) || (rc = db_commit(c->db)))
		goto fail;
	if (out)
		*out = r;
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

/* Text as stored: line ends \n. NULL when out of memory. */
static const char *normalize_text(struct arena *a, const char *s)
{
	size_t n = s ? strlen(s) : 0, k = 0;
	char *o = arena_alloc(a, n + 1);

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			o[k++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
			continue;
		}
		o[k++] = s[i];
	}
	/* no trailing blank lines */
	while (k && (o[k - 1] == '\n' || o[k - 1] == ' ' || o[k - 1] == '\t'))
		k--;
	o[k] = '\0';
	return o;
}

static int input_check(struct arena *a, const struct rpub_input *in, const char *norm[RPUB_SECTIONS],
		       const char **note, const char **msg)
{
	for (int i = 0; i < RPUB_SECTIONS; i++) {
		const char *t = in->text[i] ? in->text[i] : "";

		if (!utf8_valid(t, strlen(t))) {
			*msg = arena_printf(a, "%s含有无效的字符。", section_names[i]);
			return ERR_INVALID;
		}
		if (utf8_len(t, strlen(t)) > RPUB_SECTION_MAX) {
			*msg = arena_printf(a, "%s超过 %d 个字。", section_names[i], RPUB_SECTION_MAX);
			return ERR_INVALID;
		}
		if (!(norm[i] = normalize_text(a, t)))
			return ERR_NOMEM;
	}
	*note = in->note ? in->note : "";
	if (!utf8_valid(*note, strlen(*note)) || utf8_len(*note, strlen(*note)) > RPUB_NOTE_MAX) {
		*msg = arena_printf(a, "修改说明须为不超过 %d 个字的文本。", RPUB_NOTE_MAX);
		return ERR_INVALID;
	}
	for (int i = 0; i < REPORT_ITEM_ROWS; i++) {
		if (in->items_prev[i] < 0 || in->items_prev[i] > RPUB_ITEMS_MAX) {
			*msg = "上一年项目数量须为不小于 0 的整数。";
			return ERR_INVALID;
		}
		if (in->items_delta[i] < -RPUB_ITEMS_MAX || in->items_delta[i] > RPUB_ITEMS_MAX) {
			*msg = "本年增/减须为整数（减少用负数，如 -8）。";
			return ERR_INVALID;
		}
		if (in->items_prev[i] + in->items_delta[i] < 0) {
			*msg = "本年增/减不能使项目数量小于 0。";
			return ERR_INVALID;
		}
	}
	return 0;
}

int rpub_save(struct rpub_ctx *c, int year, int base_version, const struct rpub_input *in,
	      struct report_version *out, const char **msg)
{
	const char *text[RPUB_SECTIONS], *note;
	struct report_rec r;
	struct report_version v;
	int rc;

	*msg = NULL;
	if ((rc = input_check(c->a, in, text, &note, msg)))
		return rc;
	if ((rc = db_begin(c->db)))
		return rc;
	if ((rc = store_rpt_get(c->db, c->a, c->org->id, year, &r)))
		goto fail;
	if (r.version != base_version) {
		rc = ERR_CONFLICT;
		goto fail;
	}
	v = (struct report_version){ .org_id = c->org->id, .report_id = r.id, .version = r.version + 1,
				     .overview = text[0], .problems = text[1], .other = text[2], .note = note,
				     .created_by = c->user_id, .created_at = c->now };
	memcpy(v.items_prev, in->items_prev, sizeof(v.items_prev));
	memcpy(v.items_delta, in->items_delta, sizeof(v.items_delta));
	if ((rc = store_rpt_bump(c->db, c->org->id, r.id, base_version, v.version, c->now)) ||
	    (rc = store_rpt_version_insert(c->db, &v)) || (rc = db_commit(c->db)))
		goto fail;
	if (out)
		*out = v;
	return 0;
fail:
	db_rollback(c->db);
	if (rc == ERR_CONFLICT)
		*msg = "保存失败：报告已被他人修改（有了更新的版本），请核对后重新保存。";
	return rc;
}

int rpub_load(struct rpub_ctx *c, int year, int version, struct report_rec *rep, struct report_version *v)
{
	int rc;

	if ((rc = store_rpt_get(c->db, c->a, c->org->id, year, rep)))
		return rc;
	return store_rpt_version_get(c->db, c->a, c->org->id, rep->id, version ? version : rep->version, v);
}

/* ---- the document and its check ---- */

static bool has_token(const char *s)
{
	return s && strstr(s, "【事实");
}

int rpub_build(struct rpub_ctx *c, int year, const struct report_version *v, bool check, struct rpub_built *out,
	       const char **msg)
{
	const char *src[RPUB_SECTIONS] = { v->overview, v->problems, v->other };
	const char *text[RPUB_SECTIONS] = { NULL, NULL, NULL };
	const char **unknown[RPUB_SECTIONS] = { NULL, NULL, NULL };
	size_t nunknown[RPUB_SECTIONS] = { 0, 0, 0 }, nu = 0, n = 0;
	struct report_figures fig, *figp = NULL;
	struct report_narrative narr = { 0 };
	struct report_issue *issues = NULL, *all;
	int rc;

	*msg = NULL;
	memset(out, 0, sizeof(*out));
	/* the facts of the records now, for the tokens (only when there are any) */
	if (has_token(src[0]) || has_token(src[1]) || has_token(src[2])) {
		if ((rc = report_figures_build(c->db, c->a, c->org, year, &fig, msg)))
			return rc;
		figp = &fig;
	}
	for (int i = 0; i < RPUB_SECTIONS; i++) {
		if (!src[i] || !str_trim(str_c(src[i])).n)
			continue;
		if ((rc = rpub_expand(c->a, src[i], figp, &text[i], &unknown[i], &nunknown[i])))
			return rc;
		nu += nunknown[i];
	}
	narr.overview = text[0];
	narr.problems = text[1];
	narr.other = text[2];
	narr.items_prev = v->items_prev;
	narr.items_delta = v->items_delta;
	if ((rc = report_build(c->db, c->a, c->org, year, &narr, &out->doc, msg)))
		return rc;
	if (!check)
		return 0;
	if ((rc = report_check_doc(c->db, c->a, c->org, &out->doc, &issues, &n)))
		return rc;
	if (!(all = arena_alloc(c->a, (n + nu + 1) * sizeof(*all))))
		return ERR_NOMEM;
	/* errors first (the tokens' before the document's), then warnings */
	out->nissues = 0;
	for (int i = 0; i < RPUB_SECTIONS; i++)
		for (size_t j = 0; j < nunknown[i]; j++)
			all[out->nissues++] = (struct report_issue){
				.severity = REPORT_ERROR,
				.where = section_names[i],
				.msg = arena_printf(c->a,
						    "事实标记“" RPUB_TOKEN_OPEN "%s" RPUB_TOKEN_CLOSE
						    "”在记录中没有对应的事实，请删除或改写这一段。",
						    unknown[i][j]),
			};
	for (size_t j = 0; j < n; j++)
		if (issues[j].severity == REPORT_ERROR)
			all[out->nissues++] = issues[j];
	out->nerrors = out->nissues;
	for (size_t j = 0; j < n; j++)
		if (issues[j].severity != REPORT_ERROR)
			all[out->nissues++] = issues[j];
	for (size_t j = 0; j < out->nissues; j++)
		if (!all[j].msg)
			return ERR_NOMEM;
	out->issues = all;
	return 0;
}

/* ---- publication ---- */

int rpub_keyfig(struct db *db, const struct org *org, const struct report_figures *fig, struct report_keyfig *out)
{
	memset(out, 0, sizeof(*out));
	out->items = fig->published_items;
	for (int i = 0; i < APP_COLS; i++) {
		out->app_new += fig->t3.received[i];
		out->app_concluded += fig->t3.concluded[i];
		out->app_carried += fig->t3.carried_out[i];
	}
	out->reviews = fig->t4[4];
	out->suits = fig->t4[9] + fig->t4[14];
	return store_rpt_interactions(db, org->id, fig->year, &out->interactions);
}

/* Write bytes into the content-addressed store (files_dir/xx/<sha256>),
 * as req_store_upload does for uploads; hex gets the SHA-256. */
static int store_bytes(const char *files_dir, const char *p, size_t n, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char dir[1024], path[1200], tmp[1300];
	struct stat sb;
	size_t done = 0;
	int fd;

	crypto_hash_sha256(h, (const unsigned char *)p, n);
	hex_encode(h, sizeof(h), hex);
	if (snprintf(dir, sizeof(dir), "%s/%.2s", files_dir, hex) >= (int)sizeof(dir))
		return ERR_TOO_LARGE;
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	if (mkdir(dir, 0750) && errno != EEXIST)
		return err_log(ERR_IO, "report: mkdir %s: %s", dir, strerror(errno));
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == n)
		return 0; /* the same bytes are already stored */
	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return err_log(ERR_IO, "report: create %s: %s", tmp, strerror(errno));
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return err_log(ERR_IO, "report: write %s: %s", tmp, strerror(errno));
		}
		done += (size_t)w;
	}
	if (fchmod(fd, 0640) || fsync(fd)) {
		close(fd);
		unlink(tmp);
		return err_log(ERR_IO, "report: fsync %s: %s", tmp, strerror(errno));
	}
	close(fd);
	if (rename(tmp, path)) {
		unlink(tmp);
		return err_log(ERR_IO, "report: rename %s: %s", path, strerror(errno));
	}
	return 0;
}

struct rendered {
	const char *html, *md, *text;
	const char *docx, *pdf;
	size_t ndocx, npdf;
	char docx_sha[65], pdf_sha[65];
};

static int render_all(struct rpub_ctx *c, const struct report_doc *d, struct rendered *out)
{
	struct buf html, md, docx, pdf;
	int rc;

	buf_init(&html, c->a, RENDER_MAX);
	buf_init(&md, c->a, RENDER_MAX);
	buf_init(&docx, c->a, RENDER_MAX);
	buf_init(&pdf, c->a, RENDER_MAX);
	if ((rc = report_render_html(c->a, d, false, &html)) || (rc = html.err) ||
	    (rc = report_render_md(c->a, d, &md)) || (rc = md.err) || (rc = report_render_docx(c->a, d, &docx)) ||
	    (rc = docx.err) || (rc = report_render_pdf(c->a, d, &pdf)) || (rc = pdf.err))
		return rc;
	out->html = buf_cstr(&html);
	out->md = buf_cstr(&md);
	out->docx = docx.p;
	out->ndocx = docx.n;
	out->pdf = pdf.p;
	out->npdf = pdf.n;
	if ((rc = markdown_to_text(c->a, out->md, strlen(out->md), 0, &out->text)))
		return rc;
	if ((rc = store_bytes(c->files_dir, out->docx, out->ndocx, out->docx_sha)) ||
	    (rc = store_bytes(c->files_dir, out->pdf, out->npdf, out->pdf_sha)))
		return rc;
	return 0;
}

static const char mime_docx[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
static const char mime_pdf[] = "application/pdf";

/* Replace the report's attachments of item it (the DOCX and PDF named
 * after old_title or the new title) by the new files. */
static int attach(struct rpub_ctx *c, const struct item *it, const char *old_title, const struct rendered *rd)
{
	const char *names[2] = { arena_printf(c->a, "%s.docx", it->title), arena_printf(c->a, "%s.pdf", it->title) };
	const char *old[2] = { arena_printf(c->a, "%s.docx", old_title), arena_printf(c->a, "%s.pdf", old_title) };
	struct attachment *atts, at;
	size_t na;
	int rc;

	if (!names[0] || !names[1] || !old[0] || !old[1])
		return ERR_NOMEM;
	if ((rc = store_attachment_list(c->db, c->a, c->org->id, it->id, &atts, &na)))
		return rc;
	for (size_t i = 0; i < na; i++) {
		bool ours = false;

		for (int k = 0; k < 2; k++)
			ours = ours || strcmp(atts[i].filename, names[k]) == 0 || strcmp(atts[i].filename, old[k]) == 0;
		if (ours && (rc = store_attachment_delete(c->db, c->org->id, atts[i].id)))
			return rc;
	}
	at = (struct attachment){ .org_id = c->org->id, .item_id = it->id, .filename = names[0], .mime = mime_docx,
				  .size = (long long)rd->ndocx, .sha256 = rd->docx_sha, .created_at = c->now };
	if ((rc = store_attachment_insert(c->db, &at)))
		return rc;
	at = (struct attachment){ .org_id = c->org->id, .item_id = it->id, .filename = names[1], .mime = mime_pdf,
				  .size = (long long)rd->npdf, .sha256 = rd->pdf_sha, .created_at = c->now };
	return store_attachment_insert(c->db, &at);
}

/* The catalog item of the report: created and published the first time,
 * updated (索引号 kept) afterwards. Inside the caller's transaction. */
static int put_item(struct rpub_ctx *c, const struct report_rec *rep, const struct report_doc *d,
		    const struct rendered *rd, struct rpub_result *out, const char **msg)
{
	struct category cat;
	struct item it;
	char today[11];
	const char *old_title;
	int rc;

	date_format(c->today, today);
	if (rep->item_id) {
		rc = store_item_get(c->db, c->a, c->org->id, rep->item_id, &it);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (rc == 0) {
			old_title = it.title;
			it.title = d->title;
			it.body_md = rd->md;
			it.body_text = rd->text;
			it.body_html = rd->html;
			it.updated_at = c->now;
			if ((rc = store_item_update(c->db, &it)))
				return rc;
			if (strcmp(it.status, "published") != 0 &&
			    (rc = catalog_publish_in_tx(c->db, c->a, c->org, it.id, c->now, NULL)))
				return rc;
			if ((rc = store_item_get(c->db, c->a, c->org->id, it.id, &it)) ||
			    (rc = attach(c, &it, old_title, rd)))
				return rc;
			out->item_id = it.id;
			out->index_no = it.index_no;
			out->republished = true;
			return 0;
		}
		/* the item is gone (it cannot be deleted today): make a new one */
	}
	rc = store_category_by_name(c->db, c->a, c->org->id, RPUB_CATEGORY, &cat);
	if (rc == ERR_NOT_FOUND) {
		*msg = "本机构没有“" RPUB_CATEGORY "”公开类别，请先在公开类别中添加后再发布。";
		return ERR_INVALID;
	}
	if (rc)
		return rc;
	it = (struct item){
		.org_id = c->org->id, .category_id = cat.id, .title = d->title, .publisher = c->org->name,
		.written_on = today, .genre = "其他", .validity = "有效", .summary = "", .body_md = rd->md,
		.body_text = rd->text, .body_html = rd->html, .status = "draft", .created_by = c->user_id,
		.created_at = c->now,
	};
	if ((rc = store_item_insert(c->db, &it)) ||
	    (rc = catalog_publish_in_tx(c->db, c->a, c->org, it.id, c->now, &out->index_no)) ||
	    (rc = attach(c, &it, d->title, rd)))
		return rc;
	out->item_id = it.id;
	return 0;
}

int rpub_publish(struct rpub_ctx *c, int year, int base_version, const char *override, struct rpub_result *out,
		 const char **msg)
{
	struct report_rec rep, now_rep;
	struct report_version v;
	struct rendered rd;
	struct str why = str_trim(str_c(override));
	const char *reason = NULL;
	char today[11];
	int rc;

	*msg = NULL;
	memset(out, 0, sizeof(*out));
	memset(&rd, 0, sizeof(rd));
	if ((rc = rpub_load(c, year, 0, &rep, &v)))
		return rc;
	if (rep.version != base_version) {
		*msg = "发布失败：报告已被他人修改（有了更新的版本），请核对后再发布。";
		return ERR_CONFLICT;
	}
	if (strcmp(rep.status, "published") == 0 && rep.published_version == rep.version) {
		*msg = "这一版本已经发布；修改并保存后才能再次发布。";
		return ERR_CONFLICT;
	}
	if ((rc = rpub_build(c, year, &v, true, &out->built, msg)))
		return rc;
	if (out->built.nerrors) {
		const struct report_issue *e = &out->built.issues[0];

		if (!why.n) {
			*msg = arena_printf(c->a, "检查发现 %zu 个错误，不能发布。第一个错误：%s：%s", out->built.nerrors,
					    e->where ? e->where : "", e->msg);
			return *msg ? ERR_INVALID : ERR_NOMEM;
		}
		if (!utf8_valid(why.p, why.n) || utf8_len(why.p, why.n) < RPUB_OVERRIDE_MIN ||
		    utf8_len(why.p, why.n) > RPUB_OVERRIDE_MAX) {
			*msg = arena_printf(c->a, "检查发现 %zu 个错误。如仍要发布，请填写 %d 至 %d 个字的理由。",
					    out->built.nerrors, RPUB_OVERRIDE_MIN, RPUB_OVERRIDE_MAX);
			return *msg ? ERR_INVALID : ERR_NOMEM;
		}
		if (!(reason = arena_strndup(c->a, why.p, why.n)))
			return ERR_NOMEM;
		out->overridden = true;
	}
	if ((rc = render_all(c, &out->built.doc, &rd)))
		return rc;
	if ((rc = db_begin(c->db)))
		return rc;
	/* under the write lock: still the version that was checked? */
	if ((rc = store_rpt_get(c->db, c->a, c->org->id, year, &now_rep)))
		goto fail;
	if (now_rep.version != rep.version) {
		*msg = "发布失败：报告已被他人修改（有了更新的版本），请核对后再发布。";
		rc = ERR_CONFLICT;
		goto fail;
	}
	if ((rc = put_item(c, &now_rep, &out->built.doc, &rd, out, msg)))
		goto fail;
	date_format(c->today, today);
	now_rep.published_version = rep.version;
	now_rep.first_published_on = today;
	now_rep.published_at = c->now;
	now_rep.published_by = c->user_id;
	now_rep.item_id = out->item_id;
	now_rep.override_reason = reason;
	now_rep.check_errors = (int)out->built.nerrors;
	if ((rc = rpub_keyfig(c->db, c->org, &out->built.doc.fig, &now_rep.fig)) ||
	    (rc = store_rpt_set_published(c->db, &now_rep)) ||
	    (rc = store_rpt_version_set_published(c->db, c->org->id, rep.id, rep.version, c->now, reason)) ||
	    (rc = db_commit(c->db)))
		goto fail;
	log_info("report %s %d version %d published as item %lld (%s)%s", c->org->slug, year, rep.version,
		 out->item_id, out->index_no ? out->index_no : "", reason ? " over check errors" : "");
	return 0;
fail:
	db_rollback(c->db);
	return rc;
}

/* ---- the platform view ---- */

long rpub_deadline(int year)
{
	return date_from_ymd(year + 1, 1, 31);
}

static int timeliness_of(const struct report_rec *r, long due, long today)
{
	long day;

	if (r->first_published_on && date_parse(r->first_published_on, strlen(r->first_published_on), &day) == 0)
		return day <= due ? RPUB_ON_TIME : RPUB_LATE;
	return today > due ? RPUB_OVERDUE : RPUB_NOT_DUE;
}

static void keyfig_add(struct report_keyfig *t, const struct report_keyfig *f)
{
	t->items += f->items;
	t->app_new += f->app_new;
	t->app_concluded += f->app_concluded;
	t->app_carried += f->app_carried;
	t->reviews += f->reviews;
	t->suits += f->suits;
	t->interactions += f->interactions;
}

/* One child's figures and check, in a scratch arena released at once: a
 * thousand children must not hold a thousand documents in memory. */
static int platform_row(struct db *db, struct rpub_row *row, int year, long due, long today, const char **msg)
{
	struct arena s;
	struct rpub_ctx c = { .db = db, .a = &s, .org = &row->org, .today = today };
	int rc;

	row->deadline = due;
	row->timeliness = timeliness_of(&row->rep, due, today);
	row->errors = -1;
	if (row->rep.id && strcmp(row->rep.status, "published") == 0) {
		row->fig = row->rep.fig;
		row->errors = row->rep.check_errors;
		row->figures_published = true;
		row->draft_newer = row->rep.version > row->rep.published_version;
		return 0;
	}
	arena_init(&s, 0);
	if (row->rep.id) {
		struct report_version v;
		struct rpub_built b;

		if (!(rc = store_rpt_version_get(db, &s, row->org.id, row->rep.id, row->rep.version, &v)) &&
		    !(rc = rpub_build(&c, year, &v, true, &b, msg))) {
			row->errors = (int)b.nerrors;
			rc = rpub_keyfig(db, &row->org, &b.doc.fig, &row->fig);
		}
	} else {
		struct report_figures fig;

		if (!(rc = report_figures_build(db, &s, &row->org, year, &fig, msg)))
			rc = rpub_keyfig(db, &row->org, &fig, &row->fig);
	}
	if (rc == ERR_INVALID && *msg)
		*msg = NULL; /* scratch memory: the caller says it in its own words */
	arena_release(&s);
	return rc;
}

int rpub_platform(struct db *db, struct arena *a, const struct org *parent, int year, long today,
		  struct rpub_row **rows, size_t *n, struct report_keyfig *total, const char **msg)
{
	struct org *kids;
	struct org_node *nodes;
	size_t nn;
	struct report_rec *reps;
	struct rpub_row *out;
	size_t k;
	int y, m, d, rc;

	*msg = NULL;
	memset(total, 0, sizeof(*total));
	date_to_ymd(today, &y, &m, &d);
	if (year < REPORT_FIRST_YEAR || year > y) {
		*msg = "年度须在 2019 年至今年之间。";
		return ERR_INVALID;
	}
	if ((rc = store_rpt_children(db, a, parent, &kids, &k)) || (rc = store_platform_orgs(db, a, &nodes, &nn)))
		return rc;
	if (!(reps = arena_zalloc(a, (k + 1) * sizeof(*reps))) || !(out = arena_zalloc(a, (k + 1) * sizeof(*out))))
		return ERR_NOMEM;
	if ((rc = store_rpt_of_orgs(db, a, kids, k, year, reps)))
		return rc;
	for (size_t i = 0; i < k; i++) {
		out[i].org = kids[i];
		long at = platform_find(nodes, nn, kids[i].id);
		/* each agency's own deadline: the platform's local one, else
		 * the statute's for its place in the tree */
		long due = at < 0 ? rpub_deadline(year)
				  : platform_deadline(&nodes[at], platform_has_children(nodes, nn, kids[i].id), year);

		out[i].rep = reps[i];
		if ((rc = platform_row(db, &out[i], year, due, today, msg))) {
			if (rc == ERR_INVALID)
				*msg = arena_printf(a, "%s 的 %d 年度报告无法生成。", kids[i].name, year);
			return rc;
		}
		keyfig_add(total, &out[i].fig);
	}
	*rows = out;
	*n = k;
	return 0;
}
