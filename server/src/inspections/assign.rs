//! Assigning inspectors to a task: a centre, a quarter and a purpose. The
//! first assignment of a task creates the inspection document (server
//! actor); later ones join the same document, so co-inspectors merge their
//! work. A centre may have one inspection per purpose and quarter.

use super::InspectionError;
use super::service::{Inspections, Round, changes_since};
use super::store::{Assignment, DocMeta};
use crate::accounts::store::{Role, User};
use crate::quarter::is_quarter;
use xuncha_core::document::{InspectionDoc, NewInspection, Purpose};
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, DocumentId};

pub const MAX_INSPECTORS: usize = 20;

/// What inspectors are assigned to: a centre, a quarter, a purpose and, for
/// a follow-up (复查), the checklist the server made for it, which makes the
/// task its own (a centre may be re-checked more than once a quarter).
#[derive(Debug, Clone)]
pub struct Task<'a> {
    pub centre_code: &'a str,
    pub quarter: &'a str,
    pub purpose: Purpose,
    pub template: Option<TemplateRef>,
}

impl Inspections {
    /// Blocking: call from `spawn_blocking`.
    pub fn assign(
        &self,
        by: &User,
        centre_code: &str,
        quarter: &str,
        purpose: Purpose,
        inspectors: &[String],
    ) -> Result<Vec<Assignment>, InspectionError> {
        if purpose == Purpose::FollowUp {
            return Err(InspectionError::Invalid(
                "a follow-up (复查) is made from a centre's open problems (POST /api/v1/problems/followup)".into(),
            ));
        }
        self.assign_task(by, &Task { centre_code, quarter, purpose, template: None }, inspectors)
    }

    /// Blocking: call from `spawn_blocking`.
    pub fn assign_task(
        &self,
        by: &User,
        task: &Task<'_>,
        inspectors: &[String],
    ) -> Result<Vec<Assignment>, InspectionError> {
        let centre = self.check_task(by, task, inspectors)?;
        let Task { quarter, purpose, .. } = *task;
        let (doc, new_doc) = match self.docs.assigned_doc(&centre.code, quarter, purpose, task.template.as_ref())? {
            Some(doc) => (doc, None),
            None => {
                let known = match &task.template {
                    Some(r) => self.templates.get(r).filter(|k| k.template.centre_type == centre.centre_type),
                    None => self.templates.for_centre(&centre, purpose),
                }
                .ok_or_else(|| InspectionError::Invalid("no template for this centre type and purpose".into()))?;
                let now = crate::storage::now_ms();
                let new = NewInspection {
                    centre_code: centre.code.clone(),
                    template: known.template.reference(),
                    purpose,
                    created_by: by.username.clone(),
                    created_by_name: by.display_name.clone(),
                    at: now,
                };
                let d = InspectionDoc::create(self.server_actor(), &new, &known.template)
                    .map_err(|e| InspectionError::Internal(e.to_string()))?;
                let snap = d.snapshot().map_err(|e| InspectionError::Internal(e.to_string()))?;
                let id = DocumentId::random();
                let mut am = d.into_automerge();
                let meta = DocMeta {
                    doc: id,
                    centre_code: centre.code.clone(),
                    template: known.template.reference(),
                    purpose,
                    created_by: by.username.clone(),
                    created_at: now,
                    quarter: quarter.to_owned(),
                };
                let new_changes = changes_since(&mut am, &[]);
                let round = Round {
                    meta,
                    is_new: true,
                    base: Vec::new(),
                    new_changes,
                    pending: 0,
                    members: Vec::new(),
                    reason: "created",
                };
                let write = self.doc_write(&mut am, &snap, round)?;
                (id, Some(write))
            }
        };
        let rows = self.docs.create_assignments(new_doc, doc, inspectors, &by.username, crate::storage::now_ms())?;
        tracing::info!(centre = %centre.code, quarter, purpose = purpose.as_str(), by = %by.username, "assigned");
        Ok(rows)
    }
}

impl Inspections {
    /// What assigning `task` to `inspectors` needs: the caller oversees the
    /// centre, the quarter is one, the inspectors are active inspectors of
    /// its region. Returns the centre. Writes nothing.
    pub fn check_task(&self, by: &User, task: &Task<'_>, inspectors: &[String]) -> Result<Centre, InspectionError> {
        let Task { centre_code, quarter, .. } = *task;
        if !by.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(InspectionError::Forbidden);
        }
        if !is_quarter(quarter) {
            return Err(InspectionError::Invalid(format!("`{quarter}` is not a quarter like 2026Q4")));
        }
        if inspectors.is_empty() || inspectors.len() > MAX_INSPECTORS {
            return Err(InspectionError::Invalid(format!("assign 1 to {MAX_INSPECTORS} inspectors")));
        }
        let centre = self
            .catalog
            .centre(centre_code)?
            .ok_or_else(|| InspectionError::Invalid(format!("no centre `{centre_code}`")))?;
        if !by.oversees(&centre.region) {
            return Err(InspectionError::Forbidden);
        }
        for name in inspectors {
            match self.users.user_by_name(name)? {
                Some((u, _)) if u.role == Role::Inspector && !u.disabled && u.scope.covers(&centre.region) => {}
                _ => {
                    return Err(InspectionError::Invalid(format!(
                        "`{name}` is not an active inspector of this centre's region"
                    )));
                }
            }
        }
        Ok(centre)
    }

    /// Cancels an assignment of the caller's region; the inspection and its data stay.
    pub fn cancel_assignment(&self, by: &User, id: i64) -> Result<(), InspectionError> {
        if !by.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(InspectionError::Forbidden);
        }
        let a = self.docs.assignment(id)?.ok_or(InspectionError::Missing("assignment"))?;
        let centre = self.catalog.centre(&a.centre_code)?.ok_or(InspectionError::Missing("centre"))?;
        if !by.oversees(&centre.region) {
            return Err(InspectionError::Forbidden);
        }
        self.docs.cancel_assignment(id)?;
        Ok(())
    }

    /// Inspectors see their own; supervisors and administrators their region's.
    pub fn assignments(
        &self,
        user: &User,
        inspector: Option<String>,
        quarter: Option<&str>,
    ) -> Result<Vec<Assignment>, InspectionError> {
        let inspector = match user.role {
            Role::Inspector => Some(user.username.clone()),
            _ => inspector,
        };
        Ok(self.docs.list_assignments(&user.scope, inspector.as_deref(), quarter)?)
    }
}
