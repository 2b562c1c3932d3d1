-- Centre operators (运营主体) and the figures centres report themselves.
--
-- A new role, and the centres an operator account reports for (JSON array
-- of centre codes; empty for staff). SQLite cannot change a CHECK, so the
-- table is rebuilt; migrations run before foreign keys are switched on, so
-- devices and sessions keep pointing at `users` by name.
CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('inspector', 'supervisor', 'administrator', 'operator')),
    province      TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    county        TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    centres       TEXT NOT NULL DEFAULT '[]'
) STRICT;
INSERT INTO users_new (id, username, display_name, role, province, city, county, password_hash, disabled, created_at)
    SELECT id, username, display_name, role, province, city, county, password_hash, disabled, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- A centre's figures for one statistics period (统计期, a complete quarter).
-- Rows are only ever added: a revision is the next version of the same
-- centre and period, the earlier ones kept.
CREATE TABLE centre_figures (
    id            INTEGER PRIMARY KEY,
    centre_code   TEXT NOT NULL,
    period        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    turnover_wan  REAL NOT NULL,
    visits        INTEGER NOT NULL,
    staff         INTEGER NOT NULL,
    merchants     INTEGER NOT NULL,
    ledger_photo  TEXT,
    note          TEXT NOT NULL DEFAULT '',
    warnings      TEXT NOT NULL DEFAULT '[]',
    reported_by   TEXT NOT NULL,
    reported_at   INTEGER NOT NULL,
    UNIQUE (centre_code, period, version)
) STRICT;
CREATE INDEX centre_figures_period ON centre_figures(period, centre_code);
