/* cli_feed.c - `gongkai feed`: the signing key of the export feed the
 * government platform pulls (/api/v1/export; core/signkey.h). */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/signkey.h"
#include "core/banned.h"

const char *cli_feed_key_default(const struct cli *c, char *buf, size_t n)
{
	const char *db = c->db_path;

	/* a PostgreSQL connection string is no place beside which to put a file */
	if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0 || strchr(db, '='))
		return NULL;
	if (snprintf(buf, n, "%s.feed-key", db) >= (int)n)
		return NULL;
	return buf;
}

static int key_opts(const struct cli *c, int argc, char **argv, const char **path, char *buf, size_t n)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int o, rc;

	*path = NULL;
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", opts)) >= 0)
		if (o == 'k')
			*path = optarg;
	if (o != CLI_OPT_END)
		return cli_opt_exit(o);
	if ((rc = cli_operands(c, argc, argv, 0, 0, "")))
		return rc;
	if (*path && !**path)
		return cli_usage_fail(c, "--key 不能为空");
	if (!*path && !(*path = cli_feed_key_default(c, buf, n)))
		return cli_usage_fail(c, "数据库不是文件（PostgreSQL）：请用 --key PATH 指定签名密钥文件");
	return 0;
}

static void print_key(const struct signkey *k, const char *path)
{
	char pk[45];

	signkey_public_b64(k, pk);
	printf("密钥文件：%s\n密钥编号：%s\n公钥（Ed25519，base64）：%s\n", path, k->id, pk);
}

static int feed_keygen(const struct cli *c, int argc, char **argv)
{
	struct signkey k;
	const char *path;
	char buf[4096];
	int rc = key_opts(c, argc, argv, &path, buf, sizeof(buf));

	if (rc)
		return rc;
	rc = signkey_generate(path, &k);
	if (rc == ERR_CONFLICT)
		return cli_fail("%s 已存在：签名密钥只生成一次（平台凭它的公钥验证导出数据）；确需更换时先移走旧文件", path);
	if (rc)
		return cli_fail("无法写入签名密钥 %s：%s", path, cli_errno_text(errno));
	print_key(&k, path);
	signkey_clear(&k);
	return CLI_OK;
}

static int feed_public_key(const struct cli *c, int argc, char **argv)
{
	struct signkey k;
	const char *path;
	char buf[4096];
	int rc = key_opts(c, argc, argv, &path, buf, sizeof(buf));

	if (rc)
		return rc;
	rc = signkey_load(path, &k);
	if (rc == ERR_NOT_FOUND)
		return cli_fail("没有签名密钥 %s（先运行 gongkai feed keygen）", path);
	if (rc == ERR_INVALID)
		return cli_fail("%s 不是签名密钥文件，或其他用户可读（权限须为 0600）", path);
	if (rc)
		return cli_fail("无法读取签名密钥 %s：%s", path, cli_errno_text(errno));
	print_key(&k, path);
	signkey_clear(&k);
	return CLI_OK;
}

static const struct cli_sub subs[] = {
	{ "keygen", feed_keygen },
	{ "public-key", feed_public_key },
};

int cli_feed(const struct cli *c, int argc, char **argv)
{
	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]), "keygen、public-key");
}
