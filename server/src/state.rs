//! The application: the store and each feature's service. Routes never see
//! this struct; each takes the services it needs (`FromRef`), so no feature
//! imports the whole application back.

use crate::accounts::Accounts;
use crate::analysis::Analyses;
use crate::catalog::Catalog;
use crate::catalog::templates::Templates;
use crate::config::Config;
use crate::db::Store;
use crate::exemplars::Exemplars;
use crate::inspections::Inspections;
use crate::operators::Operators;
use crate::photos::Photos;
use crate::photos::bytes::PhotoBytes;
use crate::plans::Plans;
use crate::problems::Problems;
use crate::publication::Publications;
use crate::reporting::Reports;
use crate::stats::Stats;
use crate::storage::StoreError;
use crate::sync::SyncService;
use axum::extract::FromRef;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub accounts: Arc<Accounts>,
    pub catalog: Arc<Catalog>,
    pub inspections: Arc<Inspections>,
    pub photos: Arc<Photos>,
    pub sync: Arc<SyncService>,
    pub stats: Arc<Stats>,
    pub plans: Arc<Plans>,
    pub problems: Arc<Problems>,
    pub publications: Arc<Publications>,
    pub operators: Arc<Operators>,
    pub reports: Arc<Reports>,
    pub analyses: Arc<Analyses>,
    pub exemplars: Arc<Exemplars>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.config).finish_non_exhaustive()
    }
}

impl AppState {
    /// The services over `store`, with photo bytes in `photo_bytes`.
    pub fn new(store: Arc<dyn Store>, photo_bytes: PhotoBytes, config: Config) -> Result<Self, StoreError> {
        let config = Arc::new(config);
        let limits = &config.limits;
        let templates = Arc::new(Templates::load(store.as_ref())?);
        // Processor-bound work (checking and scoring rounds, decoding photos): one permit per core.
        let cores = std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(2);
        let cpu = Arc::new(tokio::sync::Semaphore::new(cores));
        let inspections =
            Arc::new(Inspections::new(store.clone(), store.clone(), store.clone(), templates.clone(), limits)?);
        let problems = Arc::new(Problems::new(store.clone(), store.clone(), inspections.clone()));
        let listener: Arc<dyn crate::inspections::ApprovalListener> = problems.clone();
        inspections.on_approval(Arc::downgrade(&listener));
        let accounts = Arc::new(Accounts::new(store.clone(), store.clone(), config.clone()));
        accounts.listen_for_auth_changes().map_err(|e| StoreError::Backend(e.to_string()))?;
        let photos =
            Arc::new(Photos::new(store.clone(), inspections.clone(), photo_bytes, limits.clone(), cpu.clone()));
        let stats =
            Arc::new(Stats::new(store.clone(), store.clone(), store.clone(), templates.clone(), limits.clone()));
        let reports = Arc::new(Reports::new(store.clone(), stats.clone(), config.report_deadlines.clone()));
        Ok(Self {
            operators: Arc::new(Operators::new(
                store.clone(),
                store.clone(),
                store.clone(),
                accounts.clone(),
                photos.clone(),
                inspections.clone(),
            )),
            publications: Arc::new(Publications::new(store.clone(), store.clone(), store.clone(), store.clone())),
            problems: problems.clone(),
            accounts,
            catalog: Arc::new(Catalog::new(store.clone(), templates.clone(), limits.clone())),
            photos,
            sync: Arc::new(SyncService::new(inspections.clone(), store.clone(), limits.clone(), cpu)),
            stats: stats.clone(),
            exemplars: Arc::new(Exemplars::new(store.clone(), store.clone(), store.clone(), store.clone())),
            analyses: Arc::new(Analyses::new(
                store.clone(),
                stats.clone(),
                problems.clone(),
                reports.clone(),
                templates.clone(),
            )),
            reports,
            plans: Arc::new(Plans::new(
                store.clone(),
                store.clone(),
                store.clone(),
                store.clone(),
                inspections.clone(),
            )),
            inspections,
            store,
            config,
        })
    }
}

macro_rules! services {
    ($($field:ident: $ty:ty),* $(,)?) => {$(
        impl FromRef<AppState> for $ty {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        }
    )*};
}

services! {
    store: Arc<dyn Store>,
    config: Arc<Config>,
    accounts: Arc<Accounts>,
    catalog: Arc<Catalog>,
    inspections: Arc<Inspections>,
    photos: Arc<Photos>,
    sync: Arc<SyncService>,
    stats: Arc<Stats>,
    plans: Arc<Plans>,
    problems: Arc<Problems>,
    publications: Arc<Publications>,
    operators: Arc<Operators>,
    reports: Arc<Reports>,
    analyses: Arc<Analyses>,
    exemplars: Arc<Exemplars>,
}
