//! The analysis page's figures over 100,000 official inspections of a
//! province's 20,000 centres in one quarter (every scored item of the
//! village template per inspection, a fifth of them losing points): the
//! province's and one city's analysis through the service, p50 and p99.
//! Run: `cargo bench -p xuncha-tests --bench analysis` (2,000 inspections under `cargo test`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::time::{Duration, Instant};
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, CentreType, DocumentId, Region};
use xuncha_server::accounts::store::{Role, Scope, User};
use xuncha_tests::{TestServer, p50_p99};

const QUARTER: &str = "2026Q4";

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (inspections, runs) = if full { (100_000, 20) } else { (2_000, 3) };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(inspections, runs));
}

fn centres(n: usize) -> Vec<Centre> {
    let template = xuncha_server::cli::demo::demo_centres().remove(3);
    (0..n)
        .map(|i| {
            let (city, county) = (i % 10, (i / 10) % 20);
            Centre {
                code: format!("C{i:06}"),
                name: format!("便民服务站{i}"),
                centre_type: CentreType::Village,
                region: Region {
                    province: "河北省".into(),
                    city: format!("第{city}市"),
                    county: format!("第{city}市第{county}区"),
                    township: "镇".into(),
                },
                ..template.clone()
            }
        })
        .collect()
}

fn user(scope: Scope) -> User {
    User {
        id: 0,
        username: "sup".into(),
        display_name: String::new(),
        role: Role::Supervisor,
        scope,
        disabled: false,
        centres: Vec::new(),
    }
}

async fn run(inspections: usize, runs: usize) {
    let server = TestServer::start().await;
    let all = centres((inspections / 5).max(10));
    server.state.store.upsert_centres(&all, 1).unwrap();
    let village = server.state.catalog.templates().get(&TemplateRef { id: "village".into(), version: 1 }).unwrap();
    let items: Vec<(String, String, f64)> = village
        .template
        .items()
        .filter(|(_, i)| i.points > 0.0)
        .map(|(s, i)| (i.id.clone(), s.id.clone(), i.points))
        .collect();
    let t = Instant::now();
    let mut db = rusqlite::Connection::open(server.dir.path().join("xuncha.db")).unwrap();
    db.busy_timeout(Duration::from_secs(30)).unwrap();
    let tx = db.transaction().unwrap();
    {
        let mut doc = tx
            .prepare(
                "INSERT INTO documents (doc_id, centre_code, template_id, template_version, created_by, created_at,
                     quarter, snapshot, heads, change_count, updated_seq, updated_at, status, total, grade)
                 VALUES (?1, ?2, 'village', 1, 'sup', 1, ?3, x'', x'', 1, ?4, 1, 'approved', ?5, 'pass')",
            )
            .unwrap();
        let mut result = tx
            .prepare(
                "INSERT INTO item_results (doc_id, item, section, points, max_points, veto) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        for i in 0..inspections {
            let id = DocumentId::random();
            let bytes = id.as_bytes().to_vec();
            let total = 60.0 + (i % 40) as f64;
            doc.execute(rusqlite::params![bytes, all[i % all.len()].code, QUARTER, i as i64, total]).unwrap();
            for (k, (item, section, points)) in items.iter().enumerate() {
                let lost = (i + k) % 5 == 0;
                let veto = lost && k == 0 && i % 50 == 0;
                let got = if lost { 0.0 } else { *points };
                result.execute(rusqlite::params![bytes, item, section, got, points, veto]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
    println!(
        "analysis: {inspections} inspections × {} scored items of {} centres seeded in {:.1} s",
        items.len(),
        all.len(),
        t.elapsed().as_secs_f64()
    );
    for (name, scope) in [
        ("province", Scope { province: "河北省".into(), ..Scope::default() }),
        ("one city", Scope { province: "河北省".into(), city: "第3市".into(), county: String::new() }),
    ] {
        let who = user(scope);
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let a = server.state.analyses.analysis(&who, Some(QUARTER.into()), None).await.unwrap();
            times.push(t.elapsed());
            assert!(!a.items.is_empty() && !a.by_county.is_empty());
        }
        let (p50, p99) = p50_p99(&mut times);
        println!("analysis of {name}: p50 {p50:.0} ms, p99 {p99:.0} ms over {runs} runs");
        // Its parts: the item losses read, and the charts' read of every quarter.
        let t = Instant::now();
        let rows = server.state.store.item_losses(&who.scope, QUARTER, 200_000).unwrap();
        let losses = t.elapsed();
        let t = Instant::now();
        server.state.stats.charts(&who, Some(QUARTER.into()), None).await.unwrap();
        println!(
            "analysis of {name}: item losses {:.0} ms ({} rows), charts {:.0} ms",
            losses.as_secs_f64() * 1000.0,
            rows.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    server.stop().await;
}
