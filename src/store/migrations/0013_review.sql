-- 0013: 先审后发 (review before publication), corrections as versions,
-- the publishing-safety scanner's findings, and cases assigned to a 承办人.

-- how many review levels an item of the category needs before it is published
ALTER TABLE categories ADD COLUMN review_levels INTEGER NOT NULL DEFAULT 1 CHECK (review_levels IN (1, 2));
-- approvals given in the current review round, who submitted it, and for
-- a correction draft the published item it corrects
ALTER TABLE items ADD COLUMN review_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN submitted_by BIGINT REFERENCES users(id);
ALTER TABLE items ADD COLUMN corrects_id BIGINT REFERENCES items(id);
ALTER TABLE items ADD COLUMN corrected_on TEXT;
CREATE INDEX items_corrects ON items(corrects_id);

-- every step of an item's review: submit, approve (level 1 or 2), return,
-- withdraw, correct (a correction published), clear (a finding cleared)
CREATE TABLE item_reviews (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	item_version INTEGER NOT NULL,
	level INTEGER NOT NULL DEFAULT 0,
	decision TEXT NOT NULL CHECK (decision IN ('submit', 'approve', 'return', 'withdraw', 'correct', 'clear')),
	comment TEXT NOT NULL DEFAULT '',
	user_id BIGINT REFERENCES users(id),
	at TEXT NOT NULL
);
CREATE INDEX item_reviews_item ON item_reviews(item_id, id);

-- the published versions an item replaced by a correction; its 索引号 stays
CREATE TABLE item_versions (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	version INTEGER NOT NULL,
	index_no TEXT,
	title TEXT NOT NULL,
	doc_no TEXT NOT NULL DEFAULT '',
	publisher TEXT NOT NULL DEFAULT '',
	written_on TEXT,
	published_on TEXT,
	category TEXT NOT NULL DEFAULT '',
	topic TEXT NOT NULL DEFAULT '',
	genre TEXT NOT NULL DEFAULT '',
	validity TEXT NOT NULL DEFAULT '',
	validity_on TEXT,
	summary TEXT NOT NULL DEFAULT '',
	body_md TEXT NOT NULL DEFAULT '',
	attachments TEXT NOT NULL DEFAULT '',
	replaced_on TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	UNIQUE (item_id, version)
);

-- what the publishing-safety scanner found in an item (body or an
-- attachment); a finding blocks publication until a reviewer clears it
-- with a reason. The match itself is not stored: a fingerprint (to know
-- it again on the next scan) and a masked excerpt.
CREATE TABLE safety_findings (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	kind TEXT NOT NULL,
	place TEXT NOT NULL,
	excerpt TEXT NOT NULL,
	hint TEXT NOT NULL DEFAULT '',
	fingerprint TEXT NOT NULL,
	found_at TEXT NOT NULL,
	stale INTEGER NOT NULL DEFAULT 0,
	cleared_by BIGINT REFERENCES users(id),
	cleared_at TEXT,
	reason TEXT NOT NULL DEFAULT '',
	UNIQUE (item_id, place, fingerprint)
);
CREATE INDEX safety_findings_item ON safety_findings(item_id);

-- the agency's word lists for the scanner (敏感词, 严重表述错误)
ALTER TABLE orgs ADD COLUMN safety_words TEXT NOT NULL DEFAULT '';

-- applications and 政民互动 cases assigned to a 承办人
ALTER TABLE applications ADD COLUMN assignee_id BIGINT REFERENCES users(id);
ALTER TABLE interactions ADD COLUMN assignee_id BIGINT REFERENCES users(id);
