//! The server process killed with SIGKILL in the middle of a stream of
//! syncs, then restarted on the same data: every acknowledged change is there.

use automerge::{AutoCommit, ChangeHash, ReadDoc};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use xuncha_core::document::Answer;
use xuncha_core::sync::{DocPush, Heads, SYNC_PROTOCOL, SyncRequest};
use xuncha_core::template::AnswerSpec;
use xuncha_tests::Device;

const BIN: &str = env!("CARGO_BIN_EXE_server-under-test");

fn start(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["--data-dir", dir.to_str().unwrap(), "serve", "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on ").expect("the server prints its address").to_owned();
    (child, format!("http://{addr}"))
}

#[tokio::test]
async fn every_acknowledged_change_survives_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = Command::new(BIN)
        .args(["--data-dir", dir.path().to_str().unwrap(), "demo"])
        .env("RUST_LOG", "warn")
        .status()
        .unwrap();
    assert!(seeded.success());
    let (mut server, url) = start(dir.path());
    let mut dev = Device::enrol_with(&url, "insp-wang", xuncha_server::cli::demo::PASSWORD).await;
    dev.sync().await;
    let (id, local) = dev.docs.iter_mut().next().unwrap();
    let id = *id;
    let tref = local.doc.snapshot().unwrap().template;
    let template = dev.template(&tref).await;
    let items: Vec<String> = template
        .items()
        .filter(|(_, i)| matches!(i.answer, AnswerSpec::Scale { .. }))
        .map(|(_, i)| i.id.clone())
        .collect();

    let killer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
    });
    let mut acknowledged: Vec<ChangeHash> = Vec::new();
    let mut rounds = 0;
    for n in 0.. {
        let item = &items[n % items.len()];
        dev.answer(&id.to_string(), &template, item, Answer::Scale(i64::try_from(n % 3).unwrap() + 1));
        let heads = dev.doc(&id.to_string()).automerge_mut().get_heads();
        match dev.try_sync().await {
            Ok(_) => {
                acknowledged.extend(heads);
                rounds += 1;
            }
            Err(_) => break,
        }
    }
    killer.await.unwrap();
    assert!(rounds > 5, "the stream ran before the kill ({rounds} rounds)");

    let (mut server, url) = start(dir.path());
    dev.url = url;
    let ask = DocPush { doc: id, client_heads: Heads::default(), ack_heads: Heads::default(), changes: Vec::new() };
    let res = dev.send(&SyncRequest { protocol: SYNC_PROTOCOL, cursor: 0, docs: vec![ask] }).await;
    let on_server = AutoCommit::load(&res.docs[0].changes).unwrap();
    for h in &acknowledged {
        assert!(on_server.get_change_by_hash(h).is_some(), "acknowledged change {h} lost");
    }
    assert!(on_server.get(automerge::ROOT, "answers").unwrap().is_some());
    server.kill().unwrap();
    server.wait().unwrap();
    eprintln!("{rounds} acknowledged rounds before SIGKILL; all present after restart");
}
