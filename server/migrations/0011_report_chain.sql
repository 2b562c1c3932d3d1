-- The quarterly report chain (填报 → 审核 → 上报): each region's report of a
-- quarter, as numbered versions. A version's snapshot (JSON: Attachments 4
-- and 5, the pilot targets, coverage, the versions it consolidates) is
-- frozen when it is submitted; only its review (approved or returned, by
-- whom, when, why) is written later, once. A correction (更正) is the next
-- version with its reason; earlier versions are kept.
CREATE TABLE report_versions (
    id             INTEGER PRIMARY KEY,
    quarter        TEXT NOT NULL,
    province       TEXT NOT NULL,
    city           TEXT NOT NULL,
    county         TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    status         TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned', 'reported')),
    reason         TEXT NOT NULL DEFAULT '',
    header         TEXT NOT NULL,
    snapshot       TEXT NOT NULL,
    submitted_by   TEXT NOT NULL,
    submitted_at   INTEGER NOT NULL,
    reviewed_by    TEXT,
    reviewed_at    INTEGER,
    review_comment TEXT NOT NULL DEFAULT '',
    UNIQUE (quarter, province, city, county, version)
) STRICT;
CREATE INDEX report_versions_region ON report_versions(province, city, county, quarter);
