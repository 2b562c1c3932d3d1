//! Events between the server instances sharing one database, over
//! PostgreSQL's LISTEN/NOTIFY: a notification is delivered to every
//! listening session once the notifying transaction commits.

use super::PgStore;
use super::pool::connect;
use crate::storage::{SharedEvents, StoreResult};
use std::sync::Arc;
use std::time::Duration;

const AUTH_CHANNEL: &str = "xuncha_auth";

impl SharedEvents for PgStore {
    fn publish_auth_change(&self) -> StoreResult<()> {
        self.write(|c| c.batch(&format!("NOTIFY {AUTH_CHANNEL}")))
    }

    fn on_auth_change(&self, on_change: Arc<dyn Fn() + Send + Sync>) -> StoreResult<()> {
        let (config, alive) = (self.config.clone(), Arc::downgrade(&self.alive));
        std::thread::Builder::new()
            .name("xuncha-pg-listen".into())
            .spawn(move || listen(&config, &alive, on_change.as_ref()))
            .map_err(|e| crate::storage::StoreError::Backend(e.to_string()))?;
        Ok(())
    }
}

/// Listens while the store is open. Whenever the connection is (re)made,
/// changes may have been missed meanwhile, so `on_change` runs then too.
fn listen(config: &postgres::Config, alive: &std::sync::Weak<()>, on_change: &(dyn Fn() + Send + Sync)) {
    while alive.strong_count() > 0 {
        match connect(config).and_then(|mut c| {
            c.batch_execute(&format!("LISTEN {AUTH_CHANNEL}"))?;
            Ok(c)
        }) {
            Ok(mut client) => {
                on_change();
                loop {
                    let next = {
                        let mut notifications = client.notifications();
                        // Waking now and then to notice the store was closed.
                        let mut events = notifications.timeout_iter(Duration::from_secs(5));
                        postgres::fallible_iterator::FallibleIterator::next(&mut events)
                    };
                    match next {
                        Ok(Some(_)) => on_change(),
                        Ok(None) if alive.strong_count() > 0 && !client.is_closed() => {}
                        Ok(None) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "the database connection for events was lost; listening again");
                            break;
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for events; retrying"),
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
