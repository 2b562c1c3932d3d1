//! Scoring invariants and merge convergence, as properties over random answers.

use crate::common::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use xuncha_core::document::{Answer, AnswerRecord, InspectionSnapshot, Respondent};
use xuncha_core::scoring::{EvidenceFacts, Report, score};
use xuncha_core::template::{AnswerSpec, Item, Template, YesNo, builtin_templates};
use xuncha_core::{Centre, CentreType, Zone};

fn templates() -> Vec<Template> {
    let mut all = builtin_templates().expect("built-in templates are valid");
    all.push(mini());
    all
}

fn answerable(item: &Item) -> bool {
    !matches!(item.answer, AnswerSpec::Computed { .. } | AnswerSpec::Text)
}

/// Any answer a device could write for this item, including invalid N/A and
/// out-of-range numbers, so scoring is exercised on bad data too.
fn any_answer(item: &Item) -> BoxedStrategy<Answer> {
    let na = Just(Answer::NotApplicable);
    let value: BoxedStrategy<Answer> = match &item.answer {
        AnswerSpec::YesNo => any::<bool>().prop_map(Answer::YesNo).boxed(),
        AnswerSpec::Scale { min, max, .. } => ((*min - 1)..=(*max + 1)).prop_map(Answer::Scale).boxed(),
        AnswerSpec::Number { .. } => prop_oneof![
            (-10.0f64..2000.0).prop_map(Answer::Number),
            (0u32..200_000).prop_map(|v| Answer::Number(f64::from(v))),
        ]
        .boxed(),
        AnswerSpec::ChoiceOne { options } => {
            let ids: Vec<String> = options.iter().map(|o| o.id.clone()).chain(["bogus".to_string()]).collect();
            proptest::sample::select(ids).prop_map(Answer::Choice).boxed()
        }
        AnswerSpec::ChoiceMany { options } => {
            let ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
            proptest::sample::subsequence(ids.clone(), 0..=ids.len()).prop_map(Answer::Choices).boxed()
        }
        // Respondents are records, not an answer: the count pair stands for them (see `snapshot`).
        AnswerSpec::Sample { .. } | AnswerSpec::Respondents { .. } => {
            (0u32..60, 0u32..60).prop_map(|(a, s)| Answer::Sample { asked: a, satisfied: s }).boxed()
        }
        AnswerSpec::Computed { .. } | AnswerSpec::Text => na.clone().boxed(),
    };
    prop_oneof![1 => na, 6 => value].boxed()
}

/// The answer that earns the item's full points.
fn passing_answer(item: &Item) -> Option<Answer> {
    Some(match &item.answer {
        AnswerSpec::YesNo => Answer::YesNo(true),
        AnswerSpec::Scale { max, .. } => Answer::Scale(*max),
        AnswerSpec::Number { .. } => {
            let best = item.thresholds.iter().max_by(|a, b| a.fraction.total_cmp(&b.fraction))?;
            Answer::Number(best.gte.or(best.lte)?)
        }
        AnswerSpec::ChoiceOne { options } => {
            let best = options.iter().max_by(|a, b| a.fraction.unwrap_or(0.0).total_cmp(&b.fraction.unwrap_or(0.0)))?;
            Answer::Choice(best.id.clone())
        }
        AnswerSpec::ChoiceMany { options } => Answer::Choices(options.iter().map(|o| o.id.clone()).collect()),
        AnswerSpec::Sample { min_asked, .. } | AnswerSpec::Respondents { min_asked } => {
            let n = (*min_asked).max(1);
            Answer::Sample { asked: n, satisfied: n }
        }
        AnswerSpec::Computed { .. } | AnswerSpec::Text => return None,
    })
}

/// A veto-hitting answer for a critical item, if one can be written directly.
fn veto_answer(item: &Item) -> Option<Answer> {
    let rule = item.veto.as_ref()?;
    if let Some(a) = rule.answer {
        return Some(Answer::YesNo(a == YesNo::Yes));
    }
    if let Some(options) = &rule.options {
        return options.first().cloned().map(Answer::Choice);
    }
    if rule.fewer_than.is_some() {
        return Some(Answer::Choices(Vec::new()));
    }
    match (&item.answer, rule.below, rule.above) {
        (AnswerSpec::Number { .. }, Some(b), _) => Some(Answer::Number(b - 1.0)),
        (AnswerSpec::Number { .. }, _, Some(a)) => Some(Answer::Number(a + 1.0)),
        (AnswerSpec::Sample { .. }, Some(b), _) if b > 0.0 => Some(Answer::Sample { asked: 100, satisfied: 0 }),
        _ => None,
    }
}

/// The respondents an `Answer::Sample` stands for on a respondents item.
fn respondents_of(t: &Template, answers: &BTreeMap<String, Answer>) -> BTreeMap<String, Vec<Respondent>> {
    let person = |satisfied| Respondent { at: 0, satisfied, opinion: None, phone: None, by: "u".into() };
    answers
        .iter()
        .filter(|(id, _)| t.item(id).is_some_and(|i| matches!(i.answer, AnswerSpec::Respondents { .. })))
        .filter_map(|(id, a)| match a {
            Answer::Sample { asked, satisfied } => {
                Some((id.clone(), (0..*asked).map(|n| person(n < *satisfied)).collect()))
            }
            _ => None,
        })
        .collect()
}

fn snapshot(t: &Template, answers: &BTreeMap<String, Answer>) -> InspectionSnapshot {
    InspectionSnapshot {
        respondents: respondents_of(t, answers),
        centre_code: "C-001".into(),
        template: t.reference(),
        purpose: Default::default(),
        created_by: "u".into(),
        created_at: 0,
        inspectors: BTreeMap::new(),
        answers: answers
            .iter()
            .map(|(k, a)| (k.clone(), AnswerRecord { answer: a.clone(), by: "u".into(), at: 0 }))
            .collect(),
        conflicts: Vec::new(),
        notes: String::new(),
        item_notes: BTreeMap::new(),
        photos: BTreeMap::new(),
        gps_fixes: Vec::new(),
        sign_offs: BTreeMap::new(),
        review: None,
        migrations: Vec::new(),
    }
}

/// A template index, random answers for it, and random centre figures.
fn case() -> impl Strategy<Value = (usize, BTreeMap<String, Answer>, Centre, usize)> {
    let all = templates();
    (0..all.len())
        .prop_flat_map(move |ti| {
            let t = all[ti].clone();
            let items: Vec<Item> = t.items().map(|(_, i)| i.clone()).filter(answerable).collect();
            let per_item: Vec<_> = items
                .iter()
                .map(|i| {
                    proptest::option::of(any_answer(i)).prop_map({
                        let id = i.id.clone();
                        move |a| (id.clone(), a)
                    })
                })
                .collect();
            let zone = proptest::option::of(proptest::sample::select(vec![Zone::EastCentral, Zone::West]));
            let centre = (proptest::option::of(0.0f64..50_000.0), proptest::option::of(0.0f64..5000.0), zone).prop_map(
                move |(area, households, zone)| Centre {
                    community_floor_area_m2: area,
                    households,
                    zone,
                    ..centre(t.centre_type)
                },
            );
            (Just(ti), per_item, centre, 0..items.len().max(1))
        })
        .prop_map(|(ti, pairs, c, pick)| {
            let answers = pairs.into_iter().filter_map(|(id, a)| a.map(|a| (id, a))).collect();
            (ti, answers, c, pick)
        })
}

fn report(t: &Template, answers: &BTreeMap<String, Answer>, c: &Centre) -> Report {
    score(t, &snapshot(t, answers), c, &EvidenceFacts::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn total_stays_within_0_and_100_plus_the_bonus_caps((ti, answers, c, _) in case()) {
        let t = &templates()[ti];
        let r = report(t, &answers, &c);
        let caps: f64 = t.sections.iter().filter(|s| s.is_bonus()).filter_map(|s| s.cap).sum();
        prop_assert!((0.0..=100.0).contains(&r.base_total), "base {}", r.base_total);
        prop_assert!((0.0..=caps).contains(&r.bonus), "bonus {} over caps {caps}", r.bonus);
        prop_assert!((0.0..=100.0 + caps).contains(&r.total), "total {}", r.total);
        prop_assert!((r.total - r.base_total - r.bonus).abs() < 0.011);
        for s in &r.sections {
            prop_assert!(s.earned <= s.possible + 1e-9);
        }
    }

    #[test]
    fn a_bonus_never_lowers_the_total_and_never_touches_the_base((ti, answers, c, pick) in case()) {
        let t = &templates()[ti];
        let bonus: Vec<&Item> = t.sections.iter().filter(|s| s.is_bonus())
            .flat_map(|s| s.items.iter()).filter(|i| answerable(i) && i.points > 0.0).collect();
        prop_assume!(!bonus.is_empty());
        let item = bonus[pick % bonus.len()];
        let mut without = answers.clone();
        without.remove(&item.id);
        let before = report(t, &without, &c);
        for a in [passing_answer(item), answers.get(&item.id).cloned()].into_iter().flatten() {
            let mut with = without.clone();
            with.insert(item.id.clone(), a);
            let after = report(t, &with, &c);
            prop_assert!(after.total >= before.total, "{}: {} → {}", item.id, before.total, after.total);
            prop_assert_eq!(after.base_total, before.base_total);
            if before.vetoes.is_empty() {
                prop_assert!(after.grade >= before.grade);
            }
        }
    }

    #[test]
    fn passing_a_failed_item_never_lowers_the_total((ti, answers, c, pick) in case()) {
        let t = &templates()[ti];
        let scored: Vec<&Item> = t.items().map(|(_, i)| i).filter(|i| answerable(i) && i.points > 0.0).collect();
        let item = scored[pick % scored.len()];
        let before = report(t, &answers, &c);
        if let Some(pass) = passing_answer(item) {
            let mut better = answers.clone();
            better.insert(item.id.clone(), pass);
            let after = report(t, &better, &c);
            // Only a change that really passes the item (e.g. its required photo is there) is claimed.
            prop_assume!(after.item(&item.id).is_some_and(|i| i.status == xuncha_core::scoring::ItemStatus::Passed));
            prop_assert!(after.total >= before.total, "{}: {} → {}", item.id, before.total, after.total);
        }
    }

    #[test]
    fn hitting_a_veto_never_raises_the_grade((ti, answers, c, pick) in case()) {
        let t = &templates()[ti];
        let critical: Vec<&Item> = t.items().map(|(_, i)| i).filter(|i| i.critical && answerable(i)).collect();
        prop_assume!(!critical.is_empty());
        let item = critical[pick % critical.len()];
        let before = report(t, &answers, &c);
        if let Some(v) = veto_answer(item) {
            let mut worse = answers.clone();
            worse.insert(item.id.clone(), v);
            let after = report(t, &worse, &c);
            prop_assert!(after.grade <= before.grade);
            if !after.vetoes.is_empty() {
                // Whatever the bonus, a veto fails the grade.
                prop_assert_eq!(after.grade, xuncha_core::scoring::Grade::Fail);
            }
            let skipped = after.item(&item.id).is_some_and(|i| i.status == xuncha_core::scoring::ItemStatus::Skipped);
            // A critical item that does not apply to this centre cannot veto.
            prop_assert!(skipped || after.vetoes.iter().any(|h| h.item == item.id), "{:?}", after.vetoes);
        }
    }
}

/// Answers spread over three devices, made and merged in any order, give the
/// same document and the same report as one device making them all.
fn merge_case() -> impl Strategy<Value = (Vec<(String, Answer, usize)>, Vec<usize>)> {
    let t = mini();
    let items: Vec<Item> = t.items().map(|(_, i)| i.clone()).filter(answerable).collect();
    let per_item: Vec<_> = items
        .iter()
        .map(|i| {
            (proptest::option::of(any_answer(i)), 0usize..3).prop_map({
                let id = i.id.clone();
                move |(a, dev)| a.map(|a| (id.clone(), a, dev))
            })
        })
        .collect();
    (per_item, Just(vec![0usize, 1, 2]).prop_shuffle())
        .prop_map(|(ops, order)| (ops.into_iter().flatten().collect(), order))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn merge_order_does_not_change_the_report((ops, order) in merge_case(), shuffled in Just(()).prop_perturb(|_, mut rng| rng.random::<u64>())) {
        let t = mini();
        let c = centre(CentreType::Community);
        let mut origin = new_doc(&t, 1);
        let mut devices: Vec<_> = (0..3u8).map(|n| fork_as(&mut origin, n + 10)).collect();
        // Each device makes its share, in an order that depends on the seed.
        let mut ops = ops;
        let seed = shuffled as usize;
        if !ops.is_empty() { let k = seed % ops.len(); ops.rotate_left(k); }
        for (item, a, dev) in &ops {
            answer(&mut devices[*dev], &t, item, a.clone(), &format!("user{dev}"));
        }
        // Merge in the chosen order into the first device, then fan out.
        let [first, second, third] = [order[0], order[1], order[2]];
        let (mut x, mut y, mut z) = (fork_as(&mut devices[first], 20), fork_as(&mut devices[second], 21), fork_as(&mut devices[third], 22));
        x.automerge_mut().merge(z.automerge_mut()).unwrap();
        x.automerge_mut().merge(y.automerge_mut()).unwrap();
        y.automerge_mut().merge(x.automerge_mut()).unwrap();
        z.automerge_mut().merge(y.automerge_mut()).unwrap();

        let mut single = fork_as(&mut origin, 30);
        let mut canonical = ops.clone();
        canonical.sort_by(|a, b| a.0.cmp(&b.0));
        for (item, a, _) in &canonical {
            answer(&mut single, &t, item, a.clone(), "solo");
        }

        let facts = EvidenceFacts::default();
        let rx = score(&t, &x.snapshot().unwrap(), &c, &facts).unwrap();
        let ry = score(&t, &y.snapshot().unwrap(), &c, &facts).unwrap();
        let rz = score(&t, &z.snapshot().unwrap(), &c, &facts).unwrap();
        let rs = score(&t, &single.snapshot().unwrap(), &c, &facts).unwrap();
        prop_assert_eq!(x.snapshot().unwrap(), z.snapshot().unwrap());
        prop_assert_eq!(&rx, &ry);
        prop_assert_eq!(&rx, &rz);
        prop_assert_eq!(&rx, &rs);
    }
}
