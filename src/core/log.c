#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "banned.h"

static void vlog(enum log_level lv, const char *fmt, va_list ap)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char line[2048], ts[32];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* one write per record, so threads do not interleave within a line */
	fprintf(stderr, "%s %s %s\n", ts, names[lv], line);
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lv, fmt, ap);
	va_end(ap);
}

int err_log(int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERROR, fmt, ap);
	va_end(ap);
	return e;
}
