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

-- The two steps of a search that read item_search, as functions so that
-- their plans can be told what the planner cannot know: every match it
-- checks in the table itself costs a read of its TOASTed tsvector (~20 us),
-- so a sequential scan, or a scan of the primary key in id order, is far
-- slower than the GIN index's bitmap even when it matches most rows
-- (enable_seqscan off; "id + 0" keeps the order off the key's index).
-- q is the search's tsquery with the filter lexemes.
-- The number of matches up to cap, and the id of the win-th newest (the
-- floor of the ranked window; the oldest when there are fewer).
CREATE FUNCTION gk_search_head(q tsquery, win BIGINT, cap BIGINT, OUT n BIGINT, OUT floor_id BIGINT)
	LANGUAGE sql STABLE SET enable_seqscan = off AS $$
	SELECT COUNT(*), COALESCE(MIN(id) FILTER (WHERE rn <= win), 0)
	FROM (SELECT id, row_number() OVER (ORDER BY id + 0 DESC) AS rn FROM item_search
	      WHERE tsv @@ q ORDER BY id + 0 DESC LIMIT cap) s
$$;
-- A page of the matches from floor_id on, in the order of the search:
-- title (and 文号) hits first (title: the phrases restricted to weight A),
-- then ts_rank_cd over the user's words (weights A 1.0, B 0.1), then newer.
-- ROWS: a page is a few dozen rows, which the caller joins by primary key
-- (the default estimate of 1000 makes that a scan of every item).
CREATE FUNCTION gk_search_page(q tsquery, floor_id BIGINT, title tsquery, words tsquery, lim BIGINT, skip BIGINT)
	RETURNS TABLE (id BIGINT, hit BOOLEAN, score REAL)
	LANGUAGE sql STABLE ROWS 20 SET enable_seqscan = off AS $$
	SELECT s.id, s.tsv @@ title, ts_rank_cd('{0, 0, 0.1, 1}', s.tsv, words) FROM item_search s
	WHERE s.tsv @@ q AND s.id >= floor_id ORDER BY 2 DESC, 3 DESC, s.id DESC LIMIT lim OFFSET skip
$$;

-- Items published before this migration are indexed by the rebuild that
-- db_migrate runs when it finds this mark (store_search_rebuild).
INSERT INTO meta (key, value) VALUES ('fts_deferred', '1') ON CONFLICT (key) DO NOTHING;
