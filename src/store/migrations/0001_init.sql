-- 0001: organisations, users, sessions, the catalog.
-- Portable SQL: @ID@ is the dialect's auto-increment primary key. Times are
-- ISO 8601 UTC text set by the application, dates are YYYY-MM-DD text.

CREATE TABLE orgs (
	id @ID@,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	org_code TEXT NOT NULL DEFAULT '',
	parent_id BIGINT REFERENCES orgs(id),
	kind TEXT NOT NULL DEFAULT 'agency' CHECK (kind IN ('platform', 'agency')),
	index_pattern TEXT NOT NULL DEFAULT '{机构代码}/{YYYY}-{NNNNN}',
	guide_md TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE users (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- a user's roles, per organisation (sysadmin is held in the platform org)
CREATE TABLE memberships (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	role TEXT NOT NULL CHECK (role IN ('sysadmin', 'orgadmin', 'editor', 'reviewer', 'handler', 'viewer')),
	PRIMARY KEY (org_id, user_id, role)
);

CREATE TABLE sessions (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	token_hash TEXT NOT NULL UNIQUE,
	csrf TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE categories (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	parent_id BIGINT REFERENCES categories(id),
	name TEXT NOT NULL,
	article TEXT NOT NULL DEFAULT '',
	sort INTEGER NOT NULL DEFAULT 0,
	UNIQUE (org_id, name)
);

-- 索引号 serials: the last serial given per org and year; only ever grows
CREATE TABLE index_serials (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	year INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (org_id, year)
);

CREATE TABLE items (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	index_no TEXT,
	title TEXT NOT NULL,
	doc_no TEXT NOT NULL DEFAULT '',
	publisher TEXT NOT NULL DEFAULT '',
	written_on TEXT,
	published_on TEXT,
	category_id BIGINT NOT NULL REFERENCES categories(id),
	topic TEXT NOT NULL DEFAULT '',
	genre TEXT NOT NULL DEFAULT '其他' CHECK (genre IN ('规章', '行政规范性文件', '其他')),
	validity TEXT NOT NULL DEFAULT '有效' CHECK (validity IN ('有效', '已修改', '废止', '失效')),
	validity_on TEXT,
	summary TEXT NOT NULL DEFAULT '',
	body_md TEXT NOT NULL DEFAULT '',
	body_text TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'published', 'withdrawn')),
	views BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, index_no)
);
CREATE INDEX items_public ON items(org_id, status, published_on);
CREATE INDEX items_category ON items(category_id, status, published_on);

CREATE TABLE attachments (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	filename TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX attachments_item ON attachments(item_id);

-- state of the installation itself (not of any organisation): the
-- fingerprint of the dictionary the search index was built with, and
-- 'fts_deferred' while a bulk import defers indexing to one rebuild
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
