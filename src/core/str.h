/* str.h - string slices and one capped, growable, arena-backed buffer. */
#ifndef GK_CORE_STR_H
#define GK_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* A view: (p, n). Not necessarily NUL-terminated; does not own p. */
struct str {
	const char *p;
	size_t n;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })
struct str str_c(const char *s);              /* view of a C string ("" for NULL) */
bool str_eq(struct str a, struct str b);
bool str_eq_c(struct str a, const char *c);
bool str_starts(struct str a, const char *prefix);
struct str str_trim(struct str s);            /* ASCII and U+3000 whitespace */

/* Growable buffer with a hard cap. The first error is sticky: later appends
 * are no-ops, and the caller checks b->err once at the end. Memory comes
 * from the arena, so a pointer obtained by buf_cstr() stays valid until the
 * arena is released, but a later append may move the contents: take
 * buf_cstr() when done appending. */
struct buf {
	struct arena *a;
	char *p;
	size_t n;
	size_t cap;
	size_t max;
	int err;      /* 0 or a negative enum err (ERR_TOO_LARGE, ERR_NOMEM) */
};

void buf_init(struct buf *b, struct arena *a, size_t max);
void buf_append(struct buf *b, const char *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminated contents (never NULL: "" on error). Owned by the arena. */
const char *buf_cstr(struct buf *b);

/* Parse a decimal integer in [min, max] from all of (p, n). */
int num_parse(const char *p, size_t n, long long min, long long max, long long *out);

/* UTF-8 */
bool utf8_valid(const char *p, size_t n);
/* Decode one code point at *cur (< end), advance *cur. Invalid bytes give
 * U+FFFD and advance by one. */
uint32_t utf8_next(const char **cur, const char *end);
/* One line of user text: valid UTF-8, at most max code points, no
 * control characters (C0 or DEL). */
bool utf8_line_ok(const char *s, size_t max);
/* Multi-line user text: valid UTF-8, at most max code points. */
bool utf8_text_ok(const char *s, size_t max);
/* Number of code points in valid UTF-8 (p, n). */
size_t utf8_len(const char *p, size_t n);
/* Encode cp into out (4 bytes room); returns bytes written. */
size_t utf8_put(char *out, uint32_t cp);

/* Lower-case hex of n bytes into out (2n+1 bytes room). */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif
