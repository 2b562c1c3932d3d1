//! Who is calling: the extractors every route uses to learn the user (and
//! device) behind a request. They only read the token; the accounts
//! service decides what it is worth.

use super::Accounts;
use super::store::{Device, Role, User};
use crate::http::ApiError;
use crate::http::headers::presented_token;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use std::sync::Arc;
use xuncha_core::Region;

/// A signed-in member of staff (inspector, supervisor, administrator),
/// through a browser session or an enrolled device. Centre operators are
/// refused here, so a route reaches them only by asking for [`Caller`]:
/// what they may do is opted into, never left open.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub device: Option<Device>,
}

/// Anyone signed in, centre operators included: for the few routes that
/// serve them (their session, figures and rectification feedback), whose
/// services check what an operator may touch.
#[derive(Debug, Clone)]
pub struct Caller(pub Auth);

/// A call that must come from an enrolled device (sync, photo upload).
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub user: User,
    pub device: Device,
}

impl Auth {
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if self.user.has_role(roles) { Ok(()) } else { Err(ApiError::forbidden()) }
    }

    pub fn oversees(&self, region: &Region) -> bool {
        self.user.oversees(region)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth
where
    Arc<Accounts>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Caller(auth) = Caller::from_request_parts(parts, state).await?;
        if auth.user.role == Role::Operator {
            tracing::warn!(user = %auth.user.username, path = %parts.uri.path(), code = "forbidden",
                "refused: a centre operator called a staff route");
            return Err(ApiError::Forbidden("centre operators report figures and rectification only".into()));
        }
        Ok(auth)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller
where
    Arc<Accounts>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = presented_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let accounts = Arc::<Accounts>::from_ref(state);
        accounts.authenticate(&token).await?.map(Caller).ok_or(ApiError::Unauthorized)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for DeviceAuth
where
    Arc<Accounts>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_request_parts(parts, state).await?;
        match auth.device {
            Some(device) => Ok(DeviceAuth { user: auth.user, device }),
            None => Err(ApiError::Forbidden("this call needs an enrolled device".into())),
        }
    }
}
