//! The quarterly report chain for a province of 20,000 centres (10 cities
//! of 20 counties) with four quarters of figures the centres reported: for
//! each quarter, every county submits (its live tables are computed and
//! frozen), each city approves its counties and consolidates them, the
//! province approves its cities and reports to the ministry. Prints the
//! time of each stage per quarter, the p50/p99 of one county's submission,
//! the province's board (with 报送及时率 over the four quarters) and, for
//! comparison, the live provincial statistics. Run:
//! `cargo bench -p xuncha-tests --bench report_chain` (400 centres under `cargo test`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::time::{Duration, Instant};
use xuncha_core::{Centre, CentreStatus, CentreType, Region};
use xuncha_server::accounts::store::{Role, Scope, User};
use xuncha_server::operators::service::due_period;
use xuncha_server::quarter::offset;
use xuncha_server::reporting::service::{Decision, ReviewReport, SubmitReport};
use xuncha_server::reporting::store::ReportHeader;
use xuncha_tests::{TestServer, p50_p99};

const CITIES: usize = 10;
const COUNTIES: usize = 20;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let centres = if full { 20_000 } else { 400 };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(centres));
}

fn scope(city: usize, county: Option<usize>) -> Scope {
    Scope {
        province: "河北省".into(),
        city: if city == usize::MAX { String::new() } else { format!("第{city}市") },
        county: county.map(|c| format!("第{city}市第{c}区")).unwrap_or_default(),
    }
}

fn supervisor(scope: Scope) -> User {
    User {
        id: 0,
        username: format!("sup-{}{}{}", scope.province, scope.city, scope.county),
        display_name: String::new(),
        role: Role::Supervisor,
        scope,
        disabled: false,
        centres: Vec::new(),
    }
}

fn centres(n: usize) -> Vec<Centre> {
    let template = xuncha_server::cli::demo::demo_centres().remove(3);
    (0..n)
        .map(|i| {
            let (city, county) = (i % CITIES, (i / CITIES) % COUNTIES);
            let s = scope(city, Some(county));
            Centre {
                code: format!("C{i:06}"),
                name: format!("便民服务站{i}"),
                centre_type: [CentreType::Village, CentreType::Township, CentreType::Community][i % 3],
                region: Region { province: s.province, city: s.city, county: s.county, township: "镇".into() },
                status: if i % 20 == 0 { CentreStatus::UnderConstruction } else { CentreStatus::Built },
                ..template.clone()
            }
        })
        .collect()
}

/// Four quarters of figures, nine in ten centres reporting each, in one transaction.
fn figures(server: &TestServer, centres: &[Centre], quarters: &[String]) {
    let mut db = rusqlite::Connection::open(server.dir.path().join("xuncha.db")).unwrap();
    db.busy_timeout(Duration::from_secs(30)).unwrap();
    let tx = db.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO centre_figures (centre_code, period, version, turnover_wan, visits, staff, merchants,
                     reported_by, reported_at) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, 'op', 1)",
            )
            .unwrap();
        for (k, q) in quarters.iter().enumerate() {
            for (i, c) in centres.iter().enumerate().filter(|(i, _)| (i + k) % 10 != 0) {
                let turnover = 10.0 + (i % 97) as f64 + k as f64;
                insert.execute(rusqlite::params![c.code, q, turnover, 1000 + i % 500, 3 + i % 7, i % 11]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

fn header() -> ReportHeader {
    ReportHeader {
        unit: "商务局".into(),
        preparer: "填报人".into(),
        checker: "审核人".into(),
        phone: "0311-1234567".into(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run(n: usize) {
    let server = TestServer::start().await;
    let all = centres(n);
    let quarters: Vec<String> = (-3..=0).map(|d| offset(&due_period(), d).unwrap()).collect();
    let t = Instant::now();
    server.state.store.upsert_centres(&all, 1).unwrap();
    figures(&server, &all, &quarters);
    println!(
        "report chain: {n} centres in {CITIES} cities × {COUNTIES} counties, {} quarters of figures seeded in {:.1} s",
        quarters.len(),
        t.elapsed().as_secs_f64()
    );
    let reports = &server.state.reports;
    let province = supervisor(scope(usize::MAX, None));
    let mut county_times = Vec::new();
    for q in &quarters {
        let submit = |reason: &str| SubmitReport { quarter: q.clone(), header: header(), reason: reason.into() };
        let approve = || ReviewReport { decision: Decision::Approve, comment: String::new() };
        let t = Instant::now();
        let mut ids = Vec::new();
        for city in 0..CITIES {
            for county in 0..COUNTIES {
                let one = Instant::now();
                let v = reports.submit(&supervisor(scope(city, Some(county))), submit("")).await.unwrap();
                county_times.push(one.elapsed());
                ids.push((city, v.summary.id));
            }
        }
        let counties = t.elapsed();
        let t = Instant::now();
        let mut city_ids = Vec::new();
        for city in 0..CITIES {
            let sup = supervisor(scope(city, None));
            for (_, id) in ids.iter().filter(|(c, _)| *c == city) {
                reports.review(&sup, *id, approve()).await.unwrap();
            }
            city_ids.push(reports.submit(&sup, submit("")).await.unwrap().summary.id);
        }
        let cities = t.elapsed();
        let t = Instant::now();
        for id in city_ids {
            reports.review(&province, id, approve()).await.unwrap();
        }
        let sent = reports.submit(&province, submit("")).await.unwrap();
        let consolidated = t.elapsed();
        let (built, reporting) = sent.snapshot.coverage();
        println!(
            "report chain {q}: {} county submissions {:.0} ms, {CITIES} cities review and consolidate {:.0} ms, \
             the province {:.0} ms ({built} built, {reporting} reporting)",
            CITIES * COUNTIES,
            ms(counties),
            ms(cities),
            ms(consolidated),
        );
        assert_eq!(built as usize, all.iter().filter(|c| c.status == CentreStatus::Built).count());
    }
    let (p50, p99) = p50_p99(&mut county_times);
    println!("report chain: one county's submission p50 {p50:.1} ms, p99 {p99:.1} ms");
    let mut board = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let b = reports.board(&province, quarters[3].clone()).await.unwrap();
        board.push(t.elapsed());
        assert_eq!(b.timeliness.len(), CITIES + 1);
    }
    let (p50, p99) = p50_p99(&mut board);
    println!("report chain: the province's board (4 quarters of versions) p50 {p50:.1} ms, p99 {p99:.1} ms");
    let mut live = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        server.state.stats.quarterly_in(province.scope.clone(), quarters[3].clone()).await.unwrap();
        live.push(t.elapsed());
    }
    let (p50, p99) = p50_p99(&mut live);
    println!("report chain: the live provincial statistics, for comparison, p50 {p50:.1} ms, p99 {p99:.1} ms");
    server.stop().await;
}
