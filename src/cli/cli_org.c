/* cli_org.c - `gongkai org`: the platform's agencies from the command line,
 * with the same rules as the platform pages (src/domain/platform): add (with
 * the default categories and, on request, a first 机构管理员 with a one-time
 * password), list as a tree, set the platform-set fields and the contact
 * block, move under another parent (cycles refused), deactivate or delete
 * (only an agency without records). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/platform/platform.h"
#include "store/db.h"
#include "store/platform.h"
#include "store/store.h"
#include "core/banned.h"

/* The options add and set share. */
static const struct option org_opts[] = {
	{ "name", required_argument, NULL, 'n' },      { "code", required_argument, NULL, 'c' },
	{ "parent", required_argument, NULL, 'p' },    { "kind", required_argument, NULL, 'k' },
	{ "pattern", required_argument, NULL, 'i' },   { "sort", required_argument, NULL, 's' },
	{ "due", required_argument, NULL, 'd' },       { "admin", required_argument, NULL, 'a' },
	{ "admin-name", required_argument, NULL, 'A' }, { "address", required_argument, NULL, 1 },
	{ "postcode", required_argument, NULL, 2 },    { "phone", required_argument, NULL, 3 },
	{ "fax", required_argument, NULL, 4 },         { "email", required_argument, NULL, 5 },
	{ "hours", required_argument, NULL, 6 },       { "top", no_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

struct org_args {
	const char *name, *code, *parent, *kind, *pattern, *sort, *due, *admin, *admin_name;
	const char *contact[6];
	bool top;
};

/* Parse org_opts into *g; the operand (the slug) is argv[optind]. */
static int parse(const struct cli *c, int argc, char **argv, struct org_args *g, const char *allowed)
{
	int o;

	memset(g, 0, sizeof(*g));
	cli_opt_reset();
	while ((o = cli_opt(c, argc, argv, "", org_opts)) >= 0) {
		if (o >= 1 && o <= 6 ? !strchr(allowed, 'C') : !strchr(allowed, o))
			return cli_usage_fail(c, "%s 不接受这个选项", argv[0]);
		switch (o) {
		case 'n': g->name = optarg; break;
		case 'c': g->code = optarg; break;
		case 'p': g->parent = optarg; break;
		case 'k': g->kind = optarg; break;
		case 'i': g->pattern = optarg; break;
		case 's': g->sort = optarg; break;
		case 'd': g->due = optarg; break;
		case 'a': g->admin = optarg; break;
		case 'A': g->admin_name = optarg; break;
		case 't': g->top = true; break;
		default: g->contact[o - 1] = optarg; break;
		}
	}
	if (o != CLI_OPT_END)
		return cli_opt_exit(o);
	return cli_operands(c, argc, argv, 1, 1, "SLUG");
}

static int parse_sort(const struct cli *c, const char *s, int *out)
{
	char *end;
	long v;

	if (!s)
		return 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > 1000000)
		return cli_usage_fail(c, "--sort 应为 0 至 1000000 的整数");
	*out = (int)v;
	return 0;
}

/* The agency named by slug into *out (reported when missing). */
static int agency(struct db *db, struct arena *a, const char *slug, struct org_node *out)
{
	int rc = store_platform_org_by_slug(db, a, slug, out);

	if (rc == ERR_NOT_FOUND)
		return cli_fail("没有机构 %s（gongkai org list 列出所有机构）", slug);
	return rc ? cli_fail("读取机构失败：%s", cli_err_text(rc)) : 0;
}

static int open_db(const struct cli *c, struct db **db, struct fts_ctx **fts)
{
	int rc;

	if ((rc = cli_db_require(c)) || (rc = cli_db_open(c, true, db, fts, NULL)))
		return rc;
	return 0;
}

static void apply_contact(struct org_node *o, const struct org_args *g)
{
	const char **f[] = { &o->contact.address, &o->contact.postcode, &o->contact.phone,
			     &o->contact.fax,     &o->contact.email,    &o->contact.hours };

	for (int i = 0; i < 6; i++)
		if (g->contact[i])
			*f[i] = g->contact[i];
}

static int org_add(const struct cli *c, int argc, char **argv)
{
	struct org_args g;
	struct org_node o = { 0 }, parent;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	const char *pw = NULL, *msg = NULL;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = parse(c, argc, argv, &g, "ncpkisdaAC")))
		goto out;
	o.org.slug = argv[optind];
	o.org.name = g.name;
	o.org.org_code = g.code ? g.code : "";
	o.org.index_pattern = g.pattern;
	o.agency_kind = g.kind;
	o.report_due = g.due;
	apply_contact(&o, &g);
	if (!g.name) {
		rc = cli_usage_fail(c, "请用 --name 给出机构名称");
		goto out;
	}
	if ((rc = parse_sort(c, g.sort, &o.sort)) || (rc = open_db(c, &db, &fts)))
		goto out;
	if (g.parent) {
		if ((rc = agency(db, &a, g.parent, &parent)))
			goto out;
		o.org.parent_id = parent.org.id;
	}
	cli_now(now);
	rc = platform_create(db, &a, &o, g.admin, g.admin_name, now, &pw, &msg);
	if (rc) {
		rc = cli_fail("未创建机构：%s", msg ? msg : cli_err_text(rc));
		goto out;
	}
	printf("已创建机构：%s（%s），%s%s%s\n", o.org.name, o.org.slug, platform_kind_name(o.agency_kind),
	       g.parent ? "，上级机构 " : "", g.parent ? g.parent : "");
	if (pw)
		printf("机构管理员：%s  一次性密码：%s（首次登录后须修改）\n", g.admin, pw);
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int org_set(const struct cli *c, int argc, char **argv)
{
	struct org_args g;
	struct org_node o;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	const char *msg = NULL;
	bool contact = false;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = parse(c, argc, argv, &g, "nckisdC")) || (rc = open_db(c, &db, &fts)) ||
	    (rc = agency(db, &a, argv[optind], &o)) || (rc = parse_sort(c, g.sort, &o.sort)))
		goto out;
	if (g.name)
		o.org.name = g.name;
	if (g.code)
		o.org.org_code = g.code;
	if (g.kind)
		o.agency_kind = g.kind;
	if (g.pattern)
		o.org.index_pattern = g.pattern;
	if (g.due)
		o.report_due = strcmp(g.due, "statutory") == 0 ? "" : g.due;
	for (int i = 0; i < 6; i++)
		contact |= g.contact[i] != NULL;
	apply_contact(&o, &g);
	cli_now(now);
	if ((rc = platform_update(db, &a, &o, now, &msg)) ||
	    (contact && (rc = store_platform_set_contact(db, o.org.id, &o.contact, now)))) {
		rc = cli_fail("未修改：%s", msg ? msg : cli_err_text(rc));
		goto out;
	}
	printf("已修改机构 %s（%s）：年度报告时限 %s\n", o.org.name, o.org.slug, *o.report_due ? o.report_due : "法定");
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int org_move(const struct cli *c, int argc, char **argv)
{
	struct org_args g;
	struct org_node o, parent = { 0 };
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	const char *msg = NULL;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = parse(c, argc, argv, &g, "pt")))
		goto out;
	if (!g.parent == !g.top) {
		rc = cli_usage_fail(c, "请给出 --parent SLUG（新的上级机构）或 --top（移到最上层）之一");
		goto out;
	}
	if ((rc = open_db(c, &db, &fts)) || (rc = agency(db, &a, argv[optind], &o)) ||
	    (g.parent && (rc = agency(db, &a, g.parent, &parent))))
		goto out;
	cli_now(now);
	if ((rc = platform_move(db, &a, o.org.id, parent.org.id, now, &msg))) {
		rc = cli_fail("未移动：%s", msg ? msg : cli_err_text(rc));
		goto out;
	}
	printf("已把 %s 移到%s之下（其下级机构随之移动）\n", o.org.name, g.parent ? parent.org.name : "最上层");
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

/* deactivate, activate, delete: one operand. */
static int org_state(const struct cli *c, int argc, char **argv, int what)
{
	struct org_node o;
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	const char *msg = NULL;
	char now[21];
	int rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 1, 1, "SLUG")) || (rc = open_db(c, &db, &fts)) ||
	    (rc = agency(db, &a, argv[optind], &o)))
		goto out;
	cli_now(now);
	rc = what == 2 ? platform_delete(db, &a, o.org.id, &msg) : platform_set_active(db, o.org.id, what == 1, now, &msg);
	if (rc) {
		rc = cli_fail("%s：%s", what == 2 ? "未删除" : "未修改", msg ? msg : cli_err_text(rc));
		goto out;
	}
	printf("%s机构 %s（%s）\n", what == 2 ? "已删除" : what == 1 ? "已启用" : "已停用", o.org.name, o.org.slug);
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

static int org_deactivate(const struct cli *c, int argc, char **argv)
{
	return org_state(c, argc, argv, 0);
}

static int org_activate(const struct cli *c, int argc, char **argv)
{
	return org_state(c, argc, argv, 1);
}

static int org_delete(const struct cli *c, int argc, char **argv)
{
	return org_state(c, argc, argv, 2);
}

static int org_list(const struct cli *c, int argc, char **argv)
{
	struct arena a;
	struct db *db = NULL;
	struct fts_ctx *fts = NULL;
	struct org_node *nodes;
	size_t n, k, *idx;
	int *depth, rc;

	arena_init(&a, 0);
	if ((rc = cli_args(c, argc, argv, 0, 0, "")) || (rc = open_db(c, &db, &fts)))
		goto out;
	if ((rc = store_platform_orgs(db, &a, &nodes, &n)) || (rc = platform_subtree(&a, nodes, n, 0, &idx, &k, &depth))) {
		rc = cli_fail("读取机构失败：%s", cli_err_text(rc));
		goto out;
	}
	printf("机构标识\t名称\t类型\t机构代码\t年度报告时限\t状态\n");
	for (size_t i = 0; i < k; i++) {
		const struct org_node *o = &nodes[idx[i]];
		bool kids = platform_has_children(nodes, n, o->org.id);

		printf("%s\t%*s%s\t%s\t%s\t%s%s\t%s\n", o->org.slug, depth[i] * 2, "", o->org.name,
		       platform_kind_name(o->agency_kind) ? platform_kind_name(o->agency_kind) : o->agency_kind,
		       o->org.org_code, platform_due(o, kids), *o->report_due ? "（本地）" : "（法定）",
		       o->active ? "正常" : "已停用");
	}
	rc = CLI_OK;
out:
	cli_db_close(db, fts);
	arena_release(&a);
	return rc;
}

int cli_org(const struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", org_add },	      { "list", org_list },	{ "set", org_set },
		{ "move", org_move },	      { "deactivate", org_deactivate }, { "activate", org_activate },
		{ "delete", org_delete },
	};

	return cli_subcommand(c, argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
			      "add、list、set、move、deactivate、activate、delete");
}
