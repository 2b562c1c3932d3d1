//! Offline operations: every edit is durable, the provisional score is the engine's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use automerge::ActorId;
use xuncha_client::{ClientError, Device, Identity};
use xuncha_core::document::{Answer, FixSource, GpsFix};
use xuncha_core::template::{AnswerSpec, Template, builtin_templates};
use xuncha_core::{Centre, CentreStatus, CentreType, Region};

fn village() -> Template {
    builtin_templates().unwrap().into_iter().find(|t| t.id == "village").unwrap()
}

fn centre() -> Centre {
    Centre {
        code: "V1".into(),
        name: "北豆村综合服务站".into(),
        centre_type: CentreType::Village,
        region: Region {
            province: "河北省".into(),
            city: "石家庄市".into(),
            county: "长安区".into(),
            township: "x".into(),
        },
        lat: 38.09,
        lon: 114.62,
        geofence_m: 150.0,
        floor_area_m2: Some(120.0),
        community_floor_area_m2: None,
        households: Some(400.0),
        population_served: Some(1300.0),
        status: CentreStatus::Built,
        zone: None,
        datum: Default::default(),
    }
}

fn device(dir: &std::path::Path) -> Device {
    let mut d = Device::open(dir).unwrap();
    if d.identity().is_none() {
        d.set_identity(Identity { actor: ActorId::random(), username: "wang".into(), display_name: "王".into() })
            .unwrap();
        d.put_template(&village(), "\"e1\"").unwrap();
    }
    d
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

#[test]
fn an_inspection_is_edited_offline_and_every_edit_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let t = village();
    let yes_no: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();
    let id = {
        let d = device(dir.path());
        let id = d.start_inspection(&centre(), &t, 1_790_000_000_000).unwrap();
        d.set_answer(&id, &yes_no[0], Answer::YesNo(true), 2).unwrap();
        d.set_answer(&id, &yes_no[1], Answer::YesNo(false), 3).unwrap();
        d.set_notes(&id, None, None, "门口有台阶，无坡道。", 4).unwrap();
        let fix = GpsFix {
            lat: 38.0901,
            lon: 114.62,
            accuracy_m: 6.0,
            source: FixSource::Gnss,
            at: 5,
            mock: Some(false),
            by: "wang".into(),
            signature: None,
        };
        d.add_gps_fix(&id, &fix, 5).unwrap();
        let photo = d.add_photo(&id, Some(&yes_no[0]), &png(), Some(fix), 6).unwrap();
        assert!(photo.width <= 1600 && photo.height <= 1600);
        d.sign_off(&id, 7).unwrap();
        // A wrong kind of answer is refused and changes nothing.
        assert!(matches!(d.set_answer(&id, &yes_no[2], Answer::Scale(3), 8), Err(ClientError::Answer(_))));
        assert!(matches!(d.set_answer(&id, "no.such.item", Answer::YesNo(true), 8), Err(ClientError::UnknownItem(_))));
        id
    };
    // A new process: everything is there, and the score is the engine's.
    let d = device(dir.path());
    let snap = d.snapshot(&id).unwrap();
    assert_eq!(snap.answers[&yes_no[0]].answer, Answer::YesNo(true));
    assert_eq!(snap.answers[&yes_no[1]].answer, Answer::YesNo(false));
    assert!(!snap.answers.contains_key(&yes_no[2]));
    assert_eq!(snap.notes, "门口有台阶，无坡道。");
    assert_eq!(snap.photos.len(), 1);
    assert_eq!(snap.sign_offs.len(), 1);
    let sha = snap.photos.keys().next().unwrap();
    assert!(
        d.store().photo_bytes(sha, true).unwrap().unwrap().len()
            < d.store().photo_bytes(sha, false).unwrap().unwrap().len()
    );
    assert_eq!(d.store().pending_photos().unwrap().len(), 1);
    let report = d.provisional_score(&id, &centre()).unwrap();
    assert!(report.on_site.verified);
    assert!(report.total > 0.0 && !report.complete);
}

#[test]
fn many_edits_compact_and_still_reload() {
    let dir = tempfile::tempdir().unwrap();
    let t = village();
    let item = t.items().find(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).unwrap();
    let id = {
        let d = device(dir.path());
        let id = d.start_inspection(&centre(), &t, 1).unwrap();
        for n in 0..150 {
            d.set_answer(&id, &item, Answer::YesNo(n % 2 == 0), 10 + n).unwrap();
        }
        id
    };
    let d = device(dir.path());
    let stored = d.store().load_doc(&id).unwrap().unwrap();
    assert!(
        stored.changes.len() <= xuncha_client::device::COMPACT_AFTER,
        "compacted: {} changes",
        stored.changes.len()
    );
    assert_eq!(d.snapshot(&id).unwrap().answers[&item].answer, Answer::YesNo(false), "the 150th edit (n = 149) wins");
}

#[test]
fn nothing_works_before_enrolment() {
    let dir = tempfile::tempdir().unwrap();
    let d = Device::open(dir.path()).unwrap();
    assert!(matches!(d.start_inspection(&centre(), &village(), 1), Err(ClientError::NotEnrolled)));
}

/// The list's summary is kept between views and follows every change: an
/// edit, a co-inspector's change merged in, a centre record replaced.
#[test]
fn the_read_model_follows_edits_merges_and_centre_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = device(dir.path());
    let t = village();
    let c = centre();
    d.put_centre(&c.code, &serde_json::to_string(&c).unwrap()).unwrap();
    let id = d.start_inspection(&c, &t, 1).unwrap();
    let yes_no: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();
    let first = d.summary(&id, &c).unwrap().unwrap();
    assert_eq!((first.answered, first.started), (0, false));
    assert_eq!(d.summary(&id, &c).unwrap().unwrap(), first, "kept while nothing changes");

    d.set_answer(&id, &yes_no[0], Answer::YesNo(true), 2).unwrap();
    let edited = d.summary(&id, &c).unwrap().unwrap();
    assert_eq!((edited.answered, edited.started), (1, true));

    // A co-inspector's change arrives the way a sync or a hand-off brings it.
    let dir_b = tempfile::tempdir().unwrap();
    let b = device(dir_b.path());
    let stored = d.store().load_doc(&id).unwrap().unwrap();
    let mut whole = automerge::AutoCommit::load(&stored.snapshot).unwrap();
    for ch in &stored.changes {
        whole.load_incremental(ch).unwrap();
    }
    let reply = xuncha_core::sync::DocReply {
        doc: id,
        status: xuncha_core::sync::DocStatus::Offered,
        server_heads: xuncha_core::sync::Heads(whole.get_heads()),
        changes: whole.save(),
    };
    b.apply_reply(&reply, None, 3).unwrap();
    b.set_answer(&id, &yes_no[1], Answer::YesNo(false), 4).unwrap();
    let theirs = b.own_changes_since(&id, &d.heads(&id).unwrap()).unwrap().0;
    let back = xuncha_core::sync::DocReply { changes: theirs, ..reply };
    d.apply_reply(&back, None, 5).unwrap();
    assert_eq!(d.summary(&id, &c).unwrap().unwrap().answered, 2, "the merged answer counts");

    // The centre's record replaced: scores are computed again.
    let moved = Centre { households: Some(10.0), ..c.clone() };
    d.put_centre(&c.code, &serde_json::to_string(&moved).unwrap()).unwrap();
    assert_eq!(d.centre(&c.code).unwrap(), Some(moved));
}
