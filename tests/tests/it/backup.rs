//! Backup and restore as docs/deploy.md tells an administrator to do them:
//! SQLite copied with `VACUUM INTO` while the server runs, PostgreSQL with
//! `pg_dump -Fc` and `pg_restore`; a server started on the restored data
//! holds the same inspections, scores, problems, reports and photos.

use std::path::Path;
use std::process::Command;
use xuncha_server::Config;
use xuncha_server::inspections::store::InspectionFilter;
use xuncha_server::storage::PageReq;
use xuncha_tests::{TestDatabase, TestServer};

/// What a restore must give back, read through the store.
async fn contents(server: &TestServer) -> (Vec<(String, Option<f64>, String)>, Vec<i64>) {
    let store = server.state.store.clone();
    let rows = tokio::task::spawn_blocking(move || {
        store.list_inspections(&InspectionFilter::default(), PageReq::new(1, 500)).unwrap().items
    })
    .await
    .unwrap();
    let docs = rows.into_iter().map(|r| (r.doc.to_string(), r.summary.total, format!("{:?}", r.summary.status)));
    let counts = ["users", "devices", "blobs", "problems", "notices", "report_versions", "centre_figures", "scores"]
        .map(|t| server.count(&format!("SELECT count(*) FROM {t}")));
    (docs.collect(), counts.to_vec())
}

async fn seeded(adjust: impl FnOnce(&mut Config)) -> TestServer {
    let server = TestServer::start_with(adjust).await;
    let state = server.state.clone();
    tokio::task::spawn_blocking(move || xuncha_server::cli::demo::seed(&state).unwrap()).await.unwrap();
    server
}

/// A served photo of the demo, read through the API of `server`.
async fn a_photo_is_served(server: &TestServer, sha: &str) {
    let api = xuncha_tests::Api::login_with(&server.url, "sup-changan", xuncha_server::cli::demo::PASSWORD).await;
    let res = api.http.get(format!("{}/api/v1/blobs/{sha}", server.url)).bearer_auth(&api.token).send().await.unwrap();
    assert_eq!(res.status(), 200, "photo {sha}");
    assert_eq!(xuncha_core::photo::sha256_hex(&res.bytes().await.unwrap()), sha);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn a_photo_of(server: &TestServer) -> String {
    let db = rusqlite::Connection::open(server.dir.path().join("xuncha.db")).unwrap();
    let q = "SELECT sha256 FROM blobs b WHERE EXISTS (SELECT 1 FROM photo_grants g WHERE g.sha256 = b.sha256) \
             ORDER BY sha256 LIMIT 1";
    db.query_row(q, [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn a_sqlite_copy_taken_while_serving_restores_everything() {
    if xuncha_tests::on_postgres() {
        return; // a SQLite procedure; the PostgreSQL pass runs the other test
    }
    let server = seeded(|_| {}).await;
    let before = contents(&server).await;
    let sha = a_photo_of(&server);
    let backup = tempfile::tempdir().unwrap();
    // The documented commands: VACUUM INTO beside the running server, the photos copied.
    let copy = backup.path().join("xuncha.db");
    let db = rusqlite::Connection::open(server.dir.path().join("xuncha.db")).unwrap();
    db.execute("VACUUM INTO ?1", [copy.to_str().unwrap()]).unwrap();
    drop(db);
    copy_dir(&server.dir.path().join("blobs"), &backup.path().join("blobs"));
    server.stop().await;

    let restored = TestServer::start_with(|c| c.data_dir = backup.path().to_owned()).await;
    assert_eq!(contents(&restored).await, before);
    assert!(before.0.len() >= 5 && before.1.iter().all(|n| *n > 0), "the demo's data was there to restore: {before:?}");
    a_photo_is_served(&restored, &sha).await;
}

fn pg_tool(name: &str, args: &[&str]) {
    let status = Command::new(name).args(args).status().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(status.success(), "{name} {args:?}");
}

#[tokio::test]
async fn a_postgres_dump_restores_everything() {
    if xuncha_tests::on_postgres() {
        return; // the first pass ran it
    }
    let (Some(source), Some(target)) = (TestDatabase::create(), TestDatabase::create()) else { return };
    let photos = tempfile::tempdir().unwrap();
    let (url, dir) = (source.url.clone(), photos.path().to_owned());
    let server = seeded(move |c| {
        c.database.url = Some(url);
        c.data_dir = dir;
    })
    .await;
    let before = contents(&server).await;
    let dump = photos.path().join("xuncha.dump");
    pg_tool("pg_dump", &["-Fc", "-d", &source.url, "-f", dump.to_str().unwrap()]);
    server.stop().await;
    pg_tool("pg_restore", &["--no-owner", "-d", &target.url, dump.to_str().unwrap()]);

    let (url, dir) = (target.url.clone(), photos.path().to_owned());
    let restored = TestServer::start_with(move |c| {
        c.database.url = Some(url);
        c.data_dir = dir;
    })
    .await;
    assert_eq!(contents(&restored).await, before);
    assert!(before.0.len() >= 5 && before.1.iter().all(|n| *n > 0), "the demo's data was there to restore: {before:?}");
    let sha = {
        let url = target.url.clone();
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let q = "SELECT sha256 FROM blobs b WHERE EXISTS (SELECT 1 FROM photo_grants g WHERE g.sha256 = \
                     b.sha256) ORDER BY sha256 LIMIT 1";
            c.query_one(q, &[]).unwrap().get::<_, String>(0)
        })
        .join()
        .unwrap()
    };
    a_photo_is_served(&restored, &sha).await;
}
