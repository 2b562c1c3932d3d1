//! Being ported from `db/sqlite/catalog.rs`.
