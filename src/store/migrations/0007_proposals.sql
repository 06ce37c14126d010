-- 0007: deputies' proposals and suggestions handled by the agency (建议提案
-- 办理): the 交办 record (source, session, kind, number, proposers, this
-- agency's role, assigned and due dates), the reply with its result class,
-- the proposer's satisfaction, the catalog item that published the reply,
-- and the events of the case (who, when). The rules are in
-- src/domain/registers/proposals.c; codes are listed there.

CREATE TABLE proposals (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	-- 来源: '' only for a 来信 without one (a decision: the seed report counts 来信 apart)
	source TEXT NOT NULL DEFAULT '' CHECK (source IN ('', 'party', 'npc', 'cppcc')),
	session TEXT NOT NULL DEFAULT '',   -- 届次会议, e.g. 市十六届人大四次会议 ('' for a 来信 without one)
	kind TEXT NOT NULL CHECK (kind IN ('motion', 'suggestion', 'interim', 'proposal', 'letter')),
	number TEXT NOT NULL,               -- 编号 on the 交办 list, e.g. 12
	title TEXT NOT NULL,
	proposer TEXT NOT NULL DEFAULT '',  -- 领衔人 (来信: the writer)
	cosigners TEXT NOT NULL DEFAULT '', -- 附议人
	role TEXT NOT NULL CHECK (role IN ('lead', 'assist', 'joint')),  -- 主办 / 协办 / 会办
	assigned_on TEXT NOT NULL,          -- 交办日期
	due_on TEXT NOT NULL,               -- 办理期限
	due_computed INTEGER NOT NULL DEFAULT 0, -- 1: assigned_on + the default days, not from the 交办 document
	state TEXT NOT NULL CHECK (state IN ('open', 'replied', 'closed')),
	reply TEXT NOT NULL DEFAULT '',     -- 答复内容 (Markdown)
	result TEXT CHECK (result IN ('A', 'B', 'C')),
	replied_on TEXT,
	satisfaction TEXT CHECK (satisfaction IN ('satisfied', 'basic', 'dissatisfied')),
	closed_on TEXT,
	item_id BIGINT REFERENCES items(id), -- the published reply in 提案建议办理结果
	submit_token TEXT,                  -- the form's one-time token: a double click stores once
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, session, kind, number),
	UNIQUE (org_id, item_id),
	UNIQUE (org_id, submit_token)
);
CREATE INDEX proposals_assigned ON proposals(org_id, assigned_on);
CREATE INDEX proposals_state ON proposals(org_id, state, due_on);

CREATE TABLE proposal_events (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	proposal_id BIGINT NOT NULL REFERENCES proposals(id),
	action TEXT NOT NULL,               -- create edit reply amend close publish link import update
	day TEXT NOT NULL,                  -- the day it took effect
	user_id BIGINT REFERENCES users(id),-- NULL: the command line
	actor TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	at TEXT NOT NULL
);
CREATE INDEX proposal_events_proposal ON proposal_events(proposal_id, id);
