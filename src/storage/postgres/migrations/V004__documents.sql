-- PostgreSQL version of storage/sqlite/migrations/V004__documents.sql (same tables; BIGINT times,
-- identity columns for database-assigned ids, tsvector for full-text search).
-- Supporting documents: metadata here, content on disk addressed by its SHA-256 (outside the
-- hot tables). application_documents links the documents an application's form references, so
-- that the owning agency's officers may download them.

CREATE TABLE documents (
  id             TEXT PRIMARY KEY,
  sha256         TEXT NOT NULL,
  media_type     TEXT NOT NULL,
  size           BIGINT NOT NULL,
  filename       TEXT,
  owner_user_id  TEXT NOT NULL REFERENCES users(id),
  created_at     BIGINT NOT NULL
);
CREATE INDEX documents_by_owner ON documents (owner_user_id);

CREATE TABLE application_documents (
  application_id  TEXT NOT NULL REFERENCES applications(id),
  document_id     TEXT NOT NULL REFERENCES documents(id),
  PRIMARY KEY (application_id, document_id)
);
CREATE INDEX application_documents_by_document ON application_documents (document_id);
