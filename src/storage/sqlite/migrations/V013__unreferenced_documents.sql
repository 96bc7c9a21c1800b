-- Uploads that no application references (a draft's links count), and since when: an upload
-- starts here, its first link takes it out, and a draft edit that drops a document's link puts it
-- back. The documents purge (Documents::purge_unreferenced) deletes those unreferenced for longer
-- than the retention, and the content that no remaining document names. A document here may still
-- be linked elsewhere (a draft edit marks every link it drops): the purge checks before it deletes.
CREATE TABLE unreferenced_documents (
  document_id  TEXT PRIMARY KEY REFERENCES documents(id),
  since        INTEGER NOT NULL
);
CREATE INDEX unreferenced_documents_by_since ON unreferenced_documents (since);
-- Whether any document still names some content, before that content is deleted.
CREATE INDEX documents_by_sha256 ON documents (sha256);
INSERT INTO unreferenced_documents (document_id, since)
  SELECT id, created_at FROM documents d
  WHERE NOT EXISTS (SELECT 1 FROM application_documents l WHERE l.document_id = d.id);
