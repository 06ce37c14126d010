/* publish.h - the annual report on the web: what staff write for it, kept
 * as versions; the ready sentences (facts) they insert as tokens; the
 * check that gates publication; publication into the catalog; and the
 * platform view of all child agencies' reports of a year.
 *
 * Fact tokens. A fact of report_figures.facts is inserted into a section
 * as the token 【事实：KEY】 on its own paragraph. The document is always
 * built with every token replaced by the fact's current text, so the
 * sentence follows the records; a token whose fact the records no longer
 * give is an error of the check.
 *
 * Versions. A report (org, year) starts as version 1 with empty sections
 * (the document then shows the ready sentences); every save is a new
 * version, on the version the clerk edited (ERR_CONFLICT when someone
 * saved in between). Nothing is ever overwritten.
 *
 * Publication. The current version is built and checked (report_check_doc
 * and the fact tokens). Errors block it unless an override reason of at
 * least RPUB_OVERRIDE_MIN characters is given, which is recorded with the
 * version. The report becomes a catalog item in the org's category
 * 报告统计 (索引号 the normal way) whose body is the rendered HTML, with
 * the DOCX and the PDF attached; the item keeps that snapshot. Publishing
 * a later version updates the same item (its 索引号 stays) and replaces
 * the attachments.
 *
 * Everything is arena memory; writes run in one transaction. */
#ifndef GK_DOMAIN_REPORT_PUBLISH_H
#define GK_DOMAIN_REPORT_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/report/report.h"
#include "store/report_store.h"
#include "store/store.h"

struct arena;
struct db;

#define RPUB_TOKEN_OPEN "【事实："
#define RPUB_TOKEN_CLOSE "】"
#define RPUB_CATEGORY "报告统计"

enum {
	RPUB_OVERRIDE_MIN = 10,          /* characters of an override reason */
	RPUB_OVERRIDE_MAX = 500,
	RPUB_SECTION_MAX = 100000,       /* characters of one section */
	RPUB_NOTE_MAX = 200,
	RPUB_ITEMS_MAX = 100000000,      /* |上一年项目数量|, |本年增/减| */
	RPUB_SECTIONS = 3,
};

/* The free sections in the order of the form: [0] 一 overview, [1] 五
 * problems, [2] 六 other. */
extern const char *const rpub_section_codes[RPUB_SECTIONS];   /* "一" "五" "六" */
extern const char *const rpub_section_fields[RPUB_SECTIONS];  /* "overview" "problems" "other" */

/* Who works on which org's report, when. */
struct rpub_ctx {
	struct db *db;
	struct arena *a;
	const struct org *org;
	long long user_id;
	const char *now;                 /* ISO 8601 UTC */
	long today;                      /* day number in China */
	const char *files_dir;           /* publication: the content-addressed file store */
};

/* ---- fact tokens ---- */

/* "【事实：KEY】" (arena memory). */
const char *rpub_token(struct arena *a, const char *key);
/* text with the token of key appended as its own paragraph. */
int rpub_insert_token(struct arena *a, const char *text, const char *key, const char **out);
/* text with every token replaced by the text of the fact of that key in
 * fig (also written 【事实:KEY】). Tokens without such a fact stay as they
 * are; their keys are listed in *unknown (*nunknown of them; both may be
 * NULL when not wanted). */
int rpub_expand(struct arena *a, const char *text, const struct report_figures *fig, const char **out,
		const char ***unknown, size_t *nunknown);

/* ---- drafts and versions ---- */

/* What a clerk submits: the three sections (NULL: empty), a note, and the
 * 2019 format's entered table 二 cells. */
struct rpub_input {
	const char *text[RPUB_SECTIONS];
	const char *note;
	long long items_prev[REPORT_ITEM_ROWS];
	long long items_delta[REPORT_ITEM_ROWS];
};

/* The years a report can be made for on day today: REPORT_FIRST_YEAR up to
 * last year. */
int rpub_last_year(long today);

/* Create the report of year for c->org: version 1, empty. ERR_INVALID with
 * *msg for a year outside rpub's range; ERR_CONFLICT when it exists. */
int rpub_create(struct rpub_ctx *c, int year, struct report_rec *out, const char **msg);
/* Save in as a new version of the report of year, on base_version (the
 * version the clerk edited). ERR_NOT_FOUND without a report, ERR_INVALID
 * with *msg for bad input, ERR_CONFLICT with *msg when the report has a
 * newer version. *out (may be NULL) gets the new version. */
int rpub_save(struct rpub_ctx *c, int year, int base_version, const struct rpub_input *in,
	      struct report_version *out, const char **msg);
/* The report of year and one of its versions (0: the current one).
 * ERR_NOT_FOUND when either does not exist. */
int rpub_load(struct rpub_ctx *c, int year, int version, struct report_rec *rep, struct report_version *v);

/* ---- the document and its check ---- */

struct rpub_built {
	struct report_doc doc;
	struct report_issue *issues;     /* errors first, then warnings */
	size_t nissues, nerrors;
};
/* Build the document of year from version v (tokens expanded on the
 * current records). With check, also run report_check_doc and the token
 * check. ERR_INVALID with *msg as report_build. */
int rpub_build(struct rpub_ctx *c, int year, const struct report_version *v, bool check, struct rpub_built *out,
	       const char **msg);

/* ---- publication ---- */

struct rpub_result {
	struct rpub_built built;         /* the document and the check run (also when refused) */
	long long item_id;
	const char *index_no;
	bool republished;                /* the item existed and was updated */
	bool overridden;                 /* published over errors */
};
/* Publish the current version of year's report, which must be
 * base_version. With check errors, override (trimmed) must hold at least
 * RPUB_OVERRIDE_MIN characters, else ERR_INVALID with *msg naming the
 * first error (out->built has them all). ERR_CONFLICT with *msg: a newer
 * version exists, or this version is already the published one.
 * ERR_INVALID with *msg when the org has no category 报告统计. ERR_IO when
 * the files cannot be stored. */
int rpub_publish(struct rpub_ctx *c, int year, int base_version, const char *override, struct rpub_result *out,
		 const char **msg);

/* ---- the platform view ---- */

enum rpub_timeliness {
	RPUB_NOT_DUE = 0,     /* not published, the deadline has not passed */
	RPUB_ON_TIME = 1,     /* first published by 1 月 31 日 of year + 1 */
	RPUB_LATE = 2,        /* first published after it */
	RPUB_OVERDUE = 3,     /* not published and the deadline has passed */
};

struct rpub_row {
	struct org org;
	struct report_rec rep;           /* id 0: no report */
	int timeliness;                  /* enum rpub_timeliness */
	long deadline;                   /* the agency's own (platform_deadline) */
	int errors;                      /* check errors: of the published version when
					  * published, else of the current draft; -1 without a report */
	bool figures_published;          /* fig is the published version's snapshot (else the records now) */
	bool draft_newer;                /* published, and a later version is saved */
	struct report_keyfig fig;
};

/* The deadline of a department's report of year (条例第四十九条): 1 月 31 日
 * of year + 1. Each agency's own is platform_deadline (a government with
 * children: 3 月 31 日; a local earlier one set by the platform). */
long rpub_deadline(int year);
/* Every child org of parent (store_rpt_children) with its report of
 * year and the key figures; *total sums the figures. ERR_INVALID with *msg
 * for a year out of range. */
int rpub_platform(struct db *db, struct arena *a, const struct org *parent, int year, long today,
		  struct rpub_row **rows, size_t *n, struct report_keyfig *total, const char **msg);

/* The key figures of a built document's figures (interactions from the
 * register). */
int rpub_keyfig(struct db *db, const struct org *org, const struct report_figures *fig, struct report_keyfig *out);

#endif
