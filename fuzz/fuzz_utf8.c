/* fuzz_utf8.c - utf8_valid and utf8_next must agree: on valid input the
 * decoder never produces a replacement for a bad byte (a U+FFFD decoded
 * from a one-byte step), re-encoding gives the input back and utf8_len
 * counts the same code points; on invalid input the decoder does hit a bad
 * byte. str_trim always returns a slice of its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *cur = s, *end = s + size;
	bool valid = utf8_valid(s, size), bad = false;
	size_t count = 0, at = 0;
	struct str t;

	while (cur < end) {
		const char *before = cur;
		uint32_t cp = utf8_next(&cur, end);
		char u[4];
		size_t k;

		if (cur <= before || cur > end || cur - before > 4 || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			abort();
		if (cp == 0xFFFD && cur - before == 1) {
			bad = true;
		} else {
			/* a decoded code point re-encodes to the bytes it came from */
			k = utf8_put(u, cp);
			if (k != (size_t)(cur - before) || memcmp(u, before, k) != 0)
				abort();
		}
		at = (size_t)(cur - s);
		count++;
	}
	if (at != size || valid == bad)
		abort();
	if (valid && utf8_len(s, size) != count)
		abort();
	t = str_trim((struct str){ s, size });
	if (t.n > size || (t.n && (t.p < s || t.p + t.n > end)))
		abort();
	return 0;
}
