/* filetype.c - see filetype.h. Office Open XML files are ZIP archives: the
 * part names inside (via libzip) tell a .docx from an .xlsx. */
#include "domain/catalog/filetype.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#include "core/err.h"
#include "core/banned.h"

static const struct filetype t_pdf = { "application/pdf", "pdf", "PDF 文档" };
static const struct filetype t_docx = {
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word 文档" };
static const struct filetype t_xlsx = {
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel 表格" };
static const struct filetype t_doc = { "application/msword", "doc", "Word 文档" };
static const struct filetype t_xls = { "application/vnd.ms-excel", "xls", "Excel 表格" };
static const struct filetype t_png = { "image/png", "png", "PNG 图片" };
static const struct filetype t_jpg = { "image/jpeg", "jpg|jpeg", "JPEG 图片" };
static const struct filetype t_gif = { "image/gif", "gif", "GIF 图片" };

static const char *ext_of(const char *filename)
{
	const char *dot = strrchr(filename, '.');

	return dot && dot[1] ? dot + 1 : "";
}

static bool ext_agrees(const char *ext, const char *list)
{
	size_t n = strlen(ext);

	while (*list) {
		const char *bar = strchr(list, '|');
		size_t ln = bar ? (size_t)(bar - list) : strlen(list);

		if (ln == n && strncasecmp(list, ext, n) == 0)
			return true;
		list += ln + (bar ? 1 : 0);
	}
	return false;
}

static const struct filetype *ooxml_type(const char *path)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	const struct filetype *t = NULL;

	if (!z)
		return NULL;
	if (zip_name_locate(z, "[Content_Types].xml", 0) >= 0) {
		if (zip_name_locate(z, "word/document.xml", 0) >= 0)
			t = &t_docx;
		else if (zip_name_locate(z, "xl/workbook.xml", 0) >= 0)
			t = &t_xlsx;
	}
	zip_discard(z);
	return t;
}

int filetype_check(const char *path, const char *filename, struct filetype *out, const char **msg)
{
	unsigned char h[16] = { 0 };
	const struct filetype *t = NULL;
	const char *ext = ext_of(filename);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		*msg = "无法读取上传的文件。";
		return ERR_IO;
	}
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n < 4) {
		*msg = "上传的文件为空或过小。";
		return ERR_INVALID;
	}
	if (memcmp(h, "%PDF-", 5) == 0)
		t = &t_pdf;
	else if (memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		t = &t_png;
	else if (h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
		t = &t_jpg;
	else if (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0)
		t = &t_gif;
	else if (memcmp(h, "PK\x03\x04", 4) == 0)
		t = ooxml_type(path);
	else if (memcmp(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		/* an OLE compound file: the old binary Word and Excel formats;
		 * their streams differ, but the name must say which anyway */
		t = strcasecmp(ext, "xls") == 0 ? &t_xls : &t_doc;
	if (!t) {
		*msg = "不支持的附件类型：仅接受 PDF、Word、Excel 文档和 PNG、JPEG、GIF 图片。";
		return ERR_INVALID;
	}
	if (!ext_agrees(ext, t->ext)) {
		*msg = "附件的扩展名与其实际内容不符，请检查文件。";
		return ERR_INVALID;
	}
	*out = *t;
	return 0;
}
