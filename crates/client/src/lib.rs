//! xuncha-client: the inspector's device without a GUI. The Tauri app only
//! calls into it, so the store, document operations and sync are tested
//! without a webview.
//!
//! - [`store`]: the device's SQLite store (documents, changes, ack heads,
//!   photos and their upload progress, cached templates, centres, assignments).
//!
//! The operations and the sync engine are the rest of the device issue.

pub mod store;

pub use store::{Store, StoreError};
