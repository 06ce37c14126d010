-- 0017: the multi-agency platform (政府网站集约化): the org tree's fields.
-- orgs already has parent_id (NULL: a top-level agency, under the platform)
-- and kind (platform | agency). The rules (no cycles, a parent must exist,
-- which kinds, the report deadline's default) are in src/domain/platform.
--
-- agency_kind: what the agency is, as the annual report names it:
--   'government' 人民政府 (市、区县、乡镇人民政府 publishing the 本级政府 report),
--   'department' 政府部门, 'town' 乡镇（街道）, 'other' 其他.
-- report_due: a local deadline earlier than the statutory one, 'MM-DD';
--   '' = the statute (条例第四十九条: 1月31日, or 3月31日 for the 本级政府 report).
-- active: 0 = deactivated (kept with its records, hidden from the public).
ALTER TABLE orgs ADD COLUMN agency_kind TEXT NOT NULL DEFAULT 'department';
ALTER TABLE orgs ADD COLUMN sort INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orgs ADD COLUMN report_due TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact_address TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact_postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact_fax TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact_hours TEXT NOT NULL DEFAULT '';
CREATE INDEX orgs_parent ON orgs(parent_id);
