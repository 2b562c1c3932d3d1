//! Being ported from `db/sqlite/reports.rs`.
