/* banned.h - poison functions that are unsafe or not thread-safe.
 * Include last in every .c file (after system headers). */
#ifndef GK_CORE_BANNED_H
#define GK_CORE_BANNED_H

#undef strcpy
#define strcpy(...) BANNED_strcpy_use_memcpy_with_length
#undef strcat
#define strcat(...) BANNED_strcat_use_buf_append
#undef strncpy
#define strncpy(...) BANNED_strncpy_use_memcpy_with_length
#undef sprintf
#define sprintf(...) BANNED_sprintf_use_snprintf_or_buf_printf
#undef vsprintf
#define vsprintf(...) BANNED_vsprintf_use_vsnprintf
#undef strtok
#define strtok(...) BANNED_strtok_use_strtok_r_or_str_split
#undef atoi
#define atoi(...) BANNED_atoi_use_num_parse
#undef gmtime
#define gmtime(...) BANNED_gmtime_use_gmtime_r
#undef localtime
#define localtime(...) BANNED_localtime_use_localtime_r
#undef ctime
#define ctime(...) BANNED_ctime_use_strftime

#endif
