//! What inspections store: documents (snapshot plus changes), their
//! members and scores, the change feed devices follow, and assignments.

use crate::accounts::store::Scope;
use crate::catalog::store::TemplateRefView;
use crate::storage::{Page, PageReq, StoreResult};
use automerge::ChangeHash;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use xuncha_core::document::{Purpose, WorkflowStatus};
use xuncha_core::location::OnSiteStatus;
use xuncha_core::scoring::Grade;
use xuncha_core::template::StatFigure;
use xuncha_core::template::TemplateRef;
use xuncha_core::{CentreType, DocumentId, Region};

/// Documents and assignments (with their sequence numbers) that changed
/// after a cursor, and the current sequence.
#[derive(Debug, Clone, Default)]
pub struct Changed {
    pub docs: Vec<(DocumentId, u64)>,
    pub assignments: Vec<(Assignment, u64)>,
    pub seq: u64,
}

/// A device and the heads it declared per document in one round.
pub type DeviceHeads = (i64, Vec<(DocumentId, Vec<ChangeHash>)>);

pub trait DocStore: Send + Sync {
    /// The server's own Automerge actor, created on first use.
    fn server_actor(&self) -> StoreResult<automerge::ActorId>;
    fn load_doc(&self, doc: &DocumentId) -> StoreResult<Option<StoredDoc>>;
    fn inspection(&self, doc: &DocumentId) -> StoreResult<Option<InspectionRow>>;
    fn is_member(&self, doc: &DocumentId, username: &str) -> StoreResult<bool>;
    /// Who works on each of these inspections, in one read.
    fn members_of(&self, docs: &[DocumentId]) -> StoreResult<std::collections::HashMap<DocumentId, Vec<String>>>;
    /// Commits every write of one sync round, and the heads the device
    /// declared, in one transaction. A write on an existing document
    /// commits only if the stored heads are still its `base_heads`; else
    /// nothing is written and the answer is `StoreError::Conflict` (only a
    /// store shared by several instances can see that).
    fn commit_round(&self, writes: Vec<DocWrite>, device_heads: Option<DeviceHeads>, now: i64) -> StoreResult<()>;
    fn device_heads(&self, device_id: i64, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>>;
    /// Whether other server instances write to this store too: a document
    /// held in memory must then be checked against [`Self::stored_heads`]
    /// before use. (SQLite has one instance; PostgreSQL may have several.)
    fn shared(&self) -> bool {
        false
    }
    /// The heads of a document as stored, sorted; `None`: no such document.
    fn stored_heads(&self, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>>;
    /// What changed for this inspector after `cursor`, read in one
    /// transaction: documents (at most `limit`), assignments, and the
    /// sequence the reading saw.
    ///
    /// The ordering contract every backend keeps (the change feed of the
    /// devices' cursors rests on it): each committed write gets a sequence
    /// number larger than every number a read could have returned before
    /// that write committed. A cursor taken from a read therefore never
    /// skips a write that commits later. (SQLite has one writer, so
    /// commit order is sequence order; a backend with concurrent writers
    /// must give the same guarantee, see `db::conformance`.)
    fn changed_since(&self, username: &str, cursor: u64, limit: u32) -> StoreResult<Changed>;
    fn current_seq(&self) -> StoreResult<u64>;
    fn list_inspections(&self, filter: &InspectionFilter, page: PageReq) -> StoreResult<Page<InspectionRow>>;
    fn latest_score(&self, doc: &DocumentId) -> StoreResult<Option<ScoreRow>>;
    fn score_history(&self, doc: &DocumentId) -> StoreResult<Vec<ScoreRow>>;
    /// Records a score computed without new changes (e.g. a photo arrived).
    fn add_score(
        &self,
        doc: &DocumentId,
        heads: &[ChangeHash],
        summary: &DocSummary,
        score: &ScoreWrite,
        now: i64,
    ) -> StoreResult<()>;
    /// Which of these photos have arrived and are granted to `doc` (the
    /// evidence facts scoring needs).
    fn received(&self, doc: &DocumentId, sha256s: &[String]) -> StoreResult<BTreeSet<String>>;
    /// Whether a region containing the centre reported this quarter: its
    /// inspections no longer change.
    fn quarter_reported(&self, centre_code: &str, quarter: &str) -> StoreResult<bool>;
    /// The document inspectors of this centre, quarter and purpose (and,
    /// for a follow-up, template) were assigned to.
    fn assigned_doc(
        &self,
        centre_code: &str,
        quarter: &str,
        purpose: Purpose,
        template: Option<&TemplateRef>,
    ) -> StoreResult<Option<DocumentId>>;
    /// Creates `new_doc` (when given) and assigns each inspector to it.
    fn create_assignments(
        &self,
        new_doc: Option<DocWrite>,
        doc: DocumentId,
        inspectors: &[String],
        assigned_by: &str,
        now: i64,
    ) -> StoreResult<Vec<Assignment>>;
    fn cancel_assignment(&self, id: i64) -> StoreResult<bool>;
    fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>>;
    fn list_assignments(
        &self,
        scope: &Scope,
        inspector: Option<&str>,
        quarter: Option<&str>,
    ) -> StoreResult<Vec<Assignment>>;
}

/// What identifies an inspection, fixed when it is created.
#[derive(Debug, Clone, PartialEq)]
pub struct DocMeta {
    pub doc: DocumentId,
    pub centre_code: String,
    pub template: TemplateRef,
    pub purpose: Purpose,
    pub created_by: String,
    pub created_at: i64,
    pub quarter: String,
}

/// A document as stored: a snapshot plus the changes since.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub meta: DocMeta,
    pub snapshot: Vec<u8>,
    pub changes: Vec<Vec<u8>>,
}

/// The columns lists and filters read, derived from the latest score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct DocSummary {
    #[schema(value_type = String, pattern = "^(draft|submitted|returned|approved)$")]
    pub status: WorkflowStatus,
    pub total: Option<f64>,
    #[schema(value_type = Option<String>, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Option<Grade>,
    pub complete: bool,
    #[schema(value_type = Option<String>)]
    pub on_site: Option<OnSiteStatus>,
    pub vetoes: u32,
    pub conflicts: u32,
    /// Missing or off-site photos, samples too small.
    pub evidence_problems: u32,
    /// Attachment 5 figures of the report; kept for the statistics, not listed.
    #[serde(skip)]
    #[ts(skip)]
    pub figures: BTreeMap<StatFigure, f64>,
}

#[derive(Debug, Clone)]
pub struct ScoreWrite {
    pub total: f64,
    pub grade: Grade,
    /// The whole report; how it is kept (compressed JSON in SQLite) is the backend's business.
    pub report: Box<xuncha_core::scoring::Report>,
    pub reason: String,
}

/// Everything one accepted round writes for one document, in one transaction.
#[derive(Debug, Clone)]
pub struct DocWrite {
    pub meta: DocMeta,
    pub is_new: bool,
    /// The document's heads the write was built on (as committed before).
    pub base_heads: Vec<ChangeHash>,
    pub new_changes: Vec<(ChangeHash, Vec<u8>)>,
    pub heads: Vec<ChangeHash>,
    /// A fresh full save replacing the snapshot and the stored changes.
    pub compacted: Option<Vec<u8>>,
    pub summary: DocSummary,
    pub score: Option<ScoreWrite>,
    pub members: Vec<String>,
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Assignment {
    pub id: i64,
    pub centre_code: String,
    pub quarter: String,
    #[schema(value_type = String, pattern = "^(routine|random|recognition|thematic|follow_up)$")]
    pub purpose: Purpose,
    pub inspector: String,
    #[schema(value_type = String)]
    pub doc: DocumentId,
    pub template: TemplateRefView,
    pub assigned_by: String,
    pub created_at: i64,
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct InspectionRow {
    #[schema(value_type = String)]
    pub doc: DocumentId,
    pub centre_code: String,
    pub centre_name: String,
    #[schema(value_type = String)]
    pub centre_type: CentreType,
    #[schema(value_type = Object)]
    pub region: Region,
    pub template: TemplateRefView,
    /// Why it is made: 日常巡查, 双随机抽查, 认定核查, 专项检查 or 复查.
    #[schema(value_type = String, pattern = "^(routine|random|recognition|thematic|follow_up)$")]
    pub purpose: Purpose,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub quarter: String,
    pub change_count: u64,
    /// Whether it counts in statistics and as the centre's official result:
    /// signed work of an assignment, or any work a supervisor approved
    /// (an inspection a device started on its own needs that approval).
    pub official: bool,
    #[serde(flatten)]
    pub summary: DocSummary,
    /// The centre's registered position, `[lon, lat]` (maps and GeoJSON;
    /// not part of the list's answer, which names the centre by code).
    #[serde(skip)]
    pub centre_position: [f64; 2],
}

#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub scope: Scope,
    /// Only inspections this user works on (inspectors).
    pub member: Option<String>,
    pub quarter: Option<String>,
    pub purpose: Option<Purpose>,
    pub centre_type: Option<CentreType>,
    pub status: Option<WorkflowStatus>,
    pub grade: Option<Grade>,
    pub centre_code: Option<String>,
    pub township: Option<String>,
    /// A template id (any version).
    pub template: Option<String>,
    /// Only versions of it below this one (drafts a newer version may carry).
    pub template_below: Option<u32>,
    /// Every flag must hold.
    pub flags: Vec<InspectionFlag>,
    pub sort: InspectionSort,
    /// Oldest, lowest or A–Z first; the default is newest or highest first.
    pub ascending: bool,
}

/// What a supervisor looks for first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectionFlag {
    /// No fix inside the geofence at the required accuracy (未现场核验).
    NotVerified,
    /// Concurrent different answers still open.
    Conflicts,
    /// Required or on-site photos missing, samples too small.
    MissingEvidence,
    /// A critical item failed the inspection (一票否决).
    Veto,
}

impl InspectionFlag {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "not_verified" => Some(Self::NotVerified),
            "conflicts" => Some(Self::Conflicts),
            "missing_evidence" => Some(Self::MissingEvidence),
            "veto" => Some(Self::Veto),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionSort {
    #[default]
    Updated,
    Total,
    Centre,
    Quarter,
}

impl InspectionSort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "updated" => Some(Self::Updated),
            "total" => Some(Self::Total),
            "centre" => Some(Self::Centre),
            "quarter" => Some(Self::Quarter),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ScoreRow {
    pub id: i64,
    /// Hex change hashes of the document state that produced the score.
    pub heads: Vec<String>,
    pub total: f64,
    #[schema(value_type = String, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Grade,
    pub reason: String,
    pub computed_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    #[ts(as = "Option<xuncha_core::scoring::Report>", optional)]
    pub report: Option<serde_json::Value>,
}
