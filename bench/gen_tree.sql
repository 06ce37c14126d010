-- gen_tree.sql - the city's tree over the agencies of gen_platform.sql, for
-- bench/platform_bench.sh: one 人民政府 'city' at the top, :districts
-- 区县人民政府 'district-K' under it, and the agencies dealt out to the
-- districts in turn (agency-G under district-((G-1) % :districts + 1)).
-- The city's and a district's aggregated (本级政府) reports then sum
-- every agency below them. The audit triggers stay on: one audit row per
-- org changed, as through the pages.
--
--   psql "$URL" -v districts=10 -f bench/gen_tree.sql
\set ON_ERROR_STOP on

BEGIN;
INSERT INTO orgs (slug, name, org_code, parent_id, kind, agency_kind, created_at, updated_at)
VALUES ('city', '市人民政府', 'C00001', NULL, 'agency', 'government', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO orgs (slug, name, org_code, parent_id, kind, agency_kind, created_at, updated_at)
SELECT 'district-' || k, '第' || k || '区人民政府', 'D' || lpad(k::text, 5, '0'),
       (SELECT id FROM orgs WHERE slug = 'city'), 'agency', 'government', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM generate_series(1, :districts) AS k;
UPDATE orgs a SET parent_id = d.id
FROM orgs d
WHERE a.slug LIKE 'agency-%'
  AND d.slug = 'district-' || ((substr(a.slug, 8)::int - 1) % :districts + 1);
COMMIT;
SELECT COUNT(*) AS districts FROM orgs WHERE slug LIKE 'district-%';
