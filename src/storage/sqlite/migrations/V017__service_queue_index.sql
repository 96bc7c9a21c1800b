-- An agency's open queue of one service (an officer's service filter), oldest submission first,
-- from an index in that order: before, the page and its count walked the agency's whole open
-- queue to find the service's applications (45-50 ms at 300,000 applications, 11,651 of them
-- open in one agency; growing with the agency, not the service). Partial like
-- applications_open_queue: it holds the open, submitted applications only.
CREATE INDEX applications_service_queue ON applications (agency_id, service_id, submitted_at, id) WHERE is_open = 1 AND state <> 'draft';
