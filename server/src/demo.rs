//! Demo data (placeholder during development).

use crate::state::AppState;

pub fn seed(_state: &AppState) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    Err("demo data is not ready yet".into())
}
