//! What the 标杆样板 workflow stores: each nomination, its case write-up,
//! the inspection it rests on, its state and the append-only record of
//! who did what and when.

use crate::accounts::store::Scope;
use crate::storage::StoreResult;
use serde::{Deserialize, Serialize};
use xuncha_core::CentreType;
use xuncha_core::scoring::Grade;

pub trait ExemplarStore: Send + Sync {
    /// Records a nomination; None when the centre has one still open
    /// (nominated or publicised) or recognised.
    fn nominate(&self, n: &NewExemplar, event: &ExemplarEvent) -> StoreResult<Option<i64>>;
    fn exemplar(&self, id: i64) -> StoreResult<Option<Exemplar>>;
    /// Nominations of centres in `scope`, newest first, at most `limit`.
    fn exemplars(&self, scope: &Scope, states: &[ExemplarState], limit: u32) -> StoreResult<Vec<Exemplar>>;
    /// Moves a nomination from `from` to `to` and appends the event, in one
    /// transaction; false when it was not in `from` (nothing written).
    fn move_exemplar(
        &self,
        id: i64,
        from: &[ExemplarState],
        to: ExemplarState,
        comment_until: Option<&str>,
        event: &ExemplarEvent,
    ) -> StoreResult<bool>;
    /// Appends an event that changes no state (an objection, 异议).
    fn note_exemplar(&self, id: i64, event: &ExemplarEvent) -> StoreResult<()>;
}

/// 推荐 → 公示 → 认定, or 不予认定.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExemplarState {
    Nominated,
    Publicized,
    Recognised,
    Rejected,
}

impl ExemplarState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nominated => "nominated",
            Self::Publicized => "publicized",
            Self::Recognised => "recognised",
            Self::Rejected => "rejected",
        }
    }
}

impl std::str::FromStr for ExemplarState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Nominated, Self::Publicized, Self::Recognised, Self::Rejected]
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("unknown exemplar state `{s}`"))
    }
}

/// The case write-up (可复制可推广经验) the nomination proposes for 三(七).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CaseWriteUp {
    pub title: String,
    /// What the centre does that others can copy.
    pub summary: String,
    /// Its practices, one per line item.
    #[serde(default)]
    pub practices: Vec<String>,
}

/// The official inspection the nomination rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Basis {
    pub doc: String,
    pub quarter: String,
    pub total: f64,
    #[schema(value_type = String)]
    #[ts(as = "String")]
    pub grade: Grade,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ExemplarEvent {
    pub at: i64,
    pub by: String,
    /// nominated, publicized, objection, recognised, rejected
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct NewExemplar {
    pub centre_code: String,
    pub centre_name: String,
    pub centre_type: CentreType,
    pub region: Scope,
    pub case: CaseWriteUp,
    pub basis: Basis,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Exemplar {
    pub id: i64,
    pub centre_code: String,
    pub centre_name: String,
    #[schema(value_type = String)]
    #[ts(as = "String")]
    pub centre_type: CentreType,
    pub region: Scope,
    pub state: ExemplarState,
    pub case: CaseWriteUp,
    pub basis: Basis,
    /// The last day of the publicity (公示) for objections, YYYY-MM-DD.
    pub comment_until: Option<String>,
    /// Oldest first.
    pub events: Vec<ExemplarEvent>,
}
