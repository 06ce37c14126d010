/* appctx.c - the application procedure's context for a request. */
#include <time.h>

#include "core/date.h"
#include "core/err.h"
#include "domain/applications/cases.h"
#include "domain/calendar/calendar.h"
#include "http/http.h"
#include "core/banned.h"

int req_app_ctx(struct req *r, struct app_ctx *c, struct calendar *cal)
{
	struct org platform;
	char *now = arena_alloc(&r->arena, 21);
	int rc;

	if (!now)
		return ERR_NOMEM;
	if ((rc = store_org_platform(req_db(r), &r->arena, &platform)) ||
	    (rc = calendar_load(req_db(r), &r->arena, platform.id, cal)))
		return rc;
	time_format_utc(time(NULL), now);
	*c = (struct app_ctx){
		.db = req_db(r),
		.a = &r->arena,
		.cal = cal,
		.org = &r->org,
		.user_id = r->staff ? r->user.id : 0,
		.actor = r->staff ? (*r->user.display_name ? r->user.display_name : r->user.username) : "申请人",
		.today = date_today_cn(),
		.now = now,
	};
	return 0;
}
