/* extract.c - see extract.h. The XML of DOCX and XLSX parts is read with
 * core/xml.h, the walker the annual-report checker uses. */
#include "domain/safety/extract.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <poppler.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xml.h"
#include "core/banned.h"

enum { XML_DEPTH = 512 };

static const char MSG_NOMEM[] = "服务器内存不足，无法读取附件的文字。";
static const char MSG_TOO_MUCH[] = "附件中的文字超过 20 MB，无法自动检查，请拆分附件或人工检查。";

/* One code point of extracted text: valid UTF-8 out, control characters
 * (other than those the caller writes itself) as spaces. */
static void put_text_cp(struct buf *b, uint32_t c)
{
	char u[4];

	if (c < 0x20 || c == 0x7F)
		c = ' ';
	buf_append(b, u, utf8_put(u, c));
}

/* Compare names with their digit runs as numbers (sheet2 before sheet10). */
static int natcmp(const char *x, const char *y)
{
	while (*x && *y) {
		if (*x >= '0' && *x <= '9' && *y >= '0' && *y <= '9') {
			const char *xs = x, *ys = y;
			size_t xn, yn;

			while (*xs == '0')
				xs++;
			while (*ys == '0')
				ys++;
			for (x = xs; *x >= '0' && *x <= '9'; x++)
				;
			for (y = ys; *y >= '0' && *y <= '9'; y++)
				;
			xn = (size_t)(x - xs);
			yn = (size_t)(y - ys);
			if (xn != yn)
				return xn < yn ? -1 : 1;
			if (memcmp(xs, ys, xn))
				return memcmp(xs, ys, xn);
			continue;
		}
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		x++;
		y++;
	}
	return *x ? 1 : *y ? -1 : 0;
}

static int by_natname(const void *x, const void *y)
{
	return natcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ------------------------------------------------------------------ */
/* ZIP                                                                 */

struct pkg {
	struct arena *a;
	const char *kind;       /* "DOCX" or "XLSX", for messages */
	zip_t *z;
	const char *err;
};

static int pkg_fail(struct pkg *p, int rc, const char *msg)
{
	p->err = msg ? msg : MSG_NOMEM;
	return msg ? rc : ERR_NOMEM;
}

/* Open the archive and refuse it when its entries together would inflate
 * past SAFETY_ZIP_MAX (sizes from the central directory; each read is
 * held to its recorded size and CRC, so a lying header fails too). */
static int pkg_open(struct pkg *p, const void *data, size_t n)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_int64_t count;
	uint64_t total = 0;

	/* shorter than an empty archive's end record (libzip opens "" as empty) */
	if (n < 22)
		return pkg_fail(p, ERR_INVALID, arena_printf(p->a, "不是 %s 文件：无法作为 ZIP 压缩包打开（文件可能已损坏）。", p->kind));
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(data, n, 0, &ze))) {
		zip_error_fini(&ze);
		return pkg_fail(p, ERR_NOMEM, NULL);
	}
	if (!(p->z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return pkg_fail(p, ERR_INVALID, arena_printf(p->a, "不是 %s 文件：无法作为 ZIP 压缩包打开（文件可能已损坏）。", p->kind));
	}
	zip_error_fini(&ze);
	if ((count = zip_get_num_entries(p->z, 0)) < 0 || count > SAFETY_ZIP_ENTRIES)
		return pkg_fail(p, ERR_TOO_LARGE, arena_printf(p->a, "%s 文件中的条目过多（不超过 %d 个），无法检查。", p->kind, SAFETY_ZIP_ENTRIES));
	for (zip_int64_t i = 0; i < count; i++) {
		zip_stat_t st;

		zip_stat_init(&st);
		if (zip_stat_index(p->z, (zip_uint64_t)i, 0, &st) || !(st.valid & ZIP_STAT_SIZE))
			return pkg_fail(p, ERR_INVALID, arena_printf(p->a, "%s 文件已损坏：无法读取压缩包中的条目。", p->kind));
		total += st.size;
		if (total > SAFETY_ZIP_MAX)
			return pkg_fail(p, ERR_TOO_LARGE, arena_printf(p->a, "%s 文件解压后超过 100 MB（可能是恶意构造的压缩包），无法检查。", p->kind));
	}
	return 0;
}

static void pkg_close(struct pkg *p)
{
	if (p->z)
		zip_discard(p->z);
	p->z = NULL;
}

/* The whole entry idx, NUL-terminated, in the arena. */
static int pkg_read(struct pkg *p, zip_uint64_t idx, const char *name, char **out, size_t *len)
{
	zip_stat_t st;
	zip_file_t *zf;
	zip_int64_t got;
	size_t off = 0;
	char *buf, extra;

	zip_stat_init(&st);
	if (zip_stat_index(p->z, idx, 0, &st) || !(st.valid & ZIP_STAT_SIZE))
		return pkg_fail(p, ERR_INVALID, arena_printf(p->a, "%s 文件已损坏：无法读取 %s 的信息。", p->kind, name));
	if (st.size > SAFETY_ZIP_MAX)
		return pkg_fail(p, ERR_TOO_LARGE, arena_printf(p->a, "%s 文件解压后超过 100 MB，无法检查。", p->kind));
	if (!(zf = zip_fopen_index(p->z, idx, 0)))
		return pkg_fail(p, ERR_INVALID, arena_printf(p->a, "无法读取 %s 文件中的 %s（文件已损坏、已加密或压缩方式不受支持）。", p->kind, name));
	if (!(buf = arena_alloc(p->a, (size_t)st.size + 1))) {
		zip_fclose(zf);
		return pkg_fail(p, ERR_NOMEM, NULL);
	}
	while (off < st.size && (got = zip_fread(zf, buf + off, st.size - off)) > 0)
		off += (size_t)got;
	/* one more read: at the end libzip checks the CRC */
	if (off != st.size || zip_fread(zf, &extra, 1) != 0) {
		zip_fclose(zf);
		return pkg_fail(p, ERR_INVALID, arena_printf(p->a, "%s 文件已损坏：%s 无法完整解压。", p->kind, name));
	}
	zip_fclose(zf);
	buf[off] = '\0';
	*out = buf;
	*len = off;
	return 0;
}

/* Names of the entries for which want(name) holds, in natural order. */
static int pkg_names(struct pkg *p, bool (*want)(const char *), const char ***names, size_t *count)
{
	zip_int64_t n = zip_get_num_entries(p->z, 0);
	const char **v;
	size_t k = 0;

	if (!(v = arena_alloc(p->a, ((size_t)n + 1) * sizeof(*v))))
		return pkg_fail(p, ERR_NOMEM, NULL);
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(p->z, (zip_uint64_t)i, 0);

		if (name && want(name))
			v[k++] = name;
	}
	qsort(v, k, sizeof(*v), by_natname);
	*names = v;
	*count = k;
	return 0;
}

/* Walk one XML part; errors become a message naming the part. */
static int pkg_walk(struct pkg *p, const char *name, const char *xml, size_t n, const struct xml_handler *h,
		    struct buf *out)
{
	struct xml_error xe;
	int rc = xml_walk(p->a, xml, n, XML_DEPTH, h, &xe);

	if (rc == ERR_INVALID && xe.no_root)
		return pkg_fail(p, rc, arena_printf(p->a, "%s 文件中的 %s 是空的或不是 XML。", p->kind, name));
	if (rc == ERR_INVALID)
		return pkg_fail(p, rc, arena_printf(p->a, "%s 文件中的 %s 不是格式正确的 XML：第 %zu 行%s。", p->kind,
						    name, xe.line, xe.what));
	if (!rc)
		rc = out->err;
	if (rc == ERR_TOO_LARGE)
		return pkg_fail(p, rc, MSG_TOO_MUCH);
	if (rc)
		return pkg_fail(p, ERR_NOMEM, NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* DOCX                                                                */

struct dx {
	struct buf *out;
	size_t skip;            /* depth of the mc:Fallback being skipped */
	int in_t, in_r;
};

static int dx_start(void *ctx, struct str name, struct str attrs, size_t depth)
{
	struct dx *d = ctx;

	if (d->skip)
		return 0;
	if (str_eq_c(name, "mc:Fallback"))
		d->skip = depth;
	else if (str_eq_c(name, "w:t") || str_eq_c(name, "w:delText"))
		d->in_t++;
	else if (str_eq_c(name, "w:r"))
		d->in_r++;
	else if (str_eq_c(name, "w:tab") && d->in_r)
		buf_putc(d->out, '\t');
	else if ((str_eq_c(name, "w:br") || str_eq_c(name, "w:cr")) && d->in_r)
		buf_putc(d->out, '\n');
	return d->out->err;
}

static int dx_end(void *ctx, struct str name, size_t depth)
{
	struct dx *d = ctx;

	if (d->skip) {
		if (depth == d->skip)
			d->skip = 0;
		return 0;
	}
	if (str_eq_c(name, "w:t") || str_eq_c(name, "w:delText"))
		d->in_t -= d->in_t > 0;
	else if (str_eq_c(name, "w:r"))
		d->in_r -= d->in_r > 0;
	else if (str_eq_c(name, "w:p"))
		buf_putc(d->out, '\n');
	return d->out->err;
}

static int dx_text(void *ctx, const char *p, const char *e, bool cdata)
{
	struct dx *d = ctx;

	if (d->in_t && !d->skip)
		while (p < e)
			put_text_cp(d->out, xml_text_next(&p, e, !cdata));
	return d->out->err;
}

static bool docx_extra_part(const char *name)
{
	static const char *const prefixes[] = { "word/header", "word/footer", "word/footnotes", "word/endnotes",
						"word/comments", NULL };
	size_t n = strlen(name);

	if (n < 5 || strcmp(name + n - 4, ".xml") || strchr(name + 5, '/'))
		return false;
	for (const char *const *pre = prefixes; *pre; pre++)
		if (!strncmp(name, *pre, strlen(*pre)))
			return true;
	return false;
}

static int docx_text(struct pkg *p, const void *data, size_t n, struct buf *out)
{
	struct dx d = { .out = out };
	struct xml_handler h = { .ctx = &d, .start = dx_start, .end = dx_end, .text = dx_text };
	const char **names;
	size_t count, len;
	zip_int64_t idx;
	char *xml;
	int rc;

	if ((rc = pkg_open(p, data, n)))
		return rc;
	if ((idx = zip_name_locate(p->z, "word/document.xml", 0)) < 0)
		return pkg_fail(p, ERR_INVALID, "不是 DOCX 文件：压缩包中没有 word/document.xml。");
	if ((rc = pkg_read(p, (zip_uint64_t)idx, "word/document.xml", &xml, &len)) ||
	    (rc = pkg_walk(p, "word/document.xml", xml, len, &h, out)))
		return rc;
	if ((rc = pkg_names(p, docx_extra_part, &names, &count)))
		return rc;
	for (size_t i = 0; i < count; i++) {
		if ((idx = zip_name_locate(p->z, names[i], 0)) < 0)
			continue;
		d = (struct dx){ .out = out };
		buf_putc(out, '\n');
		if ((rc = pkg_read(p, (zip_uint64_t)idx, names[i], &xml, &len)) ||
		    (rc = pkg_walk(p, names[i], xml, len, &h, out)))
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* XLSX                                                                */

struct span {
	size_t off, len;
};

struct sst {                    /* xl/sharedStrings.xml */
	struct arena *a;
	struct buf text;        /* all strings, one after another */
	struct span *v;
	size_t n, cap;
	size_t start;           /* of the current <si> in text */
	int in_si, in_t, in_rph;
	int err;
};

static int sst_start(void *ctx, struct str name, struct str attrs, size_t depth)
{
	struct sst *s = ctx;

	if (str_eq_c(name, "si")) {
		s->in_si = 1;
		s->start = s->text.n;
	} else if (str_eq_c(name, "rPh")) {
		s->in_rph++;            /* phonetic guide: not part of the text */
	} else if (str_eq_c(name, "t")) {
		s->in_t++;
	}
	return s->text.err;
}

static int sst_end(void *ctx, struct str name, size_t depth)
{
	struct sst *s = ctx;

	if (str_eq_c(name, "si") && s->in_si) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 256;
			struct span *v = arena_alloc(s->a, cap * sizeof(*v));

			if (!v)
				return ERR_NOMEM;
			if (s->n)
				memcpy(v, s->v, s->n * sizeof(*v));
			s->v = v;
			s->cap = cap;
		}
		s->v[s->n++] = (struct span){ s->start, s->text.n - s->start };
		s->in_si = 0;
	} else if (str_eq_c(name, "rPh")) {
		s->in_rph -= s->in_rph > 0;
	} else if (str_eq_c(name, "t")) {
		s->in_t -= s->in_t > 0;
	}
	return s->text.err;
}

static int sst_text(void *ctx, const char *p, const char *e, bool cdata)
{
	struct sst *s = ctx;

	if (s->in_si && s->in_t && !s->in_rph)
		while (p < e)
			put_text_cp(&s->text, xml_text_next(&p, e, !cdata));
	return s->text.err;
}

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_STRING, CELL_NONE };

struct ws {                     /* one worksheet */
	struct buf *out;
	const struct sst *sst;
	struct buf cell;        /* the value of the current cell */
	enum cell_type type;
	int in_v, in_is, in_t, in_rph;
	size_t cells;           /* in the current row */
	bool rows;              /* a row was written */
};

static int ws_start(void *ctx, struct str name, struct str attrs, size_t depth)
{
	struct ws *w = ctx;
	struct str t;

	if (str_eq_c(name, "row")) {
		if (w->rows)
			buf_putc(w->out, '\n');
		w->rows = true;
		w->cells = 0;
	} else if (str_eq_c(name, "c")) {
		w->cell.n = 0;
		w->type = CELL_NUMBER;
		if (xml_attr(attrs, "t", &t)) {
			if (str_eq_c(t, "s"))
				w->type = CELL_SHARED;
			else if (str_eq_c(t, "inlineStr"))
				w->type = CELL_INLINE;
			else if (str_eq_c(t, "str") || str_eq_c(t, "d"))
				w->type = CELL_STRING;
			else if (!str_eq_c(t, "n"))
				w->type = CELL_NONE; /* booleans, errors */
		}
	} else if (str_eq_c(name, "v")) {
		w->in_v++;
	} else if (str_eq_c(name, "is")) {
		w->in_is++;
	} else if (str_eq_c(name, "rPh")) {
		w->in_rph++;
	} else if (str_eq_c(name, "t")) {
		w->in_t++;
	}
	return w->out->err;
}

static void ws_cell(struct ws *w)
{
	const char *v = buf_cstr(&w->cell);
	long long i;

	if (w->cells++)
		buf_putc(w->out, '\t');
	switch (w->type) {
	case CELL_SHARED:
		/* an index past the table reads as an empty cell */
		if (!num_parse(v, w->cell.n, 0, (long long)w->sst->n - 1, &i))
			buf_append(w->out, w->sst->text.p + w->sst->v[i].off, w->sst->v[i].len);
		break;
	case CELL_NUMBER:
	case CELL_INLINE:
	case CELL_STRING:
		buf_append(w->out, v, w->cell.n);
		break;
	case CELL_NONE:
		break;
	}
}

static int ws_end(void *ctx, struct str name, size_t depth)
{
	struct ws *w = ctx;

	if (str_eq_c(name, "c")) {
		ws_cell(w);
	} else if (str_eq_c(name, "v")) {
		w->in_v -= w->in_v > 0;
	} else if (str_eq_c(name, "is")) {
		w->in_is -= w->in_is > 0;
	} else if (str_eq_c(name, "rPh")) {
		w->in_rph -= w->in_rph > 0;
	} else if (str_eq_c(name, "t")) {
		w->in_t -= w->in_t > 0;
	}
	return w->out->err ? w->out->err : w->cell.err;
}

static int ws_text(void *ctx, const char *p, const char *e, bool cdata)
{
	struct ws *w = ctx;

	if ((w->type != CELL_INLINE && w->in_v) || (w->type == CELL_INLINE && w->in_is && w->in_t && !w->in_rph))
		while (p < e)
			put_text_cp(&w->cell, xml_text_next(&p, e, !cdata));
	return w->cell.err;
}

static bool xlsx_sheet(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "xl/worksheets/sheet", 19) && n > 23 && !strcmp(name + n - 4, ".xml") &&
	       !strchr(name + 14, '/');
}

static int xlsx_text(struct pkg *p, const void *data, size_t n, struct buf *out)
{
	struct sst s = { .a = p->a };
	struct xml_handler sh = { .ctx = &s, .start = sst_start, .end = sst_end, .text = sst_text };
	const char **names;
	size_t count, len;
	zip_int64_t idx;
	char *xml;
	int rc;

	if ((rc = pkg_open(p, data, n)))
		return rc;
	buf_init(&s.text, p->a, SAFETY_TEXT_MAX);
	if ((idx = zip_name_locate(p->z, "xl/sharedStrings.xml", 0)) >= 0 &&
	    ((rc = pkg_read(p, (zip_uint64_t)idx, "xl/sharedStrings.xml", &xml, &len)) ||
	     (rc = pkg_walk(p, "xl/sharedStrings.xml", xml, len, &sh, &s.text))))
		return rc;
	if ((rc = pkg_names(p, xlsx_sheet, &names, &count)))
		return rc;
	if (!count && zip_name_locate(p->z, "xl/workbook.xml", 0) < 0)
		return pkg_fail(p, ERR_INVALID, "不是 XLSX 文件：压缩包中没有 xl/workbook.xml 和工作表。");
	for (size_t i = 0; i < count; i++) {
		struct ws w = { .out = out, .sst = &s };
		struct xml_handler h = { .ctx = &w, .start = ws_start, .end = ws_end, .text = ws_text };

		buf_init(&w.cell, p->a, SAFETY_TEXT_MAX);
		if (i)
			buf_putc(out, '\n'); /* a blank line between sheets */
		if ((idx = zip_name_locate(p->z, names[i], 0)) < 0)
			continue;
		if ((rc = pkg_read(p, (zip_uint64_t)idx, names[i], &xml, &len)) ||
		    (rc = pkg_walk(p, names[i], xml, len, &h, out)))
			return rc;
		if (w.rows)
			buf_putc(out, '\n');
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* PDF                                                                 */

static int pdf_text(struct arena *a, const void *data, size_t n, struct buf *out, const char **err)
{
	GBytes *bytes = g_bytes_new_static(data, n);
	GError *ge = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &ge);
	bool any = false;
	int pages;

	if (!doc) {
		bool locked = ge && ge->domain == POPPLER_ERROR && ge->code == POPPLER_ERROR_ENCRYPTED;

		if (ge)
			g_error_free(ge);
		g_bytes_unref(bytes);
		*err = locked ? "PDF 文件已加密，无法读取其中的文字；请上传未加密的文件。" :
				"无法打开 PDF 文件（文件可能已损坏或不是 PDF）。";
		return ERR_INVALID;
	}
	pages = poppler_document_get_n_pages(doc);
	for (int i = 0; i < pages && !out->err; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *t;

		if (!page)
			continue;
		if ((t = poppler_page_get_text(page))) {
			const char *cur = t, *end = t + strlen(t);

			if (i)
				buf_putc(out, '\n');
			while (cur < end) {
				uint32_t c = utf8_next(&cur, end);

				if (c == '\f')
					c = '\n';
				if (c == '\n' || c == '\t')
					buf_putc(out, (char)c);
				else if (c != '\r')
					put_text_cp(out, c);
				any = any || (c > ' ' && c != 0x3000);
			}
			g_free(t);
		}
		g_object_unref(page);
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
	if (!out->err && !any) {
		*err = "PDF 文件中没有可读取的文字（可能是扫描件或图片），无法自动检查，请人工查看其中是否有个人信息。";
		return ERR_NOT_FOUND;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* plain text                                                          */

static int plain_text(const char *data, size_t n, struct buf *out, const char **err)
{
	if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		n -= 3;
	}
	if (n > SAFETY_TEXT_MAX) {
		*err = MSG_TOO_MUCH;
		return ERR_TOO_LARGE;
	}
	if (!utf8_valid(data, n)) {
		*err = "文本附件不是 UTF-8 编码，无法检查；请另存为 UTF-8 编码后重新上传。";
		return ERR_INVALID;
	}
	for (const char *cur = data, *end = data + n; cur < end;) {
		uint32_t c = utf8_next(&cur, end);

		if (c == '\n' || c == '\t' || c == '\r')
			buf_putc(out, (char)c);
		else
			put_text_cp(out, c);
	}
	return 0;
}

/* ------------------------------------------------------------------ */

/* Is the type (before any ';', spaces trimmed) lit, in any case? */
static bool mime_is(const char *mime, const char *lit)
{
	const char *semi = strchr(mime, ';');
	struct str m = str_trim((struct str){ mime, semi ? (size_t)(semi - mime) : strlen(mime) });

	return m.n == strlen(lit) && !strncasecmp(m.p, lit, m.n);
}

int safety_extract_text(struct arena *a, const char *mime, const void *data, size_t n, const char **text,
			const char **err)
{
	struct pkg p = { .a = a };
	struct buf out;
	int rc;

	*text = NULL;
	*err = NULL;
	if (!mime)
		mime = "";
	if (!data)
		data = "";
	buf_init(&out, a, SAFETY_TEXT_MAX);
	if (mime_is(mime, SAFETY_MIME_PDF)) {
		rc = pdf_text(a, data, n, &out, err);
	} else if (mime_is(mime, SAFETY_MIME_DOCX)) {
		p.kind = "DOCX";
		rc = docx_text(&p, data, n, &out);
		*err = p.err;
		pkg_close(&p);
	} else if (mime_is(mime, SAFETY_MIME_XLSX)) {
		p.kind = "XLSX";
		rc = xlsx_text(&p, data, n, &out);
		*err = p.err;
		pkg_close(&p);
	} else if (mime_is(mime, "text/plain") || mime_is(mime, "text/csv")) {
		rc = plain_text(data, n, &out, err);
	} else {
		*err = "这类附件（如图片）中没有可读取的文字，无法自动检查，请人工查看其中是否有个人信息。";
		return ERR_NOT_FOUND;
	}
	if (!rc && out.err) {
		rc = out.err;
		*err = rc == ERR_TOO_LARGE ? MSG_TOO_MUCH : MSG_NOMEM;
	}
	if (rc) {
		if (!*err)
			*err = rc == ERR_TOO_LARGE ? MSG_TOO_MUCH : MSG_NOMEM;
		if (rc != ERR_INVALID && rc != ERR_TOO_LARGE && rc != ERR_NOT_FOUND)
			rc = ERR_NOMEM;
		return rc;
	}
	*text = buf_cstr(&out);
	if (out.err) {
		*text = NULL;
		*err = MSG_NOMEM;
		return ERR_NOMEM;
	}
	return 0;
}
