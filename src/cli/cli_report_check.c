/* cli_report_check.c - `gongkai report check [--year YYYY] FILE`: check an
 * annual report written elsewhere (report_check_text in
 * domain/report/checker.c) and print each issue with where it is.
 *
 * FILE is read whole ("-" is standard input, at most 50 MB) and its kind
 * decided by its content, not its name: a ZIP archive is a DOCX (its
 * word/document.xml, paragraphs as lines: issues say "第 N 段"); anything
 * else is text (Markdown or plain) in UTF-8 (a BOM is dropped), UTF-16 with
 * a BOM, or else GB18030/GBK (issues say "第 N 行"). An old binary .doc
 * and a PDF are refused with a hint.
 *
 * Exit status: 0 no error (warnings may be printed), 1 errors found, 2 the
 * file cannot be read or is not an annual report (or a usage error). */
#include "cli/cli.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/report/report.h"
#include "core/banned.h"

#define CHECK_MAX_BYTES ((size_t)50 << 20)

enum { CHECK_OK = 0, CHECK_ERRORS = 1, CHECK_UNREADABLE = 2 };

/* The whole file (or stdin for "-") into the arena. 0, or an errno value
 * (EFBIG past CHECK_MAX_BYTES). */
static int read_all(struct arena *a, const char *path, char **out, size_t *n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct buf b;
	char chunk[65536];
	size_t got;
	int e = 0;

	if (!f)
		return errno;
	buf_init(&b, a, CHECK_MAX_BYTES);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.err)
		buf_append(&b, chunk, got);
	if (ferror(f))
		e = errno ? errno : EIO;
	if (f != stdin)
		fclose(f);
	if (e)
		return e;
	if (b.err)
		return b.err == ERR_TOO_LARGE ? EFBIG : ENOMEM;
	*n = b.n;
	*out = (char *)buf_cstr(&b);
	return 0;
}

/* bytes in encoding "from" to UTF-8 in the arena; false when they are not
 * valid in it. */
static bool convert(struct arena *a, const char *from, const char *in, size_t n, const char **out, size_t *len)
{
	iconv_t cd = iconv_open("UTF-8", from);
	size_t cap = 2 * n + 16, left = cap, inleft = n;
	char *dst, *op, *ip = (char *)in;
	bool ok;

	if (cd == (iconv_t)-1)
		return false;
	if (!(dst = arena_alloc(a, cap))) {
		iconv_close(cd);
		return false;
	}
	op = dst;
	ok = iconv(cd, &ip, &inleft, &op, &left) != (size_t)-1 && inleft == 0 &&
	     iconv(cd, NULL, NULL, &op, &left) != (size_t)-1;
	iconv_close(cd);
	if (!ok || left == 0)
		return false;
	*op = '\0';
	*out = dst;
	*len = (size_t)(op - dst);
	return true;
}

/* The text of a non-DOCX file: *enc names the encoding found. Returns a
 * message (static) when it is not text. */
static const char *decode_text(struct arena *a, const char *b, size_t n, const char **text, size_t *len,
			       const char **enc)
{
	if (n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) {
		b += 3;
		n -= 3;
		if (!utf8_valid(b, n))
			return "文件以 UTF-8 的 BOM 开头，内容却不是有效的 UTF-8 编码。";
		*enc = "UTF-8";
	} else if (n >= 2 && (!memcmp(b, "\xFF\xFE", 2) || !memcmp(b, "\xFE\xFF", 2))) {
		if (!convert(a, "UTF-16", b, n, text, len))
			return "文件以 UTF-16 的 BOM 开头，内容却不是有效的 UTF-16 编码。";
		*enc = "UTF-16";
		b = *text;
		n = *len;
	} else if (utf8_valid(b, n)) {
		*enc = "UTF-8";
	} else {
		if (!convert(a, "GB18030", b, n, text, len))
			return "文件既不是 UTF-8 也不是 GBK 编码的文本。";
		*enc = "GBK";
		b = *text;
		n = *len;
	}
	if (memchr(b, '\0', n))
		return "这不是文本文件（含有二进制内容）。";
	*text = b;
	*len = n;
	return NULL;
}

/* "第 N 行" as "第 N 段" for a DOCX, whose lines are paragraphs and table rows. */
static void print_where(const char *where, bool docx)
{
	size_t n = strlen(where);

	if (docx && n > strlen("第  行") && !strncmp(where, "第 ", strlen("第 ")) &&
	    !strcmp(where + n - strlen(" 行"), " 行"))
		printf("%.*s 段", (int)(n - strlen(" 行")), where);
	else
		fputs(where, stdout);
}

int cli_report_check(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	struct arena a;
	struct report_issue *is = NULL;
	const char *path, *text = NULL, *enc = "", *msg = NULL;
	char *bytes = NULL;
	size_t n = 0, len = 0, nis = 0, errors = 0, warnings = 0;
	long long hint = 0;
	int o, rc, e, year = 0, status = CHECK_UNREADABLE;
	bool docx = false;

	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "y:", opts)) != CLI_OPT_END) {
		if (o == 'y') {
			if (num_parse(optarg, strlen(optarg), REPORT_FIRST_YEAR, 9999, &hint))
				return cli_usage_fail(c, "年份“%s”无效，应为 %d 年及以后的四位数年份", optarg,
						      REPORT_FIRST_YEAR);
			continue;
		}
		return cli_opt_exit(o);
	}
	if ((rc = cli_operands(c, argc, argv, 1, 1, "FILE")))
		return rc;
	path = argv[optind];
	arena_init(&a, 0);
	if ((e = read_all(&a, path, &bytes, &n))) {
		if (e == EFBIG)
			cli_fail("%s：文件过大（不超过 50 MB）", path);
		else
			cli_fail("无法读取 %s：%s", path, cli_errno_text(e));
		goto out;
	}
	if (n >= 4 && (!memcmp(bytes, "PK\x03\x04", 4) || !memcmp(bytes, "PK\x05\x06", 4))) {
		docx = true;
		enc = "DOCX";
		if ((rc = report_docx_text(&a, bytes, n, &text, &len, &msg))) {
			cli_fail("%s：%s", path, msg ? msg : cli_err_text(rc));
			goto out;
		}
	} else if (n >= 8 && !memcmp(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		cli_fail("%s 是旧版 Word（.doc）等二进制格式，请另存为 .docx 或纯文本后再检查", path);
		goto out;
	} else if (n >= 5 && !memcmp(bytes, "%PDF-", 5)) {
		cli_fail("%s 是 PDF 文件，暂不能检查，请提供 .docx、.md 或 .txt 文件", path);
		goto out;
	} else if ((msg = decode_text(&a, bytes, n, &text, &len, &enc))) {
		cli_fail("%s：%s", path, msg);
		goto out;
	}
	rc = report_check_text(&a, text, len, (int)hint, &year, &is, &nis);
	if (rc == ERR_INVALID) {
		cli_fail("%s：%s", path, nis ? is[0].msg : "这不是政府信息公开工作年度报告。");
		goto out;
	}
	if (rc) {
		cli_fail("%s：检查失败（%s）", path, cli_err_text(rc));
		goto out;
	}
	printf("检查 %s（%s%s）\n", path, docx ? "" : "文本，", docx ? "DOCX 文件" : enc);
	if (year >= REPORT_FIRST_YEAR)
		printf("报告年份：%d 年，按%s的格式检查\n", year,
		       year >= 2021 ? "国办公开办函〔2021〕30号" : "国办公开办函〔2019〕60号");
	else if (year)
		printf("报告年份：%d 年（早于 2019 年起施行的年度报告格式）\n", year);
	else
		printf("报告年份：未能确定\n");
	for (size_t i = 0; i < nis; i++) {
		bool err = is[i].severity == REPORT_ERROR;

		print_where(is[i].where, docx);
		printf("：【%s】%s\n", err ? "错误" : "警告", is[i].msg);
		errors += err;
		warnings += !err;
	}
	if (!errors && !warnings)
		printf("未发现问题。\n");
	else
		printf("共发现 %zu 个错误、%zu 个警告。\n", errors, warnings);
	status = errors ? CHECK_ERRORS : CHECK_OK;
out:
	fflush(stdout);
	arena_release(&a);
	return status;
}
