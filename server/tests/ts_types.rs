//! The dashboard's TypeScript types for the server's API, generated from the
//! Rust types. Types the app's file (ui/src/lib/types.gen.ts) already
//! declares are imported from it, not declared twice. Fails when the
//! committed file drifts; regenerate with
//! `XUNCHA_BLESS=1 cargo test -p xuncha-server --test ts_types`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_debug_implementations)]

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use ts_rs::{Config, TS, TypeVisitor};
use xuncha_server::accounts::session_routes::LoginResponse;
use xuncha_server::accounts::store::User;
use xuncha_server::analysis::service::Analysis;
use xuncha_server::exemplars::service::{ExemplarAction, ExemplarView, Nomination};
use xuncha_server::http::ErrorBody;
use xuncha_server::inspections::assignment_routes::NewAssignments;
use xuncha_server::inspections::migrate::DraftMigration;
use xuncha_server::inspections::routes::{ReportView, ReviewRequest};
use xuncha_server::inspections::store::{Assignment, InspectionRow};
use xuncha_server::operators::routes::FigureCheck;
use xuncha_server::operators::service::{FigureReport, NewOperator, OperatedCentre};
use xuncha_server::operators::spot_check::SpotCheck;
use xuncha_server::operators::store::CoverageRow;
use xuncha_server::plans::routes::{CreatePlan, PlanView, Replacement};
use xuncha_server::problems::photo_routes::StoredPhoto;
use xuncha_server::problems::routes::{
    EditProblem, Escalation, Feedback, IssueNotice, NewFollowUp, NoticeView, ProblemView,
};
use xuncha_server::problems::store::LedgerRow;
use xuncha_server::publication::routes::Publish;
use xuncha_server::publication::store::{PublicRecord, Publication};
use xuncha_server::reporting::service::{ReportBoard, ReportDraft, ReviewReport, SubmitReport};
use xuncha_server::reporting::store::ReportVersion;
use xuncha_server::stats::service::{CentreOverview, CityRegions, RegistryRow};
use xuncha_server::stats::store::ReportedQuarter;
use xuncha_server::stats::tables::{ChartData, QuarterlyStats};

const HEADER: &str = "// DO NOT EDIT. Generated from the Rust types by server/tests/ts_types.rs;\n\
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-server --test ts_types`.\n";

struct Collect<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    /// Declared by the app's generated file.
    shared: &'a BTreeSet<String>,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let ident = T::ident(self.cfg);
        if self.shared.contains(&ident) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        self.decls.insert(ident, format!("{docs}export {}", T::decl(self.cfg)));
        T::visit_dependencies(self);
    }
}

fn generate(app_types: &str) -> String {
    let shared: BTreeSet<String> = app_types
        .lines()
        .filter_map(|l| l.strip_prefix("export type "))
        .filter_map(|l| l.split([' ', '<']).next())
        .map(str::to_owned)
        .collect();
    let cfg = Config::new().with_large_int("number");
    let mut c = Collect { cfg: &cfg, seen: HashSet::new(), shared: &shared, decls: BTreeMap::new() };
    c.visit::<LoginResponse>();
    c.visit::<User>();
    c.visit::<InspectionRow>();
    c.visit::<ReportView>();
    c.visit::<ReviewRequest>();
    c.visit::<RegistryRow>();
    c.visit::<CentreOverview>();
    c.visit::<CityRegions>();
    c.visit::<QuarterlyStats>();
    c.visit::<ChartData>();
    c.visit::<ErrorBody>();
    c.visit::<ReportedQuarter>();
    c.visit::<PlanView>();
    c.visit::<Assignment>();
    c.visit::<ProblemView>();
    c.visit::<NoticeView>();
    c.visit::<LedgerRow>();
    c.visit::<EditProblem>();
    c.visit::<IssueNotice>();
    c.visit::<Feedback>();
    c.visit::<Escalation>();
    c.visit::<NewFollowUp>();
    c.visit::<StoredPhoto>();
    c.visit::<Publication>();
    c.visit::<PublicRecord>();
    c.visit::<Publish>();
    c.visit::<NewAssignments>();
    c.visit::<CreatePlan>();
    c.visit::<Replacement>();
    c.visit::<NewOperator>();
    c.visit::<FigureReport>();
    c.visit::<FigureCheck>();
    c.visit::<OperatedCentre>();
    c.visit::<CoverageRow>();
    c.visit::<SpotCheck>();
    c.visit::<ReportBoard>();
    c.visit::<ReportDraft>();
    c.visit::<DraftMigration>();
    c.visit::<ReportVersion>();
    c.visit::<SubmitReport>();
    c.visit::<ReviewReport>();
    c.visit::<Analysis>();
    c.visit::<ExemplarView>();
    c.visit::<Nomination>();
    c.visit::<ExemplarAction>();
    let body: String = c.decls.values().map(|d| format!("\n{}\n", d.trim_end())).collect();
    let used: Vec<&str> = shared
        .iter()
        .map(String::as_str)
        .filter(|name| body.split(|ch: char| !ch.is_alphanumeric() && ch != '_').any(|w| w == *name))
        .collect();
    let import = format!("import type {{ {} }} from './types.gen';\n", used.join(", "));
    let page = "\n/** A page of a list: `items` of `total` (counted up to 10,000: `total_exact` says whether\n\
                 * all were), `per_page` per page; `next` and `prev` reach its neighbours (`after=`, `before=`). */\n\
                export type Page<T> = { items: Array<T>, total: number, total_exact: boolean, page: number, per_page: number, \
                next: string | null, prev: string | null, };\n";
    format!("{HEADER}{import}{page}{body}")
}

#[test]
fn dashboard_types_match_the_rust_types() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib");
    let app_types = std::fs::read_to_string(ui.join("types.gen.ts")).unwrap();
    let path = ui.join("server-types.gen.ts");
    let fresh = generate(&app_types);
    if std::env::var_os("XUNCHA_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/server-types.gen.ts is out of date with the Rust types; run \
         `XUNCHA_BLESS=1 cargo test -p xuncha-server --test ts_types` and commit the result"
    );
}
