/* date.h - civil dates as day numbers (days since 1970-01-01), proleptic
 * Gregorian. China has one time zone (UTC+8, no DST): "today" is computed
 * there, whatever TZ the server runs in. */
#ifndef GK_CORE_DATE_H
#define GK_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

long date_from_ymd(int y, int m, int d);
void date_to_ymd(long day, int *y, int *m, int *d);
/* 0 = Monday ... 6 = Sunday */
int date_weekday(long day);
/* Parse exactly "YYYY-MM-DD" (a real date, year 1900-2999). */
int date_parse(const char *p, size_t n, long *out);
/* Format as "YYYY-MM-DD" into out (11 bytes room). */
void date_format(long day, char out[11]);
/* Today in China (UTC+8). */
long date_today_cn(void);
/* A time_t as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes room). */
void time_format_utc(time_t t, char out[21]);
/* A time_t as "YYYY-MM-DD HH:MM" in China time (17 bytes room). */
void time_format_cn(time_t t, char out[17]);
bool date_is_leap(int y);
int date_days_in_month(int y, int m);

#endif
