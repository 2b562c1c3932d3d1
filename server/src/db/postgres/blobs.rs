//! Being ported from `db/sqlite/blobs.rs`.
