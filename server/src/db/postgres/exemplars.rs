//! Being ported from `db/sqlite/exemplars.rs`.
