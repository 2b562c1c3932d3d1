//! Server configuration: defaults, then an optional TOML file, then
//! `XUNCHA_*` environment variables, then command-line flags.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Hours a browser session lasts.
    pub session_hours: u32,
    /// The built UI (`ui/dist`): the supervisor dashboard is its
    /// `dashboard.html`, served at `/`. None: the API only.
    #[serde(default)]
    pub ui_dir: Option<PathBuf>,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS
    /// only). Turn on behind TLS; off by default so plain-HTTP trials work.
    #[serde(default)]
    pub secure_cookies: bool,
    pub limits: Limits,
}

/// Every size the server accepts is bounded here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Sync request body as sent (possibly compressed).
    pub sync_body_bytes: usize,
    /// Sync request body after decompression.
    pub sync_inflated_bytes: usize,
    /// Documents in one sync request.
    pub docs_per_sync: usize,
    /// Documents offered through the cursor in one response.
    pub offered_per_sync: u32,
    /// Bytes of changes sent down in one response (more follow next round).
    pub sync_response_bytes: usize,
    /// One photo, whole.
    pub photo_bytes: u64,
    /// One PATCH of a photo upload.
    pub patch_bytes: usize,
    /// JSON bodies of the other routes.
    pub json_body_bytes: usize,
    /// CSV imports and template uploads.
    pub upload_body_bytes: usize,
    /// Failed sign-ins of one account in `login_window_secs` before each
    /// further attempt waits a doubling delay (at most a minute).
    pub login_failures: u32,
    /// Sign-in attempts per address (offices share one) in
    /// `login_window_secs`, successful ones included.
    #[serde(alias = "login_failures_per_address")]
    pub login_attempts_per_address: u32,
    pub login_window_secs: u64,
    /// Seconds a client has to send a request's headers (idle keep-alive
    /// connections close after it too).
    pub header_read_secs: u64,
    /// Seconds a request body may pause between parts.
    pub body_idle_secs: u64,
    /// Centres or inspections one statistic reads, at most; past it the
    /// statistic is refused (choose a smaller region), never cut short.
    pub stats_rows: u32,
    /// Days before its arrival an inspection a device started on its own
    /// may be dated (a week offline is normal, a backdated quarter is not).
    pub adhoc_max_age_days: u32,
    /// Unfinished upload bytes one device may keep on the server.
    pub partial_bytes_per_device: u64,
    /// Devices one user may have enrolled at once; enrolling one more
    /// revokes the least recently seen.
    pub devices_per_user: usize,
    /// Documents kept loaded in memory.
    pub doc_cache: usize,
    /// Stored changes after which a document is re-saved as one snapshot.
    pub compact_after: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sync_body_bytes: 8 * 1024 * 1024,
            sync_inflated_bytes: 16 * 1024 * 1024,
            docs_per_sync: 100,
            offered_per_sync: 50,
            sync_response_bytes: 8 * 1024 * 1024,
            photo_bytes: 25 * 1024 * 1024,
            patch_bytes: 4 * 1024 * 1024,
            json_body_bytes: 256 * 1024,
            upload_body_bytes: 8 * 1024 * 1024,
            login_failures: 5,
            login_attempts_per_address: 100,
            login_window_secs: 900,
            devices_per_user: 5,
            stats_rows: 200_000,
            adhoc_max_age_days: 30,
            partial_bytes_per_device: 512 * 1024 * 1024,
            header_read_secs: 20,
            body_idle_secs: 60,
            doc_cache: 512,
            compact_after: 64,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            session_hours: 12,
            ui_dir: None,
            secure_cookies: false,
            limits: Limits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0}: {1}")]
    Parse(PathBuf, String),
    #[error("environment variable {0}: {1}")]
    Env(&'static str, String),
}

impl Config {
    /// Reads `file` (when given) over the defaults, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.to_owned(), e))?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse(path.to_owned(), e.to_string()))?
            }
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = var("XUNCHA_BIND") {
            self.bind =
                v.parse().map_err(|e: std::net::AddrParseError| ConfigError::Env("XUNCHA_BIND", e.to_string()))?;
        }
        if let Some(v) = var("XUNCHA_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = var("XUNCHA_SESSION_HOURS") {
            self.session_hours = v
                .parse()
                .map_err(|e: std::num::ParseIntError| ConfigError::Env("XUNCHA_SESSION_HOURS", e.to_string()))?;
        }
        if let Some(v) = var("XUNCHA_UI_DIR") {
            self.ui_dir = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = var("XUNCHA_SECURE_COOKIES") {
            self.secure_cookies = matches!(v.as_str(), "1" | "true" | "yes" | "on");
        }
        Ok(())
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("xuncha.db")
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let mut c: Config = toml::from_str("bind = \"0.0.0.0:9000\"\n[limits]\ndocs_per_sync = 5\n").unwrap();
        assert_eq!(c.limits.docs_per_sync, 5);
        assert_eq!(c.limits.patch_bytes, Limits::default().patch_bytes);
        c.apply_env(|k| (k == "XUNCHA_BIND").then(|| "127.0.0.1:1".to_owned())).unwrap();
        assert_eq!(c.bind.port(), 1);
        assert!(c.apply_env(|k| (k == "XUNCHA_BIND").then(|| "nope".to_owned())).is_err());
        assert!(toml::from_str::<Config>("unknown = 1").is_err());
    }
}
