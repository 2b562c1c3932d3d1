//! Two server instances as processes on one PostgreSQL database and one S3
//! bucket: devices sync through both in turn, a photo upload resumes
//! through the other instance, a supervisor reviews through one while the
//! other ingests; documents, scores and photos converge with nothing lost
//! or duplicated. Then, behind nginx with the proxy configuration of
//! `deploy/nginx.conf`, one instance is killed with SIGKILL mid-stream and
//! the phone carries on through the proxy without a failed round.

use automerge::ChangeHash;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use xuncha_core::document::Answer;
use xuncha_core::photo::sha256_hex;
use xuncha_core::template::AnswerSpec;
use xuncha_server::cli::demo::{PASSWORD, demo_photo};
use xuncha_tests::{Api, Device, TestDatabase};

const BIN: &str = env!("CARGO_BIN_EXE_server-under-test");

/// The settings both instances share: the database and the bucket.
struct Shared {
    db: TestDatabase,
    env: Vec<(String, String)>,
}

/// `None` when no PostgreSQL or S3 server is configured (see `TestDatabase`).
fn shared() -> Option<Shared> {
    let db = TestDatabase::create()?;
    let var = |n: &str| std::env::var(n).unwrap_or_else(|_| panic!("this test needs {n} (scripts/test.sh sets it)"));
    let bucket = format!("inst{}", std::process::id());
    std::fs::create_dir_all(std::path::Path::new(&var("XUNCHA_TEST_S3_ROOT")).join(&bucket)).unwrap();
    let env = vec![
        ("XUNCHA_DATABASE__URL".to_owned(), db.url.clone()),
        ("XUNCHA_PHOTO_STORE__URL".to_owned(), format!("s3://{bucket}/photos")),
        ("XUNCHA_PHOTO_STORE__OPTIONS__AWS_ENDPOINT".to_owned(), var("XUNCHA_TEST_S3")),
        ("XUNCHA_PHOTO_STORE__OPTIONS__AWS_ACCESS_KEY_ID".to_owned(), var("XUNCHA_TEST_S3_KEY")),
        ("XUNCHA_PHOTO_STORE__OPTIONS__AWS_SECRET_ACCESS_KEY".to_owned(), var("XUNCHA_TEST_S3_SECRET")),
        ("XUNCHA_PHOTO_STORE__OPTIONS__AWS_REGION".to_owned(), "us-east-1".to_owned()),
        ("XUNCHA_PHOTO_STORE__OPTIONS__AWS_ALLOW_HTTP".to_owned(), "true".to_owned()),
        ("RUST_LOG".to_owned(), "warn".to_owned()),
    ];
    Some(Shared { db, env })
}

fn command(shared: &Shared, dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir").arg(dir).envs(shared.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    c
}

/// nginx in front of `upstreams`, configured by `deploy/nginx.conf` (TLS
/// taken out, the ports replaced). Returns the process, its URL and its folder.
fn proxy(upstreams: [&str; 2]) -> (Child, String, tempfile::TempDir) {
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf");
    let site = std::fs::read_to_string(deploy).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut next = upstreams.iter();
    let site: String = site
        .lines()
        .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
        .map(|l| match l.trim_start() {
            t if t.starts_with("listen 443") => format!("    listen 127.0.0.1:{port};"),
            t if t.starts_with("server 127.0.0.1:808") => {
                let addr = next.next().expect("two upstream servers in deploy/nginx.conf");
                let rest = t.split_once(' ').and_then(|(_, r)| r.split_once(' ')).map_or("", |(_, r)| r);
                format!("    server {addr} {rest}")
            }
            _ => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(next.next().is_none(), "both instances are upstreams");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::write(dir.path().join("xuncha.conf"), site).unwrap();
    let main = format!(
        "daemon off; master_process off; pid {d}/nginx.pid; error_log {d}/error.log warn; events {{}}
         http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
                 fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
                 include {d}/xuncha.conf; }}"
    );
    std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
    let mut child = Command::new("nginx")
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx (scripts/test.sh installs it)");
    // Ready once it accepts connections (at most 10 s).
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, format!("http://127.0.0.1:{port}"), dir);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("nginx did not start: {}", std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default());
}

fn start(shared: &Shared, dir: &std::path::Path) -> (Child, String) {
    let mut child = command(shared, dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on ").expect("the server prints its address").to_owned();
    (child, format!("http://{addr}"))
}

/// The scale items of a template, to answer one after another.
fn scale_items(template: &xuncha_core::template::Template) -> Vec<String> {
    template.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::Scale { .. })).map(|(_, i)| i.id.clone()).collect()
}

async fn patch(dev: &Device, url: &str, sha: &str, offset: usize, total: usize, part: &[u8]) -> reqwest::StatusCode {
    dev.http
        .patch(format!("{url}/api/v1/blobs/{sha}"))
        .bearer_auth(&dev.token)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string())
        .header("upload-length", total.to_string())
        .body(part.to_vec())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn two_instances_share_one_database_and_bucket_and_one_survives_the_others_sigkill() {
    if xuncha_tests::on_postgres() {
        return; // the first pass of scripts/test.sh ran it already
    }
    let Some(shared) = shared() else { return };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(command(&shared, dir_a.path()).arg("demo").stdout(Stdio::null()).status().unwrap().success());
    let (a, url_a) = start(&shared, dir_a.path());
    let (mut b, url_b) = start(&shared, dir_b.path());
    let urls = [url_a.clone(), url_b.clone()];

    // Two inspectors of one inspection (130102-C01 in the demo) and their phones.
    let mut wang = Device::enrol_with(&url_a, "insp-wang", PASSWORD).await;
    let mut li = Device::enrol_with(&url_b, "insp-li", PASSWORD).await;
    wang.sync().await;
    li.sync().await;
    let shared_doc = *wang.docs.keys().find(|d| li.docs.contains_key(d)).expect("an inspection both work on");
    let id = shared_doc.to_string();
    let tref = wang.doc(&id).snapshot().unwrap().template;
    let template = wang.template(&tref).await;
    let items = scale_items(&template);

    // A photo of wang's: half through A, the rest through B.
    let photo = demo_photo(31).unwrap();
    let sha = sha256_hex(&photo);
    wang.doc(&id).add_photo(&xuncha_tests::photo_record(&photo, "insp-wang")).unwrap();
    wang.sync().await;
    let half = photo.len() / 2;
    assert_eq!(patch(&wang, &url_a, &sha, 0, photo.len(), &photo[..half]).await, 204);
    assert_eq!(patch(&wang, &url_b, &sha, half, photo.len(), &photo[half..]).await, 204, "resumed through B");

    // Both phones answer and sync through A and B in turn; the supervisor
    // reads the inspection through A while B ingests.
    let sup = Api::login_with(&url_a, "sup-changan", PASSWORD).await;
    for n in 0..24usize {
        let (dev, who) = if n % 2 == 0 { (&mut wang, "wang") } else { (&mut li, "li") };
        dev.url = urls[(n / 2) % 2].clone();
        let item = &items[(n * 7 + usize::from(who == "li")) % items.len()];
        dev.answer(&id, &template, item, Answer::Scale(i64::try_from(n % 3).unwrap() + 1));
        dev.sync().await;
        if n % 6 == 5 {
            let (status, _) = sup.get(&format!("/api/v1/inspections/{id}")).await;
            assert_eq!(status, 200);
        }
    }
    // Each phone takes in the other's last round.
    wang.url = url_b.clone();
    li.url = url_b.clone();
    wang.sync().await;
    li.sync().await;
    wang.sync().await;
    let heads_w: BTreeSet<ChangeHash> = wang.doc(&id).automerge_mut().get_heads().into_iter().collect();
    let heads_l: BTreeSet<ChangeHash> = li.doc(&id).automerge_mut().get_heads().into_iter().collect();
    assert_eq!(heads_w, heads_l, "both phones hold the same inspection");

    // Both instances hold that inspection, scored at those heads, with the photo.
    for url in &urls {
        let sup = Api::login_with(url, "sup-changan", PASSWORD).await;
        let (_, view) = sup.get(&format!("/api/v1/inspections/{id}/report")).await;
        let scored: BTreeSet<String> =
            view["score"]["heads"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_owned()).collect();
        let heads: BTreeSet<String> = heads_w.iter().map(|h| h.to_string()).collect();
        assert_eq!(scored, heads, "{url} scored the last state: {view}");
        let photo_url = format!("{url}/api/v1/blobs/{sha}");
        let got = sup.http.get(&photo_url).bearer_auth(&sup.token).send().await.unwrap();
        assert_eq!(got.status(), 200);
        assert_eq!(sha256_hex(&got.bytes().await.unwrap()), sha, "{url} serves the photo");
    }
    let stored: i64 = {
        let url = shared.db.url.clone();
        let doc = shared_doc.as_bytes().to_vec();
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.query_one("SELECT change_count FROM documents WHERE doc_id = $1", &[&doc]).unwrap().get(0)
        })
        .join()
        .unwrap()
    };
    let distinct = wang.doc(&id).automerge_mut().get_changes(&[]).len();
    assert_eq!(usize::try_from(stored).unwrap(), distinct, "every change stored once");

    // Behind the proxy, A is killed mid-stream: every round still succeeds
    // (nginx tries B when A fails) and nothing acknowledged is lost.
    let (mut nginx, via_proxy, _nginx_dir) =
        proxy([url_a.trim_start_matches("http://"), url_b.trim_start_matches("http://")]);
    wang.url = via_proxy.clone();
    let mut acknowledged = Vec::new();
    let mut a = Some(a);
    let mut killed = None;
    for n in 0..60usize {
        if n == 20
            && let Some(mut a) = a.take()
        {
            // The next rounds are in flight while it dies.
            killed = Some(std::thread::spawn(move || {
                a.kill().unwrap(); // SIGKILL
                a.wait().unwrap();
            }));
        }
        let item = &items[n % items.len()];
        wang.answer(&id, &template, item, Answer::Scale(i64::try_from(n % 3).unwrap() + 1));
        let heads = wang.doc(&id).automerge_mut().get_heads();
        wang.try_sync().await.unwrap_or_else(|e| panic!("round {n} through the proxy failed: {e}"));
        acknowledged.extend(heads);
    }
    killed.expect("A was killed").join().unwrap();
    assert!(std::net::TcpStream::connect(url_a.trim_start_matches("http://")).is_err(), "A is gone");
    li.url = via_proxy.clone();
    li.sync().await;
    let on_li = li.doc(&id).automerge_mut();
    for h in &acknowledged {
        assert!(on_li.get_change_by_hash(h).is_some(), "acknowledged change {h} lost");
    }
    nginx.kill().unwrap();
    nginx.wait().unwrap();
    b.kill().unwrap();
    b.wait().unwrap();
}

/// The sign-in limit of an address holds across instances: its attempts
/// through either count against one limit, as do an account's failures.
#[tokio::test]
async fn sign_in_limits_count_across_instances() {
    if xuncha_tests::on_postgres() {
        return; // the first pass ran it
    }
    let Some(db) = TestDatabase::create() else { return };
    let limited = |url: String| {
        move |c: &mut xuncha_server::Config| {
            c.database.url = Some(url);
            c.limits.login_attempts_per_address = 4;
        }
    };
    let a = xuncha_tests::TestServer::start_with(limited(db.url.clone())).await;
    let b = xuncha_tests::TestServer::start_with(limited(db.url.clone())).await;
    let http = reqwest::Client::new();
    let attempt = |url: String| {
        let http = http.clone();
        async move {
            let body = serde_json::json!({"username": "nobody", "password": "wrong-password-1"});
            http.post(format!("{url}/api/v1/login")).json(&body).send().await.unwrap().status().as_u16()
        }
    };
    let mut answers = Vec::new();
    for n in 0..5 {
        answers.push(attempt(if n % 2 == 0 { a.url.clone() } else { b.url.clone() }).await);
    }
    assert_eq!(answers, [401, 401, 401, 401, 429], "the fifth attempt of the address, on either instance, waits");
    assert_eq!(attempt(a.url.clone()).await, 429);
    a.stop().await;
    b.stop().await;
}
