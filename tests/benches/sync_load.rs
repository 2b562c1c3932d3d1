//! Load: 200 concurrent simulated devices, each sending one-change sync
//! rounds to a real server over loopback (SQLite, synchronous = FULL; or
//! PostgreSQL with `XUNCHA_TEST_BACKEND=postgres` and
//! `XUNCHA_TEST_POSTGRES` naming a server). Prints throughput and latency
//! percentiles. Run: `cargo bench -p xuncha-tests --bench sync_load`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::time::Instant;
use xuncha_tests::TestServer;
use xuncha_tests::load::{LoadPlan, answer_for, devices, drive, ms, prepare, village};

/// Rounds per second offered by all devices together; `XUNCHA_LOAD_RATE`
/// overrides it (e.g. 2000 to find saturation).
const DEFAULT_RATE: f64 = 1_000.0;

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a short smoke pass.
    let plan = LoadPlan::from_args(DEFAULT_RATE);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(plan));
}

async fn run(plan: LoadPlan) {
    let server = TestServer::start().await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    // `XUNCHA_LOAD_INSTANCES=2` on PostgreSQL: a second server instance on
    // the same database, and the devices split between the two.
    let instances = std::env::var("XUNCHA_LOAD_INSTANCES").ok().and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
    let mut others = Vec::new();
    if instances > 1 {
        assert!(xuncha_tests::on_postgres(), "several instances share a PostgreSQL database");
        let url = server.state.config.database.url.clone();
        for _ in 1..instances {
            let url = url.clone();
            others.push(TestServer::start_with(move |c| c.database.url = url).await);
        }
    }
    let urls: Vec<String> = std::iter::once(server.url.clone()).chain(others.iter().map(|s| s.url.clone())).collect();
    let mut devices = devices(&server, &urls, plan.devices).await;

    // One device alone: the cost of a round without queueing.
    {
        let (template, items) = village();
        let d = &mut devices[0];
        let id = d.docs.keys().next().copied().unwrap().to_string();
        let t0 = Instant::now();
        for n in 0..200 {
            let item = &items[n % items.len()];
            d.answer(&id, &template, item, answer_for(&template, item, n));
            d.try_sync().await.unwrap();
        }
        println!("  one device alone: {:.2} ms per round", ms(t0.elapsed()) / 200.0);
    }
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
    match xuncha_tests::on_postgres() {
        true => println!("  durability: PostgreSQL, synchronous_commit=on; every response after its commit"),
        false => println!("  durability: SQLite WAL, synchronous=FULL, group commit; every response after its commit"),
    }
    println!("  instances:  {instances} (devices split evenly between them)");
    result.print();
    println!("  changes stored: {total_changes}");
    for other in others {
        other.stop().await;
    }
    server.stop().await;
}
