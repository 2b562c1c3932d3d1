-- The supervisor dashboard: flags and statistics read from the latest report
-- without inflating it, paging indexes, and city populations.

-- Evidence problems (missing or off-site photos, small samples) of the latest report.
ALTER TABLE documents ADD COLUMN evidence_problems INTEGER NOT NULL DEFAULT 0;
-- Attachment 5 operating figures recorded in the latest report: JSON {figure: value}.
ALTER TABLE documents ADD COLUMN figures TEXT;
CREATE INDEX documents_updated ON documents(updated_at);
CREATE INDEX documents_quarter ON documents(quarter, updated_at);

-- City populations (resident population, persons) for the 2018 pilot targets:
-- at least 10 centres in cities over 10 million, at least 5 in cities of 5-10 million.
CREATE TABLE regions (
    province   TEXT NOT NULL,
    city       TEXT NOT NULL,
    population INTEGER NOT NULL CHECK (population >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (province, city)
) STRICT;
