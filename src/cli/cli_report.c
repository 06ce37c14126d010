/* cli_report.c - `gongkai report`: the annual report (政府信息公开工作年度
 * 报告) of an agency and year from its records, as Markdown, HTML, DOCX,
 * PDF, XLSX or JSON, on stdout or into a file; the staff's text of 一, 五
 * and 六 from files (else the ready sentences); the report's check
 * (report_check_doc) printed on stderr. `gongkai report check ...` is
 * cli_report_check (cli_report_check.c). */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/report/report.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

/* cli_report_check.c */
extern int cli_report_check(const struct cli *c, int argc, char **argv);

#define TEXT_FILE_MAX (1024 * 1024)
#define OUTPUT_MAX ((size_t)256 * 1024 * 1024)

struct fmt {
	const char *name;
	bool binary;
	int (*render)(struct arena *a, const struct report_doc *d, struct buf *out);
};

static int render_html_page(struct arena *a, const struct report_doc *d, struct buf *out)
{
	return report_render_html(a, d, true, out);
}

static const struct fmt formats[] = {
	{ "md", false, report_render_md },
	{ "html", false, render_html_page },
	{ "docx", true, report_render_docx },
	{ "pdf", true, report_render_pdf },
	{ "xlsx", true, report_render_xlsx },
	{ "json", false, report_render_json },
};

static const struct fmt *fmt_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

/* The format named by a file's extension ("report.docx"), or NULL. */
static const struct fmt *fmt_of_path(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash))
		return NULL;
	if (strcmp(dot + 1, "markdown") == 0)
		return fmt_find("md");
	if (strcmp(dot + 1, "htm") == 0)
		return fmt_find("html");
	return fmt_find(dot + 1);
}

static int read_text(struct arena *a, const char *path, const char **out)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t got;
	bool err;

	if (!f)
		return cli_fail("无法打开 %s：%s", path, cli_errno_text(errno));
	buf_init(&b, a, TEXT_FILE_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	err = ferror(f);
	fclose(f);
	if (err)
		return cli_fail("读取 %s 失败", path);
	if (b.err)
		return cli_fail("%s 过大（不超过 1 MB）", path);
	*out = buf_cstr(&b);
	/* a UTF-8 BOM from a Windows editor */
	if (strncmp(*out, "\xEF\xBB\xBF", 3) == 0)
		*out += 3;
	return 0;
}

/* "N,N,N,N": 2019 table 二 上一年项目数量 or 本年增/减 of 行政许可, 其他对外管理
 * 服务事项, 行政处罚, 行政强制. */
static int parse_four(const struct cli *c, const char *opt, const char *s, long long out[4])
{
	const char *p = s;

	for (int i = 0; i < 4; i++) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if ((i < 3) != (comma != NULL) || num_parse(p, n, -10000000, 10000000, &out[i]))
			return cli_usage_fail(c, "%s 应为逗号分隔的 4 个整数（行政许可、其他对外管理服务事项、行政处罚、行政强制）：%s",
					      opt, s);
		p = comma ? comma + 1 : p + n;
	}
	return 0;
}

/* Write (p, n) to path through a temporary file renamed over it. */
static int write_file(struct arena *a, const char *path, const char *p, size_t n)
{
	const char *tmp = arena_printf(a, "%s.tmp%ld", path, (long)getpid());
	FILE *f;
	bool ok;

	if (!tmp)
		return cli_fail("%s", cli_err_text(ERR_NOMEM));
	if (!(f = fopen(tmp, "wb")))
		return cli_fail("无法写入 %s：%s", path, cli_errno_text(errno));
	ok = fwrite(p, 1, n, f) == n;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return cli_fail("写入 %s 失败：%s", path, cli_errno_text(e));
	}
	return 0;
}

/* Print the check's issues on stderr; returns how many are errors. */
static size_t print_issues(const struct report_issue *v, size_t n)
{
	size_t errors = 0, warnings = 0;

	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, "gongkai: %s：%s：%s\n", v[i].severity == REPORT_ERROR ? "错误" : "警告", v[i].where,
			v[i].msg);
		if (v[i].severity == REPORT_ERROR)
			errors++;
		else
			warnings++;
	}
	if (n)
		fprintf(stderr, "gongkai: 检查发现错误 %zu 个、警告 %zu 个（错误应在发布前改正）\n", errors, warnings);
	return errors;
}

int cli_report(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'g' },
		{ "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "overview", required_argument, NULL, 'O' },
		{ "problems", required_argument, NULL, 'P' },
		{ "other", required_argument, NULL, 'T' },
		{ "items-prev", required_argument, NULL, 'p' },
		{ "items-delta", required_argument, NULL, 'd' },
		{ "no-check", no_argument, NULL, 'n' },
		{ 0, 0, 0, 0 },
	};
	const char *slug = NULL, *year_s = NULL, *fmt_s = NULL, *path = NULL, *files[3] = { NULL, NULL, NULL };
	const char *texts[3] = { NULL, NULL, NULL }, *msg = NULL;
	long long year = 0, prev[4] = { 0 }, delta[4] = { 0 };
	bool has_prev = false, has_delta = false, check = true;
	const struct fmt *fmt;
	struct report_narrative narr;
	struct report_doc doc;
	struct report_issue *issues = NULL;
	size_t nissues = 0, nerrors = 0;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	struct buf out;
	int o, rv = CLI_USAGE, e;

	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return cli_report_check(c, argc - 1, argv + 1);
	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "o:", opts)) >= 0) {
		switch (o) {
		case 'g': slug = optarg; break;
		case 'y': year_s = optarg; break;
		case 'f': fmt_s = optarg; break;
		case 'o': path = optarg; break;
		case 'O': files[0] = optarg; break;
		case 'P': files[1] = optarg; break;
		case 'T': files[2] = optarg; break;
		case 'n': check = false; break;
		case 'p':
			if (parse_four(c, "--items-prev", optarg, prev))
				goto out;
			has_prev = true;
			break;
		case 'd':
			if (parse_four(c, "--items-delta", optarg, delta))
				goto out;
			has_delta = true;
			break;
		default: break;
		}
	}
	if (o != CLI_OPT_END) {
		rv = cli_opt_exit(o);
		goto out;
	}
	if ((rv = cli_operands(c, argc, argv, 0, 0, "")))
		goto out;
	rv = CLI_USAGE;
	if (!slug) {
		cli_usage_fail(c, "请用 --org 指定机构");
		goto out;
	}
	if (!year_s || num_parse(year_s, strlen(year_s), REPORT_FIRST_YEAR, 2999, &year)) {
		cli_usage_fail(c, year_s ? "年度应为 %d 年以后的四位数字：%s" : "请用 --year 指定年度（%d 年以后）%s",
			       REPORT_FIRST_YEAR, year_s ? year_s : "");
		goto out;
	}
	if (fmt_s)
		fmt = fmt_find(fmt_s);
	else
		fmt = path ? fmt_of_path(path) : fmt_find("md");
	if (!fmt) {
		cli_usage_fail(c, fmt_s ? "未知的格式“%s”，可选：md、html、docx、pdf、xlsx、json" :
					  "无法从文件名 %s 判断格式，请用 --format 指定",
			       fmt_s ? fmt_s : path);
		goto out;
	}
	if (!path && fmt->binary && isatty(STDOUT_FILENO)) {
		cli_usage_fail(c, "%s 是二进制格式，请用 -o 指定输出文件", fmt->name);
		goto out;
	}
	rv = CLI_FAIL;
	for (int i = 0; i < 3; i++)
		if (files[i] && read_text(&a, files[i], &texts[i]))
			goto out;
	if (cli_db_require(c) || cli_db_open(c, false, &db, &fts, NULL))
		goto out;
	e = store_org_by_slug(db, &a, slug, &org);
	if (e == ERR_NOT_FOUND || (e == 0 && strcmp(org.kind, "agency") != 0)) {
		cli_fail("没有机构 %s", slug);
		goto out;
	}
	if (e) {
		cli_fail("读取机构失败：%s", cli_err_text(e));
		goto out;
	}
	narr = (struct report_narrative){ .overview = texts[0], .problems = texts[1], .other = texts[2],
					  .items_prev = has_prev ? prev : NULL, .items_delta = has_delta ? delta : NULL };
	if ((e = report_build(db, &a, &org, (int)year, &narr, &doc, &msg))) {
		if (e == ERR_INVALID && msg)
			cli_usage_fail(c, "%s", msg);
		else
			cli_fail("生成年度报告失败：%s", msg ? msg : cli_err_text(e));
		rv = e == ERR_INVALID && msg ? CLI_USAGE : CLI_FAIL;
		goto out;
	}
	for (size_t i = 0; i < doc.fig.nwarnings; i++)
		fprintf(stderr, "gongkai: 提示：%s\n", doc.fig.warnings[i]);
	buf_init(&out, &a, OUTPUT_MAX);
	if ((e = fmt->render(&a, &doc, &out)) || out.err) {
		cli_fail("生成 %s 失败：%s", fmt->name, cli_err_text(e ? e : out.err));
		goto out;
	}
	if (check) {
		if ((e = report_check_doc(db, &a, &org, &doc, &issues, &nissues))) {
			cli_fail("检查年度报告失败：%s", cli_err_text(e));
			goto out;
		}
		nerrors = print_issues(issues, nissues);
	}
	if (path) {
		if (write_file(&a, path, out.p ? out.p : "", out.n))
			goto out;
		fprintf(stderr, "gongkai: 已写入 %s（%s，%zu 字节）\n", path, doc.title, out.n);
	} else {
		fwrite(out.p ? out.p : "", 1, out.n, stdout);
		if (fflush(stdout) != 0) {
			cli_fail("写出失败：%s", cli_errno_text(errno));
			goto out;
		}
	}
	/* the report is written; errors of its check make the status 1 */
	rv = nerrors ? CLI_FAIL : CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rv;
}
