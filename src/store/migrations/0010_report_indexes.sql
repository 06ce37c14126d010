-- 0010: indexes for the annual report's aggregate queries
-- (src/store/report_figures.c), so that every table of a year counts from
-- an index without reading whole rows.

-- 第二十条第（一）项: the few 规章 and 行政规范性文件 among the items, with
-- every date and 有效性 the counts need (a partial index: 其他 is the bulk)
CREATE INDEX items_report_genre ON items(org_id, genre, status, published_on, written_on, validity, validity_on)
	WHERE genre <> '其他';

-- table 三: applications still open, or closed on or after a year's start,
-- with the columns the counts group by (and the due date: replies after it)
CREATE INDEX applications_report ON applications(org_id, closed_on, received_on, state, applicant_type, outcome,
	due_on);

-- 信息处理费 paid in a year: the fee_paid events by day
CREATE INDEX application_events_action ON application_events(org_id, action, day, application_id);
