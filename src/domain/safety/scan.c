/* scan.c - see scan.h.
 *
 * Three passes over the text, each linear: numbers (ID, mobile, bank
 * card), addresses (after a keyword or a name), and the word lists (one
 * Aho-Corasick automaton over bytes, built per scan). Each pass adds raw
 * findings (kind and byte range); they are sorted, duplicates dropped,
 * and only the ones returned get their strings (match, mask, context). */
#include "domain/safety/scan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

enum {
	CONTEXT_CPS = 20,       /* characters of context either side */
	ADDR_MAX_CPS = 60,      /* longest address */
	NAME_WINDOW_CPS = 80,   /* how far after a name an address may start */
	MAX_GROUPS = 6,         /* digit groups read at one place */
	GROUP_DIGITS = 20,      /* digits kept per group (longer ones match nothing) */
};

#define BAD_CP 0xFFFFFFFFu      /* an invalid byte: belongs to nothing */

struct raw {
	size_t off, len;
	enum safety_kind kind;
	const char *hint;
};

struct scan {
	struct arena *a;
	const char *s;
	size_t n;
	struct raw *v;
	size_t nv, cap;
	size_t keep;            /* trim the list to this many when it grows past 4x */
	int err;
	uint32_t *surnames;     /* sorted */
	size_t nsurnames;
};

const char *safety_kind_label(enum safety_kind k)
{
	switch (k) {
	case SAFETY_ID_NUMBER: return "身份证号码";
	case SAFETY_MOBILE: return "手机号码";
	case SAFETY_BANK_CARD: return "银行卡号";
	case SAFETY_ADDRESS: return "住址";
	case SAFETY_SENSITIVE: return "敏感词";
	case SAFETY_WRONG_TERM: return "严重表述错误";
	}
	return "未知";
}

static bool is_personal(enum safety_kind k)
{
	return k == SAFETY_ID_NUMBER || k == SAFETY_MOBILE || k == SAFETY_BANK_CARD || k == SAFETY_ADDRESS;
}

/* ------------------------------------------------------------------ */
/* characters                                                          */

/* The character at i (< n) and where the next one starts; BAD_CP for an
 * invalid byte (a real U+FFFD is three bytes). */
static uint32_t cp_at(const struct scan *k, size_t i, size_t *next)
{
	const char *cur = k->s + i;
	uint32_t c = utf8_next(&cur, k->s + k->n);

	*next = (size_t)(cur - k->s);
	return c == 0xFFFD && *next == i + 1 ? BAD_CP : c;
}

/* The character that ends at i (> 0) and where it starts. */
static uint32_t cp_before(const struct scan *k, size_t i, size_t *start)
{
	size_t j = i - 1, nx;
	uint32_t c;

	while (j > 0 && i - j < 4 && ((unsigned char)k->s[j] & 0xC0) == 0x80)
		j--;
	c = cp_at(k, j, &nx);
	if (nx != i || c == BAD_CP) {
		*start = i - 1;
		return BAD_CP;
	}
	*start = j;
	return c;
}

static int digit_val(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0xFF10 && c <= 0xFF19) /* full-width */
		return (int)(c - 0xFF10);
	return -1;
}

static bool is_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= 0xFF21 && c <= 0xFF3A) ||
	       (c >= 0xFF41 && c <= 0xFF5A);
}

static bool is_x(uint32_t c)
{
	return c == 'X' || c == 'x' || c == 0xFF38 || c == 0xFF58;
}

/* Between the groups of a number: one space or hyphen of any width. */
static bool is_num_sep(uint32_t c)
{
	return c == ' ' || c == '-' || c == 0xA0 || c == 0x3000 || c == 0xFF0D || (c >= 0x2010 && c <= 0x2013);
}

static bool is_han(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x2FFFF);
}

static bool in_list(uint32_t c, const uint32_t *list)
{
	for (; *list; list++)
		if (*list == c)
			return true;
	return false;
}

/* Does the text at i start with the UTF-8 literal lit? */
static bool at_lit(const struct scan *k, size_t i, const char *lit)
{
	size_t ln = strlen(lit);

	return k->n - i >= ln && !memcmp(k->s + i, lit, ln);
}

/* Does the text before i end with lit? */
static bool before_lit(const struct scan *k, size_t i, const char *lit)
{
	size_t ln = strlen(lit);

	return i >= ln && !memcmp(k->s + i - ln, lit, ln);
}

/* ------------------------------------------------------------------ */
/* raw findings                                                        */

static int by_place(const void *x, const void *y)
{
	const struct raw *p = x, *q = y;

	if (p->off != q->off)
		return p->off < q->off ? -1 : 1;
	if (p->len != q->len)
		return p->len > q->len ? -1 : 1;
	return (int)p->kind - (int)q->kind;
}

/* Sort, drop duplicates (same place and kind), keep at most max. */
static void tidy(struct scan *k, size_t max)
{
	size_t o = 0;

	if (k->nv > 1)
		qsort(k->v, k->nv, sizeof(*k->v), by_place);
	for (size_t i = 0; i < k->nv && o < max; i++)
		if (!o || by_place(&k->v[o - 1], &k->v[i]))
			k->v[o++] = k->v[i];
	k->nv = o;
}

static void add(struct scan *k, enum safety_kind kind, size_t off, size_t end, const char *hint)
{
	if (k->err)
		return;
	if (k->nv == k->cap) {
		size_t cap;
		struct raw *v;

		if (k->keep != SIZE_MAX && k->nv >= 4 * k->keep) {
			/* the first keep+1 by place are all that can be returned */
			tidy(k, k->keep + 1);
			if (k->nv < k->cap)
				goto append;
		}
		cap = k->cap ? 2 * k->cap : 64;
		if (!(v = arena_alloc(k->a, cap * sizeof(*v)))) {
			k->err = ERR_NOMEM;
			return;
		}
		if (k->nv)
			memcpy(v, k->v, k->nv * sizeof(*v));
		k->v = v;
		k->cap = cap;
	}
append:
	k->v[k->nv++] = (struct raw){ off, end - off, kind, hint };
}

/* ------------------------------------------------------------------ */
/* numbers                                                             */

struct group {
	size_t off, end;        /* bytes of the digits */
	size_t nd;              /* digits, possibly more than GROUP_DIGITS */
	int v[GROUP_DIGITS];
};

/* The digit run at i, and the runs after it that one separator joins:
 * at most max groups. */
static size_t read_groups(const struct scan *k, size_t i, struct group *g, size_t max)
{
	size_t ng = 0, nx, nx2;
	int d;

	while (ng < max && i < k->n) {
		struct group *cur = &g[ng];

		cur->off = i;
		cur->nd = 0;
		while (i < k->n && (d = digit_val(cp_at(k, i, &nx))) >= 0) {
			if (cur->nd < GROUP_DIGITS)
				cur->v[cur->nd] = d;
			cur->nd++;
			i = nx;
		}
		cur->end = i;
		if (!cur->nd)
			break;
		ng++;
		if (i >= k->n || !is_num_sep(cp_at(k, i, &nx)) || nx >= k->n || digit_val(cp_at(k, nx, &nx2)) < 0)
			break;
		i = nx;
	}
	return ng;
}

/* Nothing that would make the number at i part of something longer ends
 * right before it: a digit, a letter, or a decimal point after a digit. */
static bool num_left_ok(const struct scan *k, size_t i)
{
	size_t j, j2;
	uint32_t c;

	if (i == 0)
		return true;
	c = cp_before(k, i, &j);
	if (digit_val(c) >= 0 || is_letter(c))
		return false;
	return !((c == '.' || c == 0xFF0E) && j > 0 && digit_val(cp_before(k, j, &j2)) >= 0);
}

/* The same after a number that ends at e. */
static bool num_right_ok(const struct scan *k, size_t e)
{
	size_t nx, nx2;
	uint32_t c;

	if (e >= k->n)
		return true;
	c = cp_at(k, e, &nx);
	if (digit_val(c) >= 0 || is_letter(c))
		return false;
	return !((c == '.' || c == 0xFF0E) && nx < k->n && digit_val(cp_at(k, nx, &nx2)) >= 0);
}

/* GB 11643: v[17] is 10 for X. Region 1-8, a real birth date in
 * 1900-2099, the check character. */
static bool id_valid(const int *v)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const int check[11] = { 1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2 };
	int y = v[6] * 1000 + v[7] * 100 + v[8] * 10 + v[9], m = v[10] * 10 + v[11], d = v[12] * 10 + v[13];
	int sum = 0;

	if (v[0] < 1 || v[0] > 8 || y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
		return false;
	for (int i = 0; i < 17; i++)
		sum += v[i] * w[i];
	return check[sum % 11] == v[17];
}

static bool luhn(const int *v, size_t nd)
{
	int sum = 0;

	for (size_t i = 0; i < nd; i++) {
		int d = v[nd - 1 - i];

		if (i % 2) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

/* The digits of groups g[0..ng) into v (room for 20); false past 20. */
static bool gather(const struct group *g, size_t ng, int *v, size_t *nd)
{
	*nd = 0;
	for (size_t i = 0; i < ng; i++) {
		if (g[i].nd > GROUP_DIGITS || *nd + g[i].nd > 20)
			return false;
		memcpy(v + *nd, g[i].v, g[i].nd * sizeof(*v));
		*nd += g[i].nd;
	}
	return true;
}

static bool is_mobile(const int *v)
{
	return v[0] == 1 && v[1] >= 3;
}

/* A 身份证号码 at the run g[0]: contiguous, or 6-8-4 as the whole token.
 * Returns its end or 0. */
static size_t match_id(const struct scan *k, const struct group *g, size_t ng)
{
	int v[20];
	size_t nd, end = 0, nx;

	if (g[0].nd == 18 || g[0].nd == 17) {
		memcpy(v, g[0].v, g[0].nd * sizeof(*v));
		end = g[0].end;
		if (g[0].nd == 17) {
			if (end >= k->n || !is_x(cp_at(k, end, &nx)))
				return 0;
			v[17] = 10;
			end = nx;
		}
	} else if (ng >= 3 && g[0].nd == 6 && g[1].nd == 8 && (g[2].nd == 4 || g[2].nd == 3) &&
		   gather(g, 3, v, &nd)) {
		end = g[2].end;
		if (g[2].nd == 3) {
			if (end >= k->n || !is_x(cp_at(k, end, &nx)))
				return 0;
			v[17] = 10;
			end = nx;
		}
		if (ng > 3 && end == g[2].end)
			return 0; /* more groups follow */
	} else {
		return 0;
	}
	return num_right_ok(k, end) && id_valid(v) ? end : 0;
}

/* A mobile number's core (11 digits: contiguous, or 3-4-4 ending the
 * token) at g[0]; its end or 0. */
static size_t mobile_core(const struct scan *k, const struct group *g, size_t ng)
{
	int v[20];
	size_t nd;

	if (g[0].nd == 11 && is_mobile(g[0].v))
		return num_right_ok(k, g[0].end) ? g[0].end : 0;
	if (ng == 3 && g[0].nd == 3 && g[1].nd == 4 && g[2].nd == 4 && gather(g, 3, v, &nd) && is_mobile(v))
		return num_right_ok(k, g[2].end) ? g[2].end : 0;
	return 0;
}

static bool digits_are(const struct group *g, const char *lit)
{
	size_t ln = strlen(lit);

	if (g->nd < ln)
		return false;
	for (size_t i = 0; i < ln; i++)
		if (g->v[i] != lit[i] - '0')
			return false;
	return true;
}

/* A 手机号码 at the run starting at i (g read there), with a prefix +86,
 * 0086, 86 or (+86). Sets *start (the '+' or '(' when there is one);
 * returns the end or 0. */
static size_t match_mobile(const struct scan *k, size_t i, const struct group *g, size_t ng, size_t *start)
{
	size_t end, j, j2, p, nx;
	struct group g2[MAX_GROUPS];
	size_t ng2;
	bool plus = i > 0 && cp_before(k, i, &j) == '+';
	bool paren = plus && j > 0 && cp_before(k, j, &j2) == '(';

	*start = i;
	/* 86 / 0086 written together with the number */
	if ((g[0].nd == 13 && digits_are(&g[0], "86") && is_mobile(g[0].v + 2)) ||
	    (g[0].nd == 15 && digits_are(&g[0], "0086") && is_mobile(g[0].v + 4))) {
		if (!num_right_ok(k, g[0].end))
			return 0;
		*start = plus ? j : i;
		return g[0].end;
	}
	/* 86 / 0086 as a group of its own, then ")" and a separator at most */
	if ((g[0].nd == 2 && digits_are(&g[0], "86")) || (g[0].nd == 4 && digits_are(&g[0], "0086"))) {
		bool closed = false;

		p = g[0].end;
		if (paren && p < k->n && cp_at(k, p, &nx) == ')') {
			p = nx;
			closed = true;
		}
		if (p < k->n && is_num_sep(cp_at(k, p, &nx)))
			p = nx;
		if (p < k->n && digit_val(cp_at(k, p, &nx)) >= 0 && (ng2 = read_groups(k, p, g2, MAX_GROUPS)) &&
		    (end = mobile_core(k, g2, ng2))) {
			*start = closed ? j2 : plus ? j : i;
			return end;
		}
	}
	return mobile_core(k, g, ng);
}

/* A 银行卡号 at g[0]: 16-19 digits contiguous, or in groups of four (the
 * last 1-4) ending the token; first digit not 0, Luhn. */
static size_t match_card(const struct scan *k, const struct group *g, size_t ng)
{
	int v[20];
	size_t nd, take = 1, end;

	if (g[0].nd >= 16 && g[0].nd <= 19) {
		memcpy(v, g[0].v, g[0].nd * sizeof(*v));
		nd = g[0].nd;
		end = g[0].end;
	} else if (g[0].nd == 4) {
		size_t total = 4;

		while (take < ng && g[take].nd == 4 && total + 4 <= 19) {
			total += 4;
			take++;
		}
		if (take < ng && g[take].nd < 4 && total + g[take].nd <= 19) {
			total += g[take].nd;
			take++;
		}
		if (take < ng || total < 16 || take < 4 || !gather(g, take, v, &nd))
			return 0;
		end = g[take - 1].end;
	} else {
		return 0;
	}
	return v[0] != 0 && luhn(v, nd) && num_right_ok(k, end) ? end : 0;
}

static void scan_numbers(struct scan *k)
{
	struct group g[MAX_GROUPS];
	size_t i = 0, nx;

	while (i < k->n && !k->err) {
		size_t ng, start, end;
		uint32_t c = cp_at(k, i, &nx);

		if (digit_val(c) < 0) {
			i = nx;
			continue;
		}
		/* a run start: the character before is not a digit */
		ng = read_groups(k, i, g, MAX_GROUPS);
		if (!num_left_ok(k, i)) {
			i = g[0].end;
			continue;
		}
		if ((end = match_id(k, g, ng))) {
			add(k, SAFETY_ID_NUMBER, i, end, NULL);
		} else if ((end = match_mobile(k, i, g, ng, &start))) {
			add(k, SAFETY_MOBILE, start, end, NULL);
		} else if ((end = match_card(k, g, ng))) {
			add(k, SAFETY_BANK_CARD, i, end, NULL);
		} else {
			i = g[0].end;
			continue;
		}
		i = end;
	}
}

/* ------------------------------------------------------------------ */
/* addresses                                                           */

/* Keywords an address of a person follows (longer ones first where one
 * begins another). */
static const char *const ADDR_KEYS[] = {
	"家庭住址", "住址", "家住", "现住", "现居", "居住地", "户籍所在地", "户籍地", NULL,
};
/* May stand between a keyword and the address. */
static const uint32_t ADDR_GLUE[] = { 0xFF1A /* ： */, ':', ' ', 0x3000, 0x662F /* 是 */, 0x5728 /* 在 */,
				      0x4E3A /* 为 */, 0x4E8E /* 于 */, 0 };
/* 省 市 区 县 镇 乡 路 街 巷 (村 is also a house-level part) */
static const uint32_t PLACE_PARTS[] = { 0x7701, 0x5E02, 0x533A, 0x53BF, 0x9547, 0x4E61, 0x8DEF, 0x8857, 0x5DF7, 0 };
/* 号 室 弄 栋 幢 组, after a numeral */
static const uint32_t HOUSE_PARTS[] = { 0x53F7, 0x5BA4, 0x5F04, 0x680B, 0x5E62, 0x7EC4, 0 };
/* 一二三四五六七八九十百千零〇两 */
static const uint32_t NUMERALS[] = { 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D,
				     0x5341, 0x767E, 0x5343, 0x96F6, 0x3007, 0x4E24, 0 };
/* After a name, and before an address that follows it. */
static const uint32_t NAME_ENDS[] = { 0xFF0C /* ， */, ',', ' ', 0x3000, 0xFF08 /* （ */, '(', 0xFF1A, ':',
				      0x3001 /* 、 */, '\t', 0 };
/* An address after a name does not cross a sentence. */
static const uint32_t SENTENCE_ENDS[] = { 0x3002, 0xFF1B, ';', 0xFF01, 0xFF1F, '!', '?', '\n', '\r', 0 };
#define CP_ZHU 0x4F4F  /* 住 */
#define CP_CUN 0x6751  /* 村 */

/* The most common single-character surnames. */
static const char SURNAMES[] =
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
	"沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
	"向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
	"毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
	"麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
	"明佘池查麻苑迟邝";
static const char *const COMPOUND_SURNAMES[] = {
	"欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "令狐", "慕容", "夏侯", "尉迟", "长孙", "宇文", NULL,
};
/* Labels a name may follow directly (当事人张三): any "…人", and these. */
static const char *const NAME_LABELS[] = { "人", "姓名", "户主", "学生", "家长", "业主", "名字", NULL };

static int by_cp(const void *x, const void *y)
{
	uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;

	return p < q ? -1 : p > q;
}

static int load_surnames(struct scan *k)
{
	const char *cur = SURNAMES, *end = SURNAMES + sizeof(SURNAMES) - 1;

	if (!(k->surnames = arena_alloc(k->a, sizeof(SURNAMES) / 3 * sizeof(uint32_t))))
		return ERR_NOMEM;
	while (cur < end)
		k->surnames[k->nsurnames++] = utf8_next(&cur, end);
	qsort(k->surnames, k->nsurnames, sizeof(uint32_t), by_cp);
	return 0;
}

struct addr {
	size_t end;             /* 0: not an address */
	int parts, houses;      /* place and house-level parts up to end */
};

/* The address-like run at q, cut after its last house-level part or,
 * without one, its last place part. */
static struct addr read_address(const struct scan *k, size_t q)
{
	struct addr house = { 0 }, place = { 0 };
	int parts = 0, houses = 0, cps = 0;
	uint32_t prev = 0;
	size_t i = q, nx;

	while (i < k->n && cps < ADDR_MAX_CPS) {
		uint32_t c = cp_at(k, i, &nx);
		bool numeral = digit_val(prev) >= 0 || in_list(prev, NUMERALS);

		if (!(is_han(c) || digit_val(c) >= 0 || (is_letter(c) && c != '_') || c == '-' || c == '#' ||
		      c == 0xFF0D || c == 0xFF03))
			break;
		if (at_lit(k, i, "街道") || at_lit(k, i, "大道") || at_lit(k, i, "小区")) {
			c = cp_at(k, i + 3, &nx);
			cps++;
			place = (struct addr){ nx, ++parts, houses };
		} else if (at_lit(k, i, "单元") && numeral) {
			c = cp_at(k, i + 3, &nx);
			cps++;
			house = (struct addr){ nx, ++parts, ++houses };
		} else if ((in_list(c, HOUSE_PARTS) && numeral) || c == CP_CUN) {
			house = (struct addr){ nx, ++parts, ++houses };
		} else if (in_list(c, PLACE_PARTS)) {
			place = (struct addr){ nx, ++parts, houses };
		}
		prev = c;
		i = nx;
		cps++;
	}
	return house.end ? house : place;
}

/* (a): after a keyword. */
static void address_after_key(struct scan *k, size_t i)
{
	for (const char *const *key = ADDR_KEYS; *key; key++) {
		size_t q, nx;
		struct addr r;

		if (!at_lit(k, i, *key))
			continue;
		q = i + strlen(*key);
		for (int g = 0; g < 3 && q < k->n && in_list(cp_at(k, q, &nx), ADDR_GLUE); g++)
			q = nx;
		r = read_address(k, q);
		if (r.end && r.parts >= 2)
			add(k, SAFETY_ADDRESS, q, r.end, NULL);
		return;
	}
}

static bool is_addr_key(const struct scan *k, size_t i)
{
	for (const char *const *key = ADDR_KEYS; *key; key++)
		if (at_lit(k, i, *key))
			return true;
	return false;
}

/* A person-like name at i: a surname and one or two Han characters,
 * then one of NAME_ENDS; not after a Han character unless after a label.
 * Returns where the name ends, or 0. */
static size_t name_at(const struct scan *k, size_t i)
{
	size_t p1 = 0, p2, p3, p4, j;
	uint32_t c, c2;

	for (const char *const *cs = COMPOUND_SURNAMES; *cs && !p1; cs++)
		if (at_lit(k, i, *cs))
			p1 = i + strlen(*cs);
	if (!p1) {
		c = cp_at(k, i, &p1);
		if (!bsearch(&c, k->surnames, k->nsurnames, sizeof(uint32_t), by_cp))
			return 0;
	}
	if (p1 >= k->n || !is_han(cp_at(k, p1, &p2)) || p2 >= k->n)
		return 0;
	c2 = cp_at(k, p2, &p3);
	if (in_list(c2, NAME_ENDS))
		p4 = p2;
	else if (is_han(c2) && p3 < k->n && in_list(cp_at(k, p3, &p4), NAME_ENDS))
		p4 = p3;
	else
		return 0;
	if (i > 0 && is_han(cp_before(k, i, &j))) {
		bool label = false;

		for (const char *const *l = NAME_LABELS; *l && !label; l++)
			label = before_lit(k, i, *l);
		if (!label)
			return 0;
	}
	return p4;
}

/* (b): within NAME_WINDOW_CPS after a name ending at e, in one sentence,
 * after a separator or 住: an address with a house-level part. */
static void address_after_name(struct scan *k, size_t e)
{
	size_t q = e, nx, j;

	for (int cps = 0; q < k->n && cps <= NAME_WINDOW_CPS; cps++) {
		uint32_t c = cp_at(k, q, &nx), prev;

		if (in_list(c, SENTENCE_ENDS))
			return;
		prev = q > 0 ? cp_before(k, q, &j) : 0;
		if (q > e && (in_list(prev, NAME_ENDS) || prev == CP_ZHU) && c != CP_ZHU && !is_addr_key(k, q)) {
			struct addr r = read_address(k, q);

			if (r.end && r.houses >= 1 && r.parts >= 2) {
				add(k, SAFETY_ADDRESS, q, r.end, NULL);
				return;
			}
		}
		q = nx;
	}
}

static void scan_addresses(struct scan *k)
{
	size_t i = 0, nx, e;

	while (i < k->n && !k->err) {
		uint32_t c = cp_at(k, i, &nx);

		if (is_han(c)) {
			address_after_key(k, i);
			if ((e = name_at(k, i)))
				address_after_name(k, e);
		}
		i = nx;
	}
}

/* ------------------------------------------------------------------ */
/* word lists: Aho-Corasick over bytes, ASCII letters folded            */

struct ac {
	uint32_t *child, *sib, *fail, *dict, *out;  /* per node; 0 = none (node 0 is the root) */
	unsigned char *byte;
	uint32_t root[256];
	uint32_t nn;
	uint32_t *wnext;        /* per word: the next word (index + 1) ending at the same node */
};

static unsigned char fold(unsigned char b)
{
	return b >= 'A' && b <= 'Z' ? (unsigned char)(b - 'A' + 'a') : b;
}

static uint32_t ac_child(const struct ac *m, uint32_t node, unsigned char b)
{
	if (!node)
		return m->root[b];
	for (uint32_t x = m->child[node]; x; x = m->sib[x])
		if (m->byte[x] == b)
			return x;
	return 0;
}

static bool word_usable(const struct safety_word *w)
{
	return w->word && *w->word && utf8_valid(w->word, strlen(w->word)) && !strpbrk(w->word, "\r\n");
}

static int ac_build(struct arena *a, const struct safety_words *ws, struct ac *m, size_t *maxlen)
{
	size_t total = 1, head = 0, tail = 0;
	uint32_t *queue;

	memset(m, 0, sizeof(*m));
	*maxlen = 0;
	for (size_t i = 0; i < ws->n; i++) {
		if (!word_usable(&ws->v[i]))
			continue;
		size_t ln = strlen(ws->v[i].word);

		total += ln;
		if (ln > *maxlen)
			*maxlen = ln;
		if (total > UINT32_MAX / 2)
			return ERR_TOO_LARGE;
	}
	m->child = arena_zalloc(a, total * sizeof(uint32_t));
	m->sib = arena_zalloc(a, total * sizeof(uint32_t));
	m->fail = arena_zalloc(a, total * sizeof(uint32_t));
	m->dict = arena_zalloc(a, total * sizeof(uint32_t));
	m->out = arena_zalloc(a, total * sizeof(uint32_t));
	m->byte = arena_zalloc(a, total);
	m->wnext = arena_zalloc(a, (ws->n ? ws->n : 1) * sizeof(uint32_t));
	queue = arena_alloc(a, total * sizeof(uint32_t));
	if (!m->child || !m->sib || !m->fail || !m->dict || !m->out || !m->byte || !m->wnext || !queue)
		return ERR_NOMEM;
	m->nn = 1;
	for (size_t i = 0; i < ws->n; i++) {
		uint32_t node = 0;

		if (!word_usable(&ws->v[i]))
			continue;
		for (const unsigned char *p = (const unsigned char *)ws->v[i].word; *p; p++) {
			unsigned char b = fold(*p);
			uint32_t x = ac_child(m, node, b);

			if (!x) {
				x = m->nn++;
				m->byte[x] = b;
				if (node) {
					m->sib[x] = m->child[node];
					m->child[node] = x;
				} else {
					m->root[b] = x;
				}
			}
			node = x;
		}
		m->wnext[i] = m->out[node];
		m->out[node] = (uint32_t)i + 1;
	}
	/* failure links, breadth first */
	for (int b = 0; b < 256; b++)
		if (m->root[b])
			queue[tail++] = m->root[b];
	while (head < tail) {
		uint32_t v = queue[head++];

		for (uint32_t u = m->child[v]; u; u = m->sib[u]) {
			uint32_t f = m->fail[v], x;

			for (;;) {
				if ((x = ac_child(m, f, m->byte[u]))) {
					m->fail[u] = x;
					break;
				}
				if (!f) {
					m->fail[u] = 0;
					break;
				}
				f = m->fail[f];
			}
			m->dict[u] = m->out[m->fail[u]] ? m->fail[u] : m->dict[m->fail[u]];
			queue[tail++] = u;
		}
	}
	return 0;
}

static bool ci_eq(const char *p, const char *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold((unsigned char)p[i]) != fold((unsigned char)q[i]))
			return false;
	return true;
}

/* A wrong form that is part of its own correct form ("十八大以来" in
 * "党的十八大以来") is not an error where the correct form is written. */
static bool inside_hint(const struct scan *k, size_t start, const char *word, const char *hint)
{
	size_t wn = strlen(word), hn = strlen(hint);

	for (size_t j = 0; j + wn <= hn; j++)
		if (ci_eq(hint + j, word, wn) && start >= j && start - j + hn <= k->n &&
		    ci_eq(k->s + start - j, hint, hn))
			return true;
	return false;
}

static void scan_words(struct scan *k, const struct safety_words *ws)
{
	struct ac m;
	size_t maxlen, ring_n = 1, fed = 0;
	size_t *ring;
	uint32_t state = 0;
	int rc;

	if (!ws || !ws->n)
		return;
	if ((rc = ac_build(k->a, ws, &m, &maxlen))) {
		k->err = rc;
		return;
	}
	if (!maxlen)
		return;
	while (ring_n < maxlen)
		ring_n *= 2;
	if (!(ring = arena_alloc(k->a, ring_n * sizeof(*ring)))) {
		k->err = ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < k->n && !k->err; i++) {
		unsigned char b = (unsigned char)k->s[i];

		/* a line break inside a phrase (PDF text) does not hide it */
		if (b == '\n' || b == '\r')
			continue;
		b = fold(b);
		ring[fed++ & (ring_n - 1)] = i;
		for (;;) {
			uint32_t x = ac_child(&m, state, b);

			if (x) {
				state = x;
				break;
			}
			if (!state)
				break;
			state = m.fail[state];
		}
		for (uint32_t t = m.out[state] ? state : m.dict[state]; t; t = m.dict[t]) {
			for (uint32_t w = m.out[t]; w; w = m.wnext[w - 1]) {
				const struct safety_word *sw = &ws->v[w - 1];
				size_t start = ring[(fed - strlen(sw->word)) & (ring_n - 1)];
				bool wrong = sw->kind == SAFETY_WRONG_TERM;

				if (wrong && sw->hint && inside_hint(k, start, sw->word, sw->hint))
					continue;
				add(k, wrong ? SAFETY_WRONG_TERM : SAFETY_SENSITIVE, start, i + 1, wrong ? sw->hint : NULL);
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* the word list file                                                  */

static bool has_control(struct str s)
{
	for (const char *cur = s.p, *end = s.p + s.n; cur < end;) {
		uint32_t c = utf8_next(&cur, end);

		if (c < 0x20 || c == 0x7F)
			return true;
	}
	return false;
}

static const char *check_word(struct arena *a, size_t line, struct str w, const char *what)
{
	if (!w.n)
		return arena_printf(a, "词表第 %zu 行：%s是空的。", line, what);
	if (w.n > SAFETY_WORD_MAX)
		return arena_printf(a, "词表第 %zu 行：%s太长（不超过 %d 字节）。", line, what, SAFETY_WORD_MAX);
	if (has_control(w))
		return arena_printf(a, "词表第 %zu 行：%s含有控制字符。", line, what);
	return NULL;
}

struct widx {
	const struct safety_word *w;
	size_t i;
};

static int by_word(const void *x, const void *y)
{
	const struct widx *p = x, *q = y;
	int c = (int)p->w->kind - (int)q->w->kind;

	if (!c)
		c = strcmp(p->w->word, q->w->word);
	if (!c)
		c = p->i < q->i ? -1 : p->i > q->i;
	return c;
}

/* Keep the first of each (kind, word), in the order of the file. */
static int dedupe_words(struct arena *a, struct safety_words *ws)
{
	struct widx *ix;
	bool *drop;
	size_t o = 0;

	if (ws->n < 2)
		return 0;
	ix = arena_alloc(a, ws->n * sizeof(*ix));
	drop = arena_zalloc(a, ws->n);
	if (!ix || !drop)
		return ERR_NOMEM;
	for (size_t i = 0; i < ws->n; i++)
		ix[i] = (struct widx){ &ws->v[i], i };
	qsort(ix, ws->n, sizeof(*ix), by_word);
	for (size_t i = 1; i < ws->n; i++)
		if (ix[i].w->kind == ix[i - 1].w->kind && !strcmp(ix[i].w->word, ix[i - 1].w->word))
			drop[ix[i].i] = true;
	for (size_t i = 0; i < ws->n; i++)
		if (!drop[i])
			ws->v[o++] = ws->v[i];
	ws->n = o;
	return 0;
}

int safety_words_parse(struct arena *a, const char *text, struct safety_words *out, const char **err)
{
	const char *p = text ? text : "", *end, *bad = NULL;
	size_t lines = 0, line = 0;

	*out = (struct safety_words){ NULL, 0 };
	*err = NULL;
	end = p + strlen(p);
	if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (const char *q = p; q < end; q++)
		lines += *q == '\n';
	if (!(out->v = arena_alloc(a, (lines + 1) * sizeof(*out->v))))
		return ERR_NOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		struct str f[4];
		size_t nf = 0;
		struct str s = { p, (size_t)(e - p) };
		struct safety_word w = { SAFETY_SENSITIVE, NULL, NULL };

		line++;
		p = nl ? nl + 1 : end;
		if (s.n && s.p[s.n - 1] == '\r')
			s.n--;
		if (!utf8_valid(s.p, s.n)) {
			bad = arena_printf(a, "词表第 %zu 行不是 UTF-8 编码的文字，请以 UTF-8 保存词表。", line);
			goto fail;
		}
		if (!str_trim(s).n || str_trim(s).p[0] == '#')
			continue;
		/* fields separated by TAB */
		for (const char *c = s.p, *se = s.p + s.n; nf < 4;) {
			const char *tab = memchr(c, '\t', (size_t)(se - c)), *fe = tab ? tab : se;

			f[nf++] = str_trim((struct str){ c, (size_t)(fe - c) });
			if (!tab)
				break;
			c = tab + 1;
		}
		if (nf == 1) {
			bad = check_word(a, line, f[0], "敏感词");
			w.word = arena_strndup(a, f[0].p, f[0].n);
		} else if (str_eq_c(f[0], "敏感词")) {
			if (nf != 2)
				bad = arena_printf(a, "词表第 %zu 行：“敏感词”后面应只有一个词（用 TAB 分隔）。", line);
			else if (!(bad = check_word(a, line, f[1], "敏感词")))
				w.word = arena_strndup(a, f[1].p, f[1].n);
		} else if (str_eq_c(f[0], "错误") || str_eq_c(f[0], "严重表述错误")) {
			w.kind = SAFETY_WRONG_TERM;
			if (nf != 3)
				bad = arena_printf(a, "词表第 %zu 行：“错误”后面应是错误表述和正确表述两项（用 TAB 分隔）。",
						   line);
			else if (!(bad = check_word(a, line, f[1], "错误表述")) &&
				 !(bad = check_word(a, line, f[2], "正确表述"))) {
				if (str_eq(f[1], f[2]))
					bad = arena_printf(a, "词表第 %zu 行：错误表述与正确表述相同。", line);
				w.word = arena_strndup(a, f[1].p, f[1].n);
				w.hint = arena_strndup(a, f[2].p, f[2].n);
			}
		} else {
			size_t cut = f[0].n > 60 ? 60 : f[0].n;

			while (cut < f[0].n && cut > 0 && ((unsigned char)f[0].p[cut] & 0xC0) == 0x80)
				cut--;
			bad = arena_printf(a, "词表第 %zu 行：类别应为“敏感词”或“错误”，而不是“%.*s”。", line, (int)cut,
					   f[0].p);
		}
		if (bad)
			goto fail;
		if (!w.word || (w.kind == SAFETY_WRONG_TERM && !w.hint))
			goto nomem;
		out->v[out->n++] = w;
	}
	if (dedupe_words(a, out))
		goto nomem;
	if (!out->n)
		out->v = NULL;
	return 0;
fail:
	*out = (struct safety_words){ NULL, 0 };
	if (!bad)
		return ERR_NOMEM;
	*err = bad;
	return ERR_INVALID;
nomem:
	*out = (struct safety_words){ NULL, 0 };
	return ERR_NOMEM;
}

/* ------------------------------------------------------------------ */
/* masks                                                               */

static void put_cp(struct buf *b, uint32_t c)
{
	char tmp[4];

	buf_append(b, tmp, utf8_put(tmp, c));
}

/* Room for s with every character replaced by up to 4 bytes, plus extra. */
static struct buf mask_buf(struct arena *a, const char *s, size_t extra)
{
	struct buf b;

	buf_init(&b, a, 4 * strlen(s) + extra + 1);
	return b;
}

static const char *mask_done(struct buf *b)
{
	const char *s = buf_cstr(b);

	return b->err ? NULL : s;
}

/* Number of characters (an invalid byte counts as one). */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (const char *cur = s, *end = s + strlen(s); cur < end; n++)
		(void)utf8_next(&cur, end);
	return n;
}

/* Keep the first head and last tail characters, '*' for the rest. */
static const char *mask_keep(struct arena *a, const char *s, size_t head, size_t tail)
{
	size_t n = chars(s), i = 0;
	struct buf b = mask_buf(a, s, 0);

	for (const char *cur = s, *end = s + strlen(s); cur < end; i++) {
		uint32_t c = utf8_next(&cur, end);

		if (i < head || i + tail >= n)
			put_cp(&b, c);
		else
			buf_putc(&b, '*');
	}
	return mask_done(&b);
}

/* Digits masked by their index among the digits: with at least many
 * digits the first head and last tail kept, else the last 2 (none when
 * only one); everything else kept where it is. */
static const char *mask_digits(struct arena *a, const char *s, size_t many, size_t head, size_t tail)
{
	size_t digits = 0, i = 0;
	struct buf b;

	for (const char *cur = s, *end = s + strlen(s); cur < end;)
		digits += digit_val(utf8_next(&cur, end)) >= 0;
	if (digits < many) {
		head = 0;
		tail = digits >= 2 ? 2 : 0;
	}
	b = mask_buf(a, s, 0);
	for (const char *cur = s, *end = s + strlen(s); cur < end;) {
		uint32_t c = utf8_next(&cur, end);

		if (digit_val(c) >= 0) {
			if (i < head || i + tail >= digits)
				put_cp(&b, c);
			else
				buf_putc(&b, '*');
			i++;
		} else {
			put_cp(&b, c);
		}
	}
	return mask_done(&b);
}

const char *safety_mask_id_number(struct arena *a, const char *s)
{
	size_t n;

	if (!s || !*s)
		return "";
	n = chars(s);
	if (n >= 6)
		return mask_keep(a, s, 3, 2);
	return mask_keep(a, s, n >= 3 ? 1 : 0, 0); /* too short to show 5 */
}

const char *safety_mask_mobile(struct arena *a, const char *s)
{
	if (!s || !*s)
		return "";
	/* 3 + 4 kept needs at least 11 digits (a mobile number) to hide enough */
	return mask_digits(a, s, 11, 3, 4);
}

const char *safety_mask_bank_card(struct arena *a, const char *s)
{
	if (!s || !*s)
		return "";
	return mask_digits(a, s, 9, 4, 4);
}

const char *safety_mask_name(struct arena *a, const char *s)
{
	if (!s || !*s)
		return "";
	return mask_keep(a, s, 1, 0);
}

const char *safety_mask_address(struct arena *a, const char *s)
{
	struct buf b;
	size_t i = 0;

	if (!s || !*s)
		return "";
	b = mask_buf(a, s, 4);
	for (const char *cur = s, *end = s + strlen(s); cur < end && i < 6; i++)
		put_cp(&b, utf8_next(&cur, end));
	buf_puts(&b, "***");
	return mask_done(&b);
}

static const char *mask_kind(struct arena *a, enum safety_kind kind, const char *match)
{
	switch (kind) {
	case SAFETY_ID_NUMBER: return safety_mask_id_number(a, match);
	case SAFETY_MOBILE: return safety_mask_mobile(a, match);
	case SAFETY_BANK_CARD: return safety_mask_bank_card(a, match);
	case SAFETY_ADDRESS: return safety_mask_address(a, match);
	case SAFETY_SENSITIVE:
	case SAFETY_WRONG_TERM: break;
	}
	return match;
}

/* ------------------------------------------------------------------ */
/* findings                                                            */

/* (p, n) re-encoded: invalid bytes as U+FFFD; NULL on ERR_NOMEM. */
static const char *clean_copy(struct arena *a, const char *p, size_t n)
{
	struct buf b;

	buf_init(&b, a, 3 * n + 1);
	for (const char *cur = p, *end = p + n; cur < end;)
		put_cp(&b, utf8_next(&cur, end));
	return mask_done(&b);
}

/* Characters [from, to) for a context line: controls as spaces. */
static void put_plain(struct buf *b, const struct scan *k, size_t from, size_t to)
{
	size_t nx;

	for (size_t i = from; i < to; i = nx) {
		uint32_t c = cp_at(k, i, &nx);

		put_cp(b, c == BAD_CP ? 0xFFFD : c < 0x20 || c == 0x7F ? ' ' : c);
	}
}

static void put_stars(struct buf *b, const struct scan *k, size_t from, size_t to)
{
	size_t nx;

	for (size_t i = from; i < to; i = nx) {
		(void)cp_at(k, i, &nx);
		buf_putc(b, '*');
	}
}

/* The text around f with every personal-data finding masked. pd holds the
 * personal-data findings in order of offset, none longer than maxpd. */
static const char *context(const struct scan *k, const struct safety_finding *f,
			   const struct safety_finding *const *pd, size_t npd, size_t maxpd)
{
	size_t ws = f->off, we = f->off + f->len, cur, lo = 0, hi = npd, nx;
	struct buf b;

	for (int i = 0; i < CONTEXT_CPS && ws > 0; i++)
		(void)cp_before(k, ws, &ws);
	for (int i = 0; i < CONTEXT_CPS && we < k->n; i++) {
		(void)cp_at(k, we, &nx);
		we = nx;
	}
	buf_init(&b, k->a, 4 * (we - ws) + 8 * maxpd + 64);
	/* the first that may reach into the window */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pd[mid]->off + maxpd < ws)
			lo = mid + 1;
		else
			hi = mid;
	}
	cur = ws;
	for (size_t i = lo; i < npd && pd[i]->off < we; i++) {
		size_t gend = pd[i]->off + pd[i]->len;

		if (gend <= cur)
			continue;
		if (pd[i]->off >= cur) {
			put_plain(&b, k, cur, pd[i]->off);
			buf_puts(&b, pd[i]->masked);
		} else {
			put_stars(&b, k, cur, gend);
		}
		cur = gend;
	}
	if (cur < we)
		put_plain(&b, k, cur, we);
	return mask_done(&b);
}

static int materialize(struct scan *k, struct safety_finding **out)
{
	struct safety_finding *f;
	const struct safety_finding **pd;
	size_t npd = 0, maxpd = 0;

	if (!k->nv)
		return 0;
	f = arena_zalloc(k->a, k->nv * sizeof(*f));
	pd = arena_alloc(k->a, k->nv * sizeof(*pd));
	if (!f || !pd)
		return ERR_NOMEM;
	for (size_t i = 0; i < k->nv; i++) {
		const struct raw *r = &k->v[i];

		f[i].kind = r->kind;
		f[i].off = r->off;
		f[i].len = r->len;
		if (!(f[i].match = clean_copy(k->a, k->s + r->off, r->len)) ||
		    !(f[i].masked = mask_kind(k->a, r->kind, f[i].match)) ||
		    (r->hint && !(f[i].hint = arena_strdup(k->a, r->hint))))
			return ERR_NOMEM;
		if (is_personal(r->kind)) {
			pd[npd++] = &f[i];
			if (r->len > maxpd)
				maxpd = r->len;
		}
	}
	for (size_t i = 0; i < k->nv; i++)
		if (!(f[i].context = context(k, &f[i], pd, npd, maxpd)))
			return ERR_NOMEM;
	*out = f;
	return 0;
}

static int scan_init(struct scan *k, struct arena *a, const char *text, size_t n, size_t keep)
{
	*k = (struct scan){ .a = a, .s = text ? text : "", .n = text ? n : 0, .keep = keep };
	return load_surnames(k);
}

int safety_scan(struct arena *a, const char *text, size_t n, const struct safety_words *words,
		struct safety_finding **out, size_t *count)
{
	struct scan k;
	bool over;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = scan_init(&k, a, text, n, SAFETY_MAX_FINDINGS)))
		return rc;
	scan_numbers(&k);
	scan_addresses(&k);
	scan_words(&k, words);
	if (k.err)
		return k.err;
	tidy(&k, SAFETY_MAX_FINDINGS + 1);
	over = k.nv > SAFETY_MAX_FINDINGS;
	if (over)
		k.nv = SAFETY_MAX_FINDINGS;
	if ((rc = materialize(&k, out))) {
		*out = NULL;
		return rc;
	}
	*count = k.nv;
	return over ? ERR_TOO_LARGE : 0;
}

const char *safety_mask_text(struct arena *a, const char *text, size_t n)
{
	struct scan k;
	struct buf b;
	size_t cur = 0;

	if (scan_init(&k, a, text, n, SIZE_MAX))
		return NULL;
	scan_numbers(&k);
	scan_addresses(&k);
	if (k.err)
		return NULL;
	tidy(&k, SIZE_MAX);
	buf_init(&b, a, k.n + 8 * k.nv + 1);
	for (size_t i = 0; i < k.nv; i++) {
		const struct raw *r = &k.v[i];
		size_t rend = r->off + r->len;
		const char *m;

		if (rend <= cur)
			continue;
		if (r->off >= cur) {
			buf_append(&b, k.s + cur, r->off - cur);
			if (!(m = clean_copy(a, k.s + r->off, r->len)) || !(m = mask_kind(a, r->kind, m)))
				return NULL;
			buf_puts(&b, m);
		} else {
			put_stars(&b, &k, cur, rend);
		}
		cur = rend;
	}
	buf_append(&b, k.s + cur, k.n - cur);
	return mask_done(&b);
}
