/* cli_misc.c - `gongkai backup`, `gongkai restore` and `gongkai version`. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/assets.h"
#include "core/err.h"
#include "http/server.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/fts.h"
#include "core/banned.h"

/* A byte count for people: 字节 below 1 KiB, else KB/MB/GB with one
 * decimal. */
static void size_text(long long n, char *out, size_t len)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(out, len, "%lld 字节", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, "%.1f %s", v, units[u]);
}

/* Remove path's SQLite side files -wal (only when empty: a non-empty one
 * holds commits) and -shm, as a read-only connection leaves them behind on
 * a WAL-mode file. */
static void drop_side_files(const char *path)
{
	char side[PATH_MAX];
	struct stat st;

	if (snprintf(side, sizeof(side), "%s-wal", path) < (int)sizeof(side) &&
	    stat(side, &st) == 0 && st.st_size == 0)
		unlink(side);
	if (snprintf(side, sizeof(side), "%s-shm", path) < (int)sizeof(side))
		unlink(side);
}

/* Open the database file at path read-only and run the integrity check.
 * what names the file in the message ("备份", "备份文件 X "), tail ends it
 * ("" or "，数据库未改动"). Returns 0 or CLI_FAIL (reported). *version (may
 * be NULL) gets its schema version. */
static int verify_file(const char *path, struct fts_ctx *fts, const char *what, const char *tail, int *version)
{
	struct arena a;
	struct db *db = NULL;
	const char *msg = NULL;
	int rc = CLI_FAIL, e;

	arena_init(&a, 0);
	if (db_open(path, &(struct db_opts){ .fts = fts, .readonly = true }, &db)) {
		cli_fail("%s无法作为数据库打开（文件已损坏或不完整）%s", what, tail);
		goto out;
	}
	if ((e = db_integrity_check(db, &msg, &a))) {
		if (e == ERR_INVALID)
			cli_fail("%s未通过完整性检查（%s）%s", what, msg ? msg : "?", tail);
		else
			cli_fail("%s不是有效的 SQLite 数据库或已损坏（%s）%s", what, msg ? msg : cli_err_text(e), tail);
		goto out;
	}
	if (version && db_schema_version(db, version)) {
		cli_fail("%s不是 gongkai 的数据库（没有结构版本表 schema_migrations）%s", what, tail);
		goto out;
	}
	rc = CLI_OK;
out:
	db_close(db);
	drop_side_files(path);
	arena_release(&a);
	return rc;
}

int cli_backup(const struct cli *c, int argc, char **argv)
{
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct stat st;
	const char *dest;
	bool created = false;
	char size[32];
	int rc, e;

	if ((rc = cli_args(c, argc, argv, 1, 1, "FILE（备份文件）")))
		return rc;
	if (optind >= argc)
		return CLI_OK; /* --help: cli_args printed the usage and returned 0 */
	dest = argv[optind];
	if ((rc = cli_db_require(c)))
		return rc;
	if (db_target_is_pg(c->db_path)) /* a file copy is SQLite's; the server has its own tools */
		return cli_fail("PostgreSQL 数据库不能用 gongkai backup 备份（它只复制 SQLite 数据库文件）："
				"请用 pg_dump 备份，例如 pg_dump -Fc -f %s 加连接串", dest);
	rc = CLI_FAIL;
	if (lstat(dest, &st) == 0) {
		cli_fail("%s 已存在，不会覆盖", dest);
		goto out;
	}
	if (errno != ENOENT) {
		cli_fail("无法访问 %s：%s", dest, cli_errno_text(errno));
		goto out;
	}
	/* the copy is of the database as it is: no migrations */
	if (cli_db_open(c, false, &db, &fts, NULL))
		goto out;
	created = true;
	if ((e = db_backup(db, dest))) {
		cli_fail("备份失败：%s", cli_err_text(e));
		goto out;
	}
	if (verify_file(dest, fts, "备份", "，已删除该文件", NULL)) /* reported; the copy is removed */
		goto out;
	created = false;
	if (stat(dest, &st) != 0) {
		cli_fail("无法读取备份文件 %s：%s", dest, cli_errno_text(errno));
		goto out;
	}
	size_text((long long)st.st_size, size, sizeof(size));
	printf("已备份到 %s（%s），完整性检查通过\n", dest, size);
	rc = CLI_OK;
out:
	if (created)
		unlink(dest); /* a failed copy is not a backup */
	cli_db_close(db, fts);
	return rc;
}

/* ---- restore ---- */

/* The highest migration compiled into this binary (the names are
 * "src/store/migrations/NNNN_name[.dialect].sql"). */
static int schema_latest(void)
{
	static const char dir[] = "src/store/migrations/";
	int best = 0;

	for (size_t i = 0; i < assets_count; i++) {
		const char *n = assets[i].name;
		int v = 0, k;

		if (!n || strncmp(n, dir, sizeof(dir) - 1) != 0)
			continue;
		n += sizeof(dir) - 1;
		for (k = 0; k < 4 && n[k] >= '0' && n[k] <= '9'; k++)
			v = v * 10 + (n[k] - '0');
		if (k == 4 && n[4] == '_' && v > best)
			best = v;
	}
	return best;
}

/* Copy src to the new file dst (mode) and fsync it. Returns 0 or CLI_FAIL
 * (reported; dst removed). */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
	static char buf[1 << 16];
	int in, out = -1, rc = CLI_FAIL;
	ssize_t n;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return cli_fail("无法读取 %s：%s", src, cli_errno_text(errno));
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0) {
		cli_fail("无法创建 %s：%s", dst, cli_errno_text(errno));
		close(in);
		return CLI_FAIL;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_fail("读取 %s 出错：%s", src, cli_errno_text(errno));
			goto out;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				cli_fail("写入 %s 出错：%s", dst, cli_errno_text(errno));
				goto out;
			}
			off += w;
		}
	}
	if (fsync(out) != 0) {
		cli_fail("写入 %s 出错（fsync）：%s", dst, cli_errno_text(errno));
		goto out;
	}
	rc = close(out);
	out = -1;
	if (rc != 0) {
		rc = cli_fail("写入 %s 出错：%s", dst, cli_errno_text(errno));
		goto out;
	}
	rc = CLI_OK;
out:
	if (out >= 0)
		close(out);
	close(in);
	if (rc)
		unlink(dst);
	return rc;
}

/* fsync the directory that holds path, so a rename in it is durable. */
static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >= (int)sizeof(dir))
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* path + suffix into out; false (reported) when it does not fit. */
static bool path_with(char *out, size_t len, const char *path, const char *suffix)
{
	if (snprintf(out, len, "%s%s", path, suffix) < (int)len)
		return true;
	cli_fail("路径太长：%s", path);
	return false;
}

/* Remove a file if it is there; false (reported) when it is there and
 * cannot be removed. */
static bool remove_stale(const char *path)
{
	if (unlink(path) == 0 || errno == ENOENT)
		return true;
	cli_fail("无法删除 %s：%s", path, cli_errno_text(errno));
	return false;
}

int cli_restore(const struct cli *c, int argc, char **argv)
{
	const char *src, *dbp = c->db_path;
	char tmp[PATH_MAX], keep[PATH_MAX], side[PATH_MAX], stamp[32], what[PATH_MAX + 32];
	unsigned char magic[16];
	struct fts_ctx *fts = NULL;
	struct db *old = NULL, *db = NULL;
	struct stat sst, dst;
	struct tm tm;
	time_t now = time(NULL);
	bool have_old, tmp_made = false, bulk = false, locked = false, moved = false;
	int rc, fd, e, version = 0, applied = 0, latest = schema_latest();
	ssize_t n;

	if ((rc = cli_args(c, argc, argv, 1, 1, "FILE（备份文件）")))
		return rc;
	if (optind >= argc)
		return CLI_OK; /* --help: cli_args printed the usage and returned 0 */
	src = argv[optind];
	if (db_target_is_pg(dbp))
		return cli_fail("PostgreSQL 数据库不能用 gongkai restore 恢复（它只换回 SQLite 数据库文件）："
				"请用 pg_restore 恢复 pg_dump 生成的备份，数据库未改动");

	/* 1. the backup file: there, a regular file, an SQLite database */
	if (stat(src, &sst) != 0) {
		if (errno == ENOENT)
			return cli_fail("备份文件 %s 不存在，数据库未改动", src);
		return cli_fail("无法访问备份文件 %s：%s", src, cli_errno_text(errno));
	}
	if (!S_ISREG(sst.st_mode))
		return cli_fail("%s 不是普通文件，数据库未改动", src);
	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return cli_fail("无法读取备份文件 %s：%s", src, cli_errno_text(errno));
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "SQLite format 3", sizeof(magic)) != 0)
		return cli_fail("%s 不是 SQLite 数据库文件，数据库未改动", src);
	if (!path_with(side, sizeof(side), src, "-wal"))
		return CLI_FAIL;
	if (stat(side, &dst) == 0 && dst.st_size > 0)
		return cli_fail("备份文件 %s 旁有尚未并入的 %s，单独复制该文件会丢失数据："
				"请改用 gongkai backup 生成的备份，数据库未改动", src, side);

	/* 2. the database now (it may be gone: restoring after a loss) */
	have_old = stat(dbp, &dst) == 0;
	if (!have_old && errno != ENOENT)
		return cli_fail("无法访问数据库 %s：%s", dbp, cli_errno_text(errno));
	if (have_old && !S_ISREG(dst.st_mode))
		return cli_fail("%s 不是数据库文件", dbp);
	if (have_old && dst.st_dev == sst.st_dev && dst.st_ino == sst.st_ino)
		return cli_fail("%s 就是数据库 %s 本身，不能用它恢复", src, dbp);
	if (!path_with(tmp, sizeof(tmp), dbp, ".tmp"))
		return CLI_FAIL;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), ".before-restore-%Y%m%dT%H%M%S", &tm);
	if (!path_with(keep, sizeof(keep), dbp, stamp))
		return CLI_FAIL;

	rc = CLI_FAIL;
	if (fts_ctx_new(NULL, &fts)) {
		cli_fail("无法加载中文分词词典（friso），全文检索不可用");
		goto out;
	}

	/* 3. copy to DB.tmp and check the copy: what is checked is what gets
	 * installed, and the backup file itself is only read. A DB.tmp is
	 * left over only by an interrupted restore. */
	if (!remove_stale(tmp) || !path_with(side, sizeof(side), tmp, "-wal") || !remove_stale(side) ||
	    !path_with(side, sizeof(side), tmp, "-shm") || !remove_stale(side))
		goto out;
	if (copy_file(src, tmp, have_old ? (dst.st_mode & 0777) : 0666))
		goto out;
	tmp_made = true;
	snprintf(what, sizeof(what), "备份文件 %s ", src);
	if (verify_file(tmp, fts, what, "，数据库未改动", &version))
		goto out;
	if (version > latest) {
		cli_fail("备份文件 %s 的数据库结构版本为 %d，高于本程序支持的 %d：请用更新版本的 gongkai 恢复，数据库未改动",
			 src, version, latest);
		goto out;
	}

	/* 4. nobody else may have the database open: leaving WAL mode needs
	 * the only connection (as import --bulk), and the exclusive lock is
	 * held until the new file is in place, so a server starting meanwhile
	 * waits instead of writing into the file being replaced. */
	if (have_old) {
		if (db_open(dbp, &(struct db_opts){ .fts = fts }, &old)) {
			cli_fail("无法打开数据库 %s，数据库未改动", dbp);
			goto out;
		}
		if (db_bulk_mode(old, true)) {
			cli_fail("数据库 %s 正在被使用：请先停止使用它的服务（gongkai serve）再恢复，数据库未改动", dbp);
			goto out;
		}
		bulk = true;
		if (db_exec(old, "BEGIN EXCLUSIVE")) {
			cli_fail("数据库 %s 正在被使用：请先停止使用它的服务（gongkai serve）再恢复，数据库未改动", dbp);
			goto out;
		}
		locked = true;
		if (lstat(keep, &dst) == 0 || errno != ENOENT) {
			cli_fail("%s 已存在，请稍后再试，数据库未改动", keep);
			goto out;
		}
		if (rename(dbp, keep) != 0) {
			cli_fail("无法把数据库改名为 %s：%s，数据库未改动", keep, cli_errno_text(errno));
			goto out;
		}
		moved = true;
	}
	/* a WAL or journal beside the path belongs to the old file: left there,
	 * SQLite would apply it to the restored one */
	if (!path_with(side, sizeof(side), dbp, "-wal") || !remove_stale(side) ||
	    !path_with(side, sizeof(side), dbp, "-shm") || !remove_stale(side) ||
	    !path_with(side, sizeof(side), dbp, "-journal") || !remove_stale(side))
		goto out;
	if (rename(tmp, dbp) != 0) {
		cli_fail("无法把 %s 改名为 %s：%s", tmp, dbp, cli_errno_text(errno));
		goto out;
	}
	tmp_made = false;
	moved = false;
	if (fsync_dir_of(dbp) != 0)
		cli_fail("注意：无法同步 %s 所在目录（fsync），断电时改名可能丢失", dbp);
	/* the old connection now points at the kept copy: release it as it is
	 * (never back to WAL, whose file would be named after the new one) */
	if (locked)
		db_exec(old, "ROLLBACK");
	locked = bulk = false;
	db_close(old);
	old = NULL;

	/* 5. the restored database, brought up to this binary's schema */
	if (db_open(dbp, &(struct db_opts){ .fts = fts, .cache_mb = 512 }, &db)) {
		cli_fail("无法打开恢复后的数据库 %s%s%s", dbp, have_old ? "；原数据库保存在 " : "", have_old ? keep : "");
		goto out;
	}
	if ((e = db_migrate(db, &applied))) {
		cli_fail("恢复后的数据库结构升级失败：%s%s%s", cli_err_text(e), have_old ? "；原数据库保存在 " : "",
			 have_old ? keep : "");
		goto out;
	}
	if (applied && !db_schema_version(db, &e))
		printf("已从 %s 恢复数据库 %s（结构版本 %d，已升级到 %d）\n", src, dbp, version, e);
	else
		printf("已从 %s 恢复数据库 %s（结构版本 %d）\n", src, dbp, version);
	if (have_old)
		printf("原数据库已保存为 %s\n", keep);
	else
		printf("原来没有数据库文件 %s，未保留旧副本\n", dbp);
	rc = CLI_OK;
out:
	if (moved && rename(keep, dbp) != 0)
		cli_fail("无法把 %s 改回 %s：%s", keep, dbp, cli_errno_text(errno));
	if (locked)
		db_exec(old, "ROLLBACK");
	if (bulk && db_bulk_mode(old, false))
		cli_fail("未能恢复数据库的 WAL 模式；下次打开时会自动恢复");
	db_close(old);
	if (tmp_made) {
		unlink(tmp);
		drop_side_files(tmp);
	}
	db_close(db);
	fts_ctx_free(fts);
	return rc;
}

int cli_version(const struct cli *c, int argc, char **argv)
{
	int rc;

	if ((rc = cli_args(c, argc, argv, 0, 0, "")))
		return rc;
	printf("gongkai %s\n", GONGKAI_VERSION);
	printf("%s\n", db_engine_version());
	printf("libmicrohttpd %s\n", http_library_version());
	return CLI_OK;
}

/* ---- audit ---- */

/* gongkai audit verify: walk the audit trail's hash chain. */
int cli_audit(const struct cli *c, int argc, char **argv)
{
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	long long bad = 0, rows = 0;
	int rc;

	if ((rc = cli_args(c, argc, argv, 1, 1, "verify")))
		return rc;
	if (optind >= argc)
		return CLI_OK;
	if (strcmp(argv[optind], "verify") != 0) {
		cli_usage_fail(c, "未知的子命令“%s”，可选：verify", argv[optind]);
		return CLI_USAGE;
	}
	if ((rc = cli_db_require(c)))
		return rc;
	if (cli_db_open(c, true, &db, &fts, NULL))
		return CLI_FAIL;
	rc = store_audit_verify(db, &bad, &rows);
	cli_db_close(db, fts);
	if (rc)
		return cli_fail("无法读取审计日志：%s", cli_err_text(rc));
	if (bad)
		return cli_fail("审计日志第 %lld 条与其校验值不符：该条或其前一条在程序之外被改动过（已检查 %lld 条）", bad, rows);
	printf("审计日志完整：%lld 条记录，校验链无断点。\n", rows);
	return CLI_OK;
}
