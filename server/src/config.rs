//! Server configuration, layered by `figment`: defaults, then an optional
//! TOML file, then `XUNCHA_*` environment variables (`XUNCHA_BIND`,
//! `XUNCHA_LIMITS__DOCS_PER_SYNC`: a double underscore for each level), then
//! command-line flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
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
    /// only) and send HSTS. Unset: on, unless the server listens on a
    /// loopback address (the demo, or behind a reverse proxy on the same
    /// machine is then expected to set it). Set `false` for a plain-HTTP
    /// trial on a network.
    #[serde(default)]
    pub secure_cookies: Option<bool>,
    /// Reverse proxies whose `X-Forwarded-For` is believed: behind one,
    /// the sign-in limit per address sees each client's own address.
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    /// The province's threshold for inspectors' figures against a centre's
    /// own report (抽查核实): a larger deviation is flagged (0.2 = 20%).
    pub spot_check_deviation: f64,
    /// The days after a quarter by which counties, cities and the province
    /// report it (`[report_deadlines] county = 5`, …).
    pub report_deadlines: crate::reporting::deadlines::ReportDeadlines,
    /// How devices store photos (`[photos] format = "webp"`, `webp_quality = 85`).
    pub photos: crate::accounts::device_config::PhotoSettings,
    /// Where the data lives (`[database] url = "postgres://…"`); unset:
    /// SQLite in `data_dir`.
    pub database: DatabaseSettings,
    /// Where photo bytes live (`[photo_store] url = "s3://bucket/prefix"`
    /// and its `options`); unset: `data_dir/blobs`.
    pub photo_store: crate::photos::bytes::PhotoStoreSettings,
    pub limits: Limits,
}

/// The storage backend. SQLite in the data directory is the default; a
/// `postgres://` URL moves the data to a PostgreSQL server that several
/// server instances may share (docs/deploy.md).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `postgres://user:password@host:port/db`, or unset for SQLite.
    pub url: Option<String>,
    /// Connections one instance keeps to PostgreSQL.
    pub connections: usize,
}

/// The URL holds a password: printed without it.
impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.as_deref().map(|u| match (u.find("://"), u.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!("{}://…{}", u.get(..scheme).unwrap_or_default(), u.get(at..).unwrap_or_default())
            }
            _ => u.to_owned(),
        });
        f.debug_struct("DatabaseSettings").field("url", &url).field("connections", &self.connections).finish()
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: None, connections: crate::db::postgres::DEFAULT_CONNECTIONS }
    }
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
    /// Devices one user may have enrolled at once; past it an enrolment is
    /// refused until one is revoked.
    pub devices_per_user: usize,
    /// Documents kept loaded in memory.
    pub doc_cache: usize,
    /// Stored changes after which a document is re-saved as one snapshot.
    pub compact_after: usize,
    /// Rows a streamed export reads at a time: each read is one keyset
    /// query, and two chunks are held at most.
    pub export_chunk: u32,
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
            export_chunk: 5_000,
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
            secure_cookies: None,
            trusted_proxies: Vec::new(),
            spot_check_deviation: crate::operators::spot_check::DEFAULT_THRESHOLD,
            report_deadlines: crate::reporting::deadlines::ReportDeadlines::default(),
            photos: Default::default(),
            database: DatabaseSettings::default(),
            photo_store: Default::default(),
            limits: Limits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {0}: it does not exist")]
    Missing(PathBuf),
    #[error("configuration: {0}")]
    Invalid(Box<figment::Error>),
}

/// The top-level keys an `XUNCHA_` variable may set; the others starting
/// with `XUNCHA_` belong to the command line (passwords of `init`, …).
const ENV_KEYS: [&str; 6] = ["bind", "data_dir", "session_hours", "ui_dir", "secure_cookies", "trusted_proxies"];

impl Config {
    /// Reads `file` (when given) over the defaults, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::figment(file, Env::prefixed("XUNCHA_"))
    }

    /// As [`Config::load`] with the variables of `env` (tests pass their own).
    pub fn figment(file: Option<&Path>, env: Env) -> Result<Self, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::Missing(path.to_owned()));
            }
            fig = fig.merge(Toml::file_exact(path));
        }
        let env = env
            .filter(|k| {
                ENV_KEYS.contains(&k.as_str().to_lowercase().as_str())
                    || ["limits__", "photos__", "database__", "photo_store__"]
                        .iter()
                        .any(|p| k.as_str().to_lowercase().starts_with(p))
            })
            .split("__");
        // Lossy: `XUNCHA_SECURE_COOKIES=1`, `yes` or `on` read as true, as they always did.
        let mut config: Config = fig.merge(env).extract_lossy().map_err(|e| ConfigError::Invalid(Box::new(e)))?;
        // `XUNCHA_UI_DIR=` turns the dashboard off.
        config.ui_dir = config.ui_dir.filter(|p| !p.as_os_str().is_empty());
        Ok(config)
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or(!self.bind.ip().is_loopback())
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
    #[allow(clippy::result_large_err)] // figment's own test harness type
    fn defaults_then_file_then_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("x.toml", "bind = \"0.0.0.0:9000\"\n[limits]\ndocs_per_sync = 5\nbody_idle_secs = 9\n")?;
            jail.set_env("XUNCHA_LIMITS__BODY_IDLE_SECS", "30");
            jail.set_env("XUNCHA_SESSION_HOURS", "3");
            jail.set_env("XUNCHA_ADMIN_PASSWORD", "not a setting");
            let c = Config::load(Some(Path::new("x.toml"))).map_err(|e| e.to_string())?;
            assert_eq!((c.bind.port(), c.session_hours), (9000, 3));
            assert_eq!((c.limits.docs_per_sync, c.limits.body_idle_secs), (5, 30), "the variable wins");
            assert_eq!(c.limits.patch_bytes, Limits::default().patch_bytes);
            assert!(c.secure_cookies(), "on by default off loopback");
            jail.set_env("XUNCHA_BIND", "nope");
            assert!(Config::load(None).is_err());
            jail.set_env("XUNCHA_BIND", "127.0.0.1:1");

            jail.set_env("XUNCHA_TRUSTED_PROXIES", "[\"10.0.0.1\"]");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert!(!c.secure_cookies(), "off on loopback");
            assert_eq!(c.trusted_proxies, vec![IpAddr::from([10, 0, 0, 1])]);
            jail.create_file("bad.toml", "unknown = 1\n")?;
            assert!(Config::load(Some(Path::new("bad.toml"))).is_err(), "unknown keys are errors");
            assert!(Config::load(Some(Path::new("missing.toml"))).is_err());
            jail.set_env("XUNCHA_SECURE_COOKIES", "yes");
            assert!(Config::load(None).map_err(|e| e.to_string())?.secure_cookies(), "yes is true, as it always was");
            Ok(())
        });
    }

    #[test]
    fn secrets_are_not_printed() {
        let mut c = Config::default();
        c.database.url = Some("postgres://xuncha:hunter2@db.internal:5432/xuncha".into());
        c.photo_store.options.insert("aws_secret_access_key".into(), "s3cr3t".into());
        let printed = format!("{c:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("@db.internal:5432/xuncha") && printed.contains("aws_secret_access_key"));
    }
}
