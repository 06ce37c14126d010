-- 0016 (PostgreSQL): the full-text index of published items, which
-- 0002_search.pg.sql left out. One row per published item: a tsvector of
-- the "gk" tokenizer's tokens (title and 文号 weight A, body B) and the
-- filter lexemes '#o<org>' '#c<category>' '#y<year>' '#v<validity 1-4>',
-- written by src/store/item.c (search_sync) after every change of an item,
-- as no trigger can call the tokenizer. A GIN index answers a search and
-- its filters in one intersection, as FTS5's doclists do on SQLite.
CREATE TABLE item_search (
	id BIGINT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
	tsv TSVECTOR NOT NULL
);
CREATE INDEX item_search_tsv ON item_search USING GIN (tsv);

-- Items published before this migration are indexed by the rebuild that
-- db_migrate runs when it finds this mark (store_search_rebuild).
INSERT INTO meta (key, value) VALUES ('fts_deferred', '1') ON CONFLICT (key) DO NOTHING;
