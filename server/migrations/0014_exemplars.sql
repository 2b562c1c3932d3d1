-- 标杆样板: nominations of model centres, their case write-ups (JSON), the
-- official inspection each rests on (JSON), their state, the end of their
-- publicity (公示), and the append-only record of each step.
CREATE TABLE exemplars (
    id            INTEGER PRIMARY KEY,
    centre_code   TEXT NOT NULL,
    centre_name   TEXT NOT NULL,
    centre_type   TEXT NOT NULL,
    province      TEXT NOT NULL,
    city          TEXT NOT NULL,
    county        TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('nominated', 'publicized', 'recognised', 'rejected')),
    case_json     TEXT NOT NULL,
    basis         TEXT NOT NULL,
    comment_until TEXT,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX exemplars_region ON exemplars(province, city, county);
-- One live nomination or recognition per centre.
CREATE UNIQUE INDEX exemplars_live ON exemplars(centre_code) WHERE state <> 'rejected';
CREATE TABLE exemplar_events (
    id           INTEGER PRIMARY KEY,
    exemplar_id  INTEGER NOT NULL REFERENCES exemplars(id),
    at           INTEGER NOT NULL,
    by           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX exemplar_events_of ON exemplar_events(exemplar_id);
