/* csvio.h - CSV import and export for the registers (政民互动, 建议提案,
 * 复议诉讼, 第二十条 registers, channel figures).
 *
 * Input: agencies' spreadsheets are saved as UTF-8 (with or without BOM)
 * or GBK/GB18030 (Excel's default "CSV" on Chinese Windows). csv_decode
 * turns the bytes into UTF-8: "utf-8" and "gbk" force an encoding, NULL or
 * "auto" takes valid UTF-8 as UTF-8 and anything else as GB18030 (a
 * superset of GBK); bytes that are neither are refused with the line of
 * the first bad byte.
 *
 * Parsing follows RFC 4180: fields separated by ',', optionally quoted
 * with '"' ("" inside quotes is one quote; quoted fields may hold commas
 * and line breaks); records end with LF or CRLF; a header row names the
 * columns. Empty lines are skipped. Every record keeps the line it starts
 * on, for messages.
 *
 * Import is all-or-nothing: csv_import checks every row first (the
 * register's check function, plus duplicates of the register's key within
 * the file) and reports each bad row by line ("第 12 行：……"); only when
 * the whole file is valid, and it is not a dry run, are the rows stored, in
 * one transaction.
 *
 * Output: csv_write_* produce UTF-8 with a BOM (so Excel opens it right),
 * CRLF line ends, fields quoted when they hold ',', '"', CR or LF, or
 * start with '=', '+', '-' or '@' (a leading apostrophe is added to those:
 * spreadsheet formula injection; csv_import drops it again, so an exported
 * file imports unchanged). */
#ifndef GK_DOMAIN_REGISTERS_CSVIO_H
#define GK_DOMAIN_REGISTERS_CSVIO_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;
struct db;

enum {
	CSV_MAX_BYTES = 32 * 1024 * 1024, /* one file */
	CSV_MAX_FIELD = 100000,           /* characters of one field */
	CSV_MAX_COLS = 64,
	CSV_MAX_ERRORS = 100,             /* row errors reported (then "……另有 N 行有误") */
};

/* Bytes in encoding (NULL/"auto", "utf-8", "gbk") to NUL-terminated UTF-8
 * in the arena (a UTF-8 BOM is dropped). ERR_INVALID with *msg (Chinese,
 * naming the line) for bytes invalid in that encoding or an unknown
 * encoding name; ERR_TOO_LARGE over CSV_MAX_BYTES. *used (may be NULL)
 * gets "UTF-8" or "GBK". */
int csv_decode(struct arena *a, const char *bytes, size_t n, const char *encoding, const char **utf8,
	       size_t *len, const char **used, const char **msg);

struct csv_table {
	const char **header;      /* ncols names, trimmed */
	size_t ncols;
	size_t nrows;
	const char ***rows;       /* nrows arrays of ncols fields (missing trailing fields are "") */
	size_t *lines;            /* the line each row starts on (the header is line 1 when first) */
};

/* Parse UTF-8 text (len bytes) into t (arena memory). ERR_INVALID with
 * *msg for an unterminated quote, a quote inside an unquoted field, a row
 * with more fields than the header, no header, more than CSV_MAX_COLS
 * columns or a field over CSV_MAX_FIELD characters. */
int csv_parse(struct arena *a, const char *text, size_t len, struct csv_table *t, const char **msg);

/* One column a register reads. */
struct csv_col {
	const char *name;         /* header text, e.g. "受理日期" */
	bool required;            /* the header must have it (a row may still leave it empty: the check decides) */
};

/* Map a register's columns to the file's: idx[i] is the file column of
 * cols[i], or -1 when an optional column is absent. ERR_INVALID with *msg
 * for a missing required column, an unknown column, or a repeated one. */
int csv_map_columns(struct arena *a, const struct csv_table *t, const struct csv_col *cols, size_t n, int *idx,
		    const char **msg);

/* What one register does with one row: v[i] is the value of cols[i] ("" when
 * absent or empty), trimmed. check validates and may prepare the row
 * (*prepared, arena memory), and returns 0, or ERR_INVALID with *msg (the
 * sentence without the line; the driver adds it) or another error (which
 * stops the import). key (may be NULL) gives the row's identity for
 * duplicate detection within the file (NULL: no key). store writes the
 * prepared row inside the driver's transaction. */
struct csv_register {
	const char *name;                 /* for messages, e.g. 政民互动 */
	const struct csv_col *cols;
	size_t ncols;
	int (*check)(void *ctx, struct arena *a, const char *const *v, void **prepared, const char **key,
		     const char **msg);
	int (*store)(void *ctx, struct db *db, struct arena *a, void *prepared);
	void *ctx;                        /* passed to check and store: org, user, calendar, ... */
	/* progress: called with progress_arg every 1,000 stored rows and at
	 * the end (may be NULL): registers pass reg_ctx's hook through */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

struct csv_report {
	size_t rows;               /* data rows in the file */
	size_t stored;             /* rows stored (0 on a dry run or any error) */
	size_t nerrors;            /* bad rows (all of them, also beyond CSV_MAX_ERRORS) */
	const char **errors;       /* up to CSV_MAX_ERRORS "第 N 行：……" messages */
	const char *encoding;      /* "UTF-8" or "GBK" */
};

/* Decode, parse, map, check every row, and (unless dry_run, and only when
 * every row is valid) store them all in one transaction (db_begin, so a
 * caller's transaction makes it a savepoint). Returns 0 when the file is
 * valid (stored unless dry_run), ERR_INVALID when it is not (rep->errors
 * say why; for a file-level problem one message without a line), or
 * another error. Nothing is stored unless 0 is returned and !dry_run. */
int csv_import(struct db *db, struct arena *a, const struct csv_register *reg, const char *bytes, size_t n,
	       const char *encoding, bool dry_run, struct csv_report *rep);

/* Export helpers: start a file (BOM), write one row of n fields. */
void csv_write_bom(struct buf *b);
void csv_write_row(struct buf *b, const char *const *fields, size_t n);

/* Parsing helpers for check functions (Chinese messages into *msg):
 * a date YYYY-MM-DD (also YYYY/M/D and YYYY年M月D日, as spreadsheets write
 * them) into *day; a non-negative integer (thousands separators allowed)
 * into *v within [min, max]; a money amount in yuan with up to 2 decimals
 * into fen (*fen). Each returns 0 or ERR_INVALID naming the column. */
int csv_date(const char *col, const char *s, long *day, const char **msg, struct arena *a);
int csv_int(const char *col, const char *s, long long min, long long max, long long *v, const char **msg,
	    struct arena *a);
int csv_money(const char *col, const char *s, long long *fen, const char **msg, struct arena *a);

#endif
