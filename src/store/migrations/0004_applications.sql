-- 0004: disclosure applications (依申请公开): the case, the events of its
-- procedure (who, when, why), every change of its due date and its cause,
-- the notices and letters it produced, and its files. The rules are in
-- src/domain/applications.

CREATE TABLE applications (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	serial TEXT NOT NULL,               -- 申请编号, e.g. 2021-0007 (per org and year)
	tracking_code TEXT NOT NULL UNIQUE, -- 查询码 on the receipt
	check_digits TEXT NOT NULL,         -- second factor of the public tracking page: last 4 digits of the phone
	submit_token TEXT,                  -- the form's one-time token: a double click stores once
	state TEXT NOT NULL CHECK (state IN ('submitted', 'registered', 'correcting', 'consulting',
		'awaiting_fee', 'extended', 'replied', 'terminated', 'void')),
	applicant_type TEXT NOT NULL CHECK (applicant_type IN ('natural', 'commercial', 'research', 'charity',
		'legal', 'other')),
	name TEXT NOT NULL,
	id_kind TEXT NOT NULL,
	id_number TEXT NOT NULL,
	contact_person TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	postcode TEXT NOT NULL DEFAULT '',
	info_title TEXT NOT NULL DEFAULT '',
	info_doc_no TEXT NOT NULL DEFAULT '',
	info_desc TEXT NOT NULL DEFAULT '',
	medium TEXT NOT NULL,               -- 形式要求: 纸质 / 电子
	delivery TEXT NOT NULL,             -- 获取方式: 邮寄 / 电子邮件 / 当面领取 / 网上获取
	channel TEXT NOT NULL CHECK (channel IN ('online', 'in_person', 'post_signed', 'post_plain', 'fax', 'email')),
	evidence TEXT NOT NULL DEFAULT '',  -- receipt evidence: 签收记录, 确认记录, ...
	submitted_on TEXT NOT NULL,         -- the day it arrived
	received_on TEXT NOT NULL,          -- 收到申请之日 (第三十一条)
	due_on TEXT,                        -- reply due; NULL when it cannot be computed (due_error says why)
	due_error TEXT NOT NULL DEFAULT '',
	extended INTEGER NOT NULL DEFAULT 0,
	wait_until TEXT,                    -- the applicant's limit while the case waits (补正 or payment)
	fee_standard INTEGER NOT NULL DEFAULT 0,
	fee_units BIGINT NOT NULL DEFAULT 0,
	fee_yuan BIGINT NOT NULL DEFAULT 0,
	outcome TEXT,                       -- reply type (domain/applications outcome code)
	basis TEXT NOT NULL DEFAULT '',     -- legal basis of the reply
	closed_on TEXT,                     -- replied or terminated on
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, serial),
	UNIQUE (org_id, submit_token)
);
CREATE INDEX applications_due ON applications(org_id, state, due_on);
CREATE INDEX applications_received ON applications(org_id, received_on);

CREATE TABLE application_events (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	application_id BIGINT NOT NULL REFERENCES applications(id),
	action TEXT NOT NULL,
	day TEXT NOT NULL,                  -- the day it took effect
	n INTEGER NOT NULL DEFAULT 0,       -- days: extension, applicant's limit
	user_id BIGINT REFERENCES users(id),-- NULL: the applicant (online form, API)
	actor TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	at TEXT NOT NULL
);
CREATE INDEX application_events_app ON application_events(application_id, id);

CREATE TABLE application_due_changes (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	application_id BIGINT NOT NULL REFERENCES applications(id),
	old_due TEXT,
	new_due TEXT,
	cause TEXT NOT NULL,
	at TEXT NOT NULL
);
CREATE INDEX application_due_changes_app ON application_due_changes(application_id, id);

CREATE TABLE application_letters (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	application_id BIGINT NOT NULL REFERENCES applications(id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	doc_no TEXT NOT NULL DEFAULT '',
	body_md TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
	issued_on TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX application_letters_app ON application_letters(application_id, id);

CREATE TABLE application_files (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	application_id BIGINT NOT NULL REFERENCES applications(id),
	role TEXT NOT NULL CHECK (role IN ('request', 'released')),
	filename TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX application_files_app ON application_files(application_id, id);
