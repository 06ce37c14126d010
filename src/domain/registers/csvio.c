/* csvio.c - CSV import and export for the registers. See csvio.h. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/registers/csvio.h"
#include "store/db.h"
#include "core/banned.h"

/* The line (1-based) of byte offset off in p. */
static size_t line_of(const char *p, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += p[i] == '\n';
	return line;
}

/* Offset of the first byte that is not valid UTF-8, or n. */
static size_t utf8_bad_at(const char *p, size_t n)
{
	const char *cur = p, *end = p + n;

	while (cur < end) {
		const char *at = cur;
		uint32_t c = utf8_next(&cur, end);

		if (c == 0xFFFD && !(cur - at == 3 && memcmp(at, "\xEF\xBF\xBD", 3) == 0))
			return (size_t)(at - p);
	}
	return n;
}

static int from_gb18030(struct arena *a, const char *in, size_t n, char **out, size_t *len, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = n * 2 + 16, left_in = n, left_out = cap;
	char *dst, *src = (char *)in, *o;

	if (cd == (iconv_t)-1)
		return ERR_INTERNAL;
	if (!(dst = arena_alloc(a, cap + 1))) {
		iconv_close(cd);
		return ERR_NOMEM;
	}
	o = dst;
	/* GB18030 takes at most 4 bytes for a character UTF-8 writes in at
	 * most 4, and 2-byte GBK characters become 3: twice the input is
	 * always room enough */
	if (iconv(cd, &src, &left_in, &o, &left_out) == (size_t)-1) {
		*bad = (size_t)(src - in);
		iconv_close(cd);
		return ERR_INVALID;
	}
	iconv_close(cd);
	*o = '\0';
	*out = dst;
	*len = (size_t)(o - dst);
	return 0;
}

int csv_decode(struct arena *a, const char *bytes, size_t n, const char *encoding, const char **utf8,
	       size_t *len, const char **used, const char **msg)
{
	bool force_utf8 = false, force_gbk = false;
	size_t bad = 0;
	char *out;
	int rc;

	*msg = NULL;
	if (n > CSV_MAX_BYTES) {
		*msg = "文件过大（不超过 32 MB）。";
		return ERR_TOO_LARGE;
	}
	if (encoding && *encoding && strcmp(encoding, "auto") != 0) {
		force_utf8 = strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0;
		force_gbk = strcasecmp(encoding, "gbk") == 0 || strcasecmp(encoding, "gb18030") == 0 ||
			    strcasecmp(encoding, "gb2312") == 0;
		if (!force_utf8 && !force_gbk) {
			*msg = "未知的文件编码（可选 UTF-8、GBK 或自动识别）。";
			return ERR_INVALID;
		}
	}
	if (n >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 && !force_gbk) {
		bytes += 3;
		n -= 3;
		force_utf8 = true;
	}
	if (!force_gbk && (bad = utf8_bad_at(bytes, n)) == n) {
		if (!(out = arena_alloc(a, n + 1)))
			return ERR_NOMEM;
		memcpy(out, bytes, n);
		out[n] = '\0';
		*utf8 = out;
		*len = n;
		if (used)
			*used = "UTF-8";
		return 0;
	}
	if (force_utf8) {
		*msg = arena_printf(a, "第 %zu 行：不是有效的 UTF-8 编码（可另存为 UTF-8，或选择 GBK 编码导入）。",
				    line_of(bytes, bad));
		return ERR_INVALID;
	}
	if ((rc = from_gb18030(a, bytes, n, &out, len, &bad))) {
		if (rc == ERR_INVALID)
			*msg = arena_printf(a, "第 %zu 行：既不是 UTF-8 也不是 GBK 编码，请检查文件。",
					    line_of(bytes, bad));
		return rc;
	}
	*utf8 = out;
	if (used)
		*used = "GBK";
	return 0;
}

/* ---- parsing ---- */

struct fields {
	const char **v;
	size_t n, cap;
};

static int push_field(struct arena *a, struct fields *f, const char *s)
{
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 16;
		const char **nv = arena_alloc(a, nc * sizeof(*nv));

		if (!nv)
			return ERR_NOMEM;
		if (f->n)
			memcpy(nv, f->v, f->n * sizeof(*nv));
		f->v = nv;
		f->cap = nc;
	}
	f->v[f->n++] = s;
	return 0;
}

/* One record starting at *pos into f; *pos moves past its line end. */
static int parse_record(struct arena *a, const char *text, size_t len, size_t *pos, size_t *line, struct fields *f,
			const char **msg)
{
	struct buf b;
	size_t i = *pos;

	f->n = 0;
	for (;;) {
		bool quoted = false;

		buf_init(&b, a, (size_t)CSV_MAX_FIELD * 4);
		if (i < len && text[i] == '"') {
			quoted = true;
			i++;
			for (;;) {
				if (i >= len) {
					*msg = arena_printf(a, "第 %zu 行：引号没有闭合。", *line);
					return ERR_INVALID;
				}
				if (text[i] == '"') {
					if (i + 1 < len && text[i + 1] == '"') {
						buf_putc(&b, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (text[i] == '\n')
					++*line;
				buf_putc(&b, text[i++]);
			}
		}
		while (i < len && text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') &&
		       !(text[i] == '\r' && i + 1 == len)) {
			if (text[i] == '"' || quoted) {
				if (text[i] == ' ' || text[i] == '\t') { /* blanks after a closing quote */
					i++;
					continue;
				}
				*msg = arena_printf(a, "第 %zu 行：字段中的引号应写成两个引号，并用引号括起整个字段。", *line);
				return ERR_INVALID;
			}
			buf_putc(&b, text[i++]);
		}
		if (b.err) {
			*msg = arena_printf(a, "第 %zu 行：字段过长。", *line);
			return b.err == ERR_NOMEM ? ERR_NOMEM : ERR_INVALID;
		}
		{
			const char *s = buf_cstr(&b);

			if (utf8_len(s, strlen(s)) > CSV_MAX_FIELD) {
				*msg = arena_printf(a, "第 %zu 行：字段超过 %d 个字。", *line, CSV_MAX_FIELD);
				return ERR_INVALID;
			}
			if (push_field(a, f, s))
				return ERR_NOMEM;
		}
		if (f->n > CSV_MAX_COLS) {
			*msg = arena_printf(a, "第 %zu 行：超过 %d 列。", *line, CSV_MAX_COLS);
			return ERR_INVALID;
		}
		if (i < len && text[i] == ',') {
			i++;
			continue;
		}
		/* end of record */
		if (i < len && text[i] == '\r')
			i++;
		if (i < len && text[i] == '\n')
			i++;
		++*line;
		*pos = i;
		return 0;
	}
}

static bool blank_record(const struct fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (*f->v[i])
			return false;
	return true;
}

int csv_parse(struct arena *a, const char *text, size_t len, struct csv_table *t, const char **msg)
{
	struct fields f = { 0 };
	size_t pos = 0, line = 1, cap = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	*msg = NULL;
	/* the header: the first non-empty record */
	while (pos < len) {
		size_t start = line;

		if ((rc = parse_record(a, text, len, &pos, &line, &f, msg)))
			return rc;
		if (blank_record(&f))
			continue;
		t->ncols = f.n;
		if (!(t->header = arena_alloc(a, f.n * sizeof(*t->header))))
			return ERR_NOMEM;
		bool named = false;

		for (size_t i = 0; i < f.n; i++) {
			struct str s = str_trim(str_c(f.v[i]));

			if (!(t->header[i] = arena_strndup(a, s.p, s.n)))
				return ERR_NOMEM;
			named |= s.n > 0;
		}
		if (!named) {
			*msg = arena_printf(a, "第 %zu 行：列名行没有列名。", start);
			return ERR_INVALID;
		}
		break;
	}
	if (!t->header) {
		*msg = "文件是空的：第一行应为列名。";
		return ERR_INVALID;
	}
	while (pos < len) {
		size_t start = line;
		const char **row;

		f = (struct fields){ 0 };
		if ((rc = parse_record(a, text, len, &pos, &line, &f, msg)))
			return rc;
		if (blank_record(&f))
			continue;
		if (f.n > t->ncols) {
			*msg = arena_printf(a, "第 %zu 行：有 %zu 列，多于列名行的 %zu 列。", start, f.n, t->ncols);
			return ERR_INVALID;
		}
		if (!(row = arena_alloc(a, t->ncols * sizeof(*row))))
			return ERR_NOMEM;
		for (size_t i = 0; i < t->ncols; i++)
			row[i] = i < f.n ? f.v[i] : "";
		if (t->nrows == cap) {
			size_t nc = cap ? cap * 2 : 64;
			const char ***nr = arena_alloc(a, nc * sizeof(*nr));
			size_t *nl = arena_alloc(a, nc * sizeof(*nl));

			if (!nr || !nl)
				return ERR_NOMEM;
			if (t->nrows) {
				memcpy(nr, t->rows, t->nrows * sizeof(*nr));
				memcpy(nl, t->lines, t->nrows * sizeof(*nl));
			}
			t->rows = nr;
			t->lines = nl;
			cap = nc;
		}
		t->rows[t->nrows] = row;
		t->lines[t->nrows] = start;
		t->nrows++;
	}
	return 0;
}

int csv_map_columns(struct arena *a, const struct csv_table *t, const struct csv_col *cols, size_t n, int *idx,
		    const char **msg)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = -1;
	for (size_t j = 0; j < t->ncols; j++) {
		size_t i;

		if (!*t->header[j])
			continue; /* a column without a name: Excel's trailing separators */
		for (i = 0; i < n; i++)
			if (strcmp(cols[i].name, t->header[j]) == 0)
				break;
		if (i == n) {
			*msg = arena_printf(a, "第 1 行：未知的列“%s”。", t->header[j]);
			return ERR_INVALID;
		}
		if (idx[i] >= 0) {
			*msg = arena_printf(a, "第 1 行：列“%s”出现了两次。", t->header[j]);
			return ERR_INVALID;
		}
		idx[i] = (int)j;
	}
	for (size_t i = 0; i < n; i++)
		if (cols[i].required && idx[i] < 0) {
			*msg = arena_printf(a, "第 1 行：缺少列“%s”。", cols[i].name);
			return ERR_INVALID;
		}
	return 0;
}

/* ---- the import driver ---- */

static int add_error(struct arena *a, struct csv_report *rep, const char *msg)
{
	if (rep->nerrors < CSV_MAX_ERRORS) {
		if (!rep->errors && !(rep->errors = arena_alloc(a, CSV_MAX_ERRORS * sizeof(*rep->errors))))
			return ERR_NOMEM;
		rep->errors[rep->nerrors] = msg;
	}
	rep->nerrors++;
	return 0;
}

/* Keys seen so far: a sorted array searched by bisection (files are small). */
struct keyset {
	const char **k;
	size_t *line;
	size_t n, cap;
};

static int key_add(struct arena *a, struct keyset *ks, const char *key, size_t line, size_t *dup_line)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(ks->k[mid], key);

		if (c == 0) {
			*dup_line = ks->line[mid];
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ks->n == ks->cap) {
		size_t nc = ks->cap ? ks->cap * 2 : 64;
		const char **nk = arena_alloc(a, nc * sizeof(*nk));
		size_t *nl = arena_alloc(a, nc * sizeof(*nl));

		if (!nk || !nl)
			return ERR_NOMEM;
		if (ks->n) {
			memcpy(nk, ks->k, ks->n * sizeof(*nk));
			memcpy(nl, ks->line, ks->n * sizeof(*nl));
		}
		ks->k = nk;
		ks->line = nl;
		ks->cap = nc;
	}
	memmove(ks->k + lo + 1, ks->k + lo, (ks->n - lo) * sizeof(*ks->k));
	memmove(ks->line + lo + 1, ks->line + lo, (ks->n - lo) * sizeof(*ks->line));
	ks->k[lo] = key;
	ks->line[lo] = line;
	ks->n++;
	return 0;
}

int csv_import(struct db *db, struct arena *a, const struct csv_register *reg, const char *bytes, size_t n,
	       const char *encoding, bool dry_run, struct csv_report *rep)
{
	struct csv_table t;
	struct keyset keys = { 0 };
	const char *text, *msg = NULL;
	void **prepared;
	int idx[CSV_MAX_COLS];
	size_t len;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (reg->ncols > CSV_MAX_COLS)
		return ERR_INVALID;
	if ((rc = csv_decode(a, bytes, n, encoding, &text, &len, &rep->encoding, &msg)) ||
	    (rc = csv_parse(a, text, len, &t, &msg)) || (rc = csv_map_columns(a, &t, reg->cols, reg->ncols, idx, &msg))) {
		if (msg && add_error(a, rep, msg))
			return ERR_NOMEM;
		return rc;
	}
	rep->rows = t.nrows;
	if (t.nrows == 0) {
		add_error(a, rep, "文件中没有数据行。");
		return ERR_INVALID;
	}
	if (!(prepared = arena_zalloc(a, t.nrows * sizeof(*prepared))))
		return ERR_NOMEM;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *v[CSV_MAX_COLS], *key = NULL;
		size_t dup;

		msg = NULL;
		for (size_t i = 0; i < reg->ncols; i++) {
			struct str s = idx[i] >= 0 ? str_trim(str_c(t.rows[r][idx[i]])) : str_c("");

			/* the apostrophe csv_write_row puts before a formula-like field */
			if (s.n >= 2 && s.p[0] == '\'' && strchr("=+-@", s.p[1])) {
				s.p++;
				s.n--;
			}
			if (!(v[i] = arena_strndup(a, s.p, s.n)))
				return ERR_NOMEM;
		}
		rc = reg->check(reg->ctx, a, v, &prepared[r], &key, &msg);
		if (rc == ERR_INVALID) {
			if (add_error(a, rep, arena_printf(a, "第 %zu 行：%s", t.lines[r], msg ? msg : "数据有误。")))
				return ERR_NOMEM;
			continue;
		}
		if (rc)
			return rc;
		if (key && (rc = key_add(a, &keys, key, t.lines[r], &dup))) {
			if (rc < 0)
				return rc;
			if (add_error(a, rep, arena_printf(a, "第 %zu 行：与第 %zu 行重复。", t.lines[r], dup)))
				return ERR_NOMEM;
		}
	}
	if (rep->nerrors)
		return ERR_INVALID;
	if (dry_run)
		return 0;
	if ((rc = db_begin(db)))
		return rc;
	for (size_t r = 0; r < t.nrows; r++) {
		if ((rc = reg->store(reg->ctx, db, a, prepared[r]))) {
			db_rollback(db);
			if (rc == ERR_CONFLICT)
				add_error(a, rep, arena_printf(a, "第 %zu 行：与已有记录重复，未导入任何数据。", t.lines[r]));
			rep->stored = 0;
			return rc == ERR_CONFLICT ? ERR_INVALID : rc;
		}
		rep->stored++;
		if (reg->progress && (rep->stored % 1000 == 0))
			reg->progress(reg->progress_arg, rep->stored, t.nrows);
	}
	if ((rc = db_commit(db))) {
		rep->stored = 0;
		return rc;
	}
	if (reg->progress)
		reg->progress(reg->progress_arg, rep->stored, t.nrows);
	return 0;
}

/* ---- export ---- */

void csv_write_bom(struct buf *b)
{
	buf_puts(b, "\xEF\xBB\xBF");
}

void csv_write_row(struct buf *b, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";
		bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';

		if (i)
			buf_putc(b, ',');
		if (formula || strpbrk(s, ",\"\r\n")) {
			buf_putc(b, '"');
			if (formula)
				buf_putc(b, '\'');
			for (; *s; s++) {
				if (*s == '"')
					buf_putc(b, '"');
				buf_putc(b, *s);
			}
			buf_putc(b, '"');
		} else {
			buf_puts(b, s);
		}
	}
	buf_puts(b, "\r\n");
}

/* ---- field helpers ---- */

/* Digits of s into *v (at most max_digits); advances *s. */
static bool digits(const char **s, int max_digits, int *v)
{
	int k = 0, x = 0;

	while (**s >= '0' && **s <= '9' && k < max_digits) {
		x = x * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	*v = x;
	return k > 0;
}

int csv_date(const char *col, const char *s, long *day, const char **msg, struct arena *a)
{
	const char *p = s;
	int y, m, d;
	bool ok;

	if (!s || !*s) {
		*msg = arena_printf(a, "请填写“%s”。", col);
		return ERR_INVALID;
	}
	ok = digits(&p, 4, &y) && p - s == 4;
	if (ok && (*p == '-' || *p == '/' || *p == '.')) {
		char sep = *p++;

		ok = digits(&p, 2, &m) && *p++ == sep && digits(&p, 2, &d) && *p == '\0';
	} else if (ok && strncmp(p, "年", 3) == 0) {
		p += 3;
		ok = digits(&p, 2, &m) && strncmp(p, "月", 3) == 0;
		p += 3;
		ok = ok && digits(&p, 2, &d) && strncmp(p, "日", 3) == 0 && p[3] == '\0';
	} else {
		ok = false;
	}
	if (!ok || y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m)) {
		*msg = arena_printf(a, "“%s”不是有效日期：%s（应为 2020-03-15 这样的格式）。", col, s);
		return ERR_INVALID;
	}
	*day = date_from_ymd(y, m, d);
	return 0;
}

int csv_int(const char *col, const char *s, long long min, long long max, long long *v, const char **msg,
	    struct arena *a)
{
	char clean[32];
	size_t k = 0;

	if (!s || !*s) {
		*msg = arena_printf(a, "请填写“%s”。", col);
		return ERR_INVALID;
	}
	for (const char *p = s; *p; p++) {
		if (*p == ',' || (unsigned char)*p == 0xEF) { /* "1,234" or the full-width comma "，" */
			if ((unsigned char)*p == 0xEF) {
				if (strncmp(p, "，", 3) != 0)
					goto bad;
				p += 2;
			}
			continue;
		}
		if (k + 1 >= sizeof(clean))
			goto bad;
		clean[k++] = *p;
	}
	clean[k] = '\0';
	if (num_parse(clean, k, min, max, v) == 0)
		return 0;
bad:
	*msg = arena_printf(a, "“%s”应为 %lld 到 %lld 之间的整数：%s。", col, min, max, s);
	return ERR_INVALID;
}

int csv_money(const char *col, const char *s, long long *fen, const char **msg, struct arena *a)
{
	long long yuan = 0, cents = 0;
	const char *dot;
	char intpart[32];
	size_t k = 0;

	if (!s || !*s) {
		*msg = arena_printf(a, "请填写“%s”。", col);
		return ERR_INVALID;
	}
	dot = strchr(s, '.');
	for (const char *p = s; *p && p != dot; p++) {
		if (*p == ',')
			continue;
		if (k + 1 >= sizeof(intpart) || *p < '0' || *p > '9')
			goto bad;
		intpart[k++] = *p;
	}
	intpart[k] = '\0';
	if (k == 0 || num_parse(intpart, k, 0, 100000000000LL, &yuan))
		goto bad;
	if (dot) {
		size_t nd = strlen(dot + 1);

		if (nd < 1 || nd > 2 || num_parse(dot + 1, nd, 0, 99, &cents))
			goto bad;
		if (nd == 1)
			cents *= 10;
	}
	*fen = yuan * 100 + cents;
	return 0;
bad:
	*msg = arena_printf(a, "“%s”应为金额（元，最多两位小数）：%s。", col, s);
	return ERR_INVALID;
}
