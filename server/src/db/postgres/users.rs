//! Being ported from `db/sqlite/users.rs`.
