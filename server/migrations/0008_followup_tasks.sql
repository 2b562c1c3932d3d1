-- A follow-up (复查) task is its own checklist, made from the problems it
-- re-checks, so a centre may be re-checked more than once a quarter: an
-- assignment is unique per document and inspector instead of per centre,
-- quarter and purpose (the server still gives every other task of a
-- centre, quarter and purpose one shared document). Rebuild the table.
CREATE TABLE assignments_new (
    id               INTEGER PRIMARY KEY,
    centre_code      TEXT NOT NULL REFERENCES centres(code),
    quarter          TEXT NOT NULL,
    purpose          TEXT NOT NULL DEFAULT 'routine',
    inspector        TEXT NOT NULL,
    doc_id           BLOB NOT NULL REFERENCES documents(doc_id),
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    assigned_by      TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    cancelled        INTEGER NOT NULL DEFAULT 0,
    updated_seq      INTEGER NOT NULL,
    UNIQUE (doc_id, inspector)
) STRICT;
INSERT INTO assignments_new (id, centre_code, quarter, purpose, inspector, doc_id, template_id, template_version,
    assigned_by, created_at, cancelled, updated_seq)
SELECT id, centre_code, quarter, purpose, inspector, doc_id, template_id, template_version,
    assigned_by, created_at, cancelled, updated_seq
FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_new RENAME TO assignments;
CREATE INDEX assignments_seq ON assignments(inspector, updated_seq);
CREATE INDEX assignments_doc ON assignments(doc_id);
CREATE INDEX assignments_task ON assignments(centre_code, quarter, purpose);
