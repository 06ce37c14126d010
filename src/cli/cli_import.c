/* cli_import.c - `gongkai import`: bulk-load catalog items from TSV.
 *
 * The format (data/demo/tongxiang-edu/items.tsv): UTF-8, one item per line,
 * eleven TAB-separated columns
 *
 *     category  title  doc_no  publisher  written_on  published_on
 *     genre  validity  validity_on  topic  body
 *
 * Lines starting with '#' (the header among them) and blank lines are
 * skipped; a trailing CR is dropped. In every field (in practice topic and
 * body), "\n" stands for a newline and "\\" for a backslash; other
 * backslashes are literal. Fields other than body are trimmed. Empty dates
 * are NULL; an empty published_on becomes today when published.
 *
 * The import is all or nothing (the caller's one transaction) and built for
 * a million rows: the input is mapped (or read once when it is a pipe), a
 * first pass splits lines and reads 发布日期, the rows are sorted by
 * 发布日期 then line so 索引号 serials follow publication order, and a
 * second pass checks, stores and publishes each row with one arena that is
 * released after every row. Categories are looked up once. */
#include "cli/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "render/markdown.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

enum col {
	COL_CATEGORY,
	COL_TITLE,
	COL_DOCNO,
	COL_PUBLISHER,
	COL_WRITTEN_ON,
	COL_PUBLISHED_ON,
	COL_GENRE,
	COL_VALIDITY,
	COL_VALIDITY_ON,
	COL_TOPIC,
	COL_BODY,
	NCOLS
};

#define PROGRESS_EVERY 20000

/* The whole input in memory: mapped for a regular file, read for a pipe. */
struct input {
	char *p;
	size_t n;
	bool mapped;
};

/* One data line: where it is and when it is published. */
struct row {
	long day;        /* 发布日期 as a day number; today when empty */
	unsigned line;   /* 1-based line number in the input */
	size_t off, len; /* the line, without its newline */
};

static int input_load(FILE *f, struct input *in)
{
	struct stat st;
	size_t cap = 0;
	int fd = fileno(f);

	*in = (struct input){ 0 };
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && ftello(f) == 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p != MAP_FAILED) {
			madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
			in->p = p;
			in->n = (size_t)st.st_size;
			in->mapped = true;
			return 0;
		}
	}
	for (;;) {
		size_t got;

		if (in->n == cap) {
			size_t nc = cap ? cap * 2 : 1 << 20;
			char *np = realloc(in->p, nc);

			if (!np)
				return ERR_NOMEM;
			in->p = np;
			cap = nc;
		}
		got = fread(in->p + in->n, 1, cap - in->n, f);
		in->n += got;
		if (got == 0)
			break;
	}
	return ferror(f) ? ERR_IO : 0;
}

static void input_release(struct input *in)
{
	if (in->mapped)
		munmap(in->p, in->n);
	else
		free(in->p);
	*in = (struct input){ 0 };
}

/* Split a line into exactly NCOLS fields; returns the number of columns. */
static size_t split(const char *p, size_t n, struct str *f)
{
	size_t k = 0;
	const char *end = p + n;

	for (;;) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *stop = tab ? tab : end;

		if (k < NCOLS)
			f[k] = (struct str){ p, (size_t)(stop - p) };
		k++;
		if (!tab)
			return k;
		p = tab + 1;
	}
}

static int row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* A NUL-terminated arena copy of (s.p, s.n) with "\n" as newline and "\\"
 * as backslash. *ok goes false when out of memory. */
static const char *unescape(struct arena *a, struct str s, bool *ok)
{
	char *out = arena_alloc(a, s.n + 1), *o = out;

	if (!out) {
		*ok = false;
		return "";
	}
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '\\' && i + 1 < s.n && (s.p[i + 1] == 'n' || s.p[i + 1] == '\\')) {
			*o++ = s.p[i + 1] == 'n' ? '\n' : '\\';
			i++;
		} else {
			*o++ = s.p[i];
		}
	}
	*o = '\0';
	return out;
}

/* A trimmed, unescaped field; NULL for an empty one when empty_null. */
static const char *field(struct arena *a, struct str s, bool empty_null, bool *ok)
{
	s = str_trim(s);
	if (s.n == 0 && empty_null)
		return NULL;
	return unescape(a, s, ok);
}

/* First pass: the data lines and their 发布日期. *rows is malloc'd. */
static int scan(const struct input *in, const char *name, long today, struct row **rows, size_t *nrows)
{
	struct row *r = NULL;
	size_t k = 0, cap = 0, off = 0;
	unsigned line = 0;
	int rc = CLI_FAIL;

	if (in->n >= 3 && memcmp(in->p, "\xEF\xBB\xBF", 3) == 0)
		off = 3; /* UTF-8 byte order mark */
	while (off < in->n) {
		const char *p = in->p + off;
		const char *nl = memchr(p, '\n', in->n - off);
		size_t len = nl ? (size_t)(nl - p) : in->n - off;
		struct str f[NCOLS];
		size_t cols;
		long day = today;

		off += len + (nl ? 1 : 0);
		line++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0 || p[0] == '#' || str_trim((struct str){ p, len }).n == 0)
			continue;
		cols = split(p, len, f);
		if (cols != NCOLS) {
			cli_fail("%s 第 %u 行：应有 %d 列（以 Tab 分隔），实际 %zu 列", name, line, NCOLS, cols);
			goto out;
		}
		f[COL_PUBLISHED_ON] = str_trim(f[COL_PUBLISHED_ON]);
		if (f[COL_PUBLISHED_ON].n && date_parse(f[COL_PUBLISHED_ON].p, f[COL_PUBLISHED_ON].n, &day)) {
			cli_fail("%s 第 %u 行：发布日期“%.*s”无效，格式应为 YYYY-MM-DD", name, line,
				 (int)(f[COL_PUBLISHED_ON].n > 40 ? 40 : f[COL_PUBLISHED_ON].n), f[COL_PUBLISHED_ON].p);
			goto out;
		}
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct row *nr = realloc(r, nc * sizeof(*r));

			if (!nr) {
				cli_fail("%s", cli_err_text(ERR_NOMEM));
				goto out;
			}
			r = nr;
			cap = nc;
		}
		r[k++] = (struct row){ .day = day, .line = line, .off = (size_t)(p - in->p), .len = len };
	}
	*rows = r;
	*nrows = k;
	r = NULL;
	rc = 0;
out:
	free(r);
	return rc;
}

static const struct category *category_find(const struct category *cats, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cats[i].name, name) == 0)
			return &cats[i];
	return NULL;
}

/* Second pass, one row: check, and store it published with its 索引号. */
static int import_row(struct db *db, struct arena *a, const struct org *org, const struct category *cats,
		      size_t ncats, const char *now, const char *name, const struct input *in,
		      const struct row *r)
{
	struct str f[NCOLS];
	struct item it = { 0 };
	const struct category *cat;
	const char *msg = NULL, *category;
	char today[11];
	bool ok = true;
	int rc;

	date_format(date_today_cn(), today);
	split(in->p + r->off, r->len, f);
	category = field(a, f[COL_CATEGORY], false, &ok);
	it.title = field(a, f[COL_TITLE], false, &ok);
	it.doc_no = field(a, f[COL_DOCNO], false, &ok);
	it.publisher = field(a, f[COL_PUBLISHER], false, &ok);
	it.written_on = field(a, f[COL_WRITTEN_ON], true, &ok);
	it.published_on = field(a, f[COL_PUBLISHED_ON], true, &ok);
	it.genre = field(a, f[COL_GENRE], true, &ok);
	it.validity = field(a, f[COL_VALIDITY], true, &ok);
	it.validity_on = field(a, f[COL_VALIDITY_ON], true, &ok);
	it.topic = field(a, f[COL_TOPIC], false, &ok);
	it.body_md = unescape(a, f[COL_BODY], &ok);
	if (!ok)
		return cli_fail("%s", cli_err_text(ERR_NOMEM));
	if (!(cat = category_find(cats, ncats, category)))
		return cli_fail("%s 第 %u 行：公开类别“%s”在机构 %s 中不存在", name, r->line, category, org->slug);
	it.org_id = org->id;
	it.category_id = cat->id;
	it.status = "published";
	it.created_at = now;
	if ((rc = catalog_item_check(a, &it, &msg, NULL)))
		return cli_fail("%s 第 %u 行：%s", name, r->line, rc == ERR_INVALID && msg ? msg : cli_err_text(rc));
	if (!it.published_on || !*it.published_on)
		it.published_on = today;
	if ((rc = markdown_to_text(a, it.body_md, strlen(it.body_md), SIZE_MAX, &it.body_text)))
		return cli_fail("%s 第 %u 行：正文转换失败：%s", name, r->line, cli_err_text(rc));
	/* stored published at once, with its 索引号: one write per row */
	if ((rc = catalog_assign_index_no(db, a, org, it.published_on, &it.index_no)))
		return cli_fail("%s 第 %u 行：分配索引号失败：%s", name, r->line, cli_err_text(rc));
	if ((rc = store_item_insert(db, &it)))
		return cli_fail("%s 第 %u 行：保存失败：%s", name, r->line, cli_err_text(rc));
	return 0;
}

int cli_import_tsv(struct db *db, const struct org *org, FILE *f, const char *name, long long *count)
{
	struct input in = { 0 };
	struct row *rows = NULL;
	struct category *cats = NULL;
	struct arena meta, a;
	size_t nrows = 0, ncats = 0;
	bool progress = isatty(STDERR_FILENO) != 0;
	char now[21];
	int rc;

	*count = 0;
	arena_init(&meta, 0);
	arena_init(&a, 0);
	cli_now(now);
	if ((rc = input_load(f, &in))) {
		rc = cli_fail("读取 %s 失败：%s", name, rc == ERR_IO ? cli_errno_text(errno) : cli_err_text(rc));
		goto out;
	}
	if ((rc = scan(&in, name, date_today_cn(), &rows, &nrows)))
		goto out;
	if (nrows > 1)
		qsort(rows, nrows, sizeof(*rows), row_cmp);
	if (store_category_list(db, &meta, org->id, &cats, &ncats)) {
		rc = cli_fail("读取机构 %s 的公开类别失败", org->slug);
		goto out;
	}
	for (size_t i = 0; i < nrows; i++) {
		rc = import_row(db, &a, org, cats, ncats, now, name, &in, &rows[i]);
		arena_release(&a);
		if (rc)
			goto out;
		if (progress && (i + 1) % PROGRESS_EVERY == 0)
			fprintf(stderr, "\r已处理 %zu / %zu 条", i + 1, nrows);
	}
	if (progress && nrows >= PROGRESS_EVERY)
		fputc('\n', stderr);
	*count = (long long)nrows;
	rc = 0;
out:
	arena_release(&a);
	arena_release(&meta);
	free(rows);
	input_release(&in);
	return rc;
}

/* ---- gongkai import ---- */

int cli_import(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "bulk", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slug = NULL, *path, *name;
	bool bulk = false, bulk_on = false;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	FILE *f = NULL;
	long long n = 0;
	int o, rc;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		if (o == 'o')
			slug = optarg;
		else if (o == 'b')
			bulk = true;
	}
	if (o != CLI_OPT_END) {
		rc = cli_opt_exit(o);
		goto out;
	}
	if ((rc = cli_operands(c, argc, argv, 1, 1, "FILE（TSV 文件，- 为标准输入）")))
		goto out;
	path = argv[optind];
	if (!slug) {
		rc = cli_usage_fail(c, "缺少选项 --org");
		goto out;
	}
	if ((rc = cli_db_require(c)))
		goto out;
	if (strcmp(path, "-") == 0) {
		f = stdin;
		name = "标准输入";
	} else if (!(f = fopen(path, "rb"))) {
		rc = cli_fail("无法打开 %s：%s", path, cli_errno_text(errno));
		goto out;
	} else {
		name = path;
	}
	if ((rc = cli_db_open(c, true, &db, &fts, NULL)))
		goto out;
	rc = CLI_FAIL;
	if (bulk) {
		if (db_bulk_mode(db, true)) {
			cli_fail("批量导入需要独占数据库：请先停止使用该数据库的服务（gongkai serve）");
			goto out;
		}
		bulk_on = true;
	}
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	if (store_org_by_slug(db, &a, slug, &org)) {
		cli_fail("机构 %s 不存在", slug);
		goto out;
	}
	/* bulk: index the search once at the end instead of row by row */
	if (bulk && store_search_defer(db)) {
		cli_fail("无法暂停检索索引");
		goto out;
	}
	if (cli_import_tsv(db, &org, f, name, &n))
		goto out;
	if (bulk && store_search_rebuild(db)) {
		cli_fail("重建检索索引失败，未导入任何条目");
		goto out;
	}
	/* a bulk load is not audited row by row: one event says what came in */
	if (bulk) {
		json_t *j = json_pack("{sIss}", "items", (json_int_t)n, "file", name);
		char *detail = j ? json_dumps(j, 0) : NULL;
		int e = detail ? store_audit_event(db, org.id, "bulk_import", "items", 0, detail) : -1;

		free(detail);
		json_decref(j);
		if (e) {
			cli_fail("无法写入审计日志，未导入任何条目");
			goto out;
		}
	}
	if (db_commit(db)) {
		cli_fail("提交失败，未导入任何条目");
		goto out;
	}
	printf("已导入 %lld 条\n", n);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	if (bulk_on && db_bulk_mode(db, false))
		cli_fail("未能恢复数据库的 WAL 模式；下次打开时会自动恢复");
	if (f && f != stdin)
		fclose(f);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}
