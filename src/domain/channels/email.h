/* email.h - e-mail: address checks, messages (RFC 5322, MIME
 * multipart/alternative, RFC 2047 subjects, RFC 8058 one-click
 * unsubscribe) and sending them over SMTP with libcurl; the 'email'
 * delivery channel (chan_email) that mails each publication to the
 * agency's confirmed subscribers of its category. */
#ifndef GK_DOMAIN_CHANNELS_EMAIL_H
#define GK_DOMAIN_CHANNELS_EMAIL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct chan_config;

#define MAIL_ADDR_MAX 254  /* RFC 5321: a path of 256 with the brackets */

/* Check an address as typed (surrounding spaces ignored): local@domain,
 * the local part ASCII (dot-atom, at most 64 bytes), the domain a host name
 * of at least two labels, ASCII or UTF-8 (an internationalised domain:
 * libcurl converts it for SMTP), 254 bytes at most. *out gets it with the
 * domain in lower case (arena). ERR_INVALID with *msg (Chinese). */
int mail_address_check(struct arena *a, const char *in, const char **out, const char **msg);

/* An e-mail channel's settings (from its delivery_channels row). */
struct mail_conf {
	const char *url;        /* smtp://host[:port] or smtps://host[:port] */
	const char *user;       /* "" : no AUTH */
	const char *password;
	const char *from;       /* the sender's address */
	const char *from_name;  /* shown with it (the agency's name) */
	const char *reply_to;   /* "" none */
	long timeout_ms;        /* 0: 30 s */
};
/* conf from a channel: endpoint, app_id (user), secret, config's "from"
 * and "reply_to". */
void mail_conf_of(struct arena *a, const struct chan_config *c, const char *org_name, struct mail_conf *conf);
/* Are url and from usable? ERR_INVALID with *msg. */
int mail_conf_check(const struct mail_conf *conf, const char **msg);

struct mail {
	const char *to;
	const char *subject;    /* UTF-8 */
	const char *text;       /* the text/plain part */
	const char *html;       /* the text/html part (NULL: text only) */
	const char *unsub_url;  /* List-Unsubscribe (with List-Unsubscribe-Post), NULL none */
};
/* The message as sent (CRLF lines): Date, From, To, Reply-To, Subject,
 * Message-ID, MIME headers, List-Unsubscribe; the parts in base64. Arena
 * memory; NULL when out of memory. */
const char *mail_compose(struct arena *a, const struct mail_conf *conf, const struct mail *m, size_t *n);

enum mail_outcome {
	MAIL_SENT = 0,
	MAIL_REJECTED,   /* the server refused this recipient (5xx to RCPT): the others may go */
	MAIL_FAILED,     /* refused for every message (authentication, sender): a person must look */
	MAIL_RETRY,      /* no connection, a timeout, a 4xx: try again later */
};
struct smtp_session;
/* A connection's worth of sending (libcurl keeps the connection between
 * messages). NULL when out of memory. */
struct smtp_session *smtp_open(const struct mail_conf *conf);
void smtp_close(struct smtp_session *s);
/* Send one message to one recipient. *code gets the server's last reply
 * code (0 none); msg a Chinese description (arena) when not sent. */
enum mail_outcome smtp_send(struct smtp_session *s, struct arena *a, const char *to, const char *message, size_t n,
			    long *code, const char **msg);

/* Random URL-safe token (32 bytes of entropy, base64url) and its SHA-256
 * hex (the stored form of a confirmation token). Arena. */
const char *mail_token(struct arena *a);
const char *mail_token_hash(struct arena *a, const char *token);

#endif
