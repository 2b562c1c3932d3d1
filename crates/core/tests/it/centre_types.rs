//! A hand-worked inspection per centre type on version 1 of the built-in
//! templates (frozen for the inspections started on it; version 2 has its
//! own examples in `templates_v2.rs`).
//! Each starts from "everything passes, with on-site photos", then changes a
//! few answers; the expected numbers are worked out in the comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use crate::common::*;
use xuncha_core::document::{Answer, FixSource, InspectionDoc, Respondent};
use xuncha_core::problems::{Finding, Severity, findings};
use xuncha_core::scoring::{EvidenceFacts, Grade, ItemStatus, Report, score};
use xuncha_core::template::{AnswerSpec, PhotoRule, Template, builtin_templates};
use xuncha_core::{Centre, CentreType};

fn template(id: &str) -> Template {
    builtin_templates().unwrap().into_iter().find(|t| t.id == id && t.version == 1).unwrap()
}

/// Every scored item at full marks, required photos taken on site; facts
/// (0-point items) are left for the test to set.
pub(crate) fn all_pass(t: &Template, c: &Centre) -> InspectionDoc {
    let mut d = new_doc(t, 1);
    for (_, item) in t.items() {
        if item.evidence.photo == PhotoRule::Required {
            let hash = format!("{:0>64}", item.id.len());
            d.add_photo(&photo_for(
                &item.id,
                &format!("{hash}{}", item.id),
                Some(fix_near(c, 10.0, 5.0, FixSource::Gnss)),
            ))
            .unwrap();
        }
        if item.points == 0.0 {
            continue;
        }
        let a = match &item.answer {
            AnswerSpec::YesNo => Answer::YesNo(true),
            AnswerSpec::Scale { max, .. } => Answer::Scale(*max),
            AnswerSpec::Number { .. } => {
                let best = item.thresholds.iter().max_by(|a, b| a.fraction.total_cmp(&b.fraction)).unwrap();
                Answer::Number(best.gte.or(best.lte).unwrap())
            }
            AnswerSpec::ChoiceOne { options } => Answer::Choice(options[0].id.clone()),
            AnswerSpec::ChoiceMany { options } => Answer::Choices(options.iter().map(|o| o.id.clone()).collect()),
            AnswerSpec::Sample { .. } => Answer::Sample { asked: 20, satisfied: 20 },
            AnswerSpec::Respondents { .. } => {
                respond(&mut d, t, &item.id, 20, 20);
                continue;
            }
            AnswerSpec::Computed { .. } | AnswerSpec::Text => continue,
        };
        answer(&mut d, t, &item.id, a, "user1");
    }
    d.add_gps_fix(&fix_near(c, 12.0, 6.0, FixSource::Gnss)).unwrap();
    d
}

/// `asked` people asked on site for a respondents item, `satisfied` of them satisfied.
pub(crate) fn respond(d: &mut InspectionDoc, t: &Template, item: &str, asked: u32, satisfied: u32) {
    let recorded = d.snapshot().unwrap().respondents.get(item).map_or(0, Vec::len);
    for _ in 0..recorded {
        d.remove_respondent(t, item, 0, 1_700_000_000_000).unwrap();
    }
    for n in 0..asked {
        let r = Respondent {
            at: 1_700_000_000_000,
            satisfied: n < satisfied,
            opinion: None,
            phone: None,
            by: "user1".into(),
        };
        d.add_respondent(t, item, &r).unwrap();
    }
}

pub(crate) fn set(d: &mut InspectionDoc, t: &Template, item: &str, a: Answer) {
    answer(d, t, item, a, "user1");
}

pub(crate) fn choices(ids: &[&str]) -> Answer {
    Answer::Choices(ids.iter().map(|s| s.to_string()).collect())
}

pub(crate) fn report(t: &Template, d: &InspectionDoc, c: &Centre) -> Report {
    score(t, &d.snapshot().unwrap(), c, &EvidenceFacts::default()).unwrap()
}

pub(crate) fn section(r: &Report, id: &str) -> (f64, f64, f64) {
    let s = r.sections.iter().find(|s| s.id == id).unwrap();
    (s.earned, s.possible, s.score)
}

#[test]
fn every_template_scores_100_when_everything_passes() {
    for t in builtin_templates().unwrap() {
        let c = centre(t.centre_type);
        let mut d = all_pass(&t, &c);
        // Facts that let every computed check pass (households 200, floor area 6,000 m²).
        for (id, v) in [
            ("basic.business_area", 400.0),
            ("basic.facility_area", 700.0),
            ("fig.tenants", 10.0),
            ("vit.chain_tenants", 5.0),
            ("safety.food_businesses", 2.0),
        ] {
            if t.item(id).is_some() {
                set(&mut d, &t, id, Answer::Number(v));
            }
        }
        for id in ["basic.new_community", "safety.food_sold"] {
            if t.item(id).is_some() {
                set(&mut d, &t, id, Answer::YesNo(true));
            }
        }
        if t.item("basic.size").is_some() {
            set(&mut d, &t, "basic.size", Answer::Choice("p500_plus".into()));
        }
        if t.item("basic.carrier").is_some() {
            set(&mut d, &t, "basic.carrier", Answer::Choice("market".into()));
        }
        let r = report(&t, &d, &c);
        let short: Vec<_> = r.items.iter().filter(|i| i.max_points > 0.0 && i.points < i.max_points).collect();
        // Everything passes: the full 100, and every bonus section up to its cap.
        let caps: f64 = t.sections.iter().filter(|s| s.is_bonus()).filter_map(|s| s.cap).sum();
        assert_eq!(r.base_total, 100.0, "{}: {short:?}", t.id);
        assert_eq!(r.bonus, caps, "{}", t.id);
        assert_eq!(r.total, 100.0 + caps, "{}: {short:?}", t.id);
        assert_eq!(r.grade, Grade::Excellent);
        assert!(r.evidence_problems.is_empty(), "{}: {:?}", t.id, r.evidence_problems);
    }
}

#[test]
fn community_worked_example() {
    let t = template("community");
    let c = centre(CentreType::Community); // population 12,000; 200 households
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.business_area", Answer::Number(250.0)); // ≥ 200 band → 0.5 × 4 = 2
    set(&mut d, &t, "basic.new_community", Answer::YesNo(false)); // facility_ratio (3) skipped
    set(&mut d, &t, "basic.facility_area", Answer::Number(70.0)); // 70 / 200 × 100 = 35 m² ≥ 30 → 3
    set(&mut d, &t, "svc.optional", choices(&["childcare"])); // 2.5 / 5
    set(&mut d, &t, "safety.food_sold", Answer::YesNo(true));
    set(&mut d, &t, "safety.gas", Answer::NotApplicable); // 2 points leave the denominator
    set(&mut d, &t, "ops.disputes", Answer::Choice("channel_only".into())); // 1.5 / 3
    set(&mut d, &t, "fig.tenants", Answer::Number(12.0));
    set(&mut d, &t, "vit.chain_tenants", Answer::Number(3.0)); // 25% ≥ 15 → 0.5 × 4 = 2
    set(&mut d, &t, "sat.residents", Answer::Sample { asked: 10, satisfied: 8 }); // 0.8 → 0.5 × 8 = 4
    let r = report(&t, &d, &c);

    // basic:      23 / 25 × 18 = 16.56
    // services: 26.5 / 29 × 25 = 22.8448
    // safety:     21 / 21 × 17 = 17
    // operations: 16.5 / 18 × 15 = 13.75
    // vitality:    7 / 9 × 8 = 6.2222
    // model:      11 / 11 × 7 = 7
    // satisfaction: 6 / 10 × 10 = 6
    // total = 89.3770 → 89.38 → 良好
    assert_eq!(section(&r, "basic"), (23.0, 25.0, 16.56));
    assert_eq!(section(&r, "services"), (26.5, 29.0, 22.84));
    assert_eq!(section(&r, "safety"), (21.0, 21.0, 17.0));
    assert_eq!(section(&r, "operations"), (16.5, 18.0, 13.75));
    assert_eq!(section(&r, "vitality"), (7.0, 9.0, 6.22));
    assert_eq!(section(&r, "satisfaction"), (6.0, 10.0, 6.0));
    assert_eq!(r.item("basic.facility_ratio").unwrap().status, ItemStatus::Skipped);
    assert_eq!(r.item("basic.facility_per_100").unwrap().value, Some(35.0));
    assert_eq!(r.item("vit.chain_share").unwrap().value, Some(25.0));
    assert_eq!(r.total, 89.38);
    assert_eq!(r.grade, Grade::Good);
    // The statistics figures are still missing: the report is not complete.
    assert_eq!(r.unanswered, ["fig.turnover", "fig.visits", "fig.staff"]);
    assert!(!r.complete);

    // Only 3 of the 6 basic services: a veto (fewer than 4), grade 不合格.
    set(&mut d, &t, "svc.basic", choices(&["convenience_store", "fresh_food", "repair"]));
    let r = report(&t, &d, &c);
    assert_eq!(r.vetoes.len(), 1);
    assert_eq!(r.vetoes[0].item, "svc.basic");
    assert_eq!(r.grade, Grade::Fail);
}

#[test]
fn block_worked_example() {
    let t = template("block");
    let c = centre(CentreType::Block);
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.facility_area", Answer::Number(50.0)); // 25 m² per 100 households < 30 → 0 / 3
    set(&mut d, &t, "safety.food_businesses", Answer::Number(0.0)); // food licence and hygiene (6) skipped
    set(&mut d, &t, "fig.tenants", Answer::Number(20.0));
    set(&mut d, &t, "vit.chain_tenants", Answer::Number(6.0)); // 30% → 4 / 4
    set(&mut d, &t, "svc.life_services", choices(&["supermarket", "breakfast", "laundry", "repair", "pharmacy"])); // 5 / 8
    set(&mut d, &t, "safety.fire_check", Answer::Choice("minor_fixed".into())); // 0.7 × 5 = 3.5
    let r = report(&t, &d, &c);

    // basic:      12 / 15 × 18 = 14.4
    // services:   29 / 32 × 27 = 24.4688
    // safety:   12.5 / 14 × 17 = 15.1786
    // operations 14, vitality 7, model 7, satisfaction 10
    // total = 92.0473 → 92.05 → 优秀
    assert_eq!(section(&r, "basic"), (12.0, 15.0, 14.4));
    assert_eq!(section(&r, "services"), (29.0, 32.0, 24.47));
    assert_eq!(section(&r, "safety"), (12.5, 14.0, 15.18));
    assert_eq!(r.item("basic.facility_per_100").unwrap().status, ItemStatus::Failed);
    assert_eq!(r.item("safety.food_licence").unwrap().status, ItemStatus::Skipped);
    assert_eq!(r.total, 92.05);
    assert_eq!(r.grade, Grade::Excellent);
}

#[test]
fn township_worked_example() {
    let t = template("township");
    let c = centre(CentreType::Township);
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.carrier", Answer::Choice("rural_shop".into())); // svc.market (3) skipped
    set(&mut d, &t, "basic.facility_area", Answer::Number(60.0)); // exactly 30 m² per 100 households → 3
    set(&mut d, &t, "safety.food_businesses", Answer::Number(2.0));
    set(&mut d, &t, "safety.no_fake_goods", Answer::YesNo(false)); // 0 / 4, and a veto
    set(&mut d, &t, "vit.returnees", Answer::YesNo(false)); // 0 / 2
    let r = report(&t, &d, &c);

    // basic 15/15 × 18 = 18; services 24/24 × 27 = 27; safety 18/22 × 18 = 14.7273;
    // operations 13; vitality 6/8 × 9 = 6.75; model 7; satisfaction 8
    // total = 94.4773 → 94.48, but the veto makes it 不合格
    assert_eq!(section(&r, "services"), (24.0, 24.0, 27.0));
    assert_eq!(section(&r, "safety"), (18.0, 22.0, 14.73));
    assert_eq!(section(&r, "vitality"), (6.0, 8.0, 6.75));
    assert_eq!(r.item("basic.facility_per_100").unwrap().value, Some(30.0));
    assert_eq!(r.item("svc.market").unwrap().status, ItemStatus::Skipped);
    assert_eq!(r.total, 94.48);
    assert_eq!(r.vetoes.iter().map(|v| v.item.as_str()).collect::<Vec<_>>(), ["safety.no_fake_goods"]);
    assert_eq!(r.grade, Grade::Fail);
}

#[test]
fn village_worked_example() {
    let t = template("village");
    let c = centre(CentreType::Village);
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.size", Answer::Choice("under_500".into())); // the two large-village items (8) skipped
    set(&mut d, &t, "basic.shop_area_small", Answer::Number(15.0)); // ≥ 10 band → 0.5 × 4 = 2
    set(&mut d, &t, "basic.goods_small", Answer::Number(450.0)); // ≥ 400 → 4
    set(&mut d, &t, "svc.basic", choices(&["daily_goods"])); // 5 / 10
    set(&mut d, &t, "svc.optional", choices(&["recycling", "medicine", "catering"])); // 6, capped at 6
    set(&mut d, &t, "safety.food_sold", Answer::YesNo(false)); // food licence and cold chain (5) skipped
    set(&mut d, &t, "vit.operator", Answer::Choice("villager".into())); // 0.5 × 3 = 1.5
    set(&mut d, &t, "sat.villagers", Answer::Sample { asked: 12, satisfied: 11 }); // 0.9167 ≥ 0.9 → 6
    let r = report(&t, &d, &c);

    // basic 10/12 × 20 = 16.6667; services 17/22 × 30 = 23.1818; safety 13/13 × 20 = 20;
    // operations 10; vitality 6.5/8 × 8 = 6.5; model 5; satisfaction 7
    // total = 88.3485 → 88.35 → 良好
    assert_eq!(section(&r, "basic"), (10.0, 12.0, 16.67));
    assert_eq!(section(&r, "services"), (17.0, 22.0, 23.18));
    assert_eq!(section(&r, "safety"), (13.0, 13.0, 20.0));
    assert_eq!(section(&r, "vitality"), (6.5, 8.0, 6.5));
    assert_eq!(r.total, 88.35);
    assert_eq!(r.grade, Grade::Good);
    assert_eq!(r.item("basic.goods_large").unwrap().status, ItemStatus::Skipped);
}

#[test]
fn an_inspection_that_passes_orders_nothing_rectified() {
    for t in builtin_templates().unwrap() {
        let c = centre(t.centre_type);
        let d = all_pass(&t, &c);
        let found = findings(&t, &d.snapshot().unwrap(), &report(&t, &d, &c));
        assert_eq!(found, Vec::new(), "{}", t.id);
    }
}

#[test]
fn failures_vetoes_ordered_rectification_and_listed_lines_become_findings() {
    let t = template("block");
    let c = centre(CentreType::Block);
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.facility_area", Answer::Number(50.0)); // facility_per_100 fails
    set(&mut d, &t, "safety.fire_check", Answer::Choice("minor_open".into()));
    d.set_notes(Some("safety.fire_check"), "二楼安全出口堆放杂物", 5).unwrap();
    d.set_notes(Some("find.problems"), "1. 价格公示牌缺失\n\n  2. 消防通道被占用  \n1. 价格公示牌缺失\n", 6).unwrap();
    let snap = d.snapshot().unwrap();
    let found = findings(&t, &snap, &report(&t, &d, &c));
    let summary: Vec<(&str, Severity, u32)> =
        found.iter().map(|f| (f.key.split(':').nth(1).unwrap(), f.severity, f.deadline_days)).collect();
    assert_eq!(
        summary,
        [
            ("basic.facility_per_100", Severity::General, 30),
            ("safety.fire_check", Severity::General, 30),
            ("find.problems", Severity::General, 30),
            ("find.problems", Severity::General, 30),
        ]
    );
    assert_eq!(found[1].finding, "检查结果：一般隐患，需限期整改；二楼安全出口堆放杂物");
    assert_eq!(found[2].finding, "1. 价格公示牌缺失");
    assert_eq!(found[3].finding, "2. 消防通道被占用");
    assert_eq!(found[2].item, None);

    // A veto hit is the most severe, with its own deadline; keys stay put.
    set(&mut d, &t, "safety.fire_check", Answer::Choice("serious".into()));
    let again = findings(&t, &d.snapshot().unwrap(), &report(&t, &d, &c));
    let fire = again.iter().find(|f| f.key == "item:safety.fire_check").unwrap();
    assert_eq!((fire.severity, fire.deadline_days), (Severity::Veto, 7));
    let keys = |f: &[Finding]| f.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&again), keys(&found));
}
