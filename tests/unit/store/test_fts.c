/* test_fts.c - the "gk" FTS5 tokenizer, the MATCH builder, ranking and
 * snippets, against an in-memory SQLite database with an external-content
 * items_fts table kept in sync by triggers. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/fts.h"
#include "core/banned.h"

/* ---- fixtures ---- */

static const char schema[] =
	"CREATE TABLE items(id INTEGER PRIMARY KEY, title TEXT NOT NULL,"
	" doc_no TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '');"
	"CREATE VIRTUAL TABLE items_fts USING fts5(title, doc_no, body,"
	" content='items', content_rowid='id', tokenize='gk');"
	"CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN"
	" INSERT INTO items_fts(rowid, title, doc_no, body)"
	" VALUES (new.id, new.title, new.doc_no, new.body); END;"
	"CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, doc_no, body)"
	" VALUES ('delete', old.id, old.title, old.doc_no, old.body); END;"
	"CREATE TRIGGER items_au AFTER UPDATE ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, doc_no, body)"
	" VALUES ('delete', old.id, old.title, old.doc_no, old.body);"
	" INSERT INTO items_fts(rowid, title, doc_no, body)"
	" VALUES (new.id, new.title, new.doc_no, new.body); END;";

static const char sql_insert[] = "INSERT INTO items(id, title, doc_no, body) VALUES (?1, ?2, ?3, ?4)";
static const char sql_search[] =
	"SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 ORDER BY " FTS_ORDER_BY;
static const char sql_search_bm25[] =
	"SELECT rowid FROM items_fts WHERE items_fts MATCH ?1"
	" ORDER BY bm25(items_fts, 10.0, 10.0, 1.0)";
static const char sql_snippet[] =
	"SELECT gk_snippet(items_fts, ?2, char(1), char(2), '…', ?3) FROM items_fts"
	" WHERE items_fts MATCH ?1 ORDER BY " FTS_ORDER_BY " LIMIT 1";
static const char sql_highlight[] =
	"SELECT gk_highlight(items_fts, ?2, char(1), char(2)) FROM items_fts"
	" WHERE items_fts MATCH ?1 ORDER BY " FTS_ORDER_BY " LIMIT 1";
static const char sql_integrity[] =
	"INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)";

#define T1 "关于做好2020年桐乡市义务教育阶段民办学校招生入学工作的通知"
#define B1 "各乡镇人民政府、街道办事处，市级各有关单位：为进一步规范义务教育阶段民办学校" \
	"招生入学工作，根据《中华人民共和国义务教育法》和省教育厅有关文件精神，结合我市实际，" \
	"现就有关事项通知如下。民办学校招生纳入审批地统一管理，与公办学校同步招生；对报名人数" \
	"超过招生计划的，实行电脑随机录取。市教育局将会同有关部门加强监督检查，对违规行为严肃查处。"
#define T2 "桐乡市教育局关于2020年中小学教师招聘的公告"
#define B2 "根据工作需要，经市人力资源和社会保障局同意，面向社会公开招聘中小学教师一百二十名。" \
	"报名时间为2020年6月1日至6月5日，报名地点设在市教育局人事科。联系电话：0573-88012345。"

static const struct doc {
	long long id;
	const char *title, *doc_no, *body;
} docs[] = {
	{ 1, T1, "桐教〔2020〕103号", B1 },
	{ 2, T2, "桐教〔2020〕104号", B2 },
	{ 3, "关于印发《桐乡市河长制工作考核办法》的通知", "桐政办〔2020〕103号",
	  "各镇人民政府、街道办事处：现将《桐乡市河长制工作考核办法》印发给你们，"
	  "请认真贯彻执行。各地要落实属地管理责任，加强河湖水域岸线管理保护。" },
	{ 4, "桐乡市教育局2020年政府信息公开工作年度报告", "桐教〔2021〕5号",
	  "根据《中华人民共和国政府信息公开条例》规定，现公布本机关年度政府信息公开工作情况。"
	  "本年度印发的桐教〔2020〕103号文件已全文公开。" },
	{ 5, "关于开展2020年度民办学校年检工作的通知", "桐教〔2020〕1031号",
	  "各民办学校：根据有关规定，现开展年度检查工作，请于2020年7月1日前报送材料。" },
	{ 6, "关于2019年义务教育招生工作的通知", "桐教〔2019〕103号",
	  "各学校要严格执行招生计划，不得以任何形式提前招生。" },
};

static int group_setup(void **state)
{
	struct fts_ctx *ctx = NULL;

	if (fts_ctx_new(NULL, &ctx))
		return -1;
	*state = ctx;
	return 0;
}

static int group_teardown(void **state)
{
	fts_ctx_free(*state);
	return 0;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

static void insert(sqlite3 *db, long long id, const char *title, const char *doc_no,
		   const char *body)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql_insert, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, doc_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static sqlite3 *db_open(struct fts_ctx *ctx, bool with_docs)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_register(db, ctx), 0);
	exec(db, schema);
	if (with_docs)
		for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
			insert(db, docs[i].id, docs[i].title, docs[i].doc_no, docs[i].body);
	return db;
}

/* Run MATCH expr with sql; store up to max rowids in ids; return how many
 * rows there were. Any SQLite error fails the test. */
static int run_match(sqlite3 *db, const char *sql, const char *expr, long long *ids, int max)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		fail_msg("prepare %s: %s", expr, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < max)
			ids[n] = sqlite3_column_int64(st, 0);
		n++;
	}
	if (rc != SQLITE_DONE)
		fail_msg("MATCH %s: %s", expr, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return n;
}

/* The user query q through fts_match_expr and FTS_ORDER_BY. */
static int search(sqlite3 *db, struct fts_ctx *ctx, const char *q, long long *ids, int max)
{
	struct arena a;
	const char *expr;
	int n;

	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, q, strlen(q), &expr), 0);
	n = *expr ? run_match(db, sql_search, expr, ids, max) : 0;
	arena_release(&a);
	return n;
}

static bool has_id(const long long *ids, int n, long long id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* The match expression of q, copied into out (cap bytes). */
static void expr_of(struct fts_ctx *ctx, const char *q, char *out, size_t cap)
{
	struct arena a;
	const char *expr;

	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, q, strlen(q), &expr), 0);
	assert_true(strlen(expr) < cap);
	memcpy(out, expr, strlen(expr) + 1);
	arena_release(&a);
}

/* ---- tokenizer ---- */

struct toks {
	char s[4096];   /* "tok@start-end " per token, "+" before colocated */
	size_t n;
	int count;
};

static int collect(void *ud, int colocated, const char *tok, size_t tn, size_t start, size_t end)
{
	struct toks *t = ud;
	int k = snprintf(t->s + t->n, sizeof(t->s) - t->n, "%s%.*s@%zu-%zu ",
			 colocated ? "+" : "", (int)tn, tok, start, end);

	assert_true(k > 0 && (size_t)k < sizeof(t->s) - t->n);
	t->n += (size_t)k;
	t->count++;
	return 0;
}

/* Tokens only, without offsets, for comparing different spellings. */
static int collect_plain(void *ud, int colocated, const char *tok, size_t tn, size_t start,
			 size_t end)
{
	struct toks *t = ud;
	int k = snprintf(t->s + t->n, sizeof(t->s) - t->n, "%s%.*s ", colocated ? "+" : "",
			 (int)tn, tok);

	assert_true(k > 0 && (size_t)k < sizeof(t->s) - t->n);
	t->n += (size_t)k;
	t->count++;
	return 0;
}

static void check_tokens(struct fts_ctx *ctx, const char *text, int flags, const char *want)
{
	struct toks t = { .n = 0 };

	assert_int_equal(fts_tokenize(ctx, text, strlen(text), flags, collect, &t), 0);
	assert_string_equal(t.s, want);
}

static void test_tokenize_basic(void **state)
{
	struct fts_ctx *ctx = *state;

	/* bigrams, the final character, byte offsets into the original */
	check_tokens(ctx, "教育局", 0, "教育@0-6 育局@3-9 局@6-9 ");
	check_tokens(ctx, "桐", 0, "桐@0-3 ");
	/* query mode: a run of 2+ that ends the text has no final character */
	check_tokens(ctx, "教育局", FTS_TOK_QUERY, "教育@0-6 育局@3-9 ");
	check_tokens(ctx, "局", FTS_TOK_QUERY, "局@0-3 ");
	check_tokens(ctx, "教育局。", FTS_TOK_QUERY, "教育@0-6 育局@3-9 局@6-9 ");
	check_tokens(ctx, "=教育局", FTS_TOK_QUERY, "教育局@1-10 ");
	check_tokens(ctx, "=教育局", 0, "教育@1-7 育局@4-10 局@7-10 ");
	/* ASCII: letters and digits, lower-cased; full-width forms folded */
	check_tokens(ctx, "GB/T 7714-2015", 0, "gb@0-2 t@3-4 7714@5-9 2015@10-14 ");
	check_tokens(ctx, "ＡＢＣ１２３", 0, "abc123@0-18 ");
	check_tokens(ctx, "2020年6月", 0, "2020@0-4 年@4-7 6@7-8 月@8-11 ");
	/* other scripts, symbols, emoji, U+3000 and invalid UTF-8 separate */
	check_tokens(ctx, "a\xff\xfe" "b\xe6\x8b" "c😀d　e", 0,
		     "a@0-1 b@3-4 c@6-7 d@11-12 e@15-16 ");
	check_tokens(ctx, "招\xe7\x94生", 0, "招@0-3 生@5-8 ");
	check_tokens(ctx, "二〇二〇年", 0, "二〇@0-6 〇二@3-9 二〇@6-12 〇年@9-15 年@12-15 ");
	/* dictionary words are colocated with the bigram they start at */
	check_tokens(ctx, "街道办事处", FTS_TOK_WORDS,
		     "街道@0-6 +街道办事处@0-15 道办@3-9 办事@6-12 事处@9-15 处@12-15 ");
	check_tokens(ctx, "各有关单位", FTS_TOK_WORDS, "各有@0-6 有关@3-9 +有关单位@3-15 关单@6-12 单位@9-15 位@12-15 ");
	check_tokens(ctx, "街道办事处", 0, "街道@0-6 道办@3-9 办事@6-12 事处@9-15 处@12-15 ");
	/* plane 2 characters are 4 bytes */
	check_tokens(ctx, "𠀀𠀁", 0, "𠀀𠀁@0-8 𠀁@4-8 ");
	check_tokens(ctx, "", FTS_TOK_WORDS, "");
	check_tokens(ctx, "，。！ \t", FTS_TOK_WORDS, "");
	assert_int_equal(fts_tokenize(ctx, NULL, 0, 0, collect, NULL), 0);
}

struct counts {
	int pos, colocated;
	size_t last_end;
};

static int count(void *ud, int colocated, const char *tok, size_t tn, size_t start, size_t end)
{
	struct counts *c = ud;

	if (colocated)
		c->colocated++;
	else
		c->pos++;
	assert_true(start < end && end <= 3 * 1000);
	if (!colocated)
		c->last_end = end;
	return 0;
}

static void test_tokenize_long_runs(void **state)
{
	struct fts_ctx *ctx = *state;
	char text[3 * 1000 + 1], want[200];
	struct toks t = { .n = 0 };
	struct counts c = { 0 };

	/* an ASCII word is cut at 64 bytes but spans its whole run */
	memset(text, 'A', 150);
	text[150] = '\0';
	memset(want, 'a', 64);
	snprintf(want + 64, sizeof(want) - 64, "@0-150 ");
	assert_int_equal(fts_tokenize(ctx, text, 150, 0, collect, &t), 0);
	assert_string_equal(t.s, want);
	/* a CJK run longer than the segmentation chunk: one position per
	 * character, words on both sides of the chunk boundary */
	for (int i = 0; i < 250; i++)
		memcpy(text + 12 * i, "社会主义", 12);
	assert_int_equal(fts_tokenize(ctx, text, 3000, FTS_TOK_WORDS, count, &c), 0);
	assert_int_equal(c.pos, 1000);
	assert_int_equal(c.last_end, 3000);
	assert_true(c.colocated >= 240);
}

/* A word the segmenter found ranks above the same characters across
 * words: 研究生 in 研究生招生考试, not in 研究/生命/起源. */
static void test_words_rank_higher(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, false);
	long long ids[4];

	insert(db, 1, "公告", "", "研究生命起源");
	insert(db, 2, "公告", "", "研究生招生考试");
	check_tokens(ctx, "研究生命起源", FTS_TOK_WORDS,
		     "研究@0-6 究生@3-9 生命@6-12 命起@9-15 起源@12-18 源@15-18 ");
	assert_int_equal(search(db, ctx, "研究生", ids, 4), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(search(db, ctx, "生命起源", ids, 4), 1);
	assert_int_equal(ids[0], 1);
	sqlite3_close(db);
}

/* 文号 in every bracket style and width gives the same tokens. */
static void test_tokenize_doc_no_forms(void **state)
{
	static const char *const forms[] = {
		"桐教〔2020〕103号", "桐教[2020]103号", "桐教［2020］103号", "桐教【2020】103号",
		"桐教（2020）103号", "桐教(2020)103号", "桐教〔２０２０〕１０３号", " 桐教 2020 103号 ",
	};
	struct fts_ctx *ctx = *state;
	struct toks first = { .n = 0 };

	assert_int_equal(fts_tokenize(ctx, forms[0], strlen(forms[0]), FTS_TOK_WORDS,
				      collect_plain, &first), 0);
	assert_string_equal(first.s, "桐教 教 2020 103 号 ");
	for (size_t i = 1; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct toks t = { .n = 0 };

		assert_int_equal(fts_tokenize(ctx, forms[i], strlen(forms[i]), FTS_TOK_WORDS,
					      collect_plain, &t), 0);
		assert_string_equal(t.s, first.s);
	}
}

static int stop_at_third(void *ud, int colocated, const char *tok, size_t tn, size_t start,
			 size_t end)
{
	int *n = ud;

	return ++*n == 3 ? 42 : 0;
}

static void test_tokenize_callback_stops(void **state)
{
	int n = 0;

	assert_int_equal(fts_tokenize(*state, T1, strlen(T1), FTS_TOK_WORDS, stop_at_third, &n), 42);
	assert_int_equal(n, 3);
}

/* ---- the MATCH builder ---- */

static void check_expr(struct fts_ctx *ctx, const char *q, const char *want)
{
	char got[4096];

	expr_of(ctx, q, got, sizeof(got));
	assert_string_equal(got, want);
}

static void test_match_expr_shapes(void **state)
{
	struct fts_ctx *ctx = *state;
	char q[1024], got[8192];
	int ands = 0;

	check_expr(ctx, "教育局", "(\"=教育局\" OR \"教育局\")");
	check_expr(ctx, "义务教育阶段", "\"义务教育阶段\"");
	check_expr(ctx, "招生", "\"招生\"");
	check_expr(ctx, "教", "\"教\"*");
	check_expr(ctx, "桐教（2020）103号", "(\"桐教 2020 103 号\" OR \"桐教 2020 103\")");
	check_expr(ctx, "桐教〔2020〕103", "\"桐教 2020 103\"");
	check_expr(ctx, "  招生　入学，工作;通知 ", "\"招生\" AND \"入学\" AND \"工作\" AND \"通知\"");
	check_expr(ctx, "ＧＢ／Ｔ", "\"gb t\"");
	check_expr(ctx, "招生 AND NOT(入学) OR NEAR(a b, 2) title:x",
		   "\"招生\" AND \"and\" AND \"not 入学\" AND \"or\" AND \"near a\" AND \"b\" AND "
		   "\"2\" AND \"title x\"");
	check_expr(ctx, "\"招生\"* -\"入学\"^", "\"招生\" AND \"入学\"");
	/* nothing searchable */
	check_expr(ctx, "", "");
	check_expr(ctx, "   \t\n", "");
	check_expr(ctx, "\"*()-^:+~{}[]", "");
	check_expr(ctx, "\xff\xfe\xc3\x28", ""); /* invalid bytes, "(" */
	check_expr(ctx, "😀　，。", "");
	expr_of(ctx, "", got, sizeof(got));
	assert_string_equal(got, "");

	/* at most FTS_QUERY_MAX_TERMS terms */
	q[0] = '\0';
	for (int i = 0; i < 60; i++)
		snprintf(q + strlen(q), sizeof(q) - strlen(q), "%d ", i);
	expr_of(ctx, q, got, sizeof(got));
	for (const char *p = got; (p = strstr(p, " AND ")) != NULL; p++)
		ands++;
	assert_int_equal(ands, FTS_QUERY_MAX_TERMS - 1);
	/* at most FTS_QUERY_MAX_BYTES bytes, never cutting a character */
	q[0] = '\0';
	for (int i = 0; i < 100; i++)
		snprintf(q + strlen(q), sizeof(q) - strlen(q), "招");
	expr_of(ctx, q, got, sizeof(got));
	assert_int_equal(strlen(got), 2 + 3 * (FTS_QUERY_MAX_BYTES / 3));
	assert_true(utf8_valid(got, strlen(got)));
}

/* Every allocation failure gives ERR_NOMEM and "", never a partial
 * expression. */
static void test_match_expr_nomem(void **state)
{
	struct fts_ctx *ctx = *state;
	const char *q = "桐教（2020）103号 教育局 招生", *expr;
	char want[256];
	int rc = ERR_NOMEM;

	expr_of(ctx, q, want, sizeof(want));
	for (long k = 1; rc; k++) {
		struct arena a;

		arena_init(&a, 0);
		a.fail_at = k;
		rc = fts_match_expr(ctx, &a, q, strlen(q), &expr);
		if (rc) {
			assert_int_equal(rc, ERR_NOMEM);
			assert_string_equal(expr, "");
		} else {
			assert_string_equal(expr, want);
		}
		arena_release(&a);
		assert_true(k < 100);
	}
}

/* ---- recall ---- */

static bool ascii_alnum(const char *p)
{
	return (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
}

/* Every substring of 2..6 characters of text finds item id, except those
 * that start or end inside an ASCII word (ASCII tokens are whole words). */
static int check_substrings(sqlite3 *db, struct fts_ctx *ctx, const char *text, long long id)
{
	size_t off[512], nch = 0;
	const char *cur = text, *end = text + strlen(text);
	long long ids[64];
	int checked = 0;

	while (cur < end) {
		assert_true(nch < sizeof(off) / sizeof(off[0]) - 1);
		off[nch++] = (size_t)(cur - text);
		utf8_next(&cur, end);
	}
	off[nch] = (size_t)(end - text);
	for (size_t i = 0; i < nch; i++) {
		for (size_t len = 2; len <= 6 && i + len <= nch; len++) {
			char sub[64];
			size_t a = off[i], b = off[i + len];
			int n;

			if (i > 0 && ascii_alnum(text + a) && ascii_alnum(text + off[i - 1]))
				continue;
			if (i + len < nch && ascii_alnum(text + b) &&
			    ascii_alnum(text + off[i + len - 1]))
				continue;
			memcpy(sub, text + a, b - a);
			sub[b - a] = '\0';
			n = search(db, ctx, sub, ids, 64);
			if (n == 0) {
				char expr[512];

				expr_of(ctx, sub, expr, sizeof(expr));
				if (!*expr)
					continue; /* only punctuation */
				fail_msg("\"%s\" (%s) found nothing", sub, expr);
			}
			if (!has_id(ids, n < 64 ? n : 64, id))
				fail_msg("\"%s\" did not find item %lld", sub, id);
			checked++;
		}
	}
	return checked;
}

static void test_recall_every_substring(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	int checked = 0;

	checked += check_substrings(db, ctx, T1, 1);
	checked += check_substrings(db, ctx, B1, 1);
	checked += check_substrings(db, ctx, T2, 2);
	checked += check_substrings(db, ctx, B2, 2);
	print_message("%d substrings checked\n", checked);
	assert_true(checked > 1000);
	sqlite3_close(db);
}

/* Strings that cut across the words a segmenter would make. */
static void test_recall_across_words(void **state)
{
	static const char *const hits[] = {
		"育阶", "段民办", "务教育阶", "市义", "好2020年桐乡", "校招生入", "的通知",
		"事处，市级", "电脑随机录", "机录取", "教育局将会同", "二十名", "0573-88012345",
	};
	static const char *const misses[] = {
		"教育阶段民办小学", "招生入学工作的公告", "量子引力弦论", "2021年桐乡", "阶育",
	};
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	long long ids[16];
	int n;

	for (size_t i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
		n = search(db, ctx, hits[i], ids, 16);
		if (!has_id(ids, n, 1) && !has_id(ids, n, 2))
			fail_msg("\"%s\" found neither item 1 nor 2", hits[i]);
	}
	for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
		if (search(db, ctx, misses[i], ids, 16) != 0)
			fail_msg("\"%s\" found item %lld", misses[i], ids[0]);
	/* terms are ANDed: each may be anywhere in the item */
	n = search(db, ctx, "通知 电脑随机录取 桐教", ids, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 1);
	sqlite3_close(db);
}

/* ---- ranking ---- */

static void test_doc_no_first(void **state)
{
	static const char *const forms[] = {
		"桐教〔2020〕103号", "桐教[2020]103号", "桐教［2020］103号", "桐教【2020】103号",
		"桐教（2020）103号", "桐教(2020)103号", " 桐教〔2020〕103号 ", "桐教〔２０２０〕１０３号",
		"桐教〔2020〕103",
	};
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	long long ids[16];
	int n;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		n = search(db, ctx, forms[i], ids, 16);
		/* the item itself, then the report citing it in its body */
		assert_int_equal(n, 2);
		assert_int_equal(ids[0], 1);
		assert_int_equal(ids[1], 4);
	}
	/* the same 代字 with another year or serial is another document */
	n = search(db, ctx, "桐教〔2020〕104号", ids, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);
	n = search(db, ctx, "桐教〔2020〕1031号", ids, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 5);
	n = search(db, ctx, "桐政办〔2020〕103号", ids, 16);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 3);
	/* the 代字 alone finds all its documents, doc_no hits first */
	n = search(db, ctx, "桐教", ids, 16);
	assert_int_equal(n, 5);
	assert_false(has_id(ids, n, 3));
	sqlite3_close(db);
}

/* bm25(items_fts, 10.0, 10.0, 1.0) alone lets body hits on a rare term
 * beat a title hit on a common one (FTS5 clamps the IDF of a term in more
 * than half of the rows to ~0); FTS_ORDER_BY puts title hits first. */
static void test_title_hits_first(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, false);
	struct arena a;
	const char *expr;
	long long ids[32];
	char title[64];
	int n;

	for (int i = 0; i < 8; i++) {
		snprintf(title, sizeof(title), "第%d期工作简报", i + 1);
		insert(db, 100 + i, title, "",
		       "现将有关情况通知如下：各单位要加强安全生产管理，落实主体责任。");
	}
	insert(db, 1, "关于开展专项行动的通知", "桐建〔2020〕1号",
	       "本周开展河道保洁工作，请各单位做好准备。");
	insert(db, 2, "城乡环境整治工作简报", "",
	       "河道保洁、道路保洁、小区保洁和公厕保洁工作全面推进，另附通知一份。");
	insert(db, 3, "保洁", "", "本月工作安排见通知。");

	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, "通知 保洁", strlen("通知 保洁"), &expr), 0);
	n = run_match(db, sql_search_bm25, expr, ids, 32);
	assert_int_equal(n, 3);
	/* the failure: body-only item 2 above item 1, whose title has 通知 */
	assert_true(ids[0] == 2 || ids[1] == 2);
	assert_true(ids[2] == 1);
	n = run_match(db, sql_search, expr, ids, 32);
	assert_int_equal(n, 3);
	assert_int_equal(ids[2], 2); /* items 1 and 3 have title hits */
	arena_release(&a);

	/* one term: title hit first with both orderings */
	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, "保洁", strlen("保洁"), &expr), 0);
	n = run_match(db, sql_search_bm25, expr, ids, 32);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 3);
	n = run_match(db, sql_search, expr, ids, 32);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 3);
	arena_release(&a);
	sqlite3_close(db);
}

/* ---- hostile input ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_never_fails(sqlite3 *db, struct fts_ctx *ctx, const char *q, size_t n)
{
	struct arena a;
	const char *expr;
	long long ids[4];

	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, q, n, &expr), 0);
	assert_true(utf8_valid(expr, strlen(expr)));
	if (*expr)
		run_match(db, sql_search, expr, ids, 4);
	arena_release(&a);
}

static void test_hostile_inputs(void **state)
{
	static const char *const inputs[] = {
		"\"", "\"\"", "*", "(", ")", "NEAR(", "NEAR(招生 教育, 2)", "AND", "OR", "NOT",
		"招生 AND", "OR 招生", "-", "-招生", "^", "^招生", "招生*", "title:招生", "{招生}",
		"'; DROP TABLE items;--", "\\", "%", "_", "\"招生", "招生\"", ":", "+", "~",
		"<script>alert(1)</script>", "", "   ", "\u3000\u3000", "\u200b", "😀😀", "桐教〔",
		"〕103号", "\xff", "\xff\xfe", "\xc3\x28", "\xe6\x8b", "\xed\xa0\x80", "\x1b",
		"\xe6\x8b\x9b\xff\xe7\x94\x9f", "\r\n", "*招生*", "招生:*", "\"\"\"\"", "a\"b",
		"(((((((((((", "NEAR/3", "{title}:x", "- 招 -", "教*育", "=", "=教育局", "==教育局",
	};
	static const char *const frags[] = {
		"\"", "*", "(", ")", "NEAR(", " AND ", " OR ", " NOT ", "-", "^", ":", "{", "}", "+",
		" ", "　", "教育", "局", "号", "〔", "）", "\xff", "\xe6\x95", "a", "1", "title:",
		"招生", "，", "=", "\x01", "\x02", "ｘ", "𠀀",
	};
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	uint64_t s = 0x9E3779B97F4A7C15ULL;
	char buf[1200];
	char nul[] = "招\0生";

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		check_never_fails(db, ctx, inputs[i], strlen(inputs[i]));
	check_never_fails(db, ctx, nul, sizeof(nul) - 1);
	for (int i = 0; i < 300; i++) {
		size_t n = 0, len = rnd(&s) % 300;

		if (i % 3 == 0) { /* raw random bytes */
			for (n = 0; n < len; n++)
				buf[n] = (char)(rnd(&s) & 0xFF);
		} else { /* random mixes of syntax, CJK and invalid bytes */
			while (n < len) {
				const char *f = frags[rnd(&s) % (sizeof(frags) / sizeof(frags[0]))];
				size_t fl = strlen(f);

				if (n + fl > sizeof(buf))
					break;
				memcpy(buf + n, f, fl);
				n += fl;
			}
		}
		check_never_fails(db, ctx, buf, n);
	}
	/* long inputs are cut, not refused */
	memset(buf, 'a', 1000);
	check_never_fails(db, ctx, buf, 1000);
	for (int i = 0; i < 300; i++)
		memcpy(buf + 3 * i, "招", 3);
	check_never_fails(db, ctx, buf, 900);
	sqlite3_close(db);
}

/* Raw MATCH strings go through the tokenizer in query mode; they may be
 * FTS5 syntax errors, but tokenizing never fails and substrings match. */
static void test_raw_match(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	long long ids[16];
	int n;

	n = run_match(db, sql_search, "教育局", ids, 16);
	assert_true(n >= 3);
	n = run_match(db, sql_search, "\"义务教育阶段\"", ids, 16);
	assert_int_equal(n, 1);
	n = run_match(db, sql_search, "民办*", ids, 16);
	assert_int_equal(n, 2);
	n = run_match(db, sql_search, "\"=义务教育\"", ids, 16);
	assert_int_equal(n, 2);
	sqlite3_close(db);
}

/* ---- snippets and highlighting ---- */

static void check_html(const char *in, size_t n, const char *want)
{
	struct arena a;
	const char *out;

	arena_init(&a, 0);
	assert_int_equal(fts_snippet_html(&a, in, n, &out), 0);
	assert_string_equal(out, want);
	arena_release(&a);
}

static void test_snippet_html(void **state)
{
	struct arena a;
	const char *out = "x";

	check_html("", 0, "");
	check_html("a < b & \"c\" > 'd'", 17, "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;");
	check_html("市\x01教育局\x02长", strlen("市\x01教育局\x02长"), "市<mark>教育局</mark>长");
	/* touching, overlapping, nested and unbalanced markers */
	check_html("\x01教育\x02\x01局长\x02", strlen("\x01教育\x02\x01局长\x02"),
		   "<mark>教育局长</mark>");
	check_html("\x01教\x01育\x02局\x02长", strlen("\x01教\x01育\x02局\x02长"),
		   "<mark>教育局</mark>长");
	check_html("a\x02" "b\x01" "c", 5, "ab<mark>c</mark>");
	check_html("\x01<x>\x02 \x01&\x02", 9, "<mark>&lt;x&gt;</mark> <mark>&amp;</mark>");
	check_html("\x01\x02", 2, "");
	check_html("…\x01招生\x02…", strlen("…\x01招生\x02…"), "…<mark>招生</mark>…");
	/* invalid UTF-8 and control characters */
	check_html("a\xff" "b\x00" "c\x1b" "d\te\n", 10, "a\xef\xbf\xbd" "bcd\te\n");
	arena_init(&a, 0);
	assert_int_equal(fts_snippet_html(&a, NULL, 0, &out), 0);
	assert_string_equal(out, "");
	a.fail_at = 1;
	assert_int_equal(fts_snippet_html(&a, "abc", 3, &out), ERR_NOMEM);
	assert_string_equal(out, "");
	arena_release(&a);
}

/* Text of the first row of sql for MATCH expr with integer args. */
static void query_text(sqlite3 *db, const char *sql, const char *expr, int a2, int a3,
		       char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	const char *t;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, a2);
	sqlite3_bind_int(st, 3, a3);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: %s", expr, sqlite3_errmsg(db));
	t = (const char *)sqlite3_column_text(st, 0);
	assert_non_null(t);
	assert_true(strlen(t) < cap);
	memcpy(out, t, strlen(t) + 1);
	sqlite3_finalize(st);
}

/* gk_snippet/gk_highlight for query q, then fts_snippet_html. */
static void check_marked(sqlite3 *db, struct fts_ctx *ctx, const char *sql, const char *q,
			 int col, int ntok, const char *want)
{
	char expr[512], text[4096];
	struct arena a;
	const char *html;

	expr_of(ctx, q, expr, sizeof(expr));
	query_text(db, sql, expr, col, ntok, text, sizeof(text));
	arena_init(&a, 0);
	assert_int_equal(fts_snippet_html(&a, text, strlen(text), &html), 0);
	assert_string_equal(html, want);
	arena_release(&a);
}

static void test_snippets_from_db(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, false);

	insert(db, 1, "市教育局长讲话", "桐教〔2020〕103号",
	       "教育局长说：<b>\"加强\"</b> & 'OK'。哈哈哈，教育局局长到会。");
	/* adjacent matches over overlapping bigrams come out as one mark */
	check_marked(db, ctx, sql_highlight, "教育局 局长", 0, 0,
		     "市<mark>教育局长</mark>讲话");
	check_marked(db, ctx, sql_highlight, "哈哈", 2, 0,
		     "教育局长说：&lt;b&gt;&quot;加强&quot;&lt;/b&gt; &amp; &#39;OK&#39;。"
		     "<mark>哈哈哈</mark>，教育局局长到会。");
	check_marked(db, ctx, sql_highlight, "桐教（2020）103号", 1, 0,
		     "<mark>桐教〔2020〕103号</mark>");
	check_marked(db, ctx, sql_highlight, "ok", 2, 0,
		     "教育局长说：&lt;b&gt;&quot;加强&quot;&lt;/b&gt; &amp; &#39;<mark>OK</mark>&#39;。"
		     "哈哈哈，教育局局长到会。");
	/* a window of 6 positions around the match, with ellipses */
	check_marked(db, ctx, sql_snippet, "到会", 2, 6, "…育局局长<mark>到会</mark>。");
	check_marked(db, ctx, sql_snippet, "哈哈", 2, 5, "…OK&#39;。<mark>哈哈哈</mark>，教育…");
	/* col -1: the column with the best window */
	check_marked(db, ctx, sql_snippet, "讲话", -1, 24, "市教育局长<mark>讲话</mark>");
	sqlite3_close(db);
}

/* ---- keeping the index in step with the content table ---- */

static void test_update_delete(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	long long ids[16];

	exec(db, sql_integrity);
	assert_int_equal(search(db, ctx, "电脑随机录取", ids, 16), 1);
	exec(db, "UPDATE items SET body = '本通知已废止，请以新发布的招生办法为准。',"
		 " title = '关于废止义务教育阶段招生通知的决定' WHERE id = 1");
	exec(db, sql_integrity);
	assert_int_equal(search(db, ctx, "电脑随机录取", ids, 16), 0);
	assert_int_equal(search(db, ctx, "废止", ids, 16), 1);
	assert_int_equal(ids[0], 1);
	/* the 文号 did not change and still finds it first */
	assert_int_equal(search(db, ctx, "桐教〔2020〕103号", ids, 16), 2);
	assert_int_equal(ids[0], 1);
	exec(db, "DELETE FROM items WHERE id = 1");
	exec(db, sql_integrity);
	assert_int_equal(search(db, ctx, "废止", ids, 16), 0);
	assert_int_equal(search(db, ctx, "桐教〔2020〕103号", ids, 16), 1);
	assert_int_equal(ids[0], 4);
	exec(db, "DELETE FROM items");
	exec(db, sql_integrity);
	assert_int_equal(search(db, ctx, "教育", ids, 16), 0);
	/* a rebuild from the content table gives the same index */
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		insert(db, docs[i].id, docs[i].title, docs[i].doc_no, docs[i].body);
	exec(db, "INSERT INTO items_fts(items_fts) VALUES ('rebuild')");
	exec(db, sql_integrity);
	assert_int_equal(search(db, ctx, "义务教育", ids, 16), 2);
	sqlite3_close(db);
}

static void test_contentless(void **state)
{
	struct fts_ctx *ctx = *state;
	sqlite3 *db = NULL;
	struct arena a;
	const char *expr;
	long long ids[4];

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_register(db, ctx), 0);
	exec(db, "CREATE VIRTUAL TABLE c USING fts5(title, doc_no, body, content='', tokenize='gk');"
		 "INSERT INTO c(rowid, title, doc_no, body) VALUES (7, '" T1 "', '桐教〔2020〕103号', '" B1 "')");
	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, "育阶 桐教[2020]103号",
					strlen("育阶 桐教[2020]103号"), &expr), 0);
	assert_int_equal(run_match(db, "SELECT rowid FROM c WHERE c MATCH ?1 ORDER BY rank", expr,
				   ids, 4), 1);
	assert_int_equal(ids[0], 7);
	arena_release(&a);
	/* a tokenizer option is an error, not ignored */
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE d USING fts5(x, tokenize='gk x')",
					  NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* ---- threads and setup ---- */

struct worker {
	struct fts_ctx *ctx;
	const char *want_tokens;
	const char *want_expr;
	int ok;
};

static void *work(void *p)
{
	struct worker *w = p;

	w->ok = 1;
	for (int i = 0; i < 200 && w->ok; i++) {
		struct toks t = { .n = 0 };
		struct arena a;
		const char *expr;

		if (fts_tokenize(w->ctx, B1, strlen(B1), FTS_TOK_WORDS, collect_plain, &t) ||
		    strcmp(t.s, w->want_tokens) != 0)
			w->ok = 0;
		arena_init(&a, 0);
		if (fts_match_expr(w->ctx, &a, "教育局 桐教（2020）103号", strlen("教育局 桐教（2020）103号"),
				   &expr) || strcmp(expr, w->want_expr) != 0)
			w->ok = 0;
		arena_release(&a);
	}
	return NULL;
}

static void test_threads_share_ctx(void **state)
{
	struct fts_ctx *ctx = *state;
	struct toks t = { .n = 0 };
	struct worker w[4];
	pthread_t th[4];
	char expr[256];

	assert_int_equal(fts_tokenize(ctx, B1, strlen(B1), FTS_TOK_WORDS, collect_plain, &t), 0);
	assert_non_null(strstr(t.s, " +人民共和国 "));
	expr_of(ctx, "教育局 桐教（2020）103号", expr, sizeof(expr));
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ ctx, t.s, expr, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(w[i].ok);
	}
}

static void test_ctx_errors(void **state)
{
	struct fts_ctx *ctx = (struct fts_ctx *)state; /* any non-NULL value */
	char dir[] = "/tmp/gk_fts_XXXXXX", ini[64];
	FILE *f;

	assert_int_equal(fts_ctx_new("/nonexistent/friso.ini", &ctx), ERR_IO);
	assert_null(ctx);
	/* a configuration whose lexicon directory has no dictionary */
	assert_non_null(mkdtemp(dir));
	snprintf(ini, sizeof(ini), "%s/friso.ini", dir);
	f = fopen(ini, "w");
	assert_non_null(f);
	fprintf(f, "friso.lex_dir = %s/\nfriso.max_len = 5\n", dir);
	fclose(f);
	ctx = (struct fts_ctx *)state;
	assert_int_equal(fts_ctx_new(ini, &ctx), ERR_IO);
	assert_null(ctx);
	unlink(ini);
	rmdir(dir);
	fts_ctx_free(NULL);
}

/* The same dictionary gives the same fingerprint; another max_len (so
 * another word set) gives another. */
static void test_dict_fingerprint(void **state)
{
	struct fts_ctx *ctx = *state, *again = NULL, *shorter = NULL;
	char dir[] = "/tmp/gk_fts_XXXXXX", ini[64];
	FILE *f;

	assert_int_not_equal(fts_dict_fingerprint(ctx), 0);
	assert_int_equal(fts_dict_fingerprint(NULL), 0);
	assert_int_equal(fts_ctx_new(NULL, &again), 0);
	assert_true(fts_dict_fingerprint(again) == fts_dict_fingerprint(ctx));
	fts_ctx_free(again);
	assert_non_null(mkdtemp(dir));
	snprintf(ini, sizeof(ini), "%s/friso.ini", dir);
	f = fopen(ini, "w");
	assert_non_null(f);
	fprintf(f, "friso.lex_dir = /usr/share/friso/dict/UTF-8/\nfriso.max_len = 4\n");
	fclose(f);
	assert_int_equal(fts_ctx_new(ini, &shorter), 0);
	assert_true(fts_dict_fingerprint(shorter) != fts_dict_fingerprint(ctx));
	fts_ctx_free(shorter);
	unlink(ini);
	rmdir(dir);
}


/* ---- backends without FTS5: tsvector, tsquery, marks ---- */

static void check_tsquery(struct fts_ctx *ctx, const char *q, const char *want, const char *want_title)
{
	struct arena a;
	const char *expr, *m, *t;

	arena_init(&a, 0);
	assert_int_equal(fts_match_expr(ctx, &a, q, strlen(q), &expr), 0);
	assert_int_equal(fts_tsquery(ctx, &a, expr, &m, &t), 0);
	assert_string_equal(m, want);
	assert_string_equal(t, want_title);
	arena_release(&a);
}

/* The MATCH expression's phrases, prefixes, AND and OR in tsquery syntax,
 * lexemes as FTS5 tokenizes the strings; anything else is refused. */
static void test_tsquery_shapes(void **state)
{
	static const char *const bad[] = {
		"NOT \"a\"", "\"a\" NOT \"b\"", "\"a\" : \"b\"", "{title} : \"a\"", "(\"a\"", "\"a\")", "",
		"\"a\" OR", "\"a", "\"a\" NEAR \"b\"", "^\"a\"", "\"a\" + \"b\"",
	};
	struct fts_ctx *ctx = *state;
	struct arena a;
	const char *m, *t;

	check_tsquery(ctx, "教育局", "(((('教育局') | ('教育' <-> '育局'))))",
		      "('教育局':A) | ('教育':A <-> '育局':A)");
	check_tsquery(ctx, "教", "(('教':*))", "('教':*A)");
	check_tsquery(ctx, "桐教（2020）103号",
		      "(((('桐教' <-> '教' <-> '2020' <-> '103' <-> '号') | ('桐教' <-> '教' <-> '2020' <-> '103'))))",
		      "('桐教':A <-> '教':A <-> '2020':A <-> '103':A <-> '号':A) | "
		      "('桐教':A <-> '教':A <-> '2020':A <-> '103':A)");
	check_tsquery(ctx, "OK，招生", "(('ok') & ('招生'))", "('ok':A) | ('招生':A)");
	arena_init(&a, 0);
	/* hand-written FTS5 of the same grammar: barewords, explicit AND */
	assert_int_equal(fts_tsquery(ctx, &a, "(a AND \"b c\") OR d*", &m, &t), 0);
	assert_string_equal(m, "(((('a') & ('b' <-> 'c'))) | ('d':*))");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fts_tsquery(ctx, &a, bad[i], &m, &t) != ERR_INVALID)
			fail_msg("%s: not refused", bad[i]);
	arena_release(&a);
}

/* A document's tokens with their positions (a gap between columns) and
 * weights, the dictionary words colocated. */
static void test_tsvector_text(void **state)
{
	struct fts_ctx *ctx = *state;
	struct fts_col cols[] = {
		{ "研究生招生", strlen("研究生招生"), 'A' }, { "", 0, 'A' }, { "It's 局长", strlen("It's 局长"), 'B' },
	};
	struct arena a;
	const char *v;

	arena_init(&a, 0);
	assert_int_equal(fts_tsvector(ctx, &a, cols, 3, &v), 0);
	assert_string_equal(v, "'研究':1A '研究生':1A '究生':2A '生招':3A '招生':4A '生':5A "
			       "'it':8B 's':9B '局长':10B '长':11B ");
	assert_int_equal(fts_tsvector(ctx, &a, cols, 0, &v), 0);
	assert_string_equal(v, "");
	arena_release(&a);
}

/* fts_mark gives what gk_highlight and gk_snippet give on FTS5, for every
 * matching row and column of the documents, on a set of queries. */
static void test_marks_as_fts5(void **state)
{
	static const char *const fixed[] = {
		"教育", "义务教育", "民办学校 招生", "教", "桐教〔2020〕103号", "招生计划", "2020", "局 教育局",
		"通知", "年度报告 公开", "中华人民共和国", "各", "工作", "河长制", "学校",
	};
	static const int ntoks[] = { 0, 40, 6, 1 };
	struct fts_ctx *ctx = *state;
	sqlite3 *db = db_open(ctx, true);
	int checked = 0;
	const char *queries[sizeof(fixed) / sizeof(fixed[0]) + 48];
	char subs[48][32];
	uint64_t seed = 7;

	/* the fixed queries, then pairs of substrings of the first body */
	memcpy(queries, fixed, sizeof(fixed));
	for (size_t i = 0; i < 48; i++) {
		size_t nc = strlen(B1) / 3, len = 1 + rnd(&seed) % 3, off = rnd(&seed) % (nc - len);
		int k = snprintf(subs[i], sizeof(subs[i]), "%.*s ", (int)(3 * len), B1 + 3 * off);

		len = 1 + rnd(&seed) % 3;
		off = rnd(&seed) % (nc - len);
		snprintf(subs[i] + k, sizeof(subs[i]) - (size_t)k, "%.*s", (int)(3 * len), B1 + 3 * off);
		queries[sizeof(fixed) / sizeof(fixed[0]) + i] = subs[i];
	}
	for (size_t qi = 0; qi < sizeof(fixed) / sizeof(fixed[0]) + 48; qi++) {
		for (int col = 0; col < 3; col++) {
			for (size_t k = 0; k < sizeof(ntoks) / sizeof(ntoks[0]); k++) {
				const char *sql = ntoks[k] ? "SELECT rowid, gk_snippet(items_fts, ?2, char(1), char(2), '…', ?3) "
							     "FROM items_fts WHERE items_fts MATCH ?1"
							   : "SELECT rowid, gk_highlight(items_fts, ?2, char(1), char(2)) "
							     "FROM items_fts WHERE items_fts MATCH ?1";
				const char *expr, *mine;
				sqlite3_stmt *st = NULL;
				struct arena a;

				arena_init(&a, 0);
				assert_int_equal(fts_match_expr(ctx, &a, queries[qi], strlen(queries[qi]), &expr), 0);
				assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
				sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
				sqlite3_bind_int(st, 2, col);
				sqlite3_bind_int(st, 3, ntoks[k]);
				while (sqlite3_step(st) == SQLITE_ROW) {
					long long id = sqlite3_column_int64(st, 0);
					const char *fts5 = (const char *)sqlite3_column_text(st, 1);
					const struct doc *d = &docs[id - 1];
					const char *text = col == 0 ? d->title : col == 1 ? d->doc_no : d->body;

					assert_int_equal(d->id, id);
					assert_int_equal(fts_mark(ctx, &a, expr, text, ntoks[k], &mine), 0);
					if (strcmp(mine, fts5 ? fts5 : "") != 0)
						fail_msg("%s, doc %lld col %d ntok %d:\n fts5 %s\n mine %s", queries[qi],
							 id, col, ntoks[k], fts5, mine);
					checked++;
				}
				sqlite3_finalize(st);
				arena_release(&a);
			}
		}
	}
	assert_true(checked > 300);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenize_basic),
		cmocka_unit_test(test_tokenize_long_runs),
		cmocka_unit_test(test_tokenize_doc_no_forms),
		cmocka_unit_test(test_tokenize_callback_stops),
		cmocka_unit_test(test_match_expr_shapes),
		cmocka_unit_test(test_match_expr_nomem),
		cmocka_unit_test(test_recall_every_substring),
		cmocka_unit_test(test_recall_across_words),
		cmocka_unit_test(test_doc_no_first),
		cmocka_unit_test(test_title_hits_first),
		cmocka_unit_test(test_words_rank_higher),
		cmocka_unit_test(test_hostile_inputs),
		cmocka_unit_test(test_raw_match),
		cmocka_unit_test(test_snippet_html),
		cmocka_unit_test(test_snippets_from_db),
		cmocka_unit_test(test_update_delete),
		cmocka_unit_test(test_contentless),
		cmocka_unit_test(test_threads_share_ctx),
		cmocka_unit_test(test_ctx_errors),
		cmocka_unit_test(test_dict_fingerprint),
		cmocka_unit_test(test_tsquery_shapes),
		cmocka_unit_test(test_tsvector_text),
		cmocka_unit_test(test_marks_as_fts5),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
