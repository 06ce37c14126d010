/* err.h - the one error convention: 0 is OK, negative values are enum err.
 * Results travel through out-parameters, never as sentinels in a value. */
#ifndef GK_CORE_ERR_H
#define GK_CORE_ERR_H

enum err {
	OK = 0,
	ERR_NOMEM = -1,      /* allocation failed */
	ERR_TOO_LARGE = -2,  /* a capped buffer or field went over its cap */
	ERR_INVALID = -3,    /* input does not satisfy its contract */
	ERR_NOT_FOUND = -4,  /* no such record */
	ERR_CONFLICT = -5,   /* unique constraint, stale version, busy */
	ERR_DB = -6,         /* the database reported an error */
	ERR_IO = -7,         /* file system or network */
	ERR_DENIED = -8,     /* permission check failed */
	ERR_INTERNAL = -9,   /* a bug: an invariant did not hold */
	ERR_UNAVAILABLE = -10, /* the database server cannot be reached (try again later) */
};

/* A short English name for an error code (static storage). */
const char *err_name(int e);

#endif
