/* deadline.h - the one deadline engine (期限计算): the due date of a case
 * (applications now; consultations and proposals later) from its start
 * rule and the events of its clock, over the working-day calendar. Pure
 * computation: no database, no allocation, no notion of "today" except in
 * deadline_status.
 *
 * Counting (spec, "Working days and deadlines"). A "unit" is a working
 * day (DEADLINE_WORKDAYS) or any day (DEADLINE_CALENDAR_DAYS). "Within N
 * units from day D" ends on the N-th unit strictly after D: D itself never
 * counts, and the end is the due date; a reply sent on the due date is on
 * time. Every event day works like the day of receipt: what it changes
 * takes effect from the next day.
 *
 * The events, in order of day (equal days keep their order):
 *
 * START(day, n, unit, ext_max): the clock starts; due = the n-th unit
 *   strictly after day. Must be the first event, and only once. ext_max is
 *   the most units the one extension may add (0: no extension allowed;
 *   DEADLINE_EXTEND_MAX for applications, 第三十三条).
 *
 * PAUSE(day P, cap) ... RESUME(day R): 征求第三方/其他机关意见 (第三十二、
 *   三十三、三十四条). The units strictly after P up to and including R,
 *   (P, R], do not count: P itself still counts (the clock ran that day),
 *   R does not (like a day of receipt). The due date moves later by
 *   exactly the number of units in (P, R]; for working days this is the
 *   same as "the units left at P are counted again strictly after R".
 *   cap > 0 is the other side's limit in working days (15 for a third
 *   party): the pause ends at the latest on the cap-th working day
 *   strictly after P (pause_until), even if RESUME comes later or never;
 *   the units after pause_until count again. cap = 0: no such limit. A
 *   PAUSE must not come after the due date (the case would be overdue
 *   already); a pause on the due date itself is allowed.
 *
 * RESTART(day): 补正 (第三十条): the corrected application arrived; the n
 *   units start again from day (due = the n-th unit strictly after day): a
 *   restart, not a pause. It also ends a pause (record the correction
 *   notice as a PAUSE without cap so the waiting case shows as paused).
 *   At most once (the notice is 一次性), and never after an extension.
 *
 * EXTEND(day, m): the one extension (第三十三条): due moves later by m
 *   units. The engine enforces only "once" and "1 <= m <= ext_max" and that
 *   it is decided no later than the due date; who approved it and why are
 *   the caller's record. Allowed while paused.
 *
 * STOP(day): the case ended (answered, withdrawn, 视为放弃); no event may
 *   follow. The due date stays what it was (while paused: the provisional
 *   one, see below).
 *
 * Errors. A malformed list (first event not START, events out of day
 * order, RESUME without PAUSE, PAUSE while paused, a second EXTEND or
 * RESTART, an event after STOP, bad n/unit/cap, an unknown kind) is
 * ERR_INVALID; more than DEADLINE_EVENTS_MAX events is ERR_TOO_LARGE. A
 * day the computation needs in a year the calendar does not cover is
 * ERR_NOT_FOUND with that year in out->missing_year: never a guess. On
 * every error out->bad is the index of the offending event and out->msg a
 * Chinese sentence for staff naming it ("第 3 个事件（延期，2020-10-28）：
 * ..."); the other fields of out are unspecified. */
#ifndef GK_DOMAIN_DEADLINE_H
#define GK_DOMAIN_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>

struct calendar;

enum deadline_kind {
	DEADLINE_START = 1,
	DEADLINE_PAUSE = 2,
	DEADLINE_RESUME = 3,
	DEADLINE_RESTART = 4,
	DEADLINE_EXTEND = 5,
	DEADLINE_STOP = 6,
};

enum deadline_unit {
	DEADLINE_WORKDAYS = 1,       /* 工作日 */
	DEADLINE_CALENDAR_DAYS = 2,  /* 自然日: simply adds days (some registers) */
};

enum {
	DEADLINE_EVENTS_MAX = 64,    /* events of one case */
	DEADLINE_EXTEND_MAX = 20,    /* 延长的期限最长不得超过20个工作日 */
	DEADLINE_THIRD_PARTY = 15,   /* the other side's working days (第三十二条) */
	DEADLINE_NEAR_DAYS = 3,      /* near due: at most this many working days left */
	DEADLINE_MSG_MAX = 512,
};

/* One event of a case's clock. Fields a kind does not use must be 0. */
struct deadline_event {
	int kind;        /* enum deadline_kind */
	long day;        /* day number (core/date.h) */
	int n;           /* START: the limit (1..CALENDAR_N_MAX units); EXTEND:
			  * units added; PAUSE: the cap in working days, 0 = none */
	int unit;        /* START: enum deadline_unit */
	int ext_max;     /* START: most units of the one extension, 0 = none */
};

/* One change of the due date and its cause. */
struct deadline_change {
	size_t event;    /* index of the causing event in the list */
	int kind;        /* its kind: RESUME, RESTART or EXTEND */
	long day;        /* its day */
	long old_due;
	long new_due;
	int days;        /* RESUME: units not counted, (P, R]; EXTEND: units
			  * added; RESTART: the limit counted again */
};

struct deadline_result {
	int unit;
	long start;          /* the day the limit runs from: START or RESTART */
	long initial_due;    /* the due date START gave */
	long due;            /* the due date now (provisional while paused) */
	bool paused;         /* the clock is stopped now (PAUSE without RESUME) */
	long paused_since;   /* when paused: P */
	bool capped;         /* when paused: the pause has a cap ... */
	long pause_until;    /* ... and ends at the latest on this day */
	int remaining;       /* when paused: units left to count after the
			      * pause, i.e. the units in (P, due as if
			      * resumed on P] */
	bool extended;       /* the one extension was used */
	bool restarted;      /* the one restart (补正) happened */
	bool stopped;        /* STOP: the case ended */
	long stop_day;
	struct deadline_change history[DEADLINE_EVENTS_MAX];
	size_t nhistory;     /* each change of the due date, in event order */
	int missing_year;    /* ERR_NOT_FOUND: the uncovered year */
	size_t bad;          /* on error: index of the offending event */
	char msg[DEADLINE_MSG_MAX];   /* on error: a Chinese sentence; "" on success */
};

/* The due date of the case described by ev[0..n) over cal (see the top of
 * this file for the rules). Provisional due date while paused: with a cap,
 * the latest it can become (the pause running to pause_until); without a
 * cap, the earliest (as if resumed on the pause day: every working day
 * still paused moves it one working day later). out is caller memory and
 * filled on success; 0, ERR_INVALID, ERR_TOO_LARGE or ERR_NOT_FOUND (see
 * "Errors"). */
int deadline_compute(const struct calendar *cal, const struct deadline_event *ev, size_t n,
		     struct deadline_result *out);

/* Working days left until due as seen on today, for dashboards: the
 * working days in (today, due] when today <= due (0 on the due date, when
 * a reply is still on time); when today > due (overdue), minus the working
 * days in (due, today], at least 1 (so -1 the day after, even on a
 * weekend). ERR_NOT_FOUND when a day between them is in an uncovered
 * year; ERR_INVALID when they are more than 2 * CALENDAR_N_MAX days
 * apart. */
int deadline_status(const struct calendar *cal, long due, long today, int *workdays_left);

/* Helpers over deadline_status's result. */
static inline bool deadline_overdue(int workdays_left)
{
	return workdays_left < 0;
}

static inline bool deadline_near_due(int workdays_left)
{
	return workdays_left >= 0 && workdays_left <= DEADLINE_NEAR_DAYS;
}

#endif
