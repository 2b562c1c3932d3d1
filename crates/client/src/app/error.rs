//! The one error shape the UI sees: `{code, message}`. The codes are
//! mirrored in TypeScript (`ErrorCode` in ui/src/lib/types.gen.ts) so the UI
//! can say something specific in the inspector's language; the message is
//! the English detail.

use crate::device::ClientError;
use crate::store::StoreError;
use crate::sync::SyncError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The device has no account yet: first run.
    NotEnrolled,
    /// The server cannot be reached (no network, wrong address).
    Offline,
    /// Wrong username or password, or the device was revoked.
    Unauthorized,
    /// The server refused the request for another reason.
    Server,
    /// The request itself is not acceptable (empty field, bad address, bad coordinates).
    BadInput,
    /// The answer does not fit the item (out of range, unknown option).
    InvalidAnswer,
    UnknownItem,
    UnknownInspection,
    UnknownCentre,
    /// The inspection's template is not on this device yet: sync first.
    MissingTemplate,
    /// The photo cannot be read or is too large.
    Photo,
    /// The device's own database failed or is from a newer app.
    Storage,
    /// A hand-off on site failed: wrong code, a device of another server,
    /// an expired certificate, the connection.
    Handoff,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadInput, message)
    }
}

impl From<ClientError> for AppError {
    fn from(e: ClientError) -> Self {
        let code = match &e {
            ClientError::Store(_) | ClientError::Damaged(_) | ClientError::Secrets(_) => ErrorCode::Storage,
            ClientError::NotEnrolled => ErrorCode::NotEnrolled,
            ClientError::UnknownInspection(_) => ErrorCode::UnknownInspection,
            ClientError::MissingTemplate(_) => ErrorCode::MissingTemplate,
            ClientError::UnknownItem(_) => ErrorCode::UnknownItem,
            ClientError::Answer(_) => ErrorCode::InvalidAnswer,
            ClientError::Photo(_) => ErrorCode::Photo,
            ClientError::Document(xuncha_core::document::DocError::TooLong { .. }) | ClientError::Invalid(_) => {
                ErrorCode::BadInput
            }
            ClientError::Document(xuncha_core::document::DocError::UnknownItem(_)) => ErrorCode::UnknownItem,
            ClientError::Document(_) | ClientError::Score(_) => ErrorCode::Internal,
        };
        Self::new(code, e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        ClientError::from(e).into()
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Offline(_) => Self::new(ErrorCode::Offline, e.to_string()),
            SyncError::Server { status: 401 | 403, .. } => Self::new(ErrorCode::Unauthorized, e.to_string()),
            SyncError::Server { .. } | SyncError::Protocol(_) => Self::new(ErrorCode::Server, e.to_string()),
            SyncError::Client(c) => c.into(),
        }
    }
}

impl From<crate::handoff::HandoffError> for AppError {
    fn from(e: crate::handoff::HandoffError) -> Self {
        match e {
            crate::handoff::HandoffError::Client(c) => c.into(),
            other => Self::new(ErrorCode::Handoff, other.to_string()),
        }
    }
}
