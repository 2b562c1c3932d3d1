//! The PostgreSQL store, for a deployment past one machine: several server
//! instances share one database.
//!
//! Durability: `synchronous_commit = on` on every connection, so a write is
//! acknowledged only after its transaction's commit record is flushed.
//! Each write is its own transaction (PostgreSQL groups concurrent commits
//! itself); a failing write rolls back only itself.
//!
//! Connections live on threads of their own ([`pool`]): the `postgres`
//! client drives its connection with a runtime of its own, which must not
//! run inside the server's, and the store's methods are blocking anyway.
//!
//! The change feed's contract (see `DocStore::changed_since`) across
//! instances and concurrent transactions is kept by [`feed`].

/// The storage traits and records every file here implements or reads.
mod prelude {
    pub(crate) use super::db::Db;
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
mod db;
mod docs;
mod events;
mod exemplars;
mod feed;
mod figures;
mod migrations;
mod plans;
mod pool;
mod problems;
mod publications;
mod reports;
mod rows;
mod signin;
mod stats;
pub mod testing;
mod users;

pub use migrations::schema_version;

use crate::storage::{StoreError, StoreResult};
use db::Db;
use pool::Pool;

/// Connections a store keeps by default.
pub const DEFAULT_CONNECTIONS: usize = 8;

pub struct PgStore {
    pool: Pool,
    /// For connections of their own (events).
    config: postgres::Config,
    /// Threads of the store's own (the event listener) end once it is dropped.
    alive: std::sync::Arc<()>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        // The unique violation is the one error callers act on.
        if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
            let what = e.as_db_error().and_then(|d| d.constraint()).unwrap_or("a row").to_owned();
            return StoreError::Exists(what);
        }
        // The client's own text is only "db error": the server's message says what.
        match e.as_db_error() {
            Some(d) => StoreError::Backend(format!("{} ({})", d.message(), d.code().code())),
            None => StoreError::Backend(e.to_string()),
        }
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`), creating or
    /// migrating the schema. Refuses a database written by a newer schema.
    /// Several instances may open one database at once: migrations run
    /// under an advisory lock.
    pub fn open(url: &str, connections: usize) -> StoreResult<Self> {
        let mut config: postgres::Config =
            url.parse().map_err(|e: postgres::Error| StoreError::Migration(e.to_string()))?;
        // An unreachable server is an error in seconds, not a hung request.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        // On a thread of its own: the client must not block a thread that
        // drives async tasks, and `open` may be called from one.
        let first = {
            let config = config.clone();
            std::thread::spawn(move || -> StoreResult<postgres::Client> {
                let mut first = pool::connect(&config)?;
                migrations::migrate(&mut first)?;
                Ok(first)
            })
            .join()
            .map_err(|_| StoreError::Migration("connecting to PostgreSQL panicked".into()))??
        };
        let store =
            Self { pool: Pool::start(config.clone(), first, connections.max(1))?, config, alive: Default::default() };
        store.write(|c| {
            c.execute("INSERT INTO meta (key, value) VALUES ('backend', 'postgres') ON CONFLICT DO NOTHING", &[])?;
            Ok(())
        })?;
        Ok(store)
    }

    /// Runs `f` in a read-only transaction: one snapshot for all its reads.
    pub(crate) fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db<'_, '_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.pool.run(true, f)
    }

    /// Runs `f` in a read-write transaction and returns once it committed.
    /// An error from `f` rolls the transaction back.
    pub(crate) fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db<'_, '_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.pool.run(false, f)
    }

    /// Stops taking work; work already queued still runs.
    pub fn close(&self) {
        self.pool.close();
    }
}

pub use crate::storage::now_ms;

#[cfg(test)]
mod tests;
