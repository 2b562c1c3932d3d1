//! The one error type of the HTTP layer: `{code, message}` with a status.
//! The codes are stable and mirrored in the UI's TypeScript.

use crate::storage::StoreError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in first")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Invalid(String),
    /// A review of work nobody has signed off.
    #[error("{0}")]
    NotSigned(String),
    /// A state-changing browser request that did not come from the dashboard.
    #[error("{0}")]
    CrossSite(String),
    #[error("too many attempts; try again in {0} s")]
    TooManyRequests(u64),
    /// The server is at capacity for this kind of work; retry soon.
    #[error("{0}")]
    Busy(String),
    #[error("internal error")]
    Internal(String),
}

/// Every code an error response carries, stable across versions. The
/// dashboard's TypeScript type is generated from it (server/tests/ts_types.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ApiErrorCode")] // the app's own `ErrorCode` is another type
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Invalid,
    NotSigned,
    CrossSite,
    TooManyRequests,
    Busy,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Invalid => "invalid",
            Self::NotSigned => "not_signed",
            Self::CrossSite => "cross_site",
            Self::TooManyRequests => "too_many_requests",
            Self::Busy => "busy",
            Self::Internal => "internal",
        }
    }

    /// The code of a bare status (a response no handler wrote, e.g. a
    /// router's 404 or an extractor's rejection).
    pub fn of_status(status: StatusCode) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => Self::Unauthorized,
            StatusCode::FORBIDDEN => Self::Forbidden,
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::CONFLICT => Self::Conflict,
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => Self::Invalid,
            StatusCode::TOO_MANY_REQUESTS => Self::TooManyRequests,
            s if s.is_server_error() => Self::Internal,
            _ => Self::BadRequest,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `forbidden`.
    pub code: ErrorCode,
    /// For people.
    pub message: String,
}

impl ApiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::TooLarge(_) => ErrorCode::PayloadTooLarge,
            Self::Unsupported(_) => ErrorCode::UnsupportedMediaType,
            Self::Invalid(_) => ErrorCode::Invalid,
            Self::NotSigned(_) => ErrorCode::NotSigned,
            Self::CrossSite(_) => ErrorCode::CrossSite,
            Self::TooManyRequests(_) => ErrorCode::TooManyRequests,
            Self::Busy(_) => ErrorCode::Busy,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::CrossSite(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::NotSigned(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) | Self::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn forbidden() -> Self {
        Self::Forbidden("this is outside your role or region".into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Every refusal is logged once, here, with its code (inside the
        // request's span: method, route, path). Messages may quote what was
        // sent, so they are cut; they never carry tokens or passwords.
        match &self {
            Self::Internal(detail) => tracing::error!(%detail, "internal error"),
            Self::Unauthorized | Self::NotFound(_) => tracing::info!(code = self.code().as_str(), "refused"),
            other => {
                let message: String = other.to_string().chars().take(200).collect();
                tracing::warn!(code = self.code().as_str(), %message, "refused");
            }
        }
        let retry = match &self {
            Self::TooManyRequests(secs) => Some(*secs),
            Self::Busy(_) => Some(1),
            _ => None,
        };
        let mut res = (self.status(), Json(ErrorBody { code: self.code(), message: self.to_string() })).into_response();
        if let Some(secs) = retry
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Exists(what) => Self::Conflict(format!("{what} already exists")),
            e @ StoreError::Conflict(_) => Self::Busy(e.to_string()),
            e @ StoreError::BadCursor => Self::BadRequest(e.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::TooLarge(e.body_text()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::Unsupported(e.body_text()),
            _ => Self::BadRequest(e.body_text()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
