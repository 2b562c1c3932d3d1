//! What the catalogue stores: centres and the evaluation templates' variants.

use super::communities::Community;
use crate::storage::StoreResult;
use serde::{Deserialize, Serialize};
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, CentreStatus, CentreType};

pub trait CatalogStore: Send + Sync {
    /// Inserts or replaces all the centres in one transaction.
    fn upsert_centres(&self, centres: &[Centre], now: i64) -> StoreResult<usize>;
    fn centre(&self, code: &str) -> StoreResult<Option<Centre>>;
    /// Records since when centres have had their statuses (a registry's
    /// dated history: the day a centre was built).
    fn date_statuses(&self, rows: &[(String, CentreStatus, i64)]) -> StoreResult<()>;
    /// Inserts or replaces all the communities in one transaction.
    fn upsert_communities(&self, rows: &[Community], now: i64) -> StoreResult<usize>;
    /// The communities the given centres serve (at most 100 each).
    fn communities_served(&self, centre_codes: &[String]) -> StoreResult<Vec<Community>>;
    /// False when that id and version exist already.
    fn put_variant(&self, variant: &VariantRow) -> StoreResult<bool>;
    fn variants(&self) -> StoreResult<Vec<VariantRow>>;
    /// The task a follow-up's checklist was made for: its centre and the
    /// inspectors assigned to it (not cancelled). None: no task uses it.
    fn template_task(&self, template: &TemplateRef) -> StoreResult<Option<(String, Vec<String>)>>;
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
