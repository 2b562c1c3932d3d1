//! Assigning inspectors to a centre for a quarter. The first assignment of
//! a centre and quarter creates the inspection document (server actor);
//! later ones join the same document, so co-inspectors merge their work.

use crate::auth::Auth;
use crate::docs::{changes_since, score_snapshot};
use crate::error::ApiError;
use crate::quarter::is_quarter;
use crate::state::AppState;
use crate::store::{Assignment, DocMeta, DocWrite, Role};
use xuncha_core::DocumentId;
use xuncha_core::document::{InspectionDoc, NewInspection};

pub const MAX_INSPECTORS: usize = 20;

/// Blocking: call from `spawn_blocking`.
pub fn assign(
    state: &AppState,
    by: &Auth,
    centre_code: &str,
    quarter: &str,
    inspectors: &[String],
) -> Result<Vec<Assignment>, ApiError> {
    by.require(&[Role::Supervisor, Role::Administrator])?;
    if !is_quarter(quarter) {
        return Err(ApiError::Invalid(format!("`{quarter}` is not a quarter like 2026Q4")));
    }
    if inspectors.is_empty() || inspectors.len() > MAX_INSPECTORS {
        return Err(ApiError::Invalid(format!("assign 1 to {MAX_INSPECTORS} inspectors")));
    }
    let store = state.store.as_ref();
    let centre = store.centre(centre_code)?.ok_or_else(|| ApiError::Invalid(format!("no centre `{centre_code}`")))?;
    if !by.oversees(&centre.region) {
        return Err(ApiError::forbidden());
    }
    for name in inspectors {
        match store.user_by_name(name)? {
            Some((u, _)) if u.role == Role::Inspector && !u.disabled && u.scope.covers(&centre.region) => {}
            _ => return Err(ApiError::Invalid(format!("`{name}` is not an active inspector of this centre's region"))),
        }
    }
    let (doc, new_doc) = match store.assigned_doc(&centre.code, quarter)? {
        Some(doc) => (doc, None),
        None => {
            let known = state
                .templates
                .for_centre(&centre)
                .ok_or_else(|| ApiError::Invalid("no template for this centre type".into()))?;
            let now = crate::now_ms();
            let new = NewInspection {
                centre_code: centre.code.clone(),
                template: known.template.reference(),
                created_by: by.user.username.clone(),
                created_by_name: by.user.display_name.clone(),
                at: now,
            };
            let d = InspectionDoc::create(state.server_actor.clone(), &new, &known.template)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let snap = d.snapshot().map_err(|e| ApiError::Internal(e.to_string()))?;
            let id = DocumentId::random();
            let (summary, score) = score_snapshot(store, &state.templates, &id, &snap, "created")?;
            let mut am = d.into_automerge();
            let write = DocWrite {
                meta: DocMeta {
                    doc: id,
                    centre_code: centre.code.clone(),
                    template: known.template.reference(),
                    created_by: by.user.username.clone(),
                    created_at: now,
                    quarter: quarter.to_owned(),
                },
                is_new: true,
                new_changes: changes_since(&mut am, &[]),
                heads: am.get_heads(),
                compacted: Some(am.save()),
                summary,
                score,
                members: Vec::new(),
                photos: Vec::new(),
            };
            (id, Some(write))
        }
    };
    let rows = store.create_assignments(new_doc, doc, inspectors, &by.user.username, crate::now_ms())?;
    tracing::info!(centre = %centre.code, quarter, by = %by.user.username, "assigned");
    Ok(rows)
}
