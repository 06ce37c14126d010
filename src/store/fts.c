/* fts.c - the "gk" FTS5 tokenizer, the MATCH builder and the snippet helper.
 *
 * Design (see fts.h for the contract):
 *
 * Recall comes from overlapping CJK bigrams, not from word segmentation: a
 * substring of two or more CJK characters is always a run of consecutive
 * bigrams in the document, whatever a segmenter would have made of it, so
 * a quoted phrase of the query's bigrams finds it. The one trap is the
 * single character that ends each run: a query run that ends the query
 * must not ask for it, because in the document the run may go on (the
 * document has the bigram c(k)c(k+1) at that position, not c(k) alone).
 * So query mode drops it for runs of 2+ characters; fts_match_expr turns a
 * query of one lone character into a prefix ("教"* matches 教 and every
 * 教X) and drops a lone final character after other tokens (see put_term).
 *
 * Dictionary words are a ranking signal on top: the words of 3+ characters
 * of a segmentation of the run are emitted colocated with the bigram they
 * start at, and a query term that is one such word also asks for it, so a
 * document where 教育局 is a word ranks above one where the three
 * characters only meet across words. The first design ran friso's own
 * segmenter (friso_task + config->next_token) over every run. It was
 * replaced for two reasons, measured on Debian's friso 1.6.4:
 *
 *  1. Speed. On realistic government text, one core: complex (mmseg) mode
 *     segments 1.4 MB/s of CJK text, simple mode 10 MB/s. 1,000,000 items
 *     of ~600 characters are ~1.8 GB: ~21 minutes (complex) or ~3 minutes
 *     (simple) of segmentation alone, against an import budget of 3
 *     minutes for everything.
 *  2. Threads. next_mmseg_token() writes into dictionary entries shared by
 *     all tasks ("lex->offset = task->idx - lex->rlen" in friso.c, also
 *     for synonym and CE-mixed entries), so two threads segmenting at once
 *     race on them: every call would need one process-wide mutex.
 *
 * So friso only loads its configuration and dictionary. fts_ctx_new copies
 * the CJK words of 2..friso.max_len characters into a compact hash set with
 * a filter on their first two characters, frees friso, and the run is
 * segmented here by reverse maximum matching over that set. On 20,000 lines
 * of real Chinese text this finds 98.8% of the 3+ character words friso's
 * complex mode finds (96.3% of its words are friso's). The whole tokenizer
 * runs at ~65 MB/s of Chinese text with the words and ~200 MB/s without;
 * the words add ~4% to the index. The set is read-only after fts_ctx_new,
 * so a shared fts_ctx needs no lock.
 */
#include "fts.h"

#include <stdbool.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <friso/friso.h>
#include <sqlite3.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/banned.h"

#define FTS_DEFAULT_INI "/etc/friso/friso.ini"
#define ASCII_TOK_MAX 64      /* bytes kept of an ASCII token */
#define WORD_MAX_CHARS 8      /* longest dictionary word looked up */

/* The dictionary words of 2..word_max CJK characters, in an open-addressing
 * hash set, plus a bit filter keyed by a word's first two characters and
 * its length: most (bigram, length) pairs start no word, and the filter
 * answers those without touching the set. Built once from friso's
 * dictionary, then read-only. */
struct fts_ctx {
	uint64_t *filter;       /* FILTER_BITS bits */
	uint64_t *slot;         /* hash << 32 | (pool offset + 1); 0 empty */
	size_t mask;            /* number of slots - 1 */
	char *pool;             /* words: length byte, then the bytes */
	size_t nwords;
	size_t word_max;        /* longest word, in chars (0: no words) */
	uint64_t fingerprint;   /* of the word set, see fts_dict_fingerprint */
};

#define FILTER_BITS 21   /* 256 KiB */

/* ---- characters ---------------------------------------------------- */

enum cls { CLS_SEP, CLS_ALNUM, CLS_CJK };

static inline bool is_cjk(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||    /* unified ideographs */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||    /* extension A */
	       (cp >= 0x20000 && cp <= 0x3FFFF) ||  /* extensions B-H */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||    /* compatibility */
	       cp == 0x3007 ||                      /* 〇 as in 二〇二〇年 */
	       (cp >= 0x3040 && cp <= 0x30FF && cp != 0x30FB) || /* kana, not ・ */
	       (cp >= 0xAC00 && cp <= 0xD7AF);      /* Hangul syllables */
}

/* Class of cp after normalisation; for CLS_ALNUM, *c is the lower-case
 * ASCII letter or digit it stands for. */
static inline enum cls classify(uint32_t cp, char *c)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0; /* full-width ASCII form */
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			*c = (char)cp;
			return CLS_ALNUM;
		}
		if (cp >= 'A' && cp <= 'Z') {
			*c = (char)(cp + ('a' - 'A'));
			return CLS_ALNUM;
		}
		return CLS_SEP;
	}
	return is_cjk(cp) ? CLS_CJK : CLS_SEP;
}

/* Decode one code point at *cur (< end) and advance; invalid UTF-8 gives
 * U+FFFD (a separator) and advances one byte. */
static inline uint32_t next_cp(const char **cur, const char *end)
{
	unsigned char b = (unsigned char)**cur;

	if (b < 0x80) {
		(*cur)++;
		return b;
	}
	return utf8_next(cur, end);
}

/* Byte length of the CJK character at p. Valid only inside a CJK run, where
 * every character is a valid 3-byte (BMP) or 4-byte (plane 2/3) sequence. */
static inline size_t cjk_len(const char *p)
{
	return (unsigned char)*p >= 0xF0 ? 4 : 3;
}

/* A maximal run of ASCII letters/digits or of CJK characters. */
struct run {
	bool cjk;
	size_t start, end;      /* bytes [start, end) in the text */
	size_t nchars;          /* CJK: characters in the run */
	size_t tn;              /* ASCII: bytes in tok */
	char tok[ASCII_TOK_MAX];/* ASCII: normalised token, capped */
};

/* Find the first run at or after byte *pos of p[0..n) and advance *pos to
 * its end. Returns false, with *pos = n, when only separators remain. */
static bool run_next(const char *p, size_t n, size_t *pos, struct run *r)
{
	const char *end = p + n, *cur = p + *pos, *at;
	enum cls k = CLS_SEP;
	char c = 0;

	while (k == CLS_SEP) {
		if (cur >= end) {
			*pos = n;
			return false;
		}
		at = cur;
		k = classify(next_cp(&cur, end), &c);
	}
	r->cjk = k == CLS_CJK;
	r->start = (size_t)(at - p);
	r->nchars = 0;
	r->tn = 0;
	for (;;) {
		if (r->cjk)
			r->nchars++;
		else if (r->tn < ASCII_TOK_MAX)
			r->tok[r->tn++] = c;
		at = cur;
		if (cur >= end || classify(next_cp(&cur, end), &c) != k)
			break;
	}
	r->end = (size_t)(at - p);
	*pos = r->end;
	return true;
}

/* ---- tokenizer ----------------------------------------------------- */

typedef int (*tok_cb)(void *ud, int colocated, const char *tok, size_t tn,
		      size_t start, size_t end);

struct sink {
	const struct fts_ctx *ctx;
	int flags;
	tok_cb cb;
	void *ud;
};

/* ---- dictionary words ------------------------------------------- */

/* FNV-1a, extended one chunk at a time. */
#define HASH_INIT 0xcbf29ce484222325ULL

static inline uint64_t hash_more(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Filter bit for words of len characters whose first two hash to h2. */
static inline uint64_t filter_bit(uint64_t h2, size_t len)
{
	return ((h2 ^ len) * 0x9E3779B97F4A7C15ULL) >> (64 - FILTER_BITS);
}

static inline bool filter_has(const struct fts_ctx *ctx, uint64_t h2, size_t len)
{
	uint64_t b = filter_bit(h2, len);

	return (ctx->filter[b >> 6] >> (b & 63)) & 1;
}

/* True when p/nb, whose hash is h, is in the word set. */
static bool set_has(const struct fts_ctx *ctx, const char *p, size_t nb, uint64_t h)
{
	uint64_t tag = h >> 32;

	for (size_t i = h & ctx->mask;; i = (i + 1) & ctx->mask) {
		uint64_t v = ctx->slot[i];
		const char *w;

		if (!v)
			return false;
		if (v >> 32 != tag)
			continue;
		w = ctx->pool + (v & 0xFFFFFFFF) - 1;
		if ((unsigned char)w[0] == nb && memcmp(w + 1, p, nb) == 0)
			return true;
	}
}

/* True when the CJK string p/nb of nchars characters is a word of 3+. */
static bool dict_has(const struct fts_ctx *ctx, const char *p, size_t nb, size_t nchars)
{
	size_t n2;
	uint64_t h2;

	if (!ctx || nchars < 3 || nchars > ctx->word_max)
		return false;
	n2 = cjk_len(p);
	n2 += cjk_len(p + n2);
	h2 = hash_more(HASH_INIT, p, n2);
	return filter_has(ctx, h2, nchars) && set_has(ctx, p, nb, hash_more(h2, p + n2, nb - n2));
}

#define SEG_CHUNK 256   /* characters segmented at a time */

/* Segment the cn characters at byte offsets off[0..cn] (off[i] is where
 * character i starts, off[cn] where the last ends) by reverse maximum
 * matching over the dictionary: from the end, take the longest word that
 * ends there (or one character). wl[i] gets the length of the word that
 * starts at character i if it has 3+ characters, else 0. Reverse matching
 * is what friso's simple mode does forwards, and gets more cases right in
 * Chinese (各有关单位: 各/有关单位, where forward gives 各有/关/单位). */
static void segment(const struct fts_ctx *ctx, const char *text, const size_t *off, size_t cn,
		    unsigned char *wl)
{
	uint64_t h2[SEG_CHUNK]; /* h2[i]: hash of characters i and i+1 */

	memset(wl, 0, cn);
	for (size_t i = 0; i + 1 < cn; i++)
		h2[i] = hash_more(HASH_INIT, text + off[i], off[i + 2] - off[i]);
	for (size_t j = cn; j > 0;) {
		size_t lim = j < ctx->word_max ? j : ctx->word_max, best = 1;

		for (size_t len = lim; len >= 2; len--) {
			size_t i = j - len;

			if (filter_has(ctx, h2[i], len) &&
			    set_has(ctx, text + off[i], off[j] - off[i],
				    hash_more(h2[i], text + off[i + 2], off[j] - off[i + 2]))) {
				best = len;
				break;
			}
		}
		if (best >= 3)
			wl[j - best] = (unsigned char)best;
		j -= best;
	}
}

/* Emit the positions of CJK run r of text[0..n): bigrams and the final
 * character; with FTS_TOK_WORDS also the words of 3+ characters of the
 * run's segmentation, each colocated with the bigram it starts at. Runs
 * are segmented SEG_CHUNK characters at a time, so a word across a chunk
 * boundary (in runs over 256 characters without punctuation) is lost. */
static int emit_cjk(const struct sink *s, const char *text, size_t n, const struct run *r)
{
	bool words = (s->flags & FTS_TOK_WORDS) && s->ctx && s->ctx->nwords;
	bool query = (s->flags & FTS_TOK_QUERY) && !(s->flags & FTS_TOK_WORDS);
	size_t off[SEG_CHUNK + 2];
	unsigned char wl[SEG_CHUNK];
	size_t o = r->start;
	int rc = 0;

	for (size_t base = 0; base < r->nchars; base += SEG_CHUNK) {
		size_t cn = r->nchars - base < SEG_CHUNK ? r->nchars - base : SEG_CHUNK;
		size_t more = base + cn < r->nchars; /* one look-ahead char */

		off[0] = o;
		for (size_t i = 0; i < cn + more; i++)
			off[i + 1] = off[i] + cjk_len(text + off[i]);
		if (words)
			segment(s->ctx, text, off, cn, wl);
		for (size_t i = 0; i < cn; i++) {
			size_t k = base + i;

			if (k + 1 < r->nchars)
				rc = s->cb(s->ud, 0, text + off[i], off[i + 2] - off[i], off[i], off[i + 2]);
			else if (!query || r->nchars == 1 || r->end < n)
				rc = s->cb(s->ud, 0, text + off[i], off[i + 1] - off[i], off[i], off[i + 1]);
			if (!rc && words && wl[i])
				rc = s->cb(s->ud, 1, text + off[i], off[i + wl[i]] - off[i], off[i],
					   off[i + wl[i]]);
			if (rc)
				return rc;
		}
		o = off[cn];
	}
	return 0;
}

int fts_tokenize(struct fts_ctx *ctx, const char *text, size_t n, int flags,
		 int (*cb)(void *ud, int colocated, const char *tok, size_t tn,
			   size_t start, size_t end),
		 void *ud)
{
	struct sink s = { ctx, flags, cb, ud };
	struct run r;
	size_t pos = 0;
	int rc;

	if (!text || n == 0)
		return 0;
	/* "=" + one CJK run: the whole-word token of fts_match_expr */
	if ((flags & FTS_TOK_QUERY) && !(flags & FTS_TOK_WORDS) && text[0] == '=') {
		pos = 1;
		if (run_next(text, n, &pos, &r) && r.cjk && r.start == 1 && r.end == n)
			return cb(ud, 0, text + 1, n - 1, 1, n);
		pos = 0;
	}
	while (run_next(text, n, &pos, &r)) {
		if (r.cjk)
			rc = emit_cjk(&s, text, n, &r);
		else
			rc = cb(ud, 0, r.tok, r.tn, r.start, r.end);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- FTS5 glue ----------------------------------------------------- */

struct gk_tokenizer {
	struct fts_ctx *ctx;
};

struct gk_xtoken {
	void *pctx;
	int (*xtoken)(void *, int, const char *, int, int, int);
};

static int gk_token_cb(void *ud, int colocated, const char *tok, size_t tn,
		       size_t start, size_t end)
{
	struct gk_xtoken *x = ud;

	return x->xtoken(x->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, (int)tn,
			 (int)start, (int)end);
}

static int gk_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct gk_tokenizer *t;

	*out = NULL;
	if (argc > 0)
		return SQLITE_ERROR; /* "gk" takes no options */
	t = sqlite3_malloc(sizeof(*t));
	if (!t)
		return SQLITE_NOMEM;
	t->ctx = user;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void gk_delete(Fts5Tokenizer *tok)
{
	sqlite3_free(tok);
}

/* Documents get the colocated words. Queries get query mode. AUX (used by
 * snippet() and highlight()) gets neither: those skip colocated tokens,
 * so the dictionary lookups would be wasted. */
static int gk_tokenize(Fts5Tokenizer *tok, void *pctx, int flags, const char *text,
		       int n, int (*xtoken)(void *, int, const char *, int, int, int))
{
	struct gk_tokenizer *t = (struct gk_tokenizer *)tok;
	struct gk_xtoken x = { pctx, xtoken };
	int f = 0;

	if (n <= 0 || !text)
		return SQLITE_OK;
	if (flags & FTS5_TOKENIZE_DOCUMENT)
		f = FTS_TOK_WORDS;
	else if (flags & FTS5_TOKENIZE_QUERY)
		f = FTS_TOK_QUERY;
	return fts_tokenize(t->ctx, text, (size_t)n, f, gk_token_cb, &x);
}

/* gk_titlehit(tbl [, col ...]): 1 if any query phrase occurs in one of the
 * given columns (default 0 and 1), else 0. */
static void gk_titlehit(const Fts5ExtensionApi *api, Fts5Context *fts,
			sqlite3_context *sctx, int nval, sqlite3_value **val)
{
	unsigned long mask = 0x3;
	int nphrase, col, rc = SQLITE_OK;
	Fts5PhraseIter it;

	if (nval > 0) {
		mask = 0;
		for (int i = 0; i < nval; i++) {
			int c = sqlite3_value_int(val[i]);

			if (c >= 0 && c < 32)
				mask |= 1UL << c;
		}
	}
	nphrase = api->xPhraseCount(fts);
	for (int i = 0; i < nphrase && rc == SQLITE_OK; i++) {
		rc = api->xPhraseFirstColumn(fts, i, &it, &col);
		while (rc == SQLITE_OK && col >= 0) {
			if (col < 32 && (mask & (1UL << col))) {
				sqlite3_result_int(sctx, 1);
				return;
			}
			api->xPhraseNextColumn(fts, &it, &col);
		}
	}
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(sctx, rc);
	else
		sqlite3_result_int(sctx, 0);
}

/* gk_bm25(tbl, w0, w1, ...): FTS5's bm25() (k1 = 1.2, b = 0.75, column
 * weights as arguments, lower is better) with two differences that keep a
 * search's cost bounded on a large index:
 *  - a phrase's document frequency (for its IDF) is counted only when the
 *    phrase first occurs in a column of non-zero weight, so the filter
 *    phrases of the scope column (weight 0, every item matches "o<org>")
 *    are never counted;
 *  - the count stops at BM25_DF_CAP documents. bm25() walks the whole
 *    doclist of every phrase, which for a common term of a million items
 *    costs tens of milliseconds. Past the cap the IDF is that of the cap:
 *    very common terms weigh a little more than bm25() would give them.
 */
#define BM25_DF_CAP 20000
#define BM25_K1 1.2
#define BM25_B 0.75

struct bm25_q {
	int nphrase;
	double avgdl;
	double nrow;
	double *idf;     /* per phrase; < 0 until counted */
};

static int bm25_count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ud)
{
	long long *n = ud;

	(void)api;
	(void)fts;
	return ++*n >= BM25_DF_CAP ? SQLITE_DONE : SQLITE_OK;
}

static void bm25_q_free(void *p)
{
	struct bm25_q *q = p;

	if (q)
		sqlite3_free(q->idf);
	sqlite3_free(q);
}

static int bm25_q_get(const Fts5ExtensionApi *api, Fts5Context *fts, struct bm25_q **out)
{
	struct bm25_q *q = api->xGetAuxdata(fts, 0);
	sqlite3_int64 nrow = 0, ntok = 0;
	int rc;

	if (q) {
		*out = q;
		return SQLITE_OK;
	}
	q = sqlite3_malloc(sizeof(*q));
	if (!q)
		return SQLITE_NOMEM;
	q->nphrase = api->xPhraseCount(fts);
	q->idf = sqlite3_malloc64(sizeof(double) * (size_t)(q->nphrase > 0 ? q->nphrase : 1));
	if (!q->idf) {
		sqlite3_free(q);
		return SQLITE_NOMEM;
	}
	for (int i = 0; i < q->nphrase; i++)
		q->idf[i] = -1.0;
	if ((rc = api->xRowCount(fts, &nrow)) == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntok);
	q->nrow = (double)(nrow > 0 ? nrow : 1);
	q->avgdl = (double)ntok / q->nrow;
	if (q->avgdl <= 0)
		q->avgdl = 1;
	if (rc == SQLITE_OK)
		rc = api->xSetAuxdata(fts, q, bm25_q_free);
	else
		bm25_q_free(q);
	if (rc == SQLITE_OK)
		*out = q;
	return rc;
}

static void gk_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *sctx, int nval,
		    sqlite3_value **val)
{
	struct bm25_q *q = NULL;
	double freq[64] = { 0 }, score = 0, dl;
	int ninst = 0, dlen = 0, rc;

	if ((rc = bm25_q_get(api, fts, &q)) == SQLITE_OK)
		rc = api->xInstCount(fts, &ninst);
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ph, col, off;
		double w;

		if ((rc = api->xInst(fts, i, &ph, &col, &off)) != SQLITE_OK)
			break;
		w = col < nval ? sqlite3_value_double(val[col]) : 1.0;
		if (w != 0.0 && ph < 64)
			freq[ph] += w;
	}
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &dlen);
	dl = (double)dlen;
	for (int ph = 0; rc == SQLITE_OK && ph < q->nphrase && ph < 64; ph++) {
		if (freq[ph] == 0)
			continue;
		if (q->idf[ph] < 0) {
			long long n = 0;

			rc = api->xQueryPhrase(fts, ph, &n, bm25_count_cb);
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
			q->idf[ph] = log((q->nrow - (double)n + 0.5) / ((double)n + 0.5));
			if (q->idf[ph] <= 0)
				q->idf[ph] = 1e-6;
		}
		score += q->idf[ph] * (freq[ph] * (BM25_K1 + 1)) /
			 (freq[ph] + BM25_K1 * (1 - BM25_B + BM25_B * dl / q->avgdl));
	}
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(sctx, rc);
	else
		sqlite3_result_double(sctx, -score);
}

/* gk_snippet() and gk_highlight(): snippet() and highlight() for
 * overlapping tokens. The built-in ones (SQLite 3.40) assume a token starts
 * after the previous one ended; with bigrams, two matches at adjacent
 * positions (query 教育局 局长 on 教育局长, or 哈哈 on 哈哈哈) make them copy
 * the rest of the column into the output. Here every phrase instance is
 * turned into the byte range from the start of its first token to the end
 * of its last, and overlapping or touching ranges are merged before the
 * markers are written, so each marker pair encloses whole characters. */

struct aux_doc {
	const char *z;          /* column text (owned by FTS5) */
	int n;
	int npos, cap;
	int *pos;               /* [2*i], [2*i+1]: byte range of position i */
};

struct aux_span {
	int start, end;         /* bytes */
	int ipos, phrase;       /* first position, phrase number */
};

static int aux_pos_cb(void *ud, int tflags, const char *tok, int ntok, int start, int end)
{
	struct aux_doc *d = ud;

	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (d->npos == d->cap) {
		int cap = d->cap ? 2 * d->cap : 256;
		int *p = sqlite3_realloc64(d->pos, (sqlite3_uint64)cap * 2 * sizeof(int));

		if (!p)
			return SQLITE_NOMEM;
		d->pos = p;
		d->cap = cap;
	}
	d->pos[2 * d->npos] = start;
	d->pos[2 * d->npos + 1] = end;
	d->npos++;
	return SQLITE_OK;
}

/* Load column col of the current row into d (text and token positions).
 * d->pos must be freed with sqlite3_free even on error. */
static int aux_load(const Fts5ExtensionApi *api, Fts5Context *fts, int col, struct aux_doc *d)
{
	int rc;

	d->z = NULL;
	d->n = 0;
	d->npos = 0;
	rc = api->xColumnText(fts, col, &d->z, &d->n);
	if (rc == SQLITE_OK && d->z && d->n > 0)
		rc = api->xTokenize(fts, d->z, d->n, d, aux_pos_cb);
	return rc;
}

static int span_cmp(const void *a, const void *b)
{
	const struct aux_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* The phrase instances of column col as byte ranges of d, sorted, into
 * *out (sqlite3_malloc'd, caller frees) and *nout. */
static int aux_spans(const Fts5ExtensionApi *api, Fts5Context *fts, int col,
		     const struct aux_doc *d, struct aux_span **out, int *nout)
{
	struct aux_span *s = NULL;
	int ninst = 0, k = 0, rc;

	*out = NULL;
	*nout = 0;
	rc = api->xInstCount(fts, &ninst);
	if (rc != SQLITE_OK || ninst <= 0 || d->npos == 0)
		return rc;
	s = sqlite3_malloc64((sqlite3_uint64)ninst * sizeof(*s));
	if (!s)
		return SQLITE_NOMEM;
	for (int i = 0; i < ninst; i++) {
		int ip, ic, io, last;

		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc != SQLITE_OK)
			break;
		last = io + api->xPhraseSize(fts, ip) - 1;
		if (ic != col || io < 0 || last < io || last >= d->npos)
			continue;
		s[k].start = d->pos[2 * io];
		s[k].end = d->pos[2 * last + 1];
		s[k].ipos = io;
		s[k].phrase = ip;
		k++;
	}
	if (rc != SQLITE_OK) {
		sqlite3_free(s);
		return rc;
	}
	qsort(s, (size_t)k, sizeof(*s), span_cmp);
	*out = s;
	*nout = k;
	return SQLITE_OK;
}

/* Append d's bytes [from, to) to out, marking the parts covered by the
 * sorted spans s[0..ns), merged where they overlap or touch. */
static void aux_render(sqlite3_str *out, const struct aux_doc *d, int from, int to,
		       const struct aux_span *s, int ns, const char *open, const char *close)
{
	int cur = from;

	for (int i = 0; i < ns;) {
		int a = s[i].start, b = s[i].end;

		for (i++; i < ns && s[i].start <= b; i++)
			if (s[i].end > b)
				b = s[i].end;
		if (a < from)
			a = from;
		if (b > to)
			b = to;
		if (a >= b || a < cur)
			continue;
		sqlite3_str_append(out, d->z + cur, a - cur);
		sqlite3_str_appendall(out, open);
		sqlite3_str_append(out, d->z + a, b - a);
		sqlite3_str_appendall(out, close);
		cur = b;
	}
	if (to > cur)
		sqlite3_str_append(out, d->z + cur, to - cur);
}

static const char *aux_text(sqlite3_value *v)
{
	const char *z = (const char *)sqlite3_value_text(v);

	return z ? z : "";
}

static void aux_result(sqlite3_context *sctx, sqlite3_str *out, int rc)
{
	char *z;

	if (rc == SQLITE_OK)
		rc = sqlite3_str_errcode(out);
	z = sqlite3_str_finish(out);
	if (rc != SQLITE_OK) {
		sqlite3_free(z);
		sqlite3_result_error_code(sctx, rc);
		return;
	}
	if (z)
		sqlite3_result_text(sctx, z, -1, sqlite3_free);
	else
		sqlite3_result_text(sctx, "", 0, SQLITE_STATIC);
}

/* gk_highlight(tbl, col, open, close): the whole column with every match
 * between open and close. */
static void gk_highlight(const Fts5ExtensionApi *api, Fts5Context *fts,
			 sqlite3_context *sctx, int nval, sqlite3_value **val)
{
	struct aux_doc d = { 0 };
	struct aux_span *s = NULL;
	sqlite3_str *out;
	int ns = 0, rc, col;

	if (nval != 3) {
		sqlite3_result_error(sctx, "wrong number of arguments to gk_highlight()", -1);
		return;
	}
	col = sqlite3_value_int(val[0]);
	if (col < 0 || col >= api->xColumnCount(fts)) {
		sqlite3_result_error(sctx, "gk_highlight(): no such column", -1);
		return;
	}
	out = sqlite3_str_new(NULL);
	rc = aux_load(api, fts, col, &d);
	if (rc == SQLITE_OK)
		rc = aux_spans(api, fts, col, &d, &s, &ns);
	if (rc == SQLITE_OK && d.z)
		aux_render(out, &d, 0, d.n, s, ns, aux_text(val[1]), aux_text(val[2]));
	aux_result(sctx, out, rc);
	sqlite3_free(s);
	sqlite3_free(d.pos);
}

/* Score of the window of ntok positions that the span s[j] starts, as
 * FTS5's snippet() does: 1000 for each phrase seen first, 1 for repeats;
 * *last gets the last position with a match in the window. */
static int window_score(const struct aux_span *s, int ns, int j, int ntok,
			unsigned char *seen, int nphrase, int *last)
{
	int score = 0;

	memset(seen, 0, (size_t)nphrase);
	*last = s[j].ipos;
	for (int i = j; i < ns; i++) {
		if (s[i].ipos < s[j].ipos || s[i].ipos >= s[j].ipos + ntok)
			continue;
		if (s[i].phrase >= 0 && s[i].phrase < nphrase) {
			score += seen[s[i].phrase] ? 1 : 1000;
			seen[s[i].phrase] = 1;
		}
		if (s[i].ipos > *last)
			*last = s[i].ipos;
	}
	return score;
}

#define SNIPPET_MAX_TOKENS 256
#define SNIPPET_MAX_CANDIDATES 64

/* Pass 1 of a snippet, over one column: the window of ntok positions of d
 * around the most matches, among the windows the first spans start. When
 * it scores above *best, *best and *w0 (its first position) are updated. */
static void snippet_pick(const struct aux_doc *d, const struct aux_span *s, int ns, int ntok,
			 unsigned char *seen, int nphrase, int *best, int *w0)
{
	for (int j = 0; j < ns && j < SNIPPET_MAX_CANDIDATES; j++) {
		int last, w;
		int score = window_score(s, ns, j, ntok, seen, nphrase, &last);

		if (score <= *best)
			continue;
		/* centre the matches in the window */
		w = s[j].ipos - (ntok - (last + 1 - s[j].ipos)) / 2;
		if (w + ntok > d->npos)
			w = d->npos - ntok;
		if (w < 0)
			w = 0;
		*best = score;
		*w0 = w;
	}
}

/* Pass 2: the window of ntok positions of d from position w0, with
 * ellipsis where text was cut and the spans s marked. */
static void snippet_render(sqlite3_str *out, const struct aux_doc *d, const struct aux_span *s, int ns,
			   int w0, int ntok, const char *open, const char *close, const char *ellipsis)
{
	int w1 = w0 + ntok - 1, from = 0, to = d->n;

	if (!d->z)
		return;
	if (d->npos > 0 && w0 > 0)
		from = d->pos[2 * w0];
	if (d->npos > 0 && w1 < d->npos - 1)
		to = d->pos[2 * w1 + 1];
	/* do not cut a match that starts inside the window */
	for (int i = 0; i < ns; i++)
		if (s[i].start >= from && s[i].start < to && s[i].end > to)
			to = s[i].end;
	if (from > 0)
		sqlite3_str_appendall(out, ellipsis);
	aux_render(out, d, from, to, s, ns, open, close);
	if (to < d->n)
		sqlite3_str_appendall(out, ellipsis);
}

/* gk_snippet(tbl, col, open, close, ellipsis, ntokens): like snippet(): a
 * window of about ntokens positions (characters, for Chinese) of column
 * col (-1: the column with the best window) around the most matches, with
 * ellipsis where text was cut and matches between open and close. */
static void gk_snippet(const Fts5ExtensionApi *api, Fts5Context *fts,
		       sqlite3_context *sctx, int nval, sqlite3_value **val)
{
	struct aux_doc d = { 0 };
	struct aux_span *s = NULL;
	unsigned char *seen = NULL;
	sqlite3_str *out = NULL;
	int ns = 0, rc = SQLITE_OK, icol, ntok, ncol, nphrase;
	int best = -1, best_col = 0, best_w0 = 0;

	if (nval != 5) {
		sqlite3_result_error(sctx, "wrong number of arguments to gk_snippet()", -1);
		return;
	}
	icol = sqlite3_value_int(val[0]);
	ntok = sqlite3_value_int(val[4]);
	if (ntok < 1)
		ntok = 1;
	if (ntok > SNIPPET_MAX_TOKENS)
		ntok = SNIPPET_MAX_TOKENS;
	ncol = api->xColumnCount(fts);
	nphrase = api->xPhraseCount(fts);
	seen = sqlite3_malloc(nphrase > 0 ? nphrase : 1);
	out = sqlite3_str_new(NULL);
	if (!seen) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	/* pass 1: the best window over the candidate columns */
	for (int c = 0; c < ncol && rc == SQLITE_OK; c++) {
		int before;

		if (icol >= 0 && c != icol)
			continue;
		rc = aux_load(api, fts, c, &d);
		if (rc == SQLITE_OK)
			rc = aux_spans(api, fts, c, &d, &s, &ns);
		if (rc != SQLITE_OK)
			break;
		if (best < 0) { /* a column without matches still gives text */
			best = 0;
			best_col = c;
			best_w0 = 0;
		}
		before = best;
		snippet_pick(&d, s, ns, ntok, seen, nphrase, &best, &best_w0);
		if (best != before)
			best_col = c;
		sqlite3_free(s);
		s = NULL;
	}
	if (rc != SQLITE_OK || best < 0)
		goto out;
	/* pass 2: render it */
	rc = aux_load(api, fts, best_col, &d);
	if (rc == SQLITE_OK)
		rc = aux_spans(api, fts, best_col, &d, &s, &ns);
	if (rc == SQLITE_OK)
		snippet_render(out, &d, s, ns, best_w0, ntok, aux_text(val[1]), aux_text(val[2]),
			       aux_text(val[3]));
out:
	aux_result(sctx, out, rc);
	sqlite3_free(s);
	sqlite3_free(d.pos);
	sqlite3_free(seen);
}

static const char sql_fts5_api[] = "SELECT fts5(?1)";

int fts_register(struct sqlite3 *db, struct fts_ctx *ctx)
{
	fts5_tokenizer gk = { gk_create, gk_delete, gk_tokenize }; /* copied by FTS5 */
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql_fts5_api, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return err_log(ERR_DB, "fts: FTS5 is not available: %s", sqlite3_errmsg(db));
	rc = api->xCreateTokenizer(api, FTS_TOKENIZER, ctx, &gk, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "gk_titlehit", NULL, gk_titlehit, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "gk_bm25", NULL, gk_bm25, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "gk_snippet", NULL, gk_snippet, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "gk_highlight", NULL, gk_highlight, NULL);
	if (rc != SQLITE_OK)
		return err_log(ERR_DB, "fts: register: %s", sqlite3_errstr(rc));
	return 0;
}

/* ---- context ------------------------------------------------------- */

/* Number of characters of w (NUL-terminated) if it is all CJK, else 0. */
static size_t cjk_word_chars(const char *w)
{
	const char *cur = w, *end = w + strlen(w);
	size_t k = 0;
	char c;

	while (cur < end) {
		if (classify(next_cp(&cur, end), &c) != CLS_CJK)
			return 0;
		k++;
	}
	return k;
}

/* Copy the CJK words of 2..word_max characters of friso's loaded dictionary
 * into ctx's own set. friso_hash_cdt and hash_entry are public in
 * friso_API.h; the walk only reads them. */
static int set_build(struct fts_ctx *ctx, friso_hash_t dic)
{
	size_t nwords = 0, bytes = 0, nslots = 16, off = 0;
	hash_entry_t e;

	for (int pass = 0; pass < 2; pass++) {
		for (uint_t b = 0; b < dic->length; b++) {
			for (e = dic->table[b]; e; e = e->_next) {
				size_t k, nb;
				uint64_t h;

				if (!e->_key)
					continue;
				k = cjk_word_chars(e->_key);
				if (k < 2 || k > ctx->word_max)
					continue;
				nb = strlen(e->_key);
				if (pass == 0) {
					nwords++;
					bytes += nb + 1;
					continue;
				}
				h = hash_more(HASH_INIT, e->_key, nb);
				ctx->fingerprint += h * 0x9E3779B97F4A7C15ULL; /* any order */
				for (size_t i = h & ctx->mask;; i = (i + 1) & ctx->mask) {
					if (!ctx->slot[i]) {
						ctx->slot[i] = (h >> 32) << 32 | (off + 1);
						break;
					}
				}
				ctx->pool[off] = (char)nb;
				memcpy(ctx->pool + off + 1, e->_key, nb);
				off += nb + 1;
				h = hash_more(HASH_INIT, e->_key, cjk_len(e->_key));
				h = hash_more(h, e->_key + cjk_len(e->_key),
					      cjk_len(e->_key + cjk_len(e->_key)));
				h = filter_bit(h, k);
				ctx->filter[h >> 6] |= 1ULL << (h & 63);
			}
		}
		if (pass == 1) {
			ctx->fingerprint ^= ((uint64_t)nwords << 8) | ctx->word_max;
			break;
		}
		if (bytes >= 0xFFFFFFFF)
			return ERR_TOO_LARGE;
		while (nslots < 2 * nwords)
			nslots *= 2;
		ctx->mask = nslots - 1;
		ctx->nwords = nwords;
		ctx->slot = calloc(nslots, sizeof(*ctx->slot));
		ctx->pool = malloc(bytes ? bytes : 1);
		ctx->filter = calloc((1u << FILTER_BITS) / 64, sizeof(*ctx->filter));
		if (!ctx->slot || !ctx->pool || !ctx->filter)
			return ERR_NOMEM;
	}
	return 0;
}

int fts_ctx_new(const char *ini_path, struct fts_ctx **out)
{
	struct fts_ctx *ctx = NULL;
	friso_config_t cfg = NULL;
	friso_t friso = NULL;
	char *path = NULL;
	int rc = ERR_NOMEM;

	*out = NULL;
	if (!ini_path)
		ini_path = FTS_DEFAULT_INI;
	ctx = calloc(1, sizeof(*ctx));
	path = strdup(ini_path); /* friso takes a non-const char * */
	if (!ctx || !path)
		goto out;
	/* friso's allocators print and exit() on OOM; they never return NULL */
	friso = friso_new();
	cfg = friso_new_config();
	rc = ERR_IO;
	if (!friso_init_from_ifile(friso, cfg, path)) {
		err_log(rc, "fts: cannot read friso configuration %s", ini_path);
		goto out;
	}
	if (!friso->dic || friso->charset != FRISO_UTF8 ||
	    friso_spec_dic_size(friso->dic, __LEX_CJK_WORDS__) == 0) {
		err_log(rc, "fts: %s: no UTF-8 CJK dictionary (check friso.lex_dir)", ini_path);
		goto out;
	}
	/* friso loads words of at most friso.max_len characters */
	ctx->word_max = cfg->max_len;
	if (ctx->word_max > WORD_MAX_CHARS)
		ctx->word_max = WORD_MAX_CHARS;
	rc = set_build(ctx, friso->dic[__LEX_CJK_WORDS__]);
	if (rc)
		goto out;
	*out = ctx;
	ctx = NULL;
out:
	if (cfg)
		friso_free_config(cfg);
	if (friso)
		friso_free(friso);
	free(path);
	fts_ctx_free(ctx);
	return rc;
}

unsigned long long fts_dict_fingerprint(const struct fts_ctx *ctx)
{
	return ctx ? ctx->fingerprint : 0;
}

void fts_ctx_free(struct fts_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->filter);
	free(ctx->slot);
	free(ctx->pool);
	free(ctx);
}

/* ---- MATCH builder ------------------------------------------------- */

/* True for the characters that separate query terms: whitespace, control
 * characters and sentence punctuation (full-width forms included). */
static bool term_sep(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	switch (cp) {
	case ' ': case ',': case ';': case '!': case '?':
	case 0x3000: case 0x3001: case 0x3002: /* 　、。 */
		return true;
	}
	return cp < 0x20 || cp == 0x7F;
}

/* Append one quoted FTS5 string to b. The text never holds a quote, but
 * double any to keep the expression valid whatever happens upstream. */
static void put_string(struct buf *b, const char *p, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, p[i]);
	}
	buf_putc(b, '"');
}

/* Append term t/tn as one FTS5 sub-expression (nothing if it has no
 * token), ANDed to the *nterms already in b. The phrase text is the term's
 * runs joined by single spaces: the tokenizer in query mode turns it back
 * into exactly the term's tokens, and it holds no character that means
 * anything to the FTS5 parser.
 *
 *   教育局            ("=教育局" OR "教育局")   a dictionary word
 *   义务教育阶段      "义务教育阶段"             bigrams 义务 务教 教育 育阶 阶段
 *   教                "教"*                      prefix: 教 and every 教X
 *   桐教〔2020〕103号 ("桐教 2020 103 号" OR "桐教 2020 103")
 *
 * The last form is for a lone CJK character that ends a longer term: as a
 * prefix it would be correct but slow (FTS5 expands "号"* into every bigram
 * starting with 号, on every query), so the term matches without it (a
 * superset of where it occurs), and the exact form, which needs the run to
 * end there as it does in a 文号 column, ranks higher. */
static void put_term(const struct fts_ctx *ctx, struct buf *b, const char *t, size_t tn,
		     int *nterms)
{
	char canon[2 * FTS_QUERY_MAX_BYTES + 2];
	struct run r, first = { 0 };
	size_t cn = 0, cut = 0, pos = 0, nruns = 0;
	bool last_lone = false;

	if (tn > FTS_QUERY_MAX_BYTES)
		tn = FTS_QUERY_MAX_BYTES;
	while (run_next(t, tn, &pos, &r)) {
		const char *p = r.cjk ? t + r.start : r.tok;
		size_t len = r.cjk ? r.end - r.start : r.tn;

		cut = cn;
		if (nruns)
			canon[cn++] = ' ';
		memcpy(canon + cn, p, len);
		cn += len;
		if (!nruns)
			first = r;
		last_lone = r.cjk && r.nchars == 1;
		nruns++;
	}
	if (!nruns)
		return;
	if (*nterms)
		buf_puts(b, " AND ");
	if (nruns == 1 && first.cjk && dict_has(ctx, canon, cn, first.nchars)) {
		buf_puts(b, "(\"=");
		buf_append(b, canon, cn);
		buf_puts(b, "\" OR ");
		put_string(b, canon, cn);
		buf_putc(b, ')');
	} else if (last_lone && nruns == 1) {
		put_string(b, canon, cn);
		buf_putc(b, '*');
	} else if (last_lone) {
		buf_putc(b, '(');
		put_string(b, canon, cn);
		buf_puts(b, " OR ");
		put_string(b, canon, cut);
		buf_putc(b, ')');
	} else {
		put_string(b, canon, cn);
	}
	(*nterms)++;
}

int fts_match_expr(struct fts_ctx *ctx, struct arena *a, const char *q, size_t n,
		   const char **out)
{
	struct buf b;
	const char *cur, *end, *ts = NULL, *at;
	int nterms = 0;

	buf_init(&b, a, 64 * 1024);
	if (!q)
		n = 0;
	if (n > FTS_QUERY_MAX_BYTES) {
		n = FTS_QUERY_MAX_BYTES;
		while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
			n--; /* do not cut a character in two */
	}
	cur = q;
	end = q ? q + n : q;
	while (cur < end && nterms < FTS_QUERY_MAX_TERMS) {
		at = cur;
		if (term_sep(next_cp(&cur, end))) {
			if (ts)
				put_term(ctx, &b, ts, (size_t)(at - ts), &nterms);
			ts = NULL;
		} else if (!ts) {
			ts = at;
		}
	}
	if (ts && nterms < FTS_QUERY_MAX_TERMS)
		put_term(ctx, &b, ts, (size_t)(end - ts), &nterms);
	*out = b.err ? "" : buf_cstr(&b);
	return b.err;
}

/* ---- snippets ------------------------------------------------------ */

int fts_snippet_html(struct arena *a, const char *snip, size_t n, const char **out)
{
	const char *cur = snip, *end;
	bool open = false;
	size_t depth = 0;
	struct buf b;
	uint32_t cp;
	char u[4];

	*out = "";
	if (!snip)
		return 0;
	end = snip + n;
	if (n > (SIZE_MAX - 64) / 8)
		return ERR_TOO_LARGE;
	/* worst case per input byte: "</mark>" or "&quot;" */
	buf_init(&b, a, 8 * n + 64);
	while (cur < end) {
		if (*cur == FTS_MARK_OPEN || *cur == FTS_MARK_CLOSE) {
			if (*cur == FTS_MARK_OPEN)
				depth++;
			else if (depth)
				depth--;
			cur++;
			continue;
		}
		/* open or close only before visible text, so that touching and
		 * nested marks come out as one <mark> */
		if (depth && !open)
			buf_puts(&b, "<mark>");
		else if (!depth && open)
			buf_puts(&b, "</mark>");
		open = depth > 0;
		cp = next_cp(&cur, end);
		switch (cp) {
		case '&': buf_puts(&b, "&amp;"); break;
		case '<': buf_puts(&b, "&lt;"); break;
		case '>': buf_puts(&b, "&gt;"); break;
		case '"': buf_puts(&b, "&quot;"); break;
		case '\'': buf_puts(&b, "&#39;"); break;
		case '\t': case '\n': case '\r':
			buf_putc(&b, (char)cp);
			break;
		default:
			if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
				break; /* not allowed in HTML text */
			buf_append(&b, u, utf8_put(u, cp));
		}
	}
	if (open)
		buf_puts(&b, "</mark>");
	if (b.err)
		return b.err;
	*out = buf_cstr(&b);
	return 0;
}

/* ---- backends without FTS5 (PostgreSQL) ----------------------------- */

/* A tsvector or tsquery lexeme, quoted. Tokens hold only letters, digits
 * and CJK characters, but quote whatever comes. */
static void put_lexeme(struct buf *b, const char *p, size_t n)
{
	buf_putc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\'' || p[i] == '\\')
			buf_putc(b, p[i]);
		buf_putc(b, p[i]);
	}
	buf_putc(b, '\'');
}

#define TSV_POS_MAX 16383 /* PostgreSQL's largest tsvector position */

struct tsv_sink {
	struct buf *b;
	int pos;
	char weight;
};

static int tsv_token_cb(void *ud, int colocated, const char *tok, size_t tn, size_t start, size_t end)
{
	struct tsv_sink *t = ud;

	(void)start;
	(void)end;
	if (!colocated)
		t->pos++;
	put_lexeme(t->b, tok, tn);
	buf_printf(t->b, ":%d%c ", t->pos < TSV_POS_MAX ? t->pos : TSV_POS_MAX, t->weight);
	return t->b->err;
}

int fts_tsvector(struct fts_ctx *ctx, struct arena *a, const struct fts_col *cols, size_t ncols,
		 const char **out)
{
	struct tsv_sink t = { NULL, 0, 'D' };
	struct buf b;
	size_t bytes = 64;

	for (size_t i = 0; i < ncols; i++)
		bytes += cols[i].n;
	/* a token is at most 64 bytes and its entry "'tok':16383A " 11 more;
	 * at worst every byte of text is a token, twice with the words */
	buf_init(&b, a, 2 * 75 * bytes);
	t.b = &b;
	for (size_t i = 0; i < ncols && !b.err; i++) {
		t.weight = cols[i].weight;
		fts_tokenize(ctx, cols[i].text, cols[i].n, FTS_TOK_WORDS, tsv_token_cb, &t);
		t.pos++; /* a phrase never spans two columns */
	}
	*out = b.err ? "" : buf_cstr(&b);
	return b.err;
}

/* The phrases of a MATCH expression from fts_match_expr, and its
 * translation into tsquery text. The grammar is the part of FTS5's that
 * fts_match_expr writes: quoted strings (a "*" after one makes its last
 * token a prefix), barewords, AND (or nothing) and OR, parentheses. A
 * string becomes its tokens in query mode, as FTS5 tokenizes it. */
struct q_phrase {
	const char **tok;
	size_t *tn;
	int ntok;
	bool prefix;
};

struct q_parse {
	struct fts_ctx *ctx;
	struct arena *a;
	const char *p, *end;
	struct buf *match, *title;   /* NULL: phrases only */
	struct q_phrase *ph;
	int nph, cap;
	int err;
};

#define Q_MAX_DEPTH 16
#define Q_MAX_PHRASES 256

static void q_space(struct q_parse *q)
{
	while (q->p < q->end && (*q->p == ' ' || *q->p == '\t' || *q->p == '\n' || *q->p == '\r'))
		q->p++;
}

static bool q_bare(char c)
{
	return (unsigned char)c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_' || c == 0x1A;
}

/* Is the next bareword the keyword kw? Consumes it if so. */
static bool q_keyword(struct q_parse *q, const char *kw)
{
	size_t n = strlen(kw);

	if ((size_t)(q->end - q->p) < n || memcmp(q->p, kw, n) != 0 ||
	    (q->p + n < q->end && q_bare(q->p[n])))
		return false;
	q->p += n;
	return true;
}

static int q_tok_cb(void *ud, int colocated, const char *tok, size_t tn, size_t start, size_t end)
{
	struct q_parse *q = ud;
	struct q_phrase *ph = &q->ph[q->nph];
	const char **t;
	size_t *n;

	(void)start;
	(void)end;
	if (colocated)
		return 0;
	t = arena_alloc(q->a, (size_t)(ph->ntok + 1) * sizeof(*t));
	n = arena_alloc(q->a, (size_t)(ph->ntok + 1) * sizeof(*n));
	if (!t || !n || !(t[ph->ntok] = arena_strndup(q->a, tok, tn)))
		return ERR_NOMEM;
	if (ph->ntok) {
		memcpy(t, ph->tok, (size_t)ph->ntok * sizeof(*t));
		memcpy(n, ph->tn, (size_t)ph->ntok * sizeof(*n));
	}
	n[ph->ntok] = tn;
	ph->tok = t;
	ph->tn = n;
	ph->ntok++;
	return 0;
}

/* One phrase as tsquery text: its lexemes joined by <->, each with suffix
 * (":A" for the title query), the last one a prefix (":*") if asked. */
static void q_put_phrase(struct buf *b, const struct q_phrase *ph, const char *weight)
{
	if (ph->ntok == 0) {
		buf_puts(b, "'#'"); /* matches nothing: no token holds '#' */
		return;
	}
	buf_putc(b, '(');
	for (int i = 0; i < ph->ntok; i++) {
		if (i)
			buf_puts(b, " <-> ");
		put_lexeme(b, ph->tok[i], ph->tn[i]);
		if (i == ph->ntok - 1 && ph->prefix)
			buf_printf(b, ":*%s", weight);
		else if (*weight)
			buf_printf(b, ":%s", weight);
	}
	buf_putc(b, ')');
}

/* A string or bareword [s, s + n): one phrase. */
static int q_phrase_add(struct q_parse *q, const char *s, size_t n, bool prefix)
{
	struct q_phrase *ph;
	int rc;

	if (q->nph == Q_MAX_PHRASES)
		return ERR_INVALID;
	if (q->nph == q->cap) {
		int cap = q->cap ? 2 * q->cap : 16;
		struct q_phrase *np = arena_alloc(q->a, (size_t)cap * sizeof(*np));

		if (!np)
			return ERR_NOMEM;
		if (q->nph)
			memcpy(np, q->ph, (size_t)q->nph * sizeof(*np));
		q->ph = np;
		q->cap = cap;
	}
	ph = &q->ph[q->nph];
	memset(ph, 0, sizeof(*ph));
	ph->prefix = prefix;
	if ((rc = fts_tokenize(q->ctx, s, n, FTS_TOK_QUERY, q_tok_cb, q)))
		return rc;
	if (q->match) {
		q_put_phrase(q->match, ph, "");
		if (q->nph)
			buf_puts(q->title, " | ");
		q_put_phrase(q->title, ph, "A");
	}
	q->nph++;
	return 0;
}

static int q_or(struct q_parse *q, int depth);

static int q_primary(struct q_parse *q, int depth)
{
	const char *s;
	struct buf str;
	int rc;

	q_space(q);
	if (q->p >= q->end)
		return ERR_INVALID;
	if (*q->p == '(') {
		q->p++;
		if (q->match)
			buf_putc(q->match, '(');
		if ((rc = q_or(q, depth + 1)))
			return rc;
		q_space(q);
		if (q->p >= q->end || *q->p != ')')
			return ERR_INVALID;
		q->p++;
		if (q->match)
			buf_putc(q->match, ')');
		return 0;
	}
	if (*q->p == '"') {
		buf_init(&str, q->a, (size_t)(q->end - q->p) + 1);
		for (q->p++;; q->p++) {
			if (q->p >= q->end)
				return ERR_INVALID;
			if (*q->p == '"') {
				if (q->p + 1 < q->end && q->p[1] == '"') {
					buf_putc(&str, '"');
					q->p++;
					continue;
				}
				q->p++;
				break;
			}
			buf_putc(&str, *q->p);
		}
		if (str.err)
			return str.err;
		s = buf_cstr(&str);
		rc = q_phrase_add(q, s, str.n, q->p < q->end && *q->p == '*');
		if (q->p < q->end && *q->p == '*')
			q->p++;
		return rc;
	}
	if (!q_bare(*q->p))
		return ERR_INVALID;
	for (s = q->p; q->p < q->end && q_bare(*q->p); q->p++)
		;
	if ((q->p - s == 3 && memcmp(s, "NOT", 3) == 0) || (q->p - s == 4 && memcmp(s, "NEAR", 4) == 0))
		return ERR_INVALID; /* never written by fts_match_expr */
	rc = q_phrase_add(q, s, (size_t)(q->p - s), q->p < q->end && *q->p == '*');
	if (q->p < q->end && *q->p == '*')
		q->p++;
	return rc;
}

static int q_and(struct q_parse *q, int depth)
{
	int rc, n = 0;

	for (;;) {
		q_space(q);
		if (q->p >= q->end || *q->p == ')')
			break;
		if (n && q_keyword(q, "OR")) {
			q->p -= 2; /* the caller's */
			break;
		}
		if (n && q_keyword(q, "AND"))
			q_space(q);
		if (n && q->match)
			buf_puts(q->match, " & ");
		if ((rc = q_primary(q, depth)))
			return rc;
		n++;
	}
	return n ? 0 : ERR_INVALID;
}

static int q_or(struct q_parse *q, int depth)
{
	int rc;

	if (depth > Q_MAX_DEPTH)
		return ERR_INVALID;
	if (q->match)
		buf_putc(q->match, '(');
	if ((rc = q_and(q, depth)))
		return rc;
	for (;;) {
		q_space(q);
		if (!q_keyword(q, "OR"))
			break;
		if (q->match)
			buf_puts(q->match, " | ");
		if ((rc = q_and(q, depth)))
			return rc;
	}
	if (q->match)
		buf_putc(q->match, ')');
	return 0;
}

/* Parse expr into q (match and title NULL: the phrases only). */
static int q_run(struct q_parse *q, const char *expr)
{
	int rc;

	q->p = expr ? expr : "";
	q->end = q->p + strlen(q->p);
	if ((rc = q_or(q, 0)))
		return rc;
	q_space(q);
	if (q->p != q->end)
		return ERR_INVALID;
	if (q->match && (q->match->err || q->title->err))
		return q->match->err ? q->match->err : q->title->err;
	return 0;
}

int fts_tsquery(struct fts_ctx *ctx, struct arena *a, const char *expr, const char **match,
		const char **title)
{
	struct buf m, t;
	struct q_parse q = { .ctx = ctx, .a = a, .match = &m, .title = &t };
	size_t max = 64 * (strlen(expr ? expr : "") + 16);
	int rc;

	*match = *title = "";
	buf_init(&m, a, max);
	buf_init(&t, a, max);
	if ((rc = q_run(&q, expr)))
		return rc;
	*match = buf_cstr(&m);
	*title = buf_cstr(&t);
	return 0;
}

/* A token of a document with its position, for matching phrases. */
struct m_tok {
	int ipos;
	const char *t;
	size_t tn;
};

struct m_doc {
	struct aux_doc d;
	struct arena *a;
	struct m_tok *tok;
	int ntok, cap;
};

static int m_tok_cb(void *ud, int colocated, const char *tok, size_t tn, size_t start, size_t end)
{
	struct m_doc *m = ud;
	struct m_tok *k;

	if (!colocated) {
		if (aux_pos_cb(&m->d, 0, tok, (int)tn, (int)start, (int)end) != SQLITE_OK)
			return ERR_NOMEM;
	}
	if (m->ntok == m->cap) {
		int cap = m->cap ? 2 * m->cap : 256;
		struct m_tok *nt = arena_alloc(m->a, (size_t)cap * sizeof(*nt));

		if (!nt)
			return ERR_NOMEM;
		if (m->ntok)
			memcpy(nt, m->tok, (size_t)m->ntok * sizeof(*nt));
		m->tok = nt;
		m->cap = cap;
	}
	k = &m->tok[m->ntok++];
	k->ipos = m->d.npos - 1;
	k->tn = tn;
	if (!(k->t = arena_strndup(m->a, tok, tn)))
		return ERR_NOMEM;
	return 0;
}

/* Does document token k match phrase token i of ph? */
static bool m_same(const struct m_tok *k, const struct q_phrase *ph, int i)
{
	if (i == ph->ntok - 1 && ph->prefix)
		return k->tn >= ph->tn[i] && memcmp(k->t, ph->tok[i], ph->tn[i]) == 0;
	return k->tn == ph->tn[i] && memcmp(k->t, ph->tok[i], ph->tn[i]) == 0;
}

/* Does a token at position p of m (the first is first[p]) match phrase
 * token i of ph? */
static bool m_at(const struct m_doc *m, const int *first, int p, const struct q_phrase *ph, int i)
{
	for (int j = first[p]; j < m->ntok && m->tok[j].ipos == p; j++)
		if (m_same(&m->tok[j], ph, i))
			return true;
	return false;
}

/* Every instance of the phrases in m, as FTS5's xInst would give them
 * (one per phrase and position, whichever tokens there match it),
 * into *out (sqlite3_malloc'd) sorted; first[p] is the first token at
 * position p. */
static int m_spans(const struct m_doc *m, const int *first, const struct q_parse *q, struct aux_span **out,
		   int *nout)
{
	struct aux_span *s = NULL;
	int ns = 0, cap = 0;

	*out = NULL;
	*nout = 0;
	for (int ip = 0; ip < q->nph; ip++) {
		const struct q_phrase *ph = &q->ph[ip];

		if (ph->ntok == 0)
			continue;
		for (int p = 0; p + ph->ntok <= m->d.npos; p++) {
			int i;

			for (i = 0; i < ph->ntok; i++)
				if (!m_at(m, first, p + i, ph, i))
					break;
			if (i < ph->ntok)
				continue;
			if (ns == cap) {
				struct aux_span *n2;

				cap = cap ? 2 * cap : 32;
				n2 = sqlite3_realloc64(s, (sqlite3_uint64)cap * sizeof(*s));
				if (!n2) {
					sqlite3_free(s);
					return ERR_NOMEM;
				}
				s = n2;
			}
			/* as aux_spans: the positions' ranges, not the tokens' (a
			 * dictionary word is marked as the bigram it starts at) */
			s[ns].start = m->d.pos[2 * p];
			s[ns].end = m->d.pos[2 * (p + ph->ntok - 1) + 1];
			s[ns].ipos = p;
			s[ns].phrase = ip;
			ns++;
		}
	}
	if (ns)
		qsort(s, (size_t)ns, sizeof(*s), span_cmp);
	*out = s;
	*nout = ns;
	return 0;
}

int fts_mark(struct fts_ctx *ctx, struct arena *a, const char *expr, const char *text, int ntokens,
	     const char **out)
{
	static const char open[] = { FTS_MARK_OPEN, 0 }, close[] = { FTS_MARK_CLOSE, 0 };
	struct q_parse q = { .ctx = ctx, .a = a };
	struct m_doc m = { .a = a };
	struct aux_span *s = NULL;
	unsigned char *seen = NULL;
	sqlite3_str *str = NULL;
	int *first = NULL, ns = 0, rc;
	size_t n = text ? strlen(text) : 0;
	char *z;

	*out = "";
	if (n > 0x3FFFFFFF)
		return ERR_TOO_LARGE;
	if ((rc = q_run(&q, expr)))
		return rc;
	m.d.z = text ? text : "";
	m.d.n = (int)n;
	if ((rc = fts_tokenize(ctx, text, n, FTS_TOK_WORDS, m_tok_cb, &m)))
		goto out;
	rc = ERR_NOMEM;
	first = arena_alloc(a, (size_t)(m.d.npos + 1) * sizeof(*first));
	seen = arena_alloc(a, (size_t)(q.nph > 0 ? q.nph : 1));
	if (!first || !seen)
		goto out;
	for (int k = m.ntok - 1; k >= 0; k--)
		first[m.tok[k].ipos] = k;
	if ((rc = m_spans(&m, first, &q, &s, &ns)))
		goto out;
	str = sqlite3_str_new(NULL);
	if (ntokens <= 0) {
		aux_render(str, &m.d, 0, m.d.n, s, ns, open, close);
	} else {
		int best = 0, w0 = 0;

		if (ntokens > SNIPPET_MAX_TOKENS)
			ntokens = SNIPPET_MAX_TOKENS;
		snippet_pick(&m.d, s, ns, ntokens, seen, q.nph, &best, &w0);
		snippet_render(str, &m.d, s, ns, w0, ntokens, open, close, "…");
	}
	rc = sqlite3_str_errcode(str) == SQLITE_OK ? 0 : ERR_NOMEM;
	z = sqlite3_str_finish(str);
	if (!rc && z && !(*out = arena_strdup(a, z)))
		rc = ERR_NOMEM;
	sqlite3_free(z);
out:
	if (rc)
		*out = "";
	sqlite3_free(s);
	sqlite3_free(m.d.pos);
	return rc;
}
