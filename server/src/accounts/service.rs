//! The accounts service: owns the user store, the sign-in limits, the
//! password threads and the cache of recently checked tokens.

use super::AccountError;
use super::extract::Auth;
use super::passwords::{
    DEVICE_PREFIX, check_new_password, check_username, hash_password, new_token, token_hash, verify_password,
};
use super::signin::{AccountThrottle, AddressLimiter, PasswordPool};
use super::store::{Device, EvidenceSigner, NewDevice, NewUser, Role, Scope, User, UserStore};
use crate::config::Config;
use crate::storage::SharedEvents;
use automerge::ActorId;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xuncha_core::document::InspectionSnapshot;

pub struct Accounts {
    pub(super) store: Arc<dyn UserStore>,
    config: Arc<Config>,
    /// Signs enrolment certificates (device_config.rs); loaded on first use.
    pub(super) server_key: std::sync::OnceLock<xuncha_core::evidence::SigningKey>,
    cache: Arc<AuthCache>,
    /// Tells the other server instances when sign-in state changed.
    events: Arc<dyn SharedEvents>,
    /// Sign-in attempts per address.
    addresses: Arc<AddressLimiter>,
    /// Delays per account after failed passwords.
    throttle: Arc<AccountThrottle>,
    /// Threads of their own for argon2 (19 MiB and tens of milliseconds each).
    passwords: PasswordPool,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts").finish_non_exhaustive()
    }
}

/// A new browser session: its token, when it ends, and a fresh token that
/// marks this browser as one its user signed in from.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub expires_at: i64,
    pub known_token: String,
}

/// A new account as an administrator asks for it.
#[derive(Debug)]
pub struct UserRequest {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// The centres of an operator account, checked by the operators service.
    pub centres: Vec<String>,
    pub password: String,
}

static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not a password of anyone").unwrap_or_default());

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AccountError> + Send + 'static,
) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AccountError::Internal(e.to_string()))?
}

impl Accounts {
    /// `events` carries cache invalidations between the instances sharing
    /// the store; this instance's cache is cleared whenever another changes
    /// sign-in state.
    pub fn new(store: Arc<dyn UserStore>, events: Arc<dyn SharedEvents>, config: Arc<Config>) -> Self {
        let limits = &config.limits;
        let window = Duration::from_secs(limits.login_window_secs);
        Self {
            addresses: Arc::new(AddressLimiter::new(limits.login_attempts_per_address, window, &store)),
            throttle: Arc::new(AccountThrottle::new(limits.login_failures, window, &store)),
            passwords: PasswordPool::new(2, 32),
            server_key: std::sync::OnceLock::new(),
            cache: Arc::new(AuthCache::new(Duration::from_secs(10))),
            events,
            store,
            config,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The client's address behind the configured trusted proxies.
    pub fn client_address(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        super::signin::client_address(peer, headers, &self.config.trusted_proxies)
    }

    /// Who holds `token`: a device's or a session's; `None` for an unknown,
    /// expired or revoked token and for a disabled user.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Auth>, AccountError> {
        if token.len() > 128 {
            return Ok(None);
        }
        let hash = token_hash(token);
        if let Some(auth) = self.cache.get(&hash) {
            return Ok(Some(auth));
        }
        let (store, is_device, now) = (self.store.clone(), token.starts_with(DEVICE_PREFIX), crate::storage::now_ms());
        let found = blocking(move || {
            Ok(match is_device {
                true => store.device_by_token(&hash)?.map(|(device, user)| Auth { user, device: Some(device) }),
                false => store.session_user(&hash, now)?.map(|user| Auth { user, device: None }),
            })
        })
        .await?;
        Ok(found.filter(|a| !a.user.disabled).inspect(|a| self.cache.put(hash, a)))
    }

    /// Checks a password under the sign-in limits (`signin`): the address's
    /// attempts, then the account's delay, then argon2 on a password thread,
    /// which records the outcome itself. `proof` is the hash of a token the
    /// client holds from before (a remembered browser's cookie, an enrolled
    /// device's token): it lets the account's owner past the account's
    /// delay, never past the address limit or the password.
    #[tracing::instrument(name = "sign_in", skip_all, fields(address = %client))]
    pub async fn sign_in(
        &self,
        client: IpAddr,
        username: &str,
        password: &str,
        proof: Option<[u8; 32]>,
    ) -> Result<User, AccountError> {
        let counted = match self.addresses.is_shared() {
            // The shared count reads the database: off the async threads.
            true => {
                let addresses = self.addresses.clone();
                blocking(move || Ok(addresses.attempt(client))).await?
            }
            false => self.addresses.attempt(client),
        };
        if let Err(wait) = counted {
            tracing::warn!(code = "too_many_requests", "sign-in refused: address over its limit");
            return Err(AccountError::TooManyAttempts(wait));
        }
        if username.len() > 100 || password.len() > super::passwords::MAX_PASSWORD_BYTES {
            return Err(AccountError::Unauthorized);
        }
        // Everything past the address limit runs on a password thread: the
        // lookups too, so a flood waits in (or is refused by) that short
        // queue instead of occupying the blocking pool.
        let (store, throttle, name, pw) =
            (self.store.clone(), self.throttle.clone(), username.to_owned(), password.to_owned());
        let user = self
            .passwords
            .run(move || -> Result<Result<User, bool>, AccountError> {
                let found = store.user_by_name(&name)?;
                let known = match (&found, proof) {
                    (Some((user, _)), Some(hash)) => {
                        store.known_client(&hash)? == Some(user.id)
                            || store.device_by_token(&hash)?.is_some_and(|(_, u)| u.id == user.id)
                    }
                    _ => false,
                };
                let check = match &found {
                    Some((user, _)) if !known => Some(throttle.begin(user.id).map_err(|wait| {
                        tracing::warn!(username = %name, code = "too_many_requests",
                            "sign-in refused: account waiting after failures");
                        AccountError::TooManyAttempts(wait)
                    })?),
                    _ => None,
                };
                // Unknown users are checked against a dummy hash, so timing does not tell who exists.
                let exists = found.is_some();
                let hash = found.as_ref().map_or_else(|| DUMMY_HASH.clone(), |(_, h)| h.clone());
                let ok = verify_password(&hash, &pw);
                if let Some(mut check) = check {
                    check.record(ok);
                }
                Ok(found.filter(|(u, _)| ok && !u.disabled).map(|(u, _)| u).ok_or(exists))
            })
            .await??;
        match user {
            Ok(user) => Ok(user),
            // An unknown name is not logged: it is often a password typed into the wrong field.
            Err(true) => {
                tracing::warn!(username, code = "unauthorized", "failed sign-in");
                Err(AccountError::Unauthorized)
            }
            Err(false) => {
                tracing::warn!(code = "unauthorized", "failed sign-in with an unknown user name");
                Err(AccountError::Unauthorized)
            }
        }
    }

    /// Opens a browser session, and remembers the browser (a fresh token
    /// each time): while someone guesses at this account, its owner still
    /// signs in from here at once.
    pub async fn open_session(&self, user_id: i64) -> Result<NewSession, AccountError> {
        let (token, hash) = new_token(false);
        let (known_token, known_hash) = new_token(false);
        let expires_at = crate::storage::now_ms() + i64::from(self.config.session_hours) * 3_600_000;
        let store = self.store.clone();
        blocking(move || {
            store.create_session(user_id, &hash, expires_at)?;
            Ok(store.remember_client(user_id, &known_hash, crate::storage::now_ms())?)
        })
        .await?;
        Ok(NewSession { token, expires_at, known_token })
    }

    pub async fn end_session(&self, token: &str) -> Result<(), AccountError> {
        let (hash, store) = (token_hash(token), self.store.clone());
        blocking(move || Ok(store.delete_session(&hash)?)).await?;
        self.forget_tokens_everywhere().await
    }

    /// Enrols a device for an inspector: a revocable token and its own actor
    /// id. A bounded number of devices per user; past it the enrolment is
    /// refused rather than an old device revoked: a phone long offline is
    /// the one most likely to hold work not yet synced.
    pub async fn enrol(
        &self,
        user: &User,
        device_name: &str,
        public_key: Option<[u8; 32]>,
    ) -> Result<(Device, String), AccountError> {
        let name = Self::device_name(device_name)?;
        if user.role != Role::Inspector {
            return Err(AccountError::Forbidden("devices are enrolled for inspectors".into()));
        }
        let (token, hash) = new_token(true);
        let (store, uid, most) = (self.store.clone(), user.id, self.config.limits.devices_per_user);
        let device = blocking(move || {
            let active = store.devices_of(uid)?.iter().filter(|d| !d.revoked).count();
            if active >= most {
                return Err(AccountError::Conflict(format!(
                    "this account already has {active} devices enrolled (at most {most}); \
                     revoke one you no longer use (an administrator can) before enrolling another"
                )));
            }
            let new = NewDevice {
                user_id: uid,
                name: &name,
                token_hash: &hash,
                actors: &[ActorId::random()],
                public_key: public_key.as_ref(),
            };
            Ok(store.create_device(new, crate::storage::now_ms())?)
        })
        .await
        .inspect_err(|e| tracing::warn!(user = %user.username, error = %e, "enrolment refused"))?;
        tracing::info!(user = %user.username, device = device.id, "device enrolled");
        Ok((device, token))
    }

    /// The devices that signed the photo records and positions of `doc`.
    pub async fn evidence_signers(&self, doc: &InspectionSnapshot) -> Result<Vec<EvidenceSigner>, AccountError> {
        let photos =
            doc.photos.values().flat_map(|p| [p.signature.as_ref(), p.gps.as_ref().and_then(|g| g.signature.as_ref())]);
        let fixes = doc.gps_fixes.iter().map(|f| f.signature.as_ref());
        let ids: std::collections::BTreeSet<i64> = photos.chain(fixes).flatten().map(|s| s.device).collect();
        let store = self.store.clone();
        blocking(move || {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some((d, username)) = store.device_with_owner(id)? {
                    out.push(EvidenceSigner { device: d.id, name: d.name, username, revoked: d.revoked });
                }
            }
            Ok(out)
        })
        .await
    }

    /// A device's evidence key as enrolment sends it: 32 bytes of hex that
    /// are a valid Ed25519 public key.
    pub fn device_key(hex_key: &str) -> Result<[u8; 32], AccountError> {
        let bad = || AccountError::Invalid("public_key must be an Ed25519 public key: 64 hex digits".into());
        let bytes: [u8; 32] = hex::decode(hex_key).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
        xuncha_core::evidence::VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
        Ok(bytes)
    }

    /// A device's name as it is kept: trimmed, 1 to 100 characters.
    pub fn device_name(name: &str) -> Result<String, AccountError> {
        let name = name.trim();
        match name.is_empty() || name.chars().count() > 100 {
            true => Err(AccountError::Invalid("a device name has 1 to 100 characters".into())),
            false => Ok(name.to_owned()),
        }
    }

    pub async fn devices(&self, user_id: i64) -> Result<Vec<Device>, AccountError> {
        let store = self.store.clone();
        blocking(move || Ok(store.devices_of(user_id)?)).await
    }

    /// Revokes a device: its owner, or an administrator whose region covers the owner.
    pub async fn revoke(&self, by: &User, id: i64) -> Result<(), AccountError> {
        let (store, by) = (self.store.clone(), by.clone());
        blocking(move || {
            let device = store.device(id)?.ok_or(AccountError::NotFound("device"))?;
            if device.user_id != by.id {
                let outside = || AccountError::Forbidden("this is outside your role or region".into());
                if by.role != Role::Administrator {
                    return Err(outside());
                }
                if !store.list_users(&by.scope)?.iter().any(|u| u.id == device.user_id) {
                    return Err(outside());
                }
            }
            store.revoke_device(id, crate::storage::now_ms())?;
            tracing::info!(device = id, by = %by.username, "device revoked");
            Ok(())
        })
        .await?;
        self.forget_tokens_everywhere().await
    }

    pub async fn users(&self, scope: &Scope) -> Result<Vec<User>, AccountError> {
        let (store, scope) = (self.store.clone(), scope.clone());
        blocking(move || Ok(store.list_users(&scope)?)).await
    }

    /// Creates a staff account within the administrator's region, under the password policy.
    pub async fn create_user(&self, by: &User, req: UserRequest) -> Result<User, AccountError> {
        if by.role != Role::Administrator {
            return Err(AccountError::Forbidden("administrators create staff accounts".into()));
        }
        if req.role == Role::Operator || !req.centres.is_empty() {
            return Err(AccountError::Invalid(
                "centre operators are created under /api/v1/operators, which checks their centres".into(),
            ));
        }
        self.create_account(by, req).await
    }

    /// Creates a centre operator's account, by a supervisor or an
    /// administrator, for centres the operators service has found within
    /// `by`'s region.
    pub async fn create_operator(&self, by: &User, req: UserRequest) -> Result<User, AccountError> {
        if !by.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(AccountError::Forbidden("supervisors create centre operators' accounts".into()));
        }
        if req.role != Role::Operator || req.centres.is_empty() {
            return Err(AccountError::Invalid("an operator account names at least one centre".into()));
        }
        self.create_account(by, req).await
    }

    async fn create_account(&self, by: &User, req: UserRequest) -> Result<User, AccountError> {
        check_username(&req.username)?;
        check_new_password(&req.username, &req.password)?;
        req.scope.check_for(req.role).map_err(|e| AccountError::Invalid(e.into()))?;
        let (mine, theirs) = (&by.scope, &req.scope);
        let within = |m: &str, t: &str| m.is_empty() || m == t;
        if !(within(&mine.province, &theirs.province)
            && within(&mine.city, &theirs.city)
            && within(&mine.county, &theirs.county))
        {
            return Err(AccountError::Forbidden("the new user's region must lie within yours".into()));
        }
        let display_name = req.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            return Err(AccountError::Invalid("a display name has 1 to 100 characters".into()));
        }
        let password = req.password;
        let password_hash = self.passwords.run(move || hash_password(&password)).await??;
        let store = self.store.clone();
        let UserRequest { username, role, scope, centres, .. } = req;
        let user = blocking(move || {
            Ok(store.create_user(
                NewUser { username, display_name, role, scope, centres, password_hash },
                crate::storage::now_ms(),
            )?)
        })
        .await?;
        tracing::info!(user = %user.username, role = user.role.as_str(), by = %by.username, "user created");
        Ok(user)
    }

    /// Forgets every cached token (after a change made outside the API, in tests).
    pub fn forget_cached_tokens(&self) {
        self.cache.clear();
    }

    /// Forgets every cached token here and on the other instances.
    async fn forget_tokens_everywhere(&self) -> Result<(), AccountError> {
        self.cache.clear();
        let events = self.events.clone();
        blocking(move || Ok(events.publish_auth_change()?)).await
    }

    /// Clears this instance's cache whenever another instance changed
    /// sign-in state (or may have, while the events were not heard).
    pub fn listen_for_auth_changes(&self) -> Result<(), AccountError> {
        let cache = self.cache.clone();
        Ok(self.events.on_auth_change(Arc::new(move || cache.clear()))?)
    }
}

/// Recently checked tokens, so a busy device is not looked up on every
/// round. Entries live `ttl`; revoking a device, signing out or changing a
/// user through the API clears the cache at once, on this instance and
/// (through `SharedEvents`) on the others sharing the store; changes made
/// with the command line (another process) take effect within `ttl`.
#[derive(Debug)]
struct AuthCache {
    entries: Mutex<HashMap<[u8; 32], (Auth, Instant)>>,
    ttl: Duration,
}

const AUTH_CACHE_ENTRIES: usize = 10_000;

impl AuthCache {
    fn new(ttl: Duration) -> Self {
        Self { entries: Mutex::new(HashMap::new()), ttl }
    }

    fn get(&self, hash: &[u8; 32]) -> Option<Auth> {
        let map = self.entries.lock().ok()?;
        let (auth, at) = map.get(hash)?;
        (at.elapsed() < self.ttl).then(|| auth.clone())
    }

    fn put(&self, hash: [u8; 32], auth: &Auth) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= AUTH_CACHE_ENTRIES {
                map.clear();
            }
            map.insert(hash, (auth.clone(), Instant::now()));
        }
    }

    fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }
}
