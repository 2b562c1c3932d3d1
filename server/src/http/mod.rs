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

use crate::storage::{Cursor, PageReq, Seek, StoreError};
use serde::Deserialize;

/// `?page=&per_page=` with bounds, and the page links a list gives:
/// `after=` its `next`, `before=` its `prev` (then `page` is only the
/// number shown).
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// A page's `next` token: the rows after its last.
    pub after: Option<String>,
    /// A page's `prev` token: the rows before its first.
    pub before: Option<String>,
}

pub const MAX_PER_PAGE: u32 = 200;

impl Paging {
    pub fn get(self) -> Result<PageReq, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page == 0 || page > 1_000_000 || per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(ApiError::BadRequest(format!("page starts at 1; per_page is 1 to {MAX_PER_PAGE}")));
        }
        let cursor = |token: &str| Cursor::decode(token).ok_or(ApiError::from(StoreError::BadCursor));
        let seek = match (self.after.as_deref(), self.before.as_deref()) {
            (None | Some(""), None | Some("")) => Seek::Number,
            (Some(a), None | Some("")) => Seek::After(cursor(a)?),
            (None | Some(""), Some(b)) => Seek::Before(cursor(b)?),
            (Some(_), Some(_)) => return Err(ApiError::BadRequest("give `after` or `before`, not both".into())),
        };
        Ok(PageReq { page, per_page, seek })
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

/// A download written as its rows are read: `head`, then each chunk's
/// rows as `render` writes them (told whether rows came before, for
/// separators), then `tail`. An error after the first byte can no longer
/// be a JSON answer: the download is cut short instead (the error is
/// logged where it happened), so a client never takes a partial file for a
/// whole one.
pub fn stream_download<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    chunks: tokio::sync::mpsc::Receiver<Result<Vec<T>, E>>,
    (head, tail): (Vec<u8>, Vec<u8>),
    render: impl Fn(&[T], bool) -> Vec<u8> + Send + Sync + 'static,
    mime: &str,
    name: &str,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    use futures_util::stream::{self, StreamExt};
    let render = std::sync::Arc::new(render);
    // The state: the chunks still to come and whether rows were written;
    // None once the tail or an error has gone out.
    let body = stream::unfold(Some((chunks, false)), move |state| {
        let (render, tail) = (render.clone(), tail.clone());
        async move {
            let (mut chunks, wrote) = state?;
            Some(match chunks.recv().await {
                Some(Ok(rows)) => (Ok(render(&rows, wrote)), Some((chunks, wrote || !rows.is_empty()))),
                Some(Err(e)) => (Err(std::io::Error::other(e.to_string())), None),
                None => (Ok(tail), None),
            })
        }
    });
    let head = stream::once(async move { Ok::<_, std::io::Error>(head) });
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        axum::body::Body::from_stream(head.chain(body)),
    )
        .into_response()
}

/// A CSV download written as its rows are read (see [`stream_download`]).
pub fn csv_stream<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    chunks: tokio::sync::mpsc::Receiver<Result<Vec<T>, E>>,
    header: &'static [&'static str],
    cells: fn(&T) -> Vec<String>,
    name: &str,
) -> axum::response::Response {
    let head = crate::export::csv_head(header);
    let render = move |rows: &[T], _| crate::export::csv_rows(rows.iter().map(cells));
    stream_download(chunks, (head, Vec::new()), render, "text/csv; charset=utf-8", name)
}
