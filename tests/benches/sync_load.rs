//! Load: 200 concurrent simulated devices, each sending one-change sync
//! rounds to a real server over loopback (SQLite, synchronous = FULL; or
//! PostgreSQL with `XUNCHA_TEST_BACKEND=postgres` and
//! `XUNCHA_TEST_POSTGRES` naming a server, `XUNCHA_LOAD_INSTANCES=2` for
//! two server instances on it). `XUNCHA_LOAD_BACKENDS=all` with
//! `XUNCHA_TEST_POSTGRES` set runs SQLite, PostgreSQL with one instance
//! and with two in the same run, and ends with a table of the three.
//! Prints throughput and latency percentiles.
//! Run: `cargo bench -p xuncha-tests --bench sync_load`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::time::Instant;
use xuncha_tests::load::{LoadPlan, LoadResult, answer_for, devices, drive, ms, prepare, village};
use xuncha_tests::{TestDatabase, TestServer};

/// Rounds per second offered by all devices together; `XUNCHA_LOAD_RATE`
/// overrides it (e.g. 2000 to find saturation).
const DEFAULT_RATE: f64 = 1_000.0;

/// Where the rounds go: SQLite, or `n` instances on one PostgreSQL database.
#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres(usize),
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a short smoke pass.
    let plan = LoadPlan::from_args(DEFAULT_RATE);
    let instances = std::env::var("XUNCHA_LOAD_INSTANCES").ok().and_then(|n| n.parse().ok()).unwrap_or(1);
    let backends = match std::env::var("XUNCHA_LOAD_BACKENDS").as_deref() {
        Ok("all") => vec![Backend::Sqlite, Backend::Postgres(1), Backend::Postgres(2)],
        _ if xuncha_tests::on_postgres() => vec![Backend::Postgres(instances)],
        _ => vec![Backend::Sqlite],
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let results: Vec<(Backend, LoadResult)> = backends.into_iter().map(|b| (b, rt.block_on(run(plan, b)))).collect();
    if results.len() > 1 {
        println!("sync_load, the same run, {:.0} rounds/s offered:", plan.rate);
        println!(
            "  {:<28} {:>12} {:>10} {:>10} {:>14} {:>17}",
            "backend", "answered/s", "p50 ms", "p99 ms", "cpu ms/round", "server ms/round"
        );
        for (backend, r) in &results {
            let name = match backend {
                Backend::Sqlite => "SQLite".to_owned(),
                Backend::Postgres(n) => format!("PostgreSQL, {n} instance(s)"),
            };
            println!(
                "  {name:<28} {:>12.0} {:>10.1} {:>10.1} {:>14.2} {:>17.2}",
                r.per_second,
                r.p50_ms,
                r.p99_ms,
                r.cpu_ms_per_round,
                r.server_ms_per_round()
            );
        }
    }
}

async fn run(plan: LoadPlan, backend: Backend) -> LoadResult {
    // PostgreSQL: a fresh database every instance shares (a SQLite server keeps its own file).
    let database = match backend {
        Backend::Postgres(_) => Some(TestDatabase::create().expect("XUNCHA_TEST_POSTGRES names a server")),
        Backend::Sqlite => None,
    };
    let url = database.as_ref().map(|d| d.url.clone());
    let start = |url: Option<String>| TestServer::start_with(move |c| c.database.url = url);
    let server = start(url.clone()).await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    let mut others = Vec::new();
    if let Backend::Postgres(n) = backend {
        for _ in 1..n {
            others.push(start(url.clone()).await);
        }
    }
    let urls: Vec<String> = std::iter::once(server.url.clone()).chain(others.iter().map(|s| s.url.clone())).collect();
    let mut devices = devices(&server, &urls, plan.devices).await;

    // One device alone: the cost of a round without queueing.
    let alone = {
        let (template, items) = village();
        let d = &mut devices[0];
        let id = d.docs.keys().next().copied().unwrap().to_string();
        let t0 = Instant::now();
        for n in 0..200 {
            let item = &items[n % items.len()];
            d.answer(&id, &template, item, answer_for(&template, item, n));
            d.try_sync().await.unwrap();
        }
        ms(t0.elapsed()) / 200.0
    };
    let prepared = prepare(devices, plan.rounds()).into_iter().map(|(d, bodies, _)| (d, bodies)).collect();
    let result = drive(plan, prepared).await;
    let total_changes = server.count("SELECT CAST(sum(change_count) AS BIGINT) FROM documents");
    println!(
        "sync_load: {} devices, one-change rounds every {:.0} ms each ({:.0} rounds/s offered), {:.1} s measured after {:.1} s warm-up",
        plan.devices,
        plan.interval().as_secs_f64() * 1000.0,
        plan.rate,
        plan.measure.as_secs_f64(),
        plan.warmup.as_secs_f64()
    );
    match backend {
        Backend::Postgres(_) => {
            println!("  durability: PostgreSQL, synchronous_commit=on; every response after its commit")
        }
        Backend::Sqlite => {
            println!("  durability: SQLite WAL, synchronous=FULL, group commit; every response after its commit")
        }
    }
    println!("  instances:  {} (devices split evenly between them)", urls.len());
    println!("  one device alone: {alone:.2} ms per round");
    result.print();
    println!("  changes stored: {total_changes}");
    for other in others {
        other.stop().await;
    }
    server.stop().await;
    drop(database);
    result
}
