//! The random draw at a province's scale: 10,000 centres in 60 counties,
//! 500 inspectors, 10% per stratum, two inspectors per task.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_debug_implementations)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use xuncha_core::CentreType;
use xuncha_core::draw::{Candidate, DrawInput, PoolInspector, Sampling, draw};

const TYPES: [CentreType; 4] = [CentreType::Community, CentreType::Block, CentreType::Township, CentreType::Village];

fn bench(c: &mut Criterion) {
    let centres: Vec<Candidate> = (0..10_000)
        .map(|i| Candidate {
            code: format!("C{i:05}"),
            county: format!("county-{}", i % 60),
            township: format!("town-{}", i % 600),
            centre_type: TYPES[i % 4],
            open_problems: i % 50 == 0,
            last_inspectors: vec![format!("insp-{}", i % 500)],
        })
        .collect();
    let pool: Vec<PoolInspector> = (0..500)
        .map(|i| PoolInspector {
            username: format!("insp-{i}"),
            county: format!("county-{}", i % 60),
            township: format!("town-{}", i % 600),
            conflicts: vec![format!("C{:05}", i * 7)],
        })
        .collect();
    let input =
        DrawInput { seed: "2026Q4", centres: &centres, pool: &pool, sampling: Sampling::PerMille(100), per_task: 2 };
    let tasks = draw(&input).unwrap().tasks.len();
    println!("draw: {} centres, {} inspectors → {tasks} tasks", centres.len(), pool.len());
    let mut g = c.benchmark_group("draw");
    g.sample_size(10);
    g.bench_function("10k_centres_500_inspectors", |b| b.iter(|| draw(black_box(&input)).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
