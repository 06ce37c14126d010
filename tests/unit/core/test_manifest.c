/* test_manifest.c - the atomic writer (contents replaced whole, parents
 * created, no temporary file left, an unwritable directory leaves the old
 * file) and the static site's manifest (round trip, verification finds a
 * changed, an added and a removed file, and nothing on an intact tree;
 * the journal of a few changes). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/afile.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/manifest.h"
#include "core/banned.h"

static char root[256];

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/gk-manifest-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' && rm -rf '%s'", root, root);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
	return out;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || afile_is_temp(de->d_name))
			n++;
	closedir(d);
	return n;
}

static void test_write_replaces_whole_file(void **state)
{
	char path[400], got[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c/page.html", root);
	assert_int_equal(afile_write(path, "first version", 13, true), 0);
	assert_string_equal(slurp(path, got, sizeof(got)), "first version");
	assert_int_equal(afile_write(path, "2nd", 3, false), 0);
	assert_string_equal(slurp(path, got, sizeof(got)), "2nd");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* the directory holds the page and nothing else: no temporary file */
	snprintf(path, sizeof(path), "%s/a/b/c", root);
	assert_int_equal(count_entries(path), 1);
}

static void test_unwritable_dir_keeps_old_file(void **state)
{
	char dir[400], path[420], got[64];

	if (geteuid() == 0)
		skip(); /* root writes anywhere */
	snprintf(dir, sizeof(dir), "%s/ro", root);
	snprintf(path, sizeof(path), "%s/item.html", dir);
	assert_int_equal(afile_write(path, "published", 9, true), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(afile_write(path, "half", 4, true), ERR_IO);
	assert_string_equal(slurp(path, got, sizeof(got)), "published");
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(chmod(dir, 0755), 0);
}

/* Also as root: a rename that cannot happen (a directory in the way)
 * leaves no temporary file, and a parent that is a file fails cleanly. */
static void test_failed_write_leaves_nothing(void **state)
{
	char path[400], dir[400];

	snprintf(dir, sizeof(dir), "%s/d", root);
	snprintf(path, sizeof(path), "%s/d/page.html/inner", root);
	assert_int_equal(afile_write(path, "x", 1, false), 0);
	snprintf(path, sizeof(path), "%s/d/page.html", root);
	assert_int_equal(afile_write(path, "over a directory", 16, true), ERR_IO);
	assert_int_equal(count_entries(dir), 1);
	snprintf(path, sizeof(path), "%s/d/page.html/inner/deeper.html", root);
	assert_int_equal(afile_write(path, "under a file", 12, true), ERR_IO);
	assert_true(afile_is_temp(".page.html.tmp-a1B2c3"));
	assert_false(afile_is_temp("page.html.tmp-a1B2c3"));
	assert_false(afile_is_temp(".page.html"));
}

static void test_sha256(void **state)
{
	char hex[65], path[400];
	long long size = -1;

	afile_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snprintf(path, sizeof(path), "%s/abc", root);
	assert_int_equal(afile_write(path, "abc", 3, false), 0);
	memset(hex, 0, sizeof(hex));
	assert_int_equal(afile_sha256_file(path, hex, &size), 0);
	assert_int_equal(size, 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snprintf(path, sizeof(path), "%s/missing", root);
	assert_int_equal(afile_sha256_file(path, hex, &size), ERR_NOT_FOUND);
}

/* Write a file under root and list it in m, as the generator does. */
static void put_file(struct manifest *m, const char *rel, const char *text)
{
	char path[400], hex[65];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(afile_write(path, text, strlen(text), false), 0);
	afile_sha256_hex(text, strlen(text), hex);
	assert_int_equal(manifest_put(m, rel, (long long)strlen(text), hex), 0);
}

static void test_manifest_round_trip(void **state)
{
	struct arena a;
	struct manifest m, back;
	const char **paths;
	size_t n;
	char hex[65];

	arena_init(&a, 0);
	assert_int_equal(manifest_load(&a, root, &m), 0); /* none yet: empty */
	assert_int_equal(m.live, 0);
	/* enough entries to make the table grow several times */
	for (int i = 0; i < 5000; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "o/x/items/%d.html", i);
		afile_sha256_hex(rel, strlen(rel), hex);
		assert_int_equal(manifest_put(&m, rel, i, hex), 0);
	}
	manifest_del(&m, "o/x/items/7.html");
	manifest_del(&m, "not/there");
	assert_int_equal(manifest_put(&m, "/abs", 1, hex), ERR_INVALID);
	assert_int_equal(manifest_put(&m, "a\nb", 1, hex), ERR_INVALID);
	assert_int_equal(manifest_save(&m, root, true), 0);
	assert_int_equal(manifest_load(&a, root, &back), 0);
	assert_int_equal(back.live, 4999);
	assert_null(manifest_get(&back, "o/x/items/7.html"));
	assert_non_null(manifest_get(&back, "o/x/items/4999.html"));
	assert_int_equal(manifest_get(&back, "o/x/items/42.html")->size, 42);
	afile_sha256_hex("o/x/items/42.html", strlen("o/x/items/42.html"), hex);
	assert_string_equal(manifest_get(&back, "o/x/items/42.html")->sha256, hex);
	assert_int_equal(manifest_paths(&back, "o/x/items/10", &paths, &n), 0);
	/* 10, 100-109, 1000-1099: sorted */
	assert_int_equal(n, 1 + 10 + 100);
	assert_string_equal(paths[0], "o/x/items/10.html");
	assert_string_equal(paths[1], "o/x/items/100.html");
	arena_release(&a);
}

/* A few changes after a load go to the journal, not a rewrite of every
 * line; a load replays them (a change, an addition, a removal); a journal
 * of another snapshot or a torn last line is left out. */
static void test_manifest_journal(void **state)
{
	struct arena a;
	struct manifest m, back;
	char hex[65], snap[400], jpath[400], before[200000], after[200000], line[200];
	FILE *f;

	arena_init(&a, 0);
	assert_int_equal(manifest_load(&a, root, &m), 0);
	for (int i = 0; i < 1000; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "o/x/items/%d.html", i);
		afile_sha256_hex(rel, strlen(rel), hex);
		assert_int_equal(manifest_put(&m, rel, i, hex), 0);
	}
	assert_int_equal(manifest_save(&m, root, true), 0); /* every path new: a snapshot */
	snprintf(snap, sizeof(snap), "%s/" MANIFEST_NAME, root);
	snprintf(jpath, sizeof(jpath), "%s/" MANIFEST_JOURNAL, root);
	assert_non_null(slurp(snap, before, sizeof(before)));

	assert_int_equal(manifest_load(&a, root, &m), 0);
	afile_sha256_hex("changed", 7, hex);
	assert_int_equal(manifest_put(&m, "o/x/items/5.html", 7, hex), 0);
	assert_int_equal(manifest_put(&m, "o/x/new.html", 7, hex), 0);
	manifest_del(&m, "o/x/items/6.html");
	assert_int_equal(manifest_save(&m, root, true), 0);
	assert_non_null(slurp(snap, after, sizeof(after)));
	assert_string_equal(after, before); /* the snapshot is not rewritten */
	assert_non_null(slurp(jpath, after, sizeof(after)));
	assert_non_null(strstr(after, "- o/x/items/6.html\n"));

	assert_int_equal(manifest_load(&a, root, &back), 0);
	assert_int_equal(back.live, 1000);
	assert_int_equal(manifest_get(&back, "o/x/items/5.html")->size, 7);
	assert_string_equal(manifest_get(&back, "o/x/items/5.html")->sha256, hex);
	assert_non_null(manifest_get(&back, "o/x/new.html"));
	assert_null(manifest_get(&back, "o/x/items/6.html"));
	assert_int_equal(back.ndirty, 0); /* the journal is not a change of this run */

	/* a torn last line (a crash while appending) is left out */
	f = fopen(jpath, "a");
	assert_non_null(f);
	snprintf(line, sizeof(line), "%s 9 o/x/torn.html", hex);
	fputs(line, f);
	fclose(f);
	assert_int_equal(manifest_load(&a, root, &back), 0);
	assert_null(manifest_get(&back, "o/x/torn.html"));
	assert_non_null(manifest_get(&back, "o/x/new.html"));

	/* many changes: a snapshot with a new journal; the old journal put
	 * back beside it (a crash before it was replaced) is ignored */
	assert_non_null(slurp(jpath, before, sizeof(before)));
	manifest_del(&back, "o/x/new.html");
	for (int i = 100; i < 700; i++) {
		snprintf(line, sizeof(line), "o/x/items/%d.html", i);
		manifest_del(&back, line);
	}
	assert_int_equal(manifest_save(&back, root, true), 0);
	assert_non_null(slurp(snap, after, sizeof(after)));
	assert_non_null(strchr(before, '\n'));
	snprintf(line, sizeof(line), "%.*s", (int)(strchr(before, '\n') - before), before);
	assert_null(strstr(after, line)); /* the snapshot names another journal */
	f = fopen(jpath, "w");
	assert_non_null(f);
	fputs(before, f);
	fclose(f);
	assert_int_equal(manifest_load(&a, root, &m), 0);
	assert_int_equal(m.live, 399);
	assert_null(manifest_get(&m, "o/x/new.html"));
	assert_int_equal(manifest_get(&m, "o/x/items/5.html")->size, 7);

	/* the journal removed behind the application's back: a snapshot */
	assert_int_equal(manifest_load(&a, root, &m), 0);
	assert_int_equal(unlink(jpath), 0);
	manifest_del(&m, "o/x/items/5.html");
	assert_int_equal(manifest_save(&m, root, true), 0);
	assert_int_equal(manifest_load(&a, root, &back), 0);
	assert_int_equal(back.live, 398);
	assert_null(manifest_get(&back, "o/x/items/5.html"));
	arena_release(&a);
}

static void test_manifest_malformed(void **state)
{
	struct arena a;
	struct manifest m;
	char path[400];

	arena_init(&a, 0);
	snprintf(path, sizeof(path), "%s/" MANIFEST_NAME, root);
	assert_int_equal(afile_write(path, "not a manifest\n", 15, false), 0);
	assert_int_equal(manifest_load(&a, root, &m), ERR_INVALID);
	assert_int_equal(afile_write(path, "# gongkai static manifest 1\nxyz 3 a\n", 36, false), 0);
	assert_int_equal(manifest_load(&a, root, &m), ERR_INVALID);
	arena_release(&a);
}

static void test_verify_finds_tampering(void **state)
{
	struct arena a;
	struct manifest m;
	struct mf_diff *d;
	size_t n;
	char path[400];

	arena_init(&a, 0);
	assert_int_equal(manifest_verify(&a, root, &d, &n), ERR_NOT_FOUND);
	assert_int_equal(manifest_load(&a, root, &m), 0);
	put_file(&m, "index.html", "<p>home</p>");
	put_file(&m, "o/x/items/1.html", "<p>one</p>");
	put_file(&m, "o/x/items/2.html", "<p>two</p>");
	put_file(&m, "o/x/feed.atom", "<feed/>");
	assert_int_equal(manifest_save(&m, root, false), 0);
	/* a lock file and a temporary file of a write in progress are not changes */
	snprintf(path, sizeof(path), "%s/" MANIFEST_LOCK, root);
	assert_int_equal(afile_write(path, "", 0, false), 0);
	snprintf(path, sizeof(path), "%s/o/x/.feed.atom.tmp-abcdef", root);
	assert_int_equal(afile_write(path, "partial", 7, false), 0);
	assert_int_equal(manifest_verify(&a, root, &d, &n), 0);
	assert_int_equal(n, 0);

	/* same size, other bytes; a file added; a file removed */
	snprintf(path, sizeof(path), "%s/o/x/items/1.html", root);
	assert_int_equal(afile_write(path, "<p>0ne</p>", 10, false), 0);
	snprintf(path, sizeof(path), "%s/o/x/items/evil.html", root);
	assert_int_equal(afile_write(path, "<script>", 8, false), 0);
	snprintf(path, sizeof(path), "%s/o/x/feed.atom", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(manifest_verify(&a, root, &d, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].kind, MF_REMOVED);
	assert_string_equal(d[0].path, "o/x/feed.atom");
	assert_int_equal(d[1].kind, MF_CHANGED);
	assert_string_equal(d[1].path, "o/x/items/1.html");
	assert_int_equal(d[2].kind, MF_ADDED);
	assert_string_equal(d[2].path, "o/x/items/evil.html");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_replaces_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_dir_keeps_old_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha256, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_tampering, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
