/* embed - write a C file holding the given files as byte arrays, for
 * src/core/assets.h. Usage: embed FILE... > assets.c (names sorted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	qsort(argv + 1, (size_t)argc - 1, sizeof(char *), cmp);
	printf("#include \"core/assets.h\"\n#include <string.h>\n\n");
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		int c;
		size_t n = 0;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		printf("static const unsigned char a%d[] = {", i);
		while ((c = fgetc(f)) != EOF) {
			printf("%s%d,", n % 24 ? "" : "\n", c);
			n++;
		}
		printf("0};\n");
		fclose(f);
	}
	printf("const struct asset assets[] = {\n");
	for (int i = 1; i < argc; i++)
		printf("\t{\"%s\", a%d, sizeof(a%d) - 1},\n", argv[i], i, i);
	printf("\t{0, 0, 0}\n};\nconst size_t assets_count = %d;\n\n", argc - 1);
	printf("const struct asset *asset_find(const char *name)\n{\n"
	       "\tsize_t lo = 0, hi = assets_count;\n"
	       "\twhile (lo < hi) {\n\t\tsize_t mid = (lo + hi) / 2;\n"
	       "\t\tint c = strcmp(name, assets[mid].name);\n"
	       "\t\tif (c == 0)\n\t\t\treturn &assets[mid];\n"
	       "\t\tif (c < 0)\n\t\t\thi = mid;\n\t\telse\n\t\t\tlo = mid + 1;\n\t}\n"
	       "\treturn NULL;\n}\n");
	return 0;
}
