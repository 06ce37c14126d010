/* fuzz_extract.c - attachment text on any bytes, as a DOCX, as an XLSX
 * and as plain text (PDF is left to poppler's own fuzzing). Each call
 * succeeds with valid UTF-8 text without control characters other than
 * TAB and line breaks, which then scans cleanly, or fails with one of
 * the documented codes and a Chinese message, never with text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/safety/extract.h"
#include "domain/safety/scan.h"
#include "core/banned.h"

static bool chinese(const char *s)
{
	if (!s || !utf8_valid(s, strlen(s)))
		return false;
	for (const char *cur = s, *end = s + strlen(s); cur < end;) {
		uint32_t c = utf8_next(&cur, end);

		if (c >= 0x4E00 && c <= 0x9FFF)
			return true;
	}
	return false;
}

static void one(struct arena *a, const char *mime, const uint8_t *data, size_t size)
{
	const char *text = NULL, *err = NULL;
	int rc = safety_extract_text(a, mime, data, size, &text, &err);

	if (rc == 0) {
		struct safety_finding *f;
		size_t n = 0, len;

		if (!text || err)
			abort();
		len = strlen(text);
		if (!utf8_valid(text, len))
			abort();
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)text[i] < 0x20 && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
				abort();
		rc = safety_scan(a, text, len, NULL, &f, &n);
		if (rc && rc != ERR_NOMEM && rc != ERR_TOO_LARGE)
			abort();
	} else {
		if (text || !chinese(err))
			abort();
		if (rc != ERR_INVALID && rc != ERR_TOO_LARGE && rc != ERR_NOMEM)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;

	arena_init(&a, 1 << 28);
	one(&a, SAFETY_MIME_DOCX, data, size);
	one(&a, SAFETY_MIME_XLSX, data, size);
	one(&a, "text/plain", data, size);
	arena_release(&a);
	return 0;
}
