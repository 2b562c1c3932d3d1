//! PostgreSQL's own migrations, numbered from 1 (its schema started as
//! SQLite's at migration 17). A database of a newer schema is refused.

use crate::storage::{StoreError, StoreResult};

const MIGRATIONS: [&str; 3] = [
    include_str!("../../../migrations/postgres/0001_initial.sql"),
    include_str!("../../../migrations/postgres/0002_signin.sql"),
    include_str!("../../../migrations/postgres/0003_centre_order.sql"),
];

/// Any constant shared by every instance: migrations run one instance at a time.
const MIGRATION_LOCK: i64 = 0x7875_6e63_6861_0001;

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

pub(super) fn migrate(client: &mut postgres::Client) -> StoreResult<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let found: i64 = match tx.query_opt("SELECT max(version) FROM schema_version", &[])? {
        Some(row) => row.try_get::<_, Option<i64>>(0)?.unwrap_or(0),
        None => 0,
    };
    if found > schema_version() {
        return Err(StoreError::NewerSchema { found, known: schema_version() });
    }
    for (n, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
        tx.batch_execute(sql).map_err(|e| StoreError::Migration(format!("postgres migration {}: {e}", n + 1)))?;
    }
    tx.execute("DELETE FROM schema_version", &[])?;
    tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&schema_version()])?;
    tx.commit().map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(())
}
