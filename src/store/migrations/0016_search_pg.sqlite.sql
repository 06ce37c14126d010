-- 0016 (SQLite): nothing. PostgreSQL's full-text index (0016_search_pg.pg.sql)
-- is FTS5's items_fts here (0002_search.sqlite.sql); this file keeps the
-- two engines' schema versions the same number.
SELECT 1;
