-- 0014: the audit trail (审计日志). Every change to a record is appended
-- here by triggers the connection installs at open (db_sqlite.c
-- audit_install: generated from the schema, so a new table is audited
-- without anyone remembering to), with who (user, name, address), when,
-- and the row before and after as JSON; logins and failed logins are
-- appended as events. Each row carries the SHA-256 of the previous row's
-- hash and its own fields (gk_audit_hash), so an edit made behind the
-- application's back breaks the chain (`gongkai audit verify`). The log is
-- append-only: the triggers below refuse UPDATE and DELETE from anyone,
-- the application included.
CREATE TABLE audit_log (
	id @ID@,
	at TEXT NOT NULL,
	org_id BIGINT,
	user_id BIGINT,
	username TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	tbl TEXT NOT NULL DEFAULT '',
	row_id BIGINT,
	before TEXT,
	after TEXT,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log(org_id, id);
CREATE INDEX audit_log_row ON audit_log(tbl, row_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
