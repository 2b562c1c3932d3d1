//! The dashboard's inspection list with 10,000 inspections: a real server
//! over loopback, a supervisor's session, pages deep and shallow, filters,
//! flags and sorts. Prints p50 and p99 per query. Run:
//! `cargo bench -p xuncha-tests --bench dashboard_list`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::time::{Duration, Instant};
use xuncha_core::DocumentId;
use xuncha_core::template::TemplateRef;
use xuncha_server::accounts::store::Role;
use xuncha_server::inspections::store::{DocMeta, DocSummary, DocWrite};
use xuncha_tests::TestServer;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (docs, runs) = if full { (10_000, 100) } else { (300, 5) };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(docs, runs));
}

/// Inspections spread over the demo centres, eight quarters and every status,
/// written straight into the store (the list reads only their summaries).
fn seed(server: &TestServer, n: usize) {
    let centres = xuncha_server::cli::demo::demo_centres();
    let quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"];
    use xuncha_core::document::WorkflowStatus as W;
    use xuncha_core::location::OnSiteStatus;
    use xuncha_core::scoring::Grade as G;
    let statuses = [W::Draft, W::Submitted, W::Returned, W::Approved];
    let grades = [G::Fail, G::Pass, G::Good, G::Excellent];
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let writes = chunk
            .iter()
            .map(|&i| {
                let c = &centres[i % centres.len()];
                let total = (i * 37 % 1000) as f64 / 10.0;
                DocWrite {
                    meta: DocMeta {
                        doc: DocumentId::random(),
                        centre_code: c.code.clone(),
                        template: TemplateRef { id: c.centre_type.as_str().into(), version: 1 },
                        purpose: Default::default(),
                        created_by: "insp-wang".into(),
                        created_at: 1_700_000_000_000 + i as i64,
                        quarter: quarters[i % quarters.len()].into(),
                    },
                    is_new: true,
                    base_heads: Vec::new(),
                    new_changes: Vec::new(),
                    heads: Vec::new(),
                    compacted: Some(vec![0]),
                    summary: DocSummary {
                        status: statuses[i % statuses.len()],
                        total: Some(total),
                        grade: Some(grades[(total / 25.0) as usize % 4]),
                        complete: i % 3 == 0,
                        on_site: Some(if i % 5 == 0 { OnSiteStatus::OutsideFence } else { OnSiteStatus::Verified }),
                        vetoes: u32::from(i % 17 == 0),
                        conflicts: u32::from(i % 11 == 0),
                        evidence_problems: u32::from(i % 7 == 0),
                        figures: Default::default(),
                    },
                    score: None,
                    members: vec!["insp-wang".into()],
                    photos: Vec::new(),
                }
            })
            .collect();
        server.state.store.commit_round(writes, None, 1_700_000_000_000).unwrap();
    }
}

async fn run(n: usize, runs: usize) {
    let server = TestServer::start().await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    server.add_user("sup-city", Role::Supervisor, "");
    let t0 = Instant::now();
    seed(&server, n);
    println!("dashboard_list: {n} inspections written in {:.1} s", t0.elapsed().as_secs_f64());
    let api = server.api("sup-city").await;
    let queries = [
        ("newest first, page 1", "/api/v1/inspections?per_page=50"),
        ("newest first, page 100", "/api/v1/inspections?per_page=50&page=100"),
        ("quarter + county + status", "/api/v1/inspections?quarter=2026Q4&county=长安区&status=approved"),
        ("flags not_verified,conflicts", "/api/v1/inspections?flag=not_verified,conflicts"),
        ("sorted by total, ascending", "/api/v1/inspections?sort=total&order=asc&per_page=50"),
        ("sorted by centre, page 50", "/api/v1/inspections?sort=centre&page=50&per_page=50"),
    ];
    for (name, path) in queries {
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut total = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let (status, body) = api.get(path).await;
            times.push(t.elapsed());
            assert_eq!(status, 200, "{path}");
            total = body["total"].as_u64().unwrap();
        }
        let (p50, p99) = xuncha_tests::p50_p99(&mut times);
        println!("  {name:<30} {total:>6} matching   p50 {p50:>6.2} ms   p99 {p99:>6.2} ms");
    }
    server.stop().await;
}
