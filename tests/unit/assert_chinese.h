/* assert_chinese.h - a message meant for people is valid UTF-8 with at
 * least one CJK ideograph. Include after <cmocka.h> and "core/str.h". */
#ifndef GK_TESTS_ASSERT_CHINESE_H
#define GK_TESTS_ASSERT_CHINESE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static void assert_chinese(const char *msg)
{
	const char *cur, *end;
	bool cjk = false;

	assert_non_null(msg);
	assert_true(utf8_valid(msg, strlen(msg)));
	for (cur = msg, end = msg + strlen(msg); cur < end;) {
		uint32_t c = utf8_next(&cur, end);

		cjk = cjk || (c >= 0x4E00 && c <= 0x9FFF);
	}
	if (!cjk)
		fail_msg("not a Chinese message: %s", msg);
}

#endif
