/* fuzz_docno.c - docno_normalize on any bytes: invalid UTF-8 is refused
 * and leaves "" behind; a normalised 文号 is valid UTF-8 with no spaces
 * (ASCII or U+3000) and no full-width digits, is already trimmed, has a
 * message for every warning, and normalising it again changes nothing
 * (only DOCNO_BRACKETS goes away). Input with NUL is skipped: the result
 * is a C string, and 文号 arrive as C strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/catalog.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	const char *out = NULL, *again = NULL;
	unsigned w = 0, w2 = 0;
	int rc;

	if (memchr(data, 0, size))
		return 0;
	arena_init(&a, 1 << 20);
	rc = docno_normalize(&a, (const char *)data, size, &out, &w);
	if (!out || (rc && *out) || (rc == ERR_INVALID && utf8_valid((const char *)data, size)))
		abort();
	if (rc == 0) {
		size_t n = strlen(out);

		if (!utf8_valid(out, n) || str_trim((struct str){ out, n }).n != n ||
		    (w != 0) != (docno_warn_text(w) != NULL))
			abort();
		for (const char *cur = out; cur < out + n;) {
			uint32_t c = utf8_next(&cur, out + n);

			if (c == ' ' || c == '\t' || c == 0x3000 || (c >= 0xFF10 && c <= 0xFF19))
				abort();
		}
		if (docno_normalize(&a, out, n, &again, &w2) != 0 || strcmp(again, out) != 0 ||
		    w2 != (w & ~(unsigned)DOCNO_BRACKETS))
			abort();
	}
	arena_release(&a);
	return 0;
}
