-- Each scored item of each inspection's latest report, for the analysis of
-- where a region loses points (失分率) and which items veto: written with
-- the report, replaced with it. Reports scored before this migration are
-- filled in from the stored reports when the server opens the database.
CREATE TABLE item_results (
    doc_id      BLOB NOT NULL REFERENCES documents(doc_id),
    item        TEXT NOT NULL,
    section     TEXT NOT NULL,
    points      REAL NOT NULL,
    max_points  REAL NOT NULL,
    veto        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, item)
) STRICT, WITHOUT ROWID;
