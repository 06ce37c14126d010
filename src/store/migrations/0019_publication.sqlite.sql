-- 0019: publication outward. The events of the public catalog (publish,
-- correct, withdraw) in one monotonic sequence, the cursor of the
-- platform's pull feed (/api/v1/export); the static tree's pending failure
-- per agency; e-mail subscribers. (SQLite: the triggers; 0019_publication.pg.sql is the same
-- for PostgreSQL.)

-- one row per change of what the public sees of an item: the id is the
-- feed's cursor (one writer at a time on both engines, so ids are given
-- in commit order). Written by triggers on items, so every path that
-- publishes (review, corrections, proposal replies, annual reports,
-- imports) is counted without being told.
CREATE TABLE publication_events (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	kind TEXT NOT NULL CHECK (kind IN ('publish', 'correct', 'withdraw')),
	version INTEGER NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX publication_events_org ON publication_events(org_id, id);

-- the items published before this migration, in the order they were published
INSERT INTO publication_events (org_id, item_id, kind, version, at)
SELECT org_id, id, 'publish', version, COALESCE(published_on, created_at) FROM items WHERE status = 'published'
ORDER BY COALESCE(published_on, created_at), id;

CREATE TRIGGER items_publication_insert AFTER INSERT ON items WHEN NEW.status = 'published'
BEGIN
	INSERT INTO publication_events (org_id, item_id, kind, version, at)
	VALUES (NEW.org_id, NEW.id, 'publish', NEW.version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- a correction: what the public sees of a published item changed (not
-- the review bookkeeping, which also bumps version)
CREATE TRIGGER items_publication_update AFTER UPDATE ON items
WHEN (NEW.status = 'published') <> (OLD.status = 'published')
	OR (NEW.status = 'published' AND (
		NEW.title IS NOT OLD.title OR NEW.doc_no IS NOT OLD.doc_no OR NEW.publisher IS NOT OLD.publisher OR
		NEW.written_on IS NOT OLD.written_on OR NEW.published_on IS NOT OLD.published_on OR NEW.category_id
		IS NOT OLD.category_id OR NEW.topic IS NOT OLD.topic OR NEW.genre IS NOT OLD.genre OR NEW.validity
		IS NOT OLD.validity OR NEW.validity_on IS NOT OLD.validity_on OR NEW.summary IS NOT OLD.summary OR
		NEW.body_md IS NOT OLD.body_md OR NEW.body_html IS NOT OLD.body_html OR NEW.corrected_on IS NOT
		OLD.corrected_on OR NEW.index_no IS NOT OLD.index_no))
BEGIN
	INSERT INTO publication_events (org_id, item_id, kind, version, at)
	VALUES (NEW.org_id, NEW.id,
		CASE WHEN NEW.status <> 'published' THEN 'withdraw' WHEN OLD.status <> 'published' THEN 'publish'
		     ELSE 'correct' END,
		NEW.version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- the static tree (serve --static) could not be brought up to date after a
-- change of org's public pages: shown to its staff until a full rebuild
-- (the button on the staff pages, or publish-static --all) succeeds
CREATE TABLE static_failures (
	org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
	failed_at TEXT NOT NULL,
	message TEXT NOT NULL
);

-- e-mail subscriptions (the 'email' delivery channel sends to them):
-- a citizen subscribes to an agency's categories, confirms through a link
-- mailed to the address (only the token's SHA-256 is kept), and leaves in
-- one click through the token in every mail (RFC 8058). categories: '' for
-- every category, else ',ID,ID,' (matched with instr); a new choice waits
-- in pending_categories until confirmed, so nobody changes another's
-- subscription by typing their address.
CREATE TABLE subscribers (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	email TEXT NOT NULL,                  -- as given, the domain in lower case
	categories TEXT NOT NULL DEFAULT '',
	pending_categories TEXT,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'unsubscribed')),
	confirm_hash TEXT,                    -- SHA-256 (hex) of the confirmation token, NULL once used
	confirm_sent_at TEXT,
	unsub_token TEXT NOT NULL UNIQUE,     -- in the List-Unsubscribe link of every mail
	created_at TEXT NOT NULL,
	confirmed_at TEXT,
	unsubscribed_at TEXT,
	rejected_at TEXT,                     -- the SMTP server refused the address (550 ...)
	rejected_message TEXT NOT NULL DEFAULT '',
	UNIQUE (org_id, email)
);
CREATE INDEX subscribers_send ON subscribers(org_id, state, id);

-- which subscribers a delivery of the 'email' channel has been through:
-- a retry after a failure half-way sends only to the others (machine
-- state, like deliveries: not audited)
CREATE TABLE email_sends (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	delivery_id BIGINT NOT NULL REFERENCES deliveries(id),
	subscriber_id BIGINT NOT NULL REFERENCES subscribers(id),
	state TEXT NOT NULL CHECK (state IN ('sent', 'rejected')),
	message TEXT NOT NULL DEFAULT '',
	at TEXT NOT NULL,
	PRIMARY KEY (delivery_id, subscriber_id)
);
