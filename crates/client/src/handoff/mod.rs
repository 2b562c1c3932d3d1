//! The hand-off on site: two enrolled devices of one server exchange the
//! inspections both their users work on, over a local link only (a phone's
//! hotspot, a township's Wi-Fi, loopback in tests), with no server.
//!
//! One device offers: it listens and shows a link (QR code) and a short
//! code; the other joins with them. [`channel`] makes an encrypted channel
//! bound to the code. Inside it each device shows its enrolment certificate
//! (signed by their server, docs/device.md#hand-off-on-site) and signs the
//! channel's handshake hash with its evidence key, so a certificate cannot
//! be replayed by another device. Each then lists the inspections it holds;
//! only those whose team (from the device's own assignment notices) includes
//! the peer and that the peer holds too are exchanged, and each device sends
//! only its own changes. Incoming changes pass the server's checks
//! ([`Device::merge_from_peer`]). Afterwards both sync with the server as
//! usual; the server accepts a co-inspector's changes relayed this way after
//! the same checks (docs/sync.md#relayed-changes).

pub mod channel;

use crate::device::{ClientError, Device, PeerWriter};
use crate::server_config::DeviceConfig;
use automerge::ChangeHash;
use channel::{Channel, Role};
use ed25519_dalek::{Signature, Signer as _, Verifier as _};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use xuncha_core::DocumentId;
use xuncha_core::certificate::{CertificateBody, CertificateError, DeviceCertificate, server_key};
use xuncha_core::evidence::{Signer, SignerKeys};
use xuncha_core::sync::AssignmentNotice;

const PROOF_DOMAIN: &[u8] = b"xuncha hand-off proof v1\0";
/// Inspections listed in one hello: a device holds far fewer.
const MAX_HELD: usize = 2_000;
pub const LINK_SCHEME: &str = "xuncha-handoff://";
/// The whole exchange after connecting: a peer that stalls or trickles
/// frames cannot hold a phone's hand-off open.
const EXCHANGE_WITHIN: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error("the pairing code does not match the other device's")]
    WrongCode,
    #[error("this device has no enrolment certificate yet: sync with the server once, then hand off")]
    NoCertificate,
    #[error("the other device is enrolled with another server")]
    OtherServer,
    #[error("the other device's enrolment certificate expired: it must sync with the server first")]
    Expired,
    #[error("the other device's enrolment certificate is not valid: {0}")]
    BadCertificate(String),
    #[error("the other device could not prove it holds the key its certificate names")]
    BadProof,
    #[error("the other device did not answer within {0} s")]
    Timeout(u64),
    #[error("the connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the hand-off failed: {0}")]
    Protocol(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl From<crate::store::StoreError> for HandoffError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Client(e.into())
    }
}

/// The first message inside the channel (CBOR). The wire types are public
/// so a test can play a hostile peer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Hello {
    pub certificate: DeviceCertificate,
    /// The device key's signature over the channel binding and the role ([`proof_message`]).
    pub proof: String,
    /// The inspections this device holds, with their heads (hex).
    pub held: Vec<Held>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Held {
    pub doc: String,
    pub heads: Vec<String>,
}

/// The second: this device's own changes to the shared inspections.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Changes {
    pub docs: Vec<DocChanges>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DocChanges {
    pub doc: String,
    #[serde(with = "serde_bytes")]
    pub changes: Vec<u8>,
}

/// Who the other device is, as its certificate says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Peer {
    pub username: String,
    pub display_name: String,
    pub device: i64,
}

/// One inspection exchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Exchanged {
    pub doc: DocumentId,
    pub centre_code: String,
    /// From this device's catalog.
    pub centre_name: Option<String>,
    /// Changes of this device sent.
    pub sent: u32,
    /// Changes of the peer new here.
    pub received: u32,
    /// Why the peer's changes were not taken (nothing of them stored).
    pub refused: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HandoffReport {
    pub peer: Peer,
    pub docs: Vec<Exchanged>,
}

/// A device waiting for another to join.
#[derive(Debug)]
pub struct Offer {
    listener: TcpListener,
    pub code: String,
    pub addr: SocketAddr,
}

impl Offer {
    /// Listens on `bind` (port 0: any free one) with a fresh 8-digit code.
    pub async fn open(bind: SocketAddr) -> Result<Self, HandoffError> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let n: u32 = rand::random_range(0..100_000_000);
        let code = format!("{:04}-{:04}", n / 10_000, n % 10_000);
        Ok(Self { listener, code, addr })
    }

    /// What the joining device scans: where to connect and the code.
    pub fn link(&self) -> String {
        format!("{LINK_SCHEME}{}/{}", self.addr, self.code)
    }

    /// Waits for one device to join (a wrong code ends the offer: each
    /// code gets one guess) and exchanges with it.
    pub async fn accept(self, device: &Device, within: Duration) -> Result<HandoffReport, HandoffError> {
        let (stream, from) = tokio::time::timeout(within, self.listener.accept())
            .await
            .map_err(|_| HandoffError::Timeout(within.as_secs()))??;
        tracing::info!(peer = %from, "a device joined the hand-off");
        bounded(exchange(device, stream, &self.code, Role::Offerer)).await
    }
}

/// Joins the device offering at `addr` with `code`.
pub async fn join(device: &Device, addr: SocketAddr, code: &str) -> Result<HandoffReport, HandoffError> {
    let stream = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(addr))
        .await
        .map_err(|_| HandoffError::Timeout(10))??;
    bounded(exchange(device, stream, code.trim(), Role::Joiner)).await
}

async fn bounded(
    exchange: impl std::future::Future<Output = Result<HandoffReport, HandoffError>>,
) -> Result<HandoffReport, HandoffError> {
    tokio::time::timeout(EXCHANGE_WITHIN, exchange)
        .await
        .map_err(|_| HandoffError::Timeout(EXCHANGE_WITHIN.as_secs()))?
}

/// The address and code of a link (`xuncha-handoff://192.168.43.1:47000/1234-5678`).
pub fn parse_link(link: &str) -> Result<(SocketAddr, String), HandoffError> {
    let bad = || HandoffError::Protocol(format!("`{link}` is not a hand-off link"));
    let rest = link.trim().strip_prefix(LINK_SCHEME).ok_or_else(bad)?;
    let (addr, code) = rest.split_once('/').ok_or_else(bad)?;
    let addr: SocketAddr = addr.parse().map_err(|_| bad())?;
    let digits = code.chars().filter(char::is_ascii_digit).count();
    if digits != 8 || code.chars().any(|c| !c.is_ascii_digit() && c != '-') {
        return Err(bad());
    }
    Ok((addr, code.to_owned()))
}

/// The peer's device key, for its records' signatures.
struct PeerKeys(CertificateBody);

impl SignerKeys for PeerKeys {
    fn signer(&self, device: i64) -> Option<Signer> {
        let key = self.0.device_key().ok()?;
        (device == self.0.device).then(|| Signer { key, username: self.0.username.clone() })
    }
}

/// What a device signs to prove it holds its certificate's key on this channel.
pub fn proof_message(binding: &[u8], role: Role) -> Vec<u8> {
    let tag: &[u8] = match role {
        Role::Offerer => b"offerer",
        Role::Joiner => b"joiner",
    };
    [PROOF_DOMAIN, tag, b"\0", binding].concat()
}

pub fn cbor<T: Serialize>(value: &T) -> Result<Vec<u8>, HandoffError> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).map_err(|e| HandoffError::Protocol(e.to_string()))?;
    Ok(out)
}

pub fn uncbor<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, HandoffError> {
    ciborium::from_reader(bytes).map_err(|e| HandoffError::Protocol(format!("a malformed message: {e}")))
}

/// The device's assignments on hand, by document.
fn held(device: &Device) -> Result<Vec<(AssignmentNotice, Vec<ChangeHash>)>, HandoffError> {
    let mut out = Vec::new();
    for json in device.store().assignments()? {
        let Ok(a) = serde_json::from_str::<AssignmentNotice>(&json) else { continue };
        if a.cancelled || device.store().load_doc(&a.doc)?.is_none() {
            continue;
        }
        let heads = device.heads(&a.doc)?;
        out.push((a, heads));
    }
    Ok(out)
}

fn verify_peer(
    hello: &Hello,
    config: &DeviceConfig,
    binding: &[u8],
    role: Role,
) -> Result<CertificateBody, HandoffError> {
    let server = server_key(&config.server_key).map_err(|e| HandoffError::BadCertificate(e.to_string()))?;
    let body = hello.certificate.verify(&server, crate::sync::now_ms()).map_err(|e| match e {
        CertificateError::OtherServer => HandoffError::OtherServer,
        CertificateError::Expired => HandoffError::Expired,
        other => HandoffError::BadCertificate(other.to_string()),
    })?;
    let key = body.device_key().map_err(|e| HandoffError::BadCertificate(e.to_string()))?;
    let sig: [u8; 64] = hex::decode(&hello.proof).ok().and_then(|b| b.try_into().ok()).ok_or(HandoffError::BadProof)?;
    key.verify(&proof_message(binding, role), &Signature::from_bytes(&sig)).map_err(|_| HandoffError::BadProof)?;
    Ok(body)
}

async fn exchange(device: &Device, stream: TcpStream, code: &str, role: Role) -> Result<HandoffReport, HandoffError> {
    let config = device.store().device_config()?.ok_or(HandoffError::NoCertificate)?;
    let certificate = config.certificate.clone().ok_or(HandoffError::NoCertificate)?;
    let key = device.secrets()?.signing_key().ok_or(HandoffError::NoCertificate)?;
    let mut channel = Channel::open(stream, code, role).await?;
    let mine = held(device)?;
    let hello = Hello {
        certificate,
        proof: hex::encode(key.sign(&proof_message(&channel.binding, role)).to_bytes()),
        held: mine
            .iter()
            .map(|(a, heads)| Held { doc: a.doc.to_string(), heads: heads.iter().map(ToString::to_string).collect() })
            .collect(),
    };
    channel.send(&cbor(&hello)?).await?;
    let theirs: Hello = uncbor(&channel.receive().await?)?;
    let peer_role = match role {
        Role::Offerer => Role::Joiner,
        Role::Joiner => Role::Offerer,
    };
    let peer = verify_peer(&theirs, &config, &channel.binding, peer_role)
        .inspect_err(|e| tracing::warn!(error = %e, "hand-off refused"))?;
    if theirs.held.len() > MAX_HELD {
        return Err(HandoffError::Protocol(format!("the peer lists over {MAX_HELD} inspections")));
    }

    // Shared: on this device, the peer on its team, and held by the peer.
    let mut shared = Vec::new();
    for (a, _) in &mine {
        let Some(h) = theirs.held.iter().find(|h| h.doc == a.doc.to_string()) else { continue };
        if !a.team.contains(&peer.username) {
            continue;
        }
        let heads: Vec<ChangeHash> = h.heads.iter().filter_map(|x| x.parse().ok()).collect();
        shared.push((a, heads));
    }
    let mut outgoing = Changes::default();
    let mut report: Vec<Exchanged> = Vec::new();
    for (a, their_heads) in &shared {
        let (changes, count) = device.own_changes_since(&a.doc, their_heads)?;
        let centre_name = device
            .store()
            .centre(&a.centre_code)?
            .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
            .and_then(|c| c.get("name").and_then(|n| n.as_str()).map(str::to_owned));
        report.push(Exchanged {
            doc: a.doc,
            centre_code: a.centre_code.clone(),
            centre_name,
            sent: u32::try_from(count).unwrap_or(u32::MAX),
            received: 0,
            refused: None,
        });
        if !changes.is_empty() {
            outgoing.docs.push(DocChanges { doc: a.doc.to_string(), changes });
        }
    }
    channel.send(&cbor(&outgoing)?).await?;
    let incoming: Changes = uncbor(&channel.receive().await?)?;

    let actors = peer.actor_ids().map_err(|e| HandoffError::BadCertificate(e.to_string()))?;
    let keys = PeerKeys(peer.clone());
    let writer = PeerWriter { username: &peer.username, actors: &actors, keys: &keys };
    for d in incoming.docs {
        // Only what is shared is taken; anything else the peer sent is ignored.
        let Some(entry) = report.iter_mut().find(|e| e.doc.to_string() == d.doc) else { continue };
        match device.merge_from_peer(&entry.doc, &d.changes, &writer, crate::sync::now_ms())? {
            Ok(n) => entry.received = u32::try_from(n).unwrap_or(u32::MAX),
            Err(why) => {
                tracing::warn!(doc = %entry.doc, peer = %peer.username, reason = %why, "hand-off changes refused");
                entry.refused = Some(why);
            }
        }
    }
    tracing::info!(peer = %peer.username, docs = report.len(), "hand-off done");
    Ok(HandoffReport {
        peer: Peer { username: peer.username.clone(), display_name: peer.display_name.clone(), device: peer.device },
        docs: report,
    })
}
