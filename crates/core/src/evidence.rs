//! Signed evidence: each device holds an Ed25519 key made at enrolment (its
//! public half registered with the server) and signs every photo record and
//! position it records, over the record's content and the inspection's id.
//! The server verifies at ingest (see [`check_new_evidence`]); a record
//! altered after signing, or signed by a device that is not its author's,
//! is refused. What is signed is a fixed CBOR encoding of the content,
//! never the stored form, so the signature survives the document's merges.

use crate::DocumentId;
use crate::document::{EvidenceSignature, FixSource, GpsFix, InspectionSnapshot, PhotoRecord};
use ed25519_dalek::{Signature, Signer as _, Verifier as _};
use serde::Serialize;

pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// Separates these messages from anything else a device key might sign.
const DOMAIN: &[u8] = b"xuncha evidence v1\0";

/// A device's key as the server registered it, and whose device it is.
#[derive(Debug, Clone)]
pub struct Signer {
    pub key: VerifyingKey,
    pub username: String,
}

/// Looks up the key of a device that signs (the server: its devices table;
/// a device receiving a hand-off: the peer's certificate).
pub trait SignerKeys {
    /// `None` for an unknown or revoked device.
    fn signer(&self, device: i64) -> Option<Signer>;
}

/// What a checker of new evidence needs for one document.
#[derive(Clone, Copy)]
pub struct EvidenceCheck<'a> {
    pub doc: DocumentId,
    pub keys: &'a dyn SignerKeys,
    /// The writing device has no key (enrolled by an app before signing):
    /// its new records may be unsigned, and are shown as such.
    pub unsigned_allowed: bool,
}

impl std::fmt::Debug for EvidenceCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceCheck")
            .field("doc", &self.doc)
            .field("unsigned_allowed", &self.unsigned_allowed)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("the {what} by `{by}` is not signed")]
    Unsigned { what: &'static str, by: String },
    #[error("the signature of the {what} by `{by}` does not verify: {reason}")]
    BadSignature { what: &'static str, by: String, reason: String },
}

#[derive(Serialize)]
struct FixContent<'a> {
    lat: f64,
    lon: f64,
    accuracy_m: f64,
    source: FixSource,
    at: i64,
    mock: Option<bool>,
    by: &'a str,
}

impl<'a> From<&'a GpsFix> for FixContent<'a> {
    fn from(f: &'a GpsFix) -> Self {
        Self { lat: f.lat, lon: f.lon, accuracy_m: f.accuracy_m, source: f.source, at: f.at, mock: f.mock, by: &f.by }
    }
}

#[derive(Serialize)]
struct PhotoContent<'a> {
    sha256: &'a str,
    bytes: u64,
    mime: &'a str,
    width: u32,
    height: u32,
    item_id: Option<&'a str>,
    thumbnail: Option<&'a str>,
    taken_at: i64,
    gps: Option<FixContent<'a>>,
    by: &'a str,
}

impl<'a> From<&'a PhotoRecord> for PhotoContent<'a> {
    fn from(p: &'a PhotoRecord) -> Self {
        Self {
            sha256: &p.sha256,
            bytes: p.bytes,
            mime: &p.mime,
            width: p.width,
            height: p.height,
            item_id: p.item_id.as_deref(),
            thumbnail: p.thumbnail.as_deref(),
            taken_at: p.taken_at,
            gps: p.gps.as_ref().map(FixContent::from),
            by: &p.by,
        }
    }
}

/// The bytes a signature covers: the domain, the kind, the device, the
/// inspection and the content.
fn message(kind: &str, device: i64, doc: &DocumentId, content: &impl Serialize) -> Vec<u8> {
    let mut out = DOMAIN.to_vec();
    out.extend_from_slice(kind.as_bytes());
    out.push(0);
    out.extend_from_slice(&device.to_be_bytes());
    out.extend_from_slice(doc.as_bytes());
    // Writing CBOR into a Vec fails only if serialising fails, which these
    // plain structs cannot; an empty tail would then fail verification.
    let _ = ciborium::into_writer(content, &mut out);
    out
}

fn sign(key: &SigningKey, device: i64, msg: &[u8]) -> EvidenceSignature {
    EvidenceSignature { device, signature: hex::encode(key.sign(msg).to_bytes()) }
}

/// Signs a position as `device` recording it in `doc`.
pub fn sign_fix(key: &SigningKey, device: i64, doc: &DocumentId, fix: &GpsFix) -> EvidenceSignature {
    sign(key, device, &message("fix", device, doc, &FixContent::from(fix)))
}

/// Signs a photo record (its hash, item, time, position…) as `device` in `doc`.
pub fn sign_photo(key: &SigningKey, device: i64, doc: &DocumentId, photo: &PhotoRecord) -> EvidenceSignature {
    sign(key, device, &message("photo", device, doc, &PhotoContent::from(photo)))
}

fn verify(
    keys: &dyn SignerKeys,
    what: &'static str,
    by: &str,
    sig: &EvidenceSignature,
    msg: impl FnOnce(i64) -> Vec<u8>,
) -> Result<(), EvidenceError> {
    let bad = |reason: &str| EvidenceError::BadSignature { what, by: by.to_owned(), reason: reason.to_owned() };
    let signer = keys.signer(sig.device).ok_or_else(|| bad("the signing device is unknown or revoked"))?;
    if signer.username != by {
        return Err(bad("the signing device is another user's"));
    }
    let bytes: [u8; 64] = hex::decode(&sig.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("the signature is not 64 bytes of hex"))?;
    signer.key.verify(&msg(sig.device), &Signature::from_bytes(&bytes)).map_err(|_| bad("the content was altered"))
}

/// Verifies a position's signature (it must have one).
pub fn verify_fix(keys: &dyn SignerKeys, doc: &DocumentId, fix: &GpsFix) -> Result<(), EvidenceError> {
    let sig = fix.signature.as_ref().ok_or(EvidenceError::Unsigned { what: "position", by: fix.by.clone() })?;
    verify(keys, "position", &fix.by, sig, |d| message("fix", d, doc, &FixContent::from(fix)))
}

/// Verifies a photo record's signature (it must have one).
pub fn verify_photo(keys: &dyn SignerKeys, doc: &DocumentId, photo: &PhotoRecord) -> Result<(), EvidenceError> {
    let sig = photo.signature.as_ref().ok_or(EvidenceError::Unsigned { what: "photo record", by: photo.by.clone() })?;
    verify(keys, "photo record", &photo.by, sig, |d| message("photo", d, doc, &PhotoContent::from(photo)))
}

/// Every photo record and position in `after` that is not, unchanged, in
/// `before` (a new one, or one a change altered) carries a valid signature.
/// Without one it passes only when `check.unsigned_allowed`; a record with a
/// signature is verified whoever wrote it.
pub fn check_new_evidence(
    before: Option<&InspectionSnapshot>,
    after: &InspectionSnapshot,
    check: &EvidenceCheck<'_>,
) -> Result<(), EvidenceError> {
    let accept = |verified: Result<(), EvidenceError>| match verified {
        Err(EvidenceError::Unsigned { .. }) if check.unsigned_allowed => Ok(()),
        other => other,
    };
    for (sha, photo) in &after.photos {
        if before.and_then(|b| b.photos.get(sha)) != Some(photo) {
            accept(verify_photo(check.keys, &check.doc, photo))?;
        }
    }
    for fix in &after.gps_fixes {
        if !before.is_some_and(|b| b.gps_fixes.contains(fix)) {
            accept(verify_fix(check.keys, &check.doc, fix))?;
        }
    }
    Ok(())
}
