-- Thumbnails of photos other devices took that this device shows: the
-- original finding's photos beside a follow-up's items (原问题照片).
-- Fetched from the server during sync; read-only here, never uploaded.
CREATE TABLE reference_thumbnails (
    sha256     TEXT PRIMARY KEY,
    thumbnail  BLOB NOT NULL,
    fetched_at INTEGER NOT NULL
) STRICT;
