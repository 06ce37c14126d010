/* cases.h - the procedure of a disclosure application: creating it (online
 * form, API or a clerk's registration), the actions that move it through
 * its states (taxonomy.h), its due date from the one deadline engine
 * (domain/deadline) with every change and its cause recorded, the letters
 * each action drafts (letters.h), and the counts of the annual report's
 * table 三.
 *
 * Reply limit (spec, "Working days and deadlines"): 20 working days after
 * the receipt date, one extension of at most 20 working days; the clock is
 * stopped while waiting for a correction (补正: then restarted from the day
 * the corrected application arrives), for a third party or another agency
 * (at most their 15 working days), and for payment of a fee. The stored
 * events of a case are its clock: START from received_on, then
 * correction → PAUSE, corrected → RESTART, consult → PAUSE (cap 15),
 * consult_end → RESUME, extend → EXTEND, fee_notice → PAUSE, fee_paid →
 * RESUME, and every closing action → STOP.
 *
 * Every write runs in one transaction: on any error nothing is stored. */
#ifndef GK_DOMAIN_APPLICATIONS_CASES_H
#define GK_DOMAIN_APPLICATIONS_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/applications/taxonomy.h"

struct arena;
struct application;
struct calendar;
struct db;
struct org;

enum {
	APP_REPLY_DAYS = 20,        /* 第三十三条 */
	APP_CORRECTION_NOTICE = 7,  /* 第三十条: the notice within 7 working days of receipt */
	APP_CORRECTION_DEFAULT = 15,/* the applicant's period to correct (a decision; set per notice) */
	APP_CORRECTION_MAX = 60,
};

/* Who acts, when, over which calendar. */
struct app_ctx {
	struct db *db;
	struct arena *a;
	const struct calendar *cal;
	const struct org *org;
	long long user_id;          /* 0: the applicant (online form, API) */
	const char *actor;          /* shown in the history */
	long today;                 /* day number */
	const char *now;            /* ISO 8601 UTC timestamp */
};

/* A new application. app holds the applicant's fields (app_validate's),
 * channel, evidence and submit_token (may be NULL); arrived is the day it
 * arrived, confirmed the day signed for or confirmed (0 for online and in
 * person). Online (channel "online"): state 待确认, received_on provisional
 * = arrived until staff accept it. Other channels: state 已登记 with the
 * receipt date of app_receipt_date and a draft 登记回执. Fills app (id,
 * serial, tracking_code, due_on, ...). When submit_token is already stored
 * for the org, nothing new is stored and app is the earlier application
 * with *duplicate true (a double click). ERR_INVALID with *msg for bad
 * input; ERR_CONFLICT, ERR_DB, ERR_NOMEM. */
int app_create(struct app_ctx *c, struct application *app, long arrived, long confirmed, bool *duplicate,
	       const char **msg);

/* The inputs of one action; what an action does not use is ignored. */
struct app_act_input {
	const char *action;         /* taxonomy action code */
	int version;                /* the version the clerk saw: ERR_CONFLICT when stale */
	long day;                   /* the day it happened; 0 = today */
	const char *reason;         /* correction: what to correct; consult: the matter; extend: why;
				     * reply: details for the letter; withdraw, void: note */
	const char *party;          /* consult: the third party or other agency */
	int days;                   /* extend: 1..20; correction: the applicant's period (0 = default) */
	const char *approver;       /* extend: the head of the disclosure office who approved */
	const char *outcome;        /* reply: an app_outcomes code with by_reply */
	const char *basis;          /* reply: legal basis ("" = the outcome's default) */
	int fee_standard;           /* fee_notice: enum fee_standard (FEE_PER_ITEM / FEE_PER_PAGE) */
	long long fee_units;        /* fee_notice: 件 after 一事一申请 split (per item) or pages */
};

/* Apply an action to application id of c->org: checks that the state
 * allows it, its inputs, its day (not before the case's last event, not
 * after today, within the limits of the law where they are hard), records
 * the event, moves the state, recomputes the due date (recording a change)
 * and drafts the action's letter. On success *app is the updated record
 * and *letter_id the new draft (0 when none). ERR_INVALID with *msg for a
 * forbidden transition or bad input, ERR_NOT_FOUND, ERR_CONFLICT (stale
 * version: *msg says someone else changed it). */
int app_act(struct app_ctx *c, long long id, const struct app_act_input *in, struct application *app,
	    long long *letter_id, const char **msg);

/* The deadline of app now: its due date as stored after the last action,
 * plus, for dashboards, the working days left as seen on today (see
 * deadline_status), and when waiting for the applicant the day their
 * period ends. */
struct app_deadline {
	bool has_due;
	long due;
	bool has_left;
	int left;                   /* working days left; negative: overdue */
	bool overdue, near;
	bool paused;                /* the clock is stopped (补正, 征求意见, 缴费) */
	long correction_notice_by;  /* registered and not yet corrected: the 7-day notice limit, else 0 */
};
int app_deadline(const struct calendar *cal, const struct application *app, long today, struct app_deadline *out);

/* Recompute the due dates of every open application of every org over cal
 * (after the calendar changed); each change is recorded with cause.
 * Inside the caller's transaction. *changed counts them. */
int app_recompute_all(struct db *db, struct arena *a, const struct calendar *cal, const char *now,
		      const char *cause, long long *changed);

/* After the platform's calendar changed (inside the same transaction):
 * load it again from the store and recompute every open application with
 * the cause "工作日历更新". */
int app_calendar_changed(struct db *db, struct arena *a, long long platform_id, const char *now,
			 long long *changed);

/* Table 三 of the annual report for year of org (〔2021〕30号 rows; the
 * 2019 format adds rows 18-20 into one): per applicant column,
 * received: 一、本年新收 (received in year); carried_in: 二、上年结转 (received
 * before year and not closed before it); outcome[row]: 三 (closed in year,
 * by the row of its outcome); carried_out: 四、结转下年度继续办理 (received
 * by the end of year and still open then). received + carried_in =
 * Σ outcome + carried_out in every column by construction. Submissions
 * staff voided are not applications and are not counted. */
struct app_year_counts {
	int year;
	long long received[APP_COLS];
	long long carried_in[APP_COLS];
	long long outcome[APP_ROWS][APP_COLS];
	long long concluded[APP_COLS];   /* （七）总计 */
	long long carried_out[APP_COLS];
};
int app_year_counts(struct db *db, struct arena *a, long long org_id, int year, struct app_year_counts *out);

#endif
