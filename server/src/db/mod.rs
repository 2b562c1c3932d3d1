//! The storage backends. Each feature declares the storage trait it needs
//! beside its service; a backend implements them all, and [`Store`] names
//! that whole. The methods are blocking (services call them from the
//! blocking pool); a write returns only after its transaction is committed.
//! [`conformance`] is what every backend must pass.

pub(crate) mod codec;
pub mod conformance;
pub mod health;
pub(crate) mod keyset;
pub mod postgres;
pub(crate) mod sql;
pub mod sqlite;
pub(crate) mod stats_sql;
pub mod transfer;

use crate::accounts::store::UserStore;
use crate::analysis::store::AnalysisStore;
use crate::catalog::store::CatalogStore;
use crate::exemplars::store::ExemplarStore;
use crate::inspections::store::DocStore;
use crate::operators::store::FigureStore;
use crate::photos::store::PhotoStore;
use crate::plans::store::PlanStore;
use crate::problems::store::ProblemStore;
use crate::publication::store::PublicationStore;
use crate::reporting::store::ReportStore;
use crate::stats::store::StatsStore;
use crate::storage::SharedEvents;

/// Everything the server stores apart from photo bytes.
pub trait Store:
    UserStore
    + CatalogStore
    + DocStore
    + PhotoStore
    + StatsStore
    + PlanStore
    + ProblemStore
    + PublicationStore
    + FigureStore
    + ReportStore
    + AnalysisStore
    + ExemplarStore
    + SharedEvents
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: UserStore
        + CatalogStore
        + DocStore
        + PhotoStore
        + StatsStore
        + PlanStore
        + ProblemStore
        + PublicationStore
        + FigureStore
        + ReportStore
        + AnalysisStore
        + ExemplarStore
        + SharedEvents
        + Send
        + Sync
        + 'static
{
}
