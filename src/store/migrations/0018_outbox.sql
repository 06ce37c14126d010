-- 0018: the delivery outbox. Each publication event (publish, withdraw,
-- correct) becomes one delivery per enabled channel of the org whose
-- categories match the item, inserted in the publishing transaction; a
-- background worker sends them (src/domain/channels/outbox.c) through the
-- channel's driver (platform_push, wechat, ...: the kinds are the drivers
-- registered in src/domain/channels/registry.c, so the column has no CHECK
-- and a new kind needs no table rebuild).
--
-- Secrets (the push HMAC key, the WeChat AppSecret) live in
-- delivery_secrets, which the audit trail skips; delivery_channels.secret_fp
-- holds their fingerprint, so the audit log shows that a secret changed
-- without showing it. Deliveries, their attempts and the WeChat token cache
-- are machine state, also not audited (delivery_log is their log).

CREATE TABLE delivery_channels (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	kind TEXT NOT NULL,                    -- a registered driver: platform_push, wechat, ...
	name TEXT NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1,
	all_categories INTEGER NOT NULL DEFAULT 1, -- 0: only delivery_channel_categories
	endpoint TEXT NOT NULL DEFAULT '',     -- push URL, or the WeChat API base URL
	app_id TEXT NOT NULL DEFAULT '',       -- WeChat AppID
	secret_fp TEXT NOT NULL DEFAULT '',    -- 'sha256:' and 12 hex digits of the secret ('' none)
	config TEXT NOT NULL DEFAULT '{}',     -- other settings of the driver (JSON object)
	stat_channel_id BIGINT REFERENCES stat_channels(id), -- the channel figures it counts into
	stat_metric TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, name)
);

CREATE TABLE delivery_channel_categories (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	channel_id BIGINT NOT NULL REFERENCES delivery_channels(id),
	category_id BIGINT NOT NULL REFERENCES categories(id),
	PRIMARY KEY (channel_id, category_id)
);

CREATE TABLE delivery_secrets (
	channel_id BIGINT PRIMARY KEY REFERENCES delivery_channels(id),
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	secret TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL
);

-- Times are UTC with milliseconds ('YYYY-MM-DDTHH:MM:SS.mmmZ'), compared
-- as text. A delivery being sent has a lease: a worker takes it with an
-- UPDATE that only matches when no unexpired lease is held, so two
-- processes never send it at once, and a process killed mid-send leaves a
-- lease that expires and lets the delivery be taken again.
CREATE TABLE deliveries (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	channel_id BIGINT NOT NULL REFERENCES delivery_channels(id),
	item_id BIGINT NOT NULL REFERENCES items(id),
	item_version INTEGER NOT NULL,
	event TEXT NOT NULL CHECK (event IN ('publish', 'withdraw', 'correct')),
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	lease_until TEXT,
	lease_owner TEXT,
	last_error TEXT NOT NULL DEFAULT '',
	remote_id TEXT NOT NULL DEFAULT '',    -- the receiver's id (WeChat publish_id, ...)
	progress TEXT NOT NULL DEFAULT '',     -- a driver's notes between attempts (uploaded media ids)
	manual INTEGER NOT NULL DEFAULT 0,     -- done, but a person must still act (see last_error)
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	delivered_at TEXT
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_org ON deliveries(org_id, state, id);
CREATE INDEX deliveries_item ON deliveries(org_id, item_id);
CREATE INDEX deliveries_done ON deliveries(channel_id, state, delivered_at);

CREATE TABLE delivery_log (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	delivery_id BIGINT NOT NULL REFERENCES deliveries(id),
	attempt INTEGER NOT NULL,
	started_at TEXT NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('done', 'retry', 'failed')),
	http_status INTEGER NOT NULL DEFAULT 0,
	message TEXT NOT NULL DEFAULT '',
	duration_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX delivery_log_delivery ON delivery_log(delivery_id, id);

-- a channel's cached access token (WeChat), shared by every process
CREATE TABLE delivery_tokens (
	channel_id BIGINT PRIMARY KEY REFERENCES delivery_channels(id),
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	token TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
