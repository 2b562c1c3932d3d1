-- Xuncha device store, version 1: one SQLite file per device.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per inspection on this device. `snapshot` is a full save; edits
-- since then are rows of `changes` (compacted into a new snapshot now and then).
CREATE TABLE documents (
    doc_id           BLOB PRIMARY KEY,
    centre_code      TEXT NOT NULL,
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    snapshot         BLOB NOT NULL,
    -- The server heads this device last stored (concatenated 32-byte hashes).
    ack_heads        BLOB NOT NULL DEFAULT x'',
    updated_at       INTEGER NOT NULL,
    -- Why the server last refused this document's changes (cleared on acceptance).
    last_error       TEXT
) STRICT;

CREATE TABLE changes (
    id     INTEGER PRIMARY KEY,
    doc_id BLOB NOT NULL REFERENCES documents(doc_id),
    bytes  BLOB NOT NULL
) STRICT;
CREATE INDEX changes_doc ON changes(doc_id, id);

-- Photos taken on this device and their upload progress.
CREATE TABLE photos (
    sha256       TEXT PRIMARY KEY,
    bytes        BLOB NOT NULL,
    thumbnail    BLOB NOT NULL,
    -- The thumbnail goes up first (its own blob), then the photo.
    thumb_sha256 TEXT NOT NULL,
    thumb_done   INTEGER NOT NULL DEFAULT 0,
    mime         TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    -- Bytes the server has committed, as it last said.
    uploaded     INTEGER NOT NULL DEFAULT 0,
    complete     INTEGER NOT NULL DEFAULT 0,
    -- Why the server refused this photo for good (it is not retried).
    failed       TEXT,
    created_at   INTEGER NOT NULL
) STRICT;

-- What the device keeps from the server to work offline.
CREATE TABLE templates (
    id      TEXT NOT NULL,
    version INTEGER NOT NULL,
    json    TEXT NOT NULL,
    etag    TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

CREATE TABLE centres (
    code TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE assignments (
    id   INTEGER PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;
