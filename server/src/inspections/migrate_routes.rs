//! Moving open drafts to a newer template version: a preview of what would
//! move, then the move. Administrators only, within their region.

use super::Inspections;
use super::migrate::DraftMigration;
use crate::accounts::store::Role;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{FromRef, Path, State};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::template::TemplateRef;

/// How many open drafts of earlier versions would move to this version.
#[utoipa::path(get, path = "/api/v1/templates/{id}/{version}/drafts", operation_id = "preview_draft_migration", tag = "templates",
    params(("id" = String, Path), ("version" = u32, Path)),
    responses((status = 200, body = DraftMigration), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Path((id, version)): Path<(String, u32)>,
) -> ApiResult<Json<DraftMigration>> {
    auth.require(&[Role::Administrator])?;
    Ok(Json(inspections.draft_migration(&auth.user, TemplateRef { id, version }).await?))
}

/// Moves the open drafts (nobody signed off) of earlier versions to this
/// version; signed-off inspections keep theirs. The move is a change in each
/// document, so it reaches the inspectors' devices by sync.
#[utoipa::path(post, path = "/api/v1/templates/{id}/{version}/drafts", operation_id = "migrate_drafts", tag = "templates",
    params(("id" = String, Path), ("version" = u32, Path)),
    responses((status = 200, body = DraftMigration), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn migrate(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Path((id, version)): Path<(String, u32)>,
) -> ApiResult<Json<DraftMigration>> {
    auth.require(&[Role::Administrator])?;
    Ok(Json(inspections.migrate_drafts(&auth.user, TemplateRef { id, version }).await?))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Inspections>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(preview, migrate))
}
