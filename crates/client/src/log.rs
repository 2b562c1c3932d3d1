//! The device's own log, for support: sync rounds, refusals, going offline,
//! errors. One file a day in `<data dir>/logs`, the last seven kept, plain
//! text. It holds no token and no password: the sync engine logs codes,
//! counts and document ids, never a request.

use std::path::{Path, PathBuf};
pub use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

/// Days of log kept on the device.
pub const DAYS_KEPT: usize = 7;
/// The most an export carries: the newest part of the log.
pub const EXPORT_MAX_BYTES: usize = 2 * 1024 * 1024;

pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Starts writing the log; keep the guard for as long as the app runs
/// (dropping it flushes). A second call in one process writes nothing more.
pub fn init(data_dir: &Path) -> Result<WorkerGuard, String> {
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("xuncha")
        .filename_suffix("log")
        .max_log_files(DAYS_KEPT)
        .build(log_dir(data_dir))
        .map_err(|e| format!("cannot open the log: {e}"))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    // Already set (a second app in one process, a test): the first stays.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(guard)
}

/// The log's newest [`EXPORT_MAX_BYTES`], oldest line first, for a support
/// request; whole lines only.
pub fn export(data_dir: &Path) -> std::io::Result<String> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(log_dir(data_dir)) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    // Daily names (xuncha.YYYY-MM-DD.log) sort by date.
    files.sort();
    let mut text = String::new();
    for f in files {
        text.push_str(&String::from_utf8_lossy(&std::fs::read(f)?));
    }
    if text.len() > EXPORT_MAX_BYTES {
        let mut cut = text.len() - EXPORT_MAX_BYTES;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        let start = text.get(cut..).and_then(|t| t.find('\n')).map_or(cut, |n| cut + n + 1);
        text = text.get(start..).unwrap_or_default().to_owned();
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_the_newest_whole_lines_in_date_order() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let logs = log_dir(dir.path());
        std::fs::create_dir_all(&logs).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(logs.join("xuncha.2026-12-02.log"), "first\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(logs.join("xuncha.2026-12-03.log"), "second\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(export(dir.path()).unwrap_or_default(), "first\nsecond\n");
        let long = "x".repeat(100) + "\n";
        std::fs::write(logs.join("xuncha.2026-12-04.log"), long.repeat(30_000)).unwrap_or_else(|e| panic!("{e}"));
        let text = export(dir.path()).unwrap_or_default();
        assert!(text.len() <= EXPORT_MAX_BYTES && text.starts_with('x') && text.ends_with("x\n"));
        assert!(!text.contains("first"), "the oldest part is left out");
    }

    #[test]
    fn no_log_yet_exports_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(export(dir.path()).unwrap_or_default(), "");
    }
}
