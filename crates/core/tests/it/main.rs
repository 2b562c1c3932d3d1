//! xuncha-core's integration tests, one binary with a module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

mod builtin;
mod centre_types;
mod common;
mod document;
mod draw;
mod evidence;
mod incremental;
mod ingest;
mod migration;
mod photo;
mod properties;
mod scoring_example;
mod templates_v2;
mod validation;
