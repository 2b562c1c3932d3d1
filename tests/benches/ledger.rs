//! The rectification ledger (整改台账) with 50,000 problems: a real server
//! over loopback, a city supervisor's session; the per-county counts, the
//! first and a deep page, the overdue filter, one centre's history and the
//! CSV export of one county. Prints p50 and p99 per query. Run:
//! `cargo bench -p xuncha-tests --bench ledger` (2,000 problems under `cargo test`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::time::{Duration, Instant};
use xuncha_core::document::Purpose;
use xuncha_core::problems::Severity;
use xuncha_core::{DocumentId, Region};
use xuncha_server::accounts::store::Role;
use xuncha_server::problems::store::{NewProblem, ProblemChange, ProblemEvent, ProblemSource};
use xuncha_tests::TestServer;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (problems, runs) = if full { (50_000, 100) } else { (2_000, 5) };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(problems, runs));
}

/// Problems of the demo centres' counties, ten per inspection, in every
/// state: a third issued (some overdue), a tenth closed, the rest drafts.
fn seed(server: &TestServer, n: usize) {
    let centres = xuncha_server::cli::demo::demo_centres();
    let store = &server.state.store;
    let event = |kind: &str| ProblemEvent {
        at: 2,
        by: "sup".into(),
        kind: kind.into(),
        detail: String::new(),
        photos: Vec::new(),
    };
    for i in 0..n.div_ceil(10) {
        let c = &centres[i % centres.len()];
        let source = ProblemSource {
            doc: DocumentId::random(),
            centre_code: c.code.clone(),
            centre_name: c.name.clone(),
            region: Region { ..c.region.clone() },
            quarter: "2026Q4".into(),
            purpose: Purpose::Routine,
            by: "sup".into(),
        };
        let found: Vec<NewProblem> = (0..10)
            .map(|k| NewProblem {
                key: format!("item:{k}"),
                item: Some(format!("item.{k}")),
                title_zh: "消防安全检查结果".into(),
                title_en: "Fire safety".into(),
                finding: "检查结果：一般隐患，需限期整改".into(),
                photos: Vec::new(),
                severity: [Severity::General, Severity::Serious, Severity::Veto][k % 3],
                deadline: format!("2026-{:02}-{:02}", 10 + (i + k) % 3, 1 + (i * 7 + k) % 28),
                responsible: c.name.clone(),
            })
            .collect();
        store.record_problems(&source, &found, 1).unwrap();
    }
    // Issue and close some, straight through the store's moves.
    let ids: Vec<i64> = (1..=n as i64).collect();
    for chunk in ids.chunks(10).filter(|c| c[0] % 30 < 10) {
        let notice = xuncha_server::problems::store::NewNotice {
            centre_code: String::new(),
            centre_name: String::new(),
            scope: Default::default(),
            office: "商务局".into(),
            prefix: "长安".into(),
            issued_by: "sup".into(),
            issued_on: "2026-10-01".into(),
            issued_at: 2,
        };
        let centre = store.problem(chunk[0]).unwrap().unwrap().centre_code;
        let notice = xuncha_server::problems::store::NewNotice { centre_code: centre, ..notice };
        store.issue_notice(&notice, chunk, &event("issued")).unwrap().unwrap();
        for id in chunk.iter().filter(|id| *id % 4 == 0) {
            let close = ProblemChange::Close { doc: DocumentId::random(), on: "2026-11-15".into() };
            store.change_problem(*id, &close, &event("closed")).unwrap();
        }
    }
}

async fn run(n: usize, runs: usize) {
    let server = TestServer::start().await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    server.add_user("sup-city", Role::Supervisor, "");
    let t0 = Instant::now();
    seed(&server, n);
    println!("ledger: {n} problems written in {:.1} s", t0.elapsed().as_secs_f64());
    let api = server.api("sup-city").await;
    let queries = [
        ("counts per county", "/api/v1/problems/ledger"),
        ("newest first, page 1", "/api/v1/problems?per_page=50"),
        ("newest first, page 500", "/api/v1/problems?per_page=50&page=500"),
        ("overdue, one county", "/api/v1/problems?due=overdue&county=长安区&per_page=50"),
        ("drafts, veto", "/api/v1/problems?state=draft&severity=veto&per_page=50"),
        ("one centre's history", "/api/v1/problems?centre=130102-C01&per_page=50"),
        ("CSV, closed late", "/api/v1/problems/export.csv?due=late"),
    ];
    for (name, path) in queries {
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let res = api.http.get(format!("{}{path}", api.url)).bearer_auth(&api.token).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            size = res.bytes().await.unwrap().len();
            times.push(t.elapsed());
        }
        let (p50, p99) = xuncha_tests::p50_p99(&mut times);
        println!("  {name:<24} {size:>9} bytes   p50 {p50:>7.2} ms   p99 {p99:>7.2} ms");
    }
    server.stop().await;
}
