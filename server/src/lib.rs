//! xuncha-server: the axum server of Xuncha (巡查), by feature. Each
//! feature folder holds its routes, its service and its storage trait:
//! `accounts`, `catalog`, `inspections`, `sync`, `photos`, `stats`. `http`
//! is what their routes share; `db` holds the backends that implement the
//! storage traits; `state` builds the services; `router` mounts them.
//! docs/server.md draws the layout.

pub mod accounts;
pub mod analysis;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod dates;
pub mod db;
pub mod exemplars;
pub mod export;
pub mod http;
pub mod inflight;
pub mod inspections;
pub mod operators;
pub mod photos;
pub mod plans;
pub mod problems;
pub mod publication;
pub mod quarter;
pub mod reporting;
pub mod router;
pub mod state;
pub mod stats;
pub mod storage;
pub mod sync;

use axum::Router;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use config::Config;
pub use state::AppState;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    router::router(state)
}

/// Opens the store in `config.data_dir` (creating it) and builds the state.
pub fn open(config: Config) -> Result<AppState, Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(&config.data_dir)?;
    std::fs::create_dir_all(config.blob_dir())?;
    let store = open_store(&config)?;
    let photo_bytes = photos::bytes::PhotoBytes::open(&config.photo_store, &config.blob_dir())?;
    Ok(AppState::new(store, photo_bytes, config)?)
}

/// The configured backend: PostgreSQL when `[database] url` names one,
/// else SQLite in the data directory.
pub fn open_store(config: &Config) -> Result<Arc<dyn db::Store>, storage::StoreError> {
    Ok(match config.database.url.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => Arc::new(db::postgres::PgStore::open(url, config.database.connections)?),
        None => Arc::new(db::sqlite::SqliteStore::open(&config.db_path())?),
    })
}

/// Connections served at once; past it, new ones wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 4_096;

/// Serves until `shutdown` resolves, then finishes the requests in flight.
/// The accept loop is our own because `axum::serve` sets no timer, so a
/// client could hold a connection open forever by never finishing its
/// headers; here headers must arrive within `limits.header_read_secs` and
/// bodies may not stall (see `router::router`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;
    let header_timeout = std::time::Duration::from_secs(state.config.limits.header_read_secs.max(1));
    let sweeper = tokio::spawn(state.photos.clone().sweep_stale_uploads());
    let router = app(state);
    // HTTP/1 only: browsers speak HTTP/2 only over TLS, which a reverse
    // proxy ends, and guessing the version would wait for bytes untimed.
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let builder = Arc::new(builder);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait, do not spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
            router.clone().oneshot(req.map(axum::body::Body::new))
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _permit = permit;
            // A connection that sends nothing at all gives its slot back too.
            if tokio::time::timeout(header_timeout, stream.readable()).await.is_err() {
                return;
            }
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(conn.into_owned()).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    sweeper.abort();
    graceful.shutdown().await;
    Ok(())
}

pub use storage::now_ms;
