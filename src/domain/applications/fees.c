/* fees.c - see fees.h. */
#include "domain/applications/fees.h"

#include <assert.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/banned.h"

/* 第四条: 10 free 件 a month, 11-30 at 100 yuan, then bands of 10 each
 * 100 yuan dearer than the one before. */
enum {
	ITEM_FREE = 10,     /* k <= 10: 不收费 */
	ITEM_BASE_END = 30, /* 11-30: the first paid tier */
	ITEM_BASE_FEE = 100,
	ITEM_BAND = 10,     /* 31 以上: 以10件为一档 */
	ITEM_STEP = 100,    /* 每增加一档, 提高100元/件 */
};

/* 第五条: the page bands and their per-page rates. */
enum {
	PAGE_FREE = 30,
	PAGE_T1_END = 100, /* 31-100 */
	PAGE_T1_FEE = 10,
	PAGE_T2_END = 200, /* 101-200 */
	PAGE_T2_FEE = 20,
	PAGE_T3_FEE = 40,  /* 201 以上 */
};

/* No amount can overflow within the bounds: a month total is at most
 * n * fees_per_item(n) <= n * (10 * n + 200), a page fee at most 40 per page. */
_Static_assert((long long)FEE_K_MAX * (10LL * FEE_K_MAX + 200) < 1000000000000000000LL,
	       "FEE_K_MAX too large for a long long month total");
_Static_assert((long long)FEE_PAGES_MAX * PAGE_T3_FEE < 1000000000000000000LL,
	       "FEE_PAGES_MAX too large for a long long page fee");

int fees_per_item(int k, long long *yuan)
{
	assert(yuan);
	if (k < 1 || k > FEE_K_MAX)
		return ERR_INVALID;
	if (k <= ITEM_FREE)
		*yuan = 0;
	else if (k <= ITEM_BASE_END)
		*yuan = ITEM_BASE_FEE;
	else /* band 1 is 31-40, band 2 is 41-50, ... */
		*yuan = ITEM_BASE_FEE +
			(long long)ITEM_STEP * ((k - ITEM_BASE_END + ITEM_BAND - 1) / ITEM_BAND);
	return 0;
}

int fees_per_item_total(int n, long long *yuan)
{
	long long total, full, rest;

	assert(yuan);
	if (n < 0 || n > FEE_K_MAX)
		return ERR_INVALID;
	if (n <= ITEM_FREE) {
		*yuan = 0;
		return 0;
	}
	if (n <= ITEM_BASE_END) {
		*yuan = (long long)ITEM_BASE_FEE * (n - ITEM_FREE);
		return 0;
	}
	total = (long long)ITEM_BASE_FEE * (ITEM_BASE_END - ITEM_FREE);
	/* full bands b = 1..full each hold ITEM_BAND 件 at BASE + STEP * b;
	 * the rest sit in band full + 1 */
	full = (n - ITEM_BASE_END) / ITEM_BAND;
	rest = (n - ITEM_BASE_END) % ITEM_BAND;
	total += ITEM_BAND * (ITEM_BASE_FEE * full + ITEM_STEP * (full * (full + 1) / 2));
	total += rest * (ITEM_BASE_FEE + ITEM_STEP * (full + 1));
	*yuan = total;
	return 0;
}

/* The number of pages of [1, pages] that fall in the band (lo, hi]. */
static long long pages_in(long long pages, long long lo, long long hi)
{
	if (pages <= lo)
		return 0;
	return (pages < hi ? pages : hi) - lo;
}

int fees_per_page(long long pages, long long *yuan)
{
	assert(yuan);
	if (pages < 0 || pages > FEE_PAGES_MAX)
		return ERR_INVALID;
	*yuan = PAGE_T1_FEE * pages_in(pages, PAGE_FREE, PAGE_T1_END) +
		PAGE_T2_FEE * pages_in(pages, PAGE_T1_END, PAGE_T2_END) +
		PAGE_T3_FEE * pages_in(pages, PAGE_T2_END, FEE_PAGES_MAX);
	return 0;
}

int fees_compute(enum fee_standard std, int k_in_month, long long pages, long long *yuan)
{
	assert(yuan);
	switch (std) {
	case FEE_NONE:
		*yuan = 0;
		return 0;
	case FEE_PER_ITEM:
		return fees_per_item(k_in_month, yuan);
	case FEE_PER_PAGE:
		return fees_per_page(pages, yuan);
	}
	return ERR_INVALID;
}

const char *fees_standard_name(enum fee_standard std)
{
	switch (std) {
	case FEE_NONE:
		return "不收费";
	case FEE_PER_ITEM:
		return "按件计收";
	case FEE_PER_PAGE:
		return "按量计收";
	}
	return NULL;
}

int fees_format(struct arena *a, long long yuan, const char **out)
{
	char digits[32]; /* 19 digits and 6 separators at most */
	size_t i = sizeof(digits) - 1;
	unsigned long long v;
	int group = 0;

	*out = NULL;
	if (yuan < 0)
		return ERR_INVALID;
	v = (unsigned long long)yuan;
	digits[i] = '\0';
	do {
		if (group == 3) {
			digits[--i] = ',';
			group = 0;
		}
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
		group++;
	} while (v);
	*out = arena_printf(a, "人民币 %s 元", digits + i);
	return *out ? 0 : ERR_NOMEM;
}
