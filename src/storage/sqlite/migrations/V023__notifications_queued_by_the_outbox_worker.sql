-- A notification's e-mail and SMS are no longer written into the outbox by the transaction that
-- records its event: that was two outbox rows (three index entries each) per submission on the
-- single writer. The notification now keeps its SMS text and to_queue = 1; the outbox worker
-- queues its messages in batches (notifications::queue_outbox: a claim in one UPDATE, as for the
-- outbox, so two nodes never queue the same notification). Still nothing is lost between the event
-- and its messages: the notification commits with the event, and to_queue with it.
-- Notifications written before this step have their messages in the outbox already: their to_queue
-- is NULL, so adding the columns rewrites no row. The index holds only those still to queue.
ALTER TABLE notifications ADD COLUMN sms TEXT;
ALTER TABLE notifications ADD COLUMN to_queue INTEGER CHECK (to_queue = 1);
CREATE INDEX notifications_to_queue ON notifications (id) WHERE to_queue = 1;
