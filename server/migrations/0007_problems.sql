-- Problems and rectification (问题清单与整改). An approved inspection's
-- findings become problems (one per finding key, so approving again adds
-- none twice); a supervisor edits them, issues them in a notice
-- (整改通知书), records the centre's feedback (整改反馈) and a follow-up
-- visit (复查) closes them (销号). Dates are China dates (YYYY-MM-DD) so
-- "overdue" and "closed on time" compare as text. problem_events only grows.
CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    centre_code  TEXT NOT NULL,
    centre_name  TEXT NOT NULL,
    province     TEXT NOT NULL,
    city         TEXT NOT NULL,
    county       TEXT NOT NULL,
    office       TEXT NOT NULL,
    issued_by    TEXT NOT NULL,
    issued_on    TEXT NOT NULL,
    issued_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX notices_region ON notices(province, city, county, issued_on);

CREATE TABLE problems (
    id            INTEGER PRIMARY KEY,
    doc_id        BLOB NOT NULL,
    key           TEXT NOT NULL,
    centre_code   TEXT NOT NULL,
    centre_name   TEXT NOT NULL,
    province      TEXT NOT NULL,
    city          TEXT NOT NULL,
    county        TEXT NOT NULL,
    township      TEXT NOT NULL,
    quarter       TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    item          TEXT,
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    finding       TEXT NOT NULL,
    photos        TEXT NOT NULL DEFAULT '[]',
    severity      TEXT NOT NULL,
    action        TEXT NOT NULL DEFAULT '',
    deadline      TEXT NOT NULL,
    responsible   TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'draft',
    notice_id     INTEGER REFERENCES notices(id),
    feedback_at   INTEGER,
    escalated     INTEGER NOT NULL DEFAULT 0,
    followup_doc  BLOB,
    closed_on     TEXT,
    closed_doc    BLOB,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (doc_id, key)
) STRICT;
CREATE INDEX problems_region ON problems(province, city, county, state, deadline);
CREATE INDEX problems_centre ON problems(centre_code, id);
CREATE INDEX problems_notice ON problems(notice_id);

CREATE TABLE problem_events (
    id          INTEGER PRIMARY KEY,
    problem_id  INTEGER NOT NULL REFERENCES problems(id),
    at          INTEGER NOT NULL,
    by          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL,
    photos      TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX problem_events_problem ON problem_events(problem_id, id);
