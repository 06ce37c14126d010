-- 0002 (SQLite): full-text index of published items with the friso-based
-- tokenizer "gk" (src/store/fts.c), and per-category counts.
--
-- Only published items are indexed: the index reads from the view
-- items_search, and triggers keep it in step with the items table. The
-- column scope holds the filters of a search as tokens (o<org> c<category>
-- y<year> v<validity 1-4>), so that filtering is part of the full-text
-- match (a doclist intersection) instead of a join over every match.
CREATE VIEW items_search AS
	SELECT id, title, doc_no, body_text,
	       'o' || org_id || ' c' || category_id || ' y' || COALESCE(substr(published_on, 1, 4), '0') || ' v' ||
	       (CASE validity WHEN '有效' THEN 1 WHEN '已修改' THEN 2 WHEN '废止' THEN 3 ELSE 4 END) AS scope
	FROM items WHERE status = 'published';

CREATE VIRTUAL TABLE items_fts USING fts5(title, doc_no, body_text, scope,
	content='items_search', content_rowid='id', tokenize='gk');

-- A bulk import sets meta 'fts_deferred' inside its transaction and
-- rebuilds the index once at the end, instead of indexing row by row.
CREATE TRIGGER items_fts_ai AFTER INSERT ON items
	WHEN new.status = 'published' AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
	INSERT INTO items_fts(rowid, title, doc_no, body_text, scope)
		SELECT id, title, doc_no, body_text, scope FROM items_search WHERE id = new.id;
END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items
	WHEN old.status = 'published' AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, doc_no, body_text, scope) VALUES ('delete', old.id,
		old.title, old.doc_no, old.body_text,
		'o' || old.org_id || ' c' || old.category_id || ' y' || COALESCE(substr(old.published_on, 1, 4), '0') ||
		' v' || (CASE old.validity WHEN '有效' THEN 1 WHEN '已修改' THEN 2 WHEN '废止' THEN 3 ELSE 4 END));
END;
-- One trigger for updates, so the old row leaves the index before the new
-- one enters it: SQLite runs separate AFTER triggers in reverse order of
-- creation, and a 'delete' after the insert would remove shared tokens.
CREATE TRIGGER items_fts_au AFTER UPDATE OF title, doc_no, body_text, status, org_id, category_id,
		published_on, validity ON items
	WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fts_deferred') BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, doc_no, body_text, scope)
		SELECT 'delete', old.id, old.title, old.doc_no, old.body_text,
		'o' || old.org_id || ' c' || old.category_id || ' y' || COALESCE(substr(old.published_on, 1, 4), '0') ||
		' v' || (CASE old.validity WHEN '有效' THEN 1 WHEN '已修改' THEN 2 WHEN '废止' THEN 3 ELSE 4 END)
		WHERE old.status = 'published';
	INSERT INTO items_fts(rowid, title, doc_no, body_text, scope)
		SELECT id, title, doc_no, body_text, scope FROM items_search WHERE id = new.id;
END;

-- Published items per org, category, year and 有效性: the catalog's counts
-- and totals without counting rows. Kept by triggers.
CREATE TABLE item_counts (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	category_id BIGINT NOT NULL REFERENCES categories(id),
	year INTEGER NOT NULL,
	validity TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (org_id, category_id, year, validity)
);
CREATE TRIGGER item_counts_ai AFTER INSERT ON items WHEN new.status = 'published' BEGIN
	INSERT INTO item_counts (org_id, category_id, year, validity, n)
		VALUES (new.org_id, new.category_id, CAST(substr(new.published_on, 1, 4) AS INTEGER), new.validity, 1)
		ON CONFLICT (org_id, category_id, year, validity) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER item_counts_ad AFTER DELETE ON items WHEN old.status = 'published' BEGIN
	UPDATE item_counts SET n = n - 1 WHERE org_id = old.org_id AND category_id = old.category_id
		AND year = CAST(substr(old.published_on, 1, 4) AS INTEGER) AND validity = old.validity;
END;
CREATE TRIGGER item_counts_au AFTER UPDATE OF status, org_id, category_id, published_on, validity ON items BEGIN
	UPDATE item_counts SET n = n - 1 WHERE old.status = 'published' AND org_id = old.org_id
		AND category_id = old.category_id AND year = CAST(substr(old.published_on, 1, 4) AS INTEGER)
		AND validity = old.validity;
	INSERT INTO item_counts (org_id, category_id, year, validity, n)
		SELECT new.org_id, new.category_id, CAST(substr(new.published_on, 1, 4) AS INTEGER), new.validity, 1
		WHERE new.status = 'published'
		ON CONFLICT (org_id, category_id, year, validity) DO UPDATE SET n = n + 1;
END;

-- lists: newest published first per org / per category; staff lists by last change
CREATE INDEX items_org_updated ON items(org_id, updated_at);
CREATE INDEX items_status_published ON items(status, published_on);
