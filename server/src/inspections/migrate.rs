//! Moving open drafts to a newer template version (模板版本迁移). An
//! administrator moves the drafts of their region explicitly, after seeing
//! how many there are; each move is a change in the document by the
//! server's actor, so it reaches the devices by sync. Signed-off work keeps
//! the version it was signed on. Answers a device wrote on the old version
//! after the move are carried after its next round (`carry_stragglers`).

use super::InspectionError;
use super::cache::LoadedDoc;
use super::service::{Inspections, blocking};
use super::store::InspectionFilter;
use crate::accounts::store::{Role, User};
use crate::catalog::store::TemplateRefView;
use crate::storage::PageReq;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use xuncha_core::DocumentId;
use xuncha_core::document::{InspectionSnapshot, WorkflowStatus};
use xuncha_core::template::{TemplateRef, plan_migration, plan_stragglers};

/// Drafts one request moves at most; the rest wait for the next request.
pub const MAX_DRAFTS_PER_MOVE: u32 = 2_000;

/// Open drafts of earlier versions of a template, in the caller's region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema, ts_rs::TS)]
pub struct DraftMigration {
    /// The version the drafts would move (or moved) to.
    pub to: TemplateRefView,
    /// Whether this version says how answers of an earlier one map.
    pub has_table: bool,
    /// Open drafts (nobody signed off) on an earlier version, by version.
    pub drafts: Vec<DraftCount>,
    /// Drafts moved by this request (0 for a preview).
    pub moved: u32,
    /// Drafts that could not be moved, with why; the rest were moved.
    pub failed: Vec<DraftFailure>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema, ts_rs::TS)]
pub struct DraftCount {
    pub version: u32,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema, ts_rs::TS)]
pub struct DraftFailure {
    #[ts(as = "String")]
    #[schema(value_type = String)]
    pub doc: DocumentId,
    pub reason: String,
}

impl Inspections {
    /// The open drafts of earlier versions of `to.id` within `by`'s region.
    fn open_drafts(&self, by: &User, to: &TemplateRef) -> Result<Vec<(DocumentId, u32)>, InspectionError> {
        let filter = InspectionFilter {
            scope: by.scope.clone(),
            status: Some(WorkflowStatus::Draft),
            template: Some(to.id.clone()),
            ..InspectionFilter::default()
        };
        let page = self.docs.list_inspections(&filter, PageReq::new(1, MAX_DRAFTS_PER_MOVE))?;
        Ok(page
            .items
            .into_iter()
            .filter(|r| r.template.version < to.version)
            .map(|r| (r.doc, r.template.version))
            .collect())
    }

    fn check_mover(&self, by: &User, to: &TemplateRef) -> Result<(), InspectionError> {
        if by.role != Role::Administrator {
            return Err(InspectionError::Forbidden);
        }
        let known = self.templates.get(to).ok_or(InspectionError::Missing("template version"))?;
        // A province's variant moves only its province's drafts.
        if known.template.province.as_deref().is_some_and(|p| !by.scope.province.is_empty() && p != by.scope.province) {
            return Err(InspectionError::Forbidden);
        }
        Ok(())
    }

    /// What moving the drafts to `to` would move: nothing is written.
    pub async fn draft_migration(
        self: &Arc<Self>,
        by: &User,
        to: TemplateRef,
    ) -> Result<DraftMigration, InspectionError> {
        let (this, by) = (self.clone(), by.clone());
        blocking(move || {
            this.check_mover(&by, &to)?;
            let drafts = this.open_drafts(&by, &to)?;
            Ok(this.summary(&to, &drafts, 0, Vec::new()))
        })
        .await
    }

    fn summary(
        &self,
        to: &TemplateRef,
        drafts: &[(DocumentId, u32)],
        moved: u32,
        failed: Vec<DraftFailure>,
    ) -> DraftMigration {
        let mut counts: std::collections::BTreeMap<u32, u32> = Default::default();
        for (_, v) in drafts {
            *counts.entry(*v).or_default() += 1;
        }
        let has_table = self.templates.get(to).is_some_and(|k| k.template.migration.is_some());
        DraftMigration {
            to: TemplateRefView::from(to),
            has_table,
            drafts: counts.into_iter().map(|(version, count)| DraftCount { version, count }).collect(),
            moved,
            failed,
        }
    }

    /// Moves every open draft of an earlier version of `to.id` in `by`'s
    /// region to `to`. A draft signed off meanwhile is left as it is.
    #[tracing::instrument(name = "migrate_drafts", skip_all, fields(user = %by.username, template = %to))]
    pub async fn migrate_drafts(
        self: &Arc<Self>,
        by: &User,
        to: TemplateRef,
    ) -> Result<DraftMigration, InspectionError> {
        let (this, user) = (self.clone(), by.clone());
        let drafts = {
            let to = to.clone();
            blocking(move || {
                this.check_mover(&user, &to)?;
                this.open_drafts(&user, &to)
            })
            .await?
        };
        let (mut moved, mut failed) = (0, Vec::new());
        for (doc, _) in &drafts {
            let (to, by) = (to.clone(), by.username.clone());
            match self.with_doc(*doc, move |this, slot| this.move_draft(slot, &to, &by)).await {
                Ok(true) => moved += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(doc = %doc, error = %e, "draft not moved");
                    failed.push(DraftFailure { doc: *doc, reason: e.to_string() });
                }
            }
        }
        tracing::info!(moved, failed = failed.len(), "drafts moved to a new template version");
        Ok(self.summary(&to, &drafts, moved, failed))
    }

    /// Moves one loaded draft; `Ok(false)`: it is no longer an open draft of an earlier version.
    fn move_draft(&self, slot: &mut Option<LoadedDoc>, to: &TemplateRef, by: &str) -> Result<bool, InspectionError> {
        let loaded = slot.as_mut().ok_or(InspectionError::NotFound)?;
        let from = loaded.meta.template.clone();
        let snap = xuncha_core::document::InspectionDoc::from_automerge(loaded.doc.fork())
            .and_then(|d| d.snapshot())
            .map_err(|e| InspectionError::Damaged(e.to_string()))?;
        if snap.status() != WorkflowStatus::Draft || from.id != to.id || from.version >= to.version {
            return Ok(false);
        }
        let old = self.templates.get(&from).ok_or(InspectionError::Missing("the draft's template"))?;
        let new = self.templates.get(to).ok_or(InspectionError::Missing("template version"))?;
        let plan = plan_migration(&old.template, &new.template, &snap.answers);
        let at = crate::storage::now_ms();
        self.apply_server_change_to(slot, to, "template migration", |d| {
            d.migrate(from.version, &new.template, &plan, &Default::default(), by, at)
                .map(|_| ())
                .map_err(|e| InspectionError::Invalid(e.to_string()))
        })?;
        Ok(true)
    }

    /// After a device's round on a moved draft: answers it wrote on the old
    /// version land on their mapped items, or wait as conflicts.
    pub fn carry_stragglers(
        &self,
        slot: &mut Option<LoadedDoc>,
        snap: &InspectionSnapshot,
    ) -> Result<(), InspectionError> {
        let Some(last) = snap.migrations.last() else { return Ok(()) };
        let from = TemplateRef { id: snap.template.id.clone(), version: last.from_version };
        let (Some(old), Some(new)) = (self.templates.get(&from), self.templates.get(&snap.template)) else {
            return Ok(());
        };
        let (plan, conflicting) = plan_stragglers(&old.template, &new.template, snap);
        if plan.moved.is_empty() && plan.removed.is_empty() && conflicting.is_empty() {
            return Ok(());
        }
        let to = snap.template.clone();
        let at = crate::storage::now_ms();
        self.apply_server_change_to(slot, &to, "late answers on the old template", |d| {
            d.migrate(from.version, &new.template, &plan, &conflicting, "server", at)
                .map(|_| ())
                .map_err(|e| InspectionError::Invalid(e.to_string()))
        })?;
        tracing::info!(moved = plan.moved.len(), conflicting = conflicting.len(), "late answers carried");
        Ok(())
    }
}
