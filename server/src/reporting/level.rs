//! The levels of the report chain and who reviews whom.

use crate::accounts::store::Scope;
use serde::{Deserialize, Serialize};

/// Who reports: a county fills its report, a city consolidates its
/// counties', a province its cities' and sends the result to the ministry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportLevel {
    County,
    City,
    Province,
}

impl ReportLevel {
    /// The level of a region; None for the whole country (the ministry's view).
    pub fn of(scope: &Scope) -> Option<Self> {
        match scope {
            s if !s.county.is_empty() => Some(Self::County),
            s if !s.city.is_empty() => Some(Self::City),
            s if !s.province.is_empty() => Some(Self::Province),
            _ => None,
        }
    }
}

/// The region one level up, which reviews a region's report (a province's
/// report goes to the ministry, outside Xuncha).
pub fn parent_of(scope: &Scope) -> Option<Scope> {
    match ReportLevel::of(scope)? {
        ReportLevel::County => Some(Scope { county: String::new(), ..scope.clone() }),
        ReportLevel::City => Some(Scope { province: scope.province.clone(), ..Scope::default() }),
        ReportLevel::Province => None,
    }
}
