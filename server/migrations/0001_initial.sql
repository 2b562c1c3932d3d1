-- Xuncha server schema, version 1. Identifiers of people in documents are
-- usernames (stable, never reused); ids below are local row ids.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value ANY NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('inspector', 'supervisor', 'administrator')),
    province      TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    county        TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    revoked_at   INTEGER
) STRICT;

CREATE TABLE device_actors (
    actor     BLOB PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id)
) STRICT;
CREATE INDEX device_actors_device ON device_actors(device_id);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE centres (
    code                    TEXT PRIMARY KEY,
    name                    TEXT NOT NULL,
    centre_type             TEXT NOT NULL,
    province                TEXT NOT NULL,
    city                    TEXT NOT NULL,
    county                  TEXT NOT NULL,
    township                TEXT NOT NULL,
    lat                     REAL NOT NULL,
    lon                     REAL NOT NULL,
    geofence_m              REAL NOT NULL,
    floor_area_m2           REAL,
    community_floor_area_m2 REAL,
    households              REAL,
    population_served       REAL,
    status                  TEXT NOT NULL,
    updated_at              INTEGER NOT NULL
) STRICT;
CREATE INDEX centres_region ON centres(province, city, county);

CREATE TABLE template_variants (
    id          TEXT NOT NULL,
    version     INTEGER NOT NULL,
    province    TEXT NOT NULL,
    centre_type TEXT NOT NULL,
    source      TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- One row per inspection document. `snapshot` is a full save at
-- `snapshot_heads`; `changes` holds what arrived since (compacted every N).
CREATE TABLE documents (
    doc_id           BLOB PRIMARY KEY,
    centre_code      TEXT NOT NULL REFERENCES centres(code),
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    quarter          TEXT NOT NULL,
    snapshot         BLOB NOT NULL,
    heads            BLOB NOT NULL,
    change_count     INTEGER NOT NULL,
    updated_seq      INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    status           TEXT NOT NULL,
    total            REAL,
    grade            TEXT,
    complete         INTEGER NOT NULL DEFAULT 0,
    on_site          TEXT,
    vetoes           INTEGER NOT NULL DEFAULT 0,
    conflicts        INTEGER NOT NULL DEFAULT 0,
    -- The latest report's full breakdown: JSON, DEFLATE-compressed.
    report           BLOB
) STRICT;
CREATE INDEX documents_seq ON documents(updated_seq);
CREATE INDEX documents_centre ON documents(centre_code, quarter);

CREATE TABLE changes (
    doc_id BLOB NOT NULL REFERENCES documents(doc_id),
    hash   BLOB NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (doc_id, hash)
) STRICT;

-- Who works on an inspection: its creator, assigned inspectors, joiners.
CREATE TABLE members (
    doc_id   BLOB NOT NULL REFERENCES documents(doc_id),
    username TEXT NOT NULL,
    PRIMARY KEY (doc_id, username)
) STRICT;
CREATE INDEX members_user ON members(username);

CREATE TABLE assignments (
    id               INTEGER PRIMARY KEY,
    centre_code      TEXT NOT NULL REFERENCES centres(code),
    quarter          TEXT NOT NULL,
    inspector        TEXT NOT NULL,
    doc_id           BLOB NOT NULL REFERENCES documents(doc_id),
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    assigned_by      TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    cancelled        INTEGER NOT NULL DEFAULT 0,
    updated_seq      INTEGER NOT NULL,
    UNIQUE (centre_code, quarter, inspector)
) STRICT;
CREATE INDEX assignments_seq ON assignments(inspector, updated_seq);

-- Score history: which heads produced which score (the full breakdown of
-- the latest is `documents.report`; any other can be recomputed from its heads).
CREATE TABLE scores (
    id          INTEGER PRIMARY KEY,
    doc_id      BLOB NOT NULL REFERENCES documents(doc_id),
    heads       BLOB NOT NULL,
    total       REAL NOT NULL,
    grade       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    computed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX scores_doc ON scores(doc_id, id);

CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    bytes       INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- Photos the documents reference, so blob access follows document access.
CREATE TABLE photo_refs (
    sha256 TEXT NOT NULL,
    doc_id BLOB NOT NULL REFERENCES documents(doc_id),
    PRIMARY KEY (sha256, doc_id)
) STRICT;

-- The heads each device last declared per document: what to send it
-- when the document changes and the device did not ask.
CREATE TABLE device_docs (
    device_id INTEGER NOT NULL REFERENCES devices(id),
    doc_id    BLOB NOT NULL REFERENCES documents(doc_id),
    heads     BLOB NOT NULL,
    PRIMARY KEY (device_id, doc_id)
) STRICT;
