-- Why an inspection is made: routine (日常巡查), random (双随机抽查),
-- recognition (认定核查), thematic (专项检查), follow_up (复查). A centre
-- has one inspection per purpose and quarter; the inspectors of one task
-- share it. Existing inspections and assignments were all routine.
ALTER TABLE documents ADD COLUMN purpose TEXT NOT NULL DEFAULT 'routine';

-- The unique key of an assignment gains the purpose: rebuild the table.
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
    UNIQUE (centre_code, quarter, purpose, inspector)
) STRICT;
INSERT INTO assignments_new (id, centre_code, quarter, purpose, inspector, doc_id, template_id, template_version,
    assigned_by, created_at, cancelled, updated_seq)
SELECT id, centre_code, quarter, 'routine', inspector, doc_id, template_id, template_version,
    assigned_by, created_at, cancelled, updated_seq
FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_new RENAME TO assignments;
CREATE INDEX assignments_seq ON assignments(inspector, updated_seq);
CREATE INDEX assignments_doc ON assignments(doc_id);
