/* interaction.h - the rows of public interaction (政民互动): the channels
 * of an org, the cases and their events. The rules (states, deadlines,
 * validation, defaults) are in domain/registers/interactions; these
 * functions only read and write rows. Conventions as in store.h: every
 * function takes the org, strings come from the caller's arena, 0 or a
 * negative enum err (ERR_NOT_FOUND outside the org, ERR_CONFLICT on a
 * unique violation or a stale version). Writes of several statements run
 * inside the caller's transaction. */
#ifndef GK_STORE_INTERACTION_H
#define GK_STORE_INTERACTION_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct db;

struct ia_channel {
	long long id;
	long long org_id;
	const char *code;
	const char *name;
	int due_n;
	const char *due_unit;      /* "workdays" or "days" */
	int sort;
	bool active;
	bool public_form;
	int version;
	const char *created_at;
	const char *updated_at;
};

/* Insert c (sets c->id, version 1); ERR_CONFLICT when its code or name is
 * taken in the org. */
int store_ia_channel_insert(struct db *db, struct ia_channel *c);
/* Save name, limit, sort, active and public_form when the stored version
 * is c->version (bumps both); ERR_CONFLICT for a stale version or a name
 * taken, ERR_NOT_FOUND. */
int store_ia_channel_update(struct db *db, struct ia_channel *c);
/* Every channel of org by sort, then id; arena array. */
int store_ia_channel_list(struct db *db, struct arena *a, long long org_id, struct ia_channel **out, size_t *n);

struct interaction {
	long long id;
	long long org_id;
	long long channel_id;
	const char *channel;        /* the channel's name (reads only) */
	const char *kind;           /* consult suggest complain help petition */
	const char *state;          /* received assigned replied closed */
	const char *tracking_code;
	const char *check_digits;
	const char *submit_token;   /* NULL when none */
	const char *received_on;
	const char *subject;
	const char *content;
	const char *name;
	const char *phone;
	const char *email;
	const char *unit;
	const char *handler;
	int due_n;
	const char *due_unit;
	const char *due_on;         /* NULL when not computed */
	const char *due_error;
	const char *reply;
	const char *replied_on;     /* NULL until replied */
	const char *closed_on;      /* NULL until closed */
	bool consent;
	bool public;
	const char *public_subject;
	const char *public_question;
	const char *public_answer;
	const char *published_on;   /* NULL unless public */
	int version;
	long long created_by;       /* 0: the person (public form) or the command line */
	const char *created_at;
	const char *updated_at;
};

/* Insert it (sets it->id, version 1); the channel must be the org's
 * (ERR_NOT_FOUND otherwise). ERR_CONFLICT when the tracking code or the
 * submit token is taken. */
int store_ia_insert(struct db *db, struct interaction *it);
/* Write every mutable field when the stored version is it->version; bumps
 * it. ERR_CONFLICT when someone saved in between. */
int store_ia_update(struct db *db, struct interaction *it);
int store_ia_get(struct db *db, struct arena *a, long long org_id, long long id, struct interaction *out);
/* By the public form's token, or (token NULL) by 查询码, in org. */
int store_ia_find(struct db *db, struct arena *a, long long org_id, const char *token, const char *code,
		  struct interaction *out);
/* Is there a case of org with this receipt date, channel, subject and
 * person's name (the import's duplicate key)? */
int store_ia_key_exists(struct db *db, long long org_id, const char *received_on, long long channel_id,
			const char *subject, const char *name, bool *out);

struct ia_filter {
	long long org_id;
	long long channel_id;       /* 0: any */
	const char *kind;           /* NULL: any */
	const char *state;          /* NULL: not closed; "all"; or one state */
	const char *from, *to;      /* received_on range (both or neither) */
	long long limit, offset;    /* limit 0: no limit */
};
/* Cases by urgency: not yet replied first (no due date first of all, then
 * by due date), then replied, then closed (newest first). *total (may be
 * NULL) counts every match. */
int store_ia_list(struct db *db, struct arena *a, const struct ia_filter *f, struct interaction **out, size_t *n,
		  long long *total);
/* Cases not closed with only id, state, received_on, due_n, due_unit and
 * due_on filled: what the dashboard's summary needs. */
int store_ia_open(struct db *db, struct arena *a, long long org_id, struct interaction **out, size_t *n);
/* Every case of org received in [from, to] (NULL: all), by receipt. */
int store_ia_for_period(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
			struct interaction **out, size_t *n);
/* Published cases of org, newest published first. */
int store_ia_public_list(struct db *db, struct arena *a, long long org_id, long long limit, long long offset,
			 struct interaction **out, size_t *n, long long *total);
/* The years of org's receipts, newest first. */
int store_ia_years(struct db *db, struct arena *a, long long org_id, int **out, size_t *n);

/* One group of the year's counts: cases received in [from, to] with this
 * channel, kind and month (1-12), how many were replied, closed, and
 * replied after their due date. */
struct ia_count_row {
	long long channel_id;
	const char *kind;
	int month;
	long long n, replied, closed, late;
};
int store_ia_counts(struct db *db, struct arena *a, long long org_id, const char *from, const char *to,
		    struct ia_count_row **out, size_t *n);

struct ia_event {
	long long id;
	long long interaction_id;
	const char *action;
	const char *day;
	long long user_id;          /* 0: none */
	const char *actor;
	const char *detail;
	const char *at;
};
/* Add an event to case e->interaction_id of org (ERR_NOT_FOUND when the
 * case is not the org's). */
int store_ia_event_add(struct db *db, long long org_id, struct ia_event *e);
int store_ia_events(struct db *db, struct arena *a, long long org_id, long long id, struct ia_event **out,
		    size_t *n);

#endif
