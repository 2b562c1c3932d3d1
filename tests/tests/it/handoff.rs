//! The hand-off on site between two real client devices on loopback with
//! the server stopped: wang offers, li joins with the code; they exchange
//! their shared inspection and converge. A wrong code, an expired
//! certificate, a device of another server and a forged change (checked
//! directly, and sent over the wire by a hostile peer with a real
//! certificate) are refused and store nothing. Then both sync with the server: nothing duplicated,
//! each one's relayed changes accepted, the official score equal to the
//! provisional one on both devices.

use std::net::SocketAddr;
use std::time::Duration;
use xuncha_client::Device;
use xuncha_client::device::PeerWriter;
use xuncha_client::handoff::{HandoffError, HandoffReport, Offer, join, parse_link};
use xuncha_client::sync::Server;
use xuncha_core::DocumentId;
use xuncha_core::certificate::{CertificateBody, DeviceCertificate};
use xuncha_core::document::{Answer, FixSource, GpsFix};
use xuncha_core::evidence::{Signer, SignerKeys, SigningKey};
use xuncha_core::template::AnswerSpec;
use xuncha_tests::{PASSWORD, TestServer};

const LOOPBACK: &str = "127.0.0.1:0";

async fn enrolled(server: &TestServer, user: &str, name: &str) -> (tempfile::TempDir, Device, Server) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Device::open(dir.path()).unwrap();
    let conn = Server::enrol(&mut d, &server.url, user, PASSWORD, name).await.unwrap();
    conn.refresh_catalog(&d).await.unwrap();
    conn.sync(&d).await.unwrap();
    (dir, d, conn)
}

fn fix(by: &str) -> GpsFix {
    GpsFix {
        lat: 38.0432,
        lon: 114.5146,
        accuracy_m: 6.0,
        source: FixSource::Gnss,
        at: xuncha_server::now_ms(),
        mock: Some(false),
        by: by.into(),
        signature: None,
    }
}

/// Offers on `a` and joins from `b` with `code` (the offer's own when None).
async fn hand_off(
    a: &Device,
    b: &Device,
    code: Option<&str>,
) -> (
    Result<xuncha_client::handoff::HandoffReport, HandoffError>,
    Result<xuncha_client::handoff::HandoffReport, HandoffError>,
) {
    let offer = Offer::open(LOOPBACK.parse().unwrap()).await.unwrap();
    let (addr, real) = parse_link(&offer.link()).unwrap();
    assert_eq!(addr, offer.addr);
    let code = code.unwrap_or(&real).to_owned();
    tokio::join!(offer.accept(a, Duration::from_secs(10)), join(b, addr, &code))
}

#[tokio::test]
async fn two_devices_hand_off_offline_then_sync_without_duplicates() {
    let mut server = TestServer::start().await;
    server.seed();
    let sup = server.api("sup-a").await;
    let doc = sup.assign("130102-C01", &["wang", "li"]).await;
    let id: DocumentId = doc.parse().unwrap();
    let (_da, a, conn_a) = enrolled(&server, "wang", "王的手机").await;
    let (_db, b, conn_b) = enrolled(&server, "li", "李的平板").await;
    let t = a.template(&a.store().docs().unwrap()[0].template).unwrap();
    let items: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();

    // No signal at the village: the server is unreachable from here on.
    server.pause().await;
    let now = xuncha_server::now_ms();
    a.set_answer(&id, &items[0], Answer::YesNo(true), now).unwrap();
    a.add_gps_fix(&id, &fix("wang"), now).unwrap();
    b.set_answer(&id, &items[1], Answer::YesNo(false), now).unwrap();
    b.add_gps_fix(&id, &fix("li"), now).unwrap();

    // A wrong code: both sides refuse, nothing is exchanged.
    let heads = (a.heads(&id).unwrap(), b.heads(&id).unwrap());
    let (offered, joined) = hand_off(&a, &b, Some("0000-0001")).await;
    assert!(matches!(offered, Err(HandoffError::WrongCode)), "{offered:?}");
    assert!(joined.is_err());
    assert_eq!((a.heads(&id).unwrap(), b.heads(&id).unwrap()), heads, "nothing stored");

    // The right code: one inspection exchanged both ways.
    let (offered, joined) = hand_off(&a, &b, None).await;
    let (offered, joined) = (offered.unwrap(), joined.unwrap());
    assert_eq!((offered.peer.username.as_str(), joined.peer.username.as_str()), ("li", "wang"));
    assert_eq!(offered.docs.len(), 1);
    assert_eq!((offered.docs[0].doc, offered.docs[0].refused.as_deref()), (id, None));
    assert!(offered.docs[0].sent >= 2 && offered.docs[0].received >= 2, "{offered:?}");
    assert_eq!(offered.docs[0].received, joined.docs[0].sent);
    let (sa, sb) = (a.snapshot(&id).unwrap(), b.snapshot(&id).unwrap());
    assert_eq!(sa, sb, "both phones hold the same inspection");
    assert_eq!((sa.answers.len(), sa.gps_fixes.len()), (2, 2));
    assert!(sa.gps_fixes.iter().all(|f| f.signature.is_some()), "each fix signed by its device");
    // Again: nothing new either way.
    let (again, _) = hand_off(&a, &b, None).await;
    assert_eq!((again.as_ref().unwrap().docs[0].sent, again.unwrap().docs[0].received), (0, 0));

    // A forged change from li's phone (moving wang's position) is refused as the server would.
    let forged = {
        let mut d = xuncha_core::document::InspectionDoc::load(
            &b.store().load_doc(&id).unwrap().unwrap().snapshot,
            li_actor(&b),
        )
        .unwrap();
        for c in b.store().load_doc(&id).unwrap().unwrap().changes {
            d.automerge_mut().load_incremental(&c).unwrap();
        }
        let before = d.automerge_mut().get_heads();
        let am = d.automerge_mut();
        use automerge::ReadDoc;
        use automerge::transaction::Transactable;
        let (_, list) = am.get(automerge::ROOT, "gps").unwrap().unwrap();
        let wangs = (0..am.length(&list))
            .find(|i| {
                let (_, f) = am.get(&list, *i).unwrap().unwrap();
                matches!(am.get(&f, "by").unwrap(), Some((automerge::Value::Scalar(s), _)) if s.as_str() == Some("wang"))
            })
            .unwrap();
        let (_, f) = am.get(&list, wangs).unwrap().unwrap();
        am.put(&f, "lat", 38.05).unwrap();
        am.commit();
        am.save_after(&before)
    };
    let cert = certificate_of(&b);
    let li_keys = CertKeys(cert.clone());
    let actors = cert.actor_ids().unwrap();
    let peer = PeerWriter { username: "li", actors: &actors, keys: &li_keys };
    let before = a.heads(&id).unwrap();
    let refused = a.merge_from_peer(&id, &forged, &peer, now).unwrap().unwrap_err();
    assert!(refused.starts_with("other_user"), "{refused}");
    assert_eq!(a.heads(&id).unwrap(), before, "nothing of it stored");

    // The same forged change sent over the wire by a hostile peer holding
    // li's real certificate and key: wang's phone refuses it and stores nothing.
    let report = hostile_join(&a, &b, &id, forged.clone()).await;
    assert_eq!(report.docs.len(), 1, "{report:?}");
    assert!(report.docs[0].refused.as_deref().is_some_and(|r| r.starts_with("other_user")), "{report:?}");
    assert_eq!(a.heads(&id).unwrap(), before, "nothing of it stored");

    // An expired certificate (li's phone has not synced for too long).
    let server_key = server.state.store.server_signing_key(&[0; 32], 0).unwrap();
    let expired = CertificateBody { issued_at: 1, expires_at: now - 1, ..cert.clone() };
    let stale = DeviceCertificate::issue(&SigningKey::from_bytes(&server_key), &expired).unwrap();
    let mut config = b.store().device_config().unwrap().unwrap();
    let fresh = config.certificate.replace(stale);
    b.store().set_device_config(&config).unwrap();
    let (offered, _) = hand_off(&a, &b, None).await;
    assert!(matches!(offered, Err(HandoffError::Expired)), "{offered:?}");
    config.certificate = fresh;
    b.store().set_device_config(&config).unwrap();

    // A phone enrolled with another server.
    let other = TestServer::start().await;
    other.seed();
    let (_dc, c, _) = enrolled(&other, "li", "另一台").await;
    let (offered, _) = hand_off(&a, &c, None).await;
    assert!(matches!(offered, Err(HandoffError::OtherServer)), "{offered:?}");
    other.stop().await;
    assert_eq!(a.heads(&id).unwrap(), b.heads(&id).unwrap(), "the refused attempts changed nothing");

    // Back at the township office: both sync; the server takes each one's
    // changes (wang's relayed by li's phone too), and nothing twice.
    server.resume().await;
    conn_b.sync(&b).await.unwrap();
    conn_a.sync(&a).await.unwrap();
    conn_b.sync(&b).await.unwrap();
    assert!(b.store().error(&id).unwrap().is_none() && a.store().error(&id).unwrap().is_none(), "nothing refused");
    let (_, report) = sup.get(&format!("/api/v1/inspections/{doc}/report")).await;
    let document: xuncha_core::document::InspectionSnapshot =
        serde_json::from_value(report["document"].clone()).unwrap();
    assert_eq!(document, a.snapshot(&id).unwrap(), "the server holds what both phones hold");
    assert_eq!(a.snapshot(&id).unwrap(), b.snapshot(&id).unwrap());
    assert_eq!(document.gps_fixes.len(), 2, "no position twice");
    // Every change counted once: the server's count is the phone's.
    let stored = a.store().load_doc(&id).unwrap().unwrap();
    let mut whole = automerge::AutoCommit::load(&stored.snapshot).unwrap();
    for c in &stored.changes {
        whole.load_incremental(c).unwrap();
    }
    let on_phone = i64::try_from(whole.get_changes(&[]).len()).unwrap();
    let sql = format!("SELECT change_count FROM documents WHERE doc_id = {}", server.bytes_literal(id.as_bytes()));
    assert_eq!(server.count(&sql), on_phone, "no change stored twice");
    let centre: xuncha_core::Centre = serde_json::from_str(&a.store().centre("130102-C01").unwrap().unwrap()).unwrap();
    let official = report["score"]["total"].as_f64().unwrap();
    assert_eq!(official, a.provisional_score(&id, &centre).unwrap().total);
    assert_eq!(official, b.provisional_score(&id, &centre).unwrap().total);
    server.stop().await;
}

/// Offers on `a` and plays a hostile joiner with `b`'s certificate and key
/// that sends `changes` for `doc`; returns what `a` made of it.
async fn hostile_join(a: &Device, b: &Device, doc: &DocumentId, changes: Vec<u8>) -> HandoffReport {
    use ed25519_dalek::Signer as _;
    use xuncha_client::handoff::channel::{Channel, Role};
    use xuncha_client::handoff::{Changes, DocChanges, Held, Hello, cbor, proof_message, uncbor};
    let offer = Offer::open(LOOPBACK.parse().unwrap()).await.unwrap();
    let (addr, code) = (offer.addr, offer.code.clone());
    let hostile = async move {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut channel = Channel::open(stream, &code, Role::Joiner).await.unwrap();
        let key = b.secrets().unwrap().signing_key().unwrap();
        let hello = Hello {
            certificate: b.store().device_config().unwrap().unwrap().certificate.unwrap(),
            proof: hex::encode(key.sign(&proof_message(&channel.binding, Role::Joiner)).to_bytes()),
            held: vec![Held {
                doc: doc.to_string(),
                heads: b.heads(doc).unwrap().iter().map(ToString::to_string).collect(),
            }],
        };
        channel.send(&cbor(&hello).unwrap()).await.unwrap();
        let _theirs: Hello = uncbor(&channel.receive().await.unwrap()).unwrap();
        let forged = Changes { docs: vec![DocChanges { doc: doc.to_string(), changes }] };
        channel.send(&cbor(&forged).unwrap()).await.unwrap();
        let _: Changes = uncbor(&channel.receive().await.unwrap()).unwrap();
    };
    let (report, ()) = tokio::join!(offer.accept(a, Duration::from_secs(10)), hostile);
    report.unwrap()
}

fn li_actor(b: &Device) -> automerge::ActorId {
    b.identity().unwrap().actor.clone()
}

fn certificate_of(d: &Device) -> CertificateBody {
    let config = d.store().device_config().unwrap().unwrap();
    let body = config.certificate.unwrap().body;
    serde_json::from_str(&body).unwrap()
}

struct CertKeys(CertificateBody);

impl SignerKeys for CertKeys {
    fn signer(&self, device: i64) -> Option<Signer> {
        (device == self.0.device)
            .then(|| Signer { key: self.0.device_key().unwrap(), username: self.0.username.clone() })
    }
}

#[test]
fn links_parse_and_bad_ones_are_refused() {
    let (addr, code) = parse_link("xuncha-handoff://192.168.43.1:47000/1234-5678").unwrap();
    assert_eq!((addr, code.as_str()), ("192.168.43.1:47000".parse::<SocketAddr>().unwrap(), "1234-5678"));
    for bad in [
        "http://x/1234-5678",
        "xuncha-handoff://nohost/1234-5678",
        "xuncha-handoff://1.2.3.4:1/12",
        "xuncha-handoff://1.2.3.4:1/1234-567x",
    ] {
        assert!(parse_link(bad).is_err(), "{bad}");
    }
}
