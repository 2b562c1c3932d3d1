//! Syncs cut at random points through the fault-injecting proxy always
//! resume and converge: no lost change, no duplicated change, no duplicated photo.

use rand::{Rng, SeedableRng};
use xuncha_client::Device;
use xuncha_client::sync::Server;
use xuncha_core::document::Answer;
use xuncha_core::template::AnswerSpec;
use xuncha_tests::proxy::{Faults, Proxy};
use xuncha_tests::{PASSWORD, TestServer};

/// Runs in the suite; `XUNCHA_LONG=1` runs ten times as many.
fn runs() -> usize {
    if std::env::var("XUNCHA_LONG").is_ok() { 3000 } else { 300 }
}

#[tokio::test]
async fn syncs_cut_at_random_points_resume_and_converge() {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-T01", &["wang"]).await;
    let proxy = Proxy::start(server.url.trim_start_matches("http://")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut dev = Device::open(dir.path()).unwrap();
    let conn = Server::enrol(&mut dev, &proxy.url, "wang", PASSWORD, "phone").await.unwrap();
    conn.refresh_catalog(&dev).await.unwrap();
    conn.sync(&dev).await.unwrap();
    let id = doc.parse().unwrap();
    let t = dev.template(&dev.store().docs().unwrap()[0].template).unwrap();
    let items: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();

    let mut rng = rand::rngs::StdRng::seed_from_u64(20261125);
    let (mut cut_rounds, mut photos) = (0, 0);
    for run in 0..runs() {
        for _ in 0..rng.random_range(1..4) {
            let item = &items[rng.random_range(0..items.len())];
            dev.set_answer(&id, item, Answer::YesNo(rng.random_bool(0.5)), xuncha_server::now_ms()).unwrap();
        }
        if run % 25 == 0 {
            let bytes = xuncha_server::cli::demo::demo_photo(u8::try_from((run / 25) % 250).unwrap()).unwrap();
            dev.add_photo(&id, None, &bytes, None, xuncha_server::now_ms()).unwrap();
            photos += 1;
        }
        proxy.set(Faults {
            cut_after: Some(rng.random_range(50..4_000)),
            reset: rng.random_bool(0.5),
            ..Faults::default()
        });
        if conn.sync(&dev).await.is_err() {
            cut_rounds += 1;
        }
        if rng.random_bool(0.3) {
            proxy.clear();
            conn.sync(&dev).await.unwrap();
        }
    }
    proxy.clear();
    conn.sync(&dev).await.unwrap();

    let device_changes = dev.store().load_doc(&id).unwrap().map(|_| ()).is_some();
    assert!(device_changes);
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    let snap = dev.snapshot(&id).unwrap();
    assert_eq!(serde_json::to_value(&snap).unwrap(), report["document"], "no lost change");
    // Every change stored once: the server's count of new changes equals the document's changes.
    let mut copy = automerge::AutoCommit::load(&dev.store().load_doc(&id).unwrap().unwrap().snapshot).unwrap();
    for c in dev.store().load_doc(&id).unwrap().unwrap().changes {
        copy.load_incremental(&c).unwrap();
    }
    let total = copy.get_changes(&[]).len() as i64;
    assert_eq!(server.count("SELECT change_count FROM documents"), total, "no duplicated change");
    assert_eq!(server.count("SELECT count(*) FROM blobs"), 2 * photos, "every photo and thumbnail once");
    assert!(dev.store().pending_photos().unwrap().is_empty());
    assert!(dev.store().failed_photos().unwrap().is_empty(), "no photo was refused");
    assert!(cut_rounds > runs() / 4, "the faults did cut syncs ({cut_rounds})");
    eprintln!("{} runs, {cut_rounds} syncs cut, {photos} photos, {total} changes", runs());
    server.stop().await;
}

#[tokio::test]
async fn a_photo_upload_cut_at_half_resumes_and_resends_at_most_one_chunk() {
    let server = TestServer::start().await;
    server.seed();
    let doc = server.api("sup-a").await.assign("130102-V01", &["li"]).await;
    let proxy = Proxy::start(server.url.trim_start_matches("http://")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut dev = Device::open(dir.path()).unwrap();
    let mut conn = Server::enrol(&mut dev, &proxy.url, "li", PASSWORD, "tablet").await.unwrap();
    conn.photo_chunk = 32 * 1024;
    conn.refresh_catalog(&dev).await.unwrap();
    conn.sync(&dev).await.unwrap();
    // A noisy photo compresses badly: several chunks.
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let img = image::RgbImage::from_fn(1600, 1200, |_, _| image::Rgb([rng.random(), rng.random(), rng.random()]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let photo = dev.add_photo(&doc.parse().unwrap(), None, &png, None, xuncha_server::now_ms()).unwrap();
    assert!(photo.bytes > 8 * 32 * 1024, "the photo spans many chunks ({} bytes)", photo.bytes);
    conn.sync_documents(&dev).await.unwrap();

    let size = photo.bytes;
    let chunk = conn.photo_chunk as u64;
    let (up0, _) = proxy.bytes();
    proxy.set(Faults { cut_after: Some(size / 2), reset: true, ..Faults::default() });
    assert!(conn.upload_photos(&dev).await.is_err(), "the upload is cut");
    let pending = dev.store().pending_photos().unwrap();
    assert!(pending[0].uploaded > 0 && pending[0].uploaded <= size / 2, "committed {} of {size}", pending[0].uploaded);
    proxy.clear();
    conn.upload_photos(&dev).await.unwrap();
    assert!(dev.store().pending_photos().unwrap().is_empty());
    let (up1, _) = proxy.bytes();
    // HTTP headers of every request, generously.
    let requests = size / chunk + 6;
    let overhead = 600 * requests;
    let sent = up1 - up0;
    assert!(sent <= size + chunk + overhead, "sent {sent} bytes for a {size}-byte photo ({chunk}-byte chunks)");
    let on_server = std::fs::read(server.photo_dir.join(&photo.sha256[..2]).join(&photo.sha256)).unwrap();
    assert_eq!(xuncha_core::photo::sha256_hex(&on_server), photo.sha256);
    server.stop().await;
}

#[tokio::test]
async fn the_background_sync_backs_off_while_offline_and_catches_up() {
    use std::sync::Arc;
    use std::time::Duration;
    use xuncha_client::sync::{Backoff, SyncState, spawn_background};
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-V02", &["wang"]).await;
    let proxy = Proxy::start(server.url.trim_start_matches("http://")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut dev = Device::open(dir.path()).unwrap();
    let conn = Server::enrol(&mut dev, &proxy.url, "wang", PASSWORD, "phone").await.unwrap();
    conn.refresh_catalog(&dev).await.unwrap();
    let dev = Arc::new(dev);
    proxy.set(Faults { link_down: true, ..Faults::default() });
    let handle = spawn_background(
        dev.clone(),
        conn,
        Duration::from_secs(3600),
        Backoff::new(Duration::from_millis(50), Duration::from_millis(400)),
    );
    let mut state = handle.state.clone();
    let deadline = Duration::from_secs(20);
    macro_rules! wait {
        ($what:pat) => {
            tokio::time::timeout(deadline, state.wait_for(|s| matches!(s, $what)))
                .await
                .unwrap_or_else(|_| {
                    panic!("waited for {} in vain; state {:?}", stringify!($what), *handle.state.borrow())
                })
                .unwrap()
                .clone()
        };
    }
    let offline = wait!(SyncState::Offline { .. });
    assert!(matches!(offline, SyncState::Offline { retry_in_ms, .. } if retry_in_ms <= 400));
    // Retries keep failing while the link is down, each a little later (capped).
    let _ = wait!(SyncState::Syncing { .. });
    let _ = wait!(SyncState::Offline { .. });
    proxy.clear();
    handle.sync_now();
    let _ = wait!(SyncState::UpToDate { .. });
    assert_eq!(dev.store().docs().unwrap().len(), 1, "the assignment arrived once the link came back");
    let views = dev.assignments_view().unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].assignment.doc.to_string(), doc);
    assert_eq!(views[0].centre_name.as_deref(), Some("南村镇南村综合服务站"));
    assert_eq!(views[0].sync.as_ref().map(|s| s.unsynced), Some(false));
    server.stop().await;
}
