//! xuncha-client: the inspector's device without a GUI. The Tauri app only
//! calls into it, so the store, document operations and sync are tested
//! without a webview.
//!
//! - [`store`]: the device's SQLite store (documents, changes, ack heads,
//!   photos and their upload progress, cached templates, centres, assignments);
//! - [`device`]: what the inspector does, offline: start an inspection,
//!   answer, notes, photos, positions, sign-off, provisional score, conflicts.
//! - [`handoff`]: two devices exchange their shared inspections on site, offline;
//! - [`secrets`]: the token and the evidence-signing key, outside the store;
//! - [`server_config`]: the photo format, server key and certificate from the server;
//! - [`sync`]: enrolment, catalog refresh, sync rounds and photo uploads,
//!   the overall sync state and the background loop;
//! - [`views`]: assignments with their inspection's state, sync status;
//! - [`app`]: the app's API, one method per Tauri command, with the views
//!   and errors the UI sees (exported to TypeScript).

pub mod app;
pub mod device;
pub mod handoff;
pub mod log;
pub mod secrets;
pub mod server_config;
pub mod store;
pub mod sync;
pub mod views;

pub use device::{ClientError, Device, Identity, RespondentInput};
pub use store::{Store, StoreError};
