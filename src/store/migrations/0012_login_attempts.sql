-- 0012: failed staff logins, for the lockout with a growing delay (by
-- account name and by client address). Names that are no account are
-- recorded too, so the login page answers the same either way. A success
-- forgets the name's failures (user_cleared) but not the address's; rows
-- older than a day are dropped when a new failure is recorded. The rules
-- are in src/domain/auth (auth_lockout_seconds) and h_login.

CREATE TABLE login_failures (
	id @ID@,
	username TEXT NOT NULL,   -- as typed (may name no account)
	ip TEXT NOT NULL,         -- the client address
	at TEXT NOT NULL,         -- ISO 8601 UTC
	user_cleared INTEGER NOT NULL DEFAULT 0 -- 1 after the name logged in: no longer counts for it
);
CREATE INDEX login_failures_user ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);
CREATE INDEX login_failures_at ON login_failures(at);
