-- Keyset paging (db/keyset.rs): the newest-first list walks this index
-- from a page's last row, so each ordering key ends in the unique id.
DROP INDEX documents_updated;
CREATE INDEX documents_updated ON documents(updated_at, doc_id);
CREATE INDEX centres_name ON centres(name, code);
