-- 0014 (PostgreSQL): the audit trail (审计日志) of 0014_audit.sqlite.sql.
-- The rows are the same and so is the hash chain (gk_audit_hash hashes the
-- same bytes as db_sqlite.c's function), so `gongkai audit verify` gives
-- the same answers. Row changes are appended by gk_audit_row(), a trigger
-- db_pg.c puts on every audited table after each migration (generated from
-- the schema, as on SQLite); the actor is the connection's session settings
-- gongkai.actor_* (db_set_actor), and gongkai.audit_off = '1' pauses it
-- (db_audit_enable, bulk loads).
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

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();

CREATE FUNCTION gk_actor_id() RETURNS BIGINT LANGUAGE sql STABLE
	RETURN CAST(NULLIF(current_setting('gongkai.actor_id', true), '') AS BIGINT);
CREATE FUNCTION gk_actor_name() RETURNS TEXT LANGUAGE sql STABLE
	RETURN COALESCE(current_setting('gongkai.actor_name', true), '');
CREATE FUNCTION gk_actor_ip() RETURNS TEXT LANGUAGE sql STABLE
	RETURN COALESCE(current_setting('gongkai.actor_ip', true), '');

-- SHA-256 over the arguments, each as a type tag, its length (8 bytes,
-- little-endian) and its bytes; NULL is the tag 'N' alone.
CREATE FUNCTION gk_audit_hash(VARIADIC a TEXT[]) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	acc BYTEA := '';
	b BYTEA;
	len BIGINT;
	tag BYTEA;
BEGIN
	FOR i IN 1 .. COALESCE(array_length(a, 1), 0) LOOP
		IF a[i] IS NULL THEN
			acc := acc || '\x4e'::bytea;
		ELSE
			b := convert_to(a[i], 'UTF8');
			len := length(b);
			tag := '\x54' || '\x0000000000000000'::bytea;
			FOR k IN 0 .. 7 LOOP
				tag := set_byte(tag, 1 + k, ((len >> (8 * k)) & 255)::int);
			END LOOP;
			acc := acc || tag || b;
		END IF;
	END LOOP;
	RETURN encode(sha256(acc), 'hex');
END;
$$;

-- SQLite's strftime for the one format the store uses (UTC, milliseconds).
CREATE FUNCTION strftime(fmt TEXT, t TEXT) RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	IF fmt <> '%Y-%m-%dT%H:%M:%fZ' OR t <> 'now' THEN
		RAISE EXCEPTION 'strftime: only (''%%Y-%%m-%%dT%%H:%%M:%%fZ'', ''now'')';
	END IF;
	RETURN to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
END;
$$;

-- The row as a JSON object in column order, without the derived columns,
-- secrets as a fingerprint (as db_sqlite.c's audit_json).
CREATE FUNCTION gk_audit_json(j JSON) RETURNS TEXT LANGUAGE sql IMMUTABLE
RETURN (SELECT '{' || COALESCE(string_agg(to_json(e.key)::text || ':' ||
		CASE WHEN e.key IN ('password_hash', 'token_hash', 'csrf', 'totp_secret', 'tracking_code', 'check_digits',
				    'submit_token') AND json_typeof(e.value) <> 'null'
		     THEN to_json('sha256:' || substr(gk_audit_hash(e.value #>> '{}'), 1, 12))::text
		     ELSE e.value::text END, ',' ORDER BY e.n), '') || '}'
	FROM json_each(j) WITH ORDINALITY AS e(key, value, n)
	WHERE e.key NOT IN ('views', 'body_text', 'body_html'));

CREATE FUNCTION gk_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bef TEXT;
	aft TEXT;
	r JSON;
	t TEXT;
	org BIGINT;
	rid BIGINT;
	prev TEXT;
	act TEXT := lower(TG_OP);
BEGIN
	IF current_setting('gongkai.audit_off', true) = '1' THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		bef := gk_audit_json(row_to_json(OLD));
	END IF;
	IF TG_OP <> 'DELETE' THEN
		aft := gk_audit_json(row_to_json(NEW));
	END IF;
	IF TG_OP = 'UPDATE' AND bef = aft THEN
		RETURN NULL;
	END IF;
	r := CASE WHEN TG_OP = 'DELETE' THEN row_to_json(OLD) ELSE row_to_json(NEW) END;
	rid := CAST(r ->> 'id' AS BIGINT);
	org := CASE WHEN TG_TABLE_NAME = 'orgs' THEN rid ELSE CAST(r ->> 'org_id' AS BIGINT) END;
	-- one writer appends to the chain at a time (db_pg.c's writer lock)
	PERFORM pg_advisory_xact_lock(7146170101);
	t := strftime('%Y-%m-%dT%H:%M:%fZ', 'now');
	SELECT hash INTO prev FROM audit_log ORDER BY id DESC LIMIT 1;
	INSERT INTO audit_log (at, org_id, user_id, username, ip, action, tbl, row_id, before, after, hash)
	VALUES (t, org, gk_actor_id(), gk_actor_name(), gk_actor_ip(), act, TG_TABLE_NAME, rid, bef, aft,
		gk_audit_hash(prev, t, CAST(org AS TEXT), CAST(gk_actor_id() AS TEXT), gk_actor_name(), gk_actor_ip(),
			      act, TG_TABLE_NAME, CAST(rid AS TEXT), bef, aft));
	RETURN NULL;
END;
$$;
