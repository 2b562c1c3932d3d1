//! Being ported from `db/sqlite/problems.rs`.
