//! `POST /api/v1/problems/{id}/photos`: a photo of the centre's
//! rectification (整改反馈), sent whole from the dashboard and granted to
//! the inspection that found the problem; the feedback then names it.

use super::Problems;
use crate::accounts::{Accounts, Caller};
use crate::http::{ApiError, ApiResult, ErrorBody, body_bytes};
use crate::photos::Photos;
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Serialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct StoredPhoto {
    pub sha256: String,
}

/// Stores a rectification photo (JPEG, PNG or WebP) for an issued problem.
#[utoipa::path(post, path = "/api/v1/problems/{id}/photos", operation_id = "problem_photo", tag = "problems",
    params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = StoredPhoto), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(problems): State<Arc<Problems>>,
    State(photos): State<Arc<Photos>>,
    Caller(auth): Caller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<StoredPhoto>)> {
    check_photo_type(&headers)?;
    let body = body_bytes(body, usize::try_from(photos.limits().photo_bytes).unwrap_or(usize::MAX))?;
    let doc = problems.evidence_doc(&auth.user, id).await?;
    let sha256 = photos.accept_whole(&auth.user, body.to_vec(), vec![doc]).await?;
    Ok((StatusCode::CREATED, Json(StoredPhoto { sha256 })))
}

/// Refuses a body that does not say it is a JPEG, PNG or WebP photo.
pub fn check_photo_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = sent.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match matches!(essence.as_str(), "image/jpeg" | "image/png" | "image/webp") {
        true => Ok(()),
        false => Err(ApiError::Unsupported(format!("a photo is image/jpeg, image/png or image/webp, not `{essence}`"))),
    }
}

pub fn router<S>(photo_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Problems>: FromRef<S>,
    Arc<Photos>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(upload)).layer(DefaultBodyLimit::max(photo_bytes))
}
