-- 0003: state of the installation itself (not of any organisation), such
-- as the fingerprint of the dictionary the search index was built with.
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
