//! xuncha-app: the Tauri v2 shell of the inspector app. Commands only parse
//! what the page sends and delegate to `xuncha_client::app::App`; every
//! error reaches the page as `{code, message}`. The same `run` is the
//! desktop `main` and the mobile entry point.

#[cfg(test)]
mod backend_ts;
mod commands;

use std::path::PathBuf;
use std::sync::Arc;
use tauri::Manager;
use xuncha_client::app::{App, Platform};

/// Overrides where the device store lives (end-to-end tests use a fresh one).
const DATA_DIR_ENV: &str = "XUNCHA_APP_DATA_DIR";
/// The server address the first-run screen offers.
const SERVER_URL_ENV: &str = "XUNCHA_SERVER_URL";

/// The event that carries the sync panel (`SyncPanel`) to the page whenever
/// the sync state or the unsynced work changes: the page listens instead of
/// polling.
pub const SYNC_PANEL_EVENT: &str = "sync-panel";

/// Keeps the log writer alive while the app runs.
struct LogGuard(#[allow(dead_code)] xuncha_client::log::WorkerGuard);

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let builder = tauri::Builder::default();
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_geolocation::init());
    let result = builder
        .setup(|app| {
            let dir = match std::env::var_os(DATA_DIR_ENV) {
                Some(d) => PathBuf::from(d),
                None => app.path().app_data_dir()?,
            };
            std::fs::create_dir_all(&dir)?;
            // The device's own log, for support (xuncha_client::log); the
            // guard lives as long as the app and flushes it at the end.
            match xuncha_client::log::init(&dir) {
                Ok(guard) => {
                    app.manage(LogGuard(guard));
                }
                Err(e) => eprintln!("{e}"),
            }
            let platform = if cfg!(mobile) { Platform::Mobile } else { Platform::Desktop };
            let version = app.package_info().version.to_string();
            let mut state = App::open(&dir, platform, &version)?;
            state.default_server = std::env::var(SERVER_URL_ENV).ok().filter(|u| !u.trim().is_empty());
            let state = Arc::new(state);
            app.manage(state.clone());
            // The sync panel follows every change of the sync state and every edit.
            let (events, handle) = (state.clone(), app.handle().clone());
            tauri::async_runtime::spawn(async move {
                use tauri::Emitter;
                let mut changes = events.changes();
                while changes.changed().await.is_ok() {
                    if let Ok(panel) = events.sync_panel() {
                        let _ = handle.emit(SYNC_PANEL_EVENT, panel);
                    }
                }
            });
            // Syncs whenever the server can be reached, from the first moment.
            tauri::async_runtime::spawn(async move { state.start_background() });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("xuncha: the app could not start: {e}");
        std::process::exit(1);
    }
}
