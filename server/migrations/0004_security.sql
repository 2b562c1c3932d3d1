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

-- Browsers a user has signed in from before (a cookie holds the token; only
-- its hash is kept). While someone guesses at an account, its owner still
-- signs in at once from a browser listed here.
CREATE TABLE known_clients (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
) STRICT;
CREATE INDEX known_clients_user ON known_clients(user_id, last_used_at);

-- Statistics ask, per inspection, whether an assignment holds it.
CREATE INDEX assignments_doc ON assignments(doc_id);

-- Quarters a region has reported (上报): a device changes nothing in them.
-- A row with empty city/county covers the whole province (or city).
CREATE TABLE reported_quarters (
    quarter     TEXT NOT NULL,
    province    TEXT NOT NULL,
    city        TEXT NOT NULL DEFAULT '',
    county      TEXT NOT NULL DEFAULT '',
    reported_by TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (quarter, province, city, county)
) STRICT;
