/* fuzz_scan.c - the publishing-safety scanner on any bytes. An input with
 * a line "---" is split there into a word list (safety_words_parse) and
 * the text; otherwise a fixed list is used and the whole input is the
 * text. The list parses or is refused with a Chinese message; the scan
 * never fails except on the finding limit; findings are in order, inside
 * the text, with valid UTF-8 strings, a context on one line and a hint
 * exactly for 严重表述错误; on valid UTF-8 each range holds its match on
 * character boundaries; a personal-data finding is masked; safety_mask_text
 * keeps valid UTF-8 valid and the masks of the input are valid UTF-8.
 * Invalid UTF-8 is scanned, not refused (scan.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/safety/scan.h"
#include "core/banned.h"

static const char LIST[] = "绝密\n敏感词\tABC\n敏感词\tBCD\n错误\t十八大以来\t党的十八大以来\n错误\t李强总书记\t李强总理\n";

static bool valid(const char *s)
{
	return s && utf8_valid(s, strlen(s));
}

static void check_scan(struct arena *a, const char *text, size_t n, const struct safety_words *w)
{
	struct safety_finding *f = NULL;
	size_t count = 0;
	bool ok_utf8 = utf8_valid(text, n);
	int rc = safety_scan(a, text, n, w, &f, &count);

	if (rc == ERR_NOMEM)
		return;
	if (rc && !(rc == ERR_TOO_LARGE && count == SAFETY_MAX_FINDINGS))
		abort();
	if (count > SAFETY_MAX_FINDINGS || (count && !f))
		abort();
	for (size_t i = 0; i < count; i++) {
		const struct safety_finding *x = &f[i];
		bool personal = x->kind <= SAFETY_ADDRESS;

		if (x->kind > SAFETY_WRONG_TERM || !x->len || x->off + x->len > n || (i && f[i - 1].off > x->off))
			abort();
		if (!valid(x->match) || !valid(x->masked) || !valid(x->context) || strchr(x->context, '\n'))
			abort();
		if ((x->kind == SAFETY_WRONG_TERM) != (x->hint != NULL) || (x->hint && !valid(x->hint)))
			abort();
		if (personal && !strchr(x->masked, '*'))
			abort();
		if (ok_utf8) {
			if (strlen(x->match) != x->len || memcmp(x->match, text + x->off, x->len))
				abort();
			if (((unsigned char)text[x->off] & 0xC0) == 0x80 ||
			    (x->off + x->len < n && ((unsigned char)text[x->off + x->len] & 0xC0) == 0x80))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	const char *in = (const char *)data, *text = in, *err = NULL, *m;
	size_t n = size;
	struct safety_words w;
	char *list;
	const char *sep = size >= 5 ? memmem(in, size, "\n---\n", 5) : NULL;
	int rc;

	arena_init(&a, 1 << 27);
	if (sep) {
		list = arena_strndup(&a, in, (size_t)(sep - in));
		text = sep + 5;
		n = size - (size_t)(text - in);
	} else {
		list = arena_strdup(&a, LIST);
	}
	rc = safety_words_parse(&a, list, &w, &err);
	if (rc == ERR_INVALID) {
		if (!valid(err) || !strstr(err, "第") || w.n)
			abort();
	} else if (rc == 0) {
		if (err)
			abort();
		for (size_t i = 0; i < w.n; i++)
			if (!valid(w.v[i].word) || !*w.v[i].word || (w.v[i].kind == SAFETY_WRONG_TERM) != !!w.v[i].hint)
				abort();
	} else if (rc != ERR_NOMEM) {
		abort();
	}
	check_scan(&a, text, n, rc ? NULL : &w);
	m = safety_mask_text(&a, text, n);
	if (m && utf8_valid(text, n) && !utf8_valid(m, strlen(m)) && !memchr(text, '\0', n))
		abort();
	{
		char *s = arena_strndup(&a, text, n);

		if (s && (!valid(safety_mask_id_number(&a, s)) || !valid(safety_mask_mobile(&a, s)) ||
			  !valid(safety_mask_bank_card(&a, s)) || !valid(safety_mask_name(&a, s)) ||
			  !valid(safety_mask_address(&a, s))))
			abort();
	}
	arena_release(&a);
	return 0;
}
