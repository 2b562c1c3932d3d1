//! What the analysis reads: each item's points lost, summed per county and
//! centre type over a quarter's official inspections.

use crate::accounts::store::Scope;
use crate::storage::StoreResult;
use xuncha_core::CentreType;

pub trait AnalysisStore: Send + Sync {
    /// Per county, centre type, template and item: over the quarter's
    /// official inspections in the scope, how many scored the item, the
    /// points it could give and lost, and how many it vetoed. At most `limit` rows.
    fn item_losses(&self, scope: &Scope, quarter: &str, limit: u32) -> StoreResult<Vec<ItemLossRow>>;
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemLossRow {
    pub county: String,
    pub centre_type: CentreType,
    pub template_id: String,
    /// The newest template version among the inspections (for the item's title).
    pub template_version: u32,
    pub item: String,
    pub section: String,
    pub inspections: u32,
    pub max_points: f64,
    pub lost_points: f64,
    pub vetoes: u32,
}
