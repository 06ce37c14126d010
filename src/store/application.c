/* application.c - disclosure applications (依申请公开): the case rows, their
 * events, due-date changes, letters and files. The rules live in
 * domain/applications; this file only reads and writes rows. See store.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/grow.h"
#include "store/store.h"
#include "core/banned.h"

/* the states still owing a reply */
#define OPEN_STATES "('submitted', 'registered', 'correcting', 'consulting', 'awaiting_fee', 'extended')"

#define APP_COLS                                                                                   \
	"id, org_id, serial, tracking_code, check_digits, submit_token, state, applicant_type, name, " \
	"id_kind, id_number, contact_person, phone, email, address, postcode, info_title, info_doc_no, " \
	"info_desc, medium, delivery, channel, evidence, submitted_on, received_on, due_on, due_error, " \
	"extended, wait_until, fee_standard, fee_units, fee_yuan, outcome, basis, closed_on, version, "  \
	"COALESCE(created_by, 0), created_at, updated_at"

/* The SQLite backend maps at most $1..$24 (MAX_PARAMS in db_sqlite.c), so
 * an application is written by two statements: the first carries every
 * column with a constraint (unique, check, foreign key) and, for an update,
 * the version check; the second the rest of the row. Callers run them in
 * a transaction (an insert shares it with store_app_next_serial and the
 * first event), so nobody sees a row half written. With MAX_PARAMS >= 37
 * each could be one statement again. */
static const char sql_app_insert[] =
	"INSERT INTO applications (org_id, serial, tracking_code, check_digits, submit_token, state, "
	"applicant_type, name, id_kind, id_number, phone, medium, delivery, channel, submitted_on, received_on, "
	"due_on, due_error, extended, wait_until, outcome, closed_on, version, created_by, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
	"$21, $22, 1, $23, $24, $24) RETURNING id";
static const char sql_app_insert_rest[] =
	"UPDATE applications SET contact_person = $3, email = $4, address = $5, postcode = $6, info_title = $7, "
	"info_doc_no = $8, info_desc = $9, evidence = $10, fee_standard = $11, fee_units = $12, fee_yuan = $13, "
	"basis = $14, updated_at = $15 WHERE org_id = $1 AND id = $2";
static const char sql_app_update[] =
	"UPDATE applications SET state = $4, applicant_type = $5, name = $6, id_kind = $7, id_number = $8, "
	"contact_person = $9, phone = $10, email = $11, address = $12, postcode = $13, info_title = $14, "
	"info_doc_no = $15, info_desc = $16, medium = $17, delivery = $18, channel = $19, evidence = $20, "
	"submitted_on = $21, received_on = $22, updated_at = $23, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $3";
/* $3: the version the first statement wrote */
static const char sql_app_update_rest[] =
	"UPDATE applications SET due_on = $4, due_error = $5, extended = $6, wait_until = $7, fee_standard = $8, "
	"fee_units = $9, fee_yuan = $10, outcome = $11, basis = $12, closed_on = $13 "
	"WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_app_get[] = "SELECT " APP_COLS " FROM applications WHERE org_id = $1 AND id = $2";
static const char sql_app_by_token[] =
	"SELECT " APP_COLS " FROM applications WHERE org_id = $1 AND submit_token = $2";
static const char sql_app_by_code[] = "SELECT " APP_COLS " FROM applications WHERE tracking_code = $1";
/* serials are 'YYYY-NNNN': the number after the year's dash */
static const char sql_app_next_serial[] =
	"SELECT COALESCE(MAX(CAST(substr(serial, 6) AS INTEGER)), 0) + 1 FROM applications "
	"WHERE org_id = $1 AND serial LIKE $2";

/* List filters: $1 org (0 all), $2 open only (0/1), $3 state ('' any);
 * $4 limit, $5 offset. */
/* The list's filters and order. The page is chosen over the narrow
 * (index-only) rows first, then only its rows are read whole: sorting
 * every whole row of a large agency made a late page take 0.2 s. */
#define LIST_FILTER "($2 = 0 OR state IN " OPEN_STATES ") AND ($3 = '' OR state = $3)"
#define LIST_ORDER                                                          \
	" ORDER BY CASE WHEN state IN " OPEN_STATES " THEN 0 ELSE 1 END, " \
	"CASE WHEN due_on IS NULL THEN 0 ELSE 1 END, due_on, received_on, id"
static const char sql_app_list[] =
	"SELECT " APP_COLS " FROM applications WHERE id IN (SELECT id FROM applications WHERE org_id = $1 AND "
	LIST_FILTER LIST_ORDER " LIMIT $4 OFFSET $5)" LIST_ORDER;
static const char sql_app_list_all[] =
	"SELECT " APP_COLS " FROM applications WHERE id IN (SELECT id FROM applications WHERE $1 = 0 AND "
	LIST_FILTER LIST_ORDER " LIMIT $4 OFFSET $5)" LIST_ORDER;
/* open cases of one org (the dashboard): the index is searched by state */
static const char sql_app_list_open[] =
	"SELECT " APP_COLS " FROM applications WHERE id IN (SELECT id FROM applications WHERE org_id = $1 AND "
	"state IN " OPEN_STATES " AND $2 = 1 AND $3 = ''" LIST_ORDER " LIMIT $4 OFFSET $5)" LIST_ORDER;
static const char sql_app_count_open[] =
	"SELECT COUNT(*) FROM applications WHERE org_id = $1 AND state IN " OPEN_STATES " AND $2 = 1 AND $3 = ''";
static const char sql_app_count[] = "SELECT COUNT(*) FROM applications WHERE org_id = $1 AND " LIST_FILTER;
static const char sql_app_count_all[] = "SELECT COUNT(*) FROM applications WHERE $1 = 0 AND " LIST_FILTER;
static const char sql_app_open_dues[] =
	"SELECT id, state, due_on, received_on, extended FROM applications WHERE org_id = $1 AND state IN " OPEN_STATES;
static const char sql_app_period[] =
	"SELECT " APP_COLS " FROM applications WHERE org_id = $1 AND state <> 'void' AND received_on <= $3 "
	"AND (closed_on IS NULL OR closed_on >= $2) ORDER BY id";
static const char sql_app_count_applicant[] =
	"SELECT COUNT(*) FROM applications WHERE org_id = $1 AND id_number = $2 AND state <> 'void' "
	"AND received_on BETWEEN $3 AND $4";

/* The rows below an application are inserted only when the application
 * belongs to the org: INSERT ... SELECT from it (its org_id and id, so that
 * no parameter is used twice), no row means not found. */
static const char sql_event_add[] =
	"INSERT INTO application_events (org_id, application_id, action, day, n, user_id, actor, reason, detail, at) "
	"SELECT org_id, id, $3, $4, $5, $6, $7, $8, $9, $10 FROM applications WHERE org_id = $1 AND id = $2 "
	"RETURNING id";
static const char sql_events[] =
	"SELECT id, application_id, action, day, n, COALESCE(user_id, 0), actor, reason, detail, at "
	"FROM application_events WHERE org_id = $1 AND application_id = $2 ORDER BY id";
static const char sql_due_add[] =
	"INSERT INTO application_due_changes (org_id, application_id, old_due, new_due, cause, at) "
	"SELECT org_id, id, $3, $4, $5, $6 FROM applications WHERE org_id = $1 AND id = $2 RETURNING id";
static const char sql_dues[] =
	"SELECT old_due, new_due, cause, at FROM application_due_changes "
	"WHERE org_id = $1 AND application_id = $2 ORDER BY id";

#define LETTER_COLS \
	"id, org_id, application_id, kind, title, doc_no, body_md, status, issued_on, version, created_at, updated_at"
static const char sql_letter_insert[] =
	"INSERT INTO application_letters (org_id, application_id, kind, title, doc_no, body_md, status, "
	"issued_on, version, created_at, updated_at) "
	"SELECT org_id, id, $3, $4, $5, $6, $7, $8, 1, $9, $10 FROM applications WHERE org_id = $1 AND id = $2 "
	"RETURNING id";
static const char sql_letter_update[] =
	"UPDATE application_letters SET title = $3, doc_no = $4, body_md = $5, status = $6, issued_on = $7, "
	"updated_at = $8, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $9 AND status = 'draft'";
static const char sql_letter_get[] =
	"SELECT " LETTER_COLS " FROM application_letters WHERE org_id = $1 AND id = $2";
static const char sql_letters[] =
	"SELECT " LETTER_COLS " FROM application_letters WHERE org_id = $1 AND application_id = $2 ORDER BY id";

#define FILE_COLS "id, org_id, application_id, role, filename, mime, size, sha256, created_at"
static const char sql_file_insert[] =
	"INSERT INTO application_files (org_id, application_id, role, filename, mime, size, sha256, created_at) "
	"SELECT org_id, id, $3, $4, $5, $6, $7, $8 FROM applications WHERE org_id = $1 AND id = $2 RETURNING id";
static const char sql_file_get[] = "SELECT " FILE_COLS " FROM application_files WHERE org_id = $1 AND id = $2";
static const char sql_files[] =
	"SELECT " FILE_COLS " FROM application_files WHERE org_id = $1 AND application_id = $2 ORDER BY id";

/* ---- applications ---- */

/* The columns without an empty default: NULL is a caller's bug. */
static bool app_complete(const struct application *a)
{
	return a->state && a->applicant_type && a->name && a->id_kind && a->id_number && a->phone && a->medium &&
	       a->delivery && a->channel && a->submitted_on && a->received_on;
}

static void app_read(struct db_stmt *st, struct arena *ar, struct application *a)
{
	int c = 0;

	a->id = db_col_int(st, c++);
	a->org_id = db_col_int(st, c++);
	a->serial = db_col_dup(st, c++, ar);
	a->tracking_code = db_col_dup(st, c++, ar);
	a->check_digits = db_col_dup(st, c++, ar);
	a->submit_token = db_col_dup(st, c++, ar);
	a->state = db_col_dup(st, c++, ar);
	a->applicant_type = db_col_dup(st, c++, ar);
	a->name = db_col_dup(st, c++, ar);
	a->id_kind = db_col_dup(st, c++, ar);
	a->id_number = db_col_dup(st, c++, ar);
	a->contact_person = db_col_dup(st, c++, ar);
	a->phone = db_col_dup(st, c++, ar);
	a->email = db_col_dup(st, c++, ar);
	a->address = db_col_dup(st, c++, ar);
	a->postcode = db_col_dup(st, c++, ar);
	a->info_title = db_col_dup(st, c++, ar);
	a->info_doc_no = db_col_dup(st, c++, ar);
	a->info_desc = db_col_dup(st, c++, ar);
	a->medium = db_col_dup(st, c++, ar);
	a->delivery = db_col_dup(st, c++, ar);
	a->channel = db_col_dup(st, c++, ar);
	a->evidence = db_col_dup(st, c++, ar);
	a->submitted_on = db_col_dup(st, c++, ar);
	a->received_on = db_col_dup(st, c++, ar);
	a->due_on = db_col_dup(st, c++, ar);
	a->due_error = db_col_dup(st, c++, ar);
	a->extended = db_col_int(st, c++) != 0;
	a->wait_until = db_col_dup(st, c++, ar);
	a->fee_standard = (int)db_col_int(st, c++);
	a->fee_units = db_col_int(st, c++);
	a->fee_yuan = db_col_int(st, c++);
	a->outcome = db_col_dup(st, c++, ar);
	a->basis = db_col_dup(st, c++, ar);
	a->closed_on = db_col_dup(st, c++, ar);
	a->version = (int)db_col_int(st, c++);
	a->created_by = db_col_int(st, c++);
	a->created_at = db_col_dup(st, c++, ar);
	a->updated_at = db_col_dup(st, c++, ar);
}

int store_app_insert(struct db *db, struct application *a)
{
	struct db_stmt *st;
	long long id;
	int rc;

	if (!a->created_at || !a->serial || !a->tracking_code || !a->check_digits || !app_complete(a))
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_app_insert, &st)))
		return rc;
	db_bind_int(st, 1, a->org_id);
	db_bind_text(st, 2, a->serial);
	db_bind_text(st, 3, a->tracking_code);
	db_bind_text(st, 4, a->check_digits);
	bind_opt(st, 5, a->submit_token);
	db_bind_text(st, 6, a->state);
	db_bind_text(st, 7, a->applicant_type);
	db_bind_text(st, 8, a->name);
	db_bind_text(st, 9, a->id_kind);
	db_bind_text(st, 10, a->id_number);
	db_bind_text(st, 11, a->phone);
	db_bind_text(st, 12, a->medium);
	db_bind_text(st, 13, a->delivery);
	db_bind_text(st, 14, a->channel);
	db_bind_text(st, 15, a->submitted_on);
	db_bind_text(st, 16, a->received_on);
	bind_opt(st, 17, a->due_on);
	db_bind_text(st, 18, str0(a->due_error));
	db_bind_int(st, 19, a->extended ? 1 : 0);
	bind_opt(st, 20, a->wait_until);
	bind_opt(st, 21, a->outcome);
	bind_opt(st, 22, a->closed_on);
	bind_id_opt(st, 23, a->created_by);
	db_bind_text(st, 24, a->created_at);
	if ((rc = db_step(st)) != 1)
		return rc < 0 ? rc : ERR_DB;
	id = db_col_int(st, 0);
	db_done(st);

	if ((rc = db_prep(db, sql_app_insert_rest, &st)))
		return rc;
	db_bind_int(st, 1, a->org_id);
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, str0(a->contact_person));
	db_bind_text(st, 4, str0(a->email));
	db_bind_text(st, 5, str0(a->address));
	db_bind_text(st, 6, str0(a->postcode));
	db_bind_text(st, 7, str0(a->info_title));
	db_bind_text(st, 8, str0(a->info_doc_no));
	db_bind_text(st, 9, str0(a->info_desc));
	db_bind_text(st, 10, str0(a->evidence));
	db_bind_int(st, 11, a->fee_standard);
	db_bind_int(st, 12, a->fee_units);
	db_bind_int(st, 13, a->fee_yuan);
	db_bind_text(st, 14, str0(a->basis));
	db_bind_text(st, 15, a->updated_at ? a->updated_at : a->created_at);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_INTERNAL;
	a->id = id;
	a->version = 1;
	return 0;
}

int store_app_update(struct db *db, struct application *a)
{
	struct db_stmt *st;
	int rc;

	if (!app_complete(a) || !a->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_app_update, &st)))
		return rc;
	db_bind_int(st, 1, a->org_id);
	db_bind_int(st, 2, a->id);
	db_bind_int(st, 3, a->version);
	db_bind_text(st, 4, a->state);
	db_bind_text(st, 5, a->applicant_type);
	db_bind_text(st, 6, a->name);
	db_bind_text(st, 7, a->id_kind);
	db_bind_text(st, 8, a->id_number);
	db_bind_text(st, 9, str0(a->contact_person));
	db_bind_text(st, 10, a->phone);
	db_bind_text(st, 11, str0(a->email));
	db_bind_text(st, 12, str0(a->address));
	db_bind_text(st, 13, str0(a->postcode));
	db_bind_text(st, 14, str0(a->info_title));
	db_bind_text(st, 15, str0(a->info_doc_no));
	db_bind_text(st, 16, str0(a->info_desc));
	db_bind_text(st, 17, a->medium);
	db_bind_text(st, 18, a->delivery);
	db_bind_text(st, 19, a->channel);
	db_bind_text(st, 20, str0(a->evidence));
	db_bind_text(st, 21, a->submitted_on);
	db_bind_text(st, 22, a->received_on);
	db_bind_text(st, 23, a->updated_at);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;

	if ((rc = db_prep(db, sql_app_update_rest, &st)))
		return rc;
	db_bind_int(st, 1, a->org_id);
	db_bind_int(st, 2, a->id);
	db_bind_int(st, 3, a->version + 1LL);
	bind_opt(st, 4, a->due_on);
	db_bind_text(st, 5, str0(a->due_error));
	db_bind_int(st, 6, a->extended ? 1 : 0);
	bind_opt(st, 7, a->wait_until);
	db_bind_int(st, 8, a->fee_standard);
	db_bind_int(st, 9, a->fee_units);
	db_bind_int(st, 10, a->fee_yuan);
	bind_opt(st, 11, a->outcome);
	db_bind_text(st, 12, str0(a->basis));
	bind_opt(st, 13, a->closed_on);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT; /* outside a transaction, someone saved in between */
	a->version++;
	return 0;
}

static int app_one(struct db_stmt *st, struct arena *ar, struct application *out)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	app_read(st, ar, out);
	db_done(st);
	return 0;
}

int store_app_get(struct db *db, struct arena *a, long long org_id, long long id, struct application *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_app_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return app_one(st, a, out);
}

int store_app_by_token(struct db *db, struct arena *a, long long org_id, const char *token, struct application *out)
{
	struct db_stmt *st;
	int rc;

	if (!token || !*token)
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_app_by_token, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, token);
	return app_one(st, a, out);
}

int store_app_by_code(struct db *db, struct arena *a, const char *code, struct application *out)
{
	struct db_stmt *st;
	int rc;

	if (!code || !*code)
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_app_by_code, &st)))
		return rc;
	db_bind_text(st, 1, code);
	return app_one(st, a, out);
}

int store_app_next_serial(struct db *db, long long org_id, int year, long long *serial)
{
	struct db_stmt *st;
	char like[16];
	int rc;

	if (year < 1 || year > 9999)
		return ERR_INVALID;
	snprintf(like, sizeof(like), "%04d-%%", year);
	if ((rc = db_prep(db, sql_app_next_serial, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, like);
	return one_count(st, serial);
}

static int apps_read(struct db_stmt *st, struct arena *ar, struct application **out, size_t *n)
{
	struct application *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	while ((rc = db_step(st)) == 1) {
		struct application *a = grow_slot(ar, (void **)&arr, k, &cap, sizeof(*arr));

		if (!a) {
			db_done(st);
			return ERR_NOMEM;
		}
		app_read(st, ar, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

static void bind_list(struct db_stmt *st, const struct app_filter *f)
{
	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->open_only ? 1 : 0);
	db_bind_text(st, 3, f->state ? f->state : "");
}

int store_app_list(struct db *db, struct arena *a, const struct app_filter *f, struct application **out,
		   size_t *n, long long *total)
{
	bool open = f->open_only && !(f->state && *f->state);
	struct db_stmt *st;
	int rc;

	if (f->limit < 0 || f->offset < 0)
		return ERR_INVALID;
	if (total) {
		if ((rc = db_prep(db, !f->org_id ? sql_app_count_all : open ? sql_app_count_open : sql_app_count, &st)))
			return rc;
		bind_list(st, f);
		if ((rc = one_count(st, total)))
			return rc;
	}
	if ((rc = db_prep(db, !f->org_id ? sql_app_list_all : open ? sql_app_list_open : sql_app_list, &st)))
		return rc;
	bind_list(st, f);
	db_bind_int(st, 4, f->limit ? f->limit : LLONG_MAX); /* 0: no limit */
	db_bind_int(st, 5, f->offset);
	return apps_read(st, a, out, n);
}

int store_app_for_period(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			 struct application **out, size_t *n)
{
	struct db_stmt *st;
	int rc;

	if (!from || !to)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_app_period, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	return apps_read(st, a, out, n);
}

int store_app_count_applicant(struct db *db, long long org_id, const char *id_number, const char *from,
			      const char *to, long long *n)
{
	struct db_stmt *st;
	int rc;

	if (!id_number || !from || !to)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_app_count_applicant, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, id_number);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	return one_count(st, n);
}

/* ---- events and due-date changes ---- */

int store_app_event_add(struct db *db, long long org_id, struct app_event *e)
{
	struct db_stmt *st;
	int rc;

	if (!e->action || !e->day || !e->at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_event_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, e->application_id);
	db_bind_text(st, 3, e->action);
	db_bind_text(st, 4, e->day);
	db_bind_int(st, 5, e->n);
	bind_id_opt(st, 6, e->user_id);
	db_bind_text(st, 7, str0(e->actor));
	db_bind_text(st, 8, str0(e->reason));
	db_bind_text(st, 9, str0(e->detail));
	db_bind_text(st, 10, e->at);
	return returning_id(st, &e->id);
}

int store_app_events(struct db *db, struct arena *a, long long org_id, long long app_id, struct app_event **out,
		     size_t *n)
{
	struct app_event *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_events, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, app_id);
	while ((rc = db_step(st)) == 1) {
		struct app_event *e = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!e) {
			db_done(st);
			return ERR_NOMEM;
		}
		e->id = db_col_int(st, 0);
		e->application_id = db_col_int(st, 1);
		e->action = db_col_dup(st, 2, a);
		e->day = db_col_dup(st, 3, a);
		e->n = (int)db_col_int(st, 4);
		e->user_id = db_col_int(st, 5);
		e->actor = db_col_dup(st, 6, a);
		e->reason = db_col_dup(st, 7, a);
		e->detail = db_col_dup(st, 8, a);
		e->at = db_col_dup(st, 9, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_app_due_change_add(struct db *db, long long org_id, long long app_id, const struct app_due_change *c)
{
	struct db_stmt *st;
	long long id;
	int rc;

	if (!c->cause || !c->at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_due_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, app_id);
	bind_opt(st, 3, c->old_due);
	bind_opt(st, 4, c->new_due); /* NULL: the new due date cannot be computed */
	db_bind_text(st, 5, c->cause);
	db_bind_text(st, 6, c->at);
	return returning_id(st, &id);
}

int store_app_due_changes(struct db *db, struct arena *a, long long org_id, long long app_id,
			  struct app_due_change **out, size_t *n)
{
	struct app_due_change *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_dues, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, app_id);
	while ((rc = db_step(st)) == 1) {
		struct app_due_change *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!c) {
			db_done(st);
			return ERR_NOMEM;
		}
		c->old_due = db_col_dup(st, 0, a);
		c->new_due = db_col_dup(st, 1, a);
		c->cause = db_col_dup(st, 2, a);
		c->at = db_col_dup(st, 3, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- letters ---- */

static void letter_read(struct db_stmt *st, struct arena *a, struct app_letter *l)
{
	l->id = db_col_int(st, 0);
	l->org_id = db_col_int(st, 1);
	l->application_id = db_col_int(st, 2);
	l->kind = db_col_dup(st, 3, a);
	l->title = db_col_dup(st, 4, a);
	l->doc_no = db_col_dup(st, 5, a);
	l->body_md = db_col_dup(st, 6, a);
	l->status = db_col_dup(st, 7, a);
	l->issued_on = db_col_dup(st, 8, a);
	l->version = (int)db_col_int(st, 9);
	l->created_at = db_col_dup(st, 10, a);
	l->updated_at = db_col_dup(st, 11, a);
}

int store_app_letter_insert(struct db *db, struct app_letter *l)
{
	struct db_stmt *st;
	int rc;

	if (!l->kind || !l->title || !l->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_letter_insert, &st)))
		return rc;
	db_bind_int(st, 1, l->org_id);
	db_bind_int(st, 2, l->application_id);
	db_bind_text(st, 3, l->kind);
	db_bind_text(st, 4, l->title);
	db_bind_text(st, 5, str0(l->doc_no));
	db_bind_text(st, 6, str0(l->body_md));
	db_bind_text(st, 7, l->status ? l->status : "draft");
	bind_opt(st, 8, l->issued_on);
	db_bind_text(st, 9, l->created_at);
	db_bind_text(st, 10, l->updated_at ? l->updated_at : l->created_at);
	if ((rc = returning_id(st, &l->id)))
		return rc;
	if (!l->status)
		l->status = "draft";
	l->version = 1;
	return 0;
}

int store_app_letter_update(struct db *db, struct app_letter *l)
{
	struct db_stmt *st;
	int rc;

	if (!l->title || !l->status || !l->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_letter_update, &st)))
		return rc;
	db_bind_int(st, 1, l->org_id);
	db_bind_int(st, 2, l->id);
	db_bind_text(st, 3, l->title);
	db_bind_text(st, 4, str0(l->doc_no));
	db_bind_text(st, 5, str0(l->body_md));
	db_bind_text(st, 6, l->status);
	bind_opt(st, 7, l->issued_on);
	db_bind_text(st, 8, l->updated_at);
	db_bind_int(st, 9, l->version);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	l->version++;
	return 0;
}

int store_app_letter_get(struct db *db, struct arena *a, long long org_id, long long id, struct app_letter *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_letter_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	letter_read(st, a, out);
	db_done(st);
	return 0;
}

int store_app_letters(struct db *db, struct arena *a, long long org_id, long long app_id, struct app_letter **out,
		      size_t *n)
{
	struct app_letter *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_letters, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, app_id);
	while ((rc = db_step(st)) == 1) {
		struct app_letter *l = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!l) {
			db_done(st);
			return ERR_NOMEM;
		}
		letter_read(st, a, l);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- files ---- */

static void file_read(struct db_stmt *st, struct arena *a, struct app_file *f)
{
	f->id = db_col_int(st, 0);
	f->org_id = db_col_int(st, 1);
	f->application_id = db_col_int(st, 2);
	f->role = db_col_dup(st, 3, a);
	f->filename = db_col_dup(st, 4, a);
	f->mime = db_col_dup(st, 5, a);
	f->size = db_col_int(st, 6);
	f->sha256 = db_col_dup(st, 7, a);
	f->created_at = db_col_dup(st, 8, a);
}

int store_app_file_insert(struct db *db, struct app_file *f)
{
	struct db_stmt *st;
	int rc;

	if (!f->role || !f->filename || !f->mime || !f->sha256 || !f->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_file_insert, &st)))
		return rc;
	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->application_id);
	db_bind_text(st, 3, f->role);
	db_bind_text(st, 4, f->filename);
	db_bind_text(st, 5, f->mime);
	db_bind_int(st, 6, f->size);
	db_bind_text(st, 7, f->sha256);
	db_bind_text(st, 8, f->created_at);
	return returning_id(st, &f->id);
}

int store_app_file_get(struct db *db, struct arena *a, long long org_id, long long id, struct app_file *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_file_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	file_read(st, a, out);
	db_done(st);
	return 0;
}

int store_app_files(struct db *db, struct arena *a, long long org_id, long long app_id, struct app_file **out,
		    size_t *n)
{
	struct app_file *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_files, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, app_id);
	while ((rc = db_step(st)) == 1) {
		struct app_file *f = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!f) {
			db_done(st);
			return ERR_NOMEM;
		}
		file_read(st, a, f);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_app_open_dues(struct db *db, struct arena *a, long long org_id, struct application **out, size_t *n)
{
	struct application *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_app_open_dues, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct application *p = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!p || !(p->state = db_col_dup(st, 1, a)) || !(p->received_on = db_col_dup(st, 3, a))) {
			db_done(st);
			return ERR_NOMEM;
		}
		p->id = db_col_int(st, 0);
		p->org_id = org_id;
		p->due_on = db_col_dup(st, 2, a);
		p->extended = db_col_int(st, 4) != 0;
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}
