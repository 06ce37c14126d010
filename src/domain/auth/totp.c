/* totp.c - see totp.h. */
#include "domain/auth/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_init_result = OATH_OK;

static void oath_start(void)
{
	oath_init_result = oath_init();
}

static int oath_ready(void)
{
	pthread_once(&oath_once, oath_start);
	return oath_init_result == OATH_OK ? 0 : ERR_INTERNAL;
}

int totp_secret_new(struct arena *a, const char **b32)
{
	unsigned char raw[TOTP_SECRET_BYTES];
	char *enc = NULL;
	size_t n = 0;
	int rc;

	if ((rc = oath_ready()))
		return rc;
	randombytes_buf(raw, sizeof(raw));
	rc = oath_base32_encode((const char *)raw, sizeof(raw), &enc, &n);
	sodium_memzero(raw, sizeof(raw));
	if (rc != OATH_OK)
		return ERR_NOMEM;
	/* 160 bits are exactly 32 base32 characters: no padding */
	*b32 = arena_strndup(a, enc, n);
	sodium_memzero(enc, n);
	free(enc);
	return *b32 ? 0 : ERR_NOMEM;
}

int totp_secret_grouped(struct arena *a, const char *b32, const char **out)
{
	struct buf b;

	buf_init(&b, a, 256);
	for (size_t i = 0; b32[i]; i++) {
		if (i && i % 4 == 0)
			buf_putc(&b, ' ');
		buf_putc(&b, b32[i]);
	}
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

/* RFC 3986 percent-encoding of everything but the unreserved characters. */
static void pct(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

int totp_uri(struct arena *a, const char *issuer, const char *account, const char *b32, const char **out)
{
	struct buf b;

	buf_init(&b, a, 2048);
	buf_puts(&b, "otpauth://totp/");
	pct(&b, issuer);
	buf_putc(&b, ':');
	pct(&b, account);
	buf_puts(&b, "?secret=");
	buf_puts(&b, b32);
	buf_puts(&b, "&issuer=");
	pct(&b, issuer);
	buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_SECONDS);
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

long long totp_step(time_t t)
{
	return (long long)(t / TOTP_STEP_SECONDS);
}

/* The raw key of a base32 key: malloc'd (free with key_free). */
static int key_decode(const char *b32, char **key, size_t *n)
{
	int rc;

	if ((rc = oath_ready()))
		return rc;
	if (!b32 || !*b32 || oath_base32_decode(b32, strlen(b32), key, n) != OATH_OK || *n == 0) {
		*key = NULL;
		return ERR_INVALID;
	}
	return 0;
}

static void key_free(char *key, size_t n)
{
	if (key) {
		sodium_memzero(key, n);
		free(key);
	}
}

int totp_code(const char *b32, time_t t, unsigned digits, char *out)
{
	char *key;
	size_t n;
	int rc;

	if (digits < 6 || digits > 8)
		return ERR_INVALID;
	if ((rc = key_decode(b32, &key, &n)))
		return rc;
	rc = oath_totp_generate(key, n, t, TOTP_STEP_SECONDS, 0, digits, out);
	key_free(key, n);
	return rc == OATH_OK ? 0 : ERR_INVALID;
}

int totp_check(const char *b32, time_t now, long long last_step, const char *code, long long *step)
{
	char digits[TOTP_DIGITS + 1], *key;
	size_t k = 0, n;
	uint64_t counter = 0;
	int pos = 0, rc;

	/* exactly TOTP_DIGITS ASCII digits, spaces allowed between them */
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || k == TOTP_DIGITS)
			return ERR_INVALID;
		digits[k++] = *p;
	}
	if (k != TOTP_DIGITS)
		return ERR_INVALID;
	digits[k] = '\0';
	if ((rc = key_decode(b32, &key, &n)))
		return rc;
	rc = oath_totp_validate3(key, n, now, TOTP_STEP_SECONDS, 0, TOTP_WINDOW, &pos, &counter, digits);
	key_free(key, n);
	if (rc < 0)
		return ERR_INVALID;
	if ((long long)counter <= last_step)
		return ERR_CONFLICT;
	*step = (long long)counter;
	return 0;
}
