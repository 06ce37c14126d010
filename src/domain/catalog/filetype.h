/* filetype.h - what an uploaded file really is, from its content. */
#ifndef GK_DOMAIN_FILETYPE_H
#define GK_DOMAIN_FILETYPE_H

struct filetype {
	const char *mime;
	const char *ext;    /* the extensions that agree with it, "|"-separated */
	const char *label;  /* Chinese name for messages */
};

/* Detect the type of the file at path among the accepted attachment types
 * (PDF, Word .doc/.docx, Excel .xls/.xlsx, PNG, JPEG, GIF) and check that
 * filename's extension agrees. Returns 0 and fills *out; ERR_INVALID with
 * *msg (a Chinese message, static) when the type is not accepted or the
 * name disguises it. */
int filetype_check(const char *path, const char *filename, struct filetype *out, const char **msg);

#endif
