//! A device process aborted in the middle of a sync reopens its store intact
//! and finishes the sync.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use xuncha_client::Device;
use xuncha_client::sync::Server;
use xuncha_tests::{PASSWORD, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_device_reopens_intact_and_finishes_its_sync() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-B01", &["wang"]).await;
    let dir = tempfile::tempdir().unwrap();
    {
        let mut dev = Device::open(dir.path()).unwrap();
        let conn = Server::enrol(&mut dev, &server.url, "wang", PASSWORD, "phone").await.unwrap();
        conn.refresh_catalog(&dev).await.unwrap();
        conn.sync(&dev).await.unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_device-under-test"))
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut rounds = 0;
    // Let it run a while, then kill it wherever it is (mostly inside a sync).
    while rounds < 40 {
        line.clear();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("the device process stopped by itself");
        }
        rounds += 1;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let dev = Device::open(dir.path()).unwrap();
    let id = doc.parse().unwrap();
    let before = dev.snapshot(&id).unwrap();
    Server::of(&dev).unwrap().sync(&dev).await.unwrap();
    let after = dev.snapshot(&id).unwrap();
    assert_eq!(before.answers, after.answers, "the store was intact and nothing came back changed");
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    assert_eq!(serde_json::to_value(&after).unwrap(), report["document"], "the sync finished");
    server.stop().await;
}
