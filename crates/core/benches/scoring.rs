//! Scoring throughput: from a snapshot, and from saved Automerge bytes
//! (load + snapshot + score), on the built-in community template.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use automerge::ActorId;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use xuncha_core::document::{Answer, AnswerRecord, FixSource, GpsFix, InspectionDoc, NewInspection};
use xuncha_core::scoring::{EvidenceFacts, score};
use xuncha_core::template::{AnswerSpec, Template, builtin_templates};
use xuncha_core::{Centre, CentreStatus, CentreType, Region};

fn centre() -> Centre {
    Centre {
        code: "C-1".into(),
        name: "bench".into(),
        centre_type: CentreType::Community,
        region: Region::default(),
        lat: 36.6,
        lon: 114.5,
        geofence_m: 150.0,
        floor_area_m2: Some(800.0),
        community_floor_area_m2: Some(6000.0),
        households: Some(2000.0),
        population_served: Some(12000.0),
        status: CentreStatus::Built,
        zone: None,
        datum: Default::default(),
    }
}

/// A fully answered inspection, every item given a plausible value.
fn answered(t: &Template) -> InspectionDoc {
    let new = NewInspection {
        centre_code: "C-1".into(),
        template: t.reference(),
        purpose: Default::default(),
        created_by: "u1".into(),
        created_by_name: "检查员".into(),
        at: 1_700_000_000_000,
    };
    let mut d = InspectionDoc::create(ActorId::random(), &new, t).unwrap();
    for (_, item) in t.items() {
        let a = match &item.answer {
            AnswerSpec::YesNo => Answer::YesNo(true),
            AnswerSpec::Scale { max, .. } => Answer::Scale(*max - 1),
            AnswerSpec::Number { .. } => Answer::Number(450.0),
            AnswerSpec::ChoiceOne { options } => Answer::Choice(options[0].id.clone()),
            AnswerSpec::ChoiceMany { options } => {
                Answer::Choices(options.iter().take(3).map(|o| o.id.clone()).collect())
            }
            AnswerSpec::Sample { .. } => Answer::Sample { asked: 20, satisfied: 18 },
            AnswerSpec::Respondents { .. } => {
                for n in 0..20 {
                    let by = "u1".to_owned();
                    let r =
                        xuncha_core::document::Respondent { at: 1, satisfied: n != 7, opinion: None, phone: None, by };
                    d.add_respondent(t, &item.id, &r).unwrap();
                }
                continue;
            }
            AnswerSpec::Computed { .. } | AnswerSpec::Text => {
                d.set_notes(Some(&item.id), "现场检查记录", 1_700_000_000_000).unwrap();
                continue;
            }
        };
        d.set_answer(t, &item.id, &AnswerRecord { answer: a, by: "u1".into(), at: 1_700_000_000_000 }).unwrap();
    }
    let c = centre();
    d.add_gps_fix(&GpsFix {
        lat: c.lat,
        lon: c.lon,
        accuracy_m: 8.0,
        source: FixSource::Gnss,
        at: 1,
        mock: None,
        by: "u1".into(),
        signature: None,
    })
    .unwrap();
    d
}

fn bench(c: &mut Criterion) {
    let t = builtin_templates().unwrap().into_iter().find(|t| t.id == "community").unwrap();
    let mut doc = answered(&t);
    let snap = doc.snapshot().unwrap();
    let bytes = doc.save();
    let centre = centre();
    let facts = EvidenceFacts::default();
    println!(
        "community template: {} items; document save() {} bytes; total {}",
        t.items().count(),
        bytes.len(),
        score(&t, &snap, &centre, &facts).unwrap().total
    );

    let mut g = c.benchmark_group("scoring");
    g.throughput(Throughput::Elements(1));
    g.bench_function("score_from_snapshot", |b| {
        b.iter(|| score(black_box(&t), black_box(&snap), &centre, &facts).unwrap())
    });
    g.bench_function("load_document_and_score", |b| {
        b.iter(|| {
            let d = InspectionDoc::load(black_box(&bytes), ActorId::from([1u8; 16].as_slice())).unwrap();
            score(&t, &d.snapshot().unwrap(), &centre, &facts).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
