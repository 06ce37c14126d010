-- 0003: the working-day calendar (工作日历): statutory days off and adjusted
-- working days (调休上班), per organisation (the national calendar belongs
-- to the platform org). A year is covered - its days can be judged - only
-- when it has a calendar_years row: `gongkai calendar import` covers every
-- year that has at least one row in the imported file. A day not listed is
-- a working day iff it is Monday-Friday.

CREATE TABLE calendar_days (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	day TEXT NOT NULL,           -- YYYY-MM-DD
	kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
	name TEXT NOT NULL,          -- the holiday, e.g. 国庆节
	PRIMARY KEY (org_id, day)
);

CREATE TABLE calendar_years (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	year INTEGER NOT NULL,
	PRIMARY KEY (org_id, year)
);
