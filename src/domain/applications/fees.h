/* fees.h - the 信息处理费 of 《政府信息公开信息处理费管理办法》
 * (国办函〔2020〕109号): 按件计收 (第四条) and 按量计收 (第五条), both
 * computed progressively (超额累进, 第三条), and at most one of them for a
 * given application (第三条: 不得同时按照两种标准重复计算).
 *
 * Pure arithmetic: no store, no HTTP, no clock. Amounts are whole yuan in a
 * long long (every tier is a whole number of yuan). Whether a fee may be
 * charged at all (条例第四十二条: 数量、频次明显超过合理范围), how the 件
 * of a month are counted (一事一申请 splitting, which applicant) and how
 * pages are counted from the material are the caller's decisions; the
 * spec fixes a page as one A4 side. 减免 are not modelled (unverified). */
#ifndef GK_DOMAIN_APPLICATIONS_FEES_H
#define GK_DOMAIN_APPLICATIONS_FEES_H

struct arena;

enum {
	/* The applicant pays within 20 working days counted from the day
	 * after receiving the fee notice (收到收费通知次日起20个工作日内);
	 * unpaid, the application counts as withdrawn (视为放弃申请). Verified
	 * only through 四川省 implementing notice of 2021-01-18. The date
	 * arithmetic belongs to the deadline engine, not here. */
	FEE_PAY_WORKDAYS = 20,
	/* Input bounds. Beyond them the input is a bug or garbage, not a
	 * real month or a real request, and is refused with ERR_INVALID.
	 * They also keep every amount far from overflow: the month total at
	 * FEE_K_MAX is about 5e10 yuan, 40 * FEE_PAGES_MAX is 4e9 yuan. */
	FEE_K_MAX = 100000,         /* applications by one applicant in a month */
	FEE_PAGES_MAX = 100000000,  /* pages for one application */
};

/* The standard chosen for one application (第三条: 选择适用其中一种标准). */
enum fee_standard {
	FEE_NONE = 0,     /* no fee */
	FEE_PER_ITEM = 1, /* 按件计收 */
	FEE_PER_PAGE = 2, /* 按量计收 */
};

/* 按件计收: the fee in yuan of the k-th application of an applicant in a
 * natural month (k counts this one, 1-based): 0 for k <= 10, 100 for
 * 11-30, then 100 more per band of 10 (31-40: 200, 41-50: 300, ...).
 * ERR_INVALID (and *yuan untouched) unless 1 <= k <= FEE_K_MAX. */
int fees_per_item(int k, long long *yuan);

/* 按件计收: the month's total in yuan for n applications, that is the sum
 * of fees_per_item(k) for k = 1..n (closed form, not a loop). n = 0 is an
 * empty month (0 yuan), so the fee of an application that counts as m 件
 * after split is total(k + m - 1) - total(k - 1). ERR_INVALID (and *yuan
 * untouched) unless 0 <= n <= FEE_K_MAX. */
int fees_per_item_total(int n, long long *yuan);

/* 按量计收: the fee in yuan for pages pages (one page = one A4 side):
 * pages 1-30 free, 31-100 at 10, 101-200 at 20, above 200 at 40 yuan per
 * page, each rate applying only to the pages in its band. 0 pages cost 0.
 * ERR_INVALID (and *yuan untouched) unless 0 <= pages <= FEE_PAGES_MAX. */
int fees_per_page(long long pages, long long *yuan);

/* The fee of one application under the one standard chosen for it:
 * FEE_NONE gives 0, FEE_PER_ITEM uses only k_in_month (as fees_per_item),
 * FEE_PER_PAGE uses only pages (as fees_per_page); the argument the
 * standard does not use is ignored, never added. ERR_INVALID (and *yuan
 * untouched) for an unknown standard or an input out of its bounds. */
int fees_compute(enum fee_standard std, int k_in_month, long long pages, long long *yuan);

/* The Chinese name of a standard for notices and lists ("按件计收",
 * "按量计收", "不收费"; static storage), or NULL for an unknown value. */
const char *fees_standard_name(enum fee_standard std);

/* An amount as a fee notice writes it: "人民币 1,200 元" (ASCII digits,
 * thousands separated by ","). *out is arena memory. ERR_INVALID for a
 * negative amount, ERR_NOMEM when the arena fails; *out is NULL on error. */
int fees_format(struct arena *a, long long yuan, const char **out);

#endif
