/* copy.c - store_copy (copy.h): a schema-driven copy between two gongkai
 * databases, and its table-by-table verification.
 *
 * The SQL here is built at run time from the names the engines' catalogs
 * give (checked to be plain lower-case identifiers before use), and goes
 * through db.h's dynamic statements; values are bound, never formatted in.
 * The only numbers formatted into SQL are ids read from the database
 * (the agency's and the ids its rows reference). */
#include "store/copy.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/assets.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "store/db.h"
#include "store/stmt.h"
#include "store/store.h"
#include "core/banned.h"

#define MAX_TABLES 256
#define MAX_COLS 256
#define SQL_MAX (8u << 20)

/* the target's own bookkeeping: its migrations and engine-specific notes
 * (the search dictionary's fingerprint), neither copied nor compared */
static const char *const bookkeeping[] = { "schema_migrations", "meta", NULL };

struct col {
	const char *name;
	int pk;            /* position in the primary key, 0 if not in it */
	bool identity;     /* PostgreSQL identity column (sequence to set) */
	bool collate;      /* text-like: ORDER BY ... COLLATE "C" on PostgreSQL */
};

struct fk {
	const char *col;
	const char *table;
};

struct idset {
	long long *v;
	size_t n, cap;
};

struct tbl {
	const char *name;
	struct col *cols;      /* the columns both sides have, in the source's order */
	int ncols;
	int pk[16];            /* indexes into cols, in key order */
	int npk;
	struct fk *fk;
	int nfk;
	bool in_src, in_dst, has_org, extra_dst_cols;
	struct col *dcols;     /* the target's columns (before merging) */
	int ndcols;
	/* --org selection */
	bool selected;
	const char *own;       /* condition of the agency's own rows; NULL: every row */
	const char *extra;     /* more shared rows (the platform's calendar) */
	struct idset refs;     /* referenced primary keys (shared rows) */
	struct copy_table *rep;
};

struct ctx {
	struct db *src, *dst;
	const struct copy_opts *o;
	struct arena *a;
	struct copy_report *r;
	struct tbl *t;
	int n;
	int *order;            /* foreign-key order: referenced tables first */
	long long org_id;
	long long platform[8];
	int nplatform;
};

static bool in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

/* A name that can go between double quotes as it is. */
static bool ident_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* The highest migration compiled into this binary. */
static int binary_version(void)
{
	static const char dir[] = "src/store/migrations/";
	long long v, best = 0;

	for (size_t i = 0; i < assets_count; i++)
		if (strncmp(assets[i].name, dir, sizeof(dir) - 1) == 0 &&
		    num_parse(assets[i].name + sizeof(dir) - 1, 4, 1, 9999, &v) == 0 && v > best)
			best = v;
	return (int)best;
}

/* ---- the catalogs ---- */

static const char sql_sq_tables[] =
	"SELECT t.name FROM sqlite_master t WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' "
	"AND t.sql NOT LIKE 'CREATE VIRTUAL%' AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table' "
	"AND v.sql LIKE 'CREATE VIRTUAL%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\') ORDER BY t.name";
static const char sql_pg_tables[] =
	"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname";
static const char sql_sq_cols[] =
	"SELECT name, pk, 0, upper(type) NOT LIKE '%INT%' FROM pragma_table_info($1) ORDER BY cid";
static const char sql_pg_cols[] =
	/* indkey is an int2vector: its subscripts start at 0 */
	"SELECT a.attname, COALESCE((SELECT array_position(CAST(i.indkey AS int2[]), a.attnum) + 1 FROM pg_index i "
	"WHERE i.indrelid = a.attrelid AND i.indisprimary), 0), a.attidentity <> '', a.attcollation <> 0 "
	"FROM pg_attribute a WHERE a.attrelid = to_regclass(CAST($1 AS TEXT)) AND a.attnum > 0 "
	"AND NOT a.attisdropped ORDER BY a.attnum";
static const char sql_sq_fks[] = "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1) ORDER BY id";
static const char sql_pg_fks[] =
	"SELECT a.attname, cf.relname FROM pg_constraint k JOIN pg_class cf ON cf.oid = k.confrelid "
	"JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
	"WHERE k.conrelid = to_regclass(CAST($1 AS TEXT)) AND k.contype = 'f' ORDER BY a.attnum";

static struct tbl *find(struct ctx *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->t[i].name, name) == 0)
			return &c->t[i];
	return NULL;
}

static int load_cols(struct ctx *c, struct db *db, const char *name, struct col **out, int *n)
{
	struct db_stmt *st;
	struct col *cols = arena_zalloc(c->a, MAX_COLS * sizeof(*cols));
	int rc, k = 0;

	if (!cols)
		return ERR_NOMEM;
	if ((rc = db_prep(db, db_is_pg(db) ? sql_pg_cols : sql_sq_cols, &st)))
		return rc;
	db_bind_text(st, 1, name);
	while ((rc = db_step(st)) == 1) {
		if (k == MAX_COLS || !ident_ok(db_col_text(st, 0))) {
			db_done(st);
			return err_log(ERR_INVALID, "copy: table %s: too many columns or a column name not copied", name);
		}
		cols[k].name = db_col_dup(st, 0, c->a);
		cols[k].pk = (int)db_col_int(st, 1);
		cols[k].identity = db_col_int(st, 2) != 0;
		cols[k].collate = db_col_int(st, 3) != 0;
		if (!cols[k].name) {
			db_done(st);
			return ERR_NOMEM;
		}
		k++;
	}
	*out = cols;
	*n = k;
	return rc;
}

static int load_fks(struct ctx *c, struct db *db, struct tbl *t)
{
	struct db_stmt *st;
	int rc;

	if (!(t->fk = arena_zalloc(c->a, 64 * sizeof(*t->fk))))
		return ERR_NOMEM;
	if ((rc = db_prep(db, db_is_pg(db) ? sql_pg_fks : sql_sq_fks, &st)))
		return rc;
	db_bind_text(st, 1, t->name);
	while ((rc = db_step(st)) == 1) {
		if (t->nfk == 64) {
			db_done(st);
			return err_log(ERR_INVALID, "copy: table %s: too many foreign keys", t->name);
		}
		t->fk[t->nfk].col = db_col_dup(st, 0, c->a);
		t->fk[t->nfk].table = db_col_dup(st, 1, c->a);
		if (!t->fk[t->nfk].col || !t->fk[t->nfk].table) {
			db_done(st);
			return ERR_NOMEM;
		}
		t->nfk++;
	}
	return rc;
}

/* The tables of one side; marks in_src or in_dst. */
static int load_side(struct ctx *c, struct db *db, bool is_src)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(db, db_is_pg(db) ? sql_pg_tables : sql_sq_tables, &st)))
		return rc;
	while ((rc = db_step(st)) == 1) {
		const char *name = db_col_text(st, 0);
		struct tbl *t;

		if (in_list(bookkeeping, name))
			continue;
		if (!ident_ok(name)) {
			log_warn("copy: table %s has a name this tool does not quote; left out", name);
			continue;
		}
		if (!(t = find(c, name))) {
			if (c->n == MAX_TABLES) {
				db_done(st);
				return err_log(ERR_INVALID, "copy: more than %d tables", MAX_TABLES);
			}
			t = &c->t[c->n++];
			if (!(t->name = arena_strdup(c->a, name))) {
				db_done(st);
				return ERR_NOMEM;
			}
		}
		if (is_src)
			t->in_src = true;
		else
			t->in_dst = true;
	}
	return rc;
}

/* Columns of both sides, foreign keys (the source's; the target's for a
 * table only it has). */
static int load_schema(struct ctx *c)
{
	int rc;

	if (!(c->t = arena_zalloc(c->a, MAX_TABLES * sizeof(*c->t))))
		return ERR_NOMEM;
	if ((rc = load_side(c, c->src, true)) || (rc = load_side(c, c->dst, false)))
		return rc;
	for (int i = 0; i < c->n; i++) {
		struct tbl *t = &c->t[i];
		struct col *sc = NULL;
		int ns = 0;

		if (t->in_src && (rc = load_cols(c, c->src, t->name, &sc, &ns)))
			return rc;
		if (t->in_dst && (rc = load_cols(c, c->dst, t->name, &t->dcols, &t->ndcols)))
			return rc;
		if ((rc = load_fks(c, t->in_src ? c->src : c->dst, t)))
			return rc;
		if (!t->in_src) {
			t->cols = t->dcols;
			t->ncols = t->ndcols;
		} else if (!t->in_dst) {
			t->cols = sc;
			t->ncols = ns;
		} else {
			/* the columns both have, in the source's order, with the
			 * target's identity and collation */
			if (!(t->cols = arena_zalloc(c->a, (size_t)(ns ? ns : 1) * sizeof(*t->cols))))
				return ERR_NOMEM;
			for (int k = 0; k < ns; k++)
				for (int j = 0; j < t->ndcols; j++)
					if (strcmp(sc[k].name, t->dcols[j].name) == 0) {
						t->cols[t->ncols] = t->dcols[j];
						t->cols[t->ncols].pk = sc[k].pk;
						t->cols[t->ncols].collate = sc[k].collate || t->dcols[j].collate;
						t->ncols++;
					}
			t->extra_dst_cols = t->ncols < t->ndcols;
		}
		for (int k = 1; k <= 16; k++)
			for (int j = 0; j < t->ncols; j++)
				if (t->cols[j].pk == k)
					t->pk[t->npk++] = j;
		for (int j = 0; j < t->ncols; j++)
			if (strcmp(t->cols[j].name, "org_id") == 0)
				t->has_org = true;
	}
	return 0;
}

/* Foreign-key order (Kahn): a table after every table it references
 * (itself aside). A cycle is refused: no order could satisfy it. */
static int order_tables(struct ctx *c)
{
	bool *done = arena_zalloc(c->a, (size_t)c->n + 1);
	int k = 0;

	if (!done || !(c->order = arena_zalloc(c->a, ((size_t)c->n + 1) * sizeof(*c->order))))
		return ERR_NOMEM;
	while (k < c->n) {
		bool progress = false;

		for (int i = 0; i < c->n; i++) {
			bool ready = !done[i];

			for (int f = 0; ready && f < c->t[i].nfk; f++) {
				struct tbl *p = find(c, c->t[i].fk[f].table);

				if (p && p != &c->t[i] && !done[p - c->t])
					ready = false;
			}
			if (ready) {
				done[i] = true;
				c->order[k++] = i;
				progress = true;
			}
		}
		if (!progress)
			return err_log(ERR_INVALID, "copy: the foreign keys of the schema form a cycle");
	}
	return 0;
}

/* ---- SQL text ---- */

static void put_cols(struct buf *b, const struct tbl *t, const bool *skip)
{
	bool first = true;

	for (int j = 0; j < t->ncols; j++) {
		if (skip && skip[j])
			continue;
		buf_printf(b, "%s\"%s\"", first ? "" : ", ", t->cols[j].name);
		first = false;
	}
}

static void put_order(struct buf *b, const struct tbl *t, bool pg)
{
	buf_puts(b, " ORDER BY ");
	if (t->npk == 0) {
		for (int j = 0; j < t->ncols; j++)
			buf_printf(b, "%s\"%s\"%s", j ? ", " : "", t->cols[j].name,
				   pg && t->cols[j].collate ? " COLLATE \"C\"" : "");
		return;
	}
	for (int k = 0; k < t->npk; k++) {
		const struct col *cl = &t->cols[t->pk[k]];

		buf_printf(b, "%s\"%s\"%s", k ? ", " : "", cl->name, pg && cl->collate ? " COLLATE \"C\"" : "");
	}
}

static void put_idlist(struct buf *b, const struct idset *s)
{
	for (size_t i = 0; i < s->n; i++)
		buf_printf(b, "%s%lld", i ? ", " : "", s->v[i]);
}

/* The condition of the rows copied: own rows, referenced rows, the extra
 * shared rows; NULL for every row. */
static const char *selection(struct ctx *c, const struct tbl *t)
{
	struct buf b;

	if (!c->o->org_slug)
		return NULL;
	buf_init(&b, c->a, SQL_MAX);
	buf_printf(&b, "(%s)", t->own ? t->own : "1 = 0");
	if (t->refs.n && t->npk == 1) {
		buf_printf(&b, " OR \"%s\" IN (", t->cols[t->pk[0]].name);
		put_idlist(&b, &t->refs);
		buf_puts(&b, ")");
	}
	if (t->extra)
		buf_printf(&b, " OR (%s)", t->extra);
	return b.err ? NULL : buf_cstr(&b);
}

/* ---- id sets ---- */

static int idset_add(struct arena *a, struct idset *s, long long v, bool *added)
{
	size_t lo = 0, hi = s->n;

	*added = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->v[mid] == v)
			return 0;
		if (s->v[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		long long *nv = arena_alloc(a, cap * sizeof(*nv));

		if (!nv)
			return ERR_NOMEM;
		if (s->n)
			memcpy(nv, s->v, s->n * sizeof(*nv));
		s->v = nv;
		s->cap = cap;
	}
	memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof(*s->v));
	s->v[lo] = v;
	s->n++;
	*added = true;
	return 0;
}

/* ---- one agency: which rows ---- */

static const char sql_org_id[] = "SELECT id FROM orgs WHERE slug = $1";
static const char sql_platforms[] = "SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id";

/* Add to p's referenced keys the values of t.col among t's selected rows;
 * *added counts the new ones. */
static int collect_refs(struct ctx *c, struct tbl *t, const char *col, struct tbl *p, long long *added)
{
	struct db_dyn *d = NULL;
	struct buf b;
	const char *sel = selection(c, t);
	int rc;

	if (!sel)
		return ERR_NOMEM;
	buf_init(&b, c->a, SQL_MAX);
	buf_printf(&b, "SELECT DISTINCT \"%s\" FROM \"%s\" WHERE (%s) AND \"%s\" IS NOT NULL", col, t->name, sel, col);
	if (b.err)
		return b.err;
	if ((rc = db_dyn_prep(c->src, buf_cstr(&b), &d)))
		return rc;
	while ((rc = db_dyn_step(d)) == 1) {
		struct db_value v;
		bool add;

		db_dyn_col(d, 0, &v);
		if (v.t != DB_V_INT)
			continue;
		if ((rc = idset_add(c->a, &p->refs, v.i, &add)))
			break;
		*added += add;
	}
	db_dyn_free(d);
	if (rc == 0 && p->refs.n)
		p->selected = true;
	return rc;
}

static int select_org(struct ctx *c)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prep(c->src, sql_org_id, &st)))
		return rc;
	db_bind_text(st, 1, c->o->org_slug);
	if ((rc = db_step(st)) < 0)
		return rc;
	if (rc == 0) {
		c->r->msg = arena_printf(c->a, "源库中没有标识为“%s”的机构", c->o->org_slug);
		return ERR_INVALID;
	}
	c->org_id = db_col_int(st, 0);
	db_done(st);
	if ((rc = db_prep(c->src, sql_platforms, &st)))
		return rc;
	while ((rc = db_step(st)) == 1)
		if (c->nplatform < 8 && db_col_int(st, 0) != c->org_id)
			c->platform[c->nplatform++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;

	/* own rows */
	for (int i = 0; i < c->n; i++) {
		struct tbl *t = &c->t[i];

		if (!t->in_src)
			continue;
		if (strcmp(t->name, "orgs") == 0)
			t->own = arena_printf(c->a, "\"id\" = %lld", c->org_id);
		else if (t->has_org)
			t->own = arena_printf(c->a, "\"org_id\" = %lld", c->org_id);
		else
			continue;
		if (!t->own)
			return ERR_NOMEM;
		t->selected = true;
		/* the platform's working-day calendar, which every agency's
		 * deadlines are computed with */
		if (t->has_org && strncmp(t->name, "calendar_", 9) == 0 && c->nplatform) {
			struct buf b;

			buf_init(&b, c->a, 4096);
			buf_puts(&b, "\"org_id\" IN (");
			for (int k = 0; k < c->nplatform; k++)
				buf_printf(&b, "%s%lld", k ? ", " : "", c->platform[k]);
			buf_puts(&b, ")");
			t->extra = buf_cstr(&b);
		}
	}
	/* rows of tables without org_id that belong to own rows (a user's
	 * TOTP enrolment): by their first foreign key to such a table */
	for (int i = 0; i < c->n; i++) {
		struct tbl *t = &c->t[i];

		if (!t->in_src || t->selected)
			continue;
		for (int f = 0; f < t->nfk; f++) {
			struct tbl *p = find(c, t->fk[f].table);

			if (p && p != t && p->own && p->has_org && p->npk == 1) {
				t->own = arena_printf(c->a, "\"%s\" IN (SELECT \"%s\" FROM \"%s\" WHERE %s)", t->fk[f].col,
						      p->cols[p->pk[0]].name, p->name, p->own);
				if (!t->own)
					return ERR_NOMEM;
				t->selected = true;
				break;
			}
		}
	}
	/* what the selected rows reference, recursively: referencing tables
	 * come later in foreign-key order, so walk it backwards */
	for (int k = c->n - 1; k >= 0; k--) {
		struct tbl *t = &c->t[c->order[k]];
		long long added;

		if (!t->in_src || !t->selected)
			continue;
		for (int f = 0; f < t->nfk; f++) {
			struct tbl *p = find(c, t->fk[f].table);

			if (!p || !p->in_src || p->npk != 1 || p == t)
				continue;
			added = 0;
			if ((rc = collect_refs(c, t, t->fk[f].col, p, &added)))
				return rc;
		}
		/* references to the same table (parent category, parent org,
		 * the item corrected) until nothing new */
		for (int f = 0; f < t->nfk; f++) {
			if (strcmp(t->fk[f].table, t->name) != 0 || t->npk != 1)
				continue;
			do {
				added = 0;
				if ((rc = collect_refs(c, t, t->fk[f].col, t, &added)))
					return rc;
			} while (added);
		}
	}
	return 0;
}

/* ---- checksums ---- */

/* Canonical text of a value: a type tag, then the value (length-prefixed
 * for text and blobs), so no two different rows hash alike. */
static void hash_value(crypto_hash_sha256_state *h, const struct db_value *v)
{
	char tmp[48];
	int n = 0;

	switch (v->t) {
	case DB_V_NULL:
		crypto_hash_sha256_update(h, (const unsigned char *)"N", 1);
		return;
	case DB_V_INT:
		n = snprintf(tmp, sizeof(tmp), "I%lld;", v->i);
		break;
	case DB_V_REAL:
		n = snprintf(tmp, sizeof(tmp), "R%.17g;", v->r);
		break;
	case DB_V_TEXT:
	case DB_V_BLOB:
		n = snprintf(tmp, sizeof(tmp), "%c%zu:", v->t == DB_V_TEXT ? 'T' : 'B', v->n);
		crypto_hash_sha256_update(h, (const unsigned char *)tmp, (unsigned long long)n);
		if (v->n)
			crypto_hash_sha256_update(h, v->p, v->n);
		return;
	}
	crypto_hash_sha256_update(h, (const unsigned char *)tmp, (unsigned long long)n);
}

/* Row count and SHA-256 (first 16 hex digits) of the rows of t matching
 * where (NULL: all), in primary-key order, over its common columns but
 * skip[]. */
static int table_sum(struct ctx *c, struct db *db, const struct tbl *t, const char *where, const bool *skip,
		     long long *rows, char hex[17])
{
	crypto_hash_sha256_state h;
	unsigned char out[crypto_hash_sha256_BYTES];
	char full[2 * crypto_hash_sha256_BYTES + 1];
	struct db_dyn *d = NULL;
	struct buf b;
	int rc, ncols;

	*rows = 0;
	buf_init(&b, c->a, SQL_MAX);
	buf_puts(&b, "SELECT ");
	put_cols(&b, t, skip);
	buf_printf(&b, " FROM \"%s\"", t->name);
	if (where)
		buf_printf(&b, " WHERE %s", where);
	put_order(&b, t, db_is_pg(db));
	if (b.err)
		return b.err;
	if ((rc = db_dyn_prep(db, buf_cstr(&b), &d)))
		return rc;
	crypto_hash_sha256_init(&h);
	while ((rc = db_dyn_step(d)) == 1) {
		ncols = db_dyn_ncols(d);
		for (int j = 0; j < ncols; j++) {
			struct db_value v;

			db_dyn_col(d, j, &v);
			hash_value(&h, &v);
		}
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
		(*rows)++;
	}
	db_dyn_free(d);
	crypto_hash_sha256_final(&h, out);
	sodium_bin2hex(full, sizeof(full), out, sizeof(out));
	memcpy(hex, full, 16);
	hex[16] = '\0';
	return rc;
}

/* ---- copying ---- */

static bool is_audit(const struct tbl *t)
{
	return strcmp(t->name, "audit_log") == 0;
}

static const char sql_audit_rows[] =
	"SELECT at, org_id, user_id, username, ip, action, tbl, row_id, before, after FROM audit_log "
	"WHERE org_id = $1 ORDER BY id";
/* the same row appended to the target's chain: hashed as the audit
 * triggers hash (the previous row's hash, then the fields as text) */
static const char sql_audit_append[] =
	"INSERT INTO audit_log (at, org_id, user_id, username, ip, action, tbl, row_id, before, after, hash) "
	"SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS TEXT), CAST($5 AS TEXT), "
	"CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS BIGINT), CAST($9 AS TEXT), CAST($10 AS TEXT), "
	"gk_audit_hash((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), CAST($1 AS TEXT), "
	"CAST(CAST($2 AS BIGINT) AS TEXT), CAST(CAST($3 AS BIGINT) AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), "
	"CAST($6 AS TEXT), CAST($7 AS TEXT), CAST(CAST($8 AS BIGINT) AS TEXT), CAST($9 AS TEXT), CAST($10 AS TEXT))";

/* One agency's audit rows, appended to the target's hash chain. */
static int copy_audit_org(struct ctx *c, long long *n)
{
	struct db_stmt *rd, *wr;
	int rc;

	if ((rc = db_prep(c->src, sql_audit_rows, &rd)))
		return rc;
	db_bind_int(rd, 1, c->org_id);
	while ((rc = db_step(rd)) == 1) {
		if ((rc = db_prep(c->dst, sql_audit_append, &wr))) {
			db_done(rd);
			break;
		}
		for (int j = 0; j < 10; j++) {
			bool num = j == 1 || j == 2 || j == 7;

			if (db_col_isnull(rd, j))
				db_bind_null(wr, j + 1);
			else if (num)
				db_bind_int(wr, j + 1, db_col_int(rd, j));
			else
				db_bind_text(wr, j + 1, db_col_text(rd, j));
		}
		if ((rc = run(wr))) {
			db_done(rd);
			break;
		}
		(*n)++;
	}
	return rc < 0 ? rc : 0;
}

static const char *key_text(struct ctx *c, const struct tbl *t, struct db_dyn *d)
{
	struct buf b;

	buf_init(&b, c->a, 1024);
	for (int k = 0; k < t->npk; k++) {
		struct db_value v;

		db_dyn_col(d, t->pk[k], &v);
		if (v.t == DB_V_INT)
			buf_printf(&b, "%s%lld", k ? "," : "", v.i);
		else if (v.t == DB_V_TEXT)
			buf_printf(&b, "%s%.*s", k ? "," : "", (int)(v.n > 64 ? 64 : v.n), (const char *)v.p);
	}
	return buf_cstr(&b);
}

static bool value_eq(const struct db_value *x, const struct db_value *y)
{
	if (x->t != y->t)
		return false;
	switch (x->t) {
	case DB_V_NULL: return true;
	case DB_V_INT: return x->i == y->i;
	case DB_V_REAL: return x->r == y->r;
	default: return x->n == y->n && (x->n == 0 || memcmp(x->p, y->p, x->n) == 0);
	}
}

/* Copy t's selected rows (or all of them): own rows are inserted (a clash
 * refuses the copy); referenced rows only when the target lacks them. */
static int copy_table(struct ctx *c, struct tbl *t, long long *copied, long long *shared, long long *kept)
{
	struct db_dyn *rd = NULL, *wr = NULL, *ex = NULL;
	const char *sel = selection(c, t);
	bool org = c->o->org_slug != NULL;
	struct buf b;
	int rc;

	if (org && !sel)
		return ERR_NOMEM;
	buf_init(&b, c->a, SQL_MAX);
	buf_puts(&b, "SELECT ");
	put_cols(&b, t, NULL);
	if (org)
		buf_printf(&b, ", CASE WHEN %s THEN 1 ELSE 0 END", t->own ? t->own : "1 = 0");
	buf_printf(&b, " FROM \"%s\"", t->name);
	if (sel)
		buf_printf(&b, " WHERE %s", sel);
	put_order(&b, t, db_is_pg(c->src));
	if (b.err || (rc = db_dyn_prep(c->src, buf_cstr(&b), &rd)))
		return b.err ? b.err : rc;

	buf_init(&b, c->a, SQL_MAX);
	buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
	put_cols(&b, t, NULL);
	buf_puts(&b, ") VALUES (");
	for (int j = 0; j < t->ncols; j++)
		buf_printf(&b, "%s$%d", j ? ", " : "", j + 1);
	buf_puts(&b, ")");
	if (b.err || (rc = db_dyn_prep(c->dst, buf_cstr(&b), &wr)))
		goto out;
	if (org && t->npk) {
		buf_init(&b, c->a, 8192);
		buf_puts(&b, "SELECT ");
		put_cols(&b, t, NULL);
		buf_printf(&b, " FROM \"%s\" WHERE ", t->name);
		for (int k = 0; k < t->npk; k++)
			buf_printf(&b, "%s\"%s\" = $%d", k ? " AND " : "", t->cols[t->pk[k]].name, k + 1);
		if (b.err || (rc = db_dyn_prep(c->dst, buf_cstr(&b), &ex)))
			goto out;
	}
	while ((rc = db_dyn_step(rd)) == 1) {
		struct db_value v;
		bool own = true;

		if (org) {
			db_dyn_col(rd, t->ncols, &v);
			own = v.t == DB_V_INT && v.i == 1;
		}
		if (ex) {
			/* already in the target: a shared row is kept as it is;
			 * one of the agency's own only when it is the same row
			 * (brought along earlier as another agency's reference) */
			bool same = true;

			for (int k = 0; k < t->npk; k++) {
				db_dyn_col(rd, t->pk[k], &v);
				db_dyn_bind(ex, k + 1, &v);
			}
			if ((rc = db_dyn_step(ex)) < 0)
				break;
			if (rc == 1) {
				for (int j = 0; own && j < t->ncols; j++) {
					struct db_value w;

					db_dyn_col(rd, j, &v);
					db_dyn_col(ex, j, &w);
					same = same && value_eq(&v, &w);
				}
				if (!same) {
					c->r->msg = arena_printf(c->a, "目标库的 %s 表已有主键为 %s 的不同记录，与该机构的记录冲突，"
								       "复制已撤销（目标库未改动）", t->name, key_text(c, t, rd));
					rc = ERR_INVALID;
					break;
				}
				(*kept)++;
				if ((rc = db_dyn_step(ex)) < 0)
					break;
				continue;
			}
		}
		for (int j = 0; j < t->ncols; j++) {
			db_dyn_col(rd, j, &v);
			db_dyn_bind(wr, j + 1, &v);
		}
		if ((rc = db_dyn_step(wr)) < 0) {
			if (rc == ERR_CONFLICT)
				c->r->msg = arena_printf(c->a, "目标库的 %s 表已有主键为 %s 的记录或与之重复的唯一值，"
							       "复制已撤销（目标库未改动）", t->name, key_text(c, t, rd));
			if (rc == ERR_CONFLICT && org)
				rc = ERR_INVALID;
			break;
		}
		(*copied)++;
		if (!own)
			(*shared)++;
	}
out:
	db_dyn_free(ex);
	db_dyn_free(wr);
	db_dyn_free(rd);
	if (b.err)
		return b.err;
	return rc < 0 ? rc : 0;
}

/* ---- the target's triggers ---- */

static const char sql_sq_triggers[] =
	"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY rowid";

struct trig {
	const char *name, *sql;
};

/* SQLite: drop the schema's triggers for the copy (inside its
 * transaction) and remember them; PostgreSQL: disable the user triggers
 * of every table (inside the transaction too: other sessions wait on the
 * tables' locks and never see them off). */
static int triggers_off(struct ctx *c, struct trig **saved, int *n)
{
	int rc;

	*n = 0;
	if ((rc = db_audit_enable(c->dst, false)))
		return rc;
	if (db_is_pg(c->dst)) {
		for (int i = 0; i < c->n; i++) {
			const char *sql;

			if (!c->t[i].in_dst)
				continue;
			if (!(sql = arena_printf(c->a, "ALTER TABLE \"%s\" DISABLE TRIGGER USER", c->t[i].name)))
				return ERR_NOMEM;
			if ((rc = db_exec(c->dst, sql)))
				return rc;
		}
		return 0;
	}
	{
		struct db_stmt *st;
		int cap = 256;

		if (!(*saved = arena_zalloc(c->a, (size_t)cap * sizeof(**saved))))
			return ERR_NOMEM;
		if ((rc = db_prep(c->dst, sql_sq_triggers, &st)))
			return rc;
		while ((rc = db_step(st)) == 1 && *n < cap) {
			(*saved)[*n].name = db_col_dup(st, 0, c->a);
			(*saved)[*n].sql = db_col_dup(st, 1, c->a);
			(*n)++;
		}
		if (rc == 1)
			db_done(st);
		else if (rc < 0)
			return rc;
	}
	for (int i = 0; i < *n; i++) {
		const char *sql = arena_printf(c->a, "DROP TRIGGER \"%s\"", (*saved)[i].name);

		if (!sql || !(*saved)[i].sql)
			return ERR_NOMEM;
		if ((rc = db_exec(c->dst, sql)))
			return rc;
	}
	return db_exec(c->dst, "PRAGMA defer_foreign_keys = ON");
}

static int triggers_on(struct ctx *c, const struct trig *saved, int n)
{
	int rc;

	if (db_is_pg(c->dst)) {
		for (int i = 0; i < c->n; i++) {
			const char *sql;

			if (!c->t[i].in_dst)
				continue;
			if (!(sql = arena_printf(c->a, "ALTER TABLE \"%s\" ENABLE TRIGGER USER", c->t[i].name)))
				return ERR_NOMEM;
			if ((rc = db_exec(c->dst, sql)))
				return rc;
		}
	} else {
		for (int i = 0; i < n; i++)
			if ((rc = db_exec(c->dst, saved[i].sql)))
				return rc;
	}
	return 0;
}

/* PostgreSQL: each identity column's sequence past the largest id. */
static int sequences(struct ctx *c)
{
	for (int i = 0; i < c->n; i++) {
		const struct tbl *t = &c->t[i];

		for (int j = 0; t->in_dst && j < t->ndcols; j++) {
			const char *sql;
			int rc;

			if (!t->dcols[j].identity)
				continue;
			sql = arena_printf(c->a,
					   "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), "
					   "COALESCE((SELECT MAX(\"%s\") FROM \"%s\"), 0) + 1, false)",
					   t->name, t->dcols[j].name, t->dcols[j].name, t->name);
			if (!sql)
				return ERR_NOMEM;
			if ((rc = db_exec(c->dst, sql)))
				return rc;
		}
	}
	return 0;
}

/* Does the target hold any row (bookkeeping aside)? */
static int target_rows(struct ctx *c, const char **which)
{
	*which = NULL;
	for (int i = 0; i < c->n; i++) {
		struct db_dyn *d = NULL;
		const char *sql;
		int rc;

		if (!c->t[i].in_dst)
			continue;
		if (!(sql = arena_printf(c->a, "SELECT 1 FROM \"%s\" LIMIT 1", c->t[i].name)))
			return ERR_NOMEM;
		if ((rc = db_dyn_prep(c->dst, sql, &d)))
			return rc;
		rc = db_dyn_step(d);
		db_dyn_free(d);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			*which = c->t[i].name;
			return 0;
		}
	}
	return 0;
}

/* Empty every table of the target, referencing tables first. */
static int empty_target(struct ctx *c)
{
	for (int k = c->n - 1; k >= 0; k--) {
		const struct tbl *t = &c->t[c->order[k]];
		const char *sql;
		int rc;

		if (!t->in_dst)
			continue;
		if (!(sql = arena_printf(c->a, "DELETE FROM \"%s\"", t->name)))
			return ERR_NOMEM;
		if ((rc = db_exec(c->dst, sql)))
			return rc;
	}
	return 0;
}

/* ---- the report ---- */

static int compare(struct ctx *c)
{
	bool org = c->o->org_slug != NULL;

	c->r->mismatches = 0;
	for (int k = 0; k < c->n; k++) {
		struct tbl *t = &c->t[c->order[k]];
		struct copy_table *e = t->rep;
		bool skip[MAX_COLS] = { false };
		const char *where = org ? t->own : NULL;
		int rc;

		if (!t->in_src || !t->in_dst) {
			/* both are at the same schema version, so a table one side
			 * lacks is its engine's own (derived: a search structure),
			 * rebuilt on the target, not copied */
			e->note = t->in_src ? "只在源库的引擎中有此表（派生数据），未复制"
				  : c->o->verify_only ? "只在目标库的引擎中有此表（派生数据），未比较"
						      : "只在目标库的引擎中有此表（派生数据），已在目标库重建";
			e->ok = true;
			continue;
		}
		if (org && !t->selected) {
			e->note = "不属于任何机构，未复制";
			e->ok = true;
			continue;
		}
		if (org && !t->own) {
			/* only referenced rows: the existence check was the comparison */
			e->note = "只有被引用的共享记录";
			e->ok = true;
			continue;
		}
		if (org && is_audit(t)) {
			/* appended to the target's chain: new id and hash */
			for (int j = 0; j < t->ncols; j++)
				skip[j] = strcmp(t->cols[j].name, "id") == 0 || strcmp(t->cols[j].name, "hash") == 0;
			e->note = "接在目标库校验链之后（比较 id、hash 以外各列）";
		}
		if ((rc = table_sum(c, c->src, t, where, skip, &e->src_rows, e->src_sum)) ||
		    (rc = table_sum(c, c->dst, t, where, skip, &e->dst_rows, e->dst_sum)))
			return rc;
		e->compared = true;
		e->ok = e->src_rows == e->dst_rows && strcmp(e->src_sum, e->dst_sum) == 0;
		if (!e->ok)
			c->r->mismatches++;
		if (t->extra_dst_cols && !e->note)
			e->note = "目标库另有派生列（未比较）";
	}
	return 0;
}

/* The sha256 values of the copied rows, for the attachment files. */
static int list_files(struct ctx *c)
{
	size_t cap = 0;

	for (int i = 0; i < c->n; i++) {
		const struct tbl *t = &c->t[i];
		struct db_dyn *d = NULL;
		struct buf b;
		bool has = false;
		int rc = 0;

		for (int j = 0; j < t->ncols; j++)
			has = has || strcmp(t->cols[j].name, "sha256") == 0;
		if (!t->in_src || !has || (c->o->org_slug && !t->own))
			continue;
		buf_init(&b, c->a, SQL_MAX);
		buf_printf(&b, "SELECT DISTINCT \"sha256\" FROM \"%s\" WHERE \"sha256\" IS NOT NULL", t->name);
		if (c->o->org_slug)
			buf_printf(&b, " AND (%s)", t->own);
		if (b.err || (rc = db_dyn_prep(c->src, buf_cstr(&b), &d)))
			return b.err ? b.err : rc;
		while ((rc = db_dyn_step(d)) == 1) {
			struct db_value v;

			db_dyn_col(d, 0, &v);
			if (v.t != DB_V_TEXT || v.n != 64)
				continue;
			if (c->r->nfiles == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				const char **nf = arena_alloc(c->a, ncap * sizeof(*nf));

				if (!nf) {
					rc = ERR_NOMEM;
					break;
				}
				if (cap)
					memcpy(nf, c->r->files, cap * sizeof(*nf));
				c->r->files = nf;
				cap = ncap;
			}
			if (!(c->r->files[c->r->nfiles++] = arena_strndup(c->a, v.p, v.n))) {
				rc = ERR_NOMEM;
				break;
			}
		}
		db_dyn_free(d);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int src_snapshot(struct ctx *c, bool on)
{
	if (db_is_pg(c->src))
		return db_exec(c->src, on ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "COMMIT");
	return db_exec(c->src, on ? "BEGIN" : "COMMIT");
}

static const char sql_audit_org_count[] =
	"SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND EXISTS (SELECT 1 FROM orgs WHERE id = $1 AND slug = $2)";

static int do_copy(struct ctx *c)
{
	struct trig *saved = NULL;
	const char *which = NULL;
	int nsaved = 0, rc;

	if ((rc = db_begin(c->dst)))
		return rc;
	if ((rc = target_rows(c, &which)))
		goto fail;
	if (which && !c->o->force && !c->o->org_slug) {
		c->r->msg = arena_printf(c->a, "目标库不是空的（%s 表已有记录）：加 --force 先清空目标库再复制", which);
		rc = ERR_CONFLICT;
		goto fail;
	}
	if (c->o->org_slug) {
		/* copied before: its own rows would all be found identical and
		 * kept, but its audit rows appended a second time */
		struct db_stmt *st;
		long long n = 0;

		if ((rc = db_prep(c->dst, sql_audit_org_count, &st)))
			goto fail;
		db_bind_int(st, 1, c->org_id);
		db_bind_text(st, 2, c->o->org_slug);
		if ((rc = one_count(st, &n)))
			goto fail;
		if (n) {
			c->r->msg = arena_printf(c->a, "目标库已有机构“%s”的审计记录（%lld 条）：该机构已复制过，不能再复制一次",
						 c->o->org_slug, n);
			rc = ERR_INVALID;
			goto fail;
		}
	}
	if ((rc = triggers_off(c, &saved, &nsaved)))
		goto fail;
	if (which && c->o->force && (rc = empty_target(c)))
		goto fail;
	for (int k = 0; k < c->n; k++) {
		struct tbl *t = &c->t[c->order[k]];
		long long copied = 0;

		if (!t->in_src || !t->in_dst || (c->o->org_slug && !t->selected))
			continue;
		if (c->o->org_slug && is_audit(t))
			rc = copy_audit_org(c, &copied);
		else
			rc = copy_table(c, t, &copied, &t->rep->shared, &t->rep->kept);
		if (rc) {
			if (!c->r->msg)
				log_error("copy: table %s: %s", t->name, err_name(rc));
			goto fail;
		}
	}
	if (db_is_pg(c->dst) && (rc = sequences(c)))
		goto fail;
	if ((rc = triggers_on(c, saved, nsaved)))
		goto fail;
	/* the derived search index, rebuilt as after a bulk import: SQLite's
	 * FTS5 (not a table, never copied), and PostgreSQL's item_search when
	 * the source is SQLite (which has no such table: from PostgreSQL it is
	 * a plain table, copied and compared above) */
	if ((!db_is_pg(c->dst) || !db_is_pg(c->src)) && (rc = store_search_rebuild(c->dst)))
		goto fail;
	if ((rc = db_audit_enable(c->dst, true)))
		goto fail;
	if ((rc = compare(c)))
		goto fail;
	if (c->r->mismatches) {
		db_rollback(c->dst);
		return 0;
	}
	return db_commit(c->dst);
fail:
	db_rollback(c->dst);
	db_audit_enable(c->dst, true);
	return rc;
}

int store_copy(struct db *src, struct db *dst, const struct copy_opts *o, struct arena *a, struct copy_report *r)
{
	struct ctx c = { .src = src, .dst = dst, .o = o, .a = a, .r = r };
	int vs = 0, vd = 0, vb = binary_version(), rc;

	memset(r, 0, sizeof(*r));
	if ((rc = db_schema_version(src, &vs)))
		return rc;
	if (!o->verify_only && (rc = db_migrate(dst, NULL)))
		return rc;
	if ((rc = db_schema_version(dst, &vd)))
		return rc;
	if (vs != vb || vd != vb) {
		r->msg = arena_printf(a, "数据库结构版本不同：源库 %d，目标库 %d，本程序 %d；"
					 "请先用本程序升级（gongkai --db 库 init）", vs, vd, vb);
		return ERR_INVALID;
	}
	r->version = vb;
	if ((rc = load_schema(&c)) || (rc = order_tables(&c)))
		return rc;
	if (!(r->t = arena_zalloc(a, (size_t)(c.n ? c.n : 1) * sizeof(*r->t))))
		return ERR_NOMEM;
	for (int k = 0; k < c.n; k++) {
		struct tbl *t = &c.t[c.order[k]];

		t->rep = &r->t[k];
		t->rep->name = t->name;
	}
	r->n = (size_t)c.n;
	if ((rc = src_snapshot(&c, true)))
		return rc;
	if (o->org_slug && (rc = select_org(&c)))
		goto out;
	r->org_id = c.org_id;
	if (o->verify_only)
		rc = compare(&c);
	else if ((rc = do_copy(&c)) == 0 && !r->mismatches)
		rc = list_files(&c);
out:
	if (src_snapshot(&c, false) && !rc)
		rc = ERR_DB;
	return rc;
}
