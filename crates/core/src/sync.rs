//! Sync wire types: one request per round carries every document the device
//! wants to push or check; the answer carries what the device lacks, plus
//! documents and assignments it did not ask about, found through its cursor.
//! Encoded as CBOR (RFC 8949) with short field names; the HTTP body is
//! compressed as a whole. Described in docs/sync.md.

use crate::DocumentId;
use crate::template::TemplateRef;
use automerge::ChangeHash;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 2: templates carry bilingual sources, bonus sections, respondents items and
/// migration tables, and documents server-owned `migrations`, which an app
/// of protocol 1 cannot read: it is refused with this number instead of
/// failing on a template it cannot parse.
pub const SYNC_PROTOCOL: u32 = 2;
pub const CBOR_MIME: &str = "application/cbor";
/// Heads a document may have in one message (concurrent branches).
pub const MAX_HEADS: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    #[serde(rename = "v")]
    pub protocol: u32,
    /// The last cursor this device stored from a response (0 at first).
    #[serde(rename = "k")]
    pub cursor: u64,
    /// At most [`MAX_DOCS_PER_REQUEST`]: the decoder refuses more before building them.
    #[serde(rename = "d", deserialize_with = "bounded_docs")]
    pub docs: Vec<DocPush>,
}

/// Why the server refused a document's push: the stable codes of
/// `DocStatus::Refused`, produced by the server's checks and matched by
/// devices. The wire carries the code as a string (`as_str`), so a device
/// reads a code newer than itself as `None` from [`RefusalCode::parse`]
/// and treats it as a refusal to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalCode {
    /// The user works on no inspection with this id (or it does not exist).
    NotMember,
    /// A new inspection for a centre or template outside the user's region.
    Forbidden,
    /// Compressed, truncated or over-bound Automerge bytes (`payload`).
    BadPayload,
    Undecodable,
    /// The changes build on changes the server lacks: resend the whole document.
    MissingDeps,
    ForeignActor,
    ServerOwned,
    IdentityChanged,
    WrongCreator,
    OtherUser,
    TooManyChanges,
    TooManyOps,
    Malformed,
    UnknownCentre,
    UnknownTemplate,
    /// A new inspection's start is implausible against the server's clock.
    BadTime,
    /// The inspection's quarter has been reported for its region.
    QuarterReported,
    /// A photo record or position whose signature does not verify: altered
    /// after it was signed, or signed by a device that is not its author's.
    BadSignature,
    /// A new photo record or position without a signature from a device
    /// that signs its evidence.
    Unsigned,
}

impl RefusalCode {
    pub const ALL: [Self; 19] = [
        Self::NotMember,
        Self::Forbidden,
        Self::BadPayload,
        Self::Undecodable,
        Self::MissingDeps,
        Self::ForeignActor,
        Self::ServerOwned,
        Self::IdentityChanged,
        Self::WrongCreator,
        Self::OtherUser,
        Self::TooManyChanges,
        Self::TooManyOps,
        Self::Malformed,
        Self::UnknownCentre,
        Self::UnknownTemplate,
        Self::BadTime,
        Self::QuarterReported,
        Self::BadSignature,
        Self::Unsigned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotMember => "not_member",
            Self::Forbidden => "forbidden",
            Self::BadPayload => "bad_payload",
            Self::Undecodable => "undecodable",
            Self::MissingDeps => "missing_deps",
            Self::ForeignActor => "foreign_actor",
            Self::ServerOwned => "server_owned",
            Self::IdentityChanged => "identity_changed",
            Self::WrongCreator => "wrong_creator",
            Self::OtherUser => "other_user",
            Self::TooManyChanges => "too_many_changes",
            Self::TooManyOps => "too_many_ops",
            Self::Malformed => "malformed",
            Self::UnknownCentre => "unknown_centre",
            Self::UnknownTemplate => "unknown_template",
            Self::BadTime => "bad_time",
            Self::QuarterReported => "quarter_reported",
            Self::BadSignature => "bad_signature",
            Self::Unsigned => "unsigned",
        }
    }

    /// The code a refusal carries; `None` for a code this build does not know.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl DocStatus {
    /// A refusal with its code and a message for people.
    pub fn refused(code: RefusalCode, message: impl Into<String>) -> Self {
        Self::Refused { code: code.as_str().to_owned(), message: message.into() }
    }

    /// The refusal's code, when this is a refusal with a code this build knows.
    pub fn refusal(&self) -> Option<RefusalCode> {
        match self {
            Self::Refused { code, .. } => RefusalCode::parse(code),
            _ => None,
        }
    }
}

/// Documents one request may carry, whatever a server allows: the decoder
/// stops here, so a small compressed body cannot make it build millions of
/// entries before any limit is checked.
pub const MAX_DOCS_PER_REQUEST: usize = 1_000;

fn bounded_docs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<DocPush>, D::Error> {
    struct Bounded;
    impl<'de> serde::de::Visitor<'de> for Bounded {
        type Value = Vec<DocPush>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "at most {MAX_DOCS_PER_REQUEST} documents")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(push) = seq.next_element()? {
                if out.len() == MAX_DOCS_PER_REQUEST {
                    return Err(serde::de::Error::custom(format!(
                        "more than {MAX_DOCS_PER_REQUEST} documents in one request"
                    )));
                }
                out.push(push);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocPush {
    #[serde(rename = "i", with = "doc_id_bytes")]
    pub doc: DocumentId,
    /// The device's heads: the server answers with what they lack. Omitted
    /// (empty) when they are the heads `changes` carry, which the server
    /// reads from the changes themselves.
    #[serde(rename = "h", default, skip_serializing_if = "Heads::is_empty")]
    pub client_heads: Heads,
    /// The server heads this device last stored: `changes` start there.
    /// Informational; omitted with `client_heads`.
    #[serde(rename = "a", default, skip_serializing_if = "Heads::is_empty")]
    pub ack_heads: Heads,
    /// `save_after(ack_heads)` or `save_nocompress()`, whichever is smaller; may be empty.
    #[serde(rename = "c", with = "serde_bytes")]
    pub changes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    #[serde(rename = "v")]
    pub protocol: u32,
    #[serde(rename = "d")]
    pub docs: Vec<DocReply>,
    /// Store this (after storing the documents) and send it next time.
    #[serde(rename = "k")]
    pub cursor: u64,
    /// More documents are waiting: sync again at once.
    #[serde(rename = "m", default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<AssignmentNotice>,
    /// Milliseconds since the epoch, for the device to see its clock skew.
    #[serde(rename = "t")]
    pub server_time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocReply {
    #[serde(rename = "i", with = "doc_id_bytes")]
    pub doc: DocumentId,
    #[serde(rename = "r")]
    pub status: DocStatus,
    /// The server's heads after this round: the device's next `ack_heads`
    /// once it has applied `changes`. Empty when they are the device's own
    /// heads as pushed (the common case: nothing else changed).
    #[serde(rename = "h", default, skip_serializing_if = "Heads::is_empty")]
    pub server_heads: Heads,
    /// Changes the device lacks (`save_after` of its heads, or a whole save).
    #[serde(rename = "c", with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "s")]
pub enum DocStatus {
    /// Pushed changes are committed (`new` of them were new to the server).
    #[serde(rename = "a")]
    Accepted {
        #[serde(rename = "n")]
        new: u32,
    },
    /// Nothing was stored for this document; `code` is stable, `message` is for people.
    #[serde(rename = "x")]
    Refused {
        #[serde(rename = "c")]
        code: String,
        #[serde(rename = "m")]
        message: String,
    },
    /// Sent down through the cursor; the device did not ask.
    #[serde(rename = "o")]
    Offered,
}

/// A change to an inspector's assignments (考核任务), sent through the cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentNotice {
    pub id: i64,
    pub centre_code: String,
    /// e.g. `2026Q4`.
    pub quarter: String,
    #[serde(with = "doc_id_bytes")]
    pub doc: DocumentId,
    pub template: TemplateRef,
    pub cancelled: bool,
    /// Why: 日常巡查, 双随机抽查, 复查…; absent from older servers (routine).
    #[serde(default)]
    pub purpose: crate::document::Purpose,
    /// Everyone who works on the inspection (usernames), this inspector
    /// included: a hand-off on site shares it only with them. Sent again to
    /// every member when someone joins; empty from older servers.
    #[serde(default)]
    pub team: Vec<String>,
}

/// Change hashes, sent as one byte string of 32-byte hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heads(pub Vec<ChangeHash>);

impl Heads {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Heads {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = self.0.iter().flat_map(|h| h.0).collect();
        serde_bytes::Bytes::new(&bytes).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Heads {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(d)?;
        heads_from_bytes(&bytes).map(Heads).map_err(serde::de::Error::custom)
    }
}

/// Concatenated 32-byte hashes (also how the server stores heads).
pub fn heads_from_bytes(bytes: &[u8]) -> Result<Vec<ChangeHash>, String> {
    if !bytes.len().is_multiple_of(32) || bytes.len() / 32 > MAX_HEADS {
        return Err(format!("heads must be at most {MAX_HEADS} hashes of 32 bytes"));
    }
    Ok(bytes.chunks_exact(32).filter_map(|c| <[u8; 32]>::try_from(c).ok()).map(ChangeHash).collect())
}

pub fn heads_to_bytes(heads: &[ChangeHash]) -> Vec<u8> {
    heads.iter().flat_map(|h| h.0).collect()
}

mod doc_id_bytes {
    use crate::DocumentId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &DocumentId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(id.as_bytes())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DocumentId, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(d)?;
        let arr: [u8; 16] =
            bytes.into_vec().try_into().map_err(|_| serde::de::Error::custom("a document id is 16 bytes"))?;
        Ok(DocumentId::from_bytes(arr))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("malformed sync message: {0}")]
    Malformed(String),
    #[error("sync protocol {0} is not supported (this side speaks {SYNC_PROTOCOL})")]
    Protocol(u32),
}

pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and every type here serialises.
    if ciborium::into_writer(msg, &mut out).is_err() {
        out.clear();
    }
    out
}

pub fn decode_request(bytes: &[u8]) -> Result<SyncRequest, WireError> {
    let req: SyncRequest = ciborium::from_reader(bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    if req.protocol != SYNC_PROTOCOL {
        return Err(WireError::Protocol(req.protocol));
    }
    Ok(req)
}

pub fn decode_response(bytes: &[u8]) -> Result<SyncResponse, WireError> {
    let res: SyncResponse = ciborium::from_reader(bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    if res.protocol != SYNC_PROTOCOL {
        return Err(WireError::Protocol(res.protocol));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes_are_distinct_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for code in RefusalCode::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert_eq!(RefusalCode::parse(code.as_str()), Some(code));
            assert_eq!(DocStatus::refused(code, "m").refusal(), Some(code));
        }
        assert_eq!(RefusalCode::parse("from_a_newer_server"), None);
    }

    #[test]
    fn requests_round_trip_and_garbage_is_refused() {
        let req = SyncRequest {
            protocol: SYNC_PROTOCOL,
            cursor: 7,
            docs: vec![DocPush {
                doc: DocumentId::random(),
                client_heads: Heads(vec![ChangeHash([3; 32])]),
                ack_heads: Heads::default(),
                changes: vec![1, 2, 3],
            }],
        };
        let bytes = encode(&req);
        assert_eq!(decode_request(&bytes).unwrap(), req);
        assert!(decode_request(b"\xff\x00garbage").is_err());
        assert!(decode_request(&bytes[..bytes.len() - 2]).is_err());
        let future = SyncRequest { protocol: 99, ..req };
        assert!(matches!(decode_request(&encode(&future)), Err(WireError::Protocol(99))));
        assert!(heads_from_bytes(&[0; 33]).is_err());
    }
}
