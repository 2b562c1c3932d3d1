//! `POST /api/v1/sync`: CBOR, optionally gzip-compressed, size-capped
//! before and after decompression.

use super::SyncError;
use super::SyncService;
use crate::accounts::{Accounts, DeviceAuth};
use crate::http::{ApiError, ApiResult, ErrorBody, blocking, body_bytes};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::sync::{CBOR_MIME, DocStatus, SyncResponse, decode_request, encode};

/// Inflates a gzip body, refusing anything that grows past `max`.
pub fn inflate(body: &[u8], headers: &HeaderMap, max: usize) -> ApiResult<Vec<u8>> {
    match headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap_or("?")) {
        None | Some("identity") => Ok(body.to_vec()),
        Some("gzip") => {
            let mut out = Vec::new();
            GzDecoder::new(body)
                .take(max as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| ApiError::BadRequest(format!("the gzip body is damaged: {e}")))?;
            if out.len() > max {
                return Err(ApiError::TooLarge(format!("the body inflates past the {max} byte limit")));
            }
            Ok(out)
        }
        Some(other) => Err(ApiError::Unsupported(format!("Content-Encoding `{other}` (use gzip or none)"))),
    }
}

fn wants_gzip(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")))
}

/// Plain bodies up to this size are decoded on the async thread.
const INLINE_DECODE_BYTES: usize = 16 * 1024;

/// One sync round: see docs/sync.md for the protocol.
#[utoipa::path(post, path = "/api/v1/sync", tag = "sync",
    request_body(content = Vec<u8>, content_type = "application/cbor", description = "xuncha_core::sync::SyncRequest as CBOR, optionally gzip"),
    responses(
        (status = 200, body = Vec<u8>, content_type = "application/cbor", description = "xuncha_core::sync::SyncResponse as CBOR, per-document status"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
#[tracing::instrument(name = "sync", skip_all, fields(user = %auth.user.username, device = auth.device.id))]
pub async fn sync(
    State(sync): State<Arc<SyncService>>,
    auth: DeviceAuth,
    req_headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let started = std::time::Instant::now();
    let limits = sync.limits();
    let body = body_bytes(body, limits.sync_body_bytes)?;
    let bytes_in = body.len();
    let headers = req_headers.clone();
    if headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) != Some(CBOR_MIME) {
        return Err(ApiError::Unsupported(format!("a sync body is {CBOR_MIME}")));
    }
    // One round per device at a time: a device's rounds are sequential by
    // design, and a second at once would take a second processor permit.
    let one_round = sync.begin_round(auth.device.id)?;
    // Inflating and decoding are bounded (bytes while inflating, documents
    // while decoding) and run off the async threads, where a slow decode
    // would stall every other request; a small plain body (a typical
    // one-change round is under 1 KB) is decoded in place, saving a trip to
    // the blocking pool.
    let max = limits.sync_inflated_bytes;
    let decode = move || {
        let raw = inflate(&body, &headers, max)?;
        decode_request(&raw).map_err(|e| ApiError::BadRequest(e.to_string()))
    };
    let plain = req_headers.get(header::CONTENT_ENCODING).is_none_or(|v| v.as_bytes() == b"identity");
    let req = match plain && bytes_in <= INLINE_DECODE_BYTES {
        true => decode()?,
        false => blocking(decode).await?,
    };
    let res = sync.round(&auth, req, one_round).await?;
    let bytes = encode(&res);
    log_round(&auth, bytes_in, &res, bytes.len(), started.elapsed());
    let mut response = if wants_gzip(&req_headers) && bytes.len() > 512 {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(&bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
        let gz = enc.finish().map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut r = gz.into_response();
        r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        bytes.into_response()
    };
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CBOR_MIME));
    Ok(response)
}

/// One line per round: who, how many documents went which way, the
/// refusals by code, bytes on the wire (the response before gzip), time.
fn log_round(auth: &DeviceAuth, bytes_in: usize, res: &SyncResponse, bytes_out: usize, took: std::time::Duration) {
    let (mut accepted, mut offered) = (0, 0);
    let mut refused: Vec<&str> = Vec::new();
    for d in &res.docs {
        match &d.status {
            DocStatus::Accepted { .. } => accepted += 1,
            DocStatus::Offered => offered += 1,
            DocStatus::Refused { code, .. } => refused.push(code),
        }
    }
    tracing::info!(user = %auth.user.username, device = auth.device.id, accepted, offered,
        refused = %refused.join(","), assignments = res.assignments.len(), bytes_in, bytes_out,
        ms = took.as_millis(), "sync round");
}

pub fn router<S>(sync_body_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<SyncService>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(sync)).layer(DefaultBodyLimit::max(sync_body_bytes))
}

/// How the service's refusals answer over HTTP.
impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::TooLarge(m) => ApiError::TooLarge(m),
            SyncError::Duplicate => ApiError::BadRequest(e.to_string()),
            SyncError::NotInspector => ApiError::Forbidden(e.to_string()),
            SyncError::Busy => ApiError::Busy(e.to_string()),
            SyncError::Inspection(e) => e.into(),
            SyncError::Store(e) => e.into(),
            SyncError::Internal(m) => ApiError::Internal(m),
        }
    }
}
