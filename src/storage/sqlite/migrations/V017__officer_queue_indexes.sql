-- An officer's filtered queues from indexes in their order, so that a page and its count read the
-- filter's applications only. Before, the service filter and the overdue filter walked the
-- agency's whole open queue and read each application to check it (45-60 ms at 300,000
-- applications, 11,651 of them open in one agency; growing with the agency's open queue, and
-- worst when few match). Both partial like applications_open_queue (V016): open, submitted
-- applications only.
-- One service's open queue, oldest submission first.
CREATE INDEX applications_service_queue ON applications (agency_id, service_id, submitted_at, id) WHERE is_open = 1 AND state <> 'draft';
-- The overdue queue, longest overdue first (the earliest SLA due time): its rows are the range
-- below the current time.
CREATE INDEX applications_overdue_queue ON applications (agency_id, sla_due_at, id) WHERE is_open = 1 AND state <> 'draft' AND sla_due_at IS NOT NULL;
