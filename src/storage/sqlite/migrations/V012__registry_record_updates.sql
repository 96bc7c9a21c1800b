-- Updates of a record's fields by its owning agency (Registries::update): the history entry
-- names the fields whose values changed, comma-separated (field names match [a-z][a-z0-9_]*).
-- Empty for creations, renewals and status changes.

ALTER TABLE registry_record_events ADD COLUMN changed_fields TEXT NOT NULL DEFAULT '';
