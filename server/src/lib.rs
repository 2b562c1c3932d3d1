//! xuncha-server: the axum server of Xuncha (巡查). Handlers only parse,
//! check access and delegate: to `sync` (rounds), `docs` (documents and
//! scoring on ingest), `blobs` (photos), `store` (SQLite behind traits).

pub mod assign;
pub mod auth;
pub mod blobs;
pub mod cli;
pub mod config;
pub mod demo;
pub mod docs;
pub mod error;
pub mod exports;
pub mod import;
pub mod openapi;
pub mod quarter;
pub mod routes;
pub mod state;
pub mod stats;
pub mod store;
pub mod sync;
pub mod templates;

use axum::Router;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use config::Config;
pub use state::AppState;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Opens the store in `config.data_dir` (creating it) and builds the state.
pub fn open(config: Config) -> Result<AppState, Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(&config.data_dir)?;
    std::fs::create_dir_all(config.blob_dir())?;
    blobs::remove_stale_partials(&config.blob_dir());
    let store = store::sqlite::SqliteStore::open(&config.db_path())?;
    Ok(AppState::new(Arc::new(store), config)?)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

pub fn now_ms() -> i64 {
    store::sqlite::now_ms()
}
