//! Photos: resumable upload (`HEAD`, `PATCH`, tus core semantics) and
//! reads with region checks and range requests.

use super::PhotoError;
use super::service::{
    Photos, UploadState, append, begin_upload, check_may_upload, check_sha, rescore_referencing, upload_state,
};
use crate::accounts::{Accounts, Auth, DeviceAuth};
use crate::http::{ApiError, ApiResult, ErrorBody, blocking, body_bytes};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const TUS: &str = "1.0.0";

fn upload_headers(status: StatusCode, s: UploadState, total: Option<u64>) -> Response {
    let mut res = status.into_response();
    let h = res.headers_mut();
    h.insert("tus-resumable", HeaderValue::from_static(TUS));
    h.insert("upload-offset", HeaderValue::from(s.offset));
    if let Some(total) = total {
        h.insert("upload-length", HeaderValue::from(total));
    }
    h.insert("x-upload-complete", HeaderValue::from_static(if s.complete { "true" } else { "false" }));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn number_header(headers: &HeaderMap, name: &str) -> ApiResult<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::BadRequest(format!("the `{name}` header (a number) is required")))
}

/// Where an upload stands: `Upload-Offset` is the committed length.
#[utoipa::path(head, path = "/api/v1/blobs/{sha256}", tag = "photos", params(("sha256" = String, Path)),
    responses((status = 200, description = "Upload-Offset header: committed bytes; X-Upload-Complete")))]
pub async fn head_blob(
    State(state): State<Arc<Photos>>,
    auth: DeviceAuth,
    Path(sha): Path<String>,
) -> ApiResult<Response> {
    check_sha(&sha)?;
    let s = blocking(move || {
        check_may_upload(&state, &auth.user, &sha)?;
        Ok(upload_state(&state, auth.device.id, &auth.user, &sha)?)
    })
    .await?;
    Ok(upload_headers(StatusCode::OK, s, s.complete.then_some(s.offset)))
}

/// Appends at `Upload-Offset`; `Upload-Length` is the whole photo's size.
/// The last part verifies the hash and re-decodes the image with limits.
#[utoipa::path(patch, path = "/api/v1/blobs/{sha256}", tag = "photos", params(("sha256" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 204, description = "Upload-Offset header: committed bytes"),
        (status = 409, body = ErrorBody, description = "offset mismatch"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[tracing::instrument(name = "upload", skip_all, fields(user = %auth.user.username, device = auth.device.id, photo = %sha))]
pub async fn patch_blob(
    State(state): State<Arc<Photos>>,
    auth: DeviceAuth,
    Path(sha): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    check_sha(&sha)?;
    let body = body_bytes(body, state.limits.patch_bytes)?;
    if headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) != Some("application/offset+octet-stream") {
        return Err(ApiError::Unsupported("a photo part is application/offset+octet-stream".into()));
    }
    let offset = number_header(&headers, "upload-offset")?;
    let total = number_header(&headers, "upload-length")?;
    let in_flight = begin_upload(&state, auth.device.id, &sha)?;
    // The last part decodes the whole image: it waits for the device's lane
    // (one decode per device at a time) and a processor permit like a sync
    // round, so parallel uploads can neither exhaust memory nor let one
    // device take every permit.
    let last_part = offset.saturating_add(body.len() as u64) == total;
    let decode = match last_part {
        true => {
            let lane = state.decodes.enter(auth.device.id).await;
            let cpu = state.cpu.clone().acquire_owned().await.map_err(|e| ApiError::Internal(e.to_string()))?;
            Some((lane, cpu))
        }
        false => None,
    };
    let (st, sha2) = (state.clone(), sha.clone());
    // The guards and the permit go with the work: if the phone hangs up, the
    // handler is dropped but the write or decode runs on, and so must they.
    let s = blocking(move || {
        let _held = (decode, in_flight);
        check_may_upload(&st, &auth.user, &sha2)?;
        Ok(append(&st, auth.device.id, &auth.user, &sha2, offset, total, &body)?)
    })
    .await?;
    if s.complete {
        // The photo is committed: a failed re-score must not make the device
        // upload it again. The next sync of the inspection re-scores it.
        if let Err(e) = rescore_referencing(&state, &sha).await {
            tracing::error!(photo = %sha, error = %e, "re-scoring after a photo arrived failed");
        }
    }
    Ok(upload_headers(StatusCode::NO_CONTENT, s, Some(total)))
}

async fn serve_checked(
    state: Arc<Photos>,
    auth: Auth,
    sha: String,
    thumb: bool,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_sha(&sha)?;
    let (st, name) = (state.clone(), sha.clone());
    let blob = blocking(move || {
        // Readers come through the inspections the photo is granted to, not
        // through any document that merely names its hash; whoever may not
        // read it learns nothing, not even that it exists.
        let granted = st.store().docs_granted(&name)?;
        if !granted.iter().any(|doc| st.inspections.readable(&auth.user, doc).is_ok()) {
            return Err(ApiError::NotFound("photo".into()));
        }
        st.store().blob(&name)?.ok_or_else(|| ApiError::NotFound("photo (not uploaded yet)".into()))
    })
    .await?;
    let mut res = match thumb {
        true => with_type(state.bytes.thumbnail(&sha).await?.into_response(), "image/jpeg"),
        false => {
            let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
            match range.map(|r| one_range(r, blob.bytes)).transpose() {
                Err(()) => {
                    let mut res = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                    insert(&mut res, header::CONTENT_RANGE, &format!("bytes */{}", blob.bytes));
                    return Ok(res);
                }
                Ok(Some(Some(r))) => {
                    let part = state.bytes.photo(&sha, Some(*r.start()..r.end() + 1)).await?;
                    let mut res = (StatusCode::PARTIAL_CONTENT, part).into_response();
                    insert(&mut res, header::CONTENT_RANGE, &format!("bytes {}-{}/{}", r.start(), r.end(), blob.bytes));
                    with_type(res, &blob.mime)
                }
                // No range, or several: the whole photo.
                Ok(_) => with_type(state.bytes.photo(&sha, None).await?.into_response(), &blob.mime),
            }
        }
    };
    insert(&mut res, header::ACCEPT_RANGES, "bytes");
    insert(&mut res, header::CACHE_CONTROL, "private, max-age=31536000, immutable");
    Ok(res)
}

/// The one range a `Range` header asks for within `len` bytes: `Ok(None)`
/// for several ranges (answered with the whole photo), `Err` when none is
/// satisfiable.
fn one_range(header: &str, len: u64) -> Result<Option<std::ops::RangeInclusive<u64>>, ()> {
    let ranges = http_range_header::parse_range_header(header).map_err(|_| ())?.validate(len).map_err(|_| ())?;
    Ok(match ranges.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

fn insert(res: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().insert(name, v);
    }
}

fn with_type(mut res: Response, mime: &str) -> Response {
    insert(&mut res, header::CONTENT_TYPE, mime);
    res
}

/// The photo, for users who may read an inspection recording it. Supports `Range`.
#[utoipa::path(get, path = "/api/v1/blobs/{sha256}", tag = "photos", params(("sha256" = String, Path)),
    responses(
        (status = 200, description = "the photo as uploaded (JPEG, PNG or WebP)",
            content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"))),
        (status = 206, description = "the part a `Range` asked for",
            content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"))),
        (status = 416, description = "no part of the photo is in the `Range` asked for")))]
pub async fn get_blob(
    State(state): State<Arc<Photos>>,
    auth: Auth,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    serve_checked(state, auth, sha, false, headers).await
}

/// The server's own thumbnail of the photo.
#[utoipa::path(get, path = "/api/v1/blobs/{sha256}/thumbnail", tag = "photos", params(("sha256" = String, Path)),
    responses((status = 200, body = Vec<u8>, content_type = "image/jpeg"), (status = 403, body = ErrorBody)))]
pub async fn get_thumbnail(
    State(state): State<Arc<Photos>>,
    auth: Auth,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    serve_checked(state, auth, sha, true, headers).await
}

pub fn router<S>(patch_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Photos>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(get_blob, head_blob, patch_blob))
        .routes(routes!(get_thumbnail))
        .layer(DefaultBodyLimit::max(patch_bytes))
}

/// How the service's refusals answer over HTTP.
impl From<PhotoError> for ApiError {
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::BadRequest(m) => ApiError::BadRequest(m),
            PhotoError::Forbidden(m) => ApiError::Forbidden(m),
            PhotoError::NotFound(what) => ApiError::NotFound(what.into()),
            PhotoError::Conflict(m) => ApiError::Conflict(m),
            PhotoError::TooLarge(m) => ApiError::TooLarge(m),
            PhotoError::Invalid(m) => ApiError::Invalid(m),
            PhotoError::Storage(_) => ApiError::Internal(e.to_string()),
            PhotoError::Inspection(e) => e.into(),
            PhotoError::Store(e) => e.into(),
        }
    }
}
