//! A national data set: 31 provinces, 500,000 centres, 2,000,000
//! inspections over eight quarters with a realistic spread of scores,
//! written straight into the store of a real server, then read through its
//! HTTP API the way supervisors read it: the inspection list shallow and
//! deep, filters, the registry, Attachments 4 and 5 of one province, a
//! city's CSV export. Prints p50 and p99 per query and the server's memory
//! around the exports.
//!
//! SQLite: `cargo bench -p xuncha-tests --bench national`.
//! PostgreSQL: the same with `XUNCHA_TEST_BACKEND=postgres
//! XUNCHA_TEST_POSTGRES=postgres://…` (`scripts/postgres.sh start DIR`).
//! Under `cargo test` it runs once on 3,100 centres.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use xuncha_core::DocumentId;
use xuncha_core::template::StatFigure;
use xuncha_server::accounts::store::{Role, Scope};
use xuncha_tests::{Api, TestServer, p50_p99};

const PROVINCES: [&str; 31] = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
];
const CITIES: usize = 11;
const COUNTIES: usize = 9;
const QUARTERS: [&str; 8] = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"];
/// Rows per INSERT statement.
const BATCH: usize = 2_000;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (centres, runs) = if full { (500_000, 50) } else { (3_100, 3) };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(centres, runs));
}

/// A reproducible pseudo-random number for `i` (SplitMix64).
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) for `i`.
fn unit(i: u64) -> f64 {
    (mix(i) >> 11) as f64 / (1u64 << 53) as f64
}

struct Place {
    province: &'static str,
    city: String,
    county: String,
}

/// Centre `i`'s place: provinces, cities and counties in equal shares.
fn place(i: usize, per_county: usize) -> Place {
    let county_no = i / per_county;
    let (p, c, k) = (county_no / (CITIES * COUNTIES) % 31, county_no / COUNTIES % CITIES, county_no % COUNTIES);
    Place { province: PROVINCES[p], city: format!("第{c}市"), county: format!("第{c}市第{k}县") }
}

fn code(i: usize) -> String {
    format!("N{i:07}")
}

/// Seven stations in ten are villages', the rest townships', communities' and blocks'.
fn centre_type(i: usize) -> &'static str {
    match mix(i as u64 ^ 0xC0DE) % 10 {
        0..=6 => "village",
        7 => "township",
        8 => "community",
        _ => "block",
    }
}

fn seed_centres(server: &TestServer, n: usize, per_county: usize) {
    for start in (0..n).step_by(BATCH) {
        let rows: Vec<String> = (start..(start + BATCH).min(n))
            .map(|i| {
                let p = place(i, per_county);
                let status = if mix(i as u64 ^ 0xB11D).is_multiple_of(20) { "under_construction" } else { "built" };
                format!(
                    "('{}', '便民服务站{i}', '{}', '{}', '{}', '{}', '镇{}', {:.5}, {:.5}, 300.0, '{status}', 1700000000000)",
                    code(i),
                    centre_type(i),
                    p.province,
                    p.city,
                    p.county,
                    i % 7,
                    30.0 + unit(i as u64) * 10.0,
                    110.0 + unit(i as u64 + 1) * 10.0,
                )
            })
            .collect();
        server.execute(&format!(
            "INSERT INTO centres (code, name, centre_type, province, city, county, township, lat, lon, geofence_m, status, updated_at) VALUES {};",
            rows.join(",")
        ));
    }
}

/// Each centre inspected in four of the eight quarters; scores near 80
/// with a long tail of failures; most inspections approved, the newest
/// quarter's still in review.
fn seed_inspections(server: &TestServer, centres: usize) -> usize {
    let n = centres * 4;
    for start in (0..n).step_by(BATCH) {
        let rows: Vec<String> = (start..(start + BATCH).min(n))
            .map(|i| {
                let centre = i / 4;
                let q = (centre + (i % 4) * 2) % QUARTERS.len();
                let r = mix(i as u64);
                // The sum of three uniforms: a bell around 80.
                let total = (55.0 + 50.0 * (unit(i as u64) + unit(i as u64 + 7) + unit(i as u64 + 13)) / 3.0
                    - if r.is_multiple_of(25) { 30.0 } else { 0.0 })
                .clamp(0.0, 100.0);
                let total = (total * 10.0).round() / 10.0;
                let grade = match total {
                    t if t >= 90.0 => "excellent",
                    t if t >= 75.0 => "good",
                    t if t >= 60.0 => "pass",
                    _ => "fail",
                };
                let status = match (q, r % 100) {
                    (7, 0..=39) => "submitted",
                    (7, 40..=49) => "draft",
                    (_, 0..=2) => "returned",
                    _ => "approved",
                };
                let figures: BTreeMap<StatFigure, f64> = [
                    (StatFigure::Turnover10kYuan, (r % 500) as f64 / 10.0),
                    (StatFigure::ServiceVisits, (r % 3000) as f64),
                    (StatFigure::Staff, (r % 9 + 1) as f64),
                    (StatFigure::Tenants, (r % 12) as f64),
                ]
                .into();
                let doc = DocumentId::random();
                let updated = 1_735_660_800_000_i64 + q as i64 * 7_776_000_000 + (r % 7_000_000_000) as i64;
                format!(
                    "({}, '{}', '{}', 1, 'insp', {updated}, '{}', {}, {}, 1, {i}, {updated}, '{status}', {total:.1}, '{grade}', '{}', {}, {}, {})",
                    server.bytes_literal(doc.as_bytes()),
                    code(centre),
                    centre_type(centre),
                    QUARTERS[q],
                    server.bytes_literal(&[]),
                    server.bytes_literal(&[]),
                    if r.is_multiple_of(9) { "outside_fence" } else { "verified" },
                    u32::from(r.is_multiple_of(17)),
                    u32::from(r.is_multiple_of(31)),
                    format_args!("'{}'", serde_json::to_string(&figures).unwrap()),
                )
            })
            .collect();
        server.execute(&format!(
            "INSERT INTO documents (doc_id, centre_code, template_id, template_version, created_by, created_at,
                 quarter, snapshot, heads, change_count, updated_seq, updated_at, status, total, grade,
                 on_site, vetoes, conflicts, figures) VALUES {};",
            rows.join(",")
        ));
    }
    n
}

/// Resident memory of this process (the server runs in it), in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

async fn time(api: &Api, name: &str, path: &str, runs: usize) -> Value {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut last = Value::Null;
    for _ in 0..runs {
        let t = Instant::now();
        let (status, body) = api.get(path).await;
        times.push(t.elapsed());
        assert_eq!(status, 200, "{path}: {body}");
        last = body;
    }
    let (p50, p99) = p50_p99(&mut times);
    let total = last.get("total").and_then(Value::as_u64).map(|t| format!("{t:>8} matching")).unwrap_or_default();
    println!("  {name:<42} {total:>17}   p50 {p50:>7.1} ms   p99 {p99:>7.1} ms");
    last
}

/// A CSV export read to its end: time, size and the process's memory.
async fn export(api: &Api, name: &str, path: &str) {
    let before = rss_mib();
    let t = Instant::now();
    let resp = api.http.get(format!("{}{path}", api.url)).bearer_auth(&api.token).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let mut bytes = 0usize;
    let mut lines = 0usize;
    let mut peak = before;
    let mut stream = resp;
    while let Some(chunk) = stream.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|&&b| b == b'\n').count();
        peak = peak.max(rss_mib());
    }
    println!(
        "  {name:<42} {lines:>8} rows {:>6.1} MB in {:>6.0} ms; memory {before:.0} MiB before, {peak:.0} MiB at most",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0,
    );
}

async fn run(centres: usize, runs: usize) {
    let mut server = TestServer::start().await;
    let backend = if xuncha_tests::on_postgres() { "PostgreSQL" } else { "SQLite" };
    let per_county = (centres / (31 * CITIES * COUNTIES)).max(1);
    let t = Instant::now();
    seed_centres(&server, centres, per_county);
    let inspections = seed_inspections(&server, centres);
    server.execute("ANALYZE");
    // A bulk load behind the server's back, then a restart: the server's
    // connections plan with the new statistics (a running server
    // refreshes them hourly as its data grows).
    server.pause().await;
    server.resume().await;
    println!(
        "national ({backend}): {} provinces, {centres} centres, {inspections} inspections written in {:.0} s",
        PROVINCES.len(),
        t.elapsed().as_secs_f64()
    );
    let province = Scope { province: "河北省".into(), ..Scope::default() };
    let city = Scope { city: "第3市".into(), ..province.clone() };
    server.add_user_in("sup-prov", Role::Supervisor, province);
    server.add_user_in("sup-city", Role::Supervisor, city);
    server.add_user_in("admin-nation", Role::Administrator, Scope::default());
    let (prov, cityu, nation) =
        (server.api("sup-prov").await, server.api("sup-city").await, server.api("admin-nation").await);

    println!("the inspection list (50 a page):");
    time(&prov, "province, newest first, page 1", "/api/v1/inspections?per_page=50", runs).await;
    deep_page(&prov, "province, newest first, page 1,000", "/api/v1/inspections?per_page=50", 1_000, runs).await;
    time(&nation, "nation, newest first, page 1", "/api/v1/inspections?per_page=50", runs).await;
    deep_page(&nation, "nation, newest first, page 1,000", "/api/v1/inspections?per_page=50", 1_000, runs).await;
    time(
        &prov,
        "province, quarter + county + status",
        "/api/v1/inspections?quarter=2026Q3&city=第3市&county=第3市第4县&status=approved",
        runs,
    )
    .await;
    time(&prov, "province, flags veto + conflicts", "/api/v1/inspections?flag=veto,conflicts", runs).await;
    time(&prov, "province, sorted by total ascending", "/api/v1/inspections?sort=total&order=asc&per_page=50", runs)
        .await;
    time(&cityu, "city, sorted by centre, page 1", "/api/v1/inspections?sort=centre&per_page=50", runs).await;
    println!("the registry (50 a page):");
    time(&prov, "province, page 1", "/api/v1/registry?per_page=50", runs).await;
    deep_page(&prov, "province, page 100", "/api/v1/registry?per_page=50", 100, runs).await;
    time(&prov, "province, search by name", "/api/v1/registry?q=便民服务站4000", runs).await;
    println!("statistics of one province:");
    time(&prov, "Attachments 4 and 5, 2026Q3", "/api/v1/stats/quarterly?quarter=2026Q3", runs.min(10)).await;
    time(&prov, "charts", "/api/v1/stats/charts", runs.min(10)).await;
    println!("exports:");
    export(&cityu, "a city's inspections, CSV", "/api/v1/inspections/export.csv").await;
    export(&prov, "a province's inspections, CSV", "/api/v1/inspections/export.csv").await;
    export(&prov, "a province's centres, CSV", "/api/v1/centres/export.csv").await;
    server.stop().await;
}

/// Page `n` of a list, reached the way the dashboard reaches it: the
/// `next` link of each page while the server gives one, else `page=`.
async fn deep_page(api: &Api, name: &str, first: &str, n: usize, runs: usize) {
    let mut path = format!("{first}&page={n}");
    let mut at = first.to_owned();
    for page in 2..=n {
        let (status, body) = api.get(&at).await;
        assert_eq!(status, 200, "{at}: {body}");
        match body.get("next").and_then(Value::as_str) {
            Some(next) => at = format!("{first}&page={page}&after={next}"),
            None => break,
        }
        path = at.clone();
    }
    time(api, name, &path, runs).await;
}
