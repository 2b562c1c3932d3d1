//! Being ported from `db/sqlite/figures.rs`.
