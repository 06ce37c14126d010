/* fts.h - Chinese full-text search building blocks for SQLite FTS5.
 *
 * One tokenizer, "gk", is used for documents and queries alike:
 *
 *   - Normalisation: full-width ASCII forms (U+FF01-FF5E) become ASCII,
 *     U+3000 becomes a space, ASCII letters are lower-cased. Everything
 *     that is not an ASCII letter/digit or a CJK character (punctuation,
 *     brackets of every kind, symbols, invalid UTF-8) only separates tokens,
 *     so 桐教〔2020〕103号, 桐教[2020]103号 and 桐教（2020）103号 give the
 *     same tokens.
 *   - A run of ASCII letters/digits is one token (at most 64 bytes kept).
 *   - A run of n CJK characters gives n positions: the n-1 overlapping
 *     bigrams c0c1, c1c2, ... and then the last character alone.
 *   - Documents also get the words of 3 or more characters of the run's
 *     segmentation (reverse maximum matching over friso's dictionary; see
 *     fts.c for why not friso's own segmenter), each colocated with the
 *     bigram it starts at: a ranking signal, not needed for recall.
 *
 * Recall: a query built by fts_match_expr() finds every item whose title,
 * 文号 or body contains each whitespace-separated term verbatim (after the
 * normalisation above), however a segmenter would cut the words. Terms
 * that start or end inside an ASCII word ("020年" or "年202" for 2020年)
 * are the exception: ASCII tokens are whole words.
 *
 * Usage on a connection (the ctx must outlive the connection):
 *
 *   CREATE VIRTUAL TABLE items_fts USING fts5(title, doc_no, body,
 *       content='items', content_rowid='id', tokenize='gk');
 *
 *   SELECT rowid,
 *          gk_highlight(items_fts, 0, char(1), char(2)),
 *          gk_snippet(items_fts, 2, char(1), char(2), '…', 24)
 *     FROM items_fts WHERE items_fts MATCH ?1      -- from fts_match_expr()
 *    ORDER BY gk_titlehit(items_fts) DESC, bm25(items_fts, 10.0, 10.0, 1.0)
 *    LIMIT 20;
 *
 * then fts_snippet_html() on each highlighted text. detail=full (the
 * default) is required: phrases need token positions. Contentless tables
 * (content='') work too, without the text functions.
 *
 * Ranking: bm25(items_fts, 10.0, 10.0, 1.0) alone does not reliably put
 * title matches first: FTS5 clamps the IDF of a term found in more than half
 * of the rows to ~0, so a title hit on a common term loses to body hits on
 * rarer terms (tests/unit/store/test_fts.c shows such a case). Sort first by
 * gk_titlehit(items_fts), which is 1 when any query phrase occurs in
 * column 0 or 1 (title, 文号) and 0 otherwise (give column numbers as extra
 * arguments to choose others: gk_titlehit(items_fts, 0, 1)), then by
 * gk_bm25(items_fts, w0, w1, ...): bm25() with the document frequency of a
 * phrase counted only for phrases that occur in weighted columns, and only
 * up to 20,000 documents (bm25() walks each phrase's whole doclist once per
 * query: tens of milliseconds for a common term, or for the filter phrases
 * of a scope column that every row matches). The ORDER BY to use is
 * FTS_ORDER_BY below. All matches are scored before LIMIT, about 2-4 us
 * each: bound the set ranked (src/store/item.c ranks the newest matches).
 *
 * Highlighting: use gk_highlight() and gk_snippet() (same arguments as
 * FTS5's highlight() and snippet()), not the built-in ones. With
 * overlapping bigram tokens, SQLite 3.40's highlight() and snippet() copy
 * the rest of the column into the output when two matches are adjacent
 * (query 教育局 局长 on 教育局长, or 哈哈 on 哈哈哈); the gk_ versions mark
 * the union of the matched characters. In snippets a "token" is about one
 * character of Chinese text.
 *
 * Threads: an fts_ctx is immutable after fts_ctx_new() and may be shared by
 * any number of threads and connections; nothing here takes a lock.
 */
#ifndef GK_STORE_FTS_H
#define GK_STORE_FTS_H

#include <stddef.h>

struct arena;
struct sqlite3;
struct fts_ctx;

/* Tokenizer name for CREATE VIRTUAL TABLE ... tokenize='gk'. */
#define FTS_TOKENIZER "gk"

/* ORDER BY clause for a MATCH over items_fts(title, doc_no, body). */
#define FTS_ORDER_BY \
	"gk_titlehit(items_fts) DESC, gk_bm25(items_fts, 10.0, 10.0, 1.0, 0.0)"

/* Markers to pass to gk_snippet() / gk_highlight() for fts_snippet_html():
 * gk_snippet(items_fts, 2, char(1), char(2), '…', 24). */
#define FTS_MARK_OPEN '\x01'
#define FTS_MARK_CLOSE '\x02'

/* Input limits of fts_match_expr(): bytes of the query looked at, and terms
 * kept. Anything past them is ignored, never an error. */
#define FTS_QUERY_MAX_BYTES 256
#define FTS_QUERY_MAX_TERMS 32

/* Flags for fts_tokenize(). */
enum fts_tok_flags {
	/* Also emit the colocated dictionary words (document mode). */
	FTS_TOK_WORDS = 1,
	/* Query mode: a CJK run of 2+ characters that ends the text does not
	 * emit its final single character (a document continuing the run has
	 * a bigram there instead), and a text of '=' followed by CJK only is
	 * one whole-word token (how fts_match_expr asks for a dictionary
	 * word). Ignored with FTS_TOK_WORDS. FTS5 MATCH strings are tokenized
	 * this way. */
	FTS_TOK_QUERY = 2,
};

/* Load friso's configuration and dictionary from ini_path (NULL means
 * /etc/friso/friso.ini) into a new context, returned in *out and owned by
 * the caller (free with fts_ctx_free). friso itself is freed again: the
 * context keeps its own copy of the words (~6 MB). Takes 0.1-0.3 s of CPU;
 * do it once per process. Returns 0, ERR_IO when the file cannot be read or
 * yields an empty dictionary (logged), ERR_NOMEM. On error *out is NULL.
 * (friso's own allocations exit() the process when memory runs out.) */
int fts_ctx_new(const char *ini_path, struct fts_ctx **out);

/* A fingerprint of the dictionary words ctx segments with (0 for NULL).
 * Documents are indexed with these words, and FTS5 removes a row from an
 * external-content index by tokenizing its old text again: after the
 * dictionary changes (a friso-dict upgrade, another friso.max_len), a
 * 'delete' no longer matches what was inserted and the index goes bad.
 * Store this value with the index; when it differs at startup, run
 * INSERT INTO items_fts(items_fts) VALUES('rebuild') and store the new one. */
unsigned long long fts_dict_fingerprint(const struct fts_ctx *ctx);

/* Free a context from fts_ctx_new(); NULL is a no-op. No connection that
 * registered it may be used afterwards. */
void fts_ctx_free(struct fts_ctx *ctx);

/* Register on db the FTS5 tokenizer "gk", using ctx (not copied: it must
 * outlive db), and the auxiliary functions gk_titlehit(), gk_highlight()
 * and gk_snippet() described above. Call once per connection, before the
 * first statement that touches a "gk" table. Returns 0, or ERR_DB when
 * FTS5 is missing or registration fails (logged). */
int fts_register(struct sqlite3 *db, struct fts_ctx *ctx);

/* The raw tokenizer, for other backends (ctx may be NULL: then no dictionary
 * words). Calls cb once per token, in order:
 * colocated is 0 for a token that takes the next position and 1 for one
 * that shares the position of the token before it; tok/tn is the token
 * (normalised UTF-8, not NUL-terminated, valid only during the call);
 * [start, end) are byte offsets of its source in text. flags are
 * enum fts_tok_flags. Any bytes are accepted (invalid UTF-8 separates
 * tokens). Returns 0, or the first non-zero value cb returned, which also
 * stops tokenizing. */
int fts_tokenize(struct fts_ctx *ctx, const char *text, size_t n, int flags,
		 int (*cb)(void *ud, int colocated, const char *tok, size_t tn,
			   size_t start, size_t end),
		 void *ud);

/* Turn any user input q/n (any bytes, FTS5 syntax included) into an FTS5
 * MATCH expression for a "gk" table, stored in *out (NUL-terminated, owned
 * by a). Only the first FTS_QUERY_MAX_BYTES bytes and FTS_QUERY_MAX_TERMS
 * terms count. Terms are separated by whitespace and by the sentence
 * punctuation ，、；。！？ (and ASCII , ; ! ?), and are ANDed; each is one
 * quoted phrase of its tokens, which matches exactly where the term occurs;
 * a term that is one dictionary word of 3+ characters also asks for the
 * word, to rank real words higher; a term that is one CJK character is a
 * prefix (slow on a big index: FTS5 reads every bigram starting with it);
 * a lone CJK character that ends a longer term (103号) is optional, as a
 * prefix there would be slow too. *out is "" when nothing searchable
 * remains: do not run a MATCH then (FTS5 rejects an empty expression),
 * show no results.
 * Returns 0 or ERR_NOMEM (then *out is ""). */
int fts_match_expr(struct fts_ctx *ctx, struct arena *a, const char *q, size_t n,
		   const char **out);

/* Turn text from gk_snippet()/gk_highlight() called with FTS_MARK_OPEN and
 * FTS_MARK_CLOSE into HTML: & < > " ' escaped, each marked span wrapped in
 * <mark>...</mark>, touching or nested spans merged into one, unbalanced
 * markers tolerated, invalid UTF-8 replaced by U+FFFD and control characters
 * other than tab and newlines dropped. *out is NUL-terminated and owned by
 * a. Returns 0 or ERR_NOMEM (then *out is ""). */
int fts_snippet_html(struct arena *a, const char *snip, size_t n, const char **out);

/* ---- backends without FTS5 (PostgreSQL) ----
 *
 * The same tokens, in a tsvector with a GIN index instead of an FTS5 table
 * (src/store/item.c): documents are tokenized here (fts_tsvector), the
 * MATCH expression of fts_match_expr is translated into a tsquery
 * (fts_tsquery), and highlights and snippets are computed from the text
 * with the code of gk_highlight() and gk_snippet() (fts_mark). Positions
 * past 16,383 (PostgreSQL's limit) share the last one: in the body of a
 * very long item, a 2-character term is still found, a longer one only
 * where it occurs before that point. */

/* One column of a document: its text and its tsvector weight 'A'..'D'. */
struct fts_col {
	const char *text;
	size_t n;
	char weight;
};

/* The tsvector text of a document (cast it with ::tsvector): the tokens of
 * each column with the dictionary words, as the "gk" tokenizer gives FTS5,
 * positions numbered across the columns with a gap between two columns
 * (so no phrase spans them), each with its column's weight. *out is owned
 * by a ("" for no tokens). Returns 0, ERR_NOMEM or ERR_TOO_LARGE. */
int fts_tsvector(struct fts_ctx *ctx, struct arena *a, const struct fts_col *cols, size_t ncols,
		 const char **out);

/* Translate expr, a MATCH expression from fts_match_expr (non-empty), into
 * tsquery text: *match finds what the expression finds in an FTS5 table of
 * the same columns (a quoted string is a phrase of its tokens, <->; "*" a
 * prefix, :*; AND &, OR |); *title is the OR of every phrase restricted to
 * weight A, for gk_titlehit()'s order. Both owned by a. Returns 0, ERR_NOMEM,
 * or ERR_INVALID for syntax fts_match_expr never writes (NOT, NEAR, column
 * filters, unbalanced parentheses). Lexemes never start with '#': other
 * lexemes of a tsvector that do (filters) never match the user's words. */
int fts_tsquery(struct fts_ctx *ctx, struct arena *a, const char *expr, const char **match,
		const char **title);

/* The text with the matches of expr (see fts_tsquery) between FTS_MARK_OPEN
 * and FTS_MARK_CLOSE, as gk_highlight() (ntokens <= 0: the whole text) or
 * gk_snippet(tbl, col, open, close, "…", ntokens) would give it for that
 * column: the same code marks the same spans and picks the same window.
 * *out is owned by a; pass it to fts_snippet_html. Returns 0, ERR_NOMEM,
 * ERR_INVALID (expr) or ERR_TOO_LARGE (text of 1 GiB or more). */
int fts_mark(struct fts_ctx *ctx, struct arena *a, const char *expr, const char *text, int ntokens,
	     const char **out);

#endif
