//! Being ported from `db/sqlite/analysis.rs`.
