/* h_audit.c - the audit trail (审计日志) for an org's administrators:
 * search by person, action, record, address, date and text; each change
 * shown as the fields it changed, before and after; CSV export of what the
 * search found. The log is written by the database (store/audit.h). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/auth/auth.h"
#include "domain/registers/csvio.h"
#include "http/http.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/audit.h"
#include "store/db.h"
#include "core/banned.h"

#define AUDIT_PAGE 100
#define AUDIT_CSV_MAX 100000

static const char *const codes[] = { "insert", "update", "delete", "login", "login_failed", "logout",
				     "totp_failed", "bulk_import" };
static const char *const labels[] = { "新增", "修改", "删除", "登录", "登录失败", "退出登录", "动态口令错误",
				      "批量导入" };

static const char *action_label(const char *a)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i], a) == 0)
			return labels[i];
	return a;
}

/* The search as query parameters, each as "&name=value". */
static const char *filter_query(struct req *r)
{
	static const char *const names[] = { "user", "action", "table", "ip", "from", "to", "text", "row" };
	struct buf q;

	buf_init(&q, &r->arena, 4096);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = param_str(r, names[i]);

		if (v) {
			buf_printf(&q, "&%s=", names[i]);
			url_encode_component(&q, v, strlen(v));
		}
	}
	return buf_cstr(&q);
}

static void filter_from(struct req *r, struct audit_filter *f, int limit)
{
	memset(f, 0, sizeof(*f));
	f->org_id = r->org.id;
	f->user = param_str(r, "user");
	f->action = param_str(r, "action");
	f->tbl = param_str(r, "table");
	f->row_id = param_int(r, "row", 0);
	f->ip = param_str(r, "ip");
	f->from = param_str(r, "from");
	f->to = param_str(r, "to");
	f->text = param_str(r, "text");
	f->before_id = param_int(r, "before", 0);
	f->limit = limit;
}

/* A value on the page: at most AUDIT_VALUE_MAX bytes, cut on a character
 * boundary, with the full length said (the CSV export has it all). */
#define AUDIT_VALUE_MAX 300
static void clipped(struct buf *out, const char *v)
{
	size_t n = v ? strlen(v) : 0, cut = n;

	if (n <= AUDIT_VALUE_MAX) {
		buf_append(out, v ? v : "", n);
		return;
	}
	cut = AUDIT_VALUE_MAX;
	while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
		cut--;
	buf_append(out, v, cut);
	buf_printf(out, "…（共 %zu 字节）", n);
}

/* A JSON value as the page shows it: strings quoted and clipped, numbers
 * and null as written. */
static void json_text(struct buf *out, const json_t *v)
{
	char *d;

	if (!v || json_is_null(v)) {
		buf_puts(out, "null");
	} else if (json_is_string(v)) {
		buf_putc(out, '"');
		clipped(out, json_string_value(v));
		buf_putc(out, '"');
	} else if (json_is_integer(v)) {
		buf_printf(out, "%lld", (long long)json_integer_value(v));
	} else if ((d = json_dumps(v, JSON_ENCODE_ANY))) {
		clipped(out, d);
		free(d);
	}
}

/* The changed fields of an update (or every field of an insert or delete)
 * as "field: before → after" lines. */
static const char *changes(struct arena *a, const struct audit_row *row)
{
	json_t *b = row->before ? json_loads(row->before, 0, NULL) : NULL;
	json_t *af = row->after ? json_loads(row->after, 0, NULL) : NULL;
	json_t *keys = af ? af : b;
	struct buf out;
	const char *k;
	json_t *v;

	buf_init(&out, a, 1 << 20);
	if (!keys || !json_is_object(keys)) {
		json_decref(b);
		json_decref(af);
		return row->after ? row->after : "";
	}
	json_object_foreach(keys, k, v) {
		json_t *ov = b ? json_object_get(b, k) : NULL, *nv = af ? json_object_get(af, k) : NULL;

		(void)v;
		if (b && af && ov && nv && json_equal(ov, nv))
			continue;
		if (out.n)
			buf_putc(&out, '\n');
		buf_printf(&out, "%s: ", k);
		json_text(&out, b ? ov : nv);
		if (b && af) {
			buf_puts(&out, " → ");
			json_text(&out, nv);
		}
	}
	json_decref(b);
	json_decref(af);
	return buf_cstr(&out);
}

int h_admin_audit(struct req *r)
{
	struct audit_filter f;
	struct audit_row *rows;
	size_t n;
	struct tv *ctx, *l;
	int rc;

	if (!req_can_or_respond(r, PERM_AUDIT))
		return 0;
	filter_from(r, &f, AUDIT_PAGE);
	if ((rc = store_audit_list(req_db(r), &r->arena, &f, &rows, &n))) {
		return respond_server_error(r, rc);
	}
	ctx = page_ctx(r, "审计日志");
	tv_set_str(ctx, "f_user", f.user);
	l = tv_set_list(ctx, "actions");
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct tv *o = tv_list_push_map(l);

		tv_set_str(o, "code", codes[i]);
		tv_set_str(o, "label", labels[i]);
		tv_set_bool(o, "selected", f.action && strcmp(f.action, codes[i]) == 0);
	}
	tv_set_str(ctx, "f_table", f.tbl);
	if (f.row_id)
		tv_set_int(ctx, "f_row", f.row_id);
	tv_set_str(ctx, "f_ip", f.ip);
	tv_set_str(ctx, "f_from", f.from);
	tv_set_str(ctx, "f_to", f.to);
	tv_set_str(ctx, "f_text", f.text);
	l = tv_set_list(ctx, "rows");
	for (size_t i = 0; i < n; i++) {
		struct tv *e = tv_list_push_map(l);

		tv_set_int(e, "id", rows[i].id);
		tv_set_str(e, "at", rows[i].at);
		tv_set_str(e, "who", *rows[i].username ? rows[i].username : rows[i].user_id ? "" : "（公众）");
		tv_set_str(e, "ip", rows[i].ip);
		tv_set_str(e, "action", action_label(rows[i].action));
		tv_set_str(e, "table", rows[i].tbl);
		if (rows[i].row_id)
			tv_set_int(e, "row", rows[i].row_id);
		tv_set_str(e, "changes", changes(&r->arena, &rows[i]));
	}
	tv_set_bool(ctx, "empty", n == 0);
	{
		const char *q = filter_query(r);

		if (n == AUDIT_PAGE)
			tv_set_str(ctx, "older_url", arena_printf(&r->arena, "/admin/o/%s/audit?before=%lld%s", r->org.slug,
								  rows[n - 1].id, q));
		tv_set_str(ctx, "csv_url", arena_printf(&r->arena, "/admin/o/%s/audit.csv%s%s", r->org.slug, *q ? "?" : "",
							*q ? q + 1 : ""));
	}
	return respond_html(r, 200, "admin_audit", ctx);
}

int h_admin_audit_csv(struct req *r)
{
	static const char *const head[] = { "序号", "时间（UTC）", "用户", "地址", "操作", "数据表", "记录", "修改前",
					    "修改后", "校验值" };
	struct audit_filter f;
	struct audit_row *rows;
	size_t n;
	struct buf b;
	int rc;

	if (!req_can_or_respond(r, PERM_AUDIT))
		return 0;
	filter_from(r, &f, AUDIT_CSV_MAX);
	if ((rc = store_audit_list(req_db(r), &r->arena, &f, &rows, &n))) {
		return respond_server_error(r, rc);
	}
	buf_init(&b, &r->arena, (size_t)1 << 30);
	csv_write_bom(&b);
	csv_write_row(&b, head, sizeof(head) / sizeof(head[0]));
	for (size_t i = 0; i < n; i++) {
		const char *row[10] = {
			arena_printf(&r->arena, "%lld", rows[i].id), rows[i].at, rows[i].username, rows[i].ip,
			action_label(rows[i].action), rows[i].tbl,
			rows[i].row_id ? arena_printf(&r->arena, "%lld", rows[i].row_id) : "",
			rows[i].before ? rows[i].before : "", rows[i].after ? rows[i].after : "", rows[i].hash,
		};

		csv_write_row(&b, row, 10);
	}
	if (b.err)
		return respond_error(r, 413, "导出的记录过多，请缩小查询范围。");
	return respond_download(r, "text/csv; charset=utf-8", b.p, b.n,
				arena_printf(&r->arena, "审计日志-%s.csv", r->org.slug));
}
