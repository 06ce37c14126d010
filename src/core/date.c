#include "date.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "banned.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
long date_from_ymd(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void date_to_ymd(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int date_weekday(long day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	long w = (day + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

bool date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && date_is_leap(y) ? 29 : dm[m - 1];
}

static int digits(const char *p, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return ERR_INVALID;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *p, size_t n, long *out)
{
	int y, m, d;

	if (n != 10 || p[4] != '-' || p[7] != '-')
		return ERR_INVALID;
	if (digits(p, 4, &y) || digits(p + 5, 2, &m) || digits(p + 8, 2, &d))
		return ERR_INVALID;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
		return ERR_INVALID;
	*out = date_from_ymd(y, m, d);
	return 0;
}

void date_format(long day, char out[11])
{
	int y, m, d;
	char tmp[32];

	date_to_ymd(day, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

long date_today_cn(void)
{
	time_t t = time(NULL) + 8 * 3600;

	return (long)(t / 86400);
}

void time_format_utc(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_format_cn(time_t t, char out[17])
{
	struct tm tm;
	time_t cn = t + 8 * 3600;

	gmtime_r(&cn, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}
