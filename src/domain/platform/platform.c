/* platform.c - see platform.h. */
#include "domain/platform/platform.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "domain/catalog/catalog.h"
#include "store/db.h"
#include "store/store.h"
#include "store/user.h"
#include "core/banned.h"

const struct platform_kind platform_kinds[] = {
	{ "government", "人民政府" },
	{ "department", "政府部门" },
	{ "town", "乡镇（街道）" },
	{ "other", "其他机构" },
};
const size_t platform_kinds_count = sizeof(platform_kinds) / sizeof(platform_kinds[0]);

const char *platform_kind_name(const char *code)
{
	for (size_t i = 0; code && i < platform_kinds_count; i++)
		if (strcmp(platform_kinds[i].code, code) == 0)
			return platform_kinds[i].name;
	return NULL;
}

/* ---- the tree ---- */

long platform_find(const struct org_node *nodes, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (nodes[i].org.id == id)
			return (long)i;
	return -1;
}

/* The depth of id (1 for a top-level agency), or -1 for a broken chain
 * (a cycle in stored data, or a parent not in the list). */
static int depth_of(const struct org_node *nodes, size_t n, long long id)
{
	int d = 0;

	while (id) {
		long i = platform_find(nodes, n, id);

		if (i < 0 || (size_t)d > n)
			return -1;
		d++;
		id = nodes[i].org.parent_id;
	}
	return d;
}

bool platform_in_subtree(const struct org_node *nodes, size_t n, long long root_id, long long id)
{
	for (size_t steps = 0; id && steps <= n; steps++) {
		long i;

		if (id == root_id)
			return true;
		if ((i = platform_find(nodes, n, id)) < 0)
			return false;
		id = nodes[i].org.parent_id;
	}
	return false;
}

bool platform_has_children(const struct org_node *nodes, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (nodes[i].org.parent_id == id && nodes[i].org.id != id)
			return true;
	return false;
}

/* The height of the subtree under id (1: a leaf). */
static int height_of(const struct org_node *nodes, size_t n, long long id, int guard)
{
	int h = 0;

	if (guard > PLATFORM_DEPTH_MAX + 1)
		return guard;
	for (size_t i = 0; i < n; i++)
		if (nodes[i].org.parent_id == id && nodes[i].org.id != id) {
			int c = height_of(nodes, n, nodes[i].org.id, guard + 1);

			if (c > h)
				h = c;
		}
	return h + 1;
}

int platform_check_parent(const struct org_node *nodes, size_t n, long long org_id, long long parent_id,
			  const char **msg)
{
	int d;

	*msg = NULL;
	if (!parent_id)
		return 0;
	if (platform_find(nodes, n, parent_id) < 0) {
		*msg = "上级机构不存在。";
		return ERR_NOT_FOUND;
	}
	if (org_id && (parent_id == org_id || platform_in_subtree(nodes, n, org_id, parent_id))) {
		*msg = "不能把机构设为它自己或它的下级机构的下级（机构树不能有环）。";
		return ERR_INVALID;
	}
	if ((d = depth_of(nodes, n, parent_id)) < 0) {
		*msg = "上级机构的上级关系有误，请先修正。";
		return ERR_INVALID;
	}
	if (d + (org_id ? height_of(nodes, n, org_id, 0) : 1) > PLATFORM_DEPTH_MAX) {
		*msg = "机构树最多 16 层。";
		return ERR_INVALID;
	}
	return 0;
}

/* Append the children of parent (sorted as the list is: sort, name) and
 * their subtrees. */
static void walk(const struct org_node *nodes, size_t n, long long parent, int depth, size_t *out, int *dep,
		 size_t *k, bool *seen)
{
	for (size_t i = 0; i < n; i++) {
		if (seen[i] || nodes[i].org.parent_id != parent)
			continue;
		seen[i] = true;
		out[*k] = i;
		dep[(*k)++] = depth;
		walk(nodes, n, nodes[i].org.id, depth + 1, out, dep, k, seen);
	}
}

int platform_subtree(struct arena *a, const struct org_node *nodes, size_t n, long long root_id, size_t **out,
		     size_t *k, int **depth)
{
	size_t *idx = arena_alloc(a, (n + 1) * sizeof(*idx));
	int *dep = arena_alloc(a, (n + 1) * sizeof(*dep));
	bool *seen = arena_zalloc(a, (n + 1) * sizeof(*seen));
	long r;

	if (!idx || !dep || !seen)
		return ERR_NOMEM;
	*k = 0;
	if (root_id) {
		if ((r = platform_find(nodes, n, root_id)) < 0)
			return ERR_NOT_FOUND;
		seen[r] = true;
		idx[0] = (size_t)r;
		dep[0] = 0;
		*k = 1;
		walk(nodes, n, root_id, 1, idx, dep, k, seen);
	} else {
		/* top level: no parent, or a parent not in the list (the platform) */
		for (size_t i = 0; i < n; i++) {
			if (seen[i] || (nodes[i].org.parent_id && platform_find(nodes, n, nodes[i].org.parent_id) >= 0))
				continue;
			seen[i] = true;
			idx[*k] = i;
			dep[(*k)++] = 0;
			walk(nodes, n, nodes[i].org.id, 1, idx, dep, k, seen);
		}
	}
	*out = idx;
	if (depth)
		*depth = dep;
	return 0;
}

/* ---- deadlines ---- */

const char *platform_statutory_due(const char *agency_kind, bool has_children)
{
	return agency_kind && strcmp(agency_kind, "government") == 0 && has_children ? "03-31" : "01-31";
}

const char *platform_due(const struct org_node *o, bool has_children)
{
	return o->report_due && *o->report_due ? o->report_due : platform_statutory_due(o->agency_kind, has_children);
}

static bool parse_mmdd(const char *s, int *m, int *d)
{
	if (!s || strlen(s) != 5 || s[2] != '-' || strspn(s, "0123456789-") != 5)
		return false;
	*m = (s[0] - '0') * 10 + (s[1] - '0');
	*d = (s[3] - '0') * 10 + (s[4] - '0');
	/* a day of any year: 2001 is not a leap year, so 02-29 is refused */
	if (*m < 1 || *m > 12 || *d < 1)
		return false;
	{
		int y, mm, dd;

		date_to_ymd(date_from_ymd(2001, *m, *d), &y, &mm, &dd);
		return mm == *m && dd == *d;
	}
}

long platform_deadline(const struct org_node *o, bool has_children, int year)
{
	int m = 1, d = 31;

	if (!parse_mmdd(platform_due(o, has_children), &m, &d)) {
		m = 1;
		d = 31;
	}
	return date_from_ymd(year + 1, m, d);
}

const char *platform_due_invalid(const char *mmdd, const char *statutory)
{
	int m, d, sm, sd;

	if (!mmdd || !*mmdd)
		return NULL;
	if (!parse_mmdd(mmdd, &m, &d))
		return "年度报告时限应写成“月-日”，如 01-20。";
	if (!parse_mmdd(statutory, &sm, &sd))
		return "法定时限无效。";
	if (m > 3 || m * 100 + d > sm * 100 + sd)
		return "本地时限不能晚于法定时限（部门 1月31日，本级政府报告 3月31日）。";
	return NULL;
}

/* ---- validation ---- */

/* s trimmed, in the arena; NULL stays "". */
static const char *trimmed(struct arena *a, const char *s)
{
	struct str t;

	if (!s)
		return "";
	t = str_trim((struct str){ s, strlen(s) });
	return arena_strndup(a, t.p, t.n);
}

static bool slug_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40 || s[0] == '-' || s[n - 1] == '-' || strcmp(s, "platform") == 0)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool code_ok(const char *s)
{
	size_t n = strlen(s);

	return n <= PLATFORM_CODE_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

int platform_validate_contact(struct arena *a, struct org_contact *c, const char **msg)
{
	const char **f[] = { &c->address, &c->postcode, &c->phone, &c->fax, &c->email, &c->hours };
	static const char *const names[] = { "办公地址", "邮编", "电话", "传真", "电子邮箱", "办公时间" };

	*msg = NULL;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!(*f[i] = trimmed(a, *f[i])))
			return ERR_NOMEM;
		if (!utf8_line_ok(*f[i], PLATFORM_CONTACT_MAX)) {
			*msg = arena_printf(a, "%s不能超过 %d 个字，且只能是一行。", names[i], PLATFORM_CONTACT_MAX);
			return ERR_INVALID;
		}
	}
	if (*c->postcode && (strlen(c->postcode) != 6 || strspn(c->postcode, "0123456789") != 6)) {
		*msg = "邮编应为 6 位数字。";
		return ERR_INVALID;
	}
	if (*c->email) {
		const char *at = strchr(c->email, '@');

		if (!at || at == c->email || !strchr(at, '.') || strchr(at + 1, '@') || strchr(c->email, ' ')) {
			*msg = "电子邮箱格式不正确。";
			return ERR_INVALID;
		}
	}
	if ((*c->phone && strspn(c->phone, "0123456789-+()（） 、转,，") != strlen(c->phone)) ||
	    (*c->fax && strspn(c->fax, "0123456789-+()（） 、转,，") != strlen(c->fax))) {
		*msg = "电话和传真只能包含数字、空格和 - + ( ) 、，转。";
		return ERR_INVALID;
	}
	return 0;
}

int platform_validate(struct arena *a, struct org_node *o, const char **msg)
{
	const char *probe;
	int rc;

	*msg = NULL;
	if (!(o->org.slug = trimmed(a, o->org.slug)) || !(o->org.name = trimmed(a, o->org.name)) ||
	    !(o->org.org_code = trimmed(a, o->org.org_code)))
		return ERR_NOMEM;
	if (!o->org.index_pattern || !*o->org.index_pattern)
		o->org.index_pattern = "{机构代码}/{YYYY}-{NNNNN}";
	else if (!(o->org.index_pattern = trimmed(a, o->org.index_pattern)))
		return ERR_NOMEM;
	if (!o->agency_kind || !*o->agency_kind)
		o->agency_kind = "department";
	if (!o->report_due)
		o->report_due = "";
	if (!slug_ok(o->org.slug)) {
		*msg = "机构标识只能用小写字母、数字和 -，不超过 40 个字符，不以 - 开头或结尾（platform 为平台保留）。";
		return ERR_INVALID;
	}
	if (!*o->org.name || !utf8_line_ok(o->org.name, PLATFORM_NAME_MAX)) {
		*msg = "请填写机构名称（不超过 100 个字，一行）。";
		return ERR_INVALID;
	}
	if (!code_ok(o->org.org_code)) {
		*msg = "机构代码只能用字母、数字和 -，不超过 40 个字符。";
		return ERR_INVALID;
	}
	if (!platform_kind_name(o->agency_kind)) {
		*msg = "机构类型无效。";
		return ERR_INVALID;
	}
	if (!utf8_line_ok(o->org.index_pattern, PLATFORM_PATTERN_MAX) ||
	    index_no_format(a, o->org.index_pattern, o->org.org_code, 2024, 1, 1, &probe) != 0 ||
	    !strstr(o->org.index_pattern, "{N")) {
		*msg = "索引号规则无效：可用 {机构代码} {YYYY} {MM} 和序号 {NNNNN}（须含序号）。";
		return ERR_INVALID;
	}
	if (o->sort < 0 || o->sort > 1000000) {
		*msg = "排序号应在 0 至 1000000 之间。";
		return ERR_INVALID;
	}
	/* the statutory deadline with children is checked by the caller, who
	 * knows the tree; here the most permissive one */
	if ((*msg = platform_due_invalid(o->report_due, "03-31")))
		return ERR_INVALID;
	if ((rc = platform_validate_contact(a, &o->contact, msg)))
		return rc;
	return 0;
}

/* ---- operations ---- */

/* The due date against the statutory one of o's place in the tree. */
static int check_due(const struct org_node *nodes, size_t n, const struct org_node *o, const char **msg)
{
	bool kids = o->org.id && platform_has_children(nodes, n, o->org.id);

	if ((*msg = platform_due_invalid(o->report_due, platform_statutory_due(o->agency_kind, kids))))
		return ERR_INVALID;
	return 0;
}

int platform_create(struct db *db, struct arena *a, struct org_node *o, const char *admin_username,
		    const char *admin_display, const char *now, const char **password, const char **msg)
{
	struct org_node *nodes, probe;
	struct user u;
	size_t n;
	const char *hash;
	int rc;

	*msg = NULL;
	*password = NULL;
	o->org.id = 0;
	o->active = true;
	if ((rc = platform_validate(a, o, msg)))
		return rc;
	if (admin_username && *admin_username) {
		size_t len = strlen(admin_username);

		if (len > 64 || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", admin_username[0]) ||
		    strspn(admin_username, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len) {
			*msg = "管理员用户名只能用字母、数字和 . _ -，以字母或数字开头，不超过 64 个字符。";
			return ERR_INVALID;
		}
		if (!admin_display || !*admin_display)
			admin_display = arena_printf(a, "%s管理员", o->org.name);
		if (!utf8_line_ok(admin_display, 50)) {
			*msg = "管理员姓名不超过 50 个字。";
			return ERR_INVALID;
		}
	}
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = store_platform_orgs(db, a, &nodes, &n)))
		goto fail;
	if ((rc = platform_check_parent(nodes, n, 0, o->org.parent_id, msg)) || (rc = check_due(nodes, n, o, msg)))
		goto fail;
	if ((rc = store_platform_org_by_slug(db, a, o->org.slug, &probe)) != ERR_NOT_FOUND ||
	    (rc = store_org_by_slug(db, a, o->org.slug, &probe.org)) != ERR_NOT_FOUND) {
		if (rc == 0) {
			*msg = arena_printf(a, "机构标识“%s”已被使用。", o->org.slug);
			rc = ERR_CONFLICT;
		}
		goto fail;
	}
	if ((rc = store_platform_insert(db, o, now)) || (rc = catalog_create_default_categories(db, o->org.id)))
		goto fail;
	if (admin_username && *admin_username) {
		rc = store_user_by_name(db, a, admin_username, &u);
		if (rc == 0) {
			*msg = arena_printf(a, "用户名“%s”已被使用，请换一个。", admin_username);
			rc = ERR_CONFLICT;
			goto fail;
		}
		if (rc != ERR_NOT_FOUND)
			goto fail;
		if ((rc = auth_random_password(a, password)) || (rc = auth_hash_password(a, *password, &hash)))
			goto fail;
		u = (struct user){ .org_id = o->org.id, .username = admin_username, .display_name = admin_display,
				   .password_hash = hash };
		if ((rc = store_user_insert(db, &u, now)) || (rc = store_user_set_must_change(db, u.id, true, now)) ||
		    (rc = store_membership_add(db, o->org.id, u.id, "orgadmin")))
			goto fail;
	}
	if ((rc = db_commit(db)))
		goto fail;
	log_info("agency %s created%s%s", o->org.slug, admin_username ? " with administrator " : "",
		 admin_username ? admin_username : "");
	return 0;
fail:
	db_rollback(db);
	*password = NULL;
	if (rc == ERR_CONFLICT && !*msg)
		*msg = "机构标识或用户名已被使用。";
	return rc;
}

int platform_update(struct db *db, struct arena *a, struct org_node *o, const char *now, const char **msg)
{
	struct org_node *nodes;
	size_t n;
	int rc;

	*msg = NULL;
	if ((rc = platform_validate(a, o, msg)))
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = store_platform_orgs(db, a, &nodes, &n)) || (rc = check_due(nodes, n, o, msg)) ||
	    (rc = store_platform_update(db, o, now)) || (rc = db_commit(db)))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	if (rc == ERR_NOT_FOUND && !*msg)
		*msg = "没有这个机构。";
	return rc;
}

int platform_move(struct db *db, struct arena *a, long long org_id, long long parent_id, const char *now,
		  const char **msg)
{
	struct org_node *nodes;
	size_t n;
	int rc;

	*msg = NULL;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = store_platform_orgs(db, a, &nodes, &n)))
		goto fail;
	if (platform_find(nodes, n, org_id) < 0) {
		*msg = "没有这个机构。";
		rc = ERR_NOT_FOUND;
		goto fail;
	}
	if ((rc = platform_check_parent(nodes, n, org_id, parent_id, msg)) ||
	    (rc = store_platform_set_parent(db, org_id, parent_id, now)) || (rc = db_commit(db)))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int platform_set_active(struct db *db, long long org_id, bool active, const char *now, const char **msg)
{
	int rc = store_platform_set_active(db, org_id, active, now);

	*msg = rc == ERR_NOT_FOUND ? "没有这个机构。" : NULL;
	return rc;
}

int platform_delete(struct db *db, struct arena *a, long long org_id, const char **msg)
{
	long long records = 0, children = 0;
	int rc;

	*msg = NULL;
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = store_platform_usage(db, org_id, &records, &children)))
		goto fail;
	if (records || children) {
		*msg = children ? arena_printf(a, "该机构有 %lld 个下级机构，不能删除；请先移走下级机构，或改为停用。", children)
				: arena_printf(a, "该机构已有 %lld 条记录（信息、申请、登记、用户或报告），不能删除，只能停用。",
					       records);
		rc = ERR_CONFLICT;
		goto fail;
	}
	if ((rc = store_platform_delete(db, org_id)) || (rc = db_commit(db)))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	if (rc == ERR_NOT_FOUND && !*msg)
		*msg = "没有这个机构。";
	if (rc == ERR_CONFLICT && !*msg)
		*msg = "该机构还有关联的数据，不能删除，只能停用。";
	return rc;
}
