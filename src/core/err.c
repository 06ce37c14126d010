#include "err.h"

#include "banned.h"

const char *err_name(int e)
{
	switch (e) {
	case OK: return "ok";
	case ERR_NOMEM: return "out of memory";
	case ERR_TOO_LARGE: return "too large";
	case ERR_INVALID: return "invalid";
	case ERR_NOT_FOUND: return "not found";
	case ERR_CONFLICT: return "conflict";
	case ERR_DB: return "database error";
	case ERR_IO: return "i/o error";
	case ERR_DENIED: return "permission denied";
	case ERR_INTERNAL: return "internal error";
	case ERR_UNAVAILABLE: return "database unavailable";
	}
	return "unknown error";
}
