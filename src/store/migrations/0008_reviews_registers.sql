-- 0008: administrative reviews and lawsuits about disclosure (复议诉讼,
-- table 四 of the annual report) and the 第二十条 registers behind table
-- 二: decisions (行政许可, 行政处罚, 行政强制, 其他对外管理服务事项) with
-- per-year declared counts for agencies that only record numbers, fee
-- items (行政事业性收费) with their yearly amounts, and 政府集中采购
-- projects. Amounts are whole fen (分). The rules are in
-- src/domain/registers (reviews.c, decisions.c).

CREATE TABLE reviews (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	kind TEXT NOT NULL CHECK (kind IN ('review', 'suit', 'suit_after_review')),
	case_no TEXT NOT NULL DEFAULT '',      -- 案号; '' when not known
	filed_on TEXT NOT NULL,                -- 申请复议或立案日期
	body TEXT NOT NULL,                    -- 复议机关或法院
	party TEXT NOT NULL,                   -- 申请人或原告 (personal data)
	matter TEXT NOT NULL DEFAULT '',       -- 事由
	application_id BIGINT REFERENCES applications(id), -- the disclosure application concerned
	result TEXT CHECK (result IN ('upheld', 'corrected', 'other')), -- NULL: 尚未审结
	decided_on TEXT,                       -- 结果日期; set iff result is
	note TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX reviews_filed ON reviews(org_id, filed_on);
CREATE UNIQUE INDEX reviews_case_no ON reviews(org_id, case_no) WHERE case_no <> '';

CREATE TABLE decisions (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	kind TEXT NOT NULL CHECK (kind IN ('license', 'penalty', 'coercion', 'service')),
	decided_on TEXT NOT NULL,              -- 决定日期
	doc_no TEXT NOT NULL DEFAULT '',       -- 文号; '' when none
	title TEXT NOT NULL,                   -- 事项名称
	party TEXT NOT NULL DEFAULT '',        -- 相对人
	note TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX decisions_day ON decisions(org_id, decided_on);
CREATE UNIQUE INDEX decisions_doc_no ON decisions(org_id, doc_no) WHERE doc_no <> '';

-- decisions of a kind and year that the agency did not record one by one
CREATE TABLE decision_counts (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	kind TEXT NOT NULL CHECK (kind IN ('license', 'penalty', 'coercion', 'service')),
	year INTEGER NOT NULL,
	n BIGINT NOT NULL CHECK (n >= 0),
	note TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, kind, year)
);

CREATE TABLE fee_items (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	name TEXT NOT NULL,                    -- 项目名称
	basis TEXT NOT NULL DEFAULT '',        -- 依据
	standard TEXT NOT NULL DEFAULT '',     -- 标准
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, name)
);

-- an item is in force in a year when it has a row for that year (0 allowed)
CREATE TABLE fee_amounts (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	fee_id BIGINT NOT NULL REFERENCES fee_items(id),
	year INTEGER NOT NULL,
	amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
	PRIMARY KEY (fee_id, year)
);
CREATE INDEX fee_amounts_year ON fee_amounts(org_id, year);

CREATE TABLE procurements (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	year INTEGER NOT NULL,
	project TEXT NOT NULL,                 -- 项目名称
	amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
	day TEXT,                              -- 日期 (in year), NULL when not recorded
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX procurements_year ON procurements(org_id, year);
