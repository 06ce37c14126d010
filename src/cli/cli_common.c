/* cli_common.c - messages, option parsing, database opening and password
 * input shared by the subcommands. See cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "domain/auth/auth.h"
#include "store/db.h"
#include "store/fts.h"
#include "core/banned.h"

#define OPTS_MAX 24
#define PASSWORD_MAX 256

/* ---- messages ---- */

static void vmsg(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fflush(stdout);
	fprintf(stderr, "gongkai: %s\n", line);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

int cli_usage_fail(const struct cli *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c && c->cmd)
		cli_fail("%s（用法见 gongkai %s --help）", line, c->cmd);
	else
		cli_fail("%s（用法见 gongkai --help）", line);
	return CLI_USAGE;
}

const char *cli_err_text(int e)
{
	switch (e) {
	case ERR_NOMEM:
		return "内存不足";
	case ERR_TOO_LARGE:
		return "内容过长";
	case ERR_INVALID:
		return "内容无效";
	case ERR_NOT_FOUND:
		return "记录不存在";
	case ERR_CONFLICT:
		return "与已有记录冲突或数据库正忙";
	case ERR_DB:
		return "数据库错误";
	case ERR_IO:
		return "读写文件失败";
	case ERR_DENIED:
		return "没有权限";
	default:
		return "内部错误";
	}
}

const char *cli_errno_text(int e)
{
	switch (e) {
	case ENOENT:
		return "文件或目录不存在";
	case EACCES:
	case EPERM:
		return "没有权限";
	case EISDIR:
		return "是一个目录";
	case ENOTDIR:
		return "路径中有一项不是目录";
	case ENOSPC:
		return "磁盘空间不足";
	case EROFS:
		return "文件系统只读";
	case EEXIST:
		return "已存在";
	case ENOMEM:
		return "内存不足";
	default:
		return strerror(e);
	}
}

/* ---- option parsing ---- */

void cli_opt_reset(void)
{
	optind = 0; /* glibc: full re-initialisation, argv may differ */
	opterr = 0;
}

/* The option as typed, without "=value", for messages. */
static void opt_name(char **argv, int at, int shortopt, char *out, size_t n)
{
	const char *arg = at > 0 ? argv[at] : NULL;

	if (shortopt > 0 && shortopt < 128 && (!arg || strncmp(arg, "--", 2) != 0)) {
		snprintf(out, n, "-%c", shortopt);
		return;
	}
	if (!arg) {
		snprintf(out, n, "?");
		return;
	}
	snprintf(out, n, "%.*s", (int)strcspn(arg, "="), arg);
}

int cli_opt(const struct cli *c, int argc, char **argv, const char *shortopts, const struct option *opts)
{
	struct option all[OPTS_MAX + 2];
	char so[64];
	char name[128];
	size_t k = 0;
	int o;

	for (; opts && opts[k].name; k++) {
		if (k == OPTS_MAX)
			return cli_fail("内部错误：选项过多");
		all[k] = opts[k];
	}
	all[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[k] = (struct option){ NULL, 0, NULL, 0 };
	/* ':' first: a missing argument returns ':' rather than '?' */
	snprintf(so, sizeof(so), ":%sh", shortopts ? shortopts : "");
	opterr = 0;
	o = getopt_long(argc, argv, so, all, NULL);
	switch (o) {
	case -1:
		return CLI_OPT_END;
	case 'h':
		fputs(c->usage, stdout);
		return CLI_OPT_HELP;
	case ':':
		opt_name(argv, optind - 1, optopt, name, sizeof(name));
		cli_usage_fail(c, "选项 %s 需要一个参数", name);
		return CLI_OPT_BAD;
	case '?':
		/* an unknown short option is still in argv[optind] when it is
		 * grouped ("-xy"); the message names the letter then */
		opt_name(argv, optopt ? 0 : optind - 1, optopt, name, sizeof(name));
		cli_usage_fail(c, "未知选项 %s", name);
		return CLI_OPT_BAD;
	default:
		return o;
	}
}

int cli_opt_exit(int o)
{
	return o == CLI_OPT_HELP ? CLI_HELP : CLI_USAGE;
}

int cli_operands(const struct cli *c, int argc, char **argv, int min, int max, const char *names)
{
	int n = argc - optind;

	if (n < min)
		return cli_usage_fail(c, "缺少参数 %s", names);
	if (n > max)
		return cli_usage_fail(c, "多余的参数“%s”", argv[optind + max]);
	return 0;
}

/* ---- database ---- */

int cli_db_require(const struct cli *c)
{
	struct stat st;

	if (db_target_is_pg(c->db_path))
		return 0; /* a server's database: db_open says whether it is there */
	if (stat(c->db_path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			return 0;
		return cli_fail("%s 不是数据库文件", c->db_path);
	}
	if (errno == ENOENT)
		return cli_fail("数据库 %s 不存在，请先运行 gongkai init（或用 --db 指定数据库）", c->db_path);
	return cli_fail("无法访问数据库 %s：%s", c->db_path, cli_errno_text(errno));
}

int cli_db_open(const struct cli *c, bool migrate, struct db **db, struct fts_ctx **fts, int *applied)
{
	int rc;

	*db = NULL;
	*fts = NULL;
	if (applied)
		*applied = 0;
	if (fts_ctx_new(NULL, fts))
		return cli_fail("无法加载中文分词词典（friso），全文检索不可用");
	/* bulk commands (import, demo) touch many pages in one transaction */
	if (db_open(c->db_path, &(struct db_opts){ .fts = *fts, .cache_mb = 512 }, db))
		return cli_fail("无法打开数据库 %s", c->db_path);
	if (migrate && (rc = db_migrate(*db, applied)))
		return cli_fail("数据库结构升级失败：%s", cli_err_text(rc));
	/* the audit trail names the command line and the system account */
	{
		const char *who = getenv("SUDO_USER");
		char name[96];

		if (!who || !*who)
			who = getenv("USER");
		snprintf(name, sizeof(name), "命令行（%s）", who && *who ? who : "?");
		db_set_actor(*db, 0, name, "");
	}
	return 0;
}

void cli_db_close(struct db *db, struct fts_ctx *fts)
{
	db_close(db);
	if (fts)
		fts_ctx_free(fts);
}

/* ---- data directory ---- */

static bool dir_has(const char *dir, const char *probe)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", dir, probe) >= (int)sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cli_data_dir(struct arena *a, const char *probe, const char **out)
{
	const char *env = getenv("GONGKAI_DATA");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		if (!dir_has(env, probe))
			return ERR_NOT_FOUND;
		*out = env;
		return 0;
	}
	if (dir_has("data", probe)) {
		*out = "data";
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/'))) {
			*slash = '\0';
			*out = arena_printf(a, "%s/../data", exe);
			if (*out && dir_has(*out, probe))
				return 0;
		}
	}
	if (dir_has("/usr/share/gongkai", probe)) {
		*out = "/usr/share/gongkai";
		return 0;
	}
	return ERR_NOT_FOUND;
}

void cli_now(char out[21])
{
	time_format_utc(time(NULL), out);
}

/* ---- names ---- */

bool cli_slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40 || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool cli_org_code_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 40 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* ---- passwords ---- */

/* One line from stdin into buf (newline stripped). 0, or -1 at EOF or
 * when the line does not fit. */
static int read_line(char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, stdin))
		return -1;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (!feof(stdin))
		return -1;
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* Prompt on stderr and read a line with echo off. */
static int read_hidden(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	bool restore = false;
	int rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	rc = read_line(buf, n);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

int cli_read_password(struct arena *a, const char **out)
{
	char pw[PASSWORD_MAX], again[PASSWORD_MAX];
	const char *weak;
	int rc = CLI_FAIL;

	if (isatty(STDIN_FILENO)) {
		if (read_hidden("新密码：", pw, sizeof(pw)) || read_hidden("再次输入新密码：", again, sizeof(again))) {
			cli_fail("未能读取密码");
			goto out;
		}
		if (strcmp(pw, again) != 0) {
			cli_fail("两次输入的密码不一致");
			goto out;
		}
	} else if (read_line(pw, sizeof(pw))) {
		cli_fail("未能从标准输入读取密码（一行，不超过 %d 字节）", PASSWORD_MAX - 2);
		goto out;
	}
	if ((weak = auth_password_weak(pw))) {
		cli_fail("%s", weak);
		goto out;
	}
	if (!(*out = arena_strdup(a, pw))) {
		cli_fail("%s", cli_err_text(ERR_NOMEM));
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(again, sizeof(again));
	return rc;
}

int cli_subcommand(const struct cli *c, int argc, char **argv, const struct cli_sub *subs, size_t n,
		   const char *list)
{
	if (argc < 2)
		return cli_usage_fail(c, "缺少子命令（%s）", list);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(c->usage, stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(c, argc - 1, argv + 1);
	return cli_usage_fail(c, "未知子命令“%s”（可用：%s）", argv[1], list);
}

int cli_args(const struct cli *c, int argc, char **argv, int min, int max, const char *what)
{
	int o;

	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", NULL)) >= 0)
		;
	if (o != CLI_OPT_END)
		return cli_opt_exit(o);
	return cli_operands(c, argc, argv, min, max, what);
}
