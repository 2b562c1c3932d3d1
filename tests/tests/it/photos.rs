//! Photos: resumable content-addressed upload, server-side checks, reads
//! with region checks and ranges.

use reqwest::StatusCode;
use xuncha_core::photo::sha256_hex;
use xuncha_tests::{Api, Device, TestServer};

struct Setup {
    server: TestServer,
    sup: Api,
    dev: Device,
    doc: String,
}

async fn setup() -> Setup {
    let server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-T01", &["wang"]).await;
    let mut dev = Device::enrol(&server.url, "wang").await;
    dev.sync().await;
    Setup { server, sup, dev, doc }
}

/// Records a photo with these bytes in the inspection and syncs it.
async fn record(s: &mut Setup, bytes: &[u8]) -> String {
    let sha = sha256_hex(bytes);
    let photo = xuncha_tests::photo_record(bytes, "wang");
    s.dev.doc(&s.doc).add_photo(&photo).unwrap();
    s.dev.sync().await;
    sha
}

async fn patch(dev: &Device, sha: &str, offset: usize, total: usize, part: &[u8]) -> reqwest::Response {
    dev.http
        .patch(format!("{}/api/v1/blobs/{sha}", dev.url))
        .bearer_auth(&dev.token)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string())
        .header("upload-length", total.to_string())
        .body(part.to_vec())
        .send()
        .await
        .unwrap()
}

async fn offset(dev: &Device, sha: &str) -> (u64, bool) {
    let res = dev.http.head(format!("{}/api/v1/blobs/{sha}", dev.url)).bearer_auth(&dev.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = |n: &str| res.headers().get(n).unwrap().to_str().unwrap().to_owned();
    (h("upload-offset").parse().unwrap(), h("x-upload-complete") == "true")
}

#[tokio::test]
async fn an_interrupted_upload_resumes_at_the_committed_offset_and_reads_support_ranges() {
    let mut s = setup().await;
    let bytes = xuncha_server::cli::demo::demo_photo(7).unwrap();
    let sha = record(&mut s, &bytes).await;
    assert_eq!(offset(&s.dev, &sha).await, (0, false));
    let half = bytes.len() / 2;
    assert_eq!(patch(&s.dev, &sha, 0, bytes.len(), &bytes[..half]).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(offset(&s.dev, &sha).await, (half as u64, false));
    // A part at the wrong offset is refused and changes nothing.
    assert_eq!(patch(&s.dev, &sha, 3, bytes.len(), &bytes[3..half]).await.status(), StatusCode::CONFLICT);
    assert_eq!(offset(&s.dev, &sha).await, (half as u64, false));
    let done = patch(&s.dev, &sha, half, bytes.len(), &bytes[half..]).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    assert_eq!(offset(&s.dev, &sha).await, (bytes.len() as u64, true));
    // Uploading an existing hash again is already complete.
    assert_eq!(patch(&s.dev, &sha, 0, bytes.len(), &bytes).await.status(), StatusCode::NO_CONTENT);

    let url = format!("{}/api/v1/blobs/{sha}", s.server.url);
    let whole = s.sup.http.get(&url).bearer_auth(&s.sup.token).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let part = s.sup.http.get(&url).bearer_auth(&s.sup.token).header("range", "bytes=10-19").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    let total = bytes.len();
    assert_eq!(part.headers()["content-range"], format!("bytes 10-19/{total}").as_str());
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[10..20]);
    let tail = s.sup.http.get(&url).bearer_auth(&s.sup.token).header("range", "bytes=-5").send().await.unwrap();
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &bytes[total - 5..]);
    let past = format!("bytes={total}-");
    let beyond = s.sup.http.get(&url).bearer_auth(&s.sup.token).header("range", past).send().await.unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()["content-range"], format!("bytes */{total}").as_str());
    let thumb = s.sup.http.get(format!("{url}/thumbnail")).bearer_auth(&s.sup.token).send().await.unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert!(thumb.width().max(thumb.height()) <= 320);
    // The score was recomputed when the photo arrived.
    let (_, history) = s.sup.get(&format!("/api/v1/inspections/{}/scores", s.doc)).await;
    assert_eq!(history.as_array().unwrap().last().unwrap()["reason"], "photo_received");
    s.server.stop().await;
}

/// A PNG header claiming `w`×`h` pixels over a few real bytes.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut png = Vec::new();
    image::DynamicImage::new_rgb8(4, 4).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png
}

#[tokio::test]
async fn bombs_non_images_and_wrong_hashes_are_refused_and_nothing_is_kept() {
    let mut s = setup().await;
    for (bytes, why) in [
        (png_claiming(100_000, 100_000), "decompression bomb"),
        (b"GIF89a definitely not a photo".to_vec(), "non-image"),
    ] {
        let sha = record(&mut s, &bytes).await;
        let res = patch(&s.dev, &sha, 0, bytes.len(), &bytes).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "invalid", "{why}");
        assert_eq!(offset(&s.dev, &sha).await, (0, false), "{why}: the upload starts over");
        assert_eq!(s.server.count("SELECT count(*) FROM blobs"), 0, "{why}");
    }
    // Bytes that do not hash to their name.
    let good = xuncha_server::cli::demo::demo_photo(1).unwrap();
    let sha = record(&mut s, &good).await;
    let mut bad = good.clone();
    bad[100] ^= 1;
    assert_eq!(patch(&s.dev, &sha, 0, bad.len(), &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.server.count("SELECT count(*) FROM blobs"), 0);
    // A photo no inspection of the uploader records.
    let stray = sha256_hex(b"stray");
    assert_eq!(patch(&s.dev, &stray, 0, 5, b"stray").await.status(), StatusCode::FORBIDDEN);
    // Over the size limit, by the declared length.
    assert_eq!(patch(&s.dev, &sha, 0, 1 << 30, &good[..10]).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    s.server.stop().await;
}

/// The list's evidence column follows the photo: "not received" while the
/// bytes are missing, gone as soon as the upload completes, with no further
/// sync of the inspection.
#[tokio::test]
async fn the_list_stops_flagging_a_photo_once_its_bytes_arrive() {
    let mut s = setup().await;
    let doc = s.doc.clone();
    let problems = |list: serde_json::Value| {
        let row = list["items"].as_array().unwrap().iter().find(|r| r["doc"] == doc.as_str()).cloned();
        row.map(|r| r["evidence_problems"].as_u64().unwrap())
    };
    let path = "/api/v1/inspections?flag=missing_evidence";
    assert_eq!(problems(s.sup.get(path).await.1), None, "nothing recorded, nothing missing");
    let bytes = xuncha_server::cli::demo::demo_photo(3).unwrap();
    let sha = record(&mut s, &bytes).await;
    assert_eq!(problems(s.sup.get(path).await.1), Some(1), "the photo is recorded, its bytes are not here");
    assert_eq!(patch(&s.dev, &sha, 0, bytes.len(), &bytes).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(problems(s.sup.get(path).await.1), None, "the upload alone clears the flag");
    assert_eq!(problems(s.sup.get("/api/v1/inspections").await.1), Some(0));
}
