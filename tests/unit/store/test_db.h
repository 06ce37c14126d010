/* test_db.h - the database a store test runs on: a SQLite file by default,
 * or, when GONGKAI_TEST_PG holds a PostgreSQL URL (tools/pg.sh start prints
 * one, e.g. postgresql://postgres@127.0.0.1:5432/postgres), a fresh
 * database created on that server for each test and dropped after it. */
#ifndef GK_TEST_STORE_DB_H
#define GK_TEST_STORE_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"

static inline const char *test_pg_url(void)
{
	const char *u = getenv("GONGKAI_TEST_PG");

	return u && *u ? u : NULL;
}

/* Run a statement on the server's maintenance database (the URL's own). */
static inline void test_pg_admin(const char *sql)
{
	struct db_opts o = { 0 };
	struct db *db = NULL;

	assert_int_equal(db_open(test_pg_url(), &o, &db), 0);
	assert_int_equal(db_exec(db, sql), 0);
	db_close(db);
}

/* The target for db_open: sqlite_path itself, or a new PostgreSQL database
 * (the URL with its database name replaced). */
static inline void test_db_target(const char *sqlite_path, char *out, size_t n)
{
	static int seq;
	const char *u = test_pg_url(), *slash;
	char name[64], sql[128];

	if (!u) {
		snprintf(out, n, "%s", sqlite_path);
		return;
	}
	slash = strrchr(u, '/');
	assert_non_null(slash);
	assert_true(slash > u + 13);
	snprintf(name, sizeof(name), "gk_test_%ld_%d", (long)getpid(), ++seq);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
	test_pg_admin(sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	test_pg_admin(sql);
	snprintf(out, n, "%.*s/%s", (int)(slash - u), u, name);
}

/* Drop the database test_db_target created (nothing for SQLite). */
static inline void test_db_drop(const char *target)
{
	char sql[128];
	const char *name;

	if (!test_pg_url())
		return;
	name = strrchr(target, '/') + 1;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	test_pg_admin(sql);
}

#endif
