//! The HTTP layer every feature's routes share: the error type and its
//! JSON body, the guards every request passes, the parts of the OpenAPI
//! document no single route owns, header parsing, and small extract helpers.
//! Only this layer and the route files know `ApiError` and status codes;
//! services return their own errors, which their route files convert.

pub mod error;
pub mod guard;
pub mod headers;
pub mod openapi;
pub mod ui;

pub use error::{ApiError, ApiResult, ErrorBody, ErrorCode};

use crate::storage::PageReq;
use serde::Deserialize;

/// `?page=&per_page=` with bounds.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

pub const MAX_PER_PAGE: u32 = 200;

impl Paging {
    pub fn get(self) -> Result<PageReq, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page == 0 || page > 1_000_000 || per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(ApiError::BadRequest(format!("page starts at 1; per_page is 1 to {MAX_PER_PAGE}")));
        }
        Ok(PageReq { page, per_page })
    }
}

/// Runs blocking store work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await?
}

/// Refuses a body whose `Content-Type` is not `mime` (parameters such as
/// `charset` aside): an upload declares what it is, and a browser form
/// cannot send these types across sites without a preflight.
pub fn require_content_type(headers: &axum::http::HeaderMap, mime: &str) -> Result<(), ApiError> {
    let sent = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = sent.split(';').next().unwrap_or_default().trim();
    match essence.eq_ignore_ascii_case(mime) {
        true => Ok(()),
        false => Err(ApiError::Unsupported(format!("this upload is `{mime}`, not `{essence}`"))),
    }
}

pub fn doc_id(s: &str) -> Result<xuncha_core::DocumentId, ApiError> {
    s.parse().map_err(|e: xuncha_core::doc_id::BadDocumentId| ApiError::BadRequest(e.to_string()))
}

/// A body read within `limit` bytes, or the error that says why not.
pub fn body_bytes(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
    limit: usize,
) -> ApiResult<axum::body::Bytes> {
    body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(format!("the body is over the {limit} byte limit"))
        } else {
            ApiError::BadRequest(e.body_text())
        }
    })
}

/// A file download: its type and, as an attachment, its (ASCII) file name.
pub fn attachment(bytes: Vec<u8>, mime: &str, name: &str) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}
