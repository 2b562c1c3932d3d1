//! The embedded SQLite store.
//!
//! Durability: WAL with `synchronous = FULL`, so a committed transaction is
//! on disk (fsynced) before any request is answered; it survives a killed
//! process and a power cut. To keep that affordable, writes go through one
//! writer thread that commits whatever queued up meanwhile in one transaction
//! (group commit), each request in its own savepoint, so one failing request
//! never undoes another's. Readers use their own connections.

/// The storage traits and records every file here implements or reads.
mod prelude {
    pub use crate::accounts::store::*;
    pub use crate::catalog::store::*;
    pub use crate::inspections::store::*;
    pub use crate::operators::store::*;
    pub use crate::photos::store::*;
    pub use crate::plans::store::*;
    pub use crate::problems::store::*;
    pub use crate::publication::store::*;
    pub use crate::stats::store::*;
    pub use crate::storage::*;
}

mod analysis;
mod blobs;
mod catalog;
mod docs;
mod exemplars;
mod figures;
mod plans;
mod problems;
mod publications;
mod reports;
mod rows;
mod stats;
mod users;

use crate::storage::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// Jobs one group commit takes at most.
const MAX_GROUP: usize = 256;
/// Read connections, all kept open: opening one (and preparing its
/// statements) costs more than most queries, so readers wait for a free one.
const READERS: usize = 6;

type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// Called with the writer's connection, or `None` when the transaction could not start.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (bool, Finish) + Send>;

#[derive(Debug, Default)]
struct ReaderPool {
    /// Idle readers, each with the planner statistics' generation it loaded.
    idle: Vec<(Connection, u64)>,
    open: usize,
}

#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    readers: Mutex<ReaderPool>,
    reader_free: std::sync::Condvar,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    /// Counts refreshes of the query planner's statistics: a connection
    /// loads them when it opens, so a reader older than the last refresh
    /// is closed rather than reused.
    planner_stats: Arc<AtomicU64>,
    /// Dropping it stops the checkpoint thread.
    _checkpoints: mpsc::Sender<()>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// Every schema change, in order; the schema version is their count.
const MIGRATIONS: [&str; 19] = [
    include_str!("../../../migrations/0001_initial.sql"),
    include_str!("../../../migrations/0002_dashboard.sql"),
    include_str!("../../../migrations/0003_centre_status_history.sql"),
    include_str!("../../../migrations/0004_security.sql"),
    include_str!("../../../migrations/0005_purpose.sql"),
    include_str!("../../../migrations/0006_plans.sql"),
    include_str!("../../../migrations/0007_problems.sql"),
    include_str!("../../../migrations/0008_followup_tasks.sql"),
    include_str!("../../../migrations/0009_publications.sql"),
    include_str!("../../../migrations/0010_operators.sql"),
    include_str!("../../../migrations/0011_report_chain.sql"),
    include_str!("../../../migrations/0012_communities.sql"),
    include_str!("../../../migrations/0013_item_results.sql"),
    include_str!("../../../migrations/0014_exemplars.sql"),
    include_str!("../../../migrations/0015_centre_zone_datum.sql"),
    include_str!("../../../migrations/0016_device_keys.sql"),
    include_str!("../../../migrations/0017_server_identity.sql"),
    include_str!("../../../migrations/0018_list_order.sql"),
    include_str!("../../../migrations/0019_centre_order.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Item results follow the current rule from this schema on: 13 made the
/// table, 15 left out items that do not apply and bonus items; a database
/// opened from before is filled in again from its stored reports.
const ITEM_RESULTS_SCHEMA: i64 = 15;

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

impl SqliteStore {
    /// Opens (creating and migrating) the database at `path`. Refuses a
    /// database written by a newer schema.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > schema_version() {
            return Err(StoreError::NewerSchema { found, known: schema_version() });
        }
        migrations().to_latest(&mut conn).map_err(|e| StoreError::Migration(e.to_string()))?;
        // Reports scored before the analysis table existed, or under its earlier rule.
        if (1..ITEM_RESULTS_SCHEMA).contains(&found) {
            let tx = conn.transaction()?;
            let n = docs::backfill_item_results(&tx)?;
            tx.commit()?;
            tracing::info!(reports = n, "item results filled in from stored reports");
        }
        configure(&conn)?;
        // Table statistics for the query planner: without them SQLite cannot
        // tell a province's rows from a county's when it picks an index.
        conn.execute_batch("PRAGMA optimize=0x10002")?;
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('seq', 0)", [])?;
        // Checkpoints copy the log into the database file and fsync it; run
        // them beside the writer, not inside its commits.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let planner_stats = Arc::new(AtomicU64::new(0));
        let checkpoints = spawn_checkpointer(path, planner_stats.clone())?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("xuncha-db-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Self {
            path: path.to_owned(),
            readers: Mutex::new(ReaderPool::default()),
            reader_free: std::sync::Condvar::new(),
            writer: Mutex::new(Some(tx)),
            planner_stats,
            _checkpoints: checkpoints,
        })
    }

    /// Runs `f` on a read-only connection.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let (conn, stats) = self.take_reader()?;
        let out = f(&conn);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        pool.idle.push((conn, stats));
        self.reader_free.notify_one();
        out
    }

    fn take_reader(&self) -> StoreResult<(Connection, u64)> {
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.planner_stats.load(Ordering::Relaxed);
        loop {
            match pool.idle.pop() {
                Some((c, stats)) if stats == current => return Ok((c, stats)),
                Some(stale) => {
                    drop(stale);
                    pool.open -= 1;
                    continue;
                }
                None => {}
            }
            if pool.open < READERS {
                pool.open += 1;
                drop(pool);
                let opened = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
                )
                .and_then(|c| c.busy_timeout(std::time::Duration::from_secs(5)).map(|()| c));
                if opened.is_err() {
                    self.readers.lock().unwrap_or_else(|p| p.into_inner()).open -= 1;
                }
                return Ok((opened?, current));
            }
            pool = self.reader_free.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Runs `f` in the writer's current transaction and returns once that
    /// transaction is committed. An error from `f` rolls back only `f`.
    pub(crate) fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (tx, rx) = mpsc::sync_channel::<StoreResult<T>>(1);
        let job: Job = Box::new(move |conn| match conn.map(f) {
            None => (
                false,
                Box::new(move |commit: Result<(), String>| {
                    let _ = tx.send(Err(StoreError::Commit(commit.err().unwrap_or_default())));
                }),
            ),
            Some(Ok(value)) => (
                true,
                Box::new(move |commit: Result<(), String>| {
                    let _ = tx.send(commit.map(|()| value).map_err(StoreError::Commit));
                }),
            ),
            Some(Err(e)) => (
                false,
                Box::new(move |_| {
                    let _ = tx.send(Err(e));
                }),
            ),
        });
        let sender = self.writer.lock().ok().and_then(|w| w.clone()).ok_or(StoreError::WriterGone)?;
        sender.send(job).map_err(|_| StoreError::WriterGone)?;
        rx.recv().map_err(|_| StoreError::WriterGone)?
    }

    /// Stops taking writes; queued writes still commit.
    pub fn close(&self) {
        if let Ok(mut w) = self.writer.lock() {
            w.take();
        }
    }
}

/// Checkpoints the write-ahead log once a second (PASSIVE: never blocks the
/// writer or readers), and refreshes the planner's statistics hourly,
/// until the returned sender is dropped.
fn spawn_checkpointer(path: &Path, planner_stats: Arc<AtomicU64>) -> StoreResult<mpsc::Sender<()>> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("xuncha-db-checkpoint".into())
        .spawn(move || {
            let mut ticks: u32 = 0;
            while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(std::time::Duration::from_secs(1)) {
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(%e, "checkpoint failed");
                }
                // The planner's statistics follow the data as it grows.
                ticks = ticks.wrapping_add(1);
                if ticks.is_multiple_of(3_600) {
                    match conn.execute_batch("PRAGMA optimize") {
                        Ok(()) => {
                            planner_stats.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => tracing::warn!(%e, "optimize failed"),
                    }
                }
            }
        })
        .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(tx)
}

fn configure(conn: &Connection) -> StoreResult<()> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut finishers = Vec::with_capacity(jobs.len());
        if let Err(e) = run(&conn, "BEGIN IMMEDIATE") {
            let msg = e.to_string();
            for job in jobs {
                let (_, finish) = job(None);
                finish(Err(msg.clone()));
            }
            continue;
        }
        for job in jobs {
            // Some errors make SQLite roll back the whole transaction; running
            // later jobs then would commit them one by one, unreported.
            if conn.is_autocommit() {
                let (_, finish) = job(None);
                finish(Err("the transaction was rolled back".into()));
                continue;
            }
            if let Err(e) = run(&conn, "SAVEPOINT job") {
                let (_, finish) = job(None);
                finish(Err(e.to_string()));
                continue;
            }
            let (ok, finish) = job(Some(&conn));
            let end = if ok { run(&conn, "RELEASE job") } else { conn.execute_batch("ROLLBACK TO job; RELEASE job") };
            if end.is_err() {
                tracing::error!("a savepoint could not be closed");
            }
            finishers.push(finish);
        }
        let commit = run(&conn, "COMMIT").map_err(|e| e.to_string());
        if commit.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for finish in finishers {
            finish(commit.clone());
        }
    }
}

pub use crate::storage::now_ms;

/// One instance works on a SQLite database: there is nobody to tell.
impl crate::storage::SharedEvents for SqliteStore {
    fn publish_auth_change(&self) -> StoreResult<()> {
        Ok(())
    }

    fn on_auth_change(&self, _: std::sync::Arc<dyn Fn() + Send + Sync>) -> StoreResult<()> {
        Ok(())
    }
}

/// Takes the next value of the global change sequence (the device cursors' clock).
/// Runs one statement that returns no rows, prepared once per connection
/// (the writer runs its transaction statements on every group).
pub(crate) fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

pub(crate) fn next_seq(conn: &Connection) -> StoreResult<u64> {
    let v: i64 = conn
        .prepare_cached("UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value")?
        .query_row([], |r| r.get(0))?;
    u64::try_from(v).map_err(|_| StoreError::Corrupt("negative sequence".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_the_storage_conformance_suite() {
        let mut failures = Vec::new();
        for (name, case) in crate::db::conformance::CASES {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(&dir.path().join("conformance.db")).unwrap();
            if let Err(e) = case(&store) {
                failures.push(format!("{name}: {e}"));
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    /// A database written before purposes: its assignments become routine
    /// tasks and its inspections routine ones (migration 0005 rebuilds the table).
    #[test]
    fn a_database_of_schema_4_keeps_its_assignments_as_routine_tasks() {
        use super::prelude::{DocStore, Scope};
        use xuncha_core::document::Purpose;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO centres (code, name, centre_type, province, city, county, township, lat, lon, geofence_m,
                 status, updated_at)
             VALUES ('C1', 'c', 'village', '河北省', '石家庄市', '长安区', 't', 38.0, 114.5, 150.0, 'built', 1);
             INSERT INTO documents (doc_id, centre_code, template_id, template_version, created_by, created_at, quarter,
                 snapshot, heads, change_count, updated_seq, updated_at, status)
             VALUES (x'00112233445566778899aabbccddeeff', 'C1', 'village', 1, 'sup', 1, '2026Q4', x'00', x'', 0, 1, 1,
                 'draft');
             INSERT INTO assignments (centre_code, quarter, inspector, doc_id, template_id, template_version,
                 assigned_by, created_at, updated_seq)
             VALUES ('C1', '2026Q4', 'wang', x'00112233445566778899aabbccddeeff', 'village', 1, 'sup', 1, 2);",
        )
        .unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        let doc = store.assigned_doc("C1", "2026Q4", Purpose::Routine, None).unwrap().expect("a routine task");
        assert_eq!(store.assigned_doc("C1", "2026Q4", Purpose::Random, None).unwrap(), None);
        let listed = store.list_assignments(&Scope::default(), Some("wang"), None).unwrap();
        assert_eq!(listed.iter().map(|a| (a.purpose, a.doc)).collect::<Vec<_>>(), [(Purpose::Routine, doc)]);
        assert_eq!(store.inspection(&doc).unwrap().unwrap().purpose, Purpose::Routine);
        assert_eq!(store.changed_since("wang", 0, 10).unwrap().assignments.len(), 1, "still in the change feed");
    }

    /// Reports scored before the analysis table existed are read into it
    /// when an upgraded database opens (migration 0013).
    #[test]
    fn a_database_of_schema_12_fills_its_item_results_from_stored_reports() {
        use super::prelude::Scope;
        use crate::analysis::store::AnalysisStore;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 12).unwrap();
        let score = crate::db::conformance::analysis::report(1.0, true);
        let report = crate::db::codec::deflate(&serde_json::to_vec(&score.report).unwrap());
        conn.execute_batch(
            "INSERT INTO centres (code, name, centre_type, province, city, county, township, lat, lon, geofence_m,
                 status, updated_at)
             VALUES ('V1', 'c', 'village', '河北省', '石家庄市', '长安区', 't', 38.0, 114.5, 150.0, 'built', 1);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO documents (doc_id, centre_code, template_id, template_version, created_by, created_at, quarter,
                 snapshot, heads, change_count, updated_seq, updated_at, status, report)
             VALUES (x'00112233445566778899aabbccddeeff', 'V1', 'village', 1, 'sup', 1, '2026Q4', x'00', x'', 0, 1, 1,
                 'approved', ?1)",
            [report],
        )
        .unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        let province = Scope { province: "河北省".into(), ..Scope::default() };
        let rows = store.item_losses(&province, "2026Q4", 100).unwrap();
        let fire = rows.iter().find(|r| r.item == "fire").expect("the stored report's items");
        assert_eq!((fire.inspections, fire.lost_points, fire.vetoes), (1, 3.0, 1));
        drop(store);
        // Opening again reads nothing twice.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.item_losses(&province, "2026Q4", 100).unwrap().len(), 2);
    }

    #[test]
    fn a_newer_schema_is_refused_and_writes_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let store = SqliteStore::open(&path).unwrap();
        let seq = store.write(next_seq).unwrap();
        assert_eq!(seq, 1);
        let failed: StoreResult<()> = store.write(|c| {
            next_seq(c)?;
            Err(StoreError::Exists("x".into()))
        });
        assert!(failed.is_err());
        // The failed job's increment was rolled back with its savepoint.
        assert_eq!(store.write(next_seq).unwrap(), 2);
        store.close();
        drop(store);
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(SqliteStore::open(&path), Err(StoreError::NewerSchema { found: 99, .. })));
    }
}
