//! Shared fixtures for xuncha-core's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use automerge::ActorId;
use xuncha_core::document::{Answer, AnswerRecord, FixSource, GpsFix, InspectionDoc, NewInspection, PhotoRecord};
use xuncha_core::template::{Template, parse_template};
use xuncha_core::{Centre, CentreStatus, CentreType, Region};

pub const MINI: &str = include_str!("../../fixtures/mini.toml");

pub fn mini() -> Template {
    parse_template("fixtures/mini.toml", MINI).expect("fixture template is valid")
}

pub fn centre(centre_type: CentreType) -> Centre {
    Centre {
        code: "C-001".into(),
        name: "示范中心".into(),
        centre_type,
        region: Region {
            province: "河北省".into(),
            city: "邯郸市".into(),
            county: "丛台区".into(),
            township: "".into(),
        },
        lat: 36.6,
        lon: 114.5,
        geofence_m: 150.0,
        floor_area_m2: Some(800.0),
        community_floor_area_m2: Some(6000.0),
        households: Some(200.0),
        population_served: Some(12000.0),
        status: CentreStatus::Built,
        zone: None,
        datum: Default::default(),
    }
}

pub fn actor(n: u8) -> ActorId {
    ActorId::from([n; 16].as_slice())
}

pub fn new_doc(template: &Template, n: u8) -> InspectionDoc {
    let new = NewInspection {
        centre_code: "C-001".into(),
        template: template.reference(),
        purpose: Default::default(),
        created_by: format!("user{n}"),
        created_by_name: format!("检查员{n}"),
        at: 1_700_000_000_000,
    };
    InspectionDoc::create(actor(n), &new, template).unwrap()
}

pub fn answer(doc: &mut InspectionDoc, t: &Template, item: &str, a: Answer, by: &str) {
    let rec = AnswerRecord { answer: a, by: by.into(), at: 1_700_000_000_000 };
    doc.set_answer(t, item, &rec).unwrap();
}

/// A fix at the centre (an offset of ~`north_m` metres northwards).
pub fn fix_near(c: &Centre, north_m: f64, accuracy_m: f64, source: FixSource) -> GpsFix {
    GpsFix {
        lat: c.lat + north_m / 111_195.0,
        lon: c.lon,
        accuracy_m,
        source,
        at: 1_700_000_000_000,
        mock: Some(false),
        by: "user1".into(),
        signature: None,
    }
}

pub fn photo_for(item: &str, hash: &str, gps: Option<GpsFix>) -> PhotoRecord {
    PhotoRecord {
        sha256: hash.into(),
        bytes: 1000,
        mime: "image/jpeg".into(),
        width: 1600,
        height: 1200,
        item_id: Some(item.into()),
        thumbnail: None,
        taken_at: 1_700_000_000_000,
        gps,
        by: "user1".into(),
        signature: None,
    }
}

/// Forks a document as a second device would hold it after sync.
pub fn fork_as(doc: &mut InspectionDoc, n: u8) -> InspectionDoc {
    let bytes = doc.save();
    InspectionDoc::load(&bytes, actor(n)).unwrap()
}

/// No device has a key: unsigned evidence passes, as from apps before signing.
pub struct NoKeys;

impl xuncha_core::evidence::SignerKeys for NoKeys {
    fn signer(&self, _device: i64) -> Option<xuncha_core::evidence::Signer> {
        None
    }
}

/// The evidence check of a device enrolled before signing.
pub fn unsigned_allowed() -> xuncha_core::evidence::EvidenceCheck<'static> {
    xuncha_core::evidence::EvidenceCheck {
        doc: xuncha_core::DocumentId::from_bytes([0; 16]),
        keys: &NoKeys,
        unsigned_allowed: true,
    }
}
