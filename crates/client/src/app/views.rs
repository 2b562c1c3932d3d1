//! What the app's screens show, shaped for the UI. Every type here is
//! exported to TypeScript (ui/src/lib/types.gen.ts).

use crate::sync::SyncState;
use crate::views::PhotoSync;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use xuncha_core::document::{FixSource, InspectionSnapshot, Purpose, WorkflowStatus};
use xuncha_core::location::FixCheck;
use xuncha_core::scoring::{Grade, Report};
use xuncha_core::template::Template;
use xuncha_core::{Centre, DocumentId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-CN" => Some(Self::ZhCn),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Desktop,
    Mobile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Me {
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AppStatus {
    /// Null until the device is enrolled (first run).
    pub me: Option<Me>,
    pub server_url: Option<String>,
    pub language: Language,
    pub platform: Platform,
    pub version: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct EnrolRequest {
    pub server_url: String,
    pub username: String,
    pub password: String,
    pub device_name: String,
}

/// Where an inspection stands, in the inspector's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Assigned, nothing recorded yet.
    NotStarted,
    /// Work recorded, not signed.
    Draft,
    /// Signed on this device, not on the server yet.
    Signed,
    /// Signed and received by the server.
    Synced,
    /// The supervisor sent it back for rework.
    Returned,
    Approved,
}

impl Stage {
    pub fn of(snap: &InspectionSnapshot, unsynced: bool) -> Self {
        let started =
            !(snap.answers.is_empty() && snap.photos.is_empty() && snap.item_notes.is_empty() && snap.notes.is_empty());
        Self::from_parts(snap.status(), started, unsynced)
    }

    /// From the workflow status, whether anything is recorded, and whether
    /// the server has everything.
    pub fn from_parts(status: WorkflowStatus, started: bool, unsynced: bool) -> Self {
        match status {
            WorkflowStatus::Approved => Self::Approved,
            WorkflowStatus::Returned => Self::Returned,
            WorkflowStatus::Submitted if unsynced => Self::Signed,
            WorkflowStatus::Submitted => Self::Synced,
            WorkflowStatus::Draft if !started => Self::NotStarted,
            WorkflowStatus::Draft => Self::Draft,
        }
    }
}

/// One assignment on the "my centres" screen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CentreCard {
    pub assignment: i64,
    pub quarter: String,
    /// 日常巡查, 双随机抽查, 复查…
    pub purpose: Purpose,
    pub doc: DocumentId,
    pub centre_code: String,
    /// Null when the centre is not in this device's catalog (sync first).
    pub centre: Option<Centre>,
    /// Null while the inspection has not reached this device (sync first).
    pub stage: Option<Stage>,
    pub answered: u32,
    pub items: u32,
    /// Edits the server has not acknowledged yet.
    pub unsynced: bool,
    /// Why the server last refused this inspection, if it did.
    pub refused: Option<String>,
    /// From the newest position this device recorded; null without one.
    pub distance_m: Option<f64>,
    /// The provisional score, once the inspection is on this device.
    pub total: Option<f64>,
    pub grade: Option<Grade>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LastInspection {
    pub doc: DocumentId,
    pub stage: Stage,
    pub total: f64,
    pub grade: Grade,
    pub started_at: i64,
}

/// The centre's newest signed inspection as the server scored it (official),
/// whoever did it: what the centre stood at last time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfficialResult {
    pub quarter: String,
    pub total: f64,
    pub grade: Grade,
    /// submitted or approved
    pub status: WorkflowStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CentreDetail {
    pub centre: Centre,
    pub cards: Vec<CentreCard>,
    /// The newest inspection of this centre on the device with work recorded.
    pub last: Option<LastInspection>,
    /// The newest official result from the server, as of the last catalog refresh.
    pub official: Option<OfficialResult>,
}

/// The checklist screen's whole state.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InspectionView {
    pub doc: DocumentId,
    /// The assignment's quarter, or empty for an inspection without one.
    pub quarter: String,
    pub centre: Centre,
    pub template: Template,
    pub snapshot: InspectionSnapshot,
    /// The provisional score: the server's engine and inputs, on the device.
    pub report: Report,
    pub stage: Stage,
    pub unsynced: bool,
    pub refused: Option<String>,
    /// This device's user.
    pub me: String,
    pub signed_by_me: bool,
    /// The newest fix of this inspection, checked against the centre and its geofence.
    pub position: Option<FixCheck>,
}

/// A position from the platform (GNSS, network) or typed in by hand.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FixInput {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub source: FixSource,
    /// What the OS says about mock locations, where it says anything.
    pub mock: Option<bool>,
    /// When the platform took the position (ms since the epoch), if it says;
    /// otherwise the fix is dated when it is recorded.
    #[serde(default)]
    #[ts(optional)]
    pub taken_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DocIssue {
    pub doc: DocumentId,
    pub centre_code: String,
    pub centre_name: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncPanel {
    pub state: SyncState,
    /// Inspections with edits the server has not acknowledged.
    pub pending_documents: u32,
    /// Photos still to upload or refused for good.
    pub photos: Vec<PhotoSync>,
    pub last_success: Option<i64>,
    pub refused: Vec<DocIssue>,
    pub server_url: Option<String>,
}
