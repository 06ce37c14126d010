/* cli_calendar.c - `gongkai calendar`: the working-day calendar of the
 * platform org (the national calendar, 全国工作日历).
 *
 *   import FILE       replace the data of the years in FILE (- for stdin),
 *                     in one transaction: a bad file changes nothing (1)
 *   due DATE N        the N-th working day strictly after DATE
 *   due -             the same for "DATE N" lines on stdin, one date a line;
 *                     stops at the first bad line (2) or uncovered year (1),
 *                     the dates before it having been printed
 *   is-workday DATE   exit 0 for a working day, 1 for a day off, 2 for bad
 *                     input or a year without holiday data (never a guess)
 *   years             the covered years, and whether this year and the
 *                     next are covered
 *
 * Also cli_calendar_seed, which `gongkai init` uses to load the shipped
 * data/cn-calendar.tsv. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/cases.h"
#include "domain/calendar/calendar.h"
#include "store/db.h"
#include "store/store.h"
#include "core/banned.h"

#define CALENDAR_FILE "cn-calendar.tsv"
#define CALENDAR_FILE_MAX (4 * 1024 * 1024)
#define DUE_LINE_MAX 128

static const char *const weekday_names[] = { "一", "二", "三", "四", "五", "六", "日" };

/* A whole file (or stdin for "-") into arena memory. */
static int read_file(struct arena *a, const char *path, char **out, size_t *len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t got;
	int rc = CLI_FAIL;

	if (!f)
		return cli_fail("无法打开 %s：%s", path, cli_errno_text(errno));
	buf_init(&b, a, CALENDAR_FILE_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.err)
		buf_append(&b, chunk, got);
	if (ferror(f)) {
		cli_fail("读取 %s 失败", is_stdin ? "标准输入" : path);
		goto out;
	}
	if (b.err) {
		cli_fail("%s 过大（不超过 %d MB）", is_stdin ? "标准输入" : path, CALENDAR_FILE_MAX >> 20);
		goto out;
	}
	*out = (char *)buf_cstr(&b);
	*len = b.n;
	rc = 0;
out:
	if (!is_stdin)
		fclose(f);
	return rc;
}

/* Years as ranges: "2007-2019、2021". Arena memory ("" for none). */
static const char *years_text(struct arena *a, const int *years, size_t n)
{
	struct buf b;

	buf_init(&b, a, 4096);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && years[j + 1] == years[j] + 1)
			j++;
		buf_printf(&b, "%s%d", i ? "、" : "", years[i]);
		if (j > i)
			buf_printf(&b, "-%d", years[j]);
		i = j + 1;
	}
	return buf_cstr(&b);
}

/* The platform org's id; reported when absent. */
static int platform_id(struct db *db, struct arena *a, long long *id)
{
	struct org o;
	int rc = store_org_platform(db, a, &o);

	if (rc == ERR_NOT_FOUND)
		return cli_fail("平台机构不存在，请先运行 gongkai init");
	if (rc)
		return cli_fail("读取平台机构失败：%s", cli_err_text(rc));
	*id = o.id;
	return 0;
}

/* Open the database and load the platform's calendar into *cal. */
static int open_calendar(const struct cli *c, struct arena *a, struct db **db, struct fts_ctx **fts,
			 struct calendar *cal)
{
	long long org_id;
	int rc;

	if (cli_db_require(c) || cli_db_open(c, true, db, fts, NULL) || platform_id(*db, a, &org_id))
		return CLI_FAIL;
	if ((rc = calendar_load(*db, a, org_id, cal)))
		return cli_fail("读取工作日历失败：%s", cli_err_text(rc));
	return 0;
}

static int missing_fail(int year)
{
	return cli_fail("工作日历缺少 %d 年的节假日数据，无法计算（不按周一至周五推算）；"
			"请用 gongkai calendar import FILE 导入",
			year);
}

/* Parse and check a whole file: rows and the years they cover. */
static int parse_file(struct arena *a, const char *path, struct calendar_row **rows, size_t *n)
{
	const char *msg = NULL;
	char *text;
	size_t len;
	int rc;

	if (read_file(a, path, &text, &len))
		return CLI_FAIL;
	rc = calendar_parse_tsv(a, text, len, rows, n, &msg);
	if (rc == ERR_INVALID)
		return cli_fail("%s：%s；未做改动", strcmp(path, "-") == 0 ? "标准输入" : path, msg);
	if (rc)
		return cli_fail("读取 %s 失败：%s", path, cli_err_text(rc));
	return 0;
}

static void count_kinds(const struct calendar_row *rows, size_t n, size_t *off, size_t *work)
{
	*off = *work = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].kind == CAL_WORK)
			(*work)++;
		else
			(*off)++;
	}
}

int cli_calendar_seed(struct db *db, struct arena *a, long long org_id, const char **summary)
{
	struct calendar_row *rows = NULL;
	const char *dir, *path;
	int *years = NULL, *have = NULL;
	size_t n = 0, ny = 0, nhave = 0, off, work;
	int rc;

	*summary = NULL;
	if ((rc = store_calendar_years(db, a, org_id, &have, &nhave)))
		return cli_fail("读取工作日历失败：%s", cli_err_text(rc));
	if (nhave)
		return 0;
	if (cli_data_dir(a, CALENDAR_FILE, &dir)) {
		fflush(stdout);
		fprintf(stderr, "gongkai: 提示：找不到数据目录中的 %s，未载入工作日历；"
				"期限计算前请用 gongkai calendar import FILE 导入\n",
			CALENDAR_FILE);
		return 0;
	}
	if (!(path = arena_printf(a, "%s/" CALENDAR_FILE, dir)))
		return cli_fail("%s", cli_err_text(ERR_NOMEM));
	if (parse_file(a, path, &rows, &n))
		return CLI_FAIL;
	if ((rc = calendar_import(db, a, org_id, rows, n)) || (rc = calendar_rows_years(a, rows, n, &years, &ny)))
		return cli_fail("载入工作日历失败：%s", cli_err_text(rc));
	count_kinds(rows, n, &off, &work);
	*summary = arena_printf(a, "%zu 天（放假 %zu 天、调休上班 %zu 天），%s 年（%s）", n, off, work,
				years_text(a, years, ny), path);
	return 0;
}

static int cal_import(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct calendar_row *rows = NULL;
	int *years = NULL, *had = NULL, *replaced = NULL;
	size_t n = 0, ny = 0, nhad = 0, nrep = 0, off, work;
	long long org_id, changed = 0;
	const char *path;
	char now[21];
	int o, rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 1, 1, "FILE")))
		goto out;
	path = argv[optind];
	rc = CLI_FAIL;
	if (cli_db_require(c) || parse_file(&a, path, &rows, &n))
		goto out;
	if (calendar_rows_years(&a, rows, n, &years, &ny) ||
	    !(replaced = arena_alloc(&a, ny * sizeof(*replaced)))) {
		cli_fail("%s", cli_err_text(ERR_NOMEM));
		goto out;
	}
	if (cli_db_open(c, true, &db, &fts, NULL))
		goto out;
	if (db_begin(db)) {
		cli_fail("数据库正忙，请稍后再试");
		goto out;
	}
	if (platform_id(db, &a, &org_id))
		goto out;
	if ((o = store_calendar_years(db, &a, org_id, &had, &nhad)) || (o = calendar_import(db, &a, org_id, rows, n))) {
		cli_fail("导入工作日历失败：%s；未做改动", cli_err_text(o));
		goto out;
	}
	/* open applications' due dates follow the new calendar */
	time_format_utc(time(NULL), now);
	if ((o = app_calendar_changed(db, &a, org_id, now, &changed))) {
		cli_fail("重新计算在办申请的答复期限失败：%s；未做改动", cli_err_text(o));
		goto out;
	}
	if (db_commit(db)) {
		cli_fail("提交失败，未做改动");
		goto out;
	}
	for (size_t i = 0, j = 0; i < ny; i++) {
		while (j < nhad && had[j] < years[i])
			j++;
		if (j < nhad && had[j] == years[i])
			replaced[nrep++] = years[i];
	}
	count_kinds(rows, n, &off, &work);
	printf("已导入工作日历：%zu 天（放假 %zu 天、调休上班 %zu 天），%s 年\n", n, off, work,
	       years_text(&a, years, ny));
	if (nrep)
		printf("其中 %s 年的原有数据已被替换\n", years_text(&a, replaced, nrep));
	if (changed)
		printf("%lld 件在办申请的答复期限已按新日历重新计算（见各申请的期限变更记录）\n", changed);
	rc = CLI_OK;
out:
	if (db)
		db_rollback(db);
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* "DATE N" with blanks around and between (the \n already removed). */
static int due_line(const struct calendar *cal, const char *s, size_t len, long lineno)
{
	struct str t = str_trim((struct str){ s, len });
	const char *sp;
	struct str num;
	long day, due;
	long long n;
	int rc, missing = 0;
	char d[11];

	sp = t.p;
	while (sp < t.p + t.n && *sp != ' ' && *sp != '\t')
		sp++;
	num = str_trim((struct str){ sp, (size_t)(t.p + t.n - sp) });
	if (t.n == 0 || date_parse(t.p, (size_t)(sp - t.p), &day) ||
	    num_parse(num.p, num.n, 1, CALENDAR_N_MAX, &n)) {
		cli_fail("标准输入第 %ld 行：应为“YYYY-MM-DD 天数”（天数 1-%d）", lineno, CALENDAR_N_MAX);
		return CLI_USAGE;
	}
	rc = calendar_add_workdays(cal, day, (int)n, &due, &missing);
	if (rc == ERR_NOT_FOUND) {
		cli_fail("标准输入第 %ld 行：工作日历缺少 %d 年的节假日数据，无法计算；"
			 "请用 gongkai calendar import FILE 导入",
			 lineno, missing);
		return CLI_FAIL;
	}
	if (rc)
		return cli_fail("标准输入第 %ld 行：%s", lineno, cli_err_text(rc));
	date_format(due, d);
	fputs(d, stdout);
	putchar('\n');
	return 0;
}

static int due_stdin(const struct calendar *cal)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	long lineno = 0;
	int rc = 0;

	while ((got = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)got;

		lineno++;
		if (len && line[len - 1] == '\n')
			len--;
		if (len > DUE_LINE_MAX) {
			rc = CLI_USAGE;
			cli_fail("标准输入第 %ld 行过长", lineno);
			break;
		}
		if (memchr(line, '\0', len)) {
			rc = CLI_USAGE;
			cli_fail("标准输入第 %ld 行含有 NUL 字符", lineno);
			break;
		}
		if ((rc = due_line(cal, line, len, lineno)))
			break;
	}
	if (!rc && ferror(stdin))
		rc = cli_fail("读取标准输入失败");
	free(line);
	return rc;
}

static int cal_due(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct calendar cal;
	long day = 0, due;
	long long n = 0;
	int rc, missing = 0;
	char d[11];

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 1, 2, "DATE N（或 -）")))
		goto out;
	rc = CLI_USAGE;
	if (strcmp(argv[optind], "-") == 0) {
		if (argc - optind != 1) {
			cli_usage_fail(c, "due - 从标准输入读取，不再接受其他参数");
			goto out;
		}
	} else {
		if (argc - optind != 2) {
			cli_usage_fail(c, "缺少参数 N（工作日天数）");
			goto out;
		}
		if (date_parse(argv[optind], strlen(argv[optind]), &day)) {
			cli_usage_fail(c, "日期“%s”无效，应为 YYYY-MM-DD", argv[optind]);
			goto out;
		}
		if (num_parse(argv[optind + 1], strlen(argv[optind + 1]), 1, CALENDAR_N_MAX, &n)) {
			cli_usage_fail(c, "天数 N 应为 1 到 %d 之间的整数", CALENDAR_N_MAX);
			goto out;
		}
	}
	rc = CLI_FAIL;
	if (open_calendar(c, &a, &db, &fts, &cal))
		goto out;
	if (n == 0) {
		rc = due_stdin(&cal);
	} else {
		rc = calendar_add_workdays(&cal, day, (int)n, &due, &missing);
		if (rc == ERR_NOT_FOUND) {
			rc = missing_fail(missing);
			goto out;
		}
		if (rc) {
			rc = cli_fail("%s", cli_err_text(rc));
			goto out;
		}
		date_format(due, d);
		printf("%s\n", d);
	}
	if (fflush(stdout) || ferror(stdout))
		rc = cli_fail("写出结果失败");
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int cal_is_workday(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct calendar cal;
	const struct calendar_row *r;
	bool work = false;
	long day;
	int rc, y, m, d;
	char ds[11];

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 1, 1, "DATE")))
		goto out;
	if (date_parse(argv[optind], strlen(argv[optind]), &day)) {
		rc = cli_usage_fail(c, "日期“%s”无效，应为 YYYY-MM-DD", argv[optind]);
		goto out;
	}
	/* 1 means "not a working day", so every failure is 2 */
	rc = CLI_USAGE;
	if (open_calendar(c, &a, &db, &fts, &cal))
		goto out;
	if (calendar_is_workday(&cal, day, &work)) {
		date_to_ymd(day, &y, &m, &d);
		missing_fail(y);
		goto out;
	}
	date_format(day, ds);
	r = calendar_lookup(&cal, day);
	if (r)
		printf("%s 星期%s %s（%s%s）\n", ds, weekday_names[date_weekday(day)], work ? "工作日" : "休息日",
		       r->name, work ? "调休上班" : "");
	else
		printf("%s 星期%s %s\n", ds, weekday_names[date_weekday(day)], work ? "工作日" : "休息日");
	rc = work ? CLI_OK : CLI_FAIL;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int cal_years(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	long long org_id;
	int *years = NULL, o, rc, y, m, d;
	size_t n = 0;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 0, 0, "")))
		goto out;
	rc = CLI_FAIL;
	if (cli_db_require(c) || cli_db_open(c, true, &db, &fts, NULL) || platform_id(db, &a, &org_id))
		goto out;
	if ((o = store_calendar_years(db, &a, org_id, &years, &n))) {
		cli_fail("读取工作日历失败：%s", cli_err_text(o));
		goto out;
	}
	if (n)
		printf("已有节假日数据的年份：%s（共 %zu 年）\n", years_text(&a, years, n), n);
	else
		printf("工作日历中还没有任何年份的节假日数据\n");
	date_to_ymd(date_today_cn(), &y, &m, &d);
	for (int k = 0; k < 2; k++) {
		bool have = false;

		for (size_t i = 0; i < n; i++)
			have = have || years[i] == y + k;
		if (have)
			printf("%s（%d 年）：已有\n", k ? "明年" : "今年", y + k);
		else
			printf("%s（%d 年）：缺少，期限落在该年的申请无法计算到期日；"
			       "国务院办公厅公布节假日安排后请用 gongkai calendar import FILE 导入\n",
			       k ? "明年" : "今年", y + k);
	}
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static const struct cli_sub subs[] = {
	{ "import", cal_import },
	{ "due", cal_due },
	{ "is-workday", cal_is_workday },
	{ "years", cal_years },
};

int cli_calendar(const struct cli *c, int argc, char **argv)
{
	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]), "import、due、is-workday、years");
}
