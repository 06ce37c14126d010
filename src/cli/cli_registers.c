/* cli_registers.c - `gongkai registers`: CSV import and export of the
 * registers (政民互动, 建议提案, 复议诉讼, 第二十条 registers, channel
 * figures), with a dry run and a progress line on a terminal. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/calendar/calendar.h"
#include "domain/registers/registers.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define CSV_FILE_MAX (32 * 1024 * 1024)

static const char *kinds_list(struct arena *a)
{
	struct buf b;

	buf_init(&b, a, 1024);
	for (size_t i = 0; i < reg_kinds_count; i++)
		buf_printf(&b, "%s%s（%s）", i ? "、" : "", reg_kinds[i]->code, reg_kinds[i]->label);
	return buf_cstr(&b);
}

static int find_kind(const struct cli *c, struct arena *a, const char *code, const struct reg_kind **k)
{
	if (!(*k = reg_kind_find(code)))
		return cli_usage_fail(c, "未知的登记簿“%s”，可选：%s", code, kinds_list(a));
	return 0;
}

static int read_all(struct arena *a, const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t got;

	if (!f)
		return cli_fail("无法打开 %s：%s", path, cli_errno_text(errno));
	buf_init(&b, a, CSV_FILE_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	if (f != stdin)
		fclose(f);
	if (b.err)
		return cli_fail("%s 过大（不超过 32 MB）", path);
	*out = (char *)buf_cstr(&b);
	*len = b.n;
	return 0;
}

static void progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	fprintf(stderr, "\r已导入 %zu / %zu 行", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Open the database, find the org and load the platform calendar. */
static int open_ctx(const struct cli *c, struct arena *a, const char *slug, struct db **db, struct fts_ctx **fts,
		    struct org *org, struct calendar *cal, struct reg_ctx *rc, char now[21])
{
	struct org platform;
	int e;

	if (cli_db_require(c) || cli_db_open(c, false, db, fts, NULL))
		return CLI_FAIL;
	e = store_org_by_slug(*db, a, slug, org);
	if (e == ERR_NOT_FOUND || (e == 0 && strcmp(org->kind, "agency") != 0))
		return cli_fail("没有机构 %s", slug);
	if (e)
		return cli_fail("读取机构失败：%s", cli_err_text(e));
	if ((e = store_org_platform(*db, a, &platform)) || (e = calendar_load(*db, a, platform.id, cal)))
		return cli_fail("读取工作日历失败：%s", cli_err_text(e));
	cli_now(now);
	*rc = (struct reg_ctx){ .db = *db, .a = a, .org = org, .cal = cal, .now = now, .today = date_today_cn() };
	return 0;
}

/* registers import KIND --org SLUG [--dry-run] [--encoding E] FILE */
static int reg_import(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "encoding", required_argument, NULL, 'e' },
		{ 0, 0, 0, 0 },
	};
	const char *slug = NULL, *enc = NULL;
	const struct reg_kind *k;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	struct calendar cal;
	struct reg_ctx rc;
	struct csv_report rep;
	bool dry = false;
	char now[21], *bytes;
	size_t len;
	int o, rv = CLI_USAGE, e;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		if (o == 'o')
			slug = optarg;
		else if (o == 'n')
			dry = true;
		else
			enc = optarg;
	}
	if (o != CLI_OPT_END) {
		rv = cli_opt_exit(o);
		goto out;
	}
	if ((rv = cli_operands(c, argc, argv, 2, 2, "KIND FILE")))
		goto out;
	rv = CLI_USAGE;
	if (!slug) {
		cli_usage_fail(c, "请用 --org 指定机构");
		goto out;
	}
	if (find_kind(c, &a, argv[optind], &k))
		goto out;
	rv = CLI_FAIL;
	if (read_all(&a, argv[optind + 1], &bytes, &len) ||
	    open_ctx(c, &a, slug, &db, &fts, &org, &cal, &rc, now))
		goto out;
	if (isatty(STDERR_FILENO))
		rc.progress = progress;
	e = k->import_csv(&rc, bytes, len, enc, dry, &rep);
	if (e == ERR_INVALID || rep.nerrors) {
		for (size_t i = 0; i < rep.nerrors && i < CSV_MAX_ERRORS; i++)
			fprintf(stderr, "gongkai: %s\n", rep.errors[i]);
		if (rep.nerrors > CSV_MAX_ERRORS)
			fprintf(stderr, "gongkai: ……另有 %zu 行有误\n", rep.nerrors - CSV_MAX_ERRORS);
		cli_fail("%s：%zu 处错误，未导入任何数据", argv[optind + 1], rep.nerrors);
		goto out;
	}
	if (e) {
		cli_fail("导入失败：%s；未导入任何数据", cli_err_text(e));
		goto out;
	}
	if (dry)
		printf("检查通过（%s 编码）：%zu 行均有效，未导入（--dry-run）\n", rep.encoding ? rep.encoding : "UTF-8",
		       rep.rows);
	else
		printf("已导入%s %zu 行（%s 编码）\n", k->label, rep.stored, rep.encoding ? rep.encoding : "UTF-8");
	rv = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rv;
}

/* registers export KIND --org SLUG [--year Y] [--personal] */
static int reg_export(const struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "year", required_argument, NULL, 'y' },
		{ "personal", no_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	const char *slug = NULL, *year_s = NULL;
	const struct reg_kind *k;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org org;
	struct calendar cal;
	struct reg_ctx rc;
	struct buf b;
	bool personal = false;
	long long year = 0;
	char now[21];
	int o, rv = CLI_USAGE, e;

	arena_init(&a, 0);
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0) {
		if (o == 'o')
			slug = optarg;
		else if (o == 'y')
			year_s = optarg;
		else
			personal = true;
	}
	if (o != CLI_OPT_END) {
		rv = cli_opt_exit(o);
		goto out;
	}
	if ((rv = cli_operands(c, argc, argv, 1, 1, "KIND")))
		goto out;
	rv = CLI_USAGE;
	if (!slug) {
		cli_usage_fail(c, "请用 --org 指定机构");
		goto out;
	}
	if (year_s && num_parse(year_s, strlen(year_s), 1900, 2999, &year)) {
		cli_usage_fail(c, "年份无效：%s", year_s);
		goto out;
	}
	if (find_kind(c, &a, argv[optind], &k))
		goto out;
	rv = CLI_FAIL;
	if (open_ctx(c, &a, slug, &db, &fts, &org, &cal, &rc, now))
		goto out;
	buf_init(&b, &a, (size_t)1 << 30);
	if ((e = k->export_csv(&rc, (int)year, personal, &b)) || b.err) {
		cli_fail("导出失败：%s", cli_err_text(e ? e : b.err));
		goto out;
	}
	fwrite(buf_cstr(&b), 1, b.n, stdout);
	rv = fflush(stdout) == 0 ? CLI_OK : cli_fail("写出失败：%s", cli_errno_text(errno));
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rv;
}

/* registers list: the registers and their codes */
static int reg_list(const struct cli *c, int argc, char **argv)
{
	int rv;

	if ((rv = cli_args(c, argc, argv, 0, 0, "")))
		return rv;
	for (size_t i = 0; i < reg_kinds_count; i++)
		printf("%-16s %s\n", reg_kinds[i]->code, reg_kinds[i]->label);
	return CLI_OK;
}

int cli_registers(const struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "import", reg_import },
		{ "export", reg_export },
		{ "list", reg_list },
	};

	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]), "import、export、list");
}
