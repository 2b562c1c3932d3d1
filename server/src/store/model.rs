//! Records the storage layer reads and writes; no SQL here.

use automerge::{ActorId, ChangeHash};
use serde::{Deserialize, Serialize};
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, CentreType, DocumentId, Region};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Inspector,
    Supervisor,
    Administrator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspector => "inspector",
            Self::Supervisor => "supervisor",
            Self::Administrator => "administrator",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "inspector" => Ok(Self::Inspector),
            "supervisor" => Ok(Self::Supervisor),
            "administrator" => Ok(Self::Administrator),
            _ => Err(format!("unknown role `{s}` (inspector, supervisor or administrator)")),
        }
    }
}

/// The region a user answers for. An empty level covers everything below
/// the levels given: `{province: "河北省"}` is the whole province; all
/// empty is the whole country (national administrators only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Scope {
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub county: String,
}

impl Scope {
    pub fn covers(&self, r: &Region) -> bool {
        let level = |mine: &str, theirs: &str| mine.is_empty() || mine == theirs;
        level(&self.province, &r.province) && level(&self.city, &r.city) && level(&self.county, &r.county)
    }

    /// Why this scope does not fit a user of `role`: a lower level is given
    /// only with the levels above it, and supervisors and inspectors work in
    /// a province, a city or a county, never the whole country (that is an
    /// administrator's view).
    pub fn check_for(&self, role: Role) -> Result<(), &'static str> {
        if (self.province.is_empty() && !self.city.is_empty()) || (self.city.is_empty() && !self.county.is_empty()) {
            return Err("a city needs its province, a county its city");
        }
        if role != Role::Administrator && self.province.is_empty() {
            return Err(
                "supervisors and inspectors work in a province, a city or a county: give at least the province",
            );
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked: bool,
    pub actors: Vec<ActorId>,
}

/// What identifies an inspection, fixed when it is created.
#[derive(Debug, Clone, PartialEq)]
pub struct DocMeta {
    pub doc: DocumentId,
    pub centre_code: String,
    pub template: TemplateRef,
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
    /// draft, submitted, returned or approved
    pub status: String,
    pub total: Option<f64>,
    #[ts(as = "Option<xuncha_core::scoring::Grade>")]
    pub grade: Option<String>,
    pub complete: bool,
    pub on_site: Option<String>,
    pub vetoes: u32,
    pub conflicts: u32,
    /// Missing or off-site photos, samples too small.
    pub evidence_problems: u32,
    /// Attachment 5 figures of the report as JSON (`{figure: value}`); kept
    /// for the statistics, not listed.
    #[serde(skip)]
    pub figures: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ScoreWrite {
    pub total: f64,
    pub grade: String,
    /// The report as JSON, DEFLATE-compressed (it is written on every round).
    pub report_deflated: Vec<u8>,
    pub reason: String,
}

/// Everything one accepted round writes for one document, in one transaction.
#[derive(Debug, Clone)]
pub struct DocWrite {
    pub meta: DocMeta,
    pub is_new: bool,
    pub new_changes: Vec<(ChangeHash, Vec<u8>)>,
    pub heads: Vec<ChangeHash>,
    /// A fresh full save replacing the snapshot and the stored changes.
    pub compacted: Option<Vec<u8>>,
    pub summary: DocSummary,
    pub score: Option<ScoreWrite>,
    pub members: Vec<String>,
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assignment {
    pub id: i64,
    pub centre_code: String,
    pub quarter: String,
    pub inspector: String,
    #[schema(value_type = String)]
    pub doc: DocumentId,
    pub template: TemplateRefView,
    pub assigned_by: String,
    pub created_at: i64,
    pub cancelled: bool,
}

/// `TemplateRef` as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct TemplateRefView {
    pub id: String,
    pub version: u32,
}

impl From<&TemplateRef> for TemplateRefView {
    fn from(t: &TemplateRef) -> Self {
        Self { id: t.id.clone(), version: t.version }
    }
}

impl From<&TemplateRefView> for TemplateRef {
    fn from(t: &TemplateRefView) -> Self {
        Self { id: t.id.clone(), version: t.version }
    }
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
}

#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub scope: Scope,
    /// Only inspections this user works on (inspectors).
    pub member: Option<String>,
    pub quarter: Option<String>,
    pub centre_type: Option<CentreType>,
    pub status: Option<String>,
    pub grade: Option<String>,
    pub centre_code: Option<String>,
    pub township: Option<String>,
    /// A template id (any version).
    pub template: Option<String>,
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

#[derive(Debug, Clone, Default)]
pub struct CentreFilter {
    pub scope: Scope,
    pub centre_type: Option<CentreType>,
    pub query: Option<String>,
    pub status: Option<xuncha_core::CentreStatus>,
}

/// A centre's latest signed (submitted or approved) inspection.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct LatestScore {
    #[schema(value_type = String)]
    #[ts(as = "String")]
    pub doc: DocumentId,
    pub quarter: String,
    pub total: f64,
    #[ts(as = "xuncha_core::scoring::Grade")]
    pub grade: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegistryEntry {
    pub centre: Centre,
    pub latest: Option<LatestScore>,
}

/// One inspection as the statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatDoc {
    pub centre_code: String,
    pub city: String,
    pub county: String,
    pub quarter: String,
    pub status: String,
    pub total: Option<f64>,
    pub grade: Option<String>,
    /// JSON `{figure: value}` of the latest report.
    pub figures: Option<String>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CityPopulation {
    pub province: String,
    pub city: String,
    /// Resident population (persons).
    pub population: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct PageReq {
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ScoreRow {
    pub id: i64,
    /// Hex change hashes of the document state that produced the score.
    pub heads: Vec<String>,
    pub total: f64,
    #[ts(as = "xuncha_core::scoring::Grade")]
    pub grade: String,
    pub reason: String,
    pub computed_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    #[ts(as = "Option<xuncha_core::scoring::Report>", optional)]
    pub report: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlobRow {
    pub sha256: String,
    pub bytes: u64,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub uploaded_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct VariantRow {
    pub template: TemplateRef,
    pub province: String,
    pub centre_type: CentreType,
    pub source: String,
    pub json: String,
    pub created_by: String,
    pub created_at: i64,
}

/// A quarter a region has reported (上报): devices change nothing in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportedQuarter {
    pub quarter: String,
    pub scope: Scope,
    pub reported_by: String,
    pub reported_at: i64,
}
