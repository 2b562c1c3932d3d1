//! Connections on threads of their own. A job is one transaction; the
//! caller blocks until it is done (the store's methods are blocking, as
//! SQLite's are). A connection that broke is opened again for the next job.

use super::db::{Db, StmtCache};
use crate::storage::{StoreError, StoreResult};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

type Job = Box<dyn FnOnce(&mut Conn) + Send>;

/// How long one statement may run, so a stuck query cannot hold a
/// connection (and a request) forever.
const STATEMENT_TIMEOUT: &str = "120s";

pub(super) fn connect(config: &postgres::Config) -> StoreResult<postgres::Client> {
    let mut client = config.connect(postgres::NoTls)?;
    client.batch_execute(&format!(
        "SET synchronous_commit = on; SET statement_timeout = '{STATEMENT_TIMEOUT}'; SET TIME ZONE 'UTC'"
    ))?;
    Ok(client)
}

pub(super) struct Conn {
    client: Option<postgres::Client>,
    stmts: StmtCache,
    config: postgres::Config,
}

impl Conn {
    fn transact<T>(&mut self, read_only: bool, f: impl FnOnce(&mut Db<'_, '_>) -> StoreResult<T>) -> StoreResult<T> {
        if self.client.as_ref().is_none_or(postgres::Client::is_closed) {
            self.stmts.clear();
            self.client = Some(connect(&self.config)?);
        }
        let Self { client, stmts, .. } = self;
        let Some(c) = client.as_mut() else { return Err(StoreError::WriterGone) };
        let result = (|| {
            let mut tx = if read_only {
                c.build_transaction()
                    .read_only(true)
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .start()?
            } else {
                c.transaction()?
            };
            let out = f(&mut Db::new(&mut tx, stmts))?;
            tx.commit().map_err(|e| StoreError::Commit(e.to_string()))?;
            Ok(out)
        })();
        if result.is_err() && c.is_closed() {
            *client = None;
        }
        result
    }
}

pub(super) struct Pool {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
}

impl Pool {
    /// Starts `size` connection threads, the first with `first`.
    pub(super) fn start(config: postgres::Config, first: postgres::Client, size: usize) -> StoreResult<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut first = Some(first);
        for n in 0..size {
            let conn = Conn { client: first.take(), stmts: StmtCache::default(), config: config.clone() };
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("xuncha-pg-{n}"))
                .spawn(move || serve(conn, &rx))
                .map_err(|e| StoreError::Backend(e.to_string()))?;
        }
        Ok(Self { jobs: Mutex::new(Some(tx)) })
    }

    pub(super) fn run<T: Send + 'static>(
        &self,
        read_only: bool,
        f: impl FnOnce(&mut Db<'_, '_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (tx, rx) = mpsc::sync_channel::<StoreResult<T>>(1);
        let job: Job = Box::new(move |conn| {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| conn.transact(read_only, f)));
            let out = out.unwrap_or_else(|_| {
                // The connection's state is unknown after a panic: open a new one.
                conn.client = None;
                Err(StoreError::Backend("a storage job panicked".into()))
            });
            let _ = tx.send(out);
        });
        let sender = self.jobs.lock().unwrap_or_else(PoisonError::into_inner).clone().ok_or(StoreError::WriterGone)?;
        sender.send(job).map_err(|_| StoreError::WriterGone)?;
        rx.recv().map_err(|_| StoreError::WriterGone)?
    }

    pub(super) fn close(&self) {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner).take();
    }
}

fn serve(mut conn: Conn, jobs: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = match jobs.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        job(&mut conn);
    }
}
