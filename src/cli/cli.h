/* cli.h - the subcommands of `gongkai` and the helpers they share.
 *
 * src/main.c owns the dispatch table (name, handler, summary, usage) and the
 * global option --db; each handler gets the command's context and its own
 * argv (argv[0] is the command name) and returns a process exit status:
 * 0 success, 1 runtime error, 2 usage error. Every error is reported as one
 * line on stderr, in Chinese, prefixed "gongkai: ", before returning. */
#ifndef GK_CLI_CLI_H
#define GK_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

struct arena;
struct db;
struct fts_ctx;
struct org;

#define GONGKAI_VERSION "0.1.0"

/* Process exit statuses. */
enum cli_exit {
	CLI_OK = 0,
	CLI_FAIL = 1,   /* runtime error: database, file, bad data */
	CLI_USAGE = 2,  /* unknown command or option, missing argument, bad value */
	CLI_HELP = 3,   /* --help was printed: stop here; main exits 0 */
};

/* What a handler knows about how it was called. */
struct cli {
	const char *db_path;  /* --db, $GONGKAI_DB or "gongkai.db" */
	const char *cmd;      /* the command name as typed, e.g. "user" */
	const char *usage;    /* the command's usage text (from main.c's table) */
};

/* ---- commands (one exit status each, see above) ---- */
int cli_init(const struct cli *c, int argc, char **argv);
int cli_demo(const struct cli *c, int argc, char **argv);
int cli_serve(const struct cli *c, int argc, char **argv);
int cli_deliver(const struct cli *c, int argc, char **argv);
int cli_user(const struct cli *c, int argc, char **argv);
int cli_import(const struct cli *c, int argc, char **argv);
int cli_backup(const struct cli *c, int argc, char **argv);
int cli_restore(const struct cli *c, int argc, char **argv);
int cli_audit(const struct cli *c, int argc, char **argv);
int cli_store(const struct cli *c, int argc, char **argv);
int cli_search(const struct cli *c, int argc, char **argv);
int cli_version(const struct cli *c, int argc, char **argv);
int cli_calendar(const struct cli *c, int argc, char **argv);
int cli_applications(const struct cli *c, int argc, char **argv);
int cli_registers(const struct cli *c, int argc, char **argv);
int cli_report(const struct cli *c, int argc, char **argv);
int cli_publish_static(const struct cli *c, int argc, char **argv);
int cli_feed(const struct cli *c, int argc, char **argv);
/* The export feed's signing key beside the database ("<db>.feed-key" in
 * buf), or NULL when the database is not a file (PostgreSQL). */
const char *cli_feed_key_default(const struct cli *c, char *buf, size_t n);

/* c->db_path as it may be shown: a PostgreSQL connection string with its
 * password replaced by "***" (thread-local buffer, valid until the next
 * call). */
const char *cli_db_label(const struct cli *c);
int cli_org(const struct cli *c, int argc, char **argv);
int cli_demo_tree(const struct cli *c, int argc, char **argv);

/* ---- messages ---- */
/* Print "gongkai: <message>" on stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "gongkai: <message>（用法见 gongkai CMD --help）" on stderr;
 * returns CLI_USAGE. */
int cli_usage_fail(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A command with subcommands ("user add", "calendar due"): run the one
 * named by argv[1] with argv shifted by one, print c->usage for --help, or
 * fail with a usage error naming the choices (list: "add、passwd、list"). */
struct cli_sub {
	const char *name;
	int (*run)(const struct cli *c, int argc, char **argv);
};
/* A command without options: handle --help, reject unknown options, and
 * check that there are min..max operands (what names them in the usage
 * error). Returns 0 with optind at the first operand, or the exit code. */
int cli_args(const struct cli *c, int argc, char **argv, int min, int max, const char *what);
int cli_subcommand(const struct cli *c, int argc, char **argv, const struct cli_sub *subs, size_t n,
		   const char *list);
/* A Chinese phrase for an enum err (static storage). */
const char *cli_err_text(int e);
/* A Chinese phrase for an errno value (static storage; strerror for the
 * rare ones). */
const char *cli_errno_text(int e);

/* ---- option parsing ---- */
enum {
	CLI_OPT_END = -1,   /* no more options: operands start at optind */
	CLI_OPT_BAD = -2,   /* usage error, already reported */
	CLI_OPT_HELP = -3,  /* --help: usage already printed on stdout */
};
/* getopt_long over argv (argv[0] is the command), GNU argument
 * permutation, with Chinese messages. --help/-h is handled here for every
 * command, so opts need not list it. Call cli_opt_reset() before the first
 * call for an argv. Returns an option's val, or one of CLI_OPT_*. */
void cli_opt_reset(void);
int cli_opt(const struct cli *c, int argc, char **argv, const char *shortopts, const struct option *opts);
/* The exit status for a cli_opt result that ended the loop other than
 * CLI_OPT_END: CLI_HELP for help (nonzero, so the command stops; main
 * turns it into exit status 0), CLI_USAGE otherwise. */
int cli_opt_exit(int o);
/* Check the operand count after the options: between min and max operands
 * at argv[optind..]; names are for the message ("FILE"). Returns 0 or
 * CLI_USAGE (reported). */
int cli_operands(const struct cli *c, int argc, char **argv, int min, int max, const char *names);

/* ---- database ---- */
/* Does the database file exist? If not, reports it (suggesting `gongkai
 * init`) and returns CLI_FAIL; 0 when it exists. */
int cli_db_require(const struct cli *c);
/* Open (or create) the database with the search tokenizer and, when
 * migrate, apply pending migrations. *db and *fts are the caller's to close
 * with cli_db_close (also on failure, where they may be NULL). *applied (may
 * be NULL) gets how many migrations ran. Returns 0 or CLI_FAIL (reported). */
int cli_db_open(const struct cli *c, bool migrate, struct db **db, struct fts_ctx **fts, int *applied);
void cli_db_close(struct db *db, struct fts_ctx *fts);

/* The data directory that holds the file probe (a path relative to it,
 * e.g. "cn-calendar.tsv"): $GONGKAI_DATA when set (and then only it), else
 * the first of ./data, the executable's ../data and /usr/share/gongkai.
 * *out is static or arena memory. ERR_NOT_FOUND (not reported: the caller
 * says what is missing). */
int cli_data_dir(struct arena *a, const char *probe, const char **out);

/* "YYYY-MM-DDTHH:MM:SSZ" now (21 bytes room). */
void cli_now(char out[21]);

/* ---- names ---- */
/* An org slug: 1-40 of a-z, 0-9 and '-', not starting or ending with '-'. */
bool cli_slug_valid(const char *s);
/* A login name: 1-64 of ASCII letters, digits, '.', '_' and '-', starting
 * with a letter or digit. */
bool cli_username_valid(const char *s);
/* An 机构代码: 1-40 of ASCII letters, digits and '-'. */
bool cli_org_code_valid(const char *s);

/* ---- users and passwords ---- */
/* Is role one of the six roles? */
int cli_role_valid(const char *role);
/* Read one line from stdin as a password (newline stripped; on a terminal,
 * prompted on stderr without echo and asked twice). *out is arena memory.
 * Returns 0 or CLI_FAIL (reported: empty, mismatch, too long, weak). */
int cli_read_password(struct arena *a, const char **out);
/* Create a staff user with one role in org, inside the caller's
 * transaction. password NULL means generate one: *generated then points to
 * it (arena memory). Returns 0 or CLI_FAIL (reported: name taken, bad
 * name). */
int cli_user_create(struct db *db, struct arena *a, const struct org *org, const char *username,
		    const char *display, const char *role, const char *password, const char *now,
		    const char **generated);

/* ---- import ---- */
/* Load the catalog items of an items.tsv (see cli_import.c for the format)
 * from f into org, inside the caller's transaction: each row is checked
 * and stored published with its 索引号, in order of 发布日期 then line
 * (so serials follow publication order). name is
 * the file's name for messages. On any bad row, reports it on stderr with
 * its line number and returns CLI_FAIL: the caller rolls back, so nothing is
 * imported. *count gets the rows imported. */
int cli_import_tsv(struct db *db, const struct org *org, FILE *f, const char *name, long long *count);

/* ---- applications ---- */
/* Load the applications of a JSON file (see cli_apps.c for the format)
 * into org through the domain procedure, as user_id (actor in the
 * history), inside the caller's transaction. Reports the first bad one and
 * returns CLI_FAIL (the caller rolls back); *count gets how many loaded. */
int cli_apps_load(struct db *db, struct arena *a, const struct org *org, long long user_id, const char *actor,
		  const char *path, long long *count);

/* ---- calendar ---- */
/* Load the shipped national calendar (cn-calendar.tsv of the data
 * directory) into org when it covers no year yet, inside the caller's
 * transaction. *summary gets a line saying what was loaded (arena memory),
 * or NULL when nothing was: the org had a calendar, or no data file was
 * found (then a note is printed on stderr, not an error). Returns 0 or
 * CLI_FAIL (reported: unreadable or bad file, database). */
int cli_calendar_seed(struct db *db, struct arena *a, long long org_id, const char **summary);

#endif
