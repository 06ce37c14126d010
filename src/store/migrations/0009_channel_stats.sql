-- 0009: channel figures (公开渠道数据): the channels an agency publishes
-- through (its portal, its government new media accounts, others) and
-- their monthly figures, one row per channel, month and metric. The rules
-- (which metrics a channel type has, how a year adds up) are in
-- src/domain/registers/channel_stats.c.

CREATE TABLE stat_channels (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	name TEXT NOT NULL,                 -- e.g. 桐乡智慧教育网, 桐乡教育
	type TEXT NOT NULL CHECK (type IN ('portal', 'new_media', 'other')),
	platform TEXT NOT NULL DEFAULT '',  -- 微信公众号, 微博, 抖音, ... (new media); the address of a portal
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, name)
);

-- metric: a portal's content type (动态类, 公告类, ...) or a new media
-- metric (推送次数, 阅读量, 关注人数, 最高单条阅读); label: the title of
-- the most-read item, or a note
CREATE TABLE channel_figures (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	channel_id BIGINT NOT NULL REFERENCES stat_channels(id),
	year INTEGER NOT NULL,
	month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
	metric TEXT NOT NULL,
	value BIGINT NOT NULL CHECK (value >= 0),
	label TEXT NOT NULL DEFAULT '',
	updated_by BIGINT REFERENCES users(id),
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, channel_id, year, month, metric)
);
CREATE INDEX channel_figures_year ON channel_figures(org_id, year, channel_id);
