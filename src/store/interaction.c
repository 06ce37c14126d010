/* interaction.c - the rows of public interaction (政民互动): channels,
 * cases and their events. The rules live in domain/registers/interactions;
 * this file only reads and writes rows. See interaction.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/grow.h"
#include "store/interaction.h"
#include "core/banned.h"

/* ---- channels ---- */

#define CH_COLS "id, org_id, code, name, due_n, due_unit, sort, active, public_form, version, created_at, updated_at"
static const char sql_ch_insert[] =
	"INSERT INTO interaction_channels (org_id, code, name, due_n, due_unit, sort, active, public_form, version, "
	"created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id";
static const char sql_ch_update[] =
	"UPDATE interaction_channels SET name = $4, due_n = $5, due_unit = $6, sort = $7, active = $8, "
	"public_form = $9, updated_at = $10, version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_ch_list[] =
	"SELECT " CH_COLS " FROM interaction_channels WHERE org_id = $1 ORDER BY sort, id";

/* ---- cases ---- */

#define IA_COLS                                                                                                   \
	"i.id, i.org_id, i.channel_id, c.name, i.kind, i.state, i.tracking_code, i.check_digits, i.submit_token, "    \
	"i.received_on, i.subject, i.content, i.name, i.phone, i.email, i.unit, i.handler, i.due_n, i.due_unit, "     \
	"i.due_on, i.due_error, i.reply, i.replied_on, i.closed_on, i.consent, i.public, i.public_subject, "          \
	"i.public_question, i.public_answer, i.published_on, i.version, COALESCE(i.created_by, 0), i.created_at, " \
	"i.updated_at"
#define IA_FROM " FROM interactions i JOIN interaction_channels c ON c.id = i.channel_id "

/* The SQLite backend maps at most $1..$24: a case is written by two
 * statements in the caller's transaction, the first with every column
 * that has a constraint (and, for an update, the version check). The
 * channel must be the org's: INSERT ... SELECT from it. */
static const char sql_ia_insert[] =
	"INSERT INTO interactions (org_id, channel_id, kind, state, tracking_code, check_digits, submit_token, "
	"received_on, subject, content, name, phone, email, unit, handler, due_n, due_unit, due_on, due_error, "
	"consent, version, created_by, created_at, updated_at) "
	"SELECT c.org_id, c.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, "
	"$21, $22, $22 FROM interaction_channels c WHERE c.org_id = $1 AND c.id = $2 RETURNING id";
static const char sql_ia_insert_rest[] =
	"UPDATE interactions SET reply = $3, replied_on = $4, closed_on = $5, public = $6, public_subject = $7, "
	"public_question = $8, public_answer = $9, published_on = $10 WHERE org_id = $1 AND id = $2";
static const char sql_ia_update[] =
	"UPDATE interactions SET channel_id = (SELECT id FROM interaction_channels WHERE org_id = $1 AND id = $4), "
	"kind = $5, state = $6, received_on = $7, subject = $8, content = $9, name = $10, phone = $11, email = $12, "
	"unit = $13, handler = $14, due_n = $15, due_unit = $16, due_on = $17, due_error = $18, reply = $19, "
	"replied_on = $20, closed_on = $21, consent = $22, updated_at = $23, version = version + 1 "
	"WHERE org_id = $1 AND id = $2 AND version = $3";
/* $3: the version the first statement wrote */
static const char sql_ia_update_rest[] =
	"UPDATE interactions SET public = $4, public_subject = $5, public_question = $6, public_answer = $7, "
	"published_on = $8 WHERE org_id = $1 AND id = $2 AND version = $3";
static const char sql_ia_get[] = "SELECT " IA_COLS IA_FROM "WHERE i.org_id = $1 AND i.id = $2";
/* $2 token or $3 code ('' for the other) */
static const char sql_ia_find[] =
	"SELECT " IA_COLS IA_FROM "WHERE i.org_id = $1 AND (($2 <> '' AND i.submit_token = $2) OR "
	"($2 = '' AND i.tracking_code = $3))";
static const char sql_ia_key[] =
	"SELECT 1 FROM interactions WHERE org_id = $1 AND received_on = $2 AND channel_id = $3 AND subject = $4 "
	"AND name = $5 LIMIT 1";

/* List filters: $2 channel (0 any), $3 kind ('' any), $4 state ('' not
 * closed, 'all', or one state), $5..$6 received range ('' none); $7 limit,
 * $8 offset. */
#define LIST_WHERE                                                                                            \
	"WHERE i.org_id = $1 AND ($2 = 0 OR i.channel_id = $2) AND ($3 = '' OR i.kind = $3) AND "             \
	"(($4 = '' AND i.state <> 'closed') OR $4 = 'all' OR i.state = $4) AND ($5 = '' OR i.received_on >= $5) " \
	"AND ($6 = '' OR i.received_on <= $6) "
#define LIST_ORDER                                                                                          \
	"ORDER BY CASE i.state WHEN 'received' THEN 0 WHEN 'assigned' THEN 0 WHEN 'replied' THEN 1 ELSE 2 END, " \
	"CASE WHEN i.state <> 'closed' AND i.due_on IS NULL THEN 0 ELSE 1 END, "                               \
	"CASE WHEN i.state <> 'closed' THEN i.due_on END, i.received_on DESC, i.id DESC "
static const char sql_ia_list[] = "SELECT " IA_COLS IA_FROM LIST_WHERE LIST_ORDER "LIMIT $7 OFFSET $8";
static const char sql_ia_count[] = "SELECT COUNT(*) FROM interactions i " LIST_WHERE;
static const char sql_ia_open[] =
	"SELECT id, state, received_on, due_n, due_unit, due_on FROM interactions "
	"WHERE org_id = $1 AND state IN ('received', 'assigned', 'replied')";
static const char sql_ia_period[] =
	"SELECT " IA_COLS IA_FROM "WHERE i.org_id = $1 AND ($2 = '' OR i.received_on >= $2) AND "
	"($3 = '' OR i.received_on <= $3) ORDER BY i.received_on, i.id";
/* NULLs last written out: PostgreSQL puts them first in DESC, SQLite last */
static const char sql_ia_public[] =
	"SELECT " IA_COLS IA_FROM "WHERE i.org_id = $1 AND i.public = 1 ORDER BY i.published_on IS NULL, "
	"i.published_on DESC, i.id DESC LIMIT $2 OFFSET $3";
static const char sql_ia_public_count[] = "SELECT COUNT(*) FROM interactions WHERE org_id = $1 AND public = 1";
static const char sql_ia_years[] =
	"SELECT DISTINCT CAST(substr(received_on, 1, 4) AS INTEGER) AS y FROM interactions WHERE org_id = $1 "
	"ORDER BY y DESC";
static const char sql_ia_counts[] =
	"SELECT channel_id, kind, CAST(substr(received_on, 6, 2) AS INTEGER) AS m, COUNT(*), "
	"SUM(CASE WHEN replied_on IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN closed_on IS NULL THEN 0 ELSE 1 END), "
	"SUM(CASE WHEN replied_on IS NOT NULL AND due_on IS NOT NULL AND replied_on > due_on THEN 1 ELSE 0 END) "
	"FROM interactions WHERE org_id = $1 AND received_on >= $2 AND received_on <= $3 "
	"GROUP BY channel_id, kind, m ORDER BY channel_id, kind, m";

/* ---- events ---- */

static const char sql_ev_add[] =
	"INSERT INTO interaction_events (org_id, interaction_id, action, day, user_id, actor, detail, at) "
	"SELECT org_id, id, $3, $4, $5, $6, $7, $8 FROM interactions WHERE org_id = $1 AND id = $2 RETURNING id";
static const char sql_ev_list[] =
	"SELECT id, interaction_id, action, day, COALESCE(user_id, 0), actor, detail, at FROM interaction_events "
	"WHERE org_id = $1 AND interaction_id = $2 ORDER BY id";

/* ---- channels ---- */

static bool unit_ok(const char *u)
{
	return u && (strcmp(u, "workdays") == 0 || strcmp(u, "days") == 0);
}

int store_ia_channel_insert(struct db *db, struct ia_channel *c)
{
	struct db_stmt *st;
	int rc;

	if (!c->code || !c->name || !unit_ok(c->due_unit) || !c->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ch_insert, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_text(st, 2, c->code);
	db_bind_text(st, 3, c->name);
	db_bind_int(st, 4, c->due_n);
	db_bind_text(st, 5, c->due_unit);
	db_bind_int(st, 6, c->sort);
	db_bind_int(st, 7, c->active ? 1 : 0);
	db_bind_int(st, 8, c->public_form ? 1 : 0);
	db_bind_text(st, 9, c->created_at);
	if ((rc = returning_id(st, &c->id)))
		return rc == ERR_NOT_FOUND ? ERR_DB : rc;
	c->version = 1;
	c->updated_at = c->created_at;
	return 0;
}

int store_ia_channel_update(struct db *db, struct ia_channel *c)
{
	struct db_stmt *st;
	int rc;

	if (!c->name || !unit_ok(c->due_unit) || !c->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ch_update, &st)))
		return rc;
	db_bind_int(st, 1, c->org_id);
	db_bind_int(st, 2, c->id);
	db_bind_int(st, 3, c->version);
	db_bind_text(st, 4, c->name);
	db_bind_int(st, 5, c->due_n);
	db_bind_text(st, 6, c->due_unit);
	db_bind_int(st, 7, c->sort);
	db_bind_int(st, 8, c->active ? 1 : 0);
	db_bind_int(st, 9, c->public_form ? 1 : 0);
	db_bind_text(st, 10, c->updated_at);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	c->version++;
	return 0;
}

int store_ia_channel_list(struct db *db, struct arena *a, long long org_id, struct ia_channel **out, size_t *n)
{
	struct ia_channel *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_ch_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct ia_channel *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!c) {
			db_done(st);
			return ERR_NOMEM;
		}
		c->id = db_col_int(st, 0);
		c->org_id = db_col_int(st, 1);
		c->code = db_col_dup(st, 2, a);
		c->name = db_col_dup(st, 3, a);
		c->due_n = (int)db_col_int(st, 4);
		c->due_unit = db_col_dup(st, 5, a);
		c->sort = (int)db_col_int(st, 6);
		c->active = db_col_int(st, 7) != 0;
		c->public_form = db_col_int(st, 8) != 0;
		c->version = (int)db_col_int(st, 9);
		c->created_at = db_col_dup(st, 10, a);
		c->updated_at = db_col_dup(st, 11, a);
		if (!c->code || !c->name || !c->due_unit) {
			db_done(st);
			return ERR_NOMEM;
		}
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- cases ---- */

/* The columns without an empty default: NULL is a caller's bug. */
static bool ia_complete(const struct interaction *it)
{
	return it->kind && it->state && it->received_on && it->subject && unit_ok(it->due_unit);
}

static void ia_read(struct db_stmt *st, struct arena *a, struct interaction *it)
{
	it->id = db_col_int(st, 0);
	it->org_id = db_col_int(st, 1);
	it->channel_id = db_col_int(st, 2);
	it->channel = db_col_dup(st, 3, a);
	it->kind = db_col_dup(st, 4, a);
	it->state = db_col_dup(st, 5, a);
	it->tracking_code = db_col_dup(st, 6, a);
	it->check_digits = db_col_dup(st, 7, a);
	it->submit_token = db_col_dup(st, 8, a);
	it->received_on = db_col_dup(st, 9, a);
	it->subject = db_col_dup(st, 10, a);
	it->content = db_col_dup(st, 11, a);
	it->name = db_col_dup(st, 12, a);
	it->phone = db_col_dup(st, 13, a);
	it->email = db_col_dup(st, 14, a);
	it->unit = db_col_dup(st, 15, a);
	it->handler = db_col_dup(st, 16, a);
	it->due_n = (int)db_col_int(st, 17);
	it->due_unit = db_col_dup(st, 18, a);
	it->due_on = db_col_dup(st, 19, a);
	it->due_error = db_col_dup(st, 20, a);
	it->reply = db_col_dup(st, 21, a);
	it->replied_on = db_col_dup(st, 22, a);
	it->closed_on = db_col_dup(st, 23, a);
	it->consent = db_col_int(st, 24) != 0;
	it->public = db_col_int(st, 25) != 0;
	it->public_subject = db_col_dup(st, 26, a);
	it->public_question = db_col_dup(st, 27, a);
	it->public_answer = db_col_dup(st, 28, a);
	it->published_on = db_col_dup(st, 29, a);
	it->version = (int)db_col_int(st, 30);
	it->created_by = db_col_int(st, 31);
	it->created_at = db_col_dup(st, 32, a);
	it->updated_at = db_col_dup(st, 33, a);
}

/* A row read whole: NOT NULL columns came back (NULL: out of memory). */
static bool ia_read_ok(const struct interaction *it)
{
	return it->channel && it->kind && it->state && it->tracking_code && it->check_digits && it->received_on &&
	       it->subject && it->content && it->name && it->phone && it->email && it->unit && it->handler &&
	       it->due_unit && it->due_error && it->reply && it->public_subject && it->public_question &&
	       it->public_answer && it->created_at && it->updated_at;
}

static int rest(struct db *db, const struct interaction *it, const char *sql, long long version)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql, &st)))
		return rc;
	db_bind_int(st, 1, it->org_id);
	db_bind_int(st, 2, it->id);
	if (sql == sql_ia_insert_rest) {
		db_bind_text(st, 3, str0(it->reply));
		bind_opt(st, 4, it->replied_on);
		bind_opt(st, 5, it->closed_on);
		db_bind_int(st, 6, it->public ? 1 : 0);
		db_bind_text(st, 7, str0(it->public_subject));
		db_bind_text(st, 8, str0(it->public_question));
		db_bind_text(st, 9, str0(it->public_answer));
		bind_opt(st, 10, it->published_on);
	} else {
		db_bind_int(st, 3, version);
		db_bind_int(st, 4, it->public ? 1 : 0);
		db_bind_text(st, 5, str0(it->public_subject));
		db_bind_text(st, 6, str0(it->public_question));
		db_bind_text(st, 7, str0(it->public_answer));
		bind_opt(st, 8, it->published_on);
	}
	if ((rc = run(st)) < 0)
		return rc;
	return db_changes(db) == 1 ? 0 : ERR_CONFLICT;
}

int store_ia_insert(struct db *db, struct interaction *it)
{
	struct db_stmt *st;
	long long id;
	int rc;

	if (!ia_complete(it) || !it->tracking_code || !it->created_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ia_insert, &st)))
		return rc;
	db_bind_int(st, 1, it->org_id);
	db_bind_int(st, 2, it->channel_id);
	db_bind_text(st, 3, it->kind);
	db_bind_text(st, 4, it->state);
	db_bind_text(st, 5, it->tracking_code);
	db_bind_text(st, 6, str0(it->check_digits));
	bind_opt(st, 7, it->submit_token);
	db_bind_text(st, 8, it->received_on);
	db_bind_text(st, 9, it->subject);
	db_bind_text(st, 10, str0(it->content));
	db_bind_text(st, 11, str0(it->name));
	db_bind_text(st, 12, str0(it->phone));
	db_bind_text(st, 13, str0(it->email));
	db_bind_text(st, 14, str0(it->unit));
	db_bind_text(st, 15, str0(it->handler));
	db_bind_int(st, 16, it->due_n);
	db_bind_text(st, 17, it->due_unit);
	bind_opt(st, 18, it->due_on);
	db_bind_text(st, 19, str0(it->due_error));
	db_bind_int(st, 20, it->consent ? 1 : 0);
	bind_id_opt(st, 21, it->created_by);
	db_bind_text(st, 22, it->created_at);
	if ((rc = returning_id(st, &id)))
		return rc;
	it->id = id;
	if ((rc = rest(db, it, sql_ia_insert_rest, 0)))
		return rc == ERR_CONFLICT ? ERR_INTERNAL : rc;
	it->version = 1;
	it->updated_at = it->created_at;
	return 0;
}

int store_ia_update(struct db *db, struct interaction *it)
{
	struct db_stmt *st;
	int rc;

	if (!ia_complete(it) || !it->updated_at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ia_update, &st)))
		return rc;
	db_bind_int(st, 1, it->org_id);
	db_bind_int(st, 2, it->id);
	db_bind_int(st, 3, it->version);
	db_bind_int(st, 4, it->channel_id);
	db_bind_text(st, 5, it->kind);
	db_bind_text(st, 6, it->state);
	db_bind_text(st, 7, it->received_on);
	db_bind_text(st, 8, it->subject);
	db_bind_text(st, 9, str0(it->content));
	db_bind_text(st, 10, str0(it->name));
	db_bind_text(st, 11, str0(it->phone));
	db_bind_text(st, 12, str0(it->email));
	db_bind_text(st, 13, str0(it->unit));
	db_bind_text(st, 14, str0(it->handler));
	db_bind_int(st, 15, it->due_n);
	db_bind_text(st, 16, it->due_unit);
	bind_opt(st, 17, it->due_on);
	db_bind_text(st, 18, str0(it->due_error));
	db_bind_text(st, 19, str0(it->reply));
	bind_opt(st, 20, it->replied_on);
	bind_opt(st, 21, it->closed_on);
	db_bind_int(st, 22, it->consent ? 1 : 0);
	db_bind_text(st, 23, it->updated_at);
	if ((rc = run(st)) < 0)
		return rc;
	if (db_changes(db) != 1)
		return ERR_CONFLICT;
	if ((rc = rest(db, it, sql_ia_update_rest, it->version + 1LL)))
		return rc; /* outside a transaction, someone saved in between */
	it->version++;
	return 0;
}

static int ia_one(struct db_stmt *st, struct arena *a, struct interaction *out)
{
	int rc = db_step(st);

	if (rc <= 0)
		return rc < 0 ? rc : ERR_NOT_FOUND;
	ia_read(st, a, out);
	db_done(st);
	return ia_read_ok(out) ? 0 : ERR_NOMEM;
}

int store_ia_get(struct db *db, struct arena *a, long long org_id, long long id, struct interaction *out)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_ia_get, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	return ia_one(st, a, out);
}

int store_ia_find(struct db *db, struct arena *a, long long org_id, const char *token, const char *code,
		  struct interaction *out)
{
	struct db_stmt *st;
	int rc;

	if ((!token || !*token) && (!code || !*code))
		return ERR_NOT_FOUND;
	if ((rc = db_prep(db, sql_ia_find, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, str0(token));
	db_bind_text(st, 3, str0(code));
	return ia_one(st, a, out);
}

int store_ia_key_exists(struct db *db, long long org_id, const char *received_on, long long channel_id,
			const char *subject, const char *name, bool *out)
{
	struct db_stmt *st;
	int rc;

	if (!received_on || !subject)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ia_key, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, received_on);
	db_bind_int(st, 3, channel_id);
	db_bind_text(st, 4, subject);
	db_bind_text(st, 5, str0(name));
	rc = db_step(st);
	if (rc < 0)
		return rc;
	*out = rc == 1;
	if (rc == 1)
		db_done(st);
	return 0;
}

static int ia_rows(struct db_stmt *st, struct arena *a, struct interaction **out, size_t *n)
{
	struct interaction *arr = NULL;
	size_t k = 0, cap = 0;
	int rc;

	while ((rc = db_step(st)) == 1) {
		struct interaction *it = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (it)
			ia_read(st, a, it);
		if (!it || !ia_read_ok(it)) {
			db_done(st);
			return ERR_NOMEM;
		}
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

static void bind_filter(struct db_stmt *st, const struct ia_filter *f)
{
	db_bind_int(st, 1, f->org_id);
	db_bind_int(st, 2, f->channel_id);
	db_bind_text(st, 3, str0(f->kind));
	db_bind_text(st, 4, str0(f->state));
	db_bind_text(st, 5, str0(f->from));
	db_bind_text(st, 6, str0(f->to));
}

int store_ia_list(struct db *db, struct arena *a, const struct ia_filter *f, struct interaction **out, size_t *n,
		  long long *total)
{
	struct db_stmt *st;
	int rc;

	if (f->limit < 0 || f->offset < 0)
		return ERR_INVALID;
	if (total) {
		if ((rc = db_prep(db, sql_ia_count, &st)))
			return rc;
		bind_filter(st, f);
		if ((rc = one_count(st, total)))
			return rc;
	}
	if ((rc = db_prep(db, sql_ia_list, &st)))
		return rc;
	bind_filter(st, f);
	db_bind_int(st, 7, f->limit ? f->limit : LLONG_MAX);
	db_bind_int(st, 8, f->offset);
	return ia_rows(st, a, out, n);
}

int store_ia_open(struct db *db, struct arena *a, long long org_id, struct interaction **out, size_t *n)
{
	struct interaction *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_ia_open, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		struct interaction *it = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!it || !(it->state = db_col_dup(st, 1, a)) || !(it->received_on = db_col_dup(st, 2, a)) ||
		    !(it->due_unit = db_col_dup(st, 4, a))) {
			db_done(st);
			return ERR_NOMEM;
		}
		it->id = db_col_int(st, 0);
		it->org_id = org_id;
		it->due_n = (int)db_col_int(st, 3);
		it->due_on = db_col_dup(st, 5, a);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_ia_for_period(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			struct interaction **out, size_t *n)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, sql_ia_period, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, str0(from));
	db_bind_text(st, 3, str0(to));
	return ia_rows(st, a, out, n);
}

int store_ia_public_list(struct db *db, struct arena *a, long long org_id, long long limit, long long offset,
			 struct interaction **out, size_t *n, long long *total)
{
	struct db_stmt *st;
	int rc;

	if (limit < 0 || offset < 0)
		return ERR_INVALID;
	if (total) {
		if ((rc = db_prep(db, sql_ia_public_count, &st)))
			return rc;
		db_bind_int(st, 1, org_id);
		if ((rc = one_count(st, total)))
			return rc;
	}
	if ((rc = db_prep(db, sql_ia_public, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, limit ? limit : LLONG_MAX);
	db_bind_int(st, 3, offset);
	return ia_rows(st, a, out, n);
}

int store_ia_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n)
{
	int *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_ia_years, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	while ((rc = db_step(st)) == 1) {
		int *y = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!y) {
			db_done(st);
			return ERR_NOMEM;
		}
		*y = (int)db_col_int(st, 0);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

int store_ia_counts(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
		    struct ia_count_row **out, size_t *n)
{
	struct ia_count_row *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if (!from || !to)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ia_counts, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st)) == 1) {
		struct ia_count_row *c = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!c || !(c->kind = db_col_dup(st, 1, a))) {
			db_done(st);
			return ERR_NOMEM;
		}
		c->channel_id = db_col_int(st, 0);
		c->month = (int)db_col_int(st, 2);
		c->n = db_col_int(st, 3);
		c->replied = db_col_int(st, 4);
		c->closed = db_col_int(st, 5);
		c->late = db_col_int(st, 6);
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}

/* ---- events ---- */

int store_ia_event_add(struct db *db, long long org_id, struct ia_event *e)
{
	struct db_stmt *st;
	int rc;

	if (!e->action || !e->day || !e->at)
		return ERR_INVALID;
	if ((rc = db_prep(db, sql_ev_add, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, e->interaction_id);
	db_bind_text(st, 3, e->action);
	db_bind_text(st, 4, e->day);
	bind_id_opt(st, 5, e->user_id);
	db_bind_text(st, 6, str0(e->actor));
	db_bind_text(st, 7, str0(e->detail));
	db_bind_text(st, 8, e->at);
	return returning_id(st, &e->id);
}

int store_ia_events(struct db *db, struct arena *a, long long org_id, long long id, struct ia_event **out,
		    size_t *n)
{
	struct ia_event *arr = NULL;
	struct db_stmt *st;
	size_t k = 0, cap = 0;
	int rc;

	if ((rc = db_prep(db, sql_ev_list, &st)))
		return rc;
	db_bind_int(st, 1, org_id);
	db_bind_int(st, 2, id);
	while ((rc = db_step(st)) == 1) {
		struct ia_event *e = grow_slot(a, (void **)&arr, k, &cap, sizeof(*arr));

		if (!e) {
			db_done(st);
			return ERR_NOMEM;
		}
		e->id = db_col_int(st, 0);
		e->interaction_id = db_col_int(st, 1);
		e->action = db_col_dup(st, 2, a);
		e->day = db_col_dup(st, 3, a);
		e->user_id = db_col_int(st, 4);
		e->actor = db_col_dup(st, 5, a);
		e->detail = db_col_dup(st, 6, a);
		e->at = db_col_dup(st, 7, a);
		if (!e->action || !e->day || !e->actor || !e->detail || !e->at) {
			db_done(st);
			return ERR_NOMEM;
		}
		k++;
	}
	if (rc < 0)
		return rc;
	*out = arr;
	*n = k;
	return 0;
}
