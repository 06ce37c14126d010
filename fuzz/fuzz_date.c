/* fuzz_date.c - date_parse accepts exactly the real dates "YYYY-MM-DD" of
 * 1900-2999, and what it accepts formats back to the same ten bytes. Any
 * 32-bit day number survives date_to_ymd/date_from_ymd, with a month and a
 * day that exist and a weekday in 0..6. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long day = -1;
	char out[11];
	int y, m, d;
	int32_t z = 0;

	if (date_parse((const char *)data, size, &day) == 0) {
		date_format(day, out);
		if (size != 10 || memcmp(out, data, 10) != 0)
			abort();
		date_to_ymd(day, &y, &m, &d);
		if (y < 1900 || y > 2999 || date_from_ymd(y, m, d) != day)
			abort();
	}
	/* the first four bytes as a day number */
	memcpy(&z, data, size < sizeof(z) ? size : sizeof(z));
	date_to_ymd(z, &y, &m, &d);
	if (m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m) || date_from_ymd(y, m, d) != z)
		abort();
	if (date_weekday(z) < 0 || date_weekday(z) > 6 || date_weekday((long)z + 7) != date_weekday(z))
		abort();
	return 0;
}
