//! The sync load generator the `sync_load` and `samod_peer` benches share:
//! simulated devices each sending one-change rounds to a real server over
//! loopback at an offered rate, latency counted from each round's due
//! time. It also hands out the documents and the very changes it sent, so
//! a peer server can be given the same edits.

use crate::device::LocalDoc;
use crate::{Device, TestServer};
use crate::{stored_doc, summary};
use std::time::{Duration, Instant};
use xuncha_core::DocumentId;
use xuncha_core::document::{Answer, AnswerRecord, InspectionDoc, NewInspection, WorkflowStatus};
use xuncha_core::sync::{DocStatus, decode_response, encode};
use xuncha_core::template::{AnswerSpec, Template, TemplateRef, builtin_templates};
use xuncha_server::accounts::store::{NewDevice, NewUser, Role, Scope};
use xuncha_server::inspections::store::DocMeta;

#[derive(Debug, Clone, Copy)]
pub struct LoadPlan {
    pub devices: usize,
    /// Rounds per second offered by all devices together.
    pub rate: f64,
    pub warmup: Duration,
    pub measure: Duration,
}

impl LoadPlan {
    /// 200 devices for 2 s + 10 s under `cargo bench`, a short smoke pass
    /// under `cargo test`; `XUNCHA_LOAD_RATE` overrides the rate.
    pub fn from_args(default_rate: f64) -> Self {
        let rate = std::env::var("XUNCHA_LOAD_RATE").ok().and_then(|r| r.parse().ok()).unwrap_or(default_rate);
        match std::env::args().any(|a| a == "--bench") {
            true => LoadPlan { devices: 200, rate, warmup: Duration::from_secs(2), measure: Duration::from_secs(10) },
            false => LoadPlan {
                devices: 4,
                rate: rate.min(40.0),
                warmup: Duration::from_millis(200),
                measure: Duration::from_millis(600),
            },
        }
    }

    /// How often each device sends a round.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(self.devices as f64 / self.rate)
    }

    /// Rounds each device prepares: enough for the whole run.
    pub fn rounds(&self) -> usize {
        ((self.warmup + self.measure).as_secs_f64() / self.interval().as_secs_f64()).ceil() as usize + 2
    }
}

/// What one run measured.
#[derive(Debug, Clone)]
pub struct LoadResult {
    /// Rounds due in the measured window, and answers that arrived in it (whenever due).
    pub due: usize,
    pub answered: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// This process's CPU time over the window per answered round.
    pub cpu_ms_per_round: f64,
    /// Of that, the load generator's own threads (its runtime, `GENERATOR`).
    pub generator_ms_per_round: f64,
    pub cpu_share: f64,
}

impl LoadResult {
    /// The server's CPU time per answered round: the process's less the generator's threads.
    pub fn server_ms_per_round(&self) -> f64 {
        self.cpu_ms_per_round - self.generator_ms_per_round
    }
}

/// The name of the load generator's threads: they run on a runtime of
/// their own, so their CPU time can be told from the server's.
pub const GENERATOR: &str = "xuncha-load";

/// One device's document as the server first stored it, and each one-change
/// edit it then sent, in order (automerge change bytes).
#[derive(Debug, Clone)]
pub struct Edits {
    pub initial: Vec<u8>,
    pub changes: Vec<Vec<u8>>,
}

/// The village template and its items a round answers.
pub fn village() -> (Template, Vec<String>) {
    let template = builtin_templates().unwrap().into_iter().find(|t| t.id == "village").unwrap();
    let items = template
        .items()
        .filter(|(_, i)| matches!(i.answer, AnswerSpec::Scale { .. } | AnswerSpec::YesNo))
        .map(|(_, i)| i.id.clone())
        .collect();
    (template, items)
}

/// Round `n`'s answer to `item`: it differs from the last, so each is a change.
pub fn answer_for(template: &Template, item: &str, n: usize) -> Answer {
    match &template.item(item).unwrap().answer {
        AnswerSpec::Scale { max, .. } => Answer::Scale(*max - i64::try_from(n % 2).unwrap()),
        _ => Answer::YesNo(n.is_multiple_of(2)),
    }
}

/// `n` inspectors, each with an enrolled device (straight in the store:
/// sign-in is not what is measured) holding one new village inspection
/// the server has stored, spread over `urls`.
pub async fn devices(server: &TestServer, urls: &[String], n: usize) -> Vec<Device> {
    let (template, _) = village();
    let hash = xuncha_server::accounts::passwords::hash_password(crate::PASSWORD).unwrap();
    let mut devices = Vec::new();
    for i in 0..n {
        let name = format!("insp{i:03}");
        let scope = Scope { province: "河北省".into(), city: "石家庄市".into(), county: "长安区".into() };
        let new_user = NewUser {
            username: name.clone(),
            display_name: name.clone(),
            role: Role::Inspector,
            scope,
            centres: Vec::new(),
            password_hash: hash.clone(),
        };
        let user = server.state.store.create_user(new_user, 1).unwrap();
        let (token, token_hash) = xuncha_server::accounts::passwords::new_token(true);
        let actor = automerge::ActorId::random();
        let new = NewDevice {
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
            url: urls[i % urls.len()].clone(),
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
    devices
}

/// Each device's rounds, made before the clock starts as if queued
/// offline: while measuring, the generator only sends them and checks the
/// answers, so the two cores go to the server, not to simulating phones.
/// Returns the encoded requests, and the same edits as automerge changes.
pub fn prepare(devices: Vec<Device>, rounds: usize) -> Vec<(Device, Vec<Vec<u8>>, Edits)> {
    let (template, items) = village();
    let mut prepared = Vec::new();
    for mut device in devices {
        // A new client: its connections open on the generator's runtime.
        device.http = reqwest::Client::new();
        let id = device.docs.keys().next().copied().unwrap();
        let initial = device.docs.get_mut(&id).unwrap().doc.automerge_mut().save();
        let (mut bodies, mut changes) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
        for n in 0..rounds {
            let item = &items[n % items.len()];
            device.answer(&id.to_string(), &template, item, answer_for(&template, item, n));
            bodies.push(encode(&device.request()));
            let local = device.docs.get_mut(&id).unwrap();
            let am = local.doc.automerge_mut();
            let new = am.get_changes(&local.ack);
            assert_eq!(new.len(), 1, "one change per round");
            changes.push(new[0].raw_bytes().to_vec());
            local.ack = am.get_heads();
        }
        prepared.push((device, bodies, Edits { initial, changes }));
    }
    prepared
}

/// Sends each device's prepared rounds at the plan's rate and measures.
pub async fn drive(plan: LoadPlan, prepared: Vec<(Device, Vec<Vec<u8>>)>) -> LoadResult {
    open_loop(plan, prepared, |device, body| {
        Box::pin(async move {
            let res = device.post_raw(&body).await;
            assert_eq!(res.status(), reqwest::StatusCode::OK);
            let res = decode_response(&res.bytes().await.unwrap()).unwrap();
            assert_eq!(res.docs[0].status, DocStatus::Accepted { new: 1 }, "each round is one new change");
        })
    })
    .await
}

/// One round sent by a device (`S`) and waited for until answered.
pub type SendRound<S, T> = for<'a> fn(&'a S, T) -> futures::future::BoxFuture<'a, ()>;

/// The open loop every load bench drives: each device sends its rounds one
/// after another at the plan's rate and measures each from its due time.
pub async fn open_loop<S, T>(plan: LoadPlan, devices: Vec<(S, Vec<T>)>, send: SendRound<S, T>) -> LoadResult
where
    S: Send + Sync + 'static,
    T: Send + 'static,
{
    let interval = plan.interval();
    // The devices' tasks (and the connections they open) run on their own
    // threads, the server's on the caller's runtime.
    let generator = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(GENERATOR)
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let cpu = cpu_window(plan.warmup, plan.measure);
    let n = devices.len();
    let mut tasks = Vec::new();
    for (index, (device, rounds)) in devices.into_iter().enumerate() {
        tasks.push(generator.spawn(async move {
            let mut latencies = Vec::new();
            // Phases spread evenly over the interval, as independent phones
            // would be: a generator whose phases bunch up measures its own
            // bursts, not the server. A device that falls behind sends at once.
            let mut next = tokio::time::Instant::now() + interval.mul_f64(index as f64 / n as f64);
            for round in rounds {
                tokio::time::sleep_until(next).await;
                // Latency counts from when the round was due, not from when it
                // went out: a device held up by a slow server would otherwise
                // hide its wait (coordinated omission).
                let due = next;
                next += interval;
                let counted = match slot(&plan, start, due) {
                    Slot::After => break,
                    Slot::Skip => continue,
                    Slot::Missed(waited) => {
                        latencies.push((waited, NOT_ANSWERED, true));
                        continue;
                    }
                    Slot::Send { counted } => counted,
                };
                send(&device, round).await;
                latencies.push((due.elapsed(), start.elapsed(), counted));
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    generator.shutdown_background();
    summarise(plan, all, cpu.await.unwrap())
}

/// Where a round stands by its due time.
#[derive(Debug)]
pub enum Slot {
    /// Due after the window: nothing more of this device counts.
    After,
    /// Due in the window (after the warm-up), but the window ended before
    /// the device could send it, held up behind its earlier rounds: it
    /// counts as not answered, having waited at least this long.
    Missed(Duration),
    /// Due in the warm-up, and the window has ended: passed over.
    Skip,
    /// To send now; `counted` when it was due after the warm-up.
    Send { counted: bool },
}

/// Marks a round not answered in the window (see [`summarise`]).
pub const NOT_ANSWERED: Duration = Duration::MAX;

/// A round due at `due` in a run started at `start`. Every round due in the
/// measured window is counted, sent or not, so a saturated server's queue
/// shows in the latency rather than disappearing (coordinated omission).
pub fn slot(plan: &LoadPlan, start: Instant, due: tokio::time::Instant) -> Slot {
    let window = plan.warmup + plan.measure;
    let due_at = due.into_std().saturating_duration_since(start);
    let counted = due_at >= plan.warmup;
    if due_at > window {
        Slot::After
    } else if start.elapsed() <= window {
        Slot::Send { counted }
    } else if counted {
        Slot::Missed(window - due_at)
    } else {
        Slot::Skip
    }
}

/// The process's CPU time (ms) over the measured window alone, and that of
/// the generator's threads.
pub fn cpu_window(warmup: Duration, measure: Duration) -> tokio::task::JoinHandle<(f64, f64)> {
    tokio::spawn(async move {
        tokio::time::sleep(warmup).await;
        let from = (cpu_ms(), generator_cpu_ms());
        tokio::time::sleep(measure).await;
        (cpu_ms() - from.0, generator_cpu_ms() - from.1)
    })
}

/// Rounds (each with its latency, when it ended from the start, and
/// whether it was due in the measured window) into a result: throughput
/// counts the answers that arrived in the window, whenever their rounds
/// were due; latency counts every round due in it, answered or not.
pub fn summarise(plan: LoadPlan, all: Vec<(Duration, Duration, bool)>, (cpu, generator): (f64, f64)) -> LoadResult {
    let window = plan.warmup + plan.measure;
    let answered = all.iter().filter(|(_, done, _)| (plan.warmup..=window).contains(done)).count();
    let mut due: Vec<Duration> = all.iter().filter(|r| r.2).map(|r| r.0).collect();
    due.sort();
    let pct =
        |p: f64| due.get(((due.len() as f64 * p) as usize).min(due.len().saturating_sub(1))).map_or(0.0, |l| ms(*l));
    LoadResult {
        due: due.len(),
        answered,
        per_second: answered as f64 / plan.measure.as_secs_f64(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: due.last().map_or(0.0, |l| ms(*l)),
        cpu_ms_per_round: cpu / answered.max(1) as f64,
        generator_ms_per_round: generator / answered.max(1) as f64,
        cpu_share: cpu / 10.0 / plan.measure.as_secs_f64() / 2.0,
    }
}

impl LoadResult {
    pub fn print(&self) {
        println!("  requests:   {} due in the window; {} answers arrived in it", self.due, self.answered);
        println!("  throughput: {:.0} requests/s answered", self.per_second);
        println!("  latency is counted from each round's due time (no coordinated omission)");
        println!("  latency:    p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", self.p50_ms, self.p99_ms, self.max_ms);
        println!(
            "  cpu:        {:.2} ms per answered round (server and load generator together, one process; {:.0}% of 2 cores)",
            self.cpu_ms_per_round, self.cpu_share
        );
        println!(
            "              server {:.2} ms, load generator's threads {:.2} ms",
            self.server_ms_per_round(),
            self.generator_ms_per_round
        );
    }
}

/// CPU time this process has used (user and system), in ms.
pub fn cpu_ms() -> f64 {
    stat_cpu_ms(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default())
}

/// CPU time the generator's threads (named [`GENERATOR`]) have used, in ms.
pub fn generator_cpu_ms() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0.0 };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("stat")).ok())
        .filter(|stat| stat.contains(&format!("({GENERATOR}")))
        .map(|stat| stat_cpu_ms(&stat))
        .sum()
}

/// utime + stime of a `/proc/…/stat` line, in ms.
fn stat_cpu_ms(stat: &str) -> f64 {
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // Linux reports in clock ticks of 1/100 s.
    (field(11) + field(12)) * 10.0
}

/// Resident memory of this process, in KiB.
pub fn rss_kib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0)
}

const CENTRE: &str = "130102-V02";

/// One inspection with every scale and yes/no item answered, saved.
pub fn answered_doc() -> (Vec<u8>, Vec<automerge::ChangeHash>, TemplateRef) {
    let template = builtin_templates().unwrap().into_iter().find(|t| t.id == "village").unwrap();
    let new = NewInspection {
        centre_code: CENTRE.into(),
        template: template.reference(),
        purpose: Default::default(),
        created_by: "insp".into(),
        created_by_name: "insp".into(),
        at: xuncha_server::now_ms(),
    };
    let mut doc = InspectionDoc::create(automerge::ActorId::random(), &new, &template).unwrap();
    let items: Vec<(String, Answer)> = template
        .items()
        .filter_map(|(_, i)| match &i.answer {
            AnswerSpec::Scale { max, .. } => Some((i.id.clone(), Answer::Scale(*max))),
            AnswerSpec::YesNo => Some((i.id.clone(), Answer::YesNo(true))),
            _ => None,
        })
        .collect();
    for (item, answer) in items {
        let record = AnswerRecord { answer, by: "insp".into(), at: xuncha_server::now_ms() };
        doc.set_answer(&template, &item, &record).unwrap();
    }
    let heads = doc.automerge_mut().get_heads();
    (doc.save(), heads, template.reference())
}

/// Stores `n` documents, loads each through a server whose cache holds
/// `cache`, and returns the memory it grew by: per document in KiB, and
/// in all in MiB. `as_after_a_round`: each is held as a device's round
/// leaves it, with its snapshot (`LoadedDoc::prior`); else as a review or
/// a read loads it.
pub async fn held(n: usize, cache: usize, as_after_a_round: bool) -> (f64, f64) {
    let server = TestServer::start_with(|c| c.limits.doc_cache = cache).await;
    server.state.store.upsert_centres(&xuncha_server::cli::demo::demo_centres(), 1).unwrap();
    let (bytes, heads, template) = answered_doc();
    let ids: Vec<DocumentId> = (0..n).map(|_| DocumentId::random()).collect();
    for chunk in ids.chunks(500) {
        let writes = chunk
            .iter()
            .map(|&doc| {
                let meta = DocMeta {
                    doc,
                    centre_code: CENTRE.into(),
                    template: template.clone(),
                    purpose: Default::default(),
                    created_by: "insp".into(),
                    created_at: 1,
                    quarter: "2026Q4".into(),
                };
                stored_doc(meta, summary(WorkflowStatus::Draft, None, None), "insp", bytes.clone(), heads.clone())
            })
            .collect();
        server.state.store.commit_round(writes, None, 1).unwrap();
    }
    let before = rss_kib();
    let ins = server.state.inspections.clone();
    for &doc in &ids {
        let loaded = ins.with_doc(doc, move |_, slot| {
            let Some(loaded) = slot.as_mut() else {
                return Ok::<_, xuncha_server::inspections::InspectionError>(false);
            };
            if as_after_a_round {
                let heads = loaded.doc.get_heads();
                let snapshot = InspectionDoc::from_automerge(loaded.doc.clone()).unwrap().snapshot().unwrap();
                loaded.prior = Some(xuncha_core::ingest::Prior { heads, snapshot });
            }
            Ok(true)
        });
        assert!(loaded.await.unwrap(), "document {doc} loads");
    }
    let grown = (rss_kib() - before).max(0.0);
    server.stop().await;
    (grown / n.min(cache) as f64, grown / 1024.0)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
