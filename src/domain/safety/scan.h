/* scan.h - publishing safety: before a catalog item is submitted for
 * review, and again before it is published, its body and the text of its
 * attachments (extract.h) are scanned for personal data and for the words
 * on the agency's lists. Any finding blocks publication until a reviewer
 * clears it with a reason (that workflow lives above this module).
 *
 * What is found (all byte ranges of the scanned UTF-8 text):
 *
 *   身份证号码  18 characters: 17 digits and a digit or X/x, a region
 *              digit 1-8 first, a real birth date (years 1900-2099; the
 *              scanner does not know today), and the GB 11643 check
 *              character. Also written in groups 6-8-4 ("330483 19900307
 *              123X"). ASCII and full-width digits.
 *   手机号码    1[3-9] and 9 more digits, contiguous or grouped 3-4-4 with
 *              spaces or hyphens, optionally after +86, 0086, 86 or (+86)
 *              (the prefix is part of the finding).
 *   银行卡号    16-19 digits, first digit not 0, passing Luhn; contiguous or
 *              in groups of four (the last one 1-4 digits).
 *   住址        a heuristic; see safety_scan.
 *   敏感词 and 严重表述错误: every occurrence of a listed word, anywhere
 *              (Chinese has no word boundaries; ASCII letters match either
 *              case), also across a line break.
 *
 * A number counts only as a whole: a digit, an ASCII letter or a decimal
 * point with a digit right next to it means it is part of something
 * longer (an order number, a hash, an amount) and is not reported. An
 * 18-character run that fails the ID checks is not an ID; it is reported
 * as a 银行卡号 only if it passes Luhn (it is then most likely one), and a
 * valid ID is never also reported as a bank card.
 *
 * Pure functions; all results are arena memory. Masks keep the separators
 * of a number where they were and count characters, not bytes. */
#ifndef GK_DOMAIN_SAFETY_SCAN_H
#define GK_DOMAIN_SAFETY_SCAN_H

#include <stddef.h>

struct arena;

enum safety_kind {
	SAFETY_ID_NUMBER,   /* 身份证号码 */
	SAFETY_MOBILE,      /* 手机号码 */
	SAFETY_BANK_CARD,   /* 银行卡号 */
	SAFETY_ADDRESS,     /* 住址 */
	SAFETY_SENSITIVE,   /* 敏感词 */
	SAFETY_WRONG_TERM,  /* 严重表述错误 */
};

/* The Chinese labels above (static); "未知" for a value out of range. */
const char *safety_kind_label(enum safety_kind k);

struct safety_word { enum safety_kind kind; const char *word; const char *hint; }; /* hint: correct form or NULL */
struct safety_words { struct safety_word *v; size_t n; };

/* Words longer than this (bytes) are refused by safety_words_parse. */
#define SAFETY_WORD_MAX 200

/* Parse an agency's word list: one entry per line; "敏感词<TAB>词" or "错误<TAB>错误表述<TAB>正确表述";
 * blank lines and lines starting with # ignored; a bare line "词" is a 敏感词. On a bad line returns ERR_INVALID
 * and *err = Chinese message naming the line number.
 * Details: text must be valid UTF-8 (a BOM is skipped); CR before LF is
 * dropped and spaces around each field are trimmed; a word may not be
 * empty, longer than SAFETY_WORD_MAX bytes, or contain control
 * characters; a 错误 line needs its 正确表述, which must differ from the
 * error. Duplicates are kept once. Words and hints are arena copies;
 * *out is empty ({NULL, 0}) for a list with no entries. */
int safety_words_parse(struct arena *a, const char *text, struct safety_words *out, const char **err);

struct safety_finding {
	enum safety_kind kind;
	size_t off, len;        /* byte range in the scanned text */
	const char *match;      /* the matched text (arena) */
	const char *masked;     /* match masked for display in logs/pages (arena) */
	const char *hint;       /* correct form for SAFETY_WRONG_TERM, else NULL */
	const char *context;    /* ~20 characters either side, with the match itself masked (arena) */
};

/* At most this many findings are returned by safety_scan. */
#define SAFETY_MAX_FINDINGS 5000

/* Scan UTF-8 text. words may be NULL. Findings in order of offset.
 *
 * Findings may overlap (two listed words sharing characters, a phone
 * number inside an address); at one offset the longer comes first. Each
 * range starts and ends on a character boundary. Invalid UTF-8 is not an
 * error: a bad byte is treated as a character that belongs to nothing
 * (it separates numbers and ends addresses), so one stray byte cannot
 * hide the rest of a document; in match and context it reads U+FFFD.
 *
 * masked is the match through the mask of its kind (below); a listed word
 * is not personal data and stays as written, so the reviewer sees what
 * was found. context is the text around the finding on one line (line
 * breaks and tabs as spaces) in which every personal-data finding,
 * including this one, appears masked.
 *
 * 住址 (a heuristic, written to catch the usual ways an address of a
 * person appears in decisions and letters, not every address): an
 * address is a run of at most 60 Han characters, letters, digits and
 * "-#－号" with no punctuation or space, cut after its last house-level
 * part ("…号", "…室", "…弄", "…栋", "…幢", "…单元", "…组", "…村") or, if
 * none, its last place part (省 市 区 县 镇 乡 街道 路 街 巷 大道 村 小区).
 * It is reported
 *   (a) right after 住址, 家住, 现住, 户籍地, 户籍所在地, 居住地, 住所地
 *       or 家庭住址 (a colon, 是, 在 or 为 may come between) when it has a
 *       place part; or
 *   (b) when it starts within 80 characters after a person-like name - a
 *       common surname and one or two more Han characters, standing after
 *       a label (当事人, 申请人, 姓名, ...) or not after a Han character,
 *       followed by a comma, a space, "（" or a colon - in the same
 *       sentence, right after "住" or a separator, and it has both a place
 *       part and a house-level part.
 * An organisation's address after "地址：" is not personal and is not
 * reported.
 *
 * Returns 0; ERR_NOMEM (including the arena's limit); ERR_TOO_LARGE when
 * there are more than SAFETY_MAX_FINDINGS findings - *out and *count then
 * hold the first SAFETY_MAX_FINDINGS, and the text must be treated as
 * blocked. On other errors *out is NULL and *count 0. */
int safety_scan(struct arena *a, const char *text, size_t n, const struct safety_words *words,
		struct safety_finding **out, size_t *count);

/* Masks (arena memory; "" for NULL or ""; NULL on ERR_NOMEM). One
 * implementation: the intake masks app_mask_id/phone/address/name use
 * these.
 *   id number:  first 3 and last 2 characters kept, the rest '*'
 *               (110*************2X); shorter than 6: the first character
 *               only if at least 3, else all '*'.
 *   mobile:     any phone number: digits (ASCII or full-width) counted
 *               among the digits, first 3 and last 4 kept when there are at
 *               least 11 (138****5678, +86 1**-****-5678), only the last 2
 *               when fewer; everything else kept where it is.
 *   bank card:  the same with the first 4 and last 4 digits kept
 *               (6222 **** **** 1234); 8 or fewer digits: the last 2.
 *   name:       the first character, then '*' for each other one.
 *   address:    the first 6 characters, then "***".
 * Invalid UTF-8 comes out as U+FFFD. */
const char *safety_mask_id_number(struct arena *a, const char *s);
const char *safety_mask_mobile(struct arena *a, const char *s);
const char *safety_mask_bank_card(struct arena *a, const char *s);
const char *safety_mask_name(struct arena *a, const char *s);
const char *safety_mask_address(struct arena *a, const char *s);

/* text (n bytes) with every personal-data finding of safety_scan (id,
 * mobile, bank card, address; not the word lists) replaced by its mask,
 * everything else unchanged - for a reviewer fixing a body. No limit on
 * the number of findings. Invalid UTF-8 is kept as it is. NUL-terminated,
 * arena memory; NULL on ERR_NOMEM. */
const char *safety_mask_text(struct arena *a, const char *text, size_t n);

#endif
