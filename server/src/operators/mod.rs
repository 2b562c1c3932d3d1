//! Centre operators (运营主体): their accounts, created by the supervisors
//! of their county, and the figures centres report themselves for each
//! statistics period (经营数据填报, 商服贸函〔2018〕157号 附件5), checked for
//! plausibility before they are accepted (docs/operators.md).

pub mod plausibility;
pub mod routes;
pub mod service;
pub mod spot_check;
pub mod store;

pub use service::{OperatorError, Operators};
