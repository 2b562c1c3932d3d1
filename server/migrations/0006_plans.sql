-- Inspection plans and their random draw (双随机). A plan is drawn once;
-- the inputs the draw saw and its result are kept with it, so anyone can
-- re-run the published algorithm (docs/supervision.md) and get the same
-- tasks. plan_events is the draw record: drawn, replaced (with a reason),
-- confirmed; rows are only ever added.
CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    quarter      TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    province     TEXT NOT NULL,
    city         TEXT NOT NULL,
    county       TEXT NOT NULL,
    criteria     TEXT NOT NULL,
    sampling     TEXT NOT NULL,
    per_task     INTEGER NOT NULL,
    seed         TEXT NOT NULL,
    pool         TEXT NOT NULL DEFAULT '[]',
    state        TEXT NOT NULL DEFAULT 'draft',
    draw         TEXT,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX plans_region ON plans(province, city, county);

CREATE TABLE plan_events (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans(id),
    at       INTEGER NOT NULL,
    by       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
) STRICT;
CREATE INDEX plan_events_plan ON plan_events(plan_id, id);
