//! xuncha-core: the domain of Xuncha (巡查), shared by the device and the server.
//!
//! - [`template`]: the evaluation system (考核评价体系) as versioned data, with
//!   provincial variants and validation;
//! - [`document`]: the inspection as an Automerge document;
//! - [`scoring`]: the one scoring engine (provisional on the device, official
//!   on the server);
//! - [`location`]: on-site verification against a centre's geofence;
//! - [`photo`]: photo processing over bytes;
//! - [`centre`]: centre records; [`draw`]: the reproducible random draw (双随机);
//! - [`problems`]: what an approved inspection orders rectified (问题清单);
//!   [`purpose`]: why an inspection is made (检查类型);
//! - [`sync`]: the sync wire types, and [`payload`]: the check of Automerge
//!   bytes from devices; [`ingest`]: the check of their changes;
//!   [`evidence`]: devices' signatures over photo records and positions;
//!   [`certificate`]: the server's signed statement of who a device is.
//!
//! No network, no database, no clock: everything here is a function of its inputs.

pub mod centre;
pub mod certificate;
pub mod datum;
pub mod doc_id;
pub mod document;
pub mod draw;
pub mod evidence;
pub mod i18n;
pub mod ingest;
pub mod location;
pub mod payload;
pub mod photo;
pub mod problems;
pub mod purpose;
pub mod scoring;
pub mod sync;
pub mod template;

pub use centre::{Centre, CentreStatus, CentreType, Region, Zone};
pub use datum::Datum;
pub use doc_id::DocumentId;
pub use i18n::I18n;
