-- Every outbox message wrote an entry into this index (two per submission, on the single writer),
-- and no statement of the platform reads the outbox by notification: the worker claims messages by
-- state and due time (outbox_due), and notifications are never deleted nor their ids changed, so
-- the foreign key never looks for a notification's messages either. Dropping an index changes no
-- statement's result, so nodes still running the previous binary work on alike during a rolling
-- upgrade. (A notification's messages can still be listed; it reads the outbox through.)
DROP INDEX outbox_by_notification;
