//! Bytes on the wire and round trips of Xuncha's sync, beside the same work
//! done (a) by re-uploading the whole inspection as JSON per edit and (b) by
//! Automerge's generic sync protocol over HTTP; and the day's work over a
//! simulated 2G link through the fault-injecting proxy.
//! Run: `cargo bench -p xuncha-tests --bench sync_bytes`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use automerge::AutoCommit;
use automerge::sync::{State, SyncDoc};
use std::time::{Duration, Instant};
use xuncha_client::Device;
use xuncha_client::sync::Server;
use xuncha_core::DocumentId;
use xuncha_core::template::{AnswerSpec, Template, builtin_templates};
use xuncha_tests::proxy::{Faults, Proxy};
use xuncha_tests::{PASSWORD, TestServer};

const ITEMS: usize = 150;
const PHOTOS: usize = 5;

/// The community template grown to 150 items with an extra yes/no section.
fn template_150() -> Template {
    let mut t = builtin_templates().unwrap().into_iter().find(|t| t.id == "community").unwrap();
    t.id = "community-150".into();
    let base = t
        .items()
        .map(|(_, i)| i)
        .find(|i| matches!(i.answer, AnswerSpec::YesNo) && i.points > 0.0 && !i.critical && i.applies_if.is_none())
        .unwrap()
        .clone();
    let mut extra = t.sections[0].clone();
    extra.id = "extra".into();
    let have = t.items().count();
    extra.items = (0..ITEMS - have)
        .map(|n| {
            let mut i = base.clone();
            i.id = format!("extra.{n:03}");
            i
        })
        .collect();
    t.sections.push(extra);
    assert_eq!(t.items().count(), ITEMS);
    t
}

#[derive(Debug, Default, Clone, Copy)]
struct Cost {
    up: u64,
    down: u64,
    trips: u64,
}

impl Cost {
    fn total(self) -> u64 {
        self.up + self.down
    }
}

/// Automerge's generic sync protocol, one HTTP request per message pair:
/// the device keeps its sync state for the session, the stateless server
/// starts each request with a fresh one.
fn generic_sync(server: &mut AutoCommit, device: &mut AutoCommit) -> Cost {
    let mut cost = Cost::default();
    let mut device_state = State::new();
    for _ in 0..20 {
        let Some(msg) = device.sync().generate_sync_message(&mut device_state) else { break };
        cost.up += msg.clone().encode().len() as u64;
        cost.trips += 1;
        let mut server_state = State::new();
        server.sync().receive_sync_message(&mut server_state, msg).unwrap();
        if let Some(reply) = server.sync().generate_sync_message(&mut server_state) {
            cost.down += reply.clone().encode().len() as u64;
            device.sync().receive_sync_message(&mut device_state, reply).unwrap();
        }
    }
    cost
}

fn json_size(device: &Device, id: &DocumentId) -> u64 {
    serde_json::to_vec(&device.snapshot(id).unwrap()).unwrap().len() as u64
}

fn automerge_of(device: &Device, id: &DocumentId) -> AutoCommit {
    let stored = device.store().load_doc(id).unwrap().unwrap();
    let mut d = AutoCommit::load(&stored.snapshot).unwrap();
    for c in &stored.changes {
        d.load_incremental(c).unwrap();
    }
    d
}

struct Work {
    /// Seconds the sync itself took.
    seconds: f64,
    ours: Cost,
    json: Cost,
    generic: Cost,
    /// `save()` of the documents plus the photos and thumbnails as stored.
    save_plus_photos: u64,
    thumbnails: u64,
}

/// Fills `count` inspections (every item answered, 5 photos each), syncing once at the end.
async fn inspections(device: &Device, conn: &Server, t: &Template, count: usize, seed: u8) -> Work {
    let centre: xuncha_core::Centre =
        serde_json::from_str(&device.store().centre("130102-C01").unwrap().unwrap()).unwrap();
    let (mut json, mut generic, mut save_plus_photos, mut thumbnails) = (Cost::default(), Cost::default(), 0, 0);
    let mut ids = Vec::new();
    for n in 0..count {
        let now = 1_790_000_000_000 + (n as i64) * 3_600_000;
        let id = device.start_inspection(&centre, t, now).unwrap();
        let mut photo_bytes = 0;
        for (k, (_, item)) in t.items().enumerate() {
            if let Some(answer) = xuncha_server::cli::demo::plausible_answer(item, false) {
                device.set_answer(&id, &item.id, answer, now + k as i64).unwrap();
                json.up += json_size(device, &id);
                json.trips += 1;
            }
        }
        for p in 0..PHOTOS {
            let bytes = xuncha_server::cli::demo::demo_photo(seed.wrapping_add((n * PHOTOS + p) as u8)).unwrap();
            let rec = device.add_photo(&id, None, &bytes, None, now + 1000).unwrap();
            photo_bytes += rec.bytes;
            let thumb = device.store().photo_bytes(&rec.sha256, true).unwrap().unwrap().len() as u64;
            thumbnails += thumb;
            photo_bytes += thumb;
            // A whole submission carries its photos (base64) with every upload after they are taken.
            json.up += json_size(device, &id) + rec.bytes * 4 / 3;
            json.trips += 1;
        }
        let mut doc = automerge_of(device, &id);
        save_plus_photos += doc.save().len() as u64 + photo_bytes;
        let g = generic_sync(&mut AutoCommit::new(), &mut doc);
        generic.up += g.up + photo_bytes;
        generic.down += g.down;
        generic.trips += g.trips + PHOTOS as u64;
        ids.push(id);
    }
    let before = conn.stats.snapshot();
    let t0 = Instant::now();
    conn.sync(device).await.unwrap();
    let seconds = t0.elapsed().as_secs_f64();
    let after = conn.stats.snapshot();
    let ours = Cost { up: after.0 - before.0, down: after.1 - before.1, trips: after.2 - before.2 };
    Work { seconds, ours, json, generic, save_plus_photos, thumbnails }
}

fn row(what: &str, ours: Cost, json: Cost, generic: Cost) {
    println!(
        "| {what} | {} up / {} down | {} | {} | {:.1}× | {:.1}× |",
        ours.up,
        ours.down,
        ours.trips,
        ours.total(),
        json.total() as f64 / ours.total().max(1) as f64,
        generic.total() as f64 / ours.total().max(1) as f64,
    );
}

async fn enrol(url: &str, dir: &std::path::Path) -> (Device, Server) {
    let mut dev = Device::open(dir).unwrap();
    let conn = Server::enrol(&mut dev, url, "wang", PASSWORD, "phone").await.unwrap();
    conn.refresh_catalog(&dev).await.unwrap();
    conn.sync(&dev).await.unwrap();
    (dev, conn)
}

async fn run(full: bool) {
    let server = TestServer::start().await;
    server.seed();
    let t = template_150();
    server.state.catalog.templates().insert(t.clone());
    let proxy = Proxy::start(server.url.trim_start_matches("http://")).await;
    let dir = tempfile::tempdir().unwrap();
    let (dev, conn) = enrol(&proxy.url, dir.path()).await;

    // One changed answer in an inspection the server already has.
    let first = inspections(&dev, &conn, &t, 1, 0).await;
    let id = dev.store().docs().unwrap()[0].doc;
    let mut server_copy = automerge_of(&dev, &id);
    let item = t.items().find(|(_, i)| i.id.starts_with("extra.")).unwrap().1.id.clone();
    dev.set_answer(&id, &item, xuncha_core::document::Answer::YesNo(false), 1_800_000_000_000).unwrap();
    let before = conn.stats.snapshot();
    let wire_before = proxy.bytes();
    conn.sync(&dev).await.unwrap();
    let after = conn.stats.snapshot();
    let wire_after = proxy.bytes();
    let one = Cost { up: after.0 - before.0, down: after.1 - before.1, trips: after.2 - before.2 };
    let one_json = Cost { up: json_size(&dev, &id), down: 0, trips: 1 };
    let one_generic = generic_sync(&mut server_copy, &mut automerge_of(&dev, &id));

    println!("sync_bytes: bodies as sent (gzip where used); HTTP headers excluded (shown below)");
    println!("| work | Xuncha bytes | round trips | total | whole-JSON per edit | Automerge generic sync |");
    println!("|---|---|---|---|---|---|");
    row("one changed answer", one, one_json, one_generic);
    row(&format!("first upload: {ITEMS} items, {PHOTOS} photos"), first.ours, first.json, first.generic);
    println!(
        "  one answer with HTTP headers: {} B up, {} B down; first upload / (save() + photos and their thumbnails) = {:.3} (thumbnails {} B)",
        wire_after.0 - wire_before.0,
        wire_after.1 - wire_before.1,
        first.ours.up as f64 / first.save_plus_photos as f64,
        first.thumbnails
    );

    // A day's work: 8 inspections over a 2G link (40 kbit/s, 800 ms round trip).
    let days = if full { 8 } else { 1 };
    // Time runs ten times faster than on a real link: bandwidth ×10, latency ÷10, so the
    // efficiency (a ratio of times) is that of the real link.
    let scale = 10.0;
    let bps = (40_000.0 / 8.0 * scale) as u64;
    let dir2 = tempfile::tempdir().unwrap();
    let (dev2, conn2) = enrol(&proxy.url, dir2.path()).await;
    proxy.set(Faults { latency: Duration::from_secs_f64(0.4 / scale), bytes_per_sec: Some(bps), ..Faults::default() });
    let wire0 = proxy.bytes();
    let day = inspections(&dev2, &conn2, &t, days, 100).await;
    let elapsed = day.seconds;
    proxy.clear();
    let wire = (proxy.bytes().0 - wire0.0, proxy.bytes().1 - wire0.1);
    row(&format!("a day's work: {days} inspections"), day.ours, day.json, day.generic);
    let needed = wire.0.max(wire.1) as f64 / bps as f64;
    println!(
        "  2G link (40 kbit/s, 800 ms RTT, simulated at ×{scale}): {} B up, {} B down on the wire; \
         {:.1} s taken (×{scale} = {:.0} s real), bytes need {:.1} s: efficiency {:.0}%",
        wire.0,
        wire.1,
        elapsed,
        elapsed * scale,
        needed,
        100.0 * needed / elapsed
    );
    server.stop().await;
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(full));
}
