/* case_access.h - the permission to act on one application or 政民互动
 * case (a 承办人 only on the cases assigned to them), and assigning them. */
#ifndef GK_HTTP_CASE_ACCESS_H
#define GK_HTTP_CASE_ACCESS_H

#include <stdbool.h>

struct req;
struct tv;

/* table: "applications" or "interactions". */
bool req_can_case(struct req *r, const char *table, long long id);
/* As req_can_case; responds 403 and returns false when not allowed. */
bool req_can_case_or_respond(struct req *r, const char *table, long long id);
/* assignee (name), handlers (id, name, selected), can_assign (an open
 * case, PERM_ADMIN) into m. */
int case_assign_fill(struct req *r, const char *table, long long id, bool open, struct tv *m);
/* The "assign" action (PERM_ADMIN, param assignee: a user id, 0 = none).
 * 0 when done (the caller responds); 1 when a response was sent. */
int case_assign(struct req *r, const char *table, long long id);

#endif
