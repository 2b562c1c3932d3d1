-- Construction status over time (规划 planned / 在建 under construction /
-- 建成 built), so that Attachment 4 of a past quarter counts each centre as
-- it stood at the end of that quarter, not as it stands today.
CREATE TABLE centre_status (
    code   TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'under_construction', 'built')),
    -- ms since the epoch from which this status holds
    since  INTEGER NOT NULL,
    PRIMARY KEY (code, since)
) STRICT;

-- Centres registered before the history existed: their status as last imported.
INSERT INTO centre_status (code, status, since) SELECT code, status, updated_at FROM centres;
