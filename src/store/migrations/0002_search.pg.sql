-- 0002 (PostgreSQL): the per-category counts of published items and the
-- list indexes of 0002_search.sqlite.sql. The full-text index of published
-- items is not here: on PostgreSQL it is filled from C with friso's tokens
-- (store/item.c), as no trigger can call the tokenizer.
CREATE VIEW items_search AS
	SELECT id, title, doc_no, body_text,
	       'o' || org_id || ' c' || category_id || ' y' || COALESCE(substr(published_on, 1, 4), '0') || ' v' ||
	       (CASE validity WHEN '有效' THEN 1 WHEN '已修改' THEN 2 WHEN '废止' THEN 3 ELSE 4 END) AS scope
	FROM items WHERE status = 'published';

-- Published items per org, category, year and 有效性: the catalog's counts
-- and totals without counting rows. Kept by the trigger below.
CREATE TABLE item_counts (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	category_id BIGINT NOT NULL REFERENCES categories(id),
	year INTEGER NOT NULL,
	validity TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (org_id, category_id, year, validity)
);

CREATE FUNCTION item_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
		UPDATE item_counts SET n = n - 1 WHERE org_id = OLD.org_id AND category_id = OLD.category_id
			AND year = CAST(substr(OLD.published_on, 1, 4) AS INTEGER) AND validity = OLD.validity;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'published' THEN
		INSERT INTO item_counts (org_id, category_id, year, validity, n)
			VALUES (NEW.org_id, NEW.category_id, CAST(substr(NEW.published_on, 1, 4) AS INTEGER), NEW.validity, 1)
			ON CONFLICT (org_id, category_id, year, validity) DO UPDATE SET n = item_counts.n + 1;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER item_counts_ai AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION item_counts_keep();
CREATE TRIGGER item_counts_ad AFTER DELETE ON items FOR EACH ROW EXECUTE FUNCTION item_counts_keep();
CREATE TRIGGER item_counts_au AFTER UPDATE OF status, org_id, category_id, published_on, validity ON items
	FOR EACH ROW EXECUTE FUNCTION item_counts_keep();

-- lists: newest published first per org / per category; staff lists by last change
CREATE INDEX items_org_updated ON items(org_id, updated_at);
CREATE INDEX items_status_published ON items(status, published_on);

-- SQLite's functions the store's portable statements use, with SQLite's
-- meaning (instr: 1-based position or 0; group_concat: NULLs skipped).
CREATE FUNCTION instr(s TEXT, sub TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN strpos(s, sub);
CREATE FUNCTION gk_group_concat_step(acc TEXT, v TEXT, sep TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || sep || v END;
CREATE AGGREGATE group_concat(TEXT, TEXT) (SFUNC = gk_group_concat_step, STYPE = TEXT);
