-- The server's own Ed25519 key, made once (by whichever instance starts
-- first): it signs devices' enrolment certificates, which devices show each
-- other offline during a hand-off on site.
CREATE TABLE server_identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    signing_key BLOB NOT NULL CHECK (length(signing_key) = 32),
    created_at  INTEGER NOT NULL
) STRICT;
