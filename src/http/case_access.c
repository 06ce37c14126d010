/* case_access.c - who may act on one case (a disclosure application or a
 * 政民互动 case): the permission check of auth_can_case with the case's
 * 承办人, and the assignment of a case to a 承办人 by the org's
 * administrator. */
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "domain/auth/auth.h"
#include "http/case_access.h"
#include "http/http.h"
#include "render/tmpl.h"
#include "store/db.h"
#include "store/item_review.h"
#include "core/banned.h"

bool req_can_case(struct req *r, const char *table, long long id)
{
	long long assignee = 0;
	bool ok = false;

	if (!r->staff)
		return false;
	if (store_case_assignee(req_db(r), table, r->org.id, id, &assignee) && assignee)
		return false;
	return auth_can_case(req_db(r), r->user.id, r->org.id, assignee, &ok) == 0 && ok;
}

bool req_can_case_or_respond(struct req *r, const char *table, long long id)
{
	if (req_can_case(r, table, id))
		return true;
	respond_error(r, 403, req_can(r, PERM_CASES) ? "该件未分配给您办理，请联系机构管理员分配。"
						    : "您没有权限进行此操作。");
	return false;
}

int case_assign_fill(struct req *r, const char *table, long long id, bool open, struct tv *m)
{
	struct case_handler *h;
	long long assignee = 0;
	size_t n;
	struct tv *l;
	int rc;

	if ((rc = store_case_assignee(req_db(r), table, r->org.id, id, &assignee)))
		return rc;
	if ((rc = store_case_handlers(req_db(r), &r->arena, r->org.id, &h, &n)))
		return rc;
	tv_set_bool(m, "can_assign", open && req_can(r, PERM_ADMIN));
	l = tv_set_list(m, "handlers");
	for (size_t i = 0; i < n; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_int(e, "id", h[i].user_id);
		tv_set_str(e, "name", h[i].name);
		tv_set_bool(e, "selected", h[i].user_id == assignee);
		if (h[i].user_id == assignee)
			tv_set_str(m, "assignee", h[i].name);
	}
	return 0;
}

int case_assign(struct req *r, const char *table, long long id)
{
	int rc;

	if (!req_can_or_respond(r, PERM_ADMIN))
		return 1;
	rc = store_case_assign(req_db(r), table, r->org.id, id, param_int(r, "assignee", 0));
	if (rc == ERR_NOT_FOUND) {
		respond_error(r, 400, "承办人须是本机构的承办人或机构管理员。");
		return 1;
	}
	if (rc) {
		log_error("%s: %s", r->url, err_name(rc));
		respond_error(r, 500, "服务器内部错误，请稍后再试。");
		return 1;
	}
	log_info("%s %lld assigned to user %lld by %s", table, id, param_int(r, "assignee", 0), r->user.username);
	return 0;
}
