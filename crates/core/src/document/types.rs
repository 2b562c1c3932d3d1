//! Plain Rust views of what an inspection document holds. These are what
//! scoring reads and what the UI shows; the document itself is Automerge.

pub use crate::purpose::Purpose;
use crate::template::TemplateRef;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The inspector's answer to one item. Text items are not answers: their
/// content is the item's notes (Automerge Text, edited together).
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Answer {
    NotApplicable,
    YesNo(bool),
    Scale(i64),
    Number(f64),
    Choice(String),
    Choices(Vec<String>),
    Sample { asked: u32, satisfied: u32 },
}

impl Answer {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotApplicable => "na",
            Self::YesNo(_) => "yes_no",
            Self::Scale(_) => "scale",
            Self::Number(_) => "number",
            Self::Choice(_) => "choice",
            Self::Choices(_) => "choices",
            Self::Sample { .. } => "sample",
        }
    }
}

/// An answer with who gave it and when (ms since the Unix epoch).
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub answer: Answer,
    pub by: String,
    pub at: i64,
}

/// Concurrent different answers to one item, all kept by Automerge until
/// someone chooses. `values` are in Automerge's order; the document shows
/// the winner (the snapshot's `answers` entry) until then.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub item: String,
    pub values: Vec<AnswerRecord>,
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixSource {
    /// The device's satellite receiver.
    Gnss,
    /// Network (cell / Wi-Fi) positioning.
    Network,
    /// An external receiver (Bluetooth GNSS); often reported as a mock location.
    External,
    /// Typed in by hand; never proves presence on site.
    Manual,
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpsFix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub source: FixSource,
    pub at: i64,
    /// The platform's mock-location flag, where the OS gives one.
    #[serde(default)]
    pub mock: Option<bool>,
    #[serde(default)]
    pub by: String,
    /// The recording device's signature (absent from apps before signing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub signature: Option<EvidenceSignature>,
}

/// A device's Ed25519 signature over a piece of evidence (see `evidence`).
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceSignature {
    /// The signing device's id on the server.
    pub device: i64,
    /// 64 bytes, hex.
    pub signature: String,
}

/// One person asked on site (现场随访). The phone number, given only with
/// consent, is for a supervisor's 回访 (follow-up call): the server shows it
/// to supervisors and administrators only.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Respondent {
    pub at: i64,
    pub satisfied: bool,
    /// 意见建议, as the respondent put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub opinion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub phone: Option<String>,
    pub by: String,
}

/// A photo as the document records it; the bytes travel separately, by hash.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRecord {
    pub sha256: String,
    pub bytes: u64,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub item_id: Option<String>,
    /// The hash of the device's thumbnail, uploaded before the photo so a
    /// supervisor can triage over a slow link.
    #[serde(default)]
    pub thumbnail: Option<String>,
    pub taken_at: i64,
    pub gps: Option<GpsFix>,
    pub by: String,
    /// The recording device's signature (absent from apps before signing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub signature: Option<EvidenceSignature>,
}

#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Approved,
    /// 退回整改 — returned to the inspector for rework.
    Returned,
}

/// One supervisor decision, written into the document by the server's actor.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEntry {
    pub status: ReviewStatus,
    pub by: String,
    pub at: i64,
    pub comment: String,
    #[serde(default)]
    pub item_comments: BTreeMap<String, String>,
    /// The sign-offs (user id → time) this decision is about. A sign-off the
    /// decision did not see means the inspectors submitted again after it.
    /// Empty in documents written before it existed.
    #[serde(default)]
    pub reviewed_sign_offs: BTreeMap<String, i64>,
}

impl ReviewEntry {
    /// Whether this decision still stands against the document's sign-offs.
    /// Identity, not clocks: sign-off times come from phones, whose clocks
    /// may be hours off the server's, so a review stands exactly while the
    /// sign-offs are the ones it decided on (a new, changed or withdrawn
    /// sign-off reopens the inspection).
    pub fn stands(&self, sign_offs: &BTreeMap<String, i64>) -> bool {
        if self.reviewed_sign_offs.is_empty() {
            // Older documents: the clock rule they were written under.
            return sign_offs.values().all(|&t| t <= self.at);
        }
        *sign_offs == self.reviewed_sign_offs
    }
}

/// The current review and every earlier decision.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub current: ReviewEntry,
    pub history: Vec<ReviewEntry>,
}

/// What a new inspection starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewInspection {
    pub centre_code: String,
    pub template: TemplateRef,
    #[serde(default)]
    pub purpose: Purpose,
    pub created_by: String,
    pub created_by_name: String,
    pub at: i64,
}

/// Where an inspection stands: 草稿 draft, 已提交 submitted, 退回整改
/// returned, 已通过 approved.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl WorkflowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }
}

/// Everything in an inspection document, read at one set of heads.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionSnapshot {
    pub centre_code: String,
    pub template: TemplateRef,
    /// `routine` when the document predates purposes.
    pub purpose: Purpose,
    pub created_by: String,
    pub created_at: i64,
    /// user id → display name
    pub inspectors: BTreeMap<String, String>,
    /// The winning answer per item.
    pub answers: BTreeMap<String, AnswerRecord>,
    pub conflicts: Vec<Conflict>,
    pub notes: String,
    /// Non-empty notes per item (also the content of text items).
    pub item_notes: BTreeMap<String, String>,
    pub photos: BTreeMap<String, PhotoRecord>,
    pub gps_fixes: Vec<GpsFix>,
    /// user id → sign-off time
    pub sign_offs: BTreeMap<String, i64>,
    pub review: Option<Review>,
    /// Item id → the people asked on site, in the order recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, as = "Option<BTreeMap<String, Vec<Respondent>>>")]
    pub respondents: BTreeMap<String, Vec<Respondent>>,
    /// Each move of the draft to a newer template version (oldest first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<MigrationRecord>>")]
    pub migrations: Vec<MigrationRecord>,
}

impl InspectionSnapshot {
    /// Removes the respondents' phone numbers: what everyone but a
    /// supervisor or administrator reads.
    pub fn without_phones(mut self) -> Self {
        for r in self.respondents.values_mut().flatten() {
            r.phone = None;
        }
        self
    }

    /// A review applies until the inspectors sign off again after it.
    pub fn status(&self) -> WorkflowStatus {
        match &self.review {
            Some(r) if r.current.stands(&self.sign_offs) => match r.current.status {
                ReviewStatus::Approved => WorkflowStatus::Approved,
                ReviewStatus::Returned => WorkflowStatus::Returned,
            },
            _ if self.sign_offs.is_empty() => WorkflowStatus::Draft,
            _ => WorkflowStatus::Submitted,
        }
    }
}

/// One move of the draft to a newer template version, as recorded.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationRecord {
    pub from_version: u32,
    pub to_version: u32,
    pub by: String,
    pub at: i64,
    /// Old item id → the item its answer moved to.
    pub moved: BTreeMap<String, String>,
    /// Answers no item of the new version takes, kept as history.
    pub removed: BTreeMap<String, AnswerRecord>,
    /// Items new in this version, unanswered when the draft moved.
    pub added: Vec<String>,
    /// Answers a device wrote on the old version after the move whose new
    /// item already had a different answer: kept here for the supervisor
    /// to see and settle, not applied.
    pub conflicting: BTreeMap<String, AnswerRecord>,
}
