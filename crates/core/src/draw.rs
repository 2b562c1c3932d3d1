//! 双随机 (the random draw of inspection targets and inspectors, 国办发
//! 〔2015〕58号), reproducible by anyone from the plan's seed.
//!
//! The algorithm, as published with every plan (docs/supervision.md):
//! 1. Every value is ranked by its *key*: the lowercase hex SHA-256 of the
//!    seed and the value's parts joined by the unit separator (U+001F). The
//!    order of the input lists never matters.
//! 2. Eligible centres are grouped into strata by county and centre type. A
//!    stratum of `n` centres gives `min(n, count)` tasks for a fixed count,
//!    or `ceil(n × per_mille / 1000)` for a ratio, so a stratum with a
//!    centre in it is never skipped. Centres with open problems come first,
//!    then by the key of their code.
//! 3. Tasks are staffed in the order of the key of their centre's code. Each
//!    takes the `per_task` eligible inspectors with the fewest tasks so far,
//!    ties broken by the key of (centre code, user name). Ineligible (回避):
//!    an inspector registered in the centre's township, one who inspected
//!    the centre in the previous round, one who declared a conflict with it.
//! 4. A drawn inspector is replaced by the next inspector step 3 would pick,
//!    leaving out everyone already on the task and the one replaced.

use crate::CentreType;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// A centre that may be drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Candidate {
    pub code: String,
    pub county: String,
    pub township: String,
    pub centre_type: CentreType,
    /// Open problems: drawn before the others of its stratum.
    #[serde(default)]
    pub open_problems: bool,
    /// Who inspected it in the previous round (回避).
    #[serde(default)]
    pub last_inspectors: Vec<String>,
}

/// An inspector of the pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PoolInspector {
    pub username: String,
    /// Where the inspector is registered (户籍/工作地): not sent to centres there.
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub township: String,
    /// Centres the inspector declared a conflict of interest with.
    #[serde(default)]
    pub conflicts: Vec<String>,
}

/// How many centres each stratum gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Parts per thousand of the stratum, rounded up (1 to 1000).
    PerMille(u32),
    /// At most this many per stratum.
    Count(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Task {
    pub centre_code: String,
    pub county: String,
    pub centre_type: CentreType,
    /// In the order they were drawn.
    pub inspectors: Vec<String>,
}

/// One stratum's size and its sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Stratum {
    pub county: String,
    pub centre_type: CentreType,
    pub eligible: u32,
    pub drawn: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Draw {
    pub tasks: Vec<Task>,
    pub strata: Vec<Stratum>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("a draw needs a seed")]
    NoSeed,
    #[error("sample 1 to 1000 per mille, or a count of at least 1")]
    BadSampling,
    #[error("each task needs 1 to 10 inspectors")]
    BadTaskSize,
    #[error("centre `{centre}` needs {needed} inspectors and only {eligible} in the pool may inspect it (回避)")]
    PoolTooSmall { centre: String, needed: u32, eligible: u32 },
    #[error("no task for centre `{0}` in this draw")]
    NoTask(String),
    #[error("`{0}` is not on that task")]
    NotOnTask(String),
}

/// What a draw is run on.
#[derive(Debug, Clone, Copy)]
pub struct DrawInput<'a> {
    pub seed: &'a str,
    pub centres: &'a [Candidate],
    pub pool: &'a [PoolInspector],
    pub sampling: Sampling,
    pub per_task: u32,
}

/// The rank of a value under a seed: hex SHA-256 of the seed and the parts.
pub fn key(seed: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    for p in parts {
        h.update([0x1f]);
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

fn sample_size(n: usize, sampling: Sampling) -> usize {
    match sampling {
        Sampling::Count(c) => n.min(c as usize),
        Sampling::PerMille(pm) => (n * pm as usize).div_ceil(1000).min(n),
    }
}

/// Whether `who` may inspect `centre` (回避).
pub fn may_inspect(who: &PoolInspector, centre: &Candidate) -> bool {
    let home = !who.township.is_empty() && who.county == centre.county && who.township == centre.township;
    !home && !centre.last_inspectors.contains(&who.username) && !who.conflicts.contains(&centre.code)
}

fn check(input: &DrawInput<'_>) -> Result<(), DrawError> {
    if input.seed.trim().is_empty() {
        return Err(DrawError::NoSeed);
    }
    match input.sampling {
        Sampling::PerMille(1..=1000) | Sampling::Count(1..) => {}
        _ => return Err(DrawError::BadSampling),
    }
    if !(1..=10).contains(&input.per_task) {
        return Err(DrawError::BadTaskSize);
    }
    Ok(())
}

/// One entry per user name and per centre code: the first wins, so a
/// duplicate in the input cannot tilt the draw.
fn distinct<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut seen = BTreeSet::new();
    items.iter().filter(|i| seen.insert(name(i).to_owned())).collect()
}

/// Runs the draw (see the module's documentation for the algorithm).
pub fn draw(input: &DrawInput<'_>) -> Result<Draw, DrawError> {
    check(input)?;
    let seed = input.seed;
    let mut strata: BTreeMap<(&str, CentreType), Vec<&Candidate>> = BTreeMap::new();
    for c in distinct(input.centres, |c| c.code.as_str()) {
        strata.entry((c.county.as_str(), c.centre_type)).or_default().push(c);
    }
    let mut drawn: Vec<&Candidate> = Vec::new();
    let mut counts = Vec::new();
    for ((county, centre_type), mut members) in strata {
        members.sort_by_cached_key(|c| (!c.open_problems, key(seed, &["centre", &c.code])));
        let k = sample_size(members.len(), input.sampling);
        counts.push(Stratum {
            county: county.to_owned(),
            centre_type,
            eligible: u32::try_from(members.len()).unwrap_or(u32::MAX),
            drawn: u32::try_from(k).unwrap_or(u32::MAX),
        });
        drawn.extend(members.into_iter().take(k));
    }
    drawn.sort_by_cached_key(|c| key(seed, &["task", &c.code]));
    let pool = distinct(input.pool, |p| p.username.as_str());
    let mut load: BTreeMap<&str, u32> = pool.iter().map(|p| (p.username.as_str(), 0)).collect();
    let mut tasks = Vec::with_capacity(drawn.len());
    for centre in drawn {
        let mut eligible: Vec<&PoolInspector> = pool.iter().copied().filter(|p| may_inspect(p, centre)).collect();
        if eligible.len() < input.per_task as usize {
            return Err(DrawError::PoolTooSmall {
                centre: centre.code.clone(),
                needed: input.per_task,
                eligible: u32::try_from(eligible.len()).unwrap_or(u32::MAX),
            });
        }
        eligible.sort_by_cached_key(|p| {
            (load.get(p.username.as_str()).copied().unwrap_or(0), key(seed, &["inspector", &centre.code, &p.username]))
        });
        let picked = eligible.get(..input.per_task as usize).unwrap_or(&eligible);
        for p in picked {
            *load.entry(p.username.as_str()).or_default() += 1;
        }
        let chosen: Vec<String> = picked.iter().map(|p| p.username.clone()).collect();
        tasks.push(Task {
            centre_code: centre.code.clone(),
            county: centre.county.clone(),
            centre_type: centre.centre_type,
            inspectors: chosen,
        });
    }
    Ok(Draw { tasks, strata: counts })
}

/// Replaces `out` on the task of `centre` with the next inspector the draw
/// would pick (fewest tasks in `current`, then the key), leaving out the
/// task's other inspectors and `out`. Returns the draw with the replacement
/// and the name drawn.
pub fn replace(input: &DrawInput<'_>, current: &Draw, centre: &str, out: &str) -> Result<(Draw, String), DrawError> {
    check(input)?;
    let task = current.tasks.iter().position(|t| t.centre_code == centre).ok_or(DrawError::NoTask(centre.into()))?;
    let on_task = &current.tasks.get(task).ok_or(DrawError::NoTask(centre.into()))?.inspectors;
    let slot = on_task.iter().position(|n| n == out).ok_or(DrawError::NotOnTask(out.into()))?;
    let candidate = input.centres.iter().find(|c| c.code == centre).ok_or_else(|| DrawError::NoTask(centre.into()))?;
    let mut load: BTreeMap<&str, u32> = BTreeMap::new();
    for name in current.tasks.iter().flat_map(|t| &t.inspectors) {
        *load.entry(name.as_str()).or_default() += 1;
    }
    let pool = distinct(input.pool, |p| p.username.as_str());
    let mut eligible: Vec<&PoolInspector> = pool
        .into_iter()
        .filter(|p| may_inspect(p, candidate) && p.username != out && !on_task.contains(&p.username))
        .collect();
    eligible.sort_by_cached_key(|p| {
        (load.get(p.username.as_str()).copied().unwrap_or(0), key(input.seed, &["inspector", centre, &p.username]))
    });
    let Some(next) = eligible.first() else {
        return Err(DrawError::PoolTooSmall {
            centre: centre.into(),
            needed: u32::try_from(on_task.len()).unwrap_or(u32::MAX),
            eligible: u32::try_from(on_task.len().saturating_sub(1)).unwrap_or(u32::MAX),
        });
    };
    let mut result = current.clone();
    let name = next.username.clone();
    if let Some(t) = result.tasks.get_mut(task)
        && let Some(s) = t.inspectors.get_mut(slot)
    {
        s.clone_from(&name);
    }
    Ok((result, name))
}
