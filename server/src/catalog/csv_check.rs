//! What every registry import shares: a bound on rows, and a problem named by its line.

/// Rows in one imported file, at most.
pub const MAX_ROWS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    pub line: u64,
    pub message: String,
}
