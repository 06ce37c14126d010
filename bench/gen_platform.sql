-- gen_platform.sql - the city platform's data for bench/platform_bench.sh,
-- generated inside PostgreSQL (generating ten million items through the
-- application would take hours): :agencies agencies under the platform,
-- each with the ten categories of a 公开目录 and :items published items
-- spread over 2015-2024, titles and bodies drawn deterministically from a
-- fixed vocabulary (the same database for the same parameters).
--
--   psql "$URL" -v agencies=1000 -v items=10000 -f bench/gen_platform.sql
--
-- Run on a database `gongkai init` created (schema and platform org). The
-- triggers are off while loading (one transaction), as in a bulk import:
-- the derived catalog counts (item_counts) and 索引号 serials are computed
-- here in one statement each, and the audit trail gets one event per
-- table instead of a row per item (as `gongkai import --bulk` does).
-- The search index (item_search) is not filled here: platform_bench.sh
-- then runs the product's rebuild, `gongkai search rebuild`.
\set ON_ERROR_STOP on
\timing on

BEGIN;
ALTER TABLE orgs DISABLE TRIGGER USER;
ALTER TABLE categories DISABLE TRIGGER USER;
ALTER TABLE items DISABLE TRIGGER USER;
ALTER TABLE index_serials DISABLE TRIGGER USER;

CREATE TEMP TABLE gen_words (i INT PRIMARY KEY, w TEXT NOT NULL) ON COMMIT DROP;
INSERT INTO gen_words
SELECT t.n - 1, t.w FROM unnest(ARRAY[
	'教育','学校','招生','义务教育','学前教育','职业教育','高中','初中','小学','幼儿园','教师','学生','家长','课程',
	'教学','质量','评估','督导','安全','食堂','校车','体育','艺术','科技','创新','信息化','财政','预算','经费','资助',
	'补助','奖学金','助学金','贷款','采购','招标','项目','建设','维修','改造','设施','设备','图书','实验室','卫生',
	'防疫','健康','心理','辅导','考试','中考','高考','学籍','转学','入学','划片','学区','户籍','随迁子女','残疾',
	'特殊教育','民办','办学','许可','审批','年检','备案','收费','标准','减免','政策','通知','意见','办法','规定',
	'实施','方案','计划','总结','报告','公示','公告','名单','结果','统计','数据','年度','工作','部署','会议','培训',
	'交流','考核','表彰','先进','典型','经验','推广','改革','试点','示范','规范','管理','监督','检查','整改','落实',
	'责任','制度','机制','体系','服务','保障','民生','群众','满意','投诉','举报','咨询','答复','依申请','公开','信息',
	'政务','平台','网站','指南','目录','年报','条例','规范性文件','法规','依法','行政','处罚','强制','复议','诉讼',
	'人事','招聘','编制','岗位','职称','工资','绩效','福利','社会保险','公积金','退休','离岗','选拔','任免','干部',
	'党建','廉政','作风','纪律','宣传','舆情','应急','预案','演练','消防','交通','防汛','台风','疫情','复学','返校',
	'寒假','暑假','课后服务','双减','作业','睡眠','近视','营养','膳食','劳动','研学','实践','德育','美育','团队',
	'少先队','共青团','志愿者','社区','街道','乡镇','城区','农村','山区','海岛','集团化','共同体','结对','帮扶',
	'对口','援建','合作','协议','签约','开工','竣工','验收','投入','使用','启用','揭牌','挂牌','命名','认定'
]) WITH ORDINALITY AS t(w, n);

-- 2,000 paragraphs of 60 words, 3,000 titles of 6 to 11 words
CREATE TEMP TABLE gen_para ON COMMIT DROP AS
SELECT p, string_agg(w.w, '' ORDER BY k) || '。' AS t
FROM generate_series(0, 1999) AS p, generate_series(1, 60) AS k
JOIN LATERAL (SELECT w FROM gen_words WHERE i = ((p * 7919 + k * 104729 + k * k * 13) % 280)) AS w ON true
GROUP BY p;
CREATE UNIQUE INDEX ON gen_para (p);
CREATE TEMP TABLE gen_title ON COMMIT DROP AS
SELECT p, string_agg(w.w, '' ORDER BY k) AS t
FROM generate_series(0, 2999) AS p, generate_series(1, 11) AS k
JOIN LATERAL (SELECT w FROM gen_words WHERE i = ((p * 104723 + k * 7907 + k * k * 31) % 280)) AS w ON true
WHERE k <= 6 + p % 6
GROUP BY p;
CREATE UNIQUE INDEX ON gen_title (p);

INSERT INTO orgs (slug, name, org_code, parent_id, kind, created_at, updated_at)
SELECT 'agency-' || g, '第' || g || '号机关', 'A' || lpad(g::text, 5, '0'),
       (SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1), 'agency',
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM generate_series(1, :agencies) AS g;

INSERT INTO categories (org_id, name, article, sort)
SELECT o.id, c.name, c.article, c.sort
FROM orgs o CROSS JOIN (VALUES
	('机构职能', '第二十条第一项', 1), ('法规文件', '第二十条第二项', 2), ('规划计划', '第二十条第三项', 3),
	('统计信息', '第二十条第四项', 4), ('财政信息', '第二十条第八项', 5), ('行政许可', '第二十条第六项', 6),
	('行政处罚', '第二十条第六项', 7), ('政府采购', '第二十条第十二项', 8), ('人事信息', '第二十条第十四项', 9),
	('工作动态', '', 10)) AS c(name, article, sort)
WHERE o.kind = 'agency'
ORDER BY o.id, c.sort;

CREATE TEMP TABLE gen_cat ON COMMIT DROP AS
SELECT org_id, id, (row_number() OVER (PARTITION BY org_id ORDER BY sort, id) - 1)::int AS k FROM categories;
CREATE UNIQUE INDEX ON gen_cat (org_id, k);

-- the items' secondary indexes, as the migrations made them, are dropped
-- for the load and built again after it (a bulk build is several times
-- faster than ten million insertions into six indexes)
SET LOCAL maintenance_work_mem = '1GB';
CREATE TEMP TABLE gen_idx ON COMMIT DROP AS
SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def
FROM pg_index i WHERE indrelid = 'items'::regclass AND NOT indisunique AND NOT indisprimary;
DO $$ DECLARE r RECORD; BEGIN
	FOR r IN SELECT name FROM gen_idx LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

INSERT INTO items (org_id, index_no, title, doc_no, publisher, written_on, published_on, category_id, topic, genre,
		   validity, summary, body_md, body_text, status, views, version, created_at, updated_at)
SELECT o.id,
       o.org_code || '/' || to_char(d.day, 'YYYY') || '-' || lpad(n::text, 6, '0'),
       t.t || '的通知',
       CASE WHEN n % 3 = 0 THEN '第' || (o.id % 97) || '号〔' || to_char(d.day, 'YYYY') || '〕' || (n % 500 + 1) || '号' ELSE '' END,
       o.name, to_char(d.day - 3, 'YYYY-MM-DD'), to_char(d.day, 'YYYY-MM-DD'), c.id, '教育', '其他',
       CASE WHEN n % 17 = 0 THEN '废止' ELSE '有效' END, '',
       p1.t || E'\n\n' || p2.t, p1.t || ' ' || p2.t, 'published', 0, 1,
       to_char(d.day, 'YYYY-MM-DD') || 'T08:00:00Z', to_char(d.day, 'YYYY-MM-DD') || 'T08:00:00Z'
FROM orgs o
CROSS JOIN generate_series(1, :items) AS n
JOIN gen_cat c ON c.org_id = o.id AND c.k = n % 10
JOIN gen_title t ON t.p = (n * 7 + o.id * 13) % 3000
JOIN gen_para p1 ON p1.p = (n * 31 + o.id) % 2000
JOIN gen_para p2 ON p2.p = (n * 17 + o.id * 7 + 1000) % 2000
CROSS JOIN LATERAL (SELECT DATE '2015-01-01' + CAST((n * 37 + o.id) % 3650 AS INTEGER) AS day) AS d
WHERE o.kind = 'agency';

DO $$ DECLARE r RECORD; BEGIN
	FOR r IN SELECT def FROM gen_idx LOOP EXECUTE r.def; END LOOP;
END $$;

-- what the triggers keep when items change one by one
INSERT INTO item_counts (org_id, category_id, year, validity, n)
SELECT org_id, category_id, CAST(substr(published_on, 1, 4) AS INTEGER), validity, COUNT(*)
FROM items WHERE status = 'published'
GROUP BY 1, 2, 3, 4;
INSERT INTO index_serials (org_id, year, last)
SELECT org_id, CAST(substr(published_on, 1, 4) AS INTEGER), COUNT(*) FROM items GROUP BY 1, 2;

ALTER TABLE orgs ENABLE TRIGGER USER;
ALTER TABLE categories ENABLE TRIGGER USER;
ALTER TABLE items ENABLE TRIGGER USER;
ALTER TABLE index_serials ENABLE TRIGGER USER;

-- one audit event for the load (the chain goes on from the last row)
SET LOCAL gongkai.actor_name = 'bench/gen_platform.sql';
INSERT INTO audit_log (at, org_id, user_id, username, ip, action, tbl, row_id, before, after, hash)
SELECT at, NULL, NULL, 'bench/gen_platform.sql', '', 'bulk_import', 'items', NULL, NULL, aft,
       gk_audit_hash((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), at, NULL, NULL, 'bench/gen_platform.sql', '',
		     'bulk_import', 'items', NULL, NULL, aft)
FROM (SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
	     json_build_object('agencies', :agencies, 'items_per_agency', :items)::text AS aft) AS x;
COMMIT;

ANALYZE;
SELECT (SELECT COUNT(*) FROM orgs WHERE kind = 'agency') AS agencies, (SELECT COUNT(*) FROM items) AS items,
       pg_size_pretty(pg_database_size(current_database())) AS size;
