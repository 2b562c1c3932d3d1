//! Being ported from `db/sqlite/stats.rs`.
