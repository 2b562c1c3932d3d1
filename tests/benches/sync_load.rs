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

use std::time::{Duration, Instant};
use xuncha_core::DocumentId;
use xuncha_core::document::{Answer, InspectionDoc, NewInspection};
use xuncha_core::sync::{DocStatus, decode_response, encode};
use xuncha_core::template::{AnswerSpec, builtin_templates};
use xuncha_server::accounts::store::Role;
use xuncha_tests::device::LocalDoc;
use xuncha_tests::{Device, TestServer};

/// Rounds per second offered by all devices together; `XUNCHA_LOAD_RATE`
/// overrides it (e.g. 2000 to find saturation).
const DEFAULT_RATE: f64 = 1_000.0;

#[derive(Clone, Copy)]
struct Plan {
    devices: usize,
    warmup: Duration,
    measure: Duration,
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a short smoke pass.
    let plan = if std::env::args().any(|a| a == "--bench") {
        Plan { devices: 200, warmup: Duration::from_secs(2), measure: Duration::from_secs(10) }
    } else {
        Plan { devices: 4, warmup: Duration::from_millis(200), measure: Duration::from_millis(600) }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run(plan));
}

async fn run(plan: Plan) {
    let Plan { devices: n_devices, warmup, measure } = plan;
    let rate = std::env::var("XUNCHA_LOAD_RATE").ok().and_then(|r| r.parse::<f64>().ok()).unwrap_or(DEFAULT_RATE);
    // Each device sends a round this often: 200 devices at 1,000 rounds/s is one round per 200 ms each.
    let interval = Duration::from_secs_f64(n_devices as f64 / rate);
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
    let template = builtin_templates().unwrap().into_iter().find(|t| t.id == "village").unwrap();
    let items: Vec<String> = template
        .items()
        .filter(|(_, i)| matches!(i.answer, AnswerSpec::Scale { .. } | AnswerSpec::YesNo))
        .map(|(_, i)| i.id.clone())
        .collect();

    // Devices: users and tokens straight in the store (sign-in is not what is measured).
    let mut devices = Vec::new();
    let hash = xuncha_server::accounts::passwords::hash_password(xuncha_tests::PASSWORD).unwrap();
    for n in 0..n_devices {
        let name = format!("insp{n:03}");
        let scope = xuncha_server::accounts::store::Scope {
            province: "河北省".into(),
            city: "石家庄市".into(),
            county: "长安区".into(),
        };
        let user = server
            .state
            .store
            .create_user(
                xuncha_server::accounts::store::NewUser {
                    username: name.clone(),
                    display_name: name.clone(),
                    role: Role::Inspector,
                    scope,
                    centres: Vec::new(),
                    password_hash: hash.clone(),
                },
                1,
            )
            .unwrap();
        let (token, token_hash) = xuncha_server::accounts::passwords::new_token(true);
        let actor = automerge::ActorId::random();
        let new = xuncha_server::accounts::store::NewDevice {
            user_id: user.id,
            name: "bench",
            token_hash: &token_hash,
            actors: std::slice::from_ref(&actor),
            public_key: None,
        };
        let dev = server.state.store.create_device(new, 1).unwrap();
        let new = NewInspection {
            centre_code: "130102-V02".into(),
            template: template.reference(),
            purpose: Default::default(),
            created_by: name.clone(),
            created_by_name: name.clone(),
            at: xuncha_server::now_ms(),
        };
        let doc = InspectionDoc::create(actor.clone(), &new, &template).unwrap();
        let mut device = Device {
            url: urls[n % urls.len()].clone(),
            token,
            username: name,
            actor,
            device_id: dev.id,
            docs: Default::default(),
            cursor: 0,
            http: reqwest::Client::new(),
        };
        device.docs.insert(DocumentId::random(), LocalDoc { doc, ack: Vec::new() });
        device.sync().await;
        devices.push(device);
    }

    // One device alone: the cost of a round without queueing.
    {
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
    // Each device's edits are made before the clock starts, as if queued
    // offline: while measuring, the generator only sends rounds and checks
    // the answers, so the two cores go to the server, not to simulating phones.
    let rounds = ((warmup + measure).as_secs_f64() / interval.as_secs_f64()).ceil() as usize + 2;
    let mut prepared = Vec::new();
    for mut device in devices {
        let id = device.docs.keys().next().copied().unwrap();
        let mut bodies = Vec::with_capacity(rounds);
        for n in 0..rounds {
            let item = &items[n % items.len()];
            device.answer(&id.to_string(), &template, item, answer_for(&template, item, n));
            bodies.push(encode(&device.request()));
            let local = device.docs.get_mut(&id).unwrap();
            local.ack = local.doc.automerge_mut().get_heads();
        }
        prepared.push((device, bodies));
    }
    let start = Instant::now();
    // The process's CPU time over the measured window alone.
    let cpu_window = tokio::spawn(async move {
        tokio::time::sleep(warmup).await;
        let from = cpu_ms();
        tokio::time::sleep(measure).await;
        cpu_ms() - from
    });
    let mut tasks = Vec::new();
    let n_prepared = prepared.len();
    for (index, (device, bodies)) in prepared.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            // Phases spread evenly over the interval, as independent phones
            // would be: a generator whose phases bunch up measures its own
            // bursts, not the server. A device that falls behind sends at once.
            let phase = index as f64 / n_prepared as f64;
            let mut next = tokio::time::Instant::now() + interval.mul_f64(phase);
            for body in bodies {
                tokio::time::sleep_until(next).await;
                // Latency counts from when the round was due, not from when it
                // went out: a device held up by a slow server would otherwise
                // hide its wait (coordinated omission).
                let due = next;
                next += interval;
                let elapsed = start.elapsed();
                if elapsed > warmup + measure {
                    break;
                }
                let res = device.post_raw(&body).await;
                assert_eq!(res.status(), reqwest::StatusCode::OK);
                let res = decode_response(&res.bytes().await.unwrap()).unwrap();
                let took = due.elapsed();
                assert_eq!(res.docs[0].status, DocStatus::Accepted { new: 1 }, "each round is one new change");
                if elapsed >= warmup {
                    latencies.push((took, start.elapsed()));
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    let mut answered_in_window = 0usize;
    for t in tasks {
        for (took, done) in t.await.unwrap() {
            all.push(took);
            answered_in_window += usize::from(done <= warmup + measure);
        }
    }
    let cpu = cpu_window.await.unwrap();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    let total_changes = server.count("SELECT CAST(sum(change_count) AS BIGINT) FROM documents");
    println!(
        "sync_load: {n_devices} devices, one-change rounds every {:.0} ms each ({rate:.0} rounds/s offered), {:.1} s measured after {:.1} s warm-up",
        interval.as_secs_f64() * 1000.0,
        measure.as_secs_f64(),
        warmup.as_secs_f64()
    );
    match xuncha_tests::on_postgres() {
        true => println!("  durability: PostgreSQL, synchronous_commit=on; every response after its commit"),
        false => println!("  durability: SQLite WAL, synchronous=FULL, group commit; every response after its commit"),
    }
    println!("  instances:  {instances} (devices split evenly between them)");
    println!("  requests:   {} due in the window, {answered_in_window} answered in it", all.len());
    println!("  throughput: {:.0} requests/s answered", answered_in_window as f64 / measure.as_secs_f64());
    println!("  latency is counted from each round's due time (no coordinated omission)");
    println!(
        "  latency:    p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(all[all.len() - 1])
    );
    println!(
        "  cpu:        {:.2} ms per answered round (server and load generator together, one process; {:.0}% of 2 cores)",
        cpu / (answered_in_window.max(1) as f64),
        cpu / 10.0 / measure.as_secs_f64() / 2.0
    );
    println!("  changes stored: {total_changes}");
    for other in others {
        other.stop().await;
    }
    server.stop().await;
}

fn answer_for(template: &xuncha_core::template::Template, item: &str, n: usize) -> Answer {
    match &template.item(item).unwrap().answer {
        AnswerSpec::Scale { max, .. } => Answer::Scale(*max - i64::try_from(n % 2).unwrap()),
        _ => Answer::YesNo(n.is_multiple_of(2)),
    }
}

/// CPU time this process has used (user and system), in ms.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    let ticks = field(11) + field(12);
    // Linux reports in clock ticks of 1/100 s.
    ticks * 10.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
