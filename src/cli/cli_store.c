/* cli_store.c - `gongkai store copy|verify`: move a database between
 * SQLite and PostgreSQL (either way, or SQLite to SQLite), all of it or
 * one agency, checked table by table (src/store/copy.c does the work);
 * and the attachment files the copied rows name, which are not in the
 * database. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/copy.h"
#include "store/db.h"
#include "store/fts.h"
#include "core/banned.h"

struct store_args {
	const char *from, *to, *org, *files_from, *files_to;
	bool force;
};

static int parse(const struct cli *c, int argc, char **argv, bool copy, struct store_args *s)
{
	static const struct option copy_opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "org", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "files-from", required_argument, NULL, 'a' },
		{ "files-to", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option verify_opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "org", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	memset(s, 0, sizeof(*s));
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", copy ? copy_opts : verify_opts)) >= 0) {
		switch (o) {
		case 'f': s->from = optarg; break;
		case 't': s->to = optarg; break;
		case 'o': s->org = optarg; break;
		case 'F': s->force = true; break;
		case 'a': s->files_from = optarg; break;
		case 'b': s->files_to = optarg; break;
		}
	}
	if (o != CLI_OPT_END)
		return cli_opt_exit(o);
	if (cli_operands(c, argc, argv, 0, 0, ""))
		return CLI_USAGE;
	if (!s->from || !*s->from || !s->to || !*s->to)
		return cli_usage_fail(c, "需要 --from 源库 和 --to 目标库（SQLite 文件路径或 postgresql://… 连接串）");
	if (s->org && !cli_slug_valid(s->org))
		return cli_usage_fail(c, "--org 应为机构标识（小写字母、数字和 -）");
	if (!s->files_from != !s->files_to)
		return cli_usage_fail(c, "--files-from 和 --files-to 须同时给出");
	return 0;
}

/* The same database on both sides (the same file, or the same URL)? */
static bool same_target(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (db_target_is_pg(a) || db_target_is_pg(b))
		return strcmp(a, b) == 0;
	if (!realpath(a, ra) || !realpath(b, rb))
		return false;
	return strcmp(ra, rb) == 0;
}

static int open_db(const char *target, bool readonly, struct fts_ctx *fts, struct db **db)
{
	struct stat st;

	if (!db_target_is_pg(target) && readonly && stat(target, &st) != 0)
		return cli_fail("数据库 %s 不存在", target);
	if (db_open(target, &(struct db_opts){ .fts = fts, .readonly = readonly, .cache_mb = 256 }, db))
		return cli_fail("无法打开数据库 %s", target);
	return 0;
}

static void print_report(const struct copy_report *r)
{
	printf("%-26s %10s %10s  %-16s  %-16s  %s\n", "表", "源库行数", "目标库行数", "源库校验值", "目标库校验值", "结果");
	for (size_t i = 0; i < r->n; i++) {
		const struct copy_table *t = &r->t[i];

		if (t->compared)
			printf("%-26s %10lld %10lld  %-16s  %-16s  %s", t->name, t->src_rows, t->dst_rows, t->src_sum,
			       t->dst_sum, t->ok ? "一致" : "不一致");
		else
			printf("%-26s %10s %10s  %-16s  %-16s  %s", t->name, "-", "-", "-", "-", t->ok ? "-" : "不一致");
		if (t->shared)
			printf("（另复制被引用的共享记录 %lld 条）", t->shared);
		if (t->kept)
			printf("（目标库已有的共享记录 %lld 条，保留未改）", t->kept);
		if (t->note)
			printf("（%s）", t->note);
		putchar('\n');
	}
}

/* Copy one file by way of a temporary name (fsync, then rename). */
static int copy_file(const char *from, const char *to)
{
	char tmp[PATH_MAX + 96], buf[65536];
	int in, out, rc = -1;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (n == 0 && fsync(out) == 0)
		rc = 0;
	close(in);
	if (close(out) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, to) != 0)
		rc = -1;
	if (rc)
		unlink(tmp);
	return rc;
}

/* The attachment files of the copied rows: DIR/<2 hex>/<sha256>. */
static int copy_files(const struct copy_report *r, const char *from, const char *to)
{
	long long copied = 0, present = 0, missing = 0, failed = 0;
	char src[PATH_MAX], dst[PATH_MAX + 80], sub[PATH_MAX];

	if (mkdir(to, 0750) != 0 && errno != EEXIST)
		return cli_fail("无法创建附件目录 %s：%s", to, cli_errno_text(errno));
	for (size_t i = 0; i < r->nfiles; i++) {
		const char *h = r->files[i];
		struct stat s1, s2;

		snprintf(src, sizeof(src), "%s/%.2s/%s", from, h, h);
		snprintf(sub, sizeof(sub), "%s/%.2s", to, h);
		snprintf(dst, sizeof(dst), "%s/%s", sub, h);
		if (stat(src, &s1) != 0) {
			fprintf(stderr, "gongkai: 源附件目录中缺少文件 %s\n", src);
			missing++;
			continue;
		}
		if (stat(dst, &s2) == 0 && s2.st_size == s1.st_size) {
			present++;
			continue;
		}
		if ((mkdir(sub, 0750) != 0 && errno != EEXIST) || copy_file(src, dst) != 0) {
			fprintf(stderr, "gongkai: 无法复制附件 %s：%s\n", src, cli_errno_text(errno));
			failed++;
			continue;
		}
		copied++;
	}
	printf("附件：复制 %lld 个文件，目标目录已有 %lld 个，缺少 %lld 个，失败 %lld 个（%s → %s）\n", copied, present,
	       missing, failed, from, to);
	return missing || failed ? CLI_FAIL : CLI_OK;
}

static int run(const struct cli *c, int argc, char **argv, bool copy)
{
	struct store_args s;
	struct arena a;
	struct fts_ctx *fts = NULL;
	struct db *src = NULL, *dst = NULL;
	struct copy_report r;
	int rc;

	if ((rc = parse(c, argc, argv, copy, &s)))
		return rc;
	if (same_target(s.from, s.to))
		return cli_usage_fail(c, "源库和目标库是同一个数据库");
	arena_init(&a, 0);
	rc = CLI_FAIL;
	if (fts_ctx_new(NULL, &fts)) {
		cli_fail("无法加载中文分词词典（friso），全文检索不可用");
		goto out;
	}
	if (open_db(s.from, true, fts, &src) || open_db(s.to, !copy, fts, &dst))
		goto out;
	{
		const char *who = getenv("SUDO_USER");
		char name[96];

		if (!who || !*who)
			who = getenv("USER");
		snprintf(name, sizeof(name), "命令行（%s）", who && *who ? who : "?");
		db_set_actor(dst, 0, name, "");
	}
	rc = store_copy(src, dst, &(struct copy_opts){ .org_slug = s.org, .force = s.force, .verify_only = !copy }, &a,
			&r);
	if (rc == ERR_CONFLICT && r.msg) {
		cli_fail("%s", r.msg);
		rc = CLI_USAGE;
		goto out;
	}
	if (rc) {
		cli_fail("%s%s", r.msg ? r.msg : "复制失败：", r.msg ? "" : cli_err_text(rc));
		rc = CLI_FAIL;
		goto out;
	}
	print_report(&r);
	if (r.mismatches) {
		cli_fail(copy ? "%d 个表的行数或校验值不一致：复制已撤销，目标库未改动"
			      : "%d 个表的行数或校验值不一致",
			 r.mismatches);
		rc = CLI_FAIL;
		goto out;
	}
	if (!copy) {
		printf("%s的 %zu 个表一致（数据库结构版本 %d）。\n", s.org ? "该机构" : "两库", r.n, r.version);
		rc = CLI_OK;
		goto out;
	}
	{
		long long bad = 0, rows = 0;

		if ((rc = store_audit_verify(dst, &bad, &rows)) || bad) {
			cli_fail("复制后目标库的审计日志校验链不完整（第 %lld 条）", bad);
			rc = CLI_FAIL;
			goto out;
		}
		printf("复制完成：%zu 个表，行数和校验值一致（数据库结构版本 %d）；目标库审计日志 %lld 条，校验链完整。\n",
		       r.n, r.version, rows);
	}
	rc = CLI_OK;
	if (s.files_from)
		rc = copy_files(&r, s.files_from, s.files_to);
	else if (r.nfiles)
		printf("附件不在数据库中：复制的记录引用 %zu 个附件文件。请把源库的附件目录（serve --files，默认 "
		       "%s.files）复制到新服务器的 --files 目录，或用 --files-from 源目录 --files-to 目标目录 让本命令复制。\n",
		       r.nfiles, db_target_is_pg(s.from) ? "数据库文件" : s.from);
out:
	db_close(dst);
	db_close(src);
	if (fts)
		fts_ctx_free(fts);
	arena_release(&a);
	return rc;
}

static int store_copy_cmd(const struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, true);
}

static int store_verify_cmd(const struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, false);
}

int cli_store(const struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "copy", store_copy_cmd },
		{ "verify", store_verify_cmd },
	};

	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]), "copy、verify");
}
