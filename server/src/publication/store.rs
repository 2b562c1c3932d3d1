//! What publication stores: frozen versions of a plan's public results.

use crate::accounts::store::Scope;
use crate::storage::StoreResult;
use serde::{Deserialize, Serialize};
use xuncha_core::CentreType;
use xuncha_core::document::Purpose;
use xuncha_core::scoring::Grade;

pub trait PublicationStore: Send + Sync {
    /// Stores the next version of a plan's publication (1 for the first).
    fn publish(&self, p: &NewPublication, now: i64) -> StoreResult<Publication>;
    /// Every version of a plan's publication, oldest first.
    fn publications(&self, plan_id: i64) -> StoreResult<Vec<Publication>>;
    /// The newest version of each published plan, newest first.
    fn latest_publications(&self, limit: u32) -> StoreResult<Vec<Publication>>;
}

#[derive(Debug, Clone)]
pub struct NewPublication {
    pub plan_id: i64,
    pub title: String,
    pub scope: Scope,
    pub quarter: String,
    pub purpose: Purpose,
    pub seed: String,
    pub rows: Vec<PublicRow>,
    /// Why this version corrects the last; empty for the first.
    pub reason: String,
    pub published_by: String,
}

/// One version as stored: what the public reads, and who published it
/// (kept, never shown publicly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Publication {
    #[serde(flatten)]
    pub record: PublicRecord,
    pub published_by: String,
}

/// One version as the public reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PublicRecord {
    pub plan_id: i64,
    pub version: u32,
    pub title: String,
    pub scope: Scope,
    pub quarter: String,
    #[schema(value_type = String)]
    pub purpose: Purpose,
    /// The draw's seed: anyone can re-run the published draw.
    pub seed: String,
    pub rows: Vec<PublicRow>,
    /// Why this version corrects the one before (更正说明); empty for the first.
    pub reason: String,
    pub published_at: i64,
}

/// A centre's result as the public sees it: no inspector, no photo, no note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PublicRow {
    pub centre_code: String,
    pub centre_name: String,
    #[schema(value_type = String)]
    pub centre_type: CentreType,
    pub county: String,
    pub township: String,
    /// None until the inspection is reviewed and approved.
    #[schema(value_type = Option<String>, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Option<Grade>,
    /// The date the result was approved (YYYY-MM-DD, China).
    pub approved_on: Option<String>,
    /// Problems found that are still open, and those closed (销号).
    pub open_problems: u32,
    pub closed_problems: u32,
}
