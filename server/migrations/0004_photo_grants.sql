-- Who may read a photo follows the inspections that legitimately hold it,
-- never a reference anyone can write into a document of their own
-- (photo_refs). A photo is granted to an inspection when a member of it
-- delivers the photo's bytes, or when a member who could already read the
-- photo records it there too.
CREATE TABLE photo_grants (
    sha256 TEXT NOT NULL,
    doc_id BLOB NOT NULL REFERENCES documents(doc_id),
    PRIMARY KEY (sha256, doc_id)
) STRICT;
CREATE INDEX photo_grants_doc ON photo_grants(doc_id);

-- Photos uploaded before grants existed: granted to the inspections their
-- uploader works on that record them.
INSERT OR IGNORE INTO photo_grants (sha256, doc_id)
SELECT r.sha256, r.doc_id
FROM photo_refs r
JOIN blobs b ON b.sha256 = r.sha256
JOIN members m ON m.doc_id = r.doc_id AND m.username = b.uploaded_by;
