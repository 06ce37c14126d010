/* report_store.h - the rows of the annual report on the web: one report per
 * org and year (status, current version, publication), its saved versions
 * (the staff's narrative and the 2019 format's entered table 二 cells), and
 * the aggregates the platform view reads for many child orgs at once. The
 * rules are in src/domain/report/publish.c; these functions only read and
 * write rows (conventions of store.h). */
#ifndef GK_STORE_REPORT_STORE_H
#define GK_STORE_REPORT_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;
struct org;

/* The key figures of a report, side by side in the platform view. */
struct report_keyfig {
	long long items;          /* 主动公开: catalog items published in the year */
	long long app_new;        /* 表三 一、本年新收 总计 */
	long long app_concluded;  /* 表三 （七）总计 总计 */
	long long app_carried;    /* 表三 四、结转下年度继续办理 总计 */
	long long reviews;        /* 表四 行政复议 总计 */
	long long suits;          /* 表四 行政诉讼 总计 (直接起诉 + 复议后起诉) */
	long long interactions;   /* 政民互动 cases received in the year */
};

struct report_rec {
	long long id;
	long long org_id;
	int year;
	const char *status;             /* draft published */
	int version;                    /* the current (newest) version */
	int published_version;          /* 0: never published */
	const char *first_published_on; /* YYYY-MM-DD or NULL */
	const char *published_at;       /* NULL until published */
	long long published_by;
	const char *published_by_name;  /* reads only */
	long long item_id;              /* 0: no catalog item yet */
	const char *override_reason;    /* NULL: the last publication had no errors to override */
	int check_errors;               /* errors of the published version when it was published */
	struct report_keyfig fig;       /* of the published version */
	long long created_by;
	const char *created_at;
	const char *updated_at;
};

/* The 2019 format's table 二 cells staff enter: [0] 行政许可
 * [1] 其他对外管理服务事项 [2] 行政处罚 [3] 行政强制. */
enum { REPORT_ITEM_ROWS = 4 };

struct report_version {
	long long id;
	long long org_id;
	long long report_id;
	int version;
	const char *overview;           /* 一 */
	const char *problems;           /* 五 */
	const char *other;              /* 六 */
	long long items_prev[REPORT_ITEM_ROWS];
	long long items_delta[REPORT_ITEM_ROWS];
	const char *note;
	const char *published_at;       /* NULL unless this version was published */
	const char *override_reason;    /* published over check errors: why */
	long long created_by;
	const char *created_by_name;    /* reads only: display name or username */
	const char *created_at;
};

/* Insert r (status draft, version r->version, sets r->id); ERR_CONFLICT
 * when org already has a report of that year. */
int store_rpt_insert(struct db *db, struct report_rec *r);
int store_rpt_get(struct db *db, struct arena *a, long long org_id, int year, struct report_rec *out);
/* Every report of org, newest year first. */
int store_rpt_list(struct db *db, struct arena *a, long long org_id, struct report_rec **out, size_t *n);
/* Move report id of org from version from to version to; ERR_CONFLICT
 * when its current version is not from (someone saved in between). */
int store_rpt_bump(struct db *db, long long org_id, long long id, int from, int to, const char *now);
/* Record a publication of r (published_version, published_at,
 * published_by, item_id, override_reason, check_errors, fig; status
 * published; first_published_on kept when already set). */
int store_rpt_set_published(struct db *db, const struct report_rec *r);

int store_rpt_version_insert(struct db *db, struct report_version *v);
int store_rpt_version_get(struct db *db, struct arena *a, long long org_id, long long report_id, int version,
			     struct report_version *out);
/* The versions of a report, newest first, without their texts (overview,
 * problems and other are NULL). */
int store_rpt_versions(struct db *db, struct arena *a, long long org_id, long long report_id,
			  struct report_version **out, size_t *n);
int store_rpt_version_set_published(struct db *db, long long org_id, long long report_id, int version,
				       const char *at, const char *override_reason);

/* ---- the platform view ---- */

/* The child orgs of parent (kind agency, parent_id = parent->id), by name.
 * For the platform org, agencies without a parent count as its children
 * too: an agency created without one belongs to the platform. */
int store_rpt_children(struct db *db, struct arena *a, const struct org *parent, struct org **out, size_t *n);
/* Does org have child orgs (in the sense of store_rpt_children)? */
int store_rpt_has_children(struct db *db, const struct org *org, bool *out);
/* The reports of year of the given orgs: out[i] for orgs[i], id 0 when
 * the org has none. */
int store_rpt_of_orgs(struct db *db, struct arena *a, const struct org *orgs, size_t n, int year,
			 struct report_rec *out);
/* 政民互动 cases of org received in year. */
int store_rpt_interactions(struct db *db, long long org_id, int year, long long *n);

#endif
