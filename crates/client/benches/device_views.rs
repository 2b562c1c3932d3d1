//! What an inspector waits for on the device, with 1, 50 and 200
//! inspections on it: one answer saved and the checklist's view returned
//! (`App::set_answer`), opening an inspection from the store
//! (`App::inspection` on a freshly opened app), and the sync panel
//! (`App::sync_panel`), and the list of centres after an edit
//! (`App::centres`). Prints p50/p99 in milliseconds; the targets are
//! ≤ 5 ms p99 for an edit, flat from 1 to 200 inspections, and ≤ 20 ms to
//! open one. `cargo bench -p xuncha-client --bench device_views`; under
//! `cargo test` one small round runs so the benchmark keeps working.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_debug_implementations)]

use automerge::ActorId;
use std::time::{Duration, Instant};
use xuncha_client::app::{App, Platform};
use xuncha_client::{Device, Identity};
use xuncha_core::document::Answer;
use xuncha_core::sync::AssignmentNotice;
use xuncha_core::template::{AnswerSpec, builtin_templates};
use xuncha_core::{Centre, CentreStatus, CentreType, Region};

fn centre(i: usize) -> Centre {
    Centre {
        code: format!("V{i:03}"),
        name: format!("第{i}村综合服务站"),
        centre_type: CentreType::Village,
        region: Region {
            province: "河北省".into(),
            city: "石家庄市".into(),
            county: "长安区".into(),
            township: "x".into(),
        },
        lat: 38.09,
        lon: 114.62,
        geofence_m: 150.0,
        floor_area_m2: Some(120.0),
        community_floor_area_m2: None,
        households: Some(400.0),
        population_served: Some(1300.0),
        status: CentreStatus::Built,
        zone: None,
        datum: Default::default(),
    }
}

/// A device with `n` assigned village inspections, a few answers in each.
fn seeded(n: usize) -> (tempfile::TempDir, Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Device::open(dir.path()).unwrap();
    d.set_identity(Identity { actor: ActorId::random(), username: "wang".into(), display_name: "王".into() }).unwrap();
    let t = builtin_templates().unwrap().into_iter().find(|t| t.id == "village").unwrap();
    d.put_template(&t, "\"e1\"").unwrap();
    let items: Vec<String> =
        t.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();
    let mut docs = Vec::new();
    for i in 0..n {
        let c = centre(i);
        d.store().put_centre(&c.code, &serde_json::to_string(&c).unwrap()).unwrap();
        let id = d.start_inspection(&c, &t, 1_700_000_000_000).unwrap();
        for item in &items {
            d.set_answer(&id, item, Answer::YesNo(true), 1_700_000_000_000).unwrap();
        }
        let notice = AssignmentNotice {
            id: i as i64,
            centre_code: c.code.clone(),
            quarter: "2026Q4".into(),
            doc: id,
            template: t.reference(),
            cancelled: false,
            purpose: Default::default(),
            team: vec!["wang".into()],
        };
        d.store().put_assignment(notice.id, &serde_json::to_string(&notice).unwrap()).unwrap();
        docs.push(id.to_string());
    }
    (dir, docs, items)
}

fn p50_p99(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    (at(0.5), at(0.99))
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (sizes, rounds): (&[usize], usize) = if full { (&[1, 50, 200], 200) } else { (&[2], 5) };
    println!("device views: p50 / p99 ms over {rounds} rounds");
    for &n in sizes {
        let (dir, docs, items) = seeded(n);
        let app = App::open(dir.path(), Platform::Mobile, "bench").unwrap();
        let doc = &docs[n / 2];
        app.inspection(doc).unwrap();
        let mut edits = Vec::new();
        for r in 0..rounds {
            let started = Instant::now();
            let view = app.set_answer(doc, &items[r % items.len()], Answer::YesNo(r % 2 == 0)).unwrap();
            edits.push(started.elapsed());
            assert_eq!(view.doc.to_string(), *doc);
        }
        let mut panels = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            app.sync_panel().unwrap();
            panels.push(started.elapsed());
        }
        // The list after each edit: what "my centres" costs when the inspector
        // goes back. The first showing reads every inspection once.
        let started = Instant::now();
        app.centres().unwrap();
        let first_list = started.elapsed().as_secs_f64() * 1000.0;
        let mut lists = Vec::new();
        for r in 0..rounds.min(50) {
            app.set_answer(doc, &items[r % items.len()], Answer::YesNo(r % 2 == 1)).unwrap();
            let started = Instant::now();
            assert_eq!(app.centres().unwrap().len(), n);
            lists.push(started.elapsed());
        }
        drop(app);
        let mut opens = Vec::new();
        for r in 0..rounds.min(50) {
            let app = App::open(dir.path(), Platform::Mobile, "bench").unwrap();
            let started = Instant::now();
            app.inspection(&docs[r % n]).unwrap();
            opens.push(started.elapsed());
        }
        let (e50, e99) = p50_p99(&mut edits);
        let (o50, o99) = p50_p99(&mut opens);
        let (s50, s99) = p50_p99(&mut panels);
        let (l50, l99) = p50_p99(&mut lists);
        println!(
            "{n:>4} inspections: answer + view {e50:.2} / {e99:.2} | open an inspection {o50:.2} / {o99:.2} | sync panel {s50:.2} / {s99:.2} | my centres after an edit {l50:.2} / {l99:.2} (first showing {first_list:.1})"
        );
    }
}
