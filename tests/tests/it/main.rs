//! The workspace integration tests, one binary (a module per area) so a
//! clean build links one test executable here instead of thirteen.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

mod api;
mod app_api;
mod backup;
mod client_sync;
mod dashboard;
mod deploy;
mod device_abort;
mod durability;
mod evidence;
mod faults;
mod handoff;
mod instances;
mod limits;
mod operators;
mod paging;
mod photos;
mod plans;
mod problems;
mod publication;
mod regions;
mod reports;
mod security;
mod sync;
mod templates;
mod three_devices;
