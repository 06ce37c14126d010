/* test_email.c - e-mail addresses (what the subscription form accepts and
 * how it is stored), the message as composed (RFC 5322 headers, the RFC
 * 2047 subject that decodes to the UTF-8 title, base64 parts, RFC 8058
 * headers), and confirmation tokens and their hashes. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/channels/email.h"
#include "core/banned.h"

static void test_addresses(void **state)
{
	static const char *const good[][2] = {
		{ "alice@example.com", "alice@example.com" },
		{ "  Bob.Smith+gk@Example.GOV.cn ", "Bob.Smith+gk@example.gov.cn" },
		{ "zhang@例子.公司.CN", "zhang@例子.公司.cn" },
		{ "x@xn--fiqs8s.cn", "x@xn--fiqs8s.cn" },
	};
	static const char *const bad[] = {
		"", "   ", "plain", "a@b", "@example.com", "a@", "a@@example.com", "a@b@example.com", ".a@example.com",
		"a.@example.com", "a..b@example.com", "a b@example.com", "a@-x.com", "a@x-.com", "a@example..com",
		"a@example.com.", "a\"b@example.com", "a@exa_mple.com", "张三@example.com", "a@xn--.com",
	};
	struct arena a;
	const char *out, *msg;

	arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(mail_address_check(&a, good[i][0], &out, &msg), 0);
		assert_string_equal(out, good[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = "unchanged";
		assert_int_equal(mail_address_check(&a, bad[i], &out, &msg), ERR_INVALID);
		assert_null(out);
		assert_non_null(msg);
		assert_true((unsigned char)msg[0] >= 0xE4); /* a Chinese message */
	}
	{
		char local[80], dom[300];

		memset(local, 'a', 65);
		local[65] = '\0';
		snprintf(dom, sizeof(dom), "%s@example.com", local);
		assert_int_equal(mail_address_check(&a, dom, &out, &msg), ERR_INVALID);
		memset(dom, 'b', 250);
		memcpy(dom, "x@", 2);
		memcpy(dom + 246, ".com", 5);
		assert_int_equal(mail_address_check(&a, dom, &out, &msg), ERR_INVALID); /* 250 bytes but a label > 63 */
	}
	arena_release(&a);
}

/* The decoded concatenation of the RFC 2047 words of an unfolded header. */
static void decode_words(const char *h, char *out, size_t cap)
{
	size_t o = 0;

	while ((h = strstr(h, "=?UTF-8?B?"))) {
		const char *e = strstr(h + 10, "?=");
		size_t bin = 0;

		assert_non_null(e);
		assert_true(e - h + 2 <= 75); /* an encoded word is at most 75 characters */
		assert_int_equal(sodium_base642bin((unsigned char *)out + o, cap - o - 1, h + 10, (size_t)(e - h - 10), NULL,
						   &bin, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
		o += bin;
		h = e + 2;
	}
	out[o] = '\0';
}

static void test_compose(void **state)
{
	struct arena a;
	struct mail_conf conf = { .url = "smtp://127.0.0.1:25", .from = "gongkai@jyj.example.gov.cn",
				  .from_name = "桐乡市教育局", .reply_to = "ban@jyj.example.gov.cn" };
	const char *title = "关于做好2021年秋季学期开学工作的通知（含附件：学校名单、作息时间表、安全检查表）";
	struct mail m = { .to = "alice@example.com", .subject = title, .text = "正文：一、二、三。",
			  .html = "<p>正文</p>", .unsub_url = "https://gk.example.gov.cn/o/x/unsubscribe?t=abc" };
	const char *msg, *subj, *end;
	char line[1024], decoded[1024];
	size_t n;

	arena_init(&a, 0);
	msg = mail_compose(&a, &conf, &m, &n);
	assert_non_null(msg);
	assert_int_equal(strlen(msg), n);
	/* every line ends in CRLF, none longer than 998 characters, only ASCII */
	for (size_t i = 0, start = 0; i < n; i++) {
		assert_true((unsigned char)msg[i] < 0x80);
		if (msg[i] == '\n') {
			assert_true(i > 0 && msg[i - 1] == '\r');
			assert_true(i - start <= 998);
			start = i + 1;
		}
	}
	assert_non_null(strstr(msg, "\r\nTo: <alice@example.com>\r\n"));
	assert_non_null(strstr(msg, "\r\nReply-To: <ban@jyj.example.gov.cn>\r\n"));
	assert_non_null(strstr(msg, "\r\nList-Unsubscribe: <https://gk.example.gov.cn/o/x/unsubscribe?t=abc>\r\n"));
	assert_non_null(strstr(msg, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(msg, "@jyj.example.gov.cn>\r\n"));   /* Message-ID's domain */
	assert_non_null(strstr(msg, "Content-Type: multipart/alternative; boundary=\""));
	assert_true(strncmp(msg, "Date: ", 6) == 0);
	/* the subject, unfolded, decodes to the title */
	subj = strstr(msg, "\r\nSubject: ");
	assert_non_null(subj);
	subj += 11;
	for (end = subj; !(end[0] == '\r' && end[1] == '\n' && end[2] != ' '); end++)
		;
	assert_true((size_t)(end - subj) < sizeof(line));
	memcpy(line, subj, (size_t)(end - subj));
	line[end - subj] = '\0';
	decode_words(line, decoded, sizeof(decoded));
	assert_string_equal(decoded, title);
	/* the From name too */
	subj = strstr(msg, "\r\nFrom: ");
	decode_words(subj, decoded, sizeof(decoded));
	assert_true(strncmp(decoded, "桐乡市教育局", strlen("桐乡市教育局")) == 0);
	arena_release(&a);
}

static void test_tokens(void **state)
{
	struct arena a;
	const char *t1, *t2, *h;

	arena_init(&a, 0);
	t1 = mail_token(&a);
	t2 = mail_token(&a);
	assert_int_equal(strlen(t1), 43);
	assert_string_not_equal(t1, t2);
	assert_null(strpbrk(t1, "+/="));
	h = mail_token_hash(&a, t1);
	assert_int_equal(strlen(h), 64);
	assert_string_equal(h, mail_token_hash(&a, t1));
	assert_string_not_equal(h, mail_token_hash(&a, t2));
	arena_release(&a);
}

static void test_conf_check(void **state)
{
	struct mail_conf c = { .url = "smtp://mail.example.com:587", .from = "a@example.com" };
	const char *msg;

	assert_int_equal(mail_conf_check(&c, &msg), 0);
	c.url = "smtps://mail.example.com";
	assert_int_equal(mail_conf_check(&c, &msg), 0);
	c.url = "http://mail.example.com";
	assert_int_equal(mail_conf_check(&c, &msg), ERR_INVALID);
	c.url = "smtp://";
	assert_int_equal(mail_conf_check(&c, &msg), ERR_INVALID);
	c.url = "smtp://host";
	c.from = "nope";
	assert_int_equal(mail_conf_check(&c, &msg), ERR_INVALID);
	c.from = "a@example.com";
	c.reply_to = "bad reply";
	assert_int_equal(mail_conf_check(&c, &msg), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_conf_check),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
