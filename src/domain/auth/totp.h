/* totp.h - the TOTP second factor of staff accounts (RFC 6238: HMAC-SHA-1,
 * 30-second steps, 6 digits, the codes any authenticator app shows),
 * computed by liboath. A code is accepted one step either side of now
 * (clocks drift), and only once: a code of a step at or before the last
 * accepted one is refused, so a code seen over a shoulder or replayed from
 * a captured request is worthless. The caller stores the accepted step
 * (store_user_totp_use_step, which refuses a race too). */
#ifndef GK_DOMAIN_TOTP_H
#define GK_DOMAIN_TOTP_H

#include <time.h>

struct arena;

#define TOTP_SECRET_BYTES 20 /* RFC 4226 recommends 160 bits */
#define TOTP_DIGITS 6
#define TOTP_STEP_SECONDS 30
#define TOTP_WINDOW 1        /* steps accepted before and after now */

/* A new random key of TOTP_SECRET_BYTES, base32 without padding (32
 * characters, arena memory). */
int totp_secret_new(struct arena *a, const char **b32);
/* The key in groups of four for reading off a screen ("ABCD EFGH ..."). */
int totp_secret_grouped(struct arena *a, const char *b32, const char **out);
/* The otpauth:// URI an authenticator app reads (as text or a QR code):
 * otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&
 * digits=6&period=30, issuer and account percent-encoded. */
int totp_uri(struct arena *a, const char *issuer, const char *account, const char *b32, const char **out);

/* The time step of t (t / 30). */
long long totp_step(time_t t);
/* The code of key b32 at time t with digits digits (6 to 8) into out
 * (digits + 1 bytes). ERR_INVALID for a key that is not base32. */
int totp_code(const char *b32, time_t t, unsigned digits, char *out);
/* Check a code typed by a person (TOTP_DIGITS digits; spaces ignored)
 * against key b32 at time now, TOTP_WINDOW steps either side. 0 when it is
 * the code of a step after last_step (-1: none yet), *step set to that
 * step; ERR_CONFLICT when it is the code of a step at or before last_step
 * (a replay); ERR_INVALID when it is wrong or malformed. */
int totp_check(const char *b32, time_t now, long long last_step, const char *code, long long *step);

#endif
