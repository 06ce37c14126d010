/* test_filetype.c - attachment type detection from content: the accepted
 * signatures, real OOXML archives built with libzip, OLE files, and files
 * whose name disguises what they are. Files live in a fresh temporary
 * directory per test. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/str.h"
#include "domain/catalog/filetype.h"
#include "core/banned.h"

#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct fx {
	char dir[64];
	char path[32][128];
	int n;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-filetype-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < f->n; i++)
		unlink(f->path[i]);
	assert_int_equal(rmdir(f->dir), 0);
	test_free(f);
	return 0;
}

/* A new file path in the test directory (the name on disk is neutral: the
 * upload's filename is passed separately, as in the real handler). */
static const char *new_path(struct fx *f)
{
	char tmp[sizeof(f->path[0])];

	assert_true(f->n < 32);
	snprintf(tmp, sizeof(tmp), "%s/upload-%d", f->dir, f->n);
	memcpy(f->path[f->n], tmp, sizeof(tmp));
	return f->path[f->n++];
}

static const char *write_file(struct fx *f, const void *data, size_t n)
{
	const char *p = new_path(f);
	FILE *fp = fopen(p, "wb");

	assert_non_null(fp);
	if (n)
		assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	return p;
}

/* A zip archive with the named parts (each with a little XML). */
static const char *write_zip(struct fx *f, const char *const *parts, size_t nparts)
{
	static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><x/>";
	const char *p = new_path(f);
	int err = 0;
	zip_t *z = zip_open(p, ZIP_CREATE | ZIP_TRUNCATE, &err);

	assert_non_null(z);
	for (size_t i = 0; i < nparts; i++) {
		zip_source_t *src = zip_source_buffer(z, xml, sizeof(xml) - 1, 0);

		assert_non_null(src);
		if (zip_file_add(z, parts[i], src, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			fail_msg("zip_file_add %s: %s", parts[i], zip_strerror(z));
		}
	}
	assert_int_equal(zip_close(z), 0);
	return p;
}

static const char *write_docx(struct fx *f)
{
	static const char *const parts[] = { "[Content_Types].xml", "_rels/.rels", "word/document.xml" };

	return write_zip(f, parts, 3);
}

static const char *write_xlsx(struct fx *f)
{
	static const char *const parts[] = { "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
					     "xl/worksheets/sheet1.xml" };

	return write_zip(f, parts, 4);
}

static const unsigned char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
static const unsigned char jpg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0 };
static const unsigned char gif87[] = "GIF87a\x01\x00\x01\x00\x00\x00\x00";
static const unsigned char gif89[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
static const unsigned char ole[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 0, 0, 0, 0,
				     0x3E, 0, 0x03, 0, 0xFE, 0xFF };
static const unsigned char elf[] = { 0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0 };

#include "assert_chinese.h"

static void accepts_at(int line, const char *path, const char *name, const char *mime)
{
	struct filetype t = { 0 };
	const char *msg = NULL;
	int rc = filetype_check(path, name, &t, &msg);

	if (rc != 0)
		fail_msg("line %d: %s refused (%d): %s", line, name, rc, msg ? msg : "?");
	assert_non_null(t.mime);
	if (strcmp(t.mime, mime) != 0)
		fail_msg("line %d: %s detected as %s, want %s", line, name, t.mime, mime);
	assert_chinese(t.label);
	assert_non_null(t.ext);
}
#define accepts(path, name, mime) accepts_at(__LINE__, (path), (name), (mime))

static void refuses_at(int line, const char *path, const char *name, int want_rc, const char *msg_has)
{
	struct filetype t = { .mime = "untouched" };
	const char *msg = NULL;
	int rc = filetype_check(path, name, &t, &msg);

	if (rc != want_rc)
		fail_msg("line %d: %s: rc %d, want %d", line, name, rc, want_rc);
	assert_chinese(msg);
	if (msg_has && !strstr(msg, msg_has))
		fail_msg("line %d: %s: message \"%s\" lacks \"%s\"", line, name, msg, msg_has);
	assert_string_equal(t.mime, "untouched");
}
#define refuses(path, name, rc, has) refuses_at(__LINE__, (path), (name), (rc), (has))

static void test_signatures_accepted(void **state)
{
	struct fx *f = *state;
	const char *p;

	accepts(write_file(f, pdf, sizeof(pdf) - 1), "政府信息公开工作年度报告.pdf", "application/pdf");
	accepts(write_file(f, png, sizeof(png)), "图表.png", "image/png");
	p = write_file(f, jpg, sizeof(jpg));
	accepts(p, "照片.jpg", "image/jpeg");
	accepts(p, "照片.jpeg", "image/jpeg");
	accepts(write_file(f, gif87, sizeof(gif87) - 1), "a.gif", "image/gif");
	accepts(write_file(f, gif89, sizeof(gif89) - 1), "b.gif", "image/gif");
}

static void test_extension_case_insensitive(void **state)
{
	struct fx *f = *state;
	const char *p = write_file(f, pdf, sizeof(pdf) - 1);

	accepts(p, "REPORT.PDF", "application/pdf");
	accepts(p, "report.Pdf", "application/pdf");
	accepts(p, "报告.2020.final.pdf", "application/pdf");
	accepts(write_file(f, jpg, sizeof(jpg)), "IMG_0001.JPG", "image/jpeg");
}

static void test_ooxml_accepted(void **state)
{
	struct fx *f = *state;

	accepts(write_docx(f), "通知.docx", MIME_DOCX);
	accepts(write_xlsx(f), "统计表.xlsx", MIME_XLSX);
	accepts(write_xlsx(f), "统计表.XLSX", MIME_XLSX);
}

static void test_ole_by_name(void **state)
{
	struct fx *f = *state;
	const char *p = write_file(f, ole, sizeof(ole));

	accepts(p, "旧文件.doc", "application/msword");
	accepts(p, "旧表格.xls", "application/vnd.ms-excel");
	accepts(p, "旧表格.XLS", "application/vnd.ms-excel");
	/* an OLE file named as something else is refused */
	refuses(p, "旧文件.pdf", ERR_INVALID, "扩展名");
	refuses(p, "旧文件.docx", ERR_INVALID, "扩展名");
	refuses(p, "旧文件", ERR_INVALID, "扩展名");
}

static void test_disguised_files(void **state)
{
	struct fx *f = *state;
	static const char *const zip_no_word[] = { "[Content_Types].xml", "docs/document.xml" };
	static const char *const zip_no_types[] = { "word/document.xml" };
	static const char *const plain_zip[] = { "readme.txt" };

	/* an executable named .pdf: not an accepted type at all */
	refuses(write_file(f, elf, sizeof(elf)), "通知.pdf", ERR_INVALID, "不支持");
	/* a PDF named .docx, an image named .pdf: the name lies */
	refuses(write_file(f, pdf, sizeof(pdf) - 1), "通知.docx", ERR_INVALID, "扩展名");
	refuses(write_file(f, png, sizeof(png)), "通知.pdf", ERR_INVALID, "扩展名");
	refuses(write_file(f, jpg, sizeof(jpg)), "照片.png", ERR_INVALID, "扩展名");
	/* a docx named .xlsx and the other way round */
	refuses(write_docx(f), "表格.xlsx", ERR_INVALID, "扩展名");
	refuses(write_xlsx(f), "文件.docx", ERR_INVALID, "扩展名");
	/* zips that are not Office documents */
	refuses(write_zip(f, zip_no_word, 2), "通知.docx", ERR_INVALID, "不支持");
	refuses(write_zip(f, zip_no_types, 1), "通知.docx", ERR_INVALID, "不支持");
	refuses(write_zip(f, plain_zip, 1), "archive.zip", ERR_INVALID, "不支持");
	/* a truncated zip header: libzip cannot open it */
	refuses(write_file(f, "PK\x03\x04garbage-not-a-zip", 21), "通知.docx", ERR_INVALID, "不支持");
}

static void test_empty_and_text(void **state)
{
	struct fx *f = *state;
	static const char text[] = "这是一个纯文本文件，不是 PDF。\n";
	static const char html[] = "<!DOCTYPE html><script>alert(1)</script>";

	refuses(write_file(f, "", 0), "空文件.pdf", ERR_INVALID, "为空");
	refuses(write_file(f, "%PD", 3), "小文件.pdf", ERR_INVALID, "过小");
	refuses(write_file(f, text, sizeof(text) - 1), "说明.pdf", ERR_INVALID, "不支持");
	refuses(write_file(f, text, sizeof(text) - 1), "说明.txt", ERR_INVALID, "不支持");
	refuses(write_file(f, html, sizeof(html) - 1), "page.html", ERR_INVALID, "不支持");
	/* almost a signature */
	refuses(write_file(f, "%PDX-1.7 nope", 13), "a.pdf", ERR_INVALID, "不支持");
	refuses(write_file(f, "GIF88a\x01\x00", 8), "a.gif", ERR_INVALID, "不支持");
}

static void test_missing_file(void **state)
{
	struct fx *f = *state;
	char p[160];

	snprintf(p, sizeof(p), "%s/does-not-exist", f->dir);
	refuses(p, "x.pdf", ERR_IO, "无法读取");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_signatures_accepted),
		T(test_extension_case_insensitive),
		T(test_ooxml_accepted),
		T(test_ole_by_name),
		T(test_disguised_files),
		T(test_empty_and_text),
		T(test_missing_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
