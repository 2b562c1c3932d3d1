//! Sign-in counts shared by the instances (`accounts::store::SigninLedger`).

use super::PgStore;
use super::db::{get, get_u32};
use crate::accounts::store::AccountPolicy;
use crate::accounts::store::{CHECK_LEASE_MS, SigninLedger};
use crate::storage::StoreResult;

impl SigninLedger for PgStore {
    fn count_attempt(&self, key: &str, window_ms: i64, now: i64) -> StoreResult<(u64, i64)> {
        let key = key.to_owned();
        let start = now - now.rem_euclid(window_ms.max(1));
        self.write(move |c| {
            // One statement: concurrent attempts from several instances count
            // one after another on the row.
            let row = c.query_one(
                "INSERT INTO signin_attempts (key, window_start, attempts) VALUES ($1, $2, 1)
                 ON CONFLICT (key) DO UPDATE SET
                     attempts = CASE WHEN signin_attempts.window_start = excluded.window_start
                                     THEN signin_attempts.attempts + 1 ELSE 1 END,
                     window_start = excluded.window_start
                 RETURNING attempts",
                &[&key, &start],
            )?;
            let attempts: i64 = get(&row, 0)?;
            // Windows long gone hold nothing worth keeping.
            if attempts == 1 {
                c.execute("DELETE FROM signin_attempts WHERE window_start < $1", &[&(start - window_ms)])?;
            }
            Ok((u64::try_from(attempts).unwrap_or(0), start + window_ms))
        })
    }

    fn begin_check(&self, user: i64, policy: AccountPolicy, now: i64) -> StoreResult<Result<(), u64>> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO signin_failures (user_id, failures, last_at, checking_until) VALUES ($1, 0, $2, 0)
                 ON CONFLICT DO NOTHING",
                &[&user, &now],
            )?;
            let row = c.query_one(
                "SELECT failures, last_at, checking_until FROM signin_failures WHERE user_id = $1 FOR UPDATE",
                &[&user],
            )?;
            let (mut failures, last_at, until) = (get_u32(&row, 0)?, get::<i64>(&row, 1)?, get::<i64>(&row, 2)?);
            let checking = until > now;
            if now - last_at >= policy.window_ms && !checking {
                failures = 0;
            }
            let wait = policy.wait_secs(failures, last_at, now);
            if wait > 0 {
                return Ok(Err(wait));
            }
            if checking {
                return Ok(Err(1));
            }
            c.execute(
                "UPDATE signin_failures SET failures = $2, checking_until = $3 WHERE user_id = $1",
                &[&user, &i64::from(failures), &(now + CHECK_LEASE_MS)],
            )?;
            Ok(Ok(()))
        })
    }

    fn end_check(&self, user: i64, outcome: Option<bool>, now: i64) -> StoreResult<()> {
        self.write(move |c| {
            match outcome {
                Some(true) => c.execute("DELETE FROM signin_failures WHERE user_id = $1", &[&user])?,
                Some(false) => c.execute(
                    "UPDATE signin_failures SET failures = failures + 1, last_at = $2, checking_until = 0
                     WHERE user_id = $1",
                    &[&user, &now],
                )?,
                None => c.execute("UPDATE signin_failures SET checking_until = 0 WHERE user_id = $1", &[&user])?,
            };
            Ok(())
        })
    }
}
