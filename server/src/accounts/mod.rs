//! Accounts: users and their regions, browser sessions, enrolled devices,
//! sign-in under its limits, and who a request comes from.

pub mod device_config;
pub mod extract;
pub mod passwords;
pub mod service;
pub mod session_routes;
pub mod signin;
pub mod store;
pub mod user_routes;

pub use extract::{Auth, Caller, DeviceAuth};
pub use service::Accounts;

use crate::storage::StoreError;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

/// What accounts answer when they will not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Unknown user, wrong password, disabled account, unknown token: one answer.
    #[error("sign in first")]
    Unauthorized,
    #[error("too many attempts; try again in {0} s")]
    TooManyAttempts(u64),
    #[error("too many sign-ins at once; try again in a moment")]
    Busy,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<signin::PoolError> for AccountError {
    fn from(e: signin::PoolError) -> Self {
        match e {
            signin::PoolError::Full => Self::Busy,
            signin::PoolError::Stopped => Self::Internal(e.to_string()),
        }
    }
}

/// The session, device and user routes.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().merge(session_routes::router()).merge(user_routes::router())
}
