/* h_static_site.c - the staff's button that rebuilds the org's static
 * pages after a failure (the banner of admin_header.html). */
#include "http/http.h"

#include <stdio.h>

#include "core/log.h"
#include "domain/auth/auth.h"
#include "http/static_site.h"
#include "core/banned.h"

/* POST /admin/o/{org}/static/rebuild: a full build of the org's pages
 * (every file compared with what it should hold, so whatever a failure
 * left half-done is repaired); success clears the recorded failure. */
int h_admin_static_rebuild(struct req *r)
{
	struct static_stats st;
	char err[512];
	int rc;

	if (!req_can_or_respond(r, PERM_PUBLISH))
		return 0;
	if (!r->app->site)
		return respond_error(r, 404, "本站没有配置静态页面目录。");
	rc = static_build(r->app, req_db(r), r->app->site, r->org.slug, true, &st, err, sizeof(err));
	if (rc) {
		log_error("static: rebuild of %s by %s failed: %s", r->org.slug, r->user.username, err);
		return respond_error(r, 503, arena_printf(&r->arena, "静态页面仍未能生成：%s。请检查静态目录后重试。",
							  *err ? err : "未知错误"));
	}
	log_info("static: %s rebuilt by %s: %lld pages, %lld files written, %lld removed", r->org.slug,
		 r->user.username, st.rendered, st.written, st.removed);
	return respond_redirect(r, arena_printf(&r->arena, "/admin/o/%s/items", r->org.slug));
}
