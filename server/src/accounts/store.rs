//! What accounts store: users, their devices, browser sessions and the
//! browsers they signed in from.

use crate::storage::StoreResult;
use automerge::ActorId;
use serde::{Deserialize, Serialize};
use xuncha_core::Region;

/// Sign-in counts kept where every server instance sees them (PostgreSQL
/// with several instances). A store one instance uses alone has none, and
/// the service keeps the counts in memory (`signin`).
pub trait SigninLedger: Send + Sync {
    /// Counts an attempt of `key` in the fixed window of `window_ms` that
    /// `now` falls in; the attempts counted in it (this one included) and
    /// when it ends.
    fn count_attempt(&self, key: &str, window_ms: i64, now: i64) -> StoreResult<(u64, i64)>;
    /// Starts a password check of `user`: `Err(seconds)` when the policy
    /// makes the account wait, or a check of it is running on any instance
    /// (a check counts as running for `CHECK_LEASE_MS` at most, should its
    /// instance die).
    fn begin_check(&self, user: i64, policy: AccountPolicy, now: i64) -> StoreResult<Result<(), u64>>;
    /// Ends the check: a success forgets the failures, a failure counts,
    /// `None` (the check did not finish) only lets the next one start.
    fn end_check(&self, user: i64, outcome: Option<bool>, now: i64) -> StoreResult<()>;
}

/// The per-account rule, for a ledger that keeps the failures elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct AccountPolicy {
    /// Failures in a window that cost nothing.
    pub free: u32,
    pub window_ms: i64,
}

impl AccountPolicy {
    /// Seconds to wait after `failures`, the last at `last_at`; 0: none.
    /// Each failure past the free ones doubles the delay, up to
    /// [`MAX_ACCOUNT_DELAY_MS`], counted from the last failure.
    pub fn wait_secs(&self, failures: u32, last_at: i64, now: i64) -> u64 {
        let over = failures.saturating_sub(self.free);
        let since = now.saturating_sub(last_at).max(0);
        if over == 0 || since >= self.window_ms {
            return 0;
        }
        let delay = (1000_i64 << over.min(6)).min(MAX_ACCOUNT_DELAY_MS);
        match delay - since {
            // Rounded up: a client told to wait must not come back too early.
            left if left > 0 => u64::try_from(left).unwrap_or(0).div_ceil(1000),
            _ => 0,
        }
    }
}

/// The longest an account's owner waits because someone guessed at it.
pub const MAX_ACCOUNT_DELAY_MS: i64 = 60_000;

/// How long a password check holds its account on the ledger at most.
pub const CHECK_LEASE_MS: i64 = 30_000;

pub trait UserStore: Send + Sync {
    /// The sign-in counts shared by every instance, when there are several.
    fn signin_ledger(&self) -> Option<&dyn SigninLedger> {
        None
    }

    fn create_user(&self, user: NewUser, now: i64) -> StoreResult<User>;
    /// The user and their password hash.
    fn user_by_name(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    fn set_user_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool>;
    /// Also ends the user's sessions and, with `revoke_devices`, revokes their devices.
    fn set_password(&self, username: &str, password_hash: &str, revoke_devices: bool) -> StoreResult<bool>;
    fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>>;
    fn create_device(&self, device: NewDevice<'_>, now: i64) -> StoreResult<Device>;
    /// A device that is not revoked, and its user.
    fn device_by_token(&self, token_hash: &[u8; 32]) -> StoreResult<Option<(Device, User)>>;
    fn device(&self, id: i64) -> StoreResult<Option<Device>>;
    /// A device (revoked or not) and its user's username.
    fn device_with_owner(&self, id: i64) -> StoreResult<Option<(Device, String)>>;
    /// The device that writes with `actor`, and its user's username.
    fn device_of_actor(&self, actor: &ActorId) -> StoreResult<Option<(Device, String)>>;
    fn devices_of(&self, user_id: i64) -> StoreResult<Vec<Device>>;
    fn revoke_device(&self, id: i64, now: i64) -> StoreResult<bool>;
    fn create_session(&self, user_id: i64, token_hash: &[u8; 32], expires_at: i64) -> StoreResult<()>;
    fn session_user(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<User>>;
    fn delete_session(&self, token_hash: &[u8; 32]) -> StoreResult<()>;
    /// Remembers a browser the user signed in from (its newest few are kept).
    fn remember_client(&self, user_id: i64, token_hash: &[u8; 32], now: i64) -> StoreResult<()>;
    /// The user a remembered browser belongs to.
    fn known_client(&self, token_hash: &[u8; 32]) -> StoreResult<Option<i64>>;
    /// The server's certificate-signing key: `fresh` is stored if there is
    /// none yet; whatever is stored is returned (one key for every instance).
    fn server_signing_key(&self, fresh: &[u8; 32], now: i64) -> StoreResult<[u8; 32]>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Inspector,
    Supervisor,
    Administrator,
    /// A centre's operator (运营主体): reports its own figures and
    /// rectification, for the centres its account names, nothing else.
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspector => "inspector",
            Self::Supervisor => "supervisor",
            Self::Administrator => "administrator",
            Self::Operator => "operator",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "inspector" => Ok(Self::Inspector),
            "supervisor" => Ok(Self::Supervisor),
            "administrator" => Ok(Self::Administrator),
            "operator" => Ok(Self::Operator),
            _ => Err(format!("unknown role `{s}` (inspector, supervisor, administrator or operator)")),
        }
    }
}

/// The region a user answers for. An empty level covers everything below
/// the levels given: `{province: "河北省"}` is the whole province; all
/// empty is the whole country (national administrators only).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS,
)]
pub struct Scope {
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub county: String,
}

impl Scope {
    pub fn covers(&self, r: &Region) -> bool {
        let level = |mine: &str, theirs: &str| mine.is_empty() || mine == theirs;
        level(&self.province, &r.province) && level(&self.city, &r.city) && level(&self.county, &r.county)
    }

    /// Whether `other` is this region or a region inside it.
    pub fn contains(&self, other: &Scope) -> bool {
        self.covers(&Region {
            province: other.province.clone(),
            city: other.city.clone(),
            county: other.county.clone(),
            township: String::new(),
        })
    }

    /// Why this scope does not fit a user of `role`: a lower level is given
    /// only with the levels above it, and supervisors and inspectors work in
    /// a province, a city or a county, never the whole country (that is an
    /// administrator's view).
    pub fn check_for(&self, role: Role) -> Result<(), &'static str> {
        if (self.province.is_empty() && !self.city.is_empty()) || (self.city.is_empty() && !self.county.is_empty()) {
            return Err("a city needs its province, a county its city");
        }
        if role != Role::Administrator && self.province.is_empty() {
            return Err(
                "supervisors and inspectors work in a province, a city or a county: give at least the province",
            );
        }
        if role == Role::Operator && self.county.is_empty() {
            return Err("a centre operator belongs to the county of its centres: give province, city and county");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub disabled: bool,
    /// The centres an operator reports for (centre codes); empty for staff.
    #[serde(default)]
    pub centres: Vec<String>,
}

/// Access policy: a function of the user's role and region.
impl User {
    pub fn has_role(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }

    /// Supervisors and administrators see their region; inspectors see
    /// only what they work on (checked by the caller through membership).
    pub fn oversees(&self, region: &Region) -> bool {
        matches!(self.role, Role::Supervisor | Role::Administrator) && self.scope.covers(region)
    }

    /// An operator of this centre.
    pub fn operates(&self, centre_code: &str) -> bool {
        self.role == Role::Operator && self.centres.iter().any(|c| c == centre_code)
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub centres: Vec<String>,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked: bool,
    pub actors: Vec<ActorId>,
    /// The Ed25519 key its evidence is signed with; None for a device
    /// enrolled by an app before signing.
    pub public_key: Option<[u8; 32]>,
}

/// A device whose signature a report's evidence carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct EvidenceSigner {
    pub device: i64,
    /// The name the inspector gave the device at enrolment.
    pub name: String,
    pub username: String,
    /// Revoked since (its earlier signatures were verified when they arrived).
    pub revoked: bool,
}

/// A device as enrolment creates it.
#[derive(Debug, Clone, Copy)]
pub struct NewDevice<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a [u8; 32],
    pub actors: &'a [ActorId],
    pub public_key: Option<&'a [u8; 32]>,
}
