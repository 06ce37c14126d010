/* config.c - checking and saving the delivery channels. See config.h. */
#include "domain/channels/config.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/channels/channel.h"
#include "domain/channels/outbox.h"
#include "domain/registers/channel_stats.h"
#include "store/channel_stat.h"
#include "store/db.h"
#include "store/delivery.h"
#include "core/banned.h"

const char *dchan_fingerprint(struct arena *a, const char *secret)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1];

	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	hex_encode(h, sizeof(h), hex);
	hex[12] = '\0';
	return arena_printf(a, "sha256:%s", hex);
}

static bool http_url(const char *u)
{
	size_t n = strlen(u);

	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return false;
	if (n > DCHAN_URL_MAX || n <= (size_t)(u[4] == 's' ? 8 : 7))
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return false;
	return true;
}

static int bad(const char **msg, const char *text)
{
	*msg = text;
	return ERR_INVALID;
}

static int check(struct db *db, struct arena *a, long long org_id, const struct dchan_form *f,
		 const struct chan_driver **drv, const char *secret, const char *config, struct stat_channel *sc,
		 const char **msg)
{
	const struct chan_driver *d = chan_driver_find(f->kind);

	*drv = d;
	if (!d)
		return bad(msg, "请选择渠道类型。");
	if (!f->name || !*f->name || !utf8_line_ok(f->name, DCHAN_NAME_MAX))
		return bad(msg, "请填写渠道名称（不超过 50 字）。");
	/* the e-mail channel's endpoint is an smtp:// URL, which its check reads */
	if (f->endpoint && *f->endpoint && strcmp(d->kind, "email") != 0 && !http_url(f->endpoint))
		return bad(msg, "接口或推送地址应为 http:// 或 https:// 开头的网址（不超过 500 字节，不含空格）。");
	if ((d->needs & CHAN_NEEDS_ENDPOINT) && (!f->endpoint || !*f->endpoint))
		return bad(msg, "请填写推送地址。");
	if ((d->needs & CHAN_NEEDS_APP_ID) &&
	    (!f->app_id || !*f->app_id || strlen(f->app_id) > DCHAN_APP_ID_MAX))
		return bad(msg, "请填写 AppID（不超过 64 个字符）。");
	if (f->app_id && !utf8_line_ok(f->app_id, DCHAN_APP_ID_MAX))
		return bad(msg, "AppID 无效。");
	if (f->secret && *f->secret && (strlen(f->secret) > DCHAN_SECRET_MAX || !utf8_line_ok(f->secret, DCHAN_SECRET_MAX)))
		return bad(msg, "密钥过长或含有控制字符（不超过 256 个字符）。");
	if ((d->needs & CHAN_NEEDS_SECRET) && !*secret)
		return bad(msg, strcmp(d->kind, "wechat") == 0 ? "请填写 AppSecret。" : "请填写签名密钥。");
	if (f->author && !utf8_line_ok(f->author, DCHAN_AUTHOR_MAX))
		return bad(msg, "作者不超过 30 字。");
	if (!f->all_categories && f->ncats == 0)
		return bad(msg, "请选择至少一个公开类别，或选择“全部类别”。");
	if (f->ncats > DCHAN_CATS_MAX)
		return bad(msg, "选择的公开类别过多。");
	if (f->stat_channel_id) {
		const struct chan_type_info *t;
		int rc = store_stat_channel_get(db, a, org_id, f->stat_channel_id, sc);

		if (rc == ERR_NOT_FOUND)
			return bad(msg, "计入的公开渠道数据渠道不存在。");
		if (rc)
			return rc;
		if (!d->stat_metric)
			return bad(msg, "这类渠道的推送不计入公开渠道数据。");
		if (!(t = chan_type_find(sc->type)) || chan_metric_check(a, t->id, d->stat_metric, msg))
			return bad(msg, arena_printf(a, "“%s”是%s，不能计入“%s”：请选择%s渠道。", sc->name,
						     t ? t->label : sc->type, d->stat_metric,
						     strcmp(d->stat_metric, METRIC_PUSHES) == 0 ? "政务新媒体" : "门户网站"));
	}
	if (d->check) {
		struct chan_config c = { .kind = f->kind, .name = f->name, .enabled = f->enabled,
					 .endpoint = f->endpoint ? f->endpoint : "", .app_id = f->app_id ? f->app_id : "",
					 .secret = secret, .config = config };

		return d->check(a, &c, msg);
	}
	return 0;
}

int dchan_save(struct db *db, struct arena *a, long long org_id, long long *id, const struct dchan_form *f,
	       const char *now, const char **msg)
{
	const struct chan_driver *drv;
	struct stat_channel sc;
	struct dchannel c = { 0 };
	const char *secret = f->secret && *f->secret ? f->secret : "";
	json_t *cfg = NULL;
	char *cfgs = NULL;
	int rc;

	*msg = NULL;
	if ((rc = db_begin(db)))
		return rc;
	if (*id) {
		struct dchannel old;

		if ((rc = store_dchannel_get(db, a, org_id, *id, &old)))
			goto out;
		if (!*secret && (rc = store_dchannel_secret(db, a, org_id, *id, &secret)))
			goto out;
		c.created_at = old.created_at;
	}
	cfg = json_object();
	if (f->author && *f->author)
		json_object_set_new(cfg, "author", json_string(f->author));
	if (f->mail_from && *f->mail_from)
		json_object_set_new(cfg, "from", json_string(f->mail_from));
	if (f->reply_to && *f->reply_to)
		json_object_set_new(cfg, "reply_to", json_string(f->reply_to));
	if (!cfg || !(cfgs = json_dumps(cfg, JSON_COMPACT))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = check(db, a, org_id, f, &drv, secret, cfgs, &sc, msg)))
		goto out;
	c = (struct dchannel){ .id = *id, .org_id = org_id, .kind = drv->kind, .name = f->name, .enabled = f->enabled,
			       .all_categories = f->all_categories, .endpoint = f->endpoint ? f->endpoint : "",
			       .app_id = f->app_id ? f->app_id : "", .config = cfgs,
			       .stat_channel_id = f->stat_channel_id,
			       .stat_metric = f->stat_channel_id ? drv->stat_metric : "" };
	rc = *id ? store_dchannel_update(db, &c, now) : store_dchannel_insert(db, &c, now);
	if (rc == ERR_CONFLICT)
		*msg = "已有同名的渠道。";
	if (rc)
		goto out;
	*id = c.id;
	if ((rc = store_dchannel_set_categories(db, org_id, c.id, f->all_categories ? NULL : f->cats,
						f->all_categories ? 0 : f->ncats)))
		goto out;
	if (f->secret && *f->secret &&
	    (rc = store_dchannel_set_secret(db, org_id, c.id, f->secret, dchan_fingerprint(a, f->secret), now)))
		goto out;
	/* the figure this month follows the mapping at once (later ones at each delivery) */
	if (f->stat_channel_id) {
		int y, m;

		outbox_month_cn(&y, &m);
		rc = store_delivery_recount_figure(db, org_id, c.id, y, m, now);
	}
out:
	free(cfgs);
	json_decref(cfg);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int dchan_test_send(struct db *db, struct arena *a, long long org_id, long long channel_id, long long *delivery_id,
		    const char **msg)
{
	long long item = 0;
	char now[32];
	int rc;

	(void)a;
	*msg = NULL;
	if ((rc = store_delivery_latest_item(db, org_id, &item)) == ERR_NOT_FOUND) {
		*msg = "本机构还没有已发布的信息，无法试推送。";
		return rc;
	}
	if (rc)
		return rc;
	outbox_time(0, now);
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = store_delivery_enqueue_one(db, org_id, channel_id, item, "publish", now, delivery_id))) {
		db_rollback(db);
		if (rc == ERR_NOT_FOUND)
			*msg = "该渠道不存在。";
		return rc;
	}
	return db_commit(db);
}

const char *dchan_config_str(struct arena *a, const char *config, const char *key)
{
	json_t *j = json_loads(config ? config : "{}", 0, NULL), *v = j ? json_object_get(j, key) : NULL;
	const char *out = json_is_string(v) ? arena_strdup(a, json_string_value(v)) : "";

	json_decref(j);
	return out ? out : "";
}
