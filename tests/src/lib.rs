//! Workspace integration test helpers: a real server on port 0 over a
//! temporary data directory, seeded users and centres, an HTTP API client,
//! and simulated devices that speak the sync protocol.

// Test support: a failed step should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

/// The server binary's allocator (server/src/main.rs), for every test and
/// bench that runs a server in its own process: they measure what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod device;
pub mod load;
pub mod proxy;

pub use device::Device;

use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;
use xuncha_server::accounts::store::{NewUser, Role, Scope, User};
use xuncha_server::{AppState, Config};

pub const PASSWORD: &str = "correct-horse-42";

pub use xuncha_server::db::postgres::testing::TestDatabase;

/// Whether this run's servers keep their data in PostgreSQL
/// (`XUNCHA_TEST_BACKEND=postgres`, with `XUNCHA_TEST_POSTGRES` naming the
/// server) rather than SQLite.
pub fn on_postgres() -> bool {
    std::env::var("XUNCHA_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// Whether this run's servers keep photos in the S3-protocol server that
/// `XUNCHA_TEST_S3` names (`scripts/test.sh` starts `s3s-fs`, which keeps
/// each bucket as a folder of `XUNCHA_TEST_S3_ROOT`; its keys are
/// `XUNCHA_TEST_S3_KEY` and `XUNCHA_TEST_S3_SECRET`).
pub fn on_s3() -> bool {
    std::env::var("XUNCHA_TEST_PHOTOS").as_deref() == Ok("s3")
}

/// A fresh bucket for one server, set as its photo store; returns the
/// bucket's folder.
fn s3_bucket(config: &mut Config) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let var = |n: &str| std::env::var(n).unwrap_or_else(|_| panic!("XUNCHA_TEST_PHOTOS=s3 needs {n}"));
    let bucket = format!("t{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let folder = std::path::Path::new(&var("XUNCHA_TEST_S3_ROOT")).join(&bucket);
    std::fs::create_dir_all(&folder).expect("the bucket's folder");
    config.photo_store.url = Some(format!("s3://{bucket}/photos"));
    config.photo_store.options = [
        ("aws_endpoint", var("XUNCHA_TEST_S3")),
        ("aws_access_key_id", var("XUNCHA_TEST_S3_KEY")),
        ("aws_secret_access_key", var("XUNCHA_TEST_S3_SECRET")),
        ("aws_region", "us-east-1".to_owned()),
        ("aws_allow_http", "true".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    folder.join("photos")
}

/// Runs `sql` on PostgreSQL from a thread of its own (the synchronous
/// client must not run inside the test's runtime); the first column of
/// the first row when `read`.
fn on_pg(url: &str, sql: &str, read: bool) -> i64 {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        if read {
            let row = c.query_one(sql.as_str(), &[]).expect("query");
            row.try_get::<_, i64>(0).expect("an integer")
        } else {
            c.batch_execute(&sql).expect("execute");
            0
        }
    })
    .join()
    .expect("the database thread")
}

/// The record of a 640×480 JPEG with these bytes, taken by `by`.
pub fn photo_record(bytes: &[u8], by: &str) -> xuncha_core::document::PhotoRecord {
    xuncha_core::document::PhotoRecord {
        sha256: xuncha_core::photo::sha256_hex(bytes),
        bytes: bytes.len() as u64,
        mime: "image/jpeg".into(),
        width: 640,
        height: 480,
        item_id: None,
        thumbnail: None,
        taken_at: 1,
        gps: None,
        by: by.into(),
        signature: None,
    }
}

/// A new document written straight into the store, as benches and tests
/// that need thousands do: `meta` and `summary` as given, `member` its one
/// member, stored as one snapshot (`bytes`, with `heads`).
pub fn stored_doc(
    meta: xuncha_server::inspections::store::DocMeta,
    summary: xuncha_server::inspections::store::DocSummary,
    member: &str,
    bytes: Vec<u8>,
    heads: Vec<automerge::ChangeHash>,
) -> xuncha_server::inspections::store::DocWrite {
    xuncha_server::inspections::store::DocWrite {
        meta,
        is_new: true,
        base_heads: Vec::new(),
        new_changes: Vec::new(),
        heads,
        compacted: Some(bytes),
        summary,
        score: None,
        members: vec![member.into()],
        photos: Vec::new(),
    }
}

/// A listed document's summary: `status`, `total` and `grade`, nothing flagged.
pub fn summary(
    status: xuncha_core::document::WorkflowStatus,
    total: Option<f64>,
    grade: Option<xuncha_core::scoring::Grade>,
) -> xuncha_server::inspections::store::DocSummary {
    xuncha_server::inspections::store::DocSummary {
        status,
        total,
        grade,
        complete: true,
        on_site: None,
        vetoes: 0,
        conflicts: 0,
        evidence_problems: 0,
        figures: Default::default(),
    }
}

/// A server running in this process on a real loopback port.
#[derive(Debug)]
pub struct TestServer {
    pub url: String,
    pub state: AppState,
    pub dir: Arc<TempDir>,
    /// The PostgreSQL database of this server, when the tests run on that
    /// backend (`XUNCHA_TEST_BACKEND=postgres`); dropped with the server.
    pub pg: Option<Arc<TestDatabase>>,
    /// Where the server's photo objects are on disk: `blobs/` in the data
    /// directory, or the bucket's folder of the S3 server when the tests
    /// run on object storage (`XUNCHA_TEST_PHOTOS=s3`).
    pub photo_dir: std::path::PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let mut config = Config { data_dir: dir.path().to_owned(), ..Config::default() };
        let pg = on_postgres().then(|| Arc::new(TestDatabase::create().expect("XUNCHA_TEST_POSTGRES names a server")));
        config.database.url = pg.as_ref().map(|db| db.url.clone());
        let bucket = on_s3().then(|| s3_bucket(&mut config));
        adjust(&mut config);
        let photo_dir = match (bucket, &config.photo_store.url) {
            (Some(folder), Some(_)) => folder,
            _ => config.data_dir.join("blobs"),
        };
        let state = xuncha_server::open(config).expect("open server");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel::<()>();
        let st = state.clone();
        let task = tokio::spawn(async move {
            let _ = xuncha_server::serve(listener, st, async {
                let _ = rx.await;
            })
            .await;
        });
        Self { url, state, dir, pg, photo_dir, shutdown: Some(tx), task: Some(task) }
    }

    /// Stops answering (devices see it offline) and keeps the data.
    pub async fn pause(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// Answers again at the same address, on the same data (a fresh open:
    /// nothing is carried over in memory).
    pub async fn resume(&mut self) {
        let addr = self.url.trim_start_matches("http://").to_owned();
        let state = xuncha_server::open(self.state.config.as_ref().clone()).expect("reopen server");
        let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind the same address");
        let (tx, rx) = oneshot::channel::<()>();
        let st = state.clone();
        self.task = Some(tokio::spawn(async move {
            let _ = xuncha_server::serve(listener, st, async {
                let _ = rx.await;
            })
            .await;
        }));
        self.state = state;
        self.shutdown = Some(tx);
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// A direct look at the database, for counting rows (on either backend:
    /// the statement must read the same in both dialects).
    pub fn count(&self, sql: &str) -> i64 {
        match &self.state.config.database.url {
            Some(url) => on_pg(url, sql, true),
            None => {
                let db = rusqlite::Connection::open(self.state.config.db_path()).expect("db");
                db.query_row(sql, [], |r| r.get(0)).expect("count")
            }
        }
    }

    /// `bytes` written into a statement, in the backend's dialect.
    pub fn bytes_literal(&self, bytes: &[u8]) -> String {
        match self.state.config.database.url {
            Some(_) => format!("decode('{}', 'hex')", hex::encode(bytes)),
            None => format!("x'{}'", hex::encode(bytes)),
        }
    }

    /// Changes the database behind the server's back (a test's clock moved
    /// on), on either backend.
    pub fn execute(&self, sql: &str) {
        match &self.state.config.database.url {
            Some(url) => {
                on_pg(url, sql, false);
            }
            None => {
                let db = rusqlite::Connection::open(self.state.config.db_path()).expect("db");
                db.execute_batch(sql).expect("execute");
            }
        }
    }

    pub fn add_user(&self, username: &str, role: Role, county: &str) -> User {
        let scope = match county {
            "" => Scope { province: "河北省".into(), ..Scope::default() },
            c => Scope { province: "河北省".into(), city: "石家庄市".into(), county: c.into() },
        };
        self.add_user_in(username, role, scope)
    }

    /// A user of any region (a city's supervisor, say), with [`PASSWORD`].
    pub fn add_user_in(&self, username: &str, role: Role, scope: Scope) -> User {
        let u = NewUser {
            username: username.into(),
            display_name: username.into(),
            role,
            scope,
            centres: Vec::new(),
            password_hash: xuncha_server::accounts::passwords::hash_password(PASSWORD).expect("hash"),
        };
        self.state.store.create_user(u, xuncha_server::now_ms()).expect("user")
    }

    /// The demo centres, a supervisor per county and three inspectors
    /// (two in 长安区, one in 桥西区), all with [`PASSWORD`].
    pub fn seed(&self) {
        self.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).expect("centres");
        self.state.store.set_populations(&xuncha_server::cli::demo::demo_populations(), 1).expect("populations");
        self.add_user("sup-a", Role::Supervisor, "长安区");
        self.add_user("sup-b", Role::Supervisor, "桥西区");
        self.add_user("admin", Role::Administrator, "");
        self.add_user("wang", Role::Inspector, "长安区");
        self.add_user("li", Role::Inspector, "长安区");
        self.add_user("zhao", Role::Inspector, "桥西区");
    }

    pub async fn api(&self, username: &str) -> Api {
        Api::login(&self.url, username).await
    }

    /// A client that has not signed in.
    pub fn api_anonymous(&self) -> Api {
        Api { url: self.url.clone(), token: String::new(), http: reqwest::Client::new() }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A signed-in browser user.
#[derive(Debug, Clone)]
pub struct Api {
    pub url: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn login(url: &str, username: &str) -> Self {
        Self::login_with(url, username, PASSWORD).await
    }

    pub async fn login_with(url: &str, username: &str, password: &str) -> Self {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{url}/api/v1/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login");
        let status = res.status();
        if status != StatusCode::OK {
            panic!("login of {username}: {status} {}", res.text().await.unwrap_or_default());
        }
        let body: Value = res.json().await.expect("json");
        let token = body["token"].as_str().expect("token").to_owned();
        Self { url: url.to_owned(), token, http }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send().await.expect("get");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("post");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Assigns inspectors to a centre for 2026Q4; returns the document id.
    pub async fn assign(&self, centre: &str, inspectors: &[&str]) -> String {
        let (status, body) = self
            .post(
                "/api/v1/assignments",
                &serde_json::json!({"centre_code": centre, "quarter": "2026Q4", "inspectors": inspectors}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body[0]["doc"].as_str().expect("doc").to_owned()
    }
}

/// The median and the 99th percentile of `times`, in milliseconds (for the benchmarks' figures).
pub fn p50_p99(times: &mut [std::time::Duration]) -> (f64, f64) {
    times.sort();
    let ms = |d: Option<&std::time::Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let p99 = ((times.len() as f64 * 0.99) as usize).min(times.len().saturating_sub(1));
    (ms(times.get(times.len() / 2)), ms(times.get(p99)))
}
