-- 0005: the staff list of applications (by state, then due date, then
-- receipt) and the dashboard's summary of open cases are read from this
-- index alone; it replaces applications_due.
DROP INDEX applications_due;
CREATE INDEX applications_list ON applications(org_id, state, due_on, received_on, extended);
