//! Hand-worked inspections on version 2 of the built-in templates: the
//! corrected food licence, fire and village items, the zone of a centre, and
//! the capped bonus section (加分项). The numbers are worked in the comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use crate::centre_types::{all_pass, choices, report, respond, section, set};
use crate::common::*;
use xuncha_core::document::Answer;
use xuncha_core::problems::{Severity, findings};
use xuncha_core::scoring::{Grade, ItemStatus};
use xuncha_core::template::{Template, builtin_templates};
use xuncha_core::{Centre, CentreType, Zone};

fn v2(id: &str) -> Template {
    builtin_templates().unwrap().into_iter().find(|t| t.id == id && t.version == 2).unwrap()
}

fn choice(id: &str) -> Answer {
    Answer::Choice(id.into())
}

#[test]
fn community_v2_worked_example_with_a_capped_bonus() {
    let t = v2("community");
    let c = centre(CentreType::Community); // population 12,000
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.business_area", Answer::Number(250.0)); // ≥ 200 band → 0.5 × 4 = 2
    set(&mut d, &t, "svc.optional", choices(&["elderly_care"])); // 2.5 / 5
    set(&mut d, &t, "safety.food_sold", Answer::YesNo(true));
    set(&mut d, &t, "safety.food_permit", choice("farm_produce_only")); // needs no licence: full 3
    set(&mut d, &t, "safety.gas", Answer::NotApplicable); // 2 points leave the denominator
    set(&mut d, &t, "ops.disputes", choice("channel_only")); // 1.5 / 3
    respond(&mut d, &t, "sat.residents", 10, 8); // 0.8 → 0.5 × 8 = 4
    set(&mut d, &t, "fig.tenants", Answer::Number(12.0));
    set(&mut d, &t, "vit.chain_tenants", Answer::Number(3.0)); // 25% ≥ 15 → 0.5 × 2 = 1
    let r = report(&t, &d, &c);

    // basic:        20 / 22 × 20 = 18.1818
    // services:   26.5 / 29 × 30 = 27.4138
    // safety:       21 / 21 × 20 = 20
    // operations: 22.5 / 24 × 18 = 16.875
    // satisfaction:  6 / 10 × 12 = 7.2
    // base = 89.6706 → 89.67 (良好 on its own)
    // bonus: chain share 1 + chain operation 1 + smart 1.5 + e-commerce 1 + green 1.5 = 6, capped at 5
    // total = 94.67 → 优秀
    assert_eq!(section(&r, "basic"), (20.0, 22.0, 18.18));
    assert_eq!(section(&r, "services"), (26.5, 29.0, 27.41));
    assert_eq!(section(&r, "safety"), (21.0, 21.0, 20.0));
    assert_eq!(section(&r, "operations"), (22.5, 24.0, 16.88));
    assert_eq!(section(&r, "satisfaction"), (6.0, 10.0, 7.2));
    assert_eq!(section(&r, "bonus"), (6.0, 7.0, 5.0));
    assert_eq!(r.item("safety.food_permit").unwrap().status, ItemStatus::Passed);
    assert!(r.vetoes.is_empty());
    assert_eq!((r.base_total, r.bonus, r.total), (89.67, 5.0, 94.67));
    assert_eq!(r.grade, Grade::Excellent);

    // Without smart services and green practice the bonus is 3: the base is unchanged.
    set(&mut d, &t, "model.smart", choices(&[]));
    set(&mut d, &t, "model.green", choices(&[]));
    let r = report(&t, &d, &c);
    assert_eq!((r.base_total, r.bonus, r.total), (89.67, 3.0, 92.67));
    // An encouraged practice that is absent is no problem to rectify.
    let found = findings(&t, &d.snapshot().unwrap(), &r);
    assert!(found.iter().all(|f| f.item.as_deref() != Some("model.smart")), "{found:?}");

    // No bonus at all: 89.67, 良好.
    for id in ["vit.chain_operation", "model.ecommerce"] {
        set(&mut d, &t, id, Answer::YesNo(false));
    }
    set(&mut d, &t, "vit.chain_tenants", Answer::Number(0.0));
    let r = report(&t, &d, &c);
    assert_eq!((r.base_total, r.bonus, r.total, r.grade), (89.67, 0.0, 89.67, Grade::Good));
}

#[test]
fn the_food_licence_allows_farm_produce_and_filings_and_vetoes_unlicensed_sellers() {
    for id in ["community", "block", "township", "village"] {
        let t = v2(id);
        let c = centre(t.centre_type);
        let mut d = all_pass(&t, &c);
        for (fact, a) in [("safety.food_sold", Answer::YesNo(true)), ("safety.food_businesses", Answer::Number(3.0))] {
            if t.item(fact).is_some() {
                set(&mut d, &t, fact, a);
            }
        }
        for ok in ["licensed_or_filed", "farm_produce_only"] {
            set(&mut d, &t, "safety.food_permit", choice(ok));
            let r = report(&t, &d, &c);
            assert_eq!(r.item("safety.food_permit").unwrap().status, ItemStatus::Passed, "{id} {ok}");
            assert!(r.vetoes.is_empty(), "{id} {ok}");
        }
        set(&mut d, &t, "safety.food_permit", choice("unlicensed"));
        let r = report(&t, &d, &c);
        assert_eq!(r.vetoes.len(), 1, "{id}");
        assert_eq!(r.grade, Grade::Fail, "{id}: a veto fails the grade whatever the bonus");
    }
}

#[test]
fn a_suspected_major_fire_hazard_is_handed_over_and_only_the_fire_services_finding_vetoes() {
    let t = v2("community");
    let c = centre(CentreType::Community);
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "basic.business_area", Answer::Number(400.0));
    set(&mut d, &t, "safety.fire_check", choice("suspected_major"));
    let r = report(&t, &d, &c);
    // 0 of 3 points, no veto. The food items count (their fact is unanswered):
    // safety 20 / 23 × 20 = 17.39, base 97.39, plus the bonus 5.
    assert_eq!(r.item("safety.fire_check").unwrap().points, 0.0);
    assert!(r.vetoes.is_empty());
    assert_eq!(section(&r, "safety").2, 17.39);
    assert_eq!(r.total, 102.39);
    let found = findings(&t, &d.snapshot().unwrap(), &r);
    let fire = found.iter().find(|f| f.item.as_deref() == Some("safety.fire_check")).unwrap();
    assert_eq!(fire.severity, Severity::Serious);

    set(&mut d, &t, "safety.fire_check", choice("confirmed_major"));
    let r = report(&t, &d, &c);
    assert_eq!(r.vetoes.len(), 1);
    assert_eq!(r.grade, Grade::Fail);
}

fn village_in(province: &str, zone: Option<Zone>) -> Centre {
    let mut c = centre(CentreType::Village);
    c.region.province = province.into();
    c.zone = zone;
    c
}

/// SB/T 10393-2005: a western village shop needs 20 m² and 400 products; an
/// eastern or central one 40 m² and 600.
#[test]
fn a_western_village_shop_of_25_m2_and_450_products_passes() {
    let t = v2("village");
    let west = village_in("四川省", None);
    assert_eq!(west.zone(), Zone::West);
    let mut d = all_pass(&t, &west);
    set(&mut d, &t, "basic.shop_area_west", Answer::Number(25.0));
    set(&mut d, &t, "basic.goods_west", Answer::Number(450.0));
    set(&mut d, &t, "basic.shop_area_east", Answer::Number(25.0));
    set(&mut d, &t, "basic.goods_east", Answer::Number(450.0));
    let r = report(&t, &d, &west);
    for id in ["basic.shop_area_west", "basic.goods_west"] {
        assert_eq!(r.item(id).unwrap().status, ItemStatus::Passed, "{id}");
    }
    for id in ["basic.shop_area_east", "basic.goods_east"] {
        assert_eq!(r.item(id).unwrap().status, ItemStatus::Skipped, "{id}");
    }
    // basic: 4 + 4 + 2 + 2 = 12 of 12 → 22; the whole base is 100.
    assert_eq!(section(&r, "basic"), (12.0, 12.0, 22.0));
    assert_eq!(r.base_total, 100.0);

    // The same shop in Hebei (东中部) earns the partial bands: 25 ≥ 20 → 2 of 4,
    // 450 ≥ 400 → 2 of 4; basic 8 / 12 × 22 = 14.67, base 92.67.
    let east = village_in("河北省", None);
    let r = report(&t, &d, &east);
    assert_eq!(section(&r, "basic"), (8.0, 12.0, 14.67));
    assert_eq!(r.base_total, 92.67);

    // A Hebei county the province treats as western is set on the centre.
    let set_west = village_in("河北省", Some(Zone::West));
    let r = report(&t, &d, &set_west);
    assert_eq!(r.base_total, 100.0);
}

#[test]
fn the_village_distribution_rate_scores_by_the_40_percent_standard() {
    let t = v2("village");
    let c = village_in("河北省", None);
    let mut d = all_pass(&t, &c);
    set(&mut d, &t, "svc.distribution_rate", Answer::Number(35.0)); // ≥ 20 → 0.5 × 3 = 1.5
    let r = report(&t, &d, &c);
    assert_eq!(r.item("svc.distribution_rate").unwrap().points, 1.5);
    // services: 23.5 / 25 × 32 = 30.08
    assert_eq!(section(&r, "services"), (23.5, 25.0, 30.08));
}

/// 三(五) 听取意见建议: each person asked is a record; the rate is computed,
/// ten at least, and a phone number left for 回访 is for supervisors only.
#[test]
fn satisfaction_is_recorded_one_respondent_at_a_time() {
    use xuncha_core::document::{DocError, Respondent};
    let t = v2("village");
    let c = village_in("河北省", None);
    let mut d = all_pass(&t, &c);
    respond(&mut d, &t, "sat.villagers", 9, 9);
    let r = report(&t, &d, &c);
    // Nine is too few to earn points, however happy.
    assert_eq!(r.item("sat.villagers").unwrap().points, 0.0);
    assert_eq!(r.item("sat.villagers").unwrap().value, Some(1.0));
    let person = Respondent {
        at: 1_700_000_100_000,
        satisfied: false,
        opinion: Some("希望增加快递代收点".into()),
        phone: Some("13800138000".into()),
        by: "user1".into(),
    };
    d.add_respondent(&t, "sat.villagers", &person).unwrap();
    let r = report(&t, &d, &c);
    // 9 of 10 satisfied = 0.9 → full 6 points.
    assert_eq!(r.item("sat.villagers").unwrap().points, 6.0);
    let snap = d.snapshot().unwrap();
    assert_eq!(snap.respondents["sat.villagers"].len(), 10);
    assert_eq!(snap.respondents["sat.villagers"][9], person);
    let public = snap.without_phones();
    assert!(public.respondents["sat.villagers"].iter().all(|p| p.phone.is_none()));
    assert_eq!(public.respondents["sat.villagers"][9].opinion.as_deref(), Some("希望增加快递代收点"));

    // Bounded, and only on a respondents item.
    let long = Respondent { opinion: Some("很".repeat(501)), ..person.clone() };
    assert!(matches!(d.add_respondent(&t, "sat.villagers", &long), Err(DocError::TooLong { .. })));
    assert!(matches!(d.add_respondent(&t, "basic.sign", &person), Err(DocError::UnknownItem(_))));
}
