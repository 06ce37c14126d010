/* extract.h - the text of an attachment, for the publishing-safety scan
 * (scan.h): PDF (poppler), DOCX, XLSX, and UTF-8 plain text / CSV.
 *
 *   PDF   every page's text (poppler_page_get_text), pages separated by a
 *         line break. A PDF without any text (a scan) is ERR_NOT_FOUND:
 *         a person has to look at it.
 *   DOCX  word/document.xml, then the headers, footers, footnotes,
 *         endnotes and comments (word/header*.xml, ... in name order):
 *         every paragraph a line, w:tab a TAB, w:br a line break; deleted
 *         text of tracked changes (w:delText) is included because it is
 *         still in the file; field codes and mc:Fallback copies are not.
 *   XLSX  xl/worksheets/sheet*.xml in number order: cells (shared
 *         strings, inline strings, formula strings and numbers as
 *         stored) separated by TAB, rows by line breaks, a blank line
 *         between sheets.
 *   text  text/plain and text/csv: UTF-8 only (a BOM is dropped).
 *
 * Limits: at most SAFETY_TEXT_MAX bytes of text (ERR_TOO_LARGE); a ZIP
 * whose entries together inflate past SAFETY_ZIP_MAX, or with more than
 * SAFETY_ZIP_ENTRIES entries, is refused (ERR_TOO_LARGE) before anything
 * is inflated, and an entry that inflates to more than its recorded size
 * fails its check. The text is valid UTF-8 without NUL or other control
 * characters except TAB and line breaks. */
#ifndef GK_DOMAIN_SAFETY_EXTRACT_H
#define GK_DOMAIN_SAFETY_EXTRACT_H

#include <stddef.h>

struct arena;

#define SAFETY_TEXT_MAX ((size_t)20 << 20)
#define SAFETY_ZIP_MAX ((size_t)100 << 20)
#define SAFETY_ZIP_ENTRIES 10000

/* MIME types understood (compared without case; parameters such as
 * "; charset=utf-8" are ignored). */
#define SAFETY_MIME_PDF "application/pdf"
#define SAFETY_MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define SAFETY_MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Text of an attachment given its MIME type (application/pdf, the DOCX and XLSX OOXML types, text/plain,
 * text/csv). *text is NUL-terminated UTF-8 (arena). ERR_UNSUPPORTED (or ERR_INVALID) for types without text
 * (images), with *err a Chinese message; never crashes on malformed input.
 *
 * Error codes (core/err.h has no ERR_UNSUPPORTED):
 *   ERR_NOT_FOUND  no text to check: a type without text (images, other
 *                  types) or a PDF without a text layer;
 *   ERR_INVALID    the file is damaged, encrypted or not what its type
 *                  says, or text that is not UTF-8;
 *   ERR_TOO_LARGE  over one of the limits above;
 *   ERR_NOMEM      out of memory (the arena's limit included); *err is
 *                  then a static message too.
 * On every error *text is NULL and *err a Chinese sentence (static or
 * arena); on success *err is NULL. */
int safety_extract_text(struct arena *a, const char *mime, const void *data, size_t n, const char **text, const char **err);

#endif
