/* file_util.h - helpers for unit tests that read the shipped data files:
 * D("2020-10-01") as a day number, and slurp() of a whole file into an
 * arena. Include after <cmocka.h>, "core/arena.h", "core/date.h" and
 * "core/str.h". Tests run from the repository root. */
#ifndef GK_TESTS_FILE_UTIL_H
#define GK_TESTS_FILE_UTIL_H

#include <stdio.h>
#include <string.h>

static long D(const char *s)
{
	long d = 0;

	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t got;

	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	buf_init(&b, a, 1 << 22);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	fclose(f);
	assert_int_equal(b.err, 0);
	*len = b.n;
	return (char *)buf_cstr(&b);
}

#endif
