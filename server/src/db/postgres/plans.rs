//! Being ported from `db/sqlite/plans.rs`.
