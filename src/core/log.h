/* log.h - one-line log records on stderr: time (UTC), level, message. */
#ifndef GK_CORE_LOG_H
#define GK_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Log at error level and return e, so failures are one line:
 *     return err_log(ERR_DB, "insert item: %s", msg); */
int err_log(int e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
