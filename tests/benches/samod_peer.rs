//! A peer beside ours: the same one-change edits to the same documents
//! through samod 0.16 (the Rust automerge-repo server, same automerge) with
//! its own filesystem storage, in the same run as Xuncha's SQLite server,
//! and the ratios printed: edits/s, p99 and server memory per loaded
//! document. Each of the 200 devices is its own samod repo with its own
//! websocket, as a phone would be; samod's server takes every connection's
//! documents only when asked (no announcing), as automerge-repo sync
//! servers are set up. Latency runs from the edit's due time to the
//! server's write of that change returning.
//! Run: `cargo bench -p xuncha-tests --bench samod_peer` (a short smoke pass under `cargo test`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use automerge::{Automerge, Change, ChangeHash};
use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt};
use samod::storage::{Storage, StorageKey, TokioFilesystemStorage};
use samod::{BackoffConfig, DialError, Dialer, DocHandle, DocumentId, Repo, ShareConfig, Transport};
use samod_core::CompactionHash;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::{self, Message};
use xuncha_tests::TestServer;
use xuncha_tests::load::{Edits, LoadPlan, LoadResult, answered_doc, devices, drive, open_loop, prepare, rss_kib};

const DEFAULT_RATE: f64 = 1_000.0;
/// Below samod's saturation on this machine (about 210 edits/s with 200 connections).
const GENTLE_RATE: f64 = 150.0;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let bench = std::env::args().any(|a| a == "--bench");
    // Memory is measured in a process of its own per server: memory one
    // frees stays with the process and would hide what the next grows by.
    if let Some(which) = std::env::args().skip_while(|a| a != "--memory").nth(1) {
        let n = if bench { 5_000 } else { 100 };
        let per_doc = rt.block_on(async {
            match which.as_str() {
                "samod" => samod_memory(n).await,
                _ => xuncha_tests::load::held(n, n, true).await.0,
            }
        });
        println!("{per_doc:.2}");
        return;
    }
    let plan = LoadPlan::from_args(DEFAULT_RATE);
    // The offered rate compares throughput; a rate samod sustains compares latency.
    let gentle = LoadPlan { rate: plan.rate.min(GENTLE_RATE), ..plan };
    for plan in if bench { vec![plan, gentle] } else { vec![plan] } {
        let (ours, edits) = rt.block_on(xuncha(plan));
        let peer = rt.block_on(samod_load(plan, edits));
        println!(
            "samod_peer: {} devices, one-change edits to one village inspection each, {:.0} edits/s offered, {:.1} s measured after {:.1} s warm-up",
            plan.devices,
            plan.rate,
            plan.measure.as_secs_f64(),
            plan.warmup.as_secs_f64()
        );
        println!("xuncha (SQLite WAL, synchronous=FULL; each answer after its commit):");
        ours.print();
        println!("samod 0.16 (TokioFilesystemStorage: a plain file write, no fsync; latency to the write's return):");
        peer.print();
        println!(
            "ratio: edits/s xuncha / samod {:.2}; p99 samod / xuncha {:.2}",
            ours.per_second / peer.per_second.max(f64::MIN_POSITIVE),
            peer.p99_ms / ours.p99_ms.max(f64::MIN_POSITIVE),
        );
    }
    let (ours_mem, peer_mem) = (memory("xuncha", bench), memory("samod", bench));
    println!(
        "memory per loaded document: xuncha {ours_mem:.1} KiB, samod {peer_mem:.1} KiB (ratio xuncha / samod {:.2}; samod never unloads one, xuncha keeps 512 by default)",
        ours_mem / peer_mem.max(f64::MIN_POSITIVE)
    );
}

/// Xuncha's server under the plan, and the edits it was sent.
async fn xuncha(plan: LoadPlan) -> (LoadResult, Vec<Edits>) {
    let server = TestServer::start().await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    let devices = devices(&server, std::slice::from_ref(&server.url), plan.devices).await;
    let (mut rounds, mut edits) = (Vec::new(), Vec::new());
    for (device, bodies, e) in prepare(devices, plan.rounds()) {
        rounds.push((device, bodies));
        edits.push(e);
    }
    let result = drive(plan, rounds).await;
    server.stop().await;
    (result, edits)
}

/// The memory per loaded document one server grows by, from a child process.
fn memory(which: &str, bench: bool) -> f64 {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--memory", which]);
    if bench {
        cmd.arg("--bench");
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{which}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().last().and_then(|l| l.trim().parse().ok()).unwrap()
}

/// samod's own filesystem storage, telling when the write of a key has returned.
#[derive(Clone)]
struct Watched {
    fs: TokioFilesystemStorage,
    done: Arc<Mutex<Done>>,
}

#[derive(Default)]
struct Done {
    written: HashSet<StorageKey>,
    waiting: HashMap<StorageKey, Arc<tokio::sync::Notify>>,
}

impl Storage for Watched {
    fn load(&self, key: StorageKey) -> impl Future<Output = Option<Vec<u8>>> + Send {
        let fs = self.fs.clone();
        async move { fs.load(key).await }
    }

    fn load_range(&self, prefix: StorageKey) -> impl Future<Output = HashMap<StorageKey, Vec<u8>>> + Send {
        let fs = self.fs.clone();
        async move { fs.load_range(prefix).await }
    }

    fn put(&self, key: StorageKey, data: Vec<u8>) -> impl Future<Output = ()> + Send {
        let (fs, done) = (self.fs.clone(), self.done.clone());
        async move {
            fs.put(key.clone(), data).await;
            let mut d = done.lock().unwrap();
            match d.waiting.remove(&key) {
                Some(n) => n.notify_one(),
                None => {
                    d.written.insert(key);
                }
            }
        }
    }

    fn delete(&self, key: StorageKey) -> impl Future<Output = ()> + Send {
        let fs = self.fs.clone();
        async move { fs.delete(key).await }
    }
}

impl Watched {
    /// Until change `h` of `id` is written: as an incremental, or in the
    /// snapshot samod compacts to in the same step (keyed by the heads,
    /// `[h]` in a document one device writes).
    async fn written(&self, id: &DocumentId, h: ChangeHash) {
        let keys = [StorageKey::incremental_path(id, h), StorageKey::snapshot_path(id, &CompactionHash::new(&[h]))];
        let notify = Arc::new(tokio::sync::Notify::new());
        {
            let mut d = self.done.lock().unwrap();
            if keys.iter().any(|k| d.written.remove(k)) {
                return;
            }
            for k in &keys {
                d.waiting.insert(k.clone(), notify.clone());
            }
        }
        tokio::time::timeout(Duration::from_secs(60), notify.notified()).await.expect("samod writes each change");
        let mut d = self.done.lock().unwrap();
        for k in &keys {
            d.waiting.remove(k);
            d.written.remove(k);
        }
    }
}

/// A websocket to samod's server on the tungstenite axum uses, Nagle off
/// (as our devices' HTTP client), no TLS on loopback.
struct WsDialer(samod::Url);

impl Dialer for WsDialer {
    type Error = tungstenite::Error;

    fn url(&self) -> samod::Url {
        self.0.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let url = self.0.to_string();
        Box::pin(async move {
            let (ws, _) =
                tokio_tungstenite::connect_async_with_config(url, None, true).await.map_err(DialError::transient)?;
            let (sink, stream) = ws.split();
            let stream = stream.filter_map(|m| async move {
                match m {
                    Ok(Message::Binary(b)) => Some(Ok(b.to_vec())),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            });
            let sink = sink.with(|b: Vec<u8>| async move { Ok::<_, tungstenite::Error>(Message::Binary(b.into())) });
            Ok(Transport::new(Box::pin(stream), Box::pin(sink)))
        })
    }
}

/// samod's server on a port of its own, storing in `dir`.
async fn samod_server(dir: &std::path::Path) -> (Repo, Watched, samod::Url, tokio::task::JoinHandle<()>) {
    let storage = Watched { fs: TokioFilesystemStorage::new(dir), done: Arc::default() };
    let repo = Repo::build_tokio()
        .with_storage(storage.clone())
        .with_peer_id("server".into())
        .with_share_policy(ShareConfig::read_write().with_announce(false))
        .load()
        .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: samod::Url = format!("ws://{}/", listener.local_addr().unwrap()).parse().unwrap();
    let acceptor = repo.make_acceptor(url.clone()).unwrap();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move |ws: axum::extract::ws::WebSocketUpgrade| {
            let acceptor = acceptor.clone();
            async move {
                ws.on_upgrade(move |socket| async move {
                    acceptor.accept_axum(socket, None).unwrap();
                })
            }
        }),
    );
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|s| {
        let _ = s.set_nodelay(true);
    });
    let http = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (repo, storage, url, http)
}

/// One device: its own repo and websocket, its document created from the
/// bytes our server first stored and held by samod's server.
async fn samod_device(url: &samod::Url, server: &Repo, initial: &[u8]) -> (Repo, DocHandle) {
    let repo = Repo::build_tokio().load().await;
    let dialer = repo.dial(BackoffConfig::default(), Arc::new(WsDialer(url.clone()))).unwrap();
    dialer.established().await.unwrap();
    let conn = dialer.connection_id().unwrap();
    let handle = repo.create(Automerge::load(initial).unwrap()).await.unwrap();
    handle.they_have_our_changes(conn).await;
    server.find(handle.document_id().clone()).await.unwrap().expect("the server holds it");
    (repo, handle)
}

async fn samod_load(plan: LoadPlan, edits: Vec<Edits>) -> LoadResult {
    let dir = tempfile::tempdir().unwrap();
    let (server, storage, url, http) = samod_server(dir.path()).await;
    let mut clients = Vec::new();
    for e in &edits {
        clients.push(samod_device(&url, &server, &e.initial).await);
    }
    let devices = clients
        .iter()
        .zip(edits)
        .map(|((_, handle), e)| {
            let changes: Vec<Change> = e.changes.iter().map(|c| Change::from_bytes(c.clone()).unwrap()).collect();
            ((handle.clone(), storage.clone()), changes)
        })
        .collect();
    // The same open loop as our generator; a round ends when samod's write of it returns.
    let result = open_loop(plan, devices, |(handle, storage): &(DocHandle, Watched), change: Change| {
        Box::pin(async move {
            let h = change.hash();
            handle.with_document(|d| d.apply_changes([change]).unwrap());
            storage.written(handle.document_id(), h).await;
        })
    })
    .await;
    for (repo, _) in clients {
        repo.stop().await;
    }
    server.stop().await;
    http.abort();
    result
}

/// samod's memory per loaded document: `n` fully answered inspections in
/// its storage, each found (loaded) by a server with no connections.
async fn samod_memory(n: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let fs = TokioFilesystemStorage::new(dir.path());
    let (bytes, heads, _) = answered_doc();
    let mut rng = rand::rng();
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let id = DocumentId::new(&mut rng);
        fs.put(StorageKey::snapshot_path(&id, &CompactionHash::new(&heads)), bytes.clone()).await;
        ids.push(id);
    }
    let repo = Repo::build_tokio().with_storage(fs).load().await;
    let before = rss_kib();
    let mut held = Vec::with_capacity(n);
    for id in ids {
        held.push(repo.find(id).await.unwrap().expect("stored"));
    }
    let per_doc = (rss_kib() - before).max(0.0) / n as f64;
    drop(held);
    repo.stop().await;
    per_doc
}
