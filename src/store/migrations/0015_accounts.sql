-- 0015: staff accounts: the TOTP second factor, passwords set by an
-- administrator that must be changed at the next login, and the pending
-- logins between the password and the TOTP code. The rules are in
-- src/domain/auth (totp.c, auth_password_weak) and the login handler.
--
-- totp_secret is the base32 TOTP key (RFC 6238, SHA-1, 30 s, 6 digits),
-- NULL while the second factor is off. It is stored as it is, not
-- encrypted: a key held next to the database would protect nothing the
-- database does not already hold, and it is never shown again after
-- enrolment (the audit trail records any column named totp_secret as a
-- fingerprint). totp_last_step is the last time step whose code was
-- accepted: a code of that step or an earlier one is refused (no replay).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- a key being enrolled, until a code made with it is confirmed (then it
-- moves to users.totp_secret); the column has the same name so the audit
-- trail keeps only its fingerprint
CREATE TABLE totp_enrolments (
	user_id BIGINT PRIMARY KEY REFERENCES users(id),
	totp_secret TEXT NOT NULL,
	created_at TEXT NOT NULL
);

-- after a correct password of an account with TOTP on: a short-lived,
-- single-use token (stored as its SHA-256) that the code form sends back;
-- not a session, it opens no page
CREATE TABLE login_pending (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users(id),
	token_hash TEXT NOT NULL UNIQUE,
	ip TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX login_pending_expires ON login_pending(expires_at);

CREATE INDEX memberships_user ON memberships(user_id);
