-- A person's own applications and each of their organisations', newest first, from indexes in
-- that order down to the id, so that a page that starts before a position (creation time, id)
-- reads its rows and stops, however many applications a large firm has filed. Before, the list
-- read every application of the person and their organisations, sorted them, and skipped to the
-- page by OFFSET (on PostgreSQL, with a sequential scan of the whole table for every person).
-- The organisations' index also holds the applicant, so that counting a firm's applications
-- filed by others than the person reads the index alone. The new indexes lead with the old ones'
-- columns, which they replace.
CREATE INDEX applications_by_applicant_newest ON applications (applicant_user_id, created_at, id);
CREATE INDEX applications_by_org_newest ON applications (org_id, created_at, id, applicant_user_id) WHERE org_id IS NOT NULL;
DROP INDEX applications_by_applicant;
DROP INDEX applications_by_org;
