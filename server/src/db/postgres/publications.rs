//! Being ported from `db/sqlite/publications.rs`.
