/* replay.c - run a libFuzzer target over a corpus without libFuzzer, so
 * `make check` replays fuzz/corpus/<target>/ as regression tests with any
 * compiler (built with ASan/UBSan: a crash or a sanitizer report fails).
 *
 *     build/asan/fuzz/replay_<target> DIR...   (files or directories)
 *
 * Every regular file is passed to LLVMFuzzerTestOneInput once, in name
 * order so runs are reproducible, from an exactly-sized heap copy so reads
 * past the end are caught. Exits 0 when all ran, 1 on a usage or I/O
 * error; a failing input aborts, after its name was printed. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t n;

	if (!fp || fstat(fileno(fp), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		return 1;
	}
	/* malloc(0) may return NULL: keep one byte so data is never NULL */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		fclose(fp);
		return 1;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		return 1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

static int run_dir(const char *dir, int *count)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, by_name), rc = 0;

	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		size_t dn = strlen(dir);

		while (dn > 1 && dir[dn - 1] == '/')
			dn--;
		snprintf(path, sizeof(path), "%.*s/%s", (int)dn, dir, ents[i]->d_name);
		if (rc == 0 && ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = run_file(path);
			(*count)++;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) : (count++, run_file(argv[i])))
			return 1;
	}
	printf("replayed %d inputs\n", count);
	return 0;
}
