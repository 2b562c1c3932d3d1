//! Throwaway databases for tests, on the server `XUNCHA_TEST_POSTGRES`
//! names (an administrator's URL, e.g. the one `scripts/postgres.sh`
//! prints). Without it the PostgreSQL tests are skipped, unless
//! `XUNCHA_REQUIRE_POSTGRES=1` (as `scripts/test.sh` sets) makes that an error.

#![allow(clippy::expect_used, clippy::panic, reason = "test support: a missing test server is the test's failure")]

use std::sync::atomic::{AtomicU32, Ordering};

/// A database created for one test and dropped after it.
#[derive(Debug)]
pub struct TestDatabase {
    admin: String,
    name: String,
    /// Where the test connects.
    pub url: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl TestDatabase {
    /// A new empty database, or `None` when no server is configured.
    pub fn create() -> Option<Self> {
        let Ok(admin) = std::env::var("XUNCHA_TEST_POSTGRES") else {
            assert!(
                std::env::var("XUNCHA_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "XUNCHA_REQUIRE_POSTGRES=1 but XUNCHA_TEST_POSTGRES is not set"
            );
            eprintln!("XUNCHA_TEST_POSTGRES is not set: skipping a PostgreSQL test");
            return None;
        };
        let name = format!("xuncha_t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        run_admin(&admin, &format!("CREATE DATABASE {name}"));
        let base = admin.split('?').next().unwrap_or(&admin);
        let (server, _) = base.rsplit_once('/').unwrap_or((base, ""));
        Some(Self { url: format!("{server}/{name}"), admin, name })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        run_admin(&self.admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

/// Runs one statement as the administrator, on a thread of its own (the
/// client must not run inside an async runtime, which tests often are).
fn run_admin(admin: &str, sql: &str) {
    let (admin, sql) = (admin.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to XUNCHA_TEST_POSTGRES");
        client.batch_execute(&sql).expect("administer the test database");
    })
    .join()
    .expect("the administering thread");
}
