-- 0006: public interaction (政民互动): the channels a case can arrive by
-- (per org, with the reply limit of each), the cases (咨询, 建议, 投诉,
-- 求助, 信访) from receipt through assignment and reply to closing, with
-- an optional public version of question and answer, and who did what
-- when. The rules are in src/domain/registers/interactions.c.

CREATE TABLE interaction_channels (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	code TEXT NOT NULL,                  -- stable code: the defaults' (mayor_phone, ...) or a generated one
	name TEXT NOT NULL,                  -- 市长电话, 领导信箱, ...
	due_n INTEGER NOT NULL CHECK (due_n BETWEEN 1 AND 365),
	due_unit TEXT NOT NULL CHECK (due_unit IN ('workdays', 'days')),
	sort INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1,
	public_form INTEGER NOT NULL DEFAULT 0, -- offered on the public 领导信箱 / 咨询 form
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, code),
	UNIQUE (org_id, name)
);

CREATE TABLE interactions (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	channel_id BIGINT NOT NULL REFERENCES interaction_channels(id),
	kind TEXT NOT NULL CHECK (kind IN ('consult', 'suggest', 'complain', 'help', 'petition')),
	state TEXT NOT NULL CHECK (state IN ('received', 'assigned', 'replied', 'closed')),
	tracking_code TEXT NOT NULL UNIQUE,  -- 查询码
	check_digits TEXT NOT NULL DEFAULT '', -- last 4 digits of the phone ('' : no public tracking)
	submit_token TEXT,                   -- the public form's one-time token
	received_on TEXT NOT NULL,
	subject TEXT NOT NULL,
	content TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL DEFAULT '',       -- the person's name and contact: never public
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	unit TEXT NOT NULL DEFAULT '',       -- 承办单位
	handler TEXT NOT NULL DEFAULT '',    -- 承办人
	due_n INTEGER NOT NULL,              -- the channel's limit when it was received
	due_unit TEXT NOT NULL CHECK (due_unit IN ('workdays', 'days')),
	due_on TEXT,                         -- NULL when it cannot be computed (due_error says why)
	due_error TEXT NOT NULL DEFAULT '',
	reply TEXT NOT NULL DEFAULT '',
	replied_on TEXT,
	closed_on TEXT,
	consent INTEGER NOT NULL DEFAULT 0,  -- the person agreed to publication
	public INTEGER NOT NULL DEFAULT 0,   -- shown on the public Q&A (its public version only)
	public_subject TEXT NOT NULL DEFAULT '',
	public_question TEXT NOT NULL DEFAULT '',
	public_answer TEXT NOT NULL DEFAULT '',
	published_on TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, submit_token)
);
CREATE INDEX interactions_state ON interactions(org_id, state, due_on);
CREATE INDEX interactions_received ON interactions(org_id, received_on);
CREATE INDEX interactions_public ON interactions(org_id, public, published_on);

CREATE TABLE interaction_events (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	interaction_id BIGINT NOT NULL REFERENCES interactions(id),
	action TEXT NOT NULL,                -- receive import assign reply close publish unpublish
	day TEXT NOT NULL,
	user_id BIGINT REFERENCES users(id), -- NULL: the person (public form) or the command line
	actor TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	at TEXT NOT NULL
);
CREATE INDEX interaction_events_case ON interaction_events(interaction_id, id);
