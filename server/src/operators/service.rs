//! The operators service: centre operators' accounts (created by the
//! supervisors of their county) and the figures centres report for each
//! statistics period (统计期), checked for plausibility before they are
//! accepted. Operators reach only their own centres; supervisors read and
//! may enter (代填) the figures of every centre in their region.

use super::plausibility;
use super::spot_check::{self, SpotCheck};
use super::store::{CentreFigures, CoverageRow, FigureStore, FigureValues, FigureWarning, NewFigures};
use crate::accounts::service::UserRequest;
use crate::accounts::store::{Role, Scope, User, UserStore};
use crate::accounts::{AccountError, Accounts};
use crate::catalog::store::CatalogStore;
use crate::inspections::{InspectionError, Inspections};
use crate::photos::{PhotoError, Photos};
use crate::quarter;
use crate::storage::{StoreError, now_ms};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use xuncha_core::template::StatFigure;
use xuncha_core::{Centre, DocumentId};

/// Centres one operator account reports for, at most.
pub const MAX_CENTRES_PER_OPERATOR: usize = 20;
/// How many quarters back a late report is still accepted.
pub const LATE_QUARTERS: i64 = 8;
/// Versions of a centre's figures an operator's page lists.
const HISTORY: u32 = 40;

pub struct Operators {
    figures: Arc<dyn FigureStore>,
    catalog: Arc<dyn CatalogStore>,
    users: Arc<dyn UserStore>,
    accounts: Arc<Accounts>,
    photos: Arc<Photos>,
    inspections: Arc<Inspections>,
    /// Deviations of inspectors' figures past this are flagged.
    spot_check_deviation: f64,
}

impl std::fmt::Debug for Operators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operators").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    /// The figures raise warnings the reporter has not confirmed.
    #[error("confirm or correct the figures first: {}", codes(.0))]
    Unconfirmed(Vec<FigureWarning>),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

fn codes(warnings: &[FigureWarning]) -> String {
    warnings.iter().map(FigureWarning::code).collect::<Vec<_>>().join(", ")
}

type R<T> = Result<T, OperatorError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| OperatorError::Internal(e.to_string()))?
}

/// A new operator account as a supervisor asks for it.
#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct NewOperator {
    pub username: String,
    /// The operating company or person (运营主体名称).
    pub display_name: String,
    pub password: String,
    /// Codes of the centres it operates, all in one county.
    pub centres: Vec<String>,
}

/// A centre's figures for one period as the reporter sends them.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct FigureReport {
    pub centre_code: String,
    /// 统计期: a complete quarter (`2026Q3`), at most two years back.
    pub period: String,
    #[serde(flatten)]
    pub values: FigureValues,
    #[serde(default)]
    #[ts(optional)]
    pub ledger_photo: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// The reporter saw the warnings `check` gave and stands by the figures.
    #[serde(default)]
    #[ts(optional)]
    pub confirmed: Option<bool>,
}

/// An operator's centre, the period now due and what it reported.
#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct OperatedCentre {
    pub code: String,
    pub name: String,
    pub county: String,
    pub township: String,
    /// The period now due: the last complete quarter (上一完整季度).
    pub due_period: String,
    /// Newest period first, newest version first within it.
    pub history: Vec<CentreFigures>,
}

/// The period now due: the quarter before today's (China time).
pub fn due_period() -> String {
    let now = quarter::quarter_of(now_ms());
    quarter::offset(&now, -1).unwrap_or(now)
}

fn check_period(period: &str) -> R<()> {
    let due = due_period();
    let oldest = quarter::offset(&due, 1 - LATE_QUARTERS).unwrap_or_default();
    if !quarter::is_quarter(period) {
        return Err(OperatorError::Invalid(format!("`{period}` is not a quarter like {due}")));
    }
    match period > due.as_str() || period < oldest.as_str() {
        true => Err(OperatorError::Invalid(format!(
            "figures are reported for a complete quarter from {oldest} to {due}, not {period}"
        ))),
        false => Ok(()),
    }
}

fn check_values(v: &FigureValues) -> R<FigureValues> {
    let count = |n: i64, most: i64, what: &str| match (0..=most).contains(&n) {
        true => Ok(n),
        false => Err(OperatorError::Invalid(format!("{what} is a whole number from 0 to {most}"))),
    };
    if !v.turnover_wan.is_finite() || !(0.0..=1_000_000.0).contains(&v.turnover_wan) {
        return Err(OperatorError::Invalid("turnover is 0 to 1,000,000 (万元)".into()));
    }
    Ok(FigureValues {
        // 万元 to two places: to the hundred yuan, as the tables print it.
        turnover_wan: (v.turnover_wan * 100.0).round() / 100.0,
        visits: count(v.visits, 100_000_000, "people served")?,
        staff: count(v.staff, 100_000, "staff")?,
        merchants: count(v.merchants, 100_000, "merchants")?,
    })
}

impl Operators {
    pub fn new(
        figures: Arc<dyn FigureStore>,
        catalog: Arc<dyn CatalogStore>,
        users: Arc<dyn UserStore>,
        accounts: Arc<Accounts>,
        photos: Arc<Photos>,
        inspections: Arc<Inspections>,
    ) -> Self {
        let configured = accounts.config().spot_check_deviation;
        let spot_check_deviation =
            if configured.is_finite() && configured > 0.0 { configured } else { spot_check::DEFAULT_THRESHOLD };
        Self { figures, catalog, users, accounts, photos, inspections, spot_check_deviation }
    }

    /// An inspection's figures against the centre's own report of the same
    /// period (its readers; the inspection's quarter is the one after).
    pub async fn spot_check(self: &Arc<Self>, user: &User, doc: DocumentId) -> R<SpotCheck> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let row = this.inspections.readable(&user, &doc).map_err(|e| match e {
                InspectionError::Store(e) => OperatorError::Store(e),
                _ => OperatorError::NotFound("inspection"),
            })?;
            let period = quarter::offset(&row.quarter, -1).ok_or(OperatorError::NotFound("period"))?;
            let observed: BTreeMap<StatFigure, f64> = this
                .inspections
                .store()
                .latest_score(&doc)?
                .and_then(|s| s.report)
                .and_then(|r| r.get("figures").cloned())
                .and_then(|f| serde_json::from_value(f).ok())
                .unwrap_or_default();
            let history = this.figures.figures_of(&row.centre_code, HISTORY)?;
            let reported = history.into_iter().find(|f| f.period == period);
            Ok(spot_check::compare(period, reported, &observed, this.spot_check_deviation))
        })
        .await
    }

    /// A centre the user may report for: its operator, or an overseer of its region.
    fn reportable(&self, user: &User, code: &str) -> R<Centre> {
        let centre = self.catalog.centre(code)?.ok_or(OperatorError::NotFound("centre"))?;
        match user.operates(code) || user.oversees(&centre.region) {
            true => Ok(centre),
            false => Err(OperatorError::NotFound("centre")),
        }
    }

    /// Creates an operator account for centres of one county within the supervisor's region.
    pub async fn create_operator(self: &Arc<Self>, by: &User, req: NewOperator) -> R<User> {
        let mut codes: Vec<String> = req.centres.iter().map(|c| c.trim().to_owned()).collect();
        codes.sort();
        codes.dedup();
        if codes.is_empty() || codes.len() > MAX_CENTRES_PER_OPERATOR {
            return Err(OperatorError::Invalid(format!("an operator runs 1 to {MAX_CENTRES_PER_OPERATOR} centres")));
        }
        let (this, u, wanted) = (self.clone(), by.clone(), codes.clone());
        let centres = blocking(move || {
            wanted
                .iter()
                .map(|c| this.catalog.centre(c)?.ok_or(OperatorError::NotFound("centre")))
                .collect::<R<Vec<_>>>()
        })
        .await?;
        if centres.iter().any(|c| !u.oversees(&c.region)) {
            return Err(OperatorError::Forbidden);
        }
        let first = &centres.first().ok_or(OperatorError::NotFound("centre"))?.region;
        if centres.iter().any(|c| c.region.county != first.county || c.region.city != first.city) {
            return Err(OperatorError::Invalid("an operator's centres lie in one county".into()));
        }
        let scope = Scope { province: first.province.clone(), city: first.city.clone(), county: first.county.clone() };
        let req = UserRequest {
            username: req.username,
            display_name: req.display_name,
            role: Role::Operator,
            scope,
            centres: codes,
            password: req.password,
        };
        Ok(self.accounts.create_operator(by, req).await?)
    }

    /// The operator accounts of the supervisor's region.
    pub async fn operators(self: &Arc<Self>, by: &User) -> R<Vec<User>> {
        if !by.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(OperatorError::Forbidden);
        }
        let (this, scope) = (self.clone(), by.scope.clone());
        blocking(move || Ok(this.users.list_users(&scope)?.into_iter().filter(|u| u.role == Role::Operator).collect()))
            .await
    }

    /// The operator's own centres with what each reported.
    pub async fn my_centres(self: &Arc<Self>, user: &User) -> R<Vec<OperatedCentre>> {
        if user.role != Role::Operator {
            return Err(OperatorError::Forbidden);
        }
        let (this, user, due) = (self.clone(), user.clone(), due_period());
        blocking(move || {
            let mut out = Vec::with_capacity(user.centres.len());
            for code in &user.centres {
                // A centre removed from the registry since is skipped, not an error.
                let Some(c) = this.catalog.centre(code)? else { continue };
                out.push(OperatedCentre {
                    history: this.figures.figures_of(code, HISTORY)?,
                    code: c.code,
                    name: c.name,
                    county: c.region.county,
                    township: c.region.township,
                    due_period: due.clone(),
                });
            }
            Ok(out)
        })
        .await
    }

    /// Every version a centre reported (its operator or overseers).
    pub async fn history(self: &Arc<Self>, user: &User, code: String) -> R<Vec<CentreFigures>> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            this.reportable(&user, &code)?;
            Ok(this.figures.figures_of(&code, HISTORY)?)
        })
        .await
    }

    /// The warnings a report would raise, against the centre's figures of
    /// the period before; nothing is stored.
    pub async fn check(self: &Arc<Self>, user: &User, report: &FigureReport) -> R<Vec<FigureWarning>> {
        check_period(&report.period)?;
        let values = check_values(&report.values)?;
        let (this, user, code, period) =
            (self.clone(), user.clone(), report.centre_code.clone(), report.period.clone());
        blocking(move || {
            this.reportable(&user, &code)?;
            let before = quarter::offset(&period, -1).unwrap_or_default();
            let history = this.figures.figures_of(&code, HISTORY)?;
            let previous = history.iter().find(|f| f.period == before);
            Ok(plausibility::check(&values, previous.map(|f| (f.period.as_str(), &f.values))))
        })
        .await
    }

    /// Stores a report (the next version for its period). Warnings must
    /// have been confirmed; they are kept with the figures.
    #[tracing::instrument(name = "report_figures", skip_all, fields(centre = %report.centre_code, period = %report.period))]
    pub async fn submit(self: &Arc<Self>, user: &User, report: FigureReport) -> R<CentreFigures> {
        let warnings = self.check(user, &report).await?;
        if !warnings.is_empty() && report.confirmed != Some(true) {
            tracing::info!(by = %user.username, "figures refused: warnings not confirmed");
            return Err(OperatorError::Unconfirmed(warnings));
        }
        let note = report.note.as_deref().unwrap_or_default().trim().to_owned();
        if note.chars().count() > 500 {
            return Err(OperatorError::Invalid("a note has at most 500 characters".into()));
        }
        let new = NewFigures {
            values: check_values(&report.values)?,
            centre_code: report.centre_code,
            period: report.period,
            ledger_photo: report.ledger_photo,
            note,
            warnings,
            reported_by: user.username.clone(),
        };
        let (this, by) = (self.clone(), user.clone());
        let stored = blocking(move || {
            if let Some(sha) = &new.ledger_photo {
                let blob = this.photos.store().blob(sha)?;
                if blob.is_none_or(|b| b.uploaded_by != by.username) {
                    return Err(OperatorError::Invalid("send the ledger photo first, from this account".into()));
                }
            }
            Ok(this.figures.add_figures(&new, now_ms())?)
        })
        .await?;
        tracing::info!(by = %user.username, version = stored.version, "figures reported");
        Ok(stored)
    }

    /// Stores a photo of a centre's ledger (台账) for a report to name.
    pub async fn ledger_photo(self: &Arc<Self>, user: &User, code: String, bytes: Vec<u8>) -> R<String> {
        let (this, u) = (self.clone(), user.clone());
        blocking(move || this.reportable(&u, &code).map(drop)).await?;
        // Granted to no inspection: it is read through the figures that name it.
        Ok(self.photos.accept_whole(user, bytes, Vec::new()).await?)
    }

    /// The ledger photo a version of a centre's figures names, for its readers.
    pub async fn read_ledger_photo(
        self: &Arc<Self>,
        user: &User,
        code: String,
        period: String,
        version: u32,
    ) -> R<(axum::body::Body, String)> {
        let (this, u) = (self.clone(), user.clone());
        let sha = blocking(move || {
            this.reportable(&u, &code)?;
            let history = this.figures.figures_of(&code, HISTORY)?;
            let found = history.into_iter().find(|f| f.period == period && f.version == version);
            found.and_then(|f| f.ledger_photo).ok_or(OperatorError::NotFound("ledger photo"))
        })
        .await?;
        Ok(self.photos.stored(&sha).await?)
    }

    /// The built centres of the overseer's region and what each reported
    /// for the period: who reported and who did not (填报情况).
    pub async fn coverage(self: &Arc<Self>, user: &User, scope: Scope, period: String) -> R<Vec<CoverageRow>> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(OperatorError::Forbidden);
        }
        if !quarter::is_quarter(&period) {
            return Err(OperatorError::Invalid(format!("`{period}` is not a quarter like 2026Q3")));
        }
        // One row past the limit tells a whole region from a cut-off list.
        let (this, most) = (self.clone(), self.accounts.config().limits.stats_rows);
        let rows = blocking(move || Ok(this.figures.period_coverage(&scope, &period, most.saturating_add(1))?)).await?;
        match rows.len() > most as usize {
            true => Err(OperatorError::Invalid(format!("more than {most} centres: choose a city or a county"))),
            false => Ok(rows),
        }
    }
}
