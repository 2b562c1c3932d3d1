//! Signed evidence: any change to a signed record's content fails
//! verification (a property over every field), a record signed for another
//! inspection or by another user's device fails, and at ingest a batch that
//! alters a recorded position or adds an unsigned one is refused.

use crate::common::*;
use automerge::transaction::Transactable;
use automerge::{ROOT, ReadDoc};
use proptest::prelude::*;
use xuncha_core::DocumentId;
use xuncha_core::document::{FixSource, GpsFix, InspectionDoc, PhotoRecord, keys};
use xuncha_core::evidence::{
    EvidenceCheck, EvidenceError, Signer, SignerKeys, SigningKey, sign_fix, sign_photo, verify_fix, verify_photo,
};
use xuncha_core::ingest::{IngestLimits, Refusal, Writer, check_incoming};

const DEVICE: i64 = 7;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

/// Device 7 is user1's; device 8 is user2's.
struct Keys;

impl SignerKeys for Keys {
    fn signer(&self, device: i64) -> Option<Signer> {
        match device {
            DEVICE => Some(Signer { key: key().verifying_key(), username: "user1".into() }),
            8 => Some(Signer { key: SigningKey::from_bytes(&[8; 32]).verifying_key(), username: "user2".into() }),
            _ => None,
        }
    }
}

fn doc_id() -> DocumentId {
    DocumentId::from_bytes([3; 16])
}

fn fix() -> GpsFix {
    fix_near(&centre(xuncha_core::CentreType::Community), 20.0, 8.0, FixSource::Gnss)
}

fn signed_fix() -> GpsFix {
    let f = fix();
    GpsFix { signature: Some(sign_fix(&key(), DEVICE, &doc_id(), &f)), ..f }
}

fn signed_photo() -> PhotoRecord {
    let p = photo_for("basic.area", &"ab".repeat(32), Some(signed_fix()));
    PhotoRecord { signature: Some(sign_photo(&key(), DEVICE, &doc_id(), &p)), ..p }
}

/// One field of a fix changed to something else.
fn altered_fix(field: u8, delta: f64) -> GpsFix {
    let mut f = signed_fix();
    match field % 7 {
        0 => f.lat += delta,
        1 => f.lon -= delta,
        2 => f.accuracy_m += delta,
        3 => f.source = if f.source == FixSource::Manual { FixSource::Gnss } else { FixSource::Manual },
        4 => f.at += (delta * 1000.0) as i64 + 1,
        5 => f.mock = Some(!f.mock.unwrap_or(false)),
        _ => f.by = "user1x".into(),
    }
    f
}

/// One field of a photo record changed.
fn altered_photo(field: u8, delta: f64) -> PhotoRecord {
    let mut p = signed_photo();
    match field % 9 {
        0 => p.sha256 = "cd".repeat(32),
        1 => p.bytes += 1,
        2 => p.mime = "image/jpeg; x".into(),
        3 => p.width += 1,
        4 => p.item_id = Some("basic.other".into()),
        5 => p.taken_at += (delta * 1000.0) as i64 + 1,
        6 => p.gps = p.gps.map(|g| GpsFix { lat: g.lat + delta, ..g }),
        7 => p.gps = None,
        _ => p.thumbnail = Some("ef".repeat(32)),
    }
    p
}

#[test]
fn a_signed_record_verifies_as_recorded_and_not_elsewhere() {
    assert_eq!(verify_fix(&Keys, &doc_id(), &signed_fix()), Ok(()));
    assert_eq!(verify_photo(&Keys, &doc_id(), &signed_photo()), Ok(()));
    // Moved into another inspection: the signature named this one.
    let other = DocumentId::from_bytes([4; 16]);
    assert!(matches!(verify_fix(&Keys, &other, &signed_fix()), Err(EvidenceError::BadSignature { .. })));
    // Claimed for another device (user2's, or one that does not exist).
    for device in [8, 99] {
        let mut f = signed_fix();
        f.signature.as_mut().unwrap().device = device;
        assert!(matches!(verify_fix(&Keys, &doc_id(), &f), Err(EvidenceError::BadSignature { .. })), "device {device}");
    }
    // user2's device signing a fix in user1's name.
    let f = fix();
    let forged = GpsFix { signature: Some(sign_fix(&SigningKey::from_bytes(&[8; 32]), 8, &doc_id(), &f)), ..f };
    let err = verify_fix(&Keys, &doc_id(), &forged).unwrap_err();
    assert!(err.to_string().contains("another user's"), "{err}");
    assert!(matches!(verify_fix(&Keys, &doc_id(), &fix()), Err(EvidenceError::Unsigned { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_change_to_a_signed_fix_fails_verification(field in 0u8..7, delta in 0.000_001f64..10.0) {
        let f = altered_fix(field, delta);
        let refused = matches!(verify_fix(&Keys, &doc_id(), &f), Err(EvidenceError::BadSignature { .. }));
        prop_assert!(refused, "field {} altered by {}", field, delta);
    }

    #[test]
    fn any_change_to_a_signed_photo_record_fails_verification(field in 0u8..9, delta in 0.000_001f64..10.0) {
        let p = altered_photo(field, delta);
        let refused = matches!(verify_photo(&Keys, &doc_id(), &p), Err(EvidenceError::BadSignature { .. }));
        prop_assert!(refused, "field {} altered by {}", field, delta);
    }

    #[test]
    fn a_flipped_bit_of_the_signature_fails(byte in 0usize..64, bit in 0u8..8) {
        let mut f = signed_fix();
        let sig = f.signature.as_mut().unwrap();
        let mut raw = hex::decode(&sig.signature).unwrap();
        raw[byte] ^= 1 << bit;
        sig.signature = hex::encode(raw);
        prop_assert!(verify_fix(&Keys, &doc_id(), &f).is_err());
    }
}

fn keyed() -> EvidenceCheck<'static> {
    EvidenceCheck { doc: doc_id(), keys: &Keys, unsigned_allowed: false }
}

#[test]
fn ingest_refuses_an_altered_position_and_an_unsigned_one_from_a_signing_device() {
    let t = mini();
    let mut d = new_doc(&t, 1);
    d.add_gps_fix(&signed_fix()).unwrap();
    d.add_photo(&signed_photo()).unwrap();
    let actors = vec![actor(1)];
    let w = Writer::Device { actors: &actors, user_id: "user1", evidence: keyed() };
    let mut server = check_incoming(None, &d.save(), &w, IngestLimits::default()).expect("signed evidence passes").doc;
    let stored = server.get_heads();
    let before = d.automerge_mut().get_heads();

    // A hand-built change moves the recorded fix 500 m: its signature no longer verifies.
    let am = d.automerge_mut();
    let (_, list) = am.get(ROOT, keys::GPS).unwrap().unwrap();
    let (_, first) = am.get(&list, 0).unwrap().unwrap();
    let lat = signed_fix().lat + 0.0045;
    am.put(&first, "lat", lat).unwrap();
    am.commit();
    let altered = am.save_after(&before);
    match check_incoming(Some(&mut server), &altered, &w, IngestLimits::default()) {
        Err(Refusal::Evidence(EvidenceError::BadSignature { .. })) => {}
        other => panic!("expected a bad signature, got {other:?}"),
    }

    // A new fix without a signature, from a device that signs: refused; from a device enrolled before signing: kept.
    let mut d2 = InspectionDoc::load(&server.clone().save(), actor(1)).unwrap();
    let before = d2.automerge_mut().get_heads();
    d2.add_gps_fix(&fix()).unwrap();
    let unsigned = d2.automerge_mut().save_after(&before);
    match check_incoming(Some(&mut server), &unsigned, &w, IngestLimits::default()) {
        Err(e @ Refusal::Evidence(EvidenceError::Unsigned { .. })) => assert_eq!(e.code().as_str(), "unsigned"),
        other => panic!("expected an unsigned refusal, got {other:?}"),
    }
    let legacy = Writer::Device { actors: &actors, user_id: "user1", evidence: unsigned_allowed() };
    assert!(check_incoming(Some(&mut server), &unsigned, &legacy, IngestLimits::default()).is_ok());
    // A check works on a copy: the server's document is as it was.
    assert_eq!(server.get_heads(), stored);
}
