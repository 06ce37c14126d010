-- 0002 (SQLite): full-text index of published items, friso tokenizer "gk"
-- (src/store/fts.c). Only published items are indexed; triggers keep the
-- external-content index in step with the items table.
CREATE VIRTUAL TABLE items_fts USING fts5(title, doc_no, body_text, content='items', content_rowid='id', tokenize='gk');

CREATE TRIGGER items_fts_ai AFTER INSERT ON items WHEN new.status = 'published' BEGIN
	INSERT INTO items_fts(rowid, title, doc_no, body_text) VALUES (new.id, new.title, new.doc_no, new.body_text);
END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items WHEN old.status = 'published' BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, doc_no, body_text) VALUES ('delete', old.id, old.title, old.doc_no, old.body_text);
END;
-- One trigger for updates, so the old row leaves the index before the new
-- one enters it: SQLite runs separate AFTER triggers in reverse order of
-- creation, and a 'delete' after the insert would remove shared tokens.
CREATE TRIGGER items_fts_au AFTER UPDATE OF title, doc_no, body_text, status ON items BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, doc_no, body_text)
		SELECT 'delete', old.id, old.title, old.doc_no, old.body_text WHERE old.status = 'published';
	INSERT INTO items_fts(rowid, title, doc_no, body_text)
		SELECT new.id, new.title, new.doc_no, new.body_text WHERE new.status = 'published';
END;
