-- Publication (一公开): the results of a random-inspection plan as an
-- administrator published them. Each version is a frozen snapshot of the
-- public rows (JSON, nothing personal); a correction is a new version with
-- its reason. Rows are only ever added.
CREATE TABLE publications (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans(id),
    version       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    province      TEXT NOT NULL,
    city          TEXT NOT NULL,
    county        TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    seed          TEXT NOT NULL,
    rows          TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    published_by  TEXT NOT NULL,
    published_at  INTEGER NOT NULL,
    UNIQUE (plan_id, version)
) STRICT;
CREATE INDEX publications_recent ON publications(published_at);
