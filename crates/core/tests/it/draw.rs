//! The random draw (双随机): reproducible, fair to its rules, and honest
//! when the pool cannot staff a task.

use proptest::prelude::*;
use std::collections::BTreeSet;
use xuncha_core::CentreType;
use xuncha_core::draw::{
    Candidate, Draw, DrawError, DrawInput, PoolInspector, Sampling, draw, key, may_inspect, replace,
};

const COUNTIES: [&str; 3] = ["长安区", "桥西区", "新华区"];
const TOWNS: [&str; 3] = ["建北街道", "育才街道", "东焦村"];
const TYPES: [CentreType; 4] = [CentreType::Community, CentreType::Block, CentreType::Township, CentreType::Village];

fn centre(i: usize, open: bool, last: Vec<String>) -> Candidate {
    Candidate {
        code: format!("C{i:04}"),
        county: COUNTIES[i % 3].into(),
        township: TOWNS[(i / 3) % 3].into(),
        centre_type: TYPES[(i / 9) % 4],
        open_problems: open,
        last_inspectors: last,
    }
}

fn inspector(i: usize, home: Option<usize>, conflicts: Vec<String>) -> PoolInspector {
    PoolInspector {
        username: format!("insp-{i:03}"),
        county: home.map(|h| COUNTIES[h % 3].to_owned()).unwrap_or_default(),
        township: home.map(|h| TOWNS[h % 3].to_owned()).unwrap_or_default(),
        conflicts,
    }
}

fn arb_case() -> impl Strategy<Value = (Vec<Candidate>, Vec<PoolInspector>, String, Sampling, u32)> {
    (
        1usize..60,
        2usize..16,
        "[a-z0-9]{1,12}",
        prop_oneof![(1u32..=1000).prop_map(Sampling::PerMille), (1u32..6).prop_map(Sampling::Count)],
        1u32..4,
    )
        .prop_flat_map(|(n, m, seed, sampling, per_task)| {
            let centres = proptest::collection::vec((any::<bool>(), proptest::option::of(0..m)), n).prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (open, last))| {
                        centre(i, open, last.map(|l| vec![format!("insp-{l:03}")]).unwrap_or_default())
                    })
                    .collect::<Vec<_>>()
            });
            let pool = proptest::collection::vec((proptest::option::of(0usize..9), proptest::option::of(0..n)), m)
                .prop_map(|v| {
                    v.into_iter()
                        .enumerate()
                        .map(|(i, (home, conflict))| {
                            inspector(i, home, conflict.map(|c| vec![format!("C{c:04}")]).unwrap_or_default())
                        })
                        .collect::<Vec<_>>()
                });
            (centres, pool, Just(seed), Just(sampling), Just(per_task))
        })
}

fn input<'a>(
    centres: &'a [Candidate],
    pool: &'a [PoolInspector],
    seed: &'a str,
    sampling: Sampling,
    per_task: u32,
) -> DrawInput<'a> {
    DrawInput { seed, centres, pool, sampling, per_task }
}

fn expected_size(n: u32, sampling: Sampling) -> u32 {
    match sampling {
        Sampling::Count(c) => n.min(c),
        Sampling::PerMille(pm) => (n * pm).div_ceil(1000).min(n),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_same_inputs_and_seed_draw_the_same_tasks_whatever_the_order((centres, pool, seed, sampling, per_task) in arb_case()) {
        let first = draw(&input(&centres, &pool, &seed, sampling, per_task));
        let (mut c2, mut p2) = (centres.clone(), pool.clone());
        c2.reverse();
        p2.rotate_left(1);
        let second = draw(&input(&c2, &p2, &seed, sampling, per_task));
        prop_assert_eq!(first, second);
    }

    #[test]
    fn every_task_is_staffed_within_the_rules_or_the_draw_says_which_centre_cannot_be((centres, pool, seed, sampling, per_task) in arb_case()) {
        match draw(&input(&centres, &pool, &seed, sampling, per_task)) {
            Ok(Draw { tasks, strata }) => {
                let total: u32 = strata.iter().map(|s| s.drawn).sum();
                prop_assert_eq!(total as usize, tasks.len());
                for s in &strata {
                    prop_assert_eq!(s.drawn, expected_size(s.eligible, sampling));
                    prop_assert!(s.eligible == 0 || s.drawn >= 1, "a stratum with centres is never skipped");
                }
                let codes: BTreeSet<_> = tasks.iter().map(|t| &t.centre_code).collect();
                prop_assert_eq!(codes.len(), tasks.len(), "a centre is drawn once");
                for t in &tasks {
                    let c = centres.iter().find(|c| c.code == t.centre_code).unwrap();
                    let names: BTreeSet<_> = t.inspectors.iter().collect();
                    prop_assert_eq!(names.len(), per_task as usize, "distinct inspectors, as many as asked");
                    for name in &t.inspectors {
                        let who = pool.iter().find(|p| &p.username == name).unwrap();
                        prop_assert!(may_inspect(who, c), "{} may not inspect {} (回避)", name, c.code);
                    }
                }
                // Centres with open problems come first within their stratum.
                for s in &strata {
                    let members: Vec<_> = centres.iter().filter(|c| c.county == s.county && c.centre_type == s.centre_type).collect();
                    let open = members.iter().filter(|c| c.open_problems).count() as u32;
                    let drawn_open = tasks.iter().filter(|t| members.iter().any(|c| c.code == t.centre_code && c.open_problems)).count() as u32;
                    prop_assert_eq!(drawn_open, open.min(s.drawn));
                }
            }
            Err(DrawError::PoolTooSmall { centre, needed, eligible }) => {
                let c = centres.iter().find(|c| c.code == centre).unwrap();
                let may = pool.iter().filter(|p| may_inspect(p, c)).count() as u32;
                prop_assert_eq!(may, eligible);
                prop_assert!(eligible < needed);
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    #[test]
    fn a_replacement_is_drawn_by_the_same_rules((centres, pool, seed, sampling, per_task) in arb_case()) {
        let inp = input(&centres, &pool, &seed, sampling, per_task);
        let Ok(d) = draw(&inp) else { return Ok(()) };
        let Some(task) = d.tasks.first() else { return Ok(()) };
        let out = task.inspectors[0].clone();
        match replace(&inp, &d, &task.centre_code, &out) {
            Ok((after, name)) => {
                let t = after.tasks.iter().find(|t| t.centre_code == task.centre_code).unwrap();
                prop_assert!(!t.inspectors.contains(&out));
                prop_assert!(t.inspectors.contains(&name));
                let names: BTreeSet<_> = t.inspectors.iter().collect();
                prop_assert_eq!(names.len(), t.inspectors.len());
                let c = centres.iter().find(|c| c.code == task.centre_code).unwrap();
                prop_assert!(may_inspect(pool.iter().find(|p| p.username == name).unwrap(), c));
                prop_assert_eq!(&after.tasks[1..], &d.tasks[1..], "other tasks are untouched");
                prop_assert_eq!(Ok((after.clone(), name.clone())), replace(&inp, &d, &task.centre_code, &out));
            }
            Err(DrawError::PoolTooSmall { .. }) => {
                let c = centres.iter().find(|c| c.code == task.centre_code).unwrap();
                let spare = pool.iter().filter(|p| may_inspect(p, c) && !task.inspectors.contains(&p.username)).count();
                prop_assert_eq!(spare, 0);
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }
}

/// A worked example anyone can re-run with `sha256sum`: the key is the hex
/// SHA-256 of the seed and the parts joined by U+001F.
#[test]
fn the_key_is_the_sha256_of_the_seed_and_the_parts() {
    let joined = key("seed", &["centre", "C0001"]);
    let mut h = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut h, "seed\u{1f}centre\u{1f}C0001".as_bytes());
    assert_eq!(joined, hex::encode(sha2::Digest::finalize(h)));
}

#[test]
fn bad_plans_are_refused_with_a_reason() {
    let centres = [centre(0, false, vec![])];
    let pool = [inspector(0, None, vec![]), inspector(1, None, vec![])];
    assert_eq!(draw(&input(&centres, &pool, " ", Sampling::Count(1), 2)), Err(DrawError::NoSeed));
    assert_eq!(draw(&input(&centres, &pool, "s", Sampling::PerMille(0), 2)), Err(DrawError::BadSampling));
    assert_eq!(draw(&input(&centres, &pool, "s", Sampling::Count(0), 2)), Err(DrawError::BadSampling));
    assert_eq!(draw(&input(&centres, &pool, "s", Sampling::Count(1), 0)), Err(DrawError::BadTaskSize));
    assert_eq!(
        draw(&input(&centres, &pool, "s", Sampling::Count(1), 3)),
        Err(DrawError::PoolTooSmall { centre: "C0000".into(), needed: 3, eligible: 2 })
    );
}

#[test]
fn an_inspector_is_not_sent_home_nor_back_nor_to_a_declared_conflict() {
    let c = centre(0, false, vec!["insp-001".into()]); // 长安区 建北街道
    assert!(!may_inspect(&inspector(0, Some(0), vec![]), &c), "registered in the centre's township");
    assert!(may_inspect(&inspector(0, Some(1), vec![]), &c), "another township");
    assert!(!may_inspect(&inspector(1, None, vec![]), &c), "inspected it last round");
    assert!(!may_inspect(&inspector(2, None, vec!["C0000".into()]), &c), "declared a conflict");
}

#[test]
fn ten_percent_of_a_stratum_of_twenty_one_is_three() {
    let centres: Vec<_> = (0..21)
        .map(|i| Candidate { county: "长安区".into(), centre_type: CentreType::Village, ..centre(i, false, vec![]) })
        .collect();
    let pool: Vec<_> = (0..4).map(|i| inspector(i, None, vec![])).collect();
    let d = draw(&input(&centres, &pool, "2026Q4-长安", Sampling::PerMille(100), 2)).unwrap();
    assert_eq!(d.tasks.len(), 3, "ceil(21 × 100 / 1000) = 3");
    // Work is spread: 6 seats over 4 inspectors, nobody has more than 2.
    for i in 0..4 {
        let name = format!("insp-{i:03}");
        let n = d.tasks.iter().filter(|t| t.inspectors.contains(&name)).count();
        assert!((1..=2).contains(&n), "{name} has {n} tasks");
    }
}
