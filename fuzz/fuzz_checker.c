/* fuzz_checker.c - the annual-report checker on any bytes: report_check_text
 * (as text, with a year hint taken from the first byte) must not crash and
 * gives issues whose place and message are valid UTF-8, or ERR_INVALID
 * with exactly one such issue (not a report); report_docx_text on the same
 * bytes gives valid UTF-8 text, which is checked in turn, or a failure with
 * a valid UTF-8 message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/report/report.h"
#include "core/banned.h"

static void check(struct arena *a, const char *text, size_t len, int hint)
{
	struct report_issue *is = NULL;
	size_t n = 0;
	int year = -1, rc = report_check_text(a, text, len, hint, &year, &is, &n);

	if (rc && rc != ERR_INVALID && rc != ERR_NOMEM)
		abort();
	if (rc == ERR_INVALID && n != 1)
		abort();
	if (year < 0 || (rc == 0 && hint && year == 0))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!is[i].where || !is[i].msg || !utf8_valid(is[i].where, strlen(is[i].where)) ||
		    !utf8_valid(is[i].msg, strlen(is[i].msg)))
			abort();
		if (is[i].severity != REPORT_ERROR && is[i].severity != REPORT_WARNING)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	const char *text = NULL, *msg = NULL;
	size_t len = 0;
	int hint = size && (data[0] & 1) ? 2019 + data[0] % 8 : 0, rc;

	arena_init(&a, 1 << 26);
	check(&a, (const char *)data, size, hint);
	rc = report_docx_text(&a, (const char *)data, size, &text, &len, &msg);
	if (rc == 0) {
		if (!text || !utf8_valid(text, len) || strlen(text) != len)
			abort();
		check(&a, text, len, hint);
	} else if (rc == ERR_INVALID || rc == ERR_TOO_LARGE) {
		if (!msg || !utf8_valid(msg, strlen(msg)))
			abort();
	} else if (rc != ERR_NOMEM) {
		abort();
	}
	arena_release(&a);
	return 0;
}
