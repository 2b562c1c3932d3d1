//! What protects sign-in and enrolment from guessing, without handing an
//! attacker a button that locks real users out:
//! - **per address** (an IPv4 address, an IPv6 /64): every attempt counts,
//!   whether it succeeds or not, in a keyed GCRA limiter (`governor`), so one
//!   valid account does not reset the count for guesses at others;
//! - **per account**: after a few failures each further attempt waits a
//!   delay that doubles up to [`MAX_ACCOUNT_DELAY`], one check at a time, so
//!   guessing one password is slow while its owner waits at most a minute;
//!   failures are recorded by the password check itself, which finishes even
//!   when the client hangs up. Only accounts that exist are tracked, so this
//!   table is no larger than the user table;
//! - **password checks** run on a few threads of their own with a short
//!   queue: a flood is refused at once instead of queueing memory (argon2
//!   takes 19 MiB per check, and each blocking-pool thread would keep its
//!   own allocator arena of it).

use super::store::{AccountPolicy, UserStore};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The longest an account's owner waits because someone guessed at it.
pub const MAX_ACCOUNT_DELAY: Duration = Duration::from_millis(super::store::MAX_ACCOUNT_DELAY_MS.unsigned_abs());

/// The client's address: the TCP peer, or, when the peer is a trusted
/// reverse proxy (one of `trusted`, or this machine itself), the nearest
/// address in `X-Forwarded-For` that is not a trusted proxy. The entries
/// further left are the client's to forge, and so is any entry after one
/// that does not parse: the walk stops there.
pub fn client_address(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| ip.is_loopback() || trusted.contains(ip);
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let parsed = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()));
        match parsed {
            Some(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// The key an address is limited by: IPv6 clients get a /64 each.
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut seg = v6.segments();
                seg[4..].fill(0);
                IpAddr::V6(seg.into())
            }
        },
    }
}

pub struct AddressLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
    /// With several instances: the counts every one sees (fixed windows of
    /// the same length, so an address makes at most twice its attempts
    /// across a window's edge, as the local limiter's burst allows too).
    shared: Option<SharedAddresses>,
}

struct SharedAddresses {
    store: Arc<dyn UserStore>,
    attempts: u64,
    window_ms: i64,
}

impl std::fmt::Debug for AddressLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddressLimiter").finish_non_exhaustive()
    }
}

impl AddressLimiter {
    /// `attempts` per `window`, all of them at once at most; counted on the
    /// store's ledger when it has one (several instances).
    pub fn new(attempts: u32, window: Duration, store: &Arc<dyn UserStore>) -> Self {
        let shared = store.signin_ledger().is_some().then(|| SharedAddresses {
            store: store.clone(),
            attempts: u64::from(attempts.max(1)),
            window_ms: i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1),
        });
        let attempts = NonZeroU32::new(attempts).unwrap_or(NonZeroU32::MIN);
        let period = window.checked_div(attempts.get()).unwrap_or(window).max(Duration::from_millis(1));
        let quota = Quota::with_period(period).map_or(Quota::per_second(attempts), |q| q.allow_burst(attempts));
        Self { limiter: RateLimiter::keyed(quota), checks: AtomicU64::new(0), shared }
    }

    /// Whether counting reads the store (call it off the async threads then).
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Counts an attempt; `Err(seconds)` to wait when the address is over its limit.
    pub fn attempt(&self, ip: IpAddr) -> Result<(), u64> {
        if let Some(s) = &self.shared
            && let Some(ledger) = s.store.signin_ledger()
        {
            let now = crate::storage::now_ms();
            return match ledger.count_attempt(&format!("address {}", address_key(ip)), s.window_ms, now) {
                Ok((n, _)) if n <= s.attempts => Ok(()),
                Ok((_, ends)) => Err(u64::try_from((ends - now).div_euclid(1000)).unwrap_or(0).max(1)),
                Err(e) => {
                    // Refused rather than let through uncounted.
                    tracing::error!(error = %e, "the shared sign-in count failed");
                    Err(1)
                }
            };
        }
        // Addresses that have been quiet for a whole window hold nothing
        // worth keeping; dropping them bounds the table's memory.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4_096 == 4_095 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&address_key(ip))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    checking: bool,
}

/// Per-account delays after failed passwords.
pub struct AccountThrottle {
    accounts: Mutex<HashMap<i64, Failures>>,
    free: u32,
    window: Duration,
    /// With several instances: the failures every one sees.
    shared: Option<Arc<dyn UserStore>>,
}

impl std::fmt::Debug for AccountThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountThrottle").field("free", &self.free).finish_non_exhaustive()
    }
}

/// Held while one password check of an account runs.
#[derive(Debug)]
pub struct AccountCheck {
    throttle: Arc<AccountThrottle>,
    user: i64,
    outcome: Option<bool>,
}

impl AccountThrottle {
    /// `free` failures in `window` cost nothing; each one after doubles the
    /// delay. Counted on the store's ledger when it has one.
    pub fn new(free: u32, window: Duration, store: &Arc<dyn UserStore>) -> Self {
        let shared = store.signin_ledger().is_some().then(|| store.clone());
        Self { accounts: Mutex::new(HashMap::new()), free, window, shared }
    }

    fn policy(&self) -> AccountPolicy {
        AccountPolicy { free: self.free, window_ms: i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX) }
    }

    fn delay(&self, f: &Failures) -> Duration {
        let over = f.count.saturating_sub(self.free);
        if over == 0 || f.last.elapsed() >= self.window {
            return Duration::ZERO;
        }
        let delay = Duration::from_secs(1u64 << over.min(6)).min(MAX_ACCOUNT_DELAY);
        delay.saturating_sub(f.last.elapsed())
    }

    /// Starts a check of `user`'s password, or says how long to wait.
    /// The error is how many seconds to wait.
    pub fn begin(self: &Arc<Self>, user: i64) -> Result<AccountCheck, u64> {
        if let Some(ledger) = self.shared.as_ref().and_then(|s| s.signin_ledger()) {
            return match ledger.begin_check(user, self.policy(), crate::storage::now_ms()) {
                Ok(Ok(())) => Ok(AccountCheck { throttle: self.clone(), user, outcome: None }),
                Ok(Err(wait)) => Err(wait),
                Err(e) => {
                    tracing::error!(error = %e, "the shared account check could not start");
                    Err(1)
                }
            };
        }
        let mut map = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = map.entry(user).or_insert(Failures { count: 0, last: Instant::now(), checking: false });
        if entry.last.elapsed() >= self.window && !entry.checking {
            entry.count = 0;
        }
        let wait = self.delay(entry);
        if !wait.is_zero() {
            return Err(wait.as_secs().max(1));
        }
        if entry.checking {
            return Err(1);
        }
        entry.checking = true;
        Ok(AccountCheck { throttle: self.clone(), user, outcome: None })
    }
}

impl AccountCheck {
    pub fn record(&mut self, correct: bool) {
        self.outcome = Some(correct);
    }
}

impl Drop for AccountCheck {
    fn drop(&mut self) {
        if let Some(ledger) = self.throttle.shared.as_ref().and_then(|s| s.signin_ledger()) {
            if let Err(e) = ledger.end_check(self.user, self.outcome, crate::storage::now_ms()) {
                tracing::error!(error = %e, "the shared account check could not end (its lease will)");
            }
            return;
        }
        let mut map = self.throttle.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        match self.outcome {
            Some(true) => {
                map.remove(&self.user);
            }
            outcome => {
                if let Some(f) = map.get_mut(&self.user) {
                    f.checking = false;
                    if outcome == Some(false) {
                        f.count = f.count.saturating_add(1);
                        f.last = Instant::now();
                    }
                }
            }
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Why a password check did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    #[error("too many sign-ins at once; try again in a moment")]
    Full,
    #[error("the password threads have stopped")]
    Stopped,
}

/// A few threads of their own for argon2, with a short queue.
#[derive(Debug, Clone)]
pub struct PasswordPool {
    jobs: SyncSender<Job>,
}

impl PasswordPool {
    pub fn new(threads: usize, queue: usize) -> Self {
        let (jobs, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("password-{i}")).spawn(move || worker(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password thread");
            }
        }
        Self { jobs }
    }

    /// Runs `f` on a password thread; refuses at once when the queue is full.
    /// `f` runs to its end even if the caller stops waiting.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, PoolError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        match self.jobs.try_send(job) {
            Ok(()) => rx.await.map_err(|_| PoolError::Stopped),
            Err(TrySendError::Full(_)) => {
                tracing::warn!(code = "busy", "sign-in refused: password checks are at capacity");
                Err(PoolError::Full)
            }
            Err(TrySendError::Disconnected(_)) => Err(PoolError::Stopped),
        }
    }
}

fn worker(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = match rx.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store one instance uses alone: the counts stay in memory.
    fn alone() -> Arc<dyn UserStore> {
        let dir = tempfile::tempdir().map(tempfile::TempDir::keep).unwrap_or_else(|e| panic!("{e}"));
        Arc::new(crate::db::sqlite::SqliteStore::open(&dir.join("x.db")).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn the_account_policy_doubles_the_delay_from_the_last_failure_within_the_window() {
        let p = AccountPolicy { free: 5, window_ms: 900_000 };
        assert_eq!(p.wait_secs(5, 0, 1), 0, "the free failures cost nothing");
        assert_eq!(p.wait_secs(6, 0, 0), 2);
        assert_eq!(p.wait_secs(7, 0, 0), 4);
        assert_eq!(p.wait_secs(7, 0, 3_500), 1, "counted from the last failure");
        assert_eq!(p.wait_secs(7, 0, 4_000), 0);
        assert_eq!(p.wait_secs(30, 0, 0), 60, "at most a minute");
        assert_eq!(p.wait_secs(30, 0, 900_000), 0, "a window later, nothing");
    }

    #[test]
    fn addresses_are_limited_by_attempts_and_ipv6_by_its_64() {
        let l = AddressLimiter::new(3, Duration::from_secs(900), &alone());
        let a: IpAddr = "10.0.0.1".parse().unwrap_or(IpAddr::V4([0; 4].into()));
        for _ in 0..3 {
            assert!(l.attempt(a).is_ok());
        }
        assert!(l.attempt(a).is_err(), "the fourth attempt waits, success or not");
        assert!(l.attempt("10.0.0.2".parse().unwrap_or(a)).is_ok());
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap_or(a);
        assert_eq!(address_key(v6("2001:db8::1")), address_key(v6("2001:db8::ffff:1")));
        assert_ne!(address_key(v6("2001:db8::1")), address_key(v6("2001:db8:0:1::1")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_is_limited() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::V4([0; 4].into()));
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", axum::http::HeaderValue::from_static("6.6.6.6, 203.0.113.9, 10.0.0.2"));
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(client_address(ip("10.0.0.1"), &h, &proxies), ip("203.0.113.9"), "the forged left entry is ignored");
        assert_eq!(client_address(ip("198.51.100.1"), &h, &proxies), ip("198.51.100.1"), "an untrusted peer is itself");
        assert_eq!(client_address(ip("10.0.0.1"), &axum::http::HeaderMap::new(), &proxies), ip("10.0.0.1"));
        let mut odd = axum::http::HeaderMap::new();
        odd.insert("x-forwarded-for", axum::http::HeaderValue::from_static("6.6.6.6, junk, 203.0.113.9:5678"));
        assert_eq!(client_address(ip("127.0.0.1"), &odd, &[]), ip("203.0.113.9"), "a proxy on this machine, a port");
        odd.insert("x-forwarded-for", axum::http::HeaderValue::from_static("6.6.6.6, junk"));
        assert_eq!(client_address(ip("127.0.0.1"), &odd, &[]), ip("127.0.0.1"), "the walk stops at junk");
    }

    #[test]
    fn an_account_waits_a_growing_delay_and_a_success_clears_it() {
        let t = Arc::new(AccountThrottle::new(2, Duration::from_secs(900), &alone()));
        for _ in 0..2 {
            let mut c = t.begin(7).map_err(|e| e.to_string()).unwrap_or_else(|e| panic!("{e}"));
            c.record(false);
        }
        {
            let mut c = t.begin(7).map_err(|e| e.to_string()).unwrap_or_else(|e| panic!("{e}"));
            assert!(t.begin(7).is_err(), "one check of an account at a time");
            c.record(false);
        }
        match t.begin(7) {
            Err(s) => assert!((1..=2).contains(&s), "{s}"),
            other => panic!("expected a delay, got {other:?}"),
        }
        assert!(t.begin(8).is_ok(), "other accounts are not affected");
        // A check whose client went away still counts as it ended: here, not at all.
        t.accounts.lock().unwrap_or_else(PoisonError::into_inner).clear();
        drop(t.begin(7));
        assert!(t.begin(7).is_ok());
    }
}
