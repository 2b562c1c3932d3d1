//! A hand-worked example on the fixture template; every number is written out.
use crate::common;

use crate::common::*;
use xuncha_core::CentreType;
use xuncha_core::document::{Answer, FixSource};
use xuncha_core::location::OnSiteStatus;
use xuncha_core::scoring::{EvidenceFacts, EvidenceProblemKind, Grade, ItemStatus, score};
use xuncha_core::template::StatFigure;

fn worked_doc() -> (xuncha_core::template::Template, xuncha_core::document::InspectionDoc) {
    let t = mini();
    let mut d = new_doc(&t, 1);
    let c = centre(CentreType::Community);
    answer(&mut d, &t, "svc.basic", Answer::Choices(vec!["store".into(), "food".into()]), "user1");
    answer(&mut d, &t, "svc.sells_food", Answer::YesNo(true), "user1");
    answer(&mut d, &t, "svc.food_licence", Answer::YesNo(true), "user1");
    d.add_photo(&photo_for("svc.food_licence", "aa11", Some(fix_near(&c, 20.0, 8.0, FixSource::Gnss)))).unwrap();
    answer(&mut d, &t, "fac.area", Answer::Number(50.0), "user1");
    answer(&mut d, &t, "fac.condition", Answer::Scale(4), "user1");
    answer(&mut d, &t, "fac.mgmt", Answer::Choice("partial".into()), "user1");
    answer(&mut d, &t, "q.credit", Answer::YesNo(true), "user1");
    answer(&mut d, &t, "q.satisfaction", Answer::Sample { asked: 20, satisfied: 19 }, "user1");
    answer(&mut d, &t, "q.goods", Answer::Number(450.0), "user1");
    answer(&mut d, &t, "fig.turnover", Answer::Number(120.5), "user1");
    d.add_gps_fix(&fix_near(&c, 40.0, 10.0, FixSource::Gnss)).unwrap();
    (t, d)
}

#[test]
fn hand_worked_total_grade_and_sections() {
    let (t, d) = worked_doc();
    let c = centre(CentreType::Community);
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();

    // services: basic 4/6 (two of three services at 2 points), food fact 0/0,
    // food licence 4/4 → 8/10 × 40 = 32.00
    // facility: per-100-households 50/200×100 = 25 m² → band ≥20 → 2.5/5;
    // condition 4 on 1–5 → 3/4; management partial → 1/2 → 6.5/11 × 30 = 17.73
    // quality: credit 2/2, satisfaction 19/20 = 0.95 → 8/8, goods 450 → 2/4
    // → 12/14 × 30 = 25.71
    // total = 32 + 17.7273 + 25.7143 = 75.44 → 良好
    assert_eq!(r.sections[0].earned, 8.0);
    assert_eq!(r.sections[0].possible, 10.0);
    assert_eq!(r.sections[0].score, 32.0);
    assert_eq!(r.sections[1].earned, 6.5);
    assert_eq!(r.sections[1].possible, 11.0);
    assert_eq!(r.sections[1].score, 17.73);
    assert_eq!(r.sections[2].score, 25.71);
    assert!(!r.sections[3].counted, "the statistics section carries no weight");
    assert_eq!(r.total, 75.44);
    assert_eq!(r.grade, Grade::Good);
    assert_eq!(r.item("fac.per100").unwrap().value, Some(25.0));
    assert_eq!(r.item("fac.per100").unwrap().status, ItemStatus::Partial);
    assert_eq!(r.item("svc.sells_food").unwrap().status, ItemStatus::Recorded);
    assert_eq!(r.figures.get(&StatFigure::Turnover10kYuan), Some(&120.5));
    assert!(r.vetoes.is_empty());
    assert!(r.evidence_problems.is_empty(), "{:?}", r.evidence_problems);
    assert!(r.complete, "unanswered: {:?}", r.unanswered);
    assert!(r.on_site.verified);
    assert_eq!(r.on_site.status, OnSiteStatus::Verified);
}

#[test]
fn na_leaves_the_denominator_only_where_allowed() {
    let (t, mut d) = worked_doc();
    let c = centre(CentreType::Community);
    answer(&mut d, &t, "fac.condition", Answer::NotApplicable, "user1");
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    // facility: 3.5/7 × 30 = 15 → total 32 + 15 + 25.7143 = 72.71 → 合格
    assert_eq!(r.item("fac.condition").unwrap().status, ItemStatus::NotApplicable);
    assert_eq!(r.sections[1].possible, 7.0);
    assert_eq!(r.total, 72.71);
    assert_eq!(r.grade, Grade::Pass);

    // q.goods does not allow N/A: the answer is invalid and keeps its 4 points in the denominator.
    let rec = xuncha_core::document::AnswerRecord { answer: Answer::NotApplicable, by: "u".into(), at: 0 };
    d.set_answer(&t, "q.goods", &rec).unwrap();
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.item("q.goods").unwrap().status, ItemStatus::Invalid);
    assert_eq!(r.sections[2].possible, 14.0);
}

#[test]
fn applies_if_skips_items_and_vetoes_fail_the_grade() {
    let (t, mut d) = worked_doc();
    let c = centre(CentreType::Community);
    answer(&mut d, &t, "svc.sells_food", Answer::YesNo(false), "user1");
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.item("svc.food_licence").unwrap().status, ItemStatus::Skipped);
    assert_eq!(r.sections[0].possible, 6.0);

    answer(&mut d, &t, "q.credit", Answer::YesNo(false), "user1");
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.vetoes.len(), 1);
    assert_eq!(r.vetoes[0].item, "q.credit");
    assert_eq!(r.grade, Grade::Fail);
}

#[test]
fn evidence_problems_are_reported() {
    let t = mini();
    let c = centre(CentreType::Community);
    let mut d = new_doc(&t, 1);
    answer(&mut d, &t, "svc.sells_food", Answer::YesNo(true), "user1");
    answer(&mut d, &t, "svc.food_licence", Answer::YesNo(true), "user1");
    answer(&mut d, &t, "q.satisfaction", Answer::Sample { asked: 5, satisfied: 5 }, "user1");
    let facts = EvidenceFacts::default();
    let r = score(&t, &d.snapshot().unwrap(), &c, &facts).unwrap();
    let kinds: Vec<_> = r.evidence_problems.iter().map(|p| (p.item.as_str(), p.kind)).collect();
    assert!(kinds.contains(&("svc.food_licence", EvidenceProblemKind::PhotoMissing)));
    assert!(kinds.contains(&("q.satisfaction", EvidenceProblemKind::SampleTooSmall)));
    assert_eq!(r.item("svc.food_licence").unwrap().points, 0.0, "a required photo that is missing zeroes the item");
    assert_eq!(r.item("q.satisfaction").unwrap().points, 0.0);
    assert!(!r.complete);
    assert_eq!(r.on_site.status, OnSiteStatus::NoFix);

    // A photo 2 km away, and one the server has not received.
    d.add_photo(&photo_for("svc.food_licence", "bb22", Some(fix_near(&c, 2000.0, 5.0, FixSource::Gnss)))).unwrap();
    let facts = EvidenceFacts { received_photos: Some(Default::default()) };
    let r = score(&t, &d.snapshot().unwrap(), &c, &facts).unwrap();
    let kinds: Vec<_> = r.evidence_problems.iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&EvidenceProblemKind::PhotoNotOnSite));
    assert!(kinds.contains(&EvidenceProblemKind::PhotoNotReceived));
    assert!(!kinds.contains(&EvidenceProblemKind::PhotoMissing));
    assert_eq!(r.item("svc.food_licence").unwrap().points, 4.0, "location flags change no points");
}

#[test]
fn on_site_needs_accuracy_and_a_measured_fix() {
    let t = mini();
    let c = centre(CentreType::Community);
    let mut d = new_doc(&t, 1);
    d.add_gps_fix(&fix_near(&c, 30.0, 500.0, FixSource::Network)).unwrap();
    let snap = d.snapshot().unwrap();
    let r = score(&t, &snap, &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.on_site.status, OnSiteStatus::Inaccurate);
    d.add_gps_fix(&fix_near(&c, 10.0, 3.0, FixSource::Manual)).unwrap();
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert!(!r.on_site.verified, "a typed-in position never proves presence");
    d.add_gps_fix(&fix_near(&c, 900.0, 3.0, FixSource::Gnss)).unwrap();
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.on_site.status, OnSiteStatus::Inaccurate);
    let mut mock = fix_near(&c, 5.0, 4.0, FixSource::External);
    mock.mock = Some(true);
    d.add_gps_fix(&mock).unwrap();
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert!(r.on_site.verified && r.on_site.mock_location, "mock fixes verify but are flagged");
    let best = r.on_site.best.unwrap();
    assert!((best.distance_m - 5.0).abs() < 0.1, "{}", best.distance_m);
}

#[test]
fn report_json_shape_is_stable() {
    let (t, d) = worked_doc();
    let c = centre(CentreType::Community);
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "template",
        "centre_code",
        "total",
        "base_total",
        "bonus",
        "grade",
        "complete",
        "sections",
        "items",
        "vetoes",
        "evidence_problems",
        "unanswered",
        "conflicts",
        "on_site",
        "figures",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["grade"], "good");
    assert_eq!(json["figures"]["turnover10k_yuan"], 120.5);
    let again =
        serde_json::to_string(&score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap()).unwrap();
    assert_eq!(serde_json::to_string(&r).unwrap(), again);
}

#[test]
fn wrong_template_is_refused() {
    let (_, d) = worked_doc();
    let mut other = mini();
    other.version = 4;
    let c = centre(CentreType::Community);
    assert!(score(&other, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).is_err());
}

#[test]
fn invalid_or_out_of_play_facts_are_followed() {
    let c = centre(CentreType::Community);
    // N/A on a gate that does not allow it is invalid and keeps its dependents in.
    let t = mini();
    let mut d = new_doc(&t, 1);
    let rec = xuncha_core::document::AnswerRecord { answer: Answer::NotApplicable, by: "u".into(), at: 0 };
    d.set_answer(&t, "svc.sells_food", &rec).unwrap();
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.item("svc.sells_food").unwrap().status, ItemStatus::Invalid);
    assert_eq!(r.item("svc.food_licence").unwrap().status, ItemStatus::Unanswered);
    assert!(!r.complete);

    // An out-of-range operand does not feed the computed check.
    answer(&mut d, &t, "fac.area", Answer::Number(250_000.0), "user1");
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.item("fac.area").unwrap().status, ItemStatus::Invalid);
    assert_eq!(r.item("fac.per100").unwrap().status, ItemStatus::Unanswered);
    assert_eq!(r.item("fac.per100").unwrap().points, 0.0);

    // An operand answered N/A (where allowed) takes the computed check out of play.
    let src = common::MINI.replacen(
        "answer = { type = \"number\", unit = \"m²\", min = 0, max = 100000 }",
        "answer = { type = \"number\", unit = \"m²\", min = 0, max = 100000 }\nna_allowed = true",
        1,
    );
    let t = xuncha_core::template::parse_template("na.toml", &src).unwrap();
    let mut d = new_doc(&t, 1);
    answer(&mut d, &t, "fac.area", Answer::NotApplicable, "user1");
    let r = score(&t, &d.snapshot().unwrap(), &c, &EvidenceFacts::default()).unwrap();
    assert_eq!(r.item("fac.per100").unwrap().status, ItemStatus::Skipped);
    assert!(!r.unanswered.contains(&"fac.per100".to_string()));
}
